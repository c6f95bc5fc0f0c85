# Draws docs/perf-ratios.png from docs/perf.dat (both written by `make bench`,
# ci/bench.py). One horizontal bar per benchmark from 1 to goose/reference, on
# a log scale: red where goose does worse than the reference (a longer time,
# or fewer MiB/s, or less speedup), green where it does better.
#   gnuplot -e "datafile='docs/perf.dat'; outfile='docs/perf-ratios.png'" docs/perf.gp
if (!exists("datafile")) datafile = "docs/perf.dat"
if (!exists("outfile")) outfile = "docs/perf-ratios.png"

stats datafile using 2 nooutput
n = STATS_records
lo = STATS_min < 1 ? STATS_min : 1
hi = STATS_max > 1 ? STATS_max : 1

set terminal pngcairo size 1000, (120 + 34 * n) font "sans,10"
set output outfile
set title "goose / reference (qemu-riscv64), ratio of the medians\n(times: > 1 = goose slower; MiB/s and speedups: < 1 = goose slower)"
set logscale x 10
set xrange [lo / 2 : hi * 3]
set format x "%g"
set xlabel "goose / reference (log scale)"
set yrange [n - 0.5 : -0.5]
set ytics scale 0
set grid xtics
set arrow from 1, graph 0 to 1, graph 1 nohead lw 2 lc rgb "#444444"
set style fill solid 0.85 noborder
unset key
plot datafile using (sqrt($2)):0: \
          ($2 < 1 ? $2 : 1):($2 > 1 ? $2 : 1):($0 - 0.35):($0 + 0.35):3:ytic(1) \
          with boxxyerror lc rgb variable, \
     datafile using ($2 > 1 ? $2 : 1):0:(sprintf(" %.3g", $2)) with labels left offset 0.5, 0 font "sans,9"
