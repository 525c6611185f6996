/*
 * parse.c - limits as people write them: "32M", "0.5" CPUs, "0-3,6",
 * "c 1:3 rwm", "8:0 1048576".  Pure code: text in, values out, and an
 * error that quotes the text and shows the expected form.
 *
 * The forms are the kernel's own where it has one, so that what a user
 * reads in Documentation/admin-guide/cgroup-v1/ or cpuset(7) works here
 * too: a device rule is what devices.allow takes, a cpu or memory-node
 * list is cpuset(7)'s "list format", a per-device value is what the
 * blkio.throttle.* files take.  Sizes take units in powers of 1024, as
 * the kernel's memparse() reads memory.limit_in_bytes and as Docker's
 * --memory does, with a fraction ("1.5G") and "max" or "-1" for none.
 *
 * These only read the text; whether the value makes sense as a limit
 * (a swap limit below the memory limit, a period out of range) is
 * cv_cg_limits_check's question, asked once the whole struct is built.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "02-cgroups/limits.h"

static int size_error(struct cv_err *err, const char *what, const char *text, const char *why)
{
	cv_err_set(err, EINVAL, "%s `%s`: %s", what, text, why);
	return cv_err_hint(err, "a size is a number with an optional unit K, M, G or T (powers "
				"of 1024), as in 32M; or -1 for no limit");
}

/*
 * The multiplier of a unit suffix ("", "k", "KiB", "mb", ...), or 0.
 * "KB" and "KiB" both mean 1024: no one limits a cgroup in powers of
 * 1000, and Docker reads them the same way.
 */
static uint64_t unit_of(const char *u)
{
	static const char units[] = "kmgt";
	const char *p;
	uint64_t m = 1;

	if (*u == '\0' || !strcasecmp(u, "b"))
		return 1;
	p = strchr(units, tolower((unsigned char)*u));
	if (!p || !(u[1] == '\0' || !strcasecmp(u + 1, "b") || !strcasecmp(u + 1, "ib")))
		return 0;
	for (long i = 0; i <= p - units; i++)
		m *= 1024;
	return m;
}

/*
 * Whole part and fraction are read as integers (at most 9 digits of
 * fraction count), never as a double: 1.1G must be the same number of
 * bytes on every machine.  Each step checks for overflow first, so a
 * huge number is "too large", never a wrapped small one.
 */
int cv_cg_parse_size(const char *text, const char *what, int64_t *bytes, struct cv_err *err)
{
	uint64_t whole = 0, frac = 0, scale = 1, mult;
	const char *p = text;

	if (!strcmp(text, "-1") || !strcasecmp(text, "max") || !strcasecmp(text, "unlimited")) {
		*bytes = CV_CG_MAX;
		return 0;
	}
	if (*p == '-')
		return size_error(err, what, text, "a size cannot be negative");
	if (!isdigit((unsigned char)*p))
		return size_error(err, what, text, "not a number");
	for (; isdigit((unsigned char)*p); p++) {
		if (whole > (UINT64_MAX - 9) / 10)
			return size_error(err, what, text, "too large");
		whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			if (scale < 1000000000) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				scale *= 10;
			}
	mult = unit_of(p);
	if (mult == 0) {
		char why[64];
		snprintf(why, sizeof(why), "unknown unit `%s`", p);
		return size_error(err, what, text, why);
	}
	if (whole > (uint64_t)INT64_MAX / mult)
		return size_error(err, what, text, "too large");
	*bytes = (int64_t)(whole * mult + frac * mult / scale);
	if (*bytes == 0)
		return size_error(err, what, text, "must be more than 0");
	return 0;
}

/*
 * CPUs are not a cgroup setting: the kernel knows a quota of
 * microseconds per period.  0.5 CPU is half of each period, on any
 * number of CPUs; 2 CPUs is twice the period, which takes two to use up.
 * The quota is rounded to the nearest microsecond and must reach the
 * kernel's minimum of 1 ms, which a short --cpu-period can undercut.
 */
int cv_cg_parse_cpus(const char *text, int64_t period, int64_t *quota, struct cv_err *err)
{
	char *end;
	double cpus;

	errno = 0;
	cpus = strtod(text, &end);
	if (end == text || *end || errno || cpus != cpus) {
		cv_err_set(err, EINVAL, "--cpus `%s`: not a number", text);
		return cv_err_hint(err, "the number of CPUs' worth of time, as in 0.5 or 2");
	}
	if (cpus <= 0 || cpus > 1024) {
		cv_err_set(err, EINVAL, "--cpus `%s`: must be more than 0 and at most 1024", text);
		return cv_err_hint(err, "0.5 is half of one CPU; 2 is two whole CPUs");
	}
	*quota = (int64_t)(cpus * (double)period + 0.5);
	if (*quota < 1000) {
		cv_err_set(err, EINVAL, "--cpus `%s`: %lld us per %lld us period is below 1 ms",
			   text, (long long)*quota, (long long)period);
		return cv_err_hint(err, "the kernel's smallest quota is 1000 us");
	}
	return 0;
}

/*
 * Numbers and ascending ranges, separated by commas (cpuset(7), "FORMATS":
 * "0-4,9").  Whether the CPUs exist, and are in the parent's set, only
 * the kernel can say: a write of cpuset.cpus then fails with EINVAL.
 */
