/*
 * stats.c - a cgroup's usage as text for a person and as JSON for a
 * program (see stats.h).  The JSON follows runc's `events --stats`, so
 * tools that read one can read the other.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "02-cgroups/cgroups.h"
#include "02-cgroups/ops.h"
#include "02-cgroups/stats.h"

void cv_cg_stats_add_io(struct cv_cg_stats *st, unsigned major, unsigned minor, bool read,
			bool write, bool bytes, uint64_t value)
{
	unsigned i;

	for (i = 0; i < st->n_io; i++)
		if (st->io[i].major == major && st->io[i].minor == minor)
			break;
	if (i == st->n_io) {
		if (st->n_io == CV_CG_MAX_IO)
			return;
		st->io[st->n_io++] = (typeof(st->io[0])){.major = major, .minor = minor};
	}
	if (read)
		*(bytes ? &st->io[i].rbytes : &st->io[i].rios) += value;
	if (write)
		*(bytes ? &st->io[i].wbytes : &st->io[i].wios) += value;
}

const char *cv_cg_format_bytes(uint64_t bytes, char *buf, size_t size)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	double v = (double)bytes;
	int u = 0;

	if (bytes == CV_CG_NO_LIMIT) {
		snprintf(buf, size, "none");
		return buf;
	}
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(buf, size, u ? "%.1f %s" : "%.0f %s", v, units[u]);
	return buf;
}

/* A limit as JSON: a number, or (none) the largest value, as runc writes it. */
static json_t *limit_json(uint64_t v)
{
	return json_integer(v == CV_CG_NO_LIMIT ? (json_int_t)INT64_MAX : (json_int_t)v);
}

/* blkio entries: {"major", "minor", "op", "value"}, as runc's BlkioStatEntry. */
static json_t *io_entries(const struct cv_cg_stats *st, bool bytes)
{
	json_t *list = json_array();

	for (unsigned i = 0; i < st->n_io; i++) {
		uint64_t r = bytes ? st->io[i].rbytes : st->io[i].rios;
		uint64_t w = bytes ? st->io[i].wbytes : st->io[i].wios;
		const char *ops[] = {"Read", "Write", "Total"};
		uint64_t values[] = {r, w, r + w};

		for (int k = 0; k < 3; k++)
			json_array_append_new(list, json_pack("{s:i, s:i, s:s, s:I}", "major",
							      (int)st->io[i].major, "minor",
							      (int)st->io[i].minor, "op", ops[k],
							      "value", (json_int_t)values[k]));
	}
	return list;
}

char *cv_cg_stats_json(const struct cv_cg_stats *st, struct cv_err *err)
{
	json_t *root = json_object();
	char *text;

	if (st->have & CV_CG_BIT(CV_CG_CPU))
		json_object_set_new(root, "cpu",
				    json_pack("{s:{s:I, s:I, s:I}, s:{s:I, s:I, s:I}}", "usage",
					      "total", (json_int_t)st->cpu.usage_ns, "kernel",
					      (json_int_t)st->cpu.system_ns, "user",
					      (json_int_t)st->cpu.user_ns, "throttling", "periods",
					      (json_int_t)st->cpu.periods, "throttled_periods",
					      (json_int_t)st->cpu.throttled_periods,
					      "throttled_time", (json_int_t)st->cpu.throttled_ns));
	if (st->have & CV_CG_BIT(CV_CG_MEMORY))
		json_object_set_new(root, "memory",
				    json_pack("{s:{s:I, s:I, s:o, s:I}, s:I}", "usage", "usage",
					      (json_int_t)st->memory.usage, "max",
					      (json_int_t)st->memory.peak, "limit",
					      limit_json(st->memory.limit), "failcnt",
					      (json_int_t)st->memory.failcnt, "oom_kill",
					      (json_int_t)st->memory.oom_kills));
	if (st->have & CV_CG_BIT(CV_CG_PIDS))
		json_object_set_new(root, "pids",
				    json_pack("{s:I, s:o}", "current", (json_int_t)st->pids.current,
					      "limit", limit_json(st->pids.limit)));
	if (st->have & CV_CG_BIT(CV_CG_IO))
		json_object_set_new(root, "blkio",
				    json_pack("{s:o, s:o}", "ioServiceBytesRecursive",
					      io_entries(st, true), "ioServicedRecursive",
					      io_entries(st, false)));
	text = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	if (!text)
		cv_err_set(err, ENOMEM, "stats: out of memory making JSON");
	return text;
}

void cv_cg_stats_print(const struct cv_cg_stats *st, FILE *out)
{
	char a[32], b[32], c[32];

	if (st->have & CV_CG_BIT(CV_CG_MEMORY))
		fprintf(out, "memory   %s now, %s at most, limit %s; %llu OOM kill(s)\n",
			cv_cg_format_bytes(st->memory.usage, a, sizeof(a)),
			cv_cg_format_bytes(st->memory.peak, b, sizeof(b)),
			cv_cg_format_bytes(st->memory.limit, c, sizeof(c)),
			(unsigned long long)st->memory.oom_kills);
	if (st->have & CV_CG_BIT(CV_CG_CPU))
		fprintf(out,
			"cpu      %.2f s (user %.2f s, system %.2f s); throttled %llu of %llu "
			"periods\n",
			(double)st->cpu.usage_ns / 1e9, (double)st->cpu.user_ns / 1e9,
			(double)st->cpu.system_ns / 1e9,
			(unsigned long long)st->cpu.throttled_periods,
			(unsigned long long)st->cpu.periods);
	if (st->have & CV_CG_BIT(CV_CG_PIDS)) {
		if (st->pids.limit == CV_CG_NO_LIMIT)
			snprintf(a, sizeof(a), "none");
		else
			snprintf(a, sizeof(a), "%llu", (unsigned long long)st->pids.limit);
		fprintf(out, "pids     %llu now, limit %s\n", (unsigned long long)st->pids.current,
			a);
	}
	for (unsigned i = 0; (st->have & CV_CG_BIT(CV_CG_IO)) && i < st->n_io; i++)
		fprintf(out, "io %u:%u  read %s in %llu ops, wrote %s in %llu ops\n",
			st->io[i].major, st->io[i].minor,
			cv_cg_format_bytes(st->io[i].rbytes, a, sizeof(a)),
			(unsigned long long)st->io[i].rios,
			cv_cg_format_bytes(st->io[i].wbytes, b, sizeof(b)),
			(unsigned long long)st->io[i].wios);
}
