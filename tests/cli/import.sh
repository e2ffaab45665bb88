. "$SRCDIR/tests/lib.sh"; run_costs --version; check_rc 0 version; finish
