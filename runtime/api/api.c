/*
 * api.c - the C API of <containerv.h>: options, create, destroy.
 *
 * A container of the API is a runtime container like any other: its
 * options become a config.json (written to a bundle that lives only while
 * create reads it), `create` makes it with an idle init (no program), and
 * `start` lets that init run - reaping, holding the namespaces.  Spawned
 * processes are exec's tenants (run.c).  `containerv list --root R`
 * shows these containers too, and `containerv exec` works on them.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
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

static __thread struct cv_err last;
static __thread char last_text[CV_ERR_MSG_MAX + CV_ERR_HINT_MAX + 16];

int cv_api_fail(const struct cv_err *err)
{
	last = *err;
	return -(err->code ? err->code : EIO);
}

const char *containerv_error(void)
{
	if (!last.code)
		return "";
	snprintf(last_text, sizeof(last_text), "%s%s%s", last.msg, last.hint[0] ? "\nhint: " : "",
		 last.hint);
	return last_text;
}

/* ---- options ---------------------------------------------------------- */

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

void containerv_options_delete(struct containerv_options *o)
{
	if (!o)
		return;
	free_mounts(o);
	free(o->memory_max);
	free(o->cpu_weight);
	free(o->pids_max);
	free(o->root);
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

static int new_id(char *id, size_t size, struct cv_err *err)
{
	unsigned char bytes[6];

	if (getrandom(bytes, sizeof(bytes), 0) != (ssize_t)sizeof(bytes))
		return cv_err_sys(err, "getrandom()");
	snprintf(id, size, "cv-%02x%02x%02x%02x%02x%02x", bytes[0], bytes[1], bytes[2], bytes[3],
		 bytes[4], bytes[5]);
	return 0;
}

/* The options' mounts: host directories made first where asked. */
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

static void remove_bundle(const char *bundle)
{
	char path[4300];

	snprintf(path, sizeof(path), "%s/config.json", bundle);
	unlink(path);
	rmdir(bundle);
}

/* The bundle: a config.json in a directory of its own, for create to read. */
static int write_bundle(const struct containerv_options *o, const char *rootfs, const char *root,
			const char *id, char *bundle, size_t size, struct cv_err *err)
{
	char path[4300], *text;
	int r;

	snprintf(bundle, size, "%s/.bundle-%s", root, id);
	if (mkdir(bundle, 0700) < 0)
		return cv_err_sys(err, "mkdir(`%s`)", bundle);
	if (!(text = cv_api_config(o, rootfs, id, err))) {
		rmdir(bundle);
		return -err->code;
	}
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	r = cv_write_file_new(path, text, strlen(text), 0600, err);
	free(text);
	if (r < 0)
		remove_bundle(bundle);
	return r;
}

/* The host's ids of the container's root: what uploaded files belong to. */
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

/* After create: started, and its root open for upload and download. */
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
	char bundle[4200];
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
		r = write_bundle(o, rootfs, c->root, c->id, bundle, sizeof(bundle), &err);
	}
	if (r < 0) {
		free(c);
		return cv_api_fail(&err);
	}
	cc.root = c->root;
	cc.id = c->id;
	cc.bundle = bundle;
	r = cv_container_create(&cc, &c->init, &err);
	remove_bundle(bundle); /* read whole: the state keeps its own copy */
	if (r == 0 && (r = run_it(c, &err)) < 0) {
		struct cv_err ignored;
		cv_container_delete(c->root, c->id, true, &ignored);
		waitpid(c->init, NULL, 0);
	}
	if (r < 0) {
		free(c);
		return cv_api_fail(&err);
	}
	owner(o, c);
	c->policy = o->policy;
	cv_trace("container `%s` runs: init pid %d", c->id, (int)c->init);
	*out = c;
	return 0;
}

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
	cv_err_clear(&err);
	r = cv_container_delete(c->root, c->id, true, &err);
	if (c->root_fd >= 0)
		close(c->root_fd);
	free(c->spawned);
	free(c);
	return r < 0 ? cv_api_fail(&err) : 0;
}
