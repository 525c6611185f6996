/*
 * test_network_nft.c - step 04's nftables text, no root needed: the table
 * cv_nft_rebuild() would load, for no ports, for tcp and udp ports over
 * IPv4 and IPv6, for a port bound to one host address, and for input it
 * must refuse.  tests/priv/test_network_nft.c loads it into a kernel.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "04-network/nft.h"

static char text[8192];

static struct cv_cidr cidr(const char *addr, int prefix)
{
	struct cv_cidr c = {.family = strchr(addr, ':') ? AF_INET6 : AF_INET, .prefix = prefix};

	assert_int_equal(inet_pton(c.family, addr, c.family == AF_INET ? (void *)&c.v4 : &c.v6), 1);
	return c;
}

static struct cv_nft_subnet subnet(void)
{
	struct cv_nft_subnet s = {.v4 = cidr("10.77.0.0", 24), .v6 = cidr("fd63:7663:a4d::", 64)};
	return s;
}

static void has(const char *line)
{
	if (!strstr(text, line))
		fail_msg("missing `%s` in:\n%s", line, text);
}

static void no_ports(void **state)
{
	struct cv_nft_subnet s = subnet();

	(void)state;
	assert_true(cv_nft_table_text(&s, 1, NULL, 0, text, sizeof(text)) > 0);
	assert_int_equal(strncmp(text, "table inet containerv {\n", 24), 0);
	has("\tset subnets4 {\n\t\ttype ipv4_addr\n\t\tflags interval\n"
	    "\t\telements = { 10.77.0.0/24 }\n\t}\n");
	has("\t\telements = { fd63:7663:a4d::/64 }\n");
	has("\tmap tcp4 {\n\t\ttype inet_service : ipv4_addr . inet_service\n\t}\n");
	has("\tmap udp6a {\n\t\ttype ipv6_addr . inet_service : ipv6_addr . inet_service\n\t}\n");
	has("type nat hook prerouting priority dstnat; policy accept;\n"
	    "\t\tfib daddr type local jump ports\n");
	has("type nat hook output priority -100; policy accept;\n"
	    "\t\tfib daddr type local jump ports\n");
	has("\t\tdnat ip to ip daddr . tcp dport map @tcp4a\n"
	    "\t\tmeta nfproto ipv4 dnat ip to tcp dport map @tcp4\n");
	has("\t\tmeta nfproto ipv6 dnat ip6 to udp dport map @udp6\n");
	has("\t\tip saddr @subnets4 ip daddr != @subnets4 masquerade");
	has("\t\tct status dnat ip saddr @subnets4 ip daddr @subnets4 masquerade");
	has("\t\tip saddr 127.0.0.0/8 ct status dnat ip daddr @subnets4 masquerade");
	has("\t\tct status dnat ip6 saddr @subnets6 ip6 daddr @subnets6 masquerade");
	assert_null(strstr(text, "elements = { 80")); /* no map has elements */
	assert_string_equal(text + strlen(text) - 5, "\t}\n}\n");
}

