/*
 * set.c - applying limits: which tree writes which, and what this host
 * cannot apply, refused before the first write.
 *
 * Limits arrive checked: every producer of a struct cv_cg_limits (the
 * OCI spec's parser, `containerv update`, the demo's options) ran
 * cv_cg_limits_check() on it where it was made, so the ranges and the
 * pairs (swap against memory, burst against quota) hold here, and the
 * writers in v1.c and v2.c rely on them: v2's memory.swap.max is swap
 * minus memory, and would be negative otherwise.  What is left to ask
 * here depends on the host, not on the values: is the controller for
 * each limit mounted somewhere, is there a cgroup2 tree for `unified`,
 * do the block devices exist.
 *
 * All of that is asked before anything is written, because cgroupfs has
 * no transaction: each write to a control file takes effect at once, so
 * a failure half-way leaves the cgroup with half of its new limits.  The
 * kernel can still refuse a value (a cpuset outside the parent's, a
 * memory limit below what is in use); the ops' errors name the file,
 * and the caller removes a cgroup it made for nothing.
 *
 * Each directory then applies the controllers its own tree drives
 * (ops->set, in the order of the host's trees): on a hybrid host memory
 * goes to the v1 memory tree, hugetlb to the cgroup2 tree, and so on.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "02-cgroups/ops.h"
#include "common/trace.h"

/*
 * Every device an io setting names must exist: the kernel's answer to an
 * unknown MAJOR:MINOR in blkio.throttle.* or io.max is a bare ENODEV
 * from write(2), which names neither the device nor the setting.
 * /sys/dev/block has an entry per block device number (a partition
 * passes here and is still refused by the kernel: io limits are per disk).
 */
static int check_block_devices(const struct cv_cg_limits *l, struct cv_err *err)
{
	const struct cv_cg_dev_value *lists[] = {l->weight_dev, l->rbps, l->wbps, l->riops,
						 l->wiops};
	const unsigned counts[] = {l->n_weight_dev, l->n_rbps, l->n_wbps, l->n_riops, l->n_wiops};
	char path[64];

	for (unsigned k = 0; k < 5; k++)
		for (unsigned i = 0; i < counts[k]; i++) {
			snprintf(path, sizeof(path), "/sys/dev/block/%u:%u", lists[k][i].major,
				 lists[k][i].minor);
			if (access(path, F_OK) == 0)
				continue;
			cv_err_set(err, ENODEV, "block device %u:%u does not exist (no %s)",
				   lists[k][i].major, lists[k][i].minor, path);
			return cv_err_hint(err,
					   "`lsblk -d -o NAME,MAJ:MIN` lists the block devices");
		}
	return 0;
}

/*
 * Settings skipped with a warning rather than refused, as runc does:
 * net_cls and net_prio are often not mounted at all (cgroup2 has neither:
 * BPF programs do that job), kernel memory limits are deprecated, and
 * RDMA is rare.  A config written for one host still starts on another.
 */
static void warn_skipped(const struct cv_cg_host *host, const struct cv_cg_limits *l)
{
	if (l->net_classid != CV_CG_UNSET && !cv_cg_tree_of(host, CV_CG_NET_CLS))
		cv_warn(
		    "network class id: this host has no net_cls controller mounted: not applied");
	if (l->n_net_prio && !cv_cg_tree_of(host, CV_CG_NET_PRIO))
		cv_warn("network priorities: this host has no net_prio controller mounted: not "
			"applied");
	if ((l->memory_kernel != CV_CG_UNSET || l->memory_kernel_tcp != CV_CG_UNSET) &&
	    !cv_cg_tree_of(host, CV_CG_MEMORY))
		cv_warn("memory.kernel, memory.kernelTCP: this host has no memory controller: not "
			"applied");
	if (l->n_rdma && !cv_cg_tree_of(host, CV_CG_RDMA))
		cv_warn("rdma limits: this host has no rdma controller mounted: not applied");
}

/*
 * Is each limit that is set driven by some tree here?  Checked before any
 * write.  A limit on a controller this host lacks is an error, not a
 * warning: a container asked to stay under 32 MiB must not run without
 * that limit.  `asked` says which controllers the limits need.
 */
