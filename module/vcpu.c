// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU object and its fd: creation, the ioctl table, the run page,
 * preempt notifiers and kicks.  The run loop itself is in run.c.
 */
#include <linux/anon_inodes.h>
#include <linux/debugfs.h>
#include <linux/mm.h>
#include <linux/io.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/uaccess.h>
#include <asm/nospec-branch.h>
#include <asm/processor-flags.h>

#include "hvm.h"
#include "backend.h"
#include "emulate.h"
#include "events.h"
#include "guest_mem.h"
#include "lapic.h"

static struct preempt_ops hvm_preempt_ops;

static struct hvm_vcpu *preempt_notifier_to_vcpu(struct preempt_notifier *pn)
{
	return container_of(pn, struct hvm_vcpu, preempt_notifier);
}

/* The VM whose vCPU this CPU ran last (its id: addresses get reused). */
static DEFINE_PER_CPU(u64, hvm_last_vm_id);

/*
 * Preemption off.  A guest must not steer another guest's indirect
 * branches: when this CPU takes up a vCPU of another VM than the one it
 * ran last, an IBPB, where the host's Spectre v2 user mitigation uses
 * them (X86_FEATURE_USE_IBPB, as it does between user processes).
 */
static void hvm_vcpu_load_cpu(struct hvm_vcpu *vcpu, int cpu)
{
	WRITE_ONCE(vcpu->cpu, cpu);
	if (this_cpu_read(hvm_last_vm_id) != vcpu->vm->id) {
		this_cpu_write(hvm_last_vm_id, vcpu->vm->id);
		indirect_branch_prediction_barrier();
	}
	hvm_ops->vcpu_load(vcpu, cpu);
}

static void hvm_sched_in(struct preempt_notifier *pn, int cpu)
{
	hvm_vcpu_load_cpu(preempt_notifier_to_vcpu(pn), cpu);
}

static void hvm_sched_out(struct preempt_notifier *pn, struct task_struct *next)
{
	struct hvm_vcpu *vcpu = preempt_notifier_to_vcpu(pn);

	hvm_ops->vcpu_put(vcpu);
	vcpu->tsc_aux_loaded = false;	/* msr.c: load it again */
	WRITE_ONCE(vcpu->cpu, -1);
}

void hvm_vcpu_preempt_init(void)
{
	hvm_preempt_ops.sched_in = hvm_sched_in;
	hvm_preempt_ops.sched_out = hvm_sched_out;
	preempt_notifier_inc();
}

/* Around every vCPU ioctl: the vCPU is "loaded" on the caller's CPU. */
static void hvm_vcpu_load(struct hvm_vcpu *vcpu)
{
	int cpu = get_cpu();

	preempt_notifier_register(&vcpu->preempt_notifier);
	hvm_vcpu_load_cpu(vcpu, cpu);
	put_cpu();
}

static void hvm_vcpu_put(struct hvm_vcpu *vcpu)
{
	preempt_disable();
	hvm_ops->vcpu_put(vcpu);
	vcpu->tsc_aux_loaded = false;
	WRITE_ONCE(vcpu->cpu, -1);
	preempt_notifier_unregister(&vcpu->preempt_notifier);
	preempt_enable();
}

static void hvm_kick_ipi(void *unused)
{
	/* The IPI itself made the guest exit; nothing else to do. */
}

/*
 * Force @vcpu out of guest mode and wait until it is out: a requester sets
 * its request bit first, and the vCPU checks requests with interrupts off
 * after entering IN_GUEST_MODE, so either the vCPU sees the bit before it
 * enters or we see it in (or leaving) guest mode here.
 *
 * EXITING_GUEST_MODE is no proof that the CPU has left the guest: another
 * kick (hvm_vcpu_kick_nowait(), from an interrupt line, a timer, an IPI)
 * set it and sent a reschedule IPI that may not have arrived yet, so the
 * guest may still be running with translations the caller is about to
 * free.  So we interrupt the CPU in both modes, and smp_call_function_single()
 * with wait returns only once the target ran the function with interrupts
 * on, i.e. after it left the guest (as KVM_REQUEST_WAIT does whenever the
 * mode is not OUTSIDE_GUEST_MODE).
 */
