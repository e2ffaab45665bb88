#!/usr/bin/env bash
# costs plot with real gnuplot: PNG and SVG from imported data are well
# formed, names that try to run commands through gnuplot are inert, and the
# error paths (gnuplot missing, bad --out, unwritable folder) behave.
. "$SRCDIR/tests/lib.sh"

# png_size FILE: "WIDTHxHEIGHT" from the IHDR chunk, or "bad" when FILE is no PNG.
png_size() {
	local sig
	sig=$(od -An -tx1 -N16 "$1" | tr -d ' \n')
	if [ "$sig" != 89504e470d0a1a0a0000000d49484452 ]; then
		echo bad
		return
	fi
	echo "$(od -An -tu4 --endian=big -j16 -N4 "$1" | tr -d ' ')x$(od -An -tu4 --endian=big -j20 -N4 "$1" | tr -d ' ')"
}

# svg_ok FILE: parses as XML with an <svg> root; prints its text content.
svg_ok() {
	/usr/bin/python3 - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag.endswith('svg'), root.tag
print('\n'.join(t for t in root.itertext() if t.strip()))
PY
}

# --- errors that need no gnuplot ---
run_costs import "$SRCDIR/data/demo-2026-05.csv"
check_rc 0 "import the demo month"

run_costs plot daily --out "$T/p.pdf"
check_rc 2 "an --out that is neither .png nor .svg"
check_grep "bad --out '$T/p.pdf': the name must end in .png or .svg" "$T/err" "bad extension message"
run_costs plot daily
check_rc 2 "no --out"
run_costs plot weekly --out "$T/p.png"
check_rc 2 "unknown kind"
run_costs plot daily --by month --out "$T/p.png"
check_rc 2 "--by does not apply"
run_costs plot daily --allowance lots --out "$T/p.png"
check_rc 2 "bad --allowance"
run_costs plot daily --size 10x10 --out "$T/p.png"
check_rc 2 "bad --size"

run_costs plot daily --out "$T/missing/p.png"
check_rc 1 "a folder that does not exist"
check_grep "costs: cannot use the output folder '$T/missing': No such file or directory" "$T/err" \
	"missing folder message"
# Root writes through permission bits, so use sysfs there.
if [ "$(id -u)" = 0 ]; then
	ro=/sys
else
	ro="$T/ro"
	mkdir "$ro" && chmod 555 "$ro"
fi
run_costs plot daily --out "$ro/costs-plot-test.png"
check_rc 1 "an unwritable folder"
check_grep "costs: cannot create '$ro/costs-plot-test.dat': " "$T/err" \
	"unwritable folder message"

run_costs plot daily --month 2020-01 --out "$T/empty.png"
check_rc 1 "nothing to plot"
check_grep "no traffic recorded for this selection" "$T/err" "empty selection message"

# gnuplot not on PATH: a clear message, exit 1, and the data and script stay.
mkdir "$T/nogp"
RC=0
PATH=/nonexistent "$COSTS" plot daily --out "$T/nogp/may.png" >"$T/out" 2>"$T/err" || RC=$?
check_rc 1 "gnuplot missing"
check_eq "gnuplot missing message" \
	"costs: gnuplot not found: install gnuplot-nox (the data and the script are in $T/nogp/may.dat and $T/nogp/may.gp)" \
	"$(cat "$T/err")"
check_eq "data kept without gnuplot" yes "$([ -s "$T/nogp/may.dat" ] && echo yes)"
check_eq "script kept without gnuplot" yes "$([ -s "$T/nogp/may.gp" ] && echo yes)"
check_eq "no image without gnuplot" no "$([ -e "$T/nogp/may.png" ] && echo yes || echo no)"
check_eq "no temporary image left" "may.dat may.gp" "$(cd "$T/nogp" && echo *)"

command -v gnuplot >/dev/null || { finish_partial=1; }
if [ "${finish_partial:-0}" = 1 ]; then
	[ "$FAILS" -gt 0 ] && finish
	skip "gnuplot not installed (Debian: gnuplot-nox): $CHECKS checks passed before the rendering part"
