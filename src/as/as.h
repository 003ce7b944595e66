/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Address spaces: the page-table trees of the open files of /dev/ptlab,
 * with their owner's side of the contract (table memory, pins, flushes,
 * lifetimes, locking). See as.c.
 */
#ifndef PTLAB_AS_H
#define PTLAB_AS_H

#include <linux/debugfs.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/maple_tree.h>
#include <linux/mm_types.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/xarray.h>

#include "as/range_lock.h"
#include "engine/pt_engine.h"
#include "pages/pages.h"
#include "uapi/linux/ptlab.h"

/* Pinned runs gathered at most before an early flush. */
#define PTLAB_GATHER_RUNS 32

/**
 * struct ptlab_gather - what an operation removed, released after its flush
 * @pt: what the engine tells: the prune hint
 * @retired: tables unlinked from the tree
 * @runs: physically contiguous pinned user ranges no longer mapped
 * @nr_runs: entries used in @runs
 * @start: first IOVA of the leaves removed since the last flush
 * @end: one past the last; @start == @end if none
 * @granule: smallest leaf removed since the last flush
 * @all: the address space is being destroyed: flush everything
 * @as: address space being changed
 */
struct ptlab_gather {
	struct pt_gather pt;
	struct ptlab_retired retired;
	struct {
		phys_addr_t pa;
		u64 size;
		bool dirty;
	} runs[PTLAB_GATHER_RUNS];
	unsigned int nr_runs;
	u64 start;
	u64 end;
	u64 granule;
	bool all;
	struct ptlab_as *as;
};

/**
 * struct ptlab_flush_stats - the IOTLB maintenance an address space issued
 * @lock: the last range's three fields change together; flushes of maps
 *	that share the tree can run at the same time
 * @all: flushes of everything (destroy)
 * @range: flushes of an IOVA range with its granule (unmap, failed map)
 * @last_start: first IOVA of the last range flush
 * @last_end: one past its last IOVA
 * @last_granule: its granule
 * @table_pages: table pages freed after a flush (a page shared by sub-page
 *	tables counts when its last table goes)
 */
struct ptlab_flush_stats {
	spinlock_t lock;	/* @last_start, @last_end, @last_granule */
	atomic64_t all;
	atomic64_t range;
	u64 last_start;
	u64 last_end;
	u64 last_granule;
	atomic64_t table_pages;
};

/**
 * struct ptlab_ctx - one open file of /dev/ptlab
 * @spaces: address spaces by id; an id is reserved here before its address
 *	space is complete and stored only once it is (ptlab_as_publish())
 * @nr_spaces: address spaces of the file, bounded by the max_spaces parameter
 * @mm: the opener's mm: only it may map its memory
 * @user: the opener's user, charged for table pages within its
 *	RLIMIT_MEMLOCK, or NULL if the opener had CAP_IPC_LOCK
 * @memcg: the opener's memory cgroup, charged for every allocation
 * @show_pa: the opener had CAP_SYS_ADMIN: physical addresses are shown to
 *	this file (the rule of /proc/PID/pagemap), else they read as zero
 * @devices: simulated devices by id (src/hw), stored once complete
 * @nr_devices: devices of the file, bounded by the max_devices parameter
 */
struct ptlab_ctx {
	struct xarray spaces;
	atomic_t nr_spaces;
	struct mm_struct *mm;
	struct user_struct *user;
	struct mem_cgroup *memcg;
	bool show_pa;
	struct xarray devices;
	atomic_t nr_devices;
};

/**
 * struct ptlab_inval - one IOTLB flush, as a driver would describe it
 * @start: first IOVA
 * @end: one past the last; @start == @end when only tables were freed
 *	outside any leaf removed (a prune), see @leaf
 * @granule: the smallest leaf removed or cleaned
 * @all: everything (the address space is being destroyed)
 * @leaf: only leaves changed, no table was freed: hardware may keep its
 *	walk caches (Arm's TLBI "last level" hint)
 */
struct ptlab_inval {
	u64 start;
	u64 end;
	u64 granule;
	bool all;
	bool leaf;
};

