/*
 * test_args.c - the shared command-line parser: options in both forms,
 * commands, positional words, and the errors a user sees.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/args.h"
#include "common/trace.h"

enum { O_FLAG = 1, O_NAME, O_NUM };

static const struct cv_opt opts[] = {
    {"flag", 'f', NULL, "a flag", O_FLAG},
    {"name", 'n', "NAME", "a value", O_NAME},
    {"num", 0, "N", "a number", O_NUM},
    {NULL, 0, NULL, NULL, 0},
};

static int ran;
static int run_cmd(struct cv_args *a)
{
	(void)a;
	return ++ran;
}

static const struct cv_cmd cmds[] = {
    {"run", "[OPTIONS] CMD", "run it", "prog run -f x", opts, 0, run_cmd},
    {"join", "PID [OPTIONS] -- CMD", "join it", "prog join 1 -- x", opts, CV_CMD_INTERLEAVE,
     run_cmd},
    {NULL, NULL, NULL, NULL, NULL, 0, NULL},
};
static const struct cv_prog prog = {"prog", "A test program.", "prog run x", cmds, NULL, NULL};

static struct cv_err err;
static struct cv_args a;

static int start(int argc, char **argv)
{
	cv_err_clear(&err);
	return cv_args_command(&a, &prog, argc, argv, &err);
}

static void long_and_short_forms(void **state)
{
	char *argv[] = {"prog", "run", "--flag", "--name", "x",   "--name=y",
			"-n",   "z",   "-nw",    "--",     "cmd", "--flag"};

	(void)state;
	assert_int_equal(start(12, argv), 0);
	assert_string_equal(a.cmd->name, "run");
	assert_int_equal(cv_args_next(&a), O_FLAG);
	assert_int_equal(cv_args_next(&a), O_NAME);
	assert_string_equal(a.val, "x");
	assert_int_equal(cv_args_next(&a), O_NAME);
	assert_string_equal(a.val, "y");
	assert_int_equal(cv_args_next(&a), O_NAME);
	assert_string_equal(a.val, "z");
	assert_int_equal(cv_args_next(&a), O_NAME);
	assert_string_equal(a.val, "w");
	assert_int_equal(cv_args_next(&a), CV_ARG_END);
	assert_int_equal(cv_args_rest(&a), 2); /* "--" ends the options */
	assert_string_equal(a.argv[a.i], "cmd");
}

static void first_word_ends_options(void **state)
{
	char *argv[] = {"prog", "run", "-f", "sh", "-c", "echo"};

	(void)state;
	assert_int_equal(start(6, argv), 0);
	assert_int_equal(cv_args_next(&a), O_FLAG);
	assert_int_equal(cv_args_next(&a), CV_ARG_END);
	assert_string_equal(a.argv[a.i], "sh"); /* `-c` belongs to sh */
}

static void interleaved_positionals(void **state)
{
	char *argv[] = {"prog", "join", "42", "--flag", "--", "cmd"};

	(void)state;
	assert_int_equal(start(6, argv), 0);
	assert_int_equal(cv_args_next(&a), CV_ARG_POSITIONAL);
	assert_string_equal(a.val, "42");
	assert_int_equal(cv_args_next(&a), O_FLAG);
	assert_int_equal(cv_args_next(&a), CV_ARG_END);
	assert_string_equal(a.argv[a.i], "cmd");
}

static void unknown_option_suggests(void **state)
{
	char *argv[] = {"prog", "run", "--flga"};

	(void)state;
	assert_int_equal(start(3, argv), 0);
	assert_int_equal(cv_args_next(&a), CV_ARG_ERROR);
	assert_string_equal(err.msg, "run: unknown option `--flga`");
	assert_string_equal(err.hint, "did you mean `--flag`? `prog run --help` lists the options");
}

static void unknown_option_far_from_any(void **state)
{
	char *argv[] = {"prog", "run", "--zzzzzz=1", "-q"};

	(void)state;
	assert_int_equal(start(4, argv), 0);
	assert_int_equal(cv_args_next(&a), CV_ARG_ERROR);
	assert_string_equal(err.msg, "run: unknown option `--zzzzzz`");
	assert_string_equal(err.hint, "`prog run --help` lists the options");
}

static void value_errors(void **state)
{
	char *missing[] = {"prog", "run", "--name"};
	char *extra[] = {"prog", "run", "--flag=yes"};

	(void)state;
	assert_int_equal(start(3, missing), 0);
	assert_int_equal(cv_args_next(&a), CV_ARG_ERROR);
	assert_string_equal(err.msg, "run: option `--name` needs a value (NAME)");
	assert_int_equal(start(3, extra), 0);
	assert_int_equal(cv_args_next(&a), CV_ARG_ERROR);
	assert_string_equal(err.msg, "run: option `--flag` takes no value, got `yes`");
}

