/*
 * demo.h - what the three files of bin/cv-namespaces share.
 *
 *   demo.c        main, the command table, and the commands that start
 *                 processes: `run` (and its child) and `join`
 *   demo_opts.c   the options of `run` and `join`, and turning those of
 *                 `run` into a struct cv_ns_spec
 *   demo_print.c  what is printed: the inside/outside table of `run`,
 *                 and the `show` and `features` commands
 *
 * Whatever makes a system call the trace names stays in demo.c, so that
 * `--explain` points at the file that starts the process.
 */
#ifndef CV_NAMESPACES_DEMO_H
#define CV_NAMESPACES_DEMO_H

#include <stdbool.h>

#include "01-namespaces/namespaces.h"
#include "01-namespaces/spawn.h"
#include "common/args.h"

/* What a process sees: compared outside (before) and inside (after). */
struct view {
	struct cv_ns_id ns[CV_NS_COUNT];
	int pid;
	char hostname[65];
	unsigned uid, gid;
	double monotonic;
};

struct run_ctx {
	char **argv;     /* the command */
	bool quiet;      /* no table */
	bool mount_proc; /* a /proc of the new pid namespace */
	struct view outside;
};

/* The option ids of `run` and `join` (cv_opt.id). */
enum {
	O_ALL = 1,
	O_HOSTNAME,
	O_DOMAINNAME,
	O_MAP_ROOT,
	O_UID_MAP,
	O_GID_MAP,
	O_TIME_OFFSET,
	O_MOUNT_PROC,
	O_QUIET,
	O_BY_PATH,
	O_NS = 100 /* O_NS + i: the namespace cv_ns_types[i] */
};

/* demo_opts.c: the option tables of `run` and `join`. */
extern const struct cv_opt run_opts[], join_opts[];

/*
 * parse_run - read the options of `run` into spec (initialised by the
 * caller) and c.  Returns 0 to run, -1 after --help, or an exit status
 * for bad usage (a->err says why).
 */
int parse_run(struct cv_args *a, struct cv_ns_spec *spec, struct run_ctx *c);

/* demo_print.c: the view of the calling process; pid as given. */
void look(struct view *v, int pid);

/* print_table - outside and inside, row by row, then "---". */
void print_table(const struct view *out, const struct view *in);

/* The commands that only read and print. */
int cmd_show(struct cv_args *a);
int cmd_features(struct cv_args *a);

#endif
