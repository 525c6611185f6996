/*
 * file.c - small kernel-interface files (see file.h).
 *
 * The kernel's files under /proc and /sys/fs/cgroup are calls in the
 * guise of files: each write(2) is parsed whole, and some (uid_map,
 * setgroups, timens_offsets) take one write only.  So a write here is one
 * write(2) of the whole text, and a short write is an error, never a
 * reason to write the rest.  Reads loop to EOF instead: a /proc file
 * made by seq_file comes one page per read(2).  Every descriptor is
 * O_CLOEXEC, so none reaches a program the caller goes on to exec.
 */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/file.h"
#include "common/syscalls.h"
#include "common/trace.h"

/* For the trace: the data as one short line, newlines shown as "\n". */
static void shorten(const char *data, size_t len, char *out, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 4 < size; i++) {
		if (data[i] == '\n') {
			if (i + 1 == len)
				break;
			out[o++] = '\\';
			out[o++] = 'n';
		} else {
			out[o++] = data[i];
		}
	}
	out[o] = '\0';
}

static int write_once(const char *path, int flags, mode_t mode, const char *data, size_t len,
		      struct cv_err *err)
{
	/* O_NOCTTY: a path that is a terminal never becomes our controlling one */
	_cleanup_close_ int fd = open(path, flags | O_WRONLY | O_CLOEXEC | O_NOCTTY, mode);
	char shown[128];
	ssize_t n;

	if (fd < 0)
		return cv_err_sys(err, "open(`%s`, O_WRONLY%s)", path,
				  flags & O_CREAT ? "|O_CREAT" : "");
	n = write(fd, data, len);
	shorten(data, len, shown, sizeof(shown));
	cv_trace_sys(n, "write(%s, \"%s\")", path, shown);
	if (n < 0)
		return cv_err_sys(err, "write(`%s`, \"%s\")", path, shown);
	if ((size_t)n != len) {
		errno = EIO;
		return cv_err_sys(err, "write(`%s`): short write, %zd of %zu bytes", path, n, len);
	}
	return 0;
}

int cv_write_file(const char *path, const char *data, size_t len, struct cv_err *err)
{
	return write_once(path, 0, 0, data, len, err);
}

int cv_write_file_new(const char *path, const char *data, size_t len, mode_t mode,
		      struct cv_err *err)
{
	return write_once(path, O_CREAT | O_TRUNC, mode, data, len, err);
}

ssize_t cv_read_file(const char *path, char *buf, size_t size, struct cv_err *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	size_t off = 0;

	if (fd < 0)
		return cv_err_sys(err, "open(`%s`, O_RDONLY)", path);
	/* one byte is kept for the NUL; a longer file is cut there, not refused */
	while (off + 1 < size) {
		ssize_t n = read(fd, buf + off, size - 1 - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cv_err_sys(err, "read(`%s`)", path);
		if (n == 0)
			break;
		off += (size_t)n;
	}
	buf[off] = '\0';
	return (ssize_t)off;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	/* ENOENT: gone already, which is what was wanted */
	return (type == FTW_DP ? rmdir(path) : unlink(path)) < 0 && errno != ENOENT ? -1 : 0;
}

int cv_remove_tree(const char *path, struct cv_err *err)
{
	/* children first (FTW_DEPTH), links as links (FTW_PHYS), one filesystem (FTW_MOUNT);
	 * 16: at most that many directories held open on the way down */
	int r = nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);

	cv_trace_sys(r, "rm -r `%s`", path);
	if (r < 0 && errno != ENOENT)
		return cv_err_sys(err, "removing `%s`", path);
	return 0;
}

int cv_mkdir_p(const char *path, mode_t mode, struct cv_err *err)
{
	char part[4096];
	size_t len = strlen(path);

	if (len >= sizeof(part))
		return cv_err_set(err, ENAMETOOLONG, "mkdir -p `%.64s...`: too long", path);
	/* from 1: a leading "/" is the root, which exists */
	for (size_t i = 1; i <= len; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		memcpy(part, path, i);
		part[i] = '\0';
		if (mkdir(part, mode) < 0 && errno != EEXIST)
			return cv_err_sys(err, "mkdir(`%s`)", part);
	}
	return 0;
}

