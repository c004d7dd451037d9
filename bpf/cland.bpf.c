/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cland.bpf.c - the sched_ext backend of scx_cland: moves tasks between the
 * kernel and a scheduling policy that runs in user space. It knows no policy.
 *
 * Protocol
 * --------
 * 1. A task becomes runnable: ops.enqueue() writes a struct cland_queued (pid,
 *    last CPU, weight, the policy's vtime for it, runtime since it last slept,
 *    the time it ran since the policy last saw it, an enqueue generation, the
 *    tasks runnable now, comm, uid, cgroup) to the BPF_MAP_TYPE_RINGBUF
 *    @queued, and wakes the daemon if it is parked (below).
 * 2. The daemon hands every queued task to its policy, then sends the policy's
 *    decisions back as struct cland_decision (pid, target CPU or
 *    CLAND_CPU_ANY, slice, vtime, deadline, generation, flags, standing time)
 *    over the BPF_MAP_TYPE_USER_RINGBUF @dispatched, and tells us how many
 *    tasks the policy still holds (@nr_user_pending). Then it yields.
 * 3. ops.dispatch() drains @dispatched: a decision whose generation differs
 *    from the task's current one (the task was dequeued or re-enqueued since,
 *    or is gone) is cancelled; a malformed one (CPU out of range, slice or
 *    standing time over 10 s) makes BPF run the task itself (policy_errors);
 *    otherwise the task is inserted, ordered by its deadline, into the
 *    per-CPU DSQ of its target CPU (kicked), or for "any CPU" into an idle
 *    CPU's DSQ, else the shared DSQ, where a CPU running a later deadline
 *    (past its protection: decide_protect()) is preempted, this CPU first. A CPU runs
 *    the earliest deadline of its own DSQ and the shared one.
 *
 * What never goes through user space:
 *  - the daemon itself: parked in BPF (runnable, in no DSQ) when it has
 *    nothing to do, dispatched again when tasks are queued for it, or from
 *    the heartbeat (at least every 100 ms, at once with a signal pending);
 *    with work, it waits in CLAND_DSQ_USERSCHED, consumed first;
 *  - per-CPU kthreads and kswapd: dispatched straight to their CPU;
 *  - a waking task when an idle CPU is found and no decided task waits for a
 *    CPU: dispatched in ops.select_cpu() to that CPU;
 *  - a waking task under a standing decision of its policy: scheduled at once
 *    as that decision said (struct cland_decision.standing_ns), straight onto
 *    its CPU when it preempts the task there; the same for the slice end of
 *    such a task that sleeps often (not awake a whole slice_ns); neither a
 *    slice end nor a quiet wake-up (a running user task woke it) preempts;
 *  - a task preempted before its slice ended: requeued at the same deadline
 *    with what was left of its slice;
 *  - tasks enqueued while @queued is full (the daemon is congested): inserted
 *    into the shared DSQ near its head, counted in nr_sched_congested.
 *
 * Keeping the daemon running: while tasks wait for it, ops.tick() ends the
 * slice of one running task so that the daemon gets a CPU within a tick, and a
 * heartbeat timer wakes a CPU for it when it has waited too long (also on an
 * idle system). Every path has a counter (struct cland_counters in .bss).
 *
 * The nets (their rules are pure functions in watch.h and decide.h, shared
 * with the simulator and the host tests): degraded mode, when the daemon
 * cannot run (stopped, traced or frozen: seen in ops.quiescent(), so at once)
 * or has not run for @stall_ns (starved, or blocked in the kernel) while
 * tasks wait for it: BPF schedules alone, new tasks go to the shared DSQ in
 * vtime order (kthreads first) with short slices, and the tasks already
 * handed to user space, tracked by pid in @inflight, are taken back (their
 * generation is bumped, so the daemon's late decisions are cancelled); the
 * first time the daemon runs again, user space is back in charge. A task the
 * policy holds for over 1 s is taken back the same way (overdue), however
 * healthy the daemon; a task taken back and cut off before it sleeps is
 * scheduled in BPF once more, not handed back at once. A task that waits
 * over 500 ms in any DSQ runs at once (starved). The nets scan when a CPU
 * dispatches; when none has for too long (every CPU idle while user space
 * holds every task, or running long slices) and they have something to look
 * at, the heartbeat makes its own CPU dispatch. Every wait they judge is
 * measured on the watch clock, which stops while the whole machine is
 * frozen (the heartbeat late): a freeze does not count as waiting, and a
 * machine that freezes often keeps its nets. The scheduler stays loaded
 * throughout: nothing is left for the kernel's watchdog to find.
 *
 * A policy may also claim an idle CPU itself through the SEC("syscall")
 * program cland_select_cpu_prog, run by bpf_prog_test_run() (a system call
 * per claim: the built-in policies leave placement to "any CPU" instead).
 * ops.exit() copies the kernel's exit reason to @exit_info for user space.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "intf.h"
#include "cland_time.h"
#include "watch.h"
#include "decide.h"
#include "compat.bpf.h"

char _license[] SEC("license") = "GPL";

#define BPF_STRUCT_OPS(name, args...)		SEC("struct_ops/" #name) BPF_PROG(name, ##args)
#define BPF_STRUCT_OPS_SLEEPABLE(name, args...) SEC("struct_ops.s/" #name) BPF_PROG(name, ##args)

/* scx_bpf_error() of the kernel's tools/sched_ext: fail the scheduler with a message. */
#define cland_error(fmt, args...)                                                                  \
	({                                                                                         \
		static char ___fmt[] = fmt;                                                        \
		unsigned long long ___param[___bpf_narg(args)];                                    \
		___bpf_fill(___param, args);                                                       \
		scx_bpf_error_bstr(___fmt, ___param, sizeof(___param));                            \
	})

#define PF_KSWAPD	0x00020000
#define PF_KTHREAD	0x00200000
#define CLOCK_MONOTONIC 1
#define ENOMEM		12
#define EINVAL		22
#define ESRCH		3

#define HEARTBEAT_NS WATCH_HEARTBEAT_NS /* timer period */
/* Task states in which the daemon cannot run until someone else acts. */
#define KSTATE_STOPPED	      0x0004		     /* __TASK_STOPPED: SIGSTOP */
#define KSTATE_TRACED	      0x0008		     /* __TASK_TRACED: a debugger holds it */
#define KSTATE_FROZEN	      0x8000		     /* TASK_FROZEN: cgroup freezer, suspend */
#define USERSCHED_MAX_WAIT_NS (100ULL * 1000 * 1000) /* daemon waits longer: force it */

/* Set by user space before loading. */
const volatile __s32 usersched_tgid;		     /* the daemon's process */
const volatile __u64 slice_ns = SCX_SLICE_DFL;	     /* default slice of decisions */
const volatile __u64 stall_ns = 50ULL * 1000 * 1000; /* degraded mode after; 0: never */
/*
 * A running task is not preempted before it has run this long: most tasks
 * that have just started block again soon (messaging), and a preemption
 * costs an IPI and two context switches. Longer runners (CPU hogs) are fair
 * game at once.
 */
const volatile __u64 preempt_gran_ns = DECIDE_PREEMPT_GRAN_NS;

/* Shared with user space (.bss). */
struct cland_counters counters;
struct cland_exit_info exit_info;
volatile __u64 nr_user_pending; /* tasks the policy holds, set by the daemon */
/*
 * Decisions submitted to @dispatched: set by the daemon after each submit
 * (cland_send_decision()), never cleared; ops.dispatch() drains only when it
 * is ahead of st.nr_decisions_drained (an empty drain was a fifth of a
 * dispatch in the VM under reqwork: timers in a throwaway build). A decision submitted and
 * not counted yet waits for the next dispatch; the daemon's own yield after
 * its round is one, on its CPU.
 */
volatile __u64 nr_decisions_sent;
/*
 * The daemon waits by yielding to the backend, never in epoll on @queued:
 * a record needs no wake-up (BPF_RB_NO_WAKEUP saves an irq_work, a self
 * IPI, per record). Set by user space after attaching (0 until then: wake).
 */
volatile __u32 queued_no_wakeup;

/* The backend's own state (struct cland_backend_state in intf.h). */
struct cland_backend_state st;

struct task_ctx {
	u64 gen;	  /* enqueue generation, echoed by decisions */
	u64 vtime;	  /* the policy's clock for the task */
	u64 deadline;	  /* last deadline the policy gave it */
	u64 exec_runtime; /* ns run since the task last slept */
	u64 start_ts;
	u64 stop_ts;
	u64 runnable_at;    /* when it last became runnable (woke, or was preempted): watch clock */
	u64 queued_at;	    /* when it was last handed to user space */
	u64 decided_at;	    /* when its decision put it in a DSQ (0: not waiting on one) */
	u64 seg_start;	    /* when its current run started */
	u64 run_slice;	    /* the slice it had when that run started */
	u64 slice_left;	    /* preempted: what was left of its slice */
	u64 carried;	    /* preempted: time run since the policy last saw it */
	u64 unseen;	    /* ns run since the policy last saw the task (next cland_queued) */
	u64 last_run;	    /* its run from its last wake-up to its last sleep (decide_protect()) */
	u64 alone_charged;  /* alone_vtime() charged its runs up to here (a seg_start or stop_ts) */
	u64 standing_left;  /* CPU time its standing decision still covers (0: none) */
	u64 standing_slice; /* and its slice */
	u64 standing_charge; /* ns run since its deadline was last moved */
	u32 requeue;	     /* preempted while runnable: requeue in BPF (no round trip) */
	/*
	 * Its slice ran out (or it yielded) while runnable, not preempted by
	 * us: its standing decision, if any, carries on (ops.enqueue). Set by
	 * ops.stopping, read and cleared by ops.enqueue.
	 */
	u32 slice_ended;
	u32 taken_back;	 /* take_back() ran it, and it has not slept since */
	u32 alone_keyed; /* its key is BPF's (alone_vtime()), not its policy's (rekey_shared()) */
	/*
	 * Its wake-up is a sync one (SCX_WAKE_SYNC: a running task woke it,
	 * messaging). Set by ops.select_cpu when ops.enqueue follows (no
	 * direct dispatch), read and cleared by ops.enqueue.
	 */
	u32 wake_sync;
	/*
	 * Its wake-up is a quiet one: a running user task woke it from a
	 * system call (a sync wake-up, or a futex's, a signal's), not an
	 * interrupt, a softirq or a kthread (woken_by_user_task()). It
	 * preempts no one (decide_standing_preempts()). Set by
	 * ops.select_cpu with wake_sync, read and cleared by ops.enqueue.
	 */
	u32 wake_quiet;
	/*
	 * The enqueue now in user space was a quiet wake-up: its decision
	 * preempts no one, as a standing one would not. Set by send_to_user(),
	 * read by apply_decision().
	 */
	u32 queued_quiet;
	/*
	 * The CPU whose run queue held the task when ops.enqueue took it (-1:
	 * it has run since, or a wake-up ops.select_cpu() dispatched). Set by
	 * ops.enqueue, read and cleared by ops.running: a task that runs on
	 * another CPU was moved between run queues by a dispatch
	 * (nr_migrated), which takes the other run queue's lock.
	 */
	s32 enq_cpu;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_ctx);
} task_ctxs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} queued SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_USER_RINGBUF);
	__uint(max_entries, 1 << 20);
} dispatched SEC(".maps");

