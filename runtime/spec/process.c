/*
 * process.c - config.json's "process": what runs, as whom, with what
 * (see spec.h).
 *
 * Nothing here touches the kernel.  The fields become step 05's struct
 * cv_identity and struct cv_caps and a few plain values, which the
 * container's init applies (core/init.c) in the order the kernel needs,
 * not the order they are read.  What is checked here is what the kernel
 * would refuse only then, inside the container, as a bare errno - or
 * worse, take without a word and mean something else by:
 *
 *   args, env, cwd  args needs a first word, env entries are NAME=VALUE
 *                   (runc refuses one without '='), cwd is absolute.
 *                   Whether args[0] can be run is execve()'s to say.
 *   user            uid and gid are 32-bit, and (uid_t)-1 is no uid:
 *                   setresuid(2) reads it as "leave unchanged", so a uid
 *                   of 4294967295 would keep the runtime's, root.  The
 *                   groups are exactly additionalGids: setgroups(2)
 *                   replaces the runtime's own.
 *   capabilities    the five sets by name.  How they relate is the
 *                   kernel's to enforce as the init applies them: capset(2)
 *                   keeps effective within permitted, PR_CAP_AMBIENT_RAISE
 *                   wants a capability both permitted and inheritable.
 *   rlimits         each type once, soft <= hard (setrlimit(2): EINVAL).
 *                   Raising a hard limit above the runtime's own needs
 *                   CAP_SYS_RESOURCE (EPERM): the init finds that out.
 *   the rest        ioPriority, scheduler, oomScoreAdj: each range the
 *                   kernel takes, so a typo is named here, not refused
 *                   or silently clamped later.
 *
 * The order of cv_spec_process() matters only to which of two mistakes is
 * reported first; no field here needs another to be read.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "runtime/spec/spec.h"

#ifndef SCHED_FLAG_RESET_ON_FORK
#define SCHED_FLAG_RESET_ON_FORK 0x01
#endif

/*
 * process.user (config.md#user).  Absent, the uid and gid stay -1,
 * "unset"; present, a missing uid or gid is 0.  umask
 * takes up to 07777, of which umask(2) keeps the 0777 bits.
 */
static int parse_user(struct cv_spec *s, json_t *process)
{
	struct cv_json *j = &s->json;
	json_t *user = NULL, *gids = NULL, *v;
	char path[CV_JPATH_MAX];
	uint32_t uid = 0, gid = 0, umask_ = 0;
	size_t i;
	int r;

	if ((r = cv_json_obj(j, process, "process", "user", &user)) <= 0)
		return r;
	if (cv_json_uint(j, user, "process.user", "uid", 0xfffffffe, &uid) < 0 ||
	    cv_json_uint(j, user, "process.user", "gid", 0xfffffffe, &gid) < 0 ||
	    (r = cv_json_uint(j, user, "process.user", "umask", 07777, &umask_)) < 0 ||
	    cv_json_arr(j, user, "process.user", "additionalGids", &gids) < 0)
		return -j->err->code;
	s->id.uid = uid;
	s->id.gid = gid;
	if (r == 1)
		s->id.umask = (mode_t)umask_;
	s->id.set_groups = true; /* the container's groups are its own: none unless listed */
	json_array_foreach(gids, i, v)
	{
		cv_json_sub(path, "process.user.additionalGids", NULL, (int)i);
		/* (gid_t)-1 is no group: setgroups(2) refuses it, EINVAL */
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > 0xfffffffe)
			return cv_json_type_error(j, path, "a gid", v);
		/* our bound (identity.h), far below the kernel's NGROUPS_MAX, 65536 */
		if (s->id.n_gids == CV_MAX_GIDS)
			return cv_json_error(j, path, "more than %d additional groups",
					     CV_MAX_GIDS);
		s->id.gids[s->id.n_gids++] = (gid_t)json_integer_value(v);
	}
	return 0;
}

/*
 * One of capabilities.bounding, .effective...: names into a mask.  A name
 * libcap does not know ("CAP_SYS_ADMN") is refused here, naming the entry:
 * stricter than the spec, which asks only for a warning, as such a name is
 * far more often a typo than a kernel's newer than libcap.  One libcap
 * knows but this host cannot give (a newer kernel's, or one not in our own
 * bounding set) is dropped at create with a warning (cv_caps_usable), as
 * runc does and the spec asks.
 */
