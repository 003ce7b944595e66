// SPDX-License-Identifier: GPL-2.0
/*
 * Golden encodings of the Arm LPAE stage-1 format (4K, 16K and 64K
 * granules), each worked out by hand from the descriptor formats of the Arm
 * Architecture Reference Manual (VMSAv8-64 translation table descriptors),
 * and its geometry. The 16K and 64K granules start at
 * golden_granule_leaves[]; stage 2, Mali and the engine semantics of all
 * three are in test_fmt_arm_s2.c.
 *
 * Levels are the engine's: 0 is the last level (Arm level 3), so a 48-bit
 * tree has levels 3..0 = Arm levels 0..3.
 *
 * Bits of a block or page descriptor used below:
 *   [1:0]   type: 0b11 page at the last level, 0b01 block above it
 *   [4:2]   AttrIndx: MAIR slot 0 normal non-cacheable, 1 write-back,
 *           2 device-nGnRE
 *   [6]     AP[1]: 1 = accessible from EL0 (unprivileged)      0x40
 *   [7]     AP[2]: 1 = read-only                               0x80
 *   [9:8]   SH: 0b11 inner shareable 0x300, 0b10 outer 0x200
 *   [10]    AF, access flag                                     0x400
 *   [11]    nG, not global: set on every stage-1 leaf          0x800
 *   [47:n]  output address, n = 12 (page), 21 (2M), 30 (1G)
 *   [53]    PXN 0x0020000000000000, [54] UXN 0x0040000000000000
 * A table descriptor is the next table's address | 0b11.
 */
#include "arm_ref.h"

static const struct pt_format *fmt = &pt_fmt_arm64_lpae_s1;

/* Leaves of 48-bit input spaces, with the output size given. */
static const struct fc_golden golden_leaves[] = {
	/*
	 * 0x3 page | 0x4 AttrIndx 1 (CACHE) | 0x40 AP[1] (not PRIV) |
	 * 0x300 SH inner (cacheable) | 0x400 AF | 0x800 nG = 0xf47; AP[2] clear
	 * (WRITE); PXN|UXN 0x0060000000000000 (no EXEC); OA 0x12345000.
	 */
	{ "4K page RW cached", { .ias = 48, .oas = 48 }, 0, 0x12345000, 0,
	  R | W | CACHE, 0x0060000012345f47ULL, 0 },
	/*
	 * 0x1 block | AttrIndx 0 (neither CACHE nor MMIO: normal NC) |
	 * 0x40 AP[1] | 0x200 SH outer | 0x400 AF | 0x800 nG = 0xe41; XN; OA 0x40200000.
	 */
	{ "2M block RW non-cacheable", { .ias = 48, .oas = 48 }, 1, 0x40200000,
	  0, R | W, 0x0060000040200e41ULL, 0 },
	/*
	 * 0x1 block | 0x4 AttrIndx 1 | 0x40 AP[1] | 0x80 AP[2] (no WRITE) |
	 * 0x300 SH inner | 0x400 AF | 0x800 nG = 0xfc5; XN; OA 0x8040000000 (1G
	 * aligned, bits 47:30).
	 */
	{ "1G block RO cached", { .ias = 48, .oas = 48 }, 2, 0x8040000000ULL, 0,
	  R | CACHE, 0x0060008040000fc5ULL, 0 },
	/*
	 * 0x3 page | AttrIndx 0 | AP[1] clear (PRIV: EL1 only) | AP[2]
	 * clear | 0x200 SH outer | 0x400 AF | 0x800 nG = 0xe03; XN; OA 0x1000.
	 */
	{ "4K page RW privileged", { .ias = 48, .oas = 48 }, 0, 0x1000, 0,
	  R | W | PRIV, 0x0060000000001e03ULL, 0 },
	/*
	 * 0x3 page | 0x40 AP[1] | 0x80 AP[2] | 0x200 SH outer | 0x400 AF |
	 * 0x800 nG = 0xec3; EXEC: neither PXN nor UXN; OA 0x2000.
	 */
	{ "4K page RO executable", { .ias = 48, .oas = 48 }, 0, 0x2000, 0,
	  R | X, 0x0000000000002ec3ULL, 0 },
	/*
	 * 0x3 page | 0x8 AttrIndx 2 (device) | AP[1] clear (PRIV) | AP[2]
	 * clear | 0x200 SH outer | 0x400 AF | 0x800 nG = 0xe0b; XN; OA 0xfe000000.
	 */
	{ "4K page MMIO", { .ias = 48, .oas = 48 }, 0, 0xfe000000, 0,
	  R | W | PRIV | MMIO, 0x00600000fe000e0bULL, 0 },
	/*
	 * 0x1 block | 0x4 AttrIndx 1 | 0x300 SH inner | 0x400 AF | 0x800 nG = 0xf05,
	 * every permission: no AP bit, no XN; OA 0x100000000.
	 */
	{ "2M block RWX privileged cached", { .ias = 48, .oas = 48 }, 1,
	  0x100000000ULL, 0, R | W | X | PRIV | CACHE, 0x0000000100000f05ULL,
	  0 },
	/*
	 * The highest 4K page of a 48-bit output space: OA bits 47:12 all
	 * set, 0xfffffffff000; 0x3 | 0x40 | 0x80 | 0x200 | 0x400 | 0x800 nG = 0xec3; XN.
	 */
	{ "4K page at the top of 48-bit PA", { .ias = 48, .oas = 48 }, 0,
	  0xfffffffff000ULL, 0, R, 0x0060fffffffffec3ULL, 0 },
	/* The same with a 40-bit output space: OA 0xfffffff000. */
	{ "4K page at the top of 40-bit PA", { .ias = 48, .oas = 40 }, 0,
	  0xfffffff000ULL, 0, R, 0x006000fffffffec3ULL, 0 },
};

