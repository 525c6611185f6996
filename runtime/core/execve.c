/*
 * execve.c - the last call: execve of the container's program, checked
 * (see init.h).
 *
 * CVE-2019-5736: the container's init is the runtime's own process until
 * it execs, so its /proc/self/exe is the runtime binary on the host.  A
 * container whose program is /proc/self/exe - directly, through a symlink,
 * or as the #! interpreter of a script - would run the runtime binary
 * again, inside the container; dynamically linked, it would load the
 * container's libc, and code of the container's choosing could then open
 * the host binary for writing once the runtime exits.  runc and crun
 * answered by re-executing a sealed copy of themselves on every start
 * (a few milliseconds each time).  Here the file to run is opened first,
 * compared with the runtime's own (device and inode), interpreters of
 * scripts likewise, and then executed through that very descriptor
 * (execveat with AT_EMPTY_PATH), so nothing can be swapped in between.
 *
 * All of it happens at create, so that a program that cannot run fails
 * create, not start, as with runc: found as execvp(3) finds it, and every
 * file execve will open - the program, a script, its interpreter - checked
 * as the kernel will check it for the container's process (may_execute).
 * A failure says so in the errno's own lower-case words, which engines
 * read to choose their exit code (words).
 */
#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/syscalls.h"
#include "05-security/caps.h"
#include "05-security/identity.h"
#include "common/trace.h"
#include "runtime/core/init.h"
#include "runtime/core/seal.h"

#define MAX_INTERP_DEPTH 4 /* the kernel's own limit on #! nesting */
#define DEFAULT_PATH     "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* PATH from the container's environment. */
static const char *env_path(const char *const *env)
{
	for (; env && *env; env++)
		if (!strncmp(*env, "PATH=", 5))
			return *env + 5;
	return DEFAULT_PATH;
}

/*
 * Execute permission as execve will judge it (fs/exec.c, do_open_execat):
 * a regular file, on a mount without noexec, that the caller may execute
 * (MAY_EXEC: its owner, group or other x bit, or CAP_DAC_OVERRIDE and any
 * x bit; ACLs count too).  The caller then will not be the init as it is
 * now - root with every capability - but the process it becomes: the
 * spec's uid, gid and groups and its capabilities (without
 * CAP_DAC_OVERRIDE, as in the default spec, root too needs an x bit of its
 * own).  So a child takes on exactly those, with the functions the init
 * itself calls just before execve (steps 4 and 5 of security.h), and asks
 * faccessat(X_OK, AT_EACCESS): the kernel's own check, MS_NOEXEC included
 * (do_faccessat).  0 or -EACCES; a child that cannot take the credentials
 * does not decide - the init's own switch will then fail and say why, and
 * execve checks again in any case.
 */
