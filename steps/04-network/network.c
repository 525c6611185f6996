/*
 * network.c - attach a network namespace to a bridge, and detach it.
 *
 * cv_net_attach() is the table of contents of the step: each call below
 * is one module's job, in the order the kernel needs them.  Two rules
 * shape it.  First, everything is written down before it is made
 * (record.c), under one lock, so that a holder killed half-way leaves
 * nothing gc cannot find.  Second, on failure the function that undoes
 * is the same that detach uses: there is one way to take a network
 * away, and it copes with any part of it never having been made.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "04-network/dns.h"
#include "04-network/ipam.h"
#include "04-network/link.h"
#include "04-network/network.h"
#include "04-network/record.h"
#include "common/cleanup.h"
#include "common/file.h"
#include "common/trace.h"

/* An id becomes a file name and a hostname: letters, digits, '_', '.', '-'. */
static int id_check(const char *id, struct cv_err *err)
{
	size_t n = id ? strlen(id) : 0;

	if (n == 0 || n > CV_NET_ID_MAX || id[0] == '.' ||
	    strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != n)
		return cv_err_set(err, EINVAL, "the name `%s` cannot name a container's network",
				  id ? id : ""),
		       cv_err_hint(err, "1 to %d letters, digits, `_`, `.` or `-`", CV_NET_ID_MAX);
	return 0;
}

/*
 * The host's end of the veth is named after the container (FNV-1a of its
 * id): stable, so a later detach finds it from the id alone, and within
 * IFNAMSIZ whatever the id's length.
 */
