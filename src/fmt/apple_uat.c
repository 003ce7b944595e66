// SPDX-License-Identifier: GPL-2.0
/* The apple-uat format: its entry operations (fmt/apple.h) in the algorithm. */
#include "fmt/apple.h"

#define pt_fmt_kind		uat_kind
#define pt_fmt_mk_table		uat_mk_table
#define pt_fmt_table_pa		uat_entry_pa
#define pt_fmt_mk_leaf		uat_mk_leaf
#define pt_fmt_leaf_pa		uat_entry_pa
#define pt_fmt_leaf_prot	uat_leaf_prot
#include "engine/pt_alg.h"

const struct pt_format pt_fmt_apple_uat = {
	.name = "apple-uat",
	.id = PT_FMT_APPLE_UAT,
	.init = uat_init,
	.check_prot = uat_check_prot,
	.regs = uat_regs,
	PT_ALG_FORMAT_OPS,
};
