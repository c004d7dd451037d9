/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rules.bpf.h - the backend's side of the daemon's rules (--rules): what
 * fill_queued() tells user space for matching (uid, cgroup), the CPU sets
 * rules give tasks, and the latency-critical tasks' preemption. Included by
 * cland.bpf.c after the helpers it uses; each hot path calls one function of
 * it.
 *
 * The daemon writes what the backend must know of a task's rule (struct
 * cland_task_rule) into @task_rules, a task storage map (key: a pidfd), and
 * sets @task_rules_on while any task has one (else nothing is looked up).
 *
 * A latency-critical task (CLAND_RULE_URGENT) preempts a CPU running a less
 * urgent task at once, without waiting for that task to have run past its
 * protection (find_preemptible_cpu() asks rule_urgent_gran()), while it
 * has run less than a slice since it last slept. A background task's key
 * (CLAND_RULE_BACKGROUND: far behind every other, by the policy's verdict)
 * does not become the backend's clock when it starts running (ops.running
 * asks rule_background()): the standing wake-ups of the other tasks are
 * keyed from that clock, and would land behind the background ones.
 *
 * A rule may narrow the CPUs a task may use (CLAND_RULE_CPUS). Wherever BPF puts a task
 * with a set on a CPU or in a DSQ (select_cpu's direct dispatch, a decision
 * for "any CPU" or for a CPU outside the set, requeues, degraded and
 * congested mode, tasks taken back, the starvation net), it goes to an idle
 * CPU of the set, else to the DSQ of one CPU of it (its last CPU when that
 * one is in the set), never to the shared DSQ, which any CPU consumes. A set
 * that leaves no online CPU of the task's own affinity is ignored (the task
 * is placed as usual): a rule narrows affinity, never widens it. A child
 * gets its parent's set at fork; the daemon revises it when it sees it.
 */
#ifndef __CLAND_RULES_BPF_H
#define __CLAND_RULES_BPF_H

#include <bpf/bpf_core_read.h>

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct cland_task_rule);
} task_rules SEC(".maps");

/* Set by the daemon while some task has a rule: else nothing is looked up. */
volatile __u32 task_rules_on;

static bool cpu_online(s32 cpu);

/* @p's rule, NULL if it has none. */
static struct cland_task_rule *task_rule(const struct task_struct *p)
{
	if (!task_rules_on)
		return NULL;
	return bpf_task_storage_get(&task_rules, (struct task_struct *)p, 0, 0);
}

/* @p's set, NULL if it has none. */
static struct cland_cpuset *rule_cpuset(const struct task_struct *p)
{
	struct cland_task_rule *r = task_rule(p);

	return r && (r->flags & CLAND_RULE_CPUS) ? &r->cpus : NULL;
}

/* @p is a background task: its key must not become the others' clock. */
static bool rule_background(const struct task_struct *p)
{
	struct cland_task_rule *r = task_rule(p);

	return r && (r->flags & CLAND_RULE_BACKGROUND);
}

/*
 * What to add to "now" when looking for a CPU @p may preempt: the longest
 * protection (decide_protect(): two granularities) for a latency-critical
 * task that has run less than a slice since it slept (no running task is
 * then protected from it), else 0.
 */
static u64 rule_urgent_gran(const struct task_struct *p)
{
	struct cland_task_rule *r = task_rule(p);
	struct task_ctx *tctx;

	if (!r || !(r->flags & CLAND_RULE_URGENT))
		return 0;
	tctx = lookup_task_ctx(p);
	return tctx && tctx->exec_runtime < slice_ns ? decide_protect_max(preempt_gran_ns) : 0;
}

static bool cpuset_has(const struct cland_cpuset *set, s32 cpu)
{
	u32 c = (u32)cpu;

	if (c >= CLAND_MAX_CPUS)
		return false;
	barrier_var(c); /* keep the mask: the verifier bounds the index with it */
	c &= CLAND_MAX_CPUS - 1;
	return (set->bits[c / 64] >> (c % 64)) & 1;
}