void hvm_vcpu_kick(struct hvm_vcpu *vcpu)
{
	int cpu, me;

	smp_mb__after_atomic();
	if (cmpxchg(&vcpu->mode, HVM_IN_GUEST_MODE, HVM_EXITING_GUEST_MODE) ==
	    HVM_OUTSIDE_GUEST_MODE)
		return;
	me = get_cpu();
	cpu = READ_ONCE(vcpu->cpu);
	if (cpu >= 0 && cpu != me && cpu_online(cpu))
		smp_call_function_single(cpu, hvm_kick_ipi, NULL, 1);
	put_cpu();
}

static long hvm_vcpu_ioctl_run(struct hvm_vcpu *vcpu, void __user *argp)
{
	if (argp)
		return -EINVAL;
	return hvm_vcpu_run(vcpu);
}

static long hvm_vcpu_get_regs(struct hvm_vcpu *vcpu, void __user *argp)
{
	struct hvm_regs r;

	memset(&r, 0, sizeof(r));
	r.rax = vcpu->regs[HVM_RAX];
	r.rbx = vcpu->regs[HVM_RBX];
	r.rcx = vcpu->regs[HVM_RCX];
	r.rdx = vcpu->regs[HVM_RDX];
	r.rsi = vcpu->regs[HVM_RSI];
	r.rdi = vcpu->regs[HVM_RDI];
	r.rsp = vcpu->regs[HVM_RSP];
	r.rbp = vcpu->regs[HVM_RBP];
	r.r8 = vcpu->regs[HVM_R8];
	r.r9 = vcpu->regs[HVM_R9];
	r.r10 = vcpu->regs[HVM_R10];
	r.r11 = vcpu->regs[HVM_R11];
	r.r12 = vcpu->regs[HVM_R12];
	r.r13 = vcpu->regs[HVM_R13];
	r.r14 = vcpu->regs[HVM_R14];
	r.r15 = vcpu->regs[HVM_R15];
	r.rip = vcpu->rip;
	r.rflags = vcpu->rflags;
	return copy_to_user(argp, &r, sizeof(r)) ? -EFAULT : 0;
}

static long hvm_vcpu_set_regs(struct hvm_vcpu *vcpu, void __user *argp)
{
	struct hvm_regs r;

	if (copy_from_user(&r, argp, sizeof(r)))
		return -EFAULT;
	vcpu->regs[HVM_RAX] = r.rax;
	vcpu->regs[HVM_RBX] = r.rbx;
	vcpu->regs[HVM_RCX] = r.rcx;
	vcpu->regs[HVM_RDX] = r.rdx;
	vcpu->regs[HVM_RSI] = r.rsi;
	vcpu->regs[HVM_RDI] = r.rdi;
	vcpu->regs[HVM_RSP] = r.rsp;
	vcpu->regs[HVM_RBP] = r.rbp;
	vcpu->regs[HVM_R8] = r.r8;
	vcpu->regs[HVM_R9] = r.r9;
	vcpu->regs[HVM_R10] = r.r10;
	vcpu->regs[HVM_R11] = r.r11;
	vcpu->regs[HVM_R12] = r.r12;
	vcpu->regs[HVM_R13] = r.r13;
	vcpu->regs[HVM_R14] = r.r14;
	vcpu->regs[HVM_R15] = r.r15;
	vcpu->rip = r.rip;
	/* Bit 1 is always one; reserved bits are kept clear (SDM 3.4.3). */
	vcpu->rflags = (r.rflags & 0x3f7fd7) | 2;
	/* New registers cancel a half-done exit. */
	vcpu->pending.kind = HVM_PENDING_NONE;
	return 0;
}

static long hvm_vcpu_get_sregs(struct hvm_vcpu *vcpu, void __user *argp)
{
	struct hvm_sregs s;

	memset(&s, 0, sizeof(s));
	hvm_ops->get_sregs(vcpu, &s);
	return copy_to_user(argp, &s, sizeof(s)) ? -EFAULT : 0;
}

