/*
 * events.c - `events` and `features` (see events.h).
 *
 * runc prints one JSON object per line: {"type":"stats","id":ID,"data":
 * {...}} with the cgroup's usage in its own shape, and {"type":"oom"} when
 * the OOM killer strikes in the container.  The OOM count is polled every
 * 100 ms: a kill shows up well within that, and nothing needs the
 * cgroup v1 eventfd or v2 inotify machinery.
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

static json_int_t val(uint64_t v)
{
	return v == CV_CG_NO_LIMIT ? 0 : (json_int_t)v;
}

/* runc's "data" for a stats event. */
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
	if ((r = cv_cg_detect(NULL, &host, err)) < 0 ||
	    (r = cv_cg_open(&host, s.cgroup, &cg, err)) < 0)
		return r;
	if (cv_cg_stats(&cg, &st, err) < 0)
		return -err->code;
	if (stats) {
		emit(out, "stats", id, stats_data(&st));
		return 0;
	}
	ooms = st.memory.oom_kills;
	while (cv_state_alive(&s)) {
		nanosleep(&(struct timespec){0, 100 * 1000 * 1000}, NULL);
		since += 100;
		if (cv_cg_stats(&cg, &st, err) < 0)
			break; /* the cgroup is gone with the container */
		if (st.memory.oom_kills > ooms)
			emit(out, "oom", id, NULL);
		ooms = st.memory.oom_kills;
		if (since >= interval_ms) {
			emit(out, "stats", id, stats_data(&st));
			since = 0;
		}
	}
	cv_err_clear(err);
	return 0;
}

static json_t *strings(const char *const *list)
{
	json_t *a = json_array();

	for (; *list; list++)
		json_array_append_new(a, json_string(*list));
	return a;
}

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
