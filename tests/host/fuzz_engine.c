// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the input bytes choose a tree (ias 48, 39 or 32) and a
 * sequence of map, unmap, walk and iteration operations, each applied to
 * the engine and to the model and compared (see diff.c). Any difference, a
 * leaked or dangling table, or a sanitizer report is a crash.
 */
#include <stdlib.h>

#include "diff.h"
#include "harness.h"

/* libFuzzer's entry point; the Makefile gives its name. */
int FUZZ_ENTRY(const u8 *data, size_t size);

int FUZZ_ENTRY(const u8 *data, size_t size)
{
	static const u32 ias[] = { 48, 39, 32 };
	struct src s = { .data = data, .len = size };
	struct diff d;

	th_abort_on_failure = true;
	if (!diff_init(&d, ias[src_below(&s, TH_ARRAY_SIZE(ias))]))
		abort();
	while (!src_exhausted(&s))
		diff_step(&d, &s);
	diff_audit(&d);
	diff_fini(&d);
	return 0;
}
