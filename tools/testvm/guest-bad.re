# Lines of the Linux guest's kernel log that show hvm (or hvm-run) did
# something wrong: one extended regular expression per line (# = comment).
# The guest's /init greps its dmesg with them (tools/testvm/guest-init.sh)
# and selftests/test_linux.sh its whole console output.  Harmless lines
# that match are listed in benign.re.
unchecked MSR access
timer doesn't work
TSC.*unstable|unstable.*TSC|[Cc]locksource.*unstable
WARNING:|BUG:|Oops|general protection fault|kernel BUG|Call Trace:
Kernel panic|not syncing
rcu_sched self-detected stall|RCU stall|rcu: INFO|soft lockup|hard LOCKUP
INFO: task .* blocked for more than
UBSAN:|list_add corruption|list_del corruption|refcount_t:
