/*
 * seccomp_load.c - putting a filter on the calling process (see
 * seccomp.h): the BPF program with its ENOSYS check in front, the
 * seccomp(2) call itself, and the hand-off of a NOTIFY listener fd.
 *
 * The load is done with seccomp(2), not libseccomp's seccomp_load(): the
 * program gets instructions of our own in front of libseccomp's, and the
 * call itself returns the listener fd that must reach the supervisor
 * before any other syscall of ours (below).
 *
 * Loading needs no_new_privs or CAP_SYS_ADMIN (seccomp(2)): a filter can
 * make a setuid program's calls fail in ways it never expected - a
 * setresuid() that "succeeds" without dropping anything - so only a
 * process that cannot exec into more privilege, or one already trusted
 * with it, may install one.  A filter stays for good: it is inherited by
 * every child and kept across execve(), and more filters only add to it
 * (the strictest answer of all of them wins).
 */
#include <errno.h>
#include <jansson.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "05-security/seccomp.h"
#include "common/cleanup.h"
#include "common/fdpass.h"
#include "common/syscalls.h"
#include "common/trace.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5) /* 5.19 */
#endif
#define X32_SYSCALL_BIT 0x40000000u

/*
 * libseccomp names the syscalls it knows; a kernel newer than it has more,
 * and a filter that denies by default would answer those with EPERM - so
 * a C library trying one would not fall back (the clone3 lesson).  In
 * front of libseccomp's program goes:
 *
 *     if arch == native and nr < X32_SYSCALL_BIT and nr >= limit:
 *         return ERRNO(ENOSYS)
 */
int cv_seccomp_program(const struct cv_seccomp *sc, struct sock_fprog *prog, struct cv_err *err)
{
	uint32_t x32 = seccomp_arch_native() == SCMP_ARCH_X86_64 ? X32_SYSCALL_BIT : 0xffffffffu;
	const struct sock_filter stub[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, seccomp_arch_native(), 0, 4),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, x32, 2, 0),
	    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, (uint32_t)cv_seccomp_known_limit(), 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
	};
	size_t n_stub = cv_seccomp_denies_unknown(sc) ? sizeof(stub) / sizeof(stub[0]) : 0;
	_cleanup_close_ int fd = memfd_create("seccomp-bpf", MFD_CLOEXEC);
	scmp_filter_ctx ctx;
	off_t size;
	int r;

	/* libseccomp 2.5 writes its program only to an fd (2.6 has seccomp_export_bpf_mem):
	 * a memfd, so that it is read back without a file anywhere */
	if (fd < 0)
		return cv_err_sys(err, "memfd_create() for the seccomp program");
	if (!(ctx = cv_seccomp_compile(sc, err)))
		return -err->code;
	r = seccomp_export_bpf(ctx, fd);
	seccomp_release(ctx);
	if (r < 0)
		return cv_err_set(err, -r, "seccomp_export_bpf(): %s", strerror(-r));
	size = lseek(fd, 0, SEEK_END);
	/* the kernel takes at most BPF_MAXINSNS (4096) instructions: a longer program is
	 * its EINVAL at load time, named there */
	prog->len = (unsigned short)(n_stub + (size_t)size / sizeof(struct sock_filter));
	prog->filter = calloc(prog->len, sizeof(struct sock_filter));
	if (!prog->filter)
		return cv_err_set(err, ENOMEM, "seccomp: a program of %u instructions", prog->len);
	memcpy(prog->filter, stub, n_stub * sizeof(stub[0]));
	if (pread(fd, prog->filter + n_stub, (size_t)size, 0) != size) {
		free(prog->filter);
		return cv_err_sys(err, "reading back the seccomp program");
	}
	return 0;
}

/*
 * The NOTIFY listener fd exists only once the filter is loaded, and from
 * then on every syscall of this process goes through the filter - a
 * sendmsg() to hand the fd over could itself be a syscall the filter
 * sends to the listener that has not got the fd yet: a deadlock.  So a
 * helper, cloned before the load with CLONE_FILES (it shares this
 * process's fd table, not its filter), does the sending.  This process
 * tells it the fd number through a shared page and waits for its answer
 * without a single syscall (clock_gettime is the vDSO's).
 */
struct handoff {
	_Atomic int fd;     /* -1: not yet; -2: give up; else the listener fd */
	_Atomic int result; /* 0: pending; 1: sent; -errno: failed */
};

/* The OCI "container process state" JSON, with "seccompFd" named in "fds". */
static char *listener_message(const struct cv_seccomp *sc, pid_t pid, const char *state_json)
{
	json_t *state = state_json ? json_loads(state_json, 0, NULL) : NULL;
	json_t *msg = json_pack("{s:s, s:[s], s:i, s:s, s:o}", "ociVersion", "1.2.0", "fds",
				"seccompFd", "pid", (int)pid, "metadata", sc->listener_metadata,
				"state", state ? state : json_object());
	char *text = msg ? json_dumps(msg, JSON_COMPACT) : NULL;

	json_decref(msg);
	return text;
}

static int helper_send(const struct cv_seccomp *sc, struct handoff *h, const char *msg)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int sock, fd, r;

	/* the helper has no filter of its own to fear: it was cloned before the load */
	while ((fd = atomic_load(&h->fd)) == -1)
		nanosleep(&(struct timespec){0, 100 * 1000}, NULL);
	if (fd == -2)
		return 0;
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", sc->listener_path);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0 || connect(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return -errno;
	r = cv_send_fd(sock, fd, msg, strlen(msg));
	return r < 0 ? r : 1;
}

