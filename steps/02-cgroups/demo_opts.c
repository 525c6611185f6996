/*
 * demo_opts.c - the options of cv-cgroups' run and set, read into a
 * struct cv_cg_limits.  Each value is parsed as it is read (a bad size
 * or rule is a usage error, exit 2); the struct as a whole is checked
 * (cv_cg_limits_check) by the command, once all the options are in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "02-cgroups/demo.h"

/* Option tables read best one option per line. */
/* clang-format off */
#define LIMIT_OPTS                                                                                 \
	{"memory", 'm', "SIZE", "memory limit, as in 32M (no swap unless --memory-swap)", O_MEMORY}, \
	{"memory-swap", 0, "SIZE", "memory + swap limit; -1 for unlimited swap", O_MEMORY_SWAP},  \
	{"memory-reservation", 0, "SIZE", "memory kept under pressure (v2 memory.low)", O_MEMORY_RES}, \
	{"oom-kill-disable", 0, NULL, "do not OOM-kill, stall instead (v1 only)", O_OOM_DISABLE},   \
	{"cpus", 0, "N", "CPU time as a number of CPUs, as in 0.5", O_CPUS},                      \
	{"cpu-shares", 0, "N", "relative CPU weight, 2-262144 (v2: converted)", O_CPU_SHARES},     \
	{"cpu-quota", 0, "US", "CPU microseconds per period (-1: none)", O_CPU_QUOTA},             \
	{"cpu-period", 0, "US", "the period of --cpu-quota and --cpus (default 100000)", O_CPU_PERIOD}, \
	{"cpuset-cpus", 0, "LIST", "the CPUs it may run on, as in 0 or 0-1", O_CPUSET_CPUS},       \
	{"cpuset-mems", 0, "LIST", "the memory nodes it may use", O_CPUSET_MEMS},                  \
	{"pids", 'p', "N", "the most processes and threads at once (-1: none)", O_PIDS},           \
	{"io-weight", 0, "N", "relative block io weight, 10-1000", O_IO_WEIGHT},                   \
	{"device-read-bps", 0, "MAJ:MIN:N", "read bytes per second from a block device", O_READ_BPS}, \
	{"device-write-bps", 0, "MAJ:MIN:N", "write bytes per second", O_WRITE_BPS},              \
	{"device-read-iops", 0, "MAJ:MIN:N", "read operations per second", O_READ_IOPS},          \
	{"device-write-iops", 0, "MAJ:MIN:N", "write operations per second", O_WRITE_IOPS},       \
	{"hugetlb", 0, "PAGE=SIZE", "huge pages of one size, as in 2MB=64M", O_HUGETLB},          \
	{"device-allow", 0, "RULE", "allow a device, as in 'c 1:3 rwm' (repeatable)", O_DEV_ALLOW}, \
	{"device-deny", 0, "RULE", "deny a device, as in 'c 1:3' (repeatable)", O_DEV_DENY},       \
	{"unified", 0, "KEY=VALUE", "write a cgroup v2 file as given", O_UNIFIED}

const struct cv_opt run_opts[] = {
	LIMIT_OPTS,
	{"name", 'n', "NAME", "the cgroup is /containerv/NAME (default: run-PID)", O_NAME},
	{"cgroup", 0, "PATH", "the cgroup path itself (absolute, or below yours)", O_CGROUP},
	{"keep", 0, NULL, "leave the cgroup for stats, freeze, kill, rm", O_KEEP},
	{"systemd-cgroup", 0, NULL, "ask for the systemd cgroup driver", O_SYSTEMD},
	{NULL, 0, NULL, NULL, 0},
};
const struct cv_opt set_opts[] = {LIMIT_OPTS, {NULL, 0, NULL, NULL, 0}};
const struct cv_opt stats_opts[] = {
	{"json", 0, NULL, "print JSON (runc's `events --stats` data)", O_JSON},
	{"watch", 'w', "SECS", "print again every SECS seconds until interrupted", O_WATCH},
	{NULL, 0, NULL, NULL, 0},
};
const struct cv_opt no_opts[] = {{NULL, 0, NULL, NULL, 0}};
/* clang-format on */

