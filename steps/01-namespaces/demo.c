/*
 * demo.c - bin/cv-namespaces: namespaces you can watch.
 *
 *   cv-namespaces run  [--pid --mount --uts ... | --all] [...] -- CMD   new namespaces
 *   cv-namespaces show [PID]                                           what a process is in
 *   cv-namespaces join PID [--uts ...] -- CMD                          someone else's
 *   cv-namespaces features                                             what this kernel has
 *
 * `run` prints, from inside, how the world looks different, then execs
 * CMD there.  Read spawn.c alongside: this file only turns options into a
 * struct cv_ns_spec and prints.
 */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "01-namespaces/namespaces.h"
#include "01-namespaces/spawn.h"
#include "common/args.h"
#include "common/child.h"
#include "common/file.h"
#include "common/probe.h"
#include "common/trace.h"

/* What a process sees: compared outside (before) and inside (after). */
struct view {
	struct cv_ns_id ns[CV_NS_COUNT];
	int pid;
	char hostname[65];
	unsigned uid, gid;
	double monotonic;
};

struct run_ctx {
	char **argv;     /* the command */
	bool quiet;      /* no table */
	bool mount_proc; /* a /proc of the new pid namespace */
	struct view outside;
};

static void look(struct view *v, int pid)
{
	struct cv_err ignored;
	struct timespec ts;

	for (int i = 0; i < CV_NS_COUNT; i++)
		if (cv_ns_id(0, &cv_ns_types[i], &v->ns[i], &ignored) < 0)
			v->ns[i] = (struct cv_ns_id){0, 0};
	v->pid = pid;
	gethostname(v->hostname, sizeof(v->hostname) - 1);
	v->uid = getuid();
	v->gid = getgid();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	v->monotonic = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void row(const char *what, const char *out, const char *in, const char *note)
{
	printf("%-12s %-14s %s%s%s\n", what, out, in, *note ? "  " : "", note);
}

static void print_table(const struct view *out, const struct view *in)
{
	char a[32], b[32];

	row("namespace", "outside", "inside", "");
	for (int i = 0; i < CV_NS_COUNT; i++) {
		snprintf(a, sizeof(a), "%lu", (unsigned long)out->ns[i].ino);
		snprintf(b, sizeof(b), "%-14lu", (unsigned long)in->ns[i].ino);
		row(cv_ns_types[i].name, a, b, out->ns[i].ino != in->ns[i].ino ? "new" : "shared");
	}
	snprintf(a, sizeof(a), "%d", out->pid);
	snprintf(b, sizeof(b), "%d", in->pid);
	row("pid", a, b, "");
	row("hostname", out->hostname, in->hostname, "");
	snprintf(a, sizeof(a), "%u:%u", out->uid, out->gid);
	snprintf(b, sizeof(b), "%u:%u", in->uid, in->gid);
	row("uid:gid", a, b,
	    in->uid == 65534 && out->uid != 65534 ? "unmapped: try --map-root" : "");
	snprintf(a, sizeof(a), "%.1f", out->monotonic);
	snprintf(b, sizeof(b), "%.1f", in->monotonic);
	row("monotonic s", a, b, "");
	printf("---\n");
	fflush(stdout);
}

static int mount_proc(void)
{
	struct cv_err err;
	int r = mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);

	/* Private first, or the new /proc would propagate back to the host. */
	cv_trace_sys(r, "mount(NULL, `/`, MS_REC|MS_PRIVATE)");
	if (r == 0) {
		r = mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
		cv_trace_sys(r, "mount(`proc` on `/proc`)");
	}
	if (r < 0) {
		cv_err_sys(&err, "mount(`proc` on `/proc`)");
		cv_err_hint(&err, "a new /proc needs new mount and pid namespaces");
		cv_err_print(&err, "cv-namespaces");
	}
	return r;
}

/* Runs inside, as the child of cv_ns_spawn(). */
static int run_child(void *arg)
{
	struct run_ctx *c = arg;
	struct cv_err err;
	char self[32] = "";
	struct view in;

	/* Our pid outside, while /proc is still the host's. */
	if (readlink("/proc/self", self, sizeof(self) - 1) > 0)
		c->outside.pid = atoi(self);
	if (c->mount_proc && mount_proc() < 0)
		return 1;
	if (!c->quiet) {
		look(&in, getpid());
		print_table(&c->outside, &in);
	}
	cv_trace("execvp(\"%s\")", c->argv[0]);
	execvp(c->argv[0], c->argv);
	cv_err_sys(&err, "execvp(`%s`)", c->argv[0]);
	cv_err_hint(&err, "is `%s` installed, and in $PATH?", c->argv[0]);
	cv_err_print(&err, "cv-namespaces");
	return errno == ENOENT ? 127 : 126;
}

