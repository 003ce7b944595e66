/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PTLAB_FMT_ARM_V7S_H
#define PTLAB_FMT_ARM_V7S_H
/*
 * Armv7 short-descriptor translation tables, as an Arm SMMU context bank in
 * the AArch32 short-descriptor format or a MediaTek M4U walks them.
 * Encodings follow the Arm Architecture Reference Manual, ARMv7-A/R edition,
 * "Short-descriptor translation table format" (B3.5): 32-bit descriptors,
 * a first-level table of 4096 entries of 1MB and second-level tables of 256
 * entries of 4KB (1KB tables).
 *
 * Page sizes: 4KB small pages and 64KB large pages (16 identical
 * second-level entries) at level 0, 1MB sections and 16MB supersections (16
 * identical first-level entries) at level 1.
 *
 * Access permissions use the simplified model (SCTLR.AFE = 1): AP[0] is the
 * access flag, always set; AP[1] grants unprivileged access; AP[2] makes
 * the mapping read-only. Every leaf is shareable (S) and not global (nG), as
 * in an SMMU context with ASIDs. The memory type is TEX[0]:C:B = 0b111
 * (normal write-back write-allocate) for PT_PROT_CACHE, 0b001 (device) for
 * PT_PROT_MMIO and 0b100 (normal non-cacheable) otherwise; TEX[2:1] are 0.
 * Read without TEX remap (SCTLR.TRE = 0) these are the same types, so the
 * tables also suit walkers that never remap.
 *
 * Variants (PT_QUIRK_*, after Linux's io-pgtable-arm-v7s.c):
 *   NS (IO_PGTABLE_QUIRK_ARM_NS): sections and supersections set NS (bit
 *	19), first-level table entries NS (bit 3).
 *   MTK_EXT (IO_PGTABLE_QUIRK_ARM_MTK_EXT with ARM_MTK_TTBR_EXT, and the
 *	NO_PERMS that MTK_EXT requires): a MediaTek M4U. Output addresses
 *	and table addresses up to 35 bits: address bits 32, 33 and 34 in
 *	descriptor bits 9, 4 and 5 of every leaf and first-level table entry
 *	(io-pgtable-arm-v7s.c ARM_V7S_ATTR_MTK_PA_BIT32/33/34, to_mtk_iopte();
 *	supersections carry their address the same way, not in the Arm
 *	extended fields). No permission bits: AP[2:0] and XN stay 0 and the
 *	M4U checks none, so every mapping reads, writes and executes. The
 *	M4U's base register (REG_MMU_PT_BASE_ADDR) takes the table address
 *	with bits 34:32 in bits 2:0 (io-pgtable's "paddr | upper_32_bits
 *	(paddr)"), and it has no TEX remap registers: mair is 0, and TEX[0],
 *	C and B keep their plain meaning (normal write-back, device, normal
 *	non-cacheable, as below).
 *
 * Not supported: the legacy AP[2:0] model, domains (always 0), PXN (never
 * set; a first-level 0b11 descriptor is decoded as a section with PXN),
 * supersection addresses above 4GB without MTK_EXT (output addresses are
 * 32 bits), MediaTek's 34-bit input (IOVA_34_EN).
 *
 * Register values (struct pt_hw_regs):
 * @ttbr: TTBR0: the first-level table's address (bits 31:14-N) with
 *	table-walk attributes for a coherent walker: IRGN = RGN = 0b01
 *	(inner and outer write-back write-allocate; IRGN[0] is bit 6, IRGN[1]
 *	bit 0, RGN bits 4:3), S (bit 1) and NOS (bit 5, inner shareable).
 * @tcr: TTBCR: N = 32 - ias in bits 2:0, EAE = 0. With N > 0 PD1 (bit 5)
 *	is set, so that addresses past the input range fault instead of
 *	being walked through TTBR1.
 * @mair: the TEX remap registers an SMMU context takes with SCTLR.TRE = 1
 *	(they alias its MAIR0/MAIR1): PRRR in bits 31:0, NMRR in bits 63:32.
 *	PRRR: index 1 device, 4 and 7 normal, the rest strongly-ordered;
 *	shareable device and normal memory with S = 1 (DS1, NS1; DS0 too);
 *	index 7 inner shareable (NOS7). NMRR: index 7 inner and outer
 *	write-back write-allocate, the rest non-cacheable.
 */
