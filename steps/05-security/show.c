/*
 * show.c - a process's confinement, read back from the kernel (see show.h).
 *
 * What is printed is what the kernel says, not what was asked for: the
 * two differ exactly when something went wrong, and that is the point of
 * looking.  /proc/PID/status has most of it - Uid and Gid (real,
 * effective, saved, fs), Groups, Umask (4.7+), the five Cap* sets,
 * NoNewPrivs (4.10+) and Seccomp (3.8+: 0 off, 1 strict, 2 filter).  The
 * kernel shows no Landlock ruleset and no AppArmor exec profile of
 * another process, so those two lines repeat what was asked.
 */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "05-security/apparmor.h"
#include "05-security/caps.h"
#include "05-security/show.h"
#include "common/file.h"

/* A set, short: the names, or "all N but X" when most are there. */
static const char *set_str(uint64_t mask, char *buf, size_t size)
{
	int last = cv_cap_last(), n = __builtin_popcountll(mask);
	uint64_t all = last >= 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
	char names[1024];

	if (mask == all)
		snprintf(buf, size, "all %d", last + 1);
	else if (n > (last + 1) / 2)
		snprintf(buf, size, "all %d but %s", last + 1,
			 cv_caps_str(all & ~mask, names, sizeof(names)));
	else
		cv_caps_str(mask, buf, size);
	return buf;
}

int cv_show_caps(pid_t pid, FILE *out, struct cv_err *err)
{
	struct cv_caps c;
	char buf[2048];

	if (cv_caps_read(pid, &c, err) < 0)
		return -err->code;
	fprintf(out, "bounding     %s\n", set_str(c.bounding, buf, sizeof(buf)));
	fprintf(out, "permitted    %s\n", set_str(c.permitted, buf, sizeof(buf)));
	fprintf(out, "effective    %s\n", set_str(c.effective, buf, sizeof(buf)));
	fprintf(out, "inheritable  %s\n", set_str(c.inheritable, buf, sizeof(buf)));
	fprintf(out, "ambient      %s\n", set_str(c.ambient, buf, sizeof(buf)));
	return 0;
}

/* The value after "Field:" in /proc/PID/status text, up to the line's end. */
static const char *status_field(const char *text, const char *field, char *buf, size_t size)
{
	const char *at = strstr(text, field), *end;

	if (!at) {
		snprintf(buf, size, "?");
		return buf;
	}
	at += strlen(field);
	at += strspn(at, " \t");
	end = strchrnul(at, '\n');
	snprintf(buf, size, "%.*s", (int)(end - at), at);
	for (char *p = buf; *p; p++)
		if (*p == '\t')
			*p = ' ';
	return buf;
}

static void show_limits(pid_t pid, const struct cv_identity *id, FILE *out)
{
	char text[32], path[64];
	struct cv_err ignored;

	for (unsigned i = 0; i < id->n_rlimits; i++) {
		struct rlimit rl;
		/* prlimit(2) on another process needs its uids to match ours, or
		 * CAP_SYS_RESOURCE: a child switched to uid 1000 by a root without it
		 * (this machine's) cannot be asked; the line is left out, not guessed */
		if (prlimit(pid, id->rlimits[i].resource, NULL, &rl) < 0)
			continue;
		fprintf(out, "rlimit       %s soft %llu hard %llu\n",
			cv_rlimit_name(id->rlimits[i].resource), (unsigned long long)rl.rlim_cur,
			(unsigned long long)rl.rlim_max);
	}
	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
	if (id->oom_score_adj != CV_OOM_UNSET &&
	    cv_read_file(path, text, sizeof(text), &ignored) > 0)
		fprintf(out, "oom_score_adj %s", text);
}

