/*
 * prepare.h - what create decides before it makes anything: the config
 * checked against this host, and turned into the init's settings.
 *
 * A create that fails here has changed nothing on the system: no state
 * directory, no cgroup, no process.  Everything a config can be refused
 * for without trying it belongs here (create.c's step 1); what only the
 * kernel can say (a mount that fails, a limit a controller refuses) is
 * found later, and undone.
 */
#ifndef CV_RT_PREPARE_H
#define CV_RT_PREPARE_H

#include "02-cgroups/cgroups.h"
#include "common/err.h"
#include "runtime/core/container.h"
#include "runtime/core/init.h"
#include "runtime/spec/spec.h"

/*
 * cv_prepare_check - refuse a config this host or these options cannot
 * run: no process, a terminal with nowhere to go, a sysctl that would
 * change the host, an AppArmor profile not loaded, a seccomp filter or
 * limits the kernel or host lacks.  0, or -errno with err saying which
 * field and why (and a hint).  Changes nothing but AppArmor's: the
 * runtime's own profile is loaded if it is not yet.
 */
int cv_prepare_check(const struct cv_create *c, const struct cv_spec *s,
		     const struct cv_cg_host *host, struct cv_err *err);

/* cv_prepare_devices - add the devices every container has to s's device rules (runc's list). */
void cv_prepare_devices(struct cv_spec *s);

/*
 * cv_prepare_init - fill in the init's settings from s and c: step 03's
 * rootfs spec, step 05's security, the namespaces joined by path.  in
 * points into s afterwards: s must outlive it.
 */
void cv_prepare_init(const struct cv_create *c, const struct cv_spec *s, struct cv_init *in);

/*
 * cv_prepare_self - note the runtime's own binary (/proc/self/exe) in
 * in, for execve.c to refuse it as the container's program
 * (CVE-2019-5736).  Left 0 if it cannot be stat()ed.
 */
void cv_prepare_self(struct cv_init *in);

#endif