#include "fmt/pt_formats.h"

#define V7S_SZ_4K		0x1000ULL
#define V7S_SZ_64K		0x10000ULL
#define V7S_SZ_1M		0x100000ULL
#define V7S_SZ_16M		0x1000000ULL

/* Descriptor type, bits [1:0]. */
#define V7S_TYPE_MASK		0x3U
#define V7S_L1_TABLE		0x1U	/* page table */
#define V7S_L1_SECT		0x2U	/* section or supersection */
#define V7S_L1_SECT_PXN		0x3U	/* the same, privileged execute-never */
#define V7S_L2_LARGE		0x1U	/* large page */
#define V7S_L2_SMALL		0x2U	/* small page; bit 0 is its XN */

/* Bits shared by every leaf descriptor. */
#define V7S_B			BIT(2)
#define V7S_C			BIT(3)

/* Section and supersection descriptors. */
#define V7S_SECT_XN		BIT(4)
#define V7S_SECT_AP0		BIT(10)	/* access flag */
#define V7S_SECT_AP1		BIT(11)	/* unprivileged access */
#define V7S_SECT_TEX_SHIFT	12
#define V7S_SECT_AP2		BIT(15)	/* read-only */
#define V7S_SECT_S		BIT(16)
#define V7S_SECT_NG		BIT(17)
#define V7S_SECT_SUPER		BIT(18)
#define V7S_SECT_ADDR		0xfff00000U
#define V7S_SUPER_ADDR		0xff000000U
#define V7S_SUPER_PA35_SHIFT	20	/* PA[35:32] in bits 23:20 */
#define V7S_SUPER_PA39_SHIFT	5	/* PA[39:36] in bits 8:5 */
#define V7S_L1_TABLE_ADDR	0xfffffc00U

/* Large and small page descriptors. */
#define V7S_PAGE_AP0		BIT(4)	/* access flag */
#define V7S_PAGE_AP1		BIT(5)	/* unprivileged access */
#define V7S_PAGE_AP2		BIT(9)	/* read-only */
#define V7S_PAGE_S		BIT(10)
#define V7S_PAGE_NG		BIT(11)
#define V7S_LARGE_TEX_SHIFT	12
#define V7S_LARGE_XN		BIT(15)
#define V7S_LARGE_ADDR		0xffff0000U
#define V7S_SMALL_XN		BIT(0)
#define V7S_SMALL_TEX_SHIFT	6
#define V7S_SMALL_ADDR		0xfffff000U

/* MediaTek M4U: output address bits 32, 33, 34 (MTK_EXT). */
#define V7S_MTK_PA32		BIT(9)
#define V7S_MTK_PA33		BIT(4)
#define V7S_MTK_PA34		BIT(5)
#define V7S_MTK_OAS		35
#define V7S_MTK_TTBR_HI		0x7ULL	/* PT_BASE_ADDR: PA[34:32] */

/* NS of sections and of first-level table entries (ARM_NS). */
#define V7S_SECT_NS		BIT(19)
#define V7S_L1_TABLE_NS		BIT(3)

/* Memory types as TEX remap indices, TEX[0]:C:B. */
#define V7S_IDX_DEVICE		1
#define V7S_IDX_NC		4
#define V7S_IDX_WB		7

