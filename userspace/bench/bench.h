/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvm-bench: the same guest code on hvm (/dev/hvm) and on KVM (/dev/kvm),
 * in the same boot, so that the ratio hvm/KVM is the figure.
 *
 * The pieces: guests.S (the guest code, one blob copied to GUEST_CODE),
 * layout.c (guest memory: GDT, TSS, page tables, the code; the register
 * state of a flat 64-bit guest), backend_hvm.c and backend_kvm.c (the
 * struct backend below, on each device), figures.c (one run of one
 * figure), stats.c (medians), bench_main.c (rounds, table, CSV).
 */
#ifndef BENCH_H
#define BENCH_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Guest-physical layout (layout.c); one RAM slot at 0. */
#define GUEST_RAM_SIZE		(2ULL << 20)
#define GUEST_GDT		0x1000ULL
#define GUEST_TSS		0x1800ULL
#define GUEST_PML4		0x2000ULL
#define GUEST_PDPT		0x3000ULL
#define GUEST_PD		0x4000ULL	/* 4 pages: 4 GiB of 2 MiB pages */
#define GUEST_IDT		0x8000ULL	/* LAPIC gates only: an exception
						 * shuts down */
#define GUEST_MAILBOX		0x9000ULL	/* results the guest writes */
#define GUEST_CODE		0x10000ULL	/* guests.S */
#define GUEST_STACK_TOP		0x100000ULL
/* Slot 1, the memory figures' fresh memory (FIG_MEM). */
#define GUEST_MEM_BASE		0x40000000ULL
#define MEM_SIZE		(256ULL << 20)
#define MEM_PAGES		(MEM_SIZE >> 12)
#define MEM_SUM_BYTES		(64ULL << 20)	/* the sum loop's part */
/* Mapped by the guest's page tables, backed by no slot: MMIO exits. */
#define GUEST_MMIO		0xc0000000ULL

#define SEL_CODE64		0x08
#define SEL_DATA		0x10
#define SEL_TSS			0x18

/* Ports and values of the guest protocol (also in guests.S). */
#define PORT_START		0xe0	/* OUT: the measured loop starts */
#define PORT_DONE		0xe1	/* OUT eax: 0 done, else a failure code */
#define PORT_OUT		0xe2	/* OUT al = OUT_VALUE, each iteration */
#define PORT_IN			0xe3	/* IN al, the host answers IN_VALUE */
#define OUT_VALUE		0x42
#define IN_VALUE		0x5a
#define MMIO_READ_VALUE		0x5a5a1234U
#define MMIO_WRITE_VALUE	0x12345678U

/* guests.S: the blob and its entry points (rdi = iterations, rsi = warm-up). */
extern const char guest_blob_start[], guest_blob_end[];
extern const char guest_floor[], guest_cpuid[], guest_vmmcall[],
	guest_vmcall[], guest_out[], guest_in[], guest_mmio_read[],
	guest_mmio_write[], guest_first_exit[], guest_timer[],
	guest_irq_handler[], guest_ipi_send[], guest_ipi_wait[],
	guest_mem_touch[], guest_mem_sum[];
/*
 * Functions of the blob with the C calling convention, which the guest
 * entries call and which hvm-bench calls natively (mem.c) on a copy.
 */
extern const char guest_mem_touch_fn[], guest_mem_fill_fn[],
	guest_mem_sum_fn[];
/* The vectors of the guest's LAPIC interrupts (guests.S): IDT gates. */
#define GUEST_TIMER_VECTOR	0x40
#define GUEST_IPI_VECTOR	0x41
#define GUEST_LAPIC		0xfee00000ULL	/* mapped by the page tables */

/*
 * The mailbox at GUEST_MAILBOX: the measured loop's TSC cycles; for the
 * IPI figure the cycles of the wake-ups alone, and the whole loop's.
 */
struct guest_mailbox {
	uint64_t cycles;
	uint64_t total;
};

/* A segment register with its hidden part (as struct hvm_segment/kvm_segment). */
struct bench_seg {
	uint64_t base;
	uint32_t limit;
	uint16_t selector;
	uint8_t type, present, dpl, db, s, l, g, avl, unusable;
};

/* The whole register state of a guest: both backends set exactly this. */
struct guest_state {
	struct bench_seg cs, ds, tr, ldt;	/* es, fs, gs, ss = ds */
	uint64_t gdt_base, idt_base;
	uint16_t gdt_limit, idt_limit;
	uint64_t cr0, cr3, cr4, efer;
	uint64_t rip, rsp, rflags, rdi, rsi;
};

/* layout.c */
void *guest_ram_alloc(void);
void guest_ram_free(void *ram);
void guest_ram_setup(void *ram);
void guest_state_init(struct guest_state *gs, const char *entry,
		      uint64_t iters, uint64_t warmup);

/* What a run returned, backend-neutral. */
enum bench_exit_kind {
	BX_IO,
	BX_MMIO,
	BX_HLT,
	BX_SHUTDOWN,
	BX_INTR,	/* a signal: run again */
	BX_OTHER,	/* anything else: raw says what */
};

struct bench_exit {
	enum bench_exit_kind kind;
	bool write;		/* IO: OUT; MMIO: a write */
	uint8_t size;		/* IO: 1, 2, 4; MMIO: length */
	uint16_t port;
	uint32_t count;		/* IO: repeat count */
	uint64_t addr;		/* MMIO */
	uint64_t data;		/* OUT or MMIO write data */
	uint32_t raw;		/* the backend's exit reason */
};

/*
 * One hypervisor.  Handles are the backend's own; functions returning int
 * return 0 or -1 with errno set, pointers NULL with errno set.
 */
