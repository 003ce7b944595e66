/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Engine semantics through one format, shared by test_fmt_x86.c,
 * test_fmt_vtd.c and test_fmt_riscv.c: map, walk, iterate, overlap, unmap
 * and table reclaim with every page size, checked against an independent
 * decoder of raw entries that each test writes from its specification.
 *
 * All three formats have 4K tables of 512 eight-byte entries at every
 * level, so the independent walk indexes each level with 9 IOVA bits above
 * 12 + 9 * level.
 */
#ifndef PTLAB_HOST_SEM_X86_RISCV_H
#define PTLAB_HOST_SEM_X86_RISCV_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "host_ops.h"

#define SEM_4K		0x1000ULL
#define SEM_64K		0x10000ULL
#define SEM_2M		0x200000ULL
#define SEM_1G		0x40000000ULL

/**
 * struct sem_fmt - a format under test
 * @fmt: the descriptor
 * @decode: the test's own decoder: the kind of @pte at @level; for a table
 *	entry *@pa is the next table; for a leaf *@pa is the first byte of
 *	the leaf, *@size its size and *@prot its permissions
 * @prot: permissions to map with, valid for the format
 */
struct sem_fmt {
	const struct pt_format *fmt;
	enum pt_entry_kind (*decode)(unsigned int level, u64 pte, u64 *pa,
				     u64 *size, u32 *prot);
	u32 prot;
};

/* A tree in one format, its owner and the gather of its operations. */
struct sem {
	const struct sem_fmt *f;
	struct pt_space pt;
	struct host_ctx ctx;
	struct host_gather g;
};

static inline bool sem_new(struct sem *s, const struct sem_fmt *f,
			   const struct pt_params *params)
{
	struct pt_cfg cfg;
	int ret;

	*s = (struct sem){ .f = f };
	host_ctx_init(&s->ctx);
	ret = pt_cfg_init(&cfg, f->fmt, params);
	if (!ret)
		ret = pt_space_init(&s->pt, &cfg, &host_table_ops, &s->ctx);
	if (!CHECK(!ret, "%s: new tree (ias %u): %s", f->fmt->name,
		   params->ias, th_errname(ret))) {
		host_ctx_fini(&s->ctx);
		return false;
	}
	s->ctx.check_unlinked = true;
	host_gather_init(&s->g, &s->ctx);
	return true;
}

static inline void sem_free(struct sem *s)
{
	host_space_free(&s->pt, &s->g);
	host_gather_fini(&s->g);
}

static inline u64 sem_top(const struct sem *s)
{
	return 1ULL << s->pt.cfg.ias;
}

static inline int sem_map_sizes(struct sem *s, u64 iova, u64 pa, u64 size,
				u32 prot, u64 pgsizes, u64 *mapped)
{
	int ret = pt_map(&s->pt, iova, pa, size, prot, pgsizes, &s->g, mapped);

	host_flush(&s->g, &s->pt);
	return ret;
}

static inline void sem_map_ok(struct sem *s, u64 iova, u64 pa, u64 size,
			      u32 prot)
{
	u64 mapped;
	int ret = sem_map_sizes(s, iova, pa, size, prot,
				s->pt.cfg.pgsize_bitmap, &mapped);

	CHECK(!ret && mapped == size,
	      "%s: map(%#llx, pa %#llx, size %#llx, prot %#x) is %s with %#llx mapped",
	      s->f->fmt->name, (unsigned long long)iova,
	      (unsigned long long)pa, (unsigned long long)size, prot,
	      th_errname(ret), (unsigned long long)mapped);
}

static inline void sem_map_fails(struct sem *s, u64 iova, u64 pa, u64 size,
				 u32 prot, int want, u64 want_mapped)
{
	u64 mapped;
	int ret = sem_map_sizes(s, iova, pa, size, prot,
				s->pt.cfg.pgsize_bitmap, &mapped);

	CHECK(ret == want && mapped == want_mapped,
	      "%s: map(%#llx, pa %#llx, size %#llx, prot %#x) is %s with %#llx mapped, expected %s with %#llx",
	      s->f->fmt->name, (unsigned long long)iova,
	      (unsigned long long)pa, (unsigned long long)size, prot,
	      th_errname(ret), (unsigned long long)mapped, th_errname(want),
	      (unsigned long long)want_mapped);
}

