// SPDX-License-Identifier: GPL-2.0
/*
 * verdict.c - the cache of the rules' verdicts (verdict.h): open addressing
 * by pid with linear probing, at most 3/4 full. When full, an old entry
 * goes (a clock sweep: the first entry not looked up since the sweep last
 * passed): a dead task's entry is never used again, a live one is only
 * evaluated again. Deletion shifts the entries behind back, so a lookup
 * never walks past a hole.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "verdict.h"

struct verdict_slot {
	int32_t pid; /* 0: empty */
	uint32_t uid;
	uint64_t cgroup_id;
	char comm[CLAND_COMM_LEN];
	uint32_t gen;	/* the cache's gen when evaluated */
	int32_t rule;	/* -1: none */
	uint64_t stamp; /* vc->clock at the last lookup */
};

static uint32_t hash_pid(int32_t pid)
{
	return (uint32_t)pid * 2654435761u; /* Knuth's multiplicative hash */
}

int verdict_cache_init(struct verdict_cache *vc, uint32_t capacity)
{
	uint32_t n = 16;

	memset(vc, 0, sizeof(*vc));
	while (n < capacity + capacity / 3 && n < (1u << 30))
		n <<= 1;
	vc->slots = calloc(n, sizeof(*vc->slots));
	if (!vc->slots)
		return -ENOMEM;
	vc->mask = n - 1;
	vc->max = n / 4 * 3;
	vc->gen = 1;
	return 0;
}

void verdict_cache_free(struct verdict_cache *vc)
{
	free(vc->slots);
	vc->slots = NULL;
}

void verdict_cache_set_rules(struct verdict_cache *vc, const struct rules *rules)
{
	vc->rules = rules;
	vc->gen++;
}

void verdict_cache_set_cgroups(struct verdict_cache *vc, verdict_cgroup_fn fn, void *arg)
{
	vc->cgroup = fn;
	vc->cgroup_arg = arg;
	vc->gen++;
}

void verdict_cache_invalidate(struct verdict_cache *vc)
{
	vc->gen++;
}

/* Remove slot @i, shifting back the entries of its probe run. */
static void remove_slot(struct verdict_cache *vc, uint32_t i)
{
	uint32_t j = i, home;

	for (;;) {
		vc->slots[i].pid = 0;
		for (;;) {
			j = (j + 1) & vc->mask;
			if (!vc->slots[j].pid) {
				vc->nr--;
				return;
			}
			home = hash_pid(vc->slots[j].pid) & vc->mask;
			/* j's entry may fill the hole at i if its home is not in (i, j] */
			if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
				continue;
			break;
		}
		vc->slots[i] = vc->slots[j];
		i = j;
	}
}

/* Make room: drop the first entry the sweep finds not looked up lately, else the first. */
static void evict_one(struct verdict_cache *vc)
{
	uint64_t young = vc->clock > vc->nr ? vc->clock - vc->nr : 0;
	uint32_t i, n;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		for (n = 0; n <= vc->mask; n++) {
			i = vc->sweep;
			vc->sweep = (vc->sweep + 1) & vc->mask;
			if (vc->slots[i].pid && (pass || vc->slots[i].stamp < young)) {
				remove_slot(vc, i);
				vc->nr_evicted++;
				return;
			}
		}
	}
}

/* The slot of @pid, or the empty one where it goes (*@found says which). */
static struct verdict_slot *find(struct verdict_cache *vc, int32_t pid, bool *found)
{
	uint32_t i = hash_pid(pid) & vc->mask;

	while (vc->slots[i].pid) {
		if (vc->slots[i].pid == pid) {
			*found = true;
			return &vc->slots[i];
		}
		i = (i + 1) & vc->mask;
	}
	*found = false;
	return &vc->slots[i];
}

void verdict_fill(const struct rules *rules, int idx, cland_task_t *t)
{
	const struct rule_verdict *v;

	t->verdict = 0;
	t->verdict_slice = 0;
	t->verdict_weight_pct = 0;
	t->verdict_rule = 0;
	if (!rules || idx < 0 || idx >= rules->nr)
		return;
	v = &rules->r[idx].v;
	t->verdict = v->flags;
	t->verdict_slice = v->slice_ns;
	t->verdict_weight_pct = v->weight_pct;
	t->verdict_rule = (uint32_t)idx + 1;
}

static int evaluate(struct verdict_cache *vc, const struct rules *rules, const char *task_comm,
		    uint32_t uid, uint64_t cgroup_id)
{
	const char *path = NULL;
	char comm[CLAND_COMM_LEN];
	int idx;

	memcpy(comm, task_comm, sizeof(comm));
	comm[sizeof(comm) - 1] = '\0';
	if (rules->any_cgroup && vc->cgroup)
		path = vc->cgroup(vc->cgroup_arg, cgroup_id);
	idx = rules_match(rules, comm, uid, path);
	vc->nr_evals++;
	vc->nr_matched += idx >= 0;
	return idx;
}

void verdict_cache_resync(struct verdict_cache *vc, const struct rules *rules, verdict_resync_fn fn,
			  void *arg)
{
	struct cland_task_rule was, now;
	struct verdict_slot *s;
	bool had, has;
	uint32_t i;

	for (i = 0; i <= vc->mask; i++) {
		s = &vc->slots[i];
		if (!s->pid)
			continue;
		/* a verdict of an older gen may be stale: what it gave is what the backend has */
		had = rules_task_rule(vc->rules, s->rule, &was);
		s->rule = rules ? evaluate(vc, rules, s->comm, s->uid, s->cgroup_id) : -1;
		s->gen = vc->gen + 1; /* verdict_cache_set_rules() makes it current */
		has = rules_task_rule(rules, s->rule, &now);
		if (fn && (had != has || (has && memcmp(&was, &now, sizeof(now)))))
			fn(arg, s->pid, has ? &now : NULL);
	}
}

int verdict_apply(struct verdict_cache *vc, cland_task_t *t, bool *fresh)
{
	struct verdict_slot *s;
	bool found;

	*fresh = false;
	if (!vc->rules || !vc->rules->nr) {
		verdict_fill(NULL, -1, t);
		return -1;
	}
	vc->clock++;
	s = find(vc, t->pid, &found);
	if (!found && vc->nr >= vc->max) {
		evict_one(vc);
		s = find(vc, t->pid, &found);
	}
	if (!found || s->gen != vc->gen || s->uid != t->uid || s->cgroup_id != t->cgroup_id ||
	    memcmp(s->comm, t->comm, sizeof(s->comm))) {
		if (!found)
			vc->nr++;
		s->pid = t->pid;
		s->uid = t->uid;
		s->cgroup_id = t->cgroup_id;
		memcpy(s->comm, t->comm, sizeof(s->comm));
		s->gen = vc->gen;
		s->rule = evaluate(vc, vc->rules, t->comm, t->uid, t->cgroup_id);
		*fresh = true;
	}
	s->stamp = vc->clock;
	verdict_fill(vc->rules, s->rule, t);
	return s->rule;
}
