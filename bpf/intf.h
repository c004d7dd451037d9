/* SPDX-License-Identifier: GPL-2.0 */
/*
 * intf.h - the messages and limits shared by the BPF backend and user space.
 *
 * Included by bpf/cland.bpf.c (types from vmlinux.h) and by libcland (types
 * from <linux/types.h>). Every constant that both sides must agree on lives
 * here and nowhere else.
 */
#ifndef __CLAND_INTF_H
#define __CLAND_INTF_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#define CLAND_OPS_NAME "cland"

enum cland_limits {
	CLAND_MAX_INFLIGHT = 65536, /* tasks handed to user space at once (tracked) */
	CLAND_MAX_CPUS = 1024,	    /* per-CPU DSQs are created for cpu < this */
	CLAND_COMM_LEN = 16,	    /* TASK_COMM_LEN */
	CLAND_EXIT_MSG_LEN = 256,   /* bytes of the kernel's exit reason/message kept */
	CLAND_RTT_BUCKETS = 40,	    /* log2 buckets of the round trip: up to 2^40 ns */
};

/* Dispatch queues created by the backend (user DSQ ids are < 2^63). */
#define CLAND_DSQ_SHARED    ((__u64)CLAND_MAX_CPUS)	/* vtime-ordered, any CPU */
#define CLAND_DSQ_USERSCHED ((__u64)CLAND_MAX_CPUS + 1) /* the daemon's own threads */
/* Per-CPU DSQs use the CPU number as their id: 0 .. nr_cpu_ids - 1. */

/*
 * Target CPU in a decision meaning "the backend places it": on an idle CPU
 * the task may use (its last CPU first, whole idle cores first), else in the
 * shared DSQ, where the first CPU to free up takes it (and a CPU running a
 * later deadline may be preempted).
 */
#define CLAND_CPU_ANY (-1)

/* Flags of a queued task. */
enum cland_task_flags {
	CLAND_TASK_WAKEUP = 1 << 0, /* the task has just woken up (was sleeping) */
	/* the backend holds a rule for the task (struct cland_task_rule) */
	CLAND_TASK_RULE = 1 << 1,
	/* with CLAND_TASK_WAKEUP: a running task woke it (SCX_WAKE_SYNC: messaging) */
	CLAND_TASK_SYNC = 1 << 2,
};

/*
 * The verdict of the daemon's rules on a task (struct cland_queued.verdict):
 * how the policy should treat it (lib/policy.h says how each policy does).
 */
enum cland_verdict_flags {
	CLAND_VERDICT_LATENCY_CRITICAL = 1 << 0, /* ahead of other tasks, short slice */
	CLAND_VERDICT_BACKGROUND = 1 << 1,	 /* only when nothing else wants the CPU */
};

/*
 * A runnable task handed to user space (BPF ring buffer, kernel -> user).
 * @vtime is the value user space last returned in a decision for this task
 * (0 for a task never seen): the backend keeps it so that policies need no
 * per-task table of their own.
 */
