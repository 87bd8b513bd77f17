#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# demo.sh cmd|expect: how the test VM runs the demo guest and what it must
# print.  The VM runs the command in /demo, which holds hvm-run and the
# demo's *.bin files (see mkinitramfs.sh); the Linux guest is in /linux.
# Sources, first that is set:
#   cmd:    RUN_CMD; "./hvm-run $RUN_ARGS"; by RUN_DEMO:
#           hello (default): `make -C userspace print-hello-cmd`
#           linux: Debian's kernel with the busybox guest (mkguest.sh) on
#             RUN_VCPUS vCPUs (default 2): prints uname -a and its CPU
#             count, powers off
#           shell: the same guest with a shell on the console
#   expect: RUN_EXPECT (may be empty: no check); by RUN_DEMO (hello when
#           RUN_CMD or RUN_ARGS is set): hello: `make
#           -C userspace print-hello-expect`; linux: the guest's greeting
#           with KVER and the CPU count; shell: nothing
# LINUX_KERNEL and LINUX_INITRD name the guest's files (default /linux/...,
# where the test VM has them).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL
demo=${RUN_DEMO:-hello}
# A command of one's own: judged as the hello demo was (RUN_EXPECT to change).
[ -z "${RUN_CMD:-}${RUN_ARGS:-}" ] || demo=hello
vcpus=${RUN_VCPUS:-2}

ask_userspace() {	# the userspace Makefile's answer, or nothing
	make -s --no-print-directory -C "$root/userspace" "$1" 2>/dev/null || true
}

linux_cmd() {	# linux_cmd KERNEL-COMMAND-LINE-EXTRA
	echo "./hvm-run --cpus $vcpus --kernel ${LINUX_KERNEL:-/linux/vmlinuz}" \
		"--initrd ${LINUX_INITRD:-/linux/guest.cpio.gz}" \
		"--cmdline \"console=ttyS0 loglevel=4$1\""
}

case ${1:-} in
cmd)
	if [ -n "${RUN_CMD:-}" ]; then
		echo "$RUN_CMD"
	elif [ -n "${RUN_ARGS:-}" ]; then
		echo "./hvm-run $RUN_ARGS"
	else
		case $demo in
		linux)	linux_cmd " hvmguest=demo" ;;
		shell)	linux_cmd "" ;;
		*)	c=$(ask_userspace print-hello-cmd)
			echo "${c:-./hvm-run hello.bin}" ;;
		esac
	fi ;;
expect)
	if [ -n "${RUN_EXPECT+set}" ]; then
		echo "$RUN_EXPECT"
	else
		case $demo in
		linux)	echo "Hello from Linux under hvm: Linux" \
				"${GUEST_KVER:-${KVER:-$("$here/kver.sh")}}, $vcpus CPU(s)" ;;
		shell)	;;
		*)	ask_userspace print-hello-expect ;;
		esac
	fi ;;
*)
	echo "usage: demo.sh cmd|expect" >&2
	exit 2 ;;
esac
