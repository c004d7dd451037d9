// SPDX-License-Identifier: GPL-2.0
/*
 * reqwork - guest tool of `make bench`: a request/worker server model. One
 * dispatcher thread hands requests to N worker threads; each request is a
 * fixed CPU burst, then a reply to the dispatcher.
 *
 * Usage: reqwork [-w WORKERS] [-b BURST_US] [-d SECONDS] [-o OUTSTANDING]
 *
 *   -w  worker threads, 1 to 4096 (default 2 x online CPUs)
 *   -b  CPU burst per request in us, 1 to 1000000 (default 1000)
 *   -d  duration in seconds, 0.1 to 600 (default 5)
 *   -o  requests in flight at most, 1 to WORKERS (default WORKERS)
 *
 * The model. The dispatcher (the main thread) keeps a FIFO of idle workers.
 * It hands a request to the idle worker at its head while fewer than
 * OUTSTANDING requests are in flight, then sleeps until replies come; each
 * reply puts its worker at the tail of the FIFO and the next request goes
 * out at once. With OUTSTANDING = WORKERS (the default) every worker is busy
 * but for the round trip through the dispatcher; with fewer, the requests
 * rotate over all the workers, so most hand-outs wake a sleeping thread.
 * After SECONDS no new request goes out; the ones in flight are waited for.
 *
 * Hand-off: a pthread mutex and condition variable per worker (requests)
 * and one pair for the dispatcher (replies): futexes underneath, the way
 * thread-pool servers usually sleep and wake, so every wake-up is a futex
 * wake through the scheduler.
 *
 * The burst is a fixed amount of work: a loop whose iteration count is
 * calibrated at start on the thread's CPU clock (CLOCK_THREAD_CPUTIME_ID, so
 * preemption during calibration does not skew it) to take BURST_US of CPU
 * time. A preempted burst is not shortened; it only ends later.
 *
 * Measures (CLOCK_MONOTONIC): request latency, from the dispatcher handing a
 * request out to the dispatcher seeing its reply; wake-up latency, from the
 * dispatcher's signal to the worker running after its wait (only hand-outs
 * that found the worker asleep count). Samples go into arrays allocated and
 * touched before the run (no allocation in the measured loop; the run ends
 * early should they fill up); percentiles by nearest rank after sorting. One
 * line on stdout:
 *
 *   requests_s=R req_p50_us=U req_p99_us=U wake_p50_us=U wake_p99_us=U
 *   samples=N wake_samples=N seconds=S workers=W outstanding=O burst_us=B
 *   burst_iters=I
 *
 * (one line; wake_p50_us and wake_p99_us are "-" without wake samples).
 *
 * Exit: 0; 1 on a system call failure; 2 on bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS  4096
#define MAX_SAMPLES  (4u << 20)
#define CALIB_TRIALS 5
#define CALIB_MIN_NS 5000000ull /* CPU time of one calibration trial */

enum slot_state {
	SLOT_IDLE,
	SLOT_REQUEST,
	SLOT_QUIT,
};

struct worker {
	pthread_mutex_t lock;
	pthread_cond_t cv;
	enum slot_state state; /* under lock */
	uint64_t t_signal;     /* ns, under lock: when the request was handed out */
	uint64_t t_sent;       /* the dispatcher's copy */
	int id;
	pthread_t tid;
	struct server *srv;
} __attribute__((aligned(64)));

struct server {
	int nworkers, outstanding, burst_us;
	double seconds;
	long fixed_iters;    /* -i: the burst's loop iterations, not calibrated (0: calibrate) */
	bool calibrate_only; /* -c: print the calibrated iterations and exit */
	uint64_t iters;	     /* of the burst loop */
	struct worker *w;
	/* replies: worker ids, under lock */
	pthread_mutex_t lock;
	pthread_cond_t cv;
	int *replies;
	unsigned int nreplies;
	/* samples, ns */
	uint64_t *req, *wake;
	unsigned long nreq, cap;
	unsigned long nwake; /* atomic */
};

