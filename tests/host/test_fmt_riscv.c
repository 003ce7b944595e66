// SPDX-License-Identifier: GPL-2.0
/*
 * The RISC-V Sv39/Sv48/Sv57 format: golden encodings worked out by hand
 * from the RISC-V Privileged Architecture, chapter "Supervisor-Level ISA"
 * (sections "Sv32" for bits 9:0 and the "Virtual Address Translation
 * Process", "Sv39", "Sv48", "Sv57", table "Encoding of satp MODE field"),
 * the "Svnapot" and "Svpbmt" extension chapters, and the RISC-V IOMMU
 * specification ("iosatp" field, DC.tc.SADE); then engine semantics
 * checked by an independent decoder.
 *
 * Engine level i is the specification's level i: 0 = 4K, 1 = 2M, 2 = 1G,
 * 3 = 512G, 4 = 256T.
 *
 * PTE bits used below:
 *   bit 0 V 0x1, bit 1 R 0x2, bit 2 W 0x4, bit 3 X 0x8, bit 4 U 0x10,
 *   bit 5 G 0x20, bit 6 A 0x40, bit 7 D 0x80, bits 9:8 RSW (ignored)
 *   53:10  PPN: a 4K-aligned pa p is stored as (p >> 12) << 10 = p >> 2
 *   60:54  reserved: a page fault if set
 *   62:61  PBMT: 0 PMA, 1 NC 0x2000000000000000, 2 IO 0x4000000000000000,
 *          3 reserved (fault); must be 0 in a non-leaf PTE (else fault)
 *   bit 63 N (Svnapot): at level 0 with PPN[3:0] = 0b1000 one of 16 PTEs of
 *          a 64K page; any other N=1 encoding faults
 * Our leaves: V | R | A | D (0xc3), U unless PRIV, W, X as asked; PBMT 0
 * for CACHE, 2 for MMIO, 1 otherwise. Tables: PPN | V.
 */
#include "ref.h"

#define NC	RV_SPEC_NC
#define IO	RV_SPEC_IO
#define N	RV_SPEC_N

static const struct pt_format *fmt = &pt_fmt_riscv;

/* The spaces of the golden leaves: 4K pages and Svnapot 64K ones. */
#define SV39	{ .ias = 39, .pgsize_bitmap = SZ_64K | SZ_4K }
#define SV48	{ .ias = 48, .pgsize_bitmap = SZ_64K | SZ_4K }
#define SV57	{ .ias = 57, .pgsize_bitmap = SZ_64K | SZ_4K }

