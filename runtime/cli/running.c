/*
 * running.c - bin/containerv's commands on a running container:
 *
 *   exec [OPTIONS] ID [CMD ARGS...]     pause ID        resume ID
 *   ps [--format table|json] ID [ps options]
 *   update [--resources FILE|-] [--memory B] [--pids-limit N] ... ID
 *   events [--stats] [--interval D] ID  features
 *
 * Each parses its words and hands over to core/join.c (exec), manage.c
 * (pause, resume, ps, update) or events.c (events, features).
 *
 * The options are runc's, under runc's names, because the callers are:
 * containerd's shim runs `exec --process FILE --detach --pid-file F
 * [--console-socket S] ID` with the process as an OCI process object,
 * the way runc takes it; people type `exec -t ID sh` and `update --memory
 * 64M ID`.  exec's rules for a terminal are runc's, checked before anything
 * is done: a console socket is only for a terminal, and a detached
 * terminal needs one, as nobody else would hold its master.
 *
 * update: every value is parsed into one struct cv_cg_limits, starting
 * from "unchanged" (cv_cg_limits_init), and the core checks the whole
 * set against the cgroup before it writes any of it, so a bad value
 * changes nothing.  A value that is not a size or a number is a usage
 * error (2); a --resources file that cannot be read or parsed is a
 * failure (1), its error naming the file, line and path.  A cpu quota or
 * pids limit of -1 is no limit, as in runc; a pids limit of 0 is too.
 *
 * events prints JSON lines as `runc events` does ({"type":"stats",...},
 * {"type":"oom",...}); features prints the runtime-spec's features
 * document (features.md), which callers read to learn what the runtime
 * takes: the namespaces and capabilities this host has and the cgroup
 * versions it mounts, probed when asked, with the mount options and
 * seccomp actions containerv knows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "02-cgroups/cgroups.h"
#include "common/args.h"
#include "runtime/cli/cli.h"
#include "runtime/core/events.h"
#include "runtime/core/manage.h"
#include "runtime/core/join.h"

enum {
	O_PROCESS = 1,
	O_TTY,
	O_CONSOLE,
	O_DETACH,
	O_PID_FILE,
	O_ENV,
	O_CWD,
	O_USER,
	O_GIDS,
	O_CAP,
	O_NNP,
	O_APPARMOR,
	O_PRESERVE,
	O_FORMAT
};

/*
 * runc's exec options.  -e and --cap add to the container's environment
 * and capabilities rather than replace them.  -u takes numbers only: a
 * name would need the container's /etc/passwd, which runc reads and
 * containerv does not.
 */
/* clang-format off */
const struct cv_opt cv_cli_exec_opts[] = {
	{"process", 'p', "FILE", "the process as an OCI process object (JSON)", O_PROCESS},
	{"tty", 't', NULL, "with a terminal of its own (else --process FILE's \"terminal\")", O_TTY},
	{"console-socket", 0, "PATH", "where the terminal's master goes (with a terminal)", O_CONSOLE},
	{"detach", 'd', NULL, "start it and return", O_DETACH},
	{"pid-file", 0, "FILE", "write the process's pid here", O_PID_FILE},
	{"env", 'e', "K=V", "set an environment variable (repeatable)", O_ENV},
	{"cwd", 0, "DIR", "the working directory, inside the container", O_CWD},
	{"user", 'u', "UID[:GID]", "run as this user", O_USER},
	{"additional-gids", 'g', "G,G", "supplementary groups", O_GIDS},
	{"cap", 'c', "CAP", "add a capability (repeatable)", O_CAP},
	{"no-new-privs", 0, NULL, "set no_new_privs", O_NNP},
	{"apparmor", 0, "PROFILE", "an AppArmor profile for it", O_APPARMOR},
	{"preserve-fds", 0, "N", "pass file descriptors 3 to 3+N-1", O_PRESERVE},
	{NULL, 0, NULL, NULL, 0},
};
/*
 * runc's update options.  The values are in cgroup v1's terms, as OCI's
 * are (cpu shares, blkio weight); step 02 converts them where the
 * cgroup is v2.  A size takes a unit, K, M, G or T (cv_cg_parse_size()).
 */
