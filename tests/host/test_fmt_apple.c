// SPDX-License-Identifier: GPL-2.0
/*
 * The Apple DART (pt_fmt_apple_dart) and UAT (pt_fmt_apple_uat) formats.
 * Apple documents neither; the golden values are worked out by hand from
 * the facts the Linux drivers rely on (drivers/iommu/io-pgtable-dart.c and
 * apple-dart.c; the Asahi GPU driver's pgtable.rs and mmu.rs), restated
 * here:
 *
 * DART, 16KB granule, 2048 8-byte entries per table, bit 0 valid:
 *   DART1 (t8020, oas 36): address in place, bits 35:12; NO_READ bit 8
 *   (0x100), NO_WRITE bit 7 (0x80), subpage-protection disable bit 1 (0x2).
 *   DART2 (t6000/t8110, oas 42): address >> 4 in bits 37:10; NO_READ bit 3
 *   (0x8), NO_WRITE bit 2 (0x4), NO_CACHE bit 1 (0x2).
 *   Leaves: subpage window start bits 63:52 = 0, end bits 51:40 = 0xfff
 *   (0x000fff0000000000). Tables: address | valid.
 *   t8020 TTBR = BIT(31) | pa >> 12, TCR enable BIT(7); t8110 TTBR =
 *   (pa >> 14) << 2 | BIT(0), TCR enable BIT(0), four-level walk BIT(3).
 * UAT, 16KB granule, 3 levels for 39 bits: tables and pages 0b11, address
 *   bits oas-1:14; AttrIndx bits 4:2 (0 cached, 1 device 0x4, 2 uncached
 *   0x8); AP bits 7:6 (1 firmware 0x40, 2 GPU 0x80); AF bit 10 (0x400); nG
 *   bit 11 (0x800); PXN bit 53 (0x0020000000000000), UXN bit 54
 *   (0x0040000000000000), GPU access bit 55 (0x0080000000000000).
 *   GPU: RO UXN 0 PXN 0, WO PXN, RW UXN. Firmware: RO none, RW UXN.
 *   TTBR = root | BIT(0) valid (ASID in bits 63:48).
 *
 * Engine levels: 0 is the last-level table.
 */
#include "ref.h"

static const struct pt_format *dart = &pt_fmt_apple_dart;
static const struct pt_format *uat = &pt_fmt_apple_uat;

/* 16K pages of the given output size. */
static const struct fc_golden dart_golden[] = {
	/* DART1: 0x812344000 | APPLE_SP_ALL | SP_DIS 0x2 | valid 0x1. */
	{ "DART1 RW", { .oas = 36 }, 0, 0x812344000ULL, 0, RW,
	  0x000fff0812344003ULL, 0 },
	/* ... | NO_WRITE 0x80. */
	{ "DART1 RO", { .oas = 36 }, 0, 0x812344000ULL, 0, R,
	  0x000fff0812344083ULL, 0 },
	/* ... | NO_READ 0x100. */
	{ "DART1 WO", { .oas = 36 }, 0, 0x812344000ULL, 0, W,
	  0x000fff0812344103ULL, 0 },
	/* The last 16KB page of 64GB: bits 35:14 all set. */
	{ "DART1 top of PA", { .oas = 36 }, 0, 0xfffffc000ULL, 0, RW,
	  0x000fff0fffffc003ULL, 0 },
	/* DART2: 0x2a812344000 >> 4 = 0x2a81234400 | APPLE_SP_ALL | valid. */
	{ "DART2 RW cached", { .oas = 42 }, 0, 0x2a812344000ULL, 0, RW | CACHE,
	  0x000fff2a81234401ULL, 0 },
	/* ... | NO_CACHE 0x2. */
	{ "DART2 RW", { .oas = 42 }, 0, 0x2a812344000ULL, 0, RW,
	  0x000fff2a81234403ULL, 0 },
	/* ... | NO_WRITE 0x4 | NO_CACHE 0x2. */
	{ "DART2 RO", { .oas = 42 }, 0, 0x2a812344000ULL, 0, R,
	  0x000fff2a81234407ULL, 0 },
	/* ... | NO_READ 0x8. */
	{ "DART2 WO cached", { .oas = 42 }, 0, 0x2a812344000ULL, 0, W | CACHE,
	  0x000fff2a81234409ULL, 0 },
	{ "DART2 WO", { .oas = 42 }, 0, 0x2a812344000ULL, 0, W,
	  0x000fff2a8123440bULL, 0 },
	/* The last page of 4TB: 0x3ffffffc000 >> 4 = 0x3ffffffc00. */
	{ "DART2 top of PA", { .oas = 42 }, 0, 0x3ffffffc000ULL, 0, RW | CACHE,
	  0x000fff3ffffffc01ULL, 0 },
};

