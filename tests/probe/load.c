/*
 * load.c - cv-load: workloads with a known shape, for tests and demos of
 * limits.  Each prints one line saying what it managed to do.
 *
 *   cv-load mem SIZE        allocate and touch SIZE bytes (K, M, G suffixes)
 *   cv-load hold SIZE       the same, then wait (until killed) holding it
 *   cv-load fork N          fork N children that wait; report how many forks
 *                           succeeded and the error that stopped the rest
 *   cv-load spin SECS       burn CPU for SECS seconds of wall-clock time
 *   cv-load burn SECS       burn SECS seconds of CPU time (however long that takes
 *                           on a busy machine)
 *   cv-load sigdfl CMD...   run CMD with every signal's default action back (a
 *                           script's background job ignores SIGINT; busybox's env
 *                           has no --default-signal)
 *   cv-load count FILE      forever: 1, 2, 3, ... into FILE (and FILE.tmp) every 10 ms
 *   cv-load open PATH       open PATH read-only; print "ok" or the error name
 *   cv-load write PATH      create or truncate PATH and write to it; the same
 *   cv-load read DEV SIZE   read SIZE bytes of block device DEV with O_DIRECT (past
 *                           the page cache); print the bytes and the seconds taken
 *   cv-load cpus            the CPUs it may run on (sched_getaffinity), as 0-1,3
 *   cv-load sys NAME [ARG...]  make system call NAME (a number, or a string's
 *                           address, per argument); print "ok RET" or the error
 *                           name: what a seccomp filter answered
 *
 * Linked statically: it runs in a rootfs that has nothing else.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double clock_now(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now(void)
{
	return clock_now(CLOCK_MONOTONIC);
}

static unsigned long long parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	switch (*end) {
	case 'G':
	case 'g':
		v <<= 10; /* fall through */
	case 'M':
	case 'm':
		v <<= 10; /* fall through */
	case 'K':
	case 'k':
		v <<= 10;
	}
	return v;
}

static int mem(const char *size, bool hold)
{
	unsigned long long want = parse_size(size), chunk = 1 << 20, got = 0;

	while (got < want) {
		char *p =
		    mmap(NULL, chunk, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			printf("allocated %llu MiB, then %s\n", got >> 20, strerrorname_np(errno));
			return 1;
		}
		memset(p, 0x5a, chunk); /* touch every page: only then is it charged */
		got += chunk;
	}
	printf("allocated %llu MiB\n", got >> 20);
	while (hold)
		pause();
	return 0;
}

static int forks(const char *count)
{
	int n = atoi(count), made = 0, error = 0;
	pid_t *kids = calloc((size_t)n + 1, sizeof(pid_t));

	fflush(stdout);
	for (; made < n; made++) {
		pid_t pid = fork();
		if (pid < 0) {
			error = errno;
			break;
		}
		if (pid == 0) {
			pause();
			_exit(0);
		}
		kids[made] = pid;
	}
	if (error)
		printf("forked %d of %d, then %s\n", made, n, strerrorname_np(error));
	else
		printf("forked %d of %d\n", made, n);
	for (int i = 0; i < made; i++)
		kill(kids[i], SIGKILL);
	while (wait(NULL) > 0)
		;
	return error ? 1 : 0;
}

/* Until SECS of `clock` have passed: wall-clock (spin) or this process's CPU time (burn). */
static int spin(const char *secs, clockid_t clock)
{
	double end = clock_now(clock) + atof(secs);
	unsigned long long loops = 0;

	while (clock_now(clock) < end)
		loops++;
	printf("spun %llu loops\n", loops);
	return 0;
}

static int sigdfl(char **cmd)
{
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	execvp(cmd[0], cmd);
	perror(cmd[0]);
	return 127;
}

static int count(const char *file)
{
	char tmp[4096];

	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	for (unsigned long long i = 1;; i++) {
		char buf[32];
		int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		int n = snprintf(buf, sizeof(buf), "%llu\n", i);

		/* write, then rename: a reader never sees a half-written number */
		if (fd < 0 || write(fd, buf, (size_t)n) != n || close(fd) < 0 ||
		    rename(tmp, file) < 0) {
			perror(file);
			return 1;
		}
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
	}
}

static int try_open(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	printf("%s\n", fd >= 0 ? "ok" : strerrorname_np(errno));
	return fd >= 0 ? 0 : 1;
}

static int try_write(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int ok = fd >= 0 && write(fd, "x\n", 2) == 2;

	printf("%s\n", ok ? "ok" : strerrorname_np(errno));
	if (fd >= 0)
		close(fd);
	return ok ? 0 : 1;
}

#define S(name)                                                                                    \
	{                                                                                          \
#name, SYS_##name                                                                  \
	}
