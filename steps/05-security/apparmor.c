/*
 * apparmor.c - profiles through libapparmor and apparmor_parser (see apparmor.h).
 *
 * Two different powers meet here.  Loading a profile into the kernel is
 * the host's business: apparmor_parser compiles the text and writes it to
 * securityfs, which takes CAP_MAC_ADMIN - a power of the host's root that
 * containers are not given.  Entering a loaded profile needs no privilege at all: any
 * process may ask for its own confinement to change, and the kernel
 * checks only that its current profile allows the move (an unconfined
 * one may go anywhere).
 *
 * A runtime enters the profile with aa_change_onexec(3), which writes
 * "exec PROFILE" to /proc/self/attr/exec: the change happens at the next
 * execve(), so the runtime's own remaining setup - capset, the uid
 * switch, the seccomp load - is not held to a profile written for the
 * container's program, and the program starts confined from its first
 * instruction.  aa_change_profile(3), the immediate change, would do
 * neither.  At that execve a process with no_new_privs may move only to
 * a profile no wider than the one it had when it set the bit, unless it
 * is unconfined (the kernel's apparmor/domain.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/apparmor.h>
#include <sys/wait.h>
#include <unistd.h>

#include "05-security/apparmor.h"
#include "common/file.h"
#include "common/probe.h"
#include "common/trace.h"

#define PARSER "/sbin/apparmor_parser"

bool cv_apparmor_enabled(void)
{
	return !cv_probe_disabled("apparmor") && aa_is_enabled() == 1;
}

/* The kernel's own word, readable without securityfs. */
static bool module_enabled(void)
{
	char flag[8];
	struct cv_err ignored;

	return cv_read_file("/sys/module/apparmor/parameters/enabled", flag, sizeof(flag),
			    &ignored) > 0 &&
	       flag[0] == 'Y';
}

static int not_enabled(const char *what, struct cv_err *err)
{
	char flag[8];
	struct cv_err ignored;
	const char *why = "securityfs is not mounted at /sys/kernel/security";

	if (cv_read_file("/sys/module/apparmor/parameters/enabled", flag, sizeof(flag), &ignored) <
	    0)
		why = "this kernel is built without it";
	else if (flag[0] != 'Y')
		why = "it was disabled at boot";
	cv_err_set(err, ENOTSUP, "%s: AppArmor is not enabled on this host (%s)", what, why);
	return cv_err_hint(err, "the kernel must boot with apparmor in lsm= and securityfs "
				"mounted; or leave the AppArmor profile out");
}

int cv_apparmor_exec(const char *profile, struct cv_err *err)
{
	char what[128];
	int r;

	snprintf(what, sizeof(what), "AppArmor profile `%s`", profile);
	if (cv_probe_disabled("apparmor"))
		return not_enabled(what, err);
	/* tried first: in a container after pivot_root there is no securityfs to ask,
	 * yet /proc/self/attr/exec works where the kernel enforces AppArmor */
	r = aa_change_onexec(profile);
	cv_trace_sys(r, "aa_change_onexec(\"%s\")", profile);
	if (r < 0 && !module_enabled())
		return not_enabled(what, err);
	if (r < 0) {
		cv_err_sys(err, "aa_change_onexec(\"%s\")", profile);
		return cv_err_hint(err, "is the profile loaded? `aa-status` lists them");
	}
	return 0;
}

const char *cv_apparmor_current(char *buf, size_t size)
{
	char *label = NULL, *mode = NULL;

	if (aa_getcon(&label, &mode) < 0) {
		snprintf(buf, size, "%s", cv_apparmor_enabled() ? "?" : "(AppArmor off)");
		return buf;
	}
	snprintf(buf, size, "%s%s%s%s", label, mode ? " (" : "", mode ? mode : "", mode ? ")" : "");
	free(label); /* aa_getcon's one allocation holds both */
	return buf;
}

