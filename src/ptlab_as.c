// SPDX-License-Identifier: GPL-2.0
/*
 * Address spaces: a page-table tree with its owner's side of the contract:
 * table memory and its accounting, pinned user memory, the flush that must
 * come between unlinking memory from the tree and releasing it, and the
 * lifetime rules that let an address space vanish under a debugfs reader or
 * a racing ioctl.
 */
#include <linux/capability.h>
#include <linux/idr.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "ptlab.h"

/* Pages pinned per round; bounds the scratch arrays to one page each. */
#define PTLAB_PIN_BATCH (PAGE_SIZE / sizeof(phys_addr_t))

static unsigned int max_spaces = 64;
module_param(max_spaces, uint, 0644);
MODULE_PARM_DESC(max_spaces, "address spaces per open file (default 64)");

static unsigned long max_table_pages = 1UL << 18;
module_param(max_table_pages, ulong, 0644);
MODULE_PARM_DESC(max_table_pages,
		 "pages of tables per address space (default 262144, 1 GiB)");

static DEFINE_IDA(ptlab_ids);

static void *ptlab_as_table_alloc(void *cookie, size_t bytes)
{
	struct ptlab_as *as = cookie;
	long new_pages;
	void *table;

	/* A map that would pass the bound fails like any allocation. */
	if (atomic_long_read(&as->table_pages) + (1L << get_order(bytes)) >
	    max_table_pages)
		return NULL;
	table = ptlab_table_alloc(&as->pool, NUMA_NO_NODE, bytes,
				  as->pt.cfg.table_oas ?: as->pt.cfg.oas,
				  &new_pages);
	atomic_long_add(new_pages, &as->table_pages);
	return table;
}

static void ptlab_as_table_free(void *cookie, void *table, size_t bytes)
{
	struct ptlab_as *as = cookie;

	atomic_long_sub(ptlab_table_free(&as->pool, table, bytes),
			&as->table_pages);
}

static void ptlab_as_table_retire(void *gather, void *table, size_t bytes)
{
	struct ptlab_gather *g = gather;

	if (!ptlab_gather_table(g, table, bytes)) {
		ptlab_gather_finish(g);
		ptlab_gather_table(g, table, bytes);
	}
}

static bool ptlab_ranges_overlap(const struct ptlab_range *ranges,
				 unsigned int nr, u64 iova, u64 size)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (iova < ranges[i].iova + ranges[i].length &&
		    ranges[i].iova < iova + size)
			return true;
	return false;
}

/*
 * Does any of the range hold what the adopted firmware populated? Exactly
 * the tables on the paths to those ranges are the firmware's, whatever the
 * user declared: a wider declaration only keeps ptlab out of more IOVA.
 */
static bool ptlab_as_foreign(void *cookie, u64 iova, u64 size)
{
	struct ptlab_as *as = cookie;

	return ptlab_ranges_overlap(as->fw_owned, as->nr_fw_owned, iova, size);
}

/* Is any of the range declared the firmware's, and so off-limits? */
static bool ptlab_as_declared_fw(struct ptlab_as *as, u64 iova, u64 size)
{
	return ptlab_ranges_overlap(as->fw_ranges, as->nr_fw_ranges, iova, size);
}

static const struct pt_table_ops ptlab_as_table_ops = {
	.alloc = ptlab_as_table_alloc,
	.free = ptlab_as_table_free,
	.retire = ptlab_as_table_retire,
	.leaf_removed = ptlab_gather_leaf,
	.foreign = ptlab_as_foreign,
};

/* Charge pinned pages to VmPin, within RLIMIT_MEMLOCK unless privileged. */
static int ptlab_charge_pinned(struct mm_struct *mm, unsigned long npages)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	s64 pinned = atomic64_add_return(npages, &mm->pinned_vm);

	if (pinned > limit && !capable(CAP_IPC_LOCK)) {
		atomic64_sub(npages, &mm->pinned_vm);
		return -ENOMEM;
	}
	return 0;
}

