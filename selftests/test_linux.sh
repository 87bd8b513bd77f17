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
# LINUX_CPUS (overrides the name), LINUX_MEM (hvm-run -m, default: its own).

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
off)	skip "not in this test VM (hvmtest_linux=off: too slow here)" ;;
*)	kernel=$LINUX_DIR/vmlinuz ;;
esac
[ -c /dev/hvm ] || [ -n "${HVM_NO_DEVCHECK:-}" ] || skip "no /dev/hvm"
[ -x "$HVM_RUN" ] || skip "no hvm-run ($HVM_RUN)"
[ -f "$kernel" ] || skip "no guest kernel $kernel"
[ -f "$initrd" ] || skip "no guest initramfs $initrd"

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
cmdline="console=ttyS0 loglevel=5 printk.time=1 panic=-1 hvmguest=test"
set -- "$HVM_RUN" ${LINUX_MEM:+-m "$LINUX_MEM"} --cpus "$cpus" \
	--kernel "$kernel" --initrd "$initrd" --cmdline "$cmdline"
echo "1..8"
echo "# $*"
t0=$(up)
(
	"$@" <"$fifo" >"$out" 2>"$work/stderr"
	echo $? >"$work/rc"
) &
runner=$!
exec 3>"$fifo"	# hvm-run's stdin: the guest's console input

# wait_for TEXT SECONDS: until the console shows TEXT (0), hvm-run ended or
# the time is up (1).  Sets $t_seen to the uptime it was seen at.
wait_for() {
	end=$(awk -v t="$(up)" -v s="$2" 'BEGIN { print t + s }')
	while :; do
		if grep -q -F -- "$1" "$out"; then
			t_seen=$(up)
			return 0
		fi
		[ ! -f "$work/rc" ] || return 1
		awk -v t="$(up)" -v e="$end" 'BEGIN { exit !(t < e) }' || return 1
		sleep 0.2
	done
}
# marker NAME: the rest of the console's first "@@@ NAME " line.
marker() {
	tr -d '\r' <"$out" | sed -n "s/.*@@@ $1 //p" | head -n 1
}
field() {	# field KEY LINE: the value of KEY=value in LINE
	echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1
}

shell=0
if wait_for "@@@ INIT " "$timeout"; then
	t_init=$t_seen
	wait_for "@@@ SHELL " "$timeout" && shell=1
fi

init=$(marker INIT)
point "$([ -n "$init" ] && echo 1)" "the guest ($boot, $cpus vCPU) reached /init"
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
tr -d '\r' <"$out" | sed -n 's/.*@@@ TICKS /# guest timer interrupts: /p'
point $tmr "the timer ticks: sleep 1 returns, uptime advances by 1-30 s"

w=$(marker WORKLOAD)
echo "# guest workload: $w"
point "$([ -n "$w" ] && [ "$(field bad "$w")" = 0 ] && [ "$(field jobs "$w")" = "$cpus" ] && echo 1)" \
	"a file written in tmpfs has the expected sha256, on every CPU at once"

typed=0
if [ $shell = 1 ]; then
	# What a user types: the shell must evaluate it.
	echo 'echo typed-$((6*7))' >&3
	wait_for "typed-42" 60 && tr -d '\r' <"$out" | grep -q '^typed-42$' && typed=1
fi

off=0
rc=
if [ $shell = 1 ]; then
	t_off=$(up)
	echo 'poweroff -f' >&3
	i=0
	while [ ! -f "$work/rc" ] && [ $i -lt 300 ]; do sleep 0.2; i=$((i + 1)); done
fi
if [ ! -f "$work/rc" ]; then
	echo "# hvm-run still running: killed"
	pkill -KILL -P $runner 2>/dev/null
	kill -KILL $runner 2>/dev/null
fi
exec 3>&-
wait $runner 2>/dev/null
rc=$(cat "$work/rc" 2>/dev/null)
[ $shell = 1 ] && [ "$rc" = 0 ] && off=1
[ -z "${t_off:-}" ] || echo "# poweroff -f to hvm-run's exit: $(secs "$t_off" "$(up)") s"

# Bad kernel lines: the guest's own dmesg check and the whole console.
patterns() {	# the problem patterns of file $1, no comments or blank lines
	grep -v -E '^[[:space:]]*(#|$)' "$1"
}
patterns "$LINUX_DIR/guest-bad.re" >"$work/bad.re"
patterns "$LINUX_DIR/benign.re" >"$work/benign.re"
tr -d '\r' <"$out" | grep -v '@@@ ' | grep -E -f "$work/bad.re" |
	grep -v -E -f "$work/benign.re" >"$work/badlines"
tr -d '\r' <"$out" | sed -n 's/.*@@@ DMESG-BAD //p' >>"$work/badlines"
# Once each (a warning is on the console and in dmesg).
awk '!seen[$0]++' "$work/badlines" >"$work/badlines.new"
mv "$work/badlines.new" "$work/badlines"
dm=$(marker DMESG-CHECKED)
echo "# guest dmesg check: $dm"
# A host whose own TSCs are unsynchronized (QEMU's TCG gives each CPU its
# own) hands that on: the guest's vCPUs read the host CPU's TSC plus one
# offset.  Only then, and only for that reason, the guest's line is excused.
unsync="Marking TSC unstable due to TSCs unsynchronized"
excused=0
if dmesg 2>/dev/null | grep -q "$unsync"; then
	excused=$(grep -c "$unsync" "$work/badlines")
	grep -v "$unsync" "$work/badlines" >"$work/badlines.new"
	mv "$work/badlines.new" "$work/badlines"
	[ "$excused" = 0 ] || echo "# not counted: \"$unsync\" ($excused lines): so are this test VM's own"
fi
sed 's/^/# bad kernel line: /' "$work/badlines" | sed 's/\[\( *[0-9]*\.[0-9]*\)\]/(\1)/g'
# The guest's dmesg check must have run; its finds are in $badlines.
point "$([ -n "$dm" ] && [ ! -s "$work/badlines" ] && echo 1)" \
	"no unchecked MSR access, timer or TSC problem, WARN or panic in the guest's kernel log"
point $typed "input typed on the console reaches the guest's shell (typed-42)"
point $off "poweroff -f ends hvm-run with exit status 0 (status ${rc:-none})"

# The guest's console, for the log: its kernel time stamps in () rather
# than [] so that the test VM's log parser does not take them for its own
# kernel's lines.
# A guest stuck in a fault loop prints without end: its first 300 and last
# 100 lines then.
echo "# ---- guest console ----"
tr -d '\r' <"$out" | sed -e 's/\[\( *[0-9]*\.[0-9]*\)\]/(\1)/g' \
	-e 's/###/#/g' -e 's/^/# | /' | awk '
	{ line[NR] = $0 }
	END {
		for (i = 1; i <= NR; i++) {
			if (NR > 400 && i == 301)
				print "# | ... " NR - 400 " lines left out ..."
			if (NR <= 400 || i <= 300 || i > NR - 100)
				print line[i]
		}
	}'
[ ! -s "$work/stderr" ] || sed 's/^/# hvm-run stderr: /' "$work/stderr"
rm -rf "$work"
exit $failed
