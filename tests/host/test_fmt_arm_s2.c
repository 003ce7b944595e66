// SPDX-License-Identifier: GPL-2.0
/*
 * The Arm stage-2 and Mali LPAE formats: golden encodings worked out by
 * hand, geometry, register values and parameter errors; then the engine's
 * semantics (map, unmap, walk, iterate, table reclaim) through all three
 * Arm long-descriptor formats, stage 1 with the 16K and 64K granules
 * included (test_engine.c covers stage 1 with 4K), every walk checked
 * against a reference walker written here from the specification.
 *
 * Sources: Arm Architecture Reference Manual for A-profile (DDI 0487),
 * "VMSAv8-64 translation table format descriptors" (stage 2 block and page
 * descriptors: S2AP, MemAttr, XN/FEAT_XNX, AF, Contiguous), "Translation
 * granule sizes, with block and page sizes", "Concatenated translation
 * tables for the initial stage 2 lookup", VTCR_EL2 and VTTBR_EL2, and the
 * AArch64.S2InvalidSL / S2InconsistentSL pseudocode; for Mali, which has
 * no public specification, what Linux's io-pgtable-arm.c (ARM_MALI_LPAE)
 * writes, with the bit names of Arm's kbase driver (ENTRY_IS_ATE 0b01,
 * ENTRY_IS_PTE 0b11, ENTRY_RD_BIT 6, ENTRY_WR_BIT 7, ENTRY_NX_BIT 54).
 *
 * Levels are the engine's: 0 is the last level (Arm level 3).
 *
 * Stage-2 block and page descriptor bits used below:
 *   [1:0]   0b11 page at the last level, 0b01 block above it
 *   [5:2]   MemAttr: 0xf normal outer+inner write-back (0x3c),
 *           0x5 normal non-cacheable (0x14), 0x1 device-nGnRE (0x04)
 *   [7:6]   S2AP: 0b01 read (0x40), 0b10 write (0x80), 0b11 both (0xc0)
 *   [9:8]   SH: 0b11 inner 0x300, 0b10 outer 0x200
 *   [10]    AF 0x400
 *   [52]    Contiguous 0x0010000000000000
 *   [54]    XN (XN[1] of FEAT_XNX, 0b10 = no execution) 0x0040000000000000
 * Mali leaf ("ATE") bits:
 *   [1:0]   0b01 at every level, the last included
 *   [4:2]   AttrIndx into AS_MEMATTR: 0 NC, 1 write-alloc (0x4), 2 device (0x8)
 *   [6]     read 0x40, [7] write 0x80, [9:8] SH always outer 0x200
 *   no AF; XN: Linux writes bits 54:53 (0x0060000000000000)
 */
#include <stdlib.h>
#include <string.h>

#include <linux/ptlab.h>

#include "harness.h"
#include "host_ops.h"
#include "pt_formats.h"

#define R	PT_PROT_READ
#define W	PT_PROT_WRITE
#define X	PT_PROT_EXEC
#define PRIV	PT_PROT_PRIV
#define CACHE	PT_PROT_CACHE
#define MMIO	PT_PROT_MMIO

#define SZ_4K		0x1000ULL
#define SZ_16K		0x4000ULL
#define SZ_64K		0x10000ULL
#define SZ_2M		0x200000ULL
#define SZ_32M		0x2000000ULL
#define SZ_512M		0x20000000ULL
#define SZ_1G		0x40000000ULL
#define SZ_16G		0x400000000ULL
#define SZ_4T		0x40000000000ULL

static const struct pt_format *s2 = &pt_fmt_arm64_lpae_s2;
static const struct pt_format *mali = &pt_fmt_arm_mali_lpae;

static const char *kind_name(enum pt_entry_kind kind)
{
	switch (kind) {
	case PT_ENTRY_EMPTY: return "invalid";
	case PT_ENTRY_TABLE: return "a table";
	case PT_ENTRY_LEAF: return "a leaf";
	}
	return "?";
}

#define CHECK_KIND(fmt, cfg, level, pte, want, what) ({			\
	u64 pte_ = (pte);						\
	unsigned int level_ = (level);					\
	enum pt_entry_kind want_ = (want);				\
	enum pt_entry_kind kind_ = (fmt)->kind(cfg, level_, pte_);	\
									\
	CHECK(kind_ == want_, "%s: %#llx at level %u is %s, expected %s", \
	      what, (unsigned long long)pte_, level_, kind_name(kind_),	\
	      kind_name(want_));					\
})

static bool fmt_cfg(const struct pt_format *fmt, struct pt_cfg *cfg,
		    u32 granule, u32 ias, u32 oas)
{
	struct pt_params params = {
		.granule_shift = granule, .ias = ias, .oas = oas,
	};
	int ret = pt_cfg_init(cfg, fmt, &params);

	return CHECK(!ret, "%s granule %u ias %u oas %u refused: %s",
		     fmt->name, granule, ias, oas, th_errname(ret));
}

struct golden_leaf {
	const char *what;
	u32 granule;
	u32 ias;
	u32 oas;
	unsigned int level;
	u64 pa;
	u64 pgsize;
	u32 prot;
	u64 pte;
	u64 leaf_pa;	/* first byte of the whole leaf */
};

static const struct golden_leaf s2_golden[] = {
	/*
	 * 0x3 page | 0x3c MemAttr 0xf (CACHE) | 0xc0 S2AP RW | 0x300 SH
	 * inner | 0x400 AF = 0x7ff; XN 0x0040000000000000; OA 0x12345000.
	 */
	{ "4K page RW cached", 12, 48, 48, 0, 0x12345000, SZ_4K, R | W | CACHE,
	  0x00400000123457ffULL, 0x12345000 },
	/*
	 * Write-only, which stage 1 cannot express: 0x1 block | 0x14 MemAttr
	 * 0x5 (normal NC) | 0x80 S2AP write | 0x200 SH outer | 0x400 AF =
	 * 0x695; XN; OA 0x40200000.
	 */
	{ "2M block write-only", 12, 48, 48, 1, 0x40200000, SZ_2M, W,
	  0x0040000040200695ULL, 0x40200000 },
	/*
	 * 0x1 | 0x4 MemAttr 0x1 (device-nGnRE) | 0x40 S2AP read | 0x200 |
	 * 0x400 = 0x645; EXEC: no XN; OA 0x8040000000 (bits 47:30).
	 */
	{ "1G block RO executable device", 12, 48, 48, 2, 0x8040000000ULL,
	  SZ_1G, R | X | MMIO, 0x0000008040000645ULL, 0x8040000000ULL },
	/* 0x3 | 0x14 | 0xc0 | 0x200 | 0x400 = 0x6d7; no XN; OA 0x1000. */
	{ "4K page RWX non-cacheable", 12, 48, 48, 0, 0x1000, SZ_4K, R | W | X,
	  0x00000000000016d7ULL, 0x1000 },
	/*
	 * The fourth 4K page of a 64K run of 16: 0x7ff as above; XN |
	 * Contiguous 0x0050000000000000; OA 0x10003000, run at 0x10000000.
	 */
	{ "4K page in a 64K contiguous run", 12, 48, 48, 0, 0x10003000, SZ_64K,
	  R | W | CACHE, 0x00500000100037ffULL, 0x10000000 },
	/* 16K granule: 0x3 | 0x14 | 0x40 | 0x200 | 0x400 = 0x657; XN. */
	{ "16K page RO", 14, 48, 48, 0, 0x12344000, SZ_16K, R,
	  0x0040000012344657ULL, 0x12344000 },
	/*
	 * 16K granule, the last 32M block of a 1G run of 32 at 0x400000000
	 * (0x400000000 + 31 * 32M = 0x43e000000): 0x1 | 0x14 | 0xc0 | 0x200 |
	 * 0x400 = 0x6d5; XN | Contiguous 0x0050000000000000.
	 */
	{ "32M block in a 1G contiguous run", 14, 48, 48, 1, 0x43e000000ULL,
	  SZ_1G, R | W, 0x005000043e0006d5ULL, 0x400000000ULL },
	/*
	 * 64K granule, 52-bit output: PA 0x000a123456780000 -> bits 47:16
	 * in place, 51:48 (0xa) in 15:12 (0xa000); 0x7ff; no XN.
	 */
	{ "64K page above 48-bit PA", 16, 52, 52, 0, 0x000a123456780000ULL,
	  SZ_64K, R | W | X | CACHE, 0x000012345678a7ffULL,
	  0x000a123456780000ULL },
	/* 0x1 | 0x4 | 0xc0 | 0x200 | 0x400 = 0x6c5; XN; OA 0x20000000. */
	{ "512M block RW device", 16, 48, 48, 1, 0x20000000, SZ_512M,
	  R | W | MMIO, 0x00400000200006c5ULL, 0x20000000 },
	/* A 4T block at Arm level 1: 0x1 | 0x14 | 0x40 | 0x200 | 0x400. */
	{ "4T block", 16, 52, 52, 2, 0x0001040000000000ULL, SZ_4T, R,
	  0x0040040000001655ULL, 0x0001040000000000ULL },
};

