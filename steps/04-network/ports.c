/*
 * ports.c - `-p 8080:80`, and holding host port 8080 (see ports.h).
 *
 * A published port is two things.  In nft (nft.c), a map element that
 * rewrites the destination of every packet for a local address on port
 * 8080 to the container's address and port 80: DNAT, in the prerouting
 * and output hooks, before the kernel looks for a socket to deliver to.
 * And here, an ordinary socket bound to 8080 on the host, which serves
 * nothing: it is a reservation, the kernel's own bookkeeping of who has a
 * port, so that a second publisher, or a server started later, gets
 * EADDRINUSE from bind(2) instead of a silent takeover.
 *
 * To say who has the port, /proc/net/tcp (and tcp6, udp, udp6) lists the
 * sockets of the reader's network namespace with their local port and
 * inode, and each process's /proc/PID/fd/N of a socket reads
 * "socket:[INODE]".  Matching the two is what ss -p and fuser do.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "04-network/ports.h"
#include "common/cleanup.h"
#include "common/trace.h"

#define PORT_FORM  "the form is -p [HOSTIP:]HOSTPORT:PORT[/tcp|udp], as in -p 127.0.0.1:8080:80/tcp"
#define INODES_MAX 16

static const char *proto_name(int proto)
{
	return proto == IPPROTO_UDP ? "udp" : "tcp";
}

/*
 * "8080" -> 8080, in 1..65535; 0 for anything else.  strtoul alone would
 * take " 80", "+80" and "0x50", and turn "-1" into a huge number: only
 * digits are a port here.
 */
static uint16_t parse_number(const char *s)
{
	unsigned long n = 0;

	if (!*s || strlen(s) > 5 || strspn(s, "0123456789") != strlen(s))
		return 0;
	n = strtoul(s, NULL, 10);
	return n <= 65535 ? (uint16_t)n : 0;
}

static int bad(struct cv_err *err, const char *text, const char *what, const char *part)
{
	cv_err_set(err, EINVAL, "-p %s: %s `%s`", text, what, part);
	return cv_err_hint(err, PORT_FORM);
}

/* "HOSTPORT:PORT", what is left once the host address and protocol are taken off. */
static int parse_ports(const char *text, char *s, struct cv_port *out, struct cv_err *err)
{
	char *colon = strchr(s, ':');

	if (!colon || colon == s || !colon[1]) {
		cv_err_set(err, EINVAL, "-p %s: %s", text,
			   !colon       ? "one port only: HOSTPORT and PORT are both needed"
			   : colon == s ? "the host port is missing"
					: "the container port is missing");
		return cv_err_hint(err, PORT_FORM);
	}
	*colon = '\0';
	if (!(out->host_port = parse_number(s)))
		return bad(err, text, "the host port is not a number in 1..65535:", s);
	if (!(out->port = parse_number(colon + 1)))
		return bad(err, text, "the container port is not a number in 1..65535:", colon + 1);
	return 0;
}

/*
 * The host address in front of the ports, when there is one: "[::1]:"
 * (an IPv6 address has colons of its own, so it comes in brackets, as in
 * a URL) or "127.0.0.1:" (the first of three parts).  *rest is what
 * follows it.  Without one, family 0 stands for every address.
 */
static int parse_host(const char *text, char *s, char **rest, struct cv_port *out,
		      struct cv_err *err)
{
	char *host = s, *end;
	int family = AF_INET, colons = 0;

	for (char *c = s; *c; c++)
		colons += *c == ':';
	if (s[0] == '[') {
		if (!(end = strchr(s, ']')) || end[1] != ':')
			return bad(err, text, "an IPv6 host address needs `]:` after it:", s);
		host++;
		family = AF_INET6;
	} else if (colons == 2) {
		end = strchr(s, ':');
	} else if (colons > 2) {
		return bad(err, text,
			   "an IPv6 host address goes in brackets, as [::1]:8080:80, not", s);
	} else {
		return 0; /* "HOSTPORT:PORT" */
	}
	*end = '\0';
	*rest = end + (family == AF_INET6 ? 2 : 1);
	if (!*host)
		return bad(err, text, "the host address is missing, before", *rest);
	if (inet_pton(family, host, &out->host.v6) != 1)
		return bad(err, text,
			   family == AF_INET ? "the host address is not an IPv4 address:"
					     : "the host address is not an IPv6 address:",
			   host);
	out->host.family = family;
	out->host.prefix = family == AF_INET ? 32 : 128;
	return 0;
}

