// SPDX-License-Identifier: GPL-2.0
/*
 * The NVIDIA GPU MMU formats (pt_fmt_nvidia_gmmu_v2 and _v3). The golden
 * values are worked out by hand from NVIDIA's published manuals
 * (open-gpu-kernel-modules, src/common/inc/swref/published/pascal/gp100/
 * dev_mmu.h and hopper/gh100/dev_mmu.h) and nouveau (vmmgp100.c,
 * vmmgh100.c), restated here:
 *
 * v2 PTE (NV_MMU_VER2_PTE): VALID bit 0; APERTURE 2:1 (0 video, 1 peer,
 *   2 system coherent, 3 system non-coherent); VOL bit 3 (0x8); ENCRYPTED
 *   bit 4; PRIVILEGE bit 5 (0x20); READ_ONLY bit 6 (0x40); ATOMIC_DISABLE
 *   bit 7; ADDRESS_SYS 53:8 = pa >> 12; KIND 63:56 (0 = pitch).
 * v2 PDE (NV_MMU_VER2_PDE): IS_PTE bit 0 = 0; APERTURE 2:1 (0 invalid, 1
 *   video, 2 system coherent, 3 non-coherent); VOL bit 3; ADDRESS_SYS 53:8
 *   = pa >> 12.
 * v2 dual PDE (NV_MMU_VER2_DUAL_PDE, 16 bytes): APERTURE_BIG 2:1, VOL_BIG
 *   3, ADDRESS_BIG_SYS 53:4 = pa >> 8; APERTURE_SMALL 66:65, VOL_SMALL 67,
 *   ADDRESS_SMALL_SYS 117:72 = pa >> 12: the second word is laid out as a
 *   PDE.
 * v3 PTE (NV_MMU_VER3_PTE): VALID bit 0; APERTURE 2:1; PCF 7:3 (bit 0
 *   uncached, 1 privilege, 2 read-only, 3 no atomics, 4 access counting
 *   disabled: REGULAR_RW_ATOMIC_CACHED_ACD = 0x10); KIND 11:8; ADDRESS
 *   51:12 in place.
 * v3 PDE: IS_PTE bit 0; APERTURE 2:1; PCF 5:3 (VALID_UNCACHED_ATS_ALLOWED
 *   = 1); ADDRESS 51:12. Dual: ADDRESS_BIG 51:8, the small half in the
 *   second word as a PDE (APERTURE_SMALL 66:65, PCF_SMALL 69:67,
 *   ADDRESS_SMALL 115:76).
 * Levels: PTE (4K: 512 entries; 64K: 32; v2 128K: 16, VA bits 20:17), PD0
 *   (2M, 256 dual entries), PD1 (512M: v3; v2 on Ampere and Ada,
 *   kgmmuFmtInitLevels_GA10X), PD2, PD3 (v2 root: 2 bits), v3 PD4 (root:
 *   1 bit).
 * Instance block: PAGE_DIR_BASE target 1:0 = 2, VOL bit 2, VER2 bit 10,
 *   big page size bit 11 (NV_RAMIN_BIG_PAGE_SIZE: 1 = 64K, 0 = 128K,
 *   gp100 dev_ram.h), address 63:12 (gp100_vmm_join); ADR_LIMIT = the
 *   last VA.
 */
#include "ref.h"

static const struct pt_format *v2 = &pt_fmt_nvidia_gmmu_v2;
static const struct pt_format *v3 = &pt_fmt_nvidia_gmmu_v3;

#define G4K	{ .granule_shift = 12 }
#define G64K	{ .granule_shift = 16 }
#define G128K	{ .granule_shift = 17 }
#define SZ_128K	0x20000ULL
/* v2 with 512M pages, as an Ampere or an Ada decodes them. */
#define G4K512M	{ .granule_shift = 12, .pgsize_bitmap = SZ_4K | SZ_2M | SZ_512M }
#define G64K512M { .granule_shift = 16, .pgsize_bitmap = SZ_64K | SZ_2M | SZ_512M }

