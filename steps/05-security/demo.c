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
 * can read, from /proc/PID/status, what it ended up with.
 */
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "05-security/apparmor.h"
#include "05-security/caps.h"
#include "05-security/policy.h"
#include "05-security/profile.h"
#include "05-security/security.h"
#include "05-security/show.h"
#include "common/args.h"
#include "common/child.h"
#include "common/file.h"
#include "common/trace.h"

enum {
	O_CAP_DROP = 1,
	O_CAP_ADD,
	O_USER,
	O_GROUPS,
	O_UMASK,
	O_NNP,
	O_RLIMIT,
	O_OOM,
	O_SECCOMP,
	O_DENY,
	O_NOTIFY,
	O_LISTENER,
	O_POLICY,
	O_ALLOW_READ,
	O_ALLOW_WRITE,
	O_ALLOW_EXEC,
	O_APPARMOR,
	O_QUIET,
};

/* clang-format off */
static const struct cv_opt run_opts[] = {
	{"cap-drop", 0, "CAP", "drop a capability from all five sets; ALL for every one (repeatable)", O_CAP_DROP},
	{"cap-add", 0, "CAP", "add one back, as in NET_BIND_SERVICE (repeatable)", O_CAP_ADD},
	{"user", 'u', "UID[:GID]", "run as this user (capabilities kept through the switch)", O_USER},
	{"groups", 0, "GID,GID", "the supplementary groups (default with --user: none)", O_GROUPS},
	{"umask", 0, "MODE", "the file creation mask, as in 027", O_UMASK},
	{"no-new-privs", 0, NULL, "set no_new_privs: setuid bits and file capabilities stop working", O_NNP},
	{"rlimit", 0, "NAME=SOFT[:HARD]", "a resource limit, as in nofile=64 (repeatable)", O_RLIMIT},
	{"oom-score-adj", 0, "N", "how eagerly the OOM killer picks it, -1000 to 1000", O_OOM},
	{"seccomp", 0, "PROFILE", "default, unconfined, or an OCI or Docker JSON file", O_SECCOMP},
	{"deny", 0, "SYSCALL[:ERRNO]", "make a syscall fail, with EPERM or the errno given (repeatable)", O_DENY},
	{"notify", 0, "SYSCALL", "send a syscall to the --listener to decide (repeatable)", O_NOTIFY},
	{"listener", 0, "SOCKET", "the unix socket of a seccomp supervisor (cv-security listen)", O_LISTENER},
	{"policy", 0, "TYPE", "a containerv policy: minimal, build, network or custom", O_POLICY},
	{"allow-read", 0, "PATH", "Landlock: may read below PATH (repeatable)", O_ALLOW_READ},
	{"allow-write", 0, "PATH", "Landlock: may read and write below PATH (repeatable)", O_ALLOW_WRITE},
	{"allow-exec", 0, "PATH", "Landlock: may read and execute below PATH (repeatable)", O_ALLOW_EXEC},
	{"apparmor", 0, "PROFILE", "enter an AppArmor profile at exec; `default`: containerv-default", O_APPARMOR},
	{"quiet", 'q', NULL, "do not print what the process ended up with", O_QUIET},
	{NULL, 0, NULL, NULL, 0},
};
/* clang-format on */

static const struct cv_opt no_opts[] = {{NULL, 0, NULL, NULL, 0}};

/* Everything `run` collects from its options. */
struct run {
	struct cv_security sec;
	struct cv_seccomp filter;
	bool have_filter, unconfined, quiet, any_paths;
	struct containerv_policy *policy;
	uint64_t drop, add;
	bool drop_all;
	const char *apparmor, *listener;
	unsigned n_rules;
	const char *rules[64]; /* --deny and --notify words, applied to the filter at the end */
	uint32_t actions[64];
	char **argv;
};

static int add_rule(struct cv_args *a, struct run *r, const char *word, uint32_t action)
{
	struct cv_sc_rule rule = {.action = action, .errno_ret = -1};
	const char *colon = strchr(word, ':');
	int e = EPERM;

	if (colon && (e = cv_errno_from_name(colon + 1)) < 0)
		return cv_args_usage_error(a, "--deny %s: unknown errno `%s` (as in EACCES or 13)",
					   word, colon + 1);
	snprintf(rule.name, sizeof(rule.name), "%.*s",
		 colon ? (int)(colon - word) : (int)strlen(word), word);
	if (seccomp_syscall_resolve_name(rule.name) == __NR_SCMP_ERROR)
		return cv_args_usage_error(a, "`%s`: not a system call libseccomp knows here",
					   rule.name);
	if (action == SCMP_ACT_ERRNO(0))
		rule.errno_ret = e;
	if (!r->have_filter) { /* on its own, a rule goes into an allow-everything filter */
		cv_seccomp_init(&r->filter, SCMP_ACT_ALLOW);
		r->have_filter = true;
	}
	return cv_seccomp_add(&r->filter, &rule, a->err) < 0 ? 1 : 0;
}

