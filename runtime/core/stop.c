/*
 * stop.c - SIGTERM, SIGINT and SIGHUP while create works (see stop.h).
 *
 * A runtime told to stop half-way (systemd or a shell stopping it, ^C, a
 * closed terminal) must not leave half a container: the state directory,
 * the cgroups, the init, a hook still running.  So while create works
 * these signals only note themselves (the handler writes a byte down a
 * pipe, which every long wait - the init's messages, a hook - polls
 * beside what it waits for: a wait cannot miss it, as it could a flag
 * checked just before blocking); create then fails as for any error,
 * undoing everything, and at the end the caller's handlers are put back
 * and the signal raised again: by default the process dies of it, as it
 * would have without us, with the exit status shells and supervisors
 * expect (143, 130, 129) - only later, and with nothing left behind.
 *
 * A signal ignored when create began stays ignored (nohup, a background
 * job of a script).  Children inherit the handler until they execve(): in
 * them (the init, a hook not yet executed) it does what the signal would
 * have done (the pid tells them apart).  Blocking the signals instead
 * would not do: the init would inherit the blocked mask, and pass it to
 * the container's program.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "runtime/core/stop.h"

static const int stop_signals[] = {SIGTERM, SIGINT, SIGHUP};
#define N_STOP (sizeof(stop_signals) / sizeof(stop_signals[0]))

static struct {
	volatile sig_atomic_t sig; /* the first that came; 0: none */
	bool armed;
	pid_t owner; /* the process running create */
	int pipe[2]; /* readable once a signal came */
	bool caught[N_STOP];
	struct sigaction old[N_STOP];
	sigset_t mask; /* the caller's */
} stop = {.pipe = {-1, -1}};

int cv_stop_fd = -1;

static void on_stop(int sig)
{
	int saved = errno;

	if (getpid() != stop.owner) { /* a child not yet executed: as if we were not here */
		signal(sig, SIG_DFL);
		raise(sig); /* delivered, with the default action, once this returns */
	} else {
		if (!stop.sig)
			stop.sig = sig;
		(void)!write(stop.pipe[1], "", 1); /* non-blocking: a full pipe says it already */
	}
	errno = saved;
}

/* The stop signals as a set. */
static void stop_set(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < N_STOP; i++)
		sigaddset(set, stop_signals[i]);
}

int cv_stop_arm(struct cv_err *err)
{
	/* SA_RESTART: what a signal interrupts simply resumes - the waits that
	 * must end poll the pipe, they do not count on EINTR */
	struct sigaction sa = {.sa_handler = on_stop, .sa_flags = SA_RESTART};

	if (pipe2(stop.pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return cv_err_sys(err, "pipe2()");
	stop.sig = 0;
	stop.owner = getpid();
	stop_set(&sa.sa_mask);
	sigprocmask(SIG_SETMASK, NULL, &stop.mask);
	for (size_t i = 0; i < N_STOP; i++) {
		sigaction(stop_signals[i], NULL, &stop.old[i]);
		stop.caught[i] = stop.old[i].sa_handler != SIG_IGN;
		if (stop.caught[i])
			sigaction(stop_signals[i], &sa, NULL);
	}
	cv_stop_fd = stop.pipe[0];
	stop.armed = true;
	return 0;
}

int cv_stop_check(struct cv_err *err)
{
	if (!stop.sig)
		return 0;
	cv_err_set(err, EINTR,
		   "create interrupted by SIG%s: what it had made of the container is removed",
		   sigabbrev_np(stop.sig));
	return -EINTR;
}

int cv_stop_final(struct cv_err *err)
{
	sigset_t set;

	/* from "created" on, a signal is one that came after create: it must not undo
	 * it, and waits, blocked, for the caller's handlers (cv_stop_disarm) */
	stop_set(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	return cv_stop_check(err);
}

void cv_stop_disarm(const struct cv_err *err)
{
	sigset_t set;

	if (!stop.armed)
		return;
	stop_set(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (size_t i = 0; i < N_STOP; i++)
		if (stop.caught[i])
			sigaction(stop_signals[i], &stop.old[i], NULL);
	cv_stop_fd = -1;
	close(stop.pipe[0]);
	close(stop.pipe[1]);
	stop.pipe[0] = stop.pipe[1] = -1;
	stop.armed = false;
	/* by default the signal kills us as soon as it is let in: nobody is left to
	 * say why create failed, so it is said here, first */
	for (size_t i = 0; stop.sig && i < N_STOP; i++)
		if (stop_signals[i] == stop.sig && stop.old[i].sa_handler == SIG_DFL)
			cv_err_print(err, program_invocation_short_name);
	if (stop.sig) /* pending until the caller's mask lets it in */
		raise(stop.sig);
	sigprocmask(SIG_SETMASK, &stop.mask, NULL);
}
