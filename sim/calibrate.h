/* SPDX-License-Identifier: GPL-2.0 */
/*
 * calibrate.h - cland-sim --calibrate: the simulator's costs measured from a
 * `make bench` run (its results.json), and the policies ranked on a
 * messaging and a request/worker workload by the VM and by the simulator
 * with those costs, side by side (sim/README.md, "Calibration").
 */
#ifndef __CLAND_SIM_CALIBRATE_H
#define __CLAND_SIM_CALIBRATE_H

#include <stdbool.h>
#include <stdio.h>

#include "engine.h"

#define SIM_CAL_POLICIES  8
#define SIM_CAL_WORKLOADS 2
/*
 * Two VM figures closer than this (relative), or whose rounds overlap (the
 * min-max ranges of a run of several rounds), are a tie: the ranking leaves
 * them unordered.
 */
#define SIM_CAL_TIE 0.10

/* A workload ranked by both: the bench's figure, and the simulator's workload file. */
struct sim_cal_workload {
	const char *name;  /* messaging, reqwork */
	const char *file;  /* sim/calibration/NAME.json, from the repository's root */
	const char *bench; /* the bench's benchmark and metric */
	const char *metric;
	bool higher_better; /* of the bench's metric; the simulator's is always higher */
};

extern const struct sim_cal_workload sim_cal_workloads[SIM_CAL_WORKLOADS];

/* What a bench run says, and what the simulator makes of it. */
struct sim_calibration {
	char source[256]; /* the results file, as given */
	char kernel[64];
	int nr_cpus, rounds;
	bool quick;
	struct sim_costs costs;
	uint64_t rtt_ns;
	/* the measurements the costs come from */
	double pingpong_best; /* round trips/s, the fastest scheduler's */
	char pingpong_sched[32];
	double eevdf_p50_us; /* cyclictest under load, EEVDF */
	int hz;		     /* the bench kernel's CONFIG_HZ */
	char hz_where[1100]; /* where it was read, or that it was assumed */
	double daemon_cpu[SIM_CAL_POLICIES], decisions_s[SIM_CAL_POLICIES],
		runs_s[SIM_CAL_POLICIES];
	char rtt_where[64];
	int nr_policies;
	char policy[SIM_CAL_POLICIES][32]; /* "deadline"... (cland-deadline in the bench) */
	/* per workload, per policy: the VM's figure and the simulator's (work per second) */
	double vm[SIM_CAL_WORKLOADS][SIM_CAL_POLICIES];
	double vm_min[SIM_CAL_WORKLOADS][SIM_CAL_POLICIES]; /* over the rounds */
	double vm_max[SIM_CAL_WORKLOADS][SIM_CAL_POLICIES];
	double sim[SIM_CAL_WORKLOADS][SIM_CAL_POLICIES];
};

/* Read @path (results.json of make bench) into @c's source, costs and VM figures. */
int sim_cal_read(const char *path, struct sim_calibration *c, char *err, size_t errlen);
/*
 * Run every policy of @c on each workload (files under @root) with @c's
 * costs and round trip: c->sim. Returns 0, or -1 with a message.
 */
int sim_cal_simulate(struct sim_calibration *c, const char *root, char *err, size_t errlen);
/*
 * Pairs the VM orders (apart by more than SIM_CAL_TIE, rounds not overlapping) that the simulator
 * orders the other way or not at all, on workload @w: one line each into
 * @why (may be NULL). Returns their number; *@pairs gets the pairs the VM orders.
 */
int sim_cal_disagreements(const struct sim_calibration *c, int w, int *pairs, char *why,
			  size_t len);

/*
 * The bench kernel's CONFIG_HZ into c->hz, from the config of the pinned
 * kernel c->kernel ($CLAND_KERNELS_DIR, else ROOT/../shared/kernels), else 250
 * (Debian's) with a note; c->costs.tick_ns follows.
 */
void sim_cal_read_hz(struct sim_calibration *c, const char *root);

/* cland-sim --calibrate RESULTS.json [--json] [--root DIR] */
bool sim_calibrate_wanted(int argc, char **argv);
int sim_calibrate_main(int argc, char **argv, FILE *out, FILE *errf);

#endif /* __CLAND_SIM_CALIBRATE_H */
