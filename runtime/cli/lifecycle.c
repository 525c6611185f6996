/*
 * lifecycle.c - bin/containerv's commands for a container's life, as the
 * OCI runtime spec names them, and the two around it:
 *
 *   create [--bundle DIR] [--pid-file F] [--console-socket S] ID
 *   start ID        state ID        kill [--all] ID [SIGNAL]
 *   delete [--force] ID             run [-d] [--bundle DIR] ... ID
 *   list [--format table|json] [-q] spec [--rootless] [-- CMD]
 *
 * Each parses its words and hands over to the core (core/container.h);
 * run in the foreground also relays signals and the terminal.
 *
 * The operations are runtime.md's, split as a caller needs them split:
 * create makes everything but the program, whose init then waits; the
 * caller does what it must between the two - containerd and conmon read
 * the init's pid from the pid file, for one - and start lets the init
 * execute the program.  create returns only once the container
 * is "created", so a caller's next command finds it so.  run is create
 * and start in one, and in the foreground it also waits, relays signals
 * and the terminal, and deletes the container after, as `runc run` does.
 *
 * The rules runtime.md sets on the operations - start only what is
 * created, delete only what is stopped, an error and no effect otherwise
 * - are the core's (core/lifecycle.c), so the C API keeps them too; here
 * are only the words: which options, how many IDs, which signal.
 */
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/args.h"
#include "common/child.h"
#include "common/file.h"
#include "runtime/cli/cli.h"
#include "runtime/core/console.h"
#include "runtime/core/container.h"
#include "runtime/core/state.h"
#include "runtime/spec/spec.h"

enum {
	O_BUNDLE = 1,
	O_PID_FILE,
	O_CONSOLE,
	O_NO_PIVOT,
	O_NO_KEYRING,
	O_PRESERVE,
	O_DETACH,
	O_KEEP,
	O_FORCE,
	O_ALL,
	O_ROOTLESS,
	O_TERMINAL,
	O_QUIET,
	O_FORMAT
};

/*
 * runc's options for create and run.  --no-pivot: pivot_root(2) fails,
 * EINVAL, where the current root is the initial ramfs (a system running
 * from its initramfs), and chroot is all there is.  --no-new-keyring: by
 * default the container gets a session keyring of its own, not the
 * caller's keys.  --preserve-fds N: fds 3 to 3+N-1 are passed on as they
 * are; the init closes every other above 2.
 */
/* clang-format off */
const struct cv_opt cv_cli_create_opts[] = {
	{"bundle", 'b', "DIR", "the bundle: config.json and the root filesystem (default .)", O_BUNDLE},
	{"pid-file", 0, "FILE", "write the container's init pid here", O_PID_FILE},
	{"console-socket", 0, "PATH", "a unix socket to receive the terminal's master (terminal: true)", O_CONSOLE},
	{"no-pivot", 0, NULL, "chroot instead of pivot_root (when the rootfs is on a ramfs)", O_NO_PIVOT},
	{"no-new-keyring", 0, NULL, "keep the caller's session keyring", O_NO_KEYRING},
	{"preserve-fds", 0, "N", "pass file descriptors 3 to 3+N-1 to the container", O_PRESERVE},
	{NULL, 0, NULL, NULL, 0},
};
const struct cv_opt cv_cli_run_opts[] = {
	{"detach", 'd', NULL, "start it and return; do not wait", O_DETACH},
	{"bundle", 'b', "DIR", "the bundle: config.json and the root filesystem (default .)", O_BUNDLE},
	{"pid-file", 0, "FILE", "write the container's init pid here", O_PID_FILE},
	{"console-socket", 0, "PATH", "a unix socket to receive the terminal's master", O_CONSOLE},
	{"no-pivot", 0, NULL, "chroot instead of pivot_root", O_NO_PIVOT},
	{"no-new-keyring", 0, NULL, "keep the caller's session keyring", O_NO_KEYRING},
	{"preserve-fds", 0, "N", "pass file descriptors 3 to 3+N-1 to the container", O_PRESERVE},
	{"keep", 0, NULL, "do not delete the container when it exits", O_KEEP},
	{NULL, 0, NULL, NULL, 0},
};
const struct cv_opt cv_cli_delete_opts[] = {
	{"force", 'f', NULL, "kill a running container first", O_FORCE},
	{NULL, 0, NULL, NULL, 0},
};
const struct cv_opt cv_cli_kill_opts[] = {
	{"all", 'a', NULL, "signal every process of the container, not only its init", O_ALL},
	{NULL, 0, NULL, NULL, 0},
};
const struct cv_opt cv_cli_spec_opts[] = {
	{"bundle", 'b', "DIR", "where to write config.json (default .)", O_BUNDLE},
	{"rootless", 0, NULL, "for a container made without root: a user namespace, no cgroup limits", O_ROOTLESS},
	{"terminal", 't', NULL, "with a terminal (terminal: true)", O_TERMINAL},
	{NULL, 0, NULL, NULL, 0},
};
const struct cv_opt cv_cli_list_opts[] = {
	{"format", 'f', "FORMAT", "table (default) or json", O_FORMAT},
	{"quiet", 'q', NULL, "only the ids", O_QUIET},
	{NULL, 0, NULL, NULL, 0},
};
/* for a command with none of its own: only the common --help and --explain */
const struct cv_opt cv_cli_no_opts[] = {{NULL, 0, NULL, NULL, 0}};
/* clang-format on */

