/*
 * spec.c - config.json: the top level, root, mounts and hooks (see
 * spec.h); the process is in process.c, the linux object in linux.c,
 * its resources in resources.c.
 *
 * cv_spec_parse() reads the parts in this order:
 *
 *   ociVersion   first: the spec keeps compatibility only within a major
 *                version (config.md#specification-version), so a 2.x
 *                document is refused before its fields are read with 1.x
 *                meanings
 *   root         REQUIRED on Linux (config.md#root)
 *   hostname, domainname, mounts, hooks, annotations
 *   process      before linux: a seccomp profile in Docker's form chooses
 *                its rules by the capabilities the process will hold
 *                (includes.caps), so linux.seccomp is built from the
 *                process.capabilities read here
 *   linux        process.c and linux.c say their own order
 *
 * That is the only dependency while reading.  A rule that ties two parts
 * together - a uid map wants a user namespace, a hostname a UTS namespace,
 * a clock offset a time namespace, a sysctl the namespace it lives in -
 * is checked once the whole document is read: by the step that takes the
 * parts (step 01's cv_ns_spec_check()) or by core/create.c, before
 * anything is made.  A part is read whole or refused: the first mistake
 * found is reported, in this order, with its file, line and path.
 *
 * Defaults.  What the spec leaves OPTIONAL and the document leaves out
 * stays unset here - NULL, 0, false, and -1 for uid, gid and umask
 * (cv_identity_init) - and the step that applies the field decides what
 * unset means: most often that nothing is done (no hostname is set, no
 * rlimit, no umask: "If unspecified, the umask should not be changed",
 * config.md), a few times a default of the step's own, named where the
 * field is declared (spec.h: a propagation of 0 is rprivate).  The
 * defaults a user sees in a new config are `containerv spec`'s
 * (defaults.c), written out in the document, not supplied here.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/spec/spec.h"

const char *const cv_hook_names[CV_HOOK_N] = {"prestart",       "createRuntime", "createContainer",
					      "startContainer", "poststart",     "poststop"};

/*
 * root.path is absolute, or relative to the bundle (config.md#root);
 * root_abs is the one the rootfs step uses.  A missing root is refused,
 * as the spec requires it on Linux; readonly defaults to false.
 */
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

/*
 * One mount.  destination is REQUIRED (config.md#mounts); its form, the
 * options and the flags they make are step 03's to judge (cv_mount_parse,
 * which names an unknown option and the closest known one).  A relative
 * source of a bind mount ("Path values for bind mounts are either absolute
 * or relative to the bundle") is made absolute here, where the bundle is
 * known; a relative source of any other type (proc, tmpfs) is a name, not
 * a path, and is kept as written.  A bind mount is recognised here by its
 * type being bind, none or absent (the spec's own test is bind or rbind
 * among the options).
 */
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

/*
 * Kept in the listed order: "The runtime MUST mount entries in the listed
 * order" (config.md#mounts), so a later mount may cover an earlier one.
 * The array has one entry more than the list: calloc(0, ...) may return
 * NULL (C11 7.22.3), which would read as out of memory for an empty list.
 */
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

/*
 * One hook (config.md#posix-platform-hooks): path REQUIRED and absolute
 * (the spec extends execv's path so), args and env as execve() takes
 * them, timeout in seconds and "If set, timeout MUST be greater than
 * zero" - so an explicit 0 is refused, while an absent one means no limit.
 */
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

/*
 * hooks is an object of arrays, one per hook point.  A key that is no hook
 * point is refused: a misspelt "prestart" would be a hook that silently
 * never runs.  null for a point is none.
 */
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

/*
 * annotations: "Values MUST be strings" (config.md#annotations).  They are
 * kept as the JSON object, as the state (state.json, `containerv state`)
 * gives them back unchanged.
 */
static int parse_annotations(struct cv_spec *s, json_t *top)
{
	struct cv_json *j = &s->json;
	char path[CV_JPATH_MAX];
	const char *key;
	json_t *v;
	int r;

	if ((r = cv_json_obj(j, top, "", "annotations", &s->annotations)) <= 0)
		return r;
	json_object_foreach(s->annotations, key, v)
	{
		if (!json_is_string(v))
			return cv_json_type_error(j, cv_json_sub(path, "annotations", key, 0),
						  "a string", v);
	}
	return 0;
}

/*
 * ociVersion is REQUIRED by the spec, in SemVer; a document without one
 * is read as 1.x all the same, and any 1.x is read, the fields newer than
 * this reader knows being those it does not look at.
 */
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

/* The order of the parts is the essay's at the top of this file. */
int cv_spec_parse(struct cv_spec *s, struct cv_err *err)
{
	json_t *top = s->json.root, *process = NULL, *linux_ = NULL;
	int r;

	s->json.err = err;
	/* uid, gid, umask, oom_score_adj "unset" before any field can set them */
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

/*
 * The bundle is made absolute first (realpath): a relative root or bind
 * source is joined to it, and the OCI state gives it to `state` and to
 * the hooks, where the caller's working directory means nothing ("the
 * absolute path to the container's bundle directory", runtime.md#state).
 */
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

/*
 * The same parse from text held in memory (the C API's config): the
 * document is never on disk, so its errors name "config.json" as a
 * bundle's would, and bundle is taken as given, not resolved.
 */
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

/*
 * Frees the vectors and arrays the parse allocated; the strings in them
 * are the document's, freed with it last.  Safe on a spec whose parse
 * failed half-way: what was not reached is NULL or counted 0.
 */
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
