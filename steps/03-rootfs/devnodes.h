/*
 * devnodes.h - the device nodes in a container's /dev.
 *
 * /dev is an empty tmpfs (mounts.h), so only the nodes put there exist:
 * the standard few every program expects (null, zero, full, random,
 * urandom, tty), the links into /proc/self/fd, the pseudo-terminal
 * multiplexer, a console when the container has a terminal, and what the
 * OCI config's linux.devices asks for.  A config without that tmpfs gets
 * the image's own /dev, which is untrusted like the rest of the image:
 * what it has at a device path is never followed (devnodes.c says how).
 *
 * A node is made with mknod(2), which needs CAP_MKNOD in the initial user
 * namespace: inside a user namespace it is EPERM even for "root".  There
 * the host's node is bind-mounted onto an empty file instead - the same
 * device, with the host's permissions.
 */
#ifndef CV_DEVNODES_H
#define CV_DEVNODES_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/err.h"

struct cv_device {
	char path[256]; /* inside the container: /dev/fuse */
	char type;      /* 'c' char, 'b' block, 'u' unbuffered char, 'p' fifo */
	unsigned major, minor;
	mode_t mode; /* permission bits; 0 means 0666 */
	uid_t uid;
	gid_t gid;
};

/* null, zero, full, random, urandom, tty */
extern const struct cv_device cv_default_devices[];
extern const unsigned cv_default_devices_n;

/*
 * cv_device_check - the type is one of c, b, u, p; the path is below /dev
 * and plain: /dev/ and names, no ".", "..", "//" or trailing "/" (so
 * /dev/.. and /dev/. cannot name the rootfs or /dev).  0 or -EINVAL.
 */
int cv_device_check(const struct cv_device *d, struct cv_err *err);

/*
 * cv_device_create - make node d inside root_fd: mknod, chmod, chown; or,
 * with bind (in a user namespace), bind-mount the host's node of the same
 * path.  What the rootfs has at d->path is looked at, not followed: node
 * d itself is kept (and given d's mode and owner); a directory is
 * refused, -EISDIR; anything else - a symlink, a file, another node - is
 * unlinked and made anew (for a bind, anything but a symlink is bound
 * onto).  The mode and owner are set through an O_PATH|O_NOFOLLOW fd
 * checked to be the node.  Returns 0 or -errno.
 */
int cv_device_create(int root_fd, const struct cv_device *d, bool bind, struct cv_err *err);

/*
 * cv_dev_populate - the standard nodes, the links /dev/fd, /dev/stdin,
 * /dev/stdout, /dev/stderr, /dev/ptmx -> pts/ptmx, /dev/core (an image's
 * own entry of those names is left), and, when console is a
 * pseudo-terminal path, that terminal bound onto /dev/console, by the
 * rules of cv_device_create().
 */
int cv_dev_populate(int root_fd, bool bind, const char *console, struct cv_err *err);

#endif
