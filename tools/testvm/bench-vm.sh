#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# bench-vm.sh [--print-csv] [hvm-bench options]: with hvm.ko loaded, load
# Debian's KVM next to it, run hvm-bench (HVM_BENCH, default from $PATH)
# with the options, unload what it loaded.  Exit status: hvm-bench's.
# Installed in the test VM as /bin/hvm-bench-vm (make bench runs it) and
# in the selftests as hvm-bench-vm (test_bench_smoke.sh runs it).
# --print-csv (make bench): print hvm-bench's CSV between "### BENCH-CSV
# BEGIN" and "### BENCH-CSV END"; bench.sh reads it from the serial log.
#
# hvm and KVM share SVM/VMX by taking it only while they have VMs: hvm.ko
# always does (module/hw.c), KVM with enable_virt_at_load=0 (the default
# before Linux 6.12, where the parameter does not exist).  hvm-bench never
# has VMs of both at once.
#
# Quirk no-intr-exit-if0 (Bochs 2.7 SVM, Documentation/testing.rst): a CPU
# running a guest that spins with IF=0 takes no interrupt, so KVM's
# synchronous remote TLB flush waits for it and the host reports an RCU
# stall (seen in zambezi).  KVM is not loaded there: its side is n/a.
set -u

csv=
if [ "${1:-}" = --print-csv ]; then
	shift
	csv=/tmp/bench.csv
	rm -f "$csv"
	set -- --csv "$csv" "$@"
fi

kvm_mod=
case $(grep -m1 vendor_id /proc/cpuinfo) in
*AuthenticAMD*)	kvm_mod=kvm_amd ;;
*GenuineIntel*)	kvm_mod=kvm_intel ;;
esac
case ",${HVM_TEST_QUIRKS:-}," in
*,no-intr-exit-if0,*)
	echo "# hvm-bench-vm: quirk no-intr-exit-if0: KVM left out"
	kvm_mod= ;;
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
"${HVM_BENCH:-hvm-bench}" "$@"
rc=$?
if [ -n "$csv" ]; then
	echo "### BENCH-CSV BEGIN"
	[ ! -f "$csv" ] || cat "$csv"
	echo "### BENCH-CSV END"
fi
if [ $loaded = 1 ]; then
	modprobe -r "$kvm_mod" 2>/dev/null || rmmod "$kvm_mod"
	modprobe -r kvm 2>/dev/null || rmmod kvm 2>/dev/null
fi
exit $rc
