// SPDX-License-Identifier: GPL-2.0
/*
 * The Armv7 short-descriptor format (pt_fmt_arm_v7s): golden encodings
 * worked out by hand from the Arm Architecture Reference Manual, ARMv7-A/R
 * edition, B3.5 "Short-descriptor translation table format" (B3.5.1,
 * descriptor formats), B3.7.1 "Access permissions" (simplified model with
 * SCTLR.AFE = 1), B3.8.2 "Short-descriptor format memory region attributes,
 * without TEX remap", B3.8.3 "... with TEX remap" and B4.1.127/B4.1.104
 * (PRRR, NMRR), B4.1.154 (TTBR0), B4.1.153 (TTBCR); then the engine's
 * map, unmap, walk and iterate through the format, each walk checked
 * against an independent decoder of the raw tables written from the same
 * sections.
 *
 * Engine levels: 1 is the first-level table (1MB entries), 0 the
 * second-level one (4KB entries).
 *
 * First-level descriptors, bits [1:0]: 0b00 fault, 0b01 page table
 * (address bits 31:10), 0b10 section or supersection (bit 18), 0b11 the
 * same with PXN (bit 0). Section/supersection bits:
 *   [2] B 0x4, [3] C 0x8, [4] XN 0x10, [8:5] domain (supersection:
 *   PA[39:36]), [11:10] AP[1:0] (AP[0] 0x400 access flag, AP[1] 0x800
 *   unprivileged), [14:12] TEX (TEX[0] 0x1000), [15] AP[2] 0x8000 read-only,
 *   [16] S 0x10000, [17] nG 0x20000, [18] supersection 0x40000,
 *   [31:20] section address, [31:24] supersection address with PA[35:32]
 *   in [23:20].
 * Second-level descriptors, bits [1:0]: 0b00 fault, 0b01 large page, 0b1x
 * small page (bit 0 its XN). Common: [2] B 0x4, [3] C 0x8, [5:4] AP[1:0]
 * (AP[0] 0x10, AP[1] 0x20), [9] AP[2] 0x200, [10] S 0x400, [11] nG 0x800.
 * Small page: [8:6] TEX (TEX[0] 0x40), [31:12] address. Large page:
 * [14:12] TEX (TEX[0] 0x1000), [15] XN 0x8000, [31:16] address.
 * Memory types, TEX[0]:C:B: 0b111 CACHE (B and C, TEX[0]), 0b001 MMIO
 * (B), 0b100 neither (TEX[0]).
 */
#include "ref.h"

#define ALL_SIZES	(SZ_4K | SZ_64K | SZ_1M | SZ_16M)

static const struct pt_format *fmt = &pt_fmt_arm_v7s;

