/* SPDX-License-Identifier: GPL-2.0 */
/*
 * queue.h - what the newcomer's policies of tests/sim/mistakes/ share: a FIFO
 * of the tasks a policy holds, allocated by init (header-only: each policy is
 * one plug-in, built alone by tests/scripts/test_mistakes.sh).
 */
#ifndef __CLAND_MISTAKES_QUEUE_H
#define __CLAND_MISTAKES_QUEUE_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <policy.h>

struct fifo {
	cland_task_t *task;
	uint64_t head, nr;
};

#define FIFO_CAP (CLAND_MAX_INFLIGHT + 1024) /* the backend hands over at most 65536 */

static inline int fifo_init(struct fifo *q)
{
	q->task = calloc(FIFO_CAP, sizeof(*q->task));
	q->head = q->nr = 0;
	return q->task ? 0 : -ENOMEM;
}

static inline void fifo_push(struct fifo *q, const cland_task_t *t)
{
	if (q->nr < FIFO_CAP)
		q->task[(q->head + q->nr++) % FIFO_CAP] = *t;
}

static inline bool fifo_pop(struct fifo *q, cland_task_t *t)
{
	if (!q->nr)
		return false;
	*t = q->task[q->head];
	q->head = (q->head + 1) % FIFO_CAP;
	q->nr--;
	return true;
}

#endif /* __CLAND_MISTAKES_QUEUE_H */
