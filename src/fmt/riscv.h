/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PTLAB_FMT_RISCV_H
#define PTLAB_FMT_RISCV_H
/*
 * RISC-V Sv39, Sv48 and Sv57 page tables, as a hart and the RISC-V IOMMU
 * (first stage, iosatp) walk them. Encodings follow the RISC-V Privileged
 * Architecture, chapter "Supervisor-Level ISA": sections "Sv39", "Sv48",
 * "Sv57" and "Virtual Address Translation Process", and the chapters on the
 * Svnapot and Svpbmt extensions; register fields follow the RISC-V IOMMU
 * specification, "Device-context" (DC.fsc holding iosatp, DC.tc.SADE).
 *
 * Engine levels: 0 = 4K pages, 1 = 2M megapages, 2 = 1G gigapages, 3 =
 * 512G terapages (Sv48, Sv57), 4 = 256T petapages (Sv57). Any level may
 * hold a leaf. Every table is one 4K page of 512 eight-byte entries. @ias
 * picks the mode: up to 39 bits Sv39, 48 Sv48, 57 Sv57.
 *
 * Input addresses: the engine's IOVA is the low @ias bits of the address;
 * the hardware requires bits 63:VALEN-1 to be equal (VALEN 39, 48 or 57),
 * so an IOVA with bit VALEN-1 set is issued sign-extended. A driver that
 * wants lower-half addresses only uses ias 38 (47, 56).
 *
 * Svnapot 64K pages (16 level-0 entries with N=1 and PPN[3:0] = 0b1000) are
 * a size the hardware decodes but not in the default pgsize_bitmap: they
 * need the Svnapot extension (for the IOMMU, capabilities.Svnapot).
 *
 * PRIV clears U: the page then serves only supervisor-privilege requests
 * (a process context with ENS=1). Without PRIV, U is set and such requests
 * reach the page only with PC.ta.SUM=1, and never to execute.
 *
 * A and D are set in every leaf: the IOMMU updates them only with
 * DC.tc.SADE=1 (which needs capabilities.AMO_HWAD); otherwise, as a hart
 * with Svade, it raises a page fault on an access with A=0 or a write with
 * D=0. D set on a read-only page has no effect.
 *
 * Register values (struct pt_hw_regs):
 *   ttbr: the satp/iosatp value MODE << 60 | PPN of the root table, ASID
 *         (PSCID for the IOMMU, not part of iosatp) 0.
 *   tcr:  MODE: 8 = Sv39, 9 = Sv48, 10 = Sv57; with dirty tracking,
 *         DC.tc.SADE in bit 8.
 *   mair: 0: memory types come from the PBMT field of each leaf.
 */
#include "engine/pt_engine.h"
#include "fmt/pt_formats.h"

#define RVPT_V			BIT_ULL(0)
#define RVPT_R			BIT_ULL(1)
#define RVPT_W			BIT_ULL(2)
#define RVPT_X			BIT_ULL(3)
#define RVPT_U			BIT_ULL(4)
#define RVPT_G			BIT_ULL(5)
#define RVPT_A			BIT_ULL(6)
#define RVPT_D			BIT_ULL(7)
#define RVPT_PPN_SHIFT		10
#define RVPT_PPN		GENMASK_ULL(53, 10)
#define RVPT_RSVD		GENMASK_ULL(60, 54)	/* page fault if set */
#define RVPT_PBMT_SHIFT		61
#define RVPT_PBMT		GENMASK_ULL(62, 61)
#define RVPT_N			BIT_ULL(63)

/* Svpbmt memory types; 3 is reserved (a page fault). */
#define RVPT_PBMT_PMA		0ULL
#define RVPT_PBMT_NC		1ULL
#define RVPT_PBMT_IO		2ULL
#define RVPT_PBMT_RSVD		3ULL

/* Svnapot: the one size defined, 64K, is PPN[0][3:0] = 0b1000 at level 0. */
#define RVPT_NAPOT_BITS		4
#define RVPT_NAPOT_PPN_MASK	GENMASK_ULL(RVPT_NAPOT_BITS - 1, 0)
#define RVPT_NAPOT_64K		0x8ULL
#define RVPT_SZ_64K		(1ULL << (RVPT_GRANULE + RVPT_NAPOT_BITS))

#define RVPT_GRANULE		12
#define RVPT_BITS_PER_LEVEL	9
#define RVPT_MIN_IAS		32
#define RVPT_MAX_IAS		57
#define RVPT_DEFAULT_IAS	39
#define RVPT_MIN_OAS		32
#define RVPT_MAX_OAS		56	/* a 44-bit PPN of 4K pages */

