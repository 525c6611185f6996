/*
 * policy.c - the policy API (see policy.h): one table of syscall groups,
 * and which policy types take which.
 *
 * A policy is default-deny twice over: a seccomp filter whose default is
 * ERRNO(EPERM) with the groups of its type allowed, and a Landlock
 * ruleset that allows the system's programs and libraries and the paths
 * the caller adds.  The groups are written as a table, each with its
 * reason, so that what a policy allows can be read, printed (cv-security
 * seccomp-export policy:TYPE) and tested in one place.
 *
 * A policy is for a program sandboxing itself, so it must work without
 * privilege: no_new_privs first - it is what lets an unprivileged
 * process restrict itself with Landlock and seccomp at all - and nothing
 * that needs a capability.  EPERM, not ENOSYS or a kill, is the answer to
 * what a policy leaves out: programs report it ("Operation not
 * permitted"), where a kill would leave nothing to read.
 */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "05-security/identity.h"
#include "05-security/policy.h"
#include "05-security/seccomp.h"
#include "common/trace.h"

#define LIST(...) ((const char *const[]){__VA_ARGS__, NULL})
#define M         (1u << CV_POLICY_MINIMAL)
#define B         (1u << CV_POLICY_BUILD)
#define N         (1u << CV_POLICY_NETWORK)

/* The groups, and the policy types that allow each (M: minimal, B: build, N: network). */
static const struct {
	unsigned types;
	const char *why;
	const char *const *names;
} groups[] = {
    {M | B | N, "start the program at all: the exec that runs it, and the C library's start-up",
     LIST("execve", "brk", "arch_prctl", "set_tid_address", "set_robust_list", "rseq", "prlimit64",
	  "getrandom", "uname")},
    {M | B | N, "basic file I/O",
     LIST("read", "write", "open", "openat", "close", "lseek", "pread64", "pwrite64", "readv",
	  "writev", "stat", "fstat", "lstat", "newfstatat", "statx", "access", "faccessat",
	  "faccessat2", "getdents64", "getcwd", "readlink", "readlinkat", "fcntl", "dup", "dup2",
	  "dup3", "ioctl", "statfs", "fstatfs", "fadvise64")},
    {M | B | N, "memory", LIST("mmap", "munmap", "mprotect", "mremap", "madvise")},
    {M | B | N, "ending, signals and time: what every program touches on its way",
     LIST("exit", "exit_group", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack",
	  "getpid", "gettid", "getuid", "geteuid", "getgid", "getegid", "futex", "tgkill",
	  "clock_gettime", "clock_nanosleep", "nanosleep", "gettimeofday", "time", "sysinfo")},
    {B, "processes: start, run and wait for others",
     LIST("fork", "vfork", "clone", "clone3", "wait4", "waitid", "kill", "getppid", "setpgid",
	  "getpgrp", "getpgid", "setsid", "getsid", "execveat", "prctl", "getrusage", "sched_yield",
	  "sched_getaffinity", "getrlimit", "setrlimit", "getgroups")},
    {B, "file manipulation: create, delete, rename, chmod",
     LIST("creat", "mkdir", "mkdirat", "rmdir", "rename", "renameat", "renameat2", "unlink",
	  "unlinkat", "link", "linkat", "symlink", "symlinkat", "chmod", "fchmod", "fchmodat",
	  "chown", "fchown", "lchown", "fchownat", "umask", "chdir", "fchdir", "truncate",
	  "ftruncate", "utimensat", "fsync", "fdatasync", "fallocate", "copy_file_range",
	  "sendfile", "flock", "getdents")},
    {B, "IPC primitives: pipes, and waiting on several of them",
     LIST("pipe", "pipe2", "socketpair", "poll", "ppoll", "select", "pselect6", "eventfd2",
	  "epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait")},
    {N, "sockets: connect, listen, send, receive",
     LIST("socket", "connect", "bind", "listen", "accept", "accept4", "sendto", "recvfrom",
	  "sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "getsockname", "getpeername", "setsockopt",
	  "getsockopt", "shutdown", "poll", "ppoll", "epoll_create1", "epoll_ctl", "epoll_wait",
	  "epoll_pwait")},
};

/* Paths each type may read (and execute): the system's programs and libraries.
 * /proc is read-only too: a process under a policy may look at itself, not
 * write to the kernel's knobs. */
static const char *const system_dirs[] = {"/bin",   "/sbin", "/usr",  "/lib",
					  "/lib64", "/etc",  "/proc", NULL};
