// SPDX-License-Identifier: GPL-2.0
/*
 * The address spaces the randomized tests run in: several geometries of
 * every format (granules, input sizes and so levels, output sizes, the
 * optional page sizes), each with the format's reference walker.
 */
#include "ref.h"

/* An Arm space of arm_ref_spaces[], with all its sizes or the default. */
#define ARM(id, fmt, all)						\
	{ .f = &(fmt), .arm = &arm_ref_spaces[id], .all_sizes = (all) }

/* Another format's space: its name, the reference, the parameters. */
#define SPACE(name_, fmt, all, ...)					\
	{ .name = (name_), .f = &(fmt), .params = { __VA_ARGS__ },	\
	  .all_sizes = (all) }

const struct ref_space ref_spaces[] = {
	/* Stage 1: three granules, 2 to 4 levels, contiguous runs. */
	ARM(ARM_S1_4K_48, arm_s1, true),
	ARM(ARM_S1_4K_39, arm_s1, false),
	ARM(ARM_S1_4K_32, arm_s1, true),
	ARM(ARM_S1_16K_48, arm_s1, true),
	ARM(ARM_S1_16K_36, arm_s1, true),
	ARM(ARM_S1_64K_48, arm_s1, true),
	ARM(ARM_S1_64K_52, arm_s1, true),	/* 4T blocks, 52-bit OA */
	ARM(ARM_S1_64K_32, arm_s1, false),
	/* Stage 2: concatenated top-level tables. */
	ARM(ARM_S2_4K_48, arm_s2, true),
	ARM(ARM_S2_4K_40, arm_s2, true),
	ARM(ARM_S2_4K_43, arm_s2, false),
	ARM(ARM_S2_4K_44, arm_s2, true),
	ARM(ARM_S2_16K_40_40, arm_s2, true),
	ARM(ARM_S2_64K_44_40, arm_s2, true),
	ARM(ARM_S2_64K_52, arm_s2, true),
	/* FEAT_LPA2: level -1, 512G and 64G blocks, OA[51:50] in 9:8. */
	ARM(ARM_S1_4K_52_LPA2, arm_s1, true),
	ARM(ARM_S1_4K_48_LPA2_NS, arm_s1, false),
	ARM(ARM_S1_16K_52_LPA2, arm_s1, true),
	ARM(ARM_S1_16K_47_LPA2, arm_s1, false),
	ARM(ARM_S2_4K_52_LPA2, arm_s2, true),
	ARM(ARM_S2_16K_52_LPA2, arm_s2, false),
	ARM(ARM_S2_4K_40_FWB, arm_s2, false),
	/* Mali: four levels whatever the input size. */
	ARM(ARM_MALI_48, arm_mali, false),
	ARM(ARM_MALI_32, arm_mali, false),
	ARM(ARM_MALI_40_36, arm_mali, false),
	/*
	 * Stage 1 upper (TTBR1) ranges: the model and the generator work
	 * with offsets from the first IOVA (diff.h, struct diff @base).
	 */
	ARM(ARM_S1_4K_48_TTBR1, arm_s1, true),
	ARM(ARM_S1_16K_39_TTBR1_NS_OWBWA, arm_s1, false),
	ARM(ARM_S1_64K_52_TTBR1, arm_s1, true),
	/* Armv7 short descriptors: TTBCR.N 0, 4 and 7. */
	SPACE("v7s 32", ref_v7s, false, .ias = 32),
	SPACE("v7s 28", ref_v7s, false, .ias = 28),
	SPACE("v7s 25 4K+1M", ref_v7s, false, .ias = 25,
	      .pgsize_bitmap = SZ_4K | SZ_1M),
	/* MediaTek: 35-bit addresses, no permissions; with NS. */
	SPACE("v7s mtk 32/35", ref_v7s_mtk, false, .ias = 32,
	      .quirks = PT_QUIRK_ARM_MTK_EXT),
	SPACE("v7s 32 ns", ref_v7s, false, .ias = 32,
	      .quirks = PT_QUIRK_ARM_NS),
	/* x86-64: 4 levels (32 bits of them used, or 48), 5 levels. */
	SPACE("x86-64 32", ref_x86, false, .ias = 32),
	SPACE("x86-64 48/40", ref_x86, false, .ias = 48, .oas = 40),
	SPACE("x86-64 57", ref_x86, false, .ias = 57),
	/* VT-d second stage: 3 levels (AGAW 39), 4 and 5. */
	SPACE("vtd-ss 32", ref_vtd, false, .ias = 32),
	SPACE("vtd-ss 39", ref_vtd, false, .ias = 39),
	SPACE("vtd-ss 48/46", ref_vtd, false, .ias = 48, .oas = 46),
	SPACE("vtd-ss 57", ref_vtd, false, .ias = 57),
	/* AMD v1: DTE modes 1 to 6; every power of two, 512G included. */
	SPACE("amd-v1 21 (1 level)", ref_amd, true, .ias = 21),
	SPACE("amd-v1 30", ref_amd, true, .ias = 30),
	SPACE("amd-v1 40/40", ref_amd, false, .ias = 40, .oas = 40),
	SPACE("amd-v1 48", ref_amd, true, .ias = 48),
	SPACE("amd-v1 48 4K 2M 1G", ref_amd, false, .ias = 48,
	      .pgsize_bitmap = SZ_4K | SZ_2M | SZ_1G),
	SPACE("amd-v1 64 (6 levels)", ref_amd, true, .ias = 64),
	/* RISC-V: Sv39 (for 32 bits too), Sv48, Sv57, Svnapot 64K. */
	SPACE("riscv 32", ref_riscv, false, .ias = 32),
	SPACE("riscv 39 napot", ref_riscv, true, .ias = 39),
	SPACE("riscv 48/44", ref_riscv, false, .ias = 48, .oas = 44),
	SPACE("riscv 57 napot", ref_riscv, true, .ias = 57),
	/* Apple DART: t8020 (36-bit PA), t8110 with 2 and 3 levels. */
	SPACE("dart 32/36", ref_dart, false, .ias = 32, .oas = 36),
	SPACE("dart 36/42", ref_dart, false, .ias = 36, .oas = 42),
	SPACE("dart 42/42", ref_dart, false, .ias = 42, .oas = 42),
	/* Apple UAT: 39 bits, three output sizes. */
	SPACE("uat 39/36", ref_uat, false, .ias = 39, .oas = 36),
	SPACE("uat 39/40", ref_uat, false, .ias = 39, .oas = 40),
	SPACE("uat 39/42", ref_uat, false, .ias = 39, .oas = 42),
	/* NVIDIA GMMU: the small (4K) or the big (64K, v2 128K) half of PD0. */
	SPACE("gmmu-v2 4K", ref_gmmu2, false, .granule_shift = 12),
	SPACE("gmmu-v2 64K/40", ref_gmmu2, false, .granule_shift = 16,
	      .oas = 40),
	SPACE("gmmu-v2 128K", ref_gmmu2, false, .granule_shift = 17),
	/* v2 with 512M pages at PD1, as Ampere and Ada have them. */
	SPACE("gmmu-v2 4K 512M", ref_gmmu2, false, .granule_shift = 12,
	      .pgsize_bitmap = SZ_4K | SZ_2M | SZ_512M),
	SPACE("gmmu-v2 64K 512M", ref_gmmu2, false, .granule_shift = 16,
	      .pgsize_bitmap = SZ_64K | SZ_2M | SZ_512M),
	SPACE("gmmu-v3 4K", ref_gmmu3, false, .granule_shift = 12),
	SPACE("gmmu-v3 64K", ref_gmmu3, false, .granule_shift = 16),
	SPACE("gmmu-v3 4K 2M", ref_gmmu3, false, .granule_shift = 12,
	      .pgsize_bitmap = SZ_4K | SZ_2M),
	/* Both: 4K and 64K pages under one PD0 entry. */
	SPACE("gmmu-v2 mixed", ref_gmmu2, false,
	      .pgsize_bitmap = SZ_4K | SZ_64K | SZ_2M),
	SPACE("gmmu-v2 mixed 512M", ref_gmmu2, false,
	      .pgsize_bitmap = SZ_4K | SZ_64K | SZ_2M | SZ_512M),
	SPACE("gmmu-v3 mixed/40", ref_gmmu3, false, .oas = 40,
	      .pgsize_bitmap = SZ_4K | SZ_64K | SZ_2M | SZ_512M),
};