/**
 * struct ptlab_as_watcher - hardware that caches an address space's tables
 * @node: in @watchers of the address space
 * @flush: the IOTLB invalidation the address space issues: after its tables
 *	changed and before what they pointed at, or the tables themselves,
 *	are released, or after dirty states were cleaned (see struct
 *	ptlab_inval). Called under a spinlock: it must not sleep. The range is
 *	held by the caller, so the tables that translate it stay as they are
 *	during the call.
 */
struct ptlab_as_watcher {
	struct list_head node;
	void (*flush)(struct ptlab_as_watcher *w, const struct ptlab_inval *inv);
};

/**
 * struct ptlab_as - one address space
 * @ref: held by the owning context's @spaces and by each ioctl using it
 * @id: globally unique id, also the debugfs directory name
 * @mm: charged for pinned pages (VmPin); held until the last unpin
 * @user: charged for table pages (see struct ptlab_ctx), or NULL
 * @memcg: charged for table pages
 * @ranges: the IOVA ranges operations hold: changes alone, walks and dumps
 *	shared; the pruning of empty tables holds their spans alone
 * @frozen: snapshots in progress; while non-zero nothing changes a mapping
 *	(see ptlab_as_freeze())
 * @thaw: where changes wait for @frozen to drop to zero
 * @freezes: the struct ptlab_freeze of each snapshot in progress
 * @pt: the page-table tree
 * @pool: pages shared by sub-page tables
 * @table_pages: pages of table memory owned
 * @mapped_bytes: bytes mapped
 * @flushes: IOTLB flushes issued
 * @fw: the firmware whose top-level table this space adopted, or NULL
 * @fw_ranges: IOVA ranges declared the firmware's: ptlab stays out
 * @nr_fw_ranges: entries in @fw_ranges
 * @fw_owned: IOVA ranges the firmware populated: their tables are its
 * @nr_fw_owned: entries in @fw_owned
 * @phys: IOVA page frames mapped by PTLAB_IOCTL_MAP_PHYS, valued
 *	xa_mk_value(PTLAB_PHYS_*); everything else is pinned user memory.
 *	Ranges may outlive their mappings: a later user map clears them.
 * @dir: debugfs directory, set by the ioctl layer before publication and
 *	removed by the teardown
 * @watch_lock: protects @watchers
 * @watchers: struct ptlab_as_watcher of the devices attached
 * @nr_devices: devices attached; while non-zero the space cannot be
 *	destroyed (-EBUSY), as iommufd refuses to destroy an IOAS in use
 */
struct ptlab_as {
	struct kref ref;
	u32 id;
	struct mm_struct *mm;
	struct user_struct *user;
	struct mem_cgroup *memcg;
	struct ptlab_range_lock ranges;
	atomic_t frozen;
	wait_queue_head_t thaw;
	struct list_head freezes;
	struct pt_space pt;
	struct ptlab_table_pool pool;
	atomic_long_t table_pages;
	atomic64_t mapped_bytes;
	struct ptlab_flush_stats flushes;
	void *fw;
	struct pt_extent fw_ranges[PTLAB_MAX_FW_RANGES];
	unsigned int nr_fw_ranges;
	struct pt_extent fw_owned[PTLAB_MAX_FW_RANGES];
	unsigned int nr_fw_owned;
	struct maple_tree phys;
	struct dentry *dir;
	spinlock_t watch_lock;	/* @watchers */
	struct list_head watchers;
	atomic_t nr_devices;
};

/**
 * struct ptlab_span - a run of leaves contiguous in IOVA and physical address
 * @iova: first IOVA
 * @pa: first physical address
 * @size: bytes
 * @pgsize: size of its leaves (meaningful when runs split by page size)
 * @prot: PT_PROT_* bits, the same for every leaf
 * @kind: 0 for pinned user memory, else PTLAB_PHYS_RAM, PTLAB_PHYS_MMIO or
 *	PTLAB_KIND_FIRMWARE
 */
struct ptlab_span {
	u64 iova;
	u64 pa;
	u64 size;
	u64 pgsize;
	u32 prot;
	u32 kind;
};

/**
 * struct ptlab_span_walker - visits the runs of an address space in order
 * @visitor: for the engine; set by ptlab_as_spans()
 * @as: set by ptlab_as_spans()
 * @by_pgsize: leaves of different sizes start a new run
 * @by_iova: leaves contiguous in IOVA join a run whatever their physical
 *	addresses, which a caller that may not learn them must not learn
 *	their contiguity from either; the run's @pa is its first leaf's
 * @cur: the run being built
 * @span: called for each run; a non-zero return stops the walk
 */
