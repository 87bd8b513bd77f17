// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzer's operations: each picks an fd (usually of the kind the call
 * is for, sometimes any fd or a junk number), builds its argument and
 * makes one call, counted by stats.c.  Besides the ioctls: mmap of hvm
 * fds, close, munmap and remap of guest memory, new guest code, fork.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz.h"

#define PAGE		4096UL
#define CHILD_OPS	24

struct target {
	int fd;
	enum fz_kind kind;
	struct fz_obj *obj;
};

static void pick(struct fz_thread *t, enum fz_kind want, struct target *tg)
{
	tg->fd = fz_pick_fd(t->world, &t->rng, want, &tg->kind, &tg->obj);
}

static long account(struct fz_thread *t, enum fz_call call, const struct target *tg,
		    long ret, int err, unsigned long cmd, unsigned long arg)
{
	bool foreign = t->child && tg->obj && tg->obj->inherited &&
		       (tg->kind == FZ_KIND_VM || tg->kind == FZ_KIND_VCPU);

	t->where.call++;
	fz_account(t->stats, call, tg->kind, foreign, ret, err, cmd, arg, &t->where);
	return ret;
}

static long do_ioctl(struct fz_thread *t, enum fz_call call, const struct target *tg,
		     unsigned long cmd, unsigned long arg)
{
	long ret = ioctl(tg->fd, cmd, arg);

	return account(t, call, tg, ret, ret < 0 ? errno : 0, cmd, arg);
}

/* An integer argument: 0 mostly, or a boundary or random value. */
static unsigned long int_arg(struct fz_thread *t, unsigned int zero_in)
{
	return fz_one_in(&t->rng, zero_in) ? fz_u64(&t->rng) : 0;
}

/* An ioctl whose argument is a pointer to size bytes already in args.rw. */
static long ptr_ioctl(struct fz_thread *t, enum fz_call call, enum fz_kind want,
		      unsigned long cmd, size_t size, bool out)
{
	struct target tg;
	bool good;
	unsigned long p = fz_arg_ptr(&t->args, &t->rng, size, out, &good);

	pick(t, want, &tg);
	return do_ioctl(t, call, &tg, cmd, p);
}

/* --- /dev/hvm ----------------------------------------------------------- */

static void op_dev_simple(struct fz_thread *t)
{
	static const struct { enum fz_call call; unsigned long cmd; } c[] = {
		{ FZ_GET_API_VERSION, HVM_GET_API_VERSION },
		{ FZ_GET_VCPU_MMAP_SIZE, HVM_GET_VCPU_MMAP_SIZE },
	};
	unsigned int i = fz_below(&t->rng, 2);
	struct target tg;

	pick(t, FZ_KIND_DEV, &tg);
	do_ioctl(t, c[i].call, &tg, c[i].cmd, int_arg(t, 4));
}

static void op_get_info(struct fz_thread *t)
{
	ptr_ioctl(t, FZ_GET_INFO, FZ_KIND_DEV, HVM_GET_INFO, sizeof(struct hvm_info), true);
}

static void op_get_cpuid(struct fz_thread *t)
{
	struct hvm_cpuid *c = (void *)t->args.rw;
	bool supported = fz_one_in(&t->rng, 3);

	fz_gen_cpuid(&t->rng, c, FZ_ARGS_RW * PAGE);
	c->nent = fz_one_in(&t->rng, 2) ? c->nent : HVM_CPUID_MAX_ENTRIES;
	ptr_ioctl(t, supported ? FZ_GET_SUPPORTED_CPUID : FZ_GET_CPUID,
		  supported ? FZ_KIND_DEV : FZ_KIND_VCPU,
		  supported ? HVM_GET_SUPPORTED_CPUID : HVM_GET_CPUID,
		  sizeof(*c) + 256 * sizeof(c->entries[0]), true);
}

