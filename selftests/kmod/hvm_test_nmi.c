// SPDX-License-Identifier: GPL-2.0
/*
 * hvm_test_nmi: a test-only module that sends NMIs to one CPU and counts the
 * ones the host's NMI handlers receive, and how many of those interrupted
 * hvm.ko's code (the guest-exit paths, where a host NMI that hit a guest is
 * handled).  Used by selftests/test_nmi.c:
 *
 *   echo CPU > /sys/module/hvm_test_nmi/parameters/target
 *   echo N   > /sys/module/hvm_test_nmi/parameters/fire   (waits for each)
 *   cat /sys/module/hvm_test_nmi/parameters/{sent,hits,hits_in_hvm,lost}
 */
#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <asm/apic.h>
#include <asm/nmi.h>

static unsigned int target = 1;
module_param(target, uint, 0644);
MODULE_PARM_DESC(target, "CPU the NMIs are sent to");

static unsigned int sent, hits, hits_in_hvm, lost;
module_param(sent, uint, 0444);
module_param(hits, uint, 0444);
module_param(hits_in_hvm, uint, 0444);
module_param(lost, uint, 0444);

static atomic_t outstanding = ATOMIC_INIT(0);
static DEFINE_MUTEX(fire_lock);

/* Where the last NMI landed; looked up after, outside NMI context. */
static unsigned long last_ip;

static bool ip_in_hvm(unsigned long ip)
{
	char sym[KSYM_SYMBOL_LEN];

	sprint_symbol(sym, ip);
	return strstr(sym, " [hvm]") != NULL;
}

static int test_nmi_handler(unsigned int type, struct pt_regs *regs)
{
	if (smp_processor_id() != READ_ONCE(target) || !atomic_read(&outstanding))
		return NMI_DONE;	/* not ours */
	WRITE_ONCE(last_ip, instruction_pointer(regs));
	smp_mb__before_atomic();	/* last_ip before the sender sees 0 */
	return atomic_add_unless(&outstanding, -1, 0) ? NMI_HANDLED : NMI_DONE;
}

/* Send @n NMIs to @target one at a time, each waited for (up to 100 ms). */
static int fire_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n, i, cpu = READ_ONCE(target);
	int r, wait;

	r = kstrtouint(val, 0, &n);
	if (r)
		return r;
	if (n > 100000 || cpu >= nr_cpu_ids || !cpu_online(cpu))
		return -EINVAL;
	mutex_lock(&fire_lock);
	for (i = 0; i < n; i++) {
		atomic_inc(&outstanding);
		sent++;
		apic->send_IPI(cpu, NMI_VECTOR);
		for (wait = 0; wait < 100000 && atomic_read(&outstanding); wait++)
			udelay(1);
		if (atomic_read(&outstanding) &&
		    atomic_add_unless(&outstanding, -1, 0)) {
			lost++;		/* not delivered: never counted later */
			continue;
		}
		hits++;
		smp_rmb();
		if (ip_in_hvm(READ_ONCE(last_ip)))
			hits_in_hvm++;
	}
	mutex_unlock(&fire_lock);
	return 0;
}

static const struct kernel_param_ops fire_ops = {
	.set = fire_set,
	.get = param_get_uint,
};
static unsigned int fire;
module_param_cb(fire, &fire_ops, &fire, 0200);
MODULE_PARM_DESC(fire, "write N: send N NMIs to the target CPU");

static int __init test_nmi_init(void)
{
	return register_nmi_handler(NMI_LOCAL, test_nmi_handler, 0, "hvm_test_nmi");
}

static void __exit test_nmi_exit(void)
{
	unregister_nmi_handler(NMI_LOCAL, "hvm_test_nmi");
}

module_init(test_nmi_init);
module_exit(test_nmi_exit);
MODULE_DESCRIPTION("hvm selftests: send NMIs to a CPU and count them");
MODULE_LICENSE("GPL");
