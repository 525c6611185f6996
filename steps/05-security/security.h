/*
 * security.h - every mechanism of this step, applied in the one order
 * that works.
 *
 * The last thing a runtime does before execve() is take power away from
 * the process it is about to turn into the container.  Each mechanism
 * needs some of the power the others remove, so the order is not a matter
 * of taste:
 *
 *   1. resource limits, oom_score_adj   raising a limit or lowering the OOM
 *                                       score needs CAP_SYS_RESOURCE: before
 *                                       any capability goes
 *   2. AppArmor aa_change_onexec        writes /proc/self/attr/exec; takes
 *                                       effect at execve, and before
 *                                       no_new_privs, which would limit the
 *                                       profiles it may move to
 *   (seccomp here, when no_new_privs is off: loading a filter then needs
 *    CAP_SYS_ADMIN, which step 3 or 5 may remove; the filter must then
 *    allow the setup calls below: capset, setresuid, prctl)
 *   3. drop the bounding set            PR_CAPBSET_DROP needs CAP_SETPCAP
 *   4. setgroups, setresgid, setresuid  with PR_SET_KEEPCAPS, or leaving
 *                                       uid 0 would empty the permitted set
 *   5. capset, then the ambient set     what remains after the uid switch;
 *                                       ambient needs permitted+inheritable
 *   6. no_new_privs                     from here no execve can add power
 *   7. Landlock                         needs no_new_privs (or CAP_SYS_ADMIN)
 *   8. seccomp                          last: every syscall of steps 1-7 is
 *                                       the runtime's own, not the
 *                                       container's, and need not be allowed
 *   9. execve (the caller)              the filter must allow this one
 *
 * The rootfs (pivot_root, step 03) comes before all of it: mounts need
 * CAP_SYS_ADMIN, and the Landlock paths and AppArmor profile are those of
 * the container's root.
 */
#ifndef CV_SECURITY_H
#define CV_SECURITY_H

#include <stdbool.h>

#include "05-security/caps.h"
#include "05-security/identity.h"
#include "05-security/landlock.h"
#include "05-security/seccomp.h"
#include "common/err.h"

struct cv_security {
	bool set_caps; /* apply caps (else the process keeps its own) */
	struct cv_caps caps;
	struct cv_identity id;            /* uid, gid, groups, umask, rlimits, oom, no_new_privs */
	const struct cv_seccomp *seccomp; /* NULL: no filter */
	const char *seccomp_state;        /* the OCI state for a NOTIFY listener, or NULL */
	struct cv_landlock landlock;      /* no rules: no Landlock */
	const char *apparmor;             /* a profile name, or NULL */
};

/* cv_security_init - nothing to apply: no capability change, no filter, no
 * Landlock, no AppArmor, the identity unchanged (cv_identity_init). */
void cv_security_init(struct cv_security *s);

/*
 * cv_security_apply - steps 1 to 8 above, in the calling process, which
 * should execve() next.  Landlock rules turn no_new_privs on (they need
 * it).  Stops at the first failure: the process must then not exec.
 */
int cv_security_apply(const struct cv_security *s, struct cv_err *err);

#endif
