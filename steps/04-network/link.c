/*
 * link.c - the bridge, the veth pairs, addresses and routes (see link.h).
 *
 * rtnetlink is a request and an answer over a socket: RTM_NEWLINK with a
 * struct ifinfomsg and attributes (IFLA_IFNAME "cv0", IFLA_LINKINFO
 * {kind "bridge"}), and the kernel answers with an ack or an errno.
 * libnl-route-3 builds those messages from objects - rtnl_link,
 * rtnl_addr, rtnl_route - so this file sets an object's fields and sends
 * it; its functions return libnl's own codes (-NLE_EXIST), turned here
 * into errnos.  Every request is traced, and named in its error, by its
 * message type and what it asks: RTM_NEWADDR 10.77.0.1/24 dev cv0.
 *
 * A container's link is a veth pair, two ends of one cable.  One request
 * makes it whole: the host end named, enslaved to the bridge (IFLA_MASTER)
 * and up, the peer named "eth0" and created straight in the container's
 * namespace (IFLA_NET_NS_FD inside VETH_INFO_PEER).  The kernel applies
 * all of it or, when any part fails, unregisters both ends before it
 * answers: there is never half a pair to clean up, and the peer never
 * shows up in the host's namespace, even for a moment.
 *
 * Addresses and routes of the container are set from inside its
 * namespace (cv_link_in_netns), where the peer has become its eth0.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "04-network/link.h"
#include "04-network/netlink.h"
#include "common/cleanup.h"
#include "common/file.h"
#include "common/trace.h"

int cv_link_name_check(const char *name, const char *what, struct cv_err *err)
{
	size_t len = strlen(name);

	/* the kernel's dev_valid_name(): a name is a directory in /sys/class/net,
	 * and ':' once marked an alias (eth0:1) */
	if (len == 0 || len >= IFNAMSIZ || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
	    strpbrk(name, "/: \t\n\r\v\f"))
		return cv_err_set(err, EINVAL,
				  "%s \"%s\" (%zu bytes): a link name is 1 to %d bytes "
				  "(IFNAMSIZ-1), not . or .., no '/', ':' or space",
				  what, name, len, IFNAMSIZ - 1);
	return 0;
}

/* RTM_GETLINK by name: 1 with *out set, 0 when there is none, -errno. */
static int get_link(struct nl_sock *sk, const char *name, struct rtnl_link **out,
		    struct cv_err *err)
{
	int r = rtnl_link_get_kernel(sk, 0, name, out);

	r = cv_nl_done(r, ENODEV, err, "RTM_GETLINK \"%s\"", name);
	return r == -ENODEV ? 0 : r < 0 ? r : 1;
}

int cv_link_exists(const char *name, struct cv_err *err)
{
	_cleanup_(sockp) struct nl_sock *sk = NULL;
	_cleanup_(linkp) struct rtnl_link *link = NULL;

	return cv_nl_open(&sk, err) < 0 ? -err->code : get_link(sk, name, &link, err);
}

/* RTM_NEWADDR c on link ifindex; an address already there is fine (EEXIST). */
static int add_addr(struct nl_sock *sk, int ifindex, const char *ifname, const struct cv_cidr *c,
		    struct cv_err *err)
{
	_cleanup_(addrp) struct rtnl_addr *a = rtnl_addr_alloc();
	_cleanup_(nladdrp) struct nl_addr *local = cv_nl_address(c, true);
	char buf[CV_ADDR_TEXT_MAX];
	int r = -NLE_NOMEM;

	if (a && local) {
		rtnl_addr_set_ifindex(a, ifindex);
		rtnl_addr_set_local(a, local); /* takes its own reference */
		r = rtnl_addr_add(sk, a, NLM_F_CREATE | NLM_F_EXCL);
	}
	r = cv_nl_done(r, EEXIST, err, "RTM_NEWADDR %s dev %s",
		       nl_addr2str(local, buf, sizeof(buf)), ifname);
	return r == -EEXIST ? 0 : r;
}

/*
 * RTM_NEWLINK, IFF_UP: on link `old` (`ip link set NAME up`), or, old
 * NULL, a new bridge NAME, up at birth - the kernel applies a new link's
 * ifi_flags before it answers.
 */
static int link_up(struct nl_sock *sk, struct rtnl_link *old, const char *name, struct cv_err *err)
{
	_cleanup_(linkp) struct rtnl_link *l = old ? rtnl_link_alloc() : rtnl_link_bridge_alloc();
	int r = -NLE_NOMEM;

	if (l) {
		rtnl_link_set_flags(l, IFF_UP);
		rtnl_link_set_name(l, name); /* no rename: libnl drops an unchanged name */
		r = old ? rtnl_link_change(sk, old, l, 0)
			: rtnl_link_add(sk, l, NLM_F_CREATE | NLM_F_EXCL);
	}
	return cv_nl_done(r, 0, err, "RTM_NEWLINK %s\"%s\" up", old ? "" : "bridge ", name);
}

