/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PTLAB_FMT_X86_H
#define PTLAB_FMT_X86_H
/*
 * x86-64 4-level and 5-level paging, as the AMD IOMMU walks guest (v2) page
 * tables and Intel VT-d walks first-stage tables. Encodings follow the Intel
 * SDM Vol. 3A, chapter "Paging", section "4-Level Paging and 5-Level Paging"
 * (tables "Format of a PML5 Entry" ... "Format of a Page-Table Entry that
 * Maps a 4-KByte Page"), the VT-d specification section 9.7 "First-Stage
 * Paging Entries" and the AMD IOMMU specification section 2.2.6 "I/O Page
 * Tables for Guest Translations".
 *
 * Engine levels: 0 = PTE (4K), 1 = PDE (2M pages), 2 = PDPTE (1G pages),
 * 3 = PML4E, 4 = PML5E. Every table is one 4K page of 512 entries, the top
 * one included: the hardware always indexes it with 9 address bits.
 *
 * Input addresses: the engine's IOVA is the low @ias bits of the address a
 * device issues. VT-d first stage (and the CPU) require canonical addresses:
 * an IOVA with bit 47 (57 with 5 levels) set is issued sign-extended, e.g.
 * IOVA 0xffffc0000000 of a 48-bit space is 0xffffffffc0000000 on the bus.
 * The AMD IOMMU translates requests without PASID with no sign extension.
 * A driver that wants lower-half addresses only uses ias 47 (56).
 *
 * PRIV clears U/S: only supervisor-level requests (VT-d: a PASID with PR=1,
 * or RID_PRIV=1 without PASID, and SRE=1; AMD: PMR=1) reach the page.
 *
 * Register values (struct pt_hw_regs):
 *   ttbr: the root table's physical address, CR3-style with bits 11:0 zero:
 *         what goes into the VT-d scalable-mode PASID-table entry FSPTPTR
 *         field or the AMD GCR3 table entry's GCR3 base.
 *   tcr:  the paging mode: the VT-d PASID-table entry FSPM field (bits
 *         131:130), 0 = 4-level, 1 = 5-level; the AMD IOMMU device-table
 *         entry GuestPagingMode field uses the same encoding.
 *   mair: 0. Memory types come from the PAT, PCD and PWT bits through a PAT
 *         (VT-d: the PASID-table entry PAT field; CPU: IA32_PAT) that this
 *         format does not program. It assumes the power-on PAT layout
 *         (entries 0..3 = WB, WT, UC-, UC, repeated for 4..7), which Linux
 *         keeps for the indexes used here.
 */
#include "engine/pt_engine.h"
#include "fmt/pt_formats.h"

#define X86PT_P			BIT_ULL(0)	/* present */
#define X86PT_RW		BIT_ULL(1)	/* writable */
#define X86PT_US		BIT_ULL(2)	/* user accessible */
#define X86PT_PWT		BIT_ULL(3)	/* page-level write-through */
#define X86PT_PCD		BIT_ULL(4)	/* page-level cache disable */
#define X86PT_A			BIT_ULL(5)	/* accessed */
#define X86PT_D			BIT_ULL(6)	/* dirty, leaves only */
#define X86PT_PS		BIT_ULL(7)	/* page size, PDE and PDPTE */
#define X86PT_G			BIT_ULL(8)	/* global, leaves only */
#define X86PT_XD		BIT_ULL(63)	/* execute disable */
/* The address field, bits 51:12; a page's own address starts at its size. */
#define X86PT_ADDR		GENMASK_ULL(51, 12)
/* In a 2M or 1G page the PAT bit is bit 12; bits from 13 are reserved. */
#define X86PT_LARGE_RSVD_LOW	13

#define X86PT_GRANULE		12
#define X86PT_BITS_PER_LEVEL	9
#define X86PT_LEAF_LEVELS	3	/* 4K, 2M, 1G */
#define X86PT_MAX_OAS		52

