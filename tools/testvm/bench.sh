#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# bench.sh ("make bench"): hvm against KVM on the same guest code, in the
# same boot of one QEMU test VM (-cpu $BENCH_CPU, default EPYC), or of a
# Bochs one (BENCH_CPU=bochs:MODEL, e.g. bochs:corei7_skylake_x for VMX:
# bochs.sh; there the guest TSC counts instructions).
#   1. packages (deps.sh bench: also gnuplot), test kernel (kver.sh)
#   2. build the module and userspace (hvm-bench) unless SKIP_BUILD=1
#   3. an initramfs whose demo command is hvm-bench-vm (bench-vm.sh): it
#      loads KVM next to hvm.ko and runs hvm-bench; with the Linux guest
#      (/linux) and QEMU for the Linux boot figure
#   4. boot (boot.sh, single-threaded TCG as make check), judge the log as
#      make check does (parse.awk: the kernel log, insmod, rmmod)
#   5. print hvm-bench's table; write $BENCH_OUT/bench.csv, bench.txt and
#      bench.png (gnuplot: the ratios hvm/KVM)
# Variables: BENCH_CPU (a QEMU model, or bochs:MODEL), BENCH_ARGS
# (hvm-bench options, e.g. --rounds 9, --scale 2, --smoke), BENCH_LINUX
# (0: no Linux boot figure, a smaller initramfs), BENCH_LINUX_APPEND (more
# command line for both Linux guests; default under QEMU nolapic_timer,
# "" for none), BENCH_TIMEOUT
# (seconds for hvm-bench in the VM, default 1500), BENCH_OUT (default
# build/bench), KVER, OUT, SKIP_BUILD, INSMOD_ARGS, QEMU_EXTRA,
# APPEND_EXTRA, BOCHS_IPS.  Timing is never judged; exit
# status 1 on a functional failure (a wrong exit or value, a kernel
# problem in the log) or a missing table.
# See Documentation/performance.rst.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
OUT=${OUT:-$root/build/testvm}
BENCH_OUT=${BENCH_OUT:-$root/build/bench}
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL
mkdir -p "$OUT" "$BENCH_OUT"

"$here/deps.sh" bench
KVER=$("$here/kver.sh")
export KVER
if [ "${SKIP_BUILD:-0}" != 1 ]; then
	make -C "$root" module KDIR="/lib/modules/$KVER/build"
	make -C "$root" userspace
fi
[ -x "${HVM_BENCH:-$root/userspace/build/hvm-bench}" ] ||
	{ echo "bench.sh: no hvm-bench (userspace not built?)" >&2; exit 1; }

cpu=${BENCH_CPU:-EPYC}
initrd=$OUT/initrd-bench.cpio.gz
log=$OUT/bench-$cpu.log
TEST_TIMEOUT=${BENCH_TIMEOUT:-1500}
# The Linux boot figure: the guest kernel and initramfs in /linux, and
# QEMU (KVM's runner, -M microvm -accel kvm) next to hvm-run.  Under Bochs
# both boot the uncompressed vmlinux through its PVH entry, as check.sh
# does there: the XZ decompression alone takes a minute of Bochs time.
# BENCH_LINUX=0 leaves the figure out (n/a).
LINUX_VMLINUX=
BENCH_QEMU=
RUN_CMD="hvm-bench-vm --print-csv ${BENCH_ARGS:-}"
if [ "${BENCH_LINUX:-1}" != 0 ]; then
	case $cpu in
	bochs:*)
		LINUX_VMLINUX=$OUT/vmlinux-$KVER
		[ -f "$LINUX_VMLINUX" ] ||
			"$here/vmlinux.sh" "/boot/vmlinuz-$KVER" "$LINUX_VMLINUX" ;;
	esac
	BENCH_QEMU=$(command -v qemu-system-x86_64)
	RUN_CMD="$RUN_CMD --linux /linux"
	# Under QEMU's TCG, KVM's Linux guest hangs early in its boot on its
	# LAPIC timer nearly every time (performance.rst, linux_boot): both
	# guests run without it there (PIT ticks), unless BENCH_LINUX_APPEND
	# says otherwise.
	case $cpu in
	bochs:*)	append=${BENCH_LINUX_APPEND:-} ;;
	*)		append=${BENCH_LINUX_APPEND-nolapic_timer} ;;
	esac
	# one word in RUN_CMD: + for spaces (hvm-bench turns them back)
	[ -z "$append" ] ||
		RUN_CMD="$RUN_CMD --linux-append $(echo "$append" | tr ' ' +)"