static const struct fc_golden uat_golden[] = {
	/*
	 * UAT GPU RW uncached: 0x3 | AttrIndx 2 0x8 | AP 2 0x80 | AF 0x400 |
	 * nG 0x800 = 0xc8b; GPU | UXN = 0x00c0000000000000.
	 */
	{ "UAT GPU RW", { .oas = 40 }, 0, 0x812344000ULL, 0, RW,
	  0x00c0000812344c8bULL, 0 },
	/* GPU RO cached: AttrIndx 0, no UXN/PXN: 0xc83, GPU only. */
	{ "UAT GPU RO cached", { .oas = 40 }, 0, 0x812344000ULL, 0, R | CACHE,
	  0x0080000812344c83ULL, 0 },
	/* GPU WO uncached: 0xc8b, GPU | PXN = 0x00a0000000000000. */
	{ "UAT GPU WO", { .oas = 40 }, 0, 0x812344000ULL, 0, W,
	  0x00a0000812344c8bULL, 0 },
	/* GPU RW device: AttrIndx 1 0x4: 0xc87, GPU | UXN. */
	{ "UAT GPU RW MMIO", { .oas = 40 }, 0, 0x812344000ULL, 0, RW | MMIO,
	  0x00c0000812344c87ULL, 0 },
	/* Firmware RW device: 0x3 | 0x4 | AP 1 0x40 | 0x400 | 0x800 = 0xc47. */
	{ "UAT FW RW MMIO", { .oas = 40 }, 0, 0x812344000ULL, 0,
	  RW | PRIV | MMIO, 0x00c0000812344c47ULL, 0 },
	/* Firmware RO cached: 0xc43, GPU only. */
	{ "UAT FW RO cached", { .oas = 40 }, 0, 0x812344000ULL, 0,
	  R | PRIV | CACHE, 0x0080000812344c43ULL, 0 },
	/* Firmware RW uncached: 0xc4b, GPU | UXN. */
	{ "UAT FW RW", { .oas = 40 }, 0, 0x812344000ULL, 0, RW | PRIV,
	  0x00c0000812344c4bULL, 0 },
	/* The last page of a 42-bit output space. */
	{ "UAT top of 42-bit PA", { .oas = 42 }, 0, 0x3ffffffc000ULL, 0, RW,
	  0x00c003ffffffcc8bULL, 0 },
	/* ... and of a 36-bit one. */
	{ "UAT top of 36-bit PA", { .oas = 36 }, 0, 0xfffffc000ULL, 0, RW,
	  0x00c0000fffffcc8bULL, 0 },
};

static void apple_golden_leaves(void)
{
	fc_golden(&ref_dart, dart_golden, TH_ARRAY_SIZE(dart_golden));
	fc_golden(&ref_uat, uat_golden, TH_ARRAY_SIZE(uat_golden));
	/* One entry is one leaf: its size is the span of its level. */
	CHECK_EQ(dart->leaf_size(&(struct pt_cfg){ .lvl[0].shift = 14 }, 0,
				 0x000fff0812344003ULL), SZ_16K,
		 "DART leaf_size");
	CHECK_EQ(uat->leaf_size(&(struct pt_cfg){ .lvl[1].shift = 25 }, 1,
				0x00c0000fffffcc8bULL), SZ_32M,
		 "UAT leaf_size");
}

/* Full-size DART1 and DART2 spaces, and a UAT one of output size @oas. */
static bool apple_cfgs(struct pt_cfg *d1, struct pt_cfg *d2, struct pt_cfg *u,
		       u32 oas)
{
	return fc_cfg(d1, dart, 0, 36, 36) &&
	       fc_cfg(d2, dart, 0, 42, 42) &&
	       fc_cfg(u, uat, 0, 39, oas);
}