/* satp/iosatp MODE: Sv39 is 8, each further level adds one. */
#define RVPT_MODE_SHIFT		60
#define RVPT_MODE_SV39		8
#define RVPT_SV39_LEVELS	3

static inline int rv_init(struct pt_cfg *cfg, const struct pt_params *p)
{
	u64 all = 0, basic = 0;
	unsigned int level;

	cfg->granule_shift = p->granule_shift ? p->granule_shift : RVPT_GRANULE;
	cfg->ias = p->ias ? p->ias : RVPT_DEFAULT_IAS;
	cfg->oas = p->oas ? p->oas : RVPT_MAX_OAS;
	if (cfg->granule_shift != RVPT_GRANULE)
		return -EOPNOTSUPP;
	if (cfg->ias < RVPT_MIN_IAS || cfg->ias > RVPT_MAX_IAS ||
	    cfg->oas < RVPT_MIN_OAS || cfg->oas > RVPT_MAX_OAS)
		return -EINVAL;

	cfg->entry_shift = 3;
	/* The PPN sits at bit 10: the address shifted right by 2. */
	cfg->leaf_linear = true;
	cfg->leaf_oa_shift = 2;
	cfg->prot_mask = PT_PROT_ALL;
	cfg->levels = (cfg->ias - RVPT_GRANULE + RVPT_BITS_PER_LEVEL - 1) /
		      RVPT_BITS_PER_LEVEL;
	if (cfg->levels < RVPT_SV39_LEVELS)
		cfg->levels = RVPT_SV39_LEVELS;
	for (level = 0; level < cfg->levels; level++) {
		struct pt_level *lvl = &cfg->lvl[level];

		lvl->shift = RVPT_GRANULE + level * RVPT_BITS_PER_LEVEL;
		lvl->index_bits = RVPT_BITS_PER_LEVEL;
		/* Any level may hold a leaf. */
		lvl->pgsizes = 1ULL << lvl->shift;
		basic |= lvl->pgsizes;
	}
	cfg->lvl[0].pgsizes |= RVPT_SZ_64K;
	all = basic | RVPT_SZ_64K;
	if (p->pgsize_bitmap & ~all)
		return -EINVAL;
	/* Svnapot is an extension: 64K only when asked for. */
	cfg->pgsize_bitmap = p->pgsize_bitmap ? p->pgsize_bitmap : basic;
	if (!(cfg->pgsize_bitmap & (1ULL << RVPT_GRANULE)))
		return -EINVAL;
	return 0;
}

static inline int rv_check_prot(const struct pt_cfg *cfg, u32 prot)
{
	/*
	 * W without R is a reserved encoding. X without R (execute-only)
	 * exists, but a mapping is required to be readable.
	 */
	if (!(prot & PT_PROT_READ))
		return -EINVAL;
	if ((prot & PT_PROT_CACHE) && (prot & PT_PROT_MMIO))
		return -EINVAL;
	return 0;
}

static inline u64 rv_pte_ppn(u64 pte)
{
	return (pte & RVPT_PPN) >> RVPT_PPN_SHIFT;
}

static inline u64 rv_mk_ppn(u64 pa)
{
	return (pa >> RVPT_GRANULE << RVPT_PPN_SHIFT) & RVPT_PPN;
}

/* A, D and U are reserved in non-leaf entries: only V and the PPN. */
static inline u64 rv_mk_table(const struct pt_cfg *cfg, unsigned int level,
			      u64 table_pa)
{
	return rv_mk_ppn(table_pa) | RVPT_V;
}

static inline u64 rv_mk_leaf(const struct pt_cfg *cfg, unsigned int level, u64 pa,
			     u64 pgsize, u32 prot)
{
	u64 pte = RVPT_V | RVPT_R;

	/* With hardware updating (SADE) the device sets A and D on use. */
	if (!cfg->dirty)
		pte |= RVPT_A | RVPT_D;

	if (pgsize == RVPT_SZ_64K) {
		/* All 16 entries alike: the PPN's low 4 bits give the size. */
		pa &= ~(RVPT_SZ_64K - 1);
		pte |= RVPT_N | RVPT_NAPOT_64K << RVPT_PPN_SHIFT;
	}
	pte |= rv_mk_ppn(pa);
	if (prot & PT_PROT_WRITE)
		pte |= RVPT_W;
	if (prot & PT_PROT_EXEC)
		pte |= RVPT_X;
	if (!(prot & PT_PROT_PRIV))
		pte |= RVPT_U;
	if (prot & PT_PROT_CACHE)
		pte |= RVPT_PBMT_PMA << RVPT_PBMT_SHIFT;
	else if (prot & PT_PROT_MMIO)
		pte |= RVPT_PBMT_IO << RVPT_PBMT_SHIFT;
	else
		pte |= RVPT_PBMT_NC << RVPT_PBMT_SHIFT;
	return pte;
}

