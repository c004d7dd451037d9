/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cland_time.h - wrap-safe arithmetic on u64 nanosecond timestamps, the
 * vocabulary of the scx schedulers' common.bpf.h, shared by the BPF backend
 * and by the host code that models it (the simulator, the tests).
 *
 * A timestamp taken on one CPU and compared on another may look a few
 * microseconds in the future: "now - then" on u64 then wraps to a huge
 * value. Every comparison of two timestamps goes through these helpers.
 */
#ifndef __CLAND_TIME_H
#define __CLAND_TIME_H

#ifndef __bpf__
#include <linux/types.h>
#include <stdbool.h>
#endif

/* @after - @before, or 0 when @before is later (clock skew between CPUs). */
static inline __u64 time_delta(__u64 after, __u64 before)
{
	return (__s64)(after - before) > 0 ? after - before : 0;
}

/* @a is strictly earlier than @b (valid while they are < 2^63 ns apart). */
static inline bool time_before(__u64 a, __u64 b)
{
	return (__s64)(a - b) < 0;
}

/* @a is strictly later than @b. */
static inline bool time_after(__u64 a, __u64 b)
{
	return time_before(b, a);
}

/* The later of two timestamps. */
static inline __u64 time_max(__u64 a, __u64 b)
{
	return time_after(a, b) ? a : b;
}

/* At least @bound ns have passed from @since to @now (never on a skewed clock). */
static inline bool time_elapsed(__u64 now, __u64 since, __u64 bound)
{
	return time_delta(now, since) >= bound;
}

#endif /* __CLAND_TIME_H */
