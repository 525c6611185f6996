/*
 * test_api.c - the C API of <containerv.h>, used as a program outside
 * the project would use it: this file includes the public header only,
 * and links libcontainerv.a (whose only global symbols are containerv_*).
 * What each container did is read back from inside it, through download.
 * Every container is destroyed and the state root (a temporary
 * directory, in the run's own: lib/tap.h) checked empty, and its cgroup
 * gone.  The API names that cgroup /containerv/ID, ID random: no run's
 * token in it, so each one is noted for tests/leftovers.sh (noted()).
 */
#include <containerv.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sched.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/tap.h"

static char rootfs[PATH_MAX], root[PATH_MAX - 8], scratch[PATH_MAX];
static struct containerv_options *opts;
static struct containerv_container *live[4]; /* destroyed at exit, should a CHECK fail */
static char ids[8][32];                      /* the ids of the test's containers */
static const struct containerv_mount tmp_mount = {"tmpfs", "/tmp", "tmpfs", 0};

static void cleanup(void)
{
	char cmd[2 * PATH_MAX + 64];

	for (int i = 0; i < 4; i++)
		if (live[i])
			containerv_destroy(live[i]);
	snprintf(cmd, sizeof(cmd), "rm -rf %s %s", root, scratch);
	if (system(cmd) != 0)
		fprintf(stderr, "# could not remove %s\n", root);
}

static void destroy(struct containerv_container *c)
{
	for (int i = 0; i < 4; i++)
		if (live[i] == c)
			live[i] = NULL;
	CHECK(containerv_destroy(c) == 0, "destroy: %s", containerv_error());
}

/* A state root and a scratch directory of its own for each test; options with a tmpfs /tmp. */
static void setup(void)
{
	const char *r = getenv("CV_ROOTFS");

	tap_need_root();
	if (!realpath(r ? r : "build/rootfs", rootfs) || access(rootfs, X_OK) != 0)
		tap_skip("no rootfs: run `make rootfs` (or set CV_ROOTFS)");
	tap_tmp_path(root, sizeof(root), "cvtest-api-XXXXXX");
	if (!mkdtemp(root))
		tap_fail("mkdtemp %s: %s", root, strerror(errno));
	snprintf(scratch, sizeof(scratch), "%s.files", root);
	mkdir(scratch, 0700);
	atexit(cleanup);
	opts = containerv_options_new();
	containerv_options_set_root(opts, root);
	containerv_options_set_mounts(opts, &tmp_mount, 1);
}

/*
 * A container's cgroup, /containerv/ID, noted in $CV_TEST_TMP/.cv-cgroups.paths:
 * tests/leftovers.sh reports it (and processes in it) should it stay.
 */
static void noted(const char *id)
{
	const char *tmp = getenv("CV_TEST_TMP");
	char file[PATH_MAX];
	FILE *f;

	for (int i = 0; i < 8; i++)
		if (!ids[i][0]) {
			snprintf(ids[i], sizeof(ids[i]), "%s", id);
			break;
		}
	if (!tmp || !*tmp)
		return;
	snprintf(file, sizeof(file), "%s/.cv-cgroups.paths", tmp);
	f = fopen(file, "ae");
	CHECK(f && fprintf(f, "/containerv/%s\n", id) > 0 && fclose(f) == 0, "noting in %s: %s",
	      file, strerror(errno));
}

/* Nothing left: the state root empty (then removed), no cgroup of the test's containers. */
static void done(void)
{
	char cmd[PATH_MAX + 64], pattern[PATH_MAX];
	glob_t g;

	containerv_options_delete(opts);
	CHECK(rmdir(root) == 0, "the state root %s is not empty: %s", root, strerror(errno));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", scratch);
	CHECK(system(cmd) == 0, "rm");
	for (int i = 0; i < 8 && ids[i][0]; i++) {
		/* in every tree: /sys/fs/cgroup (v2) or /sys/fs/cgroup/CONTROLLER (v1) */
		snprintf(pattern, sizeof(pattern), "/sys/fs/cgroup{,/*}/containerv/%s", ids[i]);
		if (glob(pattern, GLOB_BRACE, NULL, &g) == 0) {
			tap_diag("left behind: %s", g.gl_pathv[0]);
			globfree(&g);
			tap_fail("the cgroup of container %s is still there", ids[i]);
		}
	}
}

