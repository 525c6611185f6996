/*
 * spawn.c - a child in new namespaces, set up in the order the kernel
 * requires (see the picture in spawn.h).
 *
 * Why clone3/clone and not fork+unshare: a new pid namespace is entered
 * only by a *new* process (the first one becomes its pid 1), so a process
 * that unshares CLONE_NEWPID must fork again.  Creating the child with the
 * flags does both at once.  clone3(2) (5.3+) takes its arguments in a
 * struct that later features extend (CLONE_INTO_CGROUP); where it is
 * missing the raw clone(2) does the same job for namespaces.
 *
 * Why the time namespace is made by the child and not by clone: offsets
 * can be written only while a time namespace has no process in it yet,
 * and clone(CLONE_NEWTIME) would put the child straight in.  So the child
 * unshare()s one - that makes it the namespace for its future children -
 * writes the offsets, then setns()es itself into it through
 * /proc/self/ns/time_for_children.
 *
 * Why the identity switch comes last: a process that changes from uid 0
 * to another uid loses its capabilities, and setting the hostname or the
 * clock offsets needs them.
 *
 * Why so much is checked before clone: a refusal decided without a
 * process (cv_ns_spec_check) leaves nothing to kill.  What can only fail
 * in the child comes back whole, a struct cv_err on the socket (err.h).
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "01-namespaces/namespaces.h"
#include "01-namespaces/spawn.h"
#include "common/cleanup.h"
#include "common/file.h"
#include "common/probe.h"
#include "common/syscalls.h"
#include "common/trace.h"

void cv_ns_spec_init(struct cv_ns_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	/* -1: leave the id alone (as setresuid(2) reads it); no fd (0 is stdin) */
	spec->uid = (uid_t)-1;
	spec->gid = (gid_t)-1;
	spec->cgroup_fd = -1;
}

static bool has_offset(const struct cv_time_offset *o)
{
	return o->secs || o->nanosecs;
}

/* A spec field that needs a namespace the spec does not create. */
static int needs(struct cv_err *err, const char *what, const char *type)
{
	cv_err_set(err, EINVAL, "%s needs a new %s namespace", what, type);
	return cv_err_hint(err, "create a %s namespace too (cv-namespaces: --%s)", type, type);
}

/* A type the kernel was built without makes clone3() fail with a bare
 * EINVAL that names nothing; /proc/self/ns/TYPE exists exactly when the
 * type is compiled in (namespaces(7)), so ask that first and name it. */
static int check_kernel(int flags, struct cv_err *err)
{
	if (flags & ~cv_ns_all_flags())
		return cv_err_set(err, EINVAL, "namespace flags %#x: not CLONE_NEW* flags",
				  flags & ~cv_ns_all_flags());
	for (int i = 0; i < CV_NS_COUNT; i++) {
		const struct cv_ns_type *t = &cv_ns_types[i];
		if ((flags & t->flag) && !cv_have_ns(t->name)) {
			cv_err_set(err, ENOSYS,
				   "this kernel has no %s namespaces (no "
				   "/proc/self/ns/%s)",
				   t->name, t->name);
			return cv_err_hint(err, "leave out --%s", t->option);
		}
	}
	return 0;
}

static int check_offsets(const struct cv_ns_spec *spec, struct cv_err *err)
{
	if (!has_offset(&spec->monotonic) && !has_offset(&spec->boottime))
		return 0;
	if (!(spec->flags & CLONE_NEWTIME))
		return needs(err, "a clock offset", "time");
	/* the kernel says EINVAL too, but in the child: said here, no process is made */
	if (spec->monotonic.nanosecs >= 1000000000u || spec->boottime.nanosecs >= 1000000000u)
		return cv_err_set(err, EINVAL,
				  "clock offset: nanoseconds must be below 1000000000");
	return 0;
}

