#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# build.sh KVER LOG: clean-build the module (W=1 C=2, against KVER's headers:
# /lib/modules/KVER/build, or the kernel tree KDIR when set),
# userspace/ and selftests/, all output into LOG.  Prints TAP-ish result
# lines on stdout.  Exit 0: built (maybe with warnings, reported as
# "not ok"); exit 1: the build failed.
set -eu

kver=$1
log=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
kdir=${KDIR:-/lib/modules/$kver/build}
jobs=$(nproc 2>/dev/null || echo 2)

: >"$log"
step() {	# step NAME COMMAND...: run COMMAND, output to the log
	name=$1; shift
	echo "### $name: $*" >>"$log"
	if "$@" >>"$log" 2>&1; then
		echo "ok - build: $name"
	else
		echo "not ok - build: $name failed (see $log)"
		return 1
	fi
}

# Our own make runs: no flags (-j, C=...) leak in from a calling make.
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL
failed=0
# Clean first: make only prints a file's warnings when it compiles it.
make -C "$kdir" M="$root/module" clean >>"$log" 2>&1 || true
step "module hvm.ko against $kver (W=1 C=2)" \
	make -C "$root" -j"$jobs" module KDIR="$kdir" C=2 || failed=1
for sub in userspace selftests; do
	if [ -f "$root/$sub/Makefile" ]; then
		make -C "$root/$sub" KDIR="$kdir" clean >>"$log" 2>&1 || true
		step "$sub" make -C "$root/$sub" -j"$jobs" KDIR="$kdir" C=2 || failed=1
	else
		echo "ok - build: $sub # SKIP no $sub/Makefile yet"
	fi
done

# Compiler warnings, sparse diagnostics (file:line:col: warning:/error:),
# modpost's "WARNING:", kbuild's compiler-mismatch warning...
diags=$(grep -n -i -E '(warning|error):' "$log" || true)
if [ -z "$diags" ]; then
	echo "ok - build: no compiler warnings or sparse diagnostics"
else
	echo "not ok - build: $(echo "$diags" | wc -l) warning/diagnostic lines (see $log)"
	echo "$diags" | head -n 40 | sed 's/^/#   /'
fi
exit $failed
