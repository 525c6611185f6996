/*
 * cgroup.c - a cgroup as one path across every tree: making, entering,
 * limiting, freezing, killing and removing it.  What differs between v1
 * and v2 goes through the ops table (ops.h); this file decides *which*
 * directory does what, and undoes what it made when something fails.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "02-cgroups/ops.h"
#include "common/cleanup.h"
#include "common/file.h"
#include "common/probe.h"
#include "common/trace.h"

/* --- paths ------------------------------------------------------------------ */

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

/* Where `path` is in tree t: absolute from its root, else below our own. */
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

/* mkdir -p below the tree's mount, counting the components this call made. */
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

/* How many trailing components of d->path do not exist yet (what mkdir -p would make). */
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

	for (unsigned i = 0; i < cg->n; i++) {
		struct cv_cg_dir *d = &cg->dir[i];
		if ((r = make_dirs(d, err)) < 0 || (r = cv_cg_ops_of(d)->create(d, err)) < 0) {
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

/* --- limits --------------------------------------------------------------- */

/* Every device an io setting names must exist: the kernel's ENODEV says less. */
static int check_block_devices(const struct cv_cg_limits *l, struct cv_err *err)
{
	const struct cv_cg_dev_value *lists[] = {l->weight_dev, l->rbps, l->wbps, l->riops,
						 l->wiops};
	const unsigned counts[] = {l->n_weight_dev, l->n_rbps, l->n_wbps, l->n_riops, l->n_wiops};
	char path[64];

	for (unsigned k = 0; k < 5; k++)
		for (unsigned i = 0; i < counts[k]; i++) {
			snprintf(path, sizeof(path), "/sys/dev/block/%u:%u", lists[k][i].major,
				 lists[k][i].minor);
			if (access(path, F_OK) == 0)
				continue;
			cv_err_set(err, ENODEV, "block device %u:%u does not exist (no %s)",
				   lists[k][i].major, lists[k][i].minor, path);
			return cv_err_hint(err,
					   "`lsblk -d -o NAME,MAJ:MIN` lists the block devices");
		}
	return 0;
}

/* Is each limit that is set driven by some tree here?  Checked before any write. */
static int check_support(const struct cv_cg_host *host, const struct cv_cg_limits *l,
			 struct cv_err *err)
{
	static const struct {
		enum cv_cg_ctrl ctrl;
		const char *what;
	} wants[] = {{CV_CG_MEMORY, "memory limits"},
		     {CV_CG_CPU, "cpu shares or quota"},
		     {CV_CG_CPUSET, "cpuset cpus or mems"},
		     {CV_CG_PIDS, "a pids limit"},
		     {CV_CG_IO, "block io weights or throttles"},
		     {CV_CG_HUGETLB, "hugetlb limits"},
		     {CV_CG_DEVICES, "device rules"}};
	bool asked[CV_CG_NCTRL] = {
	    [CV_CG_MEMORY] = l->memory_limit != CV_CG_UNSET ||
			     l->memory_reservation != CV_CG_UNSET ||
			     l->memory_swap != CV_CG_UNSET || l->memory_swappiness != CV_CG_UNSET ||
			     l->oom_kill_disable >= 0 || l->oom_group >= 0,
	    [CV_CG_CPU] = l->cpu_shares != CV_CG_UNSET || l->cpu_quota != CV_CG_UNSET ||
			  l->cpu_period != CV_CG_UNSET || l->cpu_rt_runtime != CV_CG_UNSET ||
			  l->cpu_rt_period != CV_CG_UNSET || l->cpu_burst != CV_CG_UNSET ||
			  l->cpu_idle != CV_CG_UNSET,
	    [CV_CG_CPUSET] = l->cpuset_cpus[0] || l->cpuset_mems[0],
	    [CV_CG_PIDS] = l->pids_limit != CV_CG_UNSET,
	    [CV_CG_IO] = l->io_weight != CV_CG_UNSET || l->n_weight_dev || l->n_rbps || l->n_wbps ||
			 l->n_riops || l->n_wiops,
	    [CV_CG_HUGETLB] = l->n_hugetlb > 0,
	    [CV_CG_DEVICES] = l->n_rules > 0,
	};

	/* as runc: where these controllers are not mounted, the settings are skipped */
	if (l->net_classid != CV_CG_UNSET && !cv_cg_tree_of(host, CV_CG_NET_CLS))
		cv_warn(
		    "network class id: this host has no net_cls controller mounted: not applied");
	if (l->n_net_prio && !cv_cg_tree_of(host, CV_CG_NET_PRIO))
		cv_warn("network priorities: this host has no net_prio controller mounted: not "
			"applied");
	if ((l->memory_kernel != CV_CG_UNSET || l->memory_kernel_tcp != CV_CG_UNSET) &&
	    !cv_cg_tree_of(host, CV_CG_MEMORY))
		cv_warn("memory.kernel, memory.kernelTCP: this host has no memory controller: not "
			"applied");
	if (l->n_rdma && !cv_cg_tree_of(host, CV_CG_RDMA))
		cv_warn("rdma limits: this host has no rdma controller mounted: not applied");
	for (size_t i = 0; i < sizeof(wants) / sizeof(wants[0]); i++)
		if (asked[wants[i].ctrl] && !cv_cg_tree_of(host, wants[i].ctrl)) {
			cv_err_set(err, ENOTSUP, "%s: this host has no %s controller",
				   wants[i].what, cv_cg_ctrl_name(wants[i].ctrl, 1));
			return cv_err_hint(err, "`cv-cgroups layout` shows what it has");
		}
	if (l->n_unified) {
		bool v2 = false;
		for (unsigned i = 0; i < host->n; i++)
			v2 |= host->tree[i].version == 2;
		if (!v2) {
			cv_err_set(err, ENOTSUP, "unified: this host has no cgroup v2 tree");
			return cv_err_hint(err, "`unified` settings are cgroup v2 files; on v1 use "
						"the other fields");
		}
	}
	return check_block_devices(l, err);
}

int cv_cg_check(const struct cv_cg_host *host, const struct cv_cg_limits *l, struct cv_err *err)
{
	int r;

	if ((r = cv_cg_limits_check(l, err)) < 0)
		return r;
	return check_support(host, l, err);
}

bool cv_cg_swap_accounted(const struct cv_cgroup *cg)
{
	const struct cv_cg_tree *t = cv_cg_tree_of(cg->host, CV_CG_MEMORY);

	for (unsigned i = 0; t && i < cg->n; i++)
		if (cg->dir[i].tree == t)
			return cg_has(&cg->dir[i], t->version == 2 ? "memory.swap.max"
								   : "memory.memsw.limit_in_bytes");
	return false;
}

int cv_cg_set(struct cv_cgroup *cg, const struct cv_cg_limits *l, struct cv_err *err)
{
	int r;

	if ((r = cv_cg_check(cg->host, l, err)) < 0)
		return r;
	for (unsigned i = 0; i < cg->n; i++)
		if ((r = cv_cg_ops_of(&cg->dir[i])->set(cg, &cg->dir[i], l, err)) < 0)
			return r;
	return 0;
}

/* --- processes ------------------------------------------------------------- */

int cv_cg_enter(struct cv_cgroup *cg, pid_t pid, struct cv_err *err)
{
	for (unsigned i = 0; i < cg->n; i++)
		if (cv_cg_ops_of(&cg->dir[i])->enter(&cg->dir[i], pid, err) < 0)
			return -err->code;
	return 0;
}

static struct cv_cg_dir *v2_dir(const struct cv_cgroup *cg)
{
	for (unsigned i = 0; i < cg->n; i++)
		if (cg->dir[i].tree->version == 2)
			return (struct cv_cg_dir *)&cg->dir[i];
	return NULL;
}

int cv_cg_clone_fd(const struct cv_cgroup *cg, struct cv_err *err)
{
	const struct cv_cg_dir *d = v2_dir(cg);
	int fd;

	if (!d)
		return cv_err_set(err, ENOENT, "no cgroup v2 tree: nothing to clone into");
	/* O_RDONLY, not O_PATH: clone3 looks the fd up with fdget(), which skips O_PATH. */
	fd = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return cv_err_sys(err, "open(`%s`)", d->path);
	return fd;
}

int cv_cg_pids(struct cv_cgroup *cg, pid_t *pids, int max, struct cv_err *err)
{
	char buf[16384];
	int n = 0;

	if (cg->n == 0 || cg_read(&cg->dir[0], "cgroup.procs", buf, sizeof(buf), err) < 0)
		return cg->n == 0 ? 0 : -err->code;
	for (char *p = strtok(buf, "\n"); p && n < max; p = strtok(NULL, "\n"))
		pids[n++] = (pid_t)atoi(p);
	return n;
}

int cv_cg_stats(struct cv_cgroup *cg, struct cv_cg_stats *st, struct cv_err *err)
{
	memset(st, 0, sizeof(*st));
	st->memory.limit = st->pids.limit = CV_CG_NO_LIMIT;
	for (unsigned i = 0; i < cg->n; i++)
		if (cv_cg_ops_of(&cg->dir[i])->stats(cg, &cg->dir[i], st, err) < 0)
			return -err->code;
	return 0;
}

/*
 * Which directory freezes: cgroup2's core cgroup.freeze (5.2+) where our
 * v2 directory has it, else the v1 freezer.  CV_DISABLE=cgroup_freeze
 * forces the second.
 */
static struct cv_cg_dir *freezer_dir(struct cv_cgroup *cg, struct cv_err *err)
{
	struct cv_cg_dir *d = v2_dir(cg);
	const struct cv_cg_tree *t;

	if (d && cv_cg_v2_ops.can_freeze(d) && !cv_probe_disabled("cgroup_freeze"))
		return d;
	t = cv_cg_tree_of(cg->host, CV_CG_FREEZER);
	for (unsigned i = 0; t && t->version == 1 && i < cg->n; i++)
		if (cg->dir[i].tree == t)
			return &cg->dir[i];
	cv_err_set(err, ENOTSUP,
		   "freezing needs cgroup.freeze (cgroup v2, Linux 5.2) or the v1 "
		   "freezer controller, and this host has neither");
	cv_err_hint(err, "`cv-cgroups layout` shows what it has");
	return NULL;
}

/*
 * Thaw with every freezer the cgroup has: it may have been frozen by
 * another program, or by us with CV_DISABLE set, through the other one.
 * A process frozen by either stays stopped - even SIGKILL waits.
 */
static int thaw_all(struct cv_cgroup *cg, struct cv_err *err)
{
	int r = 0;

	for (unsigned i = 0; i < cg->n; i++) {
		struct cv_cg_dir *d = &cg->dir[i];
		const struct cv_cg_ops *ops = cv_cg_ops_of(d);

		if (ops->can_freeze(d) && ops->freeze(d, false, err) < 0)
			r = -err->code;
	}
	return r;
}

int cv_cg_freeze(struct cv_cgroup *cg, bool frozen, struct cv_err *err)
{
	struct cv_cg_dir *d;

	if (!frozen)
		return thaw_all(cg, err);
	d = freezer_dir(cg, err);
	return d ? cv_cg_ops_of(d)->freeze(d, true, err) : -err->code;
}

int cv_cg_kill(struct cv_cgroup *cg, struct cv_err *err)
{
	struct cv_cg_dir *d = v2_dir(cg);
	int r;

	if (d && cv_cg_v2_ops.can_kill(d))
		r = cv_cg_v2_ops.kill(d, err);
	else if ((d = freezer_dir(cg, err)) != NULL)
		r = cg_kill_frozen(d, cv_cg_ops_of(d), err);
	else
		return -err->code;
	if (r < 0 || (r = thaw_all(cg, err)) < 0) /* frozen tasks die only once thawed */
		return r;
	for (unsigned i = 0; i < cg->n; i++)
		if (!cg_wait(&cg->dir[i], cg_empty, 2000)) {
			cv_err_set(err, EBUSY, "processes are still in `%s` after SIGKILL",
				   cg->dir[i].path);
			return cv_err_hint(err,
					   "one may be stuck in the kernel (state D): `ps -o "
					   "pid,stat,wchan -p $(cat %s/cgroup.procs)`",
					   cg->dir[i].path);
		}
	return 0;
}

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

void cv_cg_prune(struct cv_cgroup *cg)
{
	/* rmdir(2) itself refuses a cgroup with processes or children (EBUSY) */
	for (unsigned i = 0; i < cg->n; i++) {
		int r = rmdir(cg->dir[i].path);
		cv_trace_sys(r, "rmdir(`%s`) if empty", cg->dir[i].path);
	}
}
