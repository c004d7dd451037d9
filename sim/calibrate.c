// SPDX-License-Identifier: GPL-2.0
/*
 * calibrate.c - cland-sim --calibrate RESULTS.json: what the simulator
 * charges (struct sim_costs) measured from a `make bench` run, and the
 * policies ranked by the VM and by the simulator side by side.
 *
 * The costs, from the run's medians (bench/README.md says how each is taken):
 *  - switch: 1e9 / (2 x the ping-pong round trips/s of the fastest
 *    scheduler): a round trip is two wake-ups of a task blocked on a pipe,
 *    each a switch;
 *  - preempt: EEVDF's median cyclictest wake-up under stress-ng (a timer
 *    interrupt, a preemption and a switch) less a switch;
 *  - round, decision: the daemon's CPU (overhead: daemon_cpu_pct x CPUs)
 *    = round x its runs/s (decisions_s / decisions_per_run) + decision x
 *    decisions/s, least squares over the policies (non-negative);
 *  - the round trip: the smallest median round trip of any policy on any
 *    benchmark (rtt_p50_us: the daemon woken on a machine with room; the
 *    simulator adds the daemon's CPU time and waits itself);
 *  - the tick: 1 s / CONFIG_HZ of the kernel the bench ran (its pinned
 *    config), the granularity at which slices run out.
 *
 * The rankings: the bench's hackbench (pipes) time and reqwork's requests/s
 * against the simulator's work per second (bursts of every task) on
 * sim/calibration/messaging.json and reqwork.json. Two VM figures within
 * SIM_CAL_TIE of each other, or whose rounds overlap (min-max), are a tie;
 * every pair the VM orders must be in the same order in the simulator.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "calibrate.h"
#include "cli.h"
#include "options.h"
#include "policy.h"
#include "workload.h"

const struct sim_cal_workload sim_cal_workloads[SIM_CAL_WORKLOADS] = {
	{"messaging", "sim/calibration/messaging.json", "hackbench_pipe", "seconds", false},
	{"reqwork", "sim/calibration/reqwork.json", "reqwork", "requests_s", true},
};

/* @what (median, min, max) of @bench's @metric for @sched; false if the run has none. */
static bool figure_of(struct json_object *root, const char *bench, const char *metric,
		      const char *sched, const char *what, double *out)
{
	struct json_object *benches, *b, *v;
	size_t i, j, k;

	if (!json_object_object_get_ex(root, "benches", &benches))
		return false;
	for (i = 0; i < json_object_array_length(benches); i++) {
		struct json_object *metrics;

		b = json_object_array_get_idx(benches, i);
		if (!json_object_object_get_ex(b, "bench", &v) ||
		    strcmp(json_object_get_string(v), bench) ||
		    !json_object_object_get_ex(b, "metrics", &metrics))
			continue;
		for (j = 0; j < json_object_array_length(metrics); j++) {
			struct json_object *m = json_object_array_get_idx(metrics, j), *scheds;

			if (!json_object_object_get_ex(m, "metric", &v) ||
			    strcmp(json_object_get_string(v), metric) ||
			    !json_object_object_get_ex(m, "scheds", &scheds))
				continue;
			for (k = 0; k < json_object_array_length(scheds); k++) {
				struct json_object *sc = json_object_array_get_idx(scheds, k);

				if (!json_object_object_get_ex(sc, "sched", &v) ||
				    strcmp(json_object_get_string(v), sched) ||
				    !json_object_object_get_ex(sc, what, &v) ||
				    json_object_get_type(v) == json_type_null)
					continue;
				*out = json_object_get_double(v);
				return true;
			}
		}
	}
	return false;
}

/* The median of @bench's @metric for scheduler @sched; false if the run has none. */
static bool figure(struct json_object *root, const char *bench, const char *metric,
		   const char *sched, double *out)
{
	return figure_of(root, bench, metric, sched, "median", out);
}

static const char *meta(struct json_object *root, const char *key)
{
	struct json_object *m, *v;

	if (!json_object_object_get_ex(root, "meta", &m) || !json_object_object_get_ex(m, key, &v))
		return "";
	return json_object_get_string(v);
}