static void ptlab_uncharge_pinned(struct mm_struct *mm, unsigned long npages)
{
	atomic64_sub(npages, &mm->pinned_vm);
}

static void ptlab_unpin(struct ptlab_as *as, phys_addr_t pa, u64 size,
			bool dirty)
{
	ptlab_unpin_user(pa, size, dirty);
	ptlab_uncharge_pinned(as->ctx->mm, size >> PAGE_SHIFT);
}

/*
 * The IOTLB invalidation a driver would issue for what @gather removed:
 * everything, or the IOVA range with its smallest page. There is no
 * hardware behind it yet; it is counted so that tests can see it happen.
 */
static void ptlab_as_flush(struct ptlab_gather *gather)
{
	struct ptlab_flush_stats *stats = &gather->as->flushes;

	if (gather->all) {
		atomic64_inc(&stats->all);
	} else if (gather->end > gather->start || gather->nr_subtables ||
		   !list_empty(&gather->tables)) {
		/* Writers hold the address space's lock: no tearing. */
		stats->last_start = gather->start;
		stats->last_end = gather->end;
		stats->last_granule = gather->granule;
		atomic64_inc(&stats->range);
	}
	gather->start = 0;
	gather->end = 0;
	gather->granule = 0;
}

static void ptlab_gather_init(struct ptlab_gather *gather,
			      struct ptlab_as *as)
{
	*gather = (struct ptlab_gather){ .as = as };
	INIT_LIST_HEAD(&gather->tables);
}

static void ptlab_gather_release_runs(struct ptlab_gather *gather)
{
	unsigned int i;

	for (i = 0; i < gather->nr_runs; i++)
		ptlab_unpin(gather->as, gather->runs[i].pa,
			    gather->runs[i].size, gather->runs[i].dirty);
	gather->nr_runs = 0;
}

/**
 * ptlab_gather_leaf() - pt_table_ops.leaf_removed for ptlab address spaces
 * @gather: the operation's struct ptlab_gather
 * @leaf: the leaf cleared from the tree
 *
 * Physically contiguous leaves coalesce into one run; when the runs are
 * full, flush early and unpin them, as an IOMMU driver flushes a full gather.
 */
void ptlab_gather_leaf(void *gather, const struct pt_leaf *leaf)
{
	struct ptlab_gather *g = gather;
	bool dirty = leaf->prot & PT_PROT_WRITE;

	atomic64_sub(leaf->size, &g->as->mapped_bytes);
	if (g->end == g->start) {
		g->start = leaf->iova;
		g->granule = leaf->size;
	}
	g->start = min(g->start, leaf->iova);
	g->end = max(g->end, leaf->iova + leaf->size);
	g->granule = min(g->granule, leaf->size);
	/* Physical mappings pinned nothing. */
	if (ptlab_as_phys_kind(g->as, leaf->iova))
		return;
	if (g->nr_runs) {
		typeof(g->runs[0]) *last = &g->runs[g->nr_runs - 1];

		if (last->pa + last->size == leaf->pa && last->dirty == dirty) {
			last->size += leaf->size;
			return;
		}
	}
	if (g->nr_runs == PTLAB_GATHER_RUNS) {
		ptlab_as_flush(g);
		ptlab_gather_release_runs(g);
	}
	g->runs[g->nr_runs].pa = leaf->pa;
	g->runs[g->nr_runs].size = leaf->size;
	g->runs[g->nr_runs].dirty = dirty;
	g->nr_runs++;
}

/*
 * A failed map removed no leaf but may have pruned tables that hardware
 * could have walked for any IOVA of the map: flush that range.
 */
static void ptlab_gather_cover(struct ptlab_gather *gather, u64 iova,
			       u64 length, u64 granule)
{
	if (gather->end != gather->start ||
	    (list_empty(&gather->tables) && !gather->nr_subtables))
		return;
	gather->start = iova;
	gather->end = iova + length;
	gather->granule = granule;
}

/**
 * ptlab_gather_finish() - flush, then release what the operation removed
 * @gather: the operation's gather
 */
