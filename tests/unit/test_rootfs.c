/*
 * test_rootfs.c - step 03's pure code, no root needed: path cleaning,
 * resolution inside a root on a fixture tree full of hostile symlinks
 * (with openat2 and with the walk), mount option parsing, whiteouts,
 * archive entry checks, overlay options, device checks.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "03-rootfs/devnodes.h"
#include "03-rootfs/layer.h"
#include "03-rootfs/mounts.h"
#include "03-rootfs/overlay.h"
#include "03-rootfs/resolve.h"
#include "03-rootfs/rootfs.h"
#include "common/probe.h"

static struct cv_err err;

static void clean_paths(void **state)
{
	static const char *const cases[][2] = {
	    {"/a/b", "/a/b"},  {"a//b/", "/a/b"},      {"/a/./b", "/a/b"},
	    {"/a/../b", "/b"}, {"/../../etc", "/etc"}, {"..", "/"},
	    {"", "/"},         {"/a/b/../../..", "/"}, {"./x/.", "/x"},
	};
	char out[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_true(cv_path_clean(cases[i][0], out, sizeof(out)) >= 0);
		assert_string_equal(out, cases[i][1]);
	}
	assert_int_equal(cv_path_clean("/aaaaaaaaaaaaaaaa", out, 8), -1);
}

/* --- resolution on a hostile fixture -------------------------------------- */

static char root[64], host[96];

static void mk(const char *rel, const char *link_target)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (link_target)
		assert_int_equal(symlink(link_target, path), 0);
	else
		assert_int_equal(mkdir(path, 0755), 0);
}

static int fixture_setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/cvtest-resolve-XXXXXX");
	if (!mkdtemp(root))
		return -1;
	snprintf(host, sizeof(host), "%s-host", root); /* a directory beside, "on the host" */
	mkdir(host, 0755);
	mk("etc", NULL);
	mk("real", NULL);
	mk("abs", host);                  /* absolute: must mean root + host path */
	mk("up", "../../../../../../.."); /* climbs: must stop at the root */
	mk("rel", "real");
	mk("etc/hostdir", "/"); /* to "/": the root, not the host's */
	mk("loop", "loop");
	return 0;
}

static int fixture_teardown(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", root, host);
	return system(cmd);
}

/* Where an fd really is, relative to the fixture root ("" for the root). */
static const char *where(int fd)
{
	static char path[PATH_MAX];
	char proc[64];
	ssize_t n;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, path, sizeof(path) - 1);
	assert_true(n > 0);
	path[n] = '\0';
	if (strncmp(path, root, strlen(root)) != 0)
		fail_msg("resolved outside the root: %s", path);
	return path + strlen(root);
}

static void check_resolution(void)
{
	int root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC), fd;

	assert_true(root_fd >= 0);
	fd = cv_resolve_in_root(root_fd, "/rel", &err);
	assert_string_equal(where(fd), "/real");
	close(fd);
	fd = cv_resolve_in_root(root_fd, "/up", &err);
	assert_string_equal(where(fd), "");
	close(fd);
	fd = cv_resolve_in_root(root_fd, "/etc/hostdir/real", &err);
	assert_string_equal(where(fd), "/real");
	close(fd);
	fd = cv_resolve_in_root(root_fd, "/../../../etc", &err);
	assert_string_equal(where(fd), "/etc");
	close(fd);
	/* the host directory exists, but inside the root it does not */
	assert_int_equal(cv_resolve_in_root(root_fd, "/abs", &err), -ENOENT);
	assert_int_equal(cv_resolve_in_root(root_fd, "/loop", &err), -ELOOP);
	/* making a path through the absolute link makes it inside the root */
	fd = cv_mkpath_in_root(root_fd, "/abs/sub/file", CV_LEAF_FILE, 0644, &err);
	assert_true(fd >= 0);
	assert_true(strstr(where(fd), "/sub/file") != NULL);
	close(fd);
	assert_true(access(host, F_OK) == 0);
	{
		char hostsub[160];
		snprintf(hostsub, sizeof(hostsub), "%s/sub", host);
		assert_int_not_equal(access(hostsub, F_OK), 0); /* nothing on the "host" */
	}
	/* no symlink may be followed, not even one that stays inside */
	fd = cv_open_no_symlinks(root_fd, "/etc/../real", &err);
	assert_string_equal(where(fd), "/real");
	close(fd);
	assert_int_equal(cv_open_no_symlinks(root_fd, "/rel", &err), -ELOOP);
	assert_int_equal(cv_open_no_symlinks(root_fd, "/etc/hostdir/real", &err), -ELOOP);
	assert_int_equal(cv_open_no_symlinks(root_fd, "/abs", &err), -ELOOP);
	close(root_fd);
}

