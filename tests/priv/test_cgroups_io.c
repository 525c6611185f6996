/*
 * test_cgroups_io.c - step 02 as root: the io controller on a real block
 * device (the test VM's virtio disk, or a loop device made here) and
 * cpuset, each seen by the workload.  Shares lib/cgtest.h with
 * test_cgroups.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/loop.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "02-cgroups/ops.h"
#include "lib/cgtest.h"
#include "lib/tap.h"

/*
 * A block device for the io tests: $CV_TEST_DISK (the test VM's virtio
 * disk), else a loop device over a file of our own, which the kernel
 * detaches when the last descriptor of it closes.
 */
static int disk_fd = -1;
static char disk[64];

static void get_disk(uint32_t *major, uint32_t *minor)
{
	const char *given = getenv("CV_TEST_DISK");
	struct loop_info64 info = {.lo_flags = LO_FLAGS_AUTOCLEAR};
	char file[PATH_MAX];
	struct stat st;
	int ctl, back, n;

	if (given) {
		snprintf(disk, sizeof(disk), "%s", given);
		disk_fd = open(disk, O_RDONLY);
	} else {
		tap_tmp_path(file, sizeof(file), "cvtest-disk-%d", getpid());
		back = open(file, O_RDWR | O_CREAT | O_EXCL, 0600);
		CHECK(back >= 0 && ftruncate(back, 16 << 20) == 0, "%s: %s", file, strerror(errno));
		unlink(file);
		ctl = open("/dev/loop-control", O_RDWR);
		CHECK(ctl >= 0, "/dev/loop-control: %s", strerror(errno));
		n = ioctl(ctl, LOOP_CTL_GET_FREE);
		close(ctl);
		snprintf(disk, sizeof(disk), "/dev/loop%d", n);
		disk_fd = open(disk, O_RDWR);
		CHECK(n >= 0 && disk_fd >= 0 && ioctl(disk_fd, LOOP_SET_FD, back) == 0 &&
			  ioctl(disk_fd, LOOP_SET_STATUS64, &info) == 0,
		      "a loop device: %s", strerror(errno));
		close(back);
	}
	CHECK(disk_fd >= 0 && fstat(disk_fd, &st) == 0 && S_ISBLK(st.st_mode), "%s: %s", disk,
	      strerror(errno));
	*major = major(st.st_rdev);
	*minor = minor(st.st_rdev);
}

/* cv-load read DISK 2M in the cgroup: the seconds it took. */
static double timed_read(void)
{
	char *argv[] = {(char *)load(), "read", disk, "2M", NULL}, out[128];
	double secs = -1;
	int status = run(argv, out, sizeof(out));

	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
		  sscanf(out, "read %*u bytes in %lf s", &secs) == 1,
	      "read: `%s`", out);
	return secs;
}

/*
 * io.max (v1: blkio.throttle.*) on a real block device: the kernel keeps
 * the limit for that device, the cgroup's own counters show the reads, and
 * a read that took a fraction of a second takes seconds under 512 KiB/s.
 * Where the kernel has io.weight (cgroup v2), a per-device weight too.
 */
static void io_limits_on_a_disk(void)
{
	const struct cv_cg_dir *d;
	char text[1024], want[64];
	uint32_t maj, min;
	double fast, slow;

	tap_need_root();
	get_disk(&maj, &min);
	cv_cg_limits_init(&lim);
	make("io");
	fast = timed_read();
	lim.n_rbps = 1;
	lim.rbps[0] = (struct cv_cg_dev_value){maj, min, 512 * 1024};
	d = dir_of(CV_CG_IO);
	/* the default weight: a device's own needs iocost or BFQ enabled on it */
	if (d->tree->version == 2 && cg_has(d, "io.weight"))
		lim.io_weight = 500; /* blkio's scale */
	CHECK(cv_cg_set(&cg, &lim, &err) == 0, "set: %s (%s)", err.msg, err.hint);
	if (d->tree->version == 2) {
		CHECK(cg_read(d, "io.max", text, sizeof(text), &err) >= 0, "%s", err.msg);
		snprintf(want, sizeof(want), "%u:%u rbps=524288 wbps=max", maj, min);
		CHECK(strstr(text, want), "io.max: `%s`", text);
		if (lim.io_weight == 500) {
			CHECK(cg_read(d, "io.weight", text, sizeof(text), &err) >= 0, "%s",
			      err.msg);
			snprintf(want, sizeof(want), "default %llu",
				 (unsigned long long)cv_cg_blkio_to_io_weight(500));
			CHECK(strstr(text, want), "io.weight: `%s`", text);
		}
	} else {
		CHECK(cg_read(d, "blkio.throttle.read_bps_device", text, sizeof(text), &err) >= 0,
		      "%s", err.msg);
		snprintf(want, sizeof(want), "%u:%u 524288", maj, min);
		CHECK(strstr(text, want), "read_bps_device: `%s`", text);
	}
	slow = timed_read();
	CHECK(fast < 1.5 && slow >= 2.0, "2 MiB: %.2f s free, %.2f s at 512 KiB/s", fast, slow);
	/* both reads are the cgroup's: its counters saw at least 4 MiB from the disk */
	snprintf(want, sizeof(want), "%u:%u ", maj, min);
	CHECK(cg_read(d, d->tree->version == 2 ? "io.stat" : "blkio.throttle.io_service_bytes",
		      text, sizeof(text), &err) >= 0 &&
		  strstr(text, want),
	      "no io counted for %s: `%s`", want, text);
	if (d->tree->version == 2) {
		unsigned long long rbytes = 0;
		sscanf(strstr(text, want) + strlen(want), "rbytes=%llu", &rbytes);
		CHECK(rbytes >= 4ULL << 20, "io.stat rbytes=%llu", rbytes);
	}
	close(disk_fd);
	unmake();
}

/* cpuset.cpus: the workload may run on the CPUs given, and no others. */
static void cpuset_confines(void)
{
	char *argv[] = {(char *)load(), "cpus", NULL}, out[64], all[64];

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		tap_skip("one CPU: nothing to confine to");
	cv_cg_limits_init(&lim);
	make("cpuset");
	CHECK(run(argv, all, sizeof(all)) == 0, "cpus");
	snprintf(lim.cpuset_cpus, sizeof(lim.cpuset_cpus), "1");
	CHECK(cv_cg_set(&cg, &lim, &err) == 0, "set: %s (%s)", err.msg, err.hint);
	CHECK(run(argv, out, sizeof(out)) == 0, "cpus");
	CHECK(!strcmp(out, "1\n") && strcmp(all, "1\n"), "cpus: `%s` confined, `%s` before", out,
	      all);
	unmake();
}

int main(void)
{
	static const struct tap_test tests[] = {
	    {"io.max on a block device: kept by the kernel, counted, and slowing a read",
	     io_limits_on_a_disk},
	    {"cpuset.cpus confines the workload to the CPUs given", cpuset_confines},
	};

	return tap_main(tests, sizeof(tests) / sizeof(tests[0])) ? 1 : 0;
}
