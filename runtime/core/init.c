/*
 * init.c - the container's init, in the order the kernel requires (see
 * init.h for the conversation with the runtime).
 *
 * The init is a copy of the runtime made by clone (step 01), and until its
 * execve it is the runtime: its memory, its binary, what it holds open.  So
 * the file is one descent from the most power to the least, and setup()
 * with cv_init_finish() reads as its table of contents, one call per step,
 * each where the kernel allows it and no later:
 *
 *   - first the session keyring, before anything runs on the container's
 *     behalf, then the namespaces given by path, whose /proc/PID/ns files
 *     are the host's and cannot be reached once the root has changed;
 *   - the mounts and pivot_root (step 03) before anything that resolves a
 *     path in the container: the console's devpts, /proc/sys, the cwd;
 *   - the attributes execve keeps (personality, I/O priority, scheduler)
 *     while the init still has the privilege to set them;
 *   - the program found and checked (execve.c), the runtime's descriptors
 *     closed, and then power given up (step 05), seccomp last of all.
 *
 * Until CV_SYNC_CREATED an error is not printed here but sent up the
 * socket (CV_SYNC_ERROR): the runtime reports it as it reports its own
 * (--log, --log-format json) and undoes what create made.  After it the
 * runtime has gone; a failure of start's part (a startContainer hook, the
 * execve) is printed on the container's stderr, and the init exits 127.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/keyctl.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "01-namespaces/namespaces.h"
#include "01-namespaces/spawn.h"
#include "common/file.h"
#include "common/syscalls.h"
#include "common/trace.h"
#include "runtime/core/console.h"
#include "runtime/core/hooks.h"
#include "runtime/core/init.h"

static int send_msg(int fd, int type, const struct cv_err *err)
{
	struct cv_sync m = {.type = type};

	if (err)
		m.err = *err;
	return send(fd, &m, offsetof(struct cv_sync, state), MSG_NOSIGNAL) < 0 ? -errno : 0;
}

/*
 * Called by step 03 with everything mounted, before pivot_root: the last
 * moment the hooks see both the container's mounts and the host's files
 * (its path resolves in the runtime namespace: runtime-spec, config.md).
 */
static int before_pivot(void *arg, struct cv_err *err)
{
	struct cv_init *in = arg;
	struct cv_sync m;
	ssize_t n;
	int r;

	/* the runtime runs prestart and createRuntime hooks in its namespaces */
	if (send_msg(in->sync_fd, CV_SYNC_HOOKS, NULL) < 0)
		return cv_err_sys(err, "telling the runtime the mounts are made");
	while ((n = recv(in->sync_fd, &m, sizeof(m), 0)) < 0 && errno == EINTR)
		;
	if (n < (ssize_t)offsetof(struct cv_sync, state) || m.type != CV_SYNC_HOOKS_DONE)
		return cv_err_set(err, EPIPE,
				  "the runtime went away during the createRuntime hooks");
	snprintf(in->state, sizeof(in->state), "%s", m.state);
	in->sec.seccomp_state = in->state;
	/* createContainer hooks: ours, in the container's namespaces, before the switch */
	r = cv_hooks_run(in->spec->hooks[CV_HOOK_CREATE_CONTAINER],
			 in->spec->n_hooks[CV_HOOK_CREATE_CONTAINER], CV_HOOK_CREATE_CONTAINER,
			 in->state, false, err);
	return r;
}

/*
 * linux.sysctl, into the container's own /proc/sys: after pivot_root, so
 * the /proc written is the container's (its namespaces' values, not the
 * host's), and before step 03 makes /proc/sys read-only.
 */
static int set_sysctl(void *arg, struct cv_err *err)
{
	const struct cv_spec *spec = ((struct cv_init *)arg)->spec;

	for (size_t i = 0; i < spec->n_sysctl; i++) {
		if (cv_sysctl_write(spec->sysctl[i].key, spec->sysctl[i].value, err) < 0)
			return cv_err_hint(
			    err,
			    "sysctl `%s`: only namespaced sysctls (net.*, kernel.shm*, "
			    "kernel.msg*, kernel.sem, fs.mqueue.*) can be set for one "
			    "container, and net.* needs its own network namespace",
			    spec->sysctl[i].key);
	}
	return 0;
}