int cv_port_parse(const char *text, struct cv_port *out, struct cv_err *err)
{
	char s[128], *proto, *rest;
	struct cv_port p = {.proto = IPPROTO_TCP};
	int r;

	if (snprintf(s, sizeof(s), "%s", text) >= (int)sizeof(s)) {
		cv_err_set(err, EINVAL, "-p %.32s...: too long to be a port to publish", text);
		return cv_err_hint(err, PORT_FORM);
	}
	/* from the end: "/udp" is the only '/' in the text, an IPv6 address has none */
	if ((proto = strrchr(s, '/'))) {
		*proto++ = '\0';
		if (strcmp(proto, "tcp") && strcmp(proto, "udp"))
			return bad(err, text, "the protocol is not tcp or udp:", proto);
		p.proto = !strcmp(proto, "udp") ? IPPROTO_UDP : IPPROTO_TCP;
	}
	rest = s;
	if ((r = parse_host(text, s, &rest, &p, err)) < 0 ||
	    (r = parse_ports(text, rest, &p, err)) < 0)
		return r;
	*out = p;
	return 0;
}

const char *cv_port_format(const struct cv_port *p, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];
	bool v6 = p->host.family == AF_INET6;

	if (p->host.family)
		snprintf(buf, size, "%s%s%s:%u:%u/%s", v6 ? "[" : "",
			 cv_addr_format(&p->host, a, sizeof(a)), v6 ? "]" : "", p->host_port,
			 p->port, proto_name(p->proto));
	else
		snprintf(buf, size, "%u:%u/%s", p->host_port, p->port, proto_name(p->proto));
	return buf;
}

/*
 * "port 8080/tcp is in use by pid N (comm)".  No pid is found when the
 * holder is a process this one may not look into (another user's, whose
 * /proc/PID/fd only root reads; another pid namespace's), or when only
 * connections still closing (TIME_WAIT, which no process owns) hold it.
 */
static int in_use(const struct cv_port *p, struct cv_err *err)
{
	char comm[32];
	pid_t pid;

	if (cv_port_owner(p->proto, p->host_port, &pid, comm, sizeof(comm)) == 0) {
		cv_err_set(err, EADDRINUSE, "port %u/%s is in use by pid %d (%s)", p->host_port,
			   proto_name(p->proto), (int)pid, comm);
		return cv_err_hint(err, "choose another host port, or stop that process");
	}
	cv_err_set(err, EADDRINUSE,
		   "port %u/%s is in use (by no process this one can see: another user's, or "
		   "connections still closing)",
		   p->host_port, proto_name(p->proto));
	return cv_err_hint(err,
			   "choose another host port, or find its holder with "
			   "`sudo ss -lptun 'sport = %u'`",
			   p->host_port);
}

/*
 * One socket on (family, addr, port).  No SO_REUSEADDR: with it, two UDP
 * sockets that both set it share the port outright, and a TCP one binds
 * beside another that is not listening yet - each a way for a second
 * publisher in, which the hold is there to keep out.  For the same
 * reason an IPv6 socket is IPV6_V6ONLY: else [::]:8080 would also take
 * 0.0.0.0:8080 on some systems and not on others (net.ipv6.bindv6only),
 * and "any" is held as two sockets, one per family, the same everywhere.
 *
 * TCP also listens, with a backlog of 1: only a listening (or connected)
 * socket is in /proc/net/tcp, where cv_port_owner finds it; a socket that
 * is only bound holds the port but is invisible there.  It never accepts
 * anything: nft's DNAT sends every packet for this port on a local
 * address to the container before a socket is looked up.  (A connection
 * nft does not rewrite - to [::1], which kernel NAT cannot send to a
 * container - would wait in that backlog, unanswered.)
 */
static int hold_one(const struct cv_port *p, const struct cv_cidr *host, struct cv_err *err)
{
	bool v6 = host->family == AF_INET6;
	union {
		struct sockaddr sa;
		struct sockaddr_in in4;
		struct sockaddr_in6 in6;
	} u = {0};
	int type = p->proto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM, one = 1, r;
	char a[INET6_ADDRSTRLEN], where[80];
	_cleanup_close_ int fd = socket(host->family, type | SOCK_CLOEXEC, 0);

	snprintf(where, sizeof(where), "%s%s%s:%u/%s", v6 ? "[" : "",
		 cv_addr_format(host, a, sizeof(a)), v6 ? "]" : "", p->host_port,
		 proto_name(p->proto));
	if (fd < 0)
		return cv_err_sys(err, "socket(%s) for %s", v6 ? "AF_INET6" : "AF_INET", where);
	if (v6) {
		u.in6 = (struct sockaddr_in6){.sin6_family = AF_INET6,
					      .sin6_addr = host->v6,
					      .sin6_port = htons(p->host_port)};
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
			return cv_err_sys(err, "setsockopt(%s, IPV6_V6ONLY)", where);
	} else {
		u.in4 = (struct sockaddr_in){
		    .sin_family = AF_INET, .sin_addr = host->v4, .sin_port = htons(p->host_port)};
	}
	r = bind(fd, &u.sa, v6 ? sizeof(u.in6) : sizeof(u.in4));
	cv_trace_sys(r, "bind(%s): the host's port held", where);
	if (r < 0 && errno == EADDRINUSE)
		return in_use(p, err);
	if (r < 0) {
		cv_err_sys(err, "bind(%s)", where);
		return errno != EADDRNOTAVAIL
			   ? -errno
			   : cv_err_hint(err, "%s is no address of this host", a);
	}
	if (type == SOCK_STREAM) {
		r = listen(fd, 1);
		cv_trace_sys(r, "listen(%s, 1): now in /proc/net/tcp%s", where, v6 ? "6" : "");
		if (r < 0)
			return cv_err_sys(err, "listen(%s)", where);
	}
	return steal_fd(&fd);
}