static void apple_table_entries(void)
{
	struct pt_cfg d1, d2, u;
	unsigned int level;

	if (!apple_cfgs(&d1, &d2, &u, 40))
		return;
	/* DART1: address | valid. */
	CHECK_EQ(dart->mk_table(&d1, 1, 0x812340000ULL), 0x812340001ULL,
		 "DART1 table");
	CHECK_EQ(dart->entry_pa(&d1, 1, 0x812340001ULL), 0x812340000ULL,
		 "DART1 table address");
	CHECK_KIND(&d1, 1, 0x812340001ULL, PT_ENTRY_TABLE, "DART1 table");
	/* DART2: address >> 4 | valid, at both levels above the last. */
	for (level = 1; level < 3; level++) {
		CHECK_EQ(dart->mk_table(&d2, level, 0x2a812340000ULL),
			 0x2a81234001ULL, "DART2 table");
		CHECK_EQ(dart->entry_pa(&d2, level, 0x2a81234001ULL),
			 0x2a812340000ULL, "DART2 table address");
		CHECK_KIND(&d2, level, 0x2a81234001ULL, PT_ENTRY_TABLE,
			   "DART2 table");
	}
	/* UAT: address | 0b11 at levels 2 and 1. */
	for (level = 1; level < 3; level++) {
		CHECK_EQ(uat->mk_table(&u, level, 0x812340000ULL),
			 0x812340003ULL, "UAT table");
		CHECK_EQ(uat->entry_pa(&u, level, 0x812340003ULL),
			 0x812340000ULL, "UAT table address");
		CHECK_KIND(&u, level, 0x812340003ULL, PT_ENTRY_TABLE,
			   "UAT table");
	}
}

static void apple_kinds(void)
{
	struct pt_cfg d1, d2, u;
	unsigned int level;

	if (!apple_cfgs(&d1, &d2, &u, 40))
		return;
	for (level = 0; level < 3; level++) {
		if (level < 2) {
			CHECK_KIND(&d1, level, 0, PT_ENTRY_EMPTY, "zero");
			/* Everything but the valid bit: invalid. */
			CHECK_KIND(&d1, level, ~1ULL, PT_ENTRY_EMPTY,
				   "DART1 valid clear");
		}
		CHECK_KIND(&d2, level, 0, PT_ENTRY_EMPTY, "zero");
		CHECK_KIND(&d2, level, ~1ULL, PT_ENTRY_EMPTY,
			   "DART2 valid clear");
		CHECK_KIND(&u, level, 0, PT_ENTRY_EMPTY, "zero");
		/* 0b01 (a block at upper levels) and 0b10: invalid. */
		CHECK_KIND(&u, level, 0x812340001ULL, PT_ENTRY_EMPTY,
			   "UAT 0b01");
		CHECK_KIND(&u, level, 0x00c0000812344c8aULL, PT_ENTRY_EMPTY,
			   "UAT 0b10");
	}
	CHECK_KIND(&d1, 0, 1, PT_ENTRY_LEAF, "DART1 valid page");
	CHECK_KIND(&d2, 0, 1, PT_ENTRY_LEAF, "DART2 valid page");
	CHECK_KIND(&u, 0, 3, PT_ENTRY_LEAF, "UAT page");
}

/* Addresses never take attribute or subpage bits. */
static void apple_entry_pa_masks(void)
{
	struct pt_cfg d1, d2, u36, u42;

	if (!apple_cfgs(&d1, &d2, &u36, 36) || !fc_cfg(&u42, uat, 0, 39, 42))
		return;
	/* DART1 bits 63:36 and 13:0 set around 0x812344000. */
	CHECK_EQ(dart->entry_pa(&d1, 0, 0xfffffff812347fffULL),
		 0x812344000ULL, "DART1 page with every other bit");
	/* DART2 bits 63:38 and 9:0 set around 0x2a81234400. */
	CHECK_EQ(dart->entry_pa(&d2, 0, 0xffffffea812347ffULL),
		 0x2a812344000ULL, "DART2 page with every other bit");
	/* UAT: bits 63:oas and 13:0 are not address. */
	CHECK_EQ(uat->entry_pa(&u36, 0, 0xfffffff812347fffULL),
		 0x812344000ULL, "UAT oas 36");
	CHECK_EQ(uat->entry_pa(&u42, 0, 0xfffffd5812347fffULL),
		 0x15812344000ULL, "UAT oas 42");
}

/* UAT entries this format does not write decode as the table says. */
static void apple_uat_decode_foreign(void)
{
	static const struct {
		u64 pte;
		u32 prot;
		const char *what;
	} cases[] = {
		/* AP 0, firmware and GPU: PXN read, UXN write. */
		{ 0x00e0000812344c0bULL, RW, "FW+GPU RW" },
		{ 0x00a0000812344c0bULL, R, "FW+GPU RO" },
		{ 0x00c0000812344c0bULL, W, "FW+GPU WO" },
		{ 0x0080000812344c0bULL, 0, "FW+GPU no access" },
		/* AP 1 UXN PXN: firmware RW, GPU RO (read as firmware RW). */
		{ 0x00e0000812344c4bULL, RW | PRIV, "FW RW GPU RO" },
		{ 0x00a0000812344c4bULL, PRIV, "FW no access" },
		/* AP 2 UXN PXN: no access; AP 3 undefined. */
		{ 0x00e0000812344c8bULL, 0, "GPU no access" },
		{ 0x0080000812344ccbULL, 0, "AP 3" },
		/* AttrIndx 3..7 are neither cached nor device. */
		{ 0x0080000812344c9fULL, R, "AttrIndx 7" },
	};
	struct pt_cfg u;
	unsigned int i;

	if (!fc_cfg(&u, uat, 0, 39, 40))
		return;
	for (i = 0; i < TH_ARRAY_SIZE(cases); i++)
		CHECK_EQ(uat->leaf_prot(&u, 0, cases[i].pte), cases[i].prot,
			 cases[i].what);
}

