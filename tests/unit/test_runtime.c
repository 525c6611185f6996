/*
 * test_runtime.c - the runtime's pure code: config.json into the typed
 * spec (and every mistake reported with file, line and JSON path),
 * signal names, container ids, the state JSON.
 */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <cmocka.h>

#include "runtime/core/container.h"
#include "runtime/spec/spec.h"
#include "runtime/core/state.h"

static struct cv_err err;

/* Parse text as config.json of the bundle /b. */
static int parse(const char *text, struct cv_spec *s)
{
	int r;

	memset(s, 0, sizeof(*s));
	snprintf(s->bundle, sizeof(s->bundle), "/b");
	cv_err_clear(&err);
	if ((r = cv_json_parse(&s->json, text, strlen(text), "config.json", &err)) < 0)
		return r;
	if ((r = cv_spec_parse(s, &err)) < 0)
		cv_spec_free(s);
	return r;
}

static const char good[] =
    "{\n"
    "  \"ociVersion\": \"1.2.0\",\n"
    "  \"root\": {\"path\": \"rootfs\", \"readonly\": true},\n"
    "  \"hostname\": \"box\",\n"
    "  \"process\": {\n"
    "    \"terminal\": true, \"consoleSize\": {\"height\": 24, \"width\": 80},\n"
    "    \"user\": {\"uid\": 1000, \"gid\": 100, \"umask\": 18, \"additionalGids\": [5, 6]},\n"
    "    \"args\": [\"sh\", \"-c\", \"true\"], \"env\": [\"A=b\"], \"cwd\": \"/home\",\n"
    "    \"capabilities\": {\"bounding\": [\"CAP_KILL\", \"net_bind_service\"],\n"
    "                     \"effective\": [\"CAP_KILL\"], \"ambient\": [\"CAP_KILL\"]},\n"
    "    \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 64, \"hard\": 128}],\n"
    "    \"noNewPrivileges\": true, \"oomScoreAdj\": -500,\n"
    "    \"ioPriority\": {\"class\": \"IOPRIO_CLASS_IDLE\", \"priority\": 0},\n"
    "    \"scheduler\": {\"policy\": \"SCHED_BATCH\", \"nice\": 3}\n"
    "  },\n"
    "  \"mounts\": [\n"
    "    {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},\n"
    "    {\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"data\", \"options\": "
    "[\"rbind\", \"ro\"]}\n"
    "  ],\n"
    "  \"hooks\": {\"prestart\": [{\"path\": \"/bin/true\", \"args\": [\"true\"], \"timeout\": "
    "5}],\n"
    "            \"poststop\": [{\"path\": \"/bin/false\"}]},\n"
    "  \"annotations\": {\"a\": \"b\"},\n"
    "  \"linux\": {\n"
    "    \"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"mount\"}, {\"type\": \"user\"},\n"
    "                   {\"type\": \"network\", \"path\": \"/run/netns/x\"}],\n"
    "    \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}],\n"
    "    \"gidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}],\n"
    "    \"timeOffsets\": {\"monotonic\": {\"secs\": 10, \"nanosecs\": 5}},\n"
    "    \"devices\": [{\"path\": \"/dev/fuse\", \"type\": \"c\", \"major\": 10, \"minor\": "
    "229}],\n"
    "    \"cgroupsPath\": \"/cv/x\",\n"
    "    \"resources\": {\"memory\": {\"limit\": 1048576, \"swap\": -1},\n"
    "                  \"pids\": {\"limit\": -1},\n"
    "                  \"cpu\": {\"shares\": 512, \"cpus\": \"0\", \"burst\": 10, \"idle\": 1},\n"
    "                  \"network\": {\"classID\": 7, \"priorities\": [{\"name\": \"eth0\", "
    "\"priority\": 2}]},\n"
    "                  \"rdma\": {\"mlx5_1\": {\"hcaHandles\": 3}},\n"
    "                  \"devices\": [{\"allow\": false, \"access\": \"rwm\"}]},\n"
    "    \"rootfsPropagation\": \"rslave\",\n"
    "    \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
    "                \"syscalls\": [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\"}]},\n"
    "    \"sysctl\": {\"net.ipv4.ip_forward\": \"1\"},\n"
    "    \"maskedPaths\": [\"/proc/kcore\"], \"readonlyPaths\": [\"/proc/sys\"],\n"
    "    \"personality\": {\"domain\": \"LINUX32\"}\n"
    "  }\n"
    "}\n";