fi

# --- rendering ---
# compare and project, fed by the pricing tables and the forecast.
run_costs plot compare --month 2026-05 --rate EUR=1.08 --out "$T/compare.png"
check_rc 0 "compare PNG"
check_eq "compare PNG size" 1280x720 "$(png_size "$T/compare.png")"
check_grep '^"render" "professional" 19.00 0.00 120.00 0.00 139.00 "-" "unknown" "\*"$' "$T/compare.dat" "professional bar: seats and 8 blocks (uncertain since 2026-04-23: the legacy block rule)"
check_grep '^"hetzner" "ex44" 0.00 42.12 0.00 0.00 42.12 "1x ex44" "unknown" "\*"$' "$T/compare.dat" "ex44 converted at 1.08"
check_grep "^SUBTITLE = '2026-05, egress 1.30 TB; compute unknown: cheapest first by egress and fees only'" "$T/compare.gp" "subtitle says compute is unknown"
# With a Render service in the config the bars are the table's rows: the
# need matched on Fly and Hetzner, named in the ticks and the subtitle.
printf '[provider render]\nplan = professional\ninstances = standard:2\n' >"$T/render.conf"
run_costs --config "$T/render.conf" plot compare --month 2026-05 --rate EUR=1.08 --out "$T/cneed.png"
check_rc 0 "compare plot with a need"
check_grep "^SUBTITLE = '2026-05, egress 1.30 TB; need 2x 1 vCPU/2.00 GB shared, as on render'" "$T/cneed.gp" "subtitle names the need"
run_costs --config "$T/render.conf" compare --month 2026-05 --rate EUR=1.08 --format csv
check_eq "plot rows are compare's rows, in its order" \
	"$(tail -n +2 "$T/out" | cut -d, -f1,2,13,16,19 | tr ',' ' ')" \
	"$(grep -v '^#' "$T/cneed.dat" | tail -n +2 | /usr/bin/python3 -c 'import shlex,sys
for l in sys.stdin:
    f=shlex.split(l); n=f[7].split("x ",1)
    print(f[0],f[1],f[6],n[1] if len(n)>1 else "",f[8])')"
run_costs plot compare --month 2026-05 --out "$T/compare-usd.svg"
check_rc 0 "compare without a rate"
check_grep "left out .* plans billed in EUR" "$T/err" "other currencies named"
svg_ok "$T/compare-usd.svg" >"$T/svgc" 2>&1
check_grep "^Monthly bill by provider and plan$" "$T/svgc" "compare SVG parses, with its title"
run_costs plot compare --out "$T/c.png"
check_rc 2 "compare needs a month or a volume"
run_costs plot compare --egress 1.3TB --month 2026-05 --provider render --plan professional --out "$T/c2.png"
check_rc 0 "compare of a given volume"
check_grep '^"render" "professional" 19.00 0.00 120.00 0.00 139.00 ' "$T/c2.dat" "given volume priced"

run_costs plot daily --month 2026-05 --provider render --plan professional --out "$T/d-plan.png"
check_rc 0 "daily with a plan's allowance"
check_grep "^ALLOWANCE = 500000000000" "$T/d-plan.gp" "the professional plan's 500 GB"
run_costs plot monthly --month 2026-05 --provider hetzner --plan ex44 --out "$T/m-plan.png"
check_rc 0 "monthly with an unmetered plan"
check_grep "^ALLOWANCE = 0" "$T/m-plan.gp" "unmetered draws no allowance"

run_costs plot project --as-of 2026-05-14 --provider render --plan professional --out "$T/project.png"
check_rc 0 "project PNG"
check_eq "project PNG size" 1280x720 "$(png_size "$T/project.png")"
check_grep "^EXHAUSTED_ON = '2026-05-14'" "$T/project.gp" "allowance date from the plan"
check_eq "a row per day of May" 31 "$(grep -vc '^#\|^"day"' "$T/project.dat")"
run_costs plot project --as-of 2026-05-14 --provider render --out "$T/p2.png"
check_rc 2 "project allowance needs one plan"
run_costs plot project --month 2026-05 --as-of 2026-06-02 --out "$T/p3.png"
check_rc 2 "as-of outside the month"

