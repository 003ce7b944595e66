/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PTLAB_FMT_APPLE_H
#define PTLAB_FMT_APPLE_H
/*
 * Apple's IOMMU (DART) and GPU MMU (UAT) page tables. Apple publishes no
 * specification of either: the facts below are those the Linux drivers
 * rely on (drivers/iommu/io-pgtable-dart.c and apple-dart.c; the Asahi GPU
 * driver's pgtable.rs and mmu.rs).
 *
 * Both use a 16KB granule: every table is one 16KB page of 2048 8-byte
 * entries, the top-level one included (the hardware takes its address from
 * a register that holds a 16KB-aligned address), and the only leaves are
 * 16KB pages at the last level.
 */
#include "fmt/pt_formats.h"

#define APPLE_GRANULE_SHIFT	14
#define APPLE_SZ_16K		BIT_ULL(APPLE_GRANULE_SHIFT)
#define APPLE_INDEX_BITS	11	/* 16KB of 8-byte entries */

/* Every table a full 16KB page; shifts 14, 25, 36. */
static inline void apple_geometry(struct pt_cfg *cfg, unsigned int levels)
{
	unsigned int level;

	cfg->levels = levels;
	cfg->entry_shift = 3;
	for (level = 0; level < levels; level++) {
		cfg->lvl[level].shift = APPLE_GRANULE_SHIFT +
					level * APPLE_INDEX_BITS;
		cfg->lvl[level].index_bits = APPLE_INDEX_BITS;
	}
	cfg->lvl[0].pgsizes = APPLE_SZ_16K;
}

static inline int apple_pgsizes(struct pt_cfg *cfg, const struct pt_params *p)
{
	if (p->pgsize_bitmap && p->pgsize_bitmap != APPLE_SZ_16K)
		return -EINVAL;
	cfg->pgsize_bitmap = APPLE_SZ_16K;
	return 0;
}

/*
 * DART
 *
 * Two generations of entries, told apart by the output size:
 * - oas 36, "DART1" (t8020, M1): the address in place in bits 35:12;
 *   NO_READ bit 8, NO_WRITE bit 7, subpage protection disable bit 1.
 * - oas 42, "DART2" (t6000, t8110 and later): the address shifted right by
 *   4 in bits 37:10 (so PA bits 41:14); NO_READ bit 3, NO_WRITE bit 2,
 *   NO_CACHE bit 1.
 * Both: valid bit 0; a leaf's subpage window, start in bits 63:52 and end
 * in bits 51:40, set to the whole page (0 to 0xfff). A table entry is the
 * next table's address, encoded like a page's, with the valid bit.
 *
 * Two levels translate 36 bits; DART2 hardware with a wider IOVA space
 * (t8110 "four-level" mode, counting the TTBR as a level) walks three,
 * up to ias 42 here. 4KB-granule DARTs split their space over up to four
 * TTBRs, which one tree here cannot model: granule 12 is refused.
 *
 * PT_PROT_READ and PT_PROT_WRITE are the NO_READ and NO_WRITE bits; DART2
 * also expresses PT_PROT_CACHE (NO_CACHE clear). There is no execute,
 * privilege or device-memory attribute.
 *
 * Register values (struct pt_hw_regs), as the Linux driver writes them:
 * @ttbr: DART1, the t8020 TTBR: BIT(31) valid | root >> 12. DART2, the
 *	t8110 TTBR: (root >> 14) << 2 | BIT(0) valid. (A t6000 takes DART2
 *	tables through t8020-style registers: BIT(31) | root >> 12.)
 * @tcr: the stream's TCR with translation enabled: t8020 BIT(7); t8110
 *	BIT(0), with BIT(3) (four-level walk) for a three-table tree.
 * @mair: 0, the DART has no memory attribute register.
 */
#define DART_VALID		BIT_ULL(0)
#define DART_SP_END_ALL		GENMASK_ULL(51, 40)	/* end 0xfff, start 0 */

#define DART1_OAS		36
#define DART1_PA_MASK		GENMASK_ULL(35, APPLE_GRANULE_SHIFT)
#define DART1_NO_READ		BIT_ULL(8)
#define DART1_NO_WRITE		BIT_ULL(7)
#define DART1_SP_DIS		BIT_ULL(1)

#define DART2_OAS		42
#define DART2_PA_SHIFT		4
#define DART2_PA_MASK		GENMASK_ULL(41, APPLE_GRANULE_SHIFT)
#define DART2_NO_READ		BIT_ULL(3)
#define DART2_NO_WRITE		BIT_ULL(2)
#define DART2_NO_CACHE		BIT_ULL(1)

#define DART_MIN_IAS		25	/* at least one first-level entry */
#define DART_2LEVEL_IAS		36	/* 14 + 2 * 11 */

