// SPDX-License-Identifier: GPL-2.0
/*
 * Selftests: the guest's SSE and AVX registers survive exits, preemption
 * of the vCPU thread and its migration between host CPUs.  Guest code in
 * C (lib/guest_c.h).
 *
 * Each round the guest loads xmm0-15 (ymm0-15 with AVX) with patterns of
 * its own, exits to user space (OUT) and into hvm (CPUID), spins with
 * interrupts on and more CPUID exits for a while, stores the registers
 * and checks every 64-bit lane.  The host's vCPU thread holds other
 * patterns in its own registers across each HVM_RUN (a raw syscall
 * between loading and storing them) and checks them too; helper threads
 * on the same CPUs keep yet other patterns live in theirs and check them
 * after long runs of additions, so a state switched the wrong way shows
 * on either side.
 */
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "guest_c.h"
#include "test.h"

#define CPUID_1_ECX_XSAVE	(1U << 26)
#define CPUID_1_ECX_OSXSAVE	(1U << 27)
#define CPUID_1_ECX_AVX		(1U << 28)
#define XCR0_X87_SSE_AVX	0x7U

#define CR0_MP			(1ULL << 1)
#define CR0_EM			(1ULL << 2)
#define CR0_TS			(1ULL << 3)

/* Seeds of the patterns: the guest's, the vCPU thread's, a helper's. */
#define SEED_GUEST		(1ULL << 62)
#define SEED_HOST		(2ULL << 62)
#define SEED_HOG		(3ULL << 62)

#define EXIT_ROUNDS		1000
#define SPIN_ROUNDS		60
#define SPIN_US			20000	/* per round: several host ticks */
#define HOG_ADDS		20000	/* additions between two checks */
#define MOVE_US			2000	/* the mover's affinity period */

/* Sixteen registers, four 64-bit lanes each (an xmm register: two). */
struct fpu_regs {
	__u64 v[16][4];
} __attribute__((aligned(32)));

#define FPU_REGS(m)	m(0) m(1) m(2) m(3) m(4) m(5) m(6) m(7) m(8) m(9)	\
			m(10) m(11) m(12) m(13) m(14) m(15)
#define SSE_LOAD(n)	"movdqu " #n "*32(%[in]), %%xmm" #n "\n\t"
#define SSE_STORE(n)	"movdqu %%xmm" #n ", " #n "*32(%[out])\n\t"
#define SSE_ADD(n)	"addpd (%[inc]), %%xmm" #n "\n\t"
#define AVX_LOAD(n)	"vmovdqu " #n "*32(%[in]), %%ymm" #n "\n\t"
#define AVX_STORE(n)	"vmovdqu %%ymm" #n ", " #n "*32(%[out])\n\t"
#define AVX_ADD(n)	"vaddpd (%[inc]), %%ymm" #n ", %%ymm" #n "\n\t"
#define XMM_ALL		"xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",	\
			"xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12",	\
			"xmm13", "xmm14", "xmm15"

#define LANE_NAMES(n, what)	{ "xmm" #n "[63:0]" what, "xmm" #n "[127:64]" what, \
				  "ymm" #n "[191:128]" what, "ymm" #n "[255:192]" what },
#define HOST_LANES(n)		LANE_NAMES(n, "")
#define GUEST_LANES(n)		LANE_NAMES(n, " == what the guest loaded")

static const char *const host_lane[16][4] = { FPU_REGS(HOST_LANES) };
static const char *const guest_lane[16][4] = { FPU_REGS(GUEST_LANES) };

/* A different value for every seed, register and lane (splitmix64). */
static inline __u64 fpu_pattern(__u64 seed, unsigned int reg, unsigned int lane)
{
	__u64 x = seed * 0x9e3779b97f4a7c15ULL + (reg * 4 + lane + 1) * 0xbf58476d1ce4e5b9ULL;

	x ^= x >> 31;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 29);
}

static inline void fpu_fill(struct fpu_regs *r, __u64 seed)
{
	unsigned int i, l;

	for (i = 0; i < 16; i++)
		for (l = 0; l < 4; l++)
			r->v[i][l] = fpu_pattern(seed, i, l);
}

