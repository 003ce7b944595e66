// SPDX-License-Identifier: GPL-2.0
/*
 * The Arm long-descriptor formats as the tests know them: permission rules
 * and the decoder of leaves (see arm_ref.h).
 */
#include "arm_ref.h"

/*
 * The spaces the engine semantics and the randomized tests run in, with
 * the geometry worked out by hand for the leaf decoder: levels from
 * the input size and the granule (each level translates granule - 3 bits),
 * and the top table's index bits, concatenated stage-2 tables included.
 */
const struct arm_ref_space arm_ref_spaces[ARM_NR_REF_SPACES] = {
	[ARM_S1_4K_48] = { "s1 4K 48", REF_S1, 12, 48, 48, 4, 9, 0 },
	[ARM_S1_4K_39] = { "s1 4K 39", REF_S1, 12, 39, 48, 3, 9, 0 },
	[ARM_S1_4K_32] = { "s1 4K 32", REF_S1, 12, 32, 48, 3, 2, 0 },
	[ARM_S1_16K_48] = { "s1 16K 48", REF_S1, 14, 48, 48, 4, 1, 0 },
	[ARM_S1_16K_36] = { "s1 16K 36", REF_S1, 14, 36, 40, 2, 11, 0 },
	[ARM_S1_64K_48] = { "s1 64K 48", REF_S1, 16, 48, 48, 3, 6, 0 },
	[ARM_S1_64K_52] = { "s1 64K 52", REF_S1, 16, 52, 52, 3, 10, 0 },
	[ARM_S1_64K_32] = { "s1 64K 32", REF_S1, 16, 32, 32, 2, 3, 0 },
	[ARM_S2_4K_48] = { "s2 4K 48", REF_S2, 12, 48, 48, 4, 9, 0 },
	[ARM_S2_4K_40] = { "s2 4K 40 (2 tables)", REF_S2, 12, 40, 48, 3, 10, 0 },
	[ARM_S2_4K_42_42] = { "s2 4K 42/42 (8 tables)", REF_S2, 12, 42, 42,
			      3, 12, 0 },
	[ARM_S2_4K_43] = { "s2 4K 43 (16 tables)", REF_S2, 12, 43, 48, 3, 13, 0 },
	[ARM_S2_4K_44] = { "s2 4K 44 (32 entries)", REF_S2, 12, 44, 44, 4, 5, 0 },
	[ARM_S2_4K_32] = { "s2 4K 32", REF_S2, 12, 32, 32, 3, 2, 0 },
	[ARM_S2_16K_48] = { "s2 16K 48 (2 tables)", REF_S2, 14, 48, 48, 3,
			    12, 0 },
	[ARM_S2_16K_40_40] = { "s2 16K 40/40 (16 tables)", REF_S2, 14, 40, 40,
			       2, 15, 0 },
	[ARM_S2_64K_44_40] = { "s2 64K 44/40 (4 tables)", REF_S2, 16, 44, 40,
			       2, 15, 0 },
	[ARM_S2_64K_52] = { "s2 64K 52", REF_S2, 16, 52, 52, 3, 10, 0 },
	/*
	 * FEAT_LPA2: with 4K, 52 bits take a fifth level (-1) of 16 entries;
	 * 16K level 0 has 32 (52 - 47 bits) or 1 (47 bits). Stage 2 instead
	 * concatenates 16 tables at 4K level 0 (9 + 4 bits), and starts at
	 * 16K level 0 with 32 entries, more than concatenation allows.
	 */
	[ARM_S1_4K_52_LPA2] = { "s1 4K 52 LPA2", REF_S1, 12, 52, 52, 5, 4,
				PT_QUIRK_ARM_LPA2 },
	[ARM_S1_4K_48_LPA2_NS] = { "s1 4K 48/48 LPA2 NS", REF_S1, 12, 48, 48,
				   4, 9, PT_QUIRK_ARM_LPA2 | PT_QUIRK_ARM_NS },
	[ARM_S1_16K_52_LPA2] = { "s1 16K 52 LPA2", REF_S1, 14, 52, 52, 4, 5,
				 PT_QUIRK_ARM_LPA2 },
	[ARM_S1_16K_47_LPA2] = { "s1 16K 47/52 LPA2", REF_S1, 14, 47, 52, 3,
				 11, PT_QUIRK_ARM_LPA2 },
	[ARM_S2_4K_52_LPA2] = { "s2 4K 52 LPA2 (16 tables)", REF_S2, 12, 52,
				52, 4, 13, PT_QUIRK_ARM_LPA2 },
	[ARM_S2_16K_52_LPA2] = { "s2 16K 52 LPA2", REF_S2, 14, 52, 52, 4, 5,
				 PT_QUIRK_ARM_LPA2 },
	[ARM_S2_4K_40_FWB] = { "s2 4K 40 S2FWB", REF_S2, 12, 40, 48, 3, 10,
			       PT_QUIRK_ARM_S2FWB },
	[ARM_MALI_48] = { "Mali 48", REF_MALI, 12, 48, 40, 4, 9, 0 },
	[ARM_MALI_32] = { "Mali 32", REF_MALI, 12, 32, 32, 4, 9, 0 },
	[ARM_MALI_40_36] = { "Mali 40/36", REF_MALI, 12, 40, 36, 4, 9, 0 },
	/*
	 * Upper (TTBR1) ranges: IOVAs with every bit above the input size
	 * set, the geometry of the same input size from 0.
	 */
	[ARM_S1_4K_48_TTBR1] = { "s1 4K 48 TTBR1", REF_S1, 12, 48, 48, 4, 9,
				 PT_QUIRK_ARM_TTBR1 },
	[ARM_S1_16K_39_TTBR1_NS_OWBWA] = {
		"s1 16K 39/44 TTBR1 NS outer-WBWA", REF_S1, 14, 39, 44, 3, 3,
		PT_QUIRK_ARM_TTBR1 | PT_QUIRK_ARM_NS | PT_QUIRK_ARM_OUTER_WBWA },
	[ARM_S1_64K_52_TTBR1] = { "s1 64K 52 TTBR1", REF_S1, 16, 52, 52, 3, 10,
				  PT_QUIRK_ARM_TTBR1 },
};