static const struct golden_leaf mali_golden[] = {
	/*
	 * 0x1 ATE | 0x4 AttrIndx 1 (write-alloc) | 0x40 read | 0x80 write |
	 * 0x200 SH outer = 0x2c5, no AF; XN bits 54:53 0x0060000000000000.
	 */
	{ "4K page RW cached", 12, 48, 40, 0, 0x12345000, SZ_4K, R | W | CACHE,
	  0x00600000123452c5ULL, 0x12345000 },
	/* 0x1 | AttrIndx 0 | 0x40 | 0x200 = 0x241; XN; OA 0x40200000. */
	{ "2M block RO", 12, 48, 40, 1, 0x40200000, SZ_2M, R,
	  0x0060000040200241ULL, 0x40200000 },
	/*
	 * Write-only executable device memory: 0x1 | 0x8 AttrIndx 2 | 0x80 |
	 * 0x200 = 0x289; no XN; OA 0x8040000000 (< 2^40).
	 */
	{ "1G block write-only executable device", 12, 48, 40, 2,
	  0x8040000000ULL, SZ_1G, W | X | MMIO, 0x0000008040000289ULL,
	  0x8040000000ULL },
	/* The top of a 40-bit output space: 0x1 | 0x40 | 0x80 | 0x200. */
	{ "4K page RWX at the top of 40-bit PA", 12, 48, 40, 0,
	  0xfffffff000ULL, SZ_4K, R | W | X, 0x000000fffffff2c1ULL,
	  0xfffffff000ULL },
	/* A 32-bit input space still walks 4 levels; 36-bit output. */
	{ "4K page, 32-bit input", 12, 32, 36, 0, 0xfff000000ULL, SZ_4K, R,
	  0x0060000fff000241ULL, 0xfff000000ULL },
};

static void check_golden(const struct pt_format *fmt,
			 const struct golden_leaf *g, size_t nr)
{
	struct pt_cfg cfg;

	for (; nr--; g++) {
		if (!fmt_cfg(fmt, &cfg, g->granule, g->ias, g->oas))
			continue;
		CHECK(cfg.lvl[g->level].pgsizes & g->pgsize,
		      "%s: %#llx is no leaf size at level %u", g->what,
		      (unsigned long long)g->pgsize, g->level);
		CHECK(!fmt->check_prot(&cfg, g->prot), "%s: prot %#x refused",
		      g->what, g->prot);
		CHECK_EQ(fmt->mk_leaf(&cfg, g->level, g->pa, g->pgsize, g->prot),
			 g->pte, g->what);
		CHECK_KIND(fmt, &cfg, g->level, g->pte, PT_ENTRY_LEAF, g->what);
		CHECK_EQ(fmt->entry_pa(&cfg, g->level, g->pte), g->leaf_pa,
			 g->what);
		if (fmt->leaf_size)
			CHECK_EQ(fmt->leaf_size(&cfg, g->level, g->pte),
				 g->pgsize, g->what);
		CHECK_EQ(fmt->leaf_prot(&cfg, g->level, g->pte), g->prot,
			 g->what);
	}
}

static void s2_golden_leaves(void)
{
	check_golden(s2, s2_golden, TH_ARRAY_SIZE(s2_golden));
}

static void mali_golden_leaves(void)
{
	check_golden(mali, mali_golden, TH_ARRAY_SIZE(mali_golden));
}

/* Table descriptors: next table address | 0b11, as at stage 1. */
static void s2_mali_table_entries(void)
{
	struct pt_cfg c4, c52, cm;
	unsigned int level;

	if (!fmt_cfg(s2, &c4, 12, 48, 48) || !fmt_cfg(s2, &c52, 16, 52, 52) ||
	    !fmt_cfg(mali, &cm, 12, 48, 40))
		return;
	for (level = 1; level < c4.levels; level++) {
		CHECK_EQ(s2->mk_table(&c4, level, 0x12345000), 0x12345003,
			 "stage-2 table entry");
		CHECK_KIND(s2, &c4, level, 0x12345003, PT_ENTRY_TABLE,
			   "stage-2 table entry");
		CHECK_EQ(s2->entry_pa(&c4, level, 0xfffffffff003ULL),
			 0xfffffffff000ULL, "stage-2 table address");
	}
	/* 0x0003000012340000: PA bits 51:48 (3) in 15:12. */
	CHECK_EQ(s2->mk_table(&c52, 1, 0x0003000012340000ULL),
		 0x0000000012343003ULL, "stage-2 table above 48-bit PA");
	CHECK_EQ(s2->entry_pa(&c52, 1, 0x0000000012343003ULL),
		 0x0003000012340000ULL, "stage-2 table above 48-bit PA");
	for (level = 1; level < cm.levels; level++) {
		/* kbase ENTRY_IS_PTE: address | 0b11. */
		CHECK_EQ(mali->mk_table(&cm, level, 0x12345000), 0x12345003,
			 "Mali table entry");
		CHECK_KIND(mali, &cm, level, 0x12345003, PT_ENTRY_TABLE,
			   "Mali table entry");
		CHECK_EQ(mali->entry_pa(&cm, level, 0xfffffffff003ULL),
			 0xfffffffff000ULL, "Mali table address");
	}
}

/*
 * Stage 2 decodes descriptor types as stage 1 does. Mali: 0b01 is a leaf
 * at every level that holds leaves, the last one included, and 0b11 there
 * is nothing (io-pgtable-arm: iopte_leaf() wants 0b01 for Mali and
 * iopte_table() is false at the last level); kbase writes 0b10 for an
 * invalid entry (ENTRY_IS_INVAL), bit 0 clear like 0b00.
 */