fi
export TEST_TIMEOUT RUN_CMD LINUX_VMLINUX BENCH_QEMU
LINUX_GUEST=${BENCH_LINUX:-1} "$here/mkinitramfs.sh" run "$initrd"

start=$(date +%s)
qrc=0
case $cpu in
bochs:*)
	# As check.sh: Skylake-X's XSAVE sizes make Linux WARN at boot, and
	# its CPUID TSC rate is not that of Bochs's TSC (BOCHS_IPS a second).
	emu="Bochs cpu model=${cpu#bochs:}"
	BOOT_PROBLEMS_OK=
	case $cpu in
	bochs:corei7_skylake_x)
		BOOT_PROBLEMS_OK="Bochs reports XSAVE sizes Linux rejects"
		APPEND_EXTRA="${APPEND_EXTRA:-} tsc_early_khz=$((${BOCHS_IPS:-100000000} / 1000))"
		export APPEND_EXTRA ;;
	esac
	export BOOT_PROBLEMS_OK
	echo "# booting $KVER under $emu: hvm-bench ${BENCH_ARGS:-} (log: $log)"
	VM_TIMEOUT=$((2 * TEST_TIMEOUT + 300)) "$here/bochs.sh" "${cpu#bochs:}" \
		"$initrd" "$log" 2>"$OUT/bench-$cpu.term.log" || qrc=$?
	host="$emu (the guest TSC counts instructions)" ;;
*)
	emu="QEMU -cpu $cpu"
	echo "# booting $KVER under $emu: hvm-bench ${BENCH_ARGS:-} (log: $log)"
	VM_TIMEOUT=$((TEST_TIMEOUT + 120)) "$here/boot.sh" "$cpu" "$initrd" "$log" \
		2>"$OUT/bench-$cpu.qemu.log" || qrc=$?
	qver=$(qemu-system-x86_64 --version | sed -n '1s/.*version \([^ ]*\).*/\1/p')
	host="QEMU $qver TCG -cpu $cpu" ;;
esac
echo "# VM: $(($(date +%s) - start)) s, exit $qrc"

tr -d '\r' <"$log" >"$BENCH_OUT/bench.log"
awk '/^### BENCH-CSV BEGIN/ { exit } on { print } /^### BEGIN hvm-run-demo/ { on = 1 }' \
	"$BENCH_OUT/bench.log" | grep -v -E '^(### |\[ *[0-9]+\.[0-9]+\] )' \
	>"$BENCH_OUT/bench.txt" || true	# no markers, no kernel lines
awk '/^### BENCH-CSV END/ { exit } on { print } /^### BENCH-CSV BEGIN/ { on = 1 }' \
	"$BENCH_OUT/bench.log" >"$BENCH_OUT/bench.csv"
case $cpu in
bochs:*)
	echo "# $emu: the guest TSC counts instructions (${BOCHS_IPS:-100000000} a second" \
		"of guest time): guest cycles/iter are instructions" >>"$BENCH_OUT/bench.txt" ;;
esac
cat "$BENCH_OUT/bench.txt"

# The VM as make check judges it, hvm-bench as its demo command.
RUN_EXPECT="# hvm-bench:" awk -v vm="$cpu" -v qrc="$qrc" -v emu="${emu%% *}" \
	-v benign="$here/benign.re" \
	-f "$here/parse.awk" "$log" >"$BENCH_OUT/bench.tap"
fail=0
if grep -q '^not ok' "$BENCH_OUT/bench.tap"; then
	grep '^not ok' "$BENCH_OUT/bench.tap"
	fail=1
fi
if [ "$(wc -l <"$BENCH_OUT/bench.csv")" -lt 2 ]; then
	echo "# bench.sh: no table from the test VM (see $log)"
	exit 1
fi

# The test host, for the plot's title and the docs' table.
host="$host, kernel $KVER, $(nproc) host cores"
echo "# test host: $host"
if command -v gnuplot >/dev/null 2>&1; then
	gnuplot -e "csv='$BENCH_OUT/bench.csv'; png='$BENCH_OUT/bench.png'; host='$host'" \
		"$here/bench.gp" && echo "# plot: $BENCH_OUT/bench.png"
else
	echo "# no gnuplot: no plot"
fi
echo "# table: $BENCH_OUT/bench.txt, CSV: $BENCH_OUT/bench.csv"
exit $fail
