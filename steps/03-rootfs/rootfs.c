/*
 * rootfs.c - switching root (see rootfs.h for the order and why).
 *
 * pivot_root(2) has rules, and each shapes a step here.  new_root must be
 * a mount point: a rootfs that is a plain directory is bound onto itself
 * first.  Neither new_root's mount nor its parent may be MS_SHARED, or
 * the call is EINVAL: the rules make sure a pivot never propagates into
 * another mount namespace - so "/" is made private (or slave) before
 * anything else.  And the current root may not be the initial ramfs,
 * which the kernel can never unmount: there the old way is left,
 * switch_root(8)'s MS_MOVE over "/" and chroot(2).
 *
 * new_root and put_old may be the same directory: pivot_root(".", ".")
 * stacks the old root on top of the new one at "/", and umount2(".",
 * MNT_DETACH) then takes the top of that stack - the old root, with every
 * host mount under it.  No directory is made for it in the image, and
 * none is left behind (pivot_root(2), NOTES).
 *
 * All of it runs in the container's first process, between clone and
 * execve.  An error leaves the new mount namespace half made; it dies
 * with that process, so nothing here undoes anything.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "03-rootfs/resolve.h"
#include "03-rootfs/rootfs.h"
#include "common/cleanup.h"
#include "common/file.h"
#include "common/syscalls.h"
#include "common/trace.h"

void cv_rootfs_spec_init(struct cv_rootfs_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	spec->mounts = cv_default_mounts;
	spec->n_mounts = cv_default_mounts_n;
	spec->populate_dev = true;
	spec->masked = cv_default_masked;
	spec->readonly_paths = cv_default_readonly;
}

int cv_parse_propagation(const char *word, unsigned long *flags, struct cv_err *err)
{
	struct cv_mount m;

	if (cv_mount_parse("bind", "none", "/", &word, 1, &m, err) < 0 || !m.propagation) {
		cv_err_set(err, EINVAL, "rootfs propagation `%s` is not a propagation", word);
		return cv_err_hint(err, "one of private, rprivate, slave, rslave, shared, rshared, "
					"unbindable, runbindable");
	}
	*flags = m.propagation;
	return 0;
}

/*
 * Run by the runtime before it clones: a mistake found here is a plain
 * message, not a child that dies half-way into its mount namespace.
 */
int cv_rootfs_check(const struct cv_rootfs_spec *spec, struct cv_err *err)
{
	struct stat st;
	int r;

	if (!spec->root || stat(spec->root, &st) < 0) {
		cv_err_sys(err, "rootfs `%s`", spec->root ? spec->root : "");
		return cv_err_hint(err, "give a directory holding the container's files, as in "
					"build/rootfs (`make rootfs`)");
	}
	if (!S_ISDIR(st.st_mode)) {
		cv_err_set(err, ENOTDIR, "rootfs `%s` is not a directory", spec->root);
		return cv_err_hint(err,
				   "for an image tarball, unpack it first: `cv-rootfs import "
				   "%s DIR`",
				   spec->root);
	}
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct cv_mount *m = &spec->mounts[i];
		if (!m->bind && (r = cv_mount_type_check(m->type, err)) < 0)
			return cv_err_wrap(err, "mount on %s", m->destination);
		if (m->bind && stat(m->source, &st) < 0) {
			cv_err_sys(err, "bind mount on %s: source `%s`", m->destination, m->source);
			return cv_err_hint(err, "the source is a path on the host");
		}
	}
	for (size_t i = 0; i < spec->n_devices; i++)
		if ((r = cv_device_check(&spec->devices[i], err)) < 0)
			return r;
	return spec->overlay ? cv_overlay_check(spec->overlay, err) : 0;
}

/*
 * fdinfo's mnt_id (Linux 3.15) is the mount the fd's inode was reached
 * on: the top one at path, since open() crosses onto what is mounted.
 */
