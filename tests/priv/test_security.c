/*
 * test_security.c - step 05 as root: what a process sees after
 * cv_security_apply() and execve(), read by the probe (cv-probe) and by
 * cv-load, which makes a system call and prints what it returned.  Each
 * test runs in its own fork (lib/tap.h), which applies the settings to a
 * child of its own; temporary files and sockets, in the run's own
 * directory (lib/tap.h), are removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "05-security/apparmor.h"
#include "05-security/policy.h"
#include "05-security/profile.h"
#include "05-security/security.h"
#include "common/file.h"
#include "lib/tap.h"

#define BIT(cap) (1ULL << (cap))

static struct cv_security sec;
static struct cv_seccomp filter;
static struct cv_err err;
static char rootfs[PATH_MAX], probe[PATH_MAX + 16], load[PATH_MAX + 16], busybox[PATH_MAX + 16];

static void setup(void)
{
	const char *r = getenv("CV_ROOTFS");

	tap_need_root();
	if (!realpath(r ? r : "build/rootfs", rootfs) || access(rootfs, X_OK) != 0)
		tap_skip("no rootfs: run `make rootfs` (or set CV_ROOTFS)");
	snprintf(probe, sizeof(probe), "%s/bin/cv-probe", rootfs);
	snprintf(load, sizeof(load), "%s/bin/cv-load", rootfs);
	snprintf(busybox, sizeof(busybox), "%s/bin/busybox", rootfs);
	cv_security_init(&sec);
}

/*
 * Fork; the child applies `sec` (and, if given, `policy`) and execs argv
 * with stdout in `out`.  Returns the exit status, 128+N for signal N, or
 * 125 when applying failed (its error is in out).
 */
