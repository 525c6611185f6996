/*
 * nft.h - NAT and published ports with nftables (libnftables).
 *
 * The project owns one table, `inet containerv`, and nothing else in the
 * ruleset.  Its contents follow from two lists: the subnets of the
 * bridges (masqueraded on their way out) and the published ports (each
 * an element of a map that DNATs HOSTPORT to the container's address and
 * port).  Commands are nft's own text, given to libnftables as `nft -f`
 * would read them, so what --explain prints is what `nft list ruleset`
 * shows afterwards.  A batch of commands is one transaction: it all
 * applies or none of it does.
 *
 *   table inet containerv {
 *     set subnets4, subnets6          the bridges' subnets
 *     map tcp4, udp4                  HOSTPORT : ADDR . PORT  (any host address)
 *     map tcp6, udp6
 *     map tcp4a, udp4a, tcp6a, udp6a  HOSTADDR . HOSTPORT : ADDR . PORT
 *     chain prerouting   nat, dstnat:  fib daddr type local jump ports
 *     chain output       nat, -100:    fib daddr type local jump ports  (127.0.0.1, hairpin)
 *     chain ports        dnat by the maps
 *     chain postrouting  nat, srcnat:  masquerade subnet -> outside,
 *                        hairpin (a container to a published port of
 *                        its bridge; to its own, the bridge port needs
 *                        hairpin mode too: link.c), and
 *                        127.0.0.0/8 that was DNATed (route_localnet)
 *   }
 */
#ifndef CV_NET_NFT_H
#define CV_NET_NFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "04-network/addr.h"
#include "common/err.h"

#define CV_NFT_TABLE "containerv"

/* A bridge's subnets, masqueraded on their way out. */
struct cv_nft_subnet {
	struct cv_cidr v4;
	struct cv_cidr v6; /* family 0: none */
};

/* One published port: host side -> container side. */
struct cv_nft_fwd {
	int proto;           /* IPPROTO_TCP or IPPROTO_UDP */
	struct cv_cidr host; /* a host address (/32, /128), or family 0: any */
	uint16_t host_port;
	struct cv_cidr ctr; /* the container's address; its family picks the maps */
	uint16_t port;
};

/*
 * cv_nft_rebuild - replace the whole table with one built from the lists,
 * in one transaction (`add table; delete table; table inet containerv
 * {...}`); with no subnets, delete the table (not an error when it is
 * not there).  The text that was run is traced.  0 or -errno, with
 * libnftables' own message in err.
 */
int cv_nft_rebuild(const struct cv_nft_subnet *subnets, int n_subnets,
		   const struct cv_nft_fwd *fwds, int n_fwds, struct cv_err *err);

/*
 * cv_nft_ports - add (add true) or delete the map elements of fwds, in one
 * transaction.  The table must exist to add (-ENOENT); adding a port that
 * maps elsewhere is -EEXIST.  Deleting is forgiving, for what a crash
 * left half made: an element that is not there, or that maps the port to
 * another container now, is left alone, and with no table there is
 * nothing to delete.  0 or -errno.
 */
int cv_nft_ports(bool add, const struct cv_nft_fwd *fwds, int n, struct cv_err *err);

/*
 * cv_nft_table_text - the table as cv_nft_rebuild() would write it, into
 * buf (without running anything): for unit tests and the walkthrough.
 * It is laid out as `nft list` prints it, so the two compare equal (with
 * each map's elements in one order).  Returns the length, -ENOSPC, or
 * -EINVAL for a forward neither TCP nor UDP, or whose host address is
 * not of its container's family.
 */
int cv_nft_table_text(const struct cv_nft_subnet *subnets, int n_subnets,
		      const struct cv_nft_fwd *fwds, int n_fwds, char *buf, size_t size);

/*
 * cv_nft_list - `nft list table inet containerv` into buf; "" when there
 * is none.  Returns the length, or -errno (-ENOSPC when it does not fit).
 */
int cv_nft_list(char *buf, size_t size, struct cv_err *err);

/*
 * cv_nft_diagnose - look for what silently breaks NAT: a base chain of
 * another table on the forward or postrouting hook whose policy is drop
 * (a Docker host's `filter FORWARD`).  nftables runs every base chain on
 * a hook and a drop anywhere is final, so our accept does not help.
 * Returns how many were found, each described on its own line in report
 * ("table ip filter chain FORWARD (hook forward, policy drop)"), or -errno
 * (-ENOSPC when the lines do not fit).
 */
int cv_nft_diagnose(char *report, size_t size, struct cv_err *err);

#endif
