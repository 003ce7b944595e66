/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PTLAB_FMT_NVIDIA_GMMU_H
#define PTLAB_FMT_NVIDIA_GMMU_H
/*
 * NVIDIA GPU MMU page tables: version 2 (Pascal to Ada, 49-bit VA, 5
 * levels) and version 3 (Hopper onward, 57-bit VA, 6 levels). Sources:
 * NVIDIA's published manuals in open-gpu-kernel-modules,
 * src/common/inc/swref/published/pascal/gp100/dev_mmu.h (NV_MMU_VER2_PDE,
 * NV_MMU_VER2_DUAL_PDE, NV_MMU_VER2_PTE) and .../hopper/gh100/dev_mmu.h
 * (NV_MMU_VER3_PDE, NV_MMU_VER3_DUAL_PDE, NV_MMU_VER3_PTE with its PCF
 * field), and nouveau's nvkm/subdev/mmu/vmmgp100.c and vmmgh100.c (the
 * level geometry, gp100_vmm_desc_12/_16 and gh100_vmm_desc_12/_16; the
 * instance-block word gp100_vmm_join writes; the PCF values gh100_vmm_valid
 * picks; gp100_vmm_lpt_invalid for what the MMU does with both halves).
 *
 * Levels (engine numbering, the hardware's names):
 *   0  PTE   small page table, 512 x 4K (SPT) or big page table, 32 x 64K
 *            (LPT, 256 bytes) or, v2, 16 x 128K (128 bytes, allocated as
 *            256: see below)
 *   1  PD0   256 dual entries of 16 bytes: word 0 is the big-page-table
 *            pointer or a 2M PTE, word 1 the small-page-table pointer
 *   2  PD1   512 entries, 512M each; v3 decodes a 512M PTE here, and so
 *            do the v2 GPUs from Ampere on (see below)
 *   3  PD2   512 entries
 *   4  PD3   v2: the root, 4 entries (VA bits 48:47); v3: 512 entries
 *   5  PD4   v3 only: the root, 2 entries (VA bit 56)
 * The root is one 4K page whatever the hardware indexes of it (the
 * instance block holds a 4K-aligned address), as nouveau allocates it.
 *
 * Big half, small half or both: an address space is created with
 *  - a granule of 4K (small half: 4K, 2M and, v3, 512M pages), or
 *  - a granule of 64K (big half: 64K, 2M and, v3, 512M pages): every PD0
 *    entry of the space uses the one half and the other word stays 0; or
 *  - page sizes that include both 4K and 64K ("mixed", as nouveau runs its
 *    address spaces): every PD0 entry that points at tables points at both
 *    a small and a big page table, and the MMU's rule for such an entry
 *    decides. It reads the big PTE first; a valid one maps 64K; an invalid
 *    one (VALID = 0) sends it to the small page table, unless the big PTE
 *    says not to (v2 PRIV = 1, gp100_vmm_lpt_invalid; v3 PCF =
 *    NO_VALID_4KB_PAGE), which ptlab never writes: its invalid big PTEs are
 *    0. A 64K range is mapped either by its big PTE, with its 16 small
 *    PTEs 0, or by small PTEs, with its big PTE 0.
 * The engine sees one word of a dual entry (its view, PT_FMT_DUAL): the 2M
 * PTE, or the pointer of the space's half (the small one when mixed).
 *
 * Mixed spaces allocate the two page tables under a PD0 entry together,
 * the small one (4 KiB) first and the big one (256 bytes) at 4 KiB, in an
 * 8 KiB block the engine sees as one level-0 table (pt_level.pair): both
 * go when the last page under the entry does. nouveau allocates them
 * apart and keeps a small table only while 4K pages use it, so a mixed
 * ptlab space holds 8 KiB per PD0 entry in use where nouveau holds 4.25 at
 * most. The engine's view of that table has 512 entries of 4K: an entry
 * under a valid big PTE reads as that PTE marked with GMMU_VIEW_BIG (never
 * written to a table), which makes it a 64K leaf of 16 entries; any other
 * entry reads as its small PTE. The big PTE is written with the last of
 * its 16 entries (the engine writes them in order, after checking that
 * all 16 small PTEs are 0) and cleared with the first.
 *
 * Big page size: 64K, or 128K on v2: a space created with a granule of
 * 128K uses the big half as a 64K one does, with 128K and 2M pages. The
 * instance block selects the size for the whole space
 * (NV_RAMIN_BIG_PAGE_SIZE, bit 11: 1 = 64K, 0 = 128K) and the big page
 * table then indexes VA bits 20:17: 16 entries, 128 bytes. Its PD0
 * pointer (ADDRESS_BIG, pa >> 8) needs 256-byte alignment, so the level
 * allocates 256 bytes (pt_level.table_bytes); the upper half stays 0.
 * Which GPUs take 128K, from open-gpu-kernel-modules: gp100/dev_ram.h
 * defines NV_RAMIN_BIG_PAGE_SIZE_128KB next to USE_NEW_PT_FORMAT (version
 * 2); kgmmuFmtInitLevels_GP10X (kern_gmmu_fmt_gp10x.c) builds version 2
 * levels for a bigPageShift of 16 or 17; kgmmuInstBlkPageDirBaseGet_GP100
 * writes _BIG_PAGE_SIZE_128KB for a space whose big pages are not 64K.
 * From Volta on, 64K only: kgmmuInstBlkPageDirBaseGet_GV100 forces
 * _BIG_PAGE_SIZE_64KB ("Volta only supports new page table format and
 * 64KB big page size"), gv100/dev_ram.h's NV_RAMIN_SC_BIG_PAGE_SIZE has a
 * _64KB value only, every generation's defaultBigPageSize is 64K, and
 * nouveau joins every v2 and v3 space with 64K (gp100_vmm_join; only
 * gm200_vmm_new_, version 1 tables, offers 17). So 128K is Pascal's, with
 * version 2 tables; v3 (Hopper on) refuses it. NVIDIA's UVM driver itself
 * refuses 128K spaces on every GPU from Pascal on (uvm_hal_mmu_mode_pascal,
 * "Bug 1789555"): the hardware takes the setting, NVIDIA's own software
 * does not use it.
 *
 * 512M pages: v3 always (kgmmuFmtInitLevels_GH10X: "Page directory 1 can
 * hold a PTE pointing to a 512MB Page"; nouveau's gh100 page list). On v2
 * only Ampere and Ada decode them: kgmmuFmtInitLevels_GA10X (GA100 to
 * AD107) makes PD1 a page table, bPageSize512mbSupported is true from GA100
 * on, UVM's page_sizes_ampere lists 512M; Pascal to Turing
 * (kgmmuFmtInitLevels_GP10X) do not, and nouveau (tu102_vmm's page list,
 * which its Ampere support reuses) gives that size sparse use only. A v2
 * space therefore has no 512M pages unless its creator asks for them in
 * pgsize_bitmap, saying its GPU is an Ampere or an Ada; without them a v2
 * entry with VALID = 1 above PD0 is treated as invalid. 128K big pages
 * (Pascal) and 512M pages (Ampere on) exclude each other: no GPU has both.
 *
 * Entries ptlab writes:
 *   PDE (and the dual entry's half in use): aperture SYSTEM_COHERENT (the
 *     tables are host memory, snooped); v2 VOL = 1, v3 PCF =
 *     VALID_UNCACHED_ATS_ALLOWED: not kept in the GPU's L2, as nouveau does
 *     for host memory. Address: v2 bits 53:8 = pa >> 12 (big half: bits
 *     53:4 = pa >> 8, the same pa >> 4); v3 bits 51:12 in place (big half:
 *     51:8 in place).
 *   PTE: VALID = 1; aperture SYSTEM_COHERENT for PT_PROT_CACHE, else
 *     SYSTEM_NON_COHERENT; volatile (v2 VOL, v3 PCF UNCACHED) for
 *     PT_PROT_MMIO; READ_ONLY unless PT_PROT_WRITE; PRIVILEGE for
 *     PT_PROT_PRIV; atomics allowed (ATOMIC_DISABLE = 0, PCF ATOMIC);
 *     v3 access counting disabled (PCF _ACD, as nouveau); KIND = 0
 *     (pitch), no compression tags, ENCRYPTED = 0. Video and peer memory
 *     apertures are never written: ptlab maps host memory. No execute
 *     permission exists: PT_PROT_EXEC is refused; reads are always
 *     allowed (no write-only pages).
 *
 * Register values (struct pt_hw_regs), the instance block's words:
 *   ttbr: NV_RAMIN_PAGE_DIR_BASE (offset 0x200): target 1:0 =
 *         SYS_MEM_COHERENT (2), VOL bit 2, VER2 page tables bit 10, big
 *         page size bit 11 (1 = 64K, 0 = 128K), the root's address in
 *         63:12 -- the word gp100_vmm_join and gf100_vmm_join_ write (with
 *         64K). nouveau's gh100 joins with the same word
 *         (gv100_vmm_join): on Hopper the MMU version, not a further bit,
 *         selects version 3 tables. NVIDIA's RM writes bit 10 = 0 there
 *         (kgmmuInstBlkPageDirBaseGet_GP100 sets USE_NEW_PT_FORMAT for
 *         version 2 only) and gh100's dev_ram.h does not say; ptlab
 *         writes nouveau's word and its walker takes either for v3.
 *   tcr:  NV_RAMIN_ADR_LIMIT (offset 0x208): the last VA, 2^ias - 1.
 *   mair: 0.
 */
