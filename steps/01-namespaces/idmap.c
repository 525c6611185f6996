/*
 * idmap.c - parsing, checking and installing uid/gid maps (see idmap.h).
 *
 * The checks here mirror the kernel's own (kernel/user_namespace.c:
 * map_write, new_idmap_permitted) so that a map the kernel would refuse
 * is refused first, before any process exists, with an error that says
 * which line is wrong and why.
 *
 * The parent installs the maps: any map but one's own id needs CAP_SETUID
 * (CAP_SETGID) in the namespace above the new one.  Each file takes one
 * write(2), once (a second is EPERM), so a map is formatted whole first.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/wait.h>
#include <unistd.h>

#include "01-namespaces/idmap.h"
#include "common/cleanup.h"
#include "common/file.h"
#include "common/probe.h"
#include "common/trace.h"

#define ID_LAST 4294967294u /* (uint32_t)-1 means "no id" and cannot be mapped */

static const struct {
	const char *name; /* "uid" */
	const char *file; /* "uid_map" */
	const char *db;   /* "/etc/subuid" */
	const char *helper;
	cap_value_t cap;
} kinds[] = {
    [CV_UID_MAP] = {"uid", "uid_map", "/etc/subuid", "/usr/bin/newuidmap", CAP_SETUID},
    [CV_GID_MAP] = {"gid", "gid_map", "/etc/subgid", "/usr/bin/newgidmap", CAP_SETGID},
};

/* How cv_idmap_check() says a map can be installed. */
enum { WAY_DIRECT = 0, WAY_HELPER = 1 };

static int parse_u32(const char *s, size_t len, uint32_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 10)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int cv_idmap_parse(const char *text, struct cv_idmap_extent *out, struct cv_err *err)
{
	static const char *const field[] = {"INSIDE", "OUTSIDE", "COUNT"};
	uint32_t v[3];
	const char *p = text;

	for (int i = 0; i < 3; i++) {
		size_t len = strcspn(p, ":");
		if (parse_u32(p, len, &v[i]) < 0 || (i < 2 && p[len] != ':') ||
		    (i == 2 && p[len] != '\0')) {
			if (i < 2 && p[len] != ':')
				cv_err_set(err, EINVAL, "id map `%s`: expected three fields", text);
			else
				cv_err_set(err, EINVAL, "id map `%s`: %s `%.*s` is not a number",
					   text, field[i], (int)len, p);
			return cv_err_hint(err, "the form is INSIDE:OUTSIDE:COUNT, as in 0:1000:1");
		}
		p += len + 1;
	}
	*out = (struct cv_idmap_extent){.inside = v[0], .outside = v[1], .count = v[2]};
	return 0;
}

int cv_idmap_add(struct cv_idmap *map, const struct cv_idmap_extent *e, struct cv_err *err)
{
	if (map->n >= CV_IDMAP_MAX) {
		cv_err_set(err, E2BIG, "id map: more than %d lines", CV_IDMAP_MAX);
		return cv_err_hint(err, "the kernel takes at most %d lines per map", CV_IDMAP_MAX);
	}
	map->e[map->n++] = *e;
	return 0;
}

static bool overlap(uint32_t a, uint32_t b, uint32_t count_a, uint32_t count_b)
{
	return (uint64_t)a < (uint64_t)b + count_b && (uint64_t)b < (uint64_t)a + count_a;
}

int cv_idmap_validate(const struct cv_idmap *map, enum cv_idmap_kind kind, struct cv_err *err)
{
	const char *name = kinds[kind].name;

	for (unsigned i = 0; i < map->n; i++) {
		const struct cv_idmap_extent *a = &map->e[i];

		if (a->count == 0) {
			cv_err_set(err, EINVAL, "%s map line `%u %u %u`: COUNT is 0", name,
				   a->inside, a->outside, a->count);
			return cv_err_hint(err, "each line maps at least one id");
		}
		if ((uint64_t)a->inside + a->count - 1 > ID_LAST ||
		    (uint64_t)a->outside + a->count - 1 > ID_LAST) {
			cv_err_set(err, EINVAL, "%s map line `%u %u %u`: runs past the last %s, %u",
				   name, a->inside, a->outside, a->count, name, ID_LAST);
			return cv_err_hint(err, "make COUNT smaller");
		}
		for (unsigned j = 0; j < i; j++) {
			const struct cv_idmap_extent *b = &map->e[j];
			bool in = overlap(a->inside, b->inside, a->count, b->count);

			if (in || overlap(a->outside, b->outside, a->count, b->count)) {
				cv_err_set(err, EINVAL,
					   "%s map lines `%u %u %u` and `%u %u %u` overlap %s",
					   name, b->inside, b->outside, b->count, a->inside,
					   a->outside, a->count, in ? "inside" : "outside");
				return cv_err_hint(err, "an id may appear in only one line, on "
							"each side of the map");
			}
		}
	}
	return 0;
}

