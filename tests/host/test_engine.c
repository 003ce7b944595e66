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

#include "harness.h"
#include "host_ops.h"
#include "model.h"

#define R	PT_PROT_READ
#define RW	(PT_PROT_READ | PT_PROT_WRITE)
#define ALL_SIZES	(SZ_4K | SZ_2M | SZ_1G)
#define SZ_512G		(512 * SZ_1G)
#define TOP48		BIT_ULL(48)

/* A tree, its owner and the leaves its last unmap removed. */
struct eng {
	struct pt_space pt;
	struct host_ctx ctx;
	struct host_gather g;
	struct pt_leaf *removed;
	size_t nr_removed;
};

static bool eng_new_bitmap(struct eng *e, u32 ias, u64 pgsize_bitmap)
{
	struct pt_params params = { .ias = ias, .pgsize_bitmap = pgsize_bitmap };
	int ret;

	*e = (struct eng){};
	ret = host_space_new(&e->pt, &e->ctx, &params);
	if (!CHECK(!ret, "new tree: %s", th_errname(ret))) {
		host_ctx_fini(&e->ctx);
		return false;
	}
	e->ctx.check_unlinked = true;
	host_gather_init(&e->g, &e->ctx);
	return true;
}

static bool eng_new(struct eng *e, u32 ias)
{
	return eng_new_bitmap(e, ias, 0);
}

static void eng_free(struct eng *e)
{
	host_space_free(&e->pt, &e->g);
	host_gather_fini(&e->g);
	free(e->removed);
}

/* Map, then flush; a map removes no leaf. */
static int eng_map_sizes(struct eng *e, u64 iova, u64 pa, u64 size, u32 prot,
			 u64 pgsizes, u64 *mapped)
{
	int ret = pt_map(&e->pt, iova, pa, size, prot, pgsizes, &e->g, mapped);

	CHECK(!e->g.nr_leaves, "map removed %zu leaves", e->g.nr_leaves);
	host_flush(&e->g, &e->pt);
	return ret;
}

static int eng_map(struct eng *e, u64 iova, u64 pa, u64 size, u32 prot,
		   u64 *mapped)
{
	return eng_map_sizes(e, iova, pa, size, prot, e->pt.cfg.pgsize_bitmap,
			     mapped);
}

/* Map what must map whole. */
static void eng_map_ok(struct eng *e, u64 iova, u64 pa, u64 size, u32 prot)
{
	u64 mapped;
	int ret = eng_map(e, iova, pa, size, prot, &mapped);

	CHECK(!ret && mapped == size,
	      "map(%#llx, pa %#llx, size %#llx) is %s with %#llx mapped",
	      (unsigned long long)iova, (unsigned long long)pa,
	      (unsigned long long)size, th_errname(ret),
	      (unsigned long long)mapped);
}

/* Unmap, keep a copy of the leaves removed, then flush. */
static int eng_unmap(struct eng *e, u64 iova, u64 size, u64 *unmapped)
{
	int ret = pt_unmap(&e->pt, iova, size, &e->g, unmapped);

	e->nr_removed = e->g.nr_leaves;
	e->removed = realloc(e->removed,
			     (e->nr_removed + 1) * sizeof(*e->removed));
	if (!e->removed)
		abort();
	if (e->nr_removed)
		memcpy(e->removed, e->g.leaves,
		       e->nr_removed * sizeof(*e->removed));
	host_flush(&e->g, &e->pt);
	return ret;
}

static void eng_unmap_expect(struct eng *e, u64 iova, u64 size, int want,
			     u64 want_unmapped)
{
	u64 unmapped;
	int ret = eng_unmap(e, iova, size, &unmapped);

	CHECK(ret == want && unmapped == want_unmapped,
	      "unmap(%#llx, %#llx) is %s with %#llx unmapped, expected %s with %#llx",
	      (unsigned long long)iova, (unsigned long long)size,
	      th_errname(ret), (unsigned long long)unmapped, th_errname(want),
	      (unsigned long long)want_unmapped);
}

/* Leaves in [iova, iova + size), from pt_iterate(). */
struct eng_list {
	struct pt_leaf_visitor visitor;
	struct pt_leaf *leaf;
	size_t nr;
	size_t stop_after;
};

static int eng_list_add(struct pt_leaf_visitor *visitor,
			const struct pt_leaf *leaf)
{
	struct eng_list *l = container_of(visitor, struct eng_list, visitor);

	l->leaf = realloc(l->leaf, (l->nr + 1) * sizeof(*l->leaf));
	if (!l->leaf)
		abort();
	l->leaf[l->nr++] = *leaf;
	return l->nr == l->stop_after ? 7 : 0;
}

static int eng_list(const struct eng *e, u64 iova, u64 size,
		    struct eng_list *l)
{
	*l = (struct eng_list){ .visitor.leaf = eng_list_add };
	return pt_iterate(&e->pt, iova, size, &l->visitor);
}

/* @count leaves of @size from @iova/@pa, in a row. */
struct seg {
	u64 iova;
	u64 pa;
	u64 size;
	unsigned int count;
};

static bool eng_same_leaf(const struct pt_leaf *l, u64 iova, u64 pa, u64 size,
			  u32 prot)
{
	return CHECK(l->iova == iova && l->pa == pa && l->size == size &&
		     l->prot == prot && l->level == model_level(size),
		     "leaf iova %#llx pa %#llx size %#llx prot %#x level %u, expected iova %#llx pa %#llx size %#llx prot %#x",
		     (unsigned long long)l->iova, (unsigned long long)l->pa,
		     (unsigned long long)l->size, l->prot, l->level,
		     (unsigned long long)iova, (unsigned long long)pa,
		     (unsigned long long)size, prot);
}

