// SPDX-License-Identifier: GPL-2.0
/* The arm-mali-lpae format: its entry operations (fmt/arm_lpae.h) in the algorithm. */
#include "fmt/arm_lpae.h"

#define pt_fmt_kind		mali_kind
#define pt_fmt_mk_table		lpae_mk_table
#define pt_fmt_table_pa		mali_entry_pa
#define pt_fmt_mk_leaf		mali_mk_leaf
#define pt_fmt_leaf_pa		mali_entry_pa
#define pt_fmt_leaf_prot	mali_leaf_prot
#include "engine/pt_alg.h"

const struct pt_format pt_fmt_arm_mali_lpae = {
	.name = "arm-mali-lpae",
	.id = PT_FMT_ARM_MALI_LPAE,
	.init = mali_init,
	.check_prot = lpae_rw_check_prot,
	.regs = mali_regs,
	PT_ALG_FORMAT_OPS,
};
