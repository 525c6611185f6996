/*
 * hooks.h - running the OCI hooks: programs the runtime starts at fixed
 * points of a container's life (spec.h lists them), each with the
 * container's state as JSON on its standard input.
 *
 * A hook that fails or outlives its timeout (it is then killed) stops a
 * create or a start; after the container is running or gone (poststart,
 * poststop) a failure is only a warning, and the rest still run.
 */
#ifndef CV_RT_HOOKS_H
#define CV_RT_HOOKS_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"
#include "runtime/spec/spec.h"

/*
 * cv_hooks_run - run the hooks of one point in order, in the caller's
 * namespaces.  With `warn_only`, failures are warnings and 0 is returned.
 */
int cv_hooks_run(const struct cv_hook *hooks, size_t n, enum cv_hook_point point,
		 const char *state_json, bool warn_only, struct cv_err *err);

#endif
