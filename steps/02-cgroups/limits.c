/*
 * limits.c - parsing and checking limits, and the v1 <-> v2 scales
 * (see limits.h).  Pure code: no files are touched here.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "02-cgroups/limits.h"

void cv_cg_limits_init(struct cv_cg_limits *l)
{
	memset(l, 0, sizeof(*l));
	l->memory_limit = l->memory_reservation = l->memory_swap = CV_CG_UNSET;
	l->memory_swappiness = l->memory_kernel = l->memory_kernel_tcp = CV_CG_UNSET;
	l->oom_kill_disable = l->oom_group = -1;
	l->cpu_shares = l->cpu_quota = l->cpu_period = CV_CG_UNSET;
	l->cpu_rt_runtime = l->cpu_rt_period = CV_CG_UNSET;
	l->cpu_burst = l->cpu_idle = CV_CG_UNSET;
	l->net_classid = CV_CG_UNSET;
	l->pids_limit = l->io_weight = CV_CG_UNSET;
}

bool cv_cg_limits_empty(const struct cv_cg_limits *l)
{
	struct cv_cg_limits none;

	cv_cg_limits_init(&none);
	return memcmp(l, &none, sizeof(none)) == 0;
}

/* --- parsing ----------------------------------------------------------- */

static int size_error(struct cv_err *err, const char *what, const char *text, const char *why)
{
	cv_err_set(err, EINVAL, "%s `%s`: %s", what, text, why);
	return cv_err_hint(err, "a size is a number with an optional unit K, M, G or T (powers "
				"of 1024), as in 32M; or -1 for no limit");
}

/* The multiplier of a unit suffix ("", "k", "KiB", "mb", ...), or 0. */
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

/* A device number or "*" (-1). */
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

/* --- checking ------------------------------------------------------------ */

static bool set(int64_t v)
{
	return v != CV_CG_UNSET;
}

static int out_of_range(struct cv_err *err, const char *field, int64_t v, const char *range)
{
	cv_err_set(err, EINVAL, "%s: %lld is out of range", field, (long long)v);
	return cv_err_hint(err, "it must be %s", range);
}

/* A byte limit: more than 0, or CV_CG_MAX. */
static int check_bytes(int64_t v, const char *field, struct cv_err *err)
{
	if (set(v) && v != CV_CG_MAX && v <= 0)
		return out_of_range(err, field, v, "more than 0 bytes, or -1 for no limit");
	return 0;
}

static int check_memory(const struct cv_cg_limits *l, struct cv_err *err)
{
	bool limited = set(l->memory_limit) && l->memory_limit != CV_CG_MAX;

	if (check_bytes(l->memory_limit, "memory.limit", err) < 0 ||
	    check_bytes(l->memory_reservation, "memory.reservation", err) < 0 ||
	    check_bytes(l->memory_swap, "memory.swap", err) < 0 ||
	    check_bytes(l->memory_kernel, "memory.kernel", err) < 0 ||
	    check_bytes(l->memory_kernel_tcp, "memory.kernelTCP", err) < 0)
		return -err->code;
	if (limited && set(l->memory_swap) && l->memory_swap != CV_CG_MAX &&
	    l->memory_swap < l->memory_limit) {
		cv_err_set(err, EINVAL, "memory.swap %lld is below memory.limit %lld",
			   (long long)l->memory_swap, (long long)l->memory_limit);
		return cv_err_hint(err, "memory.swap counts memory and swap together: at least the "
					"memory limit (equal: no swap)");
	}
	if (!limited && set(l->memory_swap) && l->memory_swap != CV_CG_MAX) {
		cv_err_set(err, EINVAL, "memory.swap is set but memory.limit is not");
		return cv_err_hint(err, "a memory+swap limit needs a memory limit too");
	}
	if (limited && set(l->memory_reservation) && l->memory_reservation != CV_CG_MAX &&
	    l->memory_reservation > l->memory_limit)
		return out_of_range(err, "memory.reservation", l->memory_reservation,
				    "at most the memory limit");
	if (set(l->memory_swappiness) && (l->memory_swappiness < 0 || l->memory_swappiness > 100))
		return out_of_range(err, "memory.swappiness", l->memory_swappiness, "0 to 100");
	return 0;
}