#include "engine/pt_engine.h"
#include "fmt/pt_formats.h"

#define GMMU_VALID		BIT_ULL(0)	/* PTE VALID, PDE IS_PTE */
#define GMMU_APERTURE		GENMASK_ULL(2, 1)
#define GMMU_APT_PDE_INVALID	0ULL
#define GMMU_APT_SYS_COH	2ULL
#define GMMU_APT_SYS_NONCOH	3ULL
/* v2 */
#define GMMU2_VOL		BIT_ULL(3)
#define GMMU2_PRIV		BIT_ULL(5)
#define GMMU2_RO		BIT_ULL(6)
#define GMMU2_ATOMIC_DIS	BIT_ULL(7)
#define GMMU2_ADDR		GENMASK_ULL(53, 8)	/* pa >> 12 */
#define GMMU2_ADDR_BIG		GENMASK_ULL(53, 4)	/* pa >> 8 */
#define GMMU2_ADDR_SHIFT	4	/* the field is pa >> 4 in place */
/* v3: PCF 7:3 of a PTE, 5:3 of a PDE */
#define GMMU3_PCF_SHIFT		3
#define GMMU3_PCF_UNCACHED	BIT(0)
#define GMMU3_PCF_PRIV		BIT(1)
#define GMMU3_PCF_RO		BIT(2)
#define GMMU3_PCF_NO_ATOMIC	BIT(3)
#define GMMU3_PCF_ACD		BIT(4)
#define GMMU3_PTE_PCF		GENMASK_ULL(7, 3)
#define GMMU3_PDE_PCF_UNCACHED_ATS	1ULL
#define GMMU3_ADDR		GENMASK_ULL(51, 12)
#define GMMU3_ADDR_BIG		GENMASK_ULL(51, 8)