/*
 * personality, I/O priority, scheduler: attributes of the process that
 * execve keeps, set while the init still has every capability: a realtime
 * scheduling policy needs CAP_SYS_NICE, a realtime I/O class CAP_SYS_ADMIN
 * (or CAP_SYS_NICE on newer kernels), which the container's process may
 * not keep.  48 is SCHED_ATTR_SIZE_VER0, the size of struct cv_sched_attr.
 */
static int set_process_attrs(const struct cv_spec *spec, struct cv_err *err)
{
	if (spec->has_personality && personality(spec->personality) < 0)
		return cv_err_sys(err, "personality(%#lx)", spec->personality);
	if (spec->has_ioprio && sys_ioprio_set(IOPRIO_WHO_PROCESS, 0,
					       (spec->ioprio_class << 13) | spec->ioprio_level) < 0)
		return cv_err_sys(err, "ioprio_set(class %d, level %d)", spec->ioprio_class,
				  spec->ioprio_level);
	if (spec->has_scheduler) {
		struct cv_sched_attr attr = {48,
					     (uint32_t)spec->sched_policy,
					     spec->sched_flags,
					     spec->sched_nice,
					     (uint32_t)spec->sched_priority,
					     spec->sched_runtime,
					     spec->sched_deadline,
					     spec->sched_period};
		if (sys_sched_setattr(0, &attr, 0) < 0)
			return cv_err_sys(err, "sched_setattr(policy %d)", spec->sched_policy);
	}
	return 0;
}

/*
 * The working directory, resolved inside the new root with no magic links:
 * "/proc/self/fd/N" cannot lead to a directory of the host (CVE-2024-21626).
 */
static int enter_cwd(const char *cwd, struct cv_err *err)
{
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	int fd = sys_openat2(AT_FDCWD, cwd, &how, sizeof(how)), r;

	if (fd < 0 && errno == ENOENT && mkdir(cwd, 0755) == 0) /* runc makes a missing cwd */
		fd = sys_openat2(AT_FDCWD, cwd, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS) /* before 5.6: no magic links after the fds are closed */
		fd = open(cwd, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		cv_err_sys(err, "process.cwd `%s`", cwd);
		return cv_err_hint(err, "the working directory must be a directory inside the "
					"container");
	}
	r = fchdir(fd);
	close(fd);
	cv_trace_sys(r, "chdir(`%s`) inside the root", cwd);
	return r < 0 ? cv_err_sys(err, "chdir(`%s`)", cwd) : 0;
}

/*
 * Every descriptor but stdio, the preserved ones and ours is closed; ours
 * close at exec.  Nothing of the runtime's reaches the container: a
 * directory fd of the host left open is a way out of the root
 * (CVE-2024-21626 leaked one as the cwd; in CVE-2016-9962 the container's
 * pid 1 took those of a joining `runc exec` by ptrace).
 */
static int close_fds(const struct cv_init *in, struct cv_err *err)
{
	unsigned first = 3 + (unsigned)in->preserve_fds;
	int keep[] = {in->sync_fd, in->fifo_fd, in->exec.fd};

	if (cv_close_fds_except(first, keep, 3, err) < 0)
		return -err->code;
	cv_trace("descriptors from %u closed, but the runtime's sync socket, exec.fifo and the "
		 "program (close-on-exec)",
		 first);
	return 0;
}

/*
 * Block until `start` writes to exec.fifo.  This read is after seccomp, as
 * are the startContainer hooks and the execve: a profile must allow them,
 * as every usable one does.
 */
static int wait_for_start(const struct cv_init *in, struct cv_err *err)
{
	char byte;
	ssize_t n;

	while ((n = read(in->fifo_fd, &byte, 1)) < 0 && errno == EINTR)
		;
	return n == 1 ? 0 : cv_err_sys(err, "read(exec.fifo)");
}

/*
 * Change the status in the OCI state JSON the runtime sent, in place: the
 * rest moves.  No JSON library here: the text is the runtime's own, and
 * the init has nothing to parse but this one field.
 */
