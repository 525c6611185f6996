/*
 * test_cgroups.c - step 02 as root, on this host's real cgroups: each test
 * runs a workload under a limit and checks what the limit did to it, from
 * the workload's own output and the cgroup's own counters.  Every cgroup
 * is /cvtest-cg-RUN-PID-NAME (RUN the run's token) and is removed by the
 * test that made it; every file is in the run's directory (lib/tap.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/loop.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "01-namespaces/spawn.h"
#include "02-cgroups/cgroups.h"
#include "02-cgroups/devices.h"
#include "02-cgroups/ops.h"
#include "common/file.h"
#include "common/probe.h"
#include "lib/cgtest.h"
#include "lib/tap.h"

static uint64_t cpu_ns(void)
{
	struct cv_cg_stats st;

	CHECK(cv_cg_stats(&cg, &st, &err) == 0, "%s", err.msg);
	return st.cpu.usage_ns;
}

/* --- the tests --------------------------------------------------------------- */

static void memory_limit_oom_kills(void)
{
	char *argv[] = {(char *)load(), "mem", "64M", NULL}, out[128];
	struct cv_cg_stats st;
	int status;

	cv_cg_limits_init(&lim);
	lim.memory_limit = lim.memory_swap = 32 << 20;
	make("oom");
	CHECK(cv_cg_stats(&cg, &st, &err) == 0 && st.memory.oom_kills == 0, "oom kills at start");
	status = run(argv, out, sizeof(out));
	CHECK(cv_cg_stats(&cg, &st, &err) == 0, "%s", err.msg);
	unmake();
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "not SIGKILLed: status %#x, %s",
	      status, out);
	CHECK(st.memory.oom_kills >= 1, "the OOM count did not rise");
	CHECK(st.memory.peak <= (32u << 20) && st.memory.peak > (24u << 20), "peak %llu",
	      (unsigned long long)st.memory.peak);
}

static void pids_limit_stops_forks(void)
{
	char *argv[] = {(char *)load(), "fork", "50", NULL}, out[128];

	cv_cg_limits_init(&lim);
	lim.pids_limit = 20;
	make("pids");
	run(argv, out, sizeof(out));
	unmake();
	/* the workload itself is one of the 20 */
	CHECK(strcmp(out, "forked 19 of 50, then EAGAIN\n") == 0, "inside it saw: %s", out);
}

static void cpu_quota_halves_a_cpu(void)
{
	char *argv[] = {(char *)load(), "spin", "1", NULL};
	uint64_t limited, free_run;

	cv_cg_limits_init(&lim);
	lim.cpu_quota = 50000;
	lim.cpu_period = 100000;
	make("cpu");
	run(argv, NULL, 0);
	limited = cpu_ns();
	unmake();
	cv_cg_limits_init(&lim); /* the same loop without the quota, for contrast */
	make("nocpu");
	run(argv, NULL, 0);
	free_run = cpu_ns();
	unmake();
	tap_diag("1 s of spinning used %.2f s of CPU under a 0.5 CPU quota, %.2f s without",
		 (double)limited / 1e9, (double)free_run / 1e9);
	CHECK(limited > 350000000ULL && limited < 700000000ULL, "%.2f s", (double)limited / 1e9);
	CHECK(free_run > 850000000ULL, "the unlimited loop used only %.2f s",
	      (double)free_run / 1e9);
}

static unsigned long counter(const char *file)
{
	char buf[32] = "0";
	cv_read_file(file, buf, sizeof(buf), &err);
	return strtoul(buf, NULL, 10);
}

static void freeze_stops_progress(const char *how)
{
	char file[PATH_MAX], *argv[] = {(char *)load(), "count", file, NULL};
	struct timespec pause = {0, 300 * 1000 * 1000};
	unsigned long a, b, c;
	pid_t pid;

	tap_tmp_path(file, sizeof(file) - 4, "cvtest-count-%d", getpid()); /* and ".tmp" */
	cv_cg_limits_init(&lim);
	make(how);
	pid = start(argv, NULL);
	nanosleep(&pause, NULL);
	CHECK(cv_cg_freeze(&cg, true, &err) == 0, "freeze: %s", err.msg);
	a = counter(file);
	nanosleep(&pause, NULL);
	b = counter(file);
	CHECK(cv_cg_freeze(&cg, false, &err) == 0, "thaw: %s", err.msg);
	nanosleep(&pause, NULL);
	c = counter(file);
	unmake();
	waitpid(pid, NULL, 0);
	unlink(file);
	strcat(file, ".tmp");
	unlink(file);
	tap_diag("%s: counter %lu frozen, %lu 300 ms later, %lu after thaw", how, a, b, c);
	CHECK(a > 0 && a == b, "it made progress while frozen: %lu -> %lu", a, b);
	CHECK(c > b + 5, "it did not resume: %lu -> %lu", b, c);
}

