// SPDX-License-Identifier: GPL-2.0
/*
 * fair_clock.c - the virtual clock and fair slice of the deadline and
 * vruntime policies (fair_clock.h).
 */
#include "common.h"
#include "fair_clock.h"

void fair_clock_init(struct fair_clock *fc, const struct cland_host *host, uint64_t slice_ns,
		     uint64_t slice_min_ns)
{
	*fc = (struct fair_clock){.host = host, .slice_ns = slice_ns, .slice_min_ns = slice_min_ns};
}

uint64_t fair_clock_charge(const cland_task_t *task)
{
	return scale_inv_weight(task, time_delta(task->stop_ts, task->start_ts));
}

/* The tasks runnable F counts: the most seen within FAIR_CLOCK_PEAK_HOLD_NS. */
static uint64_t nr_bound(struct fair_clock *fc, const cland_task_t *task)
{
	fc->last_ts = time_max(fc->last_ts, task->stop_ts);
	if (task->nr_runnable >= fc->nr_peak ||
	    time_elapsed(fc->last_ts, fc->nr_peak_ts, FAIR_CLOCK_PEAK_HOLD_NS)) {
		fc->nr_peak = task->nr_runnable;
		fc->nr_peak_ts = fc->last_ts;
	}
	return fc->nr_peak;
}

/* F with nr_bound() tasks runnable; the clock jumps by twice what F lost. */
static uint64_t bound_slice(struct fair_clock *fc, const cland_task_t *task)
{
	cland_task_t t = *task;
	uint64_t fair;

	t.nr_runnable = nr_bound(fc, task);
	fair = fair_slice(fc->host, &t, fc->slice_ns, fc->slice_min_ns);
	if (fair < fc->fair)
		fc->now = sat_add(fc->now, 2 * (fc->fair - fair));
	fc->fair = fair;
	return fair;
}

uint64_t fair_clock_enqueue(struct fair_clock *fc, const cland_task_t *task, uint64_t charge)
{
	uint64_t fair = bound_slice(fc, task);
	uint64_t step = charge / (task->nr_runnable ? task->nr_runnable : 1);

	fc->now = sat_add(fc->now, step < fc->slice_ns ? step : fc->slice_ns);
	return fair;
}