static void ports_in_maps(void **state)
{
	struct cv_nft_subnet s[2] = {subnet(), {.v4 = cidr("10.78.0.0", 16)}};
	struct cv_nft_fwd f[] = {
	    {IPPROTO_TCP, {0}, 8080, cidr("10.77.0.2", 32), 80},
	    {IPPROTO_TCP, {0}, 8081, cidr("10.77.0.3", 32), 81},
	    {IPPROTO_UDP, {0}, 5353, cidr("10.77.0.2", 32), 53},
	    {IPPROTO_TCP, {0}, 8080, cidr("fd63:7663:a4d::2", 128), 80},
	    {IPPROTO_UDP, {0}, 5353, cidr("fd63:7663:a4d::2", 128), 53},
	};

	(void)state;
	assert_true(cv_nft_table_text(s, 2, f, 5, text, sizeof(text)) > 0);
	/* two elements: one a line, as `nft list` prints them */
	has("\t\telements = { 10.77.0.0/24,\n\t\t\t     10.78.0.0/16 }\n");
	has("\t\telements = { 8080 : 10.77.0.2 . 80,\n\t\t\t     8081 : 10.77.0.3 . 81 }\n");
	has("\tmap udp4 {\n\t\ttype inet_service : ipv4_addr . inet_service\n"
	    "\t\telements = { 5353 : 10.77.0.2 . 53 }\n");
	has("\tmap tcp6 {\n\t\ttype inet_service : ipv6_addr . inet_service\n"
	    "\t\telements = { 8080 : fd63:7663:a4d::2 . 80 }\n");
	has("\t\telements = { 5353 : fd63:7663:a4d::2 . 53 }\n");
	/* the second subnet has no IPv6 twin: subnets6 keeps one element */
	has("\t\telements = { fd63:7663:a4d::/64 }\n\t}\n");
}

static void port_on_one_host_address(void **state)
{
	struct cv_nft_subnet s = subnet();
	struct cv_nft_fwd f[] = {
	    {IPPROTO_TCP, cidr("192.0.2.7", 32), 443, cidr("10.77.0.2", 32), 8443},
	    {IPPROTO_UDP, cidr("2001:db8::7", 128), 53, cidr("fd63:7663:a4d::2", 128), 53},
	};

	(void)state;
	assert_true(cv_nft_table_text(&s, 1, f, 2, text, sizeof(text)) > 0);
	has("\tmap tcp4a {\n\t\ttype ipv4_addr . inet_service : ipv4_addr . inet_service\n"
	    "\t\telements = { 192.0.2.7 . 443 : 10.77.0.2 . 8443 }\n");
	has("\t\telements = { 2001:db8::7 . 53 : fd63:7663:a4d::2 . 53 }\n");
	has("\tmap tcp4 {\n\t\ttype inet_service : ipv4_addr . inet_service\n\t}\n");
}

static void host_bits_cleared(void **state)
{
	struct cv_nft_subnet s = {.v4 = cidr("10.77.0.1", 24), .v6 = cidr("fd00::1", 60)};

	(void)state;
	assert_true(cv_nft_table_text(&s, 1, NULL, 0, text, sizeof(text)) > 0);
	has("elements = { 10.77.0.0/24 }");
	has("elements = { fd00::/60 }");
}

static void refusals(void **state)
{
	struct cv_nft_subnet s = subnet();
	struct cv_nft_fwd sctp = {132, {0}, 80, cidr("10.77.0.2", 32), 80};
	struct cv_nft_fwd mixed = {IPPROTO_TCP, cidr("::1", 128), 80, cidr("10.77.0.2", 32), 80};
	int len;

	(void)state;
	assert_int_equal(cv_nft_table_text(&s, 1, &sctp, 1, text, sizeof(text)), -EINVAL);
	assert_int_equal(cv_nft_table_text(&s, 1, &mixed, 1, text, sizeof(text)), -EINVAL);
	len = cv_nft_table_text(&s, 1, NULL, 0, text, sizeof(text));
	assert_true(len > 0);
	assert_int_equal(cv_nft_table_text(&s, 1, NULL, 0, text, (size_t)len), -ENOSPC);
	assert_int_equal(cv_nft_table_text(&s, 1, NULL, 0, text, (size_t)len + 1), len);
	assert_int_equal(cv_nft_table_text(&s, 1, NULL, 0, text, 64), -ENOSPC);
	assert_int_equal(cv_nft_table_text(&s, 1, NULL, 0, text, 0), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(no_ports),
	    cmocka_unit_test(ports_in_maps),
	    cmocka_unit_test(port_on_one_host_address),
	    cmocka_unit_test(host_bits_cleared),
	    cmocka_unit_test(refusals),
	};
	return cmocka_run_group_tests_name("network: nftables text", tests, NULL, NULL);
}
