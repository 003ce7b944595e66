/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PTLAB_FMT_VTD_H
#define PTLAB_FMT_VTD_H
/*
 * Intel VT-d second-stage translation tables, 3, 4 or 5 levels. Encodings
 * follow the "Intel Virtualization Technology for Directed I/O Architecture
 * Specification", section 3.7 "Second-Stage Translation" and section 9.8
 * "Second-Stage Paging Entries" (figure 9-8 and the tables after it).
 *
 * Engine levels: 0 = SS-PTE (4K), 1 = SS-PDE (2M pages), 2 = SS-PDPE (1G
 * pages), 3 = SS-PML4E, 4 = SS-PML5E. Every table is one 4K page of 512
 * entries. The adjusted guest address width (AGAW) is 39, 48 or 57 bits for
 * 3, 4 or 5 levels; @ias picks the smallest that holds it. Second stage
 * has no sign extension: addresses above 2^AGAW - 1 are blocked.
 *
 * There is no present bit: an entry with R and W both clear is not present.
 * Write-only entries (R=0, W=1) are valid (the CAP_REG ZLR field speaks of
 * "write-only pages"), so READ is not required.
 *
 * Assumptions about how the hardware is set up, where the specification
 * leaves a choice to the driver or to the implementation:
 * - X (bit 2) is honoured only by implementations with execute requests
 *   (ECAP.ERS) and SSEE=1 in the PASID-table entry (revisions 3.x/4.x);
 *   revision 5.x ignores bit 2. EXEC sets it; it never makes an entry
 *   present on its own.
 * - EMT (bits 5:3) gives the memory type only in scalable mode with EMTE=1
 *   in the PASID-table entry (ignored otherwise): CACHE is WB (6), MMIO is
 *   UC (0), neither is WC (1), the uncached normal-memory type. IPAT is
 *   left clear: it matters only for nested translation.
 * - SNP (bit 11) is not set: it is reserved on hardware without snoop
 *   control (ECAP.SC=0), so setting it could fault there.
 * - A and D (bits 8, 9) start clear; hardware sets them when SSADE=1.
 * - 2M and 1G pages need CAP_REG.SSLPS bits 0 and 1; a driver whose
 *   hardware lacks them leaves them out of pgsize_bitmap.
 * - Second Stage I/O Read/Write is not enabled, so bit 62 (IW) is
 *   reserved and bit 61 (IR) ignored.
 *
 * Register values (struct pt_hw_regs):
 *   ttbr: SLPTPTR/SSPTPTR, the root table's physical address (bits 11:0
 *         zero) as programmed in the context entry (legacy mode) or the
 *         PASID-table entry (scalable mode).
 *   tcr:  the AW field of that entry: 1 = 39-bit AGAW (3 levels), 2 =
 *         48-bit (4 levels), 3 = 57-bit (5 levels); both entries encode it
 *         alike. With dirty tracking, SSADE in bit 9, its place in the
 *         PASID-table entry's first quadword.
 *   mair: 0, there is no memory attribute register.
 */
#include "engine/pt_engine.h"
#include "fmt/pt_formats.h"

#define VTSS_R			BIT_ULL(0)
#define VTSS_W			BIT_ULL(1)
#define VTSS_X			BIT_ULL(2)
#define VTSS_EMT_SHIFT		3
#define VTSS_EMT_MASK		GENMASK_ULL(5, 3)
#define VTSS_IPAT		BIT_ULL(6)
#define VTSS_PS			BIT_ULL(7)	/* SS-PDE and SS-PDPE */
#define VTSS_A			BIT_ULL(8)
#define VTSS_D			BIT_ULL(9)
#define VTSS_SNP		BIT_ULL(11)	/* leaves; reserved in tables */
#define VTSS_IW			BIT_ULL(62)
#define VTSS_ADDR		GENMASK_ULL(51, 12)

/* Extended memory types (EMT field encodings). */
#define VTSS_EMT_UC		0
#define VTSS_EMT_WC		1
#define VTSS_EMT_WB		6