/* TTBR0 walk attributes, TTBCR and the TEX remap registers. */
#define V7S_TTBR_IRGN1		BIT(0)
#define V7S_TTBR_S		BIT(1)
#define V7S_TTBR_RGN_WBWA	BIT(3)	/* RGN, bits 4:3, 0b01 */
#define V7S_TTBR_NOS		BIT(5)
#define V7S_TTBR_IRGN0		BIT(6)
#define V7S_TTBCR_PD1		BIT(5)
#define V7S_PRRR_TR(idx, type)	((u32)(type) << (2 * (idx)))
#define V7S_PRRR_DEVICE		1
#define V7S_PRRR_NORMAL		2
#define V7S_PRRR_DS0		BIT(16)
#define V7S_PRRR_DS1		BIT(17)
#define V7S_PRRR_NS1		BIT(19)
#define V7S_PRRR_NOS(idx)	BIT(24 + (idx))
#define V7S_NMRR_WBWA		1
#define V7S_NMRR_IR(idx, rgn)	((u32)(rgn) << (2 * (idx)))
#define V7S_NMRR_OR(idx, rgn)	((u32)(rgn) << (2 * (idx) + 16))

#define V7S_ADDR_BITS		32
#define V7S_MIN_IAS		25	/* TTBCR.N at most 7 */

static inline bool v7s_mtk(const struct pt_cfg *cfg)
{
	return cfg->quirks & PT_QUIRK_ARM_MTK_EXT;
}

static inline int v7s_init(struct pt_cfg *cfg, const struct pt_params *p)
{
	u64 all = V7S_SZ_4K | V7S_SZ_64K | V7S_SZ_1M | V7S_SZ_16M;

	cfg->quirks = p->quirks & (PT_QUIRK_ARM_NS | PT_QUIRK_ARM_MTK_EXT);
	cfg->granule_shift = p->granule_shift ? p->granule_shift : 12;
	cfg->ias = p->ias ? p->ias : V7S_ADDR_BITS;
	cfg->oas = p->oas ? p->oas : v7s_mtk(cfg) ? V7S_MTK_OAS : V7S_ADDR_BITS;
	if (cfg->granule_shift != 12)
		return -EOPNOTSUPP;
	if (cfg->ias < V7S_MIN_IAS || cfg->ias > V7S_ADDR_BITS)
		return -EINVAL;
	/* The M4U takes 32 to 35 bits (io-pgtable: oas <= 35). */
	if (v7s_mtk(cfg) ? cfg->oas < V7S_ADDR_BITS || cfg->oas > V7S_MTK_OAS :
	    cfg->oas != V7S_ADDR_BITS)
		return -EINVAL;

	cfg->levels = 2;
	cfg->entry_shift = 2;
	/* Small pages and sections hold their address bits in place. */
	cfg->leaf_linear = !v7s_mtk(cfg);
	cfg->prot_mask = PT_PROT_ALL;
	/* No permission bits: read, write and execute, any privilege. */
	if (v7s_mtk(cfg))
		cfg->prot_mask = PT_PROT_READ | PT_PROT_WRITE | PT_PROT_EXEC |
				 PT_PROT_CACHE | PT_PROT_MMIO;
	cfg->lvl[0] = (struct pt_level){
		.shift = 12, .index_bits = 8, .pgsizes = V7S_SZ_4K | V7S_SZ_64K,
	};
	/* TTBCR.N shortens the first-level table: 2^(12 - N) entries. */
	cfg->lvl[1] = (struct pt_level){
		.shift = 20, .index_bits = cfg->ias - 20,
		.pgsizes = V7S_SZ_1M | V7S_SZ_16M,
	};
	if (p->pgsize_bitmap & ~all)
		return -EINVAL;
	/* An Arm SMMU driver offers all four sizes. */
	cfg->pgsize_bitmap = p->pgsize_bitmap ? p->pgsize_bitmap : all;
	if (!(cfg->pgsize_bitmap & V7S_SZ_4K))
		return -EINVAL;
	return 0;
}