static void s2_mali_kinds(void)
{
	struct pt_cfg c4, c16, cm;
	unsigned int level;

	if (!fmt_cfg(s2, &c4, 12, 48, 48) || !fmt_cfg(s2, &c16, 14, 47, 48) ||
	    !fmt_cfg(mali, &cm, 12, 48, 40))
		return;
	CHECK_KIND(s2, &c4, 0, 0x12345003, PT_ENTRY_LEAF, "s2 page");
	CHECK_KIND(s2, &c4, 0, 0x12345001, PT_ENTRY_EMPTY,
		   "s2 last level 0b01");
	CHECK_KIND(s2, &c4, 1, 0x40200001, PT_ENTRY_LEAF, "s2 2M block");
	CHECK_KIND(s2, &c4, 2, 0x40000001, PT_ENTRY_LEAF, "s2 1G block");
	CHECK_KIND(s2, &c4, 3, 0x8000000001ULL, PT_ENTRY_EMPTY,
		   "s2 512G block");
	CHECK_KIND(s2, &c16, 2, 0x1000000001ULL, PT_ENTRY_EMPTY,
		   "s2 16K 64G block");
	CHECK_KIND(mali, &cm, 0, 0x12345001, PT_ENTRY_LEAF, "Mali page 0b01");
	CHECK_KIND(mali, &cm, 0, 0x12345003, PT_ENTRY_EMPTY,
		   "Mali last level 0b11");
	CHECK_KIND(mali, &cm, 1, 0x40200001, PT_ENTRY_LEAF, "Mali 2M block");
	CHECK_KIND(mali, &cm, 2, 0x40000001, PT_ENTRY_LEAF, "Mali 1G block");
	CHECK_KIND(mali, &cm, 3, 0x8000000001ULL, PT_ENTRY_EMPTY,
		   "Mali 512G block");
	for (level = 0; level < 4; level++) {
		CHECK_KIND(s2, &c4, level, 0, PT_ENTRY_EMPTY, "zero");
		CHECK_KIND(s2, &c4, level, 0x12345002, PT_ENTRY_EMPTY, "0b10");
		CHECK_KIND(mali, &cm, level, 0, PT_ENTRY_EMPTY, "zero");
		CHECK_KIND(mali, &cm, level, 0x12345002, PT_ENTRY_EMPTY,
			   "kbase ENTRY_IS_INVAL");
	}
}

/* Decoding what other software may have written. */
static void s2_mali_decode(void)
{
	struct pt_cfg c4, cm;

	if (!fmt_cfg(s2, &c4, 12, 48, 48) || !fmt_cfg(mali, &cm, 12, 48, 40))
		return;
	/* MemAttr 0b0000 device-nGnRnE is device memory: 0x3 | 0x40 | AF. */
	CHECK_EQ(s2->leaf_prot(&c4, 0, 0x0040000012345443ULL), R | MMIO,
		 "MemAttr 0x0");
	/* 0xa: normal write-through: neither cached (WB) nor device. */
	CHECK_EQ(s2->leaf_prot(&c4, 0, 0x004000001234546bULL), R,
		 "MemAttr 0xa");
	/* 0xd: outer write-back, inner non-cacheable: not CACHE. */
	CHECK_EQ(s2->leaf_prot(&c4, 0, 0x0040000012345477ULL), R,
		 "MemAttr 0xd");
	/* S2AP 0b00: a leaf without access. */
	CHECK_EQ(s2->leaf_prot(&c4, 0, 0x0040000012345417ULL), 0,
		 "S2AP 0b00");
	/* FEAT_XNX XN 0b01 (bit 53): XN[1] clear, executable at EL0. */
	CHECK_EQ(s2->leaf_prot(&c4, 0, 0x00200000123457ffULL),
		 R | W | X | CACHE, "XN 0b01");
	/* Attribute and RES0 bits never leak into the address. */
	CHECK_EQ(s2->entry_pa(&c4, 0, 0xffe0001234567fffULL), 0x1234567000ULL,
		 "s2 page with every attribute");
	CHECK_EQ(s2->entry_pa(&c4, 0, 0xfff0001234567fffULL), 0x1234560000ULL,
		 "s2 contiguous page");
	CHECK_EQ(s2->leaf_size(&c4, 0, 0xfff0001234567fffULL), SZ_64K,
		 "s2 contiguous page size");
	/* Mali: kbase's no-execute is bit 54 alone. */
	CHECK_EQ(mali->leaf_prot(&cm, 0, 0x00200000123452c5ULL),
		 R | W | X | CACHE, "Mali bit 53 only");
	CHECK_EQ(mali->leaf_prot(&cm, 0, 0x00400000123452c5ULL),
		 R | W | CACHE, "Mali bit 54 only");
	/* Mali output addresses end at bit 39 (oas 40). */
	CHECK_EQ(mali->entry_pa(&cm, 0, 0x0060fffffffff2c1ULL),
		 0xfffffff000ULL, "Mali address bits above 39");
	CHECK_EQ(mali->entry_pa(&cm, 1, 0x00600000403ff241ULL), 0x40200000,
		 "Mali 2M block ignores bits 20:12");
	/* Mali has no contiguous runs: bit 52 changes nothing. */
	CHECK(!mali->leaf_size, "Mali leaves are one entry");
	CHECK_EQ(mali->entry_pa(&cm, 0, 0x00700000123452c5ULL), 0x12345000,
		 "Mali bit 52");
}

/*
 * Both formats take read and write separately: anything with one of the
 * two, but one memory type at most; PRIV is not theirs (the engine says
 * -EOPNOTSUPP); every accepted prot at every size round-trips.
 */
static void s2_mali_prot_round_trip(void)
{
	static const struct {
		const struct pt_format **fmt;
		u32 granule, ias, oas;
		u64 pa;
	} spaces[] = {
		{ &s2, 12, 48, 48, 0x8040000000ULL },
		{ &s2, 14, 48, 48, 0x8040000000ULL },
		{ &s2, 16, 52, 52, 0x000b008000000000ULL },
		{ &s2, 12, 40, 40, 0x8040000000ULL },	/* concatenated */
		{ &mali, 12, 48, 40, 0x8040000000ULL },
	};
	unsigned int s, level;
	struct pt_cfg cfg;
	u64 pgsizes, pgsize;
	u32 prot;

	for (s = 0; s < TH_ARRAY_SIZE(spaces); s++) {
		const struct pt_format *fmt = *spaces[s].fmt;

		if (!fmt_cfg(fmt, &cfg, spaces[s].granule, spaces[s].ias,
			     spaces[s].oas))
			continue;
		CHECK_EQ(cfg.prot_mask, R | W | X | CACHE | MMIO, "prot mask");
		CHECK_INT(pt_check_prot(&cfg, R | W | PRIV), -EOPNOTSUPP,
			  "PRIV");
		for (prot = 0; prot <= PT_PROT_ALL; prot++) {
			bool ok = (prot & (R | W)) &&
				  (prot & (CACHE | MMIO)) != (CACHE | MMIO);

			if (prot & PRIV)
				continue;
			CHECK_INT(fmt->check_prot(&cfg, prot), ok ? 0 : -EINVAL,
				  "check_prot");
			if (!ok)
				continue;
			for (level = 0; level < cfg.levels; level++) {
				pgsizes = cfg.lvl[level].pgsizes;
				for (; pgsizes; pgsizes &= pgsizes - 1) {
					u64 pa, pte, size;

					pgsize = pgsizes & -pgsizes;
					pa = spaces[s].pa & ~(pgsize - 1);
					pte = fmt->mk_leaf(&cfg, level, pa, pgsize,
							   prot);
					size = fmt->leaf_size ?
					       fmt->leaf_size(&cfg, level, pte) :
					       1ULL << cfg.lvl[level].shift;
					CHECK(fmt->kind(&cfg, level, pte) ==
					      PT_ENTRY_LEAF &&
					      fmt->entry_pa(&cfg, level, pte) == pa &&
					      size == pgsize &&
					      fmt->leaf_prot(&cfg, level, pte) == prot,
					      "%s granule %u prot %#x size %#llx: pte %#llx",
					      fmt->name, spaces[s].granule, prot,
					      (unsigned long long)pgsize,
					      (unsigned long long)pte);
				}
			}
		}
	}
}

struct s2_geometry {
	u32 granule, ias, oas;
	u32 levels;
	u32 top_index_bits;
	u64 vtcr;
};

/*
 * Stage-2 geometry and VTCR, worked out by hand. The walk starts where
 * ceil((ias - granule) / bits_per_level) levels put it, unless that start
 * level is not allowed (4K level 0 below 44-bit PA, 16K level 0 always,
 * 16K level 1 below 42 bits, 64K level 1 below 44 bits) or it is level 0
 * with at most 16 entries: then one level lower, with the top level's
 * entries as that many concatenated tables (top index bits + bits per
 * level).
 * VTCR = T0SZ (64 - ias) | SL0 << 6 (4K: 2 - start level; 16K/64K: 3 -
 * start level) | 0x100 IRGN0 WBWA | 0x400 ORGN0 WBWA | 0x3000 SH0 inner |
 * TG0 << 14 (16K 0x8000, 64K 0x4000) | PS << 16 | 0x80000000 RES1.
 */
