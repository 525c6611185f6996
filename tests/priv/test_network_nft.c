/*
 * test_network_nft.c - step 04's nftables table in a kernel.  Each test
 * runs in its own forked process (lib/tap.h) whose first act is
 * unshare(CLONE_NEWNET): the table, the links and the traffic all live in
 * that new namespace and vanish with it, so the machine's own ruleset is
 * never touched.  The traffic test makes a bridge and a container's
 * namespace with `ip`, and fetches a page from busybox httpd through a
 * published port: from 127.0.0.1, and from the container itself
 * (hairpin: the masquerade rule, and hairpin mode on the bridge port:
 * with br_netfilter on, the packet DNATed back to its sender is bridged
 * out the port it came in by, which a bridge does only in that mode).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "04-network/nft.h"
#include "lib/tap.h"

static struct cv_err err;
static char list[16384], want[16384];

static struct cv_cidr cidr(const char *addr, int prefix)
{
	struct cv_cidr c = {.family = strchr(addr, ':') ? AF_INET6 : AF_INET, .prefix = prefix};

	CHECK(inet_pton(c.family, addr, c.family == AF_INET ? (void *)&c.v4 : &c.v6) == 1, "%s",
	      addr);
	return c;
}

static struct cv_nft_subnet subnet;

/* Root, in a network namespace of the test's own. */
static void own_netns(void)
{
	tap_need_root();
	CHECK(unshare(CLONE_NEWNET) == 0, "unshare(CLONE_NEWNET): %s", strerror(errno));
	subnet.v4 = cidr("10.77.0.0", 24);
	subnet.v6 = cidr("fd63:7663:a4d::", 64);
}

static void sh(const char *cmd)
{
	int status = system(cmd);

	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "`%s` exited %d", cmd, status);
}

static void listed(void)
{
	CHECK(cv_nft_list(list, sizeof(list), &err) >= 0, "cv_nft_list: %s", err.msg);
}

static void rebuild_loads_the_table(void)
{
	struct cv_nft_fwd f[] = {
	    {IPPROTO_TCP, {0}, 8080, cidr("10.77.0.2", 32), 80},
	    {IPPROTO_UDP, {0}, 5353, cidr("fd63:7663:a4d::2", 128), 53},
	    {IPPROTO_TCP, cidr("10.77.0.1", 32), 443, cidr("10.77.0.3", 32), 8443},
	};

	own_netns();
	listed();
	CHECK(list[0] == '\0', "a table before any rebuild: %s", list);
	CHECK(cv_nft_rebuild(&subnet, 1, f, 3, &err) == 0, "rebuild: %s", err.msg);
	listed();
	/* what was loaded is what nft lists, byte for byte */
	CHECK(cv_nft_table_text(&subnet, 1, f, 3, want, sizeof(want)) > 0, "table text");
	if (strcmp(list, want) != 0) {
		tap_diag("listed:\n%s", list);
		tap_diag("loaded:\n%s", want);
		tap_fail("nft lists another table than the one loaded");
	}
	/* and once more: the old table is replaced, not added to */
	CHECK(cv_nft_rebuild(&subnet, 1, f, 1, &err) == 0, "rebuild again: %s", err.msg);
	listed();
	CHECK(strstr(list, "8080 : 10.77.0.2 . 80") && !strstr(list, "5353 :"), "%s", list);
	sh("nft -j list table inet containerv | grep -q '\"hook\": \"postrouting\"'");
}