/* The pa of each is the entry's own. */
static const struct fc_golden golden_leaves[] = {
	/* PPN 0x12345 << 10 = 0x48d1400; V|R|W|U|A|D = 0xd7; PBMT 0. */
	{ "4K RW cached", SV39, 0, 0x12345000, SZ_4K, R | W | CACHE,
	  0x00000000048d14d7ULL, 0 },
	/* PPN 1 << 10 = 0x400; V|R|U|A|D = 0xd3; PBMT 1 (NC). */
	{ "4K RO non-cacheable", SV39, 0, 0x1000, SZ_4K, R,
	  0x20000000000004d3ULL, 0 },
	/* PPN 0xfe000 << 10 = 0x3f800000; V|R|W|X|A|D = 0xcf (no U); IO. */
	{ "4K RWX privileged MMIO", SV39, 0, 0xfe000000, SZ_4K,
	  R | W | X | PRIV | MMIO, 0x400000003f8000cfULL, 0 },
	/* PPN 0x40200 << 10 = 0x10080000; V|R|X|U|A|D = 0xdb. */
	{ "2M RX cached", SV39, 1, 0x40200000, SZ_2M, R | X | CACHE,
	  0x00000000100800dbULL, 0 },
	/* PPN 0x8040000 << 10 = 0x2010000000; V|R|W|A|D = 0xc7. */
	{ "1G RW privileged cached", SV39, 2, 0x8040000000ULL, SZ_1G,
	  R | W | PRIV | CACHE, 0x00000020100000c7ULL, 0 },
	/* Sv48 terapage: PPN 0x8000000 << 10 = 0x2000000000; 0xd7. */
	{ "512G RW cached", SV48, 3, 0x8000000000ULL, SZ_512G, R | W | CACHE,
	  0x00000020000000d7ULL, 0 },
	/* Sv57 petapage: PPN 2^36 << 10 = 2^46 = 0x400000000000; 0xd3. */
	{ "256T RO cached", SV57, 4, 0x1000000000000ULL, SZ_256T, R | CACHE,
	  0x00004000000000d3ULL, 0 },
	/*
	 * Svnapot 64K at 0x12340000, the entry for 0x12345000: PPN
	 * 0x12340 with PPN[3:0] = 0b1000, 0x12348 << 10 = 0x48d2000; N;
	 * 0xd7. Every one of the 16 entries is the same.
	 */
	{ "64K RW cached, 6th entry", SV39, 0, 0x12345000, SZ_64K,
	  R | W | CACHE, 0x80000000048d20d7ULL, 0 },
	{ "64K RW cached, 1st entry", SV39, 0, 0x12340000, SZ_64K,
	  R | W | CACHE, 0x80000000048d20d7ULL, 0 },
	/* The last 4K of a 56-bit PA: PPN all 44 ones << 10. NC. */
	{ "4K at the top of 56-bit PA", SV39, 0, 0xfffffffffff000ULL, SZ_4K, R,
	  0x203ffffffffffcd3ULL, 0 },
	/* The last 1G of 56 bits: (2^56 - 2^30) >> 2; V|R|W|X|U|A|D 0xdf. */
	{ "1G at the top of 56-bit PA", SV39, 2, 0xffffffc0000000ULL, SZ_1G,
	  R | W | X | CACHE, 0x003ffffff00000dfULL, 0 },
	/* Levels encode alike in every mode. */
	{ "2M in Sv57", SV57, 1, 0x40200000, SZ_2M, R | X | CACHE,
	  0x00000000100800dbULL, 0 },
};

static void rv_golden_leaves(void)
{
	fc_golden(&ref_riscv, golden_leaves, TH_ARRAY_SIZE(golden_leaves));
}

/* Table entries: PPN | V; A, D, U, PBMT and N clear. */
static void rv_table_entries(void)
{
	static const u32 sizes[] = { 39, 48, 57 };
	struct pt_cfg cfg;
	unsigned int i, level;

	for (i = 0; i < TH_ARRAY_SIZE(sizes); i++) {
		if (!fc_cfg(&cfg, fmt, 0, sizes[i], 0))
			continue;
		for (level = 1; level < cfg.levels; level++) {
			CHECK_EQ(fmt->mk_table(&cfg, level, 0x12345000),
				 0x48d1401, "table entry");
			CHECK_EQ(fmt->mk_table(&cfg, level,
					       0xfffffffffff000ULL),
				 0x003ffffffffffc01ULL, "table at the top of PA");
			CHECK_KIND(&cfg, level, 0x48d1401, PT_ENTRY_TABLE,
				   "table entry");
			CHECK_EQ(fmt->entry_pa(&cfg, level, 0x003ffffffffffc01ULL),
				 0xfffffffffff000ULL, "table address");
			/* RSW and G, and A/D/U (reserved, no fault). */
			CHECK_KIND(&cfg, level, 0x48d17f1, PT_ENTRY_TABLE,
				   "table with RSW G A D U");
			CHECK_EQ(fmt->entry_pa(&cfg, level, 0x48d17f1),
				 0x12345000, "table with RSW G A D U");
		}
	}
}

