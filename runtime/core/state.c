/*
 * state.c - the state directory of a container (see state.h).
 *
 * Three things make the directory trustworthy between commands:
 *
 *   the lock     every command holds flock(LOCK_EX) on the directory while
 *                it reads or changes it; create holds it from mkdir to
 *                "created", so a command that gets it and reads
 *                "creating" knows that create died;
 *   atomicity    state.json is written to a temporary file and renamed
 *                over the old one: a reader sees the old or the new, never
 *                half of either;
 *   the record   `owned` is appended to, a line at a time, and never
 *                rewritten: what create made survives whatever happens to
 *                state.json.
 *
 * Still, a file can be damaged (a full disk, an editor, a bug): state.json
 * is checked field by field as it is read, and one that is not what
 * containerv writes is an error naming the file and the field (EBADMSG).
 * Every command stops there but `delete --force`, which takes what it
 * must remove from the record instead (cv_state_open_damaged) - the
 * container would otherwise be stuck, its init and cgroup alive with no
 * command able to reach them (runc has that gap).
 *
 * Nothing is kept between commands but these files: each command is a new
 * process, which takes the lock (cv_state_open), reads the files again,
 * and lets go by closing the directory (cv_state_close).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/file.h"
#include "common/trace.h"
#include "runtime/core/state.h"

/* In the order of enum cv_status: the status is stored by name, never by number. */
static const char *const names[] = {"creating", "created", "running", "stopped", "paused"};

const char *cv_status_name(enum cv_status s)
{
	return names[s];
}

/*
 * The id names a directory under --root and the default cgroup
 * (/containerv/ID): a slash or a dot-dot would reach outside both, so
 * only the characters runc allows pass.
 */
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

/*
 * Open the directory and take its lock: waits while another command holds
 * it, so two commands on one container take turns instead of failing.
 * flock(2) on the directory itself, not a lock file: there is nothing more
 * to make or leave behind, and the lock belongs to the open descriptor -
 * a command killed with SIGKILL lets go when the kernel closes its files,
 * so a dead command never leaves the container locked.
 */
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
	/* the whole path: containerd's and docker's shims give <dir>/<namespace>, new;
	 * 0700: exec.fifo in there starts the container for whoever can open it */
	if (cv_mkdir_p(root, 0700, err) < 0)
		return -err->code;
	/* mkdir is the test for "exists": atomic, so two creates of one id cannot both
	 * go on (a stat first, then mkdir, could let both through) */
	if (mkdir(st->dir, 0700) < 0) {
		if (errno != EEXIST)
			return cv_err_sys(err, "mkdir(`%s`)", st->dir);
		cv_err_set(err, EEXIST, "container `%s` already exists", id);
		return cv_err_hint(err, "`containerv delete %s` removes it; or choose another id",
				   id);
	}
	/* "created": RFC 3339, in UTC */
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

/*
 * A state.json that is not what we write: EBADMSG, naming the file and
 * what is wrong with it (its bytes may be anything: only printable ones
 * are shown), with the way out.
 */
static int damaged(const struct cv_state *st, const char *path, char *what, struct cv_err *err)
{
	for (char *p = what; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	cv_err_set(err, EBADMSG, "`%s` is damaged: %s", path, what);
	return cv_err_hint(err,
			   "`containerv delete --force %s` still removes the container: its init "
			   "and cgroup are found without that file",
			   st->id);
}

/*
 * Every field containerv writes, of the type it writes: anything else is
 * damage.  Read unchecked, a wrong type reads as 0 or "" (jansson's
 * accessors): a pid 0 or a cgroup "" would quietly be another container's
 * state - one with no init, or no cgroup, to kill.
 */
static int check_doc(const struct cv_state *st, const char *path, json_t *doc, struct cv_err *err)
{
	static const char *const types[] = {"an object", "an array", "a string", "an integer",
					    "a number",  "true",     "false",    "null"};
	static const struct {
		const char *key;
		json_type type;
	} fields[] = {{"id", JSON_STRING},     {"status", JSON_STRING},
		      {"pid", JSON_INTEGER},   {"bundle", JSON_STRING},
		      {"rootfs", JSON_STRING}, {"created", JSON_STRING},
		      {"start", JSON_INTEGER}, {"cgroupsPath", JSON_STRING}};
	char what[256];
	const char *status;

	if (!json_is_object(doc)) {
		snprintf(what, sizeof(what), "it holds %s, not an object", types[json_typeof(doc)]);
		return damaged(st, path, what, err);
	}
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		json_t *v = json_object_get(doc, fields[i].key);
		if (v && json_typeof(v) == fields[i].type)
			continue;
		snprintf(what, sizeof(what), "`%s` is %s", fields[i].key,
			 v ? types[json_typeof(v)] : "missing");
		if (v)
			snprintf(what + strlen(what), sizeof(what) - strlen(what), ", not %s",
				 types[fields[i].type]);
		return damaged(st, path, what, err);
	}
	status = json_string_value(json_object_get(doc, "status"));
	for (int i = 0; i <= CV_PAUSED; i++)
		if (!strcmp(status, names[i]))
			return 0;
	snprintf(what, sizeof(what), "`status` is `%.64s`, which is none of containerv's", status);
	return damaged(st, path, what, err);
}

