# SPDX-License-Identifier: GPL-2.0
# bench.gp: the ratios of hvm-bench's CSV as bars (make bench).
# gnuplot -e "csv='bench.csv'; png='bench.png'; host='...'" bench.gp
# Every bar reads the same way, below 1 is hvm ahead: times (cycles, ns,
# s) are plotted as hvm/KVM; rates (kexits/s, where more is better) as
# KVM/hvm, in another colour and named so under the bar.
set terminal pngcairo size 1100,640 noenhanced
set output png
set datafile separator ","
set datafile missing "n/a"
set title "below 1: hvm faster (median; times hvm/KVM, rates KVM/hvm)\n" . host
set ylabel "hvm's cost / KVM's"
set style fill solid 0.6
set boxwidth 0.7
set xtics rotate by -40 left
set grid ytics
set yrange [0:1.1<*]	# the line at 1 always in sight
set key off
set bmargin 11
set rmargin 20
rate(u) = u eq "kexits/s"
plot csv every ::1 using 0:(rate(strcol(2)) ? 1 / $5 : $5): \
	(rate(strcol(2)) ? 0x40a060 : 0x4060a0): \
	xtic(rate(strcol(2)) ? strcol(1) . " (KVM/hvm)" : strcol(1)) \
	with boxes lc rgb variable, \
     1 with lines lc rgb "#c03030" dt 2
