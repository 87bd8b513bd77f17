#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# demo.sh cmd|expect: how the test VM runs the demo guest and what it must
# print.  The VM runs the command in /demo, which holds hvm-run and the
# demo's *.bin files (see mkinitramfs.sh).  Sources, first that is set:
#   cmd:    RUN_CMD; "./hvm-run $RUN_ARGS"; `make -C userspace print-hello-cmd`
#   expect: RUN_EXPECT (may be empty: no check); `make -C userspace print-hello-expect`
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL

ask_userspace() {	# the userspace Makefile's answer, or nothing
	make -s --no-print-directory -C "$root/userspace" "$1" 2>/dev/null || true
}

case ${1:-} in
cmd)
	if [ -n "${RUN_CMD:-}" ]; then
		echo "$RUN_CMD"
	elif [ -n "${RUN_ARGS:-}" ]; then
		echo "./hvm-run $RUN_ARGS"
	else
		c=$(ask_userspace print-hello-cmd)
		echo "${c:-./hvm-run hello.bin}"
	fi ;;
expect)
	if [ -n "${RUN_EXPECT+set}" ]; then
		echo "$RUN_EXPECT"
	else
		ask_userspace print-hello-expect
	fi ;;
*)
	echo "usage: demo.sh cmd|expect" >&2
	exit 2 ;;
esac
