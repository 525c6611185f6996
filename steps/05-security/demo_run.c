/*
 * demo_run.c - `cv-security run`'s process (see demo.h): a child applies
 * the settings and pauses just before execve(), so that this process can
 * read from /proc/PID/status what the kernel made of them, then lets it go.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "05-security/demo.h"
#include "05-security/show.h"
#include "common/child.h"

/*
 * The child: apply it all, say so on `ready`, wait for `go` (the parent
 * reads our /proc/PID/status meanwhile), exec.  The two pipes are
 * O_CLOEXEC; a filter that denies read or write only skips the pause.
 */
static void run_child(struct run *r, int ready, int go, struct cv_err *err)
{
	char byte = 0;

	if (cv_security_apply(&r->sec, err) < 0) {
		cv_err_print(err, "cv-security");
		_exit(126);
	}
	if (write(ready, "1", 1) == 1)
		(void)!read(go, &byte, 1);
	execvp(r->argv[0], r->argv);
	fprintf(stderr, "cv-security: execvp(`%s`): %s\n", r->argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

int launch(struct run *r, struct cv_err *err)
{
	int ready[2], go[2], status;
	char byte;
	pid_t pid;

	if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0)
		return cv_err_sys(err, "pipe2()"), 1;
	fflush(NULL);
	if ((pid = fork()) < 0)
		return cv_err_sys(err, "fork()"), 1;
	if (pid == 0) {
		close(ready[0]);
		close(go[1]);
		run_child(r, ready[1], go[0], err);
	}
	close(ready[1]);
	close(go[0]);
	if (read(ready[0], &byte, 1) == 1 && !r->quiet)
		cv_show_process(pid, &r->sec, stderr);
	if (cv_signal_pending())
		kill(pid, SIGKILL); /* stopped before CMD started (^C, `| head`): it never will */
	close(go[1]);
	close(ready[0]);
	status = cv_wait_forwarding(pid, NULL);
	if (status == 128 + SIGSYS && !r->quiet)
		fprintf(stderr, "cv-security: %s was killed by SIGSYS: a seccomp rule said KILL\n",
			r->argv[0]);
	return status;
}