static inline int v7s_check_prot(const struct pt_cfg *cfg, u32 prot)
{
	/* AP[2:1] cannot express write-only or no-access mappings. */
	if (!(prot & PT_PROT_READ))
		return -EINVAL;
	/* Nor can the M4U anything but everything. */
	if (v7s_mtk(cfg) && (!(prot & PT_PROT_WRITE) || !(prot & PT_PROT_EXEC)))
		return -EINVAL;
	if ((prot & PT_PROT_CACHE) && (prot & PT_PROT_MMIO))
		return -EINVAL;
	return 0;
}

/* MediaTek's address bits 34:32 of @pa, in descriptor bits 9, 4, 5. */
static inline u32 v7s_mtk_bits(const struct pt_cfg *cfg, u64 pa)
{
	if (!v7s_mtk(cfg))
		return 0;
	return (pa & BIT_ULL(32) ? V7S_MTK_PA32 : 0) |
	       (pa & BIT_ULL(33) ? V7S_MTK_PA33 : 0) |
	       (pa & BIT_ULL(34) ? V7S_MTK_PA34 : 0);
}

static inline u64 v7s_mtk_pa(const struct pt_cfg *cfg, u64 pte)
{
	if (!v7s_mtk(cfg))
		return 0;
	return (pte & V7S_MTK_PA32 ? BIT_ULL(32) : 0) |
	       (pte & V7S_MTK_PA33 ? BIT_ULL(33) : 0) |
	       (pte & V7S_MTK_PA34 ? BIT_ULL(34) : 0);
}

static inline u64 v7s_mk_table(const struct pt_cfg *cfg, unsigned int level,
			       u64 table_pa)
{
	/* Domain 0, no PXN for the table. */
	u32 pte = ((u32)table_pa & V7S_L1_TABLE_ADDR) | V7S_L1_TABLE |
		  v7s_mtk_bits(cfg, table_pa);

	if (cfg->quirks & PT_QUIRK_ARM_NS)
		pte |= V7S_L1_TABLE_NS;
	return pte;
}

static inline u32 v7s_mem_index(u32 prot)
{
	if (prot & PT_PROT_CACHE)
		return V7S_IDX_WB;
	if (prot & PT_PROT_MMIO)
		return V7S_IDX_DEVICE;
	return V7S_IDX_NC;
}

/* C and B of a memory type index, and TEX[0] at @tex_shift. */
static inline u32 v7s_mem_bits(u32 idx, unsigned int tex_shift)
{
	return (idx & 1 ? V7S_B : 0) | (idx & 2 ? V7S_C : 0) |
	       (idx >> 2) << tex_shift;
}

static inline u32 v7s_mk_section(const struct pt_cfg *cfg, u64 pa, bool super,
				 u32 prot)
{
	u32 pte = V7S_L1_SECT | V7S_SECT_S | V7S_SECT_NG |
		  v7s_mem_bits(v7s_mem_index(prot), V7S_SECT_TEX_SHIFT);

	if (cfg->quirks & PT_QUIRK_ARM_NS)
		pte |= V7S_SECT_NS;
	/* Every entry of a supersection holds the supersection's address. */
	if (v7s_mtk(cfg) && super)
		return pte | V7S_SECT_SUPER | ((u32)pa & V7S_SUPER_ADDR) |
		       v7s_mtk_bits(cfg, pa);
	if (v7s_mtk(cfg))
		return pte | ((u32)pa & V7S_SECT_ADDR) | v7s_mtk_bits(cfg, pa);
	pte |= V7S_SECT_AP0;
	if (!(prot & PT_PROT_PRIV))
		pte |= V7S_SECT_AP1;
	if (!(prot & PT_PROT_WRITE))
		pte |= V7S_SECT_AP2;
	if (!(prot & PT_PROT_EXEC))
		pte |= V7S_SECT_XN;
	if (!super)
		return pte | ((u32)pa & V7S_SECT_ADDR);
	/* Every entry of a supersection holds the supersection's address. */
	return pte | V7S_SECT_SUPER | ((u32)pa & V7S_SUPER_ADDR) |
	       (u32)((pa >> 32) & 0xf) << V7S_SUPER_PA35_SHIFT |
	       (u32)((pa >> 36) & 0xf) << V7S_SUPER_PA39_SHIFT;
}

