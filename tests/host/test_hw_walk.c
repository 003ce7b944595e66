// SPDX-License-Identifier: GPL-2.0
/*
 * The hardware's walkers (src/hw/walk.c, what the simulated device walks
 * with) against the engine, for every format: the walker learns the
 * geometry from the register values alone, then translates thousands of
 * IOVAs of random address spaces, mapped and unmapped, reading the raw
 * tables; every translation, fault, permission and raw entry on the path
 * must be what the engine's own walk reports. The two share no code: the
 * walker includes nothing of the engine or the formats.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "host_ops.h"
#include "hw/walk.h"

#define HW_SEED		0x68776b77ULL
#define HW_MAPS		160
#define HW_UNMAPS	40
#define HW_PROBES	3000

struct hw_case {
	const char *what;
	const struct pt_format *fmt;
	struct pt_params p;
	bool low;	/* tables below 4GB: narrow physical addresses */
};

static const struct hw_case hw_cases[] = {
	{ "arm64-s1 4K 48", &pt_fmt_arm64_lpae_s1, { .ias = 48 }, false },
	{ "arm64-s1 4K 39", &pt_fmt_arm64_lpae_s1, { .ias = 39 }, false },
	{ "arm64-s1 16K 47", &pt_fmt_arm64_lpae_s1, { .granule_shift = 14, .ias = 47 }, false },
	{ "arm64-s1 64K 52", &pt_fmt_arm64_lpae_s1,
	  { .granule_shift = 16, .ias = 52, .oas = 52 }, false },
	{ "arm64-s1 4K contiguous", &pt_fmt_arm64_lpae_s1,
	  { .ias = 48, .pgsize_bitmap = 0x1000 | 0x10000 | 0x200000 | 0x2000000 }, false },
	{ "arm64-s2 4K 40 concatenated", &pt_fmt_arm64_lpae_s2, { .ias = 40 }, false },
	{ "arm64-s2 16K 48", &pt_fmt_arm64_lpae_s2, { .granule_shift = 14, .ias = 48 }, false },
	{ "arm64-s2 64K 46", &pt_fmt_arm64_lpae_s2,
	  { .granule_shift = 16, .ias = 46, .oas = 40 }, true },
	/* The variants of io-pgtable-arm's quirks (PTLAB_CREATE_ARM_*). */
	{ "arm64-s1 4K 52 LPA2", &pt_fmt_arm64_lpae_s1,
	  { .ias = 52, .oas = 52, .quirks = PT_QUIRK_ARM_LPA2 }, false },
	{ "arm64-s1 16K 52 LPA2", &pt_fmt_arm64_lpae_s1,
	  { .granule_shift = 14, .ias = 52, .oas = 52,
	    .quirks = PT_QUIRK_ARM_LPA2 }, false },
	{ "arm64-s1 4K 48 TTBR1", &pt_fmt_arm64_lpae_s1,
	  { .ias = 48, .quirks = PT_QUIRK_ARM_TTBR1 }, false },
	{ "arm64-s1 16K 39 TTBR1 NS outer-WBWA", &pt_fmt_arm64_lpae_s1,
	  { .granule_shift = 14, .ias = 39, .quirks = PT_QUIRK_ARM_TTBR1 |
	    PT_QUIRK_ARM_NS | PT_QUIRK_ARM_OUTER_WBWA }, false },
	{ "arm64-s1 4K 52 LPA2 TTBR1", &pt_fmt_arm64_lpae_s1,
	  { .ias = 52, .oas = 52,
	    .quirks = PT_QUIRK_ARM_LPA2 | PT_QUIRK_ARM_TTBR1 }, false },
	{ "arm64-s1 64K 48 TTBR1", &pt_fmt_arm64_lpae_s1,
	  { .granule_shift = 16, .ias = 48, .quirks = PT_QUIRK_ARM_TTBR1 },
	  false },
	{ "arm64-s2 4K 52 LPA2", &pt_fmt_arm64_lpae_s2,
	  { .ias = 52, .oas = 52, .quirks = PT_QUIRK_ARM_LPA2 }, false },
	{ "arm64-s2 16K 52 LPA2", &pt_fmt_arm64_lpae_s2,
	  { .granule_shift = 14, .ias = 52, .oas = 52,
	    .quirks = PT_QUIRK_ARM_LPA2 }, false },
	{ "arm64-s2 4K 40 S2FWB", &pt_fmt_arm64_lpae_s2,
	  { .ias = 40, .quirks = PT_QUIRK_ARM_S2FWB }, false },
	{ "v7s mtk 35", &pt_fmt_arm_v7s, { .quirks = PT_QUIRK_ARM_MTK_EXT },
	  true },
	{ "v7s ns", &pt_fmt_arm_v7s, { .quirks = PT_QUIRK_ARM_NS }, true },
	{ "mali", &pt_fmt_arm_mali_lpae, { }, false },
	{ "v7s 32", &pt_fmt_arm_v7s, { }, true },
	{ "v7s 28", &pt_fmt_arm_v7s, { .ias = 28 }, true },
	{ "x86-64 4-level", &pt_fmt_x86_64, { }, false },
	{ "x86-64 5-level", &pt_fmt_x86_64, { .ias = 57 }, false },
	{ "vtd-ss 39", &pt_fmt_vtd_ss, { .ias = 39 }, false },
	{ "vtd-ss 57", &pt_fmt_vtd_ss, { .ias = 57 }, false },
	{ "amd-v1 48", &pt_fmt_amd_v1, { }, false },
	{ "amd-v1 64", &pt_fmt_amd_v1, { .ias = 64 }, false },
	{ "amd-v1 30", &pt_fmt_amd_v1, { .ias = 30 }, false },
	{ "riscv sv39", &pt_fmt_riscv, { }, false },
	{ "riscv sv48 napot", &pt_fmt_riscv,
	  { .ias = 48, .pgsize_bitmap = 0x1000 | 0x10000 | 0x200000 | 0x40000000 }, false },
	{ "riscv sv57", &pt_fmt_riscv, { .ias = 57 }, false },
	{ "dart t8020", &pt_fmt_apple_dart, { }, true },
	{ "dart t8110 42", &pt_fmt_apple_dart, { .ias = 42, .oas = 42 }, true },
	{ "uat", &pt_fmt_apple_uat, { }, true },
	{ "gmmu-v2 4K", &pt_fmt_nvidia_gmmu_v2, { }, false },
	{ "gmmu-v2 64K", &pt_fmt_nvidia_gmmu_v2, { .granule_shift = 16 }, false },
	{ "gmmu-v2 128K", &pt_fmt_nvidia_gmmu_v2, { .granule_shift = 17 }, false },
	{ "gmmu-v2 64K 512M", &pt_fmt_nvidia_gmmu_v2,
	  { .granule_shift = 16, .pgsize_bitmap = 0x10000 | 0x200000 | 0x20000000 },
	  false },
	{ "gmmu-v3 4K", &pt_fmt_nvidia_gmmu_v3, { }, false },
	{ "gmmu-v3 64K", &pt_fmt_nvidia_gmmu_v3, { .granule_shift = 16 }, false },
	/* 4K, 64K, 2M (and 512M): both tables under PD0 entries. */
	{ "gmmu-v2 mixed", &pt_fmt_nvidia_gmmu_v2,
	  { .pgsize_bitmap = 0x211000 }, false },
	{ "gmmu-v3 mixed", &pt_fmt_nvidia_gmmu_v3,
	  { .pgsize_bitmap = 0x20211000 }, false },
};