/* ---- Guest ---------------------------------------------------------------- */

/* The guest's orders, set by the host before tvm_create_c(). */
static struct {
	__u32 avx;		/* ymm0-15 rather than xmm0-15 */
	__u32 rounds;
	__u64 spin_us;		/* per round, after the exits */
} fpu_guest;

/* SSE as an OS enables it; AVX too (CR4.OSXSAVE, XCR0 = x87|SSE|YMM). */
static void guest_fpu_enable(bool avx)
{
	__u32 a, b, c, d;

	write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP);
	write_cr4(read_cr4() | HVM_CR4_OSFXSR | HVM_CR4_OSXMMEXCPT);
	if (!avx)
		return;
	cpuid(1, 0, &a, &b, &c, &d);
	GUEST_ASSERT((c & (CPUID_1_ECX_XSAVE | CPUID_1_ECX_AVX)) ==
		     (CPUID_1_ECX_XSAVE | CPUID_1_ECX_AVX));
	cpuid(0xd, 0, &a, &b, &c, &d);
	GUEST_ASSERT_EQ(a & XCR0_X87_SSE_AVX, XCR0_X87_SSE_AVX);
	write_cr4(read_cr4() | HVM_CR4_OSXSAVE);
	xsetbv(0, XCR0_X87_SSE_AVX);
	GUEST_ASSERT_EQ(xgetbv(0), XCR0_X87_SSE_AVX);
	cpuid(1, 0, &a, &b, &c, &d);
	GUEST_ASSERT(c & CPUID_1_ECX_OSXSAVE);
}

/*
 * Between loading and storing the registers: report the round (an exit
 * to user space), one CPUID (an exit hvm handles), then CPUID until the
 * TSC passes RDI + spin.  RAX holds the round, RDI the spin cycles.
 */
#define EXIT_AND_SPIN							\
	"out %%eax, $" STR(UCALL_PORT_REPORT) "\n\t"			\
	"xor %%eax, %%eax\n\t"						\
	"cpuid\n\t"							\
	"test %%rdi, %%rdi\n\t"						\
	"jz 2f\n\t"							\
	"rdtsc\n\t"							\
	"shl $32, %%rdx\n\t"						\
	"or %%rdx, %%rax\n\t"						\
	"add %%rax, %%rdi\n"						\
	"1:\n\t"							\
	"xor %%eax, %%eax\n\t"						\
	"cpuid\n\t"							\
	"rdtsc\n\t"							\
	"shl $32, %%rdx\n\t"						\
	"or %%rdx, %%rax\n\t"						\
	"cmp %%rdi, %%rax\n\t"						\
	"jb 1b\n"							\
	"2:\n\t"

static void guest_fpu_round(__u32 round, __u64 spin)
{
	unsigned int lanes = fpu_guest.avx ? 4 : 2, i, l;
	struct fpu_regs in, out;
	__u64 rax = round;

	fpu_fill(&in, SEED_GUEST | round);
	if (fpu_guest.avx)
		asm volatile(FPU_REGS(AVX_LOAD) EXIT_AND_SPIN FPU_REGS(AVX_STORE)
			     : "+a"(rax), "+D"(spin)
			     : [in] "r"(&in), [out] "r"(&out)
			     : "rbx", "rcx", "rdx", "memory", XMM_ALL);
	else
		asm volatile(FPU_REGS(SSE_LOAD) EXIT_AND_SPIN FPU_REGS(SSE_STORE)
			     : "+a"(rax), "+D"(spin)
			     : [in] "r"(&in), [out] "r"(&out)
			     : "rbx", "rcx", "rdx", "memory", XMM_ALL);
	for (i = 0; i < 16; i++)
		for (l = 0; l < lanes; l++)
			if (out.v[i][l] != in.v[i][l])
				guest_assert_fail(__FILE__, __LINE__, guest_lane[i][l],
						  out.v[i][l], in.v[i][l], true);
}

