/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.bpf.h - sched_ext kfuncs across kernel versions (6.12 .. 7.x).
 *
 * sched_ext renamed and reshaped its kfuncs several times. Each variant is
 * declared here as a weak kfunc with a "___cland" flavour suffix: libbpf strips
 * the last ___suffix when it resolves the name, so the declarations never clash
 * with the prototypes of vmlinux.h, and a kfunc the running kernel lacks
 * resolves to NULL. bpf_ksym_exists() branches are decided at load time and the
 * dead ones are removed, so one object loads on every kernel.
 *
 *   6.12  scx_bpf_dispatch[_vtime], scx_bpf_consume
 *   6.13  scx_bpf_dsq_insert[_vtime], scx_bpf_dsq_move_to_local(dsq)
 *   6.19  scx_bpf_dsq_insert___v2 (returns bool), __scx_bpf_dsq_insert_vtime(p, args),
 *         scx_bpf_task_set_slice (writing p->scx.slice is deprecated),
 *         scx_bpf_dsq_peek (a DSQ's first task without its lock)
 *   7.1   scx_bpf_dsq_move_to_local___v2(dsq, enq_flags)
 */
#ifndef __CLAND_COMPAT_BPF_H
#define __CLAND_COMPAT_BPF_H

/* 6.12 names */
void scx_bpf_dispatch___cland(struct task_struct *p, u64 dsq_id, u64 slice,
			      u64 enq_flags) __ksym __weak;
void scx_bpf_dispatch_vtime___cland(struct task_struct *p, u64 dsq_id, u64 slice, u64 vtime,
				    u64 enq_flags) __ksym __weak;
bool scx_bpf_consume___cland(u64 dsq_id) __ksym __weak;

/* 6.13 names */
void scx_bpf_dsq_insert___cland(struct task_struct *p, u64 dsq_id, u64 slice,
				u64 enq_flags) __ksym __weak;
void scx_bpf_dsq_insert_vtime___cland(struct task_struct *p, u64 dsq_id, u64 slice, u64 vtime,
				      u64 enq_flags) __ksym __weak;
bool scx_bpf_dsq_move_to_local___cland(u64 dsq_id) __ksym __weak;

/* 6.12 names of scx_bpf_dsq_move and scx_bpf_dsq_move_set_slice */
void scx_bpf_dispatch_from_dsq_set_slice___cland(struct bpf_iter_scx_dsq *it__iter,
						 u64 slice) __ksym __weak;
void scx_bpf_dsq_move_set_slice___cland(struct bpf_iter_scx_dsq *it__iter, u64 slice) __ksym __weak;
bool scx_bpf_dispatch_from_dsq___cland(struct bpf_iter_scx_dsq *it__iter, struct task_struct *p,
				       u64 dsq_id, u64 enq_flags) __ksym __weak;
bool scx_bpf_dsq_move___cland(struct bpf_iter_scx_dsq *it__iter, struct task_struct *p, u64 dsq_id,
			      u64 enq_flags) __ksym __weak;
/* 6.12 and 6.13 names of the same moves with a new ordering key */
void scx_bpf_dispatch_from_dsq_set_vtime___cland(struct bpf_iter_scx_dsq *it__iter,
						 u64 vtime) __ksym __weak;
void scx_bpf_dsq_move_set_vtime___cland(struct bpf_iter_scx_dsq *it__iter, u64 vtime) __ksym __weak;
bool scx_bpf_dispatch_vtime_from_dsq___cland(struct bpf_iter_scx_dsq *it__iter,
					     struct task_struct *p, u64 dsq_id,
					     u64 enq_flags) __ksym __weak;
bool scx_bpf_dsq_move_vtime___cland(struct bpf_iter_scx_dsq *it__iter, struct task_struct *p,
				    u64 dsq_id, u64 enq_flags) __ksym __weak;

/* 6.19: the vtime insert takes its arguments in a struct */
struct scx_bpf_dsq_insert_vtime_args___cland {
	u64 dsq_id;
	u64 slice;
	u64 vtime;
	u64 enq_flags;
};
bool scx_bpf_dsq_insert___v2___cland(struct task_struct *p, u64 dsq_id, u64 slice,
				     u64 enq_flags) __ksym __weak;
bool __scx_bpf_dsq_insert_vtime___cland(
	struct task_struct *p, struct scx_bpf_dsq_insert_vtime_args___cland *args) __ksym __weak;
bool scx_bpf_task_set_slice___cland(struct task_struct *p, u64 slice) __ksym __weak;
struct task_struct *scx_bpf_dsq_peek___cland(u64 dsq_id) __ksym __weak;

/* 7.1 */
bool scx_bpf_dsq_move_to_local___v2___cland(u64 dsq_id, u64 enq_flags) __ksym __weak;

static __always_inline void cland_dsq_insert(struct task_struct *p, u64 dsq_id, u64 slice,
					     u64 enq_flags)
{
	if (bpf_ksym_exists(scx_bpf_dsq_insert___v2___cland))
		scx_bpf_dsq_insert___v2___cland(p, dsq_id, slice, enq_flags);
	else if (bpf_ksym_exists(scx_bpf_dsq_insert___cland))
		scx_bpf_dsq_insert___cland(p, dsq_id, slice, enq_flags);
	else
		scx_bpf_dispatch___cland(p, dsq_id, slice, enq_flags);
}

static __always_inline void cland_dsq_insert_vtime(struct task_struct *p, u64 dsq_id, u64 slice,
						   u64 vtime, u64 enq_flags)
{
	if (bpf_ksym_exists(__scx_bpf_dsq_insert_vtime___cland)) {
		struct scx_bpf_dsq_insert_vtime_args___cland args = {
			.dsq_id = dsq_id,
			.slice = slice,
			.vtime = vtime,
			.enq_flags = enq_flags,
		};
		__scx_bpf_dsq_insert_vtime___cland(p, &args);
	} else if (bpf_ksym_exists(scx_bpf_dsq_insert_vtime___cland)) {
		scx_bpf_dsq_insert_vtime___cland(p, dsq_id, slice, vtime, enq_flags);
	} else {
		scx_bpf_dispatch_vtime___cland(p, dsq_id, slice, vtime, enq_flags);
	}
}

static __always_inline bool cland_dsq_move_to_local(u64 dsq_id)
{
	if (bpf_ksym_exists(scx_bpf_dsq_move_to_local___v2___cland))
		return scx_bpf_dsq_move_to_local___v2___cland(dsq_id, 0);
	if (bpf_ksym_exists(scx_bpf_dsq_move_to_local___cland))
		return scx_bpf_dsq_move_to_local___cland(dsq_id);
	return scx_bpf_consume___cland(dsq_id);
}

/* The iterator of the enclosing bpf_for_each() (as in the kernel's scx headers). */
#define BPF_FOR_EACH_ITER (&___it)

/* Give the next task moved with @it this slice. */
static __always_inline void cland_dsq_move_set_slice(struct bpf_iter_scx_dsq *it, u64 slice)
{
	if (bpf_ksym_exists(scx_bpf_dsq_move_set_slice___cland))
		scx_bpf_dsq_move_set_slice___cland(it, slice);
	else
		scx_bpf_dispatch_from_dsq_set_slice___cland(it, slice);
}

/* Move @p, met while iterating a DSQ with @it, to @dsq_id. */
static __always_inline bool cland_dsq_move(struct bpf_iter_scx_dsq *it, struct task_struct *p,
					   u64 dsq_id, u64 enq_flags)
{
	if (bpf_ksym_exists(scx_bpf_dsq_move___cland))
		return scx_bpf_dsq_move___cland(it, p, dsq_id, enq_flags);
	return scx_bpf_dispatch_from_dsq___cland(it, p, dsq_id, enq_flags);
}

/* Move @p, met while iterating a DSQ with @it, to the vtime-ordered @dsq_id at @vtime. */
static __always_inline bool cland_dsq_move_vtime(struct bpf_iter_scx_dsq *it, struct task_struct *p,
						 u64 dsq_id, u64 vtime)
{
	if (bpf_ksym_exists(scx_bpf_dsq_move_vtime___cland)) {
		scx_bpf_dsq_move_set_vtime___cland(it, vtime);
		return scx_bpf_dsq_move_vtime___cland(it, p, dsq_id, 0);
	}
	scx_bpf_dispatch_from_dsq_set_vtime___cland(it, vtime);
	return scx_bpf_dispatch_vtime_from_dsq___cland(it, p, dsq_id, 0);
}

static __always_inline void cland_task_set_slice(struct task_struct *p, u64 slice)
{
	if (bpf_ksym_exists(scx_bpf_task_set_slice___cland))
		scx_bpf_task_set_slice___cland(p, slice);
	else
		p->scx.slice = slice;
}

/* The first task of @dsq_id, read without its lock (see below); NULL if none, or before 6.19. */
static __always_inline struct task_struct *cland_dsq_peek(u64 dsq_id)
{
	if (bpf_ksym_exists(scx_bpf_dsq_peek___cland))
		return scx_bpf_dsq_peek___cland(dsq_id);
	return NULL;
}

/*
 * The ordering key of the first task of @dsq_id; false if it is empty. The
 * iterator takes the DSQ's lock twice (its first step and its end); the peek
 * takes none and reads what the lock last published: a task inserted or
 * consumed at this very moment may or may not be seen (benign: the callers
 * compare urgencies that a concurrent insert or consume changes anyway). On
 * its own the peek moved no benchmark past its spread (bench/ab/ab.sh, 2
 * vCPUs); it stays for what it saves of the backend's share of the CPUs,
 * which is what a request/worker load loses its throughput to
 * (bench/prof/prof.sh).
 */
static __always_inline bool cland_dsq_head_key(u64 dsq_id, u64 *key)
{
	struct task_struct *p;

	if (bpf_ksym_exists(scx_bpf_dsq_peek___cland)) {
		p = cland_dsq_peek(dsq_id);
		if (!p)
			return false;
		*key = p->scx.dsq_vtime;
		return true;
	}
	bpf_for_each (scx_dsq, p, dsq_id, 0) {
		*key = p->scx.dsq_vtime;
		return true;
	}
	return false;
}

#endif /* __CLAND_COMPAT_BPF_H */
