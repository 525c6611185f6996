/*
 * create.c - `create`: the runtime's side of making a container (see
 * container.h; the container's side is init.c).
 *
 * cv_container_create() reads like the list of what a container is made
 * of, each line a step's module, in the order that works:
 *
 *   1. the config, checked whole (prepare.c)     nothing is made for a bad one
 *   2. the state directory, state.json           so `delete` finds whatever follows
 *   3. exec.fifo                                 where the init will wait for start
 *   4. the cgroup and its limits (step 02)       before the init exists: it is born in it
 *      and, with no mount namespace, the rootfs  bound in ours: its mounts go inside
 *   5. the init (step 01)                        new namespaces, id maps, hostname
 *   6. prestart and createRuntime hooks          when the init has mounted, before pivot_root
 *   7. "created", the pid file                   the init now waits at exec.fifo
 *
 * If any of it fails, what was made is unmade, in reverse; a SIGTERM,
 * SIGINT or SIGHUP meanwhile is a failure too (stop.h: the stop pipe),
 * and is raised again once all is undone.  What is the container's is
 * written down as it is made, before it is made (state.h: `owned`): a
 * create killed at any point leaves delete a record it can trust - which
 * cgroup directories it made (one it found, empty, stays), and the init.
 * A cgroup that other processes use is refused: its processes are not
 * the container's to kill (step 02, cv_cg_plan).
 *
 * Why the runtime makes these and not the init: the state directory, the
 * cgroup and the hooks need the host's view - its mount namespace, its
 * cgroupfs, its paths - which the init leaves behind at clone().  What
 * the init makes (its mounts, its root, its security) is what it alone
 * can make from inside.  The two talk over a socket pair (init.h).
 *
 * The config comes from BUNDLE/config.json, or already parsed from the
 * C API (struct cv_create's spec): the API builds the same document in
 * memory and parses it with the same code, so both are checked alike and
 * nothing but the state directory is written.
 *
 * The fault points (fault.h) sit in the helpers, at the end of the step
 * each names: a test build dies there, to show delete cleans up after it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "01-namespaces/namespaces.h"
#include "02-cgroups/cgroups.h"
#include "03-rootfs/copyup.h"
#include "03-rootfs/rootfs.h"
#include "common/cleanup.h"
#include "common/file.h"
#include "common/syscalls.h"
#include "common/trace.h"
#include "runtime/core/console.h"
#include "runtime/core/container.h"
#include "runtime/core/fault.h"
#include "runtime/core/hooks.h"
#include "runtime/core/init.h"
#include "runtime/core/prepare.h"
#include "runtime/core/state.h"
#include "runtime/core/stop.h"

/* Everything create holds while it works. */
struct creation {
	const struct cv_create *c;
	struct cv_spec spec; /* read from the bundle, or moved here from c->spec */
	struct cv_state st;
	struct cv_cg_host host;
	struct cv_cgroup cg;
	bool have_cg;
	unsigned long long root_mount; /* the rootfs bound in our mount namespace, or 0 */
	struct cv_init in;
	int sync_fd; /* the runtime's end */
	pid_t pid;
};

/*
 * Create's record, every descriptor "none" (-1, never 0: fd 0 is stdin).
 * A spec the caller parsed (c->spec) is moved in at once - the struct
 * copied, the caller's emptied - so that every way out of create frees
 * it exactly once, and the caller never does.
 */
static struct creation *creation_new(const struct cv_create *c)
{
	struct creation *k = calloc(1, sizeof(*k));

	if (!k) {
		if (c->spec)
			cv_spec_free(c->spec);
		return NULL;
	}
	k->c = c;
	k->st.lock_fd = k->in.fifo_fd = k->in.console_fd = k->sync_fd = k->in.exec.fd = -1;
	if (c->spec) {
		k->spec = *c->spec;
		memset(c->spec, 0, sizeof(*c->spec));
	}
	return k;
}

/*
 * Step 1: the config, and everything that can be decided from it before
 * the system changes (prepare.c).  A CV_FAULT naming no point fails even
 * earlier: a test that misspells one must not pass by never dying.
 */