/* @p may run on @cpu: in its set, in its affinity, online. */
static bool rule_cpu_usable(const struct task_struct *p, const struct cland_cpuset *set, s32 cpu,
			    const struct cpumask *online)
{
	return cpu >= 0 && cpuset_has(set, cpu) && bpf_cpumask_test_cpu(cpu, p->cpus_ptr) &&
	       bpf_cpumask_test_cpu(cpu, online);
}

#define RULE_IDLE     (1 << 16) /* rule_target(): the CPU was idle, and is claimed */
#define RULE_CPU_MASK 0xffff

/*
 * The CPU of @p's set to put it on: @cpu if usable (a decision named it),
 * else @prev if idle, else any idle one (both claimed: | RULE_IDLE), else
 * @prev, else the first usable one; -1 when @p has no set or no usable CPU
 * in it. (rule_target() below, except in the sleepable syscall program,
 * whose RCU section the global function cannot see.)
 */
static __always_inline s32 rule_target_body(struct task_struct *p, s32 cpu, s32 prev)
{
	struct cland_cpuset *set = rule_cpuset(p);
	const struct cpumask *online;
	u32 nr_cpus = scx_bpf_nr_cpu_ids();
	s32 c, first = -1, ret = -1;
	bool prev_ok;

	if (!set)
		return -1;
	online = scx_bpf_get_online_cpumask();
	if (rule_cpu_usable(p, set, cpu, online)) {
		ret = cpu;
		goto out;
	}
	prev_ok = rule_cpu_usable(p, set, prev, online);
	if (prev_ok && scx_bpf_test_and_clear_cpu_idle(prev)) {
		ret = prev | RULE_IDLE;
		goto out;
	}
	bpf_for (c, 0, nr_cpus) {
		if (!rule_cpu_usable(p, set, c, online))
			continue;
		if (first < 0)
			first = c;
		if (scx_bpf_test_and_clear_cpu_idle(c)) {
			ret = c | RULE_IDLE;
			goto out;
		}
	}
	ret = prev_ok ? prev : first;
out:
	scx_bpf_put_cpumask(online);
	return ret;
}

/*
 * rule_target_body() as a global function: the verifier checks its loop
 * once, alone, not in every state of every caller.
 */
__noinline s32 rule_target(struct task_struct *p __arg_trusted, s32 cpu, s32 prev)
{
	return rule_target_body(p, cpu, prev);
}

/*
 * Make @cpu run a task just put in its DSQ with @deadline: wake it if idle;
 * unless @idle_only, preempt its task if that one is due later by more than
 * the granularity (decide_displaces()) and has run past its protection
 * (decide_protect(), as kick_cpu_for() does for the shared DSQ).
 */
static void rule_kick(s32 cpu, u64 deadline, bool idle_only)
{
	struct cpu_ctx *cctx;

	if (cpu != bpf_get_smp_processor_id())
		scx_bpf_kick_cpu(cpu, SCX_KICK_IDLE);
	if (idle_only)
		return;
	cctx = lookup_cpu_ctx(cpu);
	if (!cctx || !cctx->busy || !decide_displaces(cctx->deadline, deadline, preempt_gran_ns) ||
	    !ran_past_protection(cctx, cland_now()))
		return;
	mark_preempting(cpu);
	scx_bpf_kick_cpu(cpu, SCX_KICK_PREEMPT);
	__sync_fetch_and_add(&counters.nr_preemptions, 1);
}

/*
 * Place @p, if it has a set, with @slice and @deadline: in the DSQ of @cpu
 * when that one is usable (a decision named it), else of an idle CPU of the
 * set, else of its last CPU or the first of the set. False when it has no
 * set or no usable CPU in it: the caller places it as usual.
 */
static __always_inline bool rule_place(struct task_struct *p, s32 cpu, u64 slice, u64 deadline,
				       bool no_preempt, u64 enq_flags)
{
	s32 t;

	if (!rule_cpuset(p))
		return false;
	t = rule_target(p, cpu, scx_bpf_task_cpu(p));
	if (t < 0)
		return false;
	cland_dsq_insert_vtime(p, (u64)(t & RULE_CPU_MASK), slice, deadline, enq_flags);
	rule_kick(t & RULE_CPU_MASK, deadline, (t & RULE_IDLE) || no_preempt);
	return true;
}