static int may_execute(const struct cv_security *sec, int fd, const char *path)
{
	struct cv_err ignored;
	struct stat st;
	int status, r;
	pid_t pid;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EACCES; /* execve's answer for a directory, a device, a fifo */
	if ((pid = fork()) < 0)
		return 0; /* no fork (a pids limit): execve checks it */
	if (pid == 0) {
		cv_trace_enable(-1); /* the init's own switch is the one the story tells */
		if (cv_identity_switch(&sec->id, &ignored) < 0 ||
		    (sec->set_caps && cv_caps_apply(&sec->caps, &ignored) < 0))
			_exit(0);
		r = faccessat(fd, "", X_OK, AT_EMPTY_PATH | AT_EACCESS);
		_exit(r < 0 && errno == EACCES ? EACCES : 0); /* only a refusal is an answer */
	}
	while ((r = (int)waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	r = r > 0 && WIFEXITED(status) && WEXITSTATUS(status) == EACCES ? -EACCES : 0;
	errno = -r;
	cv_trace_sys(r, "faccessat(`%s`, X_OK, AT_EACCESS) as the container's process", path);
	return r;
}

/*
 * Open path, and check it may be executed: the fd, or -errno.  O_PATH: the
 * descriptor names the file without reading it, so a file with the x bit
 * and no r bit opens too, as execve runs it.
 */
static int open_executable(const struct cv_init *in, const char *path)
{
	int fd = open(path, O_PATH | O_CLOEXEC), r;

	if (fd < 0)
		return -errno;
	if ((r = may_execute(&in->sec, fd, path)) < 0) {
		close(fd);
		return r;
	}
	return fd;
}

/*
 * Open the program as execvp(3) finds it, checked as execve will check
 * it: the fd and its path in `found`, or -errno and in `found` the path
 * the error is about.  A name with a slash is that path.  Otherwise each
 * PATH entry in turn: one without the name (ENOENT, ENOTDIR) is skipped;
 * one whose file may not be executed (EACCES) too, but remembered - if no
 * later entry has one that runs, that is the answer, not "not found";
 * any other error (ELOOP: a symbolic link that never ends) stops the
 * search, as in execvp.
 */
static int find_program(const struct cv_init *in, const char *name, char *found, size_t size)
{
	char dirs[4096], denied[4096] = "", *rest = dirs, *d;
	int fd;

	snprintf(found, size, "%s", name);
	if (strchr(name, '/'))
		return open_executable(in, name);
	snprintf(dirs, sizeof(dirs), "%s", env_path(in->spec->env));
	while ((d = strsep(&rest, ":"))) {
		snprintf(found, size, "%s/%s", *d ? d : ".", name); /* "": the working directory */
		if ((fd = open_executable(in, found)) >= 0 ||
		    (fd != -ENOENT && fd != -ENOTDIR && fd != -EACCES))
			return fd;
		if (fd == -EACCES && !denied[0])
			snprintf(denied, sizeof(denied), "%s", found);
	}
	snprintf(found, size, "%s", denied[0] ? denied : name);
	return denied[0] ? -EACCES : -ENOENT;
}

/*
 * The errno's own words, lower-case, as runc prints them (Go's strings):
 * "permission denied", "no such file or directory".  Docker, containerd
 * and podman read the runtime's message for them to choose the exit code
 * they report: 126 for the first, 127 for the second.
 */
static const char *words(int code, char *buf, size_t size)
{
	const char *d = strerrordesc_np(code);

	snprintf(buf, size, "%s", d ? d : "unknown error");
	for (char *p = buf; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return buf;
}

/* What to do about a file found that may not be executed (EACCES). */
static int hint_denied(const char *path, struct cv_err *err)
{
	struct statvfs vfs;
	struct stat st;

	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return cv_err_hint(err, "`%s` is not a regular file", path);
	if (statvfs(path, &vfs) == 0 && (vfs.f_flag & ST_NOEXEC))
		return cv_err_hint(err, "`%s` is on a mount with noexec: nothing on it runs", path);
	return cv_err_hint(err,
			   "`%s` (mode %04o) has no execute bit for the container's user: chmod +x",
			   path, stat(path, &st) == 0 ? (unsigned)(st.st_mode & 07777) : 0u);
}

/* The program was not found, or may not be executed: in the words engines read. */
static int refuse_program(const struct cv_init *in, const char *name, const char *found, int code,
			  struct cv_err *err)
{
	char w[128];

	if (code == ENOENT && !strchr(name, '/')) {
		cv_err_set(err, ENOENT, "exec `%s`: executable file not found in $PATH", name);
		return cv_err_hint(err, "in no directory of the container's PATH (%s)",
				   env_path(in->spec->env));
	}
	cv_err_set(err, code, "exec `%s`: %s", name, words(code, w, sizeof(w)));
	if (code == EACCES)
		return hint_denied(found, err);
	if (code == ENOENT)
		return cv_err_hint(err, "is it in the container's root filesystem?");
	if (code == ELOOP)
		return cv_err_hint(err, "`%s`: symbolic links in a loop, or more than 40 in a row",
				   found);
	return strcmp(name, found) ? cv_err_hint(err, "found as `%s`", found) : -code;
}

static int refuse_self(const struct cv_init *in, int fd, const char *path, struct cv_err *err)
{
	struct stat st;
	dev_t dev;
	ino_t ino;

	if (fstat(fd, &st) < 0)
		return cv_err_sys(err, "fstat(`%s`)", path);
	/* what we run as, and the file we were started from when that is a sealed copy */
	if ((st.st_dev != in->self_dev || st.st_ino != in->self_ino) &&
	    (!cv_seal_origin(&dev, &ino) || st.st_dev != dev || st.st_ino != ino))
		return 0;
	cv_err_set(err, EPERM, "refusing to execute `%s`: it is the runtime's own binary", path);
	return cv_err_hint(err, "a container may not run the host's containerv (CVE-2019-5736)");
}

/*
 * An ELF's program interpreter (PT_INTERP: the dynamic loader, as a path
 * the kernel opens in the container at exec); false when the file is not
 * a dynamically linked ELF.  One whose interpreter is /proc/self/exe
 * would have the kernel load the runtime's binary into the container's
 * process: refused as the program itself would be.  This is defence in
 * depth - the file could be changed in place between create and start;
 * what the container can never do is write the runtime (seal.h).
 *
 * The headers are read as the kernel reads them (fs/binfmt_elf.c): each
 * of e_phnum entries of exactly the size of the class's Elf_Phdr, all of
 * them at most 64 KiB, so no entry the kernel would see is missed here.
 */
#define ELF_PHDRS_MAX (64 * 1024)

static bool find_interp(int fd, const unsigned char *ph, size_t n, bool wide, char *interp,
			size_t size)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t type, off, len;
		if (wide) {
			const Elf64_Phdr *p = (const Elf64_Phdr *)ph + i;
			type = p->p_type, off = p->p_offset, len = p->p_filesz;
		} else {
			const Elf32_Phdr *p = (const Elf32_Phdr *)ph + i;
			type = p->p_type, off = p->p_offset, len = p->p_filesz;
		}
		if (type != PT_INTERP)
			continue;
		if (len < 2 || len > size || pread(fd, interp, len, (off_t)off) != (ssize_t)len)
			return false;
		interp[len - 1] = '\0';
		return interp[0] != '\0';
	}
	return false;
}

static bool read_elf_interp(int fd, char *interp, size_t size)
{
	union {
		Elf64_Ehdr e64;
		Elf32_Ehdr e32;
	} eh;
	ssize_t got = pread(fd, &eh, sizeof(eh), 0);
	bool wide, found;
	size_t n, entry;
	uint64_t at;
	unsigned char *ph;

	if (got < (ssize_t)sizeof(eh.e32) || memcmp(eh.e64.e_ident, ELFMAG, SELFMAG) != 0)
		return false;
	wide = eh.e64.e_ident[EI_CLASS] == ELFCLASS64;
	if (wide && got < (ssize_t)sizeof(eh.e64))
		return false;
	entry = wide ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	n = wide ? eh.e64.e_phnum : eh.e32.e_phnum;
	at = wide ? eh.e64.e_phoff : eh.e32.e_phoff;
	if ((wide ? eh.e64.e_phentsize : eh.e32.e_phentsize) != entry || n == 0 ||
	    n * entry > ELF_PHDRS_MAX || !(ph = malloc(n * entry)))
		return false; /* the kernel refuses to execute it anyway */
	found = pread(fd, ph, n * entry, (off_t)at) == (ssize_t)(n * entry) &&
		find_interp(fd, ph, n, wide, interp, size);
	free(ph);
	return found;
}

/* The ELF's loader, opened and checked as the program was; 0 when it has none. */
static int refuse_self_interp(const struct cv_init *in, int prog, const char *path,
			      struct cv_err *err)
{
	char interp[PATH_MAX], self[64];
	int fd, loader, r;
	bool dynamic;

	/* the very file checked (prog, O_PATH), opened again for reading */
	snprintf(self, sizeof(self), "/proc/self/fd/%d", prog);
	fd = open(self, O_RDONLY | O_CLOEXEC);
	dynamic = fd >= 0 && read_elf_interp(fd, interp, sizeof(interp));
	if (fd >= 0)
		close(fd);
	if (!dynamic)
		return 0;
	if ((loader = open(interp, O_PATH | O_CLOEXEC)) < 0)
		return 0; /* a missing loader: the exec fails and says so */
	r = refuse_self(in, loader, interp, err);
	close(loader);
	return r < 0 ? cv_err_wrap(err, "`%s`: its ELF interpreter", path) : 0;
}

/*
 * A #! line: the interpreter and its one optional argument; false when not
 * a script.  As binfmt_script reads it: the first line only, everything
 * after the interpreter's name one argument, spaces and all (the kernel
 * does not split it).
 */
static bool read_shebang(const char *path, char *interp, size_t size, char **arg)
{
	char line[256];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, line, sizeof(line) - 1) : -1;
	char *p, *end;

	if (fd >= 0)
		close(fd);
	if (n < 3 || line[0] != '#' || line[1] != '!')
		return false;
	line[n] = '\0';
	line[strcspn(line, "\n")] = '\0';
	for (p = line + 2; *p == ' ' || *p == '\t'; p++)
		;
	end = p + strcspn(p, " \t");
	*arg = NULL;
	if (*end) {
		*end++ = '\0';
		end += strspn(end, " \t");
		if (*end)
			*arg = strdup(end);
	}
	snprintf(interp, size, "%s", p);
	return interp[0] != '\0';
}

