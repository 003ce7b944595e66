// SPDX-License-Identifier: GPL-2.0
/*
 * Arm VMSAv8-64 long-descriptor (LPAE) stage-1 translation tables, as an Arm
 * SMMU or a Mali GPU walks them. Encodings follow the Arm Architecture
 * Reference Manual, "VMSAv8-64 translation table format descriptors".
 */
#include "pt_engine.h"
#include "../uapi/linux/ptlab.h"

/* Descriptor type, bits [1:0]. */
#define LPAE_TYPE_MASK		0x3ULL
#define LPAE_TYPE_BLOCK		0x1ULL	/* levels above the last */
#define LPAE_TYPE_TABLE		0x3ULL	/* levels above the last */
#define LPAE_TYPE_PAGE		0x3ULL	/* last level */

/* Lower and upper attributes of block and page descriptors. */
#define LPAE_ATTRINDX_SHIFT	2
#define LPAE_ATTRINDX_MASK	(0x7ULL << LPAE_ATTRINDX_SHIFT)
#define LPAE_AP_UNPRIV		BIT_ULL(6)	/* AP[1]: EL0 may access */
#define LPAE_AP_RDONLY		BIT_ULL(7)	/* AP[2] */
#define LPAE_SH_OUTER		(2ULL << 8)
#define LPAE_SH_INNER		(3ULL << 8)
#define LPAE_AF			BIT_ULL(10)
#define LPAE_CONT		BIT_ULL(52)	/* one of 16 contiguous entries */
#define LPAE_PXN		BIT_ULL(53)
#define LPAE_UXN		BIT_ULL(54)

/* MAIR slots this format programs, one byte each. */
#define LPAE_ATTR_NC		0	/* normal, inner/outer non-cacheable */
#define LPAE_ATTR_WB		1	/* normal, write-back RW-allocate */
#define LPAE_ATTR_DEV		2	/* device-nGnRE */
#define LPAE_MAIR_NC		0x44ULL
#define LPAE_MAIR_WB		0xffULL
#define LPAE_MAIR_DEV		0x04ULL

/* TCR fields for TTBR0; TTBR1 walks are disabled. */
#define LPAE_TCR_IRGN0_WBWA	BIT_ULL(8)
#define LPAE_TCR_ORGN0_WBWA	BIT_ULL(10)
#define LPAE_TCR_SH0_INNER	(3ULL << 12)
#define LPAE_TCR_TG0_4K		(0ULL << 14)
#define LPAE_TCR_EPD1		BIT_ULL(23)
#define LPAE_TCR_IPS_SHIFT	32

/* 4K granule: entries in a contiguous run, and the levels with leaves. */
#define LPAE_CONT_SHIFT		4
#define LPAE_CONT_ENTRIES	BIT(LPAE_CONT_SHIFT)
#define LPAE_LEAF_LEVELS	3

static int lpae_ips(u32 oas)
{
	switch (oas) {
	case 32: return 0;
	case 36: return 1;
	case 40: return 2;
	case 42: return 3;
	case 44: return 4;
	case 48: return 5;
	}
	return -EINVAL;
}

static int lpae_init(struct pt_cfg *cfg, const struct pt_params *p)
{
	u32 bits_per_level, level;
	u64 all = 0, basic = 0;

	cfg->granule_shift = p->granule_shift ? p->granule_shift : 12;
	cfg->ias = p->ias ? p->ias : 48;
	cfg->oas = p->oas ? p->oas : 48;
	if (cfg->granule_shift != 12)
		return -EOPNOTSUPP;
	if (cfg->ias < 32 || cfg->ias > 48 || lpae_ips(cfg->oas) < 0)
		return -EINVAL;

	cfg->entry_shift = 3;
	cfg->prot_mask = PT_PROT_ALL;
	bits_per_level = cfg->granule_shift - cfg->entry_shift;
	cfg->levels = (cfg->ias - cfg->granule_shift + bits_per_level - 1) /
		      bits_per_level;
	for (level = 0; level < cfg->levels; level++) {
		u32 shift = cfg->granule_shift + level * bits_per_level;

		cfg->lvl[level].shift = shift;
		cfg->lvl[level].index_bits = cfg->ias - shift < bits_per_level ?
					     cfg->ias - shift : bits_per_level;
	}
	/*
	 * 4K granule: pages at the last level, blocks of 2M and 1G above,
	 * each also as a run of 16 entries with the contiguous hint (64K,
	 * 32M, 16G) where the table is large enough. The hinted sizes are
	 * used only when asked for: a plain walker sees them as 16 leaves.
	 */
	for (level = 0; level < cfg->levels && level < LPAE_LEAF_LEVELS;
	     level++) {
		struct pt_level *lvl = &cfg->lvl[level];

		lvl->pgsizes = 1ULL << lvl->shift;
		if (lvl->index_bits >= LPAE_CONT_SHIFT)
			lvl->pgsizes |= (u64)LPAE_CONT_ENTRIES << lvl->shift;
		basic |= 1ULL << lvl->shift;
		all |= lvl->pgsizes;
	}
	if (p->pgsize_bitmap & ~all)
		return -EINVAL;
	cfg->pgsize_bitmap = p->pgsize_bitmap ? p->pgsize_bitmap : basic;
	/* The granule itself is needed to map whatever blocks cannot. */
	if (!(cfg->pgsize_bitmap & (1ULL << cfg->granule_shift)))
		return -EINVAL;
	return 0;
}

