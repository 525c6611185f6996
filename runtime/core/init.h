/*
 * init.h - the container's first process, between clone and execve.
 *
 * create.c starts it in its new namespaces (step 01), inside its
 * cgroup (step 02), and talks to it over a socket pair:
 *
 *     init                                  runtime (create)
 *     mounts, devices (step 03)
 *     ---- CV_SYNC_HOOKS ------------------>
 *                                           prestart, createRuntime hooks
 *     <--- CV_SYNC_HOOKS_DONE (the state) ---
 *     createContainer hooks, pivot_root,
 *     console, sysctl, cwd, the program, fds,
 *     security (step 05, seccomp last)
 *     ---- CV_SYNC_CREATED ---------------->
 *                                           state.json: created; exit
 *     read(exec.fifo): blocks until `start`
 *     startContainer hooks, execve
 *
 * Any failure goes up as CV_SYNC_ERROR with the error, and the init exits.
 *
 * Joining a user namespace by path changes the start: the namespaces to
 * create must belong to it, so they are made after joining it, and a new
 * pid namespace then needs one more fork - the init's child becomes the
 * container's pid 1 and tells the runtime its pid (CV_SYNC_PID, with
 * SCM_CREDENTIALS, which the kernel translates).  A pid namespace joined
 * by path (a pod's) goes the same way: the init is born outside it and
 * only its child, with nothing of the host's left open, enters it.
 */
#ifndef CV_RT_INIT_H
#define CV_RT_INIT_H

#include <sys/types.h>

#include "03-rootfs/rootfs.h"
#include "05-security/policy.h"
#include "05-security/security.h"
#include "common/err.h"
#include "runtime/spec/spec.h"

enum { CV_SYNC_HOOKS = 1, CV_SYNC_HOOKS_DONE, CV_SYNC_CREATED, CV_SYNC_ERROR, CV_SYNC_PID };

/* The OCI state passed to the container's hooks: annotations and all. */
#define CV_SYNC_STATE_MAX 65536

/* One message: SOCK_SEQPACKET keeps each whole. */
struct cv_sync {
	int type;
	struct cv_err err;
	char state[CV_SYNC_STATE_MAX]; /* HOOKS_DONE: the OCI state, for the container's hooks */
};

/* The program to execute, found and checked (execve.c). */
struct cv_exec {
	int fd;            /* O_PATH, close-on-exec */
	const char **argv; /* for a script: its interpreter's */
	char path[4096];
};

struct cv_init {
	const struct cv_spec *spec;
	struct cv_rootfs_spec rootfs;
	struct cv_security sec;
	int sync_fd;      /* the init's end of the socket pair */
	int runtime_fd;   /* the runtime's end, which the init closes: EOF then means it died */
	int fifo_fd;      /* exec.fifo, opened O_RDWR: a read blocks until start writes */
	int console_fd;   /* where the terminal's master goes, or -1 */
	int preserve_fds; /* fds 3 .. 3+N-1 pass to the container */
	bool new_keyring; /* a session keyring of its own (runc's default) */
	dev_t self_dev;   /* the runtime's own binary, which the container must never run */
	ino_t self_ino;
	const char *ns_mnt_join;       /* a mount namespace to join, or NULL */
	const char *ns_user_join;      /* a user namespace to join, or NULL: see join_late() */
	const char *ns_pid_join;       /* a pid namespace to join, or NULL: see join_late() */
	char state[CV_SYNC_STATE_MAX]; /* from HOOKS_DONE */
	struct cv_exec exec;
	bool idle; /* no program: after start, reap children until killed (cv_init_idle) */
	const struct containerv_policy *policy; /* the C API's, applied after security */
};

/* cv_init_main - the init's whole life; the argument of cv_ns_spawn(). Returns only on failure. */
int cv_init_main(void *arg);

/*
 * cv_init_finish - the part every process of the container goes through
 * last, the init and exec's tenants alike: personality and scheduling,
 * the working directory, the program found and checked, every other fd
 * closed, then security (seccomp last).  The caller execs next.
 */
int cv_init_finish(struct cv_init *in, struct cv_err *err);

/*
 * cv_exec_prepare - find the container's program through the container's
 * PATH (as execvp) and open it, checking it and a script's interpreters
 * as execve will (regular, no noexec mount, executable by the process's
 * uid, groups and capabilities), and refusing the runtime's own binary
 * however it is reached (/proc/self/exe, a symlink, a #! line:
 * CVE-2019-5736).  Done during create, before the identity switch, so a
 * program that is missing or may not be executed fails create, as with
 * runc, in the errno's lower-case words engines read ("permission
 * denied", "no such file or directory", "executable file not found in
 * $PATH").  cv_exec_run - execute exactly the file checked.
 */
int cv_exec_prepare(const struct cv_init *in, struct cv_exec *x, struct cv_err *err);
int cv_exec_run(const struct cv_init *in, const struct cv_exec *x, struct cv_err *err);

#endif
