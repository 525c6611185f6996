/*
 * demo.h - what demo.c, demo_opts.c and demo_print.c share: the option
 * numbers, the option tables, and the request the options fill in.
 */
#ifndef CV_CG_DEMO_H
#define CV_CG_DEMO_H

#include <stdbool.h>

#include "02-cgroups/cgroups.h"
#include "02-cgroups/stats.h"
#include "common/args.h"

enum {
	O_MEMORY = 1,
	O_MEMORY_SWAP,
	O_MEMORY_RES,
	O_OOM_DISABLE,
	O_CPUS,
	O_CPU_SHARES,
	O_CPU_QUOTA,
	O_CPU_PERIOD,
	O_CPUSET_CPUS,
	O_CPUSET_MEMS,
	O_PIDS,
	O_IO_WEIGHT,
	O_READ_BPS,
	O_WRITE_BPS,
	O_READ_IOPS,
	O_WRITE_IOPS,
	O_HUGETLB,
	O_DEV_ALLOW,
	O_DEV_DENY,
	O_UNIFIED,
	O_NAME,
	O_CGROUP,
	O_KEEP,
	O_SYSTEMD,
	O_JSON,
	O_WATCH,
};

/* demo_opts.c: the options of each command (O_* above). */
extern const struct cv_opt run_opts[], set_opts[], stats_opts[], no_opts[];

/* What the limit options say, before they become a struct cv_cg_limits. */
struct request {
	struct cv_cg_limits limits;
	const char *cpus; /* --cpus waits for the final --cpu-period */
	const char *name, *path;
	bool keep, systemd;
};

/* parse_limits - run's or set's options; returns 0, -1 after --help, or an exit status. */
int parse_limits(struct cv_args *a, struct request *q);

/* cgroup_path - a NAME means /containerv/NAME; anything with a slash is a path. */
const char *cgroup_path(const char *name, char *buf, size_t size);

/* default_swap - without --memory-swap, a memory limit means no swap. */
void default_swap(struct cv_cgroup *cg, struct cv_cg_limits *l);

/* demo_print.c: report - how CMD ended, and what it used. */
void report(const char *cmd, int status, int sig, const struct cv_cg_stats *st);

/* print_stats - a cgroup's usage on stdout, as text or as JSON; 0 or an exit status. */
int print_stats(struct cv_cgroup *cg, bool json, struct cv_err *err);

/* cmd_layout - the `layout` command: the trees, and where each controller lives. */
int cmd_layout(struct cv_args *a);

#endif
