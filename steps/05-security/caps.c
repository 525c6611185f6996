/*
 * caps.c - capability names and sets, with libcap (see caps.h).
 *
 * The kernel keeps five sets per thread (capabilities(7)), and they are
 * changed by different calls with different rules, which is why this file
 * has a function for each and security.c decides their order:
 *
 *   bounding      prctl(PR_CAPBSET_DROP), one capability per call, needs
 *                 CAP_SETPCAP in the effective set: so it goes first, while
 *                 the process is still root with every capability effective
 *   permitted,    capset(2), the three at once: permitted may only
 *   effective,    shrink, effective must lie within it, inheritable within
 *   inheritable   the old inheritable plus the bounding set (and without
 *                 CAP_SETPCAP, within the old inheritable plus permitted)
 *   ambient       prctl(PR_CAP_AMBIENT_RAISE), one by one, each already
 *                 permitted and inheritable: so after capset
 *
 * Between the bounding drop and capset comes the uid switch (identity.c):
 * leaving uid 0 clears the effective set, and the permitted one too
 * unless PR_SET_KEEPCAPS is on - which is why the bounding set, needing an
 * effective CAP_SETPCAP, cannot wait until after it.
 *
 * The sets are read back from /proc/PID/status rather than capget(2): the
 * status file has all five (CapBnd, and CapAmb since 4.3), capget three.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "05-security/caps.h"
#include "common/file.h"
#include "common/trace.h"

int cv_cap_last(void)
{
	static int last = -1;
	char text[16];
	struct cv_err ignored;

	/* the kernel's count, not libcap's CAP_LAST_CAP: either may be the newer */
	if (last < 0)
		last =
		    cv_read_file("/proc/sys/kernel/cap_last_cap", text, sizeof(text), &ignored) > 0
			? atoi(text)
			: CAP_LAST_CAP;
	return last;
}

const char *cv_cap_name(int cap, char *buf, size_t size)
{
	char *name = cap_to_name((cap_value_t)cap); /* "cap_chown", or "41" if libcap is older */

	if (name && !isdigit((unsigned char)name[0])) {
		size_t i = 0;
		for (; name[i] && i + 1 < size; i++)
			buf[i] = (char)toupper((unsigned char)name[i]);
		buf[i] = '\0';
	} else {
		snprintf(buf, size, "CAP_%d", cap);
	}
	cap_free(name);
	return buf;
}

const char *cv_caps_str(uint64_t mask, char *buf, size_t size)
{
	size_t len = 0;
	char name[48];

	buf[0] = '\0';
	for (int c = 0; c < 64 && len < size; c++)
		if (mask & (1ULL << c)) {
			int r = snprintf(buf + len, size - len, "%s%s", len ? "," : "",
					 cv_cap_name(c, name, sizeof(name)));
			len += r > 0 ? (size_t)r : 0;
		}
	if (!buf[0])
		snprintf(buf, size, "(none)");
	return buf;
}

int cv_cap_from_name(const char *name, int *cap, struct cv_err *err)
{
	char lower[64], all[2048];
	cap_value_t v;
	size_t len = 0;

	snprintf(lower, sizeof(lower), "%s%s", strncasecmp(name, "cap_", 4) ? "cap_" : "", name);
	for (char *p = lower; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	/* libcap also takes a bare number ("21"): a capability is asked for by name */
	if (cap_from_name(lower, &v) == 0 && !isdigit((unsigned char)name[0])) {
		*cap = (int)v;
		return 0;
	}
	all[0] = '\0';
	for (int c = 0; c <= cv_cap_last() && len < sizeof(all); c++) {
		char n[48];
		int r = snprintf(all + len, sizeof(all) - len, "%s%s", c ? " " : "",
				 cv_cap_name(c, n, sizeof(n)) + 4);
		len += r > 0 ? (size_t)r : 0;
	}
	cv_err_set(err, EINVAL, "unknown capability `%s`", name);
	return cv_err_hint(err, "capabilities(7) lists them: %.200s ...", all);
}

int cv_caps_read(pid_t pid, struct cv_caps *caps, struct cv_err *err)
{
	static const struct {
		const char *field;
		size_t offset;
	} fields[] = {{"CapInh:", offsetof(struct cv_caps, inheritable)},
		      {"CapPrm:", offsetof(struct cv_caps, permitted)},
		      {"CapEff:", offsetof(struct cv_caps, effective)},
		      {"CapBnd:", offsetof(struct cv_caps, bounding)},
		      {"CapAmb:", offsetof(struct cv_caps, ambient)}};
	char path[64], text[4096];

	snprintf(path, sizeof(path), pid ? "/proc/%d/status" : "/proc/self/status", (int)pid);
	if (cv_read_file(path, text, sizeof(text), err) < 0)
		return -err->code;
	/* a line this kernel does not write (CapAmb before 4.3) reads as an empty set */
	memset(caps, 0, sizeof(*caps));
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *at = strstr(text, fields[i].field);
		if (at)
			*(uint64_t *)((char *)caps + fields[i].offset) =
			    strtoull(at + strlen(fields[i].field), NULL, 16);
	}
	return 0;
}