/* What each CPU runs: lets a more urgent task preempt the least urgent one. */
struct cpu_ctx {
	u64 deadline;	/* deadline of the running task */
	u64 started_at; /* where its preemption granularity counts from (decide_gran_start()) */
	u64 protect;	/* and how long it lasts (decide_protect()) */
	u32 busy;	/* 1 while a task other than the daemon runs */
	/*
	 * The running task is being preempted (kicked for a more urgent task or
	 * the daemon, or its slice cut by the tick): if it is still runnable
	 * when it stops, it goes back to a DSQ in BPF, not through user space.
	 * Set by kick_cpu_for() and the tick, cleared by ops.stopping (racy: a
	 * kick that lands after the task stopped marks the next one, which
	 * then gets requeued once without a round trip; harmless).
	 */
	u32 preempting;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CLAND_MAX_CPUS);
	__type(key, u32);
	__type(value, struct cpu_ctx);
} cpu_ctxs SEC(".maps");

/*
 * A task handed to user space: the enqueue it was handed over for and since
 * when (watch clock), published together by one map update so that the nets
 * never pair an entry with another enqueue's time. Written by send_to_user(),
 * deleted by the decision (apply_decision(), refuse_decision()), ops.dequeue
 * or a net (overdue_one(), rescue_one()).
 */
struct inflight_ent {
	u64 gen;	/* the task's enqueue generation (task_ctx.gen) when handed over */
	u64 held_since; /* when, on the watch clock (the overdue net's) */
};

/* Tasks handed to user space and not decided yet: pid -> struct inflight_ent. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, CLAND_MAX_INFLIGHT);
	__type(key, s32);
	__type(value, struct inflight_ent);
} inflight SEC(".maps");

struct heartbeat {
	struct bpf_timer timer;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct heartbeat);
} heartbeat SEC(".maps");

/*
 * The backend's clock: CLOCK_MONOTONIC, the clock of the daemon's
 * host->now(), so that the timestamps handed to user space mean the same
 * thing there. Per-CPU readings may disagree by a few us: compare them with
 * the helpers of cland_time.h only.
 */
static u64 cland_now(void)
{
	return bpf_ktime_get_ns();
}

static struct task_ctx *lookup_task_ctx(const struct task_struct *p)
{
	return bpf_task_storage_get(&task_ctxs, (struct task_struct *)p, 0, 0);
}

static bool is_usersched(const struct task_struct *p)
{
	return p->tgid == usersched_tgid;
}

static bool is_percpu_kthread(const struct task_struct *p)
{
	return (p->flags & PF_KSWAPD) || ((p->flags & PF_KTHREAD) && p->nr_cpus_allowed == 1);
}

/* Tasks are queued to the daemon: it has to run now. */
static bool usersched_urgent(void)
{
	return bpf_ringbuf_query(&queued, BPF_RB_AVAIL_DATA) > 0;
}

/* Tasks are waiting for the daemon: queued to it, or held by its policy. */
static bool usersched_has_work(void)
{
	return usersched_urgent() || nr_user_pending > 0;
}

static bool usersched_waiting(void)
{
	return scx_bpf_dsq_nr_queued(CLAND_DSQ_USERSCHED) > 0;
}

/*
 * The watch clock at @now (watch.h): CLOCK_MONOTONIC less the machine's
 * freezes, the clock of every wait the nets judge. Racy with the heartbeat,
 * which adds a freeze to st.frozen_ns and then moves st.last_beat: read in
 * the other order, a freeze may be seen twice (the clock behind by one
 * freeze: a net acts that much later; benign), never not at all.
 */
static u64 watch_time(u64 now)
{
	u64 beat = *(volatile u64 *)&st.last_beat;
	u64 frozen = *(volatile u64 *)&st.frozen_ns;

	return watch_clock(now, frozen, beat, HEARTBEAT_NS);
}

/* Tasks wait for the daemon, which has not run for @stall_ns (@now: the watch clock). */
static bool usersched_stalled(u64 now)
{
	struct watch_daemon d = {
		.last_seen = st.usersched_last_seen,
		.work_since = st.work_since,
		.running = st.usersched_running,
		.runnable = st.usersched_runnable,
		.stopped = st.usersched_stopped,
	};

	if (!stall_ns || d.running)
		return false;
	d.has_work = usersched_has_work();
	return watch_daemon_stalled(&d, now, stall_ns);
}

/* Enter degraded mode if the daemon stalled; returns true when degraded. */
static bool check_stall(void)
{
	u64 now;

	if (st.degraded)
		return true;
	now = cland_now();
	if (!usersched_stalled(watch_time(now)))
		return false;
	if (__sync_val_compare_and_swap(&st.degraded, 0, 1) == 0) {
		st.degraded_since = now;
		st.rescue_pending = 1;
		st.rekey_pending = st.rekey_ready = 0; /* the next return sets its own */
		__sync_fetch_and_add(&counters.nr_degraded_enter, 1);
	}
	return true;
}

static u64 shared_now(void);

/*
 * The daemon runs: user space is in charge again. The keys BPF gave while
 * degraded are then to be brought back onto the policy's (note_rekey()).
 */
static void leave_degraded(u64 now)
{
	if (!st.degraded || __sync_val_compare_and_swap(&st.degraded, 1, 0) != 1)
		return;
	__sync_fetch_and_add(&counters.nr_degraded_leave, 1);
	__sync_fetch_and_add(&counters.degraded_ns, time_delta(now, st.degraded_since));
	st.rekey_from = shared_now();
	st.rekey_pending = 1;
}

/*
 * BPF's idea of "now" on the shared DSQ's key scale: the key at its head (the
 * next task to run), or the deadline of the task that started last if it is
 * empty. The policy's deadlines and BPF's own keys meet on this DSQ, so this
 * is what a task BPF queues must be compared with.
 */
static u64 shared_now(void)
{
	u64 key = st.vclock;

	cland_dsq_head_key(CLAND_DSQ_SHARED, &key);
	return key;
}

/*
 * The ordering key of a task BPF schedules alone (congested or degraded): a
 * weighted vruntime kept in its last deadline, brought within one slice of
 * shared_now(), then charged with its last run. Tasks that ran little
 * (interactive ones) go first, CPU hogs take turns, kthreads go first of all.
 * Near the head, not behind the latest deadline: a hog's deadline from the
 * policy is up to 100 slices ahead, and a task woken in a brief degraded
 * period queued behind it waited for the starvation net (0.5-0.75 s).
 */
static u64 alone_vtime(const struct task_struct *p, struct task_ctx *tctx)
{
	/*
	 * Charged with its last run, once: what it ran under a standing
	 * decision before is the policy's to charge (tctx->unseen), and would
	 * put an interactive task behind every hog here.
	 */
	tctx->deadline = decide_alone_key(tctx->deadline, shared_now(), slice_ns,
					  time_delta(tctx->stop_ts, tctx->alone_charged),
					  p->scx.weight, p->flags & PF_KTHREAD);
	tctx->alone_charged = tctx->stop_ts;
	tctx->alone_keyed = 1;
	return tctx->deadline;
}

static struct cpu_ctx *lookup_cpu_ctx(s32 cpu)
{
	u32 key = cpu;

	return bpf_map_lookup_elem(&cpu_ctxs, &key);
}

/* The task running on @cctx's CPU has run past its protection (decide_protect()) at @now. */
static bool ran_past_protection(const struct cpu_ctx *cctx, u64 now)
{
	return time_elapsed(now, cctx->started_at, cctx->protect);
}

/*
 * @cpu runs a task @p may displace at @now: due later than @deadline by more
 * than the granularity (decide_displaces()), and run past its protection.
 */
static bool cpu_preemptible(const struct task_struct *p, s32 cpu, u64 deadline, u64 now)
{
	struct cpu_ctx *cctx = lookup_cpu_ctx(cpu);

	return cctx && cctx->busy && bpf_cpumask_test_cpu(cpu, p->cpus_ptr) &&
	       ran_past_protection(cctx, now) &&
	       decide_displaces(cctx->deadline, deadline, preempt_gran_ns);
}

