/*
 * profile_docker.c - which rules of a Docker seccomp profile apply to this
 * container (see profile.h).
 */
#include <jansson.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "05-security/caps.h"
#include "05-security/profile.h"

/* Docker's architecture names, for includes.arches / excludes.arches. */
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

/* "4.8" <= this kernel's release?  (The profile asks; we answer it as written.) */
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
