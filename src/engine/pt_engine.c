// SPDX-License-Identifier: GPL-2.0
/*
 * The format-independent part of the engine: geometry, the checks every
 * operation makes before the format's own algorithm (pt_alg.h) runs, and
 * what is cold enough to go through the descriptor's entry callbacks.
 */
#include "engine/pt_engine.h"

/**
 * pt_table_bytes() - size in bytes of a table at @level
 * @cfg: geometry
 * @level: level of the table
 *
 * Return: bytes, a power of two.
 */
size_t pt_table_bytes(const struct pt_cfg *cfg, unsigned int level)
{
	if (cfg->lvl[level].table_bytes)
		return cfg->lvl[level].table_bytes;
	return (size_t)1 << (cfg->lvl[level].index_bits + cfg->entry_shift +
			     cfg->lvl[level].dual);
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
	unsigned int level;
	u64 all = 0;
	int ret;

	*cfg = (struct pt_cfg){ .fmt = fmt };
	ret = fmt->init(cfg, params);
	if (ret)
		return ret;
	/* A variant the format did not take is one it does not have. */
	if (params->quirks & ~cfg->quirks)
		return -EOPNOTSUPP;
	/* Only formats with dirty bits have the operation. */
	if (params->dirty && !fmt->ops->read_dirty)
		return -EOPNOTSUPP;
	cfg->dirty = params->dirty;
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
	*pt = (struct pt_space){ .cfg = *cfg, .ops = ops, .cookie = cookie };
	pt->root = ops->alloc(cookie, pt_table_bytes(cfg, cfg->levels - 1));
	return pt->root ? 0 : -ENOMEM;
}

/**
 * pt_space_adopt() - build on a top-level table someone else allocated
 * @pt: the tree
 * @cfg: geometry from pt_cfg_init()
 * @ops: the owner's services
 * @cookie: passed to @ops
 * @root: the top-level table, in the format @cfg describes
 * @foreign: the IOVA ranges whose leaves and tables the table's owner
 *	populated and keeps; the array must live as long as @pt
 * @nr_foreign: entries in @foreign
 */
void pt_space_adopt(struct pt_space *pt, const struct pt_cfg *cfg,
		    const struct pt_table_ops *ops, void *cookie, void *root,
		    const struct pt_extent *foreign, unsigned int nr_foreign)
{
	*pt = (struct pt_space){
		.cfg = *cfg, .ops = ops, .cookie = cookie, .root = root,
		.root_borrowed = true, .foreign = foreign,
		.nr_foreign = nr_foreign,
	};
}

/**
 * pt_space_destroy() - remove every mapping and retire every table
 * @pt: the tree; nothing may walk it any more
 * @gather: receives the runs of leaves and the tables, the top-level one
 *	included
 *
 * What is foreign (see struct pt_space) stays as it was, and so does a
 * borrowed top-level table: only the entries this tree added are cleared.
 */
