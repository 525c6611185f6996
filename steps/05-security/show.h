/*
 * show.h - what a process ended up with, in words: for cv-security and
 * for anyone who wants to look at a process's confinement from outside.
 */
#ifndef CV_SHOW_H
#define CV_SHOW_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "05-security/security.h"
#include "common/err.h"

/* cv_show_caps - the five capability sets of pid (0: the caller), one line each. */
int cv_show_caps(pid_t pid, FILE *out, struct cv_err *err);

/*
 * cv_show_process - pid's user, groups, capabilities, no_new_privs,
 * seccomp, limits, as the kernel reports them; the Landlock rules and
 * AppArmor profile as `sec` asked (the kernel does not show those).
 */
void cv_show_process(pid_t pid, const struct cv_security *sec, FILE *out);

/* cv_show_status - what this kernel and these libraries support. */
void cv_show_status(FILE *out);

/* A seccomp NOTIFY supervisor (cv-security listen). */
struct cv_listen {
	const char *path; /* the unix socket to listen on */
	int error;        /* answer with -1 and this errno... */
	long long value;  /* ...or, when error is 0, with this value */
	bool cont;        /* or let the syscall go ahead */
	int count;        /* stop after this many; -1: when the processes are gone */
};

/*
 * cv_listen - bind path, receive one container's notify fd and state
 * (printed), then answer each notification, printing it.
 */
int cv_listen(const struct cv_listen *l, struct cv_err *err);

#endif
