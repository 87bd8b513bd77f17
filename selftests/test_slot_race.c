// SPDX-License-Identifier: GPL-2.0
/*
 * Selftests: a memory slot deleted while its vCPU runs and is being kicked
 * by interrupts.  Once HVM_SET_MEMORY_REGION has returned, no guest store
 * may land in the old pages any more: hvm unpinned them, and after the
 * runner's munmap() they would be the host's.  A vCPU thread runs a guest
 * that stores an ever-growing counter into a one-page slot with IF = 1;
 * the host deletes the slot, writes a poison value into the page it
 * backed and checks that the guest never overwrites it.
 *
 * The window is a vCPU that another kick (an interrupt line raised from
 * another thread) already set to "exiting" while its IPI is still in
 * flight: it is still in the guest with the old translations.  Case 1
 * widens that window with the module's fault-injection parameter
 * test_slow_kick (such kicks send no IPI, the guest runs on until its
 * CPU's next host interrupt), which makes the old defect fail every
 * time; case 2 races the real IPIs, thousands of deletions against a
 * thread raising interrupts as fast as it can.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "guest_c.h"
#include "test.h"

#define SLOW_KICK_PARAM	"/sys/module/hvm/parameters/test_slow_kick"

#define STORE_SLOT	1
#define STORE_GPA	0x10000000ULL	/* 256 MiB: identity-mapped */
#define POISON		0xdead5107dead5107ULL

#define APIC_BASE	HVM_APIC_DEFAULT_GPA
#define APIC_EOI	0xb0
#define APIC_SVR	0xf0
#define IOAPIC_BASE	HVM_IOAPIC_DEFAULT_GPA
#define KICK_GSI	5
#define KICK_VECTOR	0x40

#define SLOW_ROUNDS	20
#define RACE_SECONDS	6
#define RACE_ROUNDS	3000

static void kick_fn(struct guest_frame *f)
{
	(void)f;
	mmio_write32(APIC_BASE + APIC_EOI, 0);
}

GUEST_HANDLER(kick_entry, 0x40, kick_fn);

/* IF = 1, GSI KICK_GSI edge-triggered to KICK_VECTOR on APIC 0, then the
 * counter into STORE_GPA forever (never the poison value). */
static void guest_store_loop(void)
{
	__u64 n;

	guest_idt_set_gate(KICK_VECTOR, kick_entry);
	mmio_write32(APIC_BASE + APIC_SVR, 0x1ff);
	mmio_write32(IOAPIC_BASE, 0x10 + 2 * KICK_GSI + 1);
	mmio_write32(IOAPIC_BASE + 0x10, 0);		/* destination APIC 0 */
	mmio_write32(IOAPIC_BASE, 0x10 + 2 * KICK_GSI);
	mmio_write32(IOAPIC_BASE + 0x10, KICK_VECTOR);	/* fixed, edge, unmasked */
	sti();
	for (n = 1;; n++)
		*(volatile __u64 *)STORE_GPA = n;
}

struct race {
	struct tvm t;
	volatile __u64 *page;		/* the slot's memory, as the host sees it */
	pthread_t vcpu_tid, irq_tid;
	atomic_bool stop, irq_stop, vcpu_done;
	atomic_int vcpu_error;		/* errno of a failed RUN, or -1: a bad exit */
	struct ucall uc;
};

static void no_op(int sig)
{
	(void)sig;
}

/* Runs the guest; a store to the deleted slot exits as MMIO and is dropped. */
static void *vcpu_thread(void *arg)
{
	struct race *r = arg;
	struct hvm_run *run = r->t.vcpu->run;

	while (!atomic_load(&r->stop)) {
		if (hvm_vcpu_run(r->t.vcpu)) {
			if (errno == EINTR)
				continue;
			atomic_store(&r->vcpu_error, errno);
			break;
		}
		if (run->exit_reason == HVM_EXIT_MMIO && run->mmio.is_write &&
		    run->mmio.phys_addr == STORE_GPA)
			continue;
		ucall_decode(r->t.vcpu, &r->uc);
		atomic_store(&r->vcpu_error, -1);
		break;
	}
	atomic_store(&r->vcpu_done, true);
	return NULL;
}

static void *irq_thread(void *arg)
{
	struct race *r = arg;

	while (!atomic_load(&r->irq_stop)) {
		hvm_vm_irq_line(r->t.vm, KICK_GSI, 1);
		hvm_vm_irq_line(r->t.vm, KICK_GSI, 0);
	}
	return NULL;
}

static int slot_add(struct race *r)
{
	r->page[0] = 0;
	return hvm_vm_set_region(r->t.vm, STORE_SLOT, STORE_GPA, 4096, 0,
				 (void *)r->page);
}

