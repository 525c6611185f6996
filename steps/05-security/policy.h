/*
 * policy.h - the containerv policy API: a whole sandbox in a few calls.
 *
 *     struct containerv_policy *p = containerv_policy_new(CV_POLICY_BUILD);
 *     const char *paths[] = {"/workspace", "/tmp", NULL};
 *     containerv_policy_add_paths(p, paths, CV_FS_ALL);
 *     const char *more[] = {"setrlimit", NULL};
 *     containerv_policy_add_syscalls(p, more);
 *     ...  in the process to confine:  containerv_policy_apply(p, &err);
 *     containerv_policy_delete(p);
 *
 * Default-deny: a syscall is allowed only if its group is in the policy
 * (seccomp), a path only if a rule names it (Landlock).  The types:
 *
 *   CV_POLICY_MINIMAL  a command-line program: files, memory, exit; reading
 *                      the system's libraries and devices like /dev/null
 *   CV_POLICY_BUILD    minimal + processes (fork, exec, wait), changing
 *                      files (create, delete, rename, chmod), pipes
 *   CV_POLICY_NETWORK  minimal + sockets
 *   CV_POLICY_CUSTOM   nothing: build it from scratch
 */
#ifndef CV_POLICY_H
#define CV_POLICY_H

#include "05-security/landlock.h" /* CV_FS_READ, CV_FS_WRITE, CV_FS_EXEC, CV_FS_ALL */
#include "common/err.h"

enum containerv_policy_type {
	CV_POLICY_MINIMAL,
	CV_POLICY_BUILD,
	CV_POLICY_NETWORK,
	CV_POLICY_CUSTOM,
};

struct containerv_policy;

/* containerv_policy_new - a policy of that type; NULL when out of memory. */
struct containerv_policy *containerv_policy_new(enum containerv_policy_type type);

/* containerv_policy_add_syscalls - allow more syscalls (a NULL-terminated list). */
int containerv_policy_add_syscalls(struct containerv_policy *p, const char *const *syscalls);

/* containerv_policy_add_path(s) - allow CV_FS_* access below each path. */
int containerv_policy_add_path(struct containerv_policy *p, const char *path, unsigned access);
int containerv_policy_add_paths(struct containerv_policy *p, const char *const *paths,
				unsigned access);

/* containerv_policy_delete - free it (NULL is fine). */
void containerv_policy_delete(struct containerv_policy *p);

/*
 * containerv_policy_apply - confine the calling process for good:
 * no_new_privs, then the Landlock rules (when there are any), then the
 * seccomp allow-list - the last, so the setup itself is not filtered.
 * The caller execs next.
 */
int containerv_policy_apply(const struct containerv_policy *p, struct cv_err *err);

/* For cv-security and the tests: a policy's parts. */
struct cv_seccomp;
int cv_policy_seccomp(const struct containerv_policy *p, struct cv_seccomp *sc, struct cv_err *err);
const struct cv_landlock *cv_policy_landlock(const struct containerv_policy *p);

/*
 * cv_landlock_add_system - what every policy but custom may read and
 * execute (/bin, /usr, /lib, /etc, /proc...) and the harmless devices
 * (/dev/null, /dev/zero, /dev/urandom, /dev/tty) it may read and write.
 */
void cv_landlock_add_system(struct cv_landlock *ll);

/* cv_policy_group - the i-th syscall group: its reason, its names, and the types
 * (1 << CV_POLICY_*) it belongs to; NULL past the last. */
const char *cv_policy_group(unsigned i, const char *const **names, unsigned *types);

/* cv_policy_type_from_name - "minimal", "build", "network", "custom". */
int cv_policy_type_from_name(const char *name, enum containerv_policy_type *type,
			     struct cv_err *err);

#endif