static int prepare(struct creation *k, struct cv_err *err)
{
	const struct cv_create *c = k->c;
	int r;

	cv_fault(NULL);
	/* the id names a directory: checked before any path is built from it */
	if ((r = cv_state_id_check(c->id, err)) < 0)
		return r;
	if (!c->spec && (r = cv_spec_load(c->bundle, &k->spec, err)) < 0)
		return r;
	k->spec.json.err = err; /* where the spec's late errors go: this create's */
	if ((r = cv_cg_detect(NULL, &k->host, err)) < 0 ||
	    (r = cv_prepare_check(c, &k->spec, &k->host, err)) < 0)
		return r;
	cv_prepare_devices(&k->spec);
	cv_prepare_init(c, &k->spec, &k->in);
	if ((r = cv_rootfs_check(&k->in.rootfs, err)) < 0)
		return r;
	/* our own binary, as it is now: the container's program must never be it */
	cv_prepare_self(&k->in);
	return 0;
}

/*
 * The config as it was, whole, beside state.json: exec reads it back,
 * and delete's poststop hooks (state.h).  A bundle's is copied byte for
 * byte - the bundle may change or go once create is done; one given in
 * memory (the C API's) is written out from its document.
 */
static int save_config(struct creation *k, struct cv_err *err)
{
	char path[PATH_MAX + 16], copy[PATH_MAX + 16], *text;
	_cleanup_close_ int from = -1, to = -1;
	int r;

	snprintf(copy, sizeof(copy), "%s/config.json", k->st.dir);
	if (k->c->spec) {
		text = json_dumps(k->spec.json.root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (!text)
			return cv_err_set(err, ENOMEM, "writing `%s`", copy);
		r = cv_write_file_new(copy, text, strlen(text), 0600, err);
		free(text);
		return r;
	}
	snprintf(path, sizeof(path), "%s/config.json", k->spec.bundle);
	if ((from = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return cv_err_sys(err, "open(`%s`)", path);
	if ((to = open(copy, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
		return cv_err_sys(err, "open(`%s`, O_CREAT)", copy);
	return cv_copy_bytes(from, to, copy, err);
}

/*
 * Step 2: the directory, and a state.json saying what to clean if we die.
 * The lock cv_state_make takes is held until "created": other commands on
 * this id wait, and one that gets it while the status is still
 * "creating" knows this create died (state.h).
 */
static int make_state(struct creation *k, struct cv_err *err)
{
	int r;

	if ((r = cv_state_make(k->c->root, k->c->id, &k->st, err)) < 0)
		return r;
	snprintf(k->st.bundle, sizeof(k->st.bundle), "%s", k->spec.bundle);
	snprintf(k->st.rootfs, sizeof(k->st.rootfs), "%s", k->spec.root_abs);
	if (k->spec.cgroups_path && k->spec.cgroups_path[0])
		snprintf(k->st.cgroup, sizeof(k->st.cgroup), "%s", k->spec.cgroups_path);
	else
		snprintf(k->st.cgroup, sizeof(k->st.cgroup), "/containerv/%s", k->c->id);
	k->st.annotations = json_incref(k->spec.annotations);
	/* the record of what is the container's (state.h), begun before anything is made */
	if ((r = cv_state_note(&k->st, err, "cgroup %s", k->st.cgroup)) < 0 ||
	    (r = cv_state_save(&k->st, err)) < 0)
		return r;
	if ((r = save_config(k, err)) < 0)
		return r;
	cv_fault("after-state");
	return 0;
}

/*
 * Step 3: the fifo, open for reading and writing: the init inherits it.
 * O_RDWR, not O_RDONLY: opening a fifo for reading alone blocks until a
 * writer comes (fifo(7)); with both ends ours it opens at once, and the
 * init's read then blocks until `start` writes a byte.
 */
static int make_fifo(struct creation *k, struct cv_err *err)
{
	char path[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/exec.fifo", k->st.dir);
	if (mkfifo(path, 0600) < 0)
		return cv_err_sys(err, "mkfifo(`%s`)", path);
	k->in.fifo_fd = open(path, O_RDWR | O_CLOEXEC);
	return k->in.fifo_fd < 0 ? cv_err_sys(err, "open(`%s`)", path) : 0;
}

/*
 * Write down which directories of the cgroup are ours: before cv_cg_make,
 * those it will make (planned NULL); after it, any it made differently
 * (someone else made one meanwhile).  A create killed in between leaves a
 * record that delete can trust: a directory not in it is not ours.
 */
static int note_made(struct creation *k, const int *planned, struct cv_err *err)
{
	for (unsigned i = 0; i < k->cg.n; i++) {
		const struct cv_cg_dir *d = &k->cg.dir[i];
		if ((!planned || planned[i] != d->made) &&
		    cv_state_note(&k->st, err, "made %s %d", d->tree->name, d->made) < 0)
			return -err->code;
	}
	return 0;
}

/*
 * Step 4: the cgroup.  One that other processes use is refused (escape 4:
 * delete would kill them all); an empty one is used, but is not ours.
 * Without the rights to make one, and with no limits asked, do without.
 */
static int make_cgroup(struct creation *k, struct cv_err *err)
{
	int planned[CV_CG_MAX_TREES], r;

	if ((r = cv_cg_plan(&k->host, k->st.cgroup, &k->cg, err)) < 0 ||
	    (r = note_made(k, NULL, err)) < 0)
		return r;
	for (unsigned i = 0; i < k->cg.n; i++)
		planned[i] = k->cg.dir[i].made;
	r = cv_cg_make(&k->cg, err);
	if (r == -EACCES || r == -EPERM || r == -EROFS) {
		if (k->spec.has_resources)
			return cv_err_wrap(err, "config.json: linux.resources need a cgroup");
		cv_trace("no cgroup for an unprivileged container without limits");
		k->st.cgroup[0] = '\0';
		if ((r = cv_state_note(&k->st, err, "cgroup ")) < 0)
			return r;
		return cv_state_save(&k->st, err);
	}
	if (r < 0)
		return r;
	k->have_cg = true;
	if ((r = note_made(k, planned, err)) < 0)
		return r;
	return k->spec.has_resources ? cv_cg_set(&k->cg, k->spec.limits, err) : 0;
}

/*
 * Step 4b, for a container with no mount namespace of its own: the mounts
 * it makes are in ours, so its rootfs is bound onto itself first and they
 * go inside that bind - written down before it is made, then with the
 * mount's id, so that delete detaches it, and everything under it.
 */
static int bind_root(struct creation *k, struct cv_err *err)
{
	const char *root = k->in.rootfs.root;
	int r;

	if (k->in.rootfs.callers_ns &&
	    ((r = cv_state_note(&k->st, err, "mount 0 %s", root)) < 0 ||
	     (r = cv_rootfs_bind(root, &k->root_mount, err)) < 0 ||
	     (r = cv_state_note(&k->st, err, "mount %llu %s", k->root_mount, root)) < 0))
		return r;
	/* the cgroup with its limits, and the bind: all the init will be born into */
	cv_fault("after-cgroup");
	return 0;
}

/*
 * The terminal's way out, before the init: it inherits the descriptor
 * and sends the master over it once it has made the terminal in the
 * container's own devpts (init.c).  --console-socket is connected here,
 * in our mount namespace, where its path means what the caller meant.  A
 * socket handed over connected (`run` in the foreground, console.h) is
 * used only when the config asks for a terminal.
 */
static int open_console(struct creation *k, struct cv_err *err)
{
	const struct cv_create *c = k->c;

	if (c->console_socket &&
	    (k->in.console_fd = cv_console_connect(c->console_socket, err)) < 0)
		return k->in.console_fd;
	if (c->console_fd >= 0 && k->spec.terminal)
		k->in.console_fd = c->console_fd;
	return 0;
}

/*
 * Runs in create once the init exists: into every cgroup tree, before it
 * does anything.  Where it can, the init is born in the v2 tree already
 * (clone3's CLONE_INTO_CGROUP, with cv_cg_clone_fd's directory); a v1
 * host has a tree per controller, which only this puts it in.  The init
 * waits until it is done (step 01's parent_hook): nothing it does escapes
 * the limits.
 */
static int enter_cgroup(pid_t child, void *arg, struct cv_err *err)
{
	struct creation *k = arg;

	return k->have_cg ? cv_cg_enter(&k->cg, child, err) : 0;
}

/*
 * Namespaces given by path (but mount, joined by the init): entered by
 * create around the clone, so the init is born in them, then left.
 */
static int join_around(const struct cv_spec *s, int *saved, bool back, struct cv_err *err)
{
	int r;

	for (unsigned i = 0; i < s->n_joins; i++) {
		const struct cv_ns_type *t = cv_ns_by_flag(s->joins[i].flag);
		char own[64];
		if (t->flag == CLONE_NEWNS || t->flag == CLONE_NEWUSER || t->flag == CLONE_NEWPID)
			continue;
		if (!back) {
			snprintf(own, sizeof(own), "/proc/self/ns/%s", t->name);
			saved[i] = open(own, O_RDONLY | O_CLOEXEC);
			if ((r = cv_ns_join_path(s->joins[i].path, t->flag, err)) < 0)
				return cv_err_wrap(err, "config.json: linux.namespaces (%s)",
						   t->oci);
		} else if (saved[i] >= 0) {
			(void)!sys_setns(saved[i], t->flag);
			close(saved[i]);
			saved[i] = -1;
		}
	}
	return 0;
}

/*
 * The namespaces the init is born in (step 01).  Joining a user namespace
 * by path, the init makes them itself, after joining it (init.c,
 * join_late): new namespaces belong to the user namespace of the process
 * that makes them (user_namespaces(7)), and clone() from here would make
 * them ours.
 */
static void init_namespaces(const struct creation *k, struct cv_ns_spec *ns)
{
	const struct cv_spec *s = &k->spec;

	cv_ns_spec_init(ns);
	if (k->in.ns_user_join)
		return;
	ns->flags = s->ns_new & ~CLONE_NEWCGROUP; /* the init unshares it once in its cgroup */
	ns->hostname = s->hostname;
	ns->domainname = s->domainname;
	ns->uid_map = s->uid_map;
	ns->gid_map = s->gid_map;
	/* in a new user namespace, become its root at once (when mapped): until then
	 * the init is the overflow uid there and cannot even create a file */
	if ((s->ns_new & CLONE_NEWUSER) && cv_idmap_has_inside(&s->uid_map, 0) &&
	    cv_idmap_has_inside(&s->gid_map, 0))
		ns->uid = 0, ns->gid = 0;
	ns->monotonic = s->monotonic;
	ns->boottime = s->boottime;
}

/*
 * Step 5: the init, in its namespaces and cgroup.  SOCK_SEQPACKET keeps
 * each message whole (a struct cv_sync per read) and, unlike a pipe, says
 * EOF when the init dies: its end of the pair is then closed by the kernel.
 */
static int spawn_init(struct creation *k, struct cv_err *err)
{
	const struct cv_spec *s = &k->spec;
	struct cv_ns_spec *ns = calloc(1, sizeof(*ns));
	int sv[2], saved[8] = {-1, -1, -1, -1, -1, -1, -1, -1}, stop_fd, r;
	int keep[4];

	if (!ns || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		free(ns);
		return cv_err_sys(err, "socketpair(AF_UNIX, SOCK_SEQPACKET)");
	}
	k->sync_fd = k->in.runtime_fd = sv[0];
	k->in.sync_fd = sv[1];
	keep[0] = sv[0], keep[1] = sv[1], keep[2] = k->in.fifo_fd, keep[3] = k->in.console_fd;
	if (k->in.ns_user_join || k->in.ns_pid_join) {
		/* the init's child will say its pid, as the kernel translates it for us */
		int on = 1;
		setsockopt(k->sync_fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on));
	}
	init_namespaces(k, ns);
	ns->cgroup_fd = k->have_cg ? cv_cg_clone_fd(&k->cg, err) : -1;
	ns->parent_hook = enter_cgroup;
	ns->parent_hook_arg = k;
	/* the init holds nothing of ours but what it needs: not the state directory's
	 * lock, not the host's namespaces saved by join_around (CVE-2016-9962's kind) */
	ns->close_from = 3 + (unsigned)k->in.preserve_fds;
	ns->keep = keep;
	ns->n_keep = 4;
	/* and it is not dumpable from birth where that leaves our uid_map write possible;
	 * else from its first line (init.c, hide_from_container) */
	ns->not_dumpable = !(ns->flags & CLONE_NEWUSER) || geteuid() == 0;
	/* the init starts as a copy of us: the copy must not take our stop pipe for its
	 * own (stop.h; the handler it inherits does what the signal would) */
	stop_fd = cv_stop_fd;
	cv_stop_fd = -1;
	r = join_around(s, saved, false, err);
	if (r == 0)
		k->pid = cv_ns_spawn(ns, cv_init_main, &k->in, err);
	join_around(s, saved, true, err);
	cv_stop_fd = stop_fd;
	if (ns->cgroup_fd >= 0)
		close(ns->cgroup_fd);
	free(ns);
	close(k->in.sync_fd); /* the init's end: ours open would hide its EOF from us */
	if (r < 0 || k->pid < 0)
		return r < 0 ? r : (int)k->pid;
	cv_fault("after-namespaces"); /* its pid not yet in state.json: record_init is next */
	return 0;
}

/* The init, in the record of what is the container's (state.h) and in state.json. */
static int record_init(struct creation *k, struct cv_err *err)
{
	int r;

	k->st.pid = k->pid;
	k->st.start = cv_proc_start(k->pid);
	if ((r = cv_state_note(&k->st, err, "init %d %llu", (int)k->st.pid, k->st.start)) < 0)
		return r;
	return cv_state_save(&k->st, err);
}

/*
 * After joining a user or pid namespace the init forked (init.c, join_late): its
 * child is the container's init; the kernel wrote its pid, as seen here,
 * into the credentials.  The first one exits at once: reap it.
 */
static int new_init(struct creation *k, struct msghdr *mh, struct cv_err *err)
{
	struct cmsghdr *cm = CMSG_FIRSTHDR(mh);
	struct ucred cred;

	if (!cm || cm->cmsg_type != SCM_CREDENTIALS)
		return cv_err_set(err, EPROTO, "the container's init sent no credentials");
	memcpy(&cred, CMSG_DATA(cm), sizeof(cred));
	waitpid(k->pid, NULL, 0);
	k->pid = cred.pid;
	cv_trace("the container's init is pid %d", (int)cred.pid);
	return record_init(k, err);
}

/* Until the init has something to say; -EINTR if create is stopped first. */
static int wait_init(struct creation *k, struct cv_err *err)
{
	struct pollfd p[2] = {{k->sync_fd, POLLIN, 0}, {cv_stop_fd, POLLIN, 0}};
	int r;

	while ((r = poll(p, 2, -1)) < 0 && errno == EINTR)
		;
	if (r < 0)
		return cv_err_sys(err, "poll(the container's init)");
	return p[1].revents ? cv_stop_check(err) : 0;
}

/* Who reads the OCI state in the container: its hooks, a seccomp listener. */
static bool state_read_inside(const struct cv_spec *s)
{
	return s->n_hooks[CV_HOOK_CREATE_CONTAINER] || s->n_hooks[CV_HOOK_START_CONTAINER] ||
	       (s->has_seccomp && s->seccomp.listener_path[0]);
}

/*
 * Step 6, when the init says its mounts are made: prestart and
 * createRuntime, here in the runtime's namespaces.  Before its
 * pivot_root, so a hook can still reach the container's mounts from
 * outside (runtime-spec config.md, createRuntime).  The answer carries
 * the OCI state, for the createContainer and startContainer hooks the
 * init runs inside, where our state directory cannot be read.
 */
static int run_hooks(struct creation *k, struct cv_sync *m, struct cv_err *err)
{
	char *state;
	size_t len;
	int r;

	cv_fault("after-mounts");
	if (!(state = cv_state_json(&k->st, CV_CREATING)))
		return cv_err_set(err, ENOMEM, "state");
	r = cv_hooks_run(k->spec.hooks[CV_HOOK_PRESTART], k->spec.n_hooks[CV_HOOK_PRESTART],
			 CV_HOOK_PRESTART, state, false, err);
	if (r == 0)
		r = cv_hooks_run(k->spec.hooks[CV_HOOK_CREATE_RUNTIME],
				 k->spec.n_hooks[CV_HOOK_CREATE_RUNTIME], CV_HOOK_CREATE_RUNTIME,
				 state, false, err);
	m->type = CV_SYNC_HOOKS_DONE;
	if (r == 0 && strlen(state) >= sizeof(m->state) && state_read_inside(&k->spec)) {
		cv_err_set(err, E2BIG, "the OCI state for the hooks is %zu bytes, more than %zu",
			   strlen(state), sizeof(m->state) - 1);
		r = cv_err_hint(err, "fewer or shorter annotations in config.json");
	}
	/* cut only when no one in the container reads it */
	len = strnlen(state, sizeof(m->state) - 1);
	memcpy(m->state, state, len);
	m->state[len] = '\0';
	free(state);
	if (r < 0)
		return r;
	/* MSG_NOSIGNAL: an init that died meanwhile is an error here, not our SIGPIPE */
	if (send(k->sync_fd, m, sizeof(*m), MSG_NOSIGNAL) < 0)
		return cv_err_sys(err, "send(to the container's init)");
	return 0;
}

/*
 * Steps 6 and 7: answer the init until it is created, or reports its
 * error.  A read shorter than the header is EOF: the init died, and the
 * kernel closed its end (SOCK_SEQPACKET keeps each message whole).
 */
static int converse(struct creation *k, struct cv_err *err)
{
	struct cv_sync m = {0}; /* sent back whole: no stack bytes in what is not filled */
	char control[CMSG_SPACE(sizeof(struct ucred))];
	struct iovec iov = {&m, sizeof(m)};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	ssize_t n;
	int r;

	for (;;) {
		mh.msg_control = control;
		mh.msg_controllen = sizeof(control);
		if ((r = wait_init(k, err)) < 0)
			return r;
		while ((n = recvmsg(k->sync_fd, &mh, 0)) < 0 && errno == EINTR)
			;
		if (n < (ssize_t)offsetof(struct cv_sync, state))
			return cv_err_set(err, ECHILD,
					  "the container's init died while it was set up");
		if (m.type == CV_SYNC_ERROR) {
			*err = m.err;
			return -err->code;
		}
		if (m.type == CV_SYNC_CREATED) {
			cv_fault("before-exec"); /* it waits at exec.fifo; still "creating" */
			return 0;
		}
		if (m.type == CV_SYNC_PID) {
			if ((r = new_init(k, &mh, err)) < 0)
				return r;
			continue;
		}
		/* CV_SYNC_HOOKS: the mounts are made; before pivot_root */
		if ((r = run_hooks(k, &m, err)) < 0)
			return r;
	}
}

/*
 * Undo, in reverse: the container's processes (the init and what it
 * started: in a cgroup we made, all it holds), the mounts made in our
 * mount namespace, the cgroup directories we made, the state directory.
 */
static void unmake(struct creation *k)
{
	struct cv_err ignored;

	if (k->pid > 0) {
		k->st.pid = k->pid; /* perhaps not recorded yet */
		k->st.start = cv_proc_start(k->pid);
		cv_container_kill_all(&k->st, k->have_cg ? &k->cg : NULL);
		kill(k->pid, SIGKILL);
		waitpid(k->pid, NULL, 0);
	}
	if (k->root_mount)
		cv_rootfs_unbind(k->in.rootfs.root, k->root_mount, &ignored);
	if (k->have_cg)
		cv_cg_destroy(&k->cg, &ignored);
	if (k->st.lock_fd >= 0)
		cv_state_remove(&k->st, &ignored);
}

/*
 * The pid file, as runc writes it: whole or not at all - written beside
 * and renamed over (rename(2) is atomic), so that an engine polling for it
 * never reads half a number.
 */
static int write_pid_file(const char *path, pid_t pid, struct cv_err *err)
{
	char text[32], tmp[PATH_MAX];
	int n = snprintf(text, sizeof(text), "%d", (int)pid);

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (cv_write_file_new(tmp, text, (size_t)n, 0644, err) < 0)
		return -err->code;
	return rename(tmp, path) < 0 ? cv_err_sys(err, "rename(`%s`, `%s`)", tmp, path) : 0;
}

/*
 * Step 7: "created".  Signals are blocked first (cv_stop_final): one that
 * comes after state.json says "created" is the caller's to handle, not a
 * reason to undo a container it was told exists.  state.json is saved
 * before the lock is let go, so the next command reads "created".
 */
static int finish(struct creation *k, struct cv_err *err)
{
	int r;

	k->st.status = CV_CREATED;
	if ((r = cv_stop_final(err)) < 0 || (r = cv_state_save(&k->st, err)) < 0 ||
	    (k->c->pid_file && (r = write_pid_file(k->c->pid_file, k->pid, err)) < 0))
		return r;
	cv_trace("container `%s` created: init is pid %d, waiting for start", k->c->id,
		 (int)k->pid);
	cv_state_close(&k->st);
	return 0;
}

/*
 * What create holds only while it works, let go whether it made the
 * container or not: its ends of the fifo, the socket pair and the
 * console (the init holds its own), and the spec; then the caller's
 * signal handlers are put back (stop.h).
 */
static void release(struct creation *k, const struct cv_err *err)
{
	if (k->in.fifo_fd >= 0)
		close(k->in.fifo_fd);
	if (k->in.console_fd >= 0 && k->in.console_fd != k->c->console_fd)
		close(k->in.console_fd); /* the caller's own socket stays the caller's */
	if (k->sync_fd >= 0)
		close(k->sync_fd);
	cv_spec_free(&k->spec);
	free(k);
	cv_stop_disarm(err); /* a signal that stopped create is raised again here */
}

int cv_container_create(const struct cv_create *c, pid_t *init, struct cv_err *err)
{
	struct creation *k = creation_new(c);
	int r;

	if (!k)
		return cv_err_set(err, ENOMEM, "create");
	/* 1. the config checked whole first: one refused leaves nothing to undo */
	if ((r = prepare(k, err)) < 0)
		goto release;
	/* 2. from here on, SIGTERM, SIGINT or SIGHUP undoes what was made (stop.h) */
	if ((r = cv_stop_arm(err)) < 0)
		goto release;
	/* 3. the state directory first: all that follows is written down there, for delete */
	if ((r = make_state(k, err)) < 0)
		goto unmake;
	/* 4. exec.fifo before the init: it inherits the end it will wait at */
	if ((r = make_fifo(k, err)) < 0)
		goto unmake;
	/* 5. the cgroup before the init: it must be born inside it */
	if ((r = make_cgroup(k, err)) < 0)
		goto unmake;
	/* 6. no mount namespace of its own: its rootfs bound in ours, for its mounts to go in */
	if ((r = bind_root(k, err)) < 0)
		goto unmake;
	/* 7. the console socket before the init: it takes the descriptor along */
	if ((r = open_console(k, err)) < 0)
		goto unmake;
	/* 8. the init, unless a signal stopped create meanwhile */
	if ((r = cv_stop_check(err)) < 0 || (r = spawn_init(k, err)) < 0)
		goto unmake;
	/* 9. its pid written down at once: killed from here, create leaves delete a process */
	if ((r = record_init(k, err)) < 0)
		goto unmake;
	/* 10. the hooks when the init has mounted; until it says "created" */
	if ((r = converse(k, err)) < 0)
		goto unmake;
	/* 11. created: the init waits at exec.fifo for start */
	if ((r = finish(k, err)) < 0)
		goto unmake;
	*init = k->pid;
	release(k, err);
	return 0;
unmake:
	unmake(k);
	if (cv_stop_check(err) < 0) /* whatever failed, it failed because create was stopped */
		r = -EINTR;
release:
	release(k, err);
	return r;
}
