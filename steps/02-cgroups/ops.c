/*
 * ops.c - the helpers ops.h promises v1.c and v2.c: control files read
 * and written with errors that say which file and why, waiting for the
 * kernel to catch up, and the few operations both versions spell alike.
 *
 * A control file is read and written whole, with one read(2) or
 * write(2) each: the kernel parses a write as one value and answers it
 * with the write's own errno (EINVAL for a value it refuses, EBUSY for
 * one it cannot apply now, ENOENT for a file this kernel or tree lacks).
 * Those errnos alone say little, so cg_write adds a hint that names the
 * file and the value.  Some changes take effect after the write returns
 * (a freeze, the exit of a killed process), and cgroupfs offers no
 * wait for them that works on both versions: cg_wait polls.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "02-cgroups/ops.h"
#include "common/file.h"
#include "common/trace.h"

bool cg_drives(const struct cv_cgroup *cg, const struct cv_cg_dir *d, enum cv_cg_ctrl c)
{
	return cv_cg_tree_of(cg->host, c) == d->tree;
}

const char *cg_file(const struct cv_cg_dir *d, const char *file, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", d->path, file);
	return buf;
}

bool cg_has(const struct cv_cg_dir *d, const char *file)
{
	char path[CV_CG_PATH_MAX + 64];
	return access(cg_file(d, file, path, sizeof(path)), F_OK) == 0;
}

int cg_write(const struct cv_cg_dir *d, const char *file, struct cv_err *err, const char *fmt, ...)
{
	char path[CV_CG_PATH_MAX + 64], value[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	cg_file(d, file, path, sizeof(path));
	if (cv_write_file(path, value, (size_t)n, err) == 0)
		return 0;
	if (err->code == ENOENT)
		return cv_err_hint(err, "this kernel or host has no %s file", file);
	if (err->code == EINVAL || err->code == ERANGE)
		return cv_err_hint(err, "the kernel refused the value `%s` for %s", value, file);
	return -err->code;
}

int cg_read(const struct cv_cg_dir *d, const char *file, char *buf, size_t size, struct cv_err *err)
{
	char path[CV_CG_PATH_MAX + 64];
	ssize_t n = cv_read_file(cg_file(d, file, path, sizeof(path)), buf, size, err);

	return n < 0 ? (int)n : 0;
}

int cg_read_u64(const struct cv_cg_dir *d, const char *file, uint64_t *v, struct cv_err *err)
{
	char buf[64];

	if (cg_read(d, file, buf, sizeof(buf), err) < 0)
		return -err->code;
	*v = strncmp(buf, "max", 3) == 0 ? UINT64_MAX : strtoull(buf, NULL, 10);
	return 0;
}

int cg_read_key(const struct cv_cg_dir *d, const char *file, const char *key, uint64_t *v,
		struct cv_err *err)
{
	char buf[4096];
	size_t len = strlen(key);

	if (cg_read(d, file, buf, sizeof(buf), err) < 0)
		return -err->code;
	for (char *line = buf; *line;
	     line += strcspn(line, "\n") + (line[strcspn(line, "\n")] != 0))
		if (!strncmp(line, key, len) && line[len] == ' ') {
			*v = strtoull(line + len + 1, NULL, 10);
			return 0;
		}
	*v = 0;
	return 0;
}

int cg_enter_procs(struct cv_cg_dir *d, pid_t pid, struct cv_err *err)
{
	return cg_write(d, "cgroup.procs", err, "%d", (int)pid);
}

bool cg_empty(struct cv_cg_dir *d)
{
	char buf[64];
	struct cv_err ignored;

	return cg_read(d, "cgroup.procs", buf, sizeof(buf), &ignored) == 0 && buf[0] == '\0';
}

/*
 * Every 5 ms: short next to a container's start, long enough not to
 * spin.  (v2's cgroup.events can be poll(2)ed, v1's freezer.state not.)
 */
bool cg_wait(struct cv_cg_dir *d, bool (*fn)(struct cv_cg_dir *d), int ms)
{
	struct timespec pause = {0, 5 * 1000 * 1000};

	for (int waited = 0; waited <= ms; waited += 5) {
		if (fn(d))
			return true;
		nanosleep(&pause, NULL);
	}
	return fn(d);
}

int cg_remove(struct cv_cg_dir *d, struct cv_err *err)
{
	char path[CV_CG_PATH_MAX];
	int r = -1;

	/* Not made by us: the directory was there before, someone else's to remove.
	 * (rmdir would only succeed on an empty one, but empty is not the same as
	 * unused: whoever made it means to use it.) */
	if (d->made <= 0)
		return 0;
	snprintf(path, sizeof(path), "%s", d->path);
	/* The leaf: it must go; processes that were just killed may still be
	 * leaving, and rmdir is EBUSY until the last has: up to about 1 s. */
	for (int tries = 0; tries < 200; tries++) {
		r = rmdir(path);
		if (r == 0 || errno == ENOENT || errno != EBUSY)
			break;
		nanosleep(&(struct timespec){0, 5 * 1000 * 1000}, NULL);
	}
	cv_trace_sys(r, "rmdir(`%s`)", path);
	if (r < 0 && errno != ENOENT) {
		cv_err_sys(err, "rmdir(`%s`)", path);
		return cv_err_hint(err, "is a process still in it? `cat %s/cgroup.procs`", path);
	}
	/* The parents we made, while they are empty: others may share them. */
	for (int i = 1; i < d->made; i++) {
		char *slash = strrchr(path, '/');
		if (!slash)
			break;
		*slash = '\0';
		r = rmdir(path);
		cv_trace_sys(r, "rmdir(`%s`)", path);
		if (r < 0)
			break;
	}
	d->made = 0;
	return 0;
}

