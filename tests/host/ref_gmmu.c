// SPDX-License-Identifier: GPL-2.0
/*
 * NVIDIA GPU MMU version 2 and 3 as the tests know them: the permission
 * rules, and a decoder of the leaf the hardware's walker (src/hw/walk.c)
 * finds, from the published manuals (the facts are listed at the top of
 * test_fmt_gmmu.c).
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
	case 0x20000ULL:	/* v2 128K big pages */
		return 0;
	case SZ_2M:
		return 1;
	default:
		return 2;	/* 512M at PD1 */
	}
}

/*
 * The walker lists both words of the PD0 entry (root first, PD0's are the
 * walk's entries levels - 2 and levels - 1). A space of one half uses one
 * word of every PD0 entry: the other must be 0. A mixed space (4K and 64K
 * pages) points at both tables from every PD0 entry that has tables.
 */
static int gmmu_check_pd0(const struct fc_tree *t, const struct fc_ref *r)
{
	const struct pt_cfg *cfg = &t->pt.cfg;
	unsigned int pd0 = cfg->levels - 2;
	u64 w0, w1;

	if (r->nr < pd0 + 2)
		return 0;
	w0 = r->entries[pd0];
	w1 = r->entries[pd0 + 1];
	if (cfg->lvl[0].pair && !(w0 & 1) && w1)
		return CHECK(((w0 >> 1) & 3) == 2 && ((w1 >> 1) & 3) == 2,
			     "%s: a mixed PD0 entry without both tables: %#llx %#llx",
			     cfg->fmt->name, (unsigned long long)w0,
			     (unsigned long long)w1) ? 0 : -EIO;
	return CHECK(!w0 || !w1, "%s: both PD0 words in use: %#llx %#llx",
		     cfg->fmt->name, (unsigned long long)w0,
		     (unsigned long long)w1) ? 0 : -EIO;
}

static int gmmu_ref_leaf(const struct fc_tree *t, u64 iova, struct fc_ref *r)
{
	const struct pt_cfg *cfg = &t->pt.cfg;
	bool v3 = cfg->fmt == &pt_fmt_nvidia_gmmu_v3, vol, priv, ro, big;
	unsigned int apt;
	u64 pte;

	if (!r->nr)
		return -ENOENT;
	if (gmmu_check_pd0(t, r))
		return -EIO;
	pte = r->entries[r->nr - 1];
	/* A 2M PTE is word 0 of PD0's two, the last two words read. */
	if (r->level == 1 && r->nr == cfg->levels)
		pte = r->entries[r->nr - 2];
	/*
	 * VALID; a PTE at the PTE level, PD0 (2M) or PD1 (512M): v3, and v2
	 * spaces whose creator asked for 512M pages (Ampere, Ada).
	 */
	if (!(pte & 1) ||
	    r->level > (v3 || (cfg->pgsize_bitmap & SZ_512M) ? 2 : 1))
		return -ENOENT;
	/*
	 * At the PTE level: a big page when the PTE is the word right after
	 * PD0's two and word 0 points at a big page table (the MMU reads
	 * that table first); otherwise a small page, read after them.
	 */
	big = r->nr == cfg->levels + 1 &&
	      !(r->entries[cfg->levels - 2] & 1) &&
	      ((r->entries[cfg->levels - 2] >> 1) & 3);
	/* Big pages: the space's granule, 64K in a mixed space. */
	r->size = r->level == 2 ? SZ_512M : r->level ? SZ_2M : !big ? SZ_4K :
		  cfg->granule_shift > 12 ? 1ULL << cfg->granule_shift : SZ_64K;
	apt = (pte >> 1) & 3;
	if (v3) {
		/* PCF 7:3: uncached, privilege, read-only, no atomics, ACD. */
		vol = pte & BIT_ULL(3);
		priv = pte & BIT_ULL(4);
		ro = pte & BIT_ULL(5);
		r->pa = pte & GENMASK_ULL(51, 12);
	} else {
		vol = pte & BIT_ULL(3);
		priv = pte & BIT_ULL(5);
		ro = pte & BIT_ULL(6);
		r->pa = ((pte >> 8) & GENMASK_ULL(45, 0)) << 12;
	}
	r->pa |= iova & (r->size - 1);
	r->prot = R | (ro ? 0 : W) | (priv ? PRIV : 0) |
		  (apt == 2 && !vol ? CACHE : 0) | (apt == 3 && vol ? MMIO : 0);
	/* Host memory only: system coherent (2) or non-coherent (3). */
	return apt >= 2 ? 0 : -EACCES;
}

const struct fc_fmt ref_gmmu2 = {
	.fmt = &pt_fmt_nvidia_gmmu_v2,
	.valid = gmmu_valid,
	.leaf = gmmu_ref_leaf,
	.level_of = gmmu_level_of,
	.prot = RW | CACHE,
};

const struct fc_fmt ref_gmmu3 = {
	.fmt = &pt_fmt_nvidia_gmmu_v3,
	.valid = gmmu_valid,
	.leaf = gmmu_ref_leaf,
	.level_of = gmmu_level_of,
	.prot = RW | CACHE,
};
