/*
 * syscalls.h - every raw system call containerv makes that libc does not
 * wrap (or wraps only in newer versions), in one place.
 *
 * Each wrapper is named sys_<syscall>, cites its man page, and returns what
 * the kernel returns: -1 with errno set on failure.  When the headers this
 * was built with do not know the syscall number, the wrapper fails with
 * ENOSYS, exactly as an old kernel would, so every caller already has the
 * fallback path it needs.  Whether the running kernel has a syscall is a
 * run-time question: see probe.h.
 */
#ifndef CV_COMMON_SYSCALLS_H
#define CV_COMMON_SYSCALLS_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>
#include <sys/mount.h>     /* struct mount_attr (glibc 2.36) */
#include <linux/openat2.h> /* struct open_how, RESOLVE_* */
#include <linux/sched.h>   /* struct clone_args, CLONE_NEWTIME, CLONE_INTO_CGROUP */

#ifndef MOUNT_ATTR_RDONLY /* older C libraries: the kernel's own definition */
#define MOUNT_ATTR_RDONLY 0x00000001
struct mount_attr {
	uint64_t attr_set, attr_clr, propagation, userns_fd;
};
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

/*
 * clone3(2): create a child, like fork(2) when args->stack is 0: the child
 * runs on a copy of the parent's stack and returns 0 from this call.
 * Namespaces in args->flags are created for the child; CLONE_PIDFD returns
 * a pidfd; CLONE_INTO_CGROUP starts the child in a cgroup.
 */
static inline pid_t sys_clone3(struct clone_args *args, size_t size)
{
#ifdef SYS_clone3
	return (pid_t)syscall(SYS_clone3, args, size);
#else
	(void)args;
	(void)size;
	errno = ENOSYS;
	return -1;
#endif
}

/*
 * clone(2), the raw syscall, with no new stack: fork(2) semantics plus the
 * CLONE_NEW* flags in `flags`.  The low byte of flags is the signal sent
 * to the parent when the child exits (SIGCHLD, as for fork).
 * (x86-64 argument order: flags, stack, parent_tid, child_tid, tls.)
 */
static inline pid_t sys_clone(unsigned long flags)
{
	return (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, 0UL);
}

/*
 * pivot_root(2): make new_root the root mount; the old one goes to put_old.
 * glibc has no wrapper for it (pivot_root(2), NOTES).
 */
static inline int sys_pivot_root(const char *new_root, const char *put_old)
{
	return (int)syscall(SYS_pivot_root, new_root, put_old);
}

/*
 * setns(2): move the caller into the namespace `fd` refers to (a
 * /proc/PID/ns/TYPE file; nstype 0 or its CLONE_NEW* flag), or, when fd is
 * a pidfd (Linux 5.8+), into several of that process's namespaces at once,
 * atomically: nstype is then the OR of CLONE_NEW* flags.
 */
static inline int sys_setns(int fd, int nstype)
{
	return (int)syscall(SYS_setns, fd, nstype);
}

/*
 * pidfd_open(2): a file descriptor that refers to process `pid` (5.3+).
 * glibc wraps it only since 2.36.
 */