static volatile uint64_t sink;

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static uint64_t now(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/* The burst: @n rounds of xorshift the compiler cannot fold. */
static void burn(uint64_t n)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;

	while (n--) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		__asm__ volatile("" : "+r"(x));
	}
	sink = x;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Iterations of burn() per CPU us: the median of CALIB_TRIALS trials. */
static double calibrate(void)
{
	uint64_t n = 1000, t0, dt = 0;
	double rate[CALIB_TRIALS], tmp;
	int i, j;

	for (; n < (1ull << 40); n *= 2) {
		t0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
		burn(n);
		dt = clock_ns(CLOCK_THREAD_CPUTIME_ID) - t0;
		if (dt >= CALIB_MIN_NS)
			break;
	}
	for (i = 0; i < CALIB_TRIALS; i++) {
		t0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
		burn(n);
		dt = clock_ns(CLOCK_THREAD_CPUTIME_ID) - t0;
		rate[i] = (double)n / (dt ? dt : 1) * 1000;
		for (j = i; j > 0 && rate[j] < rate[j - 1]; j--) {
			tmp = rate[j];
			rate[j] = rate[j - 1];
			rate[j - 1] = tmp;
		}
	}
	return rate[CALIB_TRIALS / 2];
}

/* Wait for a request; false when told to quit. */
static bool next_request(struct worker *w)
{
	struct server *s = w->srv;
	bool waited = false;
	uint64_t t, ts;
	enum slot_state st;

	pthread_mutex_lock(&w->lock);
	while (w->state == SLOT_IDLE) {
		pthread_cond_wait(&w->cv, &w->lock);
		waited = true;
	}
	t = now();
	st = w->state;
	ts = w->t_signal;
	if (st == SLOT_REQUEST)
		w->state = SLOT_IDLE;
	pthread_mutex_unlock(&w->lock);
	if (st == SLOT_QUIT)
		return false;
	if (waited) {
		unsigned long i = __atomic_fetch_add(&s->nwake, 1, __ATOMIC_RELAXED);

		if (i < s->cap)
			s->wake[i] = t - ts;
	}
	return true;
}

static void reply(struct server *s, int id)
{
	pthread_mutex_lock(&s->lock);
	s->replies[s->nreplies++] = id;
	pthread_mutex_unlock(&s->lock);
	pthread_cond_signal(&s->cv);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	while (next_request(w)) {
		burn(w->srv->iters);
		reply(w->srv, w->id);
	}
	return NULL;
}

/* Hand a request (or SLOT_QUIT) to @w; the signal follows its time stamp. */
static void hand(struct worker *w, enum slot_state what)
{
	uint64_t t;

	pthread_mutex_lock(&w->lock);
	w->state = what;
	t = now();
	w->t_signal = t;
	pthread_mutex_unlock(&w->lock);
	pthread_cond_signal(&w->cv);
	w->t_sent = t;
}

/* Wait for replies; move their ids to @ids. Returns how many. */
static unsigned int wait_replies(struct server *s, int *ids)
{
	unsigned int n;

	pthread_mutex_lock(&s->lock);
	while (!s->nreplies)
		pthread_cond_wait(&s->cv, &s->lock);
	n = s->nreplies;
	memcpy(ids, s->replies, n * sizeof(*ids));
	s->nreplies = 0;
	pthread_mutex_unlock(&s->lock);
	return n;
}

/*
 * The dispatcher's loop (see the model at the top); @fifo and @ids have room
 * for every worker. Returns the elapsed ns, from the first hand-out to the
 * last reply.
 */
