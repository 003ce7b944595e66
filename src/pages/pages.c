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
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/log2.h>
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/page-flags.h>
#include <linux/uaccess.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmstat.h>

#include "common/compat.h"
#include "common/fail.h"
#include "pages/pages.h"

/* Sub-page tables are carved from pages in slots of at least this size. */
#define PTLAB_MIN_SLOT_SHIFT	(PAGE_SHIFT - ilog2(BITS_PER_LONG))

static unsigned int ptlab_slot_shift(size_t bytes)
{
	return max_t(unsigned int, order_base_2(bytes), PTLAB_MIN_SLOT_SHIFT);
}

/**
 * ptlab_table_pool_init() - prepare a pool for one page-table tree
 * @pool: the pool
 */
void ptlab_table_pool_init(struct ptlab_table_pool *pool)
{
	unsigned int i;

	spin_lock_init(&pool->lock);
	for (i = 0; i < ARRAY_SIZE(pool->partial); i++)
		INIT_LIST_HEAD(&pool->partial[i]);
}

static struct page *ptlab_page_alloc(int nid, unsigned int order,
				     unsigned int addr_bits)
{
	gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_ZERO;
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
	mod_lruvec_page_state(page, NR_SECONDARY_PAGETABLE, 1 << order);
	return page;
}

static void ptlab_page_free(struct page *page, unsigned int order)
{
	mod_lruvec_page_state(page, NR_SECONDARY_PAGETABLE, -(1 << order));
	set_page_private(page, 0);
	__free_pages(page, order);
}

/* A slot of a shared page; page->private is the bitmap of used slots. */
static void *ptlab_subtable_alloc(struct ptlab_table_pool *pool, int nid,
				  unsigned int shift, unsigned int addr_bits,
				  long *new_pages)
{
	struct list_head *partial = &pool->partial[shift - PTLAB_MIN_SLOT_SHIFT];
	unsigned int slots = PAGE_SIZE >> shift;
	unsigned long used;
	struct page *page;
	unsigned int slot;

	spin_lock(&pool->lock);
	page = list_first_entry_or_null(partial, struct page, lru);
	if (!page) {
		spin_unlock(&pool->lock);
		page = ptlab_page_alloc(nid, 0, addr_bits);
		if (!page)
			return NULL;
		*new_pages = 1;
		spin_lock(&pool->lock);
		list_add(&page->lru, partial);
	}
	used = page_private(page);
	slot = ffz(used);
	used |= BIT(slot);
	set_page_private(page, used);
	if (used == (slots == BITS_PER_LONG ? ~0UL : BIT(slots) - 1))
		list_del_init(&page->lru);
	spin_unlock(&pool->lock);
	return page_address(page) + (slot << shift);
}

/**
 * ptlab_table_alloc() - allocate a zeroed table owned by the caller's tree
 * @pool: the tree's pool, for tables smaller than a page
 * @nid: NUMA node to allocate on, or NUMA_NO_NODE
 * @bytes: table size, a power of two
 * @addr_bits: the table must lie below 2^@addr_bits
 * @new_pages: receives the pages this allocation added to the tree: a
 *	table smaller than a page usually shares one already held
 *
 * The pages are accounted as secondary page tables (SecPageTables) on their
 * node. A table is aligned to its size; sub-page tables (1 KiB v7s tables)
 * share pages, each page accounted once and freed with its last table.
 *
 * Return: the table's kernel address, or NULL.
 */
void *ptlab_table_alloc(struct ptlab_table_pool *pool, int nid, size_t bytes,
			unsigned int addr_bits, long *new_pages)
{
	unsigned int order = get_order(bytes);
	struct page *page;
	void *table;

	*new_pages = 0;
	if (bytes < PAGE_SIZE) {
		table = ptlab_subtable_alloc(pool, nid, ptlab_slot_shift(bytes),
					     addr_bits, new_pages);
		if (table)
			memset(table, 0, bytes);
		return table;
	}
	page = ptlab_page_alloc(nid, order, addr_bits);
	if (!page)
		return NULL;
	*new_pages = 1L << order;
	return page_address(page);
}

/**
 * ptlab_table_free() - free a table from ptlab_table_alloc()
 * @pool: the pool it came from
 * @table: kernel address of the table
 * @bytes: the size it was allocated with
 *
 * Return: the pages given back: 0 while a shared page holds other tables.
 */
