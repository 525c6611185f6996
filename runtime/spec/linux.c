/*
 * linux.c - config.json's "linux" object: namespaces, id maps, time
 * offsets, devices, cgroups path, seccomp, sysctl, masked and read-only
 * paths, personality (see spec.h; resources are in resources.c).
 *
 * What is checked here, and what is left.  A field is checked here when
 * its mistake shows in the document alone and the kernel would take it
 * and do something else, or refuse it later without naming the field: a
 * device number too wide, an id of (u32)-1, a sysctl key that names
 * another file.  A rule that ties this object to another part - a uid map
 * needs a user namespace, a clock offset a time namespace, a sysctl the
 * namespace it lives in - is checked once the whole document is read
 * (step 01's cv_ns_spec_check(), core/create.c), still before anything is
 * made.  What only the running
 * system can answer is left to it: whether a namespace path is a
 * namespace of that type (setns(2): EINVAL), whether the caller may write
 * that id map (user_namespaces(7)), whether a masked path exists in the
 * rootfs (one that does not is skipped, as runc skips it), whether
 * libseccomp takes every rule of the profile (create asks it,
 * cv_seccomp_check(), before the init exists).
 *
 *   namespaces       config-linux.md's eight type names; a path joins,
 *                    none makes a new one; a type not listed is the
 *                    runtime's own ("MUST inherit")
 *   id maps          at most 340 lines here; no overlap and no count of 0
 *                    are step 01's checks, made as the kernel makes them
 *   timeOffsets      monotonic and boottime, the two clocks a time
 *                    namespace offsets (time_namespaces(7))
 *   devices          numbers, type and path; step 03 makes the nodes
 *   seccomp          step 05's profile reader, OCI's form or Docker's
 *   sysctl           the key's form here; its namespace in core/create.c
 *   personality      LINUX or LINUX32, the spec's two domains
 *
 * mountLabel is read as a string and not used: containerv does no SELinux
 * labelling (`containerv features` says so).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/stat.h>

#include "01-namespaces/namespaces.h"
#include "03-rootfs/rootfs.h"
#include "05-security/profile.h"
#include "common/file.h"
#include "runtime/spec/spec.h"

#define L "linux" /* the JSON path of every field here starts with it */

/*
 * linux.namespaces (config-linux.md#namespaces).  A type by its OCI name
 * only ("network", not the "net" of /proc/PID/ns, which cv_ns_by_name()
 * also knows).  "If a namespaces field contains duplicated namespaces with
 * same type, the runtime MUST generate an error."  An empty path is no
 * path: a new namespace.
 */
static int parse_namespaces(struct cv_spec *s, json_t *lx)
{
	struct cv_json *j = &s->json;
	char path[CV_JPATH_MAX], sub[CV_JPATH_MAX];
	json_t *arr = NULL, *v;
	const char *type = NULL, *nspath = NULL;
	size_t i;
	int r, seen = 0;

	if ((r = cv_json_arr(j, lx, L, "namespaces", &arr)) <= 0)
		return r;
	json_array_foreach(arr, i, v)
	{
		const struct cv_ns_type *t;

		cv_json_sub(path, L ".namespaces", NULL, (int)i);
		if (!json_is_object(v))
			return cv_json_type_error(j, path, "an object {type, path}", v);
		nspath = NULL;
		if ((r = cv_json_str(j, v, path, "type", &type)) < 0 ||
		    cv_json_str(j, v, path, "path", &nspath) < 0)
			return -j->err->code;
		cv_json_sub(sub, path, "type", 0);
		if (r == 0)
			return cv_json_error(j, sub, "missing");
		if (!(t = cv_ns_by_name(type)) || strcmp(t->oci, type)) {
			cv_json_error(j, sub, "unknown namespace type `%s`", type);
			return cv_err_hint(j->err,
					   "the types are pid, network, mount, ipc, uts, user, "
					   "cgroup and time");
		}
		if (seen & t->flag)
			return cv_json_error(j, sub, "the %s namespace is listed twice", type);
		seen |= t->flag;
		if (nspath && nspath[0]) {
			s->joins[s->n_joins].flag = t->flag;
			s->joins[s->n_joins++].path = nspath;
		} else {
			s->ns_new |= t->flag;
		}
	}
	return 0;
}

