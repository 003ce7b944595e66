// SPDX-License-Identifier: GPL-2.0
/*
 * Semantic tests of the page-table engine through its API, with the Arm
 * LPAE stage-1 format and host table services: what map, unmap, walk,
 * iterate and destroy do, what they report, and which tables they leave.
 * Walks are cross-checked by an independent walk of the raw tables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arm_ref.h"

#define ALL_SIZES	(SZ_4K | SZ_2M | SZ_1G)
#define TOP48		BIT_ULL(48)

/* 4K pages at level 0, 2M blocks at level 1, 1G blocks at level 2. */
static unsigned int eng_level_of(u64 size)
{
	return (__builtin_ctzll(size) - 12) / 9;
}

/*
 * Stage 1 with the levels of a 4K granule, every walk checked against the
 * hardware's walker of the raw tables and the leaf decoder of arm_ref.c.
 */
static const struct fc_fmt eng_fmt = {
	.fmt = &pt_fmt_arm64_lpae_s1,
	.valid = arm_s1_valid,
	.leaf = arm_ref_leaf,
	.level_of = eng_level_of,
	.prot = RW,
};

/* The spaces of the trees here: 4K granule, default output size. */
static const struct arm_ref_space *const eng_spaces[] = {
	&arm_ref_spaces[ARM_S1_4K_48],
	&arm_ref_spaces[ARM_S1_4K_39],
	&arm_ref_spaces[ARM_S1_4K_32],
};

/* 48-bit input, 40-bit output. */
static const struct arm_ref_space eng_oas40 = {
	"s1 4K 48/40", REF_S1, 12, 48, 40, 4, 9, 0
};

static bool eng_new_bitmap(struct fc_tree *t, u32 ias, u64 pgsize_bitmap)
{
	unsigned int i;

	for (i = 0; i < TH_ARRAY_SIZE(eng_spaces); i++)
		if (eng_spaces[i]->ias == ias)
			return arm_ref_new(t, &eng_fmt, eng_spaces[i],
					   pgsize_bitmap);
	return CHECK(false, "no space of %u bits", ias);
}

static bool eng_new(struct fc_tree *t, u32 ias)
{
	return eng_new_bitmap(t, ias, 0);
}

static void engine_empty(void)
{
	static const u64 iovas[] = { 0, 0x12345678, 0x7fffffffffffULL,
				     TOP48 - 1 };
	struct pt_walk_result res;
	struct fc_list l;
	struct fc_tree t;
	unsigned int i;

	if (!eng_new(&t, 48))
		return;
	for (i = 0; i < TH_ARRAY_SIZE(iovas); i++) {
		CHECK_INT(pt_walk(&t.pt, iovas[i], &res), -ENOENT, "walk");
		/* One entry read: the empty top-level one. */
		CHECK(res.nr_entries == 1 && !res.entries[0],
		      "walk(%#llx) read %u entries, first %#llx",
		      (unsigned long long)iovas[i], res.nr_entries,
		      (unsigned long long)res.entries[0]);
	}
	CHECK_INT(fc_list(&t, 0, TOP48, &l), 0, "iterate");
	CHECK_INT(l.nr, 0, "leaves");
	fc_list_fini(&l);
	CHECK(!pt_range_mapped(&t.pt, 0, TOP48), "empty tree mapped");
	fc_unmap_expect(&t, 0, SZ_4K, -ENOENT, 0);
	CHECK_INT(t.ctx.live_tables, 1, "only the root");
	CHECK_INT(t.ctx.alloc_calls, 1, "only the root allocated");
	fc_free(&t);
}

/* Each page size maps, walks (any offset inside) and unmaps alone. */
static void engine_page_sizes(void)
{
	static const struct {
		u64 iova, pa, size;
		long tables;	/* root + tables down to the leaf's level */
	} cases[] = {
		{ 0x76543000, 0x12345000, SZ_4K, 4 },
		{ 0x40600000, 0x800200000ULL, SZ_2M, 3 },
		{ 0x8040000000ULL, 0x140000000ULL, SZ_1G, 2 },
	};
	u32 prot = RW | PT_PROT_CACHE;
	struct fc_tree t;
	unsigned int i;

	for (i = 0; i < TH_ARRAY_SIZE(cases); i++) {
		u64 iova = cases[i].iova, pa = cases[i].pa;
		u64 size = cases[i].size;

		if (!eng_new(&t, 48))
			return;
		fc_map_one(&t, iova, pa, size, prot, cases[i].tables);
		fc_walk_none(&t, iova - 1, -ENOENT);
		fc_walk_none(&t, iova + size, -ENOENT);
		CHECK(pt_range_mapped(&t.pt, iova + size - 1, 1) &&
		      !pt_range_mapped(&t.pt, iova + size, SZ_1G) &&
		      !pt_range_mapped(&t.pt, 0, iova),
		      "range_mapped around %#llx", (unsigned long long)iova);
		fc_unmap_expect(&t, iova, size, 0, size);
		if (CHECK_INT(t.nr_removed, 1, "leaves removed"))
			fc_same_leaf(&t, t.removed, iova, pa, size, prot);
		EXPECT_EMPTY(&t, "after unmap");
		CHECK_INT(t.ctx.live_tables, 1, "tables after unmap");
		fc_free(&t);
	}
}

