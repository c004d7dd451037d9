// SPDX-License-Identifier: GPL-2.0
/*
 * runner.c - the swappable policy of the daemon, with the rules' verdicts
 * (runner.h). Nothing here allocates in the hot path (enqueue, dispatch):
 * the table of held tasks and the verdict cache are allocated at start, a
 * new policy's state when the swap is asked for.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cland_time.h"
#include "plugin.h"
#include "runner.h"

struct held_slot {
	int32_t pid;	/* 0: empty */
	uint32_t moved; /* handed to the next policy in the swap in progress */
	cland_task_t t;
};

/* ---- the tasks the policy holds ---- */

static uint32_t held_home(int32_t pid)
{
	return ((uint32_t)pid * 2654435761u) & (RUNNER_HELD_SLOTS - 1);
}

static struct held_slot *held_find(struct runner *rn, int32_t pid)
{
	uint32_t i = held_home(pid);

	while (rn->held[i].pid) {
		if (rn->held[i].pid == pid)
			return &rn->held[i];
		i = (i + 1) & (RUNNER_HELD_SLOTS - 1);
	}
	return NULL;
}

/* Remember @t as held (a newer record of the same task replaces the older). */
static void held_put(struct runner *rn, const cland_task_t *t)
{
	uint32_t i = held_home(t->pid);

	while (rn->held[i].pid && rn->held[i].pid != t->pid)
		i = (i + 1) & (RUNNER_HELD_SLOTS - 1);
	if (!rn->held[i].pid) {
		if (rn->nr_held >= RUNNER_HELD_SLOTS / 2) {
			rn->nr_held_overflow++; /* a swap drains it from the old policy */
			return;
		}
		rn->nr_held++;
	}
	rn->held[i].pid = t->pid;
	rn->held[i].moved = 0;
	rn->held[i].t = *t;
}

/* Forget slot @s, shifting back the entries of its probe run. */
static void held_del(struct runner *rn, struct held_slot *s)
{
	uint32_t i = (uint32_t)(s - rn->held), j = i, home;

	for (;;) {
		rn->held[i].pid = 0;
		for (;;) {
			j = (j + 1) & (RUNNER_HELD_SLOTS - 1);
			if (!rn->held[j].pid) {
				rn->nr_held--;
				return;
			}
			home = held_home(rn->held[j].pid);
			if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
				continue;
			break;
		}
		rn->held[i] = rn->held[j];
		i = j;
	}
}

static void held_clear(struct runner *rn)
{
	memset(rn->held, 0, RUNNER_HELD_SLOTS * sizeof(*rn->held));
	rn->nr_held = 0;
}

/* ---- policies ---- */

static void slot_stop(struct runner *rn, struct runner_policy_slot *p, bool keep_stats)
{
	struct cland_policy_stats ps;

	if (!p->pol)
		return;
	if (p->ctx) {
		if (keep_stats) {
			cland_policy_read_stats(p->pol, p->ctx, &ps);
			rn->retired.nr_overflows += ps.nr_overflows;
			rn->retired.nr_dropped += ps.nr_dropped;
		}
		p->pol->exit(p->ctx);
		free(p->ctx);
		p->ctx = NULL;
	}
}

static void slot_unload(struct runner *rn, struct runner_policy_slot *p)
{
	slot_stop(rn, p, true);
	cland_policy_unload(p->handle);
	memset(p, 0, sizeof(*p));
}

/* Start @p's policy on the runner's host: 0 or -errno. */
static int slot_start(struct runner *rn, struct runner_policy_slot *p)
{
	int ret;

	p->ctx = calloc(1, p->pol->ctx_size ? p->pol->ctx_size : 1);
	if (!p->ctx)
		return -ENOMEM;
	ret = p->pol->init(p->ctx, &p->cfg, &rn->host);
	if (ret) {
		free(p->ctx);
		p->ctx = NULL;
		return ret < 0 ? ret : -EINVAL;
	}
	return 0;
}

static int slot_load(struct runner_policy_slot *p, const char *name,
		     const struct cland_policy_cfg *cfg, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	if (cland_policy_load(name, &p->pol, &p->handle, err, errlen))
		return -1;
	snprintf(p->source, sizeof(p->source), "%s", name);
	p->cfg = *cfg;
	return 0;
}

const char *runner_policy_name(const struct runner *rn, char *buf, size_t len)
{
	if (!rn->cur.pol)
		snprintf(buf, len, "none");
	else if (rn->cur.handle)
		snprintf(buf, len, "%s (%s)", rn->cur.pol->name, rn->cur.source);
	else
		snprintf(buf, len, "%s", rn->cur.pol->name);
	return buf;
}