static const struct fc_golden golden_leaves[] = {
	/*
	 * Section: 0x2 | B 0x4 | C 0x8 (CACHE) | XN 0x10 (no EXEC) | AP[0]
	 * 0x400 | AP[1] 0x800 (not PRIV) | TEX[0] 0x1000 | S 0x10000 | nG
	 * 0x20000 = 0x31c1e; AP[2] clear (WRITE); address 0x12300000.
	 */
	{ "1M section RW cached", { .ias = 32 }, 1, 0x12300000, SZ_1M,
	  RW | CACHE, 0x12331c1e, 0 },
	/*
	 * Section: 0x2 | B 0x4 (MMIO: TEX 000 C 0 B 1) | AP[0] 0x400 |
	 * AP[2] 0x8000 (read-only) | S | nG = 0x38406; AP[1] clear (PRIV), XN
	 * clear (EXEC); address 0xfff00000, the last section of 4GB.
	 */
	{ "1M section RO privileged executable MMIO", { .ias = 32 }, 1,
	  0xfff00000, SZ_1M, R | X | PRIV | MMIO, 0xfff38406, 0 },
	/* Every permission, cached: 0x2 | 0x4 | 0x8 | 0x400 | 0x1000 | S | nG. */
	{ "1M section RWX privileged cached", { .ias = 32 }, 1, 0x00100000,
	  SZ_1M, RW | X | PRIV | CACHE, 0x0013140e, 0 },
	/* Non-cacheable (TEX[0] only): 0x2 | 0x10 | 0x400 | 0x800 | 0x1000 | S | nG. */
	{ "1M section RW at the top of 4GB", { .ias = 32 }, 1, 0xfff00000,
	  SZ_1M, RW, 0xfff31c12, 0 },
	/*
	 * Supersection: as a section 0x31c12 (RW, non-cacheable, XN) plus
	 * bit 18 0x40000 = 0x71c12; address bits 31:24 0x45000000.
	 */
	{ "16M supersection RW", { .ias = 32 }, 1, 0x45000000, SZ_16M, RW,
	  0x45071c12, 0 },
	/* The 16th entry of the same supersection holds the same value. */
	{ "16M supersection RW, entry 15", { .ias = 32 }, 1, 0x45f00000, SZ_16M,
	  RW, 0x45071c12, 0 },
	/*
	 * Small page: XN 0x1 | 0x2 | B 0x4 | C 0x8 | AP[0] 0x10 | AP[1] 0x20
	 * | TEX[0] 0x40 | S 0x400 | nG 0x800 = 0xc7f; address 0x12345000.
	 */
	{ "4K small page RW cached", { .ias = 32 }, 0, 0x12345000, SZ_4K,
	  RW | CACHE, 0x12345c7f, 0 },
	/*
	 * Small page: 0x2 | AP[0] 0x10 | TEX[0] 0x40 | AP[2] 0x200 | S 0x400
	 * | nG 0x800 = 0xe52: read-only, privileged, executable.
	 */
	{ "4K small page RO privileged executable", { .ias = 32 }, 0, 0x1000,
	  SZ_4K, R | X | PRIV, 0x00001e52, 0 },
	/* Small page: XN 0x1 | 0x2 | B 0x4 | AP[0] 0x10 | S | nG = 0xc17. */
	{ "4K small page RW privileged MMIO", { .ias = 32 }, 0, 0xfe000000,
	  SZ_4K, RW | PRIV | MMIO, 0xfe000c17, 0 },
	/* The last page of 4GB, RO: 0x1 | 0x2 | 0x10 | 0x20 | 0x40 | 0x200 | S | nG. */
	{ "4K small page at the top of 4GB", { .ias = 32 }, 0, 0xfffff000,
	  SZ_4K, R, 0xfffffe73, 0 },
	/*
	 * Large page: 0x1 | B 0x4 | C 0x8 | AP[0] 0x10 | AP[1] 0x20 | S 0x400
	 * | nG 0x800 | TEX[0] 0x1000 | XN 0x8000 = 0x9c3d; address bits
	 * 31:16 0x87650000.
	 */
	{ "64K large page RW cached", { .ias = 32 }, 0, 0x87650000, SZ_64K,
	  RW | CACHE, 0x87659c3d, 0 },
	/* Its 16th entry (pa + 15 * 4K) is the same value. */
	{ "64K large page RW cached, entry 15", { .ias = 32 }, 0, 0x8765f000,
	  SZ_64K, RW | CACHE, 0x87659c3d, 0 },
	/*
	 * Large page: 0x1 | AP[0] 0x10 | AP[1] 0x20 | AP[2] 0x200 | S | nG |
	 * TEX[0] 0x1000 = 0x1e31: read-only, executable, non-cacheable.
	 */
	{ "64K large page RO executable", { .ias = 32 }, 0, 0x10000, SZ_64K,
	  R | X, 0x00011e31, 0 },
	/* Large page MMIO: 0x1 | B 0x4 | AP[0] | AP[1] | S | nG | XN 0x8000. */
	{ "64K large page RW MMIO", { .ias = 32 }, 0, 0xfffe0000, SZ_64K,
	  RW | MMIO, 0xfffe8c35, 0 },
};

static void v7s_golden_leaves(void)
{
	fc_golden(&ref_v7s, golden_leaves, TH_ARRAY_SIZE(golden_leaves));
}

/*
 * A supersection carries PA[35:32] in bits 23:20 and PA[39:36] in bits
 * 8:5: 0x5a45000000 is 0x45000000 | 0xa << 20 | 0x5 << 5 | 0x71c12 =
 * 0x45a71cb2. The format writes them when asked (an oas-32 tree never
 * does) and always decodes them.
 */
static void v7s_supersection_high_pa(void)
{
	struct pt_cfg cfg;

	if (!fc_cfg(&cfg, fmt, 0, 32, 0))
		return;
	CHECK_EQ(fmt->mk_leaf(&cfg, 1, 0x5a45000000ULL, SZ_16M, RW),
		 0x45a71cb2, "supersection above 4GB");
	CHECK_EQ(fmt->entry_pa(&cfg, 1, 0x45a71cb2), 0x5a45000000ULL,
		 "supersection PA[39:32]");
}

static void v7s_table_entries(void)
{
	struct pt_cfg cfg;

	if (!fc_cfg(&cfg, fmt, 0, 32, 0))
		return;
	/* Page table descriptor: address bits 31:10 | 0b01, domain 0. */
	CHECK_EQ(fmt->mk_table(&cfg, 1, 0x12345400), 0x12345401, "table");
	CHECK_EQ(fmt->mk_table(&cfg, 1, 0xfffffc00), 0xfffffc01,
		 "table at the top of 4GB");
	CHECK_KIND(&cfg, 1, 0x12345401, PT_ENTRY_TABLE, "table");
	CHECK_EQ(fmt->entry_pa(&cfg, 1, 0xfffffc01), 0xfffffc00,
		 "table address");
	/* Domain, NS, PXN bits of a table descriptor are not address. */
	CHECK_EQ(fmt->entry_pa(&cfg, 1, 0x123457ed), 0x12345400,
		 "table with attribute bits");
}

