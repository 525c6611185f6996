/*
 * security.c - the order of security.h, as code.
 *
 * Each step below needs something a later one takes away, so the order
 * is read backwards from what each step loses: the filter loads last
 * because after it every call must pass it; the capability sets come
 * after the uid switch because the switch clears the effective set; the
 * bounding set goes before the switch because dropping from it needs an
 * effective CAP_SETPCAP; the limits come first because raising one needs
 * CAP_SYS_RESOURCE.  Any other order fails - or, worse, succeeds with
 * less confinement than was asked for.
 *
 * The function stops at the first failure and the caller must not exec:
 * a process half confined is not a container to hand over.
 */
#include <string.h>

#include "05-security/apparmor.h"
#include "05-security/security.h"
#include "common/trace.h"

void cv_security_init(struct cv_security *s)
{
	memset(s, 0, sizeof(*s));
	cv_identity_init(&s->id);
}

int cv_security_apply(const struct cv_security *s, struct cv_err *err)
{
	/* Landlock cannot be applied without it (by a process that keeps no CAP_SYS_ADMIN) */
	bool nnp = s->id.no_new_privs || s->landlock.n_rules > 0;
	int r;

	/* 1. limits, while CAP_SYS_RESOURCE is still there */
	if ((r = cv_identity_limits(&s->id, err)) < 0)
		return r;
	/* 2. the AppArmor profile for the coming execve: a write to /proc/self/attr/exec,
	 * made before Landlock (whose rules leave /proc read-only) and the filter could
	 * forbid it */
	if (s->apparmor && (r = cv_apparmor_exec(s->apparmor, err)) < 0)
		return r;
	/* without no_new_privs, the filter goes on while CAP_SYS_ADMIN is ours: it must
	 * then allow the setup calls below (capset, setresuid, prctl), and a filter that
	 * denies them is an error here, not a container run as root */
	if (s->seccomp && !nnp && (r = cv_seccomp_load(s->seccomp, s->seccomp_state, err)) < 0)
		return cv_err_wrap(err, "seccomp (loaded before the capability drop: no "
					"no_new_privs)");
	/* 3. the bounding set, while CAP_SETPCAP is ours */
	if (s->set_caps && (r = cv_caps_drop_bounding(&s->caps, err)) < 0)
		return r;
	/* 4. who it is, keeping the permitted set across the uid change (KEEPCAPS) */
	if ((r = cv_identity_switch(&s->id, err)) < 0)
		return r;
	/* 5. what it may do: capset, then ambient, which needs the capset's sets */
	if (s->set_caps && (r = cv_caps_apply(&s->caps, err)) < 0)
		return r;
	/* 6. nothing it runs may gain more: after capset, which the bit does not limit,
	 * and before the two that need it */
	if (nnp && (r = cv_no_new_privs(err)) < 0)
		return r;
	/* 7. which files: before seccomp, so its calls need not be allowed by the profile */
	if (s->landlock.n_rules && (r = cv_landlock_apply(&s->landlock, err)) < 0)
		return r;
	/* 8. which system calls: last, so none of the above had to be allowed */
	if (s->seccomp && nnp && (r = cv_seccomp_load(s->seccomp, s->seccomp_state, err)) < 0)
		return r;
	return 0;
}
