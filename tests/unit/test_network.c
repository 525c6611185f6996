/*
 * test_network.c - step 04's pure code, no root needed: subnets as text
 * and numbers, IPAM on a temporary directory (with 8 processes taking
 * addresses at once), `-p` parsing, holding a port on 127.0.0.1 and
 * naming its holder, and the container's resolv.conf and hosts.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "04-network/addr.h"
#include "04-network/dns.h"
#include "04-network/ipam.h"
#include "04-network/ports.h"
#include "common/file.h"
#include "common/trace.h"

static struct cv_err err;

static struct cv_cidr cidr(const char *text)
{
	struct cv_cidr c;

	assert_int_equal(cv_cidr_parse(text, true, "test", &c, &err), 0);
	return c;
}

/* A parsed address that lives until 8 more are made. */
static const struct cv_cidr *C(const char *text)
{
	static struct cv_cidr pool[8];
	static int next;
	struct cv_cidr *c = &pool[next++ % 8];

	*c = cidr(text);
	return c;
}

static const char *fmt(const struct cv_cidr *c)
{
	static char buf[CV_ADDR_TEXT_MAX];
	return cv_cidr_format(c, buf, sizeof(buf));
}

/* --- addresses ------------------------------------------------------------ */

static void cidr_good(void **state)
{
	static const char *const cases[][2] = {
	    {"10.77.0.0/24", "10.77.0.0/24"},
	    {"10.77.0.5", "10.77.0.5/32"},
	    {"0.0.0.0/0", "0.0.0.0/0"},
	    {"fd00::/64", "fd00::/64"},
	    {"::1", "::1/128"},
	    {"172.16.0.0/12", "172.16.0.0/12"},
	};
	struct cv_cidr c;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(cv_cidr_parse(cases[i][0], false, "--subnet", &c, &err), 0);
		assert_string_equal(fmt(&c), cases[i][1]);
	}
	assert_int_equal(cv_cidr_parse("10.77.0.1/24", true, "--ip", &c, &err), 0);
	assert_string_equal(fmt(&c), "10.77.0.1/24");
}

static void cidr_bad(void **state)
{
	static const char *const cases[][2] = {
	    {"10.77.0.5/24", "--subnet 10.77.0.5/24: host bits are set"},
	    {"10.77.0.0/33", "--subnet 10.77.0.0/33: the prefix length `33`"},
	    {"10.77.0.0/", "--subnet 10.77.0.0/: the prefix length ``"},
	    {"10.77.0.0/2x", "`2x` is not a number in 0..32"},
	    {"fd00::/129", "`129` is not a number in 0..128"},
	    {"10.77.0.256/24", "--subnet 10.77.0.256/24: `10.77.0.256` is not an IPv4 address"},
	    {"banana", "`banana` is not an IPv4 address"},
	    {"fd00::zz/64", "`fd00::zz` is not an IPv6 address"},
	    {"", "--subnet: an empty address"},
	};
	struct cv_cidr c;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(cv_cidr_parse(cases[i][0], false, "--subnet", &c, &err), -EINVAL);
		if (!strstr(err.msg, cases[i][1]))
			fail_msg("%s: `%s` lacks `%s`", cases[i][0], err.msg, cases[i][1]);
		assert_true(err.hint[0]);
	}
	cv_cidr_parse("10.77.0.5/24", false, "--subnet", &c, &err);
	assert_string_equal(err.hint, "the network is 10.77.0.0/24");
	cv_cidr_parse("fd00::1/64", false, "--subnet", &c, &err);
	assert_string_equal(err.hint, "the network is fd00::/64");
}

