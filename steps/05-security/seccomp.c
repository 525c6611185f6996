/*
 * seccomp.c - filters in one form, compiled with libseccomp (see seccomp.h).
 *
 * The kernel runs a seccomp filter, a classic BPF program, on every system
 * call the process makes, with struct seccomp_data as its input: the
 * syscall number, the architecture (AUDIT_ARCH_*), the instruction pointer
 * and the six arguments as plain integers.  A filter cannot follow a
 * pointer - it sees clone3's flags only as an address - so rules compare
 * arguments by value and no more.
 *
 * Syscall numbers differ between architectures, and one x86_64 process
 * can make i386 calls (int 0x80) and x32 ones (the 0x40000000 bit) as
 * well: a filter that checked the number alone would take i386's open
 * (5) for x86_64's fstat (5).  So every program libseccomp writes starts by checking
 * the architecture; a call from one the filter was not built for gets its
 * "bad architecture" action (KILL, libseccomp's default).
 *
 * This file turns struct cv_seccomp into a libseccomp context, and back
 * into words (the PFC export); seccomp_names.c has the profile's words,
 * seccomp_load.c puts the result on the process.  Names are resolved here, not when a profile is read, so one
 * profile works on every architecture that has the calls it names.
 */
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "05-security/seccomp.h"
#include "common/file.h"
#include "common/syscalls.h"
#include "common/trace.h"

void cv_seccomp_init(struct cv_seccomp *sc, uint32_t default_action)
{
	memset(sc, 0, sizeof(*sc));
	sc->default_action = default_action;
	sc->default_errno = EPERM;
}

void cv_seccomp_free(struct cv_seccomp *sc)
{
	free(sc->rules);
	sc->rules = NULL;
	sc->n_rules = sc->max_rules = 0;
}

int cv_seccomp_add(struct cv_seccomp *sc, const struct cv_sc_rule *rule, struct cv_err *err)
{
	if (sc->n_rules == sc->max_rules) {
		unsigned more = sc->max_rules ? 2 * sc->max_rules : 64;
		struct cv_sc_rule *grown = realloc(sc->rules, more * sizeof(*grown));
		if (!grown)
			return cv_err_set(err, ENOMEM, "seccomp: out of memory for %u rules", more);
		sc->rules = grown;
		sc->max_rules = more;
	}
	sc->rules[sc->n_rules++] = *rule;
	return 0;
}

int cv_seccomp_allow(struct cv_seccomp *sc, const char *const *names, struct cv_err *err)
{
	struct cv_sc_rule rule = {.action = SCMP_ACT_ALLOW, .errno_ret = -1};

	for (; *names; names++) {
		snprintf(rule.name, sizeof(rule.name), "%s", *names);
		if (cv_seccomp_add(sc, &rule, err) < 0)
			return -err->code;
	}
	return 0;
}

/*
 * The full action value: the errno (or trace message) folded in.  The kernel's
 * return value is one 32-bit word, the action in the high 16 bits and its data
 * (SECCOMP_RET_DATA) in the low 16: ERRNO(13) is 0x0005000d.  So an errno above
 * 65535 cannot be said, and two ERRNO rules with different errnos are different
 * actions.
 */
static uint32_t full_action(uint32_t action, int errno_ret, int fallback)
{
	int e = errno_ret >= 0 ? errno_ret : fallback;

	if ((action & 0xffff0000u) == SCMP_ACT_ERRNO(0))
		return SCMP_ACT_ERRNO((uint16_t)e);
	if ((action & 0xffff0000u) == SCMP_ACT_TRACE(0))
		return SCMP_ACT_TRACE((uint16_t)(errno_ret >= 0 ? errno_ret : 0));
	return action;
}

/*
 * The architectures; the flags are the kernel's, given when loading (seccomp_load.c).
 * A context starts with the native one: EEXIST for it is no error.  Adding x86 and
 * x32 to an x86_64 filter does not open those ABIs: it makes the rules apply to them
 * too, by name, instead of killing every call made through them.
 */
static int set_arches(scmp_filter_ctx ctx, const struct cv_seccomp *sc, struct cv_err *err)
{
	for (unsigned i = 0; i < sc->n_arches; i++) {
		int r = seccomp_arch_add(ctx, sc->arches[i]);
		if (r < 0 && r != -EEXIST)
			return cv_err_set(err, -r, "seccomp: architecture %#x: %s", sc->arches[i],
					  strerror(-r));
	}
	return 0;
}

