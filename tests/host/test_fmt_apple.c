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
#include <stdio.h>
#include <stdlib.h>
#include <linux/ptlab.h>

#include "harness.h"
#include "low_tables.h"
#include "pt_formats.h"

#define R	PT_PROT_READ
#define W	PT_PROT_WRITE
#define X	PT_PROT_EXEC
#define PRIV	PT_PROT_PRIV
#define CACHE	PT_PROT_CACHE
#define MMIO	PT_PROT_MMIO
#define RW	(R | W)

#define SZ_16K	0x4000ULL
#define SZ_32M	0x2000000ULL
#define SZ_64G	0x1000000000ULL
#define SP_ALL	0x000fff0000000000ULL	/* subpage window 0..0xfff */
#define UAT_GPU	0x0080000000000000ULL
#define UAT_PXN	0x0020000000000000ULL
#define UAT_UXN	0x0040000000000000ULL

static const struct pt_format *dart = &pt_fmt_apple_dart;
static const struct pt_format *uat = &pt_fmt_apple_uat;

static const char *kind_name(enum pt_entry_kind kind)
{
	switch (kind) {
	case PT_ENTRY_EMPTY: return "invalid";
	case PT_ENTRY_TABLE: return "a table";
	case PT_ENTRY_LEAF: return "a leaf";
	}
	return "?";
}

#define CHECK_KIND(cfg, level, pte, want, what) ({			\
	const struct pt_cfg *cfg_ = (cfg);				\
	u64 pte_ = (pte);						\
	unsigned int level_ = (level);					\
	enum pt_entry_kind want_ = (want);				\
	enum pt_entry_kind kind_ = cfg_->fmt->kind(cfg_, level_, pte_);	\
									\
	CHECK(kind_ == want_, "%s: %#llx at level %u is %s, expected %s", \
	      what, (unsigned long long)pte_, level_, kind_name(kind_),	\
	      kind_name(want_));					\
})

static bool new_cfg(struct pt_cfg *cfg, const struct pt_format *fmt, u32 ias,
		    u32 oas)
{
	struct pt_params params = { .ias = ias, .oas = oas };
	int ret = pt_cfg_init(cfg, fmt, &params);

	return CHECK(!ret, "%s ias %u oas %u refused: %s", fmt->name, ias, oas,
		     th_errname(ret));
}

struct golden_leaf {
	const char *what;
	const struct pt_format **fmt;
	u32 oas;
	u64 pa;
	u32 prot;
	u64 pte;
};

static const struct golden_leaf golden_leaves[] = {
	/* DART1: 0x812344000 | SP_ALL | SP_DIS 0x2 | valid 0x1. */
	{ "DART1 RW", &dart, 36, 0x812344000ULL, RW, 0x000fff0812344003ULL },
	/* ... | NO_WRITE 0x80. */
	{ "DART1 RO", &dart, 36, 0x812344000ULL, R, 0x000fff0812344083ULL },
	/* ... | NO_READ 0x100. */
	{ "DART1 WO", &dart, 36, 0x812344000ULL, W, 0x000fff0812344103ULL },
	/* The last 16KB page of 64GB: bits 35:14 all set. */
	{ "DART1 top of PA", &dart, 36, 0xfffffc000ULL, RW,
	  0x000fff0fffffc003ULL },
	/* DART2: 0x2a812344000 >> 4 = 0x2a81234400 | SP_ALL | valid. */
	{ "DART2 RW cached", &dart, 42, 0x2a812344000ULL, RW | CACHE,
	  0x000fff2a81234401ULL },
	/* ... | NO_CACHE 0x2. */
	{ "DART2 RW", &dart, 42, 0x2a812344000ULL, RW, 0x000fff2a81234403ULL },
	/* ... | NO_WRITE 0x4 | NO_CACHE 0x2. */
	{ "DART2 RO", &dart, 42, 0x2a812344000ULL, R, 0x000fff2a81234407ULL },
	/* ... | NO_READ 0x8. */
	{ "DART2 WO cached", &dart, 42, 0x2a812344000ULL, W | CACHE,
	  0x000fff2a81234409ULL },
	{ "DART2 WO", &dart, 42, 0x2a812344000ULL, W, 0x000fff2a8123440bULL },
	/* The last page of 4TB: 0x3ffffffc000 >> 4 = 0x3ffffffc00. */
	{ "DART2 top of PA", &dart, 42, 0x3ffffffc000ULL, RW | CACHE,
	  0x000fff3ffffffc01ULL },
	/*
	 * UAT GPU RW uncached: 0x3 | AttrIndx 2 0x8 | AP 2 0x80 | AF 0x400 |
	 * nG 0x800 = 0xc8b; GPU | UXN = 0x00c0000000000000.
	 */
	{ "UAT GPU RW", &uat, 40, 0x812344000ULL, RW, 0x00c0000812344c8bULL },
	/* GPU RO cached: AttrIndx 0, no UXN/PXN: 0xc83, GPU only. */
	{ "UAT GPU RO cached", &uat, 40, 0x812344000ULL, R | CACHE,
	  0x0080000812344c83ULL },
	/* GPU WO uncached: 0xc8b, GPU | PXN = 0x00a0000000000000. */
	{ "UAT GPU WO", &uat, 40, 0x812344000ULL, W, 0x00a0000812344c8bULL },
	/* GPU RW device: AttrIndx 1 0x4: 0xc87, GPU | UXN. */
	{ "UAT GPU RW MMIO", &uat, 40, 0x812344000ULL, RW | MMIO,
	  0x00c0000812344c87ULL },
	/* Firmware RW device: 0x3 | 0x4 | AP 1 0x40 | 0x400 | 0x800 = 0xc47. */
	{ "UAT FW RW MMIO", &uat, 40, 0x812344000ULL, RW | PRIV | MMIO,
	  0x00c0000812344c47ULL },
	/* Firmware RO cached: 0xc43, GPU only. */
	{ "UAT FW RO cached", &uat, 40, 0x812344000ULL, R | PRIV | CACHE,
	  0x0080000812344c43ULL },
	/* Firmware RW uncached: 0xc4b, GPU | UXN. */
	{ "UAT FW RW", &uat, 40, 0x812344000ULL, RW | PRIV,
	  0x00c0000812344c4bULL },
	/* The last page of a 42-bit output space. */
	{ "UAT top of 42-bit PA", &uat, 42, 0x3ffffffc000ULL, RW,
	  0x00c003ffffffcc8bULL },
	/* ... and of a 36-bit one. */
	{ "UAT top of 36-bit PA", &uat, 36, 0xfffffc000ULL, RW,
	  0x00c0000fffffcc8bULL },
};

