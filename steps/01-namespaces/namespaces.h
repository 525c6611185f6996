/*
 * namespaces.h - the eight Linux namespace types: naming them, telling
 * them apart, entering them.
 *
 * A namespace wraps one kind of global resource so that the processes
 * inside see their own copy: their own hostname (uts), process ids (pid),
 * mount table (mnt), network stack (net), System V IPC and POSIX message
 * queues (ipc), user and group ids (user), cgroup root (cgroup), and
 * CLOCK_MONOTONIC / CLOCK_BOOTTIME offsets (time).  A process belongs to
 * exactly one namespace of each type; /proc/PID/ns/TYPE names it, and two
 * processes share a namespace when those files have the same inode.
 *
 * A process gets new namespaces when it is created (clone3/clone with
 * CLONE_NEW* flags: spawn.h), or by leaving its current ones (unshare(2)),
 * or joins existing ones (setns(2)).  See namespaces(7).
 */
#ifndef CV_NAMESPACES_H
#define CV_NAMESPACES_H

#include <sched.h>
#include <stdbool.h>
#include <sys/types.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080 /* Linux 5.6; glibc before 2.36 lacks the name */
#endif

#include "common/err.h"

struct cv_ns_type {
	int flag;              /* CLONE_NEWUTS */
	const char *flag_name; /* "CLONE_NEWUTS" */
	const char *name;      /* "uts", the file in /proc/PID/ns/ */
	const char *oci;       /* "uts", its type in an OCI config.json */
	const char *option;    /* "uts", its command-line option */
	const char *isolates;  /* what the processes inside get a copy of */
};

/* Every type Linux has as of 5.6, which added the last, time. */
#define CV_NS_COUNT 8

/*
 * cv_ns_types - every namespace type, user first: creating or joining a
 * user namespace first gives the capabilities the others then need.
 */
extern const struct cv_ns_type cv_ns_types[CV_NS_COUNT];

/* All CLONE_NEW* flags of cv_ns_types. */
int cv_ns_all_flags(void);

/*
 * cv_ns_by_name - look a type up by any of its names ("mnt", "mount",
 * "net", "network", ...).  Returns NULL when there is none.
 */
const struct cv_ns_type *cv_ns_by_name(const char *name);

/* cv_ns_by_flag - look a type up by its CLONE_NEW* flag, or NULL. */
const struct cv_ns_type *cv_ns_by_flag(int flag);

/*
 * cv_ns_flags_str - write flags as "CLONE_NEWUTS|CLONE_NEWPID" ("0" when
 * empty) into buf.  Returns buf.
 */
const char *cv_ns_flags_str(int flags, char *buf, size_t size);

/*
 * cv_ns_parse_list - turn "uts,pid,net" into CLONE_NEW* flags.  An unknown
 * name is an error listing the valid ones.
 */
int cv_ns_parse_list(const char *list, int *flags, struct cv_err *err);

/* A namespace's identity: the device and inode of its /proc/PID/ns file. */
struct cv_ns_id {
	dev_t dev;
	ino_t ino;
};

/*
 * cv_ns_id - the identity of process pid's namespace of type t (pid 0:
 * the caller).  Returns 0, or -ESRCH / -ENOENT with a message.
 */
int cv_ns_id(pid_t pid, const struct cv_ns_type *t, struct cv_ns_id *id, struct cv_err *err);

/*
 * cv_ns_shared - which of `flags` name namespaces that process pid shares
 * with the caller.  Returns those flags, or -errno.
 */
int cv_ns_shared(pid_t pid, int flags, struct cv_err *err);

/*
 * cv_ns_unshare - move the caller into new namespaces (unshare(2)).
 * A new pid or time namespace is entered only by the caller's next child.
 * Returns 0 or -errno with a hint (EPERM: needs CAP_SYS_ADMIN or --user).
 */
int cv_ns_unshare(int flags, struct cv_err *err);

/*
 * cv_ns_join_path - setns(2) into the namespace file at path (OCI
 * linux.namespaces[].path), checking that it is of type `flag`.  Returns
 * 0, or -errno with a hint (EINVAL: not a namespace file of that type).
 */
int cv_ns_join_path(const char *path, int flag, struct cv_err *err);

/*
 * cv_ns_join - move the caller into process pid's namespaces of the types
 * in `flags`, skipping those it already shares.  With a pidfd (5.8+) all
 * are joined in one atomic setns(2); otherwise one /proc/PID/ns file at a
 * time.  by_path forces the second way.  As with unshare, a pid namespace
 * applies to the caller's next child.  Returns the flags actually joined,
 * or -errno.
 */
int cv_ns_join(pid_t pid, int flags, bool by_path, struct cv_err *err);

#endif
