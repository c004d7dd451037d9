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

/* Move @w up from the hole at @i until its parent is not after it. */
static void sift_up(struct sim *s, int i, struct sim_wake w)
{
	struct sim_wakeq *q = &s->wakeq;

	while (i > 0 && before(&w, &q->e[(i - 1) / 2])) {
		q->e[i] = q->e[(i - 1) / 2];
		i = (i - 1) / 2;
		s->work++;
	}
	q->e[i] = w;
}

/* A task is in the queue at most once: the queue holds up to nr_tasks. */
void sim_wakeq_push(struct sim *s, int task, uint64_t at)
{
	sift_up(s, s->wakeq.nr++, (struct sim_wake){.at = at, .task = task});
}

uint64_t sim_wakeq_next(const struct sim *s)
{
	return s->wakeq.nr ? s->wakeq.e[0].at : SIM_NONE;
}

/*
 * Remove the first task if it wakes at or before @now; -1 if none does. The
 * hole left at the top goes down to a leaf along the earlier children, then
 * the last entry moves up into it (Floyd's way).
 */
int sim_wakeq_pop(struct sim *s, uint64_t now)
{
	struct sim_wakeq *q = &s->wakeq;
	int task, i = 0, c;
	struct sim_wake last;

	if (!q->nr || q->e[0].at > now)
		return -1;
	task = q->e[0].task;
	last = q->e[--q->nr];
	if (!q->nr)
		return task;
	while ((c = 2 * i + 1) < q->nr) {
		if (c + 1 < q->nr && before(&q->e[c + 1], &q->e[c]))
			c++;
		q->e[i] = q->e[c];
		i = c;
		s->work++;
	}
	sift_up(s, i, last);
	return task;
}
