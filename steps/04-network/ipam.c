/*
 * ipam.c - addresses given out as files (see ipam.h for the layout).
 *
 * Two containers started at the same moment must not get the same
 * address, and a runtime killed half-way must not lose track of one.  A
 * daemon holding a table in memory would do the first and fail the
 * second; the filesystem does both.  open(2) with O_CREAT|O_EXCL is
 * atomic: of any number of processes creating the same name, exactly one
 * succeeds and the others get EEXIST, so the file *is* the reservation.
 * The flock(2) around the search only keeps two searches from walking the
 * same free numbers in step (each would lose every race to the other);
 * the exclusive create is what makes a collision impossible.  flock is
 * released by the kernel when its holder dies, however it dies.
 *
 * The owner is written into the file after it is created: a process that
 * dies between the two leaves an empty file.  That address is taken by
 * nobody known: it is listed with owner "" and `gc` may remove it.  The
 * file is not fsync'ed: the state lives under /run, a tmpfs that empties
 * at boot along with every container, and a process crash loses nothing
 * that reached the page cache.  fsync would only cost a disk flush.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "04-network/ipam.h"
#include "common/cleanup.h"
#include "common/file.h"
#include "common/trace.h"

/* CNI's name: ".0" numbers the range, of which a network has one here */
#define LAST_RESERVED "last_reserved_ip.0"

/* One address given out: what its file is called, and what it holds. */
struct lease {
	uint32_t addr; /* host order, so that sorting numbers sorts addresses */
	char owner[CV_IPAM_OWNER_MAX + 1];
};

/*
 * The owner in DIR/ipam/NAME, without its "\n": "" when the file is
 * empty, -errno when it cannot be read (released meanwhile: ENOENT).
 * O_NOFOLLOW: a file of the state directory is read, never what a
 * symlink planted there points to.
 */
static int read_owner(int dfd, const char *name, char owner[CV_IPAM_OWNER_MAX + 1])
{
	_cleanup_close_ int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;

	if (fd < 0 || (n = read(fd, owner, CV_IPAM_OWNER_MAX)) < 0)
		return -errno;
	owner[n] = '\0';
	owner[strcspn(owner, "\n")] = '\0';
	return 0;
}

/*
 * Open DIR/ipam (made when `create`) and take its lock, shared (to read)
 * or exclusive (to change).  *lock_fd holds the lock, which closing it
 * lets go; the directory's fd is returned.  -ENOENT when the directory is
 * missing and not to be made.
 */
