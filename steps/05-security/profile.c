/*
 * profile.c - seccomp JSON to struct cv_seccomp (see profile.h).
 *
 * A profile is the one input of this step that arrives from outside -
 * config.json, a file a user downloaded - and a mistake in it is a
 * container that is less confined than its author believed.  So nothing
 * is guessed: every field is checked for its type, every word against
 * the lists in seccomp_names.c, and every refusal names its place in the
 * document as a path ("seccomp.json: syscalls[3].args[0].op"), carried
 * down the walk in a struct at.
 *
 * The walk follows the document: the top level (default action,
 * architectures, Docker's archMap, flags, the listener), then each rule
 * of "syscalls" in order.  A Docker rule that does not apply to this
 * container (profile_docker.c) is skipped whole, before its fields are
 * read; every other rule becomes one cv_sc_rule per syscall name.  The
 * names are not resolved here: seccomp.c does that for each architecture.
 */
#include <errno.h>
#include <jansson.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>

#include "05-security/profile.h"

/* Where in the document an error is: "seccomp.json: syscalls[3].action". */
struct at {
	const char *where;
	char path[96];
};

static int type_error(const struct at *at, const char *want, json_t *got, struct cv_err *err)
{
	static const char *const types[] = {"an object", "an array", "a string", "an integer",
					    "a number",  "true",     "false",    "null"};
	cv_err_set(err, EINVAL, "%s: %s: expected %s, got %s", at->where, at->path, want,
		   got ? types[json_typeof(got)] : "nothing");
	return cv_err_hint(err, "see the OCI runtime spec's linux.seccomp, or Docker's "
				"seccomp profiles");
}

static int value_error(const struct at *at, struct cv_err *err)
{
	return cv_err_wrap(err, "%s: %s", at->where, at->path);
}

/* The path of a field (index < 0) or an array element below parent. */
static void at_field(struct at *sub, const struct at *parent, const char *field, int index)
{
	char name[48];

	if (index >= 0)
		snprintf(name, sizeof(name), "%.32s[%d]", field, index);
	else
		snprintf(name, sizeof(name), "%.40s", field);
	sub->where = parent->where;
	snprintf(sub->path, sizeof(sub->path), "%.40s%s%s", parent->path,
		 parent->path[0] ? "." : "", name);
}

/* An optional string field: NULL when absent; an error when not a string (a number
 * where a name belongs is a mistake to report, not a value to convert). */
static int get_string(json_t *obj, const char *field, const struct at *at, const char **out,
		      struct cv_err *err)
{
	json_t *v = json_object_get(obj, field);
	struct at sub;

	*out = NULL;
	if (!v)
		return 0;
	at_field(&sub, at, field, -1);
	if (!json_is_string(v))
		return type_error(&sub, "a string", v, err);
	*out = json_string_value(v);
	return 0;
}

/* An optional unsigned integer: errnoRet, an argument's value.  A negative one is
 * refused, not cast: cast, -1 would be 2^64-1, a value nobody wrote. */
