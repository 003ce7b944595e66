// SPDX-License-Identifier: GPL-2.0
/*
 * Randomized differential test of the engine against the model and the
 * formats' reference walkers, in every space of ref_spaces.c (several of
 * every format): map (page size choices, alignments, THP-like physical
 * contiguity, the largest pages anywhere), unmap (over several mappings,
 * into holes, inside large pages), walk and leaf iteration, in a few IOVA
 * windows so that operations collide often; every walk and, at each
 * audit, every leaf translated from the raw tables by the reference.
 *
 * The seed is fixed unless PTLAB_SEED is set; each space derives its own
 * from it and its name, so that one space reruns alone: PTLAB_SPACE runs
 * only the spaces whose name contains it. PTLAB_OPS sets the operations
 * of each space.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diff.h"

#define RANDOM_DEFAULT_SEED	0x70746c6162ULL	/* "ptlab" */
#define RANDOM_OPS		6000UL
#define RANDOM_AUDIT_EVERY	2000UL

static u64 random_seed = RANDOM_DEFAULT_SEED;
static unsigned long random_ops = RANDOM_OPS;
static const char *random_space;

static double random_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The seed of one space: the run's, mixed with the space's name (FNV-1a). */
static u64 random_space_seed(const char *name)
{
	u64 h = 0xcbf29ce484222325ULL;

	for (; *name; name++)
		h = (h ^ (u8)*name) * 0x100000001b3ULL;
	return random_seed ^ h;
}

/* @ops operations in @rs; stops at the first divergence. */
static void random_run(const struct ref_space *rs, unsigned long ops)
{
	const char *name = ref_space_name(rs);
	struct src s = { .state = random_space_seed(name) };
	double start = random_now();
	struct diff d;
	unsigned long i;

	printf("#   %s: seed %#llx, %lu ops\n", name,
	       (unsigned long long)random_seed, ops);
	if (!diff_init(&d, rs))
		return;
	for (i = 0; i < ops; i++) {
		unsigned long failures = th_failures();

		diff_step(&d, &s);
		if ((i + 1) % RANDOM_AUDIT_EVERY == 0)
			diff_audit(&d);
		if (th_failures() != failures) {
			printf("#   %s diverged at op %lu\n", name, i);
			printf("#   rerun: PTLAB_SEED=%#llx PTLAB_SPACE='%s'\n",
			       (unsigned long long)random_seed, name);
			break;
		}
	}
	diff_audit(&d);
	diff_print_stats(&d);
	diff_fini(&d);
	printf("#   %.2f s\n", random_now() - start);
}

/* Every space of @fmt (that PTLAB_SPACE selects); there is at least one. */
static void random_format(const struct pt_format *fmt)
{
	unsigned int i, nr = 0;

	for (i = 0; i < nr_ref_spaces; i++) {
		const struct ref_space *rs = &ref_spaces[i];

		if (rs->f->fmt != fmt)
			continue;
		nr++;
		if (random_space && !strstr(ref_space_name(rs), random_space))
			continue;
		random_run(rs, random_ops);
	}
	CHECK(nr >= 2, "%s: %u spaces", fmt->name, nr);
}

#define RANDOM_TEST(name)					\
static void random_##name(void)					\
{								\
	random_format(&pt_fmt_##name);				\
}

RANDOM_TEST(arm64_lpae_s1)
RANDOM_TEST(arm64_lpae_s2)
RANDOM_TEST(arm_mali_lpae)
RANDOM_TEST(arm_v7s)
RANDOM_TEST(x86_64)
RANDOM_TEST(vtd_ss)
RANDOM_TEST(amd_v1)
RANDOM_TEST(riscv)
RANDOM_TEST(apple_dart)
RANDOM_TEST(apple_uat)
RANDOM_TEST(nvidia_gmmu_v2)
RANDOM_TEST(nvidia_gmmu_v3)

/* The formats the tests above cover. */
static const struct pt_format *const random_formats[] = {
	&pt_fmt_arm64_lpae_s1, &pt_fmt_arm64_lpae_s2, &pt_fmt_arm_mali_lpae,
	&pt_fmt_arm_v7s, &pt_fmt_x86_64, &pt_fmt_vtd_ss, &pt_fmt_amd_v1,
	&pt_fmt_riscv, &pt_fmt_apple_dart, &pt_fmt_apple_uat,
	&pt_fmt_nvidia_gmmu_v2, &pt_fmt_nvidia_gmmu_v3,
};

/* Every format src/fmt/formats.c lists is one of them. */
static void random_every_format(void)
{
	const struct pt_format *fmt;
	unsigned int id, i, nr = 0;

	for (id = 0; id < 256; id++) {
		fmt = pt_format_by_id(id);
		if (!fmt)
			continue;
		nr++;
		for (i = 0; i < TH_ARRAY_SIZE(random_formats); i++)
			if (random_formats[i] == fmt)
				break;
		CHECK(i < TH_ARRAY_SIZE(random_formats),
		      "format %s has no randomized test", fmt->name);
	}
	CHECK_INT(nr, TH_ARRAY_SIZE(random_formats), "formats");
}

static const struct th_test random_tests[] = {
	TH_TEST(random_every_format),
	TH_TEST(random_arm64_lpae_s1),
	TH_TEST(random_arm64_lpae_s2),
	TH_TEST(random_arm_mali_lpae),
	TH_TEST(random_arm_v7s),
	TH_TEST(random_x86_64),
	TH_TEST(random_vtd_ss),
	TH_TEST(random_amd_v1),
	TH_TEST(random_riscv),
	TH_TEST(random_apple_dart),
	TH_TEST(random_apple_uat),
	TH_TEST(random_nvidia_gmmu_v2),
	TH_TEST(random_nvidia_gmmu_v3),
};

int main(int argc, char **argv)
{
	const char *seed = getenv("PTLAB_SEED");
	const char *ops = getenv("PTLAB_OPS");

	if (seed)
		random_seed = strtoull(seed, NULL, 0);
	if (ops)
		random_ops = strtoul(ops, NULL, 0);
	random_space = getenv("PTLAB_SPACE");
	printf("# test_random: seed %#llx (PTLAB_SEED), %lu ops a space (PTLAB_OPS)\n",
	       (unsigned long long)random_seed, random_ops);
	return th_main("test_random", random_tests,
		       TH_ARRAY_SIZE(random_tests), argc, argv);
}
