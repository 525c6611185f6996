/*
 * devnodes.c - device nodes (see devnodes.h).
 *
 * A device path is a path in the rootfs, and the rootfs is untrusted.
 * With no tmpfs on /dev the image's own /dev is used, and its /dev/null
 * may be anything: a symlink to /etc/shadow or to ../../../tmp/x, a file,
 * a directory.  chmod(2), and fchmodat(2) whatever its flags, follow a
 * symlink in the last component - with the runtime's root, the host's -
 * so a runtime that ignores mknod's EEXIST and then chmods "/dev/null"
 * chmods a host file to 0666.  (`linux.devices` paths such as /dev/..
 * did the same to the rootfs directory.)  So, here:
 *
 *   - a device path must be plain: /dev/ and names, no ".", ".." or "//"
 *     (cv_device_check);
 *   - what is at the path is looked at without following it: the node
 *     wanted is kept; a directory is refused (it is the image's mistake,
 *     and unlinking a tree is not ours to do); anything else - a symlink,
 *     a file, a FIFO where a character device is wanted, a device of
 *     other numbers - is unlinked and made anew, as runc and crun do.
 *     unlink(2) removes a symlink, never what it points to;
 *   - the node is then opened with O_PATH|O_NOFOLLOW, fstat() must say it
 *     is the node just made, and it is chmod-ed and chown-ed through that
 *     fd: nothing is done by name once the name was checked.
 *
 * The same holds for what is bound onto a device path (the host's node in
 * a user namespace, the terminal on /dev/console; runc's CVE-2025-52565
 * was that bind, redirected by a symlink).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "03-rootfs/devnodes.h"
#include "03-rootfs/resolve.h"
#include "common/cleanup.h"
#include "common/probe.h"
#include "common/syscalls.h"
#include "common/trace.h"

const struct cv_device cv_default_devices[] = {
    {"/dev/null", 'c', 1, 3, 0666, 0, 0},    {"/dev/zero", 'c', 1, 5, 0666, 0, 0},
    {"/dev/full", 'c', 1, 7, 0666, 0, 0},    {"/dev/random", 'c', 1, 8, 0666, 0, 0},
    {"/dev/urandom", 'c', 1, 9, 0666, 0, 0}, {"/dev/tty", 'c', 5, 0, 0666, 0, 0},
};
const unsigned cv_default_devices_n = sizeof(cv_default_devices) / sizeof(cv_default_devices[0]);

static const struct {
	const char *link, *target;
} links[] = {
    {"/dev/fd", "/proc/self/fd"},       {"/dev/stdin", "/proc/self/fd/0"},
    {"/dev/stdout", "/proc/self/fd/1"}, {"/dev/stderr", "/proc/self/fd/2"},
    {"/dev/ptmx", "pts/ptmx"},          {"/dev/core", "/proc/kcore"},
};

int cv_device_check(const struct cv_device *d, struct cv_err *err)
{
	char clean[sizeof(d->path)];

	if (!strchr("cbup", d->type) || !d->type) {
		cv_err_set(err, EINVAL, "device %s: type `%c` is not c, b, u or p", d->path,
			   d->type ? d->type : '?');
		return cv_err_hint(err, "c: character, b: block, u: unbuffered character, p: FIFO");
	}
	/*
	 * The path as written must be its own clean form: `/dev/..` is the
	 * rootfs itself, `/dev/.` and `/dev/` are /dev, and a node made or
	 * chmod-ed "there" is made or chmod-ed on them.
	 */
	if (strncmp(d->path, "/dev/", 5) != 0 || cv_path_clean(d->path, clean, sizeof(clean)) < 0 ||
	    strcmp(clean, d->path) != 0) {
		cv_err_set(err, EINVAL, "device path `%s` is not a plain path below /dev", d->path);
		return cv_err_hint(err, "names after /dev/ with no `.`, `..`, `//` or trailing "
					"`/`, as in /dev/fuse or /dev/net/tun");
	}
	return 0;
}

