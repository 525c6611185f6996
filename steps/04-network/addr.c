/*
 * addr.c - addresses and subnets as the kernel sees them (see addr.h).
 *
 * On the wire, and in every netlink message and nft set, an address is
 * its bytes in network order: 4 for IPv4, 16 for IPv6.  A prefix length p
 * says that the first p bits name the network and the rest the host.  So
 * everything here is done on those bytes, most significant first, the
 * same way for both families: masking is clearing the bits after p,
 * "same subnet" is comparing the first p bits, and the n-th host is the
 * network plus n, carried from the last byte up.  inet_pton(3) and
 * inet_ntop(3) turn text into bytes and back; they know nothing of
 * prefixes, so "/N" is split off and parsed here.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "04-network/addr.h"

#define FORM_HINT "an address like 10.77.0.0/24 or fd00::/64"

/* The address's bytes, in network order (most significant first), for either family. */
static uint8_t *bytes(struct cv_cidr *c)
{
	return c->family == AF_INET ? (uint8_t *)&c->v4 : c->v6.s6_addr;
}

static const uint8_t *cbytes(const struct cv_cidr *c)
{
	return c->family == AF_INET ? (const uint8_t *)&c->v4 : c->v6.s6_addr;
}

static int bits_of(int family)
{
	return family == AF_INET ? 32 : 128;
}

/* Clear every bit after the first `prefix`: the network of an address. */
static void mask(struct cv_cidr *c, int prefix)
{
	uint8_t *b = bytes(c);

	for (int i = 0; i < bits_of(c->family) / 8; i++) {
		int keep = prefix - 8 * i; /* bits of this byte that are the network's */
		if (keep <= 0)
			b[i] = 0;
		else if (keep < 8)
			b[i] &= (uint8_t)(0xff << (8 - keep));
	}
}

/* Whether the first `prefix` bits of a and b (same family) are equal. */
static bool same_prefix(const struct cv_cidr *a, const struct cv_cidr *b, int prefix)
{
	struct cv_cidr x = *a, y = *b;

	mask(&x, prefix);
	mask(&y, prefix);
	return !memcmp(cbytes(&x), cbytes(&y), (size_t)bits_of(a->family) / 8);
}

/* "24" -> 24, within 0..max; -1 for anything else ("", "+3", "24x", "033" is 33). */
static int parse_prefix(const char *s, int max)
{
	int n = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || (n = n * 10 + (*s - '0')) > max)
			return -1;
	}
	return n;
}

int cv_cidr_parse(const char *text, bool allow_host, const char *what, struct cv_cidr *out,
		  struct cv_err *err)
{
	char addr[INET6_ADDRSTRLEN], net[CV_ADDR_TEXT_MAX];
	const char *slash;
	size_t len;
	struct cv_cidr c = {0};

	if (!text || !*text) {
		cv_err_set(err, EINVAL, "%s: an empty address", what);
		return cv_err_hint(err, "give %s", FORM_HINT);
	}
	/* only IPv6 text has colons: the family is known before parsing */
	slash = strchr(text, '/');
	len = slash ? (size_t)(slash - text) : strlen(text);
	c.family = memchr(text, ':', len) ? AF_INET6 : AF_INET;
	snprintf(addr, sizeof(addr), "%.*s", (int)len, text);
	if (len >= sizeof(addr) || inet_pton(c.family, addr, bytes(&c)) != 1) {
		cv_err_set(err, EINVAL, "%s %s: `%.*s` is not an %s address", what, text, (int)len,
			   text, c.family == AF_INET ? "IPv4" : "IPv6");
		return cv_err_hint(err, "give %s", FORM_HINT);
	}
	c.prefix = slash ? parse_prefix(slash + 1, bits_of(c.family)) : bits_of(c.family);
	if (c.prefix < 0) {
		cv_err_set(err, EINVAL, "%s %s: the prefix length `%s` is not a number in 0..%d",
			   what, text, slash + 1, bits_of(c.family));
		return cv_err_hint(err, "give %s", FORM_HINT);
	}
	/*
	 * "10.77.0.5/24" as a subnet is a typo or a misunderstanding: taken
	 * as 10.77.0.0/24, the bridge would not be at the .1 the user thinks
	 * of.  Refused, with the network meant in the hint.
	 */
	if (!allow_host) {
		struct cv_cidr n = c;
		mask(&n, n.prefix);
		if (memcmp(cbytes(&n), cbytes(&c), (size_t)bits_of(c.family) / 8)) {
			cv_err_set(err, EINVAL, "%s %s: host bits are set", what, text);
			return cv_err_hint(err, "the network is %s",
					   cv_cidr_format(&n, net, sizeof(net)));
		}
	}
	*out = c;
	return 0;
}

