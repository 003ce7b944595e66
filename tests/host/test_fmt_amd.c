// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the AMD IOMMU v1 host page-table format (pt_fmt_amd_v1):
 * golden encodings worked out by hand from the AMD I/O Virtualization
 * Technology (IOMMU) Specification, publication 48882, section 2.2.3 "I/O
 * Page Tables for Host Translations" (I/O PDE and PTE formats, Table 14
 * "Example Page Size Encodings", Table 15 "Page Table Level Parameters")
 * and section 2.2.2 (the DTE Mode and Host Page Table Root Pointer);
 * decode round trips; geometry and parameters; and the engine's map,
 * unmap, walk and iterate over this format, each walk checked against an
 * independent walker of the raw tables written here from the spec.
 *
 * Entry bits (one format for PDEs and PTEs):
 *   [0] PR 0x1; [11:9] Next Level (NL); [51:12] address;
 *   PTE: [58:52] reserved, [59] U, [60] FC 0x1000000000000000;
 *   PDE: [60:52] reserved;
 *   [61] IR 0x2000000000000000, [62] IW 0x4000000000000000.
 * AMD level N (1-6) is the engine's level N - 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ptlab.h>

#include "harness.h"
#include "host_ops.h"
#include "pt_formats.h"

#define R	PT_PROT_READ
#define W	PT_PROT_WRITE
#define RW	(PT_PROT_READ | PT_PROT_WRITE)
#define CACHE	PT_PROT_CACHE

#define SZ(k)	(1ULL << (k))
#define SZ_4K	SZ(12)
#define SZ_8K	SZ(13)
#define SZ_16K	SZ(14)
#define SZ_64K	SZ(16)
#define SZ_1M	SZ(20)
#define SZ_2M	SZ(21)
#define SZ_1G	SZ(30)

/* Spec bit positions, spelled out independently of the format's code. */
#define SPEC_PR		0x1ULL
#define SPEC_ADDR	0x000ffffffffff000ULL	/* bits 51:12 */
#define SPEC_PTE_RSVD	0x07f0000000000000ULL	/* bits 58:52 */
#define SPEC_PDE_RSVD	0x1ff0000000000000ULL	/* bits 60:52 */
#define SPEC_U		0x0800000000000000ULL
#define SPEC_FC		0x1000000000000000ULL
#define SPEC_IR		0x2000000000000000ULL
#define SPEC_IW		0x4000000000000000ULL

static const struct pt_format *fmt = &pt_fmt_amd_v1;

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
	u64 pte_ = (pte);						\
	unsigned int level_ = (level);					\
	enum pt_entry_kind want_ = (want);				\
	enum pt_entry_kind kind_ = fmt->kind(cfg, level_, pte_);	\
									\
	CHECK(kind_ == want_, "%s: %#llx at level %u is %s, expected %s", \
	      what, (unsigned long long)pte_, level_, kind_name(kind_),	\
	      kind_name(want_));					\
})

static bool amd_cfg(struct pt_cfg *cfg, u32 ias)
{
	struct pt_params params = { .ias = ias };
	int ret = pt_cfg_init(cfg, fmt, &params);

	return CHECK(!ret, "ias %u refused: %s", ias, th_errname(ret));
}

/* The engine's level of a page of 2^k bytes: AMD level minus one. */
static unsigned int amd_level_of(u64 size)
{
	return (fls64(size) - 1 - 12) / 9;
}

/* ---- An independent walker of the raw tables, from section 2.2.3. ---- */

/**
 * struct spec_walk - what the hardware walk of one IOVA does
 * @pa: the translated address
 * @size: the page size
 * @prot: R/W from IR/IW ANDed over the DTE (IR = IW = 1) and every entry,
 *	CACHE from the PTE's FC
 * @amd_level: AMD level (1-6) of the table holding the PTE
 * @nr: entries read, root first
 * @entries: their raw values
 */
struct spec_walk {
	u64 pa;
	u64 size;
	u32 prot;
	unsigned int amd_level;
	unsigned int nr;
	u64 entries[6];
};

/*
 * Translate @iova through the tables at @root with DTE Mode @mode (host
 * addresses are the tables' own). Returns false where the IOMMU faults:
 * PR clear, reserved bits set, a Next Level not below the current level,
 * a PTE at level 6, a Next Level 7 size the level cannot hold, or a
 * non-zero IOVA index of a skipped level or above the mode's reach.
 */
static bool spec_translate(u64 root, unsigned int mode, u64 iova,
			   struct spec_walk *w)
{
	unsigned int level = mode, l, nl, bit;
	bool ir = true, iw = true;
	u64 table = root, e, size;

