// SPDX-License-Identifier: GPL-2.0
/*
 * heap.c - fixed-capacity binary min-heap keyed by (key, push sequence).
 *
 * Sifting moves a "hole" instead of swapping, so each level costs one entry
 * copy. See heap.h for the contract.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "heap.h"

static bool entry_before(const struct cland_heap_entry *a, const struct cland_heap_entry *b)
{
	if (a->key != b->key)
		return a->key < b->key;
	return a->seq < b->seq;
}

int cland_heap_init(struct cland_heap *h, size_t cap)
{
	memset(h, 0, sizeof(*h));
	if (!cap)
		return -EINVAL;
	h->e = calloc(cap, sizeof(*h->e));
	if (!h->e)
		return -ENOMEM;
	h->cap = cap;
	return 0;
}

void cland_heap_free(struct cland_heap *h)
{
	free(h->e);
	memset(h, 0, sizeof(*h));
}

/* Move @ent up from the hole at @i until its parent is not after it. */
static void sift_up(struct cland_heap *h, size_t i, const struct cland_heap_entry *ent)
{
	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!entry_before(ent, &h->e[parent]))
			break;
		h->e[i] = h->e[parent];
		i = parent;
	}
	h->e[i] = *ent;
}

/* Move @ent down from the hole at @i until no child comes before it. */
static void sift_down(struct cland_heap *h, size_t i, const struct cland_heap_entry *ent)
{
	for (;;) {
		size_t child = 2 * i + 1;

		if (child >= h->nr)
			break;
		if (child + 1 < h->nr && entry_before(&h->e[child + 1], &h->e[child]))
			child++;
		if (!entry_before(&h->e[child], ent))
			break;
		h->e[i] = h->e[child];
		i = child;
	}
	h->e[i] = *ent;
}

int cland_heap_push(struct cland_heap *h, uint64_t key, const cland_task_t *task)
{
	struct cland_heap_entry ent;

	if (h->nr >= h->cap)
		return -ENOSPC;
	ent.key = key;
	ent.seq = h->next_seq++;
	ent.task = *task;
	sift_up(h, h->nr++, &ent);
	return 0;
}

bool cland_heap_pop(struct cland_heap *h, struct cland_heap_entry *out)
{
	struct cland_heap_entry last;

	if (!h->nr)
		return false;
	if (out)
		*out = h->e[0];
	last = h->e[--h->nr];
	if (h->nr)
		sift_down(h, 0, &last);
	return true;
}

const struct cland_heap_entry *cland_heap_peek(const struct cland_heap *h)
{
	return h->nr ? &h->e[0] : NULL;
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
