// SPDX-License-Identifier: GPL-2.0
/*
 * The format-generic page-table algorithm. Every operation is a recursive
 * descent over the levels the format describes; nothing here knows an entry
 * encoding.
 */
#include "engine/pt_engine.h"

static inline u64 pt_level_size(const struct pt_cfg *cfg, unsigned int level)
{
	return 1ULL << cfg->lvl[level].shift;
}

/* The last IOVA of the input address space. */
static inline u64 pt_last_iova(const struct pt_cfg *cfg)
{
	return cfg->ias >= 64 ? ~0ULL : (1ULL << cfg->ias) - 1;
}

static inline unsigned int pt_nr_entries(const struct pt_cfg *cfg,
					 unsigned int level)
{
	return 1U << cfg->lvl[level].index_bits;
}

static inline unsigned int pt_index(const struct pt_cfg *cfg,
				    unsigned int level, u64 iova)
{
	return (iova >> cfg->lvl[level].shift) & (pt_nr_entries(cfg, level) - 1);
}

static inline u64 pt_read(const struct pt_cfg *cfg, void *table,
			  unsigned int idx)
{
	if (cfg->entry_shift == 2)
		return READ_ONCE(((u32 *)table)[idx]);
	return READ_ONCE(((u64 *)table)[idx]);
}

static inline void pt_write(const struct pt_cfg *cfg, void *table,
			    unsigned int idx, u64 pte)
{
	if (cfg->entry_shift == 2)
		WRITE_ONCE(((u32 *)table)[idx], (u32)pte);
	else
		WRITE_ONCE(((u64 *)table)[idx], pte);
}

/* Publish a table entry unless someone else got there first. */
static inline u64 pt_install(const struct pt_cfg *cfg, void *table,
			     unsigned int idx, u64 old, u64 pte)
{
	/* The new table's zeroed contents must be visible before its entry. */
	dma_wmb();
	if (cfg->entry_shift == 2)
		return pt_cmpxchg_u32(&((u32 *)table)[idx], old, pte);
	return pt_cmpxchg_u64(&((u64 *)table)[idx], old, pte);
}

static inline enum pt_entry_kind pt_kind(const struct pt_cfg *cfg,
					 unsigned int level, u64 pte)
{
	return cfg->fmt->kind(cfg, level, pte);
}

/* The table a table entry points at, and that table's level. */
static inline void *pt_child(const struct pt_cfg *cfg, unsigned int level,
			     u64 pte, unsigned int *child_level)
{
	const struct pt_format *fmt = cfg->fmt;

	*child_level = fmt->table_level ? fmt->table_level(cfg, level, pte) :
		       level - 1;
	return pt_phys_to_virt(fmt->entry_pa(cfg, level, pte));
}

/*
 * A table entry at @level that skips to a table at @child_level covers only
 * the IOVAs whose skipped index bits are zero; the rest of its span faults.
 */
static inline bool pt_in_child(const struct pt_cfg *cfg, unsigned int level,
			       unsigned int child_level, u64 iova)
{
	u64 covered = pt_level_size(cfg, child_level + 1);

	return !(iova & (pt_level_size(cfg, level) - 1) & ~(covered - 1));
}

/* The largest of @sizes that @st's position and length allow, or 0. */
static inline u64 pt_pick_pgsize(u64 sizes, u64 iova, u64 pa, u64 left)
{
	/* Most levels offer one size: skip the search. */
	if (!(sizes & (sizes - 1)))
		return sizes <= left && !((iova | pa) & (sizes - 1)) ? sizes : 0;
	while (sizes) {
		u64 pgsize = 1ULL << (fls64(sizes) - 1);

		if (pgsize <= left && !((iova | pa) & (pgsize - 1)))
			return pgsize;
		sizes &= ~pgsize;
	}
	return 0;
}

/**
 * pt_table_bytes() - size in bytes of a table at @level
 * @cfg: geometry
 * @level: level of the table
 *
 * Return: bytes, a power of two.
 */
size_t pt_table_bytes(const struct pt_cfg *cfg, unsigned int level)
{
	return (size_t)pt_nr_entries(cfg, level) << cfg->entry_shift;
}

/*
 * The engine clears entries to 0, so a table it may free is all zeros. A
 * plain word scan is far cheaper than decoding every entry; a non-zero
 * entry the hardware would ignore only keeps its table until destroy.
 */
