// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-bench: scaling.  f->nvms VMs with f->nvcpus vCPUs each run the
 * same exit loop at once, one host thread per vCPU; the figure is the
 * wall time per exit of all of them together, from the first START to
 * the last DONE (shown as exits per second).  Every vCPU of a VM runs
 * the same code in the same memory; the mailbox is not read.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"

int scale_run(const struct backend *be, const struct figure *f,
	      uint64_t iters, struct result *res, char *err, size_t errlen)
{
	struct vcpu_thread v[SCALE_MAX_VMS * SCALE_MAX_VCPUS];
	void *ram[SCALE_MAX_VMS] = { }, *vm[SCALE_MAX_VMS] = { };
	unsigned int nvms = f->nvms, nvcpus = f->nvcpus, n = 0, i, j;
	double first = 0, last = 0;
	struct guest_state gs;
	int r = FIG_FAILED;

	memset(v, 0, sizeof(v));
	if (nvms < 1 || nvms > SCALE_MAX_VMS || nvcpus < 1 ||
	    nvcpus > SCALE_MAX_VCPUS) {
		snprintf(err, errlen, "scale: bad figure");
		return FIG_FAILED;
	}
	for (i = 0; i < nvms; i++) {
		ram[i] = guest_ram_alloc();
		if (!ram[i]) {
			snprintf(err, errlen, "guest memory: %s", strerror(errno));
			goto out;
		}
		guest_ram_setup(ram[i]);
		vm[i] = be->vm_create();
		if (!vm[i]) {
			snprintf(err, errlen, "%s: create VM: %s", be->name,
				 strerror(errno));
			r = FIG_REFUSED;
			goto out;
		}
		if (be->set_memory(vm[i], 0, 0, ram[i], GUEST_RAM_SIZE)) {
			snprintf(err, errlen, "%s: memory: %s", be->name,
				 strerror(errno));
			goto out;
		}
		for (j = 0; j < nvcpus; j++, n++) {
			v[n].be = be;
			v[n].f = f;
			v[n].vcpu = be->vcpu_create(vm[i], j);
			if (!v[n].vcpu) {
				snprintf(err, errlen, "%s: create vCPU %u: %s",
					 be->name, j, strerror(errno));
				goto out;
			}
			guest_state_init(&gs, f->entry, iters, iters / 20 + 2);
			if (be->set_state(v[n].vcpu, &gs)) {
				snprintf(err, errlen, "%s: registers: %s",
					 be->name, strerror(errno));
				n++;
				goto out;
			}
		}
	}
	for (i = 0; i < n; i++) {
		if (vcpu_thread_start(&v[i])) {
			snprintf(err, errlen, "pthread_create failed");
			break;
		}
	}
	r = vcpu_threads_join(v, n, err, errlen);
	for (i = 0; i < n && !r; i++) {
		if (!v[i].started) {
			r = FIG_FAILED;
		} else if (!v[i].t0) {
			snprintf(err, errlen, "%s: no START from the guest", be->name);
			r = FIG_FAILED;
		} else {
			if (!first || v[i].t0 < first)
				first = v[i].t0;
			if (v[i].t1 > last)
				last = v[i].t1;
		}
	}
	if (!r)
		res->ns = (last - first) / (n * iters);
out:
	for (i = 0; i < SCALE_MAX_VMS * SCALE_MAX_VCPUS; i++)
		if (v[i].vcpu)
			be->vcpu_destroy(v[i].vcpu);
	for (i = 0; i < nvms; i++) {
		if (vm[i])
			be->vm_destroy(vm[i]);
		guest_ram_free(ram[i]);
	}
	return r;
}