void pt_space_destroy(struct pt_space *pt, struct pt_gather *gather)
{
	if (!pt->root)
		return;
	pt->cfg.fmt->ops->destroy(pt, gather);
	pt->root = NULL;
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
	u64 limit = pt_iova_last(cfg);

	if (!size || !min_page || ((iova | size) & (min_page - 1)))
		return -EINVAL;
	if (iova < cfg->iova_base || iova > limit || size - 1 > limit - iova)
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

/* Is [@pa, @pa + @size) aligned to @min_page and below 2^oas? */
static int pt_check_pa(const struct pt_cfg *cfg, u64 pa, u64 size,
		       u64 min_page)
{
	u64 limit = cfg->oas >= 64 ? ~0ULL : (1ULL << cfg->oas) - 1;

	if (pa & (min_page - 1) || size & (min_page - 1))
		return -EINVAL;
	if (pa > limit || (size && size - 1 > limit - pa))
		return -EINVAL;
	return 0;
}

/**
 * pt_map_src() - map a range to the physical addresses of a source
 * @pt: the tree; the caller owns [@iova, @iova + @size) alone
 * @iova: first IOVA
 * @src: where the addresses come from: a contiguous chunk and then, if
 *	@src->pages is set, pages; they must add up to @size, come in
 *	physically contiguous runs below 2^oas and, where the smallest of
 *	@pgsizes is larger than a page, runs it fits, or the map stops there
 *	with -EINVAL
 * @size: bytes
 * @prot: PT_PROT_* bits
 * @pgsizes: page sizes to use, a subset of the tree's; the largest that
 *	alignment, length and contiguity allow is taken at every step
 * @gather: receives the prune hint and cleared ranges of a failure
 * @mapped: bytes mapped, set on success and failure
 *
 * Stops at the first entry already in use, leaving it untouched; the
 * entries of a leaf it could not complete there are cleared again and
 * reported to @ops->cleared. Tables it installed and left empty are in
 * @gather's prune hint.
 *
 * Return: 0, -EINVAL for a bad range or protection, -EADDRINUSE when part of
 * the range is already mapped, -ENOMEM, -EINTR.
 */
int pt_map_src(struct pt_space *pt, u64 iova, struct pt_map_src *src,
	       u64 size, u32 prot, u64 pgsizes, struct pt_gather *gather,
	       u64 *mapped)
{
	const struct pt_cfg *cfg = &pt->cfg;
	int ret;

	*mapped = 0;
	if (pgsizes & ~cfg->pgsize_bitmap)
		return -EINVAL;
	ret = pt_check_range(cfg, iova, size, pgsizes) ?:
	      pt_check_pa(cfg, src->pa, src->chunk, pgsizes & -pgsizes) ?:
	      pt_check_prot(cfg, prot);
	if (ret)
		return ret;
	return cfg->fmt->ops->map(pt, iova, src, size, prot, pgsizes, gather,
				  mapped);
}

/**
 * pt_map() - map a physically contiguous range
 * @pt: the tree; the caller owns [@iova, @iova + @size) alone
 * @iova: first IOVA
 * @pa: first physical address
 * @size: bytes
 * @prot: PT_PROT_* bits
 * @pgsizes: page sizes to use (see pt_map_src())
 * @gather: as for pt_map_src()
 * @mapped: bytes mapped, set on success and failure
 *
 * Return: as pt_map_src().
 */
int pt_map(struct pt_space *pt, u64 iova, u64 pa, u64 size, u32 prot,
	   u64 pgsizes, struct pt_gather *gather, u64 *mapped)
{
	struct pt_map_src src = { .pa = pa, .chunk = size };

	return pt_map_src(pt, iova, &src, size, prot, pgsizes, gather, mapped);
}

/**
 * pt_unmap() - remove the mappings that cover a range
 * @pt: the tree; the caller owns [@iova, @iova + @size) alone
 * @iova: first IOVA; must be the first IOVA of a page
 * @size: bytes
 * @gather: receives the removed runs of leaves, the tables retired and the
 *	prune hint for tables emptied but not wholly in the range
 * @unmapped: bytes removed: less than @size if a hole stopped it, more if
 *	the range ended inside a page (which is removed whole)
 *
 * Return: 0 (also when a hole stopped it after some progress), -EINVAL for a
 * bad range or one starting inside a page, -ENOENT if nothing is mapped at
 * @iova, -EINTR (after @unmapped bytes) on a fatal signal.
 */
int pt_unmap(struct pt_space *pt, u64 iova, u64 size,
	     struct pt_gather *gather, u64 *unmapped)
{
	const struct pt_cfg *cfg = &pt->cfg;
	int ret;

	*unmapped = 0;
	ret = pt_check_range(cfg, iova, size, cfg->pgsize_bitmap);
	if (ret)
		return ret;
	return cfg->fmt->ops->unmap(pt, iova, size, gather, unmapped);
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

	*res = (struct pt_walk_result){};
	if (iova < cfg->iova_base || iova > pt_iova_last(cfg))
		return -EINVAL;
	return cfg->fmt->ops->walk(pt, iova, res);
}

/**
 * pt_iterate() - call @visitor for every run of leaves overlapping a range
 * @pt: the tree
 * @iova: first IOVA of the range
 * @size: bytes; a range past the input address space is clipped
 * @visitor: called for each run, in IOVA order
 *
 * Return: 0 or the first non-zero value @visitor returned.
 */
int pt_iterate(const struct pt_space *pt, u64 iova, u64 size,
	       struct pt_run_visitor *visitor)
{
	u64 limit = pt_iova_last(&pt->cfg), last;

	if (!size || iova > limit)
		return 0;
	last = iova + size - 1 < iova ? ~0ULL : iova + size - 1;
	if (last > limit)
		last = limit;
	/* An upper range: what lies below its first IOVA is not in it. */
	if (last < pt->cfg.iova_base)
		return 0;
	if (iova < pt->cfg.iova_base)
		iova = pt->cfg.iova_base;
	return pt->cfg.fmt->ops->iterate(pt, iova, last, visitor);
}

/**
 * pt_prune() - free the tables of a range that hold nothing
 * @pt: the tree; the caller owns [@iova, @iova + @size) alone, e.g. a prune
 *	hint (struct pt_gather)
 * @iova: first IOVA of the range
 * @size: bytes
 * @gather: receives the tables
 *
 * Only tables whose whole span lies in the range are freed. If the table
 * that holds the range's entries is empty afterwards, @gather gets a new
 * prune hint for it (a level up): prune until there is none.
 */
void pt_prune(struct pt_space *pt, u64 iova, u64 size,
	      struct pt_gather *gather)
{
	u64 last = iova + size - 1 < iova ? ~0ULL : iova + size - 1;

	gather->prune = false;
	if (size)
		pt->cfg.fmt->ops->prune(pt, iova, last, gather);
}

static int pt_found_run(struct pt_run_visitor *visitor,
			const struct pt_run *run)
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
	struct pt_run_visitor found = { .run = pt_found_run };

	return pt_iterate(pt, iova, size, &found) != 0;
}

