// SPDX-License-Identifier: GPL-2.0
/*
 * Apple DART and UAT tables as the tests know them: independent walks of
 * the raw tables from the facts the Linux drivers rely on (listed at the
 * top of test_fmt_apple.c), starting from the register values the format
 * reports, and the permission rules.
 */
#include "ref.h"

/* DART1 (oas 36) has no NO_CACHE bit; no DART has EXEC or PRIV. */
static int dart_valid(const struct pt_cfg *cfg, u32 prot)
{
	if (prot & ~(cfg->oas == 36 ? RW : RW | CACHE))
		return -EOPNOTSUPP;
	return prot & RW ? 0 : -EINVAL;
}

/* UAT: no EXEC, no firmware write-only, one memory type. */
static int uat_valid(const struct pt_cfg *cfg, u32 prot)
{
	if (prot & ~(RW | PRIV | CACHE | MMIO))
		return -EOPNOTSUPP;
	if (!(prot & RW) || ((prot & PRIV) && !(prot & R)) ||
	    (prot & (CACHE | MMIO)) == (CACHE | MMIO))
		return -EINVAL;
	return 0;
}

/* Every leaf is one 16K page of the last level. */
static unsigned int apple_level_of(u64 size)
{
	return 0;
}

/*
 * The leaves the hardware's walker finds (fc_ref_walk()), decoded from the
 * facts: 0, -ENOENT (not a leaf) or -EACCES (no access). Every leaf is one
 * 16K page at the last level.
 */
static int dart_leaf(const struct pt_cfg *cfg, u64 pte, u64 iova,
		     struct fc_ref *r)
{
	bool v1 = cfg->oas == 36;

	if (!(pte & 1))
		return -ENOENT;
	r->pa = (v1 ? pte & GENMASK_ULL(35, 12) :
		 (pte & GENMASK_ULL(37, 10)) << 4) | (iova & (SZ_16K - 1));
	if (v1)
		r->prot = (pte & 0x100 ? 0 : R) | (pte & 0x80 ? 0 : W);
	else
		r->prot = (pte & 0x8 ? 0 : R) | (pte & 0x4 ? 0 : W) |
			  (pte & 0x2 ? 0 : CACHE);
	/* The whole page is inside the subpage window. */
	return (pte >> 52) == 0 && ((pte >> 40) & 0xfff) == 0xfff ? 0 :
	       -EACCES;
}

static int uat_leaf(const struct pt_cfg *cfg, u64 pte, u64 iova,
		    struct fc_ref *r)
{
	unsigned int ap;
	bool uxn, pxn;

	if ((pte & 3) != 3)
		return -ENOENT;
	r->pa = (pte & GENMASK_ULL(cfg->oas - 1, 14)) | (iova & (SZ_16K - 1));
	ap = (pte >> 6) & 3;
	uxn = pte & APPLE_UAT_UXN;
	pxn = pte & APPLE_UAT_PXN;
	if (ap == 1)
		r->prot = PRIV | (uxn ? RW : pxn ? 0 : R);
	else if (ap == 2)
		r->prot = uxn ? (pxn ? 0 : RW) : (pxn ? W : R);
	switch ((pte >> 2) & 7) {
	case 0:
		r->prot |= CACHE;
		break;
	case 1:
		r->prot |= MMIO;
		break;
	}
	/* AF, nG and GPU access on every page written here. */
	return (pte & 0xc00) == 0xc00 && (pte & APPLE_UAT_GPU) ? 0 : -EACCES;
}

static int apple_ref_leaf(const struct fc_tree *t, u64 iova,
			  struct fc_ref *r)
{
	const struct pt_cfg *cfg = &t->pt.cfg;
	u64 pte = r->entries[r->nr - 1];

	/* The walk read one entry per level: DART t8020 from level 1. */
	if (r->level || r->nr != cfg->levels)
		return -ENOENT;
	r->size = SZ_16K;
	return cfg->fmt == &pt_fmt_apple_dart ? dart_leaf(cfg, pte, iova, r) :
	       uat_leaf(cfg, pte, iova, r);
}

const struct fc_fmt ref_dart = {
	.fmt = &pt_fmt_apple_dart,
	.valid = dart_valid,
	.leaf = apple_ref_leaf,
	.level_of = apple_level_of,
	.low_tables = true,
};

const struct fc_fmt ref_uat = {
	.fmt = &pt_fmt_apple_uat,
	.valid = uat_valid,
	.leaf = apple_ref_leaf,
	.level_of = apple_level_of,
	.low_tables = true,
};
