/*
 * v1.c - cgroup v1: one tree per controller, each with its own files.
 *
 * The v1 spellings: memory.limit_in_bytes, memory.memsw.limit_in_bytes
 * (memory + swap), cpu.shares, cpu.cfs_quota_us / cpu.cfs_period_us,
 * cpuset.cpus, pids.max, blkio.weight and blkio.throttle.*, hugetlb.<size>.
 * limit_in_bytes, devices.allow / devices.deny, freezer.state.  "No limit"
 * is -1 (pids.max: "max").  See Documentation/admin-guide/cgroup-v1/.
 *
 * v1 has no rule about where processes may live: any directory may hold
 * them and have children, and a controller is on in every directory of
 * the tree it is mounted in.  So there is nothing to enable here, but
 * each controller keeps its own rules, and several pairs of files must
 * be written in an order that keeps the kernel's invariant after every
 * single write, since each write is checked alone:
 *
 *   memory.limit_in_bytes <= memory.memsw.limit_in_bytes: raising both,
 *     memsw goes first; lowering both, the memory limit goes first.
 *   cpu.cfs_period_us before cpu.cfs_quota_us: the quota is time per
 *     period, and the kernel checks the pair (and its burst) as a whole.
 *   cpu.rt_period_us before cpu.rt_runtime_us: the runtime must fit in
 *     the period, and in what the parent has left to give.
 *   devices.deny and devices.allow in the rules' order: each write edits
 *     the list the previous ones left.
 *
 * A new v1 cgroup inherits some settings from its parent and not
 * others: the devices list is copied from the parent, but cpuset.cpus
 * and cpuset.mems start empty, and a process cannot join an empty cpuset
 * (ENOSPC), hence v1_create.  Freezing is a controller of its own, the
 * freezer, with three states: THAWED, FREEZING while its tasks are being
 * stopped, FROZEN once all are.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "02-cgroups/ops.h"
#include "common/trace.h"

/* A v1 limit value: -1 for "none". */
static long long v1_value(int64_t v)
{
	return v == CV_CG_MAX ? -1 : (long long)v;
}

/*
 * A new v1 cpuset has no cpus and no mems, and no process may join it:
 * each level, top-down, takes its parent's where it has none.  Levels we
 * did not make are looked at too: another runtime making the same parent
 * at the same moment may not have filled it yet (100 containers started
 * at once found that), and filling it again with the same values is safe.
 */
static int v1_create(struct cv_cg_dir *d, struct cv_err *err)
{
	size_t base = strlen(d->tree->mount), len = strlen(d->path), prev = base;
	int r;

	if (!(d->tree->ctrls & CV_CG_BIT(CV_CG_CPUSET)))
		return 0;
	for (size_t i = base + 1; i <= len; i++) {
		struct cv_cg_dir parent = *d, child = *d;
		char value[256];

		if (d->path[i] != '/' && d->path[i] != '\0')
			continue;
		snprintf(child.path, sizeof(child.path), "%.*s", (int)i, d->path);
		snprintf(parent.path, sizeof(parent.path), "%.*s", (int)prev, d->path);
		prev = i;
		for (int f = 0; f < 2; f++) {
			const char *file = f ? "cpuset.mems" : "cpuset.cpus";
			if ((r = cg_read(&child, file, value, sizeof(value), err)) < 0)
				return r;
			if (value[strspn(value, " \n")] != '\0')
				continue; /* it has its own */
			if ((r = cg_read(&parent, file, value, sizeof(value), err)) < 0 ||
			    (r = cg_write(&child, file, err, "%s", value)) < 0)
				return r;
		}
	}
	return 0;
}

/*
 * memory.limit_in_bytes and memsw together.  Raising, memsw first (a
 * memory limit above the current memsw is EINVAL); then the memory
 * limit; then memsw again, to its final value, which also lowers it
 * when both go down.  Lowering the memory limit below what the cgroup
 * uses makes the kernel reclaim, and if it cannot reclaim enough it
 * refuses with EBUSY instead of killing: the hint says how much is used.
 */
