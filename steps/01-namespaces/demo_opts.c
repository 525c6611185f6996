/*
 * demo_opts.c - the options of bin/cv-namespaces `run` and `join`.
 *
 * Each option of `run` adds a CLONE_NEW* flag to the spec as well as its
 * value: --hostname without --uts would be refused by cv_ns_spec_check()
 * anyway (a hostname needs a UTS namespace of its own, or it would be the
 * host's), so the option implies the namespace instead of making the user
 * say it twice.  The tables list the eight namespace options once, in
 * NS_OPTS, for both commands: user first, as in cv_ns_types.
 */
#include <string.h>
#include <unistd.h>

#include "01-namespaces/demo.h"
#include "01-namespaces/namespaces.h"
#include "01-namespaces/spawn.h"
#include "common/args.h"

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

const struct cv_opt run_opts[] = {
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

const struct cv_opt join_opts[] = {
	NS_OPTS("join its"),
	{"by-path", 0, NULL, "join one /proc/PID/ns file at a time, not by pidfd", O_BY_PATH},
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
int parse_run(struct cv_args *a, struct cv_ns_spec *spec, struct run_ctx *c)
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
