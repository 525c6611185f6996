/*
 * test_network_link.c - step 04's links as root: a bridge, a veth pair
 * into a second namespace, addresses, routes, a ping across.
 *
 * Every test begins with unshare(CLONE_NEWNET) in its own forked process
 * (lib/tap.h), so all it makes lives in a namespace of its own that dies
 * with it: the machine's links, addresses and routes are never touched.
 * The "container" is a second namespace, made by a child that unshares
 * and exits, kept alive by the open /proc/CHILD/ns/net.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "04-network/link.h"
#include "common/file.h"
#include "common/trace.h"
#include "lib/tap.h"

static struct cv_err err;

/* The test's own network namespace, before anything is made. */
static void fresh_netns(void)
{
	tap_need_root();
	CHECK(unshare(CLONE_NEWNET) == 0, "unshare(CLONE_NEWNET): %s", strerror(errno));
}

static struct cv_cidr cidr(const char *addr, int prefix)
{
	struct cv_cidr c = {.family = strchr(addr, ':') ? AF_INET6 : AF_INET, .prefix = prefix};

	CHECK(inet_pton(c.family, addr, &c.v6) == 1, "inet_pton(%s)", addr);
	return c;
}

/* A second, empty network namespace: an open fd to it. */
static int container_netns(void)
{
	int ready[2], status, fd;
	char path[64], c;
	pid_t pid;

	CHECK(pipe(ready) == 0, "pipe");
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		close(ready[0]);
		if (unshare(CLONE_NEWNET) < 0)
			_exit(1);
		c = 'u';
		write(ready[1], &c, 1);
		close(ready[1]);
		pause(); /* until the parent holds the namespace and kills us */
		_exit(0);
	}
	close(ready[1]);
	CHECK(read(ready[0], &c, 1) == 1, "the child could not unshare");
	close(ready[0]);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0, "open(%s): %s", path, strerror(errno));
	kill(pid, SIGKILL);
	CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
	return fd;
}

/* The output of a shell command run here (ip -j addr ...), in buf. */
static const char *run(const char *cmd, char *buf, size_t size)
{
	FILE *p = popen(cmd, "r");
	size_t n;

	CHECK(p, "popen(%s)", cmd);
	n = fread(buf, 1, size - 1, p);
	buf[n] = '\0';
	pclose(p);
	return buf;
}

