/*
 * manage.c - pause, resume, update and ps (see manage.h; events and
 * features are events.c).
 *
 * Each of these acts on the container's cgroup, not on its processes one
 * by one: the cgroup holds every process of the container, those exec
 * added and those they forked, and the kernel applies a freeze or a limit
 * to all of them at once - a process forked during the change cannot slip
 * through, as it could between a list of pids and a loop of kill(2)s.  So
 * each command opens the state (locked, state.c), takes the cgroup's path
 * from it, and hands the work to step 02, which knows v1 from v2.
 *
 * The lock is held while the cgroup is changed: a `delete` waits, and
 * cannot remove the cgroup half-way through an update or a freeze.  ps
 * lets go as soon as it has the pids: running ps(1) takes long, and a
 * list of processes is out of date the moment it is read anyway.
 */
#include <errno.h>
#include <jansson.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "01-namespaces/namespaces.h"
#include "02-cgroups/cgroups.h"
#include "02-cgroups/stats.h"
#include "03-rootfs/mounts.h"
#include "05-security/apparmor.h"
#include "05-security/caps.h"
#include "common/probe.h"
#include "common/trace.h"
#include "runtime/core/manage.h"
#include "runtime/spec/spec.h"
#include "runtime/core/state.h"

/*
 * The container's state (locked) and its cgroup; on success the caller
 * closes st.  A container created without the rights to make a cgroup
 * (rootless, no delegation) has none, and nothing here can act on it.
 */
static int open_cg(const char *root, const char *id, struct cv_state *st, struct cv_cg_host *host,
		   struct cv_cgroup *cg, struct cv_err *err)
{
	int r;

	if ((r = cv_state_open(root, id, st, err)) < 0)
		return r;
	if (!st->cgroup[0]) {
		cv_state_close(st);
		cv_err_set(err, ENOTSUP, "container `%s` has no cgroup", id);
		return cv_err_hint(err, "it was created without the rights to make one");
	}
	if ((r = cv_cg_detect(NULL, host, err)) < 0 ||
	    (r = cv_cg_open(host, st->cgroup, cg, err)) < 0)
		cv_state_close(st);
	return r;
}

/*
 * pause (frozen) or resume: only from running, only from paused.  The
 * freezer stops every process of the cgroup where it stands, with no
 * signal sent (a SIGSTOP its parent would see through waitpid); "paused"
 * is then saved in state.json, runc's status for it, since the OCI
 * statuses have none.
 */
static int freeze(const char *root, const char *id, bool frozen, struct cv_err *err)
{
	enum cv_status want = frozen ? CV_RUNNING : CV_PAUSED;
	struct cv_cg_host host;
	struct cv_cgroup cg;
	struct cv_state st;
	enum cv_status now;
	int r;

	if ((r = open_cg(root, id, &st, &host, &cg, err)) < 0)
		return r;
	/* the status now: a container whose init died is stopped, whatever was saved */
	if ((now = cv_state_status(&st)) != want) {
		cv_err_set(err, EINVAL, "cannot %s container `%s`: it is %s",
			   frozen ? "pause" : "resume", id, cv_status_name(now));
		r = cv_err_hint(err, frozen ? "only a running container can be paused"
					    : "only a paused container can be resumed");
	} else if ((r = cv_cg_freeze(&cg, frozen, err)) == 0) {
		/* saved only once the kernel has done it: state.json never claims a
		 * freeze that failed */
		st.status = frozen ? CV_PAUSED : CV_RUNNING;
		r = cv_state_save(&st, err);
	}
	cv_state_close(&st);
	return r;
}

int cv_container_pause(const char *root, const char *id, struct cv_err *err)
{
	return freeze(root, id, true, err);
}

int cv_container_resume(const char *root, const char *id, struct cv_err *err)
{
	return freeze(root, id, false, err);
}

int cv_container_update(const char *root, const char *id, const struct cv_cg_limits *l,
			struct cv_err *err)
{
	struct cv_cg_host host;
	struct cv_cgroup cg;
	struct cv_state st;
	enum cv_status now;
	int r;

	if ((r = open_cg(root, id, &st, &host, &cg, err)) < 0)
		return r;
	now = cv_state_status(&st);
	/* all of it checked before any of it is written (cv_cg_check): a limit the
	 * host refuses leaves the others as they were, not half of them changed.
	 * Created and paused containers take new limits too */
	/* l comes from outside the core (flags, a document, the C API): this is
	 * where it enters, so its ranges are checked here (limits.h), after the
	 * container is known - a missing container is the first thing said */
	if (now == CV_STOPPED)
		r = cv_err_set(err, EINVAL, "cannot update container `%s`: it is stopped", id);
	else if ((r = cv_cg_limits_check(l, err)) == 0 && (r = cv_cg_check(&host, l, err)) == 0)
		r = cv_cg_set(&cg, l, err);
	cv_state_close(&st);
	return r;
}

/*
 * The document is parsed by the spec's own code for linux.resources
 * (cv_spec_resources): the same fields, checks and messages as in
 * config.json, so update and create cannot disagree on what a field
 * means.  The spec is allocated, not on the stack: it is large.
 */
