/*
 * addr.h - IPv4 and IPv6 addresses and subnets, as text and as numbers.
 *
 * A subnet is an address and a prefix length: 10.77.0.0/24 is the 256
 * addresses whose first 24 bits are those of 10.77.0.0.  The first (the
 * network) and, for IPv4, the last (broadcast) are not given to hosts;
 * the bridge takes the first host address (.1) and is every container's
 * gateway.  Each IPv4 subnet has an IPv6 twin, a unique local (RFC 4193)
 * /64 named after it: fd63:7663:AABB:CCDD::/64 for AA.BB.CC.DD/N, so a
 * container at 10.77.0.5 is also at fd63:7663:a4d::5.  Pure code: no
 * system call, tested by tests/unit/test_network.c.
 */
#ifndef CV_NET_ADDR_H
#define CV_NET_ADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"

/* Room for any address as text, with its "/prefix". */
#define CV_ADDR_TEXT_MAX 64

struct cv_cidr {
	int family; /* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
	int prefix; /* 0..32 or 0..128 */
};

/*
 * cv_cidr_parse - "10.77.0.0/24" or "fd00::/64" into *out.  An address
 * without "/N" is a host (/32, /128).  Host bits set ("10.77.0.5/24") are
 * refused, naming the network address meant, unless allow_host is true
 * (an interface's address: 10.77.0.1/24).  0, or -EINVAL naming `what`
 * (an option or field: "--subnet") and the text, with a hint.
 */
int cv_cidr_parse(const char *text, bool allow_host, const char *what, struct cv_cidr *out,
		  struct cv_err *err);

/* cv_cidr_format - "10.77.0.0/24" into buf (CV_ADDR_TEXT_MAX); returns buf. */
const char *cv_cidr_format(const struct cv_cidr *c, char *buf, size_t size);

/* cv_addr_format - only the address of c, no prefix; returns buf. */
const char *cv_addr_format(const struct cv_cidr *c, char *buf, size_t size);

/* cv_cidr_overlap - true when a and b (same family) share any address. */
bool cv_cidr_overlap(const struct cv_cidr *a, const struct cv_cidr *b);

/* cv_cidr_contains - true when the host address h lies in subnet s. */
bool cv_cidr_contains(const struct cv_cidr *s, const struct cv_cidr *h);

/*
 * cv_cidr_hosts - how many host numbers an IPv4 subnet has (/24: 254; /31,
 * /32: 0).  IPv6 has no broadcast: 2^n - 1, UINT32_MAX when more.
 */
uint32_t cv_cidr_hosts(const struct cv_cidr *s);

/*
 * cv_cidr_host - the n-th host of subnet s (n from 1: .1 is the gateway),
 * as a host address (/32 or /128) in *out, or with s's prefix when
 * keep_prefix (an interface's address).  -ERANGE when s has no n-th host.
 */
int cv_cidr_host(const struct cv_cidr *s, uint32_t n, bool keep_prefix, struct cv_cidr *out);

/*
 * cv_cidr_host_number - which host of s the address h is (the inverse);
 * 0 when outside s or no host (the network, the broadcast).
 */
uint32_t cv_cidr_host_number(const struct cv_cidr *s, const struct cv_cidr *h);

/* cv_cidr_ula - the IPv6 /64 twin of an IPv4 subnet, as described above. */
void cv_cidr_ula(const struct cv_cidr *v4, struct cv_cidr *v6);

#endif
