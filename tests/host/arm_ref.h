/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Arm long-descriptor formats (stage 1, stage 2, Mali) as the tests
 * know them: the permission rules, and a decoder of leaf descriptors
 * written from the Arm ARM (Mali: from what Linux and kbase write), sharing
 * nothing with src/fmt/arm_lpae.h. It checks the walk of the hardware's
 * walker (src/hw/walk.c) against geometry worked out by hand (struct
 * arm_ref_space).
 */
#ifndef PTLAB_HOST_ARM_REF_H
#define PTLAB_HOST_ARM_REF_H

#include "fmt_check.h"

enum arm_ref_variant { REF_S1, REF_S2, REF_MALI };

/**
 * struct arm_ref_space - an address space, worked out by hand
 * @what: its name in messages
 * @variant: stage 1, stage 2 or Mali
 * @granule: log2 of the granule
 * @ias: input address bits
 * @oas: output address bits
 * @levels: levels of the walk
 * @top_bits: index bits of the top table (concatenated ones included)
 * @quirks: PT_QUIRK_* variants: FEAT_LPA2 (TCR.DS), FEAT_S2FWB, NS, an
 *	upper (TTBR1) range, outer write-back walks
 */
struct arm_ref_space {
	const char *what;
	enum arm_ref_variant variant;
	u32 granule, ias, oas;
	u32 levels;
	u32 top_bits;
	u32 quirks;
};

/* The spaces the tests run in, by hand (arm_ref_spaces[]). */
enum arm_ref_space_id {
	ARM_S1_4K_48,
	ARM_S1_4K_39,
	ARM_S1_4K_32,
	ARM_S1_16K_48,
	ARM_S1_16K_36,
	ARM_S1_64K_48,
	ARM_S1_64K_52,
	ARM_S1_64K_32,
	ARM_S2_4K_48,
	ARM_S2_4K_40,
	ARM_S2_4K_42_42,
	ARM_S2_4K_43,
	ARM_S2_4K_44,
	ARM_S2_4K_32,
	ARM_S2_16K_48,
	ARM_S2_16K_40_40,
	ARM_S2_64K_44_40,
	ARM_S2_64K_52,
	ARM_S1_4K_52_LPA2,
	ARM_S1_4K_48_LPA2_NS,
	ARM_S1_16K_52_LPA2,
	ARM_S1_16K_47_LPA2,
	ARM_S2_4K_52_LPA2,
	ARM_S2_16K_52_LPA2,
	ARM_S2_4K_40_FWB,
	ARM_MALI_48,
	ARM_MALI_32,
	ARM_MALI_40_36,
	ARM_S1_4K_48_TTBR1,
	ARM_S1_16K_39_TTBR1_NS_OWBWA,
	ARM_S1_64K_52_TTBR1,
	ARM_NR_REF_SPACES
};

extern const struct arm_ref_space arm_ref_spaces[ARM_NR_REF_SPACES];

/* The formats, their leaves decoded by arm_ref_leaf() in the tree's space. */
extern const struct fc_fmt arm_s1, arm_s2, arm_mali;

int arm_ref_leaf(const struct fc_tree *t, u64 iova, struct fc_ref *ref);
int arm_s1_valid(const struct pt_cfg *cfg, u32 prot);
const struct fc_fmt *arm_ref_fmt(const struct arm_ref_space *rs);
bool arm_ref_new(struct fc_tree *t, const struct fc_fmt *f,
		 const struct arm_ref_space *rs, u64 pgsizes);

#endif /* PTLAB_HOST_ARM_REF_H */
