#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# /init of the Linux guest that hvm-run boots (busybox sh; the initramfs is
# built by tools/testvm/mkguest.sh).  It reports what it sees on the console
# (hvm-run's emulated 16550, ttyS0) in lines starting with "@@@ ", which
# selftests/test_linux.sh reads; then, by the kernel command line:
#   hvmguest=demo   prints uname -a and the CPU count, powers off
#   hvmguest=test   also checks the timer, a workload on every CPU and
#                   dmesg, then starts a shell on the console
#   (none)          an interactive shell on the console
# /init must never exit (the kernel would panic): the shell is restarted,
# and "poweroff -f" ends the guest (and hvm-run, with status 0).

/bin/busybox --install -s
# A pipeline fails when any command in it does; greps: a grep whose "no
# match" is success (only an error fails).
set -o pipefail
greps() { grep "$@"; [ $? -le 1 ]; }
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
up() { cut -d' ' -f1 /proc/uptime; }

echo "@@@ INIT uptime=$(up)"
mode=$(sed -n 's/.*hvmguest=\([a-z]*\).*/\1/p' /proc/cmdline)
ncpu=$(grep -c '^processor' /proc/cpuinfo)
echo "@@@ UNAME $(uname -a)"
echo "@@@ CPUS cpuinfo=$ncpu nproc=$(nproc)" \
	"online=$(cat /sys/devices/system/cpu/online)"

# Each step reads nothing from the console: what the host types there is
# for the shell at the end (the tty keeps it until then).
if [ "$mode" = test ]; then
	# The timer: uptime (the clocksource) advances across a sleep (a
	# timer interrupt must end it); the local timer interrupts per CPU.
	echo "@@@ TICKS $(grep 'LOC:' /proc/interrupts)" </dev/null
	u0=$(up)
	sleep 1 </dev/null
	rc=$?
	echo "@@@ SLEEP rc=$rc before=$u0 after=$(up)"
	echo "@@@ TICKS $(grep 'LOC:' /proc/interrupts)" </dev/null

	# A workload on every CPU: write a file in tmpfs and checksum it,
	# one job per CPU, against the sum the host computed.
	want=$(cat /etc/workload.sha256)
	i=1
	while [ $i -le "$ncpu" ]; do
		(seq 1 100000 >/tmp/w$i; sha256sum /tmp/w$i >/tmp/w$i.sum) </dev/null &
		i=$((i + 1))
	done
	wait
	i=1 bad=0
	while [ $i -le "$ncpu" ]; do
		read -r got _ </tmp/w$i.sum
		[ "$got" = "$want" ] || bad=$((bad + 1))
		i=$((i + 1))
	done
	echo "@@@ WORKLOAD jobs=$ncpu bad=$bad sha256=$got expected=$want"

	# How the guest keeps time (shown, not judged): its clocksource and
	# tick device, the timer interrupts, its kernel's lines about them.
	echo "@@@ CLOCK clocksource=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)" \
		"available=$(cat /sys/devices/system/clocksource/clocksource0/available_clocksource | tr ' ' ,)" \
		"tick=$(cat /sys/devices/system/clockevents/clockevent0/current_device)" </dev/null
	grep -E '^ *(0|LOC):' /proc/interrupts | tr -s ' ' | sed 's/^/@@@ CLOCK irq /'
	dmesg | grep -i -E 'clocksource|tsc|clockevent|hpet|apic.*timer|watchdog|jiffies' |
		sed 's/^/@@@ CLOCK log /'

	# Kernel lines that show the hypervisor did something wrong, at any
	# log level (the console shows only warnings and worse).
	# (pipefail, and greps: only a grep error fails, not "no match": a
	# check that could not run is a bad line itself.)
	dmesg | greps -E -f /etc/bad.re | greps -v -E -f /etc/benign.re |
		sed 's/^/@@@ DMESG-BAD /' ||
		echo "@@@ DMESG-BAD (the dmesg check failed: grep error)"
	echo "@@@ DMESG-CHECKED lines=$(dmesg | wc -l)" \
		"bad=$(dmesg | grep -E -f /etc/bad.re | grep -c -v -E -f /etc/benign.re)"
fi

if [ "$mode" = demo ]; then
	echo
	echo "Hello from Linux under hvm: $(uname -sr), $ncpu CPU(s)"
	echo "@@@ POWEROFF"
	# Let the serial driver send everything before powering off: wait
	# while ttyS0's transmit count still moves.
	tx=
	while [ "$tx" != "$(grep -o 'tx:[0-9]*' /proc/tty/driver/serial | head -n 1)" ]; do
		tx=$(grep -o 'tx:[0-9]*' /proc/tty/driver/serial | head -n 1)
		sleep 0.1
	done
	poweroff -f
fi

echo "@@@ SHELL uptime=$(up)"
[ -n "$mode" ] || echo "Linux under hvm: a shell.  Leave with: poweroff -f"
export PS1='guest# ' HOME=/
while :; do
	setsid cttyhack sh -i
done