#define VTSS_GRANULE		12
#define VTSS_BITS_PER_LEVEL	9
#define VTSS_LEAF_LEVELS	3	/* 4K, 2M, 1G */
#define VTSS_MIN_IAS		32
#define VTSS_MAX_IAS		57
#define VTSS_DEFAULT_IAS	48
#define VTSS_MIN_OAS		32
#define VTSS_MAX_OAS		52

static inline int vtss_init(struct pt_cfg *cfg, const struct pt_params *p)
{
	u64 all = 0;
	unsigned int level;

	cfg->granule_shift = p->granule_shift ? p->granule_shift : VTSS_GRANULE;
	cfg->ias = p->ias ? p->ias : VTSS_DEFAULT_IAS;
	cfg->oas = p->oas ? p->oas : VTSS_MAX_OAS;
	if (cfg->granule_shift != VTSS_GRANULE)
		return -EOPNOTSUPP;
	if (cfg->ias < VTSS_MIN_IAS || cfg->ias > VTSS_MAX_IAS ||
	    cfg->oas < VTSS_MIN_OAS || cfg->oas > VTSS_MAX_OAS)
		return -EINVAL;

	cfg->leaf_linear = true;	/* address bits 51:12 in place */
	cfg->entry_shift = 3;
	/* No user/supervisor distinction in the second stage. */
	cfg->prot_mask = PT_PROT_READ | PT_PROT_WRITE | PT_PROT_EXEC |
			 PT_PROT_CACHE | PT_PROT_MMIO;
	/* AGAW 39, 48 or 57: the fewest levels that cover ias. */
	cfg->levels = (cfg->ias - VTSS_GRANULE + VTSS_BITS_PER_LEVEL - 1) /
		      VTSS_BITS_PER_LEVEL;
	if (cfg->levels < 3)
		cfg->levels = 3;
	for (level = 0; level < cfg->levels; level++) {
		struct pt_level *lvl = &cfg->lvl[level];

		lvl->shift = VTSS_GRANULE + level * VTSS_BITS_PER_LEVEL;
		lvl->index_bits = VTSS_BITS_PER_LEVEL;
		if (level < VTSS_LEAF_LEVELS)
			lvl->pgsizes = 1ULL << lvl->shift;
		all |= lvl->pgsizes;
	}
	if (p->pgsize_bitmap & ~all)
		return -EINVAL;
	cfg->pgsize_bitmap = p->pgsize_bitmap ? p->pgsize_bitmap : all;
	if (!(cfg->pgsize_bitmap & (1ULL << VTSS_GRANULE)))
		return -EINVAL;
	return 0;
}

static inline int vtss_check_prot(const struct pt_cfg *cfg, u32 prot)
{
	/* R=W=0 is "not present"; X alone does not make an entry present. */
	if (!(prot & (PT_PROT_READ | PT_PROT_WRITE)))
		return -EINVAL;
	if ((prot & PT_PROT_CACHE) && (prot & PT_PROT_MMIO))
		return -EINVAL;
	return 0;
}

static inline u64 vtss_leaf_addr_mask(const struct pt_cfg *cfg,
				      unsigned int level)
{
	return GENMASK_ULL(VTSS_MAX_OAS - 1, cfg->lvl[level].shift);
}

/* Permissions are ANDed over the levels: tables grant read and write. */
static inline u64 vtss_mk_table(const struct pt_cfg *cfg, unsigned int level,
				u64 table_pa)
{
	return (table_pa & VTSS_ADDR) | VTSS_R | VTSS_W;
}