static void cidr_sets(void **state)
{
	struct cv_cidr s = cidr("10.77.0.0/24"), h;

	(void)state;
	assert_true(cv_cidr_overlap(&s, C("10.77.0.128/25")));
	assert_true(cv_cidr_overlap(&s, C("10.0.0.0/8")));
	assert_false(cv_cidr_overlap(&s, C("10.77.1.0/24")));
	assert_false(cv_cidr_overlap(&s, C("fd00::/8")));
	assert_true(cv_cidr_contains(&s, C("10.77.0.255")));
	assert_false(cv_cidr_contains(&s, C("10.77.1.0")));

	assert_int_equal(cv_cidr_hosts(&s), 254);
	assert_int_equal(cv_cidr_hosts(C("10.0.0.0/30")), 2);
	assert_int_equal(cv_cidr_hosts(C("10.0.0.0/31")), 0);
	assert_int_equal(cv_cidr_hosts(C("fd00::/64")), UINT32_MAX);

	assert_int_equal(cv_cidr_host(&s, 1, true, &h), 0);
	assert_string_equal(fmt(&h), "10.77.0.1/24");
	assert_int_equal(cv_cidr_host(&s, 254, false, &h), 0);
	assert_string_equal(fmt(&h), "10.77.0.254/32");
	assert_int_equal(cv_cidr_host(&s, 255, false, &h), -ERANGE); /* the broadcast */
	assert_int_equal(cv_cidr_host(&s, 0, false, &h), -ERANGE);   /* the network */
	assert_int_equal(cv_cidr_host(C("10.77.0.0/16"), 300, false, &h), 0);
	assert_string_equal(fmt(&h), "10.77.1.44/32"); /* carried into the third byte */

	assert_int_equal(cv_cidr_host_number(&s, C("10.77.0.9")), 9);
	assert_int_equal(cv_cidr_host_number(&s, C("10.77.0.0")), 0);
	assert_int_equal(cv_cidr_host_number(&s, C("10.77.0.255")), 0);
	assert_int_equal(cv_cidr_host_number(&s, C("10.78.0.9")), 0);
}

static void cidr_ula(void **state)
{
	struct cv_cidr v6, h;

	(void)state;
	cv_cidr_ula(C("10.77.0.0/24"), &v6);
	assert_string_equal(fmt(&v6), "fd63:7663:a4d::/64");
	cv_cidr_ula(C("172.16.5.0/24"), &v6);
	assert_string_equal(fmt(&v6), "fd63:7663:ac10:500::/64");
	/* the twin of 10.77.0.5 is host 5 of the /64 */
	cv_cidr_ula(C("10.77.0.0/24"), &v6);
	assert_int_equal(cv_cidr_host(&v6, 5, false, &h), 0);
	assert_string_equal(fmt(&h), "fd63:7663:a4d::5/128");
	assert_int_equal(cv_cidr_host_number(&v6, &h), 5);
	assert_int_equal(cv_cidr_host_number(&v6, C("fd63:7663:a4d:0:1::5")),
			 0); /* beyond 32 host bits */
}

/* --- IPAM on a temporary directory ---------------------------------------- */

static char dir[64];

static int dir_setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/cvtest-net-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int dir_teardown(void **state)
{
	(void)state;
	return cv_remove_tree(dir, &err);
}

static const char *take(const char *subnet, const char *want, const char *owner, int expect)
{
	static char buf[CV_ADDR_TEXT_MAX];
	struct cv_cidr s = cidr(subnet), w, out = {0};

	if (want)
		w = cidr(want);
	assert_int_equal(cv_ipam_take(dir, &s, want ? &w : NULL, owner, &out, &err), expect);
	return expect ? err.msg : cv_cidr_format(&out, buf, sizeof(buf));
}

static void ipam_sequential(void **state)
{
	(void)state;
	assert_string_equal(take("10.77.0.0/24", NULL, "a", 0), "10.77.0.2/24");
	assert_string_equal(take("10.77.0.0/24", NULL, "b", 0), "10.77.0.3/24");
	assert_string_equal(take("10.77.0.0/24", NULL, "a", 0), "10.77.0.2/24"); /* idempotent */
	assert_int_equal(cv_ipam_release(dir, "a", &err), 1);
	assert_int_equal(cv_ipam_release(dir, "a", &err), 0); /* twice is fine */
	/* .2 is free again, but the search goes on after the last one given */
	assert_string_equal(take("10.77.0.0/24", NULL, "c", 0), "10.77.0.4/24");
	assert_int_equal(cv_ipam_release(dir, "nobody", &err), 0);
	assert_int_equal(cv_ipam_release("/nonexistent/dir", "a", &err), 0);
}

static void ipam_wraps_and_fills(void **state)
{
	char path[PATH_MAX];

	(void)state;
	assert_string_equal(take("10.77.0.0/29", NULL, "a", 0), "10.77.0.2/29");
	assert_string_equal(take("10.77.0.0/29", "10.77.0.6", "b", 0), "10.77.0.6/29");
	snprintf(path, sizeof(path), "%s/ipam/last_reserved_ip.0", dir);
	assert_int_equal(cv_write_file_new(path, "10.77.0.6", 9, 0644, &err), 0);
	/* after .6 (the last host) the search wraps to .2 (taken), then .3; never .1 or .7 */
	assert_string_equal(take("10.77.0.0/29", NULL, "c", 0), "10.77.0.3/29");
	assert_string_equal(take("10.77.0.0/29", NULL, "d", 0), "10.77.0.4/29");
	assert_string_equal(take("10.77.0.0/29", NULL, "e", 0), "10.77.0.5/29");
	assert_string_equal(take("10.77.0.0/29", NULL, "f", -ENOSPC),
			    "no address left in 10.77.0.0/29");
	assert_true(err.hint[0]);
}

