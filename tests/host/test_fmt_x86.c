// SPDX-License-Identifier: GPL-2.0
/*
 * The x86-64 format (AMD IOMMU v2 guest tables, VT-d first stage): golden
 * encodings worked out by hand from the Intel SDM Vol. 3A, chapter
 * "Paging", section "4-Level Paging and 5-Level Paging" (tables "Format of
 * a PML5 Entry" to "Format of a Page-Table Entry that Maps a 4-KByte
 * Page") and the VT-d specification, section 9.7 "First-Stage Paging
 * Entries" (figure 9-7, tables 34-40) and section 9.6 (PASID-table entry
 * FSPM); then engine semantics checked by an independent decoder.
 *
 * Engine levels: 0 = PTE, 1 = PDE, 2 = PDPTE, 3 = PML4E, 4 = PML5E.
 *
 * Entry bits used below:
 *   bit 0  P, present                                   0x1
 *   bit 1  R/W, writes allowed                          0x2
 *   bit 2  U/S, user-mode accesses allowed              0x4
 *   bit 3  PWT, page-level write-through                0x8
 *   bit 4  PCD, page-level cache disable                0x10
 *   bit 5  A, accessed; bit 6 D, dirty (leaves)         0x20, 0x40
 *   bit 7  PS in a PDE/PDPTE (2M/1G page); PAT in a PTE 0x80
 *          reserved (must be 0) in a PML4E/PML5E
 *   bit 8  G, global (leaves)                           0x100
 *   bit 12 PAT of a 2M/1G page; bits 20:13 (2M) and 29:13 (1G) reserved
 *   51:12  address (tables, 4K pages); 51:21 (2M), 51:30 (1G)
 *   62:52  ignored
 *   bit 63 XD, execute disable                          0x8000000000000000
 * Memory type: PAT index = PAT:PCD:PWT into the power-on PAT layout
 * (0 WB, 1 WT, 2 UC-, 3 UC): CACHE = index 0, MMIO = index 3 (PCD|PWT =
 * 0x18), neither = index 2 (PCD = 0x10).
 */
#include "ref.h"

static const struct pt_format *fmt = &pt_fmt_x86_64;

static const struct fc_golden golden_leaves[] = {
	/* P|R/W|U/S = 0x7; PAT index 0 (WB): no PCD/PWT; XD (no EXEC). */
	{ "4K RW cached", { .ias = 48 }, 0, 0x12345000, 0, R | W | CACHE,
	  0x8000000012345007ULL, 0 },
	/* P|U/S|PCD = 0x15 (UC-, neither CACHE nor MMIO); XD. */
	{ "4K RO uncached", { .ias = 48 }, 0, 0x1000, 0, R,
	  0x8000000000001015ULL, 0 },
	/* P|R/W|PWT|PCD = 0x1b (UC); no U/S (PRIV); no XD (EXEC). */
	{ "4K RWX privileged MMIO", { .ias = 48 }, 0, 0xfe000000, 0,
	  R | W | X | PRIV | MMIO, 0x00000000fe00001bULL, 0 },
	/* P|R/W|U/S|PS = 0x87 in a PDE; XD; address bits 51:21. */
	{ "2M RW cached", { .ias = 48 }, 1, 0x40200000, 0, R | W | CACHE,
	  0x8000000040200087ULL, 0 },
	/* P|U/S|PS = 0x85 in a PDPTE; EXEC: no XD; address bits 51:30. */
	{ "1G RX cached", { .ias = 48 }, 2, 0x8040000000ULL, 0, R | X | CACHE,
	  0x0000008040000085ULL, 0 },
	/* P|R/W|PCD|PS = 0x93; PRIV: no U/S; XD. */
	{ "1G RW privileged uncached", { .ias = 48 }, 2, 0x140000000ULL, 0,
	  R | W | PRIV, 0x8000000140000093ULL, 0 },
	/* P|PWT|PCD|PS = 0x99; PRIV; EXEC. */
	{ "2M RX privileged MMIO", { .ias = 48 }, 1, 0x600000, 0,
	  R | X | PRIV | MMIO, 0x0000000000600099ULL, 0 },
	/* The last 4K page of a 52-bit output space: bits 51:12 all set. */
	{ "4K at the top of 52-bit PA", { .ias = 48 }, 0, 0xffffffffff000ULL, 0,
	  R | X, 0x000ffffffffff015ULL, 0 },
	/* The last 1G page of 52 bits: 51:30 set; 0x87 | XD. */
	{ "1G at the top of 52-bit PA", { .ias = 48 }, 2, 0xfffffc0000000ULL, 0,
	  R | W | CACHE, 0x800fffffc0000087ULL, 0 },
	/* The level decides the encoding, not the depth of the tree. */
	{ "4K in a 5-level tree", { .ias = 57 }, 0, 0x12345000, 0,
	  R | W | CACHE, 0x8000000012345007ULL, 0 },
	{ "2M in a 5-level tree", { .ias = 57 }, 1, 0x40200000, 0,
	  R | W | CACHE, 0x8000000040200087ULL, 0 },
};