/*
 * The last call: the file checked at create, by its descriptor (execveat,
 * AT_EMPTY_PATH), so no rename or symlink swapped in between create and
 * start can change what runs.  No env given is an empty one, never the
 * runtime's.
 */
static int exec_fd(int fd, const char *const *argv, const char *const *env, const char *path,
		   struct cv_err *err)
{
	static const char *const no_env[] = {NULL};
	char w[128];
	int e;

	cv_trace("execveat(`%s`) - the container's program", path);
	sys_execveat(fd, "", (char *const *)argv, (char *const *)(env ? env : no_env),
		     AT_EMPTY_PATH);
	e = errno;
	cv_err_set(err, e, "exec `%s`: %s", path, words(e, w, sizeof(w)));
	return err->code == ENOENT
		   ? cv_err_hint(err, "is it in the container's root filesystem, and "
				      "its interpreter (#! or ELF) too?")
		   : -err->code;
}

/* A script's interpreter, opened and checked as the kernel will (binfmt_script: open_exec). */
static int open_interp(const struct cv_init *in, const char *script, const char *interp,
		       struct cv_err *err)
{
	int fd = open_executable(in, interp);
	char w[128];

	if (fd >= 0)
		return fd;
	cv_err_set(err, -fd, "exec `%s`: its interpreter `%s`: %s", script, interp,
		   words(-fd, w, sizeof(w)));
	if (fd == -EACCES)
		return hint_denied(interp, err);
	return fd == -ENOENT
		   ? cv_err_hint(err, "the #! line names a program the container does not have")
		   : fd;
}

