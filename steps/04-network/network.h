/*
 * network.h - step 04: a container on a bridge, with NAT and published ports.
 *
 * A new network namespace has only a `lo` that is down: the process in it
 * reaches nothing and nothing reaches it.  Attaching it to a network
 * means, in this order:
 *
 *   0. what can be checked before anything exists (names, counts)
 *   1. its published host ports held (ports.c): the likeliest mistake, first
 *   2. the record of what will be made, written before it is (record.c)
 *   3. an address for it, and its IPv6 twin (ipam.c)
 *   4. the bridge, a switch in the host's namespace, up with the gateway
 *      addresses, forwarding on (link.c)
 *   5. NAT: for a new bridge the nft table rebuilt, else only this
 *      container's map elements added (nft.c)
 *   6. a veth pair: one end on the bridge, the other made in the
 *      container's namespace as eth0 (link.c)
 *   7. inside: lo and eth0 up, the addresses, the default routes (link.c)
 *   8. its /etc/resolv.conf and /etc/hosts (dns.c)
 *
 * What was made is recorded on disk before it is made, under
 * STATE_DIR/BRIDGE/ (a `subnet` file, ipam/, and attach/ID, which names
 * the process the attachment belongs to), so that a detach - or `gc`,
 * after that process was killed at any point - finds it all and takes it
 * away: the veth, the map elements, the address and, with the last user,
 * the bridge and the table.
 */
#ifndef CV_NET_NETWORK_H
#define CV_NET_NETWORK_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <sys/types.h>

#include "04-network/addr.h"
#include "04-network/ports.h"
#include "common/err.h"

#define CV_NET_STATE_DIR "/run/containerv/network"
#define CV_NET_BRIDGE    "cv0"
#define CV_NET_SUBNET    "10.77.0.0/24"
#define CV_NET_PORTS_MAX 32
#define CV_NET_ID_MAX    64

struct cv_net_config {
	const char *state_dir; /* NULL: CV_NET_STATE_DIR */
	const char *bridge;    /* NULL: CV_NET_BRIDGE */
	const char *subnet;    /* NULL: the bridge's own, or CV_NET_SUBNET for a new one */
	const char *ip;        /* NULL: the next free address */
	const char *id;        /* the container's name: [A-Za-z0-9_.-], 1..64 */
	pid_t holder;          /* whose attachment this is (0: the caller) */
	bool no_ipv6;          /* IPv4 only */
	const struct cv_port *ports;
	int n_ports;
};

/* What an attach made, for the caller to print and to keep. */
struct cv_net_attachment {
	char id[CV_NET_ID_MAX + 1];
	char bridge[IFNAMSIZ];
	char veth[IFNAMSIZ]; /* the host's end */
	struct cv_cidr addr4, gw4;
	struct cv_cidr addr6, gw6;  /* family 0 without IPv6 */
	char resolv_conf[PATH_MAX]; /* files to bind on /etc/resolv.conf, /etc/hosts */
	char hosts[PATH_MAX];
	int held[2 * CV_NET_PORTS_MAX]; /* sockets holding the host ports; close = unpublish */
	int n_held;
};

/*
 * cv_net_attach - attach the network namespace netns_fd (an open
 * /proc/PID/ns/net) to cfg's bridge as described above.  The caller is in
 * the namespace where the bridge lives (the host's, or a rootless one)
 * with CAP_NET_ADMIN over it.  On failure everything made is undone
 * (cv_net_detach) and err names the value that was wrong.  The caller
 * keeps att->held open for as long as the ports are published and calls
 * cv_net_detach() at the end.
 */
int cv_net_attach(const struct cv_net_config *cfg, int netns_fd, struct cv_net_attachment *att,
		  struct cv_err *err);

/*
 * cv_net_detach - take away what attach made for id on bridge, and with
 * the last user the bridge and table.  Idempotent: an id with nothing
 * left is 0.  Closes nothing of the caller's (att->held is the caller's).
 */
int cv_net_detach(const char *state_dir, const char *bridge, const char *id, struct cv_err *err);

/*
 * cv_net_gc - detach every attachment whose holder is no longer alive
 * (killed during setup or after), remove bridges nobody uses, and rebuild
 * the table from what is left.  Returns how many attachments were
 * removed, or -errno.
 */
int cv_net_gc(const char *state_dir, struct cv_err *err);

/*
 * cv_net_remove - remove bridge `name` and its state; -EBUSY naming an
 * owner when a live attachment uses it, -ENOENT when there is no such
 * network.
 */
int cv_net_remove(const char *state_dir, const char *name, struct cv_err *err);

/*
 * cv_net_files - the resolv.conf and hosts an attach of id to bridge
 * writes (STATE_DIR/BRIDGE/files/ID/; state_dir and bridge NULL: the
 * defaults), made now, empty where missing, their paths in resolv and
 * hosts (PATH_MAX each).  A runtime whose container exists before it is
 * attached binds them into it at create: attach later writes into the
 * same files, so the bind shows what it writes.  A detach of id removes
 * them, also when no attach came.
 */
int cv_net_files(const char *state_dir, const char *bridge, const char *id, char *resolv,
		 char *hosts, struct cv_err *err);

/* One line of `cv-network ls`: a bridge, its subnet, an address and its owner. */
struct cv_net_use {
	const char *bridge;
	const char *subnet;
	const char *addr;  /* NULL for a bridge with no address in use */
	const char *owner; /* the id */
	pid_t holder;      /* 0 when unknown */
	bool alive;
};

/* cv_net_each - call fn for every bridge and every address in use, in order. */
int cv_net_each(const char *state_dir, int (*fn)(const struct cv_net_use *u, void *arg), void *arg,
		struct cv_err *err);

#endif
