/*
 * join.c - `exec` (see join.h for the picture).
 *
 * Joining is not cloning: setns(2) moves the caller into a namespace,
 * except the pid namespace, which only the caller's children are born in
 * (pid_namespaces(7)) - a process never changes its pid.  Hence two
 * forks.  The child joins every namespace of the container's init at
 * once, through a pidfd (setns(2), since Linux 5.8): the kernel enters
 * the user namespace first and checks the others with the privileges
 * held there, and either all are joined or none.  Its child, the
 * grandchild, is born in the container's pid namespace and becomes the
 * program; the child exits at once.
 *
 * The runtime stays on the host, with the host's view, and does what
 * needs it: it puts the child in the container's cgroup (the host's
 * cgroupfs, at the path state.json names) before the child joins
 * anything, so that the grandchild is born in the cgroup, charged and
 * limited from its first page.  It becomes a child subreaper
 * (PR_SET_CHILD_SUBREAPER), so the grandchild, orphaned when the child
 * exits, is reparented to it and not to the host's init, and exec can
 * wait for its exit status.
 *
 * Success is silence: the report pipe is O_CLOEXEC, so the grandchild's
 * execve closes it and exec reads EOF; anything read before that is the
 * struct cv_err of a failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "01-namespaces/namespaces.h"
#include "02-cgroups/cgroups.h"
#include "05-security/apparmor.h"
#include "common/child.h"
#include "common/file.h"
#include "common/trace.h"
#include "runtime/core/console.h"
#include "runtime/core/init.h"
#include "runtime/core/join.h"
#include "runtime/core/prepare.h"
#include "runtime/core/state.h"

/* Everything exec holds. */
struct tenant {
	const struct cv_exec_opts *o;
	struct cv_state st;
	struct cv_spec spec;  /* the container's config, as saved at create */
	struct cv_spec proc;  /* its process part, as this exec wants it */
	struct cv_spec extra; /* --process FILE.json, parsed */
	bool have_extra;
	const char **env;
	struct cv_init in;
	struct cv_cg_host host;
	struct cv_cgroup cg; /* the container's, when have_cg */
	bool have_cg;
	/* report: errors up, EOF at execve; go: "in the cgroup now"; pid: the grandchild's */
	int report[2], go[2], pid[2], console[2];
};

/*
 * The environment: the container's, with -e entries replacing or adding.
 * Replacing, not appending a second NAME=: getenv() returns the first
 * one, so an appended -e would lose to the container's own value.
 */
static int merge_env(struct tenant *t, struct cv_err *err)
{
	size_t n = 0, k = 0;

	while (t->proc.env && t->proc.env[n])
		n++;
	if (!(t->env = calloc(n + t->o->n_env + 1, sizeof(char *))))
		return cv_err_set(err, ENOMEM, "exec: environment");
	for (size_t i = 0; i < n; i++) {
		size_t len = strcspn(t->proc.env[i], "=");
		bool replaced = false;
		for (unsigned e = 0; e < t->o->n_env; e++)
			replaced |= !strncmp(t->o->env[e], t->proc.env[i], len + 1);
		if (!replaced)
			t->env[k++] = t->proc.env[i];
	}
	for (unsigned e = 0; e < t->o->n_env; e++)
		t->env[k++] = t->o->env[e];
	t->proc.env = t->env;
	return 0;
}

/*
 * The options of exec over the container's process settings, as runc's
 * exec takes them: -u without a group means gid 0, --additional-gids
 * replaces the list, and a --cap is added to every set - bounding,
 * effective, permitted, inheritable and ambient - so that it survives the
 * execve of a program run as a user other than root (capabilities(7):
 * only ambient ones do).
 */