/* The bench's schedulers that are built-in policies ("cland-NAME"), in the run's order. */
static int policies(struct json_object *root, struct sim_calibration *c)
{
	char list[512], *tok, *save = NULL;

	snprintf(list, sizeof(list), "%s", meta(root, "scheds"));
	for (tok = strtok_r(list, ",", &save); tok && c->nr_policies < SIM_CAL_POLICIES;
	     tok = strtok_r(NULL, ",", &save)) {
		if (strncmp(tok, "cland-", 6) || !cland_policy_find(tok + 6))
			continue;
		snprintf(c->policy[c->nr_policies++], sizeof(c->policy[0]), "%s", tok + 6);
	}
	return c->nr_policies;
}

static int fail(char *err, size_t len, const char *fmt, const char *arg)
{
	snprintf(err, len, fmt, arg);
	return -1;
}

/* round x runs + decision x decisions = daemon CPU: least squares, each >= 0. */
static void fit_daemon(struct sim_calibration *c)
{
	double saa = 0, sab = 0, sbb = 0, sya = 0, syb = 0, det, a, b;
	int i;

	for (i = 0; i < c->nr_policies; i++) {
		double x = c->runs_s[i], z = c->decisions_s[i], y = c->daemon_cpu[i];

		saa += x * x;
		sab += x * z;
		sbb += z * z;
		sya += y * x;
		syb += y * z;
	}
	det = saa * sbb - sab * sab;
	a = det != 0 ? (sya * sbb - syb * sab) / det : -1;
	b = det != 0 ? (syb * saa - sya * sab) / det : -1;
	if (a < 0 || b < 0) { /* one cost only: the other one's fit alone */
		double fa = saa > 0 ? sya / saa : 0, fb = sbb > 0 ? syb / sbb : 0;
		double ea = 0, eb = 0;

		for (i = 0; i < c->nr_policies; i++) {
			ea += pow(fa * c->runs_s[i] - c->daemon_cpu[i], 2);
			eb += pow(fb * c->decisions_s[i] - c->daemon_cpu[i], 2);
		}
		a = ea <= eb ? fa : 0;
		b = ea <= eb ? 0 : fb;
	}
	c->costs.round_ns = (uint64_t)(a * 1e9 + 0.5);
	c->costs.decision_ns = (uint64_t)(b * 1e9 + 0.5);
}

