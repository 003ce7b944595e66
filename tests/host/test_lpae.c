// SPDX-License-Identifier: GPL-2.0
/*
 * Golden encodings of the Arm LPAE stage-1 format (4K granule), each worked
 * out by hand from the descriptor formats of the Arm Architecture Reference
 * Manual (VMSAv8-64 translation table descriptors), and its geometry.
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
 *   [47:n]  output address, n = 12 (page), 21 (2M), 30 (1G)
 *   [53]    PXN 0x0020000000000000, [54] UXN 0x0040000000000000
 * A table descriptor is the next table's address | 0b11.
 */
#include <linux/ptlab.h>

#include "harness.h"
#include "host_ops.h"

#define R	PT_PROT_READ
#define W	PT_PROT_WRITE
#define X	PT_PROT_EXEC
#define PRIV	PT_PROT_PRIV
#define CACHE	PT_PROT_CACHE
#define MMIO	PT_PROT_MMIO

static const struct pt_format *fmt = &pt_fmt_arm64_lpae_s1;

static const char *kind_name(enum pt_entry_kind kind)
{
	switch (kind) {
	case PT_ENTRY_EMPTY: return "invalid";
	case PT_ENTRY_TABLE: return "a table";
	case PT_ENTRY_LEAF: return "a leaf";
	}
	return "?";
}

/* fmt->kind() of @pte at @level is @want. */
#define CHECK_KIND(cfg, level, pte, want, what) ({			\
	u64 pte_ = (pte);						\
	unsigned int level_ = (level);					\
	enum pt_entry_kind want_ = (want);				\
	enum pt_entry_kind kind_ = fmt->kind(cfg, level_, pte_);	\
									\
	CHECK(kind_ == want_, "%s: %#llx at level %u is %s, expected %s", \
	      what, (unsigned long long)pte_, level_, kind_name(kind_),	\
	      kind_name(want_));					\
})

/* Geometry from @params; fails the test if the format refuses them. */
static bool lpae_cfg(struct pt_cfg *cfg, u32 ias, u32 oas)
{
	struct pt_params params = { .ias = ias, .oas = oas };
	int ret = pt_cfg_init(cfg, fmt, &params);

	return CHECK(!ret, "ias %u oas %u refused: %s", ias, oas,
		     th_errname(ret));
}

struct golden_leaf {
	const char *what;
	u32 oas;
	unsigned int level;
	u64 pa;
	u32 prot;
	u64 pte;
};

static const struct golden_leaf golden_leaves[] = {
	/*
	 * 0x3 page | 0x4 AttrIndx 1 (CACHE) | 0x40 AP[1] (not PRIV) |
	 * 0x300 SH inner (cacheable) | 0x400 AF = 0x747; AP[2] clear
	 * (WRITE); PXN|UXN 0x0060000000000000 (no EXEC); OA 0x12345000.
	 */
	{ "4K page RW cached", 48, 0, 0x12345000, R | W | CACHE,
	  0x0060000012345747ULL },
	/*
	 * 0x1 block | AttrIndx 0 (neither CACHE nor MMIO: normal NC) |
	 * 0x40 AP[1] | 0x200 SH outer | 0x400 AF = 0x641; XN; OA 0x40200000.
	 */
	{ "2M block RW non-cacheable", 48, 1, 0x40200000, R | W,
	  0x0060000040200641ULL },
	/*
	 * 0x1 block | 0x4 AttrIndx 1 | 0x40 AP[1] | 0x80 AP[2] (no WRITE) |
	 * 0x300 SH inner | 0x400 AF = 0x7c5; XN; OA 0x8040000000 (1G
	 * aligned, bits 47:30).
	 */
	{ "1G block RO cached", 48, 2, 0x8040000000ULL, R | CACHE,
	  0x00600080400007c5ULL },
	/*
	 * 0x3 page | AttrIndx 0 | AP[1] clear (PRIV: EL1 only) | AP[2]
	 * clear | 0x200 SH outer | 0x400 AF = 0x603; XN; OA 0x1000.
	 */
	{ "4K page RW privileged", 48, 0, 0x1000, R | W | PRIV,
	  0x0060000000001603ULL },
	/*
	 * 0x3 page | 0x40 AP[1] | 0x80 AP[2] | 0x200 SH outer | 0x400 AF =
	 * 0x6c3; EXEC: neither PXN nor UXN; OA 0x2000.
	 */
	{ "4K page RO executable", 48, 0, 0x2000, R | X,
	  0x00000000000026c3ULL },
	/*
	 * 0x3 page | 0x8 AttrIndx 2 (device) | AP[1] clear (PRIV) | AP[2]
	 * clear | 0x200 SH outer | 0x400 AF = 0x60b; XN; OA 0xfe000000.
	 */
	{ "4K page MMIO", 48, 0, 0xfe000000, R | W | PRIV | MMIO,
	  0x00600000fe00060bULL },
	/*
	 * 0x1 block | 0x4 AttrIndx 1 | 0x300 SH inner | 0x400 AF = 0x705,
	 * every permission: no AP bit, no XN; OA 0x100000000.
	 */
	{ "2M block RWX privileged cached", 48, 1, 0x100000000ULL,
	  R | W | X | PRIV | CACHE, 0x0000000100000705ULL },
	/*
	 * The highest 4K page of a 48-bit output space: OA bits 47:12 all
	 * set, 0xfffffffff000; 0x3 | 0x40 | 0x80 | 0x200 | 0x400 = 0x6c3; XN.
	 */
	{ "4K page at the top of 48-bit PA", 48, 0, 0xfffffffff000ULL, R,
	  0x0060fffffffff6c3ULL },
	/* The same with a 40-bit output space: OA 0xfffffff000. */
	{ "4K page at the top of 40-bit PA", 40, 0, 0xfffffff000ULL, R,
	  0x006000fffffff6c3ULL },
};

