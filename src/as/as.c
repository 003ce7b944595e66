// SPDX-License-Identifier: GPL-2.0
/*
 * Address spaces: a page-table tree with its owner's side of the contract:
 * table memory and its accounting, pinned user memory, the flush that must
 * come between unlinking memory from the tree and releasing it, and the
 * lifetime rules that let an address space vanish under a debugfs reader or
 * a racing ioctl.
 *
 * Lifetime: an address space is built completely, its id reserved in the
 * file's xarray, and only then stored there (published); from then on any
 * thread of any process sharing the file may destroy it, so nothing touches
 * it after publication without a reference of its own. The last reference
 * tears it down: debugfs first (which waits for its readers), then the
 * snapshots open in debugfs are cut loose, then the tree.
 *
 * Locking: maps share @as->lock (tables are installed and leaves claimed
 * with cmpxchg), unmaps and the pruning of empty tables have it alone,
 * walks and dumps read under it. A snapshot freezes the address space
 * (ptlab_as_freeze()) instead of holding the lock while it writes to a file
 * the user controls: changes then wait, killably, until it thaws.
 */
#include <linux/capability.h>
#include <linux/idr.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/user.h>
#include <linux/slab.h>

#include "as/as.h"
#include "common/fail.h"
#include "fw/fw.h"

/* The kinds pages/ classifies are the uapi's. */
static_assert(PTLAB_MEM_RAM == PTLAB_PHYS_RAM);
static_assert(PTLAB_MEM_MMIO == PTLAB_PHYS_MMIO);

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

/* Guards every @freezes list and struct ptlab_freeze, which outlive spaces. */
static DEFINE_MUTEX(ptlab_freezes_lock);

/*
 * Count @pages of table memory before allocating them: within
 * max_table_pages per address space and, for openers without CAP_IPC_LOCK,
 * within RLIMIT_MEMLOCK for all the user's locked memory together (as
 * io_uring charges its rings), so no number of files or processes takes a
 * user past it. The pages are also charged to the opener's memory cgroup.
 */
static bool ptlab_as_charge_tables(struct ptlab_as *as, long pages)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;

	if (atomic_long_add_return(pages, &as->table_pages) > max_table_pages)
		goto undo;
	if (as->user &&
	    atomic_long_add_return(pages, &as->user->locked_vm) > limit) {
		atomic_long_sub(pages, &as->user->locked_vm);
		goto undo;
	}
	return true;
undo:
	atomic_long_sub(pages, &as->table_pages);
	return false;
}

static void ptlab_as_uncharge_tables(struct ptlab_as *as, long pages)
{
	atomic_long_sub(pages, &as->table_pages);
	if (as->user)
		atomic_long_sub(pages, &as->user->locked_vm);
}

static void *ptlab_as_table_alloc(void *cookie, size_t bytes)
{
	struct ptlab_as *as = cookie;
	long charged = 1L << get_order(bytes);
	struct mem_cgroup *old_memcg;
	long new_pages;
	void *table;

	/* A map that would pass a bound fails like any allocation. */
	if (!ptlab_as_charge_tables(as, charged))
		return NULL;
	old_memcg = set_active_memcg(as->memcg);
	table = ptlab_table_alloc(&as->pool, NUMA_NO_NODE, bytes,
				  as->pt.cfg.table_oas ?: as->pt.cfg.oas,
				  &new_pages);
	set_active_memcg(old_memcg);
	/* A sub-page table often shares a page the tree holds already. */
	ptlab_as_uncharge_tables(as, charged - new_pages);
	return table;
}

static void ptlab_as_table_free(void *cookie, void *table, size_t bytes)
{
	struct ptlab_as *as = cookie;

	ptlab_as_uncharge_tables(as, ptlab_table_free(&as->pool, table, bytes));
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
	ptlab_uncharge_pinned(as->mm, size >> PAGE_SHIFT);
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
	} else if (gather->end > gather->start ||
		   !ptlab_retired_empty(&gather->retired)) {
		spin_lock(&stats->lock);
		stats->last_start = gather->start;
		stats->last_end = gather->end;
		stats->last_granule = gather->granule;
		spin_unlock(&stats->lock);
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
	ptlab_retired_init(&gather->retired);
}