/* The view's mark of a big page table's PTE; no table ever holds it. */
#define GMMU_VIEW_BIG		BIT_ULL(63)

#define GMMU_SMALL_SHIFT	12
#define GMMU_BIG_SHIFT		16
#define GMMU_SPT_BYTES		4096	/* a small page table; the big one next */
#define GMMU_PAIR_BYTES		8192
#define GMMU_BIG128_SHIFT	17	/* v2 only */
#define GMMU_BIG_TABLE_ALIGN	256	/* ADDRESS_BIG is pa >> 8 */
#define GMMU_PD0_SHIFT		21
#define GMMU_PD1_SHIFT		29
#define GMMU_PD0_LEVEL		1
#define GMMU_PD1_LEVEL		2
#define GMMU2_IAS		49
#define GMMU3_IAS		57
#define GMMU2_MAX_OAS		52	/* the field holds 58; the host 52 */
#define GMMU3_MAX_OAS		52
#define GMMU_MIN_OAS		32

/* NV_RAMIN_PAGE_DIR_BASE */
#define GMMU_PDB_TARGET_SYS_COH	2ULL
#define GMMU_PDB_VOL		BIT_ULL(2)
#define GMMU_PDB_VER2		BIT_ULL(10)
#define GMMU_PDB_BIG_64K	BIT_ULL(11)
#define GMMU_PDB_ADDR		GENMASK_ULL(63, 12)

static inline bool gmmu_v3(const struct pt_cfg *cfg)
{
	return cfg->levels == 6;
}

/* Does the space use the big half of PD0 entries (64K or 128K) alone? */
static inline bool gmmu_big(const struct pt_cfg *cfg)
{
	return cfg->granule_shift != GMMU_SMALL_SHIFT;
}

/* Does the space use both halves (4K and 64K pages under one PD0 entry)? */
static inline bool gmmu_mixed(const struct pt_cfg *cfg)
{
	return cfg->lvl[0].pair;
}