static void veth_name(char *buf, size_t size, const char *bridge, const char *id)
{
	unsigned h = 2166136261u;

	for (const char *p = bridge; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	for (const char *p = id; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	snprintf(buf, size, "veth%08x", h);
}

/* The table's contents are a function of the records, nothing else. */
int cv_net_rebuild_table(const char *state_dir, struct cv_err *err)
{
	static struct cv_nft_fwd fwds[RECORDS_MAX];
	static char ids[RECORDS_MAX][CV_NET_ID_MAX + 1];
	struct cv_nft_subnet subnets[BRIDGES_MAX];
	char names[BRIDGES_MAX][IFNAMSIZ], bdir[PATH_MAX];
	int nb, ns = 0, nf = 0, r;

	if ((nb = cv_net_bridges(state_dir, names, BRIDGES_MAX, err)) < 0)
		return nb;
	for (int b = 0; b < nb; b++) {
		cv_net_bridge_dir(bdir, sizeof(bdir), state_dir, names[b]);
		if (cv_net_subnet_read(bdir, &subnets[ns], err) < 0)
			continue;
		ns++;
		if ((r = cv_net_records(bdir, ids, RECORDS_MAX, err)) < 0)
			return r;
		for (int i = 0; i < r; i++) {
			struct cv_net_record rec;

			if (cv_net_record_read(bdir, ids[i], &rec, err) == 0 &&
			    nf + 2 * rec.n_ports <= RECORDS_MAX)
				nf += cv_net_record_fwds(&rec, fwds + nf);
		}
	}
	return cv_nft_rebuild(subnets, ns, fwds, nf, err);
}

/*
 * What the record of id names is taken away in the reverse order of
 * attach, each step tolerant of its part never having been made.
 */
int cv_net_detach_locked(const char *state_dir, const char *bridge, const char *id,
			 struct cv_err *err)
{
	static char ids[RECORDS_MAX][CV_NET_ID_MAX + 1];
	struct cv_nft_fwd fwds[2 * CV_NET_PORTS_MAX];
	struct cv_net_record rec;
	char bdir[PATH_MAX], path[PATH_MAX + 16];
	int r, left;

	cv_net_bridge_dir(bdir, sizeof(bdir), state_dir, bridge);
	if (id && cv_net_record_read(bdir, id, &rec, err) == 0) {
		if ((r = cv_link_delete(rec.veth, err)) < 0)
			return r;
		/* elements first: a table rebuilt below no longer has them anyway */
		int nf = cv_net_record_fwds(&rec, fwds);
		if (nf > 0 && cv_nft_ports(false, fwds, nf, err) < 0)
			cv_trace("its map elements are gone already");
	}
	if (id && (r = cv_ipam_release(bdir, id, err)) < 0)
		return r;
	if (id) {
		snprintf(path, sizeof(path), "%s/files/%s", bdir, id);
		cv_remove_tree(path, err);
		snprintf(path, sizeof(path), "%s/attach/%s", bdir, id);
		if (unlink(path) < 0 && errno != ENOENT)
			return cv_err_sys(err, "unlink(`%s`)", path);
	}
	if ((left = cv_net_records(bdir, ids, RECORDS_MAX, err)) != 0)
		return left < 0 ? left : 0;
	/* the last user: the bridge, its state, and its part of the table -
	 * only a bridge with a subnet file here is ours to delete (a failed
	 * attach may have found a link of that name that someone else made) */
	struct cv_nft_subnet sub;
	if (cv_net_subnet_read(bdir, &sub, err) < 0)
		return 0;
	if ((r = cv_link_delete(bridge, err)) < 0)
		return r;
	if ((r = cv_remove_tree(bdir, err)) < 0)
		return r;
	return cv_net_rebuild_table(state_dir, err);
}

int cv_net_detach(const char *state_dir, const char *bridge, const char *id, struct cv_err *err)
{
	_cleanup_close_ int lock = -1;

	state_dir = state_dir ? state_dir : CV_NET_STATE_DIR;
	if ((lock = cv_net_lock(state_dir, err)) < 0)
		return lock;
	return cv_net_detach_locked(state_dir, bridge, id, err);
}

/* want against the subnets of the other bridges recorded here. */
static int other_bridges(const char *state_dir, const struct cv_cidr *want, struct cv_err *err)
{
	char names[BRIDGES_MAX][IFNAMSIZ], bdir[PATH_MAX], a[CV_ADDR_TEXT_MAX], b[CV_ADDR_TEXT_MAX];
	int nb = cv_net_bridges(state_dir, names, BRIDGES_MAX, err);

	for (int i = 0; i < nb; i++) {
		struct cv_nft_subnet other;

		cv_net_bridge_dir(bdir, sizeof(bdir), state_dir, names[i]);
		if (cv_net_subnet_read(bdir, &other, err) == 0 && cv_cidr_overlap(want, &other.v4))
			return cv_err_set(err, EEXIST, "--subnet %s overlaps network %s (%s)",
					  cv_cidr_format(want, a, sizeof(a)), names[i],
					  cv_cidr_format(&other.v4, b, sizeof(b))),
			       cv_err_hint(err, "choose another --subnet, or use --bridge %s",
					   names[i]);
	}
	return nb < 0 ? nb : 0;
}

/*
 * The subnets of cfg's bridge: those recorded when it exists, else new
 * ones, refused when they would shadow a route the host already has or
 * another bridge's subnet (packets for those addresses would go one way
 * or the other depending on prefix lengths: silently wrong either way).
 */
static int choose_subnet(const struct cv_net_config *cfg, const char *state_dir, const char *bridge,
			 struct cv_nft_subnet *s, bool *is_new, struct cv_err *err)
{
	char bdir[PATH_MAX], what[128], a[CV_ADDR_TEXT_MAX];
	struct cv_cidr want;
	int r;

	if ((r = cv_cidr_parse(cfg->subnet ? cfg->subnet : CV_NET_SUBNET, false, "--subnet", &want,
			       err)) < 0)
		return r;
	if (want.family != AF_INET || cv_cidr_hosts(&want) < 2)
		return cv_err_set(err, EINVAL,
				  "--subnet %s: not an IPv4 subnet with room for a "
				  "gateway and a container",
				  cfg->subnet),
		       cv_err_hint(err,
				   "an IPv4 /30 or larger, such as %s (the IPv6 subnet "
				   "is made from it)",
				   CV_NET_SUBNET);
	cv_net_bridge_dir(bdir, sizeof(bdir), state_dir, bridge);
	if ((r = cv_net_subnet_read(bdir, s, err)) != -ENOENT) {
		*is_new = false;
		if (r == 0 && cfg->subnet &&
		    (want.prefix != s->v4.prefix || want.v4.s_addr != s->v4.v4.s_addr))
			return cv_err_set(err, EINVAL, "--subnet %s: network %s has %s",
					  cfg->subnet, bridge,
					  cv_cidr_format(&s->v4, a, sizeof(a))),
			       cv_err_hint(err, "leave --subnet out, or name another --bridge");
		return r;
	}
	*is_new = true;
	if ((r = cv_link_exists(bridge, err)) != 0)
		return r < 0 ? r
			     : (cv_err_set(err, EEXIST,
					   "--bridge %s: a link of that name exists, "
					   "and containerv did not make it",
					   bridge),
				cv_err_hint(err,
					    "name another --bridge (`ip link` lists the links)"));
	if ((r = other_bridges(state_dir, &want, err)) < 0)
		return r;
	if ((r = cv_link_route_overlap(&want, bridge, what, sizeof(what), err)) != 0)
		return r < 0 ? r
			     : (cv_err_set(err, EEXIST, "--subnet %s overlaps the route %s",
					   cv_cidr_format(&want, a, sizeof(a)), what),
				cv_err_hint(err, "choose another --subnet (`ip route` lists the "
						 "routes this host has)"));
	s->v4 = want;
	if (!cfg->no_ipv6)
		cv_cidr_ula(&want, &s->v6);
	return 0;
}

struct inside {
	struct cv_cidr addr4, gw4, addr6, gw6;
};

/* Run in the container's network namespace (cv_link_in_netns). */
static int configure_inside(void *arg, struct cv_err *err)
{
	struct inside *in = arg;

	return cv_link_configure("eth0", &in->addr4, &in->gw4, in->addr6.family ? &in->addr6 : NULL,
				 in->gw6.family ? &in->gw6 : NULL, err);
}

/* files/ID/resolv.conf and hosts, to be bound on the container's /etc. */
static int write_files(const char *state_dir, const struct cv_net_record *rec,
		       struct cv_net_attachment *att, struct cv_err *err)
{
	char text[8192];
	int n, r;

	if ((r = cv_net_files(state_dir, att->bridge, rec->id, att->resolv_conf, att->hosts, err)) <
	    0)
		return r;
	if ((n = cv_dns_resolv_conf(CV_DNS_HOST_RESOLV, CV_DNS_RESOLVED_UPSTREAM, text,
				    sizeof(text), err)) < 0 ||
	    (r = cv_write_file_new(att->resolv_conf, text, (size_t)n, 0644, err)) < 0)
		return n < 0 ? n : r;
	if ((n = cv_dns_hosts(rec->id, &rec->addr4, rec->addr6.family ? &rec->addr6 : NULL, text,
			      sizeof(text))) < 0)
		return cv_err_set(err, ENOSPC, "/etc/hosts for %s: too long", rec->id);
	return cv_write_file_new(att->hosts, text, (size_t)n, 0644,
				 err); /* O_TRUNC: the same inode, which a bind may show */
}

/*
 * A base chain of another table that drops on the forward or postrouting
 * hook undoes our accept without a word (nftables runs every base chain;
 * a drop in any is final): said at once, rather than found by a user
 * whose container reaches nothing.
 */
static void warn_firewall(const char *bridge)
{
	char report[1024];
	struct cv_err err;

	if (cv_nft_diagnose(report, sizeof(report), &err) <= 0)
		return;
	report[strcspn(report, "\n")] = '\0';
	cv_warn("%s: containers on %s will reach nothing through it", report, bridge);
	fprintf(stderr,
		"hint: accept their traffic there, e.g. `nft insert rule <that table> "
		"<that chain> iifname %s accept` and `... oifname %s accept`\n",
		bridge, bridge);
}

/* cv_net_attach's steps 2 to 8, under the lock; on failure the caller detaches. */
static int attach_locked(const struct cv_net_config *cfg, const char *state_dir, const char *bridge,
			 int netns_fd, struct cv_net_record *rec, struct cv_net_attachment *att,
			 struct cv_err *err)
{
	struct cv_nft_fwd fwds[2 * CV_NET_PORTS_MAX];
	struct cv_nft_subnet sub;
	struct cv_cidr want, *ip = NULL;
	struct inside in = {0};
	char bdir[PATH_MAX];
	bool is_new = false;
	int r, nf, created;

	cv_net_bridge_dir(bdir, sizeof(bdir), state_dir, bridge);
	if ((r = choose_subnet(cfg, state_dir, bridge, &sub, &is_new, err)) < 0 ||
	    (is_new && (r = cv_net_subnet_write(bdir, &sub, err)) < 0))
		return r;
	/* 2. the record, before anything it names exists (record.c says why) */
	if ((r = cv_net_record_write(bdir, rec, err)) < 0)
		return r;
	/* 3. an address, and its IPv6 twin: the same host number in the /64 */
	if (cfg->ip && (r = cv_cidr_parse(cfg->ip, false, "--ip", (ip = &want), err)) < 0)
		return r;
	if ((r = cv_ipam_take(bdir, &sub.v4, ip, rec->id, &rec->addr4, err)) < 0)
		return r;
	if (sub.v6.family)
		cv_cidr_host(&sub.v6, cv_cidr_host_number(&sub.v4, &rec->addr4), true, &rec->addr6);
	if ((r = cv_net_record_write(bdir, rec, err)) < 0)
		return r;
	/* 4. the bridge, up with the gateway's addresses; forwarding on */
	cv_cidr_host(&sub.v4, 1, true, &in.gw4);
	if (sub.v6.family)
		cv_cidr_host(&sub.v6, 1, true, &in.gw6);
	if ((created = cv_link_bridge_up(bridge, &in.gw4, sub.v6.family ? &in.gw6 : NULL, err)) < 0)
		return created;
	/* 5. NAT: a new bridge is a new subnet, so the table is rebuilt whole;
	 * otherwise only this container's map elements are added */
	nf = cv_net_record_fwds(rec, fwds);
	if (created || is_new || (nf > 0 && cv_nft_ports(true, fwds, nf, err) < 0))
		if ((r = cv_net_rebuild_table(state_dir, err)) < 0)
			return r;
	warn_firewall(bridge);
	/* 6. the veth: one end on the bridge, the other in the container, as eth0 */
	if ((r = cv_link_veth_add(rec->veth, bridge, netns_fd, "eth0", err)) < 0)
		return r;
	/* 7. inside: lo and eth0 up, the addresses, the default routes */
	in.addr4 = rec->addr4;
	in.addr6 = rec->addr6;
	if ((r = cv_link_in_netns(netns_fd, configure_inside, &in, err)) < 0)
		return r;
	/* 8. what the container's /etc/resolv.conf and /etc/hosts will be */
	if ((r = write_files(state_dir, rec, att, err)) < 0)
		return r;
	att->addr4 = rec->addr4;
	att->addr6 = rec->addr6;
	att->gw4 = in.gw4;
	att->gw6 = in.gw6;
	return 0;
}

int cv_net_attach(const struct cv_net_config *cfg, int netns_fd, struct cv_net_attachment *att,
		  struct cv_err *err)
{
	const char *state_dir = cfg->state_dir ? cfg->state_dir : CV_NET_STATE_DIR;
	const char *bridge = cfg->bridge ? cfg->bridge : CV_NET_BRIDGE;
	struct cv_net_record rec = {0};
	_cleanup_close_ int lock = -1;
	char bdir[PATH_MAX];
	int r;

	memset(att, 0, sizeof(*att));
	/* 0. what can be checked before anything exists */
	if ((r = id_check(cfg->id, err)) < 0 ||
	    (r = cv_link_name_check(bridge, "--bridge", err)) < 0)
		return r;
	if (cfg->n_ports > CV_NET_PORTS_MAX)
		return cv_err_set(err, E2BIG, "%d published ports: at most %d", cfg->n_ports,
				  CV_NET_PORTS_MAX);
	/* 1. the host ports held: the likeliest mistake, found before anything is made */
	for (int i = 0; i < cfg->n_ports; i++) {
		if ((r = cv_port_hold(&cfg->ports[i], att->held + att->n_held, err)) < 0)
			goto unhold;
		att->n_held += r;
	}
	if ((lock = cv_net_lock(state_dir, err)) < 0) {
		r = lock;
		goto unhold;
	}
	cv_net_bridge_dir(bdir, sizeof(bdir), state_dir, bridge);
	if (cv_net_record_read(bdir, cfg->id, &rec, err) == 0 && cv_net_record_alive(&rec)) {
		r = cv_err_set(err, EEXIST, "%s is on network %s already (pid %d)", cfg->id, bridge,
			       (int)rec.holder);
		goto unhold;
	}
	memset(&rec, 0, sizeof(rec));
	snprintf(rec.id, sizeof(rec.id), "%s", cfg->id);
	rec.holder = cfg->holder > 0 ? cfg->holder : getpid();
	rec.start = cv_proc_start(rec.holder);
	veth_name(rec.veth, sizeof(rec.veth), bridge, cfg->id);
	if (cfg->n_ports > 0) /* ports may be NULL with none */
		memcpy(rec.ports, cfg->ports, sizeof(rec.ports[0]) * (size_t)cfg->n_ports);
	rec.n_ports = cfg->n_ports;
	snprintf(att->id, sizeof(att->id), "%s", cfg->id);
	snprintf(att->bridge, sizeof(att->bridge), "%s", bridge);
	snprintf(att->veth, sizeof(att->veth), "%s", rec.veth);
	if ((r = attach_locked(cfg, state_dir, bridge, netns_fd, &rec, att, err)) == 0) {
		cv_err_clear(err); /* a lookup's expected ENOENT is no error of ours */
		return 0;
	}
	/* undone by the one way there is: detach copes with what was never made */
	struct cv_err ignored;
	cv_net_detach_locked(state_dir, bridge, cfg->id, &ignored);
unhold:
	for (int i = 0; i < att->n_held; i++)
		close(att->held[i]);
	att->n_held = 0;
	return r;
}