static const struct {
	const char *name;
	long nr;
} syscalls[] = {
    S(getpid),          S(getppid),      S(gettid),
    S(uname),           S(unshare),      S(setns),
    S(keyctl),          S(add_key),      S(request_key),
    S(mount),           S(umount2),      S(pivot_root),
    S(chroot),          S(personality),  S(mkdir),
    S(rmdir),           S(bpf),          S(userfaultfd),
    S(perf_event_open), S(kexec_load),   S(reboot),
    S(init_module),     S(finit_module), S(open_by_handle_at),
    S(clone3),          S(socket),       S(io_uring_setup),
    S(fsopen),          S(ptrace),       S(syslog),
    S(settimeofday),    S(swapon),       S(acct),
    S(getcwd),          S(setuid),       S(capset),
    S(sethostname),
#ifdef __x86_64__ /* newer than these headers: x86-64 numbers */
    {"fchmodat2", 452}, {"mseal", 462},
#endif
};

static int sys(int argc, char **argv)
{
	long args[6] = {0}, r;

	for (size_t i = 0; i < sizeof(syscalls) / sizeof(syscalls[0]); i++) {
		if (strcmp(syscalls[i].name, argv[0]))
			continue;
		for (int a = 1; a < argc && a <= 6; a++) {
			char *end;
			args[a - 1] = (long)strtoull(argv[a], &end, 0);
			if (*end) /* not a number: the string itself */
				args[a - 1] = (long)argv[a];
		}
		r = syscall(syscalls[i].nr, args[0], args[1], args[2], args[3], args[4], args[5]);
		if (r < 0) {
			printf("%s\n", strerrorname_np(errno));
			return 1;
		}
		printf("ok %ld\n", r);
		return 0;
	}
	fprintf(stderr, "cv-load: sys: `%s` is not in the table (load.c)\n", argv[0]);
	return 2;
}

/* Read SIZE bytes of a block device, 64 KiB at a time, with O_DIRECT. */
static int read_device(const char *dev, const char *size)
{
	unsigned long long want = parse_size(size), done = 0;
	void *buf = NULL;
	double t0 = now();
	int fd = open(dev, O_RDONLY | O_DIRECT);

	if (fd < 0 || posix_memalign(&buf, 4096, 65536) != 0) {
		printf("%s\n", strerrorname_np(errno));
		return 1;
	}
	while (done < want) {
		ssize_t n = pread(fd, buf, 65536, (off_t)(done % (16ULL << 20)));
		if (n <= 0) {
			printf("%s after %llu bytes\n", n < 0 ? strerrorname_np(errno) : "EOF",
			       done);
			return 1;
		}
		done += (unsigned long long)n;
	}
	printf("read %llu bytes in %.2f s\n", done, now() - t0);
	return 0;
}

/* The CPUs this process may run on, as a list: "0-1", "0", "0,2-3". */
static int cpus(void)
{
	cpu_set_t set;
	int first = -1;
	bool any = false;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return printf("%s\n", strerrorname_np(errno)), 1;
	for (int c = 0; c <= CPU_SETSIZE; c++) {
		bool in = c < CPU_SETSIZE && CPU_ISSET(c, &set);
		if (in && first < 0)
			first = c;
		if (!in && first >= 0) {
			printf(c - 1 > first ? "%s%d-%d" : "%s%d", any ? "," : "", first, c - 1);
			any = true;
			first = -1;
		}
	}
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "mem"))
		return mem(argv[2], false);
	if (argc == 3 && !strcmp(argv[1], "hold"))
		return mem(argv[2], true);
	if (argc == 3 && !strcmp(argv[1], "fork"))
		return forks(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "spin"))
		return spin(argv[2], CLOCK_MONOTONIC);
	if (argc >= 3 && !strcmp(argv[1], "sigdfl"))
		return sigdfl(argv + 2);
	if (argc == 3 && !strcmp(argv[1], "burn"))
		return spin(argv[2], CLOCK_PROCESS_CPUTIME_ID);
	if (argc == 3 && !strcmp(argv[1], "count"))
		return count(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "open"))
		return try_open(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "write"))
		return try_write(argv[2]);
	if (argc >= 3 && !strcmp(argv[1], "sys"))
		return sys(argc - 2, argv + 2);
	if (argc == 4 && !strcmp(argv[1], "read"))
		return read_device(argv[2], argv[3]);
	if (argc == 2 && !strcmp(argv[1], "cpus"))
		return cpus();
	fprintf(stderr, "usage: cv-load mem SIZE | hold SIZE | fork N | spin SECS | burn SECS | "
			"sigdfl CMD... | "
			"count FILE | "
			"open PATH | write PATH | read DEV SIZE | cpus | sys NAME [ARG...]\n");
	return 2;
}
