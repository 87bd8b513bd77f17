// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzer's accounting: calls, errnos and exits by count, and the
 * errnos Documentation/abi.rst allows each call.  An answer outside that
 * set is kept (up to FZ_MAX_BAD) with where it happened.  The counters are
 * in shared memory and updated atomically: threads and forked children
 * add to the same ones.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "fuzz.h"

#define BIT(e)		(1ULL << (e))

static const struct {
	const char *name;
	enum fz_kind kind;	/* the fd kind that answers it */
	__u64 allowed;		/* errnos (< 64) besides the common ones */
} calls[FZ_NR_CALLS] = {
	[FZ_GET_API_VERSION] = { "GET_API_VERSION", FZ_KIND_DEV, BIT(EINVAL) },
	/* EIO: VMXON failed (vmx.c) */
	[FZ_CREATE_VM] = { "CREATE_VM", FZ_KIND_DEV,
		BIT(EINVAL) | BIT(EBUSY) | BIT(EIO) | BIT(EMFILE) | BIT(ENFILE) },
	[FZ_GET_VCPU_MMAP_SIZE] = { "GET_VCPU_MMAP_SIZE", FZ_KIND_DEV, BIT(EINVAL) },
	[FZ_GET_INFO] = { "GET_INFO", FZ_KIND_DEV, 0 },
	[FZ_GET_SUPPORTED_CPUID] = { "GET_SUPPORTED_CPUID", FZ_KIND_DEV, BIT(E2BIG) },
	[FZ_SET_MEMORY_REGION] = { "SET_MEMORY_REGION", FZ_KIND_VM,
		BIT(EINVAL) | BIT(EEXIST) | BIT(EINTR) },
	[FZ_CREATE_VCPU] = { "CREATE_VCPU", FZ_KIND_VM,
		BIT(EINVAL) | BIT(EEXIST) | BIT(EMFILE) | BIT(ENFILE) },
	[FZ_CREATE_IRQCHIP] = { "CREATE_IRQCHIP", FZ_KIND_VM,
		BIT(EINVAL) | BIT(EEXIST) | BIT(EBUSY) },
	[FZ_IRQ_LINE] = { "IRQ_LINE", FZ_KIND_VM, BIT(EINVAL) | BIT(ENXIO) },
	[FZ_ENABLE_USER_MSR_EXITS] = { "ENABLE_USER_MSR_EXITS", FZ_KIND_VM, BIT(EINVAL) },
	[FZ_SET_PM_TIMER] = { "SET_PM_TIMER", FZ_KIND_VM, BIT(EINVAL) },
	[FZ_IRQ_LINE_STATUS] = { "IRQ_LINE_STATUS", FZ_KIND_VM, BIT(EINVAL) | BIT(ENXIO) },
	/* EINVAL: arg not 0, or an exit handler's verdict */
	[FZ_RUN] = { "RUN", FZ_KIND_VCPU, BIT(EINTR) | BIT(EINVAL) },
	[FZ_GET_REGS] = { "GET_REGS", FZ_KIND_VCPU, 0 },
	[FZ_SET_REGS] = { "SET_REGS", FZ_KIND_VCPU, 0 },
	[FZ_GET_SREGS] = { "GET_SREGS", FZ_KIND_VCPU, 0 },
	[FZ_SET_SREGS] = { "SET_SREGS", FZ_KIND_VCPU, BIT(EINVAL) },
	[FZ_SET_CPUID] = { "SET_CPUID", FZ_KIND_VCPU, BIT(EINVAL) },
	[FZ_GET_CPUID] = { "GET_CPUID", FZ_KIND_VCPU, BIT(E2BIG) },
	[FZ_GET_MSRS] = { "GET_MSRS", FZ_KIND_VCPU, BIT(EINVAL) },
	[FZ_SET_MSRS] = { "SET_MSRS", FZ_KIND_VCPU, BIT(EINVAL) },
	[FZ_GET_XSAVE] = { "GET_XSAVE", FZ_KIND_VCPU, 0 },
	[FZ_SET_XSAVE] = { "SET_XSAVE", FZ_KIND_VCPU, BIT(EINVAL) },
	[FZ_GET_XCRS] = { "GET_XCRS", FZ_KIND_VCPU, 0 },
	[FZ_SET_XCRS] = { "SET_XCRS", FZ_KIND_VCPU, BIT(EINVAL) },
	[FZ_INTERRUPT] = { "INTERRUPT", FZ_KIND_VCPU, BIT(EINVAL) | BIT(ENXIO) | BIT(EBUSY) },
	[FZ_NMI] = { "NMI", FZ_KIND_VCPU, BIT(EINVAL) },
	[FZ_GET_VCPU_EVENTS] = { "GET_VCPU_EVENTS", FZ_KIND_VCPU, 0 },
	[FZ_SET_VCPU_EVENTS] = { "SET_VCPU_EVENTS", FZ_KIND_VCPU, BIT(EINVAL) },
	[FZ_GET_MP_STATE] = { "GET_MP_STATE", FZ_KIND_VCPU, 0 },
	[FZ_SET_MP_STATE] = { "SET_MP_STATE", FZ_KIND_VCPU, BIT(EINVAL) | BIT(ENXIO) },
	[FZ_GET_LAPIC] = { "GET_LAPIC", FZ_KIND_VCPU, BIT(ENXIO) },
	[FZ_SET_LAPIC] = { "SET_LAPIC", FZ_KIND_VCPU, BIT(ENXIO) },
	/* answered by no fd: ENOTTY below */
	[FZ_UNKNOWN_IOCTL] = { "unknown ioctl", FZ_KIND_JUNK, 0 },
	/* ENODEV: an fd without mmap (VM, /dev/hvm, /dev/null) */
	[FZ_MMAP] = { "mmap", FZ_KIND_VCPU, BIT(EINVAL) | BIT(ENODEV) },
	[FZ_CLOSE] = { "close", FZ_KIND_JUNK, 0 },
	[FZ_MUNMAP] = { "munmap/remap", FZ_KIND_JUNK, BIT(EINVAL) },
	[FZ_FORK] = { "fork", FZ_KIND_JUNK, BIT(EAGAIN) },
};

