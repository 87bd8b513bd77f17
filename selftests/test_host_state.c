// SPDX-License-Identifier: GPL-2.0
/*
 * Selftests: the host state hvm switches around guest entries is the
 * host's own again after HVM_RUN: the TLS (FS base) and the LDT, also
 * when another thread installs or replaces the LDT (modify_ldt) while
 * the vCPU thread is inside HVM_RUN taking exits in the kernel.  On SVM
 * the world switch restores FS, GS, TR and LDTR with VMLOAD from state
 * saved once per load: a stale LDT there would survive into user space.
 * On VMX every exit loads a null LDTR (SDM 27.5.2): the LDT must be
 * back before user space runs.
 */
#include <asm/ldt.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "child.h"
#include "guest_c.h"
#include "test.h"

#define ROUNDS		200	/* HVM_RUNs, each 2000 in-kernel exits */
#define LDT_ENTRIES_MAX	8192

/* CPUID exits in the kernel, then an exit to user space, for ever. */
static void guest_cpuid_loop(void)
{
	__u32 a, b, c, d;
	int i;

	for (;;) {
		for (i = 0; i < 2000; i++)
			cpuid(0, 0, &a, &b, &c, &d);
		guest_report(a);
	}
}

/* LDT entry @n: a data segment (the table grows to n + 1 entries). */
static int set_ldt_entry(unsigned int n)
{
	struct user_desc d = {
		.entry_number = n, .base_addr = 0, .limit = 0xfffff,
		.seg_32bit = 1, .contents = 0, .limit_in_pages = 1,
		.useable = 1,
	};

	return syscall(SYS_modify_ldt, 1, &d, sizeof(d));
}

/* Whether the CPU's LDTR reaches LDT entry @n: LSL of its selector
 * succeeds only within the LDT limit LDTR holds, whatever the memory
 * behind an old LDT holds now. */
static bool ldt_reaches(unsigned int n)
{
	unsigned int limit = 0, sel = n << 3 | 7;	/* TI = 1, RPL 3 */
	unsigned char ok;

	/* 32-bit operands: the REX.W form read no limit here */
	asm volatile("lsl %2, %0\n\tsetz %1" : "+r"(limit), "=q"(ok) : "r"(sel) : "cc");
	return ok;
}

static atomic_uint ldt_top;	/* the last entry installed */
static atomic_bool ldt_stop;
static int ldt_errno;

/* The calling thread on host CPU @cpu only; 0 or an errno. */
static int pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? errno : 0;
}

/* On the other CPU: each modify_ldt() installs a bigger LDT and reaches
 * the vCPU's CPU by IPI. */
static void *ldt_changer(void *arg)
{
	unsigned int n;

	ldt_errno = pin_to(*(int *)arg);
	if (ldt_errno)
		return NULL;
	for (n = 1; !atomic_load(&ldt_stop) && n < LDT_ENTRIES_MAX; n++) {
		if (set_ldt_entry(n)) {
			ldt_errno = errno;
			break;
		}
		atomic_store(&ldt_top, n);
	}
	return NULL;
}

static __thread int tls_canary = 0x5a5a;

static enum test_result test_ldt_changed_during_run(void)
{
	unsigned int i, top = 0, stale = 0;
	cpu_set_t saved;
	int other = 1;
	pthread_t thread;
	struct ucall uc;
	struct tvm t;
	int r;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return test_skip("one host CPU: the LDT change would not come by IPI");
	if (set_ldt_entry(0))
		return test_skip("modify_ldt: %s (kernel without it?)", strerror(errno));
	TEST_ASSERT(ldt_reaches(0) && !ldt_reaches(1), "LSL does not follow the LDT");
	TEST_ASSERT_ERRNO(!sched_getaffinity(0, sizeof(saved), &saved), "sched_getaffinity");
	r = pin_to(0);
	TEST_ASSERT(!r, "pinning to CPU 0: %s", strerror(r));
	atomic_store(&ldt_top, 0);
	atomic_store(&ldt_stop, false);
	TVM_CREATE_C(&t, guest_cpuid_loop);
	r = pthread_create(&thread, NULL, ldt_changer, &other);
	TEST_ASSERT(!r, "pthread_create: %s", strerror(r));
	for (i = 0; i < ROUNDS && !stale; i++) {
		r = ucall_run(t.vcpu, &uc);
		if (r != UCALL_REPORT)
			break;
		/* installed before this read: LDTR must reach it */
		top = atomic_load(&ldt_top);
		if (!ldt_reaches(top))
			stale = i + 1;
	}
	atomic_store(&ldt_stop, true);
	pthread_join(thread, NULL);
	sched_setaffinity(0, sizeof(saved), &saved);
	if (r != UCALL_REPORT) {
		ucall_describe(t.vcpu, &uc);
		return test_fail("the guest stopped");
	}
	TEST_ASSERT(!ldt_errno, "modify_ldt in the other thread: %s", strerror(ldt_errno));
	TEST_ASSERT(!stale, "after HVM_RUN %u, LDTR does not reach entry %u: an older LDT",
		    stale, top);
	TEST_ASSERT(tls_canary == 0x5a5a, "TLS reads 0x%x after HVM_RUN", tls_canary);
	test_diag("%u runs; the LDT grew to %u entries", i, atomic_load(&ldt_top) + 1);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* In a child without an LDT: the other thread installs the first one. */
static void *first_ldt(void *arg)
{
	ldt_errno = pin_to(*(int *)arg);
	if (ldt_errno)
		return NULL;
	usleep(50 * 1000);		/* the vCPU thread is in HVM_RUN by then */
	if (set_ldt_entry(0))
		ldt_errno = errno;
	else
		atomic_store(&ldt_top, 1);
	return NULL;
}

static enum test_result first_ldt_child(void *arg)
{
	unsigned int i, runs_after = 0;
	int other = 1, r;
	pthread_t thread;
	struct ucall uc;
	struct tvm t;

