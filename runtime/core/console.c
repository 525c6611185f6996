/*
 * console.c - the container's pseudo-terminal (see console.h).
 *
 * Where the pty is made decides what it is: /dev/ptmx opened after
 * pivot_root is the container's own devpts instance (the config's devpts
 * mount, newinstance), so the slave is a /dev/pts/N that exists in the
 * container and ttyname() finds it, while the host's ptys are not
 * seen in there.  The init (or exec's
 * process) opens it, keeps the slave as its stdio and controlling
 * terminal, and gives the master away over a unix socket (SCM_RIGHTS):
 * the process that holds the master is whoever serves the container's
 * I/O, and can outlive the runtime that made the pty.
 *
 * When the runtime serves it itself (`run` in the foreground), the copy
 * is one poll(2) loop over four descriptors - the master, our stdin, a
 * pidfd of the container's process and a signalfd for SIGWINCH - so no
 * signal handler and no second thread are needed, and nothing the
 * container writes is lost between its exit and our return.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fdpass.h"
#include "common/syscalls.h"
#include "common/trace.h"
#include "runtime/core/console.h"

/* A stream socket, as runc's clients (conmon, containerd's shim) listen on. */
int cv_console_connect(const char *path, struct cv_err *err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path))
		return cv_err_set(err, ENAMETOOLONG, "console socket `%s`: the path is too long",
				  path);
	strcpy(addr.sun_path, path); /* fits: checked above (108 bytes, unix(7)) */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		cv_err_sys(err, "connect(console socket `%s`)", path);
		if (fd >= 0)
			close(fd);
		return cv_err_hint(err,
				   "--console-socket names a unix socket someone listens on, to "
				   "receive the terminal");
	}
	return fd;
}

/*
 * /dev/console shows the same terminal: a bind mount of the slave onto it.
 * A bind needs something to mount on, so an empty file is made first if
 * there is none; whatever was there is hidden under the bind.
 */
static int bind_console(const char *slave, struct cv_err *err)
{
	int fd = open("/dev/console", O_CREAT | O_WRONLY | O_NOCTTY | O_CLOEXEC, 0600), r;

	if (fd >= 0)
		close(fd);
	r = mount(slave, "/dev/console", NULL, MS_BIND, NULL);
	cv_trace_sys(r, "mount(`%s` on `/dev/console`, MS_BIND)", slave);
	return r < 0 ? cv_err_sys(err, "mount(`%s` on `/dev/console`, MS_BIND)", slave) : 0;
}

int cv_console_setup(int sock, unsigned rows, unsigned cols, bool bind, struct cv_err *err)
{
	_cleanup_close_ int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
	char slave[64];
	int fd, r;

	if (master < 0) {
		cv_err_sys(err, "open(`/dev/ptmx`) in the container");
		return cv_err_hint(err, "a terminal needs devpts mounted at /dev/pts (newinstance) "
					"and /dev/ptmx");
	}
	/* a new pty's slave is locked until unlockpt (pts(4)); its name is in our devpts */
	if (unlockpt(master) < 0 || ptsname_r(master, slave, sizeof(slave)) != 0)
		return cv_err_sys(err, "unlockpt/ptsname(`/dev/ptmx`)");
	/* the size before the program starts: its first TIOCGWINSZ already sees it */
	if ((rows || cols) && ioctl(master, TIOCSWINSZ, &ws) < 0)
		return cv_err_sys(err, "ioctl(TIOCSWINSZ, %ux%u)", rows, cols);
	if (bind && (r = bind_console(slave, err)) < 0)
		return r;
	/* the container's session leader, with the terminal as its own: setsid(2)
	 * works as we are not a process group leader (a child of the runtime), and
	 * only a session leader without a terminal can take one (TIOCSCTTY,
	 * tty_ioctl(4)); then ^C on the terminal is SIGINT to the container's
	 * foreground group, and job control works in a shell in there */
	if ((fd = open(slave, O_RDWR | O_NOCTTY)) < 0)
		return cv_err_sys(err, "open(`%s`)", slave);
	if (setsid() < 0 || ioctl(fd, TIOCSCTTY, 0) < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0 ||
	    dup2(fd, 2) < 0)
		return cv_err_sys(err, "making `%s` the terminal of the container", slave);
	if (fd > 2)
		close(fd);
	cv_trace("terminal %s: stdin, stdout and stderr; the master goes to the console socket",
		 slave);
	/* the slave's name as the message, as runc sends it; our master closes on
	 * return, so the receiver holds the only one, and its close hangs up the
	 * container's terminal */
	if ((r = cv_send_fd(sock, master, slave, strlen(slave))) < 0)
		return cv_err_set(err, -r, "sendmsg(the terminal to the console socket): %s",
				  strerror(-r));
	return 0;
}

