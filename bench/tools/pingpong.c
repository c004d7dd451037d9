// SPDX-License-Identifier: GPL-2.0
/*
 * pingpong - guest tool of `make bench`: wake-up ping-pong between two
 * processes over a pair of pipes.
 *
 * Usage: pingpong SECONDS
 *
 * The parent writes one byte, the child reads it and writes it back; each
 * round trip is two wake-ups through the scheduler. After SECONDS (0.1 to
 * 600) the parent prints the rate on stdout:
 *
 *   roundtrips_s=12345.6 roundtrips=N seconds=S
 *
 * Exit: 0; 1 on a system call failure; 2 on bad usage.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The child: echo every byte back until the pipe closes. */
static void echo_loop(int in, int out)
{
	char c;

	while (read(in, &c, 1) == 1)
		if (write(out, &c, 1) != 1)
			_exit(1);
	_exit(0);
}

int main(int argc, char **argv)
{
	int ping[2], pong[2], status;
	double secs, start, t;
	unsigned long n = 0;
	char *end, c = 'x';
	pid_t pid;

	secs = argc == 2 ? strtod(argv[1], &end) : 0;
	if (argc != 2 || *end || secs < 0.1 || secs > 600) {
		fprintf(stderr, "usage: pingpong SECONDS (0.1 to 600)\n");
		return 2;
	}
	if (pipe(ping) || pipe(pong)) {
		perror("pingpong: pipe");
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		perror("pingpong: fork");
		return 1;
	}
	if (!pid) {
		close(ping[1]);
		close(pong[0]);
		echo_loop(ping[0], pong[1]);
	}
	close(ping[0]);
	close(pong[1]);
	start = now();
	do {
		if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1) {
			perror("pingpong: round trip");
			kill(pid, SIGKILL);
			return 1;
		}
		n++;
		t = now() - start;
	} while (t < secs);
	close(ping[1]);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "pingpong: the echoing child failed\n");
		return 1;
	}
	printf("roundtrips_s=%.1f roundtrips=%lu seconds=%.3f\n", n / t, n, t);
	return 0;
}
