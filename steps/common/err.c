/*
 * err.c - filling and printing struct cv_err (see err.h).
 *
 * Only vsnprintf, strerrordesc_np and write(2) are used: no malloc, no
 * locale lookups, so these are safe in the child between clone() and
 * execve().  strerrordesc_np() (glibc 2.32) returns the untranslated
 * description from a static table, unlike strerror(), which may consult
 * the locale.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/err.h"

/* Write at buf[at...], truncating silently: a long message is still a message. */
static void append(char *buf, size_t size, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void append(char *buf, size_t size, size_t at, const char *fmt, ...)
{
	va_list ap;

	if (at >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + at, size - at, fmt, ap);
	va_end(ap);
}

/* NULL for a number glibc does not know, where strerror() would say "Unknown error N". */
static const char *describe(int errnum)
{
	const char *d = strerrordesc_np(errnum);
	return d ? d : "Unknown error";
}

int cv_err_sys(struct cv_err *err, const char *fmt, ...)
{
	/* Read first: formatting may change errno.  0 would read as "no error",
	 * so a call with errno unset still fails, as EIO. */
	int saved = errno ? errno : EIO;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	if (n >= 0)
		append(err->msg, sizeof(err->msg), (size_t)n, ": %s", describe(saved));
	err->code = saved;
	err->hint[0] = '\0';
	/* kept for the caller, which often picks its hint by errno next */
	errno = saved;
	return -saved;
}

int cv_err_set(struct cv_err *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	/* code 0 would be "no error" to every caller: a bad errnum is EINVAL */
	err->code = errnum > 0 ? errnum : EINVAL;
	err->hint[0] = '\0';
	return -err->code;
}

int cv_err_hint(struct cv_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->hint, sizeof(err->hint), fmt, ap);
	va_end(ap);
	return -err->code;
}

int cv_err_wrap(struct cv_err *err, const char *fmt, ...)
{
	char old[CV_ERR_MSG_MAX];
	va_list ap;
	int n;

	/* a copy: the new text is written over the old in place */
	memcpy(old, err->msg, sizeof(old));
	va_start(ap, fmt);
	n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	if (n >= 0)
		append(err->msg, sizeof(err->msg), (size_t)n, ": %s", old);
	return -err->code;
}

void cv_err_clear(struct cv_err *err)
{
	err->code = 0;
	err->msg[0] = '\0';
	err->hint[0] = '\0';
}

/*
 * Not stdio: a line built on the stack and written whole, so printing is
 * safe in a child after clone(), and a line never splits around another
 * process's.  A failed write to stderr has nowhere to be reported.
 */
void cv_err_print(const struct cv_err *err, const char *prog)
{
	char line[CV_ERR_MSG_MAX + CV_ERR_HINT_MAX + 64];
	int n;

	n = snprintf(line, sizeof(line), "%s: %s\n", prog, err->msg[0] ? err->msg : "error");
	if (n > 0)
		(void)!write(STDERR_FILENO, line,
			     (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
	if (err->hint[0]) {
		n = snprintf(line, sizeof(line), "hint: %s\n", err->hint);
		if (n > 0)
			(void)!write(STDERR_FILENO, line,
				     (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
	}
}

void cv_warn(const char *fmt, ...)
{
	char line[CV_ERR_MSG_MAX];
	va_list ap;
	int n;

	/* 9: "warning: "; one byte is kept for the newline */
	memcpy(line, "warning: ", 9);
	va_start(ap, fmt);
	n = vsnprintf(line + 9, sizeof(line) - 10, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	n = n + 9 < (int)sizeof(line) - 1 ? n + 9 : (int)sizeof(line) - 1;
	line[n++] = '\n';
	(void)!write(STDERR_FILENO, line, (size_t)n);
}

int cv_errno_from_name(const char *name)
{
	char *end;
	long n = strtol(name, &end, 10);

	/* a number: within the kernel's errno range (below 4096, MAX_ERRNO) */
	if (end != name && !*end)
		return n > 0 && n < 4096 ? (int)n : -1;
	/* a name: asm-generic/errno.h's all lie below 256 (the last, EHWPOISON, is 133) */
	for (int e = 1; e < 256; e++) {
		const char *known = strerrorname_np(e);
		if (known && !strcasecmp(known, name))
			return e;
	}
	return -1;
}