static void x86_golden_leaves(void)
{
	fc_golden(&ref_x86, golden_leaves, TH_ARRAY_SIZE(golden_leaves));
}

/* Table entries: address | P | R/W | U/S = 0x7; A clear, XD clear. */
static void x86_table_entries(void)
{
	static const u32 sizes[] = { 48, 57 };
	struct pt_cfg cfg;
	unsigned int i, level;

	for (i = 0; i < TH_ARRAY_SIZE(sizes); i++) {
		if (!fc_cfg(&cfg, fmt, 0, sizes[i], 0))
			continue;
		for (level = 1; level < cfg.levels; level++) {
			CHECK_EQ(fmt->mk_table(&cfg, level, 0x12345000),
				 0x12345007, "table entry");
			CHECK_EQ(fmt->mk_table(&cfg, level, 0xffffffffff000ULL),
				 0x000ffffffffff007ULL, "table at the top of PA");
			CHECK_KIND(&cfg, level, 0x12345007, PT_ENTRY_TABLE,
				   "table entry");
			CHECK_EQ(fmt->entry_pa(&cfg, level, 0x000ffffffffff007ULL),
				 0xffffffffff000ULL, "table address");
			/* Ignored bits 62:52 and XD stay out of the address. */
			CHECK_EQ(fmt->entry_pa(&cfg, level, 0xfff0000012345fe7ULL &
					       ~0x80ULL),
				 0x12345000, "table with every other bit");
		}
	}
}

/* Which raw entries the hardware treats as not present or faulting. */
static void x86_kinds(void)
{
	struct pt_cfg c4, c5;
	unsigned int level;

	if (!fc_cfg(&c4, fmt, 0, 48, 0) || !fc_cfg(&c5, fmt, 0, 57, 0))
		return;
	for (level = 0; level < 5; level++) {
		CHECK_KIND(&c5, level, 0, PT_ENTRY_EMPTY, "zero");
		/* Everything but P. */
		CHECK_KIND(&c5, level, 0xfffffffffffffffeULL, PT_ENTRY_EMPTY,
			   "P clear");
	}
	/* A PTE with bit 7 (PAT) set is still a 4K page: PAT index 4 = WB. */
	CHECK_KIND(&c4, 0, 0x12345087, PT_ENTRY_LEAF, "PTE with PAT");
	CHECK_EQ(fmt->entry_pa(&c4, 0, 0x12345087), 0x12345000, "PTE with PAT");
	CHECK_EQ(fmt->leaf_prot(&c4, 0, 0x12345087), R | W | X | CACHE,
		 "PTE with PAT");
	/* PWT alone: PAT index 1, WT: neither CACHE nor MMIO. */
	CHECK_EQ(fmt->leaf_prot(&c4, 0, 0x1000d), R | X, "PTE with PWT");
	/* A, D, G and ignored bits 62:52 change nothing we decode. */
	CHECK_KIND(&c4, 0, 0x7ff0000012345167ULL, PT_ENTRY_LEAF,
		   "PTE with A, D, G, ignored bits");
	CHECK_EQ(fmt->entry_pa(&c4, 0, 0x7ff0000012345167ULL), 0x12345000,
		 "PTE with ignored bits");
	CHECK_EQ(fmt->leaf_prot(&c4, 0, 0x7ff0000012345167ULL),
		 R | W | X | CACHE, "PTE with A, D, G");

	/* PDE: PS clear is a table, PS set a 2M page. */
	CHECK_KIND(&c4, 1, 0x40200007, PT_ENTRY_TABLE, "PDE, PS clear");
	CHECK_KIND(&c4, 1, 0x40200087, PT_ENTRY_LEAF, "PDE, PS set");
	/* The PAT bit (12) of a 2M page: a leaf at 0x40200000, WB. */
	CHECK_KIND(&c4, 1, 0x40201087, PT_ENTRY_LEAF, "2M page with PAT");
	CHECK_EQ(fmt->entry_pa(&c4, 1, 0x40201087), 0x40200000,
		 "2M page with PAT");
	CHECK_EQ(fmt->leaf_prot(&c4, 1, 0x40201087), R | W | X | CACHE,
		 "2M page with PAT");
	/* Bits 20:13 of a 2M page are reserved: a fault. */
	CHECK_KIND(&c4, 1, 0x40202087, PT_ENTRY_EMPTY, "2M page, bit 13");
	CHECK_KIND(&c4, 1, 0x40300087, PT_ENTRY_EMPTY, "2M page, bit 20");
	/* PDPTE: bits 29:13 of a 1G page are reserved. */
	CHECK_KIND(&c4, 2, 0x40000085, PT_ENTRY_LEAF, "1G page");
	CHECK_KIND(&c4, 2, 0x40002085, PT_ENTRY_EMPTY, "1G page, bit 13");
	CHECK_KIND(&c4, 2, 0x60000085, PT_ENTRY_EMPTY, "1G page, bit 29");
	CHECK_KIND(&c4, 2, 0x40201007, PT_ENTRY_TABLE,
		   "PDPTE pointing at a table");
	/* PS is reserved in a PML4E and a PML5E: no 512G or 256T pages. */
	CHECK_KIND(&c4, 3, 0x8000000007ULL, PT_ENTRY_TABLE, "PML4E");
	CHECK_KIND(&c4, 3, 0x8000000087ULL, PT_ENTRY_EMPTY, "PML4E with PS");
	CHECK_KIND(&c5, 4, 0x1000007, PT_ENTRY_TABLE, "PML5E");
	CHECK_KIND(&c5, 4, 0x1000087, PT_ENTRY_EMPTY, "PML5E with PS");
}

