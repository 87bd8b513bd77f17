// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-bench: the memory figures run natively, by hvm-bench itself in the
 * test VM: the same bytes as the guest's (guests.S, guest_mem_*_fn, C
 * calling convention), called on an executable copy of the blob, over
 * fresh anonymous memory as the guest's slot 1 is.  Cycles are the
 * test VM's TSC, which the guests' TSC follows at the same rate.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <x86intrin.h>

#include "bench.h"

typedef uint64_t (*mem_fn)(void *base, uint64_t n);

static void *blob_copy;

/* The blob's function @fn, callable: in an executable copy of the blob. */
static mem_fn blob_fn(const char *fn)
{
	size_t len = guest_blob_end - guest_blob_start;

	if (!blob_copy) {
		void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return NULL;
		memcpy(p, guest_blob_start, len);
		if (mprotect(p, len, PROT_READ | PROT_EXEC)) {
			munmap(p, len);
			return NULL;
		}
		blob_copy = p;
	}
	return (mem_fn)(uintptr_t)((char *)blob_copy + (fn - guest_blob_start));
}

static uint64_t tsc(void)
{
	unsigned int aux;

	_mm_lfence();
	return __rdtscp(&aux);
}

int mem_native(const struct figure *f, uint64_t iters, struct result *res,
	       char *err, size_t errlen)
{
	mem_fn touch = blob_fn(guest_mem_touch_fn);
	mem_fn fill = blob_fn(guest_mem_fill_fn);
	mem_fn sum = blob_fn(guest_mem_sum_fn);
	uint64_t c0, c1, i, units;
	double t0, t1;
	void *mem;
	int r = 0;

	if (!touch || !fill || !sum) {
		snprintf(err, errlen, "native: blob copy: %s", strerror(errno));
		return FIG_FAILED;
	}
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED) {
		snprintf(err, errlen, "native: memory: %s", strerror(errno));
		return FIG_FAILED;
	}
	if (!iters)
		iters = 1;
	if (f->entry == guest_mem_touch) {
		if (iters > MEM_PAGES)
			iters = MEM_PAGES;
		t0 = now_ns();
		c0 = tsc();
		touch(mem, iters);
		c1 = tsc();
		t1 = now_ns();
	} else {
		fill(mem, MEM_SUM_BYTES);
		sum(mem, MEM_SUM_BYTES);
		t0 = now_ns();
		c0 = tsc();
		for (i = 0; i < iters && !r; i++)
			if (sum(mem, MEM_SUM_BYTES) != MEM_SUM_BYTES / 8)
				r = FIG_FAILED;
		c1 = tsc();
		t1 = now_ns();
		if (r)
			snprintf(err, errlen, "native: wrong sum");
	}
	munmap(mem, MEM_SIZE);
	units = iters * (f->per_iter ? f->per_iter : 1);
	res->cycles = (double)(c1 - c0) / units;
	res->ns = (t1 - t0) / units;
	return r;
}
