// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-run: MSRs hvm does not know, for Linux boots (HVM_ENABLE_USER_MSR_EXITS).
 * Linux reads and writes a few without the exception-safe accessors; on
 * hardware they exist and do nothing that matters to a guest.  Those read
 * 0 and ignore writes here; every other unknown MSR raises #GP, as without
 * user MSR exits.  With -v each MSR is said once on stderr.
 */
#include <pthread.h>
#include <stdio.h>

#include "runner.h"

static const struct {
	__u32 index;
	const char *name;
} benign_msrs[] = {
	{ 0xc001001f, "AMD NB_CFG" },		/* amd_bus_cpu_online() */
	{ 0xc0010058, "AMD MMIO_CONF_BASE" },	/* PCI MMCONFIG probe */
};

#define MSR_SAID_MAX	64

static pthread_mutex_t msr_lock = PTHREAD_MUTEX_INITIALIZER;
static __u32 msr_said[MSR_SAID_MAX];
static unsigned int nr_msr_said;

static void say_once(__u32 index, bool write, const char *what)
{
	unsigned int i;

	pthread_mutex_lock(&msr_lock);
	for (i = 0; i < nr_msr_said; i++)
		if (msr_said[i] == index)
			break;
	if (i == nr_msr_said && nr_msr_said < MSR_SAID_MAX) {
		msr_said[nr_msr_said++] = index;
		fprintf(stderr, "hvm-run: %s of unknown MSR 0x%x: %s\n",
			write ? "WRMSR" : "RDMSR", index, what);
	}
	pthread_mutex_unlock(&msr_lock);
}

/* Answers an HVM_EXIT_RDMSR or HVM_EXIT_WRMSR in run->msr. */
void runner_msr_exit(struct hvm_run *run, bool verbose)
{
	bool write = run->exit_reason == HVM_EXIT_WRMSR;
	unsigned int i;

	for (i = 0; i < sizeof(benign_msrs) / sizeof(benign_msrs[0]); i++) {
		if (benign_msrs[i].index != run->msr.index)
			continue;
		if (!write)
			run->msr.data = 0;
		run->msr.error = 0;
		if (verbose)
			say_once(run->msr.index, write, write ? "ignored" : "reads 0");
		return;
	}
	run->msr.error = 1;
	if (verbose)
		say_once(run->msr.index, write, "#GP");
}
