/*
 * nft.c - NAT and published ports in one nftables table (see nft.h).
 *
 * Netfilter calls the base chains registered on a hook, in priority
 * order, for every packet that passes it.  NAT chains run only for the
 * first packet of a connection; conntrack applies their decision to every
 * later packet, both ways (replies are un-NATed without a rule).  So the
 * table has a chain on each hook where an address must change:
 *
 *   prerouting   a packet in from a link, before routing: a published
 *                port's destination is rewritten (DNAT), and routing then
 *                sends it to the bridge;
 *   output       a packet this host sends, which prerouting never sees:
 *                127.0.0.1:8080 and BRIDGE_IP:8080 from the host itself;
 *   postrouting  a packet about to leave, after routing: its source is
 *                rewritten (masquerade: to the address of its way out).
 *
 * `fib daddr type local` asks the routing table whether the destination
 * is one of this host's addresses: only those are published ports.  The
 * ports are map elements, not rules: one lookup of the port (or address
 * . port) gives the container's address . port, and publishing a port is
 * `add element`, which leaves the rules alone.
 *
 * Three kinds of traffic are masqueraded:
 *   - a container to the outside: its private subnet must not leave;
 *   - hairpin, a container to a published port that lands on its own
 *     bridge: else the reply goes straight back over the bridge, from an
 *     address the sender never wrote to.  With br_netfilter on
 *     (bridge-nf-call-iptables), a container reaching itself is bridged
 *     back out the port it came in by, which needs hairpin mode on that
 *     bridge port too (link.c);
 *   - 127.0.0.1 DNATed to a container: 127/8 leaves `lo` only with
 *     route_localnet=1 on the bridge (link.c), and the container could
 *     not answer 127.0.0.1 anyway.  IPv6 has no route_localnet: [::1]
 *     cannot be NATed out of the host at all.
 *
 * libnftables parses nft's text as `nft -f` does and sends a buffer as
 * one netlink batch, one transaction.  Its errors are text, read back.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <nftables/libnftables.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "04-network/nft.h"
#include "common/cleanup.h"
#include "common/trace.h"

#define T       "inet " CV_NFT_TABLE
#define BAD_FWD "a forward neither tcp nor udp, or with IPv4 and IPv6 mixed"

/* A buffer filled by put(); `full` once something did not fit. */
struct text {
	char *buf;
	size_t size, len;
	bool full;
};

static __attribute__((format(printf, 2, 3))) void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, t->size - t->len, fmt, ap);
	va_end(ap);
	t->full = n < 0 || (size_t)n >= t->size - t->len;
	t->len += t->full ? 0 : (size_t)n;
}

/* The address of c as text; with net, its host bits cleared and "/prefix" added. */
static const char *addr_text(const struct cv_cidr *c, bool net, char *buf, size_t size)
{
	unsigned char a[16];
	int bytes = c->family == AF_INET ? 4 : 16;

	memcpy(a, c->family == AF_INET ? (const void *)&c->v4 : (const void *)&c->v6, bytes);
	for (int i = 0; net && i < bytes; i++) {
		int keep = c->prefix - 8 * i; /* bits of byte i inside the prefix */
		a[i] &= keep >= 8 ? 0xff : keep <= 0 ? 0 : (unsigned char)(0xff << (8 - keep));
	}
	if (!inet_ntop(c->family, a, buf, (socklen_t)size))
		return "?";
	if (net)
		snprintf(buf + strlen(buf), size - strlen(buf), "/%d", c->prefix);
	return buf;
}

/*
 * The map a forward belongs in, "tcp4" or "udp6a" ("a": keyed by a host
 * address too), and its element "8080 : 10.77.0.2 . 80".  -EINVAL for a
 * protocol these maps do not have, or for mixed families.
 */
static int element(const struct cv_nft_fwd *f, char *map, char *buf, size_t size)
{
	char host[INET6_ADDRSTRLEN], ctr[INET6_ADDRSTRLEN];
	bool by_addr = f->host.family != 0;

	if ((f->proto != IPPROTO_TCP && f->proto != IPPROTO_UDP) ||
	    (f->ctr.family != AF_INET && f->ctr.family != AF_INET6) ||
	    (by_addr && f->host.family != f->ctr.family))
		return -EINVAL;
	sprintf(map, "%s%d%s", f->proto == IPPROTO_TCP ? "tcp" : "udp",
		f->ctr.family == AF_INET ? 4 : 6, by_addr ? "a" : "");
	snprintf(buf, size, "%s%s%u : %s . %u",
		 by_addr ? addr_text(&f->host, false, host, sizeof(host)) : "",
		 by_addr ? " . " : "", f->host_port, addr_text(&f->ctr, false, ctr, sizeof(ctr)),
		 f->port);
	return 0;
}