/* The translation process, step by step: which entries fault. */
static inline enum pt_entry_kind rv_kind(const struct pt_cfg *cfg,
					 unsigned int level, u64 pte)
{
	u64 pbmt = (pte & RVPT_PBMT) >> RVPT_PBMT_SHIFT;
	u64 ppn = rv_pte_ppn(pte);

	/* V=0, W without R, or reserved bits 60:54. */
	if (!(pte & RVPT_V) || (pte & (RVPT_R | RVPT_W)) == RVPT_W ||
	    (pte & RVPT_RSVD))
		return PT_ENTRY_EMPTY;
	if (!(pte & (RVPT_R | RVPT_X))) {
		/*
		 * A pointer to the next level: none below level 0; PBMT must
		 * be 0 and N has no defined encoding above level 0.
		 */
		if (!level || pbmt || (pte & RVPT_N))
			return PT_ENTRY_EMPTY;
		return PT_ENTRY_TABLE;
	}
	if (pbmt == RVPT_PBMT_RSVD)
		return PT_ENTRY_EMPTY;
	if (pte & RVPT_N)
		return !level && (ppn & RVPT_NAPOT_PPN_MASK) == RVPT_NAPOT_64K ?
		       PT_ENTRY_LEAF : PT_ENTRY_EMPTY;
	/* A misaligned superpage: PPN[level - 1:0] not zero. */
	if (level && (ppn & GENMASK_ULL(level * RVPT_BITS_PER_LEVEL - 1, 0)))
		return PT_ENTRY_EMPTY;
	return PT_ENTRY_LEAF;
}

static inline u64 rv_leaf_size(const struct pt_cfg *cfg, unsigned int level, u64 pte)
{
	return pte & RVPT_N ? RVPT_SZ_64K : 1ULL << cfg->lvl[level].shift;
}

static inline u64 rv_entry_pa(const struct pt_cfg *cfg, unsigned int level, u64 pte)
{
	u64 pa = rv_pte_ppn(pte) << RVPT_GRANULE;

	if (rv_kind(cfg, level, pte) == PT_ENTRY_TABLE)
		return pa;
	return pa & ~(rv_leaf_size(cfg, level, pte) - 1);
}

static inline u32 rv_leaf_prot(const struct pt_cfg *cfg, unsigned int level,
			       u64 pte)
{
	u64 pbmt = (pte & RVPT_PBMT) >> RVPT_PBMT_SHIFT;
	u32 prot = 0;

	if (pte & RVPT_R)
		prot |= PT_PROT_READ;
	if (pte & RVPT_W)
		prot |= PT_PROT_WRITE;
	if (pte & RVPT_X)
		prot |= PT_PROT_EXEC;
	if (!(pte & RVPT_U))
		prot |= PT_PROT_PRIV;
	if (pbmt == RVPT_PBMT_PMA)
		prot |= PT_PROT_CACHE;
	else if (pbmt == RVPT_PBMT_IO)
		prot |= PT_PROT_MMIO;
	return prot;
}

/*
 * Dirty tracking (PTLAB_CREATE_DIRTY): with DC.tc.SADE = 1 (bit 8 of the
 * device context's tc field, RISC-V IOMMU specification "Device-context
 * fields"; Linux's RISCV_IOMMU_DC_TC_SADE) the IOMMU sets A (bit 6) and,
 * on a write, D (bit 7) in the leaf atomically instead of faulting. Leaves
 * then start with both clear. An Svnapot leaf is dirty if any of its 16
 * entries is, and is cleaned whole.
 */
#define RVPT_DC_TC_SADE		BIT_ULL(8)

static inline bool rv_leaf_dirty(const struct pt_cfg *cfg, unsigned int level,
				 u64 pte)
{
	return (pte & (RVPT_D | RVPT_W)) == (RVPT_D | RVPT_W);
}

static inline u64 rv_leaf_clean(const struct pt_cfg *cfg, unsigned int level,
				u64 pte)
{
	return pte & ~RVPT_D;
}

static inline void rv_regs(const struct pt_cfg *cfg, u64 root_pa,
			   struct pt_hw_regs *regs)
{
	u64 mode = RVPT_MODE_SV39 + cfg->levels - RVPT_SV39_LEVELS;

	regs->ttbr = mode << RVPT_MODE_SHIFT |
		     rv_mk_ppn(root_pa) >> RVPT_PPN_SHIFT;
	regs->tcr = mode;
	if (cfg->dirty)
		regs->tcr |= RVPT_DC_TC_SADE;
	regs->mair = 0;
}

#endif /* PTLAB_FMT_RISCV_H */