static void ptlab_gather_release_runs(struct ptlab_gather *gather)
{
	unsigned int i;

	for (i = 0; i < gather->nr_runs; i++)
		ptlab_unpin(gather->as, gather->runs[i].pa,
			    gather->runs[i].size, gather->runs[i].dirty);
	gather->nr_runs = 0;
}

static void ptlab_gather_finish(struct ptlab_gather *gather);

static void ptlab_as_table_retire(void *gather, void *table, size_t bytes)
{
	struct ptlab_gather *g = gather;

	if (!ptlab_retire_table(&g->retired, table, bytes)) {
		ptlab_gather_finish(g);
		ptlab_retire_table(&g->retired, table, bytes);
	}
}

/* Widen the range the next flush covers. */
static void ptlab_gather_range(struct ptlab_gather *g, u64 iova, u64 size,
			       u64 granule)
{
	if (g->end == g->start) {
		g->start = iova;
		g->end = iova + size;
		g->granule = granule;
		return;
	}
	g->start = min(g->start, iova);
	g->end = max(g->end, iova + size);
	g->granule = min(g->granule, granule);
}

/*
 * Pinned pages to release after the next flush. Physically contiguous
 * ones coalesce into one run; when the runs are full, flush early and
 * unpin them, as an IOMMU driver flushes a full gather.
 */
static void ptlab_gather_pinned(struct ptlab_gather *g, phys_addr_t pa,
				u64 size, bool dirty)
{
	if (g->nr_runs) {
		typeof(g->runs[0]) *last = &g->runs[g->nr_runs - 1];

		if (last->pa + last->size == pa && last->dirty == dirty) {
			last->size += size;
			return;
		}
	}
	if (g->nr_runs == PTLAB_GATHER_RUNS) {
		ptlab_as_flush(g);
		ptlab_gather_release_runs(g);
	}
	g->runs[g->nr_runs].pa = pa;
	g->runs[g->nr_runs].size = size;
	g->runs[g->nr_runs].dirty = dirty;
	g->nr_runs++;
}

/* pt_table_ops.leaf_removed: its memory is released after the flush. */
static void ptlab_gather_leaf(void *gather, const struct pt_leaf *leaf)
{
	struct ptlab_gather *g = gather;

	atomic64_sub(leaf->size, &g->as->mapped_bytes);
	ptlab_gather_range(g, leaf->iova, leaf->size, leaf->size);
	/* Physical mappings pinned nothing. */
	if (!ptlab_as_phys_kind(g->as, leaf->iova))
		ptlab_gather_pinned(g, leaf->pa, leaf->size,
				    leaf->prot & PT_PROT_WRITE);
}

/* pt_table_ops.cleared: entries a lost race took back need the flush too. */
static void ptlab_gather_cleared(void *gather, u64 iova, u64 size,
				 u64 granule)
{
	ptlab_gather_range(gather, iova, size, granule);
}

static const struct pt_table_ops ptlab_as_table_ops = {
	.alloc = ptlab_as_table_alloc,
	.free = ptlab_as_table_free,
	.retire = ptlab_as_table_retire,
	.leaf_removed = ptlab_gather_leaf,
	.cleared = ptlab_gather_cleared,
	.foreign = ptlab_as_foreign,
};

/*
 * A failed map removed no leaf but may have pruned tables that hardware
 * could have walked for any IOVA of the map: flush that range.
 */
static void ptlab_gather_cover(struct ptlab_gather *gather, u64 iova,
			       u64 length, u64 granule)
{
	if (gather->end != gather->start ||
	    ptlab_retired_empty(&gather->retired))
		return;
	ptlab_gather_range(gather, iova, length, granule);
}