static bool pt_table_empty(const struct pt_cfg *cfg, void *table,
			   unsigned int level)
{
	const u64 *word = table;
	size_t i, nr = pt_table_bytes(cfg, level) / sizeof(*word);

	for (i = 0; i < nr; i++)
		if (word[i])
			return false;
	return true;
}

/**
 * pt_cfg_init() - resolve the geometry of an address space
 * @cfg: filled on success
 * @fmt: format descriptor
 * @params: what the user asked for
 *
 * Return: 0, -EINVAL for parameters the format defines but rejects, or
 * -EOPNOTSUPP for features it does not implement.
 */
int pt_cfg_init(struct pt_cfg *cfg, const struct pt_format *fmt,
		const struct pt_params *params)
{
	int ret;

	u64 all = 0;
	unsigned int level;

	*cfg = (struct pt_cfg){ .fmt = fmt };
	ret = fmt->init(cfg, params);
	if (ret)
		return ret;
	if (!cfg->levels || cfg->levels > PT_MAX_LEVELS)
		return -EINVAL;
	for (level = 0; level < cfg->levels; level++)
		all |= cfg->lvl[level].pgsizes;
	if (!cfg->pgsize_bitmap || cfg->pgsize_bitmap & ~all)
		return -EINVAL;
	return 0;
}

/**
 * pt_space_init() - allocate the top-level table of a new tree
 * @pt: the tree
 * @cfg: geometry from pt_cfg_init()
 * @ops: the owner's memory services
 * @cookie: passed to @ops->alloc and @ops->free
 *
 * Return: 0 or -ENOMEM.
 */
int pt_space_init(struct pt_space *pt, const struct pt_cfg *cfg,
		  const struct pt_table_ops *ops, void *cookie)
{
	pt->cfg = *cfg;
	pt->ops = ops;
	pt->cookie = cookie;
	pt->root = ops->alloc(cookie, pt_table_bytes(cfg, cfg->levels - 1));
	return pt->root ? 0 : -ENOMEM;
}

/**
 * pt_space_adopt() - build on a top-level table someone else allocated
 * @pt: the tree
 * @cfg: geometry from pt_cfg_init()
 * @ops: the owner's services; @ops->foreign tells what the table's owner
 *	populated and keeps
 * @cookie: passed to @ops
 * @root: the top-level table, in the format @cfg describes
 */
void pt_space_adopt(struct pt_space *pt, const struct pt_cfg *cfg,
		    const struct pt_table_ops *ops, void *cookie, void *root)
{
	pt->cfg = *cfg;
	pt->ops = ops;
	pt->cookie = cookie;
	pt->root = root;
	pt->root_borrowed = true;
}

/**
 * pt_root_pa() - physical address of the top-level table
 * @pt: the tree
 *
 * Return: the address a driver would program into the hardware.
 */
u64 pt_root_pa(const struct pt_space *pt)
{
	return pt_virt_to_phys(pt->root);
}

/* Decode the leaf that the entry for @iova at @level belongs to. */
static void pt_leaf_at(const struct pt_cfg *cfg, unsigned int level, u64 iova,
		       u64 pte, struct pt_leaf *leaf)
{
	const struct pt_format *fmt = cfg->fmt;

	leaf->size = fmt->leaf_size ? fmt->leaf_size(cfg, level, pte) :
		     pt_level_size(cfg, level);
	leaf->iova = iova & ~(leaf->size - 1);
	leaf->pa = fmt->entry_pa(cfg, level, pte);
	leaf->prot = fmt->leaf_prot(cfg, level, pte);
	leaf->level = level;
}

/* Index one past the last entry of @leaf in a table at @level from @base. */
static inline unsigned int pt_leaf_end(const struct pt_cfg *cfg,
				       unsigned int level, u64 base,
				       const struct pt_leaf *leaf)
{
	return (leaf->iova + leaf->size - base) >> cfg->lvl[level].shift;
}

static inline void pt_clear_entries(const struct pt_cfg *cfg, void *table,
				    unsigned int first, unsigned int end)
{
	for (; first < end; first++)
		pt_write(cfg, table, first, 0);
}

/* Does any of [@iova, @iova + @size) belong to someone else? */
static inline bool pt_foreign(const struct pt_space *pt, u64 iova, u64 size)
{
	return pt->ops->foreign && pt->ops->foreign(pt->cookie, iova, size);
}