static int check_identity(const struct cv_ns_spec *spec, struct cv_err *err)
{
	bool user = spec->flags & CLONE_NEWUSER;

	if (!user && (spec->uid_map.n || spec->gid_map.n))
		return needs(err, "a uid or gid map", "user");
	/* Switching to an id the map does not have would fail in the child. */
	if (user && spec->uid != (uid_t)-1 && spec->uid_map.n &&
	    !cv_idmap_has_inside(&spec->uid_map, spec->uid))
		return cv_err_set(err, EINVAL, "uid %u is not in the uid map", (unsigned)spec->uid);
	if (user && spec->gid != (gid_t)-1 && spec->gid_map.n &&
	    !cv_idmap_has_inside(&spec->gid_map, spec->gid))
		return cv_err_set(err, EINVAL, "gid %u is not in the gid map", (unsigned)spec->gid);
	if (cv_idmap_check(&spec->uid_map, CV_UID_MAP, err) < 0)
		return -err->code;
	if (cv_idmap_check(&spec->gid_map, CV_GID_MAP, err) < 0)
		return -err->code;
	return 0;
}

int cv_ns_spec_check(const struct cv_ns_spec *spec, struct cv_err *err)
{
	int r;

	if ((r = check_kernel(spec->flags, err)) < 0)
		return r;
	/* Without a UTS namespace of its own, the name set would be the host's. */
	if ((spec->hostname || spec->domainname) && !(spec->flags & CLONE_NEWUTS))
		return needs(err, "a hostname or domain name", "uts");
	/* 64: the kernel's __NEW_UTS_LEN; sethostname(2) is EINVAL past it */
	if (spec->hostname && strlen(spec->hostname) > 64)
		return cv_err_set(err, EINVAL, "hostname `%s` is longer than 64 bytes",
				  spec->hostname);
	if (spec->domainname && strlen(spec->domainname) > 64)
		return cv_err_set(err, EINVAL, "domain name `%s` is longer than 64 bytes",
				  spec->domainname);
	if ((r = check_offsets(spec, err)) < 0)
		return r;
	return check_identity(spec, err);
}

/* --- the child's side ---------------------------------------------------- */

static int enter_time_ns(const struct cv_ns_spec *spec, struct cv_err *err)
{
	char text[128];
	int len, r;

	/* unshare makes the namespace for our children (time_for_children)
	 * and leaves us where we were: with no process in it, its offsets
	 * are still writable.  The kernel freezes them (EACCES) once a process
	 * enters, and wants CAP_SYS_TIME in the user namespace owning it. */
	if ((r = cv_ns_unshare(CLONE_NEWTIME, err)) < 0)
		return r;
	len = snprintf(text, sizeof(text), "monotonic %lld %u\nboottime %lld %u\n",
		       (long long)spec->monotonic.secs, spec->monotonic.nanosecs,
		       (long long)spec->boottime.secs, spec->boottime.nanosecs);
	/* our own /proc file: writable by us even when we are not dumpable (file.h) */
	if (cv_write_own_proc("timens_offsets", text, (size_t)len, err) < 0) {
		if (err->code == EINVAL || err->code == ERANGE)
			cv_err_hint(err, "an offset may not take a clock below zero: a negative "
					 "offset must be smaller than the time since boot");
		return -err->code;
	}
	/* setns(2), unlike unshare, moves us in at once: fn and what it execs see the clocks */
	return cv_ns_join_path("/proc/self/ns/time_for_children", CLONE_NEWTIME, err);
}

/*
 * All three ids (real, effective, saved), so there is no saved root to go
 * back to; the gid first, because once the uid is not 0 the capabilities
 * are gone (capabilities(7), "Effect of user ID changes") and setresgid
 * would fail with EPERM.
 */
static int switch_identity(const struct cv_ns_spec *spec, struct cv_err *err)
{
	int r;

	if (spec->gid != (gid_t)-1) {
		r = setresgid(spec->gid, spec->gid, spec->gid);
		cv_trace_sys(r, "setresgid(%u)", (unsigned)spec->gid);
		if (r < 0)
			return cv_err_sys(err, "setresgid(%u)", (unsigned)spec->gid);
	}
	if (spec->uid != (uid_t)-1) {
		r = setresuid(spec->uid, spec->uid, spec->uid);
		cv_trace_sys(r, "setresuid(%u)", (unsigned)spec->uid);
		if (r < 0)
			return cv_err_sys(err, "setresuid(%u)", (unsigned)spec->uid);
	}
	return 0;
}

