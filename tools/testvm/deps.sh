#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages the test harness needs, only those missing.
# Runs apt-get (as root) only when something is missing.
# deps.sh bench: also what make bench needs (gnuplot for its plot).
# deps.sh debug-kernel: also what make check-debug needs (the kernel source).
set -eu

here=$(dirname "$0")
missing=""

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

need() {	# need PACKAGE [COMMAND]: missing when the package is not installed
	# and (if given) the command is not on PATH either.
	if installed "$1"; then
		return 0
	fi
	if [ $# -gt 1 ] && command -v "$2" >/dev/null 2>&1; then
		return 0
	fi
	missing="$missing $1"
}

# A kernel with its headers: any installed pair will do (kver.sh picks it),
# otherwise the Debian metapackages.
if ! "$here/kver.sh" >/dev/null 2>&1; then
	missing="$missing linux-image-amd64 linux-headers-amd64"
fi
need qemu-system-x86 qemu-system-x86_64
need busybox-static		# must be the static one: it runs alone in the initramfs
need cpio cpio
need gzip gzip
need sparse sparse
need make make
need gcc gcc
need kmod modinfo
# Bochs test VMs (CPUS="bochs:MODEL", VMX): Bochs, its BIOSes and terminal
# display, and what bochs.sh makes the isolinux boot CD with.
need bochs bochs
need bochsbios
need vgabios
need bochs-term
need isolinux
need syslinux-common
need xorriso xorriso
need xz-utils xz		# bochs.sh unpacks vmlinux from the bzImage
if [ "${1:-}" = bench ]; then
	need gnuplot-nox gnuplot	# bench.sh plots the ratios
fi
# debug-kernel.sh (make check-debug): Debian's kernel source and what
# building a kernel takes.
if [ "${1:-}" = debug-kernel ]; then
	need linux-source-6.1
	need flex flex
	need bison bison
	need bc bc
	need libelf-dev
	need libssl-dev
	need xz-utils xz
fi

if [ -z "$missing" ]; then
	exit 0
fi

echo "deps.sh: installing:$missing"
if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: not root: install these packages by hand:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
# shellcheck disable=SC2086
apt-get install -y --no-install-recommends $missing
"$here/kver.sh" >/dev/null
