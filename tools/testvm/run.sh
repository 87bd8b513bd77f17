#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# run.sh ("make run"): build, then run the demo guest with hvm-run on
# hvm.ko and show its output.  The command comes from demo.sh, by RUN_DEMO:
# "linux" (default) boots Debian's kernel with a busybox initramfs
# (mkguest.sh), which prints uname -a and its CPU count and powers off;
# "shell" boots it to a shell on this terminal (make run-shell); "hello" is
# the userspace Makefile's print-hello-cmd.  RUN_ARGS or RUN_CMD override
# it (run where hvm-run and hello.bin are).
#   In a test VM (default): QEMU -cpu $RUN_CPU (EPYC) boots the test kernel,
#     /init loads hvm.ko, runs the command in /demo, unloads hvm.ko.
#   Directly (RUN_DIRECT=1, or auto on a host with svm/vmx, root and the
#     running kernel's headers): insmod on this host, run, rmmod.
# Variables: RUN_DEMO, RUN_VCPUS, RUN_ARGS, RUN_CMD, RUN_EXPECT, RUN_DIRECT
# (auto|0|1), RUN_CPU, KVER, OUT, TEST_TIMEOUT, VM_TIMEOUT; for a prebuilt
# tree SKIP_BUILD=1 and HVM_KO, HVM_RUN, DEMO_DIR as in mkinitramfs.sh.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
OUT=${OUT:-$root/build/testvm}
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL
mkdir -p "$OUT"
RUN_DEMO=${RUN_DEMO:-linux}
export RUN_DEMO
# The shell: hvm-run's stdin and stdout are this terminal (in a test VM,
# through its serial console).
tty=0
[ "$RUN_DEMO" != shell ] || tty=1

direct=${RUN_DIRECT:-auto}
if [ "$direct" = auto ]; then
	direct=0
	if grep -q -w -E 'svm|vmx' /proc/cpuinfo && [ "$(id -u)" = 0 ] &&
	   [ -e "/lib/modules/$(uname -r)/build/Makefile" ] &&
	   [ "$(cat /proc/sys/kernel/modules_disabled 2>/dev/null || echo 1)" = 0 ]; then
		direct=1
	fi
fi

if [ "$direct" = 1 ]; then
	kdir=/lib/modules/$(uname -r)/build
	make -C "$root" module KDIR="$kdir"
	make -C "$root" userspace
	if lsmod | grep -q -E '^kvm_(amd|intel) '; then
		echo "run.sh: note: kvm_amd/kvm_intel is loaded; hvm may not get the CPU's virtualization" >&2
	fi
	# The Linux guest: this host's own kernel, the busybox initramfs.
	LINUX_KERNEL=/boot/vmlinuz-$(uname -r)
	LINUX_INITRD=$OUT/guest.cpio.gz
	KVER=$(uname -r)
	export LINUX_KERNEL LINUX_INITRD KVER
	case $RUN_DEMO in linux|shell) "$here/mkguest.sh" "$LINUX_INITRD" ;; esac
	cmd=$("$here/demo.sh" cmd)
	insmod "$root/module/hvm.ko"
	cd "${DEMO_DIR:-$root/userspace/build}"
	rc=0
	echo "# $cmd"
	sh -c "$cmd" || rc=$?
	rmmod hvm
	echo "hvm-run exited $rc"
	exit $rc
fi

"$here/deps.sh"
KVER=$("$here/kver.sh")
export KVER
if [ "${SKIP_BUILD:-0}" != 1 ]; then
	make -C "$root" module KDIR="/lib/modules/$KVER/build"
	make -C "$root" userspace
fi
hvm_run=${HVM_RUN:-$root/userspace/build/hvm-run}
[ -x "$hvm_run" ] || { echo "run.sh: no $hvm_run (userspace not built?)" >&2; exit 1; }

initrd=$OUT/initrd-run.cpio.gz
RUN_TTY=$tty "$here/mkinitramfs.sh" run "$initrd"
cpu=${RUN_CPU:-EPYC}
log=$OUT/run-$cpu.log
if [ $tty = 1 ]; then
	echo "# booting $KVER under QEMU -cpu $cpu, then in it: $("$here/demo.sh" cmd)"
	echo "# the guest's shell comes on this terminal; leave it with poweroff -f"
	echo "# (or Ctrl-A x: hvm-run quits; the test VM then powers off)"
	echo "# (QEMU's own messages: $OUT/run-$cpu.qemu.log)"
	VM_TIMEOUT=${VM_TIMEOUT:-86400} exec "$here/boot.sh" "$cpu" "$initrd" - \
		2>"$OUT/run-$cpu.qemu.log"
fi
echo "# booting $KVER under QEMU -cpu $cpu: $("$here/demo.sh" cmd) (log: $log)"
qrc=0
VM_TIMEOUT=${VM_TIMEOUT:-300} "$here/boot.sh" "$cpu" "$initrd" "$log" \
	2>"$OUT/run-$cpu.qemu.log" || qrc=$?

echo "----- hvm-run output -----"
tr -d '\r' <"$log" |
	awk '/### END hvm-run-demo/ { exit } on { print } /### BEGIN hvm-run-demo/ { on = 1 }'
echo "--------------------------"
# Into the file first (no pipe: dash has no pipefail): a parser that
# failed is a failure, not an empty list of results.
RUN_EXPECT=$("$here/demo.sh" expect) \
awk -v vm="$cpu" -v qrc="$qrc" -v benign="$here/benign.re" \
	-f "$here/parse.awk" "$log" >"$OUT/run-$cpu.tap" ||
	echo "not ok - $cpu: parse.awk failed on $log" >>"$OUT/run-$cpu.tap"
cat "$OUT/run-$cpu.tap"
if grep -q '^not ok' "$OUT/run-$cpu.tap"; then
	echo "# FAILED: see $log"
	exit 1
fi