void ptlab_gather_finish(struct ptlab_gather *gather)
{
	long freed;

	if (!gather->all && gather->end == gather->start &&
	    !gather->nr_runs && !gather->nr_subtables &&
	    list_empty(&gather->tables))
		return;
	ptlab_as_flush(gather);
	ptlab_gather_release_runs(gather);
	freed = ptlab_gather_free_tables(&gather->as->pool, gather);
	atomic_long_sub(freed, &gather->as->table_pages);
	atomic64_add(freed, &gather->as->flushes.table_pages);
}

static void ptlab_as_release(struct kref *ref)
{
	struct ptlab_as *as = container_of(ref, struct ptlab_as, ref);
	struct ptlab_gather gather;

	/* Waits for debugfs readers; none can start afterwards. */
	debugfs_remove(as->dir);
	ptlab_gather_init(&gather, as);
	gather.all = true;
	pt_space_destroy(&as->pt, &gather);
	ptlab_gather_finish(&gather);
	mtree_destroy(&as->phys);
	WARN_ON(atomic_long_read(&as->table_pages));
	if (as->fw)
		ptlab_fw_release(as->fw);
	ida_free(&ptlab_ids, as->id);
	kfree(as);
}

/**
 * ptlab_as_put() - drop a reference from ptlab_as_get()
 * @as: the address space
 */
void ptlab_as_put(struct ptlab_as *as)
{
	kref_put(&as->ref, ptlab_as_release);
}

/**
 * ptlab_as_get() - look up an address space of an open file
 * @ctx: the open file
 * @id: address space id
 *
 * Return: a referenced address space, or NULL.
 */
struct ptlab_as *ptlab_as_get(struct ptlab_ctx *ctx, u32 id)
{
	struct ptlab_as *as;

	xa_lock(&ctx->spaces);
	as = xa_load(&ctx->spaces, id);
	if (as)
		kref_get(&as->ref);
	xa_unlock(&ctx->spaces);
	return as;
}

static int ptlab_as_adopt(struct ptlab_as *as, const struct pt_cfg *cfg,
			  const struct ptlab_adopt *adopt)
{
	size_t bytes = pt_table_bytes(cfg, cfg->levels - 1);
	void *fw;

	/* The checked borrow: only ordinary RAM can hold a table. */
	if (adopt->root_pa & (bytes - 1) ||
	    ptlab_phys_classify(adopt->root_pa & PAGE_MASK,
				PAGE_ALIGN(bytes)) != PTLAB_PHYS_RAM)
		return -EINVAL;
	fw = ptlab_fw_adopt(adopt->root_pa, cfg, adopt->ranges,
			    adopt->nr_ranges, as->fw_owned, &as->nr_fw_owned);
	if (IS_ERR(fw))
		return PTR_ERR(fw);
	as->fw = fw;
	memcpy(as->fw_ranges, adopt->ranges, sizeof(as->fw_ranges));
	as->nr_fw_ranges = adopt->nr_ranges;
	/* Checked above: from here on the unchecked borrow is safe. */
	pt_space_adopt(&as->pt, cfg, &ptlab_as_table_ops, as,
		       pt_phys_to_virt(adopt->root_pa));
	return 0;
}

/**
 * ptlab_as_create() - create an address space with an empty top-level table
 * @ctx: the open file that owns it
 * @fmt: format descriptor
 * @params: geometry requested
 * @adopt: a firmware top-level table to build on, or NULL for a new one
 * @id: receives the id
 *
 * Return: 0, -EINVAL or -EOPNOTSUPP for the parameters, -ENOSPC when the
 * file has max_spaces address spaces already, -ENOMEM; for @adopt, -EINVAL
 * for a table that is not ordinary RAM or not aligned, -ENOENT if no
 * firmware published it, -EINVAL if its geometry or ranges differ.
 */
