// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzer's random numbers: a counter run through a 64-bit mixing
 * function (the SplitMix64 finalizer), so every thread, round and child
 * has its own stream derived from the printed seed alone.  And the value
 * generators the argument builders share.
 */
#include <string.h>

#include "fuzz.h"

__u64 fz_mix(__u64 a, __u64 b)
{
	__u64 z = a + b * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void fz_rng_seed(struct fz_rng *r, __u64 seed)
{
	r->state = fz_mix(seed, 1);
}

__u64 fz_next(struct fz_rng *r)
{
	r->state += 0x9e3779b97f4a7c15ULL;
	return fz_mix(r->state, 0);
}

__u64 fz_below(struct fz_rng *r, __u64 n)
{
	return n ? fz_next(r) % n : 0;
}

bool fz_one_in(struct fz_rng *r, unsigned int n)
{
	return fz_below(r, n) == 0;
}

/* Boundary values of 64-bit fields and registers. */
static const __u64 boundaries[] = {
	0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
	0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL,
	0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL, ~0ULL - 1,
	0xfffULL, 0x1000, 0x1001, 0xfffff000ULL, 0xfee00000ULL, 0xfec00000ULL,
	/* canonical edges: 48 and 57 bits */
	0x00007fffffffffffULL, 0x0000800000000000ULL, 0xffff7fffffffffffULL,
	0xffff800000000000ULL, 0x00ffffffffffffffULL, 0x0100000000000000ULL,
	0xff00000000000000ULL, 0xfeffffffffffffffULL,
	0xffffffff80000000ULL, 0xffffffff81000000ULL, 0xffff888000000000ULL,
};

__u64 fz_u64(struct fz_rng *r)
{
	unsigned int bit;

	switch (fz_below(r, 6)) {
	case 0:
	case 1:
		return boundaries[fz_below(r, sizeof(boundaries) / sizeof(boundaries[0]))];
	case 2:
		bit = fz_below(r, 64);
		return (1ULL << bit) + (__u64)(fz_below(r, 3)) - 1;
	case 3:
		return fz_below(r, 0x10000);
	default:
		return fz_next(r);
	}
}

__u32 fz_u32(struct fz_rng *r)
{
	return (__u32)fz_u64(r);
}

__u64 fz_addr(struct fz_rng *r)
{
	switch (fz_below(r, 5)) {
	case 0:
		return fz_below(r, 0x400000);		/* in or near guest RAM */
	case 1:
		return fz_below(r, 0x400000) & ~0xfffULL;
	case 2:	/* just around a canonical edge */
		return (fz_one_in(r, 2) ? 0x0000800000000000ULL : 0x0100000000000000ULL) +
		       fz_below(r, 0x2000) - 0x1000;
	default:
		return fz_u64(r);
	}
}

void fz_bytes(struct fz_rng *r, void *buf, size_t len)
{
	unsigned char *p = buf;
	__u64 v;

	while (len >= 8) {
		v = fz_next(r);
		memcpy(p, &v, 8);
		p += 8;
		len -= 8;
	}
	v = fz_next(r);
	memcpy(p, &v, len);
}

void fz_mutate(struct fz_rng *r, void *buf, size_t len)
{
	unsigned char *p = buf;
	unsigned int i, n = 1 + fz_below(r, 4);
	__u64 v;

	if (!len)
		return;
	for (i = 0; i < n; i++) {
		size_t at = fz_below(r, len);

		switch (fz_below(r, 3)) {
		case 0:
			p[at] ^= 1U << fz_below(r, 8);
			break;
		case 1:
			p[at] = fz_next(r);
			break;
		default:	/* an aligned 8-byte boundary value */
			at &= ~(size_t)7;
			if (at + 8 > len)
				break;
			v = fz_u64(r);
			memcpy(p + at, &v, 8);
			break;
		}
	}
}
