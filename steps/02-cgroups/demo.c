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
 *
 * This file is main, the command table and the commands; beside it,
 * demo_opts.c reads the limit options and demo_print.c prints.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "01-namespaces/spawn.h"
#include "02-cgroups/demo.h"
#include "common/child.h"
#include "common/cleanup.h"
#include "common/trace.h"

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
	/* Everything that can be refused is refused before anything is made:
	 * the limits themselves (checked once, here, now that all the options
	 * are read), then whether this host can apply them. */
	if (cv_cg_path_check(path, a->err) < 0 || cv_cg_detect(NULL, &host, a->err) < 0 ||
	    cv_cg_limits_check(&q.limits, a->err) < 0 || cv_cg_check(&host, &q.limits, a->err) < 0)
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
	/* checked once, before default_swap: swap = memory always passes */
	if (cv_cg_limits_check(&q.limits, a->err) < 0)
		return 1;
	default_swap(&cg, &q.limits);
	return cv_cg_set(&cg, &q.limits, a->err) < 0 ? 1 : 0;
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
