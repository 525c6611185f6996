/*
 * devices.c - device rules as a cgroup v2 BPF program (see devices.h).
 *
 * The kernel calls the program with a struct bpf_cgroup_dev_ctx:
 *   access_type  (access << 16) | type   type: 1 block, 2 char;
 *                                        access: 1 mknod, 2 read, 4 write
 *   major, minor
 * and it returns 1 to allow, 0 to deny (EPERM).  The program we write:
 *
 *   r2 = access, r3 = type, r4 = major, r5 = minor
 *   for each access bit (mknod, read, write) that was asked for:
 *       for each rule naming that bit, last rule first:
 *           if it matches type, major and minor: allow -> next bit,
 *                                                deny  -> return 0
 *   return 1
 *
 * Loading goes through the verifier, which refuses unreachable code, so
 * the rules after one that matches every device are never emitted.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "02-cgroups/devices.h"
#include "02-cgroups/ops.h"
#include "common/cleanup.h"
#include "common/syscalls.h"
#include "common/trace.h"

static const unsigned access_bits[] = {CV_DEV_MKNOD, CV_DEV_READ, CV_DEV_WRITE};

static bool matches(const struct cv_cg_dev_rule *r, char type, unsigned major, unsigned minor)
{
	return (r->type == 'a' || r->type == type) && (r->major < 0 || r->major == major) &&
	       (r->minor < 0 || r->minor == minor);
}

bool cv_cg_dev_allows(const struct cv_cg_dev_rule *rules, unsigned n, char type, unsigned major,
		      unsigned minor, unsigned access)
{
	for (size_t b = 0; b < 3; b++) {
		if (!(access & access_bits[b]))
			continue;
		for (unsigned i = n; i-- > 0;)
			if ((rules[i].access & access_bits[b]) &&
			    matches(&rules[i], type, major, minor)) {
				if (!rules[i].allow)
					return false;
				break;
			}
	}
	return true;
}

static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	return (struct bpf_insn){
	    .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
}

#define LDX_W(dst, off)    insn(BPF_LDX | BPF_W | BPF_MEM, dst, 1, off, 0)
#define MOV_X(dst, src)    insn(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV_K(dst, k)      insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, k)
#define AND_K(dst, k)      insn(BPF_ALU64 | BPF_AND | BPF_K, dst, 0, 0, k)
#define RSH_K(dst, k)      insn(BPF_ALU64 | BPF_RSH | BPF_K, dst, 0, 0, k)
#define JNE_K(dst, k, off) insn(BPF_JMP | BPF_JNE | BPF_K, dst, 0, off, k)
#define JEQ_K(dst, k, off) insn(BPF_JMP | BPF_JEQ | BPF_K, dst, 0, off, k)
#define JA(off)            insn(BPF_JMP | BPF_JA, 0, 0, off, 0)
#define EXIT()             insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* The instructions of one rule; returns how many. */
static size_t emit_rule(const struct cv_cg_dev_rule *r, struct bpf_insn *out)
{
	size_t checks = (r->type != 'a') + (r->major >= 0) + (r->minor >= 0);
	size_t len = checks + (r->allow ? 1 : 2), n = 0;

	/* each check jumps past the rest of this rule when it fails */
	if (r->type != 'a') {
		out[n] = JNE_K(3, r->type == 'b' ? 1 : 2, (int16_t)(len - n - 1));
		n++;
	}
	if (r->major >= 0) {
		out[n] = JNE_K(4, (int32_t)r->major, (int16_t)(len - n - 1));
		n++;
	}
	if (r->minor >= 0) {
		out[n] = JNE_K(5, (int32_t)r->minor, (int16_t)(len - n - 1));
		n++;
	}
	if (r->allow) {
		out[n++] = JA(0); /* to the next access bit: patched by the caller */
	} else {
		out[n++] = MOV_K(0, 0);
		out[n++] = EXIT();
	}
	return n;
}

size_t cv_cg_dev_program(const struct cv_cg_dev_rule *rules, unsigned n, struct bpf_insn *prog,
			 size_t max)
{
	size_t len = 0, to_next[CV_CG_MAX_RULES + 1];

	if (max < CV_CG_DEV_PROG_MAX || n > CV_CG_MAX_RULES)
		return 0;
	prog[len++] = LDX_W(2, 0); /* r2 = access_type */
	prog[len++] = MOV_X(3, 2); /* r3 = type = access_type & 0xffff */
	prog[len++] = AND_K(3, 0xffff);
	prog[len++] = RSH_K(2, 16); /* r2 = access */
	prog[len++] = LDX_W(4, 4);  /* r4 = major */
	prog[len++] = LDX_W(5, 8);  /* r5 = minor */
	for (size_t b = 0; b < 3; b++) {
		size_t jumps = 0, skip;

		prog[len++] = MOV_X(1, 2); /* was this access asked for? */
		prog[len++] = AND_K(1, (int32_t)access_bits[b]);
		skip = len;
		prog[len++] = JEQ_K(1, 0, 0); /* no: to the next bit (patched) */
		for (unsigned i = n; i-- > 0;) {
			const struct cv_cg_dev_rule *r = &rules[i];

			if (!(r->access & access_bits[b]))
				continue;
			len += emit_rule(r, prog + len);
			if (r->allow)
				to_next[jumps++] = len - 1;
			if (r->type == 'a' && r->major < 0 && r->minor < 0)
				break; /* matches everything: what follows is unreachable */
		}
		prog[skip].off = (int16_t)(len - skip - 1);
		for (size_t j = 0; j < jumps; j++)
			prog[to_next[j]].off = (int16_t)(len - to_next[j] - 1);
	}
	prog[len++] = MOV_K(0, 1); /* nothing said no */
	prog[len++] = EXIT();
	return len;
}

