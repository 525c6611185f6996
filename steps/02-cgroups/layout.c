/*
 * layout.c - which cgroup trees this host has, and where we are in them.
 *
 * Three sources, read once:
 *   statfs("/sys/fs/cgroup")   cgroup2 magic: unified.  tmpfs: v1 trees
 *                              below it; hybrid if ./unified is cgroup2.
 *   /proc/self/mountinfo       each cgroup mount: its place, its version,
 *                              and (v1) its controllers in the options.
 *   /proc/self/cgroup          our cgroup in each tree: "ID:CTRLS:PATH",
 *                              "0::PATH" for cgroup2.
 * A v2 tree's controllers are in its root's cgroup.controllers file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "02-cgroups/cgroups.h"
#include "common/file.h"
#include "common/trace.h"

static const char *const v1_names[CV_CG_NCTRL] = {"cpu",     "cpuacct", "cpuset",   "memory",
						  "pids",    "blkio",   "hugetlb",  "devices",
						  "freezer", "net_cls", "net_prio", "rdma"};
/* "" never matches: cgroup v2 has no net_cls or net_prio (BPF programs do that job) */
static const char *const v2_names[CV_CG_NCTRL] = {"cpu",     "cpu", "cpuset",  "memory",
						  "pids",    "io",  "hugetlb", "devices",
						  "freezer", "",    "",        "rdma"};

const char *cv_cg_ctrl_name(enum cv_cg_ctrl c, int version)
{
	return version == 2 ? v2_names[c] : v1_names[c];
}

const char *cv_cg_layout_name(enum cv_cg_layout layout)
{
	static const char *const names[] = {"unified", "hybrid", "legacy"};
	return names[layout];
}

/* The controller bits named in a comma-separated list ("rw,cpu,cpuacct"). */
static unsigned ctrls_in(const char *list, int version)
{
	const char *const *names = version == 2 ? v2_names : v1_names;
	unsigned bits = 0;

	while (*list) {
		size_t len = strcspn(list, ", \n");
		for (int c = 0; c < CV_CG_NCTRL; c++)
			if (strlen(names[c]) == len && !strncmp(list, names[c], len))
				bits |= CV_CG_BIT(c);
		list += len;
		list += strspn(list, ", ");
		if (*list == '\n')
			break;
	}
	return bits;
}

/* Is `path` at or below `dir`? */
static bool under(const char *path, const char *dir)
{
	size_t len = strlen(dir);
	return !strncmp(path, dir, len) && (path[len] == '\0' || path[len] == '/');
}

/*
 * One mountinfo line: a cgroup tree under root? Adds it to host.  The
 * fields (proc(5)): ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS ... - FSTYPE
 * SOURCE SUPEROPTIONS; a v1 tree's controllers are in its super options
 * ("rw,cpu,cpuacct").  ROOT is not "/" when a tree is mounted from a
 * subdirectory, as inside a container with its own cgroup namespace.
 */
static int add_mount(struct cv_cg_host *host, const char *root, const char *line,
		     struct cv_err *err)
{
	char mroot[CV_CG_PATH_MAX], mnt[CV_CG_PATH_MAX], fstype[32], super[256];
	const char *dash = strstr(line, " - ");
	struct cv_cg_tree *t;