static inline int gmmu_init(struct pt_cfg *cfg, const struct pt_params *p,
			    bool v3)
{
	u32 ias = v3 ? GMMU3_IAS : GMMU2_IAS;
	u64 both = (1ULL << GMMU_SMALL_SHIFT) | (1ULL << GMMU_BIG_SHIFT);
	bool mixed = (p->pgsize_bitmap & both) == both;
	u64 all = 0;
	unsigned int level;

	cfg->granule_shift = p->granule_shift ? p->granule_shift :
			     GMMU_SMALL_SHIFT;
	/* Both page tables under each PD0 entry: the granule stays 4K. */
	if (mixed && cfg->granule_shift != GMMU_SMALL_SHIFT)
		return -EINVAL;
	cfg->ias = p->ias ? p->ias : ias;
	cfg->oas = p->oas ? p->oas : (v3 ? GMMU3_MAX_OAS : GMMU2_MAX_OAS);
	if (cfg->granule_shift != GMMU_SMALL_SHIFT &&
	    cfg->granule_shift != GMMU_BIG_SHIFT &&
	    (v3 || cfg->granule_shift != GMMU_BIG128_SHIFT))
		return -EOPNOTSUPP;
	/* The hardware translates the whole VA: no shorter spaces. */
	if (cfg->ias != ias || cfg->oas < GMMU_MIN_OAS ||
	    cfg->oas > (v3 ? GMMU3_MAX_OAS : GMMU2_MAX_OAS))
		return -EINVAL;

	cfg->entry_shift = 3;
	cfg->leaf_linear = true;
	cfg->leaf_oa_shift = v3 ? 0 : GMMU2_ADDR_SHIFT;
	cfg->prot_mask = PT_PROT_READ | PT_PROT_WRITE | PT_PROT_PRIV |
			 PT_PROT_CACHE | PT_PROT_MMIO;
	cfg->levels = v3 ? 6 : 5;
	cfg->lvl[0] = (struct pt_level){
		.shift = cfg->granule_shift,
		.index_bits = GMMU_PD0_SHIFT - cfg->granule_shift,
		.pgsizes = 1ULL << cfg->granule_shift,
	};
	/* 16 x 128K: 128 bytes, allocated with the alignment PD0 needs. */
	if (cfg->granule_shift == GMMU_BIG128_SHIFT)
		cfg->lvl[0].table_bytes = GMMU_BIG_TABLE_ALIGN;
	if (mixed)
		cfg->lvl[0] = (struct pt_level){
			.shift = GMMU_SMALL_SHIFT,
			.index_bits = GMMU_PD0_SHIFT - GMMU_SMALL_SHIFT,
			.pair = true, .table_bytes = GMMU_PAIR_BYTES,
			.pgsizes = both,
		};
	cfg->lvl[1] = (struct pt_level){
		.shift = GMMU_PD0_SHIFT, .index_bits = 8, .dual = true,
		.pgsizes = 1ULL << GMMU_PD0_SHIFT,
	};
	for (level = 2; level < cfg->levels; level++)
		cfg->lvl[level] = (struct pt_level){
			.shift = GMMU_PD1_SHIFT + (level - 2) * 9,
			.index_bits = 9,
		};
	/* 512M at PD1: v3; v2 when asked for (Ampere and Ada). */
	if (v3 || (p->pgsize_bitmap & (1ULL << GMMU_PD1_SHIFT)))
		cfg->lvl[GMMU_PD1_LEVEL].pgsizes = 1ULL << GMMU_PD1_SHIFT;
	for (level = 0; level < cfg->levels; level++)
		all |= cfg->lvl[level].pgsizes;
	if (p->pgsize_bitmap & ~all)
		return -EINVAL;
	/* 128K big pages are Pascal's, v2 512M pages Ampere's and Ada's. */
	if (cfg->granule_shift == GMMU_BIG128_SHIFT &&
	    cfg->lvl[GMMU_PD1_LEVEL].pgsizes)
		return -EINVAL;
	cfg->pgsize_bitmap = p->pgsize_bitmap ? p->pgsize_bitmap : all;
	if (!(cfg->pgsize_bitmap & (1ULL << cfg->granule_shift)))
		return -EINVAL;
	return 0;
}