unsigned long long cv_mount_id(const char *path)
{
	_cleanup_close_ int fd = open(path, O_PATH | O_CLOEXEC);
	char name[64], text[512], *at;
	unsigned long long id = 0;
	struct cv_err ignored;

	if (fd < 0)
		return 0;
	snprintf(name, sizeof(name), "/proc/self/fdinfo/%d", fd);
	if (cv_read_file(name, text, sizeof(text), &ignored) < 0 || !(at = strstr(text, "mnt_id:")))
		return 0;
	sscanf(at, "mnt_id: %llu", &id);
	return id;
}

int cv_rootfs_bind(const char *root, unsigned long long *mnt_id, struct cv_err *err)
{
	int r = mount(root, root, NULL, MS_BIND | MS_REC, NULL);

	cv_trace_sys(r, "mount(`%s` on itself, MS_BIND|MS_REC), in the caller's mount namespace",
		     root);
	if (r < 0) {
		cv_err_sys(err, "mount(`%s` on itself, MS_BIND|MS_REC)", root);
		return cv_err_hint(err,
				   "with no mount namespace of its own, a container's mounts "
				   "are made in the runtime's: that needs CAP_SYS_ADMIN there");
	}
	*mnt_id = cv_mount_id(root);
	return 0;
}

int cv_rootfs_unbind(const char *root, unsigned long long mnt_id, struct cv_err *err)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	unsigned long long id;
	bool present = false;
	char *line = NULL;
	size_t size = 0;
	int r;

	/* is it still mounted, anywhere in this mount table?  (a `delete` after a
	 * reboot, or after the caller unmounted it, finds nothing to do) */
	if (!f)
		return cv_err_sys(err, "open(`/proc/self/mountinfo`)");
	while (!present && getline(&line, &size, f) > 0)
		present = sscanf(line, "%llu ", &id) == 1 && id == mnt_id;
	free(line);
	if (!present)
		return 0;
	if (cv_mount_id(root) != mnt_id) {
		cv_err_set(err, EBUSY, "the bind of `%s` (mount %llu) is covered by another mount",
			   root, mnt_id);
		return cv_err_hint(err, "`umount -l %s` once the mounts above it are gone", root);
	}
	/*
	 * umount2 takes the top mount at root: ours, just checked.  MNT_DETACH
	 * takes it, and the mounts under it, out of the table at once; a
	 * process still inside (a cwd there) keeps the files until it leaves,
	 * and a plain umount would be EBUSY for it.
	 */
	r = umount2(root, MNT_DETACH);
	cv_trace_sys(r, "umount2(`%s`, MNT_DETACH): the container's mounts are gone", root);
	return r < 0 ? cv_err_sys(err, "umount2(`%s`, MNT_DETACH)", root) : 0;
}

/*
 * A root on the initial ramfs cannot be pivoted away from: the kernel keeps
 * it (pivot_root(2): EINVAL).  A host still running from its initramfs
 * lands here; the VM tier's init (tests/vm/init) switch_roots to a tmpfs
 * first so that its containers pivot.
 */
static bool root_is_ramfs(void)
{
	struct statfs st;

	return statfs("/", &st) == 0 && st.f_type == RAMFS_MAGIC;
}

static int pivot(struct cv_err *err)
{
	int r = sys_pivot_root(".", ".");

	/* pivot_root(".", "."): the old root is now stacked on top of "/" */
	cv_trace_sys(r, "pivot_root(\".\", \".\")");
	if (r < 0)
		return cv_err_sys(err, "pivot_root(\".\", \".\")");
	/*
	 * slave first, so the detach below cannot propagate to the host's
	 * mounts.  Step 1 made them private or slave already (MS_SLAVE leaves
	 * either as it is); runc's pivotRoot makes the same call here, and
	 * chose slave over private because private copies raced with host
	 * tools (device-mapper) that expect a device they unmount to have no
	 * mounts left anywhere.
	 */
	r = mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL);
	cv_trace_sys(r, "mount(`.`, MS_SLAVE|MS_REC) on the old root");
	if (r < 0)
		return cv_err_sys(err, "mount(`.`, MS_SLAVE|MS_REC)");
	r = umount2(".", MNT_DETACH);
	cv_trace_sys(r, "umount2(\".\", MNT_DETACH): the old root is gone");
	if (r < 0)
		return cv_err_sys(err, "umount2(`.`, MNT_DETACH)");
	return 0;
}