int cv_cg_parse_cpuset(const char *text, const char *what, struct cv_err *err)
{
	const char *p = text;

	while (*p) {
		char *end;
		unsigned long a = strtoul(p, &end, 10), b = a;

		if (end == p || !isdigit((unsigned char)*p))
			break;
		p = end;
		if (*p == '-') {
			b = strtoul(p + 1, &end, 10);
			if (end == p + 1 || !isdigit((unsigned char)p[1]) || b < a)
				break;
			p = end;
		}
		if (*p == '\0')
			return 0;
		if (*p++ != ',' || *p == '\0')
			break;
	}
	cv_err_set(err, EINVAL, "%s `%s`: not a list of numbers and ranges", what, text);
	return cv_err_hint(err, "as in 0, 0-3 or 0,2-3");
}

/*
 * A device number or "*" (-1).  At most 20 bits, the size of a minor
 * number in the kernel's dev_t (MINORBITS); majors have 12.
 */
static int parse_devnum(const char *s, size_t len, int64_t *out)
{
	char *end;

	if (len == 1 && *s == '*') {
		*out = -1;
		return 0;
	}
	if (len == 0 || !isdigit((unsigned char)*s))
		return -1;
	*out = (int64_t)strtoul(s, &end, 10);
	return (size_t)(end - s) == len && *out <= 0xfffff ? 0 : -1;
}

/* Some of r, w, m, each at most once (devices.allow refuses any other letter). */
static int parse_access(const char *s, unsigned *access)
{
	*access = 0;
	for (; *s; s++) {
		unsigned bit = *s == 'r'   ? CV_DEV_READ
			       : *s == 'w' ? CV_DEV_WRITE
			       : *s == 'm' ? CV_DEV_MKNOD
					   : 0;
		if (!bit || (*access & bit))
			return -1;
		*access |= bit;
	}
	return *access ? 0 : -1;
}

/*
 * "TYPE MAJOR:MINOR ACCESS", as in cgroup-v1/devices.rst: TYPE a (all),
 * b (block) or c (char); "*" for any number; ACCESS some of r (read),
 * w (write), m (mknod).  The same rule list becomes v1 writes or the v2
 * BPF program, so one syntax serves both.
 */
int cv_cg_parse_rule(const char *text, bool allow, struct cv_cg_dev_rule *rule, struct cv_err *err)
{
	char type, nums[64] = "", access[8] = "rwm", extra[2];
	int n = sscanf(text, " %c %63s %7s %1s", &type, nums, access, extra);
	const char *colon = strchr(nums, ':');

	*rule = (struct cv_cg_dev_rule){.allow = allow, .type = type, .major = -1, .minor = -1};
	/* "a" and "a rwm": every device, so the numbers may be left out */
	if (type == 'a' && (n == 1 || (n == 2 && !colon)) &&
	    parse_access(n == 1 ? "rwm" : nums, &rule->access) == 0)
		return 0;
	if (n < 2 || n > 3 || !strchr("abc", type) || !colon ||
	    parse_devnum(nums, (size_t)(colon - nums), &rule->major) < 0 ||
	    parse_devnum(colon + 1, strlen(colon + 1), &rule->minor) < 0 ||
	    parse_access(access, &rule->access) < 0) {
		cv_err_set(err, EINVAL, "device rule `%s`: expected TYPE MAJOR:MINOR [ACCESS]",
			   text);
		return cv_err_hint(err, "TYPE is a, b or c; MAJOR and MINOR numbers or *; ACCESS "
					"some of r, w, m: as in `c 1:3 rwm` (/dev/null)");
	}
	return 0;
}

/* The inverse of cv_cg_parse_rule, in the order v1's devices.list prints access: rwm. */
const char *cv_cg_format_rule(const struct cv_cg_dev_rule *r, char *buf, size_t size)
{
	char major[24] = "*", minor[24] = "*", access[4];
	int n = 0;

	if (r->major >= 0)
		snprintf(major, sizeof(major), "%lld", (long long)r->major);
	if (r->minor >= 0)
		snprintf(minor, sizeof(minor), "%lld", (long long)r->minor);
	if (r->access & CV_DEV_READ)
		access[n++] = 'r';
	if (r->access & CV_DEV_WRITE)
		access[n++] = 'w';
	if (r->access & CV_DEV_MKNOD)
		access[n++] = 'm';
	access[n] = '\0';
	snprintf(buf, size, "%c %s:%s %s", r->type, major, minor, access);
	return buf;
}

/* "8:0 1048576": the line blkio.throttle.read_bps_device takes. */
int cv_cg_parse_dev_value(const char *text, const char *what, struct cv_cg_dev_value *out,
			  struct cv_err *err)
{
	unsigned long long value;
	unsigned major, minor;
	char extra;

	if (sscanf(text, "%u:%u %llu %c", &major, &minor, &value, &extra) != 3) {
		cv_err_set(err, EINVAL, "%s `%s`: expected MAJOR:MINOR VALUE", what, text);
		return cv_err_hint(err, "as in `8:0 1048576`; `lsblk -d -o NAME,MAJ:MIN` lists "
					"the block devices");
	}
	*out = (struct cv_cg_dev_value){.major = major, .minor = minor, .value = value};
	return 0;
}