static void apple_golden_leaves(void)
{
	const struct golden_leaf *g;
	struct pt_cfg cfg;

	for (g = golden_leaves; g < golden_leaves + TH_ARRAY_SIZE(golden_leaves);
	     g++) {
		const struct pt_format *fmt = *g->fmt;

		if (!new_cfg(&cfg, fmt, 0, g->oas))
			continue;
		CHECK(!pt_check_prot(&cfg, g->prot), "%s: prot %#x refused",
		      g->what, g->prot);
		CHECK_EQ(fmt->mk_leaf(&cfg, 0, g->pa, SZ_16K, g->prot), g->pte,
			 g->what);
		CHECK_KIND(&cfg, 0, g->pte, PT_ENTRY_LEAF, g->what);
		CHECK_EQ(fmt->entry_pa(&cfg, 0, g->pte), g->pa, g->what);
		CHECK_EQ(fmt->leaf_prot(&cfg, 0, g->pte), g->prot, g->what);
		CHECK(!fmt->leaf_size, "%s: no leaf_size, one entry a leaf",
		      g->what);
	}
}

static void apple_table_entries(void)
{
	struct pt_cfg d1, d2, u;
	unsigned int level;

	if (!new_cfg(&d1, dart, 36, 36) || !new_cfg(&d2, dart, 42, 42) ||
	    !new_cfg(&u, uat, 39, 40))
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

	if (!new_cfg(&d1, dart, 36, 36) || !new_cfg(&d2, dart, 42, 42) ||
	    !new_cfg(&u, uat, 39, 40))
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

	if (!new_cfg(&d1, dart, 36, 36) || !new_cfg(&d2, dart, 42, 42) ||
	    !new_cfg(&u36, uat, 39, 36) || !new_cfg(&u42, uat, 39, 42))
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

	if (!new_cfg(&u, uat, 39, 40))
		return;
	for (i = 0; i < TH_ARRAY_SIZE(cases); i++)
		CHECK_EQ(uat->leaf_prot(&u, 0, cases[i].pte), cases[i].prot,
			 cases[i].what);
}

static void apple_prot_round_trip(void)
{
	static const struct {
		const struct pt_format **fmt;
		u32 oas;
		u32 mask;
	} cases[] = {
		{ &dart, 36, R | W },
		{ &dart, 42, R | W | CACHE },
		{ &uat, 40, R | W | PRIV | CACHE | MMIO },
	};
	struct pt_cfg cfg;
	unsigned int i;
	u32 prot;

	for (i = 0; i < TH_ARRAY_SIZE(cases); i++) {
		const struct pt_format *fmt = *cases[i].fmt;

		if (!new_cfg(&cfg, fmt, 0, cases[i].oas))
			continue;
		CHECK_EQ(cfg.prot_mask, cases[i].mask, "prot mask");
		for (prot = 0; prot <= PT_PROT_ALL; prot++) {
			bool ok = !(prot & ~cases[i].mask) && (prot & RW);
			u64 pa = 0x3c000ULL << 12, pte;
			int want;

			if (fmt == uat)
				ok = ok && !((prot & PRIV) && !(prot & R)) &&
				     (prot & (CACHE | MMIO)) != (CACHE | MMIO);
			want = ok ? 0 : -EINVAL;
			if (prot & ~cases[i].mask)
				want = -EOPNOTSUPP;
			CHECK_INT(pt_check_prot(&cfg, prot), want, "check_prot");
			if (!ok)
				continue;
			pte = fmt->mk_leaf(&cfg, 0, pa, SZ_16K, prot);
			CHECK(fmt->kind(&cfg, 0, pte) == PT_ENTRY_LEAF &&
			      fmt->entry_pa(&cfg, 0, pte) == pa &&
			      fmt->leaf_prot(&cfg, 0, pte) == prot,
			      "%s prot %#x: pte %#llx decodes as pa %#llx prot %#x",
			      fmt->name, prot, (unsigned long long)pte,
			      (unsigned long long)fmt->entry_pa(&cfg, 0, pte),
			      fmt->leaf_prot(&cfg, 0, pte));
		}
	}
}

