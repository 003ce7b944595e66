/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page ownership: the only part of ptlab that touches struct page. Table
 * memory, pinned user memory and borrowed physical memory are known to the
 * rest of the module by address alone.
 */
#ifndef PTLAB_PAGES_H
#define PTLAB_PAGES_H

#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>

/* Sub-page tables a struct ptlab_retired holds before an early flush. */
#define PTLAB_RETIRED_SUBTABLES 16

/* What a physical range is (ptlab_phys_classify()). */
#define PTLAB_MEM_RAM	1
#define PTLAB_MEM_MMIO	2

/**
 * struct ptlab_table_pool - pages shared by one tree's sub-page tables
 * @lock: protects @partial and the slot bitmaps of its pages
 * @partial: per slot size (64 bytes to half a page), pages with free slots
 */
struct ptlab_table_pool {
	spinlock_t lock;	/* @partial and the slot bitmaps */
	struct list_head partial[PAGE_SHIFT - 6];
};

/**
 * struct ptlab_retired - tables unlinked from a tree, freed after the flush
 * @tables: whole-page tables, linked through their pages
 * @subtables: sub-page tables
 * @nr_subtables: entries used in @subtables
 *
 * The table memory itself stays intact until it is freed: hardware may walk
 * it until the IOTLB flush.
 */
struct ptlab_retired {
	struct list_head tables;
	struct {
		void *table;
		size_t bytes;
	} subtables[PTLAB_RETIRED_SUBTABLES];
	unsigned int nr_subtables;
};

void ptlab_table_pool_init(struct ptlab_table_pool *pool);
void *ptlab_table_alloc(struct ptlab_table_pool *pool, int nid, size_t bytes,
			unsigned int addr_bits, long *new_pages);
long ptlab_table_free(struct ptlab_table_pool *pool, void *table,
		      size_t bytes);
void ptlab_retired_init(struct ptlab_retired *retired);
bool ptlab_retired_empty(const struct ptlab_retired *retired);
bool ptlab_retire_table(struct ptlab_retired *retired, void *table,
			size_t bytes);
long ptlab_free_retired(struct ptlab_table_pool *pool,
			struct ptlab_retired *retired);
long ptlab_pin_user(unsigned long uaddr, unsigned long npages, bool write,
		    u64 *pas);
void ptlab_unpin_user(phys_addr_t pa, u64 size, bool dirty);
int ptlab_phys_classify(phys_addr_t pa, u64 size);
bool ptlab_phys_read(phys_addr_t pa, void *buf, bool borrowed);
bool ptlab_phys_read_entry(phys_addr_t pa, unsigned int bytes, u64 *val);
bool ptlab_phys_cmpxchg_entry(phys_addr_t pa, unsigned int bytes, u64 old,
			      u64 new, u64 *seen);
void ptlab_phys_copy(phys_addr_t pa, void *buf, size_t len, bool to_mem);
void ptlab_phys_hold(void);
void ptlab_phys_release(void);
int ptlab_pages_init(void);
void ptlab_pages_exit(void);

#endif /* PTLAB_PAGES_H */
