/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The page-table algorithm, written once and compiled once per format: a
 * format's translation unit defines its entry operations under the
 * canonical pt_fmt_ names (engine/pt_fmt_defaults.h lists them), includes
 * this file, and fills its struct pt_format with PT_ALG_FORMAT_OPS. Every
 * entry operation is then inlined into the loops below; the only indirect
 * calls left are one per operation (struct pt_ops), and the owner's
 * services per table and per run (struct pt_table_ops).
 *
 * The hot loops write runs of leaves of one size: the attributes are
 * encoded once per run and each entry is the address plus them where the
 * format stores addresses in place (cfg->leaf_linear), and runs of removed
 * leaves are reported once, recognised by the same arithmetic.
 *
 * Concurrency is the caller's, by ranges (see engine/pt_engine.h): a
 * change owns its range alone; tables are shared and installed with
 * cmpxchg; a table is freed only if its whole span lies in the range the
 * operation owns, and reported for pruning otherwise.
 */
#ifndef PTLAB_PT_ALG_H
#define PTLAB_PT_ALG_H

#include "engine/pt_engine.h"
#include "engine/pt_fmt_defaults.h"

#if PT_FMT_ENTRY_BYTES == 4
typedef u32 alg_entry_t;
#define alg_cmpxchg pt_cmpxchg_u32
#define ALG_ENTRY_SHIFT 2
#else
typedef u64 alg_entry_t;
#define alg_cmpxchg pt_cmpxchg_u64
#define ALG_ENTRY_SHIFT 3
#endif

/* --- geometry and entries --- */

static __always_inline unsigned int alg_shift(const struct pt_cfg *cfg,
					      unsigned int level)
{
	return cfg->lvl[level].shift;
}

static __always_inline u64 alg_span(const struct pt_cfg *cfg,
				    unsigned int level)
{
	return 1ULL << cfg->lvl[level].shift;
}

static __always_inline unsigned int alg_nr(const struct pt_cfg *cfg,
					   unsigned int level)
{
	return 1U << cfg->lvl[level].index_bits;
}

static __always_inline unsigned int alg_index(const struct pt_cfg *cfg,
					      unsigned int level, u64 iova)
{
	return (iova >> alg_shift(cfg, level)) & (alg_nr(cfg, level) - 1);
}

/*
 * Is @level the format's level of two-word entries (NVIDIA GMMU's dual
 * PDE)? Known at compile time to be false for every other format.
 */
static __always_inline bool alg_dual(const struct pt_cfg *cfg,
				     unsigned int level)
{
#ifdef PT_FMT_DUAL
	return cfg->lvl[level].dual;
#else
	return false;
#endif
}

/*
 * Is @level's table a pair the format shows as one (NVIDIA GMMU's small
 * and big page tables)? Known at compile time to be false for every other
 * format.
 */
static __always_inline bool alg_pair(const struct pt_cfg *cfg,
				     unsigned int level)
{
#ifdef PT_FMT_DUAL
	return cfg->lvl[level].pair;
#else
	return false;
#endif
}

/* Are @level's entries the format's view rather than words in memory? */
static __always_inline bool alg_view(const struct pt_cfg *cfg,
				     unsigned int level)
{
	return alg_dual(cfg, level) || alg_pair(cfg, level);
}

static __always_inline size_t alg_table_bytes(const struct pt_cfg *cfg,
					      unsigned int level)
{
	if (cfg->lvl[level].table_bytes)
		return cfg->lvl[level].table_bytes;
	return (size_t)alg_nr(cfg, level) <<
	       (ALG_ENTRY_SHIFT + alg_dual(cfg, level));
}

/* The entry @idx of @table at @level (a dual entry: the format's view). */
static __always_inline u64 alg_read(const struct pt_cfg *cfg,
				    unsigned int level, const void *table,
				    unsigned int idx)
{
#ifdef PT_FMT_DUAL
	if (alg_dual(cfg, level))
		return pt_fmt_dual_read(cfg, level, table, idx);
	if (alg_pair(cfg, level))
		return pt_fmt_pair_read(cfg, level, table, idx);
#endif
	return READ_ONCE(((const alg_entry_t *)table)[idx]);
}

static __always_inline void alg_write(const struct pt_cfg *cfg,
				      unsigned int level, void *table,
				      unsigned int idx, u64 pte)
{
#ifdef PT_FMT_DUAL
	if (alg_dual(cfg, level)) {
		pt_fmt_dual_write(cfg, level, table, idx, pte);
		return;
	}
	if (alg_pair(cfg, level)) {
		pt_fmt_pair_write(cfg, level, table, idx, pte);
		return;
	}
#endif
	WRITE_ONCE(((alg_entry_t *)table)[idx], (alg_entry_t)pte);
}

static __always_inline void alg_clear(const struct pt_cfg *cfg,
				      unsigned int level, void *table,
				      unsigned int first, unsigned int end)
{
	for (; first < end; first++)
		alg_write(cfg, level, table, first, 0);
}

/* Publish a table entry unless another operation got there first. */
static __always_inline u64 alg_install(const struct pt_cfg *cfg,
				       unsigned int level, void *table,
				       unsigned int idx, u64 old, u64 pte)
{
	/* The new table's zeroed contents must be visible before its entry. */
	dma_wmb();
#ifdef PT_FMT_DUAL
	if (alg_dual(cfg, level))
		return pt_fmt_dual_cmpxchg(cfg, level, table, idx, old, pte);
#endif
	return alg_cmpxchg(&((alg_entry_t *)table)[idx], (alg_entry_t)old,
			   (alg_entry_t)pte);
}

/* Are entries [@first, @end) all 0? Sixteen at a time, ORed. */
static __always_inline bool alg_zero(const void *table, unsigned int first,
				     unsigned int end)
{
	const alg_entry_t *e = (const alg_entry_t *)table + first;
	const alg_entry_t *stop = (const alg_entry_t *)table + end;
	alg_entry_t any = 0;

	/* Pointers, not 32-bit indices: each read is one instruction. */
	for (; stop - e >= 16; e += 16)
		if (e[0] | e[1] | e[2] | e[3] | e[4] | e[5] | e[6] | e[7] |
		    e[8] | e[9] | e[10] | e[11] | e[12] | e[13] | e[14] | e[15])
			return false;
	for (; e < stop; e++)
		any |= *e;
	return !any;
}