/* create's request, and run's two options that are not the core's. */
struct run_args {
	struct cv_create c;
	bool detach, keep;
};

/*
 * create's and run's words (run's two extra options mean nothing to
 * create, whose table lacks them).  Returns 0 to go on, -1 when --help
 * was printed (exit 0), or the exit status to stop with.
 */
static int parse_create(struct cv_args *a, struct run_args *r)
{
	long long n;
	int opt;

	/* runc's default bundle: the working directory; console_fd -1 is "no fd" */
	r->c = (struct cv_create){.root = cv_cli.root, .bundle = ".", .console_fd = -1};
	while ((opt = cv_args_next(a)) > 0) {
		switch (opt) {
		case O_BUNDLE:
			r->c.bundle = a->val;
			break;
		case O_PID_FILE:
			r->c.pid_file = a->val;
			break;
		case O_CONSOLE:
			r->c.console_socket = a->val;
			break;
		case O_NO_PIVOT:
			r->c.no_pivot = true;
			break;
		case O_NO_KEYRING:
			r->c.no_new_keyring = true;
			break;
		case O_DETACH:
			r->detach = true;
			break;
		case O_KEEP:
			r->keep = true;
			break;
		case O_PRESERVE:
			if (cv_args_long(a, a->val, 0, 1000, &n) < 0)
				return CV_EXIT_USAGE;
			r->c.preserve_fds = (int)n;
			break;
		}
	}
	if (opt < 0)
		return opt == CV_ARG_HELP ? -1 : CV_EXIT_USAGE;
	if (cv_args_rest(a) != 1)
		return cv_args_usage_error(a, "expected one container ID");
	r->c.id = a->argv[a->i];
	/* sealed before anything is made: the init starts as a clone of this binary
	 * (CVE-2019-5736, seal.h) */
	return cv_cli_preflight(a) || cv_cli_seal(a);
}

/*
 * `create`: returns once the container is "created", its init waiting for
 * start and its pid in --pid-file, where the caller reads it.
 */
int cv_cmd_create(struct cv_args *a)
{
	struct run_args r = {0};
	pid_t pid;
	int rc = parse_create(a, &r);

	if (rc != 0)
		return rc < 0 ? 0 : rc;
	return cv_container_create(&r.c, &pid, a->err) < 0 ? 1 : 0;
}

/*
 * `run` in the foreground: create, start, wait (serving the terminal if
 * ours), delete.  The status is the program's: 128+N for signal N, from
 * the console copy as from cv_wait_forwarding().  A start that fails
 * leaves no created container behind: it is deleted, as runc deletes it.
 */
