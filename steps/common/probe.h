/*
 * probe.h - what does this kernel have?  Ask it, never its version.
 *
 * A kernel's version number says little: distributions backport features,
 * and seccomp profiles or LSMs can hide a syscall the kernel has.  So each
 * cv_have_*() tries the feature once, harmlessly, and caches the answer.
 *
 * CV_DISABLE=clone3,pidfd (comma-separated feature names) makes a probe
 * answer "no", so the fallback path can be watched or tested on a kernel
 * that has the feature.
 */
#ifndef CV_COMMON_PROBE_H
#define CV_COMMON_PROBE_H

#include <stdbool.h>

/* clone3(2) (5.3+): namespaces, pidfd and cgroup chosen at creation. */
bool cv_have_clone3(void);

/* pidfd_open(2) (5.3+): race-free handles on processes. */
bool cv_have_pidfd(void);

/* setns(2) with a pidfd (5.8+): join several namespaces at once. */
bool cv_have_setns_pidfd(void);

/* clone3(2) with CLONE_INTO_CGROUP (5.7+): born inside a cgroup v2 directory. */
bool cv_have_clone_into_cgroup(void);

/* openat2(2) with RESOLVE_IN_ROOT (5.6+): paths that cannot leave a directory. */
bool cv_have_openat2(void);

/* mount_setattr(2) (5.12+): recursive read-only mounts. */
bool cv_have_mount_setattr(void);

/* fchmodat2(2) (6.6+): chmod with AT_SYMLINK_NOFOLLOW and AT_EMPTY_PATH. */
bool cv_have_fchmodat2(void);

/* /proc/self/ns/NAME exists: this namespace type is compiled in. */
bool cv_have_ns(const char *name);

/* newuidmap(1) and newgidmap(1) (package uidmap) are installed. */
bool cv_have_newidmap(void);

/* A probe's name, what it tells, and its answer, for `features` commands. */
struct cv_feature {
	const char *name;
	const char *what;
	bool (*have)(void);
};
extern const struct cv_feature cv_features[];

/* cv_probe_disabled - true when CV_DISABLE names `name`. */
bool cv_probe_disabled(const char *name);

/* cv_probe_reset - forget every cached answer (tests change CV_DISABLE). */
void cv_probe_reset(void);

#endif