static void resolve_with_openat2(void **state)
{
	(void)state;
	unsetenv("CV_DISABLE");
	cv_probe_reset();
	if (!cv_have_openat2())
		skip();
	check_resolution();
}

static void resolve_by_walking(void **state)
{
	(void)state;
	setenv("CV_DISABLE", "openat2", 1);
	cv_probe_reset();
	assert_false(cv_have_openat2());
	check_resolution();
	unsetenv("CV_DISABLE");
	cv_probe_reset();
}

/* --- mount options --------------------------------------------------------- */

static void mount_options(void **state)
{
	static const char *const opts[] = {"nosuid",   "nodev",    "noexec", "ro",
					   "mode=755", "size=64k", "rslave", "newinstance"};
	struct cv_mount m;
	char buf[128];

	(void)state;
	assert_int_equal(cv_mount_parse("tmpfs", "tmpfs", "/run", opts, 8, &m, &err), 0);
	assert_int_equal(m.flags, MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY);
	assert_int_equal(m.propagation, MS_SLAVE | MS_REC);
	assert_string_equal(m.data, "mode=755,size=64k,newinstance");
	assert_false(m.bind);
	assert_string_equal(cv_mount_flags_str(m.flags, buf, sizeof(buf)),
			    "MS_RDONLY|MS_NOSUID|MS_NODEV|MS_NOEXEC");
	assert_int_equal(cv_mount_parse_csv(NULL, "/srv", "/data", "rbind,ro,rro", &m, &err), 0);
	assert_true(m.bind && m.recursive && m.recursive_ro);
	assert_string_equal(m.type, "bind");
	assert_int_equal(cv_mount_parse_csv("none", "/srv", "/data", "bind,rw", &m, &err), 0);
	assert_true(m.bind && !m.recursive && !(m.flags & MS_RDONLY));
	assert_int_equal(cv_mount_parse_csv("tmpfs", "t", "/x", "nosiud", &m, &err), -EINVAL);
	assert_string_equal(err.msg, "mount on /x: unknown mount option `nosiud`");
	assert_string_equal(err.hint, "did you mean `nosuid`?");
	assert_int_equal(cv_mount_parse_csv("tmpfs", "t", "/x", "zzzzzzz", &m, &err), -EINVAL);
	assert_non_null(strstr(err.hint, "key=value"));
	assert_int_equal(cv_mount_parse_csv("tmpfs", "t", "relative", "", &m, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "is not an absolute path"));
	assert_int_equal(cv_mount_parse_csv("tmpfs", "t", "/x", "=oops", &m, &err), -EINVAL);
}

static void filesystems(void **state)
{
	const char *text = "nodev\tsysfs\nnodev\ttmpfs\n\text4\nnodev\tcgroup2\n";
	unsigned long p;

	(void)state;
	assert_true(cv_fs_listed(text, "tmpfs"));
	assert_true(cv_fs_listed(text, "ext4"));
	assert_true(cv_fs_listed(text, "cgroup2"));
	assert_false(cv_fs_listed(text, "cgroup"));
	assert_false(cv_fs_listed(text, "tmp"));
	assert_true(cv_fs_listed(text, "bind"));
	assert_int_equal(cv_mount_type_check("nosuchfs", &err), -ENODEV);
	assert_string_equal(err.msg,
			    "unknown filesystem type `nosuchfs`: not in /proc/filesystems");
	assert_int_equal(cv_parse_propagation("rshared", &p, &err), 0);
	assert_int_equal(p, MS_SHARED | MS_REC);
	assert_int_equal(cv_parse_propagation("sharde", &p, &err), -EINVAL);
	assert_int_equal(cv_parse_propagation("nosuid", &p, &err), -EINVAL);
}

