/*
 * apply.c - making the mounts of mounts.h inside a rootfs.
 *
 * Each mount goes onto /proc/self/fd/N, N an O_PATH fd of its destination
 * resolved inside the root.  After it, the destination is resolved again:
 * the old fd still names the directory *under* the new mount, and the
 * read-only remount and the propagation change are for the new one.
 *
 * One entry can take several calls.  A bind mount ignores every flag but
 * MS_REC (mount(2)): a read-only or nosuid bind is a second call,
 * MS_REMOUNT|MS_BIND with the flags, which changes that one mount and not
 * the filesystem under it.  In a user namespace a remount may not clear
 * ro, nosuid, nodev or noexec on a mount that came from a more privileged
 * namespace - they are locked (mount_namespaces(7)) and the remount is
 * EPERM - so each remount adds back what statvfs says the mount has.
 *
 * Some filesystems belong to a namespace, and mounting one needs
 * CAP_SYS_ADMIN over its owner: proc over the pid namespace, sysfs over
 * the network namespace, mqueue over the ipc one; cgroup v1 controllers
 * only in the initial user namespace.  Where a user namespace cannot, the
 * host's tree is bound read-only instead, with a warning.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "02-cgroups/cgroups.h"
#include "03-rootfs/copyup.h"
#include "03-rootfs/mounts.h"
#include "03-rootfs/resolve.h"
#include "common/cleanup.h"
#include "common/probe.h"
#include "common/syscalls.h"
#include "common/trace.h"

/* mount(2) with a trace line and an error that names everything. */
static int do_mount(const char *src, int dest_fd, const char *shown_dest, const char *type,
		    unsigned long flags, const char *data, struct cv_err *err)
{
	char target[64], names[160];
	int r;

	cv_mount_flags_str(flags, names, sizeof(names));
	r = mount(src, cv_fd_path(dest_fd, target, sizeof(target)), type, flags, data);
	cv_trace_sys(r, "mount(`%s` on `%s`, %s, %s%s%s)", src ? src : "none", shown_dest,
		     type ? type : "-", names, data && *data ? ", " : "", data ? data : "");
	if (r < 0)
		return cv_err_sys(err, "mount(`%s` on `%s`, type %s, %s%s%s)", src ? src : "none",
				  shown_dest, type ? type : "-", names, data && *data ? ", " : "",
				  data ? data : "");
	return 0;
}

/* The flags a user namespace may not drop from a mount: keep what it has. */
static unsigned long locked_flags(int fd)
{
	char path[64];
	struct statvfs st;
	unsigned long flags = 0;

	if (statvfs(cv_fd_path(fd, path, sizeof(path)), &st) < 0)
		return 0;
	if (st.f_flag & ST_NOSUID)
		flags |= MS_NOSUID;
	if (st.f_flag & ST_NODEV)
		flags |= MS_NODEV;
	if (st.f_flag & ST_NOEXEC)
		flags |= MS_NOEXEC;
	if (st.f_flag & ST_RDONLY)
		flags |= MS_RDONLY;
	return flags;
}

int cv_remount_readonly(int fd, const char *path, bool recursive, struct cv_err *err)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
	int r;

	if (!recursive)
		return do_mount(NULL, fd, path, NULL,
				MS_REMOUNT | MS_BIND | MS_RDONLY | locked_flags(fd), NULL, err);
	if (!cv_have_mount_setattr()) {
		cv_err_set(err, ENOSYS, "a recursive read-only mount (rro) needs mount_setattr(2)");
		return cv_err_hint(err, "Linux 5.12 or later; or use `ro`, which leaves the "
					"mounts below writable");
	}
	r = sys_mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr));
	cv_trace_sys(r, "mount_setattr(`%s`, AT_RECURSIVE, MOUNT_ATTR_RDONLY)", path);
	return r < 0 ? cv_err_sys(err, "mount_setattr(`%s`, AT_RECURSIVE, MOUNT_ATTR_RDONLY)", path)
		     : 0;
}

/* What a bind mount's destination must be: a file for a file, else a directory. */
static enum cv_leaf leaf_for(const struct cv_mount *m)
{
	struct stat st;

	return m->bind && stat(m->source, &st) == 0 && !S_ISDIR(st.st_mode) ? CV_LEAF_FILE
									    : CV_LEAF_DIR;
}

