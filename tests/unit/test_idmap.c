/*
 * test_idmap.c - id map parsing and validation, and /etc/subuid checks:
 * pure code, no root needed.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "01-namespaces/idmap.h"

static struct cv_err err;

static struct cv_idmap make(unsigned n, const struct cv_idmap_extent *e)
{
	struct cv_idmap m = {0};

	for (unsigned i = 0; i < n; i++)
		assert_int_equal(cv_idmap_add(&m, &e[i], &err), 0);
	return m;
}

static void parse_good(void **state)
{
	struct cv_idmap_extent e;

	(void)state;
	assert_int_equal(cv_idmap_parse("0:1000:1", &e, &err), 0);
	assert_int_equal(e.inside, 0);
	assert_int_equal(e.outside, 1000);
	assert_int_equal(e.count, 1);
	assert_int_equal(cv_idmap_parse("1:100000:65536", &e, &err), 0);
	assert_int_equal(e.count, 65536);
	assert_int_equal(cv_idmap_parse("0:0:4294967295", &e, &err), 0);
}

static void parse_bad(void **state)
{
	struct cv_idmap_extent e;

	(void)state;
	assert_int_equal(cv_idmap_parse("0:x:1", &e, &err), -EINVAL);
	assert_string_equal(err.msg, "id map `0:x:1`: OUTSIDE `x` is not a number");
	assert_string_equal(err.hint, "the form is INSIDE:OUTSIDE:COUNT, as in 0:1000:1");
	assert_int_equal(cv_idmap_parse("0:1000", &e, &err), -EINVAL);
	assert_string_equal(err.msg, "id map `0:1000`: expected three fields");
	assert_int_equal(cv_idmap_parse("0:1:2:3", &e, &err), -EINVAL);
	assert_int_equal(cv_idmap_parse("", &e, &err), -EINVAL);
	assert_int_equal(cv_idmap_parse("-1:0:1", &e, &err), -EINVAL);
	assert_string_equal(err.msg, "id map `-1:0:1`: INSIDE `-1` is not a number");
	assert_int_equal(cv_idmap_parse("0:0:4294967296", &e, &err), -EINVAL);
	assert_int_equal(cv_idmap_parse("0::1", &e, &err), -EINVAL);
}

static void validate_overlaps(void **state)
{
	const struct cv_idmap_extent ok[] = {{0, 1000, 1}, {1, 100000, 65536}};
	const struct cv_idmap_extent in[] = {{0, 1000, 10}, {5, 2000, 10}};
	const struct cv_idmap_extent out[] = {{0, 1000, 10}, {100, 1009, 1}};
	struct cv_idmap m;

	(void)state;
	m = make(2, ok);
	assert_int_equal(cv_idmap_validate(&m, CV_UID_MAP, &err), 0);
	m = make(2, in);
	assert_int_equal(cv_idmap_validate(&m, CV_UID_MAP, &err), -EINVAL);
	assert_string_equal(err.msg, "uid map lines `0 1000 10` and `5 2000 10` overlap inside");
	m = make(2, out);
	assert_int_equal(cv_idmap_validate(&m, CV_GID_MAP, &err), -EINVAL);
	assert_string_equal(err.msg, "gid map lines `0 1000 10` and `100 1009 1` overlap outside");
}

static void validate_ranges(void **state)
{
	const struct cv_idmap_extent zero[] = {{0, 1000, 0}};
	const struct cv_idmap_extent past[] = {{4294967290u, 0, 10}};
	const struct cv_idmap_extent edge[] = {{4294967290u, 0, 5}};
	struct cv_idmap m;

	(void)state;
	m = make(1, zero);
	assert_int_equal(cv_idmap_validate(&m, CV_UID_MAP, &err), -EINVAL);
	assert_string_equal(err.msg, "uid map line `0 1000 0`: COUNT is 0");
	m = make(1, past);
	assert_int_equal(cv_idmap_validate(&m, CV_UID_MAP, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "runs past the last uid, 4294967294"));
	m = make(1, edge);
	assert_int_equal(cv_idmap_validate(&m, CV_UID_MAP, &err), 0);
}

static void too_many_lines(void **state)
{
	struct cv_idmap m = {0};
	struct cv_idmap_extent e = {0, 0, 1};

	(void)state;
	for (unsigned i = 0; i < CV_IDMAP_MAX; i++) {
		e.inside = e.outside = i;
		assert_int_equal(cv_idmap_add(&m, &e, &err), 0);
	}
	assert_int_equal(cv_idmap_add(&m, &e, &err), -E2BIG);
	assert_non_null(strstr(err.hint, "340"));
}

static void format_and_read_back(void **state)
{
	const struct cv_idmap_extent e[] = {{0, 1000, 1}, {1, 100000, 65536}};
	struct cv_idmap m = make(2, e), back;
	char text[128];

	(void)state;
	assert_int_equal(cv_idmap_format(&m, text, sizeof(text)),
			 strlen("0 1000 1\n1 100000 65536\n"));
	assert_string_equal(text, "0 1000 1\n1 100000 65536\n");
	/* the kernel pads /proc/PID/uid_map with spaces */
	assert_int_equal(cv_idmap_parse_proc("         0       1000          1\n"
					     "         1     100000      65536\n",
					     &back, &err),
			 0);
	assert_int_equal(back.n, 2);
	assert_memory_equal(back.e, m.e, 2 * sizeof(m.e[0]));
	assert_int_equal(cv_idmap_parse_proc("0 1000\n", &back, &err), -EINVAL);
	assert_int_equal(cv_idmap_format(&m, text, 8), 8); /* too small: says so */
}

