/*
 * resources.c - linux.resources into step 02's struct cv_cg_limits.
 *
 * OCI gives the values in cgroup v1 terms (cpu shares, blkio weight,
 * memory+swap); step 02 converts them for v2.  -1 means "unlimited" for
 * the memory and pids limits and the cpu quota, and any other negative
 * is refused, naming the field; an absent field leaves the cgroup's
 * default.
 *
 * This file only reads: each JSON field into its struct field, with the
 * JSON type checked and the error naming the path (linux.resources.
 * memory.limit).  Where runc reads a value as "not set" rather than as
 * itself (cpu shares 0, a pids limit 0), so does this, so that a config
 * written for runc means the same here.
 *
 * The limits are checked once, here, at the end of the parse
 * (cv_cg_limits_check: ranges, memory against swap, ...), so that a
 * bad config is refused before any container exists, with the path of
 * the object it came from.  Step 02 applies them as given from then on;
 * it does not check them again.  The same parse serves `containerv
 * update --resources`, whose document is a bare resources object.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "runtime/spec/spec.h"

/*
 * A signed limit: -1 means "no limit", as runc reads it.  Any other
 * negative is refused: the kernel would take -7 as "no limit" too, and a
 * typo must not lift a limit without a word.  `unit` says what the
 * number counts, for the hint.
 */
static int limit(struct cv_spec *s, json_t *obj, const char *parent, const char *key,
		 const char *unit, int64_t *out)
{
	char path[CV_JPATH_MAX];
	int64_t v = 0;
	int r = cv_json_i64(&s->json, obj, parent, key, &v);

	if (r == 1 && v < -1) {
		cv_json_error(&s->json, cv_json_sub(path, parent, key, 0), "%lld is not a limit",
			      (long long)v);
		return cv_err_hint(s->json.err, "a number of %s, or -1 for no limit", unit);
	}
	if (r == 1)
		*out = v == -1 ? CV_CG_MAX : v;
	return r;
}

/*
 * memory: limit, reservation (soft limit), swap (memory and swap
 * together, v1's memsw), kernel and kernelTCP (v1 kernel memory; step 02
 * warns where a kernel no longer has them), swappiness (0 to 100) and
 * disableOOMKiller (v1 only).  An absent disableOOMKiller leaves
 * oom_kill_disable unset (-1), distinct from an explicit false.
 */
static int memory(struct cv_spec *s, json_t *res, const char *P)
{
	struct cv_json *j = &s->json;
	struct cv_cg_limits *l = s->limits;
	char path[CV_JPATH_MAX], sub[CV_JPATH_MAX];
	json_t *m = NULL;
	uint64_t swappiness = 0;
	bool disable = false;
	int r;

	if ((r = cv_json_obj(j, res, P, "memory", &m)) <= 0)
		return r;
	cv_json_sub(path, P, "memory", 0);
	if (limit(s, m, path, "limit", "bytes", &l->memory_limit) < 0 ||
	    limit(s, m, path, "reservation", "bytes", &l->memory_reservation) < 0 ||
	    limit(s, m, path, "swap", "bytes (memory and swap together)", &l->memory_swap) < 0 ||
	    limit(s, m, path, "kernel", "bytes", &l->memory_kernel) < 0 ||
	    limit(s, m, path, "kernelTCP", "bytes", &l->memory_kernel_tcp) < 0 ||
	    (r = cv_json_u64(j, m, path, "swappiness", &swappiness)) < 0 ||
	    cv_json_bool(j, m, path, "disableOOMKiller", &disable) < 0)
		return -j->err->code;
	/* swappiness is unsigned in OCI; over 100 is refused here, by its path */
	if (r == 1 && swappiness > 100)
		return cv_json_error(j, cv_json_sub(sub, path, "swappiness", 0),
				     "%llu is not 0 to 100", (unsigned long long)swappiness);
	if (r == 1)
		l->memory_swappiness = (int64_t)swappiness;
	if (json_object_get(m, "disableOOMKiller"))
		l->oom_kill_disable = disable;
	return 0;
}

