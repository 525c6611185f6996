/*
 * seccomp.h - which system calls a process may make, decided by a BPF
 * program the kernel runs on every one of them.
 *
 * A filter is a default action and a list of rules: "this syscall (with
 * these arguments) gets that action".  The actions, in the kernel's order
 * of precedence:
 *
 *   KILL_PROCESS   the whole process dies (SIGSYS)
 *   KILL_THREAD    the thread dies; KILL is the old name for it
 *   TRAP           SIGSYS delivered, the process may handle it
 *   ERRNO(n)       the syscall is not made; it returns -1 with errno n
 *   NOTIFY         a supervisor holding the listener fd decides (5.0+)
 *   TRACE          a ptrace(2) tracer decides
 *   LOG            allowed, and logged
 *   ALLOW          allowed
 *
 * libseccomp compiles the rules to BPF for each architecture asked for
 * (x86_64, and x86/x32 for old binaries).  Once loaded a filter cannot be
 * removed, and it passes to every child and across execve().  Loading one
 * needs CAP_SYS_ADMIN or no_new_privs.
 *
 * This file's `struct cv_seccomp` is the one form every source is turned
 * into: the OCI linux.seccomp object, a Docker profile (profile.c), the
 * built-in default (default_profile.c), a policy (policy.h).
 */
#ifndef CV_SECCOMP_H
#define CV_SECCOMP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/err.h"

#define CV_SC_MAX_ARGS   6
#define CV_SC_MAX_ARCHES 8

/* Argument comparisons: libseccomp's SCMP_CMP_* operators. */
enum cv_sc_op { CV_SC_NE = 1, CV_SC_LT, CV_SC_LE, CV_SC_EQ, CV_SC_GE, CV_SC_GT, CV_SC_MASKED_EQ };

struct cv_sc_arg {
	unsigned index; /* which argument, 0..5 */
	enum cv_sc_op op;
	uint64_t value;
	uint64_t value_two; /* MASKED_EQ: (arg & value) == value_two */
};

struct cv_sc_rule {
	char name[48];   /* one syscall */
	uint32_t action; /* SCMP_ACT_*, without the errno */
	int errno_ret;   /* for ERRNO (and TRACE's message); -1: the default */
	unsigned n_args;
	struct cv_sc_arg args[CV_SC_MAX_ARGS];
};

struct cv_seccomp {
	uint32_t default_action;
	int default_errno; /* for a default ERRNO: default EPERM */
	unsigned n_arches;
	uint32_t arches[CV_SC_MAX_ARCHES]; /* SCMP_ARCH_*; none: the native one */
	unsigned flags;                    /* CV_SC_FLAG_* */
	unsigned n_rules, max_rules;
	struct cv_sc_rule *rules;
	char listener_path[108]; /* NOTIFY: the unix socket to send the fd to */
	char listener_metadata[256];
};

#define CV_SC_FLAG_LOG           1u /* SECCOMP_FILTER_FLAG_LOG: log all but ALLOW */
#define CV_SC_FLAG_SPEC_ALLOW    2u /* SECCOMP_FILTER_FLAG_SPEC_ALLOW */
#define CV_SC_FLAG_WAIT_KILLABLE 4u /* SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV */

/* cv_seccomp_init, cv_seccomp_free - an empty filter; release its rules. */
void cv_seccomp_init(struct cv_seccomp *sc, uint32_t default_action);
void cv_seccomp_free(struct cv_seccomp *sc);

/* cv_seccomp_add - append one rule (the list grows as needed). */
int cv_seccomp_add(struct cv_seccomp *sc, const struct cv_sc_rule *rule, struct cv_err *err);

/* cv_seccomp_allow - append ALLOW rules for a NULL-terminated list of names. */
int cv_seccomp_allow(struct cv_seccomp *sc, const char *const *names, struct cv_err *err);

/*
 * Names to values, the OCI spellings: "SCMP_ACT_ERRNO", "SCMP_ARCH_X86_64",
 * "SCMP_CMP_MASKED_EQ", "SECCOMP_FILTER_FLAG_LOG".  Errors name the value
 * and list the valid ones (seccomp_names.c).
 */
int cv_sc_action(const char *name, uint32_t *action, struct cv_err *err);
int cv_sc_arch(const char *name, uint32_t *arch, struct cv_err *err);
int cv_sc_op(const char *name, enum cv_sc_op *op, struct cv_err *err);
int cv_sc_flag(const char *name, unsigned *flag, struct cv_err *err);
const char *cv_sc_action_name(uint32_t action);

/*
 * cv_seccomp_compile - the filter as a libseccomp context, ready to load
 * or export.  A syscall unknown to libseccomp on these architectures is
 * a warning and skipped, as runc does.  Where the default denies,
 * syscalls newer than every one the filter names answer ENOSYS, not the
 * default: a C library then falls back to the older call it replaces (the
 * clone3 lesson).  Returns the context (scmp_filter_ctx) or NULL.
 */
void *cv_seccomp_compile(const struct cv_seccomp *sc, struct cv_err *err);

/* cv_seccomp_has_notify - does a rule say SCMP_ACT_NOTIFY? */
bool cv_seccomp_has_notify(const struct cv_seccomp *sc);

/*
 * cv_seccomp_denies_unknown - does the filter deny what it does not name
 * (a default other than ALLOW and LOG)?  Then syscalls newer than it
 * answer ENOSYS.
 */
bool cv_seccomp_denies_unknown(const struct cv_seccomp *sc);

/* cv_seccomp_known_limit - one past the highest native syscall number libseccomp can name. */
int cv_seccomp_known_limit(void);

/*
 * cv_seccomp_program - the compiled filter as the kernel takes it: the
 * BPF libseccomp generates, and in front of it, where the filter denies
 * what it does not name, a check that answers ENOSYS for native syscall
 * numbers libseccomp cannot name (newer than it: the runc approach).
 * Free prog->filter.
 */
struct sock_fprog;
int cv_seccomp_program(const struct cv_seccomp *sc, struct sock_fprog *prog, struct cv_err *err);

/*
 * cv_seccomp_check - everything cv_seccomp_load() could refuse, found
 * before any process is started: a NOTIFY rule without a listener, a
 * rule libseccomp will not take.
 */
int cv_seccomp_check(const struct cv_seccomp *sc, struct cv_err *err);

/*
 * cv_seccomp_load - compile and load into the calling thread (and with
 * TSYNC, all threads).  With a NOTIFY rule, the listener fd is sent to
 * sc->listener_path as the OCI runtime spec describes, and closed here.
 * state_json is what goes with it (the container's state), or NULL.
 */
int cv_seccomp_load(const struct cv_seccomp *sc, const char *state_json, struct cv_err *err);

/* cv_seccomp_export - the compiled filter as libseccomp's PFC text, on fd. */
int cv_seccomp_export(const struct cv_seccomp *sc, int fd, struct cv_err *err);

/* cv_seccomp_action_available - does this kernel know the action (SECCOMP_GET_ACTION_AVAIL)? */
bool cv_seccomp_action_available(uint32_t action);

/* cv_seccomp_mode - the Seccomp: line of /proc/self/status: 0, 1 (strict), 2 (filter). */
int cv_seccomp_mode(void);

#endif
