/*
 * fuzz_seccomp.c - a seccomp profile, OCI's linux.seccomp or Docker's
 * format (told apart by the parser), -> struct cv_seccomp, then freed.
 * The first byte picks the container's capabilities for Docker's
 * includes.caps/excludes.caps: none, all, or CAP_SYS_ADMIN alone.
 */
#include <jansson.h>

#include "05-security/profile.h"
#include "05-security/seccomp.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t caps[] = {0, ~0ULL, 1ULL << 21};
	struct cv_seccomp sc;
	struct cv_err err = {0};
	json_error_t jerr;
	json_t *root;

	if (size < 1)
		return 0;
	root = json_loadb((const char *)data + 1, size - 1, 0, &jerr);
	if (!root)
		return 0;
	if (cv_profile_from_json(root, "seccomp.json", caps[data[0] % 3], &sc, &err) == 0)
		cv_seccomp_free(&sc);
	json_decref(root);
	return 0;
}
