/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ioctl fuzzer of test_fuzz.c: random sequences of every /dev/hvm
 * ioctl on random fds with boundary and random arguments, several threads
 * racing on one "world" (VMs, vCPUs, guest memory), fds closed and guest
 * memory unmapped while vCPUs run, forked children using inherited fds.
 *
 *   rng.c     the PRNG (deterministic from the seed) and value generators
 *   stats.c   calls, errnos and exits by count; the errnos each call may
 *             answer; unexpected answers (MAP_SHARED: children count too)
 *   world.c   the objects a round works on: fds, run pages, memory pool
 *   args.c    argument pointers (good, NULL, unmapped, kernel, misaligned,
 *             page-crossing) and random or boundary structures
 *   ops.c     the operations: one ioctl, mmap, close, munmap, fork...
 *   run.c     rounds, threads and their timers
 */
#ifndef HVM_FUZZ_H
#define HVM_FUZZ_H

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "libhvm.h"

/* --- rng.c ------------------------------------------------------------ */
struct fz_rng {
	__u64 state;
};

void fz_rng_seed(struct fz_rng *r, __u64 seed);
__u64 fz_next(struct fz_rng *r);
/* 0 .. n-1 (n > 0) */
__u64 fz_below(struct fz_rng *r, __u64 n);
/* true with probability 1/n */
bool fz_one_in(struct fz_rng *r, unsigned int n);
/* A 64-bit value: boundaries (0, ~0, sign bits, powers of two and their
 * neighbours, non-canonical addresses) or random bits. */
__u64 fz_u64(struct fz_rng *r);
__u32 fz_u32(struct fz_rng *r);
/* A guest address or register value: canonical, non-canonical, low,
 * page-aligned, 2^48 and 2^57 edges. */
__u64 fz_addr(struct fz_rng *r);
void fz_bytes(struct fz_rng *r, void *buf, size_t len);
/* Flips or sets a few random bits or bytes of buf. */
void fz_mutate(struct fz_rng *r, void *buf, size_t len);
__u64 fz_mix(__u64 a, __u64 b);

/* --- stats.c ---------------------------------------------------------- */
/* Every call the fuzzer counts: the ioctls, then the other system calls. */
enum fz_call {
	FZ_GET_API_VERSION, FZ_CREATE_VM, FZ_GET_VCPU_MMAP_SIZE, FZ_GET_INFO,
	FZ_GET_SUPPORTED_CPUID,
	FZ_SET_MEMORY_REGION, FZ_CREATE_VCPU, FZ_CREATE_IRQCHIP, FZ_IRQ_LINE,
	FZ_ENABLE_USER_MSR_EXITS, FZ_SET_PM_TIMER, FZ_IRQ_LINE_STATUS,
	FZ_RUN, FZ_GET_REGS, FZ_SET_REGS, FZ_GET_SREGS, FZ_SET_SREGS,
	FZ_SET_CPUID, FZ_GET_CPUID, FZ_GET_MSRS, FZ_SET_MSRS, FZ_GET_XSAVE,
	FZ_SET_XSAVE, FZ_GET_XCRS, FZ_SET_XCRS, FZ_INTERRUPT, FZ_NMI,
	FZ_GET_VCPU_EVENTS, FZ_SET_VCPU_EVENTS, FZ_GET_MP_STATE,
	FZ_SET_MP_STATE, FZ_GET_LAPIC, FZ_SET_LAPIC,
	FZ_UNKNOWN_IOCTL,	/* type 0xB9 numbers hvm does not define */
	FZ_MMAP,		/* mmap of an hvm fd */
	FZ_NR_IOCTL_CALLS = FZ_MMAP + 1,
	FZ_CLOSE = FZ_NR_IOCTL_CALLS,	/* an hvm fd */
	FZ_MUNMAP,		/* guest memory or a run page, remapped */
	FZ_FORK,
	FZ_NR_CALLS,
};

