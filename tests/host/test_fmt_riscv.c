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
#include <linux/ptlab.h>

#include "pt_formats.h"
#include "sem_x86_riscv.h"

#define R	PT_PROT_READ
#define W	PT_PROT_WRITE
#define X	PT_PROT_EXEC
#define PRIV	PT_PROT_PRIV
#define CACHE	PT_PROT_CACHE
#define MMIO	PT_PROT_MMIO

#define NC	0x2000000000000000ULL
#define IO	0x4000000000000000ULL
#define N	0x8000000000000000ULL

static const struct pt_format *fmt = &pt_fmt_riscv;

static const char *kind_name(enum pt_entry_kind kind)
{
	switch (kind) {
	case PT_ENTRY_EMPTY: return "empty";
	case PT_ENTRY_TABLE: return "a table";
	case PT_ENTRY_LEAF: return "a leaf";
	}
	return "?";
}

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

/*
 * The independent decoder, following the steps of the "Virtual Address
 * Translation Process" with the Svpbmt and Svnapot rules.
 */
static enum pt_entry_kind rv_decode(unsigned int level, u64 pte, u64 *pa,
				    u64 *size, u32 *prot)
{
	bool v = pte & 1, r = pte >> 1 & 1, w = pte >> 2 & 1, x = pte >> 3 & 1;
	u64 ppn = pte >> 10 & ((1ULL << 44) - 1);
	unsigned int pbmt = pte >> 61 & 3;
	bool n = pte >> 63;

	/* Step 3: V=0, W without R, reserved bits 60:54. */
	if (!v || (!r && w) || (pte >> 54 & 0x7f))
		return PT_ENTRY_EMPTY;
	/* Step 4: a pointer to the next level, none below level 0. */
	if (!r && !x) {
		if (level == 0 || pbmt || n)
			return PT_ENTRY_EMPTY;
		*pa = ppn << 12;
		return PT_ENTRY_TABLE;
	}
	if (pbmt == 3)
		return PT_ENTRY_EMPTY;
	if (n) {
		if (level != 0 || (ppn & 0xf) != 0x8)
			return PT_ENTRY_EMPTY;
		*size = 0x10000;
	} else {
		*size = 0x1000ULL << (9 * level);
		/* Step 5: a misaligned superpage. */
		if (ppn & ((*size >> 12) - 1))
			return PT_ENTRY_EMPTY;
	}
	*pa = (ppn << 12) & ~(*size - 1);
	*prot = (r ? R : 0) | (w ? W : 0) | (x ? X : 0) |
		(pte & 0x10 ? 0 : PRIV) |
		(pbmt == 0 ? CACHE : pbmt == 2 ? MMIO : 0);
	return PT_ENTRY_LEAF;
}

static bool rv_cfg(struct pt_cfg *cfg, u32 ias, u64 bitmap)
{
	struct pt_params params = { .ias = ias, .pgsize_bitmap = bitmap };
	int ret = pt_cfg_init(cfg, fmt, &params);

	return CHECK(!ret, "ias %u bitmap %#llx refused: %s", ias,
		     (unsigned long long)bitmap, th_errname(ret));
}

struct golden_leaf {
	const char *what;
	u32 ias;
	unsigned int level;
	u64 pa;		/* the entry's own pa */
	u64 size;
	u32 prot;
	u64 pte;
};

#define SZ_512G	0x8000000000ULL
#define SZ_256T	0x1000000000000ULL

