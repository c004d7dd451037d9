/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench.h - cland-sim --bench: what a policy's own decisions cost on one core
 * with 1k, 10k and 100k runnable tasks held by it (256 CPUs), and how fast
 * the whole simulator replays workloads. Timed with CLOCK_MONOTONIC, best of
 * several repetitions; the numbers are printed, never checked against a limit.
 */
#ifndef __CLAND_SIM_BENCH_H
#define __CLAND_SIM_BENCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "engine.h"

#define SIM_BENCH_CPUS		256    /* CPUs the bench host pretends to have */
#define SIM_BENCH_DECISIONS	200000 /* decisions per timed repetition (default) */
#define SIM_BENCH_REPS		5      /* repetitions; the best one counts */
#define SIM_BENCH_SIZES		3      /* 1k, 10k, 100k tasks */
#define SIM_BENCH_MAX_WORKLOADS 16

struct sim_bench_args {
	const struct cland_policy *policy;		/* NULL: every built-in policy */
	uint64_t decisions;				/* per timed repetition */
	const char *workloads[SIM_BENCH_MAX_WORKLOADS]; /* also time the whole simulator on these */
	int nr_workloads;
	struct sim_config cfg; /* for the workloads */
	bool rtt_set;	       /* cfg.rtt_ns given: overrides the workloads' rtt_us */
};

/* Run the benchmarks, print the tables to @out; returns a cland-sim exit code. */
int sim_bench_main(const struct sim_bench_args *a, FILE *out, FILE *errf);

#endif /* __CLAND_SIM_BENCH_H */
