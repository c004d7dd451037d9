/* SPDX-License-Identifier: GPL-2.0 */
/*
 * profiles.h - scx_cland's presets (--profile NAME): a policy, slices and
 * rules for a kind of machine. An option given explicitly wins over the
 * profile's (-p, -s, -S; --rules replaces the profile's rules).
 */
#ifndef __CLAND_PROFILES_H
#define __CLAND_PROFILES_H

#include <stdint.h>

struct cland_profile {
	const char *name;
	const char *summary;
	const char *policy;
	uint64_t slice_us, slice_min_us;
	const char *rules; /* a rules file's text (JSON) */
};

/* The profiles, ending with a NULL name. */
extern const struct cland_profile cland_profiles[];

/* The profile @name, NULL if there is none. */
const struct cland_profile *cland_profile_find(const char *name);

#endif /* __CLAND_PROFILES_H */