static int run(const struct containerv_policy *policy, char *const *argv, char *out, size_t size)
{
	int fds[2], status;
	ssize_t n = 0, r;
	pid_t pid;

	CHECK(pipe2(fds, O_CLOEXEC) == 0, "pipe");
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		struct cv_err e;
		dup2(fds[1], STDOUT_FILENO);
		if (cv_security_apply(&sec, &e) < 0 ||
		    (policy && cv_policy_apply(policy, &e) < 0)) {
			printf("apply: %s (%s)\n", e.msg, e.hint);
			fflush(stdout);
			_exit(125);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	while ((r = read(fds[0], out + n, size - 1 - (size_t)n)) > 0)
		n += r;
	out[n] = '\0';
	close(fds[0]);
	CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The probe's values for keys ("cap_eff no_new_privs"), one per line. */
static void probe_says(const char *keys, const char *want)
{
	char *argv[12] = {probe}, copy[256], out[1024];
	int n = 1, status;

	snprintf(copy, sizeof(copy), "%s", keys);
	for (char *k = strtok(copy, " "); k && n < 11; k = strtok(NULL, " "))
		argv[n++] = k;
	status = run(NULL, argv, out, sizeof(out));
	CHECK(status == 0 && !strcmp(out, want), "probe %s: status %d, `%s`, not `%s`", keys,
	      status, out, want);
}

/* cv-load sys NAME ARGS...: its one line of output ("ok 0", "EPERM"), and status. */
static int syscall_says(const struct containerv_policy *policy, const char *call, char *out,
			size_t size)
{
	char *argv[10] = {load, "sys"}, copy[256];
	int n = 2, status;

	snprintf(copy, sizeof(copy), "%s", call);
	for (char *w = strtok(copy, " "); w && n < 9; w = strtok(NULL, " "))
		argv[n++] = w;
	status = run(policy, argv, out, size);
	out[strcspn(out, "\n")] = '\0';
	return status;
}

static void expect_syscall(const struct containerv_policy *policy, const char *call,
			   const char *want)
{
	char out[256];
	int status = syscall_says(policy, call, out, sizeof(out));

	CHECK(!strncmp(out, want, strlen(want)), "%s: `%s` (status %d), not `%s`", call, out,
	      status, want);
}

static void add(const char *name, uint32_t action, int errno_ret)
{
	struct cv_sc_rule rule = {.action = action, .errno_ret = errno_ret};

	snprintf(rule.name, sizeof(rule.name), "%s", name);
	CHECK(cv_seccomp_add(&filter, &rule, &err) == 0, "%s", err.msg);
}

/* --- capabilities, identity, limits ----------------------------------------- */

static void caps_equal_the_requested_sets(void)
{
	struct cv_caps got;
	pid_t pid;
	int status;

	setup();
	sec.set_caps = true;
	sec.caps = (struct cv_caps){
	    .bounding = BIT(CAP_CHOWN) | BIT(CAP_KILL) | BIT(CAP_NET_BIND_SERVICE),
	    .permitted = BIT(CAP_CHOWN) | BIT(CAP_NET_BIND_SERVICE),
	    .effective = BIT(CAP_NET_BIND_SERVICE),
	    .inheritable = BIT(CAP_NET_BIND_SERVICE),
	    .ambient = BIT(CAP_NET_BIND_SERVICE),
	};
	sec.id.uid = 1000;
	sec.id.gid = 1000;
	/* in the process, before exec: exactly the five sets, as uid 1000 */
	pid = fork();
	if (pid == 0) {
		if (cv_security_apply(&sec, &err) < 0 || cv_caps_read(0, &got, &err) < 0)
			_exit(2);
		_exit(getuid() == 1000 && got.bounding == sec.caps.bounding &&
			      got.permitted == sec.caps.permitted &&
			      got.effective == sec.caps.effective &&
			      got.inheritable == sec.caps.inheritable &&
			      got.ambient == sec.caps.ambient
			  ? 0
			  : 1);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "the sets after cv_security_apply differ from those asked (status %#x)", status);
	/* after exec of an ordinary program by uid 1000, the ambient set is what remains */
	probe_says("uid cap_bnd cap_prm cap_eff cap_inh cap_amb",
		   "1000\n0000000000000421\n0000000000000400\n0000000000000400\n"
		   "0000000000000400\n0000000000000400\n");
}

static void without_ambient_a_user_loses_them_at_exec(void)
{
	setup();
	sec.set_caps = true;
	sec.caps = (struct cv_caps){BIT(CAP_NET_BIND_SERVICE), BIT(CAP_NET_BIND_SERVICE),
				    BIT(CAP_NET_BIND_SERVICE), 0, 0};
	sec.id.uid = 1000;
	sec.id.gid = 1000;
	probe_says("uid cap_eff cap_prm", "1000\n0000000000000000\n0000000000000000\n");
}

static void root_gets_its_bounding_set_at_exec(void)
{
	uint64_t set = BIT(CAP_CHOWN) | BIT(CAP_SETUID) | BIT(CAP_NET_RAW);
	char want[128];

	setup();
	sec.set_caps = true;
	sec.caps = (struct cv_caps){set, set, set, 0, 0};
	snprintf(want, sizeof(want), "0\n%016llx\n%016llx\n", (unsigned long long)set,
		 (unsigned long long)set);
	probe_says("uid cap_eff cap_bnd", want);
}

static void no_new_privs_is_set(void)
{
	setup();
	probe_says("no_new_privs", "0\n"); /* the control */
	sec.id.no_new_privs = true;
	probe_says("no_new_privs", "1\n");
}

static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC),
	    out = open(to, O_WRONLY | O_CREAT | O_EXCL, 0755);
	ssize_t n = 0;

	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			n = -1;
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return in < 0 || out < 0 || n < 0 ? -1 : 0;
}

/* The setuid story: with no_new_privs, a setuid-root program stays uid 1000. */
static void setuid_cannot_regain_with_no_new_privs(void)
{
	char dir[PATH_MAX], copy[PATH_MAX + 8], out[256];
	char *argv[] = {copy, "uid", "euid", "cap_eff", NULL};
	int status;

	setup();
	tap_tmp_for_others(); /* uid 1000 runs the copy */
	tap_tmp_path(dir, sizeof(dir), "cvtest-suid-XXXXXX");
	CHECK(mkdtemp(dir), "mkdtemp %s: %s", dir, strerror(errno));
	chmod(dir, 0755);
	snprintf(copy, sizeof(copy), "%s/probe", dir);
	CHECK(copy_file(probe, copy) == 0 && chmod(copy, 04755) == 0, "copying the probe");
	sec.id.uid = 1000;
	sec.id.gid = 1000;
	status = run(NULL, argv, out, sizeof(out));
	CHECK(status == 0 && !strncmp(out, "1000\n0\n", 7) && strcmp(out + 7, "0000000000000000\n"),
	      "without no_new_privs the setuid bit should give euid 0 and capabilities: `%s`", out);
	sec.id.no_new_privs = true;
	status = run(NULL, argv, out, sizeof(out));
	unlink(copy);
	rmdir(dir);
	CHECK(status == 0 && !strcmp(out, "1000\n1000\n0000000000000000\n"),
	      "with no_new_privs: `%s`, not uid 1000, euid 1000, no capabilities", out);
}

