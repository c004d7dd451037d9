// SPDX-License-Identifier: GPL-2.0
/*
 * sim_rules.c - the rules in cland-sim (sim_rules.h): the daemon's own
 * parser (src/rules.c) and verdict cache (src/verdict.c), around the policy
 * being simulated. A simulated task has uid 0 and no cgroup: a rule that
 * matches by cgroup matches none, one by uid 0 every task.
 */
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "sim_rules.h"
#include "verdict.h"

/* One simulation at a time: the wrapper's policy and rules. */
static struct {
	const struct cland_policy *inner;
	struct rules rules;
	bool loaded;
} sr;

struct wrap_ctx {
	void *inner;
	struct verdict_cache vc;
};

static int wrap_init(void *ctx, const struct cland_policy_cfg *cfg, const struct cland_host *host)
{
	struct wrap_ctx *c = ctx;
	int ret;

	c->inner = calloc(1, sr.inner->ctx_size ? sr.inner->ctx_size : 1);
	if (!c->inner)
		return -12; /* -ENOMEM */
	ret = verdict_cache_init(&c->vc, SIM_MAX_TASKS);
	if (!ret) {
		verdict_cache_set_rules(&c->vc, &sr.rules);
		ret = sr.inner->init(c->inner, cfg, host);
	}
	if (ret) {
		verdict_cache_free(&c->vc);
		free(c->inner);
		c->inner = NULL;
	}
	return ret;
}

static void wrap_enqueue(void *ctx, const cland_task_t *task)
{
	struct wrap_ctx *c = ctx;
	cland_task_t t = *task;
	bool fresh;

	verdict_apply(&c->vc, &t, &fresh);
	sr.inner->enqueue(c->inner, &t);
}

static bool wrap_dispatch(void *ctx, struct cland_decision *out)
{
	return sr.inner->dispatch(((struct wrap_ctx *)ctx)->inner, out);
}

static uint64_t wrap_nr_pending(void *ctx)
{
	return sr.inner->nr_pending(((struct wrap_ctx *)ctx)->inner);
}

static void wrap_stats(void *ctx, struct cland_policy_stats *out)
{
	cland_policy_read_stats(sr.inner, ((struct wrap_ctx *)ctx)->inner, out);
}

static void wrap_exit(void *ctx)
{
	struct wrap_ctx *c = ctx;

	if (!c->inner)
		return;
	sr.inner->exit(c->inner);
	free(c->inner);
	verdict_cache_free(&c->vc);
}

static struct cland_policy wrapper = {
	.ctx_size = sizeof(struct wrap_ctx),
	.init = wrap_init,
	.enqueue = wrap_enqueue,
	.dispatch = wrap_dispatch,
	.nr_pending = wrap_nr_pending,
	.stats = wrap_stats,
	.exit = wrap_exit,
};

/* Group @g's CPUs narrowed to @set, unless that leaves it none. */
static bool narrow_cpus(struct sim_group *g, const struct cland_cpuset *set, int nr_cpus)
{
	uint64_t cpus[SIM_MASK_WORDS];
	int i, n = 0;

	for (i = 0; i < SIM_MASK_WORDS; i++)
		cpus[i] = g->cpus[i] & set->bits[i];
	for (i = 0; i < nr_cpus; i++)
		n += sim_cpu_allowed(cpus, i);
	if (!n)
		return false;
	memcpy(g->cpus, cpus, sizeof(cpus));
	g->nr_cpus_allowed = n;
	g->pinned = n < nr_cpus;
	return true;
}

int sim_rules_setup(const char *path, struct sim_workload *w, const struct cland_policy *pol,
		    const struct cland_policy **wrapped, FILE *info, char *err, size_t errlen)
{
	char comm[CLAND_COMM_LEN], v[256];
	int g, idx;

	sim_rules_free();
	if (rules_load(path, w->nr_cpus, &sr.rules, err, errlen))
		return -1;
	sr.loaded = true;
	sr.inner = pol;
	wrapper.name = pol->name;
	wrapper.summary = pol->summary;
	fprintf(info, "rules %s: %d rules\n", path, sr.rules.nr);
	for (g = 0; g < w->nr_groups; g++) {
		struct sim_group *grp = &w->groups[g];

		memset(comm, 0, sizeof(comm)); /* the comm the simulated kernel reports */
		memcpy(comm, grp->name, strnlen(grp->name, sizeof(comm) - 1));
		idx = rules_match(&sr.rules, comm, 0, NULL);
		if (idx < 0) {
			fprintf(info, "  group %s: no rule\n", grp->name);
			continue;
		}
		rules_verdict_str(&sr.rules.r[idx], v, sizeof(v));
		fprintf(info, "  group %s: rule %d%s%s%s: %s", grp->name, idx + 1,
			sr.rules.r[idx].name[0] ? " (" : "", sr.rules.r[idx].name,
			sr.rules.r[idx].name[0] ? ")" : "", v);
		if (sr.rules.r[idx].v.has_cpus &&
		    !narrow_cpus(grp, &sr.rules.r[idx].v.cpus, w->nr_cpus))
			fprintf(info, " (its CPU set leaves the group no CPU: not applied)");
		fprintf(info, "\n");
	}
	for (idx = 0; idx < sr.rules.nr; idx++)
		if (sr.rules.r[idx].has_cgroup)
			fprintf(info, "  rule %d matches by cgroup: no simulated task is in one\n",
				idx + 1);
	*wrapped = &wrapper;
	return 0;
}

void sim_rules_free(void)
{
	if (sr.loaded)
		rules_free(&sr.rules);
	sr.loaded = false;
}
