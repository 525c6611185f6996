/*
 * args.h - one command-line parser for every containerv binary.
 *
 * A binary describes itself as data: a struct cv_prog with its commands,
 * each command with its options, a synopsis, a summary and an example.
 * From that one description come the parser, `--help` for the program
 * and for each command, `--version`, `--explain`, and error messages that
 * name the bad word and say where to look:
 *
 *     cv-namespaces: run: unknown option `--pdi`
 *     hint: `cv-namespaces run --help` lists the options
 *
 * Options are GNU style: `--name value`, `--name=value`, `-n value`, and
 * `--` ends the options.  In a command's loop, cv_args_next() returns the
 * id of each option in turn, so the command's code is a plain switch.
 */
#ifndef CV_COMMON_ARGS_H
#define CV_COMMON_ARGS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "common/err.h"

struct cv_args;

struct cv_opt {
	const char *name; /* long name, without the leading "--" */
	char short_name;  /* single-letter form, or 0 */
	const char *arg;  /* name of the value ("HOST"), or NULL for a flag */
	const char *help; /* one line */
	int id;           /* what cv_args_next() returns for it; > 0 */
};

/* cv_cmd.flags: words that are not options may come between options
 * (`join PID --uts -- CMD`); without it the first such word ends the
 * options (`run --pid sh -c 'echo $$'`). */
#define CV_CMD_INTERLEAVE 1u

struct cv_cmd {
	const char *name;          /* "run" */
	const char *synopsis;      /* "[OPTIONS] [--] CMD [ARGS...]" */
	const char *summary;       /* one line */
	const char *example;       /* a command line that works */
	const struct cv_opt *opts; /* ends with an entry whose name is NULL */
	unsigned flags;
	int (*run)(struct cv_args *a); /* returns the exit status */
};

struct cv_prog {
	const char *name;          /* "cv-namespaces" */
	const char *summary;       /* one paragraph */
	const char *example;       /* shown at the end of `--help` */
	const struct cv_cmd *cmds; /* ends with an entry whose name is NULL */
	/* Options of the program itself, before the command (`containerv --root
	 * DIR create ...`), and what to do with each; NULL when there are none.
	 * option() returns 0, or CV_ARG_ERROR with a->err set. */
	const struct cv_opt *opts;
	int (*option)(struct cv_args *a, int id);
};

struct cv_args {
	const struct cv_prog *prog;
	const struct cv_cmd *cmd;
	const struct cv_opt *opt; /* the option cv_args_next() just returned */
	const char *val;          /* its value, or the positional word */
	int argc;
	char **argv;
	int i; /* the next word to look at; after CV_ARG_END, the first rest */
	struct cv_err *err;
};

/* What cv_args_next() returns besides an option's id. */
enum {
	CV_ARG_END = 0,         /* no more options: a->argv[a->i..] remain */
	CV_ARG_ERROR = -1,      /* a->err says what is wrong */
	CV_ARG_HELP = -2,       /* --help or --version was printed: exit 0 */
	CV_ARG_POSITIONAL = -3, /* CV_CMD_INTERLEAVE only: a->val is the word */
};

/* Exit status for a command line that could not be understood. */
#define CV_EXIT_USAGE 2

/*
 * cv_main - the whole main() of a binary: turn on the trace when
 * CV_EXPLAIN asks, choose the command from argv, run it, and print any
 * error.  Returns the exit status.
 */
int cv_main(const struct cv_prog *prog, int argc, char **argv);

/*
 * cv_args_command - choose the command from argv[1] (after any of the
 * program's own --help, --version, --explain).  Returns 0 with a->cmd
 * set, CV_ARG_HELP, or CV_ARG_ERROR.
 */
int cv_args_command(struct cv_args *a, const struct cv_prog *prog, int argc, char **argv,
		    struct cv_err *err);

/* cv_args_next - the next option of a->cmd; see the CV_ARG_* values. */
int cv_args_next(struct cv_args *a);

/*
 * cv_args_long - text as a decimal integer in [min, max] into *out, for
 * the option just returned.  Returns 0, or CV_ARG_ERROR with a->err
 * naming the option and the range.
 */
int cv_args_long(struct cv_args *a, const char *text, long long min, long long max, long long *out);

/* cv_args_rest - how many words remain after the options. */
static inline int cv_args_rest(const struct cv_args *a)
{
	return a->argc - a->i;
}

/*
 * cv_args_words - for a command with no options of its own to act on:
 * read them all, then expect min to max words.  Returns 0, -1 when
 * --help was printed (exit 0), or an exit status with a->err set.
 */
int cv_args_words(struct cv_args *a, int min, int max, const char *what);

/* cv_args_usage_error - "PROG: CMD: what" with a hint to read --help. */
int cv_args_usage_error(struct cv_args *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * cv_closest - the word in `words` (NULL-terminated) closest to `word`,
 * at most two edits away, or NULL: for "did you mean" hints anywhere.
 */
const char *cv_closest(const char *word, const char *const *words);

/*
 * cv_args_print_help - the program's help (cmd NULL: its commands) or one
 * command's (its options, then the common ones, then its example).
 */
void cv_args_print_help(const struct cv_prog *prog, const struct cv_cmd *cmd, FILE *out);

#endif
