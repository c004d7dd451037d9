// SPDX-License-Identifier: GPL-2.0
/*
 * task_queue.c - the policies' queue of waiting tasks: a heap that grows,
 * and a reserve for when it cannot (task_queue.h).
 */
#include <string.h>

#include "task_queue.h"

int task_queue_init(struct task_queue *q, size_t cap)
{
	int err;

	memset(q, 0, sizeof(*q));
	err = cland_heap_init(&q->heap, cap);
	if (!err)
		err = cland_heap_init(&q->reserve, TASK_QUEUE_RESERVE);
	if (err)
		task_queue_free(q);
	return err;
}

void task_queue_free(struct task_queue *q)
{
	cland_heap_free(&q->heap);
	cland_heap_free(&q->reserve);
}

void task_queue_push(struct task_queue *q, uint64_t key, const cland_task_t *task)
{
	if (!cland_heap_push(&q->heap, key, task))
		return;
	/* full: grow rather than lose the task or reorder the queue */
	if (!cland_heap_grow(&q->heap) && !cland_heap_push(&q->heap, key, task))
		return;
	/* no memory: the reserve, dispatched at once */
	if (!cland_heap_push(&q->reserve, key, task)) {
		q->nr_overflows++;
		return;
	}
	q->nr_dropped++;
}

bool task_queue_pop(struct task_queue *q, struct cland_heap_entry *out)
{
	return cland_heap_pop(&q->reserve, out) || cland_heap_pop(&q->heap, out);
}

uint64_t task_queue_size(const struct task_queue *q)
{
	return cland_heap_size(&q->heap) + cland_heap_size(&q->reserve);
}

void task_queue_stats(const struct task_queue *q, struct cland_policy_stats *out)
{
	out->nr_overflows = q->nr_overflows;
	out->nr_dropped = q->nr_dropped;
}
