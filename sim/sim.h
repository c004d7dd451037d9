/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sim.h - the simulator's internal state, shared by its parts: the event loop
 * (engine.c), the simulated BPF backend (kernel.c), the simulated daemon
 * (daemon.c), the dispatch queues (dsq.c), the wake-up queue (wakeq.c) and
 * the CPU indexes (cpus.c, cputree.c). Not a public interface.
 */
#ifndef __CLAND_SIM_SIM_H
#define __CLAND_SIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"

#define SIM_NONE       UINT64_MAX   /* "no such time" */
#define SIM_PID0       100	    /* pid of task 0; task i has pid SIM_PID0 + i */
#define SIM_SHARED     (-1)	    /* dsq id of the shared queue (per-CPU: the CPU) */
#define SIM_LOCAL(cpu) (-2 - (cpu)) /* dsq id of a CPU's local queue (SCX_DSQ_LOCAL) */

enum sim_task_state {
	SIM_T_NEW,	/* not started yet */
	SIM_T_SLEEPING, /* between bursts */
	SIM_T_USER,	/* queued to user space, waiting for its decision */
	SIM_T_DSQ,	/* decided: waiting in a dispatch queue */
	SIM_T_RUNNING,
};

struct sim_task {
	int group;
	int32_t pid;
	enum sim_task_state state;
	int cpu;		/* the CPU it last ran on (or was placed on) */
	int ran_on;		/* the CPU of its last run (-1: none yet); cpu may be newer */
	uint64_t weight;	/* sched_ext weight */
	uint64_t prng;		/* its own random stream */
	uint64_t burst_left;	/* CPU time still to use before it sleeps */
	uint64_t wake_at;	/* NEW or SLEEPING: when it becomes runnable */
	uint64_t waiting_since; /* runnable and not running since then */
	bool woke;		/* that wait started with a wake-up: a latency sample */
	bool waits_msg;		/* sleeping until a message comes to its group (inbox.c) */
	bool wake_sync;		/* woken by a message at a pipe-like inbox (SCX_WAKE_SYNC) */
	bool wake_quiet;    /* woken by a running task's message (sync or not): preempts no one */
	bool queued_quiet;  /* the enqueue in user space was a quiet wake-up */
	uint64_t dsq_slice; /* in a DSQ: the slice it will run with */
	int dsq;	    /* in a DSQ: which one (a CPU or SIM_SHARED) */
	uint64_t dsq_seq;   /* and its entry's seq there (older entries are stale) */
	uint64_t cpu_ns;
	uint64_t bursts;  /* bursts it completed */
	uint32_t held;	  /* its records the policy got and has not answered */
	uint64_t held_at; /* when the policy got the latest of them */
	/* struct task_ctx of the BPF backend */
	uint64_t gen;
	uint64_t vtime;
	uint64_t deadline;
	uint64_t exec_runtime;
	uint64_t last_run; /* from its last wake-up to its last sleep (decide_protect()) */
	uint64_t start_ts;
	uint64_t stop_ts;
	uint64_t unseen;	  /* ns run since the policy last saw it */
	uint64_t standing_left;	  /* CPU time its standing decision still covers */
	uint64_t standing_slice;  /* and its slice */
	uint64_t standing_charge; /* ns run since its deadline was last moved */
	uint64_t runnable_at;	  /* when it last became runnable (woke, or its run stopped) */
	uint64_t queued_at;	  /* when its record was last queued to user space */
	uint64_t run_slice;	  /* the slice its current run started with */
	uint64_t slice_left;	  /* preempted: what was left of its slice */
	uint64_t carried;	  /* preempted and requeued: time run since the policy saw it */
	bool requeue;		  /* preempted with slice left: back to a DSQ in BPF */
	bool slice_ended; /* its slice ran out while runnable: its standing decision goes on */
	bool taken_back;  /* sim_take_back() ran it, and it has not slept since */
};

/* What a CPU last ran, for context switches: a task, or these. */
#define SIM_LAST_IDLE	(-1)
#define SIM_LAST_DAEMON (-2)

