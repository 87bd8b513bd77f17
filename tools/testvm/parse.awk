#!/usr/bin/awk -f
# SPDX-License-Identifier: GPL-2.0
# parse.awk: judge one test VM's serial log (written by init.sh's markers).
#   RUN_EXPECT=text awk -v vm=EPYC -v qrc=0 -v benign=benign.re -f parse.awk LOG
# qrc: the emulator's exit status (124/137: killed at the timeout); emu: its
# name in the messages (default QEMU).
# Prints one TAP-ish line per result, "ok - VM: what" / "not ok - VM: what"
# (a skipped test point keeps its "# SKIP reason"), plus "#" diagnostics.
# Counted: every selftest TAP point, one line per selftest binary (plan
# complete, exit status, timeout), the demo guest "hvm-run-demo" (exit 0
# and $RUN_EXPECT in its output) and the harness checks (booted, insmod,
# /dev/hvm, rmmod, no kernel problems, taint, clean power-off).
# POSIX awk (Debian's mawk): no gensub, no bitwise functions.

function result(okay, what) {
	print (okay ? "ok" : "not ok") " - " vm ": " what
}

function note(s) {
	print "#   " s
}

# The kernel problems looked for in the whole log.  The debug kernel's
# reports (make check-debug) start with WARNING: or BUG: too (lockdep's
# "possible circular locking dependency", "inconsistent lock state",
# "suspicious RCU usage", "Invalid wait context"; "BUG: KASAN:", "BUG:
# KFENCE:", "BUG: sleeping function called from invalid context", "BUG:
# using smp_processor_id() in preemptible"); their own words are listed as
# well, for a report whose first line was lost.
function problem(s) {
	return s ~ /WARNING:|BUG:|Oops|general protection fault|kernel BUG|Call Trace:|Kernel panic|rcu_sched self-detected stall|RCU stall|rcu: INFO|INFO: task .* blocked for more than|unreferenced object|UBSAN:|KASAN:|KFENCE:|soft lockup|hard LOCKUP|list_add corruption|list_del corruption|list_add_valid|list_del_entry_valid|refcount_t:|stack-protector|DEBUG_LOCKS_WARN_ON|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|Invalid wait context|sleeping function called from invalid context|scheduling while atomic|bad unlock balance|held lock freed|lock held when returning to user space|MAX_[A-Z_]* too low/
}

function is_benign(s,    i) {
	for (i = 1; i <= nbenign; i++)
		if (s ~ benign_re[i])
			return 1
	return 0
}

# Bitwise AND (mawk has no and()).
function band(a, b,    r, bit) {
	r = 0; bit = 1
	while (a > 0 && b > 0) {
		if (a % 2 == 1 && b % 2 == 1) r += bit
		a = int(a / 2); b = int(b / 2); bit *= 2
	}
	return r
}

# Taint bits other than O (12, out-of-tree) and E (13, unsigned) fail.
function bad_taint(t,    bit, letters, bad) {
	letters = "PFSRMBUDAWCIOELKXT"
	bad = ""
	for (bit = 0; t > 0; bit++) {
		if (t % 2 == 1 && bit != 12 && bit != 13)
			bad = bad (bit < 18 ? substr(letters, bit + 1, 1) : "bit" bit) " "
		t = int(t / 2)
	}
	return bad
}