static void ipam_want(void **state)
{
	(void)state;
	assert_string_equal(take("10.77.0.0/24", "10.77.0.5", "web", 0), "10.77.0.5/24");
	assert_string_equal(take("10.77.0.0/24", "10.77.0.5", "db", -EADDRINUSE),
			    "10.77.0.5 is in use by web");
	assert_string_equal(take("10.77.0.0/24", "10.77.0.5", "web", 0), "10.77.0.5/24");
	assert_non_null(strstr(take("10.77.0.0/24", "10.77.0.6", "web", -EEXIST),
			       "web already has 10.77.0.5, not 10.77.0.6"));
	assert_non_null(strstr(take("10.77.0.0/24", "10.77.0.1", "db", -EINVAL), "the gateway"));
	assert_non_null(strstr(take("10.77.0.0/24", "10.77.0.255", "db", -EINVAL), "not a host"));
	assert_non_null(strstr(take("10.77.0.0/24", "10.77.0.0", "db", -EINVAL), "not a host"));
	assert_non_null(strstr(take("10.77.0.0/24", "10.78.0.5", "db", -EINVAL), "not a host"));
	take("10.77.0.0/24", NULL, "", -EINVAL);
	take("10.77.0.0/31", NULL, "db", -EINVAL);
}

/* /30: .1 the gateway, .2 the only host */
static void ipam_full(void **state)
{
	(void)state;
	assert_string_equal(take("10.77.0.0/30", NULL, "a", 0), "10.77.0.2/30");
	assert_string_equal(take("10.77.0.0/30", NULL, "b", -ENOSPC),
			    "no address left in 10.77.0.0/30");
	assert_int_equal(cv_ipam_release(dir, "a", &err), 1);
	assert_string_equal(take("10.77.0.0/30", NULL, "b", 0), "10.77.0.2/30");
}

static int collect(const char *addr, const char *owner, void *arg)
{
	char *out = arg;
	size_t len = strlen(out);

	snprintf(out + len, 512 - len, "%s=%s ", addr, owner);
	return 0;
}

static void ipam_each(void **state)
{
	char path[PATH_MAX], list[512] = "";

	(void)state;
	assert_int_equal(cv_ipam_each(dir, collect, list, &err), 0); /* no ipam/ yet */
	assert_string_equal(list, "");
	for (int i = 0; i < 9; i++) {
		char owner[16];
		snprintf(owner, sizeof(owner), "c%d", i + 2);
		take("10.77.0.0/24", NULL, owner, 0);
	}
	/* a crash between creating and writing leaves an empty file: owner "" */
	snprintf(path, sizeof(path), "%s/ipam/10.77.0.100", dir);
	assert_int_equal(cv_write_file_new(path, "", 0, 0644, &err), 0);
	assert_int_equal(cv_ipam_each(dir, collect, list, &err), 0);
	assert_string_equal(list, "10.77.0.2=c2 10.77.0.3=c3 10.77.0.4=c4 10.77.0.5=c5 "
				  "10.77.0.6=c6 10.77.0.7=c7 10.77.0.8=c8 10.77.0.9=c9 "
				  "10.77.0.10=c10 10.77.0.100= ");
	assert_string_equal(
	    take("10.77.0.0/24", "10.77.0.100", "x", -EADDRINUSE),
	    "10.77.0.100 is in use by \"\" (an empty file: its owner died taking it)");
}

/* 8 processes take an address each at once: 8 different files. */
static void ipam_concurrent(void **state)
{
	char list[512] = "";
	int status, n = 0;

	(void)state;
	for (int i = 0; i < 8; i++) {
		if (fork() == 0) {
			char owner[24];
			struct cv_cidr s = cidr("10.77.0.0/24"), out;
			snprintf(owner, sizeof(owner), "child%d", i);
			_exit(cv_ipam_take(dir, &s, NULL, owner, &out, &err) == 0 ? 0 : 1);
		}
	}
	while (wait(&status) > 0)
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(cv_ipam_each(dir, collect, list, &err), 0);
	for (char *p = list; (p = strstr(p, "=child")); p++)
		n++;
	assert_int_equal(n, 8);
	for (int i = 2; i <= 9; i++) {
		char addr[32];
		snprintf(addr, sizeof(addr), "10.77.0.%d=child", i);
		assert_non_null(strstr(list, addr));
	}
}