static const struct s2_geometry s2_geometries[] = {
	/* 4 levels, 512 entries at level 0: SL0 0b10 (0x80), PS 5. */
	{ 12, 48, 48, 4, 9, 0x80053590ULL },
	/* 2 level-0 entries: 2 tables at level 1 (SL0 0b01), 10 bits. */
	{ 12, 40, 48, 3, 10, 0x80053558ULL },
	/* Level 0 not allowed below 44 bits: 8 tables at level 1, PS 3. */
	{ 12, 42, 42, 3, 12, 0x80033556ULL },
	/* 16 level-0 entries, the most that join: 16 tables, T0SZ 21. */
	{ 12, 43, 48, 3, 13, 0x80053555ULL },
	/* 32 level-0 entries, allowed with 44 bits: no concatenation. */
	{ 12, 44, 44, 4, 5, 0x80043594ULL },
	/* 3 levels from level 1 (4 entries): SL0 0b01, T0SZ 32, PS 0. */
	{ 12, 32, 32, 3, 2, 0x80003560ULL },
	/* 39 bits: a full level-1 table. T0SZ 25. */
	{ 12, 39, 48, 3, 9, 0x80053559ULL },
	/* 16K, 2 level-0 entries: 2 tables at level 1, SL0 0b10. */
	{ 14, 48, 48, 3, 12, 0x8005b590ULL },
	/* 16K level 1 below 42 bits: 16 tables at level 2 (SL0 0b01). */
	{ 14, 40, 40, 2, 15, 0x8002b558ULL },
	/* 16K level 1 allowed with 42 bits: 16 entries there. */
	{ 14, 40, 42, 3, 4, 0x8003b598ULL },
	/* 16K 36 bits: 2 levels from level 2, SL0 0b01, PS 1. */
	{ 14, 36, 36, 2, 11, 0x8001b55cULL },
	/* 64K 48 bits: level 1 with 64 entries, SL0 0b10, TG0 0b01. */
	{ 16, 48, 48, 3, 6, 0x80057590ULL },
	/* 64K level 1 below 44 bits: 4 tables at level 2 (SL0 0b01). */
	{ 16, 44, 40, 2, 15, 0x80027554ULL },
	/* 64K 52 bits (FEAT_LPA): T0SZ 12, PS 0b110. */
	{ 16, 52, 52, 3, 10, 0x8006758cULL },
	/* 64K 42 bits: 2 levels from level 2. */
	{ 16, 42, 48, 2, 13, 0x80057556ULL },
};

/*
 * An independent reading of the VTCR: the start level from SL0 and TG0,
 * then the pseudocode's S2InconsistentSL bounds on the input size (more
 * than one level below can hold, at most a full table at the start level
 * plus 4 bits of concatenation), and the concatenated table count.
 */
static void s2_vtcr_consistent(const struct s2_geometry *geo, u64 vtcr)
{
	u32 tg0 = (vtcr >> 14) & 3, sl0 = (vtcr >> 6) & 3;
	u32 stride = tg0 == 0 ? 9 : tg0 == 2 ? 11 : 13;
	u32 granulebits = stride + 3, ias = 64 - (vtcr & 0x3f);
	int start = tg0 == 0 ? 2 - (int)sl0 : 3 - (int)sl0;
	u32 levels = 3 - start, min_ias, max_ias;

	CHECK_INT(granulebits, geo->granule, "VTCR TG0");
	CHECK_INT(ias, geo->ias, "VTCR T0SZ");
	CHECK_INT(4 - start, geo->levels, "VTCR SL0 levels");
	min_ias = levels * stride + granulebits + 1;
	max_ias = min_ias + (stride - 1) + 4;
	CHECK(ias >= min_ias && ias <= max_ias,
	      "ias %u outside %u..%u for start level %d", ias, min_ias, max_ias,
	      start);
	/* Concatenated tables: 1 << (top index bits - stride), up to 16. */
	CHECK(geo->top_index_bits <= stride + 4, "%u top index bits",
	      geo->top_index_bits);
	CHECK(vtcr & BIT_ULL(31), "VTCR RES1");
}

static void s2_geometry(void)
{
	const struct s2_geometry *geo;
	struct host_gather g;
	struct host_ctx ctx;
	struct pt_hw_regs regs;
	struct pt_space pt;
	struct pt_cfg cfg;
	unsigned int l, bits;

	for (geo = s2_geometries;
	     geo < s2_geometries + TH_ARRAY_SIZE(s2_geometries); geo++) {
		if (!fmt_cfg(s2, &cfg, geo->granule, geo->ias, geo->oas))
			continue;
		bits = geo->granule - 3;
		CHECK_INT(cfg.levels, geo->levels, "levels");
		for (l = 0; l < cfg.levels; l++) {
			CHECK_INT(cfg.lvl[l].shift, geo->granule + bits * l,
				  "shift");
			CHECK_INT(cfg.lvl[l].index_bits,
				  l + 1 == cfg.levels ? geo->top_index_bits : bits,
				  "index bits");
		}
		CHECK_EQ(pt_table_bytes(&cfg, cfg.levels - 1),
			 8ULL << geo->top_index_bits, "top table bytes");
		host_ctx_init(&ctx);
		pt = (struct pt_space){};
		if (!CHECK(!pt_space_init(&pt, &cfg, &host_table_ops, &ctx),
			   "space")) {
			host_ctx_fini(&ctx);
			continue;
		}
		s2->regs(&cfg, pt_root_pa(&pt), &regs);
		CHECK_EQ(regs.tcr, geo->vtcr, "VTCR");
		CHECK_EQ(regs.ttbr, pt_root_pa(&pt), "VTTBR");
		CHECK_EQ(regs.mair, 0, "no MAIR at stage 2");
		/* Concatenated tables are aligned to their total size. */
		CHECK(!(pt_root_pa(&pt) & (pt_table_bytes(&cfg, cfg.levels - 1) -
					   1)), "root alignment");
		s2_vtcr_consistent(geo, regs.tcr);
		host_gather_init(&g, &ctx);
		host_space_free(&pt, &g);
		host_gather_fini(&g);
	}
	/* VTTBR BADDR with FEAT_LPA: 0x000a000012340000 -> 0x12340000 | 0x28. */
	if (fmt_cfg(s2, &cfg, 16, 52, 52)) {
		s2->regs(&cfg, 0x000a000012340000ULL, &regs);
		CHECK_EQ(regs.ttbr, 0x0000000012340028ULL, "VTTBR above 48 bits");
	}
	/* Everything defaulted: 4K, 48 bits in and out, as stage 1. */
	if (CHECK(!pt_cfg_init(&cfg, s2, &(struct pt_params){}), "defaults")) {
		CHECK(cfg.ias == 48 && cfg.oas == 48 && cfg.levels == 4 &&
		      cfg.granule_shift == 12 && cfg.pgsize_bitmap == 0x40201000,
		      "defaults: ias %u oas %u levels %u granule %u sizes %#llx",
		      cfg.ias, cfg.oas, cfg.levels, cfg.granule_shift,
		      (unsigned long long)cfg.pgsize_bitmap);
	}
	CHECK_INT(s2->id, PTLAB_FMT_ARM64_LPAE_S2, "stage-2 id");
	CHECK(!strcmp(s2->name, "arm64-lpae-s2"), "stage-2 name");
}

/*
 * Mali: always 4 levels of 512 entries (a full 4K top table, as
 * AS_TRANSTAB holds a 4K-aligned address and Linux allocates), 4K, 2M and
 * 1G leaves, no contiguous runs.
 * AS_TRANSTAB = root | ADRMODE_TABLE 0b11 | READ_INNER 0x4 | SHARE_OUTER
 * 0x10 = root | 0x17; AS_MEMATTR = slot 0 0x88 (implementation-defined),
 * slot 1 0x8d (write-allocate), slot 2 0x88: 0x888d88.
 */