static void parses_everything(void **state)
{
	struct cv_spec s;

	(void)state;
	assert_int_equal(parse(good, &s), 0);
	assert_string_equal(s.root_abs, "/b/rootfs");
	assert_true(s.root_readonly);
	assert_string_equal(s.hostname, "box");
	assert_true(s.terminal);
	assert_int_equal(s.console_height, 24);
	assert_int_equal(s.id.uid, 1000);
	assert_int_equal(s.id.gid, 100);
	assert_int_equal(s.id.umask, 022);
	assert_int_equal(s.id.n_gids, 2);
	assert_string_equal(s.args[2], "true");
	assert_null(s.args[3]);
	assert_string_equal(s.cwd, "/home");
	assert_int_equal(s.caps.bounding, (1ULL << CAP_KILL) | (1ULL << CAP_NET_BIND_SERVICE));
	assert_int_equal(s.caps.ambient, 1ULL << CAP_KILL);
	assert_int_equal(s.id.n_rlimits, 1);
	assert_int_equal(s.id.rlimits[0].resource, RLIMIT_NOFILE);
	assert_int_equal(s.id.rlimits[0].hard, 128);
	assert_true(s.id.no_new_privs);
	assert_int_equal(s.id.oom_score_adj, -500);
	assert_int_equal(s.ioprio_class, 3);
	assert_int_equal(s.sched_policy, SCHED_BATCH);
	assert_int_equal(s.n_mounts, 2);
	assert_string_equal(s.mounts[1].source, "/b/data"); /* relative to the bundle */
	assert_true(s.mounts[1].bind && s.mounts[1].recursive);
	assert_int_equal(s.n_hooks[CV_HOOK_PRESTART], 1);
	assert_int_equal(s.hooks[CV_HOOK_PRESTART][0].timeout, 5);
	assert_int_equal(s.n_hooks[CV_HOOK_POSTSTOP], 1);
	assert_int_equal(s.ns_new, CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUSER);
	assert_int_equal(s.n_joins, 1);
	assert_int_equal(s.joins[0].flag, CLONE_NEWNET);
	assert_int_equal(s.uid_map.n, 1);
	assert_int_equal(s.monotonic.secs, 10);
	assert_int_equal(s.n_devices, 1);
	assert_int_equal(s.devices[0].minor, 229);
	assert_string_equal(s.cgroups_path, "/cv/x");
	assert_int_equal(s.limits->memory_limit, 1048576);
	assert_int_equal(s.limits->memory_swap, CV_CG_MAX);
	assert_int_equal(s.limits->pids_limit, CV_CG_MAX);
	assert_int_equal(s.limits->cpu_shares, 512);
	assert_int_equal(s.limits->cpu_burst, 10);
	assert_int_equal(s.limits->cpu_idle, 1);
	assert_int_equal(s.limits->net_classid, 7);
	assert_string_equal(s.limits->net_prio[0].iface, "eth0");
	assert_int_equal(s.limits->net_prio[0].priority, 2);
	assert_string_equal(s.limits->rdma[0].device, "mlx5_1");
	assert_int_equal(s.limits->rdma[0].handles, 3);
	assert_int_equal(s.limits->rdma[0].objects, CV_CG_MAX);
	assert_int_equal(s.limits->n_rules, 1);
	assert_true(s.has_seccomp);
	assert_int_equal(s.seccomp.n_rules, 1);
	assert_int_equal(s.n_sysctl, 1);
	assert_string_equal(s.masked[0], "/proc/kcore");
	assert_int_equal(s.personality, PER_LINUX32);
	cv_spec_free(&s);
}

/*
 * The line table (json.c) on what the fuzzer found: nesting deeper than
 * it names (80 levels: the depth went below zero and read before its
 * stack) and a NUL after a value (it recorded the same place for ever).
 */
static void line_table_odd_documents(void **state)
{
	char text[512], *p = text;
	struct cv_spec s;
	struct cv_json j;

	(void)state;
	p += sprintf(p, "{\"root\": {\"path\": \"r\"}, \"x\": ");
	for (int i = 0; i < 80; i++)
		*p++ = '[';
	p += sprintf(p, "1, \"]\", {\"k\": [2, 3]}");
	for (int i = 0; i < 80; i++)
		*p++ = ']';
	sprintf(p, ",\n \"process\": {\"cwd\": \"/\",\n \"args\": 5}}");
	assert_int_equal(parse(text, &s), -EINVAL);
	assert_string_equal(err.msg, "config.json:3: process.args: expected an array, got 5");
	static const char nul[] = "{\"a\": true\0 }";
	cv_err_clear(&err);
	if (cv_json_parse(&j, nul, sizeof(nul) - 1, "config.json", &err) == 0)
		cv_json_free(&j); /* whether jansson takes it or not, it returns */
}

