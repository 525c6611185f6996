/*
 * rlimits.h - the resource limits by the names OCI gives them without
 * "RLIMIT_" (lower case), as one list: identity.c sets them, and the
 * tests' probe, which must stay free of the steps' libraries, reads them.
 *
 *     #define X(name, resource) {name, resource},
 *     CV_RLIMITS(X)
 */
#ifndef CV_SEC_RLIMITS_H
#define CV_SEC_RLIMITS_H

#include <sys/resource.h>

#define CV_RLIMITS(X)                                                                              \
	X("cpu", RLIMIT_CPU)                                                                       \
	X("fsize", RLIMIT_FSIZE)                                                                   \
	X("data", RLIMIT_DATA)                                                                     \
	X("stack", RLIMIT_STACK)                                                                   \
	X("core", RLIMIT_CORE)                                                                     \
	X("rss", RLIMIT_RSS)                                                                       \
	X("nproc", RLIMIT_NPROC)                                                                   \
	X("nofile", RLIMIT_NOFILE)                                                                 \
	X("memlock", RLIMIT_MEMLOCK)                                                               \
	X("as", RLIMIT_AS)                                                                         \
	X("locks", RLIMIT_LOCKS)                                                                   \
	X("sigpending", RLIMIT_SIGPENDING)                                                         \
	X("msgqueue", RLIMIT_MSGQUEUE)                                                             \
	X("nice", RLIMIT_NICE)                                                                     \
	X("rtprio", RLIMIT_RTPRIO)                                                                 \
	X("rttime", RLIMIT_RTTIME)

#endif