static void op_create_vm(struct fz_thread *t)
{
	struct target tg;
	long fd;

	pick(t, FZ_KIND_DEV, &tg);
	fd = do_ioctl(t, FZ_CREATE_VM, &tg, HVM_CREATE_VM, int_arg(t, 8));
	/* Keep it, or let it go at once (create and release). */
	if (fd >= 0 && fz_one_in(&t->rng, 2))
		fz_world_add(t->world, fd, FZ_KIND_VM);
	else if (fd >= 0)
		close(fd);
}

/* --- VM fds --------------------------------------------------------------- */

static void op_set_memory_region(struct fz_thread *t)
{
	fz_gen_region(&t->rng, t->world, &t->args, (void *)t->args.rw);
	ptr_ioctl(t, FZ_SET_MEMORY_REGION, FZ_KIND_VM, HVM_SET_MEMORY_REGION,
		  sizeof(struct hvm_memory_region), false);
}

static void op_create_vcpu(struct fz_thread *t)
{
	struct target tg;
	unsigned long id = fz_one_in(&t->rng, 4) ? fz_u64(&t->rng) : fz_below(&t->rng, 18);
	long fd;

	pick(t, FZ_KIND_VM, &tg);
	fd = do_ioctl(t, FZ_CREATE_VCPU, &tg, HVM_CREATE_VCPU, id);
	if (fd >= 0 && !fz_one_in(&t->rng, 4))
		fz_world_add(t->world, fd, FZ_KIND_VCPU);
	else if (fd >= 0)
		close(fd);
}

static void op_vm_simple(struct fz_thread *t)
{
	struct target tg;
	unsigned long arg;

	pick(t, FZ_KIND_VM, &tg);
	switch (fz_below(&t->rng, 3)) {
	case 0:
		do_ioctl(t, FZ_CREATE_IRQCHIP, &tg, HVM_CREATE_IRQCHIP, int_arg(t, 8));
		break;
	case 1:
		arg = fz_one_in(&t->rng, 4) ? fz_u64(&t->rng) : fz_below(&t->rng, 2);
		do_ioctl(t, FZ_ENABLE_USER_MSR_EXITS, &tg, HVM_ENABLE_USER_MSR_EXITS, arg);
		break;
	default:
		arg = fz_one_in(&t->rng, 4) ? fz_u64(&t->rng) :
		      fz_one_in(&t->rng, 3) ? 0 : fz_below(&t->rng, 0x10000) & ~3UL;
		do_ioctl(t, FZ_SET_PM_TIMER, &tg, HVM_SET_PM_TIMER, arg);
		break;
	}
}

static void op_irq_line(struct fz_thread *t)
{
	struct hvm_irq_status *s = (void *)t->args.rw;
	bool status = fz_one_in(&t->rng, 2);

	s->irq = fz_one_in(&t->rng, 8) ? fz_u32(&t->rng) : fz_below(&t->rng, 25);
	s->level = fz_one_in(&t->rng, 8) ? fz_u32(&t->rng) : fz_below(&t->rng, 2);
	s->status = fz_u32(&t->rng);
	s->reserved = fz_one_in(&t->rng, 16) ? fz_u32(&t->rng) : 0;
	if (status)
		ptr_ioctl(t, FZ_IRQ_LINE_STATUS, FZ_KIND_VM, HVM_IRQ_LINE_STATUS,
			  sizeof(*s), true);
	else
		ptr_ioctl(t, FZ_IRQ_LINE, FZ_KIND_VM, HVM_IRQ_LINE,
			  sizeof(struct hvm_irq_level), false);
}

/* --- vCPU fds ------------------------------------------------------------- */

