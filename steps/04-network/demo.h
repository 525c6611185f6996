/*
 * demo.h - what the three files of bin/cv-network share.
 *
 *   demo.c       main, the command table, and `ls`, `rm`, `gc`
 *   demo_run.c   `run`: its options, and starting a command attached to a
 *                network (which the tour uses too)
 *   demo_tour.c  `demo`: two containers on a bridge in a throwaway
 *                network namespace, each thing shown working, then gone
 */
#ifndef CV_NETWORK_DEMO_H
#define CV_NETWORK_DEMO_H

#include <stdbool.h>
#include <sys/types.h>

#include "04-network/network.h"
#include "04-network/rootless.h"
#include "common/args.h"

/* One command started in a network namespace of its own, attached. */
struct attached {
	struct cv_net_config cfg;
	char *const *argv;
	bool quiet; /* no summary lines */
	bool mute;  /* the command's output to /dev/null */
	pid_t pid;  /* once started */
	struct cv_net_attachment att;
};

/*
 * start_attached - start s->argv in new network, mount and UTS
 * namespaces (hostname: the id), attached by cv_net_attach() before it
 * runs, with the attachment's resolv.conf and hosts bound on its /etc.
 * s->pid and s->att are set; the caller waits, then stop_attached().
 */
int start_attached(struct attached *s, struct cv_err *err);

/* stop_attached - detach s, close its held ports; errors are printed. */
void stop_attached(struct attached *s);

/* The commands in demo_run.c and demo_tour.c. */
extern const struct cv_opt run_opts[], tour_opts[];
int cmd_run(struct cv_args *a);
int cmd_tour(struct cv_args *a);

/* --state DIR of ls, rm, gc, run: the state directory (NULL: the default). */
extern const char *state_dir;

#endif
