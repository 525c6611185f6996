/*
 * rootless.c - a network namespace of the user's own, joined to the
 * world by pasta or slirp4netns (see rootless.h).
 *
 * Two processes take part.  The caller becomes root of a new user
 * namespace - uid and gid mapped to its own, one line each: the only map
 * an unprivileged process may write itself (user_namespaces(7); wider
 * ones need the setuid newuidmap) - and of a new network namespace that
 * namespace owns.  The helper must stay where the caller was: its
 * sockets are the host's.  Nothing can go back to a parent user
 * namespace (setns(2) refuses it), so it is forked *before* the caller
 * moves: a launcher that waits on a pipe and, once the namespaces exist,
 * execs the helper with the caller's pid.  The helper opens
 * /proc/PID/ns/{user,net}, enters them to make its tap device (hence
 * /dev/net/tun must be open to the user), and works from the host's.
 *
 * Both helpers say when the namespace is configured - tap up, address
 * and route set, ports bound - on a file descriptor: slirp4netns writes
 * to --ready-fd; pasta writes its pid to its --pid file, here a FIFO the
 * caller reads.  slirp4netns learns its ports afterwards, over its API
 * socket; pasta takes them on its command line.  Either listens on the
 * host port and connects to the same port in the namespace, where the
 * nft maps take over (nft.h).  Ports are checked free first
 * (cv_port_hold, closed at once), so a port in use is ports.c's clear
 * error, not a line in a helper's log.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "01-namespaces/namespaces.h"
#include "01-namespaces/idmap.h"
#include "04-network/rootless.h"
#include "common/cleanup.h"
#include "common/file.h"
#include "common/syscalls.h"
#include "common/trace.h"

#define READY_MS 5000 /* a helper is ready in ~0.1 s; this is for a loaded machine */
#define POLL_MS  50

const char *cv_rootless_tool_name(enum cv_rootless_tool tool)
{
	return tool == CV_ROOTLESS_PASTA   ? "pasta"
	       : tool == CV_ROOTLESS_SLIRP ? "slirp4netns"
					   : "auto";
}

/* `command -v name`: its first executable entry in PATH, into path. */
static bool in_path(const char *name, char *path, size_t size)
{
	const char *d = getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin";

	for (size_t len; *d; d += len + (d[len] == ':')) {
		len = strcspn(d, ":");
		if (len && (size_t)snprintf(path, size, "%.*s/%s", (int)len, d, name) < size &&
		    access(path, X_OK) == 0)
			return true;
	}
	return false;
}

/* AUTO is pasta first: it splices sockets, where slirp4netns runs a TCP/IP stack. */
static int pick_tool(enum cv_rootless_tool tool, char *path, size_t size,
		     enum cv_rootless_tool *used, struct cv_err *err)
{
	static const char *const pkg[] = {"passt (or slirp4netns)", "passt", "slirp4netns"};

	if (tool != CV_ROOTLESS_SLIRP && in_path("pasta", path, size))
		*used = CV_ROOTLESS_PASTA;
	else if (tool != CV_ROOTLESS_PASTA && in_path("slirp4netns", path, size))
		*used = CV_ROOTLESS_SLIRP;
	else {
		cv_err_set(err, ENOENT, "%s: not found in PATH",
			   tool ? cv_rootless_tool_name(tool) : "pasta or slirp4netns");
		return cv_err_hint(err, "install it: apt-get install %s", pkg[tool]);
	}
	cv_trace("rootless network by %s (%s)", cv_rootless_tool_name(*used), path);
	return 0;
}

/* Tried here, for the helper's log would say it less plainly, and later. */
static int check_tun(struct cv_err *err)
{
	_cleanup_close_ int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	cv_trace_sys(fd, "open(/dev/net/tun, O_RDWR)");
	if (fd >= 0)
		return 0;
	cv_err_sys(err, "open(`/dev/net/tun`, O_RDWR)");
	if (errno == EACCES || errno == EPERM)
		return cv_err_hint(err, "the helper makes its tap device there: chmod 0666 "
					"/dev/net/tun (the mode Debian's udev rules give it)");
	return cv_err_hint(err, "is the tun module loaded? (modprobe tun)");
}

