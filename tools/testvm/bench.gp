# SPDX-License-Identifier: GPL-2.0
# bench.gp: the ratios hvm/KVM of hvm-bench's CSV as bars (make bench).
# gnuplot -e "csv='bench.csv'; png='bench.png'; host='...'" bench.gp
set terminal pngcairo size 1000,600 noenhanced
set output png
set datafile separator ","
set datafile missing "n/a"
set title "hvm / KVM, median (below 1: hvm faster)\n" . host
set ylabel "hvm / KVM"
set style fill solid 0.6
set boxwidth 0.7
set xtics rotate by -40 left
set grid ytics
set yrange [0:*]
set key off
set bmargin 9
set rmargin 10
plot csv every ::1 using 0:5:xtic(1) with boxes lc rgb "#4060a0", \
     1 with lines lc rgb "#c03030" dt 2
