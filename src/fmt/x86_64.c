// SPDX-License-Identifier: GPL-2.0
/* The x86-64 format: its entry operations (fmt/x86.h) in the algorithm. */
#include "fmt/x86.h"

#define pt_fmt_kind		x86_kind
#define pt_fmt_mk_table		x86_mk_table
#define pt_fmt_table_pa		x86_entry_pa
#define pt_fmt_mk_leaf		x86_mk_leaf
#define pt_fmt_leaf_pa		x86_entry_pa
#define pt_fmt_leaf_prot	x86_leaf_prot
#define pt_fmt_leaf_dirty	x86_leaf_dirty
#define pt_fmt_leaf_clean	x86_leaf_clean
#include "engine/pt_alg.h"

const struct pt_format pt_fmt_x86_64 = {
	.name = "x86-64",
	.id = PT_FMT_X86_64,
	.elf_machine = 62,	/* EM_X86_64 */
	.init = x86_fmt_init,
	.check_prot = x86_check_prot,
	.regs = x86_regs,
	PT_ALG_FORMAT_OPS,
};
