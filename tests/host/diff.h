/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differential testing of the engine against the model: each operation is
 * applied to both and every result compared. The operations come from a
 * source of choices that is either a seeded pseudo-random generator
 * (test_random) or the fuzzer's input bytes (fuzz_engine).
 */
#ifndef PTLAB_HOST_DIFF_H
#define PTLAB_HOST_DIFF_H

#include "host_ops.h"
#include "model.h"

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

/**
 * struct diff_stats - what the operations did
 * @ops: operations run
 * @map: map calls by result: ok, -EADDRINUSE, -EINVAL
 * @unmap: unmap calls by result: all, partial (a hole), -ENOENT, -EINVAL
 * @walk: walks by result: found, -ENOENT, -EINVAL
 * @range: pt_iterate() calls
 * @audits: full comparisons of the tree with the model
 * @leaves_mapped: leaves created
 * @max_leaves: most leaves mapped at once
 */
struct diff_stats {
	unsigned long ops;
	unsigned long map[3];
	unsigned long unmap[4];
	unsigned long walk[3];
	unsigned long range;
	unsigned long audits;
	unsigned long leaves_mapped;
	size_t max_leaves;
};

/**
 * struct diff - the engine's tree and the model, side by side
 * @pt: the engine's tree
 * @ctx: its owner
 * @g: the gather of the current operation
 * @m: the model
 * @win: IOVA windows
 * @nr_win: windows used
 * @list: scratch list of the engine's leaves
 * @nr_list: entries used in @list
 * @max_list: entries allocated in @list
 * @mlist: scratch list of the model's leaves
 * @visitor: collects the leaves pt_iterate() reports into @list
 * @stop_after: leaves after which @visitor stops the iteration
 * @st: statistics
 */
struct diff {
	struct pt_space pt;
	struct host_ctx ctx;
	struct host_gather g;
	struct model m;
	struct diff_window win[DIFF_MAX_WINDOWS];
	unsigned int nr_win;
	struct pt_leaf *list;
	size_t nr_list;
	size_t max_list;
	struct model_list mlist;
	struct pt_run_visitor visitor;
	size_t stop_after;
	struct diff_stats st;
};

u64 src_below(struct src *s, u64 n);
bool src_chance(struct src *s, unsigned int percent);
bool src_exhausted(const struct src *s);

bool diff_init(struct diff *d, u32 ias);
void diff_fini(struct diff *d);
void diff_map(struct diff *d, u64 iova, u64 pa, u64 size, u32 prot,
	      u64 pgsizes);
void diff_unmap(struct diff *d, u64 iova, u64 size);
void diff_walk(struct diff *d, u64 iova);
void diff_range(struct diff *d, u64 iova, u64 size, size_t stop_after);
void diff_audit(struct diff *d);
void diff_step(struct diff *d, struct src *s);
void diff_print_stats(const struct diff *d);

#endif /* PTLAB_HOST_DIFF_H */
