#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# check.sh: the whole test ("make check").
#   1. install missing Debian packages (deps.sh)
#   2. pick the test kernel (kver.sh)
#   3. clean-build module (W=1 C=2), userspace, selftests; warnings fail (build.sh)
#   4. build the initramfs (mkinitramfs.sh)
#   5. boot one VM per CPU model in $CPUS, one after the other: QEMU/TCG
#      (boot.sh) for a QEMU model, Bochs (bochs.sh) for "bochs:MODEL"
#   6. judge each serial log (parse.awk), print the results
#   7. end with the line "N passed, N failed"; exit 1 on any failure.
# Variables (environment or make): CPUS, KVER, OUT, SKIP_BUILD=1, HVM_KO,
# TESTS_DIR, HVM_RUN, TEST_TIMEOUT, VM_TIMEOUT, INSMOD_ARGS, QEMU_EXTRA,
# APPEND_EXTRA, LINUX_BOOT; for Bochs BOCHS_BOOT, BOCHS_MEGS, BOCHS_IPS,
# BOCHS_HANG.  Another test kernel than Debian's in /boot (make check-debug,
# debug-kernel.sh): KVER its release, KERNEL_IMAGE its bzImage, KDIR its
# build tree, MODULES_ROOT where its lib/modules/KVER is, KERNEL_VMLINUX
# (Bochs); GUEST_KVER the Debian kernel the Linux guest boots.
# See Documentation/testing.rst.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
OUT=${OUT:-$root/build/testvm}
# The last one runs the VMX fallbacks: no VPID, no EPT A/D bits.  (Not the
# preemption timer: Bochs never exits a guest whose IF is 0 on an external
# interrupt, so spinning guests need the timer there.)
CPUS=${CPUS:-EPYC max bochs:corei7_skylake_x bochs:broadwell_ult/vpid=0,ept_ad=0,unrestricted_guest=0,preemption_timer=0 bochs:zambezi}
export TEST_TIMEOUT="${TEST_TIMEOUT:-180}"
mkdir -p "$OUT"
summary=$OUT/summary.tap
: >"$summary"

say() { echo "$*" | tee -a "$summary"; }

finish() {	# count the summary's result lines, print the closing line
	pass=$(grep -c '^ok ' "$summary" || true)
	fail=$(grep -c '^not ok ' "$summary" || true)
	skip=$(grep -c '^ok .*# SKIP' "$summary" || true)
	echo
	if [ "$fail" -ne 0 ]; then
		echo "# FAILED: logs and summary in $OUT"
		grep '^not ok ' "$summary" | sed 's/^/#   /'
	fi
	echo "# $skip of the passed were skipped"
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ] || exit 1
	exit 0
}

"$here/deps.sh"
KVER=$("$here/kver.sh")
export KVER
say "# hvm check: test kernel $KVER${KERNEL_IMAGE:+ ($KERNEL_IMAGE)}, CPU models: $CPUS, output in $OUT"

if [ "${SKIP_BUILD:-0}" = 1 ]; then
	say "ok - build # SKIP SKIP_BUILD=1"
else
	echo "# building (log: $OUT/build.log)"
	bfail=0
	"$here/build.sh" "$KVER" "$OUT/build.log" >"$OUT/build.tap" || bfail=1
	tee -a "$summary" <"$OUT/build.tap"
	[ $bfail -eq 0 ] || finish
fi

# Selftests that need no /dev/hvm (the decoder and ALU, hvm-run's timer
# and UART models, built for user space) also run here on the build host, outside
# any test VM.
for t in test_decode test_pit test_uart; do
	bin=${TESTS_DIR:-$root/selftests/build}/$t
	[ -x "$bin" ] || continue
	if "$bin" >"$OUT/host-$t.log" 2>&1; then
		say "ok - host: $t ($(grep -c '^ok' "$OUT/host-$t.log") test points)"
	else
		say "not ok - host: $t failed (see $OUT/host-$t.log)"
	fi
done