#define DART_T8020_TTBR_VALID	BIT_ULL(31)
#define DART_T8020_TTBR_SHIFT	12
#define DART_T8020_TCR_ENABLE	BIT_ULL(7)
#define DART_T8110_TTBR_VALID	BIT_ULL(0)
#define DART_T8110_TTBR_SHIFT	14
#define DART_T8110_TTBR_FIELD	2
#define DART_T8110_TCR_ENABLE	BIT_ULL(0)
#define DART_T8110_TCR_4LEVEL	BIT_ULL(3)

static inline bool dart_is_v1(const struct pt_cfg *cfg)
{
	return cfg->oas == DART1_OAS;
}

static inline int dart_init(struct pt_cfg *cfg, const struct pt_params *p)
{
	cfg->granule_shift = p->granule_shift ? p->granule_shift :
			     APPLE_GRANULE_SHIFT;
	cfg->ias = p->ias ? p->ias : 32;
	cfg->oas = p->oas ? p->oas : DART1_OAS;
	if (cfg->granule_shift != APPLE_GRANULE_SHIFT)
		return -EOPNOTSUPP;
	if (cfg->oas != DART1_OAS && cfg->oas != DART2_OAS)
		return -EINVAL;
	/* As the Linux driver requires: IOVAs no wider than addresses. */
	if (cfg->ias < DART_MIN_IAS || cfg->ias > cfg->oas)
		return -EINVAL;

	apple_geometry(cfg, cfg->ias > DART_2LEVEL_IAS ? 3 : 2);
	/* Address bits in place (t8020), or shifted right by 4 (t8110). */
	cfg->leaf_linear = true;
	cfg->leaf_oa_shift = dart_is_v1(cfg) ? 0 : DART2_PA_SHIFT;
	cfg->prot_mask = PT_PROT_READ | PT_PROT_WRITE;
	if (!dart_is_v1(cfg))
		cfg->prot_mask |= PT_PROT_CACHE;
	return apple_pgsizes(cfg, p);
}

static inline int dart_check_prot(const struct pt_cfg *cfg, u32 prot)
{
	/* Write-only works; a mapping without any access does not. */
	if (!(prot & (PT_PROT_READ | PT_PROT_WRITE)))
		return -EINVAL;
	return 0;
}

static inline u64 dart_pa_field(const struct pt_cfg *cfg, u64 pa)
{
	if (dart_is_v1(cfg))
		return pa & DART1_PA_MASK;
	return (pa & DART2_PA_MASK) >> DART2_PA_SHIFT;
}

static inline u64 dart_mk_table(const struct pt_cfg *cfg, unsigned int level,
				u64 table_pa)
{
	return dart_pa_field(cfg, table_pa) | DART_VALID;
}

static inline u64 dart_mk_leaf(const struct pt_cfg *cfg, unsigned int level, u64 pa,
			       u64 pgsize, u32 prot)
{
	u64 pte = dart_pa_field(cfg, pa) | DART_SP_END_ALL | DART_VALID;

	if (dart_is_v1(cfg)) {
		pte |= DART1_SP_DIS;
		if (!(prot & PT_PROT_READ))
			pte |= DART1_NO_READ;
		if (!(prot & PT_PROT_WRITE))
			pte |= DART1_NO_WRITE;
		return pte;
	}
	if (!(prot & PT_PROT_READ))
		pte |= DART2_NO_READ;
	if (!(prot & PT_PROT_WRITE))
		pte |= DART2_NO_WRITE;
	if (!(prot & PT_PROT_CACHE))
		pte |= DART2_NO_CACHE;
	return pte;
}

static inline enum pt_entry_kind dart_kind(const struct pt_cfg *cfg,
					   unsigned int level, u64 pte)
{
	if (!(pte & DART_VALID))
		return PT_ENTRY_EMPTY;
	return level ? PT_ENTRY_TABLE : PT_ENTRY_LEAF;
}

static inline u64 dart_entry_pa(const struct pt_cfg *cfg, unsigned int level,
				u64 pte)
{
	if (dart_is_v1(cfg))
		return pte & DART1_PA_MASK;
	return (pte << DART2_PA_SHIFT) & DART2_PA_MASK;
}

static inline u32 dart_leaf_prot(const struct pt_cfg *cfg, unsigned int level,
				 u64 pte)
{
	u32 prot = 0;

	if (dart_is_v1(cfg)) {
		if (!(pte & DART1_NO_READ))
			prot |= PT_PROT_READ;
		if (!(pte & DART1_NO_WRITE))
			prot |= PT_PROT_WRITE;
		return prot;
	}
	if (!(pte & DART2_NO_READ))
		prot |= PT_PROT_READ;
	if (!(pte & DART2_NO_WRITE))
		prot |= PT_PROT_WRITE;
	if (!(pte & DART2_NO_CACHE))
		prot |= PT_PROT_CACHE;
	return prot;
}

