/*
 * demo.c - bin/cv-cgroups: limits you can watch being enforced.
 *
 *   cv-cgroups run [--memory 32M] [--cpus 0.5] [--pids 20] ... -- CMD
 *   cv-cgroups stats|freeze|thaw|kill|rm NAME      a cgroup `run --keep` left
 *   cv-cgroups set NAME [limits]                   change a live cgroup's limits
 *   cv-cgroups layout                              what this host has, and why
 *
 * A NAME is the cgroup /containerv/NAME; an argument with a `/` in it is a
 * cgroup path itself (absolute, or below your own cgroup).  The child is
 * started with step 01's cv_ns_spawn(): born in the cgroup v2 directory
 * (CLONE_INTO_CGROUP) and put in the v1 ones before it runs a single
 * instruction of CMD, so nothing it allocates escapes the limits.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "01-namespaces/spawn.h"
#include "02-cgroups/cgroups.h"
#include "02-cgroups/stats.h"
#include "common/args.h"
#include "common/child.h"
#include "common/cleanup.h"
#include "common/file.h"
#include "common/trace.h"

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

static const struct cv_opt run_opts[] = {
	LIMIT_OPTS,
	{"name", 'n', "NAME", "the cgroup is /containerv/NAME (default: run-PID)", O_NAME},
	{"cgroup", 0, "PATH", "the cgroup path itself (absolute, or below yours)", O_CGROUP},
	{"keep", 0, NULL, "leave the cgroup for stats, freeze, kill, rm", O_KEEP},
	{"systemd-cgroup", 0, NULL, "ask for the systemd cgroup driver", O_SYSTEMD},
	{NULL, 0, NULL, NULL, 0},
};
static const struct cv_opt set_opts[] = {LIMIT_OPTS, {NULL, 0, NULL, NULL, 0}};
static const struct cv_opt stats_opts[] = {
	{"json", 0, NULL, "print JSON (runc's `events --stats` data)", O_JSON},
	{"watch", 'w', "SECS", "print again every SECS seconds until interrupted", O_WATCH},
	{NULL, 0, NULL, NULL, 0},
};
static const struct cv_opt no_opts[] = {{NULL, 0, NULL, NULL, 0}};
/* clang-format on */

/* What the limit options say, before they become a struct cv_cg_limits. */
struct request {
	struct cv_cg_limits limits;
	const char *cpus; /* --cpus waits for the final --cpu-period */
	const char *name, *path;
	bool keep, systemd;
};

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
	case O_CPUSET_MEMS: {
		char *dst = opt == O_CPUSET_CPUS ? l->cpuset_cpus : l->cpuset_mems;
		snprintf(dst, sizeof(l->cpuset_cpus), "%s", a->val);
		return cv_cg_parse_cpuset(dst,
					  opt == O_CPUSET_CPUS ? "--cpuset-cpus" : "--cpuset-mems",
					  a->err) < 0
			   ? CV_EXIT_USAGE
			   : 0;
	}
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
static int parse_limits(struct cv_args *a, struct request *q)
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
static const char *cgroup_path(const char *name, char *buf, size_t size)
{
	if (strchr(name, '/'))
		return name;
	snprintf(buf, size, "/containerv/%s", name);
	return buf;
}

/* Without --memory-swap, a memory limit means no swap: the hog is killed, not swapped. */
static void default_swap(struct cv_cgroup *cg, struct cv_cg_limits *l)
{
	if (l->memory_limit != CV_CG_UNSET && l->memory_limit != CV_CG_MAX &&
	    l->memory_swap == CV_CG_UNSET && cv_cg_swap_accounted(cg))
		l->memory_swap = l->memory_limit;
}

/* --- run ------------------------------------------------------------------- */

static int exec_child(void *arg)
{
	char **argv = arg;
	struct cv_err err;

	cv_trace("execvp(\"%s\")", argv[0]);
	execvp(argv[0], argv);
	cv_err_sys(&err, "execvp(`%s`)", argv[0]);
	cv_err_hint(&err, "is `%s` installed, and in $PATH?", argv[0]);
	cv_err_print(&err, "cv-cgroups");
	return errno == ENOENT ? 127 : 126;
}

/* In the parent, after clone, before the child goes on: join every tree. */
static int enter_hook(pid_t child, void *arg, struct cv_err *err)
{
	return cv_cg_enter(arg, child, err);
}

