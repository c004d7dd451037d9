// SPDX-License-Identifier: GPL-2.0
/*
 * replay.c - a recorded trace as a cland-sim workload (see replay.h for
 * how each task is modelled). One pass over the records, per-task
 * accumulators found through a hash table of pids.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "replay.h"

#define MIN_RUN_NS 1000ULL /* a burst of at least 1 us */

struct acc {
	int32_t pid; /* 0: free slot */
	bool queued; /* a TASK record was seen */
	char comm[CLAND_COMM_LEN];
	bool has_mask;
	uint64_t mask[SIM_MASK_WORDS];
	uint64_t weight;
	uint64_t first_ts, last_ts;
	uint64_t sum_burst, nr_burst, sum_sleep, nr_sleep;
	bool have_runtime;	/* a record since the last wake-up reported exec_runtime */
	uint64_t runtime;	/* ... that exec_runtime */
	uint64_t runtime_stop;	/* ... and the end of the run it covers */
	uint64_t cpu_ns;	/* CPU time its records account for */
	uint64_t counted_until; /* runs up to here are in cpu_ns */
	uint64_t last_slice;	/* of its last decision */
	int order;		/* first seen: the groups' order */
};

struct table {
	struct acc *a;
	size_t cap; /* power of 2 */
	int nr;
};

static struct acc *find(struct table *t, int32_t pid)
{
	size_t i = ((uint32_t)pid * 2654435761u) & (t->cap - 1);

	while (t->a[i].pid && t->a[i].pid != pid)
		i = (i + 1) & (t->cap - 1);
	if (!t->a[i].pid) {
		t->a[i].pid = pid;
		t->a[i].order = t->nr++;
	}
	return &t->a[i];
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static void on_info(struct acc *a, const struct cland_trace_rec *r)
{
	int w, base = r->flags * CLAND_TRACE_MASK_WORDS;

	memcpy(a->comm, r->info.comm, sizeof(a->comm));
	if (!r->flags)
		memset(a->mask, 0, sizeof(a->mask));
	for (w = 0; w < CLAND_TRACE_MASK_WORDS && base + w < SIM_MASK_WORDS; w++)
		a->mask[base + w] = r->info.mask[w];
	a->has_mask = true;
}

static void on_task(struct acc *a, const struct cland_trace_rec *r, uint64_t t0)
{
	uint64_t start = r->task.start_ts, stop = r->task.stop_ts, from, b;

	if (!a->queued)
		a->first_ts = r->ts_ns;
	a->queued = true;
	a->last_ts = r->ts_ns;
	a->weight = r->task.weight;
	/* the run before this record, the part not counted yet */
	from = max_u64(max_u64(start, t0), a->counted_until);
	if (start && stop > from) {
		a->cpu_ns += stop - from;
		a->counted_until = stop;
	}
	if (!(r->flags & CLAND_TASK_WAKEUP)) {
		a->have_runtime = true;
		a->runtime = r->task.exec_runtime;
		a->runtime_stop = stop;
		return;
	}
	if (stop && stop < r->ts_ns) {
		a->sum_sleep += r->ts_ns - stop;
		a->nr_sleep++;
	}
	if (start && stop > start) {
		b = stop - start;
		if (a->have_runtime && a->runtime_stop <= start)
			b += a->runtime;
		a->sum_burst += b;
		a->nr_burst++;
	}
	a->have_runtime = false;
}

/* The nice level whose weight is nearest @weight. */
static int nice_of(uint64_t weight)
{
	uint64_t best = UINT64_MAX, d, w;
	int nice, pick = 0;

	for (nice = -20; nice < 20; nice++) {
		w = sim_nice_weight(nice);
		d = w > weight ? w - weight : weight - w;
		if (d < best) {
			best = d;
			pick = nice;
		}
	}
	return pick;
}

static void make_group(const struct acc *a, const struct cland_trace *t, uint64_t end,
		       struct sim_group *g, struct sim_replay_info *info)
{
	uint64_t t0 = t->hdr.start_ns, slice, tail;
	int cpu, nr_cpus = (int)t->hdr.nr_cpus;