static const struct fc_golden v2_golden[] = {
	/* VALID 1 | APERTURE 2 << 1 (4) | 0x812345000 >> 12 << 8. */
	{ "v2 4K RW cached", G4K, 0, 0x812345000ULL, 0, RW | CACHE,
	  0x81234505ULL, 0 },
	/* APERTURE 3 (6) | READ_ONLY 0x40 | VALID. */
	{ "v2 4K RO", G4K, 0, 0x812345000ULL, 0, R, 0x81234547ULL, 0 },
	/* APERTURE 3 | VOL 0x8 | VALID. */
	{ "v2 4K RW MMIO", G4K, 0, 0x812345000ULL, 0, RW | MMIO,
	  0x8123450fULL, 0 },
	/* APERTURE 2 | PRIVILEGE 0x20 | VALID. */
	{ "v2 4K RW priv cached", G4K, 0, 0x812345000ULL, 0,
	  RW | PRIV | CACHE, 0x81234525ULL, 0 },
	/* 2M PTE at PD0: 0x812400000 >> 12 << 8. */
	{ "v2 2M", G4K, 1, 0x812400000ULL, 0, RW | CACHE, 0x81240005ULL, 0 },
	/* 64K PTE of a big page table. */
	{ "v2 64K", G64K, 0, 0x812340000ULL, 0, RW | CACHE,
	  0x81234005ULL, 0 },
	/* 128K PTE of a 16-entry big page table: the same PTE layout. */
	{ "v2 128K", G128K, 0, 0x812360000ULL, 0, RW | CACHE,
	  0x81236005ULL, 0 },
	{ "v2 128K RO MMIO", G128K, 0, 0x812360000ULL, 0, R | MMIO,
	  0x8123604fULL, 0 },
	/* 512M PTE at PD1 (Ampere, Ada): 0x820000000 >> 12 << 8. */
	{ "v2 512M", G4K512M, 2, 0x820000000ULL, 0, RW | CACHE,
	  0x82000005ULL, 0 },
	{ "v2 512M RO priv", G64K512M, 2, 0x820000000ULL, 0, R | PRIV,
	  0x82000067ULL, 0 },
	/* The last 4K of a 52-bit output: 0xffffffffff << 8. */
	{ "v2 top of PA", G4K, 0, 0xffffffffff000ULL, 0, RW | CACHE,
	  0xffffffffff05ULL, 0 },
};

static const struct fc_golden v3_golden[] = {
	/* VALID | APERTURE 2 (4) | PCF 0x10 << 3 (0x80) | pa in place. */
	{ "v3 4K RW cached", G4K, 0, 0x812345000ULL, 0, RW | CACHE,
	  0x812345085ULL, 0 },
	/* APERTURE 3 (6) | PCF ACD | RO (0x14 << 3 = 0xa0). */
	{ "v3 4K RO", G4K, 0, 0x812345000ULL, 0, R, 0x8123450a7ULL, 0 },
	/* APERTURE 3 | PCF ACD | UNCACHED (0x11 << 3 = 0x88). */
	{ "v3 4K RW MMIO", G4K, 0, 0x812345000ULL, 0, RW | MMIO,
	  0x81234508fULL, 0 },
	/* APERTURE 2 | PCF ACD | PRIVILEGE (0x12 << 3 = 0x90). */
	{ "v3 4K RW priv cached", G4K, 0, 0x812345000ULL, 0,
	  RW | PRIV | CACHE, 0x812345095ULL, 0 },
	{ "v3 2M", G4K, 1, 0x812400000ULL, 0, RW | CACHE, 0x812400085ULL, 0 },
	/* 512M PTE at PD1. */
	{ "v3 512M", G4K, 2, 0x820000000ULL, 0, RW | CACHE, 0x820000085ULL, 0 },
	{ "v3 64K", G64K, 0, 0x812340000ULL, 0, RW | CACHE,
	  0x812340085ULL, 0 },
	{ "v3 top of PA", G4K, 0, 0xffffffffff000ULL, 0, RW | CACHE,
	  0xffffffffff085ULL, 0 },
};

static void gmmu_golden_leaves(void)
{
	fc_golden(&ref_gmmu2, v2_golden, TH_ARRAY_SIZE(v2_golden));
	fc_golden(&ref_gmmu3, v3_golden, TH_ARRAY_SIZE(v3_golden));
}