/* Each mistake, and the error it must give (file, line, JSON path, what). */
static void mistakes_name_their_place(void **state)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
	    {"{\"root\": {\"path\": \"r\"},\n \"process\": {,\n}", "config.json:2:"},
	    {"[]", "config.json: (top): expected an object, got an array"},
	    {"{}", "config.json: root: missing"},
	    {"{\"root\": {\"path\": 5}}", "config.json:1: root.path: expected a string, got 5"},
	    {"{\"ociVersion\": \"2.0.0\", \"root\": {\"path\": \"r\"}}",
	     "config.json:1: ociVersion: `2.0.0` is not a 1.x version"},
	    {"{\"root\": {\"path\": \"r\"},\n \"process\": {\"cwd\": \"/\"}}",
	     "config.json:2: process.args: missing"},
	    {"{\"root\": {\"path\": \"r\"},\n \"process\": {\"args\": [\"sh\"],\n  \"cwd\": "
	     "\"home\"}}",
	     "config.json:3: process.cwd: `home` is not an absolute path"},
	    {"{\"root\": {\"path\": \"r\"}, \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\",\n"
	     "  \"env\": [\"A=b\", \"nonsense\"]}}",
	     "config.json:2: process.env[1]: `nonsense` is not NAME=VALUE"},
	    {"{\"root\": {\"path\": \"r\"}, \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\",\n"
	     "  \"capabilities\": {\"bounding\": [\"CAP_KILL\",\n \"CAP_NOPE\"]}}}",
	     "config.json:3: process.capabilities.bounding[1]: unknown capability `CAP_NOPE`"},
	    {"{\"root\": {\"path\": \"r\"}, \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\",\n"
	     "  \"rlimits\": [{\"type\": \"RLIMIT_FILES\", \"soft\": 1, \"hard\": 1}]}}",
	     "config.json:2: process.rlimits[0].type: unknown resource limit `RLIMIT_FILES`"},
	    {"{\"root\": {\"path\": \"r\"}, \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\",\n"
	     "  \"rlimits\": [{\"type\": \"RLIMIT_CORE\"}, {\"type\": \"RLIMIT_CORE\"}]}}",
	     "config.json:2: process.rlimits[1]: RLIMIT_CORE is given twice"},
	    {"{\"root\": {\"path\": \"r\"}, \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\",\n"
	     "  \"oomScoreAdj\": 2000}}",
	     "config.json:2: process.oomScoreAdj: 2000 is not -1000 to 1000"},
	    {"{\"root\": {\"path\": \"r\"},\n \"mounts\": [{\"type\": \"tmpfs\"}]}",
	     "config.json:2: mounts[0].destination: missing"},
	    {"{\"root\": {\"path\": \"r\"},\n \"mounts\": [{\"destination\": \"x\"}]}",
	     "config.json:2: mounts[0]: mount destination `x` is not an absolute path"},
	    {"{\"root\": {\"path\": \"r\"},\n \"hooks\": {\"prestrat\": []}}",
	     "config.json:2: hooks.prestrat: not a hook point"},
	    {"{\"root\": {\"path\": \"r\"},\n \"hooks\": {\"poststop\": [{\"path\": \"rm\"}]}}",
	     "config.json:2: hooks.poststop[0].path: `rm` is not an absolute path"},
	    {"{\"root\": {\"path\": \"r\"},\n \"linux\": {\"namespaces\": [\n  {\"type\": "
	     "\"pidd\"}]}}",
	     "config.json:3: linux.namespaces[0].type: unknown namespace type `pidd`"},
	    {"{\"root\": {\"path\": \"r\"}, \"linux\": {\"namespaces\": [{\"type\": \"pid\"},\n"
	     "  {\"type\": \"pid\"}]}}",
	     "config.json:2: linux.namespaces[1].type: the pid namespace is listed twice"},
	    {"{\"root\": {\"path\": \"r\"},\n \"linux\": {\"resources\": {\"memory\": {\n"
	     "  \"limit\": \"12XB\"}}}}",
	     "config.json:3: linux.resources.memory.limit: expected an integer, got \"12XB\""},
	    {"{\"root\": {\"path\": \"r\"},\n \"linux\": {\"resources\": {\"devices\": [\n"
	     "  {\"allow\": true, \"access\": \"rwx\"}]}}}",
	     "config.json:3: linux.resources.devices[0]: access `rwx` is not made of r, w and m"},
	    {"{\"root\": {\"path\": \"r\"},\n \"linux\": {\"uidMappings\": [{\"containerID\": 0,\n"
	     "  \"hostID\": -1, \"size\": 1}]}}",
	     "config.json:3: linux.uidMappings[0].hostID: expected a non-negative integer, got -1"},
	    {"{\"root\": {\"path\": \"r\"},\n \"linux\": {\"seccomp\": {\"defaultAction\": "
	     "\"SCMP_ACT_ALLOW\",\n"
	     "  \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_DENY\"}]}}}",
	     "config.json:2: linux.seccomp: syscalls[0].action: unknown seccomp action"},
	    {"{\"root\": {\"path\": \"r\"},\n \"linux\": {\"rootfsPropagation\": \"rsharde\"}}",
	     "config.json:2: linux.rootfsPropagation:"},
	    {"{\"root\": {\"path\": \"r\"},\n \"linux\": {\"sysctl\": {\"a/b\": \"1\"}}}",
	     "config.json:2: linux.sysctl.a/b: `a/b` is not a sysctl name"},
	};
	struct cv_spec s;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (parse(cases[i].text, &s) == 0) {
			cv_spec_free(&s);
			fail_msg("case %zu parsed: %s", i, cases[i].text);
		}
		if (strncmp(err.msg, cases[i].msg, strlen(cases[i].msg)))
			fail_msg("case %zu:\n  got: %s\n want: %s...", i, err.msg, cases[i].msg);
	}
}