	memset(w, 0, sizeof(*w));
	if (mode < 6 && (iova >> (12 + 9 * mode)))
		return false;
	for (;;) {
		unsigned int shift = 12 + 9 * (level - 1);

		e = ((const u64 *)(uintptr_t)table)[(iova >> shift) & 0x1ff];
		w->entries[w->nr++] = e;
		if (!(e & SPEC_PR))
			return false;
		ir = ir && (e & SPEC_IR);
		iw = iw && (e & SPEC_IW);
		nl = (e >> 9) & 7;
		if (nl == 0 || nl == 7) {
			if (level == 6 || (e & SPEC_PTE_RSVD))
				return false;
			if (nl == 0) {
				size = SZ(shift);
			} else {
				/* Table 14: count the ones from bit 12 up. */
				for (bit = 12; bit < 52 && ((e >> bit) & 1); bit++)
					;
				size = SZ(bit + 1);
				/*
				 * Larger than the level's own size, at most
				 * 256 entries, and (Linux's limit) 2^51.
				 */
				if (size <= SZ(shift) || size > SZ(shift + 8) ||
				    size > SZ(51))
					return false;
			}
			w->size = size;
			w->pa = (e & SPEC_ADDR & ~(size - 1)) | (iova & (size - 1));
			w->prot = (ir ? R : 0) | (iw ? W : 0) |
				  ((e & SPEC_FC) ? CACHE : 0);
			w->amd_level = level;
			return true;
		}
		if (nl >= level || (e & SPEC_PDE_RSVD))
			return false;
		/* Skipped levels translate no bits: theirs must be zero. */
		for (l = nl + 1; l < level; l++)
			if ((iova >> (12 + 9 * (l - 1))) & 0x1ff)
				return false;
		table = e & SPEC_ADDR;
		level = nl;
	}
}

/* ---- Golden encodings (section 2.2.3, Tables 14 and 15). ---- */

struct golden_leaf {
	const char *what;
	unsigned int level;
	u64 pa;
	u64 pgsize;
	u32 prot;
	u64 pte;
};

static const struct golden_leaf golden_leaves[] = {
	/*
	 * Next Level 0 PTEs, the default size of each level. A 4K page at
	 * AMD level 1: PR 0x1 | address 0x12345000 | IR | IW.
	 */
	{ "4K RW", 0, 0x12345000, SZ_4K, RW, 0x6000000012345001ULL },
	/* IR alone 0x2000...; IW alone 0x4000... (write-only is legal). */
	{ "4K R", 0, 0x12345000, SZ_4K, R, 0x2000000012345001ULL },
	{ "4K W", 0, 0x12345000, SZ_4K, W, 0x4000000012345001ULL },
	/* CACHE is FC, bit 60: 0x1000000000000000. */
	{ "4K RW FC", 0, 0x12345000, SZ_4K, RW | CACHE,
	  0x7000000012345001ULL },
	/* AMD level 2, NL 0: a 2M page at 0x40200000. */
	{ "2M RW", 1, 0x40200000, SZ_2M, RW, 0x6000000040200001ULL },
	/* AMD level 3: 1G at 0x8040000000, read-only. */
	{ "1G R", 2, 0x8040000000ULL, SZ_1G, R, 0x2000008040000001ULL },
	/* AMD level 4: 512G at 2^39, IW | FC = 0x5000... */
	{ "512G W FC", 3, 0x8000000000ULL, SZ(39), W | CACHE,
	  0x5000008000000001ULL },
	/* AMD level 5: 256T at 3 * 2^48 = 0x3000000000000. */
	{ "256T RW", 4, 0x3000000000000ULL, SZ(48), RW,
	  0x6003000000000001ULL },
	/*
	 * Next Level 7 (0xe00) PTEs, size in the address (Table 14). 8K at
	 * AMD level 1: bit 12 clear, nothing set below it: 0x12346000.
	 */
	{ "8K RW", 0, 0x12346000, SZ_8K, RW, 0x6000000012346e01ULL },
	/*
	 * The second entry of that 8K page is given pa 0x12347000; bit 12
	 * is the size encoding's, cleared: the same value (replicas are
	 * identical).
	 */
	{ "8K RW, second entry", 0, 0x12347000, SZ_8K, RW,
	  0x6000000012346e01ULL },
	/* 16K: bit 12 set, bit 13 clear: 0x12348000 | 0x1000. */
	{ "16K RW", 0, 0x12348000, SZ_16K, RW, 0x6000000012349e01ULL },
	/* 64K: bits 14:12 set, bit 15 clear: 0x12340000 | 0x7000. */
	{ "64K R", 0, 0x12340000, SZ_64K, R, 0x2000000012347e01ULL },
	/* Its 16th entry (pa 0x1234f000) is the same value. */
	{ "64K R, last entry", 0, 0x1234f000, SZ_64K, R,
	  0x2000000012347e01ULL },
	/* 1M, the largest at AMD level 1 (256 entries): bits 18:12 set. */
	{ "1M RW FC", 0, 0x12300000, SZ_1M, RW | CACHE,
	  0x700000001237fe01ULL },
	/* 4M at AMD level 2 (2 entries): bits 20:12 set, 21 clear. */
	{ "4M RW", 1, 0x40400000, SZ(22), RW, 0x60000000405ffe01ULL },
	/* 256M at AMD level 2: bits 26:12 set, bit 27 clear. */
	{ "256M W", 1, 0x50000000, SZ(28), W, 0x4000000057fffe01ULL },
	/* 2G at AMD level 3: bits 29:12 set, bit 30 clear. */
	{ "2G R", 2, 0x80000000, SZ(31), R, 0x20000000bffffe01ULL },
	/* 256G at AMD level 3 (256 entries): bits 36:12 set, 37 clear. */
	{ "256G RW", 2, 0x4000000000ULL, SZ(38), RW, 0x6000005ffffffe01ULL },
	/* 1T at AMD level 4: bits 38:12 set, bit 39 clear, bit 40 pa. */
	{ "1T RW", 3, SZ(40), SZ(40), RW, 0x6000017ffffffe01ULL },
	/* 512T at AMD level 5: bits 47:12 set, bit 48 clear, bit 49 pa. */
	{ "512T W FC", 4, SZ(49), SZ(49), W | CACHE,
	  0x5002fffffffffe01ULL },
	/* 2^51, the largest: bits 49:12 set, bit 50 clear, bit 51 pa. */
	{ "2^51 R", 4, SZ(51), SZ(51), R, 0x200bfffffffffe01ULL },
};