static inline u64 vtss_mk_leaf(const struct pt_cfg *cfg, unsigned int level, u64 pa,
			       u64 pgsize, u32 prot)
{
	u64 pte = pa & vtss_leaf_addr_mask(cfg, level);
	u64 emt;

	if (level)
		pte |= VTSS_PS;
	if (prot & PT_PROT_READ)
		pte |= VTSS_R;
	if (prot & PT_PROT_WRITE)
		pte |= VTSS_W;
	if (prot & PT_PROT_EXEC)
		pte |= VTSS_X;
	if (prot & PT_PROT_CACHE)
		emt = VTSS_EMT_WB;
	else if (prot & PT_PROT_MMIO)
		emt = VTSS_EMT_UC;
	else
		emt = VTSS_EMT_WC;
	return pte | emt << VTSS_EMT_SHIFT;
}

static inline enum pt_entry_kind vtss_kind(const struct pt_cfg *cfg,
					   unsigned int level, u64 pte)
{
	if (!(pte & (VTSS_R | VTSS_W)))
		return PT_ENTRY_EMPTY;
	if (pte & VTSS_IW)
		return PT_ENTRY_EMPTY;
	if (level && !(pte & VTSS_PS)) {
		/* Bit 11 is reserved in every entry that points to a table. */
		return pte & VTSS_SNP ? PT_ENTRY_EMPTY : PT_ENTRY_TABLE;
	}
	if (level >= VTSS_LEAF_LEVELS)
		return PT_ENTRY_EMPTY;	/* PS is reserved in PML4E/PML5E */
	/* Bits 20:12 of a 2M page and 29:12 of a 1G page are reserved. */
	if (level && (pte & GENMASK_ULL(cfg->lvl[level].shift - 1,
					VTSS_GRANULE)))
		return PT_ENTRY_EMPTY;
	return PT_ENTRY_LEAF;
}

static inline u64 vtss_entry_pa(const struct pt_cfg *cfg, unsigned int level,
				u64 pte)
{
	if (vtss_kind(cfg, level, pte) == PT_ENTRY_TABLE)
		return pte & VTSS_ADDR;
	return pte & vtss_leaf_addr_mask(cfg, level);
}

static inline u32 vtss_leaf_prot(const struct pt_cfg *cfg, unsigned int level,
				 u64 pte)
{
	u64 emt = (pte & VTSS_EMT_MASK) >> VTSS_EMT_SHIFT;
	u32 prot = 0;

	if (pte & VTSS_R)
		prot |= PT_PROT_READ;
	if (pte & VTSS_W)
		prot |= PT_PROT_WRITE;
	if (pte & VTSS_X)
		prot |= PT_PROT_EXEC;
	if (emt == VTSS_EMT_WB)
		prot |= PT_PROT_CACHE;
	else if (emt == VTSS_EMT_UC)
		prot |= PT_PROT_MMIO;
	return prot;
}

/*
 * Dirty tracking (PTLAB_CREATE_DIRTY): with SSADE = 1 (bit 9 of the
 * scalable-mode PASID-table entry, Linux's pasid_set_ssade()), the hardware
 * sets A (bit 8) in every entry a walk uses and D (bit 9) in a leaf it
 * writes through (VT-d 3.7.2 "Accessed and Dirty Flags", 9.8). Linux's
 * generic_pt (fmt/vtdss.h) reports D as the write-dirty state.
 */
#define VTSS_SSADE		BIT_ULL(9)

static inline bool vtss_leaf_dirty(const struct pt_cfg *cfg, unsigned int level,
				   u64 pte)
{
	return (pte & (VTSS_D | VTSS_W)) == (VTSS_D | VTSS_W);
}

static inline u64 vtss_leaf_clean(const struct pt_cfg *cfg, unsigned int level,
				  u64 pte)
{
	return pte & ~VTSS_D;
}

static inline void vtss_regs(const struct pt_cfg *cfg, u64 root_pa,
			     struct pt_hw_regs *regs)
{
	regs->ttbr = root_pa & VTSS_ADDR;
	/* AW: 1 = 3 levels, 2 = 4 levels, 3 = 5 levels. */
	regs->tcr = cfg->levels - 2;
	if (cfg->dirty)
		regs->tcr |= VTSS_SSADE;
	regs->mair = 0;
}

#endif /* PTLAB_FMT_VTD_H */
