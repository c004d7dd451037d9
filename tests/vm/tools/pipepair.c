// SPDX-License-Identifier: GPL-2.0
/*
 * pipepair - VM test helper: two processes that wake each other over a pair
 * of pipes (sync wake-ups: the writer runs on, then blocks in its read), and
 * count the messages read on the CPU their writer sent them from: a woken
 * reader put on its waker's CPU, behind it, while another CPU is idle.
 *
 * Usage: pipepair SECONDS
 *
 * Each message is one byte, the sender's CPU (sched_getcpu(), CPUs 0-254);
 * the reader compares it with its own CPU once its read returns. Prints one
 * line on stdout: "roundtrips=N messages=M same_cpu=S seconds=T".
 * Exit: 0, 1 on a system call failure, 2 on bad usage.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tool.h"

struct tally {
	atomic_long messages;
	atomic_long same_cpu;
};

/* Send this CPU's number; false on a failed write. */
static int send_cpu(int fd)
{
	int cpu = sched_getcpu();
	unsigned char b = cpu >= 0 && cpu < 255 ? (unsigned char)cpu : 255;

	return write(fd, &b, 1) == 1;
}

/* Read one message and count it; false at the end of the pipe or on error. */
static int recv_cpu(int fd, struct tally *t)
{
	unsigned char b;

	if (read(fd, &b, 1) != 1)
		return 0;
	atomic_fetch_add(&t->messages, 1);
	if (b != 255 && sched_getcpu() == b)
		atomic_fetch_add(&t->same_cpu, 1);
	return 1;
}

int main(int argc, char **argv)
{
	int ping[2], pong[2], status;
	double seconds, end_ms;
	struct tally *t;
	char *end = NULL;
	long rounds = 0;
	pid_t child;

	seconds = argc == 2 ? strtod(argv[1], &end) : 0;
	if (argc != 2 || *end || seconds <= 0 || seconds > 600) {
		fprintf(stderr, "usage: pipepair SECONDS (over 0, at most 600)\n");
		return 2;
	}
	t = mmap(NULL, sizeof(*t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (t == MAP_FAILED || pipe(ping) || pipe(pong)) {
		perror("pipepair");
		return 1;
	}
	child = fork();
	if (child < 0) {
		perror("fork");
		return 1;
	}
	if (!child) {
		close(ping[1]);
		close(pong[0]);
		while (recv_cpu(ping[0], t) && send_cpu(pong[1]))
			;
		_exit(0);
	}
	close(ping[0]);
	close(pong[1]);
	end_ms = now_ms() + seconds * 1000;
	while (now_ms() < end_ms) {
		if (!send_cpu(ping[1]) || !recv_cpu(pong[0], t)) {
			perror("pipepair");
			kill(child, SIGKILL);
			return 1;
		}
		rounds++;
	}
	close(ping[1]); /* the child reads the end of the pipe and exits */
	if (waitpid(child, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "pipepair: the child failed\n");
		return 1;
	}
	printf("roundtrips=%ld messages=%ld same_cpu=%ld seconds=%.3f\n", rounds,
	       atomic_load(&t->messages), atomic_load(&t->same_cpu), seconds);
	return 0;
}