static u64 rule_urgent_gran(const struct task_struct *p); /* rules.bpf.h */

/* @p's "now" for cpu_preemptible(): a latency-critical task's is a granularity later. */
static u64 preempt_now(const struct task_struct *p)
{
	return cland_now() + rule_urgent_gran(p);
}

/*
 * A CPU whose task @p may preempt (cpu_preemptible()): this CPU if it is one,
 * else the one with the latest deadline; -1 if none.
 */
static s32 find_preemptible_cpu(const struct task_struct *p, u64 deadline)
{
	u32 nr_cpus = scx_bpf_nr_cpu_ids();
	u64 latest = deadline, now = preempt_now(p);
	s32 cpu, best = -1;

	/*
	 * This CPU first: a task woken by an interrupt here takes the CPU on
	 * the interrupt's return, with no IPI and no migration (as the fair
	 * class's wake-up preemption does).
	 */
	cpu = bpf_get_smp_processor_id();
	if (cpu_preemptible(p, cpu, deadline, now))
		return cpu;
	bpf_for (cpu, 0, nr_cpus) {
		struct cpu_ctx *cctx = lookup_cpu_ctx(cpu);

		if (!cctx || !cpu_preemptible(p, cpu, deadline, now) ||
		    (best >= 0 && !time_after(cctx->deadline, latest)))
			continue;
		latest = cctx->deadline;
		best = cpu;
	}
	return best;
}

static void mark_preempting(s32 cpu)
{
	struct cpu_ctx *cctx = lookup_cpu_ctx(cpu);

	if (cctx)
		cctx->preempting = 1;
}

/* Wake an idle CPU @p may use, if there is one; true when it woke one. */
static bool kick_idle_for(const struct task_struct *p)
{
	s32 cpu = scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);

	if (cpu < 0)
		return false;
	scx_bpf_kick_cpu(cpu, SCX_KICK_IDLE);
	return true;
}

/*
 * Preempt the CPU running the least urgent task if @p (due at @deadline) is
 * more urgent than it (find_preemptible_cpu()); true when it preempted one.
 */
static bool preempt_cpu_for(const struct task_struct *p, u64 deadline)
{
	s32 cpu = find_preemptible_cpu(p, deadline);

	if (cpu < 0)
		return false;
	mark_preempting(cpu);
	scx_bpf_kick_cpu(cpu, SCX_KICK_PREEMPT);
	if (is_usersched(p))
		__sync_fetch_and_add(&counters.nr_preempt_usersched, 1);
	else
		__sync_fetch_and_add(&counters.nr_preemptions, 1);
	return true;
}

/*
 * Get a CPU to run @p soon: wake an idle one, else preempt one
 * (preempt_cpu_for()). True when it preempted one.
 */
static bool kick_cpu_for(const struct task_struct *p, u64 deadline)
{
	return !kick_idle_for(p) && preempt_cpu_for(p, deadline);
}

/*
 * Claim an idle CPU for @p: @prev_cpu if its whole core is idle, else any
 * whole idle core, else @prev_cpu if idle, else any idle CPU; -EBUSY if none.
 */
static s32 pick_idle_cpu(struct task_struct *p, s32 prev_cpu)
{
	const struct cpumask *smt;
	bool prev_ok, core_idle = false;
	s32 cpu;

	prev_ok = prev_cpu >= 0 && bpf_cpumask_test_cpu(prev_cpu, p->cpus_ptr);
	if (prev_ok) {
		smt = scx_bpf_get_idle_smtmask();
		core_idle = bpf_cpumask_test_cpu(prev_cpu, smt);
		scx_bpf_put_idle_cpumask(smt);
	}
	if (core_idle && scx_bpf_test_and_clear_cpu_idle(prev_cpu))
		return prev_cpu;
	cpu = scx_bpf_pick_idle_cpu(p->cpus_ptr, SCX_PICK_IDLE_CORE);
	if (cpu >= 0)
		return cpu;
	if (prev_ok && scx_bpf_test_and_clear_cpu_idle(prev_cpu))
		return prev_cpu;
	return scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);
}

#include "rules.bpf.h" /* the rules' CPU sets and urgency: uses the helpers above */

/*
 * The CPU's preempt_count(): x86's per-CPU variable since 6.15 (6.2-6.14 kept
 * it in pcpu_hot, other architectures elsewhere: there the weak symbol is
 * absent, woken_by_user_task() answers false, and every wake-up that is not a
 * sync one may preempt, as before quiet wake-ups).
 */
extern const int __preempt_count __ksym __weak;

#define PREEMPT_HARDIRQ_NMI_MASK 0x00ff0000 /* in a hard interrupt or an NMI */
#define PREEMPT_SOFTIRQ_OFFSET	 0x00000100 /* serving a softirq */

/*
 * ops.select_cpu() runs in the waker's context: true when that is a user
 * task in a system call (a futex's wake, a pipe's write), false for an
 * interrupt (a timer's expiry), a softirq, a kthread, or when it cannot tell.
 */
static bool woken_by_user_task(void)
{
	struct task_struct *cur;
	int pc;

	if (!bpf_ksym_exists(&__preempt_count))
		return false;
	pc = *(const int *)bpf_this_cpu_ptr(&__preempt_count);
	if (pc & (PREEMPT_HARDIRQ_NMI_MASK | PREEMPT_SOFTIRQ_OFFSET))
		return false;
	cur = bpf_get_current_task_btf();
	return !(cur->flags & PF_KTHREAD);
}

s32 BPF_STRUCT_OPS(cland_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	struct task_ctx *tctx;
	bool is_idle = false;
	s32 cpu;

	if (rule_select_cpu(p, prev_cpu, &cpu))
		return cpu;
	/*
	 * Without SCX_WAKE_SYNC: for a sync wake-up the kernel's default puts
	 * the task on its waker's CPU, behind the waker, even when another CPU
	 * is idle (and answers "idle"); the fair class takes the idle CPU.
	 * Stacked, the pipe ping-pong's two tasks ran by turns on one CPU and
	 * cost more CPU a round trip (bench/prof/prof.sh, 2 vCPUs: CPUs idle
	 * 57.3, 54.6% of the time, 64.9, 63.2% unstacked), for fewer round
	 * trips in 6 of 7 rounds over three boots (README). With no idle CPU
	 * both give its last CPU.
	 */
	cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags & ~SCX_WAKE_SYNC, &is_idle);
	/*
	 * An idle CPU and no decided task waiting for a CPU: run it there now,
	 * user space would only add latency (tasks still on their way through
	 * user space do not count: they will find a CPU when they come back).
	 */
	if (is_idle && (is_usersched(p) || (!scx_bpf_dsq_nr_queued(CLAND_DSQ_SHARED) &&
					    !scx_bpf_dsq_nr_queued((u64)cpu)))) {
		cland_dsq_insert(p, SCX_DSQ_LOCAL, slice_ns, 0);
		__sync_fetch_and_add(&counters.nr_kernel_dispatches, 1);
		if (!is_usersched(p))
			__sync_fetch_and_add(&counters.nr_direct_dispatches, 1);
		return cpu;
	}
	/* ops.enqueue follows: whether a running task woke @p (standing_dispatch(), the policy) */
	tctx = lookup_task_ctx(p);
	if (tctx) {
		tctx->wake_sync = !!(wake_flags & SCX_WAKE_SYNC);
		tctx->wake_quiet = tctx->wake_sync || woken_by_user_task();
	}
	return cpu;
}

/*
 * @p, the last task of its CPU (SCX_ENQ_LAST, see cland_ops.flags), is
 * being enqueued as that CPU is about to go idle. The kernel leaves the
 * follow-up to the scheduler (SCX_ENQ_LAST's documentation: "otherwise,
 * execution may stall"): unless something reschedules that CPU, it halts,
 * and a task put in its local DSQ waits there, where the nets do not look.
 * Kicked, the CPU dispatches once more as soon as it is idle. (No figure
 * moved with it in bench/ab/ab.sh: some interrupt came soon enough there.)
 */
static void follow_up_last(struct task_struct *p, u64 enq_flags)
{
	if (enq_flags & SCX_ENQ_LAST)
		scx_bpf_kick_cpu(scx_bpf_task_cpu(p), SCX_KICK_IDLE);
}

/*
 * The daemon yielded (or woke up). Nothing to do: park it (keep it, in no
 * DSQ, until tasks are queued for it). Tasks queued for it: it is more
 * urgent than any task (deadline 0). Only tasks its policy holds: it runs
 * when a CPU has nothing else to do.
 */
static void enqueue_usersched(struct task_struct *p, u64 enq_flags)
{
	if (!usersched_has_work() && !st.degraded) {
		st.usersched_parked = 1;
		/* tasks queued meanwhile by a CPU that saw it unparked: take it back */
		if (!usersched_urgent() ||
		    __sync_val_compare_and_swap(&st.usersched_parked, 1, 0) != 1)
			return;
	}
	/* the last task this CPU has (SCX_ENQ_LAST): run it here */
	if (enq_flags & SCX_ENQ_LAST) {
		cland_dsq_insert(p, SCX_DSQ_LOCAL, slice_ns, enq_flags);
		follow_up_last(p, enq_flags);
		return;
	}
	cland_dsq_insert(p, CLAND_DSQ_USERSCHED, slice_ns, enq_flags);
	if (usersched_urgent() || st.degraded)
		kick_cpu_for(p, 0);
}

/*
 * Wake the parked daemon: the next CPU to dispatch inserts it; an idle CPU
 * is woken for that, else the CPU running the least urgent task (of those
 * that ran preempt_gran_ns) is preempted.
 */