static void default_spec_parses(void **state)
{
	const char *args[] = {"/bin/echo", "hi", NULL};
	char *text = cv_spec_default(false, args), *rootless = cv_spec_default(true, NULL);
	struct cv_spec s;

	(void)state;
	assert_non_null(text);
	assert_int_equal(parse(text, &s), 0);
	assert_string_equal(s.args[0], "/bin/echo");
	assert_true(s.id.no_new_privs);
	assert_true(s.ns_new & CLONE_NEWPID);
	assert_false(s.ns_new & CLONE_NEWUSER);
	assert_int_equal(s.caps.bounding, (1ULL << CAP_AUDIT_WRITE) | (1ULL << CAP_KILL) |
					      (1ULL << CAP_NET_BIND_SERVICE));
	assert_true(s.masked && s.readonly_paths);
	cv_spec_free(&s);
	assert_int_equal(parse(rootless, &s), 0);
	assert_true(s.ns_new & CLONE_NEWUSER);
	assert_false(s.ns_new & CLONE_NEWNET);
	assert_int_equal(s.uid_map.n, 1);
	assert_false(s.has_resources);
	cv_spec_free(&s);
	free(text);
	free(rootless);
}

static void signals_and_ids(void **state)
{
	int sig;

	(void)state;
	assert_int_equal(cv_signal_parse("KILL", &sig, &err), 0);
	assert_int_equal(sig, SIGKILL);
	assert_int_equal(cv_signal_parse("SIGTERM", &sig, &err), 0);
	assert_int_equal(sig, SIGTERM);
	assert_int_equal(cv_signal_parse("hup", &sig, &err), 0);
	assert_int_equal(sig, SIGHUP);
	assert_int_equal(cv_signal_parse("10", &sig, &err), 0);
	assert_int_equal(sig, 10);
	assert_int_equal(cv_signal_parse("SIGNOPE", &sig, &err), -EINVAL);
	assert_string_equal(err.msg, "unknown signal `SIGNOPE`");
	assert_int_equal(cv_signal_parse("0", &sig, &err), -EINVAL);
	assert_int_equal(cv_state_id_check("web-1_a.b+c", &err), 0);
	assert_int_equal(cv_state_id_check("a/b", &err), -EINVAL);
	assert_string_equal(err.msg, "invalid container id `a/b`");
	assert_int_equal(cv_state_id_check("..", &err), -EINVAL);
	assert_int_equal(cv_state_id_check("", &err), -EINVAL);
}

static void state_json(void **state)
{
	struct cv_state st = {.id = "c1", .pid = 42, .status = CV_RUNNING, .bundle = "/b"};
	json_error_t jerr;
	char *text;
	json_t *doc;

	(void)state;
	st.annotations = json_pack("{s:s}", "k", "v");
	text = cv_state_json(&st, CV_RUNNING);
	doc = json_loads(text, 0, &jerr);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "ociVersion")), "1.2.0");
	assert_string_equal(json_string_value(json_object_get(doc, "status")), "running");
	assert_int_equal(json_integer_value(json_object_get(doc, "pid")), 42);
	assert_string_equal(json_string_value(json_object_get(doc, "bundle")), "/b");
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(doc, "annotations"), "k")), "v");
	json_decref(doc);
	free(text);
	/* stopped: no pid */
	text = cv_state_json(&st, CV_STOPPED);
	assert_non_null(strstr(text, "\"pid\": 0"));
	free(text);
	json_decref(st.annotations);
	for (int s = CV_CREATING; s <= CV_PAUSED; s++)
		assert_non_null(cv_status_name((enum cv_status)s));
	assert_string_equal(cv_status_name(CV_CREATED), "created");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parses_everything),   cmocka_unit_test(mistakes_name_their_place),
	    cmocka_unit_test(default_spec_parses), cmocka_unit_test(signals_and_ids),
	    cmocka_unit_test(state_json),          cmocka_unit_test(line_table_odd_documents),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
