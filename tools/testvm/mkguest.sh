#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# mkguest.sh OUT: build the initramfs of the Linux guest that hvm-run boots
# (gzip'd newc cpio, about 1 MB): static busybox, /init (guest-init.sh), the
# problem patterns /etc/bad.re (guest-bad.re) and /etc/benign.re, and
# /etc/workload.sha256 (the checksum the guest's workload must get).
# The guest's kernel is Debian's own (/boot/vmlinuz-$KVER, kver.sh).
set -eu

out=$1
here=$(cd "$(dirname "$0")" && pwd)
BUSYBOX=${BUSYBOX:-/bin/busybox}

stage=$(mktemp -d "${TMPDIR:-/tmp}/hvm-guest.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/sbin" "$stage/usr/bin" "$stage/usr/sbin" \
	"$stage/etc" "$stage/proc" "$stage/sys" "$stage/tmp" "$stage/root"
if ldd "$BUSYBOX" >/dev/null 2>&1; then
	echo "mkguest: $BUSYBOX is not static (install busybox-static)" >&2
	exit 1
fi
cp "$BUSYBOX" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
cp "$here/guest-init.sh" "$stage/init"
chmod 755 "$stage/init"
# Patterns without comments or blank lines (grep -f: a blank line matches all).
for f in guest-bad:bad benign:benign; do
	grep -v -E '^[[:space:]]*(#|$)' "$here/${f%:*}.re" >"$stage/etc/${f#*:}.re" || true
done
# The workload: "seq 1 100000" in a file (busybox's seq prints the same).
seq 1 100000 | sha256sum | cut -d' ' -f1 >"$stage/etc/workload.sha256"

mkdir -p "$(dirname "$out")"
# shellcheck source=tools/testvm/cpio.sh
. "$here/cpio.sh"
cpio_archive "$stage" >"$out.cpio"
gzip -9 <"$out.cpio" >"$out"
rm -f "$out.cpio"
