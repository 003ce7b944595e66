// SPDX-License-Identifier: GPL-2.0
/*
 * Golden encodings of the Arm variants chosen at creation (PT_QUIRK_*, the
 * uapi's PTLAB_CREATE_ARM_*), each worked out by hand, and their register
 * values, geometry and refusals; then the engine in an upper (TTBR1) range.
 *
 * FEAT_LPA2 (Arm ARM D8.3 "Translation table descriptor formats" with
 * TCR.DS = 1; Linux arch/arm64 pgtable-hwdef.h, PTE_ADDR_HIGH 0x3 << 8 for
 * 4K and 16K pages):
 *   [49:n]  output address in place
 *   [9:8]   OA[51:50]; no SH field (TCR.SH0/SH1 gives shareability)
 *   TCR.DS is bit 59, VTCR.DS bit 32; TTBR BADDR[51:48] in bits 5:2.
 * Other bits as in test_lpae.c: [1:0] type, [4:2] AttrIndx (1 WB, 2
 * device, 0 NC), [6] AP[1] 0x40, [7] AP[2] 0x80, [10] AF 0x400, [11] nG
 * 0x800, [54:53] UXN and PXN 0x0060000000000000; stage 2: S2AP [7:6],
 * MemAttr [5:2], XN [54] 0x0040000000000000.
 * NS is bit 5 (0x20) of a leaf, NSTable bit 63 of a table entry.
 * FEAT_S2FWB MemAttr (D8.6.6): 0b0110 forced write-back (0x18 in place),
 * 0b0101 forced non-cacheable (0x14), 0b0001 Device-nGnRE (0x4).
 * TCR's TTBR1 half (TCR_EL1): T1SZ [21:16], EPD0 [7], IRGN1 [25:24],
 * ORGN1 [27:26], SH1 [29:28], TG1 [31:30] (4K 0b10), IPS [34:32].
 *
 * MediaTek v7s (Linux io-pgtable-arm-v7s.c, ARM_MTK_EXT/MTK_TTBR_EXT with
 * NO_PERMS): address bits 32, 33, 34 in bits 9 (0x200), 4 (0x10) and 5
 * (0x20); no AP or XN. Small page: type 0b10 [1:0], B [2] 0x4, C [3] 0x8,
 * TEX[0] [6] 0x40, S [10] 0x400, nG [11] 0x800. Section: type 0b10, TEX[0]
 * [12] 0x1000, S [16] 0x10000, nG [17] 0x20000, supersection [18] 0x40000,
 * NS [19] 0x80000. First-level table: 0b01, NS [3] 0x8.
 */
#include "ref.h"

#define LPA2		PT_QUIRK_ARM_LPA2
#define TTBR1		PT_QUIRK_ARM_TTBR1
#define NS		PT_QUIRK_ARM_NS
#define OWBWA		PT_QUIRK_ARM_OUTER_WBWA
#define FWB		PT_QUIRK_ARM_S2FWB
#define MTK		PT_QUIRK_ARM_MTK_EXT