static void mali_geometry_regs(void)
{
	static const u32 inputs[] = { 32, 39, 40, 47, 48 };
	struct pt_hw_regs regs;
	struct pt_cfg cfg;
	unsigned int i, l;

	for (i = 0; i < TH_ARRAY_SIZE(inputs); i++) {
		if (!fmt_cfg(mali, &cfg, 0, inputs[i], 0))
			continue;
		CHECK_INT(cfg.levels, 4, "Mali levels");
		CHECK_INT(cfg.oas, 40, "Mali default oas");
		CHECK_INT(cfg.granule_shift, 12, "Mali granule");
		for (l = 0; l < 4; l++) {
			CHECK_INT(cfg.lvl[l].shift, 12 + 9 * l, "Mali shift");
			CHECK_INT(cfg.lvl[l].index_bits, 9, "Mali index bits");
		}
		CHECK_EQ(cfg.pgsize_bitmap, 0x40201000, "Mali page sizes");
		CHECK_EQ(cfg.lvl[0].pgsizes | cfg.lvl[1].pgsizes |
			 cfg.lvl[2].pgsizes | cfg.lvl[3].pgsizes, 0x40201000,
			 "Mali leaf sizes");
		CHECK_EQ(pt_table_bytes(&cfg, 3), 4096, "Mali top table");
		mali->regs(&cfg, 0x12345000, &regs);
		CHECK_EQ(regs.ttbr, 0x12345017, "AS_TRANSTAB");
		CHECK_EQ(regs.tcr, 0, "no TCR");
		CHECK_EQ(regs.mair, 0x888d88, "AS_MEMATTR");
	}
	CHECK_INT(mali->id, PTLAB_FMT_ARM_MALI_LPAE, "Mali id");
	CHECK(!strcmp(mali->name, "arm-mali-lpae"), "Mali name");
}

struct bad_param {
	const struct pt_format **fmt;
	struct pt_params p;
	int ret;
	const char *what;
};

static const struct bad_param bad_params[] = {
	{ &s2, { .granule_shift = 13 }, -EOPNOTSUPP, "s2 8K granule" },
	{ &s2, { .granule_shift = ~0U }, -EOPNOTSUPP, "s2 granule ~0" },
	{ &s2, { .ias = 31 }, -EINVAL, "s2 ias 31" },
	{ &s2, { .ias = 49 }, -EINVAL, "s2 ias 49" },
	{ &s2, { .ias = ~0U }, -EINVAL, "s2 ias ~0" },
	{ &s2, { .granule_shift = 14, .ias = 52 }, -EINVAL, "s2 16K ias 52" },
	{ &s2, { .granule_shift = 16, .ias = 53 }, -EINVAL, "s2 64K ias 53" },
	{ &s2, { .oas = 45 }, -EINVAL, "s2 oas 45" },
	{ &s2, { .oas = 52 }, -EINVAL, "s2 4K oas 52" },
	{ &s2, { .oas = ~0U }, -EINVAL, "s2 oas ~0" },
	/* Level 0 refused below 44 bits, 32 entries too many to join. */
	{ &s2, { .ias = 44, .oas = 40 }, -EINVAL, "s2 4K ias 44 oas 40" },
	{ &s2, { .ias = 48, .oas = 42 }, -EINVAL, "s2 4K ias 48 oas 42" },
	{ &s2, { .oas = 32 }, -EINVAL, "s2 4K ias 48 oas 32" },
	/* 16K: level 0 refused, level 1 refused below 42 bits. */
	{ &s2, { .granule_shift = 14, .ias = 48, .oas = 40 }, -EINVAL,
	  "s2 16K ias 48 oas 40" },
	{ &s2, { .granule_shift = 14, .ias = 41, .oas = 40 }, -EINVAL,
	  "s2 16K ias 41 oas 40 (32 tables)" },
	/* 64K level 1 refused below 44 bits: 32 tables at level 2. */
	{ &s2, { .granule_shift = 16, .ias = 47, .oas = 42 }, -EINVAL,
	  "s2 64K ias 47 oas 42" },
	{ &s2, { .pgsize_bitmap = SZ_2M }, -EINVAL, "s2 2M without 4K" },
	{ &s2, { .pgsize_bitmap = SZ_4K | 512 * SZ_1G }, -EINVAL,
	  "s2 512G" },
	{ &s2, { .granule_shift = 16, .pgsize_bitmap = SZ_64K | SZ_4T },
	  -EINVAL, "s2 4T with 48-bit output" },
	{ &mali, { .granule_shift = 14 }, -EOPNOTSUPP, "Mali 16K granule" },
	{ &mali, { .granule_shift = 16 }, -EOPNOTSUPP, "Mali 64K granule" },
	{ &mali, { .granule_shift = 13 }, -EOPNOTSUPP, "Mali 8K granule" },
	{ &mali, { .ias = 31 }, -EINVAL, "Mali ias 31" },
	{ &mali, { .ias = 49 }, -EINVAL, "Mali ias 49" },
	{ &mali, { .ias = ~0U }, -EINVAL, "Mali ias ~0" },
	{ &mali, { .oas = 41 }, -EINVAL, "Mali oas 41" },
	{ &mali, { .oas = 48 }, -EINVAL, "Mali oas 48" },
	{ &mali, { .oas = 31 }, -EINVAL, "Mali oas 31" },
	{ &mali, { .pgsize_bitmap = SZ_4K | SZ_64K }, -EINVAL,
	  "Mali has no contiguous runs" },
	{ &mali, { .pgsize_bitmap = SZ_4K | 512 * SZ_1G }, -EINVAL,
	  "Mali 512G" },
	{ &mali, { .pgsize_bitmap = SZ_2M | SZ_1G }, -EINVAL,
	  "Mali without 4K" },
};

static const struct bad_param good_params[] = {
	{ &s2, { .granule_shift = 12 }, 0, "s2 4K" },
	{ &s2, { .granule_shift = 14 }, 0, "s2 16K" },
	{ &s2, { .granule_shift = 16 }, 0, "s2 64K" },
	{ &s2, { .granule_shift = 16, .ias = 52, .oas = 52 }, 0,
	  "s2 64K 52 bits" },
	{ &s2, { .ias = 43, .oas = 40 }, 0, "s2 4K ias 43 oas 40 (16 tables)" },
	{ &s2, { .ias = 32, .oas = 32 }, 0, "s2 ias 32 oas 32" },
	{ &s2, { .pgsize_bitmap = SZ_4K | SZ_64K | SZ_2M | SZ_32M | SZ_1G |
		 SZ_16G }, 0, "s2 4K every size" },
	{ &mali, { .oas = 33 }, 0, "Mali oas 33" },
	{ &mali, { .ias = 39, .oas = 32 }, 0, "Mali ias 39 oas 32" },
	{ &mali, { .pgsize_bitmap = SZ_4K | SZ_1G }, 0, "Mali 4K and 1G" },
};

static void s2_mali_params(void)
{
	struct pt_cfg cfg;
	unsigned int i;
	int ret;

	for (i = 0; i < TH_ARRAY_SIZE(bad_params); i++) {
		ret = pt_cfg_init(&cfg, *bad_params[i].fmt, &bad_params[i].p);
		CHECK_INT(ret, bad_params[i].ret, bad_params[i].what);
	}
	for (i = 0; i < TH_ARRAY_SIZE(good_params); i++) {
		ret = pt_cfg_init(&cfg, *good_params[i].fmt, &good_params[i].p);
		CHECK_INT(ret, 0, good_params[i].what);
		if (!ret && good_params[i].p.pgsize_bitmap)
			CHECK_EQ(cfg.pgsize_bitmap, good_params[i].p.pgsize_bitmap,
				 good_params[i].what);
	}
}

/*
 * The reference walker: a hardware walk of raw table memory written from
 * the specification, sharing nothing with the format file. Geometry comes
 * from hand-worked expectations (levels, top index bits).
 */
