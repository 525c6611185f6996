/*
 * test_network_rootless.c - step 04's rootless network: an unprivileged
 * process makes a network namespace of its own, and pasta or slirp4netns
 * publishes a port of it on the host.
 *
 * Nothing here touches the machine's network or devices.  Each test is a
 * fork (lib/tap.h) that first makes a throwaway "host": a network
 * namespace with lo up (and, for pasta, which copies its addresses from
 * the host's interface with the default route, a veth with 192.0.2.1/24
 * and a default route), and a private mount namespace in which a tun node
 * of the wanted mode is bound over /dev/net/tun - the machine's own node
 * (0600 on some hosts, 0666 on Debian) keeps its mode.  Then it drops to
 * nobody, calls cv_rootless_enter(), serves a file with busybox httpd
 * inside, and fetches it as root from the throwaway host's 127.0.0.1.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "04-network/rootless.h"
#include "common/file.h"
#include "common/trace.h"
#include "lib/tap.h"

#define PAGE "served from a rootless network namespace\n"

static struct cv_err err;
static char links_before[8192], tables_before[8192];

/* The output of a shell command, as root, in the caller's namespaces. */
static void run_output(const char *cmd, char *out, size_t size)
{
	FILE *p = popen(cmd, "r");
	size_t n = p ? fread(out, 1, size - 1, p) : 0;

	out[n] = '\0';
	if (p)
		pclose(p);
}

static void sh(const char *cmd)
{
	CHECK(system(cmd) == 0, "`%s` failed", cmd);
}

/* A tun node of this mode over /dev/net/tun, seen only in a new mount namespace. */
static void own_tun(mode_t mode)
{
	char dir[PATH_MAX], node[PATH_MAX + 8];

	CHECK(unshare(CLONE_NEWNS) == 0, "unshare(CLONE_NEWNS): %s", strerror(errno));
	CHECK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0, "make / private");
	CHECK(mkdtemp(tap_tmp_path(dir, sizeof(dir), "tun-XXXXXX")), "mkdtemp");
	/* a tmpfs of our own: the run's directory may be mounted nodev */
	CHECK(mount("tmpfs", dir, "tmpfs", 0, "mode=0755") == 0, "tmpfs: %s", strerror(errno));
	snprintf(node, sizeof(node), "%s/tun", dir);
	CHECK(mknod(node, S_IFCHR | mode, makedev(10, 200)) == 0, "mknod: %s", strerror(errno));
	CHECK(chmod(node, mode) == 0, "chmod"); /* past the umask */
	CHECK(mount(node, "/dev/net/tun", NULL, MS_BIND, NULL) == 0, "bind: %s", strerror(errno));
	/* the bound node keeps the tmpfs alive; its directory can go */
	CHECK(umount2(dir, MNT_DETACH) == 0 && rmdir(dir) == 0, "removing %s", dir);
}

/* The throwaway host: a network namespace with lo up, and a fake uplink if asked. */
static void throwaway_host(bool uplink)
{
	CHECK(unshare(CLONE_NEWNET) == 0, "unshare(CLONE_NEWNET): %s", strerror(errno));
	sh("ip link set lo up");
	if (uplink)
		sh("ip link add cvtu0 type veth peer name cvtu1 && ip link set cvtu1 up && "
		   "ip link set cvtu0 up && ip addr add 192.0.2.1/24 dev cvtu0 && "
		   "ip route add default via 192.0.2.254");
}

static void drop_to_nobody(void)
{
	/* left non-dumpable, as after any uid change: cv_rootless_enter copes */
	CHECK(setgroups(0, NULL) == 0 && setresgid(65534, 65534, 65534) == 0 &&
		  setresuid(65534, 65534, 65534) == 0,
	      "dropping to uid 65534: %s", strerror(errno));
}

static bool have(const char *tool)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null", tool);
	return system(cmd) == 0;
}