/* Data for the exit RUN completes, then RUN (or, tame, only its entry checks). */
static void op_run(struct fz_thread *t)
{
	struct fz_rng *r = &t->rng;
	struct hvm_run *run;
	struct target tg;
	long ret;

	pick(t, FZ_KIND_VCPU, &tg);
	run = tg.obj && tg.kind == FZ_KIND_VCPU ? tg.obj->run : NULL;
	if (t->world->tame && !run)
		return;		/* no guest may run: only with immediate_exit */
	if (run) {
		run->immediate_exit = t->world->tame || fz_one_in(r, 20);
		run->request_interrupt_window = fz_one_in(r, 8);
		if (fz_one_in(r, 4))
			fz_bytes(r, (char *)run + HVM_RUN_IO_DATA_OFFSET, HVM_RUN_IO_DATA_MAX);
		if (fz_one_in(r, 2)) {
			fz_bytes(r, run->mmio.data, sizeof(run->mmio.data));
			run->msr.error = fz_one_in(r, 4);
			run->msr.data = fz_u64(r);
		}
	}
	ret = do_ioctl(t, FZ_RUN, &tg, HVM_RUN, t->world->tame ? 0 : int_arg(t, 50));
	if (ret == 0 && run)
		fz_account_exit(t->stats, run->exit_reason);
}

static void op_regs(struct fz_thread *t)
{
	if (fz_one_in(&t->rng, 2)) {
		ptr_ioctl(t, FZ_GET_REGS, FZ_KIND_VCPU, HVM_GET_REGS, sizeof(struct hvm_regs), true);
		return;
	}
	fz_gen_regs(&t->rng, t->world, (void *)t->args.rw);
	ptr_ioctl(t, FZ_SET_REGS, FZ_KIND_VCPU, HVM_SET_REGS, sizeof(struct hvm_regs), false);
}

static void op_sregs(struct fz_thread *t)
{
	if (fz_one_in(&t->rng, 3)) {
		ptr_ioctl(t, FZ_GET_SREGS, FZ_KIND_VCPU, HVM_GET_SREGS,
			  sizeof(struct hvm_sregs), true);
		return;
	}
	fz_gen_sregs(&t->rng, t->world, (void *)t->args.rw);
	ptr_ioctl(t, FZ_SET_SREGS, FZ_KIND_VCPU, HVM_SET_SREGS, sizeof(struct hvm_sregs), false);
}

static void op_set_cpuid(struct fz_thread *t)
{
	size_t n = fz_gen_cpuid(&t->rng, (void *)t->args.rw, FZ_ARGS_RW * PAGE);

	ptr_ioctl(t, FZ_SET_CPUID, FZ_KIND_VCPU, HVM_SET_CPUID, n, false);
}

static void op_msrs(struct fz_thread *t)
{
	bool set = fz_one_in(&t->rng, 2);
	size_t n = fz_gen_msrs(&t->rng, (void *)t->args.rw, FZ_ARGS_RW * PAGE);

	ptr_ioctl(t, set ? FZ_SET_MSRS : FZ_GET_MSRS, FZ_KIND_VCPU,
		  set ? HVM_SET_MSRS : HVM_GET_MSRS, n, !set);
}

/* GET into args.rw, then maybe SET a mutation of what came back. */
static void op_get_set(struct fz_thread *t, enum fz_call get, unsigned long get_cmd,
		       enum fz_call set, unsigned long set_cmd, size_t size,
		       void (*gen)(struct fz_rng *r, void *v))
{
	struct target tg;

	pick(t, FZ_KIND_VCPU, &tg);
	do_ioctl(t, get, &tg, get_cmd, (unsigned long)t->args.rw);
	if (fz_one_in(&t->rng, 3))
		return;
	gen(&t->rng, t->args.rw);
	ptr_ioctl(t, set, FZ_KIND_VCPU, set_cmd, size, false);
}

