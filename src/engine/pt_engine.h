/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A format-generic page-table engine: one algorithm for map, unmap, walk,
 * iterate, prune and destroy (pt_alg.h), compiled once per format with the
 * format's entry operations inlined (src/fmt/). A format is reached through
 * its descriptor, struct pt_format: one indirect call per operation, none
 * per entry.
 *
 * Levels are numbered from the last-level table: level 0 holds the smallest
 * pages, level cfg->levels - 1 is the top-level table.
 *
 * The engine takes no locks; its callers own ranges of IOVA instead (the
 * range locks of the address-space layer). An operation that changes
 * mappings must own its range alone; operations on disjoint ranges may run
 * at the same time, and share tables: a table is installed with cmpxchg,
 * and an operation frees a table only if the table's whole span lies within
 * the range it owns alone. Tables an operation leaves empty elsewhere are
 * reported as a prune hint (struct pt_gather) for the owner to free with
 * pt_prune() once it owns their span. Walks and iterations need only that
 * no one changes their range (a shared hold).
 *
 * Long operations (map, unmap) stop with -EINTR, after reporting their
 * progress, when the task has a fatal signal pending.
 */
#ifndef PTLAB_PT_ENGINE_H
#define PTLAB_PT_ENGINE_H

#include "common/pt_env.h"

#define PT_MAX_LEVELS 6

/* Permission bits; the uapi's PTLAB_PROT_* have the same values. */
#define PT_PROT_READ	BIT(0)
#define PT_PROT_WRITE	BIT(1)
#define PT_PROT_EXEC	BIT(2)
#define PT_PROT_PRIV	BIT(3)
#define PT_PROT_CACHE	BIT(4)
#define PT_PROT_MMIO	BIT(5)
#define PT_PROT_ALL	0x3fU

/*
 * Variants of a format chosen at creation (struct pt_params @quirks); the
 * uapi's PTLAB_CREATE_* flags have the same values. See src/fmt/arm_lpae.h
 * and src/fmt/arm_v7s.h for what each changes.
 */
#define PT_QUIRK_ARM_LPA2	BIT(2)	/* FEAT_LPA2 descriptors, TCR.DS = 1 */
#define PT_QUIRK_ARM_TTBR1	BIT(3)	/* the upper, TTBR1 range */
#define PT_QUIRK_ARM_NS		BIT(4)	/* NS and NSTable set */
#define PT_QUIRK_ARM_OUTER_WBWA	BIT(5)	/* walks inner NC, outer WBWA */
#define PT_QUIRK_ARM_S2FWB	BIT(6)	/* stage-2 forced write-back MemAttr */
#define PT_QUIRK_ARM_MTK_EXT	BIT(7)	/* v7s: MediaTek 35-bit addresses */
#define PT_QUIRK_ARM_ALL	0xfcU

enum pt_entry_kind {
	PT_ENTRY_EMPTY,
	PT_ENTRY_TABLE,
	PT_ENTRY_LEAF,
};

/**
 * struct pt_level - geometry of one level
 * @shift: log2 of the IOVA span of one entry
 * @index_bits: log2 of the number of entries in a table of this level
 * @pgsizes: sizes of the leaves the hardware decodes at this level, whether
 *	or not the address space uses them: the span of one entry and, where
 *	the format has them, spans of 2^n consecutive entries that together
 *	form one leaf (Arm contiguous hint, v7s large pages, Svnapot, AMD v1)
 * @dual: each entry is two words (NVIDIA GMMU's dual PDE: a big-page and a
 *	small-page table pointer); the engine sees one word of it, the
 *	format's view (engine/pt_fmt_defaults.h, PT_FMT_DUAL)
 * @pair: a table of this level is two tables allocated together, which
 *	the engine reads and writes through the format's view of one entry
 *	per @shift of IOVA (NVIDIA GMMU's small and big page tables under one
 *	dual PDE, engine/pt_fmt_defaults.h, PT_FMT_DUAL)
 * @table_bytes: bytes allocated for a table of this level when that is not
 *	its entries' size (a power of two, larger): a pointer field that
 *	wants more alignment than the table's size gives, or a @pair;
 *	0 otherwise
 */
struct pt_level {
	u8 shift;
	u8 index_bits;
	bool dual;
	bool pair;
	u32 table_bytes;
	u64 pgsizes;
};

/**
 * struct pt_params - what a user asks for when creating an address space
 * @granule_shift: translation granule, 0 for the format default
 * @ias: input address bits, 0 for the format default
 * @oas: output address bits, 0 for the format default
 * @pgsize_bitmap: page sizes wanted, 0 for all the format offers
 * @quirks: PT_QUIRK_* variants; a format refuses those it does not know
 * @dirty: hardware access and dirty tracking: writable leaves start clean
 *	and the registers enable the hardware's updates; formats without
 *	dirty bits refuse it (-EOPNOTSUPP)
 */
