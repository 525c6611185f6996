/*
 * seal.h - the runtime's own binary, out of every container's reach
 * (CVE-2019-5736).
 *
 * The processes the runtime starts in a container - the init, exec's
 * tenants - are clones of the runtime: until they execve the container's
 * program, /proc/PID/exe is the runtime's binary.  A process in the same
 * pid namespace (an exec, a startContainer hook, a sibling of a pod) that
 * may open that link holds a descriptor of the host's file; once nothing
 * executes the file any more, a reopen of /proc/self/fd/N for writing
 * succeeds, and the next `containerv` anyone runs is the attacker's.
 * Checking the program the container runs (execve.c) cannot prevent that:
 * the link is there whatever runs later.
 *
 * So every command that makes a process in a container runs from a binary
 * that cannot be written, whatever reaches it:
 *
 *   1. sealed already: the binary is on a read-only mount, or is a memfd
 *      sealed against writing - nothing to do, at no cost;
 *   2. else a bind mount of the binary alone, made read-only and attached
 *      to no mount table (open_tree(2) OPEN_TREE_CLONE, mount_setattr(2)),
 *      and the runtime executed again from it (execveat(2)): a reopen for
 *      writing fails with EROFS, and a mount in no namespace cannot be
 *      remounted.  One execve; nothing is copied.  Needs CAP_SYS_ADMIN
 *      over the runtime's mount namespace (root, or rootless inside a user
 *      namespace of its own);
 *   3. else a copy in a memfd sealed against writing, shrinking and
 *      growing, executed (runc's first answer): the copy is what the
 *      container can reach, and it cannot be changed.
 *
 * runc executes a sealed copy or an overlay of itself for the same reason;
 * crun a sealed copy.
 */
#ifndef CV_RT_SEAL_H
#define CV_RT_SEAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/err.h"

/*
 * cv_seal_self - return 0 when this process runs from a sealed binary;
 * otherwise execute argv again, with the environment, from a sealed one
 * (2, then 3 above), and do not return.  -errno with err set when neither
 * works.  The second run finds itself sealed; CV_SEALED in the
 * environment marks it, so a seal that did not take fails instead of
 * looping.  Call before anything is made: the process is replaced.
 */
int cv_seal_self(char **argv, struct cv_err *err);

/* cv_seal_check - is the file behind fd read-only for everyone (mount or seals)? */
bool cv_seal_check(int fd);

/*
 * cv_seal_origin - when this process runs from a sealed copy (way 3), the
 * device and inode of the binary it was started from: a container must
 * not run that file either.  false when there was no copy.
 */
bool cv_seal_origin(dev_t *dev, ino_t *ino);

#endif
