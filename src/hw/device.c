// SPDX-License-Identifier: GPL-2.0
/*
 * Simulated devices: DMA through an address space as hardware performs it.
 *
 * A device knows its address space only as hardware does: from the register
 * values a driver would program (PTLAB_IOCTL_INFO), which its walker
 * (hw/walk.c, independent of the engine and the formats) decodes. It caches
 * what it walks in an IOTLB: a leaf cache of translations and a walk cache
 * of tables, emptied only by the invalidations the address space issues
 * when it flushes (struct ptlab_as_watcher), unless told to ignore them.
 *
 * The lab never lets a stale translation touch memory: memory behind it may
 * have been unpinned or freed. Every piece of a transfer is translated as
 * the device would (through its caches) and then checked against a walk of
 * the live tables, under a shared hold of the range (ptlab_as_hold()) that
 * keeps those tables and the memory they map in place; a difference is
 * reported as a fault of its own kind, PTLAB_FAULT_STALE, and the transfer
 * stops. In checking mode every flush is followed by the same comparison for
 * the cached translations of the flushed range. Walk-cache entries that a
 * flush leaves pointing at tables no longer in the tree are dropped whatever
 * the mode: the walker reads table memory through checked borrows
 * (ptlab_phys_read_entry()), so a freed table could not crash it, but what
 * it would read there is not the lab's to show.
 *
 * Invalidations drop what the format's hardware command would: the IOTLB
 * rounds the flushed range as that command does (ptlab_dev_command()). In
 * checking mode it drops exactly the range flushed instead, so that a flush
 * narrower than the change it follows leaves stale entries behind for the
 * check, or the next use, to find, rather than being hidden by rounding.
 *
 * Access and dirty bits, where the registers enable the hardware's updates
 * (hw/walk.c, ptlab_hw_ad_update()): a transfer that goes through sets the
 * access flag in the entries its own walk read, and a write sets the leaf's
 * dirty state, unless the IOTLB holds the translation as dirty already;
 * each update is a compare-and-exchange on the live tables' memory through
 * the checked borrow (ptlab_phys_cmpxchg_entry()), never on a fault.
 *
 * Only pinned user memory and an adopted firmware's pages are transferred:
 * the RAM of physical mappings belongs to someone else, and MMIO is never
 * touched (PTLAB_FAULT_EXTERNAL).
 *
 * Locking: @lock protects the caches, counters and fault queue; it is taken
 * inside the address space's watcher lock (flushes), never around anything
 * that sleeps. The transfer copies to and from the user outside every lock
 * and hold, through a page-sized bounce buffer.
 */
#include <linux/capability.h>
#include <linux/idr.h>
#include <linux/kref.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "common/fail.h"
#include "hw/device.h"
#include "hw/walk.h"
#include "pages/pages.h"

static unsigned int max_devices = 16;
module_param(max_devices, uint, 0644);
MODULE_PARM_DESC(max_devices, "simulated devices per open file (default 16)");

static DEFINE_IDA(ptlab_dev_ids);

/**
 * struct ptlab_tlb_leaf - one cached translation
 * @iova: first IOVA of the leaf
 * @size: bytes
 * @pa: first physical address
 * @perm: as struct ptlab_hw_xlate
 * @level: engine level of the leaf
 * @dirty: the leaf was dirty (or had no dirty state) when cached: writes
 *	through it do not go to the table
 */
struct ptlab_tlb_leaf {
	u64 iova;
	u64 size;
	u64 pa;
	u32 perm[2];
	u32 level;
	bool dirty;
};

/**
 * struct ptlab_tlb_table - one cached table
 * @iova: first IOVA the table translates
 * @span: bytes it translates; 0 for an empty slot
 * @pa: its physical address
 * @level: its engine level
 */
struct ptlab_tlb_table {
	u64 iova;
	u64 span;
	u64 pa;
	u32 level;
};

/**
 * struct ptlab_dev_stats - what debugfs dev<id>/iotlb shows
 * @hits: translations found in the leaf cache
 * @misses: translations not found there
 * @walks: table walks (misses, and walks that start in the walk cache)
 * @invalidations: flushes received
 * @dropped: cache entries the invalidations removed
 * @faults: faults raised
 * @stale: stale translations found (used, or left after a flush)
 * @inval_all: invalidations that emptied everything (the command has no
 *	range, or the range was too large for it)
 * @dropped_wider: entries dropped outside the range flushed, because the
 *	hardware's command covers more (an aligned power of two, everything)
 * @access_updates: entries whose access flag the device set
 * @dirty_updates: leaves whose dirty state the device set
 */
struct ptlab_dev_stats {
	u64 hits;
	u64 misses;
	u64 walks;
	u64 invalidations;
	u64 dropped;
	u64 faults;
	u64 stale;
	u64 inval_all;
	u64 dropped_wider;
	u64 access_updates;
	u64 dirty_updates;
};

