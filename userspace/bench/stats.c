// SPDX-License-Identifier: GPL-2.0
/* hvm-bench: median, minimum and maximum of a few samples. */
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void stats_compute(const double *v, unsigned int n, struct stats *st)
{
	double *s;

	memset(st, 0, sizeof(*st));
	st->n = n;
	if (!n)
		return;
	s = malloc(n * sizeof(*s));
	if (!s) {
		st->n = 0;
		return;
	}
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	st->min = s[0];
	st->max = s[n - 1];
	st->median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	free(s);
}
