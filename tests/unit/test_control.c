// SPDX-License-Identifier: GPL-2.0
/*
 * test_control.c - the control socket's server (src/control.c) with fake
 * answers, and its client (src/ctl.c): the directory is 0700 and the
 * socket 0600; requests and replies; errors for what is not a request; a
 * peer of another uid is refused; an unfinished request is dropped; the
 * fuzz test: thousands of connections throwing random bytes, half-written
 * requests, oversized lines and abrupt closes, after which the server still
 * answers and holds no connection it should not; `scx_cland ctl` against it.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "control.h"
#include "ctl.h"

static char dir[64], path[128];
static int swaps_asked; /* policy requests answered later */
static int done_calls;

static void fake_status(void *arg, struct control_reply *r)
{
	(void)arg;
	control_line(r, "policy fake");
	control_line(r, "uptime_s 1");
}

static int64_t fake_policy(void *arg, const char *name, struct control_reply *r)
{
	(void)arg;
	if (!strcmp(name, "bad")) {
		control_error(r, "unknown policy 'bad'");
		return 0;
	}
	swaps_asked++;
	return 42;
}

static int64_t fake_set(void *arg, const char *key, uint64_t value, struct control_reply *r)
{
	(void)arg;
	control_line(r, "%s=%llu", key, (unsigned long long)value);
	return 0;
}

static void fake_reload(void *arg, const char *file, struct control_reply *r)
{
	(void)arg;
	if (file && !strcmp(file, "bad.json"))
		control_error(r, "bad.json: rule 1: no action (the rules in force stay)");
	else
		control_line(r, "rules %s: 3 rules in force", file ? file : "rules.json");
}

static bool fake_done(void *arg, int64_t seq, struct control_reply *r)
{
	(void)arg;
	assert_int_equal(seq, 42);
	if (++done_calls < 3) /* the swap takes a few rounds */
		return false;
	control_line(r, "policy a -> b: 3 tasks handed over, 0 drained, 0 lost");
	return true;
}

static const struct control_ops ops = {
	.status = fake_status,
	.policy = fake_policy,
	.set = fake_set,
	.rules_reload = fake_reload,
	.done = fake_done,
};

static struct control_server *srv_open(uid_t allowed)
{
	struct control_server *srv;
	char err[512];

	snprintf(dir, sizeof(dir), "/tmp/cland-ctl-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/run/control", dir);
	if (control_open(&srv, path, allowed, &ops, err, sizeof(err)))
		fail_msg("control_open: %s", err);
	return srv;
}

static void srv_close(struct control_server *srv)
{
	char d[96];

	control_close(srv);
	assert_int_equal(access(path, F_OK), -1); /* the socket is removed */
	snprintf(d, sizeof(d), "%s/run", dir);
	rmdir(d);
	rmdir(dir);
}