static void freeze_v2(void)
{
	freeze_stops_progress("freeze-default");
}

static void freeze_v1(void)
{
	const struct cv_cg_tree *t;

	tap_need_root();
	CHECK(cv_cg_detect(NULL, &host, &err) == 0, "%s", err.msg);
	t = cv_cg_tree_of(&host, CV_CG_FREEZER);
	if (!t || t->version != 1)
		tap_skip("no v1 freezer on this host");
	setenv("CV_DISABLE", "cgroup_freeze", 1);
	freeze_stops_progress("freeze-v1");
}

static void kill_all(const char *how)
{
	char *argv[] = {"/bin/sh", "-c", "sleep 100 & sleep 100 & sleep 100 & wait", NULL};
	struct timespec pause = {0, 200 * 1000 * 1000};
	pid_t pids[8], pid;
	int n, status;

	cv_cg_limits_init(&lim);
	make(how);
	pid = start(argv, NULL);
	nanosleep(&pause, NULL);
	n = cv_cg_pids(&cg, pids, 8, &err);
	CHECK(cv_cg_kill(&cg, &err) == 0, "kill: %s", err.msg);
	CHECK(cv_cg_pids(&cg, pids, 8, &err) == 0, "processes left after kill");
	waitpid(pid, &status, 0);
	unmake();
	CHECK(n == 4, "expected sh and three sleeps, found %d processes", n);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "sh: status %#x", status);
}

static void kill_all_default(void)
{
	kill_all("kill-default");
}

static void kill_all_by_freezing(void)
{
	setenv("CV_DISABLE", "cgroup_kill", 1);
	kill_all("kill-frozen");
}

static void denied_device_cannot_be_opened(void)
{
	char *null_argv[] = {(char *)load(), "open", "/dev/null", NULL};
	char *zero_argv[] = {(char *)load(), "open", "/dev/zero", NULL}, a[32], b[32];

	cv_cg_limits_init(&lim);
	lim.n_rules = 1;
	cv_cg_parse_rule("c 1:3 rwm", false, &lim.rules[0], &err);
	make("devices");
	run(null_argv, a, sizeof(a));
	run(zero_argv, b, sizeof(b));
	unmake();
	CHECK(strcmp(a, "EPERM\n") == 0, "open(/dev/null) inside: %s", a);
	CHECK(strcmp(b, "ok\n") == 0, "open(/dev/zero) inside: %s", b);
}

static void bpf_device_program_on_cgroup2(void)
{
	char *null_argv[] = {(char *)load(), "open", "/dev/null", NULL}, a[32], b[32];
	struct cv_cg_dev_rule deny, allow;
	struct cv_cg_dir *v2 = NULL;

	cv_cg_limits_init(&lim);
	make("bpf");
	for (unsigned i = 0; i < cg.n; i++)
		if (cg.dir[i].tree->version == 2)
			v2 = &cg.dir[i];
	if (!v2) {
		unmake();
		tap_skip("no cgroup2 tree on this host");
	}
	cv_cg_parse_rule("c 1:3 rwm", false, &deny, &err);
	cv_cg_parse_rule("a", true, &allow, &err);
	CHECK(cv_cg_devices_bpf(v2, &deny, 1, &err) == 0, "%s (%s)", err.msg, err.hint);
	run(null_argv, a, sizeof(a));
	/* replacing the program: the old one must be detached, or it still denies */
	CHECK(cv_cg_devices_bpf(v2, &allow, 1, &err) == 0, "%s (%s)", err.msg, err.hint);
	run(null_argv, b, sizeof(b));
	unmake();
	CHECK(strcmp(a, "EPERM\n") == 0, "open(/dev/null) under the BPF program: %s", a);
	CHECK(strcmp(b, "ok\n") == 0, "after replacing it: %s", b);
}