static void guest_fpu(void)
{
	__u32 a, b, c, d, round;
	__u64 spin;

	cpuid(0x40000010, 0, &a, &b, &c, &d);	/* hvm's timing leaf: TSC kHz */
	spin = a * fpu_guest.spin_us / 1000;
	guest_fpu_enable(fpu_guest.avx);
	sti();			/* host interrupts exit (Bochs: not with IF 0) */
	for (round = 0; round < fpu_guest.rounds; round++)
		guest_fpu_round(round, spin);
	guest_done();
}

/* ---- Host ------------------------------------------------------------------ */

/* The host's threads use ymm0-15 where the host has AVX enabled. */
static bool host_avx;

static unsigned int host_lanes(void)
{
	return host_avx ? 4 : 2;
}

static bool host_has_avx(void)
{
	__u32 a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	if ((c & (CPUID_1_ECX_OSXSAVE | CPUID_1_ECX_AVX)) !=
	    (CPUID_1_ECX_OSXSAVE | CPUID_1_ECX_AVX))
		return false;
	return (xgetbv(0) & XCR0_X87_SSE_AVX) == XCR0_X87_SSE_AVX;
}

/* hvm's CPUID for the vCPU offers AVX and its XSAVE state. */
static bool vcpu_offers_avx(struct hvm_vcpu *vcpu)
{
	struct hvm_cpuid *c = hvm_vcpu_get_cpuid(vcpu);
	struct hvm_cpuid_entry *l1, *ld;
	bool ok;

	if (!c)
		return false;
	l1 = hvm_cpuid_find(c, 1, 0);
	ld = hvm_cpuid_find(c, 0xd, 0);
	ok = l1 && ld && (l1->ecx & CPUID_1_ECX_AVX) && (l1->ecx & CPUID_1_ECX_XSAVE) &&
	     (ld->eax & XCR0_X87_SSE_AVX) == XCR0_X87_SSE_AVX;
	free(c);
	return ok;
}

/*
 * HVM_RUN with in's patterns in the thread's registers, stored into out
 * right after: a raw SYSCALL, so no code of ours runs in between.  The
 * ioctl's return value or -errno.
 */
static long host_run(int fd, const struct fpu_regs *in, struct fpu_regs *out)
{
	long ret = SYS_ioctl;

	if (host_avx)
		asm volatile(FPU_REGS(AVX_LOAD) "syscall\n\t" FPU_REGS(AVX_STORE)
			     : "+a"(ret)
			     : "D"((long)fd), "S"((long)HVM_RUN), "d"(0L),
			       [in] "r"(in), [out] "r"(out)
			     : "rcx", "r11", "memory", XMM_ALL);
	else
		asm volatile(FPU_REGS(SSE_LOAD) "syscall\n\t" FPU_REGS(SSE_STORE)
			     : "+a"(ret)
			     : "D"((long)fd), "S"((long)HVM_RUN), "d"(0L),
			       [in] "r"(in), [out] "r"(out)
			     : "rcx", "r11", "memory", XMM_ALL);
	return ret;
}

/* The first lane of found that differs from expected, or -1. */
static int fpu_diff(const struct fpu_regs *found, const struct fpu_regs *expected,
		    unsigned int lanes)
{
	unsigned int i, l;

	for (i = 0; i < 16; i++)
		for (l = 0; l < lanes; l++)
			if (found->v[i][l] != expected->v[i][l])
				return i * 4 + l;
	return -1;
}

/*
 * A helper thread on one CPU, adding to patterns in all its registers:
 * doubles holding integers below 2^40, so the sums are exact (VADDPD: AVX
 * has no 256-bit integer addition, AVX2 does).
 */
struct fpu_hog {
	pthread_t thread;
	int cpu;
	atomic_bool *stop;
	unsigned long passes;
	int bad;		/* the first wrong lane (reg * 4 + lane) or -1 */
	__u64 found, expected;
};

