/*
 * record.c - the state of step 04 on disk (record.h draws the layout).
 *
 * Why files, and why written first: the kernel keeps the links, the
 * addresses and the nft table, but not why they exist.  A bridge with
 * three veths says nothing of which container each veth was for, or
 * whether that container still runs.  So before a link is made its name
 * is written down with the process it belongs to; if that process is
 * killed at any point (SIGKILL cannot be caught), a later run reads the
 * record, sees the holder gone - its pid absent, or reused by a process
 * that started at another time - and undoes what the record names.
 * Undoing what was never made is harmless: deleting a missing link or
 * element is not an error there.
 *
 * A record is replaced by writing a new file and rename(2)ing it over
 * the old: rename is atomic, so a reader sees the old record or the new,
 * never half of one.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "04-network/record.h"
#include "common/cleanup.h"
#include "common/file.h"
#include "common/trace.h"

void cv_net_bridge_dir(char *buf, size_t size, const char *state_dir, const char *bridge)
{
	snprintf(buf, size, "%s/%s", state_dir, bridge);
}

int cv_net_lock(const char *state_dir, struct cv_err *err)
{
	char path[PATH_MAX];
	int fd, r;

	if ((r = cv_mkdir_p(state_dir, 0700, err)) < 0)
		return r;
	snprintf(path, sizeof(path), "%s/lock", state_dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return cv_err_sys(err, "open(`%s`)", path);
	/* one attach, detach or gc at a time: each reads the records, then
	 * changes links and the table to match them */
	if (flock(fd, LOCK_EX) < 0) {
		r = cv_err_sys(err, "flock(`%s`, LOCK_EX)", path);
		close(fd);
		return r;
	}
	return fd;
}

int cv_net_record_write(const char *bdir, const struct cv_net_record *r, struct cv_err *err)
{
	char dir[PATH_MAX], path[PATH_MAX + 80], tmp[PATH_MAX + 96], text[4096],
	    a[CV_ADDR_TEXT_MAX];
	size_t n = 0;
	int ret;

	snprintf(dir, sizeof(dir), "%s/attach", bdir);
	if ((ret = cv_mkdir_p(dir, 0700, err)) < 0)
		return ret;
	n += snprintf(text + n, sizeof(text) - n, "holder %d %llu\nveth %s\n", (int)r->holder,
		      r->start, r->veth);
	if (r->addr4.family)
		n += snprintf(text + n, sizeof(text) - n, "addr4 %s\n",
			      cv_cidr_format(&r->addr4, a, sizeof(a)));
	if (r->addr6.family)
		n += snprintf(text + n, sizeof(text) - n, "addr6 %s\n",
			      cv_cidr_format(&r->addr6, a, sizeof(a)));
	for (int i = 0; i < r->n_ports && n < sizeof(text); i++)
		n += snprintf(text + n, sizeof(text) - n, "port %s\n",
			      cv_port_format(&r->ports[i], a, sizeof(a)));
	snprintf(path, sizeof(path), "%s/%s", dir, r->id);
	snprintf(tmp, sizeof(tmp), "%s/.%s.new", dir, r->id);
	if ((ret = cv_write_file_new(tmp, text, strlen(text), 0600, err)) < 0)
		return ret;
	if (rename(tmp, path) < 0) {
		ret = cv_err_sys(err, "rename(`%s`, `%s`)", tmp, path);
		unlink(tmp);
		return ret;
	}
	return 0;
}

/* One "key value" line of a record into *r. */
static int record_line(struct cv_net_record *r, const char *key, const char *val,
		       struct cv_err *err)
{
	if (!strcmp(key, "holder"))
		return sscanf(val, "%d %llu", &r->holder, &r->start) == 2 ? 0 : -EINVAL;
	if (!strcmp(key, "veth"))
		return snprintf(r->veth, sizeof(r->veth), "%s", val) < (int)sizeof(r->veth)
			   ? 0
			   : -EINVAL;
	if (!strcmp(key, "addr4"))
		return cv_cidr_parse(val, true, "addr4", &r->addr4, err);
	if (!strcmp(key, "addr6"))
		return cv_cidr_parse(val, true, "addr6", &r->addr6, err);
	if (!strcmp(key, "port") && r->n_ports < CV_NET_PORTS_MAX)
		return cv_port_parse(val, &r->ports[r->n_ports++], err);
	return -EINVAL;
}

int cv_net_record_read(const char *bdir, const char *id, struct cv_net_record *r,
		       struct cv_err *err)
{
	char path[PATH_MAX], text[4096], *save = NULL;
	ssize_t n;

	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "%s", id);
	snprintf(path, sizeof(path), "%s/attach/%s", bdir, id);
	if ((n = cv_read_file(path, text, sizeof(text), err)) < 0)
		return (int)n;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *val = strchr(line, ' ');

		if (!val || record_line(r, line, (*val++ = '\0', val), err) < 0)
			return cv_err_set(err, EINVAL, "%s: a line that is not a record's: `%s`",
					  path, line);
	}
	return 0;
}