static inline u32 v7s_mk_page(const struct pt_cfg *cfg, u64 pa, bool large,
			      u32 prot)
{
	u32 idx = v7s_mem_index(prot);
	u32 pte = V7S_PAGE_S | V7S_PAGE_NG;
	bool perms = !v7s_mtk(cfg);

	pte |= v7s_mtk_bits(cfg, pa);
	if (perms) {
		pte |= V7S_PAGE_AP0;
		if (!(prot & PT_PROT_PRIV))
			pte |= V7S_PAGE_AP1;
		if (!(prot & PT_PROT_WRITE))
			pte |= V7S_PAGE_AP2;
	}
	if (large) {
		/* Every entry of a large page holds the large page's address. */
		pte |= V7S_L2_LARGE | v7s_mem_bits(idx, V7S_LARGE_TEX_SHIFT) |
		       ((u32)pa & V7S_LARGE_ADDR);
		if (perms && !(prot & PT_PROT_EXEC))
			pte |= V7S_LARGE_XN;
		return pte;
	}
	pte |= V7S_L2_SMALL | v7s_mem_bits(idx, V7S_SMALL_TEX_SHIFT) |
	       ((u32)pa & V7S_SMALL_ADDR);
	if (perms && !(prot & PT_PROT_EXEC))
		pte |= V7S_SMALL_XN;
	return pte;
}

static inline u64 v7s_mk_leaf(const struct pt_cfg *cfg, unsigned int level, u64 pa,
			      u64 pgsize, u32 prot)
{
	bool multi = pgsize != 1ULL << cfg->lvl[level].shift;

	if (level)
		return v7s_mk_section(cfg, pa, multi, prot);
	return v7s_mk_page(cfg, pa, multi, prot);
}

static inline enum pt_entry_kind v7s_kind(const struct pt_cfg *cfg,
					  unsigned int level, u64 pte)
{
	u32 type = (u32)pte & V7S_TYPE_MASK;

	if (!type)
		return PT_ENTRY_EMPTY;	/* a translation fault */
	if (level && type == V7S_L1_TABLE)
		return PT_ENTRY_TABLE;
	return PT_ENTRY_LEAF;
}

static inline u64 v7s_leaf_size(const struct pt_cfg *cfg, unsigned int level,
				u64 pte)
{
	if (level)
		return pte & V7S_SECT_SUPER ? V7S_SZ_16M : V7S_SZ_1M;
	return (pte & V7S_TYPE_MASK) == V7S_L2_LARGE ? V7S_SZ_64K : V7S_SZ_4K;
}

static inline u64 v7s_entry_pa(const struct pt_cfg *cfg, unsigned int level,
			       u64 pte)
{
	u32 type = (u32)pte & V7S_TYPE_MASK;

	if (!level)
		return (pte & (type == V7S_L2_LARGE ? V7S_LARGE_ADDR :
			       V7S_SMALL_ADDR)) | v7s_mtk_pa(cfg, pte);
	if (type == V7S_L1_TABLE)
		return (pte & V7S_L1_TABLE_ADDR) | v7s_mtk_pa(cfg, pte);
	if (v7s_mtk(cfg))
		return (pte & (pte & V7S_SECT_SUPER ? V7S_SUPER_ADDR :
			       V7S_SECT_ADDR)) | v7s_mtk_pa(cfg, pte);
	if (!(pte & V7S_SECT_SUPER))
		return pte & V7S_SECT_ADDR;
	return (pte & V7S_SUPER_ADDR) |
	       ((pte >> V7S_SUPER_PA35_SHIFT) & 0xf) << 32 |
	       ((pte >> V7S_SUPER_PA39_SHIFT) & 0xf) << 36;
}

/*
 * The memory type, read through the PRRR and NMRR that v7s_regs() reports:
 * index 7 is write-back, 4 non-cacheable, anything else device or
 * strongly-ordered.
 */