static int read_costs(struct json_object *root, struct sim_calibration *c, char *err, size_t len)
{
	static const char *const benches[] = {"latency",      "hackbench_pipe", "hackbench_socket",
					      "stressng_cpu", "pingpong",	"reqwork",
					      "mixed",	      "overhead"};
	char sched[64], scheds[512], *tok, *save = NULL;
	double v, rtt = 0, per_run;
	size_t b;
	int i;

	snprintf(scheds, sizeof(scheds), "%s", meta(root, "scheds"));
	for (tok = strtok_r(scheds, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (figure(root, "pingpong", "roundtrips_s", tok, &v) && v > c->pingpong_best) {
			c->pingpong_best = v;
			snprintf(c->pingpong_sched, sizeof(c->pingpong_sched), "%s", tok);
		}
	}
	if (c->pingpong_best <= 0)
		return fail(err, len, "%s: no pingpong figure", c->source);
	c->costs.switch_ns = (uint64_t)(1e9 / (2 * c->pingpong_best) + 0.5);
	if (!figure(root, "latency", "p50_us", "eevdf", &c->eevdf_p50_us))
		return fail(err, len, "%s: no EEVDF latency figure", c->source);
	v = c->eevdf_p50_us * 1000 - (double)c->costs.switch_ns;
	c->costs.preempt_ns = v > 0 ? (uint64_t)(v + 0.5) : 0;
	for (i = 0; i < c->nr_policies; i++) {
		snprintf(sched, sizeof(sched), "cland-%s", c->policy[i]);
		if (!figure(root, "overhead", "daemon_cpu_pct", sched, &v) ||
		    !figure(root, "overhead", "decisions_s", sched, &c->decisions_s[i]) ||
		    !figure(root, "overhead", "decisions_per_run", sched, &per_run) ||
		    per_run <= 0) {
			snprintf(err, len, "%s: no overhead figures for %s", c->source, sched);
			return -1;
		}
		c->daemon_cpu[i] = v / 100 * c->nr_cpus;
		c->runs_s[i] = c->decisions_s[i] / per_run;
		for (b = 0; b < sizeof(benches) / sizeof(*benches); b++) {
			if (figure(root, benches[b],
				   b == sizeof(benches) / sizeof(*benches) - 1 ? "rtt_p50_us"
									       : "instr.rtt_p50_us",
				   sched, &v) &&
			    v > 0 && (!rtt || v < rtt)) {
				rtt = v;
				snprintf(c->rtt_where, sizeof(c->rtt_where), "%s, %s", benches[b],
					 c->policy[i]);
			}
		}
	}
	if (!rtt)
		return fail(err, len, "%s: no round-trip figure", c->source);
	c->rtt_ns = (uint64_t)(rtt * 1000 + 0.5);
	fit_daemon(c);
	return 0;
}

int sim_cal_read(const char *path, struct sim_calibration *c, char *err, size_t errlen)
{
	struct json_object *root = json_object_from_file(path);
	char sched[64];
	int w, i, ret = -1;

	memset(c, 0, sizeof(*c));
	snprintf(c->source, sizeof(c->source), "%s", path);
	if (!root)
		return fail(err, errlen, "%s: cannot read it as JSON (a make bench results.json)",
			    path);
	snprintf(c->kernel, sizeof(c->kernel), "%s", meta(root, "kernel"));
	c->nr_cpus = atoi(meta(root, "nproc"));
	c->rounds = atoi(meta(root, "rounds"));
	c->quick = !strcmp(meta(root, "quick"), "1");
	if (c->nr_cpus <= 0) {
		fail(err, errlen, "%s: no meta.nproc: not a make bench results.json", path);
		goto out;
	}
	if (policies(root, c) < 2) {
		fail(err, errlen, "%s: fewer than 2 built-in policies in the run", path);
		goto out;
	}
	if (read_costs(root, c, err, errlen))
		goto out;
	for (w = 0; w < SIM_CAL_WORKLOADS; w++) {
		const struct sim_cal_workload *cw = &sim_cal_workloads[w];

		for (i = 0; i < c->nr_policies; i++) {
			snprintf(sched, sizeof(sched), "cland-%s", c->policy[i]);
			if (!figure(root, cw->bench, cw->metric, sched, &c->vm[w][i])) {
				snprintf(err, errlen, "%s: no %s %s figure for %s", path, cw->bench,
					 cw->metric, sched);
				goto out;
			}
			if (!figure_of(root, cw->bench, cw->metric, sched, "min", &c->vm_min[w][i]))
				c->vm_min[w][i] = c->vm[w][i];
			if (!figure_of(root, cw->bench, cw->metric, sched, "max", &c->vm_max[w][i]))
				c->vm_max[w][i] = c->vm[w][i];
		}
	}
	ret = 0;
out:
	json_object_put(root);
	return ret;
}

void sim_cal_read_hz(struct sim_calibration *c, const char *root)
{
	const char *dir = getenv("CLAND_KERNELS_DIR");
	char path[1024], line[256];
	FILE *f;

	if (dir && *dir)
		snprintf(path, sizeof(path), "%s/%s/config", dir, c->kernel);
	else
		snprintf(path, sizeof(path), "%s/../shared/kernels/%s/config", root, c->kernel);
	c->hz = 0;
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "CONFIG_HZ=", 10)) {
			c->hz = atoi(line + 10);
			break;
		}
	}
	if (f)
		fclose(f);
	if (c->hz > 0) {
		snprintf(c->hz_where, sizeof(c->hz_where), "CONFIG_HZ of %s", path);
	} else {
		c->hz = 250;
		snprintf(c->hz_where, sizeof(c->hz_where), "no %s: Debian's CONFIG_HZ=250 assumed",
			 path);
	}
	c->costs.tick_ns = 1000000000ULL / (uint64_t)c->hz;
}