/* The largest page that alignment and the remaining length allow. */
static void engine_largest_page(void)
{
	struct fc_tree t;

	/* 4M at 2M-aligned iova and pa: two 2M blocks. */
	if (!eng_new(&t, 48))
		return;
	fc_map_ok(&t, 0x600000, 0x100200000ULL, 2 * SZ_2M, RW);
	EXPECT(&t, "4M at 2M", RW, { 0x600000, 0x100200000ULL, SZ_2M, 2 });
	fc_free(&t);

	/* 2M + 4K, both aligned: a block and a page. */
	if (!eng_new(&t, 48))
		return;
	fc_map_ok(&t, 0x600000, 0x100200000ULL, SZ_2M + SZ_4K, RW);
	EXPECT(&t, "2M+4K aligned", RW, { 0x600000, 0x100200000ULL, SZ_2M, 1 },
	       { 0x800000, 0x100400000ULL, SZ_4K, 1 });
	fc_free(&t);

	/* 2M + 4K with the pa 4K off a 2M boundary: 513 pages. */
	if (!eng_new(&t, 48))
		return;
	fc_map_ok(&t, 0x600000, 0x100201000ULL, SZ_2M + SZ_4K, RW);
	EXPECT(&t, "2M+4K misaligned pa", RW,
	       { 0x600000, 0x100201000ULL, SZ_4K, 513 });
	fc_free(&t);

	/* Starting a page before a 2M boundary, pa alike: 4K, 2M, 4K. */
	if (!eng_new(&t, 48))
		return;
	fc_map_ok(&t, 0x5ff000, 0x1001ff000ULL, SZ_2M + 2 * SZ_4K, R);
	EXPECT(&t, "4K 2M 4K", R, { 0x5ff000, 0x1001ff000ULL, SZ_4K, 1 },
	       { 0x600000, 0x100200000ULL, SZ_2M, 1 },
	       { 0x800000, 0x100400000ULL, SZ_4K, 1 });
	fc_free(&t);

	/* 1G + 2M + 4K at 1G: one leaf of each size. */
	if (!eng_new(&t, 48))
		return;
	fc_map_ok(&t, SZ_1G, 0x1c0000000ULL, SZ_1G + SZ_2M + SZ_4K, RW);
	EXPECT(&t, "1G 2M 4K", RW, { SZ_1G, 0x1c0000000ULL, SZ_1G, 1 },
	       { 2 * SZ_1G, 0x200000000ULL, SZ_2M, 1 },
	       { 2 * SZ_1G + SZ_2M, 0x200200000ULL, SZ_4K, 1 });
	fc_free(&t);

	/* 1G at a 1G iova but a pa only 2M-aligned: 512 blocks of 2M. */
	if (!eng_new(&t, 48))
		return;
	fc_map_ok(&t, SZ_1G, 0x1c0200000ULL, SZ_1G, RW);
	EXPECT(&t, "1G of 2M blocks", RW,
	       { SZ_1G, 0x1c0200000ULL, SZ_2M, 512 });
	fc_free(&t);
}

static void engine_pgsize_restriction(void)
{
	u64 mapped;
	struct fc_tree t;

	/* 4K only: 4M at 2M alignment takes 1024 pages. */
	if (!eng_new(&t, 48))
		return;
	CHECK_INT(fc_map_sizes(&t, 0x600000, 0x100200000ULL, 2 * SZ_2M, RW,
			       SZ_4K, &mapped), 0, "4K only");
	EXPECT(&t, "4K only", RW, { 0x600000, 0x100200000ULL, SZ_4K, 1024 });
	fc_free(&t);

	/* 4K and 1G: 2M aligned takes pages, 1G aligned a block. */
	if (!eng_new(&t, 48))
		return;
	CHECK_INT(fc_map_sizes(&t, 0x600000, 0x100200000ULL, SZ_2M, RW,
			       SZ_4K | SZ_1G, &mapped), 0, "4K|1G, 2M");
	CHECK_INT(fc_map_sizes(&t, SZ_1G, 0x1c0000000ULL, SZ_1G, RW,
			       SZ_4K | SZ_1G, &mapped), 0, "4K|1G, 1G");
	EXPECT(&t, "4K|1G", RW, { 0x600000, 0x100200000ULL, SZ_4K, 512 },
	       { SZ_1G, 0x1c0000000ULL, SZ_1G, 1 });
	fc_free(&t);

	/* 2M only: everything must be 2M-aligned; 1G only likewise. */
	if (!eng_new(&t, 48))
		return;
	fc_map_sizes_fails(&t, 0x600000, 0x100200000ULL, SZ_2M + SZ_4K, RW,
			   SZ_2M, -EINVAL, 0);
	fc_map_sizes_fails(&t, 0x601000, 0x100201000ULL, SZ_2M, RW, SZ_2M,
			   -EINVAL, 0);
	fc_map_sizes_fails(&t, 0x600000, 0x100201000ULL, SZ_2M, RW, SZ_2M,
			   -EINVAL, 0);
	fc_map_sizes_fails(&t, SZ_1G, 0x1c0200000ULL, SZ_1G, RW, SZ_1G, -EINVAL,
			   0);
	CHECK_INT(fc_map_sizes(&t, 0x600000, 0x100200000ULL, 2 * SZ_2M, RW,
			       SZ_2M, &mapped), 0, "2M only");
	CHECK_INT(fc_map_sizes(&t, SZ_1G, 0x1c0000000ULL, SZ_1G, RW, SZ_1G,
			       &mapped), 0, "1G only");
	EXPECT(&t, "2M only, 1G only", RW,
	       { 0x600000, 0x100200000ULL, SZ_2M, 2 },
	       { SZ_1G, 0x1c0000000ULL, SZ_1G, 1 });
	/* Sizes the tree does not have, or none at all. */
	fc_map_sizes_fails(&t, 0, 0, SZ_4K, RW, SZ_4K | 2 * SZ_4K, -EINVAL, 0);
	fc_map_sizes_fails(&t, 0, 0, SZ_512G, RW, SZ_4K | SZ_512G, -EINVAL, 0);
	fc_map_sizes_fails(&t, 0, 0, SZ_4K, RW, 0, -EINVAL, 0);
	/* Root, the 512G table holding the 1G leaf, the 1G table (2M). */
	CHECK_INT(t.ctx.live_tables, 3, "tables of the 2M and 1G leaves");
	fc_free(&t);

	/* A tree made with 4K pages only uses nothing else. */
	if (!eng_new_bitmap(&t, 48, SZ_4K))
		return;
	fc_map_ok(&t, 0x600000, 0x100200000ULL, SZ_2M, RW);
	fc_map_sizes_fails(&t, SZ_1G, SZ_1G, SZ_2M, RW, SZ_2M, -EINVAL, 0);
	EXPECT(&t, "4K tree", RW, { 0x600000, 0x100200000ULL, SZ_4K, 512 });
	fc_free(&t);
}

