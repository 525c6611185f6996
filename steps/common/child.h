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

#endif