static void v7s_kinds(void)
{
	struct pt_cfg cfg;

	if (!fc_cfg(&cfg, fmt, 0, 32, 0))
		return;
	CHECK_KIND(&cfg, 1, 0, PT_ENTRY_EMPTY, "zero");
	CHECK_KIND(&cfg, 1, 0xfffffffc, PT_ENTRY_EMPTY, "first level 0b00");
	CHECK_KIND(&cfg, 1, 0x12300002, PT_ENTRY_LEAF, "section");
	CHECK_KIND(&cfg, 1, 0x12300003, PT_ENTRY_LEAF, "section with PXN");
	CHECK_KIND(&cfg, 1, 0x12340002, PT_ENTRY_LEAF, "supersection");
	CHECK_KIND(&cfg, 0, 0, PT_ENTRY_EMPTY, "zero");
	CHECK_KIND(&cfg, 0, 0xfffffffc, PT_ENTRY_EMPTY, "second level 0b00");
	CHECK_KIND(&cfg, 0, 0x12340001, PT_ENTRY_LEAF, "large page");
	CHECK_KIND(&cfg, 0, 0x12345002, PT_ENTRY_LEAF, "small page");
	CHECK_KIND(&cfg, 0, 0x12345003, PT_ENTRY_LEAF, "small page, XN");
}

/* Attribute bits never leak into addresses; sizes come from the type. */
static void v7s_entry_pa_masks(void)
{
	struct pt_cfg cfg;

	if (!fc_cfg(&cfg, fmt, 0, 32, 0))
		return;
	CHECK_EQ(fmt->entry_pa(&cfg, 0, 0x12345fff), 0x12345000,
		 "small page with every attribute");
	CHECK_EQ(fmt->leaf_size(&cfg, 0, 0x12345fff), SZ_4K, "small page");
	/* Bits 15:2 of a large page are attributes: 0x8765fffd. */
	CHECK_EQ(fmt->entry_pa(&cfg, 0, 0x8765fffd), 0x87650000,
		 "large page with every attribute");
	CHECK_EQ(fmt->leaf_size(&cfg, 0, 0x8765fffd), SZ_64K, "large page");
	/* A section: bit 18 clear, bits 19:2 attributes. */
	CHECK_EQ(fmt->entry_pa(&cfg, 1, 0x123bfffe), 0x12300000,
		 "section with every attribute");
	CHECK_EQ(fmt->leaf_size(&cfg, 1, 0x123bfffe), SZ_1M, "section");
	CHECK_EQ(fmt->leaf_size(&cfg, 1, 0x45071c12), SZ_16M, "supersection");
}

/*
 * Decoding entries this format does not write, through the TEX remap of
 * v7s_regs(): TEX[0]:C:B = 0b011 is strongly-ordered there (PRRR TR3 = 0),
 * so MMIO; TEX[2:1] are ignored, so TEX 0b111 C B is index 7, cached; a
 * first-level 0b11 is a section with PXN, not executable.
 */
static void v7s_decode_foreign(void)
{
	struct pt_cfg cfg;

	if (!fc_cfg(&cfg, fmt, 0, 32, 0))
		return;
	/* 0x2 | B | C | AP[0] | AP[1] at 0x1000: RW, executable. */
	CHECK_EQ(fmt->leaf_prot(&cfg, 0, 0x0000103e), RW | X | MMIO,
		 "small page, index 3");
	/* The same with TEX 0b111 (0x1c0). */
	CHECK_EQ(fmt->leaf_prot(&cfg, 0, 0x000021fe), RW | X | CACHE,
		 "small page, TEX 0b111");
	/* 0x3 | AP[0] | AP[1] | TEX[0] | S | nG, XN clear. */
	CHECK_EQ(fmt->leaf_prot(&cfg, 1, 0x12331c03), RW,
		 "section with PXN");
}

/* Entries 0-3, 8 and 15 of 16-entry leaves. */
static void v7s_prot_round_trip(void)
{
	fc_prot_round_trip(&ref_v7s, &(struct pt_params){ .ias = 32 }, 0x5f000000,
			   PT_PROT_ALL);
}

/*
 * TTBR0 = root | IRGN[1] 0 (bit 0) | S 0x2 | RGN 0b01 0x8 | NOS 0x20 |
 * IRGN[0] 0x40 = root | 0x6a.
 * TTBCR = N (bits 2:0) | PD1 0x20 when N > 0.
 * PRRR = TR1 0b01 (0x4) | TR4 0b10 (0x200) | TR7 0b10 (0x8000) | DS0
 * 0x10000 | DS1 0x20000 | NS1 0x80000 | NOS7 0x80000000 = 0x800b8204.
 * NMRR = IR7 0b01 (0x4000) | OR7 0b01 (0x40000000) = 0x40004000.
 */
static void v7s_regs(void)
{
	static const struct {
		u32 ias;
		u64 tcr;
	} cases[] = {
		{ 32, 0 }, { 31, 0x21 }, { 28, 0x24 }, { 25, 0x27 },
	};
	struct pt_hw_regs regs;
	struct fc_tree t;
	unsigned int i;

	for (i = 0; i < TH_ARRAY_SIZE(cases); i++) {
		struct pt_params params = { .ias = cases[i].ias };
		u64 root;

		if (!fc_new(&t, &ref_v7s, &params))
			continue;
		root = pt_root_pa(&t.pt);
		CHECK(root < SZ_4G && !(root & ((16384 >> (32 - cases[i].ias)) - 1)),
		      "root %#llx", (unsigned long long)root);
		fmt->regs(&t.pt.cfg, root, &regs);
		CHECK_EQ(regs.ttbr, root | 0x6a, "TTBR0");
		CHECK_EQ(regs.tcr, cases[i].tcr, "TTBCR");
		CHECK_EQ(regs.mair, 0x40004000800b8204ULL, "NMRR:PRRR");
		fc_free(&t);
	}
}

