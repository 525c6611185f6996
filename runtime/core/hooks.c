/*
 * hooks.c - one hook: fork, the state on a pipe as standard input, exec,
 * wait with a timeout, or until create is stopped (stop.h) (see hooks.h).
 *
 * A hook runs in whatever process calls cv_hooks_run, and so in its
 * namespaces: the runtime's for prestart, createRuntime, poststart and
 * poststop, the init's (the container's, before pivot_root) for
 * createContainer, and the init's after seccomp for startContainer.  So
 * nothing here may assume a place: the hook is started by fork and execve
 * alone, with the path, argv and env of config.json exactly as given
 * (none given is none: nothing of the runtime's environment leaks in), and
 * waited for with a pidfd polled beside the stop pipe (wait_hook): a
 * timeout or a stop cuts the wait short with no SIGCHLD handler, in a
 * process that may have one of its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/syscalls.h"
#include "common/trace.h"
#include "runtime/core/hooks.h"
#include "runtime/core/stop.h"

/* --- running a hook ----------------------------------------------------------- */

/* In the child: never returns.  argv defaults to the path alone, env to empty. */
static void exec_hook(const struct cv_hook *h, int in)
{
	char *const path_only[] = {(char *)h->path, NULL};
	char *const no_env[] = {NULL};

	dup2(in, STDIN_FILENO);
	/* a hook's output is the runtime's diagnostics, not the container's: stdout,
	 * which may be the container's terminal or an engine's pipe, gets stderr */
	dup2(STDERR_FILENO, STDOUT_FILENO);
	execve(h->path, h->args ? (char *const *)h->args : path_only,
	       h->env ? (char *const *)h->env : no_env);
	/* 127, as a shell reports a command it could not run */
	fprintf(stderr, "containerv: hook %s: %s\n", h->path, strerror(errno));
	_exit(127);
}

/*
 * Wait for pid, for at most `timeout` seconds (0: forever): -ETIMEDOUT if
 * it lasts longer, -EINTR if cv_stop_fd says create was stopped
 * first.  Either way the hook is killed and reaped.  Its pidfd is polled
 * with the stop pipe, so neither wait misses the other; without pidfds
 * (before Linux 5.3) waitpid() alone waits, and neither timeout nor a stop
 * cuts it short.
 */
static int wait_hook(pid_t pid, int timeout, int *status)
{
	int pidfd = sys_pidfd_open(pid, 0), r = 0;

	if (pidfd >= 0) {
		struct pollfd p[2] = {{pidfd, POLLIN, 0}, {cv_stop_fd, POLLIN, 0}};
		while ((r = poll(p, 2, timeout > 0 ? timeout * 1000 : -1)) < 0 && errno == EINTR)
			;
		close(pidfd);
		if (r == 0 || p[1].revents) {
			kill(pid, SIGKILL);
			waitpid(pid, status, 0);
			return r == 0 ? -ETIMEDOUT : -EINTR;
		}
	}
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

/*
 * One hook, to its end: 0 when it exited 0, else an error naming the point,
 * the path and what happened (a timeout, a stop, a signal, an exit status).
 */
static int run_one(const struct cv_hook *h, enum cv_hook_point point, const char *state,
		   struct cv_err *err)
{
	int fds[2], status = 0, r;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return cv_err_sys(err, "pipe2() for hook %s", h->path);
	fflush(NULL); /* or the child's exit would write our buffered output again */
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		return cv_err_sys(err, "fork() for hook %s", h->path);
	}
	if (pid == 0) {
		close(fds[1]);
		exec_hook(h, fds[0]);
	}
	close(fds[0]);
	/* the state is small: it fits in the pipe, and a hook that never reads is no
	 * matter.  One that exits before reading closes the pipe: SIGPIPE ignored, the
	 * write fails with EPIPE instead of killing us */
	signal(SIGPIPE, SIG_IGN);
	(void)!write(fds[1], state, strlen(state));
	close(fds[1]);
	r = wait_hook(pid, h->timeout, &status);
	cv_trace("hook %s %s: %s", cv_hook_names[point], h->path,
		 r == -ETIMEDOUT                                 ? "timed out"
		 : r == -EINTR                                   ? "killed: create was stopped"
		 : WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "ok"
								 : "failed");
	if (r == -ETIMEDOUT) {
		cv_err_set(err, ETIMEDOUT, "%s hook `%s` did not finish within its timeout of %d s",
			   cv_hook_names[point], h->path, h->timeout);
		return cv_err_hint(err,
				   "it was killed; raise \"timeout\" in config.json if it needs "
				   "longer");
	}
	if (r == -EINTR)
		return cv_err_set(err, EINTR, "%s hook `%s` was killed: create was interrupted",
				  cv_hook_names[point], h->path);
	if (r < 0)
		return cv_err_set(err, -r, "waiting for %s hook `%s`", cv_hook_names[point],
				  h->path);
	if (WIFSIGNALED(status))
		return cv_err_set(err, ECHILD, "%s hook `%s` was killed by signal %d",
				  cv_hook_names[point], h->path, WTERMSIG(status));
	if (WEXITSTATUS(status) != 0)
		return cv_err_set(err, ECHILD, "%s hook `%s` exited with status %d",
				  cv_hook_names[point], h->path, WEXITSTATUS(status));
	return 0;
}

int cv_hooks_run(const struct cv_hook *hooks, size_t n, enum cv_hook_point point,
		 const char *state_json, bool warn_only, struct cv_err *err)
{
	struct cv_err one;
	int r;

	for (size_t i = 0; i < n; i++) {
		if ((r = run_one(&hooks[i], point, state_json, warn_only ? &one : err)) == 0)
			continue;
		if (!warn_only)
			return r;
		cv_warn("%s", one.msg);
	}
	return 0;
}
