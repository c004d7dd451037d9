/* SPDX-License-Identifier: GPL-2.0 */
/*
 * task_queue.h - the queue in which the built-in policies keep the tasks
 * waiting for a decision: ordered by a key (FIFO among equal keys), and it
 * does not lose a task when it is full.
 *
 * The tasks wait in a heap (lib/heap.h) allocated by task_queue_init(). When
 * it is full it doubles, keeping its order: the only allocation after init,
 * reached only with more tasks waiting than the initial capacity (under the
 * daemon's mlockall(MCL_FUTURE) the new memory is locked too). If that
 * allocation fails, the task goes to a reserve allocated by init
 * (TASK_QUEUE_RESERVE tasks), which task_queue_pop() empties first: such a
 * task is dispatched at once, out of its order in the queue but with its own
 * key (the backend's DSQs still order it by its deadline). A task is lost
 * only when memory is exhausted and the reserve is full too; each loss is
 * counted (nr_dropped, the daemon's "dropped=").
 */
#ifndef __CLAND_TASK_QUEUE_H
#define __CLAND_TASK_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "heap.h"
#include "policy.h"

#define TASK_QUEUE_RESERVE 4096 /* tasks the reserve holds (458 KiB) */

struct task_queue {
	struct cland_heap heap;	   /* ordered by key, FIFO among ties; grows */
	struct cland_heap reserve; /* tasks the heap had no memory for: popped first */
	uint64_t nr_overflows;	   /* tasks that went to the reserve */
	uint64_t nr_dropped;	   /* tasks lost: no memory and the reserve full */
};

/* Allocate the heap (@cap tasks) and the reserve. Returns 0, -EINVAL or -ENOMEM. */
int task_queue_init(struct task_queue *q, size_t cap);
/* Release both; safe after a failed init and twice. */
void task_queue_free(struct task_queue *q);
/* Queue @task under @key (see the top of the file for a full heap). */
void task_queue_push(struct task_queue *q, uint64_t key, const cland_task_t *task);
/*
 * Take the next task into @out: the reserve's first, else the smallest key
 * (the oldest among equal keys). Returns false when the queue is empty.
 */
bool task_queue_pop(struct task_queue *q, struct cland_heap_entry *out);
/* Tasks waiting (heap and reserve). */
uint64_t task_queue_size(const struct task_queue *q);
/* The queue's counters into @out (nr_overflows, nr_dropped). */
void task_queue_stats(const struct task_queue *q, struct cland_policy_stats *out);

#endif /* __CLAND_TASK_QUEUE_H */
