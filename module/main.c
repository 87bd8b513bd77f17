// SPDX-License-Identifier: GPL-2.0
/*
 * hvm.ko: module load/unload and /dev/hvm, the system-level ioctls.
 * VM ioctls live in vm.c, vCPU ioctls in vcpu.c.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include <asm/tsc.h>

#include "hvm.h"
#include "backend.h"
#include "emulate.h"

const struct hvm_backend_ops *hvm_ops;

static long hvm_dev_get_info(void __user *argp)
{
	struct hvm_info info = {
		.backend = hvm_ops->backend_id,
		.npt_levels = hvm_ops->tdp_levels(),
		.features = HVM_FEATURE_NPT,
		.max_vcpus = HVM_MAX_VCPUS,
		.max_slots = HVM_MAX_SLOTS,
	};

	hvm_ops->fill_info(&info);
	return copy_to_user(argp, &info, sizeof(info)) ? -EFAULT : 0;
}

static long hvm_dev_ioctl(struct file *filp, unsigned int cmd,
			  unsigned long arg)
{
	switch (cmd) {
	case HVM_GET_API_VERSION:
		return arg ? -EINVAL : HVM_API_VERSION;
	case HVM_CREATE_VM:
		return arg ? -EINVAL : hvm_vm_create();
	case HVM_GET_VCPU_MMAP_SIZE:
		return arg ? -EINVAL : PAGE_SIZE;
	case HVM_GET_INFO:
		return hvm_dev_get_info((void __user *)arg);
	case HVM_GET_SUPPORTED_CPUID:
		return hvm_cpuid_get_supported((void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations hvm_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = hvm_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice hvm_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "hvm",
	.fops = &hvm_dev_fops,
	.mode = 0600,		/* root only by default */
};

static int __init hvm_init(void)
{
	int r;

	/* Jailhouse-style: one backend, picked from what the CPU has. */
	if (boot_cpu_has(X86_FEATURE_SVM)) {
		hvm_ops = &hvm_svm_ops;
	} else if (boot_cpu_has(X86_FEATURE_VMX)) {
		hvm_ops = &hvm_vmx_ops;
	} else {
		pr_err("hvm: this CPU has neither AMD-V (SVM) nor usable VT-x (VMX)\n");
		return -EOPNOTSUPP;
	}

	/* The guest's TSC-deadline timer and CPUID's TSC leaves need it. */
	if (!boot_cpu_has(X86_FEATURE_TSC) || !tsc_khz) {
		pr_err("hvm: the host's TSC frequency is unknown (tsc_khz is 0)\n");
		return -EOPNOTSUPP;
	}

	r = hvm_ops->setup();
	if (r)
		return r;
	hvm_vcpu_preempt_init();
	hvm_xstate_init();
	r = hvm_cpuid_init();
	if (r)
		goto err_unsetup;
	r = hvm_hw_init();
	if (r)
		goto err_cpuid;
	hvm_debugfs_init();
	r = misc_register(&hvm_dev);
	if (r)
		goto err_debugfs;
	pr_info("hvm: %s backend ready, %d-level nested paging\n",
		hvm_ops->name, hvm_ops->tdp_levels());
	return 0;

err_debugfs:
	hvm_debugfs_exit();
	hvm_hw_exit();
err_cpuid:
	hvm_cpuid_exit();
err_unsetup:
	preempt_notifier_dec();
	hvm_ops->unsetup();
	return r;
}

static void __exit hvm_exit(void)
{
	misc_deregister(&hvm_dev);
	hvm_debugfs_exit();
	hvm_hw_exit();
	hvm_cpuid_exit();
	preempt_notifier_dec();
	hvm_ops->unsetup();
}

module_init(hvm_init);
module_exit(hvm_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hvm: a small hardware-assisted hypervisor");
