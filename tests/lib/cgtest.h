/*
 * cgtest.h - the privileged cgroup tests' common ground: one cgroup per
 * test, /cvtest-cg-RUN-PID-NAME (RUN the run's token, tap_run()), made with the limits in `lim` and removed
 * at the end (or at exit, should a CHECK end the test early); workloads
 * started inside it.
 */
#ifndef CV_TESTS_CGTEST_H
#define CV_TESTS_CGTEST_H

#include <stddef.h>
#include <sys/types.h>

#include "02-cgroups/cgroups.h"
#include "02-cgroups/limits.h"
#include "common/err.h"

extern struct cv_cg_host host;
extern struct cv_cgroup cg;
extern struct cv_cg_limits lim; /* set by the test before make() */
extern struct cv_err err;
extern char path[160]; /* the cgroup's path: /cvtest-cg-RUN-PID-NAME */

/* The workload program: $CV_LOAD, or build/tests/load. */
const char *load(void);

/* A fresh cgroup NAME with the limits in lim; unmake() removes it and checks it is gone. */
void make(const char *name);
void unmake(void);

/* Start argv in the cgroup (its stdout to *out, a pipe, if out); run it to the end. */
pid_t start(char *const *argv, int *out);
int run(char *const *argv, char *buf, size_t size);

/* A cv_ns_spec parent_hook: put the new process (pid) into the cgroup arg. */
int enter_cgroup(pid_t pid, void *arg, struct cv_err *e);

/* The cgroup's directory in the tree that has controller c. */
const struct cv_cg_dir *dir_of(enum cv_cg_ctrl c);

#endif
