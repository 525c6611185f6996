/*
 * layer.c - tarballs to layers and back, with libarchive (see layer.h).
 *
 * Extraction uses libarchive's own guards against escaping the target:
 * ARCHIVE_EXTRACT_SECURE_NODOTDOT, _NOABSOLUTEPATHS and _SYMLINKS (no
 * writing through a symlink).  cv_entry_path_check() runs first so that
 * the error names the entry in our words; whiteouts, which we write
 * ourselves, go through resolve.h like every other path inside a root.
 *
 * libarchive's disk writer takes paths, not a directory fd: the layer is
 * made the cwd for the extraction, and its guards are what keep every
 * entry below it.  An opaque directory is a trusted.* xattr, which only
 * CAP_SYS_ADMIN in the initial user namespace may set; a whiteout is
 * mknod(c 0:0), which Linux 5.8 allows without CAP_MKNOD.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "03-rootfs/layer.h"
#include "03-rootfs/resolve.h"
#include "common/cleanup.h"
#include "common/trace.h"

#define WH_PREFIX    ".wh."
#define WH_OPAQUE    ".wh..wh..opq"
#define OPAQUE_XATTR "trusted.overlay.opaque"

enum cv_whiteout cv_whiteout_kind(const char *path, char *target, size_t size)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	int dir_len = slash ? (int)(slash - path) : 0;

	if (strncmp(base, WH_PREFIX, strlen(WH_PREFIX)) != 0)
		return CV_WH_NONE;
	if (!strcmp(base, WH_OPAQUE)) {
		snprintf(target, size, "%.*s", dir_len ? dir_len : 1, dir_len ? path : ".");
		return CV_WH_OPAQUE;
	}
	snprintf(target, size, "%.*s%s%s", dir_len, path, dir_len ? "/" : "",
		 base + strlen(WH_PREFIX));
	return CV_WH_FILE;
}

int cv_entry_path_check(const char *path, struct cv_err *err)
{
	const char *p = path;

	if (!*path || path[0] == '/') {
		cv_err_set(err, EPERM, "archive entry `%s`: %s path", path,
			   *path ? "an absolute" : "an empty");
		return cv_err_hint(err, "a layer's paths are relative to its root; this archive "
					"would write outside it");
	}
	while (*p) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			cv_err_set(err, EPERM, "archive entry `%s`: `..` in the path", path);
			return cv_err_hint(err, "this archive would write outside the layer");
		}
		p += n + (p[n] == '/');
	}
	return 0;
}

/* "./etc/x" -> "etc/x"; "./" -> "." */
static const char *strip_dot(const char *path)
{
	while (path[0] == '.' && path[1] == '/')
		path += 2 + strspn(path + 2, "/");
	return *path ? path : ".";
}

/* Write a whiteout as overlayfs spells it, its parent resolved inside the layer. */
static int write_whiteout(int root_fd, enum cv_whiteout kind, const char *target,
			  struct cv_err *err)
{
	char dir[4096], proc[64];
	const char *slash = strrchr(target, '/'), *name = slash ? slash + 1 : target;
	_cleanup_close_ int fd = -1, real = -1;

	if (kind == CV_WH_FILE) {
		snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - target) : 1,
			 slash ? target : ".");
		if ((fd = cv_mkpath_in_root(root_fd, dir, CV_LEAF_DIR, 0755, err)) < 0)
			return fd;
		if (mknodat(fd, name, S_IFCHR | 0, makedev(0, 0)) < 0 && errno != EEXIST)
			return cv_err_sys(err, "mknod(`%s`, c 0:0) for a whiteout", target);
		cv_trace("whiteout: `%s` is a char device 0:0", target);
		return 0;
	}
	if ((fd = cv_mkpath_in_root(root_fd, target, CV_LEAF_DIR, 0755, err)) < 0)
		return fd;
	/* xattrs cannot be set through an O_PATH fd: reopen it for real */
	real = open(cv_fd_path(fd, proc, sizeof(proc)), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (real < 0 || fsetxattr(real, OPAQUE_XATTR, "y", 1, 0) < 0)
		return cv_err_sys(err, "setxattr(`%s`, %s)", target, OPAQUE_XATTR);
	cv_trace("opaque: `%s` has %s=y", target, OPAQUE_XATTR);
	return 0;
}

