/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PTLAB_FMT_ARM_LPAE_H
#define PTLAB_FMT_ARM_LPAE_H
/*
 * Arm VMSAv8-64 long-descriptor (LPAE) translation tables: stage 1 and
 * stage 2 as an Arm SMMU walks them, with the 4K, 16K and 64K granules,
 * and the variant that Arm Mali Midgard/Bifrost GPUs walk in their LPAE
 * address-space mode. Encodings follow the Arm Architecture Reference
 * Manual for A-profile (DDI 0487), "VMSAv8-64 translation table format
 * descriptors" and the TCR_EL1, VTCR_EL2, TTBR0_EL1 and VTTBR_EL2
 * register descriptions. Mali has no public specification: its variant
 * follows what Linux's io-pgtable-arm.c (ARM_MALI_LPAE, used by panfrost)
 * programs, checked against the bit names of Arm's own kbase driver.
 *
 * What struct pt_hw_regs holds:
 *   arm64-lpae-s1: ttbr = the TTBR0 value (the root address; with a 52-bit
 *	output size, address bits 51:48 in bits 5:2); tcr = the TTBR0 half
 *	of TCR (T0SZ, IRGN0, ORGN0, SH0, TG0), EPD1 to keep TTBR1 walks off,
 *	and IPS, with HA and HD for dirty tracking; mair = MAIR with the
 *	three attributes AttrIndx selects.
 *   arm64-lpae-s2: ttbr = VTTBR (root address as for TTBR0, VMID 0);
 *	tcr = VTCR (T0SZ, SL0, IRGN0, ORGN0, SH0, TG0, PS and RES1 bit 31);
 *	mair = 0: stage-2 descriptors carry their memory type themselves.
 *   arm-mali-lpae: ttbr = AS_TRANSTAB (root address | ADRMODE_TABLE |
 *	READ_INNER | SHARE_OUTER); tcr = 0, LPAE mode has no such register;
 *	mair = AS_MEMATTR, the eight attribute bytes AttrIndx selects.
 * Every value is the one for a table walker that snoops the CPU caches
 * (write-back, shareable walks), as the stage-1 format always assumed.
 *
 * Variants chosen at creation (PT_QUIRK_*, the uapi's PTLAB_CREATE_ARM_*,
 * after Linux's IO_PGTABLE_QUIRK_ARM_*):
 *   LPA2 (s1, s2; 4K and 16K granules): FEAT_LPA2 with TCR.DS (bit 59) or
 *	VTCR.DS (bit 32) set. Arm ARM D8.3 "Translation table descriptor
 *	formats", with DS = 1: output address bits 49:granule stay in place
 *	and OA[51:50] move to descriptor bits 9:8, where SH[1:0] was: the
 *	shareability of Normal memory then comes from TCR.SH0/SH1 (VTCR.SH0),
 *	as Linux's arch/arm64 does (pgtable-hwdef.h PTE_ADDR_HIGH = 0x3 << 8
 *	with PTE_ADDR_HIGH_SHIFT 42 for 4K/16K pages; pgtable-prot.h
 *	PTE_MAYBE_SHARED is 0 when lpa2_is_enabled()). Inputs up to 52 bits
 *	(TxSZ down to 12): with 4K one more level, level -1, of up to 16
 *	entries; blocks at level 0 with 4K (512G) and level 1 with 16K (64G)
 *	(D8.2, "block descriptors" table). TTBR BADDR[51:48] is in bits 5:2,
 *	as for FEAT_LPA (phys_to_ttbr()). The contiguous bit is not used at
 *	the new block levels. Stage 2 concatenates up to 16 tables at level 0
 *	for more than 48 input bits with 4K, as KVM does, and may start at
 *	level 0 with 16K (VTCR.SL0 = 0b11).
 *   TTBR1 (s1): the upper range. IOVAs have every bit above ias set
 *	(cfg->iova_base); the registers are TTBR1 and TCR's TTBR1 half: T1SZ
 *	(21:16), IRGN1 (25:24), ORGN1 (27:26), SH1 (29:28) and TG1 (31:30,
 *	encoded 4K 0b10, 16K 0b01, 64K 0b11), with EPD0 (bit 7) set instead
 *	of EPD1, as io-pgtable-arm's ARM_TTBR1 users (arm-smmu's
 *	arm_smmu_lpae_tcr()) program it.
 *   NS (s1): leaves set NS (bit 5) and table entries NSTable (bit 63), as
 *	io-pgtable-arm does for IO_PGTABLE_QUIRK_ARM_NS; a Non-secure walker
 *	ignores both.
 *   OUTER_WBWA (s1): a walker that does not snoop: TCR IRGN = 0b00
 *	(non-cacheable), ORGN = 0b01 (write-back write-allocate), SH = 0b10
 *	(outer shareable), io-pgtable-arm's coherent_walk = false with
 *	IO_PGTABLE_QUIRK_ARM_OUTER_WBWA.
 *   S2FWB (s2): FEAT_S2FWB's MemAttr (Arm ARM D8.6.6): MemAttr[3] is RES0,
 *	MemAttr[2] = 1 forces Normal memory with MemAttr[1:0] 0b10 write-back
 *	and 0b01 non-cacheable; MemAttr[2] = 0 is Device, [1:0] its type.
 *	Cacheable is 0b0110, as io-pgtable-arm's ARM_LPAE_PTE_MEMATTR_FWB_WB;
 *	mair holds HCR_EL2 with FWB (bit 46), the switch a hypervisor sets
 *	(an SMMUv3 sets STE.S2FWB instead).
 *
 * Not modelled: FEAT_LPA2 on Mali, hardware dirty state at stage 2.
 *
 * Hardware dirty state (FEAT_HAFDBS), stage 1 only, as Linux's
 * io-pgtable-arm (IO_PGTABLE_QUIRK_ARM_HD) and the SMMUv3 driver use it:
 * TCR.HA (bit 39) and TCR.HD (bit 40) enable the hardware's updates of AF
 * and of the dirty state (the SMMU's CD holds them in bits 43 and 42). A
 * writable leaf has DBM (bit 51): AP[2] = 1 with DBM is writable-clean, and
 * the first write clears AP[2] (writable-dirty); read-only leaves have no
 * DBM. Linux maps writable leaves dirty (AP[2] = 0); ptlab maps them clean,
 * so that the first bitmap shows only what devices wrote. Clearing sets
 * AP[2] again (iopte_set_writeable_clean()). AF is set at map, as Linux
 * does, so HA has nothing to do here.
 */
