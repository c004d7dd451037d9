// SPDX-License-Identifier: GPL-2.0
/*
 * fixture.c - the policy unit tests' shared fixture: mock host, task
 * builder, helpers, one-CPU simulation and common checks (fixture.h).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"
#include "heap.h"
#include "random.h"
#include "task_queue.h"

const struct cland_policy_cfg fixture_cfg = {.slice_ns = SLICE_NS, .slice_min_ns = SLICE_MIN_NS};

static int mock_claim_idle_cpu(void *be, int32_t pid, int32_t prev_cpu)
{
	struct mock_be *m = be;

	m->calls++;
	m->pid = pid;
	m->prev_cpu = prev_cpu;
	return m->ret;
}

static uint64_t mock_now(void *be)
{
	return ((struct mock_be *)be)->now;
}

/* The daemon's generator and seed (lib/random.h). */
static uint64_t mock_random(void *be)
{
	return cland_random_next(&((struct mock_be *)be)->random);
}

struct fixture *fixture_new(const struct cland_policy *pol, int nr_cpus)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->pol = pol;
	f->ctx = calloc(1, pol->ctx_size);
	if (!f->ctx) {
		free(f);
		return NULL;
	}
	f->be.ret = -EBUSY;
	f->be.now = 1000 * NSEC_PER_MSEC;
	f->host.be = &f->be;
	f->host.claim_idle_cpu = mock_claim_idle_cpu;
	f->host.now = mock_now;
	f->host.nr_cpus = nr_cpus;
	f->host.random = mock_random;
	f->be.random = CLAND_HOST_SEED;
	if (pol->init(f->ctx, &fixture_cfg, &f->host)) {
		free(f->ctx);
		free(f);
		return NULL;
	}
	return f;
}

void fixture_free(struct fixture *f)
{
	f->pol->exit(f->ctx);
	free(f->ctx);
	free(f);
}

int fixture_setup(void **state, const struct cland_policy *pol)
{
	*state = fixture_new(pol, 4);
	return *state ? 0 : -1;
}

int fixture_teardown(void **state)
{
	cland_heap_fail_grow = false; /* a failed check may leave it set */
	fixture_free(*state);
	return 0;
}

cland_task_t make_task(int32_t pid, uint64_t vtime, uint64_t exec_runtime)
{
	cland_task_t t;

	memset(&t, 0, sizeof(t));
	t.pid = pid;
	t.cpu = pid % 4;
	t.weight = WEIGHT_NICE_0;
	t.vtime = vtime;
	t.exec_runtime = exec_runtime;
	t.gen = 1000 + (uint64_t)pid;
	t.nr_cpus_allowed = 4;
	return t;
}

cland_task_t make_waking(int32_t pid, uint64_t vtime)
{
	cland_task_t t = make_task(pid, vtime, 0);

	t.flags = CLAND_TASK_WAKEUP;
	return t;
}

void enqueue(struct fixture *f, const cland_task_t *t)
{
	f->pol->enqueue(f->ctx, t);
}

struct cland_decision dispatch(struct fixture *f)
{
	struct cland_decision d;

	assert_true(f->pol->dispatch(f->ctx, &d));
	if (f->check)
		f->check(&d);
	return d;
}

uint64_t pending(struct fixture *f)
{
	return f->pol->nr_pending(f->ctx);
}

uint64_t placed(struct fixture *f, const cland_task_t *t)
{
	enqueue(f, t);
	return dispatch(f).vtime;
}

/*
 * Move the virtual clock (policies/fair_clock.h) of a fresh "deadline" or
 * "vruntime" policy from 0 to @v: a task alone (1 runnable, a fair slice of
 * SLICE_NS) runs @v ns, SLICE_NS at a time (the clock's largest step).
 */