static void defaults(void **state)
{
	(void)state;
	assert_int_equal(cv_default_mounts_n, 7);
	assert_string_equal(cv_default_mounts[0].destination, "/proc");
	assert_string_equal(cv_default_mounts[1].destination, "/dev"); /* before /dev/pts */
	assert_string_equal(cv_default_mounts[2].destination, "/dev/pts");
	assert_true(cv_default_mounts[5].flags & MS_RDONLY); /* sysfs */
	assert_string_equal(cv_default_masked[2], "/proc/kcore");
	assert_string_equal(cv_default_readonly[3], "/proc/sys");
}

/* --- layers ---------------------------------------------------------------- */

static void whiteouts(void **state)
{
	char t[256];

	(void)state;
	assert_int_equal(cv_whiteout_kind("etc/passwd", t, sizeof(t)), CV_WH_NONE);
	assert_int_equal(cv_whiteout_kind("etc/.wh.passwd", t, sizeof(t)), CV_WH_FILE);
	assert_string_equal(t, "etc/passwd");
	assert_int_equal(cv_whiteout_kind(".wh.top", t, sizeof(t)), CV_WH_FILE);
	assert_string_equal(t, "top");
	assert_int_equal(cv_whiteout_kind("usr/lib/.wh..wh..opq", t, sizeof(t)), CV_WH_OPAQUE);
	assert_string_equal(t, "usr/lib");
	assert_int_equal(cv_whiteout_kind(".wh..wh..opq", t, sizeof(t)), CV_WH_OPAQUE);
	assert_string_equal(t, ".");
	assert_int_equal(cv_whiteout_kind("a.wh.b", t, sizeof(t)), CV_WH_NONE);
}

static void entry_paths(void **state)
{
	(void)state;
	assert_int_equal(cv_entry_path_check("etc/passwd", &err), 0);
	assert_int_equal(cv_entry_path_check("a/..b/c", &err), 0);
	assert_int_equal(cv_entry_path_check("/etc/passwd", &err), -EPERM);
	assert_string_equal(err.msg, "archive entry `/etc/passwd`: an absolute path");
	assert_int_equal(cv_entry_path_check("../etc/passwd", &err), -EPERM);
	assert_string_equal(err.msg, "archive entry `../etc/passwd`: `..` in the path");
	assert_int_equal(cv_entry_path_check("a/b/../../../x", &err), -EPERM);
	assert_int_equal(cv_entry_path_check("", &err), -EPERM);
}

