/*
 * landlock.c - path rules with Landlock (see landlock.h).
 *
 * Three system calls: landlock_create_ruleset() names the kinds of access
 * the ruleset "handles" - every one of them is denied from now on unless
 * a rule allows it; landlock_add_rule() allows some of them below a
 * directory (or on a file) given as an O_PATH descriptor; and
 * landlock_restrict_self() puts the ruleset on the calling thread, for it
 * and every process it starts, for good.  A kind of access not handled is
 * not checked at all; and a process may add rulesets but never remove
 * one - each new layer can only narrow what the ones before allow.
 *
 * The ABI versions, one per kernel that added rights (each probed, never
 * guessed from the kernel's version):
 *
 *   1  5.13  execute, read, write, list, remove, make each kind of file
 *   2  5.19  REFER: link or rename into another directory.  Under ABI 1
 *            that is always denied; from 2 it must be allowed by a rule
 *   3  6.2   TRUNCATE: truncate(2), O_TRUNC
 *   4  6.7   TCP bind and connect (not used here)
 *   5  6.10  IOCTL_DEV: ioctl(2) on device files
 *   6  6.12  scoping: abstract unix sockets and signals (not used here)
 *
 * and later ones.  The rights are computed for the ABI found, so the
 * handled set and every rule agree: a rule allowing a right the ruleset
 * does not handle is EINVAL.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "05-security/landlock.h"
#include "common/cleanup.h"
#include "common/probe.h"
#include "common/syscalls.h"
#include "common/trace.h"

/* Rights newer than the headers this is built with (uapi landlock.h). */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14) /* ABI 3 */
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15) /* ABI 5 */
#endif

/* Reading a file, and listing a directory. */
#define FS_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
/* Everything that changes the tree. */
#define FS_WRITE                                                                                   \
	(LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |                           \
	 LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR |                           \
	 LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |                               \
	 LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |                             \
	 LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM)
/* Rights that only make sense on directories. */
#define DIR_ONLY                                                                                   \
	(LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_REMOVE_DIR |                             \
	 LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR |                           \
	 LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |                               \
	 LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |                             \
	 LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM | LANDLOCK_ACCESS_FS_REFER)

int cv_landlock_abi(void)
{
	static int abi = -1;

	/* EOPNOTSUPP (built in, not in lsm=) and ENOSYS (not built) both mean none */
	if (abi < 0) {
		abi = cv_probe_disabled("landlock")
			  ? 0
			  : sys_landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
		if (abi < 0)
			abi = 0;
		cv_trace("probe landlock: ABI %d", abi);
	}
	return abi;
}

uint64_t cv_landlock_rights(unsigned access, int abi, int is_dir)
{
	uint64_t r = 0;

	if (access & CV_FS_READ)
		r |= FS_READ;
	/* write brings REFER and TRUNCATE where the kernel handles them: handled and not
	 * allowed, a writable tree could not have a file renamed into it or truncated */
	if (access & CV_FS_WRITE)
		r |= FS_WRITE | (abi >= 2 ? LANDLOCK_ACCESS_FS_REFER : 0) |
		     (abi >= 3 ? LANDLOCK_ACCESS_FS_TRUNCATE : 0);
	if (access & CV_FS_EXEC)
		r |= LANDLOCK_ACCESS_FS_EXECUTE;
	if ((access & CV_FS_WRITE) && abi >= 5)
		r |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	/* a rule on a file with a directory right (make, remove, list) is EINVAL */
	return is_dir ? r : r & ~DIR_ONLY;
}

int cv_landlock_add(struct cv_landlock *ll, const char *path, unsigned access, struct cv_err *err)
{
	if (ll->n_rules == CV_LANDLOCK_MAX_RULES)
		return cv_err_set(err, E2BIG, "landlock: more than %d path rules",
				  CV_LANDLOCK_MAX_RULES);
	if (!access || (access & ~CV_FS_ALL))
		return cv_err_set(err, EINVAL,
				  "landlock rule for `%s`: access %#x is not "
				  "CV_FS_READ, _WRITE, _EXEC or _ALL",
				  path, access);
	snprintf(ll->rules[ll->n_rules].path, sizeof(ll->rules[0].path), "%s", path);
	ll->rules[ll->n_rules].optional = false;
	ll->rules[ll->n_rules++].access = access;
	return 0;
}

