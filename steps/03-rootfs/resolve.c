/*
 * resolve.c - resolving paths inside a root (see resolve.h).
 *
 * The walk, for kernels without openat2(2): keep a stack of O_PATH
 * directory fds from the root down; for each component, openat() it with
 * O_NOFOLLOW.  "." stays, ".." pops (never past the root).  A symlink is
 * read, and its target put in front of what is left of the path: an
 * absolute target empties the stack back to the root first.  After 40
 * symlinks, ELOOP, as the kernel does.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "03-rootfs/resolve.h"
#include "common/cleanup.h"
#include "common/probe.h"
#include "common/syscalls.h"
#include "common/trace.h"

#define MAX_DEPTH 128
#define MAX_LINKS 40

const char *cv_fd_path(int fd, char *buf, size_t size)
{
	snprintf(buf, size, "/proc/self/fd/%d", fd);
	return buf;
}

int cv_path_clean(const char *path, char *out, size_t size)
{
	size_t len = 0;

	if (size < 2)
		return -1;
	out[len++] = '/';
	while (*path) {
		size_t n;

		path += strspn(path, "/");
		n = strcspn(path, "/");
		if (n == 0 || (n == 1 && path[0] == '.')) {
			/* nothing */
		} else if (n == 2 && path[0] == '.' && path[1] == '.') {
			while (len > 1 && out[len - 1] != '/')
				len--; /* back over the last component... */
			if (len > 1)
				len--; /* ...and its slash */
		} else {
			if (len + (len > 1) + n + 1 > size)
				return -1;
			if (len > 1)
				out[len++] = '/';
			memcpy(out + len, path, n);
			len += n;
		}
		path += n;
	}
	out[len] = '\0';
	return (int)len;
}

/* The walk's state: fds from the root down, and the path still to go. */
struct walk {
	int fds[MAX_DEPTH];
	int depth; /* fds[0] is the root; fds[depth] is where we are */
	char rest[2 * 4096];
	int links;
};

static void walk_pop_to(struct walk *w, int depth)
{
	while (w->depth > depth)
		close(w->fds[w->depth--]);
}

/* Put a symlink's target in front of the rest of the path. */
static int walk_follow(struct walk *w, int link_fd, const char *after, struct cv_err *err)
{
	char target[4096], joined[sizeof(w->rest)];
	ssize_t n = readlinkat(link_fd, "", target, sizeof(target) - 1);

	if (n < 0)
		return cv_err_sys(err, "readlinkat()");
	target[n] = '\0';
	if (++w->links > MAX_LINKS) {
		errno = ELOOP;
		return cv_err_sys(err, "resolving inside the root");
	}
	if (target[0] == '/')
		walk_pop_to(w, 0); /* absolute: from the root again, not the host's */
	if (snprintf(joined, sizeof(joined), "%s/%s", target, after) >= (int)sizeof(joined))
		return cv_err_set(err, ENAMETOOLONG, "path too long after following `%s`", target);
	memcpy(w->rest, joined, sizeof(joined));
	return 0;
}

/* One step of the walk: the first component of w->rest.  Returns 0, or -errno. */
static int walk_step(struct walk *w, struct cv_err *err)
{
	char *p = w->rest + strspn(w->rest, "/"), name[256];
	size_t n = strcspn(p, "/");
	const char *after = p + n;
	struct stat st;
	int fd;

	if (n >= sizeof(name))
		return cv_err_set(err, ENAMETOOLONG, "component `%.*s...` is too long", 32, p);
	memcpy(name, p, n);
	name[n] = '\0';
	memmove(w->rest, after, strlen(after) + 1);
	if (n == 0 || !strcmp(name, "."))
		return 0;
	if (!strcmp(name, "..")) {
		walk_pop_to(w, w->depth > 0 ? w->depth - 1 : 0); /* never above the root */
		return 0;
	}
	fd = openat(w->fds[w->depth], name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		errno = e;
		return cv_err_sys(err, "openat(`%s`)", name);
	}
	if (S_ISLNK(st.st_mode)) {
		char rest[sizeof(w->rest)];
		int r;
		memcpy(rest, w->rest, sizeof(rest));
		r = walk_follow(w, fd, rest, err);
		close(fd);
		return r;
	}
	if (w->depth + 1 >= MAX_DEPTH) {
		close(fd);
		return cv_err_set(err, ENAMETOOLONG, "more than %d levels deep", MAX_DEPTH);
	}
	w->fds[++w->depth] = fd;
	return 0;
}