int ptlab_as_create(struct ptlab_ctx *ctx, const struct pt_format *fmt,
		    const struct pt_params *params,
		    const struct ptlab_adopt *adopt, u32 *id)
{
	struct ptlab_as *as;
	struct pt_cfg cfg;
	int ret;

	ret = pt_cfg_init(&cfg, fmt, params);
	if (ret)
		return ret;
	if (atomic_inc_return(&ctx->nr_spaces) > max_spaces) {
		ret = -ENOSPC;
		goto err_count;
	}
	as = ptlab_should_fail() ? NULL : kzalloc(sizeof(*as), GFP_KERNEL_ACCOUNT);
	if (!as) {
		ret = -ENOMEM;
		goto err_count;
	}
	kref_init(&as->ref);
	init_rwsem(&as->lock);
	mt_init(&as->phys);
	ptlab_table_pool_init(&as->pool);
	as->ctx = ctx;
	ret = ptlab_should_fail() ? -ENOMEM :
	      ida_alloc_min(&ptlab_ids, 1, GFP_KERNEL);
	if (ret < 0)
		goto err_free;
	as->id = ret;
	if (adopt)
		ret = ptlab_as_adopt(as, &cfg, adopt);
	else
		ret = pt_space_init(&as->pt, &cfg, &ptlab_as_table_ops, as);
	if (ret)
		goto err_put;
	ret = xa_insert(&ctx->spaces, as->id, as, GFP_KERNEL_ACCOUNT);
	if (!ret && ptlab_should_fail()) {
		xa_erase(&ctx->spaces, as->id);
		ret = -ENOMEM;
	}
	if (ret)
		goto err_put;
	ptlab_debugfs_add_as(as);
	*id = as->id;
	return 0;

err_put:
	/* The tree is empty but for the root, if it got one. */
	ptlab_as_put(as);
	goto err_count;
err_free:
	kfree(as);
err_count:
	atomic_dec(&ctx->nr_spaces);
	return ret;
}

/**
 * ptlab_as_destroy() - remove an address space from its file and drop it
 * @ctx: the open file
 * @id: address space id
 *
 * The last ioctl still using it finishes the teardown.
 *
 * Return: 0 or -ENOENT.
 */
int ptlab_as_destroy(struct ptlab_ctx *ctx, u32 id)
{
	struct ptlab_as *as = xa_erase(&ctx->spaces, id);

	if (!as)
		return -ENOENT;
	atomic_dec(&ctx->nr_spaces);
	ptlab_as_put(as);
	return 0;
}

/**
 * ptlab_as_destroy_all() - destroy every address space of a closing file
 * @ctx: the open file
 */
void ptlab_as_destroy_all(struct ptlab_ctx *ctx)
{
	struct ptlab_as *as;
	unsigned long id;

	xa_for_each(&ctx->spaces, id, as)
		ptlab_as_destroy(ctx, id);
}

/**
 * ptlab_as_show_fdinfo() - list a file's address spaces in its fdinfo
 * @ctx: the open file
 * @m: /proc/PID/fdinfo/FD
 */
void ptlab_as_show_fdinfo(struct ptlab_ctx *ctx, struct seq_file *m)
{
	struct ptlab_as *as;
	unsigned long id;

	seq_printf(m, "ptlab-spaces:\t%d\n", atomic_read(&ctx->nr_spaces));
	/* Holding the lock keeps every listed address space alive. */
	xa_lock(&ctx->spaces);
	xa_for_each(&ctx->spaces, id, as)
		seq_printf(m, "ptlab-space:\t%u %s table_pages %ld mapped_bytes %lld\n",
			   as->id, as->pt.cfg.fmt->name,
			   atomic_long_read(&as->table_pages),
			   atomic64_read(&as->mapped_bytes));
	xa_unlock(&ctx->spaces);
}

static int ptlab_span_leaf(struct pt_leaf_visitor *visitor,
			   const struct pt_leaf *leaf)
{
	struct ptlab_span_walker *walker =
		container_of(visitor, struct ptlab_span_walker, visitor);
	struct ptlab_span *cur = &walker->cur;
	u32 kind = ptlab_as_phys_kind(walker->as, leaf->iova);
	int ret;

	if (cur->size && cur->iova + cur->size == leaf->iova &&
	    cur->pa + cur->size == leaf->pa && cur->prot == leaf->prot &&
	    cur->kind == kind &&
	    (!walker->by_pgsize || cur->pgsize == leaf->size)) {
		cur->size += leaf->size;
		return 0;
	}
	if (cur->size) {
		ret = walker->span(walker, cur);
		if (ret)
			return ret;
	}
	cur->iova = leaf->iova;
	cur->pa = leaf->pa;
	cur->size = leaf->size;
	cur->pgsize = leaf->size;
	cur->prot = leaf->prot;
	cur->kind = kind;
	return 0;
}

