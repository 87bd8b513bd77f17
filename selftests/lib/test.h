/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny kselftest-style TAP harness.  A test program is a table of cases;
 * every case is one TAP test point and returns PASS, FAIL or SKIP:
 *
 *	TAP version 13
 *	1..N
 *	ok 1 - name
 *	not ok 2 - name
 *	ok 3 - name # SKIP reason
 *
 * Exit status (kselftest): 0 all passed or skipped with at least one pass,
 * 1 some failed, 4 all skipped.  Every case runs under a watchdog alarm
 * (SIGALRM, TEST_CASE_TIMEOUT seconds) that interrupts a stuck HVM_RUN.
 */
#ifndef HVM_SELFTEST_TEST_H
#define HVM_SELFTEST_TEST_H

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>

#define TEST_CASE_TIMEOUT	20	/* seconds */

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

enum test_result {
	TEST_PASS,
	TEST_FAIL,
	TEST_SKIP,
};

struct test_case {
	const char *name;		/* one line: what the case proves */
	enum test_result (*fn)(void);
};

/* Set by the watchdog when a case runs out of time. */
extern volatile sig_atomic_t test_watchdog_fired;

/* "# ..." diagnostics, printed before the case's result line. */
void test_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
enum test_result test_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
enum test_result test_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Runs the cases and returns the exit status.  need_hvm: skip every case
 * when /dev/hvm is absent.
 */
int test_main(const struct test_case *cases, unsigned int nr_cases, bool need_hvm);

/* Re-arm the watchdog (for cases that legitimately take long). */
void test_watchdog_arm(unsigned int seconds);

/* Runs the calling thread on @cpu only; 0 or -1 (errno). */
int test_pin_cpu(int cpu);
/* The directory of this test binary into @buf; 0 or -1. */
int test_exe_dir(char *buf, size_t size);

/*
 * Emulator limits the harness declares for this test VM, comma-separated
 * in HVM_TEST_QUIRKS (Documentation/testing.rst): "no-intr-exit-if0" (no
 * interrupt exit while the guest's IF is 0, so a spinning guest cannot be
 * kicked), "triple-fault-fatal" (a guest triple fault ends the emulator),
 * "no-xsetbv-intercept" (the guest's XSETBV never exits) and
 * "no-vmrun-cr2" (VMRUN keeps the CPU's CR2 instead of loading the VMCB's),
 * "tcg-lax-checks" (QEMU's TCG: no #GP for clearing CR0.PG in 64-bit mode
 * or for WRMSR of a non-canonical base or SFMASK bits 63:32, nor for
 * XRSTOR's MXCSR; no P in a reserved-bit #PF), "no-cr0-pe-check" (Bochs's
 * SVM panics on a guest MOV to CR0 clearing PE in long mode).
 */
bool test_quirk(const char *name);
#define TEST_SKIP_ON_QUIRK(name, why)						\
	do {									\
		if (test_quirk(name))						\
			return test_skip("emulator quirk %s: %s", name, why);	\
	} while (0)

#define TEST_ASSERT(cond, fmt, ...)						\
	do {									\
		if (!(cond))							\
			return test_fail("%s:%d: %s: " fmt, __FILE__,		\
					 __LINE__, #cond, ##__VA_ARGS__);	\
	} while (0)

/* cond must hold; errno is shown. */
#define TEST_ASSERT_ERRNO(cond, fmt, ...)					\
	TEST_ASSERT(cond, fmt " (errno %d: %s)", ##__VA_ARGS__, errno,		\
		    strerror(errno))

/* An ioctl-like call that must fail with errno expected. */
#define TEST_ASSERT_FAILS(call, expected)					\
	do {									\
		long __ret = (long)(call);					\
		int __err = errno;						\
		if (__ret != -1 || __err != (expected))				\
			return test_fail("%s:%d: %s returned %ld errno %d (%s), " \
					 "expected -1 errno %d (%s)",		\
					 __FILE__, __LINE__, #call, __ret,	\
					 __ret == -1 ? __err : 0,		\
					 __ret == -1 ? strerror(__err) : "-",	\
					 expected, strerror(expected));		\
	} while (0)

#endif /* HVM_SELFTEST_TEST_H */
