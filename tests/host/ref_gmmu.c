// SPDX-License-Identifier: GPL-2.0
/*
 * NVIDIA GPU MMU version 2 and 3 tables as the tests know them: an
 * independent walk of the raw tables from the published manuals (the
 * facts are listed at the top of test_fmt_gmmu.c), starting from the
 * instance-block words the format reports, and the permission rules.
 */
#include "ref.h"

/* No execute bit; reads always allowed; cached and device exclusive. */
static int gmmu_valid(const struct pt_cfg *cfg, u32 prot)
{
	if (prot & ~(RW | PRIV | CACHE | MMIO))
		return -EOPNOTSUPP;
	if (!(prot & R) || (prot & (CACHE | MMIO)) == (CACHE | MMIO))
		return -EINVAL;
	return 0;
}

static unsigned int gmmu_level_of(u64 size)
{
	switch (size) {
	case SZ_4K:
	case SZ_64K:
		return 0;
	case SZ_2M:
		return 1;
	default:
		return 2;	/* 512M at PD1 */
	}
}

static u64 ref_rd(u64 pa)
{
	return *(const u64 *)(uintptr_t)pa;
}

/* The next table's address in a PDE (or a dual entry's half). */
static u64 ref_pde_addr(bool v3, u64 pde, bool big)
{
	if (v3)
		return pde & (big ? GENMASK_ULL(51, 8) : GENMASK_ULL(51, 12));
	/* v2: 53:8 = pa >> 12; the big half 53:4 = pa >> 8. */
	return big ? ((pde >> 4) & GENMASK_ULL(49, 0)) << 8 :
		     ((pde >> 8) & GENMASK_ULL(45, 0)) << 12;
}

/* A valid PTE's translation and permissions. */
static int ref_pte(bool v3, u64 pte, u64 iova, u64 size, struct fc_ref *r)
{
	unsigned int apt = (pte >> 1) & 3;
	bool vol, priv, ro;

	if (v3) {
		unsigned int pcf = (pte >> 3) & 0x1f;

		vol = pcf & 1;
		priv = pcf & 2;
		ro = pcf & 4;
		r->pa = pte & GENMASK_ULL(51, 12);
	} else {
		vol = pte & BIT_ULL(3);
		priv = pte & BIT_ULL(5);
		ro = pte & BIT_ULL(6);
		r->pa = ((pte >> 8) & GENMASK_ULL(45, 0)) << 12;
	}
	r->pa |= iova & (size - 1);
	r->size = size;
	r->prot = R | (ro ? 0 : W) | (priv ? PRIV : 0) |
		  (apt == 2 && !vol ? CACHE : 0) | (apt == 3 && vol ? MMIO : 0);
	/* Host memory only: system coherent (2) or non-coherent (3). */
	return apt >= 2 ? 0 : -EACCES;
}

static int gmmu_ref_walk(const struct fc_tree *t, u64 iova, struct fc_ref *r)
{
	const struct pt_cfg *cfg = &t->pt.cfg;
	bool v3 = cfg->fmt == &pt_fmt_nvidia_gmmu_v3;
	unsigned int level = v3 ? 5 : 4, shift;
	struct pt_hw_regs regs;
	u64 table, pte, w0, w1;

	*r = (struct fc_ref){};
	if (iova >> cfg->ias)
		return -EINVAL;
	cfg->fmt->regs(cfg, pt_root_pa(&t->pt), &regs);
	/* PDB: target 2, VOL, VER2, 64K big pages; ADR_LIMIT: the last VA. */
	CHECK_EQ(regs.ttbr & 0xfff, 0xc06, "PAGE_DIR_BASE flags");
	CHECK_EQ(regs.tcr, (1ULL << cfg->ias) - 1, "ADR_LIMIT");
	table = regs.ttbr & GENMASK_ULL(63, 12);
	/* PD4 (v3: bit 56), PD3 (47), PD2 (38), PD1 (29): 8-byte PDEs. */
	for (; level >= 2; level--) {
		shift = 29 + 9 * (level - 2);
		pte = ref_rd(table + ((iova >> shift) & 511) * 8);
		r->entries[r->nr++] = pte;
		if (pte & 1) {
			/* A PTE: 512M at PD1 in v3 only. */
			if (!v3 || level != 2)
				return -ENOENT;
			r->level = 2;
			return ref_pte(v3, pte, iova, SZ_512M, r);
		}
		if (!((pte >> 1) & 3))
			return -ENOENT;
		table = ref_pde_addr(v3, pte, false);
	}
	/* PD0: 16-byte dual entries, VA bits 28:21. */
	w0 = ref_rd(table + ((iova >> 21) & 255) * 16);
	w1 = ref_rd(table + ((iova >> 21) & 255) * 16 + 8);
	if (w0 & 1) {
		r->entries[r->nr++] = w0;
		r->level = 1;
		return ref_pte(v3, w0, iova, SZ_2M, r);
	}
	/*
	 * The big page table first (APERTURE_BIG 2:1), 32 x 64K; an invalid
	 * big PTE sends the walk to the small table unless it says not to
	 * (v2 PRIV, v3 PCF NO_VALID_4KB_PAGE = 3).
	 */
	if ((w0 >> 1) & 3) {
		pte = ref_rd(ref_pde_addr(v3, w0, true) +
			     ((iova >> 16) & 31) * 8);
		if (pte & 1) {
			r->entries[r->nr++] = w0;
			r->entries[r->nr++] = pte;
			return ref_pte(v3, pte, iova, SZ_64K, r);
		}
		/* Nothing behind the small half: the big table's miss. */
		if ((v3 ? ((pte >> 3) & 0x1f) == 3 : pte & BIT_ULL(5)) ||
		    !((w1 >> 1) & 3)) {
			r->entries[r->nr++] = w0;
			r->entries[r->nr++] = pte;
			return -ENOENT;
		}
	}
	/* The small page table (APERTURE_SMALL 66:65), 512 x 4K. */
	if (!((w1 >> 1) & 3)) {
		r->entries[r->nr++] = w1;
		return -ENOENT;
	}
	r->entries[r->nr++] = w1;
	pte = ref_rd(ref_pde_addr(v3, w1, false) + ((iova >> 12) & 511) * 8);
	r->entries[r->nr++] = pte;
	if (!(pte & 1))
		return -ENOENT;
	return ref_pte(v3, pte, iova, SZ_4K, r);
}

const struct fc_fmt ref_gmmu2 = {
	.fmt = &pt_fmt_nvidia_gmmu_v2,
	.valid = gmmu_valid,
	.ref_walk = gmmu_ref_walk,
	.level_of = gmmu_level_of,
	.prot = RW | CACHE,
};

const struct fc_fmt ref_gmmu3 = {
	.fmt = &pt_fmt_nvidia_gmmu_v3,
	.valid = gmmu_valid,
	.ref_walk = gmmu_ref_walk,
	.level_of = gmmu_level_of,
	.prot = RW | CACHE,
};