static const struct golden_leaf golden_leaves[] = {
	/* PPN 0x12345 << 10 = 0x48d1400; V|R|W|U|A|D = 0xd7; PBMT 0. */
	{ "4K RW cached", 39, 0, 0x12345000, SEM_4K, R | W | CACHE,
	  0x00000000048d14d7ULL },
	/* PPN 1 << 10 = 0x400; V|R|U|A|D = 0xd3; PBMT 1 (NC). */
	{ "4K RO non-cacheable", 39, 0, 0x1000, SEM_4K, R,
	  0x20000000000004d3ULL },
	/* PPN 0xfe000 << 10 = 0x3f800000; V|R|W|X|A|D = 0xcf (no U); IO. */
	{ "4K RWX privileged MMIO", 39, 0, 0xfe000000, SEM_4K,
	  R | W | X | PRIV | MMIO, 0x400000003f8000cfULL },
	/* PPN 0x40200 << 10 = 0x10080000; V|R|X|U|A|D = 0xdb. */
	{ "2M RX cached", 39, 1, 0x40200000, SEM_2M, R | X | CACHE,
	  0x00000000100800dbULL },
	/* PPN 0x8040000 << 10 = 0x2010000000; V|R|W|A|D = 0xc7. */
	{ "1G RW privileged cached", 39, 2, 0x8040000000ULL, SEM_1G,
	  R | W | PRIV | CACHE, 0x00000020100000c7ULL },
	/* Sv48 terapage: PPN 0x8000000 << 10 = 0x2000000000; 0xd7. */
	{ "512G RW cached", 48, 3, 0x8000000000ULL, SZ_512G, R | W | CACHE,
	  0x00000020000000d7ULL },
	/* Sv57 petapage: PPN 2^36 << 10 = 2^46 = 0x400000000000; 0xd3. */
	{ "256T RO cached", 57, 4, 0x1000000000000ULL, SZ_256T, R | CACHE,
	  0x00004000000000d3ULL },
	/*
	 * Svnapot 64K at 0x12340000, the entry for 0x12345000: PPN
	 * 0x12340 with PPN[3:0] = 0b1000, 0x12348 << 10 = 0x48d2000; N;
	 * 0xd7. Every one of the 16 entries is the same.
	 */
	{ "64K RW cached, 6th entry", 39, 0, 0x12345000, SEM_64K,
	  R | W | CACHE, 0x80000000048d20d7ULL },
	{ "64K RW cached, 1st entry", 39, 0, 0x12340000, SEM_64K,
	  R | W | CACHE, 0x80000000048d20d7ULL },
	/* The last 4K of a 56-bit PA: PPN all 44 ones << 10. NC. */
	{ "4K at the top of 56-bit PA", 39, 0, 0xfffffffffff000ULL, SEM_4K,
	  R, 0x203ffffffffffcd3ULL },
	/* The last 1G of 56 bits: (2^56 - 2^30) >> 2; V|R|W|X|U|A|D 0xdf. */
	{ "1G at the top of 56-bit PA", 39, 2, 0xffffffc0000000ULL, SEM_1G,
	  R | W | X | CACHE, 0x003ffffff00000dfULL },
	/* Levels encode alike in every mode. */
	{ "2M in Sv57", 57, 1, 0x40200000, SEM_2M, R | X | CACHE,
	  0x00000000100800dbULL },
};

static void rv_golden_leaves(void)
{
	const struct golden_leaf *g;
	struct pt_cfg cfg;

	for (g = golden_leaves; g < golden_leaves + TH_ARRAY_SIZE(golden_leaves);
	     g++) {
		u64 pa = 0, size = 0, start = g->pa & ~(g->size - 1);
		u32 prot = 0;

		if (!rv_cfg(&cfg, g->ias, SEM_64K | SEM_4K))
			continue;
		CHECK_INT(pt_check_prot(&cfg, g->prot), 0, g->what);
		CHECK_EQ(fmt->mk_leaf(&cfg, g->level, g->pa, g->size, g->prot),
			 g->pte, g->what);
		CHECK_KIND(&cfg, g->level, g->pte, PT_ENTRY_LEAF, g->what);
		CHECK_EQ(fmt->entry_pa(&cfg, g->level, g->pte), start, g->what);
		CHECK_EQ(fmt->leaf_size(&cfg, g->level, g->pte), g->size,
			 g->what);
		CHECK_EQ(fmt->leaf_prot(&cfg, g->level, g->pte), g->prot,
			 g->what);
		CHECK_INT(rv_decode(g->level, g->pte, &pa, &size, &prot),
			  PT_ENTRY_LEAF, g->what);
		CHECK(pa == start && prot == g->prot && size == g->size,
		      "%s: independent decode pa %#llx size %#llx prot %#x",
		      g->what, (unsigned long long)pa,
		      (unsigned long long)size, prot);
	}
}

