# The command line itself: help, version, unknown commands and options,
# global options and environment variables.
. "$SRCDIR/tests/lib.sh"

run_costs --version
check_rc 0 "--version"
check_grep '^costs [0-9]' "$T/out" "--version prints the version"

run_costs --help
check_rc 0 "--help"
for c in report export import; do
	check_grep "^  $c " "$T/out" "--help lists $c"
done

run_costs
check_rc 2 "no command"
check_grep "usage: costs" "$T/err" "no command prints usage on stderr"

run_costs frobnicate
check_rc 2 "unknown command"
check_eq "unknown command message" "costs: unknown command 'frobnicate'" "$(head -1 "$T/err")"

run_costs --frobnicate report
check_rc 2 "unknown global option"
check_grep "unknown or incomplete option '--frobnicate'" "$T/err" "unknown global option named"

run_costs -x report
check_rc 2 "unknown short option"
check_grep "unknown option '-x'" "$T/err" "unknown short option named"

run_costs report --bogus
check_rc 2 "unknown command option"
check_grep "unknown option '--bogus'" "$T/err" "unknown command option named"
check_grep "usage: costs report" "$T/err" "command usage shown"

run_costs report --month
check_rc 2 "missing option argument"
check_grep "option '--month' needs a value" "$T/err" "missing value named"

# Global options are global anywhere: after the command they mean the same.
run_costs report --db "$T/x.db"
check_rc 1 "global option after the command"
check_grep "no database at '$T/x.db'" "$T/err" "--db after the command is used"

run_costs report --help
check_rc 0 "report --help"
check_grep "^usage: costs \[GLOBAL OPTIONS\] report" "$T/out" "report --help usage line"
check_grep "\-\-format" "$T/out" "report --help lists --format"

# --db beats COSTS_DB; COSTS_DB beats the default.
"$COSTS" import "$SRCDIR/tests/data/small.csv" 2>/dev/null
check_eq "COSTS_DB used" "yes" "$([ -f "$COSTS_DB" ] && echo yes || echo no)"
run_costs --db "$T/other.db" import "$SRCDIR/tests/data/small.csv"
check_rc 0 "--db import"
check_eq "--db used" "yes" "$([ -f "$T/other.db" ] && echo yes || echo no)"

# The default database for a non-root user lives under XDG_DATA_HOME.
if nobody_can_run; then
	mkdir -p "$T/xdg"
	chmod 777 "$T" "$T/xdg"
	env -u COSTS_DB XDG_DATA_HOME="$T/xdg" COSTS_CONFIG=/dev/null \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$COSTS" import "$SRCDIR/tests/data/small.csv" 2>"$T/err" || true
	check_eq "XDG default database" "yes" "$([ -f "$T/xdg/costs/costs.db" ] && echo yes || echo no)"
fi

# A config named explicitly must exist; the default one may be missing.
run_costs --config "$T/missing.conf" report
check_rc 1 "explicit missing config"
check_grep "cannot open config '$T/missing.conf': No such file or directory" "$T/err" "missing config message"

# stdout write errors are reported, not ignored.
if [ -w /dev/full ]; then
	RC=0
	"$COSTS" report >/dev/full 2>"$T/err" || RC=$?
	check_rc 1 "write to /dev/full"
	check_grep "cannot write" "$T/err" "write error reported"
fi
finish