static void set_status(char *state, size_t size, const char *from, const char *to)
{
	char key[32], value[32], *at;
	size_t key_len, value_len, tail;

	snprintf(key, sizeof(key), "\"status\": \"%s\"", from);
	snprintf(value, sizeof(value), "\"status\": \"%s\"", to);
	if (!(at = strstr(state, key)))
		return;
	key_len = strlen(key);
	value_len = strlen(value);
	tail = strlen(at + key_len) + 1;
	if ((size_t)(at - state) + value_len + tail > size)
		return;
	memmove(at + value_len, at + key_len, tail);
	memcpy(at, value, value_len);
}

/*
 * The init is now a new process in the pid (and time) namespace its
 * children are to be born in: it forks, the parent leaves, and the child
 * goes on as the container's init, telling the runtime its pid as the
 * runtime's pid namespace sees it (SCM_CREDENTIALS: the kernel translates).
 */
static int become_child(struct cv_init *in, struct cv_err *err)
{
	struct ucred me;
	char control[CMSG_SPACE(sizeof(me))] = {0};
	struct cv_sync m = {.type = CV_SYNC_PID};
	struct iovec iov = {&m, offsetof(struct cv_sync, state)};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = control,
			    .msg_controllen = sizeof(control)};
	pid_t child;

	if ((child = fork()) < 0)
		return cv_err_sys(err, "fork() into the container's pid namespace");
	if (child > 0)
		_exit(0); /* the runtime learns the new init's pid from the new init itself */
	me = (struct ucred){getpid(), getuid(), getgid()};
	((struct cmsghdr *)control)->cmsg_level = SOL_SOCKET;
	((struct cmsghdr *)control)->cmsg_type = SCM_CREDENTIALS;
	((struct cmsghdr *)control)->cmsg_len = CMSG_LEN(sizeof(me));
	memcpy(CMSG_DATA((struct cmsghdr *)control), &me, sizeof(me));
	if (sendmsg(in->sync_fd, &mh, MSG_NOSIGNAL) < 0)
		return cv_err_sys(err, "sendmsg(the init's pid, to the runtime)");
	cv_trace("the container's init is a new process, in its pid namespace");
	return 0;
}

/*
 * A user namespace given by path, joined first; then, owned by it, the
 * namespaces to create (a namespace belongs to the user namespace of the
 * process that makes it: user_namespaces(7)), and in them the hostname,
 * domain name and clock offsets, by step 01's own code - its checks, its
 * errors, its trace - as cv_ns_spawn()'s child does it for the other
 * containers.  A pid namespace is entered only by a new process: *fork_next
 * says the init must fork.  A new time namespace sets it too, though step
 * 01 has moved the init itself in already (setns(2) through
 * time_for_children): with either, the container runs in the init's child.
 */
static int join_user(struct cv_init *in, bool *fork_next, struct cv_err *err)
{
	const struct cv_spec *s = in->spec;
	int for_children = s->ns_new & (CLONE_NEWPID | CLONE_NEWTIME), r;
	struct cv_ns_spec inside;

	cv_ns_spec_init(&inside);
	inside.flags = s->ns_new & (CLONE_NEWUTS | CLONE_NEWTIME);
	inside.hostname = s->hostname;
	inside.domainname = s->domainname;
	inside.monotonic = s->monotonic;
	inside.boottime = s->boottime;
	/* checked before anything is joined: the same refusals as without the join */
	if ((r = cv_ns_spec_check(&inside, err)) < 0)
		return r;
	if ((r = cv_ns_join_path(in->ns_user_join, CLONE_NEWUSER, err)) < 0)
		return r;
	/* root of the joined namespace: setns(2) gives every capability there but
	 * keeps our ids, which it may not map (they read as the overflow uid); as
	 * its uid 0, what the init makes is root's in there, and execve(2) keeps
	 * the capabilities (capabilities(7), "Capabilities and execution of
	 * programs by root") */
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return cv_err_sys(err, "becoming root in the user namespace `%s`",
				  in->ns_user_join);
	/* the cgroup namespace waits for the cgroup (setup()), pid for the fork */
	if ((r = cv_ns_unshare(s->ns_new & ~(for_children | CLONE_NEWCGROUP | CLONE_NEWUSER),
			       err)) < 0)
		return r;
	if ((r = cv_ns_child_setup(&inside, err)) < 0)
		return r;
	cv_trace("joined user namespace `%s`", in->ns_user_join);
	if ((s->ns_new & CLONE_NEWPID) && (r = cv_ns_unshare(CLONE_NEWPID, err)) < 0)
		return r;
	if (for_children)
		*fork_next = true;
	return 0;
}