static int add_rule(scmp_filter_ctx ctx, const struct cv_seccomp *sc, const struct cv_sc_rule *rule,
		    int *max_nr, struct cv_err *err)
{
	struct scmp_arg_cmp args[CV_SC_MAX_ARGS];
	uint32_t action = full_action(rule->action, rule->errno_ret, EPERM);
	int nr = seccomp_syscall_resolve_name(rule->name), r;

	if (nr == __NR_SCMP_ERROR) {
		cv_warn("seccomp: `%s` is not a system call libseccomp knows here: rule skipped",
			rule->name);
		return 0;
	}
	if (nr > *max_nr)
		*max_nr = nr;
	/* counted before the skip below: an allowed name still says how new the profile is */
	if (action == full_action(sc->default_action, sc->default_errno, sc->default_errno))
		return 0; /* the same as the default: libseccomp refuses it, and it changes nothing */
	for (unsigned i = 0; i < rule->n_args; i++)
		args[i] =
		    (struct scmp_arg_cmp){rule->args[i].index, (enum scmp_compare)rule->args[i].op,
					  rule->args[i].value, rule->args[i].value_two};
	r = seccomp_rule_add_array(ctx, action, nr, rule->n_args, args);
	if (r < 0) {
		cv_err_set(err, -r, "seccomp rule for `%s` (%s, %u argument conditions): %s",
			   rule->name, cv_sc_action_name(rule->action), rule->n_args, strerror(-r));
		return cv_err_hint(err, "a syscall may have one rule per set of conditions, each "
					"argument compared once");
	}
	return 0;
}

/* Under LOG or ALLOW a newer call runs anyway: ENOSYS in front would take away
 * what the profile's default gives. */
bool cv_seccomp_denies_unknown(const struct cv_seccomp *sc)
{
	return sc->default_action != SCMP_ACT_ALLOW && sc->default_action != SCMP_ACT_LOG;
}

/* Asked of libseccomp, not of the kernel: its tables end where its release did. */
int cv_seccomp_known_limit(void)
{
	static int limit = -1;

	for (int nr = 1023; limit < 0 && nr >= 0; nr--) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
		if (name)
			limit = nr + 1;
		free(name);
	}
	return limit;
}

/* libseccomp's name of an architecture, as uname -m says it (it has no call for this). */
static const char *arch_name(uint32_t arch)
{
	static const struct {
		uint32_t arch;
		const char *name;
	} names[] = {{SCMP_ARCH_X86_64, "x86_64"},   {SCMP_ARCH_X86, "x86"},
		     {SCMP_ARCH_X32, "x32"},         {SCMP_ARCH_AARCH64, "aarch64"},
		     {SCMP_ARCH_ARM, "arm"},         {SCMP_ARCH_PPC64LE, "ppc64le"},
		     {SCMP_ARCH_PPC64, "ppc64"},     {SCMP_ARCH_S390X, "s390x"},
		     {SCMP_ARCH_RISCV64, "riscv64"}, {SCMP_ARCH_MIPS64, "mips64"}};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].arch == arch)
			return names[i].name;
	return "another architecture";
}

/*
 * Say how many of the ENOSYS rules each architecture of the filter got:
 * a rule is given by its native number, and libseccomp puts it in each
 * other architecture under the same name, where that has the call (x86
 * has no map_shadow_stack, say).  The filter is compiled more than once
 * (checked, then loaded): the same line is said once.
 */
static void say_newer(const struct cv_seccomp *sc, const int *newer, int n, int max_nr)
{
	static char said[256];
	char line[256];
	uint32_t native = seccomp_arch_native();
	unsigned n_arches = sc->n_arches ? sc->n_arches : 1;
	int len;

	len = snprintf(
	    line, sizeof(line),
	    "seccomp: syscalls newer than the profile's newest (%d on %s) answer ENOSYS:", max_nr,
	    arch_name(native));
	for (unsigned a = 0; a < n_arches && len > 0 && (size_t)len < sizeof(line); a++) {
		uint32_t arch = sc->n_arches ? sc->arches[a] : native;
		int count = 0;
		for (int i = 0; i < n; i++) {
			char *name = seccomp_syscall_resolve_num_arch(native, newer[i]);
			count += name && seccomp_syscall_resolve_name_arch(arch, name) >= 0;
			free(name);
		}
		len += snprintf(line + len, sizeof(line) - (size_t)len, "%s %d on %s", a ? "," : "",
				count, arch_name(arch));
	}
	if (strcmp(line, said) != 0)
		cv_trace("%s", line);
	snprintf(said, sizeof(said), "%s", line);
}

