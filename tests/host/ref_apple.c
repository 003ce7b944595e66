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
 * Independent walks of the raw tables from the facts, starting from the
 * register values the format reports: 0, -ENOENT (no entry) or -EACCES (no
 * access).
 */
static u64 ref_entry(u64 table_pa, u64 iova, unsigned int level)
{
	const u64 *t = (const u64 *)(uintptr_t)table_pa;

	return t[(iova >> (14 + 11 * level)) & 2047];
}

static int dart_walk(const struct pt_cfg *cfg, const struct pt_hw_regs *regs,
		     u64 iova, struct fc_ref *r)
{
	bool v1 = cfg->oas == 36;
	unsigned int level;
	u64 table, pte = 0;

	if (v1) {
		CHECK(regs->ttbr & BIT(31), "t8020 TTBR not valid");
		table = (regs->ttbr & 0xffffff) << 12;
		level = 1;
	} else {
		CHECK(regs->ttbr & 1, "t8110 TTBR not valid");
		table = ((regs->ttbr >> 2) & 0xfffffff) << 14;
		level = regs->tcr & 8 ? 2 : 1;
	}
	for (;; level--) {
		pte = ref_entry(table, iova, level);
		r->entries[r->nr++] = pte;
		if (!(pte & 1))
			return -ENOENT;
		table = v1 ? pte & GENMASK_ULL(35, 12) :
		       (pte & GENMASK_ULL(37, 10)) << 4;
		if (!level)
			break;
	}
	r->pa = table | (iova & (SZ_16K - 1));
	if (v1)
		r->prot = (pte & 0x100 ? 0 : R) | (pte & 0x80 ? 0 : W);
	else
		r->prot = (pte & 0x8 ? 0 : R) | (pte & 0x4 ? 0 : W) |
			  (pte & 0x2 ? 0 : CACHE);
	/* The whole page is inside the subpage window. */
	return (pte >> 52) == 0 && ((pte >> 40) & 0xfff) == 0xfff ? 0 :
	       -EACCES;
}

static int uat_walk(const struct pt_cfg *cfg, const struct pt_hw_regs *regs,
		    u64 iova, struct fc_ref *r)
{
	u64 addr = GENMASK_ULL(cfg->oas - 1, 14);
	u64 table = regs->ttbr & GENMASK_ULL(47, 14), pte = 0;
	unsigned int level, ap;
	bool uxn, pxn;

	CHECK(regs->ttbr & 1, "UAT TTBR not valid");
	for (level = 2;; level--) {
		pte = ref_entry(table, iova, level);
		r->entries[r->nr++] = pte;
		if ((pte & 3) != 3)
			return -ENOENT;
		table = pte & addr;
		if (!level)
			break;
	}
	r->pa = table | (iova & (SZ_16K - 1));
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

/* Either walk, of one 16K page, inside the input range only. */
static int apple_ref_walk(const struct fc_tree *t, u64 iova,
			  struct fc_ref *r)
{
	const struct pt_cfg *cfg = &t->pt.cfg;
	struct pt_hw_regs regs;

	*r = (struct fc_ref){ .size = SZ_16K };
	if (iova >> cfg->ias)
		return -EINVAL;
	cfg->fmt->regs(cfg, pt_root_pa(&t->pt), &regs);
	return cfg->fmt == &pt_fmt_apple_dart ? dart_walk(cfg, &regs, iova, r) :
	       uat_walk(cfg, &regs, iova, r);
}

const struct fc_fmt ref_dart = {
	.fmt = &pt_fmt_apple_dart,
	.valid = dart_valid,
	.ref_walk = apple_ref_walk,
	.level_of = apple_level_of,
	.low_tables = true,
};

const struct fc_fmt ref_uat = {
	.fmt = &pt_fmt_apple_uat,
	.valid = uat_valid,
	.ref_walk = apple_ref_walk,
	.level_of = apple_level_of,
	.low_tables = true,
};