#include "engine/pt_engine.h"
#include "fmt/pt_formats.h"

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
#define LPAE_NG			BIT_ULL(11)	/* not global: tagged with the ASID */
#define LPAE_DBM		BIT_ULL(51)	/* dirty bit modifier */
#define LPAE_CONT		BIT_ULL(52)	/* one of a contiguous run */
#define LPAE_PXN		BIT_ULL(53)
#define LPAE_UXN		BIT_ULL(54)

/* Stage 2: S2AP[1:0] in bits 7:6, MemAttr[3:0] in bits 5:2, XN. */
#define S2_AP_READ		BIT_ULL(6)
#define S2_AP_WRITE		BIT_ULL(7)
#define S2_MEMATTR_SHIFT	2
#define S2_MEMATTR_MASK		(0xfULL << S2_MEMATTR_SHIFT)
#define S2_MEMATTR_DEV		0x1ULL	/* Device-nGnRE */
#define S2_MEMATTR_NC		0x5ULL	/* Normal, outer and inner NC */
#define S2_MEMATTR_WB		0xfULL	/* Normal, outer and inner WB */
/*
 * XN[1] of FEAT_XNX's XN[1:0] (bits 54:53): set alone (0b10) it forbids
 * execution at EL1 and EL0, and without FEAT_XNX bit 54 is XN itself.
 */
#define S2_XN			BIT_ULL(54)

/*
 * Mali: a leaf is an "address translation entry", type 0b01 at every
 * level (the last included); 0b11 is a table above the last level and
 * means nothing at it. Separate read and write permissions in bits 6 and
 * 7, no access flag. Linux writes both XN bits as stage 1 would; kbase
 * names bit 54 the no-execute bit, which is what decoding looks at.
 */
#define MALI_TYPE_ATE		0x1ULL
#define MALI_READ		BIT_ULL(6)
#define MALI_WRITE		BIT_ULL(7)
#define MALI_XN			(LPAE_PXN | LPAE_UXN)
#define MALI_NX			LPAE_UXN

/* MAIR (stage 1) and AS_MEMATTR (Mali) slots, one byte each. */
#define LPAE_ATTR_NC		0	/* normal, inner/outer non-cacheable */
#define LPAE_ATTR_WB		1	/* normal, write-back RW-allocate */
#define LPAE_ATTR_DEV		2	/* device-nGnRE */
#define LPAE_MAIR_NC		0x44ULL
#define LPAE_MAIR_WB		0xffULL
#define LPAE_MAIR_DEV		0x04ULL
/*
 * Mali has no non-cacheable or device type: Linux programs its
 * implementation-defined policy (0x88) into the NC and device slots and
 * write-allocate (0x8d) into the cached one.
 */
#define MALI_MEMATTR_IMP_DEF	0x88ULL
#define MALI_MEMATTR_WRITE_ALLOC 0x8dULL

/* TCR and VTCR fields for TTBR0 walks; TTBR1 walks are disabled. */
#define LPAE_TCR_IRGN0_WBWA	BIT_ULL(8)
#define LPAE_TCR_ORGN0_WBWA	BIT_ULL(10)
#define LPAE_TCR_SH0_OUTER	(2ULL << 12)
#define LPAE_TCR_SH0_INNER	(3ULL << 12)
#define LPAE_TCR_EPD0		BIT_ULL(7)
#define LPAE_TCR_T1_SHIFT	16	/* TTBR1 half: T0 fields + 16 */
#define LPAE_TCR_TG1_4K		2ULL
#define LPAE_TCR_TG1_16K	1ULL
#define LPAE_TCR_TG1_64K	3ULL
#define LPAE_TCR_TG1_SHIFT	30
#define LPAE_TCR_DS		BIT_ULL(59)
#define LPAE_VTCR_DS		BIT_ULL(32)
#define LPAE_HCR_FWB		BIT_ULL(46)

