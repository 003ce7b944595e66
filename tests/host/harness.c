// SPDX-License-Identifier: GPL-2.0
/*
 * The host test harness: failure recording, errno names and the runner.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* Failures printed per test; the rest are only counted. */
#define TH_MAX_REPORTS 20

bool th_abort_on_failure;
static unsigned long th_nr_failures;
static unsigned long th_reported;

unsigned long th_failures(void)
{
	return th_nr_failures;
}

static bool th_should_report(void)
{
	th_nr_failures++;
	if (th_reported++ < TH_MAX_REPORTS)
		return true;
	if (th_reported == TH_MAX_REPORTS + 1)
		printf("#   ... further failures of this test not shown\n");
	return false;
}

static void th_failed(void)
{
	fflush(stdout);
	if (th_abort_on_failure)
		abort();
}

/* A CHECK() failed: count it; true if its message is to be shown. */
bool th_fail_begin(const char *file, int line, const char *expr)
{
	if (!th_should_report())
		return false;
	printf("#   FAIL %s:%d: %s: ", file, line, expr);
	return true;
}

void th_fail_end(bool shown)
{
	if (shown)
		printf("\n");
	th_failed();
}

bool th_check_eq(unsigned long long actual, unsigned long long expected,
		 const char *file, int line, const char *expr,
		 const char *what)
{
	if (actual == expected)
		return true;
	if (th_should_report())
		printf("#   FAIL %s:%d: %s: %s is %#llx, expected %#llx\n",
		       file, line, what, expr, actual, expected);
	th_failed();
	return false;
}

const char *th_errname(long long err)
{
	/* A few buffers, so that one message can name several codes. */
	static char buf[4][24];
	static unsigned int next;
	char *b;

	switch (err) {
	case 0: return "0";
	case -EINVAL: return "-EINVAL";
	case -ENOENT: return "-ENOENT";
	case -ENOMEM: return "-ENOMEM";
	case -EADDRINUSE: return "-EADDRINUSE";
	case -EOPNOTSUPP: return "-EOPNOTSUPP";
	case -EACCES: return "-EACCES";
	case -EPERM: return "-EPERM";
	case -EFAULT: return "-EFAULT";
	case -EILSEQ: return "-EILSEQ";
	}
	b = buf[next++ % TH_ARRAY_SIZE(buf)];
	snprintf(b, sizeof(buf[0]), "%lld", err);
	return b;
}

bool th_check_int(long long actual, long long expected, const char *file,
		  int line, const char *expr, const char *what)
{
	if (actual == expected)
		return true;
	if (th_should_report())
		printf("#   FAIL %s:%d: %s: %s is %s, expected %s\n",
		       file, line, what, expr, th_errname(actual),
		       th_errname(expected));
	th_failed();
	return false;
}

static bool th_selected(const char *name, int argc, char **argv)
{
	int i;

	if (argc < 2)
		return true;
	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

/*
 * Run every test (or those named on the command line) and print
 * "# SUITE: N passed, N failed". Returns the process exit status.
 */
int th_main(const char *suite, const struct th_test *tests, size_t nr,
	    int argc, char **argv)
{
	unsigned int passed = 0, failed = 0;
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < nr; i++) {
		unsigned long before = th_nr_failures;

		if (!th_selected(tests[i].name, argc, argv))
			continue;
		th_reported = 0;
		printf("# %s: %s\n", suite, tests[i].name);
		tests[i].fn();
		if (th_nr_failures == before) {
			passed++;
			printf("ok %s\n", tests[i].name);
		} else {
			failed++;
			printf("not ok %s (%lu failed checks)\n", tests[i].name,
			       th_nr_failures - before);
		}
	}
	printf("# %s: %u passed, %u failed\n", suite, passed, failed);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/*
 * Room for element @nr of @array, an array of @size-byte elements with
 * *@max allocated: grows it (doubling) when full. Aborts without memory.
 */
void *th_grow(void *array, size_t nr, size_t *max, size_t size)
{
	if (nr < *max)
		return array;
	*max = *max ? 2 * *max : 64;
	array = realloc(array, *max * size);
	if (!array)
		abort();
	return array;
}
