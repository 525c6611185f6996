/*
 * err.h - the one error convention of containerv.
 *
 * A fallible function returns 0 (or a non-negative result) on success and
 * a negative errno on failure, and takes `struct cv_err *err` as its last
 * argument.  On failure it fills *err with:
 *
 *   code  the positive errno (EINVAL for bad input that has no errno);
 *   msg   what failed, naming the syscall and its arguments, then the
 *         system's description of the errno:
 *             mount(`overlay` on `/x/rootfs`): No such device
 *   hint  optionally, what the user can do about it:
 *             is the overlay module loaded? (modprobe overlay)
 *
 * The struct is a fixed size and nothing here calls malloc, so a child of
 * clone() may fill one and write it whole down a pipe to its parent, which
 * prints it as if the error had happened at home.  See
 * docs/error-handling.md.
 */
#ifndef CV_COMMON_ERR_H
#define CV_COMMON_ERR_H

#include <stddef.h>

#define CV_ERR_MSG_MAX  512
#define CV_ERR_HINT_MAX 256

struct cv_err {
	int code;                   /* positive errno; 0 means "no error" */
	char msg[CV_ERR_MSG_MAX];   /* "syscall(args): description" */
	char hint[CV_ERR_HINT_MAX]; /* "" or advice for the user */
};

/*
 * cv_err_sys - record a failed system call, reading errno.
 * The message is the formatted text, ": ", and the description of errno.
 * Returns -errno so that a caller can write `return cv_err_sys(err, ...)`.
 * errno is left unchanged.
 */
int cv_err_sys(struct cv_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * cv_err_set - record an error that is not (only) a syscall's: bad input,
 * a failed check.  The message is exactly the formatted text.  Returns
 * -errnum.
 */
int cv_err_set(struct cv_err *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * cv_err_hint - attach advice to the error already in *err.
 * Returns -err->code, so `return cv_err_hint(err, "...")` works after
 * cv_err_sys() or cv_err_set().
 */
int cv_err_hint(struct cv_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * cv_err_wrap - put context in front of the message already in *err:
 * "--uid-map 0:x:1" + ": " + old message.  Returns -err->code.
 */
int cv_err_wrap(struct cv_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* cv_err_clear - reset *err to "no error". */
void cv_err_clear(struct cv_err *err);

/*
 * cv_err_print - write "PROG: MSG" and, when there is one, "hint: HINT"
 * to standard error, each line in one write(2).
 */
void cv_err_print(const struct cv_err *err, const char *prog);

/*
 * cv_warn - tell the user about something done differently than asked,
 * but done: "warning: MESSAGE" on standard error, in one write(2).
 */
void cv_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* cv_errno_from_name - "EACCES", "eacces" or "13" -> 13; -1 when it is none of them. */
int cv_errno_from_name(const char *name);

#endif