const unsigned int nr_ref_spaces = TH_ARRAY_SIZE(ref_spaces);

const char *ref_space_name(const struct ref_space *rs)
{
	return rs->name ? rs->name : rs->arm->what;
}

/*
 * A tree of @rs, through the format's reference; with @all_sizes, every
 * leaf size the format's levels hold (found by creating the space with the
 * default ones first).
 */
bool ref_space_new(struct fc_tree *t, const struct ref_space *rs)
{
	struct pt_params params = rs->params;
	unsigned int l;
	struct pt_cfg cfg;

	if (rs->arm) {
		params.granule_shift = rs->arm->granule;
		params.ias = rs->arm->ias;
		params.oas = rs->arm->oas;
		params.quirks = rs->arm->quirks;
	}
	if (rs->all_sizes) {
		if (!CHECK_INT(pt_cfg_init(&cfg, rs->f->fmt, &params), 0,
			       ref_space_name(rs)))
			return false;
		params.pgsize_bitmap = 0;
		for (l = 0; l < cfg.levels; l++)
			params.pgsize_bitmap |= cfg.lvl[l].pgsizes;
	}
	if (rs->arm)
		return arm_ref_new(t, rs->f, rs->arm, params.pgsize_bitmap);
	return fc_new(t, rs->f, &params);
}