static void gmmu_table_entries(void)
{
	struct pt_cfg c2, c3, b2, b3, h2;

	if (!fc_cfg(&c2, v2, 12, 49, 52) || !fc_cfg(&c3, v3, 12, 57, 52) ||
	    !fc_cfg(&b2, v2, 16, 49, 52) || !fc_cfg(&b3, v3, 16, 57, 52) ||
	    !fc_cfg(&h2, v2, 17, 49, 52))
		return;
	/* v2 PDE: APERTURE 2 (4) | VOL 0x8 | pa >> 12 << 8. */
	CHECK_EQ(v2->mk_table(&c2, 2, 0x812345000ULL), 0x8123450cULL,
		 "v2 PD1 entry");
	CHECK_EQ(v2->mk_table(&c2, 1, 0x812345000ULL), 0x8123450cULL,
		 "v2 PD0 small half");
	/* Big half: ADDRESS_BIG 53:4 = pa >> 8, a 256-byte table. */
	CHECK_EQ(v2->mk_table(&b2, 1, 0x812345100ULL), 0x8123451cULL,
		 "v2 PD0 big half");
	CHECK_EQ(v2->entry_pa(&b2, 1, 0x8123451cULL), 0x812345100ULL,
		 "v2 big table address");
	/* A 128K big page table: the same big half, 256-byte aligned. */
	CHECK_EQ(v2->mk_table(&h2, 1, 0x812345300ULL), 0x8123453cULL,
		 "v2 PD0 big half, 128K");
	CHECK_EQ(v2->entry_pa(&h2, 1, 0x8123453cULL), 0x812345300ULL,
		 "v2 128K big table address");
	CHECK_KIND(&h2, 0, 0x81236005ULL, PT_ENTRY_LEAF, "v2 128K PTE");
	/* v3 PDE: APERTURE 2 | PCF 1 << 3 | pa in place. */
	CHECK_EQ(v3->mk_table(&c3, 4, 0x812345000ULL), 0x81234500cULL,
		 "v3 PD3 entry");
	CHECK_EQ(v3->mk_table(&b3, 1, 0x812345100ULL), 0x81234510cULL,
		 "v3 PD0 big half");
	CHECK_EQ(v3->entry_pa(&c3, 3, 0x81234500cULL), 0x812345000ULL,
		 "v3 table address");
	/* Kinds: VALID 0 with an aperture is a table above the PTEs only. */
	CHECK_KIND(&c2, 2, 0x8123450cULL, PT_ENTRY_TABLE, "v2 PDE");
	CHECK_KIND(&c2, 0, 0x8123450cULL, PT_ENTRY_EMPTY, "invalid PTE");
	CHECK_KIND(&c2, 3, 0x81234501ULL, PT_ENTRY_EMPTY, "v2 PTE at PD2");
	CHECK_KIND(&c2, 2, 0x81234501ULL, PT_ENTRY_EMPTY,
		   "v2: no 512M pages unless asked for");
	if (CHECK_INT(pt_cfg_init(&c2, v2, &(struct pt_params)G4K512M), 0,
		      "v2 with 512M")) {
		CHECK_KIND(&c2, 2, 0x82000005ULL, PT_ENTRY_LEAF, "v2 512M");
		CHECK_KIND(&c2, 3, 0x82000005ULL, PT_ENTRY_EMPTY,
			   "v2 PTE at PD2");
	}
	CHECK_KIND(&c3, 2, 0x820000085ULL, PT_ENTRY_LEAF, "v3 512M");
	CHECK_KIND(&c3, 3, 0x820000085ULL, PT_ENTRY_EMPTY, "v3 PTE at PD2");
	CHECK_KIND(&c3, 4, 0x800000008ULL, PT_ENTRY_EMPTY,
		   "aperture INVALID");
}

static void gmmu_prot_round_trip(void)
{
	const u64 pa = 0x3c000ULL << 12;

	fc_prot_round_trip(&ref_gmmu2, &(struct pt_params)G4K, pa,
			   R | W | PRIV | CACHE | MMIO);
	fc_prot_round_trip(&ref_gmmu3, &(struct pt_params)G64K, pa,
			   R | W | PRIV | CACHE | MMIO);
}

