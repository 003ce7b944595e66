// SPDX-License-Identifier: GPL-2.0
/*
 * Checks shared by the format tests: golden encodings, permission round
 * trips, geometry and parameters, and the engine-semantics suite.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt_check.h"
#include "hw/walk.h"

const char *fc_kind_name(enum pt_entry_kind kind)
{
	switch (kind) {
	case PT_ENTRY_EMPTY: return "invalid";
	case PT_ENTRY_TABLE: return "a table";
	case PT_ENTRY_LEAF: return "a leaf";
	}
	return "?";
}

/* Geometry from @params; fails the test if the format refuses them. */
static bool fc_cfg_params(struct pt_cfg *cfg, const struct pt_format *fmt,
			  const struct pt_params *params)
{
	int ret = pt_cfg_init(cfg, fmt, params);

	return CHECK(!ret, "%s granule %u ias %u oas %u pgsizes %#llx refused: %s",
		     fmt->name, params->granule_shift, params->ias, params->oas,
		     (unsigned long long)params->pgsize_bitmap,
		     th_errname(ret));
}

/* The same from a granule, input and output size (0 for the default). */
bool fc_cfg(struct pt_cfg *cfg, const struct pt_format *fmt, u32 granule,
	    u32 ias, u32 oas)
{
	struct pt_params params = {
		.granule_shift = granule, .ias = ias, .oas = oas,
	};

	return fc_cfg_params(cfg, fmt, &params);
}

/* pt_cfg_init() returns what each case says, with the page sizes asked. */
void fc_params(const struct pt_format *fmt, const struct fc_param *cases,
	       size_t nr)
{
	struct pt_cfg cfg;
	size_t i;

	for (i = 0; i < nr; i++) {
		int ret = pt_cfg_init(&cfg, fmt, &cases[i].p);

		CHECK_INT(ret, cases[i].ret, cases[i].what);
		if (!ret && cases[i].p.pgsize_bitmap)
			CHECK_EQ(cfg.pgsize_bitmap, cases[i].p.pgsize_bitmap,
				 cases[i].what);
	}
}

/*
 * Everything defaulted gives a @granule, @ias, @oas space of @pgsizes with
 * @levels levels.
 */
void fc_defaults(const struct pt_format *fmt, u32 granule, u32 ias, u32 oas,
		 u64 pgsizes, u32 levels)
{
	struct pt_cfg cfg;

	if (!CHECK_INT(pt_cfg_init(&cfg, fmt, &(struct pt_params){}), 0,
		       "defaults"))
		return;
	CHECK(cfg.ias == ias && cfg.oas == oas && cfg.levels == levels &&
	      cfg.granule_shift == granule && cfg.pgsize_bitmap == pgsizes,
	      "%s defaults: ias %u oas %u levels %u granule %u sizes %#llx",
	      fmt->name, cfg.ias, cfg.oas, cfg.levels, cfg.granule_shift,
	      (unsigned long long)cfg.pgsize_bitmap);
}

void fc_identity(const struct pt_format *fmt, u32 id, const char *name)
{
	CHECK_INT(fmt->id, id, "format id");
	CHECK(fmt->name && !strcmp(fmt->name, name), "name %s, expected %s",
	      fmt->name, name);
}

/*
 * Tables of 8-byte entries, each level translating granule - 3 bits above
 * the page offset, the top one @top_bits; a table of N entries is 8N bytes.
 */
void fc_levels(const struct pt_cfg *cfg, u32 granule, u32 top_bits)
{
	unsigned int l, bits;

	CHECK_INT(cfg->entry_shift, 3, "8-byte entries");
	for (l = 0; l < cfg->levels; l++) {
		bits = l + 1 == cfg->levels ? top_bits : granule - 3;
		CHECK_INT(cfg->lvl[l].shift, granule + (granule - 3) * l,
			  "level shift");
		CHECK_INT(cfg->lvl[l].index_bits, bits, "index bits");
		CHECK_EQ(pt_table_bytes(cfg, l), 8ULL << bits, "table bytes");
	}
}

/*
 * Each space of @fmt in @geo: its levels, input size, the default output
 * size @oas, a 4K granule, the permissions @prot_mask, its page sizes, 4K
 * tables of 512 8-byte entries, and the leaf sizes @level_sizes gives for
 * each level.
 */
void fc_geometry_4k(const struct pt_format *fmt, u32 oas, u32 prot_mask,
		    u64 (*level_sizes)(unsigned int level),
		    const struct fc_geometry *geo, size_t nr)
{
	struct pt_cfg cfg;
	unsigned int l;

	for (; nr--; geo++) {
		if (!fc_cfg(&cfg, fmt, 0, geo->ias, 0))
			continue;
		CHECK_INT(cfg.levels, geo->levels, "levels");
		CHECK_INT(cfg.ias, geo->ias, "ias");
		CHECK_INT(cfg.oas, oas, "default oas");
		CHECK_INT(cfg.granule_shift, 12, "granule");
		CHECK_EQ(cfg.prot_mask, prot_mask, "prot mask");
		CHECK_EQ(cfg.pgsize_bitmap, geo->pgsize_bitmap,
			 "default page sizes");
		fc_levels(&cfg, 12, 9);
		for (l = 0; l < cfg.levels; l++)
			CHECK_EQ(cfg.lvl[l].pgsizes, level_sizes(l), "pgsizes");
	}
}

/* Leaves of one entry at levels 0 to 2 (4K, 2M, 1G) and none above. */
u64 fc_spans_to_1g(unsigned int level)
{
	return level < 3 ? 1ULL << (12 + 9 * level) : 0;
}

/* The table base is the root's address. */
u64 fc_ttbr_is_root(u64 root, u64 tcr)
{
	return root;
}

static u64 fc_span(const struct pt_cfg *cfg, unsigned int level)
{
	return 1ULL << cfg->lvl[level].shift;
}

/* The leaf size an entry decodes to: leaf_size() or the entry's span. */
static u64 fc_leaf_size(const struct pt_cfg *cfg, unsigned int level,
			u64 pte)
{
	return cfg->fmt->leaf_size ? cfg->fmt->leaf_size(cfg, level, pte) :
	       fc_span(cfg, level);
}

/*
 * Each golden leaf: a size of its level, a valid prot; mk_leaf() gives the
 * entry; it decodes back to the leaf, through the format and through the
 * test's own decoder.
 */
