/*
 * copyup.h - what a tmpfs mount with the `tmpcopyup` option starts with.
 *
 * An image's /tmp or /run may hold files; a tmpfs mounted on it would hide
 * them.  With tmpcopyup (runc's and crun's extension, which podman sets on
 * every tmpfs of a --read-only container) the directory's contents are
 * copied into the new tmpfs: the container sees the image's files, and
 * writes go to memory.
 */
#ifndef CV_ROOTFS_COPYUP_H
#define CV_ROOTFS_COPYUP_H

#include <sys/types.h>

#include "common/err.h"

/*
 * cv_copy_tree - copy everything below directory `from` into directory
 * `to` (both open fds): directories, regular files, symlinks, device
 * nodes, fifos and sockets, with their modes, owners and times.  Nothing
 * is followed: a symlink is copied as a symlink.  `shown` names the place
 * in errors.  cv_copy_tree_as - the same, every copy owned by uid:gid
 * instead (the C API's upload and download).
 */
int cv_copy_tree(int from, int to, const char *shown, struct cv_err *err);
int cv_copy_tree_as(int from, int to, uid_t uid, gid_t gid, const char *shown, struct cv_err *err);

/* cv_copy_bytes - what is left to read of `in`, written to `out` (sendfile). */
int cv_copy_bytes(int in, int out, const char *shown, struct cv_err *err);

#endif