static int resolve_by_walk(int root_fd, const char *path, struct cv_err *err)
{
	struct walk w = {.depth = 0, .links = 0};
	int r = 0, fd;

	w.fds[0] = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
	if (w.fds[0] < 0)
		return cv_err_sys(err, "fcntl(F_DUPFD_CLOEXEC)");
	snprintf(w.rest, sizeof(w.rest), "%s", path);
	while (w.rest[strspn(w.rest, "/")] && (r = walk_step(&w, err)) == 0)
		;
	fd = r == 0 ? fcntl(w.fds[w.depth], F_DUPFD_CLOEXEC, 3) : r;
	walk_pop_to(&w, 0);
	close(w.fds[0]);
	return fd;
}

int cv_resolve_in_root(int root_fd, const char *path, struct cv_err *err)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	int fd = -1;

	if (!cv_have_openat2())
		return resolve_by_walk(root_fd, path, err);
	/* EAGAIN: a rename raced with the lookup; the kernel asks us to retry */
	for (int tries = 0; tries < 16; tries++)
		if ((fd = sys_openat2(root_fd, path, &how, sizeof(how))) >= 0 || errno != EAGAIN)
			break;
	if (fd < 0)
		return cv_err_sys(err, "openat2(`%s`, RESOLVE_IN_ROOT)", path);
	return fd;
}

/* Make `name` in the directory parent_fd, unless it is there already. */
static int make_one(int parent_fd, const char *name, bool as_file, mode_t mode, struct cv_err *err)
{
	int r;

	if (as_file) {
		r = openat(parent_fd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
			   mode);
		if (r >= 0)
			close(r);
	} else {
		r = mkdirat(parent_fd, name, mode);
	}
	if (r < 0 && errno != EEXIST)
		return cv_err_sys(err, "%s(`%s`)", as_file ? "openat(O_CREAT)" : "mkdirat", name);
	return 0;
}

int cv_mkpath_in_root(int root_fd, const char *path, enum cv_leaf leaf, mode_t mode,
		      struct cv_err *err)
{
	char clean[4096];
	int fd, len = cv_path_clean(path, clean, sizeof(clean));
	size_t end = 0; /* clean[end] is the '/' before the next component */

	if (len < 0)
		return cv_err_set(err, ENAMETOOLONG, "path `%.64s...` is too long", path);
	fd = cv_resolve_in_root(root_fd, clean, err);
	if (fd >= 0 || err->code != ENOENT || len == 1)
		return fd;
	/* Make each component that is missing, in a parent resolved safely each time. */
	while (clean[end] == '/') {
		size_t start = end + 1, stop = start + strcspn(clean + start, "/");
		char parent[4096], name[256];
		_cleanup_close_ int parent_fd = -1;

		if (stop - start >= sizeof(name))
			return cv_err_set(err, ENAMETOOLONG, "a component of `%s` is too long",
					  path);
		snprintf(parent, sizeof(parent), "%.*s", end ? (int)end : 1, clean);
		snprintf(name, sizeof(name), "%.*s", (int)(stop - start), clean + start);
		parent_fd = cv_resolve_in_root(root_fd, parent, err);
		if (parent_fd < 0 ||
		    make_one(parent_fd, name, clean[stop] == '\0' && leaf == CV_LEAF_FILE, mode,
			     err) < 0)
			return -err->code;
		end = stop;
	}
	return cv_resolve_in_root(root_fd, clean, err);
}
