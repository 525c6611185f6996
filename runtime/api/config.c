/*
 * config.c - the options of <containerv.h> as an OCI config, and that
 * config as the runtime's struct cv_spec.
 *
 * It starts from what `containerv spec` writes (defaults.c) and
 * changes what the options say: the root filesystem (writable: it is the
 * caller's own), a namespace per CV_CAP_* (uts always: the hostname is
 * the id), id maps, Docker's default capabilities (a build needs chown
 * and setuid where runc's three would not do), mounts, limits.
 *
 * Why a JSON document, and not the struct filled in directly: the parser
 * (runtime/spec/) is where every field is checked - a mount's options, a
 * limit's range (cv_cg_limits_check), an id map's size - and where the
 * errors name the field.  Going through it, an API container is refused
 * for exactly what a bundle would be, in the same words, and its config
 * is one the runtime can save and read back (exec, delete).  The text
 * never touches the disk: it is parsed where it was made.
 */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "02-cgroups/limits.h"
#include "runtime/api/api.h"
#include "runtime/spec/spec.h"

/* Docker's defaults: what a build or a service in a container expects to have. */
static const char *const default_caps[] = {
    "CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FOWNER",     "CAP_FSETID",           "CAP_KILL",
    "CAP_SETGID", "CAP_SETUID",       "CAP_SETPCAP",    "CAP_NET_BIND_SERVICE", "CAP_NET_RAW",
    "CAP_MKNOD",  "CAP_AUDIT_WRITE",  "CAP_SYS_CHROOT", "CAP_SETFCAP",          NULL};

/* A JSON array of the NULL-terminated list. */
static json_t *strings(const char *const *list)
{
	json_t *a = json_array();

	for (; *list; list++)
		json_array_append_new(a, json_string(*list));
	return a;
}

/*
 * One namespace per CV_CAP_* the options give, and uts always: the
 * container's hostname is its id, which must not become the host's.
 * A capability not given means the host's namespace, shared.
 */
static json_t *namespaces(unsigned caps)
{
	static const struct {
		unsigned cap;
		const char *type;
	} map[] = {{CV_CAP_FILESYSTEM, "mount"},    {CV_CAP_NETWORK, "network"},
		   {CV_CAP_PROCESS_CONTROL, "pid"}, {CV_CAP_IPC, "ipc"},
		   {CV_CAP_CGROUPS, "cgroup"},      {CV_CAP_USERS, "user"}};
	json_t *ns = json_pack("[{s:s}]", "type", "uts");

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (caps & map[i].cap)
			json_array_append_new(ns, json_pack("{s:s}", "type", map[i].type));
	return ns;
}

/*
 * A single range.  Unset, the container's 0 is the host's 100000, for
 * 65536 ids: the first range useradd hands out in /etc/subuid, so that
 * no id in the container is an id of the host's own users.
 */
static json_t *idmap(const struct cv_api_idmap *m)
{
	unsigned host = m->set ? m->host : 100000, child = m->set ? m->child : 0;
	int count = m->set ? m->count : 65536;

	return json_pack("[{s:I, s:I, s:I}]", "containerID", (json_int_t)child, "hostID",
			 (json_int_t)host, "size", (json_int_t)count);
}

/*
 * A mount of the options, as an OCI mount: no fstype means a bind (there
 * is no filesystem to make); a recursive one takes the mounts beneath too.
 */
static json_t *mount_of(const struct containerv_mount *m)
{
	json_t *options = json_array();
	bool bind = (m->flags & CV_MOUNT_BIND) || !m->fstype;

	if (bind)
		json_array_append_new(
		    options, json_string(m->flags & CV_MOUNT_RECURSIVE ? "rbind" : "bind"));
	if (m->flags & CV_MOUNT_READONLY)
		json_array_append_new(options, json_string("ro"));
	return json_pack("{s:s, s:s, s:s, s:o}", "destination", m->where, "type",
			 bind ? "bind" : m->fstype, "source", m->what, "options", options);
}

/*
 * The limits' text, checked: each error names the option - the parser
 * would name linux.resources, which the caller never wrote.  Devices:
 * all denied, then the standard ones allowed (prepare.c), as runc does.
 */
static json_t *resources(const struct containerv_options *o, struct cv_err *err)
{
	json_t *res = json_pack("{s:[{s:b, s:s}]}", "devices", "allow", 0, "access", "rwm");
	int64_t memory, pids = CV_CG_MAX;
	long weight;
	char *end;

	if (!o->limits)
		return res;
	if (cv_cg_parse_size(o->memory_max, "memory_max", &memory, err) < 0)
		goto bad;
	weight = strtol(o->cpu_weight, &end, 10);
	if (end == o->cpu_weight || *end || weight < 1 || weight > 10000) {
		cv_err_set(err, EINVAL, "cpu_weight `%s`: a number from 1 to 10000", o->cpu_weight);
		cv_err_hint(err, "100 is an even share; 200 twice that");
		goto bad;
	}
	if (strcmp(o->pids_max, "max")) {
		pids = strtoll(o->pids_max, &end, 10);
		if (end == o->pids_max || *end || pids < 1) {
			cv_err_set(err, EINVAL, "pids_max `%s`: a count of processes, or \"max\"",
				   o->pids_max);
			goto bad;
		}
	}
	if (memory != CV_CG_MAX)
		json_object_set_new(res, "memory", json_pack("{s:I}", "limit", (json_int_t)memory));
	if (pids != CV_CG_MAX)
		json_object_set_new(res, "pids", json_pack("{s:I}", "limit", (json_int_t)pids));
	/* cgroup v2's weight as v1 shares: the conversion runc and crun use, backwards,
	 * rounded up so that on a v2 host it comes back to the same weight */
	json_object_set_new(
	    res, "cpu",
	    json_pack("{s:I}", "shares", (json_int_t)(2 + ((weight - 1) * 262142 + 9998) / 9999)));
	return res;
bad:
	json_decref(res);
	return cv_err_wrap(err, "containerv_options_set_cgroup_limits"), NULL;
}

