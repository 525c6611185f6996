/*
 * mounts.h - the mounts a container sees: what each is for, and how one
 * OCI mount entry ("source, destination, type, options") becomes mount(2)
 * calls.
 *
 * mount(2) takes two kinds of options in one string on the command line
 * but not in the syscall: flags the VFS understands (ro, nosuid, nodev,
 * noexec, relatime, bind...) go in `mountflags` as MS_* bits; everything
 * else (size=64k, mode=755, newinstance) is the filesystem's own and goes
 * in `data`.  Propagation (private, slave, shared, unbindable) cannot be
 * combined with anything and is a mount call of its own, as is making a
 * bind mount read-only: MS_BIND ignores every other flag, so read-only
 * needs a second call, MS_REMOUNT|MS_BIND|MS_RDONLY.
 */
#ifndef CV_MOUNTS_H
#define CV_MOUNTS_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"

#define CV_MOUNT_PATH_MAX 512
#define CV_MOUNT_DATA_MAX 512

struct cv_mount {
	char source[CV_MOUNT_PATH_MAX];
	char destination[CV_MOUNT_PATH_MAX]; /* inside the rootfs */
	char type[32];                       /* "proc", "tmpfs"... ; "bind" for a bind mount */
	unsigned long flags;                 /* MS_* for the mount call */
	unsigned long propagation;           /* MS_PRIVATE, MS_SLAVE... (| MS_REC), or 0 */
	bool bind;                           /* MS_BIND: source is a path to show here */
	bool recursive;                      /* rbind: with the mounts below it */
	bool recursive_ro;                   /* rro: read-only all the way down */
	bool copy_up;                        /* tmpcopyup: a tmpfs starts with what it covers */
	char data[CV_MOUNT_DATA_MAX];        /* the filesystem's own options, comma-joined */
};

/*
 * cv_mount_parse - one OCI mount: options as a list of words ("nosuid",
 * "size=64k", "rbind", "rprivate", "rro").  An unknown word is an error
 * that names it and suggests the closest known one; "key=value" words are
 * passed to the filesystem as they are.
 */
int cv_mount_parse(const char *type, const char *source, const char *destination,
		   const char *const *options, size_t n_options, struct cv_mount *m,
		   struct cv_err *err);

/* cv_mount_parse_csv - the same, options as one string: "nosuid,size=64k". */
int cv_mount_parse_csv(const char *type, const char *source, const char *destination,
		       const char *options, struct cv_mount *m, struct cv_err *err);

/* Every option word cv_mount_parse() knows, NULL-terminated (for `features`). */
extern const char *const cv_mount_option_words[];

/* cv_mount_flags_str - "MS_NOSUID|MS_NODEV" for traces and errors. */
const char *cv_mount_flags_str(unsigned long flags, char *buf, size_t size);

/*
 * cv_fs_listed - is `type` in the text of /proc/filesystems?  ("bind" is
 * not a filesystem but always accepted.)
 */
bool cv_fs_listed(const char *filesystems, const char *type);

/* cv_mount_type_check - the type exists on this kernel, or a clear error. */
int cv_mount_type_check(const char *type, struct cv_err *err);

/*
 * The standard list, as `runc spec` writes it: what a process expects to
 * find mounted (proc, /dev as a tmpfs, devpts, shm, mqueue, sysfs, the
 * cgroup tree), and the paths masked or made read-only by default.
 */
extern const struct cv_mount cv_default_mounts[];
extern const size_t cv_default_mounts_n;
extern const char *const cv_default_masked[];   /* NULL-terminated */
extern const char *const cv_default_readonly[]; /* NULL-terminated */

/* Facts about the container that change how some mounts are made. */
struct cv_mount_ctx {
	bool userns;    /* in a user namespace: no mknod, sysfs/cgroup only if owned */
	bool own_netns; /* a network namespace of its own: else sysfs read-only */
	bool own_cgroupns;
};

/*
 * cv_mount_apply - make mount m inside the rootfs open as root_fd: its
 * destination created and resolved inside the root (resolve.h), then the
 * mount, the read-only remount, the recursive read-only, the propagation.
 * A "cgroup" mount becomes the host's layout: cgroup2, or a tmpfs of v1
 * trees (and cgroup2 at unified/ on a hybrid host), all read-only.
 */
int cv_mount_apply(int root_fd, const struct cv_mount *m, const struct cv_mount_ctx *ctx,
		   struct cv_err *err);

/*
 * cv_mask_path - hide path (inside root_fd): /dev/null over a file, an
 * empty read-only tmpfs over a directory.  A path that does not exist is
 * already hidden: 0.  The /dev/null is root_fd's, reached with no symlink
 * followed and checked to be c 1:3, else -ELOOP or -EINVAL, never a bind
 * of what it points to (CVE-2025-31133).
 */
int cv_mask_path(int root_fd, const char *path, struct cv_err *err);

/* cv_readonly_path - bind path onto itself read-only; missing: 0. */
int cv_readonly_path(int root_fd, const char *path, struct cv_err *err);

/*
 * cv_remount_readonly - make the mount at the O_PATH fd (path, for
 * messages) read-only,
 * keeping the nosuid/nodev/noexec it has (a user namespace may not drop
 * them: they are locked).  recursive: mount_setattr(AT_RECURSIVE).
 */
int cv_remount_readonly(int fd, const char *path, bool recursive, struct cv_err *err);

#endif
