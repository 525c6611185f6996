/*
 * json.c - JSON with its line numbers (see json.h).
 *
 * A jansson value (json_t) is a type, a reference count and the value:
 * it has no position.  jansson reports one only when the text does not
 * parse (json_error_t's line and column), and most mistakes in a config
 * parse well: "12XB" is a fine string where a number belongs.  So the
 * text is read twice.  jansson builds the values; then scan() walks the
 * same bytes and, for every value, records the line it starts on under
 * the path a getter will name it by ("mounts[2].destination").
 *
 * scan() keeps a stack of the objects and arrays it is inside, each
 * with its own path, the key last read (in an object) or the index (in
 * an array).  A comma moves to the next key or index; an opening brace
 * or bracket pushes, a closing one pops; strings are skipped whole, so
 * a brace or comma inside one is not structure.  It runs only on text
 * jansson has accepted, so it checks nothing of the grammar.
 *
 * The table is a flat array searched from its start: a config has some
 * hundreds of values, and a line is looked up only to word an error.
 * Positions are a help, never a condition: a path cut short, a key
 * written with escapes (they are not decoded) or a value
 * nested deeper than MAX_DEPTH is not found, and the error names the
 * line of the nearest enclosing value that is.  jansson keeps the last of
 * two equal keys in an object (it is not asked to refuse them); the line
 * found for that key is the first one's.
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

/* Nesting that deep is no config: values below it are parsed, not given lines. */
#define MAX_DEPTH 64

/* One object or array scan() is inside. */
struct frame {
	bool obj, want_key; /* want_key: in an object, the next string is a key */
	int index;
	char path[CV_JPATH_MAX];
	char key[64]; /* the key last read, cut at 63 bytes */
};

/*
 * Paths are written in jq's notation less its leading dot, a key with dots
 * in it (a sysctl's) bare: "linux.resources.memory.limit", "mounts[2]".
 */
const char *cv_json_sub(char *buf, const char *parent, const char *key, int index)
{
	int n = key ? snprintf(buf, CV_JPATH_MAX, "%s%s%s", parent, parent[0] ? "." : "", key)
		    : snprintf(buf, CV_JPATH_MAX, "%s[%d]", parent, index);

	if (n >= CV_JPATH_MAX) /* a path that long is still a path: cut */
		buf[CV_JPATH_MAX - 1] = '\0';
	return buf;
}

/* Append (path, line) to the table, which doubles when full. */
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
	/* a failed strdup leaves a NULL path, which cv_json_line() passes over */
	j->lines[j->n_lines].path = strdup(path);
	j->lines[j->n_lines++].line = line;
}

/*
 * Skip a string starting at text[i] == '"'; copy up to size-1 raw bytes
 * of it.  A backslash is dropped and the byte after it taken as it is, so
 * an escaped quote does not end the string; a \u escape is not decoded.
 * Returns the index after the closing quote.
 */
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

/* The path of a value that starts now: the top frame's path and its key or index. */
static void value_path(const struct frame *stack, int depth, char *buf)
{
	const struct frame *top = &stack[depth - 1];

	if (depth == 0)
		buf[0] = '\0';
	else
		cv_json_sub(buf, top->path, top->obj ? top->key : NULL, top->index);
}

/*
 * Walk the text and note the line of every value.  The text is valid JSON,
 * so a newline can only be whitespace between tokens (inside a string it
 * must be written \n) and counting them counts lines.  The stack is
 * static (64 frames are some 15 KiB): scan() is not reentrant.
 */
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
			i++; /* a ':' only separates: the key was read, the value comes */
		} else if (deeper) {
			/* inside what is too deep to name: only the nesting counts (its
			 * commas are not the named frame's) */
			if (c == '{' || c == '[')
				deeper++;
			else if (c == '}' || c == ']')
				deeper--;
			i = c == '"' ? skip_string(text, len, i, NULL, 0) : i + 1;
		} else if (c == ',') { /* the next member: in an object, a key first */
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
		} else { /* what starts here is a value: a member's, an element's, the top */
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
	/*
	 * Flags 0: the top must be an object or an array, "\u0000" in a
	 * string is refused (no JSON_ALLOW_NUL: C strings could not hold it),
	 * a repeated key is kept, the last value winning, and an integer
	 * beyond long long is a syntax error ("too big integer").
	 */
	j->root = json_loadb(text, len, 0, &jerr);
	if (!j->root) {
		/* jansson's own position: where it stopped reading */
		cv_err_set(err, EINVAL, "%s:%d:%d: %s", name, jerr.line, jerr.column, jerr.text);
		return cv_err_hint(err, "the file must be JSON: look at that line");
	}
	scan(j, text, len);
	return 0;
}