void fc_golden(const struct fc_fmt *f, const struct fc_golden *g, size_t nr)
{
	const struct pt_format *fmt = f->fmt;
	struct pt_cfg cfg;

	for (; nr--; g++) {
		u64 size, start, pa = 0, dsize = 0;
		u32 prot = 0;

		if (!fc_cfg_params(&cfg, fmt, &g->p))
			continue;
		size = g->pgsize ?: fc_span(&cfg, g->level);
		start = g->leaf_pa ?: g->pa & ~(size - 1);
		CHECK(cfg.lvl[g->level].pgsizes & size,
		      "%s: %#llx is no leaf size at level %u", g->what,
		      (unsigned long long)size, g->level);
		CHECK_INT(fmt->check_prot(&cfg, g->prot), 0, g->what);
		CHECK_INT(pt_check_prot(&cfg, g->prot), 0, g->what);
		CHECK_EQ(fmt->mk_leaf(&cfg, g->level, g->pa, size, g->prot),
			 g->pte, g->what);
		CHECK_KIND(&cfg, g->level, g->pte, PT_ENTRY_LEAF, g->what);
		CHECK_EQ(fmt->entry_pa(&cfg, g->level, g->pte), start, g->what);
		CHECK_EQ(fc_leaf_size(&cfg, g->level, g->pte), size, g->what);
		CHECK_EQ(fmt->leaf_prot(&cfg, g->level, g->pte), g->prot,
			 g->what);
		if (!f->decode)
			continue;
		CHECK_INT(f->decode(g->level, g->pte, &pa, &dsize, &prot),
			  PT_ENTRY_LEAF, g->what);
		CHECK(pa == start && prot == g->prot && dsize == size,
		      "%s: independent decode pa %#llx size %#llx prot %#x",
		      g->what, (unsigned long long)pa,
		      (unsigned long long)dsize, prot);
	}
}

/* Entry @i of a leaf of @n entries is among those a round trip tries. */
static bool fc_sampled(u64 i, u64 n)
{
	return i < 4 || i == n / 2 || i == n - 1;
}

/* Entry @i of a leaf of @size whose first byte is @start decodes back. */
static void fc_round_trip_entry(const struct fc_fmt *f,
				const struct pt_cfg *cfg, unsigned int level,
				u64 start, u64 size, u32 prot, u64 i)
{
	const struct pt_format *fmt = f->fmt;
	u64 pte, first, dpa = 0, dsize = 0;
	u32 dprot = 0;

	pte = fmt->mk_leaf(cfg, level, start + i * fc_span(cfg, level), size,
			   prot);
	first = fmt->mk_leaf(cfg, level, start, size, prot);
	if (!i && f->bits)
		CHECK_EQ(pte, f->bits(level, start, size, prot), "leaf bits");
	if (i && f->same_replicas)
		CHECK_EQ(pte, first, "replica");
	CHECK(fmt->kind(cfg, level, pte) == PT_ENTRY_LEAF &&
	      fmt->entry_pa(cfg, level, pte) == start &&
	      fc_leaf_size(cfg, level, pte) == size &&
	      fmt->leaf_prot(cfg, level, pte) == prot &&
	      (cfg->entry_shift == 3 || !(pte >> 32)),
	      "%s prot %#x level %u size %#llx entry %llu: %#llx decodes as kind %d pa %#llx size %#llx prot %#x",
	      fmt->name, prot, level, (unsigned long long)size,
	      (unsigned long long)i, (unsigned long long)pte,
	      fmt->kind(cfg, level, pte),
	      (unsigned long long)fmt->entry_pa(cfg, level, pte),
	      (unsigned long long)fc_leaf_size(cfg, level, pte),
	      fmt->leaf_prot(cfg, level, pte));
	if (f->decode)
		CHECK(f->decode(level, pte, &dpa, &dsize, &dprot) ==
		      PT_ENTRY_LEAF && dpa == start && dsize == size &&
		      dprot == prot,
		      "%s prot %#x level %u size %#llx: independent decode pa %#llx size %#llx prot %#x",
		      fmt->name, prot, level, (unsigned long long)size,
		      (unsigned long long)dpa, (unsigned long long)dsize,
		      dprot);
}

/*
 * In a space of @p whose permission mask is @mask: pt_check_prot() of
 * every prot, and the format's check_prot() of those within the mask, say
 * what @f->valid says; each valid prot encodes, at every leaf size of every
 * level, a leaf around @pa whose first entries, middle one and last one
 * decode back to it (and are all the same value, where the format says
 * so); the first is bit for bit what @f->bits builds, if given.
 */
void fc_prot_round_trip(const struct fc_fmt *f, const struct pt_params *p,
			u64 pa, u32 mask)
{
	struct pt_cfg cfg;
	unsigned int level;
	u64 sizes, size, start, i, n;
	u32 prot;
	int want;

	if (!fc_cfg_params(&cfg, f->fmt, p))
		return;
	CHECK_EQ(cfg.prot_mask, mask, "prot mask");
	for (prot = 0; prot <= PT_PROT_ALL; prot++) {
		want = f->valid(&cfg, prot);
		CHECK_INT(pt_check_prot(&cfg, prot), want, "pt_check_prot");
		if (!(prot & ~mask))
			CHECK_INT(f->fmt->check_prot(&cfg, prot), want,
				  "check_prot");
		if (want)
			continue;
		for (level = 0; level < cfg.levels; level++) {
			sizes = cfg.lvl[level].pgsizes;
			for (; sizes; sizes &= sizes - 1) {
				size = sizes & -sizes;
				start = pa & ~(size - 1);
				n = size / fc_span(&cfg, level);
				for (i = 0; i < n; i++)
					if (fc_sampled(i, n))
						fc_round_trip_entry(f, &cfg, level,
								    start, size,
								    prot, i);
			}
		}
	}
}

/* A tree of @f with @params, every retired table checked unlinked. */
bool fc_new(struct fc_tree *t, const struct fc_fmt *f,
	    const struct pt_params *params)
{
	struct pt_cfg cfg;
	int ret;

	*t = (struct fc_tree){ .f = f, .ref = f->ref };
	host_ctx_init(&t->ctx);
	ret = pt_cfg_init(&cfg, f->fmt, params);
	/*
	 * The hardware's walker faults on a table above the output size: host
	 * tables lie below 2^47, low ones below 4GB.
	 */
	t->ctx.low = f->low_tables || cfg.oas < 47;
	if (!ret)
		ret = pt_space_init(&t->pt, &cfg, &host_table_ops, &t->ctx);
	if (!CHECK(!ret, "%s: new tree (granule %u ias %u oas %u pgsizes %#llx): %s",
		   f->fmt->name, params->granule_shift, params->ias,
		   params->oas, (unsigned long long)params->pgsize_bitmap,
		   th_errname(ret))) {
		host_ctx_fini(&t->ctx);
		return false;
	}
	t->ctx.check_unlinked = true;
	host_gather_init(&t->g, &t->ctx);
	return true;
}

