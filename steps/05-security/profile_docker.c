/*
 * profile_docker.c - which rules of a Docker seccomp profile apply to this
 * container (see profile.h).
 *
 * Docker ships one profile for every container and machine, and makes
 * parts of it conditional instead of writing many: a rule may say it is
 * for containers given some capabilities ("includes": {"caps":
 * ["CAP_SYS_ADMIN"]} allows mount and unshare only to those), for some
 * architectures, or for kernels from some version on; "excludes" says the
 * opposite.  The OCI format has no such conditions: a runtime is given
 * the rules already chosen.  So the question is answered once, here,
 * while the JSON is read, and a rule that does not apply is dropped.
 *
 * A capability condition is judged against the capabilities the
 * container will have, not those of the runtime: granting CAP_SYS_ADMIN
 * is what is meant to open mount(2), and not having it to keep it shut.
 */
#include <jansson.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "05-security/caps.h"
#include "05-security/profile.h"

/* Docker's architecture names (Go's GOARCH), for includes.arches / excludes.arches. */
static const char *docker_arch(void)
{
	switch (seccomp_arch_native()) {
	case SCMP_ARCH_X86_64:
		return "amd64";
	case SCMP_ARCH_X86:
		return "386";
	case SCMP_ARCH_AARCH64:
		return "arm64";
	case SCMP_ARCH_ARM:
		return "arm";
	case SCMP_ARCH_PPC64LE:
		return "ppc64le";
	case SCMP_ARCH_S390X:
		return "s390x";
	case SCMP_ARCH_RISCV64:
		return "riscv64";
	default:
		return "?";
	}
}

static bool listed(json_t *list, const char *word)
{
	size_t i;
	json_t *v;

	json_array_foreach(list, i, v) if (json_is_string(v) &&
					   !strcmp(json_string_value(v), word)) return true;
	return false;
}

/* Has the container every (any = false) or any (any = true) capability of list? */
static bool caps_match(json_t *list, uint64_t caps, bool any)
{
	size_t i;
	json_t *v;
	struct cv_err ignored;

	/* an unknown name counts as a capability not held: a newer profile's
	 * "includes" then leaves its rule out, its "excludes" keeps the rule in */
	json_array_foreach(list, i, v)
	{
		int cap;
		bool has = json_is_string(v) &&
			   cv_cap_from_name(json_string_value(v), &cap, &ignored) == 0 &&
			   (caps & (1ULL << cap));
		if (has == any)
			return any;
	}
	return !any;
}

/* "4.8" <= this kernel's release?  (The profile asks; we answer it as written.)
 * The one place this project reads a kernel version: a feature probe cannot
 * answer a question the profile phrased as a version.  Unreadable: it applies. */
static bool kernel_at_least(const char *want)
{
	struct utsname u;
	unsigned a = 0, b = 0, x = 0, y = 0;

	if (uname(&u) < 0 || sscanf(want, "%u.%u", &a, &b) < 1 ||
	    sscanf(u.release, "%u.%u", &x, &y) < 1)
		return true;
	return x > a || (x == a && y >= b);
}

bool cv_profile_applies(json_t *rule, uint64_t caps)
{
	json_t *inc = json_object_get(rule, "includes"), *exc = json_object_get(rule, "excludes");
	json_t *v;

	if (json_is_object(inc)) {
		if ((v = json_object_get(inc, "caps")) && json_array_size(v) &&
		    !caps_match(v, caps, false))
			return false;
		if ((v = json_object_get(inc, "arches")) && json_array_size(v) &&
		    !listed(v, docker_arch()))
			return false;
		if ((v = json_object_get(inc, "minKernel")) && json_is_string(v) &&
		    !kernel_at_least(json_string_value(v)))
			return false;
	}
	if (json_is_object(exc)) {
		if ((v = json_object_get(exc, "caps")) && json_array_size(v) &&
		    caps_match(v, caps, true))
			return false;
		if ((v = json_object_get(exc, "arches")) && listed(v, docker_arch()))
			return false;
	}
	return true;
}