struct ptlab_span_walker {
	struct pt_run_visitor visitor;
	struct ptlab_as *as;
	bool by_pgsize;
	bool by_iova;
	struct ptlab_span cur;
	int (*span)(struct ptlab_span_walker *walker,
		    const struct ptlab_span *span);
};

int ptlab_as_spans(struct ptlab_as *as, u64 iova,
		   struct ptlab_span_walker *walker);

/**
 * struct ptlab_adopt - a firmware top-level table to build on
 * @root_pa: its physical address
 * @ranges: IOVA ranges the firmware owns
 * @nr_ranges: entries in @ranges
 */
struct ptlab_adopt {
	phys_addr_t root_pa;
	struct pt_extent ranges[PTLAB_MAX_FW_RANGES];
	unsigned int nr_ranges;
};

/**
 * struct ptlab_freeze - one hold of ptlab_as_freeze()
 * @as: the frozen address space; NULL once it is gone (a freeze does not
 *	keep it: destroying it ends every freeze)
 * @node: in @as->freezes
 */
struct ptlab_freeze {
	struct ptlab_as *as;
	struct list_head node;
};

/* Kind of a mapping beyond PTLAB_PHYS_*: owned by adopted firmware. */
#define PTLAB_KIND_FIRMWARE 3

struct ptlab_as *ptlab_as_create(struct ptlab_ctx *ctx,
				 const struct pt_format *fmt,
				 const struct pt_params *params,
				 const struct ptlab_adopt *adopt);
void ptlab_as_publish(struct ptlab_ctx *ctx, struct ptlab_as *as);
void ptlab_as_abandon(struct ptlab_ctx *ctx, struct ptlab_as *as);
int ptlab_as_destroy(struct ptlab_ctx *ctx, u32 id);
struct ptlab_as *ptlab_as_get(struct ptlab_ctx *ctx, u32 id);
void ptlab_as_put(struct ptlab_as *as);
void ptlab_as_destroy_all(struct ptlab_ctx *ctx);
int ptlab_as_freeze(struct ptlab_as *as, struct ptlab_freeze *freeze);
void ptlab_as_thaw(struct ptlab_freeze *freeze);
int ptlab_as_map_user(struct ptlab_as *as, u64 iova, unsigned long uaddr,
		      u64 length, u32 prot, u64 pgsize, u64 *mapped);
int ptlab_as_map_phys(struct ptlab_as *as, u64 iova, phys_addr_t pa,
		      u64 length, u32 prot, u64 pgsize, u64 *mapped, u32 *kind);
int ptlab_as_unmap(struct ptlab_as *as, u64 iova, u64 length, u64 *unmapped);
int ptlab_as_walk(struct ptlab_as *as, u64 iova, bool show_pa,
		  struct pt_walk_result *res);
int ptlab_as_translate(struct ptlab_as *as, u64 iova, u64 *pa);
int ptlab_as_next_leaf(struct ptlab_as *as, u64 iova, bool show_pa,
		       struct pt_walk_result *res);
void ptlab_as_regs(struct ptlab_as *as, bool show_pa, u64 *root_pa,
		   struct pt_hw_regs *regs);
void ptlab_as_show_fdinfo(struct ptlab_ctx *ctx, struct seq_file *m);
struct ptlab_as *ptlab_as_attach(struct ptlab_ctx *ctx, u32 id,
				 struct ptlab_as_watcher *w);
void ptlab_as_detach(struct ptlab_as *as, struct ptlab_as_watcher *w);
int ptlab_as_hold(struct ptlab_as *as, u64 first, u64 last,
		  struct ptlab_range_hold *h);
void ptlab_as_unhold(struct ptlab_as *as, struct ptlab_range_hold *h);
u32 ptlab_as_kind(struct ptlab_as *as, u64 iova);
u32 ptlab_as_format(const struct ptlab_as *as);
bool ptlab_as_dirty_tracking(const struct ptlab_as *as);
int ptlab_as_read_dirty(struct ptlab_as *as, u64 iova, u64 length,
			u64 page_size, bool clear, u64 __user *bitmap,
			u64 bitmap_bytes, u64 *dirty);

#endif /* PTLAB_AS_H */