/* Each encodes as worked out, and decoding gives back what was encoded. */
static void lpae_golden_leaves(void)
{
	fc_golden(&arm_s1, golden_leaves, TH_ARRAY_SIZE(golden_leaves));
}

static void lpae_table_entries(void)
{
	struct pt_cfg cfg;
	unsigned int level;

	if (!fc_cfg(&cfg, fmt, 0, 48, 48))
		return;
	for (level = 1; level < cfg.levels; level++) {
		/* Next-level table address | 0b11, nothing else. */
		CHECK_EQ(fmt->mk_table(&cfg, level, 0x12345000), 0x12345003,
			 "table entry");
		CHECK_EQ(fmt->mk_table(&cfg, level, 0xfffffffff000ULL),
			 0xfffffffff003ULL, "table entry at the top of PA");
		CHECK_KIND(&cfg, level, 0x12345003, PT_ENTRY_TABLE,
			   "table entry kind");
		CHECK_EQ(fmt->entry_pa(&cfg, level, 0xfffffffff003ULL),
			 0xfffffffff000ULL, "table address");
	}
}

/*
 * Descriptor types by level. Bit 0 clear is invalid everywhere. At the
 * last level 0b11 is a page and 0b01 is reserved (invalid). Above it 0b11
 * is a table and 0b01 a block (but see lpae_kind_level0_block()).
 */
static void lpae_kinds(void)
{
	struct pt_cfg cfg48, cfg32;
	unsigned int level;

	if (!fc_cfg(&cfg48, fmt, 0, 48, 48) ||
	    !fc_cfg(&cfg32, fmt, 0, 32, 48))
		return;
	for (level = 0; level < 4; level++) {
		CHECK_KIND(&cfg48, level, 0, PT_ENTRY_EMPTY, "zero");
		CHECK_KIND(&cfg48, level, 0x40200002, PT_ENTRY_EMPTY,
			   "type 0b10");
		CHECK_KIND(&cfg48, level, ~0ULL << 2, PT_ENTRY_EMPTY,
			   "attributes without a type");
	}
	CHECK_KIND(&cfg48, 0, 0x12345003, PT_ENTRY_LEAF,
		   "last level 0b11: page");
	CHECK_KIND(&cfg48, 0, 0x12345001, PT_ENTRY_EMPTY,
		   "last level 0b01: reserved");
	CHECK_KIND(&cfg48, 1, 0x40200001, PT_ENTRY_LEAF,
		   "2M level 0b01: block");
	CHECK_KIND(&cfg48, 2, 0x40000001, PT_ENTRY_LEAF,
		   "1G level 0b01: block");
	CHECK_KIND(&cfg48, 3, 0x8000000003ULL, PT_ENTRY_TABLE,
		   "512G level 0b11: table");
	/* The top of a 32-bit tree is Arm level 1, where 1G blocks exist. */
	CHECK_KIND(&cfg32, 2, 0x40000001, PT_ENTRY_LEAF,
		   "1G block in the top table of a 32-bit tree");
}

/*
 * At Arm level 0 of a 4K-granule tree (512G per entry) there are no block
 * descriptors unless output addresses have 52 bits (FEAT_LPA2, TCR.DS):
 * 0b01 there is invalid and a walk takes a translation fault.
 */
static void lpae_kind_level0_block(void)
{
	struct pt_cfg cfg;

	if (!fc_cfg(&cfg, fmt, 0, 48, 48))
		return;
	CHECK_KIND(&cfg, 3, 0x8000000001ULL, PT_ENTRY_EMPTY,
		   "Arm level 0 0b01 (a 512G block) is invalid");
	CHECK_KIND(&cfg, 3, 0x0060008000000641ULL, PT_ENTRY_EMPTY,
		   "Arm level 0 0b01 with block attributes is invalid");
}

/* Attribute and reserved bits never leak into the address. */
static void lpae_entry_pa_masks(void)
{
	struct pt_cfg cfg48, cfg40;

	if (!fc_cfg(&cfg48, fmt, 0, 48, 48) ||
	    !fc_cfg(&cfg40, fmt, 0, 48, 40))
		return;
	/* Upper attributes 63:53, 51:48 and lower 11:2 around 0x1234567000. */
	CHECK_EQ(fmt->entry_pa(&cfg48, 0, 0xffe0001234567fffULL),
		 0x1234567000ULL, "page with every attribute");
	/*
	 * With the contiguous bit (52) as well, the entry is one of 16 that
	 * map a 64K-aligned 64K run: its leaf starts at 0x1234560000.
	 */
	CHECK_EQ(fmt->entry_pa(&cfg48, 0, 0xfff0001234567fffULL),
		 0x1234560000ULL, "contiguous page with every attribute");
	CHECK_EQ(fmt->leaf_size(&cfg48, 0, 0xfff0001234567fffULL), 0x10000ULL,
		 "contiguous page size");
	/* A 2M block with the contiguous bit is one of 16: 32M. */
	CHECK_EQ(fmt->leaf_size(&cfg48, 1, 0x0070000040000641ULL), 0x2000000ULL,
		 "contiguous 2M block size");
	/* A 2M block's OA is bits 47:21; bits 20:12 are RES0. */
	CHECK_EQ(fmt->entry_pa(&cfg48, 1, 0x00600000403ff641ULL),
		 0x40200000ULL, "2M block with bits 20:12 set");
	/* A 1G block's OA is bits 47:30. */
	CHECK_EQ(fmt->entry_pa(&cfg48, 2, 0x006000807ffff7c5ULL),
		 0x8040000000ULL, "1G block with bits 29:12 set");
	/* A 40-bit output space ends at bit 39. */
	CHECK_EQ(fmt->entry_pa(&cfg40, 0, 0x0060fffffffffec3ULL),
		 0xfffffff000ULL, "page in a 40-bit output space");
}

