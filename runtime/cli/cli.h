/*
 * cli.h - what bin/containerv's three files share: the global options
 * and the checks a command makes before it acts (main.c), and the
 * commands, one file per group: a container's life, with list and spec
 * (lifecycle.c), and what acts on a running container (running.c).
 * main.c's table names each command with its synopsis, its options (the
 * tables below) and the function that runs it.
 *
 * A command function reads its options with cv_args_next(), then its
 * words, and returns the exit status: 0 (also after --help), 1 when it
 * failed, CV_EXIT_USAGE for words it cannot use, or, for run and exec in
 * the foreground, the program's own status.  The reason goes in a->err,
 * which main.c prints, and logs with --log.
 */
#ifndef CV_RUNTIME_CLI_H
#define CV_RUNTIME_CLI_H

#include <stdbool.h>

#include "common/args.h"

/* containerv [--root DIR] [--log FILE] [--log-format F] [--debug] [--systemd-cgroup] */
struct cv_cli_globals {
	const char *root, *log;        /* the state directory; the error log, or NULL */
	bool log_json, debug, systemd; /* --log-format json, --debug, --systemd-cgroup */
	char **argv;                   /* main's, to run again from a sealed binary (seal.h) */
};
extern struct cv_cli_globals cv_cli;

/*
 * Before any command that touches a container: 1 when it must stop
 * (--systemd-cgroup without systemd), with a->err set.
 */
int cv_cli_preflight(struct cv_args *a);

/*
 * Before a command that makes a process in a container (create, run,
 * exec): from here on, run from a binary no container can write
 * (seal.h).  May execute the runtime again; 1 when it must stop.
 */
int cv_cli_seal(struct cv_args *a);

/* lifecycle.c: create, run, start, state, kill, delete, list, spec. */
extern const struct cv_opt cv_cli_create_opts[], cv_cli_run_opts[], cv_cli_delete_opts[],
    cv_cli_kill_opts[], cv_cli_spec_opts[], cv_cli_list_opts[], cv_cli_no_opts[];
int cv_cmd_create(struct cv_args *a);
int cv_cmd_run(struct cv_args *a);
int cv_cmd_start(struct cv_args *a);
int cv_cmd_state(struct cv_args *a);
int cv_cmd_kill(struct cv_args *a);
int cv_cmd_delete(struct cv_args *a);
int cv_cmd_list(struct cv_args *a);
int cv_cmd_spec(struct cv_args *a);

/* running.c: exec, pause, resume, ps, update, events, features. */
extern const struct cv_opt cv_cli_exec_opts[], cv_cli_update_opts[], cv_cli_events_opts[],
    cv_cli_ps_opts[];
int cv_cmd_exec(struct cv_args *a);
int cv_cmd_pause(struct cv_args *a);
int cv_cmd_resume(struct cv_args *a);
int cv_cmd_ps(struct cv_args *a);
int cv_cmd_update(struct cv_args *a);
int cv_cmd_events(struct cv_args *a);
int cv_cmd_features(struct cv_args *a);

#endif
