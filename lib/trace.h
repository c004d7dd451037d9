/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace.h - the scheduling trace file scx_cland --record writes and
 * cland-sim --replay reads: a versioned header, then fixed-size records in
 * time order (little-endian, as written on x86-64), the last one an END
 * record. A file that stops before its END record, or whose records do not
 * check out, is refused by cland_trace_load() with the byte offset of the
 * problem.
 */
#ifndef __CLAND_TRACE_H
#define __CLAND_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "../bpf/intf.h"

#define CLAND_TRACE_MAGIC      "CLANDTRC" /* 8 bytes, no NUL */
#define CLAND_TRACE_VERSION    1
#define CLAND_TRACE_MASK_CPUS  192 /* CPUs of an affinity mask per INFO record */
#define CLAND_TRACE_MASK_WORDS (CLAND_TRACE_MASK_CPUS / 64)
#define CLAND_TRACE_MASK_PARTS                                                                     \
	((CLAND_MAX_CPUS + CLAND_TRACE_MASK_CPUS - 1) / CLAND_TRACE_MASK_CPUS)

struct cland_trace_header {
	char magic[8];
	uint32_t version;
	uint32_t header_size; /* sizeof(struct cland_trace_header) */
	uint32_t record_size; /* sizeof(struct cland_trace_rec) */
	uint32_t nr_cpus;     /* CPUs of the machine (1..CLAND_MAX_CPUS) */
	uint64_t start_ns;    /* CLOCK_MONOTONIC when recording started */
	uint64_t slice_ns;    /* the daemon's -s */
	uint64_t slice_min_ns;
	char policy[32]; /* the policy that made the decisions */
	uint64_t reserved[6];
};

enum cland_trace_type {
	CLAND_TRACE_TASK = 1,	  /* a task handed to the policy (struct cland_queued) */
	CLAND_TRACE_DECISION = 2, /* a decision sent to the kernel */
	CLAND_TRACE_INFO = 3,	  /* a task's name and affinity (first seen, or changed) */
	CLAND_TRACE_END = 4,	  /* the last record */
};

/* Why the recording ended (END record). */
enum cland_trace_end {
	CLAND_TRACE_END_STOPPED = 0, /* the daemon stopped */
	CLAND_TRACE_END_LIMIT = 1,   /* the size limit (--record-max-mb) was reached */
	CLAND_TRACE_END_ERROR = 2,   /* a write failed (disk full...) */
};

struct cland_trace_rec {
	uint8_t type;	/* enum cland_trace_type */
	uint8_t flags;	/* TASK: enum cland_task_flags; INFO: mask part (CPUs part*192..) */
	uint16_t zero;	/* 0 */
	int32_t pid;	/* END: 0 */
	int32_t cpu;	/* TASK: CPU it last ran on; DECISION: target or CLAND_CPU_ANY */
	uint32_t aux;	/* TASK, INFO: nr_cpus_allowed */
	uint64_t ts_ns; /* CLOCK_MONOTONIC when the daemon saw it */
	union {
		struct {
			uint64_t weight;
			uint64_t exec_runtime; /* ns run since it last slept */
			uint64_t start_ts;     /* its last run: start, stop (CLOCK_MONOTONIC) */
			uint64_t stop_ts;
			uint64_t nr_runnable;
		} task;
		struct {
			uint64_t slice;
			uint64_t vtime;
			uint64_t deadline;
			uint64_t gen;
			uint64_t flags;
		} decision;
		struct {
			char comm[CLAND_COMM_LEN];
			uint64_t mask[CLAND_TRACE_MASK_WORDS];
		} info;
		struct {
			uint64_t nr_records; /* records before this one */
			uint64_t nr_dropped; /* events not recorded: the buffer was full */
			uint64_t reason;     /* enum cland_trace_end */
			uint64_t reserved[2];
		} end;
	};
};

_Static_assert(sizeof(struct cland_trace_header) == 128, "trace header: 128 bytes");
_Static_assert(sizeof(struct cland_trace_rec) == 64, "trace record: 64 bytes");

/* A trace read into memory and checked. */
struct cland_trace {
	struct cland_trace_header hdr;
	struct cland_trace_rec *recs; /* all records, END included (the last) */
	size_t nr;
};

/* The header of a new trace. */
void cland_trace_header_init(struct cland_trace_header *h, int nr_cpus, uint64_t start_ns,
			     uint64_t slice_ns, uint64_t slice_min_ns, const char *policy);

/*
 * Read @path and check it: header, every record (type, fields, times that
 * never go back), the END record last with the right count. Returns 0, or
 * -1 with "PATH: truncated at offset N: ..." or "PATH: corrupt at offset N:
 * ..." (or a read error) in @err.
 */
int cland_trace_load(const char *path, struct cland_trace *t, char *err, size_t errlen);
/* Check a trace already in memory (@data, @len bytes), as cland_trace_load(). */
int cland_trace_parse(const void *data, size_t len, const char *name, struct cland_trace *t,
		      char *err, size_t errlen);
void cland_trace_free(struct cland_trace *t);

#endif /* __CLAND_TRACE_H */
