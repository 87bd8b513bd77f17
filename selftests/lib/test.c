// SPDX-License-Identifier: GPL-2.0
/* The TAP harness of the selftests (see test.h). */
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"

#define KSFT_PASS	0
#define KSFT_FAIL	1
#define KSFT_SKIP	4

volatile sig_atomic_t test_watchdog_fired;

static char skip_reason[256];

static void vdiag(const char *fmt, va_list ap)
{
	printf("# ");
	vprintf(fmt, ap);
	printf("\n");
	fflush(stdout);
}

void test_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(fmt, ap);
	va_end(ap);
}

enum test_result test_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(fmt, ap);
	va_end(ap);
	return TEST_FAIL;
}

enum test_result test_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(skip_reason, sizeof(skip_reason), fmt, ap);
	va_end(ap);
	return TEST_SKIP;
}

static void watchdog_handler(int sig)
{
	(void)sig;
	test_watchdog_fired = 1;
}

int test_pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

int test_exe_dir(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);
	char *slash;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	return 0;
}

bool test_quirk(const char *name)
{
	const char *q = getenv("HVM_TEST_QUIRKS");
	size_t len = strlen(name);

	while (q && *q) {
		if (!strncmp(q, name, len) && (q[len] == ',' || !q[len]))
			return true;
		q = strchr(q, ',');
		if (q)
			q++;
	}
	return false;
}

void test_watchdog_arm(unsigned int seconds)
{
	test_watchdog_fired = 0;
	alarm(seconds);
}

/* SIGALRM without SA_RESTART, so a stuck HVM_RUN returns EINTR. */
static void install_watchdog(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = watchdog_handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
}

int test_main(const struct test_case *cases, unsigned int nr_cases, bool need_hvm)
{
	unsigned int i, passed = 0, failed = 0, skipped = 0;
	bool have_hvm = access("/dev/hvm", F_OK) == 0;
	enum test_result result;

	setvbuf(stdout, NULL, _IOLBF, 0);
	install_watchdog();
	printf("TAP version 13\n");
	printf("1..%u\n", nr_cases);
	for (i = 0; i < nr_cases; i++) {
		skip_reason[0] = '\0';
		if (need_hvm && !have_hvm) {
			result = test_skip("/dev/hvm is absent (hvm.ko not loaded?)");
		} else {
			test_watchdog_arm(TEST_CASE_TIMEOUT);
			result = cases[i].fn();
			alarm(0);
			install_watchdog();	/* a case may have replaced it */
			if (result == TEST_FAIL && test_watchdog_fired)
				test_diag("the case ran out of time (%u s)",
					  TEST_CASE_TIMEOUT);
		}
		switch (result) {
		case TEST_PASS:
			printf("ok %u - %s\n", i + 1, cases[i].name);
			passed++;
			break;
		case TEST_SKIP:
			printf("ok %u - %s # SKIP %s\n", i + 1, cases[i].name,
			       skip_reason);
			skipped++;
			break;
		default:
			printf("not ok %u - %s\n", i + 1, cases[i].name);
			failed++;
			break;
		}
		fflush(stdout);
	}
	printf("# Totals: pass:%u fail:%u skip:%u\n", passed, failed, skipped);
	if (failed)
		return KSFT_FAIL;
	if (!passed && skipped)
		return KSFT_SKIP;
	return KSFT_PASS;
}