/**
 * struct ptlab_dev - one simulated device
 * @ref: held by the file's @devices and by each ioctl using it
 * @id: global id, the debugfs name dev<id>
 * @as: the address space, referenced and attached (ptlab_as_attach())
 * @watcher: told of the address space's flushes
 * @geom: what the walker decoded from the registers
 * @show_pa: the opener may learn physical addresses (see struct ptlab_ctx)
 * @check: compare the IOTLB with the tables after every flush
 * @no_invalidate: ignore flushes
 * @lock: protects what follows
 * @leaf: the leaf cache, @nr_leaf entries (size 0: empty)
 * @table: the walk cache, @nr_table entries
 * @nr_leaf: leaf cache entries
 * @nr_table: walk cache entries
 * @next_leaf: the leaf entry the next fill replaces (round robin)
 * @next_table: likewise for the walk cache
 * @stats: counters
 * @queue: the fault queue, a ring of @queued records from @head
 * @head: oldest record
 * @queued: records in @queue
 * @overflow: faults lost since the last read
 * @dir: debugfs directory
 * @drain: one reader of the queue at a time (PTLAB_IOCTL_DEV_FAULTS)
 */
struct ptlab_dev {
	struct kref ref;
	u32 id;
	struct ptlab_as *as;
	struct ptlab_as_watcher watcher;
	struct ptlab_hw_geom geom;
	bool show_pa;
	bool check;
	bool no_invalidate;
	spinlock_t lock;	/* caches, counters, fault queue */
	struct ptlab_tlb_leaf *leaf;
	struct ptlab_tlb_table *table;
	unsigned int nr_leaf;
	unsigned int nr_table;
	unsigned int next_leaf;
	unsigned int next_table;
	struct ptlab_dev_stats stats;
	struct ptlab_fault queue[PTLAB_DEV_MAX_FAULTS];
	unsigned int head;
	unsigned int queued;
	u32 overflow;
	struct dentry *dir;
	struct mutex drain;	/* copying records out, then removing them */
};

static bool ptlab_dev_read(void *ctx, u64 pa, unsigned int bytes, u64 *val)
{
	return ptlab_phys_read_entry(pa, bytes, val);
}

/* The walk from the root, with no cache: what the tables say now. */
static void ptlab_dev_walk_live(struct ptlab_dev *dev, u64 iova,
				struct ptlab_hw_xlate *x)
{
	ptlab_hw_walk(&dev->geom, ptlab_dev_read, NULL, iova,
		      dev->geom.root_pa, dev->geom.levels - 1, x);
}

static void ptlab_dev_queue(struct ptlab_dev *dev, const struct ptlab_fault *f)
{
	struct ptlab_fault *slot;

	lockdep_assert_held(&dev->lock);
	dev->stats.faults++;
	if (f->kind == PTLAB_FAULT_STALE)
		dev->stats.stale++;
	if (dev->queued == PTLAB_DEV_MAX_FAULTS) {
		dev->overflow++;
		return;
	}
	slot = &dev->queue[(dev->head + dev->queued++) % PTLAB_DEV_MAX_FAULTS];
	*slot = *f;
	/* As pagemap: no physical address to those who may not learn it. */
	if (!dev->show_pa) {
		slot->entry = 0;
		slot->cached_pa = 0;
		slot->table_pa = 0;
	}
}

/* A stale translation: @x is what the cache gave, @live the tables. */
static void ptlab_dev_stale(struct ptlab_dev *dev, u64 iova, u32 access,
			    const struct ptlab_hw_xlate *x,
			    const struct ptlab_hw_xlate *live)
{
	struct ptlab_fault f = {
		.iova = iova,
		.kind = PTLAB_FAULT_STALE,
		.access = access,
		.level = x->level,
		.cached_pa = x->pa + (iova - x->iova),
		.table_pa = live->fault ? 0 : live->pa + (iova - live->iova),
	};

	ptlab_dev_queue(dev, &f);
}

static bool ptlab_dev_same(u64 iova, const struct ptlab_hw_xlate *a,
			   const struct ptlab_hw_xlate *b)
{
	return !a->fault && !b->fault &&
	       a->pa + (iova - a->iova) == b->pa + (iova - b->iova) &&
	       a->perm[0] == b->perm[0] && a->perm[1] == b->perm[1];
}

/* The leaf cache entry that holds @iova, or -1. */
static int ptlab_dev_lookup(struct ptlab_dev *dev, u64 iova,
			    struct ptlab_hw_xlate *x)
{
	const struct ptlab_tlb_leaf *e;
	unsigned int i;

	for (i = 0; i < dev->nr_leaf; i++) {
		e = &dev->leaf[i];
		if (e->size && iova - e->iova < e->size) {
			*x = (struct ptlab_hw_xlate){
				.iova = e->iova, .pa = e->pa, .size = e->size,
				.perm = { e->perm[0], e->perm[1] },
				.level = e->level,
			};
			return i;
		}
	}
	return -1;
}

