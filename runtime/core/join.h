/*
 * join.h - `exec`: one more process in a running container (a "tenant"
 * process, in youki's word).
 *
 * It must end up exactly where the container's own processes are: in
 * every one of its namespaces (user first, so the others are joined with
 * the container's privileges), in its cgroup, and under the same
 * restrictions - capabilities, rlimits, no_new_privs, AppArmor, the
 * seccomp filter - unless the exec asks for other ones.
 *
 *     exec (the runtime)        child                   grandchild
 *     not dumpable
 *     fork ------------------>  waits for "go"
 *     puts it in the cgroup
 *     "go" ------------------>  setns(pidfd, all types)
 *                               fork ----------------->  the container's pid
 *                               exits                    namespace: pid N there
 *     (subreaper: adopts it)                             cwd, terminal, fds,
 *                                                        security, seccomp last
 *     EOF on the pipe <------------------------------- execve
 *     wait, forwarding signals
 */
#ifndef CV_RT_TENANT_H
#define CV_RT_TENANT_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/err.h"

struct containerv_policy;

#define CV_EXEC_MAX_CAPS 64
#define CV_EXEC_MAX_ENV  128

struct cv_exec_opts {
	const char *root, *id;
	const char *process_file; /* --process: an OCI process object, or NULL */
	const char *const *argv;  /* the command, when no --process */
	bool terminal, detach;
	const char *console_socket; /* -t: where the master goes, or NULL (then ours) */
	const char *pid_file;
	const char *env[CV_EXEC_MAX_ENV]; /* -e K=V, added to the container's */
	unsigned n_env;
	const char *cwd;                    /* --cwd, or NULL: the container's */
	const char *user;                   /* -u UID[:GID], or NULL */
	const char *additional_gids;        /* --additional-gids G,G */
	const char *caps[CV_EXEC_MAX_CAPS]; /* --cap: added to the container's */
	unsigned n_caps;
	bool no_new_privs;
	const char *apparmor;
	int preserve_fds;
	const struct containerv_policy *policy; /* the C API's: applied last, or NULL */
	pid_t *started;                         /* detached: the process's pid, here */
};

/*
 * cv_container_exec - start the process; in the foreground, wait for it
 * and return its exit status (128+N for signal N); detached, return 0
 * once it runs.  A stopped, paused or unknown container is an error, and
 * nothing is started.
 */
int cv_container_exec(const struct cv_exec_opts *o, struct cv_err *err);

#endif