/*
 * Entries are cleared to 0: a plain scan finds a table empty. Entries
 * [@zero_first, @zero_end), which the caller has just cleared in the range
 * it owns, are not read again.
 */
static bool alg_table_empty(const struct pt_cfg *cfg, const void *table,
			    unsigned int level, unsigned int zero_first,
			    unsigned int zero_end)
{
	unsigned int words = alg_dual(cfg, level) ? 2 : 1;

#ifdef PT_FMT_DUAL
	/* The view's table is read raw; the other one of a pair whole. */
	if (alg_pair(cfg, level) && !pt_fmt_pair_empty(cfg, level, table))
		return false;
#endif
	/* A dual entry is empty when both its words are. */
	return alg_zero(table, 0, zero_first * words) &&
	       alg_zero(table, zero_end * words, alg_nr(cfg, level) * words);
}

static __always_inline enum pt_entry_kind
alg_kind(const struct pt_cfg *cfg, unsigned int level, u64 pte)
{
	return pte ? pt_fmt_kind(cfg, level, pte) : PT_ENTRY_EMPTY;
}

/* The table a table entry points at, and that table's level. */
static __always_inline void *alg_child(const struct pt_cfg *cfg,
				       unsigned int level, u64 pte,
				       unsigned int *child_level)
{
	*child_level = pt_fmt_table_level(cfg, level, pte);
	return pt_phys_to_virt(pt_fmt_table_pa(cfg, level, pte));
}

/*
 * A table entry at @level that skips to a table at @child_level covers only
 * the IOVAs whose skipped index bits are zero; the rest of its span faults.
 */
static __always_inline bool alg_in_child(const struct pt_cfg *cfg,
					 unsigned int level,
					 unsigned int child_level, u64 iova)
{
	u64 covered = alg_span(cfg, child_level + 1);

	/* No level skipped (known at compile time for most formats). */
	if (child_level + 1 == level)
		return true;
	return !(iova & (alg_span(cfg, level) - 1) & ~(covered - 1));
}

/* Does any of [@iova, @iova + @size) belong to someone else? */
static __always_inline bool alg_foreign(const struct pt_space *pt, u64 iova,
					u64 size)
{
	unsigned int i;

	for (i = 0; i < pt->nr_foreign; i++)
		if (iova < pt->foreign[i].iova + pt->foreign[i].length &&
		    pt->foreign[i].iova < iova + size)
			return true;
	return false;
}

/* The leaf an entry at @level for @iova belongs to. */
static __always_inline void alg_leaf_at(const struct pt_cfg *cfg,
					unsigned int level, u64 iova, u64 pte,
					struct pt_leaf *leaf)
{
	leaf->size = pt_fmt_leaf_size(cfg, level, pte);
	leaf->iova = iova & ~(leaf->size - 1);
	leaf->pa = pt_fmt_leaf_pa(cfg, level, pte);
	leaf->prot = pt_fmt_leaf_prot(cfg, level, pte);
	leaf->level = level;
}

/* Widen the prune hint to [@first, @last]. */
static void alg_prune_hint(struct pt_gather *gather, u64 first, u64 last)
{
	if (!gather)
		return;
	if (!gather->prune) {
		gather->prune = true;
		gather->prune_start = first;
		gather->prune_last = last;
		return;
	}
	if (first < gather->prune_start)
		gather->prune_start = first;
	if (last > gather->prune_last)
		gather->prune_last = last;
}

/* Widen the prune hint by the span of the entry at @level for @iova. */
static void alg_prune_hint_entry(struct pt_gather *gather,
				 const struct pt_cfg *cfg, unsigned int level,
				 u64 iova)
{
	u64 first = iova & ~(alg_span(cfg, level) - 1);

	alg_prune_hint(gather, first, first + alg_span(cfg, level) - 1);
}

/* --- runs of leaves reported to a callback --- */

/*
 * Leaves gathered into runs. With one-entry leaves of a format that stores
 * addresses in place, the next leaf of the run is the last entry plus
 * @step: one comparison recognises it.
 */
struct alg_runs {
	struct pt_run run;
	u64 next_pte;
	u64 step;
};

/* Does the leaf at @iova, entry @pte, continue the run? */
static __always_inline bool alg_run_continues(const struct alg_runs *r,
					      unsigned int level, u64 iova,
					      u64 pte)
{
	return r->run.size && r->step && pte == r->next_pte &&
	       r->run.level == level && r->run.iova + r->run.size == iova;
}

/* Start or extend the run with @leaf; the run that ended, or NULL. */
static __always_inline bool alg_run_add(struct alg_runs *r,
					const struct pt_cfg *cfg,
					const struct pt_leaf *leaf, u64 pte,
					struct pt_run *ended)
{
	struct pt_run *run = &r->run;
	bool flushed = false;

	if (run->size && run->iova + run->size == leaf->iova &&
	    run->pa + run->size == leaf->pa && run->prot == leaf->prot &&
	    run->pgsize == leaf->size && run->level == leaf->level) {
		run->size += leaf->size;
	} else {
		if (run->size) {
			*ended = *run;
			flushed = true;
		}
		*run = (struct pt_run){
			.iova = leaf->iova, .pa = leaf->pa, .size = leaf->size,
			.pgsize = leaf->size, .prot = leaf->prot,
			.level = leaf->level,
		};
	}
	/* One-entry leaves stored in place: expect the next by arithmetic. */
	r->step = 0;
	if (cfg->leaf_linear && leaf->size == alg_span(cfg, leaf->level) &&
	    !alg_view(cfg, leaf->level)) {
		r->step = leaf->size >> cfg->leaf_oa_shift;
		r->next_pte = pte + r->step;
	}
	return flushed;
}

/* --- map --- */

struct alg_map {
	struct pt_space *pt;
	struct pt_map_src *src;
	u64 iova;
	u64 left;
	u64 pgsizes;
	u32 prot;
	bool fresh;	/* in a table this map installed: its range is 0 */
	struct pt_gather *gather;
};

/*
 * Take the next pages of a page list once the current chunk is used up.
 * Pages smaller than the smallest size allowed must come in chunks that
 * size fits, and below 2^oas, or the map stops there: the format keeps only
 * the address bits it has, and would map other memory.
 */
static __always_inline int alg_src_fill(const struct pt_cfg *cfg,
					struct pt_map_src *src, u64 min_size)
{
	u64 limit = cfg->oas >= 64 ? ~0ULL : (1ULL << cfg->oas) - 1;

	if (likely(src->chunk) || !src->pages || src->next >= src->nr_pages)
		return 0;
	src->pa = src->pages[src->next++];
	src->chunk = src->page_size;
	/* Pages that follow each other physically make one chunk. */
	while (src->next < src->nr_pages &&
	       src->pages[src->next] == src->pa + src->chunk) {
		src->chunk += src->page_size;
		src->next++;
	}
	if ((src->pa | src->chunk) & (min_size - 1))
		return -EINVAL;
	return src->pa > limit || src->chunk - 1 > limit - src->pa ?
	       -EINVAL : 0;
}

/* The largest of @sizes that @iova, @pa and @avail allow, or 0. */
static __always_inline u64 alg_pick(u64 sizes, u64 iova, u64 pa, u64 avail)
{
	/* Most levels offer one size: skip the search. */
	if (!(sizes & (sizes - 1)))
		return sizes <= avail && !((iova | pa) & (sizes - 1)) ? sizes : 0;
	while (sizes) {
		u64 pgsize = 1ULL << (fls64(sizes) - 1);

		if (pgsize <= avail && !((iova | pa) & (pgsize - 1)))
			return pgsize;
		sizes &= ~pgsize;
	}
	return 0;
}

/*
 * Write up to @n one-entry leaves from entry @idx, mapping @pa onwards, and
 * stop at the first entry in use. Returns how many were written. In a
 * table the map itself installed (@fresh), the entries of its range are
 * known to be 0: no one else writes there, and nothing needs reading.
 */
static __always_inline unsigned int
alg_write_singles(const struct pt_cfg *cfg, void *table, unsigned int level,
		  unsigned int idx, unsigned int n, u64 pa, u32 prot,
		  bool fresh)
{
	u64 span = alg_span(cfg, level);
	unsigned int i;

	/* Viewed entries are written through the format, one by one. */
	if (cfg->leaf_linear && !alg_view(cfg, level)) {
		u64 pte = pt_fmt_mk_leaf(cfg, level, 0, span, prot) +
			  (pa >> cfg->leaf_oa_shift);
		u64 step = span >> cfg->leaf_oa_shift;
		alg_entry_t *e = (alg_entry_t *)table + idx;

		if (fresh) {
			for (i = 0; i < n; i++, pte += step)
				WRITE_ONCE(e[i], (alg_entry_t)pte);
			return n;
		}
		for (i = 0; i < n; i++, pte += step) {
			u64 old = alg_read(cfg, level, table, idx + i);

			if (unlikely(old) &&
			    pt_fmt_kind(cfg, level, old) != PT_ENTRY_EMPTY)
				break;
			alg_write(cfg, level, table, idx + i, pte);
		}
		return i;
	}
	for (i = 0; i < n; i++, pa += span) {
		u64 old = alg_read(cfg, level, table, idx + i);

		if (unlikely(old) &&
		    pt_fmt_kind(cfg, level, old) != PT_ENTRY_EMPTY)
			break;
		alg_write(cfg, level, table, idx + i,
			  pt_fmt_mk_leaf(cfg, level, pa, span, prot));
	}
	return i;
}

/*
 * Write @n leaves of @per entries each (contiguous hint, large pages,
 * Svnapot, AMD's NextLevel=7) from entry @idx. A leaf met with an entry in
 * use is cleared again, and reported as cleared. Returns the leaves written.
 */
static unsigned int alg_write_multis(struct alg_map *m, void *table,
				     unsigned int level, unsigned int idx,
				     unsigned int n, unsigned int per,
				     u64 pgsize)
{
	const struct pt_cfg *cfg = &m->pt->cfg;
	u64 span = alg_span(cfg, level), pa = m->src->pa;
	unsigned int i, k;

	for (i = 0; i < n; i++, idx += per, pa += pgsize) {
		for (k = 0; k < per; k++) {
			u64 old = alg_read(cfg, level, table, idx + k);

			if (unlikely(old) &&
			    pt_fmt_kind(cfg, level, old) != PT_ENTRY_EMPTY)
				break;
			alg_write(cfg, level, table, idx + k,
				  pt_fmt_mk_leaf(cfg, level, pa + k * span,
						 pgsize, m->prot));
		}
		if (k == per)
			continue;
		alg_clear(cfg, level, table, idx, idx + k);
		/* Hardware may have cached what was written. */
		if (k && m->pt->ops->cleared)
			m->pt->ops->cleared(m->gather, m->iova + i * pgsize,
					    k * span, span);
		break;
	}
	return i;
}

/*
 * Map leaves of @pgsize from entry *@idx: as many as the table, the range
 * and the source's chunk hold, stopping where a larger size of @sizes
 * becomes possible.
 */
static int alg_map_leaves(struct alg_map *m, void *table, unsigned int level,
			  unsigned int *idx, u64 pgsize, u64 sizes)
{
	const struct pt_cfg *cfg = &m->pt->cfg;
	unsigned int shift = alg_shift(cfg, level);
	unsigned int per = pgsize >> shift;
	struct pt_map_src *src = m->src;
	u64 bytes = (u64)(alg_nr(cfg, level) - *idx) << shift;
	u64 larger = sizes & ~(2 * pgsize - 1);
	unsigned int n, done;

	bytes = min(bytes, min(m->left, src->chunk));
	if (larger) {
		u64 next = larger & -larger;

		/* Where IOVA and address line up for it: its next boundary. */
		if (!((m->iova ^ src->pa) & (next - 1)) &&
		    (m->iova & (next - 1)))
			bytes = min(bytes, next - (m->iova & (next - 1)));
	}
	n = bytes / pgsize;
	if (per == 1)
		done = alg_write_singles(cfg, table, level, *idx, n, src->pa,
					 m->prot, m->fresh);
	else
		done = alg_write_multis(m, table, level, *idx, n, per, pgsize);
	*idx += done * per;
	m->iova += (u64)done * pgsize;
	m->left -= (u64)done * pgsize;
	src->pa += (u64)done * pgsize;
	src->chunk -= (u64)done * pgsize;
	return done == n ? 0 : -EADDRINUSE;
}