static const char *const devices[] = {"/dev/null",   "/dev/zero", "/dev/urandom",
				      "/dev/random", "/dev/tty",  NULL};

#define MAX_EXTRA 256

struct containerv_policy {
	enum containerv_policy_type type;
	unsigned n_extra;
	char extra[MAX_EXTRA][48]; /* syscalls added by name */
	struct cv_landlock landlock;
};

int cv_policy_type_from_name(const char *name, enum containerv_policy_type *type,
			     struct cv_err *err)
{
	static const char *const names[] = {"minimal", "build", "network", "custom"};

	for (int i = 0; i < 4; i++)
		if (!strcmp(name, names[i])) {
			*type = (enum containerv_policy_type)i;
			return 0;
		}
	cv_err_set(err, EINVAL, "unknown policy `%s`", name);
	return cv_err_hint(err, "the policies are minimal, build, network and custom");
}

/* Paths that may be missing where the policy is applied (a system without /lib64 is fine). */
static void add_optional(struct cv_landlock *ll, const char *const *paths, unsigned rights)
{
	struct cv_err ignored;

	for (; *paths; paths++)
		cv_landlock_add_optional(ll, *paths, rights, &ignored);
}

void cv_landlock_add_system(struct cv_landlock *ll)
{
	add_optional(ll, system_dirs, CV_FS_READ | CV_FS_EXEC);
	add_optional(ll, devices, CV_FS_READ | CV_FS_WRITE);
}

struct containerv_policy *containerv_policy_new(enum containerv_policy_type type)
{
	struct containerv_policy *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->type = type;
	/* custom starts empty: a caller may want even /usr out of reach */
	if (type != CV_POLICY_CUSTOM)
		cv_landlock_add_system(&p->landlock);
	return p;
}

int containerv_policy_add_syscalls(struct containerv_policy *p, const char *const *syscalls)
{
	for (; syscalls && *syscalls; syscalls++) {
		if (p->n_extra == MAX_EXTRA)
			return -E2BIG;
		snprintf(p->extra[p->n_extra++], sizeof(p->extra[0]), "%s", *syscalls);
	}
	return 0;
}

int containerv_policy_add_path(struct containerv_policy *p, const char *path, unsigned access)
{
	struct cv_err err;

	return cv_landlock_add(&p->landlock, path, access, &err);
}

int containerv_policy_add_paths(struct containerv_policy *p, const char *const *paths,
				unsigned access)
{
	int r = 0;

	for (; paths && *paths && r == 0; paths++)
		r = containerv_policy_add_path(p, *paths, access);
	return r;
}

void containerv_policy_delete(struct containerv_policy *p)
{
	free(p);
}

const struct cv_landlock *cv_policy_landlock(const struct containerv_policy *p)
{
	return &p->landlock;
}

int cv_policy_seccomp(const struct containerv_policy *p, struct cv_seccomp *sc, struct cv_err *err)
{
	struct cv_sc_rule rule = {.action = SCMP_ACT_ALLOW, .errno_ret = -1};
	int r = 0;

	cv_seccomp_init(sc, SCMP_ACT_ERRNO(0));
	sc->default_errno = EPERM;
	for (size_t i = 0; r == 0 && i < sizeof(groups) / sizeof(groups[0]); i++)
		if (groups[i].types & (1u << p->type))
			r = cv_seccomp_allow(sc, groups[i].names, err);
	for (unsigned i = 0; r == 0 && i < p->n_extra; i++) {
		snprintf(rule.name, sizeof(rule.name), "%s", p->extra[i]);
		r = cv_seccomp_add(sc, &rule, err);
	}
	return r;
}

int cv_policy_apply(const struct containerv_policy *p, struct cv_err *err)
{
	struct cv_seccomp sc;
	int r;

	/* no_new_privs first: without it neither of the others is allowed unprivileged */
	if ((r = cv_no_new_privs(err)) < 0)
		return r;
	/* Landlock before seccomp: its three calls need not be in the allow-list */
	if (p->landlock.n_rules && (r = cv_landlock_apply(&p->landlock, err)) < 0)
		return r;
	if ((r = cv_policy_seccomp(p, &sc, err)) < 0)
		return r;
	r = cv_seccomp_load(&sc, NULL, err);
	cv_seccomp_free(&sc);
	return r;
}

const char *cv_policy_group(unsigned i, const char *const **names, unsigned *types)
{
	if (i >= sizeof(groups) / sizeof(groups[0]))
		return NULL;
	*names = groups[i].names;
	*types = groups[i].types;
	return groups[i].why;
}
