// SPDX-License-Identifier: GPL-2.0
/*
 * The VM object and its fd.  A VM lives until its fd and every vCPU fd are
 * closed: each holds a reference.  VM ioctls are dispatched from a table
 * whose entries say which lock they need.
 */
#include <linux/anon_inodes.h>
#include <linux/debugfs.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <asm/msr.h>

#include "hvm.h"
#include "backend.h"
#include "ioapic.h"
#include "pic.h"
#include "pm_timer.h"

/* Never reused, unlike a VM's address (vcpu.c: IBPB between VMs). */
static atomic64_t hvm_vm_ids = ATOMIC64_INIT(0);

/* debugfs hvm/: one directory per VM, as KVM's kvm/<pid>-<fd>/. */
static struct dentry *hvm_debugfs_root;

void hvm_debugfs_init(void)
{
	hvm_debugfs_root = debugfs_create_dir("hvm", NULL);
}

void hvm_debugfs_exit(void)
{
	debugfs_remove_recursive(hvm_debugfs_root);
}

/*
 * Read-only statistics for tests and debugging, never needed to run a VM:
 * a failure (no debugfs, the name still taken by an earlier VM of this
 * process whose vCPU fds outlive its VM fd) only leaves them out.
 */
static void hvm_vm_debugfs_create(struct hvm_vm *vm, int fd)
{
	char name[32];

	snprintf(name, sizeof(name), "%d-%d", task_pid_nr(current), fd);
	vm->debugfs = debugfs_create_dir(name, hvm_debugfs_root);
	debugfs_create_ulong("tdp_tables", 0444, vm->debugfs,
			     &vm->tdp.nr_tables);
}

