/*
 * defaults.c - the config.json `containerv spec` writes (see spec.h):
 * the same starting point `runc spec` gives, so a bundle made for one runs
 * under the other.  Each default is a choice runc made, and the reasons
 * carry over:
 *
 *   capabilities   three, in bounding, effective and permitted:
 *                  CAP_AUDIT_WRITE (login tools write the audit log),
 *                  CAP_KILL (signal another uid's process in the
 *                  container), CAP_NET_BIND_SERVICE (a port below 1024).
 *                  No inheritable or ambient set: with one, a program
 *                  carrying file capabilities gains them at execve()
 *                  (CVE-2022-29162, after which runc stopped writing them).
 *   no_new_privs   true: a setuid program, or one with file capabilities,
 *                  gains nothing by execve() (prctl(2), PR_SET_NO_NEW_PRIVS)
 *   masked, read-only paths   step 03's lists, runc's: what tells about
 *                  the host (/proc/kcore, /proc/keys, /proc/timer_list,
 *                  the power meters of /sys/devices/virtual/powercap,
 *                  CVE-2020-8694) is covered, what changes it (/proc/sys,
 *                  /proc/sysrq-trigger) is read-only
 *   root           rootfs/ beside config.json, read-only
 *   devices        as root, a cgroup rule denying every device; the
 *                  runtime then allows the standard ones it makes
 *   rlimits        RLIMIT_NOFILE 1024, soft and hard
 *
 * One difference: process.terminal is false, where runc writes true;
 * `containerv spec --terminal` writes runc's.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "03-rootfs/mounts.h"
#include "runtime/spec/spec.h"

/* A JSON array of the strings of a NULL-terminated list (NULL: an empty one). */
static json_t *strings(const char *const *list)
{
	json_t *a = json_array();

	for (; list && *list; list++)
		json_array_append_new(a, json_string(*list));
	return a;
}

static json_t *mount(const char *dest, const char *type, const char *source,
		     const char *const *options)
{
	return json_pack("{s:s, s:s, s:s, s:o}", "destination", dest, "type", type, "source",
			 source, "options", strings(options));
}

/* A NULL-terminated option list, in place. */
#define OPTS(...) ((const char *const[]){__VA_ARGS__, NULL})

/*
 * runc's standard mounts, in its order.  /dev/pts takes gid=5, the tty
 * group, that a terminal's slave belongs to; rootless, gid 5 is not in the
 * one-id map, and devpts would refuse it, so the option is left out.
 */
static json_t *mounts(bool rootless)
{
	json_t *m = json_array();

	json_array_append_new(m, mount("/proc", "proc", "proc", NULL));
	json_array_append_new(m, mount("/dev", "tmpfs", "tmpfs",
				       OPTS("nosuid", "strictatime", "mode=755", "size=65536k")));
	json_array_append_new(m, mount("/dev/pts", "devpts", "devpts",
				       rootless ? OPTS("nosuid", "noexec", "newinstance",
						       "ptmxmode=0666", "mode=0620")
						: OPTS("nosuid", "noexec", "newinstance",
						       "ptmxmode=0666", "mode=0620", "gid=5")));
	json_array_append_new(m,
			      mount("/dev/shm", "tmpfs", "shm",
				    OPTS("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")));
	json_array_append_new(
	    m, mount("/dev/mqueue", "mqueue", "mqueue", OPTS("nosuid", "noexec", "nodev")));
	if (rootless) {
		/*
		 * no network namespace of its own: sysfs is mounted only by one
		 * privileged over the network namespace, so the host's /sys is
		 * bound, read-only, as runc's rootless spec does
		 */
		json_array_append_new(m, mount("/sys", "none", "/sys",
					       OPTS("rbind", "nosuid", "noexec", "nodev", "ro")));
	} else {
		json_array_append_new(
		    m, mount("/sys", "sysfs", "sysfs", OPTS("nosuid", "noexec", "nodev", "ro")));
		json_array_append_new(m,
				      mount("/sys/fs/cgroup", "cgroup", "cgroup",
					    OPTS("nosuid", "noexec", "nodev", "relatime", "ro")));
	}
	return m;
}

/*
 * runc's new namespaces.  Rootless: a user namespace, in which the caller
 * is root, and no network namespace: one made without root could have no
 * link to the host's (a veth pair needs CAP_NET_ADMIN in the host's
 * network namespace), so the container uses the caller's network.
 */
static json_t *namespaces(bool rootless)
{
	static const char *const all[] = {"pid", "network", "ipc", "uts", "mount", "cgroup", NULL};
	json_t *ns = json_array();

	for (const char *const *t = all; *t; t++)
		if (!rootless || strcmp(*t, "network"))
			json_array_append_new(ns, json_pack("{s:s}", "type", *t));
	if (rootless)
		json_array_append_new(ns, json_pack("{s:s}", "type", "user"));
	return ns;
}

char *cv_spec_default(bool rootless, const char *const *args)
{
	static const char *const caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE",
					   NULL};
	static const char *const sh[] = {"sh", NULL};
	json_t *process, *lx, *doc;
	char *text;

	process = json_pack(
	    "{s:b, s:{s:i, s:i}, s:o, s:[s, s], s:s, s:{s:o, s:o, s:o}, "
	    "s:[{s:s, s:i, s:i}], s:b}",
	    "terminal", 0, "user", "uid", 0, "gid", 0, "args", strings(args && *args ? args : sh),
	    "env", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	    "TERM=xterm", "cwd", "/", "capabilities", "bounding", strings(caps), "effective",
	    strings(caps), "permitted", strings(caps), "rlimits", "type", "RLIMIT_NOFILE", "hard",
	    1024, "soft", 1024, "noNewPrivileges", 1);
	lx = json_pack("{s:o, s:o, s:o}", "namespaces", namespaces(rootless), "maskedPaths",
		       strings(cv_default_masked), "readonlyPaths", strings(cv_default_readonly));
	/* rootless: only the caller, the one id a user may map without newuidmap(1) */
	if (rootless) {
		json_object_set_new(lx, "uidMappings",
				    json_pack("[{s:i, s:i, s:i}]", "containerID", 0, "hostID",
					      (json_int_t)getuid(), "size", 1));
		json_object_set_new(lx, "gidMappings",
				    json_pack("[{s:i, s:i, s:i}]", "containerID", 0, "hostID",
					      (json_int_t)getgid(), "size", 1));
	} else {
		json_object_set_new(
		    lx, "resources",
		    json_pack("{s:[{s:b, s:s}]}", "devices", "allow", 0, "access", "rwm"));
	}
	doc = json_pack("{s:s, s:o, s:{s:s, s:b}, s:s, s:o, s:o}", "ociVersion", "1.2.0", "process",
			process, "root", "path", "rootfs", "readonly", 1, "hostname", "containerv",
			"mounts", mounts(rootless), "linux", lx);
	/* the keys in the order given, as runc's spec lists them; NULL if any allocation failed */
	text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(doc);
	return text;
}
