// SPDX-License-Identifier: GPL-2.0
/*
 * Leaving HVM_RUN: a signal ends RUN with EINTR and exit reason INTR even
 * when the guest spins with interrupts disabled, signals sent to the vCPU
 * thread from another thread, immediate_exit, and a guest that keeps being
 * interrupted by a fast timer still computing the right result.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "work.h"

GUEST_ASM(guest_spin, ".code64",
	"cli\n"
	"1: jmp 1b\n");

static void noop_handler(int sig)
{
	(void)sig;
}

/* A handler without SA_RESTART, so RUN returns EINTR. */
static void install_handler(int sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = noop_handler;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* `cli; jmp .` and alarm(1): RUN returns EINTR within a few seconds. */
static enum test_result test_spin_cli_alarm(void)
{
	struct ucall uc;
	struct tvm t;
	double start;

	TEST_SKIP_ON_QUIRK("no-intr-exit-if0", "a spinning guest cannot be kicked");
	TVM_CREATE(&t, HVM_MODE_LONG64, guest_spin);
	install_handler(SIGALRM);
	alarm(1);
	start = now();
	EXPECT_UCALL(t.vcpu, &uc, UCALL_RUN_ERROR);
	TEST_ASSERT(uc.err == EINTR, "errno %d", uc.err);
	TEST_ASSERT(t.vcpu->run->exit_reason == HVM_EXIT_INTR, "exit %s",
		    hvm_exit_reason_str(t.vcpu->run->exit_reason));
	TEST_ASSERT(now() - start < 5, "RUN took %.1f s to notice the signal", now() - start);
	/* RUN again resumes the spin, and the next alarm ends it again */
	alarm(1);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_RUN_ERROR);
	TEST_ASSERT(uc.err == EINTR, "errno %d", uc.err);
	tvm_destroy(&t);
	return TEST_PASS;
}

struct spin_thread {
	struct hvm_vcpu *vcpu;
	atomic_int state;	/* 0 starting, 1 running, 2 returned */
	int ret, err;
	__u32 exit_reason;
};

static void *spin_thread_fn(void *arg)
{
	struct spin_thread *st = arg;

	atomic_store(&st->state, 1);
	st->ret = hvm_vcpu_run(st->vcpu);
	st->err = errno;
	st->exit_reason = st->vcpu->run->exit_reason;
	atomic_store(&st->state, 2);
	return NULL;
}

/* pthread_kill from another thread kicks a spinning vCPU out of the guest. */
static enum test_result test_signal_from_other_thread(void)
{
	struct spin_thread st = { 0 };
	pthread_t thread;
	struct tvm t;
	int i;

	TEST_SKIP_ON_QUIRK("no-intr-exit-if0", "a spinning guest cannot be kicked");
	TVM_CREATE(&t, HVM_MODE_LONG64, guest_spin);
	install_handler(SIGUSR1);
	st.vcpu = t.vcpu;
	TEST_ASSERT(!pthread_create(&thread, NULL, spin_thread_fn, &st), "pthread_create");
	while (atomic_load(&st.state) == 0)
		usleep(1000);
	usleep(200000);
	TEST_ASSERT(atomic_load(&st.state) == 1, "RUN returned before the signal: %s",
		    hvm_exit_reason_str(st.exit_reason));
	pthread_kill(thread, SIGUSR1);
	for (i = 0; i < 500 && atomic_load(&st.state) != 2; i++)
		usleep(10000);
	TEST_ASSERT(atomic_load(&st.state) == 2, "RUN did not return within 5 s of the signal");
	pthread_join(thread, NULL);
	TEST_ASSERT(st.ret == -1 && st.err == EINTR, "RUN returned %d errno %d", st.ret, st.err);
	TEST_ASSERT(st.exit_reason == HVM_EXIT_INTR, "exit %s",
		    hvm_exit_reason_str(st.exit_reason));
	tvm_destroy(&t);
	return TEST_PASS;
}

GUEST_ASM(guest_done, ".code64", G_DONE);

