/*
 * main.c - bin/containerv: an OCI runtime with runc's command line.
 *
 *   containerv [--root DIR] [--log FILE] [--log-format text|json] [--debug]
 *              [--systemd-cgroup] [--explain] COMMAND [OPTIONS] ID ...
 *
 * This file is the global options, the table of commands and main(); the
 * commands are in lifecycle.c (create, run, start, state, kill, delete,
 * and list and spec) and running.c (exec, pause, resume, ps, update,
 * events, features); cli.h is what the three share.  A command parses its
 * own words and hands over to runtime/core, which does the work.
 *
 * The words are runc's because the callers are runc's: containerd's runc
 * shim (through go-runc, and docker through containerd), conmon for
 * podman, the OCI test suites.  They build the command line as runc reads
 * it, the runtime's options first and the command's after its name:
 *
 *   containerv --root /run/containerd/runc/NAMESPACE --log DIR/log.json \
 *       --log-format json create --bundle DIR --pid-file F ID
 *
 * so the global options are taken only before the command (runc's, with
 * urfave/cli, are the same), and a command's options end at its first
 * other word: after the ID the words are the container's (`exec ID ls -l`,
 * `ps ID -o pid`), never ours.  go-runc may also pass --rootless and
 * --criu: they are accepted and change nothing, so such a call is not
 * turned away.  podman passes no --root, and the state is then
 * /run/containerv, as runc's is /run/runc.
 *
 * A failing command prints its error on stderr and, with --log, appends
 * it to that file in the format asked: containerd's shim reads the last
 * "error" line of its log.json as the message to show (log_error()).
 *
 * Exit status: 0; 1 when the command failed; 2 (CV_EXIT_USAGE, as for
 * every containerv binary) when the command line was not understood.
 * `run` and `exec` in the foreground exit with the program's own status,
 * 128+N when signal N ended it, as runc does and a shell reports it.  125
 * to 127 are docker's and podman's codes for their own users; a runtime
 * has none of them.
 */
#include <jansson.h>
#include <seccomp.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "02-cgroups/cgroups.h"
#include "common/args.h"
#include "common/file.h"
#include "common/trace.h"
#include "runtime/cli/cli.h"
#include "runtime/core/seal.h"

/* The defaults: state under /run/containerv, no log, text, no trace, cgroupfs. */
struct cv_cli_globals cv_cli = {"/run/containerv", NULL, false, false, false, NULL};

enum { G_ROOT = 1, G_LOG, G_LOG_FORMAT, G_DEBUG, G_SYSTEMD, G_ROOTLESS, G_CRIU };

/* clang-format off */
static const struct cv_opt global_opts[] = {
	{"root", 0, "DIR", "where containers' state is kept (default /run/containerv)", G_ROOT},
	{"log", 0, "FILE", "also write errors and warnings to FILE", G_LOG},
	{"log-format", 0, "FORMAT", "text or json (as containerd reads it)", G_LOG_FORMAT},
	{"debug", 0, NULL, "narrate, as --explain does", G_DEBUG},
	{"systemd-cgroup", 0, NULL, "manage cgroups through systemd (needs systemd as init)", G_SYSTEMD},
	{"rootless", 0, "MODE", "accepted for runc compatibility (auto, true, false)", G_ROOTLESS},
	{"criu", 0, "PATH", "accepted for runc compatibility; checkpointing is not supported", G_CRIU},
	{NULL, 0, NULL, NULL, 0},
};
/* clang-format on */

/*
 * One global option, as cv_args_command() meets it before the command.
 * --rootless and --criu come to the default case: accepted for the
 * callers that pass them, and ignored (checkpointing is not supported).
 */
static int global_option(struct cv_args *a, int id)
{
	switch (id) {
	case G_ROOT:
		cv_cli.root = a->val;
		return 0;
	case G_LOG:
		cv_cli.log = a->val;
		return 0;
	case G_LOG_FORMAT:
		if (strcmp(a->val, "text") && strcmp(a->val, "json"))
			return cv_args_usage_error(a, "--log-format `%s`: text or json", a->val),
			       CV_ARG_ERROR;
		cv_cli.log_json = !strcmp(a->val, "json");
		return 0;
	case G_DEBUG:
		cv_cli.debug = true;
		cv_trace_enable(STDERR_FILENO);
		return 0;
	case G_SYSTEMD:
		cv_cli.systemd = true;
		return 0;
	default:
		return 0;
	}
}

/*
 * An error to the log file as well, in the format asked: the lines runc's
 * logger (logrus) writes, one JSON object with level, msg and time, or the
 * text form time="..." level=error msg="...".  containerd parses the json
 * one.  Appended: the shim keeps one log for every command it runs on a
 * container.  A log that cannot be opened is no second error.
 */
static void log_error(const struct cv_err *err)
{
	char when[40], line[2048];
	time_t now = time(NULL);
	struct tm tm;
	int fd, n;

	if (!cv_cli.log || !err->code)
		return;
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (cv_cli.log_json) {
		json_t *o =
		    json_pack("{s:s, s:s, s:s}", "level", "error", "msg", err->msg, "time", when);
		char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
		n = snprintf(line, sizeof(line), "%s\n", text ? text : "{}");
		free(text);
		json_decref(o);
	} else {
		n = snprintf(line, sizeof(line), "time=\"%s\" level=error msg=\"%s\"\n", when,
			     err->msg);
	}
	if ((fd = open(cv_cli.log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644)) >= 0) {
		(void)!write(fd, line, (size_t)(n < (int)sizeof(line) ? n : (int)sizeof(line) - 1));
		close(fd);
	}
}