static void apple_regs(void)
{
	struct pt_hw_regs regs;
	struct pt_cfg cfg;

	/* t8020: BIT(31) | 0x812340000 >> 12; TCR translate enable BIT(7). */
	if (new_cfg(&cfg, dart, 32, 36)) {
		dart->regs(&cfg, 0x812340000ULL, &regs);
		CHECK_EQ(regs.ttbr, 0x80812340, "t8020 TTBR");
		CHECK_EQ(regs.tcr, 0x80, "t8020 TCR");
		CHECK_EQ(regs.mair, 0, "DART MAIR");
	}
	/* t8110: (0x2a812340000 >> 14) << 2 | BIT(0); TCR BIT(0). */
	if (new_cfg(&cfg, dart, 36, 42)) {
		dart->regs(&cfg, 0x2a812340000ULL, &regs);
		CHECK_EQ(regs.ttbr, 0x2a812341, "t8110 TTBR");
		CHECK_EQ(regs.tcr, 0x1, "t8110 TCR, 2 levels");
		CHECK_EQ(regs.mair, 0, "DART MAIR");
	}
	/* Three tables: the four-level walk, TCR BIT(3). */
	if (new_cfg(&cfg, dart, 42, 42)) {
		dart->regs(&cfg, 0x3ffffffc000ULL, &regs);
		CHECK_EQ(regs.ttbr, 0x3ffffffd, "t8110 TTBR at the top");
		CHECK_EQ(regs.tcr, 0x9, "t8110 TCR, 3 levels");
	}
	/* UAT: root | BIT(0); the firmware owns TCR and MAIR. */
	if (new_cfg(&cfg, uat, 39, 42)) {
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
		if (!new_cfg(&cfg, *cases[i].fmt, cases[i].ias, cases[i].oas))
			continue;
		CHECK_INT(cfg.levels, cases[i].levels, "levels");
		CHECK_INT(cfg.granule_shift, 14, "granule");
		CHECK_INT(cfg.entry_shift, 3, "8-byte entries");
		CHECK_EQ(cfg.pgsize_bitmap, SZ_16K, "16K pages only");
		for (l = 0; l < cfg.levels; l++) {
			CHECK_INT(cfg.lvl[l].shift, 14 + 11 * l, "shift");
			/* Every table, the root too, is one 16KB page. */
			CHECK_INT(cfg.lvl[l].index_bits, 11, "index bits");
			CHECK_EQ(pt_table_bytes(&cfg, l), SZ_16K, "table bytes");
			CHECK_EQ(cfg.lvl[l].pgsizes, l ? 0 : SZ_16K, "sizes");
		}
	}
	CHECK(!pt_cfg_init(&cfg, dart, &(struct pt_params){}) &&
	      cfg.ias == 32 && cfg.oas == 36 && cfg.levels == 2,
	      "DART defaults: ias %u oas %u levels %u", cfg.ias, cfg.oas,
	      cfg.levels);
	CHECK(!pt_cfg_init(&cfg, uat, &(struct pt_params){}) &&
	      cfg.ias == 39 && cfg.oas == 40 && cfg.levels == 3,
	      "UAT defaults: ias %u oas %u levels %u", cfg.ias, cfg.oas,
	      cfg.levels);
	CHECK_INT(dart->id, PTLAB_FMT_APPLE_DART, "DART id");
	CHECK_INT(uat->id, PTLAB_FMT_APPLE_UAT, "UAT id");
	CHECK(!strcmp(dart->name, "apple-dart") && !strcmp(uat->name, "apple-uat"),
	      "names");
}