static int v1_memory_limit(struct cv_cg_dir *d, const struct cv_cg_limits *l, struct cv_err *err)
{
	bool swap = l->memory_swap != CV_CG_UNSET, limit = l->memory_limit != CV_CG_UNSET;
	uint64_t memsw = 0, usage = 0;
	int r = 0;

	if (swap && !cg_has(d, "memory.memsw.limit_in_bytes")) {
		cv_err_set(err, ENOTSUP,
			   "memory.swap: this kernel does not account swap "
			   "(no memory.memsw.limit_in_bytes)");
		return cv_err_hint(err, "boot with swapaccount=1, or leave out the swap limit");
	}
	/* memory <= memory+swap must hold after each write: raise memsw first. */
	if (swap && limit && cg_read_u64(d, "memory.memsw.limit_in_bytes", &memsw, err) == 0 &&
	    (l->memory_limit == CV_CG_MAX || (uint64_t)l->memory_limit > memsw))
		r = cg_write(d, "memory.memsw.limit_in_bytes", err, "%lld",
			     v1_value(l->memory_swap));
	if (r == 0 && limit)
		r = cg_write(d, "memory.limit_in_bytes", err, "%lld", v1_value(l->memory_limit));
	if (r == -EBUSY) {
		cg_read_u64(d, "memory.usage_in_bytes", &usage, &(struct cv_err){0});
		return cv_err_hint(err,
				   "the cgroup uses %llu bytes now, and the kernel could not "
				   "reclaim enough to fit under the new limit",
				   (unsigned long long)usage);
	}
	if (r == 0 && swap)
		r = cg_write(d, "memory.memsw.limit_in_bytes", err, "%lld",
			     v1_value(l->memory_swap));
	return r;
}

/*
 * Kernel memory: memory.kernel (kmem.limit_in_bytes: slab, page tables,
 * ...) and memory.kernelTCP (kmem.tcp.limit_in_bytes: socket buffers).
 * Applied where the kernel has the file, a warning naming the field where
 * not, as crun does.  kmem.limit_in_bytes is deprecated: since 6.1 a
 * write to it is taken and changes nothing (read it back to know), and
 * 5.16 to 6.0 refuse it (ENOTSUPP, 524, which no header names).
 */
static int v1_kmem(struct cv_cg_dir *d, int64_t v, const char *field, const char *file,
		   struct cv_err *err)
{
	uint64_t now = 0;
	int r;

	if (v == CV_CG_UNSET)
		return 0;
	if (!cg_has(d, file)) {
		cv_warn("%s: this kernel has no %s: not applied", field, file);
		return 0;
	}
	r = cg_write(d, file, err, "%lld", v1_value(v));
	if (r == -EOPNOTSUPP || r == -524) {
		cv_warn("%s: this kernel refuses %s (deprecated): not applied", field, file);
		return 0;
	}
	if (r < 0)
		return r;
	if (v != CV_CG_MAX && cg_read_u64(d, file, &now, &(struct cv_err){0}) == 0 &&
	    now >= (1ULL << 62)) /* still "none", as PAGE_COUNTER_MAX */
		cv_warn("%s: this kernel ignores %s (deprecated): not applied", field, file);
	return 0;
}

/*
 * The hard limits first: a soft limit (the reservation) is what reclaim
 * aims for under pressure, and means something only below them.
 * memory.oom_control 1 stops the OOM killer in this cgroup: a task over
 * the limit then waits for memory instead of being killed.
 */
static int v1_memory(struct cv_cg_dir *d, const struct cv_cg_limits *l, struct cv_err *err)
{
	int r;

	if ((r = v1_memory_limit(d, l, err)) < 0)
		return r;
	if (l->memory_reservation != CV_CG_UNSET &&
	    (r = cg_write(d, "memory.soft_limit_in_bytes", err, "%lld",
			  v1_value(l->memory_reservation))) < 0)
		return r;
	if (l->memory_swappiness != CV_CG_UNSET &&
	    (r = cg_write(d, "memory.swappiness", err, "%lld", (long long)l->memory_swappiness)) <
		0)
		return r;
	if (l->oom_kill_disable >= 0 &&
	    (r = cg_write(d, "memory.oom_control", err, "%d", l->oom_kill_disable)) < 0)
		return r;
	if (l->oom_group >= 0)
		cv_warn("memory.oom.group is cgroup v2 only: ignored on this v1 memory controller");
	if ((r = v1_kmem(d, l->memory_kernel, "memory.kernel", "memory.kmem.limit_in_bytes", err)) <
	    0)
		return r;
	return v1_kmem(d, l->memory_kernel_tcp, "memory.kernelTCP",
		       "memory.kmem.tcp.limit_in_bytes", err);
}

/*
 * cpu.shares is a weight against the sibling cgroups, felt only when the
 * CPUs are busy; the quota is a hard cap, felt always.  The realtime
 * fields exist only with CONFIG_RT_GROUP_SCHED, where every cgroup's
 * realtime runtime comes out of its parent's: a new cgroup has 0, and
 * must be given some before a SCHED_FIFO task may run in it.
 */