/* Cache a walk; returns the leaf cache entry it took. */
static int ptlab_dev_fill(struct ptlab_dev *dev, const struct ptlab_hw_xlate *x)
{
	struct ptlab_tlb_table *t;
	unsigned int i, j;
	int slot = dev->next_leaf;

	dev->leaf[slot] = (struct ptlab_tlb_leaf){
		.iova = x->iova, .size = x->size, .pa = x->pa,
		.perm = { x->perm[0], x->perm[1] }, .level = x->level,
		.dirty = ptlab_hw_write_dirty(&dev->geom, x->entries[x->nr - 1]),
	};
	dev->next_leaf = (dev->next_leaf + 1) % dev->nr_leaf;
	/* The tables below the one the walk started from. */
	for (i = 1; i < x->nr; i++) {
		u32 level = x->entry_level[i];
		u64 span = ptlab_hw_table_span(&dev->geom, level);
		u64 base = x->iova & ~(span - 1);

		for (j = 0; j < dev->nr_table; j++) {
			t = &dev->table[j];
			if (t->span && t->level == level && t->iova == base)
				break;
		}
		if (j < dev->nr_table)
			continue;
		dev->table[dev->next_table] = (struct ptlab_tlb_table){
			.iova = base, .span = span, .pa = x->table_pa[i],
			.level = level,
		};
		dev->next_table = (dev->next_table + 1) % dev->nr_table;
	}
	return slot;
}

/*
 * Walk @iova, starting from the lowest table the walk cache holds; returns
 * the leaf cache entry filled, or -1 after a fault.
 */
static int ptlab_dev_walk(struct ptlab_dev *dev, u64 iova,
			  struct ptlab_hw_xlate *x)
{
	u32 level = dev->geom.levels - 1;
	u64 table_pa = dev->geom.root_pa;
	const struct ptlab_tlb_table *t;
	unsigned int i;

	for (i = 0; i < dev->nr_table; i++) {
		t = &dev->table[i];
		if (t->span && iova - t->iova < t->span && t->level < level) {
			level = t->level;
			table_pa = t->pa;
		}
	}
	dev->stats.walks++;
	ptlab_hw_walk(&dev->geom, ptlab_dev_read, NULL, iova, table_pa, level,
		      x);
	return x->fault ? -1 : ptlab_dev_fill(dev, x);
}

/**
 * struct ptlab_dev_use - what a translation leaves for the updates
 * @live: the walk of the live tables
 * @slot: the leaf cache entry used
 * @walked: the device walked (from @from_level down), else an IOTLB hit
 * @from_level: engine level of the first entry its walk read
 * @dirty: the cached translation was dirty (see struct ptlab_tlb_leaf)
 */
struct ptlab_dev_use {
	struct ptlab_hw_xlate live;
	int slot;
	bool walked;
	u32 from_level;
	bool dirty;
};

/*
 * Translate one piece of a request as the device would, then hold it to
 * the live tables. Return: 0 with *@pa and *@use, or the fault raised.
 */
static u32 ptlab_dev_translate(struct ptlab_dev *dev, u64 iova, u32 access,
			       u64 *pa, struct ptlab_dev_use *use)
{
	struct ptlab_hw_xlate x, *live = &use->live;
	struct ptlab_fault f = { .iova = iova, .access = access };
	u32 kind;

	spin_lock(&dev->lock);
	use->slot = ptlab_dev_lookup(dev, iova, &x);
	use->walked = use->slot < 0;
	if (!use->walked) {
		dev->stats.hits++;
		use->dirty = dev->leaf[use->slot].dirty;
	} else {
		dev->stats.misses++;
		use->slot = ptlab_dev_walk(dev, iova, &x);
		use->from_level = x.nr ? x.entry_level[0] : 0;
		use->dirty = use->slot >= 0 && dev->leaf[use->slot].dirty;
	}
	kind = x.fault ?: ptlab_hw_access_fault(&x, access);
	if (kind) {
		f.kind = kind;
		f.level = x.level;
		f.entry = x.nr ? x.entries[x.nr - 1] : 0;
		ptlab_dev_queue(dev, &f);
		spin_unlock(&dev->lock);
		return kind;
	}
	ptlab_dev_walk_live(dev, iova, live);
	if (!ptlab_dev_same(iova, &x, live)) {
		ptlab_dev_stale(dev, iova, access, &x, live);
		spin_unlock(&dev->lock);
		return PTLAB_FAULT_STALE;
	}
	spin_unlock(&dev->lock);
	*pa = x.pa + (iova - x.iova);
	return 0;
}

/*
 * Write back entry @i of the live walk with its access flag, and for a
 * write to the leaf its dirty state, as one compare-and-exchange. Another
 * device, or a clean of dirty states, may change the entry meanwhile: try
 * again on what was found, as long as it is still the same entry but for
 * those bits (it may be gone: a larger leaf's unmap, which holds only part
 * of it). Returns whether the entry changed.
 */
static bool ptlab_dev_set_ad(struct ptlab_dev *dev,
			     const struct ptlab_hw_xlate *live, u32 i,
			     bool leaf, bool write)
{
	unsigned int bytes = dev->geom.format == PTLAB_FMT_ARM_V7S ? 4 : 8;
	u32 level = live->entry_level[i];
	u64 old = live->entries[i], new, seen;
	u64 same = ptlab_hw_ad_update(&dev->geom, level, old, leaf, true);
	int tries;

	for (tries = 0; tries < 8; tries++) {
		new = ptlab_hw_ad_update(&dev->geom, level, old, leaf, write);
		if (new == old ||
		    ptlab_hw_ad_update(&dev->geom, level, old, leaf, true) != same)
			return false;
		if (!ptlab_phys_cmpxchg_entry(live->entry_pa[i], bytes, old,
					      new, &seen))
			return false;
		if (seen == old)
			return true;
		old = seen;
	}
	return false;
}