/*
 * uidMappings, gidMappings (config-linux.md#user-namespace-mappings).
 * containerID and hostID stop at 2^32-2: the kernel refuses a line whose
 * first id, on either side, is (u32)-1 (kernel/user_namespace.c,
 * map_write); size may be 2^32-1.  cv_idmap_add() refuses a 341st line,
 * the kernel's limit since Linux 4.15.
 */
static int parse_idmap(struct cv_spec *s, json_t *lx, const char *key, struct cv_idmap *map)
{
	struct cv_json *j = &s->json;
	char path[CV_JPATH_MAX];
	json_t *arr = NULL, *v;
	size_t i;
	int r;

	if ((r = cv_json_arr(j, lx, L, key, &arr)) <= 0)
		return r;
	json_array_foreach(arr, i, v)
	{
		struct cv_idmap_extent e = {0, 0, 0};
		char base[CV_JPATH_MAX];

		snprintf(base, sizeof(base), L ".%s", key);
		cv_json_sub(path, base, NULL, (int)i);
		if (!json_is_object(v))
			return cv_json_type_error(j, path, "an object {containerID, hostID, size}",
						  v);
		if (cv_json_uint(j, v, path, "containerID", 0xfffffffe, &e.inside) < 0 ||
		    cv_json_uint(j, v, path, "hostID", 0xfffffffe, &e.outside) < 0 ||
		    cv_json_uint(j, v, path, "size", 0xffffffff, &e.count) < 0)
			return -j->err->code;
		if (cv_idmap_add(map, &e, j->err) < 0)
			return cv_json_wrap(j, path);
	}
	return 0;
}

/*
 * One clock of linux.timeOffsets: secs may be negative (a clock set back),
 * nanosecs is 0 to 999999999, as /proc/PID/timens_offsets takes it
 * (time_namespaces(7)).  Other clocks cannot be offset and are not read.
 */
static int parse_offset(struct cv_spec *s, json_t *offsets, const char *clock,
			struct cv_time_offset *out)
{
	struct cv_json *j = &s->json;
	char path[CV_JPATH_MAX];
	json_t *o = NULL;
	int r;

	if ((r = cv_json_obj(j, offsets, L ".timeOffsets", clock, &o)) <= 0)
		return r;
	cv_json_sub(path, L ".timeOffsets", clock, 0);
	if (cv_json_i64(j, o, path, "secs", &out->secs) < 0 ||
	    cv_json_uint(j, o, path, "nanosecs", 999999999, &out->nanosecs) < 0)
		return -j->err->code;
	return 0;
}

/*
 * fileMode: the permission bits, or (as podman writes it) the whole
 * st_mode, whose file-type bits must then say what `type` says.
 */
static int file_type_agrees(struct cv_json *j, const char *path, char type, uint32_t mode)
{
	mode_t fmt = (mode_t)mode & S_IFMT, want = type == 'b'   ? S_IFBLK
						   : type == 'p' ? S_IFIFO
								 : S_IFCHR;
	char field[CV_JPATH_MAX + 16];

	if (!fmt || fmt == want)
		return 0;
	snprintf(field, sizeof(field), "%s.fileMode", path);
	cv_json_error(j, field, "%#o is a file type other than type `%c`", (unsigned)mode, type);
	return cv_err_hint(j->err,
			   "give the permission bits only (0666), or the whole mode of "
			   "the device (%#o)",
			   (unsigned)(want | (mode & 07777)));
}

/*
 * linux.devices (config-linux.md#devices): type and path REQUIRED.  major
 * and minor within the kernel's device numbers, 12 and 20 bits (MINORBITS):
 * a larger one is no device Linux can have.  uid and gid stop at
 * 2^32-2, as chown(2) reads -1 as "leave unchanged".  The type and the
 * path's form are step 03's rules (cv_device_check): a path must be a
 * clean one below /dev, so a node is never made elsewhere (stricter than
 * the spec, which lets a device be anywhere in the container).
 */
