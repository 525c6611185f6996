/*
 * demo_run.c - `cv-rootfs run`: CMD in new mount, pid and ipc namespaces
 * (step 01), its root switched there by cv_rootfs_enter(), and what it
 * sees from inside printed before CMD starts.  With layers, the overlay's
 * directories are made here and removed at the end.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "01-namespaces/namespaces.h"
#include "01-namespaces/spawn.h"
#include "03-rootfs/demo.h"
#include "common/child.h"
#include "common/file.h"

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

int cmd_run(struct cv_args *a)
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