static inline void dart_regs(const struct pt_cfg *cfg, u64 root_pa,
			     struct pt_hw_regs *regs)
{
	if (dart_is_v1(cfg)) {
		regs->ttbr = DART_T8020_TTBR_VALID |
			     root_pa >> DART_T8020_TTBR_SHIFT;
		regs->tcr = DART_T8020_TCR_ENABLE;
	} else {
		regs->ttbr = (root_pa >> DART_T8110_TTBR_SHIFT) <<
			     DART_T8110_TTBR_FIELD | DART_T8110_TTBR_VALID;
		regs->tcr = DART_T8110_TCR_ENABLE;
		if (cfg->levels > 2)
			regs->tcr |= DART_T8110_TCR_4LEVEL;
	}
	regs->mair = 0;
}

/*
 * UAT
 *
 * The Apple GPU's MMU walks Arm VMSAv8-64-like descriptors with a 16KB
 * granule: three levels for a 39-bit input space (the GPU's TTBR0 half),
 * table and page descriptors both 0b11 in bits 1:0, the address in bits
 * oas-1:14. A page sets AF (bit 10), nG (bit 11: the tree is a per-context
 * one, tagged with an ASID), AttrIndx (bits 4:2: 0 cached, 1 device,
 * 2 uncached), AP[2:1] (bits 7:6) and, in the upper attributes, bit 55
 * (GPU access) and bits 53 (PXN) and 54 (UXN), which Apple reuses as
 * permission bits. The combinations the Asahi driver uses:
 *
 *	AP	UXN PXN	meaning
 *	0	 x   y	firmware and GPU; PXN = read, UXN = write
 *	1	 0   0	firmware read-only
 *	1	 1   0	firmware read-write
 *	1	 1   1	firmware read-write, GPU read-only
 *	1	 0   1	no access
 *	2	 0   0	GPU read-only
 *	2	 0   1	GPU write-only
 *	2	 1   0	GPU read-write
 *	2	 1   1	no access
 *
 * Here a mapping without PT_PROT_PRIV is a GPU one (AP 2) and one with it a
 * firmware one (AP 1, readable). PT_PROT_CACHE selects AttrIndx 0,
 * PT_PROT_MMIO 1, neither 2. Block descriptors (0b01) are never written by
 * the driver and read as invalid here. AP 0 and AP 1 UXN PXN entries,
 * which this format never writes, decode as well as the prot bits allow
 * (the firmware read-write, GPU read-only one as firmware read-write).
 *
 * Register values (struct pt_hw_regs):
 * @ttbr: the value the driver stores as TTBR0 in the context's slot of the
 *	firmware-shared TTB array: root | BIT(0) valid; the ASID, bits 63:48,
 *	is the slot the context is bound to and left 0 here.
 * @tcr: 0: the GPU firmware, not the driver, programs the translation
 *	control.
 * @mair: 0, likewise (AttrIndx 0, 1 and 2 are the firmware's choice).
 */
#define UAT_IAS			39
#define UAT_LEVELS		3
#define UAT_TYPE_MASK		0x3ULL
#define UAT_TYPE_TABLE_PAGE	0x3ULL
#define UAT_ATTR_SHIFT		2
#define UAT_ATTR_MASK		(0x7ULL << UAT_ATTR_SHIFT)
#define UAT_ATTR_CACHED		0
#define UAT_ATTR_DEVICE		1
#define UAT_ATTR_UNCACHED	2
#define UAT_AP_SHIFT		6
#define UAT_AP_MASK		(0x3ULL << UAT_AP_SHIFT)
#define UAT_AP_FW_GPU		0
#define UAT_AP_FW		1
#define UAT_AP_GPU		2
#define UAT_AF			BIT_ULL(10)
#define UAT_NG			BIT_ULL(11)
#define UAT_PXN			BIT_ULL(53)
#define UAT_UXN			BIT_ULL(54)
#define UAT_GPU_ACCESS		BIT_ULL(55)
#define UAT_TTBR_VALID		BIT_ULL(0)

static inline int uat_init(struct pt_cfg *cfg, const struct pt_params *p)
{
	cfg->granule_shift = p->granule_shift ? p->granule_shift :
			     APPLE_GRANULE_SHIFT;
	cfg->ias = p->ias ? p->ias : UAT_IAS;
	/* M1 (t8103) GPUs output 40 bits, M1 Pro/Max/Ultra 42. */
	cfg->oas = p->oas ? p->oas : 40;
	if (cfg->granule_shift != APPLE_GRANULE_SHIFT)
		return -EOPNOTSUPP;
	if (cfg->ias != UAT_IAS ||
	    (cfg->oas != 36 && cfg->oas != 40 && cfg->oas != 42))
		return -EINVAL;

	apple_geometry(cfg, UAT_LEVELS);
	cfg->leaf_linear = true;	/* address bits in place */
	cfg->prot_mask = PT_PROT_READ | PT_PROT_WRITE | PT_PROT_PRIV |
			 PT_PROT_CACHE | PT_PROT_MMIO;
	return apple_pgsizes(cfg, p);
}