#define FZ_MAX_ERRNO	134	/* errno values counted apart; more: as 0 */
#define FZ_NR_EXITS	12	/* HVM_EXIT_* counted apart; more: as the last */
#define FZ_MAX_BAD	16	/* unexpected answers kept for the report */

/* Where a call was made: printed with an unexpected answer. */
struct fz_where {
	__u64 round;
	unsigned int thread;
	__u64 call;		/* the thread's call number in the round */
	bool child;		/* in a forked child */
	bool racing;		/* other threads may close and reuse fds */
};

struct fz_bad {
	enum fz_call call;
	bool foreign;		/* a VM or vCPU fd of the parent, in a child */
	int fd_kind;		/* enum fz_kind of the fd used */
	long ret;
	int err;
	unsigned long cmd, arg;
	struct fz_where where;
};

struct fz_stats {
	__u64 calls[FZ_NR_CALLS];
	__u64 ok[FZ_NR_CALLS];
	__u64 err[FZ_NR_CALLS][FZ_MAX_ERRNO];
	__u64 exits[FZ_NR_EXITS];
	__u64 nr_bad;
	struct fz_bad bad[FZ_MAX_BAD];
};

/* The stats live in a MAP_SHARED page range: forked children add to them. */
struct fz_stats *fz_stats_create(void);
const char *fz_call_name(enum fz_call c);
const char *fz_errno_name(int err);
/* Counts one call; returns false (and records it) when the answer is not
 * one the ABI allows for this call on this kind of fd.  foreign: the fd is
 * a VM or vCPU of another mm (a forked child's inherited fd), which must
 * fail with EIO (or EBADF, ENOTTY): success is unexpected. */
bool fz_account(struct fz_stats *st, enum fz_call call, int fd_kind,
		bool foreign, long ret, int err, unsigned long cmd,
		unsigned long arg, const struct fz_where *w);
void fz_account_exit(struct fz_stats *st, __u32 exit_reason);
__u64 fz_total_calls(const struct fz_stats *st);
__u64 fz_total_ioctls(const struct fz_stats *st);
/* The summary as "# " diagnostics; bad_from: first unexpected to show. */
void fz_stats_print(const struct fz_stats *st, double seconds);
void fz_stats_print_bad(const struct fz_stats *st, __u64 from);

/* --- world.c ---------------------------------------------------------- */
enum fz_kind {
	FZ_KIND_DEV,		/* /dev/hvm */
	FZ_KIND_VM,
	FZ_KIND_VCPU,
	FZ_KIND_OTHER,		/* /dev/null */
	FZ_KIND_JUNK,		/* not an fd of ours: -1, huge, closed */
};

#define FZ_MAX_OBJS	48
#define FZ_POOL		6	/* guest memory buffers */

struct fz_obj {
	int fd;			/* -1 once closed (atomic exchange) */
	enum fz_kind kind;
	struct hvm_run *run;	/* vCPU: its run page, mapped until the end */
	bool inherited;		/* in a forked child: the parent's */
};

struct fz_mem {
	pthread_rwlock_t lock;	/* read: user space touches it; write: munmap */
	unsigned char *addr;	/* between two PROT_NONE guard pages */
	size_t size;
	bool writable;
};

struct fz_world {
	pthread_mutex_t lock;	/* adding objects */
	struct fz_obj objs[FZ_MAX_OBJS];
	unsigned int nr_objs;
	struct fz_mem pool[FZ_POOL];
	/* The VM set up to run guests: pool[0] as slot 0, long64 tables. */
	struct hvm_vm *lib_vm;
	struct hvm_vcpu *lib_vcpu[2];
	struct hvm_sregs good_sregs;	/* long64, for mutation */
	struct hvm_regs good_regs;
	bool irqchip;
	/* guests do not run (emulator quirk), RUN only with immediate_exit */
	bool tame;
	bool single;		/* a forked child's copy: no other thread */
};