static void apple_prot_round_trip(void)
{
	const u64 pa = 0x3c000ULL << 12;

	fc_prot_round_trip(&ref_dart, &(struct pt_params){ .oas = 36 }, pa,
			   R | W);
	fc_prot_round_trip(&ref_dart, &(struct pt_params){ .oas = 42 }, pa,
			   R | W | CACHE);
	fc_prot_round_trip(&ref_uat, &(struct pt_params){ .oas = 40 }, pa,
			   R | W | PRIV | CACHE | MMIO);
}

static void apple_regs(void)
{
	struct pt_hw_regs regs;
	struct pt_cfg cfg;

	/* t8020: BIT(31) | 0x812340000 >> 12; TCR translate enable BIT(7). */
	if (fc_cfg(&cfg, dart, 0, 32, 36)) {
		dart->regs(&cfg, 0x812340000ULL, &regs);
		CHECK_EQ(regs.ttbr, 0x80812340, "t8020 TTBR");
		CHECK_EQ(regs.tcr, 0x80, "t8020 TCR");
		CHECK_EQ(regs.mair, 0, "DART MAIR");
	}
	/* t8110: (0x2a812340000 >> 14) << 2 | BIT(0); TCR BIT(0). */
	if (fc_cfg(&cfg, dart, 0, 36, 42)) {
		dart->regs(&cfg, 0x2a812340000ULL, &regs);
		CHECK_EQ(regs.ttbr, 0x2a812341, "t8110 TTBR");
		CHECK_EQ(regs.tcr, 0x1, "t8110 TCR, 2 levels");
		CHECK_EQ(regs.mair, 0, "DART MAIR");
	}
	/* Three tables: the four-level walk, TCR BIT(3). */
	if (fc_cfg(&cfg, dart, 0, 42, 42)) {
		dart->regs(&cfg, 0x3ffffffc000ULL, &regs);
		CHECK_EQ(regs.ttbr, 0x3ffffffd, "t8110 TTBR at the top");
		CHECK_EQ(regs.tcr, 0x9, "t8110 TCR, 3 levels");
	}
	/* UAT: root | BIT(0); the firmware owns TCR and MAIR. */
	if (fc_cfg(&cfg, uat, 0, 39, 42)) {
		uat->regs(&cfg, 0x2a812340000ULL, &regs);
		CHECK_EQ(regs.ttbr, 0x2a812340001ULL, "UAT TTBR");
		CHECK_EQ(regs.tcr, 0, "UAT TCR");
		CHECK_EQ(regs.mair, 0, "UAT MAIR");
	}
}

static void apple_geometry(void)
{
	static const struct {
		const struct pt_format **fmt;
		u32 ias, oas, levels;
	} cases[] = {
		{ &dart, 32, 36, 2 }, { &dart, 36, 36, 2 }, { &dart, 25, 36, 2 },
		{ &dart, 32, 42, 2 }, { &dart, 36, 42, 2 }, { &dart, 37, 42, 3 },
		{ &dart, 42, 42, 3 },
		{ &uat, 39, 36, 3 }, { &uat, 39, 40, 3 }, { &uat, 39, 42, 3 },
	};
	struct pt_cfg cfg;
	unsigned int i, l;

	for (i = 0; i < TH_ARRAY_SIZE(cases); i++) {
		if (!fc_cfg(&cfg, *cases[i].fmt, 0, cases[i].ias, cases[i].oas))
			continue;
		CHECK_INT(cfg.levels, cases[i].levels, "levels");
		CHECK_INT(cfg.granule_shift, 14, "granule");
		CHECK_EQ(cfg.pgsize_bitmap, SZ_16K, "16K pages only");
		/* Every table, the root too, is one 16KB page. */
		fc_levels(&cfg, 14, 11);
		for (l = 0; l < cfg.levels; l++)
			CHECK_EQ(cfg.lvl[l].pgsizes, l ? 0 : SZ_16K, "sizes");
	}
	fc_defaults(dart, 14, 32, 36, SZ_16K, 2);
	fc_defaults(uat, 14, 39, 40, SZ_16K, 3);
	fc_identity(dart, PTLAB_FMT_APPLE_DART, "apple-dart");
	fc_identity(uat, PTLAB_FMT_APPLE_UAT, "apple-uat");
}

