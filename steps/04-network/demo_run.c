/*
 * demo_run.c - `cv-network run`: a command on a bridge, with NAT and ports.
 *
 *   cv-network run [--bridge NAME] [--subnet CIDR] [--ip ADDR]
 *                  [-p [HOSTIP:]HOSTPORT:PORT[/tcp|udp]]... [--rootless] -- CMD
 *
 * The command is started by step 01's cv_ns_spawn() in new network, mount
 * and UTS namespaces.  The attach runs in the spawn's parent hook: after
 * the child exists (its network namespace is /proc/CHILD/ns/net) and
 * before it runs, so the command's first instruction already sees eth0,
 * its address and its route.  Without root, the same happens inside a
 * user-owned network namespace that pasta or slirp4netns joins to the
 * host (rootless.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "01-namespaces/spawn.h"
#include "04-network/demo.h"
#include "common/child.h"
#include "common/cleanup.h"
#include "common/file.h"
#include "common/trace.h"

enum {
	O_BRIDGE = 1,
	O_SUBNET,
	O_IP,
	O_PUBLISH,
	O_NAME,
	O_NO_IPV6,
	O_ROOTLESS,
	O_VIA,
	O_QUIET,
	O_STATE
};

/* clang-format off */
const struct cv_opt run_opts[] = {
	{"bridge", 0, "NAME", "the bridge to attach to (made when missing; default " CV_NET_BRIDGE ")",
	 O_BRIDGE},
	{"subnet", 0, "CIDR", "the bridge's IPv4 subnet, when it is new (default " CV_NET_SUBNET ")",
	 O_SUBNET},
	{"ip", 0, "ADDR", "this address instead of the next free one", O_IP},
	{"publish", 'p', "[HOSTIP:]HOSTPORT:PORT[/tcp|udp]", "publish a port (repeatable)", O_PUBLISH},
	{"name", 0, "NAME", "the container's name: its hostname and the owner of its address",
	 O_NAME},
	{"no-ipv6", 0, NULL, "IPv4 only", O_NO_IPV6},
	{"rootless", 0, NULL, "in a user-owned network namespace (the default when not root)",
	 O_ROOTLESS},
	{"via", 0, "pasta|slirp4netns", "the rootless helper (default: pasta when installed)", O_VIA},
	{"quiet", 'q', NULL, "do not print the addresses and ports", O_QUIET},
	{"state", 0, "DIR", "the state directory (default " CV_NET_STATE_DIR ")", O_STATE},
	{NULL, 0, NULL, NULL, 0},
};
/* clang-format on */

struct run_opts {
	struct attached s;
	struct cv_port ports[CV_NET_PORTS_MAX];
	char id[CV_NET_ID_MAX + 1];
	bool rootless;
	enum cv_rootless_tool tool;
};

/* --via TOOL: the rootless way, with that helper. */
static int parse_via(struct cv_args *a, struct run_opts *o)
{
	o->rootless = true;
	if (!strcmp(a->val, "pasta"))
		o->tool = CV_ROOTLESS_PASTA;
	else if (!strcmp(a->val, "slirp4netns"))
		o->tool = CV_ROOTLESS_SLIRP;
	else
		return cv_args_usage_error(a, "--via %s: pasta or slirp4netns", a->val), -1;
	return 0;
}

static int parse_run(struct cv_args *a, struct run_opts *o)
{
	struct cv_net_config *cfg = &o->s.cfg;
	int opt;

	while ((opt = cv_args_next(a)) > 0) {
		switch (opt) {
		case O_BRIDGE:
			cfg->bridge = a->val;
			break;
		case O_SUBNET:
			cfg->subnet = a->val;
			break;
		case O_IP:
			cfg->ip = a->val;
			break;
		case O_NAME:
			cfg->id = a->val;
			break;
		case O_NO_IPV6:
			cfg->no_ipv6 = true;
			break;
		case O_ROOTLESS:
			o->rootless = true;
			break;
		case O_QUIET:
			o->s.quiet = true;
			break;
		case O_STATE:
			cfg->state_dir = a->val;
			break;
		case O_VIA:
			if (parse_via(a, o) < 0)
				return CV_EXIT_USAGE;
			break;
		case O_PUBLISH:
			if (cfg->n_ports == CV_NET_PORTS_MAX)
				return cv_args_usage_error(a, "at most %d -p", CV_NET_PORTS_MAX);
			if (cv_port_parse(a->val, &o->ports[cfg->n_ports], a->err) < 0)
				return CV_EXIT_USAGE;
			cfg->n_ports++;
			break;
		}
	}
	if (opt < 0)
		return opt == CV_ARG_HELP ? -1 : CV_EXIT_USAGE;
	if (cv_args_rest(a) == 0)
		return cv_args_usage_error(a, "no command given: what should run on the network?");
	cfg->ports = o->ports;
	if (!cfg->id) {
		snprintf(o->id, sizeof(o->id), "ctr-%d", (int)getpid());
		cfg->id = o->id;
	}
	o->s.argv = a->argv + a->i;
	return 0;
}

/* Where attach puts the files this container's /etc gets (network.c). */
static void attached_file(const struct attached *s, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s/files/%s/%s",
		 s->cfg.state_dir ? s->cfg.state_dir : CV_NET_STATE_DIR,
		 s->cfg.bridge ? s->cfg.bridge : CV_NET_BRIDGE, s->cfg.id, name);
}

