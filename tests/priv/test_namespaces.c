/*
 * test_namespaces.c - step 01 as root: what a process in new namespaces
 * actually observes.  One fork per test (lib/tap.h); each test cleans up
 * what it made (a message queue, a cgroup directory, a temp dir), each
 * named with the run's marks (lib/tap.h): the cgroup /cvtest-cgns-RUN-PID,
 * the directories in the run's temporary directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/msg.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "01-namespaces/namespaces.h"
#include "01-namespaces/spawn.h"
#include "common/file.h"
#include "common/probe.h"
#include "lib/tap.h"

static struct cv_ns_spec spec;
static struct cv_err err;

/* Spawn fn in the namespaces of `spec`, wait, and return its exit status. */
static int spawn_wait(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = cv_ns_spawn(&spec, fn, arg, &err);

	CHECK(pid > 0, "cv_ns_spawn: %s (hint: %s)", err.msg, err.hint);
	CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
	CHECK(WIFEXITED(status), "child killed by signal %d", WTERMSIG(status));
	return WEXITSTATUS(status);
}

/* Run fn in a forked process (for work the test must not do itself). */
static int in_child(void (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		fn(arg);
		exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void drop_to_nobody(void)
{
	CHECK(setgroups(0, NULL) == 0 && setresgid(65534, 65534, 65534) == 0 &&
		  setresuid(65534, 65534, 65534) == 0,
	      "dropping to uid 65534: %s", strerror(errno));
	/* A uid change makes a process non-dumpable, and the /proc files of a
	 * non-dumpable process (and of its children) belong to root: we could
	 * not write our own child's uid_map.  A login as nobody would be dumpable. */
	CHECK(prctl(PR_SET_DUMPABLE, 1) == 0, "PR_SET_DUMPABLE");
}

static void no_children_left(void)
{
	CHECK(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD, "a child was left behind");
}

/* --- pid ----------------------------------------------------------------- */

static int child_pid_is_1(void *arg)
{
	(void)arg;
	return getpid() == 1 ? 0 : 1;
}

static void pid_ns_makes_pid_1(void)
{
	tap_need_root();
	cv_ns_spec_init(&spec);
	spec.flags = CLONE_NEWPID;
	CHECK(spawn_wait(child_pid_is_1, NULL) == 0, "getpid() inside was not 1");
	/* and without the flag, the same child is not pid 1 */
	spec.flags = 0;
	CHECK(spawn_wait(child_pid_is_1, NULL) == 1, "pid 1 without CLONE_NEWPID?");
}

static void clone_fallback_makes_pid_1(void)
{
	tap_need_root();
	setenv("CV_DISABLE", "clone3", 1);
	cv_probe_reset();
	CHECK(!cv_have_clone3(), "CV_DISABLE=clone3 ignored");
	cv_ns_spec_init(&spec);
	spec.flags = CLONE_NEWPID | CLONE_NEWUTS;
	CHECK(spawn_wait(child_pid_is_1, NULL) == 0, "getpid() inside was not 1 via clone()");
}

/* --- uts ----------------------------------------------------------------- */

static int child_hostname(void *arg)
{
	char name[65] = "";

	gethostname(name, sizeof(name) - 1);
	return strcmp(name, arg) == 0 ? 0 : 1;
}

static void hostname_is_private(void)
{
	char before[65] = "", after[65] = "";

	tap_need_root();
	gethostname(before, sizeof(before) - 1);
	cv_ns_spec_init(&spec);
	spec.flags = CLONE_NEWUTS;
	spec.hostname = "cvtest-uts";
	CHECK(spawn_wait(child_hostname, "cvtest-uts") == 0, "hostname inside not cvtest-uts");
	gethostname(after, sizeof(after) - 1);
	CHECK(strcmp(before, after) == 0, "host's hostname changed to %s", after);
}

static void unshare_uts_alone(void *arg)
{
	(void)arg;
	CHECK(cv_ns_unshare(CLONE_NEWUTS, &err) == 0, "%s", err.msg);
	CHECK(sethostname("cvtest-unshare", 14) == 0, "sethostname: %s", strerror(errno));
}

static void unshare_keeps_host_hostname(void)
{
	char before[65] = "", after[65] = "";

	tap_need_root();
	gethostname(before, sizeof(before) - 1);
	CHECK(in_child(unshare_uts_alone, NULL) == 0, "unshare in child failed");
	gethostname(after, sizeof(after) - 1);
	CHECK(strcmp(before, after) == 0, "host's hostname changed to %s", after);
}

static void unshare_unprivileged(void *arg)
{
	(void)arg;
	drop_to_nobody();
	CHECK(cv_ns_unshare(CLONE_NEWUTS, &err) == -EPERM, "unshare as nobody: %d", err.code);
	CHECK(strstr(err.msg, "unshare(CLONE_NEWUTS)") != NULL, "message: %s", err.msg);
	CHECK(strstr(err.hint, "--user") != NULL, "hint: %s", err.hint);
	/* with a user namespace first, the same works */
	CHECK(cv_ns_unshare(CLONE_NEWUSER | CLONE_NEWUTS, &err) == 0, "%s", err.msg);
}

static void unshare_without_privilege_is_eperm(void)
{
	tap_need_root();
	CHECK(in_child(unshare_unprivileged, NULL) == 0, "see above");
}

/* --- net, ipc ------------------------------------------------------------ */

static int child_only_lo(void *arg)
{
	struct if_nameindex *ifs = if_nameindex();
	int n = 0, lo = 0;

	(void)arg;
	for (struct if_nameindex *i = ifs; i && i->if_index; i++, n++)
		lo += strcmp(i->if_name, "lo") == 0;
	return n == 1 && lo == 1 ? 0 : 1;
}

static void net_ns_has_only_lo(void)
{
	tap_need_root();
	cv_ns_spec_init(&spec);
	spec.flags = CLONE_NEWNET;
	CHECK(spawn_wait(child_only_lo, NULL) == 0, "more than lo in a new net namespace");
}

static int child_sees_queue(void *arg)
{
	return msgget(*(key_t *)arg, 0) >= 0 ? 0 : 1;
}

static void ipc_ns_hides_queues(void)
{
	key_t key = (key_t)(0x43560000 | (getpid() & 0xffff));
	int q, seen_without, seen_with;

	tap_need_root();
	q = msgget(key, IPC_CREAT | IPC_EXCL | 0600);
	CHECK(q >= 0, "msgget: %s", strerror(errno));
	cv_ns_spec_init(&spec);
	seen_without = spawn_wait(child_sees_queue, &key);
	spec.flags = CLONE_NEWIPC;
	seen_with = spawn_wait(child_sees_queue, &key);
	msgctl(q, IPC_RMID, NULL);
	CHECK(seen_without == 0, "the queue was invisible even without CLONE_NEWIPC");
	CHECK(seen_with == 1, "the host's queue was visible in a new ipc namespace");
}

/* --- user ---------------------------------------------------------------- */

static int child_maps(void *arg)
{
	const char *want = arg;
	char uid_map[512], gid_map[512], got[1100];
	struct cv_idmap u, g;

	if (cv_read_file("/proc/self/uid_map", uid_map, sizeof(uid_map), &err) < 0 ||
	    cv_read_file("/proc/self/gid_map", gid_map, sizeof(gid_map), &err) < 0 ||
	    cv_idmap_parse_proc(uid_map, &u, &err) < 0 ||
	    cv_idmap_parse_proc(gid_map, &g, &err) < 0)
		return 2;
	cv_idmap_format(&u, got, sizeof(got));
	cv_idmap_format(&g, got + strlen(got), sizeof(got) - strlen(got));
	if (strcmp(got, want) != 0) {
		tap_diag("maps inside: %s", got);
		return 1;
	}
	return getuid() == 0 && getgid() == 0 ? 0 : 3;
}

static void uid_map_as_requested(void)
{
	struct cv_idmap_extent a = {0, 100000, 65536}, b = {65536, 1000, 1}, c = {0, 200000, 10};

	tap_need_root();
	cv_ns_spec_init(&spec);
	spec.flags = CLONE_NEWUSER;
	cv_idmap_add(&spec.uid_map, &a, &err);
	cv_idmap_add(&spec.uid_map, &b, &err);
	cv_idmap_add(&spec.gid_map, &c, &err);
	spec.uid = 0;
	spec.gid = 0;
	CHECK(spawn_wait(child_maps, "0 100000 65536\n65536 1000 1\n0 200000 10\n") == 0,
	      "maps or ids inside differ");
}

static int child_writes_file(void *arg)
{
	int fd;

	if (getuid() != 0)
		return 1;
	fd = open(arg, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	return fd >= 0 && close(fd) == 0 ? 0 : 2;
}

static void rootless_spawn(void *path)
{
	drop_to_nobody();
	cv_ns_spec_init(&spec);
	spec.flags = CLONE_NEWUSER | CLONE_NEWUTS;
	spec.hostname = "cvtest-rootless";
	spec.uid_map = (struct cv_idmap){1, {{0, 65534, 1}}};
	spec.gid_map = (struct cv_idmap){1, {{0, 65534, 1}}};
	CHECK(spawn_wait(child_writes_file, path) == 0, "not root inside, or could not write");
}

static void root_inside_is_caller_outside(void)
{
	char dir[PATH_MAX], path[PATH_MAX + 32];
	struct stat st;
	int r;

	tap_need_root();
	tap_tmp_for_others(); /* nobody writes in dir */
	tap_tmp_path(dir, sizeof(dir), "cvtest-userns-XXXXXX");
	CHECK(mkdtemp(dir) != NULL, "mkdtemp %s: %s", dir, strerror(errno));
	chown(dir, 65534, 65534);
	snprintf(path, sizeof(path), "%s/made-by-root-inside", dir);
	r = in_child(rootless_spawn, path);
	if (r == 0)
		r = stat(path, &st) == 0 ? 0 : -1;
	unlink(path);
	rmdir(dir);
	CHECK(r == 0, "rootless spawn failed (%d), or the file root inside made is missing", r);
	CHECK(st.st_uid == 65534 && st.st_gid == 65534, "owned by %u:%u outside, not 65534",
	      st.st_uid, st.st_gid);
}

/* newuidmap reads /etc/subuid in its own mount namespace: give it ours. */
static void write_db(const char *path)
{
	FILE *f = fopen(path, "we");

	CHECK(f && fputs("nobody:200000:65536\n", f) >= 0 && fclose(f) == 0, "writing %s", path);
}

static void private_subid(const char *dir)
{
	char uid_db[PATH_MAX + 16], gid_db[PATH_MAX + 16];

	snprintf(uid_db, sizeof(uid_db), "%s/subuid", dir);
	snprintf(gid_db, sizeof(gid_db), "%s/subgid", dir);
	write_db(uid_db);
	write_db(gid_db);
	CHECK(unshare(CLONE_NEWNS) == 0, "unshare(CLONE_NEWNS): %s", strerror(errno));
	CHECK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0, "make / private");
	CHECK(mount(uid_db, "/etc/subuid", NULL, MS_BIND, NULL) == 0, "bind /etc/subuid: %s",
	      strerror(errno));
	CHECK(mount(gid_db, "/etc/subgid", NULL, MS_BIND, NULL) == 0, "bind /etc/subgid: %s",
	      strerror(errno));
}

static void subid_spawn(void *dir)
{
	struct cv_idmap range = {1, {{0, 200000, 65536}}}, not_ours = {1, {{0, 300000, 10}}};

	private_subid(dir);
	drop_to_nobody();
	cv_ns_spec_init(&spec);
	spec.flags = CLONE_NEWUSER;
	spec.uid_map = range;
	spec.gid_map = range;
	spec.uid = spec.gid = 0;
	CHECK(spawn_wait(child_maps, "0 200000 65536\n0 200000 65536\n") == 0,
	      "maps via newuidmap differ");
	/* a range /etc/subuid does not give us: refused before any process exists */
	spec.uid_map = not_ours;
	CHECK(cv_ns_spawn(&spec, child_pid_is_1, NULL, &err) == -EPERM, "spawned: %d", err.code);
	CHECK(strstr(err.msg, "not delegated to `nobody` in /etc/subuid") != NULL, "%s", err.msg);
	no_children_left();
}

static void unprivileged_ranges_use_newuidmap(void)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	int r;

	tap_need_root();
	if (!cv_have_newidmap())
		tap_skip("newuidmap/newgidmap not installed (package uidmap)");
	tap_tmp_path(dir, sizeof(dir), "cvtest-subid-XXXXXX");
	CHECK(mkdtemp(dir) != NULL, "mkdtemp %s: %s", dir, strerror(errno));
	r = in_child(subid_spawn, dir);
	snprintf(path, sizeof(path), "%s/subuid", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/subgid", dir);
	unlink(path);
	rmdir(dir);
	CHECK(r == 0, "see above");
}

/* --- cgroup -------------------------------------------------------------- */

/* Our cgroup2 directory, from "0::/path" and the cgroup2 mount point. */
static int my_cgroup2_dir(char *out, size_t size)
{
	char self[4096], line[4096], mnt[1024], fstype[64];
	FILE *f;
	char *rel;

	if (cv_read_file("/proc/self/cgroup", self, sizeof(self), &err) < 0)
		return -1;
	rel = strstr(self, "0::/");
	if (!rel || (rel != self && rel[-1] != '\n'))
		return -1;
	rel += 3;
	rel[strcspn(rel, "\n")] = '\0';
	f = fopen("/proc/self/mountinfo", "re");
	while (f && fgets(line, sizeof(line), f)) {
		char *dash = strstr(line, " - ");
		if (dash && sscanf(dash, " - %63s", fstype) == 1 && !strcmp(fstype, "cgroup2") &&
		    sscanf(line, "%*s %*s %*s %*s %1023s", mnt) == 1) {
			fclose(f);
			return snprintf(out, size, "%s%s", mnt, strcmp(rel, "/") ? rel : "") <
				       (int)size
				   ? 0
				   : -1;
		}
	}
	if (f)
		fclose(f);
	return -1;
}

static int child_cgroup_root(void *arg)
{
	char text[4096];

	(void)arg;
	if (cv_read_file("/proc/self/cgroup", text, sizeof(text), &err) < 0)
		return 2;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		size_t len = strlen(line);
		if (len < 2 || strcmp(line + len - 2, ":/") != 0) {
			tap_diag("inside: %s", line);
			return 1;
		}
	}
	return 0;
}

static void cgroup_spawn(void *dir)
{
	char procs[512], self[4096], pid[16];

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", (char *)dir);
	snprintf(pid, sizeof(pid), "%d", getpid());
	CHECK(cv_write_file(procs, pid, strlen(pid), &err) == 0, "%s", err.msg);
	cv_read_file("/proc/self/cgroup", self, sizeof(self), &err);
	CHECK(strstr(self, "/cvtest-cgns-") && strstr(self, tap_run()), "not moved: %s", self);
	cv_ns_spec_init(&spec);
	spec.flags = CLONE_NEWCGROUP;
	CHECK(spawn_wait(child_cgroup_root, NULL) == 0, "cgroup paths inside are not /");
}

static void cgroup_ns_root_is_slash(void)
{
	char base[2048], dir[2200];
	int r;

	tap_need_root();
	if (my_cgroup2_dir(base, sizeof(base)) < 0)
		tap_skip("no cgroup2 mount to make a test cgroup in");
	snprintf(dir, sizeof(dir), "%s/cvtest-cgns-%s-%d", base, tap_run(), getpid());
	CHECK(mkdir(dir, 0755) == 0, "mkdir %s: %s", dir, strerror(errno));
	r = in_child(cgroup_spawn, dir); /* the child leaves it when it exits */
	CHECK(rmdir(dir) == 0, "rmdir %s: %s", dir, strerror(errno));
	CHECK(r == 0, "see above");
}

/* --- time ---------------------------------------------------------------- */

static double now(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int child_clock_offsets(void *arg)
{
	double *before = arg;
	double mono = now(CLOCK_MONOTONIC) - before[0], boot = now(CLOCK_BOOTTIME) - before[1];

	if (mono < 1000 || mono > 1060 || boot < 2000 || boot > 2060) {
		tap_diag("inside: monotonic +%.1f s, boottime +%.1f s", mono, boot);
		return 1;
	}
	return 0;
}

static void time_ns_offsets_clocks(void)
{
	double before[2] = {now(CLOCK_MONOTONIC), now(CLOCK_BOOTTIME)};

	tap_need_root();
	if (!cv_have_ns("time"))
		tap_skip("this kernel has no time namespaces");
	cv_ns_spec_init(&spec);
	spec.flags = CLONE_NEWTIME;
	spec.monotonic.secs = 1000;
	spec.boottime.secs = 2000;
	CHECK(spawn_wait(child_clock_offsets, before) == 0, "clock offsets not seen inside");
	CHECK(now(CLOCK_MONOTONIC) - before[0] < 60, "the host's clock moved");
}

static void child_error_reaches_parent(void)
{
	tap_need_root();
	if (!cv_have_ns("time"))
		tap_skip("this kernel has no time namespaces");
	cv_ns_spec_init(&spec);
	spec.flags = CLONE_NEWTIME | CLONE_NEWPID;
	spec.monotonic.secs = -(1LL << 40); /* below zero: the kernel refuses it */
	CHECK(cv_ns_spawn(&spec, child_pid_is_1, NULL, &err) < 0, "spawned anyway");
	CHECK(strstr(err.msg, "timens_offsets") != NULL, "message: %s", err.msg);
	CHECK(err.hint[0] != '\0', "no hint");
	no_children_left();
}

/* --- errors before clone ------------------------------------------------- */

static void bad_spec_refused_before_clone(void)
{
	tap_need_root();
	cv_ns_spec_init(&spec);
	spec.hostname = "no-uts";
	CHECK(cv_ns_spawn(&spec, child_pid_is_1, NULL, &err) == -EINVAL, "spawned");
	CHECK(strstr(err.msg, "uts") != NULL, "%s", err.msg);
	cv_ns_spec_init(&spec);
	spec.flags = CLONE_NEWUSER;
	spec.uid_map = (struct cv_idmap){2, {{0, 1000, 10}, {5, 2000, 10}}};
	CHECK(cv_ns_spawn(&spec, child_pid_is_1, NULL, &err) == -EINVAL, "spawned");
	CHECK(strstr(err.msg, "overlap inside") != NULL, "%s", err.msg);
	spec.uid_map = (struct cv_idmap){1, {{0, 1000, 10}}};
	spec.uid = 10; /* one past the map */
	CHECK(cv_ns_spawn(&spec, child_pid_is_1, NULL, &err) == -EINVAL, "spawned");
	CHECK(strcmp(err.msg, "uid 10 is not in the uid map") == 0, "%s", err.msg);
	spec.uid = (uid_t)-1;
	spec.flags = CLONE_NEWPID;
	spec.monotonic.secs = 5;
	CHECK(cv_ns_spawn(&spec, child_pid_is_1, NULL, &err) == -EINVAL, "spawned");
	CHECK(strcmp(err.msg, "a clock offset needs a new time namespace") == 0, "%s", err.msg);
	no_children_left();
}

/* --- setns --------------------------------------------------------------- */

static int hold[2] = {-1, -1}; /* the target lives until hold[1] is closed */

static int child_waits(void *arg)
{
	char c;

	(void)arg;
	close(hold[1]);
	return read(hold[0], &c, 1) < 0; /* EOF when the test closes its end */
}

struct join_case {
	pid_t target;
	bool by_path;
};

static void joiner(void *arg)
{
	struct join_case *jc = arg;
	struct cv_ns_id mine, theirs;
	char name[65] = "";
	int joined =
	    cv_ns_join(jc->target, CLONE_NEWUTS | CLONE_NEWNET | CLONE_NEWNS, jc->by_path, &err);

	/* the mount namespace is shared already, so only two are joined */
	CHECK(joined == (CLONE_NEWUTS | CLONE_NEWNET), "joined %#x: %s", joined, err.msg);
	gethostname(name, sizeof(name) - 1);
	CHECK(strcmp(name, "cvtest-join") == 0, "hostname after join: %s", name);
	for (int i = 0; i < CV_NS_COUNT; i++) {
		if (!(cv_ns_types[i].flag & (CLONE_NEWUTS | CLONE_NEWNET)))
			continue;
		cv_ns_id(0, &cv_ns_types[i], &mine, &err);
		cv_ns_id(jc->target, &cv_ns_types[i], &theirs, &err);
		CHECK(mine.ino == theirs.ino, "%s namespace differs", cv_ns_types[i].name);
	}
}

static void join(bool by_path)
{
	struct join_case jc = {.by_path = by_path};
	int r;

	tap_need_root();
	CHECK(pipe(hold) == 0, "pipe");
	cv_ns_spec_init(&spec);
	spec.flags = CLONE_NEWUTS | CLONE_NEWNET;
	spec.hostname = "cvtest-join";
	jc.target = cv_ns_spawn(&spec, child_waits, NULL, &err);
	CHECK(jc.target > 0, "%s", err.msg);
	r = in_child(joiner, &jc);
	close(hold[1]);
	waitpid(jc.target, NULL, 0);
	CHECK(r == 0, "see above");
}

static void setns_by_pidfd(void)
{
	if (!cv_have_setns_pidfd())
		tap_skip("setns(2) on a pidfd needs Linux 5.8");
	join(false);
}

static void setns_by_path(void)
{
	join(true);
}

static void join_missing_pid(void)
{
	CHECK(cv_ns_join(4194303, CLONE_NEWUTS, false, &err) == -ESRCH, "code %d", err.code);
	CHECK(strstr(err.msg, "no process with pid 4194303") != NULL, "%s", err.msg);
	CHECK(cv_ns_join(4194303, CLONE_NEWUTS, true, &err) == -ESRCH, "code %d", err.code);
}

static void join_path_of_wrong_type(void)
{
	tap_need_root();
	CHECK(cv_ns_join_path("/proc/self/ns/net", CLONE_NEWUTS, &err) == -EINVAL, "code %d",
	      err.code);
	CHECK(strstr(err.hint, "uts namespace file") != NULL, "%s", err.hint);
}

int main(void)
{
	static const struct tap_test tests[] = {
	    {"a new pid namespace makes the child pid 1", pid_ns_makes_pid_1},
	    {"clone() fallback (CV_DISABLE=clone3) also makes pid 1", clone_fallback_makes_pid_1},
	    {"a hostname set in a uts namespace is invisible outside", hostname_is_private},
	    {"unshare(CLONE_NEWUTS) leaves the host's hostname alone", unshare_keeps_host_hostname},
	    {"unshare without privilege is EPERM with a hint", unshare_without_privilege_is_eperm},
	    {"a new net namespace has only lo", net_ns_has_only_lo},
	    {"a new ipc namespace hides the host's message queues", ipc_ns_hides_queues},
	    {"uid_map and gid_map inside are as requested", uid_map_as_requested},
	    {"root inside a user namespace is the caller outside", root_inside_is_caller_outside},
	    {"unprivileged id ranges go through newuidmap and /etc/subuid",
	     unprivileged_ranges_use_newuidmap},
	    {"the cgroup namespace root is /", cgroup_ns_root_is_slash},
	    {"time namespace offsets move monotonic and boottime inside", time_ns_offsets_clocks},
	    {"an error in the child reaches the parent, child reaped", child_error_reaches_parent},
	    {"a bad spec is refused before any process exists", bad_spec_refused_before_clone},
	    {"setns by pidfd joins another process's namespaces", setns_by_pidfd},
	    {"setns by /proc/PID/ns path joins them too", setns_by_path},
	    {"joining a pid that does not exist is ESRCH", join_missing_pid},
	    {"joining a namespace file of the wrong type says so", join_path_of_wrong_type},
	};
	return tap_main(tests, sizeof(tests) / sizeof(tests[0])) ? 1 : 0;
}