static void apple_params(void)
{
	static const struct {
		const struct pt_format **fmt;
		struct pt_params p;
		int ret;
		const char *what;
	} cases[] = {
		{ &dart, { .granule_shift = 14 }, 0, "DART 16K granule" },
		{ &dart, { .granule_shift = 12 }, -EOPNOTSUPP, "DART 4K granule" },
		{ &dart, { .granule_shift = 16 }, -EOPNOTSUPP, "DART 64K granule" },
		{ &dart, { .oas = 40 }, -EINVAL, "DART oas 40" },
		{ &dart, { .oas = 48 }, -EINVAL, "DART oas 48" },
		{ &dart, { .ias = 37, .oas = 36 }, -EINVAL, "DART1 ias 37" },
		{ &dart, { .ias = 43, .oas = 42 }, -EINVAL, "DART2 ias 43" },
		{ &dart, { .ias = 24 }, -EINVAL, "DART ias 24" },
		{ &dart, { .ias = 36 }, 0, "DART ias 36" },
		{ &dart, { .pgsize_bitmap = SZ_16K }, 0, "DART 16K" },
		{ &dart, { .pgsize_bitmap = 0x1000 }, -EINVAL, "DART 4K" },
		{ &dart, { .pgsize_bitmap = SZ_16K | SZ_32M }, -EINVAL,
		  "DART 32M" },
		{ &uat, { .granule_shift = 14 }, 0, "UAT 16K granule" },
		{ &uat, { .granule_shift = 12 }, -EOPNOTSUPP, "UAT 4K granule" },
		{ &uat, { .granule_shift = 16 }, -EOPNOTSUPP, "UAT 64K granule" },
		{ &uat, { .ias = 36 }, -EINVAL, "UAT ias 36" },
		{ &uat, { .ias = 40 }, -EINVAL, "UAT ias 40" },
		{ &uat, { .ias = 48 }, -EINVAL, "UAT ias 48" },
		{ &uat, { .oas = 32 }, -EINVAL, "UAT oas 32" },
		{ &uat, { .oas = 44 }, -EINVAL, "UAT oas 44" },
		{ &uat, { .oas = 48 }, -EINVAL, "UAT oas 48" },
		{ &uat, { .pgsize_bitmap = SZ_16K }, 0, "UAT 16K" },
		{ &uat, { .pgsize_bitmap = SZ_16K | SZ_32M }, -EINVAL,
		  "UAT 32M block" },
		{ &uat, { .pgsize_bitmap = 0x1000 }, -EINVAL, "UAT 4K" },
	};
	struct pt_cfg cfg;
	unsigned int i;

	for (i = 0; i < TH_ARRAY_SIZE(cases); i++)
		CHECK_INT(pt_cfg_init(&cfg, *cases[i].fmt, &cases[i].p),
			  cases[i].ret, cases[i].what);
}

/*
 * Independent walks of the raw tables from the facts above, starting from
 * the register values the format reports.
 */
struct ref {
	int ret;	/* 0, -ENOENT (no entry), -EACCES (no access) */
	u64 pa;
	u32 prot;
	unsigned int nr;
	u64 raw[3];
};

static u64 ref_entry(u64 table_pa, u64 iova, unsigned int level)
{
	const u64 *t = (const u64 *)(uintptr_t)table_pa;

	return t[(iova >> (14 + 11 * level)) & 2047];
}

static void ref_dart(const struct pt_cfg *cfg, const struct pt_hw_regs *regs,
		     u64 iova, struct ref *r)
{
	bool v1 = cfg->oas == 36;
	unsigned int level;
	u64 table, pte = 0;

	*r = (struct ref){ .ret = -ENOENT };
	if (v1) {
		CHECK(regs->ttbr & BIT(31), "t8020 TTBR not valid");
		table = (regs->ttbr & 0xffffff) << 12;
		level = 1;
	} else {
		CHECK(regs->ttbr & 1, "t8110 TTBR not valid");
		table = ((regs->ttbr >> 2) & 0xfffffff) << 14;
		level = regs->tcr & 8 ? 2 : 1;
	}
	for (;; level--) {
		pte = ref_entry(table, iova, level);
		r->raw[r->nr++] = pte;
		if (!(pte & 1))
			return;
		table = v1 ? pte & GENMASK_ULL(35, 12) :
		       (pte & GENMASK_ULL(37, 10)) << 4;
		if (!level)
			break;
	}
	r->pa = table | (iova & (SZ_16K - 1));
	if (v1)
		r->prot = (pte & 0x100 ? 0 : R) | (pte & 0x80 ? 0 : W);
	else
		r->prot = (pte & 0x8 ? 0 : R) | (pte & 0x4 ? 0 : W) |
			  (pte & 0x2 ? 0 : CACHE);
	/* The whole page is inside the subpage window. */
	r->ret = (pte >> 52) == 0 && ((pte >> 40) & 0xfff) == 0xfff ? 0 :
		 -EACCES;
}

static void ref_uat(const struct pt_cfg *cfg, const struct pt_hw_regs *regs,
		    u64 iova, struct ref *r)
{
	u64 addr = GENMASK_ULL(cfg->oas - 1, 14);
	u64 table = regs->ttbr & GENMASK_ULL(47, 14), pte = 0;
	unsigned int level, ap;
	bool uxn, pxn;

	*r = (struct ref){ .ret = -ENOENT };
	CHECK(regs->ttbr & 1, "UAT TTBR not valid");
	for (level = 2;; level--) {
		pte = ref_entry(table, iova, level);
		r->raw[r->nr++] = pte;
		if ((pte & 3) != 3)
			return;
		table = pte & addr;
		if (!level)
			break;
	}
	r->pa = table | (iova & (SZ_16K - 1));
	ap = (pte >> 6) & 3;
	uxn = pte & UAT_UXN;
	pxn = pte & UAT_PXN;
	if (ap == 1)
		r->prot = PRIV | (uxn ? RW : pxn ? 0 : R);
	else if (ap == 2)
		r->prot = uxn ? (pxn ? 0 : RW) : (pxn ? W : R);
	switch ((pte >> 2) & 7) {
	case 0:
		r->prot |= CACHE;
		break;
	case 1:
		r->prot |= MMIO;
		break;
	}
	/* AF, nG and GPU access on every page written here. */
	r->ret = (pte & 0xc00) == 0xc00 && (pte & UAT_GPU) ? 0 : -EACCES;
}