static void wake_usersched(void)
{
	struct task_struct *p;

	if (!st.usersched_parked || __sync_val_compare_and_swap(&st.usersched_parked, 1, 0) != 1)
		return;
	st.usersched_wake = 1;
	p = bpf_task_from_pid(usersched_tgid);
	if (!p)
		return;
	kick_cpu_for(p, 0);
	bpf_task_release(p);
}

/*
 * The slice of a task BPF schedules alone: a quarter of the default. Without
 * the policy, a waking task may have to wait for a running hog's slice to end;
 * shorter slices bound that wait (TCG: 20 ms slices gave 34 ms worst wake-ups
 * with the daemon stopped, the tick being 4 ms).
 */
#define ALONE_SLICE_NS (slice_ns / DECIDE_ALONE_SLICE_DIV)

/* The daemon cannot take the task (congested or stalled): schedule it here. */
static void enqueue_alone(struct task_struct *p, struct task_ctx *tctx, u64 enq_flags)
{
	u64 vtime = alone_vtime(p, tctx);

	if (rule_place(p, -1, ALONE_SLICE_NS, vtime, false, enq_flags)) {
		__sync_fetch_and_add(&counters.nr_kernel_dispatches, 1);
		return;
	}
	cland_dsq_insert_vtime(p, CLAND_DSQ_SHARED, ALONE_SLICE_NS, vtime, enq_flags);
	__sync_fetch_and_add(&counters.nr_kernel_dispatches, 1);
	kick_cpu_for(p, vtime);
}

static void fill_queued(struct cland_queued *q, struct task_struct *p, struct task_ctx *tctx,
			u64 enq_flags, bool sync)
{
	q->pid = p->pid;
	q->cpu = scx_bpf_task_cpu(p);
	q->flags = 0;
	if (enq_flags & SCX_ENQ_WAKEUP)
		q->flags = CLAND_TASK_WAKEUP | (sync ? CLAND_TASK_SYNC : 0);
	q->weight = p->scx.weight;
	q->vtime = tctx->vtime;
	q->exec_runtime = tctx->exec_runtime;
	q->last_run = tctx->last_run;
	/* what it ran since the policy last saw it, as one run ending at stop_ts */
	q->start_ts = tctx->stop_ts > tctx->unseen ? tctx->stop_ts - tctx->unseen : 0;
	q->stop_ts = tctx->stop_ts;
	tctx->unseen = 0;
	q->gen = tctx->gen;
	q->nr_cpus_allowed = p->nr_cpus_allowed;
	q->nr_runnable = st.nr_runnable > 0 ? st.nr_runnable : 1;
	bpf_probe_read_kernel_str(q->comm, sizeof(q->comm), p->comm);
	fill_rule_info(q, p);
}

/*
 * @p was preempted before its slice ended, for the daemon or a more urgent
 * task: the policy's decision for it still holds. Back into the shared DSQ
 * at the same deadline with what was left of its slice, without a round trip
 * through user space (that would double the cost of every preemption).
 */
static void requeue_preempted(struct task_struct *p, struct task_ctx *tctx, u64 enq_flags)
{
	tctx->requeue = 0;
	if (rule_place(p, -1, tctx->slice_left, tctx->deadline, true, enq_flags)) {
		__sync_fetch_and_add(&counters.nr_requeued, 1);
		return;
	}
	cland_dsq_insert_vtime(p, CLAND_DSQ_SHARED, tctx->slice_left, tctx->deadline, enq_flags);
	__sync_fetch_and_add(&counters.nr_requeued, 1);
	kick_idle_for(p);
}

/*
 * A standing wake-up on its own CPU (where ops.select_cpu() left it, and the
 * CPU waking it: a timer's wake-up, where the timer fired) that may preempt
 * the task running there: straight into that CPU's local DSQ, ahead of the
 * task it preempts (SCX_ENQ_PREEMPT), as the fair class's wake-up preemption
 * puts the woken task on the CPU. The CPU switches to it without a pass
 * through ops.dispatch() and the shared DSQ; it may pass tasks with earlier
 * keys waiting there, by one run of its standing slice at most. Through the
 * shared DSQ and a kick, cyclictest under stress-ng (bench/ab/ab.sh, 2
 * vCPUs, two rounds, EEVDF / shared / local) waited p50 195, 166 / 237, 272
 * / 205, 209 us, p99 4.4, 4.3 / 3.2, 4.3 / 2.3, 3.1 ms. Woken from another
 * CPU, the task goes through the shared DSQ: committed to its own CPU's DSQ
 * it waited for that CPU even when another freed up first (4 vCPUs, two
 * rounds, own CPU however woken / only when woken there: hackbench sockets
 * 2.57 2.72, 3.24 3.28 / 2.57 2.50, 2.51 3.03 s, reqwork's wake-up p50 892,
 * 1176 / 609, 673 us; at 2 vCPUs pipes 0.61 0.60, 0.65 0.64 / 0.53 0.52,
 * 0.45 0.45 s).
 */
static bool standing_preempt_own_cpu(struct task_struct *p, struct task_ctx *tctx, u64 key,
				     u64 enq_flags)
{
	s32 cpu = scx_bpf_task_cpu(p);

	if (cpu != bpf_get_smp_processor_id() || !cpu_preemptible(p, cpu, key, preempt_now(p)))
		return false;
	mark_preempting(cpu);
	cland_dsq_insert(p, SCX_DSQ_LOCAL, tctx->standing_slice, enq_flags | SCX_ENQ_PREEMPT);
	__sync_fetch_and_add(&counters.nr_preemptions, 1);
	__sync_fetch_and_add(&counters.nr_preempt_standing, 1);
	return true;
}

/*
 * @p wakes up under a standing decision of its policy: schedule it as that
 * decision said, without a round trip (see struct cland_decision.standing_ns):
 * the same slice, and the same deadline moved back by what it ran since,
 * scaled by its weight as a vruntime is. Never ahead of where the policy put
 * it, so tasks under standing decisions cannot overtake each other, nor the
 * others, by more than the CPU time their decisions cover. It preempts a
 * less urgent task past its granularity, as a decision does, its own CPU's
 * first and without the shared DSQ (standing_preempt_own_cpu()); a @quiet
 * wake-up (a running user task woke it) preempts no one
 * (decide_standing_preempts()): tasks that wake each other (messaging)
 * preempted each other at every wake-up (bench/ab/ab.sh, 4 vCPUs: 3-4
 * preemptions per decision, hackbench sockets 17-18 s against EEVDF's 2.8 s).
 * Never preempting ran them in 2.5 s, but a task waking behind a CPU hog
 * then waited for the tick (cyclictest under stress-ng: p50 0.9 -> 3.9 ms).
 */
static void standing_dispatch(struct task_struct *p, struct task_ctx *tctx, u64 enq_flags,
			      bool quiet)
{
	u64 key = decide_standing_key(tctx->deadline, tctx->standing_charge, p->scx.weight);
	s32 idle;

	tctx->standing_charge = 0;
	tctx->deadline = key;
	__sync_fetch_and_add(&counters.nr_standing, 1);
	if (rule_place(p, -1, tctx->standing_slice, key, false, enq_flags))
		return;
	if (!decide_standing_preempts(quiet)) { /* an idle CPU, if any */
		cland_dsq_insert_vtime(p, CLAND_DSQ_SHARED, tctx->standing_slice, key, enq_flags);
		kick_idle_for(p);
		return;
	}
	/* one search for an idle CPU: the one claimed is kicked after the insert */
	idle = scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);
	if (idle < 0 && standing_preempt_own_cpu(p, tctx, key, enq_flags))
		return;
	cland_dsq_insert_vtime(p, CLAND_DSQ_SHARED, tctx->standing_slice, key, enq_flags);
	if (idle >= 0)
		scx_bpf_kick_cpu(idle, SCX_KICK_IDLE);
	else if (preempt_cpu_for(p, key))
		__sync_fetch_and_add(&counters.nr_preempt_standing, 1);
}

/*
 * @p's standing decision holds (decide_standing_holds()): its next key is
 * within a fair slice at the present load (decide_standing_lead()) of
 * shared_now(): the first key waiting in the shared DSQ, or, none waiting,
 * the key of the task that started last. (With none waiting it held whatever
 * the key: cyclictest, woken between two hackbench runs with both CPUs busy,
 * went into the empty DSQ 19 ms of key ahead of the task that had started
 * last; hackbench's tasks, forked next, all went ahead of it and the
 * starvation net ran it 523 ms later: trace points in the VM's mixed
 * benchmark, twice in three runs.)
 */
static bool standing_holds(struct task_struct *p, struct task_ctx *tctx)
{
	return decide_standing_holds(
		decide_standing_key(tctx->deadline, tctx->standing_charge, p->scx.weight),
		shared_now(),
		decide_standing_lead(slice_ns, scx_bpf_nr_cpu_ids(),
				     st.nr_runnable > 0 ? st.nr_runnable : 1,
				     DECIDE_STANDING_LEAD_MIN_NS));
}

/*
 * Put @pid's @ent in the in-flight table, counted in st.nr_inflight (its
 * stale entry, if any, replaced: not counted twice); false when full.
 */
static bool inflight_insert(s32 pid, const struct inflight_ent *ent)
{
	if (!__sync_fetch_and_add(&st.nr_inflight, 1))
		st.inflight_since = ent->held_since;
	if (!bpf_map_update_elem(&inflight, &pid, ent, BPF_NOEXIST))
		return true;
	__sync_fetch_and_sub(&st.nr_inflight, 1);
	return !bpf_map_update_elem(&inflight, &pid, ent, BPF_EXIST);
}

/* Delete @pid's entry from the in-flight table; true when there was one. */
static bool inflight_delete(s32 pid)
{
	if (bpf_map_delete_elem(&inflight, &pid))
		return false;
	__sync_fetch_and_sub(&st.nr_inflight, 1);
	return true;
}