/* Do @leaves, @nr of them, match @segs (or their start, if @prefix)? */
static bool eng_match_some(const char *what, const struct pt_leaf *leaves,
			   size_t nr, u32 prot, const struct seg *segs,
			   size_t nr_segs, bool prefix)
{
	size_t i = 0, s;
	unsigned int k;

	for (s = 0; s < nr_segs; s++) {
		for (k = 0; k < segs[s].count; k++, i++) {
			u64 off = k * segs[s].size;

			if (prefix && i == nr)
				return true;
			if (!CHECK(i < nr, "%s: only %zu leaves", what, nr))
				return false;
			if (!eng_same_leaf(&leaves[i], segs[s].iova + off,
					   segs[s].pa + off, segs[s].size,
					   prot)) {
				printf("#   %s: leaf %zu\n", what, i);
				return false;
			}
		}
	}
	return CHECK(i == nr, "%s: %zu leaves, expected %zu", what, nr, i);
}

static bool eng_match(const char *what, const struct pt_leaf *leaves,
		      size_t nr, u32 prot, const struct seg *segs,
		      size_t nr_segs)
{
	return eng_match_some(what, leaves, nr, prot, segs, nr_segs, false);
}

/* The whole tree holds exactly @segs, all with @prot. */
static bool eng_expect(const struct eng *e, const char *what, u32 prot,
		       const struct seg *segs, size_t nr_segs)
{
	struct eng_list l;
	bool ok;

	eng_list(e, 0, 1ULL << e->pt.cfg.ias, &l);
	ok = eng_match(what, l.leaf, l.nr, prot, segs, nr_segs);
	free(l.leaf);
	ok &= host_check_tree(&e->pt, &e->ctx);
	return ok;
}

#define EXPECT(e, what, prot, ...) do {					\
	const struct seg segs_[] = { __VA_ARGS__ };			\
	eng_expect(e, what, prot, segs_, TH_ARRAY_SIZE(segs_));		\
} while (0)

#define EXPECT_EMPTY(e, what) \
	eng_expect(e, what, 0, NULL, 0)

/*
 * Walk @iova and check it translates to @pa through a leaf of @size, and
 * that the entries reported are those an independent walk of the raw
 * LPAE tables reads: table descriptors (0b11) down to a block (0b01) or
 * page (0b11) descriptor holding the leaf's output address.
 */
static void eng_walk_expect(const struct eng *e, u64 iova, u64 pa, u64 size,
			    u32 prot)
{
	const struct pt_cfg *cfg = &e->pt.cfg;
	unsigned int level = model_level(size), l, i = 0;
	const u64 *table = e->pt.root;
	struct pt_walk_result res;
	int ret = pt_walk(&e->pt, iova, &res);

	if (!CHECK(!ret, "walk(%#llx) is %s", (unsigned long long)iova,
		   th_errname(ret)))
		return;
	CHECK(res.leaf.iova == (iova & ~(size - 1)) && res.leaf.pa == pa &&
	      res.leaf.size == size && res.leaf.prot == prot &&
	      res.leaf.level == level,
	      "walk(%#llx) gives iova %#llx pa %#llx size %#llx prot %#x level %u, expected pa %#llx size %#llx prot %#x",
	      (unsigned long long)iova, (unsigned long long)res.leaf.iova,
	      (unsigned long long)res.leaf.pa,
	      (unsigned long long)res.leaf.size, res.leaf.prot,
	      res.leaf.level, (unsigned long long)pa,
	      (unsigned long long)size, prot);
	CHECK_INT(res.nr_entries, cfg->levels - level, "entries read");
	for (l = cfg->levels - 1; l >= level && i < res.nr_entries; l--, i++) {
		u64 mask = (1ULL << cfg->lvl[l].index_bits) - 1;
		u64 pte = table[(iova >> (12 + 9 * l)) & mask];

		CHECK_EQ(res.entries[i], pte, "raw entry");
		if (l == level) {
			CHECK_EQ(pte & 3, l ? 1 : 3, "leaf descriptor type");
			CHECK_EQ(pte & GENMASK_ULL(47, 12 + 9 * l),
				 pa & ~(size - 1), "leaf output address");
			break;
		}
		CHECK_EQ(pte & 3, 3, "table descriptor type");
		table = (const u64 *)(uintptr_t)(pte & GENMASK_ULL(47, 12));
	}
}

static void eng_walk_none(const struct eng *e, u64 iova, int want)
{
	struct pt_walk_result res;
	int ret = pt_walk(&e->pt, iova, &res);

	CHECK(ret == want, "walk(%#llx) is %s, expected %s",
	      (unsigned long long)iova, th_errname(ret), th_errname(want));
}