int cv_cg_check(const struct cv_cg_host *host, const struct cv_cg_limits *l, struct cv_err *err)
{
	static const struct {
		enum cv_cg_ctrl ctrl;
		const char *what;
	} wants[] = {{CV_CG_MEMORY, "memory limits"},
		     {CV_CG_CPU, "cpu shares or quota"},
		     {CV_CG_CPUSET, "cpuset cpus or mems"},
		     {CV_CG_PIDS, "a pids limit"},
		     {CV_CG_IO, "block io weights or throttles"},
		     {CV_CG_HUGETLB, "hugetlb limits"},
		     {CV_CG_DEVICES, "device rules"}};
	bool asked[CV_CG_NCTRL] = {
	    [CV_CG_MEMORY] = l->memory_limit != CV_CG_UNSET ||
			     l->memory_reservation != CV_CG_UNSET ||
			     l->memory_swap != CV_CG_UNSET || l->memory_swappiness != CV_CG_UNSET ||
			     l->oom_kill_disable >= 0 || l->oom_group >= 0,
	    [CV_CG_CPU] = l->cpu_shares != CV_CG_UNSET || l->cpu_quota != CV_CG_UNSET ||
			  l->cpu_period != CV_CG_UNSET || l->cpu_rt_runtime != CV_CG_UNSET ||
			  l->cpu_rt_period != CV_CG_UNSET || l->cpu_burst != CV_CG_UNSET ||
			  l->cpu_idle != CV_CG_UNSET,
	    [CV_CG_CPUSET] = l->cpuset_cpus[0] || l->cpuset_mems[0],
	    [CV_CG_PIDS] = l->pids_limit != CV_CG_UNSET,
	    [CV_CG_IO] = l->io_weight != CV_CG_UNSET || l->n_weight_dev || l->n_rbps || l->n_wbps ||
			 l->n_riops || l->n_wiops,
	    [CV_CG_HUGETLB] = l->n_hugetlb > 0,
	    [CV_CG_DEVICES] = l->n_rules > 0,
	};

	warn_skipped(host, l);
	for (size_t i = 0; i < sizeof(wants) / sizeof(wants[0]); i++)
		if (asked[wants[i].ctrl] && !cv_cg_tree_of(host, wants[i].ctrl)) {
			cv_err_set(err, ENOTSUP, "%s: this host has no %s controller",
				   wants[i].what, cv_cg_ctrl_name(wants[i].ctrl, 1));
			return cv_err_hint(err, "`cv-cgroups layout` shows what it has");
		}
	if (l->n_unified) {
		bool v2 = false;
		for (unsigned i = 0; i < host->n; i++)
			v2 |= host->tree[i].version == 2;
		if (!v2) {
			cv_err_set(err, ENOTSUP, "unified: this host has no cgroup v2 tree");
			return cv_err_hint(err, "`unified` settings are cgroup v2 files; on v1 use "
						"the other fields");
		}
	}
	return check_block_devices(l, err);
}

/*
 * Swap is accounted only when the kernel was built with it and, on v1,
 * booted with swapaccount=1; without it the memsw (v1) or swap.max (v2)
 * file is missing, which is the test.
 */
bool cv_cg_swap_accounted(const struct cv_cgroup *cg)
{
	const struct cv_cg_tree *t = cv_cg_tree_of(cg->host, CV_CG_MEMORY);

	for (unsigned i = 0; t && i < cg->n; i++)
		if (cg->dir[i].tree == t)
			return cg_has(&cg->dir[i], t->version == 2 ? "memory.swap.max"
								   : "memory.memsw.limit_in_bytes");
	return false;
}

int cv_cg_set(struct cv_cgroup *cg, const struct cv_cg_limits *l, struct cv_err *err)
{
	int r;

	/* l is checked (cv_cg_limits_check, by whoever made it); the host is
	 * asked here, so that nothing is written if any of it cannot be */
	if ((r = cv_cg_check(cg->host, l, err)) < 0)
		return r;
	for (unsigned i = 0; i < cg->n; i++)
		if ((r = cv_cg_ops_of(&cg->dir[i])->set(cg, &cg->dir[i], l, err)) < 0)
			return r;
	return 0;
}