static void gen_xsave(struct fz_rng *r, void *v) { fz_gen_xsave(r, v); }
static void gen_xcrs(struct fz_rng *r, void *v) { fz_gen_xcrs(r, v); }
static void gen_events(struct fz_rng *r, void *v) { fz_gen_events(r, v); }
static void gen_lapic(struct fz_rng *r, void *v) { fz_gen_lapic(r, v); }
static void gen_mp_state(struct fz_rng *r, void *v)
{
	((struct hvm_mp_state *)v)->mp_state = fz_one_in(r, 4) ? fz_u32(r) : fz_below(r, 4);
}

static void op_xsave(struct fz_thread *t)
{
	op_get_set(t, FZ_GET_XSAVE, HVM_GET_XSAVE, FZ_SET_XSAVE, HVM_SET_XSAVE,
		   sizeof(struct hvm_xsave), gen_xsave);
}

static void op_xcrs(struct fz_thread *t)
{
	op_get_set(t, FZ_GET_XCRS, HVM_GET_XCRS, FZ_SET_XCRS, HVM_SET_XCRS,
		   sizeof(struct hvm_xcrs), gen_xcrs);
}

static void op_events(struct fz_thread *t)
{
	op_get_set(t, FZ_GET_VCPU_EVENTS, HVM_GET_VCPU_EVENTS, FZ_SET_VCPU_EVENTS,
		   HVM_SET_VCPU_EVENTS, sizeof(struct hvm_vcpu_events), gen_events);
}

static void op_mp_state(struct fz_thread *t)
{
	op_get_set(t, FZ_GET_MP_STATE, HVM_GET_MP_STATE, FZ_SET_MP_STATE,
		   HVM_SET_MP_STATE, sizeof(struct hvm_mp_state), gen_mp_state);
}

static void op_lapic(struct fz_thread *t)
{
	op_get_set(t, FZ_GET_LAPIC, HVM_GET_LAPIC, FZ_SET_LAPIC, HVM_SET_LAPIC,
		   sizeof(struct hvm_lapic_state), gen_lapic);
}

static void op_inject(struct fz_thread *t)
{
	struct target tg;
	unsigned long arg;

	pick(t, FZ_KIND_VCPU, &tg);
	if (fz_one_in(&t->rng, 2)) {
		arg = fz_one_in(&t->rng, 4) ? fz_u64(&t->rng) : fz_below(&t->rng, 256);
		do_ioctl(t, FZ_INTERRUPT, &tg, HVM_INTERRUPT, arg);
	} else {
		do_ioctl(t, FZ_NMI, &tg, HVM_NMI, int_arg(t, 8));
	}
}

/* --- everything else ------------------------------------------------------ */

static const unsigned long known_cmds[] = {
	HVM_GET_API_VERSION, HVM_CREATE_VM, HVM_GET_VCPU_MMAP_SIZE, HVM_GET_INFO,
	HVM_GET_SUPPORTED_CPUID, HVM_SET_MEMORY_REGION, HVM_CREATE_VCPU,
	HVM_CREATE_IRQCHIP, HVM_IRQ_LINE, HVM_ENABLE_USER_MSR_EXITS,
	HVM_SET_PM_TIMER, HVM_IRQ_LINE_STATUS, HVM_RUN, HVM_GET_REGS,
	HVM_SET_REGS, HVM_GET_SREGS, HVM_SET_SREGS, HVM_SET_CPUID, HVM_GET_CPUID,
	HVM_GET_MSRS, HVM_SET_MSRS, HVM_GET_XSAVE, HVM_SET_XSAVE, HVM_GET_XCRS,
	HVM_SET_XCRS, HVM_INTERRUPT, HVM_NMI, HVM_GET_VCPU_EVENTS,
	HVM_SET_VCPU_EVENTS, HVM_GET_MP_STATE, HVM_SET_MP_STATE, HVM_GET_LAPIC,
	HVM_SET_LAPIC,
};

/* hvm's type (0xB9) with a number, size or direction it does not define:
 * also a defined number with the wrong size or direction. */
