/*
 * demo.h - bin/cv-rootfs's own parts, shared between its files: demo.c
 * (main and the command table), demo_opts.c (what `run` is told),
 * demo_run.c (`run` itself and the view from inside) and
 * demo_breakout.c (chroot against pivot_root, by experiment).
 */
#ifndef CV_ROOTFS_DEMO_H
#define CV_ROOTFS_DEMO_H

#include <limits.h>
#include <stdbool.h>

#include "03-rootfs/rootfs.h"
#include "common/args.h"

#define MAX_MOUNTS 32
#define MAX_LAYERS 16

/* Everything `run` collects from its options. */
struct run {
	struct cv_rootfs_spec root;
	struct cv_mount mounts[MAX_MOUNTS];
	struct cv_device devices[16];
	const char *lowers[MAX_LAYERS + 1];
	char layers[4096];
	struct cv_overlay overlay;
	char target[PATH_MAX], tmp_upper[PATH_MAX + 8], work[4200];
	const char *rootfs, *upper;
	char rootfs_abs[4096];
	bool quiet, map_root;
	char **argv;
};

/* `run`'s options, for the command table. */
extern const struct cv_opt run_opts[];

/*
 * parse_run - fill r from `run`'s options and words.  Returns 0, -1 when
 * --help was printed (exit 0), or an exit status with a->err set.
 */
int parse_run(struct cv_args *a, struct run *r);

/* The commands; each returns the exit status. */
int cmd_run(struct cv_args *a);
int cmd_breakout(struct cv_args *a);

#endif
