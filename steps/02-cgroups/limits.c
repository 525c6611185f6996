/*
 * limits.c - checking limits, and the v1 <-> v2 scales (see limits.h).
 * Pure code: no files are touched here.  Reading them from text is
 * parse.c.
 *
 * A limit is checked once, where it is made: the OCI spec's parser,
 * `containerv update` and the demo's options each run
 * cv_cg_limits_check() on the struct they built, and the functions that
 * apply limits (cv_cg_check, cv_cg_set) take them as checked.  The
 * checks here are the ones that hold on every host, so that a mistake is
 * found before a cgroup exists, with the field's OCI name in the error,
 * rather than as a bare EINVAL from write(2) half-way through applying.
 *
 * Some of them only repeat the kernel's own refusals, earlier and by
 * name (a cpu period outside 1 ms to 1 s, a memory+swap limit below the
 * memory limit).  Others catch what the kernel would take quietly and
 * turn into something else: it clamps cpu.shares into its range, reads
 * -7 in a limit file as "no limit", and takes a throttle of 0 as
 * "remove the throttle".  A typo must not lift a limit without a word.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "02-cgroups/limits.h"

/*
 * 0 cannot mean "unset": it is a real value for several fields (a cpu
 * rt runtime, swappiness, a classid), hence CV_CG_UNSET, and -1 for the
 * two OOM flags.  The arrays are empty by their counts.
 */
void cv_cg_limits_init(struct cv_cg_limits *l)
{
	memset(l, 0, sizeof(*l));
	l->memory_limit = l->memory_reservation = l->memory_swap = CV_CG_UNSET;
	l->memory_swappiness = l->memory_kernel = l->memory_kernel_tcp = CV_CG_UNSET;
	l->oom_kill_disable = l->oom_group = -1;
	l->cpu_shares = l->cpu_quota = l->cpu_period = CV_CG_UNSET;
	l->cpu_rt_runtime = l->cpu_rt_period = CV_CG_UNSET;
	l->cpu_burst = l->cpu_idle = CV_CG_UNSET;
	l->net_classid = CV_CG_UNSET;
	l->pids_limit = l->io_weight = CV_CG_UNSET;
}

/* memcmp is exact for a struct made by init(), which memsets: padding compares equal. */
bool cv_cg_limits_empty(const struct cv_cg_limits *l)
{
	struct cv_cg_limits none;

	cv_cg_limits_init(&none);
	return memcmp(l, &none, sizeof(none)) == 0;
}

/* --- checking ------------------------------------------------------------ */

static bool set(int64_t v)
{
	return v != CV_CG_UNSET;
}

static int out_of_range(struct cv_err *err, const char *field, int64_t v, const char *range)
{
	cv_err_set(err, EINVAL, "%s: %lld is out of range", field, (long long)v);
	return cv_err_hint(err, "it must be %s", range);
}

/*
 * A byte limit: more than 0, or CV_CG_MAX.  0 bytes is no memory at
 * all, not a limit to run under; a negative is a typo (only -1, turned
 * into CV_CG_MAX by the parsers, means "none").
 */
static int check_bytes(int64_t v, const char *field, struct cv_err *err)
{
	if (set(v) && v != CV_CG_MAX && v <= 0)
		return out_of_range(err, field, v, "more than 0 bytes, or -1 for no limit");
	return 0;
}

/*
 * memory.swap is OCI's (and v1's memsw) memory and swap together, so it
 * is at least the memory limit: the kernel refuses memsw below the
 * memory limit (EINVAL), and equal means no swap at all.  Without a
 * memory limit there is nothing to add swap to.  A reservation (a soft
 * limit) above the hard limit could never take effect.  Swappiness is
 * 0 to 100, as runc takes it (kernels since 5.8 would take up to 200).
 */