static int apply_options(struct tenant *t, struct cv_err *err)
{
	const struct cv_exec_opts *o = t->o;
	struct cv_spec *p = &t->proc;
	int cap;

	if (o->argv && o->argv[0])
		p->args = (const char **)o->argv;
	if (!p->args || !p->args[0]) {
		cv_err_set(err, EINVAL, "exec: no command given");
		return cv_err_hint(err, "as in `containerv exec ID sh`, or --process FILE.json");
	}
	if (o->cwd)
		p->cwd = o->cwd;
	if (o->user && cv_parse_user(o->user, &p->id.uid, &p->id.gid, err) < 0)
		return -err->code;
	if (o->user && !strchr(o->user, ':'))
		p->id.gid = 0;
	if (o->additional_gids) {
		p->id.set_groups = true;
		p->id.n_gids = 0;
		for (const char *g = o->additional_gids; *g && p->id.n_gids < CV_MAX_GIDS;) {
			char *end;
			p->id.gids[p->id.n_gids++] = (gid_t)strtoul(g, &end, 10);
			if (end == g || (*end && *end != ','))
				return cv_err_set(err, EINVAL,
						  "--additional-gids `%s`: expected G,G",
						  o->additional_gids);
			g = *end ? end + 1 : end;
		}
	}
	for (unsigned i = 0; i < o->n_caps; i++) {
		if (cv_cap_from_name(o->caps[i], &cap, err) < 0)
			return cv_err_wrap(err, "--cap");
		p->has_caps = true;
		p->caps.bounding |= 1ULL << cap;
		p->caps.effective |= 1ULL << cap;
		p->caps.permitted |= 1ULL << cap;
		p->caps.inheritable |= 1ULL << cap;
		p->caps.ambient |= 1ULL << cap;
	}
	if (o->no_new_privs)
		p->id.no_new_privs = true;
	if (o->apparmor)
		p->apparmor = o->apparmor;
	if (o->terminal)
		p->terminal = true;
	return merge_env(t, err);
}

/*
 * --process FILE: an OCI process object, parsed with the config's own
 * parser (cv_spec_process), so it is checked, and its errors read, as a
 * config.json's process would be.
 */
static int load_process(struct cv_spec *s, const char *path, const char *name, struct cv_err *err)
{
	char *text = malloc(CV_JSON_MAX + 16);
	json_t *process;
	ssize_t n;
	int r;

	if (!text)
		return cv_err_set(err, ENOMEM, "--process");
	memcpy(text, "{\"process\":", 11);
	if ((n = cv_json_read(path, name, text + 11, err)) < 0) {
		free(text);
		return (int)n;
	}
	memcpy(text + 11 + n, "}", 2);
	r = cv_json_parse(&s->json, text, (size_t)n + 12, name, err);
	free(text);
	if (r < 0)
		return r;
	s->json.err = err;
	cv_identity_init(&s->id);
	process = json_object_get(s->json.root, "process");
	if (!json_is_object(process))
		return cv_json_type_error(&s->json, "process", "an OCI process object", process);
	return cv_spec_process(s, process);
}

/* The container's config, then the process this exec runs. */
static int load(struct tenant *t, struct cv_err *err)
{
	int r;

	if ((r = cv_spec_load(t->st.dir, &t->spec, err)) < 0)
		return cv_err_wrap(err, "container `%s`: its saved config", t->st.id);
	t->proc = t->spec;
	if (t->o->process_file) {
		memset(&t->extra, 0, sizeof(t->extra));
		t->have_extra = true;
		/* read as {"process": FILE}, on the same first line: errors then name
		 * process.args and the file's own line numbers (a pipe will do: /dev/stdin) */
		if ((r = load_process(&t->extra, t->o->process_file, t->o->process_file, err)) < 0)
			return r;
		/* the process is the file's, whole; namespaces, seccomp and the rest the container's */
		t->proc.terminal = t->extra.terminal;
		t->proc.console_height = t->extra.console_height;
		t->proc.console_width = t->extra.console_width;
		t->proc.args = t->extra.args;
		t->proc.env = t->extra.env;
		t->proc.cwd = t->extra.cwd;
		t->proc.id = t->extra.id;
		t->proc.has_caps = t->extra.has_caps;
		t->proc.caps = t->extra.caps;
		t->proc.apparmor = t->extra.apparmor;
	}
	return apply_options(t, err);
}

/*
 * A failure before execve, sent up the report pipe whole: a struct
 * cv_err is a fixed buffer, written with one write() (under PIPE_BUF
 * bytes, so never split: pipe(7)), and exec reads it as it was.
 */
static void __attribute__((noreturn)) report_and_exit(int fd, const struct cv_err *err, int code)
{
	(void)!write(fd, err, sizeof(*err));
	_exit(code);
}

/*
 * The grandchild: in the container now; finish like the init, and exec.
 * The terminal first: it is made from the container's devpts, now ours
 * (the mount namespace is joined), and cv_init_finish closes every
 * descriptor it was not told of, the console socket among them.
 */
