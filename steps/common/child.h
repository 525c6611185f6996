/*
 * child.h - waiting for the process a demo started, as a shell would.
 */
#ifndef CV_COMMON_CHILD_H
#define CV_COMMON_CHILD_H

#include <sys/types.h>

/*
 * cv_wait_forwarding - wait for child pid, passing SIGINT, SIGTERM,
 * SIGHUP and SIGQUIT on to it.  A second SIGINT or SIGTERM sends SIGKILL:
 * a pid 1 ignores signals it has no handler for, so asking twice must
 * work.  Returns the exit status as a shell reports it (128 + N for a
 * signal N); *signo, when not NULL, gets N or 0.
 */
int cv_wait_forwarding(pid_t pid, int *signo);

/*
 * Undo, then die of the signal.  A demo that makes something outside
 * itself (a cgroup, a temporary directory) calls cv_defer_signals()
 * before it makes it.  From then on SIGINT, SIGTERM, SIGHUP and SIGPIPE
 * only note themselves (a write to a closed pipe fails with EPIPE instead
 * of killing the demo half-way); cv_signal_pending() names the first that
 * came, or 0.  Once the demo has removed what it made it calls
 * cv_raise_deferred(): the signal noted, if any, is raised again with its
 * default action, so the demo dies of it after all, with the status a
 * shell expects (130, 141, 143) - only later, and with nothing left
 * behind.  A signal ignored when the demo started stays ignored; a child
 * not yet executed dies of it as it would have (runtime/core/stop.c does the
 * same for `containerv create`).  cv_wait_forwarding() passes one that
 * came before the wait on to the child.
 */
void cv_defer_signals(void);
int cv_signal_pending(void);
void cv_raise_deferred(void);
/* cv_undefer_signals - what is made is gone early: signals act at once again. */
void cv_undefer_signals(void);

#endif