static int alg_map_table(struct alg_map *m, void *table, unsigned int level);

/* Map through the table entry @idx points at, installing it if need be. */
static int alg_map_descend(struct alg_map *m, void *table, unsigned int level,
			   unsigned int idx)
{
	const struct pt_cfg *cfg = &m->pt->cfg;
	u64 pte = alg_read(cfg, level, table, idx);
	u64 entry_iova = m->iova & ~(alg_span(cfg, level) - 1);
	unsigned int child_level;
	bool installed = false, fresh;
	void *child;
	int ret;

	switch (alg_kind(cfg, level, pte)) {
	case PT_ENTRY_LEAF:
		return -EADDRINUSE;
	case PT_ENTRY_EMPTY: {
		size_t bytes = alg_table_bytes(cfg, level - 1);
		u64 seen, new;

		child = m->pt->ops->alloc(m->pt->cookie, bytes);
		if (!child)
			return -ENOMEM;
		new = pt_fmt_mk_table(cfg, level, pt_virt_to_phys(child));
		seen = alg_install(cfg, level, table, idx, pte, new);
		if (seen == pte) {
			pte = new;
			installed = true;
			break;
		}
		/* Another map installed one first: use it. */
		m->pt->ops->free(m->pt->cookie, child, bytes);
		pte = seen;
		if (alg_kind(cfg, level, pte) != PT_ENTRY_TABLE)
			return -EADDRINUSE;
		break;
	}
	default:
		break;
	}
	child = alg_child(cfg, level, pte, &child_level);
	/* Someone else's skipping table: its gap cannot be mapped. */
	if (!alg_in_child(cfg, level, child_level, m->iova))
		return -EADDRINUSE;
	/* A table this map installed holds nothing in its range. */
	fresh = m->fresh;
	m->fresh = installed;
	ret = alg_map_table(m, child, child_level);
	m->fresh = fresh;
	if (!ret && m->left && !alg_in_child(cfg, level, child_level, m->iova))
		ret = -EADDRINUSE;
	/* A failure may leave the table this map made empty. */
	if (ret && installed)
		alg_prune_hint_entry(m->gather, cfg, level, entry_iova);
	return ret;
}

static int alg_map_table(struct alg_map *m, void *table, unsigned int level)
{
	const struct pt_cfg *cfg = &m->pt->cfg;
	unsigned int idx = alg_index(cfg, level, m->iova);
	unsigned int nr = alg_nr(cfg, level);
	u64 sizes = cfg->lvl[level].pgsizes & m->pgsizes;
	int ret;

	while (idx < nr && m->left) {
		struct pt_map_src *src = m->src;
		u64 pgsize;

		ret = alg_src_fill(cfg, src, m->pgsizes & -m->pgsizes);
		if (unlikely(ret))
			return ret;
		pgsize = sizes ? alg_pick(sizes, m->iova, src->pa,
					  min(m->left, src->chunk)) : 0;
		if (pgsize) {
			ret = alg_map_leaves(m, table, level, &idx, pgsize,
					     sizes);
			if (ret)
				return ret;
			continue;
		}
		/* The checks before make the smallest page always fit. */
		if (unlikely(!level))
			return -EINVAL;
		ret = alg_map_descend(m, table, level, idx);
		if (ret)
			return ret;
		idx++;
	}
	if (!level) {
		pt_cond_resched();
		if (m->left && pt_fatal_signal_pending())
			return -EINTR;
	}
	return 0;
}

/*
 * The map of one leaf of one entry (a single page or block) into tables
 * that exist, walked down without recursion. Returns false, having changed
 * nothing, for the general path to take it: a table to install, an entry
 * in use, a level skipped.
 */
static bool alg_map_one(struct alg_map *m)
{
	const struct pt_cfg *cfg = &m->pt->cfg;
	unsigned int level = cfg->levels - 1, leaf, child_level, idx;
	struct pt_map_src *src = m->src;
	void *table = m->pt->root;
	u64 size = m->left, pte;

	if (src->chunk < size || ((m->iova | src->pa) & (size - 1)) ||
	    !(size & m->pgsizes))
		return false;
	for (leaf = 0; leaf < cfg->levels; leaf++)
		if (size == alg_span(cfg, leaf))
			break;
	if (leaf == cfg->levels || !(cfg->lvl[leaf].pgsizes & size))
		return false;
	for (; level > leaf; level--) {
		pte = alg_read(cfg, level, table, alg_index(cfg, level, m->iova));
		if (alg_kind(cfg, level, pte) != PT_ENTRY_TABLE)
			return false;
		table = alg_child(cfg, level, pte, &child_level);
		if (child_level + 1 != level)
			return false;
	}
	idx = alg_index(cfg, leaf, m->iova);
	if (alg_read(cfg, leaf, table, idx))
		return false;
	alg_write(cfg, leaf, table, idx,
		  pt_fmt_mk_leaf(cfg, leaf, src->pa, size, m->prot));
	m->iova += size;
	m->left = 0;
	src->pa += size;
	src->chunk -= size;
	return true;
}

static int alg_map(struct pt_space *pt, u64 iova, struct pt_map_src *src,
		   u64 size, u32 prot, u64 pgsizes, struct pt_gather *gather,
		   u64 *mapped)
{
	struct alg_map m = {
		.pt = pt, .src = src, .iova = iova, .left = size,
		.pgsizes = pgsizes, .prot = prot, .gather = gather,
	};
	int ret = 0;

	/* One page or one block where its tables exist: no recursion. */
	if (!alg_map_one(&m))
		ret = alg_map_table(&m, pt->root, pt->cfg.levels - 1);
	*mapped = size - m.left;
	return ret;
}

/* --- unmap --- */

struct alg_unmap {
	struct pt_space *pt;
	u64 iova;
	u64 first;	/* the range owned, [first, last] */
	u64 last;
	u64 size;
	u64 done;
	bool hole;
	struct pt_gather *gather;
	struct alg_runs runs;
};

