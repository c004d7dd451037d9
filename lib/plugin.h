/* SPDX-License-Identifier: GPL-2.0 */
/*
 * plugin.h - finding a policy by name: one built into scx_cland, or a
 * plug-in, a shared object built out of tree (lib/policy.h says what it
 * exports). Used by the daemon (-p, `scx_cland ctl policy`) and cland-sim.
 */
#ifndef __CLAND_PLUGIN_H
#define __CLAND_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>

#include "policy.h"

/* @name names a plug-in (a path: it has a '/' or ends in ".so"), not a built-in policy. */
bool cland_policy_is_path(const char *name);

/*
 * The policy @name: a built-in one, or the plug-in at path @name (dlopen:
 * *@handle is then its handle, else NULL). Returns 0, or -1 with a message in
 * @err naming the file and the problem (cannot load, no cland_plugin_policy
 * or cland_plugin_abi, an ABI other than CLAND_POLICY_ABI, a policy without
 * name or a callback it must have); nothing stays loaded then.
 */
int cland_policy_load(const char *name, const struct cland_policy **pol, void **handle, char *err,
		      size_t errlen);
/* Unload what cland_policy_load() loaded (NULL: a built-in policy, nothing to do). */
void cland_policy_unload(void *handle);

#endif /* __CLAND_PLUGIN_H */