static void ports_add_and_delete(void)
{
	struct cv_nft_fwd f[] = {
	    {IPPROTO_TCP, {0}, 8080, cidr("10.77.0.2", 32), 80},
	    {IPPROTO_UDP, {0}, 5353, cidr("fd63:7663:a4d::2", 128), 53},
	};
	struct cv_nft_fwd other = {IPPROTO_TCP, {0}, 8080, cidr("10.77.0.9", 32), 80};

	own_netns();
	CHECK(cv_nft_rebuild(&subnet, 1, NULL, 0, &err) == 0, "rebuild: %s", err.msg);
	CHECK(cv_nft_ports(true, f, 2, &err) == 0, "add: %s", err.msg);
	listed();
	CHECK(strstr(list, "elements = { 8080 : 10.77.0.2 . 80 }") &&
		  strstr(list, "elements = { 5353 : fd63:7663:a4d::2 . 53 }"),
	      "%s", list);
	/* a second add of the same port to another container: refused */
	CHECK(cv_nft_ports(true, &other, 1, &err) == -EEXIST, "add over a port: %d %s", err.code,
	      err.msg);
	CHECK(strstr(err.msg, "nft: add element inet containerv tcp4") &&
		  strstr(err.msg, "File exists"),
	      "%s", err.msg);
	CHECK(cv_nft_ports(false, f, 1, &err) == 0, "delete: %s", err.msg);
	listed();
	CHECK(!strstr(list, "8080 :") && strstr(list, "5353 :"), "%s", list);
	/* what a crash left half made: one there, one not */
	CHECK(cv_nft_ports(false, f, 2, &err) == 0, "delete of an absent port: %s", err.msg);
	listed();
	CHECK(!strstr(list, "5353 :"), "%s", list);
	/* the port is another container's now: deleting ours leaves it */
	CHECK(cv_nft_ports(true, &other, 1, &err) == 0, "add: %s", err.msg);
	CHECK(cv_nft_ports(false, f, 2, &err) == 0, "delete: %s", err.msg);
	listed();
	CHECK(strstr(list, "8080 : 10.77.0.9 . 80"), "%s", list);
	/* no table at all: nothing to delete, nothing to add to */
	CHECK(cv_nft_rebuild(NULL, 0, NULL, 0, &err) == 0, "delete table: %s", err.msg);
	CHECK(cv_nft_ports(false, f, 2, &err) == 0, "delete without a table: %s", err.msg);
	CHECK(cv_nft_ports(true, f, 2, &err) == -ENOENT, "add without a table: %s", err.msg);
}

static void no_subnets_no_table(void)
{
	own_netns();
	CHECK(cv_nft_rebuild(NULL, 0, NULL, 0, &err) == 0, "no table yet: %s", err.msg);
	CHECK(cv_nft_rebuild(&subnet, 1, NULL, 0, &err) == 0, "rebuild: %s", err.msg);
	CHECK(cv_nft_rebuild(NULL, 0, NULL, 0, &err) == 0, "delete: %s", err.msg);
	listed();
	CHECK(list[0] == '\0', "still there: %s", list);
	CHECK(cv_nft_rebuild(NULL, 0, NULL, 0, &err) == 0, "twice: %s", err.msg);
	sh("test -z \"$(nft list tables)\"");
}

static void diagnose_finds_a_drop(void)
{
	char report[512];

	own_netns();
	CHECK(cv_nft_rebuild(&subnet, 1, NULL, 0, &err) == 0, "rebuild: %s", err.msg);
	CHECK(cv_nft_diagnose(report, sizeof(report), &err) == 0, "clean: %s %s", err.msg, report);
	sh("nft 'add table ip filter; add chain ip filter FORWARD "
	   "{ type filter hook forward priority 0; policy drop; }; add chain ip filter INPUT "
	   "{ type filter hook input priority 0; policy drop; }; add chain ip filter OUT "
	   "{ type filter hook postrouting priority 0; policy accept; }'");
	CHECK(cv_nft_diagnose(report, sizeof(report), &err) == 1, "%s %s", err.msg, report);
	CHECK(strcmp(report, "table ip filter chain FORWARD (hook forward, policy drop)\n") == 0,
	      "%s", report);
	CHECK(cv_nft_diagnose(report, 10, &err) == -ENOSPC, "a report that does not fit");
	sh("nft delete table ip filter");
	CHECK(cv_nft_diagnose(report, sizeof(report), &err) == 0, "%s %s", err.msg, report);
}

static void without_cap_net_admin(void)
{
	own_netns();
	CHECK(setresuid(65534, 65534, 65534) == 0, "setresuid: %s", strerror(errno));
	CHECK(cv_nft_rebuild(&subnet, 1, NULL, 0, &err) == -EPERM, "%d %s", err.code, err.msg);
	CHECK(strstr(err.msg, "Operation not permitted") && strstr(err.hint, "CAP_NET_ADMIN"),
	      "%s / %s", err.msg, err.hint);
}