/*
 * Namespaces entered after the init is born, by the init itself:
 *   - a user namespace given by path (join_user): the others must then
 *     be made inside it;
 *   - a pid namespace given by path (a pod's): the init is born outside
 *     it, in the runtime's, where no process of the pod can see it, and
 *     only its child - forked once nothing of the host is open in it and
 *     it is not dumpable - enters the pod (CVE-2016-9962's kind: a
 *     process of the pod with CAP_SYS_PTRACE would otherwise see the
 *     runtime's descriptors in the init from its first instruction).
 */
static int join_late(struct cv_init *in, struct cv_err *err)
{
	bool fork_next = in->ns_pid_join != NULL;
	int r;

	if (in->ns_user_join && (r = join_user(in, &fork_next, err)) < 0)
		return r;
	if (in->ns_pid_join && (r = cv_ns_join_path(in->ns_pid_join, CLONE_NEWPID, err)) < 0)
		return r;
	return fork_next ? become_child(in, err) : 0;
}

/*
 * Until it execs, the init is the runtime: its memory, its descriptors,
 * its /proc/PID/exe.  Not dumpable, /proc/PID/{exe,fd,mem,environ} and
 * ptrace are closed to every process without CAP_SYS_PTRACE over the
 * host's user namespace (ptrace(2), "Ptrace access mode checking");
 * execve makes the container's program dumpable again.  Usually it is so
 * from birth already (spawn.h, not_dumpable); a rootless runtime that
 * made it a user namespace had to write its uid_map first, which a
 * process that is not dumpable would not have let it open.  What the
 * runtime held open is closed already (create.c, spawn_init), and for a
 * container with CAP_SYS_PTRACE the binary is sealed as well (seal.h).
 */
static int hide_from_container(struct cv_err *err)
{
	return prctl(PR_SET_DUMPABLE, 0) < 0 ? cv_err_sys(err, "prctl(PR_SET_DUMPABLE, 0)") : 0;
}

/* From clone to just before the container's program: the order is the point. */
static int setup(struct cv_init *in, struct cv_err *err)
{
	const struct cv_spec *spec = in->spec;
	int r;

	/* a session keyring of its own, first.  Keys are in no namespace (keyrings(7)),
	 * and the session keyring passes through clone, setns and execve: without
	 * this the container, and the createContainer hooks the init forks before
	 * pivot_root, would share the caller's (a login's keys).  Before seccomp,
	 * which may deny keyctl (Docker's default profile does).  ENOSYS: a kernel
	 * without keys has nothing to share */
	if (in->new_keyring && sys_keyctl(KEYCTL_JOIN_SESSION_KEYRING, 0, 0, 0, 0) < 0 &&
	    errno != ENOSYS)
		return cv_err_sys(err, "keyctl(KEYCTL_JOIN_SESSION_KEYRING)");
	/* a user namespace to join: first, and the others made after, belonging to it;
	 * a pid namespace to join: entered by a child of ours (join_late) */
	if ((in->ns_user_join || in->ns_pid_join) && (r = join_late(in, err)) < 0)
		return r;
	/* created with a new cgroup namespace after the runtime put us in our cgroup:
	 * its root is then the container's cgroup, not the runtime's */
	if ((spec->ns_new & CLONE_NEWCGROUP) && (r = cv_ns_unshare(CLONE_NEWCGROUP, err)) < 0)
		return r;
	/* a mount namespace to join: before any mount is made */
	if (in->ns_mnt_join && (r = cv_ns_join_path(in->ns_mnt_join, CLONE_NEWNS, err)) < 0)
		return r;
	/* the root filesystem (step 03); the createRuntime and createContainer
	 * hooks run just before pivot_root (before_pivot above), the sysctls
	 * just after it (set_sysctl) */
	if ((r = cv_rootfs_enter(&in->rootfs, err)) < 0)
		return r;
	/* the terminal: after pivot_root, from the container's own devpts */
	if (in->console_fd >= 0 && (r = cv_console_setup(in->console_fd, spec->console_height,
							 spec->console_width, true, err)) < 0)
		return r;
	return cv_init_finish(in, err);
}

