/*
 * overlay.h - a root made of layers: overlayfs.
 *
 * An image is a stack of directories, each holding what one build step
 * changed.  overlayfs shows them as one tree: lower directories, read
 * only, the leftmost on top; an upper directory that takes every write;
 * and a work directory (on the same filesystem as the upper) for the
 * kernel's own bookkeeping.
 *
 *   write to a file in a lower layer   its whole file is copied up first
 *   delete a file of a lower layer     a whiteout in the upper hides it:
 *                                      a character device 0:0 by that name
 *   replace a directory                an "opaque" upper directory
 *                                      (xattr trusted.overlay.opaque=y)
 *                                      hides everything below it
 *
 * The lower layers never change, so many containers can share them.
 */
#ifndef CV_OVERLAY_H
#define CV_OVERLAY_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"

struct cv_overlay {
	const char *const *lowers; /* top first, as overlayfs orders them */
	size_t n_lowers;
	const char *upper;
	const char *work;
	bool userxattr; /* in a user namespace: user.overlay.* xattrs (5.11+) */
};

/* cv_overlay_options - "lowerdir=A:B,upperdir=U,workdir=W" (":" escaped). */
int cv_overlay_options(const struct cv_overlay *o, char *buf, size_t size, struct cv_err *err);

/*
 * cv_overlay_check - before anything is mounted: at least one lower, each
 * lower a directory, no "," in a path, a work directory with an upper.
 */
int cv_overlay_check(const struct cv_overlay *o, struct cv_err *err);

/*
 * cv_overlay_mount - mount the layers on target, a directory; the upper
 * and work directories are made if missing, and must share a filesystem.
 */
int cv_overlay_mount(const struct cv_overlay *o, const char *target, struct cv_err *err);

/*
 * cv_overlay_unmount - unmount target and empty the work directory
 * (overlayfs leaves a root-only work/ and index/ in it).
 */
int cv_overlay_unmount(const char *target, const char *work, struct cv_err *err);

#endif
