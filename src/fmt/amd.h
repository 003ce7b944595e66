/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PTLAB_FMT_AMD_H
#define PTLAB_FMT_AMD_H
/*
 * AMD IOMMU v1 host page tables: the tables a device table entry (DTE) points
 * at for host (GPA/IOVA to SPA) translation. Encodings follow the AMD I/O
 * Virtualization Technology (IOMMU) Specification, publication 48882,
 * section 2.2.3 "I/O Page Tables for Host Translations": the I/O page
 * directory entry (PDE) and page table entry (PTE) formats, Table 14
 * "Example Page Size Encodings" and Table 15 "Page Table Level Parameters".
 *
 * One 8-byte entry format serves every level:
 *   [0]     PR, present
 *   [11:9]  Next Level: 1-6 the AMD level of the table the address points
 *           at (a PDE), 0 a page of the level's default size, 7 a page
 *           whose size is encoded in the address field (both PTEs)
 *   [51:12] next table address or page address
 *   [58:52] reserved in a PTE; [60:52] reserved in a PDE
 *   [59]    U, untranslated access only (PTE; never set here)
 *   [60]    FC, force coherent (PTE)
 *   [61]    IR, read permission; [62] IW, write permission
 * Bits 8:1 (ignored, A, D) and 63 are ignored by the walk.
 *
 * AMD numbers levels from the leaf table as 1 to 6; the engine numbers them
 * from 0, so AMD level N is our level N - 1 and a PDE at our level L that
 * points at the next level down holds Next Level = L. The DTE Mode field
 * (1-6) is the number of levels; each level translates 9 IOVA bits above
 * the 12-bit page offset and the level-6 table the remaining 7 (63:57).
 *
 * Page sizes. A PTE with Next Level 0 maps its level's default size: 4K,
 * 2M, 1G, 512G or 256T for AMD levels 1-5; Table 15 gives the level-6
 * table no PTEs. A PTE with Next Level 7 maps a larger power of two: the
 * run of ones from address bit 12 up tells it, a page of 2^k bytes setting
 * bits k-2:12 and clearing bit k-1 (Table 14: 8K has bit 12 clear, 16K bit
 * 12 set and bit 13 clear, ...). Such a page is written in the table of the
 * level whose default size is just below it, as 2^k / default identical
 * copies, one in every entry it covers (so 8K-1M pages live in the level-1
 * table, 4M-512M in the level-2 table, ...); a page as large as a whole
 * entry of the next level up is written there with Next Level 0 instead.
 * A page at a level's default size must use Next Level 0: Linux's AMD
 * driver found that IOMMUv2 hardware does not accept 7 there, and the
 * encoding cannot express 4K at all (bit 12 clear already means 8K).
 * Sizes stop at 2^51 (bit 50 clear), as in Linux: a 2^52 page would be the
 * whole 52-bit physical address space.
 *
 * Permissions. IR and IW of the DTE and of every PDE and PTE on the walk
 * are ANDed (section 2.2.3). Table entries here set both, so the leaf
 * decides. Write-only mappings (IW without IR) are expressible. FC makes
 * the IOMMU force the access to snoop the processor caches whatever the
 * request's no-snoop attribute says: PT_PROT_CACHE. There is no execute,
 * privilege or memory-type control in these tables (the no-execute and
 * user/supervisor controls belong to guest tables), so EXEC, PRIV and
 * MMIO are not in the prot mask.
 *
 * Level skipping. A PDE's Next Level may name any lower level, and the
 * walk skips the levels in between; the IOVA bits that would index the
 * skipped levels must be zero (the IOMMU reports an I/O page fault
 * otherwise). This format never writes such PDEs but decodes them in
 * table_level() for tables built elsewhere.
 *
 * Registers (struct pt_hw_regs):
 *   ttbr  the DTE Host Page Table Root Pointer (DTE bits 51:12), the
 *         physical address of the top-level table
 *   tcr   the DTE Mode field (DTE bits 11:9): the number of levels, 1-6;
 *         with dirty tracking, HAD = 0b11 in bits 8:7 (its DTE position)
 *   mair  0: the format has no memory-attribute register
 */