/*
 * The old way: move the rootfs over "/" and chroot into it.  The host stays
 * mounted, under the moved mount: chroot changes where "/" starts, not
 * what is mounted, and the breakout of `cv-rootfs breakout` gets there.
 */
static int move_and_chroot(const char *why, struct cv_err *err)
{
	int r;

	cv_warn("using chroot, not pivot_root: %s; a process that may call chroot(2) can "
		"get out of it",
		why);
	r = mount(".", "/", NULL, MS_MOVE, NULL);
	cv_trace_sys(r, "mount(`.` on `/`, MS_MOVE)");
	if (r < 0)
		return cv_err_sys(err, "mount(`.` on `/`, MS_MOVE)");
	r = chroot(".");
	cv_trace_sys(r, "chroot(\".\")");
	return r < 0 ? cv_err_sys(err, "chroot(\".\")") : 0;
}

/* Steps 1 and 2: nothing propagates out; the rootfs is a mount point. */
static int prepare(const struct cv_rootfs_spec *spec, struct cv_err *err)
{
	/*
	 * A rootfsPropagation of shared or slave needs the link to the host
	 * kept: MS_SLAVE on a private mount leaves it private (mount(2)), so
	 * once private it could never receive the host's mounts again.
	 */
	unsigned long first = (spec->propagation & (MS_SHARED | MS_SLAVE)) ? MS_SLAVE : MS_PRIVATE;
	int r = mount(NULL, "/", NULL, first | MS_REC, NULL);

	cv_trace_sys(r, "mount(`/`, %s|MS_REC): our mounts stay ours",
		     first == MS_SLAVE ? "MS_SLAVE" : "MS_PRIVATE");
	if (r < 0)
		return cv_err_sys(err, "mount(`/`, MS_REC|%s)",
				  first == MS_SLAVE ? "MS_SLAVE" : "MS_PRIVATE");
	if (spec->overlay) /* a mount point already: the layers, with writes to the upper */
		return cv_overlay_mount(spec->overlay, spec->root, err);
	/* MS_REC: what the caller mounted inside the rootfs (a volume) comes along */
	r = mount(spec->root, spec->root, NULL, MS_BIND | MS_REC, NULL);
	cv_trace_sys(r, "mount(`%s` on itself, MS_BIND|MS_REC)", spec->root);
	if (r < 0) {
		cv_err_sys(err, "mount(`%s` on itself, MS_BIND|MS_REC)", spec->root);
		return cv_err_hint(err, "switching root needs a new mount namespace and "
					"CAP_SYS_ADMIN in it");
	}
	return 0;
}

/*
 * Steps 3 and 4, inside the rootfs, before the switch.  Mounts first: the
 * nodes go into the /dev tmpfs, and a node made before it would be made in
 * the image's /dev and then hidden under it.  The mounts themselves go in
 * the list's order, a parent before what is mounted in it (/dev, then
 * /dev/pts).
 */
static int populate(const struct cv_rootfs_spec *spec, int root_fd, struct cv_err *err)
{
	int r;

	for (size_t i = 0; i < spec->n_mounts; i++)
		if ((r = cv_mount_apply(root_fd, &spec->mounts[i], &spec->ctx, err)) < 0)
			return r;
	if (spec->populate_dev &&
	    (r = cv_dev_populate(root_fd, spec->ctx.userns, spec->console, err)) < 0)
		return r;
	for (size_t i = 0; i < spec->n_devices; i++)
		if ((r = cv_device_create(root_fd, &spec->devices[i], spec->ctx.userns, err)) < 0)
			return r;
	return 0;
}

/*
 * Steps 6 and 7, after the switch: "/" is the rootfs now, and /proc is the
 * container's, so a masked /proc path is the one its processes will see.
 * A read-only "/" remounts the root mount alone: the masks and read-only
 * paths on it keep their own flags.  The root's propagation comes last: it
 * governs what the container mounts from then on, not our own mounts.
 */
