// SPDX-License-Identifier: GPL-2.0
/* The riscv format: its entry operations (fmt/riscv.h) in the algorithm. */
#include "fmt/riscv.h"

#define pt_fmt_kind		rv_kind
#define pt_fmt_mk_table		rv_mk_table
#define pt_fmt_table_pa		rv_entry_pa
#define pt_fmt_mk_leaf		rv_mk_leaf
#define pt_fmt_leaf_pa		rv_entry_pa
#define pt_fmt_leaf_prot	rv_leaf_prot
#define pt_fmt_leaf_dirty	rv_leaf_dirty
#define pt_fmt_leaf_clean	rv_leaf_clean
#define pt_fmt_leaf_size	rv_leaf_size
#include "engine/pt_alg.h"

const struct pt_format pt_fmt_riscv = {
	.name = "riscv",
	.id = PT_FMT_RISCV,
	.elf_machine = 243,	/* EM_RISCV */
	.init = rv_init,
	.check_prot = rv_check_prot,
	.regs = rv_regs,
	PT_ALG_FORMAT_OPS,
};
