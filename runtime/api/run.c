/*
 * run.c - the C API's processes and files: spawn, kill, wait,
 * upload, download (see <containerv.h>).
 *
 * A spawn is `containerv exec -d` (join.c): a process that joins the
 * container's namespaces and cgroup and takes its restrictions, plus the
 * options' policy.  The caller becomes a child subreaper for it, so the
 * process, once its parent (exec's helper) has gone, is the caller's own
 * child: waitpid() collects its status.
 *
 * Files go through the container's root as its init sees it
 * (/proc/INIT/root), every path resolved inside it (RESOLVE_IN_ROOT): a
 * symlink in the container cannot send a write, or a read, to the host.
 * The copying is done here, in the caller's process: no process is
 * started in the container for it.  Paths on the host are the caller's
 * own, resolved as any open() of the caller's would be.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "03-rootfs/copyup.h"
#include "03-rootfs/resolve.h"
#include "common/cleanup.h"
#include "common/file.h"
#include "runtime/api/api.h"
#include "runtime/core/join.h"

/* ---- processes -------------------------------------------------------- */

/*
 * "-c 'echo hi' \"a b\" c\\ d" -> {"-c", "echo hi", "a b", "c d"}, after
 * path: words split at blanks, quotes and backslashes as sh reads them.
 * The API takes the arguments as one string (the seed's signature); they
 * are split here, not by a shell in the container, which may have none.
 * No expansion ($VAR, globs): the words are passed as written.
 */
static char **split_arguments(const char *path, const char *text, struct cv_err *err)
{
	size_t len = text ? strlen(text) : 0, n = 1;
	char **argv = calloc(len / 2 + 3, sizeof(char *));
	char *buf = malloc(len + 1), *w = buf;
	const char *p = text;

	if (!argv || !buf)
		goto nomem;
	/* the program's own name first, as execve(2) passes it */
	argv[0] = strdup(path);
	while (p && *p) {
		char quote = 0;
		bool word = false;
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		char *start = w;
		for (; *p && (quote || (*p != ' ' && *p != '\t' && *p != '\n')); p++) {
			word = true;
			if (quote == '\'' && *p == '\'')
				quote = 0;
			else if (quote == '"' && *p == '"')
				quote = 0;
			else if (!quote && (*p == '\'' || *p == '"'))
				quote = *p;
			else if (*p == '\\' && quote != '\'' && p[1])
				*w++ = *++p;
			else
				*w++ = *p;
		}
		if (quote) {
			cv_err_set(err, EINVAL, "arguments `%s`: a %c quote is not closed", text,
				   quote);
			goto fail;
		}
		if (word) {
			*w++ = '\0';
			argv[n++] = strdup(start);
		}
	}
	free(buf);
	return argv;
nomem:
	cv_err_set(err, ENOMEM, "containerv_spawn: arguments");
fail:
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
	free(buf);
	return NULL;
}

/*
 * The processes spawned and not yet waited for.  destroy reaps them (each
 * is the caller's child, through the subreaper: left, they are zombies),
 * and kill acts only on them: a pid already collected may be reused by
 * any process of the host.
 */
static int remember(struct containerv_container *c, pid_t pid)
{
	pid_t *grown = realloc(c->spawned, (size_t)(c->n_spawned + 1) * sizeof(pid_t));

	if (!grown)
		return -ENOMEM;
	c->spawned = grown;
	c->spawned[c->n_spawned++] = pid;
	return 0;
}

static void forget(struct containerv_container *c, pid_t pid)
{
	for (int i = 0; i < c->n_spawned; i++)
		if (c->spawned[i] == pid)
			c->spawned[i] = c->spawned[--c->n_spawned];
}