	(void)arg;
	TEST_ASSERT(!ldt_reaches(0), "the child has an LDT already");
	r = pin_to(0);
	TEST_ASSERT(!r, "pinning to CPU 0: %s", strerror(r));
	atomic_store(&ldt_top, 0);
	TVM_CREATE_C(&t, guest_cpuid_loop);
	r = pthread_create(&thread, NULL, first_ldt, &other);
	TEST_ASSERT(!r, "pthread_create: %s", strerror(r));
	/* until two runs after the install: the one it landed in, and one
	 * that began with it */
	for (i = 0; i < 100000 && runs_after < 2; i++) {
		r = ucall_run(t.vcpu, &uc);
		if (r != UCALL_REPORT)
			break;
		if (!atomic_load(&ldt_top))
			continue;
		runs_after++;
		if (!ldt_reaches(0))
			break;
	}
	pthread_join(thread, NULL);
	if (r != UCALL_REPORT) {
		ucall_describe(t.vcpu, &uc);
		return test_fail("the guest stopped");
	}
	TEST_ASSERT(!ldt_errno, "modify_ldt in the other thread: %s", strerror(ldt_errno));
	TEST_ASSERT(runs_after == 2, "after HVM_RUN %u, LDTR does not reach the new LDT", i);
	test_diag("the LDT came during run %u of %u", i - 1, i);
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_first_ldt_during_run(void)
{
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return test_skip("one host CPU: the LDT would not come by IPI");
	return run_in_child(first_ldt_child, NULL);
}

/* A host hardware watchpoint's target; the guest writes its own copy,
 * which sits at the same linear address. */
static volatile __u64 watched;

static void guest_write_watched(void)
{
	int i;

	for (i = 0; i < 100; i++)
		watched = i;
}

static int watchpoint_open(void)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_BREAKPOINT;
	a.size = sizeof(a);
	a.bp_type = HW_BREAKPOINT_W;
	a.bp_addr = (unsigned long)&watched;
	a.bp_len = HW_BREAKPOINT_LEN_8;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	return syscall(__NR_perf_event_open, &a, 0, -1, -1, 0);
}

static __u64 watchpoint_count(int fd)
{
	__u64 n = 0;

	return read(fd, &n, sizeof(n)) == sizeof(n) ? n : ~0ULL;
}

/*
 * The vCPU thread has a write watchpoint (DR0-3, DR7) on @watched; the
 * guest writes the same linear address 100 times.  It must run with its
 * own DR7 (VMX: the "load debug controls" entry control, SDM 26.3.2.1;
 * SVM: DR7 in the VMCB), so the host's breakpoint never fires there: no
 * #DB in the guest, no hit counted for the host.
 */
static enum test_result test_host_watchpoint_not_in_guest(void)
{
	__u64 before, after;
	struct ucall uc;
	struct tvm t;
	int fd;

	fd = watchpoint_open();
	if (fd < 0)
		return test_skip("perf_event_open(PERF_TYPE_BREAKPOINT): %s",
				 strerror(errno));
	watched = 1;
	before = watchpoint_count(fd);
	if (before != 1) {
		close(fd);
		return test_skip("the host's own write hit the watchpoint %llu times "
				 "(the emulator has no data breakpoints?)",
				 (unsigned long long)before);
	}
	TVM_CREATE_C(&t, guest_write_watched);
	tvm_run_to_done(&t, &uc);
	after = watchpoint_count(fd);
	close(fd);
	if (uc.type != UCALL_DONE) {
		ucall_describe(t.vcpu, &uc);
		tvm_destroy(&t);
		return test_fail("the guest did not finish: the host's watchpoint "
				 "reached it");
	}
	tvm_destroy(&t);
	TEST_ASSERT(after == before, "the guest's writes hit the host's watchpoint "
		    "%llu times", (unsigned long long)(after - before));
	return TEST_PASS;
}

static const struct test_case cases[] = {
	{ "the process's first LDT, installed by another thread during HVM_RUN, is in LDTR after it",
	  test_first_ldt_during_run },
	{ "the host's LDT and TLS are its own after HVM_RUN, also when another thread replaces the LDT meanwhile",
	  test_ldt_changed_during_run },
	{ "a host hardware watchpoint never fires in the guest (the guest's DR7 is loaded)",
	  test_host_watchpoint_not_in_guest },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), true);
}