/*
 * The hardware's updates for a transfer that goes through: the access flag
 * in the entries the device's own walk read (none on an IOTLB hit), the
 * dirty state of the leaf for a write unless the IOTLB held it dirty.
 */
static void ptlab_dev_update(struct ptlab_dev *dev, struct ptlab_dev_use *use,
			     u32 access)
{
	const struct ptlab_hw_xlate *live = &use->live;
	bool write = access & PTLAB_ACCESS_WRITE;
	struct ptlab_tlb_leaf *e;
	u32 i, leaf = live->nr - 1;

	if (!dev->geom.ha || !live->nr)
		return;
	spin_lock(&dev->lock);
	for (i = 0; use->walked && i < leaf; i++)
		if (live->entry_level[i] <= use->from_level &&
		    ptlab_dev_set_ad(dev, live, i, false, false))
			dev->stats.access_updates++;
	if (use->walked || (write && !use->dirty)) {
		if (ptlab_dev_set_ad(dev, live, leaf, true,
				     write && !use->dirty)) {
			if (write && !use->dirty)
				dev->stats.dirty_updates++;
			else
				dev->stats.access_updates++;
		}
	}
	/* The IOTLB now holds it dirty, if the entry is still the one used. */
	if (write && use->slot >= 0) {
		e = &dev->leaf[use->slot];
		if (e->size && e->iova == live->iova && e->pa == live->pa)
			e->dirty = true;
	}
	spin_unlock(&dev->lock);
}

/* Do [@a, @a + @a_size) and [@start, @end) meet? (Ends may wrap to 0.) */
static bool ptlab_overlaps(u64 a, u64 a_size, u64 start, u64 end)
{
	return a <= end - 1 && start <= a + a_size - 1;
}

/* Does the live walk of its first IOVA still go through this table? */
static bool ptlab_dev_table_live(struct ptlab_dev *dev,
				 const struct ptlab_tlb_table *t)
{
	struct ptlab_hw_xlate live;
	unsigned int i;

	ptlab_dev_walk_live(dev, t->iova, &live);
	for (i = 0; i < live.nr; i++)
		if (live.entry_level[i] == t->level && live.table_pa[i] == t->pa)
			return true;
	return false;
}

/**
 * struct ptlab_dev_cmd - what one invalidation command of the hardware drops
 * @start: first IOVA
 * @end: one past the last (0: the end of the address space)
 * @all: everything, whatever the range
 * @walk: the walk caches too, not only the leaves
 */
struct ptlab_dev_cmd {
	u64 start;
	u64 end;
	bool all;
	bool walk;
};

/* The naturally aligned power of two, at least @min bytes, around a range. */
static void ptlab_dev_pow2(struct ptlab_dev_cmd *c, u64 min)
{
	u64 last = c->end - 1;
	unsigned int bits = fls64(c->start ^ last);
	u64 size = bits >= 64 ? 0 : 1ULL << bits;

	if (size && size < min)
		size = min;
	if (!size) {
		c->all = true;
		return;
	}
	c->start &= ~(size - 1);
	c->end = c->start + size;
}

/*
 * The command a driver of the format's hardware issues for a flush, and
 * what it drops. In checking mode: exactly the range flushed.
 */
static void ptlab_dev_command(struct ptlab_dev *dev,
			      const struct ptlab_inval *inv, bool exact,
			      struct ptlab_dev_cmd *c)
{
	*c = (struct ptlab_dev_cmd){
		.start = inv->start, .end = inv->end, .all = inv->all,
		.walk = true,
	};
	if (c->all || exact || inv->start == inv->end)
		return;
	switch (dev->geom.format) {
	case PTLAB_FMT_ARM64_LPAE_S1:
	case PTLAB_FMT_ARM64_LPAE_S2:
	case PTLAB_FMT_APPLE_UAT:
		/*
		 * SMMUv3 CMD_TLBI_NH_VA / CMD_TLBI_S2_IPA per granule or by
		 * range: exactly the range; Leaf = 1 when only leaves
		 * changed, which keeps the walk caches (Linux's
		 * arm_smmu_tlb_inv_range_domain(), leaf for tlb_add_page,
		 * not for tlb_flush_walk). UAT: taken as Arm's TLBI by VA.
		 */
		c->walk = !inv->leaf;
		break;
	case PTLAB_FMT_X86_64:
	case PTLAB_FMT_VTD_SS:
		/*
		 * VT-d page-selective(-within-PASID) invalidation: 2^AM pages
		 * aligned to their size (VT-d 6.5.2.3, Linux's
		 * calculate_psi_aligned_address()); beyond MAMV, taken as
		 * 18 as QEMU's model has it, the whole domain.
		 */
		ptlab_dev_pow2(c, 4096);
		if (!c->all && c->end - c->start > 4096ULL << 18)
			c->all = true;
		break;
	case PTLAB_FMT_AMD_V1:
		/*
		 * INVALIDATE_IOMMU_PAGES with S = 1: a naturally aligned
		 * power of two; PDE = 1 (Linux's build_inv_address()), all
		 * pages beyond 2^52.
		 */
		ptlab_dev_pow2(c, 4096);
		if (!c->all && c->end - c->start > 1ULL << 52)
			c->all = true;
		break;
	case PTLAB_FMT_RISCV:
		/*
		 * IOTINVAL.VMA with AV = 1 per 4K address, or without an
		 * address above 2 MiB (Linux's riscv_iommu_iotlb_inval(),
		 * RISCV_IOMMU_IOTLB_INVAL_LIMIT).
		 */
		if (c->end - c->start > (2ULL << 20))
			c->all = true;
		break;
	case PTLAB_FMT_ARM_MALI_LPAE:
		/*
		 * AS_COMMAND_LOCK on a naturally aligned power-of-two region
		 * of at least 32K, then FLUSH_PT (Linux's panfrost
		 * lock_region(), AS_LOCK_REGION_MIN_SIZE).
		 */
		ptlab_dev_pow2(c, 1ULL << 15);
		break;
	case PTLAB_FMT_APPLE_DART:
		/* The stream's whole TLB (Linux's apple_dart_hw_invalidate_tlb()). */
		c->all = true;
		break;
	default:
		/* v7s (MediaTek): the range registers, exactly the range. */
		break;
	}
}