static int check_memory(const struct cv_cg_limits *l, struct cv_err *err)
{
	bool limited = set(l->memory_limit) && l->memory_limit != CV_CG_MAX;

	if (check_bytes(l->memory_limit, "memory.limit", err) < 0 ||
	    check_bytes(l->memory_reservation, "memory.reservation", err) < 0 ||
	    check_bytes(l->memory_swap, "memory.swap", err) < 0 ||
	    check_bytes(l->memory_kernel, "memory.kernel", err) < 0 ||
	    check_bytes(l->memory_kernel_tcp, "memory.kernelTCP", err) < 0)
		return -err->code;
	if (limited && set(l->memory_swap) && l->memory_swap != CV_CG_MAX &&
	    l->memory_swap < l->memory_limit) {
		cv_err_set(err, EINVAL, "memory.swap %lld is below memory.limit %lld",
			   (long long)l->memory_swap, (long long)l->memory_limit);
		return cv_err_hint(err, "memory.swap counts memory and swap together: at least the "
					"memory limit (equal: no swap)");
	}
	if (!limited && set(l->memory_swap) && l->memory_swap != CV_CG_MAX) {
		cv_err_set(err, EINVAL, "memory.swap is set but memory.limit is not");
		return cv_err_hint(err, "a memory+swap limit needs a memory limit too");
	}
	if (limited && set(l->memory_reservation) && l->memory_reservation != CV_CG_MAX &&
	    l->memory_reservation > l->memory_limit)
		return out_of_range(err, "memory.reservation", l->memory_reservation,
				    "at most the memory limit");
	if (set(l->memory_swappiness) && (l->memory_swappiness < 0 || l->memory_swappiness > 100))
		return out_of_range(err, "memory.swappiness", l->memory_swappiness, "0 to 100");
	return 0;
}

/*
 * The CFS bandwidth ranges are the kernel's (kernel/sched/core.c): a
 * period of 1 ms to 1 s, a quota of at least 1 ms (or -1: none), and a
 * burst no larger than the quota.  cpu.shares is 2 to 262144; outside
 * it the kernel clamps instead of refusing, and v2's cpu.weight would be
 * converted from a value the user never asked for.  cpu.idle is a flag;
 * a realtime runtime of 0 is real (no realtime time at all) and -1 is
 * none.  The cpuset lists are checked as text here too, since OCI gives
 * them as strings.
 */
static int check_cpu(const struct cv_cg_limits *l, struct cv_err *err)
{
	if (set(l->cpu_shares) && (l->cpu_shares < 2 || l->cpu_shares > 262144))
		return out_of_range(err, "cpu.shares", l->cpu_shares, "2 to 262144");
	if (set(l->cpu_period) && (l->cpu_period < 1000 || l->cpu_period > 1000000))
		return out_of_range(err, "cpu.period", l->cpu_period, "1000 to 1000000 us");
	if (set(l->cpu_quota) && l->cpu_quota != CV_CG_MAX && l->cpu_quota < 1000)
		return out_of_range(err, "cpu.quota", l->cpu_quota, "at least 1000 us, or -1");
	if (set(l->cpu_rt_runtime) && l->cpu_rt_runtime < 0 && l->cpu_rt_runtime != CV_CG_MAX)
		return out_of_range(err, "cpu.realtimeRuntime", l->cpu_rt_runtime, "0 or more");
	if (set(l->cpu_idle) && l->cpu_idle != 0 && l->cpu_idle != 1)
		return out_of_range(err, "cpu.idle", l->cpu_idle, "0 or 1");
	if (set(l->cpu_burst) &&
	    (l->cpu_burst < 0 ||
	     (set(l->cpu_quota) && l->cpu_quota != CV_CG_MAX && l->cpu_burst > l->cpu_quota)))
		return out_of_range(err, "cpu.burst", l->cpu_burst, "0 to the quota");
	if (set(l->cpu_rt_period) && l->cpu_rt_period <= 0)
		return out_of_range(err, "cpu.realtimePeriod", l->cpu_rt_period, "more than 0");
	if (l->cpuset_cpus[0] && cv_cg_parse_cpuset(l->cpuset_cpus, "cpu.cpus", err) < 0)
		return -err->code;
	if (l->cpuset_mems[0] && cv_cg_parse_cpuset(l->cpuset_mems, "cpu.mems", err) < 0)
		return -err->code;
	return 0;
}

/*
 * Block io weights are blkio.weight's 10 to 1000, in v1 terms as OCI
 * gives them (v2.c converts).  A throttle of 0 is refused: written to
 * blkio.throttle.* it removes the device's throttle instead of
 * stopping its io (cgroup-v1/blkio-controller.rst).
 */
static int check_io(const struct cv_cg_limits *l, struct cv_err *err)
{
	const struct cv_cg_dev_value *rates[] = {l->rbps, l->wbps, l->riops, l->wiops};
	const unsigned counts[] = {l->n_rbps, l->n_wbps, l->n_riops, l->n_wiops};

	if (set(l->io_weight) && (l->io_weight < 10 || l->io_weight > 1000))
		return out_of_range(err, "blockIO.weight", l->io_weight, "10 to 1000");
	for (unsigned i = 0; i < l->n_weight_dev; i++)
		if (l->weight_dev[i].value < 10 || l->weight_dev[i].value > 1000)
			return out_of_range(err, "blockIO.weightDevice",
					    (int64_t)l->weight_dev[i].value, "10 to 1000");
	for (unsigned k = 0; k < 4; k++)
		for (unsigned i = 0; i < counts[k]; i++)
			if (rates[k][i].value == 0)
				return out_of_range(err, "blockIO.throttle", 0, "more than 0");
	return 0;
}

