/*
 * test_security.c - step 05's pure code: capability and rlimit names,
 * seccomp profiles (OCI and Docker JSON, the errors of malformed ones),
 * the default profile's contents, the policy tables, Landlock rights.
 * No root needed: nothing here is applied to a process.
 */
#include <errno.h>
#include <jansson.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>
#include <cmocka.h>

#include "05-security/caps.h"
#include "05-security/identity.h"
#include "05-security/policy.h"
#include "05-security/profile.h"
#include "05-security/seccomp.h"

static struct cv_err err;

/* --- capabilities and limits by name ------------------------------------ */

static void cap_names(void **state)
{
	int cap;
	char buf[64];

	(void)state;
	assert_int_equal(cv_cap_from_name("CAP_NET_BIND_SERVICE", &cap, &err), 0);
	assert_int_equal(cap, CAP_NET_BIND_SERVICE);
	assert_int_equal(cv_cap_from_name("net_bind_service", &cap, &err), 0);
	assert_int_equal(cap, CAP_NET_BIND_SERVICE);
	assert_int_equal(cv_cap_from_name("SYS_ADMIN", &cap, &err), 0);
	assert_int_equal(cap, CAP_SYS_ADMIN);
	assert_int_equal(cv_cap_from_name("cap_chown", &cap, &err), 0);
	assert_int_equal(cap, CAP_CHOWN);
	assert_string_equal(cv_cap_name(CAP_SYS_ADMIN, buf, sizeof(buf)), "CAP_SYS_ADMIN");
	assert_string_equal(cv_caps_str((1ULL << CAP_CHOWN) | (1ULL << CAP_KILL), buf, sizeof(buf)),
			    "CAP_CHOWN,CAP_KILL");
	assert_string_equal(cv_caps_str(0, buf, sizeof(buf)), "(none)");
	assert_true(cv_cap_last() >= CAP_CHECKPOINT_RESTORE);
}

static void cap_unknown(void **state)
{
	int cap;

	(void)state;
	assert_int_equal(cv_cap_from_name("CAP_NET_BIND", &cap, &err), -EINVAL);
	assert_string_equal(err.msg, "unknown capability `CAP_NET_BIND`");
	assert_non_null(strstr(err.hint, "CHOWN DAC_OVERRIDE"));
	assert_int_equal(cv_cap_from_name("12", &cap, &err), -EINVAL); /* numbers are not names */
	assert_int_equal(cv_cap_from_name("", &cap, &err), -EINVAL);
}

static void rlimit_names(void **state)
{
	int r;
	struct cv_rlimit l;

	(void)state;
	assert_int_equal(cv_rlimit_from_name("nofile", &r, &err), 0);
	assert_int_equal(r, RLIMIT_NOFILE);
	assert_int_equal(cv_rlimit_from_name("RLIMIT_NPROC", &r, &err), 0);
	assert_int_equal(r, RLIMIT_NPROC);
	assert_int_equal(cv_rlimit_from_name("MEMLOCK", &r, &err), 0);
	assert_int_equal(r, RLIMIT_MEMLOCK);
	assert_string_equal(cv_rlimit_name(RLIMIT_RTTIME), "rttime");
	/* all sixteen of getrlimit(2) */
	for (int i = 0; i < RLIM_NLIMITS; i++)
		assert_string_not_equal(cv_rlimit_name(i), "?");
	assert_int_equal(cv_rlimit_from_name("files", &r, &err), -EINVAL);
	assert_string_equal(err.msg, "unknown resource limit `files`");
	assert_non_null(strstr(err.hint, "nofile"));

	assert_int_equal(cv_rlimit_parse("nofile=64", &l, &err), 0);
	assert_int_equal(l.resource, RLIMIT_NOFILE);
	assert_int_equal(l.soft, 64);
	assert_int_equal(l.hard, 64);
	assert_int_equal(cv_rlimit_parse("core=0:unlimited", &l, &err), 0);
	assert_int_equal(l.soft, 0);
	assert_true(l.hard == RLIM_INFINITY);
	assert_int_equal(cv_rlimit_parse("nofile=128:64", &l, &err), -EINVAL);
	assert_string_equal(err.msg,
			    "rlimit `nofile=128:64`: the soft limit is above the hard one");
	assert_int_equal(cv_rlimit_parse("nofile=lots", &l, &err), -EINVAL);
	assert_int_equal(cv_rlimit_parse("nofile", &l, &err), -EINVAL);
	assert_int_equal(cv_rlimit_parse("=5", &l, &err), -EINVAL);
	assert_int_equal(cv_rlimit_parse("nofile=", &l, &err), -EINVAL);
}