static struct containerv_container *create(void)
{
	struct containerv_container *c = NULL;
	int r = containerv_create(rootfs, opts, &c);

	CHECK(r == 0 && c, "containerv_create: %d: %s", r, containerv_error());
	noted(containerv_id(c));
	for (int i = 0; i < 4; i++)
		if (!live[i]) {
			live[i] = c;
			break;
		}
	return c;
}

/* sh -c CMD in the container, waited for; its exit code. */
static int sh(struct containerv_container *c, const char *cmd)
{
	char args[1024];
	pid_t pid;

	snprintf(args, sizeof(args), "-c '%s'", cmd);
	return containerv_spawn(
	    c, "/bin/sh",
	    &(struct containerv_spawn_options){.arguments = args, .flags = CV_SPAWN_WAIT}, &pid);
}

/* The contents of a file inside the container (through download), without the last newline. */
static const char *fetch(struct containerv_container *c, const char *path)
{
	static char text[4096];
	char host[PATH_MAX + 16];
	const char *from[] = {path}, *to[] = {host};
	ssize_t n;
	int fd, r;

	snprintf(host, sizeof(host), "%s/fetched", scratch);
	r = containerv_download(c, from, to, 1);
	CHECK(r == 0, "download %s: %d: %s", path, r, containerv_error());
	fd = open(host, O_RDONLY);
	n = fd < 0 ? -1 : read(fd, text, sizeof(text) - 1);
	CHECK(n >= 0, "read %s", host);
	close(fd);
	unlink(host);
	text[n] = '\0';
	if (n > 0 && text[n - 1] == '\n')
		text[n - 1] = '\0';
	return text;
}

/*
 * What containerv_create made in the state root, as inotify saw it: only
 * the container's own directory, with its config.json (the runtime's
 * record).  The config is built in memory: no bundle (.bundle-ID) is
 * written for create to read back.
 */
static void only_state_made(int fd, const char *id)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	char path[PATH_MAX + 64];
	const struct inotify_event *ev;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (char *p = buf; p < buf + n; p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)p;
			CHECK(!ev->len || !strcmp(ev->name, id),
			      "containerv_create made `%s` in the state root", ev->name);
		}
	snprintf(path, sizeof(path), "%s/%s/config.json", root, id);
	CHECK(access(path, R_OK) == 0, "the state's own %s", path);
}

static void test_lifecycle(void)
{
	struct containerv_container *c;
	const char *id;
	char expect[128];
	int watch;

	setup();
	watch = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	CHECK(watch >= 0 && inotify_add_watch(watch, root, IN_CREATE | IN_MOVED_TO) >= 0,
	      "inotify on %s: %s", root, strerror(errno));
	c = create();
	id = containerv_id(c);
	only_state_made(watch, id);
	close(watch);
	CHECK(strlen(id) == 15 && !strncmp(id, "cv-", 3), "id `%s`", id);
	CHECK(sh(c, "echo $$ > /tmp/o; hostname >> /tmp/o; cat /proc/1/comm >> /tmp/o") == 0, "sh");
	snprintf(expect, sizeof(expect), "2\n%s\ncontainerv-init", id);
	CHECK(!strcmp(fetch(c, "/tmp/o"), expect), "pid, hostname, init: `%s`", fetch(c, "/tmp/o"));
	CHECK(sh(c, "exit 7") == 7, "the exit code comes back");
	/* the idle init is the caller's program, never executed away: the container must not
	 * reach that binary through /proc/1/exe (CVE-2019-5736; the init is not dumpable) */
	CHECK(sh(c, "cat /proc/1/exe >/dev/null 2>&1 && exit 0; exit 3") == 3,
	      "the caller's binary can be read through /proc/1/exe");
	destroy(c);
	done();
}