/* Work per second: the bursts of every task (messages handled, requests served). */
static double work_per_s(const struct sim_result *r)
{
	uint64_t n = 0;
	int g;

	for (g = 0; g < r->nr_groups; g++)
		n += r->groups[g].bursts;
	return r->end_ns ? (double)n * 1e9 / (double)r->end_ns : 0;
}

int sim_cal_simulate(struct sim_calibration *c, const char *root, char *err, size_t errlen)
{
	int w, i;

	for (w = 0; w < SIM_CAL_WORKLOADS; w++) {
		char path[1024], e[512];
		struct sim_workload wl;

		snprintf(path, sizeof(path), "%s/%s", root, sim_cal_workloads[w].file);
		if (sim_workload_load(path, &wl, e, sizeof(e))) {
			snprintf(err, errlen, "%s", e);
			return -1;
		}
		for (i = 0; i < c->nr_policies; i++) {
			struct sim_config cfg = {.policy = cland_policy_find(c->policy[i]),
						 .costs = c->costs,
						 .seed = SIM_DEFAULT_SEED,
						 .rtt_ns = c->rtt_ns,
						 .slice_ns = CLAND_DEFAULT_SLICE_US * 1000ULL,
						 .slice_min_ns =
							 CLAND_DEFAULT_SLICE_MIN_US * 1000ULL};
			struct sim_result r;

			if (!cfg.policy || sim_run(&wl, &cfg, &r, e, sizeof(e))) {
				snprintf(err, errlen, "%s, %s: %s", path, c->policy[i],
					 cfg.policy ? e : "no such policy");
				sim_workload_free(&wl);
				return -1;
			}
			c->sim[w][i] = work_per_s(&r);
			sim_result_free(&r);
		}
		sim_workload_free(&wl);
	}
	return 0;
}

/*
 * @a is better than @b on the VM's figure of workload @w, by more than a tie:
 * apart by over SIM_CAL_TIE, and no round of one as good as a round of the
 * other.
 */
static bool vm_better(const struct sim_calibration *c, int w, int a, int b)
{
	double x = c->vm[w][a], y = c->vm[w][b];
	double lo = x < y ? x : y;

	if (lo <= 0 || fabs(x - y) / lo <= SIM_CAL_TIE)
		return false;
	if (fmax(c->vm_min[w][a], c->vm_min[w][b]) <= fmin(c->vm_max[w][a], c->vm_max[w][b]))
		return false; /* the rounds overlap */
	return sim_cal_workloads[w].higher_better ? x > y : x < y;
}

int sim_cal_disagreements(const struct sim_calibration *c, int w, int *pairs, char *why, size_t len)
{
	int a, b, bad = 0;
	size_t used = 0;

	*pairs = 0;
	if (why && len)
		why[0] = '\0';
	for (a = 0; a < c->nr_policies; a++) {
		for (b = 0; b < c->nr_policies; b++) {
			if (!vm_better(c, w, a, b))
				continue;
			(*pairs)++;
			if (c->sim[w][a] > c->sim[w][b])
				continue;
			bad++;
			if (why && used < len)
				used += (size_t)snprintf(why + used, len - used,
							 "%s: the VM ranks %s above %s (%.4g vs "
							 "%.4g %s), the simulator "
							 "does not (%.1f vs %.1f work/s)\n",
							 sim_cal_workloads[w].name, c->policy[a],
							 c->policy[b], c->vm[w][a], c->vm[w][b],
							 sim_cal_workloads[w].metric, c->sim[w][a],
							 c->sim[w][b]);
		}
	}
	return bad;
}