int cv_link_up(const char *name, struct cv_err *err)
{
	_cleanup_(sockp) struct nl_sock *sk = NULL;
	_cleanup_(linkp) struct rtnl_link *link = NULL;
	int r;

	if ((r = cv_nl_open(&sk, err)) < 0 || (r = get_link(sk, name, &link, err)) < 0)
		return r;
	return r ? link_up(sk, link, name, err)
		 : cv_err_set(err, ENODEV, "no link \"%s\" here", name);
}

int cv_link_bridge_up(const char *name, const struct cv_cidr *gw4, const struct cv_cidr *gw6,
		      struct cv_err *err)
{
	_cleanup_(sockp) struct nl_sock *sk = NULL;
	_cleanup_(linkp) struct rtnl_link *br = NULL;
	char localnet[96], dad[96];
	const char *type;
	int r, created = 0;

	if ((r = cv_link_name_check(name, "bridge", err)) < 0 || (r = cv_nl_open(&sk, err)) < 0 ||
	    (r = get_link(sk, name, &br, err)) < 0)
		return r;
	if (r == 0) {
		/* EEXIST: another process made it since our look; it is used as found */
		if ((r = link_up(sk, NULL, name, err)) < 0 && r != -EEXIST)
			return r;
		created = r == 0;
		if ((r = get_link(sk, name, &br, err)) <= 0)
			return r < 0 ? r : cv_err_set(err, ENODEV, "bridge \"%s\" vanished", name);
	}
	type = rtnl_link_get_type(br);
	if (!type || strcmp(type, "bridge") != 0)
		return cv_err_set(err, EEXIST, "link \"%s\" exists and is not a bridge (it is %s)",
				  name, type ? type : "a device");
	if ((rtnl_link_get_flags(br) & IFF_UP) == 0 && (r = link_up(sk, br, name, err)) < 0)
		return r;
	/*
	 * ip_forward lets packets cross from the bridge to the other links.
	 * IPv6 forwarding only with an IPv6 gateway: it also makes every link
	 * of the namespace ignore router advertisements (accept_ra=1 means
	 * "unless forwarding").  Duplicate address detection would keep the
	 * gateway's IPv6 address "tentative", unanswering, for a second after
	 * the first port comes up: off, before the address is added (IPAM
	 * keeps it unique).  route_localnet lets 127.0.0.1 be DNATed out
	 * through the bridge.
	 */
	snprintf(localnet, sizeof(localnet), "net/ipv4/conf/%s/route_localnet", name);
	snprintf(dad, sizeof(dad), "net/ipv6/conf/%s/accept_dad", name);
	if ((r = cv_sysctl_write("net/ipv4/ip_forward", "1", err)) < 0 ||
	    (gw6 && (r = cv_sysctl_write("net/ipv6/conf/all/forwarding", "1", err)) < 0) ||
	    (gw6 && (r = cv_sysctl_write(dad, "0", err)) < 0) ||
	    (r = cv_sysctl_write(localnet, "1", err)) < 0 ||
	    (r = add_addr(sk, rtnl_link_get_ifindex(br), name, gw4, err)) < 0 ||
	    (gw6 && (r = add_addr(sk, rtnl_link_get_ifindex(br), name, gw6, err)) < 0))
		return r;
	return created;
}

/*
 * A bridge never sends a frame back out of the port it came in on - unless
 * the port is in hairpin mode.  A container that reaches its own published
 * port (10.77.0.1:8080 -> DNAT -> itself) needs exactly that, when bridge
 * netfilter sends bridged traffic through the nat hooks (this machine's
 * bridge-nf-call-iptables=1).  RTM_SETLINK of family AF_BRIDGE with
 * IFLA_PROTINFO { IFLA_BRPORT_MODE 1 }, as `bridge link set dev X hairpin
 * on` sends it: libnl's link objects cannot change a port's family.
 */