static void test_processes(void)
{
	struct containerv_container *c;
	pid_t pid;
	int code = -1, r;

	setup();
	c = create();
	r = containerv_spawn(c, "/bin/sleep",
			     &(struct containerv_spawn_options){.arguments = "100"}, &pid);
	CHECK(r == 0 && pid > 0, "spawn without WAIT: %d %s", r, containerv_error());
	CHECK(kill(pid, 0) == 0, "it runs");
	CHECK(containerv_kill(c, pid) == 0, "kill: %s", containerv_error());
	CHECK(containerv_wait(c, pid, &code) == 0 && code == 137, "killed: %d", code);
	CHECK(containerv_kill(c, pid) == -ESRCH, "a collected process is not the container's");
	r = containerv_spawn(
	    c, "/bin/sh", &(struct containerv_spawn_options){.arguments = "-c \"exit 4\""}, &pid);
	CHECK(r == 0 && containerv_wait(c, pid, &code) == 0 && code == 4, "wait: %d", code);
	/* environment, user, quoting */
	r = containerv_spawn(
	    c, "/bin/sh",
	    &(struct containerv_spawn_options){
		.arguments = "-c 'echo \"$GREETING\" $(id -u):$(id -g) a\\ b > /tmp/o'",
		.environment = (const char *const[]){"GREETING=hi there", NULL},
		.as_user = &(struct containerv_user){1000, 1000},
		.flags = CV_SPAWN_WAIT},
	    NULL);
	CHECK(r == 0, "spawn as 1000: %d %s", r, containerv_error());
	CHECK(!strcmp(fetch(c, "/tmp/o"), "hi there 1000:1000 a b"), "`%s`", fetch(c, "/tmp/o"));
	/* a process left running is killed, and collected, by destroy */
	CHECK(containerv_spawn(c, "/bin/sleep",
			       &(struct containerv_spawn_options){.arguments = "100"}, &pid) == 0,
	      "spawn");
	destroy(c);
	CHECK(kill(pid, 0) < 0 && errno == ESRCH, "the sleep is gone, and reaped");
	done();
}

static void test_caps(void)
{
	struct containerv_container *c;
	char host_net[64], expect[96];
	ssize_t n;

	setup();
	n = readlink("/proc/self/ns/net", host_net, sizeof(host_net) - 1);
	host_net[n > 0 ? n : 0] = '\0';
	c = create(); /* the default: a network namespace of its own */
	CHECK(sh(c, "ls /sys/class/net > /tmp/o; readlink /proc/self/ns/net >> /tmp/o") == 0, "sh");
	snprintf(expect, sizeof(expect), "lo\n%s", host_net);
	CHECK(strcmp(fetch(c, "/tmp/o"), expect) && !strncmp(fetch(c, "/tmp/o"), "lo\nnet:", 7),
	      "own network: `%s`", fetch(c, "/tmp/o"));
	destroy(c);
	containerv_options_set_caps(opts,
				    CV_CAP_FILESYSTEM | CV_CAP_PROCESS_CONTROL | CV_CAP_USERS);
	c = create();
	CHECK(sh(c, "readlink /proc/self/ns/net > /tmp/o; cat /proc/self/uid_map >> /tmp/o") == 0,
	      "sh");
	CHECK(!strncmp(fetch(c, "/tmp/o"), host_net, strlen(host_net)), "the host's network: `%s`",
	      fetch(c, "/tmp/o"));
	CHECK(strstr(fetch(c, "/tmp/o"), "0     100000      65536"), "uid_map: `%s`",
	      fetch(c, "/tmp/o"));
	destroy(c);
	done();
}