/* check_prot(), and leaf_prot(mk_leaf()) for every accepted prot. */
static void lpae_prot_round_trip(void)
{
	fc_prot_round_trip(&arm_s1, &(struct pt_params){ .ias = 48, .oas = 48 },
			   0x8040000000ULL, PT_PROT_ALL);
}

/*
 * TCR (TTBR0 half) = T0SZ (64 - ias, bits 5:0) | IRGN0 0b01 write-back
 * (bits 9:8, 0x100) | ORGN0 0b01 (bits 11:10, 0x400) | SH0 0b11 (bits
 * 13:12, 0x3000) | TG0 0b00 4K (bits 15:14) | EPD1 (bit 23, 0x800000) |
 * IPS (bits 34:32): 32 bits 0b000, 36 0b001, 40 0b010, 42 0b011, 44 0b100,
 * 48 0b101.
 * MAIR = slot 0 0x44 (normal NC), slot 1 0xff (normal WB RW-allocate),
 * slot 2 0x04 (device-nGnRE): 0x04ff44.
 */
static void lpae_regs(void)
{
	static const struct {
		u32 ias, oas;
		u64 tcr;
	} cases[] = {
		/* 16 | 0x100 | 0x400 | 0x3000 | 0x800000 | 5 << 32 */
		{ 48, 48, 0x0000000500803510ULL },
		/* 32 | 0x100 | 0x400 | 0x3000 | 0x800000 | 2 << 32 */
		{ 32, 40, 0x0000000200803520ULL },
		/* T0SZ 25 = 0x19, IPS 0 */
		{ 39, 32, 0x0000000000803519ULL },
		{ 48, 36, 0x0000000100803510ULL },
		{ 48, 42, 0x0000000300803510ULL },
		{ 48, 44, 0x0000000400803510ULL },
	};
	struct pt_hw_regs regs;
	struct fc_tree t;
	unsigned int i;

	for (i = 0; i < TH_ARRAY_SIZE(cases); i++) {
		struct pt_params params = {
			.ias = cases[i].ias, .oas = cases[i].oas,
		};

		if (!fc_new(&t, &arm_s1, &params))
			continue;
		fmt->regs(&t.pt.cfg, pt_root_pa(&t.pt), &regs);
		CHECK_EQ(regs.tcr, cases[i].tcr, "TCR");
		CHECK_EQ(regs.mair, 0x04ff44, "MAIR");
		CHECK_EQ(regs.ttbr, (u64)(uintptr_t)t.pt.root, "TTBR");
		fc_free(&t);
	}
}

struct geometry {
	u32 ias;
	u32 levels;
	u32 top_index_bits;
};

/* Levels of 9 index bits above the 12-bit page offset; the top is short. */
static const struct geometry geometries[] = {
	{ 48, 4, 9 },	/* 12 + 9 * 4 */
	{ 40, 4, 1 },	/* 2-entry top table at shift 39 */
	{ 39, 3, 9 },	/* 12 + 9 * 3 */
	{ 36, 3, 6 },	/* 64 entries at shift 30 */
	{ 32, 3, 2 },	/* 4 entries at shift 30 */
};

static void lpae_geometry(void)
{
	const struct geometry *geo;
	struct pt_cfg cfg;

	for (geo = geometries; geo < geometries + TH_ARRAY_SIZE(geometries);
	     geo++) {
		if (!fc_cfg(&cfg, fmt, 0, geo->ias, 0))
			continue;
		CHECK_INT(cfg.levels, geo->levels, "levels");
		CHECK_INT(cfg.granule_shift, 12, "granule");
		CHECK_INT(cfg.ias, geo->ias, "ias");
		CHECK_INT(cfg.oas, 48, "default oas");
		/* 4K, 2M and 1G: pages, and blocks at Arm levels 2 and 1. */
		CHECK_EQ(cfg.pgsize_bitmap, 0x40201000, "default page sizes");
		/* 8-byte descriptors; 4K tables but the top one. */
		fc_levels(&cfg, 12, geo->top_index_bits);
	}
	/* Everything defaulted: a 48-bit, 4-level tree. */
	fc_defaults(fmt, 12, 48, 48, 0x40201000, 4);
	fc_identity(fmt, PTLAB_FMT_ARM64_LPAE_S1, "arm64-lpae-s1");
}

