/*
 * spec.h - an OCI bundle's config.json (runtime-spec 1.2, Linux), as one
 * typed struct in the shapes the steps take.
 *
 * The parse is the only place the document is read: everything after it
 * works on these fields.  Each part lands in the form its step uses -
 * `struct cv_ns_spec` pieces for step 01, `struct cv_cg_limits` for step
 * 02, `struct cv_mount`s and `struct cv_device`s for step 03, `struct
 * cv_identity`, `struct cv_caps` and `struct cv_seccomp` for step 05 - so
 * the setup (core/create.c, core/init.c) only hands them over.
 *
 * Strings point into the parsed document, which the spec keeps until
 * cv_spec_free().
 */
#ifndef CV_RT_SPEC_H
#define CV_RT_SPEC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "01-namespaces/spawn.h"
#include "02-cgroups/limits.h"
#include "03-rootfs/devnodes.h"
#include "03-rootfs/mounts.h"
#include "05-security/caps.h"
#include "05-security/identity.h"
#include "05-security/seccomp.h"
#include "runtime/spec/json.h"

/* The hook points, in the order of a container's life (runtime-spec config.md#posix-platform-hooks). */
enum cv_hook_point {
	CV_HOOK_PRESTART,         /* deprecated: as createRuntime */
	CV_HOOK_CREATE_RUNTIME,   /* create, before pivot_root; runtime namespaces */
	CV_HOOK_CREATE_CONTAINER, /* create, before pivot_root; container namespaces */
	CV_HOOK_START_CONTAINER,  /* start, before the user program; container namespaces */
	CV_HOOK_POSTSTART,        /* start, after the user program began; runtime namespaces */
	CV_HOOK_POSTSTOP,         /* delete, after the container is gone; runtime namespaces */
	CV_HOOK_N
};
extern const char *const cv_hook_names[CV_HOOK_N]; /* "prestart", "createRuntime"... */

struct cv_hook {
	const char *path;
	const char **args; /* NULL-terminated, or NULL: just the path */
	const char **env;  /* NULL-terminated, or NULL */
	int timeout;       /* seconds; 0: none */
};

struct cv_ns_join {
	int flag;         /* CLONE_NEW* */
	const char *path; /* /proc/PID/ns/net, a bind-mounted namespace file */
};

struct cv_sysctl {
	const char *key, *value;
};

struct cv_spec {
	struct cv_json json; /* the document; errors name its file */
	char bundle[4096];   /* the directory it was read from, absolute */
	const char *oci_version;

	/* process */
	bool has_process;
	bool terminal;
	unsigned console_height, console_width;
	const char **args, **env; /* NULL-terminated */
	const char *cwd;
	struct cv_identity id; /* uid, gid, groups, umask, rlimits, oom_score_adj, no_new_privs */
	bool has_caps;
	struct cv_caps caps;
	const char *apparmor;
	const char *selinux_label;
	bool has_ioprio;
	int ioprio_class, ioprio_level;
	bool has_scheduler;
	int sched_policy, sched_nice, sched_priority;
	uint64_t sched_flags, sched_runtime, sched_deadline, sched_period;

	/* root, names, mounts, hooks */
	const char *root; /* as given: relative to the bundle, or absolute */
	char root_abs[4096];
	bool root_readonly;
	const char *hostname, *domainname;
	struct cv_mount *mounts;
	size_t n_mounts;
	struct cv_hook *hooks[CV_HOOK_N];
	size_t n_hooks[CV_HOOK_N];
	json_t *annotations; /* an object, or NULL */

	/* linux */
	int ns_new;                 /* CLONE_NEW* to create */
	struct cv_ns_join joins[8]; /* enough: 8 types, each listed once at most (linux.c) */
	unsigned n_joins;
	struct cv_idmap uid_map, gid_map;
	struct cv_time_offset monotonic, boottime;
	struct cv_device *devices;
	size_t n_devices;
	const char *cgroups_path;
	bool has_resources;
	struct cv_cg_limits *limits;
	unsigned long propagation; /* 0: rprivate */
	bool has_seccomp;
	struct cv_seccomp seccomp;
	struct cv_sysctl *sysctl;
	size_t n_sysctl;
	const char **masked, **readonly_paths; /* NULL-terminated, or NULL */
	const char *mount_label;
	bool has_personality;
	unsigned long personality;
	bool has_intel_rdt;
};

/*
 * cv_spec_load - read BUNDLE/config.json.  Every error names the file, the
 * line and the JSON path.  On success the spec must be freed.
 */
int cv_spec_load(const char *bundle, struct cv_spec *spec, struct cv_err *err);

/*
 * cv_spec_load_text - the same from a config.json held in memory (the C
 * API's), its relative paths taken from bundle; errors name config.json.
 */
int cv_spec_load_text(const char *bundle, const char *text, struct cv_spec *spec,
		      struct cv_err *err);

/* cv_spec_parse - the same from a document already loaded (tests). */
int cv_spec_parse(struct cv_spec *spec, struct cv_err *err);

void cv_spec_free(struct cv_spec *spec);

/*
 * The parts, in process.c, linux.c and resources.c: each fills its fields
 * of spec and returns 0, or -errno with spec->json.err naming the file,
 * line and path.
 */
int cv_spec_process(struct cv_spec *spec, json_t *process);
int cv_spec_linux(struct cv_spec *spec, json_t *linux_);
int cv_spec_resources(struct cv_spec *spec, json_t *res, const char *path);

/*
 * cv_spec_default - the config.json `containerv spec` writes: busybox's
 * sh in a rootfs/ next to it, the standard mounts, the default
 * capabilities, new namespaces, masked and read-only paths.  With
 * rootless, a user namespace mapping the caller to root.  Returns a
 * malloc()ed text.
 */
char *cv_spec_default(bool rootless, const char *const *args);

#endif
