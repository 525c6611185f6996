/*
 * cgroups.h - control groups: limits, accounting and control for a group
 * of processes.
 *
 * A cgroup is a directory in a special filesystem.  Processes are put in
 * it by writing their pid to its `cgroup.procs`; limits are set by writing
 * to its other files (`memory.max`, `pids.max`, ...); usage is read from
 * them (`memory.current`, `cpu.stat`).  Each resource is a *controller*,
 * and the kernel enforces it on every process in the directory and below.
 *
 * There are two versions of the filesystem, and hosts mount them in three
 * layouts (cgroups(7)):
 *
 *   unified  one cgroup2 tree at /sys/fs/cgroup with every controller;
 *   legacy   one cgroup v1 tree per controller, /sys/fs/cgroup/memory...;
 *   hybrid   v1 trees for most controllers, plus a cgroup2 tree at
 *            /sys/fs/cgroup/unified that holds whatever is left over.
 *
 * A cgroup here is the set of directories, one per tree, that share one
 * path; each controller is driven in the tree that has it, through one
 * small table of operations per version (v1.c, v2.c).  A cgroup is made
 * for one group of processes: one that other processes use already is
 * refused (cv_cg_plan), and a directory that was there before is never
 * removed.  The layout is
 * detected once, by statfs(2) on the root, never guessed from versions.
 */
#ifndef CV_CGROUPS_H
#define CV_CGROUPS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "02-cgroups/limits.h"
#include "common/err.h"

/* The controllers containerv drives. */
enum cv_cg_ctrl {
	CV_CG_CPU,
	CV_CG_CPUACCT, /* v1 only: in v2, cpu accounts too */
	CV_CG_CPUSET,
	CV_CG_MEMORY,
	CV_CG_PIDS,
	CV_CG_IO, /* "blkio" in v1 */
	CV_CG_HUGETLB,
	CV_CG_DEVICES,  /* v1 controller; in v2, a BPF program (devices.c) */
	CV_CG_FREEZER,  /* v1 controller; in v2, the core file cgroup.freeze */
	CV_CG_NET_CLS,  /* v1 only: a class id on the container's packets */
	CV_CG_NET_PRIO, /* v1 only: their priority per network interface */
	CV_CG_RDMA,     /* RDMA handles and objects, v1 and v2 */
	CV_CG_NCTRL
};
#define CV_CG_BIT(c) (1u << (c))

/* cv_cg_ctrl_name - "memory", "blkio"/"io" (by version), ... */
const char *cv_cg_ctrl_name(enum cv_cg_ctrl c, int version);

enum cv_cg_layout { CV_CG_UNIFIED, CV_CG_HYBRID, CV_CG_LEGACY };
const char *cv_cg_layout_name(enum cv_cg_layout layout);

#define CV_CG_PATH_MAX  512
#define CV_CG_MAX_TREES 16

/* One mounted cgroup tree (a "hierarchy"). */
struct cv_cg_tree {
	int version;                /* 1 or 2 */
	char mount[CV_CG_PATH_MAX]; /* where it is mounted: /sys/fs/cgroup/memory */
	char root[CV_CG_PATH_MAX];  /* the tree's path mounted there (usually "/") */
	char self[CV_CG_PATH_MAX];  /* the caller's cgroup in it, from /proc/self/cgroup */
	unsigned ctrls;             /* CV_CG_BIT()s of the controllers it holds */
	char name[32];              /* "memory", "cpu,cpuacct", "name=systemd", "unified" */
};

/* What this host has: its layout and its trees, detected once. */
struct cv_cg_host {
	enum cv_cg_layout layout;
	char root[CV_CG_PATH_MAX]; /* /sys/fs/cgroup, or CV_CGROUP_ROOT */
	unsigned n;
	struct cv_cg_tree tree[CV_CG_MAX_TREES];
};