static void overlay_options(void **state)
{
	const char *lowers[] = {"/l/top", "/l/a:b"}, *none[] = {"/nonexistent/layer"};
	struct cv_overlay o = {lowers, 2, "/u", "/w", false};
	char buf[128], small[16];

	(void)state;
	assert_int_equal(cv_overlay_options(&o, buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "lowerdir=/l/top:/l/a\\:b,upperdir=/u,workdir=/w");
	o.userxattr = true;
	o.upper = o.work = NULL;
	assert_int_equal(cv_overlay_options(&o, buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "lowerdir=/l/top:/l/a\\:b,userxattr");
	assert_int_equal(cv_overlay_options(&o, small, sizeof(small), &err), -E2BIG);
	o = (struct cv_overlay){NULL, 0, NULL, NULL, false};
	assert_int_equal(cv_overlay_check(&o, &err), -EINVAL);
	assert_string_equal(err.msg, "overlay: no lower layer");
	o = (struct cv_overlay){none, 1, NULL, NULL, false};
	assert_int_equal(cv_overlay_check(&o, &err), -ENOENT);
	o = (struct cv_overlay){(const char *[]){"/tmp"}, 1, "/tmp/u", NULL, false};
	assert_int_equal(cv_overlay_check(&o, &err), -EINVAL);
}

static void devices(void **state)
{
	struct cv_device d = {"/dev/fuse", 'c', 10, 229, 0666, 0, 0};

	(void)state;
	assert_int_equal(cv_device_check(&d, &err), 0);
	d.type = 'q';
	assert_int_equal(cv_device_check(&d, &err), -EINVAL);
	assert_string_equal(err.msg, "device /dev/fuse: type `q` is not c, b, u or p");
	d.type = 'c';
	snprintf(d.path, sizeof(d.path), "/etc/passwd");
	assert_int_equal(cv_device_check(&d, &err), -EINVAL);
	snprintf(d.path, sizeof(d.path), "/dev/../etc/x");
	assert_int_equal(cv_device_check(&d, &err), -EINVAL);
	assert_int_equal(cv_default_devices_n, 6);
}

/* Paths that name the rootfs or /dev itself, or hide a step: a chmod there is a chmod of them. */
static void device_paths_not_plain(void **state)
{
	static const char *const refused[] = {"/dev/..",   "/dev/.",      "/dev/",      "/dev",
					      "//dev/x",   "/dev//null",  "/dev/null/", "/dev/./x",
					      "/dev/x/..", "/dev/x/../y", "dev/null",   ""};
	static const char *const accepted[] = {"/dev/fuse", "/dev/net/tun", "/dev/..x", "/dev/.x"};
	struct cv_device d = {"", 'c', 1, 3, 0666, 0, 0};

	(void)state;
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		snprintf(d.path, sizeof(d.path), "%s", refused[i]);
		assert_int_equal(cv_device_check(&d, &err), -EINVAL);
	}
	assert_string_equal(err.msg, "device path `` is not a plain path below /dev");
	snprintf(d.path, sizeof(d.path), "/dev/..");
	cv_device_check(&d, &err);
	assert_string_equal(err.msg, "device path `/dev/..` is not a plain path below /dev");
	assert_non_null(strstr(err.hint, "/dev/fuse"));
	for (size_t i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
		snprintf(d.path, sizeof(d.path), "%s", accepted[i]);
		assert_int_equal(cv_device_check(&d, &err), 0);
	}
}

static void rootfs_checks(void **state)
{
	struct cv_rootfs_spec spec;
	struct cv_mount m;

	(void)state;
	cv_rootfs_spec_init(&spec);
	spec.root = "/nonexistent/rootfs";
	assert_int_equal(cv_rootfs_check(&spec, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "rootfs `/nonexistent/rootfs`"));
	spec.root = "/etc/hostname";
	assert_int_equal(cv_rootfs_check(&spec, &err), -ENOTDIR);
	assert_string_equal(err.msg, "rootfs `/etc/hostname` is not a directory");
	spec.root = "/tmp";
	cv_mount_parse_csv("nosuchfs", "x", "/x", "", &m, &err);
	spec.mounts = &m;
	spec.n_mounts = 1;
	assert_int_equal(cv_rootfs_check(&spec, &err), -ENODEV);
	assert_non_null(strstr(err.msg, "mount on /x: unknown filesystem type `nosuchfs`"));
	cv_mount_parse_csv("bind", "/nonexistent/src", "/x", "rbind", &m, &err);
	assert_int_equal(cv_rootfs_check(&spec, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "source `/nonexistent/src`"));
}

int main(void)
{
	const struct CMUnitTest pure[] = {
	    cmocka_unit_test(clean_paths),
	    cmocka_unit_test(mount_options),
	    cmocka_unit_test(filesystems),
	    cmocka_unit_test(defaults),
	    cmocka_unit_test(whiteouts),
	    cmocka_unit_test(entry_paths),
	    cmocka_unit_test(overlay_options),
	    cmocka_unit_test(devices),
	    cmocka_unit_test(device_paths_not_plain),
	    cmocka_unit_test(rootfs_checks),
	};
	const struct CMUnitTest resolve[] = {
	    cmocka_unit_test_setup_teardown(resolve_with_openat2, fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(resolve_by_walking, fixture_setup, fixture_teardown),
	};
	return cmocka_run_group_tests_name("rootfs", pure, NULL, NULL) |
	       cmocka_run_group_tests_name("resolving inside a root", resolve, NULL, NULL);
}