static inline int gmmu_check_prot(const struct pt_cfg *cfg, u32 prot)
{
	/* No write-only pages; cached and MMIO contradict each other. */
	if (!(prot & PT_PROT_READ))
		return -EINVAL;
	if ((prot & PT_PROT_CACHE) && (prot & PT_PROT_MMIO))
		return -EINVAL;
	return 0;
}

/* Does @level decode a PTE (VALID = 1)? */
static inline bool gmmu_leaf_level(const struct pt_cfg *cfg,
				   unsigned int level)
{
	return cfg->lvl[level].pgsizes;
}

static inline u64 gmmu_addr_mask(const struct pt_cfg *cfg, unsigned int level)
{
	bool big = level == GMMU_PD0_LEVEL && gmmu_big(cfg);

	if (gmmu_v3(cfg))
		return big ? GMMU3_ADDR_BIG : GMMU3_ADDR;
	return big ? GMMU2_ADDR_BIG : GMMU2_ADDR;
}

static inline u64 gmmu_mk_table(const struct pt_cfg *cfg, unsigned int level,
				u64 table_pa)
{
	u64 pde = GMMU_APT_SYS_COH << 1;

	if (gmmu_v3(cfg))
		return pde | (GMMU3_PDE_PCF_UNCACHED_ATS << GMMU3_PCF_SHIFT) |
		       (table_pa & gmmu_addr_mask(cfg, level));
	return pde | GMMU2_VOL |
	       ((table_pa >> GMMU2_ADDR_SHIFT) & gmmu_addr_mask(cfg, level));
}

static inline u64 gmmu_table_pa(const struct pt_cfg *cfg, unsigned int level,
				u64 pte)
{
	if (gmmu_v3(cfg))
		return pte & gmmu_addr_mask(cfg, level);
	return (pte & gmmu_addr_mask(cfg, level)) << GMMU2_ADDR_SHIFT;
}

static inline u64 gmmu_mk_leaf(const struct pt_cfg *cfg, unsigned int level,
			       u64 pa, u64 pgsize, u32 prot)
{
	u64 apt = prot & PT_PROT_CACHE ? GMMU_APT_SYS_COH : GMMU_APT_SYS_NONCOH;
	u64 pte = GMMU_VALID | apt << 1;
	u32 pcf = GMMU3_PCF_ACD;

	/* Each entry of a big page in a pair's view: the big PTE, marked. */
	if (!level && gmmu_mixed(cfg) && pgsize == 1ULL << GMMU_BIG_SHIFT) {
		pte |= GMMU_VIEW_BIG;
		pa &= ~(pgsize - 1);
	}

	if (gmmu_v3(cfg)) {
		if (prot & PT_PROT_MMIO)
			pcf |= GMMU3_PCF_UNCACHED;
		if (prot & PT_PROT_PRIV)
			pcf |= GMMU3_PCF_PRIV;
		if (!(prot & PT_PROT_WRITE))
			pcf |= GMMU3_PCF_RO;
		return pte | (u64)pcf << GMMU3_PCF_SHIFT | (pa & GMMU3_ADDR);
	}
	if (prot & PT_PROT_MMIO)
		pte |= GMMU2_VOL;
	if (prot & PT_PROT_PRIV)
		pte |= GMMU2_PRIV;
	if (!(prot & PT_PROT_WRITE))
		pte |= GMMU2_RO;
	return pte | ((pa >> GMMU2_ADDR_SHIFT) & GMMU2_ADDR);
}

static inline enum pt_entry_kind gmmu_kind(const struct pt_cfg *cfg,
					   unsigned int level, u64 pte)
{
	if (pte & GMMU_VALID)
		return gmmu_leaf_level(cfg, level) ? PT_ENTRY_LEAF :
						     PT_ENTRY_EMPTY;
	/* A PTE with VALID = 0 is invalid, whatever else it holds. */
	if (!level || !(pte & GMMU_APERTURE))
		return PT_ENTRY_EMPTY;
	return PT_ENTRY_TABLE;
}

/* A leaf is one entry, except a big page in a pair's view (16). */
static inline u64 gmmu_leaf_size(const struct pt_cfg *cfg, unsigned int level,
				 u64 pte)
{
	if (pte & GMMU_VIEW_BIG)
		return 1ULL << GMMU_BIG_SHIFT;
	return 1ULL << cfg->lvl[level].shift;
}