/*
 * cpu: shares, quota and period (CFS bandwidth), the realtime pair,
 * cpus and mems (cpuset lists, as strings), idle and burst.  A shares,
 * period or realtimePeriod of 0 is read as unset, as runc does: configs
 * generated with zero values for "none" are common.  The quota and
 * realtimeRuntime are signed, -1 for none; the others are unsigned, so
 * a negative one is a JSON type error.
 */
static int cpu(struct cv_spec *s, json_t *res, const char *P)
{
	struct cv_json *j = &s->json;
	struct cv_cg_limits *l = s->limits;
	char path[CV_JPATH_MAX];
	const char *cpus = NULL, *mems = NULL;
	uint64_t shares = 0, period = 0, rt_period = 0, burst = 0;
	json_t *c = NULL;
	int r, rs, rp, rr, rb;

	if ((r = cv_json_obj(j, res, P, "cpu", &c)) <= 0)
		return r;
	cv_json_sub(path, P, "cpu", 0);
	if ((rs = cv_json_u64(j, c, path, "shares", &shares)) < 0 ||
	    limit(s, c, path, "quota", "microseconds per period", &l->cpu_quota) < 0 ||
	    (rp = cv_json_u64(j, c, path, "period", &period)) < 0 ||
	    limit(s, c, path, "realtimeRuntime", "microseconds per period", &l->cpu_rt_runtime) <
		0 ||
	    (rr = cv_json_u64(j, c, path, "realtimePeriod", &rt_period)) < 0 ||
	    cv_json_str(j, c, path, "cpus", &cpus) < 0 ||
	    cv_json_str(j, c, path, "mems", &mems) < 0)
		return -j->err->code;
	if (rs == 1 && shares)
		l->cpu_shares = (int64_t)shares;
	if (rp == 1 && period)
		l->cpu_period = (int64_t)period;
	if (rr == 1 && rt_period)
		l->cpu_rt_period = (int64_t)rt_period;
	/* "" leaves the cpuset alone; the lists are checked with the rest, at the end */
	snprintf(l->cpuset_cpus, sizeof(l->cpuset_cpus), "%s", cpus ? cpus : "");
	snprintf(l->cpuset_mems, sizeof(l->cpuset_mems), "%s", mems ? mems : "");
	if (cv_json_i64(j, c, path, "idle", &l->cpu_idle) < 0 ||
	    (rb = cv_json_u64(j, c, path, "burst", &burst)) < 0)
		return -j->err->code;
	if (rb == 1)
		l->cpu_burst = (int64_t)burst;
	return 0;
}

/*
 * One per-device array: weightDevice (key "weight") or a throttle (key
 * "rate").  major and minor are bounded by the kernel's dev_t: 12 and
 * 20 bits.  An entry without its value (a weightDevice with only
 * leafWeight, CFQ's, which no current kernel has) is read and skipped.
 */
static int dev_values(struct cv_spec *s, json_t *bio, const char *path, const char *array,
		      const char *key, struct cv_cg_dev_value *out, unsigned *n)
{
	struct cv_json *j = &s->json;
	char sub[CV_JPATH_MAX], item[CV_JPATH_MAX];
	json_t *arr = NULL, *v;
	size_t i;
	int r;

	if ((r = cv_json_arr(j, bio, path, array, &arr)) <= 0)
		return r;
	cv_json_sub(sub, path, array, 0);
	json_array_foreach(arr, i, v)
	{
		cv_json_sub(item, sub, NULL, (int)i);
		if (!json_is_object(v))
			return cv_json_type_error(j, item, "an object {major, minor, ...}", v);
		if (*n == CV_CG_MAX_DEVS)
			return cv_json_error(j, item, "more than %d devices", CV_CG_MAX_DEVS);
		/* values out of range (a rate of 0, a weight under 10): checked at the end */
		if (cv_json_uint(j, v, item, "major", 0xfff, &out[*n].major) < 0 ||
		    cv_json_uint(j, v, item, "minor", 0xfffff, &out[*n].minor) < 0 ||
		    cv_json_u64(j, v, item, key, &out[*n].value) < 0)
			return -j->err->code;
		/* the entry was read in place; it counts only if it has its value */
		if (json_object_get(v, key))
			(*n)++; /* a weightDevice with only leafWeight sets nothing */
	}
	return 0;
}

