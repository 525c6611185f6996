/*
 * test_rootfs.c - step 03 as root: a process in the busybox rootfs
 * (CV_ROOTFS, default build/rootfs) after cv_rootfs_enter(), observed
 * from inside with cv-probe, cv-load and busybox.  Everything mounted is
 * in the child's mount namespace and goes with it; temporary directories,
 * in the run's own (lib/tap.h), are removed by the test that made them.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "01-namespaces/namespaces.h"
#include "01-namespaces/spawn.h"
#include "03-rootfs/rootfs.h"
#include "common/file.h"
#include "common/probe.h"
#include "lib/tap.h"

static struct cv_rootfs_spec spec;
static struct cv_err err;
static char rootfs[PATH_MAX];

struct inside {
	char *const *argv;  /* exec this after entering, or */
	int (*check)(void); /* run this (returns the exit status) */
	int out;
};

static int child(void *arg)
{
	struct inside *in = arg;
	struct cv_err e;

	if (cv_rootfs_enter(&spec, &e) < 0) {
		printf("# cv_rootfs_enter: %s (%s)\n", e.msg, e.hint);
		if (in->out >= 0) /* for tests of what is refused, and how it is said */
			dprintf(in->out, "%s (%s)", e.msg, e.hint);
		return 125;
	}
	if (in->check)
		return in->check();
	if (in->out >= 0)
		dup2(in->out, STDOUT_FILENO);
	execv(in->argv[0], in->argv);
	return 127;
}