static void op_unknown_ioctl(struct fz_thread *t)
{
	struct fz_rng *r = &t->rng;
	unsigned long cmd;
	struct target tg;
	unsigned int i;
	bool good;

	if (fz_one_in(r, 2)) {
		cmd = known_cmds[fz_below(r, sizeof(known_cmds) / sizeof(known_cmds[0]))];
		cmd ^= fz_one_in(r, 2) ? 1UL << (16 + fz_below(r, 14))	/* size */
				       : 1UL << (30 + fz_below(r, 2));	/* direction */
	} else {
		cmd = _IOC(fz_below(r, 4), HVMIO, fz_below(r, 256), fz_below(r, 0x4000));
	}
	for (i = 0; i < sizeof(known_cmds) / sizeof(known_cmds[0]); i++)
		if (cmd == known_cmds[i])
			return;
	pick(t, fz_below(r, 3), &tg);
	do_ioctl(t, FZ_UNKNOWN_IOCTL, &tg, cmd, fz_arg_ptr(&t->args, r, 64, true, &good));
}

static void op_mmap(struct fz_thread *t)
{
	static const int prots[] = { PROT_READ | PROT_WRITE, PROT_READ, PROT_WRITE,
				     PROT_NONE, PROT_READ | PROT_EXEC };
	struct fz_rng *r = &t->rng;
	size_t len = fz_one_in(r, 2) ? PAGE : fz_below(r, 4) * PAGE + fz_below(r, 2);
	off_t off = fz_one_in(r, 2) ? 0 : (off_t)(fz_below(r, 4) * PAGE + fz_below(r, 2));
	int flags = fz_one_in(r, 4) ? MAP_PRIVATE : MAP_SHARED;
	struct target tg;
	void *p;

	pick(t, FZ_KIND_VCPU, &tg);
	p = mmap(NULL, len, prots[fz_below(r, 5)], flags, tg.fd, off);
	account(t, FZ_MMAP, &tg, p == MAP_FAILED ? -1 : 0, p == MAP_FAILED ? errno : 0,
		flags, off);
	if (p != MAP_FAILED)
		munmap(p, len);
}

static void op_close(struct fz_thread *t)
{
	struct fz_world *w = t->world;
	unsigned int n = __atomic_load_n(&w->nr_objs, __ATOMIC_ACQUIRE);
	struct fz_obj *o;
	struct target tg;
	int fd;

	if (!n)
		return;
	o = &w->objs[fz_below(&t->rng, n)];
	/* Tame: no vCPU fd number may come to name another vCPU. */
	if (o->kind == FZ_KIND_OTHER || (w->tame && o->kind == FZ_KIND_VCPU))
		return;
	fd = __atomic_exchange_n(&o->fd, -1, __ATOMIC_ACQ_REL);
	if (fd < 0)
		return;
	tg.fd = fd;
	tg.kind = o->kind;
	tg.obj = NULL;	/* closing the parent's fd in a child is fine */
	account(t, FZ_CLOSE, &tg, close(fd), errno, 0, fd);
}

/* Guest memory goes away under the VM's feet: unmapped and mapped again
 * (new zero pages), replaced read-only, or dropped with MADV_DONTNEED. */
