# Every command in the command table is documented where users look: its
# own --help, the man page costs(1) and the README; and `meson install`
# installs what the documentation promises.
. "$SRCDIR/tests/lib.sh"

"$COSTS" --help >"$T/help"
cmds=$(awk '/^Commands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {exit}' "$T/help")
check_eq "commands listed" "yes" "$([ -n "$cmds" ] && echo yes || echo no)"
for c in $cmds; do
	run_costs "$c" --help
	check_rc 0 "$c --help"
	check_grep "^usage: costs \[GLOBAL OPTIONS\] $c" "$T/out" "$c --help usage"
	check_grep "^\.SS \"$c\b" "$SRCDIR/doc/costs.1" "man page section for $c"
	check_grep "^### $c\b" "$SRCDIR/README.md" "README section for $c"
	# Each long option the command accepts appears in its help and man page.
	for o in $(grep -o -- '--[a-z][a-z-]*' "$T/out" | sort -u); do
		[ "$o" = --help ] && continue
		esc=$(printf '%s' "$o" | sed 's/-/\\-/g')
		if grep -qF -- "$esc" "$SRCDIR/doc/costs.1"; then pass; else fail "man page lacks $c $o"; fi
	done
	# The usage line names every option the help describes (report lacked
	# --host and --source, project --provider, --plan and --budget).
	usage=$(head -1 "$T/out")
	for o in $(sed -n '2,$p' "$T/out" | grep -o -- '^  *--[a-z][a-z-]*' | tr -d ' ' | sort -u); do
		[ "$o" = --help ] && continue
		case "$usage" in
		*"$o"*) pass ;;
		*) fail "usage line of $c lacks $o" ;;
		esac
	done
done

# Options that do not apply are not offered: plot and export have a row per
# day or month by their kind, so no --by.
for c in plot export; do
	"$COSTS" "$c" --help >"$T/out"
	check_eq "$c --help does not offer --by" "0" "$(grep -c -- '--by' "$T/out")"
done

# Exit status 3 has two meanings (DESIGN: a limit passed): over budget
# (project --budget) and stale price rows (providers check --stale); the
# global --help, the man page's EXIT STATUS and the README say both.
"$COSTS" --help >"$T/help"
check_grep "^Exit status:.* 3 .*budget" "$T/help" "--help: 3 over budget"
check_grep "providers check --stale" "$T/help" "--help: 3 stale rows"
sed -n '/^\.SH EXIT STATUS/,/^\.SH ENVIRONMENT/p' "$SRCDIR/doc/costs.1" >"$T/exit"
check_grep 'project \\-\\-budget' "$T/exit" "man EXIT STATUS: project --budget"
check_grep 'providers check \\-\\-stale' "$T/exit" "man EXIT STATUS: providers check --stale"
tr '\n' ' ' <"$SRCDIR/README.md" | grep -o 'Exit status: 0 ok[^.]*\.' >"$T/exit" || true
check_grep 'project --budget' "$T/exit" "README exit status: project --budget"
check_grep 'providers check --stale' "$T/exit" "README exit status: providers check --stale"

# The man page renders without warnings.
if command -v groff >/dev/null; then
	groff -man -ww -z "$SRCDIR/doc/costs.1" 2>"$T/groff"
	check_eq "man page renders cleanly" "" "$(cat "$T/groff")"
fi

# meson install puts the binary, the man page, the provider tables and the
# plot templates where the documentation says.
if [ -n "${BUILDDIR:-}" ] && command -v meson >/dev/null; then
	meson install -C "$BUILDDIR" --no-rebuild --destdir "$T/dest" >"$T/install.log" 2>&1
	check_eq "meson install" "0" "$?"
	prefix=$(meson introspect "$BUILDDIR" --buildoptions | /usr/bin/python3 -c \
		'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"][0])')
	for f in bin/costs share/man/man1/costs.1 share/costs/providers share/costs/reports; do
		check_eq "installed $f" "yes" "$([ -e "$T/dest$prefix/$f" ] && echo yes || echo no)"
	done
fi
finish
