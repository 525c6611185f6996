/*
 * seal.c - running the runtime from a binary no container can write to
 * (see seal.h for the attack and the three ways).
 *
 * CVE-2019-5736 is about the file, not the process: whatever a container
 * reaches of /proc/PID/exe while one of our processes runs in it, the
 * write must fail at the file.  So the check is on the file's own
 * properties (a read-only mount, write seals), and the way out of a
 * writable one is to run again from another file: execveat(2) replaces the
 * whole process image, /proc/self/exe included, before a container exists.
 * The second run is told by an environment variable (SEAL_MARK) which file
 * the first ran from: it must not try again (a loop), and it keeps that
 * file's identity, the one execve.c refuses to run in a container.
 *
 * Why not only make the init non-dumpable (init.c does that too): a
 * process that is not dumpable keeps its /proc/PID/exe from processes
 * without CAP_SYS_PTRACE over its user namespace - and a container given
 * CAP_SYS_PTRACE without a user namespace of its own has exactly that.
 * The file behind the link must itself refuse the write.
 *
 * Why a detached bind and not a copy first: the bind costs one execve and
 * shares the page cache with every other run; a copy costs a megabyte of
 * memory per container until its program starts.  The copy is for where
 * a bind cannot be made (no CAP_SYS_ADMIN over our mount namespace).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "03-rootfs/copyup.h"
#include "common/cleanup.h"
#include "common/probe.h"
#include "common/syscalls.h"
#include "common/trace.h"
#include "runtime/core/seal.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U /* 6.3+: say that the memfd will be executed */
#endif

#define SEAL_MARK  "CV_SEALED"
#define WRITE_SEAL (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

bool cv_seal_check(int fd)
{
	struct statvfs vfs;
	int seals;

	/* a read-only mount: every open for writing through it is EROFS, whoever asks */
	if (fstatvfs(fd, &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
		return true;
	/* a memfd whose seals forbid writing, shrinking and growing (memfd_create(2)) */
	seals = fcntl(fd, F_GET_SEALS);
	return seals >= 0 && (seals & WRITE_SEAL) == WRITE_SEAL;
}

/*
 * Way 2: a bind mount of the binary alone (open_tree's clone of the mount
 * at /proc/self/exe, whose root is the file itself), read-only, in no
 * mount table: no path leads to it but the descriptor and, once executed,
 * /proc/PID/exe.  The descriptor closes at the exec; the mount lives on
 * as the process's executable, and goes with it.
 */
static int exec_bound(char **argv, struct cv_err *err)
{
	struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
	_cleanup_close_ int tree = -1;

	if (cv_probe_disabled("seal_bind"))
		return cv_err_set(err, EPERM, "the read-only bind is disabled (CV_DISABLE)");
	tree = sys_open_tree(AT_FDCWD, "/proc/self/exe", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	cv_trace_sys(tree, "open_tree(`/proc/self/exe`, OPEN_TREE_CLONE): a detached bind");
	if (tree < 0)
		return cv_err_sys(err, "open_tree(`/proc/self/exe`, OPEN_TREE_CLONE)");
	if (sys_mount_setattr(tree, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
		return cv_err_sys(err, "mount_setattr(the bind of the runtime, MOUNT_ATTR_RDONLY)");
	cv_trace("execveat(the read-only bind): the runtime again, from a file no one can write");
	fflush(NULL);
	sys_execveat(tree, "", argv, environ, AT_EMPTY_PATH);
	return cv_err_sys(err, "execveat(the read-only bind of the runtime)");
}

/* Way 3: a copy in a memfd, sealed, executed. */
static int exec_copy(int self, char **argv, struct cv_err *err)
{
	_cleanup_close_ int mem =
	    memfd_create("containerv", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);

	if (mem < 0 && errno == EINVAL) /* before 6.3 the flag is unknown: executable anyway */
		mem = memfd_create("containerv", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mem < 0)
		return cv_err_sys(err, "memfd_create(a copy of the runtime)");
	if (lseek(self, 0, SEEK_SET) < 0 || cv_copy_bytes(self, mem, "the runtime", err) < 0)
		return cv_err_wrap(err, "copying the runtime into a memfd");
	if (fcntl(mem, F_ADD_SEALS, WRITE_SEAL) < 0)
		return cv_err_sys(err, "fcntl(F_ADD_SEALS) on the runtime's copy");
	cv_trace("execveat(a sealed memfd copy of the runtime)");
	fflush(NULL);
	sys_execveat(mem, "", argv, environ, AT_EMPTY_PATH);
	return cv_err_sys(err, "execveat(the sealed copy of the runtime)");
}

/* The binary as installed, when we run from a copy of it: the file a container must never run. */
static struct {
	bool known;
	dev_t dev;
	ino_t ino;
} origin;

bool cv_seal_origin(dev_t *dev, ino_t *ino)
{
	*dev = origin.dev;
	*ino = origin.ino;
	return origin.known;
}

/* /proc/self/exe, readable if it may be (a copy needs it), else enough to look at its mount. */
static int open_self(struct cv_err *err)
{
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);

	if (fd < 0 && errno == EACCES) /* an execute-only binary */
		fd = open("/proc/self/exe", O_PATH | O_CLOEXEC);
	return fd < 0 ? cv_err_sys(err, "open(`/proc/self/exe`) to check the runtime's binary")
		      : fd;
}

int cv_seal_self(char **argv, struct cv_err *err)
{
	const char *mark = getenv(SEAL_MARK);
	_cleanup_close_ int self = open_self(err);
	unsigned long long dev, ino;
	struct cv_err bind_err;
	struct stat st;
	char was[64];

	if (self < 0)
		return self;
	/* the second run: the mark says which file the first one ran from (an
	 * environment variable: execve passes it on, and nothing else survives it) */
	if (mark && sscanf(mark, "%llu:%llu", &dev, &ino) == 2)
		origin = (typeof(origin)){true, (dev_t)dev, (ino_t)ino};
	unsetenv(SEAL_MARK); /* never for hooks or containers */
	if (cv_seal_check(self)) {
		cv_trace(
		    "the runtime's binary is read-only for everyone: no container can write it");
		return 0;
	}
	/* run again and still writable: something other than our seal; stop, not loop */
	if (mark) {
		cv_err_set(err, EPERM,
			   "the runtime's binary is still writable after it was run "
			   "again sealed");
		return cv_err_hint(err, "install containerv on a read-only mount (CVE-2019-5736)");
	}
	if (fstat(self, &st) < 0)
		return cv_err_sys(err, "fstat(`/proc/self/exe`)");
	snprintf(was, sizeof(was), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	setenv(SEAL_MARK, was, 1);
	/* the bind first (no copy, shared page cache), the copy where it cannot be made */
	cv_err_clear(&bind_err);
	exec_bound(argv, &bind_err);
	exec_copy(self, argv, err); /* returns only when neither could run */
	unsetenv(SEAL_MARK);
	cv_err_wrap(err, "%s; and then", bind_err.msg);
	return cv_err_hint(err, "a container must not reach a writable runtime binary "
				"(CVE-2019-5736): install containerv on a read-only mount, or "
				"allow executable memfds (vm.memfd_noexec=0)");
}
