/*
 * api.h - what the C API's files (api.c, run.c) share: the two
 * opaque structs of <containerv.h> and the per-thread error.
 */
#ifndef CV_RT_API_H
#define CV_RT_API_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/err.h"
#include "include/containerv.h"

struct cv_api_idmap {
	bool set;
	unsigned host, child;
	int count;
};

struct containerv_options {
	unsigned caps;
	struct cv_api_idmap users, groups;
	struct containerv_mount *mounts; /* copies, strings included */
	int n_mounts;
	bool limits;
	char *memory_max, *cpu_weight, *pids_max;
	char *root;
	struct containerv_policy *policy;
};

struct containerv_container {
	char id[16];
	char root[4096];
	pid_t init;
	int root_fd;     /* O_PATH of its / (through /proc/INIT/root): upload, download */
	uid_t owner_uid; /* the container's root, as the host numbers it */
	gid_t owner_gid;
	struct containerv_policy *policy;
	pid_t *spawned; /* started, not yet waited for: reaped at destroy */
	int n_spawned;
};

/* cv_api_fail - keep err as this thread's last error (containerv_error()); -err->code. */
int cv_api_fail(const struct cv_err *err);

/* cv_api_config - the config.json of a container made with these options, malloc()ed. */
char *cv_api_config(const struct containerv_options *o, const char *rootfs, const char *id,
		    struct cv_err *err);

#endif