/*
 * state.json into st, checked (check_doc) before anything of it is used.
 * A directory without one is a create killed before its first save.
 */
static int read_state(struct cv_state *st, struct cv_err *err)
{
	char path[PATH_MAX + 16], what[256];
	json_error_t jerr;
	json_t *doc;
	const char *status;
	int r;

	snprintf(path, sizeof(path), "%s/state.json", st->dir);
	if (!(doc = json_load_file(path, 0, &jerr))) {
		if (access(path, F_OK) < 0)
			return 0; /* killed before it wrote any: the directory alone, "creating" */
		snprintf(what, sizeof(what), "not JSON: %s (line %d)", jerr.text, jerr.line);
		return damaged(st, path, what, err);
	}
	if ((r = check_doc(st, path, doc, err)) < 0) {
		json_decref(doc);
		return r;
	}
	status = json_string_value(json_object_get(doc, "status"));
	for (int i = 0; i <= CV_PAUSED; i++)
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

/*
 * One line of the record, in one write(2) with O_APPEND: lines from one
 * create never interleave or tear, and a create killed between two writes
 * leaves whole lines.  No fsync: it guards against a killed runtime, not
 * a lost machine (whose /run is a tmpfs anyway).
 *
 * Why written ahead (create.c notes a cgroup directory before it makes
 * it): a create killed between the two then leaves a line for something
 * that may not exist, which delete takes in its stride (a directory
 * already gone), never something made with no line, which delete could
 * not tell from a directory that was there before and is not the
 * container's to remove.
 */
int cv_state_note(const struct cv_state *st, struct cv_err *err, const char *fmt, ...)
{
	char path[PATH_MAX + 16], line[CV_STATE_LINE_MAX];
	_cleanup_close_ int fd = -1;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)sizeof(line) - 1)
		return cv_err_set(err, ENAMETOOLONG, "a line of `%s/owned`: too long", st->dir);
	line[n++] = '\n';
	snprintf(path, sizeof(path), "%s/owned", st->dir);
	/* O_APPEND: each line lands whole at the end, whatever was written before */
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600)) < 0)
		return cv_err_sys(err, "open(`%s`)", path);
	if (write(fd, line, (size_t)n) != n)
		return cv_err_sys(err, "write(`%s`)", path);
	return 0;
}

int cv_state_made(const struct cv_state *st, const char *name)
{
	for (unsigned i = 0; i < st->n_made; i++)
		if (!strcmp(st->made[i].tree, name))
			return st->made[i].n;
	return -1;
}

/* A "made" line: a later one for the same tree replaces an earlier one. */
static void note_made(struct cv_state *st, const char *tree, int n)
{
	unsigned i = 0;

	while (i < st->n_made && strcmp(st->made[i].tree, tree))
		i++;
	if (i == CV_STATE_TREES)
		return;
	snprintf(st->made[i].tree, sizeof(st->made[i].tree), "%s", tree);
	st->made[i].n = n;
	st->n_made += i == st->n_made;
}

/*
 * The lines of `owned` (state.h), each on its own: one that does not parse
 * is skipped, whatever the others.  The "made" lines always; with `facts`,
 * the cgroup and the init too (state.json, when readable, says those).
 */