/*
 * Every prot and leaf level: check_prot; the entry as x86_bits() builds
 * it; decode both ways.
 */
static void x86_prot_round_trip(void)
{
	fc_prot_round_trip(&ref_x86, &(struct pt_params){ .ias = 48 },
			   0x8040000000ULL, PT_PROT_ALL);
}

/*
 * ttbr = the root's address (FSPTPTR / GCR3, bits 11:0 zero); tcr = FSPM
 * (VT-d PASID-table entry bits 131:130) = AMD GuestPagingMode: 0 for
 * 4-level, 1 for 5-level; mair = 0.
 */
static void x86_regs(void)
{
	static const struct fc_regs cases[] = {
		{ 32, 0x12345000, 0 }, { 47, 0x12345000, 0 },
		{ 48, 0x12345000, 0 }, { 49, 0x12345000, 1 },
		{ 56, 0x12345000, 1 }, { 57, 0x12345000, 1 },
	};

	fc_regs(&ref_x86, 0x12345000, fc_ttbr_is_root, cases,
		TH_ARRAY_SIZE(cases));
}

/* 4 levels up to 48 bits of input, 5 above; 512 entries everywhere. */
static void x86_geometry(void)
{
	/* 4K, 2M (PDE.PS) and 1G (PDPTE.PS). */
	static const struct fc_geometry geo[] = {
		{ 32, 4, 0x40201000 }, { 39, 4, 0x40201000 },
		{ 47, 4, 0x40201000 }, { 48, 4, 0x40201000 },
		{ 49, 5, 0x40201000 }, { 56, 5, 0x40201000 },
		{ 57, 5, 0x40201000 },
	};

	fc_geometry_4k(fmt, 52, PT_PROT_ALL, fc_spans_to_1g, geo,
		       TH_ARRAY_SIZE(geo));
	fc_defaults(fmt, 12, 48, 52, 0x40201000, 4);
	fc_identity(fmt, PTLAB_FMT_X86_64, "x86-64");
}

