/*
 * console.h - a terminal for the container.
 *
 * With "terminal": true the container's process gets a pseudo-terminal
 * made inside the container (its own devpts instance, so ttyname() and
 * /dev/console name something that exists in there).  The other end, the
 * master, goes to whoever manages the container's I/O: a program
 * listening on the --console-socket, which receives it as SCM_RIGHTS -
 * sent as runc sends it (the pty's name as the message), because clients
 * such as conmon expect exactly that.  Without a console socket, `run` in
 * the foreground is that program itself and copies between its own
 * terminal and the master.
 *
 * A terminal has a size, rows and columns, which programs in it ask for
 * (TIOCGWINSZ: `stty size`, an editor, a shell's line editing).  The
 * master sets it (TIOCSWINSZ) and the kernel then sends SIGWINCH to the
 * terminal's foreground process group, which asks again.  Whoever holds
 * the master owns the size: a console socket's client sets it itself
 * (the config's process.consoleSize is the size to begin with); when the
 * runtime relays, it passes on its own terminal's size - at the start
 * and each time its terminal changes size, which the kernel tells it
 * with a SIGWINCH of its own - as runc does.
 */
#ifndef CV_RT_CONSOLE_H
#define CV_RT_CONSOLE_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/err.h"

/* cv_console_connect - connect to the console socket at path; the fd, or -errno. */
int cv_console_connect(const char *path, struct cv_err *err);

/*
 * cv_console_setup - in the container after pivot_root: open a pty from
 * /dev/ptmx, size it, (with bind) bind the slave over /dev/console, make
 * it the controlling terminal and stdin/out/err, send the master over
 * `sock`.  exec's processes get a terminal of their own, not the console.
 */
int cv_console_setup(int sock, unsigned rows, unsigned cols, bool bind, struct cv_err *err);

/*
 * cv_console_recv - receive a master fd sent by cv_console_setup; the fd,
 * or -errno.  Without `wait`, only one already sent.
 */
int cv_console_recv(int sock, bool wait, struct cv_err *err);

/*
 * cv_console_our_size - the size of our terminal (stdin's, else stdout's,
 * else stderr's) into rows and cols; false (and nothing written) when none
 * is a terminal with a size (0x0, as a fresh pty has, is none).
 */
bool cv_console_our_size(unsigned *rows, unsigned *cols);

/*
 * cv_console_resize - give the master our terminal's size (see
 * cv_console_our_size); the kernel sends SIGWINCH to the container's
 * foreground process group when it changes.  Nothing done when we have no
 * terminal.  0, or -errno.
 */
int cv_console_resize(int master);

/*
 * cv_console_copy - until pid exits: copy our stdin to the master and the
 * master to our stdout, with our terminal (if stdin is one) in raw mode
 * and restored after; the master takes our terminal's size at the start
 * and again at each SIGWINCH we receive (blocked meanwhile, and read from
 * a signalfd).  Returns pid's status as waitpid gives it.
 */
int cv_console_copy(int master, pid_t pid);

#endif
