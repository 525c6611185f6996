/*
 * demo_opts.c - what `cv-rootfs run` is told: its options, each into the
 * struct cv_rootfs_spec that cv_rootfs_enter() will follow.  A mount or a
 * device is checked here, as the runtime checks a config: a bad one is a
 * usage error before anything is made.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "03-rootfs/demo.h"

enum {
	O_ROOTFS = 1,
	O_OVERLAY,
	O_UPPER,
	O_READONLY,
	O_NO_PIVOT,
	O_MOUNT,
	O_FS,
	O_DEVICE,
	O_PROPAGATION,
	O_MAP_ROOT,
	O_QUIET,
};

/* clang-format off */
const struct cv_opt run_opts[] = {
	{"rootfs", 'r', "DIR", "the directory that becomes / (the bottom layer with --overlay)", O_ROOTFS},
	{"overlay", 0, "L1:L2", "more read-only layers above it, the leftmost on top", O_OVERLAY},
	{"upper", 0, "DIR", "where writes go with layers (kept; default: a temporary one)", O_UPPER},
	{"readonly", 0, NULL, "make / read-only", O_READONLY},
	{"no-pivot", 0, NULL, "chroot instead of pivot_root (and see why not)", O_NO_PIVOT},
	{"mount", 'm', "SRC:DST[:OPTS]", "bind a host path in, as in /srv:/data:ro (repeatable)", O_MOUNT},
	{"fs", 0, "TYPE:DST[:OPTS]", "mount a filesystem, as in tmpfs:/scratch:size=1m (repeatable)", O_FS},
	{"device", 0, "PATH:TYPE:MAJ:MIN", "a device node, as in /dev/fuse:c:10:229 (repeatable)", O_DEVICE},
	{"propagation", 0, "MODE", "rootfs propagation: rprivate (default), rslave, rshared...", O_PROPAGATION},
	{"map-root", 0, NULL, "in a user namespace, you as root (rootless)", O_MAP_ROOT},
	{"quiet", 'q', NULL, "do not print the view from inside", O_QUIET},
	{NULL, 0, NULL, NULL, 0},
};

static int add_mount(struct cv_args *a, struct run *r)
{
	char src[512] = "", dst[512] = "", opts[256] = "rbind";
	size_t nm = r->root.n_mounts;
	int n = sscanf(a->val, "%511[^:]:%511[^:]:%255s", src, dst, opts);

	if (n < 2)
		return cv_args_usage_error(a, "--mount `%s`: expected SRC:DST[:OPTIONS]", a->val);
	if (nm == MAX_MOUNTS)
		return cv_args_usage_error(a, "at most %d mounts", MAX_MOUNTS);
	if (n == 3 && !strstr(opts, "bind"))
		snprintf(opts + strlen(opts), sizeof(opts) - strlen(opts), ",rbind");
	if (cv_mount_parse_csv("bind", src, dst, opts, &r->mounts[nm], a->err) < 0)
		return CV_EXIT_USAGE;
	r->root.n_mounts++;
	return 0;
}

static int add_fs(struct cv_args *a, struct run *r)
{
	char type[32] = "", dst[512] = "", opts[256] = "";
	size_t nm = r->root.n_mounts;

	if (sscanf(a->val, "%31[^:]:%511[^:]:%255s", type, dst, opts) < 2)
		return cv_args_usage_error(a, "--fs `%s`: expected TYPE:DST[:OPTIONS]", a->val);
	if (nm == MAX_MOUNTS)
		return cv_args_usage_error(a, "at most %d mounts", MAX_MOUNTS);
	if (cv_mount_parse_csv(type, type, dst, opts, &r->mounts[nm], a->err) < 0)
		return CV_EXIT_USAGE;
	r->root.n_mounts++;
	return 0;
}

static int add_device(struct cv_args *a, struct run *r)
{
	struct cv_device *d = &r->devices[r->root.n_devices];
	char path[256];

	if (r->root.n_devices == 16 ||
	    sscanf(a->val, "%255[^:]:%c:%u:%u", path, &d->type, &d->major, &d->minor) != 4)
		return cv_args_usage_error(a, "--device `%s`: expected PATH:TYPE:MAJOR:MINOR",
					   a->val);
	snprintf(d->path, sizeof(d->path), "%s", path);
	if (cv_device_check(d, a->err) < 0)
		return CV_EXIT_USAGE;
	r->root.n_devices++;
	return 0;
}

static int run_option(struct cv_args *a, int opt, struct run *r)
{
	switch (opt) {
	case O_ROOTFS:
		r->rootfs = a->val;
		return 0;
	case O_OVERLAY:
		snprintf(r->layers, sizeof(r->layers), "%s", a->val);
		return 0;
	case O_UPPER:
		r->upper = a->val;
		return 0;
	case O_READONLY:
		r->root.readonly = true;
		return 0;
	case O_NO_PIVOT:
		r->root.no_pivot = true;
		return 0;
	case O_MOUNT:
		return add_mount(a, r);
	case O_FS:
		return add_fs(a, r);
	case O_DEVICE:
		return add_device(a, r);
	case O_PROPAGATION:
		return cv_parse_propagation(a->val, &r->root.propagation, a->err) < 0
			   ? CV_EXIT_USAGE
			   : 0;
	case O_MAP_ROOT:
		r->map_root = true;
		return 0;
	default: /* O_QUIET */
		r->quiet = true;
		return 0;
	}
}

int parse_run(struct cv_args *a, struct run *r)
{
	int opt, rc;

	cv_rootfs_spec_init(&r->root);
	memcpy(r->mounts, cv_default_mounts, cv_default_mounts_n * sizeof(r->mounts[0]));
	r->root.mounts = r->mounts;
	r->root.devices = r->devices;
	while ((opt = cv_args_next(a)) > 0)
		if ((rc = run_option(a, opt, r)) != 0)
			return rc;
	if (opt < 0)
		return opt == CV_ARG_HELP ? -1 : CV_EXIT_USAGE;
	if (!r->rootfs)
		return cv_args_usage_error(a, "no --rootfs given: which directory becomes / ?");
	if (cv_args_rest(a) == 0)
		return cv_args_usage_error(a, "no command given: what should run in the rootfs?");
	r->argv = a->argv + a->i;
	/* absolute: the child shows it, and checks it is gone, from inside */
	if (realpath(r->rootfs, r->rootfs_abs))
		r->rootfs = r->rootfs_abs;
	r->root.root = r->rootfs;
	r->root.ctx.userns = r->map_root;
	return 0;
}

