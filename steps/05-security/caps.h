/*
 * caps.h - capabilities: root's power, cut into ~41 pieces.
 *
 * A process has five capability sets (capabilities(7)):
 *
 *   bounding     the most it can ever have again; only ever shrinks
 *   permitted    what it may turn on
 *   effective    what the kernel checks right now
 *   inheritable  what may pass through execve() to a program allowed it
 *   ambient      what passes through execve() to any program (4.3+)
 *
 * On execve() of an ordinary program by a non-root user, permitted and
 * effective become the ambient set: that is how a container's non-root
 * user keeps, say, CAP_NET_BIND_SERVICE.  And a uid change from 0 to
 * non-0 empties permitted and effective unless PR_SET_KEEPCAPS was set -
 * so the order of "switch uid" and "set capabilities" matters
 * (security.h has the whole order).
 */
#ifndef CV_CAPS_H
#define CV_CAPS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/err.h"

/* The five sets, as bit masks: bit n is capability n. */
struct cv_caps {
	uint64_t bounding, effective, permitted, inheritable, ambient;
};

enum cv_cap_set { CV_BOUNDING, CV_EFFECTIVE, CV_PERMITTED, CV_INHERITABLE, CV_AMBIENT };

/*
 * cv_cap_from_name - "CAP_NET_BIND_SERVICE", "net_bind_service" or
 * "NET_BIND_SERVICE" -> its number.  An unknown name is an error that
 * lists the valid ones.
 */
int cv_cap_from_name(const char *name, int *cap, struct cv_err *err);

/* cv_cap_name - "CAP_NET_BIND_SERVICE" for a number ("CAP_41" past the table). */
const char *cv_cap_name(int cap, char *buf, size_t size);

/* cv_cap_last - the highest capability this kernel knows (/proc/sys/kernel/cap_last_cap). */
int cv_cap_last(void);

/* cv_caps_str - "CAP_CHOWN,CAP_KILL" for a mask, "(none)" when empty. */
const char *cv_caps_str(uint64_t mask, char *buf, size_t size);

/*
 * cv_caps_read - the five sets of process pid (0: the caller), from
 * /proc/PID/status, as the kernel reports them.
 */
int cv_caps_read(pid_t pid, struct cv_caps *caps, struct cv_err *err);

/*
 * cv_caps_usable - drop from every set the capabilities this process
 * cannot give (not in its own bounding set: root here lacks
 * CAP_SYS_RESOURCE) or the kernel does not have, warning once for each,
 * as runc does.
 */
void cv_caps_usable(struct cv_caps *caps);

/* cv_caps_drop_bounding - drop from the bounding set all not in caps->bounding. */
int cv_caps_drop_bounding(const struct cv_caps *caps, struct cv_err *err);

/*
 * cv_caps_apply - set permitted, effective and inheritable (capset), then
 * the ambient set (which needs each capability permitted and inheritable).
 * Call after the uid switch.
 */
int cv_caps_apply(const struct cv_caps *caps, struct cv_err *err);

#endif
