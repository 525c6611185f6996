/*
 * v2.c - cgroup v2: one tree; a controller is usable in a directory only
 * when its parent lists it in cgroup.subtree_control.
 *
 * The v2 spellings: memory.max, memory.low, memory.swap.max (swap alone),
 * memory.oom.group, cpu.weight, cpu.max ("QUOTA PERIOD"), cpuset.cpus,
 * pids.max, io.weight, io.max ("MAJ:MIN rbps=N wbps=N riops=N wiops=N"),
 * hugetlb.<size>.max; "no limit" is "max".  Devices are a BPF program
 * (devices.c); freezing and killing are the core files cgroup.freeze and
 * cgroup.kill.  See Documentation/admin-guide/cgroup-v2.rst.
 *
 * Two rules shape how a cgroup is made here (cgroup-v2.rst, "Controlling
 * Controllers"):
 *
 *   top-down: a directory may enable a controller for its children only
 *     if its own parent enabled it for it.  So controllers are enabled
 *     from the tree's root downwards, one level at a time, after the
 *     levels exist, and each level can give only what cgroup.controllers
 *     says it has.
 *   no internal processes: a directory (other than the root) that hands
 *     controllers to its children may not hold processes itself; writing
 *     cgroup.subtree_control there fails with EBUSY.  So the container's
 *     own directory, the leaf, is never given a subtree_control: its
 *     processes live there, and their limits are the leaf's own files.
 *
 * Delegation is by ownership: a user given a directory, its cgroup.procs
 * and cgroup.subtree_control (systemd's Delegate=yes) can make cgroups
 * below it and move its processes among them, but not change the limits
 * in its own directory, whose files stay root's: what it was given is
 * the most it can hand out.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "02-cgroups/ops.h"
#include "common/probe.h"
#include "common/trace.h"

/*
 * The controllers we enable down the path, in cgroup.subtree_control
 * terms.  Devices and freezing are not among them: in v2 they are a BPF
 * program and a core file, with nothing to enable.
 */
static const enum cv_cg_ctrl enabled[] = {CV_CG_CPU,  CV_CG_CPUSET, CV_CG_MEMORY,
					  CV_CG_PIDS, CV_CG_IO,     CV_CG_HUGETLB};

/* A v2 value: "max" for none. */
static const char *v2_value(int64_t v, char *buf, size_t size)
{
	if (v == CV_CG_MAX)
		return "max";
	snprintf(buf, size, "%lld", (long long)v);
	return buf;
}

/* Is word in a space-separated list? */
static bool listed(const char *list, const char *word)
{
	size_t len = strlen(word);

	for (const char *p = list; (p = strstr(p, word)) != NULL; p += len)
		if ((p == list || p[-1] == ' ') &&
		    (p[len] == '\0' || p[len] == ' ' || p[len] == '\n'))
			return true;
	return false;
}

/*
 * Let directory `level`'s children use every controller it has.  One
 * write per controller, not "+cpu +memory ..." in one: the kernel takes
 * a whole line or nothing, and one it cannot enable would then stop the
 * others too.  A controller already on is not written again, so a
 * shared parent such as /containerv costs one read after the first.
 */
