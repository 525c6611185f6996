/*
 * state.h - what the runtime remembers about a container between
 * commands: one directory per container under --root (/run/containerv):
 *
 *     <root>/<id>/state.json   written whole and renamed into place
 *     <root>/<id>/config.json  the bundle's config as it was at create
 *     <root>/<id>/exec.fifo    the container's init waits on it for `start`
 *     <root>/<id>/owned        what create made, appended as it goes
 *
 * `owned` is the record `delete` trusts for what is the container's:
 * which cgroup directories create made (the others were there before,
 * and are never removed), and the init.  It is written ahead - a
 * directory is noted before it is made - one line per write(2), never
 * rewritten, in plain text read line by line: a create killed half-way
 * leaves whole lines, and whatever happens to state.json (rewritten at
 * each change of status) does not reach it.  Lines:
 *
 *     cgroup PATH          the cgroup's path
 *     made TREE N          N trailing components of PATH made in TREE
 *                          ("memory", "name=systemd", "unified"); a
 *                          later line for TREE replaces an earlier one
 *     init PID START       the init, with its start time
 *     mount ID PATH        the bind of the rootfs on PATH that create made in
 *                          the runtime's mount namespace (a container with
 *                          no mount namespace of its own), mount id ID;
 *                          "mount 0 PATH" is written before it is made
 *
 * Each command that reads or changes a container holds an exclusive
 * flock(2) on its directory, so two commands on one container take turns.
 * The init's pid is stored with its start time (field 22 of
 * /proc/PID/stat): a pid the kernel has since given to another process
 * does not match, and is never mistaken for the container.
 */
#ifndef CV_RT_STATE_H
#define CV_RT_STATE_H

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "common/err.h"

/* The OCI statuses, and paused (runc's addition). */
enum cv_status { CV_CREATING, CV_CREATED, CV_RUNNING, CV_STOPPED, CV_PAUSED };
const char *cv_status_name(enum cv_status s);

#define CV_STATE_TREES    16
#define CV_STATE_LINE_MAX 600 /* of `owned`: "cgroup " and a path of up to 511 bytes */

/* One line "made TREE N" of `owned`. */
struct cv_state_made {
	char tree[32];
	int n;
};

struct cv_state {
	char id[256];
	char dir[PATH_MAX];       /* <root>/<id> */
	enum cv_status status;    /* as last written: see cv_state_status() for now */
	pid_t pid;                /* the container's init, 0 before it exists */
	unsigned long long start; /* its start time, in clock ticks since boot */
	char bundle[PATH_MAX];
	char rootfs[PATH_MAX];
	char cgroup[512];    /* its cgroup path, "" for none */
	char created[40];    /* RFC 3339 */
	json_t *annotations; /* owned; may be NULL */
	int lock_fd;         /* the directory, flock()ed; -1 when not held */
	/* from `owned`: how many trailing components of the cgroup path create made in
	 * each tree (0 or absent: the directory was there before, not ours) */
	bool owned_read; /* the file was there (an older containerv wrote none) */
	unsigned n_made;
	struct cv_state_made made[CV_STATE_TREES];
	/* the bind of the rootfs create made in the runtime's own mount namespace, for a
	 * container with none of its own (0: none, or not made yet) */
	unsigned long long root_mount;
};

/* cv_state_id_check - letters, digits, _ + - . only; not "." or "..". */
int cv_state_id_check(const char *id, struct cv_err *err);

/*
 * cv_state_make - create <root>/<id> (and root) and lock it.  An id in use
 * is an error saying so.
 */
int cv_state_make(const char *root, const char *id, struct cv_state *st, struct cv_err *err);

/*
 * cv_state_open - lock <root>/<id> and read its state.json (and `owned`).
 * A container that does not exist is ENOENT, with a message naming it; a
 * state.json that is not what containerv writes (not JSON, not an object,
 * a field missing or of the wrong type) is EBADMSG, naming the file and
 * the field.  Waits while a create holds the lock.
 */
int cv_state_open(const char *root, const char *id, struct cv_state *st, struct cv_err *err);

/*
 * cv_state_open_damaged - for `delete --force` when state.json is
 * damaged: lock <root>/<id> and take what delete needs from elsewhere:
 * the init and the cgroup from `owned`; without that record, the cgroup
 * from the saved config.json (or the default, /containerv/ID).  Status
 * "stopped" or "running", by whether the init lives.
 */
int cv_state_open_damaged(const char *root, const char *id, struct cv_state *st,
			  struct cv_err *err);

/*
 * cv_state_note - append one line to <dir>/owned, in one write(2): the
 * record of what create made, for delete (see above).
 */
int cv_state_note(const struct cv_state *st, struct cv_err *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* cv_state_made - what `owned` says create made in tree `name`: -1 when it says nothing. */
int cv_state_made(const struct cv_state *st, const char *name);

/* cv_state_save - write state.json atomically (a temporary file renamed over it). */
int cv_state_save(const struct cv_state *st, struct cv_err *err);

/* cv_state_close - unlock and free (the directory stays). */
void cv_state_close(struct cv_state *st);

/* cv_state_remove - remove the directory and everything in it, then unlock. */
int cv_state_remove(struct cv_state *st, struct cv_err *err);

/*
 * cv_state_status - the status now: stopped when the init is gone (or
 * its pid now belongs to someone else), else the stored status.  (An
 * opened state is never "creating": cv_state_open() gets the lock only
 * once create is done, or dead, and says "stopped" for a dead one.)
 */
enum cv_status cv_state_status(const struct cv_state *st);

/* cv_state_alive - the init is running (not a zombie, and the same process). */
bool cv_state_alive(const struct cv_state *st);

/*
 * cv_state_json - the OCI state: ociVersion, id, status, pid, bundle,
 * annotations (and containerv's created, rootfs).  malloc()ed.
 */
char *cv_state_json(const struct cv_state *st, enum cv_status status);

/* cv_state_list - the ids under root, for `list`; a NULL-terminated malloc()ed vector. */
char **cv_state_list(const char *root, struct cv_err *err);

#endif