static int get_uint(json_t *obj, const char *field, const struct at *at, uint64_t *out,
		    bool *present, struct cv_err *err)
{
	json_t *v = json_object_get(obj, field);
	struct at sub;

	*present = v != NULL;
	if (!v)
		return 0;
	at_field(&sub, at, field, -1);
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return type_error(&sub, "a non-negative integer", v, err);
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int parse_arg(json_t *obj, const struct at *at, struct cv_sc_arg *arg, struct cv_err *err)
{
	const char *op;
	uint64_t index = 0;
	bool has_index, has_value, has_two;

	if (!json_is_object(obj))
		return type_error(at, "an object {index, value, valueTwo, op}", obj, err);
	if (get_uint(obj, "index", at, &index, &has_index, err) < 0 ||
	    get_uint(obj, "value", at, &arg->value, &has_value, err) < 0 ||
	    get_uint(obj, "valueTwo", at, &arg->value_two, &has_two, err) < 0 ||
	    get_string(obj, "op", at, &op, err) < 0)
		return -err->code;
	if (!has_index || index > 5) {
		cv_err_set(err, EINVAL, "%s: %s.index: %s", at->where, at->path,
			   has_index ? "must be 0 to 5" : "missing");
		return cv_err_hint(err, "which argument of the syscall to compare, 0 to 5");
	}
	arg->index = (unsigned)index;
	/* valueTwo matters only to MASKED_EQ; elsewhere libseccomp ignores it */
	if (!has_two)
		arg->value_two = 0;
	if (!op) {
		cv_err_set(err, EINVAL, "%s: %s.op: missing", at->where, at->path);
		return cv_err_hint(err, "an operator, as in SCMP_CMP_EQ");
	}
	if (cv_sc_op(op, &arg->op, err) < 0) {
		struct at sub;
		at_field(&sub, at, "op", -1);
		return value_error(&sub, err);
	}
	return 0;
}

/* The syscall names of a rule: "names" (an array), or the older "name". */
static int rule_names(json_t *obj, const struct at *at, json_t **names, struct cv_err *err)
{
	json_t *one = json_object_get(obj, "name");
	struct at sub;
	size_t i;
	json_t *v;

	/* "name" is the older spelling (OCI specs before 1.0, old Docker profiles): still
	 * read, as a one-name "names", so old profiles keep their meaning */
	*names = json_object_get(obj, "names");
	if (!*names && json_is_string(one)) {
		*names = json_pack("[O]", one); /* freed by the caller */
		return 1;
	}
	at_field(&sub, at, "names", -1);
	if (!json_is_array(*names))
		return type_error(&sub, "an array of syscall names", *names, err);
	json_array_foreach(*names, i, v) if (!json_is_string(v))
	{
		at_field(&sub, at, "names", (int)i);
		return type_error(&sub, "a syscall name", v, err);
	}
	return 0;
}

static int rule_args(json_t *obj, const struct at *at, struct cv_sc_rule *rule, struct cv_err *err)
{
	json_t *args = json_object_get(obj, "args"), *v;
	struct at sub;
	size_t i;

	rule->n_args = 0;
	if (!args || json_is_null(args))
		return 0;
	at_field(&sub, at, "args", -1);
	/* a syscall has six argument registers: a seventh condition has nothing to test */
	if (!json_is_array(args) || json_array_size(args) > CV_SC_MAX_ARGS)
		return type_error(&sub, "an array of at most 6 conditions", args, err);
	json_array_foreach(args, i, v)
	{
		at_field(&sub, at, "args", (int)i);
		if (parse_arg(v, &sub, &rule->args[rule->n_args++], err) < 0)
			return -err->code;
	}
	return 0;
}

static int parse_rule(json_t *obj, const struct at *at, uint64_t caps, struct cv_seccomp *sc,
		      struct cv_err *err)
{
	struct cv_sc_rule rule = {.errno_ret = -1};
	const char *action;
	json_t *names, *v;
	uint64_t e = 0;
	bool has_errno = false;
	int owned, r = 0;
	size_t i;

	if (!json_is_object(obj))
		return type_error(at, "an object {names, action, ...}", obj, err);
	/* skipped before anything else is read: Docker's rules for s390x name calls
	 * (s390_pci_mmio_read...) this machine has not, each a warning for nothing */
	if (!cv_profile_applies(obj, caps))
		return 0;
	if ((owned = rule_names(obj, at, &names, err)) < 0)
		return owned;
	if (get_string(obj, "action", at, &action, err) < 0 ||
	    get_uint(obj, "errnoRet", at, &e, &has_errno, err) < 0 ||
	    rule_args(obj, at, &rule, err) < 0)
		r = -err->code;
	else if (!action)
		r = cv_err_set(err, EINVAL, "%s: %s.action: missing", at->where, at->path);
	else if (cv_sc_action(action, &rule.action, err) < 0) {
		struct at sub;
		at_field(&sub, at, "action", -1);
		r = value_error(&sub, err);
	}
	/* no errnoRet: -1, and an ERRNO action answers EPERM (seccomp.c) */
	rule.errno_ret = has_errno ? (int)e : -1;
	json_array_foreach(names, i, v)
	{
		if (r < 0)
			break;
		snprintf(rule.name, sizeof(rule.name), "%s", json_string_value(v));
		r = cv_seccomp_add(sc, &rule, err);
	}
	if (owned)
		json_decref(names);
	return r;
}

static int add_arch(const char *name, const struct at *at, struct cv_seccomp *sc,
		    struct cv_err *err)
{
	uint32_t arch;

	if (cv_sc_arch(name, &arch, err) < 0)
		return value_error(at, err);
	if (sc->n_arches == CV_SC_MAX_ARCHES)
		return cv_err_set(err, E2BIG, "%s: %s: more than %d architectures", at->where,
				  at->path, CV_SC_MAX_ARCHES);
	sc->arches[sc->n_arches++] = arch;
	return 0;
}

/* An array of strings, each handed to fn. */
static int each_string(json_t *root, const char *field, const struct at *at, struct cv_seccomp *sc,
		       int (*fn)(const char *, const struct at *, struct cv_seccomp *,
				 struct cv_err *),
		       struct cv_err *err)
{
	json_t *list = json_object_get(root, field), *v;
	struct at sub;
	size_t i;

	if (!list || json_is_null(list))
		return 0;
	at_field(&sub, at, field, -1);
	if (!json_is_array(list))
		return type_error(&sub, "an array of strings", list, err);
	json_array_foreach(list, i, v)
	{
		at_field(&sub, at, field, (int)i);
		if (!json_is_string(v))
			return type_error(&sub, "a string", v, err);
		if (fn(json_string_value(v), &sub, sc, err) < 0)
			return -err->code;
	}
	return 0;
}

static int add_flag(const char *name, const struct at *at, struct cv_seccomp *sc,
		    struct cv_err *err)
{
	unsigned flag;

	if (cv_sc_flag(name, &flag, err) < 0)
		return value_error(at, err);
	sc->flags |= flag;
	return 0;
}

/* Docker's archMap: the entry for this machine, with its sub-architectures. */
static int arch_map(json_t *root, const struct at *at, struct cv_seccomp *sc, struct cv_err *err)
{
	json_t *map = json_object_get(root, "archMap"), *entry;
	struct at sub;
	size_t i;

	/* only this machine's entry counts: the same file serves arm64 and amd64 hosts */
	if (!map)
		return 0;
	at_field(&sub, at, "archMap", -1);
	if (!json_is_array(map))
		return type_error(&sub, "an array", map, err);
	json_array_foreach(map, i, entry)
	{
		const char *arch;
		uint32_t value;

		at_field(&sub, at, "archMap", (int)i);
		if (!json_is_object(entry))
			return type_error(&sub, "an object {architecture, subArchitectures}", entry,
					  err);
		if (get_string(entry, "architecture", &sub, &arch, err) < 0)
			return -err->code;
		if (!arch || cv_sc_arch(arch, &value, err) < 0 || value != seccomp_arch_native())
			continue; /* another machine's entry (or one libseccomp does not know) */
		if (add_arch(arch, &sub, sc, err) < 0 ||
		    each_string(entry, "subArchitectures", &sub, sc, add_arch, err) < 0)
			return -err->code;
	}
	return 0;
}

static int top_level(json_t *root, const struct at *at, struct cv_seccomp *sc, struct cv_err *err)
{
	const char *action, *path, *meta;
	uint64_t e = 0;
	bool has_errno;

	if (get_string(root, "defaultAction", at, &action, err) < 0 ||
	    get_uint(root, "defaultErrnoRet", at, &e, &has_errno, err) < 0 ||
	    get_string(root, "listenerPath", at, &path, err) < 0 ||
	    get_string(root, "listenerMetadata", at, &meta, err) < 0)
		return -err->code;
	if (!action) {
		cv_err_set(err, EINVAL, "%s: defaultAction: missing", at->where);
		return cv_err_hint(err,
				   "what every syscall no rule names gets, as in SCMP_ACT_ERRNO");
	}
	if (cv_sc_action(action, &sc->default_action, err) < 0)
		return cv_err_wrap(err, "%s: defaultAction", at->where);
	if (has_errno)
		sc->default_errno = (int)e;
	snprintf(sc->listener_path, sizeof(sc->listener_path), "%s", path ? path : "");
	snprintf(sc->listener_metadata, sizeof(sc->listener_metadata), "%s", meta ? meta : "");
	if (each_string(root, "architectures", at, sc, add_arch, err) < 0 ||
	    arch_map(root, at, sc, err) < 0 ||
	    each_string(root, "flags", at, sc, add_flag, err) < 0)
		return -err->code;
	return 0;
}

int cv_profile_from_json(json_t *root, const char *where, uint64_t caps, struct cv_seccomp *sc,
			 struct cv_err *err)
{
	struct at at = {where, ""}, sub;
	json_t *rules, *v;
	size_t i;

	/* ALLOW only until top_level() reads defaultAction, which is required */
	cv_seccomp_init(sc, SCMP_ACT_ALLOW);
	if (!json_is_object(root))
		return type_error(&(struct at){where, "(top)"}, "an object", root, err);
	if (top_level(root, &at, sc, err) < 0)
		goto free;
	rules = json_object_get(root, "syscalls");
	at_field(&sub, &at, "syscalls", -1);
	if (rules && !json_is_null(rules) && !json_is_array(rules)) {
		type_error(&sub, "an array of rules", rules, err);
		goto free;
	}
	json_array_foreach(rules, i, v)
	{
		at_field(&sub, &at, "syscalls", (int)i);
		if (parse_rule(v, &sub, caps, sc, err) < 0)
			goto free;
	}
	return 0;
free:
	cv_seccomp_free(sc);
	return -err->code;
}

int cv_profile_load(const char *path, uint64_t caps, struct cv_seccomp *sc, struct cv_err *err)
{
	json_error_t jerr;
	/* duplicate keys refused: with two "defaultAction"s, which one did the author mean? */
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	int r;

	if (!root) {
		cv_err_set(err, jerr.line < 0 ? ENOENT : EINVAL, "%s:%d:%d: %s", path, jerr.line,
			   jerr.column, jerr.text);
		return cv_err_hint(err, jerr.line < 0
					    ? "is the path right?"
					    : "a seccomp profile is JSON: check the line");
	}
	r = cv_profile_from_json(root, path, caps, sc, err);
	json_decref(root);
	return r;
}
