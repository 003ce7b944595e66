// SPDX-License-Identifier: GPL-2.0
/*
 * The nvidia-gmmu-v2 and nvidia-gmmu-v3 formats: their entry operations
 * (fmt/nvidia_gmmu.h), with the dual PD0 entry and the paired page tables,
 * in the algorithm. The two versions differ in geometry and encodings the
 * operations read from the configuration, not in the algorithm: it is
 * compiled once for both.
 */
#include "fmt/nvidia_gmmu.h"

#define pt_fmt_kind		gmmu_kind
#define pt_fmt_mk_table		gmmu_mk_table
#define pt_fmt_table_pa		gmmu_table_pa
#define pt_fmt_mk_leaf		gmmu_mk_leaf
#define pt_fmt_leaf_pa		gmmu_leaf_pa
#define pt_fmt_leaf_prot	gmmu_leaf_prot
#define pt_fmt_leaf_size	gmmu_leaf_size
#define PT_FMT_DUAL
#define pt_fmt_dual_read	gmmu_dual_read
#define pt_fmt_dual_write	gmmu_dual_write
#define pt_fmt_dual_cmpxchg	gmmu_dual_cmpxchg
#define pt_fmt_pair_read	gmmu_pair_read
#define pt_fmt_pair_write	gmmu_pair_write
#define pt_fmt_pair_empty	gmmu_pair_empty
#define pt_fmt_walk_words	gmmu_walk_words
#include "engine/pt_alg.h"

static int gmmu_v2_init(struct pt_cfg *cfg, const struct pt_params *p)
{
	return gmmu_init(cfg, p, false);
}

static int gmmu_v3_init(struct pt_cfg *cfg, const struct pt_params *p)
{
	return gmmu_init(cfg, p, true);
}

const struct pt_format pt_fmt_nvidia_gmmu_v2 = {
	.name = "nvidia-gmmu-v2",
	.id = PT_FMT_NVIDIA_GMMU_V2,
	.init = gmmu_v2_init,
	.check_prot = gmmu_check_prot,
	.regs = gmmu_regs,
	PT_ALG_FORMAT_OPS,
};

const struct pt_format pt_fmt_nvidia_gmmu_v3 = {
	.name = "nvidia-gmmu-v3",
	.id = PT_FMT_NVIDIA_GMMU_V3,
	.init = gmmu_v3_init,
	.check_prot = gmmu_check_prot,
	.regs = gmmu_regs,
	PT_ALG_FORMAT_OPS,
};