static void identity_limits_and_umask(void)
{
	gid_t groups[4];
	int n, status;
	pid_t pid;
	char text[16];

	setup();
	sec.id.n_rlimits = 2;
	sec.id.rlimits[0] = (struct cv_rlimit){RLIMIT_NOFILE, 64, 128};
	sec.id.rlimits[1] = (struct cv_rlimit){RLIMIT_CORE, 0, 0};
	sec.id.uid = 1000;
	sec.id.gid = 1000;
	sec.id.set_groups = true;
	sec.id.n_gids = 2;
	sec.id.gids[0] = 10;
	sec.id.gids[1] = 20;
	sec.id.umask = 027;
	sec.id.oom_score_adj = 500;
	probe_says("rlimit:nofile rlimit:core uid gid groups", "64:128\n0:0\n1000\n1000\n10 20\n");
	pid = fork();
	if (pid == 0) {
		if (cv_security_apply(&sec, &err) < 0)
			_exit(2);
		n = getgroups(4, groups);
		_exit(umask(0) == 027 && n == 2 && groups[1] == 20 &&
			      cv_read_file("/proc/self/oom_score_adj", text, sizeof(text), &err) >
				  0 &&
			      atoi(text) == 500
			  ? 0
			  : 1);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "umask, groups or oom_score_adj not as set (status %#x)", status);
}

/* --- seccomp ------------------------------------------------------------------ */

static void denied_syscall_returns_the_errno(void)
{
	setup();
	expect_syscall(NULL, "rmdir /tmp/cvtest-none", "ENOENT"); /* the control: no filter */
	cv_seccomp_init(&filter, SCMP_ACT_ALLOW);
	add("rmdir", SCMP_ACT_ERRNO(0), EACCES);
	add("sethostname", SCMP_ACT_ERRNO(0), -1); /* no errnoRet: EPERM */
	sec.seccomp = &filter;
	sec.id.no_new_privs = true;
	expect_syscall(NULL, "rmdir /tmp/cvtest-none", "EACCES");
	expect_syscall(NULL, "sethostname x 1", "EPERM");
	expect_syscall(NULL, "getpid", "ok ");
	cv_seccomp_free(&filter);
}

static void argument_rule_denies_only_its_value(void)
{
	struct cv_sc_rule rule = {
	    .name = "personality", .action = SCMP_ACT_ERRNO(0), .errno_ret = EINVAL, .n_args = 1};

	setup();
	rule.args[0] = (struct cv_sc_arg){0, CV_SC_EQ, 0x0008, 0}; /* PER_LINUX32 */
	cv_seccomp_init(&filter, SCMP_ACT_ALLOW);
	CHECK(cv_seccomp_add(&filter, &rule, &err) == 0, "%s", err.msg);
	sec.seccomp = &filter;
	sec.id.no_new_privs = true;
	expect_syscall(NULL, "personality 8", "EINVAL");
	expect_syscall(NULL, "personality 0xffffffff", "ok ");
	expect_syscall(NULL, "personality 0", "ok ");
	cv_seccomp_free(&filter);
}

static void kill_rules_kill_with_sigsys(void)
{
	char out[256];

	setup();
	cv_seccomp_init(&filter, SCMP_ACT_ALLOW);
	add("getppid", SCMP_ACT_KILL_PROCESS, -1);
	add("gettid", SCMP_ACT_KILL_THREAD, -1);
	add("uname", SCMP_ACT_TRAP, -1);
	sec.seccomp = &filter;
	sec.id.no_new_privs = true;
	CHECK(syscall_says(NULL, "getppid", out, sizeof(out)) == 128 + SIGSYS, "KILL_PROCESS");
	CHECK(syscall_says(NULL, "gettid", out, sizeof(out)) == 128 + SIGSYS, "KILL_THREAD");
	CHECK(syscall_says(NULL, "uname 0", out, sizeof(out)) == 128 + SIGSYS, "TRAP");
	CHECK(syscall_says(NULL, "getpid", out, sizeof(out)) == 0, "an unnamed syscall: %s", out);
	cv_seccomp_free(&filter);
}