static int set_seccomp(struct cv_args *a, struct run *r, const char *what)
{
	uint64_t caps = ~0ULL; /* Docker's includes.caps: judged by the full set */

	if (r->have_filter || r->unconfined || r->policy)
		return cv_args_usage_error(a, "--seccomp comes once, before any --deny, and not "
					      "with --policy");
	if (!strcmp(what, "unconfined")) {
		r->unconfined = true;
		return 0;
	}
	r->have_filter = true;
	if (!strcmp(what, "default"))
		return cv_profile_default(&r->filter, a->err) < 0 ? 1 : 0;
	return cv_profile_load(what, caps, &r->filter, a->err) < 0 ? 1 : 0;
}

static int cap_option(struct cv_args *a, struct run *r, int opt)
{
	int cap;

	if (opt == O_CAP_DROP && !strcasecmp(a->val, "ALL")) {
		r->drop_all = true;
		return 0;
	}
	if (cv_cap_from_name(a->val, &cap, a->err) < 0)
		return cv_err_wrap(a->err, "--%s", a->opt->name), CV_EXIT_USAGE;
	if (opt == O_CAP_DROP)
		r->drop |= 1ULL << cap;
	else
		r->add |= 1ULL << cap;
	r->sec.set_caps = true;
	return 0;
}

static int path_option(struct cv_args *a, struct run *r, unsigned access)
{
	r->any_paths = true;
	if (r->policy)
		return containerv_policy_add_path(r->policy, a->val, access) < 0 ? 1 : 0;
	return cv_landlock_add(&r->sec.landlock, a->val, access, a->err) < 0 ? 1 : 0;
}

static int identity_option(struct cv_args *a, struct cv_identity *id, int opt)
{
	long long v;

	switch (opt) {
	case O_USER:
		if (cv_parse_user(a->val, &id->uid, &id->gid, a->err) < 0)
			return CV_EXIT_USAGE;
		if (id->gid == (gid_t)-1)
			id->gid = (gid_t)id->uid;
		id->set_groups = true;
		return 0;
	case O_GROUPS:
		id->set_groups = true;
		for (const char *p = a->val; *p && id->n_gids < CV_MAX_GIDS;) {
			char *end;
			id->gids[id->n_gids++] = (gid_t)strtoul(p, &end, 10);
			if (end == p || (*end && *end != ','))
				return cv_args_usage_error(a, "--groups `%s`: expected GID,GID,...",
							   a->val);
			p = *end ? end + 1 : end;
		}
		return 0;
	case O_UMASK: {
		char *end;
		unsigned long m = strtoul(a->val, &end, 8);
		if (*end || end == a->val || m > 0777)
			return cv_args_usage_error(a, "--umask `%s`: expected octal, as in 022",
						   a->val);
		id->umask = (mode_t)m;
		return 0;
	}
	case O_NNP:
		id->no_new_privs = true;
		return 0;
	case O_RLIMIT:
		if (id->n_rlimits == CV_MAX_RLIMITS)
			return cv_args_usage_error(a, "too many --rlimit");
		return cv_rlimit_parse(a->val, &id->rlimits[id->n_rlimits++], a->err) < 0
			   ? CV_EXIT_USAGE
			   : 0;
	case O_OOM:
		if (cv_args_long(a, a->val, -1000, 1000, &v) < 0)
			return CV_EXIT_USAGE;
		id->oom_score_adj = (int)v;
		return 0;
	}
	return 1;
}

static int run_option(struct cv_args *a, struct run *r, int opt)
{
	enum containerv_policy_type type;

	switch (opt) {
	case O_CAP_DROP:
	case O_CAP_ADD:
		return cap_option(a, r, opt);
	case O_SECCOMP:
		return set_seccomp(a, r, a->val);
	case O_DENY:
	case O_NOTIFY:
		if (r->n_rules == 64)
			return cv_args_usage_error(a, "more than 64 --deny and --notify");
		r->actions[r->n_rules] = opt == O_DENY ? SCMP_ACT_ERRNO(0) : SCMP_ACT_NOTIFY;
		r->rules[r->n_rules++] = a->val;
		return 0;
	case O_LISTENER:
		r->listener = a->val;
		return 0;
	case O_POLICY:
		if (r->have_filter || r->policy || r->any_paths)
			return cv_args_usage_error(a,
						   "--policy comes first, and not with --seccomp");
		if (cv_policy_type_from_name(a->val, &type, a->err) < 0)
			return CV_EXIT_USAGE;
		r->policy = containerv_policy_new(type);
		return r->policy ? 0 : 1;
	case O_ALLOW_READ:
		return path_option(a, r, CV_FS_READ);
	case O_ALLOW_WRITE:
		return path_option(a, r, CV_FS_READ | CV_FS_WRITE);
	case O_ALLOW_EXEC:
		return path_option(a, r, CV_FS_READ | CV_FS_EXEC);
	case O_APPARMOR:
		r->apparmor = a->val;
		return 0;
	case O_QUIET:
		r->quiet = true;
		return 0;
	}
	return identity_option(a, &r->sec.id, opt);
}

