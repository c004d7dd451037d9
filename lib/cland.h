/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cland.h - libcland, the public API of scx_cland's framework.
 *
 * Two layers:
 *  - the BPF backend (struct cland_sched): attach the sched_ext backend, take
 *    queued tasks, send decisions back. Five calls make a scheduler:
 *    cland_open(), cland_recv_task(), cland_send_decision(),
 *    cland_notify_complete(), cland_close(); cland_wait() sleeps until there
 *    is work. (The library's names differ from the sched_ext callbacks of
 *    bpf/cland.bpf.c on purpose: ops.dequeue, ops.dispatch and
 *    ops.select_cpu mean something else.)
 *  - the main loop (cland_run()): drives a struct cland_policy (policy.h)
 *    with that backend, so that a policy never sees BPF.
 *
 * The hot path (recv_task, send_decision, claim_idle_cpu, wait) does no heap
 * allocation: cland_open() allocates the backend's memory and locks the
 * process' memory (mlockall, current and future pages) before it attaches,
 * so what the policy's init allocates afterwards is locked too.
 */
#ifndef __CLAND_H
#define __CLAND_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "intf.h"
#include "policy.h"

struct cland_sched;

struct cland_open_opts {
	uint64_t slice_ns; /* slice of a decision that gives none, and of the daemon */
	bool partial;	   /* schedule only tasks that set SCHED_EXT */
	uint64_t stall_ns; /* BPF schedules alone after the daemon stalls this long; 0: never */
};

/* Why cland_open() failed (also in the message it writes). */
enum cland_open_err {
	CLAND_ERR_NOT_ROOT = 1, /* needs CAP_SYS_ADMIN: run as root */
	CLAND_ERR_NO_SCHED_EXT, /* the kernel has no sched_ext */
	CLAND_ERR_BUSY,		/* another sched_ext scheduler is loaded */
	CLAND_ERR_LOAD,		/* the BPF backend did not load or attach */
};

/*
 * Load the BPF backend and make it the system's scheduler. Checks first that
 * we are root, that the kernel has sched_ext and that no other sched_ext
 * scheduler is loaded. Locks all memory (mlockall(MCL_CURRENT | MCL_FUTURE))
 * before attaching. On failure nothing stays loaded, *@out is NULL, @err
 * holds a message and an enum cland_open_err is returned; 0 on success.
 */
int cland_open(struct cland_sched **out, const struct cland_open_opts *opts, char *err,
	       size_t errlen);

/*
 * Receive the next task waiting for a decision. Returns 1 and fills @task, 0
 * when none is waiting. Never blocks.
 */
int cland_recv_task(struct cland_sched *s, struct cland_queued *task);

/*
 * Send a decision to the kernel. Returns 0, or -ENOSPC when the decision
 * ring is full (yield the CPU and retry: the kernel drains it).
 */
int cland_send_decision(struct cland_sched *s, const struct cland_decision *d);

/*
 * Find and claim an idle CPU that task @pid may use, preferring @prev_cpu and
 * whole idle cores. Returns the CPU, or a negative value when none is idle.
 */
int cland_claim_idle_cpu(struct cland_sched *s, int32_t pid, int32_t prev_cpu);

/*
 * What the backend must know of the rule of task @pid (struct
 * cland_task_rule of bpf/intf.h: a CPU set it never places the task outside
 * (nor outside its own affinity; a set that leaves it no CPU is ignored),
 * latency-critical preemption), or nothing (@rule NULL). Returns 0, -ESRCH
 * when the task is gone, or another -errno. Not for the hot path: a few
 * system calls, for tasks whose verdict changed.
 */
int cland_set_task_rule(struct cland_sched *s, int32_t pid, const struct cland_task_rule *rule);
/* Whether the backend looks the rules up at all (off: they cost nothing, and are ignored). */
void cland_enable_task_rules(struct cland_sched *s, bool on);

/* Tell the kernel how many tasks the policy still holds (0: all dispatched). */
void cland_notify_complete(struct cland_sched *s, uint64_t nr_pending);

/*
 * Sleep until tasks are queued, at most @timeout_ms. Returns 1 if tasks are
 * waiting, 0 on timeout, -EINTR when a signal came, another -errno on error.
 */
int cland_wait(struct cland_sched *s, int timeout_ms);

/*
 * Also wake cland_wait_fds() when @fd is readable (or fails): @id, 1..63, is
 * the bit set for it in cland_wait_fds()'s *ready. Up to CLAND_MAX_SERVICES
 * fds per cland_sched; they stay registered until cland_close() (which does
 * not close them). Returns 0 or -errno.
 */
int cland_wait_add_fd(struct cland_sched *s, int fd, unsigned int id);

/*
 * cland_wait() that also reports the fds added with cland_wait_add_fd():
 * *@ready gets bit id for each of them that is ready. While tasks are
 * waiting it returns 1 at once, looking at the fds (without sleeping) at
 * most every 10 ms, so that a busy scheduler still serves them.
 */
int cland_wait_fds(struct cland_sched *s, int timeout_ms, uint64_t *ready);

/* Snapshot of the backend's counters (struct cland_counters in intf.h). */
void cland_read_counters(const struct cland_sched *s, struct cland_counters *c);
/* Tasks the policy reported holding at the last cland_notify_complete(). */
uint64_t cland_nr_pending(const struct cland_sched *s);
/* Tasks runnable under the scheduler now, the daemon not counted (backend's count). */
uint64_t cland_nr_runnable(const struct cland_sched *s);
/* True while the backend schedules alone because the daemon stalled. */
bool cland_degraded(const struct cland_sched *s);