static void log_allows_trace_needs_a_tracer(void)
{
	setup();
	cv_seccomp_init(&filter, SCMP_ACT_ALLOW);
	filter.flags = CV_SC_FLAG_LOG | CV_SC_FLAG_SPEC_ALLOW; /* the kernel takes both */
	add("rmdir", SCMP_ACT_LOG, -1);
	add("getcwd", SCMP_ACT_TRACE(0), -1);
	sec.seccomp = &filter;
	sec.id.no_new_privs = true;
	expect_syscall(NULL, "rmdir /tmp/cvtest-none", "ENOENT"); /* it ran */
	expect_syscall(NULL, "getcwd 0 0", "ENOSYS");             /* no tracer to ask */
	cv_seccomp_free(&filter);
}

/* Without no_new_privs the filter is loaded before the capabilities go. */
static void filter_without_no_new_privs(void)
{
	setup();
	CHECK(cv_profile_default(&filter, &err) == 0, "%s", err.msg);
	sec.seccomp = &filter;
	sec.set_caps = true;
	sec.caps = (struct cv_caps){0, 0, 0, 0, 0};
	sec.id.uid = 1000;
	sec.id.gid = 1000;
	probe_says("uid seccomp no_new_privs cap_eff", "1000\n2\n0\n0000000000000000\n");
	cv_seccomp_free(&filter);
}

static void default_profile_blocks_escapes_not_work(void)
{
	char script[2 * PATH_MAX + 128], out[4096];
	char *argv[] = {busybox, "sh", "-c", script, NULL};
	int status;

	setup();
	expect_syscall(NULL, "unshare 0x10000000", "ok 0"); /* the control: no filter */
	CHECK(cv_profile_default(&filter, &err) == 0, "%s", err.msg);
	sec.seccomp = &filter;
	sec.id.no_new_privs = true;
	expect_syscall(NULL, "unshare 0x10000000", "EPERM"); /* CLONE_NEWUSER */
	expect_syscall(NULL, "keyctl 0", "EPERM");
	expect_syscall(NULL, "add_key user k 0 0 0", "EPERM");
	expect_syscall(NULL, "mount none /tmp tmpfs 0 0", "EPERM");
	expect_syscall(NULL, "open_by_handle_at 0 0 0", "EPERM");
	expect_syscall(NULL, "bpf 0 0 0", "EPERM");
	expect_syscall(NULL, "userfaultfd 0", "EPERM");
	expect_syscall(NULL, "clone3 0 0", "ENOSYS");
#ifdef __x86_64__
	expect_syscall(NULL, "fchmodat2 -100 /tmp 0755 0", "ENOSYS"); /* newer than the profile */
	if (cv_seccomp_known_limit() <= 462) /* newer than libseccomp: the check in front */
		expect_syscall(NULL, "mseal 0 0 0", "ENOSYS");
#endif
	/* a shell, ls, and other applets still work */
	snprintf(script, sizeof(script),
		 "PATH=%s/bin; cd %s && ls bin/busybox && echo hi | tr a-z A-Z && sh -c 'exit 3';"
		 " echo $?",
		 rootfs, rootfs);
	status = run(NULL, argv, out, sizeof(out));
	CHECK(status == 0 && !strcmp(out, "bin/busybox\nHI\n3\n"),
	      "busybox under the default "
	      "profile: status %d, `%s`",
	      status, out);
	cv_seccomp_free(&filter);
}