enum { U_RESOURCES = 1, U_MEMORY, U_SWAP, U_RESERVATION, U_SHARES, U_QUOTA, U_PERIOD,
       U_CPUSET_CPUS, U_CPUSET_MEMS, U_PIDS, U_BLKIO, E_STATS, E_INTERVAL };
const struct cv_opt cv_cli_update_opts[] = {
	{"resources", 'r', "FILE", "an OCI linux.resources object (- for standard input)", U_RESOURCES},
	{"memory", 0, "BYTES", "the memory limit (K, M, G suffixes)", U_MEMORY},
	{"memory-swap", 0, "BYTES", "memory plus swap", U_SWAP},
	{"memory-reservation", 0, "BYTES", "the memory reservation (low)", U_RESERVATION},
	{"cpu-shares", 0, "N", "the cpu weight, as v1 shares", U_SHARES},
	{"cpu-quota", 0, "US", "microseconds per period; -1 for none", U_QUOTA},
	{"cpu-period", 0, "US", "the cpu period", U_PERIOD},
	{"cpuset-cpus", 0, "LIST", "cpus, as in 0-1", U_CPUSET_CPUS},
	{"cpuset-mems", 0, "LIST", "memory nodes", U_CPUSET_MEMS},
	{"pids-limit", 0, "N", "the most processes; 0 or -1 for none", U_PIDS},
	{"blkio-weight", 0, "N", "the block io weight, 10 to 1000", U_BLKIO},
	{NULL, 0, NULL, NULL, 0},
};
const struct cv_opt cv_cli_events_opts[] = {
	{"stats", 0, NULL, "print the usage once and exit", E_STATS},
	{"interval", 0, "DURATION", "between stats events (default 5s): 500ms, 2s, 1m", E_INTERVAL},
	{NULL, 0, NULL, NULL, 0},
};
const struct cv_opt cv_cli_ps_opts[] = {
	{"format", 'f', "FORMAT", "table (ps's own output, default) or json (the pids)", O_FORMAT},
	{NULL, 0, NULL, NULL, 0},
};
/* clang-format on */

/*
 * "500ms", "2s", "1m", "250" (milliseconds) -> milliseconds.  runc takes
 * a Go duration (5s); a bare number is ours, read as milliseconds.  Zero
 * or less is refused: a stats loop must wait between two reads.
 */
static int parse_interval(struct cv_args *a, const char *text, long long *ms)
{
	char *end;
	double v = strtod(text, &end);
	double scale = !strcmp(end, "ms") || !*end ? 1
		       : !strcmp(end, "s")         ? 1000
		       : !strcmp(end, "m")         ? 60000
						   : -1;

	if (end == text || scale < 0 || v <= 0)
		return cv_args_usage_error(a, "--interval `%s`: as in 500ms, 5s or 1m", text), -1;
	*ms = (long long)(v * scale);
	return 0;
}

/*
 * One option of exec into o: the words point into argv, which outlives
 * the exec.  Returns 0, or an exit status with a->err set.
 */
static int exec_option(struct cv_args *a, struct cv_exec_opts *o, int opt)
{
	long long n;

	switch (opt) {
	case O_PROCESS:
		o->process_file = a->val;
		break;
	case O_TTY:
		o->terminal = true;
		break;
	case O_CONSOLE:
		o->console_socket = a->val;
		break;
	case O_DETACH:
		o->detach = true;
		break;
	case O_PID_FILE:
		o->pid_file = a->val;
		break;
	case O_CWD:
		o->cwd = a->val;
		break;
	case O_USER:
		o->user = a->val;
		break;
	case O_GIDS:
		o->additional_gids = a->val;
		break;
	case O_NNP:
		o->no_new_privs = true;
		break;
	case O_APPARMOR:
		o->apparmor = a->val;
		break;
	case O_ENV:
		/* NAME=VALUE, as process.env is checked (runc refuses one without '=') */
		if (!strchr(a->val, '=') || o->n_env == CV_EXEC_MAX_ENV)
			return cv_args_usage_error(a, "-e `%s`: expected NAME=VALUE", a->val);
		o->env[o->n_env++] = a->val;
		break;
	case O_CAP:
		/* 64 is more than there are capabilities (CAP_LAST_CAP is 40 today) */
		if (o->n_caps == CV_EXEC_MAX_CAPS)
			return cv_args_usage_error(a, "too many --cap");
		o->caps[o->n_caps++] = a->val;
		break;
	case O_PRESERVE:
		if (cv_args_long(a, a->val, 0, 1000, &n) < 0)
			return CV_EXIT_USAGE;
		o->preserve_fds = (int)n;
		break;
	}
	return 0;
}