/*
 * Free every table below @table and report every leaf, except what belongs
 * to someone else; @table stays.
 */
static void pt_clear_table(struct pt_space *pt, void *table,
			   unsigned int level, u64 base, void *gather)
{
	const struct pt_cfg *cfg = &pt->cfg;
	unsigned int idx, end, nr = pt_nr_entries(cfg, level);
	unsigned int child_level;
	struct pt_leaf leaf;

	for (idx = 0; idx < nr; idx++) {
		u64 pte = pt_read(cfg, table, idx);
		u64 iova = base + ((u64)idx << cfg->lvl[level].shift);
		void *child;

		switch (pt_kind(cfg, level, pte)) {
		case PT_ENTRY_EMPTY:
			continue;
		case PT_ENTRY_LEAF:
			pt_leaf_at(cfg, level, iova, pte, &leaf);
			end = pt_leaf_end(cfg, level, base, &leaf);
			if (!pt_foreign(pt, leaf.iova, leaf.size)) {
				pt->ops->leaf_removed(gather, &leaf);
				pt_clear_entries(cfg, table, idx,
						 end < nr ? end : nr);
			}
			idx = end - 1;
			continue;
		case PT_ENTRY_TABLE:
			child = pt_child(cfg, level, pte, &child_level);
			pt_clear_table(pt, child, child_level, iova, gather);
			if (pt_foreign(pt, iova, pt_level_size(cfg, level)))
				continue;
			pt->ops->retire(gather, child,
					pt_table_bytes(cfg, child_level));
			break;
		}
		pt_write(cfg, table, idx, 0);
	}
	pt_cond_resched();
}

/**
 * pt_space_destroy() - remove every mapping and retire every table
 * @pt: the tree; nothing may walk it any more
 * @gather: receives the leaves and the tables, the top-level one included
 *
 * What is foreign (see struct pt_table_ops) stays as it was, and so does a
 * borrowed top-level table: only the entries this tree added are cleared.
 */
void pt_space_destroy(struct pt_space *pt, void *gather)
{
	const struct pt_cfg *cfg = &pt->cfg;

	if (!pt->root)
		return;
	pt_clear_table(pt, pt->root, cfg->levels - 1, 0, gather);
	if (!pt->root_borrowed)
		pt->ops->retire(gather, pt->root,
				pt_table_bytes(cfg, cfg->levels - 1));
	pt->root = NULL;
}

/**
 * pt_check_range() - validate an IOVA range against the geometry
 * @cfg: geometry
 * @iova: first IOVA
 * @size: bytes
 * @pgsizes: page sizes the operation may use
 *
 * Return: 0, or -EINVAL when the range is empty, wraps, leaves the input
 * address space or is not aligned to the smallest page size in @pgsizes.
 */
int pt_check_range(const struct pt_cfg *cfg, u64 iova, u64 size, u64 pgsizes)
{
	u64 min_page = pgsizes & -pgsizes;
	u64 limit = pt_last_iova(cfg);

	if (!size || !min_page || ((iova | size) & (min_page - 1)))
		return -EINVAL;
	if (iova > limit || size - 1 > limit - iova)
		return -EINVAL;
	return 0;
}

/**
 * pt_check_prot() - can the address space map with these permissions?
 * @cfg: geometry
 * @prot: PT_PROT_* bits
 *
 * Return: 0, -EOPNOTSUPP for bits the format cannot express, -EINVAL for a
 * combination it refuses.
 */
int pt_check_prot(const struct pt_cfg *cfg, u32 prot)
{
	if (prot & ~cfg->prot_mask)
		return -EOPNOTSUPP;
	return cfg->fmt->check_prot(cfg, prot);
}

struct pt_map_state {
	struct pt_space *pt;
	bool shared;
	/* The next one-entry leaf, when the format's leaves step linearly. */
	u64 next_leaf;
	u64 next_pa;
	u64 next_size;
	u64 iova;
	u64 pa;
	u64 left;
	u64 pgsizes;
	u32 prot;
	void *gather;
};

static inline bool pt_entry_free(const struct pt_cfg *cfg, unsigned int level,
				 u64 pte)
{
	return !pte || pt_kind(cfg, level, pte) == PT_ENTRY_EMPTY;
}

