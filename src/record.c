// SPDX-License-Identifier: GPL-2.0
/*
 * record.c - the trace recorder of scx_cland --record. The hooks run in the
 * hot path, so they only copy a record into a buffer allocated (and touched,
 * so locked) when the file is opened; the main loop writes the buffer out in
 * batches after its rounds (recorder_flush()). A task's name and affinity go
 * in an INFO record the first time it is seen or when they change, tracked in
 * a fixed table of pids. At the size limit recording stops; scheduling does
 * not.
 */
#define _GNU_SOURCE /* sched_getaffinity */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "record.h"
#include "trace.h"

#define PID_SLOTS      65536 /* power of 2 */
#define PID_PROBES     8
#define FLUSH_AFTER_NS 1000000000ULL

struct pid_ent {
	int32_t pid; /* 0: free */
	uint32_t nr_cpus_allowed;
	char comm[CLAND_COMM_LEN];
};

struct recorder {
	int fd;
	char *path;
	uint64_t max_bytes;
	uint64_t written; /* bytes in the file */
	int nr_cpus;
	struct cland_trace_rec *buf;
	size_t nr; /* records in buf */
	uint64_t nr_records, nr_dropped;
	uint64_t last_flush_ns;
	bool stopped;
	enum cland_trace_end reason;
	struct pid_ent *pids;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int recorder_open(struct recorder **out, const struct recorder_opts *o, char *err, size_t errlen)
{
	struct cland_trace_header h;
	struct recorder *r;
	int ret;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->fd = -1;
	r->max_bytes = o->max_bytes;
	r->nr_cpus = o->nr_cpus;
	r->path = strdup(o->path);
	r->buf = calloc(CLAND_RECORD_BUF_RECORDS, sizeof(*r->buf));
	r->pids = calloc(PID_SLOTS, sizeof(*r->pids));
	if (!r->path || !r->buf || !r->pids) {
		recorder_close(r);
		snprintf(err, errlen, "--record: out of memory");
		return -ENOMEM;
	}
	/* touch every page now: none is faulted in later, in the hot path */
	memset(r->buf, 0, CLAND_RECORD_BUF_RECORDS * sizeof(*r->buf));
	memset(r->pids, 0, PID_SLOTS * sizeof(*r->pids));
	r->fd = open(o->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (r->fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "--record: cannot create %s: %s", o->path, strerror(errno));
		recorder_close(r);
		return ret;
	}
	r->last_flush_ns = mono_ns();
	cland_trace_header_init(&h, o->nr_cpus, r->last_flush_ns, o->slice_ns, o->slice_min_ns,
				o->policy);
	ret = write_all(r->fd, &h, sizeof(h));
	if (ret) {
		snprintf(err, errlen, "--record: cannot write %s: %s", o->path, strerror(-ret));
		recorder_close(r);
		return ret;
	}
	r->written = sizeof(h);
	*out = r;
	return 0;
}

/* A free slot in the buffer, or NULL (counted as dropped) when it is full. */
static struct cland_trace_rec *slot(struct recorder *r)
{
	struct cland_trace_rec *rec;

	if (r->nr == CLAND_RECORD_BUF_RECORDS) {
		r->nr_dropped++;
		return NULL;
	}
	rec = &r->buf[r->nr++];
	memset(rec, 0, sizeof(*rec));
	r->nr_records++;
	return rec;
}

/* The entry of @pid in the table: its own, a free one, or one to take over. */
static struct pid_ent *pid_ent(struct recorder *r, int32_t pid)
{
	uint32_t h = ((uint32_t)pid * 2654435761u) & (PID_SLOTS - 1);
	int i;