static enum test_result test_immediate_exit(void)
{
	struct hvm_regs before, after;
	struct ucall uc;
	struct tvm t;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_done);
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_regs(t.vcpu, &before), "GET_REGS");
	t.vcpu->run->immediate_exit = 1;
	EXPECT_UCALL(t.vcpu, &uc, UCALL_RUN_ERROR);
	TEST_ASSERT(uc.err == EINTR, "errno %d", uc.err);
	TEST_ASSERT(t.vcpu->run->exit_reason == HVM_EXIT_INTR, "exit %s",
		    hvm_exit_reason_str(t.vcpu->run->exit_reason));
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_regs(t.vcpu, &after), "GET_REGS");
	TEST_ASSERT(before.rip == after.rip, "the guest ran: rip 0x%llx -> 0x%llx",
		    (unsigned long long)before.rip, (unsigned long long)after.rip);
	/* still set: still no entry */
	EXPECT_UCALL(t.vcpu, &uc, UCALL_RUN_ERROR);
	TEST_ASSERT(uc.err == EINTR, "errno %d", uc.err);
	t.vcpu->run->immediate_exit = 0;
	EXPECT_UCALL(t.vcpu, &uc, UCALL_DONE);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* A 1 ms periodic timer interrupts a long computation many times. */
static enum test_result test_timer_storm(void)
{
	struct work w = { .seed = 1234, .chunks = 200, .iterations = 500000 };
	struct sigevent sev = { 0 };
	struct itimerspec its = { 0 };
	unsigned long interrupts = 0;
	struct hvm_regs regs;
	struct hvm_vcpu *vcpu;
	struct hvm_vm *vm;
	timer_t timer;
	int ret;

	vm = work_vm_create();
	TEST_ASSERT_ERRNO(vm, "creating the VM");
	vcpu = work_vcpu_create(vm, 0, &w);
	TEST_ASSERT_ERRNO(vcpu, "vCPU");
	/* IF = 1 (no interrupt is ever injected: no irqchip): Bochs takes no
	 * interrupt exit from a guest with IF = 0 (no-intr-exit-if0), where
	 * RUN would end only at the work's own exits, and no EINTR come. */
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_regs(vcpu, &regs), "GET_REGS");
	regs.rflags |= 1ULL << 9;
	TEST_ASSERT_ERRNO(!hvm_vcpu_set_regs(vcpu, &regs), "SET_REGS");
	install_handler(SIGRTMIN);
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGRTMIN;
	TEST_ASSERT_ERRNO(!timer_create(CLOCK_MONOTONIC, &sev, &timer), "timer_create");
	its.it_value.tv_nsec = 1000000;
	its.it_interval.tv_nsec = 1000000;
	TEST_ASSERT_ERRNO(!timer_settime(timer, 0, &its, NULL), "timer_settime");
	ret = work_run(vcpu, &interrupts);
	timer_delete(timer);
	test_diag("%lu EINTRs", interrupts);
	TEST_ASSERT(!ret, "the guest failed");
	TEST_ASSERT(work_result(vm, &w) == work_expected(&w), "wrong result 0x%llx",
		    (unsigned long long)work_result(vm, &w));
	/* The point is a guest interrupted many times: without one EINTR
	 * the case proved nothing (the work is 100 million iterations, far
	 * longer than the 1 ms period even on hardware). */
	TEST_ASSERT(interrupts > 0, "no timer signal ever interrupted RUN (no EINTR)");
	hvm_vcpu_destroy(vcpu);
	hvm_vm_destroy(vm);
	return TEST_PASS;
}

static const struct test_case cases[] = {
	{ "cli; jmp . is ended by alarm(): RUN returns EINTR, exit INTR",
	  test_spin_cli_alarm },
	{ "a signal from another thread kicks a spinning vCPU out (EINTR)",
	  test_signal_from_other_thread },
	{ "immediate_exit: RUN returns EINTR without entering the guest",
	  test_immediate_exit },
	{ "a 1 ms timer interrupting RUN many times (EINTRs seen): guest result correct",
	  test_timer_storm },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), true);
}
