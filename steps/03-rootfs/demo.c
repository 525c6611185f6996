/*
 * demo.c - bin/cv-rootfs: a root filesystem of its own.
 *
 *   cv-rootfs run --rootfs DIR [--overlay L1:L2] [--upper DIR] [--readonly]
 *                 [--no-pivot] [--mount SRC:DST[:OPTS]] -- CMD
 *   cv-rootfs import FILE.tar[.gz] DIR      a layer tarball into a directory
 *   cv-rootfs export DIR FILE.tar[.gz]      and back
 *   cv-rootfs breakout                      chroot vs pivot_root, by experiment
 *
 * `run` starts CMD in new mount, pid and ipc namespaces (step 01), switches
 * its root there (rootfs.c) and shows, from inside, what it sees.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "01-namespaces/namespaces.h"
#include "01-namespaces/spawn.h"
#include "03-rootfs/layer.h"
#include "03-rootfs/rootfs.h"
#include "common/args.h"
#include "common/child.h"
#include "common/file.h"
#include "common/trace.h"

#define MAX_MOUNTS 32
#define MAX_LAYERS 16

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
static const struct cv_opt run_opts[] = {
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
/* clang-format on */
static const struct cv_opt no_opts[] = {{NULL, 0, NULL, NULL, 0}};

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

/* --- run -------------------------------------------------------------------- */

/* What the process sees once its root is switched, before CMD starts. */
static void show_inside(const struct run *r)
{
	char mountinfo[16384], mnt[512], type[64];
	struct stat st;
	int n = 0;

	(void)n;
	printf("cv-rootfs: / is now %s%s, switched with %s\n", r->rootfs,
	       r->overlay.n_lowers ? " (with layers: an overlay)" : "",
	       r->root.no_pivot ? "chroot" : "pivot_root");
	if (cv_read_file("/proc/self/mountinfo", mountinfo, sizeof(mountinfo),
			 &(struct cv_err){0}) >= 0) {
		printf("cv-rootfs: the mounts it sees, from /proc/self/mountinfo:\n");
		for (char *l = strtok(mountinfo, "\n"); l; l = strtok(NULL, "\n"), n++) {
			const char *dash = strstr(l, " - "); /* after it: type, source, options */
			if (dash && sscanf(l, "%*s %*s %*s %*s %511s", mnt) == 1 &&
			    sscanf(dash, " - %63s", type) == 1)
				printf("  %-28s %s\n", mnt, type);
		}
	}
	printf("cv-rootfs: the host's %s: %s\n", r->rootfs,
	       stat(r->rootfs, &st) == 0 && r->rootfs[0] == '/' ? "still visible" : "not here");
	printf("---\n");
	fflush(stdout);
}

static int run_child(void *arg)
{
	struct run *r = arg;
	struct cv_err err;

	if (cv_rootfs_enter(&r->root, &err) < 0) {
		cv_err_print(&err, "cv-rootfs");
		return 125;
	}
	if (!r->quiet)
		show_inside(r);
	execvp(r->argv[0], r->argv);
	cv_err_sys(&err, "execvp(`%s`)", r->argv[0]);
	cv_err_hint(&err, "is `%s` in the rootfs, in its $PATH?", r->argv[0]);
	cv_err_print(&err, "cv-rootfs");
	return errno == ENOENT ? 127 : 126;
}

/* Layers: the --overlay list on top, the rootfs at the bottom, temp dirs for the rest. */
static int setup_overlay(struct cv_args *a, struct run *r)
{
	size_t n = 0;
	/* in $TMPDIR, as mktemp(1) does: where the caller keeps its temporary files */
	const char *tmp = getenv("TMPDIR");
	char base[PATH_MAX];

	snprintf(base, sizeof(base), "%s/cv-rootfs-XXXXXX", tmp && tmp[0] == '/' ? tmp : "/tmp");
	for (char *l = strtok(r->layers, ":"); l && n < MAX_LAYERS; l = strtok(NULL, ":"))
		r->lowers[n++] = l;
	r->lowers[n++] = r->rootfs;
	if (!mkdtemp(base)) {
		cv_err_sys(a->err, "mkdtemp(`%s`)", base);
		return 1;
	}
	snprintf(r->target, sizeof(r->target), "%s", base);
	if (!r->upper) {
		snprintf(r->tmp_upper, sizeof(r->tmp_upper), "%s.upper", base);
		r->upper = r->tmp_upper;
	}
	snprintf(r->work, sizeof(r->work), "%s.work", r->upper);
	r->overlay = (struct cv_overlay){r->lowers, n, r->upper, r->work, r->map_root};
	r->root.overlay = &r->overlay;
	r->root.root = r->target;
	return 0;
}

