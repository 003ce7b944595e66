// SPDX-License-Identifier: GPL-2.0
/* The arm64-lpae-s2 format: its entry operations (fmt/arm_lpae.h) in the algorithm. */
#include "fmt/arm_lpae.h"

#define pt_fmt_kind		lpae_kind
#define pt_fmt_mk_table		lpae_mk_table
#define pt_fmt_table_pa		lpae_entry_pa
#define pt_fmt_mk_leaf		lpae_s2_mk_leaf
#define pt_fmt_leaf_pa		lpae_entry_pa
#define pt_fmt_leaf_prot	lpae_s2_leaf_prot
#define pt_fmt_leaf_size	lpae_leaf_size
#include "engine/pt_alg.h"

const struct pt_format pt_fmt_arm64_lpae_s2 = {
	.name = "arm64-lpae-s2",
	.id = PT_FMT_ARM64_LPAE_S2,
	.elf_machine = 183,	/* EM_AARCH64 */
	.init = lpae_s2_init,
	.check_prot = lpae_rw_check_prot,
	.regs = lpae_s2_regs,
	PT_ALG_FORMAT_OPS,
};
