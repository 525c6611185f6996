/*
 * test_rootfs.c - step 03 as root: a process in the busybox rootfs
 * (CV_ROOTFS, default build/rootfs) after cv_rootfs_enter(), observed
 * from inside with cv-probe, cv-load and busybox.  Everything mounted is
 * in the child's mount namespace and goes with it; temporary directories
 * are removed by the test that made them.
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
	char marker[64], script[PATH_MAX + 256];
	FILE *f;

	setup();
	snprintf(marker, sizeof(marker), "/tmp/cvtest-marker-%d", getpid());
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
	char base[] = "/tmp/cvtest-ovl-XXXXXX", upper[64], work[64], target[64],
	     file[PATH_MAX + 32];
	const char *lowers[1];
	struct cv_overlay o;
	struct stat st;
	char text[64];

	setup();
	CHECK(mkdtemp(base), "mkdtemp");
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
	char root[] = "/tmp/cvtest-evilroot-XXXXXX", hostdir[64], link[96], inside[256];
	struct cv_mount m;
	struct stat st;

	tap_need_root();
	CHECK(mkdtemp(root), "mkdtemp");
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
	char sub[96];

	CHECK(unshare(CLONE_NEWNS) == 0 && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0,
	      "private mount namespace");
	CHECK(mkdtemp(dir), "mkdtemp");
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	CHECK(mkdir(sub, 0755) == 0 && mount("tmpfs", sub, "tmpfs", 0, NULL) == 0, "tmpfs");
}

static void bind_mounts_ro_and_rro(void)
{
	char dir[] = "/tmp/cvtest-bind-XXXXXX", sub[96];
	struct cv_mount m;

	setup();
	dir_with_submount(dir);
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
	};
	return tap_main(tests, sizeof(tests) / sizeof(tests[0])) ? 1 : 0;
}