static __always_inline void alg_unmap_report(struct alg_unmap *u,
					     const struct pt_run *run)
{
	u->pt->ops->removed(u->gather, run);
}

static void alg_unmap_flush(struct alg_unmap *u)
{
	if (u->runs.run.size)
		alg_unmap_report(u, &u->runs.run);
	u->runs.run.size = 0;
	u->runs.step = 0;
}

/*
 * Clear the one-entry leaves that continue the run from entry @idx (which
 * does), up to entry @end at most, in one tight loop. Returns the entry
 * after the last one cleared.
 */
static __always_inline unsigned int alg_unmap_run(struct alg_unmap *u,
						  void *table,
						  unsigned int shift,
						  unsigned int idx,
						  unsigned int end)
{
	u64 next = u->runs.next_pte, step = u->runs.step, bytes;
	alg_entry_t *e = (alg_entry_t *)table + idx;
	alg_entry_t *stop = (alg_entry_t *)table + end;
	unsigned int n;

	WRITE_ONCE(*e++, 0);
	next += step;
	/* Four at a time while all four continue it, then one by one. */
	for (; stop - e >= 4; e += 4, next += 4 * step) {
		if ((READ_ONCE(e[0]) ^ (alg_entry_t)next) |
		    (READ_ONCE(e[1]) ^ (alg_entry_t)(next + step)) |
		    (READ_ONCE(e[2]) ^ (alg_entry_t)(next + 2 * step)) |
		    (READ_ONCE(e[3]) ^ (alg_entry_t)(next + 3 * step)))
			break;
		WRITE_ONCE(e[0], 0);
		WRITE_ONCE(e[1], 0);
		WRITE_ONCE(e[2], 0);
		WRITE_ONCE(e[3], 0);
	}
	for (; e < stop && READ_ONCE(*e) == (alg_entry_t)next; e++, next += step)
		WRITE_ONCE(*e, 0);
	n = e - ((alg_entry_t *)table + idx);
	bytes = (u64)n << shift;
	u->runs.run.size += bytes;
	u->runs.next_pte = next;
	u->iova += bytes;
	u->done += bytes;
	return idx + n;
}

/*
 * Unmap from @table. On return, entries [@zero[0], @zero[1]) of @table are
 * known to be 0: cleared by this unmap, in the range it owns (empty when a
 * table entry in between was kept).
 */
static int alg_unmap_table(struct alg_unmap *u, void *table,
			   unsigned int level, unsigned int zero[2])
{
	const struct pt_cfg *cfg = &u->pt->cfg;
	unsigned int shift = alg_shift(cfg, level);
	unsigned int idx = alg_index(cfg, level, u->iova);
	unsigned int nr = alg_nr(cfg, level);
	unsigned int child_level, end, child_zero[2];
	struct pt_leaf leaf;
	struct pt_run ended;
	u64 span = 1ULL << shift, entry_iova, left;
	bool kept = false, gone;
	void *child;
	int ret = 0;

	zero[0] = idx;
	while (idx < nr && u->done < u->size) {
		u64 pte = alg_read(cfg, level, table, idx);

		/* The next one-entry leaves of the run, without decoding. */
		if (alg_run_continues(&u->runs, level, u->iova, pte)) {
			/* Entries left, counting one the range ends inside. */
			left = u->size - u->done;
			left = (left >> shift) + !!(left & (span - 1));
			end = left < nr - idx ? idx + left : nr;
			idx = alg_unmap_run(u, table, shift, idx, end);
			continue;
		}
		switch (alg_kind(cfg, level, pte)) {
		case PT_ENTRY_EMPTY:
			u->hole = true;
			goto out;
		case PT_ENTRY_LEAF:
			alg_leaf_at(cfg, level, u->iova, pte, &leaf);
			/* Never split a page: refuse to start inside one. */
			if (leaf.iova != u->iova) {
				ret = -EINVAL;
				goto out;
			}
			end = idx + (leaf.size >> shift);
			alg_clear(cfg, level, table, idx, end < nr ? end : nr);
			idx = end;
			if (alg_run_add(&u->runs, cfg, &leaf, pte, &ended))
				alg_unmap_report(u, &ended);
			u->iova += leaf.size;
			u->done += leaf.size;
			break;
		case PT_ENTRY_TABLE:
			/* A run never spans two tables. */
			alg_unmap_flush(u);
			entry_iova = u->iova & ~(span - 1);
			child = alg_child(cfg, level, pte, &child_level);
			if (!alg_in_child(cfg, level, child_level, u->iova)) {
				u->hole = true;
				goto out;
			}
			ret = alg_unmap_table(u, child, child_level,
					      child_zero);
			alg_unmap_flush(u);
			if (!ret && u->done < u->size &&
			    !alg_in_child(cfg, level, child_level, u->iova))
				u->hole = true;
			gone = false;
			if (!alg_foreign(u->pt, entry_iova, span) &&
			    alg_table_empty(cfg, child, child_level,
					    child_zero[0], child_zero[1])) {
				/* Free it only if no one else can be in it. */
				if (entry_iova >= u->first &&
				    entry_iova + span - 1 <= u->last) {
					alg_write(cfg, level, table, idx, 0);
					gone = true;
					u->pt->ops->retire(u->gather, child,
						alg_table_bytes(cfg, child_level));
				} else {
					alg_prune_hint_entry(u->gather, cfg,
							     level, entry_iova);
				}
			}
			kept |= !gone;
			if (ret || u->hole)
				goto out;
			idx++;
			break;
		}
	}
	if (!level) {
		pt_cond_resched();
		if (u->done < u->size && pt_fatal_signal_pending())
			ret = -EINTR;
	}
out:
	zero[1] = kept ? zero[0] : min(idx, nr);
	return ret;
}

/*
 * The unmap of one leaf of one entry that starts at @iova and holds the
 * whole range, walked down without recursion. Its table cannot be freed
 * here (the range is smaller than the table's span): if the table is
 * empty now, it goes to the prune hint, as the general path does. Returns
 * false, having changed nothing, for the general path to take it.
 */