static int run_foreground(struct cv_args *a, struct run_args *r)
{
	int sv[2] = {-1, -1}, master = -1, status;
	pid_t pid;

	/* a terminal without a console socket: we are the console.  The init
	 * sends the terminal's master over sv[1] (SCM_RIGHTS), as it would to a
	 * --console-socket, and closes it before the program runs */
	if (!r->c.console_socket && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0)
		r->c.console_fd = sv[1];
	/* the program may be our grandchild (in a joined pid namespace the init's
	 * child is it): orphaned, it is reparented to us, so we can wait for it */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (cv_container_create(&r->c, &pid, a->err) < 0) {
		if (sv[0] >= 0)
			close(sv[0]), close(sv[1]);
		return 1;
	}
	if (sv[0] >= 0) { /* sent during create, if the container has a terminal */
		struct cv_err none;
		close(sv[1]);
		master = cv_console_recv(sv[0], false, &none);
		close(sv[0]);
	}
	/* our terminal's size before the program starts: its first look sees it */
	if (master >= 0)
		cv_console_resize(master);
	if (cv_container_start(cv_cli.root, r->c.id, a->err) < 0) {
		if (master >= 0)
			close(master);
		cv_container_delete(cv_cli.root, r->c.id, true, a->err);
		return 1;
	}
	/* our terminal and the container's, copied both ways until the program ends */
	if (master >= 0) {
		status = cv_console_copy(master, pid);
		close(master);
		status = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
	} else {
		status = cv_wait_forwarding(pid, NULL);
	}
	/* runc's --keep: left stopped, for `state` and `delete` to see */
	if (!r->keep)
		cv_container_delete(cv_cli.root, r->c.id, true, a->err);
	return status;
}

/* `run -d`: create and start, and return; the container runs on, ours no more. */
int cv_cmd_run(struct cv_args *a)
{
	struct run_args r = {0};
	pid_t pid;
	int rc = parse_create(a, &r);

	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if (!r.detach) {
		/* in the foreground, a terminal needs no console socket: we serve it */
		r.c.foreground = true;
		return run_foreground(a, &r);
	}
	if (cv_container_create(&r.c, &pid, a->err) < 0)
		return 1;
	if (cv_container_start(cv_cli.root, r.c.id, a->err) < 0) {
		struct cv_err ignored; /* the error to report is start's */
		cv_container_delete(cv_cli.root, r.c.id, true, &ignored);
		return 1;
	}
	return 0;
}

/* `start`: the init executes the program; poststart hooks run (core). */
int cv_cmd_start(struct cv_args *a)
{
	int rc = cv_args_words(a, 1, 1, "one container ID");

	if (rc != 0)
		return rc < 0 ? 0 : rc;
	return cv_cli_preflight(a) || cv_container_start(cv_cli.root, a->argv[a->i], a->err) < 0
		   ? 1
		   : 0;
}

/* `state`: the OCI state (state.md) on stdout, its status as of now. */
int cv_cmd_state(struct cv_args *a)
{
	char *json;
	int rc = cv_args_words(a, 1, 1, "one container ID");

	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if (cv_container_state(cv_cli.root, a->argv[a->i], &json, a->err) < 0)
		return 1;
	printf("%s\n", json);
	free(json);
	return 0;
}

/*
 * `kill`: SIGTERM unless told, as runc.  A signal is a name, with or
 * without SIG, or a number; one that is neither is a usage error (2).
 * --all: every process of the container's cgroup, not only its init.
 */
int cv_cmd_kill(struct cv_args *a)
{
	bool all = false;
	int opt, sig = SIGTERM;

	while ((opt = cv_args_next(a)) > 0)
		all = all || opt == O_ALL;
	if (opt < 0)
		return opt == CV_ARG_HELP ? 0 : CV_EXIT_USAGE;
	if (cv_args_rest(a) < 1 || cv_args_rest(a) > 2)
		return cv_args_usage_error(a, "expected ID [SIGNAL]");
	if (cv_args_rest(a) == 2 && cv_signal_parse(a->argv[a->i + 1], &sig, a->err) < 0)
		return CV_EXIT_USAGE;
	return cv_cli_preflight(a) ||
		       cv_container_kill(cv_cli.root, a->argv[a->i], sig, all, a->err) < 0
		   ? 1
		   : 0;
}

/*
 * `delete`: a running container is refused (runtime.md: delete what is
 * stopped; a created one goes too, as under runc); --force kills a
 * running one first.
 */
int cv_cmd_delete(struct cv_args *a)
{
	bool force = false;
	int opt;

	while ((opt = cv_args_next(a)) > 0)
		force = force || opt == O_FORCE;
	if (opt < 0)
		return opt == CV_ARG_HELP ? 0 : CV_EXIT_USAGE;
	if (cv_args_rest(a) != 1)
		return cv_args_usage_error(a, "expected one container ID");
	if (cv_cli_preflight(a))
		return 1;
	if (cv_container_delete(cv_cli.root, a->argv[a->i], force, a->err) < 0)
		/* runc: deleting one that does not exist is fine when forced */
		return force && a->err->code == ENOENT ? (cv_err_clear(a->err), 0) : 1;
	return 0;
}