static void lookups(void **state)
{
	const struct cv_idmap_extent e[] = {{0, 1000, 1}, {1, 100000, 65536}};
	struct cv_idmap m = make(2, e), self = make(1, e);
	uint32_t in;

	(void)state;
	assert_true(cv_idmap_to_inside(&m, 1000, &in));
	assert_int_equal(in, 0);
	assert_true(cv_idmap_to_inside(&m, 100009, &in));
	assert_int_equal(in, 10);
	assert_false(cv_idmap_to_inside(&m, 999, &in));
	assert_true(cv_idmap_has_inside(&m, 0));
	assert_true(cv_idmap_has_inside(&m, 65536));
	assert_false(cv_idmap_has_inside(&m, 65537));
	assert_false(cv_idmap_is_self(&m, 1000));
	assert_true(cv_idmap_is_self(&self, 1000));
	assert_false(cv_idmap_is_self(&self, 1001));
}

static void subid_database(void **state)
{
	const char *db = "# comment\nalice:100000:65536\n1001:300000:1000\nbob:200000:65536\n";
	const struct cv_idmap_extent own[] = {{0, 1000, 1}};
	const struct cv_idmap_extent alice[] = {{0, 1000, 1}, {1, 100000, 65536}};
	const struct cv_idmap_extent beyond[] = {{0, 100000, 65537}};
	const struct cv_idmap_extent bobs[] = {{0, 200000, 10}};
	const struct cv_idmap_extent numeric[] = {{0, 300500, 500}};
	struct cv_idmap m;

	(void)state;
	m = make(1, own); /* one's own id needs no delegation */
	assert_int_equal(cv_subid_allows("", CV_UID_MAP, "alice", 1000, &m, &err), 0);
	m = make(2, alice);
	assert_int_equal(cv_subid_allows(db, CV_UID_MAP, "alice", 1000, &m, &err), 0);
	m = make(1, beyond);
	assert_int_equal(cv_subid_allows(db, CV_UID_MAP, "alice", 1000, &m, &err), -EPERM);
	assert_string_equal(err.msg, "uid map line `0 100000 65537`: ids 100000-165536 are not "
				     "delegated to `alice` in /etc/subuid");
	assert_non_null(strstr(err.hint, "alice:100000:65537"));
	m = make(1, bobs);
	assert_int_equal(cv_subid_allows(db, CV_UID_MAP, "alice", 1000, &m, &err), -EPERM);
	m = make(1, numeric); /* an owner may be written as a number */
	assert_int_equal(cv_subid_allows(db, CV_UID_MAP, "carol", 1001, &m, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parse_good),        cmocka_unit_test(parse_bad),
	    cmocka_unit_test(validate_overlaps), cmocka_unit_test(validate_ranges),
	    cmocka_unit_test(too_many_lines),    cmocka_unit_test(format_and_read_back),
	    cmocka_unit_test(lookups),           cmocka_unit_test(subid_database),
	};
	return cmocka_run_group_tests_name("idmap", tests, NULL, NULL);
}
