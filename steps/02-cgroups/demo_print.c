/*
 * demo_print.c - what cv-cgroups prints: how a command ended and what it
 * used, a cgroup's stats, and the `layout` command's account of this
 * host's trees.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "02-cgroups/demo.h"
#include "common/file.h"

void report(const char *cmd, int status, int sig, const struct cv_cg_stats *st)
{
	char limit[32];

	if (sig == SIGKILL && st->memory.oom_kills > 0)
		fprintf(stderr,
			"cv-cgroups: `%s` was killed by SIGKILL: the OOM killer, at the "
			"memory limit of %s\n",
			cmd, cv_cg_format_bytes(st->memory.limit, limit, sizeof(limit)));
	else if (sig)
		fprintf(stderr, "cv-cgroups: `%s` was killed by SIG%s\n", cmd, sigabbrev_np(sig));
	else
		fprintf(stderr, "cv-cgroups: `%s` exited with status %d\n", cmd, status);
	cv_cg_stats_print(st, stderr);
}

int print_stats(struct cv_cgroup *cg, bool json, struct cv_err *err)
{
	struct cv_cg_stats st;
	char *text;

	if (cv_cg_stats(cg, &st, err) < 0)
		return 1;
	if (!json) {
		cv_cg_stats_print(&st, stdout);
	} else if ((text = cv_cg_stats_json(&st, err)) != NULL) {
		printf("%s\n", text);
		free(text);
	} else {
		return 1;
	}
	fflush(stdout);
	return 0;
}

/* --- layout --------------------------------------------------------------- */

static const char *const why[] = {
    [CV_CG_UNIFIED] = "One tree holds every controller. A directory's children may use a "
		      "controller only once it\nis listed in the directory's "
		      "cgroup.subtree_control, and a directory whose children use\n"
		      "controllers cannot hold processes itself: containers live in leaves.",
    [CV_CG_HYBRID] = "Each controller is in one tree only: here most are cgroup v1, with "
		     "v1 file names\n(memory.limit_in_bytes), and the cgroup2 tree holds the "
		     "rest. Some runtimes refuse such\nhosts; containerv gives a container a "
		     "directory in every tree and drives each controller\nwhere it lives.",
    [CV_CG_LEGACY] = "One cgroup v1 tree per controller (or per group of them), each with "
		     "its own directory\nfor a container and its own file names. No cgroup2: "
		     "no cgroup.kill, no BPF device programs.",
};

static void print_mounts(const char *root)
{
	char mountinfo[65536];
	struct cv_err err;

	if (cv_read_file("/proc/self/mountinfo", mountinfo, sizeof(mountinfo), &err) < 0)
		return;
	printf("\nthe cgroup mounts, from /proc/self/mountinfo:\n");
	for (char *line = strtok(mountinfo, "\n"); line; line = strtok(NULL, "\n"))
		if (strstr(line, root) &&
		    (strstr(line, " - cgroup ") || strstr(line, " - cgroup2 ") ||
		     strstr(line, " - tmpfs ")))
			printf("  %s\n", line);
}

static void print_controllers(const struct cv_cg_host *host)
{
	printf("\n%-12s %s\n", "controller", "driven in");
	for (int c = 0; c < CV_CG_NCTRL; c++) {
		const struct cv_cg_tree *t = cv_cg_tree_of(host, (enum cv_cg_ctrl)c);
		const char *how = "";

		if (c == CV_CG_DEVICES && t)
			how = t->version == 2 ? "  (a BPF program)"
					      : "  (devices.allow, devices.deny)";
		if (c == CV_CG_FREEZER && t && t->version == 1)
			how = "  (cgroup2's cgroup.freeze instead, where a kernel has it)";
		if (c == CV_CG_FREEZER && t && t->version == 2)
			how = "  (cgroup.freeze)";
		if (t)
			printf("%-12s v%d %s%s\n", cv_cg_ctrl_name((enum cv_cg_ctrl)c, t->version),
			       t->version, t->mount, how);
		else
			printf("%-12s -  (not on this host)\n",
			       cv_cg_ctrl_name((enum cv_cg_ctrl)c, 1));
	}
}

int cmd_layout(struct cv_args *a)
{
	static struct cv_cg_host host;
	int opt;

	while ((opt = cv_args_next(a)) > 0)
		;
	if (opt < 0)
		return opt == CV_ARG_HELP ? 0 : CV_EXIT_USAGE;
	if (cv_args_rest(a) > 0)
		return cv_args_usage_error(a, "unexpected `%s`", a->argv[a->i]);
	if (cv_cg_detect(NULL, &host, a->err) < 0)
		return 1;
	printf("layout: %s (%s)\n", cv_cg_layout_name(host.layout), host.root);
	print_mounts(host.root);
	printf("\n%-16s %-3s %-28s %s\n", "tree", "", "mounted at", "you are in");
	for (unsigned i = 0; i < host.n; i++)
		printf("%-16s v%-2d %-28s %s\n", host.tree[i].name, host.tree[i].version,
		       host.tree[i].mount, host.tree[i].self);
	print_controllers(&host);
	printf("\nwhy it matters: %s\n", why[host.layout]);
	return 0;
}
