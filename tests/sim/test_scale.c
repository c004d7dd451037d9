// SPDX-License-Identifier: GPL-2.0
/*
 * test_scale.c - the simulator scales: its data structures give the answers
 * of the linear scans they replace, and the work they do (struct sim.work:
 * heap levels, tree nodes, bitmap words, lanes and CPUs looked at, counted
 * by the structures themselves) grows as log(n), not n.
 *
 *  - the dispatch queues (sim/dsq.c) against a reference sorted list with a
 *    first-allowed scan, with pinned and unpinned tasks, and their work per
 *    operation at 1k and 100k queued tasks;
 *  - the tournament trees (sim/cputree.c) against brute force, percentiles
 *    by selection (sim/metrics.c) against a sort;
 *  - whole simulations: work per decision at 1k and 100k tasks, 8 and 1024
 *    CPUs, with every policy.
 *
 * Work is counted, never timed: the figures in time are cland-sim --bench's.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine.h"
#include "metrics.h"
#include "policy.h"
#include "prng.h"
#include "sim.h"
#include "workload.h"

#define NSEC_PER_MSEC 1000000ULL

/* ---- dispatch queues against a reference ------------------------------ */

struct ref_ent {
	uint64_t deadline;
	uint64_t seq;
	int task;
};

/* A reference queue: unsorted, searched in full (the obvious O(n) way). */
struct ref_dsq {
	struct ref_ent *e;
	int nr;
};

static int ref_take(struct sim *s, struct ref_dsq *q, int cpu)
{
	int i, best = -1, task;

	for (i = 0; i < q->nr; i++) {
		const struct ref_ent *e = &q->e[i];

		if (!sim_cpu_allowed(sim_task_group(s, &s->tasks[e->task])->cpus, cpu))
			continue;
		if (best < 0 || e->deadline < q->e[best].deadline ||
		    (e->deadline == q->e[best].deadline && e->seq < q->e[best].seq))
			best = i;
	}
	if (best < 0)
		return -1;
	task = q->e[best].task;
	q->e[best] = q->e[--q->nr];
	return task;
}

/*
 * A struct sim with @nr_cpus CPUs and @nr_tasks tasks in four groups: all
 * CPUs, CPU 1 only, the even CPUs, and all CPUs listed (not pinned).
 */
static void fake_sim(struct sim *s, struct sim_workload *w, int nr_cpus, int nr_tasks)
{
	int g, cpu, i;

	memset(s, 0, sizeof(*s));
	memset(w, 0, sizeof(*w));
	w->nr_cpus = nr_cpus;
	w->nr_groups = 4;
	w->nr_tasks = nr_tasks;
	w->groups = calloc(4, sizeof(*w->groups));
	assert_non_null(w->groups);
	for (g = 0; g < 4; g++) {
		struct sim_group *gr = &w->groups[g];

		snprintf(gr->name, sizeof(gr->name), "g%d", g);
		for (cpu = 0; cpu < nr_cpus; cpu++) {
			if (g == 0 || g == 3 || (g == 1 && cpu == 1) || (g == 2 && cpu % 2 == 0))
				gr->cpus[cpu / 64] |= 1ULL << (cpu % 64);
		}
		gr->pinned = g == 1 || g == 2;
	}
	s->w = w;
	s->nr_tasks = nr_tasks;
	s->tasks = calloc((size_t)nr_tasks, sizeof(*s->tasks));
	assert_non_null(s->tasks);
	for (i = 0; i < nr_tasks; i++)
		s->tasks[i].group = i % 7 == 0 ? 1 : i % 5 == 0 ? 2 : i % 3 == 0 ? 3 : 0;
	assert_int_equal(sim_dsq_alloc(s), 0);
}

/* sim_dsq_insert() as sim_insert_dsq() does it: the task knows its entry (else it is stale). */
static int insert(struct sim *s, int id, int task, uint64_t deadline)
{
	s->tasks[task].state = SIM_T_DSQ;
	s->tasks[task].dsq = id;
	s->tasks[task].dsq_seq = s->dsq_seq;
	return sim_dsq_insert(s, id, task, deadline);
}

static void fake_free(struct sim *s, struct sim_workload *w)
{
	sim_dsq_free(s);
	free(s->tasks);
	free(w->groups);
}

