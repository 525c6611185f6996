/*
 * mounts.c - parsing OCI mount entries (see mounts.h), and the standard
 * list every container gets; apply.c makes them inside a rootfs.
 *
 * An OCI entry spells its options as mount(8) does, one word each.  The
 * kernel has no such list: mount(2) takes the VFS's flags as MS_* bits,
 * the filesystem's options as a string it hands on to that filesystem
 * unread, and propagation as a call of its own.  So each word is sorted
 * here into one of those three, or into what the runtime does itself
 * (bind, rbind, rro, tmpcopyup), and an unknown word is refused rather
 * than passed on: most filesystems would refuse it later, in the child,
 * with nothing but EINVAL to say which word it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "03-rootfs/mounts.h"
#include "03-rootfs/resolve.h"
#include "common/args.h"
#include "common/cleanup.h"
#include "common/file.h"
#include "common/probe.h"
#include "common/syscalls.h"
#include "common/trace.h"

/* VFS flags: set (or, with `clear`, cleared) by a word. */
static const struct {
	const char *name;
	unsigned long flag;
	bool clear;
} flag_words[] = {
    {"ro", MS_RDONLY, false},
    {"rw", MS_RDONLY, true},
    {"nosuid", MS_NOSUID, false},
    {"suid", MS_NOSUID, true},
    {"nodev", MS_NODEV, false},
    {"dev", MS_NODEV, true},
    {"noexec", MS_NOEXEC, false},
    {"exec", MS_NOEXEC, true},
    {"sync", MS_SYNCHRONOUS, false},
    {"async", MS_SYNCHRONOUS, true},
    {"dirsync", MS_DIRSYNC, false},
    {"remount", MS_REMOUNT, false},
    {"mand", MS_MANDLOCK, false},
    {"nomand", MS_MANDLOCK, true},
    {"noatime", MS_NOATIME, false},
    {"atime", MS_NOATIME, true},
    {"nodiratime", MS_NODIRATIME, false},
    {"diratime", MS_NODIRATIME, true},
    {"relatime", MS_RELATIME, false},
    {"norelatime", MS_RELATIME, true},
    {"strictatime", MS_STRICTATIME, false},
    {"nostrictatime", MS_STRICTATIME, true},
    {"lazytime", MS_LAZYTIME, false},
    {"nolazytime", MS_LAZYTIME, true},
    {"silent", MS_SILENT, false},
    {"loud", MS_SILENT, true},
    {"defaults", 0, false},
};