#include "engine/pt_engine.h"
#include "fmt/pt_formats.h"

#define AMD_PR			BIT_ULL(0)
#define AMD_NL_SHIFT		9
#define AMD_NL_MASK		GENMASK_ULL(11, 9)
#define AMD_ADDR_MASK		GENMASK_ULL(51, 12)
#define AMD_PTE_RSVD		GENMASK_ULL(58, 52)
#define AMD_PDE_RSVD		GENMASK_ULL(60, 52)
#define AMD_FC			BIT_ULL(60)
#define AMD_IR			BIT_ULL(61)
#define AMD_IW			BIT_ULL(62)

/* Next Level values of PTEs. */
#define AMD_NL_DEFAULT		0
#define AMD_NL_SIZED		7

#define AMD_GRANULE_SHIFT	12
#define AMD_BITS_PER_LEVEL	9
/* AMD levels 1-5 (ours 0-4) hold PTEs; Table 15 gives level 6 none. */
#define AMD_LEAF_LEVELS		5
/* The largest page: 2^51, bit 50 clear (see above). */
#define AMD_MAX_PAGE_SHIFT	51
#define AMD_MIN_IAS		21
#define AMD_MAX_IAS		64
#define AMD_MIN_OAS		32
#define AMD_MAX_OAS		52

/*
 * What Linux's AMD driver advertises for v1 tables (AMD_IOMMU_PGSIZES in
 * drivers/iommu/amd/amd_iommu_types.h): every power of two from 4K to
 * 2^51 but 512G, which it avoids because of a hardware erratum.
 */
#define AMD_DEFAULT_PGSIZES	(GENMASK_ULL(AMD_MAX_PAGE_SHIFT, 12) & \
				 ~BIT_ULL(39))

static inline unsigned int amd_next_level(u64 pte)
{
	return (pte & AMD_NL_MASK) >> AMD_NL_SHIFT;
}

/* A PDE names a table: any Next Level but the two PTE encodings. */
static inline bool amd_is_pde(u64 pte)
{
	unsigned int nl = amd_next_level(pte);

	return nl != AMD_NL_DEFAULT && nl != AMD_NL_SIZED;
}

/*
 * Page sizes the table at @level can hold: its default size and, with
 * Next Level 7, every power of two up to 256 of its entries (half the
 * table, below the next level's default size), limited to what the
 * address field encodes and to the entries the table has here.
 */
static inline u64 amd_level_pgsizes(unsigned int shift, unsigned int index_bits)
{
	unsigned int top = shift + AMD_BITS_PER_LEVEL - 1;

	if (top > shift + index_bits)
		top = shift + index_bits;
	if (top > AMD_MAX_PAGE_SHIFT)
		top = AMD_MAX_PAGE_SHIFT;
	return GENMASK_ULL(top, shift);
}

