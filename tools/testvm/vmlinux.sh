#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vmlinux.sh BZIMAGE OUT: unpack the vmlinux ELF from a bzImage (Debian's
# are XZ-compressed).  The setup header's payload_offset and payload_length,
# after the setup sectors, give the compressed payload: vmlinux, then its
# size in 4 bytes (--single-stream: not another stream).  The same kernel,
# uncompressed: booted through its PVH entry (the Xen ELF note
# PHYS32_ENTRY) by pvhboot.c and by hvm-run, it skips the decompression
# that takes about a minute under Bochs.
set -eu

kernel=$1
out=$2
u() { od -An -t "u$1" -j "$2" -N "$1" "$kernel" | tr -d ' '; }
sects=$(u 1 497)
[ "$sects" -ne 0 ] || sects=4	# 0 means 4
off=$(( (sects + 1) * 512 + $(u 4 584) ))
tail -c +$((off + 1)) "$kernel" | head -c "$(u 4 588)" |
	xz -dc --single-stream >"$out.tmp"
mv "$out.tmp" "$out"