static void rv_kinds(void)
{
	struct pt_cfg c3, c5;
	unsigned int level;

	if (!fc_cfg(&c3, fmt, 0, 39, 0) || !fc_cfg(&c5, fmt, 0, 57, 0))
		return;
	for (level = 0; level < 5; level++) {
		/* PPN 0 is aligned for every size: a leaf at any level. */
		CHECK_KIND(&c5, level, 0xd7, PT_ENTRY_LEAF, "leaf at pa 0");
		CHECK_KIND(&c5, level, 0, PT_ENTRY_EMPTY, "zero");
		CHECK_KIND(&c5, level, 0xd6, PT_ENTRY_EMPTY, "V clear");
		/* W without R, with or without X: reserved. */
		CHECK_KIND(&c5, level, 0xd5, PT_ENTRY_EMPTY, "W only");
		CHECK_KIND(&c5, level, 0xdd, PT_ENTRY_EMPTY, "WX");
		/* Reserved bits 60:54. */
		CHECK_KIND(&c5, level, 0x00400000000000d7ULL, PT_ENTRY_EMPTY,
			   "bit 54");
		CHECK_KIND(&c5, level, 0x10000000000000d7ULL, PT_ENTRY_EMPTY,
			   "bit 60");
		/* PBMT 3 is reserved in a leaf; 1 and 2 are fine. */
		CHECK_KIND(&c5, level, 0x60000000000000d7ULL, PT_ENTRY_EMPTY,
			   "PBMT 3");
		CHECK_KIND(&c5, level, NC | 0xd7, PT_ENTRY_LEAF, "PBMT NC");
		CHECK_KIND(&c5, level, IO | 0xd7, PT_ENTRY_LEAF, "PBMT IO");
	}
	/* A pointer at level 0 faults (i < 0 in step 4). */
	CHECK_KIND(&c3, 0, 0x48d1401, PT_ENTRY_EMPTY, "pointer at level 0");
	/* PBMT and N must be 0 in a pointer. */
	CHECK_KIND(&c3, 1, 0x20000000048d1401ULL, PT_ENTRY_EMPTY,
		   "pointer with PBMT NC");
	CHECK_KIND(&c3, 1, 0x80000000048d1401ULL, PT_ENTRY_EMPTY,
		   "pointer with N");
	/* Superpages must be aligned: PPN[i-1:0] = 0. */
	CHECK_KIND(&c3, 1, 0x100800db, PT_ENTRY_LEAF, "2M aligned");
	CHECK_KIND(&c3, 1, 0x100804db, PT_ENTRY_EMPTY, "2M, PPN bit 0");
	CHECK_KIND(&c3, 1, 0x100880db, PT_ENTRY_EMPTY, "2M, PPN bit 5");
	CHECK_KIND(&c3, 2, 0x20100800c7ULL, PT_ENTRY_EMPTY,
		   "1G, only 2M-aligned");
	CHECK_KIND(&c5, 3, 0x20000000d7ULL, PT_ENTRY_LEAF, "512G aligned");
	CHECK_KIND(&c5, 3, 0x20100000d7ULL, PT_ENTRY_EMPTY,
		   "512G, only 1G-aligned");
	CHECK_KIND(&c5, 4, 0x4000000000d3ULL, PT_ENTRY_LEAF, "256T aligned");
	CHECK_KIND(&c5, 4, 0x2000000000d3ULL, PT_ENTRY_EMPTY,
		   "256T, only 512G-aligned");
	/* Svnapot: only PPN[3:0] = 0b1000 at level 0. */
	CHECK_KIND(&c3, 0, 0x80000000048d20d7ULL, PT_ENTRY_LEAF, "64K");
	CHECK_KIND(&c3, 0, 0x80000000048d10d7ULL, PT_ENTRY_EMPTY,
		   "N, PPN[3:0] 0100");
	CHECK_KIND(&c3, 0, 0x80000000048d04d7ULL, PT_ENTRY_EMPTY,
		   "N, PPN[3:0] 0001");
	CHECK_KIND(&c3, 0, 0x80000000048d00d7ULL, PT_ENTRY_EMPTY,
		   "N, PPN[3:0] 0000");
	/* PPN 0x12358: PPN[3:0] = 0b1000, a 64K page at 0x12350000. */
	CHECK_KIND(&c3, 0, 0x80000000048d60d7ULL, PT_ENTRY_LEAF,
		   "N, PPN 0x12358");
	CHECK_EQ(fmt->entry_pa(&c3, 0, 0x80000000048d60d7ULL), 0x12350000,
		 "64K at 0x12350000");
	CHECK_EQ(fmt->leaf_size(&c3, 0, 0x80000000048d60d7ULL), SZ_64K,
		 "64K size");
	CHECK_KIND(&c3, 1, 0x80000000100820dbULL, PT_ENTRY_EMPTY,
		   "N at level 1");
	/* Execute-only is a leaf; no U: PRIV; PBMT 0: CACHE. */
	CHECK_KIND(&c3, 0, 0x48d1449, PT_ENTRY_LEAF, "execute-only");
	CHECK_EQ(fmt->leaf_prot(&c3, 0, 0x48d1449), X | PRIV | CACHE,
		 "execute-only");
	/* A and D clear still decode as a leaf (SADE decides). */
	CHECK_KIND(&c3, 0, 0x48d1417, PT_ENTRY_LEAF, "A, D clear");
	/* RSW and G: ignored. */
	CHECK_KIND(&c3, 0, 0x48d17f7, PT_ENTRY_LEAF, "RSW, G");
	CHECK_EQ(fmt->entry_pa(&c3, 0, 0x48d17f7), 0x12345000, "RSW, G");
	CHECK_EQ(fmt->leaf_size(&c3, 0, 0x48d17f7), SZ_4K, "RSW, G");
}

