/*
 * container.h - a container's life, as the OCI runtime spec's
 * runtime.md describes it, on top of the steps:
 *
 *     create  -> "created": everything set up, the init waiting at exec.fifo
 *     start   -> "running": the init execs the program
 *     kill    -> a signal to the init (or, with all, every process of it)
 *     delete  -> "stopped" containers only (or forced): cgroup, state gone
 *
 * Each function takes the state root (--root) and the container id.
 */
#ifndef CV_RT_CONTAINER_H
#define CV_RT_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/err.h"

struct cv_spec;

struct cv_create {
	const char *root; /* the state root, /run/containerv */
	const char *id;
	const char *bundle; /* default "."; its config.json is read unless spec is given */
	/*
	 * The config already parsed (the C API builds it in memory), or NULL.
	 * Create takes it: the struct is moved out (left empty) and freed by
	 * create whatever happens; BUNDLE is then not read at all.
	 */
	struct cv_spec *spec;
	const char *pid_file;       /* write the init's pid here, or NULL */
	const char *console_socket; /* path of the console socket, or NULL */
	int console_fd;             /* or a connected socket to send the terminal over; -1 */
	bool no_pivot;
	bool no_new_keyring;
	int preserve_fds;
	bool foreground; /* `run` without -d: a terminal may be ours to serve */
	bool idle;       /* no program: once started, the init only reaps (the C API's) */
};

/*
 * cv_container_create - make the container; on success *init is its init
 * process, a child of the caller, waiting for start.  On failure nothing
 * is left: no cgroup, no state directory, no process.
 *
 * A cgroup (linux.cgroupsPath) that other processes use is refused
 * (EBUSY); an existing empty one is used, but not removed by delete.
 *
 * SIGTERM, SIGINT and SIGHUP (those not ignored) are caught while it
 * works: it stops, undoes everything as for any failure, puts the
 * caller's handlers back and raises the signal again - by default the
 * process then dies of it (exit status 143, 130, 129), as without the
 * handler, but with nothing left behind.  A caller with a handler of its
 * own sees it run, then -EINTR.  (The handlers are the process's: one
 * create at a time in a process.)
 */
int cv_container_create(const struct cv_create *c, pid_t *init, struct cv_err *err);

/* cv_container_start - let a created container's init exec its program; poststart hooks. */
int cv_container_start(const char *root, const char *id, struct cv_err *err);

/* cv_container_kill - sig to the init; with all, to every process in its cgroup. */
int cv_container_kill(const char *root, const char *id, int sig, bool all, struct cv_err *err);

/*
 * cv_container_delete - remove a stopped (or created) container; with
 * force, kill a running one first.  Cleans the cgroup and the state even
 * when the init died half-way through its create, or (with force) when
 * state.json is damaged; runs poststop hooks.  Only the cgroup
 * directories create made are removed.
 */
int cv_container_delete(const char *root, const char *id, bool force, struct cv_err *err);

struct cv_state;
struct cv_cgroup;

/*
 * cv_container_kill_all - SIGKILL every process of the container whose
 * state is st (its init: st->pid and st->start), and wait a few seconds
 * at most for the init to die.  cg is its cgroup, with each directory's
 * `made` telling whether create made it (NULL for none): a cgroup made
 * wholly by create is emptied whole; in any other only the container's own
 * processes are killed - its init, its pid namespace, its descendants.
 * The caller reaps the init if it is its child.
 */
void cv_container_kill_all(const struct cv_state *st, struct cv_cgroup *cg);

/* cv_container_state - the OCI state JSON, status as of now; malloc()ed. */
int cv_container_state(const char *root, const char *id, char **json, struct cv_err *err);

/* cv_signal_parse - "KILL", "SIGKILL", "kill" or "9" -> 9. */
int cv_signal_parse(const char *text, int *sig, struct cv_err *err);

#endif
