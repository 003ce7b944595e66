/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Table services for host tests of formats whose entries hold narrow
 * physical addresses: Armv7 short descriptors (32 bits), Apple DART (36 or
 * 42 bits) and UAT (36 to 42 bits). On the host a table's "physical"
 * address is its user address (pt_env.h), which the C library's heap puts
 * far above those limits, so these tables come from one arena mapped in the
 * low 2GB instead.
 *
 * The bookkeeping follows host_ops.c: live tables, tables retired by an
 * operation and freed by low_flush() (which checks that they are clear and
 * no longer reachable), the leaves an operation removed, and an allocation
 * failure at the Nth call. One struct low_space is the engine's cookie and
 * gather at once. Everything is static inline so that each test includes
 * only what it uses.
 */
#ifndef PTLAB_HOST_LOW_TABLES_H
#define PTLAB_HOST_LOW_TABLES_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "harness.h"
#include "pt_engine.h"

#define LOW_ARENA_BYTES		(256UL << 20)
#define LOW_ARENA_LIMIT		BIT_ULL(32)	/* every address below this */

struct low_block {
	void *table;
	size_t bytes;
};

/**
 * struct low_space - a tree, its owner and its gather
 * @pt: the tree
 * @live: tables allocated and not yet freed (retired ones until the flush)
 * @alloc_calls: calls to ->alloc() so far, failed ones included
 * @fail_at: the value of @alloc_calls at which ->alloc() fails, 0 for never
 * @tables: the live tables
 * @retired: tables the current operation retired
 * @leaves: leaves the current operation removed
 */
struct low_space {
	struct pt_space pt;
	long live;
	unsigned long alloc_calls;
	unsigned long fail_at;
	struct low_block *tables;
	size_t nr_tables;
	struct low_block *retired;
	size_t nr_retired;
	struct pt_leaf *leaves;
	size_t nr_leaves;
};

/* The arena, and freed blocks by log2 of their size (the link is in them). */
static char *low_arena;
static size_t low_arena_used;
static void *low_free_lists[64];

static inline void *low_grow(void *array, size_t nr, size_t size)
{
	void *p = realloc(array, (nr + 1) * size);

	if (!p)
		abort();
	return p;
}

