/*
 * rootless.h - a network without privilege over the host's.
 *
 * A user who is not root cannot add a link or a rule to the host's
 * network namespace.  It can make a user namespace of its own and, owned
 * by it, a network namespace in which it is root: there the bridge, the
 * veths, the addresses and the nft table are made by the same code as
 * for root (link.c, nft.c).  That namespace is an island; a user-space
 * helper started from the host's namespace joins it to the world:
 *
 *   pasta (passt)   a tap device in the namespace; outward traffic is
 *                   turned into ordinary sockets of the user on the host;
 *                   `-t HOSTPORT` / `-u HOSTPORT` listen on the host and
 *                   forward into the namespace, to the same port;
 *   slirp4netns     the same job with a user-mode TCP/IP stack (libslirp),
 *                   ports added over its API socket (add_hostfwd).
 *
 * Either needs /dev/net/tun openable by the user.  In the namespace, a
 * forwarded port arrives at the namespace's own address (or loopback) and
 * is DNATed to the container by the nft maps, as for root.
 */
#ifndef CV_NET_ROOTLESS_H
#define CV_NET_ROOTLESS_H

#include <limits.h>
#include <sys/types.h>

#include "04-network/ports.h"
#include "common/err.h"

enum cv_rootless_tool {
	CV_ROOTLESS_AUTO,  /* pasta when installed, else slirp4netns */
	CV_ROOTLESS_PASTA, /* passt's pasta */
	CV_ROOTLESS_SLIRP, /* slirp4netns */
};

struct cv_rootless {
	enum cv_rootless_tool used; /* PASTA or SLIRP once entered */
	pid_t helper;               /* the helper's pid, or -1 */
	int helper_pidfd;           /* or -1 */
	char api_socket[108];       /* slirp4netns' API socket, or "" */
	char tmpdir[PATH_MAX];      /* where the socket lives, removed on leave */
};

/* cv_rootless_tool_name - "pasta", "slirp4netns" (or "auto"). */
const char *cv_rootless_tool_name(enum cv_rootless_tool tool);

/*
 * cv_rootless_enter - move the calling process (single-threaded) into a
 * new user namespace where it is root (uid and gid mapped to its own) and
 * a new network namespace owned by it, then start the helper (tool) from
 * the namespaces it left, attached to the new one and forwarding ports
 * (to the same port numbers inside), and wait until the namespace has its
 * uplink and address.  Before anything is made, each port is checked free
 * on the host (cv_port_hold, then closed), so a port in use is the same
 * clear error as for root.  On failure nothing is left running (the
 * caller may be in the new namespaces already: there is no way back).
 * The helper is the caller's child, and is sent SIGTERM if the caller
 * dies.  pasta needs the host to have an interface with a default route;
 * its files are in $TMPDIR (or /tmp).  *out is always set, so leave may
 * follow either way.  0 or -errno; -ENOENT naming the tool and its Debian
 * package when it is not installed; -EACCES about /dev/net/tun with the
 * hint to fix its mode; -E2BIG past CV_ROOTLESS_PORTS_MAX ports.
 */
int cv_rootless_enter(enum cv_rootless_tool tool, const struct cv_port *ports, int n_ports,
		      struct cv_rootless *out, struct cv_err *err);

/* cv_rootless_leave - stop the helper and remove its files; idempotent. */
void cv_rootless_leave(struct cv_rootless *r);

/* --- what the helpers are told (rootless_cmd.c); enter uses them --------- */

#define CV_ROOTLESS_PORTS_MAX 32 /* CV_NET_PORTS_MAX */
#define CV_ROOTLESS_ARGS      (2 * CV_ROOTLESS_PORTS_MAX + 24)

struct cv_rootless_cmd {
	char *argv[CV_ROOTLESS_ARGS]; /* NULL-terminated, into text */
	int argc;
	char text[4096]; /* the arguments one after another, each ending in '\0' */
	size_t used;
};

/*
 * cv_rootless_cmd - the command line of r->used (its executable at exe)
 * to attach the network namespace of process target and forward ports,
 * with its files in r->tmpdir (r->api_socket for slirp4netns).  Made
 * whole before fork, so the child only execs.  0, or -E2BIG.
 */
int cv_rootless_cmd(const struct cv_rootless *r, const char *exe, const struct cv_port *ports,
		    int n, pid_t target, struct cv_rootless_cmd *c, struct cv_err *err);

/*
 * cv_rootless_slirp_forward - ask the running slirp4netns of r to forward
 * p's host port to the same port in the namespace (add_hostfwd on its API
 * socket).  0, or -errno with slirp4netns' own description of the error.
 */
int cv_rootless_slirp_forward(const struct cv_rootless *r, const struct cv_port *p,
			      struct cv_err *err);

#endif