static int check_cpu(const struct cv_cg_limits *l, struct cv_err *err)
{
	if (set(l->cpu_shares) && (l->cpu_shares < 2 || l->cpu_shares > 262144))
		return out_of_range(err, "cpu.shares", l->cpu_shares, "2 to 262144");
	if (set(l->cpu_period) && (l->cpu_period < 1000 || l->cpu_period > 1000000))
		return out_of_range(err, "cpu.period", l->cpu_period, "1000 to 1000000 us");
	if (set(l->cpu_quota) && l->cpu_quota != CV_CG_MAX && l->cpu_quota < 1000)
		return out_of_range(err, "cpu.quota", l->cpu_quota, "at least 1000 us, or -1");
	if (set(l->cpu_rt_runtime) && l->cpu_rt_runtime < 0 && l->cpu_rt_runtime != CV_CG_MAX)
		return out_of_range(err, "cpu.realtimeRuntime", l->cpu_rt_runtime, "0 or more");
	if (set(l->cpu_idle) && l->cpu_idle != 0 && l->cpu_idle != 1)
		return out_of_range(err, "cpu.idle", l->cpu_idle, "0 or 1");
	if (set(l->cpu_burst) &&
	    (l->cpu_burst < 0 ||
	     (set(l->cpu_quota) && l->cpu_quota != CV_CG_MAX && l->cpu_burst > l->cpu_quota)))
		return out_of_range(err, "cpu.burst", l->cpu_burst, "0 to the quota");
	if (set(l->cpu_rt_period) && l->cpu_rt_period <= 0)
		return out_of_range(err, "cpu.realtimePeriod", l->cpu_rt_period, "more than 0");
	if (l->cpuset_cpus[0] && cv_cg_parse_cpuset(l->cpuset_cpus, "cpu.cpus", err) < 0)
		return -err->code;
	if (l->cpuset_mems[0] && cv_cg_parse_cpuset(l->cpuset_mems, "cpu.mems", err) < 0)
		return -err->code;
	return 0;
}

static int check_io(const struct cv_cg_limits *l, struct cv_err *err)
{
	const struct cv_cg_dev_value *rates[] = {l->rbps, l->wbps, l->riops, l->wiops};
	const unsigned counts[] = {l->n_rbps, l->n_wbps, l->n_riops, l->n_wiops};

	if (set(l->io_weight) && (l->io_weight < 10 || l->io_weight > 1000))
		return out_of_range(err, "blockIO.weight", l->io_weight, "10 to 1000");
	for (unsigned i = 0; i < l->n_weight_dev; i++)
		if (l->weight_dev[i].value < 10 || l->weight_dev[i].value > 1000)
			return out_of_range(err, "blockIO.weightDevice",
					    (int64_t)l->weight_dev[i].value, "10 to 1000");
	for (unsigned k = 0; k < 4; k++)
		for (unsigned i = 0; i < counts[k]; i++)
			if (rates[k][i].value == 0)
				return out_of_range(err, "blockIO.throttle", 0, "more than 0");
	return 0;
}

static int check_other(const struct cv_cg_limits *l, struct cv_err *err)
{
	if (set(l->pids_limit) && l->pids_limit != CV_CG_MAX && l->pids_limit <= 0)
		return out_of_range(err, "pids.limit", l->pids_limit, "at least 1, or -1 for none");
	for (unsigned i = 0; i < l->n_hugetlb; i++) {
		unsigned size;
		char unit, b, extra;
		if (sscanf(l->hugetlb[i].pagesize, "%u%c%c%c", &size, &unit, &b, &extra) != 3 ||
		    !strchr("KMG", unit) || b != 'B') {
			cv_err_set(err, EINVAL, "hugepageLimits: page size `%s`",
				   l->hugetlb[i].pagesize);
			return cv_err_hint(err, "as the kernel names them: 2MB, 1GB");
		}
		if (check_bytes(l->hugetlb[i].limit, "hugepageLimits.limit", err) < 0)
			return -err->code;
	}
	for (unsigned i = 0; i < l->n_unified; i++) {
		const char *k = l->unified[i].key;
		if (!strchr(k, '.') || k[0] == '.' ||
		    strspn(k, "abcdefghijklmnopqrstuvwxyz0123456789_.") != strlen(k)) {
			cv_err_set(err, EINVAL, "unified: `%s` is not a cgroup file name", k);
			return cv_err_hint(err, "keys are file names such as memory.high");
		}
	}
	return 0;
}

int cv_cg_limits_check(const struct cv_cg_limits *l, struct cv_err *err)
{
	int r;

	if ((r = check_memory(l, err)) < 0 || (r = check_cpu(l, err)) < 0 ||
	    (r = check_io(l, err)) < 0 || (r = check_other(l, err)) < 0)
		return r;
	return 0;
}

/* --- v1 <-> v2 ------------------------------------------------------------- */

/* a + (v - lo) * (b' - a) / (hi - lo), rounded to nearest: one linear map for all four. */
static uint64_t rescale(uint64_t v, uint64_t lo, uint64_t hi, uint64_t to_lo, uint64_t to_hi)
{
	if (v <= lo)
		return to_lo;
	if (v >= hi)
		return to_hi;
	return to_lo + ((v - lo) * (to_hi - to_lo) + (hi - lo) / 2) / (hi - lo);
}

uint64_t cv_cg_shares_to_weight(uint64_t shares)
{
	/* runc's formula truncates: 1 + (shares - 2) * 9999 / 262142. */
	if (shares <= 2)
		return 1;
	if (shares >= 262144)
		return 10000;
	return 1 + (shares - 2) * 9999 / 262142;
}

uint64_t cv_cg_weight_to_shares(uint64_t weight)
{
	return rescale(weight, 1, 10000, 2, 262144);
}

uint64_t cv_cg_blkio_to_io_weight(uint64_t blkio)
{
	if (blkio <= 10)
		return 1;
	if (blkio >= 1000)
		return 10000;
	return 1 + (blkio - 10) * 9999 / 990;
}

uint64_t cv_cg_io_weight_to_blkio(uint64_t weight)
{
	return rescale(weight, 1, 10000, 10, 1000);
}
