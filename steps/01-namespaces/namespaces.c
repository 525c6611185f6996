/*
 * namespaces.c - naming, comparing and joining namespaces.
 *
 * Joining is setns(2).  Its argument is a file descriptor: either a
 * /proc/PID/ns/TYPE file (one namespace per call), or, since Linux 5.8, a
 * pidfd with the CLONE_NEW* flags of several of that process's namespaces,
 * which the kernel joins all at once or not at all.  The one-at-a-time
 * way has an ordering problem that the atomic way solves in the kernel:
 * an unprivileged caller needs the target's user namespace first, to gain
 * the capabilities the other joins require, while a privileged caller
 * must join the other namespaces first, because once inside a user
 * namespace it has no capabilities left in the namespaces above.
 * join_by_path() does what nsenter(1) does: one pass without the user
 * namespace skipping failures, then the user namespace and a second pass.
 *
 * Naming is the other half.  A namespace has no name, only its nsfs
 * inode: /proc/PID/ns/TYPE is a handle on it, and an open descriptor of
 * that file keeps the namespace alive after its last process is gone
 * (namespaces(7)).  So "are we in the same one?" is a stat() of two such
 * files, and the table below gives each type its flag and its names, for
 * the command line, /proc and an OCI config alike.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "01-namespaces/namespaces.h"
#include "common/cleanup.h"
#include "common/probe.h"
#include "common/syscalls.h"
#include "common/trace.h"

/*
 * Three interfaces spell the types three ways: /proc/PID/ns ("mnt",
 * "net"), an OCI config ("mount", "network"), our options ("mount", "net").
 */
#define FLAG(f) f, #f /* the flag and its name */
const struct cv_ns_type cv_ns_types[CV_NS_COUNT] = {
    {FLAG(CLONE_NEWUSER), "user", "user", "user", "user and group ids, capabilities"},
    {FLAG(CLONE_NEWNS), "mnt", "mount", "mount", "the mount table"},
    {FLAG(CLONE_NEWUTS), "uts", "uts", "uts", "hostname and NIS domain name"},
    {FLAG(CLONE_NEWIPC), "ipc", "ipc", "ipc", "System V IPC, POSIX message queues"},
    {FLAG(CLONE_NEWPID), "pid", "pid", "pid", "process ids"},
    {FLAG(CLONE_NEWNET), "net", "network", "net", "network devices, addresses, routes, ports"},
    {FLAG(CLONE_NEWCGROUP), "cgroup", "cgroup", "cgroup", "the cgroup root directory"},
    {FLAG(CLONE_NEWTIME), "time", "time", "time", "CLOCK_MONOTONIC and CLOCK_BOOTTIME"},
};

int cv_ns_all_flags(void)
{
	int flags = 0;

	for (int i = 0; i < CV_NS_COUNT; i++)
		flags |= cv_ns_types[i].flag;
	return flags;
}

const struct cv_ns_type *cv_ns_by_name(const char *name)
{
	for (int i = 0; i < CV_NS_COUNT; i++) {
		const struct cv_ns_type *t = &cv_ns_types[i];
		if (!strcmp(name, t->name) || !strcmp(name, t->oci) || !strcmp(name, t->option))
			return t;
	}
	return NULL;
}

const struct cv_ns_type *cv_ns_by_flag(int flag)
{
	for (int i = 0; i < CV_NS_COUNT; i++)
		if (cv_ns_types[i].flag == flag)
			return &cv_ns_types[i];
	return NULL;
}

/* The kernel's names, for the trace and errors: those clone(2) and setns(2) document. */
const char *cv_ns_flags_str(int flags, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	/* snprintf returns what it would have written: past size, the loop stops */
	for (int i = 0; i < CV_NS_COUNT && len < size; i++) {
		if (flags & cv_ns_types[i].flag) {
			int r = snprintf(buf + len, size - len, "%s%s", len ? "|" : "",
					 cv_ns_types[i].flag_name);
			len += r > 0 ? (size_t)r : 0;
		}
	}
	/* "0", not "": the trace and errors then read clone3(flags=0), not clone3(flags=) */
	if (!buf[0])
		snprintf(buf, size, "0");
	return buf;
}