size_t cv_idmap_format(const struct cv_idmap *map, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < map->n && len < size; i++) {
		int r = snprintf(buf + len, size - len, "%u %u %u\n", map->e[i].inside,
				 map->e[i].outside, map->e[i].count);
		if (r < 0 || (size_t)r >= size - len)
			return size; /* truncated: the caller's buffer is too small */
		len += (size_t)r;
	}
	return len;
}

int cv_idmap_parse_proc(const char *text, struct cv_idmap *map, struct cv_err *err)
{
	const char *p = text;

	map->n = 0;
	while (*p) {
		struct cv_idmap_extent e;
		int used = 0;

		while (*p == '\n' || *p == ' ')
			p++;
		if (!*p)
			break;
		if (sscanf(p, "%u %u %u%n", &e.inside, &e.outside, &e.count, &used) != 3)
			return cv_err_set(err, EINVAL, "id map: cannot read line `%.*s`",
					  (int)strcspn(p, "\n"), p);
		if (cv_idmap_add(map, &e, err) < 0)
			return -err->code;
		p += used;
	}
	return 0;
}

bool cv_idmap_is_self(const struct cv_idmap *map, uint32_t id)
{
	return map->n == 1 && map->e[0].count == 1 && map->e[0].outside == id;
}

bool cv_idmap_has_inside(const struct cv_idmap *map, uint32_t id)
{
	for (unsigned i = 0; i < map->n; i++)
		if (id >= map->e[i].inside && id - map->e[i].inside < map->e[i].count)
			return true;
	return false;
}

bool cv_idmap_to_inside(const struct cv_idmap *map, uint32_t outside, uint32_t *inside)
{
	for (unsigned i = 0; i < map->n; i++) {
		const struct cv_idmap_extent *e = &map->e[i];
		if (outside >= e->outside && (uint64_t)outside < (uint64_t)e->outside + e->count) {
			*inside = e->inside + (outside - e->outside);
			return true;
		}
	}
	return false;
}

/* Does one "owner:start:count" line of a subid database cover e for us? */
static bool subid_line_covers(const char *line, size_t len, const char *user, uint32_t self,
			      const struct cv_idmap_extent *e)
{
	const char *c1 = memchr(line, ':', len), *c2;
	char self_str[16];
	uint32_t start, count;

	if (!c1)
		return false;
	c2 = memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - line));
	if (!c2)
		return false;
	snprintf(self_str, sizeof(self_str), "%u", self);
	if (!((user && strlen(user) == (size_t)(c1 - line) && !strncmp(line, user, c1 - line)) ||
	      (strlen(self_str) == (size_t)(c1 - line) && !strncmp(line, self_str, c1 - line))))
		return false;
	if (parse_u32(c1 + 1, (size_t)(c2 - c1 - 1), &start) < 0 ||
	    parse_u32(c2 + 1, len - (size_t)(c2 + 1 - line), &count) < 0)
		return false;
	return e->outside >= start && (uint64_t)e->outside + e->count <= (uint64_t)start + count;
}

int cv_subid_allows(const char *db, enum cv_idmap_kind kind, const char *user, uint32_t self,
		    const struct cv_idmap *map, struct cv_err *err)
{
	const char *db_path = kinds[kind].db;

	for (unsigned i = 0; i < map->n; i++) {
		const struct cv_idmap_extent *e = &map->e[i];
		bool ok = e->count == 1 && e->outside == self; /* one's own id */

		for (const char *p = db; !ok && *p;) {
			size_t len = strcspn(p, "\n");
			ok = p[0] != '#' && subid_line_covers(p, len, user, self, e);
			p += len + (p[len] == '\n');
		}
		if (!ok) {
			cv_err_set(err, EPERM,
				   "%s map line `%u %u %u`: ids %u-%u are not delegated to "
				   "`%s` in %s",
				   kinds[kind].name, e->inside, e->outside, e->count, e->outside,
				   e->outside + e->count - 1, user ? user : "?", db_path);
			return cv_err_hint(err,
					   "as root, add `%s:%u:%u` to %s (see subuid(5)), or "
					   "map only your own id (--map-root)",
					   user ? user : "USER", e->outside, e->count, db_path);
		}
	}
	return 0;
}

/* Effective: the kernel checks the effective set of whoever opens the map file. */
static bool have_cap(cap_value_t cap)
{
	cap_flag_value_t v = CAP_CLEAR;
	cap_t caps = cap_get_proc();

	if (caps) {
		cap_get_flag(caps, cap, CAP_EFFECTIVE, &v);
		cap_free(caps);
	}
	return v == CAP_SET;
}

static uint32_t self_id(enum cv_idmap_kind kind)
{
	return kind == CV_UID_MAP ? geteuid() : getegid();
}