/* The directory fd and last component of path, the directory made if missing. */
static int parent_of(int root_fd, const char *path, const char **name, struct cv_err *err)
{
	char dir[256];
	const char *slash = strrchr(path, '/');

	snprintf(dir, sizeof(dir), "%.*s", slash > path ? (int)(slash - path) : 1, path);
	*name = slash + 1;
	return cv_mkpath_in_root(root_fd, dir, CV_LEAF_DIR, 0755, err);
}

static mode_t node_type(const struct cv_device *d)
{
	return d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
}

/* Is st node d: its type, and for a device its major:minor? */
static bool is_node(const struct stat *st, const struct cv_device *d)
{
	if ((st->st_mode & S_IFMT) != node_type(d))
		return false;
	return d->type == 'p' || st->st_rdev == makedev(d->major, d->minor);
}

/* What st is, for messages. */
static const char *kind(const struct stat *st)
{
	return S_ISLNK(st->st_mode)    ? "a symlink"
	       : S_ISREG(st->st_mode)  ? "a regular file"
	       : S_ISDIR(st->st_mode)  ? "a directory"
	       : S_ISFIFO(st->st_mode) ? "a FIFO"
	       : S_ISSOCK(st->st_mode) ? "a socket"
				       : "a device node of another kind or number";
}

/*
 * Make room at dir/name (shown as path) for node d or, with d NULL, for a
 * bind mount.  Returns 1 when what is there stays (node d itself; for a
 * bind anything but a symlink: a mount covers it), 0 when nothing is
 * there (any more), or -errno.  A directory is refused.
 */
static int make_room(int dir, const char *name, const char *path, const struct cv_device *d,
		     struct cv_err *err)
{
	struct stat st;
	int r;

	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT
			   ? 0
			   : cv_err_sys(err, "fstatat(`%s`, AT_SYMLINK_NOFOLLOW)", path);
	if (S_ISDIR(st.st_mode)) {
		cv_err_set(err, EISDIR, "device path `%s` is a directory in the rootfs", path);
		return cv_err_hint(err, "remove that directory from the image, or give the device "
					"another path");
	}
	if (d ? is_node(&st, d) : !S_ISLNK(st.st_mode))
		return 1;
	r = unlinkat(dir, name, 0); /* a symlink goes, never what it points to */
	cv_trace_sys(r, "unlink(`%s`): %s, not the device", path, kind(&st));
	return r < 0 ? cv_err_sys(err, "unlink(`%s`), %s where a device goes", path, kind(&st)) : 0;
}

/*
 * dir/name, opened without following a symlink, and checked: node d, or
 * with d NULL anything a bind can go onto.  The rest is done through it.
 */
static int open_checked(int dir, const char *name, const char *path, const struct cv_device *d,
			struct cv_err *err)
{
	_cleanup_close_ int fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return cv_err_sys(err, "openat(`%s`, O_PATH|O_NOFOLLOW)", path);
	if (d ? !is_node(&st, d) : (S_ISLNK(st.st_mode) || S_ISDIR(st.st_mode)))
		return cv_err_set(err, EEXIST, "`%s` changed while it was made: it is now %s", path,
				  kind(&st));
	return steal_fd(&fd);
}

/*
 * Bind `source` onto the device path `path` in the rootfs: onto what is
 * there, or onto an empty file made for it; never through a symlink.
 */
static int bind_node(int root_fd, const char *source, const char *path, struct cv_err *err)
{
	_cleanup_close_ int dir = -1, fd = -1;
	const char *name;
	char target[64];
	int r;

	if ((dir = parent_of(root_fd, path, &name, err)) < 0)
		return dir;
	if ((r = make_room(dir, name, path, NULL, err)) < 0)
		return r;
	if (r == 0 && (fd = openat(dir, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
				   0600)) < 0)
		return cv_err_sys(err, "openat(`%s`, O_CREAT|O_EXCL)", path);
	cv_closep(&fd);
	if ((fd = open_checked(dir, name, path, NULL, err)) < 0)
		return fd;
	r = mount(source, cv_fd_path(fd, target, sizeof(target)), NULL, MS_BIND, NULL);
	cv_trace_sys(r, "mount(`%s` on `%s`, MS_BIND)", source, path);
	return r < 0 ? cv_err_sys(err, "mount(`%s` on `%s`, MS_BIND)", source, path) : 0;
}