/* FEAT_LPA2: OA[51:50] in descriptor bits 9:8 (PTE_ADDR_HIGH). */
#define LPA2_OA_HI_BITS		GENMASK_ULL(9, 8)
#define LPA2_OA_HI_SHIFT	42

/* NS of leaves (bit 5) and NSTable of table entries (bit 63). */
#define LPAE_NS			BIT_ULL(5)
#define LPAE_NSTABLE		BIT_ULL(63)

/* FEAT_S2FWB MemAttr: forced write-back (0b0110). */
#define S2_MEMATTR_FWB_WB	0x6ULL
#define LPAE_TCR_TG0_SHIFT	14
#define LPAE_TCR_TG0_4K		0ULL
#define LPAE_TCR_TG0_64K	1ULL
#define LPAE_TCR_TG0_16K	2ULL
#define LPAE_TCR_EPD1		BIT_ULL(23)
#define LPAE_TCR_IPS_SHIFT	32
#define LPAE_TCR_HA		BIT_ULL(39)
#define LPAE_TCR_HD		BIT_ULL(40)
#define LPAE_VTCR_SL0_SHIFT	6
#define LPAE_VTCR_PS_SHIFT	16
#define LPAE_VTCR_RES1		BIT_ULL(31)

/* Mali AS_TRANSTAB: the root address with its walk attributes. */
#define MALI_TRANSTAB_ADRMODE_TABLE	0x3ULL
#define MALI_TRANSTAB_READ_INNER	BIT_ULL(2)
#define MALI_TRANSTAB_SHARE_OUTER	BIT_ULL(4)

#define LPAE_GRANULE_4K		12
#define LPAE_GRANULE_16K	14
#define LPAE_GRANULE_64K	16

/*
 * Output addresses above 48 bits (FEAT_LPA, 64K granule only): address
 * bits 51:48 sit in descriptor bits 15:12, and in TTBR/VTTBR bits 5:2.
 */
#define LPAE_OA_HI_BITS		GENMASK_ULL(15, 12)
#define LPAE_OA_HI_SHIFT	36

/* Stage 2 may join up to 16 tables at its first level (2^4). */
#define LPAE_S2_CONCAT_SHIFT	4

#define LPAE_PROT_NO_PRIV	(PT_PROT_READ | PT_PROT_WRITE | PT_PROT_EXEC | \
				 PT_PROT_CACHE | PT_PROT_MMIO)

static inline bool lpae_lpa2(const struct pt_cfg *cfg)
{
	return cfg->quirks & PT_QUIRK_ARM_LPA2;
}

/* The IPS/PS encoding of the output size, or -EINVAL. */
static inline int lpae_ps(const struct pt_cfg *cfg)
{
	switch (cfg->oas) {
	case 32: return 0;
	case 36: return 1;
	case 40: return 2;
	case 42: return 3;
	case 44: return 4;
	case 48: return 5;
	}
	/* 52 bits: FEAT_LPA with the 64K granule, FEAT_LPA2 with the others. */
	if (cfg->oas == 52 &&
	    (cfg->granule_shift == LPAE_GRANULE_64K || lpae_lpa2(cfg)))
		return 6;
	return -EINVAL;
}

/*
 * Arm numbers levels from the top of a 4-level walk: level 3 is the last,
 * and FEAT_LPA2's fifth level is -1.
 */
static inline int lpae_arm_level(unsigned int level)
{
	return 3 - (int)level;
}

/*
 * Granule, input and output size of a VMSAv8-64 tree, and the levels of a
 * walk that starts where the input size needs it to: bits_per_level =
 * granule_shift - 3 index bits per table, the top table gets what is left.
 */
static inline int lpae_init_geometry(struct pt_cfg *cfg, const struct pt_params *p,
				     u32 quirks)
{
	u32 bits_per_level, level, max_ias;

	cfg->granule_shift = p->granule_shift ? p->granule_shift : 12;
	cfg->ias = p->ias ? p->ias : 48;
	cfg->oas = p->oas ? p->oas : 48;
	/* The variants this format has; pt_cfg_init() refuses the others. */
	cfg->quirks = p->quirks & quirks;
	if (cfg->granule_shift != LPAE_GRANULE_4K &&
	    cfg->granule_shift != LPAE_GRANULE_16K &&
	    cfg->granule_shift != LPAE_GRANULE_64K)
		return -EOPNOTSUPP;
	/* TCR.DS means nothing with 64K, which has FEAT_LPA/LVA instead. */
	if (lpae_lpa2(cfg) && cfg->granule_shift == LPAE_GRANULE_64K)
		return -EINVAL;
	/* 52-bit input: FEAT_LVA (FEAT_LPA at stage 2) with 64K, or LPA2. */
	max_ias = cfg->granule_shift == LPAE_GRANULE_64K || lpae_lpa2(cfg) ?
		  52 : 48;
	if (cfg->ias < 32 || cfg->ias > max_ias || lpae_ps(cfg) < 0)
		return -EINVAL;
	if (cfg->quirks & PT_QUIRK_ARM_TTBR1)
		cfg->iova_base = ~0ULL << cfg->ias;

	cfg->entry_shift = 3;
	/* Output address bits in place, but for 52-bit OA's split field. */
	cfg->leaf_linear = cfg->oas <= (lpae_lpa2(cfg) ? 50U : 48U);
	bits_per_level = cfg->granule_shift - cfg->entry_shift;
	cfg->levels = (cfg->ias - cfg->granule_shift + bits_per_level - 1) /
		      bits_per_level;
	for (level = 0; level < cfg->levels; level++) {
		u32 shift = cfg->granule_shift + level * bits_per_level;

		cfg->lvl[level].shift = shift;
		cfg->lvl[level].index_bits = cfg->ias - shift < bits_per_level ?
					     cfg->ias - shift : bits_per_level;
	}
	return 0;
}