/* The capability sets: the caller's, less the drops, plus the adds. */
static void compute_caps(struct run *r)
{
	struct cv_caps mine;
	struct cv_err ignored;
	uint64_t set;

	if (!r->sec.set_caps && !r->drop_all)
		return;
	cv_caps_read(0, &mine, &ignored);
	set = r->drop_all ? 0 : mine.bounding;
	set = (set & ~r->drop) | r->add;
	r->sec.caps = (struct cv_caps){set, set, set, set, set};
	r->sec.set_caps = true;
	cv_caps_usable(&r->sec.caps);
}

/* The policy's parts go into the security settings. */
static int policy_parts(struct cv_args *a, struct run *r)
{
	if (cv_policy_seccomp(r->policy, &r->filter, a->err) < 0)
		return 1;
	r->have_filter = true;
	r->sec.landlock = *cv_policy_landlock(r->policy);
	r->sec.id.no_new_privs = true;
	return 0;
}

static int parse_run(struct cv_args *a, struct run *r)
{
	int opt, rc;

	cv_security_init(&r->sec);
	while ((opt = cv_args_next(a)) > 0)
		if ((rc = run_option(a, r, opt)) != 0)
			return rc;
	if (opt < 0)
		return opt == CV_ARG_HELP ? -1 : CV_EXIT_USAGE;
	if (cv_args_rest(a) == 0)
		return cv_args_usage_error(a, "no command given: what should run?");
	r->argv = a->argv + a->i;
	if (r->policy && (rc = policy_parts(a, r)) != 0)
		return rc;
	for (unsigned i = 0; i < r->n_rules; i++)
		if ((rc = add_rule(a, r, r->rules[i], r->actions[i])) != 0)
			return rc;
	if (!r->policy && r->sec.landlock.n_rules) /* paths alone: the system stays usable */
		cv_landlock_add_system(&r->sec.landlock);
	compute_caps(r);
	if (r->have_filter)
		r->sec.seccomp = &r->filter;
	if (r->listener && !r->have_filter)
		return cv_args_usage_error(a, "--listener without a filter: add --notify SYSCALL");
	if (r->listener)
		snprintf(r->filter.listener_path, sizeof(r->filter.listener_path), "%s",
			 r->listener);
	if (r->have_filter && cv_seccomp_check(&r->filter, a->err) < 0)
		return 1;
	if (r->sec.landlock.n_rules && cv_landlock_check(&r->sec.landlock, a->err) < 0)
		return 1;
	if (r->apparmor && !strcmp(r->apparmor, "default")) {
		r->sec.apparmor = cv_apparmor_default(a->err);
		if (!r->sec.apparmor && a->err->code)
			return 1;
		if (!r->sec.apparmor)
			fprintf(stderr, "cv-security: AppArmor is not enabled on this host: the "
					"default profile is not applied\n");
	} else if ((r->sec.apparmor = r->apparmor) && !cv_apparmor_enabled()) {
		return cv_apparmor_exec(r->apparmor, a->err) < 0 ? 1 : 0; /* says why */
	}
	return 0;
}

/*
 * The child: apply it all, say so on `ready`, wait for `go` (the parent
 * reads our /proc/PID/status meanwhile), exec.  The two pipes are
 * O_CLOEXEC; a filter that denies read or write only skips the pause.
 */
static void run_child(struct run *r, int ready, int go, struct cv_err *err)
{
	char byte = 0;

	if (cv_security_apply(&r->sec, err) < 0) {
		cv_err_print(err, "cv-security");
		_exit(126);
	}
	if (write(ready, "1", 1) == 1)
		(void)!read(go, &byte, 1);
	execvp(r->argv[0], r->argv);
	fprintf(stderr, "cv-security: execvp(`%s`): %s\n", r->argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

static int launch(struct run *r, struct cv_err *err)
{
	int ready[2], go[2], status;
	char byte;
	pid_t pid;

	if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0)
		return cv_err_sys(err, "pipe2()"), 1;
	fflush(NULL);
	if ((pid = fork()) < 0)
		return cv_err_sys(err, "fork()"), 1;
	if (pid == 0) {
		close(ready[0]);
		close(go[1]);
		run_child(r, ready[1], go[0], err);
	}
	close(ready[1]);
	close(go[0]);
	if (read(ready[0], &byte, 1) == 1 && !r->quiet)
		cv_show_process(pid, &r->sec, stderr);
	if (cv_signal_pending())
		kill(pid, SIGKILL); /* stopped before CMD started (^C, `| head`): it never will */
	close(go[1]);
	close(ready[0]);
	status = cv_wait_forwarding(pid, NULL);
	if (status == 128 + SIGSYS && !r->quiet)
		fprintf(stderr, "cv-security: %s was killed by SIGSYS: a seccomp rule said KILL\n",
			r->argv[0]);
	return status;
}

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

/* Options done, then `min` to `max` words. */
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