static inline void sem_unmap_expect(struct sem *s, u64 iova, u64 size,
				    int want, u64 want_unmapped)
{
	u64 unmapped;
	int ret = pt_unmap(&s->pt, iova, size, &s->g, &unmapped);

	host_flush(&s->g, &s->pt);
	CHECK(ret == want && unmapped == want_unmapped,
	      "%s: unmap(%#llx, %#llx) is %s with %#llx unmapped, expected %s with %#llx",
	      s->f->fmt->name, (unsigned long long)iova,
	      (unsigned long long)size, th_errname(ret),
	      (unsigned long long)unmapped, th_errname(want),
	      (unsigned long long)want_unmapped);
}

/* The engine level of the leaves of @size. */
static inline unsigned int sem_level(const struct sem *s, u64 size)
{
	unsigned int level;

	for (level = 0; level < s->pt.cfg.levels; level++)
		if (s->pt.cfg.lvl[level].pgsizes & size)
			return level;
	CHECK(false, "no level has %#llx pages", (unsigned long long)size);
	return 0;
}

/*
 * Walk @iova with the engine and independently: the engine must find @pa
 * (the offset included) in a leaf of @size with @prot, and report exactly
 * the raw entries, root first, that an independent walk of the tables with
 * the test's own decoder reads.
 */
static inline void sem_walk_expect(const struct sem *s, u64 iova, u64 pa,
				   u64 size, u32 prot)
{
	const struct pt_cfg *cfg = &s->pt.cfg;
	unsigned int want_level = sem_level(s, size), level, i = 0;
	const u64 *table = s->pt.root;
	struct pt_walk_result res;
	int ret = pt_walk(&s->pt, iova, &res);

	if (!CHECK(!ret, "%s: walk(%#llx) is %s", cfg->fmt->name,
		   (unsigned long long)iova, th_errname(ret)))
		return;
	CHECK(res.leaf.iova == (iova & ~(size - 1)) && res.leaf.pa == pa &&
	      res.leaf.size == size && res.leaf.prot == prot &&
	      res.leaf.level == want_level,
	      "%s: walk(%#llx) gives iova %#llx pa %#llx size %#llx prot %#x level %u, expected pa %#llx size %#llx prot %#x level %u",
	      cfg->fmt->name, (unsigned long long)iova,
	      (unsigned long long)res.leaf.iova,
	      (unsigned long long)res.leaf.pa,
	      (unsigned long long)res.leaf.size, res.leaf.prot,
	      res.leaf.level, (unsigned long long)pa,
	      (unsigned long long)size, prot, want_level);
	CHECK_INT(res.nr_entries, cfg->levels - want_level, "entries read");
	for (level = cfg->levels; level-- > 0 && i < res.nr_entries; i++) {
		u64 pte = table[(iova >> (12 + 9 * level)) & 511];
		u64 epa = 0, esize = 0;
		u32 eprot = 0;
		enum pt_entry_kind kind;

		CHECK_EQ(res.entries[i], pte, "raw entry, root first");
		kind = s->f->decode(level, pte, &epa, &esize, &eprot);
		if (kind == PT_ENTRY_LEAF) {
			CHECK(level == want_level && epa == (pa & ~(size - 1)) &&
			      esize == size && eprot == prot,
			      "%s: independent decode of %#llx at level %u: pa %#llx size %#llx prot %#x, expected level %u pa %#llx size %#llx prot %#x",
			      cfg->fmt->name, (unsigned long long)pte, level,
			      (unsigned long long)epa,
			      (unsigned long long)esize, eprot, want_level,
			      (unsigned long long)(pa & ~(size - 1)),
			      (unsigned long long)size, prot);
			return;
		}
		if (!CHECK(kind == PT_ENTRY_TABLE,
			   "%s: independent decode: %#llx at level %u is not a table",
			   cfg->fmt->name, (unsigned long long)pte, level))
			return;
		table = (const u64 *)(uintptr_t)epa;
	}
	CHECK(false, "%s: independent walk of %#llx found no leaf",
	      cfg->fmt->name, (unsigned long long)iova);
}

static inline void sem_walk_none(const struct sem *s, u64 iova, int want)
{
	struct pt_walk_result res;
	int ret = pt_walk(&s->pt, iova, &res);

	CHECK(ret == want, "%s: walk(%#llx) is %s, expected %s",
	      s->f->fmt->name, (unsigned long long)iova, th_errname(ret),
	      th_errname(want));
}

