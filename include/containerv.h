/*
 * containerv.h - containers from C: the containerv library.
 *
 * A container's life, in the order a program goes through it:
 *
 *     struct containerv_options *o = containerv_options_new();
 *     containerv_options_set_caps(o, CV_CAP_FILESYSTEM | CV_CAP_PROCESS_CONTROL);
 *     struct containerv_container *c;
 *     containerv_create("/srv/rootfs", o, &c);         its init now runs, idle
 *     containerv_upload(c, host_paths, paths, n);         files in
 *     pid_t pid;
 *     containerv_spawn(c, "/bin/sh", &(struct containerv_spawn_options){
 *                          .arguments = "-c 'make > /tmp/log'",
 *                          .flags = CV_SPAWN_WAIT}, &pid);   a process in it
 *     containerv_download(c, paths, host_paths, n);       files out
 *     containerv_destroy(c);                              every process killed, all gone
 *     containerv_options_delete(o);
 *
 * A container here is what `containerv create` + `start` make (the same
 * code: namespaces, cgroup, root filesystem, security), with an init that
 * runs no program of its own: it holds the namespaces and reaps.  Each
 * spawn is then what `containerv exec` does - a process that joins it.
 *
 * Every function that can fail returns 0 or a negative errno value;
 * containerv_error() then says what failed, on this thread, with a hint.
 * Link with `pkg-config --libs containerv`; run as root.
 */
#ifndef CONTAINERV_H
#define CONTAINERV_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef pid_t process_handle_t;

struct containerv_options;
struct containerv_container;

/* ---- options ---------------------------------------------------------- */

/*
 * What the container gets its own of (a namespace each).  Left out, that
 * part is the host's: without CV_CAP_NETWORK the container uses the
 * host's network; with it, an empty network namespace (loopback only).
 * CV_CAP_FILESYSTEM is required: a root filesystem needs a mount
 * namespace.  containerv_options_new() sets them all but CV_CAP_USERS.
 */
enum containerv_capabilities {
	CV_CAP_NETWORK = 0x1,         /* a network namespace: lo only */
	CV_CAP_PROCESS_CONTROL = 0x2, /* a pid namespace: its processes see only each other */
	CV_CAP_IPC = 0x4,             /* an IPC namespace: System V IPC, POSIX queues */
	CV_CAP_FILESYSTEM = 0x8,      /* a mount namespace: the root filesystem, the mounts */
	CV_CAP_CGROUPS = 0x10,        /* a cgroup namespace: its cgroup is its / */
	CV_CAP_USERS = 0x20,          /* a user namespace: root inside is not root outside */
};

/* containerv_options_new - defaults as above; NULL when out of memory. */
struct containerv_options *containerv_options_new(void);

/* containerv_options_delete - free it (NULL is fine); a container made with it is unaffected. */
void containerv_options_delete(struct containerv_options *options);

void containerv_options_set_caps(struct containerv_options *options,
				 enum containerv_capabilities caps);

/*
 * With CV_CAP_USERS: the container's ids [child, child+count) are the
 * host's [host, host+count).  Default: the container's 0..65535 are the
 * host's 100000..165535 (the usual first /etc/subuid range).
 */
void containerv_options_set_users(struct containerv_options *options, uid_t host_start,
				  uid_t child_start, int count);
void containerv_options_set_groups(struct containerv_options *options, gid_t host_start,
				   gid_t child_start, int count);

enum containerv_mount_flags {
	CV_MOUNT_BIND = 0x1,      /* `what` is a host path to show at `where` */
	CV_MOUNT_RECURSIVE = 0x2, /* with the mounts below it (rbind) */
	CV_MOUNT_READONLY = 0x4,
	CV_MOUNT_CREATE = 0x100, /* create the host directory `what` if it is missing */
};

struct containerv_mount {
	const char *what;   /* a host path (bind), or the filesystem's source ("tmpfs") */
	const char *where;  /* inside the container; created if missing */
	const char *fstype; /* "tmpfs", "proc"...; NULL for a bind mount */
	enum containerv_mount_flags flags;
};

/* Mounts beyond the standard ones (/proc, /dev, /sys...); copied. */
int containerv_options_set_mounts(struct containerv_options *options,
				  const struct containerv_mount *mounts, int count);

/*
 * Limits for the container's cgroup, as text: memory_max "512M", "1G" or
 * "max"; cpu_weight 1..10000 (cgroup v2's scale; 100 is everyone's
 * share); pids_max a count or "max".  NULL means the default: 1G, 100,
 * 256.  Checked by containerv_create(), which names a bad value.
 */
void containerv_options_set_cgroup_limits(struct containerv_options *options,
					  const char *memory_max, const char *cpu_weight,
					  const char *pids_max);

/*
 * The network (step 04), with CV_CAP_NETWORK.  CV_NETWORK_NONE, the
 * default: the container's namespace has lo only.  CV_NETWORK_BRIDGE: it
 * is attached to a bridge (made when missing): eth0 with an IPv4 and an
 * IPv6 address, a default route, NAT out, the published ports (each
 * "[HOSTIP:]HOSTPORT:PORT[/tcp|udp]", as `docker run -p`), and its own
 * /etc/resolv.conf and /etc/hosts, bound over the rootfs's.  The host
 * ports are held by the calling process until containerv_destroy().
 */
