/*
 * fuzz_idmap.c - id maps: each line of the input as a command line's
 * "INSIDE:OUTSIDE:COUNT", added to a map and validated as the kernel
 * would; and the whole input as the text of /proc/PID/uid_map.
 */
#include "01-namespaces/idmap.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cv_idmap map;
	struct cv_idmap_extent e;
	struct cv_err err = {0};
	char *text = cv_fuzz_text(data, size), *line, *save = NULL;
	char out[64 * CV_IDMAP_MAX];

	if (!text)
		return 0;
	if (cv_idmap_parse_proc(text, &map, &err) == 0)
		cv_idmap_format(&map, out, sizeof(out));
	map.n = 0;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (cv_idmap_parse(line, &e, &err) < 0 || cv_idmap_add(&map, &e, &err) < 0)
			break;
	if (cv_idmap_validate(&map, CV_UID_MAP, &err) == 0)
		cv_idmap_format(&map, out, sizeof(out));
	free(text);
	return 0;
}