void advance_vclock(struct fixture *f, uint64_t v)
{
	cland_task_t t = make_task(999, 0, 0);
	uint64_t left = v;

	t.nr_runnable = 1;
	while (left) {
		uint64_t run = left < SLICE_NS ? left : SLICE_NS;

		t.start_ts = t.stop_ts;
		t.stop_ts += run;
		t.vtime = placed(f, &t);
		left -= run;
	}
	assert_int_equal(pending(f), 0);
}

/*
 * Move the clock of a fresh "deadline" or "vruntime" policy at the fair
 * rate, each run scaled by the inverse of its task's weight over the tasks
 * runnable: among 4 runnable tasks on the fixture's 4 CPUs (a fair slice of
 * SLICE_NS), 8 runs of 4 slices at nice 0 (a slice each on the clock, its
 * largest step), then one of a slice at nice 5 (about 3 of vruntime, 0.75
 * on the clock). Returns where the clock then is.
 */
uint64_t run_at_fair_rate(struct fixture *f)
{
	cland_task_t t = make_task(1, 0, 0);
	int i;

	t.nr_runnable = 4;
	t.stop_ts = 4 * SLICE_NS;
	for (i = 0; i < 8; i++)
		t.vtime = placed(f, &t);
	t.weight = WEIGHT_NICE_5;
	t.stop_ts = SLICE_NS;
	placed(f, &t);
	return 8 * SLICE_NS + SLICE_NS * 100 / WEIGHT_NICE_5 / 4;
}

/*
 * What a run of @ran ns costs a task of @weight in vruntime under "deadline"
 * or "vruntime": the task is at @v, near the clock, one of 4 runnable tasks
 * on the fixture's 4 CPUs (a fair slice of SLICE_NS; the clock moves by a
 * quarter of the charge): neither floored nor capped while the charges stay
 * under a fair slice.
 */
uint64_t charged(struct fixture *f, uint64_t v, uint64_t weight, uint64_t ran)
{
	cland_task_t t = make_task(1, v, 0);

	t.weight = weight;
	t.nr_runnable = 4;
	t.start_ts = 7 * SLICE_NS;
	t.stop_ts = t.start_ts + ran;
	return placed(f, &t) - v;
}

/* advance_vclock() under "deadline", checked: a task that never ran is placed at @v - F. */
void set_vclock(struct fixture *f, uint64_t v)
{
	cland_task_t fresh = make_task(998, 0, 0);

	advance_vclock(f, v);
	fresh.nr_runnable = 1;
	assert_int_equal(placed(f, &fresh), v > SLICE_NS ? v - SLICE_NS : 0);
}

void simulate(struct fixture *f, const uint64_t *weight, const bool *sleeps, uint64_t burst,
	      uint64_t *ran, int nr, uint64_t duration)
{
	cland_task_t t[8];
	uint64_t now = 0;
	int i;

	assert_true(nr <= 8);
	for (i = 0; i < nr; i++) {
		t[i] = make_task(i + 1, 0, 0);
		t[i].weight = weight[i];
		t[i].nr_runnable = (uint64_t)nr; /* as the backend counts them */
		ran[i] = 0;
		enqueue(f, &t[i]);
	}
	while (now < duration) {
		struct cland_decision d = dispatch(f);
		uint64_t run = d.slice;

		i = d.pid - 1;
		assert_in_range(i, 0, nr - 1);
		assert_int_equal(d.gen, t[i].gen);
		if (sleeps && sleeps[i] && run > burst)
			run = burst;
		t[i].vtime = d.vtime;
		t[i].start_ts = now;
		now += run;
		t[i].stop_ts = now;
		t[i].exec_runtime += run;
		t[i].flags = 0;
		if (sleeps && sleeps[i]) {
			t[i].flags = CLAND_TASK_WAKEUP;
			t[i].exec_runtime = 0;
		}
		t[i].gen++;
		ran[i] += run;
		enqueue(f, &t[i]);
	}
}

void assert_ratio(double got, double want)
{
	if (got < want * 0.95 || got > want * 1.05)
		fail_msg("CPU share ratio %.3f, expected %.3f +- 5%%", got, want);
}

