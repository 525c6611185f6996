/*
 * cgtest.c - what the cgroup tests share (see cgtest.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "01-namespaces/spawn.h"
#include "02-cgroups/ops.h"
#include "lib/cgtest.h"
#include "lib/tap.h"

struct cv_cg_host host;
struct cv_cgroup cg;
struct cv_cg_limits lim;
struct cv_err err;
char path[160];

const char *load(void)
{
	const char *l = getenv("CV_LOAD");
	return l ? l : "build/tests/load";
}

/* Should a CHECK end the test early, the cgroup goes anyway. */
static bool made;

static void unmake_quietly(void)
{
	struct cv_err ignored;

	if (!made)
		return;
	cv_cg_kill(&cg, &ignored);
	cv_cg_destroy(&cg, &ignored);
}

/* A fresh cgroup for this test, with the limits in `lim` (set by the caller). */
void make(const char *name)
{
	tap_need_root();
	atexit(unmake_quietly);
	CHECK(cv_cg_detect(NULL, &host, &err) == 0, "%s", err.msg);
	snprintf(path, sizeof(path), "/cvtest-cg-%s-%d-%s", tap_run(), getpid(), name);
	CHECK(cv_cg_create(&host, path, &cg, &err) == 0, "%s (%s)", err.msg, err.hint);
	made = true;
	if (cv_cg_set(&cg, &lim, &err) < 0) {
		unmake_quietly();
		made = false;
		tap_fail("set: %s (%s)", err.msg, err.hint);
	}
}

/* Kill what is left and remove the cgroup; check that nothing remains. */
void unmake(void)
{
	struct stat st;

	CHECK(cv_cg_kill(&cg, &err) == 0, "kill: %s", err.msg);
	CHECK(cv_cg_destroy(&cg, &err) == 0, "destroy: %s", err.msg);
	made = false;
	for (unsigned i = 0; i < cg.n; i++)
		CHECK(stat(cg.dir[i].path, &st) < 0 && errno == ENOENT, "%s is still there",
		      cg.dir[i].path);
}

struct child {
	char *const *argv;
	int out; /* the write end of a pipe for its stdout, or -1 */
};

static int exec_child(void *arg)
{
	struct child *c = arg;

	if (c->out >= 0)
		dup2(c->out, STDOUT_FILENO);
	execv(c->argv[0], c->argv);
	return 127;
}

int enter_cgroup(pid_t pid, void *arg, struct cv_err *e)
{
	return cv_cg_enter(arg, pid, e);
}

/* Start argv in the cgroup; its stdout goes to *out (a pipe) when out is given. */
pid_t start(char *const *argv, int *out)
{
	struct cv_ns_spec *spec = calloc(1, sizeof(*spec));
	struct child c = {argv, -1};
	int fds[2];
	pid_t pid;

	if (out) {
		CHECK(pipe(fds) == 0, "pipe");
		c.out = fds[1];
	}
	cv_ns_spec_init(spec);
	spec->cgroup_fd = cv_cg_clone_fd(&cg, &err);
	spec->parent_hook = enter_cgroup;
	spec->parent_hook_arg = &cg;
	pid = cv_ns_spawn(spec, exec_child, &c, &err);
	if (spec->cgroup_fd >= 0)
		close(spec->cgroup_fd);
	free(spec);
	if (out) {
		close(fds[1]);
		*out = fds[0];
	}
	CHECK(pid > 0, "spawn: %s (%s)", err.msg, err.hint);
	return pid;
}

/* Run argv to the end; returns its wait status, its output in buf. */
int run(char *const *argv, char *buf, size_t size)
{
	int out, status;
	ssize_t n = 0, r;
	pid_t pid = start(argv, &out);

	while (size && (r = read(out, buf + n, size - 1 - (size_t)n)) > 0)
		n += r;
	if (size)
		buf[n] = '\0';
	close(out);
	CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
	return status;
}

/* The directory of the cgroup in the tree that has controller c. */
const struct cv_cg_dir *dir_of(enum cv_cg_ctrl c)
{
	for (unsigned i = 0; i < cg.n; i++)
		if (cg_drives(&cg, &cg.dir[i], c))
			return &cg.dir[i];
	tap_fail("no directory for the %s controller", cv_cg_ctrl_name(c, 2));
}