static int cap_set(struct cv_spec *s, json_t *caps, const char *key, uint64_t *mask)
{
	struct cv_json *j = &s->json;
	char path[CV_JPATH_MAX], item[CV_JPATH_MAX];
	json_t *arr = NULL, *v;
	size_t i;
	int r, cap;

	if ((r = cv_json_arr(j, caps, "process.capabilities", key, &arr)) <= 0)
		return r;
	cv_json_sub(path, "process.capabilities", key, 0);
	json_array_foreach(arr, i, v)
	{
		cv_json_sub(item, path, NULL, (int)i);
		if (!json_is_string(v))
			return cv_json_type_error(j, item, "a capability name", v);
		if (cv_cap_from_name(json_string_value(v), &cap, j->err) < 0)
			return cv_json_wrap(j, item);
		*mask |= 1ULL << cap;
	}
	return 0;
}

/*
 * has_caps tells "no capabilities object" (no set is applied: the process
 * keeps what it has) from an object with empty lists (every set emptied).
 */
static int parse_caps(struct cv_spec *s, json_t *process)
{
	json_t *caps = NULL;
	int r;

	if ((r = cv_json_obj(&s->json, process, "process", "capabilities", &caps)) <= 0)
		return r;
	s->has_caps = true;
	if (cap_set(s, caps, "bounding", &s->caps.bounding) < 0 ||
	    cap_set(s, caps, "effective", &s->caps.effective) < 0 ||
	    cap_set(s, caps, "inheritable", &s->caps.inheritable) < 0 ||
	    cap_set(s, caps, "permitted", &s->caps.permitted) < 0 ||
	    cap_set(s, caps, "ambient", &s->caps.ambient) < 0)
		return -s->json.err->code;
	return 0;
}

/*
 * process.rlimits (config.md#posix-process): type is a getrlimit(2) name,
 * with or without RLIMIT_; "If rlimits contains duplicated entries with
 * same type, the runtime MUST generate an error".
 */
static int parse_rlimits(struct cv_spec *s, json_t *process)
{
	struct cv_json *j = &s->json;
	char path[CV_JPATH_MAX], sub[CV_JPATH_MAX];
	json_t *arr = NULL, *v;
	const char *type = NULL;
	size_t i;
	int r;

	if ((r = cv_json_arr(j, process, "process", "rlimits", &arr)) <= 0)
		return r;
	json_array_foreach(arr, i, v)
	{
		struct cv_rlimit *l = &s->id.rlimits[s->id.n_rlimits];
		uint64_t soft = 0, hard = 0;

		cv_json_sub(path, "process.rlimits", NULL, (int)i);
		if (!json_is_object(v))
			return cv_json_type_error(j, path, "an object {type, soft, hard}", v);
		if ((r = cv_json_str(j, v, path, "type", &type)) < 0 ||
		    cv_json_u64(j, v, path, "soft", &soft) < 0 ||
		    cv_json_u64(j, v, path, "hard", &hard) < 0)
			return -j->err->code;
		if (r == 0)
			return cv_json_error(j, cv_json_sub(sub, path, "type", 0), "missing");
		if (cv_rlimit_from_name(type, &l->resource, j->err) < 0)
			return cv_json_wrap(j, cv_json_sub(sub, path, "type", 0));
		for (unsigned k = 0; k < s->id.n_rlimits; k++)
			if (s->id.rlimits[k].resource == l->resource)
				return cv_json_error(j, path, "%s is given twice", type);
		/* 16 names (rlimits.h), none twice: never true; the array's guard */
		if (s->id.n_rlimits == CV_MAX_RLIMITS)
			return cv_json_error(j, path, "too many rlimits");
		/*
		 * 2^64-1 is RLIM_INFINITY as a Go writer spells it (uint64), but
		 * jansson stops at INT64_MAX ("too big integer" from the parse), so
		 * such a config never gets here: a limit of "unlimited" cannot be
		 * written to this reader.  The test is kept for one that can.
		 */
		l->soft = soft == UINT64_MAX ? RLIM_INFINITY : (rlim_t)soft;
		l->hard = hard == UINT64_MAX ? RLIM_INFINITY : (rlim_t)hard;
		/* setrlimit(2): EINVAL when rlim_cur > rlim_max, found here with its entry */
		if (l->soft > l->hard)
			return cv_json_error(j, path, "soft %llu is above hard %llu",
					     (unsigned long long)soft, (unsigned long long)hard);
		s->id.n_rlimits++;
	}
	return 0;
}

