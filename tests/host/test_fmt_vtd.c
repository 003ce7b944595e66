// SPDX-License-Identifier: GPL-2.0
/*
 * The Intel VT-d second-stage format: golden encodings worked out by hand
 * from the "Intel Virtualization Technology for Directed I/O Architecture
 * Specification" (rev. 5.10), section 9.8 "Second-Stage Paging Entries"
 * (figure 9-8, tables 41-47), section 9.6 (PASID-table entry AW field) and
 * section 11.4.2 (CAP_REG SAGAW, SSLPS, ZLR); then engine semantics checked
 * by an independent decoder.
 *
 * Engine levels: 0 = SS-PTE, 1 = SS-PDE, 2 = SS-PDPE, 3 = SS-PML4E,
 * 4 = SS-PML5E.
 *
 * Entry bits used below:
 *   bit 0  R, read                                       0x1
 *   bit 1  W, write                                      0x2
 *   bit 2  X, execute (rev. 3.x/4.x with SSEE=1; ignored in 5.x)  0x4
 *   5:3    EMT (leaves): 0 UC, 1 WC, 4 WT, 5 WP, 6 WB    WB = 0x30, WC = 0x8
 *   bit 6  IPAT (leaves)                                 0x40
 *   bit 7  PS in an SS-PDE/SS-PDPE; reserved in SS-PML4E/SS-PML5E;
 *          ignored in an SS-PTE                          0x80
 *   bit 8  A, bit 9 D (D in leaves)                      0x100, 0x200
 *   bit 11 SNP in leaves; reserved in table entries      0x800
 *   51:12  address (tables, 4K); 51:21 (2M; 20:12 reserved); 51:30
 *          (1G; 29:12 reserved)
 *   bit 61 IR ignored, bit 62 IW reserved while Second Stage I/O
 *          Read/Write is not enabled; 60:52 and 63 ignored
 * An entry with R and W clear is not present. Write-only (R=0, W=1) is
 * valid: CAP_REG.ZLR describes "zero length DMA read requests to
 * write-only pages".
 */
#include "ref.h"

static const struct pt_format *fmt = &pt_fmt_vtd_ss;

static const struct fc_golden golden_leaves[] = {
	/* R|W = 0x3 | EMT 6 (WB) << 3 = 0x30: 0x33. */
	{ "4K RW cached", { .ias = 48 }, 0, 0x12345000, 0, R | W | CACHE,
	  0x0000000012345033ULL, 0 },
	/* Write-only: W = 0x2 | EMT 1 (WC, neither) = 0x8: 0xa. */
	{ "4K write-only", { .ias = 48 }, 0, 0x1000, 0, W,
	  0x000000000000100aULL, 0 },
	/* R = 0x1, EMT 0 (UC): 0x1. */
	{ "4K RO MMIO", { .ias = 48 }, 0, 0xfe000000, 0, R | MMIO,
	  0x00000000fe000001ULL, 0 },
	/* R|W|X = 0x7 | WB 0x30 | PS 0x80 = 0xb7 in an SS-PDE. */
	{ "2M RWX cached", { .ias = 48 }, 1, 0x40200000, 0, R | W | X | CACHE,
	  0x00000000402000b7ULL, 0 },
	/* R | WC 0x8 | PS 0x80 = 0x89 in an SS-PDPE. */
	{ "1G RO", { .ias = 48 }, 2, 0x8040000000ULL, 0, R,
	  0x0000008040000089ULL, 0 },
	/* W|X = 0x6 | UC | PS = 0x86. */
	{ "2M WX MMIO", { .ias = 48 }, 1, 0x600000, 0, W | X | MMIO,
	  0x0000000000600086ULL, 0 },
	/* R|W|X | WC = 0xf. */
	{ "4K RWX", { .ias = 48 }, 0, 0x7000, 0, R | W | X,
	  0x000000000000700fULL, 0 },
	/* Top of a 52-bit host address width: bits 51:12 set. */
	{ "4K at the top of 52-bit PA", { .ias = 48 }, 0, 0xffffffffff000ULL, 0,
	  R | W | CACHE, 0x000ffffffffff033ULL, 0 },
	/* Bits 51:30 set; W | WB | PS = 0xb2. */
	{ "1G at the top of 52-bit PA", { .ias = 48 }, 2, 0xfffffc0000000ULL, 0,
	  W | CACHE, 0x000fffffc00000b2ULL, 0 },
	/* The same encodings with 3 and 5 levels. */
	{ "1G in a 3-level tree", { .ias = 39 }, 2, 0x40000000, 0,
	  R | W | CACHE, 0x00000000400000b3ULL, 0 },
	{ "2M in a 5-level tree", { .ias = 57 }, 1, 0x40200000, 0,
	  R | W | X | CACHE, 0x00000000402000b7ULL, 0 },
};

