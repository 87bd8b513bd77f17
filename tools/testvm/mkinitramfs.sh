#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# mkinitramfs.sh MODE OUT: build the test VM's initramfs (gzip'd newc cpio).
#   MODE check: the demo, then every selftest;  MODE run: the demo only.
# Contents: static busybox, /init (init.sh), /etc/hvm-test.conf, $HVM_KO as
# /hvm.ko (+ the modules it depends on), $HVM_RUN as /bin/hvm-run and
# /demo/hvm-run, $HVM_BENCH as /bin/hvm-bench with bench-vm.sh as
# /bin/hvm-bench-vm (and QEMU, with BENCH_QEMU), $DEMO_DIR/*.bin and *.elf in
# /demo, the selftests build dir $TESTS_DIR as /tests, the Linux guest in
# /linux (LINUX_GUEST, LINUX_VMLINUX).
# The test VM's modules (hvm.ko's dependencies, kvm_amd, kvm_intel, msr)
# come from /lib/modules/$KVER, or from $MODULES_ROOT/lib/modules/$KVER
# (the debug kernel's, debug-kernel.sh); the Linux guest's kernel is
# /boot/vmlinuz-$GUEST_KVER (default $KVER).
# Dynamic executables get their shared libraries too.
set -eu

mode=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
kver=${KVER:-$("$here/kver.sh")}
guest_kver=${GUEST_KVER:-$kver}
# modprobe's root: its paths start with it, the initramfs's do not.
mroot=${MODULES_ROOT:-}
mroot=${mroot%/}
HVM_KO=${HVM_KO:-$root/module/hvm.ko}
HVM_RUN=${HVM_RUN:-$root/userspace/build/hvm-run}
HVM_BENCH=${HVM_BENCH:-$root/userspace/build/hvm-bench}
DEMO_DIR=${DEMO_DIR:-$root/userspace/build}
TESTS_DIR=${TESTS_DIR:-$root/selftests/build}
BUSYBOX=${BUSYBOX:-/bin/busybox}

mkdir -p "$(dirname "$out")"
stage=$(mktemp -d "${TMPDIR:-/tmp}/hvm-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/sbin" "$stage/usr/bin" "$stage/usr/sbin" \
	"$stage/etc" "$stage/proc" "$stage/sys" "$stage/dev" "$stage/tmp" \
	"$stage/modules" "$stage/tests" "$stage/demo"

# add_elf SRC DST: copy an executable; if dynamic, also its libraries/loader.
add_elf() {
	mkdir -p "$stage$(dirname "$2")"
	cp "$1" "$stage$2"
	chmod 755 "$stage$2"
	if ldd "$1" >/dev/null 2>&1; then
		ldd "$1" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }' |
		while read -r lib; do
			mkdir -p "$stage$(dirname "$lib")"
			cp -L "$lib" "$stage$lib"
		done
	fi
}

if ! file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked'; then
	# file(1) may be missing on a minimal host: fall back to ldd.
	if ldd "$BUSYBOX" >/dev/null 2>&1; then
		echo "mkinitramfs: $BUSYBOX is not static (install busybox-static)" >&2
		exit 1
	fi
fi
cp "$BUSYBOX" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
cp "$here/init.sh" "$stage/init"
chmod 755 "$stage/init"

# The module and, in load order, what it depends on (from Debian's tree).
[ -f "$HVM_KO" ] || { echo "mkinitramfs: no module $HVM_KO" >&2; exit 1; }
cp "$HVM_KO" "$stage/hvm.ko"
modname=$(basename "$HVM_KO" .ko | tr - _)
: >"$stage/etc/hvm-modules"
for dep in $(modinfo -F depends "$HVM_KO" 2>/dev/null | tr , ' '); do
	modprobe ${mroot:+-d "$mroot"} -S "$kver" --show-depends "$dep" |
	awk '$1 == "insmod" { print $2 }' | while read -r ko; do
		b=$(basename "$ko")
		if ! grep -qx "$b" "$stage/etc/hvm-modules"; then
			cp "$ko" "$stage/modules/$b"
			echo "$b" >>"$stage/etc/hvm-modules"
		fi
	done
done

