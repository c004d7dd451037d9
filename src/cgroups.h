/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgroups.h - cgroup v2 ids to paths, for the rules' "cgroup" match. The
 * backend reports a task's cgroup by id, the inode number of its directory
 * under the cgroup2 mount: a table of id -> path is built by walking that
 * mount, outside the hot path, and built again (at most once a second) when
 * an id it does not know shows up. A lookup is O(1) and never allocates.
 */
#ifndef __CLAND_CGROUPS_H
#define __CLAND_CGROUPS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#define CLAND_CGROUP_ROOT    "/sys/fs/cgroup"
#define CGROUP_RESCAN_MIN_NS (1000ULL * 1000 * 1000) /* at most one walk a second */

struct cgroup_ent;

struct cgroup_map {
	char root[PATH_MAX];
	struct cgroup_ent *tab; /* open addressing by id */
	uint32_t mask;		/* slots - 1 */
	char *names;		/* the paths, NUL-terminated, one after the other */
	uint32_t nr;		/* cgroups known */
	bool want_rescan;	/* an unknown id was looked up since the last walk */
	uint64_t last_scan_ns;
	uint64_t nr_scans;
};

/* A map of the cgroup2 hierarchy mounted at @root; walked once now. 0 or -errno. */
int cgroup_map_init(struct cgroup_map *m, const char *root);
void cgroup_map_free(struct cgroup_map *m);
/*
 * The path of cgroup @id under the root ("/" for the root itself), NULL if
 * unknown (a walk is then wanted). A verdict_cgroup_fn: @arg is the map.
 */
const char *cgroup_map_path(void *arg, uint64_t id);
/* Walk again if wanted and the last walk is CGROUP_RESCAN_MIN_NS old; true if it walked. */
bool cgroup_map_maybe_rescan(struct cgroup_map *m, uint64_t now_ns);
/* Walk now: 0, or -errno (the old table stays). */
int cgroup_map_rescan(struct cgroup_map *m);

#endif /* __CLAND_CGROUPS_H */
