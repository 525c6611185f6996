/*
 * api.c - the C API of <containerv.h>: options, create, destroy.
 *
 * A container of the API is a runtime container like any other: its
 * options become a config (config.c), built and parsed in memory and
 * handed to `create` as a struct cv_spec - no bundle is written, only the
 * state directory every container has, with its copy of the config.
 * `create` makes it with an idle init (no program), and `start` lets that
 * init run - reaping, holding the namespaces.  Spawned processes are
 * exec's tenants (run.c).  `containerv list --root R` shows these
 * containers too, and `containerv exec` works on them.
 *
 * The library never exits: every failure is a negative errno, its
 * message kept per thread for containerv_error() (a struct cv_err, no
 * malloc: it is filled in children after clone() as well).  The caller's
 * process is the runtime here, and may be a daemon with fds 0-2 closed:
 * each call that starts a process first puts /dev/null there
 * (cv_stdio_open), as `containerv` does once.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "02-cgroups/limits.h"
#include "common/file.h"
#include "common/trace.h"
#include "runtime/api/api.h"
#include "runtime/core/container.h"
#include "runtime/spec/spec.h"

/* Per thread: two threads' failures must not overwrite each other's message. */
static __thread struct cv_err last;
static __thread char last_text[CV_ERR_MSG_MAX + CV_ERR_HINT_MAX + 16];

/* An error without a code is EIO: a failure must never read as 0, success. */
int cv_api_fail(const struct cv_err *err)
{
	last = *err;
	return -(err->code ? err->code : EIO);
}

/*
 * The message and its hint as one text, in a buffer of this thread's:
 * the pointer stays valid until the thread's next call that fails.
 */
const char *containerv_error(void)
{
	if (!last.code)
		return "";
	snprintf(last_text, sizeof(last_text), "%s%s%s", last.msg, last.hint[0] ? "\nhint: " : "",
		 last.hint);
	return last_text;
}

/* ---- options ---------------------------------------------------------- */

/*
 * Every CV_CAP_* but CV_CAP_USERS: in a user namespace the caller's
 * rootfs, owned by the host's root, would be nobody's, and its root could
 * not write it (capabilities reach only files of mapped ids).
 */
struct containerv_options *containerv_options_new(void)
{
	struct containerv_options *o = calloc(1, sizeof(*o));

	if (o)
		o->caps = CV_CAP_NETWORK | CV_CAP_PROCESS_CONTROL | CV_CAP_IPC | CV_CAP_FILESYSTEM |
			  CV_CAP_CGROUPS;
	return o;
}

static void free_mounts(struct containerv_options *o)
{
	for (int i = 0; i < o->n_mounts; i++) {
		free((char *)o->mounts[i].what);
		free((char *)o->mounts[i].where);
		free((char *)o->mounts[i].fstype);
	}
	free(o->mounts);
	o->mounts = NULL;
	o->n_mounts = 0;
}

/* The policy is not freed: it is the caller's (containerv_policy_delete). */
void containerv_options_delete(struct containerv_options *o)
{
	if (!o)
		return;
	free_mounts(o);
	free(o->memory_max);
	free(o->cpu_weight);
	free(o->pids_max);
	free(o->root);
	cv_api_net_free(o);
	free(o);
}

void containerv_options_set_caps(struct containerv_options *o, enum containerv_capabilities caps)
{
	o->caps = caps;
}

void containerv_options_set_users(struct containerv_options *o, uid_t host_start, uid_t child_start,
				  int count)
{
	o->users = (struct cv_api_idmap){true, host_start, child_start, count};
}