static void op_munmap(struct fz_thread *t)
{
	struct fz_mem *m = &t->world->pool[fz_below(&t->rng, FZ_POOL)];
	struct target tg = { .fd = -1, .kind = FZ_KIND_JUNK };
	unsigned int how = fz_below(&t->rng, 4);
	long ret = 0;
	void *p;

	pthread_rwlock_wrlock(&m->lock);
	switch (how) {
	case 0:
		ret = munmap(m->addr, m->size);
		/* fall through */
	case 1:
		p = mmap(m->addr, m->size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		ret = ret ?: (p == MAP_FAILED ? -1 : 0);
		m->writable = true;
		break;
	case 2:
		p = mmap(m->addr, m->size, PROT_READ,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		ret = p == MAP_FAILED ? -1 : 0;
		m->writable = false;
		break;
	default:
		ret = madvise(m->addr, m->size, MADV_DONTNEED);
		break;
	}
	account(t, FZ_MUNMAP, &tg, ret, ret ? errno : 0, how, (unsigned long)m->addr);
	pthread_rwlock_unlock(&m->lock);
}

static void op_guest_code(struct fz_thread *t)
{
	fz_world_guest_code(t->world, &t->rng);
}

static void child_run(struct fz_thread *t);

/* A child with the thread's fds: the parent's VMs and vCPUs must answer
 * EIO there, /dev/hvm works; it closes some of them and exits. */
static void op_fork(struct fz_thread *t)
{
	struct target tg = { .fd = -1, .kind = FZ_KIND_JUNK };
	__u64 child_seed = fz_next(&t->rng);
	int status;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		fz_rng_seed(&t->rng, child_seed);
		child_run(t);
		_exit(0);
	}
	if (pid < 0) {
		account(t, FZ_FORK, &tg, -1, errno, 0, 0);
		return;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* A child that crashed or hung (its alarm) is an incident. */
	if (WIFSIGNALED(status) || !WIFEXITED(status) || WEXITSTATUS(status))
		account(t, FZ_FORK, &tg, -1000 - (WIFSIGNALED(status) ? WTERMSIG(status) : 0),
			0, status, pid);
	else
		account(t, FZ_FORK, &tg, pid, 0, 0, pid);
}

static const struct {
	void (*fn)(struct fz_thread *t);
	unsigned int weight;
	bool parent_only;	/* touches user-space locks, or forks */
} ops[] = {
	{ op_dev_simple, 2, false }, { op_get_info, 2, false }, { op_get_cpuid, 3, false },
	{ op_create_vm, 2, false }, { op_set_memory_region, 8, false }, { op_create_vcpu, 3, false },
	{ op_vm_simple, 4, false }, { op_irq_line, 6, false }, { op_run, 24, false }, { op_regs, 8, false },
	{ op_sregs, 10, false }, { op_set_cpuid, 3, false }, { op_msrs, 8, false }, { op_xsave, 4, false },
	{ op_xcrs, 3, false }, { op_events, 5, false }, { op_mp_state, 4, false }, { op_lapic, 4, false },
	{ op_inject, 5, false }, { op_unknown_ioctl, 3, false }, { op_mmap, 2, false },
	{ op_close, 1, false }, { op_munmap, 2, true }, { op_guest_code, 6, true },
	{ op_fork, 0, true },	/* weight: fz_op() */
};

#define NR_OPS		(sizeof(ops) / sizeof(ops[0]))

void fz_op(struct fz_thread *t)
{
	unsigned int total = 0, i, roll;

	/* A fork every ~500 operations: each costs a process. */
	if (!t->child && fz_one_in(&t->rng, 500)) {
		op_fork(t);
		return;
	}
	for (i = 0; i < NR_OPS; i++)
		total += ops[i].weight;
	roll = fz_below(&t->rng, total);
	for (i = 0; i < NR_OPS; i++) {
		if (roll < ops[i].weight) {
			if (!(t->child && ops[i].parent_only))
				ops[i].fn(t);
			return;
		}
		roll -= ops[i].weight;
	}
}

static void child_run(struct fz_thread *t)
{
	void *timer = NULL;
	unsigned int i;

	/* Async-signal-safe from here: no stdio, no malloc, no locks. */
	signal(SIGALRM, SIG_DFL);
	alarm(30);		/* a hang kills the child: the parent reports it */
	t->child = true;
	t->where.child = true;
	t->world->single = true;
	for (i = 0; i < t->world->nr_objs; i++) {
		t->world->objs[i].inherited = true;
		t->world->objs[i].run = NULL;	/* VM_DONTCOPY: not here */
	}
	fz_timer_start(&timer);
	for (i = 0; i < CHILD_OPS; i++)
		fz_op(t);
}
