// SPDX-License-Identifier: GPL-2.0
/*
 * wakeq.c - the tasks that will become runnable (new or sleeping), in a
 * binary min-heap ordered by (wake-up time, task number): the engine finds
 * the next wake-up in O(1) and handles those of one instant in task order.
 */
#include <errno.h>
#include <stdlib.h>

#include "sim.h"

int sim_wakeq_alloc(struct sim *s)
{
	s->wakeq.e = calloc((size_t)s->nr_tasks, sizeof(*s->wakeq.e));
	s->wakeq.nr = 0;
	return s->wakeq.e ? 0 : -ENOMEM;
}

void sim_wakeq_free(struct sim *s)
{
	free(s->wakeq.e);
	s->wakeq.e = NULL;
}

static bool before(const struct sim_wake *a, const struct sim_wake *b)
{
	return a->at < b->at || (a->at == b->at && a->task < b->task);
}

static void swap(struct sim_wake *a, struct sim_wake *b)
{
	struct sim_wake t = *a;

	*a = *b;
	*b = t;
}

/* A task is in the queue at most once: the queue holds up to nr_tasks. */
void sim_wakeq_push(struct sim *s, int task, uint64_t at)
{
	struct sim_wakeq *q = &s->wakeq;
	int i = q->nr++;

	q->e[i] = (struct sim_wake){.at = at, .task = task};
	while (i > 0 && before(&q->e[i], &q->e[(i - 1) / 2])) {
		swap(&q->e[i], &q->e[(i - 1) / 2]);
		i = (i - 1) / 2;
		s->work++;
	}
}

uint64_t sim_wakeq_next(const struct sim *s)
{
	return s->wakeq.nr ? s->wakeq.e[0].at : SIM_NONE;
}

/* Remove the first task if it wakes at or before @now; -1 if none does. */
int sim_wakeq_pop(struct sim *s, uint64_t now)
{
	struct sim_wakeq *q = &s->wakeq;
	int task, i = 0;

	if (!q->nr || q->e[0].at > now)
		return -1;
	task = q->e[0].task;
	q->e[0] = q->e[--q->nr];
	for (;;) {
		int l = 2 * i + 1, r = l + 1, m = i;

		if (l < q->nr && before(&q->e[l], &q->e[m]))
			m = l;
		if (r < q->nr && before(&q->e[r], &q->e[m]))
			m = r;
		if (m == i)
			break;
		swap(&q->e[i], &q->e[m]);
		i = m;
		s->work++;
	}
	return task;
}