static void test_limits_and_policy(void)
{
	struct containerv_container *c;
	struct containerv_policy *p = containerv_policy_new(CV_POLICY_BUILD);
	const char *const tmp[] = {"/tmp", NULL};

	setup();
	containerv_options_set_cgroup_limits(opts, "32M", "200", "12");
	c = create();
	CHECK(sh(c, "/bin/cv-load mem 64M") == 137, "the memory limit kills");
	CHECK(sh(c, "/bin/cv-load fork 20 > /tmp/o; exit 0") == 0, "fork");
	CHECK(strstr(fetch(c, "/tmp/o"), "then EAGAIN"), "the pids limit: `%s`",
	      fetch(c, "/tmp/o"));
	CHECK(
	    sh(c,
	       "cat /sys/fs/cgroup/cpu/cpu.shares /sys/fs/cgroup/cpu.weight > /tmp/o 2>/dev/null; "
	       "cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/pids.max >> /tmp/o 2>/dev/null; "
	       "exit 0") == 0,
	    "cat");
	CHECK(!strcmp(fetch(c, "/tmp/o"), "5220\n12") || !strcmp(fetch(c, "/tmp/o"), "200\n12"),
	      "weight 200 and pids 12 in its cgroup: `%s`", fetch(c, "/tmp/o"));
	destroy(c);
	/* a policy: sockets are not a build's; the same call without it works */
	containerv_policy_add_paths(p, tmp, CV_FS_ALL);
	containerv_options_set_policy(opts, p);
	c = create();
	CHECK(sh(c, "/bin/cv-load sys socket 1 1 0 > /tmp/o; exit 0") == 0,
	      "sh under the build policy");
	CHECK(!strcmp(fetch(c, "/tmp/o"), "EPERM"), "socket under BUILD: `%s`", fetch(c, "/tmp/o"));
	CHECK(sh(c, "cat /etc/passwd > /dev/null; echo read >> /tmp/o") == 0, "reading the system");
	CHECK(sh(c, "echo x 2>/dev/null > /dev/shm/x") != 0,
	      "Landlock: /dev/shm is not the policy's");
	destroy(c);
	containerv_options_set_policy(opts, NULL);
	c = create();
	CHECK(sh(c, "/bin/cv-load sys socket 1 1 0 > /tmp/o; exit 0") == 0, "sh");
	CHECK(!strncmp(fetch(c, "/tmp/o"), "ok ", 3), "socket without a policy: `%s`",
	      fetch(c, "/tmp/o"));
	destroy(c);
	containerv_policy_delete(p);
	done();
}

static void test_files_and_mounts(void)
{
	struct containerv_container *c;
	char data[PATH_MAX + 16], made[PATH_MAX + 16], file[PATH_MAX + 32], dir[PATH_MAX + 16];
	char sub[PATH_MAX + 32], back[PATH_MAX + 16];
	struct containerv_mount mounts[3] = {tmp_mount};
	struct stat st;
	FILE *f;

	setup();
	snprintf(data, sizeof(data), "%s/data", scratch);
	snprintf(made, sizeof(made), "%s/made/by/create", scratch);
	snprintf(dir, sizeof(dir), "%s/tree", scratch);
	snprintf(back, sizeof(back), "%s/back", scratch);
	mkdir(data, 0755);
	snprintf(file, sizeof(file), "%s/hello", data);
	CHECK((f = fopen(file, "w")) && fputs("hello\n", f) >= 0 && fclose(f) == 0, "write");
	mkdir(dir, 0755);
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	mkdir(sub, 0700);
	snprintf(sub, sizeof(sub), "%s/sub/deep", dir);
	CHECK((f = fopen(sub, "w")) && fputs("deep\n", f) >= 0 && fclose(f) == 0, "write");
	mounts[1] =
	    (struct containerv_mount){data, "/mnt", NULL, CV_MOUNT_BIND | CV_MOUNT_READONLY};
	mounts[2] = (struct containerv_mount){made, "/srv", NULL, CV_MOUNT_BIND | CV_MOUNT_CREATE};
	containerv_options_set_mounts(opts, mounts, 3);
	c = create();
	CHECK(stat(made, &st) == 0 && S_ISDIR(st.st_mode), "CV_MOUNT_CREATE made %s", made);
	CHECK(sh(c, "cat /mnt/hello > /tmp/o; echo x 2>/dev/null > /mnt/new || echo ro >> /tmp/o; "
		    "echo w > "
		    "/srv/w") == 0,
	      "sh");
	CHECK(!strcmp(fetch(c, "/tmp/o"), "hello\nro"), "`%s`", fetch(c, "/tmp/o"));
	snprintf(file, sizeof(file), "%s/w", made);
	CHECK(access(file, F_OK) == 0, "the writable bind is the host's directory");
	/* a tree up, its file read inside, the tree back down */
	CHECK(containerv_upload(c, (const char *[]){dir}, (const char *[]){"/tmp/up/tree"}, 1) == 0,
	      "upload a tree: %s", containerv_error());
	CHECK(sh(c, "stat -c \"%a %u\" /tmp/up/tree/sub > /tmp/o; cat /tmp/up/tree/sub/deep >> "
		    "/tmp/o") == 0,
	      "sh");
	CHECK(!strcmp(fetch(c, "/tmp/o"), "700 0\ndeep"), "`%s`", fetch(c, "/tmp/o"));
	CHECK(containerv_download(c, (const char *[]){"/tmp/up/tree"}, (const char *[]){back}, 1) ==
		  0,
	      "download a tree: %s", containerv_error());
	snprintf(file, sizeof(file), "%s/sub/deep", back);
	CHECK(access(file, R_OK) == 0, "%s came back", file);
	/* a symlink in the container to an absolute path means the container's path */
	CHECK(sh(c, "ln -s /etc/hostname /tmp/link") == 0, "ln");
	snprintf(file, sizeof(file), "%s/etc/hostname", rootfs);
	CHECK((f = fopen(file, "r")) && fgets(data, sizeof(data), f), "read %s", file);
	fclose(f);
	data[strcspn(data, "\n")] = '\0';
	CHECK(!strcmp(fetch(c, "/tmp/link"), data),
	      "the rootfs's /etc/hostname (%s), not the host's: `%s`", data, fetch(c, "/tmp/link"));
	/* errors */
	CHECK(containerv_upload(c, (const char *[]){file}, (const char *[]){"/mnt/x"}, 1) == -EROFS,
	      "upload to a read-only path");
	CHECK(strstr(containerv_error(), "/mnt/x"), "the error names it: %s", containerv_error());
	CHECK(containerv_download(c, (const char *[]){"/tmp/none"}, (const char *[]){back}, 1) ==
		  -ENOENT,
	      "download of a missing file");
	destroy(c);
	done();
}

