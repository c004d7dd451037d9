// SPDX-License-Identifier: GPL-2.0
/*
 * stopfor - VM test helper: stop a process (the scx_cland daemon) with
 * SIGSTOP for a given time, then SIGCONT it, watching the sched_ext state
 * meanwhile; optionally churn the nice value of other tasks while it is
 * stopped.
 *
 * Usage: stopfor PID MS [NICE_PID...]
 *
 * It runs itself as SCHED_FIFO (the RT class is not scheduled by sched_ext,
 * so it keeps running when the tasks sched_ext holds do not, e.g. with the
 * daemon stopped and no fallback) and locks its memory. After kill(PID,
 * SIGSTOP) it waits until PID is seen stopped ("T" in /proc/PID/stat), then
 * until MS ms have passed since the signal, reading
 * /sys/kernel/sched_ext/state every 1 ms, then sends SIGCONT.
 *
 * With NICE_PIDs, instead of sleeping between the state reads it calls
 * setpriority() on each of them in turn, alternating nice 0 and 1: every
 * change of a queued task's weight dequeues it from the BPF scheduler and
 * enqueues it again, so each call hands the task to the (stopped) daemon
 * once more, which fills the ring buffer between BPF and user space.
 *
 * Prints one line on stdout (times in ms since the SIGSTOP):
 *
 *   stopped_ms=10000.123 seen_stopped_ms=0.456 left_enabled_ms=- state=enabled renices=0
 *
 * left_enabled_ms: when the state was first seen other than "enabled" ("-":
 * never); state: the state read last, just before the SIGCONT; renices: the
 * setpriority() calls that succeeded.
 *
 * Exit: 0, 2 usage or error (the process could not be signalled).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "tool.h"

#define MAX_PIDS 4096

/* The process is stopped (or gone: nothing more to wait for). */
static int is_stopped(const char *stat_path)
{
	char stat[1024], *p;

	read_small(stat_path, stat, sizeof(stat));
	p = strrchr(stat, ')');
	if (!stat[0] || !p || !p[1] || !p[2])
		return 1;
	return p[2] == 'T' || p[2] == 't' || p[2] == 'Z' || p[2] == 'X';
}

int main(int argc, char **argv)
{
	struct sched_param sp = {.sched_priority = 60};
	struct timespec tick = {0, 1000000};
	static int pids[MAX_PIDS];
	double t0, t, ms, seen = -1, left = -1;
	char state[64] = "", stat_path[64], seen_s[32] = "-", left_s[32] = "-";
	unsigned long renices = 0, round = 0;
	int npids = 0, i;
	long pid;

	if (argc < 3) {
		fprintf(stderr, "usage: stopfor PID MS [NICE_PID...]\n");
		return 2;
	}
	pid = strtol(argv[1], NULL, 10);
	ms = strtod(argv[2], NULL);
	if (pid <= 0 || ms <= 0) {
		fprintf(stderr, "stopfor: bad arguments\n");
		return 2;
	}
	for (i = 3; i < argc && npids < MAX_PIDS; i++) {
		long v = strtol(argv[i], NULL, 10);

		if (v > 0 && v != pid)
			pids[npids++] = (int)v;
	}
	snprintf(stat_path, sizeof(stat_path), "/proc/%ld/stat", pid);

	if (sched_setscheduler(0, SCHED_FIFO, &sp))
		fprintf(stderr, "stopfor: warning: SCHED_FIFO: %s\n", strerror(errno));
	mlockall(MCL_CURRENT | MCL_FUTURE);

	t0 = now_ms();
	if (kill(pid, SIGSTOP)) {
		fprintf(stderr, "stopfor: kill(%ld, SIGSTOP): %s\n", pid, strerror(errno));
		return 2;
	}
	for (;;) {
		t = now_ms() - t0;
		if (seen < 0 && is_stopped(stat_path))
			seen = t;
		read_small(STATE_PATH, state, sizeof(state));
		if (left < 0 && strcmp(state, "enabled"))
			left = t;
		if (t >= ms)
			break;
		if (npids && seen >= 0) {
			/* Until the next state read, 1 ms from now. */
			double until = t + 1;

			do {
				for (i = 0; i < npids; i++)
					if (!setpriority(PRIO_PROCESS, pids[i], round & 1))
						renices++;
				round++;
			} while (now_ms() - t0 < until);
		} else {
			nanosleep(&tick, NULL);
		}
	}
	if (kill(pid, SIGCONT)) {
		fprintf(stderr, "stopfor: kill(%ld, SIGCONT): %s\n", pid, strerror(errno));
		return 2;
	}
	if (seen >= 0)
		snprintf(seen_s, sizeof(seen_s), "%.3f", seen);
	if (left >= 0)
		snprintf(left_s, sizeof(left_s), "%.3f", left);
	printf("stopped_ms=%.3f seen_stopped_ms=%s left_enabled_ms=%s state=%s renices=%lu\n",
	       now_ms() - t0, seen_s, left_s, state[0] ? state : "missing", renices);
	return 0;
}