/* A map over anything mapped stops there, leaving it as it was. */
static void engine_overlap(void)
{
	u64 x = 0x40000000, y = 0x80200000, w = 0x140000000ULL;
	struct fc_list l;
	struct fc_tree t;

	if (!eng_new(&t, 48))
		return;
	/* Pages: the first two map, the third is taken. */
	fc_map_ok(&t, x + 2 * SZ_4K, 0xa000, SZ_4K, R);
	fc_map_sizes_fails(&t, x, 0xb0000, 4 * SZ_4K, RW, ALL_SIZES,
			   -EADDRINUSE, 2 * SZ_4K);
	fc_walk_expect(&t, x, 0xb0000, SZ_4K, RW);
	fc_walk_expect(&t, x + SZ_4K, 0xb1000, SZ_4K, RW);
	fc_walk_expect(&t, x + 2 * SZ_4K, 0xa000, SZ_4K, R);
	fc_walk_none(&t, x + 3 * SZ_4K, -ENOENT);
	/* The same range again: nothing at all. */
	fc_map_sizes_fails(&t, x, 0xb0000, 4 * SZ_4K, RW, ALL_SIZES,
			   -EADDRINUSE, 0);

	/* A 2M block refuses pages inside it and itself again. */
	fc_map_ok(&t, y, 0x400000, SZ_2M, R);
	fc_map_sizes_fails(&t, y + SZ_4K, 0xc000, SZ_4K, RW, ALL_SIZES,
			   -EADDRINUSE, 0);
	fc_map_sizes_fails(&t, y, 0xc00000, SZ_2M, RW, ALL_SIZES, -EADDRINUSE,
			   0);
	fc_map_sizes_fails(&t, y - SZ_4K, 0xd000, 2 * SZ_4K, RW, ALL_SIZES,
			   -EADDRINUSE, SZ_4K);

	/* A block over a table holding a page. */
	fc_map_ok(&t, y + SZ_2M + SZ_4K, 0xe000, SZ_4K, R);
	fc_map_sizes_fails(&t, y + SZ_2M, 0x600000, SZ_2M, RW, ALL_SIZES,
			   -EADDRINUSE, 0);

	/* A 1G block refuses a 2M block inside it. */
	fc_map_ok(&t, w, 0x40000000, SZ_1G, R);
	fc_map_sizes_fails(&t, w + SZ_2M, 0x600000, SZ_2M, RW, ALL_SIZES,
			   -EADDRINUSE, 0);

	/* 2 + 1 pages at x, a page and a block at y, a page, the 1G block. */
	CHECK_INT(fc_list(&t, 0, TOP48, &l), 0, "iterate");
	CHECK_INT(l.nr, 7, "leaves after the refused maps");
	fc_list_fini(&l);
	host_check_tree(&t.pt, &t.ctx);
	fc_walk_expect(&t, y - SZ_4K, 0xd000, SZ_4K, RW);
	fc_walk_expect(&t, y + SZ_4K, 0x401000, SZ_2M, R);
	fc_walk_expect(&t, y + SZ_2M + SZ_4K, 0xe000, SZ_4K, R);
	fc_walk_none(&t, y + SZ_2M, -ENOENT);
	fc_walk_expect(&t, w + SZ_2M, 0x40200000, SZ_1G, R);
	fc_free(&t);
}

static void engine_unmap_consecutive(void)
{
	u64 x = SZ_2M - 3 * SZ_4K;
	struct fc_tree t;

	if (!eng_new(&t, 48))
		return;
	/* Three pages, a block, a page: three maps in a row. */
	fc_map_ok(&t, x, 0x7fd000, 3 * SZ_4K, RW);
	fc_map_ok(&t, SZ_2M, 0xa00000, SZ_2M, RW);
	fc_map_ok(&t, 2 * SZ_2M, 0x5000, SZ_4K, RW);
	fc_unmap_expect(&t, x, 3 * SZ_4K + SZ_2M + SZ_4K, 0,
			3 * SZ_4K + SZ_2M + SZ_4K);
	EXPECT_REMOVED(&t, "three maps", RW, { x, 0x7fd000, SZ_4K, 3 },
		       { SZ_2M, 0xa00000, SZ_2M, 1 },
		       { 2 * SZ_2M, 0x5000, SZ_4K, 1 });
	EXPECT_EMPTY(&t, "after unmap");

	/* Exactly the first two maps: the next one, adjacent, stays. */
	fc_map_ok(&t, x, 0x7fd000, 3 * SZ_4K, RW);
	fc_map_ok(&t, SZ_2M, 0xa00000, SZ_2M, RW);
	fc_map_ok(&t, 2 * SZ_2M, 0x5000, SZ_4K, RW);
	fc_unmap_expect(&t, x, 3 * SZ_4K + SZ_2M, 0, 3 * SZ_4K + SZ_2M);
	EXPECT_REMOVED(&t, "two maps", RW, { x, 0x7fd000, SZ_4K, 3 },
		       { SZ_2M, 0xa00000, SZ_2M, 1 });
	EXPECT(&t, "the third map", RW, { 2 * SZ_2M, 0x5000, SZ_4K, 1 });
	fc_unmap_expect(&t, x + 3 * SZ_4K + SZ_2M, SZ_4K, 0, SZ_4K);
	CHECK_INT(t.ctx.live_tables, 1, "tables");
	fc_free(&t);
}

