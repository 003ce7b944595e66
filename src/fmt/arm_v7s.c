// SPDX-License-Identifier: GPL-2.0
/* The arm-v7s format: its entry operations (fmt/arm_v7s.h) in the algorithm. */
#include "fmt/arm_v7s.h"

#define PT_FMT_ENTRY_BYTES	4
#define pt_fmt_kind		v7s_kind
#define pt_fmt_mk_table		v7s_mk_table
#define pt_fmt_table_pa		v7s_entry_pa
#define pt_fmt_mk_leaf		v7s_mk_leaf
#define pt_fmt_leaf_pa		v7s_entry_pa
#define pt_fmt_leaf_prot	v7s_leaf_prot
#define pt_fmt_leaf_size	v7s_leaf_size
#include "engine/pt_alg.h"

const struct pt_format pt_fmt_arm_v7s = {
	.name = "arm-v7s",
	.id = PT_FMT_ARM_V7S,
	.elf_machine = 40,	/* EM_ARM */
	.init = v7s_init,
	.check_prot = v7s_check_prot,
	.regs = v7s_regs,
	PT_ALG_FORMAT_OPS,
};