/* A directory nobody may write: TMPDIR for cv_rootless_enter, httpd's root. */
static void make_dir(char *dir, size_t size)
{
	char page[PATH_MAX + 16];

	tap_tmp_for_others();
	CHECK(mkdtemp(tap_tmp_path(dir, size, "rootless-XXXXXX")), "mkdtemp");
	CHECK(chmod(dir, 0777) == 0, "chmod");
	snprintf(page, sizeof(page), "%s/index.html", dir);
	CHECK(cv_write_file_new(page, PAGE, strlen(PAGE), 0644, &err) == 0, "%s", err.msg);
}

/* The unprivileged side: enter, serve, say the helper's pid, wait, leave. */
static void __attribute__((noreturn))
serve(enum cv_rootless_tool tool, const char *dir, int ready, int done)
{
	struct cv_port port = {.proto = IPPROTO_TCP, .host_port = 8080, .port = 8080};
	struct cv_rootless rl;
	pid_t httpd;
	char byte;

	drop_to_nobody();
	setenv("TMPDIR", dir, 1);
	if (cv_rootless_enter(tool, &port, 1, &rl, &err) < 0) {
		tap_diag("cv_rootless_enter: %s (hint: %s)", err.msg, err.hint);
		_exit(1);
	}
	if ((httpd = fork()) == 0) {
		prctl(PR_SET_PDEATHSIG,
		      SIGKILL); /* when the caller is killed, as in caller_killed() */
		execlp("busybox", "busybox", "httpd", "-f", "-p", "8080", "-h", dir, (char *)NULL);
		_exit(127);
	}
	if (write(ready, &rl.helper, sizeof(rl.helper)) != sizeof(rl.helper))
		_exit(2);
	if (read(done, &byte, 1) < 0)
		_exit(3);
	kill(httpd, SIGTERM);
	waitpid(httpd, NULL, 0);
	cv_rootless_leave(&rl);
	cv_rootless_leave(&rl); /* idempotent */
	_exit(rl.helper == -1 && rl.tmpdir[0] == '\0' ? 0 : 4);
}

/* The page through the host's 127.0.0.1:8080, tried for up to 4 s (httpd starting). */
static bool fetch(void)
{
	char got[256];

	for (int i = 0; i < 40; i++) {
		run_output("busybox wget -q -O- http://127.0.0.1:8080/index.html 2>/dev/null", got,
			   sizeof(got));
		if (strcmp(got, PAGE) == 0)
			return true;
		nanosleep(&(struct timespec){0, 100000000L}, NULL);
	}
	tap_diag("last reply: `%s`", got);
	return false;
}

/* No cv-rootless-* directory is left in dir. */
static bool tmpdir_removed(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool clean = true;

	while (d && (e = readdir(d)))
		clean &= strncmp(e->d_name, "cv-rootless-", 12) != 0;
	if (d)
		closedir(d);
	return clean;
}

/* Gone, or a zombie of no one's: not running either way. */
static bool not_running(pid_t pid)
{
	char path[64], stat[256] = "";
	struct cv_err e;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (cv_read_file(path, stat, sizeof(stat), &e) < 0)
		return true;
	return strstr(stat, ") Z ") != NULL;
}

/* A caller killed (SIGKILL: no leave) takes its helper with it: PR_SET_PDEATHSIG. */
static void caller_killed(pid_t child, pid_t helper)
{
	int tries = 0;

	CHECK(kill(child, SIGKILL) == 0 && waitpid(child, NULL, 0) == child, "killing the caller");
	while (!not_running(helper) && tries++ < 40)
		nanosleep(&(struct timespec){0, 50000000L}, NULL);
	CHECK(not_running(helper), "helper %d outlived its caller", (int)helper);
}

