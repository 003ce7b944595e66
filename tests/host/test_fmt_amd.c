// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the AMD IOMMU v1 host page-table format (pt_fmt_amd_v1):
 * golden encodings worked out by hand from the AMD I/O Virtualization
 * Technology (IOMMU) Specification, publication 48882, section 2.2.3 "I/O
 * Page Tables for Host Translations" (I/O PDE and PTE formats, Table 14
 * "Example Page Size Encodings", Table 15 "Page Table Level Parameters")
 * and section 2.2.2 (the DTE Mode and Host Page Table Root Pointer);
 * decode round trips; geometry and parameters; and the engine's map,
 * unmap, walk and iterate over this format, each walk checked against the
 * hardware's walker (src/hw/walk.c) and the leaf decoder of ref_amd.c.
 *
 * Entry bits (one format for PDEs and PTEs):
 *   [0] PR 0x1; [11:9] Next Level (NL); [51:12] address;
 *   PTE: [58:52] reserved, [59] U, [60] FC 0x1000000000000000;
 *   PDE: [60:52] reserved;
 *   [61] IR 0x2000000000000000, [62] IW 0x4000000000000000.
 * AMD level N (1-6) is the engine's level N - 1.
 */
#include <string.h>

#include "ref.h"

#define SZ(k)	(1ULL << (k))

static const struct pt_format *fmt = &pt_fmt_amd_v1;

/* ---- Golden encodings (section 2.2.3, Tables 14 and 15). ---- */

/* Leaves of a 64-bit space. */
static const struct fc_golden golden_leaves[] = {
	/*
	 * Next Level 0 PTEs, the default size of each level. A 4K page at
	 * AMD level 1: PR 0x1 | address 0x12345000 | IR | IW.
	 */
	{ "4K RW", { .ias = 64 }, 0, 0x12345000, SZ_4K, RW,
	  0x6000000012345001ULL, 0 },
	/* IR alone 0x2000...; IW alone 0x4000... (write-only is legal). */
	{ "4K R", { .ias = 64 }, 0, 0x12345000, SZ_4K, R, 0x2000000012345001ULL,
	  0 },
	{ "4K W", { .ias = 64 }, 0, 0x12345000, SZ_4K, W, 0x4000000012345001ULL,
	  0 },
	/* CACHE is FC, bit 60: 0x1000000000000000. */
	{ "4K RW FC", { .ias = 64 }, 0, 0x12345000, SZ_4K, RW | CACHE,
	  0x7000000012345001ULL, 0 },
	/* AMD level 2, NL 0: a 2M page at 0x40200000. */
	{ "2M RW", { .ias = 64 }, 1, 0x40200000, SZ_2M, RW,
	  0x6000000040200001ULL, 0 },
	/* AMD level 3: 1G at 0x8040000000, read-only. */
	{ "1G R", { .ias = 64 }, 2, 0x8040000000ULL, SZ_1G, R,
	  0x2000008040000001ULL, 0 },
	/* AMD level 4: 512G at 2^39, IW | FC = 0x5000... */
	{ "512G W FC", { .ias = 64 }, 3, 0x8000000000ULL, SZ(39), W | CACHE,
	  0x5000008000000001ULL, 0 },
	/* AMD level 5: 256T at 3 * 2^48 = 0x3000000000000. */
	{ "256T RW", { .ias = 64 }, 4, 0x3000000000000ULL, SZ(48), RW,
	  0x6003000000000001ULL, 0 },
	/*
	 * Next Level 7 (0xe00) PTEs, size in the address (Table 14). 8K at
	 * AMD level 1: bit 12 clear, nothing set below it: 0x12346000.
	 */
	{ "8K RW", { .ias = 64 }, 0, 0x12346000, SZ_8K, RW,
	  0x6000000012346e01ULL, 0 },
	/*
	 * The second entry of that 8K page is given pa 0x12347000; bit 12
	 * is the size encoding's, cleared: the same value (replicas are
	 * identical).
	 */
	{ "8K RW, second entry", { .ias = 64 }, 0, 0x12347000, SZ_8K, RW,
	  0x6000000012346e01ULL, 0 },
	/* 16K: bit 12 set, bit 13 clear: 0x12348000 | 0x1000. */
	{ "16K RW", { .ias = 64 }, 0, 0x12348000, SZ_16K, RW,
	  0x6000000012349e01ULL, 0 },
	/* 64K: bits 14:12 set, bit 15 clear: 0x12340000 | 0x7000. */
	{ "64K R", { .ias = 64 }, 0, 0x12340000, SZ_64K, R,
	  0x2000000012347e01ULL, 0 },
	/* Its 16th entry (pa 0x1234f000) is the same value. */
	{ "64K R, last entry", { .ias = 64 }, 0, 0x1234f000, SZ_64K, R,
	  0x2000000012347e01ULL, 0 },
	/* 1M, the largest at AMD level 1 (256 entries): bits 18:12 set. */
	{ "1M RW FC", { .ias = 64 }, 0, 0x12300000, SZ_1M, RW | CACHE,
	  0x700000001237fe01ULL, 0 },
	/* 4M at AMD level 2 (2 entries): bits 20:12 set, 21 clear. */
	{ "4M RW", { .ias = 64 }, 1, 0x40400000, SZ(22), RW,
	  0x60000000405ffe01ULL, 0 },
	/* 256M at AMD level 2: bits 26:12 set, bit 27 clear. */
	{ "256M W", { .ias = 64 }, 1, 0x50000000, SZ(28), W,
	  0x4000000057fffe01ULL, 0 },
	/* 2G at AMD level 3: bits 29:12 set, bit 30 clear. */
	{ "2G R", { .ias = 64 }, 2, 0x80000000, SZ(31), R,
	  0x20000000bffffe01ULL, 0 },
	/* 256G at AMD level 3 (256 entries): bits 36:12 set, 37 clear. */
	{ "256G RW", { .ias = 64 }, 2, 0x4000000000ULL, SZ(38), RW,
	  0x6000005ffffffe01ULL, 0 },
	/* 1T at AMD level 4: bits 38:12 set, bit 39 clear, bit 40 pa. */
	{ "1T RW", { .ias = 64 }, 3, SZ(40), SZ(40), RW, 0x6000017ffffffe01ULL,
	  0 },
	/* 512T at AMD level 5: bits 47:12 set, bit 48 clear, bit 49 pa. */
	{ "512T W FC", { .ias = 64 }, 4, SZ(49), SZ(49), W | CACHE,
	  0x5002fffffffffe01ULL, 0 },
	/* 2^51, the largest: bits 49:12 set, bit 50 clear, bit 51 pa. */
	{ "2^51 R", { .ias = 64 }, 4, SZ(51), SZ(51), R, 0x200bfffffffffe01ULL,
	  0 },
};