static int v1_cpu(struct cv_cg_dir *d, const struct cv_cg_limits *l, struct cv_err *err)
{
	int r = 0;

	if (l->cpu_shares != CV_CG_UNSET)
		r = cg_write(d, "cpu.shares", err, "%lld", (long long)l->cpu_shares);
	if (r == 0 && l->cpu_period != CV_CG_UNSET) /* the period first: the quota is per period */
		r = cg_write(d, "cpu.cfs_period_us", err, "%lld", (long long)l->cpu_period);
	if (r == 0 && l->cpu_quota != CV_CG_UNSET)
		r = cg_write(d, "cpu.cfs_quota_us", err, "%lld", v1_value(l->cpu_quota));
	if (r == 0)
		r = cg_set_cpu_extras(d, l, "cpu.cfs_burst_us", err);
	if (r < 0 || (l->cpu_rt_runtime == CV_CG_UNSET && l->cpu_rt_period == CV_CG_UNSET))
		return r;
	if (!cg_has(d, "cpu.rt_runtime_us")) {
		cv_err_set(err, ENOTSUP,
			   "cpu realtime limits: this kernel has no realtime group "
			   "scheduling (no cpu.rt_runtime_us)");
		return cv_err_hint(err, "it needs CONFIG_RT_GROUP_SCHED; leave out the realtime "
					"fields");
	}
	if (l->cpu_rt_period != CV_CG_UNSET)
		r = cg_write(d, "cpu.rt_period_us", err, "%lld", (long long)l->cpu_rt_period);
	if (r == 0 && l->cpu_rt_runtime != CV_CG_UNSET)
		r = cg_write(d, "cpu.rt_runtime_us", err, "%lld", v1_value(l->cpu_rt_runtime));
	if (r == -EINVAL)
		return cv_err_hint(err,
				   "a cgroup's realtime runtime must fit in what its parent "
				   "has (the parent's cpu.rt_runtime_us), and in its own period");
	return r;
}

/*
 * blkio weights live in blkio.weight (CFQ, gone since 5.0) or
 * blkio.bfq.weight: a weight is the io scheduler's business, and only
 * these two schedulers have one.  BFQ's is tried first: where both
 * exist it is the one in use.
 */
static const char *v1_weight_file(struct cv_cg_dir *d, bool per_device, struct cv_err *err)
{
	const char *cfq = per_device ? "blkio.weight_device" : "blkio.weight";
	const char *bfq = per_device ? "blkio.bfq.weight_device" : "blkio.bfq.weight";

	if (cg_has(d, bfq))
		return bfq;
	if (cg_has(d, cfq))
		return cfq;
	cv_err_set(err, ENOTSUP, "block io weight: this kernel has neither %s nor %s", bfq, cfq);
	cv_err_hint(err,
		    "weights need the BFQ io scheduler; throttles (bps, iops) work without it");
	return NULL;
}

static int v1_io(struct cv_cg_dir *d, const struct cv_cg_limits *l, struct cv_err *err)
{
	static const char *const files[] = {
	    "blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device",
	    "blkio.throttle.read_iops_device", "blkio.throttle.write_iops_device"};
	const struct cv_cg_dev_value *rates[] = {l->rbps, l->wbps, l->riops, l->wiops};
	const unsigned counts[] = {l->n_rbps, l->n_wbps, l->n_riops, l->n_wiops};
	const char *file;
	int r;

	if (l->io_weight != CV_CG_UNSET &&
	    (!(file = v1_weight_file(d, false, err)) ||
	     (r = cg_write(d, file, err, "%lld", (long long)l->io_weight)) < 0))
		return -err->code;
	for (unsigned i = 0; i < l->n_weight_dev; i++)
		if (!(file = v1_weight_file(d, true, err)) ||
		    cg_write(d, file, err, "%u:%u %llu", l->weight_dev[i].major,
			     l->weight_dev[i].minor,
			     (unsigned long long)l->weight_dev[i].value) < 0)
			return -err->code;
	for (unsigned k = 0; k < 4; k++)
		for (unsigned i = 0; i < counts[k]; i++)
			if ((r = cg_write(d, files[k], err, "%u:%u %llu", rates[k][i].major,
					  rates[k][i].minor,
					  (unsigned long long)rates[k][i].value)) < 0)
				return r;
	return 0;
}

/*
 * Each controller only in the tree that drives it (cg_drives): on a host
 * where cpu and cpuacct share a tree, that one directory gets the cpu
 * writes; the others skip them.  Devices last, so that a failure earlier
 * leaves the device list as it was.
 */
static int v1_set(const struct cv_cgroup *cg, struct cv_cg_dir *d, const struct cv_cg_limits *l,
		  struct cv_err *err)
{
	char rule[64], file[64];
	int r = 0;

