/*
 * default_profile.c - the built-in seccomp profile, in the spirit of
 * Docker's default: deny everything (EPERM), then allow, group by group,
 * what ordinary programs need.  What is left out is left out on purpose;
 * the most important of those are listed too, with the reason, so that
 * the profile can be read as an argument, not just a list.
 */
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>

#include "05-security/profile.h"

#define LIST(...) ((const char *const[]){__VA_ARGS__, NULL})

static const struct {
	const char *why;
	const char *const *names;
} allowed[] = {
    {"files and directories: what every program does",
     LIST("read", "write", "open", "openat", "openat2", "close", "close_range", "creat", "lseek",
	  "pread64", "pwrite64", "readv", "writev", "preadv", "pwritev", "preadv2", "pwritev2",
	  "stat", "fstat", "lstat", "newfstatat", "statx", "statfs", "fstatfs", "access",
	  "faccessat", "faccessat2", "readlink", "readlinkat", "getdents", "getdents64", "getcwd",
	  "chdir", "fchdir", "mkdir", "mkdirat", "rmdir", "rename", "renameat", "renameat2", "link",
	  "linkat", "unlink", "unlinkat", "symlink", "symlinkat", "chmod", "fchmod", "fchmodat",
	  "chown", "fchown", "lchown", "fchownat", "umask", "truncate", "ftruncate", "fallocate",
	  "fadvise64", "fsync", "fdatasync", "sync", "syncfs", "sync_file_range", "flock", "fcntl",
	  "dup", "dup2", "dup3", "utime", "utimes", "utimensat", "futimesat", "copy_file_range",
	  "sendfile", "splice", "tee", "vmsplice", "readahead", "ioctl", "getxattr", "lgetxattr",
	  "fgetxattr", "setxattr", "lsetxattr", "fsetxattr", "listxattr", "llistxattr",
	  "flistxattr", "removexattr", "lremovexattr", "fremovexattr", "inotify_init",
	  "inotify_init1", "inotify_add_watch", "inotify_rm_watch")},
    {"device nodes: mknod itself needs CAP_MKNOD, and the cgroup device rules decide use",
     LIST("mknod", "mknodat")},
    {"memory",
     LIST("brk", "mmap", "munmap", "mremap", "mprotect", "madvise", "mincore", "msync", "mlock",
	  "mlock2", "munlock", "mlockall", "munlockall", "membarrier", "memfd_create", "pkey_alloc",
	  "pkey_free", "pkey_mprotect", "remap_file_pages", "get_mempolicy")},
    {"processes and threads (clone is allowed below, without namespace flags)",
     LIST("fork", "vfork", "execve", "execveat", "exit", "exit_group", "wait4", "waitid", "kill",
	  "tkill", "tgkill", "getpid", "getppid", "gettid", "getpgid", "setpgid", "getpgrp",
	  "getsid", "setsid", "getpriority", "setpriority", "sched_yield", "sched_getaffinity",
	  "sched_setaffinity", "sched_getparam", "sched_setparam", "sched_getscheduler",
	  "sched_setscheduler", "sched_getattr", "sched_setattr", "sched_get_priority_max",
	  "sched_get_priority_min", "sched_rr_get_interval", "prctl", "arch_prctl",
	  "set_tid_address", "set_robust_list", "get_robust_list", "rseq", "futex", "futex_waitv",
	  "restart_syscall", "pidfd_open", "pidfd_send_signal", "process_mrelease", "capget",
	  "capset", "prlimit64", "getrlimit", "setrlimit", "getrusage", "times", "uname", "sysinfo",
	  "getcpu", "ioprio_get", "ioprio_set", "set_thread_area", "get_thread_area", "modify_ldt",
	  "chroot")},
    {"debugging the container's own processes (ptrace stays inside its pid namespace)",
     LIST("ptrace", "process_vm_readv", "process_vm_writev")},
    {"sandboxing itself further: seccomp and Landlock only ever take away",
     LIST("seccomp", "landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self")},
    {"who it is: changing ids needs CAP_SETUID/CAP_SETGID anyway",
     LIST("getuid", "geteuid", "getgid", "getegid", "getgroups", "setgroups", "setuid", "setgid",
	  "setreuid", "setregid", "setresuid", "setresgid", "getresuid", "getresgid", "setfsuid",
	  "setfsgid")},
    {"signals and clocks (reading the clocks; setting them is below)",
     LIST("rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigpending", "rt_sigsuspend",
	  "rt_sigtimedwait", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "sigaltstack", "signalfd",
	  "signalfd4", "pause", "alarm", "nanosleep", "clock_nanosleep", "clock_gettime",
	  "clock_getres", "gettimeofday", "time", "getitimer", "setitimer", "timer_create",
	  "timer_delete", "timer_settime", "timer_gettime", "timer_getoverrun", "timerfd_create",
	  "timerfd_settime", "timerfd_gettime")},
    {"waiting for things: poll, epoll, eventfd, pipes, async io",
     LIST("poll", "ppoll", "select", "pselect6", "epoll_create", "epoll_create1", "epoll_ctl",
	  "epoll_wait", "epoll_pwait", "epoll_pwait2", "eventfd", "eventfd2", "pipe", "pipe2",
	  "io_setup", "io_destroy", "io_submit", "io_cancel", "io_getevents", "io_pgetevents")},
    {"sockets: the network namespace decides what they reach",
     LIST("socket", "socketpair", "bind", "listen", "accept", "accept4", "connect", "getsockname",
	  "getpeername", "getsockopt", "setsockopt", "sendto", "recvfrom", "sendmsg", "recvmsg",
	  "sendmmsg", "recvmmsg", "shutdown")},
    {"System V and POSIX IPC: the ipc namespace keeps them the container's own",
     LIST("msgget", "msgsnd", "msgrcv", "msgctl", "semget", "semop", "semtimedop", "semctl",
	  "shmget", "shmat", "shmdt", "shmctl", "mq_open", "mq_unlink", "mq_timedsend",
	  "mq_timedreceive", "mq_notify", "mq_getsetattr")},
    {"randomness", LIST("getrandom")},
};