static void users_and_errnos(void **state)
{
	uid_t uid = 0;
	gid_t gid = (gid_t)-1;

	(void)state;
	assert_int_equal(cv_parse_user("1000", &uid, &gid, &err), 0);
	assert_int_equal(uid, 1000);
	assert_true(gid == (gid_t)-1);
	assert_int_equal(cv_parse_user("1000:100", &uid, &gid, &err), 0);
	assert_int_equal(gid, 100);
	assert_int_equal(cv_parse_user("bob", &uid, &gid, &err), -EINVAL);
	assert_string_equal(err.msg, "user `bob`: expected UID or UID:GID");
	assert_int_equal(cv_parse_user("1000:", &uid, &gid, &err), -EINVAL);
	assert_int_equal(cv_parse_user("-1", &uid, &gid, &err), -EINVAL);
	assert_int_equal(cv_errno_from_name("EACCES"), EACCES);
	assert_int_equal(cv_errno_from_name("enosys"), ENOSYS);
	assert_int_equal(cv_errno_from_name("13"), 13);
	assert_int_equal(cv_errno_from_name("EWHAT"), -1);
	assert_int_equal(cv_errno_from_name("0"), -1);
}

/* --- seccomp names -------------------------------------------------------- */

static void seccomp_names(void **state)
{
	uint32_t v;
	enum cv_sc_op op;
	unsigned flag;

	(void)state;
	assert_int_equal(cv_sc_action("SCMP_ACT_KILL", &v, &err), 0);
	assert_int_equal(v, SCMP_ACT_KILL_THREAD);
	assert_int_equal(cv_sc_action("SCMP_ACT_NOTIFY", &v, &err), 0);
	assert_int_equal(v, SCMP_ACT_NOTIFY);
	assert_string_equal(cv_sc_action_name(SCMP_ACT_ERRNO(13)), "SCMP_ACT_ERRNO");
	assert_string_equal(cv_sc_action_name(SCMP_ACT_KILL_PROCESS), "SCMP_ACT_KILL_PROCESS");
	assert_int_equal(cv_sc_action("SCMP_ACT_DENY", &v, &err), -EINVAL);
	assert_string_equal(err.msg, "unknown seccomp action `SCMP_ACT_DENY`");
	assert_int_equal(cv_sc_arch("SCMP_ARCH_X86_64", &v, &err), 0);
	assert_int_equal(v, SCMP_ARCH_X86_64);
	assert_int_equal(cv_sc_arch("SCMP_ARCH_AARCH64", &v, &err), 0);
	assert_int_equal(v, SCMP_ARCH_AARCH64);
	assert_int_equal(cv_sc_arch("SCMP_ARCH_Z80", &v, &err), -EINVAL);
	assert_string_equal(err.msg, "unknown seccomp architecture `SCMP_ARCH_Z80`");
	assert_int_equal(cv_sc_op("SCMP_CMP_MASKED_EQ", &op, &err), 0);
	assert_int_equal(op, SCMP_CMP_MASKED_EQ); /* the same numbers as libseccomp's */
	assert_int_equal(cv_sc_op("SCMP_CMP_NE", &op, &err), 0);
	assert_int_equal(op, SCMP_CMP_NE);
	assert_int_equal(cv_sc_op("SCMP_CMP_LIKE", &op, &err), -EINVAL);
	assert_string_equal(err.msg, "unknown seccomp operator `SCMP_CMP_LIKE`");
	assert_int_equal(cv_sc_flag("SECCOMP_FILTER_FLAG_LOG", &flag, &err), 0);
	assert_int_equal(flag, CV_SC_FLAG_LOG);
	assert_int_equal(cv_sc_flag("SECCOMP_FILTER_FLAG_FAST", &flag, &err), -EINVAL);
}