static void engine_empty(void)
{
	static const u64 iovas[] = { 0, 0x12345678, 0x7fffffffffffULL,
				     TOP48 - 1 };
	struct pt_walk_result res;
	struct eng_list l;
	struct eng e;
	unsigned int i;

	if (!eng_new(&e, 48))
		return;
	for (i = 0; i < TH_ARRAY_SIZE(iovas); i++) {
		CHECK_INT(pt_walk(&e.pt, iovas[i], &res), -ENOENT, "walk");
		/* One entry read: the empty top-level one. */
		CHECK(res.nr_entries == 1 && !res.entries[0],
		      "walk(%#llx) read %u entries, first %#llx",
		      (unsigned long long)iovas[i], res.nr_entries,
		      (unsigned long long)res.entries[0]);
	}
	CHECK_INT(eng_list(&e, 0, TOP48, &l), 0, "iterate");
	CHECK_INT(l.nr, 0, "leaves");
	free(l.leaf);
	CHECK(!pt_range_mapped(&e.pt, 0, TOP48), "empty tree mapped");
	eng_unmap_expect(&e, 0, SZ_4K, -ENOENT, 0);
	CHECK_INT(e.ctx.live_tables, 1, "only the root");
	CHECK_INT(e.ctx.alloc_calls, 1, "only the root allocated");
	eng_free(&e);
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
	struct eng e;
	unsigned int i;

	for (i = 0; i < TH_ARRAY_SIZE(cases); i++) {
		u64 iova = cases[i].iova, pa = cases[i].pa;
		u64 size = cases[i].size, off = size / 2 + 0x123;

		if (!eng_new(&e, 48))
			return;
		eng_map_ok(&e, iova, pa, size, prot);
		CHECK_INT(e.ctx.live_tables, cases[i].tables, "tables");
		EXPECT(&e, "one leaf", prot, { iova, pa, size, 1 });
		eng_walk_expect(&e, iova, pa, size, prot);
		eng_walk_expect(&e, iova + off, pa + off, size, prot);
		eng_walk_expect(&e, iova + size - 1, pa + size - 1, size, prot);
		eng_walk_none(&e, iova - 1, -ENOENT);
		eng_walk_none(&e, iova + size, -ENOENT);
		CHECK(pt_range_mapped(&e.pt, iova + size - 1, 1) &&
		      !pt_range_mapped(&e.pt, iova + size, SZ_1G) &&
		      !pt_range_mapped(&e.pt, 0, iova),
		      "range_mapped around %#llx", (unsigned long long)iova);
		eng_unmap_expect(&e, iova, size, 0, size);
		if (CHECK_INT(e.nr_removed, 1, "leaves removed"))
			eng_same_leaf(e.removed, iova, pa, size, prot);
		EXPECT_EMPTY(&e, "after unmap");
		CHECK_INT(e.ctx.live_tables, 1, "tables after unmap");
		eng_free(&e);
	}
}

/* The largest page that alignment and the remaining length allow. */
static void engine_largest_page(void)
{
	struct eng e;

	/* 4M at 2M-aligned iova and pa: two 2M blocks. */
	if (!eng_new(&e, 48))
		return;
	eng_map_ok(&e, 0x600000, 0x100200000ULL, 2 * SZ_2M, RW);
	EXPECT(&e, "4M at 2M", RW, { 0x600000, 0x100200000ULL, SZ_2M, 2 });
	eng_free(&e);

	/* 2M + 4K, both aligned: a block and a page. */
	if (!eng_new(&e, 48))
		return;
	eng_map_ok(&e, 0x600000, 0x100200000ULL, SZ_2M + SZ_4K, RW);
	EXPECT(&e, "2M+4K aligned", RW, { 0x600000, 0x100200000ULL, SZ_2M, 1 },
	       { 0x800000, 0x100400000ULL, SZ_4K, 1 });
	eng_free(&e);

	/* 2M + 4K with the pa 4K off a 2M boundary: 513 pages. */
	if (!eng_new(&e, 48))
		return;
	eng_map_ok(&e, 0x600000, 0x100201000ULL, SZ_2M + SZ_4K, RW);
	EXPECT(&e, "2M+4K misaligned pa", RW,
	       { 0x600000, 0x100201000ULL, SZ_4K, 513 });
	eng_free(&e);

	/* Starting a page before a 2M boundary, pa alike: 4K, 2M, 4K. */
	if (!eng_new(&e, 48))
		return;
	eng_map_ok(&e, 0x5ff000, 0x1001ff000ULL, SZ_2M + 2 * SZ_4K, R);
	EXPECT(&e, "4K 2M 4K", R, { 0x5ff000, 0x1001ff000ULL, SZ_4K, 1 },
	       { 0x600000, 0x100200000ULL, SZ_2M, 1 },
	       { 0x800000, 0x100400000ULL, SZ_4K, 1 });
	eng_free(&e);

	/* 1G + 2M + 4K at 1G: one leaf of each size. */
	if (!eng_new(&e, 48))
		return;
	eng_map_ok(&e, SZ_1G, 0x1c0000000ULL, SZ_1G + SZ_2M + SZ_4K, RW);
	EXPECT(&e, "1G 2M 4K", RW, { SZ_1G, 0x1c0000000ULL, SZ_1G, 1 },
	       { 2 * SZ_1G, 0x200000000ULL, SZ_2M, 1 },
	       { 2 * SZ_1G + SZ_2M, 0x200200000ULL, SZ_4K, 1 });
	eng_free(&e);

	/* 1G at a 1G iova but a pa only 2M-aligned: 512 blocks of 2M. */
	if (!eng_new(&e, 48))
		return;
	eng_map_ok(&e, SZ_1G, 0x1c0200000ULL, SZ_1G, RW);
	EXPECT(&e, "1G of 2M blocks", RW,
	       { SZ_1G, 0x1c0200000ULL, SZ_2M, 512 });
	eng_free(&e);
}

