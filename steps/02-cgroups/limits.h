/*
 * limits.h - what a cgroup may use, in the shape of the OCI runtime
 * spec's linux.resources, with the conversions between cgroup v1 and v2.
 *
 * The values are given in v1 terms, as OCI gives them (cpu shares, blkio
 * weight, memory+swap); v2.c converts them with the functions below.
 * Every numeric field starts as CV_CG_UNSET, meaning "leave it alone";
 * CV_CG_MAX means "no limit" (v1 writes -1, v2 writes "max").
 */
#ifndef CV_CG_LIMITS_H
#define CV_CG_LIMITS_H

#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"

#define CV_CG_UNSET INT64_MIN
#define CV_CG_MAX   (-1)

#define CV_CG_MAX_DEVS    16 /* per-device io entries of each kind */
#define CV_CG_MAX_RULES   64 /* device access rules */
#define CV_CG_MAX_PAGES   4  /* hugetlb page sizes */
#define CV_CG_MAX_UNIFIED 32

/* A device rule: allow or deny some access to some devices. */
#define CV_DEV_MKNOD 1u /* these are the kernel's BPF_DEVCG_ACC_* values */
#define CV_DEV_READ  2u
#define CV_DEV_WRITE 4u
#define CV_DEV_ALL   (CV_DEV_MKNOD | CV_DEV_READ | CV_DEV_WRITE)
struct cv_cg_dev_rule {
	bool allow;
	char type;       /* 'a' (all), 'b' (block), 'c' (char) */
	int64_t major;   /* -1: any */
	int64_t minor;   /* -1: any */
	unsigned access; /* CV_DEV_* */
};

/* A per-device io setting: a weight or a throttle rate. */
struct cv_cg_dev_value {
	uint32_t major, minor;
	uint64_t value;
};

struct cv_cg_limits {
	/* memory, in bytes */
	int64_t memory_limit;       /* v1 memory.limit_in_bytes, v2 memory.max */
	int64_t memory_reservation; /* v1 memory.soft_limit_in_bytes, v2 memory.low */
	int64_t memory_swap;        /* memory + swap (OCI); v2 memory.swap.max = swap - limit */
	int64_t memory_swappiness;  /* v1 only */
	int64_t memory_kernel;      /* v1 memory.kmem.limit_in_bytes (deprecated; gone in v2) */
	int64_t memory_kernel_tcp;  /* v1 memory.kmem.tcp.limit_in_bytes (none in v2) */
	int oom_kill_disable;       /* -1 unset, 0 or 1; v1 only */
	int oom_group;              /* -1 unset, 0 or 1; v2 memory.oom.group */
	/* cpu */
	int64_t cpu_shares; /* v1 cpu.shares 2..262144; v2 cpu.weight, converted */
	int64_t cpu_quota;  /* microseconds per period, or CV_CG_MAX */
	int64_t cpu_period; /* microseconds */
	int64_t
	    cpu_burst; /* microseconds a period may borrow: v1 cpu.cfs_burst_us, v2 cpu.max.burst */
	int64_t cpu_idle;       /* 1: SCHED_IDLE for the group (cpu.idle, 5.15+) */
	int64_t cpu_rt_runtime; /* v1 cpu.rt_runtime_us, where the kernel has it */
	int64_t cpu_rt_period;
	char cpuset_cpus[128]; /* "0-3,6"; "" to leave alone */
	char cpuset_mems[128];
	/* pids */
	int64_t pids_limit; /* > 0, or CV_CG_MAX */
	/* io (blkio in v1) */
	int64_t io_weight; /* v1 blkio.weight 10..1000; v2 io.weight, converted */
	unsigned n_weight_dev, n_rbps, n_wbps, n_riops, n_wiops;
	struct cv_cg_dev_value weight_dev[CV_CG_MAX_DEVS];
	struct cv_cg_dev_value rbps[CV_CG_MAX_DEVS], wbps[CV_CG_MAX_DEVS];
	struct cv_cg_dev_value riops[CV_CG_MAX_DEVS], wiops[CV_CG_MAX_DEVS];
	/* hugetlb */
	unsigned n_hugetlb;
	struct {
		char pagesize[16]; /* "2MB", "1GB", as the kernel names its files */
		int64_t limit;
	} hugetlb[CV_CG_MAX_PAGES];
	/* devices, applied in order (the last rule that matches decides) */
	unsigned n_rules;
	struct cv_cg_dev_rule rules[CV_CG_MAX_RULES];
	/* network (v1 net_cls and net_prio) and RDMA */
	int64_t net_classid; /* net_cls.classid */
	unsigned n_net_prio;
	struct {
		char iface[32];
		uint32_t priority;
	} net_prio[CV_CG_MAX_DEVS]; /* net_prio.ifpriomap lines */
	unsigned n_rdma;
	struct {
		char device[64];
		int64_t handles, objects; /* CV_CG_MAX: no limit */
	} rdma[CV_CG_MAX_PAGES];          /* rdma.max lines */
	/* v2 files set as given (OCI linux.resources.unified) */
	unsigned n_unified;
	struct {
		char key[64];
		char value[256];
	} unified[CV_CG_MAX_UNIFIED];
};