static void stats_match_the_workload(void)
{
	char *mem[] = {(char *)load(), "mem", "16M", NULL};
	/* CPU time, not wall-clock: on a busy machine 0.3 s of spinning may get less */
	char *spin[] = {(char *)load(), "burn", "0.3", NULL};
	struct cv_cg_stats st;

	cv_cg_limits_init(&lim);
	lim.pids_limit = 7;
	make("stats");
	run(mem, NULL, 0);
	run(spin, NULL, 0);
	CHECK(cv_cg_stats(&cg, &st, &err) == 0, "%s", err.msg);
	unmake();
	CHECK(st.memory.peak >= (16u << 20), "peak %llu below the 16 MiB it touched",
	      (unsigned long long)st.memory.peak);
	CHECK(st.cpu.usage_ns >= 250000000ULL, "cpu %llu ns for 0.3 s of CPU burnt",
	      (unsigned long long)st.cpu.usage_ns);
	CHECK(st.pids.limit == 7 && st.pids.current == 0, "pids %llu of %llu",
	      (unsigned long long)st.pids.current, (unsigned long long)st.pids.limit);
}

static int child_sees_its_cgroup(void *arg)
{
	char text[4096];
	const char *want = arg;

	if (cv_read_file("/proc/self/cgroup", text, sizeof(text), &err) < 0)
		return 2;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *names = strchr(line, ':') + 1;
		bool mounted = false;
		/* a hierarchy may linger unmounted: only the trees the host has count */
		for (unsigned i = 0; i < host.n; i++)
			mounted |= !strncmp(names, host.tree[i].name, strlen(host.tree[i].name)) ||
				   (host.tree[i].version == 2 && names[0] == ':');
		/* named trees too (name=systemd): the host's root there is no place for it */
		if (mounted && !strstr(line, want)) {
			printf("# not in %s: %s\n", want, line);
			return 1;
		}
	}
	return 0;
}

static void entered_in_every_tree(void)
{
	struct cv_ns_spec *spec = calloc(1, sizeof(*spec));
	int status;
	pid_t pid;

	cv_cg_limits_init(&lim);
	make("enter");
	cv_ns_spec_init(spec);
	spec->cgroup_fd = cv_cg_clone_fd(&cg, &err);
	spec->parent_hook = enter_cgroup;
	spec->parent_hook_arg = &cg;
	pid = cv_ns_spawn(spec, child_sees_its_cgroup, path, &err);
	CHECK(pid > 0, "%s", err.msg);
	waitpid(pid, &status, 0);
	if (spec->cgroup_fd >= 0)
		close(spec->cgroup_fd);
	free(spec);
	unmake();
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "see above");
}

static int child_sees_its_cgroup_v2(void *arg)
{
	char text[4096];

	if (cv_read_file("/proc/self/cgroup", text, sizeof(text), &err) < 0)
		return 2;
	return strstr(text, arg) ? 0 : 1;
}

static void born_in_the_cgroup(void)
{
	struct cv_ns_spec *spec = calloc(1, sizeof(*spec));
	char want[200];
	int status;
	pid_t pid;

	if (!cv_have_clone_into_cgroup())
		tap_skip("clone3(CLONE_INTO_CGROUP) needs Linux 5.7 and cgroup2");
	cv_cg_limits_init(&lim);
	make("born");
	cv_ns_spec_init(spec);
	spec->cgroup_fd = cv_cg_clone_fd(&cg, &err); /* and no hook: clone3 alone puts it there */
	CHECK(spec->cgroup_fd >= 0, "%s", err.msg);
	snprintf(want, sizeof(want), "0::%s", path);
	pid = cv_ns_spawn(spec, child_sees_its_cgroup_v2, want, &err);
	CHECK(pid > 0, "%s", err.msg);
	waitpid(pid, &status, 0);
	close(spec->cgroup_fd);
	free(spec);
	unmake();
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child was not born in %s", path);
}