static void eng_map_fails(struct eng *e, u64 iova, u64 pa, u64 size, u32 prot,
			  u64 pgsizes, int want, u64 want_mapped)
{
	u64 mapped;
	int ret = eng_map_sizes(e, iova, pa, size, prot, pgsizes, &mapped);

	CHECK(ret == want && mapped == want_mapped,
	      "map(%#llx, pa %#llx, size %#llx, prot %#x, pgsizes %#llx) is %s with %#llx mapped, expected %s with %#llx",
	      (unsigned long long)iova, (unsigned long long)pa,
	      (unsigned long long)size, prot, (unsigned long long)pgsizes,
	      th_errname(ret), (unsigned long long)mapped, th_errname(want),
	      (unsigned long long)want_mapped);
}

static void engine_pgsize_restriction(void)
{
	u64 mapped;
	struct eng e;

	/* 4K only: 4M at 2M alignment takes 1024 pages. */
	if (!eng_new(&e, 48))
		return;
	CHECK_INT(eng_map_sizes(&e, 0x600000, 0x100200000ULL, 2 * SZ_2M, RW,
				SZ_4K, &mapped), 0, "4K only");
	EXPECT(&e, "4K only", RW, { 0x600000, 0x100200000ULL, SZ_4K, 1024 });
	eng_free(&e);

	/* 4K and 1G: 2M aligned takes pages, 1G aligned a block. */
	if (!eng_new(&e, 48))
		return;
	CHECK_INT(eng_map_sizes(&e, 0x600000, 0x100200000ULL, SZ_2M, RW,
				SZ_4K | SZ_1G, &mapped), 0, "4K|1G, 2M");
	CHECK_INT(eng_map_sizes(&e, SZ_1G, 0x1c0000000ULL, SZ_1G, RW,
				SZ_4K | SZ_1G, &mapped), 0, "4K|1G, 1G");
	EXPECT(&e, "4K|1G", RW, { 0x600000, 0x100200000ULL, SZ_4K, 512 },
	       { SZ_1G, 0x1c0000000ULL, SZ_1G, 1 });
	eng_free(&e);

	/* 2M only: everything must be 2M-aligned; 1G only likewise. */
	if (!eng_new(&e, 48))
		return;
	eng_map_fails(&e, 0x600000, 0x100200000ULL, SZ_2M + SZ_4K, RW, SZ_2M,
		      -EINVAL, 0);
	eng_map_fails(&e, 0x601000, 0x100201000ULL, SZ_2M, RW, SZ_2M,
		      -EINVAL, 0);
	eng_map_fails(&e, 0x600000, 0x100201000ULL, SZ_2M, RW, SZ_2M,
		      -EINVAL, 0);
	eng_map_fails(&e, SZ_1G, 0x1c0200000ULL, SZ_1G, RW, SZ_1G, -EINVAL, 0);
	CHECK_INT(eng_map_sizes(&e, 0x600000, 0x100200000ULL, 2 * SZ_2M, RW,
				SZ_2M, &mapped), 0, "2M only");
	CHECK_INT(eng_map_sizes(&e, SZ_1G, 0x1c0000000ULL, SZ_1G, RW, SZ_1G,
				&mapped), 0, "1G only");
	EXPECT(&e, "2M only, 1G only", RW,
	       { 0x600000, 0x100200000ULL, SZ_2M, 2 },
	       { SZ_1G, 0x1c0000000ULL, SZ_1G, 1 });
	/* Sizes the tree does not have, or none at all. */
	eng_map_fails(&e, 0, 0, SZ_4K, RW, SZ_4K | 2 * SZ_4K, -EINVAL, 0);
	eng_map_fails(&e, 0, 0, SZ_512G, RW, SZ_4K | SZ_512G, -EINVAL, 0);
	eng_map_fails(&e, 0, 0, SZ_4K, RW, 0, -EINVAL, 0);
	/* Root, the 512G table holding the 1G leaf, the 1G table (2M). */
	CHECK_INT(e.ctx.live_tables, 3, "tables of the 2M and 1G leaves");
	eng_free(&e);

	/* A tree made with 4K pages only uses nothing else. */
	if (!eng_new_bitmap(&e, 48, SZ_4K))
		return;
	eng_map_ok(&e, 0x600000, 0x100200000ULL, SZ_2M, RW);
	eng_map_fails(&e, SZ_1G, SZ_1G, SZ_2M, RW, SZ_2M, -EINVAL, 0);
	EXPECT(&e, "4K tree", RW, { 0x600000, 0x100200000ULL, SZ_4K, 512 });
	eng_free(&e);
}

