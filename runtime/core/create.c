/*
 * create.c - `create`: the runtime's side of making a container (see
 * container.h; the container's side is init.c).
 *
 * cv_container_create() reads like the list of what a container is made
 * of, each line a step's module, in the order that works:
 *
 *   1. the bundle's config.json, checked whole   nothing is made for a bad one
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
#include "05-security/apparmor.h"
#include "common/cleanup.h"
#include "common/file.h"
#include "common/syscalls.h"
#include "common/trace.h"
#include "runtime/core/console.h"
#include "runtime/core/container.h"
#include "runtime/core/fault.h"
#include "runtime/core/hooks.h"
#include "runtime/core/init.h"
#include "runtime/core/state.h"
#include "runtime/core/stop.h"

/* Everything create holds while it works. */
struct creation {
	const struct cv_create *c;
	struct cv_spec spec;
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
 * A sysctl is the container's own only when its namespace is: written in a
 * namespace shared with the host, it would change the host (vm.swappiness
 * is the host's, whatever the container).  runc's list.
 */
static int check_sysctl(const struct cv_spec *s, struct cv_err *err)
{
	static const char *const ipc[] = {
	    "kernel.msgmax", "kernel.msgmnb",          "kernel.msgmni",
	    "kernel.sem",    "kernel.shmall",          "kernel.shmmax",
	    "kernel.shmmni", "kernel.shm_rmid_forced", NULL};
	int own = s->ns_new;

	for (unsigned i = 0; i < s->n_joins; i++)
		own |= s->joins[i].flag; /* joined: not the host's either */
	for (size_t i = 0; i < s->n_sysctl; i++) {
		const char *key = s->sysctl[i].key;
		int needs = 0;
		for (const char *const *k = ipc; *k; k++)
			if (!strcmp(key, *k))
				needs = CLONE_NEWIPC;
		if (!strncmp(key, "fs.mqueue.", 10))
			needs = CLONE_NEWIPC;
		if (!strncmp(key, "net.", 4))
			needs = CLONE_NEWNET;
		if (!strcmp(key, "kernel.hostname") || !strcmp(key, "kernel.domainname"))
			needs = CLONE_NEWUTS;
		if (needs && (own & needs))
			continue;
		cv_err_set(err, EINVAL, "config.json: linux.sysctl: `%s` %s", key,
			   needs
			       ? "needs a namespace of its own, which the container has not"
			       : "is not in a separate kernel namespace: it would change the host");
		return cv_err_hint(err,
				   "namespaced sysctls are net.* (with a network namespace), "
				   "kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.* (ipc), and "
				   "kernel.hostname, kernel.domainname (uts)");
	}
	return 0;
}

/* Checks that need no change to the system: a bad config leaves nothing behind. */
static int check_spec(struct creation *k, struct cv_err *err)
{
	struct cv_spec *s = &k->spec;

	if (!s->has_process) {
		cv_err_set(err, EINVAL, "config.json: process: missing");
		return cv_err_hint(err, "a container needs a process to run: \"process\": "
					"{\"args\": [\"sh\"], \"cwd\": \"/\"}");
	}
	if (s->terminal && !k->c->console_socket && k->c->console_fd < 0 && !k->c->foreground) {
		cv_err_set(err, EINVAL,
			   "cannot allocate a terminal when detaching without a console "
			   "socket");
		return cv_err_hint(err, "give --console-socket, or set process.terminal to false");
	}
	if (!s->terminal && k->c->console_socket) {
		cv_err_set(err, EINVAL, "--console-socket given, but process.terminal is false");
		return cv_err_hint(err, "the console socket receives the container's terminal");
	}
	if (check_sysctl(s, err) < 0)
		return -err->code;
	if (s->apparmor && !cv_apparmor_enabled())
		return cv_apparmor_exec(s->apparmor, err); /* the error that says why */
	/* the runtime's own profile is loaded if it is not yet; any other must be */
	if (s->apparmor && !strcmp(s->apparmor, CV_APPARMOR_DEFAULT) && !cv_apparmor_default(err))
		return cv_err_wrap(err, "process.apparmorProfile `%s`", s->apparmor);
	if (s->has_seccomp && cv_seccomp_check(&s->seccomp, err) < 0)
		return cv_err_wrap(err, "config.json: linux.seccomp");
	if (s->has_resources && cv_cg_check(&k->host, s->limits, err) < 0)
		return cv_err_wrap(err, "config.json: linux.resources");
	return 0;
}

/*
 * The devices every container has (null, zero, full, random, urandom,
 * tty, console, ptmx and the ptys) are allowed after the config's own
 * rules, as runc does: a config that denies all ("a", "rwm") still gets a
 * working /dev.  So are the devices linux.devices creates, and mknod of
 * any node (using one is what the rules decide).
 */
static void allow_default_devices(struct cv_spec *s)
{
	static const struct cv_cg_dev_rule standard[] = {
	    {true, 'c', -1, -1, CV_DEV_MKNOD}, {true, 'b', -1, -1, CV_DEV_MKNOD},
	    {true, 'c', 1, 3, CV_DEV_ALL},     {true, 'c', 1, 5, CV_DEV_ALL},
	    {true, 'c', 1, 7, CV_DEV_ALL},     {true, 'c', 1, 8, CV_DEV_ALL},
	    {true, 'c', 1, 9, CV_DEV_ALL},     {true, 'c', 5, 0, CV_DEV_ALL},
	    {true, 'c', 5, 1, CV_DEV_ALL},     {true, 'c', 5, 2, CV_DEV_ALL},
	    {true, 'c', 136, -1, CV_DEV_ALL},
	};
	struct cv_cg_limits *l = s->limits;

	if (!s->has_resources || !l->n_rules)
		return; /* no device rules at all: the cgroup allows everything */
	for (size_t i = 0;
	     i < sizeof(standard) / sizeof(standard[0]) && l->n_rules < CV_CG_MAX_RULES; i++)
		l->rules[l->n_rules++] = standard[i];
	for (size_t i = 0; i < s->n_devices && l->n_rules < CV_CG_MAX_RULES; i++)
		l->rules[l->n_rules++] =
		    (struct cv_cg_dev_rule){true, s->devices[i].type == 'b' ? 'b' : 'c',
					    s->devices[i].major, s->devices[i].minor, CV_DEV_ALL};
}

/* Step 03's spec and step 05's settings, from the config. */
static void build_init(struct creation *k)
{
	const struct cv_spec *s = &k->spec;
	struct cv_rootfs_spec *r = &k->in.rootfs;
	bool dev_bound = false;

	for (size_t i = 0; i < s->n_mounts; i++)
		if (!strcmp(s->mounts[i].destination, "/dev") && s->mounts[i].bind)
			dev_bound = true;
	cv_rootfs_spec_init(r);
	r->root = s->root_abs;
	r->readonly = s->root_readonly;
	r->no_pivot = k->c->no_pivot;
	r->propagation = s->propagation;
	r->mounts = s->mounts;
	r->n_mounts = s->n_mounts;
	r->populate_dev = !dev_bound;
	r->devices = s->devices;
	r->n_devices = s->n_devices;
	r->masked = s->masked;
	r->readonly_paths = s->readonly_paths;
	r->ctx.userns = s->ns_new & CLONE_NEWUSER;
	r->ctx.own_netns = s->ns_new & CLONE_NEWNET;
	r->ctx.own_cgroupns = s->ns_new & CLONE_NEWCGROUP;
	for (unsigned i = 0; i < s->n_joins; i++) {
		if (s->joins[i].flag == CLONE_NEWNET)
			r->ctx.own_netns = true; /* joined, but not the host's */
		if (s->joins[i].flag == CLONE_NEWNS)
			k->in.ns_mnt_join = s->joins[i].path;
		if (s->joins[i].flag == CLONE_NEWPID)
			k->in.ns_pid_join = s->joins[i].path; /* entered by the init's child */
		if (s->joins[i].flag == CLONE_NEWUSER) {
			k->in.ns_user_join = s->joins[i].path;
			r->ctx.userns = true;
		}
	}
	/* no mount namespace, new or joined: the container's mounts are made in ours */
	r->callers_ns = !(s->ns_new & CLONE_NEWNS) && !k->in.ns_mnt_join;
	cv_security_init(&k->in.sec);
	k->in.sec.id = s->id;
	k->in.sec.set_caps = s->has_caps;
	k->in.sec.caps = s->caps;
	if (s->has_caps)
		cv_caps_usable(&k->in.sec.caps); /* one this host lacks: a warning, as runc gives */
	k->in.sec.seccomp = s->has_seccomp ? &s->seccomp : NULL;
	k->in.sec.apparmor = s->apparmor;
	k->in.spec = s;
	k->in.preserve_fds = k->c->preserve_fds;
	k->in.new_keyring = !k->c->no_new_keyring;
	k->in.idle = k->c->idle;
}

/* Step 2: the directory, and a state.json saying what to clean if we die. */
static int make_state(struct creation *k, struct cv_err *err)
{
	char path[PATH_MAX + 16], copy[PATH_MAX + 16];
	_cleanup_close_ int from = -1, to = -1;
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
	/* the config as it was, whole (exec reads it; delete's poststop hooks) */
	snprintf(path, sizeof(path), "%s/config.json", k->spec.bundle);
	snprintf(copy, sizeof(copy), "%s/config.json", k->st.dir);
	if ((from = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return cv_err_sys(err, "open(`%s`)", path);
	if ((to = open(copy, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
		return cv_err_sys(err, "open(`%s`, O_CREAT)", copy);
	return cv_copy_bytes(from, to, copy, err);
}

/* Step 3: the fifo, open for reading and writing: the init inherits it. */
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

	if (!k->in.rootfs.callers_ns)
		return 0;
	if ((r = cv_state_note(&k->st, err, "mount 0 %s", root)) < 0 ||
	    (r = cv_rootfs_bind(root, &k->root_mount, err)) < 0)
		return r;
	return cv_state_note(&k->st, err, "mount %llu %s", k->root_mount, root);
}

/* Runs in create once the init exists: into every cgroup tree, before it does anything. */
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

/* Step 5: the init, in its namespaces and cgroup. */
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
	cv_ns_spec_init(ns);
	if (k->in.ns_user_join || k->in.ns_pid_join) {
		/* the init's child will say its pid, as the kernel translates it for us */
		int on = 1;
		setsockopt(k->sync_fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on));
	}
	if (k->in.ns_user_join) /* the init joins it and makes the rest itself (init.c) */
		goto spawn;
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
spawn:
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
	close(k->in.sync_fd);
	return r < 0 ? r : k->pid < 0 ? (int)k->pid : 0;
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

/* Steps 6 and 7: answer the init until it is created, or reports its error. */
static int converse(struct creation *k, struct cv_err *err)
{
	struct cv_sync m = {0}; /* sent back whole: no stack bytes in what is not filled */
	char control[CMSG_SPACE(sizeof(struct ucred))];
	struct iovec iov = {&m, sizeof(m)};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	char *state;
	size_t len;
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
			cv_fault("before-exec");
			return 0;
		}
		if (m.type == CV_SYNC_PID) {
			if ((r = new_init(k, &mh, err)) < 0)
				return r;
			continue;
		}
		/* CV_SYNC_HOOKS: the mounts are made; before pivot_root */
		cv_fault("after-mounts");
		if (!(state = cv_state_json(&k->st, CV_CREATING)))
			return cv_err_set(err, ENOMEM, "state");
		r = cv_hooks_run(k->spec.hooks[CV_HOOK_PRESTART], k->spec.n_hooks[CV_HOOK_PRESTART],
				 CV_HOOK_PRESTART, state, false, err);
		if (r == 0)
			r = cv_hooks_run(k->spec.hooks[CV_HOOK_CREATE_RUNTIME],
					 k->spec.n_hooks[CV_HOOK_CREATE_RUNTIME],
					 CV_HOOK_CREATE_RUNTIME, state, false, err);
		m.type = CV_SYNC_HOOKS_DONE;
		if (r == 0 && strlen(state) >= sizeof(m.state) && state_read_inside(&k->spec)) {
			cv_err_set(err, E2BIG,
				   "the OCI state for the hooks is %zu bytes, more than %zu",
				   strlen(state), sizeof(m.state) - 1);
			r = cv_err_hint(err, "fewer or shorter annotations in config.json");
		}
		/* cut only when no one in the container reads it */
		len = strnlen(state, sizeof(m.state) - 1);
		memcpy(m.state, state, len);
		m.state[len] = '\0';
		free(state);
		if (r < 0)
			return r;
		if (send(k->sync_fd, &m, sizeof(m), MSG_NOSIGNAL) < 0)
			return cv_err_sys(err, "send(to the container's init)");
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

static int write_pid_file(const char *path, pid_t pid, struct cv_err *err)
{
	char text[32], tmp[PATH_MAX];
	int n = snprintf(text, sizeof(text), "%d", (int)pid);

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (cv_write_file_new(tmp, text, (size_t)n, 0644, err) < 0)
		return -err->code;
	return rename(tmp, path) < 0 ? cv_err_sys(err, "rename(`%s`, `%s`)", tmp, path) : 0;
}

int cv_container_create(const struct cv_create *c, pid_t *init, struct cv_err *err)
{
	struct creation *k = calloc(1, sizeof(*k));
	struct stat self;
	int r;

	if (!k)
		return cv_err_set(err, ENOMEM, "create");
	k->c = c;
	cv_fault(NULL);
	k->st.lock_fd = k->in.fifo_fd = k->in.console_fd = k->sync_fd = k->in.exec.fd = -1;
	if ((r = cv_state_id_check(c->id, err)) < 0 ||
	    (r = cv_spec_load(c->bundle, &k->spec, err)) < 0)
		goto out;
	if ((r = cv_cg_detect(NULL, &k->host, err)) < 0 || (r = check_spec(k, err)) < 0)
		goto out_spec;
	allow_default_devices(&k->spec);
	build_init(k);
	if ((r = cv_rootfs_check(&k->in.rootfs, err)) < 0)
		goto out_spec;
	if (stat("/proc/self/exe", &self) == 0) {
		k->in.self_dev = self.st_dev;
		k->in.self_ino = self.st_ino;
	}
	/* from here on, SIGTERM, SIGINT or SIGHUP undoes what was made (stop.h) */
	if ((r = cv_stop_arm(err)) < 0)
		goto out_spec;
	/* 2-4: what delete must be able to find, then the fifo, then the cgroup */
	if ((r = make_state(k, err)) < 0)
		goto fail;
	cv_fault("after-state");
	if ((r = make_fifo(k, err)) < 0 || (r = make_cgroup(k, err)) < 0 ||
	    (r = bind_root(k, err)) < 0)
		goto fail;
	cv_fault("after-cgroup");
	if (c->console_socket &&
	    (k->in.console_fd = cv_console_connect(c->console_socket, err)) < 0) {
		r = k->in.console_fd;
		goto fail;
	}
	if (c->console_fd >= 0 && k->spec.terminal)
		k->in.console_fd = c->console_fd;
	/* 5: the init (unless create was stopped meanwhile) */
	if ((r = cv_stop_check(err)) < 0 || (r = spawn_init(k, err)) < 0)
		goto fail;
	cv_fault("after-namespaces");
	if ((r = record_init(k, err)) < 0 || (r = converse(k, err)) < 0)
		goto fail;
	/* 7: created */
	k->st.status = CV_CREATED;
	if ((r = cv_stop_final(err)) < 0 || (r = cv_state_save(&k->st, err)) < 0 ||
	    (c->pid_file && (r = write_pid_file(c->pid_file, k->pid, err)) < 0))
		goto fail;
	*init = k->pid;
	cv_trace("container `%s` created: init is pid %d, waiting for start", c->id, (int)k->pid);
	cv_state_close(&k->st);
	goto out_spec;
fail:
	unmake(k);
	if (cv_stop_check(err) < 0) /* whatever failed, it failed because create was stopped */
		r = -EINTR;
out_spec:
	if (k->in.fifo_fd >= 0)
		close(k->in.fifo_fd);
	if (k->in.console_fd >= 0 && k->in.console_fd != c->console_fd)
		close(k->in.console_fd);
	if (k->sync_fd >= 0)
		close(k->sync_fd);
	cv_spec_free(&k->spec);
out:
	free(k);
	cv_stop_disarm(err); /* a signal that stopped create is raised again here */
	return r;
}
