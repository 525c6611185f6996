/*
 * json.c - JSON with its line numbers (see json.h).
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>

#include "common/file.h"
#include "runtime/spec/json.h"

#define MAX_DEPTH 64

struct frame {
	bool obj, want_key;
	int index;
	char path[CV_JPATH_MAX];
	char key[64];
};

const char *cv_json_sub(char *buf, const char *parent, const char *key, int index)
{
	int n = key ? snprintf(buf, CV_JPATH_MAX, "%s%s%s", parent, parent[0] ? "." : "", key)
		    : snprintf(buf, CV_JPATH_MAX, "%s[%d]", parent, index);

	if (n >= CV_JPATH_MAX) /* a path that long is still a path: cut */
		buf[CV_JPATH_MAX - 1] = '\0';
	return buf;
}

static void record(struct cv_json *j, const char *path, int line)
{
	if (j->n_lines == j->max_lines) {
		size_t more = j->max_lines ? 2 * j->max_lines : 128;
		struct cv_jline *grown = realloc(j->lines, more * sizeof(*grown));
		if (!grown)
			return; /* positions are a courtesy: an error just names no line */
		j->lines = grown;
		j->max_lines = more;
	}
	j->lines[j->n_lines].path = strdup(path);
	j->lines[j->n_lines++].line = line;
}

/* Skip a string starting at text[i] == '"'; copy up to size-1 raw bytes of it. */
static size_t skip_string(const char *text, size_t len, size_t i, char *copy, size_t size)
{
	size_t n = 0;

	for (i++; i < len && text[i] != '"'; i++) {
		if (text[i] == '\\' && i + 1 < len)
			i++;
		if (copy && n + 1 < size)
			copy[n++] = text[i];
	}
	if (copy)
		copy[n] = '\0';
	return i + 1;
}

/* The path of a value that starts now. */
static void value_path(const struct frame *stack, int depth, char *buf)
{
	const struct frame *top = &stack[depth - 1];

	if (depth == 0)
		buf[0] = '\0';
	else
		cv_json_sub(buf, top->path, top->obj ? top->key : NULL, top->index);
}

/* Walk the text and note the line of every value.  The text is valid JSON. */
static void scan(struct cv_json *j, const char *text, size_t len)
{
	static struct frame stack[MAX_DEPTH];
	char path[CV_JPATH_MAX];
	int depth = 0, deeper = 0, line = 1; /* deeper: levels past MAX_DEPTH, not noted */

	for (size_t i = 0; i < len;) {
		char c = text[i];
		struct frame *top = depth ? &stack[depth - 1] : NULL;

		if (c == '\n')
			line++;
		if (isspace((unsigned char)c) || c == ':') {
			i++;
		} else if (deeper) {
			/* inside what is too deep to name: only the nesting counts (its
			 * commas are not the named frame's) */
			if (c == '{' || c == '[')
				deeper++;
			else if (c == '}' || c == ']')
				deeper--;
			i = c == '"' ? skip_string(text, len, i, NULL, 0) : i + 1;
		} else if (c == ',') {
			if (top && top->obj)
				top->want_key = true;
			else if (top)
				top->index++;
			i++;
		} else if (c == '}' || c == ']') {
			if (depth)
				depth--;
			i++;
		} else if (c == '"' && top && top->obj && top->want_key) {
			i = skip_string(text, len, i, top->key, sizeof(top->key));
			top->want_key = false;
		} else {
			value_path(stack, depth, path);
			record(j, path, line);
			if ((c == '{' || c == '[') && depth == MAX_DEPTH) {
				deeper = 1;
				i++;
			} else if (c == '{' || c == '[') {
				struct frame *f = &stack[depth++];
				f->obj = c == '{';
				f->want_key = f->obj;
				f->index = 0;
				memcpy(f->path, path, sizeof(f->path));
				i++;
			} else if (c == '"') {
				i = skip_string(text, len, i, NULL, 0);
			} else {
				/* a number, true, false, null - or a byte jansson let by (a NUL
				 * ends its input): at least one byte, never strchr's own NUL */
				do
					i++;
				while (i < len && text[i] && !strchr(",}] \t\r\n", text[i]));
			}
		}
	}
}

int cv_json_parse(struct cv_json *j, const char *text, size_t len, const char *name,
		  struct cv_err *err)
{
	json_error_t jerr;