static void lpae_params(void)
{
	static const struct fc_param cases[] = {
		/* 16K and 64K are implemented now: see lpae_params_granules(). */
		{ { .granule_shift = 14 }, 0, "16K granule" },
		{ { .granule_shift = 16 }, 0, "64K granule" },
		{ { .granule_shift = 12 }, 0, "4K granule" },
		{ { .granule_shift = 13 }, -EOPNOTSUPP, "8K granule" },
		{ { .granule_shift = 15 }, -EOPNOTSUPP, "32K granule" },
		{ { .granule_shift = 11 }, -EOPNOTSUPP, "2K granule" },
		{ { .granule_shift = ~0U }, -EOPNOTSUPP, "granule ~0" },
		{ { .ias = ~0U }, -EINVAL, "ias ~0" },
		{ { .oas = ~0U }, -EINVAL, "oas ~0" },
		{ { .ias = 31 }, -EINVAL, "ias 31" },
		{ { .ias = 49 }, -EINVAL, "ias 49" },
		{ { .ias = 32 }, 0, "ias 32" },
		{ { .oas = 45 }, -EINVAL, "oas 45" },
		{ { .oas = 52 }, -EINVAL, "oas 52" },
		{ { .oas = 32 }, 0, "oas 32" },
		{ { .oas = 36 }, 0, "oas 36" },
		{ { .oas = 40 }, 0, "oas 40" },
		{ { .oas = 42 }, 0, "oas 42" },
		{ { .oas = 44 }, 0, "oas 44" },
		{ { .pgsize_bitmap = 0x1000 }, 0, "4K only" },
		{ { .pgsize_bitmap = 0x201000 }, 0, "4K and 2M" },
		{ { .pgsize_bitmap = 0x40001000 }, 0, "4K and 1G" },
		{ { .pgsize_bitmap = 0x200000 }, -EINVAL, "2M without 4K" },
		{ { .pgsize_bitmap = 0x40200000 }, -EINVAL, "2M+1G without 4K" },
		{ { .pgsize_bitmap = 0x3000 }, -EINVAL, "8K" },
		/* 64K and 32M are runs of 16 entries with the contiguous hint. */
		{ { .pgsize_bitmap = 0x11000 }, 0, "4K and 64K" },
		{ { .pgsize_bitmap = 0x2201000 }, 0, "4K, 2M and 32M" },
		{ { .pgsize_bitmap = 0x21000 }, -EINVAL, "128K" },
		{ { .pgsize_bitmap = 0x8000001000ULL }, -EINVAL, "512G" },
	};

	fc_params(fmt, cases, TH_ARRAY_SIZE(cases));
}

/* The engine's PT_PROT_* are the uapi's PTLAB_PROT_*. */
static void lpae_prot_values(void)
{
	CHECK_EQ(PT_PROT_READ, PTLAB_PROT_READ, "READ");
	CHECK_EQ(PT_PROT_WRITE, PTLAB_PROT_WRITE, "WRITE");
	CHECK_EQ(PT_PROT_EXEC, PTLAB_PROT_EXEC, "EXEC");
	CHECK_EQ(PT_PROT_PRIV, PTLAB_PROT_PRIV, "PRIV");
	CHECK_EQ(PT_PROT_CACHE, PTLAB_PROT_CACHE, "CACHE");
	CHECK_EQ(PT_PROT_MMIO, PTLAB_PROT_MMIO, "MMIO");
	CHECK_EQ(PT_PROT_ALL, PTLAB_PROT_ALL, "ALL");
}

/*
 * The 16K and 64K granules (Arm ARM, "Translation granule sizes, with
 * block and page sizes"): 16K pages and 32M blocks at Arm level 2, 11
 * index bits a level; 64K pages, 512M blocks at Arm level 2 and, with a
 * 52-bit output size (FEAT_LPA), 4T blocks at Arm level 1, 13 index bits
 * a level. The descriptor bits are the 4K granule's, but the output
 * address of a leaf starts at its own span (bits 47:14 of a 16K page,
 * 47:25 of a 32M block, 47:16 of a 64K page, 47:29 of a 512M block) and,
 * with 52-bit output addresses, OA bits 51:48 sit in descriptor bits 15:12.
 * The contiguous bit (52) joins 128 16K pages (2M) or 32 32M blocks (1G),
 * and 32 64K pages (2M) or 32 512M blocks (16G).
 */