/* Destroy the tree; every table, the root included, must be gone after. */
void fc_free(struct fc_tree *t)
{
	host_space_free(&t->pt, &t->g);
	host_gather_fini(&t->g);
	free(t->removed);
	t->removed = NULL;
}

/* The end of the input range (the last byte for a 64-bit one). */
u64 fc_top(const struct fc_tree *t)
{
	return t->pt.cfg.ias < 64 ? 1ULL << t->pt.cfg.ias : ~0ULL;
}

static bool fc_in_range(const struct fc_tree *t, u64 iova)
{
	/* An upper (TTBR1) range has every bit above ias set. */
	if (t->pt.cfg.iova_base)
		return iova >= t->pt.cfg.iova_base;
	return t->pt.cfg.ias >= 64 || !(iova >> t->pt.cfg.ias);
}

/* The engine level of the leaves of @size. */
unsigned int fc_level(const struct fc_tree *t, u64 size)
{
	unsigned int level;

	if (t->f->level_of)
		return t->f->level_of(size);
	for (level = 0; level < t->pt.cfg.levels; level++)
		if (t->pt.cfg.lvl[level].pgsizes & size)
			return level;
	CHECK(false, "no level has %#llx pages", (unsigned long long)size);
	return 0;
}

/* Map, then flush; a map removes no leaf. */
int fc_map_sizes(struct fc_tree *t, u64 iova, u64 pa, u64 size, u32 prot,
		 u64 pgsizes, u64 *mapped)
{
	int ret = pt_map(&t->pt, iova, pa, size, prot, pgsizes, &t->g.pt,
			 mapped);

	CHECK(!t->g.nr_leaves, "map removed %zu leaves", t->g.nr_leaves);
	host_flush(&t->g, &t->pt);
	return ret;
}

/* The same with the tree's page sizes. */
int fc_map(struct fc_tree *t, u64 iova, u64 pa, u64 size, u32 prot,
	   u64 *mapped)
{
	return fc_map_sizes(t, iova, pa, size, prot, t->pt.cfg.pgsize_bitmap,
			    mapped);
}

void fc_map_sizes_fails(struct fc_tree *t, u64 iova, u64 pa, u64 size,
			u32 prot, u64 pgsizes, int want, u64 want_mapped)
{
	u64 mapped;
	int ret = fc_map_sizes(t, iova, pa, size, prot, pgsizes, &mapped);

	CHECK(ret == want && mapped == want_mapped,
	      "%s: map(%#llx, pa %#llx, size %#llx, prot %#x, pgsizes %#llx) is %s with %#llx mapped, expected %s with %#llx",
	      t->pt.cfg.fmt->name, (unsigned long long)iova,
	      (unsigned long long)pa, (unsigned long long)size, prot,
	      (unsigned long long)pgsizes, th_errname(ret),
	      (unsigned long long)mapped, th_errname(want),
	      (unsigned long long)want_mapped);
}

void fc_map_fails(struct fc_tree *t, u64 iova, u64 pa, u64 size, u32 prot,
		  int want, u64 want_mapped)
{
	fc_map_sizes_fails(t, iova, pa, size, prot, t->pt.cfg.pgsize_bitmap,
			   want, want_mapped);
}

/* Map what must map whole. */
void fc_map_sizes_ok(struct fc_tree *t, u64 iova, u64 pa, u64 size, u32 prot,
		     u64 pgsizes)
{
	fc_map_sizes_fails(t, iova, pa, size, prot, pgsizes, 0, size);
}

void fc_map_ok(struct fc_tree *t, u64 iova, u64 pa, u64 size, u32 prot)
{
	fc_map_sizes_ok(t, iova, pa, size, prot, t->pt.cfg.pgsize_bitmap);
}

/* Unmap, keep a copy of the leaves removed, then flush. */
int fc_unmap(struct fc_tree *t, u64 iova, u64 size, u64 *unmapped)
{
	int ret = pt_unmap(&t->pt, iova, size, &t->g.pt, unmapped);

	t->nr_removed = t->g.nr_leaves;
	t->removed = realloc(t->removed,
			     (t->nr_removed + 1) * sizeof(*t->removed));
	if (!t->removed)
		abort();
	if (t->nr_removed)
		memcpy(t->removed, t->g.leaves,
		       t->nr_removed * sizeof(*t->removed));
	host_flush(&t->g, &t->pt);
	return ret;
}

void fc_unmap_expect(struct fc_tree *t, u64 iova, u64 size, int want,
		     u64 want_unmapped)
{
	u64 unmapped;
	int ret = fc_unmap(t, iova, size, &unmapped);

	CHECK(ret == want && unmapped == want_unmapped,
	      "%s: unmap(%#llx, %#llx) is %s with %#llx unmapped, expected %s with %#llx",
	      t->pt.cfg.fmt->name, (unsigned long long)iova,
	      (unsigned long long)size, th_errname(ret),
	      (unsigned long long)unmapped, th_errname(want),
	      (unsigned long long)want_unmapped);
}

/* The same, removing @want_leaves leaves. */
void fc_unmap_expect_n(struct fc_tree *t, u64 iova, u64 size, int want,
		       u64 want_unmapped, size_t want_leaves)
{
	fc_unmap_expect(t, iova, size, want, want_unmapped);
	CHECK(t->nr_removed == want_leaves,
	      "%s: unmap(%#llx, %#llx) removed %zu leaves, expected %zu",
	      t->pt.cfg.fmt->name, (unsigned long long)iova,
	      (unsigned long long)size, t->nr_removed, want_leaves);
}

/*
 * Each space of @cases: regs() of a root at @root gives the case's table
 * base and control and no MAIR; of the root of a tree, @ttbr_of(that
 * root's address, the case's control), the root being aligned to its size.
 */
