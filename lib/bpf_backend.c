// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_backend.c - libcland's BPF backend: loads bpf/cland.bpf.c as the
 * system's sched_ext scheduler and moves tasks and decisions through its ring
 * buffers. All libbpf plumbing of scx_cland lives here.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "cland.h"
#include "random.h"
#include "cland.skel.h"

#define SCX_SYSFS		  "/sys/kernel/sched_ext"
#define SCX_EXIT_ERROR		  1024
#define SCX_ECODE_ACT_RESTART_DFL (1ULL << 48)

struct cland_sched {
	struct cland_bpf *skel;
	struct bpf_link *link;
	struct ring_buffer *queued;
	struct user_ring_buffer *dispatched;
	int epoll_fd;
	int select_cpu_fd;	   /* the syscall program cland_claim_idle_cpu() runs */
	uint64_t restart_flag;	   /* SCX_ECODE_ACT_RESTART, read from the kernel's BTF */
	struct cland_queued *slot; /* where on_queued() copies a task (cland_recv_task's) */
	bool got;
	struct cland_clock_check clock; /* check_clock() */
	bool yield_wait; /* the daemon waits by yielding to the backend (see yield_wait()) */
	struct cland_open_times times;
	unsigned int nr_wait_fds; /* fds added by cland_wait_add_fd() */
	uint64_t fds_polled_ns;	  /* when cland_wait_fds() last looked at them */
	uint64_t random;	  /* the state of host->random() (lib/random.h) */
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t ms_since(uint64_t t0)
{
	return (mono_ns() - t0) / 1000000;
}

static int set_err(char *err, size_t len, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return code;
}

/* Read a one-line sysfs file into @buf without its newline; -errno on error. */
static int read_sysfs(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	int ret = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f))
		ret = -EIO;
	else
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
	return ret;
}

static int check_system(char *err, size_t len)
{
	char state[64], ops[64] = "?";

	if (geteuid() != 0)
		return set_err(err, len, CLAND_ERR_NOT_ROOT,
			       "scx_cland must run as root (it loads a BPF scheduler)");
	if (access(SCX_SYSFS, F_OK) != 0)
		return set_err(err, len, CLAND_ERR_NO_SCHED_EXT,
			       "this kernel has no sched_ext (%s missing): a kernel built with "
			       "CONFIG_SCHED_CLASS_EXT=y is needed",
			       SCX_SYSFS);
	if (read_sysfs(SCX_SYSFS "/state", state, sizeof(state)) < 0)
		return set_err(err, len, CLAND_ERR_NO_SCHED_EXT, "cannot read %s/state: %s",
			       SCX_SYSFS, strerror(errno));
	if (strcmp(state, "disabled") != 0) {
		read_sysfs(SCX_SYSFS "/root/ops", ops, sizeof(ops));
		return set_err(err, len, CLAND_ERR_BUSY,
			       "another sched_ext scheduler is %s (ops: %s): stop it first", state,
			       ops);
	}
	return 0;
}

/* Value of enumerator @name in the running kernel's BTF; @dfl if absent. */
static uint64_t kernel_enum(struct btf *btf, const char *name, uint64_t dfl)
{
	int i, j, n;

	if (!btf)
		return dfl;
	n = (int)btf__type_cnt(btf);
	for (i = 1; i < n; i++) {
		const struct btf_type *t = btf__type_by_id(btf, i);

		if (btf_is_enum(t)) {
			const struct btf_enum *e = btf_enum(t);

			for (j = 0; j < btf_vlen(t); j++)
				if (!strcmp(btf__name_by_offset(btf, e[j].name_off), name))
					return (uint32_t)e[j].val;
		} else if (btf_is_enum64(t)) {
			const struct btf_enum64 *e = btf_enum64(t);

			for (j = 0; j < btf_vlen(t); j++)
				if (!strcmp(btf__name_by_offset(btf, e[j].name_off), name))
					return btf_enum64_value(&e[j]);
		}
	}
	return dfl;
}

