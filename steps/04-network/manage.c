/*
 * manage.c - the networks as a whole: `ls`, `rm`, `gc`.
 *
 * Attach and detach look at one container; these look at every record in
 * the state directory, and judge each by its holder.  A holder that is
 * gone - its pid absent, or reused by a process that started at another
 * time (record.c) - left its attachment behind: killed by SIGKILL during
 * setup, or after, or a machine whose /run survived what its processes
 * did not.  gc takes such attachments away with the same detach that a
 * living holder would have called, then rebuilds the nft table from what
 * is left, which also repairs a table someone flushed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "04-network/ipam.h"
#include "04-network/network.h"
#include "04-network/record.h"
#include "common/cleanup.h"

/* Addresses whose owner has no record: taken by a holder killed before it wrote one. */
struct orphans {
	const char *bdir;
	char owners[RECORDS_MAX][CV_IPAM_OWNER_MAX];
	int n;
};

static int note_orphan(const char *addr, const char *owner, void *arg)
{
	struct orphans *o = arg;
	struct cv_net_record rec;
	struct cv_err ignored;

	(void)addr;
	if (cv_net_record_read(o->bdir, owner, &rec, &ignored) < 0 && o->n < RECORDS_MAX)
		snprintf(o->owners[o->n++], sizeof(o->owners[0]), "%s", owner);
	return 0;
}

/* gc of one bridge: its dead attachments, then its orphaned addresses. */
static int gc_bridge(const char *state_dir, const char *bridge, struct cv_err *err)
{
	static char ids[RECORDS_MAX][CV_NET_ID_MAX + 1];
	static struct orphans o;
	char bdir[PATH_MAX];
	int n, removed = 0, r;

	cv_net_bridge_dir(bdir, sizeof(bdir), state_dir, bridge);
	if ((n = cv_net_records(bdir, ids, RECORDS_MAX, err)) < 0)
		return n;
	for (int i = 0; i < n; i++) {
		struct cv_net_record rec;
		struct cv_err bad;

		/* an unreadable record is a holder killed mid-write: dead too */
		if (cv_net_record_read(bdir, ids[i], &rec, &bad) == 0 && cv_net_record_alive(&rec))
			continue;
		if ((r = cv_net_detach_locked(state_dir, bridge, ids[i], err)) < 0)
			return r;
		removed++;
	}
	o.bdir = bdir;
	o.n = 0;
	if ((r = cv_ipam_each(bdir, note_orphan, &o, err)) < 0)
		return r;
	for (int i = 0; i < o.n; i++, removed++)
		if ((r = cv_ipam_release(bdir, o.owners[i], err)) < 0)
			return r;
	/* with nobody left, the bridge itself */
	if ((r = cv_net_detach_locked(state_dir, bridge, NULL, err)) < 0)
		return r;
	return removed;
}

int cv_net_gc(const char *state_dir, struct cv_err *err)
{
	char names[BRIDGES_MAX][IFNAMSIZ];
	_cleanup_close_ int lock = -1;
	int nb, removed = 0, r;

	state_dir = state_dir ? state_dir : CV_NET_STATE_DIR;
	if ((lock = cv_net_lock(state_dir, err)) < 0)
		return lock;
	if ((nb = cv_net_bridges(state_dir, names, BRIDGES_MAX, err)) < 0)
		return nb;
	for (int b = 0; b < nb; b++) {
		if ((r = gc_bridge(state_dir, names[b], err)) < 0)
			return r;
		removed += r;
	}
	if ((r = cv_net_rebuild_table(state_dir, err)) < 0)
		return r;
	return removed;
}

int cv_net_remove(const char *state_dir, const char *name, struct cv_err *err)
{
	static char ids[RECORDS_MAX][CV_NET_ID_MAX + 1];
	struct cv_nft_subnet sub;
	_cleanup_close_ int lock = -1;
	char bdir[PATH_MAX];
	int n, r;

	state_dir = state_dir ? state_dir : CV_NET_STATE_DIR;
	if ((lock = cv_net_lock(state_dir, err)) < 0)
		return lock;
	cv_net_bridge_dir(bdir, sizeof(bdir), state_dir, name);
	if (cv_net_subnet_read(bdir, &sub, err) < 0)
		return cv_err_set(err, ENOENT, "no network named `%s` in %s", name, state_dir),
		       cv_err_hint(err, "`cv-network ls` lists the networks");
	if ((n = cv_net_records(bdir, ids, RECORDS_MAX, err)) < 0)
		return n;
	for (int i = 0; i < n; i++) {
		struct cv_net_record rec;

		if (cv_net_record_read(bdir, ids[i], &rec, err) == 0 && cv_net_record_alive(&rec))
			return cv_err_set(err, EBUSY, "network %s is in use by %s (pid %d)", name,
					  rec.id, (int)rec.holder),
			       cv_err_hint(err, "stop that container first");
		if ((r = cv_net_detach_locked(state_dir, name, ids[i], err)) < 0)
			return r;
	}
	return cv_net_detach_locked(state_dir, name, NULL, err);
}

struct each_ctx {
	const char *bdir;
	struct cv_net_use *use;
	int (*fn)(const struct cv_net_use *u, void *arg);
	void *arg;
};

static int each_addr(const char *addr, const char *owner, void *arg)
{
	struct each_ctx *c = arg;
	struct cv_net_record rec;
	struct cv_err ignored;
	bool known = cv_net_record_read(c->bdir, owner, &rec, &ignored) == 0;

	c->use->addr = addr;
	c->use->owner = owner;
	c->use->holder = known ? rec.holder : 0;
	c->use->alive = known && cv_net_record_alive(&rec);
	return c->fn(c->use, c->arg);
}

int cv_net_each(const char *state_dir, int (*fn)(const struct cv_net_use *u, void *arg), void *arg,
		struct cv_err *err)
{
	char names[BRIDGES_MAX][IFNAMSIZ], bdir[PATH_MAX], subnet[CV_ADDR_TEXT_MAX];
	int nb, r;

	state_dir = state_dir ? state_dir : CV_NET_STATE_DIR;
	if ((nb = cv_net_bridges(state_dir, names, BRIDGES_MAX, err)) < 0)
		return nb;
	for (int b = 0; b < nb; b++) {
		struct cv_nft_subnet sub;
		struct cv_net_use u = {names[b], subnet, NULL, NULL, 0, false};
		struct each_ctx c = {bdir, &u, fn, arg};

		cv_net_bridge_dir(bdir, sizeof(bdir), state_dir, names[b]);
		if (cv_net_subnet_read(bdir, &sub, err) < 0)
			continue;
		cv_cidr_format(&sub.v4, subnet, sizeof(subnet));
		if ((r = fn(&u, arg)) != 0 || (r = cv_ipam_each(bdir, each_addr, &c, err)) != 0)
			return r;
	}
	return 0;
}