static bool alg_unmap_one(struct pt_space *pt, u64 iova, u64 size,
			  struct pt_gather *gather, u64 *unmapped)
{
	const struct pt_cfg *cfg = &pt->cfg;
	unsigned int level = cfg->levels - 1, child_level, idx;
	void *table = pt->root;
	struct pt_run run;
	u64 pte, span, up;

	for (;;) {
		idx = alg_index(cfg, level, iova);
		pte = alg_read(cfg, level, table, idx);
		if (alg_kind(cfg, level, pte) != PT_ENTRY_TABLE)
			break;
		if (!level)
			return false;
		table = alg_child(cfg, level, pte, &child_level);
		if (child_level + 1 != level)
			return false;
		level = child_level;
	}
	span = alg_span(cfg, level);
	if (alg_kind(cfg, level, pte) != PT_ENTRY_LEAF ||
	    level == cfg->levels - 1 || size > span || (iova & (span - 1)) ||
	    pt_fmt_leaf_size(cfg, level, pte) != span)
		return false;
	alg_write(cfg, level, table, idx, 0);
	run = (struct pt_run){
		.iova = iova, .pa = pt_fmt_leaf_pa(cfg, level, pte),
		.size = span, .pgsize = span,
		.prot = pt_fmt_leaf_prot(cfg, level, pte), .level = level,
	};
	pt->ops->removed(gather, &run);
	up = alg_span(cfg, level + 1);
	if (!alg_foreign(pt, iova & ~(up - 1), up) &&
	    alg_table_empty(cfg, table, level, idx, idx + 1))
		alg_prune_hint_entry(gather, cfg, level + 1, iova);
	*unmapped = span;
	return true;
}

static int alg_unmap(struct pt_space *pt, u64 iova, u64 size,
		     struct pt_gather *gather, u64 *unmapped)
{
	struct alg_unmap u = {
		.pt = pt, .iova = iova, .first = iova, .last = iova + size - 1,
		.size = size, .gather = gather,
	};
	unsigned int zero[2];
	int ret;

	/* One page or one block: no recursion. */
	if (alg_unmap_one(pt, iova, size, gather, unmapped))
		return 0;
	ret = alg_unmap_table(&u, pt->root, pt->cfg.levels - 1, zero);
	alg_unmap_flush(&u);
	*unmapped = u.done;
	if (!ret && !u.done)
		ret = -ENOENT;
	return ret;
}

/* --- walk --- */

/* Note the words hardware reads for entry @idx (@pte where not a view). */
static __always_inline void alg_walk_note(const struct pt_cfg *cfg,
					  unsigned int level,
					  const void *table, unsigned int idx,
					  u64 pte, struct pt_walk_result *res)
{
	u64 words[2] = { pte };
	unsigned int n = 1, i;

#ifdef PT_FMT_DUAL
	if (alg_view(cfg, level))
		n = pt_fmt_walk_words(cfg, level, table, idx, words);
#endif
	for (i = 0; i < n && res->nr_entries < PT_MAX_WALK_WORDS; i++) {
		res->entry_levels[res->nr_entries] = level;
		res->entries[res->nr_entries++] = words[i];
	}
}

static int alg_walk(const struct pt_space *pt, u64 iova,
		    struct pt_walk_result *res)
{
	const struct pt_cfg *cfg = &pt->cfg;
	unsigned int level = cfg->levels, child_level, idx;
	void *table = pt->root;

	/* pt_walk() cleared @res. */
	while (level--) {
		u64 pte;

		idx = alg_index(cfg, level, iova);
		pte = alg_read(cfg, level, table, idx);
		alg_walk_note(cfg, level, table, idx, pte, res);
		switch (alg_kind(cfg, level, pte)) {
		case PT_ENTRY_EMPTY:
			return -ENOENT;
		case PT_ENTRY_LEAF:
			alg_leaf_at(cfg, level, iova, pte, &res->leaf);
			res->leaf.pa += iova - res->leaf.iova;
			return 0;
		case PT_ENTRY_TABLE:
			if (!level)
				return -ENOENT;
			table = alg_child(cfg, level, pte, &child_level);
			if (!alg_in_child(cfg, level, child_level, iova))
				return -ENOENT;
			level = child_level + 1;
			break;
		}
	}
	return -ENOENT;
}

/* --- iterate --- */

struct alg_iter {
	const struct pt_space *pt;
	u64 first;
	u64 last;
	struct pt_run_visitor *visitor;
	struct alg_runs runs;
};

static int alg_iter_flush(struct alg_iter *it)
{
	int ret = 0;

	if (it->runs.run.size)
		ret = it->visitor->run(it->visitor, &it->runs.run);
	it->runs.run.size = 0;
	it->runs.step = 0;
	return ret;
}

static int alg_iter_table(struct alg_iter *it, const void *table,
			  unsigned int level, u64 base)
{
	const struct pt_cfg *cfg = &it->pt->cfg;
	unsigned int shift = alg_shift(cfg, level);
	unsigned int idx = base < it->first ? alg_index(cfg, level, it->first) : 0;
	unsigned int nr = alg_nr(cfg, level), child_level;
	struct pt_leaf leaf;
	struct pt_run ended;
	void *child;
	int ret = 0;

	for (; idx < nr; idx++) {
		u64 iova = base + ((u64)idx << shift);
		u64 pte;

		if (iova > it->last)
			break;
		pte = alg_read(cfg, level, table, idx);
		if (alg_run_continues(&it->runs, level, iova, pte)) {
			it->runs.run.size += 1ULL << shift;
			it->runs.next_pte += it->runs.step;
			continue;
		}
		switch (alg_kind(cfg, level, pte)) {
		case PT_ENTRY_EMPTY:
			continue;
		case PT_ENTRY_LEAF:
			alg_leaf_at(cfg, level, iova, pte, &leaf);
			if (alg_run_add(&it->runs, cfg, &leaf, pte, &ended))
				ret = it->visitor->run(it->visitor, &ended);
			/* Report a leaf of several entries once. */
			idx = ((leaf.iova + leaf.size - base) >> shift) - 1;
			break;
		case PT_ENTRY_TABLE:
			ret = alg_iter_flush(it);
			if (ret)
				return ret;
			child = alg_child(cfg, level, pte, &child_level);
			ret = alg_iter_table(it, child, child_level, iova);
			if (!ret)
				ret = alg_iter_flush(it);
			break;
		}
		if (ret)
			return ret;
	}
	return 0;
}