BEGIN {
	nbenign = 0
	if (benign != "") {
		while ((getline line < benign) > 0)
			if (line !~ /^[ \t]*(#|$)/)
				benign_re[++nbenign] = line
		close(benign)
	}
	expect = ENVIRON["RUN_EXPECT"]
	if (emu == "") emu = "QEMU"
	started = done = 0
	insmod = devnode = rmmod = taint = ""
	taint_before = 0; bootlog = 0; nbootprob = 0
	boot_ok = ENVIRON["BOOT_PROBLEMS_OK"]
	ntests = 0; cur = ""; nprob = 0; skiptests = 0
}

{
	sub(/\r+$/, "")
	gsub(/\r/, "")
	line = $0
	p = index(line, "### ")
	if (p > 0) {
		# A marker, possibly after BIOS escape codes or a kernel line's end.
		m = substr(line, p + 4)
		split(m, f, " ")
		if (f[1] == "HVM-HARNESS" && f[2] == "START") started = 1
		else if (f[1] == "HVM-HARNESS" && f[2] == "DONE") done = 1
		else if (f[1] == "INSMOD") insmod = substr(f[2], 4)
		else if (f[1] == "DEVNODE") devnode = f[2]
		else if (f[1] == "RMMOD") rmmod = substr(f[2], 4)
		else if (f[1] == "TAINT") taint = f[2]
		else if (f[1] == "TAINT-BEFORE") taint_before = f[2] + 0
		else if (f[1] == "BOOT-DMESG") bootlog = (f[2] == "BEGIN")
		else if (f[1] == "SKIPTESTS") skiptests = 1
		else if (f[1] == "TEST") {
			if (!(f[2] in idx)) { idx[f[2]] = ++ntests; name[ntests] = f[2] }
		} else if (f[1] == "BEGIN" && f[2] != "") {
			if (!(f[2] in idx)) { idx[f[2]] = ++ntests; name[ntests] = f[2] }
			cur = f[2]; began[cur] = 1; plan[cur] = -1; npoints[cur] = 0; nfail[cur] = 0
		} else if (f[1] == "END" && f[2] in idx) {
			ended[f[2]] = 1; rc[f[2]] = substr(f[3], 4); cur = ""
		} else if (f[1] == "TIMEOUT") timedout[f[2]] = 1
		next
	}
	if (cur != "") {
		# kselftest TAP from the current binary; indented (nested) lines are not counted.
		out[cur] = out[cur] line "\n"
		if (line ~ /^(not )?ok( |$)/) {
			npoints[cur]++
			okay = (line ~ /^ok/)
			d = line
			sub(/^(not )?ok[ \t]*[0-9]*[ \t]*(-[ \t]*)?/, "", d)
			if (!okay && d ~ /# *(SKIP|skip|TODO|todo)/) okay = 1
			if (!okay) nfail[cur]++
			points[cur, npoints[cur]] = (okay ? "ok" : "not ok") " - " vm ": " cur ": " d
			next
		}
		if (line ~ /^1\.\.[0-9]+/) { s = line; sub(/^1\.\./, "", s); plan[cur] = s + 0; next }
		if (line ~ /^Bail out!/) { bailed[cur] = 1; next }
		# Inside a test's section only kernel lines (they carry printk's
		# "[   12.345678]" time stamp, even mid-line) are searched: what
		# the test or its guest prints is not a kernel problem.
		if (line !~ /\[ *[0-9]+\.[0-9]+\]/) next
	}
	if (problem(line) && !is_benign(line)) {
		# Before /init started, or in its copy of the boot log: the
		# kernel's own boot, before hvm.ko was loaded.
		if (!started || bootlog) {
			if (nbootprob < 10) bootproblems[++nbootprob] = FNR ": " line
			else nbootprob++
		} else if (nprob < 10) problems[++nprob] = FNR ": " line
		else nprob++
	}
}

END {
	result(started, "VM booted to /init")
	if (started) {
		result(insmod == "0", "insmod hvm.ko" (insmod == "0" ? "" : " failed (rc=" (insmod == "" ? "none" : insmod) ")"))
		if (insmod == "0")
			result(devnode == "ok", "/dev/hvm exists")
	}
	for (i = 1; i <= ntests; i++) {
		t = name[i]
		if (t == "hvm-run-demo") {
			# The demo guest's output is not TAP: exit status and text decide.
			ran = ended[t] && !timedout[t]
			result(ran && rc[t] == "0", "demo guest: hvm-run exit " (ran ? rc[t] : (timedout[t] ? "timed out" : "? (VM died)")))
			if (expect != "")
				result(index(out[t], expect) > 0, "demo guest printed \"" expect "\"")
			continue
		}
		if (!began[t]) { result(0, t ": never ran (VM died before it)"); continue }
		for (j = 1; j <= npoints[t]; j++) print points[t, j]
		why = ""
		if (!ended[t]) why = "no END marker (VM died or hung)"
		else if (timedout[t]) why = "timed out"
		else if (bailed[t]) why = "bailed out"
		else if (rc[t] == "4" && nfail[t] == 0) why = "SKIP"
		else if (plan[t] < 0) why = "no TAP plan"
		else if (npoints[t] != plan[t]) why = "plan 1.." plan[t] " but " npoints[t] " test points"
		else if (rc[t] != "0" && nfail[t] == 0) why = "exit status " rc[t] " with no failed test point"
		desc = t ": exit " (ended[t] ? rc[t] : "?") ", " npoints[t] "/" (plan[t] < 0 ? "?" : plan[t]) " test points"
		if (why == "SKIP") print "ok - " vm ": " desc " # SKIP whole binary (exit 4)"
		else result(why == "", desc (why == "" ? "" : ": " why))
		if (why != "" && why != "SKIP" && npoints[t] == 0) {
			# Show what it printed, to save a trip to the log.
			n = split(out[t], o, "\n")
			for (k = (n > 12 ? n - 11 : 1); k <= n; k++) if (o[k] != "") note(t ": " o[k])
		}
	}
	if (started && insmod == "0")
		result(rmmod == "0", "rmmod hvm" (rmmod == "0" ? "" : " failed (rc=" (rmmod == "" ? "none" : rmmod) ")"))
	if (nbootprob && boot_ok != "")
		print "ok - " vm ": kernel problems at boot, before hvm.ko was loaded: " nbootprob " lines, known for this model: " boot_ok
	else
		result(nbootprob == 0, "no kernel problems at boot" (nbootprob ? " (" nbootprob " lines, before hvm.ko was loaded)" : ""))
	for (i = 1; i <= nbootprob && i <= 10; i++) note("log line " bootproblems[i])
	result(nprob == 0, "no kernel warnings, BUGs, oopses, stalls or leaks" (nprob ? " (" nprob " lines)" : ""))
	for (i = 1; i <= nprob && i <= 10; i++) note("log line " problems[i])
	if (taint == "") result(0, "kernel taint not reported")
	else {
		# Flags the boot set (allowed boot problems above) are not ours.
		t = taint + 0
		if (boot_ok != "")
			t = t - band(t, taint_before)
		bad = bad_taint(t)
		result(bad == "", "kernel taint " taint (bad == "" ? " (only O/E: out-of-tree, unsigned" (t != taint + 0 ? "; " (taint + 0 - t) " set at boot" : "") ")" : ": bad flags " bad))
	}
	if (qrc == "124" || qrc == "137")
		result(0, "VM powered off: no, killed at the host's timeout")
	else
		result(done && qrc == "0", "VM powered off cleanly" (done ? "" : ": no DONE marker") (qrc == "0" ? "" : ", " emu " exit " qrc))
}
