/*
 * demo.c - bin/cv-namespaces: namespaces you can watch.
 *
 *   cv-namespaces run  [--pid --mount --uts ... | --all] [...] -- CMD   new namespaces
 *   cv-namespaces show [PID]                                           what a process is in
 *   cv-namespaces join PID [--uts ...] -- CMD                          someone else's
 *   cv-namespaces features                                             what this kernel has
 *
 * `run` prints, from inside, how the world looks different, then execs
 * CMD there.  Read spawn.c alongside: this file only hands a struct
 * cv_ns_spec to cv_ns_spawn() and runs the command.  Beside it (demo.h):
 * the options (demo_opts.c) and the printing (demo_print.c).
 */
#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <unistd.h>

#include "01-namespaces/demo.h"
#include "01-namespaces/namespaces.h"
#include "01-namespaces/spawn.h"
#include "common/args.h"
#include "common/child.h"
#include "common/trace.h"

static int mount_proc(void)
{
	struct cv_err err;
	int r = mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);

	/* Private first, or the new /proc would propagate back to the host. */
	cv_trace_sys(r, "mount(NULL, `/`, MS_REC|MS_PRIVATE)");
	if (r == 0) {
		r = mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
		cv_trace_sys(r, "mount(`proc` on `/proc`)");
	}
	if (r < 0) {
		cv_err_sys(&err, "mount(`proc` on `/proc`)");
		cv_err_hint(&err, "a new /proc needs new mount and pid namespaces");
		cv_err_print(&err, "cv-namespaces");
	}
	return r;
}

/* Runs inside, as the child of cv_ns_spawn(). */
static int run_child(void *arg)
{
	struct run_ctx *c = arg;
	struct cv_err err;
	char self[32] = "";
	struct view in;

	/* Our pid outside, while /proc is still the host's. */
	if (readlink("/proc/self", self, sizeof(self) - 1) > 0)
		c->outside.pid = atoi(self);
	if (c->mount_proc && mount_proc() < 0)
		return 1;
	if (!c->quiet) {
		look(&in, getpid());
		print_table(&c->outside, &in);
	}
	cv_trace("execvp(\"%s\")", c->argv[0]);
	execvp(c->argv[0], c->argv);
	cv_err_sys(&err, "execvp(`%s`)", c->argv[0]);
	cv_err_hint(&err, "is `%s` installed, and in $PATH?", c->argv[0]);
	cv_err_print(&err, "cv-namespaces");
	return errno == ENOENT ? 127 : 126;
}

/* --- run ------------------------------------------------------------------ */

static int cmd_run(struct cv_args *a)
{
	struct cv_ns_spec *spec = malloc(sizeof(*spec)); /* two maps: ~8 KiB */
	struct run_ctx c = {0};
	pid_t pid;
	int r;

	if (!spec) {
		cv_err_set(a->err, ENOMEM, "out of memory");
		return 1;
	}
	cv_ns_spec_init(spec);
	r = parse_run(a, spec, &c);
	if (r == 0) {
		c.argv = a->argv + a->i;
		look(&c.outside, 0);
		/* a signal from here on reaches the child, not only us: the
		 * wait passes it on (one that came earlier too) */
		cv_defer_signals();
		pid = cv_ns_spawn(spec, run_child, &c, a->err);
		r = pid < 0 ? 1 : cv_wait_forwarding(pid, NULL);
	}
	free(spec);
	cv_raise_deferred();
	return r < 0 ? 0 : r;
}

/* --- join ----------------------------------------------------------------- */

/* After joining a user namespace, become its root when root is mapped. */
static void become_root(void)
{
	int r;

	setgroups(0, NULL); /* fails harmlessly where setgroups is denied */
	r = setresgid(0, 0, 0);
	cv_trace_sys(r, "setresgid(0)");
	r = setresuid(0, 0, 0);
	cv_trace_sys(r, "setresuid(0)");
}

static int cmd_join(struct cv_args *a)
{
	long long pid = 0;
	bool by_path = false;
	int opt, flags = 0, joined;
	pid_t child;

	while ((opt = cv_args_next(a)) > 0 || opt == CV_ARG_POSITIONAL) {
		if (opt == CV_ARG_POSITIONAL && pid)
			return cv_args_usage_error(a, "unexpected `%s`: put the command after --",
						   a->val);
		if (opt == CV_ARG_POSITIONAL && cv_args_long(a, a->val, 1, 1 << 22, &pid) < 0)
			return CV_EXIT_USAGE;
		if (opt == O_ALL)
			flags |= cv_ns_all_flags();
		else if (opt == O_BY_PATH)
			by_path = true;
		else if (opt >= O_NS)
			flags |= cv_ns_types[opt - O_NS].flag;
	}
	if (opt < 0)
		return opt == CV_ARG_HELP ? 0 : CV_EXIT_USAGE;
	if (!pid)
		return cv_args_usage_error(a, "no PID given: whose namespaces should we join?");
	if (cv_args_rest(a) == 0)
		return cv_args_usage_error(a, "no command given: what should run there?");

	joined = cv_ns_join((pid_t)pid, flags ? flags : cv_ns_all_flags(), by_path, a->err);
	if (joined < 0)
		return 1;
	if (joined & CLONE_NEWUSER)
		become_root();
	/* A joined pid (or time) namespace is entered by our next child. */
	child = fork();
	if (child < 0) {
		cv_err_sys(a->err, "fork()");
		return 1;
	}
	if (child == 0) {
		execvp(a->argv[a->i], a->argv + a->i);
		cv_err_sys(a->err, "execvp(`%s`)", a->argv[a->i]);
		cv_err_print(a->err, "cv-namespaces");
		_exit(errno == ENOENT ? 127 : 126);
	}
	return cv_wait_forwarding(child, NULL);
}

static const struct cv_opt no_opts[] = {{NULL, 0, NULL, NULL, 0}};

static const struct cv_cmd commands[] = {
    {"run", "[OPTIONS] [--] CMD [ARGS...]",
     "Run CMD in new namespaces; print what differs inside, then exec CMD",
     "sudo cv-namespaces run --pid --uts --hostname box -- /bin/sh -c 'echo $$; hostname'",
     run_opts, 0, cmd_run},
    {"show", "[PID]", "List the namespaces of a process (default: this one)",
     "cv-namespaces show $$", no_opts, 0, cmd_show},
    {"join", "PID [OPTIONS] -- CMD [ARGS...]",
     "Run CMD in the namespaces of process PID (default: all that differ)",
     "sudo cv-namespaces join 4242 --uts --net -- hostname", join_opts, CV_CMD_INTERLEAVE,
     cmd_join},
    {"features", "", "Say which namespace features this kernel has", "cv-namespaces features",
     no_opts, 0, cmd_features},
    {NULL, NULL, NULL, NULL, NULL, 0, NULL},
};

static const struct cv_prog prog = {
    "cv-namespaces",
    "Step 01 of containerv: Linux namespaces, one flag at a time. Each namespace gives\n"
    "the processes inside their own copy of one global resource.",
    "cv-namespaces run --user --map-root --pid --uts --hostname box -- sh",
    commands,
    NULL,
    NULL,
};

int main(int argc, char **argv)
{
	return cv_main(&prog, argc, argv);
}