/* "-1" or "max": no limit; else an integer of at least min. */
static int count_value(struct cv_args *a, long long min, int64_t *out)
{
	long long v;

	if (!strcmp(a->val, "-1") || !strcmp(a->val, "max")) {
		*out = CV_CG_MAX;
		return 0;
	}
	if (cv_args_long(a, a->val, min, INT64_MAX, &v) < 0)
		return CV_EXIT_USAGE;
	*out = v;
	return 0;
}

/* "MAJ:MIN:N" (the shell-friendly form) into a per-device value. */
static int dev_value(struct cv_args *a, struct cv_cg_dev_value *list, unsigned *n)
{
	char text[64];
	const char *last = strrchr(a->val, ':');

	if (*n == CV_CG_MAX_DEVS)
		return cv_args_usage_error(a, "--%s: at most %d devices", a->opt->name,
					   CV_CG_MAX_DEVS);
	snprintf(text, sizeof(text), "%.*s %s", last ? (int)(last - a->val) : 0, a->val,
		 last ? last + 1 : "");
	if (cv_cg_parse_dev_value(text, a->opt->name, &list[*n], a->err) < 0)
		return CV_EXIT_USAGE;
	(*n)++;
	return 0;
}

static int rule(struct cv_args *a, struct cv_cg_limits *l, bool allow)
{
	if (l->n_rules == CV_CG_MAX_RULES)
		return cv_args_usage_error(a, "at most %d device rules", CV_CG_MAX_RULES);
	return cv_cg_parse_rule(a->val, allow, &l->rules[l->n_rules++], a->err) < 0 ? CV_EXIT_USAGE
										    : 0;
}

static int hugetlb(struct cv_args *a, struct cv_cg_limits *l)
{
	const char *eq = strchr(a->val, '=');

	if (!eq || l->n_hugetlb == CV_CG_MAX_PAGES)
		return cv_args_usage_error(
		    a, "--hugetlb `%s`: expected PAGESIZE=LIMIT, as in 2MB=64M", a->val);
	snprintf(l->hugetlb[l->n_hugetlb].pagesize, sizeof(l->hugetlb[0].pagesize), "%.*s",
		 (int)(eq - a->val), a->val);
	if (cv_cg_parse_size(eq + 1, "--hugetlb", &l->hugetlb[l->n_hugetlb].limit, a->err) < 0)
		return CV_EXIT_USAGE;
	l->n_hugetlb++;
	return 0;
}

static int unified(struct cv_args *a, struct cv_cg_limits *l)
{
	const char *eq = strchr(a->val, '=');

	if (!eq || l->n_unified == CV_CG_MAX_UNIFIED)
		return cv_args_usage_error(a,
					   "--unified `%s`: expected KEY=VALUE, as in "
					   "memory.high=64M",
					   a->val);
	snprintf(l->unified[l->n_unified].key, sizeof(l->unified[0].key), "%.*s",
		 (int)(eq - a->val), a->val);
	snprintf(l->unified[l->n_unified].value, sizeof(l->unified[0].value), "%s", eq + 1);
	l->n_unified++;
	return 0;
}

static int size_option(struct cv_args *a, int64_t *out)
{
	char what[48];

	snprintf(what, sizeof(what), "--%s", a->opt->name);
	return cv_cg_parse_size(a->val, what, out, a->err) < 0 ? CV_EXIT_USAGE : 0;
}

/* --cpuset-cpus, --cpuset-mems: a list such as 0-3,6, checked as it is read. */
static int cpuset(struct cv_args *a, int opt, struct cv_cg_limits *l)
{
	char *dst = opt == O_CPUSET_CPUS ? l->cpuset_cpus : l->cpuset_mems;
	snprintf(dst, sizeof(l->cpuset_cpus), "%s", a->val);
	return cv_cg_parse_cpuset(dst, opt == O_CPUSET_CPUS ? "--cpuset-cpus" : "--cpuset-mems",
				  a->err) < 0
		   ? CV_EXIT_USAGE
		   : 0;
}