/*
 * cv_cg_detect - find the layout and the trees.  root NULL means
 * $CV_CGROUP_ROOT or else /sys/fs/cgroup.  Reads statfs(root),
 * /proc/self/mountinfo and /proc/self/cgroup.
 */
int cv_cg_detect(const char *root, struct cv_cg_host *host, struct cv_err *err);

/*
 * cv_cg_parse - the part of cv_cg_detect() that is pure text: the trees
 * mounted under `root` according to `mountinfo`, and the caller's place in
 * each according to `self_cgroup` (the text of /proc/self/cgroup).
 */
int cv_cg_parse(enum cv_cg_layout layout, const char *root, const char *mountinfo,
		const char *self_cgroup, struct cv_cg_host *host, struct cv_err *err);

/* cv_cg_tree_of - the tree that drives controller c, or NULL. */
const struct cv_cg_tree *cv_cg_tree_of(const struct cv_cg_host *host, enum cv_cg_ctrl c);

/*
 * cv_cg_systemd_check - the systemd cgroup driver needs systemd as init;
 * an error saying so when it is not (no /run/systemd/system).
 */
int cv_cg_systemd_check(struct cv_err *err);

/* One directory of a cgroup, in one tree. */
struct cv_cg_dir {
	const struct cv_cg_tree *tree;
	char path[CV_CG_PATH_MAX]; /* the full directory */
	int made;                  /* how many trailing components we created; 0: not ours */
};

/*
 * A cgroup: its path, and its directory in every tree - those with
 * controllers, cgroup2, and named v1 hierarchies with none (name=systemd:
 * nothing to drive there, but a process left at that tree's root would
 * see, and with a writable mount could join, the host's cgroups in it).
 */
struct cv_cgroup {
	const struct cv_cg_host *host;
	char path[CV_CG_PATH_MAX]; /* as asked: "/containerv/web" or "web" */
	unsigned n;
	struct cv_cg_dir dir[CV_CG_MAX_TREES];
};

/*
 * cv_cg_path_check - a cgroup path is absolute (from each tree's root) or
 * relative (to the caller's own cgroup, as OCI linux.cgroupsPath allows);
 * it has no "." or ".." components and no empty ones.
 */
int cv_cg_path_check(const char *path, struct cv_err *err);

/*
 * Making a cgroup, in two halves so that a caller can write down what it
 * is about to make before making it (the runtime does: a create killed
 * half-way leaves a record of which directories were its own):
 *
 * cv_cg_plan - the cgroup's directories, each with `made` set to how many
 * trailing components are missing (what cv_cg_make will create).  A
 * cgroup that exists already and holds any process, in it or in a cgroup
 * below it, is refused (-EBUSY, naming the directory and a pid): killing
 * or removing it later would hit processes that are not ours.  An
 * existing empty one is used, and its `made` is 0: it is not ours.
 *
 * cv_cg_make - mkdir -p in every tree, enable v2 controllers down the
 * path, give v1 cpusets their parent's cpus and mems; `made` becomes what
 * was really made.  On failure, removes what it made (only that).
 *
 * cv_cg_create - both.
 */
int cv_cg_plan(const struct cv_cg_host *host, const char *path, struct cv_cgroup *cg,
	       struct cv_err *err);
int cv_cg_make(struct cv_cgroup *cg, struct cv_err *err);
int cv_cg_create(const struct cv_cg_host *host, const char *path, struct cv_cgroup *cg,
		 struct cv_err *err);

/*
 * cv_cg_in_use - -EBUSY (naming the directory and a pid) when any existing
 * directory of the cgroup, or a cgroup below it, holds a process; else 0.
 */
int cv_cg_in_use(const struct cv_cgroup *cg, struct cv_err *err);

/* cv_cg_all_made - every directory of the cgroup was made by us: all it holds is ours. */
bool cv_cg_all_made(const struct cv_cgroup *cg);

