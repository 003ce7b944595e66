// SPDX-License-Identifier: GPL-2.0
/*
 * Host table services for the engine: zeroed aligned tables from the C
 * library or from an arena below 4GB, retired tables held until the
 * operation's flush, removed leaves recorded, and allocation failures on
 * demand.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "harness.h"
#include "host_ops.h"

#define HOST_BUCKETS 4096

#define LOW_ARENA_BYTES		(256UL << 20)
#define LOW_ARENA_LIMIT		BIT_ULL(32)	/* every address below this */

/* The arena, and freed blocks by log2 of their size (the link is in them). */
static char *low_arena;
static size_t low_arena_used;
static void *low_free_lists[64];

static char *low_arena_get(void)
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

/*
 * Tables are aligned to their size and to 64 bytes at least, as the
 * hardware's base registers take them (Arm: a table smaller than 64 bytes
 * is still 64-byte aligned; TTBR holds no lower address bits).
 */
#define HOST_MIN_ALIGN	64

/* A block of @bytes (a power of two), aligned, not zeroed. */
static void *low_get(size_t bytes)
{
	unsigned int order = __builtin_ctzll(bytes);
	size_t align = bytes < HOST_MIN_ALIGN ? HOST_MIN_ALIGN : bytes;
	char *arena = low_arena_get();
	void *table;

	if (low_free_lists[order]) {
		table = low_free_lists[order];
		memcpy(&low_free_lists[order], table, sizeof(void *));
		return table;
	}
	low_arena_used = (low_arena_used + align - 1) & ~(align - 1);
	if (low_arena_used + bytes > LOW_ARENA_BYTES)
		abort();
	table = arena + low_arena_used;
	low_arena_used += bytes;
	return table;
}

static void low_put(void *table, size_t bytes)
{
	unsigned int order = __builtin_ctzll(bytes);

	memcpy(table, &low_free_lists[order], sizeof(void *));
	low_free_lists[order] = table;
}

/* Give a table back to where it came from. */
static void host_release(const struct host_ctx *ctx, void *table,
			 size_t bytes)
{
	if (ctx->low)
		low_put(table, bytes);
	else
		free(table);
}

/* One live table, found by address. */
struct host_table {
	void *table;
	size_t bytes;
	struct host_table *next;
};

static struct host_table **host_bucket(struct host_ctx *ctx,
				       const void *table)
{
	uintptr_t a = (uintptr_t)table;

	return &ctx->buckets[((a >> 5) ^ (a >> 17)) % HOST_BUCKETS];
}

static const struct host_table *host_find(const struct host_ctx *ctx,
					  const void *table)
{
	const struct host_table *t;

	t = *host_bucket((struct host_ctx *)ctx, table);
	while (t && t->table != table)
		t = t->next;
	return t;
}

static void host_track(struct host_ctx *ctx, void *table, size_t bytes)
{
	struct host_table **b = host_bucket(ctx, table);
	struct host_table *t = malloc(sizeof(*t));

	if (!t)
		abort();
	t->table = table;
	t->bytes = bytes;
	t->next = *b;
	*b = t;
	ctx->live_tables++;
}

/* Forget a live table of @bytes; false (and a failure) if there is none. */
static bool host_untrack(struct host_ctx *ctx, void *table, size_t bytes,
			 const char *why)
{
	struct host_table **p = host_bucket(ctx, table);
	struct host_table *t;

	while (*p && (*p)->table != table)
		p = &(*p)->next;
	t = *p;
	if (!CHECK(t, "%s of %p, which is not a live table", why, table))
		return false;
	CHECK(t->bytes == bytes, "%s of %p with %zu bytes, allocated %zu",
	      why, table, bytes, t->bytes);
	*p = t->next;
	free(t);
	ctx->live_tables--;
	return true;
}

static void *host_alloc(void *cookie, size_t bytes)
{
	struct host_ctx *ctx = cookie;
	void *table;

	ctx->alloc_calls++;
	CHECK(bytes >= 8 && !(bytes & (bytes - 1)),
	      "table of %zu bytes is not a power of two", bytes);
	if (ctx->alloc_calls == ctx->fail_at)
		return NULL;
	if (ctx->low)
		table = low_get(bytes);
	else if (posix_memalign(&table, bytes < HOST_MIN_ALIGN ?
				HOST_MIN_ALIGN : bytes, bytes))
		table = NULL;
	if (!table)
		abort();
	memset(table, 0, bytes);
	host_track(ctx, table, bytes);
	ctx->last_table = table;
	ctx->last_bytes = bytes;
	return table;
}

static void host_free(void *cookie, void *table, size_t bytes)
{
	struct host_ctx *ctx = cookie;

	if (host_untrack(ctx, table, bytes, "free")) {
		ctx->freed_unused++;
		host_release(ctx, table, bytes);
	}
}

