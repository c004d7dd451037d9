/* SPDX-License-Identifier: GPL-2.0 */
/*
 * heap.h - a fixed-capacity min-heap of runnable tasks (4-ary: heap.c).
 *
 * Entries are ordered by a 64-bit key; entries with equal keys come out in
 * the order they were pushed (a sequence number breaks ties). All memory is
 * allocated by cland_heap_init(): push and pop never allocate, so the heap
 * can be used after the daemon has locked its memory.
 *
 * The heap orders small nodes (key, sequence, slot); the tasks stay in their
 * slots, copied once in and once out. A level of a sift moves a 24-byte node,
 * not a task record (152 bytes): 10k tasks' nodes fit in a core's L2 cache
 * where their records do not (cland-sim --bench, sim/README.md).
 */
#ifndef __CLAND_HEAP_H
#define __CLAND_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

/* What cland_heap_pop() and cland_heap_peek() give: a task and its key. */
struct cland_heap_entry {
	uint64_t key;
	uint64_t seq; /* push order, breaks ties between equal keys */
	cland_task_t task;
};

/* A place in the heap's order: the task's key, its push order and its slot. */
struct cland_heap_node {
	uint64_t key;
	uint64_t seq;
	uint32_t slot; /* the task's index in cland_heap.tasks */
};

/* The most entries a heap holds: slots are 32-bit. */
#define CLAND_HEAP_MAX_CAP ((size_t)UINT32_MAX)

struct cland_heap {
	struct cland_heap_node *e; /* the heap, nr nodes */
	cland_task_t *tasks;	   /* cap slots, nr of them in use */
	uint32_t *free_slots;	   /* the cap - nr slots not in use, a stack */
	size_t nr;
	size_t cap;
	uint64_t next_seq;
};

/*
 * Allocate room for @cap entries. Returns 0, -EINVAL (cap 0, or over
 * CLAND_HEAP_MAX_CAP) or -ENOMEM.
 */
int cland_heap_init(struct cland_heap *h, size_t cap);
/* Release the entries; the heap may be initialised again afterwards. */
void cland_heap_free(struct cland_heap *h);
/*
 * Double the capacity, keeping the order of the entries (FIFO ties included).
 * Allocates: for the rare overflow, not the hot path. Returns 0, -ENOMEM, or
 * -EINVAL when twice the capacity is over CLAND_HEAP_MAX_CAP.
 */
int cland_heap_grow(struct cland_heap *h);
/*
 * Fault injection, for the tests of what happens when memory runs out: while
 * true, cland_heap_grow() fails with -ENOMEM and leaves the heap as it was.
 */
extern bool cland_heap_fail_grow;
/* Add @task with @key. Returns 0 or -ENOSPC when the heap is full. */
int cland_heap_push(struct cland_heap *h, uint64_t key, const cland_task_t *task);
/*
 * Remove the entry with the smallest key (the oldest one among equal keys)
 * and copy it to @out (which may be NULL). Returns false if the heap is empty.
 */
bool cland_heap_pop(struct cland_heap *h, struct cland_heap_entry *out);
/*
 * Copy the entry cland_heap_pop() would remove to @out (which may be NULL),
 * leaving it in the heap. Returns false if the heap is empty.
 */
bool cland_heap_peek(const struct cland_heap *h, struct cland_heap_entry *out);
size_t cland_heap_size(const struct cland_heap *h);
size_t cland_heap_capacity(const struct cland_heap *h);

#endif /* __CLAND_HEAP_H */
