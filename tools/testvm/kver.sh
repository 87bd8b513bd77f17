#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the test kernel version: the newest /boot/vmlinuz-<ver>-amd64 whose
# /lib/modules/<ver>/build (the matching headers) exists.  KVER overrides.
set -eu

if [ -n "${KVER:-}" ]; then
	echo "$KVER"
	exit 0
fi

# shellcheck disable=SC2012 # the names are ours: vmlinuz-<ver>-amd64
for img in $(ls /boot/vmlinuz-*-amd64 2>/dev/null | sort -V -r); do
	ver=${img#/boot/vmlinuz-}
	if [ -r "$img" ] && [ -e "/lib/modules/$ver/build/Makefile" ]; then
		echo "$ver"
		exit 0
	fi
done
echo "kver.sh: no /boot/vmlinuz-*-amd64 with matching /lib/modules/<ver>/build" >&2
exit 1