static inline u64 gmmu_leaf_pa(const struct pt_cfg *cfg, unsigned int level,
			       u64 pte)
{
	if (gmmu_v3(cfg))
		return pte & GMMU3_ADDR;
	return (pte & GMMU2_ADDR) << GMMU2_ADDR_SHIFT;
}

static inline u32 gmmu_leaf_prot(const struct pt_cfg *cfg, unsigned int level,
				 u64 pte)
{
	u64 apt = (pte & GMMU_APERTURE) >> 1;
	u32 prot = PT_PROT_READ;
	bool vol, priv, ro;

	if (gmmu_v3(cfg)) {
		u32 pcf = (pte & GMMU3_PTE_PCF) >> GMMU3_PCF_SHIFT;

		vol = pcf & GMMU3_PCF_UNCACHED;
		priv = pcf & GMMU3_PCF_PRIV;
		ro = pcf & GMMU3_PCF_RO;
	} else {
		vol = pte & GMMU2_VOL;
		priv = pte & GMMU2_PRIV;
		ro = pte & GMMU2_RO;
	}
	if (!ro)
		prot |= PT_PROT_WRITE;
	if (priv)
		prot |= PT_PROT_PRIV;
	if (apt == GMMU_APT_SYS_COH && !vol)
		prot |= PT_PROT_CACHE;
	if (apt == GMMU_APT_SYS_NONCOH && vol)
		prot |= PT_PROT_MMIO;
	return prot;
}

/* A mixed space's big-page-table pointer, for the pair at @table_pa. */
static inline u64 gmmu_mk_big_ptr(const struct pt_cfg *cfg, u64 table_pa)
{
	u64 lpt = table_pa + GMMU_SPT_BYTES;
	u64 pde = GMMU_APT_SYS_COH << 1;

	if (gmmu_v3(cfg))
		return pde | (GMMU3_PDE_PCF_UNCACHED_ATS << GMMU3_PCF_SHIFT) |
		       (lpt & GMMU3_ADDR_BIG);
	return pde | GMMU2_VOL | ((lpt >> GMMU2_ADDR_SHIFT) & GMMU2_ADDR_BIG);
}

/*
 * The dual PD0 entry as the engine sees it (engine/pt_fmt_defaults.h):
 * word 0 holds a 2M PTE or the big-page-table pointer, word 1 the
 * small-page-table pointer. In a big-half space the view is word 0; in the
 * others it is word 0 when that is a PTE, else word 1.
 *
 * A mixed space installs a pair by its small pointer (word 1, with
 * cmpxchg), then sets the big one. Until then the MMU sees the small table
 * alone, which is right while the big one is empty; but a map that finds
 * the pair through word 1 may write a big PTE the MMU would not see, so
 * every reader of such an entry sets word 0 first if it is still 0: it is
 * a function of word 1, and whoever writes it first writes the same value.
 * An entry is cleared only by an operation that owns its whole span.
 */
static inline u64 gmmu_dual_read(const struct pt_cfg *cfg, unsigned int level,
				 const void *table, unsigned int idx)
{
	/* The view may complete the entry: the table is not const for it. */
	u64 *e = (u64 *)table + 2 * idx;
	u64 w0 = READ_ONCE(e[0]), w1;

	if (gmmu_big(cfg) || (w0 & GMMU_VALID))
		return w0;
	w1 = READ_ONCE(e[1]);
	if (gmmu_mixed(cfg) && w1 && !w0)
		pt_cmpxchg_u64(&e[0], 0,
			       gmmu_mk_big_ptr(cfg, gmmu_table_pa(cfg, level, w1)));
	return w1;
}

static inline void gmmu_dual_write(const struct pt_cfg *cfg,
				   unsigned int level, void *table,
				   unsigned int idx, u64 pte)
{
	u64 *e = (u64 *)table + 2 * idx;

	if (!pte) {
		/* Small first: no reader then sets the big pointer again. */
		WRITE_ONCE(e[1], 0);
		WRITE_ONCE(e[0], 0);
	} else if (gmmu_big(cfg) || (pte & GMMU_VALID)) {
		WRITE_ONCE(e[0], pte);
	} else {
		WRITE_ONCE(e[1], pte);
		if (gmmu_mixed(cfg))
			WRITE_ONCE(e[0],
				   gmmu_mk_big_ptr(cfg,
						   gmmu_table_pa(cfg, level, pte)));
	}
}

