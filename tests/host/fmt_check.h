/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the format tests share: checks of a format's callbacks against
 * golden encodings and parameter tables, and an engine-semantics suite
 * (map, unmap, walk, iterate and table reclaim through one format) in which
 * every walk is checked against the test's own reference walker, written
 * from the format's specification.
 *
 * A test describes its format once (struct fc_fmt): the descriptor, its own
 * decoder or walker of raw entries, and the permission rules as the
 * specification states them.
 */
#ifndef PTLAB_HOST_FMT_CHECK_H
#define PTLAB_HOST_FMT_CHECK_H

#include <linux/ptlab.h>

#include "harness.h"
#include "host_ops.h"
#include "fmt/pt_formats.h"

/* Permissions, short enough for tables of expectations. */
#define R	PT_PROT_READ
#define W	PT_PROT_WRITE
#define X	PT_PROT_EXEC
#define PRIV	PT_PROT_PRIV
#define CACHE	PT_PROT_CACHE
#define MMIO	PT_PROT_MMIO
#define RW	(R | W)

#define SZ_4K		0x1000ULL
#define SZ_8K		0x2000ULL
#define SZ_16K		0x4000ULL
#define SZ_64K		0x10000ULL
#define SZ_1M		0x100000ULL
#define SZ_2M		0x200000ULL
#define SZ_16M		0x1000000ULL
#define SZ_32M		0x2000000ULL
#define SZ_512M		0x20000000ULL
#define SZ_1G		0x40000000ULL
#define SZ_4G		0x100000000ULL
#define SZ_16G		0x400000000ULL
#define SZ_64G		0x1000000000ULL
#define SZ_512G		0x8000000000ULL
#define SZ_4T		0x40000000000ULL
#define SZ_256T		0x1000000000000ULL

const char *fc_kind_name(enum pt_entry_kind kind);

/* The format of @cfg classifies @pte at @level as @want. */
#define CHECK_KIND(cfg, level, pte, want, what) ({			\
	const struct pt_cfg *cfg_ = (cfg);				\
	u64 pte_ = (pte);						\
	unsigned int level_ = (level);					\
	enum pt_entry_kind want_ = (want);				\
	enum pt_entry_kind kind_ = cfg_->fmt->kind(cfg_, level_, pte_);	\
									\
	CHECK(kind_ == want_, "%s: %#llx at level %u is %s, expected %s", \
	      what, (unsigned long long)pte_, level_, fc_kind_name(kind_), \
	      fc_kind_name(want_));					\
})

bool fc_cfg(struct pt_cfg *cfg, const struct pt_format *fmt, u32 granule,
	    u32 ias, u32 oas);

/* One pt_cfg_init() case: the parameters and what it returns. */
struct fc_param {
	struct pt_params p;
	int ret;
	const char *what;
};

void fc_params(const struct pt_format *fmt, const struct fc_param *cases,
	       size_t nr);

void fc_defaults(const struct pt_format *fmt, u32 granule, u32 ias, u32 oas,
		 u64 pgsizes, u32 levels);
void fc_identity(const struct pt_format *fmt, u32 id, const char *name);
void fc_levels(const struct pt_cfg *cfg, u32 granule, u32 top_bits);

/**
 * struct fc_geometry - a space of 4K tables of 512 entries, by hand
 * @ias: the input size asked for, everything else defaulted
 * @levels: levels of tables
 * @pgsize_bitmap: the default page sizes
 */
struct fc_geometry {
	u32 ias;
	u32 levels;
	u64 pgsize_bitmap;
};

void fc_geometry_4k(const struct pt_format *fmt, u32 oas, u32 prot_mask,
		    u64 (*level_sizes)(unsigned int level),
		    const struct fc_geometry *geo, size_t nr);
u64 fc_spans_to_1g(unsigned int level);

/**
 * struct fc_regs - the registers of a space, by hand
 * @ias: its input size, everything else defaulted
 * @ttbr: the table base for the root address fc_regs() is given
 * @tcr: the translation control
 */
struct fc_regs {
	u32 ias;
	u64 ttbr;
	u64 tcr;
};

u64 fc_ttbr_is_root(u64 root, u64 tcr);

struct fc_tree;

/**
 * struct fc_ref - what the test's reference walk of one IOVA found
 * @pa: the translation, the offset in the leaf included
 * @size: bytes of the leaf
 * @prot: its permissions
 * @level: engine level of its entries
 * @nr: entries read, root first
 * @entries: their raw values
 */
struct fc_ref {
	u64 pa;
	u64 size;
	u32 prot;
	unsigned int level;
	unsigned int nr;
	u64 entries[PTLAB_MAX_LEVELS];	/* GMMU: both words of PD0 too */
};

/*
 * A test's decoder of one raw entry: the kind of @pte at @level; for a
 * table entry *@pa is the next table; for a leaf *@pa is the first byte of
 * the leaf, *@size its size and *@prot its permissions.
 */
typedef enum pt_entry_kind (*fc_decode_fn)(unsigned int level, u64 pte,
					   u64 *pa, u64 *size, u32 *prot);

