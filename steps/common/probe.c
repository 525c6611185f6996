/*
 * probe.c - cached feature probes (see probe.h).
 *
 * Each probe is a call that cannot change anything: clone3 with a size too
 * small to be valid, setns into a namespace the caller is already in, and
 * so on.  The answer is cached in a tri-state int: -1 not asked yet.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/probe.h"
#include "common/syscalls.h"
#include "common/trace.h"

static int have_clone3 = -1, have_pidfd = -1, have_setns_pidfd = -1, have_newidmap = -1,
	   have_into_cgroup = -1, have_openat2 = -1, have_mount_setattr = -1, have_fchmodat2 = -1;

/* Read every time, never cached: tests change CV_DISABLE between probes. */
bool cv_probe_disabled(const char *name)
{
	const char *list = getenv("CV_DISABLE");
	size_t len = strlen(name);

	while (list && *list) {
		const char *end = strchrnul(list, ',');
		if ((size_t)(end - list) == len && strncmp(list, name, len) == 0)
			return true;
		list = *end ? end + 1 : end;
	}
	return false;
}

void cv_probe_reset(void)
{
	have_clone3 = have_pidfd = have_setns_pidfd = have_newidmap = have_into_cgroup = -1;
	have_openat2 = have_mount_setattr = have_fchmodat2 = -1;
}

/* Remember and narrate a probe's answer. */
static bool answer(int *cache, const char *name, bool yes)
{
	*cache = yes;
	cv_trace("probe %s: %s", name, yes ? "yes" : "no");
	return yes;
}

bool cv_have_clone3(void)
{
	if (have_clone3 < 0) {
		/* A size below CLONE_ARGS_SIZE_VER0 is EINVAL where clone3 exists. */
		bool yes =
		    !cv_probe_disabled("clone3") && sys_clone3(NULL, 0) < 0 && errno == EINVAL;
		answer(&have_clone3, "clone3", yes);
	}
	return have_clone3;
}

bool cv_have_clone_into_cgroup(void)
{
	if (have_into_cgroup < 0) {
		/*
		 * A kernel that knows the flag looks the cgroup fd up, and fd
		 * INT_MAX is never open: EBADF, and no child.  One that does
		 * not rejects the unknown flag with EINVAL first.
		 */
		struct clone_args args = {
		    .flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD, .cgroup = 0x7fffffff};
		bool yes = !cv_probe_disabled("clone_into_cgroup") && cv_have_clone3() &&
			   sys_clone3(&args, sizeof(args)) < 0 && errno == EBADF;
		answer(&have_into_cgroup, "clone_into_cgroup", yes);
	}
	return have_into_cgroup;
}

bool cv_have_openat2(void)
{
	if (have_openat2 < 0) {
		/* an O_PATH of "/": opens nothing that can be read or written */
		struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT};
		_cleanup_close_ int fd = -1;

		if (!cv_probe_disabled("openat2"))
			fd = sys_openat2(AT_FDCWD, "/", &how, sizeof(how));
		answer(&have_openat2, "openat2", fd >= 0);
	}
	return have_openat2;
}

bool cv_have_mount_setattr(void)
{
	if (have_mount_setattr < 0) {
		/* An invalid flag is EINVAL where the syscall exists, ENOSYS where not. */
		struct mount_attr attr = {0};
		bool yes = !cv_probe_disabled("mount_setattr") &&
			   sys_mount_setattr(-1, "", 0xffffffffu, &attr, sizeof(attr)) < 0 &&
			   errno == EINVAL;
		answer(&have_mount_setattr, "mount_setattr", yes);
	}
	return have_mount_setattr;
}

bool cv_have_fchmodat2(void)
{
	if (have_fchmodat2 < 0) {
		/* Unknown flags: EINVAL before any lookup where it exists, ENOSYS where not. */
		bool yes = !cv_probe_disabled("fchmodat2") &&
			   sys_fchmodat2(-1, "", 0, 0xffffffffu) < 0 && errno == EINVAL;
		answer(&have_fchmodat2, "fchmodat2", yes);
	}
	return have_fchmodat2;
}

bool cv_have_pidfd(void)
{
	if (have_pidfd < 0) {
		_cleanup_close_ int fd = -1;
		/* our own pid: a process that surely exists */
		if (!cv_probe_disabled("pidfd"))
			fd = sys_pidfd_open(getpid(), 0);
		answer(&have_pidfd, "pidfd", fd >= 0);
	}
	return have_pidfd;
}

bool cv_have_setns_pidfd(void)
{
	if (have_setns_pidfd < 0) {
		_cleanup_close_ int fd = -1;
		bool yes = false;

		if (!cv_probe_disabled("setns_pidfd") && cv_have_pidfd())
			fd = sys_pidfd_open(getpid(), 0);
		/*
		 * Re-joining our own UTS namespace changes nothing.  Kernels
		 * that accept pidfds succeed (or say EPERM without
		 * CAP_SYS_ADMIN); older ones say EINVAL: "not a namespace".
		 */
		if (fd >= 0)
			yes = sys_setns(fd, CLONE_NEWUTS) == 0 || errno == EPERM;
		answer(&have_setns_pidfd, "setns_pidfd", yes);
	}
	return have_setns_pidfd;
}

/*
 * Not a clone: a type compiled out has no /proc/self/ns file
 * (namespaces(7)), and looking costs no process.
 */
bool cv_have_ns(const char *name)
{
	char path[64];

	if (cv_probe_disabled(name))
		return false;
	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	return access(path, F_OK) == 0;
}

bool cv_have_newidmap(void)
{
	if (have_newidmap < 0) {
		/* both: a uid map goes through one, a gid map through the other */
		bool yes = !cv_probe_disabled("newidmap") &&
			   access("/usr/bin/newuidmap", X_OK) == 0 &&
			   access("/usr/bin/newgidmap", X_OK) == 0;
		answer(&have_newidmap, "newidmap", yes);
	}
	return have_newidmap;
}

const struct cv_feature cv_features[] = {
    {"clone3", "clone3(2): namespaces chosen at creation", cv_have_clone3},
    {"clone_into_cgroup", "clone3(2) CLONE_INTO_CGROUP: born in a cgroup",
     cv_have_clone_into_cgroup},
    {"pidfd", "pidfd_open(2): race-free process handles", cv_have_pidfd},
    {"openat2", "openat2(2) RESOLVE_IN_ROOT: paths that stay inside a root", cv_have_openat2},
    {"mount_setattr", "mount_setattr(2): recursive read-only mounts", cv_have_mount_setattr},
    {"fchmodat2", "fchmodat2(2): chmod that never follows a symlink", cv_have_fchmodat2},
    {"setns_pidfd", "setns(2) on a pidfd: join many namespaces at once", cv_have_setns_pidfd},
    {"newidmap", "newuidmap/newgidmap: id ranges for unprivileged users", cv_have_newidmap},
    {NULL, NULL, NULL},
};
