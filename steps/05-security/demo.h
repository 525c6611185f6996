/*
 * demo.h - what bin/cv-security's files share.  demo.c is main and the
 * command table; beside it, demo_options.c turns `run`'s options into a
 * struct run, and demo_run.c starts the command with it and shows what
 * the kernel made of it.
 */
#ifndef CV_SECURITY_DEMO_H
#define CV_SECURITY_DEMO_H

#include <stdbool.h>
#include <stdint.h>

#include "05-security/policy.h"
#include "05-security/security.h"
#include "common/args.h"

/* Everything `run` collects from its options. */
struct run {
	struct cv_security sec;
	struct cv_seccomp filter;
	bool have_filter, unconfined, quiet, any_paths;
	struct containerv_policy *policy;
	uint64_t drop, add;
	bool drop_all;
	const char *apparmor, *listener;
	unsigned n_rules;
	const char *rules[64]; /* --deny and --notify words, applied to the filter at the end */
	uint32_t actions[64];
	char **argv;
};

/* run_opts - `run`'s options, for the command table (demo_options.c). */
extern const struct cv_opt run_opts[];

/*
 * parse_run - `run`'s options and command into r (zeroed by the caller):
 * 0, a usage or other exit status, or -1 after --help.  Every check that
 * can refuse is made here, before any process starts.
 */
int parse_run(struct cv_args *a, struct run *r);

/*
 * launch - start r's command in a child that applies r->sec, show what
 * the child ended up with (unless r->quiet), then let it exec; returns the
 * command's exit status, or 1 when it could not be started.
 */
int launch(struct run *r, struct cv_err *err);

#endif
