// SPDX-License-Identifier: GPL-2.0
/*
 * alloc.c - counts the heap allocations a policy makes in the daemon's hot
 * path (enqueue, dispatch, nr_pending: lib/policy.h forbids them there):
 * cland-sim replaces malloc, calloc and realloc with wrappers around glibc's
 * own (__libc_malloc...), which count a call while sim_alloc_watch(true) is
 * in effect. free() stays glibc's: the memory is glibc's either way.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim.h"

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t nmemb, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);

static bool watching;
static uint64_t seen;

void sim_alloc_watch(bool on)
{
	watching = on;
}

uint64_t sim_alloc_seen(void)
{
	return seen;
}

void *malloc(size_t size)
{
	seen += watching;
	return __libc_malloc(size);
}

void *calloc(size_t nmemb, size_t size)
{
	seen += watching;
	return __libc_calloc(nmemb, size);
}

void *realloc(void *ptr, size_t size)
{
	seen += watching;
	return __libc_realloc(ptr, size);
}