/*
 * The standard mounts (defaults.c), then the options' own, after them:
 * mounted in that order, one of the caller's may cover a standard one.
 */
static void add_mounts(json_t *mounts, const struct containerv_options *o,
		       const char *const *net_files)
{
	static const char *const etc[] = {"/etc/resolv.conf", "/etc/hosts"};

	bool userns = o->caps & CV_CAP_USERS;

	for (size_t i = json_array_size(mounts); userns && !(o->caps & CV_CAP_IPC) && i-- > 0;)
		/* mqueue belongs to the IPC namespace's owner: not mountable from a user
		 * namespace on the host's */
		if (!strcmp(json_string_value(json_object_get(json_array_get(mounts, i), "type")),
			    "mqueue"))
			json_array_remove(mounts, i);
	for (int i = 0; i < o->n_mounts; i++)
		json_array_append_new(mounts, mount_of(&o->mounts[i]));
	/* on a bridge: the names step 04 writes for it (net.c), bound as Docker does */
	for (int i = 0; net_files && i < 2; i++)
		json_array_append_new(mounts, mount_of(&(struct containerv_mount){
						  net_files[i], etc[i], NULL, CV_MOUNT_BIND}));
}

/*
 * The config.json text of a container made with these options,
 * malloc()ed: `containerv spec`'s defaults, changed where the options say.
 */
static char *config_text(const struct containerv_options *o, const char *rootfs, const char *id,
			 const char *const *net_files, struct cv_err *err)
{
	bool userns = o->caps & CV_CAP_USERS;
	char *text = cv_spec_default(userns, NULL), abs[PATH_MAX], cgroup[64];
	json_t *doc = text ? json_loads(text, 0, NULL) : NULL, *lx, *process, *res;

	free(text);
	if (!doc)
		return cv_err_set(err, ENOMEM, "containerv_create: the config"), NULL;
	/* the rootfs is mounted for the container alone: without a mount namespace
	 * of its own, its mounts would be the host's */
	if (!(o->caps & CV_CAP_FILESYSTEM)) {
		cv_err_set(err, EINVAL, "containerv_create: CV_CAP_FILESYSTEM is not set");
		cv_err_hint(err, "a root filesystem needs a mount namespace of its own: add it");
		goto fail;
	}
	if (!rootfs || !realpath(rootfs, abs)) {
		cv_err_sys(err, "containerv_create: the root filesystem `%s`",
			   rootfs ? rootfs : "");
		cv_err_hint(err, "a directory holding the container's files (bin/sh, ...)");
		goto fail;
	}
	if (!(res = resources(o, err)))
		goto fail;
	lx = json_object_get(doc, "linux");
	process = json_object_get(doc, "process");
	json_object_set_new(lx, "resources", res);
	json_object_set_new(lx, "namespaces", namespaces(o->caps));
	if (userns) {
		json_object_set_new(lx, "uidMappings", idmap(&o->users));
		json_object_set_new(lx, "gidMappings", idmap(&o->groups));
	}
	snprintf(cgroup, sizeof(cgroup), "/containerv/%s", id);
	json_object_set_new(lx, "cgroupsPath", json_string(cgroup));
	json_object_set_new(doc, "root", json_pack("{s:s, s:b}", "path", abs, "readonly", 0));
	json_object_set_new(doc, "hostname", json_string(id));
	/* no program of its own: the init only reaps (args stay for the record) */
	json_object_set_new(process, "args", json_pack("[s]", "containerv-idle"));
	json_object_set_new(process, "capabilities",
			    json_pack("{s:o, s:o, s:o}", "bounding", strings(default_caps),
				      "effective", strings(default_caps), "permitted",
				      strings(default_caps)));
	add_mounts(json_object_get(doc, "mounts"), o, net_files);
	/* indented, a field to a line: a parse error's line number then points at one */
	text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (!text)
		cv_err_set(err, ENOMEM, "containerv_create: the config");
	return text;
fail:
	json_decref(doc);
	return NULL;
}

int cv_api_spec(const struct containerv_options *o, const char *rootfs, const char *id,
		const char *bundle, const char *const *net_files, struct cv_spec **spec,
		struct cv_err *err)
{
	char *text = config_text(o, rootfs, id, net_files, err);
	int r;

	if (!text)
		return -err->code;
	if (!(*spec = malloc(sizeof(**spec)))) {
		free(text);
		return cv_err_set(err, ENOMEM, "containerv_create: the config");
	}
	r = cv_spec_load_text(bundle, text, *spec, err);
	free(text); /* the spec holds the parsed document, not the text */
	if (r < 0) {
		free(*spec);
		*spec = NULL;
	}
	return r;
}
