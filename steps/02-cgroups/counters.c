/*
 * counters.c - what a cgroup's processes used, read where each version
 * keeps it, into the one struct cv_cg_stats (stats.h) both fill.
 *
 * The kernel counts for every cgroup all the time, whether it has a
 * limit or not: usage is free to read.  The two versions count the same
 * things under different names and units: memory.usage_in_bytes is
 * memory.current, cpuacct.usage (nanoseconds) is cpu.stat's usage_usec
 * (microseconds), blkio.throttle.io_service_bytes_recursive is io.stat.
 * Each directory adds only the controllers its tree drives, so on a
 * hybrid host memory comes from the v1 memory tree and hugetlb from
 * cgroup2, into one struct.
 *
 * A counter this kernel lacks (memory.peak before 5.19, say) reads as
 * zero: stats are for looking at, and a missing one must not make the
 * rest unreadable.  So these never fail, whatever `err` would say.
 */
#include <stdio.h>
#include <string.h>

#include "02-cgroups/ops.h"

/* "254:0 Read 1234" lines of blkio.throttle.io_service_bytes and _serviced. */
static void v1_io_stats(struct cv_cg_dir *d, struct cv_cg_stats *st)
{
	static const char *const files[] = {"blkio.throttle.io_service_bytes_recursive",
					    "blkio.throttle.io_serviced_recursive"};
	struct cv_err ignored;
	char buf[8192], op[16];

	for (int f = 0; f < 2; f++) {
		if (cg_read(d, files[f], buf, sizeof(buf), &ignored) < 0)
			continue;
		for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
			unsigned major, minor;
			unsigned long long v;
			if (sscanf(line, "%u:%u %15s %llu", &major, &minor, op, &v) != 4)
				continue;
			cv_cg_stats_add_io(st, major, minor, !strcmp(op, "Read"),
					   !strcmp(op, "Write"), f == 0, v);
		}
	}
}

/*
 * cpuacct.usage is exact; its user/system split comes from sampling at each
 * timer tick and need not add up to it.  Keep the split, scaled to the total.
 */
static void v1_split_cpu(struct cv_cg_stats *st)
{
	uint64_t sum = st->cpu.user_ns + st->cpu.system_ns;

	if (sum == 0)
		return;
	st->cpu.user_ns =
	    (uint64_t)((double)st->cpu.usage_ns * (double)st->cpu.user_ns / (double)sum);
	st->cpu.system_ns = st->cpu.usage_ns - st->cpu.user_ns;
}

/*
 * The counters, where v1 keeps them: memory in the memory tree, usage in
 * cpuacct, throttling in cpu's cpu.stat, io in blkio's *_recursive files
 * (this cgroup and those below it, as v2's io.stat counts).
 */
int cg_v1_stats(const struct cv_cgroup *cg, struct cv_cg_dir *d, struct cv_cg_stats *st,
		struct cv_err *err)
{
	struct cv_err e;

	(void)err; /* a counter this kernel lacks reads as zero */
	if (cg_drives(cg, d, CV_CG_MEMORY)) {
		st->have |= CV_CG_BIT(CV_CG_MEMORY);
		cg_read_u64(d, "memory.usage_in_bytes", &st->memory.usage, &e);
		cg_read_u64(d, "memory.max_usage_in_bytes", &st->memory.peak, &e);
		cg_read_u64(d, "memory.limit_in_bytes", &st->memory.limit, &e);
		if (st->memory.limit >= (1ULL << 62)) /* v1 says "none" as PAGE_COUNTER_MAX */
			st->memory.limit = CV_CG_NO_LIMIT;
		cg_read_u64(d, "memory.failcnt", &st->memory.failcnt, &e);
		cg_read_key(d, "memory.oom_control", "oom_kill", &st->memory.oom_kills, &e);
	}
	if (cg_drives(cg, d, CV_CG_CPUACCT)) {
		st->have |= CV_CG_BIT(CV_CG_CPU);
		cg_read_u64(d, "cpuacct.usage", &st->cpu.usage_ns, &e);
		cg_read_u64(d, "cpuacct.usage_user", &st->cpu.user_ns, &e);
		cg_read_u64(d, "cpuacct.usage_sys", &st->cpu.system_ns, &e);
		v1_split_cpu(st);
	}
	if (cg_drives(cg, d, CV_CG_CPU)) {
		cg_read_key(d, "cpu.stat", "nr_periods", &st->cpu.periods, &e);
		cg_read_key(d, "cpu.stat", "nr_throttled", &st->cpu.throttled_periods, &e);
		cg_read_key(d, "cpu.stat", "throttled_time", &st->cpu.throttled_ns, &e);
	}
	if (cg_drives(cg, d, CV_CG_PIDS))
		cg_pids_stats(d, st);
	if (cg_drives(cg, d, CV_CG_IO)) {
		st->have |= CV_CG_BIT(CV_CG_IO);
		v1_io_stats(d, st);
	}
	return 0;
}