/* Remove "key=value" from a comma-separated option string. */
static void drop_option(char *data, const char *key)
{
	char *at = strstr(data, key), *end;

	if (!at || (at != data && at[-1] != ','))
		return;
	end = strchrnul(at, ',');
	if (*end)
		memmove(at, end + 1, strlen(end + 1) + 1);
	else
		*(at == data ? at : at - 1) = '\0';
}

/*
 * The first mount call.  Returns 0, 1 when it fell back to binding the
 * host's tree (which must then be made read-only), or -errno.
 */
static int first_mount(const struct cv_mount *m, int dest, const struct cv_mount_ctx *ctx,
		       struct cv_err *err)
{
	unsigned long flags = m->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
	char data[CV_MOUNT_DATA_MAX];

	if (m->copy_up)
		flags &= ~MS_RDONLY; /* filled first, made read-only after */
	int r;

	if (m->bind)
		return do_mount(m->source, dest, m->destination, NULL,
				MS_BIND | (m->recursive ? MS_REC : 0), NULL, err);
	/* sysfs shows the network devices of the namespace that mounts it */
	if (!strcmp(m->type, "sysfs") && !ctx->own_netns)
		flags |= MS_RDONLY; /* the host's network devices: look, do not touch */
	r = do_mount(m->source, dest, m->destination, m->type, flags, m->data, err);
	if (r == -EINVAL && ctx->userns && !strcmp(m->type, "devpts") && strstr(m->data, "gid=")) {
		/* gid 5 (tty) may not be mapped in a user namespace, and devpts refuses
		 * an unmapped gid= with EINVAL: without it, then (a new terminal
		 * gets its opener's group) */
		snprintf(data, sizeof(data), "%s", m->data);
		drop_option(data, "gid=");
		r = do_mount(m->source, dest, m->destination, m->type, flags, data, err);
	}
	if (r == -EPERM && ctx->userns && !strcmp(m->type, "sysfs")) {
		/* sysfs belongs to the network namespace's owner: show the host's, read-only */
		cv_warn("mounting sysfs on %s needs a network namespace of its own: binding "
			"the host's /sys read-only instead",
			m->destination);
		r = do_mount("/sys", dest, m->destination, NULL, MS_BIND | MS_REC, NULL, err);
		return r < 0 ? r : 1;
	}
	return r;
}

/* cgroup: the host's layout, read-only (below) */
static int mount_cgroups(int root_fd, const struct cv_mount *m, const struct cv_mount_ctx *ctx,
			 struct cv_err *err);

int cv_mount_apply(int root_fd, const struct cv_mount *m, const struct cv_mount_ctx *ctx,
		   struct cv_err *err)
{
	_cleanup_close_ int dest = -1, top = -1, covered = -1, filled = -1;
	unsigned long want = m->flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
	int r;

