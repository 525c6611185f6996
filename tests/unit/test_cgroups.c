/*
 * test_cgroups.c - step 02's pure code, no root needed: layout parsing on
 * fixtures of all three layouts, value parsing, the v1 <-> v2 scales, the
 * BPF device program (run by a small interpreter against the rules'
 * meaning), and stats JSON.  The writers on a fake tree are in
 * test_cgroups_tree.c.
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

/* --- layouts ------------------------------------------------------------- */

static const char hybrid_mounts[] =
    "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "32 30 0:29 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "38 30 0:35 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
    "39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
    "41 22 0:38 / /mnt/elsewhere rw - cgroup2 cgroup2 rw\n";
static const char hybrid_self[] = "9:name=systemd:/\n8:pids:/\n4:memory:/process_api/abc\n"
				  "2:cpuacct:/\n1:cpu:/\n0::/\n";

static void hybrid_layout(void **state)
{
	(void)state;
	assert_int_equal(
	    cv_cg_parse(CV_CG_HYBRID, "/sys/fs/cgroup", hybrid_mounts, hybrid_self, &host, &err),
	    0);
	assert_int_equal(host.n, 6); /* not /mnt/elsewhere: outside the root */
	assert_string_equal(host.tree[2].name, "memory");
	assert_string_equal(host.tree[2].self, "/process_api/abc");
	assert_string_equal(host.tree[4].name, "name=systemd");
	assert_int_equal(host.tree[4].ctrls, 0);
	assert_int_equal(host.tree[5].version, 2);
	assert_string_equal(host.tree[5].mount, "/sys/fs/cgroup/unified");
	assert_ptr_equal(cv_cg_tree_of(&host, CV_CG_MEMORY), &host.tree[2]);
	assert_null(cv_cg_tree_of(&host, CV_CG_HUGETLB)); /* v2 controllers come from its files */
	host.tree[5].ctrls = CV_CG_BIT(CV_CG_HUGETLB) | CV_CG_BIT(CV_CG_FREEZER);
	assert_ptr_equal(cv_cg_tree_of(&host, CV_CG_HUGETLB), &host.tree[5]);
	assert_null(cv_cg_tree_of(&host, CV_CG_IO));
}

static void unified_layout(void **state)
{
	(void)state;
	assert_int_equal(
	    cv_cg_parse(CV_CG_UNIFIED, "/sys/fs/cgroup",
			"26 1 0:23 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n",
			"0::/user.slice/user-1000.slice/session-1.scope\n", &host, &err),
	    0);
	assert_int_equal(host.n, 1);
	assert_int_equal(host.tree[0].version, 2);
	assert_string_equal(host.tree[0].self, "/user.slice/user-1000.slice/session-1.scope");
	assert_string_equal(cv_cg_layout_name(host.layout), "unified");
}

static void legacy_layout(void **state)
{
	(void)state;
	/* co-mounted controllers; /proc/self/cgroup may list them in another order */
	assert_int_equal(
	    cv_cg_parse(
		CV_CG_LEGACY, "/sys/fs/cgroup",
		"25 24 0:22 / /sys/fs/cgroup ro - tmpfs tmpfs ro,mode=755\n"
		"28 25 0:25 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
		"29 25 0:26 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n"
		"30 25 0:26 / /sys/fs/cgroup/pids2 rw - cgroup cgroup rw,pids\n"
		"31 25 0:27 /docker/x /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
		"32 25 0:28 / /sys/fs/cgroup/net_cls,net_prio rw - cgroup cgroup "
		"rw,net_cls,net_prio\n",
		"6:net_cls,net_prio:/\n5:memory:/docker/x\n3:pids:/user.slice\n"
		"2:cpuacct,cpu:/user.slice\n",
		&host, &err),
	    0);
	assert_int_equal(host.n, 4); /* pids mounted twice counts once */
	assert_int_equal(host.tree[3].ctrls, CV_CG_BIT(CV_CG_NET_CLS) | CV_CG_BIT(CV_CG_NET_PRIO));
	assert_ptr_equal(cv_cg_tree_of(&host, CV_CG_NET_PRIO), &host.tree[3]);
	assert_null(cv_cg_tree_of(&host, CV_CG_RDMA));
	assert_string_equal(host.tree[0].name, "cpu,cpuacct");
	assert_string_equal(host.tree[0].self, "/user.slice");
	assert_int_equal(host.tree[0].ctrls, CV_CG_BIT(CV_CG_CPU) | CV_CG_BIT(CV_CG_CPUACCT));
	assert_string_equal(host.tree[2].root, "/docker/x");
	assert_ptr_equal(cv_cg_tree_of(&host, CV_CG_CPUACCT), &host.tree[0]);
}