long ptlab_table_free(struct ptlab_table_pool *pool, void *table,
		      size_t bytes)
{
	struct page *page = virt_to_page(table);
	unsigned int shift, slot;
	unsigned long used;

	if (bytes >= PAGE_SIZE) {
		ptlab_page_free(page, get_order(bytes));
		return 1L << get_order(bytes);
	}
	shift = ptlab_slot_shift(bytes);
	slot = offset_in_page(table) >> shift;
	spin_lock(&pool->lock);
	used = page_private(page);
	/* A full page was off the partial list; now it has room again. */
	if (list_empty(&page->lru))
		list_add(&page->lru, &pool->partial[shift - PTLAB_MIN_SLOT_SHIFT]);
	used &= ~BIT(slot);
	set_page_private(page, used);
	if (used) {
		spin_unlock(&pool->lock);
		return 0;
	}
	list_del(&page->lru);
	spin_unlock(&pool->lock);
	ptlab_page_free(page, 0);
	return 1;
}

/**
 * ptlab_retired_init() - an empty list of retired tables
 * @retired: the list
 */
void ptlab_retired_init(struct ptlab_retired *retired)
{
	INIT_LIST_HEAD(&retired->tables);
	retired->nr_subtables = 0;
}

/**
 * ptlab_retired_empty() - does the list hold no table?
 * @retired: the list
 *
 * Return: true if it is empty.
 */
bool ptlab_retired_empty(const struct ptlab_retired *retired)
{
	return list_empty(&retired->tables) && !retired->nr_subtables;
}

/**
 * ptlab_retire_table() - queue an unlinked table to free after the flush
 * @retired: the operation's list
 * @table: kernel address of a table from ptlab_table_alloc()
 * @bytes: its size
 *
 * Whole-page tables are linked through their page's list head, sub-page
 * tables listed in @retired: the table memory itself must stay intact
 * because hardware may walk it until the IOTLB flush.
 *
 * Return: false if @retired has no room for another sub-page table; the
 * caller flushes and calls ptlab_free_retired() first.
 */
bool ptlab_retire_table(struct ptlab_retired *retired, void *table,
			size_t bytes)
{
	if (bytes < PAGE_SIZE) {
		if (retired->nr_subtables == PTLAB_RETIRED_SUBTABLES)
			return false;
		retired->subtables[retired->nr_subtables].table = table;
		retired->subtables[retired->nr_subtables].bytes = bytes;
		retired->nr_subtables++;
		return true;
	}
	list_add_tail(&virt_to_page(table)->lru, &retired->tables);
	set_page_private(virt_to_page(table), get_order(bytes));
	return true;
}

/**
 * ptlab_free_retired() - free the tables of a flushed list
 * @pool: the pool they came from
 * @retired: the list; empty afterwards
 *
 * Return: number of pages given back.
 */
long ptlab_free_retired(struct ptlab_table_pool *pool,
			struct ptlab_retired *retired)
{
	struct page *page, *next;
	long freed = 0;
	unsigned int i;

	list_for_each_entry_safe(page, next, &retired->tables, lru) {
		list_del(&page->lru);
		freed += ptlab_table_free(pool, page_address(page),
					  PAGE_SIZE << page_private(page));
	}
	for (i = 0; i < retired->nr_subtables; i++)
		freed += ptlab_table_free(pool, retired->subtables[i].table,
					  retired->subtables[i].bytes);
	retired->nr_subtables = 0;
	return freed;
}

/**
 * ptlab_pin_user() - pin user pages for DMA and report their addresses
 * @uaddr: page-aligned user address in current->mm
 * @npages: pages wanted
 * @write: the device may write them
 * @pas: receives the physical address of each pinned page
 *
 * The pin fills @pas with page pointers, turned into addresses where they
 * are: no second array, no copy.
 *
 * Return: pages pinned (maybe fewer than @npages) or a negative errno:
 * -EFAULT also for writable shared file mappings, whatever the kernel.
 */