void fc_regs(const struct fc_fmt *f, u64 root,
	     u64 (*ttbr_of)(u64 root, u64 tcr), const struct fc_regs *cases,
	     size_t nr)
{
	const struct pt_format *fmt = f->fmt;
	struct pt_hw_regs regs;
	struct pt_cfg cfg;
	struct fc_tree t;
	u64 pa;

	for (; nr--; cases++) {
		struct pt_params params = { .ias = cases->ias };

		if (!fc_cfg(&cfg, fmt, 0, cases->ias, 0))
			continue;
		fmt->regs(&cfg, root, &regs);
		CHECK(regs.ttbr == cases->ttbr && regs.tcr == cases->tcr &&
		      !regs.mair, "ias %u: ttbr %#llx tcr %#llx mair %#llx",
		      cases->ias, (unsigned long long)regs.ttbr,
		      (unsigned long long)regs.tcr,
		      (unsigned long long)regs.mair);
		if (!fc_new(&t, f, &params))
			continue;
		pa = pt_root_pa(&t.pt);
		fmt->regs(&t.pt.cfg, pa, &regs);
		CHECK_EQ(regs.ttbr, ttbr_of((u64)(uintptr_t)t.pt.root,
					    cases->tcr), "ttbr of a tree");
		CHECK_EQ(pa & (pt_table_bytes(&cfg, cfg.levels - 1) - 1), 0,
			 "root aligned");
		fc_free(&t);
	}
}

/* Host "physical" addresses are the tables' own addresses (pt_env.h). */
static bool fc_hw_read(void *ctx, u64 pa, unsigned int bytes, u64 *val)
{
	if (bytes == 4)
		*val = *(const u32 *)(uintptr_t)pa;
	else
		*val = *(const u64 *)(uintptr_t)pa;
	return true;
}

/*
 * The walk of @iova by the hardware's walker (src/hw/walk.c), which learns
 * the geometry from the register values @regs alone: 0 when it reached a
 * leaf (also one whose access flag is clear: *@x says), -EINVAL beyond the
 * input or output size, -ENOENT on a translation fault, -EIO if the walker
 * refuses the registers. @r receives the entries read and the leaf's level.
 */
int fc_hw_walk(u32 format, const struct pt_hw_regs *regs, u64 iova,
	       struct fc_ref *r, struct ptlab_hw_xlate *x)
{
	struct ptlab_hw_geom g;
	unsigned int i;

	*r = (struct fc_ref){};
	if (!CHECK(!ptlab_hw_decode(format, regs->ttbr, regs->tcr, regs->mair,
				    &g),
		   "format %u: the walker refuses ttbr %#llx tcr %#llx", format,
		   (unsigned long long)regs->ttbr,
		   (unsigned long long)regs->tcr))
		return -EIO;
	ptlab_hw_walk(&g, fc_hw_read, NULL, iova, g.root_pa, g.levels - 1, x);
	r->nr = x->nr;
	for (i = 0; i < x->nr && i < PTLAB_MAX_LEVELS; i++)
		r->entries[i] = x->entries[i];
	r->level = x->level;
	switch (x->fault) {
	case 0:
	case PTLAB_FAULT_ACCESS:
		return 0;
	case PTLAB_FAULT_ADDR_SIZE:
		return -EINVAL;
	}
	return -ENOENT;
}

/*
 * The reference walk of @iova: the hardware's walker finds the leaf from
 * the registers the format reports (one copy of every format's walk, the
 * simulated device's), then the test's own decoder of that leaf entry
 * (@t->f->leaf, from the specification) gives its address, size and
 * permissions, and must agree with the walker. 0, -EINVAL outside the
 * input range, -ENOENT where the walk faults, or the decoder's error for a
 * leaf the engine should never write (an access flag clear, ...).
 */
int fc_ref_walk(const struct fc_tree *t, u64 iova, struct fc_ref *ref)
{
	const struct pt_cfg *cfg = &t->pt.cfg;
	struct ptlab_hw_xlate x;
	struct pt_hw_regs regs;
	int ret;

	*ref = (struct fc_ref){};
	if (!fc_in_range(t, iova))
		return -EINVAL;
	cfg->fmt->regs(cfg, pt_root_pa(&t->pt), &regs);
	ret = fc_hw_walk(cfg->fmt->id, &regs, iova, ref, &x);
	if (ret)
		return ret;
	ret = t->f->leaf(t, iova, ref);
	if (x.fault)
		return CHECK(ret, "%s: 0x%llx: walker fault %u, decoder takes %#llx",
			     cfg->fmt->name, (unsigned long long)iova, x.fault,
			     (unsigned long long)ref->entries[ref->nr - 1]) ?
		       ret : -EIO;
	if (ret)
		return ret;
	if (!CHECK(ref->pa == x.pa + (iova - x.iova) && ref->size >= x.size &&
		   !(ref->size % x.size),
		   "%s: 0x%llx: the decoder gives pa %#llx size %#llx, the walker %#llx %#llx",
		   cfg->fmt->name, (unsigned long long)iova,
		   (unsigned long long)ref->pa, (unsigned long long)ref->size,
		   (unsigned long long)(x.pa + (iova - x.iova)),
		   (unsigned long long)x.size))
		return -EIO;
	return 0;
}

/*
 * The leaf decoder of the formats with a struct fc_fmt @decode: the entry
 * the walker stopped at must decode as a leaf.
 */
int fc_decode_leaf(const struct fc_tree *t, u64 iova, struct fc_ref *ref)
{
	u64 pa = 0, size = 0;
	u32 prot = 0;

	if (t->f->decode(ref->level, ref->entries[ref->nr - 1], &pa, &size,
			 &prot) != PT_ENTRY_LEAF)
		return -ENOENT;
	ref->pa = pa | (iova & (size - 1));
	ref->size = size;
	ref->prot = prot;
	return 0;
}

/* Does hardware read two words of some entry (NVIDIA GMMU's dual PD0)? */
static bool fc_two_words(const struct pt_cfg *cfg)
{
	unsigned int level;

	for (level = 0; level < cfg->levels; level++)
		if (cfg->lvl[level].dual)
			return true;
	return false;
}

/*
 * Walk @iova with the engine and with the reference walker: both find @pa
 * (the offset included) in a leaf of @size with @prot at the level such
 * leaves have, and the engine reports exactly the raw entries, root first,
 * that the reference reads: tables down to the leaf, as the format itself
 * decodes them too.
 */
