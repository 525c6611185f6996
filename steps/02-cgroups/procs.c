/*
 * procs.c - the processes in a cgroup: putting one in, listing and
 * counting them, freezing them, killing them all.
 *
 * A process is put in a cgroup by writing its pid to the directory's
 * cgroup.procs; all its threads move with it, and its children are born
 * where it is.  With one directory per tree, a process must be written
 * into each, or it stays in its old cgroup in the trees we skipped and
 * is not limited by their controllers.  The write needs write access to
 * that cgroup.procs; on cgroup2 also to the cgroup.procs of the common
 * ancestor of where the process is and where it goes (cgroup-v2.rst,
 * "Delegation Containment"), so a delegated user cannot pull a process
 * in from outside its subtree.  cgroup2 can do better than a write after
 * the fact: clone3(CLONE_INTO_CGROUP), Linux 5.7, makes the child in the
 * cgroup, so it never runs one instruction outside it (cv_cg_clone_fd).
 *
 * Freezing and killing need more than one write, because processes
 * fork: a pid read from cgroup.procs may have a child by the time it is
 * killed.  cgroup2's cgroup.kill (5.14) kills the whole subtree in the
 * kernel, in one step.  Without it the cgroup is frozen first (nothing
 * runs, so nothing forks), every pid listed is sent SIGKILL, and the
 * cgroup is thawed: the v1 freezer holds even a killed task until it is
 * thawed, so the kill lands only then.  Then we wait until cgroup.procs
 * is empty: a killed process leaves it only once it has exited.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "02-cgroups/ops.h"
#include "common/probe.h"
#include "common/trace.h"

/*
 * Every tree, in the host's order; a failure stops at that tree, and the
 * caller, which made the cgroup for this process, kills and removes it.
 */
int cv_cg_enter(struct cv_cgroup *cg, pid_t pid, struct cv_err *err)
{
	for (unsigned i = 0; i < cg->n; i++)
		if (cv_cg_ops_of(&cg->dir[i])->enter(&cg->dir[i], pid, err) < 0)
			return -err->code;
	return 0;
}

/* The cgroup's directory in the cgroup2 tree: a host has at most one. */
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

/*
 * One directory's cgroup.procs is enough: every process of the cgroup
 * was entered in every tree.  The list is in no particular order, nor
 * free of duplicates: a pid may be reused while it is read (cgroups(7)).
 */
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

/* Each tree adds the counters of the controllers it drives (ops->stats). */
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
 * forces the second.  cgroup.freeze is preferred because a process it
 * froze can still be killed: a fatal signal wakes it (cgroup-v2.rst,
 * "Core Interface Files"), while the v1 freezer holds it until thawed.
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
	/* SIGKILL is sent, not done: each process leaves cgroup.procs when it
	 * has exited, and one in an uninterruptible sleep may take a while */
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
