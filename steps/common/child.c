/*
 * child.c - wait for a child, forwarding signals (see child.h).
 *
 * A demo's command runs in its child, and a signal meant for the command
 * often reaches only the demo: `kill PID` names one process, and a
 * terminal's ^C reaches the child only while it is in the terminal's
 * foreground process group.  So while it waits the demo catches SIGINT,
 * SIGTERM, SIGHUP and SIGQUIT and passes each on.  A child that is pid 1 of its own
 * pid namespace gets only the signals it has a handler for, SIGKILL and
 * SIGSTOP from outside aside (pid_namespaces(7)): a second SIGINT or
 * SIGTERM is therefore sent as SIGKILL, so that asking twice always works.
 *
 * Deferring is the other half: between making something outside itself
 * and removing it, a demo must not die half-way.  Its handler only notes
 * the signal in a sig_atomic_t (all a handler may safely do), and the
 * demo raises it again once it has cleaned up.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>

#include "common/child.h"

/* Read by the handlers: volatile, and set before they are installed. */
static volatile pid_t waited;
static volatile sig_atomic_t interrupts;

static const int deferrable[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
static volatile sig_atomic_t deferred; /* the first that came; 0: none */
static pid_t deferring;                /* the demo's pid: its children are not deferring */

static void forward(int sig)
{
	if ((sig == SIGINT || sig == SIGTERM) && ++interrupts >= 2)
		sig = SIGKILL;
	kill(waited, sig);
}

int cv_wait_forwarding(pid_t pid, int *signo)
{
	struct sigaction sa = {.sa_handler = forward}, old[4];
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
	int status = 0, r;

	waited = pid;
	interrupts = 0;
	/* only for the wait: the caller's own handlers (old[]) come back after it */
	for (int i = 0; i < 4; i++)
		sigaction(sigs[i], &sa, &old[i]);
	/* not SIGPIPE: that one was the demo's own write to a closed pipe */
	if (deferred && deferred != SIGPIPE)
		forward(deferred); /* it came before the wait: the child must hear of it too */
	/* no SA_RESTART above: each forwarded signal ends waitpid with EINTR */
	while ((r = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	for (int i = 0; i < 4; i++)
		sigaction(sigs[i], &old[i], NULL);
	if (signo)
		*signo = r > 0 && WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	if (r < 0)
		return 1;
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

/*
 * The handler while deferring.  fork() and clone() copy it into children,
 * and only execve() resets it: a child that has not exec'd yet must die
 * of the signal as the program it was about to become would.
 */
static void note(int sig)
{
	if (getpid() != deferring) { /* a child before execve(): as if we were not here */
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	/* the first only: a second one during the cleanup does not replace it */
	if (!deferred)
		deferred = sig;
}

void cv_defer_signals(void)
{
	/* SA_RESTART: a write or a wait it interrupts goes on; the demo checks later */
	struct sigaction sa = {.sa_handler = note, .sa_flags = SA_RESTART}, old;

	deferring = getpid();
	/* ignored stays ignored: nohup, or a shell's background job without job
	 * control, ignores SIGHUP or SIGINT on purpose */
	for (size_t i = 0; i < sizeof(deferrable) / sizeof(deferrable[0]); i++)
		if (sigaction(deferrable[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(deferrable[i], &sa, NULL);
}

int cv_signal_pending(void)
{
	return deferred;
}

void cv_undefer_signals(void)
{
	struct sigaction old;

	/* only those still ours: a handler someone set since is theirs to keep */
	for (size_t i = 0; i < sizeof(deferrable) / sizeof(deferrable[0]); i++)
		if (sigaction(deferrable[i], NULL, &old) == 0 && old.sa_handler == note)
			signal(deferrable[i], SIG_DFL);
	cv_raise_deferred();
}

void cv_raise_deferred(void)
{
	int sig = deferred;

	if (!sig)
		return;
	fflush(NULL); /* death by a signal skips exit()'s flush of stdio */
	signal(sig, SIG_DFL);
	raise(sig); /* the default action: death, once it is delivered (it is not blocked) */
}
