// SPDX-License-Identifier: GPL-2.0
/* The arm64-lpae-s1 format: its entry operations (fmt/arm_lpae.h) in the algorithm. */
#include "fmt/arm_lpae.h"

#define pt_fmt_kind		lpae_kind
#define pt_fmt_mk_table		lpae_mk_table
#define pt_fmt_table_pa		lpae_entry_pa
#define pt_fmt_mk_leaf		lpae_s1_mk_leaf
#define pt_fmt_leaf_pa		lpae_entry_pa
#define pt_fmt_leaf_prot	lpae_s1_leaf_prot
#define pt_fmt_leaf_size	lpae_leaf_size
#define pt_fmt_leaf_dirty	lpae_s1_leaf_dirty
#define pt_fmt_leaf_clean	lpae_s1_leaf_clean
#include "engine/pt_alg.h"

const struct pt_format pt_fmt_arm64_lpae_s1 = {
	.name = "arm64-lpae-s1",
	.id = PT_FMT_ARM64_LPAE_S1,
	.elf_machine = 183,	/* EM_AARCH64 */
	.init = lpae_s1_init,
	.check_prot = lpae_s1_check_prot,
	.regs = lpae_s1_regs,
	PT_ALG_FORMAT_OPS,
};
