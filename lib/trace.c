// SPDX-License-Identifier: GPL-2.0
/*
 * trace.c - reads and checks a scheduling trace (trace.h) for the
 * simulator's replay, and fills the header the recorder writes. Every
 * refusal names the byte offset where the file went wrong.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "trace.h"

#define MAX_TRACE_BYTES (1ULL << 40)

void cland_trace_header_init(struct cland_trace_header *h, int nr_cpus, uint64_t start_ns,
			     uint64_t slice_ns, uint64_t slice_min_ns, const char *policy)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->magic, CLAND_TRACE_MAGIC, sizeof(h->magic));
	h->version = CLAND_TRACE_VERSION;
	h->header_size = sizeof(*h);
	h->record_size = sizeof(struct cland_trace_rec);
	h->nr_cpus = (uint32_t)nr_cpus;
	h->start_ns = start_ns;
	h->slice_ns = slice_ns;
	h->slice_min_ns = slice_min_ns;
	snprintf(h->policy, sizeof(h->policy), "%s", policy ? policy : "");
}

static int __attribute__((format(printf, 4, 5)))
bad(char *err, size_t len, const char *name, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (err && len)
		snprintf(err, len, "%s: %s", name, msg);
	return -1;
}

static int check_header(const struct cland_trace_header *h, size_t len, const char *name, char *err,
			size_t errlen)
{
	if (len < sizeof(h->magic) || memcmp(h->magic, CLAND_TRACE_MAGIC, sizeof(h->magic)))
		return bad(err, errlen, name,
			   "corrupt at offset 0: not a scx_cland trace (no \"%s\" magic)",
			   CLAND_TRACE_MAGIC);
	if (len < sizeof(*h))
		return bad(err, errlen, name, "truncated at offset %zu: the header needs %zu bytes",
			   len, sizeof(*h));
	if (h->version != CLAND_TRACE_VERSION)
		return bad(err, errlen, name,
			   "corrupt at offset 8: trace version %u, this build reads version %d",
			   h->version, CLAND_TRACE_VERSION);
	if (h->header_size != sizeof(*h))
		return bad(err, errlen, name, "corrupt at offset 12: header size %u, not %zu",
			   h->header_size, sizeof(*h));
	if (h->record_size != sizeof(struct cland_trace_rec))
		return bad(err, errlen, name, "corrupt at offset 16: record size %u, not %zu",
			   h->record_size, sizeof(struct cland_trace_rec));
	if (!h->nr_cpus || h->nr_cpus > CLAND_MAX_CPUS)
		return bad(err, errlen, name, "corrupt at offset 20: %u CPUs (1..%d)", h->nr_cpus,
			   CLAND_MAX_CPUS);
	if (memchr(h->policy, '\0', sizeof(h->policy)) == NULL)
		return bad(err, errlen, name, "corrupt at offset 48: policy name not terminated");
	return 0;
}

/* One record, at byte @off; @prev_ts is the time of the one before. */
static int check_rec(const struct cland_trace_rec *r, const struct cland_trace_header *h,
		     uint64_t prev_ts, size_t off, const char *name, char *err, size_t errlen)
{
	if (r->type < CLAND_TRACE_TASK || r->type > CLAND_TRACE_END)
		return bad(err, errlen, name, "corrupt at offset %zu: unknown record type %u", off,
			   r->type);
	if (r->zero)
		return bad(err, errlen, name, "corrupt at offset %zu: reserved bytes not 0", off);
	if (r->ts_ns < prev_ts)
		return bad(err, errlen, name,
			   "corrupt at offset %zu: time goes back (%llu ns before the previous "
			   "record)",
			   off, (unsigned long long)(prev_ts - r->ts_ns));
	if (r->type == CLAND_TRACE_END)
		return 0;
	if (r->pid <= 0)
		return bad(err, errlen, name, "corrupt at offset %zu: pid %d", off, r->pid);
	switch (r->type) {
	case CLAND_TRACE_TASK:
		if (r->cpu < 0 || r->cpu >= (int32_t)h->nr_cpus)
			return bad(err, errlen, name, "corrupt at offset %zu: task on CPU %d of %u",
				   off, r->cpu, h->nr_cpus);
		if (!r->task.weight || r->task.weight > 10000)
			return bad(err, errlen, name, "corrupt at offset %zu: weight %llu", off,
				   (unsigned long long)r->task.weight);
		break;
	case CLAND_TRACE_DECISION:
		if (r->cpu != CLAND_CPU_ANY && (r->cpu < 0 || r->cpu >= CLAND_MAX_CPUS))
			return bad(err, errlen, name, "corrupt at offset %zu: decision for CPU %d",
				   off, r->cpu);
		break;
	case CLAND_TRACE_INFO:
		if (r->flags >= CLAND_TRACE_MASK_PARTS)
			return bad(err, errlen, name,
				   "corrupt at offset %zu: affinity mask part %u", off, r->flags);
		if (!memchr(r->info.comm, '\0', sizeof(r->info.comm)))
			return bad(err, errlen, name,
				   "corrupt at offset %zu: task name not terminated", off);
		break;
	}
	return 0;
}

