/*
 * identity.c - uid and groups, limits, no_new_privs (see identity.h).
 *
 * Three things here can each be done only while the process still holds
 * some power, and each loses a little of it:
 *
 *   resource limits   setrlimit(2) lets anyone lower a limit, and raise a
 *                     soft one up to the hard one; raising a hard limit
 *                     takes CAP_SYS_RESOURCE in the initial user namespace
 *                     (root in a user namespace cannot).  A hard limit once
 *                     lowered stays lowered: that is what makes it a limit.
 *                     So the limits are set first, before the capability
 *                     drop may take CAP_SYS_RESOURCE away.
 *   uid and groups    setgroups, then setresgid, then setresuid: the first
 *                     two need CAP_SETGID, and leaving uid 0 clears the
 *                     effective set, so the uid goes last.  All three ids
 *                     (real, effective, saved) are set, so that no saved
 *                     uid 0 is left to switch back to.
 *   no_new_privs      needs nothing and takes nothing now; it only stops
 *                     every later execve() from adding power (setuid bits,
 *                     file capabilities).  It is inherited by children and
 *                     cannot be unset (prctl(2)).
 */
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "05-security/identity.h"
#include "05-security/rlimits.h"
#include "common/file.h"
#include "common/trace.h"

static const struct {
	const char *name;
	int resource;
} limits[] = {
#define X(name, resource) {name, resource},
    CV_RLIMITS(X)
#undef X
};
#define N_LIMITS (sizeof(limits) / sizeof(limits[0]))

void cv_identity_init(struct cv_identity *id)
{
	memset(id, 0, sizeof(*id));
	id->uid = (uid_t)-1;
	id->gid = (gid_t)-1;
	id->umask = (mode_t)-1;
	id->oom_score_adj = CV_OOM_UNSET;
}

int cv_rlimit_from_name(const char *name, int *resource, struct cv_err *err)
{
	const char *bare = strncasecmp(name, "RLIMIT_", 7) ? name : name + 7;

	for (size_t i = 0; i < N_LIMITS; i++)
		if (!strcasecmp(bare, limits[i].name)) {
			*resource = limits[i].resource;
			return 0;
		}
	cv_err_set(err, EINVAL, "unknown resource limit `%s`", name);
	return cv_err_hint(err,
			   "the limits are: cpu fsize data stack core rss nproc nofile memlock "
			   "as locks sigpending msgqueue nice rtprio rttime (getrlimit(2))");
}

const char *cv_rlimit_name(int resource)
{
	for (size_t i = 0; i < N_LIMITS; i++)
		if (limits[i].resource == resource)
			return limits[i].name;
	return "?";
}

static int parse_value(const char *text, size_t len, rlim_t *out)
{
	char *end;
	unsigned long long v;

	if (len == 9 && !strncmp(text, "unlimited", 9)) {
		*out = RLIM_INFINITY;
		return 0;
	}
	if (len == 0 || !isdigit((unsigned char)*text))
		return -1;
	v = strtoull(text, &end, 10);
	if ((size_t)(end - text) != len)
		return -1;
	*out = (rlim_t)v;
	return 0;
}

int cv_rlimit_parse(const char *text, struct cv_rlimit *out, struct cv_err *err)
{
	const char *eq = strchr(text, '='), *colon;
	char name[32];

	if (!eq || eq == text || (size_t)(eq - text) >= sizeof(name)) {
		cv_err_set(err, EINVAL, "rlimit `%s`: expected NAME=SOFT[:HARD]", text);
		return cv_err_hint(err, "as in nofile=64 or nofile=64:128");
	}
	snprintf(name, sizeof(name), "%.*s", (int)(eq - text), text);
	if (cv_rlimit_from_name(name, &out->resource, err) < 0)
		return -err->code;
	colon = strchr(eq + 1, ':');
	if (parse_value(eq + 1, colon ? (size_t)(colon - eq - 1) : strlen(eq + 1), &out->soft) <
		0 ||
	    parse_value(colon ? colon + 1 : eq + 1, strlen(colon ? colon + 1 : eq + 1),
			&out->hard) < 0) {
		cv_err_set(err, EINVAL, "rlimit `%s`: not a number, or `unlimited`", text);
		return cv_err_hint(err, "as in nofile=64 or nofile=64:128");
	}
	/* refused here: setrlimit(2) would say EINVAL only in the child, after the fork */
	if (out->soft > out->hard) {
		cv_err_set(err, EINVAL, "rlimit `%s`: the soft limit is above the hard one", text);
		return cv_err_hint(err, "SOFT must be at most HARD");
	}
	return 0;
}