static void engine_unmap_hole(void)
{
	u64 x = 0x12340000;
	struct fc_tree t;

	if (!eng_new(&t, 48))
		return;
	fc_map_ok(&t, x, 0x1000, 2 * SZ_4K, RW);
	fc_map_ok(&t, x + 3 * SZ_4K, 0x9000, SZ_4K, RW);
	/* Stops at the hole: success, with what it removed. */
	fc_unmap_expect(&t, x, 4 * SZ_4K, 0, 2 * SZ_4K);
	EXPECT_REMOVED(&t, "before the hole", RW, { x, 0x1000, SZ_4K, 2 });
	EXPECT(&t, "after the hole", RW, { x + 3 * SZ_4K, 0x9000, SZ_4K, 1 });
	/* Starting in a hole: nothing. */
	fc_unmap_expect(&t, x + 2 * SZ_4K, 2 * SZ_4K, -ENOENT, 0);
	CHECK_INT(t.nr_removed, 0, "leaves removed");
	fc_unmap_expect(&t, 0, SZ_4K, -ENOENT, 0);
	fc_unmap_expect(&t, 0x7f0000000000ULL, SZ_1G, -ENOENT, 0);
	EXPECT(&t, "after -ENOENT", RW, { x + 3 * SZ_4K, 0x9000, SZ_4K, 1 });
	fc_free(&t);
}

/* Never split a block: starting inside one is refused, ending inside
 * one removes it whole.
 */
static void engine_unmap_large(void)
{
	u64 y = 0x40200000, w = 0x80000000;
	struct fc_tree t;

	if (!eng_new(&t, 48))
		return;
	fc_map_ok(&t, y - SZ_4K, 0x1ff000, SZ_4K, RW);
	fc_map_ok(&t, y, 0x200000, SZ_2M, RW);
	fc_map_ok(&t, w, 0x40000000, SZ_1G, RW);

	fc_unmap_expect(&t, y + SZ_4K, SZ_4K, -EINVAL, 0);
	fc_unmap_expect(&t, y + SZ_2M - SZ_4K, 4 * SZ_2M, -EINVAL, 0);
	fc_unmap_expect(&t, w + SZ_2M, SZ_2M, -EINVAL, 0);
	CHECK_INT(t.nr_removed, 0, "leaves removed");
	EXPECT(&t, "after -EINVAL", RW, { y - SZ_4K, 0x1ff000, SZ_4K, 1 },
	       { y, 0x200000, SZ_2M, 1 }, { w, 0x40000000, SZ_1G, 1 });

	/* A page and the first page of the block: the block goes whole. */
	fc_unmap_expect(&t, y - SZ_4K, 2 * SZ_4K, 0, SZ_4K + SZ_2M);
	EXPECT_REMOVED(&t, "ending inside 2M", RW,
		       { y - SZ_4K, 0x1ff000, SZ_4K, 1 },
		       { y, 0x200000, SZ_2M, 1 });
	fc_unmap_expect(&t, w, SZ_4K, 0, SZ_1G);
	EXPECT_REMOVED(&t, "ending inside 1G", RW, { w, 0x40000000, SZ_1G, 1 });
	EXPECT_EMPTY(&t, "all unmapped");
	fc_free(&t);
}

/*
 * Tables come and go with what they hold: a page needs a table at every
 * level below the root, and unmapping the last leaf of a table retires it
 * (host_flush() checks it is unlinked and clear before freeing it).
 */
static void engine_table_reclaim(void)
{
	static const struct {
		u64 iova;
		long tables;	/* live after mapping a page there */
	} pages[] = {
		{ 0, 4 },			/* root, 512G, 1G, 2M tables */
		{ SZ_2M, 5 },			/* another 2M table */
		{ SZ_1G, 7 },			/* another 1G and 2M table */
		{ SZ_512G, 10 },		/* another of each */
		{ SZ_512G + SZ_4K, 10 },	/* same tables */
	};
	struct fc_tree t;
	unsigned int i;

	if (!eng_new(&t, 48))
		return;
	for (i = 0; i < TH_ARRAY_SIZE(pages); i++) {
		fc_map_ok(&t, pages[i].iova, 0x1000 * (i + 1), SZ_4K, RW);
		CHECK_INT(t.ctx.live_tables, pages[i].tables, "after map");
	}
	host_check_tree(&t.pt, &t.ctx);
	for (i = TH_ARRAY_SIZE(pages); i--;) {
		fc_unmap_expect(&t, pages[i].iova, SZ_4K, 0, SZ_4K);
		CHECK_INT(t.ctx.live_tables, i ? pages[i - 1].tables : 1,
			  "after unmap");
		host_check_tree(&t.pt, &t.ctx);
	}
	/* Map again and destroy: every leaf reported, every table gone. */
	for (i = 0; i < TH_ARRAY_SIZE(pages); i++)
		fc_map_ok(&t, pages[i].iova, 0x1000 * (i + 1), SZ_4K, RW);
	pt_space_destroy(&t.pt, &t.g.pt);
	CHECK(!t.pt.root, "root still set after destroy");
	CHECK_INT(t.g.nr_retired, 10, "tables retired by destroy");
	if (CHECK_INT(t.g.nr_leaves, TH_ARRAY_SIZE(pages), "leaves reported"))
		for (i = 0; i < TH_ARRAY_SIZE(pages); i++)
			fc_same_leaf(&t, &t.g.leaves[i], pages[i].iova,
				     0x1000 * (i + 1), SZ_4K, RW);
	host_flush(&t.g, &t.pt);
	CHECK_INT(t.ctx.live_tables, 0, "after destroy");
	pt_space_destroy(&t.pt, &t.g.pt);
	CHECK_INT(t.g.nr_retired, 0, "a second destroy retires nothing");
	fc_free(&t);
}

/*
 * pt_map() writes the entries of a leaf one by one: when one is taken, those
 * written are cleared again and reported, with their granule, for the
 * flush their owner must issue before it releases the memory; the taken
 * entry stays, nothing is mapped.
 */