static void v7s_geometry(void)
{
	static const u32 sizes[] = { 32, 31, 30, 28, 25 };
	struct pt_cfg cfg;
	unsigned int i;

	for (i = 0; i < TH_ARRAY_SIZE(sizes); i++) {
		if (!fc_cfg(&cfg, fmt, 0, sizes[i], 0))
			continue;
		CHECK_INT(cfg.levels, 2, "levels");
		CHECK_INT(cfg.granule_shift, 12, "granule");
		CHECK_INT(cfg.ias, sizes[i], "ias");
		CHECK_INT(cfg.oas, 32, "oas");
		CHECK_INT(cfg.entry_shift, 2, "4-byte descriptors");
		CHECK_EQ(cfg.pgsize_bitmap, ALL_SIZES, "default page sizes");
		CHECK_INT(cfg.lvl[0].shift, 12, "level 0 shift");
		CHECK_INT(cfg.lvl[0].index_bits, 8, "256 entries");
		CHECK_EQ(cfg.lvl[0].pgsizes, SZ_4K | SZ_64K, "level 0 sizes");
		CHECK_INT(cfg.lvl[1].shift, 20, "level 1 shift");
		/* 4096 entries for 32 bits, halved per TTBCR.N. */
		CHECK_INT(cfg.lvl[1].index_bits, sizes[i] - 20, "index bits");
		CHECK_EQ(cfg.lvl[1].pgsizes, SZ_1M | SZ_16M, "level 1 sizes");
		CHECK_EQ(pt_table_bytes(&cfg, 1), 4ULL << (sizes[i] - 20),
			 "first-level table bytes");
		CHECK_EQ(pt_table_bytes(&cfg, 0), 1024, "1KB second-level table");
	}
	fc_defaults(fmt, 12, 32, 32, ALL_SIZES, 2);
	fc_identity(fmt, PTLAB_FMT_ARM_V7S, "arm-v7s");
}

static void v7s_params(void)
{
	static const struct fc_param cases[] = {
		{ { .granule_shift = 12 }, 0, "4K granule" },
		{ { .granule_shift = 14 }, -EOPNOTSUPP, "16K granule" },
		{ { .granule_shift = 16 }, -EOPNOTSUPP, "64K granule" },
		{ { .ias = 24 }, -EINVAL, "ias 24 (TTBCR.N 8)" },
		{ { .ias = 33 }, -EINVAL, "ias 33" },
		{ { .ias = 48 }, -EINVAL, "ias 48" },
		{ { .ias = 25 }, 0, "ias 25" },
		{ { .oas = 32 }, 0, "oas 32" },
		{ { .oas = 31 }, -EINVAL, "oas 31" },
		{ { .oas = 36 }, -EINVAL, "oas 36" },
		{ { .oas = 40 }, -EINVAL, "oas 40 (supersections only)" },
		{ { .pgsize_bitmap = SZ_4K }, 0, "4K only" },
		{ { .pgsize_bitmap = SZ_4K | SZ_1M }, 0, "4K and 1M" },
		{ { .pgsize_bitmap = SZ_4K | SZ_16M }, 0, "4K and 16M" },
		{ { .pgsize_bitmap = SZ_4K | SZ_64K }, 0, "4K and 64K" },
		{ { .pgsize_bitmap = ALL_SIZES }, 0, "all four" },
		{ { .pgsize_bitmap = SZ_64K | SZ_1M }, -EINVAL, "no 4K" },
		{ { .pgsize_bitmap = SZ_4K | 0x200000 }, -EINVAL, "2M" },
		{ { .pgsize_bitmap = SZ_4K | 0x2000 }, -EINVAL, "8K" },
		{ { .pgsize_bitmap = SZ_4K | 0x40000000 }, -EINVAL, "1G" },
	};

	fc_params(fmt, cases, TH_ARRAY_SIZE(cases));
}

static bool v7s_new(struct fc_tree *t, u32 ias, u64 pgsizes)
{
	return fc_new(t, &ref_v7s, &(struct pt_params){ .ias = ias,
						    .pgsize_bitmap = pgsizes });
}