void cv_caps_usable(struct cv_caps *caps)
{
	struct cv_caps mine;
	struct cv_err ignored;
	uint64_t have, asked, lacking;
	char names[512];

	if (cv_caps_read(0, &mine, &ignored) < 0)
		return;
	/* what lies outside our bounding set no capset or execve can ever grant: asked for,
	 * it would make capset fail in the child, after the fork; so it goes here, loudly */
	have = mine.bounding & (cv_cap_last() >= 63 ? ~0ULL : (1ULL << (cv_cap_last() + 1)) - 1);
	asked =
	    caps->bounding | caps->effective | caps->permitted | caps->inheritable | caps->ambient;
	lacking = asked & ~have;
	if (!lacking)
		return;
	cv_warn("not available to this process (not in its bounding set, or unknown to this "
		"kernel), so skipped: %s",
		cv_caps_str(lacking, names, sizeof(names)));
	caps->bounding &= have;
	caps->effective &= have;
	caps->permitted &= have;
	caps->inheritable &= have;
	caps->ambient &= have;
}

int cv_caps_drop_bounding(const struct cv_caps *caps, struct cv_err *err)
{
	uint64_t dropped = 0;
	char names[48];

	/* only what is still there, so that the trace names what this call took away */
	for (int c = 0; c <= cv_cap_last(); c++) {
		if ((caps->bounding & (1ULL << c)) || prctl(PR_CAPBSET_READ, c) != 1)
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0) {
			cv_err_sys(err, "prctl(PR_CAPBSET_DROP, %s)",
				   cv_cap_name(c, names, sizeof(names)));
			return errno == EPERM
				   ? cv_err_hint(err, "dropping from the bounding set needs "
						      "CAP_SETPCAP")
				   : -err->code;
		}
		dropped |= 1ULL << c;
	}
	if (dropped && cv_trace_fd >= 0) {
		char all[2048];
		cv_trace("prctl(PR_CAPBSET_DROP) of %s ok", cv_caps_str(dropped, all, sizeof(all)));
	}
	return 0;
}

/* Put the capabilities of mask into one set of c. */
static int fill(cap_t c, cap_flag_t set, uint64_t mask)
{
	for (int cap = 0; cap < 64; cap++) {
		cap_value_t v = cap;
		if ((mask & (1ULL << cap)) && cap_set_flag(c, set, 1, &v, CAP_SET) < 0)
			return -1;
	}
	return 0;
}

int cv_caps_apply(const struct cv_caps *caps, struct cv_err *err)
{
	char names[2048];
	cap_t c = cap_init();
	int r;

	if (!c)
		return cv_err_sys(err, "cap_init()");
	/* from cap_init(), not cap_get_proc(): every set starts empty, so what caps does
	 * not name is dropped, not kept from what this process had */
	r = fill(c, CAP_PERMITTED, caps->permitted) < 0 ||
		    fill(c, CAP_EFFECTIVE, caps->effective) < 0 ||
		    fill(c, CAP_INHERITABLE, caps->inheritable) < 0
		? -1
		: cap_set_proc(c);
	cap_free(c);
	cv_trace_sys(r, "capset(effective %s)", cv_caps_str(caps->effective, names, sizeof(names)));
	if (r < 0) {
		cv_err_sys(err, "capset()");
		return cv_err_hint(err, "a capability can be permitted only if it was permitted "
					"before, and effective or inheritable only if permitted");
	}
	/* ambient: cleared, then raised one by one (each must be permitted and inheritable).
	 * It is what a non-root program keeps across execve(): with no file capabilities,
	 * the new permitted and effective sets are exactly the ambient set.  EINVAL is a
	 * kernel before 4.3, which has no ambient set to clear. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return cv_err_sys(err, "prctl(PR_CAP_AMBIENT_CLEAR_ALL)");
	for (int cap = 0; cap < 64; cap++)
		if ((caps->ambient & (1ULL << cap)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0) {
			cv_err_sys(err, "prctl(PR_CAP_AMBIENT_RAISE, %s)",
				   cv_cap_name(cap, names, sizeof(names)));
			return cv_err_hint(err, "an ambient capability must also be permitted and "
						"inheritable");
		}
	if (caps->ambient)
		cv_trace("prctl(PR_CAP_AMBIENT_RAISE) of %s ok",
			 cv_caps_str(caps->ambient, names, sizeof(names)));
	return 0;
}