bool cv_net_record_alive(const struct cv_net_record *r)
{
	return r->holder > 0 && r->start && cv_proc_start(r->holder) == r->start;
}

/* The names in dir (no dot files) into names[0..max), each at most len-1 bytes. */
static int list_dir(const char *dir, char *names, size_t len, int max, bool want_dirs,
		    struct cv_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return errno == ENOENT ? 0 : cv_err_sys(err, "opendir(`%s`)", dir);
	while ((e = readdir(d)) && n < max) {
		if (e->d_name[0] == '.' || strlen(e->d_name) >= len ||
		    (want_dirs != (e->d_type == DT_DIR)))
			continue;
		memcpy(names + (size_t)n++ * len, e->d_name, strlen(e->d_name) + 1);
	}
	closedir(d);
	return n;
}

int cv_net_records(const char *bdir, char (*ids)[CV_NET_ID_MAX + 1], int max, struct cv_err *err)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/attach", bdir);
	return list_dir(dir, ids[0], sizeof(ids[0]), max, false, err);
}

int cv_net_bridges(const char *state_dir, char (*names)[IFNAMSIZ], int max, struct cv_err *err)
{
	return list_dir(state_dir, names[0], sizeof(names[0]), max, true, err);
}

int cv_net_subnet_read(const char *bdir, struct cv_nft_subnet *s, struct cv_err *err)
{
	char path[PATH_MAX], text[256], *nl;
	ssize_t n;
	int r;

	memset(s, 0, sizeof(*s));
	snprintf(path, sizeof(path), "%s/subnet", bdir);
	if ((n = cv_read_file(path, text, sizeof(text), err)) < 0)
		return (int)n;
	if ((nl = strchr(text, '\n')))
		*nl++ = '\0';
	if ((r = cv_cidr_parse(text, false, path, &s->v4, err)) < 0)
		return r;
	if (nl && *nl) {
		nl[strcspn(nl, "\n")] = '\0';
		return cv_cidr_parse(nl, false, path, &s->v6, err);
	}
	return 0;
}

int cv_net_subnet_write(const char *bdir, const struct cv_nft_subnet *s, struct cv_err *err)
{
	char path[PATH_MAX], text[2 * CV_ADDR_TEXT_MAX + 4], a[CV_ADDR_TEXT_MAX],
	    b[CV_ADDR_TEXT_MAX];
	int r;

	if ((r = cv_mkdir_p(bdir, 0700, err)) < 0)
		return r;
	snprintf(path, sizeof(path), "%s/subnet", bdir);
	snprintf(text, sizeof(text), "%s\n%s%s", cv_cidr_format(&s->v4, a, sizeof(a)),
		 s->v6.family ? cv_cidr_format(&s->v6, b, sizeof(b)) : "",
		 s->v6.family ? "\n" : "");
	return cv_write_file_new(path, text, strlen(text), 0600, err);
}

int cv_net_record_fwds(const struct cv_net_record *r, struct cv_nft_fwd *out)
{
	int n = 0;

	for (int i = 0; i < r->n_ports; i++) {
		const struct cv_port *p = &r->ports[i];
		const struct cv_cidr *to[2] = {&r->addr4, &r->addr6};

		for (int k = 0; k < 2; k++) {
			/* a host address picks its family; "any" goes to both */
			if (!to[k]->family || (p->host.family && p->host.family != to[k]->family))
				continue;
			out[n] =
			    (struct cv_nft_fwd){p->proto, p->host, p->host_port, *to[k], p->port};
			out[n].ctr.prefix = to[k]->family == AF_INET ? 32 : 128;
			n++;
		}
	}
	return n;
}

/* Made empty, never truncated: a bind of it may already show its contents. */
static int touch(const char *path, struct cv_err *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		return cv_err_sys(err, "open(`%s`, O_CREAT)", path);
	close(fd);
	return 0;
}

int cv_net_files(const char *state_dir, const char *bridge, const char *id, char *resolv,
		 char *hosts, struct cv_err *err)
{
	char dir[PATH_MAX];
	int r;

	state_dir = state_dir ? state_dir : CV_NET_STATE_DIR;
	bridge = bridge ? bridge : CV_NET_BRIDGE;
	if (snprintf(dir, sizeof(dir), "%s/%s/files/%s", state_dir, bridge, id) >=
		(int)sizeof(dir) ||
	    snprintf(resolv, PATH_MAX, "%s/resolv.conf", dir) >= PATH_MAX ||
	    snprintf(hosts, PATH_MAX, "%s/hosts", dir) >= PATH_MAX)
		return cv_err_set(err, ENAMETOOLONG, "`%s`: too long a path", state_dir);
	if ((r = cv_mkdir_p(dir, 0755, err)) < 0 || (r = touch(resolv, err)) < 0)
		return r;
	return touch(hosts, err);
}