static const struct fc_golden golden_granule_leaves[] = {
	/*
	 * 0x3 page | 0x4 AttrIndx 1 | 0x40 AP[1] | 0x300 SH inner | 0x400 AF
	 * | 0x800 nG = 0xf47; UXN|PXN 0x0060000000000000; OA bits 47:14 0x12344000.
	 */
	{ "16K page RW cached", { .granule_shift = 14, .ias = 48, .oas = 48 },
	  0, 0x12344000, SZ_16K, R | W | CACHE, 0x0060000012344f47ULL,
	  0x12344000 },
	/*
	 * 0x1 block | AttrIndx 0 | 0x40 AP[1] | 0x200 SH outer | 0x400 AF |
	 * 0x800 nG = 0xe41; XN; OA bits 47:25 0x42000000 (32M aligned).
	 */
	{ "32M block RW", { .granule_shift = 14, .ias = 48, .oas = 48 }, 1,
	  0x42000000, SZ_32M, R | W, 0x0060000042000e41ULL, 0x42000000 },
	/*
	 * The second 16K entry of a 2M run of 128 pages: 0x3 | 0x40 | 0x80
	 * AP[2] | 0x200 | 0x400 | 0x800 nG = 0xec3; EXEC: no XN; Contiguous bit 52
	 * 0x0010000000000000; the entry's own OA 0x40204000, the run's
	 * 0x40200000.
	 */
	{ "16K page in a 2M contiguous run",
	  { .granule_shift = 14, .ias = 48, .oas = 48 }, 0, 0x40204000, SZ_2M,
	  R | X, 0x0010000040204ec3ULL, 0x40200000 },
	/*
	 * The second 32M block of a 1G run of 32: 0x1 | 0x8 AttrIndx 2
	 * (device) | no AP bits (PRIV, WRITE) | 0x200 | 0x400 | 0x800 nG = 0xe09; XN;
	 * Contiguous: 0x0070000000000000; OA 0x82000000, run at 0x80000000.
	 */
	{ "32M block in a 1G contiguous run",
	  { .granule_shift = 14, .ias = 48, .oas = 48 }, 1, 0x82000000, SZ_1G,
	  R | W | PRIV | MMIO, 0x0070000082000e09ULL, 0x80000000 },
	/* 0x3 | 0x40 | 0x80 | 0x200 | 0x400 | 0x800 nG = 0xec3; XN; OA 0x12340000. */
	{ "64K page RO", { .granule_shift = 16, .ias = 48, .oas = 48 }, 0,
	  0x12340000, SZ_64K, R, 0x0060000012340ec3ULL, 0x12340000 },
	/*
	 * 0x1 | 0x4 | 0x40 | 0x300 | 0x400 | 0x800 nG = 0xf45, every permission but
	 * PRIV: no AP[2], no XN; OA bits 47:29 0x60000000.
	 */
	{ "512M block RWX cached",
	  { .granule_shift = 16, .ias = 48, .oas = 48 }, 1, 0x60000000, SZ_512M,
	  R | W | X | CACHE, 0x0000000060000f45ULL, 0x60000000 },
	/*
	 * The last 64K page of a 2M run of 32: 0x3 | 0x40 | 0x200 | 0x400 |
	 * 0x800 = 0xe43; XN | Contiguous 0x0070000000000000; OA 0x401f0000.
	 */
	{ "64K page in a 2M contiguous run",
	  { .granule_shift = 16, .ias = 48, .oas = 48 }, 0, 0x401f0000, SZ_2M,
	  R | W, 0x00700000401f0e43ULL, 0x40000000 },
	/*
	 * The last 512M block of a 16G run of 32: 16G + 31 * 512M =
	 * 0x7e0000000; 0x1 | 0x40 | 0x80 | 0x200 | 0x400 | 0x800 nG = 0xec1; XN |
	 * Contiguous; the run starts at 0x400000000.
	 */
	{ "512M block in a 16G contiguous run",
	  { .granule_shift = 16, .ias = 48, .oas = 48 }, 1, 0x7e0000000ULL,
	  SZ_16G, R, 0x00700007e0000ec1ULL, 0x400000000ULL },
	/*
	 * 52-bit output (FEAT_LPA): PA 0x000a123456780000 puts bits 47:16
	 * 0x123456780000 in place and bits 51:48 (0xa) in descriptor bits
	 * 15:12 (0xa000); 0x3 | 0x40 | 0x200 | 0x400 | 0x800 nG = 0xe43; XN.
	 */
	{ "64K page above 48-bit PA",
	  { .granule_shift = 16, .ias = 52, .oas = 52 }, 0,
	  0x000a123456780000ULL, SZ_64K, R | W, 0x006012345678ae43ULL,
	  0x000a123456780000ULL },
	/*
	 * A 4T block at Arm level 1 (engine level 2), only with 52-bit
	 * output: PA 0x000c040000000000 is bit 42 (OA bits 47:42) and 0xc in
	 * bits 51:48 -> 0xc000; 0x1 | 0x40 | 0x80 | 0x200 | 0x400 | 0x800 nG = 0xec1;
	 * XN.
	 */
	{ "4T block", { .granule_shift = 16, .ias = 52, .oas = 52 }, 2,
	  0x000c040000000000ULL, SZ_4T, R, 0x006004000000cec1ULL,
	  0x000c040000000000ULL },
	/*
	 * The 4K granule's contiguous hint: the third 4K page of a 64K run
	 * of 16: 0x3 | 0x4 | 0x40 | 0x300 | 0x400 | 0x800 nG = 0xf47; XN | Contiguous;
	 * OA 0x10002000, run at 0x10000000.
	 */
	{ "4K page in a 64K contiguous run",
	  { .granule_shift = 12, .ias = 48, .oas = 48 }, 0, 0x10002000, SZ_64K,
	  R | W | CACHE, 0x0070000010002f47ULL, 0x10000000 },
	/* A 2M block in a 32M run of 16: 0x1 | 0x40 | 0x200 | 0x400. */
	{ "2M block in a 32M contiguous run",
	  { .granule_shift = 12, .ias = 48, .oas = 48 }, 1, 0x40200000, SZ_32M,
	  R | W, 0x0070000040200e41ULL, 0x40000000 },
};

static void lpae_golden_granule_leaves(void)
{
	fc_golden(&arm_s1, golden_granule_leaves,
		  TH_ARRAY_SIZE(golden_granule_leaves));
}

/* 16K and 64K granules with 48-bit spaces, and 64K with 52 bits. */
static bool lpae_granule_cfgs(struct pt_cfg *c16, struct pt_cfg *c64,
			      struct pt_cfg *c52)
{
	return fc_cfg(c16, fmt, 14, 48, 48) &&
	       fc_cfg(c64, fmt, 16, 48, 48) &&
	       fc_cfg(c52, fmt, 16, 52, 52);
}

/*
 * Table descriptors hold the next table's address, bits 47:granule, and
 * with 52-bit output addresses its bits 51:48 in 15:12 as leaves do.
 */