static void vtd_golden_leaves(void)
{
	fc_golden(&ref_vtd, golden_leaves, TH_ARRAY_SIZE(golden_leaves));
}

/* Table entries: address | R | W = 0x3, nothing else. */
static void vtd_table_entries(void)
{
	static const u32 sizes[] = { 39, 48, 57 };
	struct pt_cfg cfg;
	unsigned int i, level;

	for (i = 0; i < TH_ARRAY_SIZE(sizes); i++) {
		if (!fc_cfg(&cfg, fmt, 0, sizes[i], 0))
			continue;
		for (level = 1; level < cfg.levels; level++) {
			CHECK_EQ(fmt->mk_table(&cfg, level, 0x12345000),
				 0x12345003, "table entry");
			CHECK_EQ(fmt->mk_table(&cfg, level, 0xffffffffff000ULL),
				 0x000ffffffffff003ULL, "table at the top of PA");
			CHECK_KIND(&cfg, level, 0x12345003, PT_ENTRY_TABLE,
				   "table entry");
			/* A table reached for reading only is still a table. */
			CHECK_KIND(&cfg, level, 0x12345001, PT_ENTRY_TABLE,
				   "read-only table entry");
			CHECK_EQ(fmt->entry_pa(&cfg, level, 0x000ffffffffff003ULL),
				 0xffffffffff000ULL, "table address");
			/* A, ignored bits 10:9, 60:52 and 63. */
			CHECK_EQ(fmt->entry_pa(&cfg, level, 0x9ff0000012345703ULL),
				 0x12345000, "table with ignored bits");
		}
	}
}

static void vtd_kinds(void)
{
	struct pt_cfg c3, c4, c5;
	unsigned int level;

	if (!fc_cfg(&c3, fmt, 0, 39, 0) || !fc_cfg(&c4, fmt, 0, 48, 0) ||
	    !fc_cfg(&c5, fmt, 0, 57, 0))
		return;
	for (level = 0; level < 5; level++) {
		CHECK_KIND(&c5, level, 0, PT_ENTRY_EMPTY, "zero");
		/* X, EMT, PS with R and W clear: not present. */
		CHECK_KIND(&c5, level, 0x123450b4, PT_ENTRY_EMPTY, "R=W=0");
		CHECK_KIND(&c5, level, 0x12345004, PT_ENTRY_EMPTY, "X only");
		/* IW (bit 62) is reserved. */
		CHECK_KIND(&c5, level, 0x4000000012345003ULL, PT_ENTRY_EMPTY,
			   "IW set");
	}
	/* SS-PTE: bit 7 is ignored; IR (61) and 63 are ignored. */
	CHECK_KIND(&c4, 0, 0x12345083, PT_ENTRY_LEAF, "SS-PTE with bit 7");
	CHECK_EQ(fmt->leaf_prot(&c4, 0, 0x12345083), R | W | MMIO,
		 "SS-PTE with bit 7, EMT 0 (UC)");
	CHECK_KIND(&c4, 0, 0xa000000012345033ULL, PT_ENTRY_LEAF,
		   "SS-PTE with bits 61 and 63");
	CHECK_EQ(fmt->entry_pa(&c4, 0, 0xa000000012345033ULL), 0x12345000,
		 "SS-PTE with bits 61 and 63");
	/* SNP, A, D, IPAT in a leaf change nothing decoded. */
	CHECK_KIND(&c4, 0, 0x12345b73, PT_ENTRY_LEAF, "SS-PTE with SNP A D IPAT");
	CHECK_EQ(fmt->leaf_prot(&c4, 0, 0x12345b73), R | W | CACHE,
		 "SS-PTE with SNP A D IPAT");
	/* EMT 4 (WT) is neither CACHE nor MMIO. */
	CHECK_EQ(fmt->leaf_prot(&c4, 0, 0x12345023), R | W, "EMT WT");

	/* SS-PDE: table, 2M page; bit 11 reserved in a table entry. */
	CHECK_KIND(&c4, 1, 0x40200003, PT_ENTRY_TABLE, "SS-PDE table");
	CHECK_KIND(&c4, 1, 0x40200803, PT_ENTRY_EMPTY, "SS-PDE table, bit 11");
	CHECK_KIND(&c4, 1, 0x402000b3, PT_ENTRY_LEAF, "2M page");
	CHECK_KIND(&c4, 1, 0x402008b3, PT_ENTRY_LEAF, "2M page with SNP");
	CHECK_KIND(&c4, 1, 0x402010b3, PT_ENTRY_EMPTY, "2M page, bit 12");
	CHECK_KIND(&c4, 1, 0x403000b3, PT_ENTRY_EMPTY, "2M page, bit 20");
	/* SS-PDPE: 1G page, bits 29:12 reserved. */
	CHECK_KIND(&c4, 2, 0x400000b3, PT_ENTRY_LEAF, "1G page");
	CHECK_KIND(&c4, 2, 0x400010b3, PT_ENTRY_EMPTY, "1G page, bit 12");
	CHECK_KIND(&c4, 2, 0x600000b3, PT_ENTRY_EMPTY, "1G page, bit 29");
	CHECK_KIND(&c3, 2, 0x400000b3, PT_ENTRY_LEAF,
		   "1G page in the top table of 3 levels");
	/* SS-PML4E and SS-PML5E: PS and bit 11 reserved. */
	CHECK_KIND(&c4, 3, 0x8000000003ULL, PT_ENTRY_TABLE, "SS-PML4E");
	CHECK_KIND(&c4, 3, 0x8000000083ULL, PT_ENTRY_EMPTY, "SS-PML4E, PS");
	CHECK_KIND(&c4, 3, 0x8000000803ULL, PT_ENTRY_EMPTY, "SS-PML4E, bit 11");
	CHECK_KIND(&c5, 4, 0x1000003, PT_ENTRY_TABLE, "SS-PML5E");
	CHECK_KIND(&c5, 4, 0x1000083, PT_ENTRY_EMPTY, "SS-PML5E, PS");
}