/* Start a process in new mount, pid and ipc namespaces; its stdout in out. */
static int run_inside(char *const *argv, int (*check)(void), char *out, size_t size)
{
	struct cv_ns_spec *ns = calloc(1, sizeof(*ns));
	struct inside in = {argv, check, -1};
	int fds[2], status;
	ssize_t n = 0, r;
	pid_t pid;

	CHECK(pipe(fds) == 0, "pipe");
	in.out = fds[1];
	cv_ns_spec_init(ns);
	ns->flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC;
	pid = cv_ns_spawn(ns, child, &in, &err);
	free(ns);
	close(fds[1]);
	CHECK(pid > 0, "%s (%s)", err.msg, err.hint);
	while (out && (r = read(fds[0], out + n, size - 1 - (size_t)n)) > 0)
		n += r;
	if (out)
		out[n] = '\0';
	close(fds[0]);
	CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void setup(void)
{
	const char *r = getenv("CV_ROOTFS");

	tap_need_root();
	if (!realpath(r ? r : "build/rootfs", rootfs) || access(rootfs, X_OK) != 0)
		tap_skip("no rootfs: run `make rootfs` (or set CV_ROOTFS)");
	cv_rootfs_spec_init(&spec);
	spec.root = rootfs;
}

/* sh -c SCRIPT inside; its output must be exactly `want`. */
static void expect(const char *script, const char *want)
{
	char *argv[] = {"/bin/sh", "-c", (char *)script, NULL}, out[4096];
	int status = run_inside(argv, NULL, out, sizeof(out));

	CHECK(status != 125 && strcmp(out, want) == 0, "`%s` printed `%s` (status %d), not `%s`",
	      script, out, status, want);
}

/* --- the tests --------------------------------------------------------------- */

static void root_is_the_rootfs(void)
{
	char marker[PATH_MAX], script[2 * PATH_MAX + 128];
	FILE *f;

	setup();
	tap_tmp_path(marker, sizeof(marker), "cvtest-marker-%d", getpid());
	f = fopen(marker, "w");
	CHECK(f && fclose(f) == 0, "marker");
	snprintf(script, sizeof(script),
		 "test -x /bin/cv-probe && test ! -e %s && test ! -e %s && echo inside", marker,
		 rootfs);
	expect(script, "inside\n");
	unlink(marker);
}

static void old_root_is_gone(void)
{
	char *argv[] = {"/bin/cv-probe", "mounts", NULL}, out[8192];
	int host_before, host_after;
	char text[65536];

	setup();
	host_before = (int)cv_read_file("/proc/self/mountinfo", text, sizeof(text), &err);
	CHECK(run_inside(argv, NULL, out, sizeof(out)) == 0, "probe: %s", out);
	host_after = (int)cv_read_file("/proc/self/mountinfo", text, sizeof(text), &err);
	CHECK(strncmp(out, "/ ", 2) == 0, "the first mount is not /: %s", out);
	/* every mount is "/" or below /proc, /dev, /sys: nothing of the host's */
	for (char *m = strtok(out, " \n"); m; m = strtok(NULL, " \n"))
		CHECK(!strcmp(m, "/") || !strncmp(m, "/proc", 5) || !strncmp(m, "/dev", 4) ||
			  !strncmp(m, "/sys", 4),
		      "a mount of the host's is visible: %s", m);
	CHECK(host_before == host_after, "the host's mount table changed");
}

static void readonly_root(void)
{
	char path[PATH_MAX + 64];

	setup();
	spec.readonly = true;
	expect("/bin/cv-load write /cvtest-ro", "EROFS\n");
	spec.readonly = false; /* and without it, the same write works */
	expect("/bin/cv-load write /tmp/cvtest-rw", "ok\n");
	snprintf(path, sizeof(path), "%s/tmp/cvtest-rw", rootfs);
	CHECK(unlink(path) == 0, "the write did not land in the rootfs");
}

static void proc_is_the_containers(void)
{
	setup();
	/* the shell's own glob: no other process of ours to race with */
	expect("echo $$; set -- /proc/[0-9]*; echo $# $1", "1\n1 /proc/1\n");
}

static void masked_paths(void)
{
	int tried = 0;

	setup();
	if (access("/proc/keys", F_OK) == 0 && ++tried)
		expect("wc -c < /proc/keys", "0\n");
	if (access("/proc/timer_list", F_OK) == 0 && ++tried)
		expect("wc -c < /proc/timer_list", "0\n");
	if (access("/proc/acpi", F_OK) == 0 && ++tried)
		expect("ls -A /proc/acpi | wc -l; /bin/cv-load write /proc/acpi/x", "0\nEROFS\n");
	if (access("/sys/firmware", F_OK) == 0 && ++tried)
		expect("ls -A /sys/firmware | wc -l", "0\n");
	if (!tried)
		tap_skip("none of the masked paths exists on this host");
}

static void readonly_paths(void)
{
	setup();
	expect("/bin/cv-load write /proc/sys/kernel/hostname", "EROFS\n");
	expect("cat /proc/sys/kernel/ostype", "Linux\n"); /* still readable */
}

static void devices_behave(void)
{
	setup();
	expect("wc -c < /dev/null; head -c 4 /dev/zero | od -An -tx1 | tr -d ' '; "
	       "head -c 16 /dev/urandom | wc -c; echo x > /dev/null && echo written; "
	       "ls -l /dev/ptmx | cut -c1",
	       "0\n00000000\n16\nwritten\nl\n");
}

static void overlay_copy_on_write(void)
{
	char base[PATH_MAX], upper[PATH_MAX + 8], work[PATH_MAX + 8], target[PATH_MAX + 8],
	    file[PATH_MAX + 32];
	const char *lowers[1];
	struct cv_overlay o;
	struct stat st;
	char text[64];

	setup();
	tap_tmp_path(base, sizeof(base), "cvtest-ovl-XXXXXX");
	CHECK(mkdtemp(base), "mkdtemp %s: %s", base, strerror(errno));
	snprintf(upper, sizeof(upper), "%s/upper", base);
	snprintf(work, sizeof(work), "%s/work", base);
	snprintf(target, sizeof(target), "%s/root", base);
	mkdir(target, 0755);
	lowers[0] = rootfs;
	o = (struct cv_overlay){lowers, 1, upper, work, false};
	spec.overlay = &o;
	spec.root = target;
	expect("echo changed > /etc/motd; rm /etc/hostname; echo done", "done\n");
	expect("cat /etc/motd; cat /etc/hostname 2>/dev/null || echo hidden", "changed\nhidden\n");
	snprintf(file, sizeof(file), "%s/etc/motd", upper);
	CHECK(cv_read_file(file, text, sizeof(text), &err) > 0 && !strcmp(text, "changed\n"),
	      "the write is not in the upper: %s", err.msg);
	snprintf(file, sizeof(file), "%s/etc/hostname", upper);
	CHECK(lstat(file, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0),
	      "no whiteout for the deleted file in the upper");
	snprintf(file, sizeof(file), "%s/etc/hostname", rootfs);
	CHECK(access(file, F_OK) == 0, "the lower layer lost its file");
	snprintf(file, sizeof(file), "%s/etc/motd", rootfs);
	CHECK(cv_read_file(file, text, sizeof(text), &err) > 0 && strcmp(text, "changed\n"),
	      "the lower layer changed");
	CHECK(cv_remove_tree(base, &err) == 0, "%s", err.msg);
}

static int tmpfs_at_evil(void)
{
	struct statfs st;

	return statfs("/evil/sub", &st) == 0 && st.f_type == TMPFS_MAGIC ? 0 : 1;
}

static void symlink_cannot_redirect_a_mount(void)
{
	char root[PATH_MAX], hostdir[PATH_MAX + 8], link[PATH_MAX + 16], inside[2 * PATH_MAX + 32];
	struct cv_mount m;
	struct stat st;

	tap_need_root();
	tap_tmp_path(root, sizeof(root), "cvtest-evilroot-XXXXXX");
	CHECK(mkdtemp(root), "mkdtemp %s: %s", root, strerror(errno));
	snprintf(hostdir, sizeof(hostdir), "%s-host", root);
	CHECK(mkdir(hostdir, 0755) == 0, "mkdir");
	snprintf(link, sizeof(link), "%s/evil", root);
	CHECK(symlink(hostdir, link) == 0, "symlink"); /* evil -> the host's directory */
	cv_rootfs_spec_init(&spec);
	spec.root = root;
	spec.populate_dev = false;
	spec.masked = spec.readonly_paths = NULL;
	CHECK(cv_mount_parse_csv("tmpfs", "tmpfs", "/evil/sub", "", &m, &err) == 0, "%s", err.msg);
	spec.mounts = &m;
	spec.n_mounts = 1;
	CHECK(run_inside(NULL, tmpfs_at_evil, NULL, 0) == 0, "no tmpfs at /evil/sub inside");
	snprintf(link, sizeof(link), "%s/sub", hostdir);
	snprintf(inside, sizeof(inside), "%s%s/sub", root, hostdir);
	CHECK(stat(link, &st) < 0, "the mount point was made on the host: %s", link);
	CHECK(stat(inside, &st) == 0, "and not inside the rootfs: %s", inside);
	cv_remove_tree(root, &err);
	cv_remove_tree(hostdir, &err);
}

/* A host directory with a tmpfs mounted below it, in this test's own mount namespace. */
static void dir_with_submount(char *dir)
{
	char sub[PATH_MAX + 8];

	CHECK(unshare(CLONE_NEWNS) == 0 && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0,
	      "private mount namespace");
	CHECK(mkdtemp(dir), "mkdtemp %s: %s", dir, strerror(errno));
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	CHECK(mkdir(sub, 0755) == 0 && mount("tmpfs", sub, "tmpfs", 0, NULL) == 0, "tmpfs");
}

static void bind_mounts_ro_and_rro(void)
{
	char dir[PATH_MAX], sub[PATH_MAX + 8];
	struct cv_mount m;

	setup();
	dir_with_submount(tap_tmp_path(dir, sizeof(dir), "cvtest-bind-XXXXXX"));
	spec.mounts = &m;
	spec.n_mounts = 1;
	spec.populate_dev = false;
	spec.masked = spec.readonly_paths = NULL;
	CHECK(cv_mount_parse_csv("bind", dir, "/mnt", "rbind,ro", &m, &err) == 0, "%s", err.msg);
	/* ro: the top is read-only, the mount below it is not */
	expect("/bin/cv-load write /mnt/x; /bin/cv-load write /mnt/sub/x", "EROFS\nok\n");
	if (cv_have_mount_setattr()) {
		CHECK(cv_mount_parse_csv("bind", dir, "/mnt", "rbind,rro", &m, &err) == 0, "%s",
		      err.msg);
		expect("/bin/cv-load write /mnt/x; /bin/cv-load write /mnt/sub/y",
		       "EROFS\nEROFS\n");
	}
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	umount2(sub, MNT_DETACH);
	cv_remove_tree(dir, &err);
	if (!cv_have_mount_setattr())
		tap_skip("rro needs mount_setattr(2), Linux 5.12");
}

static int root_is_shared(void)
{
	char text[4096];

	if (cv_read_file("/proc/self/mountinfo", text, sizeof(text), &err) < 0)
		return 2;
	text[strcspn(text, "\n")] = '\0'; /* the first line is "/" */
	return strstr(text, " shared:") ? 0 : 1;
}

static void rootfs_propagation(void)
{
	setup();
	spec.n_mounts = 1; /* just /proc, to read mountinfo */
	spec.populate_dev = false;
	spec.masked = spec.readonly_paths = NULL;
	CHECK(run_inside(NULL, root_is_shared, NULL, 0) == 1, "/ is shared by default");
	spec.propagation = MS_SHARED | MS_REC;
	CHECK(run_inside(NULL, root_is_shared, NULL, 0) == 0, "rshared: / is not shared");
}

static void chroot_when_asked(void)
{
	setup();
	spec.no_pivot = true;
	expect("test -x /bin/cv-probe && echo inside", "inside\n");
}

static void devices_from_the_spec(void)
{
	struct cv_device d = {"/dev/cvtest-null", 'c', 1, 3, 0640, 7, 9};

	setup();
	spec.devices = &d;
	spec.n_devices = 1;
	expect("ls -ln /dev/cvtest-null | tr -s ' ' | cut -d' ' -f1,3,4,5,6",
	       "crw-r----- 7 9 1, 3\n");
}

static void console_is_the_terminal(void)
{
	char script[256];
	int ptm;
	struct stat st;

	setup();
	ptm = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	CHECK(ptm >= 0 && grantpt(ptm) == 0 && unlockpt(ptm) == 0, "a pseudo-terminal");
	CHECK(stat(ptsname(ptm), &st) == 0, "stat %s", ptsname(ptm));
	spec.console = ptsname(ptm);
	/* /dev/console inside is the terminal we made: the same device */
	snprintf(script, sizeof(script), "stat -c '%%F %%t:%%T' /dev/console");
	{
		char want[64];
		snprintf(want, sizeof(want), "character special file %x:%x\n", major(st.st_rdev),
			 minor(st.st_rdev));
		expect(script, want);
	}
	close(ptm);
}

/* --- hostile /dev ----------------------------------------------------------- */

/*
 * Each test below plants its attack in a root at /tmp/root, aimed at
 * /tmp/host (0600): a tmpfs on /tmp in the test's own mount namespace,
 * so what escapes lands on a file the test made, and all of it goes with
 * the test's process.  No tmpfs on /dev: the image's own /dev is used.
 */
#define HROOT "/tmp/root"
#define HOST  "/tmp/host"

static void hostile_setup(void)
{
	tap_need_root();
	CHECK(unshare(CLONE_NEWNS) == 0 && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0,
	      "a private mount namespace");
	CHECK(mount("cvtest", "/tmp", "tmpfs", 0, "mode=755") == 0, "a tmpfs on /tmp");
	CHECK(mkdir(HROOT, 0755) == 0 && mkdir(HROOT "/dev", 0755) == 0 &&
		  mkdir(HROOT "/etc", 0755) == 0 && mkdir(HROOT "/proc", 0555) == 0,
	      "the root's directories");
	CHECK(cv_write_file_new(HOST, "host\n", 5, 0600, &err) == 0, "%s", err.msg);
	cv_rootfs_spec_init(&spec);
	spec.root = HROOT;
	spec.n_mounts = 0;
	spec.masked = spec.readonly_paths = NULL;
}

/* The permission bits of path, not following a symlink; -1 when it is not there. */
static int mode_of(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

/* lstat(path) is the character device major:minor. */
static bool is_chr(const char *path, unsigned major, unsigned minor)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(major, minor);
}

/* Replace path with a symlink to target. */
static void plant(const char *path, const char *target)
{
	unlink(path);
	CHECK(symlink(target, path) == 0, "symlink %s -> %s", path, target);
}

/* Inside: /dev/null, /dev/zero and /dev/full are the devices themselves, 0666. */
static int devices_are_real(void)
{
	return is_chr("/dev/null", 1, 3) && is_chr("/dev/zero", 1, 5) &&
		       is_chr("/dev/full", 1, 7) && mode_of("/dev/null") == 0666
		   ? 0
		   : 1;
}

/* Use the fallbacks: no openat2 (the walk), no fchmodat2 (/proc/self/fd). */
static void without_new_syscalls(void)
{
	setenv("CV_DISABLE", "openat2,fchmodat2", 1);
	cv_probe_reset();
}

static void dev_symlinks_out_of_the_root(void)
{
	char out[1024];
	int status;

	hostile_setup();
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1)
			without_new_syscalls();
		plant(HROOT "/dev/null", HOST);                               /* absolute */
		plant(HROOT "/dev/zero", "../../../../../../../../tmp/host"); /* relative */
		status = run_inside(NULL, devices_are_real, out, sizeof(out));
		CHECK(mode_of(HOST) == 0600,
		      "pass %d: the host file was chmod-ed through the "
		      "image's symlink: now %04o",
		      pass, mode_of(HOST));
		CHECK(status == 0,
		      "pass %d: inside, /dev/null and /dev/zero are not the devices "
		      "(status %d): %s",
		      pass, status, out);
	}
}

