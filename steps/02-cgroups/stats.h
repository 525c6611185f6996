/*
 * stats.h - what a cgroup's processes used, from the cgroup's own
 * counters, the same on v1 and v2.
 */
#ifndef CV_CG_STATS_H
#define CV_CG_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "common/err.h"

#define CV_CG_NO_LIMIT UINT64_MAX
#define CV_CG_MAX_IO   16

struct cv_cg_stats {
	unsigned have; /* CV_CG_BIT() of the sections filled in */
	struct {
		uint64_t usage, peak, limit; /* bytes; limit CV_CG_NO_LIMIT when none */
		uint64_t oom_kills;          /* processes the OOM killer killed here */
		uint64_t failcnt; /* v1: times the limit was hit; v2: memory.events max */
	} memory;
	struct {
		uint64_t usage_ns, user_ns, system_ns;
		uint64_t periods, throttled_periods, throttled_ns;
	} cpu;
	struct {
		uint64_t current, limit; /* limit CV_CG_NO_LIMIT when none */
	} pids;
	unsigned n_io;
	struct {
		uint32_t major, minor;
		uint64_t rbytes, wbytes, rios, wios;
	} io[CV_CG_MAX_IO];
};

/*
 * cv_cg_stats_json - the stats as JSON, shaped like runc's `events --stats`
 * data (cpu.usage.total in ns, memory.usage.{usage,max,limit}, pids,
 * blkio), plus memory.oom_kill.  Returns a malloc'd string (free it) or
 * NULL with err set.
 */
char *cv_cg_stats_json(const struct cv_cg_stats *st, struct cv_err *err);

/* cv_cg_stats_print - the stats for a person, a line per controller. */
void cv_cg_stats_print(const struct cv_cg_stats *st, FILE *out);

/* cv_cg_format_bytes - "31.9 MiB" */
const char *cv_cg_format_bytes(uint64_t bytes, char *buf, size_t size);

#endif
