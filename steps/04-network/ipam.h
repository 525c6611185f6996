/*
 * ipam.h - who has which address: one file per address, as CNI's host-local.
 *
 * A network's addresses are files in its directory:
 *
 *   DIR/ipam/lock                 flock(2)ed while an address is chosen
 *   DIR/ipam/10.77.0.2            "OWNER\n": the container that has it
 *   DIR/ipam/last_reserved_ip.0   where the last search ended
 *
 * An address is taken by creating its file with O_CREAT|O_EXCL, which
 * only one process can win, under the lock, so two searches never
 * collide and a crash leaves at worst a file naming a dead owner, which
 * `ls` shows and `gc` removes.  The gateway (host 1) is never given out.
 */
#ifndef CV_NET_IPAM_H
#define CV_NET_IPAM_H

#include <stddef.h>

#include "04-network/addr.h"
#include "common/err.h"

/* Longest owner (a container's id or name) an address file holds. */
#define CV_IPAM_OWNER_MAX 128

/*
 * cv_ipam_take - give owner an address of subnet (IPv4), the next free
 * one after the last given out, or exactly `want` (a host address) when
 * not NULL.  Creates DIR/ipam as needed.  The address, with the subnet's
 * prefix, in *out.  An owner that already has an address gets it again
 * (taking is idempotent), or -EEXIST when it wants another.  -EADDRINUSE
 * naming the owner when `want` is someone else's; -EINVAL when want is
 * outside subnet, the network, the gateway or the broadcast address;
 * -ENOSPC when the subnet is full.
 */
int cv_ipam_take(const char *dir, const struct cv_cidr *subnet, const struct cv_cidr *want,
		 const char *owner, struct cv_cidr *out, struct cv_err *err);

/*
 * cv_ipam_release - remove every address file of owner under the lock.
 * Returns how many were removed (0 when none: releasing twice is fine),
 * or -errno.
 */
int cv_ipam_release(const char *dir, const char *owner, struct cv_err *err);

/*
 * cv_ipam_each - call fn for each address given out (in address order),
 * with its owner; stops at fn's first non-zero return and returns it.
 * A missing DIR/ipam is an empty list.  -errno on a read error.
 */
int cv_ipam_each(const char *dir, int (*fn)(const char *addr, const char *owner, void *arg),
		 void *arg, struct cv_err *err);

#endif