static void amd_golden_leaves(void)
{
	fc_golden(&ref_amd, golden_leaves, TH_ARRAY_SIZE(golden_leaves));
}

/*
 * PDE: PR | Next Level = AMD level of the next table (ours + 1 for the
 * table below, i.e. the PDE's own engine level) << 9 | address | IR | IW.
 */
static void amd_table_entries(void)
{
	static const u64 golden[] = {
		0, 0x6000000012345201ULL, 0x6000000012345401ULL,
		0x6000000012345601ULL, 0x6000000012345801ULL,
		0x6000000012345a01ULL,
	};
	struct pt_cfg cfg;
	unsigned int level;

	if (!fc_cfg(&cfg, fmt, 0, 64, 0))
		return;
	for (level = 1; level < cfg.levels; level++) {
		u64 pte = fmt->mk_table(&cfg, level, 0x12345000);

		CHECK_EQ(pte, golden[level], "table entry");
		CHECK_KIND(&cfg, level, pte, PT_ENTRY_TABLE, "table entry");
		CHECK_EQ(fmt->entry_pa(&cfg, level, pte), 0x12345000,
			 "table address");
		CHECK_INT(fmt->table_level(&cfg, level, pte), level - 1,
			  "next table level");
		/* The top of the 52-bit address field. */
		pte = fmt->mk_table(&cfg, level, 0xffffffffff000ULL);
		CHECK_EQ(pte, 0x600ffffffffff001ULL | (u64)level << 9,
			 "table entry at the top of PA");
		CHECK_EQ(fmt->entry_pa(&cfg, level, pte), 0xffffffffff000ULL,
			 "table address at the top of PA");
	}
}

/* Which encodings the walk accepts, and as what. */
static void amd_kinds(void)
{
	struct pt_cfg cfg64, cfg48, cfg40;
	unsigned int level;

	if (!fc_cfg(&cfg64, fmt, 0, 64, 0) || !fc_cfg(&cfg48, fmt, 0, 48, 0) ||
	    !fc_cfg(&cfg40, fmt, 0, 40, 0))
		return;
	for (level = 0; level < 6; level++) {
		CHECK_KIND(&cfg64, level, 0, PT_ENTRY_EMPTY, "zero");
		/* PR clear: not present, whatever else is set. */
		CHECK_KIND(&cfg64, level, ~AMD_SPEC_PR, PT_ENTRY_EMPTY, "PR clear");
		CHECK_KIND(&cfg64, level, 0x6000000012345200ULL,
			   PT_ENTRY_EMPTY, "PDE without PR");
		/* NL 7 with the whole address field set: no size. */
		CHECK_KIND(&cfg64, level, 0x600ffffffffffe01ULL,
			   PT_ENTRY_EMPTY, "NL 7, no clear address bit");
	}
	/* AMD level 1 holds PTEs only: Next Level 1-6 is not below it. */
	for (level = 1; level <= 6; level++)
		CHECK_KIND(&cfg64, 0, 0x6000000012345001ULL | (u64)level << 9,
			   PT_ENTRY_EMPTY, "PDE at AMD level 1");
	/* A PDE must name a lower level: AMD level 3 -> 3 or 4 faults. */
	CHECK_KIND(&cfg64, 2, 0x6000000012345601ULL, PT_ENTRY_EMPTY,
		   "PDE naming its own level");
	CHECK_KIND(&cfg64, 2, 0x6000000012345801ULL, PT_ENTRY_EMPTY,
		   "PDE naming a higher level");
	/* Level skipping: AMD level 4 naming level 1 or 2 is a table. */
	CHECK_KIND(&cfg64, 3, 0x6000000012345201ULL, PT_ENTRY_TABLE,
		   "PDE skipping two levels");
	CHECK_INT(fmt->table_level(&cfg64, 3, 0x6000000012345201ULL), 0,
		  "table level of a skip to AMD level 1");
	CHECK_KIND(&cfg64, 3, 0x6000000012345401ULL, PT_ENTRY_TABLE,
		   "PDE skipping one level");
	CHECK_INT(fmt->table_level(&cfg64, 3, 0x6000000012345401ULL), 1,
		  "table level of a skip to AMD level 2");
	CHECK_KIND(&cfg64, 5, 0x6000000012345201ULL, PT_ENTRY_TABLE,
		   "AMD level 6 straight to level 1");
	/* PDE bits 60:52 are reserved: FC, U or bit 52 set faults. */
	CHECK_KIND(&cfg64, 1, 0x7000000012345201ULL, PT_ENTRY_EMPTY,
		   "PDE with bit 60");
	CHECK_KIND(&cfg64, 1, 0x6800000012345201ULL, PT_ENTRY_EMPTY,
		   "PDE with bit 59");
	CHECK_KIND(&cfg64, 1, 0x6010000012345201ULL, PT_ENTRY_EMPTY,
		   "PDE with bit 52");
	/* Ignored bits (8:1, 63) and no permission leave a table. */
	CHECK_KIND(&cfg64, 1, 0xe0000000123453ffULL, PT_ENTRY_TABLE,
		   "PDE with ignored bits");
	CHECK_EQ(fmt->entry_pa(&cfg64, 1, 0xe0000000123453ffULL), 0x12345000,
		 "PDE address with ignored bits");
	CHECK_KIND(&cfg64, 1, 0x0000000012345201ULL, PT_ENTRY_TABLE,
		   "PDE without IR/IW");
	/* PTE bits 58:52 are reserved; U (59) and 63, A/D (5, 6) are not. */
	CHECK_KIND(&cfg64, 0, 0x6400000012345001ULL, PT_ENTRY_EMPTY,
		   "PTE with bit 58");
	CHECK_KIND(&cfg64, 0, 0x6010000012345001ULL, PT_ENTRY_EMPTY,
		   "PTE with bit 52");
	CHECK_KIND(&cfg64, 0, 0xe800000012345061ULL, PT_ENTRY_LEAF,
		   "PTE with U, A, D and bit 63");
	CHECK_EQ(fmt->leaf_prot(&cfg64, 0, 0xe800000012345061ULL), RW,
		 "U is no permission");
	/* Table 15: no PTE at AMD level 6, either Next Level. */
	CHECK_KIND(&cfg64, 5, 0x6200000000000001ULL, PT_ENTRY_EMPTY,
		   "NL 0 at AMD level 6");
	CHECK_KIND(&cfg64, 5, 0x61fffffffffffe01ULL, PT_ENTRY_EMPTY,
		   "NL 7 at AMD level 6");
	/* NL 0 is a page of the level's size at AMD levels 1-5. */
	for (level = 0; level < 5; level++)
		CHECK_KIND(&cfg64, level, 0x6000000000000001ULL,
			   PT_ENTRY_LEAF, "NL 0 at AMD levels 1-5");
	/*
	 * NL 7 sizes a level cannot hold: at AMD level 2, 8K (bit 12
	 * clear) is below the level's 2M, and 2M itself (bits 19:12 set,
	 * bit 20 clear) must be written with NL 0; at AMD level 1, 2M is
	 * 512 entries, a level-2 page.
	 */
	CHECK_KIND(&cfg64, 1, 0x6000000040200e01ULL, PT_ENTRY_EMPTY,
		   "8K at AMD level 2");
	CHECK_KIND(&cfg64, 1, 0x60000000402ffe01ULL, PT_ENTRY_EMPTY,
		   "2M with NL 7 at AMD level 2");
	CHECK_KIND(&cfg64, 0, 0x60000000402ffe01ULL, PT_ENTRY_EMPTY,
		   "2M at AMD level 1");
	CHECK_KIND(&cfg64, 0, 0x600000004027fe01ULL, PT_ENTRY_LEAF,
		   "1M at AMD level 1");
	CHECK_KIND(&cfg64, 1, 0x60000000402ffe01ULL & ~0x100000ULL,
		   PT_ENTRY_EMPTY, "1M at AMD level 2");
	/* 512M at AMD level 2 (256 entries): bits 27:12 set, 28 clear. */
	CHECK_KIND(&cfg64, 1, 0x600000004ffffe01ULL, PT_ENTRY_LEAF,
		   "512M at AMD level 2");
	CHECK_EQ(fmt->leaf_size(&cfg64, 1, 0x600000004ffffe01ULL), SZ(29),
		 "512M size");
	CHECK_EQ(fmt->entry_pa(&cfg64, 1, 0x600000004ffffe01ULL), 0x40000000,
		 "512M address");
	/* 2^52 (bits 50:12 set, 51 clear) is beyond the 2^51 limit. */
	CHECK_KIND(&cfg64, 4, 0x6007fffffffffe01ULL, PT_ENTRY_EMPTY,
		   "2^52 at AMD level 5");
	/*
	 * In a 40-bit space the top table (AMD level 4) has 2 entries: 1T
	 * (both) is a leaf there, 2T would reach past the table.
	 */
	CHECK_KIND(&cfg40, 3, 0x6000007ffffffe01ULL, PT_ENTRY_LEAF,
		   "1T in a 2-entry top table");
	CHECK_KIND(&cfg40, 3, 0x600000fffffffe01ULL, PT_ENTRY_EMPTY,
		   "2T in a 2-entry top table");
	CHECK_KIND(&cfg48, 3, 0x600000fffffffe01ULL, PT_ENTRY_LEAF,
		   "2T in a full AMD level 4 table");
}

