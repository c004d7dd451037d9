// SPDX-License-Identifier: GPL-2.0
/*
 * costs.c - what the simulator charges for what costs on the real machine
 * (struct sim_costs): the defaults, measured in the VM `make bench` runs in
 * (cland-sim --calibrate prints them from a bench run's results.json: the
 * procedure and the figures are in sim/README.md), and --costs's parser.
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

/*
 * "NAME=US[,NAME=US]...", NAME one of switch, preempt, round, decision, tick,
 * migrate; US may have decimals.
 */
int sim_costs_parse(const char *spec, struct sim_costs *c, char *err, size_t errlen)
{
	static const char *const names[] = {"switch",	"preempt", "round",
					    "decision", "tick",	   "migrate"};
	uint64_t *fields[] = {&c->switch_ns,   &c->preempt_ns, &c->round_ns,
			      &c->decision_ns, &c->tick_ns,    &c->migrate_ns};
	const size_t nr = sizeof(names) / sizeof(names[0]);
	char buf[256], *item, *save = NULL;
	size_t i;

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
		for (i = 0; i < nr && strcmp(item, names[i]); i++)
			;
		if (i == nr) {
			snprintf(err, errlen,
				 "\"%s\" is not a cost (switch, preempt, round, decision, tick or "
				 "migrate)",
				 item);
			return -1;
		}
		errno = 0;
		us = strtod(eq + 1, &end);
		if (end == eq + 1 || *end || errno || !(us >= 0) || us > 1e6) {
			snprintf(err, errlen, "%s: \"%s\" is not a number of us in 0..1000000",
				 item, eq + 1);
			return -1;
		}
		*fields[i] = (uint64_t)(us * 1000 + 0.5);
	}
	return 0;
}