static void test_errors(void)
{
	struct containerv_container *c = (void *)1;
	int r;

	setup();
	r = containerv_create("/nonexistent/rootfs", opts, &c);
	CHECK(r == -ENOENT && c == NULL, "a missing rootfs: %d", r);
	CHECK(strstr(containerv_error(), "/nonexistent/rootfs"), "named: %s", containerv_error());
	containerv_options_set_cgroup_limits(opts, "lots", NULL, NULL);
	r = containerv_create(rootfs, opts, &c);
	CHECK(r == -EINVAL && strstr(containerv_error(), "memory_max"), "a bad limit: %d %s", r,
	      containerv_error());
	containerv_options_set_cgroup_limits(opts, NULL, NULL, NULL);
	containerv_options_set_caps(opts, CV_CAP_NETWORK);
	r = containerv_create(rootfs, opts, &c);
	CHECK(r == -EINVAL && strstr(containerv_error(), "CV_CAP_FILESYSTEM"),
	      "no mount namespace");
	containerv_options_set_caps(opts, CV_CAP_FILESYSTEM | CV_CAP_PROCESS_CONTROL);
	c = create();
	r = containerv_spawn(c, "/bin/nonexistent", NULL, NULL);
	CHECK(r == -ENOENT && strstr(containerv_error(), "/bin/nonexistent"),
	      "a missing binary: %d %s", r, containerv_error());
	r = containerv_spawn(c, "/bin/sh", &(struct containerv_spawn_options){.arguments = "-c 'x"},
			     NULL);
	CHECK(r == -EINVAL && strstr(containerv_error(), "quote"), "an open quote: %d", r);
	destroy(c);
	done();
}

/* GET /path from 127.0.0.1:port (the host's side of a published port), retried while the server starts. */
static const char *http_get(int port, const char *path)
{
	static char reply[2048];
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	char req[256];

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\n\r\n", path);
	for (int i = 0; i < 50; i++, usleep(50 * 1000)) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		ssize_t n, got = 0;

		if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
		    write(fd, req, strlen(req)) < 0) {
			close(fd);
			continue;
		}
		while ((n = read(fd, reply + got, sizeof(reply) - 1 - (size_t)got)) > 0)
			got += n;
		close(fd);
		reply[got] = '\0';
		if (got > 0)
			return reply;
	}
	return "";
}