# The reference hypervisors (Debian's kvm_amd, kvm_intel and what they
# need), laid out as in /lib/modules so `modprobe kvm_amd` works in the VM.
kmods=/lib/modules/$kver
mkdir -p "$stage$kmods"
for m in kvm_amd kvm_intel msr; do
	modprobe ${mroot:+-d "$mroot"} -S "$kver" --show-depends "$m" 2>/dev/null |
	awk '$1 == "insmod" { print $2 }' | while read -r ko; do
		dst=${ko#"$mroot"}
		mkdir -p "$stage$(dirname "$dst")"
		cp "$ko" "$stage$dst"
	done
done
for f in modules.dep modules.alias modules.symbols modules.builtin \
	 modules.builtin.modinfo modules.order; do
	[ ! -f "$mroot$kmods/$f" ] || cp "$mroot$kmods/$f" "$stage$kmods/$f"
done

# The runner and the demo guest images.
run_cmd=""
if [ -f "$HVM_RUN" ]; then
	add_elf "$HVM_RUN" /bin/hvm-run
	ln -s ../bin/hvm-run "$stage/demo/hvm-run"
	for bin in "$DEMO_DIR"/*.bin "$DEMO_DIR"/*.elf; do
		[ ! -f "$bin" ] || cp "$bin" "$stage/demo/"
	done
	run_cmd=$("$here/demo.sh" cmd)
elif [ "$mode" = run ]; then
	echo "mkinitramfs: no runner $HVM_RUN" >&2
	exit 1
fi

# The benchmark (make bench; test_bench_smoke runs it with --smoke) and
# its wrapper, which loads KVM next to hvm.ko for it.
if [ -f "$HVM_BENCH" ]; then
	add_elf "$HVM_BENCH" /bin/hvm-bench
	cp "$here/bench-vm.sh" "$stage/bin/hvm-bench-vm"
	chmod 755 "$stage/bin/hvm-bench-vm"
fi
# KVM's runner for the benchmark's Linux boot figure (make bench only):
# $BENCH_QEMU as /usr/bin/qemu-system-x86_64 with the firmware its
# microvm machine loads (qboot; pvh.bin and linuxboot_dma.bin for the
# kernel), found by QEMU in ../share/qemu from its binary.
if [ -n "${BENCH_QEMU:-}" ]; then
	add_elf "$BENCH_QEMU" /usr/bin/qemu-system-x86_64
	mkdir -p "$stage/usr/share/qemu"
	for fw in bios-microvm.bin pvh.bin linuxboot_dma.bin; do
		cp -L "${BENCH_QEMU_DATA:-/usr/share/qemu}/$fw" "$stage/usr/share/qemu/"
	done
fi

# The Linux guest that hvm-run boots (selftests/test_linux.sh, the Linux
# demo): Debian's kernel $GUEST_KVER (default: the test VM's own) as /linux/vmlinuz, the guest's initramfs
# (mkguest.sh), its problem patterns, the kernel version; with LINUX_VMLINUX
# also that uncompressed vmlinux (vmlinux.sh) as /linux/vmlinux, for the PVH
# entry.  LINUX_GUEST=0 leaves it all out.
if [ "${LINUX_GUEST:-1}" != 0 ]; then
	mkdir -p "$stage/linux"
	cp "/boot/vmlinuz-$guest_kver" "$stage/linux/vmlinuz"
	"$here/mkguest.sh" "$stage/linux/guest.cpio.gz"
	cp "$here/guest-bad.re" "$here/benign.re" "$stage/linux/"
	echo "$guest_kver" >"$stage/linux/kver"
	[ -z "${LINUX_VMLINUX:-}" ] || cp "$LINUX_VMLINUX" "$stage/linux/vmlinux"
fi

# The selftests: the whole build dir (binaries and any data files, not the
# objects), run in the order of $TESTS_DIR/TESTS (paths relative to it).
: >"$stage/etc/hvm-tests"
if [ "$mode" = check ] && [ -d "$TESTS_DIR" ]; then
	(cd "$TESTS_DIR" && find . -type f ! -name '*.o' ! -name '*.d' \
		! -name '*.a' ! -name '*.cmd' ! -name '*.c' ! -name '*.h') |
	while read -r f; do
		f=${f#./}
		if [ -x "$TESTS_DIR/$f" ]; then
			add_elf "$TESTS_DIR/$f" "/tests/$f"
		else
			mkdir -p "$stage/tests/$(dirname "$f")"
			cp "$TESTS_DIR/$f" "$stage/tests/$f"
		fi
	done
	if [ -f "$TESTS_DIR/TESTS" ]; then
		grep -v -E '^[[:space:]]*(#|$)' "$TESTS_DIR/TESTS" |
			sed 's/^[[:space:]]*//; s/[[:space:]]*$//; s,^\./,,'
	else	# no list: every executable in the build dir
		(cd "$TESTS_DIR" && find . -type f -perm -u+x | sed 's,^\./,,' | sort)
	fi >"$stage/etc/hvm-tests"
	# TESTS_EXTRA: more of the build dir's tests, after the list (make
	# check-debug: test_fuzz, which make check holds out).
	for t in ${TESTS_EXTRA:-}; do
		grep -qx "$t" "$stage/etc/hvm-tests" || echo "$t" >>"$stage/etc/hvm-tests"
	done
	while read -r t; do
		[ -x "$stage/tests/$t" ] ||
			echo "mkinitramfs: warning: listed test $t not built" >&2
	done <"$stage/etc/hvm-tests"
fi

cp "$stage/etc/hvm-tests" "$out.tests"	# for the host: what will run

# Settings for /init.
{
	echo "MODE='$mode'"
	echo "MODNAME='$modname'"
	echo "INSMOD_ARGS='${INSMOD_ARGS:-}'"
	echo "TEST_TIMEOUT='${TEST_TIMEOUT:-180}'"
	echo "RUN_CMD='$run_cmd'"
	echo "RUN_TTY='${RUN_TTY:-0}'"
} >"$stage/etc/hvm-test.conf"

# shellcheck source=tools/testvm/cpio.sh
. "$here/cpio.sh"
cpio_archive "$stage" | gzip -1 >"$out"
