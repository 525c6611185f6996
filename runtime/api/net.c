/*
 * net.c - a container of the C API on a bridge (step 04).
 *
 * The runtime's create makes the container's network namespace empty, as
 * runc does: `bin/containerv` leaves the network to whoever drives it.
 * The API drives itself, so it attaches the namespace here, through step
 * 04's cv_net_attach(), exactly as `cv-network run` does - only later: the
 * init exists and idles (it runs no program of the caller's), so the
 * namespace is attached after create and before any spawn, and every
 * spawned process finds eth0 up with its address and route.
 *
 * Two things must be in place before create, though.  The container's
 * /etc/resolv.conf and /etc/hosts are bind mounts of the files attach
 * writes, and a bind is made with the container's mounts: so the files
 * are made empty first (cv_net_files) and config.c binds them; attach
 * then writes into the same inodes.  And the published host ports are
 * held by sockets of the calling process (ports.c): they stay open in
 * c->net until containerv_destroy(), which detaches.  A caller killed
 * before its destroy leaves an attachment whose holder is gone, which
 * `cv-network gc` removes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "04-network/link.h"
#include "04-network/network.h"
#include "common/cleanup.h"
#include "runtime/api/api.h"

/* A copy of s, or NULL for NULL; *ok false when out of memory. */
static char *copy(const char *s, bool *ok)
{
	char *c = s ? strdup(s) : NULL;

	*ok = *ok && (!s || c);
	return c;
}

void cv_api_net_free(struct containerv_options *o)
{
	free(o->net.bridge);
	free(o->net.subnet);
	free(o->net.ip);
	free(o->net.state_dir);
	memset(&o->net, 0, sizeof(o->net));
}

int containerv_options_set_network(struct containerv_options *o, const struct containerv_network *n)
{
	struct cv_err err;
	bool ok = true;
	int count = 0;

	cv_err_clear(&err);
	cv_api_net_free(o);
	if (!n || n->mode == CV_NETWORK_NONE)
		return 0;
	if (n->mode != CV_NETWORK_BRIDGE)
		return cv_err_set(&err, EINVAL, "containerv_options_set_network: mode %d",
				  (int)n->mode),
		       cv_api_fail(&err);
	for (const char *const *p = n->ports; p && *p; p++, count++) {
		if (count == CV_NET_PORTS_MAX)
			return cv_err_set(&err, E2BIG, "ports: at most %d", CV_NET_PORTS_MAX),
			       cv_api_fail(&err);
		if (cv_port_parse(*p, &o->net.ports[count], &err) < 0)
			return cv_err_wrap(&err, "ports[%d]", count), cv_api_fail(&err);
	}
	o->net.mode = CV_NETWORK_BRIDGE;
	o->net.n_ports = count;
	o->net.bridge = copy(n->bridge, &ok);
	o->net.subnet = copy(n->subnet, &ok);
	o->net.ip = copy(n->ip, &ok);
	o->net.state_dir = copy(n->state_dir, &ok);
	if (!ok)
		return cv_api_net_free(o),
		       cv_err_set(&err, ENOMEM, "containerv_options_set_network"),
		       cv_api_fail(&err);
	return 0;
}

int cv_api_net_files(const struct containerv_options *o, struct containerv_container *c,
		     char *resolv, char *hosts, struct cv_err *err)
{
	const char *bridge = o->net.bridge ? o->net.bridge : CV_NET_BRIDGE;
	int r;

	/* without a namespace of its own the container is on the host's network */
	if (!(o->caps & CV_CAP_NETWORK))
		return cv_err_set(err, EINVAL,
				  "containerv_options_set_network: a bridge, but "
				  "CV_CAP_NETWORK is not set"),
		       cv_err_hint(err, "a container on a bridge needs a network namespace of "
					"its own: add CV_CAP_NETWORK");
	if ((r = cv_link_name_check(bridge, "bridge", err)) < 0)
		return r;
	if (o->net.state_dir && !(c->net_state = strdup(o->net.state_dir)))
		return cv_err_set(err, ENOMEM, "containerv_create: the network");
	/* from here cv_api_net_down knows what to take away */
	snprintf(c->net_bridge, sizeof(c->net_bridge), "%s", bridge);
	return cv_net_files(o->net.state_dir, bridge, c->id, resolv, hosts, err);
}

int cv_api_net_up(const struct containerv_options *o, struct containerv_container *c,
		  struct cv_err *err)
{
	struct cv_net_config cfg = {.state_dir = o->net.state_dir,
				    .bridge = o->net.bridge,
				    .subnet = o->net.subnet,
				    .ip = o->net.ip,
				    .id = c->id,
				    .ports = o->net.ports,
				    .n_ports = o->net.n_ports};
	_cleanup_close_ int ns = -1;
	char path[64];
	int r;

	if (!(c->net = calloc(1, sizeof(*c->net))))
		return cv_err_set(err, ENOMEM, "containerv_create: the network");
	/* the init's namespace is the container's: every spawn joins it */
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)c->init);
	if ((ns = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return cv_err_sys(err, "open(`%s`)", path);
	if ((r = cv_net_attach(&cfg, ns, c->net, err)) < 0)
		return r;
	cv_addr_format(&c->net->addr4, c->address, sizeof(c->address));
	return 0;
}

void cv_api_net_down(struct containerv_container *c)
{
	struct cv_err ignored;

	if (c->net) {
		for (int i = 0; i < c->net->n_held; i++)
			close(c->net->held[i]);
		free(c->net);
		c->net = NULL;
	}
	/* by its id, not what attach returned: a failed attach left no attachment
	 * to say what it made, and the files made before create are the id's too */
	if (c->net_bridge[0])
		cv_net_detach(c->net_state, c->net_bridge, c->id, &ignored);
	free(c->net_state);
	c->net_state = NULL;
	c->net_bridge[0] = '\0';
}

const char *containerv_address(struct containerv_container *c)
{
	return c && c->address[0] ? c->address : NULL;
}