# Axis labels name the config's zone (they said UTC whatever the zone).
printf '[costs]\ntimezone = America/Chicago\n' >"$T/chicago.conf"
run_costs --config "$T/chicago.conf" plot daily --month 2026-05 --out "$T/zone.png"
check_rc 0 "daily in the config's zone"
check_grep "^ZONE = 'America/Chicago'" "$T/zone.gp" "the zone reaches the script"
run_costs plot daily --month 2026-05 --out "$T/utc.png"
check_grep "^ZONE = 'UTC'" "$T/utc.gp" "UTC without a zone"

# Days without data are gaps in the measured line, not measured zeros.
printf '%s\n' 'day,host,service,source,egress_bytes,ingress_bytes,egress_packets,ingress_packets' \
	'2026-08-01,h,web,import,1000,0,1,0' '2026-08-02,h,web,import,1000,0,1,0' \
	'2026-08-05,h,web,import,1000,0,1,0' >"$T/gaps.csv"
run_costs --db "$T/gaps.db" import "$T/gaps.csv"
run_costs --db "$T/gaps.db" plot project --as-of 2026-08-05 --allowance 1MB --out "$T/gaps.png"
check_rc 0 "project with days without data"
check_eq "measured days and gaps" "2026-08-02 2000|2026-08-03 ?|2026-08-04 ?|2026-08-05 3000" \
	"$(awk '/^2026-08-0[2-5]/ {print $1, $2}' "$T/gaps.dat" | paste -sd'|')"

run_costs plot daily --month 2026-05 --allowance 1.3TB --out "$T/daily.png"
check_rc 0 "daily PNG"
check_eq "daily PNG is a 1280x720 PNG" 1280x720 "$(png_size "$T/daily.png")"
check_eq "daily PNG has no warnings" "" "$(cat "$T/err")"
check_grep '^"day" "allowance" "total" "mcp" "websocket" "https"$' "$T/daily.dat" "daily data header"
check_grep '^2026-05-01 41935483871 35641587802 16555004243 13418962995 5667620564$' "$T/daily.dat" \
	"daily data row: 1.3 TB / 31 days, total, services largest first"
check_grep "^DATA = PLOT_DIR.'daily.dat'$" "$T/daily.gp" "script names the data file beside it"
check_eq "the script reruns by itself" 0 "$(cd / && gnuplot "$T/daily.gp" >/dev/null 2>&1; echo $?)"
check_eq "rerun writes the same size" 1280x720 "$(png_size "$T/daily.png")"

run_costs plot monthly --size 800x600 --out "$T/monthly.svg"
check_rc 0 "monthly SVG"
if svg_ok "$T/monthly.svg" >"$T/svgtext" 2>"$T/svgerr"; then pass; else fail "monthly SVG is not XML: $(cat "$T/svgerr")"; fi
check_grep '^websocket$' "$T/svgtext" "the SVG names the services"
check_grep '^1.30 TB$' "$T/svgtext" "the SVG labels the month's total"
check_grep 'Egress per month by service' "$T/svgtext" "the SVG has its title"

run_costs plot monthly --size 800x600 --out "$T/monthly.PNG"
check_rc 0 "PNG by an upper-case extension"
check_eq "--size sets the PNG's size" 800x600 "$(png_size "$T/monthly.PNG")"

# A folder name with quotes and a command substitution: paths are escaped too.
# (Relative commands, run from $T: a slash cannot be part of a folder name.)
cd "$T"
odd="$T/it's \"odd\" \$(touch pwned-dir) \`touch pwned-dir2\` @X"
mkdir "$odd"
run_costs plot daily --out "$odd/d'x \$(touch pwned-dir3).png"
check_rc 0 "a folder name with quotes"
check_eq "PNG in the odd folder" 1280x720 "$(png_size "$odd/d'x \$(touch pwned-dir3).png")"
check_grep "^DATA = PLOT_DIR.'d''x \\\$(touch pwned-dir3).dat'\$" "$odd/d'x \$(touch pwned-dir3).gp" \
	"the name is a single-quoted string with the quote doubled"
