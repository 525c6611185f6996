/*
 * netlink.h - the plumbing of link.c's rtnetlink requests (libnl-route-3).
 *
 * Cleanup functions for libnl's objects, as common/cleanup.h's are for
 * fds, and the three calls every request uses: open a socket, build an
 * address, and end the request (trace, errno, message).
 */
#ifndef CV_NET_NETLINK_H
#define CV_NET_NETLINK_H

#include <stdbool.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include "04-network/addr.h"
#include "common/err.h"

/* clang-format off */
#define NL_CLEANUP(name, type, put) static inline void name(type **p) { if (*p) put(*p); }
NL_CLEANUP(sockp, struct nl_sock, nl_socket_free)     /* closes the socket too */
NL_CLEANUP(linkp, struct rtnl_link, rtnl_link_put)    /* a veth's takes its peer */
NL_CLEANUP(addrp, struct rtnl_addr, rtnl_addr_put)
NL_CLEANUP(routep, struct rtnl_route, rtnl_route_put) /* and its next hops */
NL_CLEANUP(nladdrp, struct nl_addr, nl_addr_put)
NL_CLEANUP(cachep, struct nl_cache, nl_cache_free)

/* clang-format on */

/*
 * cv_nl_done - the end of every request: trace it and, when ret is a
 * libnl error other than `expected` (an errno: ENODEV from a lookup,
 * where it is an answer; 0: none), fill *err with the request (fmt),
 * libnl's text and, for EPERM, a hint.  Returns 0 or -errno (-expected
 * too, without touching *err).
 */
int cv_nl_done(int ret, int expected, struct cv_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* cv_nl_open - a NETLINK_ROUTE socket in *sk (the caller frees it), in the thread's namespace now. */
int cv_nl_open(struct nl_sock **sk, struct cv_err *err);

/* cv_nl_address - c as a libnl address, with its prefix or as one host; NULL without memory. */
struct nl_addr *cv_nl_address(const struct cv_cidr *c, bool prefix);

#endif
