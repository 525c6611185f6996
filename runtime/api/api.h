/*
 * api.h - what the C API's files (api.c, config.c, run.c) share: the
 * two opaque structs of <containerv.h> and the per-thread error.
 *
 * The caller sees only pointers to these (libminijail's way): their
 * fields can change without a new soname, and no caller can fill one in
 * wrongly.  Only containerv_* symbols leave the library (containerv.map).
 */
#ifndef CV_RT_API_H
#define CV_RT_API_H

#include <stdbool.h>
#include <sys/types.h>

#include "04-network/network.h"
#include "common/err.h"
#include "include/containerv.h"

struct cv_spec;

/* One id map, as containerv_options_set_users/groups give it; unset: 0 -> 100000, 65536 ids. */
struct cv_api_idmap {
	bool set;
	unsigned host, child;
	int count;
};

/* What containerv_options_* set; copies of the caller's strings, freed with the options. */
struct containerv_options {
	unsigned caps; /* CV_CAP_*: one namespace each (config.c) */
	struct cv_api_idmap users, groups;
	struct containerv_mount *mounts; /* copies, strings included */
	int n_mounts;
	bool limits; /* the three below are set: checked only at create */
	char *memory_max, *cpu_weight, *pids_max;
	char *root;                       /* the state root, or NULL: /run/containerv */
	struct containerv_policy *policy; /* the caller's: not copied, not freed */
	struct cv_api_net {               /* containerv_options_set_network's, copied */
		int mode;                 /* CV_NETWORK_* */
		char *bridge, *subnet, *ip, *state_dir;
		struct cv_port ports[CV_NET_PORTS_MAX];
		int n_ports;
	} net;
};

/* A container made by containerv_create, alive until containerv_destroy. */
struct containerv_container {
	char id[16];     /* cv- and 12 random hex digits: also its hostname and cgroup */
	char root[4096]; /* the state root it lives under */
	pid_t init;      /* the idle init: our child, reaped at destroy */
	int root_fd;     /* O_PATH of its / (through /proc/INIT/root): upload, download */
	uid_t owner_uid; /* the container's root, as the host numbers it */
	gid_t owner_gid;
	struct containerv_policy *policy;
	pid_t *spawned; /* started, not yet waited for: reaped at destroy */
	int n_spawned;
	struct cv_net_attachment *net; /* on a bridge: what attach made, its held ports */
	char *net_state;               /* the network's state directory, or NULL */
	char net_bridge[IFNAMSIZ];     /* its bridge, once its files are made; "" */
	char address[64];              /* its IPv4 address as text, or "" */
};

/* cv_api_fail - keep err as this thread's last error (containerv_error()); -err->code. */
int cv_api_fail(const struct cv_err *err);

/*
 * cv_api_spec - the config of a container made with these options, built
 * in memory and parsed as a bundle's config.json would be; its relative
 * paths are taken from bundle; net_files (resolv.conf, hosts), when not
 * NULL, are bound on the container's /etc.  0, or -errno with err naming
 * the option.  On success *spec is malloc()ed, for cv_container_create.
 */
int cv_api_spec(const struct containerv_options *o, const char *rootfs, const char *id,
		const char *bundle, const char *const *net_files, struct cv_spec **spec,
		struct cv_err *err);

/*
 * net.c: the network of a container.  cv_api_net_files - before create,
 * the resolv.conf and hosts to bind (config.c binds them); cv_api_net_up -
 * after create, its namespace attached; cv_api_net_down - detached, its
 * ports closed (safe on a container never attached, and twice).
 */
int cv_api_net_files(const struct containerv_options *o, struct containerv_container *c,
		     char *resolv, char *hosts, struct cv_err *err);
int cv_api_net_up(const struct containerv_options *o, struct containerv_container *c,
		  struct cv_err *err);
void cv_api_net_down(struct containerv_container *c);
void cv_api_net_free(struct containerv_options *o);

#endif