static void no_cgroups(void **state)
{
	(void)state;
	assert_int_equal(cv_cg_parse(CV_CG_LEGACY, "/sys/fs/cgroup", "1 0 0:1 / / rw - ext4 x rw\n",
				     "", &host, &err),
			 -ENOENT);
	assert_string_equal(err.msg, "no cgroup filesystem is mounted under /sys/fs/cgroup");
}

static void paths(void **state)
{
	(void)state;
	assert_int_equal(cv_cg_path_check("/containerv/web", &err), 0);
	assert_int_equal(cv_cg_path_check("web", &err), 0);
	assert_int_equal(cv_cg_path_check("/containerv/../etc", &err), -EINVAL);
	assert_string_equal(err.msg, "cgroup path `/containerv/../etc`: `..` is not allowed in a "
				     "cgroup path");
	assert_int_equal(cv_cg_path_check("a/./b", &err), -EINVAL);
	assert_int_equal(cv_cg_path_check("a//b", &err), -EINVAL);
	assert_int_equal(cv_cg_path_check("", &err), -EINVAL);
	assert_int_equal(cv_cg_path_check("..", &err), -EINVAL);
}

/* --- values -------------------------------------------------------------- */

static void sizes(void **state)
{
	int64_t v;

	(void)state;
	assert_int_equal(cv_cg_parse_size("32M", "--memory", &v, &err), 0);
	assert_int_equal(v, 32 << 20);
	assert_int_equal(cv_cg_parse_size("1.5g", "--memory", &v, &err), 0);
	assert_int_equal(v, 3LL << 29);
	assert_int_equal(cv_cg_parse_size("512KiB", "--memory", &v, &err), 0);
	assert_int_equal(v, 512 << 10);
	assert_int_equal(cv_cg_parse_size("4096", "--memory", &v, &err), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(cv_cg_parse_size("2mb", "--memory", &v, &err), 0);
	assert_int_equal(cv_cg_parse_size("max", "--memory", &v, &err), 0);
	assert_int_equal(v, CV_CG_MAX);
	assert_int_equal(cv_cg_parse_size("-1", "--memory", &v, &err), 0);
	assert_int_equal(cv_cg_parse_size("12XB", "--memory", &v, &err), -EINVAL);
	assert_string_equal(err.msg, "--memory `12XB`: unknown unit `XB`");
	assert_non_null(strstr(err.hint, "as in 32M"));
	assert_int_equal(cv_cg_parse_size("0", "--memory", &v, &err), -EINVAL);
	assert_string_equal(err.msg, "--memory `0`: must be more than 0");
	assert_int_equal(cv_cg_parse_size("-5M", "--memory", &v, &err), -EINVAL);
	assert_string_equal(err.msg, "--memory `-5M`: a size cannot be negative");
	assert_int_equal(cv_cg_parse_size("M", "--memory", &v, &err), -EINVAL);
	assert_int_equal(cv_cg_parse_size("99999999999999999999", "--memory", &v, &err), -EINVAL);
	assert_int_equal(cv_cg_parse_size("9999999999T", "--memory", &v, &err), -EINVAL);
}

static void cpus(void **state)
{
	int64_t quota;

	(void)state;
	assert_int_equal(cv_cg_parse_cpus("0.5", 100000, &quota, &err), 0);
	assert_int_equal(quota, 50000);
	assert_int_equal(cv_cg_parse_cpus("2", 100000, &quota, &err), 0);
	assert_int_equal(quota, 200000);
	assert_int_equal(cv_cg_parse_cpus("0", 100000, &quota, &err), -EINVAL);
	assert_int_equal(cv_cg_parse_cpus("abc", 100000, &quota, &err), -EINVAL);
	assert_string_equal(err.msg, "--cpus `abc`: not a number");
	assert_int_equal(cv_cg_parse_cpus("0.005", 100000, &quota, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "below 1 ms"));
	assert_int_equal(cv_cg_parse_cpuset("0-3,6", "cpus", &err), 0);
	assert_int_equal(cv_cg_parse_cpuset("0", "cpus", &err), 0);
	assert_int_equal(cv_cg_parse_cpuset("3-1", "cpus", &err), -EINVAL);
	assert_int_equal(cv_cg_parse_cpuset("0,", "cpus", &err), -EINVAL);
	assert_int_equal(cv_cg_parse_cpuset("a", "cpus", &err), -EINVAL);
	assert_string_equal(err.msg, "cpus `a`: not a list of numbers and ranges");
}

static void device_rules(void **state)
{
	struct cv_cg_dev_rule r;
	struct cv_cg_dev_value v;
	char buf[32];

	(void)state;
	assert_int_equal(cv_cg_parse_rule("c 1:3 rwm", false, &r, &err), 0);
	assert_true(r.type == 'c' && r.major == 1 && r.minor == 3 && r.access == CV_DEV_ALL);
	assert_string_equal(cv_cg_format_rule(&r, buf, sizeof(buf)), "c 1:3 rwm");
	assert_int_equal(cv_cg_parse_rule("b 8:* r", true, &r, &err), 0);
	assert_string_equal(cv_cg_format_rule(&r, buf, sizeof(buf)), "b 8:* r");
	assert_int_equal(cv_cg_parse_rule("c 1:3", true, &r, &err), 0); /* access: all */
	assert_int_equal(r.access, CV_DEV_ALL);
	assert_int_equal(cv_cg_parse_rule("a", false, &r, &err), 0);
	assert_string_equal(cv_cg_format_rule(&r, buf, sizeof(buf)), "a *:* rwm");
	assert_int_equal(cv_cg_parse_rule("a r", false, &r, &err), 0);
	assert_string_equal(cv_cg_format_rule(&r, buf, sizeof(buf)), "a *:* r");
	assert_int_equal(cv_cg_parse_rule("x 1:3", true, &r, &err), -EINVAL);
	assert_string_equal(err.msg, "device rule `x 1:3`: expected TYPE MAJOR:MINOR [ACCESS]");
	assert_int_equal(cv_cg_parse_rule("c 1:3 rwx", true, &r, &err), -EINVAL);
	assert_int_equal(cv_cg_parse_rule("c 1:3 rr", true, &r, &err), -EINVAL);
	assert_int_equal(cv_cg_parse_rule("c 13", true, &r, &err), -EINVAL);
	assert_int_equal(cv_cg_parse_dev_value("8:0 1048576", "bps", &v, &err), 0);
	assert_true(v.major == 8 && v.minor == 0 && v.value == 1048576);
	assert_int_equal(cv_cg_parse_dev_value("8:0", "bps", &v, &err), -EINVAL);
}

static void scales(void **state)
{
	(void)state;
	assert_int_equal(cv_cg_shares_to_weight(2), 1);
	assert_int_equal(cv_cg_shares_to_weight(1024), 39);
	assert_int_equal(cv_cg_shares_to_weight(262144), 10000);
	assert_int_equal(cv_cg_weight_to_shares(1), 2);
	assert_int_equal(cv_cg_weight_to_shares(10000), 262144);
	assert_int_equal(cv_cg_weight_to_shares(100), 2597); /* the v2 default, in v1 terms */
	assert_int_equal(cv_cg_blkio_to_io_weight(10), 1);
	assert_int_equal(cv_cg_blkio_to_io_weight(500), 4950);
	assert_int_equal(cv_cg_blkio_to_io_weight(1000), 10000);
	for (uint64_t b = 10; b <= 1000; b++) /* fine enough to come back exactly */
		assert_int_equal(cv_cg_io_weight_to_blkio(cv_cg_blkio_to_io_weight(b)), b);
	for (uint64_t s = 2; s <= 262144; s += 997) /* coarse: within one v2 step */
		assert_true(llabs((long long)cv_cg_weight_to_shares(cv_cg_shares_to_weight(s)) -
				  (long long)s) <= 27);
}

static void limit_checks(void **state)
{
	struct cv_cg_limits l;

	(void)state;
	cv_cg_limits_init(&l);
	assert_true(cv_cg_limits_empty(&l));
	assert_int_equal(cv_cg_limits_check(&l, &err), 0);
	l.memory_limit = 64 << 20;
	l.memory_swap = 32 << 20;
	assert_false(cv_cg_limits_empty(&l));
	assert_int_equal(cv_cg_limits_check(&l, &err), -EINVAL);
	assert_string_equal(err.msg, "memory.swap 33554432 is below memory.limit 67108864");
	l.memory_swap = CV_CG_UNSET;
	l.memory_reservation = 128 << 20;
	assert_int_equal(cv_cg_limits_check(&l, &err), -EINVAL);
	cv_cg_limits_init(&l);
	l.memory_swap = 1 << 20;
	assert_int_equal(cv_cg_limits_check(&l, &err), -EINVAL);
	assert_string_equal(err.msg, "memory.swap is set but memory.limit is not");
	cv_cg_limits_init(&l);
	l.cpu_shares = 1;
	assert_int_equal(cv_cg_limits_check(&l, &err), -EINVAL);
	assert_string_equal(err.msg, "cpu.shares: 1 is out of range");
	cv_cg_limits_init(&l);
	l.cpu_quota = 500;
	assert_int_equal(cv_cg_limits_check(&l, &err), -EINVAL);
	cv_cg_limits_init(&l);
	l.cpu_idle = 2;
	assert_int_equal(cv_cg_limits_check(&l, &err), -EINVAL);
	assert_string_equal(err.msg, "cpu.idle: 2 is out of range");
	l.cpu_idle = 1;
	l.cpu_quota = 50000;
	l.cpu_burst = 60000; /* more than the quota it may borrow against */
	assert_int_equal(cv_cg_limits_check(&l, &err), -EINVAL);
	l.cpu_burst = 20000;
	assert_int_equal(cv_cg_limits_check(&l, &err), 0);
	cv_cg_limits_init(&l);
	l.pids_limit = 0;
	assert_int_equal(cv_cg_limits_check(&l, &err), -EINVAL);
	assert_string_equal(err.msg, "pids.limit: 0 is out of range");
	l.pids_limit = CV_CG_MAX;
	assert_int_equal(cv_cg_limits_check(&l, &err), 0);
	l.n_unified = 1;
	snprintf(l.unified[0].key, sizeof(l.unified[0].key), "../../etc/passwd");
	assert_int_equal(cv_cg_limits_check(&l, &err), -EINVAL);
	snprintf(l.unified[0].key, sizeof(l.unified[0].key), "memory.high");
	assert_int_equal(cv_cg_limits_check(&l, &err), 0);
	l.n_hugetlb = 1;
	snprintf(l.hugetlb[0].pagesize, sizeof(l.hugetlb[0].pagesize), "2M");
	l.hugetlb[0].limit = 1 << 21;
	assert_int_equal(cv_cg_limits_check(&l, &err), -EINVAL);
	l.io_weight = 5;
	l.n_hugetlb = 0;
	assert_int_equal(cv_cg_limits_check(&l, &err), -EINVAL);
}

/* --- the BPF device program, run by a tiny interpreter ------------------- */

/* Run the subset of eBPF the generator uses; fail the test on anything else. */
static int run_bpf(const struct bpf_insn *p, size_t n, uint32_t access_type, uint32_t major,
		   uint32_t minor)
{
	uint32_t ctx[3] = {access_type, major, minor};
	uint64_t r[11] = {0};

	for (size_t pc = 0, steps = 0; pc < n && steps < 100000; pc++, steps++) {
		const struct bpf_insn *i = &p[pc];
		uint64_t k = (uint64_t)(int64_t)i->imm;

		switch (i->code) {
		case BPF_LDX | BPF_W | BPF_MEM:
			assert_int_equal(i->src_reg, 1);
			r[i->dst_reg] = ctx[i->off / 4];
			break;
		case BPF_ALU64 | BPF_MOV | BPF_X:
			r[i->dst_reg] = r[i->src_reg];
			break;
		case BPF_ALU64 | BPF_MOV | BPF_K:
			r[i->dst_reg] = k;
			break;
		case BPF_ALU64 | BPF_AND | BPF_K:
			r[i->dst_reg] &= k;
			break;
		case BPF_ALU64 | BPF_RSH | BPF_K:
			r[i->dst_reg] >>= i->imm;
			break;
		case BPF_JMP | BPF_JNE | BPF_K:
			pc += r[i->dst_reg] != k ? i->off : 0;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += r[i->dst_reg] == k ? i->off : 0;
			break;
		case BPF_JMP | BPF_JA:
			pc += i->off;
			break;
		case BPF_JMP | BPF_EXIT:
			return (int)r[0];
		default:
			fail_msg("unexpected instruction %#x at %zu", i->code, pc);
		}
	}
	fail_msg("the program ran off its end");
	return -1;
}

/* The verifier refuses unreachable instructions: every one must be reachable. */
static void assert_all_reachable(const struct bpf_insn *p, size_t n)
{
	bool seen[CV_CG_DEV_PROG_MAX] = {false};
	size_t stack[CV_CG_DEV_PROG_MAX], top = 0;

	stack[top++] = 0;
	while (top) {
		size_t pc = stack[--top];
		if (pc >= n || seen[pc])
			continue;
		seen[pc] = true;
		if (p[pc].code == (BPF_JMP | BPF_EXIT))
			continue;
		if (p[pc].code == (BPF_JMP | BPF_JA)) {
			stack[top++] = pc + 1 + (size_t)p[pc].off;
			continue;
		}
		if ((p[pc].code & 0x07) == BPF_JMP)
			stack[top++] = pc + 1 + (size_t)p[pc].off;
		stack[top++] = pc + 1;
	}
	for (size_t i = 0; i < n; i++)
		assert_true(seen[i]);
}

static void check_rules(const char *const *texts, const bool *allow, unsigned n)
{
	struct cv_cg_dev_rule rules[8];
	struct bpf_insn prog[CV_CG_DEV_PROG_MAX];
	size_t len;

	for (unsigned i = 0; i < n; i++)
		assert_int_equal(cv_cg_parse_rule(texts[i], allow[i], &rules[i], &err), 0);
	len = cv_cg_dev_program(rules, n, prog, CV_CG_DEV_PROG_MAX);
	assert_true(len > 0);
	assert_all_reachable(prog, len);
	for (int t = 1; t <= 2; t++)
		for (unsigned major = 0; major < 10; major++)
			for (unsigned minor = 0; minor < 6; minor++)
				for (unsigned acc = 1; acc <= 7; acc++)
					assert_int_equal(run_bpf(prog, len, acc << 16 | (unsigned)t,
								 major, minor),
							 cv_cg_dev_allows(rules, n,
									  t == 1 ? 'b' : 'c', major,
									  minor, acc));
}

static void device_program(void **state)
{
	static const char *const deny_null[] = {"c 1:3"};
	static const char *const allowlist[] = {"a", "c 1:5 r", "c 1:3 rwm", "c *:* m", "b 8:* r"};
	static const char *const mixed[] = {"a rwm", "b 8:* rw", "b 8:1 w", "c 1:3 r", "c 1:3 w"};
	static const bool f[] = {false}, al[] = {false, true, true, true, true},
			  mx[] = {false, true, false, true, true};
	struct cv_cg_dev_rule rules[2];

	(void)state;
	check_rules(deny_null, f, 1);
	check_rules(allowlist, al, 5);
	check_rules(mixed, mx, 5);
	check_rules(NULL, NULL, 0); /* no rules: everything is allowed */
	/* the meaning itself: read and write of /dev/null allowed by two rules */
	cv_cg_parse_rule("a", false, &rules[0], &err);
	cv_cg_parse_rule("c 1:3 r", true, &rules[1], &err);
	assert_true(cv_cg_dev_allows(rules, 2, 'c', 1, 3, CV_DEV_READ));
	assert_false(cv_cg_dev_allows(rules, 2, 'c', 1, 3, CV_DEV_READ | CV_DEV_WRITE));
	assert_false(cv_cg_dev_allows(rules, 2, 'c', 1, 5, CV_DEV_READ));
}

/* --- stats ----------------------------------------------------------------- */

static void stats_json(void **state)
{
	struct cv_cg_stats st = {.have = CV_CG_BIT(CV_CG_MEMORY) | CV_CG_BIT(CV_CG_CPU) |
					 CV_CG_BIT(CV_CG_PIDS) | CV_CG_BIT(CV_CG_IO)};
	json_error_t jerr;
	json_t *root;
	char *text, bytes[32];

	(void)state;
	st.memory.usage = 1000;
	st.memory.peak = 2000;
	st.memory.limit = CV_CG_NO_LIMIT;
	st.memory.oom_kills = 2;
	st.cpu.usage_ns = 5000000000ULL;
	st.pids.current = 3;
	st.pids.limit = 20;
	st.n_io = 1;
	st.io[0].major = 8;
	st.io[0].rbytes = 4096;
	st.io[0].wbytes = 512;
	text = cv_cg_stats_json(&st, &err);
	assert_non_null(text);
	root = json_loads(text, 0, &jerr);
	free(text);
	assert_non_null(root);
	assert_int_equal(json_integer_value(json_object_get(
			     json_object_get(json_object_get(root, "memory"), "usage"), "max")),
			 2000);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(root, "memory"), "oom_kill")), 2);
	assert_int_equal(json_integer_value(json_object_get(
			     json_object_get(json_object_get(root, "cpu"), "usage"), "total")),
			 5000000000LL);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(root, "pids"), "limit")), 20);
	assert_int_equal(json_array_size(json_object_get(json_object_get(root, "blkio"),
							 "ioServiceBytesRecursive")),
			 3); /* Read, Write, Total */
	json_decref(root);
	assert_string_equal(cv_cg_format_bytes(33554432, bytes, sizeof(bytes)), "32.0 MiB");
	assert_string_equal(cv_cg_format_bytes(CV_CG_NO_LIMIT, bytes, sizeof(bytes)), "none");
	assert_string_equal(cv_cg_format_bytes(512, bytes, sizeof(bytes)), "512 B");
}