/* A map over anything mapped stops there, leaving it as it was. */
static void engine_overlap(void)
{
	u64 x = 0x40000000, y = 0x80200000, w = 0x140000000ULL;
	struct eng_list l;
	struct eng e;

	if (!eng_new(&e, 48))
		return;
	/* Pages: the first two map, the third is taken. */
	eng_map_ok(&e, x + 2 * SZ_4K, 0xa000, SZ_4K, R);
	eng_map_fails(&e, x, 0xb0000, 4 * SZ_4K, RW, ALL_SIZES, -EADDRINUSE,
		      2 * SZ_4K);
	eng_walk_expect(&e, x, 0xb0000, SZ_4K, RW);
	eng_walk_expect(&e, x + SZ_4K, 0xb1000, SZ_4K, RW);
	eng_walk_expect(&e, x + 2 * SZ_4K, 0xa000, SZ_4K, R);
	eng_walk_none(&e, x + 3 * SZ_4K, -ENOENT);
	/* The same range again: nothing at all. */
	eng_map_fails(&e, x, 0xb0000, 4 * SZ_4K, RW, ALL_SIZES, -EADDRINUSE,
		      0);

	/* A 2M block refuses pages inside it and itself again. */
	eng_map_ok(&e, y, 0x400000, SZ_2M, R);
	eng_map_fails(&e, y + SZ_4K, 0xc000, SZ_4K, RW, ALL_SIZES, -EADDRINUSE,
		      0);
	eng_map_fails(&e, y, 0xc00000, SZ_2M, RW, ALL_SIZES, -EADDRINUSE, 0);
	eng_map_fails(&e, y - SZ_4K, 0xd000, 2 * SZ_4K, RW, ALL_SIZES,
		      -EADDRINUSE, SZ_4K);

	/* A block over a table holding a page. */
	eng_map_ok(&e, y + SZ_2M + SZ_4K, 0xe000, SZ_4K, R);
	eng_map_fails(&e, y + SZ_2M, 0x600000, SZ_2M, RW, ALL_SIZES,
		      -EADDRINUSE, 0);

	/* A 1G block refuses a 2M block inside it. */
	eng_map_ok(&e, w, 0x40000000, SZ_1G, R);
	eng_map_fails(&e, w + SZ_2M, 0x600000, SZ_2M, RW, ALL_SIZES,
		      -EADDRINUSE, 0);

	/* 2 + 1 pages at x, a page and a block at y, a page, the 1G block. */
	CHECK_INT(eng_list(&e, 0, TOP48, &l), 0, "iterate");
	CHECK_INT(l.nr, 7, "leaves after the refused maps");
	free(l.leaf);
	host_check_tree(&e.pt, &e.ctx);
	eng_walk_expect(&e, y - SZ_4K, 0xd000, SZ_4K, RW);
	eng_walk_expect(&e, y + SZ_4K, 0x401000, SZ_2M, R);
	eng_walk_expect(&e, y + SZ_2M + SZ_4K, 0xe000, SZ_4K, R);
	eng_walk_none(&e, y + SZ_2M, -ENOENT);
	eng_walk_expect(&e, w + SZ_2M, 0x40200000, SZ_1G, R);
	eng_free(&e);
}

static void eng_removed_expect(const struct eng *e, const char *what,
			       u32 prot, const struct seg *segs, size_t nr)
{
	eng_match(what, e->removed, e->nr_removed, prot, segs, nr);
}

#define EXPECT_REMOVED(e, what, prot, ...) do {				\
	const struct seg segs_[] = { __VA_ARGS__ };			\
	eng_removed_expect(e, what, prot, segs_, TH_ARRAY_SIZE(segs_));	\
} while (0)

static void engine_unmap_consecutive(void)
{
	u64 x = SZ_2M - 3 * SZ_4K;
	struct eng e;

	if (!eng_new(&e, 48))
		return;
	/* Three pages, a block, a page: three maps in a row. */
	eng_map_ok(&e, x, 0x7fd000, 3 * SZ_4K, RW);
	eng_map_ok(&e, SZ_2M, 0xa00000, SZ_2M, RW);
	eng_map_ok(&e, 2 * SZ_2M, 0x5000, SZ_4K, RW);
	eng_unmap_expect(&e, x, 3 * SZ_4K + SZ_2M + SZ_4K, 0,
			 3 * SZ_4K + SZ_2M + SZ_4K);
	EXPECT_REMOVED(&e, "three maps", RW, { x, 0x7fd000, SZ_4K, 3 },
		       { SZ_2M, 0xa00000, SZ_2M, 1 },
		       { 2 * SZ_2M, 0x5000, SZ_4K, 1 });
	EXPECT_EMPTY(&e, "after unmap");

	/* Exactly the first two maps: the next one, adjacent, stays. */
	eng_map_ok(&e, x, 0x7fd000, 3 * SZ_4K, RW);
	eng_map_ok(&e, SZ_2M, 0xa00000, SZ_2M, RW);
	eng_map_ok(&e, 2 * SZ_2M, 0x5000, SZ_4K, RW);
	eng_unmap_expect(&e, x, 3 * SZ_4K + SZ_2M, 0, 3 * SZ_4K + SZ_2M);
	EXPECT_REMOVED(&e, "two maps", RW, { x, 0x7fd000, SZ_4K, 3 },
		       { SZ_2M, 0xa00000, SZ_2M, 1 });
	EXPECT(&e, "the third map", RW, { 2 * SZ_2M, 0x5000, SZ_4K, 1 });
	eng_unmap_expect(&e, x + 3 * SZ_4K + SZ_2M, SZ_4K, 0, SZ_4K);
	CHECK_INT(e.ctx.live_tables, 1, "tables");
	eng_free(&e);
}

static void engine_unmap_hole(void)
{
	u64 x = 0x12340000;
	struct eng e;

	if (!eng_new(&e, 48))
		return;
	eng_map_ok(&e, x, 0x1000, 2 * SZ_4K, RW);
	eng_map_ok(&e, x + 3 * SZ_4K, 0x9000, SZ_4K, RW);
	/* Stops at the hole: success, with what it removed. */
	eng_unmap_expect(&e, x, 4 * SZ_4K, 0, 2 * SZ_4K);
	EXPECT_REMOVED(&e, "before the hole", RW, { x, 0x1000, SZ_4K, 2 });
	EXPECT(&e, "after the hole", RW, { x + 3 * SZ_4K, 0x9000, SZ_4K, 1 });
	/* Starting in a hole: nothing. */
	eng_unmap_expect(&e, x + 2 * SZ_4K, 2 * SZ_4K, -ENOENT, 0);
	CHECK_INT(e.nr_removed, 0, "leaves removed");
	eng_unmap_expect(&e, 0, SZ_4K, -ENOENT, 0);
	eng_unmap_expect(&e, 0x7f0000000000ULL, SZ_1G, -ENOENT, 0);
	EXPECT(&e, "after -ENOENT", RW, { x + 3 * SZ_4K, 0x9000, SZ_4K, 1 });
	eng_free(&e);
}

