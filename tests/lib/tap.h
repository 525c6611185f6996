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

#endif