static const struct fc_golden golden_s1[] = {
	/*
	 * PA 0xd_0000_1234_5000: bits 49:12 in place 0x1_0000_1234_5000 (bit
	 * 48 of 0xd), OA[51:50] = 0b11 in bits 9:8 (0x300); 0x3 page | 0x4
	 * AttrIndx 1 | 0x40 AP[1] | 0x400 AF | 0x800 nG = 0xc47, no SH: 0xf47.
	 */
	{ "LPA2 4K page RW cached above 2^50",
	  { .ias = 52, .oas = 52, .quirks = LPA2 }, 0, 0xd000012345000ULL, 0,
	  R | W | CACHE, 0x0061000012345f47ULL, 0 },
	/*
	 * A 512G block at Arm level 0 (engine level 3), PA 0x8_0080_0000_0000:
	 * bit 39 in place, OA[51:50] = 0b10 (0x200); 0x1 block | 0x40 | 0x80
	 * AP[2] | 0x400 | 0x800 = 0xcc1 | 0x200 = 0xec1; XN.
	 */
	{ "LPA2 4K 512G block RO non-cacheable",
	  { .ias = 52, .oas = 52, .quirks = LPA2 }, 3, 0x8008000000000ULL, 0,
	  R, 0x0060008000000ec1ULL, 0 },
	/* 48 bits with DS = 1: no SH bits, 0x1 | 0x4 | 0x40 | 0x400 | 0x800. */
	{ "LPA2 4K 1G block RW cached 48-bit",
	  { .ias = 48, .oas = 48, .quirks = LPA2 }, 2, 0x40000000ULL, 0,
	  R | W | CACHE, 0x0060000040000c45ULL, 0 },
	/*
	 * 16K: a 64G block at Arm level 1 (engine level 2), PA
	 * 0x4_0010_0000_0000: bit 36 in place, OA[51:50] = 0b01 (0x100);
	 * 0x1 | 0x8 AttrIndx 2 | 0x40 | 0x400 | 0x800 = 0xc49 | 0x100.
	 */
	{ "LPA2 16K 64G block MMIO",
	  { .granule_shift = 14, .ias = 52, .oas = 52, .quirks = LPA2 }, 2,
	  0x4001000000000ULL, 0, R | W | MMIO, 0x0060001000000d49ULL, 0 },
	/* 16K page: bits 49:14; OA 0x3_0000_8000_4000: bits 49:48 in place. */
	{ "LPA2 16K page RWX privileged",
	  { .granule_shift = 14, .ias = 52, .oas = 52, .quirks = LPA2 }, 0,
	  0x3000080004000ULL, 0, R | W | X | PRIV, 0x0003000080004c03ULL, 0 },
	/* NS: test_lpae.c's 0x0060000012345f47 with bit 5. */
	{ "NS 4K page RW cached", { .ias = 48, .oas = 48, .quirks = NS }, 0,
	  0x12345000, 0, R | W | CACHE, 0x0060000012345f67ULL, 0 },
	/* TTBR1 and outer WBWA change no descriptor. */
	{ "TTBR1 4K page RW cached",
	  { .ias = 48, .oas = 48, .quirks = TTBR1 | OWBWA }, 0, 0x12345000, 0,
	  R | W | CACHE, 0x0060000012345f47ULL, 0 },
};

static const struct fc_golden golden_s2[] = {
	/*
	 * S2FWB, cacheable: 0x3 | MemAttr 0b0110 0x18 | S2AP 0xc0 | SH inner
	 * 0x300 | AF 0x400 = 0x7db; XN 54.
	 */
	{ "S2FWB 4K page RW forced write-back", { .ias = 48, .quirks = FWB }, 0,
	  0x12345000, 0, R | W | CACHE, 0x00400000123457dbULL, 0 },
	/* Non-cacheable 0b0101: 0x3 | 0x14 | 0x40 | SH outer 0x200 | 0x400. */
	{ "S2FWB 4K page RO non-cacheable", { .ias = 48, .quirks = FWB }, 0,
	  0x12345000, 0, R, 0x0040000012345657ULL, 0 },
	/* Device-nGnRE 0b0001: 0x3 | 0x4 | 0xc0 | 0x200 | 0x400. */
	{ "S2FWB 4K page MMIO", { .ias = 48, .quirks = FWB }, 0, 0xfe000000, 0,
	  R | W | MMIO, 0x00400000fe0006c7ULL, 0 },
	/*
	 * LPA2 stage 2, 2M block, PA 0xc_0000_0020_0000: OA[51:50] 0b11
	 * (0x300), no SH; 0x1 | 0x3c MemAttr 0xf | 0x40 | 0x400 = 0x47d.
	 */
	{ "LPA2 s2 2M block RO cached", { .ias = 52, .oas = 52, .quirks = LPA2 },
	  1, 0xc000000200000ULL, 0, R | CACHE, 0x004000000020077dULL, 0 },
};

