// SPDX-License-Identifier: GPL-2.0
/*
 * dsq.c - the simulated dispatch queues: one per CPU and a shared one, each
 * ordered by deadline with FIFO order among equal deadlines (an insertion
 * sequence number breaks ties), as the BPF backend's vtime-ordered DSQs are.
 *
 * Each CPU also has a local queue (SCX_DSQ_LOCAL: what it runs next, FIFO,
 * where the starvation net puts a starving task), a queue of one lane whose
 * keys are all 0.
 *
 * A task leaves a queue when it is taken, or when the starvation net moves
 * it (sim_dsq_forget()): its entry then stays in the heap, stale (the task's
 * dsq_seq no longer names it), and is dropped when it comes to the head.
 * q->nr counts the tasks, not the stale entries.
 *
 * A queue is made of lanes, each a binary min-heap on (deadline, seq): O(log
 * n) to insert or take. A CPU takes "the first task that may run on it":
 * lane 0 holds the tasks allowed on every CPU, so its head is always a
 * candidate; in the shared queue each pinned group (a "cpus" list that leaves
 * some CPU out) has a lane of its own, and only the non-empty pinned lanes
 * whose CPUs include the taker are looked at. The first task of the queue
 * that may run on the CPU is the earliest of those heads. A per-CPU queue
 * only holds tasks allowed on its CPU (others are bounced to the shared
 * queue), so it has lane 0 only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

/* Lanes of the shared queue: 0, then one per pinned group. */
static int alloc_lanes(struct sim *s)
{
	const struct sim_workload *w = s->w;
	int g;

	s->lane_of_group = calloc((size_t)w->nr_groups, sizeof(*s->lane_of_group));
	s->group_of_lane = calloc((size_t)w->nr_groups + 1, sizeof(*s->group_of_lane));
	if (!s->lane_of_group || !s->group_of_lane)
		return -ENOMEM;
	s->nr_lanes = 1;
	s->group_of_lane[0] = -1;
	for (g = 0; g < w->nr_groups; g++) {
		if (!w->groups[g].pinned)
			continue;
		s->lane_of_group[g] = s->nr_lanes;
		s->group_of_lane[s->nr_lanes++] = g;
	}
	return 0;
}

int sim_dsq_alloc(struct sim *s)
{
	int nr_cpus = s->w->nr_cpus, i;
	struct sim_dsq *shared;

	s->dsqs = calloc(2 * (size_t)nr_cpus + 1, sizeof(*s->dsqs));
	if (!s->dsqs || alloc_lanes(s))
		return -ENOMEM;
	/* per-CPU lanes in one block, then the shared queue's, then the local queues' */
	s->lanes = calloc(2 * (size_t)nr_cpus + (size_t)s->nr_lanes, sizeof(*s->lanes));
	if (!s->lanes)
		return -ENOMEM;
	for (i = 0; i < nr_cpus; i++) {
		s->dsqs[i].lane = &s->lanes[i];
		s->dsqs[i].nr_lanes = 1;
		s->dsqs[nr_cpus + 1 + i].lane = &s->lanes[nr_cpus + s->nr_lanes + i];
		s->dsqs[nr_cpus + 1 + i].nr_lanes = 1;
	}
	shared = &s->dsqs[nr_cpus];
	shared->lane = &s->lanes[nr_cpus];
	shared->nr_lanes = s->nr_lanes;
	shared->live = calloc((size_t)s->nr_lanes, sizeof(*shared->live));
	shared->live_pos = calloc((size_t)s->nr_lanes, sizeof(*shared->live_pos));
	return shared->live && shared->live_pos ? 0 : -ENOMEM;
}

void sim_dsq_free(struct sim *s)
{
	int i;

	if (s->lanes) {
		for (i = 0; i < 2 * s->w->nr_cpus + s->nr_lanes; i++)
			free(s->lanes[i].e);
	}
	if (s->dsqs) {
		free(s->dsqs[s->w->nr_cpus].live);
		free(s->dsqs[s->w->nr_cpus].live_pos);
	}
	free(s->lanes);
	free(s->dsqs);
	free(s->lane_of_group);
	free(s->group_of_lane);
	s->lanes = NULL;
	s->dsqs = NULL;
	s->lane_of_group = NULL;
	s->group_of_lane = NULL;
}

struct sim_dsq *sim_dsq_of(struct sim *s, int id)
{
	if (id >= 0)
		return &s->dsqs[id];
	if (id == SIM_SHARED)
		return &s->dsqs[s->w->nr_cpus];
	return &s->dsqs[s->w->nr_cpus + 1 + (-2 - id)]; /* SIM_LOCAL(cpu) */
}

static int lane_grow(struct sim_lane *l)
{
	int cap = l->cap ? l->cap * 2 : 16;
	struct sim_dsq_ent *e = realloc(l->e, (size_t)cap * sizeof(*e));

	if (!e)
		return -ENOMEM;
	l->e = e;
	l->cap = cap;
	return 0;
}

