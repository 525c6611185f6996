/*
 * devices.h - which devices a cgroup's processes may open or create.
 *
 * cgroup v1 keeps a list in the devices controller, edited by writing
 * rules to devices.allow and devices.deny.  cgroup v2 has no such files:
 * a BPF program of type BPF_PROG_TYPE_CGROUP_DEVICE is attached to the
 * cgroup, and the kernel runs it on every open(2) or mknod(2) of a device
 * node, asking: may this (type, major, minor, access) go ahead?
 *
 * Both are generated from one rule list, with one meaning: a new cgroup
 * allows everything; then each kind of access (read, write, mknod) to a
 * device is decided by the *last* rule that matches the device and names
 * that access.  So a list that begins with "deny a" and then allows a few
 * devices is an allow-list, and a list of denies is a deny-list.
 */
#ifndef CV_CG_DEVICES_H
#define CV_CG_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/bpf.h>

#include "02-cgroups/limits.h"

/* cv_cg_dev_allows - the meaning above, in C: may access go ahead? */
bool cv_cg_dev_allows(const struct cv_cg_dev_rule *rules, unsigned n, char type, unsigned major,
		      unsigned minor, unsigned access);

/* The most instructions a program for CV_CG_MAX_RULES rules can take. */
#define CV_CG_DEV_PROG_MAX (8 + 3 * (3 + CV_CG_MAX_RULES * 5) + 2)

/*
 * cv_cg_dev_program - the same meaning as BPF instructions, for a
 * BPF_PROG_TYPE_CGROUP_DEVICE program.  Returns the number of
 * instructions written to prog (at most max), or 0 if they do not fit.
 */
size_t cv_cg_dev_program(const struct cv_cg_dev_rule *rules, unsigned n, struct bpf_insn *prog,
			 size_t max);

#endif