static int true_inside(void)
{
	return 0;
}

static void device_paths_naming_directories(void)
{
	static const char *const paths[] = {"/dev/..", "/dev/.", "/dev/", "/dev//null",
					    "/dev/../dev/x"};
	struct cv_device d = {"", 'c', 1, 3, 0777, 0, 0};
	char out[1024];

	hostile_setup();
	spec.devices = &d;
	spec.n_devices = 1;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		snprintf(d.path, sizeof(d.path), "%s", paths[i]);
		CHECK(run_inside(NULL, true_inside, out, sizeof(out)) == 125 &&
			  strstr(out, "is not a plain path below /dev"),
		      "linux.devices `%s` was not refused: %s", paths[i], out);
		CHECK(mode_of(HROOT) == 0755 && mode_of(HROOT "/dev") == 0755,
		      "`%s` chmod-ed the rootfs (%04o) or its /dev (%04o)", paths[i],
		      mode_of(HROOT), mode_of(HROOT "/dev"));
	}
}

static void not_a_device_at_a_device_path(void)
{
	char out[1024];

	hostile_setup();
	/* a file, a FIFO, the wrong device: unlinked and made anew */
	CHECK(cv_write_file_new(HROOT "/dev/null", "x", 1, 0644, &err) == 0, "%s", err.msg);
	CHECK(mkfifo(HROOT "/dev/zero", 0644) == 0, "mkfifo");
	CHECK(mknod(HROOT "/dev/full", S_IFCHR | 0600, makedev(1, 3)) == 0, "mknod");
	CHECK(run_inside(NULL, devices_are_real, out, sizeof(out)) == 0,
	      "a file, a FIFO, a device of other numbers were kept: %s", out);
	/* a directory: refused, and left as it was */
	unlink(HROOT "/dev/tty"); /* made by the run before */
	CHECK(mkdir(HROOT "/dev/tty", 0700) == 0, "mkdir");
	CHECK(run_inside(NULL, true_inside, out, sizeof(out)) == 125 &&
		  strstr(out, "`/dev/tty` is a directory in the rootfs"),
	      "a directory at /dev/tty was not refused: %s", out);
	CHECK(mode_of(HROOT "/dev/tty") == 0700, "the directory was chmod-ed: %04o",
	      mode_of(HROOT "/dev/tty"));
}

