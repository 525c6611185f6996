/*
 * stop.h - create, stopped half-way by a signal, leaves nothing behind.
 *
 * While create works, SIGTERM, SIGINT and SIGHUP (those
 * not ignored) are caught: each only makes the stop pipe readable, and
 * the long waits - the init's messages, a hook (killed then) - poll it
 * beside what they wait for.  Create then fails as for any error, undoing
 * what it made, and the signal is raised again for the caller's handlers.
 *
 *   cv_stop_arm     catch them; cv_stop_fd is the pipe's read end
 *   cv_stop_check   -EINTR (its message naming the signal) once one came
 *   cv_stop_final   at "created": block them; one that comes now is after
 *                   create (then -EINTR only for one that came before)
 *   cv_stop_disarm  the caller's handlers and mask back; a signal that
 *                   stopped create raised again (by default: death by it,
 *                   exit status 128+N, the message in err printed first)
 *
 * cv_stop_fd is -1 outside create; a copy of the runtime that is not
 * create (its init) sets it to -1 for itself (create.c, spawn_init).
 */
#ifndef CV_RT_STOP_H
#define CV_RT_STOP_H

#include "common/err.h"

extern int cv_stop_fd;
int cv_stop_arm(struct cv_err *err);
int cv_stop_check(struct cv_err *err);
int cv_stop_final(struct cv_err *err);
void cv_stop_disarm(const struct cv_err *err);

#endif
