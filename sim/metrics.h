/* SPDX-License-Identifier: GPL-2.0 */
/*
 * metrics.h - the statistics cland-sim reports: nearest-rank percentiles and
 * Jain's fairness index.
 */
#ifndef __CLAND_SIM_METRICS_H
#define __CLAND_SIM_METRICS_H

#include <stddef.h>
#include <stdint.h>

/*
 * The @pct-th percentile (nearest rank) of the @n values of @v, 0 when @n is
 * 0. Reorders @v (a selection, O(n) on average, not a sort); the values
 * stay the same.
 */
uint64_t sim_percentile(uint64_t *v, size_t n, unsigned int pct);
/* (sum x)^2 / (n * sum x^2): 1 when all equal, 1/n when one takes all; -1 if undefined. */
double sim_jain_index(const uint64_t *x, size_t n);

#endif /* __CLAND_SIM_METRICS_H */