struct cland_queued {
	__s32 pid;
	__s32 cpu;	    /* the CPU the task last ran on */
	__u64 flags;	    /* enum cland_task_flags */
	__u64 weight;	    /* sched_ext weight: 100 at nice 0, 1..10000 */
	__u64 vtime;	    /* the policy's own clock for this task */
	__u64 exec_runtime; /* ns run since the task last slept */
	__u64 start_ts;	    /* when its last run started (ns, CLOCK_MONOTONIC, as host->now()) */
	__u64 stop_ts;	    /* when its last run stopped */
	__u64 gen;	    /* enqueue generation: echoed back in the decision */
	__u64 nr_cpus_allowed;
	/*
	 * Tasks runnable under the scheduler when this one was queued (itself
	 * included, the daemon not): the contention a policy shares CPUs
	 * among, e.g. to size slices as the kernel's fair class does.
	 */
	__u64 nr_runnable;
	char comm[CLAND_COMM_LEN];
	__u64 cgroup_id; /* its cgroup v2 id: the inode number of its directory */
	__u32 uid;	 /* its effective uid */
	/*
	 * The verdict of the daemon's rules (--rules) on the task, filled in
	 * user space before the policy sees it (lib/policy.h); the backend
	 * sends 0s.
	 */
	__u32 verdict;		  /* enum cland_verdict_flags */
	__u64 verdict_slice;	  /* a fixed slice in ns; 0: the policy's own */
	__u32 verdict_weight_pct; /* weight multiplier x 100; 0: none */
	__u32 verdict_rule;	  /* the rule that matched: its index + 1; 0: none */
	/*
	 * ns it ran from its last wake-up to its last sleep (0: it never
	 * slept): how long its runs are, e.g. a timer's wake-up that runs
	 * 20 us against a request's 1 ms burst.
	 */
	__u64 last_run;
};

/*
 * The CPUs a rule allows a task (bit n: CPU n), as the daemon writes them to
 * the backend: it never places the task outside them (nor outside the
 * task's own affinity; a set that leaves the task no CPU is not applied).
 */
#define CLAND_CPUSET_WORDS (CLAND_MAX_CPUS / 64)
struct cland_cpuset {
	__u64 bits[CLAND_CPUSET_WORDS];
};

/* What the backend holds of a task's rule (cland_set_task_rule()). */
enum cland_task_rule_flags {
	CLAND_RULE_CPUS = 1 << 0, /* never placed outside @cpus */
	/*
	 * Latency-critical: a CPU running a less urgent task is preempted for
	 * it at once, even if that task has only just started (the
	 * preemption granularity does not protect it), as long as it has run
	 * less than a slice since it last slept.
	 */
	CLAND_RULE_URGENT = 1 << 1,
	/*
	 * Background: its deadline (far behind the others') does not move
	 * the backend's clock (struct cland_backend_state.vclock), which keys
	 * other tasks' standing wake-ups and the tasks BPF schedules alone.
	 */
	CLAND_RULE_BACKGROUND = 1 << 2,
};

struct cland_task_rule {
	__u32 flags; /* enum cland_task_rule_flags */
	__u32 pad;
	struct cland_cpuset cpus;
};

/* Longest slice a decision may give (10 s): a longer one is malformed. */
#define CLAND_MAX_SLICE_NS (10ULL * 1000 * 1000 * 1000)

/* Flags of a decision. */
enum cland_decision_flags {
	/*
	 * Do not preempt a running task for this one: it waits for a CPU to
	 * free up even when its deadline is earlier than a running task's.
	 * Without it, the backend preempts the CPU running the latest deadline
	 * (if that task has run for at least a millisecond).
	 */
	CLAND_DECISION_NO_PREEMPT = 1 << 0,
};

/*
 * A scheduling decision (BPF user ring buffer, user -> kernel). One whose CPU
 * is out of range or whose slice is over CLAND_MAX_SLICE_NS is malformed: the
 * backend runs the task itself (counted in nr_policy_errors).
 */
struct cland_decision {
	__s32 pid;
	__s32 cpu;	/* target CPU or CLAND_CPU_ANY */
	__u64 slice;	/* ns; 0 means the backend's default slice */
	__u64 vtime;	/* the policy's clock for the task: stored, sent back next time */
	__u64 deadline; /* ordering key in the DSQ (earliest runs first) */
	__u64 gen;	/* the generation of the cland_queued this answers */
	__u64 flags;	/* enum cland_decision_flags */
	/*
	 * A standing decision: until the task has run this much more CPU time
	 * (ns, at most CLAND_MAX_SLICE_NS), each time it wakes up BPF schedules
	 * it at once as this decision says (the same slice, and the same
	 * deadline relative to the head of the shared DSQ), with no round trip
	 * through user space; so is the end of a slice it ran out while it has
	 * not run a whole default slice since it woke. Its next enqueue for any
	 * other reason (a CPU hog's slice end, a preemption with little slice
	 * left), or the first wake-up once the time is used up, comes to the
	 * policy again, with all the time run since (stop_ts - start_ts). 0:
	 * none, every wake-up comes to the policy.
	 */
	__u64 standing_ns;
};