static int parse_devices(struct cv_spec *s, json_t *lx)
{
	struct cv_json *j = &s->json;
	char path[CV_JPATH_MAX];
	json_t *arr = NULL, *v;
	size_t i;
	int r;

	if ((r = cv_json_arr(j, lx, L, "devices", &arr)) <= 0)
		return r;
	if (!(s->devices = calloc(json_array_size(arr) + 1, sizeof(*s->devices))))
		return cv_err_set(j->err, ENOMEM, "devices: out of memory");
	json_array_foreach(arr, i, v)
	{
		struct cv_device *d = &s->devices[i];
		const char *type = NULL, *dpath = NULL;
		uint32_t mode = 0, uid = 0, gid = 0;

		cv_json_sub(path, L ".devices", NULL, (int)i);
		if (!json_is_object(v))
			return cv_json_type_error(j, path, "an object {type, path, major, minor}",
						  v);
		if (cv_json_str(j, v, path, "type", &type) < 0 ||
		    cv_json_str(j, v, path, "path", &dpath) < 0 ||
		    cv_json_uint(j, v, path, "major", 0xfff, &d->major) < 0 ||
		    cv_json_uint(j, v, path, "minor", 0xfffff, &d->minor) < 0 ||
		    cv_json_uint(j, v, path, "fileMode", 0xffff, &mode) < 0 ||
		    cv_json_uint(j, v, path, "uid", 0xfffffffe, &uid) < 0 ||
		    cv_json_uint(j, v, path, "gid", 0xfffffffe, &gid) < 0)
			return -j->err->code;
		if (!type || strlen(type) != 1 || !dpath)
			return cv_json_error(j, path, "needs a type (c, b, u or p) and a path");
		snprintf(d->path, sizeof(d->path), "%s", dpath);
		d->type = type[0];
		if ((r = file_type_agrees(j, path, d->type, mode)) < 0)
			return r;
		d->mode = (mode_t)mode & 07777;
		d->uid = uid;
		d->gid = gid;
		if (cv_device_check(d, j->err) < 0)
			return cv_json_wrap(j, path);
		s->n_devices++;
	}
	return 0;
}

/*
 * linux.seccomp: built into a filter description by step 05, whose errors
 * name the JSON path inside the profile; `where` puts config.json's file
 * and line in front.  Needs process read first (spec.c says why).
 */
static int parse_seccomp(struct cv_spec *s, json_t *lx)
{
	struct cv_json *j = &s->json;
	char where[64];
	json_t *sc = NULL;
	int r;

	if ((r = cv_json_obj(j, lx, L, "seccomp", &sc)) <= 0)
		return r;
	snprintf(where, sizeof(where), "%s:%d: " L ".seccomp", j->file,
		 cv_json_line(j, L ".seccomp"));
	/* Docker's includes.caps judge by the capabilities the process will have */
	if (cv_profile_from_json(sc, where, s->caps.bounding, &s->seccomp, j->err) < 0)
		return -j->err->code;
	s->has_seccomp = true;
	return 0;
}

/*
 * linux.sysctl: key to string value.  A key becomes a file under /proc/sys
 * by turning every '.' into '/' (core/init.c, set_sysctl).  Refused here:
 * an empty key or component (a leading '.', or ".."), and any '/':
 * sysctl.d(5) lets a '/' stand in a key for a dot inside one name
 * (net.ipv4.conf.eth0/100.forwarding), which that plain translation would
 * write to a different file.  Whether the key is the container's own, by
 * its namespace, is core/create.c's check; whether it exists, the write's.
 */
static int parse_sysctl(struct cv_spec *s, json_t *lx)
{
	struct cv_json *j = &s->json;
	char path[CV_JPATH_MAX];
	json_t *obj = NULL, *v;
	const char *key;
	int r;

	if ((r = cv_json_obj(j, lx, L, "sysctl", &obj)) <= 0)
		return r;
	if (!(s->sysctl = calloc(json_object_size(obj) + 1, sizeof(*s->sysctl))))
		return cv_err_set(j->err, ENOMEM, "sysctl: out of memory");
	json_object_foreach(obj, key, v)
	{
		cv_json_sub(path, L ".sysctl", key, 0);
		if (!json_is_string(v))
			return cv_json_type_error(j, path, "a string", v);
		if (!key[0] || strstr(key, "..") || key[0] == '.' || strchr(key, '/'))
			return cv_json_error(j, path, "`%s` is not a sysctl name", key);
		s->sysctl[s->n_sysctl].key = key;
		s->sysctl[s->n_sysctl++].value = json_string_value(v);
	}
	return 0;
}