/* struct ptlab_as_watcher.flush: the invalidation, then the check. */
static void ptlab_dev_flush(struct ptlab_as_watcher *w,
			    const struct ptlab_inval *inv)
{
	struct ptlab_dev *dev = container_of(w, struct ptlab_dev, watcher);
	bool noinval = READ_ONCE(dev->no_invalidate);
	bool check = READ_ONCE(dev->check);
	struct ptlab_hw_xlate x, live;
	struct ptlab_tlb_table *t;
	struct ptlab_tlb_leaf *e;
	struct ptlab_dev_cmd c;
	/* Tables freed with no leaf removed: only the walk caches' check. */
	bool none = !inv->all && inv->start == inv->end;
	unsigned int i;

	ptlab_dev_command(dev, inv, check, &c);
	spin_lock(&dev->lock);
	dev->stats.invalidations++;
	if (c.all && !noinval)
		dev->stats.inval_all++;
	for (i = 0; i < dev->nr_leaf && !none; i++) {
		e = &dev->leaf[i];
		if (!e->size || !(c.all || ptlab_overlaps(e->iova, e->size,
							  c.start, c.end)))
			continue;
		if (!noinval) {
			if (!inv->all && !ptlab_overlaps(e->iova, e->size,
							 inv->start, inv->end))
				dev->stats.dropped_wider++;
			e->size = 0;
			dev->stats.dropped++;
			continue;
		}
		if (!check || inv->all ||
		    !ptlab_overlaps(e->iova, e->size, inv->start, inv->end))
			continue;
		x = (struct ptlab_hw_xlate){
			.iova = e->iova, .pa = e->pa, .size = e->size,
			.perm = { e->perm[0], e->perm[1] }, .level = e->level,
		};
		ptlab_dev_walk_live(dev, e->iova, &live);
		/* A clean leaf cached dirty would take writes unrecorded. */
		if (!ptlab_dev_same(e->iova, &x, &live) ||
		    (e->dirty && !ptlab_hw_write_dirty(&dev->geom,
						       live.entries[live.nr - 1])))
			ptlab_dev_stale(dev, e->iova, 0, &x, &live);
	}
	/* Tables: invalidated in range, and dropped wherever they went stale. */
	for (i = 0; i < dev->nr_table; i++) {
		t = &dev->table[i];
		if (!t->span)
			continue;
		if (!noinval && !none && c.walk &&
		    (c.all || ptlab_overlaps(t->iova, t->span, c.start, c.end))) {
			t->span = 0;
			dev->stats.dropped++;
			continue;
		}
		if (ptlab_dev_table_live(dev, t))
			continue;
		t->span = 0;
		dev->stats.dropped++;
		dev->stats.stale++;
	}
	spin_unlock(&dev->lock);
}

/* --- debugfs ----------------------------------------------------------- */

static const char *const ptlab_fault_names[] = {
	[0] = "none",
	[PTLAB_FAULT_TRANSLATION] = "translation",
	[PTLAB_FAULT_PERMISSION] = "permission",
	[PTLAB_FAULT_ADDR_SIZE] = "address-size",
	[PTLAB_FAULT_ACCESS] = "access-flag",
	[PTLAB_FAULT_EXTERNAL] = "external",
	[PTLAB_FAULT_STALE] = "stale",
};

static int ptlab_dev_iotlb_show(struct seq_file *m, void *unused)
{
	struct ptlab_dev *dev = m->private;
	struct ptlab_dev_stats s;
	unsigned int i, leaves = 0, tables = 0;

	spin_lock(&dev->lock);
	s = dev->stats;
	for (i = 0; i < dev->nr_leaf; i++)
		leaves += !!dev->leaf[i].size;
	for (i = 0; i < dev->nr_table; i++)
		tables += !!dev->table[i].span;
	spin_unlock(&dev->lock);
	seq_printf(m, "leaf_entries %u/%u\nwalk_entries %u/%u\n", leaves,
		   dev->nr_leaf, tables, dev->nr_table);
	seq_printf(m, "hits %llu\nmisses %llu\nwalks %llu\ninvalidations %llu\ndropped %llu\nfaults %llu\nstale %llu\n",
		   s.hits, s.misses, s.walks, s.invalidations, s.dropped,
		   s.faults, s.stale);
	seq_printf(m, "inval_all %llu\ndropped_wider %llu\naccess_updates %llu\ndirty_updates %llu\n",
		   s.inval_all, s.dropped_wider, s.access_updates,
		   s.dirty_updates);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ptlab_dev_iotlb);