static void engine_claim_lost(void)
{
	struct pt_walk_result res;
	struct fc_tree t;
	u64 mapped, i;
	int ret;

	if (!eng_new_bitmap(&t, 48, ALL_SIZES | SZ_64K))
		return;
	fc_map_sizes_ok(&t, SZ_1G + 5 * SZ_4K, 0x7000, SZ_4K, RW, SZ_4K);
	ret = pt_map(&t.pt, SZ_1G, 0x400000, SZ_64K, RW, SZ_64K, &t.g.pt,
		     &mapped);
	CHECK_INT(ret, -EADDRINUSE, "a 64K leaf over a taken entry");
	CHECK_EQ(mapped, 0, "mapped");
	if (CHECK_INT(t.g.nr_cleared, 1, "ranges cleared")) {
		CHECK_EQ(t.g.cleared.iova, SZ_1G, "cleared from");
		CHECK_EQ(t.g.cleared.size, 5 * SZ_4K, "cleared bytes");
		CHECK_EQ(t.g.cleared.granule, SZ_4K, "cleared granule");
	}
	CHECK_INT(t.g.nr_leaves, 0, "no leaf was removed");
	for (i = 0; i < 5; i++)
		fc_walk_none(&t, SZ_1G + i * SZ_4K, -ENOENT);
	fc_walk_expect(&t, SZ_1G + 5 * SZ_4K, 0x7000, SZ_4K, RW);
	CHECK_INT(pt_walk(&t.pt, SZ_1G + 6 * SZ_4K, &res), -ENOENT,
		  "past the taken entry");
	/* Taken at the first entry: nothing was written, nothing reported. */
	t.g.nr_cleared = 0;
	fc_map_sizes_ok(&t, SZ_1G, 0x400000, SZ_4K, RW, SZ_4K);
	ret = pt_map(&t.pt, SZ_1G, 0x400000, SZ_64K, RW, SZ_64K, &t.g.pt,
		     &mapped);
	CHECK_INT(ret, -EADDRINUSE, "over the first entry");
	CHECK_INT(t.g.nr_cleared, 0, "nothing written");
	host_flush(&t.g, &t.pt);
	fc_free(&t);
}

/*
 * An unmap frees only the tables whose span lies in its range; tables it
 * empties elsewhere come back as a prune hint, and pruning climbs a level
 * at a time while the table above is left empty too.
 */
static void engine_unmap_prune_hint(void)
{
	struct fc_tree t;
	u64 unmapped;

	if (!eng_new(&t, 48))
		return;
	fc_map_ok(&t, SZ_512G + SZ_1G, 0x9000, 2 * SZ_4K, RW);
	CHECK_INT(t.ctx.live_tables, 4, "the root and three tables below");
	CHECK_INT(pt_unmap(&t.pt, SZ_512G + SZ_1G, 2 * SZ_4K, &t.g.pt,
			   &unmapped), 0, "unmap");
	CHECK_EQ(unmapped, 2 * SZ_4K, "unmapped");
	CHECK_INT(t.g.nr_leaves, 2, "leaves reported");
	CHECK_INT(t.g.nr_runs, 1, "as one run");
	CHECK_INT(t.g.nr_retired, 0, "no table retired");
	CHECK(t.g.pt.prune, "a prune hint");
	CHECK_EQ(t.g.pt.prune_start, SZ_512G + SZ_1G, "hint from");
	CHECK_EQ(t.g.pt.prune_last, SZ_512G + SZ_1G + SZ_2M - 1, "hint to");
	fc_walk_none(&t, SZ_512G + SZ_1G, -ENOENT);
	/* The 2M table, then the hint for the 1G one above, and so on. */
	pt_prune(&t.pt, t.g.pt.prune_start,
		 t.g.pt.prune_last - t.g.pt.prune_start + 1, &t.g.pt);
	CHECK_INT(t.g.nr_retired, 1, "the 2M table");
	CHECK(t.g.pt.prune, "a hint a level up");
	CHECK_EQ(t.g.pt.prune_start, SZ_512G + SZ_1G, "next hint from");
	CHECK_EQ(t.g.pt.prune_last, SZ_512G + 2 * SZ_1G - 1, "next hint to");
	host_flush(&t.g, &t.pt);
	CHECK_INT(t.ctx.live_tables, 1, "the root alone");
	host_check_tree(&t.pt, &t.ctx);
	/*
	 * A range that covers whole tables frees them itself: a 2M block
	 * and a page at 1G, unmapped with the 1G they are in.
	 */
	fc_map_ok(&t, SZ_1G, 0x200000, SZ_2M + SZ_4K, RW);
	CHECK_INT(t.ctx.live_tables, 4, "root, 512G, 1G and 2M tables");
	CHECK_INT(pt_unmap(&t.pt, SZ_1G, SZ_1G, &t.g.pt, &unmapped), 0,
		  "unmap of the 1G");
	CHECK_EQ(unmapped, SZ_2M + SZ_4K, "up to the hole");
	CHECK_INT(t.g.nr_retired, 2, "the 1G and 2M tables");
	CHECK(t.g.pt.prune, "a hint for the 512G table");
	CHECK_EQ(t.g.pt.prune_start, 0, "its span from");
	CHECK_EQ(t.g.pt.prune_last, SZ_512G - 1, "its span to");
	host_flush(&t.g, &t.pt);
	CHECK_INT(t.ctx.live_tables, 1, "the root alone again");
	fc_free(&t);
}

#define FAIL_IOVA	(SZ_512G - SZ_2M - 2 * SZ_4K)
#define FAIL_PA		0x3fffe000ULL
#define FAIL_SIZE	(2 * SZ_2M + 4 * SZ_4K)

static const struct fc_seg fail_leaves[] = {
	{ FAIL_IOVA, FAIL_PA, SZ_4K, 2 },
	{ SZ_512G - SZ_2M, 0x40000000ULL, SZ_2M, 2 },
	{ SZ_512G + SZ_2M, 0x40400000ULL, SZ_4K, 2 },
};

/*
 * Map FAIL_SIZE at FAIL_IOVA (two pages, two blocks across the 512G
 * boundary, two pages) with the Nth allocation failing, for every N until
 * none fails: -ENOMEM with @progress[N - 1] reported, the leaves mapped
 * being exactly that progress, no table left empty, nothing leaked, the
 * page at 0x1000 (if @page) untouched, and the rest mapping afterwards.
 */