/**
 * ptlab_as_spans() - call @walker->span for every run of mappings, in order
 * @as: the address space; the caller holds @as->lock
 * @walker: its @span and @by_pgsize set by the caller
 *
 * Return: 0 or the first non-zero value @walker->span returned.
 */
int ptlab_as_spans(struct ptlab_as *as, struct ptlab_span_walker *walker)
{
	int ret;

	walker->visitor.leaf = ptlab_span_leaf;
	walker->as = as;
	walker->cur.size = 0;
	ret = pt_iterate(&as->pt, 0, ~0ULL, &walker->visitor);
	if (!ret && walker->cur.size)
		ret = walker->span(walker, &walker->cur);
	return ret;
}

struct ptlab_run {
	u64 iova;
	phys_addr_t pa;
	u64 size;
};

/* Map one physically contiguous run of pinned pages; unpin what failed. */
static int ptlab_map_run(struct ptlab_as *as, const struct ptlab_run *run,
			 u32 prot, u64 pgsizes, struct ptlab_gather *gather,
			 u64 *mapped)
{
	u64 done;
	int ret;

	ret = pt_map_shared(&as->pt, run->iova, run->pa, run->size, prot,
			    pgsizes, gather, &done);
	*mapped += done;
	atomic64_add(done, &as->mapped_bytes);
	if (ret)
		ptlab_unpin(as, run->pa + done, run->size - done, false);
	return ret;
}

static void ptlab_unpin_pages(struct ptlab_as *as, const phys_addr_t *pas,
			      unsigned long npages)
{
	unsigned long i;

	for (i = 0; i < npages; i++)
		ptlab_unpin(as, pas[i], PAGE_SIZE, false);
}

/* Pin, then map physically contiguous runs, with the tree locked. */
static int ptlab_map_user_locked(struct ptlab_as *as, u64 iova,
				 unsigned long uaddr, u64 length, u32 prot,
				 u64 pgsizes, phys_addr_t *pas,
				 struct ptlab_gather *gather, u64 *mapped)
{
	struct mm_struct *mm = as->ctx->mm;
	unsigned long left = length >> PAGE_SHIFT;
	bool write = prot & PT_PROT_WRITE;
	struct ptlab_run run = {};
	long pinned, i;
	int ret = 0;

	while (left) {
		unsigned long want = min_t(unsigned long, left, PTLAB_PIN_BATCH);

		ret = ptlab_charge_pinned(mm, want);
		if (ret)
			break;
		pinned = ptlab_pin_user(uaddr, want, write, pas);
		if (pinned <= 0) {
			ptlab_uncharge_pinned(mm, want);
			ret = pinned ? pinned : -EFAULT;
			break;
		}
		ptlab_uncharge_pinned(mm, want - pinned);
		for (i = 0; i < pinned; i++) {
			if (run.size && pas[i] == run.pa + run.size) {
				run.size += PAGE_SIZE;
				continue;
			}
			if (run.size) {
				ret = ptlab_map_run(as, &run, prot, pgsizes,
						    gather, mapped);
				if (ret) {
					ptlab_unpin_pages(as, pas + i,
							  pinned - i);
					return ret;
				}
			}
			run.iova = iova + ((u64)(length >> PAGE_SHIFT) - left +
					   i) * PAGE_SIZE;
			run.pa = pas[i];
			run.size = PAGE_SIZE;
		}
		left -= pinned;
		uaddr += pinned * PAGE_SIZE;
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
	}
	if (!run.size)
		return ret;
	if (ret) {
		/* Stopped early: the pending run is pinned but not mapped. */
		ptlab_unpin(as, run.pa, run.size, false);
		return ret;
	}
	return ptlab_map_run(as, &run, prot, pgsizes, gather, mapped);
}