static void forward(enum cv_rootless_tool tool, bool kill_caller)
{
	int ready[2], done[2], status;
	char dir[PATH_MAX];
	pid_t child, helper = 0;

	tap_need_root();
	if (!have(cv_rootless_tool_name(tool)))
		tap_skip("%s is not installed", cv_rootless_tool_name(tool));
	throwaway_host(tool == CV_ROOTLESS_PASTA);
	own_tun(0666);
	make_dir(dir, sizeof(dir));
	CHECK(pipe(ready) == 0 && pipe(done) == 0, "pipe");
	if ((child = fork()) == 0) {
		close(ready[0]), close(done[1]);
		serve(tool, dir, ready[1], done[0]);
	}
	close(ready[1]), close(done[0]);
	CHECK(read(ready[0], &helper, sizeof(helper)) == sizeof(helper),
	      "the unprivileged side failed before serving (see above)");
	CHECK(helper > 0, "no helper pid");
	CHECK(fetch(), "127.0.0.1:8080 did not serve the page through %s",
	      cv_rootless_tool_name(tool));
	if (kill_caller) {
		caller_killed(child, helper);
		cv_remove_tree(dir, &err);
		return;
	}
	close(done[1]);
	CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && !WEXITSTATUS(status),
	      "the unprivileged side ended badly (status %#x)", status);
	CHECK(kill(helper, 0) < 0 && errno == ESRCH, "helper %d still running", (int)helper);
	CHECK(tmpdir_removed(dir), "cv_rootless_leave left its directory in %s", dir);
	cv_remove_tree(dir, &err);
}

static void pasta_forwards_a_port(void)
{
	forward(CV_ROOTLESS_PASTA, false);
}

static void slirp_forwards_a_port(void)
{
	forward(CV_ROOTLESS_SLIRP, false);
}

static void pasta_dies_with_its_caller(void)
{
	forward(CV_ROOTLESS_PASTA, true);
}

static void slirp_dies_with_its_caller(void)
{
	forward(CV_ROOTLESS_SLIRP, true);
}

/* As nobody: pasta fails, and its words come back with a hint; nothing is left. */
static void __attribute__((noreturn)) enter_without_uplink(const char *dir)
{
	struct cv_port port = {.proto = IPPROTO_TCP, .host_port = 8080, .port = 80};
	struct cv_rootless rl;
	int r;

	drop_to_nobody();
	setenv("TMPDIR", dir, 1);
	r = cv_rootless_enter(CV_ROOTLESS_PASTA, &port, 1, &rl, &err);
	tap_diag("%s (hint: %s)", err.msg, err.hint);
	CHECK(r == -EIO, "got %d: %s", r, err.msg);
	CHECK(strstr(err.msg, "pasta: exited with status") && strstr(err.msg, "interface"),
	      "message: %s", err.msg);
	CHECK(strstr(err.hint, "default route"), "hint: %s", err.hint);
	CHECK(rl.helper == -1 && rl.tmpdir[0] == '\0', "a failed enter kept its helper or files");
	CHECK(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD, "a child was left behind");
	_exit(0);
}

static void pasta_without_uplink_fails(void)
{
	char dir[PATH_MAX];
	int status;
	pid_t child;

	tap_need_root();
	if (!have("pasta"))
		tap_skip("pasta is not installed");
	throwaway_host(false);
	own_tun(0666);
	make_dir(dir, sizeof(dir));
	if ((child = fork()) == 0)
		enter_without_uplink(dir);
	CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && !WEXITSTATUS(status),
	      "the unprivileged side failed (see above)");
	CHECK(tmpdir_removed(dir), "the failed enter left its directory in %s", dir);
	cv_remove_tree(dir, &err);
}