static void *hog_main(void *arg)
{
	static const double inc[4] __attribute__((aligned(32))) = { 1, 3, 5, 7 };
	struct fpu_hog *h = arg;
	struct fpu_regs in, out, want;
	unsigned int i, l;
	double d;

	h->bad = -1;
	if (test_pin_cpu(h->cpu))
		return NULL;
	while (!atomic_load(h->stop)) {
		unsigned long n = HOG_ADDS;

		fpu_fill(&want, SEED_HOG | ((__u64)h->cpu << 32) | h->passes);
		for (i = 0; i < 16; i++) {
			for (l = 0; l < 4; l++) {
				d = want.v[i][l] >> 24;
				memcpy(&in.v[i][l], &d, sizeof(d));
				d += HOG_ADDS * inc[l];
				memcpy(&want.v[i][l], &d, sizeof(d));
			}
		}
		if (host_avx)
			asm volatile(FPU_REGS(AVX_LOAD) "1:\n\t" FPU_REGS(AVX_ADD)
				     "dec %[n]\n\t" "jnz 1b\n\t" FPU_REGS(AVX_STORE)
				     : [n] "+r"(n)
				     : [in] "r"(&in), [out] "r"(&out), [inc] "r"(inc)
				     : "memory", XMM_ALL);
		else
			asm volatile(FPU_REGS(SSE_LOAD) "1:\n\t" FPU_REGS(SSE_ADD)
				     "dec %[n]\n\t" "jnz 1b\n\t" FPU_REGS(SSE_STORE)
				     : [n] "+r"(n)
				     : [in] "r"(&in), [out] "r"(&out), [inc] "r"(inc)
				     : "memory", XMM_ALL);
		h->bad = fpu_diff(&out, &want, host_lanes());
		if (h->bad >= 0) {
			h->found = out.v[h->bad / 4][h->bad % 4];
			h->expected = want.v[h->bad / 4][h->bad % 4];
			break;
		}
		h->passes++;
	}
	return NULL;
}

/* Moves a thread between two CPUs every MOVE_US, whatever it does. */
struct fpu_mover {
	pthread_t thread;
	pid_t tid;
	int cpus[2];
	atomic_bool *stop;
	unsigned long moves;
};

static void *mover_main(void *arg)
{
	struct fpu_mover *m = arg;
	cpu_set_t set;

	while (!atomic_load(m->stop)) {
		CPU_ZERO(&set);
		CPU_SET(m->cpus[m->moves & 1], &set);
		if (sched_setaffinity(m->tid, sizeof(set), &set))
			break;
		m->moves++;
		usleep(MOVE_US);
	}
	return NULL;
}

/* Helper threads leave SIGALRM (the watchdog) to the vCPU thread. */
static int start_thread(pthread_t *thread, void *(*fn)(void *), void *arg)
{
	sigset_t alrm, old;
	int err;

	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &alrm, &old);
	err = pthread_create(thread, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return err;
}

/* The first two CPUs the test may run on; false without two. */
static bool two_cpus(int cpus[2])
{
	cpu_set_t set;
	int cpu, n = 0;

	if (sched_getaffinity(0, sizeof(set), &set))
		return false;
	for (cpu = 0; cpu < CPU_SETSIZE && n < 2; cpu++)
		if (CPU_ISSET(cpu, &set))
			cpus[n++] = cpu;
	return n == 2;
}

enum fpu_stress {
	FPU_EXITS,		/* exits only, on any CPU */
	FPU_PREEMPT,		/* a helper on the vCPU thread's CPU, yields */
	FPU_MIGRATE,		/* helpers on two CPUs, the thread moved */
};

struct fpu_stats {
	unsigned long preempted;	/* involuntary switches inside HVM_RUN */
	unsigned int moved_in_run;	/* RUNs that ended on another CPU */
	unsigned int moved_between;	/* RUNs started elsewhere than the last ended */
};

static long thread_nivcsw(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_THREAD, &ru) ? 0 : ru.ru_nivcsw;
}

