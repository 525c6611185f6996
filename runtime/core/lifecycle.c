/*
 * lifecycle.c - start, kill, delete and state of a created container (see
 * container.h; create is in create.c).
 *
 * Whose processes are killed: in a cgroup that create made, all of them -
 * the cgroup is the container's, and nothing else was in it when it was
 * made.  In one it found there already (empty: create refuses one in use),
 * another program may put its own processes later; those are not the
 * container's, so only the container's are killed there: its init, its
 * pid namespace, its descendants (own_pids).  And the cgroup directories
 * removed are only those create made, as its record says (state.h).
 *
 * How each command reaches the container: through its state directory,
 * locked for the command's length (state.c), and through the init, known
 * by its pid and start time.  A signal for the init goes to a process
 * checked to be it (through a pidfd where the kernel has them), never to
 * a bare pid that may since belong to another program.  `start` is a write to
 * exec.fifo, which the init blocks on (init.c); nothing else is needed,
 * since all of the container's setup was done at create.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "02-cgroups/cgroups.h"
#include "03-rootfs/rootfs.h"
#include "common/file.h"
#include "common/syscalls.h"
#include "common/trace.h"
#include "runtime/core/container.h"
#include "runtime/core/hooks.h"
#include "runtime/core/state.h"

/* A number, or a name as kill(1) takes it: SIGTERM, TERM, term (sigabbrev_np, glibc 2.32). */
int cv_signal_parse(const char *text, int *sig, struct cv_err *err)
{
	const char *name = strncasecmp(text, "SIG", 3) ? text : text + 3;
	char *end;
	long n = strtol(text, &end, 10);

	if (end != text && !*end && n > 0 && n < NSIG) {
		*sig = (int)n;
		return 0;
	}
	for (int s = 1; s < NSIG; s++) {
		const char *known = sigabbrev_np(s);
		if (known && !strcasecmp(known, name)) {
			*sig = s;
			return 0;
		}
	}
	cv_err_set(err, EINVAL, "unknown signal `%s`", text);
	return cv_err_hint(err, "a name, with or without SIG (TERM, SIGKILL), or a number (9)");
}

/*
 * The config saved at create, for the hooks of later points; NULL if
 * unreadable.  The saved copy, not the bundle's: the bundle may have been
 * changed or removed since, and the hooks are those the container was
 * created with.
 */
static struct cv_spec *saved_spec(const struct cv_state *st)
{
	struct cv_spec *spec = malloc(sizeof(*spec));
	struct cv_err err;

	if (spec && cv_spec_load(st->dir, spec, &err) == 0)
		return spec;
	if (spec)
		cv_warn("container `%s`: its saved config.json cannot be read (%s): no hooks run",
			st->id, err.msg);
	free(spec);
	return NULL;
}

/*
 * Until the init has executed the program, or died, or 10 s passed:
 * poststart hooks run "after the user-specified process is executed", and
 * the init's startContainer hooks come before that.  Executed, its
 * /proc/PID/exe is no longer `before` (the runtime's binary it ran as,
 * sealed or not: seal.h); or, where `before` could not be seen at all (a
 * runtime without CAP_SYS_PTRACE, and the init not dumpable until it
 * execs: init.c), it can now be seen.
 */
static void wait_for_exec(const struct cv_state *st, const struct stat *before)
{
	char exe[64];
	struct stat now;

	snprintf(exe, sizeof(exe), "/proc/%d/exe", (int)st->pid);
	for (int i = 0; i < 10000 && cv_state_alive(st); i++) {
		if (stat(exe, &now) == 0 &&
		    (!before || now.st_dev != before->st_dev || now.st_ino != before->st_ino))
			return;
		nanosleep(&(struct timespec){0, 1000 * 1000}, NULL);
	}
}

/* The hooks of one point; poststart's once the init ran as init_exe no longer. */
static void run_hooks(const struct cv_state *st, enum cv_hook_point point, enum cv_status status,
		      const struct stat *init_exe)
{
	struct cv_spec *spec = saved_spec(st);
	char *state = cv_state_json(st, status);
	struct cv_err ignored;

	if (spec && point == CV_HOOK_POSTSTART && spec->n_hooks[point])
		wait_for_exec(st, init_exe);
	if (spec && state)
		cv_hooks_run(spec->hooks[point], spec->n_hooks[point], point, state, true,
			     &ignored);
	free(state);
	if (spec)
		cv_spec_free(spec);
	free(spec);
}

