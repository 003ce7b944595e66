// SPDX-License-Identifier: GPL-2.0
/*
 * Page ownership: the only part of ptlab that touches struct page.
 *
 * A table page belongs to the page-table tree. It comes from the page
 * allocator, is known by its address once installed, and becomes a page
 * again only to be freed. Its bookkeeping lives in the tree, never in page
 * reference counts. Pinned user memory is likewise known by physical address
 * and turned back into pages only to be unpinned.
 */
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/ioport.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmstat.h>

#include "ptlab.h"

/* Counts allocations down to a forced failure; 0 disarms. */
atomic_t ptlab_fail_nth = ATOMIC_INIT(0);

/**
 * ptlab_should_fail() - fault injection for every allocation ptlab makes
 *
 * Writing N to debugfs ptlab/fail_nth makes the Nth allocation from then on
 * fail, once. The Debian kernels have no CONFIG_FAULT_INJECTION, and tests
 * need to reach every allocation failure path.
 *
 * Return: true if the caller must behave as if its allocation failed.
 */
bool ptlab_should_fail(void)
{
	int old = atomic_read(&ptlab_fail_nth);

	while (old > 0) {
		if (atomic_try_cmpxchg(&ptlab_fail_nth, &old, old - 1))
			return old == 1;
	}
	return false;
}

/**
 * ptlab_table_alloc() - allocate a zeroed table owned by the caller's tree
 * @nid: NUMA node to allocate on, or NUMA_NO_NODE
 * @bytes: table size; smaller tables still take a whole page
 * @addr_bits: the table must lie below 2^@addr_bits
 *
 * The pages are accounted as secondary page tables (SecPageTables).
 *
 * Return: the table's kernel address, or NULL.
 */
void *ptlab_table_alloc(int nid, size_t bytes, unsigned int addr_bits)
{
	gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_ZERO;
	unsigned int order = get_order(bytes);
	struct page *page;

	if (ptlab_should_fail())
		return NULL;
	/* Formats with 32-bit table pointers (v7s) need low memory. */
	if (addr_bits <= 32)
		gfp |= GFP_DMA32;
	page = alloc_pages_node(nid, gfp, order);
	if (!page)
		return NULL;
	if (addr_bits < 64 &&
	    page_to_phys(page) + (PAGE_SIZE << order) > 1ULL << addr_bits) {
		__free_pages(page, order);
		return NULL;
	}
	/* Remember the order for ptlab_gather_free_tables(). */
	set_page_private(page, order);
	mod_lruvec_page_state(page, NR_SECONDARY_PAGETABLE, 1 << order);
	return page_address(page);
}

/**
 * ptlab_table_free() - free a table from ptlab_table_alloc()
 * @table: kernel address of the table
 * @bytes: the size it was allocated with
 */
void ptlab_table_free(void *table, size_t bytes)
{
	struct page *page = virt_to_page(table);
	unsigned int order = get_order(bytes);

	mod_lruvec_page_state(page, NR_SECONDARY_PAGETABLE, -(1 << order));
	set_page_private(page, 0);
	__free_pages(page, order);
}

/**
 * ptlab_gather_table() - queue an unlinked table to free after the flush
 * @gather: the operation's gather
 * @table: kernel address of a table from ptlab_table_alloc()
 *
 * The page's list head links it: the table memory itself must stay intact
 * because hardware may walk it until the IOTLB flush.
 */
void ptlab_gather_table(struct ptlab_gather *gather, void *table)
{
	struct page *page = virt_to_page(table);

	list_add_tail(&page->lru, &gather->tables);
	gather->nr_tables += 1UL << page_private(page);
}

/**
 * ptlab_gather_free_tables() - free the tables of a flushed gather
 * @gather: the gather; its table list is empty afterwards
 *
 * Return: number of pages freed.
 */
unsigned long ptlab_gather_free_tables(struct ptlab_gather *gather)
{
	unsigned long freed = gather->nr_tables;
	struct page *page, *next;

	list_for_each_entry_safe(page, next, &gather->tables, lru) {
		list_del(&page->lru);
		ptlab_table_free(page_address(page),
				 PAGE_SIZE << page_private(page));
	}
	gather->nr_tables = 0;
	return freed;
}

/**
 * ptlab_pin_user() - pin user pages for DMA and report their addresses
 * @uaddr: page-aligned user address in current->mm
 * @npages: pages wanted
 * @write: the device may write them
 * @pas: receives the physical address of each pinned page
 *
 * Return: pages pinned (maybe fewer than @npages) or a negative errno.
 */
long ptlab_pin_user(unsigned long uaddr, unsigned long npages, bool write,
		    phys_addr_t *pas)
{
	unsigned int gup_flags = FOLL_LONGTERM | (write ? FOLL_WRITE : 0);
	struct page **pages;
	long i, pinned;

	if (ptlab_should_fail())
		return -ENOMEM;
	pages = kmalloc_array(npages, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	pinned = pin_user_pages_fast(uaddr, npages, gup_flags, pages);
	for (i = 0; i < pinned; i++)
		pas[i] = page_to_phys(pages[i]);
	kfree(pages);
	return pinned;
}

/**
 * ptlab_unpin_user() - release pins taken by ptlab_pin_user()
 * @pa: physical address of the first page
 * @size: bytes, physically contiguous
 * @dirty: the device may have written them
 */
void ptlab_unpin_user(phys_addr_t pa, u64 size, bool dirty)
{
	unpin_user_page_range_dirty_lock(pfn_to_page(PHYS_PFN(pa)),
					 size >> PAGE_SHIFT, dirty);
}

/**
 * ptlab_phys_classify() - the checked borrow's test of a physical range
 * @pa: first physical address, page aligned
 * @size: bytes, a multiple of PAGE_SIZE
 *
 * Return: PTLAB_PHYS_RAM if every page is ordinary RAM with an online,
 * unreserved struct page; PTLAB_PHYS_MMIO if no byte is System RAM;
 * -EINVAL for anything in between (a mix, reserved or offline memory).
 */
int ptlab_phys_classify(phys_addr_t pa, u64 size)
{
	unsigned long pfn;

	switch (region_intersects(pa, size, IORESOURCE_SYSTEM_RAM,
				  IORES_DESC_NONE)) {
	case REGION_DISJOINT:
		return PTLAB_PHYS_MMIO;
	case REGION_INTERSECTS:
		break;
	default:
		return -EINVAL;
	}
	for (pfn = PHYS_PFN(pa); pfn < PHYS_PFN(pa + size); pfn++) {
		struct page *page = pfn_to_online_page(pfn);

		if (!page || PageReserved(page))
			return -EINVAL;
		cond_resched();
	}
	return PTLAB_PHYS_RAM;
}

/**
 * ptlab_borrow_checked() - read access to a physical page, if it is RAM
 * @pa: physical address of the page
 *
 * Return: a temporary kernel address to release with ptlab_borrow_end(),
 * or NULL when @pa is not ordinary RAM (MMIO, holes, reserved, offline).
 */
void *ptlab_borrow_checked(phys_addr_t pa)
{
	if (ptlab_phys_classify(pa & PAGE_MASK, PAGE_SIZE) != PTLAB_PHYS_RAM)
		return NULL;
	return kmap_local_page(pfn_to_page(PHYS_PFN(pa)));
}

/**
 * ptlab_borrow_end() - end a ptlab_borrow_checked()
 * @addr: what it returned
 */
void ptlab_borrow_end(void *addr)
{
	kunmap_local(addr);
}