enum ref_variant { REF_S1, REF_S2, REF_MALI };

struct ref_space {
	const char *what;
	enum ref_variant variant;
	u32 granule, ias, oas;
	u32 levels;
	u32 top_bits;
};

struct ref_result {
	unsigned int nr;
	u64 entries[PT_MAX_LEVELS];
	u64 pa;		/* of the walked address */
	u64 size;
	u32 prot;
	int arm_level;	/* of the leaf */
};

static const struct pt_format *ref_fmt(const struct ref_space *rs)
{
	switch (rs->variant) {
	case REF_S1: return &pt_fmt_arm64_lpae_s1;
	case REF_S2: return s2;
	case REF_MALI: return mali;
	}
	return NULL;
}

/* Arm levels with blocks (Arm ARM granule table; 4T needs FEAT_LPA). */
static bool ref_block_level(const struct ref_space *rs, int arm)
{
	switch (rs->granule) {
	case 12: return arm == 1 || arm == 2;
	case 14: return arm == 2;
	}
	return arm == 2 || (arm == 1 && rs->oas == 52);
}

/* Entries one contiguous-bit run covers (Arm ARM, "The Contiguous bit"). */
static u64 ref_contig(const struct ref_space *rs, int arm)
{
	if (rs->variant == REF_MALI)
		return 1;
	if (rs->granule == 12)
		return 16;
	if (rs->granule == 14)
		return arm == 3 ? 128 : 32;
	return arm >= 2 ? 32 : 1;
}

/* Output address bits [top:low] plus, with 52-bit OA, 51:48 from 15:12. */
static u64 ref_oa(const struct ref_space *rs, u64 pte, unsigned int low,
		  bool table)
{
	unsigned int top = table || rs->oas > 48 ? 47 : rs->oas - 1;
	u64 pa = pte & (~0ULL >> (63 - top)) & (~0ULL << low);

	if (rs->oas == 52)
		pa |= ((pte >> 12) & 0xf) << 48;
	return pa;
}

static u32 ref_prot(const struct ref_space *rs, u64 pte)
{
	u32 attr = (pte >> 2) & 7, memattr = (pte >> 2) & 0xf, prot = 0;

	switch (rs->variant) {
	case REF_S1:
		/* AP[2:1] in bits 7:6, AttrIndx 4:2, UXN 54. */
		prot = R | (pte & BIT_ULL(7) ? 0 : W) |
		       (pte & BIT_ULL(6) ? 0 : PRIV) |
		       (pte & BIT_ULL(54) ? 0 : X);
		prot |= attr == 1 ? CACHE : attr == 2 ? MMIO : 0;
		break;
	case REF_S2:
		/* S2AP 7:6, MemAttr 5:2 (0b00xx device, 0xf WB), XN 54. */
		prot = (pte & BIT_ULL(6) ? R : 0) | (pte & BIT_ULL(7) ? W : 0) |
		       (pte & BIT_ULL(54) ? 0 : X);
		prot |= memattr == 0xf ? CACHE : !(memattr >> 2) ? MMIO : 0;
		break;
	case REF_MALI:
		/* kbase: RD 6, WR 7, NX 54, AttrIndx 4:2 into AS_MEMATTR. */
		prot = (pte & BIT_ULL(6) ? R : 0) | (pte & BIT_ULL(7) ? W : 0) |
		       (pte & BIT_ULL(54) ? 0 : X);
		prot |= attr == 1 ? CACHE : attr == 2 ? MMIO : 0;
		break;
	}
	return prot;
}

/* 0, -ENOENT on a translation fault, -EFAULT on an access flag fault. */
static int ref_walk(const struct ref_space *rs, const void *root, u64 iova,
		    struct ref_result *out)
{
	unsigned int stride = rs->granule - 3;
	int arm = 4 - (int)rs->levels;
	const u64 *table = root;

	*out = (struct ref_result){};
	for (;;) {
		unsigned int shift = rs->granule + (3 - arm) * stride;
		unsigned int bits = out->nr ? stride : rs->top_bits;
		u64 pte = table[(iova >> shift) & ((1ULL << bits) - 1)];
		u64 type = pte & 3, size;

		out->entries[out->nr++] = pte;
		if (!(type & 1))
			return -ENOENT;
		if (arm < 3 && type == 3) {
			table = (const u64 *)(uintptr_t)ref_oa(rs, pte,
							      rs->granule, true);
			arm++;
			continue;
		}
		if (arm == 3 && type != (rs->variant == REF_MALI ? 1 : 3))
			return -ENOENT;
		if (arm < 3 && !ref_block_level(rs, arm))
			return -ENOENT;
		if (rs->variant != REF_MALI && !(pte & BIT_ULL(10)))
			return -EFAULT;
		size = 1ULL << shift;
		if (pte & BIT_ULL(52))
			size *= ref_contig(rs, arm);
		out->pa = (ref_oa(rs, pte, shift, false) & ~(size - 1)) |
			  (iova & (size - 1));
		out->size = size;
		out->prot = ref_prot(rs, pte);
		out->arm_level = arm;
		return 0;
	}
}

static const struct ref_space ref_spaces[] = {
	{ "s1 4K 48", REF_S1, 12, 48, 48, 4, 9 },
	{ "s1 16K 48", REF_S1, 14, 48, 48, 4, 1 },
	{ "s1 16K 36", REF_S1, 14, 36, 40, 2, 11 },
	{ "s1 64K 48", REF_S1, 16, 48, 48, 3, 6 },
	{ "s1 64K 52", REF_S1, 16, 52, 52, 3, 10 },
	{ "s1 64K 32", REF_S1, 16, 32, 32, 2, 3 },
	{ "s2 4K 48", REF_S2, 12, 48, 48, 4, 9 },
	{ "s2 4K 40 (2 tables)", REF_S2, 12, 40, 48, 3, 10 },
	{ "s2 4K 42/42 (8 tables)", REF_S2, 12, 42, 42, 3, 12 },
	{ "s2 4K 43 (16 tables)", REF_S2, 12, 43, 48, 3, 13 },
	{ "s2 4K 44 (32 entries)", REF_S2, 12, 44, 44, 4, 5 },
	{ "s2 4K 32", REF_S2, 12, 32, 32, 3, 2 },
	{ "s2 16K 48 (2 tables)", REF_S2, 14, 48, 48, 3, 12 },
	{ "s2 16K 40/40 (16 tables)", REF_S2, 14, 40, 40, 2, 15 },
	{ "s2 64K 44/40 (4 tables)", REF_S2, 16, 44, 40, 2, 15 },
	{ "s2 64K 52", REF_S2, 16, 52, 52, 3, 10 },
	{ "Mali 48", REF_MALI, 12, 48, 40, 4, 9 },
	{ "Mali 32", REF_MALI, 12, 32, 32, 4, 9 },
	{ "Mali 40/36", REF_MALI, 12, 40, 36, 4, 9 },
};

/* A tree, its owner, and the space's reference description. */
struct sem {
	const struct ref_space *rs;
	struct pt_space pt;
	struct host_ctx ctx;
	struct host_gather g;
};

static u64 sem_all_sizes(const struct pt_cfg *cfg)
{
	u64 all = 0;
	unsigned int l;

	for (l = 0; l < cfg->levels; l++)
		all |= cfg->lvl[l].pgsizes;
	return all;
}

static void sem_free(struct sem *s)
{
	host_space_free(&s->pt, &s->g);
	host_gather_fini(&s->g);
}

