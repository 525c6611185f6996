/*
 * listen.c - a seccomp supervisor (see show.h): the other end of
 * SCMP_ACT_NOTIFY.
 *
 * A filter rule with NOTIFY stops the calling thread inside the kernel
 * and hands a description of the call (pid, syscall number, arguments)
 * to whoever holds the filter's listener fd.  The supervisor answers with
 * a return value, an errno, or "continue" - and only then does the call
 * return.  The runtime sends the fd over a unix socket (seccomp.c); this
 * receives it, as a container engine's seccomp agent would.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "05-security/show.h"
#include "common/child.h"
#include "common/cleanup.h"
#include "common/fdpass.h"
#include "common/trace.h"

/*
 * Wait until fd is readable (0), or until SIGINT, SIGTERM or SIGHUP came
 * (-EINTR).  A check of cv_signal_pending() followed by poll(2) would
 * leave a gap: a signal between the two is noted by its handler, and the
 * poll then waits for a connection that never comes.  So the signals are
 * blocked around the check, and ppoll(2) unblocks them only while it
 * waits - atomically, as pselect(2) explains: one that came before is
 * delivered the moment ppoll starts, and ends it with EINTR.  poll, unlike
 * accept, is never restarted after a signal (signal(7)).
 */
static int wait_readable(int fd)
{
	struct pollfd p = {fd, POLLIN, 0};
	sigset_t block, was;
	int r = 0;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &was);
	while (!cv_signal_pending() && (r = ppoll(&p, 1, NULL, &was)) < 0 && errno == EINTR)
		;
	sigprocmask(SIG_SETMASK, &was, NULL);
	return cv_signal_pending() ? -EINTR : r < 0 ? -errno : 0;
}

/* Accept one connection on path and take the fd and the message it carries. */
static int receive_fd(const char *path, char *msg, size_t size, struct cv_err *err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	_cleanup_close_ int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), conn = -1;
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path))
		return cv_err_set(err, ENAMETOOLONG, "socket path `%s`: longer than %zu bytes",
				  path, sizeof(addr.sun_path) - 1);
	strcpy(addr.sun_path, path);
	/* the socket file is ours to remove, whatever ends us while we wait (common/child.h) */
	cv_defer_signals();
	if (sock < 0 || bind(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(sock, 1) < 0) {
		cv_undefer_signals();
		return cv_err_sys(err, "bind(`%s`)", path);
	}
	printf("listening on %s\n", path);
	fflush(stdout);
	if (wait_readable(sock) == 0)
		conn = accept4(sock, NULL, NULL, SOCK_CLOEXEC);
	unlink(path); /* one container per listener: the name is no longer needed */
	cv_undefer_signals();
	if (conn < 0)
		return cv_err_sys(err, "accept(`%s`)", path);
	if ((fd = cv_recv_fd(conn, msg, size, NULL, 0)) < 0)
		return cv_err_set(err, -fd, "`%s`: no file descriptor came: %s", path,
				  strerror(-fd));
	return fd;
}

/* Answer one notification as l says; print it. */
static int answer(int fd, const struct cv_listen *l, struct seccomp_notif *req,
		  struct seccomp_notif_resp *resp)
{
	char *name = seccomp_syscall_resolve_num_arch(req->data.arch, req->data.nr);
	int r;

	resp->id = req->id;
	/* CONTINUE makes the kernel run the call as the target made it: fine for this demo,
	 * never for a decision - the target may change the memory its pointer arguments
	 * name between our look and the kernel's (seccomp_unotify(2)) */
	resp->flags = l->cont ? SECCOMP_USER_NOTIF_FLAG_CONTINUE : 0;
	/* negated, as the kernel returns a system call's errors */
	resp->error = l->cont ? 0 : -l->error;
	resp->val = l->cont || l->error ? 0 : l->value;
	printf("pid %u: %s(%#llx, %#llx, %#llx) -> ", req->pid, name ? name : "?",
	       (unsigned long long)req->data.args[0], (unsigned long long)req->data.args[1],
	       (unsigned long long)req->data.args[2]);
	if (l->cont)
		printf("continue\n");
	else if (l->error)
		printf("-1 (%s)\n", strerrorname_np(l->error));
	else
		printf("%lld\n", l->value);
	fflush(stdout);
	free(name);
	r = seccomp_notify_respond(fd, resp);
	return r == -ENOENT ? 0 : r; /* the caller was killed meanwhile: nothing to answer */
}

int cv_listen(const struct cv_listen *l, struct cv_err *err)
{
	struct seccomp_notif *req = NULL;
	struct seccomp_notif_resp *resp = NULL;
	char msg[8192];
	int fd, r = 0, n = 0;

	if ((fd = receive_fd(l->path, msg, sizeof(msg), err)) < 0)
		return fd;
	printf("received the listener fd; the state: %s\n", msg);
	fflush(stdout);
	if (seccomp_notify_alloc(&req, &resp) < 0) {
		close(fd);
		return cv_err_set(err, ENOMEM, "seccomp_notify_alloc()");
	}
	/* one fd for the whole container: every process under the filter, children too */
	while (l->count < 0 || n < l->count) {
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, -1) < 0 && errno != EINTR) {
			r = cv_err_sys(err, "poll(listener fd)");
			break;
		}
		if (!(p.revents & POLLIN) && (p.revents & POLLHUP))
			break; /* every filtered process has exited */
		memset(req, 0, sizeof(*req));
		if ((r = seccomp_notify_receive(fd, req)) == -ENOENT) {
			r = 0;
			continue; /* it was interrupted or killed before we looked */
		}
		if (r < 0 || (r = answer(fd, l, req, resp)) < 0) {
			cv_err_set(err, -r, "seccomp notification: %s", strerror(-r));
			break;
		}
		n++;
	}
	printf("answered %d notifications\n", n);
	seccomp_notify_free(req, resp);
	close(fd);
	return r < 0 ? r : 0;
}