/* Exit status of argv run in the namespace netns_fd. */
static int run_in(int netns_fd, char *const argv[])
{
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (setns(netns_fd, CLONE_NEWNET) < 0)
			_exit(126);
		dup2(null, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static struct cv_cidr gw4, gw6;

static void bridge(void)
{
	gw4 = cidr("10.77.0.1", 24);
	gw6 = cidr("fd63:7663:a4d::1", 64);
	CHECK(cv_link_bridge_up("cvt0", &gw4, &gw6, &err) == 1, "first: %s", err.msg);
}

static void bridge_made_then_found(void)
{
	char out[8192], line[4096];
	int trace[2];
	ssize_t n;

	fresh_netns();
	CHECK(pipe(trace) == 0, "pipe");
	cv_trace_enable(trace[1]);
	bridge();
	CHECK(cv_link_bridge_up("cvt0", &gw4, &gw6, &err) == 0, "second: %s", err.msg);
	cv_trace_enable(-1);
	close(trace[1]);
	n = read(trace[0], line, sizeof(line) - 1);
	line[n > 0 ? n : 0] = '\0';
	CHECK(strstr(line, "=> RTM_NEWLINK bridge \"cvt0\" up ok"), "trace: %s", line);
	CHECK(strstr(line, "=> RTM_NEWADDR 10.77.0.1/24 dev cvt0 failed: EEXIST"), "%s", line);
	CHECK(cv_link_exists("cvt0", &err) == 1, "exists: %s", err.msg);
	CHECK(cv_link_exists("cvt9", &err) == 0, "a link never made exists?");
	run("ip -j addr show dev cvt0", out, sizeof(out));
	CHECK(strstr(out, "\"10.77.0.1\"") && strstr(out, "\"prefixlen\":24"), "%s", out);
	CHECK(strstr(out, "\"fd63:7663:a4d::1\""), "no IPv6 gateway: %s", out);
	CHECK(strstr(out, "\"UP\""), "not up: %s", out);
	CHECK(cv_read_file("/proc/sys/net/ipv4/ip_forward", out, sizeof(out), &err) > 0 &&
		  out[0] == '1',
	      "ip_forward: %s", out);
	CHECK(cv_read_file("/proc/sys/net/ipv4/conf/cvt0/route_localnet", out, sizeof(out), &err) >
		      0 &&
		  out[0] == '1',
	      "route_localnet: %s", out);
	/* a link of that name that is no bridge is not taken for one */
	CHECK(cv_link_bridge_up("lo", &gw4, NULL, &err) == -EEXIST, "lo as a bridge");
	CHECK(strstr(err.msg, "not a bridge"), "%s", err.msg);
}

struct inside {
	struct cv_cidr a4, a6;
};

static int configure_inside(void *arg, struct cv_err *e)
{
	struct inside *in = arg;

	/* opened here, after the setns: this socket sees the container's links */
	if (cv_link_exists("eth0", e) != 1)
		return -ENODEV;
	return cv_link_configure("eth0", &in->a4, &gw4, &in->a6, &gw6, e);
}

static int eth0_here(void *arg, struct cv_err *e)
{
	(void)arg;
	return cv_link_exists("eth0", e);
}

static void veth_into_container(void)
{
	struct inside in = {cidr("10.77.0.2", 24), cidr("fd63:7663:a4d::2", 64)};
	char *ping4[] = {"/bin/busybox", "ping", "-c1", "-W1", "10.77.0.1", NULL};
	char *ping6[] = {"/bin/busybox", "ping6", "-c1", "-W1", "fd63:7663:a4d::1", NULL};
	char out[8192];
	int ns;

	if (access(ping4[0], X_OK) < 0)
		tap_skip("no %s to ping with (apt-get install busybox-static)", ping4[0]);
	fresh_netns();
	bridge();
	ns = container_netns();
	CHECK(cv_link_veth_add("cvt-h0", "cvt0", ns, "eth0", &err) == 0, "%s", err.msg);
	CHECK(cv_link_exists("cvt-h0", &err) == 1 && cv_link_exists("eth0", &err) == 0,
	      "the host end is here, the peer is not");
	run("ip -j link show dev cvt-h0", out, sizeof(out));
	CHECK(strstr(out, "\"master\":\"cvt0\"") && strstr(out, "\"UP\""), "%s", out);
	CHECK(cv_link_in_netns(ns, configure_inside, &in, &err) == 0, "%s", err.msg);
	CHECK(run_in(ns, ping4) == 0, "ping 10.77.0.1 from the container failed");
	CHECK(run_in(ns, ping6) == 0, "ping6 fd63:7663:a4d::1 from the container failed");
	/* the same host name again: EEXIST naming it */
	CHECK(cv_link_veth_add("cvt-h0", "cvt0", ns, "eth1", &err) == -EEXIST, "twice");
	CHECK(strstr(err.msg, "cvt-h0") && strstr(err.msg, "RTM_NEWLINK"), "%s", err.msg);
	/* a peer name taken in the container: the request fails whole, no host end left */
	CHECK(cv_link_veth_add("cvt-h1", "cvt0", ns, "lo", &err) == -EEXIST, "lo twice");
	CHECK(cv_link_exists("cvt-h1", &err) == 0, "half a pair was left behind");
	CHECK(cv_link_veth_add("cvt-h2", "nobr", ns, "eth2", &err) == -ENODEV, "no bridge");
	CHECK(strstr(err.msg, "nobr"), "%s", err.msg);
	close(ns);
}

static void delete_twice(void)
{
	int ns;

	fresh_netns();
	bridge();
	ns = container_netns();
	CHECK(cv_link_veth_add("cvt-h0", "cvt0", ns, "eth0", &err) == 0, "%s", err.msg);
	CHECK(cv_link_in_netns(ns, eth0_here, NULL, &err) == 1, "no eth0 inside");
	CHECK(cv_link_delete("cvt-h0", &err) == 0, "delete: %s", err.msg);
	CHECK(cv_link_delete("cvt-h0", &err) == 1, "delete again: %s", err.msg);
	CHECK(err.code == 0, "an error left after a link that was not there: %s", err.msg);
	CHECK(cv_link_in_netns(ns, eth0_here, NULL, &err) == 0, "the peer outlived its pair");
	close(ns);
}

static void route_overlap(void)
{
	struct cv_cidr gw = cidr("10.88.0.1", 24), sub = cidr("10.77.5.0", 24);
	struct cv_cidr other = cidr("10.99.0.0", 16), own = cidr("10.88.0.0", 24);
	char what[128] = "";
	int me;

	fresh_netns();
	CHECK(cv_link_bridge_up("cvt0", &gw, NULL, &err) == 1, "%s", err.msg);
	/* a veth with both ends here: the peer "comes in" to this very namespace */
	me = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	CHECK(cv_link_veth_add("cvt-h0", "cvt0", me, "cvt-p0", &err) == 0, "%s", err.msg);
	CHECK(system("ip route add 10.77.0.0/16 dev cvt-h0") == 0, "route via cvt-h0");
	CHECK(system("ip route add default via 10.88.0.254 dev cvt0") == 0, "default route");
	CHECK(cv_link_route_overlap(&sub, "cvt0", what, sizeof(what), &err) == 1, "%s", err.msg);
	CHECK(strcmp(what, "10.77.0.0/16 dev cvt-h0") == 0, "what: %s", what);
	CHECK(cv_link_route_overlap(&other, "cvt0", what, sizeof(what), &err) == 0,
	      "the default route counted: %s", what);
	/* the bridge's own subnet: through `except`, so not counted; without, it is */
	CHECK(cv_link_route_overlap(&own, "cvt0", what, sizeof(what), &err) == 0, "%s", what);
	CHECK(cv_link_route_overlap(&own, NULL, what, sizeof(what), &err) == 1, "own subnet");
	CHECK(strcmp(what, "10.88.0.0/24 dev cvt0") == 0, "what: %s", what);
	close(me);
}

static void name_check(void)
{
	CHECK(cv_link_name_check("cv0123456789abc", "--bridge", &err) == 0, "15 bytes refused");
	CHECK(cv_link_name_check("cv0123456789abcd", "--bridge", &err) == -EINVAL, "16 accepted");
	CHECK(strstr(err.msg, "--bridge") && strstr(err.msg, "15") && strstr(err.msg, "16"), "%s",
	      err.msg);
	CHECK(cv_link_name_check("", "--bridge", &err) == -EINVAL, "empty accepted");
	CHECK(cv_link_name_check("a/b", "--bridge", &err) == -EINVAL, "'/' accepted");
	CHECK(cv_link_name_check("a:b", "--bridge", &err) == -EINVAL, "':' accepted");
	CHECK(cv_link_name_check("..", "--bridge", &err) == -EINVAL, "'..' accepted");
	/* and the bridge refuses a long name before any request */
	fresh_netns();
	CHECK(cv_link_bridge_up("cv0123456789abcd", &gw4, NULL, &err) == -EINVAL, "long bridge");
}

static void unprivileged_is_eperm(void)
{
	struct cv_cidr gw = cidr("10.77.0.1", 24);

	fresh_netns();
	if (setresuid(65534, 65534, 65534) < 0 && errno == EINVAL)
		tap_skip("uid 65534 has no mapping in this user namespace");
	CHECK(getuid() == 65534, "setresuid: %s", strerror(errno));
	CHECK(cv_link_bridge_up("cvt0", &gw, NULL, &err) == -EPERM, "code %d: %s", err.code,
	      err.msg);
	CHECK(strstr(err.msg, "RTM_NEWLINK bridge \"cvt0\""), "%s", err.msg);
	CHECK(strstr(err.hint, "CAP_NET_ADMIN") && strstr(err.hint, "--rootless"), "%s", err.hint);
}

static int fails(void *arg, struct cv_err *e)
{
	(void)arg;
	return cv_err_set(e, ENOTSUP, "inside");
}

static void in_netns_comes_back(void)
{
	struct stat home, after;
	int ns;

	fresh_netns();
	ns = container_netns();
	CHECK(stat("/proc/thread-self/ns/net", &home) == 0, "stat");
	CHECK(cv_link_in_netns(ns, fails, NULL, &err) == -ENOTSUP, "fn's result lost");
	CHECK(stat("/proc/thread-self/ns/net", &after) == 0 && after.st_ino == home.st_ino,
	      "not back in the caller's namespace");
	CHECK(cv_link_in_netns(-1, fails, NULL, &err) == -EBADF, "a bad fd entered?");
	CHECK(strstr(err.msg, "setns"), "%s", err.msg);
	close(ns);
}

int main(void)
{
	static const struct tap_test tests[] = {
	    {"a bridge is made, then found (1 then 0), with its addresses and sysctls",
	     bridge_made_then_found},
	    {"a veth's peer is eth0 in the container, configured, and pings the bridge",
	     veth_into_container},
	    {"deleting a veth twice: 0 then 1, and its peer goes with it", delete_twice},
	    {"a route over the subnet is found, the default and `except` are not", route_overlap},
	    {"link names of 16 bytes, with '/' or ':' are refused", name_check},
	    {"without CAP_NET_ADMIN, EPERM naming the request, with a hint", unprivileged_is_eperm},
	    {"cv_link_in_netns returns fn's result and comes back", in_netns_comes_back},
	};
	cv_trace_init(); /* CV_EXPLAIN=1: every request narrated on stderr */
	return tap_main(tests, sizeof(tests) / sizeof(tests[0])) ? 1 : 0;
}