/* Where the default denies: syscalls newer than all named get ENOSYS, not the default. */
static int newer_get_enosys(scmp_filter_ctx ctx, const struct cv_seccomp *sc, int max_nr)
{
	int newer[1024], n = 0;

	if (!cv_seccomp_denies_unknown(sc))
		return 0;
	for (int nr = max_nr + 1; nr < 1024; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
		if (!name)
			continue;
		if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0) == 0)
			newer[n++] = nr;
		free(name);
	}
	say_newer(sc, newer, n, max_nr);
	return 0;
}

void *cv_seccomp_compile(const struct cv_seccomp *sc, struct cv_err *err)
{
	scmp_filter_ctx ctx =
	    seccomp_init(full_action(sc->default_action, sc->default_errno, sc->default_errno));
	int max_nr = -1; /* the newest syscall the filter names: above it, ENOSYS */

	if (!ctx) {
		cv_err_set(err, EINVAL, "seccomp_init(%s): refused",
			   cv_sc_action_name(sc->default_action));
		return NULL;
	}
	if (set_arches(ctx, sc, err) < 0)
		goto release;
	for (unsigned i = 0; i < sc->n_rules; i++)
		if (add_rule(ctx, sc, &sc->rules[i], &max_nr, err) < 0)
			goto release;
	newer_get_enosys(ctx, sc, max_nr);
	return ctx;
release:
	seccomp_release(ctx);
	return NULL;
}

bool cv_seccomp_has_notify(const struct cv_seccomp *sc)
{
	for (unsigned i = 0; i < sc->n_rules; i++)
		if (sc->rules[i].action == SCMP_ACT_NOTIFY)
			return true;
	return false;
}

int cv_seccomp_check(const struct cv_seccomp *sc, struct cv_err *err)
{
	scmp_filter_ctx ctx;

	/* a NOTIFY rule with nobody to answer would stop the container's first such call
	 * for good: the calling thread waits in the kernel for a reply that never comes */
	if (cv_seccomp_has_notify(sc) && !sc->listener_path[0]) {
		cv_err_set(err, EINVAL, "seccomp: a SCMP_ACT_NOTIFY rule needs a listenerPath");
		return cv_err_hint(err, "the notifications go to a supervisor listening on a unix "
					"socket: give its path");
	}
	if (!(ctx = cv_seccomp_compile(sc, err)))
		return -err->code;
	seccomp_release(ctx);
	return 0;
}

int cv_seccomp_export(const struct cv_seccomp *sc, int fd, struct cv_err *err)
{
	scmp_filter_ctx ctx = cv_seccomp_compile(sc, err);
	int r;

	if (!ctx)
		return -err->code;
	if (cv_seccomp_denies_unknown(sc))
		dprintf(fd,
			"#\n# in front of it, on the native architecture: syscall numbers from %d "
			"on,\n# newer than this libseccomp can name, answer ERRNO(%d) (ENOSYS)\n",
			cv_seccomp_known_limit(), ENOSYS);
	r = seccomp_export_pfc(ctx, fd);
	seccomp_release(ctx);
	return r < 0 ? cv_err_set(err, -r, "seccomp_export_pfc(): %s", strerror(-r)) : 0;
}

bool cv_seccomp_action_available(uint32_t action)
{
	uint32_t kernel = action;

	/* the kernel's SECCOMP_RET_* values, which libseccomp's SCMP_ACT_* are; the kernel
	 * answers from its own list (4.14+), so a libseccomp that knows an action the kernel
	 * lacks is found out here, before a filter using it fails to load */
	if ((action & 0xffff0000u) == SCMP_ACT_ERRNO(0) ||
	    (action & 0xffff0000u) == SCMP_ACT_TRACE(0))
		kernel = action & 0xffff0000u;
	return sys_seccomp(SECCOMP_GET_ACTION_AVAIL, 0, &kernel) == 0;
}

/* From /proc, not prctl(PR_GET_SECCOMP): under a strict-mode filter that prctl is
 * itself a forbidden call and kills the process. */
int cv_seccomp_mode(void)
{
	char text[4096];
	struct cv_err ignored;
	const char *at;

	if (cv_read_file("/proc/self/status", text, sizeof(text), &ignored) < 0 ||
	    !(at = strstr(text, "Seccomp:")))
		return -1;
	return atoi(at + 8);
}
