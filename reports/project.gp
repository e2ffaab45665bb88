# costs plot project: the month's cumulative egress, measured to date, then
# the forecast's p50 line inside its p10-p90 band, and the included allowance.
#
# costs writes a script that defines the variables below and then appends
# this template.  Copy it, edit it, and point COSTS_REPORTS (or --template)
# at your copy.  Variables:
#   DATA          the data file: "day" "actual" "p10" "p50" "p90"
#                 "allowance", cumulative bytes, '?' where not applicable
#   OUTPUT        the image to write; FORMAT 'png' or 'svg'; WIDTH, HEIGHT
#   TITLE, SUBTITLE
#   UNIT, UNIT_BYTES   the axis unit, e.g. 'TB' and 1e12
#   ZONE          the time zone days follow, e.g. 'Europe/Berlin' or 'UTC'
#   ALLOWANCE     monthly included egress in bytes (0: none); ALLOWANCE_TEXT
#   MONTH, AS_OF, FIRST_DAY, LAST_DAY   'YYYY-MM' and 'YYYY-MM-DD'
#   EXHAUSTED_ON  the day the p50 crosses the allowance, or ''
# Nothing from the data appears in this script: keep it that way.

if (FORMAT eq 'svg') {
	set terminal svg size WIDTH,HEIGHT dynamic noenhanced font 'Sans,13' background '#ffffff'
} else {
	if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {
		set terminal pngcairo size WIDTH,HEIGHT noenhanced font 'Sans,12' background '#ffffff'
	} else {
		set terminal png size WIDTH,HEIGHT noenhanced background '#ffffff'
	}
}
set output OUTPUT
set encoding utf8
set datafile columnheaders

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
set linetype 1 lc rgb '#0072B2' lw 1
set linetype 2 lc rgb '#E69F00' lw 1
set linetype 3 lc rgb '#009E73' lw 1
set linetype 4 lc rgb '#CC79A7' lw 1
set linetype 5 lc rgb '#56B4E9' lw 1
set linetype 6 lc rgb '#D55E00' lw 1
set linetype 7 lc rgb '#F0E442' lw 1
set linetype 8 lc rgb '#999999' lw 1
set linetype cycle 8

# '?' marks a value that does not apply: read as undefined, it breaks a line
# (a day without data is a gap in the measured line, not a zero).
unset datafile missing
set title TITLE."\n".SUBTITLE font ',15'
set ylabel sprintf('cumulative egress (%s)', UNIT)
set xlabel 'day ('.ZONE.')'
set key outside bottom center horizontal Left reverse noautotitle samplen 2 width 1
set style line 100 lc rgb '#dcdcdc' lw 1 dt solid
set grid xtics ytics back ls 100, ls 100
set border 3
set tics nomirror out
set yrange [0:*]
set offsets 0, 0, graph 0.05, 0
set ytics format '%g'
set xdata time
set timefmt '%Y-%m-%d'
set format x '%d'
set xrange [strptime('%Y-%m-%d', FIRST_DAY) - 43200 : strptime('%Y-%m-%d', LAST_DAY) + 43200]
set xtics strptime('%Y-%m-%d', FIRST_DAY), 86400 * 7
set mxtics 7

# Today, and the day the allowance runs out at p50.
t_asof = strptime('%Y-%m-%d', AS_OF)
set arrow 1 from t_asof, graph 0 to t_asof, graph 1 nohead lc rgb '#555555' dt 3 lw 1.5
set label 1 sprintf('as of %s', AS_OF[9:10]) at t_asof, graph 0.97 right offset -0.5,0 font ',11' tc rgb '#555555'
if (strlen(EXHAUSTED_ON) > 0) {
	t_ex = strptime('%Y-%m-%d', EXHAUSTED_ON)
	set arrow 2 from t_ex, graph 0 to t_ex, first ALLOWANCE/UNIT_BYTES nohead lc rgb '#C00000' dt 3 lw 1.5
	set label 2 sprintf('allowance used up %s', EXHAUSTED_ON) at t_ex, graph 0.06 left offset 0.5,0 font ',11' tc rgb '#C00000'
}

if (ALLOWANCE > 0) {
	plot DATA using 1:($3/UNIT_BYTES):($5/UNIT_BYTES) with filledcurves fc rgb '#56B4E9' fs transparent solid 0.35 noborder title 'forecast p10-p90', \
	     DATA using 1:($4/UNIT_BYTES) with lines lw 2.5 dt 2 lc rgb '#0072B2' title 'forecast p50', \
	     DATA using 1:($2/UNIT_BYTES) with linespoints lw 3 pt 7 ps 0.7 lc rgb '#000000' title 'measured', \
	     DATA using 1:($6/UNIT_BYTES) with lines lw 2.5 lc rgb '#C00000' title ALLOWANCE_TEXT
} else {
	plot DATA using 1:($3/UNIT_BYTES):($5/UNIT_BYTES) with filledcurves fc rgb '#56B4E9' fs transparent solid 0.35 noborder title 'forecast p10-p90', \
	     DATA using 1:($4/UNIT_BYTES) with lines lw 2.5 dt 2 lc rgb '#0072B2' title 'forecast p50', \
	     DATA using 1:($2/UNIT_BYTES) with linespoints lw 3 pt 7 ps 0.7 lc rgb '#000000' title 'measured'
}
