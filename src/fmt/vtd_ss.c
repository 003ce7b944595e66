// SPDX-License-Identifier: GPL-2.0
/* The vtd-ss format: its entry operations (fmt/vtd.h) in the algorithm. */
#include "fmt/vtd.h"

#define pt_fmt_kind		vtss_kind
#define pt_fmt_mk_table		vtss_mk_table
#define pt_fmt_table_pa		vtss_entry_pa
#define pt_fmt_mk_leaf		vtss_mk_leaf
#define pt_fmt_leaf_pa		vtss_entry_pa
#define pt_fmt_leaf_prot	vtss_leaf_prot
#define pt_fmt_leaf_dirty	vtss_leaf_dirty
#define pt_fmt_leaf_clean	vtss_leaf_clean
#include "engine/pt_alg.h"

const struct pt_format pt_fmt_vtd_ss = {
	.name = "vtd-ss",
	.id = PT_FMT_VTD_SS,
	.init = vtss_init,
	.check_prot = vtss_check_prot,
	.regs = vtss_regs,
	PT_ALG_FORMAT_OPS,
};
