// SPDX-License-Identifier: GPL-2.0
/*
 * Selftests: the in-kernel ACPI PM timer (HVM_SET_PM_TIMER).  The guest
 * reads it many times without one exit reaching user space, sees it
 * count up at 3.579545 MHz (against the TSC, within wide bounds), and
 * reads its bytes at their offsets; writes are dropped.
 */
#include <inttypes.h>
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "guest_c.h"
#include "test.h"

#define PM_PORT		0x608
#define PM_MASK		0xffffff
#define PM_HZ		3579545ULL

static __u32 pm_read(void)
{
	return inl(PM_PORT) & PM_MASK;
}

static void guest_pm_timer(void)
{
	__u32 first = pm_read(), prev = first, now, ticks = 0;
	__u64 tsc0 = rdtsc(), tsc1;
	unsigned int i;

	for (i = 0; i < 2000; i++) {
		now = pm_read();
		ticks += (now - prev) & PM_MASK;
		prev = now;
		GUEST_ASSERT(!(inl(PM_PORT) & ~PM_MASK));	/* 24 bits */
	}
	/* Until 10 ms have passed on the PM timer. */
	while (ticks < PM_HZ / 100) {
		now = pm_read();
		ticks += (now - prev) & PM_MASK;
		prev = now;
	}
	tsc1 = rdtsc();
	outl(PM_PORT, 0);			/* read-only: dropped */
	guest_report(ticks);
	guest_report(tsc1 - tsc0);
	{
		__u32 a, b, c, d;

		cpuid(0x40000010, 0, &a, &b, &c, &d);	/* TSC kHz */
		guest_report(a);
	}
	/* The bytes at their offsets: the high byte counts slowly. */
	now = pm_read();
	GUEST_ASSERT(((inw(PM_PORT + 2) - (now >> 16)) & 0xffff) <= 1);
	GUEST_ASSERT(((inb(PM_PORT + 2) - (now >> 16)) & 0xff) <= 1);
}

/* 2000 reads of the PM timer from the guest cause no exit to user space;
 * 10 ms of it match the TSC (the host's rate) within 20%. */
static enum test_result test_count(void)
{
	struct ucall uc;
	struct tvm t;
	__u64 ticks, tsc, tsc_khz;

	TVM_CREATE_C(&t, guest_pm_timer);
	TEST_ASSERT_ERRNO(!hvm_vm_set_pm_timer(t.vm, PM_PORT), "HVM_SET_PM_TIMER");
	/* Any exit to user space but the reports would fail here. */
	EXPECT_UCALL(t.vcpu, &uc, UCALL_REPORT);
	ticks = uc.value;
	EXPECT_UCALL(t.vcpu, &uc, UCALL_REPORT);
	tsc = uc.value;
	EXPECT_UCALL(t.vcpu, &uc, UCALL_REPORT);
	tsc_khz = uc.value;
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	test_diag("%" PRIu64 " PM timer ticks, %" PRIu64 " TSC cycles (TSC %" PRIu64 " kHz)",
		  (uint64_t)ticks, (uint64_t)tsc, (uint64_t)tsc_khz);
	if (tsc_khz) {
		__u64 expect = ticks * tsc_khz * 1000 / PM_HZ;

		TEST_ASSERT(tsc > expect * 4 / 5 && tsc < expect * 6 / 5,
			    "%" PRIu64 " TSC cycles for %" PRIu64 " PM ticks, expected ~%" PRIu64,
			    (uint64_t)tsc, (uint64_t)ticks, (uint64_t)expect);
	}
	return TEST_PASS;
}

/* The port must be 4-byte aligned and 16-bit; 0 turns the timer off, so
 * reads exit to user space again. */
static enum test_result test_errors(void)
{
	struct tvm t;

	TVM_CREATE_C(&t, guest_pm_timer);
	TEST_ASSERT(hvm_vm_set_pm_timer(t.vm, 0x609) && errno == EINVAL,
		    "unaligned port: %s", strerror(errno));
	TEST_ASSERT(ioctl(t.vm->fd, HVM_SET_PM_TIMER, 0x10000UL) && errno == EINVAL,
		    "port above 0xffff: %s", strerror(errno));
	TEST_ASSERT_ERRNO(!hvm_vm_set_pm_timer(t.vm, PM_PORT), "on");
	TEST_ASSERT_ERRNO(!hvm_vm_set_pm_timer(t.vm, 0), "off");
	TEST_ASSERT_ERRNO(!hvm_vcpu_run(t.vcpu), "RUN");
	TEST_ASSERT(t.vcpu->run->exit_reason == HVM_EXIT_IO &&
		    t.vcpu->run->io.port == PM_PORT,
		    "exit %u: the read did not reach user space",
		    t.vcpu->run->exit_reason);
	tvm_destroy(&t);
	return TEST_PASS;
}

static const struct test_case cases[] = {
	{ "the guest reads the in-kernel PM timer without exits to user space; it counts at 3.579545 MHz against the TSC",
	  test_count },
	{ "HVM_SET_PM_TIMER: EINVAL for an unaligned or too large port; 0 sends reads to user space again",
	  test_errors },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), true);
}