/* One format's tree with its reference walker. */
struct apl {
	struct low_space s;
	void (*ref)(const struct pt_cfg *cfg, const struct pt_hw_regs *regs,
		    u64 iova, struct ref *r);
};

static bool apl_new(struct apl *a, const struct pt_format *fmt, u32 ias,
		    u32 oas)
{
	struct pt_params params = { .ias = ias, .oas = oas };
	int ret = low_new(&a->s, fmt, &params);

	a->ref = fmt == dart ? ref_dart : ref_uat;
	return CHECK(!ret, "%s ias %u oas %u: %s", fmt->name, ias, oas,
		     th_errname(ret));
}

static int apl_map(struct apl *a, u64 iova, u64 pa, u64 size, u32 prot,
		   u64 *mapped)
{
	int ret;

	a->s.nr_leaves = 0;
	ret = pt_map(&a->s.pt, iova, pa, size, prot, SZ_16K, &a->s, mapped);
	CHECK(!a->s.nr_leaves, "map removed %zu leaves", a->s.nr_leaves);
	low_flush(&a->s);
	return ret;
}

static void apl_map_ok(struct apl *a, u64 iova, u64 pa, u64 size, u32 prot)
{
	u64 mapped;
	int ret = apl_map(a, iova, pa, size, prot, &mapped);

	CHECK(!ret && mapped == size,
	      "map(%#llx, pa %#llx, size %#llx, prot %#x) is %s with %#llx mapped",
	      (unsigned long long)iova, (unsigned long long)pa,
	      (unsigned long long)size, prot, th_errname(ret),
	      (unsigned long long)mapped);
}

static void apl_map_fails(struct apl *a, u64 iova, u64 pa, u64 size, u32 prot,
			  int want, u64 want_mapped)
{
	u64 mapped;
	int ret = apl_map(a, iova, pa, size, prot, &mapped);

	CHECK(ret == want && mapped == want_mapped,
	      "map(%#llx, pa %#llx, size %#llx, prot %#x) is %s with %#llx mapped, expected %s with %#llx",
	      (unsigned long long)iova, (unsigned long long)pa,
	      (unsigned long long)size, prot, th_errname(ret),
	      (unsigned long long)mapped, th_errname(want),
	      (unsigned long long)want_mapped);
}

static void apl_unmap_expect(struct apl *a, u64 iova, u64 size, int want,
			     u64 want_unmapped)
{
	u64 unmapped;
	int ret;

	a->s.nr_leaves = 0;
	ret = pt_unmap(&a->s.pt, iova, size, &a->s, &unmapped);
	CHECK(ret == want && unmapped == want_unmapped &&
	      a->s.nr_leaves == want_unmapped / SZ_16K,
	      "unmap(%#llx, %#llx) is %s with %#llx unmapped, %zu leaves, expected %s with %#llx",
	      (unsigned long long)iova, (unsigned long long)size,
	      th_errname(ret), (unsigned long long)unmapped, a->s.nr_leaves,
	      th_errname(want), (unsigned long long)want_unmapped);
	low_flush_keep_leaves(&a->s);
}

/* Walk: translates to @pa with @prot, entries as the reference reads. */
static void apl_walk(const struct apl *a, u64 iova, u64 pa, u32 prot)
{
	const struct pt_cfg *cfg = &a->s.pt.cfg;
	struct pt_walk_result res;
	struct pt_hw_regs regs;
	struct ref ref;
	unsigned int i;
	int ret;

	cfg->fmt->regs(cfg, pt_root_pa(&a->s.pt), &regs);
	a->ref(cfg, &regs, iova, &ref);
	ret = pt_walk(&a->s.pt, iova, &res);
	if (!CHECK(!ret && !ref.ret, "%s walk(%#llx) is %s, reference %s",
		   cfg->fmt->name, (unsigned long long)iova, th_errname(ret),
		   th_errname(ref.ret)))
		return;
	CHECK(res.leaf.pa == pa && res.leaf.size == SZ_16K &&
	      res.leaf.prot == prot && res.leaf.level == 0 &&
	      res.leaf.iova == (iova & ~(SZ_16K - 1)) &&
	      ref.pa == pa && ref.prot == prot,
	      "%s walk(%#llx): pa %#llx size %#llx prot %#x level %u, reference pa %#llx prot %#x, expected pa %#llx prot %#x",
	      cfg->fmt->name, (unsigned long long)iova,
	      (unsigned long long)res.leaf.pa,
	      (unsigned long long)res.leaf.size, res.leaf.prot,
	      res.leaf.level, (unsigned long long)ref.pa, ref.prot,
	      (unsigned long long)pa, prot);
	if (!CHECK_INT(res.nr_entries, cfg->levels, "entries read") ||
	    !CHECK_INT(ref.nr, cfg->levels, "reference entries read"))
		return;
	for (i = 0; i < ref.nr; i++)
		CHECK_EQ(res.entries[i], ref.raw[i], "raw entry");
}