static void report(const char *cmd, int status, int sig, const struct cv_cg_stats *st)
{
	char limit[32];

	if (sig == SIGKILL && st->memory.oom_kills > 0)
		fprintf(stderr,
			"cv-cgroups: `%s` was killed by SIGKILL: the OOM killer, at the "
			"memory limit of %s\n",
			cmd, cv_cg_format_bytes(st->memory.limit, limit, sizeof(limit)));
	else if (sig)
		fprintf(stderr, "cv-cgroups: `%s` was killed by SIG%s\n", cmd, sigabbrev_np(sig));
	else
		fprintf(stderr, "cv-cgroups: `%s` exited with status %d\n", cmd, status);
	cv_cg_stats_print(st, stderr);
}

/* Run argv in cg, wait, report; returns its exit status. */
static int run_in(struct cv_cgroup *cg, char **argv, struct cv_err *err)
{
	_cleanup_close_ int fd = -1;
	struct cv_ns_spec *spec = calloc(1, sizeof(*spec));
	struct cv_cg_stats st;
	int status, sig;
	pid_t pid;

	if (!spec)
		return cv_err_set(err, ENOMEM, "out of memory"), 1;
	cv_ns_spec_init(spec);
	fd = cv_cg_clone_fd(cg, err); /* -ENOENT on a host with no cgroup2: fine */
	spec->cgroup_fd = fd;
	spec->parent_hook = enter_hook;
	spec->parent_hook_arg = cg;
	pid = cv_ns_spawn(spec, exec_child, argv, err);
	free(spec);
	if (pid < 0)
		return 1;
	status = cv_wait_forwarding(pid, &sig);
	if (cv_cg_stats(cg, &st, err) < 0)
		return 1;
	report(strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0], status, sig, &st);
	return status;
}

static int cmd_run(struct cv_args *a)
{
	static struct cv_cg_host host;
	static struct cv_cgroup cg;
	struct request q = {0};
	char buf[CV_CG_PATH_MAX], name[32];
	const char *path;
	int r;

	if ((r = parse_limits(a, &q)) != 0)
		return r < 0 ? 0 : r;
	if (cv_args_rest(a) == 0)
		return cv_args_usage_error(a, "no command given: what should run in the cgroup?");
	if (q.name && q.path)
		return cv_args_usage_error(a, "--name and --cgroup both name the cgroup: give one");
	if (q.systemd && cv_cg_systemd_check(a->err) < 0)
		return 1;
	snprintf(name, sizeof(name), "run-%d", (int)getpid());
	path = q.path ? q.path : cgroup_path(q.name ? q.name : name, buf, sizeof(buf));
	/* Everything that can be refused is refused before anything is made. */
	if (cv_cg_path_check(path, a->err) < 0 || cv_cg_detect(NULL, &host, a->err) < 0 ||
	    cv_cg_check(&host, &q.limits, a->err) < 0)
		return 1;
	/* From here a signal (^C, kill, a reader that went away: `| head -1`)
	 * waits until the cgroup is removed, or it would stay in every tree. */
	cv_defer_signals();
	if (cv_cg_create(&host, path, &cg, a->err) < 0) {
		cv_raise_deferred(); /* create undid its part */
		return 1;
	}
	default_swap(&cg, &q.limits);
	fprintf(stderr, "cv-cgroups: cgroup %s (%s host)\n", path, cv_cg_layout_name(host.layout));
	if (cv_signal_pending())
		r = 128 + cv_signal_pending(); /* stopped before CMD started */
	else
		r = cv_cg_set(&cg, &q.limits, a->err) < 0 ? 1 : run_in(&cg, a->argv + a->i, a->err);
	if (!q.keep || (r == 1 && a->err->code) || cv_signal_pending()) {
		struct cv_err e;
		/* children it left running would keep the cgroup busy */
		if (cv_cg_kill(&cg, &e) < 0 || cv_cg_destroy(&cg, &e) < 0)
			cv_err_print(&e, "cv-cgroups");
	}
	cv_raise_deferred();
	return r;
}

/* --- the other commands ------------------------------------------------- */

/* The one NAME argument of stats, freeze, thaw, kill, rm; opens it. */
static int open_named(struct cv_args *a, const char *name, struct cv_cgroup *cg)
{
	static struct cv_cg_host host;
	char buf[CV_CG_PATH_MAX];

	if (!name)
		return cv_args_usage_error(a, "no cgroup NAME given");
	if (cv_cg_detect(NULL, &host, a->err) < 0 ||
	    cv_cg_open(&host, cgroup_path(name, buf, sizeof(buf)), cg, a->err) < 0)
		return 1;
	return 0;
}