int cv_console_recv(int sock, bool wait, struct cv_err *err)
{
	char name[256];
	int fd = cv_recv_fd(sock, name, sizeof(name), NULL, wait ? 0 : MSG_DONTWAIT);

	return fd >= 0 ? fd : cv_err_set(err, EPROTO, "the container sent no terminal");
}

/*
 * Copy what is there from `from` to `to`; false at the end of `from` (or an
 * error: a master whose slave is closed by all reads EIO).  A read
 * interrupted by a signal is not an end.  The write is finished whole, so
 * nothing read is dropped on a slow or full output.
 */
static bool pump(int from, int to)
{
	char buf[4096];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n <= 0)
		return n < 0 && errno == EINTR;
	for (ssize_t off = 0; off < n;) {
		ssize_t w = write(to, buf + off, (size_t)(n - off));
		if (w < 0 && errno != EINTR)
			return false;
		off += w > 0 ? w : 0;
	}
	return true;
}

bool cv_console_our_size(unsigned *rows, unsigned *cols)
{
	struct winsize ws;

	/* the first of stdin, stdout, stderr that is a terminal (`run </dev/null` still has one) */
	for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++) {
		if (!isatty(fd) || ioctl(fd, TIOCGWINSZ, &ws) < 0 || (!ws.ws_row && !ws.ws_col))
			continue;
		*rows = ws.ws_row;
		*cols = ws.ws_col;
		return true;
	}
	return false;
}

/* Ours onto the master; without a terminal of ours, the size the master has is kept. */
int cv_console_resize(int master)
{
	struct winsize ws = {0};
	unsigned rows, cols;

	if (!cv_console_our_size(&rows, &cols))
		return 0;
	ws.ws_row = (unsigned short)rows;
	ws.ws_col = (unsigned short)cols;
	cv_trace("terminal size %ux%u, from ours", rows, cols);
	/* on the master: the kernel signals the slave's foreground group, if the size changed */
	return ioctl(master, TIOCSWINSZ, &ws) < 0 ? -errno : 0;
}

/* A SIGWINCH came (maybe several): read them all, then pass the new size on once. */
static void follow_size(int sigfd, int master)
{
	struct signalfd_siginfo si;

	while (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		;
	cv_console_resize(master);
}

/*
 * The foreground relay of `run -t`.  Raw mode on our terminal: every key
 * goes to the container's terminal as it is typed, and the container's
 * line discipline does the echo, the line editing and ^C - ours, cooked,
 * would echo twice and keep ^C for ourselves.
 */
int cv_console_copy(int master, pid_t pid)
{
	struct termios saved, raw;
	bool tty = tcgetattr(STDIN_FILENO, &saved) == 0, in_open = true;
	int pidfd = sys_pidfd_open(pid, 0), status = 0, sigfd;
	sigset_t winch, mask;

	/* SIGWINCH blocked, so it waits in the signalfd, before the first size is
	 * read: a change in between is then not lost */
	sigemptyset(&winch);
	sigaddset(&winch, SIGWINCH);
	sigprocmask(SIG_BLOCK, &winch, &mask);
	sigfd = signalfd(-1, &winch, SFD_NONBLOCK | SFD_CLOEXEC);
	cv_console_resize(master);
	if (tty) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	for (;;) {
		struct pollfd p[4] = {{master, POLLIN, 0},
				      {in_open ? STDIN_FILENO : -1, POLLIN, 0},
				      {pidfd, POLLIN, 0},
				      {sigfd, POLLIN, 0}};
		/* a pidfd that failed to open is -1: poll skips it, and the master's
		 * hangup alone ends the copy */
		if (poll(p, 4, -1) < 0 && errno != EINTR)
			break;
		if (p[3].revents & POLLIN)
			follow_size(sigfd, master);
		if ((p[0].revents & (POLLIN | POLLHUP | POLLERR)) && !pump(master, STDOUT_FILENO) &&
		    !(p[0].revents & POLLIN))
			break;
		if ((p[0].revents & (POLLHUP | POLLERR)) && !(p[0].revents & POLLIN))
			break;
		if ((p[1].revents & (POLLIN | POLLHUP)) && !pump(STDIN_FILENO, master))
			in_open = false; /* our input ended: the container's goes on */
		/* the process exited: what it wrote last is still in the master; read it
		 * all before stopping, or the end of its output would be lost */
		if (p[2].revents & POLLIN) {
			while (pump(master, STDOUT_FILENO) && poll(p, 1, 0) > 0 &&
			       (p[0].revents & POLLIN))
				;
			break;
		}
	}
	/* our terminal as it was, and the caller's signal mask, before returning */
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	if (sigfd >= 0)
		close(sigfd);
	sigprocmask(SIG_SETMASK, &mask, NULL);
	if (pidfd >= 0)
		close(pidfd);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}