/*
 * Hand @p to user space (@sync: a sync wake-up, for its policy; @quiet: its
 * decision preempts no one); false when the ring or the in-flight table is full.
 */
static bool send_to_user(struct task_struct *p, struct task_ctx *tctx, u64 enq_flags, bool sync,
			 bool quiet)
{
	struct inflight_ent ent = {.gen = tctx->gen};
	/* before our own record counts: a reserved one is data to the ring's query */
	bool daemon_idle = !usersched_has_work();
	struct cland_queued *q;
	s32 pid = p->pid;
	u64 now = cland_now();

	/*
	 * The entry carries its time: the overdue net on another CPU may scan
	 * it the moment it is in the map. (With the time in task_ctx, set
	 * after the entry, a scan in between paired this enqueue's generation
	 * with the last one's time, 0 on a task's first: a task taken back as
	 * overdue at once, a second after the scheduler started.)
	 */
	ent.held_since = watch_time(now);
	if (!inflight_insert(pid, &ent))
		return false;
	q = bpf_ringbuf_reserve(&queued, sizeof(*q), 0);
	if (!q) {
		inflight_delete(pid);
		return false;
	}
	tctx->queued_at = now;
	tctx->queued_quiet = quiet;
	if (daemon_idle)
		st.work_since = ent.held_since;
	fill_queued(q, p, tctx, enq_flags, sync);
	bpf_ringbuf_submit(q, queued_no_wakeup ? BPF_RB_NO_WAKEUP : 0);
	__sync_fetch_and_add(&counters.nr_queued, 1);
	wake_usersched();
	return true;
}

void BPF_STRUCT_OPS(cland_enqueue, struct task_struct *p, u64 enq_flags)
{
	struct task_ctx *tctx;
	bool sync, quiet, slice_ended;

	if (is_usersched(p)) {
		enqueue_usersched(p, enq_flags);
		return;
	}
	follow_up_last(p, enq_flags);
	if (is_percpu_kthread(p)) {
		cland_dsq_insert(p, SCX_DSQ_LOCAL, slice_ns, enq_flags);
		__sync_fetch_and_add(&counters.nr_kernel_dispatches, 1);
		return;
	}
	tctx = lookup_task_ctx(p);
	if (!tctx) {
		cland_error("task %d has no context", p->pid);
		return;
	}
	tctx->enq_cpu = scx_bpf_task_cpu(p);
	/*
	 * The last task of its CPU (SCX_ENQ_LAST, see cland_ops.flags): while
	 * no task waits for the daemon, nothing else wants a CPU: it keeps this
	 * one, as the kernel does without the flag (through the policy, each
	 * slice of a lone CPU hog waited for a round trip on an idle CPU:
	 * stress-ng --cpu 2 on 2 vCPUs, 0.41x EEVDF's bogo ops in make bench).
	 */
	if ((enq_flags & SCX_ENQ_LAST) && !usersched_has_work() && !st.degraded) {
		tctx->requeue = 0;
		cland_dsq_insert(p, SCX_DSQ_LOCAL, slice_ns, enq_flags);
		__sync_fetch_and_add(&counters.nr_kernel_dispatches, 1);
		return;
	}
	tctx->gen++;
	tctx->decided_at = 0;
	sync = tctx->wake_sync;
	quiet = tctx->wake_quiet;
	slice_ended = tctx->slice_ended && tctx->exec_runtime < slice_ns;
	tctx->wake_sync = 0;
	tctx->wake_quiet = 0;
	tctx->slice_ended = 0;
	/* a key BPF gave (degraded, congested) is not its policy's: back in charge, it decides */
	if (tctx->requeue && (!tctx->alone_keyed || st.degraded)) {
		requeue_preempted(p, tctx, enq_flags);
		return;
	}
	tctx->requeue = 0;
	/*
	 * Taken back from user space (overdue, malformed decision, stalled
	 * daemon) and cut off before it slept (preempted, its slice over): once
	 * more in BPF, or a stopped daemon would hold it another second, and
	 * again, while a preemption keeps coming before its next sleep.
	 */
	if (tctx->taken_back) {
		tctx->taken_back = 0;
		if (!(enq_flags & SCX_ENQ_WAKEUP)) {
			enqueue_alone(p, tctx, enq_flags);
			return;
		}
	}
	/*
	 * A standing decision covers its task's wake-ups, and the slice ends
	 * of a task that sleeps (not a CPU hog's: awake a whole slice_ns), which
	 * preempt no one: a request/worker's burst a little longer than its
	 * run slice came back to the policy for the rest of it.
	 */
	if (((enq_flags & SCX_ENQ_WAKEUP) || slice_ended) && tctx->standing_left && !st.degraded) {
		if (standing_holds(p, tctx)) {
			standing_dispatch(p, tctx, enq_flags, quiet || slice_ended);
			return;
		}
		tctx->standing_left = 0; /* void: through the policy */
		__sync_fetch_and_add(&counters.nr_standing_void, 1);
	}
	if (check_stall()) {
		__sync_fetch_and_add(&counters.nr_degraded_dispatches, 1);
		enqueue_alone(p, tctx, enq_flags);
		return;
	}
	if (!send_to_user(p, tctx, enq_flags, sync, quiet)) {
		__sync_fetch_and_add(&counters.nr_sched_congested, 1);
		enqueue_alone(p, tctx, enq_flags);
	}
}

/* The task left the scheduler's custody: decisions in flight are stale. */
void BPF_STRUCT_OPS(cland_dequeue, struct task_struct *p, u64 deq_flags)
{
	struct task_ctx *tctx = lookup_task_ctx(p);
	s32 pid = p->pid;

	if (tctx)
		tctx->gen++;
	inflight_delete(pid);
}

/*
 * @cpu is online. A task's cpumask keeps an offline CPU, and that CPU's DSQ is
 * never consumed: a task put there would wait until the watchdog fires.
 */
static bool cpu_online(s32 cpu)
{
	const struct cpumask *online = scx_bpf_get_online_cpumask();
	bool ret = bpf_cpumask_test_cpu(cpu, online);

	scx_bpf_put_cpumask(online);
	return ret;
}

/*
 * Run @p, whose decision user space owes us, in BPF: its generation is
 * bumped (a late decision is then stale) and it goes to the shared DSQ as in
 * degraded mode. For a stalled daemon, an overdue task, a malformed decision.
 */
static void take_back(struct task_struct *p, struct task_ctx *tctx)
{
	u64 vtime;

	tctx->gen++;
	tctx->taken_back = 1;
	vtime = alone_vtime(p, tctx);
	if (rule_place(p, -1, ALONE_SLICE_NS, vtime, false, 0))
		return;
	cland_dsq_insert_vtime(p, CLAND_DSQ_SHARED, ALONE_SLICE_NS, vtime, 0);
	kick_cpu_for(p, vtime);
}

/* floor(log2(@v)), 0 for 0. */
static u32 log2_u64(u64 v)
{
	u32 r = 0;

	if (v >> 32) {
		v >>= 32;
		r += 32;
	}
	if (v >> 16) {
		v >>= 16;
		r += 16;
	}
	if (v >> 8) {
		v >>= 8;
		r += 8;
	}
	if (v >> 4) {
		v >>= 4;
		r += 4;
	}
	if (v >> 2) {
		v >>= 2;
		r += 2;
	}
	return r + (v >> 1);
}

/*
 * Count @ns in its log2 bucket of @buckets (CLAND_RTT_BUCKETS of them, the
 * last taking all longer) and add it to @sum: the round trip through user
 * space, the wait for a CPU after a decision (struct cland_counters).
 */
static __always_inline void count_log2(__u64 *buckets, __u64 *sum, u64 ns)
{
	u32 b = log2_u64(ns);

	if (b >= CLAND_RTT_BUCKETS)
		b = CLAND_RTT_BUCKETS - 1;
	__sync_fetch_and_add(&buckets[b], 1);
	__sync_fetch_and_add(sum, ns);
}

/*
 * The first decision applied after degraded mode (@key, its deadline): how
 * far ahead of the policy's keys BPF's own had got (st.rekey_from). While
 * the daemon was stopped, BPF keyed tasks near the shared DSQ's head, which
 * moved on at their CPU rate, while the policy's clock stood still; after
 * it, the policy moves its clock by at most a slice per enqueue, however
 * long the runs it had not seen. Its keys then came seconds behind the tasks
 * BPF had queued, which waited for the starvation net (trace points in a
 * throwaway build, the hostile suite's SIGSTOP of 10 s: 1.7 s of key; 1-3
 * tasks moved by the net a run). They are moved back (rekey_shared()), in
 * their order, to start a slice after @key: behind the keys the policy gives
 * now, not level with the first of them (with the first at @key, a
 * cyclictest decided first then waited behind the CPU hogs BPF had queued:
 * its p99 over the stop 8.2 ms against 4.1 ms with the daemon running).
 */
static void note_rekey(u64 key)
{
	u64 to = key + slice_ns;

	if (!st.rekey_pending || __sync_val_compare_and_swap(&st.rekey_pending, 1, 0) != 1)
		return;
	if (!time_after(st.rekey_from, to))
		return;
	st.rekey_delta = st.rekey_from - to;
	st.rekey_ready = 1;
}

