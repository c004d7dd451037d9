/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sim_rules.h - scx_cland's rules in the simulator (cland-sim --rules FILE):
 * each group's tasks get the verdict of the first rule matching their comm
 * (the group's name, cut to 15 characters), as the daemon gives it, and a
 * rule's CPU set narrows the group's CPUs, as the backend holds it. So a
 * rules file can be tried on a workload before it is loaded for real.
 */
#ifndef __CLAND_SIM_RULES_H
#define __CLAND_SIM_RULES_H

#include <stddef.h>
#include <stdio.h>

#include "policy.h"
#include "workload.h"

/*
 * Read the rules at @path for @w's machine (its CPUs), narrow the groups'
 * CPUs by their rules' sets (a set that leaves a group no CPU is ignored,
 * as the backend does), and return in *@wrapped a policy that gives each
 * task its verdict before @pol sees it. What each rule matched goes to
 * @info. Returns 0, or -1 with a message in @err naming the file, the rule
 * and the problem.
 */
int sim_rules_setup(const char *path, struct sim_workload *w, const struct cland_policy *pol,
		    const struct cland_policy **wrapped, FILE *info, char *err, size_t errlen);
/* Free what sim_rules_setup() kept. */
void sim_rules_free(void);

#endif /* __CLAND_SIM_RULES_H */
