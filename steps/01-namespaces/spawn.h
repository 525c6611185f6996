/*
 * spawn.h - start a process in new namespaces, set up before it runs.
 *
 * cv_ns_spawn() is the namespace half of starting a container:
 *
 *   parent                                child (new namespaces)
 *   ------                                -----
 *   clone3(CLONE_NEWUSER|CLONE_NEWPID..) ->  born as pid 1, uid 65534
 *                                          waits on the socket
 *   writes /proc/CHILD/uid_map, gid_map
 *   parent_hook(): cgroups, say
 *   "go" on the socket                ->   now root inside (if mapped)
 *                                          sethostname, setdomainname
 *                                          new time namespace + offsets
 *   reads the report                  <-   reports "ready" (or its error)
 *   returns the child's pid                calls fn(arg), exits with it
 *
 * The child must wait: until its maps are written it has no uid, and
 * files it touches would belong to the overflow id.  Only a process
 * outside the namespace may write the maps, so the parent does.
 */
#ifndef CV_SPAWN_H
#define CV_SPAWN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "01-namespaces/idmap.h"
#include "common/err.h"

/*
 * A clock offset for a new time namespace (OCI linux.timeOffsets).  secs
 * may be negative, but not so far that the clock inside would go below 0.
 */
struct cv_time_offset {
	int64_t secs;
	uint32_t nanosecs;
};

struct cv_ns_spec {
	int flags;               /* CLONE_NEW* to create, any of the eight */
	const char *hostname;    /* set inside; needs CLONE_NEWUTS (NULL: keep) */
	const char *domainname;  /* likewise */
	struct cv_idmap uid_map; /* need CLONE_NEWUSER; empty: leave unmapped */
	struct cv_idmap gid_map;
	bool deny_setgroups;             /* write "deny" to setgroups (forced when needed) */
	uid_t uid;                       /* switch to this uid inside, or (uid_t)-1 */
	gid_t gid;                       /* switch to this gid inside, or (gid_t)-1 */
	struct cv_time_offset monotonic; /* need CLONE_NEWTIME */
	struct cv_time_offset boottime;
	int cgroup_fd; /* a cgroup v2 directory to be born in (CLONE_INTO_CGROUP), or -1 */
	/*
	 * Run in the parent once the child exists and its maps are written,
	 * before the child goes on: the place to put it into cgroups, so that
	 * nothing it does escapes them.  Returns 0 or -errno (the child is
	 * then killed and reaped).
	 */
	int (*parent_hook)(pid_t child, void *arg, struct cv_err *err);
	void *parent_hook_arg;
	/*
	 * When close_from is above 0, the child's first act is to close every
	 * descriptor from close_from up, but the n_keep in keep (and its own
	 * line to the parent): a child born into a namespace others share - a
	 * pod's pid namespace - is seen from its first instruction, and none
	 * of the parent's files may be reachable in it (/proc/PID/fd).
	 */
	unsigned close_from;
	const int *keep;
	int n_keep;
	/*
	 * The child not dumpable from its first instruction: its /proc/PID
	 * files (exe, fd, mem) closed to processes without CAP_SYS_PTRACE.
	 * Only where the parent can still write its id maps: with no new user
	 * namespace, or a parent that is root (the maps are then root's files).
	 */
	bool not_dumpable;
};

/* cv_ns_spec_init - an empty spec: no namespaces, maps, switch or cgroup. */
void cv_ns_spec_init(struct cv_ns_spec *spec);

/*
 * cv_ns_spec_check - everything that can be checked before a process
 * exists: a hostname without a UTS namespace, maps without a user
 * namespace, maps the kernel or /etc/subuid would refuse, namespace types
 * this kernel lacks.  cv_ns_spawn() calls it first.
 */
int cv_ns_spec_check(const struct cv_ns_spec *spec, struct cv_err *err);

/*
 * cv_ns_child_setup - the child's part inside its new namespaces, before
 * the identity switch: spec->hostname and spec->domainname set in its UTS
 * namespace, then, with CLONE_NEWTIME in spec->flags, a new time
 * namespace made, spec's clock offsets written into it and the caller
 * moved in, so the caller and every child it forks see them.  Nothing
 * else of spec is used.  Each call is traced.  Preconditions: the caller
 * is already in the UTS namespace to change, holds CAP_SYS_ADMIN over the
 * user namespace that owns it (and over its own, for the time namespace),
 * and is single-threaded (setns(2) into a time namespace refuses
 * otherwise); spec passed cv_ns_spec_check().  cv_ns_spawn()'s child calls
 * it; so does a process that made its namespaces itself, inside a user
 * namespace it joined (the runtime's init).  0, or -errno with the failing
 * call named in err.
 */
int cv_ns_child_setup(const struct cv_ns_spec *spec, struct cv_err *err);

/*
 * cv_ns_spawn - create a child in the namespaces spec asks for, set it up
 * as drawn above, and return its pid once it is ready, with fn(arg)
 * running in it (fn's return value is its exit status; fn usually
 * execs).  The caller must reap the child.  On failure returns -errno,
 * with the error from whichever side it happened on; a child that was
 * created has then been killed and reaped, so nothing is left.  The child
 * is a copy of the caller as fork(2) makes one (no CLONE_VM): arg may point
 * into the caller's stack, and what fn writes there the caller never sees.
 */
pid_t cv_ns_spawn(const struct cv_ns_spec *spec, int (*fn)(void *arg), void *arg,
		  struct cv_err *err);

#endif
