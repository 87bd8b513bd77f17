// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-run: MSRs hvm does not know, for Linux boots (HVM_ENABLE_USER_MSR_EXITS).
 * Each raises #GP, as without user MSR exits; with -v each is said once on
 * stderr.  (The AMD MSRs Linux touches unguarded, NB_CFG, MMIO_CONF_BASE
 * and INT_PENDING_MSG, hvm itself answers: they never come here.)
 */
#include <pthread.h>
#include <stdio.h>

#include "runner.h"

#define MSR_SAID_MAX	64

static pthread_mutex_t msr_lock = PTHREAD_MUTEX_INITIALIZER;
static __u32 msr_said[MSR_SAID_MAX];
static unsigned int nr_msr_said;

static void say_once(__u32 index, bool write)
{
	unsigned int i;

	pthread_mutex_lock(&msr_lock);
	for (i = 0; i < nr_msr_said; i++)
		if (msr_said[i] == index)
			break;
	if (i == nr_msr_said && nr_msr_said < MSR_SAID_MAX) {
		msr_said[nr_msr_said++] = index;
		fprintf(stderr, "hvm-run: %s of unknown MSR 0x%x: #GP\n",
			write ? "WRMSR" : "RDMSR", index);
	}
	pthread_mutex_unlock(&msr_lock);
}

/* Answers an HVM_EXIT_RDMSR or HVM_EXIT_WRMSR in run->msr. */
void runner_msr_exit(struct hvm_run *run, bool verbose)
{
	run->msr.error = 1;
	if (verbose)
		say_once(run->msr.index, run->exit_reason == HVM_EXIT_WRMSR);
}