/* A table of each size: 16KB (or 16KB >> N) first level, 1KB second. */
static void v7s_engine_table_bytes(void)
{
	struct fc_tree t;

	if (!v7s_new(&t, 32, 0))
		return;
	CHECK(t.ctx.live_tables == 1 && t.ctx.last_table == t.pt.root &&
	      t.ctx.last_bytes == 16384, "root: %ld tables, %zu bytes",
	      t.ctx.live_tables, t.ctx.last_bytes);
	fc_map_ok(&t, 0x1000, 0x1000, SZ_4K, RW);
	CHECK(t.ctx.live_tables == 2 && t.ctx.last_bytes == 1024 &&
	      !((uintptr_t)t.ctx.last_table & 1023),
	      "second level: %ld tables, %zu bytes", t.ctx.live_tables,
	      t.ctx.last_bytes);
	fc_free(&t);

	if (!v7s_new(&t, 25, 0))
		return;
	CHECK(t.ctx.live_tables == 1 && t.ctx.last_table == t.pt.root &&
	      t.ctx.last_bytes == 128, "TTBCR.N 7 root: %zu bytes",
	      t.ctx.last_bytes);
	fc_free(&t);
}

/* Every size maps, walks at any offset, iterates and unmaps alone. */
static void v7s_engine_page_sizes(void)
{
	static const struct {
		u64 iova, pa, size;
		long tables;
	} cases[] = {
		{ 0x00001000, 0x12345000, SZ_4K, 2 },
		{ 0x7654f000, 0x00fff000, SZ_4K, 2 },
		{ 0xfffff000, 0xfffff000, SZ_4K, 2 },
		{ 0x00010000, 0x87650000, SZ_64K, 2 },
		{ 0x40ff0000, 0x00010000, SZ_64K, 2 },
		{ 0xffff0000, 0x30000000, SZ_64K, 2 },
		{ 0x00100000, 0x12300000, SZ_1M, 1 },
		{ 0x7ff00000, 0xfff00000, SZ_1M, 1 },
		{ 0xfff00000, 0x00100000, SZ_1M, 1 },
		{ 0x01000000, 0x45000000, SZ_16M, 1 },
		{ 0x80000000, 0xff000000, SZ_16M, 1 },
		{ 0xff000000, 0x01000000, SZ_16M, 1 },
	};
	static const u32 prots[] = { RW | CACHE, R | X, RW | PRIV | MMIO };
	struct fc_tree t;
	unsigned int i, k;

	for (i = 0; i < TH_ARRAY_SIZE(cases); i++) {
		u64 iova = cases[i].iova, pa = cases[i].pa;
		u64 size = cases[i].size, off = size / 2 + 0x123;
		u32 prot = prots[i % TH_ARRAY_SIZE(prots)];

		if (!v7s_new(&t, 32, 0))
			return;
		fc_map_one(&t, iova, pa, size, prot, cases[i].tables);
		/* A 64K or 16M leaf is 16 entries; each walks to the leaf. */
		if (size == SZ_64K || size == SZ_16M)
			for (k = 1; k < 16; k++)
				fc_walk_expect(&t, iova + k * size / 16 + 4,
					       pa + k * size / 16 + 4, size,
					       prot);
		if (iova)
			fc_walk_none(&t, iova - 1, -ENOENT);
		if (iova + size < SZ_4G)
			fc_walk_none(&t, iova + size, -ENOENT);
		fc_unmap_expect_n(&t, iova, size, 0, size, 1);
		EXPECT_REMOVED(&t, "removed", prot, { iova, pa, size, 1 });
		EXPECT_EMPTY(&t, "after unmap");
		CHECK_INT(t.ctx.live_tables, 1, "tables after unmap");
		/* Remap elsewhere in pa after the unmap. */
		fc_map_ok(&t, iova, pa ^ 0x40000000, size, RW);
		fc_walk_expect(&t, iova + off, (pa ^ 0x40000000) + off, size,
			       RW);
		fc_free(&t);
	}
}