/* Random inserts and takes on the shared queue and one CPU's: same answers as the reference. */
static void test_dsq_matches_reference(void **state)
{
	struct ref_dsq ref[2] = {{0}};
	int nr_tasks = 3000, ids[2] = {SIM_SHARED, 2}, i, n;
	uint64_t rng = 42;
	struct sim_workload w;
	struct sim s;
	bool *queued;

	fake_sim(&s, &w, 4, nr_tasks);
	queued = calloc((size_t)nr_tasks, sizeof(*queued));
	ref[0].e = calloc((size_t)nr_tasks, sizeof(*ref[0].e));
	ref[1].e = calloc((size_t)nr_tasks, sizeof(*ref[1].e));
	assert_true(queued && ref[0].e && ref[1].e);
	for (n = 0; n < 200000; n++) {
		uint64_t r = sim_prng_next(&rng);
		int q = r & 1, cpu = (int)((r >> 8) % 4),
		    task = (int)((r >> 16) % (uint64_t)nr_tasks);
		/* few distinct deadlines: many ties, which must come out FIFO */
		uint64_t deadline = (r >> 40) % 64;

		if ((r >> 4) % 8 < 5) {
			const struct sim_group *g = sim_task_group(&s, &s.tasks[task]);

			/* a per-CPU queue only gets tasks allowed there (others are bounced) */
			if (queued[task] || (q && !sim_cpu_allowed(g->cpus, ids[1])))
				continue;
			queued[task] = true;
			ref[q].e[ref[q].nr++] = (struct ref_ent){deadline, s.dsq_seq, task};
			assert_int_equal(insert(&s, ids[q], task, deadline), 0);
		} else {
			int want = ref_take(&s, &ref[q], q ? ids[1] : cpu);
			int got = sim_dsq_take(&s, ids[q], q ? ids[1] : cpu);

			assert_int_equal(got, want);
			if (got >= 0)
				queued[got] = false;
		}
		assert_int_equal(sim_dsq_of(&s, ids[q])->nr, ref[q].nr);
	}
	for (i = 0; i < 2; i++)
		free(ref[i].e);
	free(queued);
	fake_free(&s, &w);
}

/*
 * Work per operation with @n tasks queued, in steady state: take the first
 * task, insert it back with a later deadline.
 */
static double dsq_work_per_op(int n)
{
	uint64_t rng = 7, work;
	struct sim_workload w;
	struct sim s;
	int i, ops = 200000;

	fake_sim(&s, &w, 8, n);
	for (i = 0; i < n; i++) {
		s.tasks[i].group = 0;
		assert_int_equal(insert(&s, SIM_SHARED, i, sim_prng_next(&rng) % 1000000), 0);
	}
	work = s.work;
	for (i = 0; i < ops; i++) {
		int task = sim_dsq_take(&s, SIM_SHARED, i % 8);
		uint64_t now = 1000000 + (uint64_t)i * 10;

		assert_true(task >= 0);
		assert_int_equal(insert(&s, SIM_SHARED, task, now + sim_prng_next(&rng) % 1000000),
				 0);
	}
	work = s.work - work;
	fake_free(&s, &w);
	return (double)work / (2.0 * ops);
}

static void test_dsq_work_logarithmic(void **state)
{
	double small = dsq_work_per_op(1000), big = dsq_work_per_op(100000);

	print_message("dsq: %.2f steps per operation at 1k tasks, %.2f at 100k\n", small, big);
	/* a heap: at most ~log2(n) levels per insert or take */
	assert_true(small <= 2 * log2(1000));
	assert_true(big <= 2 * log2(100000));
	/* a sorted array would move ~n/2 entries: 50000 here */
	assert_true(big <= 2.5 * small);
}

/* ---- tournament trees against brute force ----------------------------- */

static int brute_best(const uint64_t *key, const bool *on, int nr, bool latest)
{
	int cpu, best = -1;

	for (cpu = 0; cpu < nr; cpu++) {
		if (!on[cpu])
			continue;
		if (best < 0 ||
		    (latest ? (int64_t)(key[cpu] - key[best]) > 0 : key[cpu] < key[best]))
			best = cpu;
	}
	return best;
}

static void cputree_against_brute(int nr_cpus, bool latest)
{
	struct sim_workload w = {.nr_cpus = nr_cpus};
	struct sim s = {.w = &w};
	struct sim_cputree t;
	uint64_t key[1024], rng = (uint64_t)nr_cpus, work;
	bool on[1024] = {false};
	int n;

	assert_int_equal(sim_cputree_alloc(&s, &t, latest), 0);
	for (n = 0; n < 20000; n++) {
		uint64_t r = sim_prng_next(&rng);
		int cpu = (int)(r % (uint64_t)nr_cpus);

		work = s.work;
		if ((r >> 20) % 4 == 0) {
			on[cpu] = false;
			sim_cputree_clear(&s, &t, cpu);
		} else {
			on[cpu] = true;
			key[cpu] = (r >> 32) % 16; /* ties */
			sim_cputree_set(&s, &t, cpu, key[cpu]);
		}
		/* one leaf-to-root path at most */
		assert_true(s.work - work <= (uint64_t)log2(t.leaves) + 1);
		assert_int_equal(sim_cputree_best(&t), brute_best(key, on, nr_cpus, latest));
	}
	sim_cputree_free(&t);
}

static void test_cputree_matches_brute_force(void **state)
{
	static const int sizes[] = {1, 2, 3, 8, 65, 256, 1000, 1024};
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
		cputree_against_brute(sizes[i], false);
		cputree_against_brute(sizes[i], true);
	}
}