/*
 * cv_cg_open - an existing cgroup, for stats, freeze, kill, destroy: each
 * directory must exist (but in a named tree: a cgroup made by an older
 * containerv has none there).  Each counts as made (its leaf only).
 */
int cv_cg_open(const struct cv_cg_host *host, const char *path, struct cv_cgroup *cg,
	       struct cv_err *err);

/*
 * cv_cg_open_existing - whichever directories of the cgroup exist, for
 * cleaning up after a create killed while it made them; -ENOENT only
 * when there is none.
 */
int cv_cg_open_existing(const struct cv_cg_host *host, const char *path, struct cv_cgroup *cg,
			struct cv_err *err);

/*
 * cv_cg_check - can this host apply these limits?  Controllers, a
 * cgroup2 tree for `unified`, block devices: what can be known about the
 * host before a cgroup exists.  l must have passed cv_cg_limits_check()
 * (limits.h): the ranges are not checked again here.  Settings for
 * controllers that are commonly absent (net_cls, net_prio, rdma, kernel
 * memory) are skipped with a warning, as runc does.
 */
int cv_cg_check(const struct cv_cg_host *host, const struct cv_cg_limits *l, struct cv_err *err);

/* cv_cg_swap_accounted - can this cgroup's memory+swap be limited? */
bool cv_cg_swap_accounted(const struct cv_cgroup *cg);

/*
 * cv_cg_set - apply limits: each controller in the tree that has it, with
 * the v1 or v2 spelling and the documented conversions (limits.h).  l
 * must have passed cv_cg_limits_check(): the writers rely on it (v2's
 * swap is memory+swap minus memory).  A limit this host cannot apply is
 * an error naming it (cv_cg_check), before anything is written; a value
 * the kernel refuses stops at that file, and what was written stays.
 */
int cv_cg_set(struct cv_cgroup *cg, const struct cv_cg_limits *l, struct cv_err *err);

/* cv_cg_enter - move process pid into the cgroup in every tree. */
int cv_cg_enter(struct cv_cgroup *cg, pid_t pid, struct cv_err *err);

/*
 * cv_cg_clone_fd - an O_PATH|O_DIRECTORY fd of the cgroup's v2 directory,
 * for clone3(CLONE_INTO_CGROUP); -ENOENT when the host has no v2 tree.
 */
int cv_cg_clone_fd(const struct cv_cgroup *cg, struct cv_err *err);

/* cv_cg_stats - usage counters (stats.h); missing controllers left zero. */
struct cv_cg_stats;
int cv_cg_stats(struct cv_cgroup *cg, struct cv_cg_stats *st, struct cv_err *err);

/*
 * cv_cg_freeze - stop (true) or resume every process; waits until done.
 * Resuming thaws through every freezer the host has, whichever froze it.
 */
int cv_cg_freeze(struct cv_cgroup *cg, bool frozen, struct cv_err *err);

/*
 * cv_cg_kill - SIGKILL every process and wait until the cgroup is empty:
 * cgroup.kill where the kernel has it, else freeze, kill each, thaw.
 */
int cv_cg_kill(struct cv_cgroup *cg, struct cv_err *err);

/* cv_cg_pids - up to max pids in the cgroup; returns how many. */
int cv_cg_pids(struct cv_cgroup *cg, pid_t *pids, int max, struct cv_err *err);

/*
 * cv_cg_destroy - remove the directories this cgroup made (leaf first,
 * then the parents it made, while they are empty), retrying briefly while
 * the last processes leave (EBUSY).  A directory it did not make (`made`
 * 0: it was there before) is left alone.
 */
int cv_cg_destroy(struct cv_cgroup *cg, struct cv_err *err);

/*
 * cv_cg_prune - remove those of the cgroup's directories that are empty:
 * no processes and no child cgroups.  For shared parents such as
 * /containerv: whoever leaves last turns off the light.
 */
void cv_cg_prune(struct cv_cgroup *cg);

#endif