/* The largest size that alignment and the length allow, at every step. */
static void v7s_engine_largest_page(void)
{
	struct fc_tree t;
	u64 mapped;

	/* 16M + 1M + 64K + 4K, aligned: one of each. */
	if (!v7s_new(&t, 32, 0))
		return;
	fc_map_ok(&t, 0x01000000, 0x45000000, SZ_16M + SZ_1M + SZ_64K + SZ_4K,
		  RW);
	EXPECT(&t, "one of each", RW, { 0x01000000, 0x45000000, SZ_16M, 1 },
	       { 0x02000000, 0x46000000, SZ_1M, 1 },
	       { 0x02100000, 0x46100000, SZ_64K, 1 },
	       { 0x02110000, 0x46110000, SZ_4K, 1 });
	fc_walk_expect(&t, 0x02110fff, 0x46110fff, SZ_4K, RW);
	fc_free(&t);

	/* Up to a 1M boundary in 4K and 64K steps, then sections. */
	if (!v7s_new(&t, 32, 0))
		return;
	fc_map_ok(&t, 0x000ef000, 0x300ef000,
		  SZ_4K + SZ_64K + 2 * SZ_1M + SZ_4K, R);
	EXPECT(&t, "4K 64K 1M 1M 4K", R, { 0x000ef000, 0x300ef000, SZ_4K, 1 },
	       { 0x000f0000, 0x300f0000, SZ_64K, 1 },
	       { 0x00100000, 0x30100000, SZ_1M, 2 },
	       { 0x00300000, 0x30300000, SZ_4K, 1 });
	fc_free(&t);

	/* A pa 4K off every larger alignment: small pages only. */
	if (!v7s_new(&t, 32, 0))
		return;
	fc_map_ok(&t, 0x00100000, 0x12301000, 2 * SZ_1M, RW);
	EXPECT(&t, "misaligned pa", RW, { 0x00100000, 0x12301000, SZ_4K, 512 });
	CHECK_INT(t.ctx.live_tables, 3, "two second-level tables");
	fc_free(&t);

	/* A pa 64K-aligned only: large pages. */
	if (!v7s_new(&t, 32, 0))
		return;
	fc_map_ok(&t, 0x01000000, 0x12310000, SZ_1M, RW);
	EXPECT(&t, "64K-aligned pa", RW, { 0x01000000, 0x12310000, SZ_64K, 16 });
	fc_free(&t);

	/* The page sizes of the call, then those of the tree. */
	if (!v7s_new(&t, 32, 0))
		return;
	CHECK_INT(fc_map_sizes(&t, 0x01000000, 0x45000000, SZ_16M, RW,
			       SZ_4K | SZ_1M, &mapped), 0, "4K|1M");
	EXPECT(&t, "16 sections", RW, { 0x01000000, 0x45000000, SZ_1M, 16 });
	CHECK_INT(fc_map_sizes(&t, 0x03000000, 0x46000000, SZ_1M, RW, SZ_4K,
			       &mapped), 0, "4K only");
	fc_free(&t);

	if (!v7s_new(&t, 32, SZ_4K | SZ_1M))
		return;
	fc_map_ok(&t, 0x00010000, 0x00010000, SZ_64K, RW);
	EXPECT(&t, "no 64K in the tree", RW, { 0x00010000, 0x00010000, SZ_4K, 16 });
	fc_free(&t);
}

/* Mapping over anything mapped is refused at that entry. */
static void v7s_engine_overlap(void)
{
	struct fc_tree t;

	if (!v7s_new(&t, 32, 0))
		return;
	fc_map_ok(&t, 0x00100000, 0x12300000, SZ_1M, RW);
	fc_map_ok(&t, 0x00300000, 0x00005000, SZ_4K, RW);
	fc_map_ok(&t, 0x00513000, 0x00006000, SZ_4K, RW);

	/* A page inside a section, a section over a table, 16M over both. */
	fc_map_fails(&t, 0x00180000, 0x1000, SZ_4K, RW, -EADDRINUSE, 0);
	fc_map_fails(&t, 0x00300000, 0x40000000, SZ_1M, RW, -EADDRINUSE, 0);
	fc_map_fails(&t, 0, 0x41000000, SZ_16M, RW, -EADDRINUSE, 0);
	/* A large page over a small one, the same page again. */
	fc_map_fails(&t, 0x00510000, 0x00010000, SZ_64K, RW, -EADDRINUSE, 0);
	fc_map_fails(&t, 0x00300000, 0x00007000, SZ_4K, R, -EADDRINUSE, 0);
	EXPECT(&t, "unchanged", RW, { 0x00100000, 0x12300000, SZ_1M, 1 },
	       { 0x00300000, 0x00005000, SZ_4K, 1 },
	       { 0x00513000, 0x00006000, SZ_4K, 1 });
	CHECK_INT(t.ctx.live_tables, 3, "tables");

	/* Progress before the collision is reported and kept. */
	fc_map_fails(&t, 0x002fe000, 0x8000, 3 * SZ_4K, RW, -EADDRINUSE,
		     2 * SZ_4K);
	fc_walk_expect(&t, 0x002fe000, 0x8000, SZ_4K, RW);
	fc_walk_expect(&t, 0x002ff000, 0x9000, SZ_4K, RW);
	fc_walk_expect(&t, 0x00300000, 0x5000, SZ_4K, RW);
	fc_free(&t);
}