struct sim_cpu {
	int task;     /* running task or -1 */
	bool claimed; /* idle but claimed (select_cpu, kick): not idle any more */
	bool resched; /* kicked: goes through dispatch at the end of this instant */
	bool preempt; /* kicked with SCX_KICK_PREEMPT: the running slice ends */
	bool daemon;  /* the daemon runs on it, until daemon_until */
	uint64_t daemon_until;
	uint64_t seg_start; /* start of the run segment not accounted yet (after a switch) */
	uint64_t run_start; /* when its task's run started (ops.running, after the switch) */
	uint64_t slice_end;
	int last;   /* what it ran last: a task, SIM_LAST_IDLE or SIM_LAST_DAEMON */
	bool stale; /* changed since the trees of cpus.c were brought up to date */
	/* struct cpu_ctx of the BPF backend */
	uint64_t deadline;
	uint64_t started_at; /* when its task's run started (preemption granularity) */
	uint64_t protect;    /* and how long it is protected (decide_protect()) */
	bool busy;
	bool preempting; /* kicked to preempt: its task, still runnable, requeues in BPF */
};

struct sim_dsq_ent {
	uint64_t deadline;
	uint64_t seq; /* insertion order: FIFO among equal deadlines */
	int task;
};

/* A binary min-heap on (deadline, seq). */
struct sim_lane {
	struct sim_dsq_ent *e;
	int nr;
	int cap;
};

/*
 * A dispatch queue, ordered by (deadline, seq): lane 0 for the tasks allowed
 * on every CPU, then (shared queue only) one lane per pinned group (dsq.c).
 */
struct sim_dsq {
	struct sim_lane *lane;
	int nr_lanes;
	int *live;     /* the pinned lanes that hold tasks */
	int *live_pos; /* index of each lane in live[] */
	int nr_live;
	int nr; /* tasks in all lanes */
};

/* A set of CPUs: a bitmap, and a bit per non-empty word of it (cpus.c). */
struct sim_cpuset {
	uint64_t word[SIM_MASK_WORDS];
	uint64_t summary;
	int nr;
};

/* Tournament tree over the CPUs (cputree.c). */
struct sim_cputree {
	int *node;     /* [1, 2 * leaves): best CPU of the subtree, or -1; leaves last */
	uint64_t *key; /* per CPU */
	int leaves;    /* a power of two >= nr_cpus */
	bool latest;   /* best = latest key (wrap-around order), else earliest */
};

/* A task record in flight to the daemon, delivered at @due. */
struct sim_record {
	uint64_t due;
	cland_task_t task;
};

struct sim_daemon {
	const struct cland_policy *pol;
	void *ctx;
	struct sim_record *ring; /* FIFO, at most one record per task */
	int head;
	int nr;
	uint64_t next_poll;  /* next round for tasks the policy holds, or SIM_NONE */
	uint64_t nr_pending; /* what the policy held after the last round */
	uint64_t nr_held;    /* records the policy got and has not answered (sim_task.held) */
	bool round_bad_pid;  /* this round had a decision naming no task */
	uint64_t busy_until; /* the daemon runs its last round's CPU cost until then */
};

/* A task handed to user space, for the overdue net (nets.c): a FIFO by time. */
struct sim_flight {
	uint64_t at;
	uint64_t gen;
	int task;
};

/* A task waiting in a DSQ, for the starvation net (nets.c): a heap by runnable_at. */
struct sim_starve {
	uint64_t runnable_at;
	uint64_t seq; /* the task's DSQ entry: stale once it left that DSQ */
	int task;
};

/* The backend's safety nets (nets.c). */
struct sim_nets {
	struct sim_flight *flight; /* ring */
	size_t flight_head, flight_nr, flight_cap;
	struct sim_starve *starve; /* heap */
	size_t starve_nr, starve_cap;
	uint64_t last_overdue_scan;
	uint64_t last_starve_scan;
	uint64_t next_watchdog; /* the kernel's watchdog looks at the tasks then */
	uint64_t next_beat;	/* the heartbeat runs then */
};

/* An inbox of messages (inbox.c): a group's or a task's. */
struct sim_box {
	uint64_t msgs;
	uint64_t cap; /* messages it holds at most; 0: no limit */
	int *ring;    /* tasks waiting for a message, FIFO */
	int head, nr, size;
	int blocked_head, blocked_tail; /* senders waiting for room (through box_next), or -1 */
	bool sync; /* its wake-ups are sync ones (a pipe's), else not (a futex's) */
};