/*
 * The queue as it is, oldest first; reading it here drains nothing. As in
 * the other debugfs files, addresses follow the reader's CAP_SYS_ADMIN too.
 */
static int ptlab_dev_faults_show(struct seq_file *m, void *unused)
{
	bool show_pa = file_ns_capable(m->file, &init_user_ns, CAP_SYS_ADMIN);
	struct ptlab_dev *dev = m->private;
	struct ptlab_fault *q;
	unsigned int i, n;
	u32 overflow;

	q = kmalloc_array(PTLAB_DEV_MAX_FAULTS, sizeof(*q), GFP_KERNEL);
	if (!q)
		return -ENOMEM;
	spin_lock(&dev->lock);
	n = dev->queued;
	overflow = dev->overflow;
	for (i = 0; i < n; i++)
		q[i] = dev->queue[(dev->head + i) % PTLAB_DEV_MAX_FAULTS];
	spin_unlock(&dev->lock);
	seq_printf(m, "# queued %u overflow %u\n", n, overflow);
	for (i = 0; i < n; i++)
		seq_printf(m, "%s iova 0x%llx access 0x%x level %u entry 0x%llx cached_pa 0x%llx table_pa 0x%llx\n",
			   ptlab_fault_names[q[i].kind], q[i].iova, q[i].access,
			   q[i].level, show_pa ? q[i].entry : 0,
			   show_pa ? q[i].cached_pa : 0,
			   show_pa ? q[i].table_pa : 0);
	kfree(q);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ptlab_dev_faults);

/* --- lifetime ----------------------------------------------------------- */

static void ptlab_dev_release(struct kref *ref)
{
	struct ptlab_dev *dev = container_of(ref, struct ptlab_dev, ref);

	/* Waits for debugfs readers; none can start afterwards. */
	debugfs_remove(dev->dir);
	if (dev->as)
		ptlab_as_detach(dev->as, &dev->watcher);
	if (dev->id)
		ida_free(&ptlab_dev_ids, dev->id);
	kvfree(dev->leaf);
	kvfree(dev->table);
	kfree(dev);
}

static void ptlab_dev_put(struct ptlab_dev *dev)
{
	kref_put(&dev->ref, ptlab_dev_release);
}

static struct ptlab_dev *ptlab_dev_get(struct ptlab_ctx *ctx, u32 id)
{
	struct ptlab_dev *dev;

	xa_lock(&ctx->devices);
	dev = xa_load(&ctx->devices, id);
	if (dev)
		kref_get(&dev->ref);
	xa_unlock(&ctx->devices);
	return dev;
}

static void *ptlab_dev_zalloc(size_t n, size_t size)
{
	return ptlab_should_fail() ? NULL :
	       kvcalloc(n, size, GFP_KERNEL_ACCOUNT);
}

/**
 * ptlab_dev_create() - a device attached to an address space of a file
 * @ctx: the open file
 * @as_id: the address space
 * @flags: PTLAB_DEV_*
 * @iotlb_entries: leaf cache entries, 0 for the default
 * @debugfs_parent: where its directory goes
 *
 * The device is complete and attached, but not in @ctx: the caller reports
 * its id, then publishes it with ptlab_dev_publish(), or gives it up with
 * ptlab_dev_abandon().
 *
 * Return: the device; ERR_PTR(-EOPNOTSUPP) for unknown flags, -EINVAL for
 * sizes, -ENOENT for @as_id, -ENOSPC beyond max_devices, -ENOMEM.
 */
struct ptlab_dev *ptlab_dev_create(struct ptlab_ctx *ctx, u32 as_id,
				   u32 flags, u32 iotlb_entries,
				   struct dentry *debugfs_parent)
{
	struct ptlab_dev *dev;
	u64 root_pa;
	struct pt_hw_regs regs;
	char name[16];
	int id, ret;

