/*
 * file.h - reading and writing the small files the kernel uses as its
 * interface: /proc/PID/uid_map, /proc/sys/..., cgroup control files.
 */
#ifndef CV_COMMON_FILE_H
#define CV_COMMON_FILE_H

#include <sys/types.h>

#include "common/err.h"

/*
 * cv_write_file - write len bytes of data to an existing file at path in a
 * single write(2).  Many kernel files (uid_map, timens_offsets) accept
 * exactly one write, so the data is never split.  Returns 0 or -errno.
 */
int cv_write_file(const char *path, const char *data, size_t len, struct cv_err *err);

/* cv_write_file_new - the same, creating or truncating the file (with mode). */
int cv_write_file_new(const char *path, const char *data, size_t len, mode_t mode,
		      struct cv_err *err);

/*
 * cv_read_file - read up to size-1 bytes of the file at path into buf and
 * NUL-terminate it.  Returns the length read, or -errno.
 */
ssize_t cv_read_file(const char *path, char *buf, size_t size, struct cv_err *err);

/*
 * cv_remove_tree - rm -rf path: never following a symlink, never crossing
 * into another filesystem mounted below it.  A missing path is fine.
 */
int cv_remove_tree(const char *path, struct cv_err *err);

/*
 * cv_stdio_open - /dev/null on whichever of fds 0, 1 and 2 is closed.  A
 * daemon may run with them closed; the next pipe or socket would then be
 * numbered 0-2, and code that hands a child its stdio there would close
 * or overwrite it.  Returns 0 or -errno.
 */
int cv_stdio_open(struct cv_err *err);

/*
 * cv_write_own_proc - write /proc/self/NAME (oom_score_adj, timens_offsets).
 * A process that is not dumpable - the container's init until it execs,
 * or any process whose uid just changed - has its /proc/self files owned
 * by the host's root, and inside a user namespace cannot write its own:
 * it is dumpable again for this one write, then as it was.
 */
int cv_write_own_proc(const char *name, const char *data, size_t len, struct cv_err *err);

/*
 * cv_close_fds_except - close every descriptor from `first` up, but the n
 * in keep (negative entries ignored); those kept are made close-on-exec.
 * One close_range(2) per gap between them (one close(2) per number on a
 * kernel before 5.9).  For a process about to become visible to a
 * container: nothing of the host's may stay open in it.  Returns 0 or
 * -errno.
 */
int cv_close_fds_except(unsigned first, const int *keep, int n, struct cv_err *err);

/* cv_mkdir_p - mkdir -p path (each new directory with mode); existing ones are fine. */
int cv_mkdir_p(const char *path, mode_t mode, struct cv_err *err);

/*
 * cv_proc_start - the start time of pid (field 22 of /proc/PID/stat), or 0
 * when it is gone or a zombie: with the pid, an identity the kernel never
 * reuses while the machine runs.
 */
unsigned long long cv_proc_start(pid_t pid);

/*
 * cv_sysctl_write - write value to /proc/sys/KEY.  KEY is
 * "net.ipv4.ip_forward" or "net/ipv4/ip_forward"; one with a '/' is taken
 * as it is, as a link's name may hold a dot (net/ipv4/conf/eth0.100/...).
 * The namespaced sysctls (net.*, kernel.shm*, ...) written are those of
 * the namespaces the caller is in when it opens the file: a process
 * writes its network namespace's net.* after setns(2), its container's
 * after pivot_root.
 */
int cv_sysctl_write(const char *key, const char *value, struct cv_err *err);

#endif
