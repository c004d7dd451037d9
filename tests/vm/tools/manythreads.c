// SPDX-License-Identifier: GPL-2.0
/*
 * manythreads - VM test helper: N threads alive at once in one process, each
 * waking up and sleeping repeatedly.
 *
 * Usage: manythreads N ROUNDS
 *
 * Creates N threads (small stacks) that all wait on a barrier until the
 * last one is created, so that N threads exist at the same time; then each
 * runs ROUNDS rounds of (spin ~100 us, sleep 1 ms) and exits. The main
 * thread joins them all and prints one line:
 *
 *   threads=N peak=N rounds=ROUNDS ms=1234.5
 *
 * peak: the largest "Threads:" value read from /proc/self/status while all
 * of them existed (the main thread included).
 *
 * Exit: 0 when every thread was created, ran and was joined; 1 otherwise;
 * 2 usage.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pthread_barrier_t start;
static long rounds;
static volatile unsigned long sink;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void *worker(void *arg)
{
	struct timespec ms1 = {0, 1000000};
	long r;

	(void)arg;
	pthread_barrier_wait(&start);
	for (r = 0; r < rounds; r++) {
		double t = now_ms();

		while (now_ms() - t < 0.1)
			sink++;
		nanosleep(&ms1, NULL);
	}
	return NULL;
}

static long threads_now(void)
{
	char line[256];
	long n = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "Threads:", 8))
			n = strtol(line + 8, NULL, 10);
	fclose(f);
	return n;
}

int main(int argc, char **argv)
{
	pthread_attr_t attr;
	pthread_t *tids;
	long n, i, created = 0, peak;
	double t0;
	int err, failed = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: manythreads N ROUNDS\n");
		return 2;
	}
	n = strtol(argv[1], NULL, 10);
	rounds = strtol(argv[2], NULL, 10);
	if (n <= 0 || n > 100000 || rounds < 0) {
		fprintf(stderr, "manythreads: bad arguments\n");
		return 2;
	}
	tids = calloc(n, sizeof(*tids));
	if (!tids)
		return 1;
	/* The main thread waits on the barrier too, after creating them all. */
	pthread_barrier_init(&start, NULL, n + 1);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);

	t0 = now_ms();
	for (i = 0; i < n; i++) {
		err = pthread_create(&tids[i], &attr, worker, NULL);
		if (err) {
			fprintf(stderr, "manythreads: thread %ld: %s\n", i, strerror(err));
			failed = 1;
			break;
		}
		created++;
	}
	if (failed) {
		/* The barrier will never open: nothing to join cleanly. */
		printf("threads=%ld peak=%ld rounds=%ld ms=-\n", created, threads_now(), rounds);
		return 1;
	}
	peak = threads_now();
	pthread_barrier_wait(&start);
	for (i = 0; i < n; i++) {
		err = pthread_join(tids[i], NULL);
		if (err) {
			fprintf(stderr, "manythreads: join %ld: %s\n", i, strerror(err));
			failed = 1;
		}
	}
	printf("threads=%ld peak=%ld rounds=%ld ms=%.1f\n", created, peak, rounds, now_ms() - t0);
	return failed;
}