static void gmmu_regs(void)
{
	struct pt_hw_regs regs;
	struct pt_cfg cfg;

	/* 0x812345000 | VER2 0x400 | 64K 0x800 | VOL 0x4 | SYS_COH 2. */
	if (fc_cfg(&cfg, v2, 12, 49, 52)) {
		v2->regs(&cfg, 0x812345000ULL, &regs);
		CHECK_EQ(regs.ttbr, 0x812345c06ULL, "v2 PAGE_DIR_BASE");
		CHECK_EQ(regs.tcr, 0x1ffffffffffffULL, "v2 ADR_LIMIT");
		CHECK_EQ(regs.mair, 0, "v2 mair");
	}
	/* 128K big pages: bit 11 clear, 0x812345000 | 0x400 | 0x4 | 2. */
	if (fc_cfg(&cfg, v2, 17, 49, 52)) {
		v2->regs(&cfg, 0x812345000ULL, &regs);
		CHECK_EQ(regs.ttbr, 0x812345406ULL, "v2 PAGE_DIR_BASE, 128K");
		CHECK_EQ(regs.tcr, 0x1ffffffffffffULL, "v2 ADR_LIMIT, 128K");
	}
	if (fc_cfg(&cfg, v3, 16, 57, 52)) {
		v3->regs(&cfg, 0xfffffffff000ULL, &regs);
		CHECK_EQ(regs.ttbr, 0xfffffffffc06ULL, "v3 PAGE_DIR_BASE");
		CHECK_EQ(regs.tcr, 0x1ffffffffffffffULL, "v3 ADR_LIMIT");
	}
}

static void gmmu_geometry(void)
{
	struct pt_cfg cfg;

	if (fc_cfg(&cfg, v2, 12, 49, 52)) {
		CHECK_INT(cfg.levels, 5, "v2 levels");
		CHECK_EQ(cfg.pgsize_bitmap, SZ_4K | SZ_2M, "v2 4K sizes");
		CHECK_INT(cfg.lvl[0].index_bits, 9, "SPT 512 entries");
		CHECK_INT(cfg.lvl[1].index_bits, 8, "PD0 256 entries");
		CHECK(cfg.lvl[1].dual, "PD0 dual");
		CHECK_INT(cfg.lvl[2].shift, 29, "PD1 512M");
		CHECK_INT(cfg.lvl[4].shift, 47, "PD3 128T");
		CHECK_EQ(pt_table_bytes(&cfg, 1), 4096, "PD0 is 16 x 256");
		CHECK_EQ(pt_table_bytes(&cfg, 4), 4096, "root: a whole page");
	}
	if (fc_cfg(&cfg, v2, 16, 49, 52)) {
		CHECK_EQ(cfg.pgsize_bitmap, SZ_64K | SZ_2M, "v2 64K sizes");
		CHECK_INT(cfg.lvl[0].index_bits, 5, "LPT 32 entries");
		CHECK_EQ(pt_table_bytes(&cfg, 0), 256, "LPT 256 bytes");
	}
	/* 16 x 128K, 128 bytes of entries in a 256-byte table (ADDRESS_BIG). */
	if (fc_cfg(&cfg, v2, 17, 49, 52)) {
		CHECK_EQ(cfg.pgsize_bitmap, SZ_128K | SZ_2M, "v2 128K sizes");
		CHECK_INT(cfg.lvl[0].shift, 17, "128K PTEs");
		CHECK_INT(cfg.lvl[0].index_bits, 4, "LPT 16 entries");
		CHECK_EQ(pt_table_bytes(&cfg, 0), 256, "LPT of 128K: 256 bytes");
		CHECK_EQ(pt_table_bytes(&cfg, 1), 4096, "PD0, 128K");
	}
	if (fc_cfg(&cfg, v3, 12, 57, 52)) {
		CHECK_INT(cfg.levels, 6, "v3 levels");
		CHECK_EQ(cfg.pgsize_bitmap, SZ_4K | SZ_2M | SZ_512M,
			 "v3 4K sizes");
		CHECK_INT(cfg.lvl[5].shift, 56, "PD4");
	}
	/* v2's 512M pages only when asked for: a PD1 that holds them. */
	if (!CHECK_INT(pt_cfg_init(&cfg, v2, &(struct pt_params)G64K512M), 0,
		       "v2 64K 512M")) {
		CHECK_EQ(cfg.pgsize_bitmap, SZ_64K | SZ_2M | SZ_512M,
			 "v2 64K 512M sizes");
		CHECK_EQ(cfg.lvl[2].pgsizes, SZ_512M, "v2 PD1 512M");
	}
	fc_defaults(v2, 12, 49, 52, SZ_4K | SZ_2M, 5);
	fc_defaults(v3, 12, 57, 52, SZ_4K | SZ_2M | SZ_512M, 6);
	fc_identity(v2, PTLAB_FMT_NVIDIA_GMMU_V2, "nvidia-gmmu-v2");
	fc_identity(v3, PTLAB_FMT_NVIDIA_GMMU_V3, "nvidia-gmmu-v3");
}