int cv_ns_child_setup(const struct cv_ns_spec *spec, struct cv_err *err)
{
	int r;

	if (spec->hostname) {
		r = sethostname(spec->hostname, strlen(spec->hostname));
		cv_trace_sys(r, "sethostname(\"%s\")", spec->hostname);
		if (r < 0)
			return cv_err_sys(err, "sethostname(\"%s\")", spec->hostname);
	}
	if (spec->domainname) {
		r = setdomainname(spec->domainname, strlen(spec->domainname));
		cv_trace_sys(r, "setdomainname(\"%s\")", spec->domainname);
		if (r < 0)
			return cv_err_sys(err, "setdomainname(\"%s\")", spec->domainname);
	}
	if ((spec->flags & CLONE_NEWTIME) && (r = enter_time_ns(spec, err)) < 0)
		return r;
	return 0;
}

/*
 * The child's setup, in the kernel's order.  The wait comes first: until
 * the parent's "go" the child has no ids inside (it is 65534 to itself)
 * and is not yet where the parent's hook puts it (its cgroups), so nothing
 * it does before may count.  A read of 0 is EOF: the parent died.
 */
static int child_setup(const struct cv_ns_spec *spec, int sock, struct cv_err *err)
{
	ssize_t n;
	char go;
	int r;

	while ((n = recv(sock, &go, 1, 0)) < 0 && errno == EINTR)
		;
	if (n != 1)
		return cv_err_set(err, EPIPE, "the parent went away before the child was set up");
	cv_trace("child is pid %d inside; the parent is done with it (id maps, hook)",
		 (int)getpid());
	if ((r = cv_ns_child_setup(spec, err)) < 0)
		return r;
	return switch_identity(spec, err);
}

/* The parent's descriptors, closed but for those asked for and the line to the parent. */
static int close_inherited(const struct cv_ns_spec *spec, int sock, struct cv_err *err)
{
	int keep[16] = {sock}, n = 1; /* the line to the parent, then the caller's */

	for (int i = 0; i < spec->n_keep && n < 16; i++)
		keep[n++] = spec->keep[i];
	return cv_close_fds_except(spec->close_from, keep, n, err);
}

/* Runs in the child; never returns. */
static void __attribute__((noreturn))
child_main(const struct cv_ns_spec *spec, int sock, int (*fn)(void *), void *arg)
{
	struct cv_err report;

	cv_err_clear(&report);
	/* Before anything else: a child born into a pid namespace others
	 * share can be looked at from its first instruction.  Not dumpable,
	 * its /proc/PID/{exe,fd,mem} need CAP_SYS_PTRACE (ptrace(2), "Ptrace
	 * access mode checking"); and the parent's descriptors are closed
	 * before it waits, not after, so none is reachable while it sits there. */
	if (spec->not_dumpable)
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (spec->close_from && close_inherited(spec, sock, &report) < 0) {
		(void)!send(sock, &report, sizeof(report), MSG_NOSIGNAL);
		/* _exit, never exit: this is a copy of the parent, whose atexit
		 * handlers and buffered stdio must not run a second time */
		_exit(1);
	}
	if (child_setup(spec, sock, &report) < 0) {
		(void)!send(sock, &report, sizeof(report), MSG_NOSIGNAL);
		_exit(1);
	}
	(void)!send(sock, &report, sizeof(report), MSG_NOSIGNAL); /* code 0: ready */
	close(sock); /* here, not by CLOEXEC: fn need not exec */
	_exit(fn(arg));
}

/* --- the parent's side --------------------------------------------------- */

/* exit_signal SIGCHLD, as fork() has it: a child that signals its parent
 * otherwise is a "clone" child, which waitpid() finds only with __WCLONE. */
