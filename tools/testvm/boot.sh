#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# boot.sh CPU INITRD LOG: boot the test kernel under QEMU/TCG with -cpu CPU,
# serial console into LOG; kill QEMU after VM_TIMEOUT seconds (default 1200).
# LOG "-": the serial console is this terminal (make run-shell): every key,
# Ctrl-C and Ctrl-A included, goes to the VM.
# Exit status: QEMU's (0 after the guest's poweroff), 124 on the timeout.
# Extra QEMU options: QEMU_EXTRA; extra kernel command line: APPEND_EXTRA.
# The kernel: KERNEL_IMAGE, default /boot/vmlinuz-$KVER.
#
# ACCEL defaults to single-threaded TCG.  With QEMU 7.2's multi-threaded TCG
# (ACCEL=tcg) the emulated SVM misbehaves under vCPU migration: about one run
# of test_smp in twenty saw a guest page walk fail on correct page tables, or
# the host's own RIP/RSP written into the VMCB as guest state at an NPF exit.
# Neither appeared in 48 single-threaded runs.  Both vCPUs still interleave,
# so SMP, IPIs, migration and hotplug are still exercised.
set -eu

cpu=$1
initrd=$2
log=$3
here=$(cd "$(dirname "$0")" && pwd)
kver=${KVER:-$("$here/kver.sh")}

# -nographic with the serial port in a file and no monitor: nothing reads
# stdin, which CI does not have.
serial=file:$log
fg=
stdin=/dev/null
if [ "$log" = - ]; then
	serial=chardev:con
	set -- -chardev stdio,id=con,signal=off
	fg=--foreground
	stdin=/dev/stdin
else
	set --
fi
# shellcheck disable=SC2086
exec timeout $fg -k 10 "${VM_TIMEOUT:-1200}" \
	qemu-system-x86_64 -accel "${ACCEL:-tcg,thread=single}" -cpu "$cpu" -smp "${SMP:-2}" \
	-m "${MEM:-1G}" -nographic -no-reboot -monitor none -net none \
	-serial "$serial" "$@" \
	-kernel "${KERNEL_IMAGE:-/boot/vmlinuz-$kver}" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 loglevel=5 printk.time=1 ${APPEND_EXTRA:-}" \
	${QEMU_EXTRA:-} <$stdin