static void gmmu_params(void)
{
	static const struct fc_param cases[] = {
		{ { .granule_shift = 12 }, 0, "4K granule" },
		{ { .granule_shift = 16 }, 0, "64K granule" },
		{ { .granule_shift = 14 }, -EOPNOTSUPP, "16K granule" },
		{ { .ias = 48 }, -EINVAL, "ias 48" },
		{ { .oas = 53 }, -EINVAL, "oas 53" },
		{ { .oas = 31 }, -EINVAL, "oas 31" },
		{ { .oas = 40 }, 0, "oas 40" },
		{ { .pgsize_bitmap = SZ_2M }, -EINVAL, "no 4K" },
		{ { .pgsize_bitmap = SZ_4K | SZ_64K }, 0, "4K and 64K" },
		{ { .granule_shift = 12, .pgsize_bitmap = SZ_64K }, -EINVAL,
		  "64K alone in a 4K space" },
		{ { .granule_shift = 16, .pgsize_bitmap = SZ_4K | SZ_64K },
		  -EINVAL, "4K and 64K with a 64K granule" },
		{ { .granule_shift = 16, .pgsize_bitmap = SZ_4K }, -EINVAL,
		  "4K in a 64K space" },
	};

	/* 128K big pages: Pascal's, version 2 tables only. */
	static const struct fc_param v2_cases[] = {
		{ { .granule_shift = 17 }, 0, "128K big pages" },
		{ { .granule_shift = 17, .pgsize_bitmap = SZ_128K },
		  0, "128K only" },
		{ { .granule_shift = 17, .pgsize_bitmap = SZ_64K | SZ_128K },
		  -EINVAL, "64K in a 128K space" },
		{ { .granule_shift = 18 }, -EOPNOTSUPP, "256K big pages" },
	};
	/* 512M pages on v2: asked for, and not with 128K big pages. */
	static const struct fc_param v2_512m[] = {
		{ G4K512M, 0, "4K 2M 512M" },
		{ G64K512M, 0, "64K 2M 512M" },
		{ { .pgsize_bitmap = SZ_4K | SZ_512M }, 0, "4K 512M" },
		{ { .granule_shift = 17,
		    .pgsize_bitmap = SZ_128K | SZ_2M | SZ_512M },
		  -EINVAL, "128K with 512M" },
		{ { .pgsize_bitmap = SZ_4K | SZ_1G }, -EINVAL, "1G" },
	};
	static const struct fc_param v3_cases[] = {
		{ { .granule_shift = 17 }, -EOPNOTSUPP, "v3: no 128K" },
	};

	fc_params(v2, cases, TH_ARRAY_SIZE(cases));
	fc_params(v3, cases, TH_ARRAY_SIZE(cases));
	fc_params(v2, v2_cases, TH_ARRAY_SIZE(v2_cases));
	fc_params(v3, v3_cases, TH_ARRAY_SIZE(v3_cases));
	fc_params(v2, v2_512m, TH_ARRAY_SIZE(v2_512m));
}

/* The raw PD0 entry of @iova: both words. */
static void pd0_words(const struct fc_tree *t, u64 iova, u64 w[2])
{
	struct pt_walk_result res;
	const u64 *pd0;
	unsigned int lv = t->pt.cfg.levels;

	w[0] = ~0ULL;
	w[1] = ~0ULL;
	if (!CHECK_INT(pt_walk(&t->pt, iova, &res), 0, "walk") ||
	    !CHECK(res.nr_entries >= lv - 1, "to PD0"))
		return;
	/* The PD1 entry, the one before PD0's, points at PD0. */
	pd0 = (const u64 *)(uintptr_t)t->pt.cfg.fmt->entry_pa(&t->pt.cfg, 2,
						res.entries[lv - 3]);
	w[0] = pd0[2 * ((iova >> 21) & 255)];
	w[1] = pd0[2 * ((iova >> 21) & 255) + 1];
}

