// SPDX-License-Identifier: GPL-2.0
/*
 * cgroups.c - the cgroup id -> path table of the rules (cgroups.h): nftw()
 * over the cgroup2 mount collects each directory's inode number and path,
 * then a hash table by id is built; the new table replaces the old one only
 * once complete.
 */
#define _GNU_SOURCE /* nftw's FTW_ACTIONRETVAL */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cgroups.h"

struct cgroup_ent {
	uint64_t id;  /* 0: empty */
	uint32_t off; /* of its path in names */
};

/* What a walk collects (nftw's callback takes no argument: one walk at a time). */
static struct walk {
	size_t root_len;
	uint64_t *ids;
	uint32_t *offs;
	uint32_t nr;
	size_t ids_cap, offs_cap;
	char *names;
	size_t len, names_cap;
	int err;
} w;

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint32_t hash_id(uint64_t id)
{
	return (uint32_t)((id * 0x9e3779b97f4a7c15ULL) >> 32);
}

static bool grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return true;
	while (n < need)
		n *= 2;
	q = realloc(*p, n * size);
	if (!q)
		return false;
	*p = q;
	*cap = n;
	return true;
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	const char *rel = path + w.root_len;
	size_t n;

	(void)ftw;
	if (type != FTW_D)
		return 0;
	if (!*rel)
		rel = "/";
	n = strlen(rel) + 1;
	if (!grow((void **)&w.ids, &w.ids_cap, w.nr + 1, sizeof(*w.ids)) ||
	    !grow((void **)&w.offs, &w.offs_cap, w.nr + 1, sizeof(*w.offs)) ||
	    !grow((void **)&w.names, &w.names_cap, w.len + n, 1)) {
		w.err = -ENOMEM;
		return 1;
	}
	w.ids[w.nr] = (uint64_t)st->st_ino;
	w.offs[w.nr] = (uint32_t)w.len;
	memcpy(w.names + w.len, rel, n);
	w.len += n;
	w.nr++;
	return 0;
}

int cgroup_map_rescan(struct cgroup_map *m)
{
	struct cgroup_ent *tab;
	uint32_t slots = 16, i, j;

	memset(&w, 0, sizeof(w));
	w.root_len = strlen(m->root);
	m->want_rescan = false;
	m->last_scan_ns = mono_ns();
	m->nr_scans++;
	if (nftw(m->root, visit, 32, FTW_PHYS | FTW_MOUNT) < 0 && !w.err)
		w.err = -errno;
	if (!w.err && !w.nr)
		w.err = -ENOENT;
	while (!w.err && slots < 2 * w.nr)
		slots <<= 1;
	tab = w.err ? NULL : calloc(slots, sizeof(*tab));
	if (!tab) {
		free(w.ids);
		free(w.offs);
		free(w.names);
		return w.err ? w.err : -ENOMEM;
	}
	for (i = 0; i < w.nr; i++) {
		for (j = hash_id(w.ids[i]) & (slots - 1); tab[j].id; j = (j + 1) & (slots - 1))
			;
		tab[j].id = w.ids[i];
		tab[j].off = w.offs[i];
	}
	free(m->tab);
	free(m->names);
	m->tab = tab;
	m->mask = slots - 1;
	m->names = w.names;
	m->nr = w.nr;
	free(w.ids);
	free(w.offs);
	return 0;
}

int cgroup_map_init(struct cgroup_map *m, const char *root)
{
	memset(m, 0, sizeof(*m));
	if (snprintf(m->root, sizeof(m->root), "%s", root) >= (int)sizeof(m->root))
		return -ENAMETOOLONG;
	/* "/sys/fs/cgroup/" would make every path start without its '/' */
	while (strlen(m->root) > 1 && m->root[strlen(m->root) - 1] == '/')
		m->root[strlen(m->root) - 1] = '\0';
	return cgroup_map_rescan(m);
}

void cgroup_map_free(struct cgroup_map *m)
{
	free(m->tab);
	free(m->names);
	m->tab = NULL;
	m->names = NULL;
}

const char *cgroup_map_path(void *arg, uint64_t id)
{
	struct cgroup_map *m = arg;
	uint32_t i;

	if (m->tab && id) {
		for (i = hash_id(id) & m->mask; m->tab[i].id; i = (i + 1) & m->mask)
			if (m->tab[i].id == id)
				return m->names + m->tab[i].off;
	}
	m->want_rescan = true;
	return NULL;
}

bool cgroup_map_maybe_rescan(struct cgroup_map *m, uint64_t now_ns)
{
	if (!m->want_rescan || now_ns - m->last_scan_ns < CGROUP_RESCAN_MIN_NS)
		return false;
	cgroup_map_rescan(m);
	return true;
}
