/*
 * record.h - what step 04 made, written down before it is made.
 *
 *   STATE_DIR/lock               flock(2)ed by attach, detach, gc, rm
 *   STATE_DIR/BRIDGE/subnet      "10.77.0.0/24\nfd63:7663:a4d::/64\n"
 *   STATE_DIR/BRIDGE/ipam/       the addresses given out (ipam.h)
 *   STATE_DIR/BRIDGE/attach/ID   one attachment: its holder, veth, addresses, ports
 *   STATE_DIR/BRIDGE/files/ID/   its resolv.conf and hosts
 *
 * Plain text, one "key value" per line, so that `cat` explains a network
 * and a crash at any point leaves something a later gc can read.
 */
#ifndef CV_NET_RECORD_H
#define CV_NET_RECORD_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <sys/types.h>

#include "04-network/addr.h"
#include "04-network/network.h"
#include "04-network/nft.h"
#include "04-network/ports.h"
#include "common/err.h"

struct cv_net_record {
	char id[CV_NET_ID_MAX + 1];
	pid_t holder;             /* the process the attachment belongs to */
	unsigned long long start; /* and its start time: a pid is reused, the pair never */
	char veth[IFNAMSIZ];
	struct cv_cidr addr4, addr6; /* family 0 until given */
	struct cv_port ports[CV_NET_PORTS_MAX];
	int n_ports;
};

/* cv_net_lock - open and flock STATE_DIR/lock (made as needed); the fd, or -errno. */
int cv_net_lock(const char *state_dir, struct cv_err *err);

/* cv_net_record_write - write r to BDIR/attach/ID whole (a new file renamed over the old). */
int cv_net_record_write(const char *bdir, const struct cv_net_record *r, struct cv_err *err);

/* cv_net_record_read - read BDIR/attach/ID into *r; -ENOENT when there is none. */
int cv_net_record_read(const char *bdir, const char *id, struct cv_net_record *r,
		       struct cv_err *err);

/* cv_net_record_alive - the holder still runs (same pid, same start time). */
bool cv_net_record_alive(const struct cv_net_record *r);

/*
 * cv_net_records - the ids of BDIR's attachments into ids[0..max), their
 * number returned (0 when there is no such directory), or -errno.
 */
int cv_net_records(const char *bdir, char (*ids)[CV_NET_ID_MAX + 1], int max, struct cv_err *err);

/*
 * cv_net_bridges - the bridges recorded in state_dir, as cv_net_records does
 * for attachments.
 */
int cv_net_bridges(const char *state_dir, char (*names)[IFNAMSIZ], int max, struct cv_err *err);

/* cv_net_subnet_read - BDIR/subnet into *s (v6 family 0 when absent); -ENOENT when none. */
int cv_net_subnet_read(const char *bdir, struct cv_nft_subnet *s, struct cv_err *err);

/* cv_net_subnet_write - create BDIR with its subnet file. */
int cv_net_subnet_write(const char *bdir, const struct cv_nft_subnet *s, struct cv_err *err);

/*
 * cv_net_record_fwds - the map elements r's ports make, into out (room for
 * 2 * CV_NET_PORTS_MAX); their number.  A port on every host address
 * goes to the container's IPv4 and, when it has one, IPv6 address.
 */
int cv_net_record_fwds(const struct cv_net_record *r, struct cv_nft_fwd *out);

#define BRIDGES_MAX 64
#define RECORDS_MAX 1024

/* cv_net_bridge_dir - STATE_DIR/BRIDGE into buf. */
void cv_net_bridge_dir(char *buf, size_t size, const char *state_dir, const char *bridge);

/*
 * cv_net_rebuild_table - the nft table rebuilt from every bridge's subnet
 * and every attachment's ports (network.c); under the state lock.
 */
int cv_net_rebuild_table(const char *state_dir, struct cv_err *err);

/*
 * cv_net_detach_locked - cv_net_detach() for a caller that holds the
 * state lock (network.c): the record's veth, elements, address and files
 * taken away, and with no attachment left the bridge, its state and its
 * part of the table.  id NULL: only that last check, for the bridge.
 */
int cv_net_detach_locked(const char *state_dir, const char *bridge, const char *id,
			 struct cv_err *err);

#endif