struct pt_params {
	u32 granule_shift;
	u32 ias;
	u32 oas;
	u64 pgsize_bitmap;
	u32 quirks;
	bool dirty;
};

/**
 * struct pt_cfg - the resolved geometry of an address space
 * @fmt: format descriptor
 * @granule_shift: translation granule
 * @ias: input address bits
 * @oas: output address bits
 * @levels: number of levels
 * @entry_shift: log2 of the size of one entry in bytes (3 or 2)
 * @pgsize_bitmap: page sizes the address space maps with, a subset of the
 *	union of @lvl[].pgsizes
 * @prot_mask: PT_PROT_* bits the format can express
 * @table_oas: address bits a table entry (or the root register) can hold
 *	for the next table, if fewer than @oas; 0 means @oas
 * @leaf_linear: a one-entry leaf mapping @pa is the leaf mapping 0 plus
 *	(@pa >> @leaf_oa_shift), for any @pa below 2^oas aligned to the
 *	leaf: the engine then writes leaves as attributes plus address
 * @leaf_oa_shift: how far right the format stores the output address
 * @lvl: per-level geometry, index 0 is the last level
 * @quirks: the PT_QUIRK_* variants the format accepted (all asked for)
 * @iova_base: first IOVA: 0, or 2^64 - 2^ias for an upper (Arm TTBR1)
 *	range, whose IOVAs have every bit above the input size set; table
 *	indices ignore those bits
 * @dirty: dirty tracking is on (struct pt_params)
 */
struct pt_cfg {
	const struct pt_format *fmt;
	u32 granule_shift;
	u32 ias;
	u32 oas;
	u32 levels;
	u32 entry_shift;
	u64 pgsize_bitmap;
	u32 prot_mask;
	u32 table_oas;
	bool leaf_linear;
	u32 leaf_oa_shift;
	struct pt_level lvl[PT_MAX_LEVELS];
	u32 quirks;
	u64 iova_base;
	bool dirty;
};

/* The last IOVA of the input address space. */
static inline u64 pt_iova_last(const struct pt_cfg *cfg)
{
	return cfg->iova_base +
	       (cfg->ias >= 64 ? ~0ULL : (1ULL << cfg->ias) - 1);
}

/**
 * struct pt_hw_regs - what a driver would program into the hardware
 * @ttbr: translation table base
 * @tcr: translation control
 * @mair: memory attributes
 */
struct pt_hw_regs {
	u64 ttbr;
	u64 tcr;
	u64 mair;
};

/**
 * struct pt_leaf - one leaf, as a walk finds it
 * @iova: first IOVA it maps
 * @pa: physical address it maps to
 * @size: bytes it maps
 * @prot: PT_PROT_* bits
 * @level: level of its entries
 */
struct pt_leaf {
	u64 iova;
	u64 pa;
	u64 size;
	u32 prot;
	u32 level;
};

/**
 * struct pt_run - leaves of one size side by side: contiguous in IOVA and
 *	physical address, with the same permissions, in one table
 * @iova: first IOVA
 * @pa: first physical address
 * @size: bytes, a multiple of @pgsize
 * @pgsize: bytes of each leaf
 * @prot: PT_PROT_* bits
 * @level: level of the leaves' entries
 */
struct pt_run {
	u64 iova;
	u64 pa;
	u64 size;
	u64 pgsize;
	u32 prot;
	u32 level;
};

/**
 * struct pt_run_visitor - callback of pt_iterate()
 * @run: called for each run of leaves in IOVA order (a run never spans two
 *	tables); a non-zero return stops the iteration. Embed the visitor in
 *	the caller's state (container_of).
 */
struct pt_run_visitor {
	int (*run)(struct pt_run_visitor *visitor, const struct pt_run *run);
};

/**
 * struct pt_gather - what the engine tells the owner of one operation,
 *	embedded in the owner's own gather
 * @prune: tables in [@prune_start, @prune_last] may have been left empty
 *	where the operation could not free them: the owner frees them with
 *	pt_prune() once it owns that range alone
 * @prune_start: first IOVA of the spans of those tables
 * @prune_last: last IOVA of them
 */
struct pt_gather {
	bool prune;
	u64 prune_start;
	u64 prune_last;
};

/**
 * struct pt_dirty_visitor - callback of pt_read_dirty()
 * @dirty: called for each writable-dirty leaf, in IOVA order, with the
 *	leaf's whole span (it may reach beyond the range asked); a non-zero
 *	return stops the walk. Embed the visitor in the caller's state.
 */
struct pt_dirty_visitor {
	int (*dirty)(struct pt_dirty_visitor *visitor, u64 iova, u64 size);
};

struct pt_space;