int cv_identity_limits(const struct cv_identity *id, struct cv_err *err)
{
	char value[16];
	int r;

	/* the limits hold from here on, for this process and what it execs and forks:
	 * a nofile or nproc limit also binds the rest of the runtime's setup */
	for (unsigned i = 0; i < id->n_rlimits; i++) {
		const struct cv_rlimit *l = &id->rlimits[i];
		struct rlimit rl = {l->soft, l->hard}, now;

		r = setrlimit(l->resource, &rl);
		cv_trace_sys(r, "setrlimit(%s, %llu, %llu)", cv_rlimit_name(l->resource),
			     (unsigned long long)l->soft, (unsigned long long)l->hard);
		if (r == 0)
			continue;
		cv_err_sys(err, "setrlimit(%s, soft %llu, hard %llu)", cv_rlimit_name(l->resource),
			   (unsigned long long)l->soft, (unsigned long long)l->hard);
		if (errno == EPERM && getrlimit(l->resource, &now) == 0)
			return cv_err_hint(err,
					   "raising a hard limit (now %llu) needs "
					   "CAP_SYS_RESOURCE, which this process has not got",
					   (unsigned long long)now.rlim_max);
		return -err->code;
	}
	/* anyone may raise its own oom_score_adj; going below the lowest value this
	 * process has set needs CAP_SYS_RESOURCE (proc(5)): so this, too, comes early */
	if (id->oom_score_adj != CV_OOM_UNSET) {
		int n = snprintf(value, sizeof(value), "%d", id->oom_score_adj);
		if (cv_write_own_proc("oom_score_adj", value, (size_t)n, err) < 0)
			return cv_err_hint(err,
					   "lowering oom_score_adj needs CAP_SYS_RESOURCE; the "
					   "range is -1000 to 1000");
	}
	return 0;
}

int cv_identity_switch(const struct cv_identity *id, struct cv_err *err)
{
	int r;

	/* the groups first, while CAP_SETGID is effective; without this call the
	 * container would keep the runtime's supplementary groups */
	if (id->set_groups) {
		r = setgroups(id->n_gids, id->gids);
		cv_trace_sys(r, "setgroups(%u groups)", id->n_gids);
		if (r < 0)
			return cv_err_sys(err, "setgroups(%u groups)", id->n_gids);
	}
	/* permitted capabilities survive the uid change only with KEEPCAPS: when real,
	 * effective and saved uid all leave 0, the kernel otherwise empties the permitted,
	 * effective and ambient sets (capabilities(7)).  The effective set is emptied
	 * either way; cv_caps_apply() raises it again from the permitted one. */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return cv_err_sys(err, "prctl(PR_SET_KEEPCAPS, 1)");
	if (id->gid != (gid_t)-1) {
		r = setresgid(id->gid, id->gid, id->gid);
		cv_trace_sys(r, "setresgid(%u)", (unsigned)id->gid);
		if (r < 0)
			return cv_err_sys(err, "setresgid(%u)", (unsigned)id->gid);
	}
	if (id->uid != (uid_t)-1) {
		r = setresuid(id->uid, id->uid, id->uid);
		cv_trace_sys(r, "setresuid(%u)", (unsigned)id->uid);
		if (r < 0)
			return cv_err_sys(err, "setresuid(%u)", (unsigned)id->uid);
	}
	/* off again: execve() would clear it anyway, but nothing between here and there
	 * should switch uids with it on */
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return cv_err_sys(err, "prctl(PR_SET_KEEPCAPS, 0)");
	/* the umask is inherited across execve(): the container's files get the mode bits
	 * its config asks for, not the runtime's */
	if (id->umask != (mode_t)-1) {
		umask(id->umask);
		cv_trace("umask(%04o)", (unsigned)id->umask);
	}
	return 0;
}

int cv_no_new_privs(struct cv_err *err)
{
	int r = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);

	cv_trace_sys(r, "prctl(PR_SET_NO_NEW_PRIVS, 1)");
	return r < 0 ? cv_err_sys(err, "prctl(PR_SET_NO_NEW_PRIVS, 1)") : 0;
}

static int bad_user(const char *text, struct cv_err *err)
{
	cv_err_set(err, EINVAL, "user `%s`: expected UID or UID:GID", text);
	return cv_err_hint(err, "numbers, as in 1000:1000 (names would need the container's "
				"/etc/passwd)");
}

/* (uid_t)-1 is refused: to setresuid(2) it means "leave unchanged", not a user */
int cv_parse_user(const char *text, uid_t *uid, gid_t *gid, struct cv_err *err)
{
	char *end;
	const char *gtext;
	unsigned long u = strtoul(text, &end, 10), g;

	if (end == text || !isdigit((unsigned char)*text) || (*end && *end != ':') ||
	    u > 0xfffffffeUL)
		return bad_user(text, err);
	*uid = (uid_t)u;
	if (*end != ':')
		return 0;
	gtext = end + 1;
	g = strtoul(gtext, &end, 10);
	if (end == gtext || !isdigit((unsigned char)*gtext) || *end || g > 0xfffffffeUL)
		return bad_user(text, err);
	*gid = (gid_t)g;
	return 0;
}