	if (cg_drives(cg, d, CV_CG_MEMORY) && (r = v1_memory(d, l, err)) < 0)
		return r;
	if (cg_drives(cg, d, CV_CG_CPU) && (r = v1_cpu(d, l, err)) < 0)
		return r;
	if (cg_drives(cg, d, CV_CG_CPUSET) && (r = cg_set_cpuset(d, l, err)) < 0)
		return r;
	if (cg_drives(cg, d, CV_CG_PIDS) && (r = cg_set_pids(d, l, err)) < 0)
		return r;
	if (cg_drives(cg, d, CV_CG_IO) && (r = v1_io(d, l, err)) < 0)
		return r;
	for (unsigned i = 0; cg_drives(cg, d, CV_CG_HUGETLB) && i < l->n_hugetlb; i++) {
		snprintf(file, sizeof(file), "hugetlb.%s.limit_in_bytes", l->hugetlb[i].pagesize);
		if ((r = cg_write(d, file, err, "%lld", v1_value(l->hugetlb[i].limit))) < 0)
			return r;
	}
	if (cg_drives(cg, d, CV_CG_NET_CLS) && l->net_classid != CV_CG_UNSET &&
	    (r = cg_write(d, "net_cls.classid", err, "%lld", (long long)l->net_classid)) < 0)
		return r;
	for (unsigned i = 0; cg_drives(cg, d, CV_CG_NET_PRIO) && i < l->n_net_prio; i++)
		if ((r = cg_write(d, "net_prio.ifpriomap", err, "%s %u", l->net_prio[i].iface,
				  l->net_prio[i].priority)) < 0)
			return r;
	if (cg_drives(cg, d, CV_CG_RDMA) && (r = cg_set_rdma(d, l, err)) < 0)
		return r;
	/* In order: a new cgroup has its parent's list (at the root: every
	 * device), and each rule edits that list.  A child may not be allowed
	 * more than its parent: such an allow is refused (EPERM). */
	for (unsigned i = 0; cg_drives(cg, d, CV_CG_DEVICES) && i < l->n_rules; i++)
		if ((r = cg_write(d, l->rules[i].allow ? "devices.allow" : "devices.deny", err,
				  "%s", cv_cg_format_rule(&l->rules[i], rule, sizeof(rule)))) < 0)
			return r;
	return 0;
}

static bool v1_can_freeze(struct cv_cg_dir *d)
{
	return cg_has(d, "freezer.state");
}

static bool v1_settled(struct cv_cg_dir *d)
{
	char state[32];
	struct cv_err ignored;

	/* FREEZING is on the way; we wait for FROZEN (or THAWED) */
	return cg_read(d, "freezer.state", state, sizeof(state), &ignored) == 0 &&
	       strncmp(state, "FREEZING", 8) != 0;
}

/*
 * Writing FROZEN starts the freeze and returns; the state reads FREEZING
 * until every task has stopped, which a task in an uninterruptible sleep
 * (state D) can delay.  Thawing a cgroup that is not frozen is skipped:
 * thaw_all() asks every freezer, whichever froze it.
 */
static int v1_freeze(struct cv_cg_dir *d, bool frozen, struct cv_err *err)
{
	char state[32] = "";
	int r;

	if (!frozen && cg_read(d, "freezer.state", state, sizeof(state), err) == 0 &&
	    !strncmp(state, "THAWED", 6))
		return 0; /* nothing to do */
	r = cg_write(d, "freezer.state", err, "%s", frozen ? "FROZEN" : "THAWED");

	if (r == 0 && !cg_wait(d, v1_settled, 2000)) {
		cv_err_set(err, ETIMEDOUT, "%s/freezer.state is still FREEZING after 2 s", d->path);
		return cv_err_hint(err, "a process may be in an uninterruptible wait (state D)");
	}
	return r;
}

/* v1 has no cgroup.kill: killing is by pid, under a freeze (cg_kill_frozen). */
static bool v1_can_kill(struct cv_cg_dir *d)
{
	(void)d;
	return false;
}

static int v1_kill(struct cv_cg_dir *d, struct cv_err *err)
{
	return cg_kill_frozen(d, &cv_cg_v1_ops, err);
}

const struct cv_cg_ops cv_cg_v1_ops = {
    .name = "v1",
    .create = v1_create,
    .set = v1_set,
    .enter = cg_enter_procs,
    .stats = cg_v1_stats,
    .can_freeze = v1_can_freeze,
    .freeze = v1_freeze,
    .can_kill = v1_can_kill,
    .kill = v1_kill,
    .destroy = cg_remove,
};