/* PD0's words of a big-half space: the big table behind word 0 alone. */
static void big_half_words(const u64 w[2], const char *what)
{
	CHECK((w[0] >> 1 & 3) == 2, "%s: APERTURE_BIG coherent", what);
	CHECK(!(w[0] & 1), "%s: big half is no PTE", what);
	CHECK(!w[1], "%s: word 1 empty", what);
}

/*
 * The small half: 4K pages behind word 1, word 0 zero; a 2M page in word 0,
 * word 1 zero. The big half: the 64K table behind word 0, word 1 zero.
 */
static void gmmu_dual_halves(void)
{
	const struct fc_fmt *fs[] = { &ref_gmmu2, &ref_gmmu3 };
	unsigned int i;
	struct fc_tree t;
	u64 w[2];

	for (i = 0; i < 2; i++) {
		if (!fc_new(&t, fs[i], &(struct pt_params)G4K))
			continue;
		fc_map_ok(&t, 0x40001000ULL, 0x812345000ULL, SZ_4K, RW);
		fc_map_ok(&t, 0x40200000ULL, 0x812400000ULL, SZ_2M, RW);
		pd0_words(&t, 0x40001000ULL, w);
		CHECK_EQ(w[0], 0, "small half: word 0 empty");
		CHECK_EQ((w[1] >> 1) & 3, 2, "APERTURE_SMALL coherent");
		pd0_words(&t, 0x40200000ULL, w);
		CHECK_EQ(w[0] & 1, 1, "2M PTE in word 0");
		CHECK_EQ(w[1], 0, "2M: word 1 empty");
		fc_walk_expect(&t, 0x40001abcULL, 0x812345abcULL, SZ_4K, RW);
		fc_walk_expect(&t, 0x40212345ULL, 0x812412345ULL, SZ_2M, RW);
		fc_unmap_expect(&t, 0x40001000ULL, SZ_4K, 0, SZ_4K);
		fc_unmap_expect(&t, 0x40200000ULL, SZ_2M, 0, SZ_2M);
		fc_free(&t);

		if (!fc_new(&t, fs[i], &(struct pt_params)G64K))
			continue;
		fc_map_ok(&t, 0x40010000ULL, 0x812340000ULL, SZ_64K, RW);
		pd0_words(&t, 0x40010000ULL, w);
		big_half_words(w, "64K");
		fc_walk_expect(&t, 0x4001ffffULL, 0x81234ffffULL, SZ_64K, RW);
		fc_map_fails(&t, 0x40020000ULL, 0x812341000ULL, SZ_4K, RW,
			     -EINVAL, 0);
		fc_unmap_expect(&t, 0x40010000ULL, SZ_64K, 0, SZ_64K);
		CHECK_INT(t.ctx.live_tables, 1, "tables after unmap");
		fc_free(&t);
	}
}

#define MIXED	{ .pgsize_bitmap = SZ_4K | SZ_64K | SZ_2M }

/* The words a walk of @iova reads, as the engine reports them. */
static unsigned int walk_words(const struct fc_tree *t, u64 iova, u64 *w)
{
	struct pt_walk_result res;
	unsigned int i;

	pt_walk(&t->pt, iova, &res);
	for (i = 0; i < res.nr_entries; i++)
		w[i] = res.entries[i];
	return res.nr_entries;
}

/*
 * Mixed: 4K and 64K pages under one PD0 entry. Its word 0 points at the
 * big page table, word 1 at the small one; the MMU reads the big PTE
 * first, then the small one if the big is invalid (0). A 64K range is
 * either one big PTE or small PTEs, never both.
 */