check_eq "the odd script reruns from its folder" 0 \
	"$(cd "$odd" && gnuplot "d'x \$(touch pwned-dir3).gp" >/dev/null 2>&1; echo $?)"
check_eq "no command ran from the folder name" absent \
	"$([ -e "$T/pwned-dir" ] || [ -e "$T/pwned-dir2" ] || [ -e "$T/pwned-dir3" ] || [ -e "$odd/pwned-dir3" ] &&
		echo present || echo absent)"

# gnuplot pipes output to '|cmd' and reads data from '<cmd': relative names
# like these must stay file names (the script prefixes names with its folder or ./).
run_costs plot daily --out "|touch pwned6.png"
check_rc 0 "an output named like a gnuplot pipe"
check_eq "the pipe-like name is a PNG file" 1280x720 "$(png_size "$T/|touch pwned6.png")"
run_costs plot daily --out "<touch pwned7.png"
check_rc 0 "an output named like a gnuplot input command"
check_eq "its data file is a file" yes "$([ -s "$T/<touch pwned7.dat" ] && echo yes)"
check_eq "no pipe ran" absent \
	"$([ -e "$T/pwned6.png" ] || [ -e "$T/pwned7.png" ] || [ -e "$T/pwned7.dat" ] && echo present || echo absent)"

# Templates: COSTS_REPORTS names the folder, --template one file.
mkdir "$T/tpl"
sed 's/^set title .*/set title "custom template"/' "$SRCDIR/reports/monthly.gp" >"$T/tpl/monthly.gp"
COSTS_REPORTS="$T/tpl" run_costs plot monthly --out "$T/custom.svg"
check_rc 0 "COSTS_REPORTS template"
check_grep "custom template" "$T/custom.svg" "COSTS_REPORTS picks the folder"
run_costs plot monthly --template "$T/tpl/nope.gp" --out "$T/custom.svg"
check_rc 1 "a missing template"
check_grep "costs: cannot open the plot template '$T/tpl/nope.gp': No such file or directory" \
	"$T/err" "missing template message"
run_costs plot monthly --template "$T/tpl/monthly.gp" --out "$T/custom2.png"
check_rc 0 "--template"
check_grep "^# $T/tpl/monthly.gp\$" "$T/custom2.gp" "the script names its template"

# tests/data/small.csv: two hosts, sizes from bytes to GB.
run_costs import "$SRCDIR/tests/data/small.csv"
check_rc 0 "import small.csv"
run_costs plot daily --from 2026-05-01 --to 2026-05-02 --service https --out "$T/small.png"
check_rc 0 "daily of one service"
check_eq "small PNG" 1280x720 "$(png_size "$T/small.png")"

# One source per host and day, as project and compare count: nft over pcap
# over import, interface counters never; --source picks one explicitly.
if command -v sqlite3 >/dev/null; then
	export COSTS_DB="$T/sources.db"
	printf '%s\n' 'day,host,service,source,egress_bytes,ingress_bytes,egress_packets,ingress_packets' \
		'2026-07-01,h,web,import,1000,0,1,0' '2026-07-02,h,web,import,2000,0,1,0' \
		'2026-07-02,g,web,import,5,0,1,0' >"$T/sources.csv"
	run_costs import "$T/sources.csv"
	check_rc 0 "import for the source test"
	sqlite3 "$COSTS_DB" "INSERT INTO daily VALUES
		('h', '2026-07-02', 'web', 'egress', 'pcap', 300, 1),
		('h', '2026-07-02', 'game', 'egress', 'pcap', 400, 1),
		('h', '2026-07-02', 'web', 'egress', 'nft', 30, 1),
		('h', '2026-07-02', 'game', 'egress', 'nft', 40, 1),
		('h', '2026-07-01', 'iface', 'egress', 'iface', 99999, 1)"
	run_costs plot daily --out "$T/sources.png"
	check_rc 0 "daily with several sources"
	check_eq "nft wins on the 2nd, import on the 1st, other hosts add up" \
		"2026-07-01 0 1000 1000 0|2026-07-02 0 75 35 40" \
		"$(grep '^2026' "$T/sources.dat" | paste -sd'|')"
	run_costs plot monthly --out "$T/sources-m.png"
	check_rc 0 "monthly with several sources"
	check_grep '^2026-07 0 1075 1035 40$' "$T/sources-m.dat" "monthly chooses per day too"
	run_costs plot daily --source pcap --out "$T/sources-p.png"
	check_rc 0 "--source pcap"
	check_grep '^2026-07-02 0 700 400 300$' "$T/sources-p.dat" "--source picks pcap"
	export COSTS_DB="$T/costs.db"