static void apple_params(void)
{
	static const struct fc_param dart_cases[] = {
		{ { .granule_shift = 14 }, 0, "DART 16K granule" },
		{ { .granule_shift = 12 }, -EOPNOTSUPP, "DART 4K granule" },
		{ { .granule_shift = 16 }, -EOPNOTSUPP, "DART 64K granule" },
		{ { .oas = 40 }, -EINVAL, "DART oas 40" },
		{ { .oas = 48 }, -EINVAL, "DART oas 48" },
		{ { .ias = 37, .oas = 36 }, -EINVAL, "DART1 ias 37" },
		{ { .ias = 43, .oas = 42 }, -EINVAL, "DART2 ias 43" },
		{ { .ias = 24 }, -EINVAL, "DART ias 24" },
		{ { .ias = 36 }, 0, "DART ias 36" },
		{ { .pgsize_bitmap = SZ_16K }, 0, "DART 16K" },
		{ { .pgsize_bitmap = 0x1000 }, -EINVAL, "DART 4K" },
		{ { .pgsize_bitmap = SZ_16K | SZ_32M }, -EINVAL,
		  "DART 32M" },
	};
	static const struct fc_param uat_cases[] = {
		{ { .granule_shift = 14 }, 0, "UAT 16K granule" },
		{ { .granule_shift = 12 }, -EOPNOTSUPP, "UAT 4K granule" },
		{ { .granule_shift = 16 }, -EOPNOTSUPP, "UAT 64K granule" },
		{ { .ias = 36 }, -EINVAL, "UAT ias 36" },
		{ { .ias = 40 }, -EINVAL, "UAT ias 40" },
		{ { .ias = 48 }, -EINVAL, "UAT ias 48" },
		{ { .oas = 32 }, -EINVAL, "UAT oas 32" },
		{ { .oas = 44 }, -EINVAL, "UAT oas 44" },
		{ { .oas = 48 }, -EINVAL, "UAT oas 48" },
		{ { .pgsize_bitmap = SZ_16K }, 0, "UAT 16K" },
		{ { .pgsize_bitmap = SZ_16K | SZ_32M }, -EINVAL,
		  "UAT 32M block" },
		{ { .pgsize_bitmap = 0x1000 }, -EINVAL, "UAT 4K" },
	};

	fc_params(dart, dart_cases, TH_ARRAY_SIZE(dart_cases));
	fc_params(uat, uat_cases, TH_ARRAY_SIZE(uat_cases));
}

static bool apl_new(struct fc_tree *t, const struct pt_format *fmt, u32 ias,
		    u32 oas)
{
	return fc_new(t, fmt == dart ? &ref_dart : &ref_uat,
		      &(struct pt_params){ .ias = ias, .oas = oas });
}

/* Unmap; each 16K page of what goes is a leaf. */
static void apl_unmap_expect(struct fc_tree *t, u64 iova, u64 size, int want,
			     u64 want_unmapped)
{
	fc_unmap_expect_n(t, iova, size, want, want_unmapped,
			  want_unmapped / SZ_16K);
}

/* Walk: translates to @pa with @prot, entries as the reference reads. */
static void apl_walk(const struct fc_tree *t, u64 iova, u64 pa, u32 prot)
{
	fc_walk_expect(t, iova, pa, SZ_16K, prot);
}

/* @leaves are @count 16K pages from @iova/@pa with @prot. */
static bool apl_match(const struct fc_tree *t, const char *what,
		      const struct pt_leaf *leaves, size_t nr, u64 iova,
		      u64 pa, unsigned int count, u32 prot)
{
	const struct fc_seg seg = { iova, pa, SZ_16K, count };

	return fc_match(t, what, leaves, nr, prot, &seg, 1, false);
}

/* The tree holds exactly @count pages from @iova/@pa. */
static bool apl_expect(const struct fc_tree *t, const char *what, u64 iova,
		       u64 pa, unsigned int count, u32 prot)
{
	const struct fc_seg seg = { iova, pa, SZ_16K, count };

	return fc_expect(t, what, prot, &seg, 1);
}

/* The trees the engine tests run on. */
static const struct {
	const struct pt_format **fmt;
	u32 ias, oas;
	u32 prot;
} trees[] = {
	{ &dart, 32, 36, RW },
	{ &dart, 36, 42, RW | CACHE },
	{ &dart, 42, 42, W },
	{ &uat, 39, 40, RW | CACHE },
	{ &uat, 39, 42, R | PRIV },
	{ &uat, 39, 36, RW | MMIO },
};

