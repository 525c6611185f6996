/*
 * spec.c - config.json: the top level, root, mounts and hooks (see
 * spec.h); the process is in process.c, the linux object in
 * linux.c.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/spec/spec.h"

const char *const cv_hook_names[CV_HOOK_N] = {"prestart",       "createRuntime", "createContainer",
					      "startContainer", "poststart",     "poststop"};

static int parse_root(struct cv_spec *s, json_t *top)
{
	struct cv_json *j = &s->json;
	json_t *root = NULL;
	int r;

	if ((r = cv_json_obj(j, top, "", "root", &root)) < 0)
		return r;
	if (r == 0) {
		cv_json_error(j, "root", "missing");
		return cv_err_hint(j->err, "\"root\": {\"path\": \"rootfs\"} names the container's "
					   "root filesystem, relative to the bundle");
	}
	if ((r = cv_json_str(j, root, "root", "path", &s->root)) < 0 ||
	    cv_json_bool(j, root, "root", "readonly", &s->root_readonly) < 0)
		return -j->err->code;
	if (r == 0 || !s->root[0])
		return cv_json_error(j, "root.path", "missing");
	if (snprintf(s->root_abs, sizeof(s->root_abs), "%s%s%s", s->root[0] == '/' ? "" : s->bundle,
		     s->root[0] == '/' ? "" : "/", s->root) >= (int)sizeof(s->root_abs))
		return cv_json_error(j, "root.path", "the path is too long");
	return 0;
}

/* One mount; a relative bind source is relative to the bundle. */
static int parse_mount(struct cv_spec *s, json_t *m, const char *path, struct cv_mount *out)
{
	struct cv_json *j = &s->json;
	const char *type = NULL, *source = NULL, *dest = NULL, **options = NULL;
	char abs[PATH_MAX];
	size_t n = 0;
	int r;

	if (!json_is_object(m))
		return cv_json_type_error(j, path, "an object {destination, type, source, options}",
					  m);
	if (cv_json_str(j, m, path, "type", &type) < 0 ||
	    cv_json_str(j, m, path, "source", &source) < 0 ||
	    cv_json_str(j, m, path, "destination", &dest) < 0 ||
	    cv_json_strs(j, m, path, "options", &options, &n) < 0)
		return -j->err->code;
	if (!dest) {
		char sub[CV_JPATH_MAX];
		free(options);
		return cv_json_error(j, cv_json_sub(sub, path, "destination", 0), "missing");
	}
	if (source && source[0] != '/' &&
	    (!type || !strcmp(type, "bind") || !strcmp(type, "none")) &&
	    snprintf(abs, sizeof(abs), "%s/%s", s->bundle, source) < (int)sizeof(abs))
		source = abs;
	r = cv_mount_parse(type, source, dest, options, n, out, j->err);
	free(options);
	return r < 0 ? cv_json_wrap(j, path) : 0;
}

static int parse_mounts(struct cv_spec *s, json_t *top)
{
	json_t *arr = NULL, *m;
	char path[CV_JPATH_MAX];
	size_t i;
	int r;

	if ((r = cv_json_arr(&s->json, top, "", "mounts", &arr)) <= 0)
		return r;
	s->mounts = calloc(json_array_size(arr) + 1, sizeof(*s->mounts));
	if (!s->mounts)
		return cv_err_set(s->json.err, ENOMEM, "mounts: out of memory");
	json_array_foreach(arr, i, m)
	{
		if ((r = parse_mount(s, m, cv_json_sub(path, "mounts", NULL, (int)i),
				     &s->mounts[i])) < 0)
			return r;
		s->n_mounts++;
	}
	return 0;
}

static int parse_hook(struct cv_spec *s, json_t *h, const char *path, struct cv_hook *out)
{
	struct cv_json *j = &s->json;
	char sub[CV_JPATH_MAX];
	int64_t timeout = 0;
	int r;

	if (!json_is_object(h))
		return cv_json_type_error(j, path, "an object {path, args, env, timeout}", h);
	if ((r = cv_json_str(j, h, path, "path", &out->path)) < 0 ||
	    cv_json_strs(j, h, path, "args", &out->args, NULL) < 0 ||
	    cv_json_strs(j, h, path, "env", &out->env, NULL) < 0 ||
	    cv_json_i64(j, h, path, "timeout", &timeout) < 0)
		return -j->err->code;
	if (r == 0)
		return cv_json_error(j, cv_json_sub(sub, path, "path", 0), "missing");
	if (out->path[0] != '/')
		return cv_json_error(j, cv_json_sub(sub, path, "path", 0),
				     "`%s` is not an absolute path", out->path);
	if (timeout < 0 || (json_object_get(h, "timeout") && timeout == 0))
		return cv_json_error(j, cv_json_sub(sub, path, "timeout", 0),
				     "must be more than 0 seconds");
	out->timeout = (int)timeout;
	return 0;
}

