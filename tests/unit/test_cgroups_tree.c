/*
 * test_cgroups_tree.c - step 02's v1 and v2 writers and readers on a fake
 * cgroup tree under /tmp (no root needed): what each limit writes to
 * which file, and the stats read back; which directories a cgroup claims,
 * refuses and removes.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "02-cgroups/cgroups.h"
#include "02-cgroups/devices.h"
#include "02-cgroups/stats.h"

static struct cv_err err;
static struct cv_cg_host host;

/* --- the v1 and v2 writers on a fake tree ---------------------------------- */

static char tmp[64];

static void put(const char *rel, const char *content)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	for (char *p = strchr(path + strlen(tmp) + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static const char *get(const char *rel)
{
	static char buf[256];
	char path[256];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static int fake_tree_setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/cvtest-cgtree-XXXXXX");
	return mkdtemp(tmp) ? 0 : -1;
}

static int fake_tree_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? 0 : -1;
}

/* The first block device this machine has, for io settings: "MAJ:MIN". */
static bool a_block_device(unsigned *major, unsigned *minor)
{
	DIR *d = opendir("/sys/dev/block");
	struct dirent *e;
	bool found = false;

	while (d && !found && (e = readdir(d)) != NULL)
		found = sscanf(e->d_name, "%u:%u", major, minor) == 2;
	if (d)
		closedir(d);
	return found;
}

static void v2_writes(void **state)
{
	static const char *const leaf[] = {"memory.max",       "memory.low",  "memory.swap.max",
					   "memory.oom.group", "cpu.weight",  "pids.max",
					   "io.weight",        "io.max",      "hugetlb.2MB.max",
					   "memory.high",      "cpuset.cpus", "cgroup.procs"};
	char mounts[512], file[96];
	struct cv_cgroup cg;
	struct cv_cg_limits l;
	unsigned major = 0, minor = 0;
	bool dev = a_block_device(&major, &minor);

	(void)state;
	put("unified/cgroup.controllers", "cpuset cpu io memory hugetlb pids\n");
	put("unified/cgroup.subtree_control", "");
	put("unified/cvt/cgroup.controllers", "cpuset cpu io memory hugetlb pids\n");
	put("unified/cvt/cgroup.subtree_control", "");
	for (size_t i = 0; i < sizeof(leaf) / sizeof(leaf[0]); i++) {
		snprintf(file, sizeof(file), "unified/cvt/x/%s", leaf[i]);
		put(file, "");
	}
	put("unified/cvt/x/cpu.max", "max 100000\n");
	snprintf(mounts, sizeof(mounts), "40 30 0:37 / %s/unified rw - cgroup2 cgroup2 rw\n", tmp);
	assert_int_equal(cv_cg_parse(CV_CG_UNIFIED, tmp, mounts, "0::/\n", &host, &err), 0);
	host.tree[0].ctrls = (1u << CV_CG_NCTRL) - 1; /* what cv_cg_detect reads from the files */
	assert_int_equal(cv_cg_create(&host, "/cvt/x", &cg, &err), 0);
	assert_int_equal(cg.n, 1);
	assert_int_equal(cg.dir[0].made, 0); /* it was all there */
	assert_string_not_equal(get("unified/cvt/cgroup.subtree_control"), "");

	cv_cg_limits_init(&l);
	l.memory_limit = 32 << 20;
	l.memory_swap = 48 << 20;
	l.memory_reservation = 16 << 20;
	l.oom_group = 1;
	l.cpu_shares = 1024;
	l.cpu_quota = 50000;
	snprintf(l.cpuset_cpus, sizeof(l.cpuset_cpus), "0");
	l.pids_limit = CV_CG_MAX;
	l.io_weight = 500;
	l.n_hugetlb = 1;
	snprintf(l.hugetlb[0].pagesize, sizeof(l.hugetlb[0].pagesize), "2MB");
	l.hugetlb[0].limit = 4 << 20;
	l.n_unified = 1;
	snprintf(l.unified[0].key, sizeof(l.unified[0].key), "memory.high");
	snprintf(l.unified[0].value, sizeof(l.unified[0].value), "64M");
	if (dev)
		l.rbps[l.n_rbps++] = (struct cv_cg_dev_value){major, minor, 1048576};
	assert_int_equal(cv_cg_set(&cg, &l, &err), 0);
	assert_string_equal(get("unified/cvt/x/memory.max"), "33554432");
	assert_string_equal(get("unified/cvt/x/memory.swap.max"), "16777216"); /* swap alone */
	assert_string_equal(get("unified/cvt/x/memory.low"), "16777216");
	assert_string_equal(get("unified/cvt/x/memory.oom.group"), "1");
	assert_string_equal(get("unified/cvt/x/cpu.weight"), "39");
	assert_string_equal(get("unified/cvt/x/cpu.max"), "50000 100000"); /* the period kept */
	assert_string_equal(get("unified/cvt/x/cpuset.cpus"), "0");
	assert_string_equal(get("unified/cvt/x/pids.max"), "max");
	assert_string_equal(get("unified/cvt/x/io.weight"), "default 4950");
	assert_string_equal(get("unified/cvt/x/hugetlb.2MB.max"), "4194304");
	assert_string_equal(get("unified/cvt/x/memory.high"), "64M");
	if (dev) {
		char want[64];
		snprintf(want, sizeof(want), "%u:%u rbps=1048576", major, minor);
		assert_string_equal(get("unified/cvt/x/io.max"), want);
	}
	/* realtime has no v2 form; an unknown unified file says which */
	cv_cg_limits_init(&l);
	l.cpu_rt_runtime = 1000;
	assert_int_equal(cv_cg_set(&cg, &l, &err), -ENOTSUP);
	assert_non_null(strstr(err.msg, "cgroup v2 has no realtime"));
	cv_cg_limits_init(&l);
	l.n_unified = 1;
	snprintf(l.unified[0].key, sizeof(l.unified[0].key), "memory.nonexistent");
	assert_int_equal(cv_cg_set(&cg, &l, &err), -ENOENT);
	assert_non_null(strstr(err.hint, "memory.nonexistent"));
}

static void v2_stats_read(void **state)
{
	char mounts[512];
	struct cv_cgroup cg;
	struct cv_cg_stats st;

	(void)state;
	put("unified/s/memory.current", "1048576\n");
	put("unified/s/memory.peak", "2097152\n");
	put("unified/s/memory.max", "max\n");
	put("unified/s/memory.events", "low 0\nhigh 0\nmax 5\noom 1\noom_kill 1\n");
	put("unified/s/cpu.stat", "usage_usec 1500000\nuser_usec 1000000\nsystem_usec 500000\n"
				  "nr_periods 10\nnr_throttled 4\nthrottled_usec 200000\n");
	put("unified/s/pids.current", "3\n");
	put("unified/s/pids.max", "20\n");
	put("unified/s/io.stat", "8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n");
	put("unified/s/cgroup.procs", "");
	snprintf(mounts, sizeof(mounts), "40 30 0:37 / %s/unified rw - cgroup2 cgroup2 rw\n", tmp);
	assert_int_equal(cv_cg_parse(CV_CG_UNIFIED, tmp, mounts, "0::/\n", &host, &err), 0);
	host.tree[0].ctrls = (1u << CV_CG_NCTRL) - 1;
	assert_int_equal(cv_cg_open(&host, "/s", &cg, &err), 0);
	assert_int_equal(cv_cg_stats(&cg, &st, &err), 0);
	assert_int_equal(st.memory.usage, 1048576);
	assert_int_equal(st.memory.peak, 2097152);
	assert_true(st.memory.limit == CV_CG_NO_LIMIT);
	assert_int_equal(st.memory.oom_kills, 1);
	assert_int_equal(st.memory.failcnt, 5);
	assert_int_equal(st.cpu.usage_ns, 1500000000ULL);
	assert_int_equal(st.cpu.throttled_periods, 4);
	assert_int_equal(st.cpu.throttled_ns, 200000000ULL);
	assert_int_equal(st.pids.current, 3);
	assert_int_equal(st.pids.limit, 20);
	assert_int_equal(st.n_io, 1);
	assert_int_equal(st.io[0].rbytes, 4096);
	assert_int_equal(st.io[0].wios, 2);
	assert_int_equal(cv_cg_pids(&cg, (pid_t[4]){0}, 4, &err), 0);
	assert_int_equal(cv_cg_open(&host, "/missing", &cg, &err), -ENOENT);
	assert_non_null(strstr(err.hint, "no cgroup `/missing` here"));
}

static void v1_writes_and_reads(void **state)
{
	char mounts[1024];
	struct cv_cgroup cg;
	struct cv_cg_limits l;
	struct cv_cg_stats st;

	(void)state;
	snprintf(mounts, sizeof(mounts),
		 "34 30 0:31 / %s/memory rw - cgroup cgroup rw,memory\n"
		 "31 30 0:28 / %s/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
		 "38 30 0:35 / %s/pids rw - cgroup cgroup rw,pids\n"
		 "35 30 0:32 / %s/devices rw - cgroup cgroup rw,devices\n",
		 tmp, tmp, tmp, tmp);
	put("memory/v/memory.limit_in_bytes", "");
	put("memory/v/memory.memsw.limit_in_bytes", "");
	put("memory/v/memory.usage_in_bytes", "4096\n");
	put("memory/v/memory.max_usage_in_bytes", "8192\n");
	put("memory/v/memory.failcnt", "7\n");
	put("memory/v/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n");
	put("cpu,cpuacct/v/cpu.shares", "");
	put("cpu,cpuacct/v/cpu.cfs_period_us", "");
	put("cpu,cpuacct/v/cpu.cfs_quota_us", "");
	put("cpu,cpuacct/v/cpuacct.usage", "2500000000\n");
	put("cpu,cpuacct/v/cpu.stat", "nr_periods 9\nnr_throttled 3\nthrottled_time 1000\n");
	put("pids/v/pids.max", "");
	put("pids/v/pids.current", "2\n");
	put("devices/v/devices.allow", "");
	put("devices/v/devices.deny", "");
	assert_int_equal(cv_cg_parse(CV_CG_LEGACY, tmp, mounts, "", &host, &err), 0);
	assert_int_equal(cv_cg_open(&host, "/v", &cg, &err), 0);

	cv_cg_limits_init(&l);
	l.memory_limit = l.memory_swap = 32 << 20;
	l.cpu_shares = 512;
	l.cpu_quota = 25000;
	l.cpu_period = 50000;
	l.pids_limit = 20;
	l.n_rules = 2;
	cv_cg_parse_rule("a", false, &l.rules[0], &err);
	cv_cg_parse_rule("c 1:3 rwm", true, &l.rules[1], &err);
	assert_int_equal(cv_cg_set(&cg, &l, &err), 0);
	assert_string_equal(get("memory/v/memory.limit_in_bytes"), "33554432");
	assert_string_equal(get("memory/v/memory.memsw.limit_in_bytes"), "33554432");
	assert_string_equal(get("cpu,cpuacct/v/cpu.shares"), "512");
	assert_string_equal(get("cpu,cpuacct/v/cpu.cfs_quota_us"), "25000");
	assert_string_equal(get("cpu,cpuacct/v/cpu.cfs_period_us"), "50000");
	assert_string_equal(get("pids/v/pids.max"), "20");
	assert_string_equal(get("devices/v/devices.deny"), "a *:* rwm");
	assert_string_equal(get("devices/v/devices.allow"), "c 1:3 rwm");

	/* what this host lacks is refused before anything is written */
	cv_cg_limits_init(&l);
	l.n_hugetlb = 1;
	snprintf(l.hugetlb[0].pagesize, sizeof(l.hugetlb[0].pagesize), "2MB");
	l.hugetlb[0].limit = 1 << 21;
	assert_int_equal(cv_cg_set(&cg, &l, &err), -ENOTSUP);
	assert_string_equal(err.msg, "hugetlb limits: this host has no hugetlb controller");
	cv_cg_limits_init(&l);
	l.n_unified = 1;
	snprintf(l.unified[0].key, sizeof(l.unified[0].key), "memory.high");
	assert_int_equal(cv_cg_set(&cg, &l, &err), -ENOTSUP);
	cv_cg_limits_init(&l);
	l.rbps[l.n_rbps++] = (struct cv_cg_dev_value){250, 250, 100};
	assert_int_equal(cv_cg_check(&host, &l, &err), -ENOTSUP); /* no blkio tree here */
	cv_cg_limits_init(&l);
	l.cpu_rt_runtime = 950000;
	assert_int_equal(cv_cg_set(&cg, &l, &err), -ENOTSUP);
	assert_non_null(strstr(err.msg, "no realtime group scheduling"));

	assert_int_equal(cv_cg_stats(&cg, &st, &err), 0);
	assert_int_equal(st.memory.usage, 4096);
	assert_int_equal(st.memory.peak, 8192);
	assert_int_equal(st.memory.oom_kills, 3);
	assert_int_equal(st.memory.failcnt, 7);
	assert_int_equal(st.cpu.usage_ns, 2500000000ULL);
	assert_int_equal(st.cpu.throttled_periods, 3);
	assert_int_equal(st.pids.current, 2);
}

static bool exists(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	return access(path, F_OK) == 0;
}

/* A hybrid host's three kinds of tree: a v1 controller, a named v1 hierarchy, cgroup2. */
static void hybrid_host(void)
{
	char mounts[1024];

	snprintf(mounts, sizeof(mounts),
		 "34 30 0:31 / %s/memory rw - cgroup cgroup rw,memory\n"
		 "39 30 0:36 / %s/systemd rw - cgroup cgroup rw,name=systemd\n"
		 "40 30 0:37 / %s/unified rw - cgroup2 cgroup2 rw\n",
		 tmp, tmp, tmp);
	put("memory/cgroup.procs", "");
	put("systemd/cgroup.procs", "");
	put("unified/cgroup.controllers", "");
	put("unified/cgroup.subtree_control", "");
	assert_int_equal(cv_cg_parse(CV_CG_HYBRID, tmp, mounts, "", &host, &err), 0);
}

/* Escape 5: a directory in the named tree too; escape 4: a cgroup in use is refused. */
static void plan_claims_and_refusals(void **state)
{
	struct cv_cgroup cg;

	(void)state;
	hybrid_host();
	assert_int_equal(cv_cg_plan(&host, "/new/leaf", &cg, &err), 0);
	assert_int_equal(cg.n, 3);
	assert_string_equal(cg.dir[1].tree->name, "name=systemd");
	for (unsigned i = 0; i < cg.n; i++)
		assert_int_equal(cg.dir[i].made, 2); /* both components: to be made */
	assert_true(cv_cg_all_made(&cg));
	/* a process in it, or in a cgroup below it, in any one tree: refused */
	put("systemd/busy/cgroup.procs", "");
	put("systemd/busy/inner/cgroup.procs", "4242\n");
	assert_int_equal(cv_cg_plan(&host, "/busy", &cg, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "cgroup `/busy` is in use"));
	assert_non_null(strstr(err.msg, "systemd/busy/inner/cgroup.procs` lists pid 4242"));
	assert_non_null(strstr(err.hint, "cgroupsPath"));
	/* an empty one is used, but not ours where it was there before */
	put("memory/empty/cgroup.procs", "");
	assert_int_equal(cv_cg_plan(&host, "/empty", &cg, &err), 0);
	assert_int_equal(cg.dir[0].made, 0);
	assert_int_equal(cg.dir[1].made, 1);
	assert_false(cv_cg_all_made(&cg));
	assert_int_equal(cv_cg_make(&cg, &err), 0);
	assert_true(exists("systemd/empty") && exists("unified/empty"));
	assert_int_equal(cv_cg_destroy(&cg, &err), 0); /* only what it made */
	assert_true(exists("memory/empty"));
	assert_false(exists("systemd/empty") || exists("unified/empty"));
}

/* After a create killed half-way: open what exists; a named tree may lack one. */
static void open_what_exists(void **state)
{
	struct cv_cgroup cg;

	(void)state;
	hybrid_host();
	put("memory/half/cgroup.procs", "");
	assert_int_equal(cv_cg_open(&host, "/half", &cg, &err), -ENOENT);
	assert_int_equal(cv_cg_open_existing(&host, "/half", &cg, &err), 0);
	assert_int_equal(cg.n, 1);
	assert_string_equal(cg.dir[0].tree->name, "memory");
	assert_int_equal(cv_cg_open_existing(&host, "/none", &cg, &err), -ENOENT);
	/* made by an older containerv: nothing in the named tree */
	put("unified/half/cgroup.procs", "");
	assert_int_equal(cv_cg_open(&host, "/half", &cg, &err), 0);
	assert_int_equal(cg.n, 2);
}

int main(void)
{
	const struct CMUnitTest tree[] = {
	    cmocka_unit_test(v2_writes),           cmocka_unit_test(v2_stats_read),
	    cmocka_unit_test(v1_writes_and_reads), cmocka_unit_test(plan_claims_and_refusals),
	    cmocka_unit_test(open_what_exists),
	};
	return cmocka_run_group_tests_name("cgroups on a fake tree", tree, fake_tree_setup,
					   fake_tree_teardown);
}
