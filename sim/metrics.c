// SPDX-License-Identifier: GPL-2.0
/*
 * metrics.c - nearest-rank percentiles and Jain's fairness index, for the
 * simulator's results.
 */
#include <stdlib.h>

#include "metrics.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void sim_sort(uint64_t *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_u64);
}

uint64_t sim_percentile(const uint64_t *v, size_t n, unsigned int pct)
{
	size_t rank;

	if (!n)
		return 0;
	if (pct > 100)
		pct = 100;
	/* the smallest value with at least pct% of the values <= it */
	rank = ((size_t)pct * n + 99) / 100;
	return v[rank ? rank - 1 : 0];
}

double sim_jain_index(const uint64_t *x, size_t n)
{
	double sum = 0, sq = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		sum += (double)x[i];
		sq += (double)x[i] * (double)x[i];
	}
	if (!n || sq == 0)
		return -1;
	return sum * sum / ((double)n * sq);
}