static void apl_walk_none(const struct apl *a, u64 iova, int want)
{
	struct pt_walk_result res;
	int ret = pt_walk(&a->s.pt, iova, &res);

	CHECK(ret == want, "walk(%#llx) is %s, expected %s",
	      (unsigned long long)iova, th_errname(ret), th_errname(want));
	if (want == -ENOENT) {
		const struct pt_cfg *cfg = &a->s.pt.cfg;
		struct pt_hw_regs regs;
		struct ref ref;

		cfg->fmt->regs(cfg, pt_root_pa(&a->s.pt), &regs);
		a->ref(cfg, &regs, iova, &ref);
		CHECK_INT(ref.ret, -ENOENT, "reference walk");
	}
}

struct leaf_list {
	struct pt_leaf_visitor visitor;
	struct pt_leaf *leaf;
	size_t nr;
};

static int list_add(struct pt_leaf_visitor *visitor, const struct pt_leaf *leaf)
{
	struct leaf_list *l = container_of(visitor, struct leaf_list, visitor);

	l->leaf = realloc(l->leaf, (l->nr + 1) * sizeof(*l->leaf));
	if (!l->leaf)
		abort();
	l->leaf[l->nr++] = *leaf;
	return 0;
}

/* @leaves are @count 16K pages from @iova/@pa with @prot, then @iova2... */
static bool match_run(const char *what, const struct pt_leaf *leaves,
		      size_t nr, u64 iova, u64 pa, size_t count, u32 prot)
{
	size_t i;

	if (!CHECK(nr == count, "%s: %zu leaves, expected %zu", what, nr, count))
		return false;
	for (i = 0; i < nr; i++) {
		const struct pt_leaf *l = &leaves[i];

		if (!CHECK(l->iova == iova + i * SZ_16K &&
			   l->pa == pa + i * SZ_16K && l->size == SZ_16K &&
			   l->prot == prot && l->level == 0,
			   "%s: leaf %zu iova %#llx pa %#llx size %#llx prot %#x level %u",
			   what, i, (unsigned long long)l->iova,
			   (unsigned long long)l->pa,
			   (unsigned long long)l->size, l->prot, l->level))
			return false;
	}
	return true;
}

/* The tree holds exactly @count pages from @iova/@pa. */
static bool apl_expect(const struct apl *a, const char *what, u64 iova, u64 pa,
		       size_t count, u32 prot)
{
	struct leaf_list l = { .visitor.leaf = list_add };
	bool ok;

	CHECK_INT(pt_iterate(&a->s.pt, 0, ~0ULL, &l.visitor), 0, "iterate");
	ok = match_run(what, l.leaf, l.nr, iova, pa, count, prot);
	free(l.leaf);
	return ok & low_check_tree(&a->s);
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
	unsigned int t, i;
	struct apl a;

	for (t = 0; t < TH_ARRAY_SIZE(trees); t++) {
		u64 top = 1ULL << trees[t].ias;
		u64 pa_top = 1ULL << trees[t].oas;
		const u64 iovas[] = {
			0, SZ_16K, 0x12344000ULL, SZ_32M - SZ_16K, SZ_32M,
			top / 2 + 0x5c000, top - SZ_16K,
		};
		const u64 pas[] = {
			0x812344000ULL & (pa_top - 1), SZ_16K,
			pa_top - SZ_16K, 0x40000000ULL, 0x7ffc000ULL,
			0x3c000ULL, pa_top / 2,
		};
		u32 prot = trees[t].prot;

		for (i = 0; i < TH_ARRAY_SIZE(iovas); i++) {
			u64 iova = iovas[i], pa = pas[i];

			if (!apl_new(&a, *trees[t].fmt, trees[t].ias,
				     trees[t].oas))
				return;
			apl_map_ok(&a, iova, pa, SZ_16K, prot);
			CHECK_INT(a.s.live, a.s.pt.cfg.levels,
				  "a table at every level");
			apl_expect(&a, "one page", iova, pa, 1, prot);
			apl_walk(&a, iova, pa, prot);
			apl_walk(&a, iova + 0x1234, pa + 0x1234, prot);
			apl_walk(&a, iova + SZ_16K - 1, pa + SZ_16K - 1, prot);
			if (iova)
				apl_walk_none(&a, iova - 1, -ENOENT);
			if (iova + SZ_16K < top)
				apl_walk_none(&a, iova + SZ_16K, -ENOENT);
			else
				apl_walk_none(&a, iova + SZ_16K, -EINVAL);
			apl_unmap_expect(&a, iova, SZ_16K, 0, SZ_16K);
			match_run("removed", a.s.leaves, a.s.nr_leaves, iova,
				  pa, 1, prot);
			apl_expect(&a, "after unmap", 0, 0, 0, 0);
			CHECK_INT(a.s.live, 1, "tables after unmap");
			/* Remap, another pa. */
			apl_map_ok(&a, iova, pa ^ SZ_16K, SZ_16K, prot);
			apl_walk(&a, iova + 8, (pa ^ SZ_16K) + 8, prot);
			low_destroy(&a.s);
		}
	}
}