/*
 * Entry @i of a leaf of @pgsize at @level mapping @st->pa. Consecutive
 * one-entry leaves of one size differ only in their address: where the
 * format says so, step the last one instead of encoding again.
 */
static inline u64 pt_leaf_entry(struct pt_map_state *st, unsigned int level,
				unsigned int i, u64 pgsize)
{
	const struct pt_cfg *cfg = &st->pt->cfg;
	u64 pa = st->pa + ((u64)i << cfg->lvl[level].shift);
	u64 pte;

	if (pa == st->next_pa && pgsize == st->next_size && st->next_leaf)
		pte = st->next_leaf;
	else
		pte = cfg->fmt->mk_leaf(cfg, level, pa, pgsize, st->prot);
	if (cfg->leaf_linear && pgsize == 1ULL << cfg->lvl[level].shift) {
		st->next_leaf = pte + (pgsize >> cfg->leaf_oa_shift);
		st->next_pa = pa + pgsize;
		st->next_size = pgsize;
	}
	return pte;
}

/* Write a leaf of @n entries if they are all free; the tree is ours. */
static int pt_write_leaf(struct pt_map_state *st, void *table,
			 unsigned int level, unsigned int idx, unsigned int n,
			 u64 pgsize)
{
	const struct pt_cfg *cfg = &st->pt->cfg;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!pt_entry_free(cfg, level, pt_read(cfg, table, idx + i)))
			return -EADDRINUSE;
	for (i = 0; i < n; i++)
		pt_write(cfg, table, idx + i, pt_leaf_entry(st, level, i, pgsize));
	return 0;
}

/*
 * Claim each entry of a leaf with cmpxchg, so that concurrent maps of one
 * IOVA cannot both win; the loser takes back what it claimed.
 */
static int pt_claim_leaf(struct pt_map_state *st, void *table,
			 unsigned int level, unsigned int idx, unsigned int n,
			 u64 pgsize)
{
	const struct pt_cfg *cfg = &st->pt->cfg;
	unsigned int i;

	for (i = 0; i < n; i++) {
		u64 old = pt_read(cfg, table, idx + i);
		u64 leaf = pt_leaf_entry(st, level, i, pgsize);

		if (!pt_entry_free(cfg, level, old) ||
		    pt_install(cfg, table, idx + i, old, leaf) != old) {
			pt_clear_entries(cfg, table, idx, idx + i);
			/* Hardware may have cached what was claimed. */
			if (i && st->pt->ops->cleared)
				st->pt->ops->cleared(st->gather, st->iova,
						     (u64)i << cfg->lvl[level].shift,
						     1ULL << cfg->lvl[level].shift);
			return -EADDRINUSE;
		}
	}
	return 0;
}

static int pt_map_table(struct pt_map_state *st, void *table,
			unsigned int level)
{
	const struct pt_cfg *cfg = &st->pt->cfg;
	const struct pt_format *fmt = cfg->fmt;
	unsigned int shift = cfg->lvl[level].shift;
	u64 sizes = cfg->lvl[level].pgsizes & st->pgsizes;
	unsigned int idx = pt_index(cfg, level, st->iova);
	unsigned int nr = pt_nr_entries(cfg, level);
	unsigned int child_level, n;
	enum pt_entry_kind kind;
	int ret;

	for (; idx < nr && st->left; idx++) {
		u64 pgsize = pt_pick_pgsize(sizes, st->iova, st->pa, st->left);
		u64 pte;
		void *child;

		if (pgsize) {
			n = pgsize >> shift;
			ret = st->shared ?
			      pt_claim_leaf(st, table, level, idx, n, pgsize) :
			      pt_write_leaf(st, table, level, idx, n, pgsize);
			if (ret)
				return ret;
			idx += n - 1;
			st->iova += pgsize;
			st->pa += pgsize;
			st->left -= pgsize;
			continue;
		}
		/* pt_check_range() makes the smallest page always fit. */
		if (unlikely(!level))
			return -EINVAL;
		pte = pt_read(cfg, table, idx);
		kind = pt_kind(cfg, level, pte);
		if (kind == PT_ENTRY_LEAF)
			return -EADDRINUSE;
		if (kind == PT_ENTRY_EMPTY) {
			size_t bytes = pt_table_bytes(cfg, level - 1);
			u64 empty = pte, seen;

			child = st->pt->ops->alloc(st->pt->cookie, bytes);
			if (!child)
				return -ENOMEM;
			pte = fmt->mk_table(cfg, level, pt_virt_to_phys(child));
			seen = pt_install(cfg, table, idx, empty, pte);
			if (seen != empty) {
				/* Lost a race: use the winner's table. */
				st->pt->ops->free(st->pt->cookie, child, bytes);
				pte = seen;
				if (pt_kind(cfg, level, pte) != PT_ENTRY_TABLE)
					return -EADDRINUSE;
			}
		}
		child = pt_child(cfg, level, pte, &child_level);
		/* Someone else's skipping table: its gap cannot be mapped. */
		if (!pt_in_child(cfg, level, child_level, st->iova))
			return -EADDRINUSE;
		ret = pt_map_table(st, child, child_level);
		if (ret)
			return ret;
		if (st->left && !pt_in_child(cfg, level, child_level, st->iova))
			return -EADDRINUSE;
	}
	if (!level) {
		pt_cond_resched();
		if (st->left && pt_fatal_signal_pending())
			return -EINTR;
	}
	return 0;
}

