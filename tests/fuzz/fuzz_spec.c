/*
 * fuzz_spec.c - config.json text -> struct cv_spec, as `create` reads a
 * bundle: the JSON with its line table (runtime/spec/json.c), then every part
 * of the spec (runtime/spec*.c), then freed.
 */
#include <stdio.h>

#include "fuzz/fuzz.h"
#include "runtime/spec/json.h"
#include "runtime/spec/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cv_spec s;
	struct cv_err err = {0};

	memset(&s, 0, sizeof(s));
	snprintf(s.bundle, sizeof(s.bundle), "/bundle");
	if (cv_json_parse(&s.json, (const char *)data, size, "config.json", &err) < 0)
		return 0;
	cv_spec_parse(&s, &err);
	cv_spec_free(&s); /* after a failure too: what the parse made so far */
	return 0;
}