static void gmmu_mixed(void)
{
	const struct fc_fmt *fs[] = { &ref_gmmu2, &ref_gmmu3 };
	u64 w[PTLAB_MAX_LEVELS], base = 0x40000000ULL, pd0[2];
	unsigned int i, n, lv;
	struct fc_tree t;

	for (i = 0; i < 2; i++) {
		if (!fc_new(&t, fs[i], &(struct pt_params)MIXED))
			continue;
		lv = t.pt.cfg.levels;
		CHECK_EQ(t.pt.cfg.pgsize_bitmap, SZ_4K | SZ_64K | SZ_2M,
			 "mixed sizes");
		/* A 4K page, then a 64K page beside it: one PD0 entry. */
		fc_map_ok(&t, base + SZ_4K, 0x812345000ULL, SZ_4K, RW);
		fc_map_ok(&t, base + SZ_64K, 0x812340000ULL, SZ_64K, RW);
		pd0_words(&t, base + SZ_4K, pd0);
		CHECK_EQ((pd0[0] & 7), 4, "word 0: big table, coherent");
		CHECK_EQ((pd0[1] & 7), 4, "word 1: small table, coherent");
		fc_walk_expect(&t, base + SZ_4K + 0x123, 0x812345123ULL, SZ_4K,
			       RW);
		fc_walk_expect(&t, base + SZ_64K + 0xfedc, 0x81234fedcULL,
			       SZ_64K, RW);
		/* 4K: PD0's two words, the big PTE (0), the small PTE. */
		n = walk_words(&t, base + SZ_4K, w);
		CHECK_INT(n, lv + 2, "4K: words read");
		CHECK_EQ(w[lv], 0, "4K: the big PTE first, invalid");
		CHECK_EQ(w[lv + 1] & 1, 1, "4K: then the small PTE");
		/* 64K: PD0's two words and the big PTE, as in a 64K space. */
		n = walk_words(&t, base + SZ_64K, w);
		CHECK_INT(n, lv + 1, "64K: words read");
		/* Non-coherent (APERTURE 3), as "v2 64K" but for CACHE. */
		CHECK_EQ(w[lv], i ? 0x812340087ULL : 0x81234007ULL,
			 "64K: the golden big PTE");
		/* Overlaps either way, inside and around. */
		fc_map_fails(&t, base + SZ_64K + SZ_4K, 0x812000000ULL, SZ_4K,
			     RW, -EADDRINUSE, 0);
		fc_map_fails(&t, base, 0x812000000ULL, SZ_64K, RW,
			     -EADDRINUSE, 0);
		/* The failed 64K map left the small PTEs as they were. */
		fc_walk_expect(&t, base + SZ_4K, 0x812345000ULL, SZ_4K, RW);
		fc_walk_none(&t, base, -ENOENT);
		fc_walk_none(&t, base + 2 * SZ_4K, -ENOENT);
		/* Never split the big page; unmap it whole, then the 4K. */
		fc_unmap_expect(&t, base + SZ_64K + SZ_4K, SZ_4K, -EINVAL, 0);
		fc_unmap_expect(&t, base + SZ_64K, SZ_64K, 0, SZ_64K);
		fc_walk_none(&t, base + SZ_64K, -ENOENT);
		/* Its range now takes small pages, under the same tables. */
		fc_map_ok(&t, base + SZ_64K + SZ_4K, 0x812001000ULL, SZ_4K, RW);
		fc_walk_expect(&t, base + SZ_64K + SZ_4K, 0x812001000ULL, SZ_4K,
			       RW);
		fc_unmap_expect(&t, base + SZ_64K + SZ_4K, SZ_4K, 0, SZ_4K);
		fc_unmap_expect(&t, base + SZ_4K, SZ_4K, 0, SZ_4K);
		/* The last page gone, the pair and the tables above it go. */
		CHECK_INT(t.ctx.live_tables, 1, "tables after the unmaps");
		/* A 2M page where the pair was; and 64K over a whole 2M. */
		fc_map_ok(&t, base, 0x812400000ULL, SZ_2M, RW);
		fc_walk_expect(&t, base + 0x1234, 0x812401234ULL, SZ_2M, RW);
		fc_unmap_expect(&t, base, SZ_2M, 0, SZ_2M);
		fc_free(&t);
	}
}

/*
 * v2 128K big pages: the big half of PD0 points at a 16-entry table
 * indexed by VA bits 20:17, in 256 bytes; the page behind entry 3 maps
 * 0x60000..0x7ffff of its 2M; 64K and 4K pages do not fit.
 */