/**
 * struct fc_fmt - a format under test, with the test's own knowledge of it
 * @fmt: the descriptor
 * @valid: what pt_check_prot() of @prot in a space of @cfg's parameters
 *	is, as the specification has it: 0, -EINVAL, or -EOPNOTSUPP for
 *	permissions the format cannot express
 * @decode: optional decoder of one entry (see fc_decode_fn)
 * @bits: optional: the entry of a leaf of @size with @prot whose first byte
 *	is @pa, at @level, built bit by bit from the specification
 * @leaf: the test's decoder of the leaf entry the hardware's walker
 *	(src/hw/walk.c) stopped at in fc_ref_walk(): @ref->entries[@ref->nr -
 *	1] at engine level @ref->level, the table entries above it before;
 *	fills in @ref's address (the offset of @iova included), size and
 *	permissions; 0, or an error for an entry the engine never writes
 *	(fc_decode_leaf() for formats with @decode)
 * @level_of: optional: the engine level of a leaf of @size, from the
 *	specification; else the lowest level whose sizes hold it
 * @same_replicas: every entry of a leaf that spans several holds the same
 *	value (they differ in their own address otherwise)
 * @low_tables: the format's entries hold narrow physical addresses: trees
 *	take their tables from below 4GB (struct host_ctx, @low)
 * @prot: permissions the semantics suite maps with, valid for the format
 * @ref: what @leaf needs besides the tree, for trees fc_new() makes
 */
struct fc_fmt {
	const struct pt_format *fmt;
	int (*valid)(const struct pt_cfg *cfg, u32 prot);
	fc_decode_fn decode;
	u64 (*bits)(unsigned int level, u64 pa, u64 size, u32 prot);
	int (*leaf)(const struct fc_tree *t, u64 iova, struct fc_ref *ref);
	unsigned int (*level_of)(u64 size);
	bool same_replicas;
	bool low_tables;
	u32 prot;
	const void *ref;
};

/**
 * struct fc_golden - a leaf entry worked out by hand
 * @what: its name in messages
 * @p: the parameters of the address space it is encoded for
 * @level: engine level
 * @pa: the physical address of the entry's own span
 * @pgsize: bytes of the whole leaf; 0 for the span of one entry
 * @prot: permissions
 * @pte: the entry
 * @leaf_pa: the first byte of the whole leaf; 0 for @pa rounded down to
 *	the leaf's size
 */
struct fc_golden {
	const char *what;
	struct pt_params p;
	unsigned int level;
	u64 pa;
	u64 pgsize;
	u32 prot;
	u64 pte;
	u64 leaf_pa;
};

void fc_golden(const struct fc_fmt *f, const struct fc_golden *g, size_t nr);

void fc_prot_round_trip(const struct fc_fmt *f, const struct pt_params *p,
			u64 pa, u32 mask);

/**
 * struct fc_tree - a tree in one format, its owner and its operations
 * @f: the format under test
 * @ref: what the reference walker needs besides the tree, if anything
 * @pt: the tree
 * @ctx: its owner
 * @g: the gather of its operations
 * @removed: the leaves the last unmap removed, in the order reported
 * @nr_removed: how many
 */
struct fc_tree {
	const struct fc_fmt *f;
	const void *ref;
	struct pt_space pt;
	struct host_ctx ctx;
	struct host_gather g;
	struct pt_leaf *removed;
	size_t nr_removed;
};

bool fc_new(struct fc_tree *t, const struct fc_fmt *f,
	    const struct pt_params *params);
void fc_free(struct fc_tree *t);
u64 fc_top(const struct fc_tree *t);
unsigned int fc_level(const struct fc_tree *t, u64 size);

int fc_map_sizes(struct fc_tree *t, u64 iova, u64 pa, u64 size, u32 prot,
		 u64 pgsizes, u64 *mapped);
int fc_map(struct fc_tree *t, u64 iova, u64 pa, u64 size, u32 prot,
	   u64 *mapped);
void fc_map_ok(struct fc_tree *t, u64 iova, u64 pa, u64 size, u32 prot);
void fc_map_sizes_ok(struct fc_tree *t, u64 iova, u64 pa, u64 size, u32 prot,
		     u64 pgsizes);
void fc_map_fails(struct fc_tree *t, u64 iova, u64 pa, u64 size, u32 prot,
		  int want, u64 want_mapped);
void fc_map_sizes_fails(struct fc_tree *t, u64 iova, u64 pa, u64 size,
			u32 prot, u64 pgsizes, int want, u64 want_mapped);
int fc_unmap(struct fc_tree *t, u64 iova, u64 size, u64 *unmapped);
void fc_unmap_expect(struct fc_tree *t, u64 iova, u64 size, int want,
		     u64 want_unmapped);
void fc_unmap_expect_n(struct fc_tree *t, u64 iova, u64 size, int want,
		       u64 want_unmapped, size_t want_leaves);