static const struct fc_golden golden_mtk[] = {
	/*
	 * PA 0x5_1234_5000 (bits 32 and 34): 0x12345000 | 0x200 | 0x20;
	 * 0x2 small | 0x4 B | 0x8 C | 0x40 TEX[0] (index 7, WB) | 0x400 S |
	 * 0x800 nG; no AP, no XN.
	 */
	{ "MTK small page above 4G cached", { .quirks = MTK }, 0,
	  0x512345000ULL, 0, R | W | X | CACHE, 0x12345e6eULL, 0 },
	/* PA 0x2_8010_0000 (bit 33, 0x10); 0x2 | 0x1000 TEX[0] (NC) | S | nG. */
	{ "MTK section above 4G non-cacheable", { .quirks = MTK }, 1,
	  0x280100000ULL, 0, R | W | X, 0x80131012ULL, 0 },
	/*
	 * A supersection at PA 0x7_0100_0000 (bits 32-34: 0x230) holds its
	 * address in bits 31:24 and the MTK bits, not the Arm extended
	 * fields: 0x2 | 0x4 B (device) | 0x40000 | 0x30000 S nG.
	 */
	{ "MTK supersection above 4G device", { .quirks = MTK }, 1,
	  0x701000000ULL, SZ_16M, R | W | X | MMIO, 0x01070236ULL, 0 },
	/* A large page: address bits 31:16, TEX[0] at 12; PA 0x4_0001_0000. */
	{ "MTK large page above 4G cached", { .quirks = MTK }, 0,
	  0x400010000ULL, SZ_64K, R | W | X | CACHE, 0x00011c2dULL, 0 },
};

static const struct fc_golden golden_v7s_ns[] = {
	/* test_fmt_v7s's section bits with NS, bit 19. */
	{ "NS section RW cached", { .quirks = NS }, 1, 0x80100000ULL, 0,
	  R | W | CACHE, 0x801b1c1eULL, 0 },
};

static void quirks_golden(void)
{
	fc_golden(&arm_s1, golden_s1, TH_ARRAY_SIZE(golden_s1));
	fc_golden(&arm_s2, golden_s2, TH_ARRAY_SIZE(golden_s2));
	fc_golden(&ref_v7s_mtk, golden_mtk, TH_ARRAY_SIZE(golden_mtk));
	fc_golden(&ref_v7s, golden_v7s_ns, TH_ARRAY_SIZE(golden_v7s_ns));
}

static bool quirks_cfg(struct pt_cfg *cfg, const struct pt_format *fmt,
		       const struct pt_params *p)
{
	int ret = pt_cfg_init(cfg, fmt, p);

	return CHECK(!ret, "%s quirks %#x: %s", fmt->name, p->quirks,
		     th_errname(ret));
}

/* Table entries: the LPA2 address split, NSTable, MTK's bits. */
static void quirks_tables(void)
{
	struct pt_params lpa2 = { .ias = 52, .oas = 52, .quirks = LPA2 };
	struct pt_params ns = { .ias = 48, .quirks = NS };
	struct pt_params mtk = { .quirks = MTK }, v7ns = { .quirks = NS };
	const struct pt_format *s1 = &pt_fmt_arm64_lpae_s1;
	const struct pt_format *v7s = &pt_fmt_arm_v7s;
	struct pt_cfg cfg;

	if (quirks_cfg(&cfg, s1, &lpa2)) {
		/* 0xf_0001_2345_6000: 49:12 in place, 51:50 in 9:8. */
		CHECK_EQ(s1->mk_table(&cfg, 4, 0xf000123456000ULL),
			 0x0003000123456303ULL, "LPA2 level -1 table entry");
		CHECK_EQ(s1->entry_pa(&cfg, 4, 0x0003000123456303ULL),
			 0xf000123456000ULL, "LPA2 table address");
		CHECK_KIND(&cfg, 4, 0x0003000123456301ULL, PT_ENTRY_EMPTY,
			   "no blocks at level -1");
		CHECK_EQ(cfg.levels, 5U, "4K 52-bit levels");
		CHECK_EQ(cfg.lvl[4].index_bits, 4U, "level -1 entries");
		CHECK_EQ(cfg.lvl[3].pgsizes, 1ULL << 39, "512G blocks");
	}
	if (quirks_cfg(&cfg, s1, &ns)) {
		CHECK_EQ(s1->mk_table(&cfg, 1, 0x12345000),
			 0x8000000012345003ULL, "NSTable");
		CHECK_EQ(s1->entry_pa(&cfg, 1, 0x8000000012345003ULL),
			 0x12345000ULL, "NSTable table address");
	}
	if (quirks_cfg(&cfg, v7s, &mtk)) {
		/* 0x3_1234_5c00: bit 32 0x200, bit 33 0x10; 0b01. */
		CHECK_EQ(v7s->mk_table(&cfg, 1, 0x312345c00ULL), 0x12345e11ULL,
			 "MTK table entry");
		CHECK_EQ(v7s->entry_pa(&cfg, 1, 0x12345e11ULL), 0x312345c00ULL,
			 "MTK table address");
		CHECK_EQ(cfg.oas, 35U, "MTK output size");
		CHECK_EQ(cfg.prot_mask, R | W | X | CACHE | MMIO, "MTK prot");
		CHECK_INT(pt_check_prot(&cfg, R | W), -EINVAL, "MTK R|W");
		CHECK_INT(pt_check_prot(&cfg, R | W | X | PRIV), -EOPNOTSUPP,
			  "MTK PRIV");
	}
	if (quirks_cfg(&cfg, v7s, &v7ns))
		CHECK_EQ(v7s->mk_table(&cfg, 1, 0x12345c00), 0x12345c09ULL,
			 "v7s NS table entry");
}