/* Every leaf of the tree, in order. */
struct sem_list {
	struct pt_leaf_visitor visitor;
	struct pt_leaf *leaf;
	size_t nr;
};

static inline int sem_list_add(struct pt_leaf_visitor *visitor,
			       const struct pt_leaf *leaf)
{
	struct sem_list *l = container_of(visitor, struct sem_list, visitor);

	l->leaf = realloc(l->leaf, (l->nr + 1) * sizeof(*l->leaf));
	if (!l->leaf)
		abort();
	l->leaf[l->nr++] = *leaf;
	return 0;
}

static inline void sem_list(const struct sem *s, struct sem_list *l)
{
	*l = (struct sem_list){ .visitor.leaf = sem_list_add };
	CHECK_INT(pt_iterate(&s->pt, 0, sem_top(s), &l->visitor), 0,
		  "iterate");
}

/* The leaves and live tables now are those of @before: nothing changed. */
static inline void sem_same(const struct sem *s, const struct sem_list *before,
			    long tables, const char *what)
{
	struct sem_list now;

	sem_list(s, &now);
	CHECK(now.nr == before->nr &&
	      (!now.nr || !memcmp(now.leaf, before->leaf,
				  now.nr * sizeof(*now.leaf))),
	      "%s: %s: the leaves changed (%zu, were %zu)", s->f->fmt->name,
	      what, now.nr, before->nr);
	CHECK_INT(s->ctx.live_tables, tables, what);
	host_check_tree(&s->pt, &s->ctx);
	free(now.leaf);
}

/* The tree holds exactly these leaves of one prot, in order. */
struct sem_leaf {
	u64 iova, pa, size;
};

static inline void sem_expect(const struct sem *s, u32 prot,
			      const struct sem_leaf *want, size_t nr,
			      const char *what)
{
	struct sem_list l;
	size_t i;

	sem_list(s, &l);
	if (CHECK(l.nr == nr, "%s: %s: %zu leaves, expected %zu",
		  s->f->fmt->name, what, l.nr, nr))
		for (i = 0; i < nr; i++)
			CHECK(l.leaf[i].iova == want[i].iova &&
			      l.leaf[i].pa == want[i].pa &&
			      l.leaf[i].size == want[i].size &&
			      l.leaf[i].prot == prot &&
			      l.leaf[i].level == sem_level(s, want[i].size),
			      "%s: %s: leaf %zu is iova %#llx pa %#llx size %#llx prot %#x level %u",
			      s->f->fmt->name, what, i,
			      (unsigned long long)l.leaf[i].iova,
			      (unsigned long long)l.leaf[i].pa,
			      (unsigned long long)l.leaf[i].size,
			      l.leaf[i].prot, l.leaf[i].level);
	free(l.leaf);
	host_check_tree(&s->pt, &s->ctx);
}

/* Is @iova inside one of the @nr leaves of @size at @iovas? */
static inline bool sem_in(const u64 *iovas, unsigned int nr, u64 size,
			  u64 iova)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (iova - iovas[i] < size)
			return true;
	return false;
}

/*
 * Each page size of @params' tree maps at several IOVAs at once (the
 * first page of the space, one in the middle, the last one), walks at its
 * first, middle and last byte, leaves the neighbours unmapped, and unmaps
 * back to the root table alone.
 */