/* Flush, then release what the operation removed. */
static void ptlab_gather_finish(struct ptlab_gather *gather)
{
	long freed;

	if (!gather->all && gather->end == gather->start &&
	    !gather->nr_runs && ptlab_retired_empty(&gather->retired))
		return;
	ptlab_as_flush(gather);
	ptlab_gather_release_runs(gather);
	freed = ptlab_free_retired(&gather->as->pool, &gather->retired);
	ptlab_as_uncharge_tables(gather->as, freed);
	atomic64_add(freed, &gather->as->flushes.table_pages);
}

static void ptlab_as_release(struct kref *ref)
{
	struct ptlab_as *as = container_of(ref, struct ptlab_as, ref);
	struct ptlab_freeze *freeze, *next;
	struct ptlab_gather gather;

	/* Waits for debugfs readers; none can start afterwards. */
	debugfs_remove(as->dir);
	/* Snapshots still open in debugfs now fail their reads: let them go. */
	mutex_lock(&ptlab_freezes_lock);
	list_for_each_entry_safe(freeze, next, &as->freezes, node) {
		list_del_init(&freeze->node);
		freeze->as = NULL;
	}
	mutex_unlock(&ptlab_freezes_lock);
	ptlab_gather_init(&gather, as);
	gather.all = true;
	pt_space_destroy(&as->pt, &gather);
	ptlab_gather_finish(&gather);
	mtree_destroy(&as->phys);
	WARN_ON(atomic_long_read(&as->table_pages));
	if (as->fw)
		ptlab_fw_release(as->fw);
	/* Ids start at 1: 0 is one the create never got. */
	if (as->id)
		ida_free(&ptlab_ids, as->id);
	mmdrop(as->mm);
	if (as->user)
		free_uid(as->user);
	mem_cgroup_put(as->memcg);
	kfree(as);
}

/**
 * ptlab_as_put() - drop a reference to an address space
 * @as: the address space
 *
 * Context: may sleep; the last reference tears the address space down.
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

/* Everything but the tree and the id; ptlab_as_release() undoes it all. */
static struct ptlab_as *ptlab_as_alloc(struct ptlab_ctx *ctx)
{
	struct ptlab_as *as;

	as = ptlab_should_fail() ? NULL : kzalloc(sizeof(*as), GFP_KERNEL_ACCOUNT);
	if (!as)
		return NULL;
	kref_init(&as->ref);
	init_rwsem(&as->lock);
	init_waitqueue_head(&as->thaw);
	INIT_LIST_HEAD(&as->freezes);
	spin_lock_init(&as->flushes.lock);
	mt_init(&as->phys);
	ptlab_table_pool_init(&as->pool);
	/* Its own references: it may outlive the file (debugfs snapshots). */
	as->mm = ctx->mm;
	mmgrab(as->mm);
	as->user = ctx->user ? get_uid(ctx->user) : NULL;
	as->memcg = get_mem_cgroup_from_mm(ctx->mm);
	return as;
}

/**
 * ptlab_as_create() - build an address space, not yet visible to anyone
 * @ctx: the open file that will own it
 * @fmt: format descriptor
 * @params: geometry requested
 * @adopt: a firmware top-level table to build on, or NULL for a new one
 *
 * Its id is reserved in @ctx; the caller gives it its debugfs directory,
 * reports the id to the user, then publishes the address space with
 * ptlab_as_publish(), or gives it up with ptlab_as_abandon() if the report
 * failed.
 *
 * Return: the address space; ERR_PTR(-EINVAL) or ERR_PTR(-EOPNOTSUPP) for
 * the parameters, -ENOSPC when the file has max_spaces address spaces
 * already, -ENOMEM (also beyond RLIMIT_MEMLOCK); for @adopt, -EINVAL for a
 * table that is not ordinary RAM or not aligned, -ENOENT if no firmware
 * published it, -EINVAL if its geometry or ranges differ, -EBUSY if
 * another address space adopted it.
 */