int fz_world_create(struct fz_world *w, struct fz_rng *r, bool tame);
void fz_world_destroy(struct fz_world *w);
/* Adds an fd; closes it and returns -1 when the table is full. */
int fz_world_add(struct fz_world *w, int fd, enum fz_kind kind);
/* An fd of that kind most of the time, else any fd or a junk number;
 * *kind says what it is. */
int fz_pick_fd(struct fz_world *w, struct fz_rng *r, enum fz_kind want,
	       enum fz_kind *kind, struct fz_obj **obj);
/* Writes guest code (a template or random bytes) at GUEST_CODE_GPA of
 * pool[0] and points a set-up vCPU at it. */
void fz_world_guest_code(struct fz_world *w, struct fz_rng *r);

/* --- args.c ----------------------------------------------------------- */
/* Per thread: where argument structures are built. */
struct fz_args {
	unsigned char *rw;	/* FZ_ARGS_RW pages, read-write */
	unsigned char *ro;	/* one read-only page */
	unsigned char *none;	/* one PROT_NONE page right after ro */
	unsigned char *hole;	/* an unmapped page */
};

#define FZ_ARGS_RW	4	/* pages: the largest struct (CPUID) fits */

int fz_args_create(struct fz_args *a);
void fz_args_destroy(struct fz_args *a);
/* The pointer handed to an ioctl whose struct has size bytes: usually
 * a->rw (filled by the caller), sometimes NULL, unmapped, a kernel or
 * non-canonical address, misaligned, read-only (out: EFAULT) or crossing
 * into the PROT_NONE page.  *good says whether it is a->rw. */
unsigned long fz_arg_ptr(struct fz_args *a, struct fz_rng *r, size_t size,
			 bool out, bool *good);
void fz_gen_regs(struct fz_rng *r, const struct fz_world *w, struct hvm_regs *v);
void fz_gen_sregs(struct fz_rng *r, const struct fz_world *w, struct hvm_sregs *v);
void fz_gen_segment(struct fz_rng *r, struct hvm_segment *s);
void fz_gen_region(struct fz_rng *r, struct fz_world *w, struct fz_args *a,
		   struct hvm_memory_region *v);
/* Returns the bytes used (header and entries). */
size_t fz_gen_cpuid(struct fz_rng *r, struct hvm_cpuid *v, size_t room);
size_t fz_gen_msrs(struct fz_rng *r, struct hvm_msrs *v, size_t room);
void fz_gen_events(struct fz_rng *r, struct hvm_vcpu_events *v);
void fz_gen_xsave(struct fz_rng *r, struct hvm_xsave *v);
void fz_gen_xcrs(struct fz_rng *r, struct hvm_xcrs *v);
void fz_gen_lapic(struct fz_rng *r, struct hvm_lapic_state *v);

/* --- ops.c ------------------------------------------------------------ */
struct fz_thread {
	struct fz_world *world;
	struct fz_stats *stats;
	struct fz_rng rng;
	struct fz_args args;
	struct fz_where where;
	unsigned int nr_threads;
	bool child;
	bool stop;		/* set when the run must end (watchdog) */
};

/* One random operation. */
void fz_op(struct fz_thread *t);

/* --- run.c ------------------------------------------------------------ */
struct fz_config {
	__u64 seed;
	__u64 calls;		/* in all, all threads */
	unsigned int threads;
	unsigned int seconds;	/* 0: no limit */
	__u64 first_round;
	__u64 calls_per_round;
	bool tame;
	bool trace;		/* a line per round */
};

/* Runs rounds until calls or seconds are used up; returns the calls made. */
__u64 fz_run(const struct fz_config *cfg, struct fz_stats *st,
	     volatile int *stop);
/* The per-thread timer that ends a RUN every few ms (SIGEV_THREAD_ID). */
int fz_timer_start(void **timer);
void fz_timer_stop(void *timer);

#endif /* HVM_FUZZ_H */