int cv_ns_parse_list(const char *list, int *flags, struct cv_err *err)
{
	char word[32];

	*flags = 0;
	while (*list) {
		size_t len = strcspn(list, ",");
		const struct cv_ns_type *t;

		/* a word longer than any name is cut short, and then names nothing */
		snprintf(word, sizeof(word), "%.*s", (int)len, list);
		t = cv_ns_by_name(word);
		if (!t) {
			cv_err_set(err, EINVAL, "unknown namespace type `%s`", word);
			return cv_err_hint(err, "the types are: user, mnt, uts, ipc, pid, net, "
						"cgroup, time");
		}
		*flags |= t->flag;
		list += len + (list[len] == ',');
	}
	return 0;
}

/*
 * /proc/self rather than /proc/<getpid()> for the caller: getpid() is our
 * pid in our own pid namespace, which need not be the one this /proc was
 * mounted for (a child born in a new one is 1 to itself, not to the host's).
 */
static void ns_path(pid_t pid, const struct cv_ns_type *t, char *buf, size_t size)
{
	if (pid)
		snprintf(buf, size, "/proc/%d/ns/%s", (int)pid, t->name);
	else
		snprintf(buf, size, "/proc/self/ns/%s", t->name);
}

/* The error for a missing /proc/PID/ns file: no process, or no such type. */
static int missing_ns(pid_t pid, const char *path, struct cv_err *err)
{
	char dir[32];

	/* pid 0 is the caller, which exists: then only the type can be missing */
	snprintf(dir, sizeof(dir), "/proc/%d", (int)pid);
	if (pid && access(dir, F_OK) != 0) {
		cv_err_set(err, ESRCH, "no process with pid %d", (int)pid);
		return cv_err_hint(err, "is it still running? `ps -p %d` shows it", (int)pid);
	}
	cv_err_sys(err, "stat(`%s`)", path);
	return cv_err_hint(err, "this kernel was built without that namespace type");
}

int cv_ns_id(pid_t pid, const struct cv_ns_type *t, struct cv_ns_id *id, struct cv_err *err)
{
	char path[64];
	struct stat st;

	/* stat, not readlink: the link's text, "uts:[4026531838]", has the inode
	 * but not the device, and namespaces(7) compares both */
	ns_path(pid, t, path, sizeof(path));
	if (stat(path, &st) < 0)
		return errno == ENOENT ? missing_ns(pid, path, err)
				       : cv_err_sys(err, "stat(`%s`)", path);
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	return 0;
}

int cv_ns_shared(pid_t pid, int flags, struct cv_err *err)
{
	int shared = 0;

	for (int i = 0; i < CV_NS_COUNT; i++) {
		const struct cv_ns_type *t = &cv_ns_types[i];
		struct cv_ns_id mine, theirs;
		int r;

		if (!(flags & t->flag))
			continue;
		if ((r = cv_ns_id(pid, t, &theirs, err)) < 0)
			return r;
		if ((r = cv_ns_id(0, t, &mine, err)) < 0)
			return r;
		if (mine.dev == theirs.dev && mine.ino == theirs.ino)
			shared |= t->flag;
	}
	return shared;
}

int cv_ns_unshare(int flags, struct cv_err *err)
{
	char names[160];
	int r;

	/* the caller moves at once, but for pid and time: those are its children's */
	cv_ns_flags_str(flags, names, sizeof(names));
	r = unshare(flags);
	cv_trace_sys(r, "unshare(%s)", names);
	if (r < 0) {
		cv_err_sys(err, "unshare(%s)", names);
		if (errno == EPERM)
			cv_err_hint(err, "new namespaces need CAP_SYS_ADMIN: run as root, or "
					 "create a user namespace too (--user)");
		else if (errno == EINVAL)
			cv_err_hint(err, "a multithreaded process cannot unshare a user or mount "
					 "namespace, and this kernel may lack one of these types");
		return -err->code;
	}
	return 0;
}

static int setns_hint(struct cv_err *err)
{
	if (err->code == EPERM)
		return cv_err_hint(err, "joining needs CAP_SYS_ADMIN over the target's "
					"namespaces: run as root, or join its user namespace too");
	if (err->code == EINVAL)
		return cv_err_hint(err,
				   "a multithreaded process cannot join a user or mount "
				   "namespace, and nobody can re-enter their own user namespace");
	return -err->code;
}

