/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prng.h - the simulator's only source of randomness: splitmix64, one stream
 * per task (seeded from --seed and the task's index), so that a run depends
 * on nothing but its inputs.
 */
#ifndef __CLAND_SIM_PRNG_H
#define __CLAND_SIM_PRNG_H

#include <math.h>
#include <stdint.h>

#include "random.h"

/* splitmix64: the generator of the policies' host->random() too (lib/random.h) */
static inline uint64_t sim_prng_next(uint64_t *state)
{
	return cland_random_next(state);
}

/* The state of stream @idx for @seed: streams of different tasks differ. */
static inline uint64_t sim_prng_seed(uint64_t seed, uint64_t idx)
{
	uint64_t s = seed ^ (idx * 0xd1b54a32d192ed03ULL);

	return sim_prng_next(&s);
}

/* An exponentially distributed value with mean @mean (rounded, in ns). */
static inline uint64_t sim_prng_exp(uint64_t *state, uint64_t mean)
{
	/* u in (0, 1]: 53 random bits, never 0 so that log() is finite */
	double u = (double)((sim_prng_next(state) >> 11) + 1) / 9007199254740992.0;
	double v = -log(u) * (double)mean;

	return v >= 18e18 ? UINT64_MAX / 2 : (uint64_t)(v + 0.5);
}

#endif /* __CLAND_SIM_PRNG_H */