static void lpae_granule_table_entries(void)
{
	struct pt_cfg c16, c64, c52;

	if (!lpae_granule_cfgs(&c16, &c64, &c52))
		return;
	CHECK_EQ(fmt->mk_table(&c16, 1, 0x12344000), 0x12344003,
		 "16K table entry");
	CHECK_EQ(fmt->mk_table(&c64, 1, 0xfffffff0000ULL), 0xfffffff0003ULL,
		 "64K table entry");
	/* 0x0003000012340000: bits 51:48 = 3 -> 0x3000. */
	CHECK_EQ(fmt->mk_table(&c52, 1, 0x0003000012340000ULL),
		 0x0000000012343003ULL, "64K table entry above 48-bit PA");
	CHECK_EQ(fmt->entry_pa(&c52, 1, 0x0000000012343003ULL),
		 0x0003000012340000ULL, "table address above 48-bit PA");
	CHECK_KIND(&c52, 2, 0x0000000012343003ULL, PT_ENTRY_TABLE,
		   "table entry at Arm level 1");
	/* Bits 13:12 of a 16K table descriptor are RES0, not address. */
	CHECK_EQ(fmt->entry_pa(&c16, 2, 0x12347003), 0x12344000,
		 "16K table address ignores bits 13:12");
	/* Without FEAT_LPA bits 15:12 of a 64K descriptor are RES0. */
	CHECK_EQ(fmt->entry_pa(&c64, 1, 0x1234f003), 0x12340000,
		 "64K table address ignores bits 15:12");
}

/*
 * Which levels hold blocks: with 16K none above Arm level 2 (a 64G block
 * at Arm level 1 needs FEAT_LPA2); with 64K, 4T blocks at Arm level 1 only
 * with 52-bit output addresses. Elsewhere 0b01 is invalid.
 */
static void lpae_granule_kinds(void)
{
	struct pt_cfg c16, c64, c52;
	unsigned int level;

	if (!lpae_granule_cfgs(&c16, &c64, &c52))
		return;
	CHECK_INT(c16.levels, 4, "16K levels");
	CHECK_KIND(&c16, 0, 0x12344003, PT_ENTRY_LEAF, "16K page");
	CHECK_KIND(&c16, 0, 0x12344001, PT_ENTRY_EMPTY, "16K last level 0b01");
	CHECK_KIND(&c16, 1, 0x42000001, PT_ENTRY_LEAF, "32M block");
	CHECK_KIND(&c16, 2, 0x1000000001ULL, PT_ENTRY_EMPTY,
		   "64G block without FEAT_LPA2");
	CHECK_KIND(&c16, 3, 0x800000000001ULL, PT_ENTRY_EMPTY,
		   "128T block at Arm level 0");
	CHECK_KIND(&c16, 2, 0x12344003, PT_ENTRY_TABLE, "16K table");
	CHECK_KIND(&c64, 0, 0x12340003, PT_ENTRY_LEAF, "64K page");
	CHECK_KIND(&c64, 1, 0x60000001, PT_ENTRY_LEAF, "512M block");
	CHECK_KIND(&c64, 2, 0x40000000001ULL, PT_ENTRY_EMPTY,
		   "4T block with 48-bit output");
	CHECK_KIND(&c52, 2, 0x40000000001ULL, PT_ENTRY_LEAF,
		   "4T block with 52-bit output");
	for (level = 0; level < 3; level++) {
		CHECK_KIND(&c64, level, 0, PT_ENTRY_EMPTY, "zero");
		CHECK_KIND(&c64, level, 0x60000002, PT_ENTRY_EMPTY, "0b10");
	}
}

/* Bits outside the output address never leak into it. */
static void lpae_granule_entry_pa_masks(void)
{
	struct pt_cfg c16, c64, c52;

	if (!lpae_granule_cfgs(&c16, &c64, &c52))
		return;
	/* 16K page: bits 13:12 are RES0 (0x12347000 -> 0x12344000). */
	CHECK_EQ(fmt->entry_pa(&c16, 0, 0x00600000123477c7ULL), 0x12344000,
		 "16K page ignores bits 13:12");
	/* 32M block: bits 24:14 are RES0. */
	CHECK_EQ(fmt->entry_pa(&c16, 1, 0x0060000043fff641ULL), 0x42000000,
		 "32M block ignores bits 24:14");
	/* 64K page, 48-bit output: bits 15:12 RES0. */
	CHECK_EQ(fmt->entry_pa(&c64, 0, 0x006000001234f6c3ULL), 0x12340000,
		 "64K page ignores bits 15:12");
	/* The same bits with 52-bit output are PA bits 51:48. */
	CHECK_EQ(fmt->entry_pa(&c52, 0, 0x006000001234f6c3ULL),
		 0x000f000012340000ULL, "64K page: bits 15:12 are PA 51:48");
	/* Descriptor bits 51:48 are never address bits (DBM, GP, RES0). */
	CHECK_EQ(fmt->entry_pa(&c52, 0, 0x006f00001234a6c3ULL),
		 0x000a000012340000ULL, "64K page: bits 51:48 ignored");
	/* 512M block: bits 28:16 are RES0. */
	CHECK_EQ(fmt->entry_pa(&c64, 1, 0x000000007fff0745ULL), 0x60000000,
		 "512M block ignores bits 28:16");
	/*
	 * 4T block: bits 41:16 (0x3ffffff0000) are RES0; bit 42 is the
	 * address, 15:12 still PA 51:48.
	 */
	CHECK_EQ(fmt->entry_pa(&c52, 2, 0x006007ffffffc6c1ULL),
		 0x000c040000000000ULL, "4T block ignores bits 41:16");
	/* 16 entries of 16K with the hint are not a run: 128 are. */
	CHECK_EQ(fmt->leaf_size(&c16, 0, 0x0010000040204ec3ULL), SZ_2M,
		 "16K contiguous run");
	CHECK_EQ(fmt->leaf_size(&c16, 1, 0x0070000082000e09ULL), SZ_1G,
		 "32M contiguous run");
	/* No contiguous run of 4T blocks: the hint is ignored. */
	CHECK_EQ(fmt->leaf_size(&c52, 2, 0x007004000000c6c1ULL), SZ_4T,
		 "4T block with the contiguous bit");
}

