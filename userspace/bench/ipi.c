// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-bench: HLT woken by an IPI.  One VM with the in-kernel local APICs
 * and two vCPUs, one host thread each: vCPU 1 halts round after round,
 * vCPU 0 wakes it with a fixed IPI through its xAPIC's ICR and measures,
 * in guest TSC cycles, until vCPU 1 says in memory that it woke
 * (guests.S, guest_ipi_send and guest_ipi_wait).  Host time per wake-up
 * is that share of the measured loop's wall time.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"

/* vCPU 1's stack, below vCPU 0's (GUEST_STACK_TOP). */
#define IPI_STACK_TOP	(GUEST_STACK_TOP - 0x10000)

int ipi_run(const struct backend *be, const struct figure *f,
	    uint64_t iters, struct result *res, char *err, size_t errlen)
{
	uint64_t warmup = iters / 20 + 2;
	struct vcpu_thread v[2];
	struct guest_mailbox mb;
	struct guest_state gs;
	void *ram, *vm = NULL;
	int r = FIG_FAILED;
	unsigned int i;

	memset(v, 0, sizeof(v));
	ram = guest_ram_alloc();
	if (!ram) {
		snprintf(err, errlen, "guest memory: %s", strerror(errno));
		return FIG_FAILED;
	}
	guest_ram_setup(ram);
	vm = be->vm_create();
	if (!vm) {
		snprintf(err, errlen, "%s: create VM: %s", be->name,
			 strerror(errno));
		r = FIG_REFUSED;
		goto out;
	}
	if (be->set_memory(vm, 0, 0, ram, GUEST_RAM_SIZE)) {
		snprintf(err, errlen, "%s: memory: %s", be->name, strerror(errno));
		goto out;
	}
	if (be->create_irqchip(vm)) {
		snprintf(err, errlen, "%s: irqchip: %s", be->name, strerror(errno));
		goto out;
	}
	for (i = 0; i < 2; i++) {
		v[i].be = be;
		v[i].f = f;
		v[i].vcpu = be->vcpu_create(vm, i);
		if (!v[i].vcpu) {
			snprintf(err, errlen, "%s: create vCPU %u: %s", be->name,
				 i, strerror(errno));
			goto out;
		}
		if (i == 0) {
			guest_state_init(&gs, guest_ipi_send, iters, warmup);
		} else {
			guest_state_init(&gs, guest_ipi_wait, iters + warmup, 0);
			gs.rsp = IPI_STACK_TOP;
		}
		if (be->set_state(v[i].vcpu, &gs)) {
			snprintf(err, errlen, "%s: registers: %s", be->name,
				 strerror(errno));
			goto out;
		}
	}
	/* vCPU 1 first: it must be there to be woken. */
	for (i = 2; i-- > 0;) {
		if (vcpu_thread_start(&v[i])) {
			snprintf(err, errlen, "pthread_create failed");
			break;
		}
	}
	r = vcpu_threads_join(v, 2, err, errlen);
	if (!r && (!v[0].started || !v[1].started))
		r = FIG_FAILED;
	if (r)
		goto out;
	if (!v[0].t0) {
		snprintf(err, errlen, "%s: no START from vCPU 0", be->name);
		r = FIG_FAILED;
		goto out;
	}
	memcpy(&mb, (char *)ram + GUEST_MAILBOX, sizeof(mb));
	if (!mb.cycles || mb.total < mb.cycles) {
		snprintf(err, errlen, "%s: wrong TSC figures from the guest",
			 be->name);
		r = FIG_FAILED;
		goto out;
	}
	res->cycles = (double)mb.cycles / iters;
	/* the wake-ups' share of the measured loop's wall time */
	res->ns = (v[0].t1 - v[0].t0) / iters * mb.cycles / mb.total;
out:
	for (i = 0; i < 2; i++)
		if (v[i].vcpu)
			be->vcpu_destroy(v[i].vcpu);
	if (vm)
		be->vm_destroy(vm);
	guest_ram_free(ram);
	return r;
}