fi

# --- names that try to run commands through gnuplot ---
export COSTS_DB="$T/evil.db"
{
	echo 'day,host,service,source,egress_bytes,ingress_bytes,egress_packets,ingress_packets'
	echo '2026-06-01,h,"sys ""x"" system(""touch '"$T"'/pwned"")",import,5000,0,1,0'
	echo '2026-06-01,h,`touch '"$T"'/pwned2`,import,4000,0,1,0'
	echo '2026-06-01,h,'"'"'); system('"'"'touch '"$T"'/pwned3'"'"') #,import,3000,0,1,0'
	echo '2026-06-01,h,"@TITLE $(touch '"$T"'/pwned4) \`touch '"$T"'/pwned5\`",import,2000,0,1,0'
	echo '2026-06-02,h,"new'
	echo 'line	tab <b>&amp; back\\slash",import,1000,0,1,0'
} >"$T/evil.csv"
run_costs import "$T/evil.csv"
check_rc 0 "import the hostile names"
run_costs plot daily --out "$T/evil.png" --allowance 100kB
check_rc 0 "daily PNG of hostile names"
check_eq "hostile PNG" 1280x720 "$(png_size "$T/evil.png")"
run_costs plot monthly --out "$T/evil-m.svg"
check_rc 0 "monthly SVG of hostile names"
if svg_ok "$T/evil-m.svg" >"$T/svgtext" 2>"$T/svgerr"; then pass; else fail "hostile SVG is not XML: $(cat "$T/svgerr")"; fi
check_grep "^sys 'x' system('touch $T/pwned')\$" "$T/svgtext" "the name is shown as text, quotes as apostrophes"
check_grep "^\`touch $T/pwned2\`\$" "$T/svgtext" "the backquoted name is shown as text"
check_grep '^new line tab <b>&amp; back\\\\slash$' "$T/svgtext" "controls flattened, markup escaped, backslashes kept"
# The canary: the same kind of name in a double-quoted gnuplot string does run.
echo "print \"\`touch $T/canary\`\"" >"$T/canary.gp"
gnuplot "$T/canary.gp" >/dev/null 2>&1
check_eq "gnuplot substitutes backquotes in double quotes (the danger is real)" present \
	"$([ -e "$T/canary" ] && echo present || echo absent)"
for f in pwned pwned2 pwned3 pwned4 pwned5; do
	check_eq "no command ran ($f)" absent "$([ -e "$T/$f" ] && echo present || echo absent)"
done
check_eq "no name reaches a script" 0 "$(cat "$T/evil.gp" "$T/evil-m.gp" | grep -c pwned)"
check_eq "the data file has one line per day plus the header" 3 "$(grep -vc '^#' "$T/evil.dat")"

# A user's ~/.gnuplot (loaded by gnuplot before any script) has no effect:
# gnuplot runs with HOME in the plot's private directory.
mkdir -p "$T/home"
printf 'system "touch %s/injected"\nset terminal dumb\n' "$T" >"$T/home/.gnuplot"
HOME="$T/home" GNUTERM=dumb run_costs plot daily --out "$T/home.svg"
check_rc 0 "plot with a ~/.gnuplot"
check_eq "~/.gnuplot not run" "no" "$([ -e "$T/injected" ] && echo yes || echo no)"
check_grep "<svg" "$T/home.svg" "~/.gnuplot did not change the terminal"

finish