/* Unlink and retire the empty tables below @table within [@first, @last]. */
static void pt_prune_table(struct pt_space *pt, void *table,
			   unsigned int level, u64 base, u64 first, u64 last,
			   void *gather)
{
	const struct pt_cfg *cfg = &pt->cfg;
	unsigned int shift = cfg->lvl[level].shift;
	unsigned int idx = base < first ? pt_index(cfg, level, first) : 0;
	unsigned int nr = pt_nr_entries(cfg, level);
	unsigned int child_level;
	void *child;

	for (; idx < nr; idx++) {
		u64 iova = base + ((u64)idx << shift);
		u64 pte;

		if (iova > last)
			break;
		pte = pt_read(cfg, table, idx);
		if (pt_kind(cfg, level, pte) != PT_ENTRY_TABLE)
			continue;
		child = pt_child(cfg, level, pte, &child_level);
		pt_prune_table(pt, child, child_level, iova, first, last, gather);
		if (pt_table_empty(cfg, child, child_level) &&
		    !pt_foreign(pt, iova, 1ULL << shift)) {
			pt_write(cfg, table, idx, 0);
			pt->ops->retire(gather, child,
					pt_table_bytes(cfg, child_level));
		}
	}
}

/**
 * pt_prune() - free the tables of a range that hold nothing
 * @pt: the tree, with no concurrent operation in progress
 * @iova: first IOVA of the range, e.g. where a failed pt_map_shared() began
 * @size: bytes
 * @gather: receives the tables
 */
void pt_prune(struct pt_space *pt, u64 iova, u64 size, void *gather)
{
	u64 last = iova + size - 1 < iova ? ~0ULL : iova + size - 1;

	if (size)
		pt_prune_table(pt, pt->root, pt->cfg.levels - 1, 0, iova, last,
			       gather);
}

static int pt_do_map(struct pt_space *pt, bool shared, u64 iova, u64 pa,
		     u64 size, u32 prot, u64 pgsizes, void *gather,
		     u64 *mapped, u64 *stopped)
{
	const struct pt_cfg *cfg = &pt->cfg;
	struct pt_map_state st = {
		.pt = pt, .shared = shared,
		.iova = iova, .pa = pa, .left = size,
		.pgsizes = pgsizes & cfg->pgsize_bitmap, .prot = prot,
		.gather = gather,
	};
	u64 pa_limit = cfg->oas >= 64 ? ~0ULL : (1ULL << cfg->oas) - 1;
	int ret;

	*mapped = 0;
	*stopped = iova;
	ret = pt_check_range(cfg, iova, size, st.pgsizes);
	if (ret)
		return ret;
	if (pgsizes & ~cfg->pgsize_bitmap || (pa & ((pgsizes & -pgsizes) - 1)))
		return -EINVAL;
	if (pa > pa_limit || size - 1 > pa_limit - pa)
		return -EINVAL;
	ret = pt_check_prot(cfg, prot);
	if (ret)
		return ret;

	ret = pt_map_table(&st, pt->root, cfg->levels - 1);
	*mapped = size - st.left;
	*stopped = st.iova;
	return ret;
}