/*
 * Every file execve will open is checked here as execve will check it:
 * the program, found as execvp finds it, and for a script (#!) the script
 * itself and then its interpreter - the kernel requires each to be
 * executable by the caller and not on a noexec mount.  The rewriting of a
 * script below (the interpreter run on it, as binfmt_script does) must
 * not skip those checks: a script without its x bit, or on /dev/shm,
 * would otherwise run.
 */
int cv_exec_prepare(const struct cv_init *in, struct cv_exec *x, struct cv_err *err)
{
	const char *const *argv = in->spec->args;
	const char **args = NULL;
	char interp[PATH_MAX];
	int fd = find_program(in, argv[0], x->path, sizeof(x->path)), r;

	if (fd < 0)
		return refuse_program(in, argv[0], x->path, -fd, err);
	for (int depth = 0; depth < MAX_INTERP_DEPTH; depth++) {
		const char **next;
		char *opt = NULL;
		size_t n = 0, k = 0;

		if ((r = refuse_self(in, fd, x->path, err)) < 0) {
			close(fd);
			return r;
		}
		if (!read_shebang(x->path, interp, sizeof(interp), &opt)) {
			if ((r = refuse_self_interp(in, fd, x->path, err)) < 0) {
				close(fd);
				free(args);
				return r;
			}
			x->fd = fd;
			x->argv = args ? args : (const char **)argv;
			return 0;
		}
		/* a script: its interpreter is what runs, checked too, as the kernel would run it */
		while (argv[n])
			n++;
		if (!(next = calloc(n + 3, sizeof(char *)))) {
			close(fd);
			return cv_err_set(err, ENOMEM, "exec `%s`", x->path);
		}
		next[k++] = strdup(interp);
		if (opt)
			next[k++] = opt;
		next[k++] = strdup(x->path);
		for (size_t i = 1; i < n; i++)
			next[k++] = argv[i];
		free(args);
		argv = args = next;
		close(fd);
		if ((fd = open_interp(in, x->path, interp, err)) < 0) {
			free(args);
			return fd;
		}
		snprintf(x->path, sizeof(x->path), "%s", interp);
	}
	close(fd);
	return cv_err_set(err, ELOOP, "exec `%s`: interpreters nested more than %d deep",
			  in->spec->args[0], MAX_INTERP_DEPTH);
}

int cv_exec_run(const struct cv_init *in, const struct cv_exec *x, struct cv_err *err)
{
	return exec_fd(x->fd, x->argv, in->spec->env, x->path, err);
}