/* Address decoding never takes attribute or size bits as address. */
static void amd_entry_pa_masks(void)
{
	struct pt_cfg cfg;

	if (!fc_cfg(&cfg, fmt, 0, 64, 0))
		return;
	/* NL 0 2M page with bits 20:12 set: the page starts at 2M. */
	CHECK_EQ(fmt->entry_pa(&cfg, 1, 0xf8000000403ff1ffULL), 0x40200000,
		 "2M page with low address bits");
	CHECK_EQ(fmt->leaf_size(&cfg, 1, 0xf8000000403ff1ffULL), SZ_2M,
		 "2M page size");
	/* NL 0 4K page with every permission, U, A, D, 63: 0x12345000. */
	CHECK_EQ(fmt->entry_pa(&cfg, 0, 0xf8000000123451ffULL), 0x12345000,
		 "4K page with attributes");
	CHECK_EQ(fmt->leaf_prot(&cfg, 0, 0xf8000000123451ffULL), RW | CACHE,
		 "4K page prot");
	/* NL 7 64K: bits 14:12 are size, bit 15 clear. */
	CHECK_EQ(fmt->entry_pa(&cfg, 0, 0xf800000012347fffULL), 0x12340000,
		 "64K page with attributes");
	CHECK_EQ(fmt->leaf_size(&cfg, 0, 0xf800000012347fffULL), SZ_64K,
		 "64K size");
	/* NL 7 at the top of the address field: 8K at 0xffffffffe000. */
	CHECK_EQ(fmt->entry_pa(&cfg, 0, 0x600fffffffffee01ULL),
		 0xfffffffffe000ULL, "8K page at the top of PA");
}

/*
 * check_prot(), and leaf_prot(mk_leaf()) for every accepted prot, at every
 * size, every entry of a page the same.
 */
static void amd_prot_round_trip(void)
{
	fc_prot_round_trip(&ref_amd, &(struct pt_params){ .ias = 64 }, SZ(51),
			   R | W | CACHE);
}

struct geometry {
	u32 ias;
	u32 levels;
	u32 top_index_bits;
	u64 top_pgsizes;
};

/* Mode = ceil((ias - 12) / 9); AMD levels 1-5 each hold sizes 2^s..2^(s+8). */
static const struct geometry geometries[] = {
	{ 21, 1, 9, 0x1ff000ULL },		/* 4K..1M */
	{ 30, 2, 9, 0x3fe00000ULL },		/* 2M..512M */
	{ 32, 3, 2, 0x1c0000000ULL },		/* 1G..4G, 4 entries */
	{ 39, 3, 9, 0x7fc0000000ULL },		/* 1G..256G */
	{ 40, 4, 1, 0x18000000000ULL },		/* 512G, 1T */
	{ 48, 4, 9, 0xff8000000000ULL },	/* 512G..128T */
	{ 52, 5, 4, 0xf000000000000ULL },	/* 256T..2^51 */
	{ 57, 5, 9, 0xf000000000000ULL },	/* 256T..2^51 */
	{ 58, 6, 1, 0 },			/* AMD level 6: none */
	{ 64, 6, 7, 0 },			/* 63:57 */
};

