/*
 * demo.c - bin/cv-security: take power away from a process, and watch.
 *
 *   cv-security run [--cap-drop ALL] [--cap-add CAP] [--user U:G] [--no-new-privs]
 *                   [--rlimit nofile=64] [--seccomp default|unconfined|FILE.json]
 *                   [--deny SYSCALL[:ERRNO]] [--policy minimal|build|network]
 *                   [--allow-read PATH] [--allow-write PATH] [--apparmor PROFILE] -- CMD
 *   cv-security caps [PID]                the five capability sets, by name
 *   cv-security seccomp-export PROFILE    a filter as libseccomp's PFC text
 *   cv-security status                    what this kernel supports
 *   cv-security listen SOCKET             a seccomp NOTIFY supervisor
 *
 * `run` starts CMD in a child that applies everything in the order of
 * security.h; the child stops just before execve() so that this process
 * can read, from /proc/PID/status, what it ended up with.  This file is
 * main and the command table; `run`'s options are in demo_options.c, its
 * child and what it shows in demo_run.c (demo.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "05-security/demo.h"
#include "05-security/policy.h"
#include "05-security/profile.h"
#include "05-security/show.h"
#include "common/args.h"
#include "common/child.h"

static const struct cv_opt no_opts[] = {{NULL, 0, NULL, NULL, 0}};

static int cmd_run(struct cv_args *a)
{
	struct run *r = calloc(1, sizeof(*r));
	int rc;

	if (!r)
		return 1;
	rc = parse_run(a, r);
	/* a signal (^C, kill, a reader gone: `| head -1`) while we show the
	 * child waits until the child is gone: it must not run on, alone */
	cv_defer_signals();
	if (rc == 0)
		rc = launch(r, a->err);
	if (r->have_filter)
		cv_seccomp_free(&r->filter);
	containerv_policy_delete(r->policy);
	free(r);
	cv_raise_deferred();
	return rc < 0 ? 0 : rc;
}

/* caps [PID]: the five sets of PID, or of this process. */
static int cmd_caps(struct cv_args *a)
{
	long long pid = 0;
	int r = cv_args_words(a, 0, 1, "[PID]");

	if (r != 0)
		return r < 0 ? 0 : r;
	if (cv_args_rest(a) == 1 && cv_args_long(a, a->argv[a->i], 1, 1 << 22, &pid) < 0)
		return CV_EXIT_USAGE;
	return cv_show_caps((pid_t)pid, stdout, a->err) < 0 ? 1 : 0;
}

static int cmd_export(struct cv_args *a)
{
	struct cv_seccomp sc;
	enum containerv_policy_type type;
	struct containerv_policy *p;
	const char *what;
	int r = cv_args_words(a, 1, 1, "default, policy:TYPE, or a JSON profile");

	if (r != 0)
		return r < 0 ? 0 : r;
	what = a->argv[a->i];
	if (!strcmp(what, "default")) {
		r = cv_profile_default(&sc, a->err);
	} else if (!strncmp(what, "policy:", 7)) {
		if (cv_policy_type_from_name(what + 7, &type, a->err) < 0)
			return CV_EXIT_USAGE;
		if (!(p = containerv_policy_new(type)))
			return 1;
		r = cv_policy_seccomp(p, &sc, a->err);
		containerv_policy_delete(p);
	} else {
		r = cv_profile_load(what, ~0ULL, &sc, a->err);
	}
	if (r < 0)
		return 1;
	fflush(stdout);
	r = cv_seccomp_export(&sc, STDOUT_FILENO, a->err);
	cv_seccomp_free(&sc);
	return r < 0 ? 1 : 0;
}

static int cmd_status(struct cv_args *a)
{
	int r = cv_args_words(a, 0, 0, "no arguments");

	if (r != 0)
		return r < 0 ? 0 : r;
	cv_show_status(stdout);
	return 0;
}

enum { O_ERRNO = 1, O_RETURN, O_CONTINUE, O_COUNT };