/**
 * pt_map_shared() - pt_map() that may run alongside other pt_map_shared()
 * calls, walks and iterations on the same tree
 * @pt: the tree
 * @iova: first IOVA
 * @pa: first physical address
 * @size: bytes
 * @prot: PT_PROT_* bits
 * @pgsizes: page sizes to use
 * @gather: for @ops->cleared
 * @mapped: bytes mapped, set on success and failure
 *
 * Tables are installed, and leaves claimed, with cmpxchg. A failure may
 * leave empty tables in the range: the caller frees them with pt_prune()
 * once it has the tree to itself. Entries of a multi-entry leaf claimed
 * before a race was lost are cleared again and reported to @ops->cleared.
 *
 * Return: as pt_map().
 */
int pt_map_shared(struct pt_space *pt, u64 iova, u64 pa, u64 size, u32 prot,
		  u64 pgsizes, void *gather, u64 *mapped)
{
	u64 stopped;

	return pt_do_map(pt, true, iova, pa, size, prot, pgsizes, gather,
			 mapped, &stopped);
}

/**
 * pt_map() - map a physically contiguous range
 * @pt: the tree
 * @iova: first IOVA
 * @pa: first physical address
 * @size: bytes
 * @prot: PT_PROT_* bits
 * @pgsizes: page sizes to use, a subset of the tree's; the largest that
 *	alignment and the remaining length allow is taken at every step
 * @gather: receives tables that a failure left empty
 * @mapped: bytes mapped, set on success and failure
 *
 * Stops at the first entry already in use, leaving it untouched.
 *
 * Return: 0, -EINVAL for a bad range or protection, -EADDRINUSE when part of
 * the range is already mapped, -ENOMEM, -EINTR.
 */
int pt_map(struct pt_space *pt, u64 iova, u64 pa, u64 size, u32 prot,
	   u64 pgsizes, void *gather, u64 *mapped)
{
	u64 stopped;
	int ret;

	ret = pt_do_map(pt, false, iova, pa, size, prot, pgsizes, gather,
			mapped, &stopped);
	if (ret)
		pt_prune(pt, stopped, 1, gather);
	return ret;
}

struct pt_unmap_state {
	struct pt_space *pt;
	u64 iova;
	u64 size;
	u64 done;
	bool hole;
	/* Shared with maps: tables may be in use by them, never free one. */
	bool keep_tables;
	bool interruptible;
	void *gather;
};

static int pt_unmap_table(struct pt_unmap_state *st, void *table,
			  unsigned int level)
{
	const struct pt_cfg *cfg = &st->pt->cfg;
	unsigned int idx = pt_index(cfg, level, st->iova);
	unsigned int nr = pt_nr_entries(cfg, level);
	unsigned int child_level, end;
	struct pt_leaf leaf;
	u64 span, entry_iova;
	int ret;

	for (; idx < nr && st->done < st->size; idx++) {
		u64 pte = pt_read(cfg, table, idx);
		void *child;

		switch (pt_kind(cfg, level, pte)) {
		case PT_ENTRY_EMPTY:
			st->hole = true;
			return 0;
		case PT_ENTRY_LEAF:
			pt_leaf_at(cfg, level, st->iova, pte, &leaf);
			/* Never split a page: refuse to start inside one. */
			if (leaf.iova != st->iova)
				return -EINVAL;
			end = idx + (leaf.size >> cfg->lvl[level].shift);
			pt_clear_entries(cfg, table, idx, end < nr ? end : nr);
			idx = end - 1;
			st->pt->ops->leaf_removed(st->gather, &leaf);
			st->iova += leaf.size;
			st->done += leaf.size;
			break;
		case PT_ENTRY_TABLE:
			span = pt_level_size(cfg, level);
			entry_iova = st->iova & ~(span - 1);
			child = pt_child(cfg, level, pte, &child_level);
			if (!pt_in_child(cfg, level, child_level, st->iova)) {
				st->hole = true;
				return 0;
			}
			ret = pt_unmap_table(st, child, child_level);
			if (!ret && st->done < st->size &&
			    !pt_in_child(cfg, level, child_level, st->iova))
				st->hole = true;
			if (!st->keep_tables &&
			    pt_table_empty(cfg, child, child_level) &&
			    !pt_foreign(st->pt, entry_iova, span)) {
				pt_write(cfg, table, idx, 0);
				st->pt->ops->retire(st->gather, child,
						    pt_table_bytes(cfg, child_level));
			}
			if (ret || st->hole)
				return ret;
			break;
		}
	}
	if (!level) {
		pt_cond_resched();
		if (st->interruptible && st->done < st->size &&
		    pt_fatal_signal_pending())
			return -EINTR;
	}
	return 0;
}

