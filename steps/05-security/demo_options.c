/*
 * demo_options.c - `cv-security run`'s options, into a struct run (see
 * demo.h).  Most options only note what was asked; the seccomp rules of
 * --deny and --notify are added at the end, once it is known whether
 * --seccomp or --policy gave a filter to add them to, and every check
 * that can refuse (the filter compiles, Landlock is there, the AppArmor
 * profile can be had) is made before any process is started.
 */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "05-security/apparmor.h"
#include "05-security/caps.h"
#include "05-security/demo.h"
#include "05-security/policy.h"
#include "05-security/profile.h"

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
const struct cv_opt run_opts[] = {
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

int parse_run(struct cv_args *a, struct run *r)
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
