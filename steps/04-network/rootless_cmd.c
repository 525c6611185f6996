/*
 * rootless_cmd.c - what pasta and slirp4netns are told: their command
 * lines, and the ports slirp4netns learns over its API socket.
 *
 * pasta: --config-net gives the tap the address, route and MTU of the
 * host's interface with the default route; --foreground keeps the
 * launcher's pid pasta's, for us to stop; --runas our own ids, for pasta
 * run as root would become nobody, whom a caller root only of its own
 * namespace could no longer signal.  Ports are its -t/-u options.
 *
 * slirp4netns: --configure gives the tap 10.0.2.100/24, gateway
 * 10.0.2.2; an MTU of 65520, pasta's default, means fewer packets through
 * its user-space TCP/IP stack.  Ports are added once it runs, by an
 * add_hostfwd request each on its API socket.
 *
 * Neither lets the namespace reach the host's loopback: pasta forwards
 * no port out to it (-T/-U none) and does not make the gateway address
 * the host (--no-map-gw); slirp4netns is told --disable-host-loopback.
 * A container could otherwise talk to services that trust 127.0.0.1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "04-network/rootless.h"
#include "common/cleanup.h"
#include "common/trace.h"

/* One argument, printf-style, after the others in c->text. */
static void __attribute__((format(printf, 2, 3)))
arg(struct cv_rootless_cmd *c, const char *fmt, ...)
{
	size_t room = sizeof(c->text) - c->used;
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(c->text + c->used, room, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= room || c->argc + 1 >= CV_ROOTLESS_ARGS)
		c->used = sizeof(c->text); /* full: this and every later one fail */
	else
		c->argv[c->argc++] = c->text + c->used, c->used += (size_t)len + 1;
}

/* pasta's port spec: "-t 8080", or "-t ADDR/8080" to listen on one host address. */
static void pasta_ports(struct cv_rootless_cmd *c, const struct cv_port *ports, int n, int proto)
{
	const char *flag = proto == IPPROTO_UDP ? "-u" : "-t";
	char addr[INET6_ADDRSTRLEN];
	bool any = false;

	for (int i = 0; i < n; i++) {
		const struct cv_port *p = &ports[i];
		if ((p->proto == IPPROTO_UDP) != (proto == IPPROTO_UDP))
			continue;
		any = true;
		arg(c, "%s", flag);
		if (p->host.family)
			arg(c, "%s/%u", inet_ntop(p->host.family, &p->host.v4, addr, sizeof(addr)),
			    p->host_port);
		else
			arg(c, "%u", p->host_port);
	}
	/* left out, pasta would forward every port anything binds in the namespace */
	if (!any)
		arg(c, "%s", flag), arg(c, "none");
}

int cv_rootless_cmd(const struct cv_rootless *r, const char *exe, const struct cv_port *ports,
		    int n, pid_t target, struct cv_rootless_cmd *c, struct cv_err *err)
{
	static const char *const pasta[] = {"--config-net", "--foreground", "--quiet",
					    "--no-map-gw",  "-T",           "none",
					    "-U",           "none",         NULL};
	static const char *const slirp[] = {"--configure", "--mtu=65520", "--disable-host-loopback",
					    "--ready-fd=3", NULL};
	bool is_pasta = r->used == CV_ROOTLESS_PASTA;

	memset(c, 0, sizeof(*c));
	arg(c, "%s", exe);
	for (const char *const *o = is_pasta ? pasta : slirp; *o; o++)
		arg(c, "%s", *o);
	if (is_pasta) {
		arg(c, "--runas"), arg(c, "%u:%u", (unsigned)geteuid(), (unsigned)getegid());
		pasta_ports(c, ports, n, IPPROTO_TCP);
		pasta_ports(c, ports, n, IPPROTO_UDP);
		arg(c, "--pid"), arg(c, "%s/pasta.pid", r->tmpdir);
		arg(c, "%d", (int)target);
	} else {
		arg(c, "--api-socket=%s", r->api_socket);
		arg(c, "%d", (int)target), arg(c, "tap0");
	}
	if (c->used == sizeof(c->text))
		return cv_err_set(err, E2BIG, "%s: %d ports make too long a command line", exe, n);
	return 0;
}

/* Per request a connection, and one JSON object each way. */
int cv_rootless_slirp_forward(const struct cv_rootless *r, const struct cv_port *p,
			      struct cv_err *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	char addr[INET6_ADDRSTRLEN] = "0.0.0.0", req[256], buf[1024];
	const char *proto = p->proto == IPPROTO_UDP ? "udp" : "tcp", *desc;
	json_auto_t *reply = NULL; /* json_decref()ed at the end of the scope */
	ssize_t n, len = 0;

	if (p->host.family)
		inet_ntop(p->host.family, &p->host.v4, addr, sizeof(addr));
	/* no guest_addr: slirp4netns forwards to the tap's address */
	snprintf(req, sizeof(req),
		 "{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"%s\",\"host_addr\":"
		 "\"%s\",\"host_port\":%u,\"guest_port\":%u}}",
		 proto, addr, p->host_port, p->host_port);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", r->api_socket);
	cv_trace("slirp4netns API <- %s", req);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    write(fd, req, strlen(req)) < 0 || shutdown(fd, SHUT_WR) < 0)
		return cv_err_sys(err, "slirp4netns API `%s`", r->api_socket);
	while ((size_t)len < sizeof(buf) - 1 &&
	       (n = read(fd, buf + len, sizeof(buf) - 1 - (size_t)len)) > 0)
		len += n;
	buf[len] = '\0';
	cv_trace("slirp4netns API -> %s", buf);
	if (!(reply = json_loads(buf, 0, NULL)))
		return cv_err_set(err, EPROTO, "slirp4netns API: not JSON: `%.80s`", buf);
	if (json_unpack(reply, "{s:{s:s}}", "error", "desc", &desc) == 0)
		return cv_err_set(err, EIO, "slirp4netns add_hostfwd %s %s:%u: %s", proto, addr,
				  p->host_port, desc);
	if (!json_object_get(reply, "return"))
		return cv_err_set(err, EPROTO, "slirp4netns API: no \"return\": `%.80s`", buf);
	return 0;
}
