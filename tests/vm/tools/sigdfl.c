// SPDX-License-Identifier: GPL-2.0
/*
 * sigdfl - VM test helper: run a command with every signal at its default
 * disposition and an empty signal mask.
 *
 * Usage: sigdfl CMD [ARGS...]
 *
 * A non-interactive shell starts background jobs with SIGINT and SIGQUIT
 * ignored; the tests start scx_cland through this so that it sees the
 * signal state it would get from a terminal or a service manager.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	sigset_t none;
	int sig;

	if (argc < 2) {
		fprintf(stderr, "usage: sigdfl CMD [ARGS...]\n");
		return 2;
	}
	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execvp(argv[1], argv + 1);
	fprintf(stderr, "sigdfl: %s: %s\n", argv[1], strerror(errno));
	return 127;
}