static inline char *low_arena_get(void)
{
	void *p;

	if (low_arena)
		return low_arena;
#ifdef MAP_32BIT
	p = mmap(NULL, LOW_ARENA_BYTES, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_32BIT, -1, 0);
#else
	p = mmap((void *)(uintptr_t)0x40000000, LOW_ARENA_BYTES,
		 PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
#endif
	if (p == MAP_FAILED ||
	    (uintptr_t)p + LOW_ARENA_BYTES > LOW_ARENA_LIMIT) {
		printf("# no memory below 4GB for tables\n");
		abort();
	}
	low_arena = p;
	return low_arena;
}

static inline void *low_alloc(void *cookie, size_t bytes)
{
	struct low_space *s = cookie;
	unsigned int order = __builtin_ctzll(bytes);
	char *arena = low_arena_get();
	void *table;

	s->alloc_calls++;
	CHECK(bytes >= 8 && !(bytes & (bytes - 1)),
	      "table of %zu bytes is not a power of two", bytes);
	if (s->alloc_calls == s->fail_at)
		return NULL;
	if (low_free_lists[order]) {
		table = low_free_lists[order];
		memcpy(&low_free_lists[order], table, sizeof(void *));
	} else {
		low_arena_used = (low_arena_used + bytes - 1) & ~(bytes - 1);
		if (low_arena_used + bytes > LOW_ARENA_BYTES)
			abort();
		table = arena + low_arena_used;
		low_arena_used += bytes;
	}
	memset(table, 0, bytes);
	s->tables = low_grow(s->tables, s->nr_tables, sizeof(*s->tables));
	s->tables[s->nr_tables++] = (struct low_block){ table, bytes };
	s->live++;
	return table;
}

/* Forget a live table; false (and a failure) if it is not one. */
static inline bool low_untrack(struct low_space *s, void *table, size_t bytes,
			       const char *why)
{
	size_t i;

	for (i = 0; i < s->nr_tables; i++) {
		if (s->tables[i].table != table)
			continue;
		CHECK(s->tables[i].bytes == bytes,
		      "%s of %p with %zu bytes, allocated %zu", why, table,
		      bytes, s->tables[i].bytes);
		s->tables[i] = s->tables[--s->nr_tables];
		s->live--;
		memcpy(table, &low_free_lists[__builtin_ctzll(bytes)],
		       sizeof(void *));
		low_free_lists[__builtin_ctzll(bytes)] = table;
		return true;
	}
	return CHECK(false, "%s of %p, which is not a live table", why, table);
}

static inline const struct low_block *low_find(const struct low_space *s,
					       const void *table)
{
	size_t i;

	for (i = 0; i < s->nr_tables; i++)
		if (s->tables[i].table == table)
			return &s->tables[i];
	return NULL;
}

static inline void low_free(void *cookie, void *table, size_t bytes)
{
	low_untrack(cookie, table, bytes, "free");
}

static inline void low_retire(void *gather, void *table, size_t bytes)
{
	struct low_space *s = gather;
	const struct low_block *b = low_find(s, table);

	CHECK(b && b->bytes == bytes, "retire of %p (%zu bytes) not live",
	      table, bytes);
	s->retired = low_grow(s->retired, s->nr_retired, sizeof(*s->retired));
	s->retired[s->nr_retired++] = (struct low_block){ table, bytes };
}

static inline void low_leaf_removed(void *gather, const struct pt_leaf *leaf)
{
	struct low_space *s = gather;

	s->leaves = low_grow(s->leaves, s->nr_leaves, sizeof(*s->leaves));
	s->leaves[s->nr_leaves++] = *leaf;
}

static const struct pt_table_ops low_ops = {
	.alloc = low_alloc,
	.free = low_free,
	.retire = low_retire,
	.leaf_removed = low_leaf_removed,
};

/* A tree in @fmt with @params; returns what pt_cfg_init() did. */
static inline int low_new(struct low_space *s, const struct pt_format *fmt,
			  const struct pt_params *params)
{
	struct pt_cfg cfg;
	int ret;

	*s = (struct low_space){};
	ret = pt_cfg_init(&cfg, fmt, params);
	if (ret)
		return ret;
	return pt_space_init(&s->pt, &cfg, &low_ops, s);
}

/* The census of the tables reachable from @table at @level. */
struct low_census {
	size_t tables;
	size_t empty;
	size_t retired_reachable;
};

static inline void low_visit(const struct low_space *s, const void *table,
			     unsigned int level, struct low_census *c)
{
	const struct pt_cfg *cfg = &s->pt.cfg;
	const struct pt_format *fmt = cfg->fmt;
	size_t idx, nr = pt_table_bytes(cfg, level) >> cfg->entry_shift;
	const struct low_block *b = low_find(s, table);
	bool empty = true;
	size_t i;

	c->tables++;
	CHECK(b && b->bytes == pt_table_bytes(cfg, level),
	      "reachable table %p at level %u is not a live table of %zu bytes",
	      table, level, pt_table_bytes(cfg, level));
	for (i = 0; i < s->nr_retired; i++)
		if (s->retired[i].table == table)
			c->retired_reachable++;
	for (idx = 0; idx < nr; idx++) {
		u64 pte = cfg->entry_shift == 2 ? ((const u32 *)table)[idx] :
			  ((const u64 *)table)[idx];
		enum pt_entry_kind kind = fmt->kind(cfg, level, pte);
		unsigned int child;

		if (kind != PT_ENTRY_EMPTY)
			empty = false;
		if (kind != PT_ENTRY_TABLE || !level)
			continue;
		child = fmt->table_level ? fmt->table_level(cfg, level, pte) :
			level - 1;
		low_visit(s, pt_phys_to_virt(fmt->entry_pa(cfg, level, pte)),
			  child, c);
	}
	if (empty && table != s->pt.root)
		c->empty++;
}

static inline struct low_census low_census(const struct low_space *s)
{
	struct low_census c = {};

	if (s->pt.root)
		low_visit(s, s->pt.root, s->pt.cfg.levels - 1, &c);
	return c;
}

static inline bool low_all_zero(const void *table, size_t bytes)
{
	const unsigned char *p = table;
	size_t i;

	for (i = 0; i < bytes; i++)
		if (p[i])
			return false;
	return true;
}

/*
 * The operation is over and the IOTLB flushed: free the tables it retired,
 * which must be clear and unreachable, and forget the leaves it removed.
 */
static inline void low_flush(struct low_space *s)
{
	size_t i;

	for (i = 0; i < s->nr_retired; i++)
		CHECK(low_all_zero(s->retired[i].table, s->retired[i].bytes),
		      "retired table %p still has entries",
		      s->retired[i].table);
	if (s->nr_retired && s->pt.root)
		CHECK(!low_census(s).retired_reachable,
		      "a retired table is still reachable");
	for (i = 0; i < s->nr_retired; i++)
		low_untrack(s, s->retired[i].table, s->retired[i].bytes,
			    "retire");
	s->nr_retired = 0;
	s->nr_leaves = 0;
}

/* The same, keeping the list of removed leaves for the caller to read. */
static inline void low_flush_keep_leaves(struct low_space *s)
{
	size_t nr = s->nr_leaves;

	low_flush(s);
	s->nr_leaves = nr;
}

/*
 * The tree holds exactly the live tables, none of them empty but the root
 * (nothing leaked, nothing left for the hardware to walk in vain).
 */
static inline bool low_check_tree(const struct low_space *s)
{
	struct low_census c = low_census(s);
	bool ok;

	ok = CHECK(c.tables == (size_t)s->live, "%zu tables reachable, %ld live",
		   c.tables, s->live);
	ok &= CHECK(!c.empty, "%zu empty tables left in the tree", c.empty);
	return ok;
}

/* Destroy the tree; every table, the root included, must be gone after. */
static inline void low_destroy(struct low_space *s)
{
	pt_space_destroy(&s->pt, s);
	low_flush(s);
	CHECK(!s->live, "%ld tables still live after destroy", s->live);
	while (s->nr_tables) {
		struct low_block b = s->tables[0];

		low_untrack(s, b.table, b.bytes, "cleanup");
	}
	free(s->tables);
	free(s->retired);
	free(s->leaves);
	*s = (struct low_space){};
}

#endif /* PTLAB_HOST_LOW_TABLES_H */