static int hairpin_on(struct nl_sock *sk, const char *port, struct cv_err *err)
{
	struct ifinfomsg ifi = {.ifi_family = AF_BRIDGE, .ifi_index = (int)if_nametoindex(port)};
	struct nl_msg *m = nlmsg_alloc_simple(RTM_SETLINK, 0);
	struct nlattr *info;
	int r = -NLE_NOMEM;

	if (m && nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) == 0 &&
	    (info = nla_nest_start(m, IFLA_PROTINFO | NLA_F_NESTED)) &&
	    nla_put_u8(m, IFLA_BRPORT_MODE, 1) == 0 && nla_nest_end(m, info) == 0)
		r = nl_send_sync(sk, m); /* frees m */
	else
		nlmsg_free(m);
	return cv_nl_done(r, 0, err, "RTM_SETLINK AF_BRIDGE \"%s\" hairpin on", port);
}

int cv_link_veth_add(const char *host, const char *bridge, int netns_fd, const char *peer,
		     struct cv_err *err)
{
	_cleanup_(sockp) struct nl_sock *sk = NULL;
	_cleanup_(linkp) struct rtnl_link *br = NULL, *veth = NULL, *end = NULL;
	int r;

	if ((r = cv_link_name_check(host, "veth", err)) < 0 ||
	    (r = cv_link_name_check(peer, "veth peer", err)) < 0 ||
	    (r = cv_nl_open(&sk, err)) < 0 || (r = get_link(sk, bridge, &br, err)) <= 0)
		return r < 0 ? r : cv_err_set(err, ENODEV, "no bridge \"%s\"", bridge);
	if (!(veth = rtnl_link_veth_alloc()) || !(end = rtnl_link_veth_get_peer(veth)))
		return cv_err_set(err, ENOMEM, "rtnl_link_veth_alloc(): out of memory");
	rtnl_link_set_name(veth, host);
	rtnl_link_set_master(veth, rtnl_link_get_ifindex(br));
	rtnl_link_set_flags(veth, IFF_UP);
	rtnl_link_set_name(end, peer);
	rtnl_link_set_ns_fd(end, netns_fd);
	/* one request, all or nothing: see the top of this file */
	if ((r = cv_nl_done(rtnl_link_add(sk, veth, NLM_F_CREATE | NLM_F_EXCL), 0, err,
			    "RTM_NEWLINK veth \"%s\" master %s up, peer \"%s\" in netns fd %d",
			    host, bridge, peer, netns_fd)) < 0)
		return r;
	if ((r = hairpin_on(sk, host, err)) < 0)
		cv_link_delete(host, &(struct cv_err){0});
	return r;
}

int cv_link_delete(const char *name, struct cv_err *err)
{
	_cleanup_(sockp) struct nl_sock *sk = NULL;
	_cleanup_(linkp) struct rtnl_link *link = rtnl_link_alloc();
	int r;

	if (!link)
		return cv_err_set(err, ENOMEM, "rtnl_link_alloc(): out of memory");
	if ((r = cv_nl_open(&sk, err)) < 0)
		return r;
	rtnl_link_set_name(link, name); /* RTM_DELLINK by IFLA_IFNAME: no lookup first */
	r = cv_nl_done(rtnl_link_delete(sk, link), ENODEV, err, "RTM_DELLINK \"%s\"", name);
	return r == -ENODEV ? 1 : r;
}

/* RTM_NEWROUTE `default via GW dev IFNAME`: 0.0.0.0/0 (or ::/0), one next hop. */
static int add_default(struct nl_sock *sk, int ifindex, const char *ifname,
		       const struct cv_cidr *gw, struct cv_err *err)
{
	const struct cv_cidr any = {.family = gw->family, .prefix = 0};
	_cleanup_(routep) struct rtnl_route *rt = rtnl_route_alloc();
	_cleanup_(nladdrp) struct nl_addr *via = cv_nl_address(gw, false),
					  *dst = cv_nl_address(&any, true);
	struct rtnl_nexthop *nh = rt && via && dst ? rtnl_route_nh_alloc() : NULL;
	char buf[CV_ADDR_TEXT_MAX];
	int r = -NLE_NOMEM;

	if (nh) {
		rtnl_route_set_dst(rt, dst);
		rtnl_route_nh_set_gateway(nh, via);
		rtnl_route_nh_set_ifindex(nh, ifindex);
		rtnl_route_add_nexthop(rt, nh); /* the route owns it now */
		r = rtnl_route_add(sk, rt, NLM_F_CREATE | NLM_F_EXCL);
	}
	return cv_nl_done(r, 0, err, "RTM_NEWROUTE default via %s dev %s",
			  nl_addr2str(via, buf, sizeof(buf)), ifname);
}

