#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# debug-kernel.sh [build|check|release]: "make check-debug".
#   build    build (or reuse) the debug kernel only
#   release  print the built kernel's release (uname -r)
#   check    (default) build it, then run check.sh with it: hvm.ko, the test
#            kmods and the selftests built against its tree, the test VM
#            booting it (QEMU SVM, CPUS=EPYC unless set)
# The kernel: Debian's linux-source-6.1 (the tarball under /usr/src),
# unpacked once into $DEBUG_KERNEL_DIR (default build/debug-kernel), the
# x86_64 defconfig plus tools/testvm/debug-kernel.config (KASAN, lockdep,
# atomic-sleep, kmemleak, KFENCE, list and UBSAN checks), built with
# "nice -n 19 make -j2 bzImage modules" and its modules installed under
# $DEBUG_KERNEL_DIR/modules.  A stamp holds the source version and the
# config's checksum: the kernel is built again only when either changed
# (or the last build failed).  Nothing goes to /boot or /lib/modules: make
# check still tests Debian's kernel.
# Variables: DEBUG_KERNEL_DIR, DEBUG_KERNEL_JOBS (default 2), and check.sh's
# (CPUS, OUT default build/testvm-debug, MEM default 2G, TEST_TIMEOUT
# default 900, TESTS_EXTRA default test_fuzz...).  Documentation/testing.rst, "The debug kernel".
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cmd=${1:-check}
dir=${DEBUG_KERNEL_DIR:-$root/build/debug-kernel}
pkg=linux-source-6.1
tarball=/usr/src/$pkg.tar.xz
src=$dir/$pkg
mods=$dir/modules
log=$dir/build.log
fragment=$here/debug-kernel.config
jobs=${DEBUG_KERNEL_JOBS:-2}

# Our own make runs: no flags (-j, C=...) leak in from a calling make.
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL

release() {
	make -s -C "$src" kernelrelease
}

if [ "$cmd" = release ]; then
	release
	exit 0
fi

# The packages: the source, what a kernel build needs, the test VM's.
"$here/deps.sh" debug-kernel
mkdir -p "$dir"

# The source, unpacked once per package version.
version=$(dpkg-query -W -f='${Version}' "$pkg")
if [ "$(cat "$dir/source.stamp" 2>/dev/null)" != "$version" ]; then
	echo "# debug kernel: unpacking $pkg $version into $dir"
	rm -rf "$src" "$mods" "$dir/build.stamp" "$dir/source.stamp"
	tar -C "$dir" -xJf "$tarball"
	echo "$version" >"$dir/source.stamp"
fi

# What the build depends on: the source version, the config fragment, the
# compiler.  Unchanged and built: nothing to do.
want=$( { echo "$version"; cat "$fragment"; gcc --version | head -n 1; } |
	sha256sum | cut -d' ' -f1)
if [ "$(cat "$dir/build.stamp" 2>/dev/null)" = "$want" ] &&
   [ -f "$src/arch/x86/boot/bzImage" ]; then
	echo "# debug kernel: $(release), built (stamp $dir/build.stamp)"
else
	echo "# debug kernel: building $pkg $version (log: $log)"
	rm -f "$dir/build.stamp"
	start=$(date +%s)
	: >"$log"
	# defconfig, then the fragment, then the dependencies resolved.
	make -C "$src" x86_64_defconfig >>"$log" 2>&1
	grep -v -E '^[[:space:]]*(#|$)' "$fragment" | while IFS='=' read -r name val; do
		case $val in
		y)	"$src/scripts/config" --file "$src/.config" --enable "$name" ;;
		n)	"$src/scripts/config" --file "$src/.config" --disable "$name" ;;
		m)	"$src/scripts/config" --file "$src/.config" --module "$name" ;;
		\"*)	val=${val#\"}
			"$src/scripts/config" --file "$src/.config" --set-str "$name" "${val%\"}" ;;
		*)	"$src/scripts/config" --file "$src/.config" --set-val "$name" "$val" ;;
		esac
	done
	make -C "$src" olddefconfig >>"$log" 2>&1
	# Every option asked for must have survived olddefconfig (a missing
	# dependency silently drops one): y/m/values exactly, n as unset.
	bad=
	grep -v -E '^[[:space:]]*(#|$)' "$fragment" | {
		while IFS='=' read -r name val; do
			if [ "$val" = n ]; then
				if grep -q "^CONFIG_$name=" "$src/.config"; then
					bad="$bad $name=n"
				fi
			elif ! grep -qx "CONFIG_$name=$val" "$src/.config"; then
				bad="$bad $name=$val"
			fi
		done
		if [ -n "$bad" ]; then
			echo "debug-kernel.sh: not in the resolved .config:$bad" >&2
			exit 1
		fi
	}
	# nice: the build machines have 2 cores and run emulators.
	if ! nice -n 19 make -C "$src" -j"$jobs" bzImage modules >>"$log" 2>&1; then
		tail -n 30 "$log" >&2
		echo "debug-kernel.sh: the kernel build failed (log: $log)" >&2
		exit 1
	fi
	rm -rf "$mods"
	nice -n 19 make -C "$src" modules_install INSTALL_MOD_PATH="$mods" \
		INSTALL_MOD_STRIP=1 DEPMOD=/sbin/depmod >>"$log" 2>&1
	echo "$want" >"$dir/build.stamp"
	echo "# debug kernel: $(release) built in $(($(date +%s) - start)) s"
fi
[ "$cmd" = build ] && exit 0

# The test run: check.sh with this kernel in the test VM.  The Linux guest
# that test_linux_* boot under hvm stays Debian's kernel (GUEST_KVER): the
# checks are about the host side, hvm.ko, and a KASAN guest under nested
# TCG would only be slower.
GUEST_KVER=$("$here/kver.sh")
KVER=$(release)
KERNEL_IMAGE=$src/arch/x86/boot/bzImage
KERNEL_VMLINUX=$src/vmlinux
KDIR=$src
MODULES_ROOT=$mods
export GUEST_KVER KVER KERNEL_IMAGE KERNEL_VMLINUX KDIR MODULES_ROOT
# KASAN reports every bad access, not only the first (lockdep stops
# after its first report all the same).
export APPEND_EXTRA="kasan_multi_shot${APPEND_EXTRA:+ $APPEND_EXTRA}"
export OUT="${OUT:-$root/build/testvm-debug}"
export CPUS="${CPUS:-EPYC}"
# KASAN's shadow is an eighth of memory, and kmemleak's and lockdep's
# tables grow: 2 GiB.  Everything runs several times slower.
export MEM="${MEM:-2G}"
export TEST_TIMEOUT="${TEST_TIMEOUT:-900}"
# The fuzzer's short pass too, which make check holds out for now
# (selftests/Makefile's HELD_OUT).
export TESTS_EXTRA="${TESTS_EXTRA-test_fuzz}"
exec "$here/check.sh"
