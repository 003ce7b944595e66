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

#include "arm_ref.h"

static const struct pt_format *s2 = &pt_fmt_arm64_lpae_s2;
static const struct pt_format *mali = &pt_fmt_arm_mali_lpae;

static bool fmt_cfg(const struct pt_format *fmt, struct pt_cfg *cfg,
		    u32 granule, u32 ias, u32 oas)
{
	return fc_cfg(cfg, fmt, granule, ias, oas);
}

static const struct fc_golden s2_golden[] = {
	/*
	 * 0x3 page | 0x3c MemAttr 0xf (CACHE) | 0xc0 S2AP RW | 0x300 SH
	 * inner | 0x400 AF = 0x7ff; XN 0x0040000000000000; OA 0x12345000.
	 */
	{ "4K page RW cached", { .granule_shift = 12, .ias = 48, .oas = 48 }, 0,
	  0x12345000, SZ_4K, R | W | CACHE, 0x00400000123457ffULL, 0x12345000 },
	/*
	 * Write-only, which stage 1 cannot express: 0x1 block | 0x14 MemAttr
	 * 0x5 (normal NC) | 0x80 S2AP write | 0x200 SH outer | 0x400 AF =
	 * 0x695; XN; OA 0x40200000.
	 */
	{ "2M block write-only", { .granule_shift = 12, .ias = 48, .oas = 48 },
	  1, 0x40200000, SZ_2M, W, 0x0040000040200695ULL, 0x40200000 },
	/*
	 * 0x1 | 0x4 MemAttr 0x1 (device-nGnRE) | 0x40 S2AP read | 0x200 |
	 * 0x400 = 0x645; EXEC: no XN; OA 0x8040000000 (bits 47:30).
	 */
	{ "1G block RO executable device",
	  { .granule_shift = 12, .ias = 48, .oas = 48 }, 2, 0x8040000000ULL,
	  SZ_1G, R | X | MMIO, 0x0000008040000645ULL, 0x8040000000ULL },
	/* 0x3 | 0x14 | 0xc0 | 0x200 | 0x400 = 0x6d7; no XN; OA 0x1000. */
	{ "4K page RWX non-cacheable",
	  { .granule_shift = 12, .ias = 48, .oas = 48 }, 0, 0x1000, SZ_4K,
	  R | W | X, 0x00000000000016d7ULL, 0x1000 },
	/*
	 * The fourth 4K page of a 64K run of 16: 0x7ff as above; XN |
	 * Contiguous 0x0050000000000000; OA 0x10003000, run at 0x10000000.
	 */
	{ "4K page in a 64K contiguous run",
	  { .granule_shift = 12, .ias = 48, .oas = 48 }, 0, 0x10003000, SZ_64K,
	  R | W | CACHE, 0x00500000100037ffULL, 0x10000000 },
	/* 16K granule: 0x3 | 0x14 | 0x40 | 0x200 | 0x400 = 0x657; XN. */
	{ "16K page RO", { .granule_shift = 14, .ias = 48, .oas = 48 }, 0,
	  0x12344000, SZ_16K, R, 0x0040000012344657ULL, 0x12344000 },
	/*
	 * 16K granule, the last 32M block of a 1G run of 32 at 0x400000000
	 * (0x400000000 + 31 * 32M = 0x43e000000): 0x1 | 0x14 | 0xc0 | 0x200 |
	 * 0x400 = 0x6d5; XN | Contiguous 0x0050000000000000.
	 */
	{ "32M block in a 1G contiguous run",
	  { .granule_shift = 14, .ias = 48, .oas = 48 }, 1, 0x43e000000ULL,
	  SZ_1G, R | W, 0x005000043e0006d5ULL, 0x400000000ULL },
	/*
	 * 64K granule, 52-bit output: PA 0x000a123456780000 -> bits 47:16
	 * in place, 51:48 (0xa) in 15:12 (0xa000); 0x7ff; no XN.
	 */
	{ "64K page above 48-bit PA",
	  { .granule_shift = 16, .ias = 52, .oas = 52 }, 0,
	  0x000a123456780000ULL, SZ_64K, R | W | X | CACHE,
	  0x000012345678a7ffULL, 0x000a123456780000ULL },
	/* 0x1 | 0x4 | 0xc0 | 0x200 | 0x400 = 0x6c5; XN; OA 0x20000000. */
	{ "512M block RW device", { .granule_shift = 16, .ias = 48, .oas = 48 },
	  1, 0x20000000, SZ_512M, R | W | MMIO, 0x00400000200006c5ULL,
	  0x20000000 },
	/* A 4T block at Arm level 1: 0x1 | 0x14 | 0x40 | 0x200 | 0x400. */
	{ "4T block", { .granule_shift = 16, .ias = 52, .oas = 52 }, 2,
	  0x0001040000000000ULL, SZ_4T, R, 0x0040040000001655ULL,
	  0x0001040000000000ULL },
};