/* Start the helper; it waits for h->fd. */
static pid_t helper_start(const struct cv_seccomp *sc, struct handoff *h, const char *msg)
{
	/* the raw clone: a fork() here would run the C library's atfork handlers, and
	 * CLONE_FILES (fork has no such flag) is what lets it see the fd to come */
	pid_t pid = sys_clone(CLONE_FILES | SIGCHLD);

	if (pid == 0) {
		int r = helper_send(sc, h, msg);
		atomic_store(&h->result, r);
		_exit(r < 0 ? 1 : 0);
	}
	return pid;
}

/* Give the helper the fd (or -2: nothing to send) and wait, with no syscall, for it. */
static int helper_finish(struct handoff *h, pid_t helper, int fd)
{
	struct timespec start, now;
	int r = 0;

	atomic_store(&h->fd, fd);
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (fd >= 0 && (r = atomic_load(&h->result)) == 0) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > 10) {
			r = -ETIMEDOUT;
			break;
		}
	}
	if (r == -ETIMEDOUT)
		kill(helper, SIGKILL);
	waitpid(helper, NULL, 0);
	return r;
}

/* The kernel's flags for seccomp(SECCOMP_SET_MODE_FILTER). */
static unsigned int load_flags(const struct cv_seccomp *sc, bool notify)
{
	/* TSYNC: every thread gets the filter.  It may not go with NEW_LISTENER
	 * before 5.7; the process is single-threaded there, so leave it out. */
	unsigned int flags = notify ? SECCOMP_FILTER_FLAG_NEW_LISTENER : SECCOMP_FILTER_FLAG_TSYNC;

	/* the profile's flags, each a kernel feature (LOG 4.14, SPEC_ALLOW 4.17,
	 * WAIT_KILLABLE_RECV 5.19): an older kernel refuses the load with EINVAL */
	if (sc->flags & CV_SC_FLAG_LOG)
		flags |= SECCOMP_FILTER_FLAG_LOG;
	if (sc->flags & CV_SC_FLAG_SPEC_ALLOW)
		flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
	if ((sc->flags & CV_SC_FLAG_WAIT_KILLABLE) && notify)
		flags |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	return flags;
}

static int load_error(const struct cv_seccomp *sc, int r, bool sending, struct cv_err *err)
{
	if (sending) {
		cv_err_set(err, -r, "seccomp: sending the listener fd to `%s`: %s",
			   sc->listener_path, strerror(-r));
		return cv_err_hint(err, "is the listener running, with its socket at that path?");
	}
	cv_err_set(err, -r, "seccomp(SECCOMP_SET_MODE_FILTER): %s", strerror(-r));
	if (r == -EACCES)
		return cv_err_hint(err, "loading a filter needs no_new_privs or CAP_SYS_ADMIN");
	return cv_err_hint(err, "an unknown flag here is a kernel too old for it: leave it out");
}

int cv_seccomp_load(const struct cv_seccomp *sc, const char *state_json, struct cv_err *err)
{
	bool notify = cv_seccomp_has_notify(sc);
	struct handoff *h = MAP_FAILED;
	struct sock_fprog prog;
	char *msg = NULL;
	pid_t helper = -1;
	int r, fd = -1;

	if ((r = cv_seccomp_check(sc, err)) < 0 || (r = cv_seccomp_program(sc, &prog, err)) < 0)
		return r;
	/* MAP_SHARED: the helper is another process (no CLONE_VM), and only a shared page
	 * is the same memory to both after the clone; the message is built now, because
	 * after the load even malloc's mmap could be a filtered call */
	if (notify) {
		h = mmap(NULL, sizeof(*h), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
			 0);
		msg = listener_message(sc, getpid(), state_json);
		if (h != MAP_FAILED) {
			h->fd = -1;
			h->result = 0;
		}
		if (h == MAP_FAILED || !msg || (helper = helper_start(sc, h, msg)) < 0) {
			r = cv_err_sys(err, "seccomp: starting the listener hand-off");
			goto out;
		}
	}
	fd = sys_seccomp(SECCOMP_SET_MODE_FILTER, load_flags(sc, notify), &prog);
	r = fd < 0 ? -errno : 0;
	if (helper > 0) /* before any other syscall of ours: the listener must have the fd */
		r = fd < 0 ? (helper_finish(h, helper, -2), r) : helper_finish(h, helper, fd);
	cv_trace_sys(r < 0 ? -1 : 0, "seccomp(SET_MODE_FILTER, %u instructions, default %s)%s",
		     prog.len, cv_sc_action_name(sc->default_action),
		     notify ? ", the listener fd sent" : "");
	if (r < 0)
		load_error(sc, r, fd >= 0, err);
	/* the supervisor has its copy; the confined process must never hold the fd that
	 * answers its own calls (it is close-on-exec too, but the caller may not exec) */
	if (notify && fd >= 0)
		close(fd);
out:
	free(prog.filter);
	free(msg);
	if (h != MAP_FAILED)
		munmap(h, sizeof(*h));
	return r < 0 ? r : 0;
}