static void v7s_engine_unmap(void)
{
	u64 x = 0x00700000;
	struct fc_tree t;

	if (!v7s_new(&t, 32, 0))
		return;
	/* A hole stops the unmap, with success and what was removed. */
	fc_map_ok(&t, x, 0x1000, 2 * SZ_4K, RW);
	fc_map_ok(&t, x + 3 * SZ_4K, 0x9000, SZ_4K, RW);
	fc_unmap_expect_n(&t, x, 4 * SZ_4K, 0, 2 * SZ_4K, 2);
	EXPECT_REMOVED(&t, "before the hole", RW, { x, 0x1000, SZ_4K, 2 });
	EXPECT(&t, "after the hole", RW, { x + 3 * SZ_4K, 0x9000, SZ_4K, 1 });
	fc_unmap_expect_n(&t, x, SZ_4K, -ENOENT, 0, 0);
	fc_unmap_expect_n(&t, 0x80000000, SZ_16M, -ENOENT, 0, 0);
	fc_unmap_expect_n(&t, x + 3 * SZ_4K, SZ_4K, 0, SZ_4K, 1);
	CHECK_INT(t.ctx.live_tables, 1, "tables after the last page");

	/* Never split: starting inside a large leaf is refused. */
	fc_map_ok(&t, 0x00520000, 0x00520000, SZ_64K, RW);
	fc_map_ok(&t, 0x00600000, 0x12300000, SZ_1M, RW);
	fc_map_ok(&t, 0x03000000, 0x45000000, SZ_16M, RW);
	fc_unmap_expect_n(&t, 0x00521000, SZ_4K, -EINVAL, 0, 0);
	fc_unmap_expect_n(&t, 0x0052f000, SZ_64K, -EINVAL, 0, 0);
	fc_unmap_expect_n(&t, 0x00680000, SZ_4K, -EINVAL, 0, 0);
	fc_unmap_expect_n(&t, 0x03100000, SZ_1M, -EINVAL, 0, 0);
	fc_unmap_expect_n(&t, 0x03fff000, SZ_4K, -EINVAL, 0, 0);
	EXPECT(&t, "after -EINVAL", RW, { 0x00520000, 0x00520000, SZ_64K, 1 },
	       { 0x00600000, 0x12300000, SZ_1M, 1 },
	       { 0x03000000, 0x45000000, SZ_16M, 1 });

	/* Ending inside removes the whole leaf and reports its size. */
	fc_unmap_expect_n(&t, 0x00520000, SZ_4K, 0, SZ_64K, 1);
	EXPECT_REMOVED(&t, "64K", RW, { 0x00520000, 0x00520000, SZ_64K, 1 });
	CHECK_INT(t.ctx.live_tables, 1, "second-level table freed");
	fc_unmap_expect_n(&t, 0x00600000, SZ_4K, 0, SZ_1M, 1);
	EXPECT_REMOVED(&t, "1M", RW, { 0x00600000, 0x12300000, SZ_1M, 1 });
	fc_unmap_expect_n(&t, 0x03000000, SZ_1M, 0, SZ_16M, 1);
	EXPECT_REMOVED(&t, "16M", RW, { 0x03000000, 0x45000000, SZ_16M, 1 });
	EXPECT_EMPTY(&t, "all unmapped");

	/* One unmap over consecutive maps of every size. */
	fc_map_ok(&t, 0x00ff0000, 0x20ff0000, SZ_64K, RW);
	fc_map_ok(&t, 0x01000000, 0x21000000, SZ_16M, RW);
	fc_map_ok(&t, 0x02000000, 0x22000000, SZ_1M + SZ_4K, RW);
	fc_unmap_expect_n(&t, 0x00ff0000, SZ_64K + SZ_16M + SZ_1M + SZ_4K, 0,
			  SZ_64K + SZ_16M + SZ_1M + SZ_4K, 4);
	EXPECT_REMOVED(&t, "every size", RW,
		       { 0x00ff0000, 0x20ff0000, SZ_64K, 1 },
		       { 0x01000000, 0x21000000, SZ_16M, 1 },
		       { 0x02000000, 0x22000000, SZ_1M, 1 },
		       { 0x02100000, 0x22100000, SZ_4K, 1 });
	EXPECT_EMPTY(&t, "all unmapped again");
	CHECK_INT(t.ctx.live_tables, 1, "only the root");

	/* Remap after unmap. */
	fc_map_ok(&t, 0x00520000, 0x00800000, SZ_64K, R);
	fc_walk_expect(&t, 0x0052abcd, 0x0080abcd, SZ_64K, R);
	fc_free(&t);
}

/* The largest page at the top of the input range, for N = 0 and 7. */
static void v7s_engine_top(void)
{
	struct fc_tree t;
	u64 mapped;

	if (!v7s_new(&t, 32, 0))
		return;
	fc_map_ok(&t, 0xff000000, 0x01000000, SZ_16M, RW);
	fc_walk_expect(&t, 0xffffffff, 0x01ffffff, SZ_16M, RW);
	CHECK_INT(fc_map_sizes(&t, 0xfffff000, 0, 2 * SZ_4K, RW, ALL_SIZES,
			       &mapped), -EINVAL, "map past 4GB");
	fc_walk_none(&t, SZ_4G, -EINVAL);
	fc_unmap_expect_n(&t, 0xff000000, SZ_16M, 0, SZ_16M, 1);
	fc_map_ok(&t, 0xffef0000, 0x7fef0000, SZ_1M + SZ_64K, RW);
	EXPECT(&t, "64K then 1M to the top", RW,
	       { 0xffef0000, 0x7fef0000, SZ_64K, 1 },
	       { 0xfff00000, 0x7ff00000, SZ_1M, 1 });
	fc_free(&t);

	/* TTBCR.N = 7: a 32MB space, a 32-entry first-level table. */
	if (!v7s_new(&t, 25, 0))
		return;
	fc_map_ok(&t, 0x01000000, 0x45000000, SZ_16M, RW | CACHE);
	fc_map_ok(&t, 0x00fff000, 0x12345000, SZ_4K, RW);
	fc_walk_expect(&t, 0x01ffffff, 0x45ffffff, SZ_16M, RW | CACHE);
	fc_walk_expect(&t, 0x00fff010, 0x12345010, SZ_4K, RW);
	fc_walk_none(&t, 0x02000000, -EINVAL);
	CHECK_INT(fc_map_sizes(&t, 0x02000000, 0, SZ_4K, RW, ALL_SIZES,
			       &mapped), -EINVAL, "map past 32MB");
	fc_free(&t);
}

