/*
 * demo_tour.c - `cv-network demo`: the whole step, seen working, then gone.
 *
 * Everything happens in a network namespace made for the tour (unshare
 * CLONE_NEWNET): its "host" has only lo, so nothing of the machine's own
 * network is touched, and when the tour ends the namespace, and all in
 * it, goes with its last process.  In it: a container `web` serving a
 * page on port 80, published as 8080; a container `client` that pings
 * web; the page fetched from the host at 127.0.0.1:8080 (the nat output
 * chain and route_localnet) and by web itself through the bridge's
 * address (hairpin); the table as nft lists it; and at the end, after the
 * detaches, what is left: lo, and no table.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "04-network/demo.h"
#include "04-network/link.h"
#include "04-network/nft.h"
#include "common/cleanup.h"
#include "common/child.h"
#include "common/file.h"
#include "common/trace.h"

#define BUSYBOX "/bin/busybox"

const struct cv_opt tour_opts[] = {{NULL, 0, NULL, NULL, 0}};

/*
 * argv's standard output into buf (a line or two), run in the network
 * namespace of pid (0: here).  Returns its exit status, or -1.
 */
static int capture(pid_t in, char *const argv[], char *buf, size_t size)
{
	int p[2], status = -1;
	ssize_t n, got = 0;
	pid_t c;

	fflush(stdout); /* or the child's copy of the buffer is printed twice */
	if (pipe2(p, O_CLOEXEC) < 0 || (c = fork()) < 0)
		return -1;
	if (c == 0) {
		char path[64];
		int ns;

		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)in);
		if (in && ((ns = open(path, O_RDONLY)) < 0 || setns(ns, CLONE_NEWNET) < 0))
			_exit(126);
		dup2(p[1], 1);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	while (got < (ssize_t)size - 1 && (n = read(p[0], buf + got, size - 1 - (size_t)got)) > 0)
		got += n;
	buf[got] = '\0';
	close(p[0]);
	waitpid(c, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Fetch url (from the namespace of pid, or here), trying while httpd starts. */
static void fetch(const char *what, pid_t in, const char *url)
{
	/* busybox 1.35's wget -T crashes: its timeout applet bounds the wait */
	char *const argv[] = {BUSYBOX, "timeout", "3", BUSYBOX,     "wget",
			      "-q",    "-O",      "-", (char *)url, NULL};
	char page[256] = "";
	int r = -1;

	for (int i = 0; i < 40 && r != 0; i++) {
		if (i)
			usleep(50 * 1000);
		r = capture(in, argv, page, sizeof(page));
	}
	page[strcspn(page, "\n")] = '\0';
	printf("%s: GET %s -> %s\n", what, url, r == 0 ? page : "failed");
}

/* Where the tour keeps its state and the page web serves. */
struct tour {
	char state[64], www[64], page[96];
	struct attached web, client;
};

static int tour_start(struct tour *t, struct cv_err *err)
{
	static char *httpd[] = {BUSYBOX, "httpd", "-f", "-p", "80", "-h", NULL, NULL};
	static struct cv_port port;
	static char *ping[] = {BUSYBOX, "ping", "-c", "1", "-W", "2", "10.77.0.2", NULL};
	int r;

	httpd[6] = t->www;
	if ((r = cv_port_parse("8080:80", &port, err)) < 0)
		return r;
	t->web.cfg = (struct cv_net_config){
	    .state_dir = t->state, .id = "web", .ports = &port, .n_ports = 1};
	t->web.argv = httpd;
	printf("1. web serves a page on port 80, published on the host as 8080\n");
	if ((r = start_attached(&t->web, err)) < 0)
		return r;
	printf("2. client pings web across the bridge\n");
	t->client.cfg = (struct cv_net_config){.state_dir = t->state, .id = "client"};
	t->client.argv = ping;
	t->client.mute = true;
	fflush(stdout);
	if ((r = start_attached(&t->client, err)) < 0)
		return r;
	r = cv_wait_forwarding(t->client.pid, NULL);
	printf("client: ping 10.77.0.2 -> %s\n", r == 0 ? "answered" : "no answer");
	stop_attached(&t->client);
	return 0;
}

/* What is left in the tour's namespace: its links, and whether the table is. */
static void print_left(void)
{
	char *const links[] = {BUSYBOX, "ip", "-o", "link", "show", NULL};
	char buf[4096], table[64];
	struct cv_err err;
	int n = 0;

	capture(0, links, buf, sizeof(buf));
	printf("left: links:");
	for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n"), n++) {
		char *name = strchr(l, ' ');
		if (name)
			printf(" %.*s", (int)strcspn(name + 1, ":@"), name + 1);
	}
	if (cv_nft_list(table, sizeof(table), &err) < 0 || !*table)
		printf("; nft table inet containerv: none\n");
	else
		printf("; nft table inet containerv: still there\n");
}

/*
 * The tour, in the order a learner would check each part by hand.  Long
 * only in lines printed: each stage is one call and one line of output.
 */
int cmd_tour(struct cv_args *a)
{
	static struct tour t;
	static char table[8192];
	struct cv_err ignored;
	int r, fd;

	if ((r = cv_args_words(a, 0, 0, "")) != 0)
		return r < 0 ? 0 : r;
	if (access(BUSYBOX, X_OK) < 0)
		return cv_err_sys(a->err, "access(`%s`)", BUSYBOX),
		       cv_err_hint(a->err, "the tour runs busybox: apt-get install busybox-static"),
		       1;
	/* the throwaway "host": a network namespace of our own, and lo up in it */
	r = unshare(CLONE_NEWNET);
	cv_trace_sys(r, "unshare(CLONE_NEWNET)");
	if (r < 0 || cv_link_up("lo", a->err) < 0) {
		if (r < 0)
			cv_err_sys(a->err, "unshare(CLONE_NEWNET)");
		cv_err_hint(a->err, "the tour makes network namespaces: run it as root");
		return 1;
	}
	printf("a network namespace for the tour: the machine's own network is not touched\n");
	snprintf(t.state, sizeof(t.state), "/tmp/cv-network-demo-XXXXXX");
	snprintf(t.www, sizeof(t.www), "/tmp/cv-network-www-XXXXXX");
	if (!mkdtemp(t.state) || !mkdtemp(t.www))
		return cv_err_sys(a->err, "mkdtemp(/tmp/cv-network-*)"), 1;
	snprintf(t.page, sizeof(t.page), "%s/index.html", t.www);
	if ((fd = open(t.page, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) >= 0) {
		dprintf(fd, "hello from web\n");
		close(fd);
	}
	cv_defer_signals();
	if ((r = tour_start(&t, a->err)) == 0) {
		printf("3. the host fetches the published port on its loopback\n");
		fetch("host", 0, "http://127.0.0.1:8080/");
		printf("4. web fetches its own published port through the bridge (hairpin)\n");
		fetch("web", t.web.pid, "http://10.77.0.1:8080/");
		printf("5. the table that does it (nft list table inet containerv):\n");
		if (cv_nft_list(table, sizeof(table), &ignored) >= 0)
			fputs(table, stdout);
	}
	/* web is stopped whatever failed after it started: nothing outlives the tour */
	if (t.web.pid > 0) {
		kill(t.web.pid, SIGTERM);
		cv_wait_forwarding(t.web.pid, NULL);
		stop_attached(&t.web);
	}
	printf("6. both stopped and detached\n");
	print_left();
	cv_remove_tree(t.state, &ignored);
	cv_remove_tree(t.www, &ignored);
	cv_raise_deferred();
	return r < 0 ? 1 : 0;
}