/* A tree for @rs with every leaf size (@all) or the default ones. */
static bool sem_new(struct sem *s, const struct ref_space *rs, bool all)
{
	struct pt_params params = {
		.granule_shift = rs->granule, .ias = rs->ias, .oas = rs->oas,
	};
	struct pt_cfg cfg;
	int ret;

	*s = (struct sem){ .rs = rs };
	host_ctx_init(&s->ctx);
	ret = pt_cfg_init(&cfg, ref_fmt(rs), &params);
	if (!ret && all) {
		params.pgsize_bitmap = sem_all_sizes(&cfg);
		ret = pt_cfg_init(&cfg, ref_fmt(rs), &params);
	}
	if (!ret)
		ret = pt_space_init(&s->pt, &cfg, &host_table_ops, &s->ctx);
	if (!CHECK(!ret, "%s: new tree: %s", rs->what, th_errname(ret))) {
		host_ctx_fini(&s->ctx);
		return false;
	}
	s->ctx.check_unlinked = true;
	host_gather_init(&s->g, &s->ctx);
	/* The reference walker would read the tables out of bounds. */
	if (!CHECK_INT(cfg.levels, rs->levels, rs->what) ||
	    !CHECK_INT(cfg.lvl[cfg.levels - 1].index_bits, rs->top_bits,
		       rs->what)) {
		sem_free(s);
		return false;
	}
	return true;
}

static int sem_map(struct sem *s, u64 iova, u64 pa, u64 size, u32 prot,
		   u64 pgsizes, u64 *mapped)
{
	int ret = pt_map(&s->pt, iova, pa, size, prot, pgsizes, &s->g, mapped);

	host_flush(&s->g, &s->pt);
	return ret;
}

static int sem_unmap(struct sem *s, u64 iova, u64 size, u64 *unmapped)
{
	int ret = pt_unmap(&s->pt, iova, size, &s->g, unmapped);

	host_flush(&s->g, &s->pt);
	return ret;
}

/* The engine's walk of @iova agrees with the reference and expectations. */
static bool sem_walk_ok(struct sem *s, u64 iova, u64 pa, u64 size, u32 prot)
{
	struct pt_walk_result res;
	struct ref_result ref;
	int ret = pt_walk(&s->pt, iova, &res);
	int ref_ret = ref_walk(s->rs, s->pt.root, iova, &ref);
	unsigned int i;
	bool ok;

	ok = CHECK(!ret && !ref_ret,
		   "%s: walk %#llx: %s, reference %s", s->rs->what,
		   (unsigned long long)iova, th_errname(ret),
		   th_errname(ref_ret));
	if (!ok)
		return false;
	ok &= CHECK(res.nr_entries == ref.nr &&
		    (int)ref.nr == ref.arm_level - (4 - (int)s->rs->levels) + 1,
		    "%s: %#llx: %u entries read, reference %u", s->rs->what,
		    (unsigned long long)iova, res.nr_entries, ref.nr);
	for (i = 0; i < res.nr_entries && i < ref.nr; i++)
		ok &= CHECK_EQ(res.entries[i], ref.entries[i], s->rs->what);
	ok &= CHECK(res.leaf.pa == pa && ref.pa == pa &&
		    res.leaf.size == size && ref.size == size &&
		    res.leaf.prot == prot && ref.prot == prot &&
		    res.leaf.level == (u32)(3 - ref.arm_level),
		    "%s: %#llx -> pa %#llx size %#llx prot %#x level %u; reference pa %#llx size %#llx prot %#x Arm level %d; expected pa %#llx size %#llx prot %#x",
		    s->rs->what, (unsigned long long)iova,
		    (unsigned long long)res.leaf.pa,
		    (unsigned long long)res.leaf.size, res.leaf.prot,
		    res.leaf.level, (unsigned long long)ref.pa,
		    (unsigned long long)ref.size, ref.prot, ref.arm_level,
		    (unsigned long long)pa, (unsigned long long)size, prot);
	return ok;
}

/* Leaves in a range, from pt_iterate(). */
struct sem_list {
	struct pt_leaf_visitor visitor;
	struct pt_leaf leaf[8];
	size_t nr;
};

static int sem_list_add(struct pt_leaf_visitor *visitor,
			const struct pt_leaf *leaf)
{
	struct sem_list *l = container_of(visitor, struct sem_list, visitor);

	if (l->nr == TH_ARRAY_SIZE(l->leaf))
		return -E2BIG;
	l->leaf[l->nr++] = *leaf;
	return 0;
}

static int sem_list(const struct sem *s, struct sem_list *l)
{
	*l = (struct sem_list){ .visitor.leaf = sem_list_add };
	return pt_iterate(&s->pt, 0, ~0ULL, &l->visitor);
}

static bool sem_same_list(const struct sem_list *a, const struct sem_list *b)
{
	return a->nr == b->nr &&
	       !memcmp(a->leaf, b->leaf, a->nr * sizeof(a->leaf[0]));
}

/* Prots each variant maps with, all valid for it. */
static u32 sem_prot(const struct ref_space *rs, unsigned int k)
{
	static const u32 s1[] = { R | W | CACHE, R | X, R | W | PRIV | MMIO };
	static const u32 rw[] = { R | W | CACHE, W, R | X | MMIO };

	return rs->variant == REF_S1 ? s1[k % 3] : rw[k % 3];
}

/*
 * Each leaf size at up to three IOVAs (0, the second slot, the top of the
 * input range) and PAs at the top of the output range; walks at three
 * offsets; iterate lists them; unmapping each frees every table.
 */
static void sem_page_sizes(const struct ref_space *rs)
{
	struct sem_list list;
	struct sem s;
	u64 sizes, size, top = 1ULL << rs->ias, pa_top = 1ULL << rs->oas;
	u64 iova[3], pa[3], mapped, unmapped;
	unsigned int n, k, o;
	int ret;

	if (!sem_new(&s, rs, true))
		return;
	sizes = s.pt.cfg.pgsize_bitmap;
	sem_free(&s);
	for (; sizes; sizes &= sizes - 1) {
		size = sizes & -sizes;
		if (!sem_new(&s, rs, true))
			return;
		n = 0;
		iova[n++] = 0;
		if (3 * size <= top - size)
			iova[n++] = 2 * size;
		iova[n++] = top - size;
		for (k = 0; k < n; k++) {
			pa[k] = pa_top - (k + 1) * size;
			ret = sem_map(&s, iova[k], pa[k], size, sem_prot(rs, k),
				      size, &mapped);
			CHECK(!ret && mapped == size,
			      "%s: map %#llx at %#llx: %s, %#llx mapped",
			      rs->what, (unsigned long long)size,
			      (unsigned long long)iova[k], th_errname(ret),
			      (unsigned long long)mapped);
		}
		for (k = 0; k < n; k++) {
			static const u64 offsets[] = { 0, 8, 1 };

			for (o = 0; o < TH_ARRAY_SIZE(offsets); o++) {
				/* Start, middle + 8, last byte of the leaf. */
				u64 off = o == 0 ? 0 : o == 1 ? size / 2 + 8 :
					  size - 1;

				sem_walk_ok(&s, iova[k] + off, pa[k] + off, size,
					    sem_prot(rs, k));
			}
		}
		ret = sem_list(&s, &list);
		CHECK(!ret && list.nr == n, "%s: %zu leaves listed, %u mapped",
		      rs->what, list.nr, n);
		for (k = 0; k < n && k < list.nr; k++)
			CHECK(list.leaf[k].iova == iova[k] &&
			      list.leaf[k].pa == pa[k] &&
			      list.leaf[k].size == size &&
			      list.leaf[k].prot == sem_prot(rs, k),
			      "%s: leaf %u iova %#llx pa %#llx size %#llx",
			      rs->what, k,
			      (unsigned long long)list.leaf[k].iova,
			      (unsigned long long)list.leaf[k].pa,
			      (unsigned long long)list.leaf[k].size);
		CHECK(host_check_tree(&s.pt, &s.ctx), "%s: tree", rs->what);
		for (k = 0; k < n; k++) {
			ret = sem_unmap(&s, iova[k], size, &unmapped);
			CHECK(!ret && unmapped == size,
			      "%s: unmap %#llx: %s, %#llx", rs->what,
			      (unsigned long long)iova[k], th_errname(ret),
			      (unsigned long long)unmapped);
		}
		CHECK(s.ctx.live_tables == 1, "%s: %ld tables after unmap",
		      rs->what, s.ctx.live_tables);
		sem_free(&s);
	}
}