/* Runs inside, as the child of cv_ns_spawn(), once attached. */
static int run_child(void *arg)
{
	const struct attached *s = arg;
	static const char *const etc[] = {"resolv.conf", "hosts"};
	char from[PATH_MAX], to[64];
	struct cv_err err;
	int r;

	/* private first: the binds below must not propagate to the host's /etc */
	r = mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	cv_trace_sys(r, "mount(/, MS_REC|MS_PRIVATE)");
	for (size_t i = 0; r == 0 && i < 2; i++) {
		attached_file(s, etc[i], from, sizeof(from));
		snprintf(to, sizeof(to), "/etc/%s", etc[i]);
		if (access(to, F_OK) < 0)
			continue; /* nothing to bind on: the command keeps none */
		r = mount(from, to, NULL, MS_BIND, NULL);
		cv_trace_sys(r, "mount(%s on %s, MS_BIND)", from, to);
	}
	if (r < 0) {
		cv_err_sys(&err, "mount of the container's /etc files");
		cv_err_print(&err, "cv-network");
		return 1;
	}
	if (s->mute && (r = open("/dev/null", O_WRONLY)) >= 0) {
		dup2(r, 1);
		dup2(r, 2);
		close(r);
	}
	cv_trace("execvp(\"%s\")", s->argv[0]);
	execvp(s->argv[0], s->argv);
	cv_err_sys(&err, "execvp(`%s`)", s->argv[0]);
	cv_err_hint(&err, "is `%s` installed, and in $PATH?", s->argv[0]);
	cv_err_print(&err, "cv-network");
	return errno == ENOENT ? 127 : 126;
}

/* What the attachment is, as `docker port` and `ip addr` would say it. */
static void print_attachment(const struct attached *s)
{
	const struct cv_net_attachment *t = &s->att;
	char a4[CV_ADDR_TEXT_MAX], a6[CV_ADDR_TEXT_MAX], gw[CV_ADDR_TEXT_MAX], p[80];

	printf("%s: eth0 %s%s%s, gateway %s, on bridge %s (host end %s)\n", t->id,
	       cv_cidr_format(&t->addr4, a4, sizeof(a4)), t->addr6.family ? " " : "",
	       t->addr6.family ? cv_cidr_format(&t->addr6, a6, sizeof(a6)) : "",
	       cv_addr_format(&t->gw4, gw, sizeof(gw)), t->bridge, t->veth);
	for (int i = 0; i < s->cfg.n_ports; i++)
		printf("%s: published %s\n", t->id, cv_port_format(&s->cfg.ports[i], p, sizeof(p)));
	fflush(stdout);
}

/* The parent hook: the child exists and waits; attach its namespace. */
static int attach_hook(pid_t child, void *arg, struct cv_err *err)
{
	struct attached *s = arg;
	char path[64];
	_cleanup_close_ int ns = -1;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)child);
	if ((ns = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return cv_err_sys(err, "open(`%s`)", path);
	if ((r = cv_net_attach(&s->cfg, ns, &s->att, err)) < 0)
		return r;
	if (!s->quiet)
		print_attachment(s);
	return 0;
}

int start_attached(struct attached *s, struct cv_err *err)
{
	struct cv_ns_spec spec;

	fflush(stdout);
	cv_ns_spec_init(&spec);
	spec.flags = CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWUTS;
	spec.hostname = s->cfg.id;
	spec.parent_hook = attach_hook;
	spec.parent_hook_arg = s;
	s->pid = cv_ns_spawn(&spec, run_child, s, err);
	return s->pid < 0 ? (int)s->pid : 0;
}

void stop_attached(struct attached *s)
{
	struct cv_err err;

	if (cv_net_detach(s->cfg.state_dir, s->att.bridge, s->att.id, &err) < 0)
		cv_err_print(&err, "cv-network");
	for (int i = 0; i < s->att.n_held; i++)
		close(s->att.held[i]);
	s->att.n_held = 0;
}

/* A state directory of one rootless run: its network lives as long as the run. */
static int rootless_state(char *buf, size_t size, struct cv_err *err)
{
	const char *base = getenv("XDG_RUNTIME_DIR");

	snprintf(buf, size, "%s/cv-network-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(buf))
		return cv_err_sys(err, "mkdtemp(`%s`)", buf);
	return 0;
}

int cmd_run(struct cv_args *a)
{
	static struct run_opts o;
	struct cv_rootless rl = {.helper = -1, .helper_pidfd = -1};
	char tmp[PATH_MAX] = "";
	int r, status = 1;

	if ((r = parse_run(a, &o)) != 0)
		return r < 0 ? 0 : r;
	/* no privilege over the host's network: the rootless way, said so */
	o.rootless = o.rootless || geteuid() != 0;
	cv_defer_signals();
	if (o.rootless && !o.s.cfg.state_dir && rootless_state(tmp, sizeof(tmp), a->err) == 0)
		o.s.cfg.state_dir = tmp;
	if (o.rootless && (!o.s.cfg.state_dir ||
			   cv_rootless_enter(o.tool, o.ports, o.s.cfg.n_ports, &rl, a->err) < 0))
		goto out;
	if (o.rootless && !o.s.quiet)
		printf("rootless: a network namespace of your own, joined to the host by %s\n",
		       cv_rootless_tool_name(rl.used));
	if (start_attached(&o.s, a->err) == 0) {
		cv_err_clear(a->err); /* from here the status is the command's */
		status = cv_wait_forwarding(o.s.pid, NULL);
		stop_attached(&o.s);
	}
out:
	if (o.rootless)
		cv_rootless_leave(&rl);
	if (*tmp) {
		struct cv_err ignored;
		cv_remove_tree(tmp, &ignored); /* only the lock file is left in it */
	}
	cv_raise_deferred();
	return status;
}
