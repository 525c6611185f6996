/*
 * config.c - the options of <containerv.h> as an OCI config.json.
 *
 * It starts from what `containerv spec` writes (defaults.c) and
 * changes what the options say: the root filesystem (writable: it is the
 * caller's own), a namespace per CV_CAP_* (uts always: the hostname is
 * the id), id maps, Docker's default capabilities (a build needs chown
 * and setuid where runc's three would not do), mounts, limits.
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

static json_t *strings(const char *const *list)
{
	json_t *a = json_array();

	for (; *list; list++)
		json_array_append_new(a, json_string(*list));
	return a;
}

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

static json_t *idmap(const struct cv_api_idmap *m)
{
	unsigned host = m->set ? m->host : 100000, child = m->set ? m->child : 0;
	int count = m->set ? m->count : 65536;

	return json_pack("[{s:I, s:I, s:I}]", "containerID", (json_int_t)child, "hostID",
			 (json_int_t)host, "size", (json_int_t)count);
}

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

/* The limits' text, checked: each error names the option. */
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

char *cv_api_config(const struct containerv_options *o, const char *rootfs, const char *id,
		    struct cv_err *err)
{
	bool userns = o->caps & CV_CAP_USERS;
	char *text = cv_spec_default(userns, NULL), abs[PATH_MAX], cgroup[64];
	json_t *doc = text ? json_loads(text, 0, NULL) : NULL, *lx, *process, *res, *mounts;

	free(text);
	if (!doc)
		return cv_err_set(err, ENOMEM, "containerv_create: the config"), NULL;
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
	mounts = json_object_get(doc, "mounts");
	for (size_t i = json_array_size(mounts); userns && !(o->caps & CV_CAP_IPC) && i-- > 0;)
		/* mqueue belongs to the IPC namespace's owner: not mountable from a user
		 * namespace on the host's */
		if (!strcmp(json_string_value(json_object_get(json_array_get(mounts, i), "type")),
			    "mqueue"))
			json_array_remove(mounts, i);
	for (int i = 0; i < o->n_mounts; i++)
		json_array_append_new(mounts, mount_of(&o->mounts[i]));
	text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (!text)
		cv_err_set(err, ENOMEM, "containerv_create: the config");
	return text;
fail:
	json_decref(doc);
	return NULL;
}