static bool ref_lpa2(const struct arm_ref_space *rs)
{
	return rs->quirks & PT_QUIRK_ARM_LPA2;
}

/*
 * Arm levels with blocks (Arm ARM granule table; 4T needs FEAT_LPA; with
 * TCR.DS = 1, 512G blocks at 4K level 0 and 64G at 16K level 1).
 */
static bool ref_block_level(const struct arm_ref_space *rs, int arm)
{
	switch (rs->granule) {
	case 12: return arm == 1 || arm == 2 || (arm == 0 && ref_lpa2(rs));
	case 14: return arm == 2 || (arm == 1 && ref_lpa2(rs));
	}
	return arm == 2 || (arm == 1 && rs->oas == 52);
}

/*
 * Entries one contiguous-bit run covers (Arm ARM, "The Contiguous bit");
 * ptlab sets none at LPA2's new block levels.
 */
static u64 ref_contig(const struct arm_ref_space *rs, int arm)
{
	if (rs->variant == REF_MALI)
		return 1;
	if (rs->granule == 12)
		return arm >= 1 ? 16 : 1;
	if (rs->granule == 14)
		return arm == 3 ? 128 : arm == 2 ? 32 : 1;
	return arm >= 2 ? 32 : 1;
}

/*
 * Output address bits [top:low] plus, with 52-bit OA, 51:48 from 15:12;
 * with TCR.DS = 1 bits 49:low in place and 51:50 from 9:8 at any size.
 */
static u64 ref_oa(const struct arm_ref_space *rs, u64 pte, unsigned int low,
		  bool table)
{
	unsigned int top = table || rs->oas > 48 ? 47 : rs->oas - 1;
	u64 pa;

	if (ref_lpa2(rs)) {
		top = table || rs->oas > 50 ? 49 : rs->oas - 1;
		pa = pte & (~0ULL >> (63 - top)) & (~0ULL << low);
		return pa | ((pte >> 8) & 3) << 50;
	}
	pa = pte & (~0ULL >> (63 - top)) & (~0ULL << low);
	if (rs->oas == 52)
		pa |= ((pte >> 12) & 0xf) << 48;
	return pa;
}

static u32 ref_prot(const struct arm_ref_space *rs, u64 pte)
{
	u32 attr = (pte >> 2) & 7, memattr = (pte >> 2) & 0xf, prot = 0;

	switch (rs->variant) {
	case REF_S1:
		/* AP[2:1] in bits 7:6, AttrIndx 4:2, UXN 54. */
		prot = R | (pte & BIT_ULL(7) ? 0 : W) |
		       (pte & BIT_ULL(6) ? 0 : PRIV) |
		       (pte & BIT_ULL(54) ? 0 : X);
		prot |= attr == 1 ? CACHE : attr == 2 ? MMIO : 0;
		break;
	case REF_S2:
		/* S2AP 7:6, MemAttr 5:2 (0b00xx device, 0xf WB), XN 54. */
		prot = (pte & BIT_ULL(6) ? R : 0) | (pte & BIT_ULL(7) ? W : 0) |
		       (pte & BIT_ULL(54) ? 0 : X);
		/* FEAT_S2FWB (D8.6.6): [2] = 0 device, 0b0110 forced WB. */
		if (rs->quirks & PT_QUIRK_ARM_S2FWB)
			prot |= memattr == 6 ? CACHE :
				!(memattr & 4) ? MMIO : 0;
		else
			prot |= memattr == 0xf ? CACHE :
				!(memattr >> 2) ? MMIO : 0;
		break;
	case REF_MALI:
		/* kbase: RD 6, WR 7, NX 54, AttrIndx 4:2 into AS_MEMATTR. */
		prot = (pte & BIT_ULL(6) ? R : 0) | (pte & BIT_ULL(7) ? W : 0) |
		       (pte & BIT_ULL(54) ? 0 : X);
		prot |= attr == 1 ? CACHE : attr == 2 ? MMIO : 0;
		break;
	}
	return prot;
}