static void __attribute__((noreturn)) tenant_main(struct tenant *t)
{
	const struct cv_spec *p = &t->proc;
	struct cv_err err;

	cv_err_clear(&err);
	if (p->terminal &&
	    cv_console_setup(t->console[1], p->console_height, p->console_width, false, &err) < 0)
		report_and_exit(t->report[1], &err, 126);
	if (cv_init_finish(&t->in, &err) < 0)
		report_and_exit(t->report[1], &err, 126);
	cv_exec_run(&t->in, &t->in.exec, &err);
	report_and_exit(t->report[1], &err, 127);
}

/*
 * Every descriptor but stdio, the preserved ones and the three pipes of
 * this exec is closed: the state directory's lock, the container's config
 * read, a log.  (The process is also not dumpable: cv_container_exec.)
 */
static int hide_host_fds(const struct tenant *t, struct cv_err *err)
{
	int keep[] = {t->report[1], t->pid[1], t->console[1]};

	return cv_close_fds_except(3 + (unsigned)t->o->preserve_fds, keep, 3, err);
}

/*
 * A container with no mount namespace of its own shares ours, where
 * joining its namespaces leaves "/" the host's: its root is the init's,
 * a directory here.  Opened before joining (a user namespace joined may
 * not see the init's /proc entries), entered after (setns of a user
 * namespace refuses a chrooted caller).  *root is -1 when it has its own.
 */
static int shared_root(pid_t init, int *root, struct cv_err *err)
{
	char path[64];
	int shared = cv_ns_shared(init, CLONE_NEWNS, err);

	*root = -1;
	if (shared <= 0)
		return shared;
	snprintf(path, sizeof(path), "/proc/%d/root", (int)init);
	*root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return *root < 0 ? cv_err_sys(err, "open(`%s`)", path) : 0;
}

/* fchdir, then chroot("."): the root entered by its descriptor, no path looked up again. */
static int enter_root(int root, struct cv_err *err)
{
	int r = fchdir(root) < 0 ? -1 : chroot(".");

	cv_trace_sys(r, "chroot(the init's root): the container shares the runtime's mounts");
	close(root);
	return r < 0 ? cv_err_sys(err, "chroot(the container's root)") : 0;
}

/* The child: wait until it is in the cgroup, join the namespaces, fork into the pid one. */
static void __attribute__((noreturn)) child_main(struct tenant *t)
{
	struct cv_err err;
	int root = -1;
	char byte;
	pid_t pid;

	cv_err_clear(&err);
	close(t->go[1]);
	close(t->pid[0]);
	/* until exec has put us in the cgroup: all we fork is then born inside it */
	if (read(t->go[0], &byte, 1) != 1)
		_exit(1);
	close(t->go[0]);
	/* nothing of the host past this point: once in the container's pid namespace, a
	 * process there with CAP_SYS_PTRACE could open /proc/N/fd/M of ours, and the state
	 * directory's descriptor would lead it through the host's filesystem (CVE-2016-9962) */
	if (hide_host_fds(t, &err) < 0 || shared_root(t->st.pid, &root, &err) < 0)
		report_and_exit(t->report[1], &err, 126);
	/* user first, then the rest with the container's privileges: one setns(pidfd) */
	if (cv_ns_join(t->st.pid, cv_ns_all_flags(), false, &err) < 0 ||
	    (root >= 0 && enter_root(root, &err) < 0))
		report_and_exit(t->report[1], &err, 126);
	if ((pid = fork()) < 0) {
		cv_err_sys(&err, "fork() into the container's pid namespace");
		report_and_exit(t->report[1], &err, 126);
	}
	if (pid == 0)
		tenant_main(t);
	/* its pid as exec sees it; then exec, a subreaper, adopts it */
	(void)!write(t->pid[1], &pid, sizeof(pid));
	_exit(0);
}

/*
 * The terminal is -t's, or the process file's "terminal" (-t can only turn
 * it on, as runc's --tty).  A console socket waits for one; a detached
 * process's needs a console socket to go to.  Checked before anything is made.
 */