/*
 * Levels with block or page descriptors: 4K pages, 2M and 1G blocks; 16K
 * pages and 32M blocks; 64K pages, 512M blocks, and 4T blocks when output
 * addresses have 52 bits. FEAT_LPA2 adds 512G blocks at 4K level 0 and
 * 64G blocks at 16K level 1.
 */
static inline bool lpae_has_leaves(const struct pt_cfg *cfg, unsigned int level)
{
	switch (cfg->granule_shift) {
	case LPAE_GRANULE_4K:
		return level <= 2 || (level == 3 && lpae_lpa2(cfg));
	case LPAE_GRANULE_16K:
		return level <= 1 || (level == 2 && lpae_lpa2(cfg));
	}
	return level <= 1 || (level == 2 && cfg->oas > 48);
}

/*
 * log2 of the entries a run with the contiguous bit spans at @level: 16
 * at every 4K level (64K, 32M, 16G); 128 16K pages (2M) and 32 32M blocks
 * (1G); 32 64K pages (2M) and 32 512M blocks (16G). None for 4T blocks.
 */
static inline unsigned int lpae_cont_shift(const struct pt_cfg *cfg,
					   unsigned int level)
{
	switch (cfg->granule_shift) {
	case LPAE_GRANULE_4K:
		return level <= 2 ? 4 : 0;
	case LPAE_GRANULE_16K:
		return level > 1 ? 0 : level ? 5 : 7;
	}
	return level < 2 ? 5 : 0;
}

/*
 * Leaf sizes per level and the address space's page sizes. The sizes of
 * contiguous runs (@cont) need a table large enough to hold a run; they
 * are used only when asked for: a walker that ignores the hint sees each
 * entry as a leaf of its own. The default is what a driver uses: the
 * granule and the blocks.
 */
