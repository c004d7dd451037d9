/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tool.h - what the VM test helpers in tests/vm/tools/ share: a monotonic
 * clock in milliseconds and a reader of small sysfs/procfs files. Each
 * helper is one static binary; this header is included, not linked.
 */
#ifndef CLAND_VM_TOOL_H
#define CLAND_VM_TOOL_H

#include <fcntl.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define STATE_PATH "/sys/kernel/sched_ext/state"

static inline double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Read a small file into buf without its trailing newline; "" on error. */
static inline void read_small(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	buf[0] = '\0';
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		n = 0;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

#endif