int cg_kill_frozen(struct cv_cg_dir *d, const struct cv_cg_ops *ops, struct cv_err *err)
{
	struct cv_err thaw_err;
	char procs[16384];
	int r, thawed;

	/* Frozen, no process can fork a new one between our read and our kill. */
	if ((r = ops->freeze(d, true, err)) < 0)
		return r;
	r = cg_read(d, "cgroup.procs", procs, sizeof(procs), err);
	for (char *p = r == 0 ? strtok(procs, "\n") : NULL; p; p = strtok(NULL, "\n")) {
		int k = kill((pid_t)atoi(p), SIGKILL);
		cv_trace_sys(k, "kill(%s, SIGKILL)", p);
	}
	thawed = ops->freeze(d, false, &thaw_err); /* SIGKILL lands as they thaw */
	if (r == 0 && thawed < 0) {
		*err = thaw_err;
		r = thawed;
	}
	return r;
}

/*
 * The kernel refuses (EINVAL) a cpu or memory node the machine lacks,
 * and on v1 one outside the parent's set: a v1 child's cpuset is always
 * within its parent's.  The hint says where to look.
 */
int cg_set_cpuset(struct cv_cg_dir *d, const struct cv_cg_limits *l, struct cv_err *err)
{
	int r = 0;

	if (l->cpuset_cpus[0])
		r = cg_write(d, "cpuset.cpus", err, "%s", l->cpuset_cpus);
	if (r == 0 && l->cpuset_mems[0])
		r = cg_write(d, "cpuset.mems", err, "%s", l->cpuset_mems);
	if (r == -EINVAL)
		return cv_err_hint(err,
				   "are those cpus or memory nodes on this machine, and in the "
				   "parent's set? (%s/../cpuset.effective_cpus)",
				   d->path);
	return r;
}

int cg_set_pids(struct cv_cg_dir *d, const struct cv_cg_limits *l, struct cv_err *err)
{
	if (l->pids_limit == CV_CG_UNSET)
		return 0;
	if (l->pids_limit == CV_CG_MAX)
		return cg_write(d, "pids.max", err, "max");
	return cg_write(d, "pids.max", err, "%lld", (long long)l->pids_limit);
}

void cg_pids_stats(struct cv_cg_dir *d, struct cv_cg_stats *st)
{
	struct cv_err ignored;

	st->have |= CV_CG_BIT(CV_CG_PIDS);
	cg_read_u64(d, "pids.current", &st->pids.current, &ignored);
	cg_read_u64(d, "pids.max", &st->pids.limit, &ignored);
}

int cg_set_rdma(struct cv_cg_dir *d, const struct cv_cg_limits *l, struct cv_err *err)
{
	char handles[24], objects[24];
	int r = 0;

	for (unsigned i = 0; r == 0 && i < l->n_rdma; i++) {
		if (l->rdma[i].handles == CV_CG_MAX)
			snprintf(handles, sizeof(handles), "max");
		else
			snprintf(handles, sizeof(handles), "%lld", (long long)l->rdma[i].handles);
		if (l->rdma[i].objects == CV_CG_MAX)
			snprintf(objects, sizeof(objects), "max");
		else
			snprintf(objects, sizeof(objects), "%lld", (long long)l->rdma[i].objects);
		r = cg_write(d, "rdma.max", err, "%s hca_handle=%s hca_object=%s",
			     l->rdma[i].device, handles, objects);
	}
	return r;
}

/*
 * Both files are younger than the rest of the cpu controller (burst 5.14,
 * idle 5.15): asked for on an older kernel, they are an error naming the
 * version, found before either is written.
 */
int cg_set_cpu_extras(struct cv_cg_dir *d, const struct cv_cg_limits *l, const char *burst,
		      struct cv_err *err)
{
	int r = 0;

	if (l->cpu_burst != CV_CG_UNSET && !cg_has(d, burst)) {
		cv_err_set(err, ENOTSUP, "cpu burst: this kernel has no %s", burst);
		return cv_err_hint(err, "it needs Linux 5.14; leave out the burst");
	}
	if (l->cpu_idle != CV_CG_UNSET && !cg_has(d, "cpu.idle")) {
		cv_err_set(err, ENOTSUP, "cpu idle: this kernel has no cpu.idle");
		return cv_err_hint(err, "it needs Linux 5.15; leave out cpu.idle");
	}
	if (l->cpu_burst != CV_CG_UNSET)
		r = cg_write(d, burst, err, "%lld", (long long)l->cpu_burst);
	if (r == 0 && l->cpu_idle != CV_CG_UNSET)
		r = cg_write(d, "cpu.idle", err, "%lld", (long long)l->cpu_idle);
	return r;
}
