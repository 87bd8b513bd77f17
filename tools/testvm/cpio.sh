# SPDX-License-Identifier: GPL-2.0
# cpio.sh: sourced by mkinitramfs.sh and mkguest.sh (sh, no shebang).
# cpio_archive STAGE: write to stdout (fails if find, sort or cpio does) an uncompressed newc archive of the
# directory STAGE, owned by root, preceded by /dev and /dev/console (the
# stdio of /init must exist before /init runs).  The node is written as a
# tiny cpio of its own so this needs no root for mknod; the kernel unpacks
# concatenated archives.

cpio_entry() {	# NAME MODE(octal) RDEVMAJOR RDEVMINOR
	n=$(( ${#1} + 1 ))
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%s\0' \
		0 "$((0$2))" 0 0 1 0 0 0 0 "$3" "$4" "$n" 0 "$1"
	pad=$(( (4 - (110 + n) % 4) % 4 ))
	[ $pad -eq 0 ] || head -c $pad /dev/zero
}

cpio_archive() {
	cpio_entry dev 040755 0 0
	cpio_entry dev/console 020600 5 1
	cpio_entry TRAILER!!! 0 0 0
	# No pipeline (dash has no pipefail): each step's failure is the
	# function's, not lost in the middle of a pipe.
	_files=$(cd "$(dirname "$1")" && pwd)/$(basename "$1").files
	(cd "$1" && find . >"$_files") || return 1
	LC_ALL=C sort -o "$_files" "$_files" || return 1
	(cd "$1" && cpio -o -H newc -R 0:0 --quiet <"$_files") || return 1
	rm -f "$_files"
}