static struct host_gather *host_gather_of(struct pt_gather *gather)
{
	return container_of(gather, struct host_gather, pt);
}

static void host_retire(struct pt_gather *gather, void *table, size_t bytes)
{
	struct host_gather *g = host_gather_of(gather);
	const struct host_table *t = host_find(g->ctx, table);

	CHECK(t && t->bytes == bytes, "retire of %p (%zu bytes) not live",
	      table, bytes);
	g->retired = th_grow(g->retired, g->nr_retired, &g->max_retired,
			     sizeof(*g->retired));
	g->retired[g->nr_retired].table = table;
	g->retired[g->nr_retired].bytes = bytes;
	g->nr_retired++;
}

/* A run is recorded as its leaves, which is what the tests compare. */
static void host_removed(struct pt_gather *gather, const struct pt_run *run)
{
	struct host_gather *g = host_gather_of(gather);
	u64 off;

	CHECK(run->size && run->pgsize && !(run->size % run->pgsize),
	      "run of 0x%llx bytes in leaves of 0x%llx\n",
	      (unsigned long long)run->size, (unsigned long long)run->pgsize);
	for (off = 0; off < run->size; off += run->pgsize) {
		g->leaves = th_grow(g->leaves, g->nr_leaves, &g->max_leaves,
				    sizeof(*g->leaves));
		g->leaves[g->nr_leaves++] = (struct pt_leaf){
			.iova = run->iova + off, .pa = run->pa + off,
			.size = run->pgsize, .prot = run->prot,
			.level = run->level,
		};
	}
	g->nr_runs++;
}

static void host_cleared(struct pt_gather *gather, u64 iova, u64 size,
			 u64 granule)
{
	struct host_gather *g = host_gather_of(gather);

	g->cleared = (struct host_cleared){ iova, size, granule };
	g->nr_cleared++;
}

const struct pt_table_ops host_table_ops = {
	.alloc = host_alloc,
	.free = host_free,
	.retire = host_retire,
	.removed = host_removed,
	.cleared = host_cleared,
};

void host_ctx_init(struct host_ctx *ctx)
{
	*ctx = (struct host_ctx){};
	ctx->buckets = calloc(HOST_BUCKETS, sizeof(*ctx->buckets));
	if (!ctx->buckets)
		abort();
}

/* Release whatever a failed test left behind (it was reported already). */
void host_ctx_fini(struct host_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < HOST_BUCKETS; i++) {
		while (ctx->buckets[i]) {
			struct host_table *t = ctx->buckets[i];

			ctx->buckets[i] = t->next;
			host_release(ctx, t->table, t->bytes);
			free(t);
		}
	}
	free(ctx->buckets);
	ctx->buckets = NULL;
}

void host_gather_init(struct host_gather *g, struct host_ctx *ctx)
{
	*g = (struct host_gather){ .ctx = ctx };
}

void host_gather_fini(struct host_gather *g)
{
	free(g->retired);
	free(g->leaves);
	*g = (struct host_gather){};
}

u64 host_read_entry(const struct pt_cfg *cfg, const void *table,
		    unsigned int idx)
{
	if (cfg->entry_shift == 2)
		return ((const u32 *)table)[idx];
	return ((const u64 *)table)[idx];
}

static unsigned int host_nr_entries(const struct pt_cfg *cfg,
				    unsigned int level)
{
	return pt_table_bytes(cfg, level) >> cfg->entry_shift;
}

typedef void (*host_table_fn)(void *arg, const void *table,
			      unsigned int level, bool empty);

/*
 * Call @fn for every table reachable from @table, children first, through
 * table_level() where the format skips levels.
 */
static void host_visit(const struct pt_cfg *cfg, const void *table,
		       unsigned int level, host_table_fn fn, void *arg)
{
	const struct pt_format *fmt = cfg->fmt;
	unsigned int idx, nr = host_nr_entries(cfg, level);
	bool empty = true;

	for (idx = 0; idx < nr; idx++) {
		u64 pte = host_read_entry(cfg, table, idx);
		enum pt_entry_kind kind = fmt->kind(cfg, level, pte);
		unsigned int child_level;
		const void *child;

		if (kind != PT_ENTRY_EMPTY)
			empty = false;
		if (kind != PT_ENTRY_TABLE || !level)
			continue;
		/*
		 * A dual entry's word 0 that points into the table pair
		 * word 1 points at (NVIDIA GMMU, mixed): one table, once.
		 */
		if (cfg->lvl[level].dual && cfg->lvl[0].pair && !(idx & 1))
			continue;
		child = pt_phys_to_virt(fmt->entry_pa(cfg, level, pte));
		child_level = fmt->table_level ?
			      fmt->table_level(cfg, level, pte) : level - 1;
		host_visit(cfg, child, child_level, fn, arg);
	}
	fn(arg, table, level, empty);
}