/* Every prot at every leaf level and 64K, built bit by bit. */
static void rv_prot_round_trip(void)
{
	fc_prot_round_trip(&ref_riscv, &(struct pt_params){ .ias = 57 },
			   0x3000000000000ULL, PT_PROT_ALL);
}

/*
 * satp/iosatp: MODE (bits 63:60) 8 Sv39, 9 Sv48, 10 Sv57; PPN (43:0) =
 * root >> 12. Root 0x80201000: PPN 0x80201.
 */
static u64 rv_satp(u64 root, u64 mode)
{
	return mode << 60 | root >> 12;
}

static void rv_regs(void)
{
	static const struct fc_regs cases[] = {
		{ 32, 0x8000000000080201ULL, 8 },
		{ 39, 0x8000000000080201ULL, 8 },
		{ 40, 0x9000000000080201ULL, 9 },
		{ 48, 0x9000000000080201ULL, 9 },
		{ 49, 0xa000000000080201ULL, 10 },
		{ 57, 0xa000000000080201ULL, 10 },
	};

	fc_regs(&ref_riscv, 0x80201000, rv_satp, cases, TH_ARRAY_SIZE(cases));
}

/* Every level's span; 64K (Svnapot) at level 0. */
static u64 rv_level_sizes(unsigned int level)
{
	return (1ULL << (12 + 9 * level)) | (level ? 0 : SZ_64K);
}

/* Sv39, Sv48, Sv57: 3, 4, 5 levels of 512 entries, leaves everywhere. */
static void rv_geometry(void)
{
	/* Every level's span; 64K (Svnapot) only when asked for. */
	static const struct fc_geometry geo[] = {
		{ 32, 3, 0x40201000 }, { 38, 3, 0x40201000 },
		{ 39, 3, 0x40201000 },
		{ 40, 4, 0x8040201000ULL }, { 48, 4, 0x8040201000ULL },
		{ 49, 5, 0x1008040201000ULL }, { 57, 5, 0x1008040201000ULL },
	};

	fc_geometry_4k(fmt, 56, PT_PROT_ALL, rv_level_sizes, geo,
		       TH_ARRAY_SIZE(geo));
	fc_defaults(fmt, 12, 39, 56, 0x40201000, 3);
	fc_identity(fmt, PTLAB_FMT_RISCV, "riscv");
}

