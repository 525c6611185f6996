/*
 * child.c - wait for a child, forwarding signals (see child.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>

#include "common/child.h"

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
	for (int i = 0; i < 4; i++)
		sigaction(sigs[i], &sa, &old[i]);
	if (deferred && deferred != SIGPIPE)
		forward(deferred); /* it came before the wait: the child must hear of it too */
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

static void note(int sig)
{
	if (getpid() != deferring) { /* a child before execve(): as if we were not here */
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	if (!deferred)
		deferred = sig;
}

void cv_defer_signals(void)
{
	/* SA_RESTART: a write or a wait it interrupts goes on; the demo checks later */
	struct sigaction sa = {.sa_handler = note, .sa_flags = SA_RESTART}, old;

	deferring = getpid();
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
	fflush(NULL);
	signal(sig, SIG_DFL);
	raise(sig); /* the default action: death, once it is delivered (it is not blocked) */
}
