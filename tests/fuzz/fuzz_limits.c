/*
 * fuzz_limits.c - the cgroup limit parsers, on the text of a flag or a
 * config value: the first byte picks which (size, CPUs, cpuset, device
 * rule, "MAJOR:MINOR VALUE"), the rest is the text.
 */
#include "02-cgroups/limits.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cv_err err = {0};
	struct cv_cg_dev_rule rule;
	struct cv_cg_dev_value value;
	char *text, buf[64];
	int64_t v;

	if (size < 1 || !(text = cv_fuzz_text(data + 1, size - 1)))
		return 0;
	switch (data[0] % 5) {
	case 0:
		cv_cg_parse_size(text, "--memory", &v, &err);
		break;
	case 1:
		cv_cg_parse_cpus(text, 100000, &v, &err);
		break;
	case 2:
		cv_cg_parse_cpuset(text, "--cpuset-cpus", &err);
		break;
	case 3:
		if (cv_cg_parse_rule(text, data[0] & 0x80, &rule, &err) == 0)
			cv_cg_format_rule(&rule, buf, sizeof(buf));
		break;
	case 4:
		cv_cg_parse_dev_value(text, "--device-read-bps", &value, &err);
		break;
	}
	free(text);
	return 0;
}