static inline void sem_page_sizes(const struct sem_fmt *f,
				  const struct pt_params *params)
{
	u64 sizes, size;
	struct sem s;

	if (!sem_new(&s, f, params))
		return;
	sizes = s.pt.cfg.pgsize_bitmap;
	sem_free(&s);
	for (; sizes; sizes &= sizes - 1) {
		u64 iovas[3], pas[3];
		struct sem_leaf want[3];
		unsigned int i;

		size = sizes & -sizes;
		if (!sem_new(&s, f, params))
			return;
		iovas[0] = size;
		iovas[1] = sem_top(&s) / 2;
		if (iovas[1] >= 8 * size)
			iovas[1] += 5 * size;
		iovas[2] = sem_top(&s) - size;
		for (i = 0; i < 3; i++) {
			/* Distinct, aligned, within any oas of 32 bits up. */
			pas[i] = size >= SEM_1G ? size * (i + 1) :
				 0x80000000ULL - (i + 1) * size;
			want[i] = (struct sem_leaf){ iovas[i], pas[i], size };
			sem_map_ok(&s, iovas[i], pas[i], size, f->prot);
		}
		sem_expect(&s, f->prot, want, 3, "one leaf per iova");
		for (i = 0; i < 3; i++) {
			u64 off = size / 2 + 0x123;

			sem_walk_expect(&s, iovas[i], pas[i], size, f->prot);
			sem_walk_expect(&s, iovas[i] + off, pas[i] + off, size,
					f->prot);
			sem_walk_expect(&s, iovas[i] + size - 1,
					pas[i] + size - 1, size, f->prot);
			/* The neighbours, unless another of the leaves. */
			if (!sem_in(iovas, 3, size, iovas[i] - 1))
				sem_walk_none(&s, iovas[i] - 1, -ENOENT);
			if (i < 2 && !sem_in(iovas, 3, size, iovas[i] + size))
				sem_walk_none(&s, iovas[i] + size, -ENOENT);
		}
		sem_walk_none(&s, sem_top(&s), -EINVAL);
		for (i = 0; i < 3; i++)
			sem_unmap_expect(&s, iovas[i], size, 0, size);
		sem_expect(&s, 0, NULL, 0, "after unmap");
		CHECK_INT(s.ctx.live_tables, 1, "tables after unmap");
		/* And again, in one place: nothing was left behind. */
		sem_map_ok(&s, iovas[1], pas[1], size, f->prot);
		sem_walk_expect(&s, iovas[1], pas[1], size, f->prot);
		sem_unmap_expect(&s, iovas[1], size, 0, size);
		CHECK_INT(s.ctx.live_tables, 1, "tables after remap+unmap");
		sem_free(&s);
	}
}

/* The largest page at the very top of the input range, and past it. */
static inline void sem_largest_at_top(const struct sem_fmt *f,
				      const struct pt_params *params)
{
	u64 big, iova, pa, mapped;
	struct sem s;

	if (!sem_new(&s, f, params))
		return;
	big = 1ULL << (fls64(s.pt.cfg.pgsize_bitmap) - 1);
	iova = sem_top(&s) - big;
	pa = big < SEM_1G ? 0x40000000ULL : big;
	sem_map_ok(&s, iova, pa, big, f->prot);
	sem_walk_expect(&s, sem_top(&s) - 1, pa + big - 1, big, f->prot);
	sem_walk_expect(&s, iova, pa, big, f->prot);
	sem_walk_none(&s, sem_top(&s), -EINVAL);
	CHECK_INT(sem_map_sizes(&s, sem_top(&s) - SEM_4K, 0, 2 * SEM_4K,
				f->prot, s.pt.cfg.pgsize_bitmap, &mapped),
		  -EINVAL, "map past the top");
	sem_unmap_expect(&s, iova, big, 0, big);
	/* The last 4K page too, with the tables down to level 0. */
	sem_map_ok(&s, sem_top(&s) - SEM_4K, 0x5000, SEM_4K, f->prot);
	sem_walk_expect(&s, sem_top(&s) - 1, 0x5fff, SEM_4K, f->prot);
	CHECK_INT(s.ctx.live_tables, s.pt.cfg.levels, "tables for one page");
	sem_unmap_expect(&s, sem_top(&s) - SEM_4K, SEM_4K, 0, SEM_4K);
	CHECK_INT(s.ctx.live_tables, 1, "tables after unmap");
	sem_free(&s);
}