static int open_locked(const char *dir, bool create, int how, int *lock_fd, struct cv_err *err)
{
	char path[PATH_MAX];
	_cleanup_close_ int dfd = -1, lfd = -1;
	int r;

	snprintf(path, sizeof(path), "%s/ipam", dir);
	if (create && (r = cv_mkdir_p(path, 0755, err)) < 0)
		return r;
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return errno == ENOENT && !create ? -ENOENT : cv_err_sys(err, "open(`%s`)", path);
	lfd = openat(dfd, "lock", O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (lfd < 0)
		return cv_err_sys(err, "open(`%s/lock`)", path);
	r = flock(lfd, how);
	cv_trace_sys(r, "flock(%s/lock, %s)", path, how == LOCK_EX ? "LOCK_EX" : "LOCK_SH");
	if (r < 0)
		return cv_err_sys(err, "flock(`%s/lock`)", path);
	*lock_fd = steal_fd(&lfd);
	return steal_fd(&dfd);
}

static int by_addr(const void *a, const void *b)
{
	uint32_t x = ((const struct lease *)a)->addr, y = ((const struct lease *)b)->addr;
	return (x > y) - (x < y);
}

/*
 * Every lease in the directory dfd, sorted by address, in *out (the
 * caller's to free); returns how many.  The directory is the whole
 * database: there is no index by owner, and a /24 holds at most 254
 * files, so taking, releasing and listing each read it all.  Names that
 * are no IPv4 address (lock, last_reserved_ip.0) are not leases.
 */
static int read_leases(int dfd, const char *dir, struct lease **out, struct cv_err *err)
{
	_cleanup_free_ struct lease *all = NULL;
	_cleanup_close_ int fd = dup(dfd);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *e;
	struct in_addr a;
	size_t n = 0, cap = 0;

	if (!d)
		return cv_err_sys(err, "opendir(`%s/ipam`)", dir);
	fd = -1;      /* the DIR has it now */
	rewinddir(d); /* a dup shares dfd's offset, which an earlier reader moved */
	while ((e = readdir(d))) {
		struct lease l;
		if (inet_pton(AF_INET, e->d_name, &a) != 1 || read_owner(dfd, e->d_name, l.owner))
			continue; /* not an address, or released since readdir */
		l.addr = ntohl(a.s_addr);
		if (n == cap) {
			struct lease *more = realloc(all, (cap = cap ? 2 * cap : 16) * sizeof(l));
			if (!more) {
				closedir(d);
				return cv_err_set(err, ENOMEM, "IPAM: out of memory reading %s",
						  dir);
			}
			all = more;
		}
		all[n++] = l;
	}
	closedir(d);
	if (n)
		qsort(all, n, sizeof(struct lease), by_addr); /* "10.77.0.10" after "10.77.0.9" */
	*out = steal_pointer(&all);
	return (int)n;
}

/*
 * Try to create the file of host n of subnet: 1 when it is now owner's
 * (the address, with the subnet's prefix, in *out), 0 when it exists
 * (EEXIST: someone has it), -errno.  The owner is written in one write(2);
 * see the essay above for a crash before it.  Mode 0644: `ls` by any user
 * may see who has what; only root changes it.
 */
static int try_create(int dfd, const char *dir, const struct cv_cidr *subnet, uint32_t n,
		      const char *owner, struct cv_cidr *out, struct cv_err *err)
{
	char name[INET6_ADDRSTRLEN], line[CV_IPAM_OWNER_MAX + 2];
	struct cv_cidr a;
	_cleanup_close_ int fd = -1;
	int len = snprintf(line, sizeof(line), "%s\n", owner);

	cv_cidr_host(subnet, n, true, &a); /* n is in 2..hosts: it cannot fail */
	cv_addr_format(&a, name, sizeof(name));
	fd = openat(dfd, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
	cv_trace_sys(fd, "open(%s/ipam/%s, O_CREAT|O_EXCL)", dir, name);
	if (fd < 0)
		return errno == EEXIST ? 0 : cv_err_sys(err, "open(`%s/ipam/%s`)", dir, name);
	if (write(fd, line, (size_t)len) != len) {
		int r = cv_err_sys(err, "write(`%s/ipam/%s`, \"%s\")", dir, name, owner);
		unlinkat(dfd, name, 0); /* not taken after all */
		return r;
	}
	*out = a;
	return 1;
}

/*
 * `want`: checked to be a host of subnet other than the gateway, then
 * created.  Taken already, the message names its owner, which is what
 * the user needs to decide: stop that container, or choose another.
 */
static int take_wanted(int dfd, const char *dir, const struct cv_cidr *subnet,
		       const struct cv_cidr *want, const char *owner, struct cv_cidr *out,
		       struct cv_err *err)
{
	char a[INET6_ADDRSTRLEN], s[CV_ADDR_TEXT_MAX], held[CV_IPAM_OWNER_MAX + 1] = "";
	uint32_t n = cv_cidr_host_number(subnet, want);
	int r;

	cv_addr_format(want, a, sizeof(a));
	cv_cidr_format(subnet, s, sizeof(s));
	if (n < 2) {
		cv_err_set(err, EINVAL, "%s is %s %s", a,
			   n == 1 ? "the gateway, the bridge's own address in" : "not a host of",
			   s);
		return cv_err_hint(err,
				   "choose a host of %s from its second on (the first is "
				   "the gateway; the network and broadcast are no hosts)",
				   s);
	}
	r = try_create(dfd, dir, subnet, n, owner, out, err);
	if (r)
		return r < 0 ? r : 0;
	read_owner(dfd, a, held);
	cv_err_set(err, EADDRINUSE, "%s is in use by %s", a,
		   *held ? held : "\"\" (an empty file: its owner died taking it)");
	return cv_err_hint(err, "choose another address, or none for the next free one");
}

/* The host number the last search ended at (0: none yet, or not of this subnet). */
static uint32_t last_reserved(int dfd, const struct cv_cidr *subnet)
{
	char text[CV_IPAM_OWNER_MAX + 1] = "";
	struct cv_cidr last;
	struct cv_err ignored;

	if (read_owner(dfd, LAST_RESERVED, text) < 0 ||
	    cv_cidr_parse(text, false, LAST_RESERVED, &last, &ignored) < 0)
		return 0;
	return cv_cidr_host_number(subnet, &last);
}

/*
 * The next free host after the last one given out, wrapping once to the
 * first: addresses freed by containers that went away are reused last,
 * so a new container rarely gets an address an old one's peers still
 * remember (ARP caches, open connections).
 */
static int take_next(int dfd, const char *dir, const struct cv_cidr *subnet, const char *owner,
		     struct cv_cidr *out, struct cv_err *err)
{
	uint32_t hosts = cv_cidr_hosts(subnet), start = last_reserved(dfd, subnet), n = start;
	char path[PATH_MAX], text[INET6_ADDRSTRLEN], s[CV_ADDR_TEXT_MAX];
	int r = 0;

	/* each host number once at most, so a full subnet ends the loop */
	for (uint32_t tried = 0; tried < hosts; tried++) {
		n = n >= hosts ? 1 : n + 1;
		if (n == 1)
			continue; /* the gateway */
		if ((r = try_create(dfd, dir, subnet, n, owner, out, err)) != 0)
			break;
	}
	if (r < 0)
		return r;
	if (r == 0) {
		cv_err_set(err, ENOSPC, "no address left in %s",
			   cv_cidr_format(subnet, s, sizeof(s)));
		return cv_err_hint(err, "release one (detach a container, or gc), or use a "
					"larger subnet");
	}
	/* under the lock, so a plain rewrite; torn by a crash, it only restarts the search */
	snprintf(path, sizeof(path), "%s/ipam/%s", dir, LAST_RESERVED);
	cv_addr_format(out, text, sizeof(text));
	return cv_write_file_new(path, text, strlen(text), 0644, err);
}

/*
 * owner has `held` already: the same again, unless it wants another (an
 * owner has one address per network; moving it is a release and a take).
 */
static int give_back(const struct cv_cidr *subnet, uint32_t held, const struct cv_cidr *want,
		     const char *owner, struct cv_cidr *out, struct cv_err *err)
{
	struct cv_cidr h = {.family = AF_INET, .v4.s_addr = htonl(held), .prefix = 32};
	char a[INET6_ADDRSTRLEN], w[INET6_ADDRSTRLEN], s[CV_ADDR_TEXT_MAX];

	cv_addr_format(&h, a, sizeof(a));
	cv_trace("%s already has %s", owner, a);
	if (want && want->v4.s_addr != h.v4.s_addr) {
		cv_err_set(err, EEXIST, "%s already has %s, not %s", owner, a,
			   cv_addr_format(want, w, sizeof(w)));
		return cv_err_hint(err, "release it first (detach, or gc)");
	}
	if (cv_cidr_host(subnet, cv_cidr_host_number(subnet, &h), true, out) < 0)
		return cv_err_set(err, EEXIST, "%s already has %s, outside %s", owner, a,
				  cv_cidr_format(subnet, s, sizeof(s)));
	return 0;
}

int cv_ipam_take(const char *dir, const struct cv_cidr *subnet, const struct cv_cidr *want,
		 const char *owner, struct cv_cidr *out, struct cv_err *err)
{
	_cleanup_close_ int lock = -1, dfd = -1;
	_cleanup_free_ struct lease *all = NULL;
	char s[CV_ADDR_TEXT_MAX];
	int n;

	if (subnet->family != AF_INET || cv_cidr_hosts(subnet) < 2)
		return cv_err_set(err, EINVAL,
				  "IPAM: %s is not an IPv4 subnet with room for "
				  "a gateway and a host (/30 or larger)",
				  cv_cidr_format(subnet, s, sizeof(s)));
	/* the owner is the file's one line: no newline in it, and "" means "unknown" */
	if (!*owner || strlen(owner) > CV_IPAM_OWNER_MAX || strchr(owner, '\n'))
		return cv_err_set(err, EINVAL,
				  "IPAM: `%s` cannot own an address (1..%d "
				  "characters, one line)",
				  owner, CV_IPAM_OWNER_MAX);
	if ((dfd = open_locked(dir, true, LOCK_EX, &lock, err)) < 0 ||
	    (n = read_leases(dfd, dir, &all, err)) < 0)
		return dfd < 0 ? dfd : n;
	/* taking twice gives the same address: a retried attach is harmless */
	for (int i = 0; i < n; i++)
		if (!strcmp(all[i].owner, owner))
			return give_back(subnet, all[i].addr, want, owner, out, err);
	if (want)
		return take_wanted(dfd, dir, subnet, want, owner, out, err);
	return take_next(dfd, dir, subnet, owner, out, err);
}

/*
 * Every file holding owner goes: one per network as this code writes
 * them, but a state directory repaired by hand may hold more.
 */
int cv_ipam_release(const char *dir, const char *owner, struct cv_err *err)
{
	_cleanup_close_ int lock = -1, dfd = -1;
	_cleanup_free_ struct lease *all = NULL;
	char name[INET_ADDRSTRLEN];
	int n, released = 0;

	if ((dfd = open_locked(dir, false, LOCK_EX, &lock, err)) < 0)
		return dfd == -ENOENT ? 0 : dfd; /* nothing was ever taken */
	if ((n = read_leases(dfd, dir, &all, err)) < 0)
		return n;
	for (int i = 0; i < n; i++) {
		struct in_addr a = {.s_addr = htonl(all[i].addr)};
		int r;
		if (strcmp(all[i].owner, owner))
			continue;
		inet_ntop(AF_INET, &a, name, sizeof(name));
		r = unlinkat(dfd, name, 0);
		cv_trace_sys(r, "unlink(%s/ipam/%s): %s gives it back", dir, name, owner);
		if (r < 0)
			return cv_err_sys(err, "unlink(`%s/ipam/%s`)", dir, name);
		released++;
	}
	return released;
}

int cv_ipam_each(const char *dir, int (*fn)(const char *addr, const char *owner, void *arg),
		 void *arg, struct cv_err *err)
{
	_cleanup_close_ int lock = -1, dfd = -1;
	_cleanup_free_ struct lease *all = NULL;
	char text[INET_ADDRSTRLEN];
	int n, r = 0;

	/* shared: no taker is half-way through a file while it is read */
	if ((dfd = open_locked(dir, false, LOCK_SH, &lock, err)) < 0)
		return dfd == -ENOENT ? 0 : dfd; /* no ipam/: nothing given out */
	n = read_leases(dfd, dir, &all, err);
	cv_closep(&lock); /* let go before fn, which may take or release here itself */
	for (int i = 0; i < n && !r; i++) {
		struct in_addr a = {.s_addr = htonl(all[i].addr)};
		r = fn(inet_ntop(AF_INET, &a, text, sizeof(text)), all[i].owner, arg);
	}
	return n < 0 ? n : r;
}