/* Runs the guest to DONE under how; every round checks both sides. */
static enum test_result fpu_drive(struct tvm *t, enum fpu_stress how,
				  const int cpus[2], struct fpu_stats *st)
{
	const struct timespec nap = { .tv_nsec = 100000 };
	struct fpu_regs host_in, host_out;
	int before, after, last = -1, bad;
	struct ucall uc;
	cpu_set_t set;
	__u32 round;
	long ret, n;

	for (round = 0;; round++) {
		if (how == FPU_PREEMPT) {
			if (round & 1)
				sched_yield();
			else
				nanosleep(&nap, NULL);
		} else if (how == FPU_MIGRATE) {
			CPU_ZERO(&set);
			CPU_SET(cpus[round & 1], &set);
			TEST_ASSERT_ERRNO(!sched_setaffinity(0, sizeof(set), &set),
					  "round %u: to CPU %d", round, cpus[round & 1]);
		}
		fpu_fill(&host_in, SEED_HOST | round);
		before = sched_getcpu();
		n = thread_nivcsw();
		ret = host_run(t->vcpu->fd, &host_in, &host_out);
		st->preempted += thread_nivcsw() - n;
		after = sched_getcpu();
		st->moved_in_run += before != after;
		st->moved_between += last >= 0 && before != last;
		last = after;

		TEST_ASSERT(ret == 0, "HVM_RUN %u: %s", round, strerror(-ret));
		bad = fpu_diff(&host_out, &host_in, host_lanes());
		TEST_ASSERT(bad < 0, "the host's %s is 0x%" PRIx64 " after HVM_RUN %u, "
			    "was 0x%" PRIx64,
			    host_lane[bad / 4][bad % 4],
			    (uint64_t)host_out.v[bad / 4][bad % 4], round,
			    (uint64_t)host_in.v[bad / 4][bad % 4]);
		switch (ucall_decode(t->vcpu, &uc)) {
		case UCALL_REPORT:
			TEST_ASSERT(round < fpu_guest.rounds && uc.value == round,
				    "HVM_RUN %u: the guest reported %" PRIu64, round,
				    (uint64_t)uc.value);
			break;
		case UCALL_DONE:
			TEST_ASSERT(round == fpu_guest.rounds,
				    "the guest finished after %u rounds", round);
			return TEST_PASS;
		default:
			ucall_describe(t->vcpu, &uc);
			if (!round)
				return test_fail("the guest stopped before its first round");
			/* RUN n checks the registers of the guest's round n - 1 */
			return test_fail("the guest stopped in its round %u (of 0-%u)",
					 round - 1, fpu_guest.rounds - 1);
		}
	}
}

static enum test_result fpu_case(bool avx, enum fpu_stress how)
{
	struct fpu_hog hogs[2] = { { .bad = -1 }, { .bad = -1 } };
	struct fpu_mover mover = { .moves = 0 };
	struct fpu_stats st = { .preempted = 0 };
	int cpus[2] = { 0, 0 }, nr_hogs = 0, i;
	atomic_bool stop = false;
	bool mover_running = false;
	enum test_result r;
	cpu_set_t saved;
	struct tvm t;

	host_avx = host_has_avx();
	if (avx && !host_avx)
		return test_skip("the host has no AVX enabled (CPUID.1 OSXSAVE, AVX; XCR0)");
	if (how == FPU_MIGRATE && !two_cpus(cpus))
		return test_skip("needs 2 online CPUs");
	TEST_ASSERT_ERRNO(!sched_getaffinity(0, sizeof(saved), &saved), "sched_getaffinity");

	fpu_guest.avx = avx;
	fpu_guest.rounds = how == FPU_EXITS ? EXIT_ROUNDS : SPIN_ROUNDS;
	fpu_guest.spin_us = how == FPU_EXITS ? 0 : SPIN_US;
	TVM_CREATE_C(&t, guest_fpu);
	if (avx && !vcpu_offers_avx(t.vcpu)) {
		tvm_destroy(&t);
		return test_skip("hvm's CPUID offers no AVX (leaf 1, leaf 0xd)");
	}