struct fz_stats *fz_stats_create(void)
{
	void *p = mmap(NULL, sizeof(struct fz_stats), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

const char *fz_call_name(enum fz_call c)
{
	return c < FZ_NR_CALLS ? calls[c].name : "?";
}

const char *fz_errno_name(int err)
{
	const char *s = err ? strerrorname_np(err) : NULL;

	return s ? s : "E?";
}

static bool allowed(enum fz_call call, int kind, bool foreign, long ret, int err,
		    const struct fz_where *w)
{
	/* The parent's VM or vCPU: refused, whatever the call (mmap's own
	 * checks of the offset, and of an fd without mmap, come first). */
	if (foreign)
		return ret < 0 && (err == EIO || err == EBADF || err == ENOTTY ||
				   (call == FZ_MMAP && (err == EINVAL || err == ENODEV)));
	if (ret >= 0)
		return call != FZ_UNKNOWN_IOCTL;
	/* Common to all: a bad pointer, no memory, a closed or junk fd. */
	if (err == EFAULT || err == ENOMEM || err == EBADF)
		return true;
	/* Another kind of fd (or, while threads race, an fd number that
	 * now belongs to another object) does not know the call. */
	if (err == ENOTTY)
		return call == FZ_UNKNOWN_IOCTL || kind != (int)calls[call].kind ||
		       w->racing || w->child;
	/* A child's VM and vCPU fds may be the parent's: EIO for all. */
	if (err == EIO && w->child)
		return true;
	return err < 64 && (calls[call].allowed & BIT(err));
}

bool fz_account(struct fz_stats *st, enum fz_call call, int fd_kind,
		bool foreign, long ret, int err, unsigned long cmd,
		unsigned long arg, const struct fz_where *w)
{
	__u64 n;

	__atomic_add_fetch(&st->calls[call], 1, __ATOMIC_RELAXED);
	if (ret >= 0)
		__atomic_add_fetch(&st->ok[call], 1, __ATOMIC_RELAXED);
	else
		__atomic_add_fetch(&st->err[call][err > 0 && err < FZ_MAX_ERRNO ? err : 0],
				   1, __ATOMIC_RELAXED);
	if (allowed(call, fd_kind, foreign, ret, err, w))
		return true;
	n = __atomic_fetch_add(&st->nr_bad, 1, __ATOMIC_RELAXED);
	if (n < FZ_MAX_BAD) {
		struct fz_bad *b = &st->bad[n];

		b->call = call;
		b->fd_kind = fd_kind;
		b->foreign = foreign;
		b->ret = ret;
		b->err = ret < 0 ? err : 0;
		b->cmd = cmd;
		b->arg = arg;
		b->where = *w;
	}
	return false;
}

void fz_account_exit(struct fz_stats *st, __u32 exit_reason)
{
	if (exit_reason >= FZ_NR_EXITS)
		exit_reason = FZ_NR_EXITS - 1;
	__atomic_add_fetch(&st->exits[exit_reason], 1, __ATOMIC_RELAXED);
}

__u64 fz_total_calls(const struct fz_stats *st)
{
	__u64 n = 0;
	int c;

	for (c = 0; c < FZ_NR_CALLS; c++)
		n += st->calls[c];
	return n;
}

__u64 fz_total_ioctls(const struct fz_stats *st)
{
	__u64 n = 0;
	int c;

	for (c = 0; c < FZ_NR_IOCTL_CALLS; c++)
		n += st->calls[c];
	return n;
}

static const char *const kind_names[] = { "/dev/hvm", "VM", "vCPU", "/dev/null", "junk" };

void fz_stats_print_bad(const struct fz_stats *st, __u64 from)
{
	__u64 i;

	for (i = from; i < st->nr_bad && i < FZ_MAX_BAD; i++) {
		const struct fz_bad *b = &st->bad[i];

		printf("# unexpected: %s (cmd 0x%lx arg 0x%lx) on a %s fd%s returned %ld%s%s "
		       "(round %llu thread %u call %llu%s)\n",
		       fz_call_name(b->call), b->cmd, b->arg,
		       kind_names[b->fd_kind], b->foreign ? " of the parent" : "",
		       b->ret, b->ret < 0 ? " errno " : "",
		       b->ret < 0 ? fz_errno_name(b->err) : "",
		       (unsigned long long)b->where.round, b->where.thread,
		       (unsigned long long)b->where.call,
		       b->where.child ? ", in a forked child" : "");
	}
	if (st->nr_bad > FZ_MAX_BAD)
		printf("# ... %llu unexpected answers in all\n",
		       (unsigned long long)st->nr_bad);
}

static const char *const exit_names[FZ_NR_EXITS] = {
	"UNKNOWN", "IO", "MMIO", "HLT", "SHUTDOWN", "FAIL_ENTRY",
	"INTERNAL_ERROR", "INTR", "IRQ_WINDOW_OPEN", "RDMSR", "WRMSR", "other",
};

void fz_stats_print(const struct fz_stats *st, double seconds)
{
	__u64 by_errno[FZ_MAX_ERRNO] = { 0 }, ok = 0, total = fz_total_calls(st);
	char line[1024];
	int c, e, n;

	for (c = 0; c < FZ_NR_CALLS; c++) {
		ok += st->ok[c];
		for (e = 0; e < FZ_MAX_ERRNO; e++)
			by_errno[e] += st->err[c][e];
	}
	printf("# fuzz: calls %llu (ioctls and mmaps %llu) in %.1f s, %.0f/s\n",
	       (unsigned long long)total, (unsigned long long)fz_total_ioctls(st),
	       seconds, seconds > 0 ? total / seconds : 0.0);
	/* errnos by count, most frequent first */
	n = snprintf(line, sizeof(line), "# fuzz: errnos: success %llu", (unsigned long long)ok);
	for (;;) {
		int best = -1;

		for (e = 0; e < FZ_MAX_ERRNO; e++)
			if (by_errno[e] && (best < 0 || by_errno[e] > by_errno[best]))
				best = e;
		if (best < 0)
			break;
		n += snprintf(line + n, sizeof(line) - n, ", %s %llu",
			      best ? fz_errno_name(best) : "other",
			      (unsigned long long)by_errno[best]);
		by_errno[best] = 0;
		if (n >= (int)sizeof(line) - 40)
			break;
	}
	printf("%s\n", line);
	n = snprintf(line, sizeof(line), "# fuzz: RUN exits:");
	for (e = 0; e < FZ_NR_EXITS; e++)
		if (st->exits[e])
			n += snprintf(line + n, sizeof(line) - n, " %s %llu", exit_names[e],
				      (unsigned long long)st->exits[e]);
	printf("%s\n", line);
	for (c = 0; c < FZ_NR_CALLS; c++) {
		if (!st->calls[c])
			continue;
		n = snprintf(line, sizeof(line), "# fuzz:   %-22s %8llu: ok %llu",
			     fz_call_name(c), (unsigned long long)st->calls[c],
			     (unsigned long long)st->ok[c]);
		for (e = 0; e < FZ_MAX_ERRNO && n < (int)sizeof(line) - 40; e++)
			if (st->err[c][e])
				n += snprintf(line + n, sizeof(line) - n, ", %s %llu",
					      e ? fz_errno_name(e) : "other",
					      (unsigned long long)st->err[c][e]);
		printf("%s\n", line);
	}
	printf("# fuzz: unexpected answers: %llu\n", (unsigned long long)st->nr_bad);
	fflush(stdout);
}
