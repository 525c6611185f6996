/*
 * args.c - the shared command-line parser (see args.h).
 *
 * Written here rather than on getopt_long(3) for three reasons: getopt
 * keeps global state (optind) that makes subcommands and unit tests
 * awkward; it prints its own messages, which would not follow our error
 * convention; and the help text should come from the same table as the
 * parser, so the two can never disagree.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/args.h"
#include "common/trace.h"

#ifndef CV_VERSION
#define CV_VERSION "unknown"
#endif

enum { OPT_HELP = -100, OPT_EXPLAIN, OPT_VERSION };

/* Understood by every command (and by the program before its command). */
static const struct cv_opt common_opts[] = {
    {"help", 'h', NULL, "show this help and exit", OPT_HELP},
    {"explain", 0, NULL, "narrate every kernel call (or set CV_EXPLAIN=1)", OPT_EXPLAIN},
    {NULL, 0, NULL, NULL, 0},
};
static const struct cv_opt version_opt[] = {
    {"version", 0, NULL, "print the version and exit", OPT_VERSION},
    {NULL, 0, NULL, NULL, 0},
};

/*
 * Edit distance of two short words, for "did you mean" hints: Levenshtein
 * with one row on the stack (prev holds the diagonal).  No malloc, so a
 * word of 63 bytes or more is simply never close.
 */