bool fc_walk_expect(const struct fc_tree *t, u64 iova, u64 pa, u64 size,
		    u32 prot)
{
	const struct pt_cfg *cfg = &t->pt.cfg;
	const char *name = cfg->fmt->name;
	unsigned int level = fc_level(t, size), i;
	struct pt_walk_result res;
	struct fc_ref ref;
	int ret = pt_walk(&t->pt, iova, &res);
	int ref_ret = fc_ref_walk(t, iova, &ref);
	bool ok;

	if (!CHECK(!ret && !ref_ret, "%s: walk(%#llx) is %s, reference %s",
		   name, (unsigned long long)iova, th_errname(ret),
		   th_errname(ref_ret)))
		return false;
	ok = CHECK(res.leaf.iova == (iova & ~(size - 1)) && res.leaf.pa == pa &&
		   res.leaf.size == size && res.leaf.prot == prot &&
		   res.leaf.level == level,
		   "%s: walk(%#llx) gives iova %#llx pa %#llx size %#llx prot %#x level %u, expected pa %#llx size %#llx prot %#x level %u",
		   name, (unsigned long long)iova,
		   (unsigned long long)res.leaf.iova,
		   (unsigned long long)res.leaf.pa,
		   (unsigned long long)res.leaf.size, res.leaf.prot,
		   res.leaf.level, (unsigned long long)pa,
		   (unsigned long long)size, prot, level);
	ok &= CHECK(ref.pa == pa && ref.size == size && ref.prot == prot &&
		    ref.level == res.leaf.level,
		    "%s: reference walk(%#llx) gives pa %#llx size %#llx prot %#x level %u",
		    name, (unsigned long long)iova, (unsigned long long)ref.pa,
		    (unsigned long long)ref.size, ref.prot, ref.level);
	/* A word a level, where hardware reads no more (not NVIDIA GMMU). */
	if (!fc_two_words(cfg))
		ok &= CHECK_INT(res.nr_entries, cfg->levels - level,
				"entries read");
	if (!CHECK_INT(res.nr_entries, ref.nr, "entries the reference read"))
		return false;
	for (i = 0; i < ref.nr && i < PTLAB_MAX_LEVELS; i++) {
		unsigned int l = res.entry_levels[i];
		enum pt_entry_kind want = i + 1 < ref.nr ? PT_ENTRY_TABLE :
					  PT_ENTRY_LEAF;

		ok &= CHECK_EQ(res.entries[i], ref.entries[i],
			       "raw entry, root first");
		/* From the root down, never up (AMD v1 may skip levels). */
		ok &= CHECK(i ? l <= res.entry_levels[i - 1] :
			    l == cfg->levels - 1,
			    "%s: word %u at level %u", name, i, l);
		/* The words of a two-word entry or a pair are not all tables. */
		if (!cfg->lvl[l].dual && !cfg->lvl[l].pair)
			ok &= CHECK_KIND(cfg, l, res.entries[i], want, name);
	}
	ok &= CHECK_INT(res.entry_levels[res.nr_entries - 1], level,
			"level of the last word");
	return ok;
}

/* The engine and the reference walker agree that @iova gives @want. */
void fc_walk_none(const struct fc_tree *t, u64 iova, int want)
{
	struct pt_walk_result res;
	struct fc_ref ref;
	int ret = pt_walk(&t->pt, iova, &res);

	CHECK(ret == want, "%s: walk(%#llx) is %s, expected %s",
	      t->pt.cfg.fmt->name, (unsigned long long)iova, th_errname(ret),
	      th_errname(want));
	CHECK_INT(fc_ref_walk(t, iova, &ref), want, "reference walk");
}

/* A run is listed as its leaves; the list may stop inside one. */
static int fc_list_add(struct pt_run_visitor *visitor,
		       const struct pt_run *run)
{
	struct fc_list *l = container_of(visitor, struct fc_list, visitor);
	u64 off;

	for (off = 0; off < run->size; off += run->pgsize) {
		l->leaf = th_grow(l->leaf, l->nr, &l->max, sizeof(*l->leaf));
		l->leaf[l->nr++] = (struct pt_leaf){
			.iova = run->iova + off, .pa = run->pa + off,
			.size = run->pgsize, .prot = run->prot,
			.level = run->level,
		};
		if (l->nr == l->stop_after)
			return 7;
	}
	return 0;
}

/*
 * The leaves in [@iova, @iova + @size), the visitor stopping the iteration
 * at the @stop_after-th if not 0; returns what pt_iterate() did.
 */
int fc_list_stop(const struct fc_tree *t, u64 iova, u64 size,
		 size_t stop_after, struct fc_list *l)
{
	*l = (struct fc_list){
		.visitor.run = fc_list_add, .stop_after = stop_after,
	};
	return pt_iterate(&t->pt, iova, size, &l->visitor);
}

int fc_list(const struct fc_tree *t, u64 iova, u64 size, struct fc_list *l)
{
	return fc_list_stop(t, iova, size, 0, l);
}

/* Every leaf of the tree, in order. */
void fc_list_tree(const struct fc_tree *t, struct fc_list *l)
{
	CHECK_INT(fc_list(t, t->pt.cfg.iova_base, fc_top(t), l), 0, "iterate");
}

/* The same leaves, in the same order. */
bool fc_same_list(const struct fc_list *a, const struct fc_list *b)
{
	return a->nr == b->nr &&
	       (!a->nr || !memcmp(a->leaf, b->leaf, a->nr * sizeof(*a->leaf)));
}

void fc_list_fini(struct fc_list *l)
{
	free(l->leaf);
	l->leaf = NULL;
}

bool fc_same_leaf(const struct fc_tree *t, const struct pt_leaf *l, u64 iova,
		  u64 pa, u64 size, u32 prot)
{
	unsigned int level = fc_level(t, size);

	return CHECK(l->iova == iova && l->pa == pa && l->size == size &&
		     l->prot == prot && l->level == level,
		     "leaf iova %#llx pa %#llx size %#llx prot %#x level %u, expected iova %#llx pa %#llx size %#llx prot %#x level %u",
		     (unsigned long long)l->iova, (unsigned long long)l->pa,
		     (unsigned long long)l->size, l->prot, l->level,
		     (unsigned long long)iova, (unsigned long long)pa,
		     (unsigned long long)size, prot, level);
}