static void rv_params(void)
{
	static const struct fc_param cases[] = {
		{ { .granule_shift = 12 }, 0, "4K granule" },
		{ { .granule_shift = 14 }, -EOPNOTSUPP, "16K granule" },
		{ { .granule_shift = 16 }, -EOPNOTSUPP, "64K granule" },
		{ { .ias = 31 }, -EINVAL, "ias 31" },
		{ { .ias = 58 }, -EINVAL, "ias 58" },
		{ { .ias = 64 }, -EINVAL, "ias 64 (Sv64 is reserved)" },
		{ { .oas = 31 }, -EINVAL, "oas 31" },
		{ { .oas = 57 }, -EINVAL, "oas 57" },
		{ { .oas = 56 }, 0, "oas 56" },
		{ { .oas = 34 }, 0, "oas 34" },
		{ { .pgsize_bitmap = 0x1000 }, 0, "4K" },
		{ { .pgsize_bitmap = 0x11000 }, 0, "4K 64K" },
		{ { .pgsize_bitmap = 0x40211000 }, 0, "4K 64K 2M 1G" },
		{ { .pgsize_bitmap = 0x10000 }, -EINVAL, "64K without 4K" },
		{ { .pgsize_bitmap = 0x21000 }, -EINVAL, "128K" },
		{ { .pgsize_bitmap = 0x400000 | 0x1000 }, -EINVAL, "4M" },
		{ { .pgsize_bitmap = 0x8000001000ULL }, -EINVAL, "512G in Sv39" },
		{ { .ias = 48, .pgsize_bitmap = 0x8000001000ULL }, 0,
		  "512G in Sv48" },
		{ { .ias = 48, .pgsize_bitmap = 0x1000000001000ULL }, -EINVAL,
		  "256T in Sv48" },
		{ { .ias = 57, .pgsize_bitmap = 0x1000000001000ULL }, 0,
		  "256T in Sv57" },
	};

	fc_params(fmt, cases, TH_ARRAY_SIZE(cases));
}

static const struct pt_params p39 = { .ias = 39 }, p48 = { .ias = 48 },
	p57 = { .ias = 57 },
	/* Svnapot: 64K among the other sizes. */
	p39n = { .ias = 39, .pgsize_bitmap = 0x40211000 },
	p57n = { .ias = 57, .pgsize_bitmap = 0x1008040211000ULL };

FC_SEM_TEST(rv_sem_page_sizes, fc_sem_page_sizes, &ref_riscv, &p39, &p48, &p57, &p39n)
FC_SEM_TEST(rv_sem_top, fc_sem_largest_at_top, &ref_riscv, &p39, &p48, &p57)
FC_SEM_TEST(rv_sem_mixed, fc_sem_mixed, &ref_riscv, &p39, &p57n)
FC_SEM_TEST(rv_sem_overlap, fc_sem_overlap, &ref_riscv, &p39, &p48)
FC_SEM_TEST(rv_sem_unmap, fc_sem_unmap, &ref_riscv, &p39n, &p57)
FC_SEM_TEST(rv_sem_prots, fc_sem_prots, &ref_riscv, &p48)

/*
 * The raw entries of a walk: tables PPN | V, the leaf V|R|A|D with the
 * prot's bits: a device never needs to update A or D.
 */
static void rv_sem_raw(void)
{
	struct pt_walk_result res;
	struct fc_tree t;
	unsigned int i;

	if (!fc_new(&t, &ref_riscv, &p48))
		return;
	fc_map_ok(&t, 0x765432100000ULL, 0x9000, SZ_4K, R | PRIV | MMIO);
	if (CHECK_INT(pt_walk(&t.pt, 0x765432100abcULL, &res), 0, "walk") &&
	    CHECK_INT(res.nr_entries, 4, "entries of an Sv48 walk")) {
		for (i = 0; i < 3; i++)
			CHECK_EQ(res.entries[i] & ~0x003ffffffffffc00ULL, 0x1,
				 "pointer: V only");
		/* PPN 9 << 10 = 0x2400 | V|R|A|D 0xc3 | PBMT IO. */
		CHECK_EQ(res.entries[3], IO | 0x24c3, "leaf");
		CHECK_EQ(res.leaf.pa, 0x9abc, "pa");
	}
	fc_free(&t);
}