int cv_apparmor_default_profile(char *buf, size_t size)
{
	int n = snprintf(
	    buf, size,
	    "#include <tunables/global>\n"
	    "\n"
	    "# " CV_APPARMOR_DEFAULT ": what a container may do, beyond its namespaces.\n"
	    "profile " CV_APPARMOR_DEFAULT " flags=(attach_disconnected,mediate_deleted) {\n"
	    "  #include <abstractions/base>\n"
	    "\n"
	    "  # its own files, network and capabilities are already namespaced\n"
	    "  network,\n"
	    "  capability,\n"
	    "  file,\n"
	    "  umount,\n"
	    "\n"
	    "  # signals and ptrace: the host may signal it; it may signal itself\n"
	    "  signal (receive) peer=unconfined,\n"
	    "  signal (send,receive) peer=" CV_APPARMOR_DEFAULT ",\n"
	    "  ptrace (trace,read,tracedby,readby) peer=" CV_APPARMOR_DEFAULT ",\n"
	    "\n"
	    "  # no mounts: they could uncover what the runtime masked\n"
	    "  deny mount,\n"
	    "\n"
	    "  # /proc: its processes' files, yes; the kernel's knobs, no\n"
	    "  deny @{PROC}/* w,\n"
	    "  deny @{PROC}/sys/[^k]** w,\n"
	    "  deny @{PROC}/sys/kernel/{?,??,[^s][^h][^m]**} w,\n"
	    "  deny @{PROC}/sysrq-trigger rwklx,\n"
	    "  deny @{PROC}/kcore rwklx,\n"
	    "\n"
	    "  # /sys: read what it needs, change nothing but its own cgroup\n"
	    "  deny /sys/[^f]*/** wklx,\n"
	    "  deny /sys/f[^s]*/** wklx,\n"
	    "  deny /sys/fs/[^c]*/** wklx,\n"
	    "  deny /sys/firmware/** rwklx,\n"
	    "  deny /sys/kernel/security/** rwklx,\n"
	    "}\n");
	return n < 0 || (size_t)n >= size ? -1 : n;
}

int cv_apparmor_load(const char *text, struct cv_err *err)
{
	int fds[2], status;
	pid_t pid;

	if (!cv_apparmor_enabled())
		return not_enabled("loading an AppArmor profile", err);
	if (access(PARSER, X_OK) < 0) {
		cv_err_sys(err, "%s", PARSER);
		return cv_err_hint(err, "install it: apt-get install apparmor");
	}
	if (pipe2(fds, O_CLOEXEC) < 0)
		return cv_err_sys(err, "pipe2()");
	/* --replace: an older containerv-default is updated in place, and the processes
	 * confined by it move to the new text; --skip-cache: no compiled copy read from
	 * or written to the parser's cache */
	if ((pid = fork()) == 0) {
		dup2(fds[0], STDIN_FILENO);
		execl(PARSER, PARSER, "--replace", "--skip-cache", NULL);
		_exit(127);
	}
	close(fds[0]);
	if (pid < 0) {
		close(fds[1]);
		return cv_err_sys(err, "fork() for %s", PARSER);
	}
	/* a profile is a few KiB: it fits in the pipe, so this cannot block */
	(void)!write(fds[1], text, strlen(text));
	close(fds[1]);
	if (waitpid(pid, &status, 0) < 0)
		return cv_err_sys(err, "waiting for %s", PARSER);
	cv_trace("%s --replace: exit status %d", PARSER, WEXITSTATUS(status));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return cv_err_set(err, EINVAL, "%s refused the profile (exit status %d)", PARSER,
				  WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}

/* Is a profile of that name loaded?  (The kernel lists them, one per line: "NAME (MODE)".) */
static bool loaded(const char *name)
{
	char line[512];
	size_t len = strlen(name);
	FILE *f = fopen("/sys/kernel/security/apparmor/profiles", "re");
	bool found = false;

	while (f && !found && fgets(line, sizeof(line), f))
		found = !strncmp(line, name, len) && line[len] == ' ';
	if (f)
		fclose(f);
	return found;
}

/* Loaded only when missing: a host's administrator may have loaded a
 * containerv-default of their own, and it is theirs to keep. */
const char *cv_apparmor_default(struct cv_err *err)
{
	char text[4096];

	if (!cv_apparmor_enabled())
		return NULL; /* nothing to confine with here: not an error */
	if (loaded(CV_APPARMOR_DEFAULT))
		return CV_APPARMOR_DEFAULT;
	if (cv_apparmor_default_profile(text, sizeof(text)) < 0 || cv_apparmor_load(text, err) < 0)
		return NULL;
	return CV_APPARMOR_DEFAULT;
}