/* leaf_prot(mk_leaf()) for every accepted prot, size and granule. */
static void lpae_granule_prot_round_trip(void)
{
	static const struct pt_params g16 = {
		.granule_shift = 14, .ias = 48, .oas = 48,
	}, g64 = {
		.granule_shift = 16, .ias = 52, .oas = 52,
	};

	fc_prot_round_trip(&arm_s1, &g16, 0x8000000000ULL, PT_PROT_ALL);
	/* 0x000b... exercises PA bits 51:48. */
	fc_prot_round_trip(&arm_s1, &g64, 0x000b008000000000ULL, PT_PROT_ALL);
}

/*
 * TCR: TG0 (bits 15:14) 4K 0b00, 64K 0b01 (0x4000), 16K 0b10 (0x8000);
 * IPS 52 bits 0b110. With the common 0x100 IRGN0 | 0x400 ORGN0 | 0x3000
 * SH0 | 0x800000 EPD1 | T0SZ. TTBR with 52-bit output addresses holds
 * BADDR bits 51:48 in bits 5:2 (TTBR0_EL1, FEAT_LPA).
 */
static void lpae_granule_regs(void)
{
	static const struct {
		u32 granule, ias, oas;
		u64 tcr;
	} cases[] = {
		/* 16 | 0x3500 | 0x8000 | 0x800000 | 5 << 32 */
		{ 14, 48, 48, 0x000000050080b510ULL },
		/* 16K, T0SZ 32 (0x20), IPS 0b010 */
		{ 14, 32, 40, 0x000000020080b520ULL },
		/* 64K, T0SZ 12 (0xc), 0x3500 | 0x4000, IPS 0b110 */
		{ 16, 52, 52, 0x000000060080750cULL },
		/* 64K, T0SZ 22 (0x16), IPS 0b010 */
		{ 16, 42, 40, 0x0000000200807516ULL },
		/* 64K, 48 bits: T0SZ 16, IPS 0b101 */
		{ 16, 48, 48, 0x0000000500807510ULL },
		/* 4K unchanged: 16 | 0x3500 | 0x800000 | 5 << 32 */
		{ 12, 48, 48, 0x0000000500803510ULL },
	};
	struct pt_hw_regs regs;
	struct pt_cfg cfg;
	unsigned int i;

	for (i = 0; i < TH_ARRAY_SIZE(cases); i++) {
		if (!fc_cfg(&cfg, fmt, cases[i].granule, cases[i].ias,
			    cases[i].oas))
			continue;
		fmt->regs(&cfg, 0x12340000, &regs);
		CHECK_EQ(regs.tcr, cases[i].tcr, "TCR");
		CHECK_EQ(regs.mair, 0x04ff44, "MAIR");
		CHECK_EQ(regs.ttbr, 0x12340000, "TTBR");
	}
	if (!fc_cfg(&cfg, fmt, 16, 52, 52))
		return;
	/* 0x000a000012340000: 0x12340000 | 0xa << 2. */
	fmt->regs(&cfg, 0x000a000012340000ULL, &regs);
	CHECK_EQ(regs.ttbr, 0x0000000012340028ULL, "TTBR above 48-bit PA");
}

struct granule_geometry {
	u32 granule;
	u32 ias;
	u32 oas;
	u32 levels;
	u32 top_index_bits;
	u64 pgsize_bitmap;	/* the default */
	u64 all_sizes;		/* the union of the levels' */
};

/*
 * levels = ceil((ias - granule) / (granule - 3)); the top table gets what
 * is left. Sizes: the blocks, then the contiguous runs where the table
 * holds a whole run (32 entries need 5 index bits, 128 need 7).
 */
static const struct granule_geometry granule_geometries[] = {
	/* 14 + 11 * 3 = 47: a 2-entry top table at shift 47. */
	{ 14, 48, 48, 4, 1, SZ_16K | SZ_32M, SZ_16K | SZ_2M | SZ_32M | SZ_1G },
	{ 14, 47, 48, 3, 11, SZ_16K | SZ_32M,
	  SZ_16K | SZ_2M | SZ_32M | SZ_1G },
	/* 14 + 11 * 2 = 36 */
	{ 14, 36, 48, 2, 11, SZ_16K | SZ_32M,
	  SZ_16K | SZ_2M | SZ_32M | SZ_1G },
	/* 128 entries at shift 25: still a 1G run of 32 blocks. */
	{ 14, 32, 48, 2, 7, SZ_16K | SZ_32M, SZ_16K | SZ_2M | SZ_32M | SZ_1G },
	/* 16 + 13 * 2 = 42: 64 entries at shift 42, no 4T blocks. */
	{ 16, 48, 48, 3, 6, SZ_64K | SZ_512M,
	  SZ_64K | SZ_2M | SZ_512M | SZ_16G },
	/* 1024 entries of 4T with 52-bit output. */
	{ 16, 52, 52, 3, 10, SZ_64K | SZ_512M | SZ_4T,
	  SZ_64K | SZ_2M | SZ_512M | SZ_16G | SZ_4T },
	{ 16, 43, 52, 3, 1, SZ_64K | SZ_512M | SZ_4T,
	  SZ_64K | SZ_2M | SZ_512M | SZ_16G | SZ_4T },
	{ 16, 42, 48, 2, 13, SZ_64K | SZ_512M,
	  SZ_64K | SZ_2M | SZ_512M | SZ_16G },
	/* 8 entries of 512M: no room for a run of 32. */
	{ 16, 32, 48, 2, 3, SZ_64K | SZ_512M, SZ_64K | SZ_2M | SZ_512M },
};