/*
 * Each port bound and let go at once: the helper binds it itself.  One
 * taken in between is the helper's error (pasta exits; slirp4netns'
 * add_hostfwd fails), only less plainly put.
 */
static int check_ports(const struct cv_port *ports, int n, struct cv_err *err)
{
	int fds[2], held;

	if (n < 0 || n > CV_ROOTLESS_PORTS_MAX)
		return cv_err_set(err, E2BIG, "%d ports: at most %d", n, CV_ROOTLESS_PORTS_MAX);
	for (int i = 0; i < n; i++) {
		if ((held = cv_port_hold(&ports[i], fds, err)) < 0)
			return held;
		while (held-- > 0)
			close(fds[held]);
	}
	return 0;
}

/*
 * The launcher, between fork and exec: it waits until the caller's
 * namespaces exist (a byte on go; end of file if the caller gave up),
 * then gives the helper /dev/null as stdin, the log as stdout and
 * stderr, slirp4netns its ready pipe as fd 3, and nothing else of the
 * caller's.  The caller's death sends it SIGTERM (PR_SET_PDEATHSIG
 * outlives execve), so a killed caller does not leave a helper behind.
 */
static void __attribute__((noreturn))
launcher(const struct cv_rootless_cmd *c, int go, int go_w, int log, int ready_w)
{
	int lg = fcntl(log, F_DUPFD_CLOEXEC, 10); /* above 0-3, which are rewritten */
	int rw = ready_w >= 0 ? fcntl(ready_w, F_DUPFD_CLOEXEC, 10) : -1;
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	struct cv_err e;
	char byte;

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	close(go_w);
	if (read(go, &byte, 1) != 1 || lg < 0 || null < 0 || dup2(null, 0) < 0 || dup2(lg, 1) < 0 ||
	    dup2(lg, 2) < 0 || (rw >= 0 && dup2(rw, 3) < 0))
		_exit(127);
	cv_close_fds_except(rw >= 0 ? 4 : 3, NULL, 0, &e);
	execv(c->argv[0], c->argv);
	dprintf(2, "execv(%s): %s\n", c->argv[0], strerror(errno));
	_exit(127);
}

/*
 * Root of a new user namespace, then of a network namespace it owns: its
 * own ids mapped to 0, one line each, written by step 01's
 * cv_idmap_write() to its own /proc/PID files, setgroups denied first
 * (an unprivileged gid_map needs it: CVE-2014-8989).
 */
static int become_root(uid_t uid, gid_t gid, struct cv_err *err)
{
	static struct cv_idmap maps[2];
	const struct cv_idmap_extent self[2] = {{0, uid, 1}, {0, gid, 1}};
	int r;

	if ((r = cv_ns_unshare(CLONE_NEWUSER, err)) < 0) {
		if (r == -EPERM || r == -ENOSPC)
			cv_err_hint(err,
				    "user namespaces may be off: sysctl user.max_user_namespaces, "
				    "kernel.unprivileged_userns_clone");
		return r;
	}
	maps[0].n = maps[1].n = 0;
	if ((r = cv_idmap_add(&maps[0], &self[0], err)) < 0 ||
	    (r = cv_idmap_add(&maps[1], &self[1], err)) < 0 ||
	    (r = cv_idmap_write(getpid(), &maps[0], &maps[1], true, err)) < 0)
		return r;
	return cv_ns_unshare(CLONE_NEWNET, err);
}

/*
 * TMPDIR/cv-rootless-XXXXXX holds the helper's log, slirp4netns' socket
 * and pasta's FIFO.  The caller reads the FIFO with O_NONBLOCK, or open()
 * would wait for the writer; it sees no end of file before pasta opens it.
 */