	if (flags & ~PTLAB_DEV_FLAGS)
		return ERR_PTR(-EOPNOTSUPP);
	if (iotlb_entries > PTLAB_DEV_IOTLB_MAX)
		return ERR_PTR(-EINVAL);
	if (!iotlb_entries)
		iotlb_entries = PTLAB_DEV_IOTLB_DEFAULT;
	if (atomic_inc_return(&ctx->nr_devices) > max_devices) {
		atomic_dec(&ctx->nr_devices);
		return ERR_PTR(-ENOSPC);
	}
	dev = ptlab_should_fail() ? NULL : kzalloc(sizeof(*dev), GFP_KERNEL_ACCOUNT);
	if (!dev) {
		ret = -ENOMEM;
		goto out_count;
	}
	kref_init(&dev->ref);
	spin_lock_init(&dev->lock);
	mutex_init(&dev->drain);
	dev->watcher.flush = ptlab_dev_flush;
	dev->show_pa = ctx->show_pa;
	dev->check = flags & PTLAB_DEV_CHECK;
	dev->no_invalidate = flags & PTLAB_DEV_NO_INVALIDATE;
	dev->nr_leaf = iotlb_entries;
	dev->nr_table = max(iotlb_entries / 4, 1U);
	dev->leaf = ptlab_dev_zalloc(dev->nr_leaf, sizeof(*dev->leaf));
	dev->table = dev->leaf ?
		     ptlab_dev_zalloc(dev->nr_table, sizeof(*dev->table)) : NULL;
	id = !dev->table ? -ENOMEM : ptlab_should_fail() ? -ENOMEM :
	     ida_alloc_min(&ptlab_dev_ids, 1, GFP_KERNEL);
	if (id < 0) {
		ret = id;
		goto out_free;
	}
	dev->id = id;
	/* Complete before it is attached: flushes reach it from then on. */
	dev->as = ptlab_as_attach(ctx, as_id, &dev->watcher);
	if (!dev->as) {
		ret = -ENOENT;
		goto out_free;
	}
	/* What the hardware learns: the registers a driver programs. */
	ptlab_as_regs(dev->as, true, &root_pa, &regs);
	ret = ptlab_hw_decode(ptlab_as_format(dev->as), regs.ttbr, regs.tcr,
			      regs.mair, &dev->geom);
	if (WARN_ON_ONCE(ret))
		goto out_free;
	/* x86-64 first stage: A/D updates have no enable bit to decode. */
	if (dev->geom.format == PTLAB_FMT_X86_64 &&
	    ptlab_as_dirty_tracking(dev->as)) {
		dev->geom.ha = true;
		dev->geom.hd = true;
	}
	if (debugfs_parent) {
		snprintf(name, sizeof(name), "dev%u", dev->id);
		dev->dir = debugfs_create_dir(name, debugfs_parent);
		debugfs_create_file("iotlb", 0400, dev->dir, dev,
				    &ptlab_dev_iotlb_fops);
		debugfs_create_file("faults", 0400, dev->dir, dev,
				    &ptlab_dev_faults_fops);
		debugfs_create_bool("check", 0600, dev->dir, &dev->check);
		debugfs_create_bool("no_invalidate", 0600, dev->dir,
				    &dev->no_invalidate);
	}
	return dev;

out_free:
	ptlab_dev_put(dev);
out_count:
	atomic_dec(&ctx->nr_devices);
	return ERR_PTR(ret);
}

/**
 * ptlab_dev_id() - a device's id
 * @dev: the device
 *
 * Return: the id.
 */
u32 ptlab_dev_id(const struct ptlab_dev *dev)
{
	return dev->id;
}

/**
 * ptlab_dev_publish() - make a device created by ptlab_dev_create() usable
 * @ctx: the file it was created for
 * @dev: the device
 */
void ptlab_dev_publish(struct ptlab_ctx *ctx, struct ptlab_dev *dev)
{
	/* The ids are global and unique: the slot is free. */
	if (WARN_ON(xa_insert(&ctx->devices, dev->id, dev, GFP_KERNEL)))
		ptlab_dev_abandon(ctx, dev);
}

/**
 * ptlab_dev_abandon() - undo a ptlab_dev_create() never published
 * @ctx: the file it was created for
 * @dev: the device
 */
void ptlab_dev_abandon(struct ptlab_ctx *ctx, struct ptlab_dev *dev)
{
	atomic_dec(&ctx->nr_devices);
	ptlab_dev_put(dev);
}

/**
 * ptlab_dev_destroy() - remove a device; the last user frees it
 * @ctx: the open file
 * @dev_id: the device
 *
 * Return: 0 or -ENOENT.
 */
int ptlab_dev_destroy(struct ptlab_ctx *ctx, u32 dev_id)
{
	struct ptlab_dev *dev = xa_erase(&ctx->devices, dev_id);

	if (!dev)
		return -ENOENT;
	atomic_dec(&ctx->nr_devices);
	ptlab_dev_put(dev);
	return 0;
}

/**
 * ptlab_dev_destroy_all() - destroy the devices of a closing file
 * @ctx: the open file
 */
void ptlab_dev_destroy_all(struct ptlab_ctx *ctx)
{
	struct ptlab_dev *dev;
	unsigned long id;

	xa_for_each(&ctx->devices, id, dev)
		ptlab_dev_destroy(ctx, id);
}