/*
 * `exec`: one more process in a running container.  The words are checked
 * in order, the first mistake reported; the checks that need the
 * container (is it running? is --process FILE's terminal set?) are
 * join.c's.  Sealed first, as create is: the new process starts as a clone
 * of this binary (CVE-2019-5736, seal.h).  In the foreground exec waits
 * and exits with the process's status (128+N for signal N); detached, it
 * returns 0 once the process runs.  A paused container is refused (runc
 * has --ignore-paused for that; containerv has no such option).
 */
int cv_cmd_exec(struct cv_args *a)
{
	struct cv_exec_opts *o = calloc(1, sizeof(*o));
	int opt, r = 0;

	if (!o)
		return 1;
	o->root = cv_cli.root;
	while (r == 0 && (opt = cv_args_next(a)) > 0)
		r = exec_option(a, o, opt);
	if (r == 0 && opt < 0)
		r = opt == CV_ARG_HELP ? -1 : CV_EXIT_USAGE;
	if (r == 0 && cv_args_rest(a) < 1)
		r = cv_args_usage_error(a, "expected ID [CMD ARGS...]");
	if (r == 0 && cv_args_rest(a) < 2 && !o->process_file)
		r = cv_args_usage_error(a, "no command given: what should run in the container?");
	/* runc's rule: a console socket is only for a terminal.  With --process
	 * FILE, the file's "terminal" decides (join.c checks it) */
	if (r == 0 && o->console_socket && !o->terminal && !o->process_file)
		r = cv_args_usage_error(a,
					"--console-socket goes with -t (or a --process FILE with "
					"\"terminal\": true)");
	/* detached, nobody would read the terminal's master: runc refuses this too */
	if (r == 0 && o->terminal && o->detach && !o->console_socket)
		r = cv_args_usage_error(a, "-t with -d needs --console-socket: who would hold the "
					   "terminal?");
	if (r == 0) {
		o->id = a->argv[a->i];
		/* the command: every word after the ID, its own options included */
		o->argv = (const char *const *)a->argv + a->i + 1;
		r = cv_cli_preflight(a) || cv_cli_seal(a) ? 1 : cv_container_exec(o, a->err);
	}
	free(o);
	return r < 0 ? 0 : r;
}

/*
 * pause, resume: the freezer (cgroup v2's cgroup.freeze, v1's
 * freezer.state), every process of the container stopped where it is, and
 * the status "paused" until resume.
 */
int cv_cmd_pause(struct cv_args *a)
{
	int r = cv_args_words(a, 1, 1, "one container ID");

	if (r != 0)
		return r < 0 ? 0 : r;
	return cv_cli_preflight(a) || cv_container_pause(cv_cli.root, a->argv[a->i], a->err) < 0
		   ? 1
		   : 0;
}

int cv_cmd_resume(struct cv_args *a)
{
	int r = cv_args_words(a, 1, 1, "one container ID");

	if (r != 0)
		return r < 0 ? 0 : r;
	return cv_cli_preflight(a) || cv_container_resume(cv_cli.root, a->argv[a->i], a->err) < 0
		   ? 1
		   : 0;
}

/*
 * `ps ID [ps options]`: ps(1) run as given (default -ef), only its lines for
 * the container's processes kept, as runc's; `--format json` for the pids
 * alone.  The options after the ID are ps's, never ours (see main.c).
 */
int cv_cmd_ps(struct cv_args *a)
{
	bool json = false;
	int opt;

	/* --format is our one option; the words after the ID are ps's */
	while ((opt = cv_args_next(a)) > 0) {
		if (strcmp(a->val, "table") && strcmp(a->val, "json"))
			return cv_args_usage_error(a, "--format `%s`: table or json", a->val);
		json = !strcmp(a->val, "json");
	}
	if (opt < 0)
		return opt == CV_ARG_HELP ? 0 : CV_EXIT_USAGE;
	if (cv_args_rest(a) < 1)
		return cv_args_usage_error(a, "expected ID [ps options]");
	return cv_container_ps(cv_cli.root, a->argv[a->i], json, a->argv + a->i + 1, a->err) < 0
		   ? 1
		   : 0;
}