/* --- run ------------------------------------------------------------------ */

enum {
	O_ALL = 1,
	O_HOSTNAME,
	O_DOMAINNAME,
	O_MAP_ROOT,
	O_UID_MAP,
	O_GID_MAP,
	O_TIME_OFFSET,
	O_MOUNT_PROC,
	O_QUIET,
	O_BY_PATH,
	O_NS = 100 /* O_NS + i: the namespace cv_ns_types[i] */
};

/* Option tables read best one option per line. */
/* clang-format off */
#define NS_OPTS(verb)                                                                              \
	{"user", 0, NULL, verb " user namespace: ids and capabilities", O_NS + 0},                 \
	{"mount", 0, NULL, verb " mount namespace: the mount table", O_NS + 1},                  \
	{"uts", 0, NULL, verb " UTS namespace: hostname", O_NS + 2},                             \
	{"ipc", 0, NULL, verb " IPC namespace: SysV IPC, message queues", O_NS + 3},             \
	{"pid", 0, NULL, verb " PID namespace: process ids", O_NS + 4},                          \
	{"net", 0, NULL, verb " network namespace: interfaces, routes", O_NS + 5},               \
	{"cgroup", 0, NULL, verb " cgroup namespace: cgroup root", O_NS + 6},                    \
	{"time", 0, NULL, verb " time namespace: boot and monotonic clocks", O_NS + 7},          \
	{"all", 'a', NULL, "all eight of the above", O_ALL}

static const struct cv_opt run_opts[] = {
	NS_OPTS("a new"),
	{"hostname", 0, "NAME", "set the hostname inside (implies --uts)", O_HOSTNAME},
	{"domainname", 0, "NAME", "set the NIS domain name inside (implies --uts)", O_DOMAINNAME},
	{"map-root", 'r', NULL, "map your uid and gid to root inside (implies --user)", O_MAP_ROOT},
	{"uid-map", 0, "IN:OUT:N", "add a uid map line (implies --user; repeatable)", O_UID_MAP},
	{"gid-map", 0, "IN:OUT:N", "add a gid map line (implies --user; repeatable)", O_GID_MAP},
	{"time-offset", 0, "CLOCK=SECS", "monotonic or boottime offset (implies --time)",
	 O_TIME_OFFSET},
	{"mount-proc", 0, NULL, "mount a /proc of the new pid namespace (implies --mount)",
	 O_MOUNT_PROC},
	{"quiet", 'q', NULL, "do not print the inside/outside table", O_QUIET},
	{NULL, 0, NULL, NULL, 0},
};

/* clang-format on */

static int parse_offset(struct cv_args *a, struct cv_ns_spec *spec)
{
	const char *eq = strchr(a->val, '=');
	long long secs;
	struct cv_time_offset *o;

	if (eq && (size_t)(eq - a->val) == 9 && !strncmp(a->val, "monotonic", 9))
		o = &spec->monotonic;
	else if (eq && (size_t)(eq - a->val) == 8 && !strncmp(a->val, "boottime", 8))
		o = &spec->boottime;
	else
		return cv_args_usage_error(a,
					   "option `--time-offset`: `%s` is not "
					   "monotonic=SECS or boottime=SECS",
					   a->val);
	if (cv_args_long(a, eq + 1, -(1LL << 40), 1LL << 40, &secs) < 0)
		return CV_EXIT_USAGE;
	o->secs = secs;
	spec->flags |= CLONE_NEWTIME;
	return 0;
}

static int add_map(struct cv_args *a, struct cv_idmap *map, struct cv_ns_spec *spec)
{
	struct cv_idmap_extent e;

	if (cv_idmap_parse(a->val, &e, a->err) < 0 || cv_idmap_add(map, &e, a->err) < 0) {
		cv_err_wrap(a->err, "run: --%s", a->opt->name);
		return CV_EXIT_USAGE;
	}
	spec->flags |= CLONE_NEWUSER;
	return 0;
}

/* Map one id to 0: "0 OWN 1". */
static void map_root(struct cv_idmap *map, uint32_t own)
{
	map->n = 1;
	map->e[0] = (struct cv_idmap_extent){.inside = 0, .outside = own, .count = 1};
}