/* Table entries: PPN | V; A, D, U, PBMT and N clear. */
static void rv_table_entries(void)
{
	static const u32 sizes[] = { 39, 48, 57 };
	struct pt_cfg cfg;
	unsigned int i, level;

	for (i = 0; i < TH_ARRAY_SIZE(sizes); i++) {
		if (!rv_cfg(&cfg, sizes[i], 0))
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

	if (!rv_cfg(&c3, 39, 0) || !rv_cfg(&c5, 57, 0))
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
	CHECK_EQ(fmt->leaf_size(&c3, 0, 0x80000000048d60d7ULL), SEM_64K,
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
	CHECK_EQ(fmt->leaf_size(&c3, 0, 0x48d17f7), SEM_4K, "RSW, G");
}

static int rv_valid(u32 prot)
{
	if (!(prot & R) || (prot & (CACHE | MMIO)) == (CACHE | MMIO))
		return -EINVAL;
	return 0;
}

/* Every prot at every leaf level and 64K, built bit by bit. */
static void rv_prot_round_trip(void)
{
	struct pt_cfg cfg;
	unsigned int level;
	u32 prot;

	if (!rv_cfg(&cfg, 57, 0))
		return;
	for (prot = 0; prot <= PT_PROT_ALL; prot++) {
		CHECK_INT(pt_check_prot(&cfg, prot), rv_valid(prot),
			  "check_prot");
		if (rv_valid(prot))
			continue;
		for (level = 0; level <= 5; level++) {
			/* Level 5 stands for a 64K leaf at level 0. */
			unsigned int l = level == 5 ? 0 : level;
			u64 size = level == 5 ? SEM_64K : 1ULL << (12 + 9 * l);
			u64 pa = 0x3000000000000ULL, pte, want, dpa = 0, dsize = 0;
			u32 dprot = 0;

			want = 0xc3 | pa >> 2 | (level == 5 ? N | 0x8 << 10 : 0) |
			       (prot & W ? 0x4 : 0) | (prot & X ? 0x8 : 0) |
			       (prot & PRIV ? 0 : 0x10) |
			       (prot & CACHE ? 0 : prot & MMIO ? IO : NC);
			pte = fmt->mk_leaf(&cfg, l, pa, size, prot);
			CHECK_EQ(pte, want, "leaf bits");
			CHECK(fmt->kind(&cfg, l, pte) == PT_ENTRY_LEAF &&
			      fmt->entry_pa(&cfg, l, pte) == pa &&
			      fmt->leaf_size(&cfg, l, pte) == size &&
			      fmt->leaf_prot(&cfg, l, pte) == prot,
			      "prot %#x level %u size %#llx: %#llx decodes as kind %d pa %#llx prot %#x",
			      prot, l, (unsigned long long)size,
			      (unsigned long long)pte, fmt->kind(&cfg, l, pte),
			      (unsigned long long)fmt->entry_pa(&cfg, l, pte),
			      fmt->leaf_prot(&cfg, l, pte));
			CHECK(rv_decode(l, pte, &dpa, &dsize, &dprot) ==
			      PT_ENTRY_LEAF && dpa == pa && dsize == size &&
			      dprot == prot,
			      "prot %#x level %u: independent decode pa %#llx size %#llx prot %#x",
			      prot, l, (unsigned long long)dpa,
			      (unsigned long long)dsize, dprot);
		}
	}
}

/*
 * satp/iosatp: MODE (bits 63:60) 8 Sv39, 9 Sv48, 10 Sv57; PPN (43:0) =
 * root >> 12. Root 0x80201000: PPN 0x80201.
 */
static void rv_regs(void)
{
	static const struct {
		u32 ias;
		u64 ttbr, tcr;
	} cases[] = {
		{ 32, 0x8000000000080201ULL, 8 },
		{ 39, 0x8000000000080201ULL, 8 },
		{ 40, 0x9000000000080201ULL, 9 },
		{ 48, 0x9000000000080201ULL, 9 },
		{ 49, 0xa000000000080201ULL, 10 },
		{ 57, 0xa000000000080201ULL, 10 },
	};
	struct pt_hw_regs regs;
	struct pt_cfg cfg;
	unsigned int i;

	for (i = 0; i < TH_ARRAY_SIZE(cases); i++) {
		const struct sem_fmt f = { .fmt = fmt };
		struct pt_params params = { .ias = cases[i].ias };
		struct sem s;

		if (!rv_cfg(&cfg, cases[i].ias, 0))
			continue;
		fmt->regs(&cfg, 0x80201000, &regs);
		CHECK(regs.ttbr == cases[i].ttbr && regs.tcr == cases[i].tcr &&
		      !regs.mair, "ias %u: ttbr %#llx tcr %#llx mair %#llx",
		      cases[i].ias, (unsigned long long)regs.ttbr,
		      (unsigned long long)regs.tcr,
		      (unsigned long long)regs.mair);
		if (!sem_new(&s, &f, &params))
			continue;
		fmt->regs(&s.pt.cfg, pt_root_pa(&s.pt), &regs);
		CHECK_EQ(regs.ttbr, cases[i].tcr << 60 |
			 (u64)(uintptr_t)s.pt.root >> 12, "satp of a tree");
		sem_free(&s);
	}
}

/* Sv39, Sv48, Sv57: 3, 4, 5 levels of 512 entries, leaves everywhere. */
static void rv_geometry(void)
{
	static const struct {
		u32 ias, levels;
		u64 bitmap;
	} cases[] = {
		{ 32, 3, 0x40201000 }, { 38, 3, 0x40201000 },
		{ 39, 3, 0x40201000 },
		{ 40, 4, 0x8040201000ULL }, { 48, 4, 0x8040201000ULL },
		{ 49, 5, 0x1008040201000ULL }, { 57, 5, 0x1008040201000ULL },
	};
	struct pt_cfg cfg;
	unsigned int i, l;

	for (i = 0; i < TH_ARRAY_SIZE(cases); i++) {
		if (!rv_cfg(&cfg, cases[i].ias, 0))
			continue;
		CHECK_INT(cfg.levels, cases[i].levels, "levels");
		CHECK_INT(cfg.ias, cases[i].ias, "ias");
		CHECK_INT(cfg.oas, 56, "default oas");
		CHECK_INT(cfg.granule_shift, 12, "granule");
		CHECK_INT(cfg.entry_shift, 3, "8-byte entries");
		CHECK_EQ(cfg.prot_mask, PT_PROT_ALL, "prot mask");
		/* Every level's span; 64K (Svnapot) only when asked for. */
		CHECK_EQ(cfg.pgsize_bitmap, cases[i].bitmap,
			 "default page sizes");
		for (l = 0; l < cfg.levels; l++) {
			CHECK_INT(cfg.lvl[l].shift, 12 + 9 * l, "shift");
			CHECK_INT(cfg.lvl[l].index_bits, 9, "index bits");
			CHECK_EQ(cfg.lvl[l].pgsizes,
				 (1ULL << (12 + 9 * l)) | (l ? 0 : SEM_64K),
				 "pgsizes");
			CHECK_EQ(pt_table_bytes(&cfg, l), 4096, "table bytes");
		}
	}
	CHECK(!pt_cfg_init(&cfg, fmt, &(struct pt_params){}) &&
	      cfg.ias == 39 && cfg.oas == 56 && cfg.levels == 3,
	      "defaults: ias %u oas %u levels %u", cfg.ias, cfg.oas,
	      cfg.levels);
	CHECK_INT(fmt->id, PTLAB_FMT_RISCV, "format id");
	CHECK(!strcmp(fmt->name, "riscv"), "name %s", fmt->name);
}

static void rv_params(void)
{
	static const struct {
		struct pt_params p;
		int ret;
		const char *what;
	} cases[] = {
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

static const struct sem_fmt rv_sem = {
	.fmt = &pt_fmt_riscv,
	.decode = rv_decode,
	.prot = R | W | CACHE,
};

static const struct pt_params p39 = { .ias = 39 }, p48 = { .ias = 48 },
	p57 = { .ias = 57 },
	/* Svnapot: 64K among the other sizes. */
	p39n = { .ias = 39, .pgsize_bitmap = 0x40211000 },
	p57n = { .ias = 57, .pgsize_bitmap = 0x1008040211000ULL };

static void rv_sem_page_sizes(void)
{
	sem_page_sizes(&rv_sem, &p39);
	sem_page_sizes(&rv_sem, &p48);
	sem_page_sizes(&rv_sem, &p57);
	sem_page_sizes(&rv_sem, &p39n);
}

static void rv_sem_top(void)
{
	sem_largest_at_top(&rv_sem, &p39);
	sem_largest_at_top(&rv_sem, &p48);
	sem_largest_at_top(&rv_sem, &p57);
}

static void rv_sem_mixed(void)
{
	sem_mixed(&rv_sem, &p39);
	sem_mixed(&rv_sem, &p57n);
}

static void rv_sem_overlap(void)
{
	sem_overlap(&rv_sem, &p39);
	sem_overlap(&rv_sem, &p48);
}

static void rv_sem_unmap(void)
{
	sem_unmap(&rv_sem, &p39n);
	sem_unmap(&rv_sem, &p57);
}

static void rv_sem_prots(void)
{
	sem_prots(&rv_sem, &p48, rv_valid);
}

/*
 * The raw entries of a walk: tables PPN | V, the leaf V|R|A|D with the
 * prot's bits: a device never needs to update A or D.
 */
static void rv_sem_raw(void)
{
	struct pt_walk_result res;
	struct sem s;
	unsigned int i;

	if (!sem_new(&s, &rv_sem, &p48))
		return;
	sem_map_ok(&s, 0x765432100000ULL, 0x9000, SEM_4K, R | PRIV | MMIO);
	if (CHECK_INT(pt_walk(&s.pt, 0x765432100abcULL, &res), 0, "walk") &&
	    CHECK_INT(res.nr_entries, 4, "entries of an Sv48 walk")) {
		for (i = 0; i < 3; i++)
			CHECK_EQ(res.entries[i] & ~0x003ffffffffffc00ULL, 0x1,
				 "pointer: V only");
		/* PPN 9 << 10 = 0x2400 | V|R|A|D 0xc3 | PBMT IO. */
		CHECK_EQ(res.entries[3], IO | 0x24c3, "leaf");
		CHECK_EQ(res.leaf.pa, 0x9abc, "pa");
	}
	sem_free(&s);
}

/*
 * Svnapot through the engine: a 64K leaf is 16 identical entries; it is
 * walked, iterated and unmapped as one leaf, never split, and 4K pages
 * fill in around it.
 */
static void rv_sem_napot(void)
{
	const u64 iova = 0x7654320000ULL, pa = 0x12340000;
	const struct sem_leaf want[] = {
		{ iova - SEM_4K, pa - SEM_4K, SEM_4K },
		{ iova, pa, SEM_64K },
		{ iova + SEM_64K, pa + SEM_64K, SEM_4K },
	};
	u32 prot = R | W | CACHE;
	struct pt_walk_result res;
	struct sem s;
	u64 first = 0, i;

	if (!sem_new(&s, &rv_sem, &p39n))
		return;
	/* 4K + 64K + 4K: the aligned middle takes one 64K leaf. */
	sem_map_ok(&s, iova - SEM_4K, pa - SEM_4K, SEM_64K + 2 * SEM_4K, prot);
	sem_expect(&s, prot, want, TH_ARRAY_SIZE(want), "4K 64K 4K");
	for (i = 0; i < 16; i++) {
		u64 off = i * SEM_4K + 0x10;

		sem_walk_expect(&s, iova + off, pa + off, SEM_64K, prot);
		if (!CHECK_INT(pt_walk(&s.pt, iova + off, &res), 0, "walk"))
			continue;
		if (!i)
			first = res.entries[2];
		CHECK_EQ(res.entries[2], first, "the 16 entries are identical");
	}
	/* N | PPN 0x12348 << 10 | 0xd7. */
	CHECK_EQ(first, 0x80000000048d20d7ULL, "64K entry");
	/* Nothing inside it, and no unmap starting inside it. */
	sem_map_fails(&s, iova + 3 * SEM_4K, 0x1000, SEM_4K, prot,
		      -EADDRINUSE, 0);
	sem_unmap_expect(&s, iova + SEM_4K, SEM_4K, -EINVAL, 0);
	/* Ending inside: the whole 64K goes. */
	sem_unmap_expect(&s, iova - SEM_4K, 2 * SEM_4K, 0, SEM_4K + SEM_64K);
	sem_walk_none(&s, iova + SEM_64K - 1, -ENOENT);
	sem_walk_expect(&s, iova + SEM_64K, pa + SEM_64K, SEM_4K, prot);
	sem_unmap_expect(&s, iova + SEM_64K, SEM_4K, 0, SEM_4K);
	CHECK_INT(s.ctx.live_tables, 1, "tables after unmap");
	/* A pa only 4K-aligned under a 64K-aligned iova: 16 pages. */
	sem_map_ok(&s, iova, pa + SEM_4K, SEM_64K, prot);
	sem_walk_expect(&s, iova + SEM_64K - 1, pa + SEM_64K + SEM_4K - 1, SEM_4K,
			prot);
	sem_unmap_expect(&s, iova, SEM_64K, 0, SEM_64K);
	sem_free(&s);
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