int cv_write_own_proc(const char *name, const char *data, size_t len, struct cv_err *err)
{
	int was = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), r;
	char path[64];

	/* 0, or 2 (fs.suid_dumpable after a change of credentials): root's files either way */
	snprintf(path, sizeof(path), "/proc/self/%s", name);
	if (was != 1)
		prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	r = cv_write_file(path, data, len, err);
	if (was != 1) /* 2 cannot be set again: 0 is as strict */
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	return r;
}

/* [lo, hi] closed: close_range(2), or one close(2) at a time before 5.9. */
static int close_between(unsigned lo, unsigned hi)
{
	if (lo > hi)
		return 0;
	if (sys_close_range(lo, hi, 0) == 0)
		return 0;
	if (errno != ENOSYS)
		return -1;
	/* a close(2) per number up to ~0 would take minutes: 65536 is the bound,
	 * and a descriptor above it stays open on such a kernel */
	for (unsigned fd = lo; fd <= hi && fd < 65536; fd++)
		close((int)fd);
	return 0;
}

int cv_close_fds_except(unsigned first, const int *keep, int n, struct cv_err *err)
{
	int sorted[16], k = 0;
	unsigned lo = first;

	/* the kept ones in order, then each gap below, between and above them closed */
	for (int i = 0; i < n && k < 16; i++) {
		int j = k++;
		for (; j > 0 && sorted[j - 1] > keep[i]; j--)
			sorted[j] = sorted[j - 1];
		sorted[j] = keep[i];
	}
	for (int i = 0; i < k; i++) {
		if (sorted[i] < (int)lo)
			continue;
		/* kept for this process's own use, not for the program it execs */
		fcntl(sorted[i], F_SETFD, FD_CLOEXEC);
		if (close_between(lo, (unsigned)sorted[i] - 1) < 0)
			return cv_err_sys(err, "close_range(%u, %d)", lo, sorted[i] - 1);
		lo = (unsigned)sorted[i] + 1;
	}
	if (close_between(lo, ~0U) < 0)
		return cv_err_sys(err, "close_range(%u, ~0)", lo);
	return 0;
}

int cv_stdio_open(struct cv_err *err)
{
	for (int fd = 0; fd < 3; fd++) {
		int null;
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* the lowest free number: fd itself */
		if ((null = open("/dev/null", O_RDWR)) < 0)
			return cv_err_sys(err, "open(`/dev/null`) for fd %d", fd);
		if (null != fd) {
			close(null);
			return cv_err_set(err, EBADF, "fd %d is closed and could not be reopened",
					  fd);
		}
	}
	return 0;
}

/*
 * The start time is what makes a pid an identity: the kernel reuses pids,
 * never a (pid, start time) pair while the machine runs.  Field 22 of
 * /proc/PID/stat, in clock ticks since boot (proc(5)); 0 for a pid that
 * is gone or a zombie, which no (pid, start) pair stored here matches.
 */
unsigned long long cv_proc_start(pid_t pid)
{
	char path[64], text[1024], *p;
	struct cv_err ignored;
	unsigned long long start = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (pid <= 0 || cv_read_file(path, text, sizeof(text), &ignored) <= 0)
		return 0;
	/* after "(comm)", which may hold spaces and parentheses: the last ')' */
	if (!(p = strrchr(text, ')')))
		return 0;
	/* field 3 is the state; a zombie has finished */
	if (p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'))
		return 0;
	sscanf(p + 2,
	       "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d "
	       "%*d %llu",
	       &start);
	return start;
}

int cv_sysctl_write(const char *path, const char *value, struct cv_err *err)
{
	char full[PATH_MAX];
	int n = snprintf(full, sizeof(full), "/proc/sys/%s", path);

	if (n < 0 || (size_t)n >= sizeof(full))
		return cv_err_set(err, ENAMETOOLONG, "sysctl %s: name too long", path);
	/* net.ipv4.ip_forward: dots for slashes, unless it has a slash already
	 * (then a dot may be part of a link's name: conf/eth0.100/...) */
	if (!strchr(path, '/'))
		for (char *p = full + strlen("/proc/sys/"); *p; p++)
			*p = *p == '.' ? '/' : *p;
	return cv_write_file(full, value, strlen(value), err);
}
