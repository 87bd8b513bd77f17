// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl fuzzer (selftests/fuzz/): random sequences of every /dev/hvm
 * ioctl on random fds with boundary and random arguments, first on one
 * thread, then with threads racing on one VM and its vCPUs (RUN against
 * SET_*, memory slots, IRQ lines, close, munmap, fork).  Deterministic
 * from the seed it prints.  A case fails for an answer outside the errnos
 * Documentation/abi.rst allows, or a crash or hang; the kernel's log is
 * judged by the harness (WARN, BUG, oops, lockdep, leaks).
 *
 *   test_fuzz [--seed N] [--calls N] [--threads N] [--seconds N]
 *             [--round R] [--per-round N] [--only single|race]
 * Options also come from HVM_FUZZ_ARGS (make fuzz).  Without any: a short
 * pass for make check (FUZZ_SHORT_CALLS calls, at most FUZZ_SHORT_SECONDS s).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"
#include "guest.h"
#include "test.h"

#define FUZZ_SHORT_CALLS	60000
#define FUZZ_SHORT_SECONDS	40
#define FUZZ_PER_ROUND		2000
#define FUZZ_THREADS		3

static struct fz_config cfg = {
	.calls = FUZZ_SHORT_CALLS,
	.threads = FUZZ_THREADS,
	.seconds = FUZZ_SHORT_SECONDS,
	.calls_per_round = FUZZ_PER_ROUND,
	.trace = true,
};
static const char *only;
static struct fz_stats *stats;
static double elapsed;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One phase: its share of calls and seconds, with nt threads. */
static enum test_result phase(const char *name, unsigned int nt, __u64 calls,
			      unsigned int seconds)
{
	struct fz_config c = cfg;
	__u64 bad = stats->nr_bad, made;
	double t0 = now();

	if (only && strcmp(only, name))
		return test_skip("--only %s", only);
	c.threads = nt;
	c.calls = calls;
	c.seconds = seconds;
	/* The round seed depends on the thread count too. */
	c.seed = nt > 1 ? fz_mix(cfg.seed, nt) : cfg.seed;
	test_watchdog_arm(seconds ? seconds + 60 : 0);
	made = fz_run(&c, stats, (volatile int *)&test_watchdog_fired);
	elapsed += now() - t0;
	test_diag("%s: %llu calls, %u thread(s), %.1f s", name,
		  (unsigned long long)made, nt, now() - t0);
	if (test_watchdog_fired)
		return test_fail("%s: the watchdog fired: a call hung", name);
	if (!made)
		return test_fail("%s: no call made", name);
	if (stats->nr_bad != bad) {
		fz_stats_print_bad(stats, bad);
		return test_fail("replay a round: test_fuzz --seed %llu --only %s --threads %u --round R",
				 (unsigned long long)cfg.seed, name, nt);
	}
	return TEST_PASS;
}

static enum test_result test_single(void)
{
	__u64 calls = only ? cfg.calls : cfg.calls / 2;

	return phase("single", 1, calls, only ? cfg.seconds : cfg.seconds / 2);
}

static enum test_result test_race(void)
{
	__u64 calls = only ? cfg.calls : cfg.calls - cfg.calls / 2;

	return phase("race", cfg.threads, calls,
		     only ? cfg.seconds : cfg.seconds - cfg.seconds / 2);
}

GUEST_ASM(guest_after, ".code64", "mov $42, %eax\n\t" G_REPORT G_DONE);

static enum test_result test_after(void)
{
	struct ucall uc;
	struct tvm t;

	fz_stats_print(stats, elapsed);
	TVM_CREATE(&t, HVM_MODE_LONG64, guest_after);
	TEST_ASSERT(ucall_run(t.vcpu, &uc) == UCALL_REPORT && uc.value == 42,
		    "the guest did not report 42");
	TEST_ASSERT(ucall_run_to_done(t.vcpu), "the guest did not finish");
	tvm_destroy(&t);
	return TEST_PASS;
}

static const struct test_case cases[] = {
	{ "one thread: random ioctls, fds and arguments get only documented errnos",
	  test_single },
	{ "threads racing on one VM (RUN, SET_*, slots, IRQs, close, munmap, fork): "
	  "only documented errnos, no hang", test_race },
	{ "after the fuzzing a new VM still runs a guest", test_after },
};

static int parse(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			return -1;
		i++;
		if (!strcmp(o, "--seed"))
			cfg.seed = strtoull(v, NULL, 0);
		else if (!strcmp(o, "--calls"))
			cfg.calls = strtoull(v, NULL, 0);
		else if (!strcmp(o, "--threads"))
			cfg.threads = strtoul(v, NULL, 0);
		else if (!strcmp(o, "--seconds"))
			cfg.seconds = strtoul(v, NULL, 0);
		else if (!strcmp(o, "--round"))
			cfg.first_round = strtoull(v, NULL, 0);
		else if (!strcmp(o, "--per-round"))
			cfg.calls_per_round = strtoull(v, NULL, 0);
		else if (!strcmp(o, "--only") && (!strcmp(v, "single") || !strcmp(v, "race")))
			only = v;
		else
			return -1;
	}
	return 0;
}

/* HVM_FUZZ_ARGS: the same options, separated by spaces or '+'. */
static int parse_env(void)
{
	char *s = getenv("HVM_FUZZ_ARGS"), *argv[32], *tok, *save;
	int argc = 1;

	if (!s || !*s)
		return 0;
	s = strdup(s);
	argv[0] = "test_fuzz";
	for (tok = strtok_r(s, " +", &save); tok && argc < 32; tok = strtok_r(NULL, " +", &save))
		argv[argc++] = tok;
	return parse(argc, argv);
}

int main(int argc, char **argv)
{
	cfg.seed = (__u64)time(NULL) ^ ((__u64)getpid() << 32);
	if (parse_env() || parse(argc, argv)) {
		fprintf(stderr, "usage: %s [--seed N] [--calls N] [--threads N] [--seconds N (0: no limit)]\n"
			"       [--round R] [--per-round N] [--only single|race]\n", argv[0]);
		return 2;
	}
	if (!cfg.calls_per_round)
		cfg.calls_per_round = FUZZ_PER_ROUND;
	/* An emulator where a guest can hold a CPU or end the emulator:
	 * no guest state the fuzzer made up ever runs. */
	cfg.tame = test_quirk("no-intr-exit-if0") || test_quirk("triple-fault-fatal");
	stats = fz_stats_create();
	if (!stats) {
		perror("mmap");
		return 1;
	}
	printf("# fuzz: seed %llu calls %llu threads %u seconds %u per-round %llu%s\n",
	       (unsigned long long)cfg.seed, (unsigned long long)cfg.calls, cfg.threads,
	       cfg.seconds, (unsigned long long)cfg.calls_per_round,
	       cfg.tame ? " (tame: emulator quirks, RUN only with immediate_exit)" : "");
	printf("# fuzz: reproduce with: test_fuzz --seed %llu --calls %llu --threads %u\n",
	       (unsigned long long)cfg.seed, (unsigned long long)cfg.calls, cfg.threads);
	return test_main(cases, ARRAY_SIZE(cases), true);
}
