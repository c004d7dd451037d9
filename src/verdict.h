/* SPDX-License-Identifier: GPL-2.0 */
/*
 * verdict.h - the rules' verdict on each task, evaluated once and cached by
 * pid: again only when the task's comm (it exec'ed), cgroup or uid changes,
 * or the rules (or what is known of the cgroups) do. A hash table allocated
 * up front: a lookup is O(1) and never allocates. Shared by the daemon and
 * cland-sim.
 */
#ifndef __CLAND_VERDICT_H
#define __CLAND_VERDICT_H

#include <stdbool.h>
#include <stdint.h>

#include "policy.h"
#include "rules.h"

/* The path of cgroup @id ("/..."), or NULL when it is not known (yet). */
typedef const char *(*verdict_cgroup_fn)(void *arg, uint64_t id);

struct verdict_slot;

struct verdict_cache {
	struct verdict_slot *slots;
	uint32_t mask;		   /* slots - 1 (a power of 2) */
	uint32_t nr, max;	   /* used, and the most before an old entry is evicted */
	uint32_t sweep;		   /* next slot the eviction looks at */
	uint32_t gen;		   /* bumped when the rules or the cgroups known change */
	uint64_t clock;		   /* lookups so far: the age of an entry */
	const struct rules *rules; /* NULL: no rules */
	verdict_cgroup_fn cgroup;  /* NULL: no cgroup rule matches */
	void *cgroup_arg;
	/* counters */
	uint64_t nr_evals;   /* verdicts evaluated (a task new, changed, or rules changed) */
	uint64_t nr_matched; /* of which some rule matched */
	uint64_t nr_evicted; /* entries dropped for room */
};

/* Allocate room for @capacity tasks (rounded up to a power of 2). 0 or -ENOMEM. */
int verdict_cache_init(struct verdict_cache *vc, uint32_t capacity);
void verdict_cache_free(struct verdict_cache *vc);
/* Use @rules from now on (NULL: none); every cached verdict is evaluated again. */
void verdict_cache_set_rules(struct verdict_cache *vc, const struct rules *rules);
/* How cgroup ids become paths (needed by cgroup rules). */
void verdict_cache_set_cgroups(struct verdict_cache *vc, verdict_cgroup_fn fn, void *arg);
/* What is known of the cgroups changed: evaluate again (lazily). */
void verdict_cache_invalidate(struct verdict_cache *vc);

/*
 * Told of a cached task whose rule as the backend holds it (CPU set,
 * urgency: rules_task_rule()) changes (@rule NULL: it needs none any more).
 */
typedef void (*verdict_resync_fn)(void *arg, int32_t pid, const struct cland_task_rule *rule);

/*
 * Before verdict_cache_set_rules(@rules): evaluate every cached task with
 * @rules (NULL: none) and call @fn (if not NULL) for each whose rule in the
 * backend changes. Its verdict stays valid after the swap of the rules.
 */
void verdict_cache_resync(struct verdict_cache *vc, const struct rules *rules, verdict_resync_fn fn,
			  void *arg);

/*
 * The rule matching @t (its index), or -1: from the cache, or evaluated now
 * (*@fresh says which). @t's verdict fields are filled (zeroed without a
 * match); its weight is left alone (the policy applies the multiplier).
 */
int verdict_apply(struct verdict_cache *vc, cland_task_t *t, bool *fresh);

/* What verdict_apply() fills, for rule @idx of @rules (-1: none). */
void verdict_fill(const struct rules *rules, int idx, cland_task_t *t);

#endif /* __CLAND_VERDICT_H */
