// SPDX-License-Identifier: GPL-2.0
/* The apple-dart format: its entry operations (fmt/apple.h) in the algorithm. */
#include "fmt/apple.h"

#define pt_fmt_kind		dart_kind
#define pt_fmt_mk_table		dart_mk_table
#define pt_fmt_table_pa		dart_entry_pa
#define pt_fmt_mk_leaf		dart_mk_leaf
#define pt_fmt_leaf_pa		dart_entry_pa
#define pt_fmt_leaf_prot	dart_leaf_prot
#include "engine/pt_alg.h"

const struct pt_format pt_fmt_apple_dart = {
	.name = "apple-dart",
	.id = PT_FMT_APPLE_DART,
	.init = dart_init,
	.check_prot = dart_check_prot,
	.regs = dart_regs,
	PT_ALG_FORMAT_OPS,
};