static uint64_t dispatch(struct server *s, int *fifo, int *ids)
{
	int nw = s->nworkers, head = 0, nidle = nw, inflight = 0;
	uint64_t start = now(), end = start, deadline, t;
	unsigned long sent = 0;
	bool stopping = false;
	unsigned int i, n;

	deadline = start + (uint64_t)(s->seconds * 1e9);
	for (;;) {
		while (!stopping && inflight < s->outstanding && nidle && sent < s->cap) {
			hand(&s->w[fifo[head]], SLOT_REQUEST);
			head = (head + 1) % nw;
			nidle--;
			inflight++;
			sent++;
		}
		if (!inflight)
			break;
		n = wait_replies(s, ids);
		t = now();
		for (i = 0; i < n; i++) {
			s->req[s->nreq++] = t - s->w[ids[i]].t_sent;
			fifo[(head + nidle++) % nw] = ids[i];
			inflight--;
		}
		end = t;
		stopping = stopping || t >= deadline || sent >= s->cap;
	}
	return end - start;
}

/* Nearest-rank percentile of the @n sorted values @v, in us. */
static double pct_us(const uint64_t *v, unsigned long n, double pct)
{
	unsigned long rank = (unsigned long)ceil(pct * n / 100);

	if (rank < 1)
		rank = 1;
	return v[rank - 1] / 1000.0;
}

static void report(struct server *s, uint64_t elapsed)
{
	unsigned long nwake = s->nwake < s->cap ? s->nwake : s->cap;
	char w50[32] = "-", w99[32] = "-";

	qsort(s->req, s->nreq, sizeof(*s->req), cmp_u64);
	qsort(s->wake, nwake, sizeof(*s->wake), cmp_u64);
	if (nwake) {
		snprintf(w50, sizeof(w50), "%.1f", pct_us(s->wake, nwake, 50));
		snprintf(w99, sizeof(w99), "%.1f", pct_us(s->wake, nwake, 99));
	}
	printf("requests_s=%.1f req_p50_us=%.1f req_p99_us=%.1f wake_p50_us=%s wake_p99_us=%s "
	       "samples=%lu wake_samples=%lu seconds=%.3f workers=%d outstanding=%d burst_us=%d "
	       "burst_iters=%llu\n",
	       s->nreq / (elapsed / 1e9), pct_us(s->req, s->nreq, 50), pct_us(s->req, s->nreq, 99),
	       w50, w99, s->nreq, nwake, elapsed / 1e9, s->nworkers, s->outstanding, s->burst_us,
	       (unsigned long long)s->iters);
}

static int usage(const char *why)
{
	if (why)
		fprintf(stderr, "reqwork: %s\n", why);
	fprintf(stderr,
		"usage: reqwork [-w WORKERS 1-%d] [-b BURST_US 1-1000000] "
		"[-d SECONDS 0.1-600] [-o OUTSTANDING 1-WORKERS] [-i ITERS] [-c]\n"
		"  -i ITERS  a burst is ITERS loop iterations (not calibrated): the same work\n"
		"            in every run of a comparison, whatever the CPU's speed then\n"
		"  -c        only calibrate: print burst_iters for BURST_US and exit\n",
		MAX_WORKERS);
	return 2;
}

/* A whole number in [lo, hi] from @arg, or -1. */
static long whole(const char *arg, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (!*arg || *end || errno || v < lo || v > hi)
		return -1;
	return v;
}

static int parse_args(int argc, char **argv, struct server *s)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	char *end;
	int c;

	s->nworkers = 2 * (ncpu > 0 ? (int)ncpu : 1);
	s->burst_us = 1000;
	s->seconds = 5;
	s->outstanding = 0;
	while ((c = getopt(argc, argv, "w:b:d:o:i:c")) != -1) {
		switch (c) {
		case 'w':
			s->nworkers = whole(optarg, 1, MAX_WORKERS);
			if (s->nworkers < 0)
				return usage("-w wants a whole number of workers, 1 to 4096");
			break;
		case 'b':
			s->burst_us = whole(optarg, 1, 1000000);
			if (s->burst_us < 0)
				return usage("-b wants the burst in whole us, 1 to 1000000");
			break;
		case 'd':
			s->seconds = strtod(optarg, &end);
			if (!*optarg || *end || !(s->seconds >= 0.1 && s->seconds <= 600))
				return usage("-d wants seconds, 0.1 to 600");
			break;
		case 'o':
			s->outstanding = whole(optarg, 1, MAX_WORKERS);
			if (s->outstanding < 0)
				return usage("-o wants a whole number of requests, at least 1");
			break;
		case 'i':
			s->fixed_iters = whole(optarg, 1, 2000000000);
			if (s->fixed_iters < 0)
				return usage("-i wants the work of a burst in loop iterations, 1 "
					     "to 2e9");
			break;
		case 'c':
			s->calibrate_only = true;
			break;
		default:
			return usage(NULL);
		}
	}
	if (optind != argc)
		return usage("no arguments besides the options");
	if (!s->outstanding)
		s->outstanding = s->nworkers;
	if (s->outstanding > s->nworkers)
		return usage("-o: more requests in flight than workers");
	return 0;
}