/* Every prot and leaf level, built bit by bit and decoded both ways. */
static void vtd_prot_round_trip(void)
{
	fc_prot_round_trip(&ref_vtd, &(struct pt_params){ .ias = 48 },
			   0x8040000000ULL, R | W | X | CACHE | MMIO);
}

/*
 * ttbr = SLPTPTR/SSPTPTR, the root's address; tcr = AW of the context or
 * PASID-table entry: 001b 39-bit (3 levels), 010b 48-bit (4), 011b 57-bit
 * (5); mair = 0.
 */
static void vtd_regs(void)
{
	static const struct fc_regs cases[] = {
		{ 32, 0x12345000, 1 }, { 39, 0x12345000, 1 },
		{ 40, 0x12345000, 2 }, { 48, 0x12345000, 2 },
		{ 49, 0x12345000, 3 }, { 57, 0x12345000, 3 },
	};

	fc_regs(&ref_vtd, 0x12345000, fc_ttbr_is_root, cases,
		TH_ARRAY_SIZE(cases));
}

/* AGAW 39, 48, 57: 3, 4, 5 levels of 512 entries. */
static void vtd_geometry(void)
{
	static const struct fc_geometry geo[] = {
		{ 32, 3, 0x40201000 }, { 39, 3, 0x40201000 },
		{ 40, 4, 0x40201000 }, { 47, 4, 0x40201000 },
		{ 48, 4, 0x40201000 }, { 49, 5, 0x40201000 },
		{ 57, 5, 0x40201000 },
	};

	fc_geometry_4k(fmt, 52, R | W | X | CACHE | MMIO, fc_spans_to_1g, geo,
		       TH_ARRAY_SIZE(geo));
	fc_defaults(fmt, 12, 48, 52, 0x40201000, 4);
	fc_identity(fmt, PTLAB_FMT_VTD_SS, "vtd-ss");
}