static const struct fc_golden mali_golden[] = {
	/*
	 * 0x1 ATE | 0x4 AttrIndx 1 (write-alloc) | 0x40 read | 0x80 write |
	 * 0x200 SH outer = 0x2c5, no AF; XN bits 54:53 0x0060000000000000.
	 */
	{ "4K page RW cached", { .granule_shift = 12, .ias = 48, .oas = 40 }, 0,
	  0x12345000, SZ_4K, R | W | CACHE, 0x00600000123452c5ULL, 0x12345000 },
	/* 0x1 | AttrIndx 0 | 0x40 | 0x200 = 0x241; XN; OA 0x40200000. */
	{ "2M block RO", { .granule_shift = 12, .ias = 48, .oas = 40 }, 1,
	  0x40200000, SZ_2M, R, 0x0060000040200241ULL, 0x40200000 },
	/*
	 * Write-only executable device memory: 0x1 | 0x8 AttrIndx 2 | 0x80 |
	 * 0x200 = 0x289; no XN; OA 0x8040000000 (< 2^40).
	 */
	{ "1G block write-only executable device",
	  { .granule_shift = 12, .ias = 48, .oas = 40 }, 2, 0x8040000000ULL,
	  SZ_1G, W | X | MMIO, 0x0000008040000289ULL, 0x8040000000ULL },
	/* The top of a 40-bit output space: 0x1 | 0x40 | 0x80 | 0x200. */
	{ "4K page RWX at the top of 40-bit PA",
	  { .granule_shift = 12, .ias = 48, .oas = 40 }, 0, 0xfffffff000ULL,
	  SZ_4K, R | W | X, 0x000000fffffff2c1ULL, 0xfffffff000ULL },
	/* A 32-bit input space still walks 4 levels; 36-bit output. */
	{ "4K page, 32-bit input",
	  { .granule_shift = 12, .ias = 32, .oas = 36 }, 0, 0xfff000000ULL,
	  SZ_4K, R, 0x0060000fff000241ULL, 0xfff000000ULL },
};

static void s2_golden_leaves(void)
{
	fc_golden(&arm_s2, s2_golden, TH_ARRAY_SIZE(s2_golden));
}

