/*
 * child.c - wait for a child, forwarding signals (see child.h).
 */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

#include "common/child.h"

static volatile pid_t waited;
static volatile sig_atomic_t interrupts;

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
