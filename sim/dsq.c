// SPDX-License-Identifier: GPL-2.0
/*
 * dsq.c - the simulated dispatch queues: one per CPU and a shared one, each
 * ordered by deadline with FIFO order among equal deadlines, as the BPF
 * backend's vtime-ordered DSQs are.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

int sim_dsq_alloc(struct sim *s)
{
	s->dsqs = calloc((size_t)s->w->nr_cpus + 1, sizeof(*s->dsqs));
	return s->dsqs ? 0 : -ENOMEM;
}

void sim_dsq_free(struct sim *s)
{
	int i;

	if (!s->dsqs)
		return;
	for (i = 0; i <= s->w->nr_cpus; i++)
		free(s->dsqs[i].e);
	free(s->dsqs);
	s->dsqs = NULL;
}

struct sim_dsq *sim_dsq_of(struct sim *s, int id)
{
	return &s->dsqs[id == SIM_SHARED ? s->w->nr_cpus : id];
}

static int dsq_grow(struct sim_dsq *q)
{
	int cap = q->cap ? q->cap * 2 : 16;
	struct sim_dsq_ent *e = realloc(q->e, (size_t)cap * sizeof(*e));

	if (!e)
		return -ENOMEM;
	q->e = e;
	q->cap = cap;
	return 0;
}

static bool ent_before(const struct sim_dsq_ent *a, const struct sim_dsq_ent *b)
{
	return a->deadline < b->deadline || (a->deadline == b->deadline && a->seq < b->seq);
}

int sim_dsq_insert(struct sim *s, int id, int task, uint64_t deadline)
{
	struct sim_dsq *q = sim_dsq_of(s, id);
	struct sim_dsq_ent ent = {.deadline = deadline, .seq = s->dsq_seq++, .task = task};
	int pos;

	if (q->nr == q->cap && dsq_grow(q))
		return -ENOMEM;
	/* new entries mostly go last: search from the end */
	for (pos = q->nr; pos > 0 && ent_before(&ent, &q->e[pos - 1]); pos--)
		;
	memmove(&q->e[pos + 1], &q->e[pos], (size_t)(q->nr - pos) * sizeof(ent));
	q->e[pos] = ent;
	q->nr++;
	return 0;
}

/* Index of the first entry of @q whose task may run on @cpu, or -1. */
static int first_allowed(struct sim *s, const struct sim_dsq *q, int cpu)
{
	int i;

	for (i = 0; i < q->nr; i++) {
		const struct sim_task *t = &s->tasks[q->e[i].task];

		if (sim_cpu_allowed(sim_task_group(s, t)->cpus, cpu))
			return i;
	}
	return -1;
}

bool sim_dsq_has(struct sim *s, int id, int cpu)
{
	return first_allowed(s, sim_dsq_of(s, id), cpu) >= 0;
}

int sim_dsq_take(struct sim *s, int id, int cpu)
{
	struct sim_dsq *q = sim_dsq_of(s, id);
	int i = first_allowed(s, q, cpu), task;

	if (i < 0)
		return -1;
	task = q->e[i].task;
	memmove(&q->e[i], &q->e[i + 1], (size_t)(q->nr - i - 1) * sizeof(q->e[0]));
	q->nr--;
	return task;
}
