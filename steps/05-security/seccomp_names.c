/*
 * seccomp_names.c - the words of a seccomp profile and their values, both
 * ways (see seccomp.h): the OCI runtime spec spells actions, architectures,
 * operators and flags as libseccomp's and the kernel's constants
 * ("SCMP_ACT_ERRNO", "SCMP_ARCH_X86_64", "SCMP_CMP_MASKED_EQ",
 * "SECCOMP_FILTER_FLAG_LOG").  A word not in the lists is an error that
 * lists them: a typo in a profile must not become a weaker filter.
 */
#include <ctype.h>
#include <errno.h>
#include <seccomp.h>
#include <string.h>

#include "05-security/seccomp.h"

/* The OCI spellings; KILL is the old name of KILL_THREAD, first so that
 * cv_sc_action_name(), which starts at the second entry, says the new one. */
static const struct {
	const char *name;
	uint32_t action;
} actions[] = {
    {"SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD},
    {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD},
    {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS},
    {"SCMP_ACT_TRAP", SCMP_ACT_TRAP},
    {"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0)},
    {"SCMP_ACT_TRACE", SCMP_ACT_TRACE(0)},
    {"SCMP_ACT_LOG", SCMP_ACT_LOG},
    {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW},
    {"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY},
};

/* Indexed by enum cv_sc_op, whose values are libseccomp's enum scmp_compare. */
static const char *const op_names[] = {NULL,          "SCMP_CMP_NE",       "SCMP_CMP_LT",
				       "SCMP_CMP_LE", "SCMP_CMP_EQ",       "SCMP_CMP_GE",
				       "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"};

static const struct {
	const char *name;
	unsigned flag;
} flags[] = {
    {"SECCOMP_FILTER_FLAG_LOG", CV_SC_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", CV_SC_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", CV_SC_FLAG_WAIT_KILLABLE},
    /* TSYNC is accepted and means nothing more: every filter here covers every thread */
    {"SECCOMP_FILTER_FLAG_TSYNC", 0},
    /* NEW_LISTENER is not the profile's to ask: a NOTIFY rule brings it (seccomp_load.c) */
};

int cv_sc_action(const char *name, uint32_t *action, struct cv_err *err)
{
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (!strcmp(name, actions[i].name)) {
			*action = actions[i].action;
			return 0;
		}
	cv_err_set(err, EINVAL, "unknown seccomp action `%s`", name);
	return cv_err_hint(err, "the actions are SCMP_ACT_ALLOW, _ERRNO, _KILL, _KILL_PROCESS, "
				"_KILL_THREAD, _TRAP, _TRACE, _LOG and _NOTIFY");
}

const char *cv_sc_action_name(uint32_t action)
{
	uint32_t base = action & SCMP_ACT_KILL_PROCESS ? action : action & 0xffff0000u;

	for (size_t i = 1; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (actions[i].action == base)
			return actions[i].name;
	return "SCMP_ACT_?";
}

int cv_sc_arch(const char *name, uint32_t *arch, struct cv_err *err)
{
	char lower[32];
	size_t i = 0;
	/* libseccomp knows "x86_64", the OCI spec writes "SCMP_ARCH_X86_64" */
	const char *bare = strncmp(name, "SCMP_ARCH_", 10) ? name : name + 10;

	for (; bare[i] && i + 1 < sizeof(lower); i++)
		lower[i] = (char)tolower((unsigned char)bare[i]);
	lower[i] = '\0';
	*arch = seccomp_arch_resolve_name(lower);
	if (*arch)
		return 0;
	cv_err_set(err, EINVAL, "unknown seccomp architecture `%s`", name);
	return cv_err_hint(err,
			   "as in SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32, "
			   "SCMP_ARCH_AARCH64, SCMP_ARCH_ARM, SCMP_ARCH_PPC64LE, SCMP_ARCH_S390X, "
			   "SCMP_ARCH_RISCV64");
}

int cv_sc_op(const char *name, enum cv_sc_op *op, struct cv_err *err)
{
	for (int i = CV_SC_NE; i <= CV_SC_MASKED_EQ; i++)
		if (!strcmp(name, op_names[i])) {
			*op = (enum cv_sc_op)i;
			return 0;
		}
	cv_err_set(err, EINVAL, "unknown seccomp operator `%s`", name);
	return cv_err_hint(err, "the operators are SCMP_CMP_NE, _LT, _LE, _EQ, _GE, _GT and "
				"_MASKED_EQ");
}

int cv_sc_flag(const char *name, unsigned *flag, struct cv_err *err)
{
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (!strcmp(name, flags[i].name)) {
			*flag = flags[i].flag;
			return 0;
		}
	cv_err_set(err, EINVAL, "unknown seccomp flag `%s`", name);
	return cv_err_hint(err,
			   "SECCOMP_FILTER_FLAG_LOG, _SPEC_ALLOW, _TSYNC, _WAIT_KILLABLE_RECV");
}
