/*
 * bench.c - the timing half of `make bench` (tests/bench/bench.sh is the
 * other): OCI runtimes started one after another on the same bundles,
 * interleaved A B C C B A so that neither the machine's warm-up nor its
 * drift favours one, and the kernel floor beside them.  Prints one JSON
 * object per line:
 *
 *   {"runtime": "crun", "case": "run", "n": 50, "median_ms": 9.1, "min_ms": 8.2,
 *    "max_ms": 14.0, "failures": 0, "peak_rss_kb": 2100}
 *
 *   bench [-n N] [--private-cgroups] --bundle B --bundle-sleep B2 --rootfs R RUNTIME...
 *
 * --private-cgroups first moves into a mount namespace of its own whose
 * /sys/fs/cgroup shows the v1 hierarchies only (cgroup2 at unified/
 * unmounted): crun 1.8 refuses this host's hybrid layout, so every runtime
 * is measured on the same, v1-only, view.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RT 4
#define MAX_N  1000

extern char **environ;

struct sample {
	double ms[MAX_N];
	int n, failures;
	long peak_rss_kb;
};

static const char *bundle, *bundle_sleep, *rootfs;
static char roots[MAX_RT][64];

/*
 * The container exec goes into, one per runtime (its state root's name in
 * its id): each has a cgroup of its own, /containerv/ID for containerv, and
 * a runtime may not take one another's container holds.
 */
static char *exec_id(const char *root)
{
	static char ids[MAX_RT][80];
	static int n;
	const char *base = strrchr(root, '/') + 1;

	for (int i = 0; i < n; i++)
		if (!strcmp(ids[i] + strlen("bench-exec-"), base))
			return ids[i];
	snprintf(ids[n], sizeof(ids[n]), "bench-exec-%s", base);
	return ids[n++];
}
static int seq;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Run argv with stdio on /dev/null; its exit status; its peak RSS in *rss_kb. */
static int spawn_wait(char *const *argv, long *rss_kb)
{
	posix_spawn_file_actions_t fa;
	struct rusage ru;
	int status = -1;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	for (int fd = 0; fd < 3; fd++)
		posix_spawn_file_actions_addopen(&fa, fd, "/dev/null", O_RDWR, 0);
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0)
		return -1;
	posix_spawn_file_actions_destroy(&fa);
	if (wait4(pid, &status, 0, &ru) < 0)
		return -1;
	if (rss_kb && ru.ru_maxrss > *rss_kb)
		*rss_kb = ru.ru_maxrss;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void add(struct sample *s, double ms, bool ok)
{
	if (s->n < MAX_N)
		s->ms[s->n++] = ms;
	s->failures += !ok;
}

/* One container's worth of a case, timed. */
static void one(const char *rt, const char *root, const char *which, struct sample *s)
{
	char id[32], *const *cmd;
	double t0 = now_ms();
	bool ok = true;

	snprintf(id, sizeof(id), "bench-%d-%d", getpid(), seq++);
	if (!strcmp(which, "run")) {
		char *const run[] = {(char *)rt, "--root",       (char *)root, "run",
				     "--bundle", (char *)bundle, id,           NULL};
		ok = spawn_wait(run, &s->peak_rss_kb) == 0;
	} else if (!strcmp(which, "create-start-delete")) {
		char *const create[] = {(char *)rt, "--root",       (char *)root, "create",
					"--bundle", (char *)bundle, id,           NULL};
		char *const start[] = {(char *)rt, "--root", (char *)root, "start", id, NULL};
		char *const del[] = {(char *)rt, "--root", (char *)root, "delete",
				     "--force",  id,       NULL};
		ok = spawn_wait(create, NULL) == 0 && spawn_wait(start, NULL) == 0;
		ok = spawn_wait(del, NULL) == 0 && ok;
	} else if (!strcmp(which, "run-d-delete")) {
		char *const run[] = {(char *)rt, "--root",   (char *)root,         "run",
				     "-d",       "--bundle", (char *)bundle_sleep, id,
				     NULL};
		char *const del[] = {(char *)rt, "--root", (char *)root, "delete",
				     "--force",  id,       NULL};
		ok = spawn_wait(run, NULL) == 0;
		ok = spawn_wait(del, NULL) == 0 && ok;
	} else { /* exec into bench-exec, started by the caller */
		char *const exec[] = {(char *)rt,    "--root",    (char *)root, "exec",
				      exec_id(root), "/bin/true", NULL};
		ok = spawn_wait(exec, NULL) == 0;
	}
	(void)cmd;
	add(s, now_ms() - t0, ok);
}

/* The kernel floor: the namespaces, pivot_root, /proc, exec /bin/true, wait - nothing else. */
static int floor_child(void)
{
	const int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS |
			  CLONE_NEWCGROUP;
	pid_t pid;
	int status;

	if (unshare(flags) < 0)
		return 1;
	if ((pid = fork()) == 0) {
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0 || chdir(rootfs) < 0 ||
		    syscall(SYS_pivot_root, ".", ".") < 0 || umount2(".", MNT_DETACH) < 0 ||
		    mount("proc", "/proc", "proc", 0, NULL) < 0)
			_exit(1);
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		       WEXITSTATUS(status) == 0
		   ? 0
		   : 1;
}