static int bind_host_node(int root_fd, const struct cv_device *d, struct cv_err *err)
{
	int r = bind_node(root_fd, d->path, d->path, err);

	if (r == -ENOENT)
		return cv_err_hint(err,
				   "in a user namespace a device is the host's node, bound: "
				   "does the host have %s?",
				   d->path);
	return r;
}

/* mknod, in a place made room for; EEXIST now means something raced in. */
static int make_node(int dir, const char *name, const struct cv_device *d, mode_t perm,
		     struct cv_err *err)
{
	int r = make_room(dir, name, d->path, d, err);

	if (r != 0)
		return r < 0 ? r : 0; /* 1: the node is there already, as wanted */
	r = mknodat(dir, name, node_type(d) | perm, makedev(d->major, d->minor));
	cv_trace_sys(r, "mknod(`%s`, %c %u:%u, %04o)", d->path, d->type, d->major, d->minor, perm);
	if (r < 0) {
		cv_err_sys(err, "mknod(`%s`, %c %u:%u)", d->path, d->type, d->major, d->minor);
		return errno == EPERM ? cv_err_hint(err, "mknod needs CAP_MKNOD outside any user "
							 "namespace; in one, devices are bound "
							 "from the host")
				      : -err->code;
	}
	return 0;
}

/*
 * The node's mode and owner, through fd (O_PATH): fchmod(2) refuses an
 * O_PATH fd, so fchmodat2(2) with AT_EMPTY_PATH (6.6), or else chmod(2)
 * of /proc/self/fd/N - the inode fd holds, not a name.
 */
static int set_mode_owner(int fd, const struct cv_device *d, mode_t perm, struct cv_err *err)
{
	char self[64];
	int r;

	if (cv_have_fchmodat2())
		r = sys_fchmodat2(fd, "", perm, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
	else
		r = chmod(cv_fd_path(fd, self, sizeof(self)), perm);
	if (r < 0)
		return cv_err_sys(err, "chmod(`%s`, %04o)", d->path, perm);
	if (fchownat(fd, "", d->uid, d->gid, AT_EMPTY_PATH) < 0)
		return cv_err_sys(err, "chown(`%s`, %u:%u)", d->path, d->uid, d->gid);
	return 0;
}

int cv_device_create(int root_fd, const struct cv_device *d, bool bind, struct cv_err *err)
{
	_cleanup_close_ int dir = -1, fd = -1;
	mode_t perm = d->mode ? d->mode & 07777 : 0666;
	const char *name;
	int r;

	if ((r = cv_device_check(d, err)) < 0)
		return r;
	if (bind && d->type != 'p')
		return bind_host_node(root_fd, d, err);
	if ((dir = parent_of(root_fd, d->path, &name, err)) < 0)
		return dir;
	if ((r = make_node(dir, name, d, perm, err)) < 0)
		return r;
	if ((fd = open_checked(dir, name, d->path, d, err)) < 0)
		return fd;
	/* mknod's mode went through the umask; and the owner is ours, not d's */
	return set_mode_owner(fd, d, perm, err);
}

int cv_dev_populate(int root_fd, bool bind, const char *console, struct cv_err *err)
{
	int r;

	for (unsigned i = 0; i < cv_default_devices_n; i++)
		if ((r = cv_device_create(root_fd, &cv_default_devices[i], bind, err)) < 0)
			return r;
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		_cleanup_close_ int dir = -1;
		const char *name;

		if ((dir = parent_of(root_fd, links[i].link, &name, err)) < 0)
			return dir;
		/* symlinkat never follows: an image's own /dev/fd, whatever it is, stays */
		r = symlinkat(links[i].target, dir, name);
		cv_trace_sys(r, "symlink(`%s` -> `%s`)", links[i].link, links[i].target);
		if (r < 0 && errno != EEXIST)
			return cv_err_sys(err, "symlink(`%s` -> `%s`)", links[i].link,
					  links[i].target);
	}
	/* the terminal the container was given, as its /dev/console */
	return console ? bind_node(root_fd, console, "/dev/console", err) : 0;
}
