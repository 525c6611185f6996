/*
 * landlock.h - an unprivileged process walls itself in (Linux 5.13+).
 *
 * Landlock is a stackable LSM: a process builds a ruleset ("these kinds of
 * access are handled; these file trees allow these of them"), then
 * restricts itself with it.  From then on, for the handled kinds, only
 * what a rule allows is allowed - for it and every process it starts,
 * forever.  No privilege is needed (no_new_privs is), so a program can
 * sandbox itself.
 *
 * The kernel's Landlock grows in ABI versions: 1 the basic file rights,
 * 2 REFER (rename/link across directories), 3 TRUNCATE, 4 network ports,
 * 5 IOCTL_DEV...  The ABI is probed; rights the kernel lacks are left out
 * of "handled", so a ruleset written for a newer kernel still works,
 * covering less.
 */
#ifndef CV_LANDLOCK_H
#define CV_LANDLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

/* What a rule allows in its tree, in the policy API's terms. */
#define CV_FS_READ  1u
#define CV_FS_WRITE 2u
#define CV_FS_EXEC  4u
#define CV_FS_ALL   (CV_FS_READ | CV_FS_WRITE | CV_FS_EXEC)

#define CV_LANDLOCK_MAX_RULES 64

struct cv_landlock_rule {
	char path[512];
	unsigned access; /* CV_FS_* */
	bool optional;   /* skipped where the path does not exist (a policy's system dirs) */
};

struct cv_landlock {
	unsigned n_rules;
	struct cv_landlock_rule rules[CV_LANDLOCK_MAX_RULES];
};

/* cv_landlock_abi - the kernel's Landlock ABI version, or 0 without Landlock. */
int cv_landlock_abi(void);

/* cv_landlock_add - allow `access` below `path` (a file or a directory tree). */
int cv_landlock_add(struct cv_landlock *ll, const char *path, unsigned access, struct cv_err *err);

/*
 * cv_landlock_add_optional - the same for a path that may be missing where
 * the rules are applied (/lib64 on one system, /lib in a container's
 * busybox image): there it is skipped.
 */
int cv_landlock_add_optional(struct cv_landlock *ll, const char *path, unsigned access,
			     struct cv_err *err);

/*
 * cv_landlock_apply - build the ruleset and restrict the calling process
 * (it must have no_new_privs, or CAP_SYS_ADMIN).  Every path must exist.
 * Without Landlock in the kernel: an error saying so.
 */
int cv_landlock_apply(const struct cv_landlock *ll, struct cv_err *err);

/* cv_landlock_check - before any process starts: Landlock is there, every path exists. */
int cv_landlock_check(const struct cv_landlock *ll, struct cv_err *err);

/* cv_landlock_rights - the kernel access rights for CV_FS_* at an ABI version. */
uint64_t cv_landlock_rights(unsigned access, int abi, int is_dir);

#endif