/*
 * linux.personality: domain LINUX or LINUX32, for personality(2).  flags
 * is not read: "Currently no flag values are supported" (config-linux.md).
 */
static int parse_personality(struct cv_spec *s, json_t *lx)
{
	struct cv_json *j = &s->json;
	json_t *p = NULL;
	const char *domain = NULL;
	int r;

	if ((r = cv_json_obj(j, lx, L, "personality", &p)) <= 0)
		return r;
	if (cv_json_str(j, p, L ".personality", "domain", &domain) < 0)
		return -j->err->code;
	if (domain && !strcmp(domain, "LINUX"))
		s->personality = PER_LINUX;
	else if (domain && !strcmp(domain, "LINUX32"))
		s->personality = PER_LINUX32;
	else
		return cv_json_error(j, L ".personality.domain", "`%s` is not LINUX or LINUX32",
				     domain ? domain : "");
	s->has_personality = true;
	return 0;
}

/*
 * Intel RDT needs the resctrl filesystem; runc refuses the field without
 * it.  Where resctrl is mounted the field is accepted and nothing more is
 * done with it: no resctrl group is made for the container.
 */
static int parse_intel_rdt(struct cv_spec *s, json_t *lx)
{
	char text[65536];
	struct cv_err ignored;

	if (!json_object_get(lx, "intelRdt") || json_is_null(json_object_get(lx, "intelRdt")))
		return 0;
	if (cv_read_file("/proc/self/mountinfo", text, sizeof(text), &ignored) > 0 &&
	    strstr(text, " - resctrl ")) {
		s->has_intel_rdt = true;
		return 0;
	}
	cv_json_error(&s->json, L ".intelRdt", "Intel RDT is not supported or not enabled here");
	return cv_err_hint(s->json.err,
			   "it needs the resctrl filesystem mounted at /sys/fs/resctrl;"
			   " or leave intelRdt out");
}

/*
 * No field here needs another of this object to be read; resources come
 * last, in a file of their own (resources.c).  rootfsPropagation is one of
 * step 03's words: shared, slave, private, unbindable, and their r- forms.
 */
int cv_spec_linux(struct cv_spec *s, json_t *lx)
{
	struct cv_json *j = &s->json;
	json_t *offsets = NULL, *res = NULL;
	const char *prop = NULL;
	int r;

	if (parse_namespaces(s, lx) < 0 || parse_idmap(s, lx, "uidMappings", &s->uid_map) < 0 ||
	    parse_idmap(s, lx, "gidMappings", &s->gid_map) < 0 ||
	    cv_json_obj(j, lx, L, "timeOffsets", &offsets) < 0 ||
	    (offsets && (parse_offset(s, offsets, "monotonic", &s->monotonic) < 0 ||
			 parse_offset(s, offsets, "boottime", &s->boottime) < 0)) ||
	    parse_devices(s, lx) < 0 ||
	    cv_json_str(j, lx, L, "cgroupsPath", &s->cgroups_path) < 0 ||
	    cv_json_str(j, lx, L, "rootfsPropagation", &prop) < 0 || parse_seccomp(s, lx) < 0 ||
	    parse_sysctl(s, lx) < 0 ||
	    cv_json_strs(j, lx, L, "maskedPaths", &s->masked, NULL) < 0 ||
	    cv_json_strs(j, lx, L, "readonlyPaths", &s->readonly_paths, NULL) < 0 ||
	    cv_json_str(j, lx, L, "mountLabel", &s->mount_label) < 0 ||
	    parse_personality(s, lx) < 0 || parse_intel_rdt(s, lx) < 0)
		return -j->err->code;
	if (prop && prop[0] && cv_parse_propagation(prop, &s->propagation, j->err) < 0)
		return cv_json_wrap(j, L ".rootfsPropagation");
	if ((r = cv_json_obj(j, lx, L, "resources", &res)) < 0)
		return r;
	return res ? cv_spec_resources(s, res, L ".resources") : 0;
}