int cv_update_resources(const char *file, struct cv_cg_limits *l, struct cv_err *err)
{
	struct cv_spec *s = calloc(1, sizeof(*s));
	char *text = malloc(CV_JSON_MAX + 1);
	size_t n = 0;
	ssize_t got = 0;
	int r;

	if (!s || !text) {
		free(s);
		free(text);
		return cv_err_set(err, ENOMEM, "update");
	}
	if (!strcmp(file, "-")) {
		/* one byte more than the limit: a document that fills it is too large */
		while (n <= CV_JSON_MAX &&
		       (got = read(STDIN_FILENO, text + n, CV_JSON_MAX + 1 - n)) > 0)
			n += (size_t)got;
		if (n > CV_JSON_MAX)
			r = cv_err_set(err, EFBIG,
				       "standard input: over %d bytes (1 MiB) is too large",
				       CV_JSON_MAX);
		else
			r = cv_json_parse(&s->json, text, n, "standard input", err);
	} else {
		r = cv_json_load(&s->json, file, file, err);
	}
	/* an object at the top, as linux.resources is; a wrong type says what it is */
	if (r == 0 && !json_is_object(s->json.root))
		r = cv_json_type_error(&s->json, "", "an OCI linux.resources object", s->json.root);
	if (r == 0 && (r = cv_spec_resources(s, s->json.root, "")) == 0)
		*l = *s->limits;
	cv_spec_free(s);
	free(s);
	free(text);
	return r;
}

/*
 * The PID column of ps's header, counted in words: its place depends on
 * the options (-ef puts it second, `-o pid,comm` first), so it is found
 * in the header ps printed rather than assumed; -1 if there is none.
 */
static int pid_column(const char *header)
{
	int col = 0;

	for (const char *p = header; *p;) {
		p += strspn(p, " ");
		if (!strncmp(p, "PID", 3) && (p[3] == ' ' || p[3] == '\0' || p[3] == '\n'))
			return col;
		p += strcspn(p, " \n");
		col++;
	}
	return -1;
}

/* Is pid one of the container's?  A linear search: a few thousand at most. */
static bool listed(pid_t pid, const pid_t *pids, int n)
{
	for (int i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/*
 * Run ps with args; print its header and the lines of the given pids.  ps
 * itself, as runc does it, so the columns and options are the ones users
 * know (`containerv ps ID -- -o pid,rss,comm`).  It runs in our pid
 * namespace, where the cgroup's pids were read: its PID column and the
 * list speak of the same numbers.
 */
static int filter_ps(char *const *ps_args, const pid_t *pids, int n, struct cv_err *err)
{
	char *argv[64] = {"ps"}, line[4096];
	int k = 1, col = -1;
	FILE *in;
	int fds[2], status;
	pid_t child;

	if (!ps_args || !ps_args[0])
		argv[k++] = "-ef";
	for (; ps_args && *ps_args && k < 63; ps_args++)
		argv[k++] = *ps_args;
	if (pipe(fds) < 0 || (child = fork()) < 0)
		return cv_err_sys(err, "running ps");
	/* the child: ps found by PATH, its output down the pipe; 127 if none */
	if (child == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		execvp("ps", argv);
		_exit(127);
	}
	close(fds[1]);
	in = fdopen(fds[0], "r");
	/* the first line is the header: kept, and where the PID column is */
	while (in && fgets(line, sizeof(line), in)) {
		if (col < 0) {
			col = pid_column(line);
			fputs(line, stdout);
			continue;
		}
		/* to the PID column's word, the columns before it taken as one word
		 * each (a command line, which has spaces, is last in ps's formats) */
		char *p = line;
		for (int c = 0; c < col && *p; c++) {
			p += strspn(p, " ");
			p += strcspn(p, " ");
		}
		if (listed((pid_t)atoi(p), pids, n))
			fputs(line, stdout);
	}
	if (in)
		fclose(in);
	waitpid(child, &status, 0);
	if (col < 0)
		return cv_err_set(err, EINVAL, "ps printed no PID column");
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0
							     : cv_err_set(err, ECHILD, "ps failed");
}

/* The pids are the cgroup's (cgroup.procs): the container's, exec's processes included. */
int cv_container_ps(const char *root, const char *id, bool json, char *const *ps_args,
		    struct cv_err *err)
{
	struct cv_cg_host host;
	struct cv_cgroup cg;
	struct cv_state st;
	pid_t pids[4096];
	int n, r;

	if ((r = open_cg(root, id, &st, &host, &cg, err)) < 0)
		return r;
	n = cv_cg_pids(&cg, pids, 4096, err);
	cv_state_close(&st);
	if (n < 0)
		return n;
	if (!json)
		return filter_ps(ps_args, pids, n, err);
	/* --format json: a bare array of pids, as runc prints it */
	printf("[");
	for (int i = 0; i < n; i++)
		printf("%s%d", i ? "," : "", (int)pids[i]);
	printf("]\n");
	return 0;
}
