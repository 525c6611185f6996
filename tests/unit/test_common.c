/*
 * test_common.c - the error convention, the trace, feature-probe
 * overrides, and step 01's table of namespace types.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "01-namespaces/namespaces.h"
#include "common/err.h"
#include "common/file.h"
#include "common/probe.h"
#include "common/trace.h"

static struct cv_err err;

static void err_sys_names_call_and_errno(void **state)
{
	(void)state;
	errno = ENODEV;
	assert_int_equal(cv_err_sys(&err, "mount(`%s` on `%s`)", "overlay", "/x/rootfs"), -ENODEV);
	assert_string_equal(err.msg, "mount(`overlay` on `/x/rootfs`): No such device");
	assert_int_equal(err.code, ENODEV);
	assert_int_equal(errno, ENODEV);
	assert_int_equal(cv_err_hint(&err, "is the %s module loaded?", "overlay"), -ENODEV);
	assert_string_equal(err.hint, "is the overlay module loaded?");
	assert_int_equal(cv_err_wrap(&err, "rootfs"), -ENODEV);
	assert_string_equal(err.msg, "rootfs: mount(`overlay` on `/x/rootfs`): No such device");
}

static void err_set_and_clear(void **state)
{
	(void)state;
	assert_int_equal(cv_err_set(&err, EINVAL, "bad %s", "input"), -EINVAL);
	assert_string_equal(err.msg, "bad input");
	assert_string_equal(err.hint, "");
	assert_int_equal(cv_err_set(&err, 0, "no errno"), -EINVAL); /* 0 becomes EINVAL */
	cv_err_clear(&err);
	assert_int_equal(err.code, 0);
	assert_string_equal(err.msg, "");
}

static void err_truncates_safely(void **state)
{
	char big[2 * CV_ERR_MSG_MAX];

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	errno = EPERM;
	cv_err_sys(&err, "%s", big);
	assert_int_equal(strlen(err.msg), CV_ERR_MSG_MAX - 1);
	cv_err_wrap(&err, "%s", big);
	assert_int_equal(strlen(err.msg), CV_ERR_MSG_MAX - 1);
}

/* Capture what a piece of code writes to a file descriptor. */
static int capture_fd(void)
{
	char path[] = "/tmp/cvtest-unit-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	return fd;
}

static void read_back(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
}

static void trace_lines(void **state)
{
	char buf[1024];
	int fd = capture_fd();

	(void)state;
	cv_trace_enable(fd);
	cv_trace("child waits for its %s", "uid_map");
	errno = EPERM;
	cv_trace_sys(-1, "unshare(%s)", "CLONE_NEWUTS");
	assert_int_equal(errno, EPERM); /* tracing keeps errno */
	cv_trace_sys(0, "sethostname(\"%s\")", "box");
	cv_trace_enable(-1);
	cv_trace("not printed when off");
	read_back(fd, buf, sizeof(buf));
	close(fd);
	assert_string_equal(buf,
			    "=> child waits for its uid_map [tests/unit/test_common.c]\n"
			    "=> unshare(CLONE_NEWUTS) failed: EPERM [tests/unit/test_common.c]\n"
			    "=> sethostname(\"box\") ok [tests/unit/test_common.c]\n");
}

static void trace_env(void **state)
{
	(void)state;
	cv_trace_enable(-1);
	setenv("CV_EXPLAIN", "0", 1);
	cv_trace_init();
	assert_int_equal(cv_trace_fd, -1);
	setenv("CV_EXPLAIN", "1", 1);
	cv_trace_init();
	assert_int_equal(cv_trace_fd, 2);
	cv_trace_enable(-1);
	unsetenv("CV_EXPLAIN");
}

static void probe_disable_list(void **state)
{
	(void)state;
	setenv("CV_DISABLE", "pidfd,clone3", 1);
	cv_probe_reset();
	assert_true(cv_probe_disabled("clone3"));
	assert_true(cv_probe_disabled("pidfd"));
	assert_false(cv_probe_disabled("clone"));
	assert_false(cv_probe_disabled("pid"));
	assert_false(cv_have_clone3());
	assert_false(cv_have_pidfd());
	assert_false(cv_have_setns_pidfd());
	setenv("CV_DISABLE", "time", 1);
	assert_false(cv_have_ns("time"));
	unsetenv("CV_DISABLE");
	cv_probe_reset();
	assert_true(cv_have_ns("user") == (access("/proc/self/ns/user", F_OK) == 0));
}

static void ns_table(void **state)
{
	char buf[256];
	int flags;

	(void)state;
	assert_int_equal(cv_ns_by_name("network")->flag, CLONE_NEWNET);
	assert_int_equal(cv_ns_by_name("net")->flag, CLONE_NEWNET);
	assert_int_equal(cv_ns_by_name("mount")->flag, CLONE_NEWNS);
	assert_int_equal(cv_ns_by_name("mnt")->flag, CLONE_NEWNS);
	assert_null(cv_ns_by_name("bogus"));
	assert_string_equal(cv_ns_by_flag(CLONE_NEWTIME)->name, "time");
	assert_null(cv_ns_by_flag(CLONE_VM));
	assert_string_equal(cv_ns_flags_str(CLONE_NEWPID | CLONE_NEWUTS, buf, sizeof(buf)),
			    "CLONE_NEWUTS|CLONE_NEWPID");
	assert_string_equal(cv_ns_flags_str(0, buf, sizeof(buf)), "0");
	assert_int_equal(cv_ns_all_flags(), CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWUTS |
						CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNET |
						CLONE_NEWCGROUP | CLONE_NEWTIME);
	assert_int_equal(cv_ns_parse_list("uts,network,pid", &flags, &err), 0);
	assert_int_equal(flags, CLONE_NEWUTS | CLONE_NEWNET | CLONE_NEWPID);
	assert_int_equal(cv_ns_parse_list("uts,bogus", &flags, &err), -EINVAL);
	assert_string_equal(err.msg, "unknown namespace type `bogus`");
}

static void file_helpers(void **state)
{
	char path[] = "/tmp/cvtest-unit-XXXXXX", buf[8];
	int fd = mkstemp(path);

	(void)state;
	close(fd);
	assert_int_equal(cv_write_file(path, "hello world", 11, &err), 0);
	assert_int_equal(cv_read_file(path, buf, sizeof(buf), &err), 7); /* truncated to fit */
	assert_string_equal(buf, "hello w");
	unlink(path);
	assert_int_equal(cv_read_file(path, buf, sizeof(buf), &err), -ENOENT);
	assert_non_null(strstr(err.msg, "open(`/tmp/cvtest-unit-"));
	assert_int_equal(cv_write_file(path, "x", 1, &err), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(err_sys_names_call_and_errno),
	    cmocka_unit_test(err_set_and_clear),
	    cmocka_unit_test(err_truncates_safely),
	    cmocka_unit_test(trace_lines),
	    cmocka_unit_test(trace_env),
	    cmocka_unit_test(probe_disable_list),
	    cmocka_unit_test(ns_table),
	    cmocka_unit_test(file_helpers),
	};
	return cmocka_run_group_tests_name("common", tests, NULL, NULL);
}