int cv_link_configure(const char *ifname, const struct cv_cidr *addr4, const struct cv_cidr *gw4,
		      const struct cv_cidr *addr6, const struct cv_cidr *gw6, struct cv_err *err)
{
	_cleanup_(sockp) struct nl_sock *sk = NULL;
	_cleanup_(linkp) struct rtnl_link *link = NULL;
	char dad[96];
	int r, i;

	/* a new namespace has lo down: 127.0.0.1 answers nothing until it is up */
	if ((r = cv_link_up("lo", err)) < 0 || (r = cv_nl_open(&sk, err)) < 0 ||
	    (r = get_link(sk, ifname, &link, err)) <= 0)
		return r < 0 ? r : cv_err_set(err, ENODEV, "no link \"%s\" here", ifname);
	i = rtnl_link_get_ifindex(link);
	/* Duplicate address detection would hold the address "tentative" for
	 * about a second, and the route via gw6 would fail meanwhile: off
	 * before the address is added.  The bridge's IPAM makes it unique. */
	snprintf(dad, sizeof(dad), "net/ipv6/conf/%s/accept_dad", ifname);
	if ((addr6 && (r = cv_sysctl_write(dad, "0", err)) < 0) ||
	    (r = add_addr(sk, i, ifname, addr4, err)) < 0 ||
	    (addr6 && (r = add_addr(sk, i, ifname, addr6, err)) < 0) ||
	    (r = link_up(sk, link, ifname, err)) < 0)
		return r;
	/* after the link is up: a gateway must be reachable through an up link */
	if (gw4 && (r = add_default(sk, i, ifname, gw4, err)) < 0)
		return r;
	return addr6 && gw6 ? add_default(sk, i, ifname, gw6, err) : 0;
}

/*
 * A netlink socket belongs to the network namespace its creator was in
 * at socket(2), for its whole life: fn must open its own sockets, after
 * the setns(2) here - one opened before would still talk to the old one.
 */
int cv_link_in_netns(int netns_fd, int (*fn)(void *arg, struct cv_err *err), void *arg,
		     struct cv_err *err)
{
	_cleanup_close_ int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	int r;

	if (home < 0)
		return cv_err_sys(err, "open(`/proc/thread-self/ns/net`)");
	r = setns(netns_fd, CLONE_NEWNET);
	cv_trace_sys(r, "setns(%d, CLONE_NEWNET)", netns_fd);
	if (r < 0)
		return cv_err_sys(err, "setns(%d, CLONE_NEWNET)", netns_fd);
	r = fn(arg, err);
	if (setns(home, CLONE_NEWNET) < 0) {
		cv_err_sys(err, "setns(%d, CLONE_NEWNET) back to the caller's network namespace",
			   home);
		return cv_err_hint(err, "this thread is left in the other namespace: stop here");
	}
	cv_trace_sys(0, "setns(%d, CLONE_NEWNET) back", home);
	return r;
}

int cv_link_route_overlap(const struct cv_cidr *subnet, const char *except, char *what, size_t size,
			  struct cv_err *err)
{
	_cleanup_(sockp) struct nl_sock *sk = NULL;
	_cleanup_(cachep) struct nl_cache *routes = NULL;
	/* 0 when `except` is no link: then no route is skipped for it */
	int skip = except ? (int)if_nametoindex(except) : 0, r;
	char dst[CV_ADDR_TEXT_MAX], dev[IF_NAMESIZE];

	if ((r = cv_nl_open(&sk, err)) < 0)
		return r;
	r = rtnl_route_alloc_cache(sk, subnet->family, 0, &routes);
	if ((r = cv_nl_done(r, 0, err, "RTM_GETROUTE (dump)")) < 0)
		return r;
	for (struct nl_object *o = nl_cache_get_first(routes); o; o = nl_cache_get_next(o)) {
		struct rtnl_route *rt = (struct rtnl_route *)o;
		struct nl_addr *d = rtnl_route_get_dst(rt);
		struct rtnl_nexthop *nh = rtnl_route_nexthop_n(rt, 0); /* NULL: none */
		int out = nh ? rtnl_route_nh_get_ifindex(nh) : 0;
		struct cv_cidr c = {.family = subnet->family,
				    .prefix = d ? nl_addr_get_prefixlen(d) : 0};

		/* the local table holds the namespace's own addresses, not subnets */
		if (c.prefix == 0 || rtnl_route_get_table(rt) == RT_TABLE_LOCAL ||
		    (skip && out == skip) || nl_addr_get_len(d) > sizeof(c.v6))
			continue;
		memcpy(&c.v6, nl_addr_get_binary_addr(d), nl_addr_get_len(d));
		if (!cv_cidr_overlap(subnet, &c))
			continue;
		snprintf(what, size, "%s dev %s", nl_addr2str(d, dst, sizeof(dst)),
			 out && if_indextoname((unsigned)out, dev) ? dev : "(none)");
		return 1;
	}
	return 0;
}