/* 48 bits of input take 4 levels, up to 57 take 5 (LA57). */
#define X86PT_IAS_4LEVEL	48
#define X86PT_MAX_IAS		57
#define X86PT_MIN_IAS		32
#define X86PT_MIN_OAS		32

/* VT-d FSPM / AMD GuestPagingMode values. */
#define X86PT_MODE_4LEVEL	0
#define X86PT_MODE_5LEVEL	1

static inline int x86_fmt_init(struct pt_cfg *cfg, const struct pt_params *p)
{
	u64 all = 0;
	unsigned int level;

	cfg->granule_shift = p->granule_shift ? p->granule_shift : X86PT_GRANULE;
	cfg->ias = p->ias ? p->ias : X86PT_IAS_4LEVEL;
	cfg->oas = p->oas ? p->oas : X86PT_MAX_OAS;
	if (cfg->granule_shift != X86PT_GRANULE)
		return -EOPNOTSUPP;
	if (cfg->ias < X86PT_MIN_IAS || cfg->ias > X86PT_MAX_IAS ||
	    cfg->oas < X86PT_MIN_OAS || cfg->oas > X86PT_MAX_OAS)
		return -EINVAL;

	cfg->entry_shift = 3;
	cfg->leaf_linear = true;	/* address bits 51:12 in place */
	cfg->prot_mask = PT_PROT_ALL;
	cfg->levels = cfg->ias > X86PT_IAS_4LEVEL ? 5 : 4;
	for (level = 0; level < cfg->levels; level++) {
		struct pt_level *lvl = &cfg->lvl[level];

		lvl->shift = X86PT_GRANULE + level * X86PT_BITS_PER_LEVEL;
		lvl->index_bits = X86PT_BITS_PER_LEVEL;
		/* PS is honoured in PDEs and PDPTEs only (no 512G pages). */
		if (level < X86PT_LEAF_LEVELS)
			lvl->pgsizes = 1ULL << lvl->shift;
		all |= lvl->pgsizes;
	}
	if (p->pgsize_bitmap & ~all)
		return -EINVAL;
	cfg->pgsize_bitmap = p->pgsize_bitmap ? p->pgsize_bitmap : all;
	/* 4K pages are needed to map whatever larger pages cannot. */
	if (!(cfg->pgsize_bitmap & (1ULL << X86PT_GRANULE)))
		return -EINVAL;
	return 0;
}

static inline int x86_check_prot(const struct pt_cfg *cfg, u32 prot)
{
	/* A present entry always allows reads: no write-only pages. */
	if (!(prot & PT_PROT_READ))
		return -EINVAL;
	if ((prot & PT_PROT_CACHE) && (prot & PT_PROT_MMIO))
		return -EINVAL;
	return 0;
}

/* The bits of a leaf at @level that hold its address. */
static inline u64 x86_leaf_addr_mask(const struct pt_cfg *cfg,
				     unsigned int level)
{
	return GENMASK_ULL(X86PT_MAX_OAS - 1, cfg->lvl[level].shift);
}

/*
 * Table entries grant everything (P, R/W, U/S; XD clear): the hardware ANDs
 * the permissions of every level, so the leaf alone decides them. A and D
 * stay 0 for the hardware to set.
 */
static inline u64 x86_mk_table(const struct pt_cfg *cfg, unsigned int level,
			       u64 table_pa)
{
	return (table_pa & X86PT_ADDR) | X86PT_P | X86PT_RW | X86PT_US;
}

static inline u64 x86_mk_leaf(const struct pt_cfg *cfg, unsigned int level, u64 pa,
			      u64 pgsize, u32 prot)
{
	u64 pte = (pa & x86_leaf_addr_mask(cfg, level)) | X86PT_P;

	if (level)
		pte |= X86PT_PS;
	if (prot & PT_PROT_WRITE)
		pte |= X86PT_RW;
	if (!(prot & PT_PROT_PRIV))
		pte |= X86PT_US;
	if (!(prot & PT_PROT_EXEC))
		pte |= X86PT_XD;
	/*
	 * PAT index = PAT:PCD:PWT with PAT 0: CACHE is index 0 (WB), MMIO
	 * index 3 (UC, strongly ordered), anything else index 2 (UC-: not
	 * cached, but an MTRR may still make it WC).
	 */
	if (prot & PT_PROT_MMIO)
		pte |= X86PT_PCD | X86PT_PWT;
	else if (!(prot & PT_PROT_CACHE))
		pte |= X86PT_PCD;
	return pte;
}

