// SPDX-License-Identifier: GPL-2.0
/*
 * Randomized differential test of the engine against the model: map (page
 * size choices, alignments, THP-like physical contiguity), unmap (over
 * several mappings, into holes, inside large pages), walk and leaf
 * iteration, in a few IOVA windows so that operations collide often.
 *
 * The seed is fixed unless PTLAB_SEED is set; PTLAB_OPS scales the number
 * of operations of the 48-bit run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "diff.h"
#include "harness.h"

#define RANDOM_DEFAULT_SEED	0x70746c6162ULL	/* "ptlab" */
#define RANDOM_OPS		100000UL
#define RANDOM_AUDIT_EVERY	5000UL

static u64 random_seed = RANDOM_DEFAULT_SEED;
static unsigned long random_ops = RANDOM_OPS;

static double random_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* @ops operations on a tree of @ias bits; stops at the first divergence. */
static void random_run(u32 ias, unsigned long ops)
{
	struct src s = { .state = random_seed ^ ((u64)ias << 56) };
	double start = random_now();
	struct diff d;
	unsigned long i;

	if (!diff_init(&d, ias))
		return;
	printf("#   ias %u, seed %#llx (PTLAB_SEED), %lu ops\n", ias,
	       (unsigned long long)random_seed, ops);
	for (i = 0; i < ops; i++) {
		unsigned long failures = th_failures();

		diff_step(&d, &s);
		if ((i + 1) % RANDOM_AUDIT_EVERY == 0)
			diff_audit(&d);
		if (th_failures() != failures) {
			printf("#   diverged at op %lu of seed %#llx\n", i,
			       (unsigned long long)random_seed);
			break;
		}
	}
	diff_audit(&d);
	diff_print_stats(&d);
	diff_fini(&d);
	printf("#   %.2f s\n", random_now() - start);
}

static void random_ias48(void)
{
	random_run(48, random_ops);
}

static void random_ias39(void)
{
	random_run(39, random_ops / 5);
}

static void random_ias32(void)
{
	random_run(32, random_ops / 5);
}

static const struct th_test random_tests[] = {
	TH_TEST(random_ias48),
	TH_TEST(random_ias39),
	TH_TEST(random_ias32),
};

int main(int argc, char **argv)
{
	const char *seed = getenv("PTLAB_SEED");
	const char *ops = getenv("PTLAB_OPS");

	if (seed)
		random_seed = strtoull(seed, NULL, 0);
	if (ops)
		random_ops = strtoul(ops, NULL, 0);
	printf("# test_random: seed %#llx\n", (unsigned long long)random_seed);
	return th_main("test_random", random_tests,
		       TH_ARRAY_SIZE(random_tests), argc, argv);
}
