/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small test harness for the host tests: CHECK() records a failure with
 * its file and line and lets the test go on; th_main() runs a table of
 * tests, counts each one as passed or failed and prints a summary line
 * that tests/host/check.sh adds up.
 */
#ifndef PTLAB_HOST_HARNESS_H
#define PTLAB_HOST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct th_test {
	const char *name;
	void (*fn)(void);
};

#define TH_TEST(fn)	{ #fn, fn }
#define TH_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Abort at the first failure (the fuzzer wants a crash to report). */
extern bool th_abort_on_failure;

bool th_fail_begin(const char *file, int line, const char *expr);
void th_fail_end(bool shown);
bool th_check_eq(unsigned long long actual, unsigned long long expected,
		 const char *file, int line, const char *expr,
		 const char *what);
bool th_check_int(long long actual, long long expected, const char *file,
		  int line, const char *expr, const char *what);
unsigned long th_failures(void);
const char *th_errname(long long err);
int th_main(const char *suite, const struct th_test *tests, size_t nr,
	    int argc, char **argv);
void *th_grow(void *array, size_t nr, size_t *max, size_t size);

/*
 * Record a failure of @cond with a printf-style message (printed by printf
 * itself, so that the compiler checks the format); returns @cond.
 */
#define CHECK(cond, fmt, ...) ({					\
	bool th_ok_ = !!(cond);						\
									\
	if (!th_ok_) {							\
		bool th_shown_ = th_fail_begin(__FILE__, __LINE__, #cond); \
									\
		if (th_shown_)						\
			printf(fmt, ##__VA_ARGS__);			\
		th_fail_end(th_shown_);					\
	}								\
	th_ok_;								\
})

/* Compare two values that read best in hex (addresses, entries). */
#define CHECK_EQ(actual, expected, what) \
	th_check_eq((actual), (expected), __FILE__, __LINE__, #actual, what)

/* Compare two signed values (return codes are shown by errno name). */
#define CHECK_INT(actual, expected, what) \
	th_check_int((actual), (expected), __FILE__, __LINE__, #actual, what)

#endif /* PTLAB_HOST_HARNESS_H */
