// SPDX-License-Identifier: GPL-2.0
/*
 * cputree.c - a tournament tree over the simulated CPUs: each CPU has a key
 * or none, every node holds the best CPU of its subtree, ties going to the
 * lower CPU number. The best CPU is read in O(1), a CPU's key changes in
 * O(log nr_cpus). Two orders: earliest key (the next CPU event) and latest
 * key in wrap-around order, as the BPF backend compares deadlines
 * ((s64)(a - b) > 0: the CPU to preempt).
 */
#include <errno.h>
#include <stdlib.h>

#include "sim.h"

int sim_cputree_alloc(struct sim *s, struct sim_cputree *t, bool latest)
{
	int leaves = 1, i;

	while (leaves < s->w->nr_cpus)
		leaves *= 2;
	t->leaves = leaves;
	t->latest = latest;
	t->node = malloc(2 * (size_t)leaves * sizeof(*t->node));
	t->key = calloc((size_t)leaves, sizeof(*t->key));
	if (!t->node || !t->key)
		return -ENOMEM;
	for (i = 0; i < 2 * leaves; i++)
		t->node[i] = -1;
	return 0;
}

void sim_cputree_free(struct sim_cputree *t)
{
	free(t->node);
	free(t->key);
	t->node = NULL;
	t->key = NULL;
}

/* Is CPU @a's key strictly better than CPU @b's? */
static bool better(const struct sim_cputree *t, int a, int b)
{
	if (t->latest)
		return (int64_t)(t->key[a] - t->key[b]) > 0;
	return t->key[a] < t->key[b];
}

/* The winner of two subtrees' winners; the left one (lower CPUs) on ties. */
static int match(const struct sim_cputree *t, int l, int r)
{
	if (l < 0)
		return r;
	if (r < 0)
		return l;
	return better(t, r, l) ? r : l;
}

/*
 * Replay the matches above leaf @i, whose CPU's key changed: up to the root,
 * or until a node keeps a winner other than that CPU (nothing above changes).
 */
static void replay(struct sim *s, struct sim_cputree *t, int i)
{
	int cpu = i - t->leaves, w;

	for (i /= 2; i >= 1; i /= 2) {
		w = match(t, t->node[2 * i], t->node[2 * i + 1]);
		s->work++;
		if (w == t->node[i] && w != cpu)
			break;
		t->node[i] = w;
	}
}

void sim_cputree_set(struct sim *s, struct sim_cputree *t, int cpu, uint64_t key)
{
	t->key[cpu] = key;
	t->node[t->leaves + cpu] = cpu;
	replay(s, t, t->leaves + cpu);
}

void sim_cputree_clear(struct sim *s, struct sim_cputree *t, int cpu)
{
	if (t->node[t->leaves + cpu] < 0)
		return;
	t->node[t->leaves + cpu] = -1;
	replay(s, t, t->leaves + cpu);
}

/* The best CPU, or -1 when no CPU has a key. */
int sim_cputree_best(const struct sim_cputree *t)
{
	return t->node[1];
}