static int cmd_set(struct cv_args *a)
{
	static struct cv_cgroup cg;
	struct request q = {0};
	int r;

	if ((r = parse_limits(a, &q)) != 0)
		return r < 0 ? 0 : r;
	if (cv_args_rest(a) > 0)
		return cv_args_usage_error(a, "unexpected `%s`", a->argv[a->i]);
	if ((r = open_named(a, q.name, &cg)) != 0)
		return r;
	if (cv_cg_limits_empty(&q.limits))
		return cv_args_usage_error(a, "no limits given: what should change?");
	default_swap(&cg, &q.limits);
	return cv_cg_set(&cg, &q.limits, a->err) < 0 ? 1 : 0;
}

static int print_stats(struct cv_cgroup *cg, bool json, struct cv_err *err)
{
	struct cv_cg_stats st;
	char *text;

	if (cv_cg_stats(cg, &st, err) < 0)
		return 1;
	if (!json) {
		cv_cg_stats_print(&st, stdout);
	} else if ((text = cv_cg_stats_json(&st, err)) != NULL) {
		printf("%s\n", text);
		free(text);
	} else {
		return 1;
	}
	fflush(stdout);
	return 0;
}

static int cmd_stats(struct cv_args *a)
{
	static struct cv_cgroup cg;
	const char *name = NULL;
	long long watch = 0;
	bool json = false;
	int opt, r;

	while ((opt = cv_args_next(a)) > 0 || opt == CV_ARG_POSITIONAL) {
		if (opt == CV_ARG_POSITIONAL && name)
			return cv_args_usage_error(a, "unexpected `%s`", a->val);
		if (opt == CV_ARG_POSITIONAL)
			name = a->val;
		else if (opt == O_JSON)
			json = true;
		else if (cv_args_long(a, a->val, 1, 3600, &watch) < 0)
			return CV_EXIT_USAGE;
	}
	if (opt < 0)
		return opt == CV_ARG_HELP ? 0 : CV_EXIT_USAGE;
	if ((r = open_named(a, name, &cg)) != 0)
		return r;
	do {
		if ((r = print_stats(&cg, json, a->err)) != 0)
			return r;
	} while (watch && sleep((unsigned)watch) == 0);
	return 0;
}

/* freeze, thaw, kill, rm: the command's name says what to do. */
static int cmd_act(struct cv_args *a)
{
	static struct cv_cgroup cg;
	const char *name = NULL, *what = a->cmd->name;
	int opt, r;

	while ((opt = cv_args_next(a)) > 0 || opt == CV_ARG_POSITIONAL) {
		if (name)
			return cv_args_usage_error(a, "unexpected `%s`", a->val);
		name = a->val;
	}
	if (opt < 0)
		return opt == CV_ARG_HELP ? 0 : CV_EXIT_USAGE;
	if ((r = open_named(a, name, &cg)) != 0)
		return r;
	if (!strcmp(what, "freeze") || !strcmp(what, "thaw"))
		r = cv_cg_freeze(&cg, what[0] == 'f', a->err);
	else if (!strcmp(what, "kill"))
		r = cv_cg_kill(&cg, a->err);
	else /* rm: whatever still runs in it goes first */
		r = cv_cg_kill(&cg, a->err) < 0 ? -1 : cv_cg_destroy(&cg, a->err);
	if (r == 0 && !strcmp(what, "rm") && !strchr(name, '/') &&
	    cv_cg_open(cg.host, "/containerv", &cg, a->err) == 0)
		cv_cg_prune(&cg); /* the parent /containerv too, once nobody uses it */
	return r < 0 ? 1 : 0;
}

/* --- layout --------------------------------------------------------------- */

static const char *const why[] = {
    [CV_CG_UNIFIED] = "One tree holds every controller. A directory's children may use a "
		      "controller only once it\nis listed in the directory's "
		      "cgroup.subtree_control, and a directory whose children use\n"
		      "controllers cannot hold processes itself: containers live in leaves.",
    [CV_CG_HYBRID] = "Each controller is in one tree only: here most are cgroup v1, with "
		     "v1 file names\n(memory.limit_in_bytes), and the cgroup2 tree holds the "
		     "rest. Some runtimes refuse such\nhosts; containerv gives a container a "
		     "directory in every tree and drives each controller\nwhere it lives.",
    [CV_CG_LEGACY] = "One cgroup v1 tree per controller (or per group of them), each with "
		     "its own directory\nfor a container and its own file names. No cgroup2: "
		     "no cgroup.kill, no BPF device programs.",
};