static void amd_golden_leaves(void)
{
	const struct golden_leaf *g;
	struct pt_cfg cfg;

	if (!amd_cfg(&cfg, 64))
		return;
	for (g = golden_leaves; g < golden_leaves + TH_ARRAY_SIZE(golden_leaves);
	     g++) {
		CHECK(!fmt->check_prot(&cfg, g->prot), "%s: prot %#x refused",
		      g->what, g->prot);
		CHECK(cfg.lvl[g->level].pgsizes & g->pgsize,
		      "%s: size not at level %u", g->what, g->level);
		CHECK_EQ(fmt->mk_leaf(&cfg, g->level, g->pa, g->pgsize, g->prot),
			 g->pte, g->what);
		CHECK_KIND(&cfg, g->level, g->pte, PT_ENTRY_LEAF, g->what);
		CHECK_EQ(fmt->entry_pa(&cfg, g->level, g->pte),
			 g->pa & ~(g->pgsize - 1), g->what);
		CHECK_EQ(fmt->leaf_size(&cfg, g->level, g->pte), g->pgsize,
			 g->what);
		CHECK_EQ(fmt->leaf_prot(&cfg, g->level, g->pte), g->prot,
			 g->what);
	}
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

	if (!amd_cfg(&cfg, 64))
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

	if (!amd_cfg(&cfg64, 64) || !amd_cfg(&cfg48, 48) || !amd_cfg(&cfg40, 40))
		return;
	for (level = 0; level < 6; level++) {
		CHECK_KIND(&cfg64, level, 0, PT_ENTRY_EMPTY, "zero");
		/* PR clear: not present, whatever else is set. */
		CHECK_KIND(&cfg64, level, ~SPEC_PR, PT_ENTRY_EMPTY, "PR clear");
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

	if (!amd_cfg(&cfg, 64))
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

/* check_prot(), and leaf_prot(mk_leaf()) for every accepted prot. */
static void amd_prot_round_trip(void)
{
	struct pt_cfg cfg;
	unsigned int level;
	u32 prot;

	if (!amd_cfg(&cfg, 64))
		return;
	CHECK_INT(cfg.prot_mask, R | W | CACHE, "prot mask");
	for (prot = 0; prot <= PT_PROT_ALL; prot++) {
		bool in_mask = !(prot & ~(R | W | CACHE));
		int want = !in_mask ? -EOPNOTSUPP : (prot & RW) ? 0 : -EINVAL;

		CHECK_INT(pt_check_prot(&cfg, prot), want, "pt_check_prot");
		if (want)
			continue;
		for (level = 0; level < 5; level++) {
			unsigned int shift = cfg.lvl[level].shift;
			u64 sizes = cfg.lvl[level].pgsizes;

			while (sizes) {
				u64 size = sizes & -sizes;
				u64 pa = SZ(51), pte, i, n = size >> shift;

				sizes &= sizes - 1;
				pte = fmt->mk_leaf(&cfg, level, pa, size, prot);
				CHECK(fmt->kind(&cfg, level, pte) == PT_ENTRY_LEAF &&
				      fmt->entry_pa(&cfg, level, pte) == pa &&
				      fmt->leaf_size(&cfg, level, pte) == size &&
				      fmt->leaf_prot(&cfg, level, pte) == prot,
				      "prot %#x level %u size %#llx: pte %#llx",
				      prot, level, (unsigned long long)size,
				      (unsigned long long)pte);
				/* Every entry of the page is the same. */
				for (i = 1; i < n; i += n / 2 > 1 ? n / 2 - 1 : 1)
					CHECK_EQ(fmt->mk_leaf(&cfg, level,
							      pa + (i << shift),
							      size, prot),
						 pte, "replica");
			}
		}
	}
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

		if (!amd_cfg(&cfg, geo->ias))
			continue;
		CHECK_INT(cfg.levels, geo->levels, "levels");
		CHECK_INT(cfg.granule_shift, 12, "granule");
		CHECK_INT(cfg.oas, 52, "default oas");
		CHECK_INT(cfg.entry_shift, 3, "8-byte entries");
		for (l = 0; l < cfg.levels; l++) {
			bool top = l + 1 == cfg.levels;

			CHECK_INT(cfg.lvl[l].shift, 12 + 9 * l, "level shift");
			CHECK_INT(cfg.lvl[l].index_bits,
				  top ? geo->top_index_bits : 9, "index bits");
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
		CHECK_EQ(pt_table_bytes(&cfg, cfg.levels - 1),
			 8ULL << geo->top_index_bits, "top table bytes");
	}
	/* Everything defaulted: 48-bit IOVA, Mode 4, 52-bit output. */
	CHECK(!pt_cfg_init(&cfg, fmt, &(struct pt_params){}) &&
	      cfg.ias == 48 && cfg.oas == 52 && cfg.levels == 4 &&
	      cfg.granule_shift == 12 &&
	      cfg.pgsize_bitmap == 0xff7ffffff000ULL,
	      "defaults: ias %u oas %u levels %u pgsizes %#llx", cfg.ias,
	      cfg.oas, cfg.levels, (unsigned long long)cfg.pgsize_bitmap);
	CHECK_INT(fmt->id, PTLAB_FMT_AMD_V1, "format id");
	CHECK(!strcmp(fmt->name, "amd-v1"), "name %s", fmt->name);
}

static void amd_params(void)
{
	static const struct {
		struct pt_params p;
		int ret;
		const char *what;
	} cases[] = {
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

/* ---- Trees through the engine. ---- */

struct eng {
	struct pt_space pt;
	struct host_ctx ctx;
	struct host_gather g;
};

static bool eng_new(struct eng *e, u32 ias, u64 pgsize_bitmap)
{
	struct pt_params params = { .ias = ias, .pgsize_bitmap = pgsize_bitmap };
	struct pt_cfg cfg;
	int ret;

	*e = (struct eng){};
	host_ctx_init(&e->ctx);
	ret = pt_cfg_init(&cfg, fmt, &params);
	if (!ret)
		ret = pt_space_init(&e->pt, &cfg, &host_table_ops, &e->ctx);
	if (!CHECK(!ret, "new tree (ias %u): %s", ias, th_errname(ret))) {
		host_ctx_fini(&e->ctx);
		return false;
	}
	e->ctx.check_unlinked = true;
	host_gather_init(&e->g, &e->ctx);
	return true;
}

static void eng_free(struct eng *e)
{
	host_space_free(&e->pt, &e->g);
	host_gather_fini(&e->g);
}

static int eng_map(struct eng *e, u64 iova, u64 pa, u64 size, u32 prot,
		   u64 pgsizes, u64 *mapped)
{
	int ret = pt_map(&e->pt, iova, pa, size, prot,
			 pgsizes ? pgsizes : e->pt.cfg.pgsize_bitmap, &e->g,
			 mapped);

	CHECK(!e->g.nr_leaves, "map removed %zu leaves", e->g.nr_leaves);
	host_flush(&e->g, &e->pt);
	return ret;
}

static void eng_map_ok(struct eng *e, u64 iova, u64 pa, u64 size, u32 prot,
		       u64 pgsizes)
{
	u64 mapped;
	int ret = eng_map(e, iova, pa, size, prot, pgsizes, &mapped);

	CHECK(!ret && mapped == size,
	      "map(%#llx, pa %#llx, size %#llx) is %s with %#llx mapped",
	      (unsigned long long)iova, (unsigned long long)pa,
	      (unsigned long long)size, th_errname(ret),
	      (unsigned long long)mapped);
}

static void eng_map_expect(struct eng *e, u64 iova, u64 pa, u64 size,
			   u32 prot, u64 pgsizes, int want, u64 want_mapped)
{
	u64 mapped;
	int ret = eng_map(e, iova, pa, size, prot, pgsizes, &mapped);

	CHECK(ret == want && mapped == want_mapped,
	      "map(%#llx, pa %#llx, size %#llx) is %s with %#llx mapped, expected %s with %#llx",
	      (unsigned long long)iova, (unsigned long long)pa,
	      (unsigned long long)size, th_errname(ret),
	      (unsigned long long)mapped, th_errname(want),
	      (unsigned long long)want_mapped);
}

/* Unmap; check the result and, if @leaf_size, the one leaf removed. */
static void eng_unmap_expect(struct eng *e, u64 iova, u64 size, int want,
			     u64 want_unmapped, u64 leaf_iova, u64 leaf_size)
{
	u64 unmapped;
	int ret = pt_unmap(&e->pt, iova, size, &e->g, &unmapped);

	CHECK(ret == want && unmapped == want_unmapped,
	      "unmap(%#llx, %#llx) is %s with %#llx unmapped, expected %s with %#llx",
	      (unsigned long long)iova, (unsigned long long)size,
	      th_errname(ret), (unsigned long long)unmapped, th_errname(want),
	      (unsigned long long)want_unmapped);
	if (leaf_size)
		CHECK(e->g.nr_leaves == 1 && e->g.leaves[0].iova == leaf_iova &&
		      e->g.leaves[0].size == leaf_size,
		      "unmap(%#llx) removed %zu leaves, first iova %#llx size %#llx",
		      (unsigned long long)iova, e->g.nr_leaves,
		      e->g.nr_leaves ? (unsigned long long)e->g.leaves[0].iova : 0,
		      e->g.nr_leaves ? (unsigned long long)e->g.leaves[0].size : 0);
	host_flush(&e->g, &e->pt);
}

/*
 * Walk @iova through the engine and through spec_translate(); both must
 * find @pa (the offset included) in a page of @size with @prot, read the
 * same entries, and the leaf entries must be the page's replicas.
 */
static void walk_expect(const struct eng *e, u64 iova, u64 pa, u64 size,
			u32 prot)
{
	const struct pt_cfg *cfg = &e->pt.cfg;
	unsigned int level = amd_level_of(size), i;
	struct pt_walk_result res;
	struct spec_walk sw;
	int ret = pt_walk(&e->pt, iova, &res);
	bool ok = spec_translate(pt_root_pa(&e->pt), cfg->levels, iova, &sw);
	const u64 *table;
	u64 first, n;

	if (!CHECK(!ret && ok, "walk(%#llx): engine %s, spec walk %s",
		   (unsigned long long)iova, th_errname(ret),
		   ok ? "translates" : "faults"))
		return;
	CHECK(res.leaf.iova == (iova & ~(size - 1)) && res.leaf.pa == pa &&
	      res.leaf.size == size && res.leaf.prot == prot &&
	      res.leaf.level == level,
	      "walk(%#llx) gives iova %#llx pa %#llx size %#llx prot %#x level %u, expected pa %#llx size %#llx prot %#x level %u",
	      (unsigned long long)iova, (unsigned long long)res.leaf.iova,
	      (unsigned long long)res.leaf.pa,
	      (unsigned long long)res.leaf.size, res.leaf.prot,
	      res.leaf.level, (unsigned long long)pa,
	      (unsigned long long)size, prot, level);
	CHECK(sw.pa == pa && sw.size == size && sw.prot == prot &&
	      sw.amd_level == level + 1,
	      "spec walk(%#llx) gives pa %#llx size %#llx prot %#x AMD level %u",
	      (unsigned long long)iova, (unsigned long long)sw.pa,
	      (unsigned long long)sw.size, sw.prot, sw.amd_level);
	if (!CHECK_INT(res.nr_entries, sw.nr, "entries read") ||
	    !CHECK_INT(res.nr_entries, cfg->levels - level, "entries read"))
		return;
	for (i = 0; i < sw.nr; i++)
		CHECK_EQ(res.entries[i], sw.entries[i], "raw entry");
	/* The page's entries in its table: n identical ones, no more. */
	table = sw.nr > 1 ?
		(const u64 *)(uintptr_t)(sw.entries[sw.nr - 2] & SPEC_ADDR) :
		e->pt.root;
	n = size >> cfg->lvl[level].shift;
	first = ((iova & ~(size - 1)) >> cfg->lvl[level].shift) &
		((1ULL << cfg->lvl[level].index_bits) - 1);
	for (i = 0; i < n; i++)
		if (!CHECK_EQ(table[first + i], sw.entries[sw.nr - 1],
			      "replica"))
			break;
	/* Next Level 0 for one entry, 7 for a run (Table 14). */
	CHECK_EQ((sw.entries[sw.nr - 1] >> 9) & 7, n == 1 ? 0 : 7,
		 "Next Level of the PTE");
}

static void walk_none(const struct eng *e, u64 iova)
{
	struct pt_walk_result res;
	struct spec_walk sw;
	int ret = pt_walk(&e->pt, iova, &res);

	CHECK(ret == -ENOENT, "walk(%#llx) is %s, expected -ENOENT",
	      (unsigned long long)iova, th_errname(ret));
	CHECK(!spec_translate(pt_root_pa(&e->pt), e->pt.cfg.levels, iova, &sw),
	      "spec walk(%#llx) translates", (unsigned long long)iova);
}

/* Leaves of the whole tree, from pt_iterate(). */
struct leaf_list {
	struct pt_leaf_visitor visitor;
	struct pt_leaf leaf[64];
	unsigned int nr;
};

static int leaf_list_add(struct pt_leaf_visitor *visitor,
			 const struct pt_leaf *leaf)
{
	struct leaf_list *l = container_of(visitor, struct leaf_list, visitor);

	if (l->nr == TH_ARRAY_SIZE(l->leaf))
		return -E2BIG;
	l->leaf[l->nr++] = *leaf;
	return 0;
}

static int leaf_list(const struct eng *e, struct leaf_list *l)
{
	*l = (struct leaf_list){ .visitor.leaf = leaf_list_add };
	return pt_iterate(&e->pt, 0, ~0ULL, &l->visitor);
}

static bool same_leaves(const struct leaf_list *a, const struct leaf_list *b)
{
	return a->nr == b->nr && !memcmp(a->leaf, b->leaf, a->nr * sizeof(a->leaf[0]));
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
	struct leaf_list l;
	struct eng e;

	for (k = 12; k <= 47; k++) {
		u64 size = SZ(k), iovas[3], pas[3];
		unsigned int nr = 0;
		u32 prot = prots[p++ % TH_ARRAY_SIZE(prots)];

		if (!eng_new(&e, 48, GENMASK_ULL(47, 12)))
			return;
		/* size * 1, size * 3, and the last page of the space. */
		iovas[nr++] = size;
		if (4 * size <= SZ(48))
			iovas[nr++] = 3 * size;
		if (SZ(48) - size != iovas[nr - 1])
			iovas[nr++] = SZ(48) - size;
		for (j = 0; j < nr; j++) {
			pas[j] = size * (2 * j + 3);
			eng_map_ok(&e, iovas[j], pas[j], size, prot, size);
		}
		for (j = 0; j < nr; j++) {
			walk_expect(&e, iovas[j], pas[j], size, prot);
			walk_expect(&e, iovas[j] + size / 2 + 0x123,
				    pas[j] + size / 2 + 0x123, size, prot);
			walk_expect(&e, iovas[j] + size - 1,
				    pas[j] + size - 1, size, prot);
		}
		walk_none(&e, size - 1);
		if (3 * size <= SZ(48))
			walk_none(&e, 2 * size);
		CHECK_INT(leaf_list(&e, &l), 0, "iterate");
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
		for (j = 0; j < nr; j++)
			eng_unmap_expect(&e, iovas[j], size, 0, size, iovas[j],
					 size);
		CHECK_INT(e.ctx.live_tables, 1, "tables after unmap");
		eng_free(&e);
	}
}

/* The largest page at the very top of the input range, at three sizes. */
static void amd_engine_top_page(void)
{
	struct eng e;

	/* 48 bits: 128T at 2^47 (256 entries of AMD level 4), pa 2^51. */
	if (eng_new(&e, 48, 0)) {
		eng_map_ok(&e, SZ(47), SZ(51), SZ(47), RW, 0);
		walk_expect(&e, SZ(48) - 1, SZ(51) + SZ(47) - 1, SZ(47), RW);
		walk_expect(&e, SZ(47), SZ(51), SZ(47), RW);
		walk_none(&e, SZ(47) - 1);
		CHECK_INT(e.ctx.live_tables, 1, "a leaf in the root");
		eng_unmap_expect(&e, SZ(47), SZ_4K, 0, SZ(47), SZ(47),
				 SZ(47));
		eng_free(&e);
	}
	/* 64 bits (Mode 6): 2^51 at 2^64 - 2^51 through AMD level 6. */
	if (eng_new(&e, 64, 0)) {
		eng_map_ok(&e, ~0ULL - SZ(51) + 1, SZ(51), SZ(51), R | CACHE, 0);
		walk_expect(&e, ~0ULL, SZ(52) - 1, SZ(51), R | CACHE);
		walk_expect(&e, ~0ULL - SZ(51) + 1, SZ(51), SZ(51), R | CACHE);
		CHECK_INT(e.ctx.live_tables, 2, "root and an AMD level 5 table");
		eng_unmap_expect(&e, ~0ULL - SZ(51) + 1, SZ(51), 0, SZ(51),
				 ~0ULL - SZ(51) + 1, SZ(51));
		CHECK_INT(e.ctx.live_tables, 1, "tables after unmap");
		eng_free(&e);
	}
	/* 21 bits (Mode 1, one table): 1M at 1M. */
	if (eng_new(&e, 21, 0)) {
		eng_map_ok(&e, SZ_1M, 0x7ff00000, SZ_1M, W, 0);
		walk_expect(&e, SZ_2M - 1, 0x7fffffff, SZ_1M, W);
		walk_none(&e, SZ_1M - 1);
		eng_free(&e);
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
	struct leaf_list l;
	struct eng e;
	unsigned int i;

	if (!eng_new(&e, 48, 0))
		return;
	eng_map_ok(&e, 0x3000, 0x3000 + off, 0x400000 - 0x3000, RW, 0);
	CHECK_INT(leaf_list(&e, &l), 0, "iterate");
	if (CHECK_INT(l.nr, TH_ARRAY_SIZE(want), "leaves"))
		for (i = 0; i < l.nr; i++)
			CHECK(l.leaf[i].iova == want[i].iova &&
			      l.leaf[i].size == want[i].size &&
			      l.leaf[i].pa == want[i].iova + off,
			      "leaf %u: iova %#llx size %#llx pa %#llx", i,
			      (unsigned long long)l.leaf[i].iova,
			      (unsigned long long)l.leaf[i].size,
			      (unsigned long long)l.leaf[i].pa);
	for (i = 0; i < TH_ARRAY_SIZE(want); i++)
		walk_expect(&e, want[i].iova + want[i].size - 8,
			    want[i].iova + want[i].size - 8 + off,
			    want[i].size, RW);
	CHECK_INT(e.ctx.live_tables, 4, "root and tables of AMD levels 3-1");
	eng_unmap_expect(&e, 0x3000, 0x400000 - 0x3000, 0, 0x400000 - 0x3000,
			 0, 0);
	CHECK_INT(e.g.nr_leaves, 0, "flushed");
	CHECK_INT(e.ctx.live_tables, 1, "tables after unmap");

	/* A pa only 4K-aligned: 64K of IOVA becomes 16 pages of 4K. */
	eng_map_ok(&e, 0x10000, 0x50001000, SZ_64K, R, 0);
	CHECK_INT(leaf_list(&e, &l), 0, "iterate");
	CHECK(l.nr == 16 && l.leaf[15].size == SZ_4K &&
	      l.leaf[15].pa == 0x50010000, "%u leaves", l.nr);
	walk_expect(&e, 0x1ffff, 0x50010fff, SZ_4K, R);
	eng_free(&e);
}

static const u64 *leaf_table_of(const struct eng *e, u64 iova)
{
	struct spec_walk sw;

	spec_translate(pt_root_pa(&e->pt), e->pt.cfg.levels, iova, &sw);
	return sw.nr > 1 ?
	       (const u64 *)(uintptr_t)(sw.entries[sw.nr - 2] & SPEC_ADDR) :
	       e->pt.root;
}

/* Overlaps are refused with -EADDRINUSE and leave everything as it was. */
static void amd_engine_overlap(void)
{
	static u64 before[512];
	struct leaf_list l0, l1;
	const u64 *table;
	struct eng e;

	if (!eng_new(&e, 48, 0))
		return;
	/* A 64K page: 16 Next Level 7 entries, 16-31 of a level-1 table. */
	eng_map_ok(&e, 0x10000, 0x80010000, SZ_64K, RW, 0);
	table = leaf_table_of(&e, 0x10000);
	memcpy(before, table, sizeof(before));
	leaf_list(&e, &l0);

	/* A 4K page inside it. */
	eng_map_expect(&e, 0x14000, 0x1000, SZ_4K, RW, 0, -EADDRINUSE, 0);
	/* An 8K page over its last two entries. */
	eng_map_expect(&e, 0x1e000, 0x2000, SZ_8K, RW, 0, -EADDRINUSE, 0);
	/* A 128K page (32 entries) that covers it. */
	eng_map_expect(&e, 0, 0x100000, SZ(17), RW, 0, -EADDRINUSE, 0);
	/* A 2M page where the table holding it is. */
	eng_map_expect(&e, 0, 0x200000, SZ_2M, RW, 0, -EADDRINUSE, 0);
	/* 4K pages only, starting on it. */
	eng_map_expect(&e, 0x10000, 0x1000, SZ_64K, R, SZ_4K, -EADDRINUSE, 0);

	CHECK(!memcmp(before, table, sizeof(before)), "leaf table changed");
	leaf_list(&e, &l1);
	CHECK(same_leaves(&l0, &l1), "leaves changed: %u now", l1.nr);
	CHECK_INT(e.ctx.live_tables, 4, "tables");
	walk_expect(&e, 0x1ffff, 0x8001ffff, SZ_64K, RW);

	/* Progress, then the overlap: the 32K before it stays mapped. */
	eng_map_expect(&e, 0x8000, 0x88000, SZ_64K, RW, 0, -EADDRINUSE,
		       SZ(15));
	walk_expect(&e, 0x8000, 0x88000, SZ(15), RW);
	walk_expect(&e, 0x10000, 0x80010000, SZ_64K, RW);
	eng_free(&e);
}

/* Unmap: holes, never splitting a page, freeing tables, then remap. */
static void amd_engine_unmap(void)
{
	struct leaf_list l0, l1;
	struct eng e;

	if (!eng_new(&e, 48, 0))
		return;
	eng_map_ok(&e, 0x10000, 0x80010000, SZ_64K, RW, 0);
	eng_map_ok(&e, 0x20000, 0x90020000, SZ_4K, RW, 0);
	eng_map_ok(&e, 0x22000, 0x90022000, SZ_8K, RW, 0);
	eng_map_ok(&e, 0x200000, 0xa0200000, SZ_2M, RW, 0);
	leaf_list(&e, &l0);

	/* Starting inside a Next Level 7 page or a 2M page: refused. */
	eng_unmap_expect(&e, 0x14000, SZ_4K, -EINVAL, 0, 0, 0);
	eng_unmap_expect(&e, 0x23000, SZ_4K, -EINVAL, 0, 0, 0);
	eng_unmap_expect(&e, 0x201000, SZ_4K, -EINVAL, 0, 0, 0);
	/* Nothing there. */
	eng_unmap_expect(&e, 0x30000, SZ_4K, -ENOENT, 0, 0, 0);
	eng_unmap_expect(&e, SZ(47), SZ(47), -ENOENT, 0, 0, 0);
	leaf_list(&e, &l1);
	CHECK(same_leaves(&l0, &l1), "refused unmaps changed the tree");

	/* Ending inside the 64K page removes it whole. */
	eng_unmap_expect(&e, 0x10000, SZ_4K, 0, SZ_64K, 0x10000, SZ_64K);
	walk_none(&e, 0x1f000);
	/* Remap it, then unmap across it, the 4K page and into a hole. */
	eng_map_ok(&e, 0x10000, 0x80010000, SZ_64K, RW, 0);
	eng_unmap_expect(&e, 0x10000, 0x20000, 0, SZ_64K + SZ_4K, 0, 0);
	walk_none(&e, 0x20000);
	walk_expect(&e, 0x22000, 0x90022000, SZ_8K, RW);
	/* The 8K page ending inside, then the 2M page. */
	eng_unmap_expect(&e, 0x22000, SZ_4K, 0, SZ_8K, 0x22000, SZ_8K);
	CHECK_INT(e.ctx.live_tables, 3, "the level-1 table freed");
	eng_unmap_expect(&e, 0x200000, SZ_2M, 0, SZ_2M, 0x200000, SZ_2M);
	CHECK_INT(e.ctx.live_tables, 1, "every table but the root freed");
	walk_none(&e, 0x200000);

	/* Remap after unmap: the same IOVA, another page size. */
	eng_map_ok(&e, 0x200000, 0xb0200000, SZ_1M, R | CACHE, 0);
	CHECK_INT(e.ctx.live_tables, 4, "tables rebuilt");
	walk_expect(&e, 0x2fffff, 0xb02fffff, SZ_1M, R | CACHE);
	eng_unmap_expect(&e, 0x200000, SZ_1M, 0, SZ_1M, 0x200000, SZ_1M);
	CHECK_INT(e.ctx.live_tables, 1, "tables after the last unmap");
	eng_free(&e);
}

/* The engine's walk of a hand-built tree against the spec walker. */
static void skip_walk_expect(const struct eng *e, u64 iova, u64 pa, u64 size,
			     u32 prot, unsigned int nr_entries)
{
	struct pt_walk_result res;
	struct spec_walk sw;
	int ret = pt_walk(&e->pt, iova, &res);
	bool ok = spec_translate(pt_root_pa(&e->pt), e->pt.cfg.levels, iova,
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
	const u64 ir_iw = SPEC_IR | SPEC_IW;
	const u64 b39 = SZ(39);
	u64 *root, *a, *b, *c;
	struct leaf_list l;
	unsigned int i;
	struct spec_walk sw;
	struct eng e;

	if (!eng_new(&e, 48, 0))
		return;
	/* The retired-table census walks without table_level(). */
	e.ctx.check_unlinked = false;
	root = e.pt.root;
	a = host_table_ops.alloc(&e.ctx, 4096);
	b = host_table_ops.alloc(&e.ctx, 4096);
	c = host_table_ops.alloc(&e.ctx, 4096);
	if (!CHECK(a && b && c, "tables"))
		goto out;
	root[0] = SPEC_PR | 1ULL << 9 | (u64)(uintptr_t)a | ir_iw;
	root[1] = SPEC_PR | 2ULL << 9 | (u64)(uintptr_t)b | ir_iw;
	a[5] = 0x6000000012345001ULL;		/* 4K RW at 0x12345000 */
	for (i = 8; i < 12; i++)
		a[i] = 0x2000000022349e01ULL;	/* 16K R at 0x22348000 */
	b[3] = 0x5000000040600001ULL;		/* 2M W FC at 0x40600000 */
	b[4] = SPEC_PR | 1ULL << 9 | (u64)(uintptr_t)c | ir_iw;
	c[0] = 0x6000000000009001ULL;		/* 4K RW at 0x9000 */

	skip_walk_expect(&e, 0x5000, 0x12345000, SZ_4K, RW, 2);
	skip_walk_expect(&e, 0x5abc, 0x12345abc, SZ_4K, RW, 2);
	skip_walk_expect(&e, 0x8000, 0x22348000, SZ_16K, R, 2);
	skip_walk_expect(&e, 0xbfff, 0x2234bfff, SZ_16K, R, 2);
	skip_walk_expect(&e, b39 + 3 * SZ_2M + 0x1234, 0x40601234, SZ_2M,
			 W | CACHE, 2);
	skip_walk_expect(&e, b39 + 4 * SZ_2M + 0x10, 0x9010, SZ_4K, RW, 3);
	walk_none(&e, 0x6000);
	walk_none(&e, b39 + 5 * SZ_2M);
	/*
	 * The hardware faults where a skipped level's index bits are not
	 * zero: 0x205000 has AMD level-2 index 1 under root[0].
	 */
	CHECK(!spec_translate(pt_root_pa(&e.pt), 4, 0x205000, &sw),
	      "skipped index bits translate");
	CHECK(!spec_translate(pt_root_pa(&e.pt), 4, b39 + SZ_1G + 3 * SZ_2M,
			      &sw), "skipped index bits translate");

	CHECK_INT(leaf_list(&e, &l), 0, "iterate");
	CHECK(l.nr == 4 &&
	      l.leaf[0].iova == 0x5000 && l.leaf[0].size == SZ_4K &&
	      l.leaf[0].level == 0 && l.leaf[0].pa == 0x12345000 &&
	      l.leaf[1].iova == 0x8000 && l.leaf[1].size == SZ_16K &&
	      l.leaf[1].pa == 0x22348000 && l.leaf[1].prot == R &&
	      l.leaf[2].iova == b39 + 3 * SZ_2M && l.leaf[2].size == SZ_2M &&
	      l.leaf[2].level == 1 && l.leaf[2].pa == 0x40600000 &&
	      l.leaf[3].iova == b39 + 4 * SZ_2M && l.leaf[3].pa == 0x9000,
	      "%u leaves, first at %#llx", l.nr,
	      (unsigned long long)l.leaf[0].iova);

	/* Map into table A through the skipping PDE. */
	eng_map_ok(&e, 0x7000, 0x77000, SZ_4K, RW, 0);
	CHECK_EQ(a[7], 0x6000000000077001ULL, "entry mapped into A");
	skip_walk_expect(&e, 0x7000, 0x77000, SZ_4K, RW, 2);
	CHECK_INT(e.ctx.live_tables, 4, "no table added");

	/* Unmap everything under root[0]: A is freed, root[0] cleared. */
	eng_unmap_expect(&e, 0x5000, SZ_4K, 0, SZ_4K, 0x5000, SZ_4K);
	eng_unmap_expect(&e, 0x7000, SZ_4K, 0, SZ_4K, 0x7000, SZ_4K);
	eng_unmap_expect(&e, 0x8000, SZ_4K, 0, SZ_16K, 0x8000, SZ_16K);
	CHECK_EQ(root[0], 0, "root[0] after A emptied");
	CHECK_INT(e.ctx.live_tables, 3, "A freed");
	skip_walk_expect(&e, b39 + 3 * SZ_2M, 0x40600000, SZ_2M, W | CACHE, 2);
out:
	/* Destroy frees B and C through the skipping PDE. */
	eng_free(&e);
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
	struct eng e;

	for (i = 0; i < TH_ARRAY_SIZE(cases); i++) {
		if (!eng_new(&e, cases[i].ias, 0))
			continue;
		fmt->regs(&e.pt.cfg, pt_root_pa(&e.pt), &regs);
		CHECK_EQ(regs.ttbr, (u64)(uintptr_t)e.pt.root, "ttbr");
		CHECK_EQ(regs.tcr, cases[i].mode, "tcr (DTE Mode)");
		CHECK_EQ(regs.mair, 0, "mair");
		eng_free(&e);
	}
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
};

int main(int argc, char **argv)
{
	return th_main("test_fmt_amd", amd_tests, TH_ARRAY_SIZE(amd_tests),
		       argc, argv);
}