static int on_queued(void *ctx, void *data, size_t size)
{
	struct cland_sched *s = ctx;

	if (size < sizeof(*s->slot))
		return 0;
	memcpy(s->slot, data, sizeof(*s->slot));
	s->got = true;
	return 0;
}

/*
 * The kernel's values of the sched_ext constants we need, read from its BTF
 * once per process: parsing the BTF takes a good part of a second on a slow
 * or busy machine, and a re-attach (after a CPU hotplug) must be quick.
 */
struct kernel_consts {
	bool read;
	uint64_t switch_partial;
	uint64_t restart_flag;
};

static const struct kernel_consts *kernel_consts(void)
{
	static struct kernel_consts kc;
	struct btf *btf;

	if (kc.read)
		return &kc;
	btf = btf__load_vmlinux_btf();
	kc.switch_partial = kernel_enum(btf, "SCX_OPS_SWITCH_PARTIAL", 8);
	kc.restart_flag = kernel_enum(btf, "SCX_ECODE_ACT_RESTART", SCX_ECODE_ACT_RESTART_DFL);
	btf__free(btf);
	kc.read = true;
	return &kc;
}

/* CLAND_VERIFIER_STATS set: the verifier reports its work on each program. */
static void set_verifier_stats(struct cland_sched *s)
{
	struct bpf_program *prog;

	if (!getenv("CLAND_VERIFIER_STATS"))
		return;
	bpf_object__for_each_program(prog, s->skel->obj)
		bpf_program__set_log_level(prog, 4); /* BPF_LOG_STATS */
}

static void configure(struct cland_sched *s, const struct cland_open_opts *opts)
{
	struct cland_bpf__cland_ops__sched_ext_ops *ops = s->skel->struct_ops.cland_ops;
	const struct kernel_consts *kc = kernel_consts();
	char seq[32];

	s->skel->rodata->usersched_tgid = getpid();
	s->skel->rodata->slice_ns = opts->slice_ns;
	s->skel->rodata->stall_ns = opts->stall_ns;
	if (opts->partial)
		ops->flags |= kc->switch_partial;
	if (read_sysfs(SCX_SYSFS "/hotplug_seq", seq, sizeof(seq)) == 0)
		ops->hotplug_seq = strtoull(seq, NULL, 10);
	s->restart_flag = kc->restart_flag;
	set_verifier_stats(s);
}

static int setup_rings(struct cland_sched *s)
{
	struct epoll_event ev = {.events = EPOLLIN};

	s->queued = ring_buffer__new(bpf_map__fd(s->skel->maps.queued), on_queued, s, NULL);
	s->dispatched = user_ring_buffer__new(bpf_map__fd(s->skel->maps.dispatched), NULL);
	if (!s->queued || !s->dispatched)
		return -errno;
	s->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epoll_fd < 0)
		return -errno;
	if (epoll_ctl(s->epoll_fd, EPOLL_CTL_ADD, ring_buffer__epoll_fd(s->queued), &ev) < 0)
		return -errno;
	return 0;
}

/*
 * Lock the daemon's memory: no page of it is ever read back from disk while
 * tasks wait for it. Transparent huge pages are turned off for it too:
 * khugepaged, which the daemon itself schedules, holds the daemon's
 * mmap_lock while it collapses pages, and a fault of the daemon meanwhile
 * waited on that lock until degraded mode ran khugepaged (seen in the VM:
 * the daemon's one sleep under load, in lock_mm_and_find_vma(), 51 ms). A
 * kernel without the prctl only loses that.
 */
static int lock_memory(void)
{
	struct rlimit r = {RLIM_INFINITY, RLIM_INFINITY};

	if (setrlimit(RLIMIT_MEMLOCK, &r) < 0)
		return -errno;
	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	if (mlockall(MCL_CURRENT | MCL_FUTURE) < 0)
		return -errno;
	return 0;
}

#define SCHED_EXT 7 /* the sched_ext policy of sched_setscheduler() */

/*
 * The daemon itself must be scheduled by the backend to wait by yielding
 * (parked by BPF). With --partial only SCHED_EXT tasks are: make the daemon
 * one; if that fails it sleeps on the ring buffer's fd instead.
 */