static void eng_alloc_failures(bool page, const u64 *progress, unsigned int nr)
{
	struct fc_list l;
	unsigned int n;
	struct fc_tree t;
	u64 mapped;
	int ret;

	for (n = 1; n <= nr + 1; n++) {
		if (!eng_new(&t, 48))
			return;
		if (page)
			fc_map_ok(&t, 0x1000, 0x1000, SZ_4K, R);
		t.ctx.fail_at = t.ctx.alloc_calls + n;
		ret = fc_map(&t, FAIL_IOVA, FAIL_PA, FAIL_SIZE, RW, &mapped);
		t.ctx.fail_at = 0;
		if (n > nr) {
			CHECK(!ret && mapped == FAIL_SIZE,
			      "%u allocations: %s with %#llx mapped", nr,
			      th_errname(ret), (unsigned long long)mapped);
			fc_free(&t);
			break;
		}
		CHECK(ret == -ENOMEM && mapped == progress[n - 1],
		      "allocation %u failing: %s with %#llx mapped, expected -ENOMEM with %#llx",
		      n, th_errname(ret), (unsigned long long)mapped,
		      (unsigned long long)progress[n - 1]);
		host_check_tree(&t.pt, &t.ctx);
		if (page)
			fc_walk_expect(&t, 0x1000, 0x1000, SZ_4K, R);
		fc_list(&t, FAIL_IOVA, FAIL_SIZE, &l);
		fc_match(&t, "progress", l.leaf, l.nr, RW, fail_leaves,
			 TH_ARRAY_SIZE(fail_leaves), true);
		if (l.nr)
			CHECK_EQ(l.leaf[l.nr - 1].iova + l.leaf[l.nr - 1].size,
				 FAIL_IOVA + mapped, "end of the leaves");
		fc_list_fini(&l);
		/* The rest maps. */
		fc_map_ok(&t, FAIL_IOVA + mapped, FAIL_PA + mapped,
			  FAIL_SIZE - mapped, RW);
		fc_list(&t, FAIL_IOVA, FAIL_SIZE, &l);
		fc_match(&t, "after the retry", l.leaf, l.nr, RW, fail_leaves,
			 TH_ARRAY_SIZE(fail_leaves), false);
		fc_list_fini(&l);
		host_check_tree(&t.pt, &t.ctx);
		fc_free(&t);
	}
}

static void engine_alloc_failure(void)
{
	/*
	 * An empty tree allocates, in order: under root entry 0 the 512G
	 * table, the table of 2M entries, the table of 4K entries (then two
	 * pages and a block); under root entry 1 the 512G table, the 2M one
	 * (a block), the 4K one (two pages).
	 */
	static const u64 fresh[] = {
		0, 0, 0, 2 * SZ_4K + SZ_2M, 2 * SZ_4K + SZ_2M,
		2 * SZ_4K + 2 * SZ_2M,
	};
	/* With a page at 0x1000, root entry 0 has its 512G table already. */
	static const u64 shared[] = {
		0, 0, 2 * SZ_4K + SZ_2M, 2 * SZ_4K + SZ_2M,
		2 * SZ_4K + 2 * SZ_2M,
	};

	eng_alloc_failures(false, fresh, TH_ARRAY_SIZE(fresh));
	eng_alloc_failures(true, shared, TH_ARRAY_SIZE(shared));
}

/* The top of the 48-bit input space. */
static void engine_top(void)
{
	struct fc_tree t;
	u64 mapped;

	if (!eng_new(&t, 48))
		return;
	fc_map_ok(&t, TOP48 - SZ_1G, 0x40000000, SZ_1G, RW);
	EXPECT(&t, "last 1G", RW, { TOP48 - SZ_1G, 0x40000000, SZ_1G, 1 });
	fc_walk_expect(&t, TOP48 - 1, 0x7fffffff, SZ_1G, RW);
	fc_unmap_expect(&t, TOP48 - SZ_1G, SZ_1G, 0, SZ_1G);

	fc_map_ok(&t, TOP48 - SZ_4K, 0x5000, SZ_4K, RW);
	fc_walk_expect(&t, TOP48 - 1, 0x5fff, SZ_4K, RW);
	CHECK(pt_range_mapped(&t.pt, TOP48 - 1, 1), "last byte mapped");
	CHECK(pt_range_mapped(&t.pt, TOP48 - SZ_4K, ~0ULL),
	      "range past the end clipped");
	CHECK_INT(fc_map(&t, TOP48 - SZ_4K, 0, 2 * SZ_4K, RW, &mapped),
		  -EINVAL, "map past the end");
	CHECK_INT(fc_map(&t, TOP48, 0, SZ_4K, RW, &mapped), -EINVAL,
		  "map at the end");
	fc_unmap_expect(&t, TOP48 - SZ_4K, 2 * SZ_4K, -EINVAL, 0);
	fc_unmap_expect(&t, TOP48 - SZ_4K, SZ_4K, 0, SZ_4K);

	/* 4K then 2M, ending exactly at the top. */
	fc_map_ok(&t, TOP48 - SZ_2M - SZ_4K, 0x1ff000, SZ_2M + SZ_4K, RW);
	EXPECT(&t, "ending at the top", RW,
	       { TOP48 - SZ_2M - SZ_4K, 0x1ff000, SZ_4K, 1 },
	       { TOP48 - SZ_2M, 0x200000, SZ_2M, 1 });
	fc_unmap_expect(&t, TOP48 - SZ_2M - SZ_4K, SZ_2M + SZ_4K, 0,
			SZ_2M + SZ_4K);
	CHECK_INT(t.ctx.live_tables, 1, "tables");
	fc_free(&t);
}