/* 1G + 2M + 4K in one call: one leaf of each size, largest first. */
static inline void sem_mixed(const struct sem_fmt *f,
			     const struct pt_params *params)
{
	const struct sem_leaf want[] = {
		{ SEM_1G, 0x1c0000000ULL, SEM_1G },
		{ 2 * SEM_1G, 0x200000000ULL, SEM_2M },
		{ 2 * SEM_1G + SEM_2M, 0x200200000ULL, SEM_4K },
	};
	struct sem s;

	if (!sem_new(&s, f, params))
		return;
	sem_map_ok(&s, SEM_1G, 0x1c0000000ULL, SEM_1G + SEM_2M + SEM_4K,
		   f->prot);
	sem_expect(&s, f->prot, want, TH_ARRAY_SIZE(want), "1G 2M 4K");
	sem_walk_expect(&s, SEM_1G + 0x12345, 0x1c0012345ULL, SEM_1G,
			f->prot);
	sem_walk_expect(&s, 2 * SEM_1G + 0x1234, 0x200001234ULL, SEM_2M,
			f->prot);
	sem_walk_expect(&s, 2 * SEM_1G + SEM_2M + 0xfff, 0x200200fffULL,
			SEM_4K, f->prot);
	sem_walk_none(&s, 2 * SEM_1G + SEM_2M + SEM_4K, -ENOENT);
	/* A pa only 2M-aligned under a 1G-aligned iova: 512 blocks. */
	sem_unmap_expect(&s, SEM_1G, SEM_1G + SEM_2M + SEM_4K, 0,
			 SEM_1G + SEM_2M + SEM_4K);
	sem_map_ok(&s, SEM_1G, 0x1c0200000ULL, SEM_1G, f->prot);
	sem_walk_expect(&s, 2 * SEM_1G - 1, 0x2001fffffULL, SEM_2M, f->prot);
	sem_unmap_expect(&s, SEM_1G, SEM_1G, 0, SEM_1G);
	CHECK_INT(s.ctx.live_tables, 1, "tables after unmap");
	sem_free(&s);
}

/* A map over anything mapped is refused and leaves it as it was. */
static inline void sem_overlap(const struct sem_fmt *f,
			       const struct pt_params *params)
{
	u64 x = 0x40000000, y = 0x80200000, w = 0x140000000ULL;
	struct sem_list before;
	struct sem s;
	long tables;

	if (!sem_new(&s, f, params))
		return;
	sem_map_ok(&s, y, 0x400000, SEM_2M, f->prot);
	sem_map_ok(&s, w, 0x40000000, SEM_1G, f->prot);
	sem_map_ok(&s, x + SEM_4K, 0xa000, SEM_4K, f->prot);
	sem_list(&s, &before);
	tables = s.ctx.live_tables;

	/* Inside a 2M leaf, the 2M leaf again, a 2M inside the 1G leaf. */
	sem_map_fails(&s, y + SEM_4K, 0xc000, SEM_4K, f->prot, -EADDRINUSE, 0);
	sem_map_fails(&s, y, 0xc00000, SEM_2M, f->prot, -EADDRINUSE, 0);
	sem_map_fails(&s, w + SEM_2M, 0x600000, SEM_2M, f->prot,
		      -EADDRINUSE, 0);
	sem_map_fails(&s, w, 0x80000000, SEM_1G, f->prot, -EADDRINUSE, 0);
	/* A 2M leaf over the table that holds the 4K page. */
	sem_map_fails(&s, x, 0x600000, SEM_2M, f->prot, -EADDRINUSE, 0);
	/* A 1G leaf over the tables holding the 2M leaf. */
	sem_map_fails(&s, 0x80000000, 0x80000000, SEM_1G, f->prot,
		      -EADDRINUSE, 0);
	sem_same(&s, &before, tables, "after refused maps");
	free(before.leaf);

	/* A range running into a leaf maps up to it and reports that. */
	sem_map_fails(&s, y - 2 * SEM_4K, 0xd000, 3 * SEM_4K, f->prot,
		      -EADDRINUSE, 2 * SEM_4K);
	sem_walk_expect(&s, y - SEM_4K, 0xe000, SEM_4K, f->prot);
	sem_walk_expect(&s, y + SEM_4K, 0x401000, SEM_2M, f->prot);
	sem_walk_expect(&s, w + SEM_2M, 0x40200000, SEM_1G, f->prot);
	sem_walk_expect(&s, x + SEM_4K, 0xa000, SEM_4K, f->prot);
	sem_walk_none(&s, x, -ENOENT);
	sem_free(&s);
}

/*
 * Unmap: stops at a hole; refuses to start inside a leaf; a range ending
 * inside a leaf removes it whole; tables go with their last leaf; the
 * range maps again afterwards.
 */
