/*
 * idmap.h - uid and gid maps of user namespaces.
 *
 * A new user namespace starts with no ids: every id inside reads as the
 * overflow id 65534 ("nobody").  Its uid_map and gid_map, written once by
 * a process outside, say which outside ids appear inside and as what:
 *
 *     /proc/PID/uid_map:   0   1000   1      inside 0 is outside 1000
 *                          1 100000 65536    inside 1..65536 is 100000..
 *
 * Who may write which map is the kernel's rule (user_namespaces(7)):
 *  - a process with CAP_SETUID (CAP_SETGID for gid_map) in the parent
 *    namespace may map any ids it can see;
 *  - anyone may map exactly their own id, once, one line of count 1 -
 *    for gid_map only after writing "deny" to /proc/PID/setgroups, or a
 *    process could drop a group that a file's permissions deny it;
 *  - anything else goes through the setuid helpers newuidmap(1) and
 *    newgidmap(1), which grant the ranges /etc/subuid and /etc/subgid
 *    delegate to the user.
 */
#ifndef CV_IDMAP_H
#define CV_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/err.h"

/* The kernel takes at most 340 lines per map (Linux 4.15+). */
#define CV_IDMAP_MAX 340

struct cv_idmap_extent {
	uint32_t inside;  /* first id inside the namespace */
	uint32_t outside; /* first id outside that it stands for */
	uint32_t count;   /* how many consecutive ids */
};

struct cv_idmap {
	unsigned n;
	struct cv_idmap_extent e[CV_IDMAP_MAX];
};

/* Which map: their names, and the files and helpers that go with them. */
enum cv_idmap_kind { CV_UID_MAP, CV_GID_MAP };

/*
 * cv_idmap_parse - parse "INSIDE:OUTSIDE:COUNT" (as on a command line).
 * Errors name the field that is wrong.
 */
int cv_idmap_parse(const char *text, struct cv_idmap_extent *out, struct cv_err *err);

/* cv_idmap_add - append an extent; an error past CV_IDMAP_MAX. */
int cv_idmap_add(struct cv_idmap *map, const struct cv_idmap_extent *e, struct cv_err *err);

/*
 * cv_idmap_validate - check a map as the kernel will: every count > 0, no
 * range running past the last id (4294967294), and no two ranges
 * overlapping inside or outside.  The error names both lines.
 */
int cv_idmap_validate(const struct cv_idmap *map, enum cv_idmap_kind kind, struct cv_err *err);

/* cv_idmap_format - the map as the kernel reads it: "0 1000 1\n...". */
size_t cv_idmap_format(const struct cv_idmap *map, char *buf, size_t size);

/* cv_idmap_parse_proc - read the text of a /proc/PID/{uid,gid}_map file. */
int cv_idmap_parse_proc(const char *text, struct cv_idmap *map, struct cv_err *err);

/*
 * cv_subid_allows - is every extent of map either the caller's own id
 * (`self`, count 1) or inside one range that the subordinate-id database
 * text `db` (the contents of /etc/subuid for a uid map, /etc/subgid for a
 * gid map) gives to `user` (a name) or `self` (as a number)?
 */
int cv_subid_allows(const char *db, enum cv_idmap_kind kind, const char *user, uint32_t self,
		    const struct cv_idmap *map, struct cv_err *err);

/*
 * cv_idmap_check - can the caller install this map, and how?  Returns 0
 * when it can write the map itself, 1 when it needs newuidmap/newgidmap
 * (which are present and will accept it), or -errno with a hint: what to
 * add to /etc/subuid, or to map only one's own id.  Runs before any
 * process is created, so a refusal leaves nothing behind.
 */
int cv_idmap_check(const struct cv_idmap *map, enum cv_idmap_kind kind, struct cv_err *err);

/*
 * cv_idmap_write - install the maps of process pid's new user namespace:
 * "deny" into /proc/PID/setgroups when deny_setgroups (required before an
 * unprivileged gid_map), then gid_map and uid_map, each directly or
 * through the helper as cv_idmap_check() decides.  Empty maps are skipped.
 * Returns 0 or -errno; -EACCES, with a hint, when the caller changed uid
 * and so became non-dumpable: the child's /proc files are then root's.
 */
int cv_idmap_write(pid_t pid, const struct cv_idmap *uid_map, const struct cv_idmap *gid_map,
		   bool deny_setgroups, struct cv_err *err);

/* cv_idmap_is_self - one line, count 1, outside == id: "just me". */
bool cv_idmap_is_self(const struct cv_idmap *map, uint32_t id);

/* cv_idmap_has_inside - does some line map inside id `id`? */
bool cv_idmap_has_inside(const struct cv_idmap *map, uint32_t id);

/* cv_idmap_to_inside - the inside id for an outside id, or false. */
bool cv_idmap_to_inside(const struct cv_idmap *map, uint32_t outside, uint32_t *inside);

#endif