static int wrong_status(const struct cv_state *st, const char *what, enum cv_status now,
			struct cv_err *err)
{
	cv_err_set(err, EINVAL, "cannot %s container `%s`: it is %s", what, st->id,
		   cv_status_name(now));
	return cv_err_hint(err, "`containerv state %s` shows its status", st->id);
}

int cv_container_start(const char *root, const char *id, struct cv_err *err)
{
	struct cv_state st;
	struct stat init_exe;
	char fifo[PATH_MAX + 16];
	enum cv_status now;
	int fd, r;

	if ((r = cv_state_open(root, id, &st, err)) < 0)
		return r;
	if ((now = cv_state_status(&st)) != CV_CREATED) {
		r = wrong_status(&st, "start", now, err);
		goto out;
	}
	/* what the init runs as until it execs: poststart waits for that to change */
	snprintf(fifo, sizeof(fifo), "/proc/%d/exe", (int)st.pid);
	if (stat(fifo, &init_exe) < 0)
		memset(&init_exe, 0, sizeof(init_exe));
	/* the init holds the fifo open: this open finds a reader, and the byte wakes it.
	 * O_NONBLOCK: with no reader (the init died) the open fails with ENXIO
	 * instead of waiting for one forever */
	snprintf(fifo, sizeof(fifo), "%s/exec.fifo", st.dir);
	fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || write(fd, "0", 1) != 1) {
		r = cv_err_sys(err, "waking the init through `%s`", fifo);
		if (fd >= 0)
			close(fd);
		goto out;
	}
	close(fd);
	/* started once: a second start finds no fifo, and the status says why */
	unlink(fifo);
	cv_trace("container `%s` started: its init (pid %d) execs the program", id, (int)st.pid);
	st.status = CV_RUNNING;
	if ((r = cv_state_save(&st, err)) == 0)
		run_hooks(&st, CV_HOOK_POSTSTART, CV_RUNNING, init_exe.st_ino ? &init_exe : NULL);
out:
	cv_state_close(&st);
	return r;
}

static int signal_init(const struct cv_state *st, int sig, struct cv_err *err)
{
	int pidfd = sys_pidfd_open(st->pid, 0), r;

	/* the pidfd is the process we checked: a pid reused since cannot be hit */
	if (pidfd >= 0 && cv_state_alive(st)) {
		r = sys_pidfd_send_signal(pidfd, sig, NULL, 0);
		close(pidfd);
	} else {
		if (pidfd >= 0)
			close(pidfd);
		r = cv_state_alive(st) ? kill(st->pid, sig) : (errno = ESRCH, -1);
	}
	cv_trace_sys(r, "kill(init %d, %s)", (int)st->pid, sigabbrev_np(sig));
	return r < 0 ? cv_err_sys(err, "signal %d to the init (pid %d)", sig, (int)st->pid) : 0;
}

/* --- which processes are the container's ----------------------------------------- */

/*
 * Which of the cgroup's directories create made, from its record `owned`
 * (state.h): those are the container's to remove, and when it made them
 * all, everything they hold is the container's.  An older containerv kept
 * no record: its default cgroup, /containerv/ID, is taken as made by it,
 * any other as not.
 */
static void own_dirs(const struct cv_state *st, struct cv_cgroup *cg)
{
	char def[300];
	bool legacy;

	snprintf(def, sizeof(def), "/containerv/%s", st->id);
	legacy = !st->owned_read && !strcmp(st->cgroup, def);
	for (unsigned i = 0; i < cg->n; i++) {
		int n = cv_state_made(st, cg->dir[i].tree->name);
		cg->dir[i].made = n >= 0 ? n : legacy ? 1 : 0;
	}
}

/* The parent of pid (/proc/PID/stat: after the comm's last ')', the state, then the ppid). */
static pid_t parent_of(pid_t pid)
{
	char path[64], text[1024], *p;
	struct cv_err ignored;
	int ppid = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (cv_read_file(path, text, sizeof(text), &ignored) <= 0 || !(p = strrchr(text, ')')))
		return 0;
	return sscanf(p + 1, " %*c %d", &ppid) == 1 ? (pid_t)ppid : 0;
}