	memset(j, 0, sizeof(*j));
	j->file = name;
	j->err = err;
	j->root = json_loadb(text, len, 0, &jerr);
	if (!j->root) {
		cv_err_set(err, EINVAL, "%s:%d:%d: %s", name, jerr.line, jerr.column, jerr.text);
		return cv_err_hint(err, "the file must be JSON: look at that line");
	}
	scan(j, text, len);
	return 0;
}

int cv_json_size_check(const char *path, const char *name, struct cv_err *err)
{
	struct stat st;

	if (stat(path, &st) < 0 || st.st_size <= CV_JSON_MAX)
		return 0; /* a missing file: the open says so */
	cv_err_set(err, EFBIG, "%s: %lld bytes is too large: at most %d (1 MiB) are read", name,
		   (long long)st.st_size, CV_JSON_MAX);
	return cv_err_hint(err, "is `%s` the file you meant? A runtime config is a few KiB", path);
}

ssize_t cv_json_read(const char *path, const char *name, char *buf, struct cv_err *err)
{
	ssize_t n;
	int r;

	if ((r = cv_json_size_check(path, name, err)) < 0)
		return r;
	/* one byte more than the limit: what fills it (a pipe, a file that grew) is too large */
	if ((n = cv_read_file(path, buf, CV_JSON_MAX + 2, err)) <= CV_JSON_MAX)
		return n;
	cv_err_set(err, EFBIG, "%s: over %d bytes (1 MiB) is too large", name, CV_JSON_MAX);
	return cv_err_hint(err, "is `%s` the file you meant? A runtime config is a few KiB", path);
}

int cv_json_load(struct cv_json *j, const char *path, const char *name, struct cv_err *err)
{
	char *text = malloc(CV_JSON_MAX + 2);
	ssize_t n;
	int r;

	if (!text)
		return cv_err_set(err, ENOMEM, "reading %s", path);
	n = cv_json_read(path, name, text, err);
	r = n < 0 ? (int)n : cv_json_parse(j, text, (size_t)n, name, err);
	free(text);
	return r;
}

void cv_json_free(struct cv_json *j)
{
	for (size_t i = 0; i < j->n_lines; i++)
		free(j->lines[i].path);
	free(j->lines);
	json_decref(j->root);
	memset(j, 0, sizeof(*j));
}

int cv_json_line(const struct cv_json *j, const char *path)
{
	char parent[CV_JPATH_MAX];
	char *cut;

	for (size_t i = 0; i < j->n_lines; i++)
		if (j->lines[i].path && !strcmp(j->lines[i].path, path))
			return j->lines[i].line;
	/* a field that is missing: the line of the object that should hold it */
	snprintf(parent, sizeof(parent), "%s", path);
	cut = strrchr(parent, '.');
	if (!cut || (strrchr(parent, '[') && strrchr(parent, '[') > cut))
		cut = strrchr(parent, '[');
	if (!cut)
		return 0;
	*cut = '\0';
	return cv_json_line(j, parent);
}

int cv_json_error(const struct cv_json *j, const char *path, const char *fmt, ...)
{
	char what[CV_ERR_MSG_MAX];
	int line = cv_json_line(j, path);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (!path[0]) /* the document itself */
		cv_err_set(j->err, EINVAL, "%s: (top): %s", j->file, what);
	else if (line)
		cv_err_set(j->err, EINVAL, "%s:%d: %s: %s", j->file, line, path, what);
	else
		cv_err_set(j->err, EINVAL, "%s: %s: %s", j->file, path, what);
	return -EINVAL;
}

int cv_json_wrap(const struct cv_json *j, const char *path)
{
	struct cv_err inner = *j->err;
	int line = cv_json_line(j, path);

	if (line)
		cv_err_set(j->err, inner.code, "%s:%d: %s: %s", j->file, line, path, inner.msg);
	else
		cv_err_set(j->err, inner.code, "%s: %s: %s", j->file, path, inner.msg);
	if (inner.hint[0])
		cv_err_hint(j->err, "%s", inner.hint);
	return -inner.code;
}

int cv_json_type_error(const struct cv_json *j, const char *path, const char *want, json_t *got)
{
	char shown[96];

	switch (json_typeof(got)) {
	case JSON_OBJECT:
		snprintf(shown, sizeof(shown), "an object");
		break;
	case JSON_ARRAY:
		snprintf(shown, sizeof(shown), "an array");
		break;
	case JSON_STRING:
		snprintf(shown, sizeof(shown), "\"%.80s\"", json_string_value(got));
		break;
	case JSON_INTEGER:
		snprintf(shown, sizeof(shown), "%" JSON_INTEGER_FORMAT, json_integer_value(got));
		break;
	case JSON_REAL:
		snprintf(shown, sizeof(shown), "%g", json_real_value(got));
		break;
	case JSON_TRUE:
		snprintf(shown, sizeof(shown), "true");
		break;
	case JSON_FALSE:
		snprintf(shown, sizeof(shown), "false");
		break;
	default:
		snprintf(shown, sizeof(shown), "null");
		break;
	}
	return cv_json_error(j, path, "expected %s, got %s", want, shown);
}

