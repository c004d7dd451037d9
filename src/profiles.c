// SPDX-License-Identifier: GPL-2.0
/*
 * profiles.c - the presets of --profile (profiles.h). Their rules are rules
 * files like any other (checked by the same parser, on this machine, before
 * anything is loaded), matching common command names; `scx_cland --profile
 * NAME --print-rules` shows them, as a start for a file of one's own.
 */
#include <string.h>

#include "profiles.h"

/* Interactive sound: a late period is a click. */
#define AUDIO_RULES                                                                                \
	"{\"name\": \"audio\", \"match\": {\"comm\": \"pipewire*\"}, \"latency_critical\": "       \
	"true},\n"                                                                                 \
	"{\"name\": \"audio-session\", \"match\": {\"comm\": \"wireplumber\"}, "                   \
	"\"latency_critical\": true},\n"                                                           \
	"{\"name\": \"pulseaudio\", \"match\": {\"comm\": \"pulseaudio\"}, "                       \
	"\"latency_critical\": true},\n"

/* What draws the screen. */
#define COMPOSITOR_RULES                                                                           \
	"{\"name\": \"gnome-shell\", \"match\": {\"comm\": \"gnome-shell\"}, "                     \
	"\"latency_critical\": true},\n"                                                           \
	"{\"name\": \"kwin\", \"match\": {\"comm\": \"kwin_wayland\"}, \"latency_critical\": "     \
	"true},\n"                                                                                 \
	"{\"name\": \"xorg\", \"match\": {\"comm\": \"Xorg\"}, \"latency_critical\": true},\n"     \
	"{\"name\": \"xwayland\", \"match\": {\"comm\": \"Xwayland\"}, \"latency_critical\": "     \
	"true},\n"                                                                                 \
	"{\"name\": \"sway\", \"match\": {\"comm\": \"sway\"}, \"latency_critical\": true},\n"

/* Housekeeping nobody waits for. */
#define INDEXER_RULES                                                                              \
	"{\"name\": \"locate-db\", \"match\": {\"comm\": \"updatedb*\"}, \"background\": "         \
	"true},\n"                                                                                 \
	"{\"name\": \"file-indexer\", \"match\": {\"comm\": \"tracker-miner-f*\"}, "               \
	"\"background\": true},\n"                                                                 \
	"{\"name\": \"kde-indexer\", \"match\": {\"comm\": \"baloo_file*\"}, \"background\": "     \
	"true},\n"                                                                                 \
	"{\"name\": \"man-db\", \"match\": {\"comm\": \"mandb\"}, \"background\": true}"

const struct cland_profile cland_profiles[] = {
	{
		.name = "desktop",
		.summary = "interactive first: sound and compositor latency-critical, indexers in "
			   "the background, 10 ms slices",
		.policy = "deadline",
		.slice_us = 10000,
		.slice_min_us = 500,
		.rules = "{\"description\": \"scx_cland profile desktop\", \"rules\": "
			 "[\n" AUDIO_RULES COMPOSITOR_RULES INDEXER_RULES "\n]}\n",
	},
	{
		.name = "gaming",
		.summary = "a game and what it needs first (Wine/Proton *.exe, sound, compositor), "
			   "shader caches in the background, 5 ms slices",
		.policy = "deadline",
		.slice_us = 5000,
		.slice_min_us = 250,
		.rules =
			"{\"description\": \"scx_cland profile gaming\", \"rules\": [\n" AUDIO_RULES
				COMPOSITOR_RULES
			"{\"name\": \"game\", \"match\": {\"comm\": \"*.exe\"}, "
			"\"latency_critical\": true},\n"
			"{\"name\": \"gamescope\", \"match\": {\"comm\": \"gamescope*\"}, "
			"\"latency_critical\": true},\n"
			"{\"name\": \"shader-cache\", \"match\": {\"comm\": \"fossilize*\"}, "
			"\"background\": true},\n" INDEXER_RULES "\n]}\n",
	},
	{
		.name = "server",
		.summary = "throughput and fair shares (vruntime), 20 ms slices, interactive "
			   "logins latency-critical, maintenance jobs in the background",
		.policy = "vruntime",
		.slice_us = 20000,
		.slice_min_us = 2000,
		.rules = "{\"description\": \"scx_cland profile server\", \"rules\": [\n"
			 "{\"name\": \"ssh\", \"match\": {\"comm\": \"sshd*\"}, "
			 "\"latency_critical\": true},\n"
			 "{\"name\": \"logrotate\", \"match\": {\"comm\": \"logrotate\"}, "
			 "\"background\": true},\n"
			 "{\"name\": \"upgrades\", \"match\": {\"comm\": \"unattended-upgr*\"}, "
			 "\"background\": true},\n" INDEXER_RULES "\n]}\n",
	},
	{
		.name = "powersave",
		.summary = "few wake-ups: 40 ms slices (vruntime), housekeeping in the background "
			   "and on CPU 0 only, so the other CPUs idle longer",
		.policy = "vruntime",
		.slice_us = 40000,
		.slice_min_us = 4000,
		.rules =
			"{\"description\": \"scx_cland profile powersave\", \"rules\": [\n"
			"{\"name\": \"locate-db\", \"match\": {\"comm\": \"updatedb*\"}, "
			"\"background\": true, \"cpus\": \"0\"},\n"
			"{\"name\": \"file-indexer\", \"match\": {\"comm\": \"tracker-miner-f*\"}, "
			"\"background\": true, \"cpus\": \"0\"},\n"
			"{\"name\": \"kde-indexer\", \"match\": {\"comm\": \"baloo_file*\"}, "
			"\"background\": true, \"cpus\": \"0\"},\n"
			"{\"name\": \"man-db\", \"match\": {\"comm\": \"mandb\"}, "
			"\"background\": true, \"cpus\": \"0\"},\n"
			"{\"name\": \"upgrades\", \"match\": {\"comm\": \"unattended-upgr*\"}, "
			"\"background\": true, \"cpus\": \"0\"}\n]}\n",
	},
	{.name = NULL},
};

const struct cland_profile *cland_profile_find(const char *name)
{
	const struct cland_profile *p;

	for (p = cland_profiles; name && p->name; p++)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}