/* --- published ports ------------------------------------------------------ */

static const char *port(const char *text)
{
	static char buf[128];
	struct cv_port p;

	assert_int_equal(cv_port_parse(text, &p, &err), 0);
	return cv_port_format(&p, buf, sizeof(buf));
}

static void ports_parse(void **state)
{
	static const char *const bad[][2] = {
	    {"8080", "both needed"},
	    {"8080:", "the container port is missing"},
	    {":80", "the host port is missing"},
	    {"0:80", "the host port is not a number in 1..65535: `0`"},
	    {"8080:65536", "the container port is not a number in 1..65535: `65536`"},
	    {"http:80", "`http`"},
	    {"8080:80/sctp", "-p 8080:80/sctp: the protocol is not tcp or udp: `sctp`"},
	    {"300.0.0.1:8080:80", "not an IPv4 address: `300.0.0.1`"},
	    {"[::g]:8080:80", "not an IPv6 address: `::g`"},
	    {"[::1]8080:80", "needs `]:`"},
	    {"::1:8080:80", "goes in brackets"},
	    {":8080:80", "the host address is missing"},
	    {"1.2.3.4:8080:80:90", "goes in brackets"},
	};
	struct cv_port p;

	(void)state;
	assert_string_equal(port("8080:80"), "8080:80/tcp");
	assert_string_equal(port("8080:80/udp"), "8080:80/udp");
	assert_string_equal(port("127.0.0.1:8080:80"), "127.0.0.1:8080:80/tcp");
	assert_string_equal(port("[::1]:8080:80/tcp"), "[::1]:8080:80/tcp");
	assert_string_equal(port("65535:1"), "65535:1/tcp");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(cv_port_parse(bad[i][0], &p, &err), -EINVAL);
		if (!strstr(err.msg, bad[i][1]) || !strstr(err.msg, bad[i][0]))
			fail_msg("%s: `%s` lacks `%s`", bad[i][0], err.msg, bad[i][1]);
		assert_non_null(strstr(err.hint, "-p [HOSTIP:]HOSTPORT:PORT[/tcp|udp]"));
	}
}

/* A port that was free a moment ago, on 127.0.0.1. */
static uint16_t free_port(int type)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, type, 0);

	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	close(fd);
	return ntohs(sa.sin_port);
}

static void hold_twice(const char *proto, int type)
{
	char text[64], want[96], comm[32];
	int fds[2], again[2];
	struct cv_port p;
	pid_t pid;

	snprintf(text, sizeof(text), "127.0.0.1:%u:80/%s", free_port(type), proto);
	assert_int_equal(cv_port_parse(text, &p, &err), 0);
	assert_int_equal(cv_port_hold(&p, fds, &err), 1);
	assert_true(fcntl(fds[0], F_GETFD) & FD_CLOEXEC);
	assert_int_equal(cv_port_hold(&p, again, &err), -EADDRINUSE);
	snprintf(want, sizeof(want), "port %u/%s is in use by pid %d (", p.host_port, proto,
		 (int)getpid());
	if (!strstr(err.msg, want))
		fail_msg("`%s` lacks `%s`", err.msg, want);
	assert_string_equal(err.hint, "choose another host port, or stop that process");
	assert_int_equal(cv_port_owner(p.proto, p.host_port, &pid, comm, sizeof(comm)), 0);
	assert_int_equal(pid, getpid());
	close(fds[0]);
	assert_int_equal(cv_port_owner(p.proto, p.host_port, &pid, comm, sizeof(comm)), -ESRCH);
}

static void ports_hold(void **state)
{
	(void)state;
	hold_twice("tcp", SOCK_STREAM);
	hold_twice("udp", SOCK_DGRAM);
}

/* --- resolv.conf and hosts ------------------------------------------------ */

static const char *write_fixture(const char *name, const char *text)
{
	static char paths[4][PATH_MAX];
	static int next;
	char *path = paths[next++ % 4];

	snprintf(path, PATH_MAX, "%s/%s", dir, name);
	assert_int_equal(cv_write_file_new(path, text, strlen(text), 0644, &err), 0);
	return path;
}