static void read_owned(struct cv_state *st, bool facts)
{
	char path[PATH_MAX + 16], text[8192], tree[32];
	unsigned long long start, mount;
	struct cv_err ignored;
	int n, pid;

	snprintf(path, sizeof(path), "%s/owned", st->dir);
	if (cv_read_file(path, text, sizeof(text), &ignored) < 0)
		return;
	st->owned_read = true;
	/* the last line of each kind wins: create writes a plan, then what it did.
	 * A path is the rest of its line (%n), whatever spaces it holds */
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (sscanf(line, "made %31s %d", tree, &n) == 2 && n >= 0)
			note_made(st, tree, n);
		else if (sscanf(line, "mount %llu %n", &mount, &n) == 1 && n > 0) {
			st->root_mount = mount;
			if (facts)
				snprintf(st->rootfs, sizeof(st->rootfs), "%s", line + n);
		} else if (facts && sscanf(line, "init %d %llu", &pid, &start) == 2 && pid > 0)
			st->pid = pid, st->start = start;
		else if (facts && !strncmp(line, "cgroup ", 7))
			snprintf(st->cgroup, sizeof(st->cgroup), "%s", line + 7);
	}
}

/* The directory of an existing container, locked. */
static int lock_existing(const char *root, const char *id, struct cv_state *st, struct cv_err *err)
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
	/* removed while we waited for the lock: it is gone.  Our descriptor still
	 * works on a removed directory; its link count of 0 is what tells */
	if (fstat(st->lock_fd, &sb) < 0 || sb.st_nlink == 0) {
		cv_state_close(st);
		return cv_err_set(err, ENOENT, "container `%s` does not exist", id);
	}
	return 0;
}

int cv_state_open(const char *root, const char *id, struct cv_state *st, struct cv_err *err)
{
	int r;

	if ((r = lock_existing(root, id, st, err)) < 0)
		return r;
	if ((r = read_state(st, err)) < 0) {
		cv_state_close(st);
		return r;
	}
	read_owned(st, false);
	/* create holds this lock from the directory's making until "created":
	 * still "creating" now, it is of a create that died half-way, and will
	 * never be started (delete cleans whatever it left) */
	if (st->status == CV_CREATING)
		st->status = CV_STOPPED;
	return 0;
}

/*
 * linux.cgroupsPath of the config saved at create; the default when it has
 * none.  Only for a container without a record: an older containerv's.
 */
static void cgroup_of_config(struct cv_state *st)
{
	char path[PATH_MAX + 16];
	json_t *doc;
	const char *cg;

	snprintf(path, sizeof(path), "%s/config.json", st->dir);
	doc = json_load_file(path, 0, NULL);
	cg = json_string_value(json_object_get(json_object_get(doc, "linux"), "cgroupsPath"));
	if (cg && cg[0])
		snprintf(st->cgroup, sizeof(st->cgroup), "%s", cg);
	else
		snprintf(st->cgroup, sizeof(st->cgroup), "/containerv/%s", st->id);
	json_decref(doc);
}

int cv_state_open_damaged(const char *root, const char *id, struct cv_state *st, struct cv_err *err)
{
	int r;

	/* Nothing of state.json is used: a damaged file may say anything, a pid
	 * included.  The record's init is checked against its start time before
	 * it is killed (cv_state_alive), as state.json's would be. */
	if ((r = lock_existing(root, id, st, err)) < 0)
		return r;
	read_owned(st, true);
	if (!st->owned_read) /* an older containerv's: no record of what it made */
		cgroup_of_config(st);
	st->status = cv_state_alive(st) ? CV_RUNNING : CV_STOPPED;
	return 0;
}

/*
 * state.json whole, or not at all: written beside it, then renamed over
 * it.  rename(2) replaces the name in one step: a command killed
 * mid-write (or a full disk) leaves the old state.json whole rather than
 * half of a new one, and a reader that does not take the lock sees one or
 * the other.  The temporary is in the same directory because rename does
 * not cross filesystems (EXDEV); one left by a killed command is
 * truncated by the next save.
 */
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

/* Alive: the pid is there and started when the stored init did (not reused). */
bool cv_state_alive(const struct cv_state *st)
{
	return st->pid > 0 && st->start && cv_proc_start(st->pid) == st->start;
}

enum cv_status cv_state_status(const struct cv_state *st)
{
	return cv_state_alive(st) ? st->status : CV_STOPPED;
}

/*
 * The OCI state document: pid only while there is a process to name (the
 * runtime-spec wants it for created and running; 0 once stopped, as runc
 * prints it), the annotations as create saved them, for hooks and `state`.
 */
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

/* The ids under root: every directory, not dot names; a root never made is an empty list. */
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
