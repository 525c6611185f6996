/*
 * json.h - reading a JSON document (config.json, state.json) so that every
 * mistake in it can be reported where it is:
 *
 *     config.json:42: linux.resources.memory.limit: expected an integer, got "12XB"
 *
 * jansson parses the text but keeps no positions, so while loading, a
 * small scanner walks the same text and records the line on which each
 * value starts, under its path ("mounts[2].destination").  The getters
 * below read one field of an object, check its type, and on a mistake
 * fill the error with file, line, path, what was wanted and what was
 * found.  Each returns 1 when the field is there, 0 when it is absent
 * (the output untouched), or a negative errno.
 */
#ifndef CV_RT_JSON_H
#define CV_RT_JSON_H

#include <jansson.h>
#include <sys/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define CV_JPATH_MAX 160

struct cv_jline {
	char *path;
	int line;
};

struct cv_json {
	const char *file; /* as errors name it */
	json_t *root;
	struct cv_jline *lines;
	size_t n_lines, max_lines;
	struct cv_err *err;
};

/* The largest JSON document read: a config with an inline seccomp profile is tens of KiB. */
#define CV_JSON_MAX (1 << 20)

/*
 * cv_json_size_check - EFBIG, saying so with the size and the limit, for
 * a file over CV_JSON_MAX (which a read would only cut short, and the
 * parser then call a syntax error).  A missing file passes: its open
 * says why.
 */
int cv_json_size_check(const char *path, const char *name, struct cv_err *err);

/*
 * cv_json_read - the file at path into buf (CV_JSON_MAX + 2 bytes), NUL
 * ended: its length, or -errno; EFBIG for over CV_JSON_MAX bytes, also
 * where stat() cannot tell (a pipe, a file that grew).
 */
ssize_t cv_json_read(const char *path, const char *name, char *buf, struct cv_err *err);

/*
 * cv_json_load - read and parse `path`.  A syntax error names the line
 * and column.  The document and its positions live until cv_json_free.
 */
int cv_json_load(struct cv_json *j, const char *path, const char *name, struct cv_err *err);

/* cv_json_parse - the same from text already in memory. */
int cv_json_parse(struct cv_json *j, const char *text, size_t len, const char *name,
		  struct cv_err *err);

void cv_json_free(struct cv_json *j);

/* cv_json_line - the line where the value at `path` starts, or 0. */
int cv_json_line(const struct cv_json *j, const char *path);

/* cv_json_sub - "parent.key", or "parent[index]" when key is NULL. */
const char *cv_json_sub(char *buf, const char *parent, const char *key, int index);

/* cv_json_error - "FILE:LINE: PATH: MESSAGE" into j->err; returns -EINVAL. */
int cv_json_error(const struct cv_json *j, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * cv_json_wrap - put "FILE:LINE: PATH: " in front of the error a step's
 * parser left in j->err, keeping its hint; returns -code.
 */
int cv_json_wrap(const struct cv_json *j, const char *path);

/* cv_json_type_error - "expected WANT, got VALUE" at path. */
int cv_json_type_error(const struct cv_json *j, const char *path, const char *want, json_t *got);

/* The getters: obj's field `key`, where obj sits at `parent` ("" for the top). */
int cv_json_str(const struct cv_json *j, json_t *obj, const char *parent, const char *key,
		const char **out);
int cv_json_bool(const struct cv_json *j, json_t *obj, const char *parent, const char *key,
		 bool *out);
int cv_json_i64(const struct cv_json *j, json_t *obj, const char *parent, const char *key,
		int64_t *out);
int cv_json_u64(const struct cv_json *j, json_t *obj, const char *parent, const char *key,
		uint64_t *out);
/* cv_json_uint - an integer in [0, max], for a 32-bit field. */
int cv_json_uint(const struct cv_json *j, json_t *obj, const char *parent, const char *key,
		 uint64_t max, uint32_t *out);
int cv_json_arr(const struct cv_json *j, json_t *obj, const char *parent, const char *key,
		json_t **out);
int cv_json_obj(const struct cv_json *j, json_t *obj, const char *parent, const char *key,
		json_t **out);

/*
 * cv_json_strs - an array of strings, as a NULL-terminated vector of
 * pointers into the document (freed with free(); the strings are the
 * document's).
 */
int cv_json_strs(const struct cv_json *j, json_t *obj, const char *parent, const char *key,
		 const char ***out, size_t *n);

#endif