/* --- profiles ------------------------------------------------------------- */

/* Parse text as a profile; returns the cv_profile_from_json result. */
static int parse(const char *text, uint64_t caps, struct cv_seccomp *sc)
{
	json_error_t jerr;
	json_t *root = json_loads(text, 0, &jerr);
	int r;

	assert_non_null(root);
	r = cv_profile_from_json(root, "p.json", caps, sc, &err);
	json_decref(root);
	return r;
}

static const struct cv_sc_rule *find(const struct cv_seccomp *sc, const char *name, unsigned nth)
{
	for (unsigned i = 0; i < sc->n_rules; i++)
		if (!strcmp(sc->rules[i].name, name) && nth-- == 0)
			return &sc->rules[i];
	return NULL;
}

static void oci_profile(void **state)
{
	struct cv_seccomp sc;
	const struct cv_sc_rule *r;

	(void)state;
	assert_int_equal(
	    parse("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 1,"
		  " \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\"],"
		  " \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"],"
		  " \"listenerPath\": \"/run/agent.sock\", \"listenerMetadata\": \"m\","
		  " \"syscalls\": ["
		  "  {\"names\": [\"read\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\"},"
		  "  {\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13},"
		  "  {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": ["
		  "    {\"index\": 0, \"value\": 255, \"valueTwo\": 8, \"op\": "
		  "\"SCMP_CMP_MASKED_EQ\"}]},"
		  "  {\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}",
		  0, &sc),
	    0);
	assert_int_equal(sc.default_action, SCMP_ACT_ERRNO(0));
	assert_int_equal(sc.default_errno, 1);
	assert_int_equal(sc.n_arches, 2);
	assert_int_equal(sc.arches[1], SCMP_ARCH_X86);
	assert_int_equal(sc.flags, CV_SC_FLAG_LOG);
	assert_string_equal(sc.listener_path, "/run/agent.sock");
	assert_string_equal(sc.listener_metadata, "m");
	assert_int_equal(sc.n_rules, 5);
	assert_non_null(r = find(&sc, "write", 0));
	assert_int_equal(r->action, SCMP_ACT_ALLOW);
	assert_non_null(r = find(&sc, "mkdir", 0));
	assert_int_equal(r->errno_ret, 13);
	assert_non_null(r = find(&sc, "personality", 0));
	assert_int_equal(r->n_args, 1);
	assert_int_equal(r->args[0].op, CV_SC_MASKED_EQ);
	assert_int_equal(r->args[0].value, 255);
	assert_int_equal(r->args[0].value_two, 8);
	assert_int_equal(find(&sc, "getppid", 0)->action, SCMP_ACT_NOTIFY);
	cv_seccomp_free(&sc);
}

static void docker_profile(void **state)
{
	static const char *const text =
	    "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 1,"
	    " \"archMap\": [{\"architecture\": \"SCMP_ARCH_X86_64\","
	    "               \"subArchitectures\": [\"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"]},"
	    "              {\"architecture\": \"SCMP_ARCH_AARCH64\","
	    "               \"subArchitectures\": [\"SCMP_ARCH_ARM\"]}],"
	    " \"syscalls\": ["
	    "  {\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"},"
	    "  {\"names\": [\"mount\"], \"action\": \"SCMP_ACT_ALLOW\","
	    "   \"includes\": {\"caps\": [\"CAP_SYS_ADMIN\"]}},"
	    "  {\"names\": [\"arch_prctl\"], \"action\": \"SCMP_ACT_ALLOW\","
	    "   \"includes\": {\"arches\": [\"amd64\"]}},"
	    "  {\"names\": [\"sync_file_range2\"], \"action\": \"SCMP_ACT_ALLOW\","
	    "   \"includes\": {\"arches\": [\"ppc64le\"]}},"
	    "  {\"names\": [\"chown\"], \"action\": \"SCMP_ACT_ALLOW\","
	    "   \"excludes\": {\"caps\": [\"CAP_CHOWN\"]}},"
	    "  {\"name\": \"old_style\", \"action\": \"SCMP_ACT_ALLOW\"}]}";
	struct cv_seccomp sc;

	(void)state;
	if (seccomp_arch_native() != SCMP_ARCH_X86_64)
		skip();
	/* without CAP_SYS_ADMIN, no mount; without CAP_CHOWN, chown */
	assert_int_equal(parse(text, 1ULL << CAP_NET_BIND_SERVICE, &sc), 0);
	assert_int_equal(sc.n_arches, 3);
	assert_int_equal(sc.arches[0], SCMP_ARCH_X86_64);
	assert_int_equal(sc.arches[2], SCMP_ARCH_X32);
	assert_non_null(find(&sc, "read", 0));
	assert_null(find(&sc, "mount", 0));
	assert_non_null(find(&sc, "arch_prctl", 0));
	assert_null(find(&sc, "sync_file_range2", 0));
	assert_non_null(find(&sc, "chown", 0));
	assert_non_null(find(&sc, "old_style", 0));
	cv_seccomp_free(&sc);
	/* with both: the other way round */
	assert_int_equal(parse(text, (1ULL << CAP_SYS_ADMIN) | (1ULL << CAP_CHOWN), &sc), 0);
	assert_non_null(find(&sc, "mount", 0));
	assert_null(find(&sc, "chown", 0));
	cv_seccomp_free(&sc);
}