static int parse_hooks(struct cv_spec *s, json_t *top)
{
	struct cv_json *j = &s->json;
	json_t *hooks = NULL, *arr, *h;
	char path[CV_JPATH_MAX], item[CV_JPATH_MAX];
	const char *key;
	size_t i;
	int r;

	if ((r = cv_json_obj(j, top, "", "hooks", &hooks)) <= 0)
		return r;
	json_object_foreach(hooks, key, arr)
	{
		int point = -1;
		for (int p = 0; p < CV_HOOK_N; p++)
			if (!strcmp(key, cv_hook_names[p]))
				point = p;
		cv_json_sub(path, "hooks", key, 0);
		if (point < 0)
			return cv_json_error(j, path,
					     "not a hook point (prestart, createRuntime, "
					     "createContainer, startContainer, poststart, "
					     "poststop)");
		if (json_is_null(arr))
			continue;
		if (!json_is_array(arr))
			return cv_json_type_error(j, path, "an array of hooks", arr);
		s->hooks[point] = calloc(json_array_size(arr) + 1, sizeof(struct cv_hook));
		if (!s->hooks[point])
			return cv_err_set(j->err, ENOMEM, "hooks: out of memory");
		json_array_foreach(arr, i, h)
		{
			s->n_hooks[point]++; /* counted first: freed even if half parsed */
			if ((r = parse_hook(s, h, cv_json_sub(item, path, NULL, (int)i),
					    &s->hooks[point][i])) < 0)
				return r;
		}
	}
	return 0;
}

static int parse_annotations(struct cv_spec *s, json_t *top)
{
	struct cv_json *j = &s->json;
	char path[CV_JPATH_MAX];
	const char *key;
	json_t *v;
	int r;

	if ((r = cv_json_obj(j, top, "", "annotations", &s->annotations)) <= 0)
		return r;
	json_object_foreach(
	    s->annotations, key,
	    v) if (!json_is_string(v)) return cv_json_type_error(j,
								 cv_json_sub(path, "annotations",
									     key, 0),
								 "a string", v);
	return 0;
}

static int parse_version(struct cv_spec *s, json_t *top)
{
	struct cv_json *j = &s->json;
	int r = cv_json_str(j, top, "", "ociVersion", &s->oci_version);

	if (r < 0)
		return r;
	if (r == 0)
		return 0; /* runc does not insist either */
	if (strncmp(s->oci_version, "1.", 2)) {
		cv_json_error(j, "ociVersion", "`%s` is not a 1.x version of the runtime spec",
			      s->oci_version);
		return cv_err_hint(j->err, "containerv reads runtime-spec 1.0 to 1.2");
	}
	return 0;
}

int cv_spec_parse(struct cv_spec *s, struct cv_err *err)
{
	json_t *top = s->json.root, *process = NULL, *linux_ = NULL;
	int r;

	s->json.err = err;
	cv_identity_init(&s->id);
	if (!json_is_object(top))
		return cv_json_type_error(&s->json, "", "an object", top);
	if ((r = parse_version(s, top)) < 0 || (r = parse_root(s, top)) < 0 ||
	    (r = cv_json_str(&s->json, top, "", "hostname", &s->hostname)) < 0 ||
	    (r = cv_json_str(&s->json, top, "", "domainname", &s->domainname)) < 0 ||
	    (r = parse_mounts(s, top)) < 0 || (r = parse_hooks(s, top)) < 0 ||
	    (r = parse_annotations(s, top)) < 0)
		return r;
	if ((r = cv_json_obj(&s->json, top, "", "process", &process)) < 0)
		return r;
	s->has_process = r == 1;
	if (process && (r = cv_spec_process(s, process)) < 0)
		return r;
	if ((r = cv_json_obj(&s->json, top, "", "linux", &linux_)) < 0)
		return r;
	return linux_ ? cv_spec_linux(s, linux_) : 0;
}

int cv_spec_load(const char *bundle, struct cv_spec *s, struct cv_err *err)
{
	char path[PATH_MAX + 16];
	int r;

	memset(s, 0, sizeof(*s));
	if (!realpath(bundle, s->bundle)) {
		cv_err_sys(err, "bundle `%s`", bundle);
		return cv_err_hint(err, "--bundle names a directory holding config.json and the "
					"root filesystem");
	}
	snprintf(path, sizeof(path), "%s/config.json", s->bundle);
	if ((r = cv_json_load(&s->json, path, "config.json", err)) < 0) {
		if (r == -ENOENT)
			cv_err_hint(err,
				    "a bundle needs a config.json: `containerv spec` writes one");
		return r;
	}
	if ((r = cv_spec_parse(s, err)) < 0)
		cv_spec_free(s);
	return r;
}

int cv_spec_load_text(const char *bundle, const char *text, struct cv_spec *s, struct cv_err *err)
{
	int r;

	memset(s, 0, sizeof(*s));
	if (snprintf(s->bundle, sizeof(s->bundle), "%s", bundle) >= (int)sizeof(s->bundle))
		return cv_err_set(err, ENAMETOOLONG, "bundle `%s`: the path is too long", bundle);
	if ((r = cv_json_parse(&s->json, text, strlen(text), "config.json", err)) < 0 ||
	    (r = cv_spec_parse(s, err)) < 0)
		cv_spec_free(s);
	return r;
}

void cv_spec_free(struct cv_spec *s)
{
	for (int p = 0; p < CV_HOOK_N; p++) {
		for (size_t i = 0; i < s->n_hooks[p]; i++) {
			free(s->hooks[p][i].args);
			free(s->hooks[p][i].env);
		}
		free(s->hooks[p]);
	}
	free(s->args);
	free(s->env);
	free(s->mounts);
	free(s->devices);
	free(s->limits);
	free(s->sysctl);
	free(s->masked);
	free(s->readonly_paths);
	if (s->has_seccomp)
		cv_seccomp_free(&s->seccomp);
	cv_json_free(&s->json);
	memset(s, 0, sizeof(*s));
}