/*
 * process.ioPriority, for ioprio_set(2): the classes in the kernel's
 * numbering (RT 1, BE 2, IDLE 3: the index here), a level of 0 (highest)
 * to 7, the range the kernel takes for RT and BE (EINVAL beyond; IDLE has
 * no levels).  Left to the kernel: the RT class is for privileged
 * processes only (EPERM).
 */
static int parse_ioprio(struct cv_spec *s, json_t *process)
{
	static const char *const classes[] = {NULL, "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE",
					      "IOPRIO_CLASS_IDLE"};
	struct cv_json *j = &s->json;
	json_t *io = NULL;
	const char *cls = NULL;
	int64_t prio = 0;
	int r;

	if ((r = cv_json_obj(j, process, "process", "ioPriority", &io)) <= 0)
		return r;
	if (cv_json_str(j, io, "process.ioPriority", "class", &cls) < 0 ||
	    cv_json_i64(j, io, "process.ioPriority", "priority", &prio) < 0)
		return -j->err->code;
	for (int c = 1; c < 4 && cls; c++)
		if (!strcmp(cls, classes[c]))
			s->ioprio_class = c;
	if (!s->ioprio_class)
		return cv_json_error(j, "process.ioPriority.class",
				     "`%s` is not IOPRIO_CLASS_RT, "
				     "IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE",
				     cls ? cls : "");
	if (prio < 0 || prio > 7)
		return cv_json_error(j, "process.ioPriority.priority", "%lld is not 0 to 7",
				     (long long)prio);
	s->ioprio_level = (int)prio;
	s->has_ioprio = true;
	return 0;
}

/*
 * process.scheduler, for sched_setattr(2).  The policies in the kernel's
 * numbering; SCHED_ISO (4) is in the spec's list but reserved and never
 * implemented by Linux, so sched_setattr() refuses it, EINVAL, when the
 * init applies it.  nice is checked here because the kernel clamps an
 * out-of-range nice to -20..19 without a word; priority is left to the
 * kernel, which refuses one the policy does not take (1 to 99 for FIFO and
 * RR, 0 for the others).  Of the flags only SCHED_FLAG_RESET_ON_FORK is
 * kept: the others the spec lists, and any unknown word, are dropped.
 */
static int parse_scheduler(struct cv_spec *s, json_t *process)
{
	static const struct {
		const char *name;
		int policy;
	} policies[] = {
	    {"SCHED_OTHER", SCHED_OTHER}, {"SCHED_FIFO", SCHED_FIFO}, {"SCHED_RR", SCHED_RR},
	    {"SCHED_BATCH", SCHED_BATCH}, {"SCHED_ISO", 4},           {"SCHED_IDLE", SCHED_IDLE},
	    {"SCHED_DEADLINE", 6}};
	struct cv_json *j = &s->json;
	const char *P = "process.scheduler", *policy = NULL, **flags = NULL;
	json_t *sch = NULL;
	int64_t nice = 0, prio = 0;
	int r;

	if ((r = cv_json_obj(j, process, "process", "scheduler", &sch)) <= 0)
		return r;
	if (cv_json_str(j, sch, P, "policy", &policy) < 0 ||
	    cv_json_i64(j, sch, P, "nice", &nice) < 0 ||
	    cv_json_i64(j, sch, P, "priority", &prio) < 0 ||
	    cv_json_u64(j, sch, P, "runtime", &s->sched_runtime) < 0 ||
	    cv_json_u64(j, sch, P, "deadline", &s->sched_deadline) < 0 ||
	    cv_json_u64(j, sch, P, "period", &s->sched_period) < 0 ||
	    cv_json_strs(j, sch, P, "flags", &flags, NULL) < 0)
		return -j->err->code;
	s->sched_policy = -1;
	for (size_t i = 0; policy && i < sizeof(policies) / sizeof(policies[0]); i++)
		if (!strcmp(policy, policies[i].name))
			s->sched_policy = policies[i].policy;
	for (size_t i = 0; flags && flags[i]; i++)
		if (!strcmp(flags[i], "SCHED_FLAG_RESET_ON_FORK"))
			s->sched_flags |= SCHED_FLAG_RESET_ON_FORK;
	free(flags);
	if (s->sched_policy < 0)
		return cv_json_error(j, "process.scheduler.policy",
				     "`%s` is not a scheduling policy", policy ? policy : "");
	if (nice < -20 || nice > 19)
		return cv_json_error(j, "process.scheduler.nice", "%lld is not -20 to 19",
				     (long long)nice);
	s->sched_nice = (int)nice;
	s->sched_priority = (int)prio;
	s->has_scheduler = true;
	return 0;
}