static void amd_geometry(void)
{
	const struct geometry *geo;
	struct pt_cfg cfg;
	unsigned int l;

	for (geo = geometries; geo < geometries + TH_ARRAY_SIZE(geometries);
	     geo++) {
		u64 all = 0;

		if (!fc_cfg(&cfg, fmt, 0, geo->ias, 0))
			continue;
		CHECK_INT(cfg.levels, geo->levels, "levels");
		CHECK_INT(cfg.granule_shift, 12, "granule");
		CHECK_INT(cfg.oas, 52, "default oas");
		/*
		 * The top level translates top_index_bits, but its table is
		 * a whole page: the DTE's root pointer holds bits 51:12.
		 */
		fc_levels(&cfg, 12, 9);
		CHECK(geo->top_index_bits <= 9 &&
		      cfg.lvl[cfg.levels - 1].shift + geo->top_index_bits ==
		      geo->ias, "top level translates %u bits",
		      geo->top_index_bits);
		for (l = 0; l < cfg.levels; l++) {
			bool top = l + 1 == cfg.levels;

			/* Below the top: 256 entries, at most 2^51. */
			CHECK_EQ(cfg.lvl[l].pgsizes,
				 top ? geo->top_pgsizes :
				 GENMASK_ULL(l == 4 ? 51 : 20 + 9 * l,
					     12 + 9 * l),
				 "level page sizes");
			all |= cfg.lvl[l].pgsizes;
		}
		/* Linux's AMD_IOMMU_PGSIZES, bits 51:12 but 512G. */
		CHECK_EQ(cfg.pgsize_bitmap, all & 0x000fff7ffffff000ULL,
			 "default page sizes");
	}
	/* Everything defaulted: 48-bit IOVA, Mode 4, 52-bit output. */
	fc_defaults(fmt, 12, 48, 52, 0xff7ffffff000ULL, 4);
	fc_identity(fmt, PTLAB_FMT_AMD_V1, "amd-v1");
}

static void amd_params(void)
{
	static const struct fc_param cases[] = {
		{ { .granule_shift = 12 }, 0, "4K granule" },
		{ { .granule_shift = 14 }, -EOPNOTSUPP, "16K granule" },
		{ { .granule_shift = 16 }, -EOPNOTSUPP, "64K granule" },
		{ { .granule_shift = 21 }, -EOPNOTSUPP, "2M granule" },
		{ { .ias = 20 }, -EINVAL, "ias 20" },
		{ { .ias = 65 }, -EINVAL, "ias 65" },
		{ { .ias = 21 }, 0, "ias 21" },
		{ { .ias = 64 }, 0, "ias 64" },
		{ { .oas = 31 }, -EINVAL, "oas 31" },
		{ { .oas = 53 }, -EINVAL, "oas 53" },
		{ { .oas = 32 }, 0, "oas 32" },
		{ { .oas = 44 }, 0, "oas 44" },
		{ { .oas = 52 }, 0, "oas 52" },
		{ { .pgsize_bitmap = 0x1000 }, 0, "4K only" },
		{ { .pgsize_bitmap = 0x3000 }, 0, "4K and 8K" },
		{ { .pgsize_bitmap = 0x8000001000ULL }, 0, "4K and 512G" },
		{ { .pgsize_bitmap = 0xfffffffff000ULL }, 0, "every size" },
		{ { .pgsize_bitmap = 0x2000 }, -EINVAL, "8K without 4K" },
		{ { .pgsize_bitmap = 0x40200000 }, -EINVAL, "2M+1G without 4K" },
		{ { .pgsize_bitmap = 0x1800 }, -EINVAL, "2K" },
		{ { .pgsize_bitmap = 0x1000000001000ULL }, -EINVAL,
		  "256T in a 48-bit space" },
		{ { .ias = 57, .pgsize_bitmap = 0x1000000001000ULL }, 0,
		  "256T in a 57-bit space" },
		{ { .ias = 64, .pgsize_bitmap = 0x10000000001000ULL }, -EINVAL,
		  "2^52" },
		{ { .ias = 64, .pgsize_bitmap = 0x8000000001000ULL }, 0,
		  "2^51" },
		{ { .ias = 21, .pgsize_bitmap = 0x201000 }, -EINVAL,
		  "2M in a 21-bit space" },
		{ { .pgsize_bitmap = ~0ULL }, -EINVAL, "all bits" },
	};

	fc_params(fmt, cases, TH_ARRAY_SIZE(cases));
}

/* ---- Trees through the engine. ---- */

static bool amd_new(struct fc_tree *t, u32 ias, u64 pgsize_bitmap)
{
	return fc_new(t, &ref_amd, &(struct pt_params){
		.ias = ias, .pgsize_bitmap = pgsize_bitmap });
}

/* Unmap; check the result and, if @leaf_size, the one leaf removed. */
static void amd_unmap_expect(struct fc_tree *t, u64 iova, u64 size, int want,
			     u64 want_unmapped, u64 leaf_iova, u64 leaf_size)
{
	const struct pt_leaf *l;

	fc_unmap_expect(t, iova, size, want, want_unmapped);
	l = t->removed;
	if (leaf_size)
		CHECK(t->nr_removed == 1 && l->iova == leaf_iova &&
		      l->size == leaf_size,
		      "unmap(%#llx) removed %zu leaves, first iova %#llx size %#llx",
		      (unsigned long long)iova, t->nr_removed,
		      t->nr_removed ? (unsigned long long)l->iova : 0,
		      t->nr_removed ? (unsigned long long)l->size : 0);
}

/*
 * Walk @iova through the engine and through amd_spec_translate(); both must
 * find @pa (the offset included) in a page of @size with @prot, read the
 * same entries, and the leaf entries must be the page's replicas.
 */
static void amd_walk_expect(const struct fc_tree *t, u64 iova, u64 pa,
			    u64 size, u32 prot)
{
	const struct pt_cfg *cfg = &t->pt.cfg;
	unsigned int level = amd_level_of(size);
	struct fc_ref ref;
	const u64 *table;
	u64 first, n, i;

	if (!fc_walk_expect(t, iova, pa, size, prot) ||
	    fc_ref_walk(t, iova, &ref))
		return;
	/* The page's entries in its table: n identical ones, no more. */
	table = ref.nr > 1 ?
		(const u64 *)(uintptr_t)(ref.entries[ref.nr - 2] & AMD_SPEC_ADDR) :
		t->pt.root;
	n = size >> cfg->lvl[level].shift;
	first = ((iova & ~(size - 1)) >> cfg->lvl[level].shift) &
		((1ULL << cfg->lvl[level].index_bits) - 1);
	for (i = 0; i < n; i++)
		if (!CHECK_EQ(table[first + i], ref.entries[ref.nr - 1],
			      "replica"))
			break;
	/* Next Level 0 for one entry, 7 for a run (Table 14). */
	CHECK_EQ((ref.entries[ref.nr - 1] >> 9) & 7, n == 1 ? 0 : 7,
		 "Next Level of the PTE");
}