static void floor_once(struct sample *s)
{
	double t0 = now_ms();
	pid_t pid = fork();
	int status = -1;

	if (pid == 0)
		_exit(floor_child());
	waitpid(pid, &status, 0);
	add(s, now_ms() - t0, WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void report(const char *rt, const char *which, struct sample *s)
{
	qsort(s->ms, (size_t)s->n, sizeof(double), cmp);
	printf("{\"runtime\": \"%s\", \"case\": \"%s\", \"n\": %d, \"median_ms\": %.2f, "
	       "\"min_ms\": %.2f, \"max_ms\": %.2f, \"failures\": %d",
	       rt, which, s->n,
	       s->n ? (s->n % 2 ? s->ms[s->n / 2] : (s->ms[s->n / 2 - 1] + s->ms[s->n / 2]) / 2)
		    : 0,
	       s->n ? s->ms[0] : 0, s->n ? s->ms[s->n - 1] : 0, s->failures);
	if (s->peak_rss_kb)
		printf(", \"peak_rss_kb\": %ld", s->peak_rss_kb);
	printf("}\n");
	fflush(stdout);
}

static const char *name_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* 100 `run -d` at once, then 100 `delete --force` at once: the time, failures, leftovers. */
static void concurrent(const char *rt, const char *root, int count)
{
	pid_t pids[256];
	char ids[256][32];
	int failures = 0, status;
	double t0 = now_ms();
	posix_spawn_file_actions_t fa;

	posix_spawn_file_actions_init(&fa);
	for (int fd = 0; fd < 3; fd++)
		posix_spawn_file_actions_addopen(&fa, fd, "/dev/null", O_RDWR, 0);
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < count; i++) {
			char *const run[] = {(char *)rt, "--root",   (char *)root,         "run",
					     "-d",       "--bundle", (char *)bundle_sleep, ids[i],
					     NULL};
			char *const del[] = {(char *)rt, "--root", (char *)root, "delete",
					     "--force",  ids[i],   NULL};
			if (pass == 0)
				snprintf(ids[i], sizeof(ids[i]), "bench-c-%d-%d", getpid(), i);
			if (posix_spawn(&pids[i], rt, &fa, NULL, pass ? del : run, environ) != 0)
				pids[i] = -1;
		}
		for (int i = 0; i < count; i++)
			failures += pids[i] < 0 || waitpid(pids[i], &status, 0) < 0 ||
				    !WIFEXITED(status) || WEXITSTATUS(status) != 0;
	}
	posix_spawn_file_actions_destroy(&fa);
	printf("{\"runtime\": \"%s\", \"case\": \"concurrent-%d\", \"total_ms\": %.0f, "
	       "\"failures\": %d}\n",
	       name_of(rt), count, now_ms() - t0, failures);
	fflush(stdout);
}

/* A view of /sys/fs/cgroup with the v1 hierarchies only, for this process and its children. */
static int private_cgroups(void)
{
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		perror("bench: a private mount namespace");
		return -1;
	}
	if (umount2("/sys/fs/cgroup/unified", MNT_DETACH) < 0 && errno != EINVAL &&
	    errno != ENOENT) {
		perror("bench: umount /sys/fs/cgroup/unified");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const char *const cases[] = {"run", "create-start-delete", "run-d-delete", "exec"};
	static struct sample s[MAX_RT][4], fl;
	const char *rts[MAX_RT];
	int n = 50, nrt = 0, concurrency = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc)
			n = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--concurrent") && i + 1 < argc)
			concurrency = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--private-cgroups")) {
			if (private_cgroups() < 0)
				return 1;
		} else if (!strcmp(argv[i], "--bundle") && i + 1 < argc)
			bundle = argv[++i];
		else if (!strcmp(argv[i], "--bundle-sleep") && i + 1 < argc)
			bundle_sleep = argv[++i];
		else if (!strcmp(argv[i], "--rootfs") && i + 1 < argc)
			rootfs = argv[++i];
		else if (nrt < MAX_RT)
			rts[nrt++] = argv[i];
	}
	if (!bundle || !bundle_sleep || !rootfs || !nrt || n < 1 || n > MAX_N ||
	    concurrency > 256) {
		fprintf(stderr,
			"usage: bench [-n N] [--concurrent C] [--private-cgroups] --bundle B "
			"--bundle-sleep B2 --rootfs R RUNTIME...\n");
		return 2;
	}
	for (int r = 0; r < nrt; r++) {
		snprintf(roots[r], sizeof(roots[r]), "/tmp/cvbench-root-%d-%d", getpid(), r);
		mkdir(roots[r], 0700);
	}
	for (int c = 0; c < 4; c++) {
		if (!strcmp(cases[c], "exec"))
			for (int r = 0; r < nrt; r++) {
				char *const run[] = {(char *)rts[r],
						     "--root",
						     roots[r],
						     "run",
						     "-d",
						     "--bundle",
						     (char *)bundle_sleep,
						     exec_id(roots[r]),
						     NULL};
				spawn_wait(run, NULL);
			}
		for (int i = 0; i < n; i++) /* A B C, then C B A */
			for (int k = 0; k < nrt; k++) {
				int r = i % 2 ? nrt - 1 - k : k;
				one(rts[r], roots[r], cases[c], &s[r][c]);
			}
		for (int r = 0; r < nrt; r++) {
			if (!strcmp(cases[c], "exec")) {
				char *const del[] = {
				    (char *)rts[r], "--root",          roots[r], "delete",
				    "--force",      exec_id(roots[r]), NULL};
				spawn_wait(del, NULL);
			}
			report(name_of(rts[r]), cases[c], &s[r][c]);
		}
	}
	for (int i = 0; i < n; i++)
		floor_once(&fl);
	report("kernel-floor", "run", &fl);
	for (int r = 0; concurrency && r < nrt; r++)
		concurrent(rts[r], roots[r], concurrency);
	for (int r = 0; r < nrt; r++)
		rmdir(roots[r]); /* empty unless a runtime left state behind: bench.sh says so */
	return 0;
}