/*
 * Every command that touches a container: the systemd driver first.  runc
 * refuses --systemd-cgroup where systemd is not init; so does this.  Where
 * systemd is init the option is accepted, and the cgroup is made through
 * the cgroup files all the same.
 */
int cv_cli_preflight(struct cv_args *a)
{
	if (cv_cli.systemd && cv_cg_systemd_check(a->err) < 0)
		return 1;
	return 0;
}

/* cv_seal_self() may execute us again: argv is main's, kept in cv_cli.argv. */
int cv_cli_seal(struct cv_args *a)
{
	return cv_seal_self(cv_cli.argv, a->err) < 0 ? 1 : 0;
}

/*
 * The commands, in the order `containerv --help` lists them: a container's
 * life, what acts on a running one, then features, list and spec.  flags
 * 0: a command's options end at its first other word (see the top).
 */
static const struct cv_cmd commands[] = {
    {"create", "[OPTIONS] ID", "Create a container from a bundle; its program waits for start",
     "containerv create --bundle /srv/b c1", cv_cli_create_opts, 0, cv_cmd_create},
    {"start", "ID", "Start the program of a created container", "containerv start c1",
     cv_cli_no_opts, 0, cv_cmd_start},
    {"state", "ID", "Print a container's state as OCI JSON", "containerv state c1", cv_cli_no_opts,
     0, cv_cmd_state},
    {"kill", "[--all] ID [SIGNAL]", "Send a signal (default TERM) to a container",
     "containerv kill c1 KILL", cv_cli_kill_opts, 0, cv_cmd_kill},
    {"delete", "[--force] ID", "Delete a stopped container (or, forced, any)",
     "containerv delete c1", cv_cli_delete_opts, 0, cv_cmd_delete},
    {"run", "[OPTIONS] ID", "Create and start a container; wait for it unless --detach",
     "containerv run --bundle /srv/b c1", cv_cli_run_opts, 0, cv_cmd_run},
    {"exec", "[OPTIONS] ID [CMD ARGS...]", "Run one more process in a running container",
     "containerv exec c1 ps", cv_cli_exec_opts, 0, cv_cmd_exec},
    {"pause", "ID", "Freeze every process of a running container", "containerv pause c1",
     cv_cli_no_opts, 0, cv_cmd_pause},
    {"resume", "ID", "Thaw a paused container", "containerv resume c1", cv_cli_no_opts, 0,
     cv_cmd_resume},
    {"ps", "[--format table|json] ID [ps options]", "The processes of a container",
     "containerv ps c1 -o pid,comm", cv_cli_ps_opts, 0, cv_cmd_ps},
    {"update", "[OPTIONS] ID", "Change the limits of a running container",
     "containerv update --memory 64M c1", cv_cli_update_opts, 0, cv_cmd_update},
    {"events", "[--stats] [--interval D] ID", "Usage and OOM events, as JSON lines",
     "containerv events --stats c1", cv_cli_events_opts, 0, cv_cmd_events},
    {"features", "", "What this runtime supports on this host, as JSON", "containerv features",
     cv_cli_no_opts, 0, cv_cmd_features},
    {"list", "[--format table|json] [-q]", "List the containers under --root", "containerv list",
     cv_cli_list_opts, 0, cv_cmd_list},
    {"spec", "[--rootless] [-- CMD...]", "Write a config.json to start from",
     "containerv spec --rootless", cv_cli_spec_opts, 0, cv_cmd_spec},
    {NULL, NULL, NULL, NULL, NULL, 0, NULL},
};

static const struct cv_prog prog = {
    "containerv",
    "An OCI runtime with runc's command line: podman, containerd and test suites\n"
    "drive it the way they drive runc. Each step of a container's setup is one of\n"
    "containerv's steps (namespaces, cgroups, rootfs, security); --explain shows them.",
    "containerv spec && containerv run --bundle . demo",
    commands,
    global_opts,
    global_option,
};

int main(int argc, char **argv)
{
	struct cv_err err;
	struct cv_args a;
	int r;

	cv_err_clear(&err);
	cv_cli.argv = argv;
	cv_trace_init();
	/* conmon, containerd or a daemon may start us with stdio closed */
	if (cv_stdio_open(&err) < 0) {
		cv_err_print(&err, "containerv");
		return 1;
	}
	/* runc's --version, which tools parse: the name, the spec, the libraries */
	if (argc == 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-v"))) {
		printf("containerv version %s\nspec: 1.2.0\nlibseccomp: %u.%u.%u\njansson: %s\n",
		       CV_VERSION, seccomp_version()->major, seccomp_version()->minor,
		       seccomp_version()->micro, jansson_version_str());
		return 0;
	}
	/* the global options, then the command's name; --help prints and exits 0 */
	r = cv_args_command(&a, &prog, argc, argv, &err);
	if (r == CV_ARG_HELP)
		return 0;
	if (r < 0) {
		cv_err_print(&err, prog.name);
		log_error(&err);
		return CV_EXIT_USAGE;
	}
	r = a.cmd->run(&a);
	/* a program's own non-zero status (run, exec) comes with no error to print */
	if (r != 0 && err.code != 0) {
		cv_err_print(&err, prog.name);
		log_error(&err);
	}
	return r;
}