int runner_init(struct runner *rn, const char *name, const struct cland_policy_cfg *cfg, char *err,
		size_t errlen)
{
	memset(rn, 0, sizeof(*rn));
	rn->held = calloc(RUNNER_HELD_SLOTS, sizeof(*rn->held));
	if (!rn->held) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (slot_load(&rn->cur, name, cfg, err, errlen)) {
		free(rn->held);
		rn->held = NULL;
		return -1;
	}
	return 0;
}

void runner_free(struct runner *rn)
{
	runner_detach(rn);
	slot_unload(rn, &rn->cur);
	if (rn->vc_ready)
		verdict_cache_free(&rn->vc);
	if (rn->cg_ready)
		cgroup_map_free(&rn->cg);
	if (rn->has_rules)
		rules_free(&rn->rules);
	free(rn->held);
	rn->held = NULL;
}

/* ---- rules ---- */

static void write_rule(struct runner *rn, int32_t pid, const struct cland_task_rule *rule)
{
	int ret;

	if (!rn->be.set_rule)
		return;
	ret = rn->be.set_rule(rn->be.be, pid, rule);
	if (ret && ret != -ESRCH)
		rn->nr_rules_failed++;
	else if (!ret && rule)
		rn->nr_rules_set++;
	else if (!ret)
		rn->nr_rules_cleared++;
}

static void enable_rules(struct runner *rn, bool on)
{
	if (rn->attached && rn->be.enable_rules && on != rn->rules_on)
		rn->be.enable_rules(rn->be.be, on);
	rn->rules_on = on;
}

/*
 * What the backend holds of @t's rule must be what its verdict says:
 * written when the verdict was just evaluated, removed when the backend has
 * one the verdict has not (inherited at fork).
 */
static void sync_rule(struct runner *rn, const cland_task_t *t, int idx, bool fresh)
{
	struct cland_task_rule tr;
	bool want = rules_task_rule(&rn->rules, idx, &tr);
	bool have = t->flags & CLAND_TASK_RULE;

	if (want && (fresh || !have))
		write_rule(rn, t->pid, &tr);
	else if (!want && have)
		write_rule(rn, t->pid, NULL);
}

static void resync_rule(void *arg, int32_t pid, const struct cland_task_rule *rule)
{
	write_rule(arg, pid, rule);
}

int runner_set_rules(struct runner *rn, struct rules *rules, const char *path)
{
	struct rules old = rn->rules;
	bool had = rn->has_rules;

	if (rules && rules->any_cgroup && !rn->cg_ready &&
	    !cgroup_map_init(&rn->cg, CLAND_CGROUP_ROOT))
		rn->cg_ready = true;
	if (rules && !rn->vc_ready) {
		if (verdict_cache_init(&rn->vc, RUNNER_VERDICT_TASKS))
			return -ENOMEM;
		rn->vc_ready = true;
	}
	if (rn->vc_ready && rn->cg_ready && !rn->vc.cgroup)
		verdict_cache_set_cgroups(&rn->vc, cgroup_map_path, &rn->cg);
	if (rn->vc_ready) {
		/* the tasks seen so far get their new CPU sets now, not at their next enqueue */
		rn->vc.rules = had ? &old : NULL;
		verdict_cache_resync(&rn->vc, rules && rules->nr ? rules : NULL,
				     rn->attached ? resync_rule : NULL, rn);
	}
	if (rules) {
		rn->rules = *rules;
		memset(rules, 0, sizeof(*rules));
	} else {
		memset(&rn->rules, 0, sizeof(rn->rules));
	}
	rn->has_rules = rn->rules.nr > 0;
	snprintf(rn->rules_path, sizeof(rn->rules_path), "%s", path ? path : "");
	if (rn->vc_ready)
		verdict_cache_set_rules(&rn->vc, rn->has_rules ? &rn->rules : NULL);
	enable_rules(rn, rn->has_rules && rn->rules.any_bpf);
	if (had)
		rules_free(&old);
	return 0;
}

/* ---- attach, detach ---- */

