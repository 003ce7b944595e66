// SPDX-License-Identifier: GPL-2.0
/* The amd-v1 format: its entry operations (fmt/amd.h) in the algorithm. */
#include "fmt/amd.h"

#define pt_fmt_kind		amd_kind
#define pt_fmt_mk_table		amd_mk_table
#define pt_fmt_table_pa		amd_entry_pa
#define pt_fmt_mk_leaf		amd_mk_leaf
#define pt_fmt_leaf_pa		amd_entry_pa
#define pt_fmt_leaf_prot	amd_leaf_prot
#define pt_fmt_leaf_dirty	amd_leaf_dirty
#define pt_fmt_leaf_clean	amd_leaf_clean
#define pt_fmt_leaf_size	amd_leaf_size
#define pt_fmt_table_level	amd_table_level
#include "engine/pt_alg.h"

const struct pt_format pt_fmt_amd_v1 = {
	.name = "amd-v1",
	.id = PT_FMT_AMD_V1,
	.init = amd_init,
	.check_prot = amd_check_prot,
	.regs = amd_regs,
	PT_ALG_FORMAT_OPS,
};