void check_init_rejects_bad_cfg(const struct cland_policy *pol)
{
	struct cland_policy_cfg zero_min = {.slice_ns = SLICE_NS, .slice_min_ns = 0};
	struct cland_policy_cfg min_gt_max = {.slice_ns = SLICE_MIN_NS, .slice_min_ns = SLICE_NS};
	void *ctx = calloc(1, pol->ctx_size);

	assert_non_null(ctx);
	assert_int_equal(pol->init(ctx, NULL, NULL), -EINVAL);
	pol->exit(ctx); /* safe after a failed init */
	assert_int_equal(pol->init(ctx, &zero_min, NULL), -EINVAL);
	pol->exit(ctx);
	assert_int_equal(pol->init(ctx, &min_gt_max, NULL), -EINVAL);
	pol->exit(ctx);
	pol->exit(ctx); /* and twice */
	free(ctx);
}

void check_slice_shrinks_with_runnable(struct fixture *f)
{
	static const struct {
		uint64_t nr_runnable, slice;
	} cases[] = {
		{0, SLICE_NS}, /* not reported: alone */
		{1, SLICE_NS},
		{4, SLICE_NS},		     /* as many as CPUs: all of it */
		{5, SLICE_NS / 6 * 4 / 5},   /* one more: a sixth, shared (2.67 ms) */
		{8, SLICE_NS / 6 / 2},	     /* 1.67 ms */
		{13, SLICE_NS / 6 * 4 / 13}, /* 1.03 ms */
		{14, SLICE_MIN_NS},	     /* 0.95 ms: at least the minimum */
		{10000, SLICE_MIN_NS},
	};
	int32_t pid;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cland_task_t t = make_task(1, 0, 0);

		t.nr_runnable = cases[i].nr_runnable;
		enqueue(f, &t);
		assert_int_equal(dispatch(f).slice, cases[i].slice);
	}
	/* held by the policy or not, the same slice */
	for (pid = 1; pid <= 10; pid++) {
		cland_task_t t = make_task(pid, 0, 0);

		t.nr_runnable = 8;
		enqueue(f, &t);
	}
	for (pid = 1; pid <= 10; pid++)
		assert_int_equal(dispatch(f).slice, SLICE_NS / 6 / 2);
	/* a CPU hog (a whole slice_ns since it last slept) keeps all of slice_ns shared */
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cland_task_t t = make_task(1, 0, SLICE_NS);
		uint64_t nr = cases[i].nr_runnable, want = SLICE_NS;

		if (nr > 4)
			want = SLICE_NS * 4 / nr > SLICE_MIN_NS ? SLICE_NS * 4 / nr : SLICE_MIN_NS;
		t.nr_runnable = nr;
		enqueue(f, &t);
		assert_int_equal(dispatch(f).slice, want);
	}
}

void check_backend_places_tasks(struct fixture *f)
{
	cland_task_t t = make_task(42, 0, 0);
	int i;

	f->be.ret = 3; /* an idle CPU to claim, were the policy to ask */
	for (i = 0; i < 3; i++) {
		t.cpu = i;
		t.nr_cpus_allowed = i ? 4 : 1;
		enqueue(f, &t);
		assert_int_equal(dispatch(f).cpu, CLAND_CPU_ANY);
	}
	assert_int_equal(f->be.calls, 0);
}

void check_no_claim_idle_cpu_in_host(const struct cland_policy *pol)
{
	struct cland_host host = {.nr_cpus = 1};
	cland_task_t t = make_task(7, 0, 0);
	struct cland_decision d;
	void *ctx = calloc(1, pol->ctx_size);

	assert_non_null(ctx);
	assert_int_equal(pol->init(ctx, &fixture_cfg, &host), 0);
	pol->enqueue(ctx, &t);
	assert_true(pol->dispatch(ctx, &d));
	assert_int_equal(d.cpu, CLAND_CPU_ANY);
	pol->exit(ctx);

	/* no host at all */
	assert_int_equal(pol->init(ctx, &fixture_cfg, NULL), 0);
	pol->enqueue(ctx, &t);
	assert_true(pol->dispatch(ctx, &d));
	assert_int_equal(d.cpu, CLAND_CPU_ANY);
	pol->exit(ctx);
	free(ctx);
}