/* Inside: the mask over /etc/masked is the null device. */
static int mask_is_null(void)
{
	struct stat st;

	return stat("/etc/masked", &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3)
		   ? 0
		   : 1;
}

static void mask_through_a_hostile_dev_null(void)
{
	static const char *const masked[] = {"/etc/masked", NULL};
	char out[1024];
	int status;

	hostile_setup();
	spec.populate_dev = false; /* /dev is the image's, as made */
	spec.n_mounts = 1;         /* /proc */
	spec.masked = masked;
	CHECK(cv_write_file_new(HROOT "/etc/masked", "secret\n", 7, 0644, &err) == 0, "%s",
	      err.msg);
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1)
			without_new_syscalls();
		/* CVE-2025-31133: the mask would be the host's core_pattern, writable */
		plant(HROOT "/dev/null", "/proc/sys/kernel/core_pattern");
		status = run_inside(NULL, mask_is_null, out, sizeof(out));
		CHECK(status == 125 && strstr(out, "masking `/etc/masked`") &&
			  strstr(out, "/dev/null"),
		      "pass %d: a symlinked /dev/null was bound over a masked path (status %d): %s",
		      pass, status, out);
	}
	unlink(HROOT "/dev/null");
	CHECK(cv_write_file_new(HROOT "/dev/null", "", 0, 0666, &err) == 0, "%s", err.msg);
	CHECK(run_inside(NULL, mask_is_null, out, sizeof(out)) == 125 &&
		  strstr(out, "the container's /dev/null is not the null device"),
	      "a /dev/null that is a file was bound over a masked path: %s", out);
	unlink(HROOT "/dev/null");
	CHECK(mknod(HROOT "/dev/null", S_IFCHR | 0666, makedev(1, 3)) == 0, "mknod");
	CHECK(run_inside(NULL, mask_is_null, out, sizeof(out)) == 0,
	      "with the real /dev/null, the mask failed: %s", out);
}