/* ---- percentiles by selection against a sort --------------------------- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void test_percentile_matches_sort(void **state)
{
	static const unsigned int pcts[] = {0, 1, 50, 99, 100};
	uint64_t v[300], sorted[300], rng = 3;
	size_t n, i, p;

	for (n = 1; n <= 300; n++) {
		/* values from a range of 1, 4, ... 256: all equal, many ties, few */
		uint64_t range = 1ULL << (2 * (n % 5));

		for (i = 0; i < n; i++)
			v[i] = sorted[i] = sim_prng_next(&rng) % range;
		qsort(sorted, n, sizeof(*sorted), cmp_u64);
		for (p = 0; p < sizeof(pcts) / sizeof(*pcts); p++) {
			size_t rank = (pcts[p] * n + 99) / 100;

			assert_int_equal(sim_percentile(v, n, pcts[p]),
					 sorted[rank ? rank - 1 : 0]);
		}
		/* reordered, not changed */
		qsort(v, n, sizeof(*v), cmp_u64);
		assert_memory_equal(v, sorted, n * sizeof(*v));
	}
	assert_int_equal(sim_percentile(v, 0, 50), 0);
}

/* ---- whole simulations ------------------------------------------------- */

/*
 * Work per decision simulating @nr_tasks tasks on @nr_cpus CPUs for 300 ms
 * under @pol: CPU hogs and a quarter as many chatty tasks (200 us run, 800 us
 * sleep), the shape of sim/workloads/busy-*.json.
 */
static double sim_work_per_decision(const struct cland_policy *pol, int nr_cpus, int nr_tasks)
{
	struct sim_config cfg = {.policy = pol,
				 .seed = 1,
				 .rtt_ns = 50000,
				 .slice_ns = 20 * NSEC_PER_MSEC,
				 .slice_min_ns = NSEC_PER_MSEC};
	struct sim_workload w;
	struct sim_result r;
	char json[512], err[512] = "";
	uint64_t events;
	double per;

	snprintf(json, sizeof(json),
		 "{\"cpus\": %d, \"duration_ms\": 300, \"groups\": ["
		 "{\"name\": \"hog\", \"count\": %d, \"run_us\": 100000000, \"sleep_us\": 0},"
		 "{\"name\": \"chatty\", \"count\": %d, \"run_us\": 200, \"sleep_us\": 800}]}",
		 nr_cpus, nr_tasks * 4 / 5, nr_tasks / 5);
	assert_int_equal(sim_workload_parse(json, "scale", &w, err, sizeof(err)), 0);
	if (sim_run(&w, &cfg, &r, err, sizeof(err)))
		fail_msg("sim_run(%s): %s", pol->name, err);
	assert_true(r.counters.nr_decisions >= (uint64_t)nr_tasks);
	/* a task placed: by a decision, a requeue in BPF, a standing decision or on an idle CPU */
	events = r.counters.nr_decisions + r.counters.nr_requeued +
		 r.counters.nr_kernel_dispatches + r.counters.nr_standing;
	per = (double)r.work / (double)events;
	print_message("%s, %d CPUs, %d tasks: %llu decisions, %llu tasks placed, %.1f steps per "
		      "task placed\n",
		      pol->name, nr_cpus, nr_tasks, (unsigned long long)r.counters.nr_decisions,
		      (unsigned long long)events, per);
	sim_result_free(&r);
	sim_workload_free(&w);
	return per;
}

/*
 * At most a few steps per level of a heap of the tasks and of a tree of the
 * CPUs: a scan of the queued tasks or of the CPUs per decision is thousands.
 */
static double bound(int nr_cpus, int nr_tasks)
{
	return 6 * (log2(nr_tasks) + log2(nr_cpus));
}

static void test_sim_work_logarithmic_in_tasks(void **state)
{
	const struct cland_policy *const *p;

	for (p = cland_policies; *p; p++) {
		double small = sim_work_per_decision(*p, 256, 1000);
		double big = sim_work_per_decision(*p, 256, 100000);

		assert_true(small <= bound(256, 1000));
		assert_true(big <= bound(256, 100000));
		assert_true(big <= 2.5 * small);
	}
}

static void test_sim_work_logarithmic_in_cpus(void **state)
{
	const struct cland_policy *const *p;

	for (p = cland_policies; *p; p++) {
		double small = sim_work_per_decision(*p, 8, 10000);
		double big = sim_work_per_decision(*p, 1024, 10000);

		assert_true(small <= bound(8, 10000));
		assert_true(big <= bound(1024, 10000));
		/* log2(1024) / log2(8) = 3.3; a scan of the CPUs would be 128 times */
		assert_true(big <= 5 * small);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dsq_matches_reference),
		cmocka_unit_test(test_dsq_work_logarithmic),
		cmocka_unit_test(test_cputree_matches_brute_force),
		cmocka_unit_test(test_percentile_matches_sort),
		cmocka_unit_test(test_sim_work_logarithmic_in_tasks),
		cmocka_unit_test(test_sim_work_logarithmic_in_cpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
