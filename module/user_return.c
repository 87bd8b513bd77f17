// SPDX-License-Identifier: GPL-2.0
/*
 * User-return MSRs (see user_return.h).  Per CPU: the host's values, read
 * once, the values now in the MSRs, and a notifier armed while any differs.
 * Linux's user-return notifiers fire on the way out to user space of
 * whichever task runs on the CPU, so a guest's LSTAR is never live when
 * the host can execute SYSCALL.
 */
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/user-return-notifier.h>
#include <asm/msr.h>

#include "user_return.h"

#ifndef CONFIG_USER_RETURN_NOTIFIER
#error "hvm needs CONFIG_USER_RETURN_NOTIFIER (KVM selects it)"
#endif

static const u32 hvm_uret_index[HVM_URET_NR] = {
	[HVM_URET_STAR] = MSR_STAR,
	[HVM_URET_LSTAR] = MSR_LSTAR,
	[HVM_URET_CSTAR] = MSR_CSTAR,
	[HVM_URET_SFMASK] = MSR_SYSCALL_MASK,
	[HVM_URET_TSC_AUX] = MSR_TSC_AUX,
};

struct hvm_uret_cpu {
	struct user_return_notifier urn;
	bool armed;		/* notifier registered on this CPU */
	u32 host_read;		/* bit per MSR: host[] holds its value */
	u64 host[HVM_URET_NR];
	u64 curr[HVM_URET_NR];	/* valid for MSRs not equal to the host's */
	u32 dirty;		/* bit per MSR: curr[] is a guest's value */
};

static DEFINE_PER_CPU(struct hvm_uret_cpu, hvm_uret_cpus);

/* Interrupts off (or in the notifier, which Linux runs with them off). */
static void hvm_uret_restore(struct hvm_uret_cpu *u)
{
	unsigned int i;

	for (i = 0; i < HVM_URET_NR; i++)
		if (u->dirty & BIT(i))
			wrmsrl(hvm_uret_index[i], u->host[i]);
	u->dirty = 0;
	if (u->armed) {
		user_return_notifier_unregister(&u->urn);
		u->armed = false;
	}
}

static void hvm_uret_on_user_return(struct user_return_notifier *urn)
{
	struct hvm_uret_cpu *u = container_of(urn, struct hvm_uret_cpu, urn);
	unsigned long flags;

	/* hvm_uret_cpu_off() may run from an IPI: keep it out. */
	local_irq_save(flags);
	hvm_uret_restore(u);
	local_irq_restore(flags);
}

u64 hvm_uret_host_value(enum hvm_uret_msr msr)
{
	struct hvm_uret_cpu *u = this_cpu_ptr(&hvm_uret_cpus);

	if (!(u->host_read & BIT(msr))) {
		rdmsrl(hvm_uret_index[msr], u->host[msr]);
		u->host_read |= BIT(msr);
	}
	return u->host[msr];
}

void hvm_uret_set(enum hvm_uret_msr msr, u64 val)
{
	struct hvm_uret_cpu *u = this_cpu_ptr(&hvm_uret_cpus);
	u64 host = hvm_uret_host_value(msr);
	unsigned long flags;

	if (u->dirty & BIT(msr) ? u->curr[msr] == val : host == val)
		return;
	local_irq_save(flags);
	wrmsrl(hvm_uret_index[msr], val);
	u->curr[msr] = val;
	if (val == host)
		u->dirty &= ~BIT(msr);
	else
		u->dirty |= BIT(msr);
	if (u->dirty && !u->armed) {
		u->urn.on_user_return = hvm_uret_on_user_return;
		user_return_notifier_register(&u->urn);
		u->armed = true;
	}
	local_irq_restore(flags);
}

void hvm_uret_cpu_off(void)
{
	struct hvm_uret_cpu *u = this_cpu_ptr(&hvm_uret_cpus);
	unsigned long flags;

	local_irq_save(flags);
	hvm_uret_restore(u);
	/* Read the host's values again next time (a CPU may come back). */
	u->host_read = 0;
	local_irq_restore(flags);
}