static int check_terminal(const struct tenant *t, struct cv_err *err)
{
	const struct cv_exec_opts *o = t->o;
	const char *file = o->process_file ? o->process_file : "exec";

	if (o->console_socket && !t->proc.terminal) {
		cv_err_set(err, EINVAL,
			   "%s: process.terminal is false, but --console-socket `%s` "
			   "waits for a terminal",
			   file, o->console_socket);
		return cv_err_hint(err, "set \"terminal\": true in the process file, or add -t");
	}
	if (t->proc.terminal && o->detach && !o->console_socket) {
		cv_err_set(err, EINVAL,
			   "%s: process.terminal is true with --detach, but there is "
			   "no --console-socket",
			   file);
		return cv_err_hint(err, "who would hold the terminal? give --console-socket, or "
					"set \"terminal\": false");
	}
	return 0;
}

/*
 * The pipes, and the terminal's way out, before the fork: the child takes
 * its ends along.  All O_CLOEXEC: the report pipe must close at execve
 * (that EOF is the success), and none of them may reach the program.
 */
static int pipes(struct tenant *t, struct cv_err *err)
{
	int r = 0;

	t->console[0] = t->console[1] = -1;
	if (pipe2(t->report, O_CLOEXEC) < 0 || pipe2(t->go, O_CLOEXEC) < 0 ||
	    pipe2(t->pid, O_CLOEXEC) < 0)
		return cv_err_sys(err, "pipe2()");
	if (!t->proc.terminal)
		return 0;
	if (t->o->console_socket) {
		r = cv_console_connect(t->o->console_socket, err);
		t->console[1] = r;
	} else {
		/* we relay: the terminal starts at our own terminal's size, before the process runs */
		cv_console_our_size(&t->proc.console_height, &t->proc.console_width);
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, t->console) < 0)
			r = cv_err_sys(err, "socketpair() for the terminal");
	}
	return r < 0 ? r : 0;
}

/* The settings of cv_init_finish, from the container's config and this exec. */
static void build(struct tenant *t)
{
	struct cv_init *in = &t->in;

	memset(in, 0, sizeof(*in));
	in->spec = &t->proc;
	in->sync_fd = t->report[1];
	in->fifo_fd = -1;
	in->console_fd = -1;
	in->runtime_fd = -1;
	in->exec.fd = -1;
	in->preserve_fds = t->o->preserve_fds;
	/* our own binary: the program exec runs must never be it (CVE-2019-5736) */
	cv_prepare_self(in);
	cv_security_init(&in->sec);
	in->sec.id = t->proc.id;
	in->sec.set_caps = t->proc.has_caps;
	in->sec.caps = t->proc.caps;
	if (t->proc.has_caps)
		cv_caps_usable(&in->sec.caps);
	/* the container's filter, always: a process file cannot loosen it */
	in->sec.seccomp = t->spec.has_seccomp ? &t->spec.seccomp : NULL;
	in->sec.apparmor = t->proc.apparmor;
	in->policy = t->o->policy;
}

/*
 * The container's cgroup, when it has one (a rootless container without
 * limits has none) and it can be opened; the process is put in it before
 * it joins anything (start).
 */
static void open_cgroup(struct tenant *t, struct cv_err *err)
{
	if (t->st.cgroup[0] && cv_cg_detect(NULL, &t->host, err) == 0 &&
	    cv_cg_open(&t->host, t->st.cgroup, &t->cg, err) == 0)
		t->have_cg = true;
}

/* Start the process; its pid (as seen here), or -errno with err set. */
static pid_t start(struct tenant *t, struct cv_err *err)
{
	struct cv_err report;
	pid_t child, pid = -1;
	ssize_t n;

	/* before the fork: an unwritten buffer copied into the child is written twice */
	fflush(NULL);
	if ((child = fork()) < 0)
		return cv_err_sys(err, "fork()");
	if (child == 0)
		child_main(t);
	close(t->go[0]);
	close(t->pid[1]);
	if (t->have_cg && cv_cg_enter(&t->cg, child, err) < 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		return -err->code;
	}
	(void)!write(t->go[1], "g", 1);
	close(t->go[1]);
	waitpid(child, NULL, 0); /* it exits once it has forked: the grandchild is ours now */
	if (read(t->pid[0], &pid, sizeof(pid)) != sizeof(pid))
		pid = -1;
	close(t->pid[0]);
	close(t->report[1]);
	/* the report pipe closes at the execve; before it, an error comes through it */
	while ((n = read(t->report[0], &report, sizeof(report))) < 0 && errno == EINTR)
		;
	close(t->report[0]);
	if (n == (ssize_t)sizeof(report)) {
		if (pid > 0)
			waitpid(pid, NULL, 0);
		*err = report;
		return -err->code;
	}
	if (pid <= 0)
		return cv_err_set(err, ECHILD, "exec: the process did not start");
	cv_trace("exec: pid %d runs `%s` in container `%s`", (int)pid, t->proc.args[0], t->st.id);
	return pid;
}