static int make_files(struct cv_rootless *r, int *ready, int *ready_w, struct cv_err *err)
{
	const char *base = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char fifo[PATH_MAX + 16];
	int p[2];

	snprintf(r->tmpdir, sizeof(r->tmpdir), "%s/cv-rootless-XXXXXX", base);
	if (!mkdtemp(r->tmpdir)) {
		cv_err_sys(err, "mkdtemp(`%s`)", r->tmpdir);
		r->tmpdir[0] = '\0';
		return -err->code;
	}
	cv_trace("mkdtemp(%s) ok", r->tmpdir);
	if (r->used == CV_ROOTLESS_PASTA) {
		snprintf(fifo, sizeof(fifo), "%s/pasta.pid", r->tmpdir);
		if (mkfifo(fifo, 0600) < 0)
			return cv_err_sys(err, "mkfifo(`%s`)", fifo);
		*ready = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		return *ready < 0 ? cv_err_sys(err, "open(`%s`, O_RDONLY)", fifo) : 0;
	}
	if ((size_t)snprintf(r->api_socket, sizeof(r->api_socket), "%s/api.sock", r->tmpdir) >=
	    sizeof(r->api_socket)) {
		cv_err_set(err, ENAMETOOLONG, "`%s/api.sock`: too long for a socket", r->tmpdir);
		return cv_err_hint(err, "set TMPDIR to a shorter directory");
	}
	if (pipe2(p, O_CLOEXEC) < 0)
		return cv_err_sys(err, "pipe2()");
	*ready = p[0], *ready_w = p[1];
	return 0;
}

/*
 * A helper that died or said nothing in time: the message carries the
 * last line of its log, but for pasta's complaints of the system logger
 * it finds missing ("Failed to send ... to syslog").
 */
static int helper_failed(const struct cv_rootless *r, int status, struct cv_err *err)
{
	const char *name = cv_rootless_tool_name(r->used), *said = "it wrote nothing";
	char path[PATH_MAX + 32], text[4096], *save = NULL;
	struct cv_err e;

	snprintf(path, sizeof(path), "%s/%s.log", r->tmpdir, name);
	if (cv_read_file(path, text, sizeof(text), &e) > 0)
		for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
			said = strncmp(l, "Failed to send", 14) ? l : said;
	if (status < 0)
		cv_err_set(err, ETIMEDOUT, "%s: not ready after %d ms: %s", name, READY_MS, said);
	else
		cv_err_set(err, EIO, "%s: %s %d: %s", name,
			   WIFSIGNALED(status) ? "killed by signal" : "exited with status",
			   WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status), said);
	if (strstr(said, "External interface not usable"))
		return cv_err_hint(err,
				   "pasta copies the host's interface with the default "
				   "route, and there is none: add a route, or use slirp4netns");
	return -err->code;
}

/* Wait for the ready byte (or pid), the helper's death, or the time to run out. */
static int wait_ready(struct cv_rootless *r, int ready, struct cv_err *err)
{
	char buf[32];
	int status;

	for (int ms = 0; ms < READY_MS; ms += POLL_MS) {
		struct pollfd p = {.fd = ready, .events = POLLIN};
		if (poll(&p, 1, POLL_MS) > 0 && read(ready, buf, sizeof(buf)) > 0) {
			cv_trace("%s (pid %d) is ready", cv_rootless_tool_name(r->used),
				 (int)r->helper);
			return 0;
		}
		if (waitpid(r->helper, &status, WNOHANG) == r->helper) {
			r->helper = -1;
			return helper_failed(r, status, err);
		}
		if (p.revents & POLLHUP) /* closed without a word: poll would not wait */
			nanosleep(&(struct timespec){0, POLL_MS * 1000000L}, NULL);
	}
	return helper_failed(r, -1, err);
}

/*
 * From the files to a ready helper, in the order the essay gives.  The
 * helper opens the caller's /proc/PID/ns/ files, which ptrace's access
 * rule (proc(5)) allows only while the caller is dumpable, and a process
 * whose uid changed is not: it is, until the helper is in, then as it was.
 */
