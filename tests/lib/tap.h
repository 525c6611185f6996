/*
 * tap.h - the harness of the privileged tests: one fork per test, TAP out.
 *
 * Each test runs in its own child process, so a test may unshare, setns,
 * drop privileges or crash without touching the next one.  A test passes
 * by returning; it fails or skips by calling tap_fail() / tap_skip(),
 * which exit.  With CV_MUST_WORK=1 in the environment a skip counts as a
 * failure: CI must not pass because a feature was silently absent.
 */
#ifndef CV_TESTS_TAP_H
#define CV_TESTS_TAP_H

#include <stdbool.h>
#include <stddef.h>

struct tap_test {
	const char *name;
	void (*fn)(void);
};

/* Run the tests in order; print TAP; return the number that failed. */
int tap_main(const struct tap_test *tests, size_t n);

void tap_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void tap_skip(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Fail the test, naming the condition and where, unless cond holds. */
#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			tap_diag("%s:%d: CHECK(%s) failed", __FILE__, __LINE__, #cond);            \
			tap_fail(__VA_ARGS__);                                                     \
		}                                                                                  \
	} while (0)

/* The test needs root: skip (or, under CV_MUST_WORK, fail) without it. */
void tap_need_root(void);

/*
 * What is this run's (docs/testing.md, "Tests share the machine").  Other
 * people run containers on this machine meanwhile; tests/leftovers.sh
 * finds what a run left by its marks, so everything a test makes carries
 * one:
 *
 * tap_run()  the run's token: $CV_TEST_RUN (tests/run.sh exports one), or
 *            "cvt-pPID" for a test program run by hand (then exported, so
 *            that the processes the tests start carry it too).  Every
 *            cgroup a test makes has it in its name.
 * tap_tmp()  the run's directory: $CV_TEST_TMP, else $TMPDIR, else /tmp.
 *            Every file a test makes is in it.
 * tap_tmp_path(buf, size, fmt, ...)  "DIR/" and fmt in buf, e.g. a
 *            mkdtemp() template; a path that does not fit fails the test.
 * tap_tmp_for_others()  for a test whose files a non-root uid reaches:
 *            fails, saying so, unless the directory is searchable by all
 *            (tests/run.sh makes it so; `mktemp -d` does not).
 */
const char *tap_run(void);
const char *tap_tmp(void);
char *tap_tmp_path(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void tap_tmp_for_others(void);

#endif