/**
 * ptlab_as_phys_kind() - what a mapped IOVA points at
 * @as: the address space
 * @iova: a mapped IOVA
 *
 * Return: PTLAB_PHYS_RAM or PTLAB_PHYS_MMIO for a physical mapping,
 * PTLAB_KIND_FIRMWARE for the adopted firmware's, 0 for pinned user memory.
 */
u32 ptlab_as_phys_kind(struct ptlab_as *as, u64 iova)
{
	void *entry;

	if (ptlab_as_foreign(as, iova, 1))
		return PTLAB_KIND_FIRMWARE;
	if (mtree_empty(&as->phys))
		return 0;
	entry = mtree_load(&as->phys, iova >> PAGE_SHIFT);
	return entry ? xa_to_value(entry) : 0;
}

static int ptlab_phys_record(struct ptlab_as *as, u64 iova, u64 length,
			     void *entry)
{
	if (ptlab_should_fail())
		return -ENOMEM;
	return mtree_store_range(&as->phys, iova >> PAGE_SHIFT,
				 (iova + length - 1) >> PAGE_SHIFT, entry,
				 GFP_KERNEL_ACCOUNT);
}

/* Drop stale physical-mapping records from a range about to be mapped. */
static int ptlab_phys_forget(struct ptlab_as *as, u64 iova, u64 length)
{
	if (mtree_empty(&as->phys))
		return 0;
	return ptlab_phys_record(as, iova, length, NULL);
}

/* Checks common to every map; @pgsizes receives the sizes to use. */
static int ptlab_map_check(struct ptlab_as *as, u64 iova, u64 length,
			   u32 prot, u64 pgsize, u64 *pgsizes)
{
	const struct pt_cfg *cfg = &as->pt.cfg;
	int ret;

	*pgsizes = pgsize ? pgsize : cfg->pgsize_bitmap;
	if (pgsize && (pgsize & (pgsize - 1) || !(pgsize & cfg->pgsize_bitmap)))
		return -EINVAL;
	ret = pt_check_range(cfg, iova, length, *pgsizes);
	if (ret)
		return ret;
	ret = pt_check_prot(cfg, prot);
	if (ret)
		return ret;
	return ptlab_as_declared_fw(as, iova, length) ? -EACCES : 0;
}

/**
 * ptlab_as_map_phys() - map a physical range, pinning nothing
 * @as: the address space
 * @iova: first IOVA
 * @pa: first physical address
 * @length: bytes
 * @prot: PT_PROT_* bits
 * @pgsize: one page size to use, or 0 for the largest that fit
 * @mapped: bytes mapped, also on failure
 * @kind: receives PTLAB_PHYS_RAM or PTLAB_PHYS_MMIO
 *
 * Return: 0; -EINVAL for bad arguments or a range that is neither ordinary
 * RAM nor free of RAM; -EADDRINUSE if anything is mapped in the range;
 * -ENOMEM after mapping @mapped bytes.
 */
int ptlab_as_map_phys(struct ptlab_as *as, u64 iova, phys_addr_t pa,
		      u64 length, u32 prot, u64 pgsize, u64 *mapped, u32 *kind)
{
	struct ptlab_gather gather;
	u64 pgsizes;
	int ret;

	*mapped = 0;
	*kind = 0;
	ret = ptlab_map_check(as, iova, length, prot, pgsize, &pgsizes);
	if (ret)
		return ret;
	if (!PAGE_ALIGNED(pa) || pa + length - 1 < pa)
		return -EINVAL;
	ret = ptlab_phys_classify(pa, length);
	if (ret < 0)
		return ret;
	*kind = ret;

	/* Exclusive: user maps drop stale records of physical ranges. */
	ptlab_gather_init(&gather, as);
	down_write(&as->lock);
	if (pt_range_mapped(&as->pt, iova, length))
		ret = -EADDRINUSE;
	else
		ret = ptlab_phys_record(as, iova, length, xa_mk_value(*kind));
	if (!ret) {
		ret = pt_map(&as->pt, iova, pa, length, prot, pgsizes, &gather,
			     mapped);
		atomic64_add(*mapped, &as->mapped_bytes);
		ptlab_gather_cover(&gather, iova, length, pgsizes & -pgsizes);
	}
	ptlab_gather_finish(&gather);
	up_write(&as->lock);
	return ret;
}