/* Insert @p as decision @d says, unless @d is stale (generation). */
static void apply_decision(struct task_struct *p, const struct cland_decision *d)
{
	struct task_ctx *tctx = lookup_task_ctx(p);
	u64 slice = d->slice ?: slice_ns;
	s32 cpu = d->cpu;
	bool no_preempt;

	/*
	 * A decision for another enqueue (the generation), or a second one for
	 * this enqueue (its in-flight entry is gone with the first): stale.
	 */
	if (!tctx || tctx->gen != d->gen || !inflight_delete(d->pid)) {
		__sync_fetch_and_add(&counters.nr_cancel_dispatches, 1);
		return;
	}
	tctx->decided_at = cland_now();
	count_log2(counters.rtt_log2, &counters.rtt_sum_ns,
		   time_delta(tctx->decided_at, tctx->queued_at));
	tctx->vtime = d->vtime;
	tctx->deadline = d->deadline;
	tctx->alone_keyed = 0;
	note_rekey(d->deadline);
	tctx->standing_left = d->standing_ns;
	tctx->standing_slice = slice;
	tctx->standing_charge = 0;
	if (cpu != CLAND_CPU_ANY && (!bpf_cpumask_test_cpu(cpu, p->cpus_ptr) || !cpu_online(cpu))) {
		__sync_fetch_and_add(&counters.nr_bounce_dispatches, 1);
		cpu = CLAND_CPU_ANY;
	}
	__sync_fetch_and_add(&counters.nr_user_dispatches, 1);
	/* a quiet wake-up's decision preempts no one, as its standing one */
	no_preempt = (d->flags & CLAND_DECISION_NO_PREEMPT) ||
		     !decide_standing_preempts(tctx->queued_quiet);
	if (rule_place(p, cpu, slice, d->deadline, no_preempt, 0))
		return;
	/* "Any CPU": an idle one it may use if there is one (no syscall per decision) */
	if (cpu == CLAND_CPU_ANY)
		cpu = pick_idle_cpu(p, scx_bpf_task_cpu(p));
	if (cpu < 0) {
		cland_dsq_insert_vtime(p, CLAND_DSQ_SHARED, slice, d->deadline, 0);
		if (no_preempt)
			kick_idle_for(p);
		else
			kick_cpu_for(p, d->deadline);
		return;
	}
	cland_dsq_insert_vtime(p, (u64)cpu, slice, d->deadline, 0);
	if (cpu != bpf_get_smp_processor_id())
		scx_bpf_kick_cpu(cpu, SCX_KICK_IDLE);
}

/* The CPU or the slice of @d cannot be carried out. */
static bool decision_malformed(const struct cland_decision *d)
{
	return decide_malformed(d->cpu, d->slice, d->standing_ns, scx_bpf_nr_cpu_ids());
}

/*
 * A malformed decision for @p: if it answers the enqueue we wait on, the
 * task is run by BPF (nothing is lost to a policy's bug); else it is stale.
 */
static void refuse_decision(struct task_struct *p, const struct cland_decision *d)
{
	struct task_ctx *tctx = lookup_task_ctx(p);

	if (!tctx || tctx->gen != d->gen || !inflight_delete(d->pid)) {
		__sync_fetch_and_add(&counters.nr_cancel_dispatches, 1);
		return;
	}
	take_back(p, tctx);
	__sync_fetch_and_add(&counters.nr_policy_errors, 1);
}

static long drain_one(struct bpf_dynptr *dynptr, void *ctx)
{
	struct cland_decision d;
	struct task_struct *p;

	st.nr_decisions_drained++;
	if (bpf_dynptr_read(&d, sizeof(d), dynptr, 0, 0) || d.pid <= 0) {
		__sync_fetch_and_add(&counters.nr_failed_dispatches, 1);
		return 0;
	}
	p = bpf_task_from_pid(d.pid);
	if (!p) {
		__sync_fetch_and_add(&counters.nr_cancel_dispatches, 1);
		return 0;
	}
	if (decision_malformed(&d))
		refuse_decision(p, &d);
	else
		apply_decision(p, &d);
	bpf_task_release(p);
	/* Stop when this dispatch round has no slot left; the rest waits. */
	return scx_bpf_dispatch_nr_slots() ? 0 : 1;
}

/*
 * Move the first task of @dsq_id to @cpu's local DSQ, counting the move as
 * local or remote by the run queue its task is on, and timing it
 * (counters.nr_moves_local...). Benign race: the first task is read without
 * the DSQ's lock (cland_dsq_peek()), and another CPU may take it, or insert
 * a more urgent one, before the move: the move is then counted by the task
 * read. Kernels without the peek move uncounted.
 */
static bool move_counted(u64 dsq_id, s32 cpu)
{
	struct task_struct *p = cland_dsq_peek(dsq_id);
	bool remote;
	u64 start;

	if (!p)
		return cland_dsq_move_to_local(dsq_id);
	remote = scx_bpf_task_cpu(p) != cpu;
	start = cland_now();
	if (!cland_dsq_move_to_local(dsq_id))
		return false;
	__sync_fetch_and_add(remote ? &counters.nr_moves_remote : &counters.nr_moves_local, 1);
	__sync_fetch_and_add(remote ? &counters.moves_remote_ns : &counters.moves_local_ns,
			     time_delta(cland_now(), start));
	return true;
}

/*
 * Run the task with the earliest deadline among the heads of this CPU's DSQ
 * and the shared DSQ (ties: this CPU's, it was placed here on purpose).
 */
static bool consume_earliest(s32 cpu)
{
	u64 mine, shared;

	if (!cland_dsq_head_key((u64)cpu, &mine))
		return move_counted(CLAND_DSQ_SHARED, cpu);
	if (cland_dsq_head_key(CLAND_DSQ_SHARED, &shared) && time_before(shared, mine) &&
	    move_counted(CLAND_DSQ_SHARED, cpu))
		return true;
	return move_counted((u64)cpu, cpu) || move_counted(CLAND_DSQ_SHARED, cpu);
}

static bool consume_usersched(void)
{
	if (!cland_dsq_move_to_local(CLAND_DSQ_USERSCHED))
		return false;
	st.usersched_needed = 0;
	return true;
}

/*
 * The parked daemon was woken: run it on this CPU if it may (else in its
 * DSQ, for a CPU it may use). An insert of a daemon that is not parked any
 * more (it ran meanwhile) is ignored by the kernel.
 */
static bool dispatch_usersched(s32 cpu)
{
	struct task_struct *p;
	bool here;

	if (!st.usersched_wake || __sync_val_compare_and_swap(&st.usersched_wake, 1, 0) != 1)
		return false;
	p = bpf_task_from_pid(usersched_tgid);
	if (!p)
		return false;
	here = bpf_cpumask_test_cpu(cpu, p->cpus_ptr);
	cland_dsq_insert(p, here ? SCX_DSQ_LOCAL : CLAND_DSQ_USERSCHED, slice_ns, 0);
	bpf_task_release(p);
	st.usersched_needed = 0;
	return here;
}

/*
 * Take back a task the stalled daemon holds: schedule it in BPF. Each needs
 * a dispatch slot (the decisions drained before may have used them all:
 * one more insert would be a dispatch buffer overflow, a scheduler error);
 * with none left, the next dispatch round goes on.
 */
static long rescue_one(struct bpf_map *map, s32 *pid, struct inflight_ent *ent, bool *more)
{
	struct task_ctx *tctx;
	struct task_struct *p;
	bool mine;

	if (!scx_bpf_dispatch_nr_slots()) {
		*more = true;
		return 1;
	}
	p = bpf_task_from_pid(*pid);
	mine = inflight_delete(*pid); /* else a decision took it meanwhile */
	if (!p)
		return 0;
	tctx = lookup_task_ctx(p);
	if (mine && tctx && tctx->gen == ent->gen) {
		take_back(p, tctx);
		__sync_fetch_and_add(&counters.nr_rescued, 1);
	}
	bpf_task_release(p);
	return 0;
}

static void rescue_inflight(void)
{
	bool more = false;

	bpf_for_each_map_elem(&inflight, rescue_one, &more, 0);
	if (!more)
		st.rescue_pending = 0;
}

/*
 * A task user space has held for over WATCH_OVERDUE_NS: take it back. Only
 * taking a task back needs a dispatch slot, so the scan reads every entry
 * however full the dispatch round is (the decisions drained before it may
 * have filled it: the scan used to stop after its first entry then, and to
 * take that one back without a slot) and stops at an overdue task it has no
 * slot for, which the next scan takes. The decision and the net race for
 * the entry: who deletes it acts.
 */
static long overdue_one(struct bpf_map *map, s32 *pid, struct inflight_ent *ent, u64 *now)
{
	struct task_ctx *tctx;
	struct task_struct *p;

	if (!watch_overdue(*now, ent->held_since))
		return 0;
	if (!scx_bpf_dispatch_nr_slots())
		return 1;
	p = bpf_task_from_pid(*pid);
	if (!p) {
		inflight_delete(*pid); /* gone: nothing to wait for */
		return 0;
	}
	tctx = lookup_task_ctx(p);
	if (tctx && tctx->gen == ent->gen && inflight_delete(*pid)) {
		take_back(p, tctx);
		__sync_fetch_and_add(&counters.nr_overdue, 1);
	}
	bpf_task_release(p);
	return 0;
}

/*
 * However healthy the daemon, its policy may hold a task and never return
 * it (a bug): one CPU scans the in-flight table every WATCH_OVERDUE_SCAN_NS
 * and runs such tasks itself, long before the kernel's watchdog would fire.
 */
static void run_overdue(void)
{
	u64 now = cland_now(), last = st.last_overdue_scan, wnow;

	if (!watch_scan_due(now, last, WATCH_OVERDUE_SCAN_NS) ||
	    __sync_val_compare_and_swap(&st.last_overdue_scan, last, now) != last)
		return;
	wnow = watch_time(now);
	if (!watch_inflight_may_be_overdue(wnow, st.nr_inflight, st.inflight_since))
		return;
	bpf_for_each_map_elem(&inflight, overdue_one, &wnow, 0);
}