/*
 * On a bridge, in a network namespace of the test's own (the machine's
 * network is not touched): the container's address inside and out, its
 * /etc/hosts, a server in it reached through a published port; after
 * destroy, no bridge, no table, no state.
 */
static void test_network(void)
{
	const char *ports[] = {"18080:80", NULL}, *bad[] = {"18080", NULL};
	struct containerv_network net = {.mode = CV_NETWORK_BRIDGE, .ports = ports};
	struct containerv_container *c;
	char state[PATH_MAX + 8], left[PATH_MAX + 16];

	setup();
	CHECK(unshare(CLONE_NEWNET) == 0 && system("ip link set lo up") == 0,
	      "a network namespace for the test: %s", strerror(errno));
	snprintf(state, sizeof(state), "%s/net", scratch);
	net.state_dir = state;
	CHECK(containerv_options_set_network(opts, &net) == 0, "set_network: %s",
	      containerv_error());
	c = create();
	CHECK(containerv_address(c) && !strcmp(containerv_address(c), "10.77.0.2"), "address `%s`",
	      containerv_address(c) ? containerv_address(c) : "(null)");
	CHECK(sh(c, "ip -o -4 addr show eth0 | grep -o 10.77.0.2/24 > /tmp/o; "
		    "grep -c \"10.77.0.2.*$(hostname)\" /etc/hosts >> /tmp/o") == 0,
	      "sh");
	CHECK(!strcmp(fetch(c, "/tmp/o"), "10.77.0.2/24\n1"), "inside: `%s`", fetch(c, "/tmp/o"));
	CHECK(containerv_spawn(
		  c, "/bin/busybox",
		  &(struct containerv_spawn_options){.arguments = "httpd -f -p 80 -h /etc"},
		  NULL) == 0,
	      "spawn httpd: %s", containerv_error());
	CHECK(strstr(http_get(18080, "/hosts"), containerv_id(c)),
	      "127.0.0.1:18080 did not serve the container's /etc/hosts");
	destroy(c);
	CHECK(system("ip link show cv0 >/dev/null 2>&1") != 0, "the bridge is left");
	CHECK(system("nft list table inet containerv >/dev/null 2>&1") != 0, "the table is left");
	snprintf(left, sizeof(left), "%s/cv0", state);
	CHECK(access(left, F_OK) < 0, "the network's state is left: %s", left);
	CHECK(containerv_options_set_network(
		  opts, &(struct containerv_network){.mode = CV_NETWORK_BRIDGE, .ports = bad}) ==
		      -EINVAL &&
		  strstr(containerv_error(), "18080"),
	      "a malformed port: %s", containerv_error());
	/* a bridge needs a namespace of its own */
	containerv_options_set_network(opts, &net);
	containerv_options_set_caps(opts, CV_CAP_FILESYSTEM | CV_CAP_PROCESS_CONTROL);
	CHECK(containerv_create(rootfs, opts, &c) == -EINVAL &&
		  strstr(containerv_error(), "CV_CAP_NETWORK"),
	      "a bridge without CV_CAP_NETWORK: %s", containerv_error());
	CHECK(access(left, F_OK) < 0, "the refused container's files are left");
	done();
}

int main(void)
{
	static const struct tap_test tests[] = {
	    {"create (no bundle on disk), spawn, destroy: pid 2, the id as hostname, an idle init",
	     test_lifecycle},
	    {"spawn without waiting, kill, wait; environment, user, quoting; destroy reaps",
	     test_processes},
	    {"CV_CAP_*: a network namespace or the host's; a user namespace and its map",
	     test_caps},
	    {"cgroup limits seen inside and hit; a policy denies sockets, Landlock a path",
	     test_limits_and_policy},
	    {"mounts (read-only bind, CV_MOUNT_CREATE), upload and download of trees, errors",
	     test_files_and_mounts},
	    {"errors: missing rootfs, bad limit, no mount namespace, missing binary, open quote",
	     test_errors},
	    {"on a bridge: its address, /etc/hosts, a published port from 127.0.0.1; nothing left",
	     test_network},
	};

	return tap_main(tests, sizeof(tests) / sizeof(tests[0])) ? 1 : 0;
}