struct quirks_regs {
	const char *what;
	const struct pt_format *fmt;
	struct pt_params p;
	u64 root, ttbr, tcr, mair;
};

static const struct quirks_regs regs_cases[] = {
	/*
	 * The TTBR1 half: (16 | IRGN WBWA 0x100 | ORGN WBWA 0x400 | SH inner
	 * 0x3000) << 16 = 0x35100000, TG1 4K 0b10 << 30, EPD0 0x80, IPS 48
	 * bits 0b101 << 32. MAIR as without it.
	 */
	{ "TTBR1 4K 48", &pt_fmt_arm64_lpae_s1, { .ias = 48, .quirks = TTBR1 },
	  0x40000000, 0x40000000, 0x5b5100080ULL, 0x04ff44ULL },
	/* 16K: T1SZ 25, TG1 0b01. */
	{ "TTBR1 16K 39", &pt_fmt_arm64_lpae_s1,
	  { .granule_shift = 14, .ias = 39, .quirks = TTBR1 }, 0x40000000,
	  0x40000000, 0x575190080ULL, 0x04ff44ULL },
	/* Non-snooping walker: ORGN0 WBWA 0x400, SH0 outer 0x2000, EPD1. */
	{ "outer WBWA 4K 48", &pt_fmt_arm64_lpae_s1,
	  { .ias = 48, .quirks = OWBWA }, 0x40000000, 0x40000000,
	  0x500802410ULL, 0x04ff44ULL },
	/* Both: the outer-WBWA half, 16 up. */
	{ "TTBR1 outer WBWA 4K 48", &pt_fmt_arm64_lpae_s1,
	  { .ias = 48, .quirks = TTBR1 | OWBWA }, 0x40000000, 0x40000000,
	  0x5a4100080ULL, 0x04ff44ULL },
	/*
	 * LPA2, 52 bits: T0SZ 12, IPS 0b110, DS bit 59; the root at
	 * 0xf_0000_1234_0000 puts 0xf in BADDR[51:48], TTBR bits 5:2 (0x3c).
	 */
	{ "LPA2 4K 52", &pt_fmt_arm64_lpae_s1,
	  { .ias = 52, .oas = 52, .quirks = LPA2 }, 0xf000012340000ULL,
	  0x1234003cULL, 0x080000060080350cULL, 0x04ff44ULL },
	/*
	 * Stage 2, 4K, 52 bits: 16 tables concatenated at level 0, so SL0 =
	 * 0b10 (0x80); PS 0b110 << 16, RES1 bit 31, DS bit 32.
	 */
	{ "LPA2 s2 4K 52", &pt_fmt_arm64_lpae_s2,
	  { .ias = 52, .oas = 52, .quirks = LPA2 }, 0x40000000, 0x40000000,
	  0x18006358cULL, 0 },
	/* 16K, 52 bits: level 0, SL0 0b11 (0xc0), TG0 0b10 (0x8000). */
	{ "LPA2 s2 16K 52", &pt_fmt_arm64_lpae_s2,
	  { .granule_shift = 14, .ias = 52, .oas = 52, .quirks = LPA2 },
	  0x40000000, 0x40000000, 0x18006b5ccULL, 0 },
	/* S2FWB: HCR_EL2.FWB, bit 46, where stage 2 has no MAIR. */
	{ "S2FWB s2 4K 40", &pt_fmt_arm64_lpae_s2, { .ias = 40, .quirks = FWB },
	  0x40000000, 0x40000000, 0x80053558ULL, 1ULL << 46 },
	/* The M4U: PT_BASE_ADDR = bits 31:0 | bits 34:32 in 2:0; no remap. */
	{ "MTK v7s", &pt_fmt_arm_v7s, { .quirks = MTK }, 0x40000c000ULL,
	  0xc004ULL, 0, 0 },
};

