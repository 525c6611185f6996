/*
 * dns.h - a container's /etc/resolv.conf and /etc/hosts.
 *
 * A container in its own network namespace cannot reach the host's
 * loopback, so a host resolv.conf that points at 127.0.0.53 (the stub of
 * systemd-resolved) or 127.0.0.1 (dnsmasq) is useless inside.  The
 * container gets the host's file with those servers left out; behind
 * systemd-resolved's stub, the file with its real upstream servers
 * (/run/systemd/resolve/resolv.conf) is read instead.
 */
#ifndef CV_NET_DNS_H
#define CV_NET_DNS_H

#include <stddef.h>

#include "04-network/addr.h"
#include "common/err.h"

/* The files read, overridable for tests. */
#define CV_DNS_HOST_RESOLV       "/etc/resolv.conf"
#define CV_DNS_RESOLVED_UPSTREAM "/run/systemd/resolve/resolv.conf"

/*
 * cv_dns_resolv_conf - the container's resolv.conf text from host_path
 * (or, when every nameserver in it is a 127.0.0.0/8 or ::1 stub and
 * upstream_path exists, from upstream_path): every line kept but
 * nameservers on loopback, with a comment line saying which were left out
 * and why.  When no server remains, the text says so in a comment (the
 * container then has no DNS; it is not invented).  Returns the length,
 * -ENOSPC, or -errno reading host_path.
 */
int cv_dns_resolv_conf(const char *host_path, const char *upstream_path, char *buf, size_t size,
		       struct cv_err *err);

/*
 * cv_dns_hosts - /etc/hosts for a container called name at addr4 (and
 * addr6 when not NULL): localhost lines, then the container's name on
 * its addresses.  Returns the length or -ENOSPC.
 */
int cv_dns_hosts(const char *name, const struct cv_cidr *addr4, const struct cv_cidr *addr6,
		 char *buf, size_t size);

#endif