/* One page maps, walks, iterates and unmaps at several IOVAs. */
static void apple_engine_pages(void)
{
	unsigned int ti, i;
	struct fc_tree t;

	for (ti = 0; ti < TH_ARRAY_SIZE(trees); ti++) {
		u64 top = 1ULL << trees[ti].ias;
		u64 pa_top = 1ULL << trees[ti].oas;
		const u64 iovas[] = {
			0, SZ_16K, 0x12344000ULL, SZ_32M - SZ_16K, SZ_32M,
			top / 2 + 0x5c000, top - SZ_16K,
		};
		const u64 pas[] = {
			0x812344000ULL & (pa_top - 1), SZ_16K,
			pa_top - SZ_16K, 0x40000000ULL, 0x7ffc000ULL,
			0x3c000ULL, pa_top / 2,
		};
		u32 prot = trees[ti].prot;

		for (i = 0; i < TH_ARRAY_SIZE(iovas); i++) {
			u64 iova = iovas[i], pa = pas[i];

			if (!apl_new(&t, *trees[ti].fmt, trees[ti].ias,
				     trees[ti].oas))
				return;
			fc_map_ok(&t, iova, pa, SZ_16K, prot);
			CHECK_INT(t.ctx.live_tables, t.pt.cfg.levels,
				  "a table at every level");
			apl_expect(&t, "one page", iova, pa, 1, prot);
			apl_walk(&t, iova, pa, prot);
			apl_walk(&t, iova + 0x1234, pa + 0x1234, prot);
			apl_walk(&t, iova + SZ_16K - 1, pa + SZ_16K - 1, prot);
			if (iova)
				fc_walk_none(&t, iova - 1, -ENOENT);
			if (iova + SZ_16K < top)
				fc_walk_none(&t, iova + SZ_16K, -ENOENT);
			else
				fc_walk_none(&t, iova + SZ_16K, -EINVAL);
			apl_unmap_expect(&t, iova, SZ_16K, 0, SZ_16K);
			apl_match(&t, "removed", t.removed, t.nr_removed, iova,
				  pa, 1, prot);
			apl_expect(&t, "after unmap", 0, 0, 0, 0);
			CHECK_INT(t.ctx.live_tables, 1, "tables after unmap");
			/* Remap, another pa. */
			fc_map_ok(&t, iova, pa ^ SZ_16K, SZ_16K, prot);
			apl_walk(&t, iova + 8, (pa ^ SZ_16K) + 8, prot);
			fc_free(&t);
		}
	}
}

/* A run across last-level and middle-level table boundaries. */
static void apple_engine_runs(void)
{
	unsigned int ti;
	struct fc_tree t;

	for (ti = 0; ti < TH_ARRAY_SIZE(trees); ti++) {
		u32 prot = trees[ti].prot;
		u64 iova = SZ_32M - 2 * SZ_16K, pa = 0x10000000;
		long tables;

		if (!apl_new(&t, *trees[ti].fmt, trees[ti].ias, trees[ti].oas))
			return;
		/* Two pages in one last-level table, two in the next. */
		fc_map_ok(&t, iova, pa, 4 * SZ_16K, prot);
		tables = t.pt.cfg.levels == 3 ? 4 : 3;
		CHECK_INT(t.ctx.live_tables, tables, "two last-level tables");
		apl_expect(&t, "4 pages", iova, pa, 4, prot);
		apl_walk(&t, SZ_32M - 1, pa + 2 * SZ_16K - 1, prot);
		apl_walk(&t, SZ_32M, pa + 2 * SZ_16K, prot);
		apl_unmap_expect(&t, iova, 4 * SZ_16K, 0, 4 * SZ_16K);
		CHECK_INT(t.ctx.live_tables, 1, "tables after unmap");

		/* 2048 pages fill a whole last-level table. */
		fc_map_ok(&t, SZ_32M, 0x20000000, SZ_32M, prot);
		CHECK_INT(t.ctx.live_tables, t.pt.cfg.levels, "one table per level");
		apl_expect(&t, "32M", SZ_32M, 0x20000000, 2048, prot);
		apl_unmap_expect(&t, SZ_32M, SZ_32M, 0, SZ_32M);
		CHECK_INT(t.ctx.live_tables, 1, "tables after unmap");

		/* Across a 64G middle-level entry (three levels only). */
		if (t.pt.cfg.levels == 3) {
			fc_map_ok(&t, SZ_64G - SZ_16K, 0x30000000, 2 * SZ_16K,
				  prot);
			CHECK_INT(t.ctx.live_tables, 5, "two paths below the root");
			apl_walk(&t, SZ_64G, 0x30004000, prot);
			apl_unmap_expect(&t, SZ_64G - SZ_16K, 2 * SZ_16K, 0,
					 2 * SZ_16K);
			CHECK_INT(t.ctx.live_tables, 1, "tables after unmap");
		}
		fc_free(&t);
	}
}