/* "fifo 0.411 > deadline 0.551 ~ vruntime 0.859": best first, ~ for a tie with the previous. */
static void ranking(FILE *f, const struct sim_calibration *c, int w, bool vm)
{
	int order[SIM_CAL_POLICIES], i, j;

	for (i = 0; i < c->nr_policies; i++)
		order[i] = i;
	for (i = 1; i < c->nr_policies; i++) { /* insertion sort, best first */
		int x = order[i];

		for (j = i; j > 0; j--) {
			int y = order[j - 1];
			bool before = vm ? (sim_cal_workloads[w].higher_better
						    ? c->vm[w][x] > c->vm[w][y]
						    : c->vm[w][x] < c->vm[w][y])
					 : c->sim[w][x] > c->sim[w][y];

			if (!before)
				break;
			order[j] = y;
		}
		order[j] = x;
	}
	for (i = 0; i < c->nr_policies; i++) {
		int x = order[i];

		if (i)
			fprintf(f, " %s ", vm && !vm_better(c, w, order[i - 1], x) ? "~" : ">");
		if (vm)
			fprintf(f, "%s %.4g", c->policy[x], c->vm[w][x]);
		else
			fprintf(f, "%s %.0f", c->policy[x], c->sim[w][x]);
	}
}

static void text(FILE *f, const struct sim_calibration *c)
{
	int i, w, bad = 0, pairs, n, ordered = 0;
	char why[2048];

	fprintf(f, "calibration from %s (kernel %s, %d CPUs, %d round%s%s)\n", c->source, c->kernel,
		c->nr_cpus, c->rounds, c->rounds == 1 ? "" : "s", c->quick ? ", quick" : "");
	fprintf(f, "  switch   %8.1f us  1e9 / (2 x %.1f ping-pong round trips/s, %s's)\n",
		c->costs.switch_ns / 1e3, c->pingpong_best, c->pingpong_sched);
	fprintf(f,
		"  preempt  %8.1f us  EEVDF's median wake-up under load (cyclictest, %.0f us) "
		"less a switch\n",
		c->costs.preempt_ns / 1e3, c->eevdf_p50_us);
	fprintf(f, "  round    %8.1f us  daemon CPU = round x runs/s + decision x decisions/s,\n",
		c->costs.round_ns / 1e3);
	fprintf(f, "  decision %8.1f us  least squares over the policies' daemons:\n",
		c->costs.decision_ns / 1e3);
	for (i = 0; i < c->nr_policies; i++)
		fprintf(f, "%24s%-9s %5.1f%% of a CPU, %4.0f decisions/s, %4.0f runs/s\n", "",
			c->policy[i], 100 * c->daemon_cpu[i], c->decisions_s[i], c->runs_s[i]);
	fprintf(f, "  rtt      %8.1f us  the smallest median round trip (%s)\n", c->rtt_ns / 1e3,
		c->rtt_where);
	fprintf(f, "  tick     %8.1f us  1 s / %d Hz (%s)\n\n", c->costs.tick_ns / 1e3, c->hz,
		c->hz_where);
	for (w = 0; w < SIM_CAL_WORKLOADS; w++) {
		fprintf(f, "%s: VM (%s %s, %s is better): ", sim_cal_workloads[w].name,
			sim_cal_workloads[w].bench, sim_cal_workloads[w].metric,
			sim_cal_workloads[w].higher_better ? "higher" : "lower");
		ranking(f, c, w, true);
		fprintf(f, "\n%s: simulator (%s, work/s): ", sim_cal_workloads[w].name,
			sim_cal_workloads[w].file);
		ranking(f, c, w, false);
		n = sim_cal_disagreements(c, w, &pairs, why, sizeof(why));
		fprintf(f, "\n%s%s: %d of the %d pairs the VM orders in another order\n\n", why,
			sim_cal_workloads[w].name, n, pairs);
		bad += n;
		ordered += pairs;
	}
	fprintf(f, "verdict: %s\n",
		bad	   ? "the simulator ranks the policies differently"
		: !ordered ? "nothing to compare: the VM's run orders no pair of policies (its "
			     "figures are ties or its rounds overlap)"
			   : "the simulator ranks the policies as the VM does");
}