static int write_pid(const char *path, pid_t pid, struct cv_err *err)
{
	char text[32];
	int n = snprintf(text, sizeof(text), "%d", (int)pid);

	return cv_write_file_new(path, text, (size_t)n, 0644, err);
}

/* Only a container with processes can be joined: it is their namespaces exec enters. */
static int check_status(const struct tenant *t, struct cv_err *err)
{
	enum cv_status now = cv_state_status(&t->st);

	if (now == CV_RUNNING || now == CV_CREATED)
		return 0;
	cv_err_set(err, EINVAL, "cannot exec in container `%s`: it is %s", t->o->id,
		   cv_status_name(now));
	return cv_err_hint(err, "exec needs a running container");
}

/*
 * In the foreground, exec's exit status is the process's (128+N for
 * signal N, as a shell reports it).  A terminal that is ours to serve (no
 * --console-socket) is relayed until the process exits; otherwise the
 * signals exec gets are passed on to it.
 */
static int wait_tenant(struct tenant *t, pid_t pid, struct cv_err *err)
{
	int status, master;

	if (t->proc.terminal && !t->o->console_socket &&
	    (master = cv_console_recv(t->console[0], true, err)) >= 0) {
		status = cv_console_copy(master, pid);
		close(master);
		status = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
	} else {
		status = cv_wait_forwarding(pid, NULL);
	}
	cv_err_clear(err); /* it ran: what came of it is its exit status, not our error */
	return status;
}

/*
 * What exec holds, let go.  Its ends of the terminal's socket: the
 * process has its own.  The parsed configs last: proc's strings point
 * into them.
 */
static void free_tenant(struct tenant *t)
{
	if (t->console[0] >= 0)
		close(t->console[0]);
	if (t->console[1] >= 0)
		close(t->console[1]);
	if (t->have_extra)
		cv_spec_free(&t->extra);
	if (t->spec.json.root)
		cv_spec_free(&t->spec);
	free(t->env);
	free(t);
}

int cv_container_exec(const struct cv_exec_opts *o, struct cv_err *err)
{
	struct tenant *t = calloc(1, sizeof(*t));
	int status = 1;
	pid_t pid;

	if (!t)
		return cv_err_set(err, ENOMEM, "exec");
	t->o = o;
	t->console[0] = t->console[1] = -1; /* -1 is "no fd": fd 0 is stdin */
	/* the state, locked: the container is not deleted while we join it */
	if (cv_state_open(o->root, o->id, &t->st, err) < 0)
		goto free_tenant;
	/* what to run, checked whole before anything starts: the saved config, the options */
	if (check_status(t, err) < 0 || load(t, err) < 0 || check_terminal(t, err) < 0)
		goto close_state;
	/* the pipes and the terminal before the fork: the child takes its ends */
	if (pipes(t, err) < 0)
		goto close_state;
	/* a profile asked where AppArmor is off: refused here, saying why */
	if (t->proc.apparmor && !cv_apparmor_enabled() &&
	    cv_apparmor_exec(t->proc.apparmor, err) < 0)
		goto close_state;
	open_cgroup(t, err);
	build(t);
	/* before the fork, so the child is born so: the container's processes must not
	 * reach ours through /proc/PID/exe or ptrace (CVE-2019-5736) */
	prctl(PR_SET_DUMPABLE, 0);
	/* the grandchild, orphaned when the child exits, comes to us to be waited for */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	/* the cgroup, then every namespace (user first), then a fork into the pid one */
	pid = start(t, err);
	cv_state_close(&t->st); /* other commands on the container need not wait for this one */
	if (pid < 0 || (o->pid_file && write_pid(o->pid_file, pid, err) < 0))
		goto free_tenant;
	if (o->started)
		*o->started = pid;
	status = o->detach ? 0 : wait_tenant(t, pid, err);
	free_tenant(t);
	return status;
close_state:
	cv_state_close(&t->st);
free_tenant:
	free_tenant(t);
	return status;
}