static void apple_engine_overlap_unmap(void)
{
	unsigned int ti;
	struct fc_tree t;

	for (ti = 0; ti < TH_ARRAY_SIZE(trees); ti++) {
		u32 prot = trees[ti].prot;
		u64 x = 0x1000000;

		if (!apl_new(&t, *trees[ti].fmt, trees[ti].ias, trees[ti].oas))
			return;
		fc_map_ok(&t, x, 0x100000, 2 * SZ_16K, prot);
		fc_map_ok(&t, x + 3 * SZ_16K, 0x10c000, SZ_16K, prot);
		/* Overlap: refused at the first page, nothing changed. */
		fc_map_fails(&t, x + SZ_16K, 0x200000, SZ_16K, prot,
			     -EADDRINUSE, 0);
		fc_map_fails(&t, x + 3 * SZ_16K, 0x200000, 2 * SZ_16K, prot,
			     -EADDRINUSE, 0);
		/* Progress before the collision is kept. */
		fc_map_fails(&t, x + 2 * SZ_16K, 0x108000, 2 * SZ_16K, prot,
			     -EADDRINUSE, SZ_16K);
		apl_expect(&t, "after overlaps", x, 0x100000, 4, prot);

		/* A hole stops an unmap; a range starting in one is -ENOENT. */
		apl_unmap_expect(&t, x + SZ_16K, 3 * SZ_16K, 0, 3 * SZ_16K);
		apl_match(&t, "removed", t.removed, t.nr_removed, x + SZ_16K,
			  0x104000, 3, prot);
		apl_unmap_expect(&t, x, 2 * SZ_16K, 0, SZ_16K);
		apl_unmap_expect(&t, x, SZ_16K, -ENOENT, 0);
		/* Not 16K-aligned: refused. */
		apl_unmap_expect(&t, x + 0x1000, SZ_16K, -EINVAL, 0);
		apl_unmap_expect(&t, x, 0x1000, -EINVAL, 0);
		apl_expect(&t, "all unmapped", 0, 0, 0, 0);
		CHECK_INT(t.ctx.live_tables, 1, "only the root");
		fc_free(&t);
	}
}

static void apple_engine_bad_args(void)
{
	struct fc_tree t;

	/* DART1: 36-bit pa; no EXEC, PRIV, CACHE or MMIO. */
	if (apl_new(&t, dart, 32, 36)) {
		fc_map_fails(&t, 0, 1ULL << 36, SZ_16K, RW, -EINVAL, 0);
		fc_map_fails(&t, 0, (1ULL << 36) - SZ_16K, 2 * SZ_16K, RW,
			     -EINVAL, 0);
		fc_map_fails(&t, 1ULL << 32, 0, SZ_16K, RW, -EINVAL, 0);
		fc_map_fails(&t, 0, 0x1000, SZ_16K, RW, -EINVAL, 0);
		fc_map_fails(&t, 0x1000, 0, SZ_16K, RW, -EINVAL, 0);
		fc_map_fails(&t, 0, 0, SZ_16K, 0, -EINVAL, 0);
		fc_map_fails(&t, 0, 0, SZ_16K, R | X, -EOPNOTSUPP, 0);
		fc_map_fails(&t, 0, 0, SZ_16K, R | PRIV, -EOPNOTSUPP, 0);
		fc_map_fails(&t, 0, 0, SZ_16K, R | CACHE, -EOPNOTSUPP, 0);
		fc_map_fails(&t, 0, 0, SZ_16K, R | MMIO, -EOPNOTSUPP, 0);
		CHECK_INT(t.ctx.alloc_calls, 1, "only the root allocated");
		/* Write-only maps. */
		fc_map_ok(&t, 0, 0, SZ_16K, W);
		apl_walk(&t, 0x10, 0x10, W);
		fc_free(&t);
	}
	/* DART2: CACHE expressible, still no EXEC. */
	if (apl_new(&t, dart, 36, 42)) {
		fc_map_fails(&t, 0, 1ULL << 42, SZ_16K, RW, -EINVAL, 0);
		fc_map_fails(&t, 0, 0, SZ_16K, R | X, -EOPNOTSUPP, 0);
		fc_map_ok(&t, 0, (1ULL << 42) - SZ_16K, SZ_16K, R | CACHE);
		apl_walk(&t, 0, (1ULL << 42) - SZ_16K, R | CACHE);
		fc_free(&t);
	}
	/* UAT: no EXEC, no firmware write-only, one memory type. */
	if (apl_new(&t, uat, 39, 40)) {
		fc_map_fails(&t, 0, 1ULL << 40, SZ_16K, RW, -EINVAL, 0);
		fc_map_fails(&t, 1ULL << 39, 0, SZ_16K, RW, -EINVAL, 0);
		fc_map_fails(&t, 0, 0, SZ_16K, R | X, -EOPNOTSUPP, 0);
		fc_map_fails(&t, 0, 0, SZ_16K, W | PRIV, -EINVAL, 0);
		fc_map_fails(&t, 0, 0, SZ_16K, R | CACHE | MMIO, -EINVAL, 0);
		fc_map_ok(&t, 0, 0, SZ_16K, W | MMIO);
		apl_walk(&t, 0x10, 0x10, W | MMIO);
		fc_walk_none(&t, 1ULL << 39, -EINVAL);
		fc_free(&t);
	}
}

