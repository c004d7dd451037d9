// SPDX-License-Identifier: GPL-2.0
/*
 * costs.c - what the simulator charges for what costs on the real machine
 * (struct sim_costs): the defaults, measured in the VM `make bench` runs in
 * (cland-sim --calibrate prints them from a bench run's results.json: the
 * procedure and the figures are in sim/README.md), their names (the one
 * table --costs and a workload's "costs" read), and --costs's parser.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/*
 * `cland-sim --calibrate sim/calibration/results.json` (a `make bench` run):
 * change them together, and the round trip (SIM_DEFAULT_RTT_NS, the
 * calibration workloads' rtt_us); tests/sim/test_calibration.c checks it.
 */
const struct sim_costs sim_default_costs = {
	.switch_ns = 94164,
	.preempt_ns = 126836,
	.round_ns = 0,
	.decision_ns = 123661,
	.tick_ns = 4000000,
};

const char *const sim_cost_names[SIM_NR_COSTS] = {"switch",   "preempt", "round",
						  "decision", "tick",	 "migrate"};

uint64_t *sim_cost_field(struct sim_costs *c, int i)
{
	uint64_t *fields[SIM_NR_COSTS] = {&c->switch_ns,   &c->preempt_ns, &c->round_ns,
					  &c->decision_ns, &c->tick_ns,	   &c->migrate_ns};

	return i >= 0 && i < SIM_NR_COSTS ? fields[i] : NULL;
}

/* "(switch, preempt, ... or migrate)": the names, for an error message. */
static void cost_names(char *buf, size_t len)
{
	size_t n = 0;
	int i;

	for (i = 0; i < SIM_NR_COSTS && n < len; i++)
		n += snprintf(buf + n, len - n, "%s%s",
			      i == 0		      ? ""
			      : i == SIM_NR_COSTS - 1 ? " or "
						      : ", ",
			      sim_cost_names[i]);
}

/* "NAME=US[,NAME=US]...", NAME one of sim_cost_names; US may have decimals. */
int sim_costs_parse(const char *spec, struct sim_costs *c, char *err, size_t errlen)
{
	char buf[256], names[128], *item, *save = NULL;
	int i;

	if (strlen(spec) >= sizeof(buf)) {
		snprintf(err, errlen, "\"%s\" is too long", spec);
		return -1;
	}
	strcpy(buf, spec);
	for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '='), *end;
		double us;

		if (!eq) {
			snprintf(err, errlen, "\"%s\" is not NAME=US", item);
			return -1;
		}
		*eq = '\0';
		for (i = 0; i < SIM_NR_COSTS && strcmp(item, sim_cost_names[i]); i++)
			;
		if (i == SIM_NR_COSTS) {
			cost_names(names, sizeof(names));
			snprintf(err, errlen, "\"%s\" is not a cost (%s)", item, names);
			return -1;
		}
		errno = 0;
		us = strtod(eq + 1, &end);
		if (end == eq + 1 || *end || errno || !(us >= 0) || us > 1e6) {
			snprintf(err, errlen, "%s: \"%s\" is not a number of us in 0..1000000",
				 item, eq + 1);
			return -1;
		}
		*sim_cost_field(c, i) = (uint64_t)(us * 1000 + 0.5);
	}
	return 0;
}
