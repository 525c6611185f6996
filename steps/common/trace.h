/*
 * trace.h - every primitive narrates itself.
 *
 * With tracing on (`--explain` on any binary, or CV_EXPLAIN=1 in the
 * environment) each kernel call containerv makes prints one line on
 * standard error, with its outcome and the source file it comes from:
 *
 *   => unshare(CLONE_NEWUTS|CLONE_NEWPID) ok [steps/01-namespaces/spawn.c]
 *   => write(/proc/4242/uid_map, "0 1000 1") failed: EPERM [steps/01-...]
 *
 * Off, a trace point costs one predictable branch on a global: the
 * arguments are not even evaluated.  A line is formatted on the stack and
 * written with a single write(2), so lines from a parent and its cloned
 * child never interleave mid-line and tracing is safe after clone().
 */
#ifndef CV_COMMON_TRACE_H
#define CV_COMMON_TRACE_H

#include <errno.h>

/* Where trace lines go: -1 when tracing is off (the default). */
extern int cv_trace_fd;

/*
 * cv_trace_init - turn tracing on when CV_EXPLAIN is set to anything but
 * "" or "0".  Every binary calls this first; `--explain` then calls
 * cv_trace_enable(2).
 */
void cv_trace_init(void);

/* cv_trace_enable - send trace lines to fd, or turn tracing off with -1. */
void cv_trace_enable(int fd);

/*
 * cv_trace_emit - write one line to cv_trace_fd, keeping errno.  Call the
 * macros below instead: they skip it, and their arguments, when tracing
 * is off.  outcome: CV_TRACE_NOTE, CV_TRACE_OK, or an errno.
 */
void cv_trace_emit(const char *file, int outcome, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Outcomes for cv_trace_emit(): a plain note, "ok", or "failed: E..." */
#define CV_TRACE_NOTE (-1)
#define CV_TRACE_OK   0

/* cv_trace("child waits for its uid_map") - a note in the story. */
#define cv_trace(...)                                                                              \
	do {                                                                                       \
		if (__builtin_expect(cv_trace_fd >= 0, 0))                                         \
			cv_trace_emit(__FILE__, CV_TRACE_NOTE, __VA_ARGS__);                       \
	} while (0)

/*
 * cv_trace_sys(ret, "unshare(%s)", flags) - a system call and its result:
 * "ok" when ret >= 0, else "failed: ENAME" from errno (which is kept).
 */
#define cv_trace_sys(ret, ...)                                                                     \
	do {                                                                                       \
		if (__builtin_expect(cv_trace_fd >= 0, 0))                                         \
			cv_trace_emit(__FILE__, (ret) < 0 ? errno : CV_TRACE_OK, __VA_ARGS__);     \
	} while (0)

#endif