static void gmmu_big_128k(void)
{
	struct fc_tree t;
	u64 w[2], *lpt;

	if (!fc_new(&t, &ref_gmmu2, &(struct pt_params)G128K))
		return;
	fc_map_ok(&t, 0x40060000ULL, 0x812360000ULL, SZ_128K, RW);
	pd0_words(&t, 0x40060000ULL, w);
	big_half_words(w, "128K");
	/* ADDRESS_BIG 53:4 = pa >> 8. */
	lpt = (u64 *)(uintptr_t)(((w[0] >> 4) & GENMASK_ULL(49, 0)) << 8);
	/* RW, not cached: APERTURE 3 (non-coherent) | VALID. */
	CHECK_EQ(lpt[3], 0x81236007ULL, "128K PTE 3");
	CHECK_EQ(lpt[2] | lpt[4], 0, "its neighbours empty");
	fc_walk_expect(&t, 0x4007fabcULL, 0x81237fabcULL, SZ_128K, RW);
	fc_map_fails(&t, 0x40080000ULL, 0x812340000ULL, SZ_64K, RW, -EINVAL,
		     0);
	fc_map_fails(&t, 0x40080000ULL, 0x812341000ULL, SZ_4K, RW, -EINVAL,
		     0);
	/* A 2M page through word 0 of another PD0 entry. */
	fc_map_ok(&t, 0x40200000ULL, 0x812400000ULL, SZ_2M, RW);
	fc_walk_expect(&t, 0x40212345ULL, 0x812412345ULL, SZ_2M, RW);
	fc_unmap_expect(&t, 0x40060000ULL, SZ_128K, 0, SZ_128K);
	fc_unmap_expect(&t, 0x40200000ULL, SZ_2M, 0, SZ_2M);
	CHECK_INT(t.ctx.live_tables, 1, "tables after unmap");
	fc_free(&t);
}

/*
 * v2 512M pages (Ampere, Ada): a PTE at PD1, its PD0 never made; the
 * hardware walker, with 64K big pages in PAGE_DIR_BASE, decodes it.
 */
static void gmmu_v2_512m(void)
{
	struct fc_tree t;
	struct pt_walk_result res;

	if (!fc_new(&t, &ref_gmmu2, &(struct pt_params)G4K512M))
		return;
	fc_map_ok(&t, 0x60000000ULL, 0x820000000ULL, SZ_512M, RW | CACHE);
	if (CHECK_INT(pt_walk(&t.pt, 0x60000000ULL, &res), 0, "walk") &&
	    CHECK_INT(res.nr_entries, 3, "PD3, PD2, PD1"))
		CHECK_EQ(res.entries[2], 0x82000005ULL, "the PD1 entry");
	fc_walk_expect(&t, 0x6abcdef0ULL, 0x82abcdef0ULL, SZ_512M,
		       RW | CACHE);
	fc_map_ok(&t, 0x40000000ULL, 0x812345000ULL, SZ_4K, RW);
	fc_walk_expect(&t, 0x40000123ULL, 0x812345123ULL, SZ_4K, RW);
	fc_unmap_expect(&t, 0x60000000ULL, SZ_512M, 0, SZ_512M);
	fc_free(&t);
}

/* The scenarios that take their sizes from the tree (fc_sem_all assumes 1G). */
static void gmmu_sem(void)
{
	fc_sem_sizes(&ref_gmmu2, &(struct pt_params)G4K);
	fc_sem_sizes(&ref_gmmu2, &(struct pt_params)G64K);
	fc_sem_sizes(&ref_gmmu2, &(struct pt_params)G128K);
	fc_sem_sizes(&ref_gmmu2, &(struct pt_params)G4K512M);
	fc_sem_sizes(&ref_gmmu2, &(struct pt_params)G64K512M);
	fc_sem_sizes(&ref_gmmu3, &(struct pt_params)G4K);
	fc_sem_sizes(&ref_gmmu3, &(struct pt_params)G64K);
	fc_sem_sizes(&ref_gmmu2, &(struct pt_params)MIXED);
	fc_sem_sizes(&ref_gmmu3, &(struct pt_params)MIXED);
}

static const struct th_test gmmu_tests[] = {
	TH_TEST(gmmu_golden_leaves),
	TH_TEST(gmmu_table_entries),
	TH_TEST(gmmu_prot_round_trip),
	TH_TEST(gmmu_regs),
	TH_TEST(gmmu_geometry),
	TH_TEST(gmmu_params),
	TH_TEST(gmmu_dual_halves),
	TH_TEST(gmmu_mixed),
	TH_TEST(gmmu_big_128k),
	TH_TEST(gmmu_v2_512m),
	TH_TEST(gmmu_sem),
};

int main(int argc, char **argv)
{
	return th_main("test_fmt_gmmu", gmmu_tests, TH_ARRAY_SIZE(gmmu_tests),
		       argc, argv);
}