/* Do @leaves, @nr of them, match @segs (or their start, if @prefix)? */
bool fc_match(const struct fc_tree *t, const char *what,
	      const struct pt_leaf *leaves, size_t nr, u32 prot,
	      const struct fc_seg *segs, size_t nr_segs, bool prefix)
{
	size_t i = 0, s;
	unsigned int k;

	for (s = 0; s < nr_segs; s++) {
		for (k = 0; k < segs[s].count; k++, i++) {
			u64 off = k * segs[s].size;

			if (prefix && i == nr)
				return true;
			if (!CHECK(i < nr, "%s: only %zu leaves", what, nr))
				return false;
			if (!fc_same_leaf(t, &leaves[i], segs[s].iova + off,
					  segs[s].pa + off, segs[s].size,
					  prot)) {
				printf("#   %s: leaf %zu\n", what, i);
				return false;
			}
		}
	}
	return CHECK(i == nr, "%s: %zu leaves, expected %zu", what, nr, i);
}

/* The whole tree holds exactly @segs, all with @prot, and no other table. */
bool fc_expect(const struct fc_tree *t, const char *what, u32 prot,
	       const struct fc_seg *segs, size_t nr_segs)
{
	struct fc_list l;
	bool ok;

	fc_list_tree(t, &l);
	ok = fc_match(t, what, l.leaf, l.nr, prot, segs, nr_segs, false);
	fc_list_fini(&l);
	ok &= host_check_tree(&t->pt, &t->ctx);
	return ok;
}

/* The leaves and live tables now are those of @before: nothing changed. */
void fc_same(const struct fc_tree *t, const struct fc_list *before,
	     long tables, const char *what)
{
	struct fc_list now;

	fc_list_tree(t, &now);
	CHECK(fc_same_list(&now, before),
	      "%s: %s: the leaves changed (%zu, were %zu)", t->pt.cfg.fmt->name,
	      what, now.nr, before->nr);
	CHECK_INT(t->ctx.live_tables, tables, what);
	host_check_tree(&t->pt, &t->ctx);
	fc_list_fini(&now);
}

/*
 * Map one leaf of @size at @iova, which then takes @tables tables in all:
 * the tree holds it alone, and walks find it at its first, a middle and
 * its last byte.
 */
void fc_map_one(struct fc_tree *t, u64 iova, u64 pa, u64 size, u32 prot,
		long tables)
{
	u64 off = size / 2 + 0x123;

	fc_map_ok(t, iova, pa, size, prot);
	CHECK_INT(t->ctx.live_tables, tables, "tables");
	EXPECT(t, "one leaf", prot, { iova, pa, size, 1 });
	fc_walk_expect(t, iova, pa, size, prot);
	fc_walk_expect(t, iova + off, pa + off, size, prot);
	fc_walk_expect(t, iova + size - 1, pa + size - 1, size, prot);
}

/* Is @iova inside one of the @nr leaves of @size at @iovas? */
static bool fc_in(const u64 *iovas, unsigned int nr, u64 size, u64 iova)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (iova - iovas[i] < size)
			return true;
	return false;
}

/*
 * Each page size of @params' tree maps at several IOVAs at once (the
 * first page of the space, one in the middle, the last one), walks at its
 * first, middle and last byte, leaves the neighbours unmapped, and unmaps
 * back to the root table alone.
 */
/*
 * Every entry on the path to @iova, without its address bits: the same
 * kind, permissions, size and next level, and address 0 where there was
 * another.
 */
static void fc_hidden_path(const struct fc_tree *t, u64 iova)
{
	const struct pt_cfg *cfg = &t->pt.cfg;
	const struct pt_format *fmt = cfg->fmt;
	struct pt_walk_result res;
	unsigned int i, level;

	if (!CHECK_INT(pt_walk(&t->pt, iova, &res), 0, "walk to hide"))
		return;
	for (i = 0; i < res.nr_entries; i++) {
		u64 pte = res.entries[i];
		u64 hid, size;
		enum pt_entry_kind kind;

		/* Each word at its own level (NVIDIA GMMU reads two some). */
		level = res.entry_levels[i];
		hid = pt_entry_hide_oa(cfg, level, pte);
		kind = fmt->kind(cfg, level, pte);
		CHECK_KIND(cfg, level, hid, kind, "entry without address");
		CHECK_EQ(fmt->entry_pa(cfg, level, hid), 0, "hidden address");
		CHECK(hid != pte || !fmt->entry_pa(cfg, level, pte),
		      "address of %#llx kept\n", (unsigned long long)pte);
		if (kind == PT_ENTRY_LEAF) {
			CHECK_EQ(fmt->leaf_prot(cfg, level, hid),
				 fmt->leaf_prot(cfg, level, pte), "hidden prot");
			size = fc_leaf_size(cfg, level, pte);
			CHECK_EQ(fc_leaf_size(cfg, level, hid), size,
				 "hidden size");
		} else if (kind == PT_ENTRY_TABLE && fmt->table_level) {
			CHECK_INT(fmt->table_level(cfg, level, hid),
				  fmt->table_level(cfg, level, pte),
				  "hidden next level");
		}
	}
}

void fc_sem_page_sizes(const struct fc_fmt *f, const struct pt_params *params)
{
	u64 sizes, size;
	struct fc_tree t;

	if (!fc_new(&t, f, params))
		return;
	sizes = t.pt.cfg.pgsize_bitmap;
	fc_free(&t);
	for (; sizes; sizes &= sizes - 1) {
		u64 iovas[3], pas[3];
		struct fc_seg want[3];
		unsigned int i;

		size = sizes & -sizes;
		if (!fc_new(&t, f, params))
			return;
		iovas[0] = size;
		iovas[1] = fc_top(&t) / 2;
		if (iovas[1] >= 8 * size)
			iovas[1] += 5 * size;
		iovas[2] = fc_top(&t) - size;
		for (i = 0; i < 3; i++) {
			/* Distinct, aligned, within any oas of 32 bits up. */
			pas[i] = size >= SZ_1G ? size * (i + 1) :
				 0x80000000ULL - (i + 1) * size;
			want[i] = (struct fc_seg){ iovas[i], pas[i], size, 1 };
			fc_map_ok(&t, iovas[i], pas[i], size, f->prot);
		}
		fc_expect(&t, "one leaf per iova", f->prot, want, 3);
		for (i = 0; i < 3; i++) {
			u64 off = size / 2 + 0x123;

			fc_walk_expect(&t, iovas[i], pas[i], size, f->prot);
			fc_walk_expect(&t, iovas[i] + off, pas[i] + off, size,
				       f->prot);
			fc_walk_expect(&t, iovas[i] + size - 1,
				       pas[i] + size - 1, size, f->prot);
			fc_hidden_path(&t, iovas[i]);
			/* The neighbours, unless another of the leaves. */
			if (!fc_in(iovas, 3, size, iovas[i] - 1))
				fc_walk_none(&t, iovas[i] - 1, -ENOENT);
			if (i < 2 && !fc_in(iovas, 3, size, iovas[i] + size))
				fc_walk_none(&t, iovas[i] + size, -ENOENT);
		}
		fc_walk_none(&t, fc_top(&t), -EINVAL);
		for (i = 0; i < 3; i++)
			fc_unmap_expect(&t, iovas[i], size, 0, size);
		EXPECT_EMPTY(&t, "after unmap");
		CHECK_INT(t.ctx.live_tables, 1, "tables after unmap");
		/* And again, in one place: nothing was left behind. */
		fc_map_ok(&t, iovas[1], pas[1], size, f->prot);
		fc_walk_expect(&t, iovas[1], pas[1], size, f->prot);
		fc_unmap_expect(&t, iovas[1], size, 0, size);
		CHECK_INT(t.ctx.live_tables, 1, "tables after remap+unmap");
		fc_free(&t);
	}
}