int cv_port_hold(const struct cv_port *p, int fds[2], struct cv_err *err)
{
	struct cv_cidr any4 = {.family = AF_INET}, any6 = {.family = AF_INET6};
	_cleanup_close_ int v4 = -1;
	int v6;

	if (p->host.family) {
		int fd = hold_one(p, &p->host, err);
		if (fd < 0)
			return fd;
		fds[0] = fd;
		return 1;
	}
	any6.v6 = in6addr_any;
	if ((v4 = hold_one(p, &any4, err)) < 0)
		return v4;
	v6 = hold_one(p, &any6, err);
	if (v6 == -EAFNOSUPPORT) {
		cv_trace("no IPv6 on this host: port %u held for IPv4 only", p->host_port);
		fds[0] = steal_fd(&v4);
		return 1;
	}
	/*
	 * All or nothing: held on 0.0.0.0 only, the port would be free on
	 * [::] for a second publisher.  Only a kernel without IPv6 at all
	 * (ipv6.disable=1: EAFNOSUPPORT, above) has nothing to hold there.
	 */
	if (v6 < 0)
		return v6;
	fds[0] = steal_fd(&v4);
	fds[1] = v6;
	return 2;
}

/*
 * The inodes of the sockets on local port `port` in one /proc/net file,
 * added to inodes[n..max); returns the new n.  Each line is one socket:
 *   sl  local_address rem_address   st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
 *   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 1000 0 123456
 * The port is hex; the address, in the kernel's own byte order, is not
 * read: every holder of the port is of interest, on whichever address.
 * Any state holds the port; inode 0 is a socket no process has (TIME_WAIT).
 */
static int port_inodes(const char *path, uint16_t port, unsigned long *inodes, int n, int max)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char line[512];
	unsigned lport;
	unsigned long inode;

	if (!f)
		return n;                  /* no IPv6: no tcp6 */
	if (!fgets(line, sizeof(line), f)) /* the header */
		return n;
	while (n < max && fgets(line, sizeof(line), f))
		if (sscanf(line, " %*u: %*[0-9A-Fa-f]:%x %*s %*x %*s %*s %*s %*u %*d %lu", &lport,
			   &inode) == 2 &&
		    lport == port && inode)
			inodes[n++] = inode;
	return n;
}

/*
 * Whether process `pid` has a descriptor on one of the inodes.  Reading
 * /proc/PID/fd needs the right to ptrace PID (the same user, or
 * CAP_SYS_PTRACE): another user's processes are passed over, unseen.
 */
static bool holds_one_of(int pid, const unsigned long *inodes, int n)
{
	char path[64], target[64];
	unsigned long inode;
	struct dirent *e;
	DIR *d;
	bool found = false;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	if (!(d = opendir(path)))
		return false; /* gone, or another user's */
	while (!found && (e = readdir(d))) {
		ssize_t len = readlinkat(dirfd(d), e->d_name, target, sizeof(target) - 1);
		if (len < 0)
			continue;
		target[len] = '\0';
		if (sscanf(target, "socket:[%lu]", &inode) != 1)
			continue;
		for (int i = 0; i < n && !found; i++)
			found = inodes[i] == inode;
	}
	closedir(d);
	return found;
}

/*
 * /proc/net/{tcp,udp}{,6} are the files of the reader's network namespace, the one
 * whose bind(2) just failed.  Every descriptor of every process is then
 * looked at: slow, but only ever on the way to an error message.
 */
int cv_port_owner(int proto, uint16_t port, pid_t *pid, char *comm, size_t size)
{
	const char *v4 = proto == IPPROTO_UDP ? "/proc/net/udp" : "/proc/net/tcp";
	const char *v6 = proto == IPPROTO_UDP ? "/proc/net/udp6" : "/proc/net/tcp6";
	unsigned long inodes[INODES_MAX];
	char path[64];
	struct dirent *e;
	DIR *d;
	int found = 0, n = port_inodes(v6, port, inodes,
				       port_inodes(v4, port, inodes, 0, INODES_MAX), INODES_MAX);

	if (n == 0 || !(d = opendir("/proc")))
		return -ESRCH;
	while (!found && (e = readdir(d))) {
		int p = strspn(e->d_name, "0123456789") == strlen(e->d_name) ? atoi(e->d_name) : 0;
		if (p > 0 && holds_one_of(p, inodes, n))
			found = p;
	}
	closedir(d);
	if (!found)
		return -ESRCH;
	*pid = (pid_t)found;
	snprintf(path, sizeof(path), "/proc/%d/comm", found);
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	if (!f || !fgets(comm, (int)size, f))
		snprintf(comm, size, "?"); /* it has just exited */
	comm[strcspn(comm, "\n")] = '\0';
	return 0;
}
