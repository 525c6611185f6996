/*
 * tap.c - fork-per-test TAP harness (see tap.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/tap.h"

#define SKIP_STATUS 77
#define TIMEOUT_S   60

/*
 * Test children end with exit(), not _exit(): stdout is flushed before each
 * fork so nothing is written twice, and a coverage build needs the exit
 * handlers to record what the test ran.
 */
static int skip_fd = -1; /* the child writes its skip reason here */

static void vline(const char *prefix, const char *fmt, va_list ap)
{
	fputs(prefix, stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	fflush(stdout);
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("# ", fmt, ap);
	va_end(ap);
}

void tap_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("# FAIL ", fmt, ap);
	va_end(ap);
	exit(1);
}

void tap_skip(const char *fmt, ...)
{
	char reason[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (n > 0)
		(void)!write(skip_fd, reason, strnlen(reason, sizeof(reason)));
	exit(SKIP_STATUS);
}

void tap_need_root(void)
{
	if (geteuid() != 0)
		tap_skip("needs root");
}

const char *tap_run(void)
{
	static char token[32];
	const char *run = getenv("CV_TEST_RUN");

	if (run && *run)
		return run;
	/* the first call is tap_main's, in the parent: one token for every test */
	snprintf(token, sizeof(token), "cvt-p%d", (int)getpid());
	setenv("CV_TEST_RUN", token, 1);
	return token;
}

const char *tap_tmp(void)
{
	const char *dir = getenv("CV_TEST_TMP");

	if (!dir || !*dir)
		dir = getenv("TMPDIR");
	return dir && *dir ? dir : "/tmp";
}

char *tap_tmp_path(char *buf, size_t size, const char *fmt, ...)
{
	char name[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(name) ||
	    (size_t)snprintf(buf, size, "%s/%s", tap_tmp(), name) >= size)
		tap_fail("%s/%s is too long (%zu bytes at most): a shorter TMPDIR?", tap_tmp(),
			 name, size - 1);
	return buf;
}

void tap_tmp_for_others(void)
{
	struct stat st;

	if (stat(tap_tmp(), &st) < 0 || !(st.st_mode & S_IXOTH))
		tap_fail("%s: not searchable by others, and this test's files are reached by a "
			 "non-root uid: chmod o+x it, as tests/run.sh does",
			 tap_tmp());
}

static bool must_work(void)
{
	const char *v = getenv("CV_MUST_WORK");
	return v && strcmp(v, "1") == 0;
}

/* Run one test in a child; print its TAP line; return 1 if it failed. */
static int run_one(size_t num, const struct tap_test *t)
{
	char reason[256] = "";
	int fds[2], status;
	pid_t pid;
	ssize_t n;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return printf("not ok %zu - %s # pipe: %s\n", num, t->name, strerror(errno)), 1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		skip_fd = fds[1];
		alarm(TIMEOUT_S);
		t->fn();
		exit(0); /* not _exit: a coverage build writes its counts at exit */
	}
	close(fds[1]);
	n = read(fds[0], reason, sizeof(reason) - 1);
	reason[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		printf("ok %zu - %s\n", num, t->name);
		return 0;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == SKIP_STATUS && !must_work()) {
		printf("ok %zu - %s # SKIP %s\n", num, t->name, reason);
		return 0;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == SKIP_STATUS)
		printf("not ok %zu - %s # skipped under CV_MUST_WORK=1: %s\n", num, t->name,
		       reason);
	else if (WIFSIGNALED(status))
		printf("not ok %zu - %s # killed by signal %d%s\n", num, t->name, WTERMSIG(status),
		       WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
	else
		printf("not ok %zu - %s\n", num, t->name);
	return 1;
}

/*
 * CV_TAP_EXCLUDE="text|text": tests whose names contain one of the texts
 * are left out (not run, not counted) - for a machine where they cannot
 * apply, such as the cgroup v1 tests on a kernel with cgroup v2 alone.
 */
static bool excluded(const char *name)
{
	const char *list = getenv("CV_TAP_EXCLUDE");
	char copy[1024], *save = NULL;

	if (!list || !*list)
		return false;
	snprintf(copy, sizeof(copy), "%s", list);
	for (char *w = strtok_r(copy, "|", &save); w; w = strtok_r(NULL, "|", &save))
		if (strstr(name, w))
			return true;
	return false;
}

int tap_main(const struct tap_test *tests, size_t n)
{
	size_t run = 0, num = 0;
	int failed = 0;

	tap_run();
	for (size_t i = 0; i < n; i++)
		run += !excluded(tests[i].name);
	printf("1..%zu\n", run);
	for (size_t i = 0; i < n; i++)
		if (!excluded(tests[i].name))
			failed += run_one(++num, &tests[i]);
	fflush(stdout);
	return failed;
}