static u64 hw_rand(u64 *s)
{
	/* xorshift64* */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

/* Host "physical" addresses are the tables' own addresses (pt_env.h). */
static bool hw_read(void *ctx, u64 pa, unsigned int bytes, u64 *val)
{
	if (bytes == 4)
		*val = *(const u32 *)(uintptr_t)pa;
	else
		*val = *(const u64 *)(uintptr_t)pa;
	return true;
}

/* A permission set the format takes, picked at random. */
static u32 hw_prot(const struct pt_cfg *cfg, u64 *s)
{
	int tries;

	for (tries = 0; tries < 64; tries++) {
		u32 prot = hw_rand(s) & cfg->prot_mask &
			   (PT_PROT_READ | PT_PROT_WRITE | PT_PROT_EXEC |
			    PT_PROT_PRIV | PT_PROT_CACHE);

		if (!pt_check_prot(cfg, prot))
			return prot;
	}
	return PT_PROT_READ | PT_PROT_WRITE;
}

/* What the engine says a leaf allows, against what the walker decoded. */
static void hw_check_perm(const struct hw_case *c, const struct pt_cfg *cfg,
			  u64 iova, const struct pt_leaf *leaf,
			  const struct ptlab_hw_xlate *x)
{
	bool priv = leaf->prot & PT_PROT_PRIV;
	u32 perm = x->perm[priv];

	CHECK(!!(leaf->prot & PT_PROT_WRITE) == !!(perm & PTLAB_ACCESS_WRITE),
	      "%s: 0x%llx: prot %#x, the walker's %s permissions %#x",
	      c->what, (unsigned long long)iova, leaf->prot,
	      priv ? "privileged" : "unprivileged", perm);
	if (leaf->prot & PT_PROT_READ)
		CHECK(perm & PTLAB_ACCESS_READ, "%s: 0x%llx: readable %#x, not to the walker",
		      c->what, (unsigned long long)iova, leaf->prot);
	/* Without an execute permission, fetches go where reads go. */
	if (cfg->prot_mask & PT_PROT_EXEC)
		CHECK(!!(leaf->prot & PT_PROT_EXEC) == !!(perm & PTLAB_ACCESS_EXEC),
		      "%s: 0x%llx: prot %#x, the walker's %#x", c->what,
		      (unsigned long long)iova, leaf->prot, perm);
	else
		CHECK(!!(perm & PTLAB_ACCESS_READ) == !!(perm & PTLAB_ACCESS_EXEC),
		      "%s: 0x%llx: no execute bit, yet the walker's %#x", c->what,
		      (unsigned long long)iova, perm);
	if (priv)
		CHECK(!x->perm[0], "%s: 0x%llx: privileged, yet %#x unprivileged",
		      c->what, (unsigned long long)iova, x->perm[0]);
}

static void hw_probe(const struct hw_case *c, const struct pt_space *pt,
		     const struct ptlab_hw_geom *g, u64 iova)
{
	struct ptlab_hw_xlate x;
	struct pt_walk_result res;
	unsigned int i;
	int ret;

	ret = pt_walk(pt, iova, &res);
	ptlab_hw_walk(g, hw_read, NULL, iova, g->root_pa, g->levels - 1, &x);
	if (ret) {
		CHECK(x.fault == PTLAB_FAULT_TRANSLATION,
		      "%s: 0x%llx: engine %d, walker fault %u", c->what,
		      (unsigned long long)iova, ret, x.fault);
		return;
	}
	if (!CHECK(!x.fault, "%s: 0x%llx: mapped, walker fault %u at level %u",
		   c->what, (unsigned long long)iova, x.fault, x.level))
		return;
	CHECK(x.pa + (iova - x.iova) == res.leaf.pa,
	      "%s: 0x%llx: engine pa 0x%llx, walker 0x%llx", c->what,
	      (unsigned long long)iova, (unsigned long long)res.leaf.pa,
	      (unsigned long long)(x.pa + (iova - x.iova)));
	CHECK(x.level == res.leaf.level, "%s: 0x%llx: level %u, walker %u",
	      c->what, (unsigned long long)iova, res.leaf.level, x.level);
	/* The walker's leaf is one entry's span; the engine's may be a run. */
	CHECK(x.size <= res.leaf.size && !(res.leaf.size % x.size),
	      "%s: 0x%llx: size 0x%llx, walker 0x%llx", c->what,
	      (unsigned long long)iova, (unsigned long long)res.leaf.size,
	      (unsigned long long)x.size);
	CHECK(x.nr == res.nr_entries, "%s: 0x%llx: %u entries, walker %u",
	      c->what, (unsigned long long)iova, res.nr_entries, x.nr);
	for (i = 0; i < x.nr && i < res.nr_entries; i++)
		CHECK(x.entries[i] == res.entries[i],
		      "%s: 0x%llx: entry %u 0x%llx, walker 0x%llx", c->what,
		      (unsigned long long)iova, i,
		      (unsigned long long)res.entries[i],
		      (unsigned long long)x.entries[i]);
	hw_check_perm(c, &pt->cfg, iova, &res.leaf, &x);
}

static void hw_case_run(const struct hw_case *c, u64 seed)
{
	struct ptlab_hw_geom g;
	struct host_gather gather;
	struct pt_hw_regs regs;
	struct host_ctx ctx;
	struct pt_space pt;
	u64 s = seed, mapped[HW_MAPS], top, pa_top, root;
	unsigned long failures = th_failures();
	unsigned int nr = 0, i;
	int ret;

	if (!host_space_new(&pt, &ctx, &gather, c->fmt, &c->p, c->low, c->what))
		return;
	root = pt_root_pa(&pt);
	c->fmt->regs(&pt.cfg, root, &regs);
	ret = ptlab_hw_decode(c->fmt->id, regs.ttbr, regs.tcr, regs.mair, &g);
	if (!CHECK(!ret, "%s: the walker refuses the registers", c->what))
		goto out;
	CHECK(g.root_pa == root && g.levels == pt.cfg.levels &&
	      g.ias >= pt.cfg.ias,
	      "%s: registers decode to root 0x%llx levels %u ias %u, not 0x%llx %u %u",
	      c->what, (unsigned long long)g.root_pa, g.levels, g.ias,
	      (unsigned long long)root, pt.cfg.levels, pt.cfg.ias);

	top = pt.cfg.ias < 64 ? 1ULL << pt.cfg.ias : 0;
	pa_top = 1ULL << (pt.cfg.oas < 40 ? pt.cfg.oas : 40);
	/* FEAT_LPA2 moves address bits 51:50: exercise them. */
	if (pt.cfg.quirks & PT_QUIRK_ARM_LPA2)
		pa_top = 1ULL << pt.cfg.oas;
	for (i = 0; i < HW_MAPS; i++) {
		u64 bitmap = pt.cfg.pgsize_bitmap & ((1ULL << 31) - 1), size, iova;
		unsigned int bit;
		u64 done;

		do
			bit = hw_rand(&s) % 31;
		while (!(bitmap & (1ULL << bit)));
		size = 1ULL << bit;
		/* Half of them near the others, so that tables fill up. */
		iova = (i & 1 && nr ? mapped[hw_rand(&s) % nr] + size * (hw_rand(&s) % 64) :
			hw_rand(&s)) & ~(size - 1);
		if (top)
			iova = (iova & (top - 1)) | pt.cfg.iova_base;
		ret = pt_map(&pt, iova, hw_rand(&s) & (pa_top - 1) & ~(size - 1),
			     size * (1 + hw_rand(&s) % 3), hw_prot(&pt.cfg, &s),
			     size, &gather.pt, &done);
		host_flush(&gather, &pt);
		if (!ret || done)
			mapped[nr++] = iova;
	}
	for (i = 0; i < HW_UNMAPS && nr; i++) {
		u64 unmapped;

		pt_unmap(&pt, mapped[hw_rand(&s) % nr],
			 1ULL << (12 + hw_rand(&s) % 10), &gather.pt, &unmapped);
		host_flush(&gather, &pt);
	}
	for (i = 0; i < HW_PROBES && th_failures() == failures; i++) {
		u64 iova = nr && i % 4 ? mapped[hw_rand(&s) % nr] +
				(hw_rand(&s) & ((1ULL << 22) - 1)) : hw_rand(&s);

		if (top)
			iova = (iova & (top - 1)) | pt.cfg.iova_base;
		hw_probe(c, &pt, &g, iova);
	}
out:
	host_space_free(&pt, &gather);
	host_gather_fini(&gather);
}

static void hw_walkers_agree(void)
{
	const char *env = getenv("PTLAB_SEED");
	u64 seed = env ? strtoull(env, NULL, 0) : HW_SEED;
	size_t i;

	for (i = 0; i < TH_ARRAY_SIZE(hw_cases); i++) {
		unsigned long failures = th_failures();

		hw_case_run(&hw_cases[i], seed + i);
		if (th_failures() != failures) {
			printf("# %s failed: PTLAB_SEED=0x%llx replays it\n",
			       hw_cases[i].what, (unsigned long long)seed);
			return;
		}
	}
}

/* Registers a driver would never program are refused, not walked. */
static void hw_bad_registers(void)
{
	struct ptlab_hw_geom g;

	CHECK(ptlab_hw_decode(PTLAB_FMT_X86_64, 0x1000, 2, 0, &g) == -EINVAL,
	      "x86-64 paging mode 2");
	CHECK(ptlab_hw_decode(PTLAB_FMT_VTD_SS, 0x1000, 0, 0, &g) == -EINVAL,
	      "VT-d AW 0");
	CHECK(ptlab_hw_decode(PTLAB_FMT_AMD_V1, 0x1000, 7, 0, &g) == -EINVAL,
	      "AMD mode 7");
	CHECK(ptlab_hw_decode(PTLAB_FMT_RISCV, 0x1, 0, 0, &g) == -EINVAL,
	      "satp mode Bare");
	CHECK(ptlab_hw_decode(PTLAB_FMT_APPLE_DART, 0x80001000, 0, 0, &g) == -EINVAL,
	      "DART translation disabled");
	CHECK(ptlab_hw_decode(PTLAB_FMT_APPLE_UAT, 0x4000, 0, 0, &g) == -EINVAL,
	      "UAT TTB not valid");
	CHECK(ptlab_hw_decode(PTLAB_FMT_ARM64_LPAE_S1, 0x1000, 3ULL << 14 | 16, 0, &g) ==
	      -EINVAL, "TG0 0b11");
	CHECK(ptlab_hw_decode(0, 0, 0, 0, &g) == -EINVAL, "format 0");
	CHECK(ptlab_hw_decode(PTLAB_FMT_NVIDIA_GMMU_V2, 0x1c04, (1ULL << 49) - 1,
			      0, &g) == -EINVAL, "GMMU PDB in video memory");
	CHECK(ptlab_hw_decode(PTLAB_FMT_NVIDIA_GMMU_V2, 0x1806, (1ULL << 49) - 1,
			      0, &g) == -EINVAL, "GMMU version 1 tables");
	/* v3 with bit 10 clear, as NVIDIA's RM writes it: the root. */
	CHECK(!ptlab_hw_decode(PTLAB_FMT_NVIDIA_GMMU_V3, 0x1806,
			       (1ULL << 57) - 1, 0, &g) && g.root_pa == 0x1000,
	      "GMMU v3 PAGE_DIR_BASE without bit 10 (RM)");
	CHECK(ptlab_hw_decode(PTLAB_FMT_NVIDIA_GMMU_V2, 0x1c06, (1ULL << 40) - 1,
			      0, &g) == -EINVAL, "GMMU ADR_LIMIT below the VA");
	/* NV_RAMIN_BIG_PAGE_SIZE = 0, 128K: Pascal's, version 2 only. */
	CHECK(ptlab_hw_decode(PTLAB_FMT_NVIDIA_GMMU_V3, 0x1406, (1ULL << 57) - 1,
			      0, &g) == -EINVAL, "GMMU v3 with 128K big pages");
	CHECK(!ptlab_hw_decode(PTLAB_FMT_NVIDIA_GMMU_V2, 0x1406,
			       (1ULL << 49) - 1, 0, &g) &&
	      g.gmmu_big_shift == 17, "GMMU v2 with 128K big pages");
	/* T0SZ 12 (52 bits) with 4K needs TCR.DS (bit 59). */
	CHECK(ptlab_hw_decode(PTLAB_FMT_ARM64_LPAE_S1, 0x1000, 12 | 6ULL << 32,
			      0, &g) == -EINVAL, "52 bits, 4K, no DS");
	CHECK(!ptlab_hw_decode(PTLAB_FMT_ARM64_LPAE_S1, 0x1000,
			       12 | 6ULL << 32 | BIT_ULL(59), 0, &g) &&
	      g.levels == 5 && g.ds, "52 bits, 4K, DS: five levels");
	/* 16K VTCR.SL0 = 0b11 (level 0) only with DS. */
	CHECK(ptlab_hw_decode(PTLAB_FMT_ARM64_LPAE_S2, 0x1000,
			      16 | 2ULL << 14 | 3ULL << 6 | 5ULL << 16, 0, &g) ==
	      -EINVAL, "16K SL0 3 without DS");
	/* EPD0 with TG1 0b00 (reserved) refuses the TTBR1 half. */
	CHECK(ptlab_hw_decode(PTLAB_FMT_ARM64_LPAE_S1, 0x1000,
			      BIT_ULL(7) | 16ULL << 16, 0, &g) == -EINVAL,
	      "TG1 0b00");
	/* TTBR1: an IOVA without every upper bit set is out of range. */
	CHECK(!ptlab_hw_decode(PTLAB_FMT_ARM64_LPAE_S1, 0x1000,
			       BIT_ULL(7) | 16ULL << 16 | 2ULL << 30, 0, &g) &&
	      g.upper && g.ias == 48, "TTBR1 4K 48");
}

/*
 * One GMMU v2 PD0 entry with both halves, built by hand from the manual
 * (PDE: APERTURE 2:1 = 2, address 53:8 = pa >> 12; big half 53:4 = pa >>
 * 8; PTE: VALID, APERTURE 2, address pa >> 12 << 8, PRIV bit 5): the big
 * page table decides first; an invalid big PTE (0) lets the small one
 * through; one with PRIV set (gp100_vmm_lpt_invalid) stops the walk. Both
 * words are in every walk.
 */
/*
 * A hand-built GMMU v2 tree of @pages zeroed pages: PD3, PD2, PD1 and PD0
 * in the first four, each pointing at the next for IOVA 0x40000000 (PD3 0,
 * PD2 0, PD1 2), in system coherent memory (v2 PDE: pa >> 12 in 53:8).
 */
static u64 *hw_gmmu_tree(unsigned int pages)
{
	u64 *t = aligned_alloc(4096, pages * 4096);

	if (!CHECK(t, "memory"))
		return NULL;
	memset(t, 0, pages * 4096);
	t[0] = ((u64)(uintptr_t)(t + 512) >> 4) | 4;
	t[512] = ((u64)(uintptr_t)(t + 1024) >> 4) | 4;
	t[1024 + 2] = ((u64)(uintptr_t)(t + 1536) >> 4) | 4;
	return t;
}

static void hw_gmmu_dual(void)
{
	u64 *t = hw_gmmu_tree(6), *pd3 = t, *pd0 = t + 1536;
	u64 *spt = t + 2048, *lpt = t + 2048 + 512;	/* 256-byte aligned */
	struct ptlab_hw_geom g;
	struct ptlab_hw_xlate x;
	u64 base = 0x40000000ULL;	/* PD3 0, PD2 0, PD1 2, PD0 0 */

	if (!t)
		return;
	pd0[0] = ((u64)(uintptr_t)lpt >> 4) | 4;	/* big half */
	pd0[1] = ((u64)(uintptr_t)spt >> 4) | 4;	/* small half */
	lpt[0] = (0x81230000ULL >> 4) | 5;		/* 64K page 0 */
	lpt[2] = BIT_ULL(5);				/* invalid, no SPTEs */
	spt[16] = (0x81240000ULL >> 4) | 5;		/* 4K under 64K 1 */
	spt[32] = (0x81250000ULL >> 4) | 5;		/* 4K under 64K 2 */
	spt[0] = (0x81260000ULL >> 4) | 5;		/* hidden by 64K 0 */
	if (!CHECK(!ptlab_hw_decode(PTLAB_FMT_NVIDIA_GMMU_V2,
				    (u64)(uintptr_t)pd3 | 0xc06,
				    (1ULL << 49) - 1, 0, &g), "decode")) {
		free(t);
		return;
	}
	ptlab_hw_walk(&g, hw_read, NULL, base + 0x1234, g.root_pa, 4, &x);
	CHECK(!x.fault && x.size == 0x10000 && x.pa == 0x81230000ULL,
	      "big PTE first: fault %u size %#llx pa %#llx", x.fault,
	      (unsigned long long)x.size, (unsigned long long)x.pa);
	CHECK(x.nr == 6 && x.entries[3] == pd0[0] && x.entries[4] == pd0[1] &&
	      x.entry_level[3] == 1 && x.entry_level[4] == 1,
	      "both halves in the walk (%u entries)", x.nr);
	ptlab_hw_walk(&g, hw_read, NULL, base + 0x10000, g.root_pa, 4, &x);
	CHECK(!x.fault && x.size == 0x1000 && x.pa == 0x81240000ULL,
	      "invalid big PTE: the small one, fault %u pa %#llx", x.fault,
	      (unsigned long long)x.pa);
	ptlab_hw_walk(&g, hw_read, NULL, base + 0x20000, g.root_pa, 4, &x);
	CHECK(x.fault == PTLAB_FAULT_TRANSLATION,
	      "big PTE invalid with PRIV: no small PTEs, fault %u", x.fault);
	ptlab_hw_walk(&g, hw_read, NULL, base + 0x30000, g.root_pa, 4, &x);
	CHECK(x.fault == PTLAB_FAULT_TRANSLATION, "neither: fault %u", x.fault);
	CHECK(!ptlab_hw_table_span(&g, 0) && ptlab_hw_table_span(&g, 1) ==
	      1ULL << 29, "no walk starts at a page table");
	free(t);
}

/*
 * A GMMU v2 space with 128K big pages, by hand: PAGE_DIR_BASE bit 11 clear
 * (NV_RAMIN_BIG_PAGE_SIZE_128KB), the big page table 16 entries indexed by
 * VA bits 20:17, its PD0 pointer pa >> 8.
 */
static void hw_gmmu_128k(void)
{
	u64 *t = hw_gmmu_tree(5), *pd3 = t, *pd1 = t + 1024, *pd0 = t + 1536;
	u64 *lpt = t + 2048 + 32;
	struct ptlab_hw_geom g;
	struct ptlab_hw_xlate x;
	u64 base = 0x40000000ULL;	/* PD3 0, PD2 0, PD1 2, PD0 0 */

	if (!t)
		return;
	pd0[0] = ((u64)(uintptr_t)lpt >> 4) | 4;	/* 256-byte aligned */
	lpt[3] = (0x81260000ULL >> 4) | 5;		/* 0x60000..0x7ffff */
	lpt[15] = (0x81300000ULL >> 4) | 0x45;		/* read-only, last */
	if (!CHECK(!ptlab_hw_decode(PTLAB_FMT_NVIDIA_GMMU_V2,
				    (u64)(uintptr_t)pd3 | 0x406,
				    (1ULL << 49) - 1, 0, &g) &&
		   g.gmmu_big_shift == 17, "decode 128K")) {
		free(t);
		return;
	}
	ptlab_hw_walk(&g, hw_read, NULL, base + 0x7f123, g.root_pa, 4, &x);
	CHECK(!x.fault && x.size == 0x20000 && x.pa == 0x81260000ULL &&
	      x.iova == base + 0x60000,
	      "128K PTE 3: fault %u size %#llx pa %#llx", x.fault,
	      (unsigned long long)x.size, (unsigned long long)x.pa);
	ptlab_hw_walk(&g, hw_read, NULL, base + 0x1fffff, g.root_pa, 4, &x);
	CHECK(!x.fault && x.size == 0x20000 && x.pa == 0x81300000ULL &&
	      !(x.perm[0] & PTLAB_ACCESS_WRITE),
	      "128K PTE 15: fault %u pa %#llx", x.fault,
	      (unsigned long long)x.pa);
	/* Entry 1 empty, no small half: nothing there. */
	ptlab_hw_walk(&g, hw_read, NULL, base + 0x20000, g.root_pa, 4, &x);
	CHECK(x.fault == PTLAB_FAULT_TRANSLATION, "128K PTE 1: fault %u",
	      x.fault);
	/*
	 * A 512M PTE at PD1 (index 3): Pascal, the GPU of 128K big pages,
	 * does not decode it; with 64K big pages (Ampere, Ada) the walker
	 * does.
	 */
	pd1[3] = (0x820000000ULL >> 4) | 5;
	ptlab_hw_walk(&g, hw_read, NULL, 0x6abcdef0ULL, g.root_pa, 4, &x);
	CHECK(x.fault == PTLAB_FAULT_TRANSLATION && x.level == 2,
	      "PD1 PTE with 128K big pages: fault %u level %u", x.fault,
	      x.level);
	if (CHECK(!ptlab_hw_decode(PTLAB_FMT_NVIDIA_GMMU_V2,
				   (u64)(uintptr_t)pd3 | 0xc06,
				   (1ULL << 49) - 1, 0, &g), "decode 64K")) {
		ptlab_hw_walk(&g, hw_read, NULL, 0x6abcdef0ULL, g.root_pa, 4,
			      &x);
		CHECK(!x.fault && x.size == 1ULL << 29 &&
		      x.pa == 0x820000000ULL && x.iova == 0x60000000ULL,
		      "PD1 PTE with 64K big pages: fault %u size %#llx pa %#llx",
		      x.fault, (unsigned long long)x.size,
		      (unsigned long long)x.pa);
	}
	free(t);
}

static const struct th_test hw_tests[] = {
	TH_TEST(hw_walkers_agree),
	TH_TEST(hw_bad_registers),
	TH_TEST(hw_gmmu_dual),
	TH_TEST(hw_gmmu_128k),
};

int main(int argc, char **argv)
{
	return th_main("test_hw_walk", hw_tests, TH_ARRAY_SIZE(hw_tests), argc,
		       argv);
}