/**
 * struct pt_table_ops - memory and invalidation services of the tree's owner
 * @alloc: return a zeroed table of @bytes, aligned to at least @bytes and
 *	below 2^table_oas (see struct pt_cfg), or NULL
 * @free: free a table that was never reachable by hardware
 * @retire: take a table that was unlinked from the tree; the owner frees it
 *	only after the flush that covers it
 * @removed: a run of leaves was cleared; its memory stays in use by the
 *	hardware until the flush, so the owner releases it after that
 * @cleared: optional; entries that hardware may have seen were cleared
 *	without forming a leaf (a map that stopped inside a leaf of several
 *	entries): the range needs the flush all the same
 *
 * The engine calls them per table and per run, never per entry.
 */
struct pt_table_ops {
	void *(*alloc)(void *cookie, size_t bytes);
	void (*free)(void *cookie, void *table, size_t bytes);
	void (*retire)(struct pt_gather *gather, void *table, size_t bytes);
	void (*removed)(struct pt_gather *gather, const struct pt_run *run);
	void (*cleared)(struct pt_gather *gather, u64 iova, u64 size,
			u64 granule);
};

/**
 * struct pt_extent - a range of IOVA
 * @iova: first IOVA
 * @length: bytes
 */
struct pt_extent {
	u64 iova;
	u64 length;
};

/**
 * struct pt_space - one page-table tree
 * @cfg: geometry
 * @root: top-level table
 * @root_borrowed: @root belongs to someone else and is never freed
 * @ops: the owner's services
 * @cookie: passed to @ops->alloc and @ops->free
 * @foreign: IOVA ranges whose leaves and tables belong to someone else
 *	(the firmware whose table was adopted): never removed, never freed
 * @nr_foreign: entries in @foreign
 */
struct pt_space {
	struct pt_cfg cfg;
	void *root;
	bool root_borrowed;
	const struct pt_table_ops *ops;
	void *cookie;
	const struct pt_extent *foreign;
	unsigned int nr_foreign;
};

/**
 * struct pt_map_src - where a map's physical addresses come from
 * @pa: the next physical address
 * @chunk: bytes physically contiguous from @pa
 * @pages: physical addresses of the pages that follow, each @page_size
 *	bytes, or NULL when @pa and @chunk are all
 * @nr_pages: entries in @pages
 * @next: the next entry of @pages to take
 * @page_size: bytes each entry of @pages stands for
 */
struct pt_map_src {
	u64 pa;
	u64 chunk;
	const u64 *pages;
	size_t nr_pages;
	size_t next;
	u64 page_size;
};

/*
 * Words a walk reads at most: one per level, and two more for NVIDIA
 * GMMU's dual PDE and the big page table read before the small one.
 */
#define PT_MAX_WALK_WORDS	(PT_MAX_LEVELS + 2)

/**
 * struct pt_walk_result - what a walk of one IOVA found
 * @leaf: the translation (@leaf.pa includes the offset of the IOVA)
 * @nr_entries: words read, root first
 * @entries: raw value of each word read, as hardware reads them: both
 *	words of a two-word entry, and the big page table's entry before the
 *	small one's where a table pair has both (NVIDIA GMMU)
 * @entry_levels: the level of each word read
 */
struct pt_walk_result {
	struct pt_leaf leaf;
	u32 nr_entries;
	u64 entries[PT_MAX_WALK_WORDS];
	u8 entry_levels[PT_MAX_WALK_WORDS];
};

/**
 * struct pt_ops - the algorithm, compiled for one format (engine/pt_alg.h)
 * @map: see pt_map_src() and pt_map()
 * @unmap: see pt_unmap()
 * @walk: see pt_walk()
 * @iterate: see pt_iterate()
 * @prune: see pt_prune()
 * @destroy: see pt_space_destroy()
 * @read_dirty: see pt_read_dirty(); NULL for formats without dirty bits
 */
struct pt_ops {
	int (*map)(struct pt_space *pt, u64 iova, struct pt_map_src *src,
		   u64 size, u32 prot, u64 pgsizes, struct pt_gather *gather,
		   u64 *mapped);
	int (*unmap)(struct pt_space *pt, u64 iova, u64 size,
		     struct pt_gather *gather, u64 *unmapped);
	int (*walk)(const struct pt_space *pt, u64 iova,
		    struct pt_walk_result *res);
	int (*iterate)(const struct pt_space *pt, u64 first, u64 last,
		       struct pt_run_visitor *visitor);
	void (*prune)(struct pt_space *pt, u64 first, u64 last,
		      struct pt_gather *gather);
	void (*destroy)(struct pt_space *pt, struct pt_gather *gather);
	int (*read_dirty)(struct pt_space *pt, u64 first, u64 last, bool clear,
			  struct pt_dirty_visitor *visitor);
};