int cland_trace_parse(const void *data, size_t len, const char *name, struct cland_trace *t,
		      char *err, size_t errlen)
{
	const struct cland_trace_rec *recs;
	const char *p = data;
	size_t nr, i, rest, off;
	uint64_t prev_ts;

	memset(t, 0, sizeof(*t));
	if (len >= sizeof(t->hdr))
		memcpy(&t->hdr, p, sizeof(t->hdr));
	else
		memcpy(&t->hdr, p, len);
	if (check_header(&t->hdr, len, name, err, errlen))
		return -1;
	rest = (len - sizeof(t->hdr)) % sizeof(*recs);
	nr = (len - sizeof(t->hdr)) / sizeof(*recs);
	recs = (const void *)(p + sizeof(t->hdr));
	prev_ts = t->hdr.start_ns;
	for (i = 0; i < nr; i++) {
		off = sizeof(t->hdr) + i * sizeof(*recs);
		if (check_rec(&recs[i], &t->hdr, prev_ts, off, name, err, errlen))
			return -1;
		prev_ts = recs[i].ts_ns;
		if (recs[i].type != CLAND_TRACE_END)
			continue;
		if (i + 1 < nr || rest)
			return bad(err, errlen, name,
				   "corrupt at offset %zu: data after the end record",
				   off + sizeof(*recs));
		if (recs[i].end.nr_records != i)
			return bad(err, errlen, name,
				   "corrupt at offset %zu: the end record counts %llu records, the "
				   "file has %zu",
				   off, (unsigned long long)recs[i].end.nr_records, i);
		if (recs[i].end.reason > CLAND_TRACE_END_ERROR)
			return bad(err, errlen, name, "corrupt at offset %zu: end reason %llu", off,
				   (unsigned long long)recs[i].end.reason);
	}
	off = sizeof(t->hdr) + nr * sizeof(*recs);
	if (rest)
		return bad(err, errlen, name,
			   "truncated at offset %zu: a record cut after %zu of its %zu bytes", off,
			   rest, sizeof(*recs));
	if (!nr || recs[nr - 1].type != CLAND_TRACE_END)
		return bad(err, errlen, name,
			   "truncated at offset %zu: no end record (the recording was cut short: "
			   "scx_cland killed, or the file copied in part)",
			   off);
	t->recs = malloc(nr * sizeof(*recs));
	if (!t->recs)
		return bad(err, errlen, name, "out of memory");
	memcpy(t->recs, recs, nr * sizeof(*recs));
	t->nr = nr;
	return 0;
}

int cland_trace_load(const char *path, struct cland_trace *t, char *err, size_t errlen)
{
	struct stat st;
	FILE *f;
	char *buf;
	size_t n;
	int ret;

	memset(t, 0, sizeof(*t));
	f = fopen(path, "rb");
	if (!f || fstat(fileno(f), &st)) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > MAX_TRACE_BYTES) {
		snprintf(err, errlen, "%s: not a regular file of at most 1 TiB", path);
		fclose(f);
		return -1;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory (%lld bytes)", path,
			 (long long)st.st_size);
		fclose(f);
		return -1;
	}
	n = fread(buf, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error at offset %zu", path, n);
		ret = -1;
	} else {
		ret = cland_trace_parse(buf, n, path, t, err, errlen);
	}
	fclose(f);
	free(buf);
	return ret;
}

void cland_trace_free(struct cland_trace *t)
{
	free(t->recs);
	t->recs = NULL;
	t->nr = 0;
}