static void nested_with_subtree_control(void)
{
	char leaf[200], parent[160], file[1024], text[256];
	struct cv_cg_dir *v2 = NULL;
	struct stat st;

	tap_need_root();
	CHECK(cv_cg_detect(NULL, &host, &err) == 0, "%s", err.msg);
	snprintf(parent, sizeof(parent), "/cvtest-cg-%s-%d-nest", tap_run(), getpid());
	snprintf(leaf, sizeof(leaf), "%s/a/b", parent);
	CHECK(cv_cg_create(&host, leaf, &cg, &err) == 0, "%s", err.msg);
	for (unsigned i = 0; i < cg.n; i++) {
		CHECK(cg.dir[i].made == 3, "%s: made %d levels, not 3", cg.dir[i].path,
		      cg.dir[i].made);
		if (cg.dir[i].tree->version == 2)
			v2 = &cg.dir[i];
	}
	if (v2) { /* each level lets the next use the tree's controllers */
		snprintf(file, sizeof(file), "%s%s/a/cgroup.subtree_control", v2->tree->mount,
			 parent);
		CHECK(cv_read_file(file, text, sizeof(text), &err) >= 0, "%s", err.msg);
		if (cv_cg_tree_of(&host, CV_CG_HUGETLB) == v2->tree)
			CHECK(strstr(text, "hugetlb") != NULL, "%s: `%s`", file, text);
	}
	CHECK(cv_cg_destroy(&cg, &err) == 0, "%s", err.msg);
	for (unsigned i = 0; i < cg.n; i++) {
		snprintf(file, sizeof(file), "%s%s", cg.dir[i].tree->mount, parent);
		CHECK(stat(file, &st) < 0, "%s is left behind", file);
	}
}

static void limit_below_usage(void)
{
	char *argv[] = {(char *)load(), "hold", "32M", NULL}, out[64];
	struct cv_cg_limits lower;
	int fd, r;
	pid_t pid;

	cv_cg_limits_init(&lim);
	make("below");
	pid = start(argv, &fd);
	r = (int)read(fd, out, sizeof(out) - 1); /* "allocated 32 MiB" once it holds it all */
	close(fd);
	cv_cg_limits_init(&lower);
	lower.memory_limit = 8 << 20;
	lower.memory_swap = 8 << 20;
	r = cv_cg_set(&cg, &lower, &err);
	unmake();
	waitpid(pid, NULL, 0);
	if (cv_cg_tree_of(&host, CV_CG_MEMORY)->version == 2)
		tap_skip("cgroup v2 reclaims or OOM-kills instead of refusing a lower memory.max");
	CHECK(r == -EBUSY, "set 8M under 32M of use: %d (%s)", r, err.msg);
	CHECK(strstr(err.hint, "uses") && strstr(err.hint, "bytes now"), "hint: %s", err.hint);
}

static void failed_set_leaves_nothing(void)
{
	char leaf[200], parent[160], file[1024];
	struct stat st;

	tap_need_root();
	CHECK(cv_cg_detect(NULL, &host, &err) == 0, "%s", err.msg);
	snprintf(parent, sizeof(parent), "/cvtest-cg-%s-%d-fail", tap_run(), getpid());
	snprintf(leaf, sizeof(leaf), "%s/x", parent);
	CHECK(cv_cg_create(&host, leaf, &cg, &err) == 0, "%s", err.msg);
	cv_cg_limits_init(&lim);
	snprintf(lim.cpuset_cpus, sizeof(lim.cpuset_cpus), "4000"); /* no such CPU */
	CHECK(cv_cg_set(&cg, &lim, &err) < 0, "cpuset 4000 was accepted");
	CHECK(strstr(err.msg, "cpuset.cpus") != NULL, "%s", err.msg);
	CHECK(cv_cg_destroy(&cg, &err) == 0, "%s", err.msg);
	for (unsigned i = 0; i < cg.n; i++) {
		snprintf(file, sizeof(file), "%s%s", cg.dir[i].tree->mount, parent);
		CHECK(stat(file, &st) < 0, "%s is left behind", file);
	}
}

