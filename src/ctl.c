// SPDX-License-Identifier: GPL-2.0
/*
 * ctl.c - `scx_cland ctl`: the client of the control socket (control.h).
 * Sends one request, prints the reply's lines on stdout (an error on
 * stderr), exits 0 on "ok", 1 on an error or when the daemon cannot be
 * reached, 2 on a bad command line.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "ctl.h"

#define CTL_TIMEOUT_MS (CONTROL_WAIT_MS + 5000) /* the daemon gives up on a swap first */

static void ctl_usage(FILE *f)
{
	fprintf(f, "Usage: scx_cland ctl [--socket PATH] COMMAND\n"
		   "\n"
		   "Commands (to a running scx_cland, as root):\n"
		   "  status                   policy, uptime, rules, swaps and counters\n"
		   "  policy NAME|PATH         switch to a built-in policy or a plug-in (.so),\n"
		   "                           the scheduler staying attached\n"
		   "  set slice-us N           the policy's maximum slice (it restarts with it)\n"
		   "  set slice-min-us N       the policy's minimum slice\n"
		   "  rules reload [FILE]      read the rules file again (or FILE); a bad one\n"
		   "                           is refused and the rules in force stay\n"
		   "\n"
		   "The socket is " CLAND_CONTROL_SOCKET " unless --socket says otherwise.\n"
		   "Exit status: 0 done, 1 refused or no daemon, 2 usage error.\n");
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int connect_to(const char *path, FILE *errf)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(errf, "scx_cland ctl: %s: path too long for a socket\n", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(errf, "scx_cland ctl: socket: %s\n", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(errf, "scx_cland ctl: cannot reach scx_cland at %s: %s%s\n", path,
			strerror(errno),
			errno == EACCES ? " (the control socket is for root only)"
			: errno == ENOENT || errno == ECONNREFUSED ? " (is scx_cland running?)"
								   : "");
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Read the whole reply: "ok N" and N lines, or "error: ...". Returns 0 (ok),
 * 1 (error, or the connection failed); the body in @buf.
 */
static int read_reply(int fd, char *buf, size_t cap, FILE *out, FILE *errf)
{
	uint64_t end = now_ms() + CTL_TIMEOUT_MS;
	size_t len = 0;
	int want = -1, lines = 0;
	struct pollfd p = {.fd = fd, .events = POLLIN};
	char *nl, *start;
	ssize_t n;
	uint64_t t;

	for (;;) {
		/* count the whole lines read so far */
		start = buf;
		lines = 0;
		while ((nl = memchr(start, '\n', len - (size_t)(start - buf)))) {
			if (start == buf) {
				*nl = '\0';
				if (!strncmp(buf, "error: ", 7)) {
					fprintf(errf, "scx_cland ctl: %s\n", buf + 7);
					return 1;
				}
				if (sscanf(buf, "ok %d", &want) != 1 || want < 0) {
					fprintf(errf, "scx_cland ctl: unexpected reply: %.200s\n",
						buf);
					return 1;
				}
				*nl = '\n';
			} else {
				lines++;
			}
			start = nl + 1;
		}
		if (want >= 0 && lines >= want) {
			nl = memchr(buf, '\n', len);
			fwrite(nl + 1, 1, (size_t)(start - nl - 1), out);
			return 0;
		}
		if (len == cap - 1) {
			fprintf(errf, "scx_cland ctl: reply too long\n");
			return 1;
		}
		t = now_ms();
		if (t >= end || poll(&p, 1, (int)(end - t)) <= 0) {
			fprintf(errf, "scx_cland ctl: no reply within %d s\n",
				CTL_TIMEOUT_MS / 1000);
			return 1;
		}
		n = recv(fd, buf + len, cap - 1 - len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(errf, "scx_cland ctl: the daemon closed the connection%s\n",
				n < 0 ? strerror(errno) : "");
			return 1;
		}
		len += (size_t)n;
	}
}

int cland_ctl_main(int argc, char **argv, FILE *out, FILE *errf)
{
	const char *path = CLAND_CONTROL_SOCKET;
	char req[CONTROL_MAX_LINE], *buf;
	size_t len = 0;
	int i = 1, fd, ret;

	if (i < argc && (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))) {
		ctl_usage(out);
		return 0;
	}
	if (i + 1 < argc && !strcmp(argv[i], "--socket")) {
		path = argv[i + 1];
		i += 2;
	}
	if (i >= argc) {
		fprintf(errf, "scx_cland ctl: which command?\n\n");
		ctl_usage(errf);
		return 2;
	}
	for (; i < argc; i++) {
		if (!*argv[i] || strpbrk(argv[i], " \t\n\r") ||
		    len + strlen(argv[i]) + 2 > sizeof(req)) {
			fprintf(errf, "scx_cland ctl: bad argument '%.100s'\n\n", argv[i]);
			ctl_usage(errf);
			return 2;
		}
		len += (size_t)snprintf(req + len, sizeof(req) - len, "%s%s", len ? " " : "",
					argv[i]);
	}
	req[len++] = '\n';
	fd = connect_to(path, errf);
	if (fd < 0)
		return 1;
	if (send(fd, req, len, MSG_NOSIGNAL) != (ssize_t)len) {
		fprintf(errf, "scx_cland ctl: cannot send the request: %s\n", strerror(errno));
		close(fd);
		return 1;
	}
	buf = malloc(CONTROL_OUT_MAX + 1);
	if (!buf) {
		close(fd);
		return 1;
	}
	ret = read_reply(fd, buf, CONTROL_OUT_MAX + 1, out, errf);
	free(buf);
	close(fd);
	return ret;
}