struct host_census {
	const struct pt_space *pt;
	size_t tables;
	size_t empty;
	const struct host_gather *retired;
};

static void host_census_one(void *arg, const void *table, unsigned int level,
			    bool empty)
{
	struct host_census *c = arg;
	const struct host_ctx *ctx = c->pt->cookie;
	const struct host_table *t = host_find(ctx, table);
	size_t i;

	c->tables++;
	if (empty && table != c->pt->root)
		c->empty++;
	CHECK(t && t->bytes == pt_table_bytes(&c->pt->cfg, level),
	      "reachable table %p at level %u is not a live table of %zu bytes",
	      table, level, pt_table_bytes(&c->pt->cfg, level));
	if (!c->retired)
		return;
	for (i = 0; i < c->retired->nr_retired; i++)
		CHECK(c->retired->retired[i].table != table,
		      "retired table %p at level %u is still reachable",
		      table, level);
}

/*
 * Count the tables reachable from the root (the root included) and, in
 * @nr_empty if not NULL, those below the root that hold nothing. Checks
 * that each is a live table of the right size.
 */
size_t host_count_tables(const struct pt_space *pt, size_t *nr_empty)
{
	struct host_census c = { .pt = pt };

	if (pt->root)
		host_visit(&pt->cfg, pt->root, pt->cfg.levels - 1,
			   host_census_one, &c);
	if (nr_empty)
		*nr_empty = c.empty;
	return c.tables;
}

/*
 * The tree holds exactly the live tables, none of them empty but the root
 * (so nothing leaked and nothing is left for hardware to walk in vain).
 */
bool host_check_tree(const struct pt_space *pt, const struct host_ctx *ctx)
{
	size_t empty, tables = host_count_tables(pt, &empty);
	bool ok;

	ok = CHECK(tables == (size_t)ctx->live_tables,
		   "%zu tables reachable, %ld live", tables, ctx->live_tables);
	ok &= CHECK(!empty, "%zu empty tables left in the tree", empty);
	return ok;
}

/* Tables are aligned and of 8 bytes at least: compare words. */
static bool host_all_zero(const void *table, size_t bytes)
{
	const u64 *p = table;
	size_t i;

	for (i = 0; i < bytes / sizeof(*p); i++)
		if (p[i])
			return false;
	return true;
}

/*
 * The operation is over and the IOTLB flushed: free the tables it retired,
 * which must be unlinked and cleared, and forget the leaves it removed.
 */
void host_flush(struct host_gather *g, struct pt_space *pt)
{
	size_t i;

	/* The owner's part of pruning: repeat while the engine asks. */
	while (pt && pt->root && g->pt.prune)
		pt_prune(pt, g->pt.prune_start,
			 g->pt.prune_last - g->pt.prune_start + 1, &g->pt);
	g->pt.prune = false;

	for (i = 0; i < g->nr_retired; i++)
		CHECK(host_all_zero(g->retired[i].table, g->retired[i].bytes),
		      "retired table %p still has entries",
		      g->retired[i].table);
	if (g->ctx->check_unlinked && pt && pt->root && g->nr_retired) {
		struct host_census c = { .pt = pt, .retired = g };

		host_visit(&pt->cfg, pt->root, pt->cfg.levels - 1,
			   host_census_one, &c);
	}
	for (i = 0; i < g->nr_retired; i++)
		if (host_untrack(g->ctx, g->retired[i].table,
				 g->retired[i].bytes, "retire"))
			host_release(g->ctx, g->retired[i].table,
				     g->retired[i].bytes);
	g->nr_retired = 0;
	g->nr_leaves = 0;
}

/*
 * A space of @fmt with @p on fresh host tables (below 4GB if @low) and
 * its gather; false, with a failed check naming @what, if it cannot be
 * made (nothing is left to free then).
 */
bool host_space_new(struct pt_space *pt, struct host_ctx *ctx,
		    struct host_gather *g, const struct pt_format *fmt,
		    const struct pt_params *p, bool low, const char *what)
{
	struct pt_cfg cfg;
	int ret;

	host_ctx_init(ctx);
	ctx->low = low;
	ret = pt_cfg_init(&cfg, fmt, p);
	if (!ret)
		ret = pt_space_init(pt, &cfg, &host_table_ops, ctx);
	if (!CHECK(!ret, "%s: new tree: %s", what, th_errname(ret))) {
		host_ctx_fini(ctx);
		return false;
	}
	host_gather_init(g, ctx);
	return true;
}

/* Destroy the tree; every table, the root included, must be gone after. */
void host_space_free(struct pt_space *pt, struct host_gather *g)
{
	struct host_ctx *ctx = g->ctx;

	pt_space_destroy(pt, &g->pt);
	host_flush(g, pt);
	CHECK(!ctx->live_tables, "%ld tables still live after destroy",
	      ctx->live_tables);
	host_ctx_fini(ctx);
}
