/*
 * state.c - the state directory of a container (see state.h).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/file.h"
#include "common/trace.h"
#include "runtime/state.h"

static const char *const names[] = {"creating", "created", "running", "stopped", "paused"};

const char *cv_status_name(enum cv_status s)
{
	return names[s];
}

int cv_state_id_check(const char *id, struct cv_err *err)
{
	size_t n = strlen(id);
	bool ok = n > 0 && n < 256 && strcmp(id, ".") && strcmp(id, "..");

	for (const char *p = id; ok && *p; p++)
		ok = isalnum((unsigned char)*p) || strchr("_+-.", *p);
	if (ok)
		return 0;
	cv_err_set(err, EINVAL, "invalid container id `%s`", id);
	return cv_err_hint(err, "an id is 1 to 255 letters, digits and _ + - . (no slash)");
}

static int lock_dir(struct cv_state *st, struct cv_err *err)
{
	st->lock_fd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->lock_fd < 0)
		return cv_err_sys(err, "open(`%s`)", st->dir);
	if (flock(st->lock_fd, LOCK_EX) < 0) {
		int r = cv_err_sys(err, "flock(`%s`)", st->dir);
		close(st->lock_fd);
		st->lock_fd = -1;
		return r;
	}
	return 0;
}

static void init_state(struct cv_state *st, const char *root, const char *id)
{
	memset(st, 0, sizeof(*st));
	st->lock_fd = -1;
	snprintf(st->id, sizeof(st->id), "%s", id);
	snprintf(st->dir, sizeof(st->dir), "%s/%s", root, id);
}

int cv_state_make(const char *root, const char *id, struct cv_state *st, struct cv_err *err)
{
	time_t now = time(NULL);
	struct tm tm;

	if (cv_state_id_check(id, err) < 0)
		return -err->code;
	init_state(st, root, id);
	if (mkdir(root, 0700) < 0 && errno != EEXIST)
		return cv_err_sys(err, "mkdir(`%s`)", root);
	if (mkdir(st->dir, 0700) < 0) {
		if (errno != EEXIST)
			return cv_err_sys(err, "mkdir(`%s`)", st->dir);
		cv_err_set(err, EEXIST, "container `%s` already exists", id);
		return cv_err_hint(err, "`containerv delete %s` removes it; or choose another id",
				   id);
	}
	gmtime_r(&now, &tm);
	strftime(st->created, sizeof(st->created), "%Y-%m-%dT%H:%M:%SZ", &tm);
	cv_trace("state directory `%s` made", st->dir);
	return lock_dir(st, err);
}

static void copy_str(char *dst, size_t size, json_t *obj, const char *key)
{
	const char *v = json_string_value(json_object_get(obj, key));

	snprintf(dst, size, "%s", v ? v : "");
}

static int read_state(struct cv_state *st, struct cv_err *err)
{
	char path[PATH_MAX + 16];
	json_error_t jerr;
	json_t *doc;
	const char *status;

	snprintf(path, sizeof(path), "%s/state.json", st->dir);
	if (!(doc = json_load_file(path, 0, &jerr))) {
		if (access(path, F_OK) < 0)
			return 0; /* killed before it wrote any: the directory alone, "creating" */
		return cv_err_set(err, EIO, "%s: %s", path, jerr.text);
	}
	status = json_string_value(json_object_get(doc, "status"));
	for (int i = 0; status && i <= CV_PAUSED; i++)
		if (!strcmp(status, names[i]))
			st->status = (enum cv_status)i;
	st->pid = (pid_t)json_integer_value(json_object_get(doc, "pid"));
	st->start = (unsigned long long)json_integer_value(json_object_get(doc, "start"));
	copy_str(st->bundle, sizeof(st->bundle), doc, "bundle");
	copy_str(st->rootfs, sizeof(st->rootfs), doc, "rootfs");
	copy_str(st->cgroup, sizeof(st->cgroup), doc, "cgroupsPath");
	copy_str(st->created, sizeof(st->created), doc, "created");
	st->annotations = json_incref(json_object_get(doc, "annotations"));
	json_decref(doc);
	return 0;
}

