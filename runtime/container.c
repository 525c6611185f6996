/*
 * container.c - start, kill, delete and state of a created container (see
 * container.h; create is in create.c).
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
#include "common/syscalls.h"
#include "common/trace.h"
#include "runtime/container.h"
#include "runtime/hooks.h"
#include "runtime/state.h"

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

/* The config saved at create, for the hooks of later points; NULL if unreadable. */
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
 * Until the init has executed the program (its /proc/PID/exe is no longer
 * the runtime's binary), or died, or 10 s passed: poststart hooks run
 * "after the user-specified process is executed", and the init's
 * startContainer hooks come before that.
 */
static void wait_for_exec(const struct cv_state *st)
{
	char exe[64];
	struct stat self, now;

	snprintf(exe, sizeof(exe), "/proc/%d/exe", (int)st->pid);
	if (stat("/proc/self/exe", &self) < 0)
		return;
	for (int i = 0; i < 10000 && cv_state_alive(st); i++) {
		if (stat(exe, &now) == 0 &&
		    (now.st_dev != self.st_dev || now.st_ino != self.st_ino))
			return;
		nanosleep(&(struct timespec){0, 1000 * 1000}, NULL);
	}
}

static void run_hooks(const struct cv_state *st, enum cv_hook_point point, enum cv_status status)
{
	struct cv_spec *spec = saved_spec(st);
	char *state = cv_state_json(st, status);
	struct cv_err ignored;

	if (spec && point == CV_HOOK_POSTSTART && spec->n_hooks[point])
		wait_for_exec(st);
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
	char fifo[PATH_MAX + 16];
	enum cv_status now;
	int fd, r;

	if ((r = cv_state_open(root, id, &st, err)) < 0)
		return r;
	if ((now = cv_state_status(&st)) != CV_CREATED) {
		r = wrong_status(&st, "start", now, err);
		goto out;
	}
	/* the init holds the fifo open: this open finds a reader, and the byte wakes it */
	snprintf(fifo, sizeof(fifo), "%s/exec.fifo", st.dir);
	fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || write(fd, "0", 1) != 1) {
		r = cv_err_sys(err, "waking the init through `%s`", fifo);
		if (fd >= 0)
			close(fd);
		goto out;
	}
	close(fd);
	unlink(fifo);
	cv_trace("container `%s` started: its init (pid %d) execs the program", id, (int)st.pid);
	st.status = CV_RUNNING;
	if ((r = cv_state_save(&st, err)) == 0)
		run_hooks(&st, CV_HOOK_POSTSTART, CV_RUNNING);
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

/* Every process in the container's cgroup. */
static int signal_all(const struct cv_state *st, int sig, struct cv_err *err)
{
	struct cv_cg_host host;
	struct cv_cgroup cg;
	pid_t pids[4096];
	int n;

	if (!st->cgroup[0])
		return signal_init(st, sig, err);
	if (cv_cg_detect(NULL, &host, err) < 0 || cv_cg_open(&host, st->cgroup, &cg, err) < 0 ||
	    (n = cv_cg_pids(&cg, pids, 4096, err)) < 0)
		return -err->code;
	for (int i = 0; i < n; i++)
		kill(pids[i], sig);
	cv_trace("%s to the %d processes of cgroup %s", sigabbrev_np(sig), n, st->cgroup);
	return 0;
}

int cv_container_kill(const char *root, const char *id, int sig, bool all, struct cv_err *err)
{
	struct cv_state st;
	enum cv_status now;
	int r;

	if ((r = cv_state_open(root, id, &st, err)) < 0)
		return r;
	now = cv_state_status(&st);
	if (now == CV_STOPPED)
		r = wrong_status(&st, "signal", CV_STOPPED, err);
	else
		r = all ? signal_all(&st, sig, err) : signal_init(&st, sig, err);
	cv_state_close(&st);
	return r;
}

/* Kill everything of the container and wait, a few seconds at most, for the init to go. */
static void kill_everything(const struct cv_state *st, struct cv_cgroup *cg, bool have_cg)
{
	struct cv_err ignored;

	if (have_cg)
		cv_cg_kill(cg, &ignored);
	if (cv_state_alive(st))
		kill(st->pid, SIGKILL);
	for (int i = 0; i < 500 && cv_state_alive(st); i++)
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
}

int cv_container_delete(const char *root, const char *id, bool force, struct cv_err *err)
{
	struct cv_state st;
	struct cv_cg_host host;
	struct cv_cgroup cg;
	bool have_cg = false;
	enum cv_status now;
	int r;

	if ((r = cv_state_open(root, id, &st, err)) < 0)
		return r;
	now = cv_state_status(&st);
	/* created (or stopped, as is a create that died half-way): no user program runs */
	if (now != CV_STOPPED && now != CV_CREATED && !force) {
		r = wrong_status(&st, "delete", now, err);
		cv_err_hint(err, "stop it first (`containerv kill %s KILL`), or use --force", id);
		goto out;
	}
	if (st.cgroup[0] && cv_cg_detect(NULL, &host, err) == 0 &&
	    cv_cg_open(&host, st.cgroup, &cg, err) == 0)
		have_cg = true;
	kill_everything(&st, &cg, have_cg);
	if (cv_state_alive(&st)) {
		r = cv_err_set(err, EBUSY, "container `%s`: its init (pid %d) did not die", id,
			       (int)st.pid);
		goto out;
	}
	if (have_cg && (r = cv_cg_destroy(&cg, err)) < 0)
		goto out;
	/* the default parent, /containerv, too once no container uses it */
	if (have_cg && !strncmp(st.cgroup, "/containerv/", 12) && !strchr(st.cgroup + 12, '/') &&
	    cv_cg_open(&host, "/containerv", &cg, err) == 0)
		cv_cg_prune(&cg);
	run_hooks(&st, CV_HOOK_POSTSTOP, CV_STOPPED);
	cv_trace("container `%s` deleted", id);
	return cv_state_remove(&st, err);
out:
	cv_state_close(&st);
	return r;
}

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