static inline int uat_check_prot(const struct pt_cfg *cfg, u32 prot)
{
	if (!(prot & (PT_PROT_READ | PT_PROT_WRITE)))
		return -EINVAL;
	/* The firmware combinations all include read access. */
	if ((prot & PT_PROT_PRIV) && !(prot & PT_PROT_READ))
		return -EINVAL;
	if ((prot & PT_PROT_CACHE) && (prot & PT_PROT_MMIO))
		return -EINVAL;
	return 0;
}

static inline u64 uat_pa_mask(const struct pt_cfg *cfg)
{
	return GENMASK_ULL(cfg->oas - 1, APPLE_GRANULE_SHIFT);
}

static inline u64 uat_mk_table(const struct pt_cfg *cfg, unsigned int level,
			       u64 table_pa)
{
	return (table_pa & uat_pa_mask(cfg)) | UAT_TYPE_TABLE_PAGE;
}

static inline u64 uat_mk_leaf(const struct pt_cfg *cfg, unsigned int level, u64 pa,
			      u64 pgsize, u32 prot)
{
	u64 pte = (pa & uat_pa_mask(cfg)) | UAT_TYPE_TABLE_PAGE | UAT_AF |
		  UAT_NG | UAT_GPU_ACCESS;
	bool r = prot & PT_PROT_READ, w = prot & PT_PROT_WRITE;

	if (prot & PT_PROT_CACHE)
		pte |= (u64)UAT_ATTR_CACHED << UAT_ATTR_SHIFT;
	else if (prot & PT_PROT_MMIO)
		pte |= (u64)UAT_ATTR_DEVICE << UAT_ATTR_SHIFT;
	else
		pte |= (u64)UAT_ATTR_UNCACHED << UAT_ATTR_SHIFT;

	if (prot & PT_PROT_PRIV) {
		/* Firmware read-only (0, 0) or read-write (UXN). */
		pte |= (u64)UAT_AP_FW << UAT_AP_SHIFT;
		if (w)
			pte |= UAT_UXN;
		return pte;
	}
	/* GPU read-only (0, 0), write-only (PXN) or read-write (UXN). */
	pte |= (u64)UAT_AP_GPU << UAT_AP_SHIFT;
	if (r && w)
		pte |= UAT_UXN;
	else if (w)
		pte |= UAT_PXN;
	return pte;
}

static inline enum pt_entry_kind uat_kind(const struct pt_cfg *cfg,
					  unsigned int level, u64 pte)
{
	if ((pte & UAT_TYPE_MASK) != UAT_TYPE_TABLE_PAGE)
		return PT_ENTRY_EMPTY;
	return level ? PT_ENTRY_TABLE : PT_ENTRY_LEAF;
}

static inline u64 uat_entry_pa(const struct pt_cfg *cfg, unsigned int level,
			       u64 pte)
{
	return pte & uat_pa_mask(cfg);
}

static inline u32 uat_leaf_prot(const struct pt_cfg *cfg, unsigned int level,
				u64 pte)
{
	u32 attr = (pte & UAT_ATTR_MASK) >> UAT_ATTR_SHIFT;
	bool uxn = pte & UAT_UXN, pxn = pte & UAT_PXN;
	u32 prot = 0;

	switch ((pte & UAT_AP_MASK) >> UAT_AP_SHIFT) {
	case UAT_AP_FW_GPU:
		prot = (pxn ? PT_PROT_READ : 0) | (uxn ? PT_PROT_WRITE : 0);
		break;
	case UAT_AP_FW:
		prot = PT_PROT_PRIV;
		if (uxn)
			prot |= PT_PROT_READ | PT_PROT_WRITE;
		else if (!pxn)
			prot |= PT_PROT_READ;
		break;
	case UAT_AP_GPU:
		if (uxn && !pxn)
			prot = PT_PROT_READ | PT_PROT_WRITE;
		else if (pxn && !uxn)
			prot = PT_PROT_WRITE;
		else if (!pxn)
			prot = PT_PROT_READ;
		break;
	}
	if (attr == UAT_ATTR_CACHED)
		prot |= PT_PROT_CACHE;
	else if (attr == UAT_ATTR_DEVICE)
		prot |= PT_PROT_MMIO;
	return prot;
}

static inline void uat_regs(const struct pt_cfg *cfg, u64 root_pa,
			    struct pt_hw_regs *regs)
{
	regs->ttbr = root_pa | UAT_TTBR_VALID;
	regs->tcr = 0;
	regs->mair = 0;
}

#endif /* PTLAB_FMT_APPLE_H */
