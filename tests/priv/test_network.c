/*
 * test_network.c - step 04's attach and detach as the engine will call
 * them, as root, each test in a network namespace of its own (unshare
 * CLONE_NEWNET first: the machine's network is never touched).  The
 * "container" is a forked child in a second new network namespace.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "04-network/link.h"
#include "04-network/network.h"
#include "04-network/nft.h"
#include "common/file.h"
#include "lib/tap.h"

static struct cv_err err;
static char state[256];

/* A host of our own, a state directory, and a "container" waiting in its namespace. */
static pid_t setup(int *ns)
{
	int go[2];
	char path[64];
	pid_t c;

	tap_need_root();
	CHECK(unshare(CLONE_NEWNET) == 0, "unshare(CLONE_NEWNET): %m");
	CHECK(cv_link_up("lo", &err) == 0, "lo up: %s", err.msg);
	tap_tmp_path(state, sizeof(state), "cvtest-net-%s-XXXXXX", tap_run());
	CHECK(mkdtemp(state), "mkdtemp: %m");
	CHECK(pipe(go) == 0, "pipe");
	if ((c = fork()) == 0) {
		if (unshare(CLONE_NEWNET) < 0 || write(go[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(go[1]);
	char b;
	CHECK(read(go[0], &b, 1) == 1, "the container did not start");
	close(go[0]);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)c);
	CHECK((*ns = open(path, O_RDONLY)) >= 0, "open %s: %m", path);
	return c;
}

static void finish(pid_t c)
{
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
	cv_remove_tree(state, &err);
}

static void detach_twice(void)
{
	int ns;
	pid_t c = setup(&ns);
	struct cv_net_attachment att;
	struct cv_port port;
	struct cv_net_config cfg = {
	    .state_dir = state, .id = "twice", .ports = &port, .n_ports = 1};
	char table[64];

	CHECK(cv_port_parse("18080:80", &port, &err) == 0, "parse: %s", err.msg);
	CHECK(cv_net_attach(&cfg, ns, &att, &err) == 0, "attach: %s", err.msg);
	CHECK(cv_link_exists("cv0", &err) == 1 && cv_link_exists(att.veth, &err) == 1, "links");
	CHECK(cv_net_detach(state, "cv0", "twice", &err) == 0, "detach: %s", err.msg);
	CHECK(cv_net_detach(state, "cv0", "twice", &err) == 0, "detach again: %s", err.msg);
	CHECK(cv_link_exists("cv0", &err) == 0 && cv_link_exists(att.veth, &err) == 0,
	      "a link is left");
	CHECK(cv_nft_list(table, sizeof(table), &err) == 0 && !*table, "the table is left");
	for (int i = 0; i < att.n_held; i++)
		close(att.held[i]);
	finish(c);
}

static void attach_failure_leaves_nothing(void)
{
	int ns;
	pid_t c = setup(&ns);
	struct cv_net_attachment att;
	struct cv_net_config cfg = {.state_dir = state, .id = "fail", .ip = "10.77.0.1"};
	char table[64];

	/* the gateway's address is not a container's: refused after the record exists */
	CHECK(cv_net_attach(&cfg, ns, &att, &err) < 0, "attach took the gateway's address");
	CHECK(strstr(err.msg, "10.77.0.1"), "the message names the address: %s", err.msg);
	CHECK(cv_link_exists("cv0", &err) == 0, "the bridge is left");
	CHECK(cv_nft_list(table, sizeof(table), &err) == 0 && !*table, "the table is left");
	char bdir[300];
	snprintf(bdir, sizeof(bdir), "%s/cv0", state);
	CHECK(access(bdir, F_OK) < 0, "the bridge's state is left");
	finish(c);
}

int main(void)
{
	static const struct tap_test tests[] = {
	    {"detach twice: the second finds nothing, and nothing is left", detach_twice},
	    {"a failed attach leaves no bridge, table or state", attach_failure_leaves_nothing},
	};
	return tap_main(tests, sizeof(tests) / sizeof(tests[0]));
}