long ptlab_pin_user(unsigned long uaddr, unsigned long npages, bool write,
		    u64 *pas)
{
	unsigned int gup_flags = FOLL_LONGTERM | (write ? FOLL_WRITE : 0);
	struct page **pages = (struct page **)pas;
	long i, pinned;

	BUILD_BUG_ON(sizeof(*pages) != sizeof(*pas));
	if (ptlab_should_fail())
		return -ENOMEM;
	pinned = ptlab_longterm_write_refused(uaddr, npages, write);
	if (pinned)
		return pinned;
	pinned = pin_user_pages_fast(uaddr, npages, gup_flags, pages);
	for (i = 0; i < pinned; i++)
		pas[i] = page_to_phys(pages[i]);
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

/* Is the page of @pfn in the kernel's direct map (memfd_secret's are not)? */
static bool ptlab_pfn_mapped(unsigned long pfn)
{
#ifdef CONFIG_X86
	unsigned int level;
	pte_t *pte = lookup_address((unsigned long)pfn_to_kaddr(pfn), &level);

	return pte && pte_present(*pte);
#else
	/* Readers copy with copy_from_kernel_nofault() all the same. */
	return true;
#endif
}

/*
 * Ordinary RAM: an online page, not reserved (kernel image, firmware
 * tables, memblock), not poisoned, in the direct map.
 */
static bool ptlab_pfn_ordinary(unsigned long pfn)
{
	struct page *page = pfn_to_online_page(pfn);

	return page && !PageReserved(page) && !PageHWPoison(page) &&
	       ptlab_pfn_mapped(pfn);
}

struct ptlab_ram_cover {
	u64 bytes;
};

static int ptlab_ram_piece(struct resource *res, void *arg)
{
	struct ptlab_ram_cover *cover = arg;

	/* The walk hands out disjoint pieces, clipped to the range asked. */
	cover->bytes += resource_size(res);
	return 0;
}

/**
 * ptlab_phys_classify() - the checked borrow's test of a physical range
 * @pa: first physical address, page aligned
 * @size: bytes, a multiple of PAGE_SIZE
 *
 * Counts the bytes that "System RAM" resources (/proc/iomem, at any depth)
 * cover, which reads the same on every kernel, rather than trusting
 * region_intersects(), whose answer for nested resources has changed.
 *
 * Return: PTLAB_MEM_RAM if every page is ordinary RAM (System RAM, online,
 * not reserved, not poisoned, in the direct map); PTLAB_MEM_MMIO if no
 * byte is System RAM; -EINVAL for anything in between.
 */
int ptlab_phys_classify(phys_addr_t pa, u64 size)
{
	struct ptlab_ram_cover cover = {};
	unsigned long pfn;

	walk_iomem_res_desc(IORES_DESC_NONE,
			    IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY, pa,
			    pa + size - 1, &cover, ptlab_ram_piece);
	if (!cover.bytes)
		return PTLAB_MEM_MMIO;
	if (cover.bytes != size)
		return -EINVAL;
	for (pfn = PHYS_PFN(pa); pfn < PHYS_PFN(pa + size); pfn++) {
		if (!ptlab_pfn_ordinary(pfn))
			return -EINVAL;
		cond_resched();
	}
	return PTLAB_MEM_RAM;
}

/**
 * ptlab_phys_read() - copy one page of memory an address space maps
 * @pa: page-aligned physical address
 * @buf: receives PAGE_SIZE bytes
 * @borrowed: the page is not ptlab's to keep (a physical mapping's RAM,
 *	which may have become anything since it was mapped): it is checked
 *	again and read in a way that survives its leaving the direct map.
 *	Otherwise it is pinned or owned (user and firmware memory).
 *
 * Context: for a borrowed page, between ptlab_phys_hold() and
 * ptlab_phys_release().
 *
 * Return: true if @buf holds the page's contents.
 */
bool ptlab_phys_read(phys_addr_t pa, void *buf, bool borrowed)
{
	void *page;

	if (borrowed)
		return ptlab_pfn_ordinary(PHYS_PFN(pa)) &&
		       !copy_from_kernel_nofault(buf, phys_to_virt(pa),
						 PAGE_SIZE);
	page = kmap_local_page(pfn_to_page(PHYS_PFN(pa)));
	memcpy(buf, page, PAGE_SIZE);
	kunmap_local(page);
	return true;
}

/**
 * ptlab_phys_read_entry() - read a table entry as a device's walker does
 * @pa: its physical address, aligned to @bytes
 * @bytes: 4 or 8
 * @val: receives the entry
 *
 * The address comes from table memory, which a bug (or a stale cache) may
 * fill with anything: only ordinary RAM is read, and a page that left the
 * direct map meanwhile fails the read instead of the kernel.
 *
 * Context: any, also atomic.
 *
 * Return: true if *@val holds the entry.
 */
bool ptlab_phys_read_entry(phys_addr_t pa, unsigned int bytes, u64 *val)
{
	u32 v32;

	if ((bytes != 4 && bytes != 8) || !IS_ALIGNED(pa, bytes) ||
	    !pfn_valid(PHYS_PFN(pa)) || !ptlab_pfn_ordinary(PHYS_PFN(pa)))
		return false;
	if (bytes == 4) {
		if (copy_from_kernel_nofault(&v32, phys_to_virt(pa), 4))
			return false;
		*val = v32;
		return true;
	}
	return !copy_from_kernel_nofault(val, phys_to_virt(pa), 8);
}

/**
 * ptlab_phys_cmpxchg_entry() - update a table entry as a device's walker does
 * @pa: its physical address, aligned to @bytes
 * @bytes: 4 or 8
 * @old: the value the update is based on
 * @new: the value to store if the entry still holds @old
 * @seen: receives the value found (@old if the update was made)
 *
 * The hardware's atomic access and dirty updates: the checked borrow of
 * ptlab_phys_read_entry(), then a compare-and-exchange, so that no update
 * of another device or of software cleaning dirty states is lost.
 *
 * Context: any, also atomic; the table is held in the tree by the caller.
 *
 * Return: false if @pa is not ordinary RAM.
 */
bool ptlab_phys_cmpxchg_entry(phys_addr_t pa, unsigned int bytes, u64 old,
			      u64 new, u64 *seen)
{
	void *at;

	if ((bytes != 4 && bytes != 8) || !IS_ALIGNED(pa, bytes) ||
	    !pfn_valid(PHYS_PFN(pa)) || !ptlab_pfn_ordinary(PHYS_PFN(pa)))
		return false;
	at = phys_to_virt(pa);
	if (bytes == 4)
		*seen = cmpxchg((u32 *)at, (u32)old, (u32)new);
	else
		*seen = cmpxchg64((u64 *)at, old, new);
	return true;
}

/**
 * ptlab_phys_copy() - a device's access to memory an address space maps
 * @pa: physical address
 * @buf: the device's side
 * @len: bytes, within one page
 * @to_mem: copy @buf into memory, else memory into @buf
 *
 * Context: the page is pinned or owned (user or firmware memory) for the
 * call: its range is held in the address space.
 */
void ptlab_phys_copy(phys_addr_t pa, void *buf, size_t len, bool to_mem)
{
	void *page = kmap_local_page(pfn_to_page(PHYS_PFN(pa)));
	void *at = page + offset_in_page(pa);

	if (to_mem)
		memcpy(at, buf, len);
	else
		memcpy(buf, at, len);
	kunmap_local(page);
}

/*
 * Memory hot-remove waits for what ptlab does with borrowed RAM: between
 * MEM_GOING_OFFLINE and the end of the offlining the notifier holds the
 * lock that ptlab_phys_hold() takes for reading. Offlining is serialized,
 * so one flag tells whether the notifier holds it.
 */
static DECLARE_RWSEM(ptlab_hotplug_lock);
static bool ptlab_offlining;

static int ptlab_memory_notify(struct notifier_block *nb,
			       unsigned long action, void *arg)
{
	switch (action) {
	case MEM_GOING_OFFLINE:
		if (down_write_killable(&ptlab_hotplug_lock))
			return notifier_from_errno(-EINTR);
		ptlab_offlining = true;
		break;
	case MEM_OFFLINE:
	case MEM_CANCEL_OFFLINE:
		if (ptlab_offlining) {
			ptlab_offlining = false;
			up_write(&ptlab_hotplug_lock);
		}
		break;
	}
	return NOTIFY_OK;
}

static struct notifier_block ptlab_memory_nb = {
	.notifier_call = ptlab_memory_notify,
};

/**
 * ptlab_phys_hold() - keep memory from going offline
 *
 * Around the classification of a physical range and what relies on it.
 */
void ptlab_phys_hold(void)
{
	down_read(&ptlab_hotplug_lock);
}

/**
 * ptlab_phys_release() - end a ptlab_phys_hold()
 */
void ptlab_phys_release(void)
{
	up_read(&ptlab_hotplug_lock);
}

/**
 * ptlab_pages_init() - start watching memory hotplug
 *
 * Return: 0 or a negative errno.
 */
int ptlab_pages_init(void)
{
	return register_memory_notifier(&ptlab_memory_nb);
}

/**
 * ptlab_pages_exit() - stop watching memory hotplug
 */
void ptlab_pages_exit(void)
{
	unregister_memory_notifier(&ptlab_memory_nb);
}
