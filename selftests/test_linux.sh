#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# test_linux.sh: boot an unmodified Linux kernel (Debian's, the test VM's own)
# with hvm-run and check it from inside.  Installed as test_linux_cpus1 and
# test_linux_cpus2 (selftests/Makefile): the number of vCPUs is the name's
# end.  The guest's /init (tools/testvm/guest-init.sh, hvmguest=test) reports
# in "@@@ " lines on the console; this script types into the console (hvm-run's
# stdin, a FIFO) once the guest's shell is up, and checks:
#   the guest reached /init (the time it took is a "# " line, not judged),
#   uname -a, the CPU count in /proc/cpuinfo, the timer (sleep 1 returns,
#   uptime advances), a checksummed workload in tmpfs on every CPU, no bad
#   kernel line (tools/testvm/guest-bad.re, in dmesg and on the console),
#   input typed on the console reaches the shell, and "poweroff -f" ends
#   hvm-run with exit status 0.
# Skips (exit 4) without /dev/hvm (HVM_NO_DEVCHECK=1: no matter), hvm-run
# or the guest kernel.
# Variables: HVM_RUN (default /bin/hvm-run), LINUX_DIR (default /linux:
# vmlinuz, vmlinux, guest.cpio.gz, guest-bad.re, benign.re), LINUX_BOOT
# (bzimage, pvh or off; default: hvmtest_linux= on the kernel command line,
# else bzimage), LINUX_TIMEOUT (seconds to the guest's shell, default 150),
# LINUX_GRACE (seconds more after a bad kernel line, default 30),
# LINUX_APPEND (more guest command line; default: hvmtest_linux_append=),
# LINUX_CPUS (overrides the name), LINUX_MEM (hvm-run -m, default: its own).
# The guest's console is copied into the output as it comes, after "# | ".

# A pipeline fails when any of its commands does (busybox sh in the test
# VM): a grep that cannot read its patterns must not read as "no bad
# line".  greps: grep whose "no match" (1) is success, only an error (2)
# fails.
if (set -o pipefail) 2>/dev/null; then set -o pipefail; fi
greps() { grep "$@"; [ $? -le 1 ]; }

cpus=${LINUX_CPUS:-${0##*_cpus}}
case $cpus in ''|*[!0-9]*) cpus=1 ;; esac
HVM_RUN=${HVM_RUN:-/bin/hvm-run}
LINUX_DIR=${LINUX_DIR:-/linux}
timeout=${LINUX_TIMEOUT:-150}
boot=${LINUX_BOOT:-$(sed -n 's/.*hvmtest_linux=\([a-z]*\).*/\1/p' /proc/cmdline)}
boot=${boot:-bzimage}
initrd=$LINUX_DIR/guest.cpio.gz

skip() {
	echo "1..0 # SKIP $*"
	exit 4
}
case $boot in
pvh)	kernel=$LINUX_DIR/vmlinux ;;
off)	skip "hvmtest_linux=off (make check LINUX_BOOT=bzimage or pvh runs it)" ;;
*)	kernel=$LINUX_DIR/vmlinuz ;;
esac
[ -c /dev/hvm ] || [ -n "${HVM_NO_DEVCHECK:-}" ] || skip "no /dev/hvm"
[ -x "$HVM_RUN" ] || skip "no hvm-run ($HVM_RUN)"
[ -f "$kernel" ] || skip "no guest kernel $kernel"
[ -f "$initrd" ] || skip "no guest initramfs $initrd"

trap '' PIPE	# hvm-run may be gone when we type
n=0 failed=0
point() {	# point OK DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 1 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=1
	fi
}
up() { cut -d' ' -f1 /proc/uptime; }
# Seconds (2 decimals) from $1 to $2 (/proc/uptime values).
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

work=$(mktemp -d "${TMPDIR:-/tmp}/test_linux.XXXXXX")
out=$work/console
fifo=$work/stdin
mkfifo "$fifo"
: >"$out"
# The kernel lines that fail the test (and those that do not).
patterns() {	# the problem patterns of file $1, no comments or blank lines
	grep -v -E '^[[:space:]]*(#|$)' "$1"
}
patterns "$LINUX_DIR/guest-bad.re" >"$work/bad.re"
patterns "$LINUX_DIR/benign.re" >"$work/benign.re"
# A host whose own TSCs Linux calls unsynchronized (an AMD CPU without an
# invariant TSC and with more than one CPU, as QEMU's TCG EPYC: Linux
# assumes several sockets) hands that on: hvm offers the invariant TSC
# only where the host has it.  Only then, and only for that reason, the
# guest's line is excused.
unsync="Marking TSC unstable due to TSCs unsynchronized"
! dmesg 2>/dev/null | grep -q "$unsync" || echo "$unsync" >>"$work/benign.re"
# Without an invariant TSC to pass on (and TSC_ADJUST, which hvm always
# offers), the guest runs the clocksource watchdog on its TSC.  Until the
# ACPI PM timer registers, that watchdog counts jiffies, which fall behind
# whenever the test VM's emulator leaves the nested guest no CPU for longer
# than a tick (QEMU's TCG runs its CPUs in turn): a skew against jiffies
# says nothing about the TSC hvm gives.  Excused on such hosts only, and
# only against jiffies (checked at the end); against a real clock it fails.
wdskew="Marking clocksource 'tsc-early' as unstable because the skew is too large"
wdmark="tsc: Marking TSC unstable due to clocksource watchdog"
if ! grep -q -w constant_tsc /proc/cpuinfo; then
	echo "$wdskew" >>"$work/benign.re"
	echo "$wdmark" >>"$work/benign.re"