/*
 * Every page size of a 48-bit space (512G included, by asking for it)
 * maps at several IOVAs, the last one ending at the top of the space;
 * walks find it at its first, a middle and its last byte; iterate lists
 * each once; unmap removes each whole and frees every table.
 */
static void amd_engine_page_sizes(void)
{
	static const u32 prots[] = { RW, R, W | CACHE, RW | CACHE };
	unsigned int k, j, p = 0;
	struct fc_list l;
	struct fc_tree t;

	for (k = 12; k <= 47; k++) {
		u64 size = SZ(k), iovas[3], pas[3];
		unsigned int nr = 0;
		u32 prot = prots[p++ % TH_ARRAY_SIZE(prots)];

		if (!amd_new(&t, 48, GENMASK_ULL(47, 12)))
			return;
		/* size * 1, size * 3, and the last page of the space. */
		iovas[nr++] = size;
		if (4 * size <= SZ(48))
			iovas[nr++] = 3 * size;
		if (SZ(48) - size != iovas[nr - 1])
			iovas[nr++] = SZ(48) - size;
		for (j = 0; j < nr; j++) {
			pas[j] = size * (2 * j + 3);
			fc_map_sizes_ok(&t, iovas[j], pas[j], size, prot, size);
		}
		for (j = 0; j < nr; j++) {
			amd_walk_expect(&t, iovas[j], pas[j], size, prot);
			amd_walk_expect(&t, iovas[j] + size / 2 + 0x123,
					pas[j] + size / 2 + 0x123, size, prot);
			amd_walk_expect(&t, iovas[j] + size - 1,
					pas[j] + size - 1, size, prot);
		}
		fc_walk_none(&t, size - 1, -ENOENT);
		if (3 * size <= SZ(48))
			fc_walk_none(&t, 2 * size, -ENOENT);
		CHECK_INT(fc_list(&t, 0, ~0ULL, &l), 0, "iterate");
		if (CHECK_INT(l.nr, nr, "leaves listed"))
			for (j = 0; j < nr; j++)
				CHECK(l.leaf[j].iova == iovas[j] &&
				      l.leaf[j].pa == pas[j] &&
				      l.leaf[j].size == size &&
				      l.leaf[j].prot == prot &&
				      l.leaf[j].level == amd_level_of(size),
				      "size %#llx leaf %u: iova %#llx pa %#llx size %#llx level %u",
				      (unsigned long long)size, j,
				      (unsigned long long)l.leaf[j].iova,
				      (unsigned long long)l.leaf[j].pa,
				      (unsigned long long)l.leaf[j].size,
				      l.leaf[j].level);
		fc_list_fini(&l);
		for (j = 0; j < nr; j++)
			amd_unmap_expect(&t, iovas[j], size, 0, size, iovas[j],
					 size);
		CHECK_INT(t.ctx.live_tables, 1, "tables after unmap");
		fc_free(&t);
	}
}

/* The largest page at the very top of the input range, at three sizes. */
static void amd_engine_top_page(void)
{
	struct fc_tree t;

	/* 48 bits: 128T at 2^47 (256 entries of AMD level 4), pa 2^51. */
	if (amd_new(&t, 48, 0)) {
		fc_map_ok(&t, SZ(47), SZ(51), SZ(47), RW);
		amd_walk_expect(&t, SZ(48) - 1, SZ(51) + SZ(47) - 1, SZ(47),
				RW);
		amd_walk_expect(&t, SZ(47), SZ(51), SZ(47), RW);
		fc_walk_none(&t, SZ(47) - 1, -ENOENT);
		CHECK_INT(t.ctx.live_tables, 1, "a leaf in the root");
		amd_unmap_expect(&t, SZ(47), SZ_4K, 0, SZ(47), SZ(47), SZ(47));
		fc_free(&t);
	}
	/* 64 bits (Mode 6): 2^51 at 2^64 - 2^51 through AMD level 6. */
	if (amd_new(&t, 64, 0)) {
		fc_map_ok(&t, ~0ULL - SZ(51) + 1, SZ(51), SZ(51), R | CACHE);
		amd_walk_expect(&t, ~0ULL, SZ(52) - 1, SZ(51), R | CACHE);
		amd_walk_expect(&t, ~0ULL - SZ(51) + 1, SZ(51), SZ(51),
				R | CACHE);
		CHECK_INT(t.ctx.live_tables, 2, "root and an AMD level 5 table");
		amd_unmap_expect(&t, ~0ULL - SZ(51) + 1, SZ(51), 0, SZ(51),
				 ~0ULL - SZ(51) + 1, SZ(51));
		CHECK_INT(t.ctx.live_tables, 1, "tables after unmap");
		fc_free(&t);
	}
	/* 64 bits: the last and the first 4K, listed and unmapped. */
	if (amd_new(&t, 64, 0)) {
		struct fc_list l;

		fc_map_ok(&t, ~0ULL - SZ_4K + 1, SZ_1M, SZ_4K, RW);
		fc_map_ok(&t, 0, SZ_2M, SZ_4K, R);
		CHECK_INT(fc_list(&t, 0, ~0ULL, &l), 0, "iterate all");
		CHECK_INT(l.nr, 2, "leaves listed");
		fc_list_fini(&l);
		CHECK_INT(fc_list(&t, ~0ULL - SZ_4K + 1, SZ_4K, &l), 0,
			  "iterate the top");
		CHECK_INT(l.nr, 1, "leaves listed at the top");
		fc_list_fini(&l);
		amd_unmap_expect(&t, ~0ULL - SZ_4K + 1, SZ_4K, 0, SZ_4K,
				 ~0ULL - SZ_4K + 1, SZ_4K);
		amd_unmap_expect(&t, 0, SZ_4K, 0, SZ_4K, 0, SZ_4K);
		CHECK_INT(t.ctx.live_tables, 1, "tables after unmap");
		fc_free(&t);
	}
	/* 21 bits (Mode 1, one table): 1M at 1M. */
	if (amd_new(&t, 21, 0)) {
		fc_map_ok(&t, SZ_1M, 0x7ff00000, SZ_1M, W);
		amd_walk_expect(&t, SZ_2M - 1, 0x7fffffff, SZ_1M, W);
		fc_walk_none(&t, SZ_1M - 1, -ENOENT);
		fc_free(&t);
	}
}

