/*
 * devnodes.c - device nodes (see devnodes.h).
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
	if (!strchr("cbup", d->type) || !d->type) {
		cv_err_set(err, EINVAL, "device %s: type `%c` is not c, b, u or p", d->path,
			   d->type ? d->type : '?');
		return cv_err_hint(err, "c: character, b: block, u: unbuffered character, p: FIFO");
	}
	if (strncmp(d->path, "/dev/", 5) != 0 || strstr(d->path, "/../")) {
		cv_err_set(err, EINVAL, "device path `%s` is not below /dev", d->path);
		return cv_err_hint(err, "device nodes live in /dev, as in /dev/fuse");
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

static int bind_host_node(int root_fd, const struct cv_device *d, struct cv_err *err)
{
	_cleanup_close_ int fd = cv_mkpath_in_root(root_fd, d->path, CV_LEAF_FILE, 0600, err);
	char target[64];
	int r;

	if (fd < 0)
		return fd;
	r = mount(d->path, cv_fd_path(fd, target, sizeof(target)), NULL, MS_BIND, NULL);
	cv_trace_sys(r, "mount(`%s` on `%s`, MS_BIND)", d->path, d->path);
	if (r < 0) {
		cv_err_sys(err, "mount(`%s` on `%s`, MS_BIND)", d->path, d->path);
		return cv_err_hint(err,
				   "in a user namespace a device is the host's node, bound: "
				   "does the host have %s?",
				   d->path);
	}
	return 0;
}

int cv_device_create(int root_fd, const struct cv_device *d, bool bind, struct cv_err *err)
{
	_cleanup_close_ int dir = -1;
	mode_t type = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
	mode_t perm = d->mode ? d->mode & 07777 : 0666;
	const char *name;
	int r;

	if ((r = cv_device_check(d, err)) < 0)
		return r;
	if (bind && d->type != 'p')
		return bind_host_node(root_fd, d, err);
	if ((dir = parent_of(root_fd, d->path, &name, err)) < 0)
		return dir;
	r = mknodat(dir, name, type | perm, makedev(d->major, d->minor));
	cv_trace_sys(r, "mknod(`%s`, %c %u:%u, %04o)", d->path, d->type, d->major, d->minor, perm);
	if (r < 0 && errno != EEXIST) {
		cv_err_sys(err, "mknod(`%s`, %c %u:%u)", d->path, d->type, d->major, d->minor);
		return errno == EPERM ? cv_err_hint(err, "mknod needs CAP_MKNOD outside any user "
							 "namespace; in one, devices are bound "
							 "from the host")
				      : -err->code;
	}
	/* mknod's mode went through the umask; and the owner is ours, not d's */
	if (fchmodat(dir, name, perm, 0) < 0 ||
	    fchownat(dir, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return cv_err_sys(err, "chmod/chown(`%s`)", d->path);
	return 0;
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
		r = symlinkat(links[i].target, dir, name);
		cv_trace_sys(r, "symlink(`%s` -> `%s`)", links[i].link, links[i].target);
		if (r < 0 && errno != EEXIST)
			return cv_err_sys(err, "symlink(`%s` -> `%s`)", links[i].link,
					  links[i].target);
	}
	if (console) { /* the terminal the container was given, as its /dev/console */
		_cleanup_close_ int fd =
		    cv_mkpath_in_root(root_fd, "/dev/console", CV_LEAF_FILE, 0600, err);
		char target[64];

		if (fd < 0)
			return fd;
		r = mount(console, cv_fd_path(fd, target, sizeof(target)), NULL, MS_BIND, NULL);
		cv_trace_sys(r, "mount(`%s` on `/dev/console`, MS_BIND)", console);
		if (r < 0)
			return cv_err_sys(err, "mount(`%s` on `/dev/console`, MS_BIND)", console);
	}
	return 0;
}
