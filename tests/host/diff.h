/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differential testing of the engine against the model and the format's
 * reference walker: each operation is applied to the engine and to the
 * model and every result compared; every walk and every leaf of an audit
 * is also translated by the reference walker from the raw tables. The
 * operations come from a source of choices that is either a seeded
 * pseudo-random generator (test_random) or the fuzzer's input bytes
 * (fuzz_engine), in any of the spaces of ref_spaces.c.
 */
#ifndef PTLAB_HOST_DIFF_H
#define PTLAB_HOST_DIFF_H

#include "model.h"
#include "ref.h"

/**
 * struct src - where the choices come from
 * @data: fuzzer input, or NULL for the pseudo-random generator
 * @len: bytes in @data
 * @pos: bytes of @data used
 * @state: generator state
 */
struct src {
	const u8 *data;
	size_t len;
	size_t pos;
	u64 state;
};

/**
 * struct diff_window - an IOVA range the operations concentrate on
 * @base: first IOVA
 * @size: bytes
 */
struct diff_window {
	u64 base;
	u64 size;
};

#define DIFF_MAX_WINDOWS 3
#define DIFF_MAX_SIZES 64
#define DIFF_MAX_PAGES 4096

/**
 * struct diff_stats - what the operations did
 * @ops: operations run
 * @map: map calls by result: ok, -EADDRINUSE, -EINVAL, -EOPNOTSUPP
 * @map_pages: map calls of page lists
 * @unmap: unmap calls by result: all, partial (a hole), -ENOENT, -EINVAL
 * @walk: walks by result: found, -ENOENT, -EINVAL
 * @range: pt_iterate() calls
 * @audits: full comparisons of the tree with the model and the reference
 * @leaves_mapped: leaves created
 * @max_leaves: most leaves mapped at once
 * @sizes: bit n set when a leaf of 2^n bytes was mapped
 */
struct diff_stats {
	unsigned long ops;
	unsigned long map[4];
	unsigned long map_pages;
	unsigned long unmap[4];
	unsigned long walk[3];
	unsigned long range;
	unsigned long audits;
	unsigned long leaves_mapped;
	size_t max_leaves;
	u64 sizes;
};

/**
 * struct diff - the engine's tree and the model, side by side
 * @space: the space, its format and reference
 * @t: the engine's tree, its owner and gather, and the reference
 * @base: the tree's first IOVA: 0, or an upper (Arm TTBR1) range's. The
 *	model and the generator work with offsets from it: the engine and
 *	the reference walker get @base + offset, and what the engine reports
 *	is compared less @base
 * @m: the model
 * @sizes: the space's page sizes, smallest first
 * @nr_sizes: how many
 * @win: IOVA windows
 * @nr_win: windows used
 * @list: scratch list of the engine's leaves
 * @nr_list: entries used in @list
 * @max_list: entries allocated in @list
 * @mlist: scratch list of the model's leaves
 * @visitor: collects the leaves pt_iterate() reports into @list
 * @stop_after: leaves after which @visitor stops the iteration
 * @pages: scratch page list of a map
 * @st: statistics
 */
struct diff {
	const struct ref_space *space;
	struct fc_tree t;
	u64 base;
	struct model m;
	u64 sizes[DIFF_MAX_SIZES];
	unsigned int nr_sizes;
	struct diff_window win[DIFF_MAX_WINDOWS];
	unsigned int nr_win;
	struct pt_leaf *list;
	size_t nr_list;
	size_t max_list;
	struct model_list mlist;
	struct pt_run_visitor visitor;
	size_t stop_after;
	u64 pages[DIFF_MAX_PAGES];
	struct diff_stats st;
};

u64 src_below(struct src *s, u64 n);
bool src_chance(struct src *s, unsigned int percent);
bool src_exhausted(const struct src *s);

bool diff_init(struct diff *d, const struct ref_space *space);
void diff_fini(struct diff *d);
void diff_map(struct diff *d, u64 iova, u64 pa, u64 size, u32 prot,
	      u64 pgsizes);
void diff_map_src(struct diff *d, u64 iova, u64 pa, u64 chunk,
		  const u64 *pages, size_t nr_pages, u64 page_size, u32 prot,
		  u64 pgsizes);
void diff_unmap(struct diff *d, u64 iova, u64 size);
void diff_walk(struct diff *d, u64 iova);
void diff_range(struct diff *d, u64 iova, u64 size, size_t stop_after);
void diff_audit(struct diff *d);
void diff_step(struct diff *d, struct src *s);
void diff_print_stats(const struct diff *d);

#endif /* PTLAB_HOST_DIFF_H */