fi
console_bad() {	# the bad kernel lines on the console
	tr -d '\r' <"$out" | greps -v '@@@ ' | greps -E -f "$work/bad.re" |
		greps -v -E -f "$work/benign.re"
}
# More guest command line from the test VM's: hvmtest_linux_append=a=1+b
# (+ for spaces), or LINUX_APPEND.
append=${LINUX_APPEND:-$(sed -n 's/.*hvmtest_linux_append=\([^ ]*\).*/\1/p' /proc/cmdline | tr + ' ')}
cmdline="console=ttyS0 loglevel=5 printk.time=1 panic=-1 hvmguest=test${append:+ $append}"
set -- "$HVM_RUN" ${LINUX_MEM:+-m "$LINUX_MEM"} --cpus "$cpus" \
	--kernel "$kernel" --initrd "$initrd" --cmdline "$cmdline"
echo "1..8"
echo "# $*"
t0=$(up)
(
	"$@" <"$fifo" >"$out" 2>"$work/stderr" &
	echo $! >"$work/pid"
	wait $!
	echo $? >"$work/rc"
) 2>/dev/null &	# (not the shell's "Killed")
exec 3>"$fifo"	# hvm-run's stdin: the guest's console input

# The guest's console goes into this test's output as it comes (a guest
# that hangs, or a test VM killed at its time limit, still shows how far it
# got): its complete lines after "# | ", at most the first 300 (the rest at
# the end: the last 100 when there were more than 400), its kernel time
# stamps written ( 1.234) instead of [ 1.234] so that the test VM's log
# parser does not take them for its own kernel's lines.
shown=0
clean() {	# guest output fit for this test's own output (see above)
	tr -d '\r' | sed -e 's/###/#/g' -e 's/\[\( *[0-9]*\.[0-9]*\)\]/(\1)/g'
}
quote() {
	clean | sed 's/^/# | /'
}
console() {	# console FROM TO: print those lines
	sed -n "$1,$2p" "$out" | quote
}
show() {	# the new complete lines, up to line 300
	total=$(wc -l <"$out")
	[ "$total" -gt 300 ] && total=300
	[ "$total" -gt "$shown" ] || return 0
	console $((shown + 1)) "$total"
	shown=$total
}
show_rest() {
	total=$(wc -l <"$out")
	if [ "$total" -gt 400 ]; then
		echo "# | ... $((total - 400)) lines left out ..."
		shown=$((total - 100))
	fi
	[ "$total" -le "$shown" ] || console $((shown + 1)) "$total"
	# An unfinished last line.
	! tail -c 1 "$out" | grep -q . || { tail -n 1 "$out"; echo; } | quote
	echo "# ---- end of the guest's console ----"
}

# wait_for TEXT SECONDS [boot]: until the console shows TEXT (0), hvm-run
# ended or the time is up (1; TEXT "": 0 if hvm-run ended).  Sets $t_seen
# to the uptime it was seen at.  Notes when the guest printed its first
# line ($t_first) and its first bad kernel line ($t_bad): from then on a
# boot wait has LINUX_GRACE seconds (default 30) more, the test fails anyway.
t_first= t_bad=
grace=${LINUX_GRACE:-30}
wait_for() {
	end=$(awk -v t="$(up)" -v s="$2" 'BEGIN { print t + s }')
	while :; do
		show
		[ -n "$t_first" ] || [ "$shown" = 0 ] || t_first=$(up)
		if [ -z "$t_bad" ] && [ -n "$(console_bad)" ]; then
			t_bad=$(up)
			echo "# a bad kernel line on the guest's console: the boot gets $grace s more at the most"
		fi
		[ -z "$t_bad" ] || [ "${3:-}" != boot ] || end=$(awk -v e="$end" -v t="$t_bad" -v g="$grace" \
			'BEGIN { print (t + g < e ? t + g : e) }')
		if [ -n "$1" ] && grep -q -F -- "$1" "$out"; then
			t_seen=$(up)
			return 0
		fi
		if [ -f "$work/rc" ]; then
			[ -z "$1" ] || return 1
			return 0
		fi
		awk -v t="$(up)" -v e="$end" 'BEGIN { exit !(t < e) }' || return 1
		sleep 0.2
	done
}
# marker NAME: the rest of the console's first "@@@ NAME " line.
marker() {
	clean <"$out" | sed -n "s/.*@@@ $1 //p" | head -n 1
}
field() {	# field KEY LINE: the value of KEY=value in LINE
	echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1
}

echo "# ---- the guest's console ----"
shell=0 typed=0
if wait_for "@@@ INIT " "$timeout" boot; then
	t_init=$t_seen
	wait_for "@@@ SHELL " "$timeout" boot && shell=1
