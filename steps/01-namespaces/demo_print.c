/*
 * demo_print.c - what bin/cv-namespaces prints.
 *
 * Every number here comes from the kernel's own answers, asked the same
 * way on both sides: a namespace is the inode of its /proc/PID/ns file,
 * the pid is getpid(), the ids are getuid() and getgid().  `run` asks
 * once before clone (the outside) and once in the child just before it
 * execs (the inside), so each row of the table is one question with two
 * answers.  `show` asks about another process, through /proc/PID.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "01-namespaces/demo.h"
#include "01-namespaces/namespaces.h"
#include "common/args.h"
#include "common/file.h"
#include "common/probe.h"

void look(struct view *v, int pid)
{
	struct cv_err ignored;
	struct timespec ts;

	for (int i = 0; i < CV_NS_COUNT; i++)
		if (cv_ns_id(0, &cv_ns_types[i], &v->ns[i], &ignored) < 0)
			v->ns[i] = (struct cv_ns_id){0, 0};
	v->pid = pid;
	gethostname(v->hostname, sizeof(v->hostname) - 1);
	v->uid = getuid();
	v->gid = getgid();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	v->monotonic = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void row(const char *what, const char *out, const char *in, const char *note)
{
	printf("%-12s %-14s %s%s%s\n", what, out, in, *note ? "  " : "", note);
}

void print_table(const struct view *out, const struct view *in)
{
	char a[32], b[32];

	row("namespace", "outside", "inside", "");
	for (int i = 0; i < CV_NS_COUNT; i++) {
		snprintf(a, sizeof(a), "%lu", (unsigned long)out->ns[i].ino);
		snprintf(b, sizeof(b), "%-14lu", (unsigned long)in->ns[i].ino);
		row(cv_ns_types[i].name, a, b, out->ns[i].ino != in->ns[i].ino ? "new" : "shared");
	}
	snprintf(a, sizeof(a), "%d", out->pid);
	snprintf(b, sizeof(b), "%d", in->pid);
	row("pid", a, b, "");
	row("hostname", out->hostname, in->hostname, "");
	snprintf(a, sizeof(a), "%u:%u", out->uid, out->gid);
	snprintf(b, sizeof(b), "%u:%u", in->uid, in->gid);
	row("uid:gid", a, b,
	    in->uid == 65534 && out->uid != 65534 ? "unmapped: try --map-root" : "");
	snprintf(a, sizeof(a), "%.1f", out->monotonic);
	snprintf(b, sizeof(b), "%.1f", in->monotonic);
	row("monotonic s", a, b, "");
	printf("---\n");
	fflush(stdout);
}

/* --- show ----------------------------------------------------------------- */

static void show_map(int pid, const char *file)
{
	char path[64], text[4096];
	struct cv_err err;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	if (cv_read_file(path, text, sizeof(text), &err) < 0)
		return;
	printf("%s:\n", file);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
		printf("  %s\n", line);
}

int cmd_show(struct cv_args *a)
{
	long long pid = getpid();
	int opt;

	while ((opt = cv_args_next(a)) > 0)
		;
	if (opt < 0)
		return opt == CV_ARG_HELP ? 0 : CV_EXIT_USAGE;
	if (cv_args_rest(a) > 1)
		return cv_args_usage_error(a, "one PID at most, got `%s`", a->argv[a->i + 1]);
	if (cv_args_rest(a) == 1 && cv_args_long(a, a->argv[a->i], 1, 1 << 22, &pid) < 0)
		return CV_EXIT_USAGE;

	printf("%-8s %-14s %-8s %s\n", "type", "id", "vs mine", "isolates");
	for (int i = 0; i < CV_NS_COUNT; i++) {
		const struct cv_ns_type *t = &cv_ns_types[i];
		struct cv_ns_id id, mine;

		if (cv_ns_id((pid_t)pid, t, &id, a->err) < 0 || cv_ns_id(0, t, &mine, a->err) < 0)
			return 1;
		printf("%-8s %-14lu %-8s %s\n", t->name, (unsigned long)id.ino,
		       mine.ino == id.ino ? "same" : "differs", t->isolates);
	}
	show_map((int)pid, "uid_map");
	show_map((int)pid, "gid_map");
	return 0;
}

/* --- features --------------------------------------------------------------- */

int cmd_features(struct cv_args *a)
{
	int opt;

	while ((opt = cv_args_next(a)) > 0)
		;
	if (opt < 0)
		return opt == CV_ARG_HELP ? 0 : CV_EXIT_USAGE;
	if (cv_args_rest(a) > 0)
		return cv_args_usage_error(a, "unexpected `%s`", a->argv[a->i]);
	for (const struct cv_feature *f = cv_features; f->name; f++)
		printf("%-18s %-4s %s\n", f->name, f->have() ? "yes" : "no", f->what);
	for (int i = 0; i < CV_NS_COUNT; i++) {
		const struct cv_ns_type *t = &cv_ns_types[i];
		char what[80];

		snprintf(what, sizeof(what), "%s namespaces: %s", t->flag_name, t->isolates);
		printf("ns:%-15s %-4s %s\n", t->name, cv_have_ns(t->name) ? "yes" : "no", what);
	}
	return 0;
}