static bool ent_before(const struct sim_dsq_ent *a, const struct sim_dsq_ent *b)
{
	return a->deadline < b->deadline || (a->deadline == b->deadline && a->seq < b->seq);
}

/* Move @ent up from the hole at @i until its parent is not after it. */
static void sift_up(struct sim *s, struct sim_lane *l, int i, const struct sim_dsq_ent *ent)
{
	while (i > 0 && ent_before(ent, &l->e[(i - 1) / 2])) {
		l->e[i] = l->e[(i - 1) / 2];
		i = (i - 1) / 2;
		s->work++;
	}
	l->e[i] = *ent;
}

/*
 * Remove the head of @l: the hole goes down to a leaf along the earlier
 * children, then the last entry moves up into it (Floyd's way: one
 * comparison per level on the way down, and the last entry rarely climbs).
 */
static void lane_pop(struct sim *s, struct sim_lane *l)
{
	struct sim_dsq_ent last = l->e[--l->nr];
	int i = 0, c;

	if (!l->nr)
		return;
	while ((c = 2 * i + 1) < l->nr) {
		if (c + 1 < l->nr && ent_before(&l->e[c + 1], &l->e[c]))
			c++;
		l->e[i] = l->e[c];
		i = c;
		s->work++;
	}
	sift_up(s, l, i, &last);
}

/* Pinned lanes with tasks are listed in q->live, to be looked at by takers. */
static void live_add(struct sim_dsq *q, int lane)
{
	q->live_pos[lane] = q->nr_live;
	q->live[q->nr_live++] = lane;
}

static void live_del(struct sim_dsq *q, int lane)
{
	int last = q->live[--q->nr_live];

	q->live[q->live_pos[lane]] = last;
	q->live_pos[last] = q->live_pos[lane];
}

int sim_dsq_insert(struct sim *s, int id, int task, uint64_t deadline)
{
	struct sim_dsq *q = sim_dsq_of(s, id);
	struct sim_dsq_ent ent = {.deadline = deadline, .seq = s->dsq_seq++, .task = task};
	int lane = q->nr_lanes > 1 ? s->lane_of_group[s->tasks[task].group] : 0;
	struct sim_lane *l = &q->lane[lane];

	if (l->nr == l->cap && lane_grow(l))
		return -ENOMEM;
	if (lane && !l->nr)
		live_add(q, lane);
	sift_up(s, l, l->nr++, &ent);
	q->nr++;
	s->work++;
	return 0;
}

/* The lane of @q whose head is the first task that may run on @cpu (< 0: any), or -1. */
static int first_lane(struct sim *s, const struct sim_dsq *q, int cpu)
{
	int best = q->lane[0].nr ? 0 : -1, i;

	for (i = 0; i < q->nr_live; i++) {
		int lane = q->live[i];
		const struct sim_group *g = &s->w->groups[s->group_of_lane[lane]];

		s->work++;
		if (cpu >= 0 && !sim_cpu_allowed(g->cpus, cpu))
			continue;
		if (best < 0 || ent_before(&q->lane[lane].e[0], &q->lane[best].e[0]))
			best = lane;
	}
	return best;
}

/* The entry still names its task's place: the task has not left the queue since. */
static bool ent_live(const struct sim *s, const struct sim_dsq_ent *e)
{
	const struct sim_task *t = &s->tasks[e->task];

	return t->state == SIM_T_DSQ && t->dsq_seq == e->seq;
}

/*
 * The lane of @q holding the first live task that may run on @cpu (< 0:
 * any) at its head, dropping the stale entries met on the way; -1 if none.
 */
static int live_lane(struct sim *s, struct sim_dsq *q, int cpu)
{
	int lane;

	while (q->nr && (lane = first_lane(s, q, cpu)) >= 0) {
		struct sim_lane *l = &q->lane[lane];

		if (ent_live(s, &l->e[0]))
			return lane;
		lane_pop(s, l);
		if (!l->nr && lane)
			live_del(q, lane);
	}
	return -1;
}

int sim_dsq_take(struct sim *s, int id, int cpu)
{
	struct sim_dsq *q = sim_dsq_of(s, id);
	int lane = live_lane(s, q, cpu), task;
	struct sim_lane *l;

	s->work++;
	if (lane < 0)
		return -1;
	l = &q->lane[lane];
	task = l->e[0].task;
	lane_pop(s, l);
	if (!l->nr && lane)
		live_del(q, lane);
	q->nr--;
	return task;
}

bool sim_dsq_head_key(struct sim *s, int id, int cpu, uint64_t *key)
{
	struct sim_dsq *q = sim_dsq_of(s, id);
	int lane = live_lane(s, q, cpu);

	s->work++;
	if (lane < 0)
		return false;
	*key = q->lane[lane].e[0].deadline;
	return true;
}

void sim_dsq_forget(struct sim *s, int task)
{
	sim_dsq_of(s, s->tasks[task].dsq)->nr--;
}
