// SPDX-License-Identifier: GPL-2.0
/*
 * killwait - VM test helper: send a signal to a process and measure how long
 * the kernel takes to take the sched_ext scheduler down.
 *
 * Usage: killwait SIG PID [TIMEOUT_MS]
 *
 * SIG is a number or a name (INT, TERM, KILL, SEGV, ABRT, STOP..., with or
 * without SIG).
 * After kill(PID, SIG) it polls /sys/kernel/sched_ext/state every 1 ms
 * (timed with CLOCK_MONOTONIC) until it reads "disabled", then prints the
 * elapsed time in milliseconds on stdout, followed by when PID was first
 * seen exiting (PF_EXITING in /proc/PID/stat, set at the start of
 * do_exit()) and when its file table was gone (/proc/PID/fd empty:
 * exit_files(), after exit_mm() has torn its memory down; closing the
 * struct_ops link, right after, unregisters the scheduler):
 *
 *   12.345 exiting=3.210 files_closed=5.678   ("-" for what was not seen
 *                                              before "disabled")
 *
 * so a slow SIGKILL can be split into "the process took long to get the
 * CPU", "... to tear its memory down" and "the kernel took long to
 * unregister the scheduler".
 * It runs itself as SCHED_FIFO when it can, so that the measurement is not
 * delayed by the very load (and scheduler) it measures.
 *
 * Exit: 0 disabled in time, 1 timeout (prints "timeout"), 2 usage or error.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <dirent.h>

#include "tool.h"

#define PF_EXITING 0x00000004

/*
 * Field 9 (flags) of /proc/PID/stat; PF_EXITING if the process is gone.
 */
static unsigned long read_flags(const char *stat_path)
{
	char stat[1024], *p;
	int field;

	read_small(stat_path, stat, sizeof(stat));
	p = strrchr(stat, ')');
	if (!stat[0] || !p)
		return PF_EXITING;
	/* p + 2 is field 3 (state). */
	p += 2;
	for (field = 3; field < 9 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	return p ? strtoul(p, NULL, 10) : 0;
}

/* Number of open files in /proc/PID/fd; 0 if the process is gone. */
static int count_fds(const char *fd_path)
{
	struct dirent *d;
	int n = 0;
	DIR *dir;

	dir = opendir(fd_path);
	if (!dir)
		return 0;
	while ((d = readdir(dir)))
		if (d->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}

static int parse_sig(const char *s)
{
	static const struct {
		const char *name;
		int sig;
	} sigs[] = {
		{"INT", SIGINT},   {"TERM", SIGTERM}, {"KILL", SIGKILL}, {"HUP", SIGHUP},
		{"QUIT", SIGQUIT}, {"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"STOP", SIGSTOP},
		{"CONT", SIGCONT}, {"SEGV", SIGSEGV}, {"ABRT", SIGABRT}, {"BUS", SIGBUS},
	};
	char *end;
	long v;
	size_t i;

	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (!strcasecmp(s, sigs[i].name))
			return sigs[i].sig;
	v = strtol(s, &end, 10);
	if (*s && !*end && v >= 0 && v < 65)
		return v;
	return -1;
}

int main(int argc, char **argv)
{
	struct sched_param sp = {.sched_priority = 50};
	struct timespec tick = {0, 1000000};
	double t0, t, timeout = 5000, exiting = -1, closed = -1;
	char ex[32] = "-", cl[32] = "-";
	char state[64], stat_path[64], fd_path[64];
	int sig;
	long pid;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: killwait SIG PID [TIMEOUT_MS]\n");
		return 2;
	}
	sig = parse_sig(argv[1]);
	pid = strtol(argv[2], NULL, 10);
	if (argc == 4)
		timeout = strtod(argv[3], NULL);
	if (sig < 0 || pid <= 0 || timeout <= 0) {
		fprintf(stderr, "killwait: bad arguments\n");
		return 2;
	}

	snprintf(stat_path, sizeof(stat_path), "/proc/%ld/stat", pid);
	snprintf(fd_path, sizeof(fd_path), "/proc/%ld/fd", pid);

	/* Best effort: neither is needed for correctness. */
	sched_setscheduler(0, SCHED_FIFO, &sp);
	mlockall(MCL_CURRENT | MCL_FUTURE);

	t0 = now_ms();
	if (kill(pid, sig)) {
		fprintf(stderr, "killwait: kill(%ld, %d): %s\n", pid, sig, strerror(errno));
		return 2;
	}
	for (;;) {
		if (exiting < 0 && (read_flags(stat_path) & PF_EXITING))
			exiting = now_ms() - t0;
		if (exiting >= 0 && closed < 0 && !count_fds(fd_path))
			closed = now_ms() - t0;
		read_small(STATE_PATH, state, sizeof(state));
		t = now_ms() - t0;
		if (!strcmp(state, "disabled")) {
			if (exiting >= 0)
				snprintf(ex, sizeof(ex), "%.3f", exiting);
			if (closed >= 0)
				snprintf(cl, sizeof(cl), "%.3f", closed);
			printf("%.3f exiting=%s files_closed=%s\n", t, ex, cl);
			return 0;
		}
		if (t > timeout) {
			printf("timeout\n");
			fprintf(stderr, "killwait: state still '%s' after %.0f ms\n", state, t);
			return 1;
		}
		nanosleep(&tick, NULL);
	}
}
