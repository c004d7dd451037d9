// SPDX-License-Identifier: GPL-2.0
/*
 * cpus.c - what the simulator knows about its CPUs without scanning them,
 * told by sim_cpu_changed() after every change of a CPU:
 *
 *  - the idle set: an idle CPU a task allowed everywhere may use, and "none
 *    is idle" (a busy machine's usual answer), in O(1); for a pinned task,
 *    O(words of 64 CPUs holding an idle CPU);
 *  - the kicked set: the CPUs that reschedule at the end of the instant,
 *    visited in CPU order, O(1) each;
 *  - the next stop of each CPU's task (end of burst or of slice) in a
 *    tournament tree (cputree.c): the next CPU event, earliest and then
 *    lowest-numbered first, in O(1);
 *  - the deadline of each CPU's running task in another tree: the CPU
 *    running the least urgent task, the one to preempt, in O(1).
 */
#include <errno.h>
#include <stdlib.h>

#include "sim.h"

int sim_cpus_alloc(struct sim *s)
{
	s->stale = calloc((size_t)s->w->nr_cpus, sizeof(*s->stale));
	if (!s->stale || sim_cputree_alloc(s, &s->events, false) ||
	    sim_cputree_alloc(s, &s->running, true))
		return -ENOMEM;
	return 0;
}

void sim_cpus_free(struct sim *s)
{
	free(s->stale);
	s->stale = NULL;
	sim_cputree_free(&s->events);
	sim_cputree_free(&s->running);
}

bool sim_cpu_idle(const struct sim *s, int cpu)
{
	return s->cpus[cpu].task < 0 && !s->cpus[cpu].claimed && !s->cpus[cpu].daemon;
}

/* When @cpu's running task stops by itself (end of burst or of slice), or the daemon's round. */
uint64_t sim_cpu_next(const struct sim *s, int cpu)
{
	const struct sim_cpu *c = &s->cpus[cpu];
	uint64_t burst_end;

	if (c->daemon)
		return c->daemon_until;
	if (c->task < 0)
		return SIM_NONE;
	burst_end = c->seg_start + s->tasks[c->task].burst_left;
	return burst_end < c->slice_end ? burst_end : c->slice_end;
}

/*
 * A set of CPUs in two levels: a bitmap, and a summary word with a bit per
 * non-empty word of 64 CPUs (SIM_MASK_WORDS <= 64).
 */
static void cpuset_set(struct sim_cpuset *set, int cpu, bool on)
{
	uint64_t *w = &set->word[cpu / 64], bit = 1ULL << (cpu % 64);

	if (on == !!(*w & bit))
		return;
	*w ^= bit;
	set->nr += on ? 1 : -1;
	if (*w)
		set->summary |= 1ULL << (cpu / 64);
	else
		set->summary &= ~(1ULL << (cpu / 64));
}

static bool cpuset_test(const struct sim_cpuset *set, int cpu)
{
	return (set->word[cpu / 64] >> (cpu % 64)) & 1;
}

/* The lowest CPU >= @from in @set and in @mask (NULL: any CPU), or -1. */
static int cpuset_first(struct sim *s, const struct sim_cpuset *set, const uint64_t *mask, int from)
{
	uint64_t words = set->summary & (~0ULL << (from / 64));

	while (words) {
		int i = __builtin_ctzll(words);
		uint64_t m = set->word[i] & (mask ? mask[i] : ~0ULL);

		s->work++;
		if (i == from / 64)
			m &= ~0ULL << (from % 64);
		if (m)
			return i * 64 + __builtin_ctzll(m);
		words &= words - 1;
	}
	return -1;
}

static void update_tree(struct sim *s, struct sim_cputree *t, int cpu, bool on, uint64_t key)
{
	if (!on)
		sim_cputree_clear(s, t, cpu);
	else if (t->node[t->leaves + cpu] != cpu || t->key[cpu] != key)
		sim_cputree_set(s, t, cpu, key);
}

/*
 * @cpu's task, claim, slice or deadline changed: the idle set follows at
 * once; the trees when they are next read (a CPU often changes twice in a
 * row: its task stops, the next one starts).
 */
void sim_cpu_changed(struct sim *s, int cpu)
{
	cpuset_set(&s->idle, cpu, sim_cpu_idle(s, cpu));
	if (s->cpus[cpu].stale)
		return;
	s->cpus[cpu].stale = true;
	s->stale[s->nr_stale++] = cpu;
}

/* Bring the trees up to date with the CPUs that changed. */
static void refresh(struct sim *s)
{
	while (s->nr_stale) {
		int cpu = s->stale[--s->nr_stale];
		struct sim_cpu *c = &s->cpus[cpu];

		c->stale = false;
		update_tree(s, &s->events, cpu, c->task >= 0 || c->daemon, sim_cpu_next(s, cpu));
		update_tree(s, &s->running, cpu, c->busy, c->deadline);
	}
}

/* The CPU whose task stops first (the lowest-numbered on ties) or -1; its time in @at. */
int sim_next_cpu_event(struct sim *s, uint64_t *at)
{
	int cpu;

	refresh(s);
	cpu = sim_cputree_best(&s->events);
	*at = cpu >= 0 ? s->events.key[cpu] : SIM_NONE;
	return cpu;
}

/* The CPU running the task with the latest deadline (the lowest-numbered on ties) or -1. */
int sim_latest_running_cpu(struct sim *s)
{
	refresh(s);
	return sim_cputree_best(&s->running);
}

/* An idle CPU that @mask allows: @prev if it is one, else the lowest; -1 if none. */
int sim_idle_cpu(struct sim *s, const uint64_t *mask, int prev)
{
	s->work++;
	if (!s->idle.nr)
		return -1;
	if (prev >= 0 && prev < s->w->nr_cpus && sim_cpu_allowed(mask, prev) &&
	    cpuset_test(&s->idle, prev))
		return prev;
	return cpuset_first(s, &s->idle, mask, 0);
}

/* Mark @cpu to go through dispatch at the end of this instant. */
void sim_cpu_kick(struct sim *s, int cpu)
{
	s->cpus[cpu].resched = true;
	cpuset_set(&s->kicked, cpu, true);
}

/* The first kicked CPU from @from on, no longer kicked once returned; -1 if none. */
int sim_next_kicked(struct sim *s, int from)
{
	int cpu;

	s->work++;
	if (!s->kicked.nr)
		return -1;
	cpu = cpuset_first(s, &s->kicked, NULL, from);
	if (cpu >= 0)
		cpuset_set(&s->kicked, cpu, false);
	return cpu;
}
