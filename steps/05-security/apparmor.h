/*
 * apparmor.h - mandatory access control by profile, when the host runs
 * AppArmor.
 *
 * AppArmor confines a process to a profile: the files it may touch, with
 * which permissions, its capabilities, mounts, signals, network.  A
 * profile is text, compiled and loaded into the kernel by
 * apparmor_parser(8); a process enters one on its next execve() after
 * aa_change_onexec(3).  Unlike seccomp and Landlock it is the host's
 * choice: the kernel must boot with AppArmor among its LSMs.  This
 * machine does not; the second-kernel tests (tests/vm) have it.
 */
#ifndef CV_APPARMOR_H
#define CV_APPARMOR_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"

#define CV_APPARMOR_DEFAULT "containerv-default"

/* cv_apparmor_enabled - is AppArmor enforcing on this host? */
bool cv_apparmor_enabled(void);

/*
 * cv_apparmor_exec - enter profile at the next execve().  Where AppArmor
 * is not enabled: an error that says so, naming the profile.
 */
int cv_apparmor_exec(const char *profile, struct cv_err *err);

/* cv_apparmor_current - the calling process's confinement ("unconfined"). */
const char *cv_apparmor_current(char *buf, size_t size);

/*
 * cv_apparmor_default_profile - the text of containerv-default: in the
 * spirit of Docker's docker-default (no mounts, no writes to most of
 * /proc and /sys, signals and ptrace only among its own processes).
 */
int cv_apparmor_default_profile(char *buf, size_t size);

/*
 * cv_apparmor_load - compile and load profile text with apparmor_parser
 * (replacing one of the same name).
 */
int cv_apparmor_load(const char *text, struct cv_err *err);

/*
 * cv_apparmor_default - the name of the default profile, loaded first if
 * need be; NULL (no error) where AppArmor is not enabled: then there is
 * nothing to apply.
 */
const char *cv_apparmor_default(struct cv_err *err);

#endif
