/*
 * ports.h - published ports: `-p 8080:80`, and holding the host's port.
 *
 * Publishing HOSTPORT makes traffic to it go to the container (nft.h).
 * The kernel would let two containers publish the same port and the
 * second map element would silently win; so the port is also bound on
 * the host for as long as it is published, by an ordinary socket that
 * never serves anything, and a second publisher gets EADDRINUSE, which is
 * turned into "port 8080 is in use by pid N (name)" by looking up who
 * holds the socket (/proc/net/tcp gives its inode, /proc/PID/fd the pid).
 */
#ifndef CV_NET_PORTS_H
#define CV_NET_PORTS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "04-network/addr.h"
#include "common/err.h"

struct cv_port {
	int proto;           /* IPPROTO_TCP (the default) or IPPROTO_UDP */
	struct cv_cidr host; /* family 0: every address (IPv4 and IPv6) */
	uint16_t host_port;
	uint16_t port; /* in the container */
};

/*
 * cv_port_parse - "[HOSTIP:]HOSTPORT:PORT[/tcp|/udp]" into *out; an IPv6
 * host address in brackets: "[::1]:8080:80".  Ports 1..65535.  -EINVAL
 * naming the text and the part that is wrong, with the form as the hint.
 */
int cv_port_parse(const char *text, struct cv_port *out, struct cv_err *err);

/* cv_port_format - back to "HOSTIP:HOSTPORT:PORT/PROTO" text; returns buf. */
const char *cv_port_format(const struct cv_port *p, char *buf, size_t size);

/*
 * cv_port_hold - bind the host side of p (tcp: bound and listening; udp:
 * bound), for IPv4 and IPv6 when the host address is any; the fds, close
 * on exec, in fds[0..] (at most 2), their number returned.  A port in use
 * is -EADDRINUSE with "port 8080/tcp is in use by pid N (comm)" (or, when
 * no pid is found, "by no process this one can see": another user's, or
 * connections still closing) and a hint.
 */
int cv_port_hold(const struct cv_port *p, int fds[2], struct cv_err *err);

/*
 * cv_port_owner - the pid and command name of a process holding a
 * socket bound to port (proto) in the caller's network namespace, found
 * through /proc/net/{tcp,tcp6,udp,udp6} and /proc/PID/fd.  0 with *pid
 * and comm set, -ESRCH when none is found.
 */
int cv_port_owner(int proto, uint16_t port, pid_t *pid, char *comm, size_t size);

#endif