/* Input of the SEC("syscall") select-CPU program (bpf_prog_test_run). */
struct cland_select_cpu_arg {
	__s32 pid;
	__s32 prev_cpu;
};

/*
 * Counters kept by the backend (in .bss, read by user space). Each counts
 * one path so that any odd behaviour shows up in the stats.
 */
struct cland_counters {
	__u64 nr_queued;	      /* tasks sent to user space */
	__u64 nr_user_dispatches;     /* decisions turned into DSQ inserts */
	__u64 nr_kernel_dispatches;   /* tasks dispatched by BPF alone (all causes) */
	__u64 nr_direct_dispatches;   /* of which wake-ups run on an idle CPU, no round trip */
	__u64 nr_cancel_dispatches;   /* stale decisions dropped (generation) */
	__u64 nr_bounce_dispatches;   /* target CPU not allowed or offline: to the shared DSQ */
	__u64 nr_failed_dispatches;   /* malformed decisions for no task we know (bad pid) */
	__u64 nr_policy_errors;	      /* malformed decisions for a task: BPF ran it itself */
	__u64 nr_overdue;	      /* tasks user space held over 1 s: BPF took them back */
	__u64 nr_sched_congested;     /* ring full: task dispatched in BPF instead */
	__u64 nr_usersched_runs;      /* times the daemon was put on a CPU (its wake-ups) */
	__u64 nr_heartbeats;	      /* heartbeat timer firings that woke the daemon */
	__u64 nr_preemptions;	      /* CPUs kicked to run a more urgent task */
	__u64 nr_preempt_usersched;   /* CPUs kicked to run the daemon */
	__u64 nr_preempt_standing;    /* of nr_preemptions: for standing wake-ups */
	__u64 nr_preempt_tick;	      /* of nr_preemptions: by the tick (see tick_preempt()) */
	__u64 nr_degraded_enter;      /* the daemon stalled: BPF took over scheduling */
	__u64 nr_degraded_leave;      /* the daemon ran again: user space back in charge */
	__u64 nr_degraded_dispatches; /* tasks BPF scheduled alone while degraded */
	__u64 nr_rescued;	      /* tasks taken back from a stalled daemon */
	__u64 degraded_ns;	      /* total time spent degraded (closed periods) */
	__u64 nr_starved;	      /* tasks run early: waited in a DSQ too long */
	__u64 nr_requeued;	      /* preempted tasks put back in a DSQ by BPF, no round trip */
	__u64 nr_standing;	      /* wake-ups scheduled by a standing decision, no round trip */
	__u64 nr_standing_void;	      /* wake-ups whose standing decision no longer held */
	__u64 nr_freezes;	      /* the whole machine froze: the heartbeat over 50 ms late */
	__u64 frozen_ns;	      /* total time frozen, left out of every net's waits */
	__u64 nr_rekeyed;	      /* tasks keyed by BPF while degraded, moved back after */
	__u64 nr_migrated;	      /* tasks queued on one CPU's run queue, run on another */
	__u64 rtt_sum_ns;	      /* the round trips below, summed */
	__u64 wait_sum_ns;	      /* the waits for a CPU below, summed */
	/*
	 * Round trip through user space, ops.enqueue to the decision applied in
	 * ops.dispatch: bucket i counts those of [2^i, 2^(i+1)) ns.
	 */
	__u64 rtt_log2[CLAND_RTT_BUCKETS];
	/*
	 * Then the wait for a CPU: from that decision's insert into a DSQ to
	 * the task running, in the same log2 buckets.
	 */
	__u64 wait_log2[CLAND_RTT_BUCKETS];
	/*
	 * A dispatch's moves of a DSQ's first task to its CPU (consume_earliest()),
	 * by where the task was queued: on that CPU's run queue (local), or on
	 * another's (remote: the kernel locks that run queue too); how many, and
	 * the wall time they took. (Last: the fields above keep their offsets.)
	 */
	__u64 nr_moves_local;
	__u64 moves_local_ns;
	__u64 nr_moves_remote;
	__u64 moves_remote_ns;
};

