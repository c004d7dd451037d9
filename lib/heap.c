// SPDX-License-Identifier: GPL-2.0
/*
 * heap.c - fixed-capacity 4-ary min-heap keyed by (key, push sequence).
 *
 * The heap orders nodes that name a slot of the task array; a task is copied
 * into a free slot on push and out of it on pop, never moved in between.
 * Sifting moves a "hole" instead of swapping, so each level costs one node
 * copy. See heap.h for the contract.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "heap.h"

/*
 * Children per node: half the levels of a binary heap, and a node's children
 * side by side (96 bytes): fewer cache misses a sift once the nodes outgrow
 * the caches (cland-sim --bench, 10k and 100k tasks).
 */
#define HEAP_ARITY 4

static bool node_before(const struct cland_heap_node *a, const struct cland_heap_node *b)
{
	if (a->key != b->key)
		return a->key < b->key;
	return a->seq < b->seq;
}

int cland_heap_init(struct cland_heap *h, size_t cap)
{
	size_t i;

	memset(h, 0, sizeof(*h));
	if (!cap || cap > CLAND_HEAP_MAX_CAP)
		return -EINVAL;
	h->e = calloc(cap, sizeof(*h->e));
	h->tasks = calloc(cap, sizeof(*h->tasks));
	h->free_slots = calloc(cap, sizeof(*h->free_slots));
	if (!h->e || !h->tasks || !h->free_slots) {
		cland_heap_free(h);
		return -ENOMEM;
	}
	/* slot 0 on top: the first pushes fill the array from its start */
	for (i = 0; i < cap; i++)
		h->free_slots[i] = (uint32_t)(cap - 1 - i);
	h->cap = cap;
	return 0;
}

void cland_heap_free(struct cland_heap *h)
{
	free(h->e);
	free(h->tasks);
	free(h->free_slots);
	memset(h, 0, sizeof(*h));
}

/* Move @node up from the hole at @i until its parent is not after it. */
static void sift_up(struct cland_heap *h, size_t i, const struct cland_heap_node *node)
{
	while (i > 0) {
		size_t parent = (i - 1) / HEAP_ARITY;

		if (!node_before(node, &h->e[parent]))
			break;
		h->e[i] = h->e[parent];
		i = parent;
	}
	h->e[i] = *node;
}

/* Move @node down from the hole at @i until no child comes before it. */
static void sift_down(struct cland_heap *h, size_t i, const struct cland_heap_node *node)
{
	for (;;) {
		size_t c = HEAP_ARITY * i + 1, end = c + HEAP_ARITY, best = c;

		if (c >= h->nr)
			break;
		if (end > h->nr)
			end = h->nr;
		for (c++; c < end; c++) {
			if (node_before(&h->e[c], &h->e[best]))
				best = c;
		}
		if (!node_before(&h->e[best], node))
			break;
		h->e[i] = h->e[best];
		i = best;
	}
	h->e[i] = *node;
}

int cland_heap_push(struct cland_heap *h, uint64_t key, const cland_task_t *task)
{
	struct cland_heap_node node;

	if (h->nr >= h->cap)
		return -ENOSPC;
	/* the free slots are the stack's first cap - nr entries */
	node.slot = h->free_slots[h->cap - h->nr - 1];
	node.key = key;
	node.seq = h->next_seq++;
	h->tasks[node.slot] = *task;
	sift_up(h, h->nr++, &node);
	return 0;
}

/* @node's key, push order and task, into @out. */
static void entry_of(const struct cland_heap *h, const struct cland_heap_node *node,
		     struct cland_heap_entry *out)
{
	out->key = node->key;
	out->seq = node->seq;
	out->task = h->tasks[node->slot];
}

bool cland_heap_pop(struct cland_heap *h, struct cland_heap_entry *out)
{
	struct cland_heap_node top, last;

	if (!h->nr)
		return false;
	top = h->e[0];
	if (out)
		entry_of(h, &top, out);
	last = h->e[--h->nr];
	h->free_slots[h->cap - h->nr - 1] = top.slot;
	if (h->nr)
		sift_down(h, 0, &last);
	return true;
}

bool cland_heap_peek(const struct cland_heap *h, struct cland_heap_entry *out)
{
	if (!h->nr)
		return false;
	if (out)
		entry_of(h, &h->e[0], out);
	return true;
}

size_t cland_heap_size(const struct cland_heap *h)
{
	return h->nr;
}

size_t cland_heap_capacity(const struct cland_heap *h)
{
	return h->cap;
}

bool cland_heap_fail_grow;

int cland_heap_grow(struct cland_heap *h)
{
	struct cland_heap_entry ent;
	struct cland_heap bigger;
	int err;

	if (cland_heap_fail_grow)
		return -ENOMEM;
	if (cland_heap_capacity(h) > CLAND_HEAP_MAX_CAP / 2)
		return -EINVAL;
	err = cland_heap_init(&bigger, cland_heap_capacity(h) * 2);
	if (err)
		return err;
	/* popped in (key, seq) order: re-pushing renumbers ties in order */
	while (cland_heap_pop(h, &ent))
		cland_heap_push(&bigger, ent.key, &ent.task);
	cland_heap_free(h);
	*h = bigger;
	return 0;
}
