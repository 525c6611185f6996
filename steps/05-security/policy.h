/*
 * policy.h - the containerv policy API: a whole sandbox in a few calls.
 *
 *     struct containerv_policy *p = containerv_policy_new(CV_POLICY_BUILD);
 *     const char *paths[] = {"/workspace", "/tmp", NULL};
 *     containerv_policy_add_paths(p, paths, CV_FS_ALL);
 *     const char *more[] = {"setrlimit", NULL};
 *     containerv_policy_add_syscalls(p, more);
 *     ...  in the process to confine:  cv_policy_apply(p, &err);
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

#include <containerv.h>

#include "05-security/landlock.h"
#include "common/err.h"

/*
 * The public part - enum containerv_policy_type, containerv_policy_new,
 * _add_syscalls, _add_path(s), _delete - is declared once, in the C API's
 * header, <containerv.h>; this step implements it.
 */

/*
 * cv_policy_apply - confine the calling process for good:
 * no_new_privs, then the Landlock rules (when there are any), then the
 * seccomp allow-list - the last, so the setup itself is not filtered.
 * The caller execs next.
 */
int cv_policy_apply(const struct containerv_policy *p, struct cv_err *err);

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