static int json(FILE *f, const struct sim_calibration *c)
{
	struct json_object *root = json_object_new_object(), *costs = json_object_new_object();
	struct json_object *pol = json_object_new_array(), *vm = json_object_new_object();
	const char *s;
	int i, w;

	json_object_object_add(root, "source", json_object_new_string(c->source));
	json_object_object_add(root, "kernel", json_object_new_string(c->kernel));
	json_object_object_add(root, "cpus", json_object_new_int(c->nr_cpus));
	json_object_object_add(root, "rounds", json_object_new_int(c->rounds));
	json_object_object_add(root, "quick", json_object_new_boolean(c->quick));
	json_object_object_add(costs, "switch", json_object_new_int64((int64_t)c->costs.switch_ns));
	json_object_object_add(costs, "preempt",
			       json_object_new_int64((int64_t)c->costs.preempt_ns));
	json_object_object_add(costs, "round", json_object_new_int64((int64_t)c->costs.round_ns));
	json_object_object_add(costs, "decision",
			       json_object_new_int64((int64_t)c->costs.decision_ns));
	json_object_object_add(costs, "tick", json_object_new_int64((int64_t)c->costs.tick_ns));
	json_object_object_add(root, "costs_ns", costs);
	json_object_object_add(root, "rtt_ns", json_object_new_int64((int64_t)c->rtt_ns));
	for (i = 0; i < c->nr_policies; i++)
		json_object_array_add(pol, json_object_new_string(c->policy[i]));
	json_object_object_add(root, "policies", pol);
	for (w = 0; w < SIM_CAL_WORKLOADS; w++) {
		struct json_object *o = json_object_new_object();
		char buf[32];

		for (i = 0; i < c->nr_policies; i++) {
			snprintf(buf, sizeof(buf), "%.6g", c->vm[w][i]);
			json_object_object_add(o, c->policy[i],
					       json_object_new_double_s(c->vm[w][i], buf));
		}
		json_object_object_add(vm, sim_cal_workloads[w].name, o);
	}
	json_object_object_add(root, "vm", vm);
	s = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
							 JSON_C_TO_STRING_NOSLASHESCAPE);
	fprintf(f, "%s\n", s);
	json_object_put(root);
	return 0;
}

bool sim_calibrate_wanted(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--calibrate") || !strncmp(argv[i], "--calibrate=", 12))
			return true;
	}
	return false;
}

int sim_calibrate_main(int argc, char **argv, FILE *out, FILE *errf)
{
	static const struct option longopts[] = {
		{"calibrate", required_argument, NULL, 'c'},
		{"json", no_argument, NULL, 'j'},
		{"root", required_argument, NULL, 'r'},
		{NULL, 0, NULL, 0},
	};
	const char *results = NULL, *root = ".";
	struct sim_calibration c;
	bool as_json = false;
	char err[1024];
	int opt;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		if (opt == 'c')
			results = optarg;
		else if (opt == 'j')
			as_json = true;
		else if (opt == 'r')
			root = optarg;
		else {
			fprintf(errf,
				"cland-sim: --calibrate RESULTS.json [--json] [--root DIR]: "
				"bad option \"%s\"\n",
				argv[optind - 1]);
			return SIM_EXIT_USAGE;
		}
	}
	if (!results || optind < argc) {
		fprintf(errf, "cland-sim: --calibrate RESULTS.json [--json] [--root DIR]\n");
		return SIM_EXIT_USAGE;
	}
	if (sim_cal_read(results, &c, err, sizeof(err))) {
		fprintf(errf, "cland-sim: --calibrate: %s\n", err);
		return SIM_EXIT_USAGE;
	}
	sim_cal_read_hz(&c, root);
	if (as_json)
		return json(out, &c);
	if (sim_cal_simulate(&c, root, err, sizeof(err))) {
		fprintf(errf, "cland-sim: --calibrate: %s\n", err);
		return SIM_EXIT_FAILED;
	}
	text(out, &c);
	return SIM_EXIT_OK;
}