int cv_idmap_check(const struct cv_idmap *map, enum cv_idmap_kind kind, struct cv_err *err)
{
	static char db[65536];
	struct passwd *pw;
	int r;

	if ((r = cv_idmap_validate(map, kind, err)) < 0)
		return r;
	if (map->n == 0 || have_cap(kinds[kind].cap) || cv_idmap_is_self(map, self_id(kind)))
		return WAY_DIRECT;
	if (!cv_have_newidmap()) {
		cv_err_set(err, EPERM, "%s map: mapping more than your own %s needs %s",
			   kinds[kind].name, kinds[kind].name, kinds[kind].helper);
		return cv_err_hint(err, "install it (apt-get install uidmap), or map only your "
					"own id (--map-root)");
	}
	if (cv_read_file(kinds[kind].db, db, sizeof(db), err) < 0) {
		if (err->code != ENOENT)
			return -err->code;
		db[0] = '\0'; /* no database: nothing is delegated */
	}
	pw = getpwuid(geteuid());
	if ((r = cv_subid_allows(db, kind, pw ? pw->pw_name : NULL, self_id(kind), map, err)) < 0)
		return r;
	return WAY_HELPER;
}

/* Append the decimal form of v to words and point the next argv slot at it. */
static void push_number(char *words, size_t *off, char **argv, int *n, uint32_t v)
{
	argv[(*n)++] = words + *off;
	*off += (size_t)sprintf(words + *off, "%u", v) + 1;
}

/* newuidmap PID IN OUT COUNT...: run the setuid helper, keep its complaint. */
static int run_helper(pid_t pid, const struct cv_idmap *map, enum cv_idmap_kind kind,
		      struct cv_err *err)
{
	_cleanup_free_ char *words = malloc(((size_t)map->n * 3 + 1) * 11);
	_cleanup_free_ char **argv = calloc((size_t)map->n * 3 + 3, sizeof(char *));
	_cleanup_close_ int rd = -1, wr = -1;
	char complaint[CV_ERR_MSG_MAX / 2] = "";
	int fds[2], status, n = 0;
	size_t off = 0;
	ssize_t got;
	pid_t child;

	if (!words || !argv)
		return cv_err_set(err, ENOMEM, "%s: out of memory", kinds[kind].helper);
	argv[n++] = (char *)kinds[kind].helper;
	push_number(words, &off, argv, &n, (uint32_t)pid);
	for (unsigned i = 0; i < map->n; i++) {
		push_number(words, &off, argv, &n, map->e[i].inside);
		push_number(words, &off, argv, &n, map->e[i].outside);
		push_number(words, &off, argv, &n, map->e[i].count);
	}
	if (pipe2(fds, O_CLOEXEC) < 0)
		return cv_err_sys(err, "pipe2()");
	rd = fds[0];
	wr = fds[1];
	child = fork();
	if (child < 0)
		return cv_err_sys(err, "fork()");
	/* its stderr into the pipe: it says there why it refused, its status does not */
	if (child == 0) {
		dup2(wr, STDERR_FILENO);
		execv(argv[0], argv);
		_exit(127);
	}
	cv_closep(&wr);
	got = read(rd, complaint, sizeof(complaint) - 1); /* EOF when it exits */
	complaint[got > 0 ? got : 0] = '\0';
	complaint[strcspn(complaint, "\n")] = '\0';
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	cv_trace("%s %d, %u line(s): exit status %d", argv[0], (int)pid, map->n,
		 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return cv_err_set(err, EPERM, "%s %s: %s", argv[0], argv[1],
				  complaint[0] ? complaint : "failed");
	return 0;
}

static int write_map(pid_t pid, const struct cv_idmap *map, enum cv_idmap_kind kind, int way,
		     struct cv_err *err)
{
	char path[64], text[CV_IDMAP_MAX * 34];

	if (map->n == 0)
		return 0;
	if (way == WAY_HELPER)
		return run_helper(pid, map, kind, err);
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, kinds[kind].file);
	if (cv_write_file(path, text, cv_idmap_format(map, text, sizeof(text)), err) < 0) {
		if (err->code == EPERM)
			cv_err_hint(err,
				    "only a process with %s outside may map ids other than "
				    "its own",
				    kind == CV_UID_MAP ? "CAP_SETUID" : "CAP_SETGID");
		return -err->code;
	}
	return 0;
}

int cv_idmap_write(pid_t pid, const struct cv_idmap *uid_map, const struct cv_idmap *gid_map,
		   bool deny_setgroups, struct cv_err *err)
{
	int uway = cv_idmap_check(uid_map, CV_UID_MAP, err), gway, r;
	char path[64];

	if (uway < 0)
		return uway;
	if ((gway = cv_idmap_check(gid_map, CV_GID_MAP, err)) < 0)
		return gway;
	/* Writing one's own gid unprivileged is allowed only once setgroups is denied. */
	if (gid_map->n && gway == WAY_DIRECT && !have_cap(CAP_SETGID))
		deny_setgroups = true;
	if (deny_setgroups) {
		snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
		if ((r = cv_write_file(path, "deny", 4, err)) == -EACCES)
			return cv_err_hint(err,
					   "the child's /proc files belong to root because the "
					   "caller changed uid and became non-dumpable; see "
					   "PR_SET_DUMPABLE in prctl(2)");
		if (r < 0)
			return r;
	}
	if ((r = write_map(pid, gid_map, CV_GID_MAP, gway, err)) < 0)
		return r;
	return write_map(pid, uid_map, CV_UID_MAP, uway, err);
}