static int alg_iterate(const struct pt_space *pt, u64 first, u64 last,
		       struct pt_run_visitor *visitor)
{
	struct alg_iter it = {
		.pt = pt, .first = first, .last = last, .visitor = visitor,
	};
	int ret;

	ret = alg_iter_table(&it, pt->root, pt->cfg.levels - 1,
			     pt->cfg.iova_base);
	if (!ret)
		ret = alg_iter_flush(&it);
	return ret;
}

/* --- prune --- */

/* Unlink and retire the empty tables below @table within [@first, @last]. */
static void alg_prune_table(struct pt_space *pt, void *table,
			    unsigned int level, u64 base, u64 first, u64 last,
			    struct pt_gather *gather)
{
	const struct pt_cfg *cfg = &pt->cfg;
	unsigned int shift = alg_shift(cfg, level);
	unsigned int idx = base < first ? alg_index(cfg, level, first) : 0;
	unsigned int nr = alg_nr(cfg, level), child_level;
	u64 span = 1ULL << shift;
	void *child;

	for (; idx < nr; idx++) {
		u64 iova = base + ((u64)idx << shift);
		u64 pte;

		if (iova > last)
			break;
		pte = alg_read(cfg, level, table, idx);
		if (alg_kind(cfg, level, pte) != PT_ENTRY_TABLE)
			continue;
		child = alg_child(cfg, level, pte, &child_level);
		alg_prune_table(pt, child, child_level, iova, first, last,
				gather);
		/* Only a table whose whole span is the caller's. */
		if (iova >= first && iova + span - 1 <= last &&
		    !alg_foreign(pt, iova, span) &&
		    alg_table_empty(cfg, child, child_level, 0, 0)) {
			alg_write(cfg, level, table, idx, 0);
			pt->ops->retire(gather, child,
					alg_table_bytes(cfg, child_level));
		}
	}
}

/*
 * After a prune: on the path to @at, the lowest table whose own span is not
 * within [@first, @last], if it is empty now, is for the next prune, over
 * the span of the entry that points at it (a level up).
 */
static void alg_prune_up(struct pt_space *pt, u64 at, u64 first, u64 last,
			 struct pt_gather *gather)
{
	const struct pt_cfg *cfg = &pt->cfg;
	unsigned int level = cfg->levels - 1, child_level;
	u64 up_first = 0, up_last = 0;
	void *table = pt->root;

	for (;;) {
		u64 span = alg_span(cfg, level), base = at & ~(span - 1);
		u64 pte;

		/* This entry's span was pruned whole. */
		if (base >= first && base + span - 1 <= last)
			break;
		pte = alg_read(cfg, level, table, alg_index(cfg, level, at));
		if (alg_kind(cfg, level, pte) != PT_ENTRY_TABLE)
			break;
		up_first = base;
		up_last = base + span - 1;
		table = alg_child(cfg, level, pte, &child_level);
		if (!alg_in_child(cfg, level, child_level, at))
			return;
		level = child_level;
	}
	if (table == pt->root ||
	    alg_foreign(pt, up_first, up_last - up_first + 1) ||
	    !alg_table_empty(cfg, table, level, 0, 0))
		return;
	alg_prune_hint(gather, up_first, up_last);
}

static void alg_prune(struct pt_space *pt, u64 first, u64 last,
		      struct pt_gather *gather)
{
	alg_prune_table(pt, pt->root, pt->cfg.levels - 1, pt->cfg.iova_base,
			first, last, gather);
	alg_prune_up(pt, first, first, last, gather);
	alg_prune_up(pt, last, first, last, gather);
}

/* --- destroy --- */

struct alg_destroy {
	struct pt_space *pt;
	struct pt_gather *gather;
	struct alg_runs runs;
};

static void alg_destroy_flush(struct alg_destroy *d)
{
	if (d->runs.run.size)
		d->pt->ops->removed(d->gather, &d->runs.run);
	d->runs.run.size = 0;
	d->runs.step = 0;
}

/*
 * Report every leaf and retire every table below @table, except what
 * belongs to someone else; @table stays.
 */
static void alg_destroy_table(struct alg_destroy *d, void *table,
			      unsigned int level, u64 base)
{
	const struct pt_cfg *cfg = &d->pt->cfg;
	unsigned int shift = alg_shift(cfg, level);
	unsigned int idx, end, nr = alg_nr(cfg, level), child_level;
	struct pt_leaf leaf;
	struct pt_run ended;
	void *child;

	for (idx = 0; idx < nr; idx++) {
		u64 pte = alg_read(cfg, level, table, idx);
		u64 iova = base + ((u64)idx << shift);

		switch (alg_kind(cfg, level, pte)) {
		case PT_ENTRY_EMPTY:
			continue;
		case PT_ENTRY_LEAF:
			alg_leaf_at(cfg, level, iova, pte, &leaf);
			end = (leaf.iova + leaf.size - base) >> shift;
			if (alg_foreign(d->pt, leaf.iova, leaf.size)) {
				alg_destroy_flush(d);
			} else {
				if (alg_run_add(&d->runs, cfg, &leaf, pte,
						&ended))
					d->pt->ops->removed(d->gather, &ended);
				alg_clear(cfg, level, table, idx, end < nr ? end : nr);
			}
			idx = end - 1;
			continue;
		case PT_ENTRY_TABLE:
			alg_destroy_flush(d);
			child = alg_child(cfg, level, pte, &child_level);
			alg_destroy_table(d, child, child_level, iova);
			if (alg_foreign(d->pt, iova, 1ULL << shift))
				continue;
			d->pt->ops->retire(d->gather, child,
					   alg_table_bytes(cfg, child_level));
			alg_write(cfg, level, table, idx, 0);
			break;
		}
	}
	alg_destroy_flush(d);
	pt_cond_resched();
}

static void alg_destroy(struct pt_space *pt, struct pt_gather *gather)
{
	const struct pt_cfg *cfg = &pt->cfg;
	struct alg_destroy d = { .pt = pt, .gather = gather };

	alg_destroy_table(&d, pt->root, cfg->levels - 1, cfg->iova_base);
	if (!pt->root_borrowed)
		pt->ops->retire(gather, pt->root,
				alg_table_bytes(cfg, cfg->levels - 1));
}