static size_t distance(const char *s, size_t n, const char *t)
{
	size_t m = strlen(t), row[64], prev, tmp;

	if (n >= 63 || m >= 63)
		return SIZE_MAX;
	for (size_t j = 0; j <= m; j++)
		row[j] = j;
	for (size_t i = 1; i <= n; i++) {
		prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= m; j++) {
			size_t best = prev + (s[i - 1] != t[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			prev = tmp;
		}
	}
	return row[m];
}

static const struct cv_opt *find_long(const struct cv_opt *opts, const char *name, size_t len)
{
	for (; opts && opts->name; opts++)
		if (strlen(opts->name) == len && strncmp(opts->name, name, len) == 0)
			return opts;
	return NULL;
}

static const struct cv_opt *find_short(const struct cv_opt *opts, char c)
{
	for (; opts && opts->name; opts++)
		if (opts->short_name && opts->short_name == c)
			return opts;
	return NULL;
}

/* The closest option name to a misspelt one, or NULL when none is close. */
static const char *suggest(const struct cv_opt *opts, const char *name, size_t len)
{
	const char *best = NULL;
	size_t best_d = 3; /* at most two edits away */

	for (; opts && opts->name; opts++) {
		size_t d = distance(name, len, opts->name);
		if (d < best_d) {
			best_d = d;
			best = opts->name;
		}
	}
	return best;
}

const char *cv_closest(const char *word, const char *const *words)
{
	const char *best = NULL;
	size_t best_d = 3, len = strlen(word);

	for (; *words; words++) {
		size_t d = distance(word, len, *words);
		if (d < best_d) {
			best_d = d;
			best = *words;
		}
	}
	return best;
}

static const char *where(const struct cv_args *a)
{
	return a->cmd ? a->cmd->name : a->prog->name;
}

int cv_args_usage_error(struct cv_args *a, const char *fmt, ...)
{
	char what[CV_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (a->cmd) {
		cv_err_set(a->err, EINVAL, "%s: %s", a->cmd->name, what);
		cv_err_hint(a->err, "`%s %s --help` lists the options", a->prog->name,
			    a->cmd->name);
	} else {
		cv_err_set(a->err, EINVAL, "%s", what);
		cv_err_hint(a->err, "`%s --help` lists the commands", a->prog->name);
	}
	return CV_EXIT_USAGE;
}

static int unknown_option(struct cv_args *a, const char *word, const struct cv_opt *opts)
{
	const char *name = word + 2;
	size_t len = strcspn(name, "=");
	/* only a long option is compared: a short one's letter has no name to be near */
	const char *close = word[1] == '-' ? suggest(opts, name, len) : NULL;

	cv_args_usage_error(a, "unknown option `%.*s`", (int)(len + 2), word);
	if (close)
		cv_err_hint(a->err, "did you mean `--%s`? `%s %s --help` lists the options", close,
			    a->prog->name, where(a));
	return CV_ARG_ERROR;
}

/* Look an option word up in the command's table, then the common ones:
 * the command's come first, so it may take a common option's letter. */
static const struct cv_opt *lookup(const struct cv_args *a, const char *word,
				   const char **inline_val)
{
	const struct cv_opt *own = a->cmd ? a->cmd->opts : version_opt;
	const struct cv_opt *o;

	*inline_val = NULL;
	if (word[1] == '-') {
		const char *name = word + 2;
		const char *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);

		if (eq)
			*inline_val = eq + 1;
		o = find_long(own, name, len);
		if (!o && !a->cmd && a->prog->opts)
			o = find_long(a->prog->opts, name, len);
		return o ? o : find_long(common_opts, name, len);
	}
	/* -nVALUE: the rest of a short option's word is its value, as with getopt */
	if (word[2])
		*inline_val = word + 2;
	o = find_short(own, word[1]);
	if (!o && !a->cmd && a->prog->opts)
		o = find_short(a->prog->opts, word[1]);
	return o ? o : find_short(common_opts, word[1]);
}

/* The common options: returns 0 to go on parsing, or CV_ARG_HELP. */
static int common_option(struct cv_args *a, const struct cv_opt *o)
{
	switch (o->id) {
	case OPT_HELP:
		cv_args_print_help(a->prog, a->cmd, stdout);
		return CV_ARG_HELP;
	case OPT_VERSION:
		printf("%s (containerv) %s\n", a->prog->name, CV_VERSION);
		return CV_ARG_HELP;
	default: /* OPT_EXPLAIN */
		cv_trace_enable(STDERR_FILENO);
		return 0;
	}
}

int cv_args_next(struct cv_args *a)
{
	while (a->i < a->argc) {
		const char *word = a->argv[a->i], *inline_val;
		const struct cv_opt *o;

		/* "--": what follows is the command's, even words that start with "-" */
		if (strcmp(word, "--") == 0) {
			a->i++;
			return CV_ARG_END;
		}
		if (word[0] != '-' || word[1] == '\0') { /* "-" alone is a word */
			if (!a->cmd || !(a->cmd->flags & CV_CMD_INTERLEAVE))
				return CV_ARG_END;
			a->i++;
			a->opt = NULL;
			a->val = word;
			return CV_ARG_POSITIONAL;
		}
		a->i++;
		o = lookup(a, word, &inline_val);
		if (!o)
			return unknown_option(a, word,
					      a->cmd          ? a->cmd->opts
					      : a->prog->opts ? a->prog->opts
							      : version_opt);
		if (o->id < 0) {
			int r = common_option(a, o);
			if (r)
				return r;
			continue;
		}
		a->opt = o;
		a->val = NULL;
		if (o->arg && inline_val) {
			a->val = inline_val;
		} else if (o->arg) {
			if (a->i >= a->argc) {
				cv_args_usage_error(a, "option `--%s` needs a value (%s)", o->name,
						    o->arg);
				return CV_ARG_ERROR;
			}
			a->val = a->argv[a->i++];
		} else if (inline_val) {
			/* refused, not ignored: a value the user meant must not vanish */
			cv_args_usage_error(a, "option `--%s` takes no value, got `%s`", o->name,
					    inline_val);
			return CV_ARG_ERROR;
		}
		return o->id;
	}
	return CV_ARG_END;
}

int cv_args_command(struct cv_args *a, const struct cv_prog *prog, int argc, char **argv,
		    struct cv_err *err)
{
	const char *name, *close = NULL;
	size_t best = 3; /* a suggestion is at most two edits away */
	int r;

	*a = (struct cv_args){.prog = prog, .argc = argc, .argv = argv, .i = 1, .err = err};
	/* the program's own options, before the command */
	while ((r = cv_args_next(a)) > 0)
		if (!prog->option || prog->option(a, r) != 0)
			return CV_ARG_ERROR;
	if (r == CV_ARG_HELP || r == CV_ARG_ERROR)
		return r;
	if (a->i >= argc) {
		cv_args_usage_error(a, "no command given");
		return CV_ARG_ERROR;
	}
	name = argv[a->i++];
	for (const struct cv_cmd *c = prog->cmds; c->name; c++) {
		size_t d = distance(name, strlen(name), c->name);
		if (strcmp(c->name, name) == 0) {
			a->cmd = c;
			return 0;
		}
		if (d < best) {
			best = d;
			close = c->name;
		}
	}
	cv_args_usage_error(a, "unknown command `%s`", name);
	if (close)
		cv_err_hint(err, "did you mean `%s`? `%s --help` lists the commands", close,
			    prog->name);
	return CV_ARG_ERROR;
}

int cv_args_words(struct cv_args *a, int min, int max, const char *what)
{
	int opt;

	while ((opt = cv_args_next(a)) > 0)
		;
	if (opt < 0)
		return opt == CV_ARG_HELP ? -1 : CV_EXIT_USAGE;
	if (cv_args_rest(a) < min || cv_args_rest(a) > max)
		return cv_args_usage_error(a, "expected %s", what);
	return 0;
}

int cv_args_long(struct cv_args *a, const char *text, long long min, long long max, long long *out)
{
	const char *opt = a->opt ? a->opt->name : "?";
	char *end;
	long long v;

	errno = 0; /* strtoll sets it only on overflow, and never clears it */
	v = strtoll(text, &end, 10);
	if (end == text || *end != '\0') {
		cv_args_usage_error(a, "option `--%s`: `%s` is not an integer", opt, text);
		return CV_ARG_ERROR;
	}
	if (errno == ERANGE || v < min || v > max) {
		cv_args_usage_error(a, "option `--%s`: %s is out of range [%lld, %lld]", opt, text,
				    min, max);
		return CV_ARG_ERROR;
	}
	*out = v;
	return 0;
}

static void print_opts(const struct cv_opt *opts, FILE *out)
{
	for (; opts->name; opts++) {
		char left[64];

		snprintf(left, sizeof(left), "%c%c%c --%s%s%s", opts->short_name ? '-' : ' ',
			 opts->short_name ? opts->short_name : ' ', opts->short_name ? ',' : ' ',
			 opts->name, opts->arg ? " " : "", opts->arg ? opts->arg : "");
		fprintf(out, "  %-28s %s\n", left, opts->help);
	}
}

void cv_args_print_help(const struct cv_prog *prog, const struct cv_cmd *cmd, FILE *out)
{
	if (cmd) {
		fprintf(out, "Usage: %s %s %s\n\n%s\n\nOptions:\n", prog->name, cmd->name,
			cmd->synopsis, cmd->summary);
		print_opts(cmd->opts, out);
		print_opts(common_opts, out);
		fprintf(out, "\nExample:\n  %s\n", cmd->example);
		return;
	}
	fprintf(out, "Usage: %s [--explain] COMMAND [OPTIONS]\n\n%s\n\nCommands:\n", prog->name,
		prog->summary);
	for (const struct cv_cmd *c = prog->cmds; c->name; c++)
		fprintf(out, "  %-12s %s\n", c->name, c->summary);
	fprintf(out, "\nOptions:\n");
	if (prog->opts)
		print_opts(prog->opts, out);
	print_opts(common_opts, out);
	print_opts(version_opt, out);
	fprintf(out, "\nRun `%s COMMAND --help` for a command's options.\n\nExample:\n  %s\n",
		prog->name, prog->example);
}

int cv_main(const struct cv_prog *prog, int argc, char **argv)
{
	struct cv_err err;
	struct cv_args a;
	int r;

	cv_err_clear(&err);
	cv_trace_init();
	r = cv_args_command(&a, prog, argc, argv, &err);
	if (r == CV_ARG_HELP)
		return 0;
	if (r < 0) {
		cv_err_print(&err, prog->name);
		return CV_EXIT_USAGE;
	}
	r = a.cmd->run(&a);
	/* A command may exit non-zero with nothing to say: `run` returns its
	 * command's status, whose errors that command printed itself. */
	if (r != 0 && err.code != 0)
		cv_err_print(&err, prog->name);
	return r;
}