/*
 * pids: at least 1, or -1; 0 would refuse every fork (OCI's 0, "leave
 * it", is made unset by the spec's parser).  Huge page sizes must be spelled as the
 * kernel names its files, hugetlb.<size>.limit_in_bytes or .max:
 * "2MB", "1GB".  A `unified` key becomes a file name joined to the
 * cgroup's directory, so it may hold only the characters of control
 * file names: no "/" and no leading ".", so that it can never name a
 * file outside the directory (the key "../../cgroup.procs" would).
 */
static int check_other(const struct cv_cg_limits *l, struct cv_err *err)
{
	if (set(l->pids_limit) && l->pids_limit != CV_CG_MAX && l->pids_limit <= 0)
		return out_of_range(err, "pids.limit", l->pids_limit, "at least 1, or -1 for none");
	for (unsigned i = 0; i < l->n_hugetlb; i++) {
		unsigned size;
		char unit, b, extra;
		if (sscanf(l->hugetlb[i].pagesize, "%u%c%c%c", &size, &unit, &b, &extra) != 3 ||
		    !strchr("KMG", unit) || b != 'B') {
			cv_err_set(err, EINVAL, "hugepageLimits: page size `%s`",
				   l->hugetlb[i].pagesize);
			return cv_err_hint(err, "as the kernel names them: 2MB, 1GB");
		}
		if (check_bytes(l->hugetlb[i].limit, "hugepageLimits.limit", err) < 0)
			return -err->code;
	}
	for (unsigned i = 0; i < l->n_unified; i++) {
		const char *k = l->unified[i].key;
		if (!strchr(k, '.') || k[0] == '.' ||
		    strspn(k, "abcdefghijklmnopqrstuvwxyz0123456789_.") != strlen(k)) {
			cv_err_set(err, EINVAL, "unified: `%s` is not a cgroup file name", k);
			return cv_err_hint(err, "keys are file names such as memory.high");
		}
	}
	return 0;
}

/* The first failure is the error: one field named, with the range it must be in. */
int cv_cg_limits_check(const struct cv_cg_limits *l, struct cv_err *err)
{
	int r;

	if ((r = check_memory(l, err)) < 0 || (r = check_cpu(l, err)) < 0 ||
	    (r = check_io(l, err)) < 0 || (r = check_other(l, err)) < 0)
		return r;
	return 0;
}

/* --- v1 <-> v2 ------------------------------------------------------------- */

/*
 * The two scales, both ways.  v1 -> v2 is the formula runc and crun use,
 * truncating, so one config gives the same cpu.weight and io.weight
 * under any of the three.  v2 -> v1 (reading a v2 host's values back in
 * OCI terms) rounds to nearest instead, so that a value sent through
 * both returns where the v2 scale can tell it apart from its neighbours.
 *
 * a + (v - lo) * (b' - a) / (hi - lo), rounded to nearest: one linear map for both inverses.
 */
static uint64_t rescale(uint64_t v, uint64_t lo, uint64_t hi, uint64_t to_lo, uint64_t to_hi)
{
	if (v <= lo)
		return to_lo;
	if (v >= hi)
		return to_hi;
	return to_lo + ((v - lo) * (to_hi - to_lo) + (hi - lo) / 2) / (hi - lo);
}

uint64_t cv_cg_shares_to_weight(uint64_t shares)
{
	/* runc's formula truncates: 1 + (shares - 2) * 9999 / 262142. */
	if (shares <= 2)
		return 1;
	if (shares >= 262144)
		return 10000;
	return 1 + (shares - 2) * 9999 / 262142;
}

uint64_t cv_cg_weight_to_shares(uint64_t weight)
{
	return rescale(weight, 1, 10000, 2, 262144);
}

uint64_t cv_cg_blkio_to_io_weight(uint64_t blkio)
{
	if (blkio <= 10)
		return 1;
	if (blkio >= 1000)
		return 10000;
	return 1 + (blkio - 10) * 9999 / 990;
}

uint64_t cv_cg_io_weight_to_blkio(uint64_t weight)
{
	return rescale(weight, 1, 10000, 10, 1000);
}
