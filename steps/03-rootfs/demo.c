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
 * its root there (rootfs.c) and shows, from inside, what it sees.  Here:
 * main, the command table, import and export; `run`'s options are in
 * demo_opts.c, `run` itself in demo_run.c, `breakout` in demo_breakout.c.
 */
#include <stdio.h>

#include "03-rootfs/demo.h"
#include "03-rootfs/layer.h"
#include "common/args.h"

static const struct cv_opt no_opts[] = {{NULL, 0, NULL, NULL, 0}};

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