	if (!dash || sscanf(line, "%*s %*s %*s %511s %511s", mroot, mnt) != 2 ||
	    sscanf(dash, " - %31s %*s %255s", fstype, super) != 2)
		return 0;
	if ((strcmp(fstype, "cgroup") && strcmp(fstype, "cgroup2")) || !under(mnt, root))
		return 0;
	if (host->n == CV_CG_MAX_TREES)
		return cv_err_set(err, E2BIG, "more than %d cgroup trees are mounted",
				  CV_CG_MAX_TREES);
	t = &host->tree[host->n];
	*t = (struct cv_cg_tree){.version = fstype[6] == '2' ? 2 : 1};
	snprintf(t->mount, sizeof(t->mount), "%s", mnt);
	snprintf(t->root, sizeof(t->root), "%s", mroot);
	snprintf(t->self, sizeof(t->self), "/");
	if (t->version == 2) {
		snprintf(t->name, sizeof(t->name), "unified");
	} else {
		const char *named = strstr(super, "name=");
		t->ctrls = ctrls_in(super, 1);
		/* the name /proc/self/cgroup uses: its controllers, or name=X */
		if (named)
			snprintf(t->name, sizeof(t->name), "%.*s", (int)strcspn(named, ","), named);
		for (int c = 0; c < CV_CG_NCTRL; c++)
			if (t->ctrls & CV_CG_BIT(c))
				snprintf(t->name + strlen(t->name),
					 sizeof(t->name) - strlen(t->name), "%s%s",
					 t->name[0] ? "," : "", v1_names[c]);
	}
	for (unsigned i = 0; i < host->n; i++) /* the same tree mounted twice */
		if (!strcmp(host->tree[i].name, t->name))
			return 0;
	host->n++;
	return 0;
}

/* Does the /proc/self/cgroup list "cpuacct,cpu" name the same set as tree t? */
static bool same_tree(const struct cv_cg_tree *t, const char *list, size_t len)
{
	char copy[128];

	if (t->version == 2)
		return len == 0;
	snprintf(copy, sizeof(copy), "%.*s", (int)len, list);
	if (!strncmp(copy, "name=", 5) || !strncmp(t->name, "name=", 5))
		return !strncmp(copy, t->name, strlen(t->name)) && len == strlen(t->name);
	return len > 0 && ctrls_in(copy, 1) == t->ctrls;
}

/*
 * /proc/self/cgroup has a line per tree (cgroups(7)): "ID:CTRLS:PATH",
 * with "0::PATH" for cgroup2.  Lines are matched to trees by their
 * controller set, since the hierarchy IDs are not in mountinfo.
 */
static void find_self(struct cv_cg_host *host, const char *self_cgroup)
{
	for (const char *line = self_cgroup; *line;) {
		size_t len = strcspn(line, "\n");
		const char *c1 = memchr(line, ':', len);
		const char *c2 = c1 ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - line)) : NULL;

		for (unsigned i = 0; c2 && i < host->n; i++)
			if (same_tree(&host->tree[i], c1 + 1, (size_t)(c2 - c1 - 1)))
				snprintf(host->tree[i].self, sizeof(host->tree[i].self), "%.*s",
					 (int)(len - (size_t)(c2 + 1 - line)), c2 + 1);
		line += len + (line[len] == '\n');
	}
}

int cv_cg_parse(enum cv_cg_layout layout, const char *root, const char *mountinfo,
		const char *self_cgroup, struct cv_cg_host *host, struct cv_err *err)
{
	memset(host, 0, sizeof(*host));
	host->layout = layout;
	snprintf(host->root, sizeof(host->root), "%s", root);
	for (const char *line = mountinfo; *line;) {
		size_t len = strcspn(line, "\n");
		char one[2048];

		snprintf(one, sizeof(one), "%.*s", (int)len, line);
		if (add_mount(host, root, one, err) < 0)
			return -err->code;
		line += len + (line[len] == '\n');
	}
	if (host->n == 0) {
		cv_err_set(err, ENOENT, "no cgroup filesystem is mounted under %s", root);
		return cv_err_hint(err, "mount one: `mount -t cgroup2 none %s`", root);
	}
	find_self(host, self_cgroup);
	return 0;
}

/*
 * A controller is bound to one hierarchy at a time: one mounted in a v1
 * tree does not appear in cgroup2's cgroup.controllers.  But the three
 * that cgroup2 has in its core (device programs, cgroup.freeze, cpu.stat,
 * added by v2_controllers) are always "there", so on a hybrid host the
 * v1 tree is asked first: where the v1 devices or freezer controller is
 * mounted, it is the one that host's processes are under.
 */