/* The exit code as a shell gives it: 128+N for signal N. */
int containerv_wait(struct containerv_container *c, process_handle_t pid, int *exit_code)
{
	struct cv_err err;
	int status;
	pid_t r;

	/* a signal of the caller's own, handled, is not the end of the wait */
	while ((r = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	if (r < 0) {
		cv_err_sys(&err, "containerv_wait(%d)", (int)pid);
		cv_err_hint(&err,
			    "is it a process containerv_spawn() started, not yet waited for?");
		return cv_api_fail(&err);
	}
	/* collected: its pid may be anyone's from now on */
	forget(c, pid);
	if (exit_code)
		*exit_code = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
	return 0;
}

/*
 * `containerv exec -d`, with the options' policy applied last: detached,
 * because the caller waits itself (CV_SPAWN_WAIT, or containerv_wait
 * later), as the parent it becomes once exec's helper has gone.  The
 * environment is NAME=VALUE entries, as exec's -e takes them, at most
 * CV_EXEC_MAX_ENV (exec's list is a fixed array).
 */
int containerv_spawn(struct containerv_container *c, const char *path,
		     struct containerv_spawn_options *options, process_handle_t *pid_out)
{
	struct containerv_spawn_options none = {0};
	struct containerv_spawn_options *so = options ? options : &none;
	struct cv_exec_opts *o =
	    calloc(1, sizeof(*o)); /* with its env and caps arrays: kilobytes */
	char user[64], **argv = NULL;
	struct cv_err err;
	pid_t pid = -1;
	int r = 0, code;

	cv_err_clear(&err);
	if (!o)
		return cv_err_set(&err, ENOMEM, "containerv_spawn"), cv_api_fail(&err);
	if (!path || !*path)
		r = cv_err_set(&err, EINVAL, "containerv_spawn: no program given");
	else if ((r = cv_stdio_open(&err)) < 0)
		;
	else if (!(argv = split_arguments(path, so->arguments, &err)))
		r = -err.code;
	for (const char *const *e = so->environment; r == 0 && e && *e; e++) {
		if (!strchr(*e, '=') || o->n_env == CV_EXEC_MAX_ENV)
			r = cv_err_set(&err, EINVAL,
				       "environment `%s`: expected NAME=VALUE (at most %d)", *e,
				       CV_EXEC_MAX_ENV);
		else
			o->env[o->n_env++] = *e;
	}
	if (r == 0) {
		o->root = c->root;
		o->id = c->id;
		o->argv = (const char *const *)argv;
		o->detach = true;
		o->started = &pid;
		o->policy = c->policy;
		if (so->as_user) { /* as exec's -u UID:GID */
			snprintf(user, sizeof(user), "%u:%u", (unsigned)so->as_user->uid,
				 (unsigned)so->as_user->gid);
			o->user = user;
		}
		if (cv_container_exec(o, &err) != 0 || pid <= 0)
			r = -(err.code ? err.code : EIO);
	}
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
	free(o);
	if (r < 0)
		return cv_api_fail(&err);
	if (pid_out)
		*pid_out = pid;
	/* without memory to list it, it still runs: destroy kills it with the
	 * cgroup, but cannot reap it */
	if (remember(c, pid) < 0 || !(so->flags & CV_SPAWN_WAIT))
		return 0;
	if ((r = containerv_wait(c, pid, &code)) < 0)
		return r;
	return code;
}

/*
 * SIGKILL, the one signal a process cannot catch or ignore: the API's
 * kill ends the process.  Only one spawned and not yet waited for (see
 * remember): a number given wrongly must not kill another process.
 */
int containerv_kill(struct containerv_container *c, process_handle_t pid)
{
	struct cv_err err;

	for (int i = 0; i < c->n_spawned; i++)
		if (c->spawned[i] == pid) {
			if (kill(pid, SIGKILL) < 0)
				return cv_err_sys(&err, "kill(%d)", (int)pid), cv_api_fail(&err);
			return 0;
		}
	cv_err_set(&err, ESRCH, "containerv_kill(%d): not a process spawned in container `%s`",
		   (int)pid, c->id);
	return cv_api_fail(&err);
}

/* ---- files ------------------------------------------------------------ */

/*
 * The directory holding `path` inside the container (made if missing),
 * and the last name.  The path is cleaned lexically first (a ".." at the
 * top stays at the top), then every component resolved in the root.
 */
static int parent_in(const struct containerv_container *c, const char *path, char *name,
		     size_t size, struct cv_err *err)
{
	char clean[4096], dir[4096];
	const char *slash;

	/* "/" names no file: it has no last name to copy to */
	if (cv_path_clean(path, clean, sizeof(clean)) < 0 || !strcmp(clean, "/"))
		return cv_err_set(err, EINVAL, "`%s` is not a file's path in the container", path);
	slash = strrchr(clean, '/');
	snprintf(name, size, "%s", slash + 1);
	snprintf(dir, sizeof(dir), "%.*s", slash == clean ? 1 : (int)(slash - clean), clean);
	return cv_mkpath_in_root(c->root_fd, dir, CV_LEAF_DIR, 0755, err);
}

/*
 * A regular file or a directory from `from` (any fd) to `name` in
 * directory `dir`, owned by uid:gid, with the source's mode.  The target
 * is opened O_NOFOLLOW relative to dir: a symlink planted at its name is
 * refused, never followed out of the root.  Owner and mode are set on the
 * open descriptor, after the data: the creation's mode went through the
 * umask, and the name could be replaced meanwhile.
 */
static int copy_one(int from, int dir, const char *name, uid_t uid, gid_t gid, const char *shown,
		    struct cv_err *err)
{
	_cleanup_close_ int to = -1, src = -1;
	struct stat st;
	char self[64];

	if (fstat(from, &st) < 0)
		return cv_err_sys(err, "stat `%s`", shown);
	/* an O_PATH fd of the source, opened again for reading through /proc/self/fd:
	 * the same file, with no second lookup of its path to race */
	if ((src = open(cv_fd_path(from, self, sizeof(self)), O_RDONLY | O_CLOEXEC)) < 0)
		return cv_err_sys(err, "open `%s`", shown);
	if (S_ISDIR(st.st_mode)) {
		/* an existing directory is copied into, as cp -r does onto one */
		if (mkdirat(dir, name, st.st_mode & 07777) < 0 && errno != EEXIST)
			return cv_err_sys(err, "mkdir `%s`", shown);
		if ((to = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
			return cv_err_sys(err, "open `%s`", shown);
		/* the tree beneath, each entry owned as uid:gid too */
		if (cv_copy_tree_as(src, to, uid, gid, shown, err) < 0)
			return -err->code;
	} else if (S_ISREG(st.st_mode)) {
		to = openat(dir, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
			    st.st_mode & 0777);
		if (to < 0)
			return cv_err_sys(err, "create `%s`", shown);
		if (cv_copy_bytes(src, to, shown, err) < 0)
			return -err->code;
	} else { /* a device, a fifo, a socket: their contents are not files to copy */
		cv_err_set(err, EINVAL, "`%s` is neither a file nor a directory", shown);
		return cv_err_hint(err, "upload and download copy files and directory trees");
	}
	if (fchown(to, uid, gid) < 0 || fchmod(to, st.st_mode & 07777) < 0)
		return cv_err_sys(err, "set the owner and mode of `%s`", shown);
	return 0;
}

/*
 * Host files into the container, owned by the container's root as the
 * host numbers it (owner() in api.c): its processes can then change them.
 */
int containerv_upload(struct containerv_container *c, const char *const *host_paths,
		      const char *const *container_paths, int count)
{
	struct cv_err err;

	cv_err_clear(&err);
	for (int i = 0; i < count; i++) {
		_cleanup_close_ int from = open(host_paths[i], O_PATH | O_CLOEXEC), dir = -1;
		char name[256];
		if (from < 0)
			return cv_err_sys(&err, "upload: `%s`", host_paths[i]), cv_api_fail(&err);
		if ((dir = parent_in(c, container_paths[i], name, sizeof(name), &err)) < 0 ||
		    copy_one(from, dir, name, c->owner_uid, c->owner_gid, container_paths[i],
			     &err) < 0) {
			cv_err_wrap(&err, "upload `%s` to `%s` in container `%s`", host_paths[i],
				    container_paths[i], c->id);
			return cv_api_fail(&err);
		}
	}
	return 0;
}

/* Container files out, owned by the caller: they are its copies now. */
int containerv_download(struct containerv_container *c, const char *const *container_paths,
			const char *const *host_paths, int count)
{
	struct cv_err err;

	cv_err_clear(&err);
	for (int i = 0; i < count; i++) {
		_cleanup_close_ int from = cv_resolve_in_root(c->root_fd, container_paths[i], &err);
		_cleanup_close_ int dir = -1;
		char copy[4096];
		/* dirname() and basename() may write into their argument: each gets a copy */
		snprintf(copy, sizeof(copy), "%s", host_paths[i]);
		/* the host's directory must exist: nothing is made on the host */
		if (from >= 0 && (dir = open(dirname(copy), O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
			cv_err_sys(&err, "the directory of `%s`", host_paths[i]);
		snprintf(copy, sizeof(copy), "%s", host_paths[i]);
		if (from < 0 || dir < 0 ||
		    copy_one(from, dir, basename(copy), getuid(), getgid(), host_paths[i], &err) <
			0) {
			cv_err_wrap(&err, "download `%s` from container `%s` to `%s`",
				    container_paths[i], c->id, host_paths[i]);
			return cv_api_fail(&err);
		}
	}
	return 0;
}