/* Each malformed profile, and the start of the error it must give. */
static void malformed_profiles(void **state)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
	    {"[]", "p.json: (top): expected an object, got an array"},
	    {"{}", "p.json: defaultAction: missing"},
	    {"{\"defaultAction\": 1}", "p.json: defaultAction: expected a string, got an integer"},
	    {"{\"defaultAction\": \"SCMP_ACT_NOPE\"}",
	     "p.json: defaultAction: unknown seccomp action `SCMP_ACT_NOPE`"},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultErrnoRet\": \"1\"}",
	     "p.json: defaultErrnoRet: expected a non-negative integer, got a string"},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X86_64\","
	     " \"SCMP_ARCH_PDP11\"]}",
	     "p.json: architectures[1]: unknown seccomp architecture `SCMP_ARCH_PDP11`"},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": \"SCMP_ARCH_X86_64\"}",
	     "p.json: architectures: expected an array of strings, got a string"},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_NOPE\"]}",
	     "p.json: flags[0]: unknown seccomp flag `SECCOMP_FILTER_FLAG_NOPE`"},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": {}}",
	     "p.json: syscalls: expected an array of rules, got an object"},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"],"
	     " \"action\": \"SCMP_ACT_ALLOW\"}, {\"names\": [\"write\"], \"action\": \"ALLOW\"}]}",
	     "p.json: syscalls[1].action: unknown seccomp action `ALLOW`"},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"]}]}",
	     "p.json: syscalls[0].action: missing"},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": \"read\","
	     " \"action\": \"SCMP_ACT_ALLOW\"}]}",
	     "p.json: syscalls[0].names: expected an array of syscall names, got a string"},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\", 3],"
	     " \"action\": \"SCMP_ACT_ALLOW\"}]}",
	     "p.json: syscalls[0].names[1]: expected a syscall name, got an integer"},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"],"
	     " \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": -1}]}",
	     "p.json: syscalls[0].errnoRet: expected a non-negative integer, got an integer"},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"],"
	     " \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 1,"
	     " \"op\": \"SCMP_CMP_ABOUT\"}]}]}",
	     "p.json: syscalls[0].args[0].op: unknown seccomp operator `SCMP_CMP_ABOUT`"},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"],"
	     " \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 7, \"value\": 1,"
	     " \"op\": \"SCMP_CMP_EQ\"}]}]}",
	     "p.json: syscalls[0].args[0].index: must be 0 to 5"},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"],"
	     " \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": \"1\","
	     " \"op\": \"SCMP_CMP_EQ\"}]}]}",
	     "p.json: syscalls[0].args[0].value: expected a non-negative integer, got a string"},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [7]}",
	     "p.json: syscalls[0]: expected an object {names, action, ...}, got an integer"},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"archMap\": [{\"architecture\": 5}]}",
	     "p.json: archMap[0].architecture: expected a string, got an integer"},
	};
	struct cv_seccomp sc;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cv_err_clear(&err);
		if (parse(cases[i].text, 0, &sc) != -EINVAL ||
		    strncmp(err.msg, cases[i].msg, strlen(cases[i].msg)))
			fail_msg("case %zu: %s\n  got: %s\n want: %s", i, cases[i].text, err.msg,
				 cases[i].msg);
		assert_true(err.hint[0] != '\0' || strstr(err.msg, "missing"));
		assert_null(sc.rules); /* nothing left allocated */
	}
}