static void x86_params(void)
{
	static const struct fc_param cases[] = {
		{ { .granule_shift = 12 }, 0, "4K granule" },
		{ { .granule_shift = 14 }, -EOPNOTSUPP, "16K granule" },
		{ { .granule_shift = 16 }, -EOPNOTSUPP, "64K granule" },
		{ { .granule_shift = 21 }, -EOPNOTSUPP, "2M granule" },
		{ { .ias = 31 }, -EINVAL, "ias 31" },
		{ { .ias = 58 }, -EINVAL, "ias 58" },
		{ { .ias = 64 }, -EINVAL, "ias 64" },
		{ { .oas = 31 }, -EINVAL, "oas 31" },
		{ { .oas = 53 }, -EINVAL, "oas 53" },
		{ { .oas = 32 }, 0, "oas 32" },
		{ { .oas = 46 }, 0, "oas 46" },
		{ { .oas = 52 }, 0, "oas 52" },
		{ { .pgsize_bitmap = 0x1000 }, 0, "4K" },
		{ { .pgsize_bitmap = 0x201000 }, 0, "4K 2M" },
		{ { .pgsize_bitmap = 0x40001000 }, 0, "4K 1G" },
		{ { .pgsize_bitmap = 0x40201000 }, 0, "4K 2M 1G" },
		{ { .pgsize_bitmap = 0x200000 }, -EINVAL, "2M without 4K" },
		{ { .pgsize_bitmap = 0x40200000 }, -EINVAL, "2M 1G without 4K" },
		{ { .pgsize_bitmap = 0x3000 }, -EINVAL, "8K" },
		{ { .pgsize_bitmap = 0x11000 }, -EINVAL, "64K" },
		{ { .pgsize_bitmap = 0x8000001000ULL }, -EINVAL, "512G" },
		{ { .ias = 57, .pgsize_bitmap = 0x1000000001000ULL }, -EINVAL,
		  "256T" },
	};

	fc_params(fmt, cases, TH_ARRAY_SIZE(cases));
}

static const struct pt_params p47 = { .ias = 47 }, p48 = { .ias = 48 },
	p57 = { .ias = 57 };

FC_SEM_TEST(x86_sem_page_sizes, fc_sem_page_sizes, &ref_x86, &p47, &p48, &p57)
FC_SEM_TEST(x86_sem_top, fc_sem_largest_at_top, &ref_x86, &p47, &p48, &p57)
FC_SEM_TEST(x86_sem_mixed, fc_sem_mixed, &ref_x86, &p48, &p57)
FC_SEM_TEST(x86_sem_overlap, fc_sem_overlap, &ref_x86, &p48, &p57)
FC_SEM_TEST(x86_sem_unmap, fc_sem_unmap, &ref_x86, &p48, &p57)
FC_SEM_TEST(x86_sem_prots, fc_sem_prots, &ref_x86, &p48)

/*
 * The raw entries a walk reads for a 4K page: every table entry is
 * address | 0x7 (A, PS and XD clear), the PTE has A and D clear.
 */
static void x86_sem_raw(void)
{
	struct pt_walk_result res;
	struct fc_tree t;
	unsigned int i;

	if (!fc_new(&t, &ref_x86, &p57))
		return;
	fc_map_ok(&t, 0x123456789000ULL, 0x9000, 0x1000, R | X | PRIV);
	if (CHECK_INT(pt_walk(&t.pt, 0x123456789abcULL, &res), 0, "walk") &&
	    CHECK_INT(res.nr_entries, 5, "entries")) {
		for (i = 0; i < 4; i++)
			CHECK_EQ(res.entries[i] & 0xfff00000000001ffULL, 0x7,
				 "table entry flags");
		/* P | PCD (neither CACHE nor MMIO); PRIV: U/S clear. */
		CHECK_EQ(res.entries[4], 0x9011, "PTE");
		CHECK_EQ(res.leaf.pa, 0x9abc, "pa");
	}
	fc_free(&t);
}

static const struct th_test x86_tests[] = {
	TH_TEST(x86_golden_leaves),
	TH_TEST(x86_table_entries),
	TH_TEST(x86_kinds),
	TH_TEST(x86_prot_round_trip),
	TH_TEST(x86_regs),
	TH_TEST(x86_geometry),
	TH_TEST(x86_params),
	TH_TEST(x86_sem_page_sizes),
	TH_TEST(x86_sem_top),
	TH_TEST(x86_sem_mixed),
	TH_TEST(x86_sem_overlap),
	TH_TEST(x86_sem_unmap),
	TH_TEST(x86_sem_prots),
	TH_TEST(x86_sem_raw),
};

int main(int argc, char **argv)
{
	return th_main("test_fmt_x86", x86_tests, TH_ARRAY_SIZE(x86_tests),
		       argc, argv);
}