/*
 * One map over [0x3000, 0x400000) with the default page sizes takes the
 * largest page alignment allows at each step: 4K, then Next Level 7 pages
 * of 16K up to 1M in the AMD level-1 table, then a 2M page.
 */
static void amd_engine_mixed_sizes(void)
{
	static const struct { u64 iova, size; } want[] = {
		{ 0x3000, SZ_4K }, { 0x4000, SZ_16K }, { 0x8000, SZ(15) },
		{ 0x10000, SZ_64K }, { 0x20000, SZ(17) }, { 0x40000, SZ(18) },
		{ 0x80000, SZ(19) }, { 0x100000, SZ_1M }, { 0x200000, SZ_2M },
	};
	const u64 off = 0x40000000;	/* pa = iova + 1G */
	struct fc_list l;
	struct fc_tree t;
	unsigned int i;

	if (!amd_new(&t, 48, 0))
		return;
	fc_map_ok(&t, 0x3000, 0x3000 + off, 0x400000 - 0x3000, RW);
	CHECK_INT(fc_list(&t, 0, ~0ULL, &l), 0, "iterate");
	if (CHECK_INT(l.nr, TH_ARRAY_SIZE(want), "leaves"))
		for (i = 0; i < l.nr; i++)
			CHECK(l.leaf[i].iova == want[i].iova &&
			      l.leaf[i].size == want[i].size &&
			      l.leaf[i].pa == want[i].iova + off,
			      "leaf %u: iova %#llx size %#llx pa %#llx", i,
			      (unsigned long long)l.leaf[i].iova,
			      (unsigned long long)l.leaf[i].size,
			      (unsigned long long)l.leaf[i].pa);
	fc_list_fini(&l);
	for (i = 0; i < TH_ARRAY_SIZE(want); i++)
		amd_walk_expect(&t, want[i].iova + want[i].size - 8,
				want[i].iova + want[i].size - 8 + off,
				want[i].size, RW);
	CHECK_INT(t.ctx.live_tables, 4, "root and tables of AMD levels 3-1");
	amd_unmap_expect(&t, 0x3000, 0x400000 - 0x3000, 0, 0x400000 - 0x3000, 0,
			 0);
	CHECK_INT(t.g.nr_leaves, 0, "flushed");
	CHECK_INT(t.ctx.live_tables, 1, "tables after unmap");

	/* A pa only 4K-aligned: 64K of IOVA becomes 16 pages of 4K. */
	fc_map_ok(&t, 0x10000, 0x50001000, SZ_64K, R);
	CHECK_INT(fc_list(&t, 0, ~0ULL, &l), 0, "iterate");
	CHECK(l.nr == 16 && l.leaf[15].size == SZ_4K &&
	      l.leaf[15].pa == 0x50010000, "%zu leaves", l.nr);
	fc_list_fini(&l);
	amd_walk_expect(&t, 0x1ffff, 0x50010fff, SZ_4K, R);
	fc_free(&t);
}

static const u64 *leaf_table_of(const struct fc_tree *t, u64 iova)
{
	struct amd_spec_walk sw;

	amd_spec_translate(pt_root_pa(&t->pt), t->pt.cfg.levels, iova, &sw);
	return sw.nr > 1 ?
	       (const u64 *)(uintptr_t)(sw.entries[sw.nr - 2] & AMD_SPEC_ADDR) :
	       t->pt.root;
}

/* Overlaps are refused with -EADDRINUSE and leave everything as it was. */
static void amd_engine_overlap(void)
{
	static u64 before[512];
	struct fc_list l0, l1;
	const u64 *table;
	struct fc_tree t;

	if (!amd_new(&t, 48, 0))
		return;
	/* A 64K page: 16 Next Level 7 entries, 16-31 of a level-1 table. */
	fc_map_ok(&t, 0x10000, 0x80010000, SZ_64K, RW);
	table = leaf_table_of(&t, 0x10000);
	memcpy(before, table, sizeof(before));
	fc_list(&t, 0, ~0ULL, &l0);

	/* A 4K page inside it. */
	fc_map_fails(&t, 0x14000, 0x1000, SZ_4K, RW, -EADDRINUSE, 0);
	/* An 8K page over its last two entries. */
	fc_map_fails(&t, 0x1e000, 0x2000, SZ_8K, RW, -EADDRINUSE, 0);
	/* A 128K page (32 entries) that covers it. */
	fc_map_fails(&t, 0, 0x100000, SZ(17), RW, -EADDRINUSE, 0);
	/* A 2M page where the table holding it is. */
	fc_map_fails(&t, 0, 0x200000, SZ_2M, RW, -EADDRINUSE, 0);
	/* 4K pages only, starting on it. */
	fc_map_sizes_fails(&t, 0x10000, 0x1000, SZ_64K, R, SZ_4K, -EADDRINUSE,
			   0);

	CHECK(!memcmp(before, table, sizeof(before)), "leaf table changed");
	fc_list(&t, 0, ~0ULL, &l1);
	CHECK(fc_same_list(&l0, &l1), "leaves changed: %zu now", l1.nr);
	fc_list_fini(&l0);
	fc_list_fini(&l1);
	CHECK_INT(t.ctx.live_tables, 4, "tables");
	amd_walk_expect(&t, 0x1ffff, 0x8001ffff, SZ_64K, RW);

	/* Progress, then the overlap: the 32K before it stays mapped. */
	fc_map_fails(&t, 0x8000, 0x88000, SZ_64K, RW, -EADDRINUSE, SZ(15));
	amd_walk_expect(&t, 0x8000, 0x88000, SZ(15), RW);
	amd_walk_expect(&t, 0x10000, 0x80010000, SZ_64K, RW);
	fc_free(&t);
}