void check_generation_echoed(struct fixture *f)
{
	cland_task_t a = make_task(5, 0, 0), b = make_task(6, 0, 0);
	struct cland_decision d;

	a.gen = 0xdeadbeefcafeULL;
	b.gen = 0;
	enqueue(f, &a);
	enqueue(f, &b);
	d = dispatch(f);
	assert_int_equal(d.pid, 5);
	assert_true(d.gen == 0xdeadbeefcafeULL);
	d = dispatch(f);
	assert_int_equal(d.pid, 6);
	assert_int_equal(d.gen, 0);
}

void check_pending_counts(struct fixture *f)
{
	int32_t pid;

	for (pid = 1; pid <= 10; pid++) {
		cland_task_t t = make_task(pid, 0, 0);

		enqueue(f, &t);
		assert_int_equal(pending(f), (uint64_t)pid);
	}
	for (pid = 9; pid >= 0; pid--) {
		dispatch(f);
		assert_int_equal(pending(f), (uint64_t)pid);
	}
}

/* Tasks 1..@nr, mixed keys, enqueued while heap growth fails. */
static void enqueue_without_memory(struct fixture *f, int nr)
{
	int32_t pid;

	cland_heap_fail_grow = true;
	for (pid = 1; pid <= nr; pid++) {
		cland_task_t t = make_task(pid, (uint64_t)((pid * 7919) % 1000) * 1000, 0);

		enqueue(f, &t);
	}
	cland_heap_fail_grow = false;
}

/*
 * Dispatch everything: each of tasks 1..@nr at most once, its generation
 * echoed; the first @first come from beyond the queue's capacity. Returns how
 * many were dispatched.
 */
static int dispatch_all_once(struct fixture *f, int nr, int first)
{
	unsigned char *seen = calloc((size_t)nr + 1, 1);
	struct cland_decision d;
	int n = 0;

	assert_non_null(seen);
	while (f->pol->dispatch(f->ctx, &d)) {
		if (f->check)
			f->check(&d);
		assert_in_range(d.pid, 1, nr);
		assert_int_equal(seen[d.pid], 0);
		seen[d.pid] = 1;
		assert_int_equal(d.gen, 1000 + (uint64_t)d.pid);
		if (n < first)
			assert_true(d.pid > CLAND_MAX_INFLIGHT);
		n++;
	}
	free(seen);
	return n;
}

void check_no_memory_loses_nothing(struct fixture *f, int extra)
{
	int nr = CLAND_MAX_INFLIGHT + extra;
	struct cland_policy_stats ps;

	assert_true(extra <= TASK_QUEUE_RESERVE);
	enqueue_without_memory(f, nr);
	assert_int_equal(pending(f), nr);
	cland_policy_read_stats(f->pol, f->ctx, &ps);
	assert_int_equal(ps.nr_overflows, extra);
	assert_int_equal(ps.nr_dropped, 0);
	/* those the queue had no room for run at once, then the others */
	assert_int_equal(dispatch_all_once(f, nr, extra), nr);
	assert_int_equal(pending(f), 0);
}

void check_no_memory_drops_counted(struct fixture *f)
{
	int lost = 5, nr = CLAND_MAX_INFLIGHT + TASK_QUEUE_RESERVE + lost;
	struct cland_policy_stats ps;

	enqueue_without_memory(f, nr);
	assert_int_equal(pending(f), nr - lost);
	cland_policy_read_stats(f->pol, f->ctx, &ps);
	assert_int_equal(ps.nr_overflows, TASK_QUEUE_RESERVE);
	assert_int_equal(ps.nr_dropped, lost);
	assert_int_equal(dispatch_all_once(f, nr, TASK_QUEUE_RESERVE), nr - lost);
}