int runner_attach(struct runner *rn, const struct cland_host *host, const struct runner_backend *be)
{
	int ret;

	rn->host = *host;
	rn->be = be ? *be : (struct runner_backend){0};
	held_clear(rn);
	rn->key_offset = rn->old_offset = rn->key_hi = 0;
	rn->key_hi_set = rn->offset_pending = false;
	ret = slot_start(rn, &rn->cur);
	if (ret) {
		fprintf(stderr, "scx_cland: policy %s failed to start: %s\n", rn->cur.pol->name,
			strerror(-ret));
		return ret;
	}
	rn->attached = true;
	rn->rules_on = !(rn->has_rules && rn->rules.any_bpf); /* a new backend: tell it */
	enable_rules(rn, rn->has_rules && rn->rules.any_bpf);
	if (rn->vc_ready)
		verdict_cache_invalidate(&rn->vc); /* a new backend holds no set yet */
	return 0;
}

void runner_detach(struct runner *rn)
{
	if (!rn->attached)
		return;
	rn->attached = false;
	if (rn->old.pol)
		slot_unload(rn, &rn->old);
	slot_stop(rn, &rn->cur, true);
	if (rn->next.pol) { /* the swap asked for takes effect at the next attach */
		slot_stop(rn, &rn->next, false);
		slot_unload(rn, &rn->cur);
		rn->cur = rn->next;
		memset(&rn->next, 0, sizeof(rn->next));
		rn->swap_seq = rn->swap_req;
	}
	held_clear(rn);
}

/* ---- swap ---- */

int64_t runner_request_policy(struct runner *rn, const char *name,
			      const struct cland_policy_cfg *cfg, char *err, size_t errlen)
{
	struct runner_policy_slot p;
	int ret;

	if (slot_load(&p, name ? name : rn->cur.source, cfg ? cfg : &rn->cur.cfg, err, errlen))
		return -1;
	if (rn->attached) {
		ret = slot_start(rn, &p);
		if (ret) {
			snprintf(err, errlen, "policy %s failed to start: %s", p.pol->name,
				 strerror(-ret));
			cland_policy_unload(p.handle);
			return -1;
		}
	}
	if (rn->next.pol) /* a swap asked for earlier, not done yet: this one replaces it */
		slot_unload(rn, &rn->next);
	rn->next = p;
	if (!rn->attached) { /* between attachments: for the next one */
		slot_unload(rn, &rn->cur);
		rn->cur = rn->next;
		memset(&rn->next, 0, sizeof(rn->next));
		rn->swap_seq = ++rn->swap_req;
		return (int64_t)rn->swap_seq;
	}
	return (int64_t)++rn->swap_req;
}

bool runner_swap_done(const struct runner *rn, int64_t seq)
{
	return seq >= 0 && rn->swap_seq >= (uint64_t)seq;
}

/* The old policy is done with: count what it lost, log the swap. */
static void finish_swap(struct runner *rn)
{
	uint64_t left = rn->old.pol->nr_pending(rn->old.ctx);
	uint64_t moved_left = rn->swap_moved - rn->swap_skipped, lost;
	char was[128], now[320];

	lost = left > moved_left ? left - moved_left : 0;
	rn->nr_lost += lost;
	snprintf(was, sizeof(was), "%s", rn->old.pol->name);
	runner_policy_name(rn, now, sizeof(now));
	snprintf(rn->last_swap, sizeof(rn->last_swap),
		 "policy %.120s -> %.300s: %llu tasks handed over, %llu drained, %llu lost", was,
		 now, (unsigned long long)rn->swap_moved, (unsigned long long)rn->swap_drained,
		 (unsigned long long)lost);
	slot_unload(rn, &rn->old);
	for (uint32_t i = 0; i < RUNNER_HELD_SLOTS; i++)
		rn->held[i].moved = 0;
	rn->swap_seq = rn->swap_req;
	fprintf(stderr, "scx_cland: swap %llu: %s\n", (unsigned long long)rn->swap_seq,
		rn->last_swap);
}

/*
 * The swap asked for: every task the table says the policy holds goes to
 * the next one; if the old one holds more than that, it is drained first.
 */
static void begin_swap(struct runner *rn)
{
	uint32_t i;

	rn->swap_n_old = rn->cur.pol->nr_pending(rn->cur.ctx);
	rn->swap_moved = rn->swap_skipped = rn->swap_drained = 0;
	for (i = 0; i < RUNNER_HELD_SLOTS; i++) {
		if (!rn->held[i].pid)
			continue;
		rn->next.pol->enqueue(rn->next.ctx, &rn->held[i].t);
		rn->held[i].moved = 1;
		rn->swap_moved++;
	}
	rn->nr_moved += rn->swap_moved;
	rn->old = rn->cur;
	rn->cur = rn->next;
	memset(&rn->next, 0, sizeof(rn->next));
	rn->old_offset = rn->key_offset;
	rn->offset_pending = rn->key_hi_set;
	if (rn->swap_n_old <= rn->swap_moved)
		finish_swap(rn); /* nothing more to drain */
}