/* One --memory style value into a limit. */
static int update_value(struct cv_args *a, struct cv_cg_limits *l, int opt)
{
	long long n;

	switch (opt) {
	case U_RESOURCES:
		return cv_update_resources(a->val, l, a->err) < 0 ? 1 : 0;
	case U_MEMORY:
		return cv_cg_parse_size(a->val, "--memory", &l->memory_limit, a->err) < 0 ? 2 : 0;
	case U_SWAP:
		return cv_cg_parse_size(a->val, "--memory-swap", &l->memory_swap, a->err) < 0 ? 2
											      : 0;
	case U_RESERVATION:
		return cv_cg_parse_size(a->val, "--memory-reservation", &l->memory_reservation,
					a->err) < 0
			   ? 2
			   : 0;
	case U_CPUSET_CPUS:
		snprintf(l->cpuset_cpus, sizeof(l->cpuset_cpus), "%s", a->val);
		return 0;
	case U_CPUSET_MEMS:
		snprintf(l->cpuset_mems, sizeof(l->cpuset_mems), "%s", a->val);
		return 0;
	}
	if (cv_args_long(a, a->val, -1, INT64_MAX, &n) < 0)
		return CV_EXIT_USAGE;
	switch (opt) {
	case U_SHARES:
		l->cpu_shares = n;
		break;
	case U_QUOTA:
		l->cpu_quota = n < 0 ? CV_CG_MAX : n;
		break;
	case U_PERIOD:
		l->cpu_period = n;
		break;
	case U_PIDS:
		l->pids_limit = n <= 0 ? CV_CG_MAX : n;
		break;
	case U_BLKIO:
		l->io_weight = n;
		break;
	}
	return 0;
}

int cv_cmd_update(struct cv_args *a)
{
	struct cv_cg_limits *l = malloc(sizeof(*l));
	int opt, r = 0;

	if (!l)
		return 1;
	cv_cg_limits_init(l);
	while (r == 0 && (opt = cv_args_next(a)) > 0)
		r = update_value(a, l, opt);
	if (r == 0 && opt < 0)
		r = opt == CV_ARG_HELP ? -1 : CV_EXIT_USAGE;
	if (r == 0 && cv_args_rest(a) != 1)
		r = cv_args_usage_error(a, "expected one container ID");
	if (r == 0 && cv_cg_limits_empty(l))
		r = cv_args_usage_error(a, "nothing to update: give a limit, or --resources FILE");
	/* the limits as the flags left them: cv_container_update checks them
	 * once it knows the container (manage.h), as runc looks it up first */
	if (r == 0)
		r = cv_cli_preflight(a) ||
			    cv_container_update(cv_cli.root, a->argv[a->i], l, a->err) < 0
			? 1
			: 0;
	free(l);
	return r < 0 ? 0 : r;
}

/* `events`: until the container stops, or one stats event with --stats. */
int cv_cmd_events(struct cv_args *a)
{
	bool stats = false;
	/* runc's default interval, 5s */
	long long ms = 5000;
	int opt;

	while ((opt = cv_args_next(a)) > 0) {
		if (opt == E_STATS)
			stats = true;
		else if (parse_interval(a, a->val, &ms) < 0)
			return CV_EXIT_USAGE;
	}
	if (opt < 0)
		return opt == CV_ARG_HELP ? 0 : CV_EXIT_USAGE;
	if (cv_args_rest(a) != 1)
		return cv_args_usage_error(a, "expected one container ID");
	return cv_container_events(cv_cli.root, a->argv[a->i], stats, (long)ms, stdout, a->err) < 0
		   ? 1
		   : 0;
}

/* `features`: about this runtime on this host, no container needed. */
int cv_cmd_features(struct cv_args *a)
{
	char *text;
	int r = cv_args_words(a, 0, 0, "no arguments");

	if (r != 0)
		return r < 0 ? 0 : r;
	if (!(text = cv_features_json()))
		return 1;
	printf("%s\n", text);
	free(text);
	return 0;
}