/* Each element on its line, as `nft list` lays them out. */
#define ELEMENT(n) ((n) ? ",\n\t\t\t     " : "\t\telements = { ")

/*
 * The sets of subnets, then the maps, in the order the header draws them.
 * A map's key is a port, or a host address . port ("a"); its value is
 * always the container's address . port, which `dnat to` takes whole.
 */
static int put_sets_and_maps(struct text *t, const struct cv_nft_subnet *subnets, int n_subnets,
			     const struct cv_nft_fwd *fwds, int n_fwds)
{
	static const char *const maps[] = {"tcp4",  "udp4",  "tcp6",  "udp6",
					   "tcp4a", "udp4a", "tcp6a", "udp6a"};
	char map[8], el[128];
	int count = 0;

	for (int v = 4; v <= 6; v += 2, count = 0) {
		put(t, "%s\tset subnets%d {\n\t\ttype ipv%d_addr\n\t\tflags interval\n",
		    v == 4 ? "" : "\n", v, v);
		for (int i = 0; i < n_subnets; i++) {
			const struct cv_cidr *c = v == 4 ? &subnets[i].v4 : &subnets[i].v6;
			if (c->family == (v == 4 ? AF_INET : AF_INET6))
				put(t, "%s%s", ELEMENT(count++),
				    addr_text(c, true, el, sizeof(el)));
		}
		put(t, "%s\t}\n", count ? " }\n" : "");
	}
	for (size_t m = 0; m < sizeof(maps) / sizeof(maps[0]); m++, count = 0) {
		const char *addr = maps[m][3] == '4' ? "ipv4_addr . " : "ipv6_addr . ";
		put(t, "\n\tmap %s {\n\t\ttype %sinet_service : %sinet_service\n", maps[m],
		    maps[m][4] == 'a' ? addr : "", addr);
		for (int i = 0; i < n_fwds; i++) {
			if (element(&fwds[i], map, el, sizeof(el)) < 0)
				return -EINVAL;
			if (strcmp(map, maps[m]) == 0)
				put(t, "%s%s", ELEMENT(count++), el);
		}
		put(t, "%s\t}\n", count ? " }\n" : "");
	}
	return 0;
}

/*
 * The chains.  In the ports chain the first DNAT that matches ends it (a
 * nat statement is a verdict), so a forward bound to one host address
 * wins over the same port on every address.  `ip daddr` already means
 * "IPv4 only"; the port-only rules say it with `meta nfproto`.  The
 * output chain takes a number: nft names no priority on that hook.
 */
static const char chains[] =
    "\n\tchain prerouting {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n"
    "\t\tfib daddr type local jump ports\n\t}\n"
    "\n\tchain output {\n\t\ttype nat hook output priority -100; policy accept;\n"
    "\t\tfib daddr type local jump ports\n\t}\n"
    "\n\tchain ports {\n"
    "\t\tdnat ip to ip daddr . tcp dport map @tcp4a\n"
    "\t\tmeta nfproto ipv4 dnat ip to tcp dport map @tcp4\n"
    "\t\tdnat ip to ip daddr . udp dport map @udp4a\n"
    "\t\tmeta nfproto ipv4 dnat ip to udp dport map @udp4\n"
    "\t\tdnat ip6 to ip6 daddr . tcp dport map @tcp6a\n"
    "\t\tmeta nfproto ipv6 dnat ip6 to tcp dport map @tcp6\n"
    "\t\tdnat ip6 to ip6 daddr . udp dport map @udp6a\n"
    "\t\tmeta nfproto ipv6 dnat ip6 to udp dport map @udp6\n\t}\n"
    "\n\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
    "\t\tip saddr @subnets4 ip daddr != @subnets4 masquerade comment \"to outside\"\n"
    "\t\tct status dnat ip saddr @subnets4 ip daddr @subnets4 masquerade comment \"hairpin\"\n"
    "\t\tip saddr 127.0.0.0/8 ct status dnat ip daddr @subnets4 masquerade comment \"localhost\"\n"
    "\t\tip6 saddr @subnets6 ip6 daddr != @subnets6 masquerade comment \"to outside\"\n"
    "\t\tct status dnat ip6 saddr @subnets6 ip6 daddr @subnets6 masquerade comment \"hairpin\"\n"
    "\t}\n";

int cv_nft_table_text(const struct cv_nft_subnet *subnets, int n_subnets,
		      const struct cv_nft_fwd *fwds, int n_fwds, char *buf, size_t size)
{
	struct text t = {.buf = buf, .size = size, .full = size == 0};

	put(&t, "table " T " {\n");
	if (put_sets_and_maps(&t, subnets, n_subnets, fwds, n_fwds) < 0)
		return -EINVAL;
	put(&t, "%s}\n", chains);
	return t.full ? -ENOSPC : (int)t.len;
}