/**
 * struct pt_format - one hardware page-table format
 * @name: short name used in dumps
 * @id: enum pt_format_id value (fmt/pt_formats.h)
 * @elf_machine: e_machine of the CPU that walks this format (snapshots),
 *	0 (EM_NONE) for devices that are not a CPU architecture's MMU
 * @ops: the algorithm for this format
 * @init: validate @params and fill @cfg; returns 0, -EINVAL or -EOPNOTSUPP
 * @check_prot: 0 if @prot (already within @cfg->prot_mask) is a valid
 *	combination for the format, else -EINVAL
 * @regs: register values for a tree rooted at @root_pa
 * @mk_table: encode a table entry at @level pointing at @table_pa
 * @mk_leaf: encode one entry at @level of a leaf of @pgsize (one of
 *	@level's pgsizes) with @prot; @pa is the address this entry's own
 *	IOVA span maps to, so entries of one leaf differ only there
 * @kind: classify an entry at @level
 * @entry_pa: for a table entry, the table's address; for a leaf entry, the
 *	physical address of the first byte of the whole leaf
 * @leaf_prot: PT_PROT_* bits of a leaf entry
 * @leaf_size: bytes mapped by the leaf an entry belongs to
 * @table_level: level of the table a table entry points at
 *
 * The entry callbacks are the format's inline operations, as functions for
 * tests and for cold paths; the algorithm itself never calls through them.
 */
struct pt_format {
	const char *name;
	u32 id;
	u16 elf_machine;
	const struct pt_ops *ops;
	int (*init)(struct pt_cfg *cfg, const struct pt_params *params);
	int (*check_prot)(const struct pt_cfg *cfg, u32 prot);
	void (*regs)(const struct pt_cfg *cfg, u64 root_pa,
		     struct pt_hw_regs *regs);
	u64 (*mk_table)(const struct pt_cfg *cfg, unsigned int level,
			u64 table_pa);
	u64 (*mk_leaf)(const struct pt_cfg *cfg, unsigned int level, u64 pa,
		       u64 pgsize, u32 prot);
	enum pt_entry_kind (*kind)(const struct pt_cfg *cfg,
				   unsigned int level, u64 pte);
	u64 (*entry_pa)(const struct pt_cfg *cfg, unsigned int level, u64 pte);
	u32 (*leaf_prot)(const struct pt_cfg *cfg, unsigned int level,
			 u64 pte);
	u64 (*leaf_size)(const struct pt_cfg *cfg, unsigned int level, u64 pte);
	unsigned int (*table_level)(const struct pt_cfg *cfg,
				    unsigned int level, u64 pte);
};

int pt_cfg_init(struct pt_cfg *cfg, const struct pt_format *fmt,
		const struct pt_params *params);
int pt_space_init(struct pt_space *pt, const struct pt_cfg *cfg,
		  const struct pt_table_ops *ops, void *cookie);
void pt_space_adopt(struct pt_space *pt, const struct pt_cfg *cfg,
		    const struct pt_table_ops *ops, void *cookie, void *root,
		    const struct pt_extent *foreign, unsigned int nr_foreign);
void pt_space_destroy(struct pt_space *pt, struct pt_gather *gather);
u64 pt_root_pa(const struct pt_space *pt);
size_t pt_table_bytes(const struct pt_cfg *cfg, unsigned int level);
int pt_check_prot(const struct pt_cfg *cfg, u32 prot);
int pt_check_range(const struct pt_cfg *cfg, u64 iova, u64 size,
		   u64 pgsizes);
int pt_map_src(struct pt_space *pt, u64 iova, struct pt_map_src *src,
	       u64 size, u32 prot, u64 pgsizes, struct pt_gather *gather,
	       u64 *mapped);
int pt_map(struct pt_space *pt, u64 iova, u64 pa, u64 size, u32 prot,
	   u64 pgsizes, struct pt_gather *gather, u64 *mapped);
int pt_unmap(struct pt_space *pt, u64 iova, u64 size,
	     struct pt_gather *gather, u64 *unmapped);
int pt_walk(const struct pt_space *pt, u64 iova,
	    struct pt_walk_result *res);
int pt_iterate(const struct pt_space *pt, u64 iova, u64 size,
	       struct pt_run_visitor *visitor);
void pt_prune(struct pt_space *pt, u64 iova, u64 size,
	      struct pt_gather *gather);
bool pt_range_mapped(const struct pt_space *pt, u64 iova, u64 size);
int pt_read_dirty(struct pt_space *pt, u64 iova, u64 size, bool clear,
		  struct pt_dirty_visitor *visitor);
u64 pt_entry_hide_oa(const struct pt_cfg *cfg, unsigned int level, u64 pte);

#endif /* PTLAB_PT_ENGINE_H */