void fc_regs(const struct fc_fmt *f, u64 root,
	     u64 (*ttbr_of)(u64 root, u64 tcr), const struct fc_regs *cases,
	     size_t nr);

struct ptlab_hw_xlate;
int fc_hw_walk(u32 format, const struct pt_hw_regs *regs, u64 iova,
	       struct fc_ref *r, struct ptlab_hw_xlate *x);
int fc_ref_walk(const struct fc_tree *t, u64 iova, struct fc_ref *ref);
int fc_decode_leaf(const struct fc_tree *t, u64 iova, struct fc_ref *ref);
bool fc_walk_expect(const struct fc_tree *t, u64 iova, u64 pa, u64 size,
		    u32 prot);
void fc_walk_none(const struct fc_tree *t, u64 iova, int want);

/**
 * struct fc_list - leaves from pt_iterate()
 * @visitor: the engine's callback
 * @leaf: the leaves, in order
 * @nr: how many
 * @max: entries allocated in @leaf
 * @stop_after: stop the iteration (returning 7) at this many leaves; 0
 *	for never
 */
struct fc_list {
	struct pt_run_visitor visitor;
	struct pt_leaf *leaf;
	size_t nr;
	size_t max;
	size_t stop_after;
};

int fc_list(const struct fc_tree *t, u64 iova, u64 size, struct fc_list *l);
int fc_list_stop(const struct fc_tree *t, u64 iova, u64 size,
		 size_t stop_after, struct fc_list *l);
void fc_list_tree(const struct fc_tree *t, struct fc_list *l);
bool fc_same_list(const struct fc_list *a, const struct fc_list *b);
void fc_list_fini(struct fc_list *l);

/* @count leaves of @size from @iova/@pa, in a row. */
struct fc_seg {
	u64 iova;
	u64 pa;
	u64 size;
	unsigned int count;
};

bool fc_same_leaf(const struct fc_tree *t, const struct pt_leaf *l, u64 iova,
		  u64 pa, u64 size, u32 prot);
bool fc_match(const struct fc_tree *t, const char *what,
	      const struct pt_leaf *leaves, size_t nr, u32 prot,
	      const struct fc_seg *segs, size_t nr_segs, bool prefix);
bool fc_expect(const struct fc_tree *t, const char *what, u32 prot,
	       const struct fc_seg *segs, size_t nr_segs);
void fc_same(const struct fc_tree *t, const struct fc_list *before,
	     long tables, const char *what);
void fc_map_one(struct fc_tree *t, u64 iova, u64 pa, u64 size, u32 prot,
		long tables);

/* The whole tree holds exactly these segments of leaves, all with @prot. */
#define EXPECT(t, what, prot, ...) do {					\
	const struct fc_seg segs_[] = { __VA_ARGS__ };			\
	fc_expect(t, what, prot, segs_, TH_ARRAY_SIZE(segs_));		\
} while (0)

#define EXPECT_EMPTY(t, what) fc_expect(t, what, 0, NULL, 0)

/* The last unmap removed exactly these segments of leaves. */
#define EXPECT_REMOVED(t, what, prot, ...) do {				\
	const struct fc_tree *t_ = (t);					\
	const struct fc_seg segs_[] = { __VA_ARGS__ };			\
	fc_match(t_, what, t_->removed, t_->nr_removed, prot, segs_,	\
		 TH_ARRAY_SIZE(segs_), false);				\
} while (0)

/*
 * The engine-semantics suite: each scenario makes its own trees of @f with
 * @params. The first three take their sizes from the tree (fc_sem_sizes()
 * runs them all); the others map 4K pages, 2M and 1G leaves (fc_sem_all()
 * runs every scenario).
 */
void fc_sem_page_sizes(const struct fc_fmt *f, const struct pt_params *params);
void fc_sem_largest_at_top(const struct fc_fmt *f,
			   const struct pt_params *params);
void fc_sem_prots(const struct fc_fmt *f, const struct pt_params *params);
void fc_sem_mixed(const struct fc_fmt *f, const struct pt_params *params);
void fc_sem_overlap(const struct fc_fmt *f, const struct pt_params *params);
void fc_sem_unmap(const struct fc_fmt *f, const struct pt_params *params);
void fc_sem_sizes(const struct fc_fmt *f, const struct pt_params *params);
void fc_sem_all(const struct fc_fmt *f, const struct pt_params *params);

/* Run a scenario of the suite on @f with each of the parameters given. */
#define FC_EACH(scenario, f, ...) do {					\
	const struct pt_params *params_[] = { __VA_ARGS__ };		\
	size_t i_;							\
									\
	for (i_ = 0; i_ < TH_ARRAY_SIZE(params_); i_++)			\
		scenario(f, params_[i_]);				\
} while (0)

/* A test that runs a scenario of the suite on @f with each parameter set. */
#define FC_SEM_TEST(name, scenario, f, ...)				\
static void name(void)							\
{									\
	FC_EACH(scenario, f, __VA_ARGS__);				\
}

#endif /* PTLAB_HOST_FMT_CHECK_H */