struct backend {
	const char *name;
	/* NULL when usable, else why not (no device, ...). */
	const char *(*unavailable)(void);
	void *(*vm_create)(void);
	int (*set_memory)(void *vm, unsigned int slot, uint64_t gpa,
			  void *hva, uint64_t size);
	/* In-kernel local APICs (and the rest): before vcpu_create. */
	int (*create_irqchip)(void *vm);
	void *(*vcpu_create)(void *vm, unsigned int id);
	int (*set_state)(void *vcpu, const struct guest_state *gs);
	int (*run)(void *vcpu, struct bench_exit *ex);
	/* The data of the IN or MMIO read that just exited. */
	void (*complete)(void *vcpu, uint64_t data);
	void (*vcpu_destroy)(void *vcpu);
	void (*vm_destroy)(void *vm);
};

extern const struct backend backend_hvm;
extern const struct backend backend_kvm;

/* figures.c */
enum figure_kind {
	FIG_LOOP,	/* guest loop: cycles/iteration, ns/iteration */
	FIG_LIFECYCLE,	/* create + memory + vCPU + first exit + destroy */
	FIG_SCALE,	/* nvms VMs x nvcpus vCPUs in threads: exits/s */
	FIG_IPI,	/* vCPU 0 wakes vCPU 1 from HLT: cycles/wake-up */
	FIG_MEM,	/* a loop over slot 1's memory: per 4 KiB */
	FIG_BOOT,	/* Linux boot to /init by each one's runner (boot.c) */
};

enum loop_exit {
	LOOP_NO_USER_EXIT,
	LOOP_OUT,
	LOOP_IN,
	LOOP_MMIO_READ,
	LOOP_MMIO_WRITE,
};

struct figure {
	const char *name;	/* short, for the CSV */
	const char *title;
	enum figure_kind kind;
	const char *entry;
	enum loop_exit exits;
	uint64_t iters;		/* per run (VMs for FIG_LIFECYCLE) */
	uint64_t smoke_iters;
	unsigned int nvms, nvcpus;	/* FIG_SCALE */
	bool irqchip;		/* the VM needs in-kernel local APICs */
	double wait_ns;		/* a wait in each iteration, taken off (timer) */
	uint64_t per_iter;	/* FIG_MEM: 4 KiB pages per guest iteration */
};

struct result {
	double cycles;		/* guest TSC cycles per iteration (FIG_LOOP) */
	double ns;		/* host wall time per iteration, or per VM;
				 * FIG_SCALE: per exit, all vCPUs together;
				 * FIG_BOOT: from fork() to the guest's /init */
	/* FIG_BOOT: cycles is the guest's uptime at /init, in seconds */
};

/* A run of a figure that takes longer fails (the guest is stuck). */
#define FIGURE_LIMIT_S	30

extern struct figure figures[];
extern const unsigned int nr_figures;
void figures_pick_hypercall(void);
/*
 * 0; FIG_REFUSED when the backend refused to set up the VM (e.g. another
 * hypervisor holds SVM/VMX); FIG_FAILED on a wrong exit or value.  err
 * says what.
 */
#define FIG_NA		(-3)	/* not measurable here: n/a, err says why */
#define FIG_REFUSED	(-2)
#define FIG_FAILED	(-1)
int figure_run(const struct backend *be, const struct figure *f,
	       uint64_t iters, struct result *res, char *err, size_t errlen);

/* Run to DONE; *t0 at the guest's START (0 if none), *t1 at DONE. */
int run_to_done(const struct backend *be, void *vcpu, const struct figure *f,
		double *t0, double *t1, uint64_t *nexits, char *err, size_t errlen);
double now_ns(void);

/*
 * threads.c: vCPUs run to DONE on host threads of their own (ipi.c,
 * scale.c).  hvm-bench's ticker signal (SIGALRM) reaches one thread of
 * the process only: vcpu_threads_join() passes it on to each running
 * vCPU thread, so that a vCPU that never exits still meets its limit.
 */
struct vcpu_thread {
	const struct backend *be;
	const struct figure *f;
	void *vcpu;
	pthread_t thread;
	bool started;
	bool finished;			/* atomic: set by the thread */
	double t0, t1;			/* as run_to_done() */
	uint64_t nexits;
	int r;
	char err[256];
};
int vcpu_thread_start(struct vcpu_thread *v);
/* Joins the started ones; 0, or FIG_FAILED with the first error in err. */
int vcpu_threads_join(struct vcpu_thread *v, unsigned int n, char *err,
		      size_t errlen);

/* scale.c */
#define SCALE_MAX_VMS	2
#define SCALE_MAX_VCPUS	2
int scale_run(const struct backend *be, const struct figure *f,
	      uint64_t iters, struct result *res, char *err, size_t errlen);

/* mem.c: FIG_MEM's loop run natively by hvm-bench itself, same bytes */
int mem_native(const struct figure *f, uint64_t iters, struct result *res,
	       char *err, size_t errlen);

/* ipi.c */
int ipi_run(const struct backend *be, const struct figure *f,
	    uint64_t iters, struct result *res, char *err, size_t errlen);

/*
 * boot.c: FIG_BOOT.  boot_configure() takes the Linux guest's directory
 * (vmlinux or vmlinuz, guest.cpio.gz), more command line for it (or
 * NULL) and the runners (program names or
 * paths): without it the figure is n/a.  boot_run() gives FIG_NA also for
 * a side whose runner is missing, and for KVM when its guest hangs.
 */
int boot_configure(const char *linux_dir, const char *append,
		   const char *hvm_run, const char *qemu);
int boot_run(const struct backend *be, const struct figure *f,
	     struct result *res, char *err, size_t errlen);

/* stats.c */
struct stats {
	double median, min, max;
	unsigned int n;
};

void stats_compute(const double *v, unsigned int n, struct stats *st);

#endif /* BENCH_H */