static pid_t clone_child(int flags, int cgroup_fd, struct cv_err *err)
{
	char names[160];
	pid_t pid;

	cv_ns_flags_str(flags, names, sizeof(names));
	fflush(NULL); /* or the child would print the parent's buffered output again */
	if (cv_have_clone3()) {
		struct clone_args args = {.flags = (uint64_t)flags, .exit_signal = SIGCHLD};
		/* Born in the cgroup: not one instruction runs outside it. */
		if (cgroup_fd >= 0 && cv_have_clone_into_cgroup()) {
			args.flags |= CLONE_INTO_CGROUP;
			args.cgroup = (uint64_t)cgroup_fd;
		}
		pid = sys_clone3(&args, sizeof(args));
		if (pid != 0 && (args.flags & CLONE_INTO_CGROUP))
			cv_trace_sys(pid, "clone3(flags=%s%sCLONE_INTO_CGROUP, cgroup=fd %d) = %d",
				     flags ? names : "", flags ? "|" : "", cgroup_fd, (int)pid);
		else if (pid != 0)
			cv_trace_sys(pid, "clone3(flags=%s) = %d", names, (int)pid);
	} else {
		pid = sys_clone((unsigned long)flags | SIGCHLD);
		if (pid != 0)
			cv_trace_sys(pid, "clone(%s|SIGCHLD) = %d", names, (int)pid);
	}
	if (pid < 0) {
		cv_err_sys(err, "%s(%s)", cv_have_clone3() ? "clone3" : "clone", names);
		if (errno == EPERM)
			cv_err_hint(err, "new namespaces need CAP_SYS_ADMIN: run as root, or "
					 "create a user namespace too (--user)");
		/* ENOSPC since Linux 4.9, EUSERS before (clone(2)) */
		else if (errno == ENOSPC || errno == EUSERS)
			cv_err_hint(err, "a namespace limit was reached: see "
					 "/proc/sys/user/max_*_namespaces");
		else if (errno == EBUSY || errno == EOPNOTSUPP)
			cv_err_hint(err, "a cgroup v2 directory with controllers enabled for its "
					 "children cannot hold processes itself");
	}
	return pid;
}

static int reap(pid_t pid)
{
	int status = 0;

	/* EINTR: a handler the caller installed (common/child.h) ran; wait on */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

/* For a child that will never get "go": it must not go on half set up. */
static void kill_and_reap(pid_t pid)
{
	kill(pid, SIGKILL);
	reap(pid);
}

pid_t cv_ns_spawn(const struct cv_ns_spec *spec, int (*fn)(void *arg), void *arg,
		  struct cv_err *err)
{
	_cleanup_close_ int parent_end = -1, child_end = -1;
	struct cv_err report;
	int sv[2], status;
	ssize_t n;
	pid_t pid;

	if (cv_ns_spec_check(spec, err) < 0)
		return -err->code;
	/* One channel both ways: "go" down, the report up.  A socket, not a
	 * pipe, so that MSG_NOSIGNAL spares us SIGPIPE if the other side died.
	 * CLOEXEC: no program either side execs may hold an end, because each
	 * side learns of the other's death by EOF, which a stray copy delays. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return cv_err_sys(err, "socketpair(AF_UNIX)");
	parent_end = sv[0], child_end = sv[1];

	/* time: made by the child after clone, for its offsets (see the top) */
	pid = clone_child(spec->flags & ~CLONE_NEWTIME, spec->cgroup_fd, err);
	if (pid < 0)
		return -err->code;
	/* Each side closes the other's end: a recv sees EOF only once every
	 * copy of the far end is closed, its own copy included. */
	if (pid == 0) {
		cv_closep(&parent_end);
		child_main(spec, child_end, fn, arg);
	}
	cv_closep(&child_end);

	/* Both before "go": nothing the child does runs unmapped, or before
	 * the hook has done its part (step 02: the child's cgroups). */
	if (((spec->flags & CLONE_NEWUSER) &&
	     cv_idmap_write(pid, &spec->uid_map, &spec->gid_map, spec->deny_setgroups, err) < 0) ||
	    (spec->parent_hook && spec->parent_hook(pid, spec->parent_hook_arg, err) < 0)) {
		kill_and_reap(pid);
		return -err->code;
	}
	(void)!send(parent_end, "g", 1, MSG_NOSIGNAL); /* if it died, the recv says so */
	/* The whole report, or 0 (EOF) from a child that died before sending one. */
	while ((n = recv(parent_end, &report, sizeof(report), MSG_WAITALL)) < 0 && errno == EINTR)
		;
	if (n == (ssize_t)sizeof(report) && report.code == 0)
		return pid;
	/* not ready: it has exited or is about to (_exit after its report) */
	status = reap(pid);
	if (n == (ssize_t)sizeof(report)) {
		*err = report;
		return -err->code;
	}
	return cv_err_set(err, ECHILD, "child %d %s %d before it was set up", (int)pid,
			  WIFSIGNALED(status) ? "was killed by signal" : "exited with status",
			  WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
}
