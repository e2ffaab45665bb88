# costs plot compare: the month's bill per provider and plan, line items
# stacked (base, compute, egress, other), the total on top.
#
# costs writes a script that defines the variables below and then appends
# this template.  Copy it, edit it, and point COSTS_REPORTS (or --template)
# at your copy.  Variables:
#   DATA          the data file: "provider" "plan" "base" "compute" "egress"
#                 "other" "total" "instances" "fit" "mark", money as
#                 decimals, in compare's order; instances is what is priced
#                 ("2x cx23"), fit how it was found (need: the cheapest that
#                 meets the need; config: as configured; unknown: compute
#                 not known), mark "*" for an uncertain figure
#   OUTPUT        the image to write; FORMAT 'png' or 'svg'; WIDTH, HEIGHT
#   TITLE, SUBTITLE (with the need matched, or that compute is unknown and
#                 the order is by egress and fees only)
#   CURRENCY      e.g. 'USD' (letters and digits only)
#   MONTH         'YYYY-MM' or '' for a given volume; EGRESS_BYTES; ROWS
# Provider and plan names are read from the data with strcol(); they never
# appear in this script: keep it that way (no eval, backquotes or system()).

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
set ylabel sprintf('bill per month (%s)', CURRENCY)
set key outside right top vertical Left reverse noautotitle samplen 2 spacing 1.4 title 'line items' left
set style line 100 lc rgb '#dcdcdc' lw 1 dt solid
set grid ytics back ls 100
set border 3
set tics nomirror out
set xtics scale 0
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0
set ytics format '%g'
set style data histograms
set style histogram rowstacked
set style fill solid 0.9 border rgb '#ffffff'
set boxwidth 0.7 relative
set bmargin 7
if (ROWS > 8) { set xtics rotate by -30 }

# Line items: fixed colours so the same item looks the same in every plot.
set linetype 1 lc rgb '#0072B2'
set linetype 2 lc rgb '#56B4E9'
set linetype 3 lc rgb '#D55E00'
set linetype 4 lc rgb '#999999'

# The tick names what is priced, as compare's table does: provider, plan
# (with * when uncertain), then the instances and how they were found.
label(p, pl, m, inst, fit) = p."\n".pl.(m eq '*' ? ' *' : '')."\n". \
	(fit eq 'unknown' ? 'compute unknown' : inst.' ('.fit.')')
plot for [i=3:6] DATA using (column(i)):xtic(label(strcol(1), strcol(2), strcol(10), strcol(8), strcol(9))) title columnheader(i), \
     DATA using 0:7:(sprintf('%.2f', column(7))) with labels offset 0,0.8 font ',12' notitle