/*
 * The leaf the hardware's walker found for @iova (fc_ref_walk()), decoded
 * in the space @t->ref describes: 0; -ENOENT for a descriptor type the
 * level cannot hold; -EFAULT on an access flag fault; -EILSEQ where an
 * entry of a contiguous run does not hold its part of the run's address.
 */
int arm_ref_leaf(const struct fc_tree *t, u64 iova, struct fc_ref *out)
{
	const struct arm_ref_space *rs = t->ref;
	unsigned int stride = rs->granule - 3;
	int arm = 3 - (int)out->level;
	unsigned int shift = rs->granule + out->level * stride;
	u64 pte = out->entries[out->nr - 1], type = pte & 3, size;

	/* A walk of another geometry would have read other entries. */
	if (!CHECK(t->pt.cfg.levels == rs->levels &&
		   out->nr >= 1 && out->nr <= rs->levels &&
		   out->nr == rs->levels - out->level,
		   "%s: %u entries read down to level %u", rs->what, out->nr,
		   out->level))
		return -EIO;
	if (arm == 3 && type != (rs->variant == REF_MALI ? 1 : 3))
		return -ENOENT;
	if (arm < 3 && (type != 1 || !ref_block_level(rs, arm)))
		return -ENOENT;
	if (rs->variant != REF_MALI && !(pte & BIT_ULL(10)))
		return -EFAULT;
	size = 1ULL << shift;
	if (pte & BIT_ULL(52))
		size *= ref_contig(rs, arm);
	out->pa = (ref_oa(rs, pte, shift, false) & ~(size - 1)) |
		  (iova & (size - 1));
	/*
	 * A walker may ignore the contiguous bit: each entry of a run must
	 * hold its own part of the run's output addresses, or the translation
	 * depends on the walker (the Arm ARM's misprogramming of the
	 * Contiguous bit).
	 */
	if (ref_oa(rs, pte, shift, false) != (out->pa & ~((1ULL << shift) - 1)))
		return -EILSEQ;
	out->size = size;
	out->prot = ref_prot(rs, pte);
	return 0;
}

/* Stage 1: no write-only or no-access mappings; one memory type. */
int arm_s1_valid(const struct pt_cfg *cfg, u32 prot)
{
	return (prot & R) && (prot & (CACHE | MMIO)) != (CACHE | MMIO) ?
	       0 : -EINVAL;
}

/*
 * Stage 2 and Mali take read and write separately: anything with one of
 * the two, but one memory type at most; PRIV is not theirs.
 */
static int arm_rw_valid(const struct pt_cfg *cfg, u32 prot)
{
	if (prot & PRIV)
		return -EOPNOTSUPP;
	return (prot & (R | W)) && (prot & (CACHE | MMIO)) != (CACHE | MMIO) ?
	       0 : -EINVAL;
}

const struct fc_fmt arm_s1 = {
	.fmt = &pt_fmt_arm64_lpae_s1,
	.valid = arm_s1_valid,
	.leaf = arm_ref_leaf,
	.prot = R | W | CACHE,
};

const struct fc_fmt arm_s2 = {
	.fmt = &pt_fmt_arm64_lpae_s2,
	.valid = arm_rw_valid,
	.leaf = arm_ref_leaf,
	.prot = R | W | CACHE,
};

const struct fc_fmt arm_mali = {
	.fmt = &pt_fmt_arm_mali_lpae,
	.valid = arm_rw_valid,
	.leaf = arm_ref_leaf,
	.prot = R | W | CACHE,
};

const struct fc_fmt *arm_ref_fmt(const struct arm_ref_space *rs)
{
	switch (rs->variant) {
	case REF_S1: return &arm_s1;
	case REF_S2: return &arm_s2;
	case REF_MALI: return &arm_mali;
	}
	return NULL;
}

/*
 * A tree of @f in the space @rs, with @pgsizes (0 for the default ones),
 * whose geometry is what @rs says.
 */
bool arm_ref_new(struct fc_tree *t, const struct fc_fmt *f,
		 const struct arm_ref_space *rs, u64 pgsizes)
{
	struct pt_params params = {
		.granule_shift = rs->granule, .ias = rs->ias, .oas = rs->oas,
		.pgsize_bitmap = pgsizes, .quirks = rs->quirks,
	};
	const struct pt_cfg *cfg = &t->pt.cfg;

	if (!fc_new(t, f, &params))
		return false;
	t->ref = rs;
	/* The leaf decoder's levels and sizes would be another tree's. */
	if (!CHECK_INT(cfg->levels, rs->levels, rs->what) ||
	    !CHECK_INT(cfg->lvl[cfg->levels - 1].index_bits, rs->top_bits,
		       rs->what)) {
		fc_free(t);
		return false;
	}
	return true;
}
