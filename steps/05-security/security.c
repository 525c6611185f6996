/*
 * security.c - the order of security.h, as code.
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
	bool nnp = s->id.no_new_privs || s->landlock.n_rules > 0;
	int r;

	/* 1. limits, while CAP_SYS_RESOURCE is still there */
	if ((r = cv_identity_limits(&s->id, err)) < 0)
		return r;
	/* 2. the AppArmor profile for the coming execve */
	if (s->apparmor && (r = cv_apparmor_exec(s->apparmor, err)) < 0)
		return r;
	/* without no_new_privs, the filter goes on while CAP_SYS_ADMIN is ours */
	if (s->seccomp && !nnp && (r = cv_seccomp_load(s->seccomp, s->seccomp_state, err)) < 0)
		return cv_err_wrap(err, "seccomp (loaded before the capability drop: no "
					"no_new_privs)");
	/* 3. the bounding set, while CAP_SETPCAP is ours */
	if (s->set_caps && (r = cv_caps_drop_bounding(&s->caps, err)) < 0)
		return r;
	/* 4. who it is, keeping the permitted set across the uid change */
	if ((r = cv_identity_switch(&s->id, err)) < 0)
		return r;
	/* 5. what it may do */
	if (s->set_caps && (r = cv_caps_apply(&s->caps, err)) < 0)
		return r;
	/* 6. nothing it runs may gain more */
	if (nnp && (r = cv_no_new_privs(err)) < 0)
		return r;
	/* 7. which files */
	if (s->landlock.n_rules && (r = cv_landlock_apply(&s->landlock, err)) < 0)
		return r;
	/* 8. which system calls: last, so none of the above had to be allowed */
	if (s->seccomp && nnp && (r = cv_seccomp_load(s->seccomp, s->seccomp_state, err)) < 0)
		return r;
	return 0;
}