static int pt_do_unmap(struct pt_space *pt, u64 iova, u64 size, bool shared,
		       void *gather, u64 *unmapped)
{
	const struct pt_cfg *cfg = &pt->cfg;
	struct pt_unmap_state st = {
		.pt = pt, .iova = iova, .size = size, .gather = gather,
		.keep_tables = shared, .interruptible = !shared,
	};
	int ret;

	*unmapped = 0;
	ret = pt_check_range(cfg, iova, size, cfg->pgsize_bitmap);
	if (ret)
		return ret;
	ret = pt_unmap_table(&st, pt->root, cfg->levels - 1);
	*unmapped = st.done;
	if (!ret && !st.done)
		ret = -ENOENT;
	return ret;
}

/**
 * pt_unmap() - remove the mappings that cover a range
 * @pt: the tree
 * @iova: first IOVA; must be the first IOVA of a page
 * @size: bytes
 * @gather: receives the removed leaves and the tables emptied
 * @unmapped: bytes removed: less than @size if a hole stopped it, more if
 *	the range ended inside a page (which is removed whole)
 *
 * Return: 0 (also when a hole stopped it after some progress), -EINVAL for a
 * bad range or one starting inside a page, -ENOENT if nothing is mapped at
 * @iova, -EINTR (after @unmapped bytes) on a fatal signal.
 */
int pt_unmap(struct pt_space *pt, u64 iova, u64 size, void *gather,
	     u64 *unmapped)
{
	return pt_do_unmap(pt, iova, size, false, gather, unmapped);
}

/**
 * pt_unmap_shared() - pt_unmap() that frees no table, and so may run
 *	alongside pt_map_shared() calls of other ranges
 * @pt: the tree
 * @iova: first IOVA; must be the first IOVA of a page
 * @size: bytes
 * @gather: receives the removed leaves
 * @unmapped: as for pt_unmap()
 *
 * For taking back what a failed pt_map_shared() mapped: tables it leaves
 * empty are for pt_prune(). It runs to the end whatever signals arrive.
 *
 * Return: as pt_unmap(), never -EINTR.
 */
int pt_unmap_shared(struct pt_space *pt, u64 iova, u64 size, void *gather,
		    u64 *unmapped)
{
	return pt_do_unmap(pt, iova, size, true, gather, unmapped);
}

/**
 * pt_walk() - translate one IOVA the way hardware does
 * @pt: the tree
 * @iova: address to translate
 * @res: the leaf found and every entry read, root first
 *
 * Return: 0, -EINVAL outside the input address space, -ENOENT if unmapped
 * (@res still lists the entries read).
 */
int pt_walk(const struct pt_space *pt, u64 iova, struct pt_walk_result *res)
{
	const struct pt_cfg *cfg = &pt->cfg;
	void *table = pt->root;
	unsigned int level = cfg->levels;
	unsigned int child_level;

	*res = (struct pt_walk_result){};
	if (pt_check_range(cfg, iova & ~(u64)((1U << cfg->granule_shift) - 1),
			   1ULL << cfg->granule_shift, 1ULL << cfg->granule_shift))
		return -EINVAL;
	while (level--) {
		u64 pte = pt_read(cfg, table, pt_index(cfg, level, iova));

		res->entry_levels[res->nr_entries] = level;
		res->entries[res->nr_entries++] = pte;
		switch (pt_kind(cfg, level, pte)) {
		case PT_ENTRY_EMPTY:
			return -ENOENT;
		case PT_ENTRY_LEAF:
			pt_leaf_at(cfg, level, iova, pte, &res->leaf);
			res->leaf.pa += iova - res->leaf.iova;
			return 0;
		case PT_ENTRY_TABLE:
			if (!level)
				return -ENOENT;
			table = pt_child(cfg, level, pte, &child_level);
			if (!pt_in_child(cfg, level, child_level, iova))
				return -ENOENT;
			level = child_level + 1;
			break;
		}
	}
	return -ENOENT;
}