struct ptlab_as *ptlab_as_create(struct ptlab_ctx *ctx,
				 const struct pt_format *fmt,
				 const struct pt_params *params,
				 const struct ptlab_adopt *adopt)
{
	struct mem_cgroup *old_memcg;
	struct ptlab_as *as;
	struct pt_cfg cfg;
	int ret;

	ret = pt_cfg_init(&cfg, fmt, params);
	if (ret)
		return ERR_PTR(ret);
	if (atomic_inc_return(&ctx->nr_spaces) > max_spaces) {
		ret = -ENOSPC;
		goto err_count;
	}
	old_memcg = set_active_memcg(ctx->memcg);
	as = ptlab_as_alloc(ctx);
	set_active_memcg(old_memcg);
	if (!as) {
		ret = -ENOMEM;
		goto err_count;
	}
	ret = ptlab_should_fail() ? -ENOMEM :
	      ida_alloc_min(&ptlab_ids, 1, GFP_KERNEL);
	if (ret < 0)
		goto err_put;
	as->id = ret;
	if (adopt)
		ret = ptlab_as_adopt(as, &cfg, adopt);
	else
		ret = pt_space_init(&as->pt, &cfg, &ptlab_as_table_ops, as);
	if (!ret)
		ret = ptlab_should_fail() ? -ENOMEM :
		      xa_reserve(&ctx->spaces, as->id, GFP_KERNEL_ACCOUNT);
	if (ret)
		goto err_put;
	return as;

err_put:
	ptlab_as_put(as);
err_count:
	atomic_dec(&ctx->nr_spaces);
	return ERR_PTR(ret);
}

/**
 * ptlab_as_publish() - make a new address space reachable by its id
 * @ctx: the file ptlab_as_create() was given
 * @as: the address space; the caller must not touch it afterwards, since
 *	any thread sharing the file may destroy it at once
 */
void ptlab_as_publish(struct ptlab_ctx *ctx, struct ptlab_as *as)
{
	/* The id is reserved: storing allocates nothing and cannot fail. */
	WARN_ON(xa_err(xa_store(&ctx->spaces, as->id, as, GFP_KERNEL)));
}

/**
 * ptlab_as_abandon() - undo a ptlab_as_create() that was never published
 * @ctx: the file ptlab_as_create() was given
 * @as: the address space
 */
void ptlab_as_abandon(struct ptlab_ctx *ctx, struct ptlab_as *as)
{
	xa_release(&ctx->spaces, as->id);
	atomic_dec(&ctx->nr_spaces);
	ptlab_as_put(as);
}

/**
 * ptlab_as_destroy() - remove an address space from its file and drop it
 * @ctx: the open file
 * @id: address space id
 *
 * The last ioctl or debugfs snapshot still using it finishes the teardown.
 * An id reserved by a create in progress is not an address space yet.
 *
 * Return: 0 or -ENOENT.
 */