/* --- traffic --------------------------------------------------------------- */

/* A container: a process in a namespace of its own, serving dir on port 80. */
static pid_t container(const char *dir)
{
	int ready[2];
	char c;
	pid_t pid;

	CHECK(pipe(ready) == 0, "pipe");
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		/* it dies with the test, whatever the test's end */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || unshare(CLONE_NEWNET) < 0)
			_exit(1);
		(void)!write(ready[1], "x", 1);
		execl("/bin/busybox", "busybox", "httpd", "-f", "-p", "80", "-h", dir,
		      (char *)NULL);
		_exit(127);
	}
	close(ready[1]);
	CHECK(read(ready[0], &c, 1) == 1, "the container's namespace was not made");
	close(ready[0]);
	return pid;
}

static void published_port_carries_traffic(void)
{
	struct cv_nft_fwd f = {IPPROTO_TCP, {0}, 8080, cidr("10.77.0.2", 32), 80};
	char dir[256], cmd[1024];
	pid_t ctr;
	int status;

	own_netns();
	if (access("/bin/busybox", X_OK) != 0)
		tap_skip("no /bin/busybox");
	CHECK(mkdtemp(tap_tmp_path(dir, sizeof(dir), "cvt-nft-%s-XXXXXX", tap_run())), "mkdtemp");
	snprintf(cmd, sizeof(cmd), "echo hello-from-ctr >%s/index.html", dir);
	sh(cmd);
	ctr = container(dir);
	snprintf(cmd, sizeof(cmd),
		 "set -e; ip link set lo up; ip link add cvtbr type bridge;"
		 "ip addr add 10.77.0.1/24 dev cvtbr; ip link set cvtbr up;"
		 "ip link add cvtv type veth peer name eth0 netns %d;"
		 "ip link set cvtv master cvtbr up; ip link set cvtv type bridge_slave hairpin on;"
		 "nsenter -t %d -n sh -c 'ip link set lo up; ip addr add 10.77.0.2/24 dev eth0;"
		 "ip link set eth0 up; ip route add default via 10.77.0.1';"
		 "echo 1 >/proc/sys/net/ipv4/ip_forward;"
		 "echo 1 >/proc/sys/net/ipv4/conf/cvtbr/route_localnet",
		 ctr, ctr);
	sh(cmd);
	CHECK(cv_nft_rebuild(&subnet, 1, &f, 1, &err) == 0, "rebuild: %s", err.msg);
	/* the host's 127.0.0.1: output chain, route_localnet, masquerade */
	sh("timeout 10 busybox wget -q -O- http://127.0.0.1:8080/ | grep -q hello-from-ctr");
	/* the container to its own published port: hairpin */
	snprintf(cmd, sizeof(cmd),
		 "nsenter -t %d -n timeout 10 busybox wget -q -O- http://10.77.0.1:8080/ "
		 "| grep -q hello-from-ctr",
		 ctr);
	sh(cmd);
	/* and with the port's element gone, nothing answers there */
	CHECK(cv_nft_ports(false, &f, 1, &err) == 0, "delete: %s", err.msg);
	status = system("timeout 5 busybox wget -q -O- http://127.0.0.1:8080/ >/dev/null 2>&1");
	kill(ctr, SIGKILL);
	waitpid(ctr, NULL, 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	sh(cmd);
	CHECK(status != 0, "127.0.0.1:8080 still answers without the forward");
}

int main(void)
{
	static const struct tap_test tests[] = {
	    {"rebuild loads the table nft then lists, and replaces it", rebuild_loads_the_table},
	    {"ports: add, refuse a taken port, delete what is there or not", ports_add_and_delete},
	    {"rebuild with no subnets removes the table, twice is fine", no_subnets_no_table},
	    {"diagnose names another table's forward chain that drops", diagnose_finds_a_drop},
	    {"without CAP_NET_ADMIN: EPERM with a hint", without_cap_net_admin},
	    {"a published port reaches the container from 127.0.0.1 and by hairpin",
	     published_port_carries_traffic},
	};
	return tap_main(tests, sizeof(tests) / sizeof(tests[0])) ? 1 : 0;
}