/* One piece, within one page: translate, check, transfer. */
static u32 ptlab_dev_piece(struct ptlab_dev *dev, u64 iova, void *buf,
			   size_t len, u32 access, int *err)
{
	struct ptlab_range_hold h;
	struct ptlab_fault f = { .iova = iova, .access = access };
	struct ptlab_dev_use use;
	u32 kind;
	u64 pa;

	if (ptlab_as_hold(dev->as, iova, iova + len - 1, &h)) {
		*err = -EINTR;
		return 0;
	}
	kind = ptlab_dev_translate(dev, iova, access, &pa, &use);
	if (!kind) {
		switch (ptlab_as_kind(dev->as, iova)) {
		case PTLAB_PHYS_RAM:
		case PTLAB_PHYS_MMIO:
			kind = PTLAB_FAULT_EXTERNAL;
			f.kind = kind;
			spin_lock(&dev->lock);
			ptlab_dev_queue(dev, &f);
			spin_unlock(&dev->lock);
			break;
		default:
			/* It goes through: the access and dirty updates. */
			ptlab_dev_update(dev, &use, access);
			ptlab_phys_copy(pa, buf, len,
					access & PTLAB_ACCESS_WRITE);
		}
	}
	ptlab_as_unhold(dev->as, &h);
	return kind;
}

/**
 * ptlab_dev_dma() - the device reads or writes through its address space
 * @ctx: the open file
 * @dev_id: the device
 * @access: PTLAB_ACCESS_*: READ or WRITE, with PRIV, and EXEC for reads
 * @iova: first IOVA
 * @uptr: the caller's buffer
 * @length: bytes, at most PTLAB_DEV_MAX_DMA
 * @done: receives the bytes transferred
 * @fault: receives the fault the transfer stopped at, or 0
 *
 * Return: 0; -EIO on a fault; -EINVAL, -ENOENT, -EFAULT, -EINTR, -ENOMEM.
 */
int ptlab_dev_dma(struct ptlab_ctx *ctx, u32 dev_id, u32 access, u64 iova,
		  void __user *uptr, u64 length, u64 *done, u32 *fault)
{
	bool write = access & PTLAB_ACCESS_WRITE;
	struct ptlab_dev *dev;
	size_t len;
	void *buf;
	int err = 0;

	*done = 0;
	*fault = 0;
	if (access & ~(PTLAB_ACCESS_READ | PTLAB_ACCESS_WRITE |
		       PTLAB_ACCESS_EXEC | PTLAB_ACCESS_PRIV) ||
	    !(access & PTLAB_ACCESS_READ) == !write ||
	    (write && (access & PTLAB_ACCESS_EXEC)) ||
	    !length || length > PTLAB_DEV_MAX_DMA || iova + length - 1 < iova)
		return -EINVAL;
	dev = ptlab_dev_get(ctx, dev_id);
	if (!dev)
		return -ENOENT;
	buf = ptlab_should_fail() ? NULL : kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf) {
		ptlab_dev_put(dev);
		return -ENOMEM;
	}
	while (*done < length) {
		u64 at = iova + *done;

		len = min_t(u64, length - *done, PAGE_SIZE - offset_in_page(at));
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
		if (write && copy_from_user(buf, uptr + *done, len)) {
			err = -EFAULT;
			break;
		}
		*fault = ptlab_dev_piece(dev, at, buf, len, access, &err);
		if (*fault || err)
			break;
		if (!write && copy_to_user(uptr + *done, buf, len)) {
			err = -EFAULT;
			break;
		}
		*done += len;
		cond_resched();
	}
	kfree(buf);
	ptlab_dev_put(dev);
	return err ?: *fault ? -EIO : 0;
}

/**
 * ptlab_dev_faults() - read and drain a device's fault queue
 * @ctx: the open file
 * @dev_id: the device
 * @records: where to copy them
 * @max: room at @records
 * @count: receives the records copied
 * @overflow: receives the faults lost since the last read
 *
 * Records are removed only once copied: a failed copy loses none.
 *
 * Return: 0, -ENOENT, -EFAULT or -ENOMEM.
 */
int ptlab_dev_faults(struct ptlab_ctx *ctx, u32 dev_id,
		     struct ptlab_fault __user *records, u32 max, u32 *count,
		     u32 *overflow)
{
	struct ptlab_fault *q;
	struct ptlab_dev *dev;
	unsigned int i, n;
	int ret = 0;

	*count = 0;
	*overflow = 0;
	dev = ptlab_dev_get(ctx, dev_id);
	if (!dev)
		return -ENOENT;
	max = min_t(u32, max, PTLAB_DEV_MAX_FAULTS);
	q = ptlab_should_fail() ? NULL :
	    kmalloc_array(PTLAB_DEV_MAX_FAULTS, sizeof(*q), GFP_KERNEL);
	if (!q) {
		ptlab_dev_put(dev);
		return -ENOMEM;
	}
	mutex_lock(&dev->drain);
	spin_lock(&dev->lock);
	n = min_t(u32, dev->queued, max);
	for (i = 0; i < n; i++)
		q[i] = dev->queue[(dev->head + i) % PTLAB_DEV_MAX_FAULTS];
	spin_unlock(&dev->lock);
	if (n && copy_to_user(records, q, n * sizeof(*q)))
		ret = -EFAULT;
	if (!ret) {
		/* Faults only add: the copied ones are still the oldest. */
		spin_lock(&dev->lock);
		dev->head = (dev->head + n) % PTLAB_DEV_MAX_FAULTS;
		dev->queued -= n;
		*overflow = dev->overflow;
		dev->overflow = 0;
		spin_unlock(&dev->lock);
		*count = n;
	}
	mutex_unlock(&dev->drain);
	kfree(q);
	ptlab_dev_put(dev);
	return ret;
}