/* Sample arrays sized for the run (touched now: no page fault later). */
static int alloc_samples(struct server *s)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	double most = (ncpu > 0 ? ncpu : 1) * s->seconds * 1e6 / s->burst_us;

	most = most * 2 + s->nworkers * 4.0 + 1024;
	s->cap = most < MAX_SAMPLES ? (unsigned long)most : MAX_SAMPLES;
	s->req = calloc(s->cap, sizeof(*s->req));
	s->wake = calloc(s->cap, sizeof(*s->wake));
	s->replies = calloc(s->nworkers, sizeof(*s->replies));
	s->w = aligned_alloc(64, sizeof(*s->w) * s->nworkers);
	if (!s->req || !s->wake || !s->replies || !s->w)
		return -1;
	memset(s->req, 0, s->cap * sizeof(*s->req));
	memset(s->wake, 0, s->cap * sizeof(*s->wake));
	return 0;
}

static int start_workers(struct server *s)
{
	int i, err;

	for (i = 0; i < s->nworkers; i++) {
		struct worker *w = &s->w[i];

		memset(w, 0, sizeof(*w));
		pthread_mutex_init(&w->lock, NULL);
		pthread_cond_init(&w->cv, NULL);
		w->id = i;
		w->srv = s;
		err = pthread_create(&w->tid, NULL, worker_main, w);
		if (err) {
			fprintf(stderr, "reqwork: pthread_create: %s\n", strerror(err));
			return -1;
		}
	}
	return 0;
}

static void stop_workers(struct server *s)
{
	int i;

	for (i = 0; i < s->nworkers; i++)
		hand(&s->w[i], SLOT_QUIT);
	for (i = 0; i < s->nworkers; i++)
		pthread_join(s->w[i].tid, NULL);
}

int main(int argc, char **argv)
{
	struct server s = {0};
	int *fifo, *ids, i;
	uint64_t elapsed;

	if (parse_args(argc, argv, &s))
		return 2;
	pthread_mutex_init(&s.lock, NULL);
	pthread_cond_init(&s.cv, NULL);
	fifo = calloc(s.nworkers, sizeof(*fifo));
	ids = calloc(s.nworkers, sizeof(*ids));
	if (!fifo || !ids || alloc_samples(&s)) {
		fprintf(stderr, "reqwork: out of memory\n");
		return 1;
	}
	s.iters = s.fixed_iters > 0 ? (uint64_t)s.fixed_iters
				    : (uint64_t)(calibrate() * s.burst_us + 0.5);
	if (!s.iters)
		s.iters = 1;
	if (s.calibrate_only) {
		printf("burst_iters=%llu burst_us=%d\n", (unsigned long long)s.iters, s.burst_us);
		return 0;
	}
	for (i = 0; i < s.nworkers; i++)
		fifo[i] = i;
	if (start_workers(&s))
		return 1;
	elapsed = dispatch(&s, fifo, ids);
	stop_workers(&s);
	if (!s.nreq || !elapsed) {
		fprintf(stderr, "reqwork: no request completed\n");
		return 1;
	}
	report(&s, elapsed);
	return 0;
}
