/*
 * probe.c - what does a process see?  Tests run this inside containers.
 *
 *   cv-probe               every fact, one "key=value" line each
 *   cv-probe KEY [KEY...]  just those values, one per line
 *
 * Keys: pid ppid hostname domainname uid euid gid groups uid_map gid_map
 * cap_inh cap_prm cap_eff cap_bnd cap_amb no_new_privs seccomp cgroup
 * mounts fds (open above 2, N:target) cwd comm oom_score_adj netdevs monotonic boottime ns:TYPE (TYPE: user mnt uts ipc pid
 * net cgroup time) rlimit:NAME (NAME: cpu fsize data stack core rss nproc
 * nofile memlock as locks sigpending msgqueue nice rtprio rttime, as
 * "soft:hard").  Multi-line facts are joined with ";".
 *
 * It is linked statically and reads only /proc and system calls, so it
 * works in a rootfs that has nothing else.
 */
#include <dirent.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "05-security/rlimits.h"

/* Every key, in the order a bare `cv-probe` prints them. */
static const char keys[] =
    "pid ppid hostname domainname uid euid gid groups uid_map gid_map cap_inh cap_prm cap_eff "
    "cap_bnd cap_amb no_new_privs seccomp cgroup mounts fds cwd comm oom_score_adj netdevs "
    "monotonic boottime ns:user "
    "ns:mnt ns:uts ns:ipc ns:pid ns:net ns:cgroup ns:time rlimit:nofile rlimit:nproc "
    "rlimit:core rlimit:stack rlimit:as rlimit:memlock rlimit:cpu rlimit:fsize rlimit:data "
    "rlimit:rss rlimit:locks rlimit:sigpending rlimit:msgqueue rlimit:nice rlimit:rtprio "
    "rlimit:rttime";

static const struct {
	const char *name;
	int resource;
} rlimits[] = {
#define X(name, resource) {name, resource},
    CV_RLIMITS(X)
#undef X
};

/* A whole small file, lines joined with ';', trailing newline dropped. */
static void print_file_joined(const char *path)
{
	char buf[16384];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	if (n < 0) {
		printf("?");
		return;
	}
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	for (char *p = buf; *p; p++)
		if (*p == '\n')
			*p = ';';
	/* uid_map lines are padded with runs of spaces: squeeze them */
	for (char *p = buf, *q = buf;; p++) {
		if (*p == ' ' && (q == buf || q[-1] == ' ' || q[-1] == ';'))
			continue;
		*q++ = *p;
		if (!*p)
			break;
	}
	printf("%s", buf);
}

/* The value of "Field:" in /proc/self/status. */
static void print_status(const char *field)
{
	char line[512];
	size_t len = strlen(field);
	FILE *f = fopen("/proc/self/status", "re");

	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, field, len) && line[len] == ':') {
			char *v = line + len + 1;
			v += strspn(v, " \t");
			v[strcspn(v, "\n")] = '\0';
			printf("%s", v);
			break;
		}
	}
	if (f)
		fclose(f);
}

/* Mount points from /proc/self/mountinfo (field 5), space-separated. */
static void print_mounts(void)
{
	char line[4096], mnt[4096];
	FILE *f = fopen("/proc/self/mountinfo", "re");
	const char *sep = "";

	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1) {
			printf("%s%s", sep, mnt);
			sep = " ";
		}
	}
	if (f)
		fclose(f);
}

static void print_clock(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	printf("%lld.%03ld", (long long)ts.tv_sec, ts.tv_nsec / 1000000);
}

static void print_netdevs(void)
{
	struct if_nameindex *ifs = if_nameindex();
	const char *sep = "";

	for (struct if_nameindex *i = ifs; i && i->if_index; i++) {
		printf("%s%s", sep, i->if_name);
		sep = " ";
	}
	if (ifs)
		if_freenameindex(ifs);
}

static void print_limit(const char *name)
{
	for (size_t i = 0; i < sizeof(rlimits) / sizeof(rlimits[0]); i++) {
		struct rlimit rl;
		if (strcmp(rlimits[i].name, name) || getrlimit(rlimits[i].resource, &rl) < 0)
			continue;
		if (rl.rlim_cur == RLIM_INFINITY)
			printf("unlimited:");
		else
			printf("%llu:", (unsigned long long)rl.rlim_cur);
		if (rl.rlim_max == RLIM_INFINITY)
			printf("unlimited");
		else
			printf("%llu", (unsigned long long)rl.rlim_max);
		return;
	}
	printf("?");
}

