/*
 * manage.h - what runc does to a container that runs: pause and resume
 * (the freezer), update its limits, list its processes.  Its usage and
 * OOM kills as events, and what this runtime supports, are events.h.
 */
#ifndef CV_RT_MANAGE_H
#define CV_RT_MANAGE_H

#include <stdbool.h>

#include "02-cgroups/limits.h"
#include "common/err.h"

/* cv_container_pause - freeze every process of a running container ("paused"). */
int cv_container_pause(const char *root, const char *id, struct cv_err *err);

/* cv_container_resume - thaw a paused one ("running"). */
int cv_container_resume(const char *root, const char *id, struct cv_err *err);

/*
 * cv_container_update - apply new limits to its cgroup.  l is checked
 * here (cv_cg_limits_check) once the container is known: a caller's
 * limits enter the core at this door, from flags, a document or the C
 * API.  What this host cannot apply is refused before anything is written.
 */
int cv_container_update(const char *root, const char *id, const struct cv_cg_limits *l,
			struct cv_err *err);

/*
 * cv_update_resources - read an OCI linux.resources object (a file, or
 * "-" for standard input) into l; errors name the file, line and path.
 */
int cv_update_resources(const char *file, struct cv_cg_limits *l, struct cv_err *err);

/*
 * cv_container_ps - the pids in the container's cgroup: with json, a JSON
 * array; else ps(1) run with ps_args (default -ef), only its lines for
 * those pids kept.
 */
int cv_container_ps(const char *root, const char *id, bool json, char *const *ps_args,
		    struct cv_err *err);

#endif