/*
 * With the default sizes: a block B and two pages after it; overlaps are
 * refused with nothing changed; unmap stops at holes, refuses to start
 * inside B and removes B whole when ending inside it; the tables go when
 * empty; the same range maps again.
 */
static void sem_overlap_unmap(const struct ref_space *rs)
{
	struct sem_list before, after;
	struct sem s;
	u64 g, b, pa, mapped, unmapped;
	u32 prot = sem_prot(rs, 0);
	long tables;
	int ret;

	if (!sem_new(&s, rs, false))
		return;
	g = 1ULL << rs->granule;
	b = 1ULL << s.pt.cfg.lvl[1].shift;
	pa = 3 * b;
	ret = sem_map(&s, b, pa, b + 2 * g, prot, s.pt.cfg.pgsize_bitmap,
		      &mapped);
	CHECK(!ret && mapped == b + 2 * g, "%s: map: %s", rs->what,
	      th_errname(ret));
	sem_walk_ok(&s, b + g + 4, pa + g + 4, b, prot);
	sem_walk_ok(&s, 2 * b + g, pa + b + g, g, prot);
	CHECK(!sem_list(&s, &before) && before.nr == 3, "%s: 3 leaves",
	      rs->what);
	tables = s.ctx.live_tables;

	/* Inside the block, over the pages' table, over a page. */
	ret = sem_map(&s, b + g, 0, g, prot, s.pt.cfg.pgsize_bitmap, &mapped);
	CHECK(ret == -EADDRINUSE && !mapped, "%s: map in a block: %s",
	      rs->what, th_errname(ret));
	ret = sem_map(&s, 2 * b, 0, b, prot, b, &mapped);
	CHECK(ret == -EADDRINUSE && !mapped, "%s: block over a table: %s",
	      rs->what, th_errname(ret));
	ret = sem_map(&s, 2 * b + g, 0, g, prot, g, &mapped);
	CHECK(ret == -EADDRINUSE && !mapped, "%s: page over a page: %s",
	      rs->what, th_errname(ret));
	CHECK(!sem_list(&s, &after) && sem_same_list(&before, &after) &&
	      s.ctx.live_tables == tables, "%s: a refused map changed things",
	      rs->what);

	/* Starting inside B: refused, nothing changed. */
	ret = sem_unmap(&s, b + g, g, &unmapped);
	CHECK(ret == -EINVAL && !unmapped, "%s: unmap inside a block: %s",
	      rs->what, th_errname(ret));
	CHECK(!sem_list(&s, &after) && sem_same_list(&before, &after),
	      "%s: a refused unmap changed things", rs->what);
	/* A hole: nothing there. */
	ret = sem_unmap(&s, 2 * b + 2 * g, g, &unmapped);
	CHECK(ret == -ENOENT && !unmapped, "%s: unmap a hole: %s", rs->what,
	      th_errname(ret));
	/* Two pages, then the hole stops it. */
	ret = sem_unmap(&s, 2 * b, 3 * g, &unmapped);
	CHECK(!ret && unmapped == 2 * g, "%s: unmap up to a hole: %s, %#llx",
	      rs->what, th_errname(ret), (unsigned long long)unmapped);
	/* Ending inside B removes all of it. */
	ret = sem_unmap(&s, b, g, &unmapped);
	CHECK(!ret && unmapped == b, "%s: unmap ending in a block: %s, %#llx",
	      rs->what, th_errname(ret), (unsigned long long)unmapped);
	CHECK(s.ctx.live_tables == 1, "%s: %ld tables left", rs->what,
	      s.ctx.live_tables);
	CHECK(!pt_range_mapped(&s.pt, 0, ~0ULL), "%s: still mapped", rs->what);

	/* The same again. */
	ret = sem_map(&s, b, pa, b + 2 * g, prot, s.pt.cfg.pgsize_bitmap,
		      &mapped);
	CHECK(!ret && mapped == b + 2 * g, "%s: remap: %s", rs->what,
	      th_errname(ret));
	sem_walk_ok(&s, b, pa, b, prot);
	sem_walk_ok(&s, 2 * b + g + 0x10, pa + b + g + 0x10, g, prot);
	CHECK(host_check_tree(&s.pt, &s.ctx), "%s: tree", rs->what);
	ret = sem_unmap(&s, b, b + 2 * g, &unmapped);
	CHECK(!ret && unmapped == b + 2 * g, "%s: unmap all: %s", rs->what,
	      th_errname(ret));
	CHECK(s.ctx.live_tables == 1, "%s: %ld tables left", rs->what,
	      s.ctx.live_tables);
	/* Outside the input range. */
	if (rs->ias < 64) {
		struct pt_walk_result res;

		CHECK_INT(pt_walk(&s.pt, 1ULL << rs->ias, &res), -EINVAL,
			  rs->what);
	}
	sem_free(&s);
}

static void sem_all_page_sizes(void)
{
	unsigned int i;

	for (i = 0; i < TH_ARRAY_SIZE(ref_spaces); i++)
		sem_page_sizes(&ref_spaces[i]);
}

static void sem_all_overlap_unmap(void)
{
	unsigned int i;

	for (i = 0; i < TH_ARRAY_SIZE(ref_spaces); i++)
		sem_overlap_unmap(&ref_spaces[i]);
}

/*
 * A run of contiguous entries written by the engine: every entry of it
 * carries the hint and its own address; a walk anywhere in it sees the
 * whole run; a walk of the raw entries without the hint still agrees on
 * the address.
 */
static void sem_contiguous_entries(void)
{
	static const struct ref_space *spaces[] = {
		&ref_spaces[1], &ref_spaces[3], &ref_spaces[13],
	};
	unsigned int i, e, nr;
	struct sem s;

	for (i = 0; i < TH_ARRAY_SIZE(spaces); i++) {
		const struct ref_space *rs = spaces[i];
		u64 g = 1ULL << rs->granule, run, pa = 0x40000000, mapped;
		const u64 *table;
		struct pt_walk_result res;

		if (!sem_new(&s, rs, true))
			continue;
		/* The smallest run: the last level's contiguous size. */
		run = s.pt.cfg.lvl[0].pgsizes & ~g;
		nr = run / g;
		CHECK_INT(sem_map(&s, run, pa, run, R | W, run, &mapped), 0,
			  rs->what);
		CHECK(!pt_walk(&s.pt, run, &res), "%s: walk", rs->what);
		table = pt_phys_to_virt(res.entries[res.nr_entries - 2] &
					0xfffffffff000ULL &
					~(g - 1));
		for (e = 0; e < nr; e++) {
			u64 pte = table[(run / g + e) & ((g / 8) - 1)];

			CHECK(pte & BIT_ULL(52), "%s: entry %u without hint",
			      rs->what, e);
			CHECK_EQ(pte & 0xfffffffff000ULL & ~(g - 1),
				 pa + e * g, rs->what);
			sem_walk_ok(&s, run + e * g + 3, pa + e * g + 3, run,
				    R | W);
		}
		sem_free(&s);
	}
}

static const struct th_test arm_tests[] = {
	TH_TEST(s2_golden_leaves),
	TH_TEST(mali_golden_leaves),
	TH_TEST(s2_mali_table_entries),
	TH_TEST(s2_mali_kinds),
	TH_TEST(s2_mali_decode),
	TH_TEST(s2_mali_prot_round_trip),
	TH_TEST(s2_geometry),
	TH_TEST(mali_geometry_regs),
	TH_TEST(s2_mali_params),
	TH_TEST(sem_all_page_sizes),
	TH_TEST(sem_all_overlap_unmap),
	TH_TEST(sem_contiguous_entries),
};

int main(int argc, char **argv)
{
	return th_main("test_fmt_arm_s2", arm_tests, TH_ARRAY_SIZE(arm_tests),
		       argc, argv);
}