/**
 * pt_read_dirty() - report, and clear, the writable-dirty leaves of a range
 * @pt: the tree, with dirty tracking on; the caller holds the range (at
 *	least shared: devices may set dirty bits meanwhile, which the clearing
 *	never loses, as it changes entries with cmpxchg)
 * @iova: first IOVA
 * @size: bytes
 * @clear: make each dirty leaf clean (all its entries); the caller then
 *	flushes the IOTLB for what was reported, as Linux's iotlb_gather does
 * @visitor: told of each dirty leaf, whole
 *
 * Follows Linux's IOMMU dirty tracking: a leaf of several entries is dirty
 * if any of them is, and is reported and cleared whole; read-only leaves
 * never report dirty. Without @clear nothing is written.
 *
 * Return: 0, -EOPNOTSUPP without dirty tracking, -EINVAL for a bad range,
 * or the first non-zero value @visitor returned.
 */
int pt_read_dirty(struct pt_space *pt, u64 iova, u64 size, bool clear,
		  struct pt_dirty_visitor *visitor)
{
	const struct pt_cfg *cfg = &pt->cfg;
	int ret;

	if (!cfg->dirty || !cfg->fmt->ops->read_dirty)
		return -EOPNOTSUPP;
	ret = pt_check_range(cfg, iova, size, cfg->pgsize_bitmap);
	if (ret)
		return ret;
	return cfg->fmt->ops->read_dirty(pt, iova, iova + size - 1, clear,
					 visitor);
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
	u64 span = 1ULL << cfg->lvl[level].shift;
	u64 size;
	u32 prot;

	switch (fmt->kind(cfg, level, pte)) {
	case PT_ENTRY_TABLE:
		return pte & ~(fmt->mk_table(cfg, level, ~0ULL) ^
			       fmt->mk_table(cfg, level, 0));
	case PT_ENTRY_LEAF:
		size = fmt->leaf_size(cfg, level, pte);
		prot = fmt->leaf_prot(cfg, level, pte);
		/* Aligned to the entry's own span: each entry holds its part. */
		return pte & ~(fmt->mk_leaf(cfg, level, ~(span - 1), size, prot) ^
			       fmt->mk_leaf(cfg, level, 0, size, prot));
	default:
		return pte;
	}
}