static void hvm_vm_free(struct kref *kref)
{
	struct hvm_vm *vm = container_of(kref, struct hvm_vm, kref);
	int i;

	/* Waits for readers of the files in it. */
	debugfs_remove_recursive(vm->debugfs);
	for (i = 0; i < HVM_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			hvm_vcpu_destroy(vm->vcpus[i]);
	hvm_ops->vm_destroy(vm);
	hvm_ioapic_destroy(vm);
	hvm_pic_destroy(vm);
	hvm_memslots_free(vm);
	hvm_tdp_destroy(&vm->tdp);
	cleanup_srcu_struct(&vm->srcu);
	mmdrop(vm->mm);
	kfree(vm);
	hvm_hw_put();
}

void hvm_vm_put(struct hvm_vm *vm)
{
	kref_put(&vm->kref, hvm_vm_free);
}

/* Kick every vCPU out of guest mode and have it flush before re-entry. */
void hvm_vm_flush_remote_tlbs(struct hvm_vm *vm)
{
	int i;

	for (i = 0; i < HVM_MAX_VCPUS; i++) {
		struct hvm_vcpu *vcpu = READ_ONCE(vm->vcpus[i]);

		if (!vcpu)
			continue;
		set_bit(HVM_REQ_TLB_FLUSH, &vcpu->requests);
		hvm_vcpu_kick(vcpu);
	}
}

static long hvm_vm_set_memory_region(struct hvm_vm *vm, unsigned long arg)
{
	struct hvm_memory_region r;

	if (copy_from_user(&r, (void __user *)arg, sizeof(r)))
		return -EFAULT;
	return hvm_memslot_set(vm, &r);
}

static long hvm_vm_create_vcpu(struct hvm_vm *vm, unsigned long arg)
{
	return hvm_vcpu_create(vm, arg);
}

/* HVM_CREATE_IRQCHIP: every vCPU created after it gets a local APIC. */
static long hvm_vm_create_irqchip(struct hvm_vm *vm, unsigned long arg)
{
	int i, r;

	if (arg)
		return -EINVAL;
	if (vm->irqchip)
		return -EEXIST;
	for (i = 0; i < HVM_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			return -EBUSY;
	r = hvm_ioapic_create(vm);
	if (r)
		return r;
	r = hvm_pic_create(vm);
	if (r) {
		hvm_ioapic_destroy(vm);
		return r;
	}
	WRITE_ONCE(vm->irqchip, true);
	return 0;
}

/* Both controllers' inputs on GSI @gsi; *status the better of theirs. */
static int hvm_vm_set_gsi(struct hvm_vm *vm, u32 gsi, u32 level, int *status)
{
	int r, pic_irq;

	if (level > 1)
		return -EINVAL;
	if (!READ_ONCE(vm->irqchip))
		return -ENXIO;
	r = hvm_ioapic_set_irq(vm, gsi, level, status);
	if (r)
		return r;
	pic_irq = hvm_pic_gsi_to_irq(gsi);
	if (pic_irq >= 0)
		*status = max(*status, hvm_pic_set_irq(vm, pic_irq, level));
	return 0;
}

static long hvm_vm_irq_line(struct hvm_vm *vm, unsigned long arg)
{
	struct hvm_irq_level l;
	int status;

	if (copy_from_user(&l, (void __user *)arg, sizeof(l)))
		return -EFAULT;
	return hvm_vm_set_gsi(vm, l.irq, l.level, &status);
}

static long hvm_vm_irq_line_status(struct hvm_vm *vm, unsigned long arg)
{
	struct hvm_irq_status __user *u = (void __user *)arg;
	struct hvm_irq_status s;
	int r;

	if (copy_from_user(&s, u, sizeof(s)))
		return -EFAULT;
	if (s.reserved)
		return -EINVAL;
	r = hvm_vm_set_gsi(vm, s.irq, s.level, &s.status);
	if (r)
		return r;
	return copy_to_user(u, &s, sizeof(s)) ? -EFAULT : 0;
}

static long hvm_vm_set_pm_timer(struct hvm_vm *vm, unsigned long arg)
{
	return hvm_pm_timer_set_port(vm, arg);
}

static long hvm_vm_enable_user_msr_exits(struct hvm_vm *vm, unsigned long arg)
{
	if (arg & ~(unsigned long)HVM_MSR_EXIT_UNKNOWN)
		return -EINVAL;
	WRITE_ONCE(vm->user_msr_exits, arg);
	return 0;
}

/* The ioctl table: each entry names the lock it runs under. */
enum hvm_vm_lock { HVM_VM_LOCK_NONE, HVM_VM_LOCK_VM };

static const struct hvm_vm_ioctl {
	unsigned int cmd;
	long (*fn)(struct hvm_vm *vm, unsigned long arg);
	enum hvm_vm_lock lock;
} hvm_vm_ioctls[] = {
	/* hvm_memslot_set takes vm->lock itself, after its allocations. */
	{ HVM_SET_MEMORY_REGION, hvm_vm_set_memory_region, HVM_VM_LOCK_NONE },
	{ HVM_CREATE_VCPU, hvm_vm_create_vcpu, HVM_VM_LOCK_VM },
	{ HVM_CREATE_IRQCHIP, hvm_vm_create_irqchip, HVM_VM_LOCK_VM },
	/* The I/O APIC has its own spinlock. */
	{ HVM_IRQ_LINE, hvm_vm_irq_line, HVM_VM_LOCK_NONE },
	{ HVM_IRQ_LINE_STATUS, hvm_vm_irq_line_status, HVM_VM_LOCK_NONE },
	{ HVM_ENABLE_USER_MSR_EXITS, hvm_vm_enable_user_msr_exits, HVM_VM_LOCK_VM },
	{ HVM_SET_PM_TIMER, hvm_vm_set_pm_timer, HVM_VM_LOCK_VM },
};

static long hvm_vm_ioctl(struct file *filp, unsigned int cmd,
			 unsigned long arg)
{
	struct hvm_vm *vm = filp->private_data;
	long r;
	int i;

	if (current->mm != vm->mm)
		return -EIO;
	for (i = 0; i < ARRAY_SIZE(hvm_vm_ioctls); i++) {
		const struct hvm_vm_ioctl *e = &hvm_vm_ioctls[i];

		if (e->cmd != cmd)
			continue;
		if (e->lock == HVM_VM_LOCK_VM)
			mutex_lock(&vm->lock);
		r = e->fn(vm, arg);
		if (e->lock == HVM_VM_LOCK_VM)
			mutex_unlock(&vm->lock);
		return r;
	}
	return -ENOTTY;
}

static int hvm_vm_release(struct inode *inode, struct file *filp)
{
	hvm_vm_put(filp->private_data);
	return 0;
}

static const struct file_operations hvm_vm_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = hvm_vm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.release = hvm_vm_release,
	.llseek = noop_llseek,
};

int hvm_vm_create(void)
{
	struct hvm_memslots *slots;
	struct file *file;
	struct hvm_vm *vm;
	int r, fd;

	r = hvm_hw_get();
	if (r)
		return r;

	r = -ENOMEM;
	vm = kzalloc(hvm_ops->vm_size, GFP_KERNEL_ACCOUNT);
	if (!vm)
		goto err_hw;
	kref_init(&vm->kref);
	mutex_init(&vm->lock);
	vm->id = atomic64_inc_return(&hvm_vm_ids);
	/* The guest's TSC starts near 0 and runs with the host's. */
	vm->tsc_offset = -rdtsc();
	vm->mm = current->mm;
	mmgrab(vm->mm);
	r = init_srcu_struct(&vm->srcu);
	if (r)
		goto err_free;
	r = -ENOMEM;
	slots = kzalloc(sizeof(*slots), GFP_KERNEL_ACCOUNT);
	if (!slots)
		goto err_srcu;
	RCU_INIT_POINTER(vm->memslots, slots);
	r = hvm_tdp_init(&vm->tdp, hvm_ops->tdp_format, hvm_ops->tdp_levels());
	if (r)
		goto err_slots;
	r = hvm_ops->vm_init(vm);
	if (r)
		goto err_tdp;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		r = fd;
		goto err_backend;
	}
	file = anon_inode_getfile("hvm-vm", &hvm_vm_fops, vm, O_RDWR);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		r = PTR_ERR(file);
		goto err_backend;
	}
	/* Before the fd is installed: a close from another thread then
	 * finds the directory already there to remove. */
	hvm_vm_debugfs_create(vm, fd);
	fd_install(fd, file);
	return fd;

err_backend:
	hvm_ops->vm_destroy(vm);
err_tdp:
	hvm_tdp_destroy(&vm->tdp);
err_slots:
	kfree(slots);
err_srcu:
	cleanup_srcu_struct(&vm->srcu);
err_free:
	mmdrop(vm->mm);
	kfree(vm);
err_hw:
	hvm_hw_put();
	return r;
}
