/*
 * dns.c - the container's /etc/resolv.conf and /etc/hosts (see dns.h).
 *
 * The resolver in libc reads /etc/resolv.conf at each lookup and sends
 * its query to each `nameserver` in turn.  The container's file is the
 * host's, because the host's servers are the ones that answer on this
 * network - with one exception: a server on 127.0.0.0/8 or ::1 is a
 * process on the host's loopback (systemd-resolved's stub at 127.0.0.53,
 * a dnsmasq at 127.0.0.1), and the container's loopback is its own, on
 * which nothing listens.  Such a server is left out, and said so in a
 * comment, so a reader of the container's file sees why it differs.
 * Behind systemd-resolved the real servers are in its own file,
 * /run/systemd/resolve/resolv.conf, which is read instead.
 *
 * The files are written by the caller (network.c) and bound over the
 * container's /etc/resolv.conf and /etc/hosts, as Docker and podman do.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "04-network/dns.h"
#include "common/file.h"
#include "common/trace.h"

#define RESOLV_MAX 16384

/*
 * Text appended to a buffer; `full` once something did not fit, after
 * which nothing more is added.  One check at the end then stands for one
 * per line.
 */
struct text {
	char *buf;
	size_t size, len;
	bool full;
};

__attribute__((format(printf, 2, 3))) static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!t || t->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, t->size - t->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= t->size - t->len)
		t->full = true;
	else
		t->len += (size_t)n;
}

/*
 * Whether a nameserver's address is on the loopback: 127.0.0.0/8, ::1,
 * and ::ffff:127.x.y.z, which a dual-stack socket sends to 127.x.y.z.
 */
static bool loopback(const char *addr)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (inet_pton(AF_INET, addr, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, addr, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6) ||
		       (IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127);
	return false;
}

/*
 * Copy the lines of `in` to t (when not NULL), but each nameserver on
 * the loopback, which becomes a comment; count the servers kept and left
 * out.  Every other line - search, options (edns0, ndots...), comments -
 * is the host's resolver setting and copied as it is.  Leaving servers
 * out matters beyond the dead ones themselves: glibc reads only the
 * first three (MAXNS), so a stub listed first would push a real server
 * out of reach.
 */
static void filter(const char *in, struct text *t, int *kept, int *dropped)
{
	char addr[64];

	*kept = *dropped = 0;
	while (*in) {
		size_t len = strcspn(in, "\n");
		const char *s = in + strspn(in, " \t");

		/* one address a line, ending at a blank or a comment, as glibc reads it */
		if (!strncmp(s, "nameserver", 10) && (s[10] == ' ' || s[10] == '\t') &&
		    sscanf(s + 10, "%*[ \t]%63[^ \t\n#;]", addr) == 1) {
			if (loopback(addr)) {
				put(t,
				    "# nameserver %s left out: the host's loopback, which is "
				    "not the container's\n",
				    addr);
				(*dropped)++;
				in += len + (in[len] == '\n');
				continue;
			}
			(*kept)++;
		}
		put(t, "%.*s\n", (int)len, in);
		in += len + (in[len] == '\n');
	}
}

int cv_dns_resolv_conf(const char *host_path, const char *upstream_path, char *buf, size_t size,
		       struct cv_err *err)
{
	/* on the stack: resolv.conf is a few lines, and RESOLV_MAX is far more than glibc reads */
	char host[RESOLV_MAX], upstream[RESOLV_MAX];
	struct text t = {.buf = buf, .size = size};
	struct cv_err ignored;
	int kept, dropped;
	ssize_t r;

	if (size)
		buf[0] = '\0';
	if ((r = cv_read_file(host_path, host, sizeof(host), err)) < 0)
		return (int)r;
	filter(host, NULL, &kept, &dropped);
	/* only stubs: systemd-resolved (or a cache like it) keeps the real servers elsewhere */
	if (!kept && dropped && upstream_path &&
	    cv_read_file(upstream_path, upstream, sizeof(upstream), &ignored) >= 0) {
		cv_trace("%s names only loopback servers: %s is read instead", host_path,
			 upstream_path);
		put(&t, "# from %s: %s names only servers on the host's loopback\n", upstream_path,
		    host_path);
		filter(upstream, &t, &kept, &dropped);
	} else {
		filter(host, &t, &kept, &dropped);
	}
	if (!kept)
		put(&t, "# no nameserver: the container has no DNS (%s names none it can reach)\n",
		    host_path);
	if (t.full)
		return cv_err_set(err, ENOSPC, "resolv.conf from %s: more than %zu bytes",
				  host_path, size);
	return (int)t.len;
}

/*
 * The localhost lines are Debian's own.  The name is on eth0's addresses,
 * not on 127.0.1.1 as a host's often is: a program that looks its own
 * name up to tell others where to reach it must get an address they can.
 */
int cv_dns_hosts(const char *name, const struct cv_cidr *addr4, const struct cv_cidr *addr6,
		 char *buf, size_t size)
{
	struct text t = {.buf = buf, .size = size};
	char a[INET6_ADDRSTRLEN];

	put(&t, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
	if (addr4 && addr4->family)
		put(&t, "%s\t%s\n", cv_addr_format(addr4, a, sizeof(a)), name);
	if (addr6 && addr6->family)
		put(&t, "%s\t%s\n", cv_addr_format(addr6, a, sizeof(a)), name);
	return t.full ? -ENOSPC : (int)t.len;
}
