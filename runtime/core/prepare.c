/*
 * prepare.c - create's step 1: the config, checked against this host
 * and turned into the init's settings (see prepare.h).
 *
 * The parse (runtime/spec/) has already refused what no host could run;
 * what is left depends on where the container runs and how create was
 * called: does this kernel have the seccomp actions, is AppArmor on, do
 * the cgroup controllers exist, is there a console socket for a
 * terminal.  Those answers are cheap and change nothing, so they are all
 * asked before the state directory exists - a refused config then needs
 * no undoing, and a killed create leaves nothing to clean.
 *
 * The rest only reshapes the spec into what the steps take: step 03's
 * struct cv_rootfs_spec and step 05's struct cv_security.  The init reads
 * them after the clone, from its copy of our memory, so they are filled
 * in here, before it exists.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "01-namespaces/namespaces.h"
#include "05-security/apparmor.h"
#include "runtime/core/prepare.h"

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
int cv_prepare_check(const struct cv_create *c, const struct cv_spec *s,
		     const struct cv_cg_host *host, struct cv_err *err)
{

	if (!s->has_process) {
		cv_err_set(err, EINVAL, "config.json: process: missing");
		return cv_err_hint(err, "a container needs a process to run: \"process\": "
					"{\"args\": [\"sh\"], \"cwd\": \"/\"}");
	}
	if (s->terminal && !c->console_socket && c->console_fd < 0 && !c->foreground) {
		cv_err_set(err, EINVAL,
			   "cannot allocate a terminal when detaching without a console "
			   "socket");
		return cv_err_hint(err, "give --console-socket, or set process.terminal to false");
	}
	if (!s->terminal && c->console_socket) {
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
	/* an action or flag this kernel lacks: refused now, not at the init's seccomp(2),
	 * the last thing it does, after all the rest was made and must be undone */
	if (s->has_seccomp && cv_seccomp_check(&s->seccomp, err) < 0)
		return cv_err_wrap(err, "config.json: linux.seccomp");
	/* a limit whose controller this host lacks: refused before the cgroup is made */
	if (s->has_resources && cv_cg_check(host, s->limits, err) < 0)
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
void cv_prepare_devices(struct cv_spec *s)
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

/*
 * Step 03's spec and step 05's settings, from the config.  A /dev bound
 * from elsewhere is the container's /dev whole: it is not populated with
 * the standard nodes on top.  A namespace joined by path counts as the
 * container's own where it matters to the mounts (a network namespace's
 * /sys, a user namespace's restrictions on what may be mounted).
 */
void cv_prepare_init(const struct cv_create *c, const struct cv_spec *s, struct cv_init *in)
{
	struct cv_rootfs_spec *r = &in->rootfs;
	bool dev_bound = false;

	for (size_t i = 0; i < s->n_mounts; i++)
		if (!strcmp(s->mounts[i].destination, "/dev") && s->mounts[i].bind)
			dev_bound = true;
	cv_rootfs_spec_init(r);
	r->root = s->root_abs;
	r->readonly = s->root_readonly;
	r->no_pivot = c->no_pivot;
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
			in->ns_mnt_join = s->joins[i].path;
		if (s->joins[i].flag == CLONE_NEWPID)
			in->ns_pid_join = s->joins[i].path; /* entered by the init's child */
		if (s->joins[i].flag == CLONE_NEWUSER) {
			in->ns_user_join = s->joins[i].path;
			r->ctx.userns = true;
		}
	}
	/* no mount namespace, new or joined: the container's mounts are made in ours */
	r->callers_ns = !(s->ns_new & CLONE_NEWNS) && !in->ns_mnt_join;
	cv_security_init(&in->sec);
	in->sec.id = s->id;
	in->sec.set_caps = s->has_caps;
	in->sec.caps = s->caps;
	if (s->has_caps)
		cv_caps_usable(&in->sec.caps); /* one this host lacks: a warning, as runc gives */
	in->sec.seccomp = s->has_seccomp ? &s->seccomp : NULL;
	in->sec.apparmor = s->apparmor;
	in->spec = s;
	in->preserve_fds = c->preserve_fds;
	in->new_keyring = !c->no_new_keyring;
	in->idle = c->idle;
}

/*
 * /proc/self/exe is the binary this process runs from - after seal.c,
 * perhaps a sealed copy of it, whose origin execve.c checks as well.
 */
void cv_prepare_self(struct cv_init *in)
{
	struct stat self;

	if (stat("/proc/self/exe", &self) == 0) {
		in->self_dev = self.st_dev;
		in->self_ino = self.st_ino;
	}
}
