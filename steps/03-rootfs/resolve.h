/*
 * resolve.h - paths inside a root directory that cannot lead outside it.
 *
 * A container's rootfs is untrusted: the image, or a container that ran
 * in it before, may have made /etc a symlink to /, or /dev/shm one to
 * ../../../etc.  A runtime that then mounts "onto /rootfs/etc/hosts" with
 * mount(2), which follows symlinks, writes onto the host.  (runc's
 * CVE-2021-30465 was a race on exactly this.)
 *
 * So every destination is resolved as if the rootfs were "/": an absolute
 * symlink starts again at the rootfs, ".." at the rootfs stays there.
 * The result is an O_PATH file descriptor, and the mount is made onto
 * /proc/self/fd/N - onto the inode that was checked, not onto a path
 * that could be swapped in between.
 */
#ifndef CV_RESOLVE_H
#define CV_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/err.h"

/*
 * cv_resolve_in_root - open `path` (read as if root_fd were "/") with
 * O_PATH, following symlinks without ever leaving root_fd.  openat2(2)
 * with RESOLVE_IN_ROOT where the kernel has it, else the same rules by a
 * walk one component at a time.  Returns the fd, or -errno (-ENOENT when
 * some component does not exist).
 */
int cv_resolve_in_root(int root_fd, const char *path, struct cv_err *err);

/*
 * cv_open_no_symlinks - as cv_resolve_in_root(), but a symlink anywhere on
 * the way, the last component included, is -ELOOP: for a path whose
 * every component must be what it says, as the /dev/null that masks are
 * bound from (CVE-2025-31133).  Returns an O_PATH fd, or -errno.
 */
int cv_open_no_symlinks(int root_fd, const char *path, struct cv_err *err);

/* What cv_mkpath_in_root() makes at the end of the path. */
enum cv_leaf { CV_LEAF_DIR, CV_LEAF_FILE };

/*
 * cv_mkpath_in_root - mkdir -p inside root_fd, then make the last
 * component a directory or an empty file (a place to bind a file onto),
 * each step resolved as cv_resolve_in_root() does.  Returns an O_PATH fd
 * of the leaf, or -errno.  An existing leaf is reused.
 */
int cv_mkpath_in_root(int root_fd, const char *path, enum cv_leaf leaf, mode_t mode,
		      struct cv_err *err);

/* cv_fd_path - "/proc/self/fd/N", the name to mount onto for an O_PATH fd. */
const char *cv_fd_path(int fd, char *buf, size_t size);

/*
 * cv_path_clean - the lexical form of a path inside a root: one leading
 * "/", no "//", no "." and no ".." (".." at the top stays at the top).
 * Returns the length, or -1 when it does not fit.
 */
int cv_path_clean(const char *path, char *out, size_t size);

#endif