static long hvm_vcpu_set_sregs(struct hvm_vcpu *vcpu, void __user *argp)
{
	u64 pdptrs[HVM_NR_PDPTRS];
	struct hvm_sregs s;
	bool pae;
	int r;

	if (copy_from_user(&s, argp, sizeof(s)))
		return -EFAULT;
	/* What MOV to CR0 would refuse with #GP (SDM vol. 2, MOV CR): the
	 * same answer on every backend, whatever its entry checks. */
	if ((s.cr0 >> 32) || ((s.cr0 & X86_CR0_PG) && !(s.cr0 & X86_CR0_PE)) ||
	    ((s.cr0 & X86_CR0_NW) && !(s.cr0 & X86_CR0_CD)))
		return -EINVAL;
	/* PAE paging: the PDPTEs are loaded from CR3 as by MOV to CR3, and
	 * refused as it would #GP (SDM 4.4.1). */
	pae = hvm_pae_paging(s.cr0, s.cr4, s.efer);
	if (pae && hvm_load_pdptrs(vcpu, s.cr3, pdptrs))
		return -EINVAL;
	r = hvm_ops->set_sregs(vcpu, &s);
	if (r)
		return r;
	if (pae && hvm_ops->set_pdptrs)
		hvm_ops->set_pdptrs(vcpu, pdptrs);
	set_bit(HVM_REQ_TLB_FLUSH, &vcpu->requests);
	return 0;
}

/* The ioctl table: every entry runs under vcpu->mutex; "load" entries also
 * have the vCPU loaded on the calling CPU (preempt notifiers armed). */
static const struct hvm_vcpu_ioctl {
	unsigned int cmd;
	long (*fn)(struct hvm_vcpu *vcpu, void __user *argp);
	bool load;
} hvm_vcpu_ioctls[] = {
	{ HVM_RUN, hvm_vcpu_ioctl_run, true },
	{ HVM_GET_REGS, hvm_vcpu_get_regs, false },
	{ HVM_SET_REGS, hvm_vcpu_set_regs, false },
	{ HVM_GET_SREGS, hvm_vcpu_get_sregs, true },
	{ HVM_SET_SREGS, hvm_vcpu_set_sregs, true },
	{ HVM_GET_CPUID, hvm_cpuid_get, false },
	{ HVM_SET_CPUID, hvm_cpuid_set, false },
	{ HVM_GET_MSRS, hvm_msrs_get, true },
	{ HVM_SET_MSRS, hvm_msrs_set, true },
	{ HVM_GET_XSAVE, hvm_xstate_get_xsave, false },
	{ HVM_SET_XSAVE, hvm_xstate_set_xsave, false },
	{ HVM_GET_XCRS, hvm_xstate_get_xcrs, false },
	{ HVM_SET_XCRS, hvm_xstate_set_xcrs, false },
	{ HVM_INTERRUPT, hvm_events_ioctl_interrupt, false },
	{ HVM_NMI, hvm_events_ioctl_nmi, false },
	{ HVM_GET_VCPU_EVENTS, hvm_events_get, true },
	{ HVM_SET_VCPU_EVENTS, hvm_events_set, true },
	{ HVM_GET_MP_STATE, hvm_mp_state_get, false },
	{ HVM_SET_MP_STATE, hvm_mp_state_set, false },
	{ HVM_GET_LAPIC, hvm_lapic_get_state, true },
	{ HVM_SET_LAPIC, hvm_lapic_set_state, true },
};

static long hvm_vcpu_ioctl(struct file *filp, unsigned int cmd,
			   unsigned long arg)
{
	struct hvm_vcpu *vcpu = filp->private_data;
	long r;
	int i;

	if (current->mm != vcpu->vm->mm)
		return -EIO;
	for (i = 0; i < ARRAY_SIZE(hvm_vcpu_ioctls); i++) {
		const struct hvm_vcpu_ioctl *e = &hvm_vcpu_ioctls[i];

		if (e->cmd != cmd)
			continue;
		if (mutex_lock_killable(&vcpu->mutex))
			return -EINTR;
		if (e->load)
			hvm_vcpu_load(vcpu);
		r = e->fn(vcpu, (void __user *)arg);
		if (e->load)
			hvm_vcpu_put(vcpu);
		mutex_unlock(&vcpu->mutex);
		return r;
	}
	return -ENOTTY;
}

static int hvm_vcpu_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct hvm_vcpu *vcpu = filp->private_data;

	if (current->mm != vcpu->vm->mm)
		return -EIO;
	if (vma->vm_pgoff || vma->vm_end - vma->vm_start != PAGE_SIZE)
		return -EINVAL;
	vma->vm_flags |= VM_DONTEXPAND | VM_DONTCOPY;
	/* The mapping holds its own page reference. */
	return vm_insert_page(vma, vma->vm_start, vcpu->run_page);
}

static int hvm_vcpu_release(struct inode *inode, struct file *filp)
{
	struct hvm_vcpu *vcpu = filp->private_data;

	hvm_vm_put(vcpu->vm);
	return 0;
}