static inline int sys_pidfd_open(pid_t pid, unsigned int flags)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, flags);
#else
	(void)pid;
	(void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

/*
 * pidfd_send_signal(2): signal the process a pidfd refers to; unlike
 * kill(2) it cannot hit a recycled pid.
 */
static inline int sys_pidfd_send_signal(int pidfd, int sig, siginfo_t *info, unsigned int flags)
{
#ifdef SYS_pidfd_send_signal
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, info, flags);
#else
	(void)pidfd;
	(void)sig;
	(void)info;
	(void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

/*
 * openat2(2) (5.6+): open with rules on how the path may be resolved:
 * RESOLVE_IN_ROOT treats dirfd as "/" for absolute symlinks and "..",
 * so nothing outside it can be reached.
 */
static inline int sys_openat2(int dirfd, const char *path, struct open_how *how, size_t size)
{
#ifdef SYS_openat2
	return (int)syscall(SYS_openat2, dirfd, path, how, size);
#else
	(void)dirfd;
	(void)path;
	(void)how;
	(void)size;
	errno = ENOSYS;
	return -1;
#endif
}

/*
 * mount_setattr(2) (5.12+): change the attributes of a mount, or with
 * AT_RECURSIVE of a whole mount tree at once (a recursive read-only bind).
 */
static inline int sys_mount_setattr(int dirfd, const char *path, unsigned int flags,
				    struct mount_attr *attr, size_t size)
{
#ifdef SYS_mount_setattr
	return (int)syscall(SYS_mount_setattr, dirfd, path, flags, attr, size);
#else
	(void)dirfd;
	(void)path;
	(void)flags;
	(void)attr;
	(void)size;
	errno = ENOSYS;
	return -1;
#endif
}

/*
 * fchmodat2(2) (6.6+): fchmodat(2) with the flags argument the kernel's
 * fchmodat never had: AT_SYMLINK_NOFOLLOW (a symlink is refused, never
 * followed) and AT_EMPTY_PATH (chmod the inode an O_PATH fd holds).
 * C libraries older than the syscall do not name it; 452 is its number in
 * the table every listed architecture shares.
 */
#if !defined(SYS_fchmodat2) &&                                                                     \
    (defined(__x86_64__) || defined(__i386__) || defined(__aarch64__) || defined(__riscv))
#define SYS_fchmodat2 452
#endif
static inline int sys_fchmodat2(int dirfd, const char *path, mode_t mode, unsigned int flags)
{
#ifdef SYS_fchmodat2
	return (int)syscall(SYS_fchmodat2, dirfd, path, mode, flags);
#else
	(void)dirfd;
	(void)path;
	(void)mode;
	(void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

/*
 * landlock_create_ruleset(2), landlock_add_rule(2), landlock_restrict_self(2)
 * (5.13+): an unprivileged process limits its own access to file trees.
 * With LANDLOCK_CREATE_RULESET_VERSION and no attributes, the first answers
 * the ABI version the kernel speaks.
 */
struct landlock_ruleset_attr;
static inline int sys_landlock_create_ruleset(const struct landlock_ruleset_attr *attr, size_t size,
					      uint32_t flags)
{
#ifdef SYS_landlock_create_ruleset
	return (int)syscall(SYS_landlock_create_ruleset, attr, size, flags);
#else
	(void)attr;
	(void)size;
	(void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

static inline int sys_landlock_add_rule(int ruleset_fd, int rule_type, const void *rule_attr,
					uint32_t flags)
{
#ifdef SYS_landlock_add_rule
	return (int)syscall(SYS_landlock_add_rule, ruleset_fd, rule_type, rule_attr, flags);
#else
	(void)ruleset_fd;
	(void)rule_type;
	(void)rule_attr;
	(void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

static inline int sys_landlock_restrict_self(int ruleset_fd, uint32_t flags)
{
#ifdef SYS_landlock_restrict_self
	return (int)syscall(SYS_landlock_restrict_self, ruleset_fd, flags);
#else
	(void)ruleset_fd;
	(void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

/*
 * bpf(2): load, attach and query eBPF programs; containerv uses it for
 * cgroup v2 device programs (BPF_PROG_TYPE_CGROUP_DEVICE).
 */
union bpf_attr;
static inline int sys_bpf(int cmd, union bpf_attr *attr, unsigned int size)
{
#ifdef SYS_bpf
	return (int)syscall(SYS_bpf, cmd, attr, size);
#else
	(void)cmd;
	(void)attr;
	(void)size;
	errno = ENOSYS;
	return -1;
#endif
}

/*
 * open_tree(2) (5.2+): a mount as a file descriptor.  With OPEN_TREE_CLONE
 * it is a new, detached copy of the mount at path (a bind mount in no
 * mount table), which mount_setattr(2) can change and execveat(2) can run
 * a file of.
 */
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
static inline int sys_open_tree(int dirfd, const char *path, unsigned int flags)
{
#ifdef SYS_open_tree
	return (int)syscall(SYS_open_tree, dirfd, path, flags);
#else
	(void)dirfd;
	(void)path;
	(void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

/*
 * execveat(2) (3.19+): execve(2) of a file given by descriptor; with
 * AT_EMPTY_PATH and "" it runs exactly the file fd names, so nothing can
 * be swapped in between the check and the exec.
 */
static inline int sys_execveat(int fd, const char *path, char *const argv[], char *const envp[],
			       int flags)
{
#ifdef SYS_execveat
	return (int)syscall(SYS_execveat, fd, path, argv, envp, flags);
#else
	(void)fd;
	(void)path;
	(void)argv;
	(void)envp;
	(void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

/*
 * close_range(2) (5.9+): close every descriptor from first to last in one
 * call; with CLOSE_RANGE_CLOEXEC, mark them close-on-exec instead.
 */
static inline int sys_close_range(unsigned int first, unsigned int last, unsigned int flags)
{
#ifdef SYS_close_range
	return (int)syscall(SYS_close_range, first, last, flags);
#else
	(void)first;
	(void)last;
	(void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

/*
 * ioprio_set(2): the I/O scheduling class and level of a process (which =
 * IOPRIO_WHO_PROCESS, who = 0: the caller), packed as class << 13 | level
 * (IOPRIO_PRIO_VALUE in linux/ioprio.h).  Children inherit it across
 * fork(2), and execve(2) keeps it.  The realtime class is for
 * privileged callers only (CAP_SYS_ADMIN; newer kernels take CAP_SYS_NICE).
 */
#ifndef IOPRIO_WHO_PROCESS
#define IOPRIO_WHO_PROCESS 1
#endif
static inline int sys_ioprio_set(int which, int who, int ioprio)
{
#ifdef SYS_ioprio_set
	return (int)syscall(SYS_ioprio_set, which, who, ioprio);
#else
	(void)which;
	(void)who;
	(void)ioprio;
	errno = ENOSYS;
	return -1;
#endif
}

/*
 * sched_setattr(2) (3.14+): a thread's scheduling policy and its
 * parameters in one struct (nice, priority, and the runtime, deadline and
 * period of SCHED_DEADLINE); pid 0 is the caller.  The kernel reads `size`
 * bytes of it: 48 is SCHED_ATTR_SIZE_VER0, this layout.  Named cv_ here:
 * newer C libraries and linux/sched/types.h declare a struct sched_attr.
 */
struct cv_sched_attr {
	uint32_t size, sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
};
static inline int sys_sched_setattr(pid_t pid, struct cv_sched_attr *attr, unsigned int flags)
{
#ifdef SYS_sched_setattr
	return (int)syscall(SYS_sched_setattr, pid, attr, flags);
#else
	(void)pid;
	(void)attr;
	(void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

/*
 * keyctl(2): the kernel's key management; libkeyutils wraps it, libc does
 * not.  KEYCTL_JOIN_SESSION_KEYRING with a NULL name gives the caller a new
 * anonymous session keyring ("_ses") and returns its serial number.
 * ENOSYS also on a kernel built without CONFIG_KEYS.
 */
static inline long sys_keyctl(int operation, unsigned long arg2, unsigned long arg3,
			      unsigned long arg4, unsigned long arg5)
{
#ifdef SYS_keyctl
	return syscall(SYS_keyctl, operation, arg2, arg3, arg4, arg5);
#else
	(void)operation;
	(void)arg2;
	(void)arg3;
	(void)arg4;
	(void)arg5;
	errno = ENOSYS;
	return -1;
#endif
}

/*
 * seccomp(2) (3.17+): operations on the caller's seccomp state.
 * SECCOMP_SET_MODE_FILTER installs the BPF program args points to (a
 * struct sock_fprog); with SECCOMP_FILTER_FLAG_NEW_LISTENER (5.0+) it
 * returns the filter's notify fd.  SECCOMP_GET_ACTION_AVAIL (4.14+)
 * returns 0 when the kernel knows the action *(uint32_t *)args.
 */
static inline int sys_seccomp(unsigned int op, unsigned int flags, void *args)
{
#ifdef SYS_seccomp
	return (int)syscall(SYS_seccomp, op, flags, args);
#else
	(void)op;
	(void)flags;
	(void)args;
	errno = ENOSYS;
	return -1;
#endif
}

#endif