static inline u32 v7s_mem_prot(u32 pte, unsigned int tex_shift)
{
	u32 idx = ((pte >> tex_shift) & 1) << 2 | (pte & V7S_C ? 2 : 0) |
		  (pte & V7S_B ? 1 : 0);

	if (idx == V7S_IDX_WB)
		return PT_PROT_CACHE;
	if (idx == V7S_IDX_NC)
		return 0;
	return PT_PROT_MMIO;
}

static inline u32 v7s_leaf_prot(const struct pt_cfg *cfg, unsigned int level,
				u64 pte)
{
	u32 type = (u32)pte & V7S_TYPE_MASK;
	u32 prot = PT_PROT_READ;
	bool xn;

	if (v7s_mtk(cfg)) {
		prot |= PT_PROT_WRITE | PT_PROT_EXEC;
		if (level)
			return prot | v7s_mem_prot(pte, V7S_SECT_TEX_SHIFT);
		return prot | v7s_mem_prot(pte, type == V7S_L2_LARGE ?
					   V7S_LARGE_TEX_SHIFT :
					   V7S_SMALL_TEX_SHIFT);
	}
	if (level) {
		if (!(pte & V7S_SECT_AP2))
			prot |= PT_PROT_WRITE;
		if (!(pte & V7S_SECT_AP1))
			prot |= PT_PROT_PRIV;
		/* PXN alone still forbids execution at one privilege. */
		xn = (pte & V7S_SECT_XN) || type == V7S_L1_SECT_PXN;
		prot |= v7s_mem_prot(pte, V7S_SECT_TEX_SHIFT);
	} else {
		if (!(pte & V7S_PAGE_AP2))
			prot |= PT_PROT_WRITE;
		if (!(pte & V7S_PAGE_AP1))
			prot |= PT_PROT_PRIV;
		if (type == V7S_L2_LARGE) {
			xn = pte & V7S_LARGE_XN;
			prot |= v7s_mem_prot(pte, V7S_LARGE_TEX_SHIFT);
		} else {
			xn = pte & V7S_SMALL_XN;
			prot |= v7s_mem_prot(pte, V7S_SMALL_TEX_SHIFT);
		}
	}
	if (!xn)
		prot |= PT_PROT_EXEC;
	return prot;
}

static inline void v7s_regs(const struct pt_cfg *cfg, u64 root_pa,
			    struct pt_hw_regs *regs)
{
	u32 n = V7S_ADDR_BITS - cfg->ias;
	u32 prrr, nmrr;

	if (v7s_mtk(cfg)) {
		regs->ttbr = (root_pa & GENMASK_ULL(31, 0)) |
			     ((root_pa >> 32) & V7S_MTK_TTBR_HI);
		regs->tcr = n | (n ? V7S_TTBCR_PD1 : 0);
		regs->mair = 0;
		return;
	}
	regs->ttbr = root_pa | V7S_TTBR_IRGN0 | V7S_TTBR_RGN_WBWA |
		     V7S_TTBR_S | V7S_TTBR_NOS;
	regs->tcr = n | (n ? V7S_TTBCR_PD1 : 0);
	prrr = V7S_PRRR_TR(V7S_IDX_DEVICE, V7S_PRRR_DEVICE) |
	       V7S_PRRR_TR(V7S_IDX_NC, V7S_PRRR_NORMAL) |
	       V7S_PRRR_TR(V7S_IDX_WB, V7S_PRRR_NORMAL) |
	       V7S_PRRR_DS0 | V7S_PRRR_DS1 | V7S_PRRR_NS1 |
	       V7S_PRRR_NOS(V7S_IDX_WB);
	nmrr = V7S_NMRR_IR(V7S_IDX_WB, V7S_NMRR_WBWA) |
	       V7S_NMRR_OR(V7S_IDX_WB, V7S_NMRR_WBWA);
	regs->mair = (u64)nmrr << 32 | prrr;
}

#endif /* PTLAB_FMT_ARM_V7S_H */