/* The supervisor's half: accept, take the fd, answer one notification with 42. */
static void supervise(int sock, char *state, size_t size, char *called, size_t called_size)
{
	char control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {state, size - 1};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = control,
			    .msg_controllen = sizeof(control)};
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	struct pollfd p = {-1, POLLIN, 0};
	int conn = accept4(sock, NULL, NULL, SOCK_CLOEXEC), fd = -1;
	ssize_t n;
	char *name;

	CHECK(conn >= 0, "accept: %s", strerror(errno));
	n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
	CHECK(n > 0 && CMSG_FIRSTHDR(&mh), "recvmsg: no message with a file descriptor");
	state[n] = '\0';
	memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&mh)), sizeof(int));
	close(conn);
	p.fd = fd;
	CHECK(poll(&p, 1, 10000) == 1 && (p.revents & POLLIN), "no notification within 10 s");
	CHECK(seccomp_notify_alloc(&req, &resp) == 0, "seccomp_notify_alloc");
	CHECK(seccomp_notify_receive(fd, req) == 0, "seccomp_notify_receive");
	name = seccomp_syscall_resolve_num_arch(req->data.arch, req->data.nr);
	snprintf(called, called_size, "%s", name ? name : "?");
	free(name);
	resp->id = req->id;
	resp->val = 42;
	resp->error = 0;
	resp->flags = 0;
	CHECK(seccomp_notify_respond(fd, resp) == 0, "seccomp_notify_respond");
	seccomp_notify_free(req, resp);
	close(fd);
}

static void notify_asks_the_listener(void)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char state[4096], called[64], out[256] = "";
	int sock, fds[2], status;
	ssize_t n;
	pid_t pid;

	setup();
	tap_tmp_path(addr.sun_path, sizeof(addr.sun_path), "cvtest-notify-%d.sock", (int)getpid());
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK(sock >= 0 && bind(sock, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
		  listen(sock, 1) == 0,
	      "listening on %s: %s", addr.sun_path, strerror(errno));
	cv_seccomp_init(&filter, SCMP_ACT_ALLOW);
	add("getppid", SCMP_ACT_NOTIFY, -1);
	snprintf(filter.listener_path, sizeof(filter.listener_path), "%s", addr.sun_path);
	snprintf(filter.listener_metadata, sizeof(filter.listener_metadata), "test \"meta\"");
	sec.seccomp = &filter;
	sec.seccomp_state = "{\"id\":\"c1\",\"status\":\"creating\"}";
	sec.id.no_new_privs = true;
	CHECK(pipe2(fds, O_CLOEXEC) == 0, "pipe");
	if ((pid = fork()) == 0) {
		dup2(fds[1], STDOUT_FILENO);
		if (cv_security_apply(&sec, &err) < 0)
			_exit(125);
		execl(load, load, "sys", "getppid", NULL);
		_exit(127);
	}
	close(fds[1]);
	supervise(sock, state, sizeof(state), called, sizeof(called));
	n = read(fds[0], out, sizeof(out) - 1);
	out[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	close(sock);
	unlink(addr.sun_path);
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status), "the child");
	CHECK(!strcmp(called, "getppid"), "the listener was asked about %s", called);
	CHECK(!strcmp(out, "ok 42\n"), "getppid returned `%s`, not the listener's 42", out);
	CHECK(strstr(state, "\"fds\":[\"seccompFd\"]") &&
		  strstr(state, "\"metadata\":\"test "
				"\\\"meta\\\"\"") &&
		  strstr(state, "\"status\":\"creating\""),
	      "the container process state: %s", state);
	cv_seccomp_free(&filter);
}

/* --- Landlock and the policy API ------------------------------------------------ */

static char dir[PATH_MAX - 64];