/* The pid namespace of pid, as its inode number; 0 once pid is gone. */
static ino_t pid_ns_of(pid_t pid)
{
	char path[64];
	struct stat sb;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	return stat(path, &sb) == 0 ? sb.st_ino : 0;
}

/*
 * Is pid (in the container's cgroup, which the runtime did not make) the
 * container's?  Its init is; so is every process of the init's own pid
 * namespace, when it has one (nothing can move an existing process into a
 * pid namespace: only children are born in one, so an unrelated process
 * never is); so is each descendant of the init, up the parent chain.  A
 * descendant whose parent died was re-parented away: without a pid
 * namespace, a container's orphans are not known to be its.
 */
static bool of_container(const struct cv_state *st, ino_t own_ns, pid_t pid)
{
	if (pid == st->pid || (own_ns && pid_ns_of(pid) == own_ns))
		return true;
	for (int hops = 0; pid > 1 && hops < 64; hops++)
		if ((pid = parent_of(pid)) == st->pid)
			return true;
	return false;
}

/*
 * The container's processes in its cgroup, up to max: all those the cgroup
 * holds when create made it, else those of_container() says are its -
 * none once its init is gone.  The init is last in the list: killed
 * last, while it lives its descendants can be told by their parents.
 */
static int own_pids(const struct cv_state *st, struct cv_cgroup *cg, pid_t *pids, int max,
		    struct cv_err *err)
{
	ino_t ns;
	int n, kept = 0;

	if ((n = cv_cg_pids(cg, pids, max, err)) < 0 || cv_cg_all_made(cg))
		return n;
	if (!cv_state_alive(st))
		return 0;
	ns = pid_ns_of(st->pid) != pid_ns_of(getpid()) ? pid_ns_of(st->pid) : 0;
	for (int i = 0; i < n; i++)
		if (pids[i] != st->pid && of_container(st, ns, pids[i]))
			pids[kept++] = pids[i];
	if (kept < max)
		pids[kept++] = st->pid;
	return kept;
}

/*
 * Every process of the container (own_pids): kill --all.  Without a cgroup
 * (a rootless container created without one) the init is all that can be
 * told to be the container's.
 */
static int signal_all(const struct cv_state *st, int sig, struct cv_err *err)
{
	struct cv_cg_host host;
	struct cv_cgroup cg;
	pid_t pids[4096];
	int n;

	if (!st->cgroup[0])
		return signal_init(st, sig, err);
	if (cv_cg_detect(NULL, &host, err) < 0 || cv_cg_open(&host, st->cgroup, &cg, err) < 0)
		return -err->code;
	own_dirs(st, &cg);
	if ((n = own_pids(st, &cg, pids, 4096, err)) < 0)
		return n;
	for (int i = 0; i < n; i++)
		kill(pids[i], sig);
	cv_trace("%s to the %d processes of container `%s` in cgroup %s", sigabbrev_np(sig), n,
		 st->id, st->cgroup);
	return 0;
}

int cv_container_kill(const char *root, const char *id, int sig, bool all, struct cv_err *err)
{
	struct cv_state st;
	enum cv_status now;
	int r;

	if ((r = cv_state_open(root, id, &st, err)) < 0)
		return r;
	/* a stopped container has no process to signal: its pid may be another's now */
	now = cv_state_status(&st);
	if (now == CV_STOPPED)
		r = wrong_status(&st, "signal", CV_STOPPED, err);
	else
		r = all ? signal_all(&st, sig, err) : signal_init(&st, sig, err);
	cv_state_close(&st);
	return r;
}

void cv_container_kill_all(const struct cv_state *st, struct cv_cgroup *cg)
{
	struct cv_err ignored;
	pid_t pids[4096];
	int n;

	/* a cgroup create made: every process in it and below, by the kernel */
	if (cg && cv_cg_all_made(cg))
		cv_cg_kill(cg, &ignored);
	/* one it did not: the container's, its init last (own_pids), a few rounds for
	 * those forked meanwhile */
	for (int round = 0; cg && !cv_cg_all_made(cg) && round < 20; round++) {
		if ((n = own_pids(st, cg, pids, 4096, &ignored)) <= 1)
			break;
		for (int i = 0; i < n; i++)
			if (pids[i] != st->pid)
				kill(pids[i], SIGKILL);
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
	}
	/* with a pid namespace of its own, the init's death takes every process in it
	 * (pid_namespaces(7): the kernel sends them SIGKILL); then up to 5 s for the
	 * init to be gone, since a process in the D state dies only when it wakes */
	if (cv_state_alive(st))
		kill(st->pid, SIGKILL);
	for (int i = 0; i < 500 && cv_state_alive(st); i++)
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
}