int cv_state_open(const char *root, const char *id, struct cv_state *st, struct cv_err *err)
{
	struct stat sb;
	int r;

	if (cv_state_id_check(id, err) < 0)
		return -err->code;
	init_state(st, root, id);
	if (stat(st->dir, &sb) < 0) {
		cv_err_set(err, ENOENT, "container `%s` does not exist", id);
		return cv_err_hint(err, "`containerv list` shows the containers under %s", root);
	}
	if ((r = lock_dir(st, err)) < 0)
		return r;
	/* removed while we waited for the lock: it is gone */
	if (fstat(st->lock_fd, &sb) < 0 || sb.st_nlink == 0) {
		cv_state_close(st);
		return cv_err_set(err, ENOENT, "container `%s` does not exist", id);
	}
	if ((r = read_state(st, err)) < 0) {
		cv_state_close(st);
		return r;
	}
	/* create holds this lock from the directory's making until "created":
	 * still "creating" now, it is of a create that died half-way, and will
	 * never be started (delete cleans whatever it left) */
	if (st->status == CV_CREATING)
		st->status = CV_STOPPED;
	return 0;
}

int cv_state_save(const struct cv_state *st, struct cv_err *err)
{
	char path[PATH_MAX + 16], tmp[PATH_MAX + 16];
	char *text = cv_state_json(st, st->status);
	int r;

	if (!text)
		return cv_err_set(err, ENOMEM, "state of `%s`", st->id);
	snprintf(path, sizeof(path), "%s/state.json", st->dir);
	snprintf(tmp, sizeof(tmp), "%s/.state.json.tmp", st->dir);
	r = cv_write_file_new(tmp, text, strlen(text), 0600, err);
	free(text);
	if (r < 0)
		return r;
	if (rename(tmp, path) < 0)
		return cv_err_sys(err, "rename(`%s`, `%s`)", tmp, path);
	return 0;
}

void cv_state_close(struct cv_state *st)
{
	if (st->lock_fd >= 0)
		close(st->lock_fd); /* the flock goes with it */
	st->lock_fd = -1;
	json_decref(st->annotations);
	st->annotations = NULL;
}

int cv_state_remove(struct cv_state *st, struct cv_err *err)
{
	int r = cv_remove_tree(st->dir, err);

	cv_trace_sys(r, "state directory `%s` removed", st->dir);
	cv_state_close(st);
	return r;
}

unsigned long long cv_proc_start(pid_t pid)
{
	char path[64], text[1024], *p;
	struct cv_err ignored;
	unsigned long long start = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (pid <= 0 || cv_read_file(path, text, sizeof(text), &ignored) <= 0)
		return 0;
	/* after "(comm)", which may hold spaces and parentheses: the last ')' */
	if (!(p = strrchr(text, ')')))
		return 0;
	/* field 3 is the state; a zombie has finished */
	if (p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'))
		return 0;
	sscanf(p + 2,
	       "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d "
	       "%*d %llu",
	       &start);
	return start;
}

bool cv_state_alive(const struct cv_state *st)
{
	return st->pid > 0 && st->start && cv_proc_start(st->pid) == st->start;
}

enum cv_status cv_state_status(const struct cv_state *st)
{
	return cv_state_alive(st) ? st->status : CV_STOPPED;
}

char *cv_state_json(const struct cv_state *st, enum cv_status status)
{
	json_t *doc = json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:I}", "ociVersion",
				"1.2.0", "id", st->id, "status", names[status], "pid",
				status == CV_STOPPED ? 0 : (int)st->pid, "bundle", st->bundle,
				"rootfs", st->rootfs, "created", st->created, "cgroupsPath",
				st->cgroup, "start", (json_int_t)st->start);
	char *text;

	if (doc && st->annotations)
		json_object_set(doc, "annotations", st->annotations);
	text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(doc);
	return text;
}

char **cv_state_list(const char *root, struct cv_err *err)
{
	DIR *d = opendir(root);
	struct dirent *e;
	char **ids = calloc(1, sizeof(char *));
	size_t n = 0;

	if (!d && errno != ENOENT) {
		free(ids);
		cv_err_sys(err, "opendir(`%s`)", root);
		return NULL;
	}
	while (d && ids && (e = readdir(d))) {
		char **grown;
		if (e->d_name[0] == '.' || e->d_type != DT_DIR)
			continue;
		if (!(grown = realloc(ids, (n + 2) * sizeof(char *))))
			break;
		ids = grown;
		ids[n++] = strdup(e->d_name);
		ids[n] = NULL;
	}
	if (d)
		closedir(d);
	return ids;
}