struct pt_iter_state {
	const struct pt_space *pt;
	u64 first;
	u64 last;
	struct pt_leaf_visitor *visitor;
};

static int pt_iter_table(struct pt_iter_state *st, void *table,
			 unsigned int level, u64 base)
{
	const struct pt_cfg *cfg = &st->pt->cfg;
	unsigned int shift = cfg->lvl[level].shift;
	unsigned int idx = base < st->first ? pt_index(cfg, level, st->first) : 0;
	unsigned int nr = pt_nr_entries(cfg, level);
	unsigned int child_level;
	struct pt_leaf leaf;
	void *child;
	int ret = 0;

	for (; idx < nr; idx++) {
		u64 iova = base + ((u64)idx << shift);
		u64 pte;

		if (iova > st->last)
			break;
		pte = pt_read(cfg, table, idx);
		switch (pt_kind(cfg, level, pte)) {
		case PT_ENTRY_EMPTY:
			continue;
		case PT_ENTRY_LEAF:
			pt_leaf_at(cfg, level, iova, pte, &leaf);
			ret = st->visitor->leaf(st->visitor, &leaf);
			/* Report a leaf of several entries once. */
			idx = pt_leaf_end(cfg, level, base, &leaf) - 1;
			break;
		case PT_ENTRY_TABLE:
			child = pt_child(cfg, level, pte, &child_level);
			ret = pt_iter_table(st, child, child_level, iova);
			break;
		}
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * pt_iterate() - call @fn for every leaf overlapping a range, in order
 * @pt: the tree
 * @iova: first IOVA of the range
 * @size: bytes; a range past the input address space is clipped
 * @visitor: called for each leaf
 *
 * Return: 0 or the first non-zero value @visitor returned.
 */
int pt_iterate(const struct pt_space *pt, u64 iova, u64 size,
	       struct pt_leaf_visitor *visitor)
{
	struct pt_iter_state st = {
		.pt = pt, .first = iova, .visitor = visitor,
	};
	u64 limit = pt_last_iova(&pt->cfg);

	if (!size || iova > limit)
		return 0;
	st.last = iova + size - 1 < iova ? ~0ULL : iova + size - 1;
	if (st.last > limit)
		st.last = limit;
	return pt_iter_table(&st, pt->root, pt->cfg.levels - 1, 0);
}

static int pt_found_leaf(struct pt_leaf_visitor *visitor,
			 const struct pt_leaf *leaf)
{
	return 1;
}

/**
 * pt_range_mapped() - is anything mapped in a range?
 * @pt: the tree
 * @iova: first IOVA
 * @size: bytes
 *
 * Return: true if any leaf overlaps the range.
 */
bool pt_range_mapped(const struct pt_space *pt, u64 iova, u64 size)
{
	struct pt_leaf_visitor found = { .leaf = pt_found_leaf };

	return pt_iterate(pt, iova, size, &found) != 0;
}

/**
 * pt_entry_hide_oa() - an entry with its address bits cleared
 * @cfg: geometry
 * @level: level of the entry
 * @pte: raw entry value
 *
 * For callers that may not learn physical addresses (the rule of
 * /proc/PID/pagemap): the entry keeps its type, permission and size bits,
 * and decodes to address 0. The address field is found by encoding the
 * same kind of entry for an address of all ones (formats keep only the
 * bits their field holds) and for 0.
 *
 * Return: @pte without the bits that hold an address.
 */
u64 pt_entry_hide_oa(const struct pt_cfg *cfg, unsigned int level, u64 pte)
{
	const struct pt_format *fmt = cfg->fmt;
	u64 span = pt_level_size(cfg, level);
	u64 size;
	u32 prot;

	switch (pt_kind(cfg, level, pte)) {
	case PT_ENTRY_TABLE:
		return pte & ~(fmt->mk_table(cfg, level, ~0ULL) ^
			       fmt->mk_table(cfg, level, 0));
	case PT_ENTRY_LEAF:
		size = fmt->leaf_size ? fmt->leaf_size(cfg, level, pte) : span;
		prot = fmt->leaf_prot(cfg, level, pte);
		/* Aligned to the entry's own span: each entry holds its part. */
		return pte & ~(fmt->mk_leaf(cfg, level, ~(span - 1), size, prot) ^
			       fmt->mk_leaf(cfg, level, 0, size, prot));
	default:
		return pte;
	}
}
