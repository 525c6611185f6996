/*
 * overlay.c - mounting and unmounting layers (see overlay.h).
 *
 * An overlay is one mount(2) call; everything is in its data string:
 * lowerdir=A:B (top first), upperdir=, workdir=.  That string is copied
 * into the kernel as at most one page, so many layers with long paths do
 * not fit - Docker's overlay2 names its layers by short links (l/) for
 * that; here it is an error that says so.  ":" separates the lower layers
 * and is escaped with a backslash; "," ends an option, so a path with one
 * is refused before anything is made.
 *
 * The work directory is where the kernel prepares a copy-up or a whiteout
 * before renaming it into the upper, so that it appears there whole, in
 * one step: it must be on the upper's filesystem (a rename cannot cross
 * filesystems), and the kernel wants it empty at mount time.  Without an
 * upper the overlay is read-only, and needs no work directory.
 *
 * In a user namespace (Linux 5.11), overlayfs cannot use trusted.*
 * xattrs, which need CAP_SYS_ADMIN in the initial user namespace: the
 * `userxattr` option keeps its xattrs (the opaque mark among them) in
 * user.overlay.* instead.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "03-rootfs/overlay.h"
#include "common/file.h"
#include "common/trace.h"

/* Append text to buf; with escape, put a '\\' before each ':' (lowerdir's separator). */
static int append(char *buf, size_t size, size_t *len, const char *text, bool escape)
{
	for (; *text; text++) {
		if (*len + 3 > size)
			return -1;
		if (escape && *text == ':')
			buf[(*len)++] = '\\';
		buf[(*len)++] = *text;
	}
	buf[*len] = '\0';
	return 0;
}

int cv_overlay_options(const struct cv_overlay *o, char *buf, size_t size, struct cv_err *err)
{
	size_t len = 0;
	int bad = append(buf, size, &len, "lowerdir=", false);

	for (size_t i = 0; i < o->n_lowers && !bad; i++)
		bad = (i && append(buf, size, &len, ":", false)) ||
		      append(buf, size, &len, o->lowers[i], true);
	if (!bad && o->upper)
		bad = append(buf, size, &len, ",upperdir=", false) ||
		      append(buf, size, &len, o->upper, true) ||
		      append(buf, size, &len, ",workdir=", false) ||
		      append(buf, size, &len, o->work, true);
	if (!bad && o->userxattr)
		bad = append(buf, size, &len, ",userxattr", false);
	if (bad) {
		cv_err_set(err, E2BIG,
			   "overlay: %zu layers do not fit in one mount's options (%zu bytes)",
			   o->n_lowers, size);
		return cv_err_hint(err, "use shorter layer paths, or fewer layers");
	}
	return 0;
}

static int is_dir(const char *path, const char *what, struct cv_err *err)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return cv_err_sys(err, "overlay %s `%s`", what, path);
	if (!S_ISDIR(st.st_mode))
		return cv_err_set(err, ENOTDIR, "overlay %s `%s` is not a directory", what, path);
	if (strchr(path, ','))
		return cv_err_set(err, EINVAL, "overlay %s `%s`: a `,` cannot be in a layer path",
				  what, path);
	return 0;
}

int cv_overlay_check(const struct cv_overlay *o, struct cv_err *err)
{
	if (o->n_lowers == 0) {
		cv_err_set(err, EINVAL, "overlay: no lower layer");
		return cv_err_hint(err, "an overlay needs at least one read-only layer below");
	}
	for (size_t i = 0; i < o->n_lowers; i++)
		if (is_dir(o->lowers[i], "layer", err) < 0)
			return -err->code;
	if ((o->upper && strchr(o->upper, ',')) || (o->work && strchr(o->work, ',')))
		return cv_err_set(err, EINVAL,
				  "overlay: a `,` cannot be in the upper or work path");
	if (!o->upper != !o->work)
		return cv_err_set(err, EINVAL,
				  "overlay: an upper directory needs a work directory");
	return 0;
}

/* The upper and work directories: made if missing, on one filesystem. */
static int writable_dirs(const struct cv_overlay *o, struct cv_err *err)
{
	struct stat upper, work;

	if ((mkdir(o->upper, 0755) < 0 && errno != EEXIST) ||
	    (mkdir(o->work, 0700) < 0 && errno != EEXIST))
		return cv_err_sys(err, "mkdir(`%s` or `%s`)", o->upper, o->work);
	if (is_dir(o->upper, "upper directory", err) < 0 ||
	    is_dir(o->work, "work directory", err) < 0)
		return -err->code;
	if (stat(o->upper, &upper) < 0 || stat(o->work, &work) < 0 || upper.st_dev != work.st_dev) {
		cv_err_set(err, EXDEV,
			   "overlay: the upper `%s` and the work `%s` directories are on "
			   "different filesystems",
			   o->upper, o->work);
		return cv_err_hint(err, "put them side by side in one directory");
	}
	return 0;
}

int cv_overlay_mount(const struct cv_overlay *o, const char *target, struct cv_err *err)
{
	char options[4096];
	int r;

	if ((r = cv_overlay_check(o, err)) < 0 || (o->upper && (r = writable_dirs(o, err)) < 0) ||
	    (r = cv_overlay_options(o, options, sizeof(options), err)) < 0)
		return r;
	/* no MS_* flags: a read-only root is a remount of it, at step 7 */
	r = mount("overlay", target, "overlay", 0, options);
	cv_trace_sys(r, "mount(`overlay` on `%s`, %s)", target, options);
	if (r < 0) {
		cv_err_sys(err, "mount(`overlay` on `%s`, %s)", target, options);
		if (errno == ENODEV)
			return cv_err_hint(err, "is the overlay module loaded? (modprobe overlay)");
		/* overlayfs says why it refused only in the kernel log */
		return cv_err_hint(err, "`dmesg | tail` has the kernel's reason");
	}
	return 0;
}

int cv_overlay_unmount(const char *target, const char *work, struct cv_err *err)
{
	char path[4096];
	int r = umount2(target, 0);

	cv_trace_sys(r, "umount2(`%s`)", target);
	if (r < 0 && errno != EINVAL) /* EINVAL: not mounted (any more) */
		return cv_err_sys(err, "umount2(`%s`)", target);
	/*
	 * overlayfs keeps its scratch files in work/ (renames, whiteouts in
	 * progress) and, with index=on, index/: both made by the kernel with
	 * mode 0, and the work directory cannot be removed while they are in it.
	 */
	for (int i = 0; work && i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", work, i ? "index" : "work");
		if (cv_remove_tree(path, err) < 0)
			return -err->code;
	}
	return 0;
}
