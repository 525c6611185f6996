/*
 * events.c - `events` and `features` (see events.h).
 *
 * runc prints one JSON object per line: {"type":"stats","id":ID,"data":
 * {...}} with the cgroup's usage in its own shape, and {"type":"oom"} when
 * the OOM killer strikes in the container.  The OOM count is polled every
 * 100 ms: a kill shows up well within that, and nothing needs the
 * cgroup v1 eventfd or v2 inotify machinery.
 *
 * Every number comes from the container's cgroup through step 02
 * (cv_cg_stats), whichever of v1 or v2 holds it: the usage of all its
 * processes, exec's included, as the kernel counts it, and the same
 * numbers `cv-cgroups stats` shows.  This file only reshapes them.
 *
 * `features` answers "what would this runtime accept here" from probes,
 * not from a list of what the code knows: a namespace type this kernel
 * lacks, or a cgroup version it does not mount, is left out, so an engine
 * that reads the document does not ask for what would then fail.
 */
#include <errno.h>
#include <jansson.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "01-namespaces/namespaces.h"
#include "02-cgroups/cgroups.h"
#include "02-cgroups/stats.h"
#include "03-rootfs/mounts.h"
#include "05-security/apparmor.h"
#include "05-security/caps.h"
#include "05-security/seccomp.h"
#include "common/probe.h"
#include "runtime/core/events.h"
#include "runtime/spec/spec.h"
#include "runtime/core/state.h"

/*
 * A number for JSON: a limit that is not set (CV_CG_NO_LIMIT, all ones)
 * is printed 0.  jansson's integers are signed 64-bit: the all-ones value
 * would come out as -1, which no reader takes for "no limit".
 */
static json_int_t val(uint64_t v)
{
	return v == CV_CG_NO_LIMIT ? 0 : (json_int_t)v;
}

/*
 * runc's "data" for a stats event: cpu (total, kernel and user time in
 * ns, throttling), memory (usage, limit, peak, failcnt), pids, and blkio as
 * cgroup v1 lists it - one entry per device and operation, bytes and
 * operations apart - the shape runc uses for v2 too.  hugetlb is empty:
 * no hugetlb numbers are read.  The caller owns the result.
 */
static json_t *stats_data(const struct cv_cg_stats *st)
{
	json_t *read = json_array(), *served = json_array();

	for (unsigned i = 0; i < st->n_io; i++) {
		const char *const ops[2] = {"Read", "Write"};
		uint64_t bytes[2] = {st->io[i].rbytes, st->io[i].wbytes};
		uint64_t ios[2] = {st->io[i].rios, st->io[i].wios};
		for (int k = 0; k < 2; k++) {
			json_array_append_new(read,
					      json_pack("{s:i, s:i, s:s, s:I}", "major",
							st->io[i].major, "minor", st->io[i].minor,
							"op", ops[k], "value", val(bytes[k])));
			json_array_append_new(served,
					      json_pack("{s:i, s:i, s:s, s:I}", "major",
							st->io[i].major, "minor", st->io[i].minor,
							"op", ops[k], "value", val(ios[k])));
		}
	}
	return json_pack("{s:{s:{s:I, s:[], s:I, s:I}, s:{s:I, s:I, s:I}},"
			 " s:{s:{s:I, s:I, s:I, s:I}, s:I},"
			 " s:{s:I, s:I}, s:{s:o, s:o}, s:{}}",
			 "cpu", "usage", "total", val(st->cpu.usage_ns), "percpu", "kernel",
			 val(st->cpu.system_ns), "user", val(st->cpu.user_ns), "throttling",
			 "periods", val(st->cpu.periods), "throttledPeriods",
			 val(st->cpu.throttled_periods), "throttledTime", val(st->cpu.throttled_ns),
			 "memory", "usage", "limit", val(st->memory.limit), "usage",
			 val(st->memory.usage), "max", val(st->memory.peak), "failcnt",
			 val(st->memory.failcnt), "oom_kills", val(st->memory.oom_kills), "pids",
			 "current", val(st->pids.current), "limit", val(st->pids.limit), "blkio",
			 "ioServiceBytesRecursive", read, "ioServicedRecursive", served, "hugetlb");
}

/* One event, one line, flushed: a reader (an engine's pipe) sees it at once. */
static void emit(FILE *out, const char *type, const char *id, json_t *data)
{
	json_t *ev = json_pack("{s:s, s:s}", "type", type, "id", id);
	char *text;

	if (data)
		json_object_set_new(ev, "data", data);
	if ((text = json_dumps(ev, JSON_COMPACT))) {
		fprintf(out, "%s\n", text);
		fflush(out);
		free(text);
	}
	json_decref(ev);
}

int cv_container_events(const char *root, const char *id, bool stats, long interval_ms, FILE *out,
			struct cv_err *err)
{
	struct cv_cg_host host;
	struct cv_cgroup cg;
	struct cv_cg_stats st;
	struct cv_state s;
	uint64_t ooms = 0;
	long since = interval_ms;
	int r;