/* One option of `run`: returns 0 to go on, or an exit status. */
static int run_option(struct cv_args *a, int opt, struct cv_ns_spec *spec, struct run_ctx *c)
{
	switch (opt) {
	case O_ALL:
		spec->flags |= cv_ns_all_flags();
		return 0;
	case O_HOSTNAME:
		spec->hostname = a->val;
		spec->flags |= CLONE_NEWUTS;
		return 0;
	case O_DOMAINNAME:
		spec->domainname = a->val;
		spec->flags |= CLONE_NEWUTS;
		return 0;
	case O_MAP_ROOT:
		map_root(&spec->uid_map, geteuid());
		map_root(&spec->gid_map, getegid());
		spec->flags |= CLONE_NEWUSER;
		return 0;
	case O_UID_MAP:
		return add_map(a, &spec->uid_map, spec);
	case O_GID_MAP:
		return add_map(a, &spec->gid_map, spec);
	case O_TIME_OFFSET:
		return parse_offset(a, spec);
	case O_MOUNT_PROC:
		c->mount_proc = true;
		spec->flags |= CLONE_NEWNS;
		return 0;
	case O_QUIET:
		c->quiet = true;
		return 0;
	default: /* O_NS + i */
		spec->flags |= cv_ns_types[opt - O_NS].flag;
		return 0;
	}
}

/* Returns 0 to run, -1 after --help, or an exit status for bad usage. */
static int parse_run(struct cv_args *a, struct cv_ns_spec *spec, struct run_ctx *c)
{
	int opt, r;

	while ((opt = cv_args_next(a)) > 0)
		if ((r = run_option(a, opt, spec, c)) != 0)
			return r;
	if (opt == CV_ARG_HELP)
		return -1;
	if (opt == CV_ARG_ERROR)
		return CV_EXIT_USAGE;
	if (cv_args_rest(a) == 0)
		return cv_args_usage_error(a, "no command given: what should run inside?");
	/* With root mapped, the command runs as root inside: the container's root. */
	if (cv_idmap_has_inside(&spec->uid_map, 0))
		spec->uid = 0;
	if (cv_idmap_has_inside(&spec->gid_map, 0))
		spec->gid = 0;
	return 0;
}

static int cmd_run(struct cv_args *a)
{
	struct cv_ns_spec *spec = malloc(sizeof(*spec)); /* two maps: ~8 KiB */
	struct run_ctx c = {0};
	pid_t pid;
	int r;

	if (!spec) {
		cv_err_set(a->err, ENOMEM, "out of memory");
		return 1;
	}
	cv_ns_spec_init(spec);
	r = parse_run(a, spec, &c);
	if (r == 0) {
		c.argv = a->argv + a->i;
		look(&c.outside, 0);
		/* a signal from here on reaches the child, not only us: the
		 * wait passes it on (one that came earlier too) */
		cv_defer_signals();
		pid = cv_ns_spawn(spec, run_child, &c, a->err);
		r = pid < 0 ? 1 : cv_wait_forwarding(pid, NULL);
	}
	free(spec);
	cv_raise_deferred();
	return r < 0 ? 0 : r;
}

/* --- show ----------------------------------------------------------------- */

static void show_map(int pid, const char *file)
{
	char path[64], text[4096];
	struct cv_err err;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	if (cv_read_file(path, text, sizeof(text), &err) < 0)
		return;
	printf("%s:\n", file);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
		printf("  %s\n", line);
}

static int cmd_show(struct cv_args *a)
{
	long long pid = getpid();
	int opt;

	while ((opt = cv_args_next(a)) > 0)
		;
	if (opt < 0)
		return opt == CV_ARG_HELP ? 0 : CV_EXIT_USAGE;
	if (cv_args_rest(a) > 1)
		return cv_args_usage_error(a, "one PID at most, got `%s`", a->argv[a->i + 1]);
	if (cv_args_rest(a) == 1 && cv_args_long(a, a->argv[a->i], 1, 1 << 22, &pid) < 0)
		return CV_EXIT_USAGE;

	printf("%-8s %-14s %-8s %s\n", "type", "id", "vs mine", "isolates");
	for (int i = 0; i < CV_NS_COUNT; i++) {
		const struct cv_ns_type *t = &cv_ns_types[i];
		struct cv_ns_id id, mine;

		if (cv_ns_id((pid_t)pid, t, &id, a->err) < 0 || cv_ns_id(0, t, &mine, a->err) < 0)
			return 1;
		printf("%-8s %-14lu %-8s %s\n", t->name, (unsigned long)id.ino,
		       mine.ino == id.ino ? "same" : "differs", t->isolates);
	}
	show_map((int)pid, "uid_map");
	show_map((int)pid, "gid_map");
	return 0;
}

/* --- join ----------------------------------------------------------------- */

/* clang-format off */
static const struct cv_opt join_opts[] = {
	NS_OPTS("join its"),
	{"by-path", 0, NULL, "join one /proc/PID/ns file at a time, not by pidfd", O_BY_PATH},
	{NULL, 0, NULL, NULL, 0},
};

/* clang-format on */

