/*
 * resolve.c - resolving paths inside a root (see resolve.h).
 *
 * openat2(2) with RESOLVE_IN_ROOT (Linux 5.6) does in the kernel what a
 * runtime used to do by hand: the lookup treats the directory fd as "/",
 * for the path and for every absolute symlink met on the way, and ".." at
 * it stays at it.  A rename that races the lookup cannot move it outside:
 * when the kernel cannot be sure a ".." did not escape, the call fails
 * with EAGAIN, to be tried again.  RESOLVE_NO_MAGICLINKS is asked for too
 * (RESOLVE_IN_ROOT implies it today, the man page says, but promises
 * nothing): a /proc/self/root or /proc/self/fd/N link met on the way - the
 * container's /proc is mounted inside the rootfs before the switch - would
 * jump to what the link points at in the runtime, the host's root.
 *
 * The walk, for kernels without openat2(2): keep a stack of O_PATH
 * directory fds from the root down; for each component, openat() it with
 * O_NOFOLLOW.  "." stays, ".." pops (never past the root).  A symlink is
 * read, and its target put in front of what is left of the path: an
 * absolute target empties the stack back to the root first.  After 40
 * symlinks, ELOOP, as the kernel does (path_resolution(7)).
 *
 * ".." pops our own stack and is never asked of the kernel: a directory
 * moved out of the root while we stand in it would have a ".." outside,
 * but the stack still ends at the root.  A magic link is a symlink to the
 * walk: its text ("/", for /proc/self/root) is read and resolved inside
 * the root, like any other.  Unlike openat2, the walk is not atomic: it
 * is as safe as each step, each an openat() of one name with O_NOFOLLOW.
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
	bool create;      /* make what is missing (cv_mkpath_in_root) */
	bool no_symlinks; /* a symlink anywhere is ELOOP (cv_open_no_symlinks) */
	enum cv_leaf leaf;
	mode_t mode;
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

/* Make `name` in the directory dir_fd, unless it is there already. */
static int make_one(int dir_fd, const char *name, bool as_file, mode_t mode, struct cv_err *err)
{
	int r;

	/*
	 * The name was missing a moment ago; a symlink may have been put there
	 * since.  O_CREAT alone would follow it, dangling, and create its
	 * target; with O_EXCL a symlink is EEXIST (open(2)), the openat after
	 * this finds the link, and the walk follows it inside the root.
	 * mkdirat never follows one.
	 */
	if (as_file) {
		r = openat(dir_fd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
			   mode);
		if (r >= 0)
			close(r);
	} else {
		r = mkdirat(dir_fd, name, mode);
	}
	cv_trace_sys(r, "%s(`%s`) inside the root", as_file ? "create" : "mkdir", name);
	if (r < 0 && errno != EEXIST)
		return cv_err_sys(err, "%s(`%s`)", as_file ? "openat(O_CREAT)" : "mkdirat", name);
	return 0;
}

/*
 * Open one component below where the walk is; with w->create, make it first
 * if missing.  O_PATH|O_NOFOLLOW opens a symlink as itself (open(2)), so
 * its target can be read with readlinkat(fd, "") and resolved here.
 */
static int open_component(struct walk *w, const char *name, bool last, struct cv_err *err)
{
	int fd = openat(w->fds[w->depth], name, O_PATH | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0 || errno != ENOENT || !w->create)
		return fd;
	if (make_one(w->fds[w->depth], name, last && w->leaf == CV_LEAF_FILE, w->mode, err) < 0)
		return -1;
	return openat(w->fds[w->depth], name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
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
	fd = open_component(w, name, w->rest[strspn(w->rest, "/")] == '\0', err);
	if (fd < 0 || fstat(fd, &st) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		errno = e;
		return err->code && w->create ? -err->code : cv_err_sys(err, "openat(`%s`)", name);
	}
	if (S_ISLNK(st.st_mode) && w->no_symlinks) {
		close(fd);
		errno = ELOOP; /* what RESOLVE_NO_SYMLINKS answers */
		return cv_err_sys(err, "openat(`%s`): a symlink, and none may be followed", name);
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

static int walk(int root_fd, const char *path, struct walk *w, struct cv_err *err)
{
	int r = 0, fd;

	cv_err_clear(err);
	/* a copy of its own: the walk closes what it holds, never the caller's */
	w->fds[0] = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
	if (w->fds[0] < 0)
		return cv_err_sys(err, "fcntl(F_DUPFD_CLOEXEC)");
	snprintf(w->rest, sizeof(w->rest), "%s", path);
	while (w->rest[strspn(w->rest, "/")] && (r = walk_step(w, err)) == 0)
		;
	fd = r == 0 ? fcntl(w->fds[w->depth], F_DUPFD_CLOEXEC, 3) : r;
	walk_pop_to(w, 0);
	close(w->fds[0]);
	return fd;
}

/* openat2(2) with RESOLVE_IN_ROOT (and NO_SYMLINKS if asked), or the walk by the same rules. */
static int resolve(int root_fd, const char *path, bool no_symlinks, struct cv_err *err)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	struct walk w = {.create = false, .no_symlinks = no_symlinks};
	int fd = -1;

	if (!cv_have_openat2())
		return walk(root_fd, path, &w, err);
	if (no_symlinks)
		how.resolve |= RESOLVE_NO_SYMLINKS;
	/* EAGAIN: a rename raced with the lookup; the kernel asks us to retry */
	for (int tries = 0; tries < 16; tries++)
		if ((fd = sys_openat2(root_fd, path, &how, sizeof(how))) >= 0 || errno != EAGAIN)
			break;
	if (fd < 0)
		return cv_err_sys(err, "openat2(`%s`, RESOLVE_IN_ROOT%s)", path,
				  no_symlinks ? "|RESOLVE_NO_SYMLINKS" : "");
	return fd;
}

int cv_resolve_in_root(int root_fd, const char *path, struct cv_err *err)
{
	return resolve(root_fd, path, false, err);
}

int cv_open_no_symlinks(int root_fd, const char *path, struct cv_err *err)
{
	return resolve(root_fd, path, true, err);
}

int cv_mkpath_in_root(int root_fd, const char *path, enum cv_leaf leaf, mode_t mode,
		      struct cv_err *err)
{
	struct walk w = {.create = true, .leaf = leaf, .mode = mode};
	int fd = cv_resolve_in_root(root_fd, path, err);

	if (fd >= 0 || err->code != ENOENT)
		return fd;
	/*
	 * The walk makes each missing component as it comes to it - through
	 * symlinks too, so a dangling `etc -> /host-dir` gets a host-dir made
	 * inside the root, never outside.
	 */
	return walk(root_fd, path, &w, err);
}
