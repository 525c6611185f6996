/*
 * ops.h - inside step 02: the table of operations each cgroup version
 * provides, and the file helpers v1.c and v2.c share.  Not for callers
 * outside this step: they use cgroups.h.
 */
#ifndef CV_CG_OPS_H
#define CV_CG_OPS_H

#include <stdbool.h>
#include <stdint.h>

#include "02-cgroups/cgroups.h"
#include "02-cgroups/stats.h"

struct cv_cg_ops {
	const char *name;
	/* after mkdir of the directories in made levels: version-specific setup */
	int (*create)(struct cv_cg_dir *d, struct cv_err *err);
	/* the limits for the controllers this directory's tree drives */
	int (*set)(const struct cv_cgroup *cg, struct cv_cg_dir *d, const struct cv_cg_limits *l,
		   struct cv_err *err);
	int (*enter)(struct cv_cg_dir *d, pid_t pid, struct cv_err *err);
	int (*stats)(const struct cv_cgroup *cg, struct cv_cg_dir *d, struct cv_cg_stats *st,
		     struct cv_err *err);
	/* true when this directory can freeze its processes at all */
	bool (*can_freeze)(struct cv_cg_dir *d);
	int (*freeze)(struct cv_cg_dir *d, bool frozen, struct cv_err *err);
	/* true when the kernel kills the whole cgroup in one write (v2 cgroup.kill) */
	bool (*can_kill)(struct cv_cg_dir *d);
	int (*kill)(struct cv_cg_dir *d, struct cv_err *err);
	int (*destroy)(struct cv_cg_dir *d, struct cv_err *err);
};

extern const struct cv_cg_ops cv_cg_v1_ops, cv_cg_v2_ops;

static inline const struct cv_cg_ops *cv_cg_ops_of(const struct cv_cg_dir *d)
{
	return d->tree->version == 2 ? &cv_cg_v2_ops : &cv_cg_v1_ops;
}

/* Does this directory's tree drive controller c for this host? */
bool cg_drives(const struct cv_cgroup *cg, const struct cv_cg_dir *d, enum cv_cg_ctrl c);

/* d->path + "/" + file */
const char *cg_file(const struct cv_cg_dir *d, const char *file, char *buf, size_t size);
bool cg_has(const struct cv_cg_dir *d, const char *file);

/* cg_set_cpu_extras - the cpu burst (in `burst`, the version's file) and cpu.idle, where the kernel has them. */
int cg_set_cpu_extras(struct cv_cg_dir *d, const struct cv_cg_limits *l, const char *burst,
		      struct cv_err *err);

/* cg_set_rdma - rdma.max, one line per device: the same file in v1 and v2. */
int cg_set_rdma(struct cv_cg_dir *d, const struct cv_cg_limits *l, struct cv_err *err);

/* Write a formatted value to a control file, with a hint that fits the errno. */
int cg_write(const struct cv_cg_dir *d, const char *file, struct cv_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

int cg_read(const struct cv_cg_dir *d, const char *file, char *buf, size_t size,
	    struct cv_err *err);

/* A file holding one number ("max" reads as UINT64_MAX). */
int cg_read_u64(const struct cv_cg_dir *d, const char *file, uint64_t *v, struct cv_err *err);

/* The number after `key` in a "key value" file (cpu.stat, memory.events). */
int cg_read_key(const struct cv_cg_dir *d, const char *file, const char *key, uint64_t *v,
		struct cv_err *err);

/* Shared by both versions: cgroup.procs, rmdir with retries. */
int cg_enter_procs(struct cv_cg_dir *d, pid_t pid, struct cv_err *err);
int cg_remove(struct cv_cg_dir *d, struct cv_err *err);

/* Poll until fn(d) is true, up to about `ms` milliseconds. */
bool cg_wait(struct cv_cg_dir *d, bool (*fn)(struct cv_cg_dir *d), int ms);
bool cg_empty(struct cv_cg_dir *d);

/* Kill every process by pid, under a freeze, for kernels without cgroup.kill. */
int cg_kill_frozen(struct cv_cg_dir *d, const struct cv_cg_ops *ops, struct cv_err *err);

/* Files both versions spell the same: cpuset.cpus, cpuset.mems, pids.max. */
int cg_set_cpuset(struct cv_cg_dir *d, const struct cv_cg_limits *l, struct cv_err *err);
int cg_set_pids(struct cv_cg_dir *d, const struct cv_cg_limits *l, struct cv_err *err);
void cg_pids_stats(struct cv_cg_dir *d, struct cv_cg_stats *st);

/* counters.c: each version's ops->stats, the counters where that version keeps them. */
int cg_v1_stats(const struct cv_cgroup *cg, struct cv_cg_dir *d, struct cv_cg_stats *st,
		struct cv_err *err);
int cg_v2_stats(const struct cv_cgroup *cg, struct cv_cg_dir *d, struct cv_cg_stats *st,
		struct cv_err *err);

/* stats.c: add to a device's io counters (bytes or operations, read or write). */
void cv_cg_stats_add_io(struct cv_cg_stats *st, unsigned major, unsigned minor, bool read,
			bool write, bool bytes, uint64_t value);

/* devices.c: the device rules as a cgroup v2 BPF program on directory d. */
int cv_cg_devices_bpf(struct cv_cg_dir *d, const struct cv_cg_dev_rule *rules, unsigned n,
		      struct cv_err *err);

#endif
