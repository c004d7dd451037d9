/* SPDX-License-Identifier: GPL-2.0 */
/*
 * check.h - cland-sim's verdict on a policy (--check, and "checks" in
 * --json): what the real backend would have had to do about it (tasks it
 * took back, tasks it ran because they starved, decisions it rejected), the
 * kernel's watchdog, the policy's accounting of what it holds, allocations
 * in the hot path, and each group's CPU share against the share its weight
 * entitles it to.
 */
#ifndef __CLAND_SIM_CHECK_H
#define __CLAND_SIM_CHECK_H

#include <stdbool.h>

#include "engine.h"
#include "workload.h"

#define SIM_CHECK_MSG_LEN 512
#define SIM_NR_CHECKS	  7

/* A share is short when below expected x (1 - this) and by at least SIM_SHARE_ABS_PCT. */
#define SIM_SHARE_TOLERANCE 0.25
#define SIM_SHARE_ABS_PCT   0.5

struct sim_check {
	const char *name; /* lost, in_flight, max_wait, watchdog, rejected, hot_path, share */
	bool ok;
	int nr_failures; /* lines in msg */
	/* what was found: one line when ok, one line per failure otherwise ('\n' between) */
	char msg[SIM_CHECK_MSG_LEN * 4];
};

struct sim_checks {
	int nr;
	struct sim_check c[SIM_NR_CHECKS];
	int nr_failed;
	/*
	 * Per group: the share of the CPU capacity its weight entitles it to
	 * (%, as cap%); < 0 when none is computed (see check.c). Allocated.
	 */
	double *expected_pct;
	bool *share_checked; /* the share check applies to the group */
};

/* Judge @r, the run of @w under @cfg. Returns 0, or -1 when out of memory. */
int sim_check(const struct sim_workload *w, const struct sim_config *cfg,
	      const struct sim_result *r, struct sim_checks *out);
void sim_checks_free(struct sim_checks *c);

#endif /* __CLAND_SIM_CHECK_H */