/*
 * Move every task of @dsq_id that has waited over WATCH_STARVE_NS to the local DSQ
 * of @cpu, the scanning CPU, if it may run there (moving it elsewhere is a
 * scheduler error), with a short slice so that a backlog drains fast. @now
 * is the watch clock. A global function: the verifier checks it once, alone,
 * instead of in the dispatch program's every state; nothing in the walk is
 * counted in a register for the same reason (a bounded counter multiplies
 * its states).
 */
__noinline int starve_scan(u64 dsq_id, s32 cpu, u64 now)
{
	struct task_struct *p;

	bpf_for_each (scx_dsq, p, dsq_id, 0) {
		struct task_ctx *tctx = lookup_task_ctx(p);

		if (!tctx || !watch_starving(now, tctx->runnable_at) ||
		    !bpf_cpumask_test_cpu(cpu, p->cpus_ptr) ||
		    (p->migration_disabled && scx_bpf_task_cpu(p) != cpu))
			continue;
		cland_dsq_move_set_slice(BPF_FOR_EACH_ITER, DECIDE_STARVE_SLICE_NS);
		if (cland_dsq_move(BPF_FOR_EACH_ITER, p, rule_starve_dsq(p, dsq_id, cpu), 0))
			__sync_fetch_and_add(&counters.nr_starved, 1);
	}
	return 0;
}

/*
 * Safety net whatever the policy does: a task that has waited for longer than
 * WATCH_STARVE_NS in the shared DSQ (its deadline keeps losing to newer ones) or in
 * a CPU's DSQ (that CPU does not dispatch: e.g. coming online under hotplug,
 * online but not yet active for sched_ext) is moved to this CPU now, long
 * before the kernel's watchdog would eject us. Every starving task found is
 * moved, however many. One CPU scans, at most every WATCH_STARVE_SCAN_NS.
 */
static bool run_starving(s32 cpu)
{
	u64 now = cland_now(), last = st.last_starve_scan, before, wnow;
	u32 nr_cpus = scx_bpf_nr_cpu_ids();
	s32 c;

	if (!watch_scan_due(now, last, WATCH_STARVE_SCAN_NS) ||
	    __sync_val_compare_and_swap(&st.last_starve_scan, last, now) != last)
		return false;
	wnow = watch_time(now);
	before = counters.nr_starved;
	starve_scan(CLAND_DSQ_SHARED, cpu, wnow);
	bpf_for (c, 0, nr_cpus)
		starve_scan((u64)c, cpu, wnow);
	return counters.nr_starved != before;
}

/*
 * Move every task of the shared DSQ that BPF keyed (alone_vtime()) @delta
 * back (note_rekey()), keeping their order; the policy's tasks stay as they
 * are. A global function, as starve_scan(). The walk does not meet the tasks
 * it re-inserts (a DSQ iterator visits only the tasks queued before it).
 */
__noinline int rekey_shared(u64 delta)
{
	struct task_struct *p;

	bpf_for_each (scx_dsq, p, CLAND_DSQ_SHARED, 0) {
		struct task_ctx *tctx = lookup_task_ctx(p);
		u64 key = p->scx.dsq_vtime - delta; /* keys compare wrap-safe: order kept */

		if (!tctx || !tctx->alone_keyed)
			continue;
		if (cland_dsq_move_vtime(BPF_FOR_EACH_ITER, p, CLAND_DSQ_SHARED, key)) {
			tctx->deadline = key;
			tctx->alone_keyed = 0;
			__sync_fetch_and_add(&counters.nr_rekeyed, 1);
		}
	}
	return 0;
}

void BPF_STRUCT_OPS(cland_dispatch, s32 cpu, struct task_struct *prev)
{
	bool stalled = check_stall();

	/* Tasks queued to the daemon, or degraded: the daemon runs first, to take over. */
	if (dispatch_usersched(cpu))
		return;
	if ((st.usersched_needed || st.degraded || usersched_urgent()) && consume_usersched())
		return;
	if (nr_decisions_sent != st.nr_decisions_drained)
		bpf_user_ringbuf_drain(&dispatched, drain_one, NULL, BPF_RB_NO_WAKEUP);
	if (st.rekey_ready && __sync_val_compare_and_swap(&st.rekey_ready, 1, 0) == 1)
		rekey_shared(st.rekey_delta);
	if (stalled && st.rescue_pending)
		rescue_inflight();
	else
		run_overdue();
	if (run_starving(cpu))
		return;
	if (consume_earliest(cpu))
		return;
	consume_usersched();
}

void BPF_STRUCT_OPS(cland_runnable, struct task_struct *p, u64 enq_flags)
{
	struct task_ctx *tctx = lookup_task_ctx(p);

	if (is_usersched(p)) {
		st.usersched_stopped = 0;
		st.usersched_runnable = 1;
		return;
	}
	__sync_fetch_and_add(&st.nr_runnable, 1);

	if (tctx) {
		tctx->exec_runtime = 0;
		tctx->taken_back = 0; /* it woke: the policy's again */
		tctx->runnable_at = watch_time(cland_now());
	}
}

void BPF_STRUCT_OPS(cland_running, struct task_struct *p)
{
	struct task_ctx *tctx;
	struct cpu_ctx *cctx = lookup_cpu_ctx(scx_bpf_task_cpu(p));

	if (is_usersched(p)) {
		u64 now = cland_now();

		__sync_fetch_and_add(&counters.nr_usersched_runs, 1);
		st.usersched_last_seen = watch_time(now);
		st.usersched_running = 1;
		st.usersched_runnable = 1;
		st.preempt_claimed = 0;
		leave_degraded(now);
		return;
	}
	tctx = lookup_task_ctx(p);
	if (!tctx)
		return;
	tctx->seg_start = cland_now();
	tctx->alone_charged = tctx->seg_start;
	if (tctx->enq_cpu >= 0 && tctx->enq_cpu != scx_bpf_task_cpu(p))
		__sync_fetch_and_add(&counters.nr_migrated, 1);
	tctx->enq_cpu = -1;
	if (tctx->decided_at) {
		count_log2(counters.wait_log2, &counters.wait_sum_ns,
			   time_delta(tctx->seg_start, tctx->decided_at));
		tctx->decided_at = 0;
	}
	tctx->run_slice = p->scx.slice;
	/* after a requeue, the policy sees the runs before it as one with this */
	tctx->start_ts = tctx->seg_start - tctx->carried;
	tctx->carried = 0;
	if (!rule_background(p)) /* a background task's key is no clock for the others */
		st.vclock = tctx->deadline;
	if (cctx) {
		cctx->deadline = tctx->deadline;
		/* where its preemption granularity counts from (decide.h) */
		cctx->started_at = decide_gran_start(
			tctx->start_ts, decide_awake_since(tctx->seg_start, tctx->exec_runtime),
			tctx->exec_runtime, slice_ns);
		cctx->protect = decide_protect(tctx->last_run, preempt_gran_ns);
		cctx->busy = 1;
	}
}

void BPF_STRUCT_OPS(cland_stopping, struct task_struct *p, bool runnable)
{
	struct cpu_ctx *cctx = lookup_cpu_ctx(scx_bpf_task_cpu(p));
	struct task_ctx *tctx = lookup_task_ctx(p);
	u64 now = cland_now();

	bool preempted = false;
	u64 ran;

	if (cctx) {
		cctx->busy = 0;
		preempted = cctx->preempting;
		cctx->preempting = 0;
	}
	if (is_usersched(p)) {
		st.usersched_running = 0;
		st.usersched_last_seen = watch_time(now);
		return;
	}
	if (!tctx)
		return;
	ran = time_delta(now, tctx->seg_start);
	tctx->stop_ts = now;
	tctx->exec_runtime += ran;
	tctx->unseen += ran;
	tctx->standing_left = tctx->standing_left > ran ? tctx->standing_left - ran : 0;
	tctx->standing_charge += ran;
	tctx->slice_ended = runnable && !preempted;
	if (!runnable) {
		tctx->last_run = tctx->exec_runtime;
		return;
	}
	tctx->runnable_at = watch_time(now);
	/* Preempted with a useful part of its slice left: requeue it in BPF. */
	if (preempted && decide_requeue(tctx->run_slice, ran)) {
		tctx->requeue = 1;
		tctx->slice_left = tctx->run_slice - ran;
		tctx->carried = time_delta(now, tctx->start_ts);
	}
}

/*
 * A task stops being runnable. The daemon stopped (SIGSTOP), traced or frozen
 * will not run until someone else acts: when tasks wait for it, degraded mode
 * starts now rather than after @stall_ns, and a CPU is kicked to take back
 * the tasks stranded in user space.
 */
void BPF_STRUCT_OPS(cland_quiescent, struct task_struct *p, u64 deq_flags)
{
	if (!is_usersched(p)) {
		__sync_fetch_and_sub(&st.nr_runnable, 1);
		return;
	}
	st.usersched_runnable = 0;
	if (!(p->__state & (KSTATE_STOPPED | KSTATE_TRACED | KSTATE_FROZEN)))
		return;
	st.usersched_stopped = 1;
	if (check_stall())
		scx_bpf_kick_cpu(scx_bpf_task_cpu(p), SCX_KICK_PREEMPT);
}

/* Give a CPU to the daemon within a tick when tasks wait for it. */
/*
 * A task that was not preempted when a more urgent one came, only because it
 * had not run for preempt_gran_ns yet, is preempted at the first tick after:
 * the kick that found it protected is not retried, and the urgent task would
 * otherwise wait for its slice to end (cyclictest under hogs: p99 12 ms).
 */
