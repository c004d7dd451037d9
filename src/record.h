/* SPDX-License-Identifier: GPL-2.0 */
/*
 * record.h - scx_cland --record FILE: writes every task the main loop hands
 * to the policy and every decision it sends to a trace file (lib/trace.h),
 * for cland-sim --replay. Observes only: it never changes a decision.
 */
#ifndef __CLAND_RECORD_H
#define __CLAND_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../bpf/intf.h"

#define CLAND_RECORD_BUF_RECORDS 32768 /* 2 MiB, allocated when the file is opened */

struct recorder;

struct recorder_opts {
	const char *path;
	uint64_t max_bytes; /* the file never grows past this (header and END included) */
	int nr_cpus;
	uint64_t slice_ns, slice_min_ns;
	const char *policy;
};

/* What a recording holds so far. */
struct recorder_stats {
	uint64_t nr_records; /* written or buffered, END not counted */
	uint64_t nr_dropped; /* events lost because the buffer was full */
	uint64_t bytes;	     /* written to the file */
	bool stopped;	     /* the size limit or a write error ended it */
};

/* Create @o->path and write its header. Returns 0, or -errno with a message in @err. */
int recorder_open(struct recorder **out, const struct recorder_opts *o, char *err, size_t errlen);
/* The hooks of a struct cland_observer: copy into the buffer, nothing more. */
void recorder_task(void *rec, const struct cland_queued *task);
void recorder_decision(void *rec, const struct cland_decision *d);
/*
 * Write the buffered records when a quarter of the buffer is used or a
 * second has passed (a struct cland_service's run, every 100 ms).
 */
void recorder_flush(void *rec);
void recorder_get_stats(const struct recorder *rec, struct recorder_stats *st);
/* Write the rest and the END record, close. Returns 0 or -errno. NULL is fine. */
int recorder_close(struct recorder *rec);

#endif /* __CLAND_RECORD_H */