static void commands(void **state)
{
	char *none[] = {"prog"};
	char *typo[] = {"prog", "rnu"};
	char *odd[] = {"prog", "frobnicate"};
	char *early[] = {"prog", "--bogus"};

	(void)state;
	assert_int_equal(start(1, none), CV_ARG_ERROR);
	assert_string_equal(err.msg, "no command given");
	assert_string_equal(err.hint, "`prog --help` lists the commands");
	assert_int_equal(start(2, typo), CV_ARG_ERROR);
	assert_string_equal(err.msg, "unknown command `rnu`");
	assert_string_equal(err.hint, "did you mean `run`? `prog --help` lists the commands");
	assert_int_equal(start(2, odd), CV_ARG_ERROR);
	assert_string_equal(err.hint, "`prog --help` lists the commands");
	assert_int_equal(start(2, early), CV_ARG_ERROR);
	assert_string_equal(err.msg, "unknown option `--bogus`");
}

static void numbers(void **state)
{
	char *argv[] = {"prog", "run", "--num", "12"};
	long long v;

	(void)state;
	assert_int_equal(start(4, argv), 0);
	assert_int_equal(cv_args_next(&a), O_NUM);
	assert_int_equal(cv_args_long(&a, a.val, 0, 100, &v), 0);
	assert_int_equal(v, 12);
	assert_int_equal(cv_args_long(&a, "12x", 0, 100, &v), CV_ARG_ERROR);
	assert_string_equal(err.msg, "run: option `--num`: `12x` is not an integer");
	assert_int_equal(cv_args_long(&a, "101", 0, 100, &v), CV_ARG_ERROR);
	assert_string_equal(err.msg, "run: option `--num`: 101 is out of range [0, 100]");
	assert_int_equal(cv_args_long(&a, "", 0, 100, &v), CV_ARG_ERROR);
}

static void explain_turns_trace_on(void **state)
{
	char *argv[] = {"prog", "--explain", "run", "--explain", "x"};

	(void)state;
	cv_trace_enable(-1);
	assert_int_equal(start(5, argv), 0);
	assert_int_equal(cv_trace_fd, 2);
	assert_int_equal(cv_args_next(&a), CV_ARG_END);
	assert_string_equal(a.argv[a.i], "x");
	cv_trace_enable(-1);
}

static void help_and_version(void **state)
{
	char *help[] = {"prog", "run", "--help"};
	char *version[] = {"prog", "--version"};
	char *top[] = {"prog", "-h"};
	char buf[4096] = "";
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	int saved = dup(STDOUT_FILENO), null = open("/dev/null", O_WRONLY);

	(void)state;
	fflush(stdout); /* the help goes to stdout: keep it out of the TAP stream */
	dup2(null, STDOUT_FILENO);
	assert_int_equal(start(3, help), 0);
	assert_int_equal(cv_args_next(&a), CV_ARG_HELP);
	assert_int_equal(start(2, version), CV_ARG_HELP);
	assert_int_equal(start(2, top), CV_ARG_HELP);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(null);
	cv_args_print_help(&prog, &cmds[0], f);
	fclose(f);
	assert_non_null(strstr(buf, "Usage: prog run [OPTIONS] CMD"));
	assert_non_null(strstr(buf, "  -n, --name NAME"));
	assert_non_null(strstr(buf, "      --explain"));
	assert_non_null(strstr(buf, "Example:\n  prog run -f x"));
}

static void main_runs_the_command(void **state)
{
	char *argv[] = {"prog", "run", "x"};
	char *bad[] = {"prog", "nope"};

	(void)state;
	ran = 0;
	assert_int_equal(cv_main(&prog, 3, argv), 1);
	assert_int_equal(ran, 1);
	assert_int_equal(cv_main(&prog, 2, bad), CV_EXIT_USAGE);
	assert_int_equal(ran, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(long_and_short_forms),
	    cmocka_unit_test(first_word_ends_options),
	    cmocka_unit_test(interleaved_positionals),
	    cmocka_unit_test(unknown_option_suggests),
	    cmocka_unit_test(unknown_option_far_from_any),
	    cmocka_unit_test(value_errors),
	    cmocka_unit_test(commands),
	    cmocka_unit_test(numbers),
	    cmocka_unit_test(explain_turns_trace_on),
	    cmocka_unit_test(help_and_version),
	    cmocka_unit_test(main_runs_the_command),
	};
	return cmocka_run_group_tests_name("args", tests, NULL, NULL);
}