const struct cv_cg_tree *cv_cg_tree_of(const struct cv_cg_host *host, enum cv_cg_ctrl c)
{
	/* A v1 controller where there is one (hybrid hosts), else cgroup2. */
	for (int version = 1; version <= 2; version++)
		for (unsigned i = 0; i < host->n; i++)
			if (host->tree[i].version == version &&
			    (host->tree[i].ctrls & CV_CG_BIT(c)))
				return &host->tree[i];
	return NULL;
}

/*
 * By filesystem type, as crun and systemd tell: the root is cgroup2
 * itself (unified), or a tmpfs holding the v1 trees, with or without a
 * cgroup2 tree at ./unified (hybrid, legacy).  A kernel version says
 * nothing: the layout is the distribution's and the boot command line's
 * choice (systemd.unified_cgroup_hierarchy).
 */
static int detect_layout(const char *root, enum cv_cg_layout *layout, struct cv_err *err)
{
	char unified[CV_CG_PATH_MAX + 16];
	struct statfs st;

	if (statfs(root, &st) < 0)
		return cv_err_sys(err, "statfs(`%s`)", root);
	if (st.f_type == CGROUP2_SUPER_MAGIC) {
		*layout = CV_CG_UNIFIED;
	} else if (st.f_type == TMPFS_MAGIC) {
		snprintf(unified, sizeof(unified), "%s/unified", root);
		*layout = statfs(unified, &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC
			      ? CV_CG_HYBRID
			      : CV_CG_LEGACY;
	} else {
		cv_err_set(err, ENOTSUP, "%s is neither cgroup2 nor a tmpfs of cgroup trees", root);
		return cv_err_hint(err, "is the cgroup filesystem mounted there?");
	}
	cv_trace_sys(0, "statfs(`%s`): %s layout", root, cv_cg_layout_name(*layout));
	return 0;
}

/* A v2 tree's controllers, from its root's cgroup.controllers. */
static void v2_controllers(struct cv_cg_tree *t)
{
	char path[CV_CG_PATH_MAX + 32], list[512];
	struct cv_err ignored;

	snprintf(path, sizeof(path), "%s/cgroup.controllers", t->mount);
	if (cv_read_file(path, list, sizeof(list), &ignored) < 0)
		list[0] = '\0';
	/* cpu.stat's usage is always there; device programs and cgroup.freeze are core. */
	t->ctrls = ctrls_in(list, 2) | CV_CG_BIT(CV_CG_CPUACCT) | CV_CG_BIT(CV_CG_DEVICES) |
		   CV_CG_BIT(CV_CG_FREEZER);
}

int cv_cg_detect(const char *root, struct cv_cg_host *host, struct cv_err *err)
{
	static char mountinfo[65536], self[4096];
	enum cv_cg_layout layout;

	if (!root)
		root = getenv("CV_CGROUP_ROOT") ? getenv("CV_CGROUP_ROOT") : "/sys/fs/cgroup";
	if (detect_layout(root, &layout, err) < 0 ||
	    cv_read_file("/proc/self/mountinfo", mountinfo, sizeof(mountinfo), err) < 0 ||
	    cv_read_file("/proc/self/cgroup", self, sizeof(self), err) < 0 ||
	    cv_cg_parse(layout, root, mountinfo, self, host, err) < 0)
		return -err->code;
	for (unsigned i = 0; i < host->n; i++)
		if (host->tree[i].version == 2)
			v2_controllers(&host->tree[i]);
	return 0;
}

int cv_cg_systemd_check(struct cv_err *err)
{
	if (access("/run/systemd/system", F_OK) == 0)
		return 0;
	cv_err_set(err, ENOTSUP,
		   "the systemd cgroup driver needs systemd as init, and this "
		   "system was not booted with it (no /run/systemd/system)");
	return cv_err_hint(err, "leave out --systemd-cgroup: containerv then manages the cgroup "
				"files itself (the cgroupfs driver)");
}
