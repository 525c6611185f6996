/*
 * copyup.c - copying a directory's contents into a fresh tmpfs (see
 * copyup.h).  Everything goes through *at() calls on the two directory
 * fds: a name in the image is never resolved through a symlink, so a
 * hostile image cannot make the copy read or write outside either tree.
 *
 * The source is the directory the tmpfs is about to cover, opened before
 * the mount: a directory fd keeps naming the directory it was opened on,
 * whatever is mounted over its path later, so the copy reads the image
 * while the path already shows the empty tmpfs.
 *
 * Each copy is made private (0600, a directory 0700) and gets its real
 * mode and times last: a setuid bit is never on a half-written file, and
 * a directory's mtime is set after its entries, which would change it.
 */
#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "03-rootfs/copyup.h"
#include "common/cleanup.h"

/* Deep enough for any image; a bound keeps a crafted one from using up fds. */
#define MAX_DEPTH 64

/* Who the copies belong to: each original's owner, or one uid:gid for all. */
struct owner {
	bool keep;
	uid_t uid;
	gid_t gid;
};

/* sendfile(2): the bytes are copied inside the kernel, never through a buffer of ours */
int cv_copy_bytes(int in, int out, const char *shown, struct cv_err *err)
{
	ssize_t n;

	while ((n = sendfile(out, in, NULL, 1 << 20)) != 0)
		if (n < 0 && errno != EINTR)
			return cv_err_sys(err, "copy `%s`", shown);
	return 0;
}

static int copy_data(int from, int to, const char *name, struct cv_err *err)
{
	_cleanup_close_ int in = openat(from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int out = -1;

	if (in < 0)
		return cv_err_sys(err, "open `%s`", name);
	out = openat(to, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0)
		return cv_err_sys(err, "create `%s`", name);
	return cv_copy_bytes(in, out, name, err);
}

/* Owner, mode and times, as the original has them (mode after chown: it clears setuid). */
static int copy_attrs(int to, const char *name, const struct stat *st, const struct owner *o,
		      struct cv_err *err)
{
	const struct timespec times[2] = {st->st_atim, st->st_mtim};

	if (fchownat(to, name, o->keep ? st->st_uid : o->uid, o->keep ? st->st_gid : o->gid,
		     AT_SYMLINK_NOFOLLOW) < 0)
		return cv_err_sys(err, "chown `%s`", name);
	/* a symlink has no mode of its own on Linux: chmod would follow it */
	if (!S_ISLNK(st->st_mode) && fchmodat(to, name, st->st_mode & 07777, 0) < 0)
		return cv_err_sys(err, "chmod `%s`", name);
	if (utimensat(to, name, times, AT_SYMLINK_NOFOLLOW) < 0)
		return cv_err_sys(err, "set the times of `%s`", name);
	return 0;
}

static int copy_dir(int from, int to, int depth, const struct owner *o, struct cv_err *err);

/* One entry of the directory being copied. */
static int copy_entry(int from, int to, const char *name, int depth, const struct owner *o,
		      struct cv_err *err)
{
	char target[4096];
	struct stat st;
	ssize_t n;
	int r = 0;

	if (fstatat(from, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return cv_err_sys(err, "stat `%s`", name);
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR: {
		_cleanup_close_ int sub_from = -1, sub_to = -1;
		if (mkdirat(to, name, 0700) < 0)
			return cv_err_sys(err, "mkdir `%s`", name);
		sub_from = openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		sub_to = openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub_from < 0 || sub_to < 0)
			return cv_err_sys(err, "open `%s`", name);
		r = copy_dir(sub_from, sub_to, depth + 1, o, err);
		if (r < 0)
			return cv_err_wrap(err, "%s", name);
		break;
	}
	case S_IFREG:
		r = copy_data(from, to, name, err);
		break;
	case S_IFLNK:
		if ((n = readlinkat(from, name, target, sizeof(target) - 1)) < 0)
			return cv_err_sys(err, "readlink `%s`", name);
		target[n] = '\0';
		if (symlinkat(target, to, name) < 0)
			return cv_err_sys(err, "symlink `%s`", name);
		break;
	default: /* devices, fifos, sockets: the node itself (a device needs CAP_MKNOD) */
		if (mknodat(to, name, st.st_mode & S_IFMT, st.st_rdev) < 0)
			return cv_err_sys(err, "mknod `%s`", name);
	}
	return r < 0 ? r : copy_attrs(to, name, &st, o, err);
}

static int copy_dir(int from, int to, int depth, const struct owner *o, struct cv_err *err)
{
	int fd = dup(from);
	DIR *dir;
	struct dirent *e;
	int r = 0;

	if (depth > MAX_DEPTH)
		return cv_err_set(err, ELOOP, "more than %d directories deep", MAX_DEPTH);
	if (fd < 0 || !(dir = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return cv_err_sys(err, "read a directory");
	}
	/* dup() shares the file offset with `from`: start at the beginning */
	rewinddir(dir);
	while (r == 0 && (errno = 0, e = readdir(dir)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			r = copy_entry(from, to, e->d_name, depth, o, err);
	closedir(dir);
	return r;
}

int cv_copy_tree(int from, int to, const char *shown, struct cv_err *err)
{
	const struct owner keep = {.keep = true};

	if (copy_dir(from, to, 0, &keep, err) < 0)
		return cv_err_wrap(err, "copying %s into its tmpfs (tmpcopyup)", shown);
	return 0;
}

int cv_copy_tree_as(int from, int to, uid_t uid, gid_t gid, const char *shown, struct cv_err *err)
{
	const struct owner as = {.uid = uid, .gid = gid};

	if (copy_dir(from, to, 0, &as, err) < 0)
		return cv_err_wrap(err, "copying %s", shown);
	return 0;
}