/* Inside: the host's nodes and the terminal are bound on /dev, nothing else moved. */
static int bound_in_place(void)
{
	struct stat st;

	return is_chr("/dev/null", 1, 3) && is_chr("/dev/zero", 1, 5) &&
		       lstat("/dev/console", &st) == 0 && S_ISCHR(st.st_mode) &&
		       lstat("/etc/victim", &st) == 0 && S_ISREG(st.st_mode)
		   ? 0
		   : 1;
}

static void bound_devices_and_console(void)
{
	char out[1024];
	int ptm, status;

	hostile_setup();
	spec.ctx.userns = true; /* the host's nodes are bound, as in a user namespace */
	ptm = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	CHECK(ptm >= 0 && grantpt(ptm) == 0 && unlockpt(ptm) == 0, "a pseudo-terminal");
	spec.console = ptsname(ptm);
	CHECK(cv_write_file_new(HROOT "/etc/victim", "victim\n", 7, 0644, &err) == 0, "%s",
	      err.msg);
	plant(HROOT "/dev/null", "/etc/victim");      /* inside the root */
	plant(HROOT "/dev/zero", HOST);               /* out of it */
	plant(HROOT "/dev/console", "../etc/victim"); /* the CVE-2025-52565 spot */
	status = run_inside(NULL, bound_in_place, out, sizeof(out));
	CHECK(mode_of(HOST) == 0600, "the host file changed mode: %04o", mode_of(HOST));
	CHECK(status == 0, "a bind went through a symlink (status %d): %s", status, out);
	unlink(HROOT "/dev/tty"); /* made by the run before */
	CHECK(mkdir(HROOT "/dev/tty", 0700) == 0, "mkdir");
	CHECK(run_inside(NULL, true_inside, out, sizeof(out)) == 125 &&
		  strstr(out, "`/dev/tty` is a directory in the rootfs"),
	      "a directory at /dev/tty was bound onto: %s", out);
	close(ptm);
}

