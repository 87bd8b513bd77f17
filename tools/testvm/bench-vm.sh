#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# bench-vm.sh [hvm-bench options]: in the test VM (as /bin/hvm-bench-vm),
# with hvm.ko loaded: load Debian's KVM next to it, run hvm-bench, print
# its CSV between "### BENCH-CSV BEGIN" and "### BENCH-CSV END" (make
# bench reads it from the serial log), unload what it loaded.  Exit
# status: hvm-bench's.
#
# hvm and KVM share SVM/VMX by taking it only while they have VMs: hvm.ko
# always does (module/hw.c), KVM with enable_virt_at_load=0 (the default
# before Linux 6.12, where the parameter does not exist).  hvm-bench never
# has VMs of both at once.
set -u

kvm_mod=
case $(grep -m1 vendor_id /proc/cpuinfo) in
*AuthenticAMD*)	kvm_mod=kvm_amd ;;
*GenuineIntel*)	kvm_mod=kvm_intel ;;
esac
loaded=0
if [ ! -e /dev/kvm ] && [ -n "$kvm_mod" ]; then
	modprobe kvm enable_virt_at_load=0 2>/dev/null || modprobe kvm 2>/dev/null
	if modprobe "$kvm_mod" 2>/dev/null; then
		loaded=1
	else
		echo "# hvm-bench-vm: modprobe $kvm_mod failed: KVM is n/a"
	fi
	i=0
	while [ ! -e /dev/kvm ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
fi
csv=/tmp/bench.csv
rm -f "$csv"
hvm-bench --csv "$csv" "$@"
rc=$?
echo "### BENCH-CSV BEGIN"
[ ! -f "$csv" ] || cat "$csv"
echo "### BENCH-CSV END"
if [ $loaded = 1 ]; then
	modprobe -r "$kvm_mod" 2>/dev/null || rmmod "$kvm_mod"
	modprobe -r kvm 2>/dev/null || rmmod kvm 2>/dev/null
fi
exit $rc
