// SPDX-License-Identifier: GPL-2.0
/*
 * gnuplot.c - the PNG terminal of a plots.gp script, and gnuplot run on it
 * (gnuplot.h), for cland-sim and cland-bench-report.
 */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gnuplot.h"

void gnuplot_terminal(FILE *f)
{
	fprintf(f, "if (strstrt(GPVAL_TERMINALS, \"pngcairo\") > 0) {\n"
		   "\tset terminal pngcairo size 900,560 noenhanced font \"sans,10\"\n"
		   "} else {\n"
		   "\tset terminal png size 900,560 noenhanced\n"
		   "}\n");
}

int gnuplot_run(const char *gnuplot, const char *dir, char *why, size_t whylen)
{
	int pfd[2], status, child_errno = 0, fd;
	pid_t pid;

	if (!gnuplot || !*gnuplot)
		gnuplot = "gnuplot";
	if (pipe2(pfd, O_CLOEXEC)) {
		snprintf(why, whylen, "pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		fd = chdir(dir) ? -1 : open(GNUPLOT_LOG, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0 && dup2(fd, 1) >= 0 && dup2(fd, 2) >= 0)
			execlp(gnuplot, gnuplot, "plots.gp", (char *)NULL);
		child_errno = errno;
		if (write(pfd[1], &child_errno, sizeof(child_errno)) < 0)
			_exit(126);
		_exit(127);
	}
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		snprintf(why, whylen, "fork: %s", strerror(errno));
		return -1;
	}
	if (read(pfd[0], &child_errno, sizeof(child_errno)) != sizeof(child_errno))
		child_errno = 0;
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (child_errno)
		snprintf(why, whylen, "cannot run %s: %s", gnuplot, strerror(child_errno));
	else if (WIFSIGNALED(status))
		snprintf(why, whylen, "%s killed by signal %d", gnuplot, WTERMSIG(status));
	else if (WEXITSTATUS(status))
		snprintf(why, whylen, "%s failed (exit status %d), see %s/%s", gnuplot,
			 WEXITSTATUS(status), dir, GNUPLOT_LOG);
	else
		return 0;
	return -1;
}