static void tick_preempt(struct task_struct *p)
{
	s32 cpu = scx_bpf_task_cpu(p);
	struct cpu_ctx *cctx = lookup_cpu_ctx(cpu);
	u64 key;

	if (!cctx || !cctx->busy || !ran_past_protection(cctx, cland_now()))
		return;
	if (!(cland_dsq_head_key(CLAND_DSQ_SHARED, &key) &&
	      decide_displaces(cctx->deadline, key, preempt_gran_ns)) &&
	    !(cland_dsq_head_key((u64)cpu, &key) &&
	      decide_displaces(cctx->deadline, key, preempt_gran_ns)))
		return;
	cctx->preempting = 1;
	cland_task_set_slice(p, 0);
	__sync_fetch_and_add(&counters.nr_preemptions, 1);
	__sync_fetch_and_add(&counters.nr_preempt_tick, 1);
}

void BPF_STRUCT_OPS(cland_tick, struct task_struct *p)
{
	if (is_usersched(p) || check_stall())
		return;
	if (!(usersched_waiting() || st.usersched_wake) || !usersched_urgent()) {
		tick_preempt(p);
		return;
	}
	if (__sync_val_compare_and_swap(&st.preempt_claimed, 0, 1))
		return;
	st.usersched_needed = 1;
	mark_preempting(scx_bpf_task_cpu(p));
	cland_task_set_slice(p, 0);
}

s32 BPF_STRUCT_OPS(cland_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	struct task_ctx *tctx;

	tctx = bpf_task_storage_get(&task_ctxs, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!tctx)
		return -ENOMEM;
	tctx->enq_cpu = -1;
	rule_inherit(p, args);
	return 0;
}

/* A signal is pending for the daemon (for its thread, or for its process). */
static bool usersched_signalled(void)
{
	struct task_struct *p = bpf_task_from_pid(usersched_tgid);
	u64 pending;

	if (!p)
		return false;
	pending = BPF_CORE_READ(p, pending.signal.sig[0]) |
		  BPF_CORE_READ(p, signal, shared_pending.signal.sig[0]);
	bpf_task_release(p);
	return pending != 0;
}

/* Tasks wait in the shared DSQ or a CPU's. */
static bool dsqs_queued(void)
{
	u32 nr_cpus = scx_bpf_nr_cpu_ids();
	s32 c;

	if (scx_bpf_dsq_nr_queued(CLAND_DSQ_SHARED))
		return true;
	bpf_for (c, 0, nr_cpus) {
		if (scx_bpf_dsq_nr_queued((u64)c))
			return true;
	}
	return false;
}

/*
 * No CPU has dispatched, so run the nets' scans, for too long while they
 * have something to look at (watch.h): make this CPU dispatch. The DSQs are
 * counted only when the starvation scan is that late.
 */
static bool nets_late(u64 now)
{
	return (usersched_has_work() && watch_overdue_late(now, st.last_overdue_scan)) ||
	       (watch_starve_late(now, st.last_starve_scan) && dsqs_queued());
}

/*
 * Make this CPU dispatch; its task, if any, is requeued in BPF as a
 * preempted one (no round trip through user space).
 */
static void kick_for_nets(void)
{
	s32 cpu = bpf_get_smp_processor_id();
	struct cpu_ctx *cctx = lookup_cpu_ctx(cpu);

	if (cctx && cctx->busy)
		mark_preempting(cpu);
	scx_bpf_kick_cpu(cpu, SCX_KICK_PREEMPT);
}

/*
 * The heartbeat ran at @now: if it came that late, the machine was frozen
 * meanwhile; the watch clock leaves that time out from now on (frozen_ns
 * before last_beat: see watch_time()).
 */
static void note_beat(u64 now)
{
	u64 late = watch_late(now, st.last_beat, HEARTBEAT_NS);

	if (late) {
		__sync_fetch_and_add(&st.frozen_ns, late);
		__sync_fetch_and_add(&counters.nr_freezes, 1);
		__sync_fetch_and_add(&counters.frozen_ns, late);
	}
	*(volatile u64 *)&st.last_beat = now;
}

/* Wake a CPU for the daemon when it has waited too long (or the system idles). */
static int heartbeat_fn(void *map, int *key, struct bpf_timer *timer)
{
	u64 now = cland_now(), wnow;

	note_beat(now);
	wnow = watch_time(now);

	/* Degraded: make a CPU dispatch, which takes back the stranded tasks. */
	if (check_stall() && st.rescue_pending)
		scx_bpf_kick_cpu(bpf_get_smp_processor_id(), SCX_KICK_PREEMPT);
	else if (nets_late(now))
		kick_for_nets();
	/*
	 * The daemon parked with work (a wake-up lost to a race), or for long
	 * (it must run now and then for its sockets), or with a signal to take:
	 * a parked task runs its signal handler, or dies of SIGKILL, only once
	 * it is dispatched.
	 */
	if (st.usersched_parked &&
	    (st.degraded || usersched_has_work() || usersched_signalled() ||
	     time_elapsed(wnow, st.usersched_last_seen, USERSCHED_MAX_WAIT_NS))) {
		__sync_fetch_and_add(&counters.nr_heartbeats, 1);
		wake_usersched();
	}
	/* The daemon waits (for long, or with work, or to end degraded mode). */
	if (usersched_waiting() &&
	    (st.degraded || usersched_has_work() ||
	     time_elapsed(wnow, st.usersched_last_seen, USERSCHED_MAX_WAIT_NS))) {
		st.usersched_needed = 1;
		__sync_fetch_and_add(&counters.nr_heartbeats, 1);
		scx_bpf_kick_cpu(bpf_get_smp_processor_id(), SCX_KICK_PREEMPT);
	}
	bpf_timer_start(timer, HEARTBEAT_NS, 0);
	return 0;
}

static s32 start_heartbeat(void)
{
	struct heartbeat *hb;
	u32 key = 0;

	hb = bpf_map_lookup_elem(&heartbeat, &key);
	if (!hb)
		return -ESRCH;
	bpf_timer_init(&hb->timer, &heartbeat, CLOCK_MONOTONIC);
	bpf_timer_set_callback(&hb->timer, heartbeat_fn);
	return bpf_timer_start(&hb->timer, HEARTBEAT_NS, 0);
}

s32 BPF_STRUCT_OPS_SLEEPABLE(cland_init)
{
	u32 nr_cpus = scx_bpf_nr_cpu_ids();
	s32 err;
	u32 cpu;

	if (nr_cpus > CLAND_MAX_CPUS) {
		cland_error("%u CPUs, at most %d supported", nr_cpus, CLAND_MAX_CPUS);
		return -EINVAL;
	}
	bpf_for (cpu, 0, nr_cpus) {
		err = scx_bpf_create_dsq(cpu, -1);
		if (err)
			return err;
	}
	err = scx_bpf_create_dsq(CLAND_DSQ_SHARED, -1);
	if (err)
		return err;
	err = scx_bpf_create_dsq(CLAND_DSQ_USERSCHED, -1);
	if (err)
		return err;
	st.usersched_last_seen = watch_time(cland_now());
	st.usersched_runnable = 1; /* it is loading us: running, so never woken by ops.runnable */
	return start_heartbeat();
}

void BPF_STRUCT_OPS(cland_exit, struct scx_exit_info *ei)
{
	exit_info.exit_code = ei->exit_code;
	bpf_probe_read_kernel_str(exit_info.reason, sizeof(exit_info.reason), ei->reason);
	bpf_probe_read_kernel_str(exit_info.msg, sizeof(exit_info.msg), ei->msg);
	/* Written last: user space reads kind != 0 as "the rest is there". */
	__sync_val_compare_and_swap(&exit_info.kind, 0, ei->kind);
}

/* Run by user space through bpf_prog_test_run(): claim an idle CPU for a task. */
SEC("syscall")
int cland_select_cpu_prog(struct cland_select_cpu_arg *arg)
{
	struct task_struct *p;
	s32 cpu;

	p = bpf_task_from_pid(arg->pid);
	if (!p)
		return -ESRCH;
	bpf_rcu_read_lock();
	cpu = rule_pick_idle_cpu(p, arg->prev_cpu);
	bpf_rcu_read_unlock();
	bpf_task_release(p);
	return cpu;
}

SEC(".struct_ops.link")
struct sched_ext_ops cland_ops = {
	.select_cpu = (void *)cland_select_cpu,
	.enqueue = (void *)cland_enqueue,
	.dequeue = (void *)cland_dequeue,
	.dispatch = (void *)cland_dispatch,
	.runnable = (void *)cland_runnable,
	.quiescent = (void *)cland_quiescent,
	.running = (void *)cland_running,
	.stopping = (void *)cland_stopping,
	.tick = (void *)cland_tick,
	.init_task = (void *)cland_init_task,
	.init = (void *)cland_init,
	.exit = (void *)cland_exit,
	/*
	 * The last task of a CPU with nothing else to run comes to ops.enqueue()
	 * when its slice ends or it yields, instead of being kept running by
	 * the kernel. For the daemon: kept running, a daemon that yields with
	 * nothing to do yielded again at once, a spin that took a whole CPU of
	 * an idle machine (VM, 4 vCPUs, stress-ng --cpu 2: 24% of all CPUs'
	 * time, 100 thousand ops.dispatch() a second, the hogs' bogo ops 0.66x
	 * EEVDF's); it parks instead (enqueue_usersched()). Other tasks keep
	 * their CPU while no task waits for the daemon, else go through their
	 * policy: always kept running past their slice (inserted into the
	 * local DSQ, as the kernel did), one task a run of the mixed benchmark
	 * at 2 vCPUs waited for the starvation net (500 ms; bench/ab/ab.sh, 7
	 * of 8 rounds), none through the policy (cland_enqueue()).
	 */
	.flags = SCX_OPS_ENQ_LAST,
	.dispatch_max_batch = 128,
	.timeout_ms = 5000,
	.name = CLAND_OPS_NAME,
};