/* The field, and its path; NULL when absent (or null, which JSON writers use for "unset"). */
static json_t *field(json_t *obj, const char *parent, const char *key, char *path)
{
	json_t *v = json_object_get(obj, key);

	cv_json_sub(path, parent, key, 0);
	return v && !json_is_null(v) ? v : NULL;
}

int cv_json_str(const struct cv_json *j, json_t *obj, const char *parent, const char *key,
		const char **out)
{
	char path[CV_JPATH_MAX];
	json_t *v = field(obj, parent, key, path);

	if (!v)
		return 0;
	if (!json_is_string(v))
		return cv_json_type_error(j, path, "a string", v);
	*out = json_string_value(v);
	return 1;
}

int cv_json_bool(const struct cv_json *j, json_t *obj, const char *parent, const char *key,
		 bool *out)
{
	char path[CV_JPATH_MAX];
	json_t *v = field(obj, parent, key, path);

	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return cv_json_type_error(j, path, "true or false", v);
	*out = json_is_true(v);
	return 1;
}

int cv_json_i64(const struct cv_json *j, json_t *obj, const char *parent, const char *key,
		int64_t *out)
{
	char path[CV_JPATH_MAX];
	json_t *v = field(obj, parent, key, path);

	if (!v)
		return 0;
	if (!json_is_integer(v))
		return cv_json_type_error(j, path, "an integer", v);
	*out = (int64_t)json_integer_value(v);
	return 1;
}

int cv_json_u64(const struct cv_json *j, json_t *obj, const char *parent, const char *key,
		uint64_t *out)
{
	char path[CV_JPATH_MAX];
	json_t *v = field(obj, parent, key, path);

	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return cv_json_type_error(j, path, "a non-negative integer", v);
	*out = (uint64_t)json_integer_value(v);
	return 1;
}

int cv_json_uint(const struct cv_json *j, json_t *obj, const char *parent, const char *key,
		 uint64_t max, uint32_t *out)
{
	char path[CV_JPATH_MAX];
	uint64_t v = 0;
	int r = cv_json_u64(j, obj, parent, key, &v);

	if (r <= 0)
		return r;
	if (v > max)
		return cv_json_error(j, cv_json_sub(path, parent, key, 0),
				     "%" PRIu64 " is out of range (at most %" PRIu64 ")", v, max);
	*out = (uint32_t)v;
	return 1;
}

int cv_json_arr(const struct cv_json *j, json_t *obj, const char *parent, const char *key,
		json_t **out)
{
	char path[CV_JPATH_MAX];
	json_t *v = field(obj, parent, key, path);

	if (!v)
		return 0;
	if (!json_is_array(v))
		return cv_json_type_error(j, path, "an array", v);
	*out = v;
	return 1;
}

int cv_json_obj(const struct cv_json *j, json_t *obj, const char *parent, const char *key,
		json_t **out)
{
	char path[CV_JPATH_MAX];
	json_t *v = field(obj, parent, key, path);

	if (!v)
		return 0;
	if (!json_is_object(v))
		return cv_json_type_error(j, path, "an object", v);
	*out = v;
	return 1;
}

int cv_json_strs(const struct cv_json *j, json_t *obj, const char *parent, const char *key,
		 const char ***out, size_t *n)
{
	char path[CV_JPATH_MAX], item[CV_JPATH_MAX];
	json_t *arr = NULL, *v;
	size_t i;
	int r = cv_json_arr(j, obj, parent, key, &arr);

	if (r <= 0)
		return r;
	cv_json_sub(path, parent, key, 0);
	*out = calloc(json_array_size(arr) + 1, sizeof(char *));
	if (!*out)
		return cv_err_set(j->err, ENOMEM, "%s: %s: out of memory", j->file, path);
	json_array_foreach(arr, i, v)
	{
		if (!json_is_string(v)) {
			free(*out);
			*out = NULL;
			return cv_json_type_error(j, cv_json_sub(item, path, NULL, (int)i),
						  "a string", v);
		}
		(*out)[i] = json_string_value(v);
	}
	if (n)
		*n = json_array_size(arr);
	return 1;
}