/* A run across last-level and middle-level table boundaries. */
static void apple_engine_runs(void)
{
	unsigned int t;
	struct apl a;

	for (t = 0; t < TH_ARRAY_SIZE(trees); t++) {
		u32 prot = trees[t].prot;
		u64 iova = SZ_32M - 2 * SZ_16K, pa = 0x10000000;
		long tables;

		if (!apl_new(&a, *trees[t].fmt, trees[t].ias, trees[t].oas))
			return;
		/* Two pages in one last-level table, two in the next. */
		apl_map_ok(&a, iova, pa, 4 * SZ_16K, prot);
		tables = a.s.pt.cfg.levels == 3 ? 4 : 3;
		CHECK_INT(a.s.live, tables, "two last-level tables");
		apl_expect(&a, "4 pages", iova, pa, 4, prot);
		apl_walk(&a, SZ_32M - 1, pa + 2 * SZ_16K - 1, prot);
		apl_walk(&a, SZ_32M, pa + 2 * SZ_16K, prot);
		apl_unmap_expect(&a, iova, 4 * SZ_16K, 0, 4 * SZ_16K);
		CHECK_INT(a.s.live, 1, "tables after unmap");

		/* 2048 pages fill a whole last-level table. */
		apl_map_ok(&a, SZ_32M, 0x20000000, SZ_32M, prot);
		CHECK_INT(a.s.live, a.s.pt.cfg.levels, "one table per level");
		apl_expect(&a, "32M", SZ_32M, 0x20000000, 2048, prot);
		apl_unmap_expect(&a, SZ_32M, SZ_32M, 0, SZ_32M);
		CHECK_INT(a.s.live, 1, "tables after unmap");

		/* Across a 64G middle-level entry (three levels only). */
		if (a.s.pt.cfg.levels == 3) {
			apl_map_ok(&a, SZ_64G - SZ_16K, 0x30000000, 2 * SZ_16K,
				   prot);
			CHECK_INT(a.s.live, 5, "two paths below the root");
			apl_walk(&a, SZ_64G, 0x30004000, prot);
			apl_unmap_expect(&a, SZ_64G - SZ_16K, 2 * SZ_16K, 0,
					 2 * SZ_16K);
			CHECK_INT(a.s.live, 1, "tables after unmap");
		}
		low_destroy(&a.s);
	}
}

static void apple_engine_overlap_unmap(void)
{
	unsigned int t;
	struct apl a;

	for (t = 0; t < TH_ARRAY_SIZE(trees); t++) {
		u32 prot = trees[t].prot;
		u64 x = 0x1000000;

		if (!apl_new(&a, *trees[t].fmt, trees[t].ias, trees[t].oas))
			return;
		apl_map_ok(&a, x, 0x100000, 2 * SZ_16K, prot);
		apl_map_ok(&a, x + 3 * SZ_16K, 0x10c000, SZ_16K, prot);
		/* Overlap: refused at the first page, nothing changed. */
		apl_map_fails(&a, x + SZ_16K, 0x200000, SZ_16K, prot,
			      -EADDRINUSE, 0);
		apl_map_fails(&a, x + 3 * SZ_16K, 0x200000, 2 * SZ_16K, prot,
			      -EADDRINUSE, 0);
		/* Progress before the collision is kept. */
		apl_map_fails(&a, x + 2 * SZ_16K, 0x108000, 2 * SZ_16K, prot,
			      -EADDRINUSE, SZ_16K);
		apl_expect(&a, "after overlaps", x, 0x100000, 4, prot);

		/* A hole stops an unmap; a range starting in one is -ENOENT. */
		apl_unmap_expect(&a, x + SZ_16K, 3 * SZ_16K, 0, 3 * SZ_16K);
		match_run("removed", a.s.leaves, a.s.nr_leaves, x + SZ_16K,
			  0x104000, 3, prot);
		apl_unmap_expect(&a, x, 2 * SZ_16K, 0, SZ_16K);
		apl_unmap_expect(&a, x, SZ_16K, -ENOENT, 0);
		/* Not 16K-aligned: refused. */
		apl_unmap_expect(&a, x + 0x1000, SZ_16K, -EINVAL, 0);
		apl_unmap_expect(&a, x, 0x1000, -EINVAL, 0);
		apl_expect(&a, "all unmapped", 0, 0, 0, 0);
		CHECK_INT(a.s.live, 1, "only the root");
		low_destroy(&a.s);
	}
}

