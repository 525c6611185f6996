/*
 * link.h - links, addresses and routes over netlink (libnl-route-3).
 *
 * `ip link`, `ip addr` and `ip route` are front ends to rtnetlink: a
 * socket of family AF_NETLINK on which the process sends RTM_NEWLINK,
 * RTM_NEWADDR, RTM_NEWROUTE... and reads the kernel's answer.  The socket
 * belongs to the network namespace its creator was in when it was
 * opened, so every function here acts on the caller's current network
 * namespace, except cv_link_in_netns(), which enters another one for the
 * length of a call.  Each message is narrated by the trace.
 *
 * Privilege: CAP_NET_ADMIN over the user namespace that owns the network
 * namespace acted on - root in a user namespace of one's own will do for
 * a network namespace it made (the rootless way).
 */
#ifndef CV_NET_LINK_H
#define CV_NET_LINK_H

#include <net/if.h>
#include <stdbool.h>
#include <sys/types.h>

#include "04-network/addr.h"
#include "common/err.h"

/*
 * cv_link_name_check - a name the kernel accepts for a link: 1 to 15
 * bytes (IFNAMSIZ-1), no '/', ':', or whitespace, not "." or "..".
 * -EINVAL naming `what` ("--bridge") and the name, with the limit.
 */
int cv_link_name_check(const char *name, const char *what, struct cv_err *err);

/* cv_link_exists - 1 when a link of that name exists here, 0 when not, -errno. */
int cv_link_exists(const char *name, struct cv_err *err);

/*
 * cv_link_bridge_up - make sure bridge `name` exists and is up, with the
 * addresses gw4 and gw6 (interface addresses: 10.77.0.1/24) on it; create
 * what is missing, leave what is there.  Also writes the sysctls a bridge
 * with NAT needs, in the current network namespace: net.ipv4.ip_forward,
 * and net.ipv4.conf.NAME.route_localnet (so 127.0.0.1:PORT may be NATed
 * to a container); with gw6, net.ipv6.conf.all.forwarding and
 * net.ipv6.conf.NAME.accept_dad=0 (the gateway answers at once).  gw6
 * may be NULL.  -EEXIST when a link of that name is not a bridge.
 * Returns 1 when the bridge was created, 0 when it existed, -errno.
 */
int cv_link_bridge_up(const char *name, const struct cv_cidr *gw4, const struct cv_cidr *gw6,
		      struct cv_err *err);

/*
 * cv_link_veth_add - a veth pair: `host` here, enslaved to `bridge` and
 * up; its peer created in the network namespace netns_fd (an open
 * /proc/PID/ns/net) under the name `peer` ("eth0"), down.  One request:
 * nothing is left when it fails.  -EEXIST naming `host` when that link
 * exists (or `peer` does, over there); -ENODEV when `bridge` does not.
 */
int cv_link_veth_add(const char *host, const char *bridge, int netns_fd, const char *peer,
		     struct cv_err *err);

/* cv_link_up - set link `name` (here) up: `ip link set NAME up`. */
int cv_link_up(const char *name, struct cv_err *err);

/*
 * cv_link_delete - delete link `name` here (a veth takes its peer with
 * it).  A link that is not there is not an error: returns 0 when it was
 * deleted, 1 when there was none, -errno.
 */
int cv_link_delete(const char *name, struct cv_err *err);

/*
 * cv_link_configure - in the current namespace: bring `lo` up, bring
 * `ifname` up with addr4 (and addr6 when not NULL; interface addresses),
 * and add the default routes via gw4 and gw6 (either may be NULL: no
 * route; gw6 is used only with addr6).  The container's side.
 * IPv6 duplicate address detection is turned off on ifname first, so the
 * address is usable at once.
 */
int cv_link_configure(const char *ifname, const struct cv_cidr *addr4, const struct cv_cidr *gw4,
		      const struct cv_cidr *addr6, const struct cv_cidr *gw6, struct cv_err *err);

/*
 * cv_link_in_netns - run fn(arg, err) with the calling thread in the
 * network namespace netns_fd, then come back (setns(2) both ways; the
 * caller must be single-threaded or accept that only this thread moves).
 * Returns fn's result; -errno when the namespace could not be entered or
 * left (leaving failing is fatal to the caller's sense of place: the
 * error says so).
 */
int cv_link_in_netns(int netns_fd, int (*fn)(void *arg, struct cv_err *err), void *arg,
		     struct cv_err *err);

/*
 * cv_link_route_overlap - look at the routes of subnet's family in the
 * current namespace for one whose destination overlaps subnet, other
 * than those through link `except` (the bridge itself, when it exists;
 * NULL: none).  Returns 1 with the route described in `what`
 * ("10.77.0.0/16 dev eth1"), 0 when none overlaps, -errno.  The default
 * route (0.0.0.0/0) and the local table (the namespace's own addresses)
 * are not counted.
 */
int cv_link_route_overlap(const struct cv_cidr *subnet, const char *except, char *what, size_t size,
			  struct cv_err *err);

#endif