	if (how == FPU_PREEMPT) {
		cpus[0] = sched_getcpu();
		TEST_ASSERT_ERRNO(!test_pin_cpu(cpus[0]), "pinning to CPU %d", cpus[0]);
		nr_hogs = 1;
	} else if (how == FPU_MIGRATE) {
		nr_hogs = 2;
		mover = (struct fpu_mover){ .tid = gettid(), .cpus = { cpus[0], cpus[1] },
					    .stop = &stop };
		mover_running = !start_thread(&mover.thread, mover_main, &mover);
	}
	for (i = 0; i < nr_hogs; i++) {
		hogs[i].cpu = cpus[i];
		hogs[i].stop = &stop;
		if (start_thread(&hogs[i].thread, hog_main, &hogs[i]))
			break;
	}
	if (i == nr_hogs && (how != FPU_MIGRATE || mover_running))
		r = fpu_drive(&t, how, cpus, &st);
	else
		r = test_fail("pthread_create");

	atomic_store(&stop, true);
	while (i--)
		pthread_join(hogs[i].thread, NULL);
	if (mover_running)
		pthread_join(mover.thread, NULL);
	sched_setaffinity(0, sizeof(saved), &saved);
	tvm_destroy(&t);

	for (i = 0; i < nr_hogs; i++) {
		struct fpu_hog *h = &hogs[i];

		TEST_ASSERT(h->bad < 0, "the helper on CPU %d: its %s is 0x%" PRIx64
			    ", expected 0x%" PRIx64, h->cpu, host_lane[h->bad / 4][h->bad % 4],
			    (uint64_t)h->found, (uint64_t)h->expected);
		TEST_ASSERT(h->passes || r != TEST_PASS,
			    "the helper on CPU %d finished no pass", h->cpu);
	}
	if (r != TEST_PASS || how == FPU_EXITS)
		return r;
	test_diag("%u rounds; inside HVM_RUN: %lu preemptions, %u migrations; "
		  "%u migrations between runs; helpers: %lu and %lu passes, mover: %lu moves",
		  fpu_guest.rounds, st.preempted, st.moved_in_run, st.moved_between,
		  hogs[0].passes, hogs[1].passes, mover.moves);
	if (how == FPU_PREEMPT)
		TEST_ASSERT(st.preempted, "the vCPU thread was never preempted inside HVM_RUN");
	if (how == FPU_MIGRATE)
		TEST_ASSERT(st.moved_in_run && st.moved_between,
			    "no migration inside HVM_RUN (%u) or between runs (%u)",
			    st.moved_in_run, st.moved_between);
	return TEST_PASS;
}

static enum test_result test_sse_exits(void)
{
	return fpu_case(false, FPU_EXITS);
}

static enum test_result test_avx_exits(void)
{
	return fpu_case(true, FPU_EXITS);
}

static enum test_result test_sse_preempt(void)
{
	return fpu_case(false, FPU_PREEMPT);
}

static enum test_result test_avx_preempt(void)
{
	return fpu_case(true, FPU_PREEMPT);
}

static enum test_result test_sse_migrate(void)
{
	return fpu_case(false, FPU_MIGRATE);
}

static enum test_result test_avx_migrate(void)
{
	return fpu_case(true, FPU_MIGRATE);
}

static const struct test_case cases[] = {
	{ "xmm0-15 of the guest survive 1000 exits to user space and to hvm; the host's survive HVM_RUN",
	  test_sse_exits },
	{ "ymm0-15 of the guest survive 1000 exits to user space and to hvm; the host's survive HVM_RUN",
	  test_avx_exits },
	{ "xmm0-15 of guest and host survive preemption inside and between runs by a thread using its own on the same CPU",
	  test_sse_preempt },
	{ "ymm0-15 of guest and host survive preemption inside and between runs by a thread using its own on the same CPU",
	  test_avx_preempt },
	{ "xmm0-15 of guest and host survive migration of the vCPU thread inside and between runs",
	  test_sse_migrate },
	{ "ymm0-15 of guest and host survive migration of the vCPU thread inside and between runs",
	  test_avx_migrate },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), true);
}