static int start(struct cv_rootless *r, const char *exe, const struct cv_port *ports, int n,
		 struct cv_err *err)
{
	_cleanup_close_ int ready = -1, ready_w = -1, log = -1, go = -1, go_w = -1;
	char path[PATH_MAX + 32];
	int fds[2], was, rc;
	struct cv_rootless_cmd cmd;

	if ((rc = make_files(r, &ready, &ready_w, err)) < 0)
		return rc;
	snprintf(path, sizeof(path), "%s/%s.log", r->tmpdir, cv_rootless_tool_name(r->used));
	if ((log = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		return cv_err_sys(err, "open(`%s`)", path);
	if ((rc = cv_rootless_cmd(r, exe, ports, n, getpid(), &cmd, err)) < 0)
		return rc;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return cv_err_sys(err, "pipe2()");
	go = fds[0], go_w = fds[1];
	if ((r->helper = fork()) == 0)
		launcher(&cmd, go, go_w, log, ready_w);
	cv_trace_sys(r->helper, "fork() the launcher of %s", exe);
	if (r->helper < 0)
		return cv_err_sys(err, "fork()");
	cv_closep(&ready_w); /* the helper's alone now: its end of file is its death */
	/* dumpable while our /proc/PID files are written (the id maps) and the
	 * helper joins through them: a caller that changed uid is not, and its
	 * /proc files would then be root's */
	if ((was = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0)) != 1)
		prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	if ((rc = become_root(geteuid(), getegid(), err)) == 0) {
		for (size_t i = 0; i + 1 < cmd.used; i++) /* one line for the trace */
			cmd.text[i] = cmd.text[i] ? cmd.text[i] : ' ';
		cv_trace("launcher %d execs %s", (int)r->helper, cmd.text);
		/* the namespaces exist: the launcher may exec the helper, which joins them */
		rc = write(go_w, "1", 1) == 1 ? wait_ready(r, ready, err)
					      : cv_err_sys(err, "write(go)");
	}
	if (was != 1)
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	return rc;
}

int cv_rootless_enter(enum cv_rootless_tool tool, const struct cv_port *ports, int n_ports,
		      struct cv_rootless *out, struct cv_err *err)
{
	char exe[PATH_MAX];
	int r;

	memset(out, 0, sizeof(*out));
	out->helper = out->helper_pidfd = -1;
	/* what can be refused without a process or a namespace comes first */
	if ((r = pick_tool(tool, exe, sizeof(exe), &out->used, err)) < 0 ||
	    (r = check_tun(err)) < 0 || (r = check_ports(ports, n_ports, err)) < 0)
		return r;
	r = start(out, exe, ports, n_ports, err);
	for (int i = 0; r == 0 && out->used == CV_ROOTLESS_SLIRP && i < n_ports; i++)
		r = cv_rootless_slirp_forward(out, &ports[i], err);
	if (r < 0) {
		cv_rootless_leave(out);
		return r;
	}
	/* for a caller's poll(2): readable when the helper ends (-1 before Linux 5.3) */
	out->helper_pidfd = sys_pidfd_open(out->helper, 0);
	return 0;
}

void cv_rootless_leave(struct cv_rootless *r)
{
	struct cv_err e;
	int k;

	/* helper and tmpdir are reset once done: a second call finds nothing */
	if (r->helper > 0) {
		/* both end on SIGTERM; pasta at once, slirp4netns by the default action */
		k = kill(r->helper, SIGTERM);
		cv_trace_sys(k, "kill(%d, SIGTERM) %s", (int)r->helper,
			     cv_rootless_tool_name(r->used));
		waitpid(r->helper, NULL, 0);
		r->helper = -1;
	}
	cv_closep(&r->helper_pidfd);
	if (r->tmpdir[0] && cv_remove_tree(r->tmpdir, &e) < 0)
		cv_trace("leaving %s behind: %s", r->tmpdir, e.msg);
	r->tmpdir[0] = r->api_socket[0] = '\0';
}