static inline enum pt_entry_kind x86_kind(const struct pt_cfg *cfg,
					  unsigned int level, u64 pte)
{
	if (!(pte & X86PT_P))
		return PT_ENTRY_EMPTY;
	/* In a PTE bit 7 is the PAT bit, not PS. */
	if (!level)
		return PT_ENTRY_LEAF;
	if (!(pte & X86PT_PS))
		return PT_ENTRY_TABLE;
	/* PS is reserved in PML4Es and PML5Es: a reserved-bit fault. */
	if (level >= X86PT_LEAF_LEVELS)
		return PT_ENTRY_EMPTY;
	/* So are bits 20:13 of a 2M page and bits 29:13 of a 1G page. */
	if (pte & GENMASK_ULL(cfg->lvl[level].shift - 1, X86PT_LARGE_RSVD_LOW))
		return PT_ENTRY_EMPTY;
	return PT_ENTRY_LEAF;
}

static inline u64 x86_entry_pa(const struct pt_cfg *cfg, unsigned int level, u64 pte)
{
	if (x86_kind(cfg, level, pte) == PT_ENTRY_TABLE)
		return pte & X86PT_ADDR;
	/* This also drops the PAT bit (12) of a large page. */
	return pte & x86_leaf_addr_mask(cfg, level);
}

static inline u32 x86_leaf_prot(const struct pt_cfg *cfg, unsigned int level,
				u64 pte)
{
	u32 prot = PT_PROT_READ;

	if (pte & X86PT_RW)
		prot |= PT_PROT_WRITE;
	if (!(pte & X86PT_XD))
		prot |= PT_PROT_EXEC;
	if (!(pte & X86PT_US))
		prot |= PT_PROT_PRIV;
	/*
	 * The PAT bit only picks the upper half of the PAT, which repeats
	 * the lower one in the assumed layout: PCD:PWT decide.
	 */
	switch (pte & (X86PT_PCD | X86PT_PWT)) {
	case 0:
		prot |= PT_PROT_CACHE;
		break;
	case X86PT_PCD | X86PT_PWT:
		prot |= PT_PROT_MMIO;
		break;
	}
	return prot;
}

/*
 * Dirty tracking (PTLAB_CREATE_DIRTY): the hardware sets A (bit 5) in every
 * entry a walk uses and D (bit 6) in a leaf it writes through (SDM Vol. 3A
 * 4.8 "Accessed and Dirty Flags"; VT-d 3.6.2 for first-stage tables; AMD
 * IOMMU 2.2.6.1 for guest tables). No register enables it there: first-stage
 * hardware always updates them. Linux's generic_pt (fmt/x86_64.h) reports D
 * as the write-dirty state. A read-only leaf is never dirty: D without R/W
 * (which only software could write) is not reported.
 */
static inline bool x86_leaf_dirty(const struct pt_cfg *cfg, unsigned int level,
				  u64 pte)
{
	return (pte & (X86PT_D | X86PT_RW)) == (X86PT_D | X86PT_RW);
}

static inline u64 x86_leaf_clean(const struct pt_cfg *cfg, unsigned int level,
				 u64 pte)
{
	return pte & ~X86PT_D;
}

static inline void x86_regs(const struct pt_cfg *cfg, u64 root_pa,
			    struct pt_hw_regs *regs)
{
	regs->ttbr = root_pa & X86PT_ADDR;
	regs->tcr = cfg->levels == 5 ? X86PT_MODE_5LEVEL : X86PT_MODE_4LEVEL;
	regs->mair = 0;
}

#endif /* PTLAB_FMT_X86_H */
