// SPDX-License-Identifier: GPL-2.0
/*
 * waitstate - VM test helper: wait until /sys/kernel/sched_ext/state reads
 * a given value (e.g. "enabled" after starting the scheduler, "disabled"
 * after stopping it), polling every 1 ms with a timeout, so that the tests
 * never rely on fixed sleeps.
 *
 * Usage: waitstate STATE TIMEOUT_MS [PID]
 *
 * Prints the elapsed milliseconds ("123.456") on success, or "timeout" and
 * the last state read on stderr. With PID, gives up early (exit 3, prints
 * "exited") when that process is gone or a zombie, e.g. a daemon that
 * failed to load.
 *
 * Exit: 0 reached, 1 timeout, 2 usage, 3 PID exited first.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tool.h"

/* True if PID no longer runs: gone, or a zombie waiting to be reaped. */
static int pid_exited(long pid)
{
	char path[64], stat[512], *p;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	read_small(path, stat, sizeof(stat));
	if (!stat[0])
		return 1;
	p = strrchr(stat, ')');
	return p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
}

int main(int argc, char **argv)
{
	struct timespec tick = {0, 1000000};
	double t0, t, timeout;
	char state[64];
	long pid = 0;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: waitstate STATE TIMEOUT_MS [PID]\n");
		return 2;
	}
	timeout = strtod(argv[2], NULL);
	if (argc == 4)
		pid = strtol(argv[3], NULL, 10);
	if (timeout <= 0 || pid < 0) {
		fprintf(stderr, "waitstate: bad arguments\n");
		return 2;
	}

	t0 = now_ms();
	for (;;) {
		read_small(STATE_PATH, state, sizeof(state));
		t = now_ms() - t0;
		if (!strcmp(state, argv[1])) {
			printf("%.3f\n", t);
			return 0;
		}
		if (pid && pid_exited(pid)) {
			printf("exited\n");
			fprintf(stderr, "waitstate: pid %ld exited, state '%s'\n", pid, state);
			return 3;
		}
		if (t > timeout) {
			printf("timeout\n");
			fprintf(stderr, "waitstate: state still '%s' after %.0f ms\n", state, t);
			return 1;
		}
		nanosleep(&tick, NULL);
	}
}