static int slot_delete(struct race *r)
{
	return hvm_vm_set_region(r->t.vm, STORE_SLOT, STORE_GPA, 0, 0,
				 (void *)r->page);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Until the guest stores into the (re-added) slot: it is in guest mode. */
static bool wait_for_stores(struct race *r)
{
	double end = now() + 5;

	while (r->page[0] == 0) {
		if (now() > end || atomic_load(&r->vcpu_done))
			return false;
		sched_yield();
	}
	return true;
}

static enum test_result race_start(struct race *r, bool irq_flood)
{
	struct sigaction sa = { .sa_handler = no_op };

	memset(r, 0, sizeof(*r));
	sigaction(SIGUSR1, &sa, NULL);
	r->page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT_ERRNO(r->page != MAP_FAILED, "mmap");
	TEST_ASSERT_ERRNO(!tvm_create_c_flags(&r->t, guest_store_loop, TVM_IRQCHIP),
			  "creating the test VM");
	TEST_ASSERT_ERRNO(!slot_add(r), "adding slot %d", STORE_SLOT);
	TEST_ASSERT(!pthread_create(&r->vcpu_tid, NULL, vcpu_thread, r),
		    "pthread_create");
	if (irq_flood)
		TEST_ASSERT(!pthread_create(&r->irq_tid, NULL, irq_thread, r),
			    "pthread_create");
	return TEST_PASS;
}

static void race_stop(struct race *r)
{
	if (r->irq_tid) {
		atomic_store(&r->irq_stop, true);
		pthread_join(r->irq_tid, NULL);
	}
	atomic_store(&r->stop, true);
	while (!atomic_load(&r->vcpu_done)) {
		pthread_kill(r->vcpu_tid, SIGUSR1);
		usleep(1000);
	}
	pthread_join(r->vcpu_tid, NULL);
	tvm_destroy(&r->t);
	munmap((void *)r->page, 4096);
}

static enum test_result race_vcpu_ok(struct race *r)
{
	int e = atomic_load(&r->vcpu_error);

	if (e > 0)
		return test_fail("HVM_RUN failed: %s", strerror(e));
	if (e < 0) {
		ucall_describe(r->t.vcpu, &r->uc);
		return test_fail("the guest left its store loop");
	}
	return TEST_PASS;
}

/* One deletion: the page holds the poison until the slot is added again. */
static enum test_result delete_and_watch(struct race *r, unsigned int round,
					 useconds_t watch_us)
{
	__u64 seen;

	TEST_ASSERT_ERRNO(!slot_delete(r), "deleting slot %d", STORE_SLOT);
	r->page[0] = POISON;
	if (watch_us)
		usleep(watch_us);
	else
		sched_yield();
	seen = r->page[0];
	TEST_ASSERT(seen == POISON,
		    "round %u: the guest stored %" PRIu64 " into the slot's old page "
		    "after HVM_SET_MEMORY_REGION deleted it", round, (uint64_t)seen);
	TEST_ASSERT_ERRNO(!slot_add(r), "adding slot %d again", STORE_SLOT);
	return TEST_PASS;
}

static int slow_kick_set(bool on)
{
	int fd = open(SLOW_KICK_PARAM, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, on ? "Y" : "N", 1);
	close(fd);
	return n == 1 ? 0 : -1;
}

/* Case 1: an interrupt line kicks the vCPU (no IPI sent, by the fault
 * injection), then the slot goes: the flush must still wait for the guest
 * to leave, so no store lands after the deletion returned. */
static enum test_result test_delete_after_pending_kick(void)
{
	enum test_result res;
	struct race r;
	unsigned int i;

	if (slow_kick_set(false))
		return test_skip("%s: %s", SLOW_KICK_PARAM, strerror(errno));
	res = race_start(&r, false);
	if (res != TEST_PASS)
		return res;
	TEST_ASSERT_ERRNO(!slow_kick_set(true), "setting test_slow_kick");
	for (i = 0; i < SLOW_ROUNDS && res == TEST_PASS; i++) {
		if (!wait_for_stores(&r)) {
			res = test_fail("round %u: the guest does not store", i);
			break;
		}
		hvm_vm_irq_line(r.t.vm, KICK_GSI, 1);	/* in guest -> exiting */
		hvm_vm_irq_line(r.t.vm, KICK_GSI, 0);
		/* A few host ticks: without the wait the guest stores on. */
		res = delete_and_watch(&r, i, 20000);
	}
	slow_kick_set(false);
	race_stop(&r);
	if (res != TEST_PASS)
		return res;
	return race_vcpu_ok(&r);
}

/* Case 2: the same against real IPIs, an interrupt line raised and
 * lowered as fast as another thread can, for RACE_ROUNDS deletions or
 * RACE_SECONDS. */
static enum test_result test_delete_under_irq_flood(void)
{
	enum test_result res;
	unsigned int i;
	struct race r;
	double end;

	res = race_start(&r, true);
	if (res != TEST_PASS)
		return res;
	end = now() + RACE_SECONDS;
	for (i = 0; i < RACE_ROUNDS && now() < end && res == TEST_PASS; i++) {
		if (!wait_for_stores(&r)) {
			res = test_fail("round %u: the guest does not store", i);
			break;
		}
		res = delete_and_watch(&r, i, 0);
	}
	race_stop(&r);
	if (res != TEST_PASS)
		return res;
	test_diag("%u deletions under the interrupt flood", i);
	return race_vcpu_ok(&r);
}

static const struct test_case cases[] = {
	{ "no guest store lands in a deleted slot's pages when a kick was pending",
	  test_delete_after_pending_kick },
	{ "no guest store lands in a deleted slot's pages under an interrupt flood",
	  test_delete_under_irq_flood },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), true);
}