/*
 * ops.select_cpu for a task with a set: an idle CPU of it runs the task at
 * once when nothing waits (as select_cpu does for the others). False: no
 * set (or no usable CPU in it), select as usual; else *@cpu is the answer.
 */
static bool rule_select_cpu(struct task_struct *p, s32 prev_cpu, s32 *cpu)
{
	s32 t;

	if (!rule_cpuset(p))
		return false;
	t = rule_target(p, -1, prev_cpu);
	if (t < 0)
		return false;
	*cpu = t & RULE_CPU_MASK;
	if ((t & RULE_IDLE) && !scx_bpf_dsq_nr_queued(CLAND_DSQ_SHARED) &&
	    !scx_bpf_dsq_nr_queued((u64)*cpu)) {
		cland_dsq_insert(p, SCX_DSQ_LOCAL, slice_ns, 0);
		__sync_fetch_and_add(&counters.nr_kernel_dispatches, 1);
		__sync_fetch_and_add(&counters.nr_direct_dispatches, 1);
	}
	return true;
}

/*
 * cland_claim_idle_cpu() for @p (the syscall program, in its RCU section):
 * an idle CPU of its set if it has one, -EBUSY if none.
 */
static s32 rule_pick_idle_cpu(struct task_struct *p, s32 prev_cpu)
{
	s32 t = rule_cpuset(p) ? rule_target_body(p, -1, prev_cpu) : -1;

	if (t < 0)
		return pick_idle_cpu(p, prev_cpu);
	return (t & RULE_IDLE) ? (t & RULE_CPU_MASK) : -16; /* -EBUSY */
}

/*
 * Where the starvation net moves @p, found in @dsq_id by @cpu: @cpu's local
 * DSQ, unless @p's set excludes @cpu and it waits in the DSQ of an online
 * CPU of its set: then that CPU's local DSQ, and that CPU is kicked.
 */
static u64 rule_starve_dsq(struct task_struct *p, u64 dsq_id, s32 cpu)
{
	struct cland_cpuset *set = rule_cpuset(p);

	if (!set || cpuset_has(set, cpu) || dsq_id >= scx_bpf_nr_cpu_ids() ||
	    !cpuset_has(set, (s32)dsq_id) || !cpu_online((s32)dsq_id))
		return SCX_DSQ_LOCAL;
	mark_preempting((s32)dsq_id);
	scx_bpf_kick_cpu((s32)dsq_id, SCX_KICK_PREEMPT);
	return SCX_DSQ_LOCAL_ON | dsq_id;
}

/* A child forked by a task with a rule gets the same. */
static void rule_inherit(struct task_struct *p, struct scx_init_task_args *args)
{
	struct cland_task_rule *parent, *child;

	if (!task_rules_on || !args->fork)
		return;
	parent = bpf_task_storage_get(&task_rules, bpf_get_current_task_btf(), 0, 0);
	if (!parent)
		return;
	child = bpf_task_storage_get(&task_rules, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (child)
		__builtin_memcpy(child, parent, sizeof(*child));
}

/*
 * What the rules match on (uid, cgroup v2 id) and whether the backend holds
 * a rule for the task; the verdict fields are user space's to fill.
 */
static void fill_rule_info(struct cland_queued *q, struct task_struct *p)
{
	q->uid = BPF_CORE_READ(p, cred, euid.val);
	q->cgroup_id = BPF_CORE_READ(p, cgroups, dfl_cgrp, kn, id);
	q->verdict = 0;
	q->verdict_slice = 0;
	q->verdict_weight_pct = 0;
	q->verdict_rule = 0;
	if (task_rule(p))
		q->flags |= CLAND_TASK_RULE;
}

#endif /* __CLAND_RULES_BPF_H */