static void cleanup_overlay(struct run *r)
{
	struct cv_err err;

	if (!r->root.overlay)
		return;
	cv_overlay_unmount(r->target, r->work, &err); /* gone with the namespace, mostly */
	rmdir(r->work);
	rmdir(r->target);
	if (r->tmp_upper[0])
		cv_remove_tree(r->tmp_upper, &err);
}

static int parse_run(struct cv_args *a, struct run *r)
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

static int cmd_run(struct cv_args *a)
{
	struct run *r = calloc(1, sizeof(*r));
	struct cv_ns_spec *ns = calloc(1, sizeof(*ns));
	int rc;
	pid_t pid;

	if (!r || !ns)
		return 1;
	rc = parse_run(a, r);
	/* checked before anything is made: nothing to undo if it is wrong */
	if (rc == 0 && cv_rootfs_check(&r->root, a->err) < 0)
		rc = 1;
	/* From here a signal (^C, kill, `| head -1`) waits until the layer
	 * directories in $TMPDIR are removed, or they would stay. */
	cv_defer_signals();
	if (rc == 0 && (r->layers[0] || r->upper))
		rc = setup_overlay(a, r);
	if (rc == 0 && cv_signal_pending())
		rc = 128 + cv_signal_pending();
	if (rc == 0) {
		cv_ns_spec_init(ns);
		ns->flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC;
		if (r->map_root) {
			ns->flags |= CLONE_NEWUSER;
			ns->uid_map = (struct cv_idmap){1, {{0, (uint32_t)geteuid(), 1}}};
			ns->gid_map = (struct cv_idmap){1, {{0, (uint32_t)getegid(), 1}}};
		}
		pid = cv_ns_spawn(ns, run_child, r, a->err);
		rc = pid < 0 ? 1 : cv_wait_forwarding(pid, NULL);
	}
	cleanup_overlay(r);
	free(ns);
	free(r);
	cv_raise_deferred();
	return rc < 0 ? 0 : rc;
}

/* --- breakout -------------------------------------------------------------- */

/*
 * The classic escape from chroot: chroot into a subdirectory while the
 * current directory stays where it was - outside the new root - then
 * walk up with "..": nothing stops a cwd that is not below the root.
 * At the top, chroot(".") is the host's "/" again.  It needs
 * CAP_SYS_CHROOT, which root in a container may well have.
 */
static bool try_escape(const char *marker)
{
	struct stat st;

	if (chdir("/") < 0 || chroot("tmp") < 0) /* cwd is now above the root */
		return false;
	for (int i = 0; i < 64; i++)
		if (chdir("..") < 0)
			return false;
	return chroot(".") == 0 && stat(marker, &st) == 0;
}

struct breakout {
	const char *rootfs, *marker;
	bool pivot;
};

static int breakout_child(void *arg)
{
	struct breakout *b = arg;
	struct cv_rootfs_spec spec;
	struct cv_err err;
	bool out;

	if (b->pivot) {
		cv_rootfs_spec_init(&spec); /* nothing but the root switch itself */
		spec.root = b->rootfs;
		spec.n_mounts = 0;
		spec.populate_dev = false;
		spec.masked = spec.readonly_paths = NULL;
		if (cv_rootfs_enter(&spec, &err) < 0) {
			cv_err_print(&err, "cv-rootfs");
			return 2;
		}
	} else if (chroot(b->rootfs) < 0 || chdir("/") < 0) {
		perror("chroot");
		return 2;
	}
	out = try_escape(b->marker);
	printf("  after %-11s chroot(\"tmp\"), 64 x chdir(\"..\"), chroot(\".\"): %s %s\n",
	       b->pivot ? "pivot_root:" : "chroot:", b->marker,
	       out ? "is there: ESCAPED to the host's /" : "is not there: still inside");
	fflush(stdout);
	return out ? 1 : 0;
}

