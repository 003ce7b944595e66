/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host implementations of the services a page-table tree's owner gives the
 * engine (struct pt_table_ops), with the bookkeeping the tests check:
 * every table allocated, freed, retired and still live; every leaf removed;
 * an allocation failure injected at the Nth call. Tables come from the C
 * library, or for formats whose entries hold narrow physical addresses
 * from an arena below 4GB (see struct host_ctx).
 */
#ifndef PTLAB_HOST_OPS_H
#define PTLAB_HOST_OPS_H

#include "fmt/pt_formats.h"

struct host_table;

/**
 * struct host_ctx - the owner of one tree (the engine's @cookie)
 * @live_tables: tables allocated and not yet freed (retired ones included
 *	until their flush)
 * @alloc_calls: calls to ->alloc() so far, failed ones included
 * @fail_at: the value of @alloc_calls at which ->alloc() fails, 0 for never
 * @freed_unused: tables given back through ->free()
 * @check_unlinked: at each flush, check that no retired table is still
 *	reachable from the root (a full tree walk, so off by default)
 * @low: take tables from one arena mapped in the low 2GB rather than from
 *	the C library: on the host a table's "physical" address is its user
 *	address (pt_env.h), which the heap puts far above what Armv7 short
 *	descriptors (32 bits), Apple DART (36 or 42) and UAT (36 to 42) hold.
 *	Set it before the first allocation.
 * @last_table: the table the last successful ->alloc() returned
 * @last_bytes: its size
 * @buckets: live tables by address, for size and double-free checks
 */
struct host_ctx {
	long live_tables;
	unsigned long alloc_calls;
	unsigned long fail_at;
	unsigned long freed_unused;
	bool check_unlinked;
	bool low;
	void *last_table;
	size_t last_bytes;
	struct host_table **buckets;
};

/**
 * struct host_gather - what one operation hands back to the owner
 * @pt: the engine's part: its prune hint
 * @ctx: the owner
 * @retired: tables unlinked by the operation, freed by host_flush()
 * @nr_retired: entries used in @retired
 * @max_retired: entries allocated in @retired
 * @leaves: leaves removed by the operation, in the order reported
 * @nr_leaves: entries used in @leaves
 * @max_leaves: entries allocated in @leaves
 * @nr_runs: runs reported through ->removed(), each recorded as its leaves
 * @cleared: ranges reported through ->cleared(), the last of them kept
 * @nr_cleared: how many were reported
 */
struct host_gather {
	struct pt_gather pt;
	struct host_ctx *ctx;
	struct host_retired {
		void *table;
		size_t bytes;
	} *retired;
	size_t nr_retired;
	size_t max_retired;
	struct pt_leaf *leaves;
	size_t nr_leaves;
	size_t max_leaves;
	struct host_cleared {
		u64 iova;
		u64 size;
		u64 granule;
	} cleared;
	size_t nr_cleared;
	size_t nr_runs;
};

extern const struct pt_table_ops host_table_ops;

void host_ctx_init(struct host_ctx *ctx);
void host_ctx_fini(struct host_ctx *ctx);
void host_gather_init(struct host_gather *g, struct host_ctx *ctx);
void host_gather_fini(struct host_gather *g);
void host_flush(struct host_gather *g, struct pt_space *pt);

bool host_space_new(struct pt_space *pt, struct host_ctx *ctx,
		    struct host_gather *g, const struct pt_format *fmt,
		    const struct pt_params *p, bool low, const char *what);
void host_space_free(struct pt_space *pt, struct host_gather *g);

u64 host_read_entry(const struct pt_cfg *cfg, const void *table,
		    unsigned int idx);
size_t host_count_tables(const struct pt_space *pt, size_t *nr_empty);
bool host_check_tree(const struct pt_space *pt, const struct host_ctx *ctx);

#endif /* PTLAB_HOST_OPS_H */
