#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# /init of the hvm test VM (busybox sh).  Loads hvm.ko, runs the selftests
# (MODE=check: the demo guest, then the selftests; MODE=run: the demo), unloads, dumps dmesg and the taint
# flags, powers off.  Everything goes to the console (ttyS0) between
# "### ..." markers that tools/testvm/parse.awk reads on the host.
# No "set -e": a failing step is reported and the run goes on to power-off;
# if /init exited, the kernel would panic and the markers would be lost.
set -u

/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
exec </dev/null >/dev/console 2>&1

# shellcheck source=/dev/null
. /etc/hvm-test.conf

echo "### HVM-HARNESS START mode=$MODE kernel=$(uname -r)"
for f in /sys/devices/system/cpu/cpu*/online; do
	[ -w "$f" ] && echo 1 >"$f"
done
echo "### CPUS online=$(cat /sys/devices/system/cpu/online)" \
	"flags:$(grep -m1 -o -w -E 'svm|npt|vmx|ept|la57' /proc/cpuinfo | tr '\n' ' ')"
echo "### TAINT-BEFORE $(cat /proc/sys/kernel/tainted)"
# The kernel's log up to here (before hvm.ko): judged apart from the rest.
boot_lines=$(dmesg | wc -l)
# (Not on the terminal of make run-shell: there, it only hides the guest.)
quiet=/dev/console
[ "$RUN_TTY" != 1 ] || quiet=/dev/null
{
	echo "### BOOT-DMESG BEGIN"
	dmesg
	echo "### BOOT-DMESG END"
} >$quiet

# The modules hvm.ko depends on (if any), then hvm.ko.
while read -r m; do
	insmod "/modules/$m" || echo "### note: insmod $m failed"
done </etc/hvm-modules
# Emulator limits the selftests skip around (hvmtest_quirks=a,b).
HVM_TEST_QUIRKS=$(sed -n 's/.*hvmtest_quirks=\([^ ]*\).*/\1/p' /proc/cmdline)
export HVM_TEST_QUIRKS
[ -z "$HVM_TEST_QUIRKS" ] || echo "### QUIRKS $HVM_TEST_QUIRKS"
# The fuzzer's options (make fuzz: hvmtest_fuzz=--calls+1000000), '+' for spaces.
HVM_FUZZ_ARGS=$(sed -n 's/.*hvmtest_fuzz=\([^ ]*\).*/\1/p' /proc/cmdline)
export HVM_FUZZ_ARGS
[ -z "$HVM_FUZZ_ARGS" ] || echo "### FUZZ-ARGS $HVM_FUZZ_ARGS"
# Per-VM module parameters from the harness (hvmtest_args=a=1,b=0).
vmargs=$(sed -n 's/.*hvmtest_args=\([^ ]*\).*/\1/p' /proc/cmdline | tr , ' ')
[ -z "$vmargs" ] || echo "### INSMOD-ARGS $vmargs"
# shellcheck disable=SC2086
insmod /hvm.ko $INSMOD_ARGS $vmargs
rc=$?
echo "### INSMOD rc=$rc"
loaded=0
[ $rc -eq 0 ] && loaded=1
if [ $loaded -eq 1 ]; then
	# devtmpfs creates the node; give a uevent-less kernel a moment.
	i=0
	while [ ! -c /dev/hvm ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
	if [ -c /dev/hvm ]; then echo "### DEVNODE ok"; else echo "### DEVNODE missing"; fi
fi

# run_one NAME CMD...: run CMD in its own session with a timeout (SIGTERM,
# then SIGKILL 5 s later, to its whole process group), between markers.
run_one() {
	name=$1; shift
	echo "### BEGIN $name"
	setsid "$@" </dev/null &
	pid=$!
	(
		sleep "$TEST_TIMEOUT"
		echo "### TIMEOUT $name after ${TEST_TIMEOUT}s"
		kill -TERM "-$pid" 2>/dev/null
		sleep 5
		kill -KILL "-$pid" 2>/dev/null
	) &
	wd=$!
	wait $pid
	rc=$?
	kill $wd 2>/dev/null
	wait $wd 2>/dev/null
	echo "### END $name rc=$rc"
}

if [ $loaded -eq 0 ]; then
	echo "### SKIPTESTS insmod failed"
else
	# Announce the whole list first: the host then knows which never ran.
	[ -z "$RUN_CMD" ] || echo "### TEST hvm-run-demo"
	while read -r t; do echo "### TEST $t"; done </etc/hvm-tests
	if [ -n "$RUN_CMD" ]; then
		# The demo guest: hvm-run and the *.bin files are in /demo.
		cd /demo || echo "### note: no /demo"
		echo "### CMD $RUN_CMD"
		if [ "$RUN_TTY" = 1 ]; then
			# make run-shell: the demo on the console, no time limit.
			echo "### BEGIN hvm-run-demo"
			sh -c "$RUN_CMD" </dev/console
			echo "### END hvm-run-demo rc=$?"
		else
			run_one hvm-run-demo sh -c "$RUN_CMD"
		fi
	fi
	cd /tests || echo "### note: no /tests"
	while read -r t; do
		run_one "$t" "/tests/$t"
	done </etc/hvm-tests
fi

if [ $loaded -eq 1 ]; then
	rmmod "$MODNAME"
	echo "### RMMOD rc=$?"
fi

# kmemleak, when the kernel has it (Debian's does not by default).
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan >/sys/kernel/debug/kmemleak
	echo "### KMEMLEAK BEGIN"
	cat /sys/kernel/debug/kmemleak
	echo "### KMEMLEAK END"
fi
{
	echo "### DMESG BEGIN"
	dmesg | tail -n +$((boot_lines + 1))
	echo "### DMESG END"
} >$quiet
echo "### TAINT $(cat /proc/sys/kernel/tainted)"
echo "### HVM-HARNESS DONE"
sync
# Bochs's UART sends at 115200 baud in guest time: power off only once the
# kernel has handed all our output to it (ttyS0's tx count stands still),
# else the log loses its end.  QEMU's takes it at once: two reads, 0.4 s.
prev=""
i=0
while [ $i -lt 150 ]; do
	cur=$(grep -m1 -o 'tx:[0-9]*' /proc/tty/driver/serial 2>/dev/null)
	[ -z "$cur" ] || [ "$cur" = "$prev" ] && break
	prev=$cur
	i=$((i + 1))
	sleep 0.2
done
poweroff -f
# Should poweroff fail: halt via sysrq; the host's timeout is the last resort.
echo o >/proc/sysrq-trigger
sleep 1000
