/* SPDX-License-Identifier: GPL-2.0 */
/*
 * heap.h - a fixed-capacity binary min-heap of runnable tasks.
 *
 * Entries are ordered by a 64-bit key; entries with equal keys come out in
 * the order they were pushed (a sequence number breaks ties). All memory is
 * allocated by cland_heap_init(): push and pop never allocate, so the heap
 * can be used after the daemon has locked its memory.
 */
#ifndef __CLAND_HEAP_H
#define __CLAND_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

struct cland_heap_entry {
	uint64_t key;
	uint64_t seq; /* push order, breaks ties between equal keys */
	cland_task_t task;
};

struct cland_heap {
	struct cland_heap_entry *e;
	size_t nr;
	size_t cap;
	uint64_t next_seq;
};

/* Allocate room for @cap entries. Returns 0, -EINVAL (cap 0) or -ENOMEM. */
int cland_heap_init(struct cland_heap *h, size_t cap);
/* Release the entries; the heap may be initialised again afterwards. */
void cland_heap_free(struct cland_heap *h);
/*
 * Double the capacity, keeping the order of the entries (FIFO ties included).
 * Allocates: for the rare overflow, not the hot path. Returns 0 or -ENOMEM.
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
/* The entry cland_heap_pop() would remove, or NULL if the heap is empty. */
const struct cland_heap_entry *cland_heap_peek(const struct cland_heap *h);
size_t cland_heap_size(const struct cland_heap *h);
size_t cland_heap_capacity(const struct cland_heap *h);

#endif /* __CLAND_HEAP_H */