static int lpae_check_prot(const struct pt_cfg *cfg, u32 prot)
{
	/* Stage 1 cannot express write-only or no-access mappings. */
	if (!(prot & PT_PROT_READ))
		return -EINVAL;
	if ((prot & PT_PROT_CACHE) && (prot & PT_PROT_MMIO))
		return -EINVAL;
	return 0;
}

static u64 lpae_oa_mask(const struct pt_cfg *cfg, unsigned int level)
{
	return GENMASK_ULL(cfg->oas - 1, cfg->lvl[level].shift);
}

static u64 lpae_mk_table(const struct pt_cfg *cfg, unsigned int level,
			 u64 table_pa)
{
	return (table_pa & GENMASK_ULL(47, 12)) | LPAE_TYPE_TABLE;
}

static u64 lpae_mk_leaf(const struct pt_cfg *cfg, unsigned int level, u64 pa,
			u64 pgsize, u32 prot)
{
	u64 pte = (pa & lpae_oa_mask(cfg, level)) | LPAE_AF;

	if (pgsize != 1ULL << cfg->lvl[level].shift)
		pte |= LPAE_CONT;
	pte |= level ? LPAE_TYPE_BLOCK : LPAE_TYPE_PAGE;
	if (!(prot & PT_PROT_PRIV))
		pte |= LPAE_AP_UNPRIV;
	if (!(prot & PT_PROT_WRITE))
		pte |= LPAE_AP_RDONLY;
	if (!(prot & PT_PROT_EXEC))
		pte |= LPAE_UXN | LPAE_PXN;
	if (prot & PT_PROT_CACHE)
		pte |= (u64)LPAE_ATTR_WB << LPAE_ATTRINDX_SHIFT | LPAE_SH_INNER;
	else if (prot & PT_PROT_MMIO)
		pte |= (u64)LPAE_ATTR_DEV << LPAE_ATTRINDX_SHIFT | LPAE_SH_OUTER;
	else
		pte |= (u64)LPAE_ATTR_NC << LPAE_ATTRINDX_SHIFT | LPAE_SH_OUTER;
	return pte;
}

static enum pt_entry_kind lpae_kind(const struct pt_cfg *cfg,
				    unsigned int level, u64 pte)
{
	u64 type = pte & LPAE_TYPE_MASK;

	if (!level)
		return type == LPAE_TYPE_PAGE ? PT_ENTRY_LEAF : PT_ENTRY_EMPTY;
	if (type == LPAE_TYPE_TABLE)
		return PT_ENTRY_TABLE;
	/* Block descriptors where the granule has none fault, like 0b00. */
	if (type == LPAE_TYPE_BLOCK && cfg->lvl[level].pgsizes)
		return PT_ENTRY_LEAF;
	return PT_ENTRY_EMPTY;
}

static u64 lpae_leaf_size(const struct pt_cfg *cfg, unsigned int level,
			  u64 pte)
{
	u64 span = 1ULL << cfg->lvl[level].shift;

	return pte & LPAE_CONT ? span * LPAE_CONT_ENTRIES : span;
}

static u64 lpae_entry_pa(const struct pt_cfg *cfg, unsigned int level,
			 u64 pte)
{
	if (lpae_kind(cfg, level, pte) == PT_ENTRY_TABLE)
		return pte & GENMASK_ULL(47, 12);
	/* A contiguous run starts at the run's aligned address. */
	return pte & lpae_oa_mask(cfg, level) &
	       ~(lpae_leaf_size(cfg, level, pte) - 1);
}

static u32 lpae_leaf_prot(const struct pt_cfg *cfg, unsigned int level,
			  u64 pte)
{
	u32 attr = (pte & LPAE_ATTRINDX_MASK) >> LPAE_ATTRINDX_SHIFT;
	u32 prot = PT_PROT_READ;

	if (!(pte & LPAE_AP_RDONLY))
		prot |= PT_PROT_WRITE;
	if (!(pte & LPAE_UXN))
		prot |= PT_PROT_EXEC;
	if (!(pte & LPAE_AP_UNPRIV))
		prot |= PT_PROT_PRIV;
	if (attr == LPAE_ATTR_WB)
		prot |= PT_PROT_CACHE;
	else if (attr == LPAE_ATTR_DEV)
		prot |= PT_PROT_MMIO;
	return prot;
}

static void lpae_regs(const struct pt_cfg *cfg, u64 root_pa,
		      struct pt_hw_regs *regs)
{
	regs->ttbr = root_pa;
	regs->tcr = (64 - cfg->ias) | LPAE_TCR_IRGN0_WBWA |
		    LPAE_TCR_ORGN0_WBWA | LPAE_TCR_SH0_INNER |
		    LPAE_TCR_TG0_4K | LPAE_TCR_EPD1 |
		    (u64)lpae_ips(cfg->oas) << LPAE_TCR_IPS_SHIFT;
	regs->mair = LPAE_MAIR_NC << (8 * LPAE_ATTR_NC) |
		     LPAE_MAIR_WB << (8 * LPAE_ATTR_WB) |
		     LPAE_MAIR_DEV << (8 * LPAE_ATTR_DEV);
}

const struct pt_format pt_fmt_arm64_lpae_s1 = {
	.name = "arm64-lpae-s1",
	.id = PTLAB_FMT_ARM64_LPAE_S1,
	.elf_machine = 183,	/* EM_AARCH64 */
	.init = lpae_init,
	.check_prot = lpae_check_prot,
	.mk_table = lpae_mk_table,
	.mk_leaf = lpae_mk_leaf,
	.kind = lpae_kind,
	.entry_pa = lpae_entry_pa,
	.leaf_prot = lpae_leaf_prot,
	.leaf_size = lpae_leaf_size,
	.regs = lpae_regs,
};