static inline u64 gmmu_dual_cmpxchg(const struct pt_cfg *cfg,
				    unsigned int level, void *table,
				    unsigned int idx, u64 old, u64 pte)
{
	u64 *e = (u64 *)table + 2 * idx;
	u64 w0, seen;

	if (gmmu_big(cfg))
		return pt_cmpxchg_u64(&e[0], old, pte);
	/* A 2M PTE in word 0 is what the entry holds. */
	w0 = READ_ONCE(e[0]);
	if (w0 & GMMU_VALID)
		return w0;
	seen = pt_cmpxchg_u64(&e[1], old, pte);
	if (seen == old && gmmu_mixed(cfg))
		pt_cmpxchg_u64(&e[0], 0,
			       gmmu_mk_big_ptr(cfg, gmmu_table_pa(cfg, level, pte)));
	return seen;
}

/*
 * A mixed space's level-0 pair as the engine sees it: 512 entries of 4K,
 * each the big PTE that covers it (marked GMMU_VIEW_BIG) when that is
 * valid, else its small PTE. Level 0 is the only paired level.
 */
static inline u64 *gmmu_lpte(const struct pt_cfg *cfg, const void *table,
			     unsigned int idx)
{
	return (u64 *)((u8 *)table + GMMU_SPT_BYTES) +
	       (idx >> (GMMU_BIG_SHIFT - GMMU_SMALL_SHIFT));
}

static inline u64 gmmu_pair_read(const struct pt_cfg *cfg, unsigned int level,
				 const void *table, unsigned int idx)
{
	u64 big = READ_ONCE(*gmmu_lpte(cfg, table, idx));

	if (big & GMMU_VALID)
		return big | GMMU_VIEW_BIG;
	return READ_ONCE(((const u64 *)table)[idx]);
}

static inline void gmmu_pair_write(const struct pt_cfg *cfg,
				   unsigned int level, void *table,
				   unsigned int idx, u64 pte)
{
	u64 *big = gmmu_lpte(cfg, table, idx);
	unsigned int per = 1U << (GMMU_BIG_SHIFT - GMMU_SMALL_SHIFT);

	if (pte & GMMU_VIEW_BIG) {
		/* Published with its last entry, once all 16 were checked. */
		if ((idx & (per - 1)) == per - 1)
			WRITE_ONCE(*big, pte & ~GMMU_VIEW_BIG);
	} else if (!pte && (READ_ONCE(*big) & GMMU_VALID)) {
		WRITE_ONCE(*big, 0);
	} else {
		WRITE_ONCE(((u64 *)table)[idx], pte);
	}
}

/* Is the big page table of a pair all 0? */
static inline bool gmmu_pair_empty(const struct pt_cfg *cfg,
				   unsigned int level, const void *table)
{
	const u64 *big = gmmu_lpte(cfg, table, 0);
	unsigned int i, n = 1U << (GMMU_PD0_SHIFT - GMMU_BIG_SHIFT);

	for (i = 0; i < n; i++)
		if (READ_ONCE(big[i]))
			return false;
	return true;
}

/*
 * What the MMU reads (src/hw/walk.c does the same): both words of a dual
 * entry; in a pair, the big PTE, then the small one if the big is invalid.
 */
static inline unsigned int gmmu_walk_words(const struct pt_cfg *cfg,
					   unsigned int level,
					   const void *table, unsigned int idx,
					   u64 *words)
{
	const u64 *e = table;

	if (level) {
		words[0] = READ_ONCE(e[2 * idx]);
		words[1] = READ_ONCE(e[2 * idx + 1]);
		return 2;
	}
	words[0] = READ_ONCE(*gmmu_lpte(cfg, table, idx));
	if (words[0] & GMMU_VALID)
		return 1;
	words[1] = READ_ONCE(e[idx]);
	return 2;
}

static inline void gmmu_regs(const struct pt_cfg *cfg, u64 root_pa,
			     struct pt_hw_regs *regs)
{
	/* The big page size bit: 0 selects 128K (NV_RAMIN_BIG_PAGE_SIZE). */
	u64 big = cfg->granule_shift == GMMU_BIG128_SHIFT ? 0 :
		  GMMU_PDB_BIG_64K;

	regs->ttbr = GMMU_PDB_TARGET_SYS_COH | GMMU_PDB_VOL | GMMU_PDB_VER2 |
		     big | (root_pa & GMMU_PDB_ADDR);
	regs->tcr = (1ULL << cfg->ias) - 1;
	regs->mair = 0;
}

#endif /* PTLAB_FMT_NVIDIA_GMMU_H */
