// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-bench: the figures, and one run of one figure on one backend: a new
 * VM with fresh memory, one vCPU at the figure's entry, run to DONE,
 * every exit checked (a wrong exit or value is a functional failure).
 */
#include <cpuid.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "bench.h"

/* Designated initializers: a figure sets only the fields it uses. */
#define LOOP(n, t, e, x, it, sm) \
	{ .name = n, .title = t, .kind = FIG_LOOP, .entry = e, .exits = x, \
	  .iters = it, .smoke_iters = sm }
#define SCALE(n, t, vms, vcpus) \
	{ .name = n, .title = t, .kind = FIG_SCALE, .entry = guest_cpuid, \
	  .iters = 3000, .smoke_iters = 10, .nvms = vms, .nvcpus = vcpus }

struct figure figures[] = {
	LOOP("floor", "guest loop without exits (floor)", guest_floor,
	     LOOP_NO_USER_EXIT, 1000000, 100),
	LOOP("cpuid", "CPUID: in-kernel exit", guest_cpuid,
	     LOOP_NO_USER_EXIT, 5000, 10),
	LOOP("vmmcall", "VMMCALL: in-kernel exit", guest_vmmcall,
	     LOOP_NO_USER_EXIT, 5000, 10),
	LOOP("out", "OUT: exit to user space", guest_out, LOOP_OUT, 2000, 10),
	LOOP("in", "IN: exit to user space", guest_in, LOOP_IN, 2000, 10),
	LOOP("mmio_read", "MMIO read: exit to user space", guest_mmio_read,
	     LOOP_MMIO_READ, 2000, 10),
	LOOP("mmio_write", "MMIO write: exit to user space", guest_mmio_write,
	     LOOP_MMIO_WRITE, 2000, 10),
	{ .name = "timer", .title = "HLT wake-up by LAPIC timer, past 100 us",
	  .kind = FIG_LOOP, .entry = guest_timer, .exits = LOOP_NO_USER_EXIT,
	  .iters = 500, .smoke_iters = 10, .irqchip = true, .wait_ns = 100000 },
	{ .name = "ipi", .title = "HLT wake-up by IPI from another vCPU",
	  .kind = FIG_IPI, .exits = LOOP_NO_USER_EXIT, .iters = 300,
	  .smoke_iters = 10, .irqchip = true },
	{ .name = "mem_touch", .title = "first touch of fresh memory, per 4 KiB",
	  .kind = FIG_MEM, .entry = guest_mem_touch, .iters = MEM_PAGES,
	  .smoke_iters = 1024, .per_iter = 1 },
	{ .name = "mem_sum", .title = "sum over 64 MiB (touched), per 4 KiB",
	  .kind = FIG_MEM, .entry = guest_mem_sum, .iters = 4,
	  .smoke_iters = 1, .per_iter = MEM_SUM_BYTES / 4096 },
	{ .name = "lifecycle", .title = "VM create+memory+vCPU+first exit+destroy",
	  .kind = FIG_LIFECYCLE, .entry = guest_first_exit, .iters = 20,
	  .smoke_iters = 2 },
	{ .name = "linux_boot", .title = "Linux boot to /init, 1 vCPU",
	  .kind = FIG_BOOT, .iters = 1, .smoke_iters = 1 },
	SCALE("scale_1vm_1vcpu", "CPUID loop: 1 VM x 1 vCPU: all exits", 1, 1),
	SCALE("scale_2vm_1vcpu", "CPUID loop: 2 VMs x 1 vCPU: all exits", 2, 1),
	SCALE("scale_1vm_2vcpu", "CPUID loop: 1 VM x 2 vCPUs: all exits", 1, 2),
};
const unsigned int nr_figures = sizeof(figures) / sizeof(figures[0]);

/* The hypercall instruction of the host's vendor: VMCALL on Intel. */
void figures_pick_hypercall(void)
{
	unsigned int a, b, c, d, i;

	if (!__get_cpuid(0, &a, &b, &c, &d) || b != 0x756e6547) /* "Genu" */
		return;
	for (i = 0; i < nr_figures; i++) {
		if (strcmp(figures[i].name, "vmmcall"))
			continue;
		figures[i].name = "vmcall";
		figures[i].title = "VMCALL: in-kernel exit";
		figures[i].entry = guest_vmcall;
	}
}