/*
 * Attach prog_fd to the cgroup, then detach what was there before it:
 * in that order, so that there is no moment with no program, when every
 * device would be allowed.  BPF_F_ALLOW_MULTI lets both be attached at
 * once (each must allow an access for it to go ahead).  Only programs
 * attached to this very cgroup are replaced; those its parents attached
 * with BPF_F_ALLOW_MULTI run too, and may still say no.
 */
static int replace_programs(int cg_fd, int prog_fd, const char *path, struct cv_err *err)
{
	__u32 old[64], n_old = 64;
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.query.target_fd = (__u32)cg_fd;
	attr.query.attach_type = BPF_CGROUP_DEVICE;
	attr.query.prog_ids = (__u64)(uintptr_t)old;
	attr.query.prog_cnt = n_old;
	n_old = sys_bpf(BPF_PROG_QUERY, &attr, sizeof(attr)) == 0 ? attr.query.prog_cnt : 0;

	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (__u32)cg_fd;
	attr.attach_bpf_fd = (__u32)prog_fd;
	attr.attach_type = BPF_CGROUP_DEVICE;
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	if (sys_bpf(BPF_PROG_ATTACH, &attr, sizeof(attr)) < 0)
		return cv_err_sys(err, "bpf(BPF_PROG_ATTACH, `%s`, BPF_CGROUP_DEVICE)", path);
	cv_trace("bpf(BPF_PROG_ATTACH, `%s`, BPF_CGROUP_DEVICE) ok; %u old program(s) to detach",
		 path, n_old);
	for (__u32 i = 0; i < n_old && i < 64; i++) {
		_cleanup_close_ int fd = -1;

		memset(&attr, 0, sizeof(attr));
		attr.prog_id = old[i];
		fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr, sizeof(attr));
		memset(&attr, 0, sizeof(attr));
		attr.target_fd = (__u32)cg_fd;
		attr.attach_bpf_fd = (__u32)fd;
		attr.attach_type = BPF_CGROUP_DEVICE;
		if (fd >= 0 && sys_bpf(BPF_PROG_DETACH, &attr, sizeof(attr)) < 0)
			return cv_err_sys(err, "bpf(BPF_PROG_DETACH, `%s`)", path);
	}
	return 0;
}

/*
 * Load, then attach.  Loading a cgroup program needs CAP_BPF with
 * CAP_NET_ADMIN, or CAP_SYS_ADMIN (bpf(2)): without them EPERM, and no
 * second load for the verifier's log, which would only fail the same way.
 */
int cv_cg_devices_bpf(struct cv_cg_dir *d, const struct cv_cg_dev_rule *rules, unsigned n,
		      struct cv_err *err)
{
	struct bpf_insn prog[CV_CG_DEV_PROG_MAX];
	_cleanup_close_ int prog_fd = -1, cg_fd = -1;
	char log[4096] = "";
	union bpf_attr attr;
	size_t len = cv_cg_dev_program(rules, n, prog, CV_CG_DEV_PROG_MAX);

	if (len == 0)
		return cv_err_set(err, E2BIG, "device rules: more than %d", CV_CG_MAX_RULES);
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (__u64)(uintptr_t)prog;
	attr.insn_cnt = (__u32)len;
	attr.license = (__u64)(uintptr_t) "GPL";
	prog_fd = sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
	cv_trace_sys(prog_fd,
		     "bpf(BPF_PROG_LOAD, BPF_PROG_TYPE_CGROUP_DEVICE, %zu insns, %u rules)", len,
		     n);
	if (prog_fd < 0 && errno != EPERM) {
		/* again with the verifier's log, to say why; not the first time: a kernel
		 * before 6.4 fails a load whose log outgrows the buffer (ENOSPC) */
		int first = errno;
		attr.log_buf = (__u64)(uintptr_t)log;
		attr.log_size = sizeof(log);
		attr.log_level = 1;
		prog_fd = sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
		if (prog_fd < 0)
			errno = first;
	}
	if (prog_fd < 0) {
		cv_err_sys(err, "bpf(BPF_PROG_LOAD) of a %zu-instruction device program", len);
		if (errno == EPERM)
			return cv_err_hint(err,
					   "loading BPF programs needs CAP_BPF or CAP_SYS_ADMIN");
		return cv_err_hint(err, "the verifier said: %.200s", log);
	}
	cg_fd = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg_fd < 0)
		return cv_err_sys(err, "open(`%s`)", d->path);
	return replace_programs(cg_fd, prog_fd, d->path, err);
}