/* A 32-bit tree: three levels under a 4-entry top table of 1G entries. */
static void engine_ias32(void)
{
	struct pt_walk_result res;
	struct fc_tree t;
	u64 mapped;

	if (!eng_new(&t, 32))
		return;
	CHECK_INT(t.pt.cfg.levels, 3, "levels");
	CHECK_EQ(pt_table_bytes(&t.pt.cfg, 2), 32, "top table bytes");
	fc_map_ok(&t, 3 * SZ_1G, 0x40000000, SZ_1G, RW);
	fc_map_ok(&t, 3 * SZ_1G - SZ_4K, 0x7000, SZ_4K, RW);
	fc_walk_expect(&t, 4 * SZ_1G - 1, 0x7fffffff, SZ_1G, RW);
	fc_walk_expect(&t, 3 * SZ_1G - 1, 0x7fff, SZ_4K, RW);
	CHECK_INT(pt_walk(&t.pt, 3 * SZ_1G, &res), 0, "walk");
	CHECK_INT(res.nr_entries, 1, "a 1G leaf in the top table");
	CHECK_INT(fc_map(&t, 4 * SZ_1G - SZ_4K, 0, 2 * SZ_4K, RW, &mapped),
		  -EINVAL, "map past 4G");
	fc_walk_none(&t, 4 * SZ_1G, -EINVAL);
	fc_unmap_expect(&t, 4 * SZ_1G, SZ_4K, -EINVAL, 0);
	EXPECT(&t, "32-bit", RW, { 3 * SZ_1G - SZ_4K, 0x7000, SZ_4K, 1 },
	       { 3 * SZ_1G, 0x40000000, SZ_1G, 1 });
	fc_free(&t);
}

/* Bad arguments change nothing and allocate nothing. */
static void engine_bad_args(void)
{
	static const struct {
		u64 iova, pa, size;
		u32 prot;
		const char *what;
	} cases[] = {
		{ 0x1000, 0x1000, 0, RW, "size 0" },
		{ 0x1800, 0x1000, SZ_4K, RW, "iova not page aligned" },
		{ 0x1000, 0x1800, SZ_4K, RW, "pa not page aligned" },
		{ 0x1000, 0x1000, 0x1800, RW, "size not page aligned" },
		{ TOP48, 0x1000, SZ_4K, RW, "iova past ias" },
		{ ~0ULL << 12, 0x1000, SZ_4K, RW, "iova far past ias" },
		{ 0x1000, 0x1000, ~0ULL << 12, RW, "size wraps" },
		{ 0x1000, TOP48, SZ_4K, RW, "pa past oas" },
		{ 0x1000, TOP48 - SZ_4K, 2 * SZ_4K, RW, "pa range past oas" },
		{ 0x1000, 0x1000, SZ_4K, PT_PROT_WRITE, "write-only" },
		{ 0x1000, 0x1000, SZ_4K, 0, "no access" },
		{ 0x1000, 0x1000, SZ_4K, R | PT_PROT_CACHE | PT_PROT_MMIO,
		  "cached MMIO" },
	};
	struct pt_walk_result res;
	struct fc_tree t;
	unsigned int i;

	if (!eng_new(&t, 48))
		return;
	for (i = 0; i < TH_ARRAY_SIZE(cases); i++) {
		printf("#   %s\n", cases[i].what);
		fc_map_sizes_fails(&t, cases[i].iova, cases[i].pa,
				   cases[i].size, cases[i].prot, ALL_SIZES,
				   -EINVAL, 0);
	}
	fc_unmap_expect(&t, 0x1800, SZ_4K, -EINVAL, 0);
	fc_unmap_expect(&t, 0x1000, 0x800, -EINVAL, 0);
	fc_unmap_expect(&t, 0x1000, 0, -EINVAL, 0);
	fc_unmap_expect(&t, TOP48, SZ_4K, -EINVAL, 0);
	fc_unmap_expect(&t, 0x1000, ~0ULL << 12, -EINVAL, 0);
	CHECK_INT(pt_walk(&t.pt, TOP48, &res), -EINVAL, "walk past ias");
	CHECK_INT(res.nr_entries, 0, "entries read past ias");
	fc_walk_none(&t, ~0ULL, -EINVAL);
	CHECK_INT(t.ctx.alloc_calls, 1, "allocations");
	EXPECT_EMPTY(&t, "after bad arguments");
	fc_free(&t);
}

static void engine_oas40(void)
{
	struct fc_tree t;
	u64 mapped;

	if (!arm_ref_new(&t, &eng_fmt, &eng_oas40, 0))
		return;
	CHECK_INT(fc_map(&t, 0, 1ULL << 40, SZ_4K, RW, &mapped), -EINVAL,
		  "pa at 1T");
	CHECK_INT(fc_map(&t, 0, (1ULL << 40) - SZ_4K, 2 * SZ_4K, RW,
			 &mapped), -EINVAL, "pa range past 1T");
	fc_map_ok(&t, 0, (1ULL << 40) - SZ_4K, SZ_4K, RW);
	fc_walk_expect(&t, 0x10, (1ULL << 40) - SZ_4K + 0x10, SZ_4K, RW);
	fc_free(&t);
}

/*
 * The pages of a page list past the output size stop the map with
 * -EINVAL, as the first chunk does: the format would keep only the low
 * bits of their addresses and map other memory. Pinned user pages above
 * 4G in a 32-bit Armv7 space were mapped to the page 4G below them.
 */
static void engine_oas40_pages(void)
{
	static const u64 pages[] = {
		0x12345000, (1ULL << 40) - SZ_4K, 1ULL << 40, 0x67890000,
	};
	struct pt_map_src src = {
		.pa = 0x1000, .chunk = SZ_4K, .pages = pages,
		.nr_pages = TH_ARRAY_SIZE(pages), .page_size = SZ_4K,
	};
	struct fc_tree t;
	u64 mapped;

	if (!arm_ref_new(&t, &eng_fmt, &eng_oas40, 0))
		return;
	CHECK_INT(pt_map_src(&t.pt, SZ_2M, &src, 5 * SZ_4K, RW, ALL_SIZES,
			     &t.g.pt, &mapped), -EINVAL, "a page past 1T");
	CHECK_EQ(mapped, 2 * SZ_4K, "mapped before the pages past 1T");
	host_flush(&t.g, &t.pt);
	EXPECT(&t, "the pages before", RW, { SZ_2M, 0x1000, SZ_4K, 1 },
	       { SZ_2M + SZ_4K, 0x12345000, SZ_4K, 1 });
	fc_walk_none(&t, SZ_2M + 3 * SZ_4K, -ENOENT);
	/* The last page below 1T alone maps. */
	src = (struct pt_map_src){
		.pages = &pages[1], .nr_pages = 1, .page_size = SZ_4K,
	};
	CHECK_INT(pt_map_src(&t.pt, SZ_2M + 2 * SZ_4K, &src, SZ_4K, RW,
			     ALL_SIZES, &t.g.pt, &mapped), 0, "the last page");
	host_flush(&t.g, &t.pt);
	fc_walk_expect(&t, SZ_2M + 2 * SZ_4K + 0x10,
		       (1ULL << 40) - SZ_4K + 0x10, SZ_4K, RW);
	fc_free(&t);
}

