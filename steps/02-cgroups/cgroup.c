/*
 * cgroup.c - a cgroup as one path across every tree: naming it, making
 * its directories, finding them again, and removing them.  Applying
 * limits is set.c; what is done to the processes inside is procs.c.
 *
 * cgroupfs has no "create a cgroup" call: mkdir(2) in a mounted tree
 * makes one, and the kernel fills the new directory with the control
 * files of every controller that tree drives; rmdir(2) removes it, and
 * only once it holds no process and no child cgroup (else EBUSY).  On a
 * legacy or hybrid host there is one tree per v1 controller (memory,
 * cpu, pids, ...) and maybe a cgroup2 tree too, each its own filesystem,
 * so a container's cgroup is several directories with one path: we make
 * the same path in every tree, and each controller is driven in the tree
 * that has it (cv_cg_tree_of, in layout.c).
 *
 * The directories are made with mkdir -p, parents first, because a
 * cgroup can only be made inside an existing one; the levels this call
 * made are counted (`made`), so that an error, or a later destroy,
 * removes exactly those, leaf first, and never a directory that was
 * there before: whoever made that one means to use it.  Who may mkdir
 * is plain file permission on the parent directory: root owns the
 * trees, and a user may make cgroups only below a directory delegated
 * to it (chowned to it, as systemd's Delegate=yes does; cgroup-v2.rst,
 * "Delegation").  The per-version setup of a new directory (v1 cpusets
 * to fill, v2 controllers to enable down the path) is the ops table's
 * create(), run right after its tree's mkdir -p.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "02-cgroups/ops.h"
#include "common/file.h"
#include "common/trace.h"

/* --- paths ------------------------------------------------------------------ */

/*
 * The path is joined to every tree's mount point, so it is checked as
 * text before any of them is touched: a ".." would climb out of the
 * tree (/sys/fs/cgroup/memory/../cpu is another tree), and an empty
 * component would make two spellings of one cgroup.  At most 255
 * bytes: more than any runtime's cgroup path, and short enough that
 * joined to a mount point it fits CV_CG_PATH_MAX (dir_of still checks).
 */
