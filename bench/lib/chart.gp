# Throughput per case, for docs/BENCHMARKS.md. Called by bench/run.sh with
#   -e "datafile='…/chart.dat'; outfile='…/benchmarks.png'; ceiling=<openssl ES256 signs/s>"
# chart.dat: "label" grants/s grants-per-server-CPU-second class (0 tokengate, 1 the peer).
set terminal pngcairo size 1500,680 font "DejaVu Sans,11" noenhanced
set output outfile
set title "Token grants per second, server on one core (core 0), wrk on core 1, 32 connections"
set ylabel "grants/s"
stats datafile using 2 nooutput
top = STATS_max > ceiling ? STATS_max : ceiling
stats datafile using 3 nooutput
top = STATS_max > top ? STATS_max : top
set yrange [0:top * 1.12]
set format y "%.0f"
set grid ytics
set style fill solid 0.85 border -1
set xtics scale 0 rotate by -20 left
set xrange [-0.6:*]
set key outside bottom center horizontal
set arrow 1 from graph 0, first 25000 to graph 1, first 25000 nohead dt 2 lw 1.5 lc rgb "#c0392b" back
set arrow 2 from graph 0, first ceiling to graph 1, first ceiling nohead dt 3 lw 1.5 lc rgb "#555555" back
set arrow 3 from graph 0, first ceiling / 2 to graph 1, first ceiling / 2 nohead dt 2 lw 1.5 lc rgb "#8e44ad" back
# The reference lines are named in the right margin, clear of the bars; the two targets are often
# close together, so the higher one's name goes above its line and the lower one's below.
set rmargin 27
up = ceiling / 2 < 25000 ? 0.6 : -0.6
set label 1 "target 25,000 grants/s" at graph 1.01, first 25000 offset 0,up left tc rgb "#c0392b"
set label 2 sprintf("openssl ES256 ceiling %.0f/s", ceiling) at graph 1.01, first ceiling left tc rgb "#555555"
set label 3 "target 50% of ceiling" at graph 1.01, first ceiling / 2 offset 0,-up left tc rgb "#8e44ad"
set style textbox opaque noborder margins 1,1
w = 0.38
plot datafile using ($0 - w/2):2:(w):($4 == 0 ? 0x2e86c1 : 0xe67e22):xtic(1) with boxes lc rgb variable title "grants/s (wall clock)", \
     ''       using ($0 + w/2):3:(w) with boxes lc rgb "#aed6f1" title "grants per second of server CPU", \
     ''       using ($0 - w/2):2:(sprintf("%.0f", $2)) with labels boxed offset -0.4,0.7 font ",8" notitle, \
     ''       using ($0 + w/2):3:(sprintf("%.0f", $3)) with labels boxed offset 0.4,1.6 font ",8" tc rgb "#555555" notitle