static void lpae_granule_geometry(void)
{
	const struct granule_geometry *geo;
	struct pt_cfg cfg;
	unsigned int l;
	u64 all;

	for (geo = granule_geometries;
	     geo < granule_geometries + TH_ARRAY_SIZE(granule_geometries);
	     geo++) {
		if (!fc_cfg(&cfg, fmt, geo->granule, geo->ias, geo->oas))
			continue;
		CHECK_INT(cfg.levels, geo->levels, "levels");
		CHECK_INT(cfg.granule_shift, geo->granule, "granule");
		CHECK_EQ(cfg.pgsize_bitmap, geo->pgsize_bitmap,
			 "default page sizes");
		all = 0;
		for (l = 0; l < cfg.levels; l++)
			all |= cfg.lvl[l].pgsizes;
		CHECK_EQ(all, geo->all_sizes, "leaf sizes");
		/* A table is one granule, the top one what is left. */
		fc_levels(&cfg, geo->granule, geo->top_index_bits);
	}
}

static void lpae_params_granules(void)
{
	static const struct fc_param cases[] = {
		{ { .granule_shift = 14, .ias = 49 }, -EINVAL, "16K ias 49" },
		{ { .granule_shift = 14, .ias = 52 }, -EINVAL, "16K ias 52" },
		{ { .granule_shift = 14, .ias = 31 }, -EINVAL, "16K ias 31" },
		{ { .granule_shift = 14, .oas = 52 }, -EINVAL, "16K oas 52" },
		{ { .ias = 52 }, -EINVAL, "4K ias 52" },
		{ { .granule_shift = 16, .ias = 52 }, 0, "64K ias 52" },
		{ { .granule_shift = 16, .ias = 49 }, 0, "64K ias 49" },
		{ { .granule_shift = 16, .ias = 53 }, -EINVAL, "64K ias 53" },
		{ { .granule_shift = 16, .ias = 31 }, -EINVAL, "64K ias 31" },
		{ { .granule_shift = 16, .oas = 52 }, 0, "64K oas 52" },
		{ { .granule_shift = 16, .oas = 50 }, -EINVAL, "64K oas 50" },
		{ { .granule_shift = 16, .oas = 49 }, -EINVAL, "64K oas 49" },
		{ { .granule_shift = 14, .pgsize_bitmap = SZ_16K }, 0,
		  "16K only" },
		{ { .granule_shift = 14, .pgsize_bitmap = SZ_16K | SZ_2M |
		    SZ_32M | SZ_1G }, 0, "16K with its runs" },
		{ { .granule_shift = 14, .pgsize_bitmap = 0x1000 }, -EINVAL,
		  "4K with 16K granule" },
		{ { .granule_shift = 14, .pgsize_bitmap = SZ_32M }, -EINVAL,
		  "32M without 16K" },
		{ { .granule_shift = 14, .pgsize_bitmap = SZ_16K | SZ_64K },
		  -EINVAL, "16K and 64K" },
		{ { .granule_shift = 14, .pgsize_bitmap = SZ_16K | 64 * SZ_1G },
		  -EINVAL, "64G block (FEAT_LPA2)" },
		{ { .granule_shift = 16, .pgsize_bitmap = SZ_64K | SZ_512M }, 0,
		  "64K and 512M" },
		{ { .granule_shift = 16, .pgsize_bitmap = SZ_64K | SZ_2M |
		    SZ_16G }, 0, "64K runs" },
		{ { .granule_shift = 16, .pgsize_bitmap = SZ_64K | SZ_4T },
		  -EINVAL, "4T with 48-bit output" },
		{ { .granule_shift = 16, .oas = 52, .pgsize_bitmap = SZ_64K |
		    SZ_4T }, 0, "4T with 52-bit output" },
		{ { .granule_shift = 16, .oas = 52, .pgsize_bitmap = SZ_64K |
		    32 * SZ_4T }, -EINVAL, "no 4T runs" },
		{ { .granule_shift = 16, .pgsize_bitmap = 0x1000 }, -EINVAL,
		  "4K with 64K granule" },
		{ { .granule_shift = 16, .ias = 32, .pgsize_bitmap = SZ_64K |
		    SZ_16G }, -EINVAL, "16G run in an 8-entry table" },
		{ { .granule_shift = 16, .pgsize_bitmap = SZ_512M }, -EINVAL,
		  "512M without 64K" },
	};

	fc_params(fmt, cases, TH_ARRAY_SIZE(cases));
}

static const struct th_test lpae_tests[] = {
	TH_TEST(lpae_golden_leaves),
	TH_TEST(lpae_table_entries),
	TH_TEST(lpae_kinds),
	TH_TEST(lpae_kind_level0_block),
	TH_TEST(lpae_entry_pa_masks),
	TH_TEST(lpae_prot_round_trip),
	TH_TEST(lpae_regs),
	TH_TEST(lpae_geometry),
	TH_TEST(lpae_params),
	TH_TEST(lpae_prot_values),
	TH_TEST(lpae_golden_granule_leaves),
	TH_TEST(lpae_granule_table_entries),
	TH_TEST(lpae_granule_kinds),
	TH_TEST(lpae_granule_entry_pa_masks),
	TH_TEST(lpae_granule_prot_round_trip),
	TH_TEST(lpae_granule_regs),
	TH_TEST(lpae_granule_geometry),
	TH_TEST(lpae_params_granules),
};

int main(int argc, char **argv)
{
	return th_main("test_lpae", lpae_tests, TH_ARRAY_SIZE(lpae_tests),
		       argc, argv);
}