/* One option of run or set; returns 0 to go on, or an exit status. */
static int option(struct cv_args *a, int opt, struct request *q)
{
	struct cv_cg_limits *l = &q->limits;

	switch (opt) {
	case O_MEMORY:
		return size_option(a, &l->memory_limit);
	case O_MEMORY_SWAP:
		return size_option(a, &l->memory_swap);
	case O_MEMORY_RES:
		return size_option(a, &l->memory_reservation);
	case O_OOM_DISABLE:
		l->oom_kill_disable = 1;
		return 0;
	case O_CPUS:
		q->cpus = a->val;
		return 0;
	case O_CPU_SHARES:
		return count_value(a, 2, &l->cpu_shares);
	case O_CPU_QUOTA:
		return count_value(a, 1000, &l->cpu_quota);
	case O_CPU_PERIOD:
		return count_value(a, 1000, &l->cpu_period);
	case O_CPUSET_CPUS:
	case O_CPUSET_MEMS:
		return cpuset(a, opt, l);
	case O_PIDS:
		return count_value(a, 1, &l->pids_limit);
	case O_IO_WEIGHT:
		return count_value(a, 10, &l->io_weight);
	case O_READ_BPS:
		return dev_value(a, l->rbps, &l->n_rbps);
	case O_WRITE_BPS:
		return dev_value(a, l->wbps, &l->n_wbps);
	case O_READ_IOPS:
		return dev_value(a, l->riops, &l->n_riops);
	case O_WRITE_IOPS:
		return dev_value(a, l->wiops, &l->n_wiops);
	case O_HUGETLB:
		return hugetlb(a, l);
	case O_DEV_ALLOW:
		return rule(a, l, true);
	case O_DEV_DENY:
		return rule(a, l, false);
	case O_UNIFIED:
		return unified(a, l);
	case O_NAME:
		q->name = a->val;
		return 0;
	case O_CGROUP:
		q->path = a->val;
		return 0;
	case O_KEEP:
		q->keep = true;
		return 0;
	default:
		q->systemd = true;
		return 0; /* O_SYSTEMD */
	}
}

/* Parse run's or set's options; returns 0, -1 after --help, or an exit status. */
int parse_limits(struct cv_args *a, struct request *q)
{
	int opt, r;

	cv_cg_limits_init(&q->limits);
	while ((opt = cv_args_next(a)) > 0 || opt == CV_ARG_POSITIONAL) {
		if (opt == CV_ARG_POSITIONAL) { /* set NAME: the one word it takes */
			if (q->name)
				return cv_args_usage_error(a, "unexpected `%s`", a->val);
			q->name = a->val;
		} else if ((r = option(a, opt, q)) != 0) {
			return r;
		}
	}
	if (opt == CV_ARG_HELP)
		return -1;
	if (opt == CV_ARG_ERROR)
		return CV_EXIT_USAGE;
	if (q->cpus) {
		int64_t period =
		    q->limits.cpu_period == CV_CG_UNSET ? 100000 : q->limits.cpu_period;
		if (cv_cg_parse_cpus(q->cpus, period, &q->limits.cpu_quota, a->err) < 0)
			return CV_EXIT_USAGE;
		q->limits.cpu_period = period;
	}
	return 0;
}

/* A NAME means /containerv/NAME; anything with a slash is a path. */
const char *cgroup_path(const char *name, char *buf, size_t size)
{
	if (strchr(name, '/'))
		return name;
	snprintf(buf, size, "/containerv/%s", name);
	return buf;
}

/* Without --memory-swap, a memory limit means no swap: the hog is killed, not swapped. */
void default_swap(struct cv_cgroup *cg, struct cv_cg_limits *l)
{
	if (l->memory_limit != CV_CG_UNSET && l->memory_limit != CV_CG_MAX &&
	    l->memory_swap == CV_CG_UNSET && cv_cg_swap_accounted(cg))
		l->memory_swap = l->memory_limit;
}