static int client(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);

	assert_true(fd >= 0);
	strcpy(sa.sun_path, path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Run the server until @fd has a whole reply ("ok N" + N lines, or one
 * "error:" line) in @buf, or the server closed it (*@closed), or 3 s pass.
 */
static size_t reply(struct control_server *srv, int fd, char *buf, size_t cap, bool *closed)
{
	uint64_t end = now_ms() + 3000;
	size_t len = 0;
	ssize_t n;
	int want = -1, lines;
	char *p;

	*closed = false;
	buf[0] = '\0';
	while (now_ms() < end) {
		control_run(srv);
		n = recv(fd, buf + len, cap - 1 - len, MSG_DONTWAIT);
		if (n == 0) {
			*closed = true;
			break;
		}
		if (n > 0) {
			len += (size_t)n;
			buf[len] = '\0';
		}
		if (!strncmp(buf, "error: ", 7) && strchr(buf, '\n'))
			return len;
		if (want < 0 && strchr(buf, '\n'))
			sscanf(buf, "ok %d", &want);
		for (lines = -1, p = buf; (p = strchr(p, '\n')); p++)
			lines++;
		if (want >= 0 && lines >= want)
			return len;
		usleep(500);
	}
	return len;
}

static void talk(struct control_server *srv, const char *req, const char *want)
{
	char buf[4096];
	bool closed;
	int fd = client();

	assert_int_equal(send(fd, req, strlen(req), 0), (ssize_t)strlen(req));
	reply(srv, fd, buf, sizeof(buf), &closed);
	if (strcmp(buf, want))
		fail_msg("request \"%s\": got \"%s\", want \"%s\"", req, buf, want);
	close(fd);
}

static void test_permissions(void **state)
{
	struct control_server *srv = srv_open(getuid());
	char d[96];
	struct stat st;

	(void)state;
	snprintf(d, sizeof(d), "%s/run", dir);
	assert_int_equal(stat(d, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	srv_close(srv);
}

static void test_requests(void **state)
{
	struct control_server *srv = srv_open(getuid());

	(void)state;
	talk(srv, "status\n", "ok 2\npolicy fake\nuptime_s 1\n");
	talk(srv, "  status \r\n", "ok 2\npolicy fake\nuptime_s 1\n");
	talk(srv, "set slice-us 5000\n", "ok 1\nslice-us=5000\n");
	talk(srv, "set slice-us 5x\n",
	     "error: set slice-us: '5x' is not a whole number of "
	     "microseconds\n");
	talk(srv, "set hz 5\n",
	     "error: unknown request (status | policy NAME_OR_PATH | set slice-us N | set "
	     "slice-min-us N | rules reload [FILE])\n");
	talk(srv, "rules reload\n", "ok 1\nrules rules.json: 3 rules in force\n");
	talk(srv, "rules reload bad.json\n",
	     "error: bad.json: rule 1: no action (the rules in force stay)\n");
	talk(srv, "policy bad\n", "error: unknown policy 'bad'\n");
	talk(srv, "status extra\n",
	     "error: unknown request (status | policy NAME_OR_PATH | set slice-us N | set "
	     "slice-min-us N | rules reload [FILE])\n");
	talk(srv, "sta\001tus\n", "error: a request is one line of printable text\n");
	/* a swap is answered once it is done */
	done_calls = 0;
	talk(srv, "policy fifo\n", "ok 1\npolicy a -> b: 3 tasks handed over, 0 drained, 0 lost\n");
	assert_int_equal(done_calls, 3);
	srv_close(srv);
}

/* Two requests in one write: two replies, in order. */
static void test_pipelined(void **state)
{
	struct control_server *srv = srv_open(getuid());
	const char *want = "ok 2\npolicy fake\nuptime_s 1\nok 1\nslice-min-us=7\n";
	uint64_t end = now_ms() + 3000;
	char buf[512];
	size_t len = 0;
	ssize_t n;
	int fd = client();

	(void)state;
	assert_int_equal(send(fd, "status\nset slice-min-us 7\n", 26, 0), 26);
	while (len < strlen(want) && now_ms() < end) {
		control_run(srv);
		n = recv(fd, buf + len, sizeof(buf) - 1 - len, MSG_DONTWAIT);
		len += n > 0 ? (size_t)n : 0;
		usleep(500);
	}
	buf[len] = '\0';
	assert_string_equal(buf, want);
	close(fd);
	srv_close(srv);
}

static void test_too_long_and_unfinished(void **state)
{
	struct control_server *srv = srv_open(getuid());
	char big[CONTROL_MAX_LINE + 100], buf[512];
	bool closed;
	int fd;

	(void)state;
	memset(big, 'a', sizeof(big));
	fd = client();
	assert_int_equal(send(fd, big, sizeof(big), 0), (ssize_t)sizeof(big));
	reply(srv, fd, buf, sizeof(buf), &closed);
	assert_string_equal(buf, "error: request longer than 1023 bytes\n");
	reply(srv, fd, buf, sizeof(buf), &closed);
	assert_true(closed);
	close(fd);

	control_set_idle_ms(srv, 100);
	fd = client();
	assert_int_equal(send(fd, "stat", 4, 0), 4);
	reply(srv, fd, buf, sizeof(buf), &closed);
	assert_string_equal(buf, "error: incomplete request: no newline in time\n");
	reply(srv, fd, buf, sizeof(buf), &closed);
	assert_true(closed);
	close(fd);
	srv_close(srv);
}

static void test_other_uid_refused(void **state)
{
	struct control_server *srv = srv_open(getuid() + 1);
	char buf[512];
	bool closed;
	int fd = client();

	(void)state;
	assert_int_equal(send(fd, "status\n", 7, 0), 7);
	reply(srv, fd, buf, sizeof(buf), &closed);
	assert_non_null(strstr(buf, "error: permission denied"));
	assert_int_equal(control_nr_refused(srv), 1);
	reply(srv, fd, buf, sizeof(buf), &closed);
	assert_true(closed);
	close(fd);
	srv_close(srv);
}

static uint64_t rnd_state = 12345;

static uint64_t rnd(void)
{
	uint64_t z = (rnd_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int nr_fds(void)
{
	char p[64];
	int fd, n = 0;

	for (fd = 0; fd < 4096; fd++) {
		snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
		n += access(p, F_OK) == 0;
	}
	return n;
}

static void test_fuzz(void **state)
{
	static const char *const pieces[] = {"status",
					     "policy ",
					     "set slice-us ",
					     "rules reload ",
					     "\n",
					     "\r\n",
					     " ",
					     "\t",
					     "99999999999999999999",
					     "deadline",
					     "\xff\xfe",
					     "set",
					     "policy fifo\n"};
	struct control_server *srv;
	int fds[CONTROL_MAX_CLIENTS + 4], i, k, fd, before;
	char buf[4096], junk[3000];
	size_t n, len;
	bool closed;

	(void)state;
	before = nr_fds();
	srv = srv_open(getuid());
	control_set_idle_ms(srv, 50);
	for (i = 0; i < (int)(sizeof(fds) / sizeof(fds[0])); i++)
		fds[i] = -1;
	for (i = 0; i < 4000; i++) {
		k = (int)(rnd() % (sizeof(fds) / sizeof(fds[0])));
		if (fds[k] < 0) {
			fds[k] = client();
			continue;
		}
		switch (rnd() % 6) {
		case 0: /* random bytes, any length */
			len = 1 + rnd() % sizeof(junk);
			for (n = 0; n < len; n++)
				junk[n] = (char)rnd();
			send(fds[k], junk, len, MSG_DONTWAIT | MSG_NOSIGNAL);
			break;
		case 1: /* pieces of requests, whole or not */
			len = 0;
			for (n = 1 + rnd() % 6; n; n--) {
				const char *p =
					pieces[rnd() % (sizeof(pieces) / sizeof(pieces[0]))];

				memcpy(junk + len, p, strlen(p));
				len += strlen(p);
			}
			send(fds[k], junk, len, MSG_DONTWAIT | MSG_NOSIGNAL);
			break;
		case 2: /* half a request, then gone */
			send(fds[k], "policy dead", 11, MSG_DONTWAIT | MSG_NOSIGNAL);
			/* fall through */
		case 3: /* gone, replies unread */
			close(fds[k]);
			fds[k] = -1;
			break;
		case 4: /* a long line of text */
			memset(junk, 'x', sizeof(junk));
			send(fds[k], junk, sizeof(junk), MSG_DONTWAIT | MSG_NOSIGNAL);
			break;
		default: /* read what came */
			while (recv(fds[k], buf, sizeof(buf), MSG_DONTWAIT) > 0)
				;
			break;
		}
		control_run(srv);
		if (i % 64 == 0)
			usleep(1000); /* let idle clients expire too */
	}
	for (i = 0; i < (int)(sizeof(fds) / sizeof(fds[0])); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	for (i = 0; i < 100; i++) { /* the server notices they are gone */
		control_run(srv);
		usleep(1000);
	}
	assert_true(control_nr_requests(srv) > 1000);
	/* still serving, like nothing happened */
	control_set_idle_ms(srv, CONTROL_IDLE_MS);
	fd = client();
	assert_int_equal(send(fd, "status\n", 7, 0), 7);
	reply(srv, fd, buf, sizeof(buf), &closed);
	assert_string_equal(buf, "ok 2\npolicy fake\nuptime_s 1\n");
	close(fd);
	srv_close(srv);
	assert_int_equal(nr_fds(), before); /* no connection left open */
}

/* `scx_cland ctl ARGS...` in a child against the server run here: its exit status, output. */
static int ctl(struct control_server *srv, char *out, size_t cap, ...)
{
	char *argv[8] = {"ctl", "--socket", path};
	int argc = 3, status, fd;
	const char *a;
	va_list ap;
	pid_t pid;
	ssize_t n;
	FILE *f;

	va_start(ap, cap);
	while ((a = va_arg(ap, const char *)) && argc < 7)
		argv[argc++] = (char *)a;
	va_end(ap);
	f = tmpfile();
	assert_non_null(f);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		status = cland_ctl_main(argc, argv, f, f);
		fflush(f);
		_exit(status);
	}
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (srv)
			control_run(srv);
		usleep(500);
	}
	fd = fileno(f);
	lseek(fd, 0, SEEK_SET);
	n = read(fd, out, cap - 1);
	out[n > 0 ? n : 0] = '\0';
	fclose(f);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_ctl_client(void **state)
{
	struct control_server *srv = srv_open(getuid());
	char out[2048];

	(void)state;
	assert_int_equal(ctl(srv, out, sizeof(out), "status", NULL), 0);
	assert_string_equal(out, "policy fake\nuptime_s 1\n");
	done_calls = 0;
	assert_int_equal(ctl(srv, out, sizeof(out), "policy", "./mine.so", NULL), 0);
	assert_string_equal(out, "policy a -> b: 3 tasks handed over, 0 drained, 0 lost\n");
	assert_int_equal(ctl(srv, out, sizeof(out), "rules", "reload", "bad.json", NULL), 1);
	assert_string_equal(out, "scx_cland ctl: bad.json: rule 1: no action (the rules in force "
				 "stay)\n");
	assert_int_equal(ctl(srv, out, sizeof(out), "policy", "a b", NULL), 2);
	assert_int_equal(ctl(srv, out, sizeof(out), NULL), 2);
	srv_close(srv);
	/* no daemon */
	assert_int_equal(ctl(NULL, out, sizeof(out), "status", NULL), 1);
	assert_non_null(strstr(out, "is scx_cland running?"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_permissions),
		cmocka_unit_test(test_requests),
		cmocka_unit_test(test_pipelined),
		cmocka_unit_test(test_too_long_and_unfinished),
		cmocka_unit_test(test_other_uid_refused),
		cmocka_unit_test(test_fuzz),
		cmocka_unit_test(test_ctl_client),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