/* Never split a block: starting inside one is refused, ending inside
 * one removes it whole.
 */
static void engine_unmap_large(void)
{
	u64 y = 0x40200000, w = 0x80000000;
	struct eng e;

	if (!eng_new(&e, 48))
		return;
	eng_map_ok(&e, y - SZ_4K, 0x1ff000, SZ_4K, RW);
	eng_map_ok(&e, y, 0x200000, SZ_2M, RW);
	eng_map_ok(&e, w, 0x40000000, SZ_1G, RW);

	eng_unmap_expect(&e, y + SZ_4K, SZ_4K, -EINVAL, 0);
	eng_unmap_expect(&e, y + SZ_2M - SZ_4K, 4 * SZ_2M, -EINVAL, 0);
	eng_unmap_expect(&e, w + SZ_2M, SZ_2M, -EINVAL, 0);
	CHECK_INT(e.nr_removed, 0, "leaves removed");
	EXPECT(&e, "after -EINVAL", RW, { y - SZ_4K, 0x1ff000, SZ_4K, 1 },
	       { y, 0x200000, SZ_2M, 1 }, { w, 0x40000000, SZ_1G, 1 });

	/* A page and the first page of the block: the block goes whole. */
	eng_unmap_expect(&e, y - SZ_4K, 2 * SZ_4K, 0, SZ_4K + SZ_2M);
	EXPECT_REMOVED(&e, "ending inside 2M", RW,
		       { y - SZ_4K, 0x1ff000, SZ_4K, 1 },
		       { y, 0x200000, SZ_2M, 1 });
	eng_unmap_expect(&e, w, SZ_4K, 0, SZ_1G);
	EXPECT_REMOVED(&e, "ending inside 1G", RW, { w, 0x40000000, SZ_1G, 1 });
	EXPECT_EMPTY(&e, "all unmapped");
	eng_free(&e);
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
	struct eng e;
	unsigned int i;

	if (!eng_new(&e, 48))
		return;
	for (i = 0; i < TH_ARRAY_SIZE(pages); i++) {
		eng_map_ok(&e, pages[i].iova, 0x1000 * (i + 1), SZ_4K, RW);
		CHECK_INT(e.ctx.live_tables, pages[i].tables, "after map");
	}
	host_check_tree(&e.pt, &e.ctx);
	for (i = TH_ARRAY_SIZE(pages); i--;) {
		eng_unmap_expect(&e, pages[i].iova, SZ_4K, 0, SZ_4K);
		CHECK_INT(e.ctx.live_tables, i ? pages[i - 1].tables : 1,
			  "after unmap");
		host_check_tree(&e.pt, &e.ctx);
	}
	/* Map again and destroy: every leaf reported, every table gone. */
	for (i = 0; i < TH_ARRAY_SIZE(pages); i++)
		eng_map_ok(&e, pages[i].iova, 0x1000 * (i + 1), SZ_4K, RW);
	pt_space_destroy(&e.pt, &e.g);
	CHECK(!e.pt.root, "root still set after destroy");
	CHECK_INT(e.g.nr_retired, 10, "tables retired by destroy");
	if (CHECK_INT(e.g.nr_leaves, TH_ARRAY_SIZE(pages), "leaves reported"))
		for (i = 0; i < TH_ARRAY_SIZE(pages); i++)
			eng_same_leaf(&e.g.leaves[i], pages[i].iova,
				      0x1000 * (i + 1), SZ_4K, RW);
	host_flush(&e.g, &e.pt);
	CHECK_INT(e.ctx.live_tables, 0, "after destroy");
	pt_space_destroy(&e.pt, &e.g);
	CHECK_INT(e.g.nr_retired, 0, "a second destroy retires nothing");
	eng_free(&e);
}

#define FAIL_IOVA	(SZ_512G - SZ_2M - 2 * SZ_4K)
#define FAIL_PA		0x3fffe000ULL
#define FAIL_SIZE	(2 * SZ_2M + 4 * SZ_4K)