/* Not allowed, and why: they act on the whole machine, or open the kernel wide. */
static const struct {
	const char *why;
	const char *const *names;
} denied[] = {
    {"replace the running kernel", LIST("kexec_load", "kexec_file_load", "reboot")},
    {"load code into the kernel", LIST("init_module", "finit_module", "delete_module", "bpf")},
    {"the kernel keyring is not namespaced: keys of the host and other containers",
     LIST("keyctl", "add_key", "request_key")},
    {"mount the host's filesystems, or move the root (CVE-2022-0185 came through fsconfig)",
     LIST("mount", "umount2", "pivot_root", "fsopen", "fsconfig", "fsmount", "fspick", "move_mount",
	  "open_tree", "mount_setattr")},
    {"new namespaces: an unprivileged user namespace is the first step of many kernel exploits",
     LIST("unshare", "setns")},
    {"open any host file from a handle: the \"shocker\" escape of 2014",
     LIST("open_by_handle_at", "name_to_handle_at")},
    {"a tool for winning kernel races; a large, exploited attack surface",
     LIST("userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register")},
    {"the host's performance counters and kernel addresses", LIST("perf_event_open")},
    {"the host's clock and kernel log",
     LIST("settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "syslog")},
    {"the host's swap, accounting, quotas; raw port I/O",
     LIST("swapon", "swapoff", "acct", "quotactl", "iopl", "ioperm")},
    {"obsolete calls nobody needs and attackers like",
     LIST("uselib", "ustat", "sysfs", "_sysctl", "vm86", "vm86old", "lookup_dcookie",
	  "nfsservctl")},
};

/* Namespace flags: clone(2) with any of them is the unshare above by another name. */
#define CLONE_NS_FLAGS                                                                             \
	(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | \
	 CLONE_NEWCGROUP)

/* personality(2) values that change nothing dangerous (Docker allows the same):
 * PER_LINUX, PER_LINUX32, UNAME26, the last two together, and 0xffffffff, which
 * only asks.  Left out: ADDR_NO_RANDOMIZE, which turns off address space layout
 * randomization for what the process runs next - a gift to an exploit. */
static const uint64_t personalities[] = {0x0, 0x8, 0x20000, 0x20008, 0xffffffff};

int cv_profile_default(struct cv_seccomp *sc, struct cv_err *err)
{
	struct cv_sc_rule rule = {.action = SCMP_ACT_ALLOW, .errno_ret = -1};
	int r = 0;

	/* EPERM, as Docker: a program told "not permitted" says so; ENOSYS would send it
	 * looking for an older call.  Calls newer than the profile do get ENOSYS (seccomp.c) */
	cv_seccomp_init(sc, SCMP_ACT_ERRNO(0));
	sc->default_errno = EPERM;
	if (seccomp_arch_native() == SCMP_ARCH_X86_64) { /* 32-bit programs too */
		sc->arches[sc->n_arches++] = SCMP_ARCH_X86_64;
		sc->arches[sc->n_arches++] = SCMP_ARCH_X86;
		sc->arches[sc->n_arches++] = SCMP_ARCH_X32;
	}
	for (size_t i = 0; r == 0 && i < sizeof(allowed) / sizeof(allowed[0]); i++)
		r = cv_seccomp_allow(sc, allowed[i].names, err);
	/* clone: allowed when it makes no namespace; clone3's flags are in memory a
	 * filter cannot read, so it says ENOSYS and the C library falls back to clone */
	/* argument 0 holds clone's flags on x86 and arm; s390's clone takes the stack first
	 * (Docker's profile has a rule of its own for it, this one has not) */
	rule.n_args = 1;
	rule.args[0] = (struct cv_sc_arg){0, CV_SC_MASKED_EQ, CLONE_NS_FLAGS, 0};
	snprintf(rule.name, sizeof(rule.name), "clone");
	if (r == 0)
		r = cv_seccomp_add(sc, &rule, err);
	rule =
	    (struct cv_sc_rule){.name = "clone3", .action = SCMP_ACT_ERRNO(0), .errno_ret = ENOSYS};
	if (r == 0)
		r = cv_seccomp_add(sc, &rule, err);
	for (size_t i = 0; r == 0 && i < sizeof(personalities) / sizeof(personalities[0]); i++) {
		rule = (struct cv_sc_rule){
		    .name = "personality", .action = SCMP_ACT_ALLOW, .errno_ret = -1, .n_args = 1};
		rule.args[0] = (struct cv_sc_arg){0, CV_SC_EQ, personalities[i], 0};
		r = cv_seccomp_add(sc, &rule, err);
	}
	/* the denials, written out: the default would deny them anyway */
	for (size_t i = 0; r == 0 && i < sizeof(denied) / sizeof(denied[0]); i++)
		for (const char *const *n = denied[i].names; r == 0 && *n; n++) {
			rule = (struct cv_sc_rule){.action = SCMP_ACT_ERRNO(0), .errno_ret = EPERM};
			snprintf(rule.name, sizeof(rule.name), "%s", *n);
			r = cv_seccomp_add(sc, &rule, err);
		}
	if (r < 0)
		cv_seccomp_free(sc);
	return r;
}