static void profile_files(void **state)
{
	char path[] = "/tmp/cvtest-profile-XXXXXX";
	int fd = mkstemp(path);
	struct cv_seccomp sc;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(
	    write(fd, "{\n \"defaultAction\": \"SCMP_ACT_ALLOW\",\n \"syscalls\": [\n}", 55), 55);
	close(fd);
	assert_int_equal(cv_profile_load(path, 0, &sc, &err), -EINVAL);
	assert_non_null(strstr(err.msg, path));
	assert_non_null(strstr(err.msg, ":4:")); /* the line of the syntax error */
	unlink(path);
	assert_int_equal(cv_profile_load("/nonexistent/seccomp.json", 0, &sc, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "/nonexistent/seccomp.json"));
}

/* --- the default profile and the compiled filter ------------------------------ */

static void default_profile(void **state)
{
	static const char *const allowed[] = {"read",       "write", "execve", "openat",     "mmap",
					      "exit_group", "futex", "socket", "getdents64", NULL};
	static const char *const denied[] = {
	    "kexec_load",        "init_module",     "reboot", "keyctl",  "add_key", "bpf",
	    "userfaultfd",       "perf_event_open", "mount",  "umount2", "unshare", "setns",
	    "open_by_handle_at", "fsconfig",        NULL};
	struct cv_seccomp sc;
	const struct cv_sc_rule *r;

	(void)state;
	assert_int_equal(cv_profile_default(&sc, &err), 0);
	assert_int_equal(sc.default_action, SCMP_ACT_ERRNO(0));
	assert_int_equal(sc.default_errno, EPERM);
	for (const char *const *n = allowed; *n; n++) {
		assert_non_null(r = find(&sc, *n, 0));
		assert_int_equal(r->action, SCMP_ACT_ALLOW);
	}
	for (const char *const *n = denied; *n; n++)
		for (unsigned k = 0; (r = find(&sc, *n, k)); k++)
			if (r->action != SCMP_ACT_ERRNO(0))
				fail_msg("%s is allowed by the default profile", *n);
	/* clone only without namespace flags; clone3 says ENOSYS */
	assert_non_null(r = find(&sc, "clone", 0));
	assert_int_equal(r->n_args, 1);
	assert_int_equal(r->args[0].op, CV_SC_MASKED_EQ);
	assert_true(r->args[0].value & CLONE_NEWUSER);
	assert_int_equal(r->args[0].value_two, 0);
	assert_non_null(r = find(&sc, "clone3", 0));
	assert_int_equal(r->errno_ret, ENOSYS);
	/* personality: only the harmless values (PER_LINUX, PER_LINUX32, ...) */
	assert_non_null(r = find(&sc, "personality", 0));
	assert_int_equal(r->args[0].op, CV_SC_EQ);
	assert_int_equal(r->args[0].value, 0);
	cv_seccomp_free(&sc);
}

/* The filter as PFC text (what the kernel will run), in a string. */
static char *pfc(const struct cv_seccomp *sc)
{
	int fd = memfd_create("pfc", 0);
	off_t size;
	char *text;

	assert_true(fd >= 0);
	assert_int_equal(cv_seccomp_export(sc, fd, &err), 0);
	size = lseek(fd, 0, SEEK_END);
	text = calloc(1, (size_t)size + 1);
	assert_int_equal(pread(fd, text, (size_t)size, 0), size);
	close(fd);
	return text;
}

