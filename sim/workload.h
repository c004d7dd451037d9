/* SPDX-License-Identifier: GPL-2.0 */
/*
 * workload.h - what cland-sim simulates: CPUs, duration, round-trip cost and
 * groups of tasks that alternate CPU bursts and sleeps. Read from a JSON file
 * (schema in sim/README.md) and validated before the simulation starts.
 */
#ifndef __CLAND_SIM_WORKLOAD_H
#define __CLAND_SIM_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

#define SIM_NAME_LEN	    32
#define SIM_MASK_WORDS	    (CLAND_MAX_CPUS / 64)
#define SIM_MAX_TASKS	    100000	     /* tasks in all groups together */
#define SIM_MAX_US	    1000000000000ULL /* longest time field: ~11.6 days */
#define SIM_MAX_DURATION_MS 3600000ULL	     /* one hour of simulated time */

/* How burst and sleep lengths are drawn around their mean. */
enum sim_dist {
	SIM_DIST_FIXED, /* always the mean */
	SIM_DIST_EXP,	/* exponential with that mean (seeded PRNG) */
};

struct sim_group {
	char name[SIM_NAME_LEN];
	int count;	     /* tasks in the group */
	int nice;	     /* -20..19 */
	uint64_t run_ns;     /* mean CPU burst per cycle, > 0 */
	uint64_t sleep_ns;   /* mean sleep per cycle; 0: always runnable */
	uint64_t start_ns;   /* first task becomes runnable at this time */
	uint64_t stagger_ns; /* each next task of the group starts this much later */
	uint64_t stop_ns;    /* a burst ending at or after this is a task's last; 0: never */
	enum sim_dist dist;
	bool waits;	   /* each burst takes a message from its inbox (inbox.c) */
	bool per_task;	   /* an inbox per task (a pipe each), else one for the group */
	int wakes;	   /* each burst posts a message to group wakes - 1; 0: none */
	uint64_t inbox;	   /* messages in (each of) its inbox(es) at the start */
	uint64_t capacity; /* messages an inbox holds at most (0: no limit) */
	bool sync;	   /* its wake-ups by a message are sync ones (default), else a futex's */
	bool pinned;	   /* "cpus" was given and excludes some CPU */
	uint64_t cpus[SIM_MASK_WORDS]; /* allowed CPUs */
	int nr_cpus_allowed;
};

/*
 * What costs on the real machine, charged by the simulator (all in ns; 0:
 * free). The defaults are measured in the VM (cland-sim --calibrate,
 * sim/README.md, sim/costs.c).
 */
struct sim_costs {
	uint64_t switch_ns;   /* a context switch: the CPU runs nothing useful meanwhile */
	uint64_t preempt_ns;  /* a preemption's IPI: from the kick to the CPU rescheduling */
	uint64_t round_ns;    /* the daemon's CPU per round (wake-up, rings, notify) */
	uint64_t decision_ns; /* the daemon's CPU per decision (enqueue + dispatch + send) */
	/*
	 * A task run on another CPU than the one whose run queue held it: the
	 * move (that run queue's lock), spent by the CPU that takes it before
	 * the task runs. 0 unless given: not calibrated (the VM's `migrated`
	 * counter counts the moves, their cost is not separated yet).
	 */
	uint64_t migrate_ns;
	/*
	 * The kernel's tick (1 s / CONFIG_HZ): a slice that runs out is only
	 * seen at the next tick, so a slice lasts until the first tick after
	 * it ends. 0: slices end exactly.
	 */
	uint64_t tick_ns;
};

/*
 * The costs by name, in one place: --costs NAME=US and a workload's "costs":
 * {"NAME_us": N}. sim_cost_field(): the field of @c named
 * sim_cost_names[@i] (costs.c).
 */
#define SIM_NR_COSTS 6
extern const char *const sim_cost_names[SIM_NR_COSTS];
uint64_t *sim_cost_field(struct sim_costs *c, int i);

struct sim_workload {
	int nr_cpus;
	uint64_t duration_ns;
	bool has_rtt;	 /* "rtt_us" was given */
	uint64_t rtt_ns; /* round trip through user space, per decision */
	bool has_costs;	 /* "costs" was given: its fields, the others 0 */
	struct sim_costs costs;
	int nr_groups;
	int nr_tasks; /* sum of the groups' counts */
	struct sim_group *groups;
};

static inline bool sim_cpu_allowed(const uint64_t *mask, int cpu)
{
	return cpu >= 0 && cpu < CLAND_MAX_CPUS && (mask[cpu / 64] >> (cpu % 64)) & 1;
}

/*
 * Parse and validate the JSON text @text (@name is used in messages). Returns
 * 0, or -1 with a one-line message naming the problem in @err.
 */
int sim_workload_parse(const char *text, const char *name, struct sim_workload *w, char *err,
		       size_t errlen);
/* Read @path and parse it as above; a file that cannot be read is an error too. */
int sim_workload_load(const char *path, struct sim_workload *w, char *err, size_t errlen);
void sim_workload_free(struct sim_workload *w);

#endif /* __CLAND_SIM_WORKLOAD_H */