static bool daemon_on_backend(const struct cland_open_opts *opts)
{
	struct sched_param sp = {.sched_priority = 0};

	if (!opts->partial)
		return true;
	return sched_setscheduler(0, SCHED_EXT, &sp) == 0;
}

static int load_and_attach(struct cland_sched *s, const struct cland_open_opts *opts, char *err,
			   size_t len)
{
	uint64_t t0 = mono_ns();
	int ret;

	s->skel = cland_bpf__open();
	if (!s->skel)
		return set_err(err, len, CLAND_ERR_LOAD, "cannot open the BPF backend: %s",
			       strerror(errno));
	configure(s, opts);
	s->times.configured_ms = ms_since(t0);
	ret = cland_bpf__load(s->skel);
	s->times.loaded_ms = ms_since(t0);
	if (ret)
		return set_err(err, len, CLAND_ERR_LOAD,
			       "the kernel refused the BPF backend (%s); run with LIBBPF_LOG=1 "
			       "for the verifier log",
			       strerror(-ret));
	s->select_cpu_fd = bpf_program__fd(s->skel->progs.cland_select_cpu_prog);
	ret = setup_rings(s);
	if (ret)
		return set_err(err, len, CLAND_ERR_LOAD, "cannot map the ring buffers: %s",
			       strerror(-ret));
	ret = lock_memory();
	if (ret)
		return set_err(err, len, CLAND_ERR_LOAD, "cannot lock memory: %s", strerror(-ret));
	s->link = bpf_map__attach_struct_ops(s->skel->maps.cland_ops);
	if (!s->link)
		return set_err(err, len, CLAND_ERR_LOAD, "cannot attach the scheduler: %s",
			       strerror(errno));
	s->times.attached_ms = ms_since(t0);
	s->yield_wait = daemon_on_backend(opts);
	/* the daemon never sleeps on @queued: its records need no wake-up */
	s->skel->bss->queued_no_wakeup = s->yield_wait;
	return 0;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && !getenv("LIBBPF_LOG"))
		return 0;
	if (level == LIBBPF_INFO && !getenv("LIBBPF_LOG"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int cland_open(struct cland_sched **out, const struct cland_open_opts *opts, char *err,
	       size_t errlen)
{
	struct cland_sched *s;
	int ret;

	*out = NULL;
	ret = check_system(err, errlen);
	if (ret)
		return ret;
	libbpf_set_print(libbpf_print);
	s = calloc(1, sizeof(*s));
	if (!s)
		return set_err(err, errlen, CLAND_ERR_LOAD, "out of memory");
	s->epoll_fd = -1;
	ret = load_and_attach(s, opts, err, errlen);
	if (ret) {
		cland_close(s);
		return ret;
	}
	*out = s;
	return 0;
}

/*
 * One clock: a task's timestamps come from the backend's clock, which must be
 * host->now()'s, CLOCK_MONOTONIC. Checked on one task in CLOCK_CHECK_EVERY:
 * a stop time ahead of host->now() by over CLOCK_SKEW_NS (CPUs disagree by a
 * few us at most) is a clock error.
 */
#define CLOCK_CHECK_EVERY 64
#define CLOCK_SKEW_NS	  (1000ULL * 1000)

static void check_clock(struct cland_sched *s, const struct cland_queued *task)
{
	if (++s->clock.seen % CLOCK_CHECK_EVERY || !task->stop_ts)
		return;
	s->clock.checked++;
	if (task->stop_ts > mono_ns() + CLOCK_SKEW_NS)
		s->clock.errors++;
}

int cland_recv_task(struct cland_sched *s, struct cland_queued *task)
{
	int n;

	s->slot = task;
	s->got = false;
	n = ring_buffer__consume_n(s->queued, 1);
	if (n < 0)
		return n;
	if (s->got)
		check_clock(s, task);
	return s->got ? 1 : 0;
}

const struct cland_clock_check *cland_clock_check(const struct cland_sched *s)
{
	return &s->clock;
}

int cland_send_decision(struct cland_sched *s, const struct cland_decision *d)
{
	struct cland_decision *slot;

	slot = user_ring_buffer__reserve(s->dispatched, sizeof(*slot));
	if (!slot)
		return -errno;
	*slot = *d;
	user_ring_buffer__submit(s->dispatched, slot);
	/* after the submit: the backend drains only when this count is ahead */
	__atomic_store_n(&s->skel->bss->nr_decisions_sent, s->skel->bss->nr_decisions_sent + 1,
			 __ATOMIC_RELEASE);
	return 0;
}

int cland_claim_idle_cpu(struct cland_sched *s, int32_t pid, int32_t prev_cpu)
{
	struct cland_select_cpu_arg arg = {.pid = pid, .prev_cpu = prev_cpu};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &arg, .ctx_size_in = sizeof(arg));

	if (bpf_prog_test_run_opts(s->select_cpu_fd, &opts) < 0)
		return -errno;
	return (int)opts.retval;
}

void cland_notify_complete(struct cland_sched *s, uint64_t nr_pending)
{
	s->skel->bss->nr_user_pending = nr_pending;
}

static bool tasks_queued(struct cland_sched *s)
{
	return ring__avail_data_size(ring_buffer__ring(s->queued, 0)) > 0;
}

/*
 * Nothing to do: yield the CPU instead of sleeping. The backend parks the
 * daemon (keeps it runnable, in no DSQ) and runs it again as soon as tasks
 * are queued for it, or from its heartbeat (at least every 100 ms, for
 * signals and sockets): a round costs no wake-up, no irq_work, no epoll.
 */
static int yield_wait(struct cland_sched *s)
{
	sched_yield();
	return tasks_queued(s);
}

int cland_wait(struct cland_sched *s, int timeout_ms)
{
	struct epoll_event ev;
	int n;

	if (tasks_queued(s))
		return 1;
	if (s->yield_wait)
		return yield_wait(s);
	n = epoll_wait(s->epoll_fd, &ev, 1, timeout_ms);
	if (n < 0)
		return -errno;
	return n > 0;
}

int cland_wait_add_fd(struct cland_sched *s, int fd, unsigned int id)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = id};

	if (fd < 0 || id < 1 || id > 63 || s->nr_wait_fds >= CLAND_MAX_SERVICES)
		return -EINVAL;
	if (epoll_ctl(s->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	s->nr_wait_fds++;
	return 0;
}

/* While tasks wait, the added fds are looked at no more often than this. */
#define FDS_BUSY_POLL_NS (10ULL * 1000 * 1000)

int cland_wait_fds(struct cland_sched *s, int timeout_ms, uint64_t *ready)
{
	struct epoll_event ev[CLAND_MAX_SERVICES + 1];
	int n, i, tasks = 0;
	uint64_t now;

	*ready = 0;
	if (ring__avail_data_size(ring_buffer__ring(s->queued, 0)) > 0) {
		if (!s->nr_wait_fds)
			return 1;
		now = mono_ns();
		if (now - s->fds_polled_ns < FDS_BUSY_POLL_NS)
			return 1;
		tasks = 1;
		timeout_ms = 0;
	}
	n = epoll_wait(s->epoll_fd, ev, (int)s->nr_wait_fds + 1, s->yield_wait ? 0 : timeout_ms);
	if (s->nr_wait_fds)
		s->fds_polled_ns = mono_ns();
	if (n == 0 && !tasks && s->yield_wait)
		return yield_wait(s);
	if (n < 0)
		return tasks ? 1 : -errno;
	for (i = 0; i < n; i++) {
		if (ev[i].data.u64)
			*ready |= 1ULL << ev[i].data.u64;
		else
			tasks = 1;
	}
	return tasks;
}

void cland_read_counters(const struct cland_sched *s, struct cland_counters *c)
{
	*c = s->skel->bss->counters;
}

uint64_t cland_nr_pending(const struct cland_sched *s)
{
	return s->skel->bss->nr_user_pending;
}

uint64_t cland_nr_runnable(const struct cland_sched *s)
{
	int64_t n = s->skel->bss->st.nr_runnable;

	return n > 0 ? (uint64_t)n : 0;
}

bool cland_degraded(const struct cland_sched *s)
{
	return s->skel->bss->st.degraded != 0;
}

const struct cland_open_times *cland_open_times(const struct cland_sched *s)
{
	return &s->times;
}

bool cland_exited(const struct cland_sched *s)
{
	return __atomic_load_n(&s->skel->bss->exit_info.kind, __ATOMIC_ACQUIRE) != 0;
}

const struct cland_exit_info *cland_exit_info(const struct cland_sched *s)
{
	return &s->skel->bss->exit_info;
}

bool cland_restart_requested(const struct cland_sched *s)
{
	const struct cland_exit_info *ei = cland_exit_info(s);

	return ei->kind && ei->kind < SCX_EXIT_ERROR && (ei->exit_code & s->restart_flag);
}

bool cland_exit_is_error(const struct cland_sched *s)
{
	return cland_exit_info(s)->kind >= SCX_EXIT_ERROR;
}

const char *cland_exit_kind_str(int kind)
{
	switch (kind) {
	case 0:
		return "running";
	case 1:
		return "done";
	case 64:
		return "unregistered by user space";
	case 65:
		return "unregistered by the BPF backend";
	case 66:
		return "unregistered by the kernel";
	case 67:
		return "unregistered by sysrq";
	case 1024:
		return "runtime error";
	case 1025:
		return "error in the BPF backend";
	case 1026:
		return "watchdog: a runnable task stalled";
	default:
		return kind >= SCX_EXIT_ERROR ? "error" : "unregistered";
	}
}

void cland_close(struct cland_sched *s)
{
	if (!s)
		return;
	bpf_link__destroy(s->link);
	ring_buffer__free(s->queued);
	user_ring_buffer__free(s->dispatched);
	if (s->epoll_fd >= 0)
		close(s->epoll_fd);
	cland_bpf__destroy(s->skel);
	free(s);
}

static int host_claim_idle_cpu(void *be, int32_t pid, int32_t prev_cpu)
{
	return cland_claim_idle_cpu(be, pid, prev_cpu);
}

/* CLOCK_MONOTONIC: the clock of the backend's task timestamps (bpf_ktime_get_ns()). */
static uint64_t host_now(void *be)
{
	(void)be;
	return mono_ns();
}

/* The seeded generator of lib/random.h, seeded with CLAND_HOST_SEED by cland_host_init(). */
static uint64_t host_random(void *be)
{
	return cland_random_next(&((struct cland_sched *)be)->random);
}

void cland_host_init(struct cland_host *host, struct cland_sched *s, int nr_cpus)
{
	host->be = s;
	host->claim_idle_cpu = host_claim_idle_cpu;
	host->now = host_now;
	host->nr_cpus = nr_cpus;
	host->random = host_random;
	s->random = CLAND_HOST_SEED;
}

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL /* Linux 6.9: a pidfd for a thread, not only a process */
#endif

/* A pidfd for thread @pid (the key of the backend's task storage maps). */
static int thread_pidfd(int32_t pid)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, PIDFD_THREAD);

	if (fd < 0 && errno == EINVAL) /* no PIDFD_THREAD: enough for a process */
		fd = (int)syscall(SYS_pidfd_open, pid, 0);
	return fd;
}

int cland_set_task_rule(struct cland_sched *s, int32_t pid, const struct cland_task_rule *rule)
{
	int map = bpf_map__fd(s->skel->maps.task_rules);
	int fd = thread_pidfd(pid), ret;

	if (fd < 0)
		return -errno;
	if (rule)
		ret = bpf_map_update_elem(map, &fd, rule, BPF_ANY);
	else
		ret = bpf_map_delete_elem(map, &fd);
	if (ret < 0)
		ret = -errno;
	close(fd);
	return ret == -ENOENT ? 0 : ret;
}

void cland_enable_task_rules(struct cland_sched *s, bool on)
{
	s->skel->bss->task_rules_on = on;
}