static void lpae_golden_leaves(void)
{
	const struct golden_leaf *g;
	struct pt_cfg cfg;

	for (g = golden_leaves; g < golden_leaves + TH_ARRAY_SIZE(golden_leaves);
	     g++) {
		if (!lpae_cfg(&cfg, 48, g->oas))
			continue;
		CHECK(!fmt->check_prot(&cfg, g->prot), "%s: prot %#x refused",
		      g->what, g->prot);
		CHECK_EQ(fmt->mk_leaf(&cfg, g->level, g->pa,
				      1ULL << cfg.lvl[g->level].shift, g->prot), g->pte,
			 g->what);
		/* Decoding gives back what was encoded. */
		CHECK_KIND(&cfg, g->level, g->pte, PT_ENTRY_LEAF,
			   g->what);
		CHECK_EQ(fmt->entry_pa(&cfg, g->level, g->pte), g->pa, g->what);
		CHECK_EQ(fmt->leaf_prot(&cfg, g->level, g->pte), g->prot,
			 g->what);
	}
}

static void lpae_table_entries(void)
{
	struct pt_cfg cfg;
	unsigned int level;

	if (!lpae_cfg(&cfg, 48, 48))
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

	if (!lpae_cfg(&cfg48, 48, 48) || !lpae_cfg(&cfg32, 32, 48))
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

	if (!lpae_cfg(&cfg, 48, 48))
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

	if (!lpae_cfg(&cfg48, 48, 48) || !lpae_cfg(&cfg40, 48, 40))
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
	CHECK_EQ(fmt->entry_pa(&cfg40, 0, 0x0060fffffffff6c3ULL),
		 0xfffffff000ULL, "page in a 40-bit output space");
}