/*
 * The largest page at the very top of the input range, and past it; then
 * the smallest one there, with a table at every level.
 */
void fc_sem_largest_at_top(const struct fc_fmt *f,
			   const struct pt_params *params)
{
	u64 big, small, iova, pa, mapped;
	struct fc_tree t;

	if (!fc_new(&t, f, params))
		return;
	big = 1ULL << (fls64(t.pt.cfg.pgsize_bitmap) - 1);
	small = t.pt.cfg.pgsize_bitmap & -t.pt.cfg.pgsize_bitmap;
	iova = fc_top(&t) - big;
	pa = big < SZ_1G ? 0x40000000ULL : big;
	fc_map_ok(&t, iova, pa, big, f->prot);
	fc_walk_expect(&t, fc_top(&t) - 1, pa + big - 1, big, f->prot);
	fc_walk_expect(&t, iova, pa, big, f->prot);
	fc_walk_none(&t, fc_top(&t), -EINVAL);
	CHECK_INT(fc_map(&t, fc_top(&t) - small, 0, 2 * small, f->prot,
			 &mapped), -EINVAL, "map past the top");
	fc_unmap_expect(&t, iova, big, 0, big);
	/* The last small page too, with the tables down to level 0. */
	fc_map_ok(&t, fc_top(&t) - small, 0x5 * small, small, f->prot);
	fc_walk_expect(&t, fc_top(&t) - 1, 0x6 * small - 1, small, f->prot);
	CHECK_INT(t.ctx.live_tables, t.pt.cfg.levels, "tables for one page");
	fc_unmap_expect(&t, fc_top(&t) - small, small, 0, small);
	CHECK_INT(t.ctx.live_tables, 1, "tables after unmap");
	fc_free(&t);
}

/*
 * Every permission combination: check_prot through the engine agrees with
 * @f->valid; each valid one maps a page whose walk reports it, both from
 * the engine and from the reference walker; invalid ones allocate nothing.
 */
void fc_sem_prots(const struct fc_fmt *f, const struct pt_params *params)
{
	struct fc_tree t;
	u64 small;
	u32 prot;

	if (!fc_new(&t, f, params))
		return;
	small = t.pt.cfg.pgsize_bitmap & -t.pt.cfg.pgsize_bitmap;
	for (prot = 0; prot <= PT_PROT_ALL; prot++) {
		u64 iova = 0x10000000ULL + prot * SZ_2M;
		u64 pa = 0x20000000ULL + prot * SZ_2M;
		unsigned long allocs = t.ctx.alloc_calls;
		int want = f->valid(&t.pt.cfg, prot);

		CHECK_INT(pt_check_prot(&t.pt.cfg, prot), want, "check_prot");
		if (want) {
			fc_map_fails(&t, iova, pa, small, prot, want, 0);
			CHECK(t.ctx.alloc_calls == allocs,
			      "prot %#x refused after allocating", prot);
			continue;
		}
		fc_map_ok(&t, iova, pa, small, prot);
		fc_map_ok(&t, iova + SZ_2M / 2, pa + SZ_2M / 2, small, prot);
		fc_walk_expect(&t, iova + 8, pa + 8, small, prot);
		fc_walk_expect(&t, iova + SZ_2M / 2, pa + SZ_2M / 2, small,
			       prot);
	}
	fc_free(&t);
}

/* 1G + 2M + 4K in one call: one leaf of each size, largest first. */
void fc_sem_mixed(const struct fc_fmt *f, const struct pt_params *params)
{
	const struct fc_seg want[] = {
		{ SZ_1G, 0x1c0000000ULL, SZ_1G, 1 },
		{ 2 * SZ_1G, 0x200000000ULL, SZ_2M, 1 },
		{ 2 * SZ_1G + SZ_2M, 0x200200000ULL, SZ_4K, 1 },
	};
	struct fc_tree t;

	if (!fc_new(&t, f, params))
		return;
	fc_map_ok(&t, SZ_1G, 0x1c0000000ULL, SZ_1G + SZ_2M + SZ_4K, f->prot);
	fc_expect(&t, "1G 2M 4K", f->prot, want, TH_ARRAY_SIZE(want));
	fc_walk_expect(&t, SZ_1G + 0x12345, 0x1c0012345ULL, SZ_1G, f->prot);
	fc_walk_expect(&t, 2 * SZ_1G + 0x1234, 0x200001234ULL, SZ_2M,
		       f->prot);
	fc_walk_expect(&t, 2 * SZ_1G + SZ_2M + 0xfff, 0x200200fffULL, SZ_4K,
		       f->prot);
	fc_walk_none(&t, 2 * SZ_1G + SZ_2M + SZ_4K, -ENOENT);
	/* A pa only 2M-aligned under a 1G-aligned iova: 512 blocks. */
	fc_unmap_expect(&t, SZ_1G, SZ_1G + SZ_2M + SZ_4K, 0,
			SZ_1G + SZ_2M + SZ_4K);
	fc_map_ok(&t, SZ_1G, 0x1c0200000ULL, SZ_1G, f->prot);
	fc_walk_expect(&t, 2 * SZ_1G - 1, 0x2001fffffULL, SZ_2M, f->prot);
	fc_unmap_expect(&t, SZ_1G, SZ_1G, 0, SZ_1G);
	CHECK_INT(t.ctx.live_tables, 1, "tables after unmap");
	fc_free(&t);
}

