/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a format needs not define: the defaults of the optional entry
 * operations and features pt_alg.h compiles a format with. Include it
 * after the format's own definitions (pt_alg.h does).
 *
 * Required, as macros naming static inline functions (the format family
 * headers in src/fmt/ define them):
 *   pt_fmt_kind(cfg, level, pte)            enum pt_entry_kind of an entry
 *   pt_fmt_mk_table(cfg, level, table_pa)   a table entry
 *   pt_fmt_table_pa(cfg, level, pte)        the table a table entry points at
 *   pt_fmt_mk_leaf(cfg, level, pa, pgsize, prot)
 *                                           one entry of a leaf (see
 *                                           struct pt_format's @mk_leaf)
 *   pt_fmt_leaf_pa(cfg, level, pte)         first byte of an entry's leaf
 *   pt_fmt_leaf_prot(cfg, level, pte)       PT_PROT_* bits of a leaf entry
 */
#ifndef PTLAB_PT_FMT_DEFAULTS_H
#define PTLAB_PT_FMT_DEFAULTS_H

#include "engine/pt_engine.h"

#if !defined(pt_fmt_kind) || !defined(pt_fmt_mk_table) || \
	!defined(pt_fmt_table_pa) || !defined(pt_fmt_mk_leaf) || \
	!defined(pt_fmt_leaf_pa) || !defined(pt_fmt_leaf_prot)
#error "a format must define every required pt_fmt_ operation"
#endif

/*
 * Optional, for formats with hardware dirty tracking (both or neither):
 *   pt_fmt_leaf_dirty(cfg, level, pte)      is this leaf entry writable
 *                                           and dirty?
 *   pt_fmt_leaf_clean(cfg, level, pte)      the entry made clean again
 * Without them the format has no read_dirty operation.
 */
#if defined(pt_fmt_leaf_dirty) != defined(pt_fmt_leaf_clean)
#error "pt_fmt_leaf_dirty and pt_fmt_leaf_clean come together"
#endif

/* Bytes of one entry: 8, or 4 for Armv7 short descriptors. */
#ifndef PT_FMT_ENTRY_BYTES
#define PT_FMT_ENTRY_BYTES 8
#endif

/* A leaf is one entry unless the format has leaves of several entries. */
#ifndef pt_fmt_leaf_size
static inline u64 pt_fmt_leaf_size(const struct pt_cfg *cfg,
				   unsigned int level, u64 pte)
{
	return 1ULL << cfg->lvl[level].shift;
}
#endif

/* The next level, unless the format can skip levels (AMD v1). */
#ifndef pt_fmt_table_level
static inline unsigned int pt_fmt_table_level(const struct pt_cfg *cfg,
					      unsigned int level, u64 pte)
{
	return level - 1;
}
#endif

#endif /* PTLAB_PT_FMT_DEFAULTS_H */