/* blockIO: a weight (0: unset, as runc), per-device weights, and the four throttles. */
static int block_io(struct cv_spec *s, json_t *res, const char *P)
{
	struct cv_json *j = &s->json;
	struct cv_cg_limits *l = s->limits;
	char path[CV_JPATH_MAX];
	json_t *b = NULL;
	uint32_t weight = 0;
	int r;

	if ((r = cv_json_obj(j, res, P, "blockIO", &b)) <= 0)
		return r;
	cv_json_sub(path, P, "blockIO", 0);
	/* over 1000 is a range error from the JSON read; under 10 (but not 0)
	 * is cv_cg_limits_check's, with the field's name */
	if ((r = cv_json_uint(j, b, path, "weight", 1000, &weight)) < 0 ||
	    dev_values(s, b, path, "weightDevice", "weight", l->weight_dev, &l->n_weight_dev) < 0 ||
	    dev_values(s, b, path, "throttleReadBpsDevice", "rate", l->rbps, &l->n_rbps) < 0 ||
	    dev_values(s, b, path, "throttleWriteBpsDevice", "rate", l->wbps, &l->n_wbps) < 0 ||
	    dev_values(s, b, path, "throttleReadIOPSDevice", "rate", l->riops, &l->n_riops) < 0 ||
	    dev_values(s, b, path, "throttleWriteIOPSDevice", "rate", l->wiops, &l->n_wiops) < 0)
		return -j->err->code;
	if (r == 1 && weight)
		l->io_weight = weight;
	return 0;
}

/*
 * hugepageLimits: [{pageSize, limit}], the page size as the kernel
 * names its files ("2MB"); whether the size exists here is step 02's
 * question, as the page sizes are the host's.
 */
static int hugepages(struct cv_spec *s, json_t *res, const char *P)
{
	struct cv_json *j = &s->json;
	struct cv_cg_limits *l = s->limits;
	char path[CV_JPATH_MAX], item[CV_JPATH_MAX];
	json_t *arr = NULL, *v;
	const char *size = NULL;
	uint64_t value = 0;
	size_t i;
	int r;

	if ((r = cv_json_arr(j, res, P, "hugepageLimits", &arr)) <= 0)
		return r;
	cv_json_sub(path, P, "hugepageLimits", 0);
	json_array_foreach(arr, i, v)
	{
		cv_json_sub(item, path, NULL, (int)i);
		if (!json_is_object(v))
			return cv_json_type_error(j, item, "an object {pageSize, limit}", v);
		if ((r = cv_json_str(j, v, item, "pageSize", &size)) < 0 ||
		    cv_json_u64(j, v, item, "limit", &value) < 0)
			return -j->err->code;
		/* limit is unsigned in OCI: huge pages have no -1 for "none" */
		if (r == 0)
			return cv_json_error(j, item, "no pageSize");
		if (l->n_hugetlb == CV_CG_MAX_PAGES)
			return cv_json_error(j, item, "more than %d page sizes", CV_CG_MAX_PAGES);
		snprintf(l->hugetlb[l->n_hugetlb].pagesize, sizeof(l->hugetlb[0].pagesize), "%s",
			 size);
		l->hugetlb[l->n_hugetlb++].limit = (int64_t)value;
	}
	return 0;
}

/*
 * devices: [{allow, type, major, minor, access}], in order: the last
 * rule that matches decides (devices.h).  OCI's defaults for a missing
 * field are taken here: allow false, type "a", major and minor -1 (any),
 * access "rwm".  OCI gives the fields apart, not devices.allow's
 * "c 1:3 rwm" line, so access is read here, not by cv_cg_parse_rule.
 * The runtime appends the devices every container needs after these
 * (core/create.c), as runc does.
 */