/*
 * io.stat: "254:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0", one
 * line per device this cgroup did io on; newer kernels add keys at the
 * end (dbytes, dios: discards), so only the first four are read.
 */
static void v2_io_stats(struct cv_cg_dir *d, struct cv_cg_stats *st)
{
	struct cv_err ignored;
	char buf[8192];

	if (cg_read(d, "io.stat", buf, sizeof(buf), &ignored) < 0)
		return;
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned long long rb = 0, wb = 0, ri = 0, wi = 0;
		unsigned major, minor;
		if (sscanf(line, "%u:%u rbytes=%llu wbytes=%llu rios=%llu wios=%llu", &major,
			   &minor, &rb, &wb, &ri, &wi) < 2)
			continue;
		cv_cg_stats_add_io(st, major, minor, true, false, true, rb);
		cv_cg_stats_add_io(st, major, minor, false, true, true, wb);
		cv_cg_stats_add_io(st, major, minor, true, false, false, ri);
		cv_cg_stats_add_io(st, major, minor, false, true, false, wi);
	}
}

/*
 * The same counters in cgroup2's spelling: cpu.stat has usage, the
 * user/system split and throttling in one file, in microseconds;
 * memory.events' "max" counts the times the limit was hit, v1's failcnt.
 */
int cg_v2_stats(const struct cv_cgroup *cg, struct cv_cg_dir *d, struct cv_cg_stats *st,
		struct cv_err *err)
{
	uint64_t usec = 0;
	struct cv_err e;

	(void)err; /* a counter this kernel lacks reads as zero */
	if (cg_drives(cg, d, CV_CG_MEMORY)) {
		st->have |= CV_CG_BIT(CV_CG_MEMORY);
		cg_read_u64(d, "memory.current", &st->memory.usage, &e);
		cg_read_u64(d, "memory.peak", &st->memory.peak, &e); /* 5.19+ */
		cg_read_u64(d, "memory.max", &st->memory.limit, &e);
		cg_read_key(d, "memory.events", "max", &st->memory.failcnt, &e);
		cg_read_key(d, "memory.events", "oom_kill", &st->memory.oom_kills, &e);
	}
	if (cg_drives(cg, d, CV_CG_CPUACCT)) {
		st->have |= CV_CG_BIT(CV_CG_CPU);
		cg_read_key(d, "cpu.stat", "usage_usec", &usec, &e);
		st->cpu.usage_ns = usec * 1000;
		cg_read_key(d, "cpu.stat", "user_usec", &usec, &e);
		st->cpu.user_ns = usec * 1000;
		cg_read_key(d, "cpu.stat", "system_usec", &usec, &e);
		st->cpu.system_ns = usec * 1000;
		cg_read_key(d, "cpu.stat", "nr_periods", &st->cpu.periods, &e);
		cg_read_key(d, "cpu.stat", "nr_throttled", &st->cpu.throttled_periods, &e);
		cg_read_key(d, "cpu.stat", "throttled_usec", &usec, &e);
		st->cpu.throttled_ns = usec * 1000;
	}
	if (cg_drives(cg, d, CV_CG_PIDS))
		cg_pids_stats(d, st);
	if (cg_drives(cg, d, CV_CG_IO)) {
		st->have |= CV_CG_BIT(CV_CG_IO);
		v2_io_stats(d, st);
	}
	return 0;
}
