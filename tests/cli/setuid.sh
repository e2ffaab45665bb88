#!/usr/bin/env bash
# A setuid-root copy of costs run by another user must refuse to run: it
# would read root-only files named by the caller (a config quoted in an
# error, a --template copied into a readable script) and run the caller's
# gnuplot from PATH as root.
. "$SRCDIR/tests/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root to make a setuid-root copy"
id nobody >/dev/null 2>&1 || skip "no user 'nobody'"
chmod 0755 "$T"
cp "$COSTS" "$T/costs-suid"
chown 0:0 "$T/costs-suid"
chmod 4755 "$T/costs-suid"
mkdir -m 0777 "$T/pub" "$T/bin"
echo 'SECRET-KEY-1234 = 1' >"$T/secret.conf"
printf '# SECRET-TEMPLATE-5678\nset output OUTPUT\nplot 1\n' >"$T/secret.gp"
chmod 0600 "$T/secret.conf" "$T/secret.gp"
printf '#!/bin/bash -p\necho "$EUID" >%s/pub/gnuplot-euid\n' "$T" >"$T/bin/gnuplot"
chmod 0755 "$T/bin/gnuplot"

# as_nobody ARGS...: runs the setuid copy as nobody.
as_nobody() {
	RC=0
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		env PATH="$T/bin:$PATH" COSTS_DB="$T/pub/costs.db" "$T/costs-suid" "$@" \
		>"$T/out" 2>"$T/err" </dev/null || RC=$?
}

as_nobody --version
[ "$RC" = 0 ] && [ "$(stat -c %u "$T/costs-suid")" = 0 ] && ! grep -q refusing "$T/err" &&
	echo "note: this binary ran setuid (the check is missing)"
as_nobody --config "$T/secret.conf" report
check_rc 1 "a setuid copy refuses"
check_eq "the refusal says why" \
	"costs: refusing to run setuid or setgid (the real and effective user or group ids differ); run costs as the user it should act as, e.g. with sudo" \
	"$(cat "$T/err")"
check_eq "a root-only config is not quoted" 0 "$(cat "$T/out" "$T/err" | grep -c SECRET)"

as_nobody import "$SRCDIR/data/demo-2026-05.csv"
check_rc 1 "import refused"
as_nobody plot daily --template "$T/secret.gp" --out "$T/pub/x.png"
check_rc 1 "plot refused"
check_eq "the caller's gnuplot did not run" absent \
	"$([ -e "$T/pub/gnuplot-euid" ] && echo "present (euid $(cat "$T/pub/gnuplot-euid"))" || echo absent)"
check_eq "a root-only template is not copied out" 0 \
	"$(cat "$T/pub/"*.gp 2>/dev/null | grep -c SECRET)"

# setgid alone is refused too.
chmod 2755 "$T/costs-suid"
as_nobody report
check_rc 1 "a setgid copy refuses"
check_grep "refusing to run setuid or setgid" "$T/err" "setgid message"

# The same binary run normally by nobody is not refused.
chmod 0755 "$T/costs-suid"
as_nobody --version
check_rc 0 "an ordinary copy runs"

finish
