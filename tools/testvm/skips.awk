#!/usr/bin/awk -f
# SPDX-License-Identifier: GPL-2.0
# skips.awk: judge one test VM's skips against its committed list.
#   awk -v vm=EPYC -v list=tools/testvm/skips/EPYC.txt -v extra='a|b' \
#       -f skips.awk build/testvm/EPYC.tap
# Reads the VM's result lines (parse.awk's output).  A skip is a line
# "ok - VM: KEY # SKIP reason"; KEY is "TEST: DESCRIPTION" for a test point
# and "TEST" alone for a binary that skipped as a whole (exit 4).
# The list (Documentation/testing.rst, "Expected skips"): one KEY a line,
# matched exactly, or, when it ends in "*", as a prefix; blank lines and
# "#" comments are ignored.  extra: more KEYs ("|"-separated) that the
# harness itself made skip in this VM (the Linux guest turned off).
# Prints "not ok - VM: unexpected skip: KEY (reason)" for each skip that no
# entry matches, then one "ok" line when there was none; an entry whose
# test ran here but matched no skip is a "#   expected skip did not skip"
# diagnostic (the test now runs: delete the line).  Without a list (list
# empty or missing) the skips are only counted: "# skips not judged".
# POSIX awk (Debian's mawk).

function entry(s) {
	sub(/^[ \t]+/, "", s)
	sub(/[ \t]+$/, "", s)
	if (s == "" || s ~ /^#/)
		return
	ent[++nent] = s
}

function matches(e, key) {
	if (e ~ /\*$/)
		return substr(key, 1, length(e) - 1) == substr(e, 1, length(e) - 1)
	return key == e
}

# The test an entry or key belongs to: up to its first ": ".
function test_of(s,    p) {
	p = index(s, ": ")
	s = p ? substr(s, 1, p - 1) : s
	sub(/\*$/, "", s)
	return s
}

BEGIN {
	prefix = "ok - " vm ": "
	nent = 0
	havelist = 0
	if (list != "" && (getline line < list) >= 0) {
		havelist = 1
		close(list)
		while ((getline line < list) > 0)
			entry(line)
		close(list)
	}
	nextra = split(extra, ex, "|")
	for (i = 1; i <= nextra; i++)
		entry(ex[i])
	nskip = nbad = 0
}

# The tests that ran in this VM: every result line that names one.
index($0, vm ": ") {
	rest = $0
	sub(/^(not )?ok - /, "", rest)
	if (substr(rest, 1, length(vm) + 2) == vm ": ") {
		rest = substr(rest, length(vm) + 3)
		if (rest ~ /^[^ :#]+: /)
			ran[substr(rest, 1, index(rest, ": ") - 1)] = 1
		else if (rest ~ /^[^ :#]+ # SKIP/)
			ran[substr(rest, 1, index(rest, " # SKIP") - 1)] = 1
	}
}

substr($0, 1, length(prefix)) == prefix && index($0, " # SKIP") {
	rest = substr($0, length(prefix) + 1)
	p = index(rest, " # SKIP")
	key = substr(rest, 1, p - 1)
	why = substr(rest, p + 7)
	sub(/^[ \t:]+/, "", why)
	nskip++
	if (!havelist)
		next
	found = 0
	for (i = 1; i <= nent; i++)
		if (matches(ent[i], key)) { used[i]++; found = 1 }
	if (!found) {
		nbad++
		print "not ok - " vm ": unexpected skip: " key (why != "" ? " (" why ")" : "")
	}
}

END {
	if (!havelist) {
		print "# " vm ": " nskip " skips not judged: no expected-skip list" (list != "" ? " " list : "")
		exit 0
	}
	if (nbad == 0)
		print "ok - " vm ": every skip is expected (" nskip " skips; " list ")"
	else
		print "#   " nbad " unexpected skips: expected ones are listed in " list
	base = list
	sub(/.*\//, "", base)
	for (i = 1; i <= nent; i++)
		if (!used[i] && (test_of(ent[i]) in ran))
			print "#   expected skip did not skip (" vm ", delete it from skips/" base "?): " ent[i]
}