static inline int amd_init(struct pt_cfg *cfg, const struct pt_params *p)
{
	unsigned int level;
	u64 all = 0;

	cfg->granule_shift = p->granule_shift ? p->granule_shift :
			     AMD_GRANULE_SHIFT;
	cfg->ias = p->ias ? p->ias : 48;
	cfg->oas = p->oas ? p->oas : AMD_MAX_OAS;
	if (cfg->granule_shift != AMD_GRANULE_SHIFT)
		return -EOPNOTSUPP;
	if (cfg->ias < AMD_MIN_IAS || cfg->ias > AMD_MAX_IAS ||
	    cfg->oas < AMD_MIN_OAS || cfg->oas > AMD_MAX_OAS)
		return -EINVAL;

	cfg->entry_shift = 3;
	/* One-entry leaves (Next Level 0) hold address bits 51:12 in place. */
	cfg->leaf_linear = true;
	cfg->prot_mask = PT_PROT_READ | PT_PROT_WRITE | PT_PROT_CACHE;
	/* DTE Mode 1-6: enough 9-bit levels to cover ias. */
	cfg->levels = (cfg->ias - AMD_GRANULE_SHIFT + AMD_BITS_PER_LEVEL - 1) /
		      AMD_BITS_PER_LEVEL;
	for (level = 0; level < cfg->levels; level++) {
		struct pt_level *lvl = &cfg->lvl[level];
		unsigned int shift = AMD_GRANULE_SHIFT +
				     level * AMD_BITS_PER_LEVEL;

		unsigned int bits = cfg->ias - shift < AMD_BITS_PER_LEVEL ?
				    cfg->ias - shift : AMD_BITS_PER_LEVEL;

		lvl->shift = shift;
		/*
		 * Every table is a whole 4K page, the top one too: the DTE's
		 * root pointer holds address bits 51:12 only. A top level
		 * that translates fewer than 9 bits leaves the rest unused.
		 */
		lvl->index_bits = AMD_BITS_PER_LEVEL;
		if (level < AMD_LEAF_LEVELS)
			lvl->pgsizes = amd_level_pgsizes(shift, bits);
		all |= lvl->pgsizes;
	}
	if (p->pgsize_bitmap & ~all)
		return -EINVAL;
	cfg->pgsize_bitmap = p->pgsize_bitmap ? p->pgsize_bitmap :
			     AMD_DEFAULT_PGSIZES & all;
	/* 4K pages are needed to map whatever larger pages cannot. */
	if (!(cfg->pgsize_bitmap & BIT_ULL(AMD_GRANULE_SHIFT)))
		return -EINVAL;
	return 0;
}

static inline int amd_check_prot(const struct pt_cfg *cfg, u32 prot)
{
	/* IW without IR is a write-only page; neither is no access at all. */
	if (!(prot & (PT_PROT_READ | PT_PROT_WRITE)))
		return -EINVAL;
	return 0;
}

static inline u64 amd_mk_table(const struct pt_cfg *cfg, unsigned int level,
			       u64 table_pa)
{
	/*
	 * Next Level is the AMD number of the table below, ours plus one.
	 * IR and IW are ANDed down the walk: grant both, the PTE decides.
	 */
	return AMD_PR | (u64)level << AMD_NL_SHIFT |
	       (table_pa & AMD_ADDR_MASK) | AMD_IR | AMD_IW;
}

static inline u64 amd_mk_leaf(const struct pt_cfg *cfg, unsigned int level, u64 pa,
			      u64 pgsize, u32 prot)
{
	unsigned int shift = cfg->lvl[level].shift;
	u64 pte = AMD_PR;

	if (prot & PT_PROT_READ)
		pte |= AMD_IR;
	if (prot & PT_PROT_WRITE)
		pte |= AMD_IW;
	if (prot & PT_PROT_CACHE)
		pte |= AMD_FC;
	if (pgsize == 1ULL << shift)
		return pte | (pa & GENMASK_ULL(AMD_MAX_PAGE_SHIFT, shift));
	/*
	 * Next Level 7: ones below the top bit of the page offset, that bit
	 * clear. Every entry of the page gets the same value, which the
	 * hardware expects: @pa differs only in bits this overwrites.
	 */
	pte |= (u64)AMD_NL_SIZED << AMD_NL_SHIFT;
	return pte | ((pa | ((pgsize >> 1) - 1)) & ~(pgsize >> 1) &
		      AMD_ADDR_MASK);
}

/*
 * The size of the page a PTE maps. With Next Level 7 it is twice the
 * lowest clear address bit from 12 up; bit 52 stands for the zero
 * extension above the field (a PTE reaching it has its reserved bits
 * clear), so an all-ones field reads as 2^53, which no level can hold.
 */
static inline u64 amd_pte_size(const struct pt_cfg *cfg, unsigned int level, u64 pte)
{
	u64 clear;

	if (amd_next_level(pte) == AMD_NL_DEFAULT)
		return 1ULL << cfg->lvl[level].shift;
	clear = ~pte & GENMASK_ULL(AMD_MAX_PAGE_SHIFT + 1, AMD_GRANULE_SHIFT);
	return (clear & -clear) << 1;
}