	if (!strcmp(m->type, "cgroup") || !strcmp(m->type, "cgroup2"))
		return mount_cgroups(root_fd, m, ctx, err);
	dest = cv_mkpath_in_root(root_fd, m->destination, leaf_for(m), 0755, err);
	if (dest < 0)
		return cv_err_wrap(err, "mount destination %s", m->destination);
	/* tmpcopyup: hold the directory about to be covered, to copy from; once
	 * the tmpfs is on it, this fd is the only way left to its contents */
	if (m->copy_up && (covered = openat(dest, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return cv_err_sys(err, "open %s to copy it up", m->destination);
	if ((r = first_mount(m, dest, ctx, err)) < 0) {
		if (err->code == EPERM)
			cv_err_hint(err, "mounting needs CAP_SYS_ADMIN over the mount namespace%s",
				    ctx->userns ? ", and some filesystems the namespace that owns "
						  "them (proc: pid; sysfs: net; mqueue: ipc)"
						: "");
		else if (err->code == ENOENT && m->bind)
			cv_err_hint(err, "does the bind source `%s` exist?", m->source);
		return -err->code;
	}
	/* resolved again, not reused: the new mount, on top, is what is remounted */
	top = cv_resolve_in_root(root_fd, m->destination, err);
	if (top < 0)
		return -err->code;
	if (covered >= 0) {
		if ((filled = openat(top, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
			return cv_err_sys(err, "open the tmpfs on %s", m->destination);
		if (cv_copy_tree(covered, filled, m->destination, err) < 0)
			return -err->code;
	}
	/* the second call: a bind took none of its flags, a fallback bind must be
	 * read-only, a tmpcopyup tmpfs was mounted writable to be filled */
	if ((m->bind || r == 1 || m->copy_up) && want &&
	    do_mount(NULL, top, m->destination, NULL,
		     MS_REMOUNT | MS_BIND | want | locked_flags(top) | (r == 1 ? MS_RDONLY : 0),
		     NULL, err) < 0)
		return -err->code;
	if (m->recursive_ro && cv_remount_readonly(top, m->destination, true, err) < 0)
		return -err->code;
	if (m->propagation &&
	    do_mount(NULL, top, m->destination, NULL, m->propagation, NULL, err) < 0)
		return -err->code;
	return 0;
}

/*
 * The container's own cgroup in tree t, bound at dest: what it sees without
 * a cgroup namespace of its own (a fresh mount would show the host's root,
 * every other cgroup with it).  The init is already in its cgroup.
 */
static int bind_own_cgroup(int root_fd, int fd, const char *dest, const struct cv_cg_tree *t,
			   unsigned long flags, struct cv_err *err)
{
	const char *rel = t->self + (strcmp(t->root, "/") ? strlen(t->root) : 0);
	char src[2 * CV_CG_PATH_MAX];
	_cleanup_close_ int top = -1;

	snprintf(src, sizeof(src), "%s%s", t->mount, rel);
	if (do_mount(src, fd, dest, NULL, MS_BIND, NULL, err) < 0)
		return -err->code;
	if ((top = cv_resolve_in_root(root_fd, dest, err)) < 0)
		return -err->code;
	return do_mount(NULL, top, dest, NULL,
			MS_REMOUNT | MS_BIND |
			    (flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)),
			NULL, err);
}

/* One tree of the host under the container's /sys/fs/cgroup (a tmpfs, made by the caller). */
static int mount_tree(int root_fd, const struct cv_mount *m, const struct cv_cg_tree *t,
		      const struct cv_mount_ctx *ctx, struct cv_err *err)
{
	char dest[CV_MOUNT_PATH_MAX + 64], data[64];
	const char *base = strrchr(t->mount, '/') + 1;
	_cleanup_close_ int fd = -1;

	snprintf(dest, sizeof(dest), "%s/%s", m->destination, base);
	fd = cv_mkpath_in_root(root_fd, dest, CV_LEAF_DIR, 0755, err);
	if (fd < 0)
		return fd;
	if (!ctx->own_cgroupns)
		return bind_own_cgroup(root_fd, fd, dest, t, m->flags, err);
	if (t->version == 2)
		return do_mount("cgroup2", fd, dest, "cgroup2", m->flags, NULL, err);
	/* a named tree with no controllers (name=systemd): "none" asks for none */
	snprintf(data, sizeof(data), "%s%s", t->ctrls ? "" : "none,", t->name);
	return do_mount("cgroup", fd, dest, "cgroup", m->flags, data, err);
}

/* The host's cgroup tree, bound read-only: what a user namespace may do instead. */
static int bind_host_cgroups(int root_fd, const struct cv_mount *m, const struct cv_mount_ctx *ctx,
			     struct cv_err *err)
{
	struct cv_mount bind;

	cv_warn("cgroup filesystems cannot be mounted on %s from this user namespace: binding "
		"the host's read-only instead",
		m->destination);
	if (cv_mount_parse_csv("bind", "/sys/fs/cgroup", m->destination, "rbind,ro", &bind, err) <
	    0)
		return -err->code;
	return cv_mount_apply(root_fd, &bind, ctx, err);
}

static int mount_cgroups(int root_fd, const struct cv_mount *m, const struct cv_mount_ctx *ctx,
			 struct cv_err *err)
{
	static struct cv_cg_host host;
	struct cv_mount tmpfs;
	_cleanup_close_ int fd = -1;
	int r = 0;

	if (cv_cg_detect(NULL, &host, err) < 0)
		return -err->code;
	if (host.layout == CV_CG_UNIFIED) {
		/* cgroup2 may be mounted in a user namespace, given a cgroup namespace */
		fd = cv_mkpath_in_root(root_fd, m->destination, CV_LEAF_DIR, 0755, err);
		r = fd < 0 ? fd
		    : !ctx->own_cgroupns
			? bind_own_cgroup(root_fd, fd, m->destination, &host.tree[0], m->flags, err)
			: do_mount("cgroup2", fd, m->destination, "cgroup2", m->flags, NULL, err);
		if (r == -EPERM && ctx->userns)
			return bind_host_cgroups(root_fd, m, ctx, err);
		return r;
	}
	if (ctx->userns) /* v1 trees belong to the initial user namespace */
		return bind_host_cgroups(root_fd, m, ctx, err);
	/*
	 * v1 trees (and hybrid's cgroup2) below a tmpfs, read-only once filled:
	 * it stays writable until each tree has its directory there, named as
	 * on the host (cpu,cpuacct...), where programs in the container look.
	 */
	if (cv_mount_parse_csv("tmpfs", "tmpfs", m->destination, "nosuid,nodev,noexec,mode=755",
			       &tmpfs, err) < 0 ||
	    (r = cv_mount_apply(root_fd, &tmpfs, ctx, err)) < 0)
		return -err->code;
	for (unsigned i = 0; r == 0 && i < host.n; i++)
		r = mount_tree(root_fd, m, &host.tree[i], ctx, err);
	if (r == 0 && (m->flags & MS_RDONLY) &&
	    (fd = cv_resolve_in_root(root_fd, m->destination, err)) >= 0)
		r = cv_remount_readonly(fd, m->destination, false, err);
	return r < 0 ? -err->code : 0;
}

/*
 * The container's /dev/null, to bind over a masked file: opened with no
 * symlink followed, and checked to be the null device, character 1:3.
 * Bound by its name, an image's (or a racing container's) `/dev/null ->
 * /proc/sys/kernel/core_pattern` binds that file, writable, where the
 * mask should be - runc's CVE-2025-31133; and a /dev/null that is not
 * there must not leave the path unmasked either.
 */
static int open_dev_null(int root_fd, const char *masked, struct cv_err *err)
{
	static const char hint[] = "masks are bound from /dev/null: give /dev a tmpfs in the "
				   "config's mounts, or use an image whose /dev/null is the "
				   "node c 1:3, not a symlink or a file";
	_cleanup_close_ int fd = cv_open_no_symlinks(root_fd, "/dev/null", err);
	struct stat st;

	if (fd < 0) {
		cv_err_wrap(err, "masking `%s`", masked);
		return cv_err_hint(err, hint);
	}
	if (fstat(fd, &st) < 0)
		return cv_err_sys(err, "fstat(`/dev/null`)");
	if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) {
		cv_err_set(err, EINVAL,
			   "masking `%s`: the container's /dev/null is not the null device (c 1:3)",
			   masked);
		return cv_err_hint(err, hint);
	}
	cv_trace("/dev/null, no symlink on the way, is c 1:3: masks are bound from fd %d", fd);
	return steal_fd(&fd);
}

int cv_mask_path(int root_fd, const char *path, struct cv_err *err)
{
	_cleanup_close_ int fd = cv_resolve_in_root(root_fd, path, err), null = -1;
	char source[64];
	struct stat st;

	if (fd < 0)
		return err->code == ENOENT ? 0 : fd;
	if (fstat(fd, &st) < 0)
		return cv_err_sys(err, "fstat(`%s`)", path);
	/* a directory cannot take a bind of a file: an empty, read-only one in
	 * its place, as runc masks one */
	if (S_ISDIR(st.st_mode))
		return do_mount("tmpfs", fd, path, "tmpfs", MS_RDONLY, NULL, err);
	if ((null = open_dev_null(root_fd, path, err)) < 0)
		return null;
	/* the source is the checked inode, by fd: not whatever "/dev/null" names now */
	return do_mount(cv_fd_path(null, source, sizeof(source)), fd, path, NULL, MS_BIND, NULL,
			err);
}

int cv_readonly_path(int root_fd, const char *path, struct cv_err *err)
{
	_cleanup_close_ int fd = cv_resolve_in_root(root_fd, path, err), top = -1;
	char self[64];

	if (fd < 0)
		return err->code == ENOENT ? 0 : fd;
	/* a mount of its own first, so that read-only is this path's alone, not
	 * the whole /proc's; its source is the inode checked, by fd */
	if (do_mount(cv_fd_path(fd, self, sizeof(self)), fd, path, NULL, MS_BIND | MS_REC, NULL,
		     err) < 0)
		return -err->code;
	top = cv_resolve_in_root(root_fd, path, err);
	return top < 0 ? top : cv_remount_readonly(top, path, false, err);
}