/*
 * process.consoleSize: the terminal's first size.  struct winsize holds
 * rows and columns as unsigned short (TIOCSWINSZ, ioctl_tty(2)).
 */
static int parse_console(struct cv_spec *s, json_t *process)
{
	json_t *size = NULL;
	int r;

	if ((r = cv_json_obj(&s->json, process, "process", "consoleSize", &size)) <= 0)
		return r;
	if (cv_json_uint(&s->json, size, "process.consoleSize", "height", 0xffff,
			 &s->console_height) < 0 ||
	    cv_json_uint(&s->json, size, "process.consoleSize", "width", 0xffff,
			 &s->console_width) < 0)
		return -s->json.err->code;
	return 0;
}

/*
 * args: "at least one entry is REQUIRED"; env: as
 * environ(7), NAME=VALUE each; cwd: REQUIRED, "MUST be an absolute path"
 * (config.md#process).  A cwd missing from the rootfs is made by the init,
 * as runc makes it.
 */
static int parse_args_env(struct cv_spec *s, json_t *process)
{
	struct cv_json *j = &s->json;
	char path[CV_JPATH_MAX];
	int r;

	if ((r = cv_json_strs(j, process, "process", "args", &s->args, NULL)) < 0)
		return r;
	if (r == 0 || !s->args[0]) {
		cv_json_error(j, "process.args", "missing: what should run?");
		return cv_err_hint(j->err, "as in \"args\": [\"sh\"]");
	}
	if (cv_json_strs(j, process, "process", "env", &s->env, NULL) < 0)
		return -j->err->code;
	for (size_t i = 0; s->env && s->env[i]; i++)
		if (!strchr(s->env[i], '='))
			return cv_json_error(j, cv_json_sub(path, "process.env", NULL, (int)i),
					     "`%s` is not NAME=VALUE", s->env[i]);
	if ((r = cv_json_str(j, process, "process", "cwd", &s->cwd)) < 0)
		return r;
	if (r == 0)
		return cv_json_error(j, "process.cwd", "missing");
	if (s->cwd[0] != '/')
		return cv_json_error(j, "process.cwd", "`%s` is not an absolute path", s->cwd);
	return 0;
}

/*
 * Whether process.terminal can be served (a console socket, or a run in
 * the foreground) depends on the command line: core/create.c checks it.
 * selinuxLabel is read as a string and not applied: containerv does no
 * SELinux (`containerv features` says so); apparmorProfile is step 05's.
 */
int cv_spec_process(struct cv_spec *s, json_t *process)
{
	struct cv_json *j = &s->json;
	int64_t oom = 0;
	int r;

	if (cv_json_bool(j, process, "process", "terminal", &s->terminal) < 0 ||
	    parse_console(s, process) < 0 || parse_args_env(s, process) < 0 ||
	    parse_user(s, process) < 0 || parse_caps(s, process) < 0 ||
	    parse_rlimits(s, process) < 0 ||
	    cv_json_bool(j, process, "process", "noNewPrivileges", &s->id.no_new_privs) < 0 ||
	    cv_json_str(j, process, "process", "apparmorProfile", &s->apparmor) < 0 ||
	    cv_json_str(j, process, "process", "selinuxLabel", &s->selinux_label) < 0 ||
	    parse_ioprio(s, process) < 0 || parse_scheduler(s, process) < 0)
		return -j->err->code;
	if ((r = cv_json_i64(j, process, "process", "oomScoreAdj", &oom)) < 0)
		return r;
	/* the range of /proc/PID/oom_score_adj (proc(5)); outside it the write is EINVAL */
	if (r == 1 && (oom < -1000 || oom > 1000))
		return cv_json_error(j, "process.oomScoreAdj", "%lld is not -1000 to 1000",
				     (long long)oom);
	if (r == 1)
		s->id.oom_score_adj = (int)oom;
	/* an empty profile name is no profile, as runc reads it */
	if (s->apparmor && !s->apparmor[0])
		s->apparmor = NULL;
	return 0;
}