/* An error expected of cv_rootless_enter, in an unchanged network namespace. */
static void expect(enum cv_rootless_tool tool, int code, const char *msg, const char *hint)
{
	struct cv_port port = {.proto = IPPROTO_TCP, .host_port = 8080, .port = 80};
	struct cv_rootless rl;
	struct stat before, after;
	int r;

	CHECK(stat("/proc/self/ns/net", &before) == 0, "stat");
	r = cv_rootless_enter(tool, &port, 1, &rl, &err);
	CHECK(r == -code, "%s: got %d (%s), not -%d", cv_rootless_tool_name(tool), r, err.msg,
	      code);
	CHECK(strstr(err.msg, msg), "message `%s` lacks `%s`", err.msg, msg);
	CHECK(strstr(err.hint, hint), "hint `%s` lacks `%s`", err.hint, hint);
	CHECK(stat("/proc/self/ns/net", &after) == 0 && before.st_ino == after.st_ino,
	      "a failed enter moved the caller to another network namespace");
	CHECK(rl.helper == -1 && rl.tmpdir[0] == '\0', "a failed enter left something");
	cv_rootless_leave(&rl);
}

static void missing_tool_is_enoent(void)
{
	setenv("PATH", "/nonexistent", 1);
	expect(CV_ROOTLESS_PASTA, ENOENT, "pasta: not found", "apt-get install passt");
	expect(CV_ROOTLESS_SLIRP, ENOENT, "slirp4netns: not found", "apt-get install slirp4netns");
	expect(CV_ROOTLESS_AUTO, ENOENT, "pasta or slirp4netns", "apt-get install passt");
}

static void unusable_tun_is_eacces(void)
{
	tap_need_root();
	if (!have("pasta") && !have("slirp4netns"))
		tap_skip("neither pasta nor slirp4netns is installed");
	own_tun(0600);
	drop_to_nobody();
	expect(CV_ROOTLESS_AUTO, EACCES, "/dev/net/tun", "chmod 0666 /dev/net/tun");
}

/* A port already bound on the host is refused before any namespace or helper. */
static void port_in_use_is_refused(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(8080)};
	int fd;

	tap_need_root();
	if (!have("pasta") && !have("slirp4netns"))
		tap_skip("neither pasta nor slirp4netns is installed");
	throwaway_host(false);
	own_tun(0666);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(fd, 1) == 0,
	      "holding 8080: %s", strerror(errno));
	drop_to_nobody();
	expect(CV_ROOTLESS_AUTO, EADDRINUSE, "8080", "");
}

/* The machine's own links and nft tables are as they were before the tests. */
static void machine_unchanged(void)
{
	char links[sizeof(links_before)], tables[sizeof(tables_before)];

	tap_need_root();
	run_output("ip -o link show | cut -d: -f2", links, sizeof(links));
	run_output("nft list tables", tables, sizeof(tables));
	CHECK(strcmp(links, links_before) == 0, "links before:\n%s\nafter:\n%s", links_before,
	      links);
	CHECK(strcmp(tables, tables_before) == 0, "nft tables before:\n%s\nafter:\n%s",
	      tables_before, tables);
}

int main(void)
{
	static const struct tap_test tests[] = {
	    {"pasta publishes 8080 of an unprivileged user's namespace", pasta_forwards_a_port},
	    {"slirp4netns publishes it too, through its API socket", slirp_forwards_a_port},
	    {"pasta ends when its caller is killed", pasta_dies_with_its_caller},
	    {"slirp4netns ends when its caller is killed", slirp_dies_with_its_caller},
	    {"pasta on a host without a default route: its words and a hint",
	     pasta_without_uplink_fails},
	    {"a helper not in PATH is ENOENT naming its package", missing_tool_is_enoent},
	    {"/dev/net/tun not open to the user is EACCES with the chmod", unusable_tun_is_eacces},
	    {"a port in use is refused before anything is made", port_in_use_is_refused},
	    {"the machine's links and nft tables are unchanged", machine_unchanged},
	};

	cv_trace_init(); /* CV_EXPLAIN=1: what cv_rootless_enter does, on stderr */
	run_output("ip -o link show | cut -d: -f2", links_before, sizeof(links_before));
	run_output("nft list tables", tables_before, sizeof(tables_before));
	return tap_main(tests, sizeof(tests) / sizeof(tests[0])) ? 1 : 0;
}