/*
 * Allocation failures at every level: -ENOMEM, nothing mapped, no table
 * left in the tree; the next map succeeds.
 */
static void apple_engine_alloc_failure(void)
{
	unsigned int ti, n;
	struct fc_tree t;
	u64 mapped;

	for (ti = 0; ti < TH_ARRAY_SIZE(trees); ti++) {
		u32 prot = trees[ti].prot;

		for (n = 1; n < 4; n++) {
			if (!apl_new(&t, *trees[ti].fmt, trees[ti].ias,
				     trees[ti].oas))
				return;
			t.ctx.fail_at = t.ctx.alloc_calls + n;
			CHECK_INT(fc_map(&t, 0x5c000, 0x8000000, SZ_16K, prot,
					 &mapped),
				  n < t.pt.cfg.levels ? -ENOMEM : 0, "map");
			t.ctx.fail_at = 0;
			if (n < t.pt.cfg.levels) {
				CHECK_INT(t.ctx.live_tables, 1, "no table left");
				CHECK_EQ(mapped, 0, "mapped");
				apl_expect(&t, "after -ENOMEM", 0, 0, 0, 0);
				fc_map_ok(&t, 0x5c000, 0x8000000, SZ_16K,
					  prot);
			}
			apl_walk(&t, 0x5c000, 0x8000000, prot);
			fc_free(&t);
		}
	}
}

/* Destroy reports every page once and retires every table. */
static void apple_engine_destroy(void)
{
	unsigned int ti;
	struct fc_tree t;

	for (ti = 0; ti < TH_ARRAY_SIZE(trees); ti++) {
		u32 prot = trees[ti].prot;
		long tables;

		if (!apl_new(&t, *trees[ti].fmt, trees[ti].ias, trees[ti].oas))
			return;
		fc_map_ok(&t, SZ_32M - SZ_16K, 0x4000, 3 * SZ_16K, prot);
		tables = t.ctx.live_tables;
		pt_space_destroy(&t.pt, &t.g.pt);
		CHECK_INT(t.g.nr_retired, tables, "tables retired");
		apl_match(&t, "destroy", t.g.leaves, t.g.nr_leaves,
			  SZ_32M - SZ_16K, 0x4000, 3, prot);
		fc_free(&t);
	}
}

/*
 * The scenarios of the engine-semantics suite of the format tests
 * (fmt_check.c) that take their sizes from the tree, in each tree above.
 */
static void apple_sem_suite(void)
{
	unsigned int ti;

	for (ti = 0; ti < TH_ARRAY_SIZE(trees); ti++) {
		struct fc_fmt f = *trees[ti].fmt == dart ? ref_dart : ref_uat;
		struct pt_params params = {
			.ias = trees[ti].ias, .oas = trees[ti].oas,
		};

		f.prot = trees[ti].prot;
		fc_sem_sizes(&f, &params);
	}
}

static const struct th_test apple_tests[] = {
	TH_TEST(apple_golden_leaves),
	TH_TEST(apple_table_entries),
	TH_TEST(apple_kinds),
	TH_TEST(apple_entry_pa_masks),
	TH_TEST(apple_uat_decode_foreign),
	TH_TEST(apple_prot_round_trip),
	TH_TEST(apple_regs),
	TH_TEST(apple_geometry),
	TH_TEST(apple_params),
	TH_TEST(apple_engine_pages),
	TH_TEST(apple_engine_runs),
	TH_TEST(apple_engine_overlap_unmap),
	TH_TEST(apple_engine_bad_args),
	TH_TEST(apple_engine_alloc_failure),
	TH_TEST(apple_engine_destroy),
	TH_TEST(apple_sem_suite),
};

int main(int argc, char **argv)
{
	return th_main("test_fmt_apple", apple_tests,
		       TH_ARRAY_SIZE(apple_tests), argc, argv);
}
