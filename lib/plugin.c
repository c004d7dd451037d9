// SPDX-License-Identifier: GPL-2.0
/*
 * plugin.c - policies by name (plugin.h): the built-in table, or dlopen()
 * of a plug-in and the checks of its contract (lib/policy.h) before anything
 * of it runs.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "plugin.h"

#define PLUGIN_MAX_CTX (1ULL << 30) /* a ctx_size beyond 1 GiB is surely garbage */

bool cland_policy_is_path(const char *name)
{
	size_t n = strlen(name);

	return strchr(name, '/') || (n > 3 && !strcmp(name + n - 3, ".so"));
}

/* What a plug-in's policy must have; NULL if it is complete. */
static const char *incomplete(const struct cland_policy *p)
{
	if (!p->name || !*p->name)
		return "has no name";
	if (strlen(p->name) > 63)
		return "has a name longer than 63 characters";
	if (!p->init)
		return "has no init()";
	if (!p->enqueue)
		return "has no enqueue()";
	if (!p->dispatch)
		return "has no dispatch()";
	if (!p->nr_pending)
		return "has no nr_pending()";
	if (!p->exit)
		return "has no exit()";
	if (p->ctx_size > PLUGIN_MAX_CTX)
		return "asks for a ctx_size over 1 GiB";
	return NULL;
}

int cland_policy_load(const char *name, const struct cland_policy **pol, void **handle, char *err,
		      size_t errlen)
{
	const struct cland_policy *const *sym_pol;
	const int *sym_abi;
	const char *why;
	void *h;

	*pol = NULL;
	*handle = NULL;
	if (!cland_policy_is_path(name)) {
		*pol = cland_policy_find(name);
		if (*pol)
			return 0;
		snprintf(
			err, errlen,
			"unknown policy '%s' (see --list-policies; a plug-in is given by its path, "
			"e.g. ./%s.so)",
			name, name);
		return -1;
	}
	h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(err, errlen, "plug-in %s: cannot load it: %s", name, dlerror());
		return -1;
	}
	sym_abi = dlsym(h, CLAND_PLUGIN_ABI_SYM);
	sym_pol = dlsym(h, CLAND_PLUGIN_POLICY_SYM);
	if (!sym_abi || !sym_pol) {
		snprintf(err, errlen,
			 "plug-in %s: no symbol %s: not a scx_cland policy (it must export "
			 "cland_plugin_policy and cland_plugin_abi: CLAND_PLUGIN(policy) of "
			 "policy.h)",
			 name, !sym_abi ? CLAND_PLUGIN_ABI_SYM : CLAND_PLUGIN_POLICY_SYM);
		goto fail;
	}
	if (*sym_abi != CLAND_POLICY_ABI) {
		snprintf(err, errlen,
			 "plug-in %s: built for policy ABI %d (task %d B, decision + host %d B), "
			 "its host has ABI %d (task %d B, decision + host %d B): rebuild it "
			 "against this version's policy.h",
			 name, *sym_abi >> 24, (*sym_abi >> 12) & 0xfff, *sym_abi & 0xfff,
			 CLAND_POLICY_ABI >> 24, (CLAND_POLICY_ABI >> 12) & 0xfff,
			 CLAND_POLICY_ABI & 0xfff);
		goto fail;
	}
	if (!*sym_pol) {
		snprintf(err, errlen, "plug-in %s: cland_plugin_policy is NULL", name);
		goto fail;
	}
	why = incomplete(*sym_pol);
	if (why) {
		snprintf(err, errlen, "plug-in %s: its policy %s", name, why);
		goto fail;
	}
	*pol = *sym_pol;
	*handle = h;
	return 0;
fail:
	dlclose(h);
	return -1;
}

void cland_policy_unload(void *handle)
{
	if (handle)
		dlclose(handle);
}