/* Unmap: holes, never splitting a page, freeing tables, then remap. */
static void amd_engine_unmap(void)
{
	struct fc_list l0, l1;
	struct fc_tree t;

	if (!amd_new(&t, 48, 0))
		return;
	fc_map_ok(&t, 0x10000, 0x80010000, SZ_64K, RW);
	fc_map_ok(&t, 0x20000, 0x90020000, SZ_4K, RW);
	fc_map_ok(&t, 0x22000, 0x90022000, SZ_8K, RW);
	fc_map_ok(&t, 0x200000, 0xa0200000, SZ_2M, RW);
	fc_list(&t, 0, ~0ULL, &l0);

	/* Starting inside a Next Level 7 page or a 2M page: refused. */
	amd_unmap_expect(&t, 0x14000, SZ_4K, -EINVAL, 0, 0, 0);
	amd_unmap_expect(&t, 0x23000, SZ_4K, -EINVAL, 0, 0, 0);
	amd_unmap_expect(&t, 0x201000, SZ_4K, -EINVAL, 0, 0, 0);
	/* Nothing there. */
	amd_unmap_expect(&t, 0x30000, SZ_4K, -ENOENT, 0, 0, 0);
	amd_unmap_expect(&t, SZ(47), SZ(47), -ENOENT, 0, 0, 0);
	fc_list(&t, 0, ~0ULL, &l1);
	CHECK(fc_same_list(&l0, &l1), "refused unmaps changed the tree");
	fc_list_fini(&l0);
	fc_list_fini(&l1);

	/* Ending inside the 64K page removes it whole. */
	amd_unmap_expect(&t, 0x10000, SZ_4K, 0, SZ_64K, 0x10000, SZ_64K);
	fc_walk_none(&t, 0x1f000, -ENOENT);
	/* Remap it, then unmap across it, the 4K page and into a hole. */
	fc_map_ok(&t, 0x10000, 0x80010000, SZ_64K, RW);
	amd_unmap_expect(&t, 0x10000, 0x20000, 0, SZ_64K + SZ_4K, 0, 0);
	fc_walk_none(&t, 0x20000, -ENOENT);
	amd_walk_expect(&t, 0x22000, 0x90022000, SZ_8K, RW);
	/* The 8K page ending inside, then the 2M page. */
	amd_unmap_expect(&t, 0x22000, SZ_4K, 0, SZ_8K, 0x22000, SZ_8K);
	CHECK_INT(t.ctx.live_tables, 3, "the level-1 table freed");
	amd_unmap_expect(&t, 0x200000, SZ_2M, 0, SZ_2M, 0x200000, SZ_2M);
	CHECK_INT(t.ctx.live_tables, 1, "every table but the root freed");
	fc_walk_none(&t, 0x200000, -ENOENT);

	/* Remap after unmap: the same IOVA, another page size. */
	fc_map_ok(&t, 0x200000, 0xb0200000, SZ_1M, R | CACHE);
	CHECK_INT(t.ctx.live_tables, 4, "tables rebuilt");
	amd_walk_expect(&t, 0x2fffff, 0xb02fffff, SZ_1M, R | CACHE);
	amd_unmap_expect(&t, 0x200000, SZ_1M, 0, SZ_1M, 0x200000, SZ_1M);
	CHECK_INT(t.ctx.live_tables, 1, "tables after the last unmap");
	fc_free(&t);
}

/* The engine's walk of a hand-built tree against amd_spec_translate(). */
static void skip_walk_expect(const struct fc_tree *t, u64 iova, u64 pa,
			     u64 size, u32 prot, unsigned int nr_entries)
{
	struct pt_walk_result res;
	struct amd_spec_walk sw;
	int ret = pt_walk(&t->pt, iova, &res);
	bool ok = amd_spec_translate(pt_root_pa(&t->pt), t->pt.cfg.levels, iova,
				 &sw);
	unsigned int i;

	if (!CHECK(!ret && ok, "walk(%#llx): engine %s, spec walk %s",
		   (unsigned long long)iova, th_errname(ret),
		   ok ? "translates" : "faults"))
		return;
	CHECK(res.leaf.pa == pa && res.leaf.size == size &&
	      res.leaf.prot == prot && res.leaf.level == amd_level_of(size) &&
	      sw.pa == pa && sw.size == size && sw.prot == prot,
	      "walk(%#llx): engine pa %#llx size %#llx prot %#x level %u, spec pa %#llx size %#llx prot %#x",
	      (unsigned long long)iova, (unsigned long long)res.leaf.pa,
	      (unsigned long long)res.leaf.size, res.leaf.prot, res.leaf.level,
	      (unsigned long long)sw.pa, (unsigned long long)sw.size, sw.prot);
	if (CHECK_INT(res.nr_entries, nr_entries, "entries read") &&
	    CHECK_INT(sw.nr, nr_entries, "spec entries read"))
		for (i = 0; i < nr_entries; i++)
			CHECK_EQ(res.entries[i], sw.entries[i], "raw entry");
}

/*
 * Level skipping (section 2.2.3): a tree built by hand as another driver
 * or firmware might. In a Mode 4 tree the root (AMD level 4) has
 *   [0] NL 1: straight to a level-1 table A (levels 3 and 2 skipped),
 *       so it maps IOVAs 0-2M: A[5] a 4K page, A[8..11] a 16K page;
 *   [1] NL 2: straight to a level-2 table B (level 3 skipped), mapping
 *       2^39 to 2^39 + 1G: B[3] a 2M page, B[4] NL 1 to a level-1 table
 *       C whose C[0] is a 4K page.
 * The engine walks, iterates, maps into, unmaps from and frees it through
 * table_level().
 */