static void vtd_params(void)
{
	static const struct fc_param cases[] = {
		{ { .granule_shift = 12 }, 0, "4K granule" },
		{ { .granule_shift = 14 }, -EOPNOTSUPP, "16K granule" },
		{ { .granule_shift = 16 }, -EOPNOTSUPP, "64K granule" },
		{ { .ias = 31 }, -EINVAL, "ias 31" },
		{ { .ias = 58 }, -EINVAL, "ias 58" },
		{ { .oas = 31 }, -EINVAL, "oas 31" },
		{ { .oas = 53 }, -EINVAL, "oas 53" },
		{ { .oas = 39 }, 0, "oas 39" },
		{ { .oas = 52 }, 0, "oas 52" },
		{ { .pgsize_bitmap = 0x1000 }, 0, "4K" },
		{ { .pgsize_bitmap = 0x201000 }, 0, "4K 2M (SSLPS 0001b)" },
		{ { .pgsize_bitmap = 0x40201000 }, 0, "4K 2M 1G (SSLPS 0011b)" },
		{ { .pgsize_bitmap = 0x40001000 }, 0, "4K 1G" },
		{ { .pgsize_bitmap = 0x200000 }, -EINVAL, "2M without 4K" },
		{ { .pgsize_bitmap = 0x11000 }, -EINVAL, "64K" },
		{ { .pgsize_bitmap = 0x8000001000ULL }, -EINVAL, "512G" },
	};

	fc_params(fmt, cases, TH_ARRAY_SIZE(cases));
}

static const struct pt_params p39 = { .ias = 39 }, p48 = { .ias = 48 },
	p57 = { .ias = 57 };

/* The reference, mapping write-only. */
static struct fc_fmt vtd_wo(void)
{
	struct fc_fmt f = ref_vtd;

	f.prot = W | MMIO;
	return f;
}

static void vtd_sem_page_sizes(void)
{
	struct fc_fmt wo = vtd_wo();

	FC_EACH(fc_sem_page_sizes, &ref_vtd, &p39, &p48, &p57);
	fc_sem_page_sizes(&wo, &p48);
}

FC_SEM_TEST(vtd_sem_top, fc_sem_largest_at_top, &ref_vtd, &p39, &p48, &p57)

static void vtd_sem_mixed(void)
{
	struct fc_fmt wo = vtd_wo();

	fc_sem_mixed(&ref_vtd, &p39);
	fc_sem_mixed(&wo, &p57);
}

FC_SEM_TEST(vtd_sem_overlap, fc_sem_overlap, &ref_vtd, &p39, &p48)

static void vtd_sem_unmap(void)
{
	struct fc_fmt wo = vtd_wo();

	fc_sem_unmap(&ref_vtd, &p48);
	fc_sem_unmap(&wo, &p57);
}

FC_SEM_TEST(vtd_sem_prots, fc_sem_prots, &ref_vtd, &p48)

/* The raw entries of a walk: tables address | 0x3, the leaf as built. */
static void vtd_sem_raw(void)
{
	struct pt_walk_result res;
	struct fc_tree t;
	unsigned int i;

	if (!fc_new(&t, &ref_vtd, &p39))
		return;
	fc_map_ok(&t, 0x7654321000ULL, 0x9000, 0x1000, W);
	if (CHECK_INT(pt_walk(&t.pt, 0x7654321abcULL, &res), 0, "walk") &&
	    CHECK_INT(res.nr_entries, 3, "entries of a 3-level walk")) {
		for (i = 0; i < 2; i++)
			CHECK_EQ(res.entries[i] & 0xfff0000000000fffULL, 0x3,
				 "table entry flags");
		/* W | EMT 1 (WC): 0xa; A and D clear. */
		CHECK_EQ(res.entries[2], 0x900a, "SS-PTE");
		CHECK_EQ(res.leaf.pa, 0x9abc, "pa");
	}
	fc_free(&t);
}

static const struct th_test vtd_tests[] = {
	TH_TEST(vtd_golden_leaves),
	TH_TEST(vtd_table_entries),
	TH_TEST(vtd_kinds),
	TH_TEST(vtd_prot_round_trip),
	TH_TEST(vtd_regs),
	TH_TEST(vtd_geometry),
	TH_TEST(vtd_params),
	TH_TEST(vtd_sem_page_sizes),
	TH_TEST(vtd_sem_top),
	TH_TEST(vtd_sem_mixed),
	TH_TEST(vtd_sem_overlap),
	TH_TEST(vtd_sem_unmap),
	TH_TEST(vtd_sem_prots),
	TH_TEST(vtd_sem_raw),
};

int main(int argc, char **argv)
{
	return th_main("test_fmt_vtd", vtd_tests, TH_ARRAY_SIZE(vtd_tests),
		       argc, argv);
}