/**
 * ptlab_as_map_user() - pin user memory and map it
 * @as: the address space
 * @iova: first IOVA
 * @uaddr: page-aligned address of the buffer in current->mm
 * @length: bytes
 * @prot: PT_PROT_* bits
 * @pgsize: one page size to use, or 0 for the largest that fit
 * @mapped: bytes mapped, also on failure
 *
 * Return: 0; -EINVAL for bad arguments; -EPERM from a process other than the
 * opener; -EADDRINUSE if anything is mapped in the range (nothing changes);
 * -ENOMEM, -EFAULT or -EINTR after mapping @mapped bytes.
 */
int ptlab_as_map_user(struct ptlab_as *as, u64 iova, unsigned long uaddr,
		      u64 length, u32 prot, u64 pgsize, u64 *mapped)
{
	struct ptlab_gather gather;
	phys_addr_t *pas;
	u64 pgsizes;
	int ret;

	*mapped = 0;
	ret = ptlab_map_check(as, iova, length, prot, pgsize, &pgsizes);
	if (ret)
		return ret;
	if (!PAGE_ALIGNED(uaddr) || length > TASK_SIZE || uaddr > TASK_SIZE - length)
		return -EINVAL;
	if (current->mm != as->ctx->mm)
		return -EPERM;

	if (ptlab_should_fail())
		return -ENOMEM;
	pas = kmalloc_array(PTLAB_PIN_BATCH, sizeof(*pas), GFP_KERNEL);
	if (!pas)
		return -ENOMEM;
	/*
	 * User maps share the tree with each other and with walks: tables
	 * and leaves go in with cmpxchg. Only a failure needs the tree alone,
	 * to take back a map that lost a race and free tables left empty.
	 */
	ptlab_gather_init(&gather, as);
	down_read(&as->lock);
	if (pt_range_mapped(&as->pt, iova, length))
		ret = -EADDRINUSE;
	else
		ret = ptlab_phys_forget(as, iova, length);
	if (!ret)
		ret = ptlab_map_user_locked(as, iova, uaddr, length, prot,
					    pgsizes, pas, &gather, mapped);
	up_read(&as->lock);
	if (ret && *mapped != length) {
		u64 undone;

		down_write(&as->lock);
		if (ret == -EADDRINUSE && *mapped) {
			pt_unmap(&as->pt, iova, *mapped, &gather, &undone);
			*mapped = 0;
		}
		pt_prune(&as->pt, iova + *mapped, &gather);
		ptlab_gather_cover(&gather, iova, length, pgsizes & -pgsizes);
		up_write(&as->lock);
	}
	ptlab_gather_finish(&gather);
	kfree(pas);
	return ret;
}

/**
 * ptlab_as_unmap() - unmap, flush, then unpin and free what was removed
 * @as: the address space
 * @iova: first IOVA
 * @length: bytes
 * @unmapped: bytes unmapped (see pt_unmap())
 *
 * Return: as pt_unmap(); -EACCES inside the adopted firmware's ranges.
 */
int ptlab_as_unmap(struct ptlab_as *as, u64 iova, u64 length, u64 *unmapped)
{
	struct ptlab_gather gather;
	int ret;

	*unmapped = 0;
	if (length && ptlab_as_declared_fw(as, iova, length))
		return -EACCES;
	ptlab_gather_init(&gather, as);
	down_write(&as->lock);
	ret = pt_unmap(&as->pt, iova, length, &gather, unmapped);
	ptlab_gather_finish(&gather);
	up_write(&as->lock);
	return ret;
}