/*
 * The check that the tasks' timestamps and host->now() are on one clock:
 * tasks checked (one in 64 received) and errors (a stop time ahead of
 * host->now() by over 1 ms). Errors must stay 0.
 */
struct cland_clock_check {
	uint64_t seen, checked, errors;
};
const struct cland_clock_check *cland_clock_check(const struct cland_sched *s);

/* Where cland_open()'s time went: ms from its start to the end of each step. */
struct cland_open_times {
	uint64_t configured_ms; /* BPF object opened, the kernel's constants read */
	uint64_t loaded_ms;	/* loaded: the verifier checked every program */
	uint64_t attached_ms;	/* rings mapped, memory locked, the scheduler enabled */
};
const struct cland_open_times *cland_open_times(const struct cland_sched *s);

/* True once the kernel has unloaded the scheduler (error, sysrq, hotplug..). */
bool cland_exited(const struct cland_sched *s);
/* What the kernel said when it unloaded us; kind is 0 while running. */
const struct cland_exit_info *cland_exit_info(const struct cland_sched *s);
/* The kernel asked us to re-attach (e.g. after a CPU hotplug). */
bool cland_restart_requested(const struct cland_sched *s);
/* The exit was an error (kind >= SCX_EXIT_ERROR): the daemon should fail. */
bool cland_exit_is_error(const struct cland_sched *s);
/* A readable name for an exit kind ("unregistered by user space", ...). */
const char *cland_exit_kind_str(int kind);

/* Detach: the system is back on the kernel's default scheduler. NULL is ok. */
void cland_close(struct cland_sched *s);

/* The policy's view of the backend (struct cland_host of policy.h). */
void cland_host_init(struct cland_host *host, struct cland_sched *s, int nr_cpus);

/*
 * Called by cland_run() every @interval_ms with the backend's counters, the
 * policy's (cland_policy_read_stats()) and the tasks the policy holds.
 */
typedef void (*cland_stats_fn)(const struct cland_counters *c, const struct cland_policy_stats *ps,
			       uint64_t nr_pending, void *arg);

/*
 * Work the daemon does besides scheduling, in the main loop's thread (the
 * daemon must stay one thread: the backend tells its threads apart by
 * process), e.g. a stats server. cland_run() waits on @fd as well as on the
 * queued tasks and calls @run(@arg) when @fd is readable, or every
 * @period_ms (to the loop's 100 ms sleep), always after the round's
 * decisions were sent. @run must not block: serve sockets non-blocking.
 */
struct cland_service {
	int fd;			/* -1: none (period only) */
	unsigned int period_ms; /* 0: only when @fd is ready */
	void (*run)(void *arg);
	void *arg;
};

#define CLAND_MAX_SERVICES 8

/*
 * Sees what the main loop moves (e.g. a trace recorder): @task before the
 * policy gets it, @decision once sent to the kernel. Both must be quick and
 * must not allocate: they run in the hot path.
 */
struct cland_observer {
	void (*task)(void *arg, const struct cland_queued *task);
	void (*decision)(void *arg, const struct cland_decision *d);
	void *arg;
};

struct cland_run_opts {
	volatile sig_atomic_t *stop;	   /* cland_run() returns when *stop becomes non-zero */
	cland_stats_fn stats;		   /* optional */
	void *stats_arg;		   /* given to stats() and policy_fault() */
	unsigned int stats_interval_ms;	   /* 0: stats only on request */
	volatile sig_atomic_t *report_now; /* optional: non-zero asks for stats now (cleared) */
	/*
	 * Optional: called once per kind the first time the backend had to step
	 * in for the policy (@what: "overdue", a task held over 1 s; "policy
	 * error", a malformed decision), with the count so far.
	 */
	void (*policy_fault)(const char *what, uint64_t count, void *arg);
	/*
	 * Optional: services[0 .. nr_services - 1] (nr_services at most
	 * CLAND_MAX_SERVICES) and an observer. Unused, they cost nothing.
	 */
	const struct cland_service *services;
	unsigned int nr_services;
	const struct cland_observer *observer;
};

/*
 * The main loop: take every queued task to @policy, send all its decisions,
 * report what it still holds, sleep until more work. Returns 0 when *stop was
 * set or the kernel unloaded the scheduler, -errno on a backend error.
 */
int cland_run(struct cland_sched *s, const struct cland_policy *policy, void *ctx,
	      const struct cland_run_opts *opts);

/* One line of counters: "queued=N user=N kernel=N ..." into @buf. */
int cland_format_counters(char *buf, size_t len, const struct cland_counters *c,
			  uint64_t nr_pending);

/*
 * The @pct-th percentile (nearest rank) of the round trips through user space
 * in @c's log2 histogram, in ns, interpolated within its bucket; 0 if none.
 */
uint64_t cland_rtt_percentile(const struct cland_counters *c, unsigned int pct);
/* The same for any log2 histogram of CLAND_RTT_BUCKETS buckets (e.g. wait_log2). */
uint64_t cland_log2_percentile(const __u64 *h, unsigned int pct);

#endif /* __CLAND_H */