static void dns_resolv(void **state)
{
	char buf[1024];
	const char *host, *up;
	int n;

	(void)state;
	/* systemd-resolved's stub only: its upstream file is read instead */
	host = write_fixture("stub", "nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch lan\n");
	up = write_fixture("upstream", "nameserver 192.0.2.53\nnameserver 2001:db8::53\n");
	assert_true(cv_dns_resolv_conf(host, up, buf, sizeof(buf), &err) > 0);
	assert_non_null(strstr(buf, "nameserver 192.0.2.53\nnameserver 2001:db8::53\n"));
	assert_null(strstr(buf, "nameserver 127.0.0.53"));
	assert_non_null(strstr(buf, "# from "));
	/* no upstream file: the stub is left out and nothing remains */
	assert_true(cv_dns_resolv_conf(host, "/nonexistent", buf, sizeof(buf), &err) > 0);
	assert_non_null(strstr(buf, "# nameserver 127.0.0.53 left out"));
	assert_non_null(strstr(buf, "# no nameserver: the container has no DNS"));
	assert_non_null(strstr(buf, "options edns0 trust-ad\nsearch lan\n"));

	/* mixed: 127.0.0.1 left out with a comment, 192.0.2.1 kept; upstream not read */
	host = write_fixture("mixed", "# a comment\nnameserver 127.0.0.1\n nameserver\t::1\n"
				      "nameserver 192.0.2.1 # the router\n");
	n = cv_dns_resolv_conf(host, up, buf, sizeof(buf), &err);
	assert_int_equal(n, (int)strlen(buf));
	assert_string_equal(buf, "# a comment\n"
				 "# nameserver 127.0.0.1 left out: the host's loopback, which is "
				 "not the container's\n"
				 "# nameserver ::1 left out: the host's loopback, which is not the "
				 "container's\n"
				 "nameserver 192.0.2.1 # the router\n");

	/* none at all */
	host = write_fixture("none", "search example.org");
	assert_true(cv_dns_resolv_conf(host, up, buf, sizeof(buf), &err) > 0);
	assert_non_null(strstr(buf, "search example.org\n# no nameserver"));

	assert_int_equal(cv_dns_resolv_conf(host, up, buf, 10, &err), -ENOSPC);
	assert_int_equal(cv_dns_resolv_conf("/nonexistent/resolv.conf", up, buf, sizeof(buf), &err),
			 -ENOENT);
}

static void dns_hosts(void **state)
{
	char buf[256];
	struct cv_cidr a4 = cidr("10.77.0.5/24"), a6 = cidr("fd63:7663:a4d::5/64");
	int n;

	(void)state;
	n = cv_dns_hosts("web", &a4, &a6, buf, sizeof(buf));
	assert_int_equal(n, (int)strlen(buf));
	assert_string_equal(buf, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
				 "10.77.0.5\tweb\nfd63:7663:a4d::5\tweb\n");
	n = cv_dns_hosts("web", &a4, NULL, buf, sizeof(buf));
	assert_int_equal(n, (int)strlen(buf));
	assert_non_null(strstr(buf, "ip6-loopback\n10.77.0.5\tweb\n"));
	assert_int_equal(cv_dns_hosts("web", &a4, &a6, buf, 20), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest addr[] = {
	    cmocka_unit_test(cidr_good),   cmocka_unit_test(cidr_bad),
	    cmocka_unit_test(cidr_sets),   cmocka_unit_test(cidr_ula),
	    cmocka_unit_test(ports_parse), cmocka_unit_test(ports_hold),
	    cmocka_unit_test(dns_hosts),
	};
	const struct CMUnitTest files[] = {
	    cmocka_unit_test_setup_teardown(ipam_sequential, dir_setup, dir_teardown),
	    cmocka_unit_test_setup_teardown(ipam_wraps_and_fills, dir_setup, dir_teardown),
	    cmocka_unit_test_setup_teardown(ipam_want, dir_setup, dir_teardown),
	    cmocka_unit_test_setup_teardown(ipam_full, dir_setup, dir_teardown),
	    cmocka_unit_test_setup_teardown(ipam_each, dir_setup, dir_teardown),
	    cmocka_unit_test_setup_teardown(ipam_concurrent, dir_setup, dir_teardown),
	    cmocka_unit_test_setup_teardown(dns_resolv, dir_setup, dir_teardown),
	};

	cv_trace_init(); /* CV_EXPLAIN=1: the calls made, as --explain shows them */
	return cmocka_run_group_tests_name("network", addr, NULL, NULL) |
	       cmocka_run_group_tests_name("network files", files, NULL, NULL);
}
