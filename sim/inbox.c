// SPDX-License-Identifier: GPL-2.0
/*
 * inbox.c - tasks that wait for each other (workload keys "waits", "wakes",
 * "inbox", "per_task", "capacity"): a group that waits has inboxes of
 * messages, one for the group (a task that waits takes the next message
 * whoever sent it: workers of a request queue) or one per task with
 * "per_task" (a pipe each: hackbench's receivers; messages to the group go
 * to its tasks in turn). Each burst of a group that wakes another ends by
 * posting one message to it: a task waiting at that inbox wakes up and takes
 * it, else it waits in the inbox; an inbox holding "capacity" messages is
 * full, and the sender sleeps until a message is taken from it (a pipe's
 * writer blocks). A task of a waiting group takes a message before each
 * burst: it goes on at once when one is there, else it sleeps until one
 * comes. Every operation is O(1).
 */
#include <errno.h>
#include <stdlib.h>

#include "sim.h"

/* The inbox of @task's group that @task takes from: its own, or the group's. */
static struct sim_box *own_box(struct sim *s, int task)
{
	const struct sim_task *t = &s->tasks[task];
	const struct sim_group *g = sim_task_group(s, t);

	return &s->boxes[s->box_of_group[t->group] +
			 (g->per_task ? task - s->first_task[t->group] : 0)];
}

int sim_boxes_alloc(struct sim *s)
{
	const struct sim_workload *w = s->w;
	int g, nr = 0, i;

	s->box_of_group = calloc((size_t)w->nr_groups, sizeof(int));
	s->first_task = calloc((size_t)w->nr_groups, sizeof(int));
	s->box_next = calloc((size_t)s->nr_tasks, sizeof(int));
	s->box_rr = calloc((size_t)w->nr_groups, sizeof(int));
	if (!s->box_of_group || !s->first_task || !s->box_next || !s->box_rr)
		return -ENOMEM;
	for (g = 0, i = 0; g < w->nr_groups; i += w->groups[g++].count) {
		s->first_task[g] = i;
		s->box_of_group[g] = nr;
		if (w->groups[g].waits)
			nr += w->groups[g].per_task ? w->groups[g].count : 1;
	}
	s->nr_boxes = nr;
	s->boxes = calloc((size_t)nr + 1, sizeof(*s->boxes));
	if (!s->boxes)
		return -ENOMEM;
	for (g = 0; g < w->nr_groups; g++) {
		const struct sim_group *grp = &w->groups[g];
		int n = grp->per_task ? grp->count : 1, k;

		if (!grp->waits)
			continue;
		for (k = 0; k < n; k++) {
			struct sim_box *b = &s->boxes[s->box_of_group[g] + k];

			b->msgs = grp->inbox;
			b->cap = grp->capacity;
			b->sync = grp->sync;
			b->size = grp->per_task ? 1 : grp->count;
			b->blocked_head = b->blocked_tail = -1;
			b->ring = calloc((size_t)b->size, sizeof(int));
			if (!b->ring)
				return -ENOMEM;
		}
	}
	return 0;
}

void sim_boxes_free(struct sim *s)
{
	int i;

	if (s->boxes) {
		for (i = 0; i < s->nr_boxes; i++)
			free(s->boxes[i].ring);
	}
	free(s->boxes);
	free(s->box_of_group);
	free(s->first_task);
	free(s->box_next);
	free(s->box_rr);
	s->boxes = NULL;
	s->box_of_group = NULL;
	s->first_task = NULL;
	s->box_next = NULL;
	s->box_rr = NULL;
}

/*
 * @task becomes runnable now (handle_wakeups() draws its burst), woken by
 * the running task that posted or took a message at inbox @b: a sync
 * wake-up, as a pipe's, unless the inbox is a futex's ("sync": false); quiet
 * either way (a running task woke it: decide_standing_preempts()).
 */
static void wake(struct sim *s, int task, const struct sim_box *b)
{
	s->tasks[task].waits_msg = false;
	s->tasks[task].wake_sync = b->sync;
	s->tasks[task].wake_quiet = true;
	s->tasks[task].wake_at = s->now;
	sim_wakeq_push(s, task, s->now);
}

/* A message for @task, if one is there: taken (a sender blocked on a full inbox gets room). */
bool sim_box_take(struct sim *s, int task)
{
	struct sim_box *b = own_box(s, task);
	int sender;

	if (!b->msgs)
		return false;
	b->msgs--;
	sender = b->blocked_head;
	if (sender >= 0) { /* its message goes in, it goes on */
		b->blocked_head = s->box_next[sender];
		if (b->blocked_head < 0)
			b->blocked_tail = -1;
		b->msgs++;
		wake(s, sender, b);
	}
	return true;
}

/* @task sleeps until a message comes to its inbox. */
void sim_box_wait(struct sim *s, int task)
{
	struct sim_task *t = &s->tasks[task];
	struct sim_box *b = own_box(s, task);

	t->state = SIM_T_SLEEPING;
	t->waits_msg = true;
	b->ring[(b->head + b->nr++) % b->size] = task;
}

/*
 * @sender posts a message to @group: to a task waiting at the inbox (it
 * wakes up), else into the inbox; false when the inbox is full: @sender then
 * sleeps until a message is taken from it (its own goes in then).
 */
bool sim_box_post(struct sim *s, int group, int sender)
{
	const struct sim_group *g = &s->w->groups[group];
	struct sim_box *b = &s->boxes[s->box_of_group[group]];
	int task;

	if (g->per_task)
		b += s->box_rr[group]++ % g->count;
	if (b->nr) {
		task = b->ring[b->head];
		b->head = (b->head + 1) % b->size;
		b->nr--;
		wake(s, task, b);
		return true;
	}
	if (!b->cap || b->msgs < b->cap) {
		b->msgs++;
		return true;
	}
	/* full: @sender waits at the end of the blocked list */
	s->box_next[sender] = -1;
	if (b->blocked_tail >= 0)
		s->box_next[b->blocked_tail] = sender;
	else
		b->blocked_head = sender;
	b->blocked_tail = sender;
	s->tasks[sender].state = SIM_T_SLEEPING;
	s->tasks[sender].waits_msg = true;
	return false;
}
