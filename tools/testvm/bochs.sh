#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# bochs.sh MODEL INITRD LOG: boot the test kernel under Bochs (cpu: model=MODEL,
# e.g. corei7_skylake_x for VMX, zambezi for SVM) from an isolinux CD holding
# /boot/vmlinuz-$KVER and INITRD, serial console into LOG.  Bochs is killed
# after VM_TIMEOUT seconds (default 1800).
# Exit status: 0 after the guest's poweroff (Bochs itself exits 1 then), 124
# on the timeout, else Bochs's.  Next to LOG (foo.log): foo.bochs.log, Bochs's
# own log (it names a failed VM-entry check: "VMENTER FAIL: ..."), and
# foo.bochs.d/ with the ISO, bochsrc and the terminal display's output.
# Variables: KVER, SMP (default 2), BOCHS_MEGS (default 1024), BOCHS_IPS
# (emulated instructions per second of guest time, default 100000000),
# APPEND_EXTRA (more kernel command line), BOCHS_KERNEL (boot this bzImage
# instead of /boot/vmlinuz-$KVER).
set -eu

model=$1
initrd=$2
log=$3
here=$(cd "$(dirname "$0")" && pwd)
kver=${KVER:-$("$here/kver.sh")}
kernel=${BOCHS_KERNEL:-/boot/vmlinuz-$kver}
stem=${log%.log}
work=$stem.bochs.d
blog=$stem.bochs.log

rm -rf "$work"
mkdir -p "$work/iso/isolinux"
: >"$log"
: >"$blog"

# The boot CD: ISOLINUX loads the kernel and the initramfs from it.
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 \
	"$work/iso/isolinux/"
cp "$kernel" "$work/iso/vmlinuz"
cp "$initrd" "$work/iso/initrd.gz"
cat >"$work/iso/isolinux/isolinux.cfg" <<EOF
DEFAULT hvm
PROMPT 0
TIMEOUT 0
LABEL hvm
  KERNEL /vmlinuz
  APPEND initrd=/initrd.gz console=ttyS0,115200 panic=-1 loglevel=5 printk.time=1 ${APPEND_EXTRA:-}
EOF
xorriso -as mkisofs -quiet -R -o $work/boot.iso \
	-b isolinux/isolinux.bin -c isolinux/boot.cat \
	-no-emul-boot -boot-load-size 4 -boot-info-table "$work/iso" >&2
rm -rf "$work/iso"

# sync=none: guest time follows the instruction count (ips), not the wall
# clock, so a run does not depend on the host's load.  The BIOS's ACPI
# tables give the kernel all "count" CPUs.
cat >"$work/bochsrc" <<EOF
megs: ${BOCHS_MEGS:-1024}
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
cpu: model=$model, count=${SMP:-2}, ips=${BOCHS_IPS:-100000000}, reset_on_triple_fault=0, ignore_bad_msrs=1
ata0-master: type=cdrom, path=$work/boot.iso, status=inserted
boot: cdrom
clock: sync=none, time0=local
display_library: term
com1: enabled=1, mode=file, dev=$log
log: $blog
panic: action=fatal
error: action=report
info: action=report
debug: action=ignore
mouse: enabled=0
pci: enabled=1, chipset=i440fx
EOF
# The debugger (Debian builds it in) stops at a prompt: continue, and quit
# once the simulation ends.
printf 'c\nquit\n' >"$work/dbg.rc"

# The term display needs a terminal: script(1) gives it a pty.  timeout
# runs inside it with --foreground so that Bochs may read the pty.
rc=0
TERM=vt100 script -qfec "timeout --foreground -k 10 ${VM_TIMEOUT:-1800} \
	bochs -q -f '$work/bochsrc' -rc '$work/dbg.rc'" /dev/null \
	</dev/null >"$work/term.out" 2>&1 || rc=$?
# The guest's "poweroff -f" ends Bochs with exit status 1.
if [ $rc -eq 1 ] && grep -q 'ACPI control: soft power off' "$blog"; then
	rc=0
fi
echo "bochs.sh: Bochs exit $rc" >&2
exit $rc