double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void __attribute__((format(printf, 3, 4)))
say(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

static void describe(const struct bench_exit *ex, char *buf, size_t len)
{
	switch (ex->kind) {
	case BX_IO:
		snprintf(buf, len, "%s port 0x%x size %u data 0x%llx",
			 ex->write ? "OUT" : "IN", ex->port, ex->size,
			 (unsigned long long)ex->data);
		break;
	case BX_MMIO:
		snprintf(buf, len, "MMIO %s 0x%llx len %u data 0x%llx",
			 ex->write ? "write" : "read",
			 (unsigned long long)ex->addr, ex->size,
			 (unsigned long long)ex->data);
		break;
	case BX_HLT:
		snprintf(buf, len, "HLT");
		break;
	case BX_SHUTDOWN:
		snprintf(buf, len, "shutdown (triple fault)");
		break;
	default:
		snprintf(buf, len, "exit reason %u", ex->raw);
		break;
	}
}

/* Is this exit the loop's own user exit?  For IN and reads, answer it. */
static bool loop_exit_ok(const struct backend *be, void *vcpu,
			 enum loop_exit kind, const struct bench_exit *ex)
{
	switch (kind) {
	case LOOP_OUT:
		return ex->kind == BX_IO && ex->write && ex->port == PORT_OUT &&
		       ex->size == 1 && ex->count == 1 && ex->data == OUT_VALUE;
	case LOOP_IN:
		if (ex->kind != BX_IO || ex->write || ex->port != PORT_IN ||
		    ex->size != 1 || ex->count != 1)
			return false;
		be->complete(vcpu, IN_VALUE);
		return true;
	case LOOP_MMIO_READ:
		if (ex->kind != BX_MMIO || ex->write || ex->addr != GUEST_MMIO ||
		    ex->size != 4)
			return false;
		be->complete(vcpu, MMIO_READ_VALUE);
		return true;
	case LOOP_MMIO_WRITE:
		return ex->kind == BX_MMIO && ex->write &&
		       ex->addr == GUEST_MMIO && ex->size == 4 &&
		       ex->data == MMIO_WRITE_VALUE;
	default:
		return false;
	}
}

/*
 * Run to DONE; *t0 is taken at START (0 if the guest has none), *t1 at
 * DONE.  Counts the loop's user exits into *nexits.
 */
int run_to_done(const struct backend *be, void *vcpu, const struct figure *f,
		double *t0, double *t1, uint64_t *nexits, char *err, size_t errlen)
{
	struct bench_exit ex;
	char what[96];

	double limit = now_ns() + FIGURE_LIMIT_S * 1e9;

	*t0 = 0;
	*nexits = 0;
	for (;;) {
		if (be->run(vcpu, &ex)) {
			say(err, errlen, "%s: run: %s", be->name, strerror(errno));
			return -1;
		}
		if (ex.kind == BX_INTR) {
			if (now_ns() < limit)
				continue;
			say(err, errlen, "%s: no DONE from the guest within %d s",
			    be->name, FIGURE_LIMIT_S);
			return -1;
		}
		if (ex.kind == BX_IO && ex.write && ex.port == PORT_START &&
		    ex.size == 1 && !*t0) {
			*t0 = now_ns();
			continue;
		}
		if (ex.kind == BX_IO && ex.write && ex.port == PORT_DONE &&
		    ex.size == 4) {
			*t1 = now_ns();
			if (ex.data) {
				say(err, errlen, "%s: guest failure code %llu",
				    be->name, (unsigned long long)ex.data);
				return -1;
			}
			return 0;
		}
		if (f->exits != LOOP_NO_USER_EXIT &&
		    loop_exit_ok(be, vcpu, f->exits, &ex)) {
			(*nexits)++;
			continue;
		}
		describe(&ex, what, sizeof(what));
		say(err, errlen, "%s: unexpected exit after %llu: %s", be->name,
		    (unsigned long long)*nexits, what);
		return -1;
	}
}

/* One VM from nothing to its DONE and back to nothing. */
static int one_vm(const struct backend *be, const struct figure *f,
		  uint64_t iters, uint64_t warmup, struct result *res,
		  char *err, size_t errlen)
{
	void *ram, *mem = NULL, *vm = NULL, *vcpu = NULL;
	struct guest_mailbox mb;
	struct guest_state gs;
	uint64_t nexits;
	double t0, t1;
	int r = FIG_FAILED;

	ram = guest_ram_alloc();
	if (!ram) {
		say(err, errlen, "guest memory: %s", strerror(errno));
		return FIG_FAILED;
	}
	guest_ram_setup(ram);
	vm = be->vm_create();
	if (!vm) {
		say(err, errlen, "%s: create VM: %s", be->name, strerror(errno));
		goto refused;
	}
	if (be->set_memory(vm, 0, 0, ram, GUEST_RAM_SIZE)) {
		say(err, errlen, "%s: memory: %s", be->name, strerror(errno));
		goto out;
	}
	if (f->kind == FIG_MEM) {
		/* fresh: every page's first touch faults, in the guest and here */
		mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (mem == MAP_FAILED) {
			mem = NULL;
			say(err, errlen, "memory: %s", strerror(errno));
			goto out;
		}
		if (be->set_memory(vm, 1, GUEST_MEM_BASE, mem, MEM_SIZE)) {
			say(err, errlen, "%s: memory slot 1: %s", be->name,
			    strerror(errno));
			goto out;
		}
	}
	if (f->irqchip && be->create_irqchip(vm)) {
		say(err, errlen, "%s: irqchip: %s", be->name, strerror(errno));
		goto out;
	}
	vcpu = be->vcpu_create(vm, 0);
	if (!vcpu) {
		say(err, errlen, "%s: create vCPU: %s", be->name, strerror(errno));
		goto out;
	}
	guest_state_init(&gs, f->entry, iters, warmup);
	if (be->set_state(vcpu, &gs)) {
		say(err, errlen, "%s: registers: %s", be->name, strerror(errno));
		goto out;
	}
	if (run_to_done(be, vcpu, f, &t0, &t1, &nexits, err, errlen))
		goto out;
	if (f->kind == FIG_LOOP || f->kind == FIG_MEM) {
		if (!t0) {
			say(err, errlen, "%s: no START from the guest", be->name);
			goto out;
		}
		if (f->exits != LOOP_NO_USER_EXIT && nexits != iters + warmup) {
			say(err, errlen, "%s: %llu user exits, expected %llu",
			    be->name, (unsigned long long)nexits,
			    (unsigned long long)(iters + warmup));
			goto out;
		}
		memcpy(&mb, (char *)ram + GUEST_MAILBOX, sizeof(mb));
		if (!mb.cycles) {
			say(err, errlen, "%s: the guest's TSC did not move", be->name);
			goto out;
		}
		res->cycles = (double)mb.cycles / iters;
		res->ns = (t1 - t0) / iters;
		if (f->per_iter) {
			res->cycles /= f->per_iter;
			res->ns /= f->per_iter;
		}
		if (f->wait_ns > 0) {
			/*
			 * The programmed wait off: in ns, and in guest cycles
			 * at this run's own guest TSC rate (cycles per ns).
			 */
			res->cycles -= f->wait_ns * res->cycles / res->ns;
			res->ns -= f->wait_ns;
		}
	}
	r = 0;
	goto out;
refused:
	r = FIG_REFUSED;
out:
	if (vcpu)
		be->vcpu_destroy(vcpu);
	if (vm)
		be->vm_destroy(vm);
	if (mem)
		munmap(mem, MEM_SIZE);
	guest_ram_free(ram);
	return r;
}

int figure_run(const struct backend *be, const struct figure *f,
	       uint64_t iters, struct result *res, char *err, size_t errlen)
{
	double start;
	uint64_t i;

	memset(res, 0, sizeof(*res));
	if (!iters)
		iters = 1;
	if (f->kind == FIG_LOOP)
		return one_vm(be, f, iters, iters / 20 + 2, res, err, errlen);
	if (f->kind == FIG_SCALE)
		return scale_run(be, f, iters, res, err, errlen);
	if (f->kind == FIG_IPI)
		return ipi_run(be, f, iters, res, err, errlen);
	if (f->kind == FIG_BOOT)
		return boot_run(be, f, res, err, errlen);
	if (f->kind == FIG_MEM) {
		if (f->entry == guest_mem_touch && iters > MEM_PAGES)
			iters = MEM_PAGES;	/* each page once */
		return one_vm(be, f, iters, 0, res, err, errlen);
	}
	start = now_ns();
	for (i = 0; i < iters; i++) {
		int r = one_vm(be, f, 0, 0, res, err, errlen);

		if (r)
			return r;
	}
	res->ns = (now_ns() - start) / iters;
	return 0;
}
