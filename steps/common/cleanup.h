/*
 * cleanup.h - cleanup by attribute, ownership by steal.
 *
 * GCC and clang run a function when a variable marked
 * __attribute__((cleanup(f))) goes out of scope.  That lets every early
 * `return` release what the function opened so far, without a ladder of
 * gotos:
 *
 *     _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
 *     if (fd < 0)
 *             return cv_err_sys(err, "open(`%s`)", path);
 *     ...                                  // fd closed on every return
 *     return steal_fd(&fd);                // ...unless handed to the caller
 *
 * -1 means "no fd" (0 is a valid descriptor: standard input).
 */
#ifndef CV_COMMON_CLEANUP_H
#define CV_COMMON_CLEANUP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f)     __attribute__((cleanup(f)))
#define _cleanup_close_  _cleanup_(cv_closep)
#define _cleanup_free_   _cleanup_(cv_freep)
#define _cleanup_fclose_ _cleanup_(cv_fclosep)

/* Close *fd if it is open; keeps errno, so it is safe on error paths. */
static inline void cv_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
		*fd = -1;
	}
}

/* Free *p; free(NULL) does nothing, so an unset pointer needs no test. */
static inline void cv_freep(void *p)
{
	free(*(void **)p);
}

/* Close *f if it is open, keeping errno as cv_closep() does. */
static inline void cv_fclosep(FILE **f)
{
	if (*f) {
		int saved = errno;
		fclose(*f);
		errno = saved;
	}
}

/* Take ownership of *fd: return it and leave -1 behind. */
static inline int steal_fd(int *fd)
{
	int r = *fd;
	*fd = -1;
	return r;
}

/* Take ownership of a pointer: return it and leave NULL behind. */
static inline void *steal_ptr(void *pp)
{
	void **p = (void **)pp;
	void *r = *p;
	*p = NULL;
	return r;
}
#define steal_pointer(pp) ((__typeof__(*(pp)))steal_ptr(pp))

#endif