/*
 * The next decision of the policy being drained; false when it has none.
 * Tasks it gives back that were handed to the new one are skipped.
 */
static bool drain_old(struct runner *rn, struct cland_decision *out)
{
	struct held_slot *h;

	while (rn->old.pol->dispatch(rn->old.ctx, out)) {
		h = held_find(rn, out->pid);
		if (h && h->moved && h->t.gen == out->gen) {
			rn->swap_skipped++;
			continue;
		}
		if (h && h->t.gen == out->gen)
			held_del(rn, h);
		if (rn->old_offset)
			out->deadline = out->deadline > UINT64_MAX - rn->old_offset
						? UINT64_MAX
						: out->deadline + rn->old_offset;
		rn->swap_drained++;
		rn->nr_drained++;
		return true;
	}
	finish_swap(rn);
	return false;
}

/* ---- the policy cland_run() drives ---- */

static void runner_enqueue(void *ctx, const cland_task_t *task)
{
	struct runner *rn = ctx;
	cland_task_t t = *task;
	bool fresh;
	int idx;

	if (rn->has_rules) {
		idx = verdict_apply(&rn->vc, &t, &fresh);
		if (rn->rules.any_bpf || (t.flags & CLAND_TASK_RULE))
			sync_rule(rn, &t, idx, fresh);
	} else {
		verdict_fill(NULL, -1, &t);
		if (t.flags & CLAND_TASK_RULE) /* rules reloaded without any */
			write_rule(rn, t.pid, NULL);
	}
	held_put(rn, &t);
	rn->cur.pol->enqueue(rn->cur.ctx, &t);
}

/* The key offset of the new policy, set by its first decision for an ordinary task. */
static void apply_offset(struct runner *rn, struct cland_decision *d, uint32_t verdict)
{
	if (rn->offset_pending &&
	    !(verdict & (CLAND_VERDICT_BACKGROUND | CLAND_VERDICT_LATENCY_CRITICAL))) {
		rn->key_offset = time_after(rn->key_hi, d->deadline) ? rn->key_hi - d->deadline : 0;
		rn->offset_pending = false;
	}
	d->deadline = d->deadline > UINT64_MAX - rn->key_offset ? UINT64_MAX
								: d->deadline + rn->key_offset;
	if (verdict & CLAND_VERDICT_BACKGROUND)
		return;
	if (!rn->key_hi_set || time_after(d->deadline, rn->key_hi))
		rn->key_hi = d->deadline;
	rn->key_hi_set = true;
}

static bool runner_dispatch(void *ctx, struct cland_decision *out)
{
	struct runner *rn = ctx;
	struct held_slot *h;
	uint32_t verdict = 0;

	if (rn->next.pol && !rn->old.pol)
		begin_swap(rn);
	if (rn->old.pol && drain_old(rn, out))
		return true;
	if (!rn->cur.pol->dispatch(rn->cur.ctx, out))
		return false;
	h = held_find(rn, out->pid);
	if (h && h->t.gen == out->gen) {
		verdict = h->t.verdict;
		held_del(rn, h);
	}
	apply_offset(rn, out, verdict);
	return true;
}

static uint64_t runner_nr_pending(void *ctx)
{
	struct runner *rn = ctx;
	uint64_t n = rn->cur.pol->nr_pending(rn->cur.ctx);

	if (rn->old.pol)
		n += rn->old.pol->nr_pending(rn->old.ctx);
	return n;
}

static void runner_stats(void *ctx, struct cland_policy_stats *out)
{
	struct runner *rn = ctx;
	struct cland_policy_stats ps;

	cland_policy_read_stats(rn->cur.pol, rn->cur.ctx, &ps);
	out->nr_overflows = rn->retired.nr_overflows + ps.nr_overflows;
	out->nr_dropped = rn->retired.nr_dropped + ps.nr_dropped + rn->nr_lost;
}

const struct cland_policy runner_policy = {
	.name = "runner",
	.summary = "the daemon's current policy, swappable, with the rules' verdicts",
	.enqueue = runner_enqueue,
	.dispatch = runner_dispatch,
	.nr_pending = runner_nr_pending,
	.stats = runner_stats,
};

void runner_service(struct runner *rn, uint64_t now_ns)
{
	if (rn->cg_ready && rn->has_rules && rn->rules.any_cgroup &&
	    cgroup_map_maybe_rescan(&rn->cg, now_ns) && rn->vc_ready)
		verdict_cache_invalidate(&rn->vc);
}