static void nft_ctx_freep(struct nft_ctx **ctx)
{
	if (*ctx)
		nft_ctx_free(*ctx);
}
#define _cleanup_nft_ _cleanup_(nft_ctx_freep)

/* A context whose output and errors go to buffers, not to our stdout/stderr. */
static struct nft_ctx *nft_open(unsigned int flags, struct cv_err *err)
{
	_cleanup_nft_ struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);

	if (!ctx || nft_ctx_buffer_output(ctx) < 0 || nft_ctx_buffer_error(ctx) < 0) {
		cv_err_set(err, ENOMEM, "nft_ctx_new: out of memory");
		return NULL;
	}
	nft_ctx_output_set_flags(ctx, flags);
	return steal_pointer(&ctx);
}

/*
 * err from the error buffer: "Error: WHY", the command, carets under the
 * culprit; the message is "nft: COMMAND: Error: WHY".  An error before any
 * command ("netlink: Error: cache initialization failed") quotes none: the
 * batch's first line stands in.  There is no errno: WHY's words give it.
 */
static int nft_fail(struct nft_ctx *ctx, const char *cmds, struct cv_err *err)
{
	static const int known[] = {EPERM, ENOENT, EEXIST, EBUSY};
	const char *text = nft_ctx_get_error_buffer(ctx);
	const char *why = strstr(text ? text : "", "Error:") ?: (text && *text ? text : "failed");
	int why_len = (int)strcspn(why, "\n"), cmd_len, code = EINVAL;
	const char *cmd = why + why_len + strspn(why + why_len, "\n \t");

	if (*cmd == '\0' || *cmd == '^')
		cmd = cmds;
	cmd_len = (int)strcspn(cmd, "\n");
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (memmem(why, (size_t)why_len, strerror(known[i]), strlen(strerror(known[i]))))
			code = known[i];
	cv_err_set(err, code, "nft: %.*s: %.*s", cmd_len, cmd, why_len, why);
	if (code == EPERM)
		cv_err_hint(err, "nftables needs CAP_NET_ADMIN over the network namespace "
				 "(root, or a namespace of your own: unshare -Urn)");
	return -code;
}

/*
 * Run a batch of commands as one transaction, traced one line of text per
 * line as `nft -f` would read it, then the outcome.
 */
static int nft_run(struct nft_ctx *ctx, const char *cmds, struct cv_err *err)
{
	int lines = 0, r;

	for (const char *p = cmds; *p; lines++) {
		int len = (int)strcspn(p, "\n");
		if (len)
			cv_trace("nft| %.*s", len, p);
		p += len + (p[len] == '\n');
	}
	r = nft_run_cmd_from_buffer(ctx, cmds) == 0 ? 0 : nft_fail(ctx, cmds, err);
	errno = -r;
	cv_trace_sys(r, "nft_run_cmd_from_buffer(%d line%s)", lines, lines == 1 ? "" : "s");
	return r;
}

/*
 * `add table` first makes `delete table` safe when there is none yet; the
 * kernel applies the three commands at once, so nobody ever sees the
 * table missing or half made, and a failure leaves the old one.
 */
int cv_nft_rebuild(const struct cv_nft_subnet *subnets, int n_subnets,
		   const struct cv_nft_fwd *fwds, int n_fwds, struct cv_err *err)
{
	static const char head[] = "add table " T "\ndelete table " T "\n";
	size_t size = sizeof(head) + sizeof(chains) + 2048 + 64 * (size_t)n_subnets +
		      128 * (size_t)n_fwds; /* a map's text and each element's, at most */
	_cleanup_nft_ struct nft_ctx *ctx = nft_open(0, err);
	_cleanup_free_ char *buf = malloc(size);
	int r = 0;

	if (!ctx || !buf)
		return ctx ? cv_err_set(err, ENOMEM, "nft: %zu bytes for the table", size)
			   : -err->code;
	memcpy(buf, head, sizeof(head));
	if (n_subnets > 0) /* else no bridge: nothing to NAT for, no table */
		r = cv_nft_table_text(subnets, n_subnets, fwds, n_fwds, buf + sizeof(head) - 1,
				      size - sizeof(head) + 1);
	if (r < 0)
		return cv_err_set(err, -r, "nft: table " T ": %s",
				  r == -EINVAL ? BAD_FWD : "too long");
	return nft_run(ctx, buf, err);
}