/* A map over anything mapped is refused and leaves it as it was. */
void fc_sem_overlap(const struct fc_fmt *f, const struct pt_params *params)
{
	u64 x = 0x40000000, y = 0x80200000, w = 0x140000000ULL;
	u32 prot = f->prot;
	struct fc_list before;
	struct fc_tree t;
	long tables;

	if (!fc_new(&t, f, params))
		return;
	fc_map_ok(&t, y, 0x400000, SZ_2M, prot);
	fc_map_ok(&t, w, 0x40000000, SZ_1G, prot);
	fc_map_ok(&t, x + SZ_4K, 0xa000, SZ_4K, prot);
	fc_list_tree(&t, &before);
	tables = t.ctx.live_tables;

	/* Inside a 2M leaf, the 2M leaf again, a 2M inside the 1G leaf. */
	fc_map_fails(&t, y + SZ_4K, 0xc000, SZ_4K, prot, -EADDRINUSE, 0);
	fc_map_fails(&t, y, 0xc00000, SZ_2M, prot, -EADDRINUSE, 0);
	fc_map_fails(&t, w + SZ_2M, 0x600000, SZ_2M, prot, -EADDRINUSE, 0);
	fc_map_fails(&t, w, 0x80000000, SZ_1G, prot, -EADDRINUSE, 0);
	/* A 2M leaf over the table that holds the 4K page. */
	fc_map_fails(&t, x, 0x600000, SZ_2M, prot, -EADDRINUSE, 0);
	/* A 1G leaf over the tables holding the 2M leaf. */
	fc_map_fails(&t, 0x80000000, 0x80000000, SZ_1G, prot, -EADDRINUSE, 0);
	fc_same(&t, &before, tables, "after refused maps");
	fc_list_fini(&before);

	/* A range running into a leaf maps up to it and reports that. */
	fc_map_fails(&t, y - 2 * SZ_4K, 0xd000, 3 * SZ_4K, prot, -EADDRINUSE,
		     2 * SZ_4K);
	fc_walk_expect(&t, y - SZ_4K, 0xe000, SZ_4K, prot);
	fc_walk_expect(&t, y + SZ_4K, 0x401000, SZ_2M, prot);
	fc_walk_expect(&t, w + SZ_2M, 0x40200000, SZ_1G, prot);
	fc_walk_expect(&t, x + SZ_4K, 0xa000, SZ_4K, prot);
	fc_walk_none(&t, x, -ENOENT);
	fc_free(&t);
}

/*
 * Unmap: stops at a hole; refuses to start inside a leaf; a range ending
 * inside a leaf removes it whole; tables go with their last leaf; the
 * range maps again afterwards.
 */
void fc_sem_unmap(const struct fc_fmt *f, const struct pt_params *params)
{
	u64 x = 0x12340000, y = 0x40200000, w = 0x80000000;
	u32 prot = f->prot;
	struct fc_list before;
	struct fc_tree t;
	long tables;

	if (!fc_new(&t, f, params))
		return;
	/* A hole after two pages: success with what was removed. */
	fc_map_ok(&t, x, 0x1000, 2 * SZ_4K, prot);
	fc_map_ok(&t, x + 3 * SZ_4K, 0x9000, SZ_4K, prot);
	fc_unmap_expect(&t, x, 4 * SZ_4K, 0, 2 * SZ_4K);
	fc_walk_none(&t, x, -ENOENT);
	fc_walk_expect(&t, x + 3 * SZ_4K, 0x9000, SZ_4K, prot);
	fc_unmap_expect(&t, x + 2 * SZ_4K, 2 * SZ_4K, -ENOENT, 0);
	fc_unmap_expect(&t, x + 3 * SZ_4K, SZ_4K, 0, SZ_4K);
	CHECK_INT(t.ctx.live_tables, 1, "tables after the pages");

	/* Large leaves: never split. */
	fc_map_ok(&t, y - SZ_4K, 0x1ff000, SZ_4K, prot);
	fc_map_ok(&t, y, 0x200000, SZ_2M, prot);
	fc_map_ok(&t, w, 0x40000000, SZ_1G, prot);
	fc_list_tree(&t, &before);
	tables = t.ctx.live_tables;
	fc_unmap_expect(&t, y + SZ_4K, SZ_4K, -EINVAL, 0);
	fc_unmap_expect(&t, y + SZ_2M - SZ_4K, SZ_1G, -EINVAL, 0);
	fc_unmap_expect(&t, w + SZ_2M, SZ_2M, -EINVAL, 0);
	fc_same(&t, &before, tables, "after refused unmaps");
	fc_list_fini(&before);
	/* A page and the first 4K of the 2M leaf: the leaf goes whole. */
	fc_unmap_expect(&t, y - SZ_4K, 2 * SZ_4K, 0, SZ_4K + SZ_2M);
	fc_walk_none(&t, y + SZ_2M - 1, -ENOENT);
	fc_unmap_expect(&t, w, SZ_4K, 0, SZ_1G);
	fc_walk_none(&t, w + SZ_1G - 1, -ENOENT);
	EXPECT_EMPTY(&t, "all unmapped");
	CHECK_INT(t.ctx.live_tables, 1, "tables after unmap");

	/* Remap after unmap, with other sizes at the same places. */
	fc_map_ok(&t, y, 0x600000, SZ_2M, prot);
	fc_map_ok(&t, w, 0x1234000, SZ_4K, prot);
	fc_walk_expect(&t, y + 0x10, 0x600010, SZ_2M, prot);
	fc_walk_expect(&t, w + 0x10, 0x1234010, SZ_4K, prot);
	fc_unmap_expect(&t, y, SZ_2M, 0, SZ_2M);
	fc_unmap_expect(&t, w, SZ_4K, 0, SZ_4K);
	CHECK_INT(t.ctx.live_tables, 1, "tables after the remaps");
	fc_free(&t);
}

/* The scenarios that take their sizes from the tree. */
void fc_sem_sizes(const struct fc_fmt *f, const struct pt_params *params)
{
	fc_sem_page_sizes(f, params);
	fc_sem_largest_at_top(f, params);
	fc_sem_prots(f, params);
}

/* Every scenario, for trees with 4K pages and 2M and 1G leaves. */
void fc_sem_all(const struct fc_fmt *f, const struct pt_params *params)
{
	fc_sem_sizes(f, params);
	fc_sem_mixed(f, params);
	fc_sem_overlap(f, params);
	fc_sem_unmap(f, params);
}
