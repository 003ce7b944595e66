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

/*
 * Two-word entries at the levels whose cfg->lvl[].dual is set (NVIDIA
 * GMMU's dual PDE, fmt/nvidia_gmmu.h): a format that has them defines
 * PT_FMT_DUAL and three operations on the engine's one-word view of such
 * an entry, which reads and writes the word (or words) that view stands
 * for:
 *   pt_fmt_dual_read(cfg, level, table, idx)            the view
 *   pt_fmt_dual_write(cfg, level, table, idx, pte)      store a view; 0
 *                                                       clears both words
 *   pt_fmt_dual_cmpxchg(cfg, level, table, idx, old, pte)
 *                                                       install a table
 *                                                       entry; the view
 *                                                       seen before
 * The engine never reads such a table through raw pointers, except to ask
 * whether all its words are 0.
 *
 * The same formats may have a level whose tables come in pairs
 * (cfg->lvl[].pair: NVIDIA GMMU's small and big page tables under one dual
 * PDE, allocated together). The engine sees one table of one-word entries,
 * the format's view of the pair:
 *   pt_fmt_pair_read(cfg, level, table, idx)            the view
 *   pt_fmt_pair_write(cfg, level, table, idx, pte)      store a view; 0
 *                                                       clears the entry
 *                                                       the view came from
 *   pt_fmt_pair_empty(cfg, level, table)                is the table the
 *                                                       view does not index
 *                                                       all 0?
 * The entries of the view's own table are read raw, as any table's.
 * Leaves of several entries are written in ascending order, the last one
 * last: a pair's format may publish such a leaf with its last entry.
 *
 * A walk reports the words hardware reads (struct pt_walk_result), which
 * for these levels are not the view:
 *   pt_fmt_walk_words(cfg, level, table, idx, words)    fills @words with
 *                                                       up to 2 raw words
 *                                                       and returns how
 *                                                       many
 */
#if defined(PT_FMT_DUAL) && (!defined(pt_fmt_dual_read) || \
	!defined(pt_fmt_dual_write) || !defined(pt_fmt_dual_cmpxchg) || \
	!defined(pt_fmt_pair_read) || !defined(pt_fmt_pair_write) || \
	!defined(pt_fmt_pair_empty) || !defined(pt_fmt_walk_words))
#error "a format with dual entries must define their operations"
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