/*
 * pt_iterate() reports, in order, the leaves overlapping a range, the first
 * one even if it starts before the range; stops when the visitor says so;
 * and clips ranges to the input address space.
 */
static void engine_iterate(void)
{
	const u64 y = 0x40200000;
	const struct fc_seg block = { y, 0x200000, SZ_2M, 1 };
	const struct fc_seg pages = { y - 2 * SZ_4K, 0x3000, SZ_4K, 2 };
	struct fc_list l;
	struct fc_tree t;

	if (!eng_new(&t, 48))
		return;
	fc_map_ok(&t, y - 4 * SZ_4K, 0x1000, 4 * SZ_4K, RW);
	fc_map_ok(&t, y, 0x200000, 2 * SZ_2M, RW);

	CHECK_INT(fc_list(&t, y + SZ_4K, SZ_4K, &l), 0, "inside a block");
	fc_match(&t, "inside a block", l.leaf, l.nr, RW, &block, 1, false);
	fc_list_fini(&l);
	CHECK_INT(fc_list(&t, y - SZ_4K - 1, 2, &l), 0, "two bytes");
	fc_match(&t, "two bytes", l.leaf, l.nr, RW, &pages, 1, false);
	fc_list_fini(&l);
	CHECK_INT(fc_list(&t, y + 2 * SZ_2M, SZ_1G, &l), 0, "after");
	CHECK_INT(l.nr, 0, "leaves after the last");
	fc_list_fini(&l);
	CHECK_INT(fc_list(&t, 0, 0, &l), 0, "size 0");
	CHECK_INT(l.nr, 0, "leaves in nothing");
	fc_list_fini(&l);

	/* The visitor stops it at the 3rd leaf; its value comes back. */
	CHECK_INT(fc_list_stop(&t, 0, TOP48, 3, &l), 7, "stopped");
	CHECK_INT(l.nr, 3, "leaves before stopping");
	fc_list_fini(&l);

	CHECK(pt_range_mapped(&t.pt, y - 1, 1), "last byte of a page");
	CHECK(!pt_range_mapped(&t.pt, y - 8 * SZ_4K, 4 * SZ_4K),
	      "just before the pages");
	CHECK(pt_range_mapped(&t.pt, 0, ~0ULL), "whole 64-bit range");
	fc_free(&t);
}

/*
 * A range starting past the input address space holds nothing: "a range
 * past the input address space is clipped".
 */
static void engine_iterate_past_ias(void)
{
	static const u32 sizes[] = { 32, 39, 48 };
	struct fc_list l;
	struct fc_tree t;
	unsigned int i;

	for (i = 0; i < TH_ARRAY_SIZE(sizes); i++) {
		u64 end = 1ULL << sizes[i];

		if (!eng_new(&t, sizes[i]))
			return;
		fc_map_ok(&t, 0x1000, 0x1000, SZ_4K, RW);
		CHECK(!pt_range_mapped(&t.pt, end, 2 * SZ_4K),
		      "ias %u: range_mapped(%#llx, 8K) is true; the only leaf is at 0x1000",
		      sizes[i], (unsigned long long)end);
		fc_list(&t, end, 2 * SZ_4K, &l);
		CHECK(!l.nr, "ias %u: iterate(%#llx, 8K) reports %zu leaves, the first at %#llx",
		      sizes[i], (unsigned long long)end, l.nr,
		      l.nr ? (unsigned long long)l.leaf[0].iova : 0ULL);
		fc_list_fini(&l);
		fc_free(&t);
	}
}

/*
 * The engine-semantics suite of the format tests (fmt_check.c) through
 * stage 1: every scenario in 48- and 39-bit trees, those that fit in a
 * 32-bit one there.
 */
static void engine_sem_suite(void)
{
	struct fc_fmt f = eng_fmt;
	unsigned int i;

	for (i = 0; i < TH_ARRAY_SIZE(eng_spaces); i++) {
		struct pt_params params = { .ias = eng_spaces[i]->ias };

		f.ref = eng_spaces[i];
		if (params.ias > 32)
			fc_sem_all(&f, &params);
		else
			fc_sem_sizes(&f, &params);
	}
}

static const struct th_test engine_tests[] = {
	TH_TEST(engine_empty),
	TH_TEST(engine_page_sizes),
	TH_TEST(engine_largest_page),
	TH_TEST(engine_pgsize_restriction),
	TH_TEST(engine_overlap),
	TH_TEST(engine_unmap_consecutive),
	TH_TEST(engine_unmap_hole),
	TH_TEST(engine_unmap_large),
	TH_TEST(engine_table_reclaim),
	TH_TEST(engine_claim_lost),
	TH_TEST(engine_unmap_prune_hint),
	TH_TEST(engine_alloc_failure),
	TH_TEST(engine_top),
	TH_TEST(engine_ias32),
	TH_TEST(engine_bad_args),
	TH_TEST(engine_oas40),
	TH_TEST(engine_oas40_pages),
	TH_TEST(engine_iterate),
	TH_TEST(engine_iterate_past_ias),
	TH_TEST(engine_sem_suite),
};

int main(int argc, char **argv)
{
	return th_main("test_engine", engine_tests,
		       TH_ARRAY_SIZE(engine_tests), argc, argv);
}