static int enable_below(struct cv_cg_dir *level, struct cv_err *err)
{
	char have[512], on[512];
	int r;

	if ((r = cg_read(level, "cgroup.controllers", have, sizeof(have), err)) < 0 ||
	    (r = cg_read(level, "cgroup.subtree_control", on, sizeof(on), err)) < 0)
		return r;
	for (size_t i = 0; i < sizeof(enabled) / sizeof(enabled[0]); i++) {
		const char *name = cv_cg_ctrl_name(enabled[i], 2);
		if (!listed(have, name) || listed(on, name))
			continue;
		r = cg_write(level, "cgroup.subtree_control", err, "+%s", name);
		if (r == -EBUSY)
			return cv_err_hint(err,
					   "%s holds processes itself, so its children cannot "
					   "get controllers (cgroup v2's no-internal-process "
					   "rule): use a cgroup path outside it",
					   level->path);
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * Enable controllers from the tree's root down to the leaf's parent,
 * top-down as the kernel requires.  Levels we did not make are visited
 * too: a parent made by another runtime, or made before a controller
 * was wanted, may not have it on yet.
 */
static int v2_create(struct cv_cg_dir *d, struct cv_err *err)
{
	struct cv_cg_dir level = *d;
	size_t end = strlen(d->tree->mount);
	int r;

	while (d->path[end] == '/') {
		snprintf(level.path, sizeof(level.path), "%.*s", (int)end, d->path);
		if ((r = enable_below(&level, err)) < 0)
			return r;
		end += 1 + strcspn(d->path + end + 1, "/");
	}
	return 0;
}

/*
 * No order is forced on these writes, unlike v1's: v2 counts swap on
 * its own (memory.swap.max is swap alone, not memory + swap), so no
 * write can cross another.  The v1-only settings are ignored with a
 * warning: there is nothing in v2 to write them to.
 */
static int v2_memory(struct cv_cg_dir *d, const struct cv_cg_limits *l, struct cv_err *err)
{
	char v[32];
	int r = 0;

	if (l->memory_limit != CV_CG_UNSET)
		r = cg_write(d, "memory.max", err, "%s", v2_value(l->memory_limit, v, sizeof(v)));
	if (r == 0 && l->memory_reservation != CV_CG_UNSET)
		r = cg_write(d, "memory.low", err, "%s",
			     v2_value(l->memory_reservation, v, sizeof(v)));
	if (r == 0 && l->memory_swap != CV_CG_UNSET) {
		if (!cg_has(d, "memory.swap.max")) {
			cv_err_set(err, ENOTSUP,
				   "memory.swap: this kernel does not account swap "
				   "(no memory.swap.max)");
			return cv_err_hint(err, "leave out the swap limit");
		}
		/* OCI's swap is memory + swap; memory.swap.max is the swap alone */
		r = cg_write(d, "memory.swap.max", err, "%s",
			     l->memory_swap == CV_CG_MAX
				 ? "max"
				 : v2_value(l->memory_swap - l->memory_limit, v, sizeof(v)));
	}
	if (r == 0 && l->oom_group >= 0)
		r = cg_write(d, "memory.oom.group", err, "%d", l->oom_group);
	if (l->memory_swappiness != CV_CG_UNSET)
		cv_warn("memory.swappiness is cgroup v1 only: ignored on cgroup v2");
	if (l->oom_kill_disable > 0)
		cv_warn("disabling the OOM killer is cgroup v1 only: ignored on cgroup v2");
	/* v2 counts kernel memory and socket buffers in memory.max: no limit of their own */
	if (l->memory_kernel != CV_CG_UNSET)
		cv_warn("memory.kernel: cgroup v2 has no kernel memory limit (it counts in "
			"memory.max): not applied");
	if (l->memory_kernel_tcp != CV_CG_UNSET)
		cv_warn("memory.kernelTCP: cgroup v2 has no kernel TCP memory limit (socket "
			"buffers count in memory.max): not applied");
	return r;
}

/*
 * cpu.weight is shares on v2's 1 to 10000 scale (limits.h).  The quota
 * and period share one file, cpu.max, written in one go, which is why
 * v2 needs no order between them where v1 does.  cgroup2 has no
 * realtime group scheduling at all: such a limit is an error, since the
 * container asked for a guarantee this host cannot give.
 */
static int v2_cpu(struct cv_cg_dir *d, const struct cv_cg_limits *l, struct cv_err *err)
{
	char now[64], quota[32] = "max";
	unsigned long long period = 100000;
	int r = 0;

	if (l->cpu_shares != CV_CG_UNSET)
		r = cg_write(d, "cpu.weight", err, "%llu",
			     (unsigned long long)cv_cg_shares_to_weight((uint64_t)l->cpu_shares));
	if (r == 0 && (l->cpu_quota != CV_CG_UNSET || l->cpu_period != CV_CG_UNSET)) {
		/* cpu.max holds both: keep the half that is not being changed */
		if ((r = cg_read(d, "cpu.max", now, sizeof(now), err)) < 0)
			return r;
		sscanf(now, "%31s %llu", quota, &period);
		if (l->cpu_quota != CV_CG_UNSET)
			v2_value(l->cpu_quota, quota, sizeof(quota));
		if (l->cpu_period != CV_CG_UNSET)
			period = (unsigned long long)l->cpu_period;
		r = cg_write(d, "cpu.max", err, "%s %llu", quota, period);
	}
	if (r == 0)
		r = cg_set_cpu_extras(d, l, "cpu.max.burst", err);
	if (r == 0 && (l->cpu_rt_runtime != CV_CG_UNSET || l->cpu_rt_period != CV_CG_UNSET)) {
		cv_err_set(err, ENOTSUP,
			   "cpu realtime limits: cgroup v2 has no realtime group "
			   "scheduling");
		return cv_err_hint(err, "leave out the realtime fields");
	}
	return r;
}

/*
 * io.weight (or BFQ's io.bfq.weight, where that scheduler runs) takes
 * "default N" for the cgroup and "MAJ:MIN N" per device, both on the v2
 * scale.  The throttles are all in io.max, one key per write.
 */
static int v2_io(struct cv_cg_dir *d, const struct cv_cg_limits *l, struct cv_err *err)
{
	const struct cv_cg_dev_value *rates[] = {l->rbps, l->wbps, l->riops, l->wiops};
	const unsigned counts[] = {l->n_rbps, l->n_wbps, l->n_riops, l->n_wiops};
	static const char *const keys[] = {"rbps", "wbps", "riops", "wiops"};
	const char *file = cg_has(d, "io.bfq.weight") ? "io.bfq.weight" : "io.weight";
	int r;

	if ((l->io_weight != CV_CG_UNSET || l->n_weight_dev) && !cg_has(d, file)) {
		cv_err_set(err, ENOTSUP,
			   "block io weight: this kernel has neither io.bfq.weight "
			   "nor io.weight");
		return cv_err_hint(err, "weights need the BFQ scheduler or io.cost; throttles "
					"(bps, iops) work without them");
	}
	if (l->io_weight != CV_CG_UNSET &&
	    (r = cg_write(d, file, err, "default %llu",
			  (unsigned long long)cv_cg_blkio_to_io_weight((uint64_t)l->io_weight))) <
		0)
		return r;
	for (unsigned i = 0; i < l->n_weight_dev; i++)
		if ((r = cg_write(
			 d, file, err, "%u:%u %llu", l->weight_dev[i].major, l->weight_dev[i].minor,
			 (unsigned long long)cv_cg_blkio_to_io_weight(l->weight_dev[i].value))) < 0)
			return r;
	/* io.max takes one line per device; each key=value on it changes only that key */
	for (unsigned k = 0; k < 4; k++)
		for (unsigned i = 0; i < counts[k]; i++)
			if ((r = cg_write(d, "io.max", err, "%u:%u %s=%llu", rates[k][i].major,
					  rates[k][i].minor, keys[k],
					  (unsigned long long)rates[k][i].value)) < 0)
				return r;
	return 0;
}

/*
 * The named limits first, then `unified`, OCI's raw v2 files: written
 * last, as given, so that a key naming a file a field also sets (say
 * memory.max) has the last word.  The keys were checked to be plain
 * file names (cv_cg_limits_check): none can reach outside the directory.
 */
static int v2_set(const struct cv_cgroup *cg, struct cv_cg_dir *d, const struct cv_cg_limits *l,
		  struct cv_err *err)
{
	char file[64], v[32];
	int r;

	if (cg_drives(cg, d, CV_CG_MEMORY) && (r = v2_memory(d, l, err)) < 0)
		return r;
	if (cg_drives(cg, d, CV_CG_CPU) && (r = v2_cpu(d, l, err)) < 0)
		return r;
	if (cg_drives(cg, d, CV_CG_CPUSET) && (r = cg_set_cpuset(d, l, err)) < 0)
		return r;
	if (cg_drives(cg, d, CV_CG_PIDS) && (r = cg_set_pids(d, l, err)) < 0)
		return r;
	if (cg_drives(cg, d, CV_CG_IO) && (r = v2_io(d, l, err)) < 0)
		return r;
	for (unsigned i = 0; cg_drives(cg, d, CV_CG_HUGETLB) && i < l->n_hugetlb; i++) {
		snprintf(file, sizeof(file), "hugetlb.%s.max", l->hugetlb[i].pagesize);
		if ((r = cg_write(d, file, err, "%s",
				  v2_value(l->hugetlb[i].limit, v, sizeof(v)))) < 0)
			return r;
	}
	if (cg_drives(cg, d, CV_CG_DEVICES) && l->n_rules &&
	    (r = cv_cg_devices_bpf(d, l->rules, l->n_rules, err)) < 0)
		return r;
	if (cg_drives(cg, d, CV_CG_RDMA) && (r = cg_set_rdma(d, l, err)) < 0)
		return r;
	for (unsigned i = 0; i < l->n_unified; i++)
		if ((r = cg_write(d, l->unified[i].key, err, "%s", l->unified[i].value)) < 0)
			return r == -ENOENT ? cv_err_hint(err,
							  "no file %s here: is its controller "
							  "enabled in the parent?",
							  l->unified[i].key)
					    : r;
	return 0;
}

static bool v2_can_freeze(struct cv_cg_dir *d)
{
	return cg_has(d, "cgroup.freeze");
}

static bool v2_frozen(struct cv_cg_dir *d)
{
	uint64_t frozen = 0;
	struct cv_err ignored;

	cg_read_key(d, "cgroup.events", "frozen", &frozen, &ignored);
	return frozen == 1;
}

static bool v2_thawed(struct cv_cg_dir *d)
{
	return !v2_frozen(d);
}

/*
 * cgroup.freeze (5.2) is a core file, in every cgroup2 directory, with
 * no controller to enable.  It freezes the whole subtree; "frozen 1" in
 * cgroup.events says when every process has stopped.  Unlike the v1
 * freezer, a fatal signal still kills a frozen process.
 */
static int v2_freeze(struct cv_cg_dir *d, bool frozen, struct cv_err *err)
{
	uint64_t now = 1;
	int r;

	if (!frozen && cg_read_u64(d, "cgroup.freeze", &now, err) == 0 && now == 0)
		return 0; /* nothing to do */
	r = cg_write(d, "cgroup.freeze", err, "%d", frozen);

	/* the write starts it; cgroup.events says when every process has stopped */
	if (r == 0 && !cg_wait(d, frozen ? v2_frozen : v2_thawed, 2000)) {
		cv_err_set(err, ETIMEDOUT, "%s: cgroup.events still says frozen %d after 2 s",
			   d->path, !frozen);
		return cv_err_hint(err, "a process may be in an uninterruptible wait (state D)");
	}
	return r;
}

/*
 * cgroup.kill (5.14): writing 1 sends SIGKILL to every process in the
 * cgroup and below it, in the kernel, so none can fork away while it
 * happens.  CV_DISABLE=cgroup_kill takes the older way, for tests.
 */
static bool v2_can_kill(struct cv_cg_dir *d)
{
	return cg_has(d, "cgroup.kill") && !cv_probe_disabled("cgroup_kill");
}

static int v2_kill(struct cv_cg_dir *d, struct cv_err *err)
{
	if (!v2_can_kill(d)) /* before 5.14 */
		return cg_kill_frozen(d, &cv_cg_v2_ops, err);
	return cg_write(d, "cgroup.kill", err, "1");
}

const struct cv_cg_ops cv_cg_v2_ops = {
    .name = "v2",
    .create = v2_create,
    .set = v2_set,
    .enter = cg_enter_procs,
    .stats = cg_v2_stats,
    .can_freeze = v2_can_freeze,
    .freeze = v2_freeze,
    .can_kill = v2_can_kill,
    .kill = v2_kill,
    .destroy = cg_remove,
};