/* check_prot(), and leaf_prot(mk_leaf()) for every accepted prot. */
static void lpae_prot_round_trip(void)
{
	struct pt_cfg cfg;
	unsigned int level;
	u32 prot;

	if (!lpae_cfg(&cfg, 48, 48))
		return;
	for (prot = 0; prot <= PT_PROT_ALL; prot++) {
		/* No write-only or no-access mappings; one memory type. */
		bool ok = (prot & R) && (prot & (CACHE | MMIO)) !=
					(CACHE | MMIO);

		CHECK_INT(fmt->check_prot(&cfg, prot), ok ? 0 : -EINVAL,
			  "check_prot");
		if (!ok)
			continue;
		for (level = 0; level < 3; level++) {
			u64 pa = 0x8040000000ULL, pte;

			pte = fmt->mk_leaf(&cfg, level, pa,
					   1ULL << cfg.lvl[level].shift, prot);
			CHECK(fmt->kind(&cfg, level, pte) == PT_ENTRY_LEAF &&
			      fmt->entry_pa(&cfg, level, pte) == pa &&
			      fmt->leaf_prot(&cfg, level, pte) == prot,
			      "prot %#x at level %u: pte %#llx decodes as kind %d pa %#llx prot %#x",
			      prot, level, (unsigned long long)pte,
			      fmt->kind(&cfg, level, pte),
			      (unsigned long long)fmt->entry_pa(&cfg, level, pte),
			      fmt->leaf_prot(&cfg, level, pte));
		}
	}
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
	struct host_gather g;
	struct host_ctx ctx;
	struct pt_hw_regs regs;
	struct pt_space pt;
	unsigned int i;

	for (i = 0; i < TH_ARRAY_SIZE(cases); i++) {
		struct pt_params params = {
			.ias = cases[i].ias, .oas = cases[i].oas,
		};

		if (!CHECK(!host_space_new(&pt, &ctx, &params),
			   "ias %u oas %u", cases[i].ias, cases[i].oas)) {
			host_ctx_fini(&ctx);
			continue;
		}
		fmt->regs(&pt.cfg, pt_root_pa(&pt), &regs);
		CHECK_EQ(regs.tcr, cases[i].tcr, "TCR");
		CHECK_EQ(regs.mair, 0x04ff44, "MAIR");
		CHECK_EQ(regs.ttbr, (u64)(uintptr_t)pt.root, "TTBR");
		host_gather_init(&g, &ctx);
		host_space_free(&pt, &g);
		host_gather_fini(&g);
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
	unsigned int l;

	for (geo = geometries; geo < geometries + TH_ARRAY_SIZE(geometries);
	     geo++) {
		if (!lpae_cfg(&cfg, geo->ias, 0))
			continue;
		CHECK_INT(cfg.levels, geo->levels, "levels");
		CHECK_INT(cfg.granule_shift, 12, "granule");
		CHECK_INT(cfg.ias, geo->ias, "ias");
		CHECK_INT(cfg.oas, 48, "default oas");
		CHECK_INT(cfg.entry_shift, 3, "8-byte descriptors");
		/* 4K, 2M and 1G: pages, and blocks at Arm levels 2 and 1. */
		CHECK_EQ(cfg.pgsize_bitmap, 0x40201000, "default page sizes");
		for (l = 0; l < cfg.levels; l++) {
			CHECK_INT(cfg.lvl[l].shift, 12 + 9 * l, "level shift");
			CHECK_INT(cfg.lvl[l].index_bits,
				  l + 1 == cfg.levels ? geo->top_index_bits : 9,
				  "index bits");
		}
		CHECK_EQ(pt_table_bytes(&cfg, cfg.levels - 1),
			 8ULL << geo->top_index_bits, "top table bytes");
		CHECK_EQ(pt_table_bytes(&cfg, 0), 4096, "last table bytes");
	}
	/* Everything defaulted: a 48-bit, 4-level tree. */
	CHECK(!pt_cfg_init(&cfg, fmt, &(struct pt_params){}) &&
	      cfg.ias == 48 && cfg.oas == 48 && cfg.levels == 4 &&
	      cfg.granule_shift == 12, "defaults: ias %u oas %u levels %u",
	      cfg.ias, cfg.oas, cfg.levels);
	CHECK_INT(fmt->id, PTLAB_FMT_ARM64_LPAE_S1, "format id");
}

static void lpae_params(void)
{
	static const struct {
		struct pt_params p;
		int ret;
		const char *what;
	} cases[] = {
		{ { .granule_shift = 14 }, -EOPNOTSUPP, "16K granule" },
		{ { .granule_shift = 16 }, -EOPNOTSUPP, "64K granule" },
		{ { .granule_shift = 12 }, 0, "4K granule" },
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
	struct pt_cfg cfg;
	unsigned int i;

	for (i = 0; i < TH_ARRAY_SIZE(cases); i++) {
		int ret = pt_cfg_init(&cfg, fmt, &cases[i].p);

		CHECK_INT(ret, cases[i].ret, cases[i].what);
		if (!ret && cases[i].p.pgsize_bitmap)
			CHECK_EQ(cfg.pgsize_bitmap, cases[i].p.pgsize_bitmap,
				 cases[i].what);
	}
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
};

int main(int argc, char **argv)
{
	return th_main("test_lpae", lpae_tests, TH_ARRAY_SIZE(lpae_tests),
		       argc, argv);
}