static void v7s_engine_bad_args(void)
{
	struct fc_tree t;

	if (!v7s_new(&t, 32, 0))
		return;
	fc_map_fails(&t, 0x1000, 0x1000, SZ_4K, W, -EINVAL, 0);
	fc_map_fails(&t, 0x1000, 0x1000, SZ_4K, 0, -EINVAL, 0);
	fc_map_fails(&t, 0x1000, 0x1000, SZ_4K, R | CACHE | MMIO, -EINVAL, 0);
	fc_map_fails(&t, 0x1000, SZ_4G, SZ_4K, R, -EINVAL, 0);
	fc_map_fails(&t, 0x1000, SZ_4G - SZ_4K, 2 * SZ_4K, R, -EINVAL, 0);
	fc_map_fails(&t, SZ_4G, 0x1000, SZ_4K, R, -EINVAL, 0);
	fc_map_fails(&t, 0x1800, 0x1000, SZ_4K, R, -EINVAL, 0);
	fc_unmap_expect_n(&t, 0x1800, SZ_4K, -EINVAL, 0, 0);
	CHECK_INT(t.ctx.alloc_calls, 1, "only the root allocated");
	fc_free(&t);
}

/* A failed allocation: -ENOMEM, no table left behind, a retry maps. */
static void v7s_engine_alloc_failure(void)
{
	struct fc_tree t;
	u64 mapped;

	if (!v7s_new(&t, 32, 0))
		return;
	fc_map_ok(&t, 0x00100000, 0x12300000, SZ_1M, RW);
	t.ctx.fail_at = t.ctx.alloc_calls + 1;
	/* A section, then a page that needs a second-level table. */
	CHECK_INT(fc_map_sizes(&t, 0x00200000, 0x12400000, SZ_1M + SZ_4K, RW,
			       ALL_SIZES, &mapped), -ENOMEM, "map");
	CHECK_EQ(mapped, SZ_1M, "mapped before the failure");
	t.ctx.fail_at = 0;
	EXPECT(&t, "after -ENOMEM", RW, { 0x00100000, 0x12300000, SZ_1M, 2 });
	CHECK_INT(t.ctx.live_tables, 1, "no table left");
	fc_map_ok(&t, 0x00300000, 0x12500000, SZ_4K, RW);
	EXPECT(&t, "after the retry", RW, { 0x00100000, 0x12300000, SZ_1M, 2 },
	       { 0x00300000, 0x12500000, SZ_4K, 1 });
	fc_free(&t);
}

/* Destroy reports every leaf once and retires every table. */
static void v7s_engine_destroy(void)
{
	struct fc_tree t;

	if (!v7s_new(&t, 32, 0))
		return;
	fc_map_ok(&t, 0x00010000, 0x00010000, SZ_64K, RW);
	fc_map_ok(&t, 0x00400000, 0x00400000, 2 * SZ_4K, RW);
	fc_map_ok(&t, 0x01000000, 0x45000000, SZ_16M, RW);
	pt_space_destroy(&t.pt, &t.g.pt);
	CHECK_INT(t.g.nr_retired, 3, "tables retired");
	fc_match(&t, "destroy", t.g.leaves, t.g.nr_leaves, RW,
		 (const struct fc_seg[]){
			{ 0x00010000, 0x00010000, SZ_64K, 1 },
			{ 0x00400000, 0x00400000, SZ_4K, 2 },
			{ 0x01000000, 0x45000000, SZ_16M, 1 } }, 3, false);
	fc_free(&t);
}

/*
 * The scenarios of the engine-semantics suite of the format tests
 * (fmt_check.c) that take their sizes from the tree.
 */
static void v7s_sem_suite(void)
{
	fc_sem_sizes(&ref_v7s, &(struct pt_params){ .ias = 32 });
}

static const struct th_test v7s_tests[] = {
	TH_TEST(v7s_golden_leaves),
	TH_TEST(v7s_supersection_high_pa),
	TH_TEST(v7s_table_entries),
	TH_TEST(v7s_kinds),
	TH_TEST(v7s_entry_pa_masks),
	TH_TEST(v7s_decode_foreign),
	TH_TEST(v7s_prot_round_trip),
	TH_TEST(v7s_regs),
	TH_TEST(v7s_geometry),
	TH_TEST(v7s_params),
	TH_TEST(v7s_engine_table_bytes),
	TH_TEST(v7s_engine_page_sizes),
	TH_TEST(v7s_engine_largest_page),
	TH_TEST(v7s_engine_overlap),
	TH_TEST(v7s_engine_unmap),
	TH_TEST(v7s_engine_top),
	TH_TEST(v7s_engine_bad_args),
	TH_TEST(v7s_engine_alloc_failure),
	TH_TEST(v7s_engine_destroy),
	TH_TEST(v7s_sem_suite),
};

int main(int argc, char **argv)
{
	return th_main("test_fmt_v7s", v7s_tests, TH_ARRAY_SIZE(v7s_tests),
		       argc, argv);
}