struct sim_wake {
	uint64_t at;
	int task;
};

/* Tasks not runnable yet, by wake-up time (wakeq.c). */
struct sim_wakeq {
	struct sim_wake *e;
	int nr;
};

/* Latency samples of one group. */
struct sim_samples {
	uint64_t *v;
	size_t nr;
	size_t cap;
};

struct sim {
	const struct sim_workload *w;
	struct sim_config cfg;
	uint64_t now;
	int nr_tasks;
	struct sim_task *tasks;
	struct sim_cpu *cpus;
	struct sim_dsq *dsqs;	/* [0, nr_cpus): per CPU; [nr_cpus]: shared */
	struct sim_lane *lanes; /* all queues' lanes: nr_cpus, then the shared one's */
	int nr_lanes;		/* of the shared queue: 1 + pinned groups */
	int *lane_of_group;	/* shared-queue lane of each group's tasks */
	int *group_of_lane;	/* and back (-1 for lane 0) */
	uint64_t dsq_seq;
	uint64_t nr_runnable;	    /* tasks runnable now (the backend's st.nr_runnable) */
	struct sim_cpuset idle;	    /* idle CPUs (cpus.c) */
	struct sim_cpuset kicked;   /* CPUs to reschedule at the end of the instant */
	struct sim_cputree events;  /* when each CPU's task stops by itself */
	struct sim_cputree running; /* deadline of each CPU's running task */
	int *stale;		    /* CPUs changed since the trees were updated */
	int nr_stale;
	uint64_t work; /* steps of the data structures (see sim_result.work) */
	struct sim_daemon daemon;
	struct sim_nets nets;
	struct sim_box *boxes; /* inboxes of the groups that wait for messages (inbox.c) */
	int nr_boxes;
	int *box_of_group; /* a group's first inbox */
	int *first_task;   /* a group's first task */
	int *box_next;	   /* per task: the next sender blocked on the same inbox */
	int *box_rr;	   /* per group: the next of its tasks a message goes to (per_task) */
	uint64_t vclock;   /* deadline of the task that started last (st.vclock) */
	struct sim_wakeq wakeq;
	struct cland_host host;
	uint64_t host_random;	 /* the state of host.random() */
	struct sim_samples *lat; /* per group */
	struct sim_result *res;
	char *err;
	size_t errlen;
	bool failed;
	bool stop; /* the kernel ejected the scheduler: the simulation ends now */
};

static inline const struct sim_group *sim_task_group(const struct sim *s, const struct sim_task *t)
{
	return &s->w->groups[t->group];
}