# How each VM's test_linux_cpus1/2 boot the Linux guest with hvm-run
# (hvmtest_linux= on its kernel command line): LINUX_BOOT=bzimage (the
# bzImage as it is), pvh (the same kernel uncompressed through its PVH
# entry, which skips a minute of XZ decompression under Bochs) or off.
# By default one VM per backend boots Linux: QEMU's EPYC (SVM) the bzImage,
# Bochs's Skylake-X (VMX) through PVH; the other VMs skip it, saying so
# (each boot costs minutes under Bochs).  Documentation/testing.rst, "The
# Linux guest".  LINUX_APPEND: more command line for the Linux guests.
linux_boot() {
	if [ -n "${LINUX_BOOT:-}" ]; then
		echo "$LINUX_BOOT"
		return
	fi
	case $1 in
	EPYC)			echo bzimage ;;
	bochs:corei7_skylake_x)	echo pvh ;;
	*)			echo off ;;
	esac
}
# The uncompressed kernel goes into the initramfs only when a VM uses it.
LINUX_VMLINUX=
for cpu in $CPUS; do
	[ "$(linux_boot "${cpu%%/*}")" = pvh ] || continue
	LINUX_VMLINUX=$OUT/vmlinux-${GUEST_KVER:-$KVER}
	[ -f "$LINUX_VMLINUX" ] ||
		"$here/vmlinux.sh" "/boot/vmlinuz-${GUEST_KVER:-$KVER}" "$LINUX_VMLINUX"
done
export LINUX_VMLINUX

initrd=$OUT/initrd-check.cpio.gz
if ! "$here/mkinitramfs.sh" check "$initrd" 2>"$OUT/initrd.log"; then
	cat "$OUT/initrd.log"
	say "not ok - initramfs: mkinitramfs.sh failed"
	finish
fi
sed 's/^/# /' "$OUT/initrd.log"
ntests=$(grep -c . "$initrd.tests" || true)
# The host's wall limit per VM: boot and module time plus every test's own.
# Bochs boots in about 45 s (2 minutes from a bzImage) and its guest clock
# runs up to about 1.5 times slower than the wall clock (the tests' timeouts
# are in guest time; bochs.sh also stops a guest that hangs).
vm_timeout=${VM_TIMEOUT:-}
qemu_timeout=$((120 + (ntests + 1) * (TEST_TIMEOUT + 10)))
bochs_timeout=$((300 + 2 * (ntests + 1) * (TEST_TIMEOUT + 10)))

expect=$("$here/demo.sh" expect)
base_append=${APPEND_EXTRA:-}
for cpu in $CPUS; do
	# MODEL/ARGS: module parameters for this VM only, comma separated
	# (e.g. bochs:broadwell_ult/vpid=0,ept_ad=0), handed to /init on the
	# kernel command line.
	model=${cpu%%/*}
	margs=
	suffix=
	if [ "$model" != "$cpu" ]; then
		margs=${cpu#*/}
		suffix=-$(echo "$margs" | tr ',=' '-.')
	fi
	# Emulator limits the selftests skip around (HVM_TEST_QUIRKS, see
	# Documentation/testing.rst): Bochs 2.7 takes no interrupt exit while
	# the guest's IF is 0 (SVM; VMX unless the preemption timer ends the
	# spin) and ends the whole emulator on a guest triple fault under SVM.
	# Its VMRUN does not load the guest's CR2 from the VMCB: the guest sees
	# the host's last page-fault address after an exit to user space.
	# QEMU 7.2's TCG does not intercept XSETBV: the guest's own XSETBV
	# reaches the emulated CPU and hvm cannot check it against CPUID.  (It
	# also delivers an EVENTINJ interrupt twice now and then: hvm.ko
	# injects through V_IRQ under TCG instead, see testing.rst.)
	quirks=
	case $model in
	bochs:zambezi|bochs:trinity_apu)
		quirks=no-intr-exit-if0,triple-fault-fatal,no-vmrun-cr2,int-n-stale-exitintinfo ;;
	bochs:*)
		case ",$margs," in
		*,preemption_timer=0,*) quirks=no-intr-exit-if0 ;;
		esac ;;
	*)
		quirks=no-xsetbv-intercept ;;
	esac
	# Kernel problems at boot, before hvm.ko, known for a model: allowed
	# (parse.awk).  Bochs's Skylake-X reports XSAVE sizes Linux disagrees
	# with, and Linux WARNs about it (taint W) while booting.
	# Bochs's Skylake-X also reports a 3.5 GHz TSC in CPUID 0x15/0x16,
	# which Linux believes, while Bochs's TSC counts instructions
	# (BOCHS_IPS a second): the VM's clock ran 35 times slow, so every
	# timer and grace period took 35 times as long.  Give Linux the rate.
	BOOT_PROBLEMS_OK=
	model_append=
	case $model in
	bochs:corei7_skylake_x)
		BOOT_PROBLEMS_OK="Bochs reports XSAVE sizes Linux rejects"
		model_append=" tsc_early_khz=$((${BOCHS_IPS:-100000000} / 1000))" ;;
	esac
	export BOOT_PROBLEMS_OK
	APPEND_EXTRA="$base_append$model_append${margs:+ hvmtest_args=$margs}${quirks:+ hvmtest_quirks=$quirks} hvmtest_linux=$(linux_boot "$model")${LINUX_APPEND:+ hvmtest_linux_append=$(echo "$LINUX_APPEND" | tr ' ' +)}"
	export APPEND_EXTRA
	case $model in
	bochs:*)	# Bochs: files named bochs-MODEL.*
		stem=bochs-${model#bochs:}$suffix
		emu=Bochs
		desc="Bochs cpu model=${model#bochs:}${margs:+ hvm.ko $margs}"
		VM_TIMEOUT=${vm_timeout:-$bochs_timeout} ;;
	*)
		stem=$model$suffix
		emu=QEMU
		desc="-cpu $model${margs:+ hvm.ko $margs}"
		VM_TIMEOUT=${vm_timeout:-$qemu_timeout} ;;
	esac
	export VM_TIMEOUT
	log=$OUT/$stem.log
	say ""
	say "# VM $desc -smp ${SMP:-2}: $ntests selftest binaries, log $log"
	start=$(date +%s)
	qrc=0
	if [ $emu = Bochs ]; then
		# Bochs's own log (failed VM-entry checks): $OUT/$stem.bochs.log
		"$here/bochs.sh" "${model#bochs:}" "$initrd" "$log" \
			2>"$OUT/$stem.term.log" || qrc=$?
	else
		"$here/boot.sh" "$model" "$initrd" "$log" 2>"$OUT/$stem.qemu.log" || qrc=$?
	fi
	say "# VM $desc: $(($(date +%s) - start)) s, $emu exit $qrc"
	[ -f "$log" ] || : >"$log"
	RUN_EXPECT=$expect awk -v vm="$cpu" -v qrc="$qrc" -v emu=$emu -v benign="$here/benign.re" \
		-f "$here/parse.awk" "$log" | tee "$OUT/$stem.tap" | tee -a "$summary"
	vp=$(grep -c '^ok ' "$OUT/$stem.tap" || true)
	vf=$(grep -c '^not ok ' "$OUT/$stem.tap" || true)
	vs=$(grep -c '^ok .*# SKIP' "$OUT/$stem.tap" || true)
	say "# $cpu: $vp passed ($vs skipped), $vf failed"
done
finish