void cv_show_process(pid_t pid, const struct cv_security *sec, FILE *out)
{
	static const char *const modes[] = {"off", "strict", "filter"};
	char text[4096], path[64], buf[256];
	struct cv_err err;
	int mode;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (cv_read_file(path, text, sizeof(text), &err) < 0) {
		cv_err_print(&err, "cv-security");
		return;
	}
	fprintf(out, "uid          %s (real effective saved fs)\n",
		status_field(text, "Uid:", buf, sizeof(buf)));
	fprintf(out, "gid          %s\n", status_field(text, "Gid:", buf, sizeof(buf)));
	status_field(text, "Groups:", buf, sizeof(buf));
	fprintf(out, "groups       %s\n", buf[0] ? buf : "(none)");
	fprintf(out, "umask        %s\n", status_field(text, "Umask:", buf, sizeof(buf)));
	if (cv_show_caps(pid, out, &err) < 0)
		cv_err_print(&err, "cv-security");
	fprintf(out, "no_new_privs %s\n", status_field(text, "NoNewPrivs:", buf, sizeof(buf)));
	mode = atoi(status_field(text, "Seccomp:", buf, sizeof(buf)));
	fprintf(out, "seccomp      %s", mode >= 0 && mode <= 2 ? modes[mode] : "?");
	if (sec->seccomp)
		fprintf(out, " (%u rules, default %s)", sec->seccomp->n_rules,
			cv_sc_action_name(sec->seccomp->default_action));
	fprintf(out, "\nlandlock     ");
	if (sec->landlock.n_rules)
		fprintf(out, "%u path rules, ABI %d\n", sec->landlock.n_rules, cv_landlock_abi());
	else
		fprintf(out, "none\n");
	fprintf(out, "apparmor     %s\n",
		sec->apparmor           ? sec->apparmor
		: cv_apparmor_enabled() ? "unchanged"
					: "none (AppArmor is off here)");
	show_limits(pid, &sec->id, out);
}

void cv_show_status(FILE *out)
{
	static const struct {
		const char *name;
		uint32_t action;
	} actions[] = {
	    {"KILL_PROCESS", SCMP_ACT_KILL_PROCESS},
	    {"KILL_THREAD", SCMP_ACT_KILL_THREAD},
	    {"TRAP", SCMP_ACT_TRAP},
	    {"ERRNO", SCMP_ACT_ERRNO(0)},
	    {"NOTIFY", SCMP_ACT_NOTIFY},
	    {"TRACE", SCMP_ACT_TRACE(0)},
	    {"LOG", SCMP_ACT_LOG},
	    {"ALLOW", SCMP_ACT_ALLOW},
	};
	const struct scmp_version *v = seccomp_version();
	char buf[512], label[256];
	struct cv_caps mine;
	struct cv_err ignored;
	int last = cv_cap_last();
	uint64_t all = last >= 63 ? ~0ULL : (1ULL << (last + 1)) - 1;

	fprintf(out, "seccomp      libseccomp %u.%u.%u, API level %u; actions:", v->major, v->minor,
		v->micro, seccomp_api_get());
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		fprintf(out, " %s%s", actions[i].name,
			cv_seccomp_action_available(actions[i].action) ? "" : "(no)");
	fprintf(out, "\nlandlock     ");
	if (cv_landlock_abi() > 0)
		fprintf(out, "ABI %d\n", cv_landlock_abi());
	else
		fprintf(out, "not available (no landlock_create_ruleset, or not in lsm=)\n");
	fprintf(out, "apparmor     %s\n",
		cv_apparmor_enabled() ? cv_apparmor_current(label, sizeof(label))
				      : "not enabled (the profiles cannot be applied here)");
	/* a capability outside the bounding set cannot be granted by any runtime run from
	 * here: the reason a --cap-add is a warning on this machine */
	fprintf(out, "capabilities %d known to the kernel (cap_last_cap %d)", last + 1, last);
	if (cv_caps_read(0, &mine, &ignored) == 0 && (all & ~mine.bounding))
		fprintf(out, "; not in this process's bounding set, so never grantable: %s",
			cv_caps_str(all & ~mine.bounding, buf, sizeof(buf)));
	fprintf(out, "\nambient      %s\n",
		/* EINVAL before 4.3: no ambient set, so a non-root program keeps no
		 * capability across execve() unless its file has some */
		prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, 0, 0, 0) >= 0 ? "supported"
									   : "not supported");
	fprintf(out, "no_new_privs %s for this process\n",
		prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? "set" : "not set");
}
