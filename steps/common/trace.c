/*
 * trace.c - the "=>" narration (see trace.h).
 *
 * A trace line may come from anywhere: the parent, or a child between
 * clone() and execve(), whose stdio buffers are copies of the parent's
 * (what is in them would be written twice).  So no stdio stream and no
 * malloc: the line is built on the stack and leaves in one write(2) of at
 * most 1024 bytes, below PIPE_BUF, so on a pipe the lines of parent and
 * child never interleave mid-line (pipe(7)).  errno is kept, because a
 * trace sits between a failed call and the code that reads its errno.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/trace.h"

int cv_trace_fd = -1; /* off: the macros test it before evaluating any argument */

/*
 * The environment too, not only --explain: it reaches binaries started by
 * someone else (containerv run by podman or containerd), whose command
 * line we do not write.
 */
void cv_trace_init(void)
{
	const char *v = getenv("CV_EXPLAIN");

	if (v && *v && strcmp(v, "0") != 0)
		cv_trace_enable(STDERR_FILENO);
}

void cv_trace_enable(int fd)
{
	cv_trace_fd = fd;
}

/* Append to a line buffer, truncating (never overflowing) when it is full. */
static void vappendf(char *buf, size_t size, size_t *len, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
static void vappendf(char *buf, size_t size, size_t *len, const char *fmt, va_list ap)
{
	int r = vsnprintf(buf + *len, size - *len, fmt, ap);

	if (r > 0)
		*len += (size_t)r < size - *len ? (size_t)r : size - *len - 1;
}

static void appendf(char *buf, size_t size, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void appendf(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vappendf(buf, size, len, fmt, ap);
	va_end(ap);
}

void cv_trace_emit(const char *file, int outcome, const char *fmt, ...)
{
	char line[1024];
	int saved = errno;
	size_t len = 0;
	va_list ap;

	appendf(line, sizeof(line), &len, "=> ");
	va_start(ap, fmt);
	vappendf(line, sizeof(line), &len, fmt, ap);
	va_end(ap);
	if (outcome == CV_TRACE_OK) {
		appendf(line, sizeof(line), &len, " ok");
	} else if (outcome > 0) {
		/* "EPERM", not its description: the name the man pages' ERRORS list */
		const char *name = strerrorname_np(outcome);
		appendf(line, sizeof(line), &len, " failed: %s", name ? name : "E?");
	}
	appendf(line, sizeof(line), &len, " [%s]\n", file);
	if (line[len - 1] != '\n') /* truncated: still end the line */
		line[len - 1] = '\n';

	(void)!write(cv_trace_fd, line, len);
	errno = saved;
}
