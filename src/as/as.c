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
 * Locking: by IOVA ranges (as/range_lock.c). A map or unmap holds its own
 * range alone; walks, dumps and snapshots hold what they read, shared; so
 * operations on disjoint ranges run together. The engine frees a table only
 * when its whole span is inside the range an operation holds, and reports
 * the tables an operation empties elsewhere as a prune hint: the operation
 * then holds their span alone, after its own, to free them
 * (ptlab_as_prune()). A snapshot freezes the address space
 * (ptlab_as_freeze()) instead of holding a range while it writes to a file
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
#include <linux/uaccess.h>

#include "as/as.h"
#include "common/fail.h"
#include "fw/fw.h"

/* The kinds pages/ classifies are the uapi's. */
static_assert(PTLAB_MEM_RAM == PTLAB_PHYS_RAM);
static_assert(PTLAB_MEM_MMIO == PTLAB_PHYS_MMIO);

/* Pages pinned per round; bounds the scratch arrays to one page each. */
#define PTLAB_PIN_BATCH (PAGE_SIZE / sizeof(u64))

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

static bool ptlab_ranges_overlap(const struct pt_extent *ranges,
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
static bool ptlab_as_foreign(struct ptlab_as *as, u64 iova, u64 size)
{
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

/* Tell the attached devices: they invalidate what they cache. */
static void ptlab_as_notify(struct ptlab_gather *gather)
{
	struct ptlab_inval inv = {
		.start = gather->start, .end = gather->end,
		.granule = gather->granule, .all = gather->all,
		.leaf = ptlab_retired_empty(&gather->retired),
	};
	struct ptlab_as *as = gather->as;
	struct ptlab_as_watcher *w;

	if (list_empty_careful(&as->watchers))
		return;
	spin_lock(&as->watch_lock);
	list_for_each_entry(w, &as->watchers, node)
		w->flush(w, &inv);
	spin_unlock(&as->watch_lock);
}

/*
 * The IOTLB invalidation a driver would issue for what @gather removed:
 * everything, or the IOVA range with its smallest page. It is counted,
 * and the simulated devices attached invalidate their IOTLBs.
 */
static void ptlab_as_flush(struct ptlab_gather *gather)
{
	struct ptlab_flush_stats *stats = &gather->as->flushes;

	if (gather->all) {
		atomic64_inc(&stats->all);
		ptlab_as_notify(gather);
	} else if (gather->end > gather->start ||
		   !ptlab_retired_empty(&gather->retired)) {
		spin_lock(&stats->lock);
		stats->last_start = gather->start;
		stats->last_end = gather->end;
		stats->last_granule = gather->granule;
		spin_unlock(&stats->lock);
		atomic64_inc(&stats->range);
		ptlab_as_notify(gather);
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

static struct ptlab_gather *ptlab_gather_of(struct pt_gather *gather)
{
	return container_of(gather, struct ptlab_gather, pt);
}

static void ptlab_as_table_retire(struct pt_gather *gather, void *table,
				  size_t bytes)
{
	struct ptlab_gather *g = ptlab_gather_of(gather);

	if (!ptlab_retire_table(&g->retired, table, bytes)) {
		ptlab_gather_finish(g);
		ptlab_retire_table(&g->retired, table, bytes);
	}
}

/* Widen the range the next flush covers. */
static void ptlab_gather_range(struct ptlab_gather *g, u64 iova, u64 size,
			       u64 granule)
{
	/* The end of an upper (TTBR1) range is 2^64: keep it from wrapping. */
	u64 end = iova + size < iova ? ~0ULL : iova + size;

	if (g->end == g->start) {
		g->start = iova;
		g->end = end;
		g->granule = granule;
		return;
	}
	g->start = min(g->start, iova);
	g->end = max(g->end, end);
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

/* Records of physical mappings read per lookup. */
#define PTLAB_KIND_SEGS 16

/*
 * Call @fn for the pieces of [@iova, @iova + @size) with the kind each maps
 * (PTLAB_PHYS_RAM, PTLAB_PHYS_MMIO, or 0 for pinned user memory), as the
 * records of physical mappings leave them, in order; stop at the first
 * non-zero return. The records are read under the maple tree's lock, @fn
 * is called outside it. A piece is as long as a record, not a page.
 */
static int ptlab_as_kind_pieces(struct ptlab_as *as, u64 iova, u64 size,
				int (*fn)(void *arg, u64 off, u64 len, u32 kind),
				void *arg)
{
	unsigned long first = iova >> PAGE_SHIFT;
	unsigned long last = (iova + size - 1) >> PAGE_SHIFT;
	struct { unsigned long first, last; u32 kind; } segs[PTLAB_KIND_SEGS];
	unsigned long at = first;
	unsigned int nr, i;
	void *entry;
	int ret;

	if (mtree_empty(&as->phys))
		return fn(arg, 0, size, 0);
	while (at <= last) {
		MA_STATE(mas, &as->phys, at, at);

		/* The physical records in the rest of the run. */
		nr = 0;
		mtree_lock(&as->phys);
		mas_for_each(&mas, entry, last) {
			segs[nr].first = max(mas.index, at);
			segs[nr].last = min(mas.last, last);
			segs[nr].kind = xa_to_value(entry);
			if (++nr == PTLAB_KIND_SEGS)
				break;
		}
		mtree_unlock(&as->phys);
		/* User memory is what lies between them. */
		for (i = 0; i < nr; i++) {
			ret = segs[i].first > at ?
			      fn(arg, (u64)(at - first) << PAGE_SHIFT,
				 (u64)(segs[i].first - at) << PAGE_SHIFT, 0) :
			      0;
			ret = ret ?: fn(arg, (u64)(segs[i].first - first) <<
					PAGE_SHIFT,
					(u64)(segs[i].last + 1 - segs[i].first) <<
					PAGE_SHIFT, segs[i].kind);
			if (ret)
				return ret;
			at = segs[i].last + 1;
		}
		if (nr < PTLAB_KIND_SEGS)
			return at <= last ?
			       fn(arg, (u64)(at - first) << PAGE_SHIFT,
				  (u64)(last + 1 - at) << PAGE_SHIFT, 0) : 0;
	}
	return 0;
}

struct ptlab_removed {
	struct ptlab_gather *g;
	const struct pt_run *run;
};

/* Physical mappings pinned nothing. */
static int ptlab_removed_pinned(void *arg, u64 off, u64 len, u32 kind)
{
	struct ptlab_removed *r = arg;

	if (!kind)
		ptlab_gather_pinned(r->g, r->run->pa + off, len,
				    r->run->prot & PT_PROT_WRITE);
	return 0;
}

/* pt_table_ops.removed: the memory is released after the flush. */
static void ptlab_gather_run(struct pt_gather *gather,
			     const struct pt_run *run)
{
	struct ptlab_gather *g = ptlab_gather_of(gather);
	struct ptlab_removed r = { .g = g, .run = run };

	atomic64_sub(run->size, &g->as->mapped_bytes);
	ptlab_gather_range(g, run->iova, run->size, run->pgsize);
	ptlab_as_kind_pieces(g->as, run->iova, run->size,
			     ptlab_removed_pinned, &r);
}

/* pt_table_ops.cleared: entries a lost race took back need the flush too. */
static void ptlab_gather_cleared(struct pt_gather *gather, u64 iova,
				 u64 size, u64 granule)
{
	ptlab_gather_range(ptlab_gather_of(gather), iova, size, granule);
}

static const struct pt_table_ops ptlab_as_table_ops = {
	.alloc = ptlab_as_table_alloc,
	.free = ptlab_as_table_free,
	.retire = ptlab_as_table_retire,
	.removed = ptlab_gather_run,
	.cleared = ptlab_gather_cleared,
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
	pt_space_destroy(&as->pt, &gather.pt);
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
		       pt_phys_to_virt(adopt->root_pa), as->fw_owned,
		       as->nr_fw_owned);
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
	ptlab_range_lock_init(&as->ranges);
	init_waitqueue_head(&as->thaw);
	INIT_LIST_HEAD(&as->freezes);
	spin_lock_init(&as->flushes.lock);
	spin_lock_init(&as->watch_lock);
	INIT_LIST_HEAD(&as->watchers);
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

static int __ptlab_as_destroy(struct ptlab_ctx *ctx, u32 id, bool busy_ok)
{
	struct ptlab_as *as;

	xa_lock(&ctx->spaces);
	as = xa_load(&ctx->spaces, id);
	if (as && !busy_ok && atomic_read(&as->nr_devices)) {
		xa_unlock(&ctx->spaces);
		return -EBUSY;
	}
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
 * ptlab_as_destroy() - remove an address space from its file and drop it
 * @ctx: the open file
 * @id: address space id
 *
 * The last ioctl or debugfs snapshot still using it finishes the teardown.
 * An id reserved by a create in progress is not an address space yet.
 *
 * Return: 0, -ENOENT, or -EBUSY while a device is attached.
 */
int ptlab_as_destroy(struct ptlab_ctx *ctx, u32 id)
{
	return __ptlab_as_destroy(ctx, id, false);
}

/**
 * ptlab_as_destroy_all() - destroy every address space of a closing file
 * @ctx: the open file
 */
void ptlab_as_destroy_all(struct ptlab_ctx *ctx)
{
	struct ptlab_as *as;
	unsigned long id;

	/* A device still in an ioctl keeps its space until it is done. */
	xa_for_each(&ctx->spaces, id, as)
		__ptlab_as_destroy(ctx, id, true);
}

/**
 * ptlab_as_attach() - attach a device to an address space of a file
 * @ctx: the open file
 * @id: address space id
 * @w: the device's watcher, told of every flush from now on
 *
 * The device keeps a reference, and the address space cannot be destroyed
 * until ptlab_as_detach(): the check and the count change under the lock
 * ptlab_as_destroy() takes.
 *
 * Return: the address space, or NULL if @ctx has none of that id.
 */
struct ptlab_as *ptlab_as_attach(struct ptlab_ctx *ctx, u32 id,
				 struct ptlab_as_watcher *w)
{
	struct ptlab_as *as;

	xa_lock(&ctx->spaces);
	as = xa_load(&ctx->spaces, id);
	if (as) {
		kref_get(&as->ref);
		atomic_inc(&as->nr_devices);
	}
	xa_unlock(&ctx->spaces);
	if (!as)
		return NULL;
	spin_lock(&as->watch_lock);
	list_add_tail(&w->node, &as->watchers);
	spin_unlock(&as->watch_lock);
	return as;
}

/**
 * ptlab_as_detach() - end a ptlab_as_attach()
 * @as: the address space
 * @w: the watcher given to ptlab_as_attach()
 *
 * Once it returns, no flush calls @w any more.
 */
void ptlab_as_detach(struct ptlab_as *as, struct ptlab_as_watcher *w)
{
	spin_lock(&as->watch_lock);
	list_del(&w->node);
	spin_unlock(&as->watch_lock);
	atomic_dec(&as->nr_devices);
	ptlab_as_put(as);
}

/**
 * ptlab_as_hold() - keep the translation of a range as it is, as a walk does
 * @as: the address space
 * @first: first IOVA
 * @last: last IOVA
 * @h: the hold, for ptlab_as_unhold()
 *
 * Shared with walks and other holders; while held, no leaf of the range
 * changes, no table that translates it is freed, and the memory it maps
 * stays pinned or owned.
 *
 * Return: 0 or -EINTR on a fatal signal.
 */
int ptlab_as_hold(struct ptlab_as *as, u64 first, u64 last,
		  struct ptlab_range_hold *h)
{
	return ptlab_range_lock(&as->ranges, h, first, last, true) ? -EINTR : 0;
}

/**
 * ptlab_as_unhold() - end a ptlab_as_hold()
 * @as: the address space
 * @h: the hold
 */
void ptlab_as_unhold(struct ptlab_as *as, struct ptlab_range_hold *h)
{
	ptlab_range_unlock(&as->ranges, h);
}

/**
 * ptlab_as_kind() - what the page at an IOVA was mapped from
 * @as: the address space
 * @iova: a mapped IOVA, held (ptlab_as_hold())
 *
 * Return: 0 for pinned user memory, PTLAB_PHYS_RAM or PTLAB_PHYS_MMIO for a
 * physical mapping, PTLAB_KIND_FIRMWARE for an adopted firmware's pages.
 */
u32 ptlab_as_kind(struct ptlab_as *as, u64 iova)
{
	void *entry;

	if (ptlab_as_foreign(as, iova, 1))
		return PTLAB_KIND_FIRMWARE;
	entry = mtree_load(&as->phys, iova >> PAGE_SHIFT);
	return entry ? xa_to_value(entry) : 0;
}

/**
 * ptlab_as_format() - an address space's format
 * @as: the address space
 *
 * Return: its enum ptlab_format.
 */
u32 ptlab_as_format(const struct ptlab_as *as)
{
	return as->pt.cfg.fmt->id;
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
	struct ptlab_range_hold all;

	/* Every change in progress ends first. */
	if (ptlab_range_lock(&as->ranges, &all, 0, ~0ULL, false))
		return -EINTR;
	atomic_inc(&as->frozen);
	ptlab_range_unlock(&as->ranges, &all);
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

/* Hold [@first, @last] alone to change it, once no snapshot is running. */
static int ptlab_as_hold_change(struct ptlab_as *as,
				struct ptlab_range_hold *h, u64 first,
				u64 last)
{
	for (;;) {
		if (ptlab_range_lock(&as->ranges, h, first, last, false))
			return -EINTR;
		/* A freeze sets it while holding everything: seen here. */
		if (!atomic_read(&as->frozen))
			return 0;
		ptlab_range_unlock(&as->ranges, h);
		if (wait_event_killable(as->thaw, !atomic_read(&as->frozen)))
			return -EINTR;
	}
}

/*
 * Free the tables an operation left empty outside what it could free: hold
 * their span alone (each prune may hint at the table above) and prune. A
 * fatal signal leaves them for a later operation or the teardown.
 */
static void ptlab_as_prune(struct ptlab_as *as, struct ptlab_gather *gather)
{
	struct pt_gather *pg = &gather->pt;
	struct ptlab_range_hold h;

	while (pg->prune) {
		u64 first = pg->prune_start, last = pg->prune_last;

		if (ptlab_range_lock(&as->ranges, &h, first, last, false))
			break;
		pt_prune(&as->pt, first, last - first + 1, pg);
		ptlab_range_unlock(&as->ranges, &h);
		/*
		 * Walk caches may hold the tables: the flush covers their
		 * span too, with the granule of the leaves it removed.
		 */
		if (!ptlab_retired_empty(&gather->retired))
			ptlab_gather_range(gather, first, last - first + 1,
					   gather->end > gather->start ?
					   gather->granule :
					   as->pt.cfg.pgsize_bitmap &
					   -as->pt.cfg.pgsize_bitmap);
	}
	pg->prune = false;
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

/* Add [@iova, @iova + @size) of @run, all of one @kind, to the walk. */
static int ptlab_span_piece(struct ptlab_span_walker *walker,
			    const struct pt_run *run, u64 off, u64 size,
			    u32 kind)
{
	struct ptlab_span *cur = &walker->cur;
	u64 iova = run->iova + off, pa = run->pa + off;
	int ret;

	if (cur->size && cur->iova + cur->size == iova &&
	    (walker->by_iova || cur->pa + cur->size == pa) &&
	    cur->prot == run->prot && cur->kind == kind &&
	    (!walker->by_pgsize || cur->pgsize == run->pgsize)) {
		cur->size += size;
		return 0;
	}
	if (cur->size) {
		ret = walker->span(walker, cur);
		if (ret)
			return ret;
	}
	*cur = (struct ptlab_span){
		.iova = iova, .pa = pa, .size = size, .pgsize = run->pgsize,
		.prot = run->prot, .kind = kind,
	};
	return 0;
}

struct ptlab_span_kinds {
	struct ptlab_span_walker *walker;
	const struct pt_run *run;
};

static int ptlab_span_kind(void *arg, u64 off, u64 len, u32 kind)
{
	struct ptlab_span_kinds *p = arg;

	return ptlab_span_piece(p->walker, p->run, off, len, kind);
}

static int ptlab_span_run(struct pt_run_visitor *visitor,
			  const struct pt_run *run)
{
	struct ptlab_span_walker *walker =
		container_of(visitor, struct ptlab_span_walker, visitor);
	struct ptlab_span_kinds p = { .walker = walker, .run = run };

	if (ptlab_as_foreign(walker->as, run->iova, run->size))
		return ptlab_span_piece(walker, run, 0, run->size,
					PTLAB_KIND_FIRMWARE);
	/* A run may hold physical mappings and user memory side by side. */
	return ptlab_as_kind_pieces(walker->as, run->iova, run->size,
				    ptlab_span_kind, &p);
}

/**
 * ptlab_as_spans() - call @walker->span for every run of mappings, in order
 * @as: the address space
 * @iova: where to start: 0, or where an earlier run ended
 * @walker: its @span, @by_pgsize and @by_iova set by the caller
 *
 * The walk holds what is left of the address space, shared: no change
 * happens in it meanwhile. A walk stopped by @walker->span can go on from
 * the end of the last run it reported: runs are maximal, so they come out
 * the same.
 *
 * Return: 0, -EINTR, or the first non-zero value @walker->span returned.
 */
int ptlab_as_spans(struct ptlab_as *as, u64 iova,
		   struct ptlab_span_walker *walker)
{
	struct ptlab_range_hold h;
	int ret;

	walker->visitor.run = ptlab_span_run;
	walker->as = as;
	walker->cur.size = 0;
	if (ptlab_range_lock(&as->ranges, &h, iova, ~0ULL, true))
		return -EINTR;
	ret = pt_iterate(&as->pt, iova, iova ? -iova : ~0ULL, &walker->visitor);
	if (!ret && walker->cur.size)
		ret = walker->span(walker, &walker->cur);
	ptlab_range_unlock(&as->ranges, &h);
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
 * Return: as pt_walk(), or -EINTR.
 */
int ptlab_as_walk(struct ptlab_as *as, u64 iova, bool show_pa,
		  struct pt_walk_result *res)
{
	struct ptlab_range_hold h;
	unsigned int i;
	int ret;

	*res = (struct pt_walk_result){};
	if (ptlab_range_lock(&as->ranges, &h, iova, iova, true))
		return -EINTR;
	ret = pt_walk(&as->pt, iova, res);
	ptlab_range_unlock(&as->ranges, &h);
	if (show_pa)
		return ret;
	res->leaf.pa = 0;
	for (i = 0; i < res->nr_entries; i++)
		res->entries[i] = pt_entry_hide_oa(&as->pt.cfg,
						   res->entry_levels[i],
						   res->entries[i]);
	return ret;
}

struct ptlab_first_run {
	struct pt_run_visitor visitor;
	u64 iova;
};

static int ptlab_first_run(struct pt_run_visitor *visitor,
			   const struct pt_run *run)
{
	container_of(visitor, struct ptlab_first_run, visitor)->iova = run->iova;
	return 1;
}

/**
 * ptlab_as_next_leaf() - the first leaf at or after an IOVA, walked
 * @as: the address space
 * @iova: where to start looking
 * @show_pa: as for ptlab_as_walk()
 * @res: the walk of the leaf found (@res->leaf.iova is its first IOVA)
 *
 * For dumps that go leaf by leaf through spaces of millions of entries: the
 * search stops at the first run, and a run never spans two tables.
 *
 * Return: 0, -ENOENT if nothing is mapped there or above, -EINTR.
 */
int ptlab_as_next_leaf(struct ptlab_as *as, u64 iova, bool show_pa,
		       struct pt_walk_result *res)
{
	struct ptlab_first_run first = { .visitor.run = ptlab_first_run };
	struct ptlab_range_hold h;
	int ret;

	for (;;) {
		if (iova > pt_iova_last(&as->pt.cfg))
			return -ENOENT;
		if (ptlab_range_lock(&as->ranges, &h, iova, ~0ULL, true))
			return -EINTR;
		ret = pt_iterate(&as->pt, iova, iova ? -iova : ~0ULL,
				 &first.visitor);
		ptlab_range_unlock(&as->ranges, &h);
		if (ret <= 0)
			return ret ?: -ENOENT;
		/* A leaf that holds @iova may begin below it. */
		ret = ptlab_as_walk(as, max(first.iova, iova), show_pa, res);
		if (ret != -ENOENT)
			return ret;
		/* Unmapped meanwhile: look further. */
		iova = max(first.iova, iova) + 1;
		if (!iova)
			return -ENOENT;
	}
}

/**
 * ptlab_as_translate() - the physical address an IOVA maps to
 * @as: the address space
 * @iova: the address
 * @pa: receives the translation
 *
 * Return: 0, -ENOENT if unmapped, -EINVAL outside the space, -EINTR.
 */
int ptlab_as_translate(struct ptlab_as *as, u64 iova, u64 *pa)
{
	struct pt_walk_result res;
	int ret = ptlab_as_walk(as, iova, true, &res);

	*pa = res.leaf.pa;
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

static int ptlab_phys_record(struct ptlab_as *as, u64 iova, u64 length,
			     void *entry)
{
	if (ptlab_should_fail())
		return -ENOMEM;
	return mtree_store_range(&as->phys, iova >> PAGE_SHIFT,
				 (iova + length - 1) >> PAGE_SHIFT, entry,
				 GFP_KERNEL_ACCOUNT);
}

/*
 * Drop stale physical-mapping records from a range about to be mapped by
 * the user. Records say which pages to unpin, so a map refused for overlap
 * must leave those of the mapping in its way: with records about, check
 * the range first. (Without any, the map itself finds the overlap.)
 */
static int ptlab_phys_forget(struct ptlab_as *as, u64 iova, u64 length)
{
	if (mtree_empty(&as->phys))
		return 0;
	if (pt_range_mapped(&as->pt, iova, length))
		return -EADDRINUSE;
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

/*
 * A map met something mapped in its range: take back what it made, so that
 * nothing changes. Its range is still held alone.
 */
static void ptlab_map_take_back(struct ptlab_as *as, u64 iova, u64 mapped,
				struct ptlab_gather *gather)
{
	u64 undone;

	if (mapped)
		pt_unmap(&as->pt, iova, mapped, &gather->pt, &undone);
}

/* After a change: prune, flush, release; a failure flushes what it may. */
static void ptlab_change_done(struct ptlab_as *as,
			      struct ptlab_gather *gather, int ret, u64 iova,
			      u64 length, u64 pgsizes)
{
	ptlab_as_prune(as, gather);
	if (ret)
		ptlab_gather_cover(gather, iova, length, pgsizes & -pgsizes);
	ptlab_gather_finish(gather);
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
 * The range is classified with its IOVA held and memory hot-remove held
 * off, so what the mapping records is true while it is made.
 *
 * Return: 0; -EINVAL for bad arguments or a range that is neither ordinary
 * RAM nor free of RAM; -EADDRINUSE if anything is mapped in the range
 * (nothing changes); -ENOMEM or -EINTR after mapping @mapped bytes.
 */
int ptlab_as_map_phys(struct ptlab_as *as, u64 iova, phys_addr_t pa,
		      u64 length, u32 prot, u64 pgsize, u64 *mapped, u32 *kind)
{
	struct ptlab_gather gather;
	struct ptlab_range_hold h;
	u64 pgsizes;
	int ret;

	*mapped = 0;
	*kind = 0;
	ret = ptlab_map_check(as, iova, length, prot, pgsize, &pgsizes);
	if (ret)
		return ret;
	if (!PAGE_ALIGNED(pa) || pa + length - 1 < pa)
		return -EINVAL;

	ptlab_gather_init(&gather, as);
	ptlab_phys_hold();
	ret = ptlab_as_hold_change(as, &h, iova, iova + length - 1);
	if (ret)
		goto out_release;
	ret = ptlab_phys_classify(pa, length);
	if (ret < 0)
		goto out_unlock;
	*kind = ret;
	/* The record goes first, so look before it replaces another's. */
	if (pt_range_mapped(&as->pt, iova, length))
		ret = -EADDRINUSE;
	else
		ret = ptlab_phys_record(as, iova, length, xa_mk_value(*kind));
	if (!ret)
		ret = pt_map(&as->pt, iova, pa, length, prot, pgsizes,
			     &gather.pt, mapped);
	atomic64_add(*mapped, &as->mapped_bytes);
out_unlock:
	ptlab_range_unlock(&as->ranges, &h);
	ptlab_change_done(as, &gather, ret, iova, length, pgsizes);
out_release:
	ptlab_phys_release();
	return ret;
}

/*
 * Pin the buffer a batch at a time and map each batch straight from the
 * addresses the pin reported. The pages that end a batch physically
 * contiguous wait for the next one, which may continue them into a larger
 * page (THP). Pages not mapped go back after the flush: a map stopped inside
 * a leaf of several entries cleared some it wrote.
 */
static int ptlab_map_user_held(struct ptlab_as *as, u64 iova,
			       unsigned long uaddr, u64 length, u32 prot,
			       u64 pgsizes, u64 *pas,
			       struct ptlab_gather *gather, u64 *mapped,
			       unsigned long *pinned_all)
{
	unsigned long left = length >> PAGE_SHIFT;
	bool write = prot & PT_PROT_WRITE;
	struct pt_map_src src = {};
	long pinned, i, tail;
	u64 done, bytes;
	bool more;
	int ret = 0;

	while (left) {
		unsigned long want = min_t(unsigned long, left, PTLAB_PIN_BATCH);

		pinned = ptlab_pin_user(uaddr, want, write, pas);
		if (pinned <= 0) {
			ret = pinned ? pinned : -EFAULT;
			break;
		}
		*pinned_all += pinned;
		left -= pinned;
		uaddr += pinned * PAGE_SIZE;
		/* The waiting chunk continues into this batch? */
		for (i = 0; i < pinned && src.chunk &&
		     pas[i] == src.pa + src.chunk; i++)
			src.chunk += PAGE_SIZE;
		more = left && pinned == want;
		/* All of it: the chunk waits on. */
		if (more && i == pinned)
			goto next;
		/* Unless the buffer ends here, its last run waits again. */
		tail = pinned;
		if (more)
			while (tail > i && (tail == pinned ||
					    pas[tail - 1] + PAGE_SIZE == pas[tail]))
				tail--;
		src.pages = pas + i;
		src.nr_pages = tail - i;
		src.next = 0;
		src.page_size = PAGE_SIZE;
		bytes = src.chunk + ((u64)(tail - i) << PAGE_SHIFT);
		ret = bytes ? pt_map_src(&as->pt, iova + *mapped, &src, bytes,
					 prot, pgsizes, &gather->pt, &done) : 0;
		*mapped += bytes ? done : 0;
		if (ret) {
			/* What this call did not map: the rest of @src. */
			if (src.chunk)
				ptlab_gather_pinned(gather, src.pa, src.chunk,
						    false);
			for (i += src.next; i < pinned; i++)
				ptlab_gather_pinned(gather, pas[i], PAGE_SIZE,
						    false);
			return ret;
		}
		/* The waiting run, from this batch's last pages. */
		src.pa = tail < pinned ? pas[tail] : 0;
		src.chunk = (u64)(pinned - tail) << PAGE_SHIFT;
next:
		if (pinned < want) {
			ret = -EFAULT;
			break;
		}
		if (left && fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
	}
	/* Stopped early: a waiting run is pinned but not mapped. */
	if (src.chunk)
		ptlab_gather_pinned(gather, src.pa, src.chunk, false);
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
 * The pages are charged to VmPin once, for the whole buffer; what could not
 * be pinned is given back at the end, the rest as it is unpinned.
 *
 * Return: 0; -EINVAL for bad arguments; -EPERM from a process other than the
 * opener; -EADDRINUSE if anything is mapped in the range (nothing changes);
 * -ENOMEM, -EFAULT or -EINTR after mapping @mapped bytes.
 */
int ptlab_as_map_user(struct ptlab_as *as, u64 iova, unsigned long uaddr,
		      u64 length, u32 prot, u64 pgsize, u64 *mapped)
{
	unsigned long npages = length >> PAGE_SHIFT, pinned = 0;
	struct ptlab_gather gather;
	struct ptlab_range_hold h;
	u64 pgsizes, *pas;
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
	ret = ptlab_charge_pinned(as->mm, npages);
	if (ret)
		goto out_free;
	ptlab_gather_init(&gather, as);
	ret = ptlab_as_hold_change(as, &h, iova, iova + length - 1);
	if (ret)
		goto out_uncharge;
	ret = ptlab_phys_forget(as, iova, length);
	if (!ret)
		ret = ptlab_map_user_held(as, iova, uaddr, length, prot,
					  pgsizes, pas, &gather, mapped,
					  &pinned);
	atomic64_add(*mapped, &as->mapped_bytes);
	if (ret == -EADDRINUSE) {
		/* Its pages go back with what the unmap reports. */
		ptlab_map_take_back(as, iova, *mapped, &gather);
		*mapped = 0;
	}
	ptlab_range_unlock(&as->ranges, &h);
	ptlab_change_done(as, &gather, ret, iova, length, pgsizes);
out_uncharge:
	/* Pages pinned are uncharged when unpinned; the rest now. */
	ptlab_uncharge_pinned(as->mm, npages - pinned);
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
	struct ptlab_range_hold h;
	int ret;

	*unmapped = 0;
	if (length && ptlab_as_declared_fw(as, iova, length))
		return -EACCES;
	if (!length || iova + length - 1 < iova)
		return -EINVAL;
	ptlab_gather_init(&gather, as);
	ret = ptlab_as_hold_change(as, &h, iova, iova + length - 1);
	if (ret)
		return ret;
	ret = pt_unmap(&as->pt, iova, length, &gather.pt, unmapped);
	ptlab_range_unlock(&as->ranges, &h);
	ptlab_as_prune(as, &gather);
	ptlab_gather_finish(&gather);
	return ret;
}

/**
 * ptlab_as_dirty_tracking() - was the address space created for it?
 * @as: the address space
 *
 * Return: true with PTLAB_CREATE_DIRTY.
 */
bool ptlab_as_dirty_tracking(const struct ptlab_as *as)
{
	return as->pt.cfg.dirty;
}

/* Bits of the bitmap one hold of the range produces, a page of them. */
#define PTLAB_DIRTY_CHUNK_BITS	(PAGE_SIZE * BITS_PER_BYTE)

/**
 * struct ptlab_dirty_bits - one chunk of a read of the dirty bitmap
 * @visitor: for pt_read_dirty()
 * @first: IOVA of bit 0 of @words
 * @last: last IOVA of the chunk
 * @end: last IOVA of the whole read
 * @shift: log2 of the bytes one bit stands for
 * @words: the chunk's bitmap
 * @carry: a dirty leaf reaches up to this IOVA (inclusive) beyond the
 *	chunk: its bits go into the next one, since a clearing read will not
 *	find it dirty again; 0 if none
 * @gather: the range to flush after cleaning, or NULL for no-clear
 */
struct ptlab_dirty_bits {
	struct pt_dirty_visitor visitor;
	u64 first;
	u64 last;
	u64 end;
	unsigned int shift;
	u64 *words;
	u64 carry;
	struct ptlab_gather *gather;
};

/* Set bits [@from, @to) of @words. */
static void ptlab_bits_set(u64 *words, u64 from, u64 to)
{
	while (from < to) {
		u64 bit = from & 63, n = min(64 - bit, to - from);

		words[from >> 6] |= (n == 64 ? ~0ULL : ((1ULL << n) - 1) << bit);
		from += n;
	}
}

/* Set the bits of [@a, @b] clipped to the chunk. */
static void ptlab_dirty_mark(struct ptlab_dirty_bits *d, u64 a, u64 b)
{
	a = max(a, d->first);
	b = min(b, d->last);
	if (a <= b)
		ptlab_bits_set(d->words, (a - d->first) >> d->shift,
			       ((b - d->first) >> d->shift) + 1);
}

static int ptlab_dirty_leaf(struct pt_dirty_visitor *visitor, u64 iova,
			    u64 size)
{
	struct ptlab_dirty_bits *d =
		container_of(visitor, struct ptlab_dirty_bits, visitor);
	u64 last = iova + size - 1;

	ptlab_dirty_mark(d, iova, last);
	if (last > d->last && d->gather)
		d->carry = min(last, d->end);
	/* Cleaned: the device's IOTLB must learn it (iotlb_gather). */
	if (d->gather)
		ptlab_gather_range(d->gather, iova, size, size);
	return 0;
}

/**
 * ptlab_as_read_dirty() - PTLAB_IOCTL_READ_DIRTY
 * @as: the address space
 * @iova: first IOVA, aligned to @page_size
 * @length: bytes, a multiple of @page_size
 * @page_size: bytes per bit, a power of two
 * @clear: clean what is reported, then flush
 * @bitmap: the user's bitmap
 * @bitmap_bytes: its room
 * @dirty: receives the bits set
 *
 * A page of the bitmap at a time: the range it covers is held shared
 * (devices may go on writing; maps and unmaps of it wait), its dirty
 * leaves are read and cleaned, the flush follows under the same hold, and
 * only then, with nothing held, is the page copied to the user.
 *
 * Return: 0, -EOPNOTSUPP without dirty tracking, -EINVAL, -ENOSPC,
 * -EFAULT, -ENOMEM, -EINTR.
 */
int ptlab_as_read_dirty(struct ptlab_as *as, u64 iova, u64 length,
			u64 page_size, bool clear, u64 __user *bitmap,
			u64 bitmap_bytes, u64 *dirty)
{
	const struct pt_cfg *cfg = &as->pt.cfg;
	struct ptlab_dirty_bits d = { .visitor.dirty = ptlab_dirty_leaf };
	u64 min_page = cfg->pgsize_bitmap & -cfg->pgsize_bitmap;
	u64 nbits, done, words, w, chunk_bits;
	struct ptlab_gather gather;
	struct ptlab_range_hold h;
	int ret = 0;

	*dirty = 0;
	if (!cfg->dirty)
		return -EOPNOTSUPP;
	if (!page_size || page_size & (page_size - 1) || page_size < min_page ||
	    !length || (iova | length) & (page_size - 1) ||
	    iova + length - 1 < iova || iova < cfg->iova_base ||
	    iova + length - 1 > pt_iova_last(cfg))
		return -EINVAL;
	d.shift = __ffs64(page_size);
	nbits = length >> d.shift;
	if (nbits > PTLAB_DIRTY_MAX_BITS)
		return -EINVAL;
	if (bitmap_bytes < DIV_ROUND_UP(nbits, 64) * sizeof(u64))
		return -ENOSPC;
	d.words = ptlab_should_fail() ? NULL : kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!d.words)
		return -ENOMEM;
	d.end = iova + length - 1;
	ptlab_gather_init(&gather, as);
	d.gather = clear ? &gather : NULL;
	for (done = 0; done < nbits; done += chunk_bits) {
		chunk_bits = min_t(u64, nbits - done, PTLAB_DIRTY_CHUNK_BITS);
		words = DIV_ROUND_UP(chunk_bits, 64);
		d.first = iova + (done << d.shift);
		d.last = d.first + (chunk_bits << d.shift) - 1;
		memset(d.words, 0, words * sizeof(u64));
		/* What the last chunk's leaf covers here. */
		if (d.carry >= d.first)
			ptlab_dirty_mark(&d, d.first, d.carry);
		d.carry = 0;
		if (fatal_signal_pending(current) ||
		    ptlab_as_hold(as, d.first, d.last, &h)) {
			ret = -EINTR;
			break;
		}
		ret = pt_read_dirty(&as->pt, d.first, d.last - d.first + 1,
				    clear, &d.visitor);
		if (clear)
			ptlab_as_flush(&gather);
		ptlab_as_unhold(as, &h);
		if (ret)
			break;
		for (w = 0; w < words; w++)
			*dirty += hweight64(d.words[w]);
		if (copy_to_user(bitmap + (done >> 6), d.words,
				 words * sizeof(u64))) {
			ret = -EFAULT;
			break;
		}
		cond_resched();
	}
	kfree(d.words);
	return ret;
}