	snprintf(g->name, sizeof(g->name), "%.15s/%d", a->comm[0] ? a->comm : "task", (int)a->pid);
	g->count = 1;
	g->nice = nice_of(a->weight);
	g->start_ns = a->first_ts - t0;
	memset(g->cpus, 0, sizeof(g->cpus));
	for (cpu = 0; cpu < nr_cpus; cpu++) {
		if (!a->has_mask || sim_cpu_allowed(a->mask, cpu)) {
			g->cpus[cpu / 64] |= 1ULL << (cpu % 64);
			g->nr_cpus_allowed++;
		}
	}
	if (!g->nr_cpus_allowed) { /* a mask of CPUs beyond this trace's: any */
		for (cpu = 0; cpu < nr_cpus; cpu++)
			g->cpus[cpu / 64] |= 1ULL << (cpu % 64);
		g->nr_cpus_allowed = nr_cpus;
	}
	g->pinned = g->nr_cpus_allowed < nr_cpus;
	if (!a->nr_sleep) {
		/* a CPU hog: its CPU time, plus the slice it went on with after its last record */
		slice = a->last_slice ? a->last_slice : t->hdr.slice_ns;
		tail = end > a->last_ts ? end - a->last_ts : 0;
		g->run_ns = max_u64(a->cpu_ns + (slice < tail ? slice : tail), MIN_RUN_NS);
		g->sleep_ns = 0;
		g->dist = SIM_DIST_FIXED;
		g->stop_ns = g->start_ns + 1;
		info->nr_hogs++;
		return;
	}
	g->sleep_ns = max_u64(a->sum_sleep / a->nr_sleep, MIN_RUN_NS);
	g->run_ns = a->nr_burst ? a->sum_burst / a->nr_burst : a->cpu_ns / (a->nr_sleep + 1);
	g->run_ns = max_u64(g->run_ns, MIN_RUN_NS);
	g->dist = SIM_DIST_EXP;
	g->stop_ns = max_u64(a->last_ts - t0, g->start_ns + 1);
}

static int by_order(const void *x, const void *y)
{
	const struct acc *a = *(const struct acc *const *)x, *b = *(const struct acc *const *)y;

	return a->order - b->order;
}

/* The tasks handed to the policy, in the order they were first seen. */
static struct acc **queued_tasks(struct table *tab, int *nr)
{
	struct acc **v = calloc((size_t)tab->nr + 1, sizeof(*v));
	size_t i;

	*nr = 0;
	if (!v)
		return NULL;
	for (i = 0; i < tab->cap; i++) {
		if (tab->a[i].pid && tab->a[i].queued)
			v[(*nr)++] = &tab->a[i];
	}
	qsort(v, (size_t)*nr, sizeof(*v), by_order);
	return v;
}

static int scan(const struct cland_trace *t, struct table *tab, struct sim_replay_info *info)
{
	size_t i;

	for (i = 0; i + 1 < t->nr; i++) {
		const struct cland_trace_rec *r = &t->recs[i];

		switch (r->type) {
		case CLAND_TRACE_INFO:
			on_info(find(tab, r->pid), r);
			break;
		case CLAND_TRACE_TASK:
			on_task(find(tab, r->pid), r, t->hdr.start_ns);
			info->nr_queued++;
			break;
		case CLAND_TRACE_DECISION:
			find(tab, r->pid)->last_slice = r->decision.slice;
			info->nr_decisions++;
			break;
		}
	}
	return 0;
}

int sim_replay_build(const struct cland_trace *t, struct sim_workload *w,
		     struct sim_replay_info *info, char *err, size_t errlen)
{
	const struct cland_trace_rec *end = &t->recs[t->nr - 1];
	struct table tab = {.cap = 1024};
	struct acc **tasks = NULL;
	int i, nr = 0, ret = -1;

	memset(w, 0, sizeof(*w));
	memset(info, 0, sizeof(*info));
	snprintf(info->policy, sizeof(info->policy), "%s", t->hdr.policy);
	info->nr_records = end->end.nr_records;
	info->nr_dropped = end->end.nr_dropped;
	info->cut = end->end.reason != CLAND_TRACE_END_STOPPED;
	while (tab.cap < 2 * t->nr)
		tab.cap *= 2;
	tab.a = calloc(tab.cap, sizeof(*tab.a));
	if (!tab.a) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	scan(t, &tab, info);
	tasks = queued_tasks(&tab, &nr);
	if (!tasks) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (!nr) {
		snprintf(err, errlen, "no task in the recording: nothing to replay");
		goto out;
	}
	if (nr > SIM_MAX_TASKS) {
		snprintf(err, errlen, "%d tasks in the recording, the simulator takes %d", nr,
			 SIM_MAX_TASKS);
		goto out;
	}
	w->nr_cpus = (int)t->hdr.nr_cpus;
	w->duration_ns = max_u64(end->ts_ns - t->hdr.start_ns, 1000000ULL);
	w->groups = calloc((size_t)nr, sizeof(*w->groups));
	if (!w->groups) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (i = 0; i < nr; i++)
		make_group(tasks[i], t, end->ts_ns, &w->groups[i], info);
	w->nr_groups = w->nr_tasks = nr;
	info->nr_tasks = nr;
	info->duration_ns = w->duration_ns;
	ret = 0;
out:
	free(tasks);
	free(tab.a);
	return ret;
}

int sim_replay_load(const char *path, struct sim_workload *w, struct sim_replay_info *info,
		    char *err, size_t errlen)
{
	struct cland_trace t;
	char msg[512];
	int ret;

	memset(w, 0, sizeof(*w));
	if (cland_trace_load(path, &t, err, errlen))
		return -1;
	ret = sim_replay_build(&t, w, info, msg, sizeof(msg));
	if (ret)
		snprintf(err, errlen, "%s: %s", path, msg);
	cland_trace_free(&t);
	return ret;
}

bool sim_replay_is_trace(const char *path)
{
	char magic[8] = {0};
	FILE *f = fopen(path, "rb");
	bool ret;

	if (!f)
		return false;
	ret = fread(magic, 1, sizeof(magic), f) == sizeof(magic) &&
	      !memcmp(magic, CLAND_TRACE_MAGIC, sizeof(magic));
	fclose(f);
	return ret;
}