static void mali_golden_leaves(void)
{
	fc_golden(&arm_mali, mali_golden, TH_ARRAY_SIZE(mali_golden));
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
		CHECK_KIND(&c4, level, 0x12345003, PT_ENTRY_TABLE,
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
		CHECK_KIND(&cm, level, 0x12345003, PT_ENTRY_TABLE,
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
	CHECK_KIND(&c4, 0, 0x12345003, PT_ENTRY_LEAF, "s2 page");
	CHECK_KIND(&c4, 0, 0x12345001, PT_ENTRY_EMPTY, "s2 last level 0b01");
	CHECK_KIND(&c4, 1, 0x40200001, PT_ENTRY_LEAF, "s2 2M block");
	CHECK_KIND(&c4, 2, 0x40000001, PT_ENTRY_LEAF, "s2 1G block");
	CHECK_KIND(&c4, 3, 0x8000000001ULL, PT_ENTRY_EMPTY, "s2 512G block");
	CHECK_KIND(&c16, 2, 0x1000000001ULL, PT_ENTRY_EMPTY,
		   "s2 16K 64G block");
	CHECK_KIND(&cm, 0, 0x12345001, PT_ENTRY_LEAF, "Mali page 0b01");
	CHECK_KIND(&cm, 0, 0x12345003, PT_ENTRY_EMPTY, "Mali last level 0b11");
	CHECK_KIND(&cm, 1, 0x40200001, PT_ENTRY_LEAF, "Mali 2M block");
	CHECK_KIND(&cm, 2, 0x40000001, PT_ENTRY_LEAF, "Mali 1G block");
	CHECK_KIND(&cm, 3, 0x8000000001ULL, PT_ENTRY_EMPTY, "Mali 512G block");
	for (level = 0; level < 4; level++) {
		CHECK_KIND(&c4, level, 0, PT_ENTRY_EMPTY, "zero");
		CHECK_KIND(&c4, level, 0x12345002, PT_ENTRY_EMPTY, "0b10");
		CHECK_KIND(&cm, level, 0, PT_ENTRY_EMPTY, "zero");
		CHECK_KIND(&cm, level, 0x12345002, PT_ENTRY_EMPTY,
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
	CHECK_EQ(mali->leaf_size(&cm, 0, 0x00700000123452c5ULL), SZ_4K,
		 "Mali leaves are one entry");
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
		const struct fc_fmt *f;
		u32 granule, ias, oas;
		u64 pa;
	} spaces[] = {
		{ &arm_s2, 12, 48, 48, 0x8040000000ULL },
		{ &arm_s2, 14, 48, 48, 0x8040000000ULL },
		{ &arm_s2, 16, 52, 52, 0x000b008000000000ULL },
		{ &arm_s2, 12, 40, 40, 0x8040000000ULL },	/* concatenated */
		{ &arm_mali, 12, 48, 40, 0x8040000000ULL },
	};
	unsigned int i;

	for (i = 0; i < TH_ARRAY_SIZE(spaces); i++)
		fc_prot_round_trip(spaces[i].f, &(struct pt_params){
					.granule_shift = spaces[i].granule,
					.ias = spaces[i].ias,
					.oas = spaces[i].oas },
				   spaces[i].pa, R | W | X | CACHE | MMIO);
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
	struct pt_hw_regs regs;
	struct fc_tree t;
	struct pt_cfg cfg;

	for (geo = s2_geometries;
	     geo < s2_geometries + TH_ARRAY_SIZE(s2_geometries); geo++) {
		struct pt_params params = {
			.granule_shift = geo->granule, .ias = geo->ias,
			.oas = geo->oas,
		};

		if (!fmt_cfg(s2, &cfg, geo->granule, geo->ias, geo->oas))
			continue;
		CHECK_INT(cfg.levels, geo->levels, "levels");
		/* The top table holds the concatenated ones. */
		fc_levels(&cfg, geo->granule, geo->top_index_bits);
		if (!fc_new(&t, &arm_s2, &params))
			continue;
		s2->regs(&cfg, pt_root_pa(&t.pt), &regs);
		CHECK_EQ(regs.tcr, geo->vtcr, "VTCR");
		CHECK_EQ(regs.ttbr, pt_root_pa(&t.pt), "VTTBR");
		CHECK_EQ(regs.mair, 0, "no MAIR at stage 2");
		/* Concatenated tables are aligned to their total size. */
		CHECK(!(pt_root_pa(&t.pt) &
			(pt_table_bytes(&cfg, cfg.levels - 1) - 1)),
		      "root alignment");
		s2_vtcr_consistent(geo, regs.tcr);
		fc_free(&t);
	}
	/* VTTBR BADDR with FEAT_LPA: 0x000a000012340000 -> 0x12340000 | 0x28. */
	if (fmt_cfg(s2, &cfg, 16, 52, 52)) {
		s2->regs(&cfg, 0x000a000012340000ULL, &regs);
		CHECK_EQ(regs.ttbr, 0x0000000012340028ULL, "VTTBR above 48 bits");
	}
	/* Everything defaulted: 4K, 48 bits in and out, as stage 1. */
	fc_defaults(s2, 12, 48, 48, 0x40201000, 4);
	fc_identity(s2, PTLAB_FMT_ARM64_LPAE_S2, "arm64-lpae-s2");
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
	unsigned int i;

	for (i = 0; i < TH_ARRAY_SIZE(inputs); i++) {
		if (!fmt_cfg(mali, &cfg, 0, inputs[i], 0))
			continue;
		CHECK_INT(cfg.levels, 4, "Mali levels");
		CHECK_INT(cfg.oas, 40, "Mali default oas");
		CHECK_INT(cfg.granule_shift, 12, "Mali granule");
		/* 4K tables of 512 entries, the top one too. */
		fc_levels(&cfg, 12, 9);
		CHECK_EQ(cfg.pgsize_bitmap, 0x40201000, "Mali page sizes");
		CHECK_EQ(cfg.lvl[0].pgsizes | cfg.lvl[1].pgsizes |
			 cfg.lvl[2].pgsizes | cfg.lvl[3].pgsizes, 0x40201000,
			 "Mali leaf sizes");
		mali->regs(&cfg, 0x12345000, &regs);
		CHECK_EQ(regs.ttbr, 0x12345017, "AS_TRANSTAB");
		CHECK_EQ(regs.tcr, 0, "no TCR");
		CHECK_EQ(regs.mair, 0x888d88, "AS_MEMATTR");
	}
	fc_identity(mali, PTLAB_FMT_ARM_MALI_LPAE, "arm-mali-lpae");
}

static const struct fc_param s2_bad[] = {
	{ { .granule_shift = 13 }, -EOPNOTSUPP, "s2 8K granule" },
	{ { .granule_shift = ~0U }, -EOPNOTSUPP, "s2 granule ~0" },
	{ { .ias = 31 }, -EINVAL, "s2 ias 31" },
	{ { .ias = 49 }, -EINVAL, "s2 ias 49" },
	{ { .ias = ~0U }, -EINVAL, "s2 ias ~0" },
	{ { .granule_shift = 14, .ias = 52 }, -EINVAL, "s2 16K ias 52" },
	{ { .granule_shift = 16, .ias = 53 }, -EINVAL, "s2 64K ias 53" },
	{ { .oas = 45 }, -EINVAL, "s2 oas 45" },
	{ { .oas = 52 }, -EINVAL, "s2 4K oas 52" },
	{ { .oas = ~0U }, -EINVAL, "s2 oas ~0" },
	/* Level 0 refused below 44 bits, 32 entries too many to join. */
	{ { .ias = 44, .oas = 40 }, -EINVAL, "s2 4K ias 44 oas 40" },
	{ { .ias = 48, .oas = 42 }, -EINVAL, "s2 4K ias 48 oas 42" },
	{ { .oas = 32 }, -EINVAL, "s2 4K ias 48 oas 32" },
	/* 16K: level 0 refused, level 1 refused below 42 bits. */
	{ { .granule_shift = 14, .ias = 48, .oas = 40 }, -EINVAL,
	  "s2 16K ias 48 oas 40" },
	{ { .granule_shift = 14, .ias = 41, .oas = 40 }, -EINVAL,
	  "s2 16K ias 41 oas 40 (32 tables)" },
	/* 64K level 1 refused below 44 bits: 32 tables at level 2. */
	{ { .granule_shift = 16, .ias = 47, .oas = 42 }, -EINVAL,
	  "s2 64K ias 47 oas 42" },
	{ { .pgsize_bitmap = SZ_2M }, -EINVAL, "s2 2M without 4K" },
	{ { .pgsize_bitmap = SZ_4K | 512 * SZ_1G }, -EINVAL,
	  "s2 512G" },
	{ { .granule_shift = 16, .pgsize_bitmap = SZ_64K | SZ_4T },
	  -EINVAL, "s2 4T with 48-bit output" },
};

static const struct fc_param mali_bad[] = {
	{ { .granule_shift = 14 }, -EOPNOTSUPP, "Mali 16K granule" },
	{ { .granule_shift = 16 }, -EOPNOTSUPP, "Mali 64K granule" },
	{ { .granule_shift = 13 }, -EOPNOTSUPP, "Mali 8K granule" },
	{ { .ias = 31 }, -EINVAL, "Mali ias 31" },
	{ { .ias = 49 }, -EINVAL, "Mali ias 49" },
	{ { .ias = ~0U }, -EINVAL, "Mali ias ~0" },
	{ { .oas = 41 }, -EINVAL, "Mali oas 41" },
	{ { .oas = 48 }, -EINVAL, "Mali oas 48" },
	{ { .oas = 31 }, -EINVAL, "Mali oas 31" },
	{ { .pgsize_bitmap = SZ_4K | SZ_64K }, -EINVAL,
	  "Mali has no contiguous runs" },
	{ { .pgsize_bitmap = SZ_4K | 512 * SZ_1G }, -EINVAL,
	  "Mali 512G" },
	{ { .pgsize_bitmap = SZ_2M | SZ_1G }, -EINVAL,
	  "Mali without 4K" },
};

static const struct fc_param s2_good[] = {
	{ { .granule_shift = 12 }, 0, "s2 4K" },
	{ { .granule_shift = 14 }, 0, "s2 16K" },
	{ { .granule_shift = 16 }, 0, "s2 64K" },
	{ { .granule_shift = 16, .ias = 52, .oas = 52 }, 0,
	  "s2 64K 52 bits" },
	{ { .ias = 43, .oas = 40 }, 0, "s2 4K ias 43 oas 40 (16 tables)" },
	{ { .ias = 32, .oas = 32 }, 0, "s2 ias 32 oas 32" },
	{ { .pgsize_bitmap = SZ_4K | SZ_64K | SZ_2M | SZ_32M | SZ_1G |
		 SZ_16G }, 0, "s2 4K every size" },
};

static const struct fc_param mali_good[] = {
	{ { .oas = 33 }, 0, "Mali oas 33" },
	{ { .ias = 39, .oas = 32 }, 0, "Mali ias 39 oas 32" },
	{ { .pgsize_bitmap = SZ_4K | SZ_1G }, 0, "Mali 4K and 1G" },
};

static void s2_mali_params(void)
{
	fc_params(s2, s2_bad, TH_ARRAY_SIZE(s2_bad));
	fc_params(mali, mali_bad, TH_ARRAY_SIZE(mali_bad));
	fc_params(s2, s2_good, TH_ARRAY_SIZE(s2_good));
	fc_params(mali, mali_good, TH_ARRAY_SIZE(mali_good));
}

/* A tree for @rs with every leaf size (@all) or the default ones. */
static bool arm_new(struct fc_tree *t, const struct arm_ref_space *rs,
		    bool all)
{
	struct pt_params p = {
		.granule_shift = rs->granule, .ias = rs->ias, .oas = rs->oas,
		.quirks = rs->quirks,
	};
	struct pt_cfg cfg;
	u64 sizes = 0;
	unsigned int l;

	if (all) {
		if (!CHECK_INT(pt_cfg_init(&cfg, arm_ref_fmt(rs)->fmt, &p), 0,
			       rs->what))
			return false;
		for (l = 0; l < cfg.levels; l++)
			sizes |= cfg.lvl[l].pgsizes;
	}
	return arm_ref_new(t, arm_ref_fmt(rs), rs, sizes);
}

/* Prots each variant maps with, all valid for it. */
static u32 arm_prot(const struct arm_ref_space *rs, unsigned int k)
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
static void arm_page_sizes(const struct arm_ref_space *rs)
{
	struct fc_list list;
	struct fc_tree t;
	u64 sizes, size, top = 1ULL << rs->ias, pa_top = 1ULL << rs->oas;
	u64 iova[3], pa[3], mapped, unmapped;
	unsigned int n, k, o;
	int ret;

	if (!arm_new(&t, rs, true))
		return;
	sizes = t.pt.cfg.pgsize_bitmap;
	fc_free(&t);
	for (; sizes; sizes &= sizes - 1) {
		size = sizes & -sizes;
		if (!arm_new(&t, rs, true))
			return;
		n = 0;
		iova[n++] = 0;
		if (3 * size <= top - size)
			iova[n++] = 2 * size;
		iova[n++] = top - size;
		for (k = 0; k < n; k++) {
			pa[k] = pa_top - (k + 1) * size;
			ret = fc_map_sizes(&t, iova[k], pa[k], size,
					   arm_prot(rs, k), size, &mapped);
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

				fc_walk_expect(&t, iova[k] + off, pa[k] + off,
					       size, arm_prot(rs, k));
			}
		}
		ret = fc_list(&t, 0, ~0ULL, &list);
		CHECK(!ret && list.nr == n, "%s: %zu leaves listed, %u mapped",
		      rs->what, list.nr, n);
		for (k = 0; k < n && k < list.nr; k++)
			CHECK(list.leaf[k].iova == iova[k] &&
			      list.leaf[k].pa == pa[k] &&
			      list.leaf[k].size == size &&
			      list.leaf[k].prot == arm_prot(rs, k),
			      "%s: leaf %u iova %#llx pa %#llx size %#llx",
			      rs->what, k,
			      (unsigned long long)list.leaf[k].iova,
			      (unsigned long long)list.leaf[k].pa,
			      (unsigned long long)list.leaf[k].size);
		fc_list_fini(&list);
		CHECK(host_check_tree(&t.pt, &t.ctx), "%s: tree", rs->what);
		for (k = 0; k < n; k++) {
			ret = fc_unmap(&t, iova[k], size, &unmapped);
			CHECK(!ret && unmapped == size,
			      "%s: unmap %#llx: %s, %#llx", rs->what,
			      (unsigned long long)iova[k], th_errname(ret),
			      (unsigned long long)unmapped);
		}
		CHECK(t.ctx.live_tables == 1, "%s: %ld tables after unmap",
		      rs->what, t.ctx.live_tables);
		fc_free(&t);
	}
}

/*
 * With the default sizes: a block B and two pages after it; overlaps are
 * refused with nothing changed; unmap stops at holes, refuses to start
 * inside B and removes B whole when ending inside it; the tables go when
 * empty; the same range maps again.
 */
static void arm_overlap_unmap(const struct arm_ref_space *rs)
{
	struct fc_list before, after;
	struct fc_tree t;
	u64 g, b, pa, mapped, unmapped;
	u32 prot = arm_prot(rs, 0);
	long tables;
	int ret;

	if (!arm_new(&t, rs, false))
		return;
	g = 1ULL << rs->granule;
	b = 1ULL << t.pt.cfg.lvl[1].shift;
	pa = 3 * b;
	ret = fc_map_sizes(&t, b, pa, b + 2 * g, prot, t.pt.cfg.pgsize_bitmap,
			   &mapped);
	CHECK(!ret && mapped == b + 2 * g, "%s: map: %s", rs->what,
	      th_errname(ret));
	fc_walk_expect(&t, b + g + 4, pa + g + 4, b, prot);
	fc_walk_expect(&t, 2 * b + g, pa + b + g, g, prot);
	CHECK(!fc_list(&t, 0, ~0ULL, &before) && before.nr == 3,
	      "%s: 3 leaves", rs->what);
	tables = t.ctx.live_tables;

	/* Inside the block, over the pages' table, over a page. */
	ret = fc_map_sizes(&t, b + g, 0, g, prot, t.pt.cfg.pgsize_bitmap,
			   &mapped);
	CHECK(ret == -EADDRINUSE && !mapped, "%s: map in a block: %s",
	      rs->what, th_errname(ret));
	ret = fc_map_sizes(&t, 2 * b, 0, b, prot, b, &mapped);
	CHECK(ret == -EADDRINUSE && !mapped, "%s: block over a table: %s",
	      rs->what, th_errname(ret));
	ret = fc_map_sizes(&t, 2 * b + g, 0, g, prot, g, &mapped);
	CHECK(ret == -EADDRINUSE && !mapped, "%s: page over a page: %s",
	      rs->what, th_errname(ret));
	CHECK(!fc_list(&t, 0, ~0ULL, &after) && fc_same_list(&before, &after) &&
	      t.ctx.live_tables == tables, "%s: a refused map changed things",
	      rs->what);
	fc_list_fini(&after);

	/* Starting inside B: refused, nothing changed. */
	ret = fc_unmap(&t, b + g, g, &unmapped);
	CHECK(ret == -EINVAL && !unmapped, "%s: unmap inside a block: %s",
	      rs->what, th_errname(ret));
	CHECK(!fc_list(&t, 0, ~0ULL, &after) && fc_same_list(&before, &after),
	      "%s: a refused unmap changed things", rs->what);
	fc_list_fini(&after);
	fc_list_fini(&before);
	/* A hole: nothing there. */
	ret = fc_unmap(&t, 2 * b + 2 * g, g, &unmapped);
	CHECK(ret == -ENOENT && !unmapped, "%s: unmap a hole: %s", rs->what,
	      th_errname(ret));
	/* Two pages, then the hole stops it. */
	ret = fc_unmap(&t, 2 * b, 3 * g, &unmapped);
	CHECK(!ret && unmapped == 2 * g, "%s: unmap up to a hole: %s, %#llx",
	      rs->what, th_errname(ret), (unsigned long long)unmapped);
	/* Ending inside B removes all of it. */
	ret = fc_unmap(&t, b, g, &unmapped);
	CHECK(!ret && unmapped == b, "%s: unmap ending in a block: %s, %#llx",
	      rs->what, th_errname(ret), (unsigned long long)unmapped);
	CHECK(t.ctx.live_tables == 1, "%s: %ld tables left", rs->what,
	      t.ctx.live_tables);
	CHECK(!pt_range_mapped(&t.pt, 0, ~0ULL), "%s: still mapped", rs->what);

	/* The same again. */
	ret = fc_map_sizes(&t, b, pa, b + 2 * g, prot, t.pt.cfg.pgsize_bitmap,
			   &mapped);
	CHECK(!ret && mapped == b + 2 * g, "%s: remap: %s", rs->what,
	      th_errname(ret));
	fc_walk_expect(&t, b, pa, b, prot);
	fc_walk_expect(&t, 2 * b + g + 0x10, pa + b + g + 0x10, g, prot);
	CHECK(host_check_tree(&t.pt, &t.ctx), "%s: tree", rs->what);
	ret = fc_unmap(&t, b, b + 2 * g, &unmapped);
	CHECK(!ret && unmapped == b + 2 * g, "%s: unmap all: %s", rs->what,
	      th_errname(ret));
	CHECK(t.ctx.live_tables == 1, "%s: %ld tables left", rs->what,
	      t.ctx.live_tables);
	/* Outside the input range. */
	if (rs->ias < 64) {
		struct pt_walk_result res;

		CHECK_INT(pt_walk(&t.pt, 1ULL << rs->ias, &res), -EINVAL,
			  rs->what);
	}
	fc_free(&t);
}

/*
 * These and the engine-semantics suite place their IOVAs from 0: the upper
 * (TTBR1) ranges have their own tests (test_fmt_arm_quirks.c, and the
 * randomized ones of ref_spaces.c).
 */
static bool arm_from_zero(const struct arm_ref_space *rs)
{
	return !(rs->quirks & PT_QUIRK_ARM_TTBR1);
}

static void sem_all_page_sizes(void)
{
	unsigned int i;

	for (i = 0; i < ARM_NR_REF_SPACES; i++)
		if (arm_from_zero(&arm_ref_spaces[i]))
			arm_page_sizes(&arm_ref_spaces[i]);
}

static void sem_all_overlap_unmap(void)
{
	unsigned int i;

	for (i = 0; i < ARM_NR_REF_SPACES; i++)
		if (arm_from_zero(&arm_ref_spaces[i]))
			arm_overlap_unmap(&arm_ref_spaces[i]);
}

/*
 * A run of contiguous entries written by the engine: every entry of it
 * carries the hint and its own address; a walk anywhere in it sees the
 * whole run; a walk of the raw entries without the hint still agrees on
 * the address.
 */
static void sem_contiguous_entries(void)
{
	static const struct arm_ref_space *spaces[] = {
		&arm_ref_spaces[ARM_S1_16K_48], &arm_ref_spaces[ARM_S1_64K_48],
		&arm_ref_spaces[ARM_S2_16K_40_40],
	};
	unsigned int i, e, nr;
	struct fc_tree t;

	for (i = 0; i < TH_ARRAY_SIZE(spaces); i++) {
		const struct arm_ref_space *rs = spaces[i];
		u64 g = 1ULL << rs->granule, run, pa = 0x40000000, mapped;
		const u64 *table;
		struct pt_walk_result res;

		if (!arm_new(&t, rs, true))
			continue;
		/* The smallest run: the last level's contiguous size. */
		run = t.pt.cfg.lvl[0].pgsizes & ~g;
		nr = run / g;
		CHECK_INT(fc_map_sizes(&t, run, pa, run, R | W, run, &mapped),
			  0, rs->what);
		CHECK(!pt_walk(&t.pt, run, &res), "%s: walk", rs->what);
		table = pt_phys_to_virt(res.entries[res.nr_entries - 2] &
					0xfffffffff000ULL &
					~(g - 1));
		for (e = 0; e < nr; e++) {
			u64 pte = table[(run / g + e) & ((g / 8) - 1)];

			CHECK(pte & BIT_ULL(52), "%s: entry %u without hint",
			      rs->what, e);
			CHECK_EQ(pte & 0xfffffffff000ULL & ~(g - 1),
				 pa + e * g, rs->what);
			fc_walk_expect(&t, run + e * g + 3, pa + e * g + 3, run,
				       R | W);
		}
		fc_free(&t);
	}
}

/*
 * The engine-semantics suite of the format tests (fmt_check.c) in every
 * space: all of it with 4K pages and room for it, else the scenarios that
 * take their sizes from the tree.
 */
static void sem_suite(void)
{
	unsigned int i;

	for (i = 0; i < ARM_NR_REF_SPACES; i++) {
		const struct arm_ref_space *rs = &arm_ref_spaces[i];
		struct fc_fmt f = *arm_ref_fmt(rs);
		struct pt_params params = {
			.granule_shift = rs->granule, .ias = rs->ias,
			.oas = rs->oas, .quirks = rs->quirks,
		};

		if (!arm_from_zero(rs))
			continue;
		f.ref = rs;
		if (rs->granule == 12 && rs->ias > 32)
			fc_sem_all(&f, &params);
		else
			fc_sem_sizes(&f, &params);
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
	TH_TEST(sem_suite),
};

int main(int argc, char **argv)
{
	return th_main("test_fmt_arm_s2", arm_tests, TH_ARRAY_SIZE(arm_tests),
		       argc, argv);
}