/* inet_ntop writes RFC 5952's form (lower case, the longest zero run as ::), as `ip` prints. */
const char *cv_addr_format(const struct cv_cidr *c, char *buf, size_t size)
{
	if (!inet_ntop(c->family, cbytes(c), buf, (socklen_t)size))
		snprintf(buf, size, "?");
	return buf;
}

const char *cv_cidr_format(const struct cv_cidr *c, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];

	snprintf(buf, size, "%s/%d", cv_addr_format(c, a, sizeof(a)), c->prefix);
	return buf;
}

/*
 * Two subnets overlap when the shorter prefix's network holds the other.
 * A bridge's subnet must overlap no route of the host's (link.h): the
 * kernel would send that traffic to the containers, or theirs away.
 */
bool cv_cidr_overlap(const struct cv_cidr *a, const struct cv_cidr *b)
{
	if (a->family != b->family)
		return false;
	return same_prefix(a, b, a->prefix < b->prefix ? a->prefix : b->prefix);
}

bool cv_cidr_contains(const struct cv_cidr *s, const struct cv_cidr *h)
{
	return s->family == h->family && same_prefix(s, h, s->prefix);
}

/*
 * IPv4 loses two numbers (the network, the broadcast) and a /31 or /32
 * has none left for a host and a gateway; IPv6 has no broadcast, so a
 * /64 has 2^64 - 1 hosts: more than a uint32_t counts, and UINT32_MAX
 * stands for "plenty".
 */
uint32_t cv_cidr_hosts(const struct cv_cidr *s)
{
	int host_bits = bits_of(s->family) - s->prefix;

	if (s->family == AF_INET)
		return s->prefix >= 31 ? 0 : (uint32_t)((1ULL << host_bits) - 2);
	return host_bits >= 32 ? UINT32_MAX : (uint32_t)((1ULL << host_bits) - 1);
}

int cv_cidr_host(const struct cv_cidr *s, uint32_t n, bool keep_prefix, struct cv_cidr *out)
{
	struct cv_cidr h = *s;
	uint8_t *b = bytes(&h);
	uint64_t carry = n;

	if (n == 0 || n > cv_cidr_hosts(s))
		return -ERANGE;
	mask(&h, h.prefix);
	/* network + n, from the last byte up; n fits in the host bits (checked above) */
	for (int i = bits_of(h.family) / 8 - 1; i >= 0 && carry; i--) {
		carry += b[i];
		b[i] = (uint8_t)carry;
		carry >>= 8;
	}
	h.prefix = keep_prefix ? s->prefix : bits_of(s->family);
	*out = h;
	return 0;
}

/* The host bits of h as a number; 0 for the network, the broadcast and beyond 32 bits. */
uint32_t cv_cidr_host_number(const struct cv_cidr *s, const struct cv_cidr *h)
{
	struct cv_cidr net = *h;
	const uint8_t *b = cbytes(h), *nb = cbytes(&net);
	int nbytes = bits_of(h->family) / 8;
	uint64_t n = 0;

	if (!cv_cidr_contains(s, h))
		return 0;
	mask(&net, s->prefix);
	for (int i = 0; i < nbytes; i++) {
		uint8_t host = b[i] ^ nb[i]; /* this byte's host bits */
		if (i < nbytes - 4 && host)
			return 0; /* a host bit above the lowest 32: no uint32_t numbers it */
		if (i >= nbytes - 4)
			n = n << 8 | host;
	}
	return n <= cv_cidr_hosts(s) ? (uint32_t)n : 0;
}

/*
 * RFC 4193 gives fd00::/8 to any site, followed by a 40-bit global ID it
 * wants random (two sites that merge rarely clash) and a 16-bit subnet
 * ID.  Here the ID is fixed instead - 63 76 63, "cvc" in ASCII, then the
 * IPv4 network's 32 bits - so that the twin of a subnet is computed from
 * the subnet alone, each bridge's /64 is distinct, and a container's IPv6
 * host part is the host number of its IPv4 address.
 */
void cv_cidr_ula(const struct cv_cidr *v4, struct cv_cidr *v6)
{
	struct cv_cidr net = *v4;
	static const uint8_t head[4] = {0xfd, 0x63, 0x76, 0x63};

	mask(&net, net.prefix);
	memset(v6, 0, sizeof(*v6));
	v6->family = AF_INET6;
	memcpy(v6->v6.s6_addr, head, sizeof(head));
	memcpy(v6->v6.s6_addr + 4, &net.v4, 4);
	v6->prefix = 64;
}