static void quirks_registers(void)
{
	const struct quirks_regs *c;
	struct pt_hw_regs regs;
	struct pt_cfg cfg;

	for (c = regs_cases; c < regs_cases + TH_ARRAY_SIZE(regs_cases); c++) {
		if (!quirks_cfg(&cfg, c->fmt, &c->p))
			continue;
		c->fmt->regs(&cfg, c->root, &regs);
		CHECK(regs.ttbr == c->ttbr && regs.tcr == c->tcr &&
		      regs.mair == c->mair,
		      "%s: ttbr %#llx tcr %#llx mair %#llx, expected %#llx %#llx %#llx",
		      c->what, (unsigned long long)regs.ttbr,
		      (unsigned long long)regs.tcr,
		      (unsigned long long)regs.mair,
		      (unsigned long long)c->ttbr, (unsigned long long)c->tcr,
		      (unsigned long long)c->mair);
	}
}

struct quirks_refusal {
	const char *what;
	const struct pt_format *fmt;
	struct pt_params p;
	int want;
};

static const struct quirks_refusal refusals[] = {
	{ "s2 TTBR1", &pt_fmt_arm64_lpae_s2, { .quirks = TTBR1 }, -EOPNOTSUPP },
	{ "s2 NS", &pt_fmt_arm64_lpae_s2, { .quirks = NS }, -EOPNOTSUPP },
	{ "s2 outer WBWA", &pt_fmt_arm64_lpae_s2, { .quirks = OWBWA },
	  -EOPNOTSUPP },
	{ "s1 S2FWB", &pt_fmt_arm64_lpae_s1, { .quirks = FWB }, -EOPNOTSUPP },
	{ "s1 MTK", &pt_fmt_arm64_lpae_s1, { .quirks = MTK }, -EOPNOTSUPP },
	{ "Mali LPA2", &pt_fmt_arm_mali_lpae, { .quirks = LPA2 }, -EOPNOTSUPP },
	{ "Mali NS", &pt_fmt_arm_mali_lpae, { .quirks = NS }, -EOPNOTSUPP },
	{ "v7s LPA2", &pt_fmt_arm_v7s, { .quirks = LPA2 }, -EOPNOTSUPP },
	{ "v7s TTBR1", &pt_fmt_arm_v7s, { .quirks = TTBR1 }, -EOPNOTSUPP },
	{ "x86-64 NS", &pt_fmt_x86_64, { .quirks = NS }, -EOPNOTSUPP },
	{ "LPA2 with 64K", &pt_fmt_arm64_lpae_s1,
	  { .granule_shift = 16, .quirks = LPA2 }, -EINVAL },
	{ "4K 52-bit input without LPA2", &pt_fmt_arm64_lpae_s1, { .ias = 52 },
	  -EINVAL },
	{ "16K 52-bit output without LPA2", &pt_fmt_arm64_lpae_s1,
	  { .granule_shift = 14, .oas = 52 }, -EINVAL },
	{ "MTK 36-bit output", &pt_fmt_arm_v7s, { .oas = 36, .quirks = MTK },
	  -EINVAL },
	/* 4K stage 2 from level 0 needs 44 bits of PA, LPA2 or not. */
	{ "LPA2 s2 4K 52/40", &pt_fmt_arm64_lpae_s2,
	  { .ias = 52, .oas = 40, .quirks = LPA2 }, -EINVAL },
};

static void quirks_refused(void)
{
	const struct quirks_refusal *c;
	struct pt_cfg cfg;

	for (c = refusals; c < refusals + TH_ARRAY_SIZE(refusals); c++)
		CHECK_INT(pt_cfg_init(&cfg, c->fmt, &c->p), c->want, c->what);
}

