/*
 * demo.c - bin/cv-network: a network namespace on a bridge, with NAT.
 *
 *   cv-network run [OPTIONS] -- CMD    CMD on a bridge, ports published
 *   cv-network ls                      bridges, subnets, who has which address
 *   cv-network rm NAME                 remove a bridge nobody uses
 *   cv-network gc                      remove what killed holders left
 *   cv-network demo                    the whole step in a throwaway namespace
 *
 * Here: main, the command table, ls, rm and gc; `run` is in demo_run.c,
 * `demo` in demo_tour.c.
 */
#include <stdio.h>

#include "04-network/demo.h"
#include "common/args.h"

const char *state_dir;

enum { O_STATE = 1 };

static const struct cv_opt state_opts[] = {
    {"state", 0, "DIR", "the state directory (default " CV_NET_STATE_DIR ")", O_STATE},
    {NULL, 0, NULL, NULL, 0},
};

/* The options of ls, rm and gc (only --state), then min..max words. */
static int state_words(struct cv_args *a, int min, int max, const char *what)
{
	int opt;

	while ((opt = cv_args_next(a)) > 0)
		state_dir = a->val;
	if (opt < 0)
		return opt == CV_ARG_HELP ? -1 : CV_EXIT_USAGE;
	if (cv_args_rest(a) < min || cv_args_rest(a) > max)
		return cv_args_usage_error(a, max ? "expected %s" : "unexpected `%s`",
					   max ? what : a->argv[a->i]);
	return 0;
}

static int print_use(const struct cv_net_use *u, void *arg)
{
	(void)arg;
	if (!u->addr)
		printf("%-12s %-18s %-18s %-20s %s\n", u->bridge, u->subnet, "-", "-", "-");
	else
		printf("%-12s %-18s %-18s %-20s %d%s\n", u->bridge, u->subnet, u->addr,
		       *u->owner ? u->owner : "?", (int)u->holder,
		       u->alive ? "" : " (gone: `cv-network gc` removes it)");
	return 0;
}

static int cmd_ls(struct cv_args *a)
{
	int r = state_words(a, 0, 0, NULL);

	if (r != 0)
		return r < 0 ? 0 : r;
	printf("%-12s %-18s %-18s %-20s %s\n", "NETWORK", "SUBNET", "ADDRESS", "CONTAINER", "PID");
	return cv_net_each(state_dir, print_use, NULL, a->err) < 0 ? 1 : 0;
}

static int cmd_rm(struct cv_args *a)
{
	int r = state_words(a, 1, 1, "the NAME of a network");

	if (r != 0)
		return r < 0 ? 0 : r;
	if (cv_net_remove(state_dir, a->argv[a->i], a->err) < 0)
		return 1;
	printf("%s\n", a->argv[a->i]);
	return 0;
}

static int cmd_gc(struct cv_args *a)
{
	int r = state_words(a, 0, 0, NULL);

	if (r != 0)
		return r < 0 ? 0 : r;
	if ((r = cv_net_gc(state_dir, a->err)) < 0)
		return 1;
	printf("removed %d attachment%s left behind\n", r, r == 1 ? "" : "s");
	return 0;
}

static const struct cv_cmd commands[] = {
    {"run", "[OPTIONS] [--] CMD [ARGS...]",
     "Run CMD in a new network namespace on a bridge, with NAT and published ports",
     "sudo cv-network run -p 8080:80 -- busybox httpd -f -p 80", run_opts, 0, cmd_run},
    {"ls", "[--state DIR]", "List the bridges, their subnets, and who has which address",
     "sudo cv-network ls", state_opts, 0, cmd_ls},
    {"rm", "[--state DIR] NAME", "Remove a bridge, its state and its part of the table",
     "sudo cv-network rm cv0", state_opts, 0, cmd_rm},
    {"gc", "[--state DIR]", "Remove what holders that were killed left behind",
     "sudo cv-network gc", state_opts, 0, cmd_gc},
    {"demo", "", "Two containers on a bridge in a throwaway namespace: ping, ports, hairpin",
     "sudo cv-network demo", tour_opts, 0, cmd_tour},
    {NULL, NULL, NULL, NULL, NULL, 0, NULL},
};

static const struct cv_prog prog = {
    "cv-network",
    "Step 04 of containerv: the network. A process in a network namespace of its\n"
    "own, on a bridge through a veth pair, with an address, a route, NAT out and\n"
    "published ports in (nftables).",
    "cv-network run -p 8080:80 -- busybox httpd -f -p 80",
    commands,
    NULL,
    NULL,
};

int main(int argc, char **argv)
{
	return cv_main(&prog, argc, argv);
}