/* After joining a user namespace, become its root when root is mapped. */
static void become_root(void)
{
	int r;

	setgroups(0, NULL); /* fails harmlessly where setgroups is denied */
	r = setresgid(0, 0, 0);
	cv_trace_sys(r, "setresgid(0)");
	r = setresuid(0, 0, 0);
	cv_trace_sys(r, "setresuid(0)");
}

static int cmd_join(struct cv_args *a)
{
	long long pid = 0;
	bool by_path = false;
	int opt, flags = 0, joined;
	pid_t child;

	while ((opt = cv_args_next(a)) > 0 || opt == CV_ARG_POSITIONAL) {
		if (opt == CV_ARG_POSITIONAL && pid)
			return cv_args_usage_error(a, "unexpected `%s`: put the command after --",
						   a->val);
		if (opt == CV_ARG_POSITIONAL && cv_args_long(a, a->val, 1, 1 << 22, &pid) < 0)
			return CV_EXIT_USAGE;
		if (opt == O_ALL)
			flags |= cv_ns_all_flags();
		else if (opt == O_BY_PATH)
			by_path = true;
		else if (opt >= O_NS)
			flags |= cv_ns_types[opt - O_NS].flag;
	}
	if (opt < 0)
		return opt == CV_ARG_HELP ? 0 : CV_EXIT_USAGE;
	if (!pid)
		return cv_args_usage_error(a, "no PID given: whose namespaces should we join?");
	if (cv_args_rest(a) == 0)
		return cv_args_usage_error(a, "no command given: what should run there?");

	joined = cv_ns_join((pid_t)pid, flags ? flags : cv_ns_all_flags(), by_path, a->err);
	if (joined < 0)
		return 1;
	if (joined & CLONE_NEWUSER)
		become_root();
	/* A joined pid (or time) namespace is entered by our next child. */
	child = fork();
	if (child < 0) {
		cv_err_sys(a->err, "fork()");
		return 1;
	}
	if (child == 0) {
		execvp(a->argv[a->i], a->argv + a->i);
		cv_err_sys(a->err, "execvp(`%s`)", a->argv[a->i]);
		cv_err_print(a->err, "cv-namespaces");
		_exit(errno == ENOENT ? 127 : 126);
	}
	return cv_wait_forwarding(child, NULL);
}

/* --- features --------------------------------------------------------------- */

static int cmd_features(struct cv_args *a)
{
	int opt;

	while ((opt = cv_args_next(a)) > 0)
		;
	if (opt < 0)
		return opt == CV_ARG_HELP ? 0 : CV_EXIT_USAGE;
	if (cv_args_rest(a) > 0)
		return cv_args_usage_error(a, "unexpected `%s`", a->argv[a->i]);
	for (const struct cv_feature *f = cv_features; f->name; f++)
		printf("%-18s %-4s %s\n", f->name, f->have() ? "yes" : "no", f->what);
	for (int i = 0; i < CV_NS_COUNT; i++) {
		const struct cv_ns_type *t = &cv_ns_types[i];
		char what[80];

		snprintf(what, sizeof(what), "%s namespaces: %s", t->flag_name, t->isolates);
		printf("ns:%-15s %-4s %s\n", t->name, cv_have_ns(t->name) ? "yes" : "no", what);
	}
	return 0;
}

static const struct cv_opt no_opts[] = {{NULL, 0, NULL, NULL, 0}};

static const struct cv_cmd commands[] = {
    {"run", "[OPTIONS] [--] CMD [ARGS...]",
     "Run CMD in new namespaces; print what differs inside, then exec CMD",
     "sudo cv-namespaces run --pid --uts --hostname box -- /bin/sh -c 'echo $$; hostname'",
     run_opts, 0, cmd_run},
    {"show", "[PID]", "List the namespaces of a process (default: this one)",
     "cv-namespaces show $$", no_opts, 0, cmd_show},
    {"join", "PID [OPTIONS] -- CMD [ARGS...]",
     "Run CMD in the namespaces of process PID (default: all that differ)",
     "sudo cv-namespaces join 4242 --uts --net -- hostname", join_opts, CV_CMD_INTERLEAVE,
     cmd_join},
    {"features", "", "Say which namespace features this kernel has", "cv-namespaces features",
     no_opts, 0, cmd_features},
    {NULL, NULL, NULL, NULL, NULL, 0, NULL},
};

static const struct cv_prog prog = {
    "cv-namespaces",
    "Step 01 of containerv: Linux namespaces, one flag at a time. Each namespace gives\n"
    "the processes inside their own copy of one global resource.",
    "cv-namespaces run --user --map-root --pid --uts --hostname box -- sh",
    commands,
    NULL,
    NULL,
};

int main(int argc, char **argv)
{
	return cv_main(&prog, argc, argv);
}
