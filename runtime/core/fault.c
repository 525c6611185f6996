/*
 * fault.c - die at a named point (see fault.h).  Built twice: without
 * CV_FAULTS (the runtime and the library) cv_fault() does nothing; with it
 * (build/tests/containerv-faults) it reads CV_FAULT.
 *
 * The death is SIGKILL, sent to ourselves: no handler, no atexit, no
 * unwinding runs - what a crash, the OOM killer or `kill -9` leaves is
 * what is left, and delete must cope with exactly that.  A compile-time
 * switch, not an environment check in every build: the real runtime must
 * not be killable at will by whoever sets its environment.
 */
#include "runtime/core/fault.h"

#ifdef CV_FAULTS
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const points[] = {"after-state",  "after-cgroup", "after-namespaces",
				     "after-mounts", "before-exec",  NULL};

void cv_fault(const char *point)
{
	const char *want = getenv("CV_FAULT");
	const char *const *p;

	if (!want || !*want)
		return;
	for (p = points; *p && strcmp(*p, want); p++)
		;
	/* a misspelt point would never be reached, and its test would pass: refused */
	if (!*p) {
		fprintf(stderr, "containerv: CV_FAULT=%s: no such point (", want);
		for (p = points; *p; p++)
			fprintf(stderr, "%s%s", *p, p[1] ? ", " : ")\n");
		_exit(2);
	}
	if (!point || strcmp(want, point))
		return; /* NULL: only check the name, before anything is made */
	/* said first: the test knows from this line that the point was reached */
	fprintf(stderr, "containerv: CV_FAULT: killed at %s\n", point);
	kill(getpid(), SIGKILL);
}
#else
void cv_fault(const char *point)
{
	(void)point;
}
#endif
