/*
 * fault.h - named points of create where a test build of the runtime can
 * die, to show that `delete --force` cleans up whatever a crash leaves.
 *
 * Only build/tests/containerv-faults (fault.c built with CV_FAULTS) acts
 * on them: with CV_FAULT=POINT in its environment it SIGKILLs itself when
 * create reaches POINT.  bin/containerv and the library compile the calls
 * to nothing that reads the environment.  The points, in create's order:
 *
 *   after-state       the state directory and state.json exist
 *   after-cgroup      the cgroup exists, its limits are set (and, for a
 *                     container with no mount namespace, its rootfs is
 *                     bound in ours)
 *   after-namespaces  the init exists in its namespaces and cgroup (its
 *                     pid not yet in state.json)
 *   after-mounts      the init has made the container's mounts and waits
 *                     for the hooks, before pivot_root
 *   before-exec       the init reported "created": it waits at exec.fifo,
 *                     one exec from the program; the state still says
 *                     "creating"
 */
#ifndef CV_RT_FAULT_H
#define CV_RT_FAULT_H

/* cv_fault - die here if CV_FAULT names point; NULL checks the name only
 * (an unknown one is an error, exit 2), before anything is made. */
void cv_fault(const char *point);

#endif