/*
 * stat() first, so that a file far too large is refused with its size
 * before a megabyte of it is read.
 */
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

/*
 * The text lives only while it is parsed: jansson copies every string it
 * keeps, and the line table holds paths of its own.  A megabyte is kept
 * off the stack.
 */
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

/*
 * Every string a getter handed out points into j->root, and dies here:
 * struct cv_spec keeps its document for as long as it keeps its fields.
 */
void cv_json_free(struct cv_json *j)
{
	for (size_t i = 0; i < j->n_lines; i++)
		free(j->lines[i].path);
	free(j->lines);
	json_decref(j->root);
	memset(j, 0, sizeof(*j));
}

/*
 * A value without a line of its own (a missing field, one too deep, a key
 * recorded cut) takes its parent's, and so on up: one call per '.' or '['
 * in the path at most.
 */
int cv_json_line(const struct cv_json *j, const char *path)
{
	char parent[CV_JPATH_MAX];
	char *cut;

	for (size_t i = 0; i < j->n_lines; i++)
		if (j->lines[i].path && !strcmp(j->lines[i].path, path))
			return j->lines[i].line;
	/* a field that is missing: the line of the object that should hold it */
	snprintf(parent, sizeof(parent), "%s", path);
	/* the parent ends at the last '.' or '[', whichever is later */
	cut = strrchr(parent, '.');
	if (!cut || (strrchr(parent, '[') && strrchr(parent, '[') > cut))
		cut = strrchr(parent, '[');
	if (!cut)
		return 0;
	*cut = '\0';
	return cv_json_line(j, parent);
}

/*
 * Three shapes: "FILE: (top): ..." for the document itself, "FILE:LINE:
 * PATH: ..." where a line is known, "FILE: PATH: ..." where none is.
 */
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

/* A step's parser knows no file or line: its message gets them in front. */
int cv_json_wrap(const struct cv_json *j, const char *path)
{
	/* a copy: cv_err_set() writes the new message over the one it quotes */
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

/*
 * The value found is shown as JSON would write it, a string cut at 80
 * bytes; an object or an array by its kind alone, as the whole of one may
 * be most of the file.
 */
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

/*
 * The getters are as strict as Go's encoding/json, which reads config.json
 * for runc and most tools that write one: 1 for true, "10" for a number,
 * a negative for an unsigned field are errors there too.  And as there, a
 * null is no value at all: Go leaves a field it unmarshals null into as it
 * was, and writers use null for "unset".
 *
 * field - the field, and its path; NULL when absent or null.
 */
static json_t *field(json_t *obj, const char *parent, const char *key, char *path)
{
	json_t *v = json_object_get(obj, key);

	cv_json_sub(path, parent, key, 0);
	return v && !json_is_null(v) ? v : NULL;
}

/*
 * The string is safe as a C string: the parse refused "\u0000", so its
 * first NUL is its end (json_string_length() would say the same).
 */
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

/* A real (1.5, 1e3) is not an integer: jansson keeps the two apart, as the spec's types do. */
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

/*
 * jansson's integers are long long: a number above INT64_MAX never gets
 * here (the parse refused it), so the range is 0 to INT64_MAX.
 */
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

/*
 * max is what the field's kernel interface takes (a uid, a device
 * number): a larger value is refused, never cut to 32 bits.
 */
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

/* All or nothing: on an error no vector is left to free. */
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
	/* one more: the NULL that ends the vector, as execve() wants argv and envp */
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
