// SPDX-License-Identifier: GPL-2.0
/*
 * metrics.c - nearest-rank percentiles (by selection: a run's millions of
 * latency samples are not sorted) and Jain's fairness index, for the
 * simulator's results.
 */
#include <stdlib.h>

#include "metrics.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void swap_u64(uint64_t *a, uint64_t *b)
{
	uint64_t t = *a;

	*a = *b;
	*b = t;
}

static uint64_t median3(uint64_t a, uint64_t b, uint64_t c)
{
	if (a > b)
		swap_u64(&a, &b);
	return c <= a ? a : c >= b ? b : c;
}

/*
 * Put in v[@k] the value a sort would put there (quickselect, Hoare's
 * partition around a median of three); after 64 rounds without getting
 * there, sort what is left instead, so that the worst case is O(n log n).
 */
static uint64_t select_k(uint64_t *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;
	int rounds = 0;

	while (lo < hi) {
		uint64_t pivot = median3(v[lo], v[lo + (hi - lo) / 2], v[hi]);
		size_t i = lo, j = hi;

		if (++rounds > 64) {
			qsort(&v[lo], hi - lo + 1, sizeof(*v), cmp_u64);
			break;
		}
		/* then v[lo..j] <= pivot <= v[i..hi], and what is between equals it */
		for (;;) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i >= j)
				break;
			swap_u64(&v[i++], &v[j--]);
		}
		if (i == j) { /* v[i] equals the pivot and is in place */
			if (k == i)
				break;
			if (k < i)
				hi = i - 1;
			else
				lo = i + 1;
		} else if (k <= j) {
			hi = j;
		} else if (k >= i) {
			lo = i;
		} else {
			break;
		}
	}
	return v[k];
}

uint64_t sim_percentile(uint64_t *v, size_t n, unsigned int pct)
{
	size_t rank;

	if (!n)
		return 0;
	if (pct > 100)
		pct = 100;
	/* the smallest value with at least pct% of the values <= it */
	rank = ((size_t)pct * n + 99) / 100;
	return select_k(v, n, rank ? rank - 1 : 0);
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