static inline enum pt_entry_kind amd_kind(const struct pt_cfg *cfg,
					  unsigned int level, u64 pte)
{
	u64 size;

	if (!(pte & AMD_PR))
		return PT_ENTRY_EMPTY;
	if (amd_is_pde(pte)) {
		/*
		 * The next table must be below this one (Next Level at most
		 * our level, the AMD number of this table minus one), and the
		 * reserved bits clear; otherwise the walk faults.
		 */
		if (amd_next_level(pte) > level || (pte & AMD_PDE_RSVD))
			return PT_ENTRY_EMPTY;
		return PT_ENTRY_TABLE;
	}
	if (pte & AMD_PTE_RSVD)
		return PT_ENTRY_EMPTY;
	/*
	 * The size must be one the table holds: none at all at AMD level 6,
	 * and with Next Level 7 a size above the default, up to 256 entries
	 * (an encoding outside that has no defined meaning; it is taken as
	 * invalid).
	 */
	size = amd_pte_size(cfg, level, pte);
	if (!(size & cfg->lvl[level].pgsizes))
		return PT_ENTRY_EMPTY;
	if (amd_next_level(pte) == AMD_NL_SIZED &&
	    size == 1ULL << cfg->lvl[level].shift)
		return PT_ENTRY_EMPTY;
	return PT_ENTRY_LEAF;
}

static inline u64 amd_leaf_size(const struct pt_cfg *cfg, unsigned int level,
				u64 pte)
{
	return amd_pte_size(cfg, level, pte);
}

static inline u64 amd_entry_pa(const struct pt_cfg *cfg, unsigned int level,
			       u64 pte)
{
	if (amd_is_pde(pte))
		return pte & AMD_ADDR_MASK;
	/* The page's first byte: the size encoding is not address. */
	return pte & AMD_ADDR_MASK & ~(amd_pte_size(cfg, level, pte) - 1);
}

static inline u32 amd_leaf_prot(const struct pt_cfg *cfg, unsigned int level,
				u64 pte)
{
	u32 prot = 0;

	if (pte & AMD_IR)
		prot |= PT_PROT_READ;
	if (pte & AMD_IW)
		prot |= PT_PROT_WRITE;
	if (pte & AMD_FC)
		prot |= PT_PROT_CACHE;
	return prot;
}

/* Next Level is the AMD level of the table pointed at, ours plus one. */
static inline unsigned int amd_table_level(const struct pt_cfg *cfg,
					   unsigned int level, u64 pte)
{
	return amd_next_level(pte) - 1;
}

/*
 * Dirty tracking (PTLAB_CREATE_DIRTY): with DTE.HAD (bits 8:7) = 0b11, as
 * Linux programs it (DTE_FLAG_HAD), the IOMMU sets A (bit 5) in the PDEs
 * and PTEs a walk uses and D (bit 6, Linux's IOMMU_PTE_HD) in a PTE it
 * writes through. A page of several PTEs (Next Level 7) is dirty if any
 * copy is, and is cleaned whole, as generic_pt's amdv1pt_entry_is_write_dirty()
 * and amdv1pt_entry_make_write_clean() do.
 */
#define AMD_A			BIT_ULL(5)
#define AMD_D			BIT_ULL(6)
#define AMD_DTE_HAD		(3ULL << 7)

static inline bool amd_leaf_dirty(const struct pt_cfg *cfg, unsigned int level,
				  u64 pte)
{
	return (pte & (AMD_D | AMD_IW)) == (AMD_D | AMD_IW);
}

static inline u64 amd_leaf_clean(const struct pt_cfg *cfg, unsigned int level,
				 u64 pte)
{
	return pte & ~AMD_D;
}

static inline void amd_regs(const struct pt_cfg *cfg, u64 root_pa,
			    struct pt_hw_regs *regs)
{
	regs->ttbr = root_pa & AMD_ADDR_MASK;
	regs->tcr = cfg->levels;
	if (cfg->dirty)
		regs->tcr |= AMD_DTE_HAD;
	regs->mair = 0;
}

#endif /* PTLAB_FMT_AMD_H */