static const struct seg fail_leaves[] = {
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
	struct eng_list l;
	unsigned int n;
	struct eng e;
	u64 mapped;
	int ret;

	for (n = 1; n <= nr + 1; n++) {
		if (!eng_new(&e, 48))
			return;
		if (page)
			eng_map_ok(&e, 0x1000, 0x1000, SZ_4K, R);
		e.ctx.fail_at = e.ctx.alloc_calls + n;
		ret = eng_map(&e, FAIL_IOVA, FAIL_PA, FAIL_SIZE, RW, &mapped);
		e.ctx.fail_at = 0;
		if (n > nr) {
			CHECK(!ret && mapped == FAIL_SIZE,
			      "%u allocations: %s with %#llx mapped", nr,
			      th_errname(ret), (unsigned long long)mapped);
			eng_free(&e);
			break;
		}
		CHECK(ret == -ENOMEM && mapped == progress[n - 1],
		      "allocation %u failing: %s with %#llx mapped, expected -ENOMEM with %#llx",
		      n, th_errname(ret), (unsigned long long)mapped,
		      (unsigned long long)progress[n - 1]);
		host_check_tree(&e.pt, &e.ctx);
		if (page)
			eng_walk_expect(&e, 0x1000, 0x1000, SZ_4K, R);
		eng_list(&e, FAIL_IOVA, FAIL_SIZE, &l);
		eng_match_some("progress", l.leaf, l.nr, RW, fail_leaves,
			       TH_ARRAY_SIZE(fail_leaves), true);
		if (l.nr)
			CHECK_EQ(l.leaf[l.nr - 1].iova + l.leaf[l.nr - 1].size,
				 FAIL_IOVA + mapped, "end of the leaves");
		free(l.leaf);
		/* The rest maps. */
		eng_map_ok(&e, FAIL_IOVA + mapped, FAIL_PA + mapped,
			   FAIL_SIZE - mapped, RW);
		eng_list(&e, FAIL_IOVA, FAIL_SIZE, &l);
		eng_match("after the retry", l.leaf, l.nr, RW, fail_leaves,
			  TH_ARRAY_SIZE(fail_leaves));
		free(l.leaf);
		host_check_tree(&e.pt, &e.ctx);
		eng_free(&e);
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
	struct eng e;
	u64 mapped;

	if (!eng_new(&e, 48))
		return;
	eng_map_ok(&e, TOP48 - SZ_1G, 0x40000000, SZ_1G, RW);
	EXPECT(&e, "last 1G", RW, { TOP48 - SZ_1G, 0x40000000, SZ_1G, 1 });
	eng_walk_expect(&e, TOP48 - 1, 0x7fffffff, SZ_1G, RW);
	eng_unmap_expect(&e, TOP48 - SZ_1G, SZ_1G, 0, SZ_1G);

	eng_map_ok(&e, TOP48 - SZ_4K, 0x5000, SZ_4K, RW);
	eng_walk_expect(&e, TOP48 - 1, 0x5fff, SZ_4K, RW);
	CHECK(pt_range_mapped(&e.pt, TOP48 - 1, 1), "last byte mapped");
	CHECK(pt_range_mapped(&e.pt, TOP48 - SZ_4K, ~0ULL),
	      "range past the end clipped");
	CHECK_INT(eng_map(&e, TOP48 - SZ_4K, 0, 2 * SZ_4K, RW, &mapped),
		  -EINVAL, "map past the end");
	CHECK_INT(eng_map(&e, TOP48, 0, SZ_4K, RW, &mapped), -EINVAL,
		  "map at the end");
	eng_unmap_expect(&e, TOP48 - SZ_4K, 2 * SZ_4K, -EINVAL, 0);
	eng_unmap_expect(&e, TOP48 - SZ_4K, SZ_4K, 0, SZ_4K);

	/* 4K then 2M, ending exactly at the top. */
	eng_map_ok(&e, TOP48 - SZ_2M - SZ_4K, 0x1ff000, SZ_2M + SZ_4K, RW);
	EXPECT(&e, "ending at the top", RW,
	       { TOP48 - SZ_2M - SZ_4K, 0x1ff000, SZ_4K, 1 },
	       { TOP48 - SZ_2M, 0x200000, SZ_2M, 1 });
	eng_unmap_expect(&e, TOP48 - SZ_2M - SZ_4K, SZ_2M + SZ_4K, 0,
			 SZ_2M + SZ_4K);
	CHECK_INT(e.ctx.live_tables, 1, "tables");
	eng_free(&e);
}

/* A 32-bit tree: three levels under a 4-entry top table of 1G entries. */
static void engine_ias32(void)
{
	struct pt_walk_result res;
	struct eng e;
	u64 mapped;

	if (!eng_new(&e, 32))
		return;
	CHECK_INT(e.pt.cfg.levels, 3, "levels");
	CHECK_EQ(pt_table_bytes(&e.pt.cfg, 2), 32, "top table bytes");
	eng_map_ok(&e, 3 * SZ_1G, 0x40000000, SZ_1G, RW);
	eng_map_ok(&e, 3 * SZ_1G - SZ_4K, 0x7000, SZ_4K, RW);
	eng_walk_expect(&e, 4 * SZ_1G - 1, 0x7fffffff, SZ_1G, RW);
	eng_walk_expect(&e, 3 * SZ_1G - 1, 0x7fff, SZ_4K, RW);
	CHECK_INT(pt_walk(&e.pt, 3 * SZ_1G, &res), 0, "walk");
	CHECK_INT(res.nr_entries, 1, "a 1G leaf in the top table");
	CHECK_INT(eng_map(&e, 4 * SZ_1G - SZ_4K, 0, 2 * SZ_4K, RW, &mapped),
		  -EINVAL, "map past 4G");
	eng_walk_none(&e, 4 * SZ_1G, -EINVAL);
	eng_unmap_expect(&e, 4 * SZ_1G, SZ_4K, -EINVAL, 0);
	EXPECT(&e, "32-bit", RW, { 3 * SZ_1G - SZ_4K, 0x7000, SZ_4K, 1 },
	       { 3 * SZ_1G, 0x40000000, SZ_1G, 1 });
	eng_free(&e);
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
	struct eng e;
	unsigned int i;

	if (!eng_new(&e, 48))
		return;
	for (i = 0; i < TH_ARRAY_SIZE(cases); i++) {
		printf("#   %s\n", cases[i].what);
		eng_map_fails(&e, cases[i].iova, cases[i].pa, cases[i].size,
			      cases[i].prot, ALL_SIZES, -EINVAL, 0);
	}
	eng_unmap_expect(&e, 0x1800, SZ_4K, -EINVAL, 0);
	eng_unmap_expect(&e, 0x1000, 0x800, -EINVAL, 0);
	eng_unmap_expect(&e, 0x1000, 0, -EINVAL, 0);
	eng_unmap_expect(&e, TOP48, SZ_4K, -EINVAL, 0);
	eng_unmap_expect(&e, 0x1000, ~0ULL << 12, -EINVAL, 0);
	CHECK_INT(pt_walk(&e.pt, TOP48, &res), -EINVAL, "walk past ias");
	CHECK_INT(res.nr_entries, 0, "entries read past ias");
	eng_walk_none(&e, ~0ULL, -EINVAL);
	CHECK_INT(e.ctx.alloc_calls, 1, "allocations");
	EXPECT_EMPTY(&e, "after bad arguments");
	eng_free(&e);
}

static void engine_oas40(void)
{
	struct pt_params params = { .oas = 40 };
	struct eng e = {};
	u64 mapped;

	if (!CHECK(!host_space_new(&e.pt, &e.ctx, &params), "oas 40")) {
		host_ctx_fini(&e.ctx);
		return;
	}
	host_gather_init(&e.g, &e.ctx);
	CHECK_INT(eng_map(&e, 0, 1ULL << 40, SZ_4K, RW, &mapped), -EINVAL,
		  "pa at 1T");
	CHECK_INT(eng_map(&e, 0, (1ULL << 40) - SZ_4K, 2 * SZ_4K, RW,
			  &mapped), -EINVAL, "pa range past 1T");
	eng_map_ok(&e, 0, (1ULL << 40) - SZ_4K, SZ_4K, RW);
	eng_walk_expect(&e, 0x10, (1ULL << 40) - SZ_4K + 0x10, SZ_4K, RW);
	eng_free(&e);
}

/*
 * pt_iterate() reports, in order, the leaves overlapping a range, the first
 * one even if it starts before the range; stops when the visitor says so;
 * and clips ranges to the input address space.
 */
static void engine_iterate(void)
{
	u64 y = 0x40200000;
	struct eng_list l;
	struct eng e;

	if (!eng_new(&e, 48))
		return;
	eng_map_ok(&e, y - 4 * SZ_4K, 0x1000, 4 * SZ_4K, RW);
	eng_map_ok(&e, y, 0x200000, 2 * SZ_2M, RW);

	CHECK_INT(eng_list(&e, y + SZ_4K, SZ_4K, &l), 0, "inside a block");
	eng_match("inside a block", l.leaf, l.nr, RW,
		  (const struct seg[]){ { y, 0x200000, SZ_2M, 1 } }, 1);
	free(l.leaf);
	CHECK_INT(eng_list(&e, y - SZ_4K - 1, 2, &l), 0, "two bytes");
	eng_match("two bytes", l.leaf, l.nr, RW,
		  (const struct seg[]){ { y - 2 * SZ_4K, 0x3000, SZ_4K, 2 } },
		  1);
	free(l.leaf);
	CHECK_INT(eng_list(&e, y + 2 * SZ_2M, SZ_1G, &l), 0, "after");
	CHECK_INT(l.nr, 0, "leaves after the last");
	free(l.leaf);
	CHECK_INT(eng_list(&e, 0, 0, &l), 0, "size 0");
	CHECK_INT(l.nr, 0, "leaves in nothing");
	free(l.leaf);

	/* The visitor stops it at the 3rd leaf; its value comes back. */
	l = (struct eng_list){ .visitor.leaf = eng_list_add, .stop_after = 3 };
	CHECK_INT(pt_iterate(&e.pt, 0, TOP48, &l.visitor), 7, "stopped");
	CHECK_INT(l.nr, 3, "leaves before stopping");
	free(l.leaf);

	CHECK(pt_range_mapped(&e.pt, y - 1, 1), "last byte of a page");
	CHECK(!pt_range_mapped(&e.pt, y - 8 * SZ_4K, 4 * SZ_4K),
	      "just before the pages");
	CHECK(pt_range_mapped(&e.pt, 0, ~0ULL), "whole 64-bit range");
	eng_free(&e);
}

/*
 * A range starting past the input address space holds nothing: "a range
 * past the input address space is clipped".
 */
static void engine_iterate_past_ias(void)
{
	static const u32 sizes[] = { 32, 39, 48 };
	struct eng_list l;
	struct eng e;
	unsigned int i;

	for (i = 0; i < TH_ARRAY_SIZE(sizes); i++) {
		u64 end = 1ULL << sizes[i];

		if (!eng_new(&e, sizes[i]))
			return;
		eng_map_ok(&e, 0x1000, 0x1000, SZ_4K, RW);
		CHECK(!pt_range_mapped(&e.pt, end, 2 * SZ_4K),
		      "ias %u: range_mapped(%#llx, 8K) is true; the only leaf is at 0x1000",
		      sizes[i], (unsigned long long)end);
		eng_list(&e, end, 2 * SZ_4K, &l);
		CHECK(!l.nr, "ias %u: iterate(%#llx, 8K) reports %zu leaves, the first at %#llx",
		      sizes[i], (unsigned long long)end, l.nr,
		      l.nr ? (unsigned long long)l.leaf[0].iova : 0ULL);
		free(l.leaf);
		eng_free(&e);
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
	TH_TEST(engine_alloc_failure),
	TH_TEST(engine_top),
	TH_TEST(engine_ias32),
	TH_TEST(engine_bad_args),
	TH_TEST(engine_oas40),
	TH_TEST(engine_iterate),
	TH_TEST(engine_iterate_past_ias),
};

int main(int argc, char **argv)
{
	return th_main("test_engine", engine_tests,
		       TH_ARRAY_SIZE(engine_tests), argc, argv);
}