static int finish(const struct cv_rootfs_spec *spec, struct cv_err *err)
{
	_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int r;

	if (root < 0)
		return cv_err_sys(err, "open(`/`)");
	/* masks bind the /dev/null of step 4, checked again: it may have been swapped since */
	for (size_t i = 0; spec->masked && spec->masked[i]; i++)
		if ((r = cv_mask_path(root, spec->masked[i], err)) < 0)
			return r;
	for (size_t i = 0; spec->readonly_paths && spec->readonly_paths[i]; i++)
		if ((r = cv_readonly_path(root, spec->readonly_paths[i], err)) < 0)
			return r;
	if (spec->readonly && (r = cv_remount_readonly(root, "/", false, err)) < 0)
		return r;
	if (spec->propagation && spec->callers_ns) {
		cv_trace("rootfs propagation: not set, the mount namespace is the caller's");
	} else if (spec->propagation) {
		r = mount(NULL, "/", NULL, spec->propagation, NULL);
		cv_trace_sys(r, "mount(`/`, rootfs propagation %#lx)", spec->propagation);
		if (r < 0)
			return cv_err_sys(err, "mount(`/`, rootfs propagation)");
	}
	return 0;
}

/* In the caller's mount namespace: "/" is left where it is, for the caller. */
static int chroot_in_place(struct cv_err *err)
{
	int r;

	/* pivot_root would move the caller's own root: only a chroot leaves it be */
	cv_warn("no mount namespace: the container's mounts are made in the runtime's, and its "
		"root is a chroot, which a process that may call chroot(2) can get out of");
	r = chroot(".");
	cv_trace_sys(r, "chroot(\".\")");
	return r < 0 ? cv_err_sys(err, "chroot(\".\")") : 0;
}

int cv_rootfs_enter(const struct cv_rootfs_spec *spec, struct cv_err *err)
{
	_cleanup_close_ int root_fd = -1;
	bool ramfs = root_is_ramfs();
	int r;

	/* the caller's mounts: made private in a namespace of our own, untouched in theirs */
	if (spec->callers_ns && spec->overlay)
		r = cv_overlay_mount(spec->overlay, spec->root, err);
	else
		r = spec->callers_ns ? 0 : prepare(spec, err);
	if (r < 0)
		return r;
	/*
	 * Opened after the bind (or overlay) of prepare(): an fd opened before
	 * names the directory under it - with layers, the empty mount point,
	 * not the overlay - and pivot_root(".") from it is EINVAL, since it is
	 * not a mount point.  Every destination is resolved from it.
	 */
	root_fd = open(spec->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return cv_err_sys(err, "open(`%s`)", spec->root);
	if ((r = populate(spec, root_fd, err)) < 0)
		return r;
	if (spec->before_pivot && (r = spec->before_pivot(spec->before_pivot_arg, err)) < 0)
		return r;
	/* pivot_root(".", ".") and chroot(".") work on the cwd: the rootfs */
	if (fchdir(root_fd) < 0)
		return cv_err_sys(err, "fchdir(`%s`)", spec->root);
	if (spec->callers_ns)
		r = chroot_in_place(err);
	else if (spec->no_pivot || ramfs)
		r = move_and_chroot(spec->no_pivot ? "--no-pivot was asked for"
						   : "the current root is the initial ramfs, which "
						     "pivot_root cannot move",
				    err);
	else
		r = pivot(err);
	/*
	 * pivot_root(2) leaves the caller's cwd alone, and after a chroot a cwd
	 * outside the root is the way out: chdir("/") puts it inside.
	 */
	if (r < 0 || chdir("/") < 0)
		return r < 0 ? r : cv_err_sys(err, "chdir(`/`)");
	if (spec->after_pivot && (r = spec->after_pivot(spec->before_pivot_arg, err)) < 0)
		return r;
	return finish(spec, err);
}