static void amd_engine_level_skip(void)
{
	const u64 ir_iw = AMD_SPEC_IR | AMD_SPEC_IW;
	const u64 b39 = SZ(39);
	u64 *root, *a, *b, *c;
	struct fc_list l;
	unsigned int i;
	struct amd_spec_walk sw;
	struct fc_tree t;

	if (!amd_new(&t, 48, 0))
		return;
	root = t.pt.root;
	a = host_table_ops.alloc(&t.ctx, 4096);
	b = host_table_ops.alloc(&t.ctx, 4096);
	c = host_table_ops.alloc(&t.ctx, 4096);
	if (!CHECK(a && b && c, "tables"))
		goto out;
	root[0] = AMD_SPEC_PR | 1ULL << 9 | (u64)(uintptr_t)a | ir_iw;
	root[1] = AMD_SPEC_PR | 2ULL << 9 | (u64)(uintptr_t)b | ir_iw;
	a[5] = 0x6000000012345001ULL;		/* 4K RW at 0x12345000 */
	for (i = 8; i < 12; i++)
		a[i] = 0x2000000022349e01ULL;	/* 16K R at 0x22348000 */
	b[3] = 0x5000000040600001ULL;		/* 2M W FC at 0x40600000 */
	b[4] = AMD_SPEC_PR | 1ULL << 9 | (u64)(uintptr_t)c | ir_iw;
	c[0] = 0x6000000000009001ULL;		/* 4K RW at 0x9000 */

	skip_walk_expect(&t, 0x5000, 0x12345000, SZ_4K, RW, 2);
	skip_walk_expect(&t, 0x5abc, 0x12345abc, SZ_4K, RW, 2);
	skip_walk_expect(&t, 0x8000, 0x22348000, SZ_16K, R, 2);
	skip_walk_expect(&t, 0xbfff, 0x2234bfff, SZ_16K, R, 2);
	skip_walk_expect(&t, b39 + 3 * SZ_2M + 0x1234, 0x40601234, SZ_2M,
			 W | CACHE, 2);
	skip_walk_expect(&t, b39 + 4 * SZ_2M + 0x10, 0x9010, SZ_4K, RW, 3);
	fc_walk_none(&t, 0x6000, -ENOENT);
	fc_walk_none(&t, b39 + 5 * SZ_2M, -ENOENT);
	/*
	 * The hardware faults where a skipped level's index bits are not
	 * zero: 0x205000 has AMD level-2 index 1 under root[0].
	 */
	CHECK(!amd_spec_translate(pt_root_pa(&t.pt), 4, 0x205000, &sw),
	      "skipped index bits translate");
	CHECK(!amd_spec_translate(pt_root_pa(&t.pt), 4,
				  b39 + SZ_1G + 3 * SZ_2M, &sw),
	      "skipped index bits translate");

	CHECK_INT(fc_list(&t, 0, ~0ULL, &l), 0, "iterate");
	CHECK(l.nr == 4 &&
	      l.leaf[0].iova == 0x5000 && l.leaf[0].size == SZ_4K &&
	      l.leaf[0].level == 0 && l.leaf[0].pa == 0x12345000 &&
	      l.leaf[1].iova == 0x8000 && l.leaf[1].size == SZ_16K &&
	      l.leaf[1].pa == 0x22348000 && l.leaf[1].prot == R &&
	      l.leaf[2].iova == b39 + 3 * SZ_2M && l.leaf[2].size == SZ_2M &&
	      l.leaf[2].level == 1 && l.leaf[2].pa == 0x40600000 &&
	      l.leaf[3].iova == b39 + 4 * SZ_2M && l.leaf[3].pa == 0x9000,
	      "%zu leaves, first at %#llx", l.nr,
	      (unsigned long long)l.leaf[0].iova);
	fc_list_fini(&l);

	/* Map into table A through the skipping PDE. */
	fc_map_ok(&t, 0x7000, 0x77000, SZ_4K, RW);
	CHECK_EQ(a[7], 0x6000000000077001ULL, "entry mapped into A");
	skip_walk_expect(&t, 0x7000, 0x77000, SZ_4K, RW, 2);
	CHECK_INT(t.ctx.live_tables, 4, "no table added");

	/* Unmap everything under root[0]: A is freed, root[0] cleared. */
	amd_unmap_expect(&t, 0x5000, SZ_4K, 0, SZ_4K, 0x5000, SZ_4K);
	amd_unmap_expect(&t, 0x7000, SZ_4K, 0, SZ_4K, 0x7000, SZ_4K);
	amd_unmap_expect(&t, 0x8000, SZ_4K, 0, SZ_16K, 0x8000, SZ_16K);
	CHECK_EQ(root[0], 0, "root[0] after A emptied");
	CHECK_INT(t.ctx.live_tables, 3, "A freed");
	skip_walk_expect(&t, b39 + 3 * SZ_2M, 0x40600000, SZ_2M, W | CACHE, 2);
out:
	/* Destroy frees B and C through the skipping PDE. */
	fc_free(&t);
}

/*
 * ttbr is the DTE Host Page Table Root Pointer (the root's address), tcr
 * the DTE Mode (levels), mair 0 (section 2.2.2).
 */
static void amd_regs(void)
{
	static const struct { u32 ias, mode; } cases[] = {
		{ 21, 1 }, { 30, 2 }, { 39, 3 }, { 40, 4 }, { 48, 4 },
		{ 52, 5 }, { 57, 5 }, { 58, 6 }, { 64, 6 },
	};
	struct pt_hw_regs regs;
	unsigned int i;
	struct fc_tree t;

	for (i = 0; i < TH_ARRAY_SIZE(cases); i++) {
		if (!amd_new(&t, cases[i].ias, 0))
			continue;
		fmt->regs(&t.pt.cfg, pt_root_pa(&t.pt), &regs);
		CHECK_EQ(regs.ttbr, (u64)(uintptr_t)t.pt.root, "ttbr");
		CHECK_EQ(regs.tcr, cases[i].mode, "tcr (DTE Mode)");
		CHECK_EQ(regs.mair, 0, "mair");
		fc_free(&t);
	}
}

/*
 * The engine-semantics suite of the format tests (fmt_check.c): all of it
 * with 4K pages, 2M and 1G leaves; with Next Level 7 sizes among them, the
 * scenarios that take their sizes from the tree.
 */
static void amd_sem_suite(void)
{
	static const struct pt_params p48 = {
		.ias = 48, .pgsize_bitmap = SZ_4K | SZ_2M | SZ_1G,
	}, p48n7 = {
		.ias = 48, .pgsize_bitmap = SZ_4K | SZ_8K | SZ_64K | SZ_1M |
					    SZ_2M | SZ_1G | SZ(38),
	};

	fc_sem_all(&ref_amd, &p48);
	fc_sem_sizes(&ref_amd, &p48n7);
}

static const struct th_test amd_tests[] = {
	TH_TEST(amd_golden_leaves),
	TH_TEST(amd_table_entries),
	TH_TEST(amd_kinds),
	TH_TEST(amd_entry_pa_masks),
	TH_TEST(amd_prot_round_trip),
	TH_TEST(amd_geometry),
	TH_TEST(amd_params),
	TH_TEST(amd_regs),
	TH_TEST(amd_engine_page_sizes),
	TH_TEST(amd_engine_top_page),
	TH_TEST(amd_engine_mixed_sizes),
	TH_TEST(amd_engine_overlap),
	TH_TEST(amd_engine_unmap),
	TH_TEST(amd_engine_level_skip),
	TH_TEST(amd_sem_suite),
};

int main(int argc, char **argv)
{
	return th_main("test_fmt_amd", amd_tests, TH_ARRAY_SIZE(amd_tests),
		       argc, argv);
}
