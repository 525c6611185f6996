/*
 * rootfs.h - giving a process a root filesystem of its own.
 *
 * chroot(2) only changes where "/" starts for path lookups.  Everything
 * the process could see before is still mounted, one ".." away for a
 * process that can call chroot again (`cv-rootfs breakout` shows it).
 * pivot_root(2) moves the mounts instead: the new root becomes the root
 * mount of the (new) mount namespace and the old root is put below it,
 * where it can be unmounted.  After that there is nothing above "/" to
 * escape to.
 *
 * So, in a new mount namespace, in this order:
 *   1. make every mount private (or slave): nothing we do propagates back
 *   2. bind the rootfs onto itself: pivot_root needs a mount point (or
 *      mount the overlay of its layers there, which is one)
 *   3. the mounts (proc, /dev, sysfs...), inside the rootfs, before the
 *      switch, while the host's /proc is still there to resolve with
 *   4. the device nodes in /dev
 *   5. pivot_root(".", "."), then detach the old root
 *   6. mask paths, make paths read-only: now relative to the new root
 *   7. make "/" read-only, if asked; set its propagation, if asked
 *
 * A container may also have no mount namespace of its own: the OCI spec
 * says a namespace not asked for is the runtime's.  Then every mount it
 * makes is in the caller's mount table, so nothing of the caller's may
 * change: no propagation is touched, nothing is pivoted or detached.  The
 * caller binds the rootfs onto itself first (cv_rootfs_bind, step 2), the
 * mounts go inside that bind, and the switch is a plain chroot(2) -
 * escapable by a process allowed to call chroot, as it is under runc and
 * crun.  cv_rootfs_unbind takes the bind, and all mounted under it, away.
 */
#ifndef CV_ROOTFS_H
#define CV_ROOTFS_H

#include <stdbool.h>
#include <stddef.h>

#include "03-rootfs/devnodes.h"
#include "03-rootfs/mounts.h"
#include "03-rootfs/overlay.h"
#include "common/err.h"

struct cv_rootfs_spec {
	const char *root;                 /* the directory that becomes "/" */
	const struct cv_overlay *overlay; /* layers to mount on root first, or NULL */
	bool readonly;                    /* make "/" read-only at the end */
	bool no_pivot;                    /* chroot instead of pivot_root (asked for) */
	bool callers_ns; /* the caller's mount namespace: root already bound (cv_rootfs_bind) */
	unsigned long propagation; /* rootfsPropagation: MS_PRIVATE|MS_REC... 0: rprivate */
	const struct cv_mount *mounts;
	size_t n_mounts;
	bool populate_dev;               /* the standard device nodes and links in /dev */
	const struct cv_device *devices; /* linux.devices */
	size_t n_devices;
	const char *const *masked; /* NULL-terminated, or NULL */
	const char *const *readonly_paths;
	const char *console; /* a pty to bind on /dev/console, or NULL */
	/*
	 * Called with everything mounted, just before the switch (the OCI
	 * createRuntime and createContainer hooks run here), or NULL.
	 */
	int (*before_pivot)(void *arg, struct cv_err *err);
	void *before_pivot_arg;
	/*
	 * Called just after the switch, before the masked and read-only paths
	 * (OCI sysctls are written here, while /proc/sys is writable), or NULL.
	 */
	int (*after_pivot)(void *arg, struct cv_err *err);
	struct cv_mount_ctx ctx;
};

/* cv_rootfs_spec_init - no root yet; the standard mounts, devices, masks. */
void cv_rootfs_spec_init(struct cv_rootfs_spec *spec);

/*
 * cv_rootfs_check - what can be checked before a process exists: the root
 * is a directory, each mount's type is known to this kernel and its
 * bind source exists, each device's type is valid.
 */
int cv_rootfs_check(const struct cv_rootfs_spec *spec, struct cv_err *err);

/*
 * cv_rootfs_enter - steps 1 to 7 above, in the calling process, which
 * must be alone in a new mount namespace.  On return "/" is the rootfs
 * and the cwd is "/".  Failing half way leaves the mount namespace half
 * made - it goes with the process, so the caller just exits.
 */
int cv_rootfs_enter(const struct cv_rootfs_spec *spec, struct cv_err *err);

/*
 * cv_rootfs_bind - bind `root` onto itself in the caller's mount namespace,
 * propagation left as it is (the container's mounts go inside it, and
 * leave with it); *mnt_id is the new mount's id, for cv_rootfs_unbind.
 */
int cv_rootfs_bind(const char *root, unsigned long long *mnt_id, struct cv_err *err);

/*
 * cv_rootfs_unbind - detach the mount `mnt_id` on `root` and everything
 * under it, if it is still the one on top there; 0 if it is gone already.
 * Mount ids are the kernel's, unique while the mount exists.  Should
 * another mount cover it (another container's bind on the same root),
 * nothing is detached: EBUSY.
 */
int cv_rootfs_unbind(const char *root, unsigned long long mnt_id, struct cv_err *err);

/* cv_mount_id - the id of the mount `path` is on (fdinfo's mnt_id), or 0. */
unsigned long long cv_mount_id(const char *path);

/*
 * cv_parse_propagation - "private", "rprivate", "slave", "rslave",
 * "shared", "rshared", "unbindable", "runbindable" -> MS_* flags.
 */
int cv_parse_propagation(const char *word, unsigned long *flags, struct cv_err *err);

#endif