int main(void)
{
	static const struct tap_test tests[] = {
	    {"/ is the rootfs; a host file and the host's path are not there", root_is_the_rootfs},
	    {"the old root is gone from mountinfo; the host's is unchanged", old_root_is_gone},
	    {"a write to a read-only root fails with EROFS", readonly_root},
	    {"/proc shows only the container's processes", proc_is_the_containers},
	    {"masked paths read empty, or are empty read-only directories", masked_paths},
	    {"read-only paths refuse writes, and still read", readonly_paths},
	    {"/dev/null, /dev/zero, /dev/urandom behave; /dev/ptmx is a link", devices_behave},
	    {"an overlay write lands in the upper; a deleted lower file stays hidden",
	     overlay_copy_on_write},
	    {"a symlink to a host directory cannot redirect a mount onto the host",
	     symlink_cannot_redirect_a_mount},
	    {"ro binds only the top; rro is read-only all the way down", bind_mounts_ro_and_rro},
	    {"rootfs propagation: private by default, shared when asked", rootfs_propagation},
	    {"chroot instead of pivot_root when asked", chroot_when_asked},
	    {"linux.devices: type, numbers, mode, owner as given", devices_from_the_spec},
	    {"with a terminal, /dev/console is that terminal", console_is_the_terminal},
	    {"an image's /dev/null, /dev/zero symlinked out of the root: replaced, the host file "
	     "keeps its mode",
	     dev_symlinks_out_of_the_root},
	    {"linux.devices /dev/.., /dev/., /dev//null: refused, the rootfs keeps its mode",
	     device_paths_naming_directories},
	    {"a file, FIFO, other device at a device path: made anew; a directory: refused",
	     not_a_device_at_a_device_path},
	    {"masks: a /dev/null that is a symlink (CVE-2025-31133) or a file is refused",
	     mask_through_a_hostile_dev_null},
	    {"bound nodes and /dev/console: never through a symlink; a directory refused",
	     bound_devices_and_console},
	};
	return tap_main(tests, sizeof(tests) / sizeof(tests[0])) ? 1 : 0;
}