int ptlab_as_destroy(struct ptlab_ctx *ctx, u32 id)
{
	struct ptlab_as *as;

	xa_lock(&ctx->spaces);
	as = xa_load(&ctx->spaces, id);
	if (as)
		__xa_erase(&ctx->spaces, id);
	xa_unlock(&ctx->spaces);
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
 * ptlab_as_freeze() - keep every mapping of an address space as it is
 * @as: the address space, referenced by the caller for the call
 * @freeze: the hold, for ptlab_as_thaw()
 *
 * Maps and unmaps in progress finish first; later ones wait (killably)
 * until ptlab_as_thaw(). Walks and dumps go on. While frozen, the leaves,
 * what they point at and the pins behind them stay as they are, with no
 * lock held: a snapshot can write to any file at its own pace. A freeze
 * keeps no reference: destroying the address space ends it (@freeze->as
 * becomes NULL), so an open debugfs file cannot keep its memory.
 *
 * Return: 0, or -EINTR on a fatal signal.
 */
int ptlab_as_freeze(struct ptlab_as *as, struct ptlab_freeze *freeze)
{
	if (down_write_killable(&as->lock))
		return -EINTR;
	atomic_inc(&as->frozen);
	up_write(&as->lock);
	mutex_lock(&ptlab_freezes_lock);
	freeze->as = as;
	list_add(&freeze->node, &as->freezes);
	mutex_unlock(&ptlab_freezes_lock);
	return 0;
}

/**
 * ptlab_as_thaw() - end a ptlab_as_freeze()
 * @freeze: the hold; its address space may be gone already
 */
void ptlab_as_thaw(struct ptlab_freeze *freeze)
{
	struct ptlab_as *as;

	mutex_lock(&ptlab_freezes_lock);
	as = freeze->as;
	if (as) {
		list_del(&freeze->node);
		freeze->as = NULL;
		if (atomic_dec_and_test(&as->frozen))
			wake_up_all(&as->thaw);
	}
	mutex_unlock(&ptlab_freezes_lock);
}

/* Take @as->lock to change mappings, once no snapshot is in progress. */
static int ptlab_as_lock_change(struct ptlab_as *as, bool alone)
{
	for (;;) {
		if (alone ? down_write_killable(&as->lock) :
			    down_read_killable(&as->lock))
			return -EINTR;
		if (!atomic_read(&as->frozen))
			return 0;
		if (alone)
			up_write(&as->lock);
		else
			up_read(&as->lock);
		if (wait_event_killable(as->thaw, !atomic_read(&as->frozen)))
			return -EINTR;
	}
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
	    (walker->by_iova || cur->pa + cur->size == leaf->pa) &&
	    cur->prot == leaf->prot &&
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
 * @iova: where to start: 0, or where an earlier run ended
 * @walker: its @span and @by_pgsize set by the caller
 *
 * A walk stopped by @walker->span can go on from the end of the last run
 * it reported: runs are maximal, so they come out the same.
 *
 * Return: 0 or the first non-zero value @walker->span returned.
 */
int ptlab_as_spans(struct ptlab_as *as, u64 iova,
		   struct ptlab_span_walker *walker)
{
	int ret;

	walker->visitor.leaf = ptlab_span_leaf;
	walker->as = as;
	walker->cur.size = 0;
	ret = pt_iterate(&as->pt, iova, iova ? -iova : ~0ULL, &walker->visitor);
	if (!ret && walker->cur.size)
		ret = walker->span(walker, &walker->cur);
	return ret;
}

/**
 * ptlab_as_walk() - translate one IOVA, as PTLAB_IOCTL_WALK reports it
 * @as: the address space
 * @iova: the address
 * @show_pa: the caller may learn physical addresses; else the translation
 *	and the address bits of every entry read back as zero
 * @res: the result
 *
 * Return: as pt_walk().
 */
int ptlab_as_walk(struct ptlab_as *as, u64 iova, bool show_pa,
		  struct pt_walk_result *res)
{
	unsigned int i;
	int ret;

	down_read(&as->lock);
	ret = pt_walk(&as->pt, iova, res);
	up_read(&as->lock);
	if (show_pa)
		return ret;
	res->leaf.pa = 0;
	for (i = 0; i < res->nr_entries; i++)
		res->entries[i] = pt_entry_hide_oa(&as->pt.cfg,
						   res->entry_levels[i],
						   res->entries[i]);
	return ret;
}

/**
 * ptlab_as_regs() - what a driver would program for an address space
 * @as: the address space
 * @show_pa: the caller may learn physical addresses; else the root's
 *	address reads as zero, in @root_pa and in the register values
 * @root_pa: receives the top-level table's address
 * @regs: receives the register values
 */
void ptlab_as_regs(struct ptlab_as *as, bool show_pa, u64 *root_pa,
		   struct pt_hw_regs *regs)
{
	const struct pt_cfg *cfg = &as->pt.cfg;

	*root_pa = show_pa ? pt_root_pa(&as->pt) : 0;
	cfg->fmt->regs(cfg, *root_pa, regs);
}

struct ptlab_run {
	u64 iova;
	phys_addr_t pa;
	u64 size;
};

/*
 * Map one physically contiguous run of pinned pages. What is left unmapped
 * is unpinned after the flush: a lost race may have cleared entries that
 * hardware could have seen.
 */
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
		ptlab_gather_pinned(gather, run->pa + done, run->size - done,
				    false);
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
	unsigned long left = length >> PAGE_SHIFT;
	bool write = prot & PT_PROT_WRITE;
	struct ptlab_run run = {};
	long pinned, i;
	int ret = 0;

	while (left) {
		unsigned long want = min_t(unsigned long, left, PTLAB_PIN_BATCH);

		ret = ptlab_charge_pinned(as->mm, want);
		if (ret)
			break;
		pinned = ptlab_pin_user(uaddr, want, write, pas);
		if (pinned <= 0) {
			ptlab_uncharge_pinned(as->mm, want);
			ret = pinned ? pinned : -EFAULT;
			break;
		}
		ptlab_uncharge_pinned(as->mm, want - pinned);
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
 * The range is classified with the tree locked and memory hot-remove held
 * off, so what the mapping records is true while it is made.
 *
 * Return: 0; -EINVAL for bad arguments or a range that is neither ordinary
 * RAM nor free of RAM; -EADDRINUSE if anything is mapped in the range;
 * -ENOMEM or -EINTR after mapping @mapped bytes.
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

	/* Exclusive: user maps drop stale records of physical ranges. */
	ptlab_gather_init(&gather, as);
	ptlab_phys_hold();
	ret = ptlab_as_lock_change(as, true);
	if (ret)
		goto out_release;
	ret = ptlab_phys_classify(pa, length);
	if (ret < 0)
		goto out_unlock;
	*kind = ret;
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
out_unlock:
	up_write(&as->lock);
out_release:
	ptlab_phys_release();
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
	u64 pgsizes, undone;
	int ret;

	*mapped = 0;
	ret = ptlab_map_check(as, iova, length, prot, pgsize, &pgsizes);
	if (ret)
		return ret;
	if (!PAGE_ALIGNED(uaddr) || length > TASK_SIZE || uaddr > TASK_SIZE - length)
		return -EINVAL;
	if (current->mm != as->mm)
		return -EPERM;

	if (ptlab_should_fail())
		return -ENOMEM;
	pas = kmalloc_array(PTLAB_PIN_BATCH, sizeof(*pas), GFP_KERNEL);
	if (!pas)
		return -ENOMEM;
	ptlab_gather_init(&gather, as);
	ret = ptlab_as_lock_change(as, false);
	if (ret)
		goto out_free;
	if (pt_range_mapped(&as->pt, iova, length))
		ret = -EADDRINUSE;
	else
		ret = ptlab_phys_forget(as, iova, length);
	if (!ret)
		ret = ptlab_map_user_locked(as, iova, uaddr, length, prot,
					    pgsizes, pas, &gather, mapped);
	/*
	 * Another map of the same range won a race: take back what this one
	 * mapped before the lock goes, so that nothing can have replaced it.
	 */
	if (ret == -EADDRINUSE && *mapped) {
		pt_unmap_shared(&as->pt, iova, *mapped, &gather, &undone);
		*mapped = 0;
	}
	up_read(&as->lock);
	if (ret) {
		/* Free the tables the failure left empty; they hold no leaf. */
		down_write(&as->lock);
		pt_prune(&as->pt, iova, length, &gather);
		ptlab_gather_cover(&gather, iova, length, pgsizes & -pgsizes);
		up_write(&as->lock);
	}
	ptlab_gather_finish(&gather);
out_free:
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
 * Return: as pt_unmap(), -EINTR also while waiting for a snapshot to end;
 * -EACCES inside the adopted firmware's ranges.
 */
int ptlab_as_unmap(struct ptlab_as *as, u64 iova, u64 length, u64 *unmapped)
{
	struct ptlab_gather gather;
	int ret;

	*unmapped = 0;
	if (length && ptlab_as_declared_fw(as, iova, length))
		return -EACCES;
	ptlab_gather_init(&gather, as);
	ret = ptlab_as_lock_change(as, true);
	if (ret)
		return ret;
	ret = pt_unmap(&as->pt, iova, length, &gather, unmapped);
	ptlab_gather_finish(&gather);
	up_write(&as->lock);
	return ret;
}