static void realtime_limits(void)
{
	const struct cv_cg_tree *t;
	char file[1024];
	uint64_t v = 1;
	int r;

	tap_need_root();
	CHECK(cv_cg_detect(NULL, &host, &err) == 0, "%s", err.msg);
	t = cv_cg_tree_of(&host, CV_CG_CPU);
	snprintf(file, sizeof(file), "%s/cpu.rt_runtime_us", t ? t->mount : "/nonexistent");
	if (!t || t->version != 1 || access(file, F_OK) != 0)
		tap_skip("no realtime group scheduling on this host");
	cv_cg_limits_init(&lim);
	lim.cpu_rt_period = 1000000;
	lim.cpu_rt_runtime = 0;
	make("rt/x"); /* nested: the new parent has no realtime runtime to give */
	for (unsigned i = 0; i < cg.n; i++)
		if (cg.dir[i].tree == t)
			CHECK(cg_read_u64(&cg.dir[i], "cpu.rt_runtime_us", &v, &err) == 0 && v == 0,
			      "cpu.rt_runtime_us reads %llu", (unsigned long long)v);
	cv_cg_limits_init(&lim);
	lim.cpu_rt_runtime = 10000; /* more than its parent, /cvtest-cg-...-rt, has */
	r = cv_cg_set(&cg, &lim, &err);
	unmake();
	CHECK(r == -EINVAL, "a runtime beyond the parent's was accepted: %d", r);
	CHECK(strstr(err.hint, "parent") != NULL, "hint: %s", err.hint);
}

static void hugetlb_limit(void)
{
	const struct cv_cg_tree *t;
	char file[1024], text[64];

	tap_need_root();
	CHECK(cv_cg_detect(NULL, &host, &err) == 0, "%s", err.msg);
	t = cv_cg_tree_of(&host, CV_CG_HUGETLB);
	if (!t || access("/sys/kernel/mm/hugepages/hugepages-2048kB", F_OK) != 0)
		tap_skip("no hugetlb controller or no 2 MB huge pages here");
	cv_cg_limits_init(&lim);
	lim.n_hugetlb = 1;
	snprintf(lim.hugetlb[0].pagesize, sizeof(lim.hugetlb[0].pagesize), "2MB");
	lim.hugetlb[0].limit = 4 << 20;
	make("hugetlb");
	snprintf(file, sizeof(file), "%s%s/hugetlb.2MB.%s", t->mount, path,
		 t->version == 2 ? "max" : "limit_in_bytes");
	CHECK(cv_read_file(file, text, sizeof(text), &err) > 0, "%s", err.msg);
	unmake();
	CHECK(strtoull(text, NULL, 10) == 4u << 20, "%s reads %s", file, text);
}

static void systemd_driver_needs_systemd(void)
{
	if (access("/run/systemd/system", F_OK) == 0)
		tap_skip("this machine runs systemd");
	CHECK(cv_cg_systemd_check(&err) == -ENOTSUP, "no error");
	CHECK(strstr(err.msg, "systemd as init") != NULL, "%s", err.msg);
	CHECK(strstr(err.hint, "--systemd-cgroup") != NULL, "%s", err.hint);
}

int main(void)
{
	static const struct tap_test tests[] = {
	    {"over its memory limit, a process is OOM-killed and the count rises",
	     memory_limit_oom_kills},
	    {"forks beyond the pids limit fail with EAGAIN inside", pids_limit_stops_forks},
	    {"a busy loop under a 0.5 CPU quota gets about half a CPU", cpu_quota_halves_a_cpu},
	    {"a frozen cgroup makes no progress and resumes after thaw", freeze_v2},
	    {"the v1 freezer does the same (CV_DISABLE=cgroup_freeze)", freeze_v1},
	    {"kill empties the cgroup", kill_all_default},
	    {"kill by freezing empties it too (CV_DISABLE=cgroup_kill)", kill_all_by_freezing},
	    {"a denied device cannot be opened inside", denied_device_cannot_be_opened},
	    {"a BPF device program on cgroup2 denies, and is replaced",
	     bpf_device_program_on_cgroup2},
	    {"stats match what the workload did", stats_match_the_workload},
	    {"the child is in the cgroup in every tree before it runs", entered_in_every_tree},
	    {"clone3(CLONE_INTO_CGROUP) starts the child in the cgroup", born_in_the_cgroup},
	    {"nested cgroups enable controllers down the path; destroy removes all",
	     nested_with_subtree_control},
	    {"a memory limit below current usage is refused with the usage", limit_below_usage},
	    {"a set that fails leaves nothing once destroyed", failed_set_leaves_nothing},
	    {"realtime limits: written where the kernel has them, bounded by the parent",
	     realtime_limits},
	    {"a hugetlb limit lands in the tree that has the controller", hugetlb_limit},
	    {"the systemd cgroup driver needs systemd", systemd_driver_needs_systemd},
	};
	return tap_main(tests, sizeof(tests) / sizeof(tests[0])) ? 1 : 0;
}