/* cv_cg_limits_init - every field unset. */
void cv_cg_limits_init(struct cv_cg_limits *l);

/* cv_cg_limits_empty - nothing is set. */
bool cv_cg_limits_empty(const struct cv_cg_limits *l);

/*
 * cv_cg_limits_check - ranges and consistency that hold on every host:
 * no zero or negative limits, shares and weights in range, a swap limit
 * not below the memory limit, a quota of at least 1 ms, ...  Returns 0,
 * or -EINVAL with an error naming the field (by its OCI name) and the
 * value.
 *
 * The contract: whoever makes a struct cv_cg_limits checks it, once, as
 * soon as it is complete - the OCI spec's parser (runtime/spec/
 * resources.c), `containerv update` (runtime/cli/running.c), the demo
 * (demo.c) - and everything that applies limits (cv_cg_check,
 * cv_cg_set, cv_container_update) takes them as checked and does not
 * check again.  Code that builds limits in memory must call this.
 */
int cv_cg_limits_check(const struct cv_cg_limits *l, struct cv_err *err);

/*
 * cv_cg_parse_size - "32M", "1.5g", "4096", "512KiB" -> bytes; "-1",
 * "max" and "unlimited" -> CV_CG_MAX.  `what` names the value in errors.
 */
int cv_cg_parse_size(const char *text, const char *what, int64_t *bytes, struct cv_err *err);

/* cv_cg_parse_cpus - "0.5" CPUs -> a quota of 0.5 * period microseconds. */
int cv_cg_parse_cpus(const char *text, int64_t period, int64_t *quota, struct cv_err *err);

/* cv_cg_parse_cpuset - check a cpu or memory-node list: "0-3,6". */
int cv_cg_parse_cpuset(const char *text, const char *what, struct cv_err *err);

/*
 * cv_cg_parse_rule - a device rule as devices.allow takes it: "c 1:3 rwm",
 * "b 8:* r", "a"; the access defaults to rwm.
 */
int cv_cg_parse_rule(const char *text, bool allow, struct cv_cg_dev_rule *rule, struct cv_err *err);

/* cv_cg_format_rule - the v1 spelling of a rule: "c 1:3 rwm". */
const char *cv_cg_format_rule(const struct cv_cg_dev_rule *rule, char *buf, size_t size);

/* cv_cg_parse_dev_value - "MAJOR:MINOR VALUE", as in blkio.throttle.*. */
int cv_cg_parse_dev_value(const char *text, const char *what, struct cv_cg_dev_value *out,
			  struct cv_err *err);

/*
 * Conversions between the v1 scales (what OCI uses) and v2's:
 *
 *   cpu.shares [2, 262144]  <->  cpu.weight [1, 10000]
 *       weight = 1 + (shares - 2) * 9999 / 262142
 *   blkio.weight [10, 1000] <->  io.weight [1, 10000]
 *       weight = 1 + (blkio - 10) * 9999 / 990
 *
 * (The same linear maps runc and crun use, so a config gives the same
 * cgroup under any of them.)  Both ends map to both ends, and the inverse
 * rounds to nearest, so v1 -> v2 -> v1 returns the value it started from
 * wherever the v2 scale is fine enough to tell values apart.
 */
uint64_t cv_cg_shares_to_weight(uint64_t shares);
uint64_t cv_cg_weight_to_shares(uint64_t weight);
uint64_t cv_cg_blkio_to_io_weight(uint64_t blkio);
uint64_t cv_cg_io_weight_to_blkio(uint64_t weight);

#endif