static int copy_data(struct archive *in, struct archive *out, const char *name, struct cv_err *err)
{
	const void *block;
	size_t size;
	la_int64_t offset;
	int r;

	while ((r = archive_read_data_block(in, &block, &size, &offset)) == ARCHIVE_OK)
		if (archive_write_data_block(out, block, size, offset) < ARCHIVE_OK)
			return cv_err_set(err, EIO, "archive entry `%s`: %s", name,
					  archive_error_string(out));
	if (r != ARCHIVE_EOF)
		return cv_err_set(err, EIO, "archive entry `%s`: %s", name,
				  archive_error_string(in));
	return 0;
}

/* One entry: checked, then a whiteout of ours or a file of libarchive's. */
static int import_entry(struct archive *in, struct archive *out, struct archive_entry *e,
			int root_fd, struct cv_err *err)
{
	char target[4096];
	const char *name = strip_dot(archive_entry_pathname(e));
	const char *link = archive_entry_hardlink(e);
	enum cv_whiteout kind;

	if (cv_entry_path_check(name, err) < 0 || (link && cv_entry_path_check(link, err) < 0))
		return -err->code;
	kind = cv_whiteout_kind(name, target, sizeof(target));
	if (kind != CV_WH_NONE)
		return write_whiteout(root_fd, kind, target, err);
	archive_entry_set_pathname(e, name);
	if (link)
		archive_entry_set_hardlink(e, strip_dot(link));
	if (archive_write_header(out, e) < ARCHIVE_OK) {
		cv_err_set(err, EPERM, "archive entry `%s`: %s", name, archive_error_string(out));
		return cv_err_hint(err, "the archive was refused: it may try to write outside "
					"the layer");
	}
	if (archive_entry_size(e) > 0 && copy_data(in, out, name, err) < 0)
		return -err->code;
	if (archive_write_finish_entry(out) < ARCHIVE_OK)
		return cv_err_set(err, EIO, "archive entry `%s`: %s", name,
				  archive_error_string(out));
	return 0;
}

static struct archive *disk_writer(void)
{
	struct archive *out = archive_write_disk_new();

	/* no name lookup: the numeric owners of the archive, as they are */
	archive_write_disk_set_options(
	    out, ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
		     ARCHIVE_EXTRACT_XATTR | ARCHIVE_EXTRACT_ACL | ARCHIVE_EXTRACT_FFLAGS |
		     ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
		     ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS);
	return out;
}

/* Extract every entry with the layer as the current directory. */
static int import_all(struct archive *in, int root_fd, const char *tarball, struct cv_err *err)
{
	struct archive *out = disk_writer();
	struct archive_entry *e;
	int r = 0, n = 0, more;

	while (r == 0 && (more = archive_read_next_header(in, &e)) == ARCHIVE_OK) {
		r = import_entry(in, out, e, root_fd, err);
		n++;
	}
	if (r == 0 && more != ARCHIVE_EOF)
		r = cv_err_set(err, EIO, "%s: %s", tarball, archive_error_string(in));
	archive_write_free(out);
	cv_trace("imported %d entries from `%s`%s", n, tarball, r ? ", then stopped" : "");
	return r;
}