int cv_cg_path_check(const char *path, struct cv_err *err)
{
	const char *p = path;

	if (!*path || strlen(path) > 255) {
		cv_err_set(err, EINVAL, "cgroup path `%s`: %s", path, *path ? "too long" : "empty");
		return cv_err_hint(err, "as in /containerv/web (absolute) or web (below yours)");
	}
	while (*p) {
		size_t len;
		p += *p == '/';
		len = strcspn(p, "/");
		if ((len == 0 && *p) || (len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.')) {
			cv_err_set(err, EINVAL,
				   "cgroup path `%s`: `%.*s` is not allowed in a cgroup path", path,
				   (int)(len ? len : 2), len ? p : "//");
			return cv_err_hint(err, "name the cgroup with plain components: no `.`, "
						"`..` or empty ones");
		}
		p += len;
	}
	return 0;
}

/*
 * Where `path` is in tree t: absolute from its root, else below our own
 * (OCI's relative cgroupsPath).  Each tree has its own "our own": on a
 * hybrid host this process may sit in /user.slice in one tree and at /
 * in another, and /proc/self/cgroup says which (layout.c).
 */
static int dir_of(const struct cv_cg_tree *t, const char *path, char *out, size_t size,
		  struct cv_err *err)
{
	const char *self = t->self, *rel;
	size_t root_len = strcmp(t->root, "/") ? strlen(t->root) : 0;
	int n;

	/* A tree mounted from a subdirectory (in a container) shows paths below it. */
	if (root_len && !strncmp(self, t->root, root_len))
		self += root_len;
	if (path[0] == '/') {
		rel = path;
		if (root_len && !strncmp(rel, t->root, root_len))
			rel += root_len;
		n = snprintf(out, size, "%s%s", t->mount, rel);
	} else {
		n = snprintf(out, size, "%s%s/%s", t->mount, strcmp(self, "/") ? self : "", path);
	}
	if (n < 0 || (size_t)n >= size)
		return cv_err_set(err, ENAMETOOLONG, "cgroup path `%s` in %s: too long", path,
				  t->mount);
	return 0;
}

/*
 * The trees a cgroup has a directory in: every one mounted, named v1
 * hierarchies with no controllers (name=systemd) included.  Nothing is
 * driven there, but a process left at a named tree's root sees that root:
 * its /proc/self/cgroup says "/", a cgroup namespace made there has the
 * host's whole tree as its root (release_agent and every other cgroup in
 * it), and a writable mount of it lets the container move itself into a
 * host cgroup.  runc, too, gives a container its own cgroup in each.
 */
static int fill_dirs(const struct cv_cg_host *host, const char *path, struct cv_cgroup *cg,
		     struct cv_err *err)
{
	int r;

	if ((r = cv_cg_path_check(path, err)) < 0)
		return r;
	memset(cg, 0, sizeof(*cg));
	cg->host = host;
	snprintf(cg->path, sizeof(cg->path), "%s", path);
	for (unsigned i = 0; i < host->n; i++) {
		const struct cv_cg_tree *t = &host->tree[i];
		cg->dir[cg->n].tree = t;
		if ((r = dir_of(t, path, cg->dir[cg->n].path, sizeof(cg->dir[0].path), err)) < 0)
			return r;
		cg->n++;
	}
	return 0;
}

/*
 * mkdir -p below the tree's mount, counting the components this call
 * made.  EEXIST is not an error: the level is there already, such as
 * /containerv, which every container shares and another one may have
 * made a moment ago.  Such a level is not counted: never ours to remove.
 */
static int make_dirs(struct cv_cg_dir *d, struct cv_err *err)
{
	char path[CV_CG_PATH_MAX];
	size_t end = strlen(d->tree->mount); /* path[end] is the '/' before a component */

	snprintf(path, sizeof(path), "%s", d->path);
	d->made = 0;
	while (path[end] == '/') {
		char saved;
		int r;

		end += 1 + strcspn(path + end + 1, "/");
		saved = path[end];
		path[end] = '\0';
		r = mkdir(path, 0755);
		if (r == 0 || errno != EEXIST)
			cv_trace_sys(r, "mkdir(`%s`)", path);
		if (r < 0 && errno != EEXIST)
			return cv_err_sys(err, "mkdir(`%s`)", path);
		d->made += r == 0;
		path[end] = saved;
	}
	return 0;
}

/*
 * The first process in cgroup directory `dir` or in one below it: its pid,
 * with the directory that lists it in `where`; 0 when there is none.
 * cgroup.procs lists a cgroup's own processes only, so each cgroup below
 * is read too (v2's cgroup.events says "populated" for the whole subtree,
 * but not who; v1 has nothing like it).  Depth is bounded: cgroup paths
 * are.
 */
static pid_t first_process(const char *dir, char *where, size_t size, int depth)
{
	char path[CV_CG_PATH_MAX + 64], buf[32];
	struct cv_err ignored;
	struct dirent *e;
	pid_t pid = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if (cv_read_file(path, buf, sizeof(buf), &ignored) > 0 && (pid = atoi(buf)) > 0) {
		snprintf(where, size, "%s", dir);
		return pid;
	}
	if (depth > 32 || !(d = opendir(dir)))
		return 0;
	while (!pid && (e = readdir(d)) != NULL)
		if (e->d_type == DT_DIR && e->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			pid = first_process(path, where, size, depth + 1);
		}
	closedir(d);
	return pid;
}

/*
 * Refusing is the only safe answer: a cgroup is one group of processes to
 * the kernel, and what is done to it - a limit, a freeze, cgroup.kill -
 * is done to every process it holds.  (A process moved in after this
 * check is not seen; the runtime then knows the cgroup was there before,
 * and kills only its own processes in it.)
 */
int cv_cg_in_use(const struct cv_cgroup *cg, struct cv_err *err)
{
	char where[CV_CG_PATH_MAX + 64];
	pid_t pid;

	for (unsigned i = 0; i < cg->n; i++) {
		if ((pid = first_process(cg->dir[i].path, where, sizeof(where), 0)) == 0)
			continue;
		cv_err_set(err, EBUSY, "cgroup `%s` is in use: `%s/cgroup.procs` lists pid %d",
			   cg->path, where, (int)pid);
		return cv_err_hint(err, "a container needs a cgroup of its own, which it is alone "
					"in: name an unused path (cgroupsPath), or none");
	}
	return 0;
}

/*
 * How many trailing components of d->path do not exist yet (what mkdir
 * -p would make).  Only a prediction: cv_cg_make counts again what it
 * really made, since another runtime may make or remove a shared parent
 * in between.
 */
static int missing(const struct cv_cg_dir *d)
{
	char path[CV_CG_PATH_MAX];
	size_t base = strlen(d->tree->mount);
	int n = 0;

	snprintf(path, sizeof(path), "%s", d->path);
	while (strlen(path) > base && access(path, F_OK) < 0) {
		n++;
		*strrchr(path, '/') = '\0';
	}
	return n;
}

int cv_cg_plan(const struct cv_cg_host *host, const char *path, struct cv_cgroup *cg,
	       struct cv_err *err)
{
	int r;

	if ((r = fill_dirs(host, path, cg, err)) < 0 || (r = cv_cg_in_use(cg, err)) < 0)
		return r;
	for (unsigned i = 0; i < cg->n; i++)
		cg->dir[i].made = missing(&cg->dir[i]);
	return 0;
}

int cv_cg_make(struct cv_cgroup *cg, struct cv_err *err)
{
	int r;

	/* Tree by tree, each complete (mkdir -p, then its version's setup)
	 * before the next: a failure then leaves whole trees to undo, and the
	 * undo below removes only the levels each one counted as made. */
	for (unsigned i = 0; i < cg->n; i++) {
		struct cv_cg_dir *d = &cg->dir[i];
		if ((r = make_dirs(d, err)) < 0 || (r = cv_cg_ops_of(d)->create(d, err)) < 0) {
			/* mkdir in a tree not delegated to us: EACCES; read-only
			 * cgroupfs (a container's own /sys/fs/cgroup): EROFS */
			if (!err->hint[0] &&
			    (err->code == EACCES || err->code == EPERM || err->code == EROFS))
				cv_err_hint(err,
					    "making cgroups needs root, or a cgroup tree delegated "
					    "to you");
			for (unsigned j = 0; j <= i; j++) /* undo what we made, only that */
				cg_remove(&cg->dir[j], &(struct cv_err){0});
			return r;
		}
	}
	return 0;
}

int cv_cg_create(const struct cv_cg_host *host, const char *path, struct cv_cgroup *cg,
		 struct cv_err *err)
{
	int r = cv_cg_plan(host, path, cg, err);

	return r < 0 ? r : cv_cg_make(cg, err);
}

bool cv_cg_all_made(const struct cv_cgroup *cg)
{
	for (unsigned i = 0; i < cg->n; i++)
		if (cg->dir[i].made < 1)
			return false;
	return cg->n > 0;
}

/*
 * The directories of an existing cgroup.  One missing is an error when
 * `all`, except in a named tree with no controllers: nothing is driven
 * there, and a cgroup made before containerv made one there has none.
 * Without `all`, whatever exists: what delete finds after a create that
 * was killed while it made them.  Every directory found counts as made
 * (the leaf only); the caller knows better, if anyone does.
 */
static int open_dirs(const struct cv_cg_host *host, const char *path, struct cv_cgroup *cg,
		     bool all, struct cv_err *err)
{
	unsigned kept = 0;
	struct stat st;
	int r;

	if ((r = fill_dirs(host, path, cg, err)) < 0)
		return r;
	for (unsigned i = 0; i < cg->n; i++) {
		struct cv_cg_dir *d = &cg->dir[i];
		if (stat(d->path, &st) < 0) {
			if (!all || (d->tree->version == 1 && d->tree->ctrls == 0))
				continue;
			cv_err_sys(err, "stat(`%s`)", d->path);
			return cv_err_hint(
			    err, "no cgroup `%s` here: was it created, and with this path?", path);
		}
		d->made = 1; /* destroy removes the leaf, and only the leaf */
		cg->dir[kept++] = *d;
	}
	cg->n = kept;
	if (kept == 0) {
		cv_err_set(err, ENOENT, "no cgroup `%s` in any tree under %s", path, host->root);
		return cv_err_hint(err, "was it created, and with this path?");
	}
	return 0;
}

int cv_cg_open(const struct cv_cg_host *host, const char *path, struct cv_cgroup *cg,
	       struct cv_err *err)
{
	return open_dirs(host, path, cg, true, err);
}

int cv_cg_open_existing(const struct cv_cg_host *host, const char *path, struct cv_cgroup *cg,
			struct cv_err *err)
{
	return open_dirs(host, path, cg, false, err);
}

/* --- removing ---------------------------------------------------------------- */

/*
 * Removing undoes making, backwards: the trees in the reverse of the
 * order they were made in, and in each the leaf before the parents it
 * made (rmdir(2) refuses a cgroup that still has a child).  The
 * processes must be gone first (cv_cg_kill): a cgroup that holds one
 * cannot be removed, and cg_remove retries briefly while the last of
 * them finish exiting.
 */
int cv_cg_destroy(struct cv_cgroup *cg, struct cv_err *err)
{
	int r = 0;

	/* every tree, even if one fails; one whose directory was there before is left
	 * alone (cg_remove: made is 0) - it is someone else's */
	for (unsigned i = cg->n; i-- > 0;)
		if (cv_cg_ops_of(&cg->dir[i])->destroy(&cg->dir[i], err) < 0)
			r = -err->code;
	return r;
}

/*
 * No check for "empty" before the rmdir: another container could join
 * between a check and the rmdir, and the kernel makes the same test
 * atomically anyway.  A refusal is the normal case here, so it is only
 * traced, not reported.
 */
void cv_cg_prune(struct cv_cgroup *cg)
{
	/* rmdir(2) itself refuses a cgroup with processes or children (EBUSY) */
	for (unsigned i = 0; i < cg->n; i++) {
		int r = rmdir(cg->dir[i].path);
		cv_trace_sys(r, "rmdir(`%s`) if empty", cg->dir[i].path);
	}
}
