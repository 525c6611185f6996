/*
 * profile.h - seccomp profiles as JSON: the OCI runtime spec's
 * linux.seccomp object, and Docker's profile files (the format containr
 * and Docker use: archMap, and rules with includes/excludes).  Both
 * become a struct cv_seccomp.
 */
#ifndef CV_PROFILE_H
#define CV_PROFILE_H

#include <stdbool.h>
#include <stdint.h>

#include "05-security/seccomp.h"
#include "common/err.h"

struct json_t;

/*
 * cv_profile_from_json - read an OCI linux.seccomp object or a Docker
 * profile (told apart by "archMap" and "includes"/"excludes").  `where`
 * names the source in errors ("seccomp.json", "config.json:
 * linux.seccomp"); `caps` are the container's capabilities, for Docker's
 * includes.caps / excludes.caps.  Every error names the JSON path
 * (`syscalls[3].action`) and the value.
 */
int cv_profile_from_json(struct json_t *root, const char *where, uint64_t caps,
			 struct cv_seccomp *sc, struct cv_err *err);

/*
 * cv_profile_applies - does a rule of a Docker profile apply to a
 * container with capabilities `caps` on this machine?  Its "includes"
 * (every capability listed, this architecture, at least this kernel) and
 * "excludes" (any capability listed, this architecture) say; a rule with
 * neither always applies (profile_docker.c).
 */
bool cv_profile_applies(struct json_t *rule, uint64_t caps);

/* cv_profile_load - the same from a file; a JSON syntax error names the line. */
int cv_profile_load(const char *path, uint64_t caps, struct cv_seccomp *sc, struct cv_err *err);

/*
 * cv_profile_default - the built-in profile (default_profile.c): an
 * allow-list in the spirit of Docker's default, denying with EPERM what a
 * container has no business doing.
 */
int cv_profile_default(struct cv_seccomp *sc, struct cv_err *err);

#endif