	for (i = 0; i < PID_PROBES; i++) {
		struct pid_ent *e = &r->pids[(h + (uint32_t)i) & (PID_SLOTS - 1)];

		if (e->pid == pid || !e->pid)
			return e;
	}
	return &r->pids[h];
}

/* INFO records: @t's name and the CPUs it may use. */
static void record_info(struct recorder *r, const struct cland_queued *t, uint64_t now)
{
	uint64_t mask[CLAND_MAX_CPUS / 64] = {0};
	struct cland_trace_rec *rec;
	cpu_set_t set;
	int cpu, part, nr_parts;

	CPU_ZERO(&set);
	if (t->nr_cpus_allowed >= (uint64_t)r->nr_cpus ||
	    sched_getaffinity(t->pid, sizeof(set), &set)) {
		for (cpu = 0; cpu < r->nr_cpus; cpu++)
			CPU_SET(cpu, &set);
	}
	for (cpu = 0; cpu < r->nr_cpus && cpu < CLAND_MAX_CPUS; cpu++) {
		if (CPU_ISSET(cpu, &set))
			mask[cpu / 64] |= 1ULL << (cpu % 64);
	}
	nr_parts = (r->nr_cpus + CLAND_TRACE_MASK_CPUS - 1) / CLAND_TRACE_MASK_CPUS;
	for (part = 0; part < nr_parts; part++) {
		rec = slot(r);
		if (!rec)
			return;
		rec->type = CLAND_TRACE_INFO;
		rec->flags = (uint8_t)part;
		rec->pid = t->pid;
		rec->cpu = -1;
		rec->aux = (uint32_t)t->nr_cpus_allowed;
		rec->ts_ns = now;
		memcpy(rec->info.comm, t->comm, sizeof(rec->info.comm));
		rec->info.comm[CLAND_COMM_LEN - 1] = '\0';
		memcpy(rec->info.mask, &mask[part * CLAND_TRACE_MASK_WORDS],
		       sizeof(rec->info.mask));
	}
}

void recorder_task(void *arg, const struct cland_queued *t)
{
	struct recorder *r = arg;
	struct cland_trace_rec *rec;
	struct pid_ent *e;
	uint64_t now;

	if (r->stopped)
		return;
	now = mono_ns();
	e = pid_ent(r, t->pid);
	if (e->pid != t->pid || e->nr_cpus_allowed != t->nr_cpus_allowed ||
	    strncmp(e->comm, t->comm, sizeof(e->comm))) {
		e->pid = t->pid;
		e->nr_cpus_allowed = (uint32_t)t->nr_cpus_allowed;
		memcpy(e->comm, t->comm, sizeof(e->comm));
		record_info(r, t, now);
	}
	rec = slot(r);
	if (!rec)
		return;
	rec->type = CLAND_TRACE_TASK;
	rec->flags = (uint8_t)t->flags;
	rec->pid = t->pid;
	rec->cpu = t->cpu;
	rec->aux = (uint32_t)t->nr_cpus_allowed;
	rec->ts_ns = now;
	rec->task.weight = t->weight;
	rec->task.exec_runtime = t->exec_runtime;
	rec->task.start_ts = t->start_ts;
	rec->task.stop_ts = t->stop_ts;
	rec->task.nr_runnable = t->nr_runnable;
}

void recorder_decision(void *arg, const struct cland_decision *d)
{
	struct recorder *r = arg;
	struct cland_trace_rec *rec;

	if (r->stopped)
		return;
	rec = slot(r);
	if (!rec)
		return;
	rec->type = CLAND_TRACE_DECISION;
	rec->pid = d->pid;
	rec->cpu = d->cpu;
	rec->ts_ns = mono_ns();
	rec->decision.slice = d->slice;
	rec->decision.vtime = d->vtime;
	rec->decision.deadline = d->deadline;
	rec->decision.gen = d->gen;
}

/* Write the buffer, as much as the limit allows (room is kept for END). */
static void write_out(struct recorder *r)
{
	uint64_t room = 0, n;
	int ret;

	if (r->written + 2 * sizeof(*r->buf) <= r->max_bytes)
		room = (r->max_bytes - r->written - sizeof(*r->buf)) / sizeof(*r->buf);
	n = r->nr < room ? r->nr : room;
	if (n) {
		ret = write_all(r->fd, r->buf, n * sizeof(*r->buf));
		if (ret) {
			fprintf(stderr,
				"scx_cland: --record: writing %s failed (%s): recording stopped, "
				"scheduling goes on\n",
				r->path, strerror(-ret));
			r->nr_records -= r->nr;
			r->nr = 0;
			r->stopped = true;
			r->reason = CLAND_TRACE_END_ERROR;
			return;
		}
		r->written += n * sizeof(*r->buf);
	}
	if (n < r->nr && !r->stopped) {
		r->nr_records -= r->nr - n;
		r->stopped = true;
		r->reason = CLAND_TRACE_END_LIMIT;
		fprintf(stderr,
			"scx_cland: --record: %s reached the --record-max-mb limit (%llu bytes, "
			"%llu records): recording stopped, scheduling goes on\n",
			r->path, (unsigned long long)r->written + sizeof(*r->buf),
			(unsigned long long)r->nr_records);
	}
	r->nr = 0;
	r->last_flush_ns = mono_ns();
}

void recorder_flush(void *arg)
{
	struct recorder *r = arg;

	if (!r->nr)
		return;
	if (r->nr < CLAND_RECORD_BUF_RECORDS / 4 && mono_ns() - r->last_flush_ns < FLUSH_AFTER_NS)
		return;
	write_out(r);
}

void recorder_get_stats(const struct recorder *r, struct recorder_stats *st)
{
	st->nr_records = r->nr_records;
	st->nr_dropped = r->nr_dropped;
	st->bytes = r->written;
	st->stopped = r->stopped;
}

int recorder_close(struct recorder *r)
{
	struct cland_trace_rec end;
	int ret = 0;

	if (!r)
		return 0;
	if (r->fd >= 0) {
		if (r->nr)
			write_out(r);
		if (r->reason != CLAND_TRACE_END_ERROR) {
			memset(&end, 0, sizeof(end));
			end.type = CLAND_TRACE_END;
			end.ts_ns = mono_ns();
			end.end.nr_records = r->nr_records;
			end.end.nr_dropped = r->nr_dropped;
			end.end.reason = r->reason;
			ret = write_all(r->fd, &end, sizeof(end));
			if (!ret)
				r->written += sizeof(end);
		}
		if (close(r->fd) && !ret)
			ret = -errno;
	}
	free(r->path);
	free(r->buf);
	free(r->pids);
	free(r);
	return ret;
}