static void apple_engine_bad_args(void)
{
	struct apl a;

	/* DART1: 36-bit pa; no EXEC, PRIV, CACHE or MMIO. */
	if (apl_new(&a, dart, 32, 36)) {
		apl_map_fails(&a, 0, 1ULL << 36, SZ_16K, RW, -EINVAL, 0);
		apl_map_fails(&a, 0, (1ULL << 36) - SZ_16K, 2 * SZ_16K, RW,
			      -EINVAL, 0);
		apl_map_fails(&a, 1ULL << 32, 0, SZ_16K, RW, -EINVAL, 0);
		apl_map_fails(&a, 0, 0x1000, SZ_16K, RW, -EINVAL, 0);
		apl_map_fails(&a, 0x1000, 0, SZ_16K, RW, -EINVAL, 0);
		apl_map_fails(&a, 0, 0, SZ_16K, 0, -EINVAL, 0);
		apl_map_fails(&a, 0, 0, SZ_16K, R | X, -EOPNOTSUPP, 0);
		apl_map_fails(&a, 0, 0, SZ_16K, R | PRIV, -EOPNOTSUPP, 0);
		apl_map_fails(&a, 0, 0, SZ_16K, R | CACHE, -EOPNOTSUPP, 0);
		apl_map_fails(&a, 0, 0, SZ_16K, R | MMIO, -EOPNOTSUPP, 0);
		CHECK_INT(a.s.alloc_calls, 1, "only the root allocated");
		/* Write-only maps. */
		apl_map_ok(&a, 0, 0, SZ_16K, W);
		apl_walk(&a, 0x10, 0x10, W);
		low_destroy(&a.s);
	}
	/* DART2: CACHE expressible, still no EXEC. */
	if (apl_new(&a, dart, 36, 42)) {
		apl_map_fails(&a, 0, 1ULL << 42, SZ_16K, RW, -EINVAL, 0);
		apl_map_fails(&a, 0, 0, SZ_16K, R | X, -EOPNOTSUPP, 0);
		apl_map_ok(&a, 0, (1ULL << 42) - SZ_16K, SZ_16K, R | CACHE);
		apl_walk(&a, 0, (1ULL << 42) - SZ_16K, R | CACHE);
		low_destroy(&a.s);
	}
	/* UAT: no EXEC, no firmware write-only, one memory type. */
	if (apl_new(&a, uat, 39, 40)) {
		apl_map_fails(&a, 0, 1ULL << 40, SZ_16K, RW, -EINVAL, 0);
		apl_map_fails(&a, 1ULL << 39, 0, SZ_16K, RW, -EINVAL, 0);
		apl_map_fails(&a, 0, 0, SZ_16K, R | X, -EOPNOTSUPP, 0);
		apl_map_fails(&a, 0, 0, SZ_16K, W | PRIV, -EINVAL, 0);
		apl_map_fails(&a, 0, 0, SZ_16K, R | CACHE | MMIO, -EINVAL, 0);
		apl_map_ok(&a, 0, 0, SZ_16K, W | MMIO);
		apl_walk(&a, 0x10, 0x10, W | MMIO);
		apl_walk_none(&a, 1ULL << 39, -EINVAL);
		low_destroy(&a.s);
	}
}

/*
 * Allocation failures at every level: -ENOMEM, nothing mapped, no table
 * left in the tree; the next map succeeds.
 */
static void apple_engine_alloc_failure(void)
{
	unsigned int t, n;
	struct apl a;
	u64 mapped;

	for (t = 0; t < TH_ARRAY_SIZE(trees); t++) {
		u32 prot = trees[t].prot;

		for (n = 1; n < 4; n++) {
			if (!apl_new(&a, *trees[t].fmt, trees[t].ias,
				     trees[t].oas))
				return;
			a.s.fail_at = a.s.alloc_calls + n;
			CHECK_INT(apl_map(&a, 0x5c000, 0x8000000, SZ_16K, prot,
					  &mapped),
				  n < a.s.pt.cfg.levels ? -ENOMEM : 0, "map");
			a.s.fail_at = 0;
			if (n < a.s.pt.cfg.levels) {
				CHECK_INT(a.s.live, 1, "no table left");
				CHECK_EQ(mapped, 0, "mapped");
				apl_expect(&a, "after -ENOMEM", 0, 0, 0, 0);
				apl_map_ok(&a, 0x5c000, 0x8000000, SZ_16K,
					   prot);
			}
			apl_walk(&a, 0x5c000, 0x8000000, prot);
			low_destroy(&a.s);
		}
	}
}

/* Destroy reports every page once and retires every table. */
static void apple_engine_destroy(void)
{
	unsigned int t;
	struct apl a;

	for (t = 0; t < TH_ARRAY_SIZE(trees); t++) {
		u32 prot = trees[t].prot;
		long tables;

		if (!apl_new(&a, *trees[t].fmt, trees[t].ias, trees[t].oas))
			return;
		apl_map_ok(&a, SZ_32M - SZ_16K, 0x4000, 3 * SZ_16K, prot);
		tables = a.s.live;
		pt_space_destroy(&a.s.pt, &a.s);
		CHECK_INT(a.s.nr_retired, tables, "tables retired");
		match_run("destroy", a.s.leaves, a.s.nr_leaves,
			  SZ_32M - SZ_16K, 0x4000, 3, prot);
		low_destroy(&a.s);
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
};

int main(int argc, char **argv)
{
	return th_main("test_fmt_apple", apple_tests,
		       TH_ARRAY_SIZE(apple_tests), argc, argv);
}
