/* SPDX-License-Identifier: GPL-2.0 */
/*
 * engine.h - cland-sim's simulation: runs a workload on N simulated CPUs
 * under a policy (the same struct cland_policy the daemon drives) and returns
 * what happened: CPU shares, wake-up latencies, waits and backend counters.
 */
#ifndef __CLAND_SIM_ENGINE_H
#define __CLAND_SIM_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "policy.h"
#include "workload.h"

/* the VM's unloaded round trip (cland-sim --calibrate, sim/costs.c) */
#define SIM_DEFAULT_RTT_NS   276039ULL
#define SIM_DEFAULT_SEED     1ULL
#define SIM_SCX_SLICE_DFL_NS 20000000ULL /* the kernel's SCX_SLICE_DFL */
#define SIM_TICK_NS	     1000000ULL /* HZ=1000: the daemon re-polls a policy that holds tasks */
#define SIM_NICE_LEVELS	     40

/* The costs measured in the VM (costs.c): what cland-sim charges unless told otherwise. */
extern const struct sim_costs sim_default_costs;
/* "switch=US,preempt=US,round=US,decision=US" (any of them) into @c. Returns 0 or -1. */
int sim_costs_parse(const char *spec, struct sim_costs *c, char *err, size_t errlen);

struct sim_config {
	const struct cland_policy *policy;
	struct sim_costs costs;
	uint64_t seed;
	uint64_t rtt_ns;       /* round trip through user space, per decision */
	uint64_t slice_ns;     /* the policy's slice and the backend's default slice */
	uint64_t slice_min_ns; /* the policy's minimum slice */
	FILE *trace;	       /* when set: one line per event, for debugging a policy */
	/* optional: at the end, each group's wake-up latencies (ns, in no particular order) */
	void (*latencies)(void *arg, int group, const uint64_t *ns, size_t n);
	void *latencies_arg;
};

struct sim_group_stats {
	uint64_t cpu_ns;     /* CPU time used by the group's tasks */
	uint64_t runs;	     /* times one of its tasks was put on a CPU */
	uint64_t wakeups;    /* wake-ups after a sleep that got to run */
	uint64_t lat_p50_ns; /* wake-up latency: runnable after a sleep -> running */
	uint64_t lat_p99_ns;
	uint64_t lat_max_ns;
	uint64_t max_wait_ns; /* longest runnable-but-not-running stretch, any cause */
	int max_wait_task;    /* whose */
	uint64_t bursts;      /* bursts its tasks completed (messages handled, requests served) */
	uint64_t migrations;  /* runs on another CPU than the task's run before */
	uint64_t cpus_used[SIM_MASK_WORDS]; /* CPUs its tasks ran on */
};

/* Jain's index over the always-running, unpinned tasks of one nice level. */
struct sim_jain {
	int nice;
	int nr_tasks;
	double index;
};

/* The backend's counters (the fields of struct cland_counters it models). */
struct sim_counters {
	uint64_t nr_queued;	       /* tasks sent to user space */
	uint64_t nr_decisions;	       /* decisions the policy produced */
	uint64_t nr_user_dispatches;   /* decisions applied */
	uint64_t nr_kernel_dispatches; /* tasks BPF ran without a decision (idle wake-ups..) */
	uint64_t nr_cancel_dispatches; /* stale decisions dropped (generation, unknown task) */
	uint64_t nr_bounce_dispatches; /* target CPU not allowed: shared queue instead */
	uint64_t nr_failed_dispatches; /* decisions with a pid <= 0 */
	uint64_t nr_policy_errors;     /* malformed decisions for a task: BPF ran it itself */
	uint64_t nr_overdue;	       /* tasks held by user space over 1 s: BPF took them */
	uint64_t nr_starved;	       /* tasks the starvation net ran (500 ms in a DSQ) */
	uint64_t nr_requeued;	       /* preempted tasks put back in a DSQ by BPF */
	uint64_t nr_preemptions;       /* CPUs kicked for a task with an earlier deadline */
	uint64_t nr_preempt_standing;  /* of nr_preemptions: for standing wake-ups */
	uint64_t nr_preempt_daemon;    /* CPUs taken from a task for the daemon */
	uint64_t nr_rounds;	       /* times the daemon drove the policy */
	uint64_t nr_standing;	       /* wake-ups run by a standing decision, no round trip */
	uint64_t nr_standing_void;     /* wake-ups whose standing decision no longer held */
	uint64_t nr_migrated; /* tasks run on another CPU than the one whose run queue held them */
	/* not a backend counter: decisions naming no task (pid <= 0 or no such pid) */
	uint64_t nr_bad_pid;
};