/* engine.c */
void sim_fail(struct sim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sim_trace(const struct sim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Trace an event; the arguments are only evaluated when tracing. */
#define SIM_TRACE(s, ...)                                                                          \
	do {                                                                                       \
		if ((s)->cfg.trace)                                                                \
			sim_trace((s), __VA_ARGS__);                                               \
	} while (0)
/* "group/pid" of @task in @buf, for traces */
const char *sim_task_name(const struct sim *s, int task, char *buf, size_t len);
#define SIM_TASK_NAME(s, task)                                                                     \
	sim_task_name(s, task, (char[SIM_NAME_LEN + 16]){0}, SIM_NAME_LEN + 16)
void sim_task_started(struct sim *s, int cpu, int task);
void sim_task_waits(struct sim *s, struct sim_task *t, bool woke);

/* dsq.c */
int sim_dsq_alloc(struct sim *s);
void sim_dsq_free(struct sim *s);
struct sim_dsq *sim_dsq_of(struct sim *s, int id);
int sim_dsq_insert(struct sim *s, int id, int task, uint64_t deadline);
/* Remove and return the first task of queue @id that may run on @cpu, or -1. */
int sim_dsq_take(struct sim *s, int id, int cpu);
/* The key of that task (any task when @cpu < 0) into *@key; false if there is none. */
bool sim_dsq_head_key(struct sim *s, int id, int cpu, uint64_t *key);
/* @task left its DSQ some other way (the starvation net): its entry there is stale. */
void sim_dsq_forget(struct sim *s, int task);

/* cputree.c */
int sim_cputree_alloc(struct sim *s, struct sim_cputree *t, bool latest);
void sim_cputree_free(struct sim_cputree *t);
void sim_cputree_set(struct sim *s, struct sim_cputree *t, int cpu, uint64_t key);
void sim_cputree_clear(struct sim *s, struct sim_cputree *t, int cpu);
int sim_cputree_best(const struct sim_cputree *t);

/* cpus.c */
int sim_cpus_alloc(struct sim *s);
void sim_cpus_free(struct sim *s);
bool sim_cpu_idle(const struct sim *s, int cpu);
uint64_t sim_cpu_next(const struct sim *s, int cpu);
void sim_cpu_changed(struct sim *s, int cpu);
int sim_next_cpu_event(struct sim *s, uint64_t *at);
int sim_latest_running_cpu(struct sim *s);
int sim_idle_cpu(struct sim *s, const uint64_t *mask, int prev);
void sim_cpu_kick(struct sim *s, int cpu);
int sim_next_kicked(struct sim *s, int from);

/* wakeq.c */
int sim_wakeq_alloc(struct sim *s);
void sim_wakeq_free(struct sim *s);
void sim_wakeq_push(struct sim *s, int task, uint64_t at);
uint64_t sim_wakeq_next(const struct sim *s);
int sim_wakeq_pop(struct sim *s, uint64_t now);

/* kernel.c */
void sim_wakeup(struct sim *s, int task, bool woke);
void sim_enqueue(struct sim *s, int task, uint64_t flags, bool quiet);
void sim_apply_decision(struct sim *s, const struct cland_decision *d);
void sim_cpu_dispatch(struct sim *s, int cpu);
void sim_resched(struct sim *s);
void sim_account(struct sim *s, int cpu);
void sim_stopping(struct sim *s, int cpu, bool runnable);
void sim_host_init(struct sim *s);
void sim_insert_dsq(struct sim *s, int task, int dsq, uint64_t deadline, uint64_t slice);
/* What kick_cpu_for() may do when no CPU is idle. */
enum sim_kick {
	SIM_KICK_IDLE,	  /* nothing */
	SIM_KICK_PREEMPT, /* preempt a CPU running a later deadline */
};
/* kick_cpu_for(): true when it preempted a CPU. */
bool sim_kick_cpu_for(struct sim *s, int task, uint64_t deadline, enum sim_kick kick);
void sim_kick_preempt(struct sim *s, int cpu);
void sim_take_back(struct sim *s, int task);
void sim_run_daemon(struct sim *s, uint64_t cost);
void sim_daemon_done(struct sim *s, int cpu);

/* nets.c: the overdue net, the starvation net, the heartbeat, the kernel's watchdog */
int sim_nets_alloc(struct sim *s);
void sim_nets_free(struct sim *s);
void sim_nets_queued(struct sim *s, int task);
void sim_nets_dsq_insert(struct sim *s, int task);
void sim_nets_dispatch(struct sim *s, int cpu);
uint64_t sim_nets_next(const struct sim *s);
void sim_nets_timers(struct sim *s);

/* inbox.c: groups that wait for messages, groups that send them */
int sim_boxes_alloc(struct sim *s);
void sim_boxes_free(struct sim *s);
bool sim_box_take(struct sim *s, int task);
void sim_box_wait(struct sim *s, int task);
bool sim_box_post(struct sim *s, int group, int sender);

/* alloc.c: allocations made while the policy runs (the daemon's hot path) */
void sim_alloc_watch(bool on);
uint64_t sim_alloc_seen(void);

/* daemon.c */
int sim_daemon_init(struct sim *s);
void sim_daemon_exit(struct sim *s);
void sim_daemon_queue(struct sim *s, const cland_task_t *task);
bool sim_daemon_has_work(const struct sim *s);
uint64_t sim_daemon_next(const struct sim *s);
void sim_daemon_cpu_freed(struct sim *s);
void sim_daemon_round(struct sim *s);

#endif /* __CLAND_SIM_SIM_H */