int cv_init_finish(struct cv_init *in, struct cv_err *err)
{
	int r;

	/* personality, I/O priority, scheduler: kept across execve */
	if ((r = set_process_attrs(in->spec, err)) < 0)
		return r;
	/* the working directory, inside the root */
	if ((r = enter_cwd(in->spec->cwd, err)) < 0)
		return r;
	/* the program, found in the container and checked: now, so create fails if it is wrong */
	if (!in->idle && (r = cv_exec_prepare(in, &in->exec, err)) < 0)
		return r;
	/* nothing of the runtime's open in the container: here, once the last of
	 * them was used (the console socket, until the master went through it) and
	 * the program's fd is open (kept, close-on-exec: it is what is executed),
	 * and before seccomp, which may deny close_range(2) */
	if ((r = close_fds(in, err)) < 0)
		return r;
	/* and last, take power away (step 05): limits, AppArmor, capabilities,
	 * user, no_new_privs, seccomp - the filter last of all, because every call
	 * after it must pass it: a profile that denies setresuid, capset or prctl
	 * would otherwise stop the init's own switch half-way */
	if ((r = cv_security_apply(&in->sec, err)) < 0)
		return r;
	/* a policy of the C API's narrows it further: its own filter stacks on top */
	return in->policy ? cv_policy_apply(in->policy, err) : 0;
}

/*
 * The init of a container with no program (the C API's): the processes
 * are spawned into it later, and as pid 1 it must reap the ones whose
 * parent exits.  SIGCHLD blocked and waited for: no handler runs.  It
 * ends when killed (destroy), taking its pid namespace with it.
 */
static void __attribute__((noreturn)) idle(void)
{
	sigset_t chld;

	prctl(PR_SET_NAME, "containerv-init"); /* what ps shows for it inside */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	for (;;) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		sigwaitinfo(&chld, NULL);
	}
}

int cv_init_main(void *arg)
{
	struct cv_init *in = arg;
	struct cv_err err;

	cv_err_clear(&err);
	/* if the runtime dies while setting us up, so do we: nothing half-made runs
	 * (and should it die before this line, the socket says so: its end is closed) */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	close(in->runtime_fd);
	/* from here on, what a process of the container could see of us is nothing of the
	 * host's: processes sharing a pid namespace (a pod), exec's, hooks' */
	if (hide_from_container(&err) < 0)
		goto fail;
	in->rootfs.before_pivot = before_pivot;
	in->rootfs.before_pivot_arg = in;
	in->rootfs.after_pivot = set_sysctl;
	if (setup(in, &err) < 0)
		goto fail;
	/* created: the runtime may exit as soon as it reads this, without taking us with
	 * it - so the death signal goes first (after the message, a runtime exiting
	 * quickly killed the init it had just reported created: 100 at once showed it).
	 * Should the runtime die before reading it, the message fails, and so do we. */
	prctl(PR_SET_PDEATHSIG, 0);
	if (send_msg(in->sync_fd, CV_SYNC_CREATED, NULL) < 0)
		return 1;
	close(in->sync_fd);
	if (wait_for_start(in, &err) < 0)
		return 1;
	/* the startContainer hooks see the container as it is now: created, and started */
	set_status(in->state, sizeof(in->state), "creating", "created");
	if (cv_hooks_run(in->spec->hooks[CV_HOOK_START_CONTAINER],
			 in->spec->n_hooks[CV_HOOK_START_CONTAINER], CV_HOOK_START_CONTAINER,
			 in->state, false, &err) == 0) {
		if (in->idle)
			idle();
		cv_exec_run(in, &in->exec, &err); /* returns only on failure */
	}
	cv_err_print(&err, "containerv");
	return 127;
fail:
	(void)send_msg(in->sync_fd, CV_SYNC_ERROR, &err);
	return 1;
}