static int devices(struct cv_spec *s, json_t *res, const char *P)
{
	struct cv_json *j = &s->json;
	struct cv_cg_limits *l = s->limits;
	char path[CV_JPATH_MAX], item[CV_JPATH_MAX];
	json_t *arr = NULL, *v;
	size_t i;
	int r;

	if ((r = cv_json_arr(j, res, P, "devices", &arr)) <= 0)
		return r;
	cv_json_sub(path, P, "devices", 0);
	json_array_foreach(arr, i, v)
	{
		struct cv_cg_dev_rule *rule = &l->rules[l->n_rules];
		const char *type = "a", *access = "rwm";
		int64_t major = -1, minor = -1;
		bool allow = false;

		cv_json_sub(item, path, NULL, (int)i);
		if (!json_is_object(v))
			return cv_json_type_error(
			    j, item, "an object {allow, type, major, minor, access}", v);
		if (l->n_rules == CV_CG_MAX_RULES)
			return cv_json_error(j, item, "more than %d device rules", CV_CG_MAX_RULES);
		if (cv_json_bool(j, v, item, "allow", &allow) < 0 ||
		    cv_json_str(j, v, item, "type", &type) < 0 ||
		    cv_json_i64(j, v, item, "major", &major) < 0 ||
		    cv_json_i64(j, v, item, "minor", &minor) < 0 ||
		    cv_json_str(j, v, item, "access", &access) < 0)
			return -j->err->code;
		if (strlen(type) != 1 || !strchr("abc", type[0]))
			return cv_json_error(j, item, "type `%s` is not a, b or c", type);
		/* -1 is OCI's "any"; below it, a typo that must not widen a rule */
		if (major < -1 || minor < -1) {
			cv_json_error(j, item, "%s %lld is not a device number",
				      major < -1 ? "major" : "minor",
				      (long long)(major < -1 ? major : minor));
			return cv_err_hint(j->err, "a number, or -1 (or leave it out) for any");
		}
		rule->allow = allow;
		rule->type = type[0];
		rule->major = major;
		rule->minor = minor;
		rule->access = 0;
		for (const char *a = access; *a; a++) {
			unsigned bit = *a == 'r'   ? CV_DEV_READ
				       : *a == 'w' ? CV_DEV_WRITE
				       : *a == 'm' ? CV_DEV_MKNOD
						   : 0;
			if (!bit)
				return cv_json_error(
				    j, item, "access `%s` is not made of r, w and m", access);
			rule->access |= bit;
		}
		l->n_rules++;
	}
	return 0;
}

/*
 * unified: cgroup v2 files by name, each value a string written as is.
 * The keys become file names: cv_cg_limits_check refuses any that is not
 * a plain control file name.
 */
static int unified(struct cv_spec *s, json_t *res, const char *P)
{
	struct cv_json *j = &s->json;
	struct cv_cg_limits *l = s->limits;
	char path[CV_JPATH_MAX];
	json_t *obj = NULL, *v;
	const char *key;
	int r;

	if ((r = cv_json_obj(j, res, P, "unified", &obj)) <= 0)
		return r;
	json_object_foreach(obj, key, v)
	{
		char base[CV_JPATH_MAX];
		cv_json_sub(path, cv_json_sub(base, P, "unified", 0), key, 0);
		if (!json_is_string(v))
			return cv_json_type_error(j, path, "a string", v);
		if (l->n_unified == CV_CG_MAX_UNIFIED)
			return cv_json_error(j, path, "more than %d entries", CV_CG_MAX_UNIFIED);
		snprintf(l->unified[l->n_unified].key, sizeof(l->unified[0].key), "%s", key);
		snprintf(l->unified[l->n_unified++].value, sizeof(l->unified[0].value), "%s",
			 json_string_value(v));
	}
	return 0;
}

/*
 * network: classID (net_cls) and priorities (net_prio); rdma: per
 * device.  All three are controllers many hosts do not mount; step 02
 * skips them there with a warning, as runc does, so a config carrying
 * them still runs.  An rdma device without hcaHandles or hcaObjects has
 * no limit on that count ("max").
 */