static void compiled_filter(void **state)
{
	struct cv_seccomp sc;
	struct cv_sc_rule bogus = {
	    .name = "not_a_syscall", .action = SCMP_ACT_ALLOW, .errno_ret = -1};
	char *text;

	(void)state;
	assert_int_equal(cv_profile_default(&sc, &err), 0);
	/* an unknown name: a warning and skipped, as runc does */
	assert_int_equal(cv_seccomp_add(&sc, &bogus, &err), 0);
	text = pfc(&sc);
	assert_non_null(strstr(text, "filter for arch x86_64"));
	assert_non_null(strstr(text, "filter for arch x86 "));
	assert_non_null(strstr(text, "action ERRNO(38)")); /* clone3 and the newer ones: ENOSYS */
	assert_non_null(strstr(text, "action ERRNO(1)"));  /* the default */
	assert_null(strstr(text, "not_a_syscall"));
	free(text);
	cv_seccomp_free(&sc);
}

/* The program the kernel gets: the ENOSYS check, then libseccomp's, only where needed. */
static void program_has_the_enosys_check(void **state)
{
	struct cv_seccomp sc;
	struct sock_fprog prog, plain;

	(void)state;
	assert_int_equal(cv_profile_default(&sc, &err), 0);
	assert_int_equal(cv_seccomp_program(&sc, &prog, &err), 0);
	assert_int_equal(prog.filter[0].code, BPF_LD | BPF_W | BPF_ABS);
	assert_int_equal(prog.filter[0].k, offsetof(struct seccomp_data, arch));
	assert_int_equal(prog.filter[4].k, (unsigned)cv_seccomp_known_limit());
	assert_int_equal(prog.filter[5].k, SECCOMP_RET_ERRNO | ENOSYS);
	sc.default_action = SCMP_ACT_ALLOW; /* allowing by default: nothing to add */
	assert_int_equal(cv_seccomp_program(&sc, &plain, &err), 0);
	assert_true(plain.len < prog.len);
	assert_int_not_equal(plain.filter[5].k, SECCOMP_RET_ERRNO | ENOSYS);
	free(prog.filter);
	free(plain.filter);
	cv_seccomp_free(&sc);
}

/* A NOTIFY rule without a listener path is refused before anything is loaded. */
static void notify_needs_listener(void **state)
{
	struct cv_seccomp sc;
	struct cv_sc_rule rule = {.name = "getppid", .action = SCMP_ACT_NOTIFY, .errno_ret = -1};

	(void)state;
	cv_seccomp_init(&sc, SCMP_ACT_ALLOW);
	assert_int_equal(cv_seccomp_add(&sc, &rule, &err), 0);
	assert_int_equal(cv_seccomp_load(&sc, NULL, &err), -EINVAL);
	assert_string_equal(err.msg, "seccomp: a SCMP_ACT_NOTIFY rule needs a listenerPath");
	assert_int_equal(cv_seccomp_mode(), 0); /* and nothing was loaded */
	cv_seccomp_free(&sc);
}

/* --- the policy tables -------------------------------------------------------- */

static bool allows(const struct cv_seccomp *sc, const char *name)
{
	const struct cv_sc_rule *r = find(sc, name, 0);
	return r && r->action == SCMP_ACT_ALLOW;
}

static void policy_tables(void **state)
{
	static const struct {
		enum containerv_policy_type type;
		bool read, fork, rename, pipe, socket;
	} expect[] = {
	    {CV_POLICY_MINIMAL, 1, 0, 0, 0, 0},
	    {CV_POLICY_BUILD, 1, 1, 1, 1, 0},
	    {CV_POLICY_NETWORK, 1, 0, 0, 0, 1},
	    {CV_POLICY_CUSTOM, 0, 0, 0, 0, 0},
	};
	const char *const *names;
	unsigned types, n = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
		struct containerv_policy *p = containerv_policy_new(expect[i].type);
		struct cv_seccomp sc;

		assert_non_null(p);
		assert_int_equal(cv_policy_seccomp(p, &sc, &err), 0);
		assert_int_equal(sc.default_action, SCMP_ACT_ERRNO(0));
		assert_int_equal(allows(&sc, "read"), expect[i].read);
		assert_int_equal(allows(&sc, "fork"), expect[i].fork);
		assert_int_equal(allows(&sc, "rename"), expect[i].rename);
		assert_int_equal(allows(&sc, "pipe2"), expect[i].pipe);
		assert_int_equal(allows(&sc, "socket"), expect[i].socket);
		/* custom reads nothing; the others read /usr and write /dev/null */
		assert_int_equal(cv_policy_landlock(p)->n_rules > 0,
				 expect[i].type != CV_POLICY_CUSTOM);
		cv_seccomp_free(&sc);
		containerv_policy_delete(p);
	}
	/* every group has a reason and belongs to some type */
	while (cv_policy_group(n, &names, &types)) {
		assert_non_null(names[0]);
		assert_true(types != 0);
		assert_true(strlen(cv_policy_group(n, &names, &types)) > 5);
		n++;
	}
	assert_true(n >= 5);
}