void containerv_options_set_groups(struct containerv_options *o, gid_t host_start,
				   gid_t child_start, int count)
{
	o->groups = (struct cv_api_idmap){true, host_start, child_start, count};
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* Copied, strings and all: the caller's array may be gone before create reads it. */
int containerv_options_set_mounts(struct containerv_options *o,
				  const struct containerv_mount *mounts, int count)
{
	free_mounts(o);
	if (count <= 0)
		return 0;
	if (!(o->mounts = calloc((size_t)count, sizeof(*o->mounts))))
		return -ENOMEM;
	for (int i = 0; i < count; i++, o->n_mounts++) {
		o->mounts[i].what = dup_or_null(mounts[i].what);
		o->mounts[i].where = dup_or_null(mounts[i].where);
		o->mounts[i].fstype = dup_or_null(mounts[i].fstype);
		o->mounts[i].flags = mounts[i].flags;
	}
	return 0;
}

/*
 * NULL takes the default: 1G of memory, a weight of 100 (an even share),
 * 256 processes.  Kept as text and checked at create (config.c), where a
 * failure can be returned and named.
 */
void containerv_options_set_cgroup_limits(struct containerv_options *o, const char *memory_max,
					  const char *cpu_weight, const char *pids_max)
{
	free(o->memory_max);
	free(o->cpu_weight);
	free(o->pids_max);
	o->limits = true;
	o->memory_max = strdup(memory_max ? memory_max : "1G");
	o->cpu_weight = strdup(cpu_weight ? cpu_weight : "100");
	o->pids_max = strdup(pids_max ? pids_max : "256");
}

/* NULL: /run/containerv, containerv's own default, so `containerv list` shows them. */
void containerv_options_set_root(struct containerv_options *o, const char *dir)
{
	free(o->root);
	o->root = dup_or_null(dir);
}

void containerv_options_set_policy(struct containerv_options *o, struct containerv_policy *policy)
{
	o->policy = policy;
}

/* ---- create and destroy ----------------------------------------------- */

/*
 * cv- and 48 random bits: processes sharing a state root each make ids,
 * and a counter or a pid of each would collide.
 */
static int new_id(char *id, size_t size, struct cv_err *err)
{
	unsigned char bytes[6];

	if (getrandom(bytes, sizeof(bytes), 0) != (ssize_t)sizeof(bytes))
		return cv_err_sys(err, "getrandom()");
	snprintf(id, size, "cv-%02x%02x%02x%02x%02x%02x", bytes[0], bytes[1], bytes[2], bytes[3],
		 bytes[4], bytes[5]);
	return 0;
}

/*
 * The options' mounts: host directories made first where asked.  Here,
 * before create: a bind of a missing source would fail inside the
 * container's setup, in words about a mount rather than about the option.
 */
static int check_mounts(const struct containerv_options *o, struct cv_err *err)
{
	for (int i = 0; i < o->n_mounts; i++) {
		const struct containerv_mount *m = &o->mounts[i];
		if (!m->where || m->where[0] != '/' || !m->what) {
			cv_err_set(err, EINVAL,
				   "mounts[%d]: `what` and an absolute `where` are needed", i);
			return cv_err_hint(err,
					   "as in {\"/srv/data\", \"/data\", NULL, CV_MOUNT_BIND}");
		}
		if ((m->flags & CV_MOUNT_CREATE) && (m->flags & CV_MOUNT_BIND) &&
		    cv_mkdir_p(m->what, 0755, err) < 0)
			return cv_err_wrap(err, "mounts[%d] (CV_MOUNT_CREATE)", i);
	}
	return 0;
}

/*
 * The container's config, in memory (config.c).  Its bundle - what the
 * OCI state reports, and where a relative path in the config would point
 * - is the container's state directory, absolute: there is no other
 * directory of the container's, and that one holds its config.json.
 */
static int build_spec(const struct containerv_options *o, const char *rootfs,
		      struct containerv_container *c, struct cv_spec **spec, struct cv_err *err)
{
	char root[PATH_MAX], bundle[PATH_MAX + 32], resolv[PATH_MAX], hosts[PATH_MAX];
	const char *net_files[] = {resolv, hosts};
	int r;

	if (!realpath(c->root, root))
		return cv_err_sys(err, "the state root `%s`", c->root);
	snprintf(bundle, sizeof(bundle), "%s/%s", root, c->id);
	/* on a bridge: the files the attach will write, bound at create (net.c) */
	if (o->net.mode == CV_NETWORK_BRIDGE &&
	    (r = cv_api_net_files(o, c, resolv, hosts, err)) < 0)
		return r;
	return cv_api_spec(o, rootfs, c->id, bundle,
			   o->net.mode == CV_NETWORK_BRIDGE ? net_files : NULL, spec, err);
}

/*
 * The host's ids of the container's root: what uploaded files belong to.
 * Without a map of the caller's, config.c's: the container's 0 is 100000.
 */
static void owner(const struct containerv_options *o, struct containerv_container *c)
{
	c->owner_uid = 0;
	c->owner_gid = 0;
	if (!(o->caps & CV_CAP_USERS))
		return;
	/* a map that leaves out the container's 0: its files then look like nobody's */
	c->owner_uid = !o->users.set ? 100000 : o->users.child == 0 ? o->users.host : 65534;
	c->owner_gid = !o->groups.set ? 100000 : o->groups.child == 0 ? o->groups.host : 65534;
}

/*
 * After create: started, and its root open for upload and download.
 * Through /proc/INIT/root, the root as the init sees it after
 * pivot_root: the rootfs directory given would not show the mounts made
 * inside the container's mount namespace (a tmpfs on /tmp, say).
 */
static int run_it(struct containerv_container *c, struct cv_err *err)
{
	char path[64];

	if (cv_container_start(c->root, c->id, err) < 0)
		return -err->code;
	snprintf(path, sizeof(path), "/proc/%d/root", (int)c->init);
	if ((c->root_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return cv_err_sys(err, "open(`%s`)", path);
	return 0;
}

int containerv_create(const char *rootfs, struct containerv_options *o,
		      struct containerv_container **out)
{
	struct containerv_container *c = calloc(1, sizeof(*c));
	struct cv_create cc = {.console_fd = -1, .idle = true};
	struct cv_spec *spec = NULL;
	struct cv_err err;
	int r;

	cv_err_clear(&err);
	*out = NULL;
	if (!c)
		return cv_err_set(&err, ENOMEM, "containerv_create"), cv_api_fail(&err);
	c->root_fd = -1;
	snprintf(c->root, sizeof(c->root), "%s", o && o->root ? o->root : "/run/containerv");
	if (!o) {
		r = cv_err_set(&err, EINVAL, "containerv_create: no options");
		cv_err_hint(&err, "make them with containerv_options_new()");
	} else if ((r = cv_stdio_open(&err)) == 0 &&
		   (r = new_id(c->id, sizeof(c->id), &err)) == 0 &&
		   (r = check_mounts(o, &err)) == 0 && (r = cv_mkdir_p(c->root, 0711, &err)) == 0) {
		r = build_spec(o, rootfs, c, &spec, &err);
	}
	if (r < 0) {
		cv_api_net_down(c);
		free(c);
		return cv_api_fail(&err);
	}
	cc.root = c->root;
	cc.id = c->id;
	cc.spec = spec;
	r = cv_container_create(&cc, &c->init, &err);
	free(spec); /* create took what it held, and left it empty */
	/* a container that cannot run is no container: made, started and on its
	 * network, or none of it (the init idles: no spawn can come before) */
	if (r == 0 && ((r = run_it(c, &err)) < 0 ||
		       (o->net.mode == CV_NETWORK_BRIDGE && (r = cv_api_net_up(o, c, &err)) < 0))) {
		struct cv_err ignored;
		cv_container_delete(c->root, c->id, true, &ignored);
		/* the init is our child: delete kills it, we collect it */
		waitpid(c->init, NULL, 0);
	}
	if (r < 0) {
		cv_api_net_down(c);
		free(c);
		return cv_api_fail(&err);
	}
	owner(o, c);
	/* the caller's: it must outlive the container (containerv_options_set_policy) */
	c->policy = o->policy;
	cv_trace("container `%s` runs: init pid %d", c->id, (int)c->init);
	*out = c;
	return 0;
}

/* NULL for no container: safe to call in a caller's error path. */
const char *containerv_id(struct containerv_container *c)
{
	return c ? c->id : NULL;
}

int containerv_destroy(struct containerv_container *c)
{
	struct cv_err err;
	int r;

	if (!c)
		return 0;
	cv_err_clear(&err);
	/* killed first and collected (our children: the init, and through the subreaper
	 * the spawned): a process not yet reaped still counts in the cgroup, which
	 * delete must find empty */
	cv_container_kill(c->root, c->id, SIGKILL, true, &err);
	for (int i = 0; i < c->n_spawned; i++)
		waitpid(c->spawned[i], NULL, 0);
	if (c->init > 0)
		waitpid(c->init, NULL, 0);
	cv_err_clear(&err); /* a kill that found nothing left to kill is no failure */
	/* forced, as `delete --force`: the idle init never stops of itself */
	r = cv_container_delete(c->root, c->id, true, &err);
	cv_api_net_down(c); /* the veth went with the namespace; its records, ports, table now */
	if (c->root_fd >= 0)
		close(c->root_fd);
	free(c->spawned);
	free(c);
	return r < 0 ? cv_api_fail(&err) : 0;
}
