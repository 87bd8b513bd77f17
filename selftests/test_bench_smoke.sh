#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# test_bench_smoke.sh: hvm-bench --smoke, the benchmark's functional check
# (make bench's figures with a few iterations each, once), so that it does
# not rot.  Timing is never judged: one TAP point per figure and backend,
# ok when every exit and value was the expected one.  Run through
# hvm-bench-vm (tools/testvm/bench-vm.sh, installed next to this test),
# which loads Debian's KVM next to hvm.ko for the KVM side and unloads
# what it loaded, as for make bench; without KVM those points skip.
# Installed as test_bench_smoke.  Skips (exit 4) without /dev/hvm or
# hvm-bench.  Variables: HVM_BENCH (default /bin/hvm-bench), HVM_BENCH_VM
# (default: hvm-bench-vm next to this test).

HVM_BENCH=${HVM_BENCH:-/bin/hvm-bench}
HVM_BENCH_VM=${HVM_BENCH_VM:-$(dirname "$0")/hvm-bench-vm}

skip() {
	echo "1..0 # SKIP $*"
	exit 4
}
[ -c /dev/hvm ] || skip "no /dev/hvm"
[ -x "$HVM_BENCH" ] || skip "no hvm-bench ($HVM_BENCH)"
[ -x "$HVM_BENCH_VM" ] || skip "no hvm-bench-vm ($HVM_BENCH_VM)"

out=$(mktemp "${TMPDIR:-/tmp}/bench_smoke.XXXXXX")
HVM_BENCH=$HVM_BENCH "$HVM_BENCH_VM" --smoke --require hvm >"$out" 2>&1
rc=$?
sed 's/^/# /' "$out"

# "ok BACKEND FIGURE", "FAIL BACKEND FIGURE: why", "skip BACKEND: why"
awk -v rc=$rc '
/^ok [^ ]+ [^ ]+$/	{ pt[++n] = "ok " n " - " $2 ": " $3; next }
/^FAIL [^ ]+ [^ ]+:/	{ sub(/^FAIL /, ""); pt[++n] = "not ok " n " - " $0; bad = 1; next }
/^skip [^ ]+:/		{ sub(/^skip /, ""); pt[++n] = "ok " n " - " $0 " # SKIP"; next }
/^# FAIL:/		{ sub(/^# FAIL: /, ""); pt[++n] = "not ok " n " - " $0; bad = 1; next }
END {
	if (rc != 0 && !bad)
		pt[++n] = "not ok " n " - hvm-bench --smoke exited " rc
	print "1.." n
	for (i = 1; i <= n; i++)
		print pt[i]
}' "$out"
rm -f "$out"
[ $rc = 0 ] || exit 1
exit 0
