// SPDX-License-Identifier: GPL-2.0
/*
 * registry.c - the table of policies built into scx_cland, and lookup by
 * name. To add a policy, declare its object here and list it in
 * cland_policies[] (the first entry is the default).
 */
#include <string.h>

#include "policy.h"

extern const struct cland_policy cland_policy_deadline;
extern const struct cland_policy cland_policy_vruntime;
extern const struct cland_policy cland_policy_fifo;

const struct cland_policy *const cland_policies[] = {
	&cland_policy_deadline,
	&cland_policy_vruntime,
	&cland_policy_fifo,
	NULL,
};

const struct cland_policy *cland_policy_find(const char *name)
{
	const struct cland_policy *const *p;

	if (!name)
		return NULL;
	for (p = cland_policies; *p; p++) {
		if (!strcmp((*p)->name, name))
			return *p;
	}
	return NULL;
}