static const struct {
	const char *name;
	unsigned long propagation;
} propagation_words[] = {
    {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

/*
 * Words that are the filesystem's own, without a value: passed in data as
 * they are (devpts' newinstance, overlay's userxattr, ext4's acl...).
 */
static const char *const data_words[] = {"newinstance", "userxattr",    "acl", "noacl",
					 "user_xattr",  "nouser_xattr", NULL};

const char *const cv_mount_option_words[] = {
    "ro",        "rw",         "nosuid",      "suid",          "nodev",        "dev",
    "noexec",    "exec",       "sync",        "async",         "dirsync",      "remount",
    "mand",      "nomand",     "noatime",     "atime",         "nodiratime",   "diratime",
    "relatime",  "norelatime", "strictatime", "nostrictatime", "lazytime",     "nolazytime",
    "silent",    "loud",       "defaults",    "private",       "rprivate",     "shared",
    "rshared",   "slave",      "rslave",      "unbindable",    "runbindable",  "bind",
    "rbind",     "rro",        "rrw",         "tmpcopyup",     "notmpcopyup",  "newinstance",
    "userxattr", "acl",        "noacl",       "user_xattr",    "nouser_xattr", NULL};

static int add_data(struct cv_mount *m, const char *word, struct cv_err *err)
{
	size_t len = strlen(m->data);

	if (len + strlen(word) + 2 > sizeof(m->data))
		return cv_err_set(err, E2BIG, "mount on %s: the options are too long",
				  m->destination);
	snprintf(m->data + len, sizeof(m->data) - len, "%s%s", len ? "," : "", word);
	return 0;
}

/* One option word: a flag, a propagation, a bind kind, or the filesystem's. */
static int parse_word(struct cv_mount *m, const char *word, struct cv_err *err)
{
	const char *close;

	for (size_t i = 0; i < sizeof(flag_words) / sizeof(flag_words[0]); i++)
		if (!strcmp(word, flag_words[i].name)) {
			if (flag_words[i].clear)
				m->flags &= ~flag_words[i].flag;
			else
				m->flags |= flag_words[i].flag;
			return 0;
		}
	for (size_t i = 0; i < sizeof(propagation_words) / sizeof(propagation_words[0]); i++)
		if (!strcmp(word, propagation_words[i].name)) {
			m->propagation = propagation_words[i].propagation;
			return 0;
		}
	if (!strcmp(word, "bind") || !strcmp(word, "rbind")) {
		m->bind = true;
		m->recursive |= word[0] == 'r';
		return 0;
	}
	if (!strcmp(word, "rro") || !strcmp(word, "rrw")) {
		m->recursive_ro = word[2] == 'o';
		return 0;
	}
	if (!strcmp(word, "tmpcopyup") || !strcmp(word, "notmpcopyup")) {
		m->copy_up = word[0] == 't';
		return 0;
	}
	for (size_t i = 0; data_words[i]; i++)
		if (!strcmp(word, data_words[i]))
			return add_data(m, word, err);
	if (strchr(word, '=') && word[0] != '=')
		return add_data(m, word, err);
	cv_err_set(err, EINVAL, "mount on %s: unknown mount option `%s`", m->destination, word);
	close = cv_closest(word, cv_mount_option_words);
	if (close)
		return cv_err_hint(err, "did you mean `%s`?", close);
	return cv_err_hint(err, "options are mount(8)'s (nosuid, ro, ...), propagation (rprivate, "
				"...), bind, rbind, rro, or the filesystem's own as key=value");
}

int cv_mount_parse(const char *type, const char *source, const char *destination,
		   const char *const *options, size_t n_options, struct cv_mount *m,
		   struct cv_err *err)
{
	memset(m, 0, sizeof(*m));
	if (!destination || destination[0] != '/') {
		cv_err_set(err, EINVAL, "mount destination `%s` is not an absolute path",
			   destination ? destination : "");
		return cv_err_hint(err,
				   "a destination is a path inside the container, as in /data");
	}
	if (snprintf(m->destination, sizeof(m->destination), "%s", destination) >=
		(int)sizeof(m->destination) ||
	    snprintf(m->source, sizeof(m->source), "%s", source ? source : "none") >=
		(int)sizeof(m->source))
		return cv_err_set(err, ENAMETOOLONG, "mount on %.64s: a path is too long",
				  destination);
	snprintf(m->type, sizeof(m->type), "%s", type && *type ? type : "bind");
	for (size_t i = 0; i < n_options; i++)
		if (parse_word(m, options[i], err) < 0)
			return -err->code;
	if (!strcmp(m->type, "bind") || !strcmp(m->type, "none"))
		m->bind = true;
	if (m->bind)
		snprintf(m->type, sizeof(m->type), "bind");
	if (m->copy_up && strcmp(m->type, "tmpfs")) {
		cv_err_set(err, EINVAL, "mount on %s: tmpcopyup is for tmpfs, not %s",
			   m->destination, m->type);
		return cv_err_hint(err, "leave the option out, or make the mount a tmpfs");
	}
	return 0;
}

int cv_mount_parse_csv(const char *type, const char *source, const char *destination,
		       const char *options, struct cv_mount *m, struct cv_err *err)
{
	char copy[1024], *words[64];
	size_t n = 0;

	snprintf(copy, sizeof(copy), "%s", options ? options : "");
	for (char *w = strtok(copy, ","); w && n < 64; w = strtok(NULL, ","))
		words[n++] = w;
	return cv_mount_parse(type, source, destination, (const char *const *)words, n, m, err);
}

const char *cv_mount_flags_str(unsigned long flags, char *buf, size_t size)
{
	static const struct {
		unsigned long flag;
		const char *name;
	} names[] = {{MS_RDONLY, "MS_RDONLY"},     {MS_NOSUID, "MS_NOSUID"},
		     {MS_NODEV, "MS_NODEV"},       {MS_NOEXEC, "MS_NOEXEC"},
		     {MS_BIND, "MS_BIND"},         {MS_REC, "MS_REC"},
		     {MS_REMOUNT, "MS_REMOUNT"},   {MS_PRIVATE, "MS_PRIVATE"},
		     {MS_SLAVE, "MS_SLAVE"},       {MS_SHARED, "MS_SHARED"},
		     {MS_RELATIME, "MS_RELATIME"}, {MS_STRICTATIME, "MS_STRICTATIME"},
		     {MS_NOATIME, "MS_NOATIME"},   {MS_MOVE, "MS_MOVE"}};
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (flags & names[i].flag) {
			int r =
			    snprintf(buf + len, size - len, "%s%s", len ? "|" : "", names[i].name);
			len += r > 0 && (size_t)r < size - len ? (size_t)r : 0;
		}
	if (!buf[0])
		snprintf(buf, size, "0");
	return buf;
}

bool cv_fs_listed(const char *filesystems, const char *type)
{
	size_t len = strlen(type);

	if (!strcmp(type, "bind"))
		return true;
	for (const char *line = filesystems; *line; line += strcspn(line, "\n") + 1) {
		const char *name = strchr(line, '\t');
		if (name && !strncmp(name + 1, type, len) &&
		    (name[1 + len] == '\n' || name[1 + len] == '\0'))
			return true;
		if (!line[strcspn(line, "\n")])
			break;
	}
	return false;
}

int cv_mount_type_check(const char *type, struct cv_err *err)
{
	char text[4096];

	if (cv_read_file("/proc/filesystems", text, sizeof(text), err) < 0)
		return -err->code;
	if (cv_fs_listed(text, type))
		return 0;
	cv_err_set(err, ENODEV, "unknown filesystem type `%s`: not in /proc/filesystems", type);
	return cv_err_hint(err,
			   "a module may provide it (modprobe %s); for a bind mount, the type "
			   "is `bind`",
			   type);
}

/*
 * The standard mounts, in the order they must be made (/dev before /dev/pts).
 * nosuid, nodev and noexec wherever nothing needs them: a setuid binary or
 * a device node planted in one of these would be a way up - to root in
 * the container, or to a disk of the host's.
 */
#define NOSUID_NOEXEC_NODEV (MS_NOSUID | MS_NOEXEC | MS_NODEV)
const struct cv_mount cv_default_mounts[] = {
    /* a /proc of the container's pid namespace: its processes, and only those */
    {.source = "proc", .destination = "/proc", .type = "proc", .flags = NOSUID_NOEXEC_NODEV},
    /* /dev is a small tmpfs: only the device nodes we put there exist (so not
     * nodev); strictatime and 64 MiB as runc's spec has them */
    {.source = "tmpfs",
     .destination = "/dev",
     .type = "tmpfs",
     .flags = MS_NOSUID | MS_STRICTATIME,
     .data = "mode=755,size=65536k"},
    /* its own pseudo-terminals, not the host's (newinstance): ptmxmode=0666
     * lets any user open /dev/pts/ptmx, and a new terminal is group tty (5),
     * 0620, so that write(1) and wall(1) can reach its owner */
    {.source = "devpts",
     .destination = "/dev/pts",
     .type = "devpts",
     .flags = MS_NOSUID | MS_NOEXEC,
     .data = "newinstance,ptmxmode=0666,mode=0620,gid=5"},
    /* POSIX shared memory: 1777, sticky, as /tmp - anyone makes, only the
     * owner removes */
    {.source = "shm",
     .destination = "/dev/shm",
     .type = "tmpfs",
     .flags = NOSUID_NOEXEC_NODEV,
     .data = "mode=1777,size=65536k"},
    /* POSIX message queues of its ipc namespace */
    {.source = "mqueue",
     .destination = "/dev/mqueue",
     .type = "mqueue",
     .flags = NOSUID_NOEXEC_NODEV},
    /* devices and kernel objects, read-only: writing there configures the
     * host's hardware and drivers */
    {.source = "sysfs",
     .destination = "/sys",
     .type = "sysfs",
     .flags = NOSUID_NOEXEC_NODEV | MS_RDONLY},
    /* its own cgroup, as the host lays them out, read-only: a container that
     * could write there could raise its own limits */
    {.source = "cgroup",
     .destination = "/sys/fs/cgroup",
     .type = "cgroup",
     .flags = NOSUID_NOEXEC_NODEV | MS_RELATIME | MS_RDONLY},
};
const size_t cv_default_mounts_n = sizeof(cv_default_mounts) / sizeof(cv_default_mounts[0]);

/*
 * Kernel interfaces that tell too much about the host, or change it, as
 * runc's default spec lists them: /proc/kcore is the host's memory as an
 * ELF core; /proc/keys lists the kernel keys the reader's uid may view,
 * host root's among them for a root without a user namespace; timer_list
 * and sched_debug name tasks of the whole host, and latency_stats and
 * timer_stats are host-wide;
 * /sys/firmware holds the firmware's tables and EFI variables; powercap's
 * energy counters are a power side channel (CVE-2020-8694, Platypus).
 */
const char *const cv_default_masked[] = {"/proc/acpi",
					 "/proc/asound",
					 "/proc/kcore",
					 "/proc/keys",
					 "/proc/latency_stats",
					 "/proc/timer_list",
					 "/proc/timer_stats",
					 "/proc/sched_debug",
					 "/proc/scsi",
					 "/sys/firmware",
					 "/sys/devices/virtual/powercap",
					 NULL};
/*
 * Readable, but a write would change the host: /proc/sys holds the sysctls,
 * most of them not namespaced (kernel.core_pattern names a program the host
 * runs, as root, on every crash); a byte written to /proc/sysrq-trigger can
 * reboot it; /proc/irq steers the host's interrupts; /proc/bus holds the
 * PCI devices' configuration.
 */
const char *const cv_default_readonly[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL};
