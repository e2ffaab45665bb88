#!/usr/bin/env bash
# costs plot into a folder other users can write (a web root, a 0777
# directory) while running as root.  Another user of that folder can swap
# files there at any moment; the race is made deterministic by a `gnuplot`
# first on PATH that plays the attacker who wins it: just before the real
# gnuplot starts, it replaces every script in the folder with one that runs
# a command, and every temporary file with a link to a victim file.  costs
# must give gnuplot only files of a private folder, and place its results
# into the shared folder without following links.
. "$SRCDIR/tests/lib.sh"

REAL=$(command -v gnuplot) || skip "gnuplot not installed (Debian: gnuplot-nox)"

run_costs import "$SRCDIR/data/demo-2026-05.csv"
check_rc 0 "import the demo month"

www="$T/www"
mkdir "$www" && chmod 0777 "$www"
mkdir "$T/bin" "$T/tmp"
echo precious >"$T/victim"
echo precious >"$T/victim2"
cat >"$T/bin/gnuplot" <<GP
#!/usr/bin/env bash
script=
for a in "\$@"; do case "\$a" in *.gp) script="\$a" ;; esac; done
printf '%s\n' "\$PWD" >"$T/gp.cwd"
printf '%s\n' "\$script" >"$T/gp.script"
stat -c %a "\$(dirname "\$script")" >"$T/gp.mode"
[ "\$SWAP" = script ] && for f in "$www"/*.gp; do
	[ -e "\$f" ] || continue
	printf 'system("id > $T/pwned")\n' >"$www/.evil" && mv -f "$www/.evil" "\$f"
done
[ "\$SWAP" = tmp ] && for f in "$www"/*.tmp.*; do
	[ -e "\$f" ] || continue
	rm -f "\$f" && ln -s "$T/victim" "\$f"
done
exec "$REAL" "\$@"
GP
chmod +x "$T/bin/gnuplot"

# A first plot leaves may.gp in the folder: the attacker's script to swap.
run_costs plot daily --out "$www/may.png"
check_rc 0 "first plot"
ln -s "$T/victim2" "$www/may.dat.tmp.AAAAAA"
# swapped_plot MODE: plots with the attacker swapping scripts or temporaries.
swapped_plot() {
	RC=0
	SWAP=$1 PATH="$T/bin:$PATH" TMPDIR="$T/tmp" "$COSTS" plot daily --out "$www/may.png" \
		>"$T/out" 2>"$T/err" || RC=$?
}
swapped_plot script
check_rc 0 "plot while the folder's scripts are swapped"
check_eq "gnuplot never ran the swapped script" absent "$([ -e "$T/pwned" ] && echo present || echo absent)"
check_eq "the placed script is costs' again" 0 "$(grep -c 'system("id' "$www/may.gp")"
check_eq "the script gnuplot read is in a private folder" 700 "$(cat "$T/gp.mode")"
case "$(cat "$T/gp.script")" in
"$T/tmp/costs-plot."*/may.gp) pass ;;
*) fail "gnuplot's script is not in the private folder: $(cat "$T/gp.script")" ;;
esac
check_eq "gnuplot runs in the private folder" "$(dirname "$(cat "$T/gp.script")")" "$(cat "$T/gp.cwd")"
check_eq "the private folder is removed" "" "$(ls -A "$T/tmp")"
swapped_plot tmp
check_rc 0 "plot while the folder's temporaries are swapped for links"
check_eq "no write through a swapped temporary" precious "$(grep -ax precious "$T/victim" || echo overwritten)"
check_eq "no write through a planted link" precious "$(grep -ax precious "$T/victim2" || echo overwritten)"
check_eq "the image is a PNG" "89504e47" "$(od -An -tx1 -N4 "$www/may.png" | tr -d ' \n')"

# A link planted at the final names is replaced, never followed.
rm -f "$www/may.png" "$www/may.dat"
ln -s "$T/victim" "$www/may.png"
ln -s "$T/victim2" "$www/may.dat"
run_costs plot daily --out "$www/may.png"
check_rc 0 "plot over planted links"
check_eq "the image replaced the link" yes "$([ -f "$www/may.png" ] && [ ! -L "$www/may.png" ] && echo yes)"
check_eq "the data file replaced the link" yes "$([ -f "$www/may.dat" ] && [ ! -L "$www/may.dat" ] && echo yes)"
check_eq "the link's target is untouched" "precious precious" \
	"$(cat "$T/victim" "$T/victim2" | grep -ax precious | paste -sd' ')"

# The kept script still renders by itself: from its folder, and from anywhere.
rm -f "$www/may.png"
check_eq "gnuplot may.gp from the folder" 0 "$(cd "$www" && "$REAL" may.gp >/dev/null 2>&1; echo $?)"
check_eq "the rerun wrote the image beside the script" "89504e47" \
	"$(od -An -tx1 -N4 "$www/may.png" 2>/dev/null | tr -d ' \n')"
rm -f "$www/may.png"
check_eq "gnuplot DIR/may.gp from elsewhere" 0 "$(cd / && "$REAL" "$www/may.gp" >/dev/null 2>&1; echo $?)"
check_eq "that rerun wrote the image beside the script too" "89504e47" \
	"$(od -An -tx1 -N4 "$www/may.png" 2>/dev/null | tr -d ' \n')"
check_eq "no leftover temporaries" "may.dat may.dat.tmp.AAAAAA may.gp may.png" "$(cd "$www" && echo *)"

finish
