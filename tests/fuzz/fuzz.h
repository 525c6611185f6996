/*
 * fuzz.h - shared by the libFuzzer targets (tests/fuzz/README.md).
 *
 * Each target defines LLVMFuzzerTestOneInput: it gets arbitrary bytes,
 * feeds them to one parser the way the runtime does, and frees what the
 * parser made.  A crash, a sanitizer report or a leak is a finding.
 */
#ifndef CV_FUZZ_H
#define CV_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* cv_fuzz_text - the input as a NUL-terminated string (malloc()ed), as a
 * parser of command-line text or a file read whole would see it. */
static inline char *cv_fuzz_text(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (text) {
		memcpy(text, data, size);
		text[size] = '\0';
	}
	return text;
}

#endif
