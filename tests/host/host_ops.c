// SPDX-License-Identifier: GPL-2.0
/*
 * Host table services for the engine: zeroed aligned tables from the C
 * library, retired tables held until the operation's flush, removed leaves
 * recorded, and allocation failures on demand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "host_ops.h"

#define HOST_BUCKETS 4096

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
	table = aligned_alloc(bytes, bytes);
	if (!table)
		abort();
	memset(table, 0, bytes);
	host_track(ctx, table, bytes);
	return table;
}

static void host_free(void *cookie, void *table, size_t bytes)
{
	struct host_ctx *ctx = cookie;

	if (host_untrack(ctx, table, bytes, "free")) {
		ctx->freed_unused++;
		free(table);
	}
}

static void host_retire(void *gather, void *table, size_t bytes)
{
	struct host_gather *g = gather;
	const struct host_table *t = host_find(g->ctx, table);

	CHECK(t && t->bytes == bytes, "retire of %p (%zu bytes) not live",
	      table, bytes);
	if (g->nr_retired == g->max_retired) {
		g->max_retired = g->max_retired ? 2 * g->max_retired : 64;
		g->retired = realloc(g->retired,
				     g->max_retired * sizeof(*g->retired));
		if (!g->retired)
			abort();
	}
	g->retired[g->nr_retired].table = table;
	g->retired[g->nr_retired].bytes = bytes;
	g->nr_retired++;
}

static void host_leaf_removed(void *gather, const struct pt_leaf *leaf)
{
	struct host_gather *g = gather;

	if (g->nr_leaves == g->max_leaves) {
		g->max_leaves = g->max_leaves ? 2 * g->max_leaves : 256;
		g->leaves = realloc(g->leaves,
				    g->max_leaves * sizeof(*g->leaves));
		if (!g->leaves)
			abort();
	}
	g->leaves[g->nr_leaves++] = *leaf;
}

const struct pt_table_ops host_table_ops = {
	.alloc = host_alloc,
	.free = host_free,
	.retire = host_retire,
	.leaf_removed = host_leaf_removed,
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
			free(t->table);
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

/* Call @fn for every table reachable from @table, children first. */
static void host_visit(const struct pt_cfg *cfg, const void *table,
		       unsigned int level, host_table_fn fn, void *arg)
{
	unsigned int idx, nr = host_nr_entries(cfg, level);
	bool empty = true;

	for (idx = 0; idx < nr; idx++) {
		u64 pte = host_read_entry(cfg, table, idx);
		enum pt_entry_kind kind = cfg->fmt->kind(cfg, level, pte);
		const void *child;

		if (kind != PT_ENTRY_EMPTY)
			empty = false;
		if (kind != PT_ENTRY_TABLE || !level)
			continue;
		child = pt_phys_to_virt(cfg->fmt->entry_pa(cfg, level, pte));
		host_visit(cfg, child, level - 1, fn, arg);
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

static bool host_all_zero(const void *table, size_t bytes)
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
 * which must be unlinked and cleared, and forget the leaves it removed.
 */
void host_flush(struct host_gather *g, const struct pt_space *pt)
{
	size_t i;

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
			free(g->retired[i].table);
	g->nr_retired = 0;
	g->nr_leaves = 0;
}

/* A tree with the given parameters; returns what pt_cfg_init() did. */
int host_space_new(struct pt_space *pt, struct host_ctx *ctx,
		   const struct pt_params *params)
{
	struct pt_cfg cfg;
	int ret;

	host_ctx_init(ctx);
	*pt = (struct pt_space){};
	ret = pt_cfg_init(&cfg, &pt_fmt_arm64_lpae_s1, params);
	if (ret)
		return ret;
	return pt_space_init(pt, &cfg, &host_table_ops, ctx);
}

/* Destroy the tree; every table, the root included, must be gone after. */
void host_space_free(struct pt_space *pt, struct host_gather *g)
{
	struct host_ctx *ctx = g->ctx;

	pt_space_destroy(pt, g);
	host_flush(g, pt);
	CHECK(!ctx->live_tables, "%ld tables still live after destroy",
	      ctx->live_tables);
	host_ctx_fini(ctx);
}