int cv_ns_join_path(const char *path, int flag, struct cv_err *err)
{
	/* read-only is all setns(2) needs: the file is a handle, never read */
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	const struct cv_ns_type *t = cv_ns_by_flag(flag);
	int r;

	if (fd < 0)
		return cv_err_sys(err, "open(`%s`)", path);
	/* nstype = flag, not 0: the kernel checks the file is of that type
	 * (EINVAL if not), so a config naming the wrong file fails here */
	r = sys_setns(fd, flag);
	cv_trace_sys(r, "setns(`%s`, %s)", path, t ? t->flag_name : "?");
	if (r < 0) {
		cv_err_sys(err, "setns(`%s`, %s)", path, t ? t->name : "?");
		if (errno == EINVAL)
			return cv_err_hint(err, "is `%s` a %s namespace file (/proc/PID/ns/%s)?",
					   path, t ? t->name : "?", t ? t->name : "?");
		return setns_hint(err);
	}
	return 0;
}

/*
 * A pidfd names the process itself, not a number: if it exits and its pid
 * is reused before the setns, the call fails (ESRCH) instead of joining a
 * stranger's namespaces.  All of flags are joined, or none (setns(2)).
 */
static int join_by_pidfd(pid_t pid, int flags, struct cv_err *err)
{
	_cleanup_close_ int pidfd = sys_pidfd_open(pid, 0);
	char names[160];
	int r;

	if (pidfd < 0) {
		/* ESRCH: no such process, said as for a missing /proc/PID */
		if (errno == ESRCH)
			return missing_ns(pid, "", err);
		return cv_err_sys(err, "pidfd_open(%d)", (int)pid);
	}
	cv_ns_flags_str(flags, names, sizeof(names));
	r = sys_setns(pidfd, flags);
	cv_trace_sys(r, "setns(pidfd of %d, %s)", (int)pid, names);
	if (r < 0) {
		cv_err_sys(err, "setns(pidfd of %d, %s)", (int)pid, names);
		return setns_hint(err);
	}
	return flags;
}

static int join_by_path(pid_t pid, int flags, struct cv_err *err)
{
	int fds[CV_NS_COUNT], r = 0;

	/* Open every file first: joining the mount namespace changes /proc. */
	for (int i = 0; i < CV_NS_COUNT; i++) {
		char path[64];

		fds[i] = -1;
		if (!(flags & cv_ns_types[i].flag))
			continue;
		ns_path(pid, &cv_ns_types[i], path, sizeof(path));
		fds[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0) {
			r = errno == ENOENT ? missing_ns(pid, path, err)
					    : cv_err_sys(err, "open(`%s`)", path);
			goto close_fds;
		}
	}
	/*
	 * Pass 0 skips the user namespace (index 0) and failures; pass 1 retries.
	 * Not atomic: a failure in pass 1 leaves the caller in some of the
	 * namespaces and not others, which is why the pidfd way comes first.
	 */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 1 - pass; i < CV_NS_COUNT; i++) {
			if (fds[i] < 0)
				continue;
			r = sys_setns(fds[i], cv_ns_types[i].flag);
			cv_trace_sys(r, "setns(/proc/%d/ns/%s)", (int)pid, cv_ns_types[i].name);
			if (r < 0 && pass == 0)
				continue;
			if (r < 0) {
				cv_err_sys(err, "setns(`/proc/%d/ns/%s`)", (int)pid,
					   cv_ns_types[i].name);
				r = setns_hint(err);
				goto close_fds;
			}
			/* joined: no need to pin that namespace open any longer */
			close(fds[i]);
			fds[i] = -1;
		}
	}
	r = flags;
close_fds:
	for (int i = 0; i < CV_NS_COUNT; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return r;
}

int cv_ns_join(pid_t pid, int flags, bool by_path, struct cv_err *err)
{
	int shared = cv_ns_shared(pid, flags, err);

	if (shared < 0)
		return shared;
	if (shared) {
		char names[160];
		cv_trace("already in %d's %s: skipped", (int)pid,
			 cv_ns_flags_str(shared, names, sizeof(names)));
	}
	/*
	 * Not only thrift: setns(2) refuses to re-enter the caller's own user
	 * namespace (EINVAL: capabilities are not regained that way), and an
	 * atomic join with it in would then join none.
	 */
	flags &= ~shared;
	if (!flags)
		return 0;
	/* before 5.8 setns(2) takes only namespace files: a pidfd is EINVAL there */
	if (!by_path && cv_have_setns_pidfd())
		return join_by_pidfd(pid, flags, err);
	return join_by_path(pid, flags, err);
}