static inline int lpae_init_pgsizes(struct pt_cfg *cfg, const struct pt_params *p,
				    bool cont)
{
	unsigned int level, cont_shift;
	u64 all = 0, basic = 0;

	for (level = 0; level < cfg->levels; level++) {
		struct pt_level *lvl = &cfg->lvl[level];

		if (!lpae_has_leaves(cfg, level))
			continue;
		lvl->pgsizes = 1ULL << lvl->shift;
		cont_shift = cont ? lpae_cont_shift(cfg, level) : 0;
		if (cont_shift && lvl->index_bits >= cont_shift)
			lvl->pgsizes |= 1ULL << (lvl->shift + cont_shift);
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

static inline int lpae_s1_init(struct pt_cfg *cfg, const struct pt_params *p)
{
	int ret = lpae_init_geometry(cfg, p, PT_QUIRK_ARM_LPA2 |
				     PT_QUIRK_ARM_TTBR1 | PT_QUIRK_ARM_NS |
				     PT_QUIRK_ARM_OUTER_WBWA);

	if (ret)
		return ret;
	cfg->prot_mask = PT_PROT_ALL;
	return lpae_init_pgsizes(cfg, p, true);
}

/*
 * May a stage-2 walk start at Arm level @start? The architecture
 * (AArch64.S2InvalidSL) refuses level 0 with the 4K granule below 44 bits
 * of physical address, level 1 with 16K below 42 bits and with 64K below
 * 44 bits; 16K level 0 needs FEAT_LPA2. The output size stands for the
 * implemented physical address size here, as in Linux.
 */
static inline bool lpae_s2_start_ok(const struct pt_cfg *cfg, int start)
{
	switch (cfg->granule_shift) {
	case LPAE_GRANULE_4K:
		/* Level -1 would need VTCR.SL2; Linux and KVM concatenate. */
		return start > 0 || (start == 0 && cfg->oas >= 44);
	case LPAE_GRANULE_16K:
		return start > 1 || (start == 1 && cfg->oas >= 42) ||
		       (start == 0 && lpae_lpa2(cfg));
	}
	return start > 1 || (start == 1 && cfg->oas >= 44);
}

/*
 * Stage 2 can start one level lower with 2 to 16 tables side by side
 * ("concatenated"), aligned to their total size, that the next level's
 * index extends into: the top level then has more index bits. Linux 6.12
 * (io-pgtable-arm) does so whenever the walk would start at level 0 with
 * at most 16 entries there, to save a level; the architecture requires it
 * where the natural start level is not allowed (later Linux:
 * arm_lpae_concat_mandatory()). A start level that no concatenation makes
 * valid is -EINVAL.
 */
static inline int lpae_s2_init(struct pt_cfg *cfg, const struct pt_params *p)
{
	unsigned int top, extra;
	int start, ret;

	ret = lpae_init_geometry(cfg, p, PT_QUIRK_ARM_LPA2 | PT_QUIRK_ARM_S2FWB);
	if (ret)
		return ret;
	top = cfg->levels - 1;
	start = lpae_arm_level(top);
	extra = cfg->lvl[top].index_bits;
	if (!lpae_s2_start_ok(cfg, start) ||
	    (start <= 0 && extra <= LPAE_S2_CONCAT_SHIFT)) {
		if (top < 1 || extra > LPAE_S2_CONCAT_SHIFT ||
		    !lpae_s2_start_ok(cfg, start + 1))
			return -EINVAL;
		cfg->lvl[top - 1].index_bits += extra;
		cfg->lvl[top] = (struct pt_level){};
		cfg->levels--;
	}
	cfg->prot_mask = LPAE_PROT_NO_PRIV;
	return lpae_init_pgsizes(cfg, p, true);
}

/*
 * Mali: 4K granule only, input up to 48 bits and output up to 40 (as
 * Linux allows). The walk always has four levels whatever the input size
 * (Linux: "Mali seems to need a full 4-level table regardless of IAS"),
 * from a top table of 512 entries indexed by address bits 47:39 (those
 * above the input size stay unused) on a 4K page, as AS_TRANSTAB takes a
 * 4K-aligned address. No contiguous hint: neither Linux nor kbase uses it
 * on Mali.
 */
static inline int mali_init(struct pt_cfg *cfg, const struct pt_params *p)
{
	unsigned int level;

	cfg->granule_shift = p->granule_shift ? p->granule_shift : 12;
	cfg->ias = p->ias ? p->ias : 48;
	cfg->oas = p->oas ? p->oas : 40;
	if (cfg->granule_shift != LPAE_GRANULE_4K)
		return -EOPNOTSUPP;
	if (cfg->ias < 32 || cfg->ias > 48 || cfg->oas < 32 || cfg->oas > 40)
		return -EINVAL;

	cfg->entry_shift = 3;
	cfg->leaf_linear = true;
	cfg->levels = 4;
	for (level = 0; level < cfg->levels; level++) {
		cfg->lvl[level].shift = LPAE_GRANULE_4K + 9 * level;
		cfg->lvl[level].index_bits = 9;
	}
	cfg->prot_mask = LPAE_PROT_NO_PRIV;
	return lpae_init_pgsizes(cfg, p, false);
}

static inline int lpae_s1_check_prot(const struct pt_cfg *cfg, u32 prot)
{
	/* Stage 1 cannot express write-only or no-access mappings. */
	if (!(prot & PT_PROT_READ))
		return -EINVAL;
	if ((prot & PT_PROT_CACHE) && (prot & PT_PROT_MMIO))
		return -EINVAL;
	return 0;
}

/* Stage 2 and Mali: separate read and write bits; one memory type. */
static inline int lpae_rw_check_prot(const struct pt_cfg *cfg, u32 prot)
{
	if (!(prot & (PT_PROT_READ | PT_PROT_WRITE)))
		return -EINVAL;
	if ((prot & PT_PROT_CACHE) && (prot & PT_PROT_MMIO))
		return -EINVAL;
	return 0;
}

/* The highest address bit in place: 47, or 49 with FEAT_LPA2. */
static inline u32 lpae_oa_top(const struct pt_cfg *cfg)
{
	return lpae_lpa2(cfg) ? 49 : 47;
}

/* Output address bits a leaf at @level holds in place. */
static inline u64 lpae_oa_mask(const struct pt_cfg *cfg, unsigned int level)
{
	u32 top = min(cfg->oas - 1, lpae_oa_top(cfg));

	return GENMASK_ULL(top, cfg->lvl[level].shift);
}

/* The bits above those in place: 51:48 (FEAT_LPA) or 51:50 (LPA2). */
static inline u64 lpae_oa_hi(const struct pt_cfg *cfg, u64 pa)
{
	if (cfg->oas <= lpae_oa_top(cfg) + 1)
		return 0;
	if (lpae_lpa2(cfg))
		return (pa >> LPA2_OA_HI_SHIFT) & LPA2_OA_HI_BITS;
	return (pa >> LPAE_OA_HI_SHIFT) & LPAE_OA_HI_BITS;
}

static inline u64 lpae_pa_hi(const struct pt_cfg *cfg, u64 pte)
{
	if (cfg->oas <= lpae_oa_top(cfg) + 1)
		return 0;
	if (lpae_lpa2(cfg))
		return (pte & LPA2_OA_HI_BITS) << LPA2_OA_HI_SHIFT;
	return (pte & LPAE_OA_HI_BITS) << LPAE_OA_HI_SHIFT;
}

static inline u64 lpae_pa_to_oa(const struct pt_cfg *cfg, unsigned int level, u64 pa)
{
	return (pa & lpae_oa_mask(cfg, level)) | lpae_oa_hi(cfg, pa);
}

static inline u64 lpae_oa_to_pa(const struct pt_cfg *cfg, unsigned int level,
				u64 pte)
{
	return (pte & lpae_oa_mask(cfg, level)) | lpae_pa_hi(cfg, pte);
}

/* A next-level table address: bits 47 (49):granule, the rest as leaves. */
static inline u64 lpae_table_pa(const struct pt_cfg *cfg, u64 pte)
{
	return (pte & GENMASK_ULL(lpae_oa_top(cfg), cfg->granule_shift)) |
	       lpae_pa_hi(cfg, pte);
}

static inline u64 lpae_mk_table(const struct pt_cfg *cfg, unsigned int level,
				u64 table_pa)
{
	u64 pte = (table_pa & GENMASK_ULL(lpae_oa_top(cfg), cfg->granule_shift)) |
		  lpae_oa_hi(cfg, table_pa);

	if (cfg->quirks & PT_QUIRK_ARM_NS)
		pte |= LPAE_NSTABLE;
	return pte | LPAE_TYPE_TABLE;
}

/*
 * The descriptor's shareability, unless FEAT_LPA2 took its bits for the
 * address (then TCR.SH0/SH1 or VTCR.SH0 applies to Normal memory).
 */
static inline u64 lpae_sh(const struct pt_cfg *cfg, u64 sh)
{
	return lpae_lpa2(cfg) ? 0 : sh;
}

/* Address, type, AF and contiguous bit: what stages 1 and 2 share. */
static inline u64 lpae_leaf_base(const struct pt_cfg *cfg, unsigned int level,
				 u64 pa, u64 pgsize)
{
	u64 pte = lpae_pa_to_oa(cfg, level, pa) | LPAE_AF;

	if (pgsize != 1ULL << cfg->lvl[level].shift)
		pte |= LPAE_CONT;
	return pte | (level ? LPAE_TYPE_BLOCK : LPAE_TYPE_PAGE);
}

/*
 * Every stage-1 leaf is not global (nG), as io-pgtable-arm makes them: an
 * SMMU context has an ASID, and a global TLB entry would match every ASID.
 */
static inline u64 lpae_s1_mk_leaf(const struct pt_cfg *cfg, unsigned int level,
				  u64 pa, u64 pgsize, u32 prot)
{
	u64 pte = lpae_leaf_base(cfg, level, pa, pgsize) | LPAE_NG;

	if (cfg->quirks & PT_QUIRK_ARM_NS)
		pte |= LPAE_NS;
	if (!(prot & PT_PROT_PRIV))
		pte |= LPAE_AP_UNPRIV;
	if (!(prot & PT_PROT_WRITE))
		pte |= LPAE_AP_RDONLY;
	else if (cfg->dirty)
		pte |= LPAE_DBM | LPAE_AP_RDONLY;	/* writable-clean */
	if (!(prot & PT_PROT_EXEC))
		pte |= LPAE_UXN | LPAE_PXN;
	if (prot & PT_PROT_CACHE)
		pte |= (u64)LPAE_ATTR_WB << LPAE_ATTRINDX_SHIFT |
		       lpae_sh(cfg, LPAE_SH_INNER);
	else if (prot & PT_PROT_MMIO)
		pte |= (u64)LPAE_ATTR_DEV << LPAE_ATTRINDX_SHIFT |
		       lpae_sh(cfg, LPAE_SH_OUTER);
	else
		pte |= (u64)LPAE_ATTR_NC << LPAE_ATTRINDX_SHIFT |
		       lpae_sh(cfg, LPAE_SH_OUTER);
	return pte;
}

static inline u64 lpae_s2_mk_leaf(const struct pt_cfg *cfg, unsigned int level,
				  u64 pa, u64 pgsize, u32 prot)
{
	u64 pte = lpae_leaf_base(cfg, level, pa, pgsize);

	if (prot & PT_PROT_READ)
		pte |= S2_AP_READ;
	if (prot & PT_PROT_WRITE)
		pte |= S2_AP_WRITE;
	if (!(prot & PT_PROT_EXEC))
		pte |= S2_XN;
	if (prot & PT_PROT_CACHE)
		pte |= (cfg->quirks & PT_QUIRK_ARM_S2FWB ? S2_MEMATTR_FWB_WB :
			S2_MEMATTR_WB) << S2_MEMATTR_SHIFT |
		       lpae_sh(cfg, LPAE_SH_INNER);
	else if (prot & PT_PROT_MMIO)
		pte |= S2_MEMATTR_DEV << S2_MEMATTR_SHIFT |
		       lpae_sh(cfg, LPAE_SH_OUTER);
	else
		pte |= S2_MEMATTR_NC << S2_MEMATTR_SHIFT |
		       lpae_sh(cfg, LPAE_SH_OUTER);
	return pte;
}

/* Mali shareability is always outer: "outside the GPU" (Linux). */
static inline u64 mali_mk_leaf(const struct pt_cfg *cfg, unsigned int level, u64 pa,
			       u64 pgsize, u32 prot)
{
	u64 pte = lpae_pa_to_oa(cfg, level, pa) | MALI_TYPE_ATE | LPAE_SH_OUTER;

	if (prot & PT_PROT_READ)
		pte |= MALI_READ;
	if (prot & PT_PROT_WRITE)
		pte |= MALI_WRITE;
	if (!(prot & PT_PROT_EXEC))
		pte |= MALI_XN;
	if (prot & PT_PROT_CACHE)
		pte |= (u64)LPAE_ATTR_WB << LPAE_ATTRINDX_SHIFT;
	else if (prot & PT_PROT_MMIO)
		pte |= (u64)LPAE_ATTR_DEV << LPAE_ATTRINDX_SHIFT;
	else
		pte |= (u64)LPAE_ATTR_NC << LPAE_ATTRINDX_SHIFT;
	return pte;
}

static inline enum pt_entry_kind lpae_kind(const struct pt_cfg *cfg,
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

static inline enum pt_entry_kind mali_kind(const struct pt_cfg *cfg,
					   unsigned int level, u64 pte)
{
	u64 type = pte & LPAE_TYPE_MASK;

	if (level && type == LPAE_TYPE_TABLE)
		return PT_ENTRY_TABLE;
	if (type == MALI_TYPE_ATE && cfg->lvl[level].pgsizes)
		return PT_ENTRY_LEAF;
	return PT_ENTRY_EMPTY;
}

static inline u64 lpae_leaf_size(const struct pt_cfg *cfg, unsigned int level,
				 u64 pte)
{
	u64 span = 1ULL << cfg->lvl[level].shift;

	return pte & LPAE_CONT ? span << lpae_cont_shift(cfg, level) : span;
}

static inline u64 lpae_entry_pa(const struct pt_cfg *cfg, unsigned int level,
				u64 pte)
{
	if (lpae_kind(cfg, level, pte) == PT_ENTRY_TABLE)
		return lpae_table_pa(cfg, pte);
	/* A contiguous run starts at the run's aligned address. */
	return lpae_oa_to_pa(cfg, level, pte) &
	       ~(lpae_leaf_size(cfg, level, pte) - 1);
}

static inline u64 mali_entry_pa(const struct pt_cfg *cfg, unsigned int level,
				u64 pte)
{
	if (mali_kind(cfg, level, pte) == PT_ENTRY_TABLE)
		return lpae_table_pa(cfg, pte);
	return lpae_oa_to_pa(cfg, level, pte);
}

static inline u32 lpae_s1_leaf_prot(const struct pt_cfg *cfg, unsigned int level,
				    u64 pte)
{
	u32 attr = (pte & LPAE_ATTRINDX_MASK) >> LPAE_ATTRINDX_SHIFT;
	u32 prot = PT_PROT_READ;

	/* DBM makes a read-only entry writable-clean. */
	if (!(pte & LPAE_AP_RDONLY) || (pte & LPAE_DBM))
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

/*
 * MemAttr[3:2] 0b00 is Device memory (of any kind); otherwise Normal with
 * the outer policy in [3:2] and the inner in [1:0]: CACHE is write-back
 * on both. With FEAT_S2FWB, MemAttr[2] = 0 is Device and 0b0110 forced
 * write-back.
 */
static inline u32 lpae_s2_leaf_prot(const struct pt_cfg *cfg, unsigned int level,
				    u64 pte)
{
	u64 attr = (pte & S2_MEMATTR_MASK) >> S2_MEMATTR_SHIFT;
	u32 prot = 0;

	if (pte & S2_AP_READ)
		prot |= PT_PROT_READ;
	if (pte & S2_AP_WRITE)
		prot |= PT_PROT_WRITE;
	if (!(pte & S2_XN))
		prot |= PT_PROT_EXEC;
	if (cfg->quirks & PT_QUIRK_ARM_S2FWB) {
		if (attr == S2_MEMATTR_FWB_WB)
			prot |= PT_PROT_CACHE;
		else if (!(attr & 0x4))
			prot |= PT_PROT_MMIO;
		return prot;
	}
	if (attr == S2_MEMATTR_WB)
		prot |= PT_PROT_CACHE;
	else if (!(attr & 0xc))
		prot |= PT_PROT_MMIO;
	return prot;
}

static inline u32 mali_leaf_prot(const struct pt_cfg *cfg, unsigned int level,
				 u64 pte)
{
	u32 attr = (pte & LPAE_ATTRINDX_MASK) >> LPAE_ATTRINDX_SHIFT;
	u32 prot = 0;

	if (pte & MALI_READ)
		prot |= PT_PROT_READ;
	if (pte & MALI_WRITE)
		prot |= PT_PROT_WRITE;
	if (!(pte & MALI_NX))
		prot |= PT_PROT_EXEC;
	if (attr == LPAE_ATTR_WB)
		prot |= PT_PROT_CACHE;
	else if (attr == LPAE_ATTR_DEV)
		prot |= PT_PROT_MMIO;
	return prot;
}

/* Writable-dirty: DBM with AP[2] clear (Linux's iopte_writeable_dirty()). */
static inline bool lpae_s1_leaf_dirty(const struct pt_cfg *cfg,
				      unsigned int level, u64 pte)
{
	return (pte & (LPAE_DBM | LPAE_AP_RDONLY)) == LPAE_DBM;
}

static inline u64 lpae_s1_leaf_clean(const struct pt_cfg *cfg,
				     unsigned int level, u64 pte)
{
	return pte & LPAE_DBM ? pte | LPAE_AP_RDONLY : pte;
}

/* TTBR/VTTBR BADDR: with 52-bit output, address bits 51:48 in 5:2. */
static inline u64 lpae_baddr(const struct pt_cfg *cfg, u64 root_pa)
{
	if (cfg->oas <= 48)
		return root_pa;
	return (root_pa & GENMASK_ULL(47, 0)) |
	       ((root_pa >> 46) & GENMASK_ULL(5, 2));
}

/* TG0 (TCR and VTCR bits 15:14): 4K 0b00, 64K 0b01, 16K 0b10. */
static inline u64 lpae_tg0(const struct pt_cfg *cfg)
{
	switch (cfg->granule_shift) {
	case LPAE_GRANULE_16K:
		return LPAE_TCR_TG0_16K << LPAE_TCR_TG0_SHIFT;
	case LPAE_GRANULE_64K:
		return LPAE_TCR_TG0_64K << LPAE_TCR_TG0_SHIFT;
	}
	return LPAE_TCR_TG0_4K << LPAE_TCR_TG0_SHIFT;
}

/* TG1 (TCR bits 31:30) encodes the granule differently from TG0. */
static inline u64 lpae_tg1(const struct pt_cfg *cfg)
{
	switch (cfg->granule_shift) {
	case LPAE_GRANULE_16K:
		return LPAE_TCR_TG1_16K << LPAE_TCR_TG1_SHIFT;
	case LPAE_GRANULE_64K:
		return LPAE_TCR_TG1_64K << LPAE_TCR_TG1_SHIFT;
	}
	return LPAE_TCR_TG1_4K << LPAE_TCR_TG1_SHIFT;
}

static inline void lpae_s1_regs(const struct pt_cfg *cfg, u64 root_pa,
				struct pt_hw_regs *regs)
{
	/* T0SZ, IRGN0, ORGN0, SH0: the TTBR1 half has them 16 bits up. */
	u64 half = (64 - cfg->ias) | LPAE_TCR_IRGN0_WBWA |
		   LPAE_TCR_ORGN0_WBWA | LPAE_TCR_SH0_INNER;

	if (cfg->quirks & PT_QUIRK_ARM_OUTER_WBWA)
		half = (64 - cfg->ias) | LPAE_TCR_ORGN0_WBWA |
		       LPAE_TCR_SH0_OUTER;
	regs->ttbr = lpae_baddr(cfg, root_pa);
	if (cfg->quirks & PT_QUIRK_ARM_TTBR1)
		regs->tcr = half << LPAE_TCR_T1_SHIFT | lpae_tg1(cfg) |
			    LPAE_TCR_EPD0;
	else
		regs->tcr = half | lpae_tg0(cfg) | LPAE_TCR_EPD1;
	regs->tcr |= (u64)lpae_ps(cfg) << LPAE_TCR_IPS_SHIFT;
	if (lpae_lpa2(cfg))
		regs->tcr |= LPAE_TCR_DS;
	if (cfg->dirty)
		regs->tcr |= LPAE_TCR_HA | LPAE_TCR_HD;
	regs->mair = LPAE_MAIR_NC << (8 * LPAE_ATTR_NC) |
		     LPAE_MAIR_WB << (8 * LPAE_ATTR_WB) |
		     LPAE_MAIR_DEV << (8 * LPAE_ATTR_DEV);
}

/*
 * VTCR.SL0 names the start level: with 4K, 0b00 level 2, 0b01 level 1,
 * 0b10 level 0; with 16K and 64K, 0b00 level 3, 0b01 level 2, 0b10 level
 * 1. The top table may be concatenated: the start level is that of the
 * top table's entries whatever their number.
 */
static inline void lpae_s2_regs(const struct pt_cfg *cfg, u64 root_pa,
				struct pt_hw_regs *regs)
{
	int start = lpae_arm_level(cfg->levels - 1);
	u64 sl0 = (cfg->granule_shift == LPAE_GRANULE_4K ? 2 : 3) - start;

	regs->ttbr = lpae_baddr(cfg, root_pa);
	regs->tcr = (64 - cfg->ias) | sl0 << LPAE_VTCR_SL0_SHIFT |
		    LPAE_TCR_IRGN0_WBWA | LPAE_TCR_ORGN0_WBWA |
		    LPAE_TCR_SH0_INNER | lpae_tg0(cfg) |
		    (u64)lpae_ps(cfg) << LPAE_VTCR_PS_SHIFT | LPAE_VTCR_RES1;
	if (lpae_lpa2(cfg))
		regs->tcr |= LPAE_VTCR_DS;
	regs->mair = cfg->quirks & PT_QUIRK_ARM_S2FWB ? LPAE_HCR_FWB : 0;
}

static inline void mali_regs(const struct pt_cfg *cfg, u64 root_pa,
			     struct pt_hw_regs *regs)
{
	regs->ttbr = root_pa | MALI_TRANSTAB_ADRMODE_TABLE |
		     MALI_TRANSTAB_READ_INNER | MALI_TRANSTAB_SHARE_OUTER;
	regs->tcr = 0;
	regs->mair = MALI_MEMATTR_IMP_DEF << (8 * LPAE_ATTR_NC) |
		     MALI_MEMATTR_WRITE_ALLOC << (8 * LPAE_ATTR_WB) |
		     MALI_MEMATTR_IMP_DEF << (8 * LPAE_ATTR_DEV);
}

#endif /* PTLAB_FMT_ARM_LPAE_H */