/*
 * The BPF backend's own state, one instance in its .bss (user space may read
 * it). A struct of __u32/__u64, not loose flags: clang would shrink a static
 * flag to one byte and the kernel rejects that BTF. Each field says who sets it and who clears it.
 * The fields are read and written from every CPU without a lock: where the races are benign (a flag
 * seen one event late, a timestamp a few us off) it says so; the transitions that must happen once
 * (entering and leaving degraded mode, the starvation scan, the tick's preemption) use
 * compare-and-swap.
 */
struct cland_backend_state {
	/*
	 * When the daemon last started or stopped running, on the watch clock
	 * (watch.h). Set by ops.running and ops.stopping of the daemon; read by
	 * the stall check and the heartbeat. Never cleared.
	 */
	__u64 usersched_last_seen;
	/*
	 * When tasks started waiting on a daemon that had nothing to do, on the
	 * watch clock. Set by send_to_user() when no work was pending (racy: two
	 * CPUs may both set it, a few us apart; either value will do). Never
	 * cleared.
	 */
	__u64 work_since;
	/*
	 * Tasks runnable under the scheduler, the daemon not counted: +1 in
	 * ops.runnable, -1 in ops.quiescent (atomic). Signed: a task already
	 * runnable when we were enabled may leave without having been counted.
	 */
	__s64 nr_runnable;
	/*
	 * When a CPU last scanned the in-flight table for overdue tasks. Set by
	 * run_overdue() with compare-and-swap, so one CPU scans at a time.
	 */
	__u64 last_overdue_scan;
	/*
	 * Entries of the in-flight table, at least: +1 by send_to_user() before
	 * it inserts one (taken back when it inserts none), -1 by whoever deletes
	 * one (a decision, the nets, ops.dequeue), after the delete (atomic).
	 * When it went from 0 to 1, on the watch clock: set by that
	 * send_to_user(), never cleared; no entry is older (racy: another CPU's
	 * entry may be a few us older; the overdue net takes it that much
	 * later, benign). run_overdue() scans only when an entry may be overdue.
	 */
	__s64 nr_inflight;
	__u64 inflight_since;
	/*
	 * When the heartbeat last ran, and the time the whole machine was frozen
	 * in the freezes that ended (the watch clock's, watch.h). Set by the
	 * heartbeat only: frozen_ns first, then last_beat; watch_time() reads
	 * them the other way round. Never cleared.
	 */
	__u64 last_beat;
	__u64 frozen_ns;
	/* When degraded mode was entered. Set by check_stall(); read on leaving. */
	__u64 degraded_since;
	/*
	 * Deadline of the task that started running last: BPF's clock on the
	 * DSQ key scale when the shared DSQ is empty. Set by ops.running (racy:
	 * the last of concurrent starts wins; any of them is a fair "now").
	 */
	__u64 vclock;
	/*
	 * When a CPU last scanned the DSQs for starving tasks. Set by
	 * run_starving() with compare-and-swap, so one CPU scans at a time.
	 */
	__u64 last_starve_scan;
	/*
	 * Decisions taken from @dispatched (each drain_one() call takes one,
	 * whatever it holds). Set by drain_one(), which one CPU runs at a time
	 * (bpf_user_ringbuf_drain() is exclusive); never cleared. Equal to
	 * nr_decisions_sent (.bss, the daemon's count): nothing to drain.
	 */
	__u64 nr_decisions_drained;
	/*
	 * Where BPF's own keys had got to when the daemon ran again after
	 * degraded mode: the shared DSQ's head key then (shared_now()). Set by
	 * leave_degraded() with rekey_pending; read by the first decision applied
	 * after it (note_rekey()).
	 */
	__u64 rekey_from;
	/*
	 * How far the tasks BPF keyed while degraded are moved back onto the
	 * policy's keys (rekey_shared()). Set by note_rekey() with rekey_ready;
	 * read by the dispatch round that moves them.
	 */
	__u64 rekey_delta;
	/*
	 * The daemon is parked: runnable but held by BPF in no DSQ, because it
	 * has nothing to do (it yields its CPU after each round instead of
	 * sleeping, so waking it costs no irq_work, wake-up or select_cpu: only
	 * a dispatch). Set by its ops.enqueue; cleared with compare-and-swap by
	 * whoever wakes it (tasks queued for it, the heartbeat, degraded mode).
	 */
	__u32 usersched_parked;
	/*
	 * The parked daemon was woken: the next CPU to dispatch inserts it. Set
	 * by wake_usersched(), cleared (compare-and-swap) by that dispatch.
	 */
	__u32 usersched_wake;
	/* The daemon is on a CPU: set by ops.running, cleared by ops.stopping. */
	__u32 usersched_running;
	/*
	 * The daemon can run (woken, or running): set by its ops.runnable and
	 * ops.running, and by ops.init (the daemon loads us: it runs, and is
	 * never woken if it parks instead of sleeping), cleared by its
	 * ops.quiescent (it sleeps, e.g. in epoll_wait). Left at 0 from the
	 * start, it made a parked daemon that waited 50 ms for a CPU (a loaded
	 * host) look blocked: degraded mode, up to 2 times in 12 s of load.
	 */
	__u32 usersched_runnable;
	/*
	 * The daemon is stopped, traced or frozen. Set by ops.quiescent, cleared
	 * by ops.runnable of the daemon (it can run again).
	 */
	__u32 usersched_stopped;
	/*
	 * BPF schedules alone: the daemon stalled. Set by check_stall(), cleared
	 * when the daemon runs again (ops.running), both with compare-and-swap.
	 */
	__u32 degraded;
	/*
	 * Tasks handed to the stalled daemon may still be in @inflight. Set on
	 * entering degraded mode; cleared by the dispatch round that found the
	 * in-flight table empty.
	 */
	__u32 rescue_pending;
	/*
	 * The daemon must run at the next dispatch. Set by the tick and the
	 * heartbeat; cleared when a CPU takes the daemon from its DSQ (racy: a
	 * set may be lost to a concurrent clear, the next tick sets it again).
	 */
	__u32 usersched_needed;
	/*
	 * A CPU already gave its slice up for the daemon. Set by the tick with
	 * compare-and-swap; cleared when the daemon runs.
	 */
	__u32 preempt_claimed;
	/*
	 * Degraded mode ended and no decision has been applied since: the next
	 * one tells where the policy's keys are. Set by leave_degraded(); cleared
	 * with compare-and-swap by note_rekey(), and on entering degraded mode
	 * (check_stall()).
	 */
	__u32 rekey_pending;
	/*
	 * The tasks BPF keyed while degraded wait in the shared DSQ ahead of
	 * the policy's keys by rekey_delta: move them back. Set by note_rekey();
	 * cleared with compare-and-swap by the dispatch round that moves them,
	 * and on entering degraded mode (a race: a stale delta is dropped).
	 */
	__u32 rekey_ready;
};

/* What ops.exit recorded: kind 0 while the scheduler is running. */
struct cland_exit_info {
	__s32 kind;
	__s32 pad;
	__s64 exit_code;
	char reason[CLAND_EXIT_MSG_LEN];
	char msg[CLAND_EXIT_MSG_LEN];
};

#endif /* __CLAND_INTF_H */