fi
if [ $shell = 1 ]; then
	# What a user types: the shell must evaluate it.
	echo 'echo typed-$((6*7))' >&3
	wait_for "typed-42" 60 && tr -d '\r' <"$out" | grep -q '^typed-42$' && typed=1
	t_off=$(up)
	echo 'poweroff -f' >&3
	wait_for "" 60
fi
if [ ! -f "$work/rc" ]; then
	# SIGKILL, and wait until it is gone (its /dev/hvm files closed:
	# the test VM unloads hvm.ko next).
	echo "# hvm-run still running: killed"
	kill -KILL "$(cat "$work/pid")" 2>/dev/null
	wait_for "" 60 || echo "# hvm-run did not exit within 60 s of SIGKILL"
fi
exec 3>&-
t_end=$(up)
show_rest
[ ! -s "$work/stderr" ] || sed 's/^/# hvm-run stderr: /' "$work/stderr"
rc=$(cat "$work/rc" 2>/dev/null)

init=$(marker INIT)
point "$([ -n "$init" ] && echo 1)" "the guest ($boot, $cpus vCPU) reached /init"
[ -z "$t_first" ] || echo "# linux boot ($boot, $cpus vCPU): first console line after" \
	"$(secs "$t0" "$t_first") s (test VM clock)"
if [ -n "$init" ]; then
	echo "# linux boot ($boot, $cpus vCPU): /init after $(secs "$t0" "$t_init") s" \
		"(test VM clock; guest uptime $(field uptime "$init") s)"
fi

uname=$(marker UNAME)
echo "# guest uname -a: $uname"
kver=$(cat "$LINUX_DIR/kver" 2>/dev/null || uname -r)
point "$(case $uname in "Linux "*" $kver "*) echo 1 ;; esac)" \
	"uname -a in the guest shows Linux $kver"

c=$(marker CPUS)
echo "# guest CPUs: $c"
point "$([ "$(field cpuinfo "$c")" = "$cpus" ] && [ "$(field nproc "$c")" = "$cpus" ] && echo 1)" \
	"/proc/cpuinfo and nproc show $cpus CPU(s)"

s=$(marker SLEEP)
tmr=0
if [ -n "$s" ]; then
	d=$(secs "$(field before "$s")" "$(field after "$s")")
	echo "# guest uptime before and after sleep 1: $s ($d s)"
	[ "$(field rc "$s")" = 0 ] && awk -v d="$d" 'BEGIN { exit !(d >= 1 && d < 30) }' && tmr=1
fi
clean <"$out" | sed -n 's/.*@@@ TICKS /# guest timer interrupts: /p'
point $tmr "the timer ticks: sleep 1 returns, uptime advances by 1-30 s"

w=$(marker WORKLOAD)
echo "# guest workload: $w"
point "$([ -n "$w" ] && [ "$(field bad "$w")" = 0 ] && [ "$(field jobs "$w")" = "$cpus" ] && echo 1)" \
	"a file written in tmpfs has the expected sha256, on every CPU at once"

off=0
[ $shell = 1 ] && [ "$rc" = 0 ] && off=1
[ -z "${t_off:-}" ] || echo "# poweroff -f to hvm-run's exit: $(secs "$t_off" "$t_end") s"

# Bad kernel lines: the guest's own dmesg check and the whole console,
# each once (a warning is on the console and in dmesg).
{
	console_bad || echo "(the console could not be searched: grep failed)"
	tr -d '\r' <"$out" | sed -n 's/.*@@@ DMESG-BAD //p' | greps -v -E -f "$work/benign.re" ||
		echo "(the guest's dmesg check could not be read: grep failed)"
} | awk '!seen[$0]++' >"$work/badlines" || echo "(bad-line check failed)" >>"$work/badlines"
dm=$(marker DMESG-CHECKED)
echo "# guest dmesg check: $dm"
! grep -q -F "$unsync" "$work/benign.re" || ! grep -q -F "$unsync" "$out" ||
	echo "# not counted: \"$unsync\": so are this test VM's own"
if grep -q -F "$wdskew" "$work/benign.re" && tr -d '\r' <"$out" | grep -q -F "$wdskew"; then
	if tr -d '\r' <"$out" | grep -q -E "'(refined-)?jiffies' wd_nsec"; then
		echo "# not counted: the TSC watchdog's skew against jiffies (this test VM has no invariant TSC to pass on)"
	else
		echo "$wdskew (against a real clock)" >>"$work/badlines"
	fi
fi
clean <"$work/badlines" | sed 's/^/# bad kernel line: /'
# The guest's dmesg check must have run; its finds are in $badlines.
point "$([ -n "$dm" ] && [ ! -s "$work/badlines" ] && echo 1)" \
	"no unchecked MSR access, timer or TSC problem, WARN or panic in the guest's kernel log"
point $typed "input typed on the console reaches the guest's shell (typed-42)"
point $off "poweroff -f ends hvm-run with exit status 0 (status ${rc:-none})"

rm -rf "$work"
exit $failed