/* The first time something happened: when, to which task, and what. */
struct sim_note {
	uint64_t n;   /* how many times in all (0: never) */
	uint64_t at;  /* ns, the first time */
	int task;     /* the task, or -1 */
	int32_t pid;  /* the pid the decision named */
	int64_t a, b; /* what: see each field of struct sim_result */
	const char *what;
};

struct sim_result {
	int nr_groups;
	struct sim_group_stats *groups;
	uint64_t capacity_ns;	   /* CPUs x duration */
	uint64_t busy_ns;	   /* CPU time used by all tasks */
	uint64_t context_switches; /* a CPU changed what it runs (idle counts, as in Linux) */
	uint64_t max_wait_ns;	   /* longest wait of any runnable task (starvation bound) */
	int max_wait_group;
	int max_wait_task;
	uint64_t affinity_violations; /* a task ran on a CPU it may not use: always 0 */
	uint64_t nr_waiting_user;     /* tasks still waiting for a decision at the end */
	uint64_t nr_policy_pending;   /* policy->nr_pending() at the end */
	/* the policy's counters at the end (cland_policy_read_stats()) */
	struct cland_policy_stats policy_stats;
	struct sim_counters counters;
	/* what --check looks at (check.c): the first of each */
	struct sim_note overdue;      /* taken back by the overdue net */
	struct sim_note starved;      /* run by the starvation net */
	struct sim_note policy_error; /* a malformed decision: a = cpu, b = slice */
	struct sim_note bad_pid;      /* a decision naming no task */
	struct sim_note stale;	      /* a decision for a task not awaited: a = gen, b = its gen */
	struct sim_note pending;      /* nr_pending() != held after a round: a = said, b = held */
	struct sim_note alloc;	      /* allocations while the policy ran: what = the callback */
	struct sim_note ejected;      /* the kernel's watchdog ejected the scheduler: a = wait */
	uint64_t nr_held_end;	      /* records the policy got and had not answered at the end */
	uint64_t switch_ns; /* CPU time spent switching (costs.switch_ns, and migrate_ns a move) */
	uint64_t daemon_ns; /* CPU time the daemon used (rounds and decisions) */
	uint64_t end_ns;    /* when the simulation ended (the duration, or the ejection) */
	int nr_jain;
	struct sim_jain jain[SIM_NICE_LEVELS];
	double jain_min; /* lowest index of jain[]; -1 when nr_jain is 0 */
	/*
	 * Steps taken by the simulator's data structures (heap levels, tree
	 * nodes, bitmap words, lanes and CPUs looked at): a deterministic
	 * measure of its own work, not reported; the tests check that it
	 * grows as log(tasks) per decision.
	 */
	uint64_t work;
};

/*
 * Run @w under @cfg. Returns 0 with @res filled (free it with
 * sim_result_free()), or -1 with a message in @err: the policy failed to
 * initialise or misbehaved so badly that the simulation cannot go on.
 */
int sim_run(const struct sim_workload *w, const struct sim_config *cfg, struct sim_result *res,
	    char *err, size_t errlen);
void sim_result_free(struct sim_result *res);

/* The sched_ext weight of @nice: DIV_ROUND_CLOSEST(sched_prio_to_weight * 100, 1024). */
uint64_t sim_nice_weight(int nice);

#endif /* __CLAND_SIM_ENGINE_H */
