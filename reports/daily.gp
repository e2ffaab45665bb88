# costs plot daily: egress per day, stacked by service.
#
# costs writes a script that defines the variables below and then appends
# this template.  Copy it, edit it, and point COSTS_REPORTS (or --template)
# at your copy.  Variables:
#   DATA          the data file: "day" "allowance" "total" then one column
#                 per service (bytes); names are read with columnheader()
#   OUTPUT        the image to write; FORMAT 'png' or 'svg'; WIDTH, HEIGHT
#   TITLE, SUBTITLE
#   UNIT, UNIT_BYTES   the axis unit, e.g. 'GB' and 1e9
#   ZONE          the time zone days follow, e.g. 'Europe/Berlin' or 'UTC'
#   ALLOWANCE     monthly included egress in bytes (0: none); the data's
#                 allowance column holds its daily share for each day
#   ALLOWANCE_TEXT     its legend text
#   ROWS, SERIES, FIRST_SERIES   days, services, first service column
# Names from the data never appear in this script: keep it that way (no
# eval of data, no backquotes, no system()).

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

set title TITLE."\n".SUBTITLE font ',15'
set ylabel sprintf('egress (%s per day)', UNIT)
set xlabel 'day ('.ZONE.')'
set key outside bottom center horizontal Left reverse noautotitle samplen 2 width 1
set style line 100 lc rgb '#dcdcdc' lw 1 dt solid
set grid ytics back ls 100
set border 3
set tics nomirror out
set yrange [0:*]
set ytics format '%g'
set style data histograms
set style histogram rowstacked
set style fill solid 0.9 border rgb '#ffffff'
set boxwidth 0.8 relative
set xtics rotate by -45 scale 0

# Up to a month, every day as 'Mon 04'; longer, about 31 labels as 'Mar 04'.
STEP = ROWS <= 31 ? 1 : ceil(ROWS / 31.0)
DAYFMT = ROWS <= 31 ? '%a %d' : '%b %d'
daylabel(s, n) = (int(n) % STEP == 0) ? strftime(DAYFMT, strptime('%Y-%m-%d', s)) : ''

if (ALLOWANCE > 0) {
	plot for [i=FIRST_SERIES:FIRST_SERIES+SERIES-1] DATA \
		using (column(i)/UNIT_BYTES):xtic(daylabel(strcol(1), $0)) title columnheader(i), \
	     DATA using ($0-0.5):(column(2)/UNIT_BYTES):(1):(0) with vectors nohead \
		lw 2.5 dt 2 lc rgb '#C00000' title ALLOWANCE_TEXT
} else {
	plot for [i=FIRST_SERIES:FIRST_SERIES+SERIES-1] DATA \
		using (column(i)/UNIT_BYTES):xtic(daylabel(strcol(1), $0)) title columnheader(i)
}