int cv_landlock_add_optional(struct cv_landlock *ll, const char *path, unsigned access,
			     struct cv_err *err)
{
	int r = cv_landlock_add(ll, path, access, err);

	if (r == 0)
		ll->rules[ll->n_rules - 1].optional = true;
	return r;
}

static int add_path_rule(int ruleset, const struct cv_landlock_rule *rule, int abi,
			 struct cv_err *err)
{
	struct landlock_path_beneath_attr attr = {0};
	_cleanup_close_ int fd = open(rule->path, O_PATH | O_CLOEXEC);
	struct stat st;
	int r;

	/* O_PATH: the rule names the inode, and needs no right to read it; a tree renamed
	 * away after this keeps its rule, a new one put at the path gets none */
	if (fd < 0 && errno == ENOENT && rule->optional)
		return 0;
	if (fd < 0 || fstat(fd, &st) < 0) {
		cv_err_sys(err, "landlock rule: open(`%s`)", rule->path);
		return cv_err_hint(err,
				   "every path in a Landlock rule must exist when it is applied");
	}
	attr.parent_fd = fd;
	attr.allowed_access = cv_landlock_rights(rule->access, abi, S_ISDIR(st.st_mode));
	r = sys_landlock_add_rule(ruleset, LANDLOCK_RULE_PATH_BENEATH, &attr, 0);
	cv_trace_sys(r, "landlock_add_rule(`%s`, %s%s%s)", rule->path,
		     rule->access & CV_FS_READ ? "r" : "", rule->access & CV_FS_WRITE ? "w" : "",
		     rule->access & CV_FS_EXEC ? "x" : "");
	return r < 0 ? cv_err_sys(err, "landlock_add_rule(`%s`)", rule->path) : 0;
}

int cv_landlock_check(const struct cv_landlock *ll, struct cv_err *err)
{
	if (cv_landlock_abi() == 0) {
		cv_err_set(err, ENOTSUP,
			   "this kernel has no Landlock (no landlock_create_ruleset, "
			   "or Landlock not in the lsm= list)");
		return cv_err_hint(err,
				   "Landlock needs Linux 5.13 built with CONFIG_SECURITY_LANDLOCK; "
				   "leave out the path rules");
	}
	/* a missing path refused before any process starts, not in the child after every
	 * other setup (landlock_add_rule needs the path open) */
	for (unsigned i = 0; i < ll->n_rules; i++)
		if (access(ll->rules[i].path, F_OK) < 0 &&
		    !(ll->rules[i].optional && errno == ENOENT)) {
			cv_err_sys(err, "landlock rule: `%s`", ll->rules[i].path);
			return cv_err_hint(err,
					   "every path in a Landlock rule must exist when it is "
					   "applied");
		}
	return 0;
}

int cv_landlock_apply(const struct cv_landlock *ll, struct cv_err *err)
{
	int abi = cv_landlock_abi();
	struct landlock_ruleset_attr attr = {.handled_access_fs =
						 cv_landlock_rights(CV_FS_ALL, abi, 1)};
	_cleanup_close_ int ruleset = -1;
	int r;

	/* no Landlock: the check's error, never a silent run without the walls */
	if (abi == 0)
		return cv_landlock_check(ll, err);
	ruleset = sys_landlock_create_ruleset(&attr, sizeof(attr), 0);
	cv_trace_sys(ruleset, "landlock_create_ruleset(ABI %d, handled %#llx)", abi,
		     (unsigned long long)attr.handled_access_fs);
	if (ruleset < 0)
		return cv_err_sys(err, "landlock_create_ruleset()");
	for (unsigned i = 0; i < ll->n_rules; i++)
		if ((r = add_path_rule(ruleset, &ll->rules[i], abi, err)) < 0)
			return r;
	/* needs no_new_privs or CAP_SYS_ADMIN (security.c sets the first just before), so
	 * that a setuid program cannot be run in a world its author never expected */
	r = sys_landlock_restrict_self(ruleset, 0);
	cv_trace_sys(r, "landlock_restrict_self(%u rules)", ll->n_rules);
	if (r < 0) {
		cv_err_sys(err, "landlock_restrict_self()");
		return cv_err_hint(err, "it needs no_new_privs (or CAP_SYS_ADMIN) first");
	}
	return 0;
}