/* Open descriptors above 2, as "N:target" (the one reading the directory left out). */
static void print_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	const char *sep = "";

	while (d && (e = readdir(d))) {
		char path[64], target[256];
		ssize_t n;
		int fd = atoi(e->d_name);
		if (e->d_name[0] == '.' || fd <= 2 || fd == dirfd(d))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		printf("%s%d:%s", sep, fd, target);
		sep = " ";
	}
	if (d)
		closedir(d);
}

static void print_groups(void)
{
	gid_t groups[256];
	int n = getgroups(256, groups);

	for (int i = 0; i < n; i++)
		printf("%s%u", i ? " " : "", (unsigned)groups[i]);
}

/* Print the value of one key; returns -1 for a key that does not exist. */
static int print_value(const char *key)
{
	struct utsname u;
	char path[4096];

	uname(&u);
	if (!strcmp(key, "pid"))
		printf("%d", (int)getpid());
	else if (!strcmp(key, "ppid"))
		printf("%d", (int)getppid());
	else if (!strcmp(key, "hostname"))
		printf("%s", u.nodename);
	else if (!strcmp(key, "domainname"))
		printf("%s", u.domainname);
	else if (!strcmp(key, "uid"))
		printf("%u", (unsigned)getuid());
	else if (!strcmp(key, "euid"))
		printf("%u", (unsigned)geteuid());
	else if (!strcmp(key, "gid"))
		printf("%u", (unsigned)getgid());
	else if (!strcmp(key, "groups"))
		print_groups();
	else if (!strcmp(key, "uid_map") || !strcmp(key, "gid_map") || !strcmp(key, "cgroup")) {
		snprintf(path, sizeof(path), "/proc/self/%s", key);
		print_file_joined(path);
	} else if (!strncmp(key, "cap_", 4)) {
		char field[16] = "Cap";
		field[3] = (char)(key[4] - 32); /* cap_eff -> CapEff */
		strncpy(field + 4, key + 5, sizeof(field) - 5);
		print_status(field);
	} else if (!strcmp(key, "no_new_privs"))
		print_status("NoNewPrivs");
	else if (!strcmp(key, "seccomp"))
		print_status("Seccomp");
	else if (!strcmp(key, "mounts"))
		print_mounts();
	else if (!strcmp(key, "fds"))
		print_fds();
	else if (!strcmp(key, "cwd"))
		printf("%s", getcwd(path, sizeof(path)) ? path : "?");
	else if (!strcmp(key, "comm"))
		print_file_joined("/proc/self/comm");
	else if (!strcmp(key, "oom_score_adj"))
		print_file_joined("/proc/self/oom_score_adj");
	else if (!strcmp(key, "netdevs"))
		print_netdevs();
	else if (!strcmp(key, "monotonic"))
		print_clock(CLOCK_MONOTONIC);
	else if (!strcmp(key, "boottime"))
		print_clock(CLOCK_BOOTTIME);
	else if (!strncmp(key, "ns:", 3)) {
		struct stat st;
		snprintf(path, sizeof(path), "/proc/self/ns/%s", key + 3);
		if (stat(path, &st) < 0)
			return -1;
		printf("%lu", (unsigned long)st.st_ino);
	} else if (!strncmp(key, "rlimit:", 7))
		print_limit(key + 7);
	else
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: cv-probe [KEY...]\nkeys: %s\n", keys);
		return 0;
	}
	if (argc == 1) {
		char all[sizeof(keys)];

		memcpy(all, keys, sizeof(keys));
		for (char *k = strtok(all, " "); k; k = strtok(NULL, " ")) {
			printf("%s=", k);
			print_value(k);
			printf("\n");
		}
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		if (print_value(argv[i]) < 0) {
			fflush(stdout);
			fprintf(stderr, "cv-probe: unknown key `%s` (cv-probe --help lists them)\n",
				argv[i]);
			return 2;
		}
		printf("\n");
	}
	return 0;
}