static const struct file_operations hvm_vcpu_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = hvm_vcpu_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = hvm_vcpu_mmap,
	.release = hvm_vcpu_release,
	.llseek = noop_llseek,
};

/* The architectural reset state: at creation and after a shutdown. */
static void hvm_vcpu_reset(struct hvm_vcpu *vcpu)
{
	hvm_ops->vcpu_reset(vcpu);
	hvm_msr_reset(vcpu);
	hvm_ops->set_tsc_offset(vcpu);
	hvm_lapic_reset(vcpu);
	hvm_events_reset(vcpu);
}

int hvm_exit_shutdown(struct hvm_vcpu *vcpu)
{
	hvm_vcpu_reset(vcpu);
	vcpu->run->exit_reason = HVM_EXIT_SHUTDOWN;
	return 0;
}

/*
 * debugfs hvm/<pid>-<fd>/vcpuN/ (vm.c, Documentation/abi.rst): read-only,
 * for tests and debugging.  Only once the vCPU is complete: the files go
 * with the VM's directory, before the vCPU is freed.
 */
static void hvm_vcpu_debugfs_create(struct hvm_vcpu *vcpu)
{
	struct dentry *dir;
	char name[16];

	if (IS_ERR_OR_NULL(vcpu->vm->debugfs))
		return;
	snprintf(name, sizeof(name), "vcpu%u", vcpu->id);
	dir = debugfs_create_dir(name, vcpu->vm->debugfs);
	debugfs_create_u64("exits", 0444, dir, &vcpu->exits);
}

/* Called with vm->lock held. */
int hvm_vcpu_create(struct hvm_vm *vm, unsigned long id)
{
	struct hvm_vcpu *vcpu;
	int r, fd;

	if (id >= HVM_MAX_VCPUS)
		return -EINVAL;
	if (vm->vcpus[id])
		return -EEXIST;

	vcpu = kzalloc(hvm_ops->vcpu_size, GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return -ENOMEM;
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->cpu = -1;
	mutex_init(&vcpu->mutex);
	preempt_notifier_init(&vcpu->preempt_notifier, &hvm_preempt_ops);
	vcpu->xcr0 = XFEATURE_MASK_FP;
	rcuwait_init(&vcpu->wait);
	vcpu->mp_state = HVM_MP_STATE_RUNNABLE;

	r = -ENOMEM;
	vcpu->run_page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!vcpu->run_page)
		goto err_free;
	vcpu->run = page_address(vcpu->run_page);
	if (!fpu_alloc_guest_fpstate(&vcpu->guest_fpu))
		goto err_page;
	r = hvm_cpuid_vcpu_init(vcpu);
	if (r)
		goto err_fpu;
	r = hvm_ops->vcpu_init(vcpu);
	if (r)
		goto err_cpuid;
	if (vm->irqchip) {
		r = hvm_lapic_create(vcpu);
		if (r)
			goto err_backend;
	}
	vcpu->tsc_offset = vm->tsc_offset;	/* one TSC for the whole VM */
	hvm_vcpu_reset(vcpu);

	/* The fd holds a VM reference; the vCPU lives as long as the VM. */
	kref_get(&vm->kref);
	fd = anon_inode_getfd("hvm-vcpu", &hvm_vcpu_fops, vcpu,
			      O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		refcount_dec(&vm->kref.refcount);	/* the VM fd is still open */
		r = fd;
		goto err_backend;
	}
	/* Complete before other threads (kicks, flushes) can see it. */
	smp_store_release(&vm->vcpus[id], vcpu);
	hvm_vcpu_debugfs_create(vcpu);
	return fd;

err_backend:
	hvm_lapic_destroy(vcpu);
	hvm_ops->vcpu_destroy(vcpu);
err_cpuid:
	hvm_cpuid_vcpu_free(vcpu);
err_fpu:
	fpu_free_guest_fpstate(&vcpu->guest_fpu);
err_page:
	__free_page(vcpu->run_page);
err_free:
	kfree(vcpu);
	return r;
}

void hvm_vcpu_destroy(struct hvm_vcpu *vcpu)
{
	hvm_lapic_destroy(vcpu);
	hvm_ops->vcpu_destroy(vcpu);
	hvm_cpuid_vcpu_free(vcpu);
	fpu_free_guest_fpstate(&vcpu->guest_fpu);
	__free_page(vcpu->run_page);	/* a live mapping keeps its own ref */
	kfree(vcpu);
}