int cv_layer_import(const char *tarball, const char *dir, struct cv_err *err)
{
	_cleanup_close_ int root_fd = -1, cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct archive *in;
	int r;

	if ((mkdir(dir, 0755) < 0 && errno != EEXIST) ||
	    (root_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return cv_err_sys(err, "layer directory `%s`", dir);
	in = archive_read_new();
	archive_read_support_filter_all(in);
	archive_read_support_format_all(in);
	if (archive_read_open_filename(in, tarball, 65536) < ARCHIVE_OK) {
		cv_err_set(err, archive_errno(in) > 0 ? archive_errno(in) : EIO, "%s: %s", tarball,
			   archive_error_string(in));
		archive_read_free(in);
		return cv_err_hint(err,
				   "a tar or compressed tar file, as `cv-rootfs export` writes");
	}
	/* entries are relative: they land in dir (the cwd is put back after) */
	if (fchdir(root_fd) < 0) {
		archive_read_free(in);
		return cv_err_sys(err, "chdir(`%s`)", dir);
	}
	r = import_all(in, root_fd, tarball, err);
	archive_read_free(in);
	if (cwd >= 0 && fchdir(cwd) < 0 && r == 0)
		r = cv_err_sys(err, "chdir back");
	return r;
}

/* Drop overlayfs's own xattrs (trusted.overlay.*): they are not the layer's content. */
static void drop_overlay_xattrs(struct archive_entry *e)
{
	struct {
		char name[256];
		char value[256];
		size_t size;
	} keep[16];
	const char *name;
	const void *value;
	size_t size, n = 0;

	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK && n < 16)
		if (strncmp(name, "trusted.overlay.", 16) != 0 && size <= sizeof(keep[0].value)) {
			snprintf(keep[n].name, sizeof(keep[n].name), "%s", name);
			memcpy(keep[n].value, value, size);
			keep[n++].size = size;
		}
	archive_entry_xattr_clear(e);
	for (size_t i = 0; i < n; i++)
		archive_entry_xattr_add_entry(e, keep[i].name, keep[i].value, keep[i].size);
}

/* A whiteout or opaque marker entry: an empty file by that name. */
static int write_marker(struct archive *out, const char *path, struct cv_err *err)
{
	struct archive_entry *m = archive_entry_new();
	int r;

	archive_entry_set_pathname(m, path);
	archive_entry_set_filetype(m, AE_IFREG);
	archive_entry_set_perm(m, 0);
	archive_entry_set_size(m, 0);
	r = archive_write_header(out, m);
	archive_entry_free(m);
	if (r < ARCHIVE_OK)
		return cv_err_set(err, EIO, "writing `%s`: %s", path, archive_error_string(out));
	return 0;
}

/* A file's contents, from disk into the archive (which takes a stream). */
static int copy_file(struct archive *disk, struct archive *out, const char *name,
		     struct cv_err *err)
{
	char buf[65536];
	la_ssize_t n;

	while ((n = archive_read_data(disk, buf, sizeof(buf))) > 0)
		if (archive_write_data(out, buf, (size_t)n) < 0)
			return cv_err_set(err, EIO, "`%s`: %s", name, archive_error_string(out));
	if (n < 0)
		return cv_err_set(err, EIO, "`%s`: %s", name, archive_error_string(disk));
	return 0;
}

/*
 * One file of dir as an archive entry (already named rel, relative to the
 * layer), overlay whiteouts spelled as .wh. names.
 */
static int export_entry(struct archive *disk, struct archive *out, struct archive_entry *e,
			const char *full, const char *rel, struct cv_err *err)
{
	char marker[8256], flag[2] = ""; /* room for a path and a .wh. name */
	const char *slash = strrchr(rel, '/');

	if (archive_entry_filetype(e) == AE_IFCHR && archive_entry_rdev(e) == 0) {
		snprintf(marker, sizeof(marker), "%.*s%s" WH_PREFIX "%s",
			 slash ? (int)(slash - rel) : 0, rel, slash ? "/" : "",
			 slash ? slash + 1 : rel);
		return write_marker(out, marker, err);
	}
	drop_overlay_xattrs(e);
	if (archive_write_header(out, e) < ARCHIVE_OK)
		return cv_err_set(err, EIO, "`%s`: %s", full, archive_error_string(out));
	/* a second name of a hard link has no data of its own: size 0 */
	if (archive_entry_filetype(e) == AE_IFREG && archive_entry_size(e) > 0 &&
	    copy_file(disk, out, full, err) < 0)
		return -err->code;
	if (archive_entry_filetype(e) == AE_IFDIR && lgetxattr(full, OPAQUE_XATTR, flag, 1) == 1 &&
	    flag[0] == 'y') {
		snprintf(marker, sizeof(marker), "%s/" WH_OPAQUE, rel);
		return write_marker(out, marker, err);
	}
	return 0;
}

static int export_all(struct archive *disk, struct archive *out, const char *dir,
		      struct cv_err *err)
{
	struct archive_entry_linkresolver *links = archive_entry_linkresolver_new();
	size_t base = strlen(dir);
	int r = 0, more;

	/* the resolver turns a file's second name into a hard link entry */
	archive_entry_linkresolver_set_strategy(links, archive_format(out));
	while (r == 0) {
		struct archive_entry *e = archive_entry_new(), *spare = NULL;
		char full[4096], rel[4096];

		if ((more = archive_read_next_header2(disk, e)) != ARCHIVE_OK) {
			archive_entry_free(e);
			if (more != ARCHIVE_EOF)
				r = cv_err_set(err, EIO, "%s: %s", dir, archive_error_string(disk));
			break;
		}
		archive_read_disk_descend(disk);
		snprintf(full, sizeof(full), "%s", archive_entry_pathname(e));
		/* the directory itself is "./", as tar names it: its mode and owner travel too;
		 * the rest relative before linkify, so a hard link names its target relatively */
		snprintf(rel, sizeof(rel), "%s", strlen(full) > base + 1 ? full + base + 1 : "./");
		archive_entry_set_pathname(e, rel);
		archive_entry_linkify(links, &e, &spare);
		if (e)
			r = export_entry(disk, out, e, full, rel, err);
		archive_entry_free(e);
		archive_entry_free(spare);
	}
	archive_entry_linkresolver_free(links);
	return r;
}

int cv_layer_export(const char *dir, const char *tarball, struct cv_err *err)
{
	struct archive *disk = archive_read_disk_new(), *out = archive_write_new();
	size_t len = strlen(tarball);
	char root[4096];
	int r = 0;

	snprintf(root, sizeof(root), "%s", dir);
	while (strlen(root) > 1 && root[strlen(root) - 1] == '/')
		root[strlen(root) - 1] = '\0';
	archive_read_disk_set_symlink_physical(disk); /* a symlink is stored, not followed */
	/* ustar, with pax headers only for what ustar cannot say (long names, xattrs) */
	archive_write_set_format_pax_restricted(out);
	archive_write_set_bytes_in_last_block(out, 1); /* no padding past the end */
	if ((len > 3 && !strcmp(tarball + len - 3, ".gz")) ||
	    (len > 4 && !strcmp(tarball + len - 4, ".tgz")))
		archive_write_add_filter_gzip(out);
	if (archive_write_open_filename(out, tarball) < ARCHIVE_OK)
		r = cv_err_set(err, EIO, "%s: %s", tarball, archive_error_string(out));
	else if (archive_read_disk_open(disk, root) < ARCHIVE_OK)
		r = cv_err_set(err, ENOENT, "%s: %s", root, archive_error_string(disk));
	else
		r = export_all(disk, out, root, err);
	if (archive_write_close(out) < ARCHIVE_OK && r == 0)
		r = cv_err_set(err, EIO, "%s: %s", tarball, archive_error_string(out));
	archive_write_free(out);
	archive_read_free(disk);
	if (r < 0)
		unlink(tarball); /* no half-written archive left behind */
	cv_trace("exported `%s` to `%s`%s", root, tarball, r < 0 ? ": failed" : "");
	return r;
}