static void policy_additions(void **state)
{
	struct containerv_policy *p = containerv_policy_new(CV_POLICY_CUSTOM);
	const char *more[] = {"getpid", "uname", NULL};
	const char *paths[] = {"/tmp", "/srv", NULL};
	const struct cv_landlock *ll;
	enum containerv_policy_type type;
	struct cv_seccomp sc;

	(void)state;
	assert_int_equal(containerv_policy_add_syscalls(p, more), 0);
	assert_int_equal(containerv_policy_add_paths(p, paths, CV_FS_READ | CV_FS_WRITE), 0);
	assert_int_equal(containerv_policy_add_path(p, "/opt", CV_FS_EXEC), 0);
	assert_int_equal(containerv_policy_add_path(p, "/opt", 0x80), -EINVAL);
	assert_int_equal(cv_policy_seccomp(p, &sc, &err), 0);
	assert_int_equal(sc.n_rules, 2);
	assert_true(allows(&sc, "uname"));
	ll = cv_policy_landlock(p);
	assert_int_equal(ll->n_rules, 3);
	assert_string_equal(ll->rules[1].path, "/srv");
	assert_int_equal(ll->rules[1].access, CV_FS_READ | CV_FS_WRITE);
	assert_int_equal(ll->rules[2].access, CV_FS_EXEC);
	cv_seccomp_free(&sc);
	containerv_policy_delete(p);
	containerv_policy_delete(NULL);
	assert_int_equal(cv_policy_type_from_name("build", &type, &err), 0);
	assert_int_equal(type, CV_POLICY_BUILD);
	assert_int_equal(cv_policy_type_from_name("strict", &type, &err), -EINVAL);
	assert_string_equal(err.msg, "unknown policy `strict`");
}

static void landlock_rights(void **state)
{
	uint64_t dir1 = cv_landlock_rights(CV_FS_ALL, 1, 1),
		 dir3 = cv_landlock_rights(CV_FS_ALL, 3, 1);
	uint64_t file = cv_landlock_rights(CV_FS_READ | CV_FS_WRITE, 3, 0);

	(void)state;
	assert_true(dir1 & LANDLOCK_ACCESS_FS_EXECUTE);
	assert_false(dir1 & LANDLOCK_ACCESS_FS_REFER); /* ABI 2 */
	assert_true(dir3 & LANDLOCK_ACCESS_FS_REFER);
	assert_true(dir3 & (1ULL << 14));                 /* TRUNCATE, ABI 3 */
	assert_false(file & LANDLOCK_ACCESS_FS_READ_DIR); /* a file has no directory rights */
	assert_false(file & LANDLOCK_ACCESS_FS_MAKE_REG);
	assert_true(file & LANDLOCK_ACCESS_FS_WRITE_FILE);
	assert_false(cv_landlock_rights(CV_FS_READ, 3, 1) & LANDLOCK_ACCESS_FS_WRITE_FILE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(cap_names),
	    cmocka_unit_test(cap_unknown),
	    cmocka_unit_test(rlimit_names),
	    cmocka_unit_test(users_and_errnos),
	    cmocka_unit_test(seccomp_names),
	    cmocka_unit_test(oci_profile),
	    cmocka_unit_test(docker_profile),
	    cmocka_unit_test(malformed_profiles),
	    cmocka_unit_test(profile_files),
	    cmocka_unit_test(default_profile),
	    cmocka_unit_test(compiled_filter),
	    cmocka_unit_test(program_has_the_enosys_check),
	    cmocka_unit_test(notify_needs_listener),
	    cmocka_unit_test(policy_tables),
	    cmocka_unit_test(policy_additions),
	    cmocka_unit_test(landlock_rights),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