	if ((r = cv_state_open(root, id, &s, err)) < 0)
		return r;
	cv_state_close(&s); /* keep what it says; let the other commands run meanwhile */
	if (!s.cgroup[0])
		return cv_err_set(err, ENOTSUP, "container `%s` has no cgroup: no events", id);
	/* the cgroup the record names, opened through step 02's layout detection */
	if ((r = cv_cg_detect(NULL, &host, err)) < 0 ||
	    (r = cv_cg_open(&host, s.cgroup, &cg, err)) < 0)
		return r;
	if (cv_cg_stats(&cg, &st, err) < 0)
		return -err->code;
	/* --stats: one snapshot, then done (runc events --stats) */
	if (stats) {
		emit(out, "stats", id, stats_data(&st));
		return 0;
	}
	/* the count at the start: only kills from now on are events.  Until the init
	 * is gone (its start time checked: a reused pid does not keep us here) */
	ooms = st.memory.oom_kills;
	while (cv_state_alive(&s)) {
		nanosleep(&(struct timespec){0, 100 * 1000 * 1000}, NULL);
		since += 100;
		if (cv_cg_stats(&cg, &st, err) < 0)
			break; /* the cgroup is gone with the container */
		/* one event however many kills came within the 100 ms */
		if (st.memory.oom_kills > ooms)
			emit(out, "oom", id, NULL);
		ooms = st.memory.oom_kills;
		/* a stats event every interval (--interval), counted in 100 ms ticks */
		if (since >= interval_ms) {
			emit(out, "stats", id, stats_data(&st));
			since = 0;
		}
	}
	/* the container stopping ends the stream: not an error */
	cv_err_clear(err);
	return 0;
}

/* A NULL-terminated list of names as a JSON array. */
static json_t *strings(const char *const *list)
{
	json_t *a = json_array();

	for (; *list; list++)
		json_array_append_new(a, json_string(*list));
	return a;
}

/*
 * What linux.seccomp may name: the actions, operators and flags step 05
 * turns into libseccomp calls, and the architectures it knows.  TSYNC is
 * listed with the rest: step 05 always loads the filter for every thread.
 */
static json_t *seccomp_features(void)
{
	static const char *const actions[] = {"SCMP_ACT_ALLOW",       "SCMP_ACT_ERRNO",
					      "SCMP_ACT_KILL",        "SCMP_ACT_KILL_PROCESS",
					      "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
					      "SCMP_ACT_NOTIFY",      "SCMP_ACT_TRACE",
					      "SCMP_ACT_TRAP",        NULL};
	static const char *const ops[] = {"SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
					  "SCMP_CMP_LE", "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ",
					  "SCMP_CMP_NE", NULL};
	static const char *const archs[] = {
	    "SCMP_ARCH_X86",   "SCMP_ARCH_X86_64",  "SCMP_ARCH_X32",
	    "SCMP_ARCH_ARM",   "SCMP_ARCH_AARCH64", "SCMP_ARCH_PPC64LE",
	    "SCMP_ARCH_S390X", "SCMP_ARCH_RISCV64", NULL};
	static const char *const flags[] = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
					    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
					    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL};

	return json_pack("{s:b, s:o, s:o, s:o, s:o, s:o}", "enabled", 1, "actions",
			 strings(actions), "operators", strings(ops), "archs", strings(archs),
			 "knownFlags", strings(flags), "supportedFlags", strings(flags));
}

/*
 * The features document (runtime-spec features.md), probed: namespaces the
 * kernel has (/proc/self/ns), every capability up to the kernel's last
 * (cap_last_cap, not the headers'), the cgroup versions mounted, AppArmor
 * if it enforces.  No systemd cgroup driver, SELinux, Intel RDT or idmapped
 * mounts: false, so no engine asks for them.
 */
char *cv_features_json(void)
{
	json_t *ns = json_array(), *caps = json_array(), *hooks = json_array(), *doc;
	struct cv_cg_host host;
	struct cv_err ignored;
	bool v1 = false, v2 = false;
	char name[48], version[32];
	char *text;

	for (int p = 0; p < CV_HOOK_N; p++)
		json_array_append_new(hooks, json_string(cv_hook_names[p]));
	for (int i = 0; i < CV_NS_COUNT; i++)
		if (cv_have_ns(cv_ns_types[i].name))
			json_array_append_new(ns, json_string(cv_ns_types[i].oci));
	for (int c = 0; c <= cv_cap_last(); c++)
		json_array_append_new(caps, json_string(cv_cap_name(c, name, sizeof(name))));
	if (cv_cg_detect(NULL, &host, &ignored) == 0)
		for (unsigned i = 0; i < host.n; i++)
			host.tree[i].version == 2 ? (v2 = true) : (v1 = true);
	snprintf(version, sizeof(version), "%u.%u.%u", seccomp_version()->major,
		 seccomp_version()->minor, seccomp_version()->micro);
	doc = json_pack(
	    "{s:s, s:s, s:o, s:o, s:{s:o, s:o, s:{s:b, s:b, s:b, s:b, s:b}, s:o, s:{s:b},"
	    " s:{s:b}, s:{s:b}, s:{s:{s:b}}}, s:{s:s, s:s}}",
	    "ociVersionMin", "1.0.0", "ociVersionMax", "1.2.0", "hooks", hooks, "mountOptions",
	    strings(cv_mount_option_words), "linux", "namespaces", ns, "capabilities", caps,
	    "cgroup", "v1", v1, "v2", v2, "systemd", 0, "systemdUser", 0, "rdma",
	    cv_cg_tree_of(&host, CV_CG_RDMA) != NULL, "seccomp", seccomp_features(), "apparmor",
	    "enabled", cv_apparmor_enabled(), "selinux", "enabled", 0, "intelRdt", "enabled", 0,
	    "mountExtensions", "idmap", "enabled", 0, "annotations", "io.github.containerv.version",
	    CV_VERSION, "io.github.seccomp.libseccomp.version", version);
	text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(doc);
	return text;
}
