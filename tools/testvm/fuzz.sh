#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# fuzz.sh: the long fuzzer run ("make fuzz").  One test VM (FUZZ_CPUS,
# default EPYC) runs only selftests/build/test_fuzz with FUZZ_ARGS (default
# --calls 1000000 --seconds 0), through check.sh: same build, boot, dmesg
# and taint checks.  Prints the calls made, the errnos by count, the time
# and the host incidents (kernel warnings, BUGs, oopses, lockdep, leaks,
# bad taint) from the VM's log.  Exit status 1 on any failure.
# Variables: FUZZ_ARGS, FUZZ_CPUS, FUZZ_TIMEOUT (seconds for the fuzzer,
# default 7200), SKIP_BUILD, OUT.  See Documentation/testing.rst.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
OUT=${OUT:-$root/build/testvm}
fout=$OUT/fuzz
args=${FUZZ_ARGS:---calls 1000000 --seconds 0}
cpus=${FUZZ_CPUS:-EPYC}
mkdir -p "$fout"

# The build first (check.sh would build too, but the test list is ours).
if [ "${SKIP_BUILD:-0}" != 1 ]; then
	make -C "$root" >"$fout/build.log" 2>&1 || {
		tail -20 "$fout/build.log"
		echo "not ok - fuzz: build failed (log $fout/build.log)"
		exit 1
	}
fi
tests=$fout/tests
rm -rf "$tests"
cp -a "$root/selftests/build" "$tests"
echo test_fuzz >"$tests/TESTS"

start=$(date +%s)
rc=0
SKIP_BUILD=1 TESTS_DIR=$tests CPUS=$cpus LINUX_GUEST=0 OUT=$fout \
	TEST_TIMEOUT=${FUZZ_TIMEOUT:-7200} \
	APPEND_EXTRA="${APPEND_EXTRA:-} hvmtest_fuzz=$(echo "$args" | tr ' ' +)" \
	"$here/check.sh" >"$fout/check.out" 2>&1 || rc=$?
secs=$(($(date +%s) - start))

echo "# make fuzz: $cpus, test_fuzz $args; logs in $fout"
for cpu in $cpus; do
	stem=$(echo "$cpu" | sed 's/^bochs:/bochs-/; s,/.*,,')
	log=$fout/$stem.log
	[ -f "$log" ] || continue
	echo "# VM $cpu:"
	# The fuzzer's own summary lines (seed, calls, errnos, exits, per call).
	grep -a -E '^# (fuzz|round [0-9]+:|unexpected|single|race)' "$log" | grep -v '^# round [0-9]* (' | sed 's/^/  /'
	# Host incidents, as parse.awk judged them, with the log lines it quotes.
	grep -a -E 'kernel warnings|kernel taint|kernel problems at boot|powered off|test_fuzz' \
		"$fout/$stem.tap" | sed 's/^/  /'
	grep -a -A10 '^not ok .*kernel warnings' "$fout/$stem.tap" | grep '^#' | sed 's/^/  /' || true
done
echo "# make fuzz: $secs s of wall time (boot included)"
tail -1 "$fout/check.out"
exit $rc