static void missing_block_device(void **state)
{
	struct cv_cg_limits l;

	(void)state;
	assert_int_equal(
	    cv_cg_parse(CV_CG_HYBRID, "/sys/fs/cgroup", hybrid_mounts, hybrid_self, &host, &err),
	    0);
	host.tree[1].ctrls |= CV_CG_BIT(CV_CG_IO); /* pretend there is an io tree */
	cv_cg_limits_init(&l);
	l.wiops[l.n_wiops++] = (struct cv_cg_dev_value){250, 250, 100};
	assert_int_equal(cv_cg_check(&host, &l, &err), -ENODEV);
	assert_string_equal(err.msg,
			    "block device 250:250 does not exist (no /sys/dev/block/250:250)");
}

int main(void)
{
	const struct CMUnitTest pure[] = {
	    cmocka_unit_test(hybrid_layout),
	    cmocka_unit_test(unified_layout),
	    cmocka_unit_test(legacy_layout),
	    cmocka_unit_test(no_cgroups),
	    cmocka_unit_test(paths),
	    cmocka_unit_test(sizes),
	    cmocka_unit_test(cpus),
	    cmocka_unit_test(device_rules),
	    cmocka_unit_test(scales),
	    cmocka_unit_test(limit_checks),
	    cmocka_unit_test(device_program),
	    cmocka_unit_test(stats_json),
	    cmocka_unit_test(missing_block_device),
	};
	return cmocka_run_group_tests_name("cgroups", pure, NULL, NULL);
}