/*
 * Svnapot through the engine: a 64K leaf is 16 identical entries; it is
 * walked, iterated and unmapped as one leaf, never split, and 4K pages
 * fill in around it.
 */
static void rv_sem_napot(void)
{
	const u64 iova = 0x7654320000ULL, pa = 0x12340000;
	const struct fc_seg want[] = {
		{ iova - SZ_4K, pa - SZ_4K, SZ_4K, 1 },
		{ iova, pa, SZ_64K, 1 },
		{ iova + SZ_64K, pa + SZ_64K, SZ_4K, 1 },
	};
	u32 prot = R | W | CACHE;
	struct pt_walk_result res;
	struct fc_tree t;
	u64 first = 0, i;

	if (!fc_new(&t, &ref_riscv, &p39n))
		return;
	/* 4K + 64K + 4K: the aligned middle takes one 64K leaf. */
	fc_map_ok(&t, iova - SZ_4K, pa - SZ_4K, SZ_64K + 2 * SZ_4K, prot);
	fc_expect(&t, "4K 64K 4K", prot, want, TH_ARRAY_SIZE(want));
	for (i = 0; i < 16; i++) {
		u64 off = i * SZ_4K + 0x10;

		fc_walk_expect(&t, iova + off, pa + off, SZ_64K, prot);
		if (!CHECK_INT(pt_walk(&t.pt, iova + off, &res), 0, "walk"))
			continue;
		if (!i)
			first = res.entries[2];
		CHECK_EQ(res.entries[2], first, "the 16 entries are identical");
	}
	/* N | PPN 0x12348 << 10 | 0xd7. */
	CHECK_EQ(first, 0x80000000048d20d7ULL, "64K entry");
	/* Nothing inside it, and no unmap starting inside it. */
	fc_map_fails(&t, iova + 3 * SZ_4K, 0x1000, SZ_4K, prot,
		     -EADDRINUSE, 0);
	fc_unmap_expect(&t, iova + SZ_4K, SZ_4K, -EINVAL, 0);
	/* Ending inside: the whole 64K goes. */
	fc_unmap_expect(&t, iova - SZ_4K, 2 * SZ_4K, 0, SZ_4K + SZ_64K);
	fc_walk_none(&t, iova + SZ_64K - 1, -ENOENT);
	fc_walk_expect(&t, iova + SZ_64K, pa + SZ_64K, SZ_4K, prot);
	fc_unmap_expect(&t, iova + SZ_64K, SZ_4K, 0, SZ_4K);
	CHECK_INT(t.ctx.live_tables, 1, "tables after unmap");
	/* A pa only 4K-aligned under a 64K-aligned iova: 16 pages. */
	fc_map_ok(&t, iova, pa + SZ_4K, SZ_64K, prot);
	fc_walk_expect(&t, iova + SZ_64K - 1, pa + SZ_64K + SZ_4K - 1, SZ_4K,
		       prot);
	fc_unmap_expect(&t, iova, SZ_64K, 0, SZ_64K);
	fc_free(&t);
}

static const struct th_test rv_tests[] = {
	TH_TEST(rv_golden_leaves),
	TH_TEST(rv_table_entries),
	TH_TEST(rv_kinds),
	TH_TEST(rv_prot_round_trip),
	TH_TEST(rv_regs),
	TH_TEST(rv_geometry),
	TH_TEST(rv_params),
	TH_TEST(rv_sem_page_sizes),
	TH_TEST(rv_sem_top),
	TH_TEST(rv_sem_mixed),
	TH_TEST(rv_sem_overlap),
	TH_TEST(rv_sem_unmap),
	TH_TEST(rv_sem_prots),
	TH_TEST(rv_sem_raw),
	TH_TEST(rv_sem_napot),
};

int main(int argc, char **argv)
{
	return th_main("test_fmt_riscv", rv_tests, TH_ARRAY_SIZE(rv_tests),
		       argc, argv);
}
