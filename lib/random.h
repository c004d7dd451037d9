/* SPDX-License-Identifier: GPL-2.0 */
/*
 * random.h - the seeded random source behind cland_host.random (the daemon's
 * and the simulator's alike): splitmix64, a 64-bit state, so that a policy
 * that draws numbers makes the same draws on every run with the same seed.
 * Header-only; not for cryptography.
 */
#ifndef __CLAND_RANDOM_H
#define __CLAND_RANDOM_H

#include <stdint.h>

/* The daemon's seed (it has no option for it): its draws are the same on every start. */
#define CLAND_HOST_SEED 1ULL

/* The next 64 random bits of the stream whose state is *@state. */
static inline uint64_t cland_random_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#endif /* __CLAND_RANDOM_H */
