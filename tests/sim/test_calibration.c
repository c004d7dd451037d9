// SPDX-License-Identifier: GPL-2.0
/*
 * test_calibration.c - the simulator's costs are those measured by the bench
 * run kept in sim/calibration/results.json (cland-sim --calibrate), and with
 * them the simulator ranks the built-in policies on a messaging and on a
 * request/worker workload (sim/calibration/messaging.json, reqwork.json) the
 * way that VM run did:
 * every pair the VM orders (apart by more than SIM_CAL_TIE, rounds not
 * overlapping) in the same
 * order. A change to a policy or to the simulator that breaks the agreement
 * fails here; a new bench run is calibrated again (sim/README.md,
 * "Calibration").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "calibrate.h"
#include "cli.h"
#include "cli_run.h"
#include "engine.h"
#include "workload.h"

static void read_calibration(struct sim_calibration *c)
{
	char err[1024] = "";

	if (sim_cal_read(REPO "/sim/calibration/results.json", c, err, sizeof(err)))
		fail_msg("%s", err);
	sim_cal_read_hz(c, REPO);
}

/* The compiled-in defaults are the calibration's. */
static void test_defaults_are_the_calibration(void **state)
{
	struct sim_calibration c;
	int w;

	read_calibration(&c);
	assert_int_equal(sim_default_costs.switch_ns, c.costs.switch_ns);
	assert_int_equal(sim_default_costs.preempt_ns, c.costs.preempt_ns);
	assert_int_equal(sim_default_costs.round_ns, c.costs.round_ns);
	assert_int_equal(sim_default_costs.decision_ns, c.costs.decision_ns);
	assert_int_equal(sim_default_costs.tick_ns, c.costs.tick_ns);
	assert_int_equal(SIM_DEFAULT_RTT_NS, c.rtt_ns);
	/* the ranking workloads carry the round trip, for cland-sim -w */
	for (w = 0; w < SIM_CAL_WORKLOADS; w++) {
		char path[1024], err[512];
		struct sim_workload wl;

		snprintf(path, sizeof(path), REPO "/%s", sim_cal_workloads[w].file);
		assert_int_equal(sim_workload_load(path, &wl, err, sizeof(err)), 0);
		assert_true(wl.has_rtt);
		assert_int_equal(wl.rtt_ns / 1000, (c.rtt_ns + 500) / 1000);
		sim_workload_free(&wl);
	}
}

/* Same ranking as the VM, pair by pair. */
static void test_ranking_as_the_vm(void **state)
{
	struct sim_calibration c;
	char err[4096] = "";
	int w, pairs, bad, total = 0;

	read_calibration(&c);
	assert_true(c.nr_policies >= 3);
	if (sim_cal_simulate(&c, REPO, err, sizeof(err)))
		fail_msg("%s", err);
	for (w = 0; w < SIM_CAL_WORKLOADS; w++) {
		bad = sim_cal_disagreements(&c, w, &pairs, err, sizeof(err));
		print_message("%s: %d pairs ordered by the VM, %d in another order here\n%s",
			      sim_cal_workloads[w].name, pairs, bad, err);
		assert_int_equal(bad, 0);
		total += pairs;
	}
	/*
	 * The VM orders some pairs: the test compares something. A run of 3
	 * rounds orders fewer than one of a single round (overlapping rounds
	 * are ties): the kept run orders 1.
	 */
	assert_true(total >= 1);
}

/*
 * A run of several rounds orders two policies only when their rounds do not
 * overlap: a noisy run (the VM's rounds vary by 2x) ties what its medians
 * alone would order, and orders what they keep apart.
 */
static void test_overlapping_rounds_are_ties(void **state)
{
	struct sim_calibration c;
	int i, w = 0, pairs;

	read_calibration(&c);
	for (i = 0; i < c.nr_policies; i++) /* the sim's order: the policies' index */
		c.sim[w][i] = 1000 - i;
	for (i = 0; i < c.nr_policies; i++) { /* the VM's: the reverse, by 2x apart */
		c.vm[w][i] = sim_cal_workloads[w].higher_better ? 1 << i : 1 << (8 - i);
		c.vm_min[w][i] = c.vm_max[w][i] = c.vm[w][i];
	}
	assert_int_equal(sim_cal_disagreements(&c, w, &pairs, NULL, 0),
			 c.nr_policies * (c.nr_policies - 1) / 2);
	assert_int_equal(pairs, c.nr_policies * (c.nr_policies - 1) / 2);
	for (i = 0; i < c.nr_policies; i++) { /* each round from 0.1x to 10x its median */
		c.vm_min[w][i] = c.vm[w][i] / 10;
		c.vm_max[w][i] = c.vm[w][i] * 10;
	}
	assert_int_equal(sim_cal_disagreements(&c, w, &pairs, NULL, 0), 0);
	assert_int_equal(pairs, 0);
	c.vm[w][0] = c.vm_min[w][0] = c.vm_max[w][0] =
		sim_cal_workloads[w].higher_better ? 1e9 : 1e-9;
	assert_int_equal(sim_cal_disagreements(&c, w, &pairs, NULL, 0), 0);
	assert_int_equal(pairs, c.nr_policies - 1); /* policy 0 alone, best in both */
}

/* The tool's text: the costs' sources and both rankings, and the verdict. */
static void test_calibrate_command(void **state)
{
	char *argv[] = {"cland-sim", "--calibrate", REPO "/sim/calibration/results.json",
			"--root",    REPO,	    NULL};
	char *bad[] = {"cland-sim", "--calibrate", REPO "/sim/workloads/nice.json", NULL};
	struct cli_out r = cli(5, argv);

	assert_int_equal(r.ret, 0);
	assert_non_null(strstr(r.out, "ping-pong round trips/s"));
	assert_non_null(strstr(r.out, "messaging: VM (hackbench_pipe seconds"));
	assert_non_null(strstr(r.out, "reqwork: simulator (sim/calibration/reqwork.json"));
	assert_non_null(strstr(r.out, "verdict: the simulator ranks the policies as the VM does"));
	cli_free(&r);
	r = cli(3, bad);
	assert_int_equal(r.ret, SIM_EXIT_USAGE);
	assert_non_null(strstr(r.err, "not a make bench results.json"));
	cli_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_are_the_calibration),
		cmocka_unit_test(test_ranking_as_the_vm),
		cmocka_unit_test(test_overlapping_rounds_are_ties),
		cmocka_unit_test(test_calibrate_command),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