static int network_rdma(struct cv_spec *s, json_t *res, const char *P)
{
	struct cv_json *j = &s->json;
	struct cv_cg_limits *l = s->limits;
	char item[CV_JPATH_MAX], npath[CV_JPATH_MAX], rpath[CV_JPATH_MAX], ppath[CV_JPATH_MAX];
	json_t *net = NULL, *prios = NULL, *rdma = NULL, *v;
	const char *key, *name = NULL;
	uint32_t classid = 0;
	size_t i;
	int r = 0;

	cv_json_sub(npath, P, "network", 0);
	cv_json_sub(rpath, P, "rdma", 0);
	cv_json_sub(ppath, npath, "priorities", 0);
	if (cv_json_obj(j, res, P, "network", &net) < 0 ||
	    cv_json_obj(j, res, P, "rdma", &rdma) < 0 ||
	    (net && ((r = cv_json_uint(j, net, npath, "classID", 0xffffffff, &classid)) < 0 ||
		     cv_json_arr(j, net, npath, "priorities", &prios) < 0)))
		return -j->err->code;
	/* net_cls.classid is 32 bits: 0xAAAABBBB, the tc class AAAA:BBBB */
	if (net && r == 1)
		l->net_classid = classid;
	json_array_foreach(prios, i, v)
	{
		cv_json_sub(item, ppath, NULL, (int)i);
		if (l->n_net_prio == CV_CG_MAX_DEVS)
			return cv_json_error(j, item, "more than %d interfaces", CV_CG_MAX_DEVS);
		if (!json_is_object(v))
			return cv_json_type_error(j, item, "an object {name, priority}", v);
		if ((r = cv_json_str(j, v, item, "name", &name)) < 0 ||
		    cv_json_uint(j, v, item, "priority", 0xffffffff,
				 &l->net_prio[l->n_net_prio].priority) < 0)
			return -j->err->code;
		if (r == 0)
			return cv_json_error(j, item, "no interface name");
		snprintf(l->net_prio[l->n_net_prio++].iface, sizeof(l->net_prio[0].iface), "%s",
			 name);
	}
	json_object_foreach(rdma, key, v)
	{
		uint32_t handles = 0, objects = 0;
		int rh, ro;
		cv_json_sub(item, rpath, key, 0);
		if (l->n_rdma == CV_CG_MAX_PAGES)
			return cv_json_error(j, item, "more than %d devices", CV_CG_MAX_PAGES);
		if (!json_is_object(v))
			return cv_json_type_error(j, item, "an object {hcaHandles, hcaObjects}", v);
		if ((rh = cv_json_uint(j, v, item, "hcaHandles", 0xffffffff, &handles)) < 0 ||
		    (ro = cv_json_uint(j, v, item, "hcaObjects", 0xffffffff, &objects)) < 0)
			return -j->err->code;
		snprintf(l->rdma[l->n_rdma].device, sizeof(l->rdma[0].device), "%s", key);
		l->rdma[l->n_rdma].handles = rh ? (int64_t)handles : CV_CG_MAX;
		l->rdma[l->n_rdma++].objects = ro ? (int64_t)objects : CV_CG_MAX;
	}
	return 0;
}

/*
 * The whole object: every part read, then the limits checked as one, so
 * that the checks that compare fields (swap against limit, burst against
 * quota) see them all.  A check's error is wrapped with the object's path
 * ("linux.resources", or "resources" for update's bare document).
 */
int cv_spec_resources(struct cv_spec *s, json_t *res, const char *P)
{
	char path[CV_JPATH_MAX];
	json_t *pids = NULL;
	int r;

	/* only a config with linux.resources has limits: has_resources tells
	 * create whether a cgroup must be limited (and so must be made) */
	if (!(s->limits = malloc(sizeof(*s->limits))))
		return cv_err_set(s->json.err, ENOMEM, "resources: out of memory");
	cv_cg_limits_init(s->limits);
	s->has_resources = true;
	if (memory(s, res, P) < 0 || cpu(s, res, P) < 0 || block_io(s, res, P) < 0 ||
	    hugepages(s, res, P) < 0 || devices(s, res, P) < 0 || unified(s, res, P) < 0 ||
	    network_rdma(s, res, P) < 0 || (r = cv_json_obj(&s->json, res, P, "pids", &pids)) < 0)
		return -s->json.err->code;
	/* pids.limit: -1 for none, as the other limits */
	if (pids && (r = limit(s, pids, cv_json_sub(path, P, "pids", 0), "limit", "processes",
			       &s->limits->pids_limit)) < 0)
		return r;
	if (s->limits->pids_limit == 0)
		s->limits->pids_limit = CV_CG_UNSET; /* 0: leave it, as runc does */
	/* checked once, here: step 02 takes the limits as checked from now on */
	if (cv_cg_limits_check(s->limits, s->json.err) < 0)
		return cv_json_wrap(&s->json, P[0] ? P : "resources");
	return 0;
}