static int breakout_run(const char *rootfs, const char *marker, bool pivot, struct cv_err *err)
{
	struct breakout b = {rootfs, marker, pivot};
	struct cv_ns_spec *ns = calloc(1, sizeof(*ns));
	pid_t pid;

	if (!ns)
		return -1;
	cv_ns_spec_init(ns);
	ns->flags = CLONE_NEWNS; /* whatever it mounts or moves, the host keeps its own */
	pid = cv_ns_spawn(ns, breakout_child, &b, err);
	free(ns);
	return pid < 0 ? -1 : cv_wait_forwarding(pid, NULL);
}

static int cmd_breakout(struct cv_args *a)
{
	const char *rootfs = "build/rootfs";
	char marker[64], abs_root[4096];
	int opt, chrooted, pivoted;
	FILE *f;

	while ((opt = cv_args_next(a)) > 0 || opt == CV_ARG_POSITIONAL)
		rootfs = a->val;
	if (opt < 0 && opt != CV_ARG_POSITIONAL)
		return opt == CV_ARG_HELP ? 0 : CV_EXIT_USAGE;
	if (!realpath(rootfs, abs_root)) {
		cv_err_sys(a->err, "rootfs `%s`", rootfs);
		return 1;
	}
	cv_defer_signals(); /* the marker file is removed before a signal ends us */
	snprintf(marker, sizeof(marker), "/tmp/cv-breakout-%d", (int)getpid());
	if (!(f = fopen(marker, "w")) || fputs("a file only the host has\n", f) < 0 || fclose(f)) {
		cv_err_sys(a->err, "writing `%s`", marker);
		return 1;
	}
	printf("cv-rootfs: %s exists on the host only; can a process in %s reach it?\n", marker,
	       abs_root);
	chrooted = breakout_run(abs_root, marker, false, a->err);
	pivoted = cv_signal_pending() ? -1 : breakout_run(abs_root, marker, true, a->err);
	unlink(marker);
	cv_raise_deferred();
	if (chrooted < 0 || pivoted < 0)
		return 1;
	printf("cv-rootfs: %s\n", chrooted == 1 && pivoted == 0
				      ? "chroot was escaped; pivot_root held (the old root "
					"was detached: there is nothing above / to walk to)"
				      : "unexpected: see above");
	return chrooted == 1 && pivoted == 0 ? 0 : 1;
}

/* --- import, export --------------------------------------------------------- */

static int cmd_import(struct cv_args *a)
{
	int r = cv_args_words(a, 2, 2, "FILE.tar[.gz] DIR");

	if (r != 0)
		return r < 0 ? 0 : r;
	return cv_layer_import(a->argv[a->i], a->argv[a->i + 1], a->err) < 0 ? 1 : 0;
}

static int cmd_export(struct cv_args *a)
{
	int r = cv_args_words(a, 2, 2, "DIR FILE.tar[.gz]");

	if (r != 0)
		return r < 0 ? 0 : r;
	return cv_layer_export(a->argv[a->i], a->argv[a->i + 1], a->err) < 0 ? 1 : 0;
}

static const struct cv_cmd commands[] = {
    {"run", "--rootfs DIR [OPTIONS] [--] CMD [ARGS...]",
     "Run CMD with DIR as its root filesystem; print what it sees from inside",
     "sudo cv-rootfs run --rootfs build/rootfs -- /bin/sh", run_opts, 0, cmd_run},
    {"import", "FILE.tar[.gz] DIR", "Unpack a layer tarball into DIR (whiteouts for overlayfs)",
     "sudo cv-rootfs import layer.tar.gz /tmp/layer", no_opts, 0, cmd_import},
    {"export", "DIR FILE.tar[.gz]", "Pack DIR (an overlay's upper, say) into a layer tarball",
     "sudo cv-rootfs export /tmp/upper layer.tar.gz", no_opts, 0, cmd_export},
    {"breakout", "[ROOTFS]",
     "Escape a chroot, then fail to escape after pivot_root: both, as you would see them",
     "sudo cv-rootfs breakout build/rootfs", no_opts, CV_CMD_INTERLEAVE, cmd_breakout},
    {NULL, NULL, NULL, NULL, NULL, 0, NULL},
};

static const struct cv_prog prog = {
    "cv-rootfs",
    "Step 03 of containerv: the root filesystem. A process gets its own /, its own\n"
    "mounts (/proc, /dev, /sys...), and a root made of image layers.",
    "cv-rootfs run --rootfs build/rootfs -- sh",
    commands,
    NULL,
    NULL,
};

int main(int argc, char **argv)
{
	return cv_main(&prog, argc, argv);
}