/* --- read and clear dirty --- */

#ifdef pt_fmt_leaf_dirty
/* Cleaning writes entries in place: not (yet) through a dual view. */
#ifdef PT_FMT_DUAL
#error "dirty tracking of a format with dual entries is not implemented"
#endif
struct alg_dirty {
	struct pt_space *pt;
	u64 first;
	u64 last;
	bool clear;
	struct pt_dirty_visitor *visitor;
};

/*
 * Clean one entry. A device may set its dirty state meanwhile (it holds
 * the range shared, as this does): cmpxchg, so that no update is lost.
 */
static void alg_dirty_clean(const struct pt_cfg *cfg, void *table,
			    unsigned int level, unsigned int idx)
{
	alg_entry_t *e = (alg_entry_t *)table + idx;
	u64 old = alg_read(cfg, level, table, idx), new, seen;

	for (;;) {
		new = pt_fmt_leaf_clean(cfg, level, old);
		if (new == old)
			return;
		seen = alg_cmpxchg(e, (alg_entry_t)old, (alg_entry_t)new);
		if (seen == old)
			return;
		old = seen;
	}
}

static int alg_dirty_table(struct alg_dirty *d, void *table,
			   unsigned int level, u64 base)
{
	const struct pt_cfg *cfg = &d->pt->cfg;
	unsigned int shift = alg_shift(cfg, level);
	unsigned int idx = base < d->first ? alg_index(cfg, level, d->first) : 0;
	unsigned int nr = alg_nr(cfg, level), child_level, k, first, end;
	struct pt_leaf leaf;
	bool dirty;
	void *child;
	int ret = 0;

	for (; idx < nr; idx++) {
		u64 iova = base + ((u64)idx << shift);
		u64 pte;

		if (iova > d->last)
			break;
		pte = alg_read(cfg, level, table, idx);
		switch (alg_kind(cfg, level, pte)) {
		case PT_ENTRY_EMPTY:
			continue;
		case PT_ENTRY_TABLE:
			child = alg_child(cfg, level, pte, &child_level);
			ret = alg_dirty_table(d, child, child_level, iova);
			break;
		case PT_ENTRY_LEAF:
			/* Every entry of the leaf, from its first. */
			alg_leaf_at(cfg, level, iova, pte, &leaf);
			first = (leaf.iova - base) >> shift;
			end = first + (unsigned int)(leaf.size >> shift);
			if (end > nr || !end)
				end = nr;
			dirty = false;
			for (k = first; k < end && !dirty; k++)
				dirty = pt_fmt_leaf_dirty(cfg, level,
							  alg_read(cfg, level,
								   table, k));
			idx = end - 1;
			if (!dirty)
				continue;
			if (d->clear)
				for (k = first; k < end; k++)
					alg_dirty_clean(cfg, table, level, k);
			ret = d->visitor->dirty(d->visitor, leaf.iova,
						leaf.size);
			break;
		}
		if (ret)
			return ret;
	}
	if (!level)
		pt_cond_resched();
	return 0;
}

static int alg_read_dirty(struct pt_space *pt, u64 first, u64 last,
			  bool clear, struct pt_dirty_visitor *visitor)
{
	struct alg_dirty d = {
		.pt = pt, .first = first, .last = last, .clear = clear,
		.visitor = visitor,
	};

	return alg_dirty_table(&d, pt->root, pt->cfg.levels - 1,
			       pt->cfg.iova_base);
}

#define ALG_READ_DIRTY alg_read_dirty
#else
#define ALG_READ_DIRTY NULL
#endif

static const struct pt_ops pt_alg_ops = {
	.map = alg_map,
	.unmap = alg_unmap,
	.walk = alg_walk,
	.iterate = alg_iterate,
	.prune = alg_prune,
	.destroy = alg_destroy,
	.read_dirty = ALG_READ_DIRTY,
};

/* --- the entry operations as functions, for tests and cold paths --- */

static u64 pt_alg_mk_table(const struct pt_cfg *cfg, unsigned int level,
			   u64 table_pa)
{
	return pt_fmt_mk_table(cfg, level, table_pa);
}

static u64 pt_alg_mk_leaf(const struct pt_cfg *cfg, unsigned int level,
			  u64 pa, u64 pgsize, u32 prot)
{
	return pt_fmt_mk_leaf(cfg, level, pa, pgsize, prot);
}

static enum pt_entry_kind pt_alg_kind(const struct pt_cfg *cfg,
				      unsigned int level, u64 pte)
{
	return pt_fmt_kind(cfg, level, pte);
}

static u64 pt_alg_entry_pa(const struct pt_cfg *cfg, unsigned int level,
			   u64 pte)
{
	if (pt_fmt_kind(cfg, level, pte) == PT_ENTRY_TABLE)
		return pt_fmt_table_pa(cfg, level, pte);
	return pt_fmt_leaf_pa(cfg, level, pte);
}

static u32 pt_alg_leaf_prot(const struct pt_cfg *cfg, unsigned int level,
			    u64 pte)
{
	return pt_fmt_leaf_prot(cfg, level, pte);
}

static u64 pt_alg_leaf_size(const struct pt_cfg *cfg, unsigned int level,
			    u64 pte)
{
	return pt_fmt_leaf_size(cfg, level, pte);
}

static unsigned int pt_alg_table_level(const struct pt_cfg *cfg,
				       unsigned int level, u64 pte)
{
	return pt_fmt_table_level(cfg, level, pte);
}

/* The fields of a struct pt_format that this compilation fills. */
#define PT_ALG_FORMAT_OPS			\
	.ops = &pt_alg_ops,			\
	.mk_table = pt_alg_mk_table,		\
	.mk_leaf = pt_alg_mk_leaf,		\
	.kind = pt_alg_kind,			\
	.entry_pa = pt_alg_entry_pa,		\
	.leaf_prot = pt_alg_leaf_prot,		\
	.leaf_size = pt_alg_leaf_size,		\
	.table_level = pt_alg_table_level

#endif /* PTLAB_PT_ALG_H */
