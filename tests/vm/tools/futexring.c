// SPDX-License-Identifier: GPL-2.0
/*
 * futexring - VM test helper: threads that wake each other through futexes
 * only (no pipe, no timer), as a server's workers do: each waits on its own
 * futex word, runs a CPU burst when woken, then wakes the next thread of the
 * ring (FUTEX_WAKE from a running task: not a sync wake-up, not an
 * interrupt) and waits again.
 *
 * Usage: futexring THREADS BURST_US SECONDS
 *
 * Prints one line on stdout: "handoffs=N seconds=S threads=T burst_us=B".
 * Exit: 0, 2 usage or error.
 */
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tool.h"

#define MAX_THREADS 64

static atomic_int turn[MAX_THREADS]; /* 1: that thread's turn */
static atomic_long handoffs;
static atomic_int stop;
static int nr_threads;
static double burst_ms;

static void futex_wait(atomic_int *word, int val)
{
	syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void futex_wake(atomic_int *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void burn(void)
{
	double end = now_ms() + burst_ms;

	while (now_ms() < end)
		;
}

static void *ring_thread(void *arg)
{
	int me = (int)(long)arg, next = (me + 1) % nr_threads;

	while (!atomic_load(&stop)) {
		while (!atomic_exchange(&turn[me], 0)) {
			if (atomic_load(&stop))
				return NULL;
			futex_wait(&turn[me], 0);
		}
		burn();
		atomic_fetch_add(&handoffs, 1);
		atomic_store(&turn[next], 1);
		futex_wake(&turn[next]);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t tid[MAX_THREADS];
	double seconds;
	int i;

	if (argc != 4 || (nr_threads = atoi(argv[1])) < 2 || nr_threads > MAX_THREADS ||
	    (burst_ms = atof(argv[2]) / 1000) <= 0 || (seconds = atof(argv[3])) <= 0) {
		fprintf(stderr, "usage: futexring THREADS(2-%d) BURST_US SECONDS\n", MAX_THREADS);
		return 2;
	}
	atomic_store(&turn[0], 1);
	for (i = 0; i < nr_threads; i++) {
		if (pthread_create(&tid[i], NULL, ring_thread, (void *)(long)i)) {
			fprintf(stderr, "futexring: pthread_create failed\n");
			return 2;
		}
	}
	usleep((useconds_t)(seconds * 1e6));
	atomic_store(&stop, 1);
	for (i = 0; i < nr_threads; i++) {
		atomic_store(&turn[i], 1);
		futex_wake(&turn[i]);
	}
	for (i = 0; i < nr_threads; i++)
		pthread_join(tid[i], NULL);
	printf("handoffs=%ld seconds=%g threads=%d burst_us=%g\n", atomic_load(&handoffs), seconds,
	       nr_threads, burst_ms * 1000);
	return 0;
}
