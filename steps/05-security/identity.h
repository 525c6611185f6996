/*
 * identity.h - who the process is, and what it may consume: uid, gid,
 * supplementary groups, umask, resource limits, OOM score, and the
 * no_new_privs bit.
 *
 * no_new_privs (prctl PR_SET_NO_NEW_PRIVS, Linux 3.5) is a promise the
 * kernel keeps across every execve(): nothing executed can gain
 * privileges - setuid bits and file capabilities are ignored.  It cannot
 * be unset, and it is what lets an unprivileged process install a
 * seccomp filter or a Landlock ruleset.
 */
#ifndef CV_IDENTITY_H
#define CV_IDENTITY_H

#include <stdbool.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "common/err.h"

#define CV_MAX_GIDS    32
#define CV_MAX_RLIMITS 16

struct cv_rlimit {
	int resource; /* RLIMIT_* */
	rlim_t soft, hard;
};

struct cv_identity {
	uid_t uid;       /* (uid_t)-1: unchanged */
	gid_t gid;       /* (gid_t)-1: unchanged */
	unsigned n_gids; /* supplementary groups; set when set_groups */
	gid_t gids[CV_MAX_GIDS];
	bool set_groups; /* setgroups(n_gids, gids): drops the caller's groups */
	mode_t umask;    /* (mode_t)-1: unchanged */
	unsigned n_rlimits;
	struct cv_rlimit rlimits[CV_MAX_RLIMITS];
	int oom_score_adj; /* -1000..1000, or CV_OOM_UNSET */
	bool no_new_privs;
};
#define CV_OOM_UNSET (-10000)

/* cv_identity_init - every field "unchanged": the process keeps its ids, umask,
 * limits and OOM score, and no_new_privs stays as it is. */
void cv_identity_init(struct cv_identity *id);

/*
 * cv_rlimit_from_name - "nofile", "NOFILE" or "RLIMIT_NOFILE" -> RLIMIT_NOFILE.
 * An unknown name is an error listing the valid ones.
 */
int cv_rlimit_from_name(const char *name, int *resource, struct cv_err *err);

/* cv_rlimit_name - "nofile" for RLIMIT_NOFILE. */
const char *cv_rlimit_name(int resource);

/*
 * cv_rlimit_parse - "nofile=64" (soft = hard) or "nofile=64:128";
 * "unlimited" for either.
 */
int cv_rlimit_parse(const char *text, struct cv_rlimit *out, struct cv_err *err);

/*
 * cv_identity_limits - the rlimits and oom_score_adj: done while the
 * process may still raise them (before the uid switch and cap drop).
 */
int cv_identity_limits(const struct cv_identity *id, struct cv_err *err);

/*
 * cv_identity_switch - setgroups, setresgid, setresuid, keeping the
 * permitted capabilities across it (PR_SET_KEEPCAPS), then the umask.
 */
int cv_identity_switch(const struct cv_identity *id, struct cv_err *err);

/* cv_no_new_privs - set the bit (no-op when id->no_new_privs is false). */
int cv_no_new_privs(struct cv_err *err);

/* cv_parse_user - "1000", "1000:1000" -> uid and gid (gid unchanged if absent). */
int cv_parse_user(const char *text, uid_t *uid, gid_t *gid, struct cv_err *err);

#endif
