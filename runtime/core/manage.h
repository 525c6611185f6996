/*
 * manage.h - what runc does to a container that runs: pause and resume
 * (the freezer), update its limits, list its processes, report its usage
 * and OOM kills as events, and say what this runtime supports.
 */
#ifndef CV_RT_MANAGE_H
#define CV_RT_MANAGE_H

#include <stdbool.h>
#include <stdio.h>

#include "02-cgroups/limits.h"
#include "common/err.h"

/* cv_container_pause - freeze every process of a running container ("paused"). */
int cv_container_pause(const char *root, const char *id, struct cv_err *err);

/* cv_container_resume - thaw a paused one ("running"). */
int cv_container_resume(const char *root, const char *id, struct cv_err *err);

/* cv_container_update - apply new limits to its cgroup (checked first: nothing changes on an error). */
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

/*
 * cv_container_events - JSON lines as runc prints them: with stats, one
 * {"type":"stats"} and return; else a stats event every interval_ms and an
 * {"type":"oom"} event as soon as the OOM killer strikes, until the
 * container stops.
 */
int cv_container_events(const char *root, const char *id, bool stats, long interval_ms, FILE *out,
			struct cv_err *err);

/* cv_features_json - the runtime-spec features document, from what this host supports. */
char *cv_features_json(void);

#endif