/* The reference geometry of a TTBR1 space, for arm_ref_walk(). */
static const struct arm_ref_space ttbr1_48 = {
	"s1 4K 48 TTBR1", REF_S1, 12, 48, 48, 4, 9, TTBR1,
};

/*
 * An upper range: IOVAs as the CPU sees them. The first and the last page,
 * a 1G block in the middle; walks, iteration and unmaps report the same
 * IOVAs; anything below the range is refused.
 */
static void quirks_ttbr1_engine(void)
{
	struct fc_fmt f = arm_s1;
	struct pt_params p = { .ias = 48, .quirks = TTBR1 };
	const u64 base = 0xffff000000000000ULL;
	struct fc_tree t;
	struct fc_list l;
	u64 mapped;

	f.ref = &ttbr1_48;
	if (!fc_new(&t, &f, &p))
		return;
	CHECK_EQ(t.pt.cfg.iova_base, base, "TTBR1 first IOVA");
	fc_map_ok(&t, base, 0x1000, SZ_4K, R | W);
	fc_map_ok(&t, ~0ULL - SZ_4K + 1, 0x2000, SZ_4K, R | W);
	fc_map_ok(&t, 0xffff800040000000ULL, 0x80000000ULL, SZ_1G, R | W);
	fc_walk_expect(&t, base + 0x123, 0x1123, SZ_4K, R | W);
	fc_walk_expect(&t, ~0ULL, 0x2fff, SZ_4K, R | W);
	fc_walk_expect(&t, 0xffff800040001000ULL, 0x80001000ULL, SZ_1G, R | W);
	fc_walk_none(&t, 0x1000, -EINVAL);
	fc_walk_none(&t, base - SZ_4K, -EINVAL);
	fc_walk_none(&t, base + SZ_4K, -ENOENT);
	CHECK_INT(fc_map(&t, 0x1000, 0x1000, SZ_4K, R, &mapped), -EINVAL,
		  "map below the range");
	CHECK_INT(fc_map(&t, base - SZ_4K, 0x1000, 2 * SZ_4K, R, &mapped),
		  -EINVAL, "map across the range's start");
	EXPECT(&t, "TTBR1 leaves", R | W,
	       { base, 0x1000, SZ_4K, 1 },
	       { 0xffff800040000000ULL, 0x80000000ULL, SZ_1G, 1 },
	       { ~0ULL - SZ_4K + 1, 0x2000, SZ_4K, 1 });
	fc_list_stop(&t, 0, ~0ULL, 0, &l);
	CHECK_EQ((u64)l.nr, 3ULL, "iterate the whole 64-bit range");
	fc_list_fini(&l);
	fc_unmap_expect(&t, ~0ULL - SZ_4K + 1, SZ_4K, 0, SZ_4K);
	fc_unmap_expect(&t, 0xffff800040000000ULL, SZ_1G, 0, SZ_1G);
	fc_unmap_expect(&t, base, SZ_4K, 0, SZ_4K);
	EXPECT_EMPTY(&t, "TTBR1 unmapped");
	fc_free(&t);
}

/* The engine-semantics suite in LPA2 and (what fits v7s) MediaTek spaces. */
static void quirks_sem_suite(void)
{
	struct fc_fmt f = arm_s1;
	struct pt_params lpa2 = { .granule_shift = 12, .ias = 52, .oas = 52,
				  .quirks = LPA2 };
	struct pt_params mtk = { .quirks = MTK };

	f.ref = &arm_ref_spaces[ARM_S1_4K_52_LPA2];
	fc_sem_all(&f, &lpa2);
	fc_sem_sizes(&ref_v7s_mtk, &mtk);
}

static const struct th_test quirks_tests[] = {
	TH_TEST(quirks_golden),
	TH_TEST(quirks_tables),
	TH_TEST(quirks_registers),
	TH_TEST(quirks_refused),
	TH_TEST(quirks_ttbr1_engine),
	TH_TEST(quirks_sem_suite),
};

int main(int argc, char **argv)
{
	return th_main("test_fmt_arm_quirks", quirks_tests,
		       TH_ARRAY_SIZE(quirks_tests), argc, argv);
}