enum containerv_network_mode {
	CV_NETWORK_NONE,
	CV_NETWORK_BRIDGE,
};

struct containerv_network {
	enum containerv_network_mode mode;
	const char *bridge;       /* NULL: "cv0" */
	const char *subnet;       /* IPv4, for a new bridge; NULL: the bridge's, or 10.77.0.0/24 */
	const char *ip;           /* NULL: the next free address */
	const char *const *ports; /* NULL-terminated, or NULL */
	const char *state_dir;    /* NULL: /run/containerv/network */
};

/*
 * Copied; a malformed port is refused here (-EINVAL, containerv_error()
 * names it), the rest is checked by containerv_create().
 */
int containerv_options_set_network(struct containerv_options *options,
				   const struct containerv_network *network);

/* The state directory (containerv's --root); default /run/containerv. */
void containerv_options_set_root(struct containerv_options *options, const char *dir);

/* ---- policies: what every spawned process may do ---------------------- */

/*
 * Default-deny: a syscall is allowed only if its group is in the policy
 * (seccomp), a path only if a rule names it (Landlock, where the kernel
 * has it).  MINIMAL: a command-line program (files, memory, exit; the
 * system's libraries and harmless devices to read).  BUILD: minimal +
 * processes, changing files, pipes.  NETWORK: minimal + sockets.
 * CUSTOM: nothing; build it up.
 */
enum containerv_policy_type {
	CV_POLICY_MINIMAL,
	CV_POLICY_BUILD,
	CV_POLICY_NETWORK,
	CV_POLICY_CUSTOM,
};

#define CV_FS_READ  1u
#define CV_FS_WRITE 2u
#define CV_FS_EXEC  4u
#define CV_FS_ALL   (CV_FS_READ | CV_FS_WRITE | CV_FS_EXEC)

struct containerv_policy;

struct containerv_policy *containerv_policy_new(enum containerv_policy_type type);
/* more syscalls, by name (a NULL-terminated list); a name the kernel lacks fails the spawn */
int containerv_policy_add_syscalls(struct containerv_policy *p, const char *const *syscalls);
/* CV_FS_* access below each path, as the container sees it */
int containerv_policy_add_path(struct containerv_policy *p, const char *path, unsigned access);
int containerv_policy_add_paths(struct containerv_policy *p, const char *const *paths,
				unsigned access);
void containerv_policy_delete(struct containerv_policy *p);

/* The policy every spawned process runs under (not copied: keep it until destroy). */
void containerv_options_set_policy(struct containerv_options *options,
				   struct containerv_policy *policy);

/* ---- the container ---------------------------------------------------- */

/*
 * containerv_create - a container on the root filesystem at rootfs (a
 * directory), running: its namespaces made, its cgroup limited, its init
 * idle.  The rootfs is the container's own and is written to.  On failure
 * nothing is left behind.
 */
int containerv_create(const char *rootfs, struct containerv_options *options,
		      struct containerv_container **container);

/* containerv_id - its id ("cv-" and 12 hex digits), also its hostname. */
const char *containerv_id(struct containerv_container *container);

/* containerv_address - its IPv4 address on the bridge ("10.77.0.2"), or NULL without one. */
const char *containerv_address(struct containerv_container *container);

enum container_spawn_flags {
	CV_SPAWN_WAIT = 0x1, /* return when the process ends */
};

/* Who a spawned process runs as; NULL: the container's root. */
struct containerv_user {
	uid_t uid;
	gid_t gid;
};

struct containerv_spawn_options {
	const char *arguments;          /* after the program: "-c 'echo hi'", split as sh would */
	const char *const *environment; /* NULL-terminated "K=V"; NULL: a standard PATH */
	struct containerv_user *as_user;
	enum container_spawn_flags flags;
};

/*
 * containerv_spawn - run path (inside the container) with the options.
 * *pid (if pid is not NULL) is its pid as the host sees it.  Without
 * CV_SPAWN_WAIT it returns once the program runs; containerv_wait()
 * collects it.  With CV_SPAWN_WAIT it returns its exit status: 0, the
 * code it exited with, or 128+N when killed by signal N.  A program that
 * cannot run (missing, not executable) is an error: -ENOENT, -EACCES...
 */
int containerv_spawn(struct containerv_container *container, const char *path,
		     struct containerv_spawn_options *options, process_handle_t *pid);

/* containerv_kill - end a spawned process (SIGKILL). */
int containerv_kill(struct containerv_container *container, process_handle_t pid);

/* containerv_wait - wait for a spawned process; *exit_code as for CV_SPAWN_WAIT. */
int containerv_wait(struct containerv_container *container, process_handle_t pid, int *exit_code);

/*
 * containerv_upload - copy host files (or directories) to paths inside
 * the container; containerv_download - the other way.  Paths inside are
 * resolved within the container's root: a symlink there cannot lead out.
 * Uploaded files belong to the container's root user.
 */
int containerv_upload(struct containerv_container *container, const char *const *host_paths,
		      const char *const *container_paths, int count);
int containerv_download(struct containerv_container *container, const char *const *container_paths,
			const char *const *host_paths, int count);

/* containerv_destroy - kill every process in it, remove its cgroup and state, free it. */
int containerv_destroy(struct containerv_container *container);

/* containerv_error - what the last failing call on this thread said, with a hint. */
const char *containerv_error(void);

#ifdef __cplusplus
}
#endif

#endif
