// SPDX-License-Identifier: GPL-2.0
/*
 * Virtualization on/off: on every online CPU while at least one VM exists
 * (as KVM in Linux 6.1 does), so hvm and kvm_amd/kvm_intel can take turns in
 * one boot.  Also CPU hotplug, reboot/kexec and suspend.
 *
 * Not handled: the NMI-driven emergency reboot/kdump path.  Linux 6.1 has a
 * single emergency-disable callback slot, owned by kvm_amd/kvm_intel while
 * loaded, and a second registration WARNs.
 */
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/mutex.h>
#include <linux/reboot.h>
#include <linux/smp.h>
#include <linux/syscore_ops.h>

#include "hvm.h"
#include "backend.h"
#include "user_return.h"

bool hvm_rebooting;

static DEFINE_MUTEX(hvm_hw_mutex);
/* VMs alive; read by hotplug callbacks under the CPU hotplug lock. */
static int hvm_hw_users;
DEFINE_PER_CPU(bool, hvm_cpu_on);
static enum cpuhp_state hvm_cpuhp_state;

static int hvm_cpu_on_this(void)
{
	int r;

	if (this_cpu_read(hvm_cpu_on))
		return 0;
	r = hvm_ops->cpu_enable();
	if (r) {
		pr_warn_ratelimited("hvm: CPU %d: virtualization is in use by another hypervisor\n",
				    smp_processor_id());
		return r;
	}
	this_cpu_write(hvm_cpu_on, true);
	return 0;
}

static void hvm_cpu_off_this(void)
{
	hvm_uret_cpu_off();
	if (!this_cpu_read(hvm_cpu_on))
		return;
	hvm_ops->cpu_disable();
	this_cpu_write(hvm_cpu_on, false);
}

static void hvm_cpu_on_ipi(void *failed)
{
	if (hvm_cpu_on_this())
		atomic_inc(failed);
}

static void hvm_cpu_off_ipi(void *unused)
{
	hvm_cpu_off_this();
}

/* Take a reference on "virtualization on"; the first one turns it on. */
int hvm_hw_get(void)
{
	atomic_t failed = ATOMIC_INIT(0);
	int r = 0;

	cpus_read_lock();
	mutex_lock(&hvm_hw_mutex);
	if (hvm_rebooting) {
		r = -EBUSY;
	} else if (hvm_hw_users++ == 0) {
		on_each_cpu(hvm_cpu_on_ipi, &failed, 1);
		if (atomic_read(&failed)) {
			on_each_cpu(hvm_cpu_off_ipi, NULL, 1);
			hvm_hw_users = 0;
			pr_info("hvm: another hypervisor holds the hardware; close its VMs first\n");
			r = -EBUSY;
		}
	}
	mutex_unlock(&hvm_hw_mutex);
	cpus_read_unlock();
	return r;
}

void hvm_hw_put(void)
{
	cpus_read_lock();
	mutex_lock(&hvm_hw_mutex);
	if (--hvm_hw_users == 0)
		on_each_cpu(hvm_cpu_off_ipi, NULL, 1);
	mutex_unlock(&hvm_hw_mutex);
	cpus_read_unlock();
}

/* Hotplug callbacks run on the CPU concerned, with the hotplug lock held. */
static int hvm_cpu_online(unsigned int cpu)
{
	int r = 0;

	if (hvm_hw_users) {
		local_irq_disable();
		r = hvm_cpu_on_this();
		local_irq_enable();
	}
	return r;
}

static int hvm_cpu_offline(unsigned int cpu)
{
	if (hvm_hw_users) {
		local_irq_disable();
		hvm_cpu_off_this();
		local_irq_enable();
	}
	return 0;
}

static int hvm_reboot(struct notifier_block *nb, unsigned long code, void *v)
{
	/* VM exits after this point are expected to fault; see the .S fixups. */
	hvm_rebooting = true;
	on_each_cpu(hvm_cpu_off_ipi, NULL, 1);
	return NOTIFY_OK;
}

static struct notifier_block hvm_reboot_nb = {
	.notifier_call = hvm_reboot,
	.priority = 0,
};

/* Suspend runs this on the one CPU left online, interrupts off. */
static int hvm_suspend(void)
{
	if (hvm_hw_users)
		hvm_cpu_off_this();
	return 0;
}

static void hvm_resume(void)
{
	if (hvm_hw_users && hvm_cpu_on_this())
		pr_warn("hvm: could not turn virtualization back on after resume\n");
}

static struct syscore_ops hvm_syscore_ops = {
	.suspend = hvm_suspend,
	.resume = hvm_resume,
};

int hvm_hw_init(void)
{
	int r;

	r = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "hvm:online",
				      hvm_cpu_online, hvm_cpu_offline);
	if (r < 0)
		return r;
	hvm_cpuhp_state = r;
	register_reboot_notifier(&hvm_reboot_nb);
	register_syscore_ops(&hvm_syscore_ops);
	return 0;
}

void hvm_hw_exit(void)
{
	unregister_syscore_ops(&hvm_syscore_ops);
	unregister_reboot_notifier(&hvm_reboot_nb);
	cpuhp_remove_state_nocalls(hvm_cpuhp_state);
}