/* clang-format off */
static const struct cv_opt listen_opts[] = {
	{"errno", 0, "ERRNO", "answer each notified syscall with this error (default: EPERM)", O_ERRNO},
	{"return", 0, "N", "answer with success and this return value", O_RETURN},
	{"continue", 0, NULL, "let each syscall go ahead, as if it had not been stopped", O_CONTINUE},
	{"count", 0, "N", "stop after N notifications (default: when every process is gone)", O_COUNT},
	{NULL, 0, NULL, NULL, 0},
};
/* clang-format on */

static int cmd_listen(struct cv_args *a)
{
	struct cv_listen l = {.error = EPERM, .count = -1};
	long long v;
	int opt;

	while ((opt = cv_args_next(a)) > 0 || opt == CV_ARG_POSITIONAL) {
		if (opt == CV_ARG_POSITIONAL && l.path)
			return cv_args_usage_error(a, "one SOCKET only: `%s`?", a->val);
		if (opt == CV_ARG_POSITIONAL)
			l.path = a->val;
		if (opt == O_ERRNO && (l.error = cv_errno_from_name(a->val)) < 0)
			return cv_args_usage_error(a, "--errno `%s`: as in EACCES or 13", a->val);
		if ((opt == O_RETURN || opt == O_COUNT) &&
		    cv_args_long(a, a->val, opt == O_COUNT ? 1 : -(1LL << 40), 1LL << 40, &v) < 0)
			return CV_EXIT_USAGE;
		if (opt == O_RETURN)
			l.error = 0, l.value = v;
		if (opt == O_COUNT)
			l.count = (int)v;
		if (opt == O_CONTINUE)
			l.cont = true;
	}
	if (opt < 0)
		return opt == CV_ARG_HELP ? 0 : CV_EXIT_USAGE;
	if (!l.path && cv_args_rest(a) == 1)
		l.path = a->argv[a->i];
	else if (!l.path || cv_args_rest(a) != 0)
		return cv_args_usage_error(a, "expected one SOCKET: the path to listen on");
	return cv_listen(&l, a->err) < 0 ? 1 : 0;
}

static const struct cv_cmd commands[] = {
    {"run", "[OPTIONS] [--] CMD [ARGS...]",
     "Run CMD with fewer capabilities, another user, limits, seccomp, Landlock; show the result",
     "sudo cv-security run --cap-drop ALL --cap-add NET_BIND_SERVICE --user 1000 -- sh", run_opts,
     0, cmd_run},
    {"caps", "[PID]", "The five capability sets of a process (default: this one), by name",
     "cv-security caps $$", no_opts, 0, cmd_caps},
    {"seccomp-export", "default | policy:TYPE | FILE.json",
     "Print a seccomp filter as libseccomp's PFC text: what the kernel will run",
     "cv-security seccomp-export default | less", no_opts, 0, cmd_export},
    {"status", "",
     "What this kernel supports: seccomp actions, Landlock ABI, AppArmor, capabilities",
     "cv-security status", no_opts, 0, cmd_status},
    {"listen", "[--errno E | --return N | --continue] SOCKET",
     "A seccomp supervisor: receive the NOTIFY fd on SOCKET, answer each syscall",
     "cv-security listen /tmp/cv.sock --return 0", listen_opts, CV_CMD_INTERLEAVE, cmd_listen},
    {NULL, NULL, NULL, NULL, NULL, 0, NULL},
};

static const struct cv_prog prog = {
    "cv-security",
    "Step 05 of containerv: security. A process loses capabilities, changes user,\n"
    "gets limits, no_new_privs, a seccomp filter, Landlock rules and an AppArmor\n"
    "profile - in the one order that works - then runs your command.",
    "sudo cv-security run --seccomp default -- sh -c 'unshare -U true'",
    commands,
    NULL,
    NULL,
};

int main(int argc, char **argv)
{
	return cv_main(&prog, argc, argv);
}