static void print_mounts(const char *root)
{
	char mountinfo[65536];
	struct cv_err err;

	if (cv_read_file("/proc/self/mountinfo", mountinfo, sizeof(mountinfo), &err) < 0)
		return;
	printf("\nthe cgroup mounts, from /proc/self/mountinfo:\n");
	for (char *line = strtok(mountinfo, "\n"); line; line = strtok(NULL, "\n"))
		if (strstr(line, root) &&
		    (strstr(line, " - cgroup ") || strstr(line, " - cgroup2 ") ||
		     strstr(line, " - tmpfs ")))
			printf("  %s\n", line);
}

static void print_controllers(const struct cv_cg_host *host)
{
	printf("\n%-12s %s\n", "controller", "driven in");
	for (int c = 0; c < CV_CG_NCTRL; c++) {
		const struct cv_cg_tree *t = cv_cg_tree_of(host, (enum cv_cg_ctrl)c);
		const char *how = "";

		if (c == CV_CG_DEVICES && t)
			how = t->version == 2 ? "  (a BPF program)"
					      : "  (devices.allow, devices.deny)";
		if (c == CV_CG_FREEZER && t && t->version == 1)
			how = "  (cgroup2's cgroup.freeze instead, where a kernel has it)";
		if (c == CV_CG_FREEZER && t && t->version == 2)
			how = "  (cgroup.freeze)";
		if (t)
			printf("%-12s v%d %s%s\n", cv_cg_ctrl_name((enum cv_cg_ctrl)c, t->version),
			       t->version, t->mount, how);
		else
			printf("%-12s -  (not on this host)\n",
			       cv_cg_ctrl_name((enum cv_cg_ctrl)c, 1));
	}
}

static int cmd_layout(struct cv_args *a)
{
	static struct cv_cg_host host;
	int opt;

	while ((opt = cv_args_next(a)) > 0)
		;
	if (opt < 0)
		return opt == CV_ARG_HELP ? 0 : CV_EXIT_USAGE;
	if (cv_args_rest(a) > 0)
		return cv_args_usage_error(a, "unexpected `%s`", a->argv[a->i]);
	if (cv_cg_detect(NULL, &host, a->err) < 0)
		return 1;
	printf("layout: %s (%s)\n", cv_cg_layout_name(host.layout), host.root);
	print_mounts(host.root);
	printf("\n%-16s %-3s %-28s %s\n", "tree", "", "mounted at", "you are in");
	for (unsigned i = 0; i < host.n; i++)
		printf("%-16s v%-2d %-28s %s\n", host.tree[i].name, host.tree[i].version,
		       host.tree[i].mount, host.tree[i].self);
	print_controllers(&host);
	printf("\nwhy it matters: %s\n", why[host.layout]);
	return 0;
}

static const struct cv_cmd commands[] = {
    {"run", "[LIMITS] [--name NAME] [--keep] [--] CMD [ARGS...]",
     "Run CMD in a new cgroup under the limits; report what happened",
     "sudo cv-cgroups run --memory 32M -- cv-load mem 64M", run_opts, 0, cmd_run},
    {"stats", "NAME [--json] [--watch SECS]", "Print what a cgroup's processes used",
     "sudo cv-cgroups stats web --json", stats_opts, CV_CMD_INTERLEAVE, cmd_stats},
    {"set", "NAME LIMITS", "Change the limits of a live cgroup",
     "sudo cv-cgroups set web --pids 50", set_opts, CV_CMD_INTERLEAVE, cmd_set},
    {"freeze", "NAME", "Stop every process in a cgroup, until thaw", "sudo cv-cgroups freeze web",
     no_opts, CV_CMD_INTERLEAVE, cmd_act},
    {"thaw", "NAME", "Let a frozen cgroup run again", "sudo cv-cgroups thaw web", no_opts,
     CV_CMD_INTERLEAVE, cmd_act},
    {"kill", "NAME", "SIGKILL every process in a cgroup", "sudo cv-cgroups kill web", no_opts,
     CV_CMD_INTERLEAVE, cmd_act},
    {"rm", "NAME", "Kill what is left in a cgroup and remove it", "sudo cv-cgroups rm web", no_opts,
     CV_CMD_INTERLEAVE, cmd_act},
    {"layout", "", "Show this host's cgroup trees and where each controller lives",
     "cv-cgroups layout", no_opts, 0, cmd_layout},
    {NULL, NULL, NULL, NULL, NULL, 0, NULL},
};

static const struct cv_prog prog = {
    "cv-cgroups",
    "Step 02 of containerv: control groups. A cgroup limits and counts what a group of\n"
    "processes may use: memory, CPU time, processes, block io, devices.",
    "cv-cgroups run --memory 32M --pids 20 --cpus 0.5 -- sh",
    commands,
    NULL,
    NULL,
};

int main(int argc, char **argv)
{
	return cv_main(&prog, argc, argv);
}