static inline void sem_unmap(const struct sem_fmt *f,
			     const struct pt_params *params)
{
	u64 x = 0x12340000, y = 0x40200000, w = 0x80000000;
	struct sem_list before;
	struct sem s;
	long tables;

	if (!sem_new(&s, f, params))
		return;
	/* A hole after two pages: success with what was removed. */
	sem_map_ok(&s, x, 0x1000, 2 * SEM_4K, f->prot);
	sem_map_ok(&s, x + 3 * SEM_4K, 0x9000, SEM_4K, f->prot);
	sem_unmap_expect(&s, x, 4 * SEM_4K, 0, 2 * SEM_4K);
	sem_walk_none(&s, x, -ENOENT);
	sem_walk_expect(&s, x + 3 * SEM_4K, 0x9000, SEM_4K, f->prot);
	sem_unmap_expect(&s, x + 2 * SEM_4K, 2 * SEM_4K, -ENOENT, 0);
	sem_unmap_expect(&s, x + 3 * SEM_4K, SEM_4K, 0, SEM_4K);
	CHECK_INT(s.ctx.live_tables, 1, "tables after the pages");

	/* Large leaves: never split. */
	sem_map_ok(&s, y - SEM_4K, 0x1ff000, SEM_4K, f->prot);
	sem_map_ok(&s, y, 0x200000, SEM_2M, f->prot);
	sem_map_ok(&s, w, 0x40000000, SEM_1G, f->prot);
	sem_list(&s, &before);
	tables = s.ctx.live_tables;
	sem_unmap_expect(&s, y + SEM_4K, SEM_4K, -EINVAL, 0);
	sem_unmap_expect(&s, y + SEM_2M - SEM_4K, SEM_1G, -EINVAL, 0);
	sem_unmap_expect(&s, w + SEM_2M, SEM_2M, -EINVAL, 0);
	sem_same(&s, &before, tables, "after refused unmaps");
	free(before.leaf);
	/* A page and the first 4K of the 2M leaf: the leaf goes whole. */
	sem_unmap_expect(&s, y - SEM_4K, 2 * SEM_4K, 0, SEM_4K + SEM_2M);
	sem_walk_none(&s, y + SEM_2M - 1, -ENOENT);
	sem_unmap_expect(&s, w, SEM_4K, 0, SEM_1G);
	sem_walk_none(&s, w + SEM_1G - 1, -ENOENT);
	sem_expect(&s, 0, NULL, 0, "all unmapped");
	CHECK_INT(s.ctx.live_tables, 1, "tables after unmap");

	/* Remap after unmap, with other sizes at the same places. */
	sem_map_ok(&s, y, 0x600000, SEM_2M, f->prot);
	sem_map_ok(&s, w, 0x1234000, SEM_4K, f->prot);
	sem_walk_expect(&s, y + 0x10, 0x600010, SEM_2M, f->prot);
	sem_walk_expect(&s, w + 0x10, 0x1234010, SEM_4K, f->prot);
	sem_unmap_expect(&s, y, SEM_2M, 0, SEM_2M);
	sem_unmap_expect(&s, w, SEM_4K, 0, SEM_4K);
	CHECK_INT(s.ctx.live_tables, 1, "tables after the remaps");
	sem_free(&s);
}

/*
 * Every permission combination: check_prot through the engine agrees with
 * @valid; each valid one maps a page whose walk reports it, both from the
 * engine and from the independent decoder; invalid ones allocate nothing.
 */
static inline void sem_prots(const struct sem_fmt *f,
			     const struct pt_params *params,
			     int (*valid)(u32 prot))
{
	struct sem s;
	u32 prot;

	if (!sem_new(&s, f, params))
		return;
	for (prot = 0; prot <= PT_PROT_ALL; prot++) {
		u64 iova = 0x10000000ULL + prot * SEM_2M;
		u64 pa = 0x20000000ULL + prot * SEM_2M;
		unsigned long allocs = s.ctx.alloc_calls;
		int want = valid(prot);

		CHECK_INT(pt_check_prot(&s.pt.cfg, prot), want, "check_prot");
		if (want) {
			sem_map_fails(&s, iova, pa, SEM_4K, prot, want, 0);
			CHECK(s.ctx.alloc_calls == allocs,
			      "prot %#x refused after allocating", prot);
			continue;
		}
		sem_map_ok(&s, iova, pa, SEM_4K, prot);
		sem_map_ok(&s, iova + SEM_2M / 2, pa + SEM_2M / 2, SEM_4K, prot);
		sem_walk_expect(&s, iova + 8, pa + 8, SEM_4K, prot);
		sem_walk_expect(&s, iova + SEM_2M / 2, pa + SEM_2M / 2, SEM_4K,
				prot);
	}
	sem_free(&s);
}

#endif /* PTLAB_HOST_SEM_X86_RISCV_H */
