// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the input bytes choose a space of ref_spaces.c (any
 * geometry of any format) and a sequence of map, unmap, walk and iteration
 * operations, each applied to the engine and to the model and compared,
 * walks and audits also through the format's reference walker (see
 * diff.c). Any difference, a leaked or dangling table, or a sanitizer
 * report is a crash.
 */
#include <stdlib.h>

#include "diff.h"

/* libFuzzer's entry point; the Makefile gives its name. */
int FUZZ_ENTRY(const u8 *data, size_t size);

int FUZZ_ENTRY(const u8 *data, size_t size)
{
	struct src s = { .data = data, .len = size };
	struct diff d;

	th_abort_on_failure = true;
	if (!diff_init(&d, &ref_spaces[src_below(&s, nr_ref_spaces)]))
		abort();
	while (!src_exhausted(&s))
		diff_step(&d, &s);
	diff_audit(&d);
	diff_fini(&d);
	return 0;
}