/*
 * The commands for forwards [from, to): `add element` each, or to delete,
 * `add element` then `delete element` each.  Adding what is there is no
 * error, so the pair deletes an element that is there and passes over one
 * that is not (nft 1.0.6 has no `destroy`; a plain delete of a missing
 * element fails the batch) - the table's own `add; delete` idiom.  It is
 * also safer than a plain delete, which matches the key only: when the
 * port now maps to another container, the add fails (File exists) and
 * that container keeps its port.  A delete whose batch fails so is done
 * again one forward at a time; one that fails for want of a table (No
 * such file) had nothing to delete.
 */
static int ports_run(struct nft_ctx *ctx, bool add, const struct cv_nft_fwd *fwds, int from, int to,
		     struct cv_err *err)
{
	size_t size = (size_t)(to - from) * 512 + 1;
	_cleanup_free_ char *buf = malloc(size);
	struct text t = {.buf = buf, .size = size};
	char map[8], el[128];

	if (!buf)
		return cv_err_set(err, ENOMEM, "nft: %zu bytes for %d forwards", size, to - from);
	for (int i = from; i < to; i++) {
		if (element(&fwds[i], map, el, sizeof(el)) < 0)
			return cv_err_set(err, EINVAL, "nft: port %u: %s", fwds[i].host_port,
					  BAD_FWD);
		put(&t, "add element " T " %s { %s }\n", map, el);
		if (!add)
			put(&t, "delete element " T " %s { %s }\n", map, el);
	}
	return nft_run(ctx, buf, err);
}

int cv_nft_ports(bool add, const struct cv_nft_fwd *fwds, int n, struct cv_err *err)
{
	_cleanup_nft_ struct nft_ctx *ctx = n ? nft_open(0, err) : NULL;
	int r;

	if (!ctx)
		return n ? -err->code : 0;
	r = ports_run(ctx, add, fwds, 0, n, err);
	if (add || (r != -ENOENT && r != -EEXIST))
		return r;
	for (int i = 0; r == -EEXIST && n > 1 && i < n; i++)
		if (ports_run(ctx, false, fwds, i, i + 1, err) < 0 && err->code != EEXIST)
			return -err->code;
	cv_trace("nft: the ports left are not there, or are another container's");
	cv_err_clear(err);
	return 0;
}

int cv_nft_list(char *buf, size_t size, struct cv_err *err)
{
	_cleanup_nft_ struct nft_ctx *ctx = nft_open(0, err);
	int r = ctx ? nft_run(ctx, "list table " T, err) : -err->code;
	const char *out = r == 0 ? nft_ctx_get_output_buffer(ctx) : "";

	if (r < 0 && r != -ENOENT) /* No such file: no table, "" */
		return r;
	if (strlen(out) >= size)
		return cv_err_set(err, ENOSPC, "nft: list table " T ": %zu bytes, room for %zu",
				  strlen(out), size);
	cv_err_clear(err);
	return (int)strlen(strcpy(buf, out));
}

/*
 * Listed as JSON, which libnftables 1.0.6 writes (it reads JSON only in
 * JSON mode, but this is output): each object of the "nftables" array is
 * one table, chain, set or rule; a base chain is a chain with a "hook".
 */
int cv_nft_diagnose(char *report, size_t size, struct cv_err *err)
{
	_cleanup_nft_ struct nft_ctx *ctx = nft_open(NFT_CTX_OUTPUT_JSON, err);
	struct text t = {.buf = report, .size = size, .full = size == 0};
	json_t *root, *items, *item;
	size_t i;
	int found = 0;

	if (!ctx || nft_run(ctx, "list ruleset", err) < 0)
		return -err->code;
	root = json_loads(nft_ctx_get_output_buffer(ctx), 0, NULL);
	items = json_object_get(root, "nftables");
	if (!json_is_array(items)) /* then the loop below has nothing to look at */
		found = cv_err_set(err, EINVAL, "nft: list ruleset: not the JSON nft writes");
	json_array_foreach(items, i, item)
	{
		/* {"chain": {...}}; only a base chain has a hook and a policy */
		const char *family, *table, *name, *hook = "", *policy = "";
		if (json_unpack(item, "{s:{s:s, s:s, s:s, s?s, s?s}}", "chain", "family", &family,
				"table", &table, "name", &name, "hook", &hook, "policy",
				&policy) < 0 ||
		    strcmp(policy, "drop") != 0 ||
		    (strcmp(hook, "forward") != 0 && strcmp(hook, "postrouting") != 0) ||
		    (strcmp(family, "inet") == 0 && strcmp(table, CV_NFT_TABLE) == 0))
			continue;
		put(&t, "table %s %s chain %s (hook %s, policy drop)\n", family, table, name, hook);
		found++;
	}
	json_decref(root);
	if (t.full && found > 0)
		return cv_err_set(err, ENOSPC, "nft: %d chains drop: no room to name them", found);
	return found;
}