static void make_dirs(void)
{
	char path[PATH_MAX + 8];
	int fd;

	tap_tmp_path(dir, sizeof(dir), "cvtest-landlock-XXXXXX");
	CHECK(mkdtemp(dir), "mkdtemp %s: %s", dir, strerror(errno));
	snprintf(path, sizeof(path), "%s/in", dir);
	CHECK(mkdir(path, 0777) == 0, "mkdir in");
	snprintf(path, sizeof(path), "%s/out", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	CHECK(fd >= 0 && write(fd, "secret\n", 7) == 7 && close(fd) == 0, "%s: %s", path,
	      strerror(errno));
}

static void remove_dirs(void)
{
	cv_remove_tree(dir, &err);
}

static void expect_load(const struct containerv_policy *policy, const char *what, const char *path,
			const char *want)
{
	char full[PATH_MAX], out[256];
	char *argv[] = {load, (char *)what, full, NULL};
	int status;

	snprintf(full, sizeof(full), "%s/%s", dir, path);
	status = run(policy, argv, out, sizeof(out));
	if (strcmp(out, want))
		remove_dirs();
	CHECK(!strcmp(out, want), "%s %s: `%s` (status %d), not `%s`", what, path, out, status,
	      want);
}

/* Under `make coverage` the counters are written at exec: let them through the walls. */
static const char *gcov_dir(void)
{
	const char *prefix = getenv("GCOV_PREFIX");

	return prefix && access(prefix, F_OK) == 0 ? prefix : NULL;
}

static void landlock_allows_inside_denies_outside(void)
{
	char inside[PATH_MAX];

	setup();
	if (cv_landlock_abi() == 0)
		tap_skip("this kernel has no Landlock");
	make_dirs();
	expect_load(NULL, "open", "out", "ok\n"); /* the control */
	snprintf(inside, sizeof(inside), "%s/in", dir);
	cv_landlock_add_system(&sec.landlock);
	if (gcov_dir())
		cv_landlock_add(&sec.landlock, gcov_dir(), CV_FS_ALL, &err);
	CHECK(cv_landlock_add(&sec.landlock, inside, CV_FS_READ | CV_FS_WRITE, &err) == 0, "%s",
	      err.msg);
	CHECK(cv_landlock_add(&sec.landlock, rootfs, CV_FS_READ | CV_FS_EXEC, &err) == 0, "%s",
	      err.msg);
	expect_load(NULL, "write", "in/f", "ok\n");
	expect_load(NULL, "open", "in/f", "ok\n");
	expect_load(NULL, "write", "g", "EACCES\n");
	expect_load(NULL, "open", "out", "EACCES\n");
	remove_dirs();
}

static void policy_enforces_syscalls_and_paths(void)
{
	struct containerv_policy *p = containerv_policy_new(CV_POLICY_MINIMAL);
	const char *more[] = {"rmdir", NULL};
	char inside[PATH_MAX], out[256];

	setup();
	if (cv_landlock_abi() == 0)
		tap_skip("this kernel has no Landlock");
	make_dirs();
	snprintf(inside, sizeof(inside), "%s/in", dir);
	CHECK(containerv_policy_add_path(p, inside, CV_FS_ALL) == 0 &&
		  containerv_policy_add_path(p, rootfs, CV_FS_READ | CV_FS_EXEC) == 0 &&
		  containerv_policy_add_syscalls(p, more) == 0,
	      "building the policy");
	if (gcov_dir())
		containerv_policy_add_path(p, gcov_dir(), CV_FS_ALL);
	/* paths: Landlock */
	expect_load(p, "write", "in/f", "ok\n");
	expect_load(p, "write", "g", "EACCES\n");
	expect_load(p, "open", "out", "EACCES\n");
	/* syscalls: minimal has no sockets and no getppid; rmdir was added */
	CHECK(syscall_says(p, "socket 1 1 0", out, sizeof(out)) == 1 && !strcmp(out, "EPERM"),
	      "socket under the minimal policy: %s", out);
	CHECK(syscall_says(p, "getppid", out, sizeof(out)) == 1 && !strcmp(out, "EPERM"),
	      "getppid under the minimal policy: %s", out);
	snprintf(inside, sizeof(inside), "rmdir %s/none", dir);
	CHECK(syscall_says(p, inside, out, sizeof(out)) == 1 && !strcmp(out, "ENOENT"),
	      "an added syscall (rmdir) ran: %s", out);
	/* the same under the network policy: sockets work */
	containerv_policy_delete(p);
	p = containerv_policy_new(CV_POLICY_NETWORK);
	containerv_policy_add_path(p, rootfs, CV_FS_READ | CV_FS_EXEC);
	CHECK(syscall_says(p, "socket 1 1 0", out, sizeof(out)) == 0, "socket under network: %s",
	      out);
	containerv_policy_delete(p);
	remove_dirs();
}

/*
 * AppArmor where the kernel enforces it (the test VM: tests/vm): a profile
 * compiled and loaded with apparmor_parser, entered at exec, seen in
 * /proc/self/attr/current, and a write it denies fails while the same
 * write unconfined succeeds; the default profile loads and applies too.
 * Where AppArmor is off (this host): asking for a profile is an error that
 * says so, before anything runs.
 */
static void apparmor_enforces_a_profile(void)
{
	char aa[PATH_MAX], file[PATH_MAX + 8], profile[PATH_MAX + 128], script[PATH_MAX + 128];
	char *argv[] = {busybox, "sh", "-c", script, NULL}, out[512];
	const char *dflt;

	setup();
	tap_tmp_path(aa, sizeof(aa), "cvtest-aa-%d", getpid());
	snprintf(file, sizeof(file), "%s/f", aa);
	snprintf(profile, sizeof(profile),
		 "profile cvtest-aa flags=(attach_disconnected) {\n"
		 "  file,\n  capability,\n  signal,\n  deny %s/** w,\n}\n",
		 aa);
	snprintf(
	    script, sizeof(script),
	    "cat /proc/self/attr/current; echo x > %s 2>/dev/null && echo written || echo denied",
	    file);
	if (!cv_apparmor_enabled()) {
		CHECK(cv_apparmor_exec("cvtest-aa", &err) < 0 && strstr(err.msg, "not enabled"),
		      "AppArmor off: `%s`", err.msg);
		cv_err_clear(&err);
		CHECK(cv_apparmor_default(&err) == NULL && err.code == 0,
		      "no default profile to apply where AppArmor is off");
		return;
	}
	CHECK(cv_apparmor_load(profile, &err) == 0, "apparmor_parser: %s (%s)", err.msg, err.hint);
	CHECK(mkdir(aa, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", aa, strerror(errno));
	sec.apparmor = "cvtest-aa";
	CHECK(run(NULL, argv, out, sizeof(out)) == 0, "sh: %s", out);
	CHECK(!strcmp(out, "cvtest-aa (enforce)\ndenied\n"), "confined: `%s`", out);
	CHECK(access(file, F_OK) < 0, "the denied write made the file");
	sec.apparmor = NULL; /* the control: the same write, unconfined */
	CHECK(run(NULL, argv, out, sizeof(out)) == 0, "sh");
	CHECK(!strcmp(out, "unconfined\nwritten\n"), "unconfined: `%s`", out);
	unlink(file);
	rmdir(aa);
	dflt = cv_apparmor_default(&err);
	CHECK(dflt && !strcmp(dflt, CV_APPARMOR_DEFAULT), "the default profile: %s", err.msg);
	sec.apparmor = dflt;
	snprintf(script, sizeof(script), "cat /proc/self/attr/current");
	CHECK(run(NULL, argv, out, sizeof(out)) == 0 &&
		  !strcmp(out, "containerv-default (enforce)\n"),
	      "default: `%s`", out);
}

int main(void)
{
	static const struct tap_test tests[] = {
	    {"capabilities: the five sets are those asked, as uid 1000",
	     caps_equal_the_requested_sets},
	    {"without ambient, uid 1000 loses them at exec",
	     without_ambient_a_user_loses_them_at_exec},
	    {"root gets its bounding set at exec", root_gets_its_bounding_set_at_exec},
	    {"no_new_privs is 1 inside", no_new_privs_is_set},
	    {"a setuid binary cannot regain capabilities with no_new_privs",
	     setuid_cannot_regain_with_no_new_privs},
	    {"rlimits, uid, gid, groups, umask and oom_score_adj are those set",
	     identity_limits_and_umask},
	    {"a denied syscall returns the configured errno", denied_syscall_returns_the_errno},
	    {"an argument rule denies only the matching argument",
	     argument_rule_denies_only_its_value},
	    {"KILL_PROCESS, KILL_THREAD and TRAP end the process with SIGSYS",
	     kill_rules_kill_with_sigsys},
	    {"LOG allows the call; TRACE without a tracer says ENOSYS",
	     log_allows_trace_needs_a_tracer},
	    {"without no_new_privs the filter goes on before the capabilities go",
	     filter_without_no_new_privs},
	    {"the default profile blocks unshare, keyctl, mount; busybox still works",
	     default_profile_blocks_escapes_not_work},
	    {"NOTIFY: the listener gets the fd and its answer is the return value",
	     notify_asks_the_listener},
	    {"Landlock allows inside the trees and denies outside",
	     landlock_allows_inside_denies_outside},
	    {"a policy from the C API enforces its syscalls and its paths",
	     policy_enforces_syscalls_and_paths},
	    {"AppArmor: a loaded profile confines after exec where enforced; a clear error where "
	     "off",
	     apparmor_enforces_a_profile},
	};
	return tap_main(tests, sizeof(tests) / sizeof(tests[0])) ? 1 : 0;
}
