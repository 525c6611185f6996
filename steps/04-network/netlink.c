/*
 * netlink.c - what every rtnetlink request of step 04 shares.
 *
 * libnl-route-3 returns its own error codes (-NLE_EXIST), not errnos, and
 * says nothing unless asked.  Every request of link.c ends in
 * cv_nl_done(), which narrates it for --explain, turns libnl's code into
 * the errno the kernel sent (nl_syserr2nlerr() went the other way), and
 * names the request and libnl's text in the error: one place where a
 * netlink answer becomes what a user reads.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "04-network/netlink.h"
#include "common/trace.h"

/* clang-format off */
static const int nl_errnos[NLE_MAX + 1] = {
	[NLE_EXIST] = EEXIST, [NLE_OBJ_NOTFOUND] = ENODEV, [NLE_NODEV] = ENODEV,
	[NLE_PERM] = EPERM, [NLE_NOACCESS] = EACCES, [NLE_INVAL] = EINVAL, [NLE_BUSY] = EBUSY,
	[NLE_RANGE] = ERANGE, [NLE_NOMEM] = ENOMEM, [NLE_OPNOTSUPP] = EOPNOTSUPP,
	[NLE_AF_NOSUPPORT] = EAFNOSUPPORT, [NLE_NOADDR] = EADDRNOTAVAIL,
};
/* clang-format on */

static int nl_errno(int nlerr)
{
	return nlerr < 0 && -nlerr <= NLE_MAX && nl_errnos[-nlerr] ? nl_errnos[-nlerr] : EIO;
}

/*
 * The end of every request: trace it and, when it failed with another errno
 * than `expected` (ENODEV from a lookup, where it is an answer; 0: none),
 * fill *err with the request, libnl's text and a hint.  0 or -errno.
 */
int cv_nl_done(int ret, int expected, struct cv_err *err, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	errno = ret < 0 ? nl_errno(ret) : 0;
	cv_trace_sys(ret, "%s", what);
	if (ret >= 0 || errno == expected)
		return -errno;
	cv_err_set(err, errno, "%s: %s", what, nl_geterror(ret));
	if (err->code == EPERM)
		cv_err_hint(err, "this needs CAP_NET_ADMIN over the network namespace: run as "
				 "root, or rootless with --rootless");
	return -err->code;
}

/* A NETLINK_ROUTE socket in *sk, which the caller frees, in the thread's namespace now. */
int cv_nl_open(struct nl_sock **sk, struct cv_err *err)
{
	if (!(*sk = nl_socket_alloc()))
		return cv_err_set(err, ENOMEM, "nl_socket_alloc(): out of memory");
	return cv_nl_done(nl_connect(*sk, NETLINK_ROUTE), 0, err,
			  "socket(AF_NETLINK, NETLINK_ROUTE)");
}

/* c as a libnl address, with its prefix or as one host (&c->v6: the union's start). */
struct nl_addr *cv_nl_address(const struct cv_cidr *c, bool prefix)
{
	struct nl_addr *a = nl_addr_build(c->family, &c->v6, c->family == AF_INET ? 4 : 16);

	if (a && prefix)
		nl_addr_set_prefixlen(a, c->prefix);
	return a;
}