/* --- delete ------------------------------------------------------------------------- */

/*
 * The state of the container to delete.  A damaged state.json stops every
 * command, but not delete --force: what it must remove is then found
 * without it (cv_state_open_damaged): the init and the cgroup in the
 * record create kept, else the cgroup in the saved config.
 */
static int open_for_delete(const char *root, const char *id, bool force, struct cv_state *st,
			   struct cv_err *err)
{
	struct cv_err why;
	int r = cv_state_open(root, id, st, err);

	if (r != -EBADMSG || !force)
		return r;
	why = *err;
	if ((r = cv_state_open_damaged(root, id, st, err)) < 0)
		return r;
	cv_warn("%s: removing the container as %s names it", why.msg,
		st->owned_read ? "its record of what create made (owned)"
			       : "its saved config.json");
	return 0;
}

/*
 * Kill its processes, then remove the cgroup directories create made, and
 * only those.  In this order because the kernel refuses to remove a
 * cgroup directory that still holds a process (EBUSY).
 */
static int remove_processes(struct cv_state *st, struct cv_err *err)
{
	struct cv_cg_host host;
	struct cv_cgroup cg;
	struct cv_err none;
	/* whichever directories exist: a create killed while it made them made only some */
	bool have_cg = st->cgroup[0] && cv_cg_detect(NULL, &host, &none) == 0 &&
		       cv_cg_open_existing(&host, st->cgroup, &cg, &none) == 0;

	if (have_cg)
		own_dirs(st, &cg);
	cv_container_kill_all(st, have_cg ? &cg : NULL);
	if (cv_state_alive(st))
		return cv_err_set(err, EBUSY, "container `%s`: its init (pid %d) did not die",
				  st->id, (int)st->pid);
	if (have_cg && cv_cg_destroy(&cg, err) < 0)
		return -err->code;
	/* the default parent, /containerv, too once no container uses it */
	if (have_cg && !strncmp(st->cgroup, "/containerv/", 12) && !strchr(st->cgroup + 12, '/') &&
	    cv_cg_open_existing(&host, "/containerv", &cg, &none) == 0)
		cv_cg_prune(&cg);
	return 0;
}

int cv_container_delete(const char *root, const char *id, bool force, struct cv_err *err)
{
	struct cv_state st;
	enum cv_status now;
	int r;

	if ((r = open_for_delete(root, id, force, &st, err)) < 0)
		return r;
	now = cv_state_status(&st);
	/* created (or stopped, as is a create that died half-way): no user program runs */
	if (now != CV_STOPPED && now != CV_CREATED && !force) {
		r = wrong_status(&st, "delete", now, err);
		cv_err_hint(err, "stop it first (`containerv kill %s KILL`), or use --force", id);
		goto out;
	}
	if ((r = remove_processes(&st, err)) < 0)
		goto out;
	/* without a mount namespace of its own, its mounts were made in ours (create.c) */
	if (st.root_mount && cv_rootfs_unbind(st.rootfs, st.root_mount, err) < 0)
		cv_err_print(err, "containerv: warning");
	/* poststop: after the container is gone, before delete returns
	 * (runtime-spec, runtime.md); a failure is only a warning there */
	run_hooks(&st, CV_HOOK_POSTSTOP, CV_STOPPED, NULL);
	cv_trace("container `%s` deleted", id);
	return cv_state_remove(&st, err);
out:
	cv_state_close(&st);
	return r;
}

/* The OCI state, with the status as it is now (a dead init is "stopped"). */
int cv_container_state(const char *root, const char *id, char **json, struct cv_err *err)
{
	struct cv_state st;
	int r;

	if ((r = cv_state_open(root, id, &st, err)) < 0)
		return r;
	*json = cv_state_json(&st, cv_state_status(&st));
	cv_state_close(&st);
	return *json ? 0 : cv_err_set(err, ENOMEM, "state of `%s`", id);
}
