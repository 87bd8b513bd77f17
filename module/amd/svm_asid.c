// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU SVM state: the host save area (VM_HSAVE_PA), a page for the host
 * state that VMSAVE/VMLOAD switch, and ASID allocation.  ASIDs are handed
 * out per CPU; when they run out, a new generation starts with a flush of
 * the whole TLB (APM 15.16), so a vCPU never reuses a stale ASID.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/io.h>
#include <linux/percpu.h>

#include "svm.h"

struct svm_cpu {
	struct page *hsave;		/* VM_HSAVE_PA: VMRUN's host area */
	struct page *host_save;		/* host FS/GS/TR/LDTR/SYSCALL MSRs */
	u64 asid_generation;
	u32 next_asid;
};

static DEFINE_PER_CPU(struct svm_cpu, svm_cpus);

u64 svm_host_save_pa(int cpu)
{
	return page_to_phys(per_cpu(svm_cpus, cpu).host_save);
}

u64 svm_hsave_pa(int cpu)
{
	return page_to_phys(per_cpu(svm_cpus, cpu).hsave);
}

void svm_asid_unsetup(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct svm_cpu *sd = per_cpu_ptr(&svm_cpus, cpu);

		if (sd->hsave)
			__free_page(sd->hsave);
		if (sd->host_save)
			__free_page(sd->host_save);
		sd->hsave = NULL;
		sd->host_save = NULL;
	}
}

int svm_asid_setup(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct svm_cpu *sd = per_cpu_ptr(&svm_cpus, cpu);
		int node = cpu_to_node(cpu);

		sd->hsave = alloc_pages_node(node, GFP_KERNEL | __GFP_ZERO, 0);
		sd->host_save = alloc_pages_node(node, GFP_KERNEL | __GFP_ZERO, 0);
		if (!sd->hsave || !sd->host_save) {
			svm_asid_unsetup();
			return -ENOMEM;
		}
	}
	return 0;
}

/* SVM was just turned on here: whatever the TLB holds is someone else's. */
void svm_asid_cpu_enable(void)
{
	struct svm_cpu *sd = this_cpu_ptr(&svm_cpus);

	sd->asid_generation++;
	sd->next_asid = svm_nr_asids;	/* forces a new generation */
}

/* With interrupts off, right before VMRUN. */
void svm_asid_pre_run(struct svm_vcpu *svm, int cpu)
{
	struct svm_cpu *sd = per_cpu_ptr(&svm_cpus, cpu);

	if (svm->asid_cpu == cpu && svm->asid_generation == sd->asid_generation)
		return;
	if (sd->next_asid >= svm_nr_asids) {
		sd->asid_generation++;
		sd->next_asid = 1;		/* ASID 0 is the host's */
		svm->vmcb->control.tlb_ctl = SVM_TLB_FLUSH_ALL;
	}
	svm->asid = sd->next_asid++;
	svm->asid_cpu = cpu;
	svm->asid_generation = sd->asid_generation;
	svm->vmcb->control.asid = svm->asid;
	svm_mark_dirty(svm, SVM_CLEAN_ASID);
}

/* Drop this vCPU's translations before its next entry. */
void svm_asid_flush(struct svm_vcpu *svm)
{
	if (svm_use_flush_asid)
		svm->vmcb->control.tlb_ctl = SVM_TLB_FLUSH_ASID;
	else
		svm->asid_generation = 0;	/* a fresh ASID */
}