/*
 * `list`: every container under --root, in runc's columns less OWNER; a
 * stopped one's pid shows 0, as its pid may be another process's by now.
 * --format json: the containers' states in one array; -q: the IDs only.
 */
int cv_cmd_list(struct cv_args *a)
{
	bool quiet = false, json = false;
	char **ids, *text;
	json_t *all = json_array();
	int opt;

	while ((opt = cv_args_next(a)) > 0) {
		quiet = quiet || opt == O_QUIET;
		if (opt == O_FORMAT && strcmp(a->val, "table") && strcmp(a->val, "json"))
			return cv_args_usage_error(a, "--format `%s`: table or json", a->val);
		json = json || (opt == O_FORMAT && !strcmp(a->val, "json"));
	}
	if (opt < 0)
		return opt == CV_ARG_HELP ? 0 : CV_EXIT_USAGE;
	/* a --root not made yet lists nothing, as no container was ever made there */
	if (!(ids = cv_state_list(cv_cli.root, a->err)))
		return 1;
	if (!quiet && !json)
		printf("%-20s %-8s %-10s %-40s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED");
	for (char **id = ids; *id; id++) {
		struct cv_state st;
		struct cv_err ignored;
		enum cv_status now;
		if (cv_state_open(cv_cli.root, *id, &st, &ignored) < 0) {
			/* removed meanwhile: not listed; damaged: listed, for delete --force */
			if (ignored.code != ENOENT && json)
				json_array_append_new(all,
						      json_pack("{s:s, s:s, s:i}", "id", *id,
								"status", "unknown", "pid", 0));
			else if (ignored.code != ENOENT)
				printf(quiet ? "%s\n" : "%-20s %-8d %-10s\n", *id, 0, "unknown");
			free(*id);
			continue;
		}
		now = cv_state_status(&st);
		if (quiet)
			printf("%s\n", *id);
		/* each state text parsed again, to be an element of the one array */
		else if (json && (text = cv_state_json(&st, now)))
			json_array_append_new(all, json_loads(text, 0, NULL)), free(text);
		else if (!json)
			printf("%-20s %-8d %-10s %-40s %s\n", *id,
			       now == CV_STOPPED ? 0 : (int)st.pid, cv_status_name(now), st.bundle,
			       st.created);
		cv_state_close(&st);
		free(*id);
	}
	free(ids);
	if (json && (text = json_dumps(all, JSON_COMPACT))) {
		printf("%s\n", text);
		free(text);
	}
	json_decref(all);
	return 0;
}

/*
 * `spec`: a config.json to start from (defaults.c), never over one that
 * exists, as runc refuses to.  Words after the options (`spec -- sh -c
 * ...`) are process.args.
 */
int cv_cmd_spec(struct cv_args *a)
{
	const char *bundle = ".";
	bool rootless = false, terminal = false;
	char path[4096], *text;
	int opt, r;

	while ((opt = cv_args_next(a)) > 0) {
		if (opt == O_BUNDLE)
			bundle = a->val;
		rootless = rootless || opt == O_ROOTLESS;
		terminal = terminal || opt == O_TERMINAL;
	}
	if (opt < 0)
		return opt == CV_ARG_HELP ? 0 : CV_EXIT_USAGE;
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	/* asked first: cv_write_file_new() would truncate a config that is there */
	if (access(path, F_OK) == 0) {
		cv_err_set(a->err, EEXIST, "%s exists", path);
		return cv_err_hint(a->err, "remove it first: spec writes a new one"), 1;
	}
	/* the words left are a NULL-terminated list, as argv ends with NULL (C11 5.1.2.2.1) */
	if (!(text = cv_spec_default(rootless, (const char *const *)(a->argv + a->i))))
		return cv_err_set(a->err, ENOMEM, "spec"), 1;
	/* --terminal: the one "terminal" key of the text, rewritten in place
	 * (the same 17 bytes, a space for the letter "false" has more) */
	if (terminal) {
		char *at = strstr(text, "\"terminal\": false");
		if (at)
			memcpy(at, "\"terminal\": true ", 17);
	}
	r = cv_write_file_new(path, text, strlen(text), 0644, a->err);
	free(text);
	return r < 0 ? 1 : 0;
}
