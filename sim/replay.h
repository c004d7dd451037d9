/* SPDX-License-Identifier: GPL-2.0 */
/*
 * replay.h - turns a scheduling trace (scx_cland --record, lib/trace.h)
 * into a cland-sim workload: one group per recorded task, with its bursts
 * and sleeps, nice level, affinity and lifetime as the trace shows them.
 */
#ifndef __CLAND_SIM_REPLAY_H
#define __CLAND_SIM_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace.h"
#include "workload.h"

/* What the recording held. */
struct sim_replay_info {
	char policy[32];       /* the policy that ran while it was recorded */
	uint64_t nr_records;   /* END not counted */
	uint64_t nr_queued;    /* TASK records: tasks handed to the policy */
	uint64_t nr_decisions; /* DECISION records */
	uint64_t nr_dropped;   /* events the recorder lost (buffer full) */
	bool cut;	       /* the size limit or a write error ended it */
	int nr_tasks;	       /* groups of the workload */
	int nr_hogs;	       /* of which never seen waking: one burst of their CPU time */
	uint64_t duration_ns;
};

/*
 * Build @w from the checked trace @t. Each task that was handed to the
 * policy becomes a group of one, named "comm/pid":
 *  - it starts when it was first seen and makes no new burst after it was
 *    last seen (the group's stop_us);
 *  - a task seen waking up alternates bursts and sleeps ("exp" around their
 *    means): a sleep is a wake-up's time less the end of the run before it,
 *    a burst that run plus the CPU time already reported (exec_runtime) by
 *    a record since its previous wake-up;
 *  - a task never seen waking (a CPU hog) makes one burst of the CPU time
 *    its records account for, then exits;
 *  - nice from its weight (the nearest level), CPUs from its affinity.
 * Only what reached the daemon is in a trace: wake-ups BPF served on an
 * idle CPU are not, so means come from the wake-ups the daemon saw.
 * Returns 0, or -1 with a message in @err.
 */
int sim_replay_build(const struct cland_trace *t, struct sim_workload *w,
		     struct sim_replay_info *info, char *err, size_t errlen);

/* cland_trace_load() then sim_replay_build(); messages name @path (and the offset). */
int sim_replay_load(const char *path, struct sim_workload *w, struct sim_replay_info *info,
		    char *err, size_t errlen);

/* True when the file at @path starts like a trace (else: a JSON workload). */
bool sim_replay_is_trace(const char *path);

#endif /* __CLAND_SIM_REPLAY_H */
