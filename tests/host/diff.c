// SPDX-License-Identifier: GPL-2.0
/*
 * The differential driver: apply each operation to the engine and to the
 * model, compare everything the engine reports, and translate what walks
 * and audits look at with the format's reference walker too; and the
 * generator that turns a source of choices into operations that collide
 * often, with sizes and alignments taken from the space's page sizes.
 */
#include <stdio.h>
#include <stdlib.h>

#include "diff.h"

/*
 * The more leaves are mapped, the more often the generator unmaps instead
 * of mapping, never mapping past this many.
 */
#define DIFF_LEAF_LIMIT		40000
/*
 * Leaves one map may take, counted in the largest page its alignment
 * allows: usually, at most (about a block's worth of the next size down).
 */
#define DIFF_MAP_LEAVES		32
#define DIFF_MAP_LEAVES_MAX	528
/* The windows the operations concentrate on: a quarter of the space, 4G. */
#define DIFF_WINDOW_MAX		(4 * SZ_1G)

/* Up to @n - 1: from the generator, or from as many input bytes as needed. */
u64 src_below(struct src *s, u64 n)
{
	u64 z = 0;
	unsigned int i;

	if (n <= 1)
		return 0;
	if (!s->data) {
		/* splitmix64 */
		z = (s->state += 0x9e3779b97f4a7c15ULL);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		return (z ^ (z >> 31)) % n;
	}
	for (i = 0; i < 64 && (n - 1) >> i; i += 8, s->pos++)
		if (s->pos < s->len)
			z |= (u64)s->data[s->pos] << i;
	return z % n;
}

bool src_chance(struct src *s, unsigned int percent)
{
	return src_below(s, 100) < percent;
}

bool src_exhausted(const struct src *s)
{
	return s->data && s->pos >= s->len;
}

static void diff_list_add(struct diff *d, const struct pt_leaf *leaf)
{
	d->list = th_grow(d->list, d->nr_list, &d->max_list, sizeof(*d->list));
	d->list[d->nr_list++] = *leaf;
}

static const char *diff_name(const struct diff *d)
{
	return ref_space_name(d->space);
}

static u64 diff_last(const struct diff *d)
{
	return model_last_iova(&d->m);
}

/* The engine level of leaves of @size, as the format's reference has it. */
static unsigned int diff_level(const struct diff *d, u64 size)
{
	return fc_level(&d->t, size);
}

/*
 * A tree of @space and its model. Windows of a quarter of the space at
 * most, 4G at most: at the bottom, across the middle (a top-level index
 * boundary) and at the top.
 */
bool diff_init(struct diff *d, const struct ref_space *space)
{
	const struct pt_cfg *cfg;
	u64 last, w, bitmap;
	u32 prot;

	*d = (struct diff){ .space = space };
	if (!ref_space_new(&d->t, space))
		return false;
	/* The audits check that; at every flush it would be too slow. */
	d->t.ctx.check_unlinked = false;
	cfg = &d->t.pt.cfg;
	d->base = cfg->iova_base;
	model_init(&d->m, cfg->ias, cfg->oas, cfg->pgsize_bitmap);
	for (prot = 0; prot <= PT_PROT_ALL; prot++)
		d->m.prot_err[prot] = space->f->valid(cfg, prot);
	for (bitmap = cfg->pgsize_bitmap; bitmap; bitmap &= bitmap - 1)
		d->sizes[d->nr_sizes++] = bitmap & -bitmap;
	last = diff_last(d);
	w = min((last >> 2) + 1, DIFF_WINDOW_MAX);
	d->win[0] = (struct diff_window){ 0, w };
	d->win[1] = (struct diff_window){ (last >> 1) + 1 - w / 2, w };
	d->win[2] = (struct diff_window){ last - w + 1, w };
	d->nr_win = 3;
	return true;
}

static bool diff_same_leaf(const struct diff *d, const struct pt_leaf *e,
			   const struct model_leaf *m)
{
	return e->iova - d->base == m->iova && e->pa == m->pa &&
	       e->size == m->size &&
	       e->prot == m->prot && e->level == diff_level(d, m->size);
}

/* Compare leaves the engine reported with those the model expects. */
static bool diff_leaves(const struct diff *d, const char *what,
			const struct pt_leaf *e, size_t ne,
			const struct model_leaf *m, size_t nm)
{
	size_t i;

	for (i = 0; i < ne && i < nm; i++) {
		if (diff_same_leaf(d, &e[i], &m[i]))
			continue;
		return CHECK(false,
			     "%s: %s: leaf %zu is iova %#llx pa %#llx size %#llx prot %#x level %u, model iova %#llx pa %#llx size %#llx prot %#x",
			     diff_name(d), what, i,
			     (unsigned long long)e[i].iova,
			     (unsigned long long)e[i].pa,
			     (unsigned long long)e[i].size, e[i].prot,
			     e[i].level, (unsigned long long)(d->base + m[i].iova),
			     (unsigned long long)m[i].pa,
			     (unsigned long long)m[i].size, m[i].prot);
	}
	return CHECK(ne == nm, "%s: %s: %zu leaves, model %zu", diff_name(d),
		     what, ne, nm);
}

/*
 * Map @chunk bytes from @pa, then the @nr_pages pages of @page_size at
 * @pages (pt_map_src()); without pages, through pt_map().
 */
void diff_map_src(struct diff *d, u64 iova, u64 pa, u64 chunk,
		  const u64 *pages, size_t nr_pages, u64 page_size, u32 prot,
		  u64 pgsizes)
{
	struct pt_map_src src = {
		.pa = pa, .chunk = chunk, .pages = pages,
		.nr_pages = nr_pages, .page_size = page_size,
	};
	struct host_gather *g = &d->t.g;
	u64 size = chunk + nr_pages * page_size, mapped, model_mapped;
	size_t before = d->m.nr_leaves;
	int ret, model_ret;

	if (pages)
		ret = pt_map_src(&d->t.pt, d->base + iova, &src, size, prot,
				 pgsizes, &g->pt, &mapped);
	else
		ret = pt_map(&d->t.pt, d->base + iova, pa, size, prot, pgsizes,
			     &g->pt, &mapped);
	model_ret = model_map_src(&d->m, iova, pa, chunk, pages, nr_pages,
				  page_size, prot, pgsizes, &model_mapped);
	CHECK(ret == model_ret && mapped == model_mapped,
	      "%s: map(iova %#llx, pa %#llx, size %#llx, prot %#x, pgsizes %#llx, %zu pages) is %s with %#llx mapped, model %s with %#llx",
	      diff_name(d), (unsigned long long)(d->base + iova),
	      (unsigned long long)pa,
	      (unsigned long long)size, prot, (unsigned long long)pgsizes,
	      nr_pages, th_errname(ret), (unsigned long long)mapped,
	      th_errname(model_ret), (unsigned long long)model_mapped);
	CHECK(!g->nr_leaves, "%s: map removed %zu leaves", diff_name(d),
	      g->nr_leaves);
	host_flush(g, &d->t.pt);
	d->st.map[model_ret == 0 ? 0 : model_ret == -EADDRINUSE ? 1 :
		  model_ret == -EINVAL ? 2 : 3]++;
	if (pages)
		d->st.map_pages++;
	d->st.leaves_mapped += d->m.nr_leaves - before;
}

void diff_map(struct diff *d, u64 iova, u64 pa, u64 size, u32 prot,
	      u64 pgsizes)
{
	diff_map_src(d, iova, pa, size, NULL, 0, 0, prot, pgsizes);
}

void diff_unmap(struct diff *d, u64 iova, u64 size)
{
	struct host_gather *g = &d->t.g;
	u64 unmapped, model_unmapped;
	int ret, model_ret;

	ret = pt_unmap(&d->t.pt, d->base + iova, size, &g->pt, &unmapped);
	model_ret = model_unmap(&d->m, iova, size, &model_unmapped);
	CHECK(ret == model_ret && unmapped == model_unmapped,
	      "%s: unmap(iova %#llx, size %#llx) is %s with %#llx unmapped, model %s with %#llx",
	      diff_name(d), (unsigned long long)(d->base + iova),
	      (unsigned long long)size, th_errname(ret),
	      (unsigned long long)unmapped, th_errname(model_ret),
	      (unsigned long long)model_unmapped);
	diff_leaves(d, "leaves removed by unmap", g->leaves, g->nr_leaves,
		    d->m.removed.leaf, d->m.removed.nr);
	host_flush(g, &d->t.pt);
	if (model_ret)
		d->st.unmap[model_ret == -ENOENT ? 2 : 3]++;
	else
		d->st.unmap[model_unmapped < size ? 1 : 0]++;
}

/*
 * The entries a walk of @iova (the engine's) read: tables down to a leaf
 * or an empty entry, as the format classifies them, and exactly those the
 * reference walker read.
 */
static void diff_walk_entries(struct diff *d, u64 iova,
			      const struct pt_walk_result *res,
			      const struct fc_ref *ref, enum pt_entry_kind last)
{
	const struct pt_cfg *cfg = &d->t.pt.cfg;
	unsigned int i, level, above;
	bool two;

	if (!CHECK(res->nr_entries >= 1 &&
		   res->nr_entries <= PT_MAX_WALK_WORDS &&
		   res->nr_entries == ref->nr,
		   "%s: walk(%#llx) read %u entries, the reference %u",
		   diff_name(d), (unsigned long long)iova, res->nr_entries,
		   ref->nr))
		return;
	for (i = 0; i < res->nr_entries; i++) {
		enum pt_entry_kind want = i + 1 < res->nr_entries ?
					  PT_ENTRY_TABLE : last;

		CHECK(res->entries[i] == ref->entries[i],
		      "%s: walk(%#llx): entry %u is %#llx, the reference read %#llx",
		      diff_name(d), (unsigned long long)iova, i,
		      (unsigned long long)res->entries[i],
		      (unsigned long long)ref->entries[i]);
		level = res->entry_levels[i];
		/* Down from the root (AMD v1 may skip); two words at one. */
		two = cfg->lvl[level].dual || cfg->lvl[level].pair;
		above = i ? res->entry_levels[i - 1] : cfg->levels;
		CHECK(level < above || (level == above && two),
		      "%s: walk(%#llx): entry %u at level %u",
		      diff_name(d), (unsigned long long)iova, i, level);
		CHECK(i || level == cfg->levels - 1, "%s: walk(%#llx): root",
		      diff_name(d), (unsigned long long)iova);
		/* The words of a two-word entry or a pair are not all tables. */
		if (two)
			continue;
		CHECK(cfg->fmt->kind(cfg, level, res->entries[i]) == want,
		      "%s: walk(%#llx): entry %u (%#llx) is not of kind %d",
		      diff_name(d), (unsigned long long)iova, i,
		      (unsigned long long)res->entries[i], want);
	}
}

/* The reference walk of @iova (the model's) in the leaf @m finds the leaf. */
static bool diff_ref_found(struct diff *d, u64 iova,
			   const struct model_leaf *m, const struct fc_ref *ref,
			   int ref_ret)
{
	return CHECK(!ref_ret && ref->pa == m->pa + (iova - m->iova) &&
		     ref->size == m->size && ref->prot == m->prot &&
		     ref->level == diff_level(d, m->size),
		     "%s: reference walk(%#llx) is %s: pa %#llx size %#llx prot %#x level %u, model iova %#llx pa %#llx size %#llx prot %#x",
		     diff_name(d), (unsigned long long)(d->base + iova),
		     th_errname(ref_ret), (unsigned long long)ref->pa,
		     (unsigned long long)ref->size, ref->prot, ref->level,
		     (unsigned long long)(d->base + m->iova),
		     (unsigned long long)m->pa,
		     (unsigned long long)m->size, m->prot);
}

/* One IOVA through the engine, the model and the reference walker. */
void diff_walk(struct diff *d, u64 iova)
{
	struct pt_walk_result res;
	struct model_leaf m;
	struct fc_ref ref;
	int ret, ref_ret, want = -ENOENT;
	unsigned int level;

	ret = pt_walk(&d->t.pt, d->base + iova, &res);
	ref_ret = fc_ref_walk(&d->t, d->base + iova, &ref);
	if (iova > diff_last(d))
		want = -EINVAL;
	else if (model_lookup(&d->m, iova, &m))
		want = 0;
	d->st.walk[want == 0 ? 0 : want == -ENOENT ? 1 : 2]++;
	if (!CHECK(ret == want && (!want || ref_ret == want),
		   "%s: walk(%#llx) is %s, the reference's %s, model %s",
		   diff_name(d), (unsigned long long)(d->base + iova),
		   th_errname(ret), th_errname(ref_ret), th_errname(want)))
		return;
	if (want == -EINVAL) {
		CHECK(!res.nr_entries, "%s: walk(%#llx) out of range read %u",
		      diff_name(d), (unsigned long long)(d->base + iova),
		      res.nr_entries);
		return;
	}
	if (want == -ENOENT) {
		diff_walk_entries(d, d->base + iova, &res, &ref,
				  PT_ENTRY_EMPTY);
		return;
	}
	level = diff_level(d, m.size);
	CHECK(res.leaf.iova - d->base == m.iova && res.leaf.size == m.size &&
	      res.leaf.pa == m.pa + (iova - m.iova) &&
	      res.leaf.prot == m.prot && res.leaf.level == level,
	      "%s: walk(%#llx) found iova %#llx pa %#llx size %#llx prot %#x level %u, model iova %#llx pa %#llx size %#llx prot %#x",
	      diff_name(d), (unsigned long long)(d->base + iova),
	      (unsigned long long)res.leaf.iova,
	      (unsigned long long)res.leaf.pa,
	      (unsigned long long)res.leaf.size, res.leaf.prot,
	      res.leaf.level, (unsigned long long)(d->base + m.iova),
	      (unsigned long long)m.pa, (unsigned long long)m.size, m.prot);
	if (diff_ref_found(d, iova, &m, &ref, ref_ret))
		diff_walk_entries(d, d->base + iova, &res, &ref,
				  PT_ENTRY_LEAF);
}

/* A run is collected as its leaves; the visitor may stop inside one. */
static int diff_collect(struct pt_run_visitor *visitor,
			const struct pt_run *run)
{
	struct diff *d = container_of(visitor, struct diff, visitor);
	struct pt_leaf leaf;
	u64 off;

	for (off = 0; off < run->size; off += run->pgsize) {
		leaf = (struct pt_leaf){
			.iova = run->iova + off, .pa = run->pa + off,
			.size = run->pgsize, .prot = run->prot,
			.level = run->level,
		};
		diff_list_add(d, &leaf);
		if (d->stop_after && d->nr_list == d->stop_after)
			return 1;
	}
	return 0;
}

/*
 * pt_iterate() over a range, stopped by the visitor after @stop_after
 * leaves unless 0, and pt_range_mapped() over the same range.
 */
void diff_range(struct diff *d, u64 iova, u64 size, size_t stop_after)
{
	size_t want_nr;
	int ret;
	bool stopped, mapped;

	d->nr_list = 0;
	d->stop_after = stop_after;
	d->visitor.run = diff_collect;
	ret = pt_iterate(&d->t.pt, d->base + iova, size, &d->visitor);
	d->mlist.nr = 0;
	model_collect(&d->m, iova, size, &d->mlist);
	stopped = stop_after && d->mlist.nr >= stop_after;
	want_nr = stopped ? stop_after : d->mlist.nr;
	CHECK(ret == stopped, "%s: iterate(%#llx, %#llx) returned %d, expected %d",
	      diff_name(d), (unsigned long long)(d->base + iova),
	      (unsigned long long)size, ret, stopped);
	if (!diff_leaves(d, "iterate", d->list, d->nr_list, d->mlist.leaf,
			 want_nr))
		printf("#   iterate(iova %#llx, size %#llx, stop after %zu)\n",
		       (unsigned long long)(d->base + iova),
		       (unsigned long long)size, stop_after);
	mapped = pt_range_mapped(&d->t.pt, d->base + iova, size);
	CHECK(mapped == (d->mlist.nr > 0),
	      "%s: range_mapped(%#llx, %#llx) is %d, model has %zu leaves",
	      diff_name(d), (unsigned long long)(d->base + iova),
	      (unsigned long long)size, mapped, d->mlist.nr);
	d->st.range++;
}

/*
 * Every leaf of the tree and every table, against the model; the
 * reference walker translates the first and the last byte of every leaf
 * the model has from the raw tables, and where the format wants every
 * entry of a leaf the same, finds the same entry at both.
 */
void diff_audit(struct diff *d)
{
	struct fc_ref first, last;
	size_t i;
	int ret;

	diff_range(d, 0, ~0ULL, 0);
	for (i = 0; i < d->mlist.nr; i++) {
		const struct model_leaf *m = &d->mlist.leaf[i];
		u64 end = m->iova + m->size - 1;

		ret = fc_ref_walk(&d->t, d->base + m->iova, &first);
		if (!diff_ref_found(d, m->iova, m, &first, ret))
			break;
		ret = fc_ref_walk(&d->t, d->base + end, &last);
		if (!diff_ref_found(d, end, m, &last, ret))
			break;
		if (d->space->f->same_replicas &&
		    !CHECK(first.entries[first.nr - 1] ==
			   last.entries[last.nr - 1],
			   "%s: leaf %#llx of %#llx: first entry %#llx, last %#llx",
			   diff_name(d), (unsigned long long)m->iova,
			   (unsigned long long)m->size,
			   (unsigned long long)first.entries[first.nr - 1],
			   (unsigned long long)last.entries[last.nr - 1]))
			break;
	}
	host_check_tree(&d->t.pt, &d->t.ctx);
	d->st.audits++;
}

/* Destroy the tree: it reports every leaf the model has and frees all. */
void diff_fini(struct diff *d)
{
	struct host_gather *g = &d->t.g;

	pt_space_destroy(&d->t.pt, &g->pt);
	d->mlist.nr = 0;
	model_collect(&d->m, 0, ~0ULL, &d->mlist);
	diff_leaves(d, "leaves removed by destroy", g->leaves, g->nr_leaves,
		    d->mlist.leaf, d->mlist.nr);
	fc_free(&d->t);
	model_fini(&d->m);
	model_list_fini(&d->mlist);
	free(d->list);
	d->list = NULL;
}

/* ---- The generator ---- */

static u64 diff_window_size(const struct diff *d)
{
	return d->win[0].size;
}

/* The largest page size of the space up to @limit, else the smallest. */
static u64 diff_size_upto(const struct diff *d, u64 limit)
{
	unsigned int i;

	for (i = d->nr_sizes; i-- > 1;)
		if (d->sizes[i] <= limit)
			return d->sizes[i];
	return d->sizes[0];
}

/* Any page size of the space up to @limit (the smallest at least). */
static u64 diff_any_size(const struct diff *d, struct src *s, u64 limit)
{
	unsigned int nr = 1;

	while (nr < d->nr_sizes && d->sizes[nr] <= limit)
		nr++;
	return d->sizes[src_below(s, nr)];
}

/* A block: a size above the smallest that fits a window several times. */
static u64 diff_block(const struct diff *d, struct src *s)
{
	u64 block = diff_any_size(d, s, diff_window_size(d) / 8);

	return block > d->sizes[0] ? block : 16 * d->sizes[0];
}

static u64 gen_iova(struct diff *d, struct src *s, u64 align)
{
	const struct diff_window *w = &d->win[src_below(s, d->nr_win)];

	return w->base + src_below(s, w->size / align) * align;
}

/*
 * Mostly every page size; else a subset; rarely all of them and one the
 * space lacks (a random one, else the half of its smallest).
 */
static u64 gen_pgsizes(struct diff *d, struct src *s)
{
	u64 all = d->m.pgsize_bitmap, r = src_below(s, 100), pick, out = 0;
	unsigned int i, bit;

	if (r < 60)
		return all;
	if (r < 97) {
		pick = src_below(s, 1ULL << min(d->nr_sizes, 63U));
		for (i = 0; i < d->nr_sizes; i++)
			if (pick & BIT_ULL(i))
				out |= d->sizes[i];
		return out ? out : all;
	}
	bit = src_below(s, 64);
	if (all & BIT_ULL(bit))
		bit = __builtin_ctzll(all) - 1;
	return all | BIT_ULL(bit);
}

/* A few pages, or a few blocks give or take a few pages. */
static u64 gen_size(struct diff *d, struct src *s, u64 min)
{
	u64 size, block, delta;

	if (src_chance(s, 60))
		return (1 + src_below(s, 16)) * min;
	block = diff_block(d, s);
	size = (1 + src_below(s, 4)) * block;
	/* A few pages more, or (costly: a block's worth of pages) fewer. */
	delta = src_below(s, 17) * min;
	if (src_chance(s, 90))
		size += delta;
	else if (size > delta)
		size -= delta;
	size &= ~(min - 1);
	return size ? size : min;
}

/* About the largest page a window holds a few of, or several of them. */
static u64 gen_large_size(struct diff *d, struct src *s, u64 min)
{
	u64 large = diff_size_upto(d, diff_window_size(d) / 4);
	u64 below = diff_size_upto(d, large / 2), size;
	long long k;

	if (src_chance(s, 10)) {
		size = src_below(s, 4) * large + src_below(s, 512) * below +
		       src_below(s, 512) * min;
	} else {
		k = (long long)src_below(s, 9) - 4;
		size = large + src_below(s, 4) * min;
		if (k >= 0)
			size += k * below;
		else if (size > -k * below)
			size -= -k * below;
	}
	size &= ~(min - 1);
	return size ? size : min;
}

/*
 * Often what a THP or hugetlb mapping gives: pa and iova congruent modulo
 * the largest page, or another one; else aligned to the smallest page
 * only, or at the top of the output range.
 */
static u64 gen_pa(struct diff *d, struct src *s, u64 iova, u64 min)
{
	u64 top = 1ULL << d->m.oas, r = src_below(s, 100), c;

	if (r < 75) {
		c = r < 50 ? diff_size_upto(d, top / 2) :
		    diff_any_size(d, s, top / 2);
		return src_below(s, top / c) * c | (iova & (c - 1));
	}
	if (r < 97)
		return src_below(s, top / min) * min;
	return top - (1 + src_below(s, 4)) * min;
}

/* Mostly a combination the format takes; else any, most of them not. */
static u32 gen_prot(struct diff *d, struct src *s)
{
	u32 valid[PT_PROT_ALL + 1], prot;
	unsigned int nr = 0;

	if (src_chance(s, 6))
		return src_below(s, PT_PROT_ALL + 1);
	for (prot = 0; prot <= PT_PROT_ALL; prot++)
		if (!d->m.prot_err[prot])
			valid[nr++] = prot;
	return nr ? valid[src_below(s, nr)] : 0;
}

/*
 * Keep the number of leaves of one map reasonable: where it would take
 * more than DIFF_MAP_LEAVES_MAX leaves (the largest pages first, as the
 * engine and the model map), map only the first DIFF_MAP_LEAVES of them,
 * or sometimes the first DIFF_MAP_LEAVES_MAX.
 */
static u64 gen_clamp(struct src *s, u64 iova, u64 pa, u64 size, u64 pgsizes)
{
	u64 left = size, usual = size, most = size, sizes, one, pick;
	unsigned int n = 0;

	while (left && n <= DIFF_MAP_LEAVES_MAX) {
		pick = 0;
		for (sizes = pgsizes; sizes; sizes &= sizes - 1) {
			one = sizes & -sizes;
			if (one <= left && !((iova | pa) & (one - 1)))
				pick = one;
		}
		if (!pick)
			break;
		iova += pick;
		pa += pick;
		left -= pick;
		if (++n == DIFF_MAP_LEAVES)
			usual = size - left;
		if (n == DIFF_MAP_LEAVES_MAX)
			most = size - left;
	}
	if (n <= DIFF_MAP_LEAVES_MAX)
		return size;
	return src_chance(s, 10) ? most : usual;
}

/*
 * One or two pages of a size the windows hold few of, anywhere in the
 * space: 1G, 512G, 16G contiguous runs, 4T blocks, up to AMD's 2^51.
 */
static void gen_huge_map(struct diff *d, struct src *s)
{
	u64 last = diff_last(d), top = 1ULL << d->m.oas, huge, iova, pa, size;
	unsigned int first = 0, nr = d->nr_sizes;

	/* The sizes above a quarter window that the space holds. */
	while (nr > 1 && d->sizes[nr - 1] - 1 > last)
		nr--;
	while (first < nr - 1 && d->sizes[first] <= diff_window_size(d) / 4)
		first++;
	huge = d->sizes[first + src_below(s, nr - first)];
	iova = src_below(s, last / huge + 1) * huge;
	size = last - iova >= 2 * huge - 1 && src_chance(s, 50) ?
	       2 * huge : huge;
	pa = top > huge ? src_below(s, top / huge) * huge :
	     src_below(s, top / d->sizes[0]) * d->sizes[0];
	size = gen_clamp(s, iova, pa, size, d->m.pgsize_bitmap);
	diff_map(d, iova, pa, size, gen_prot(d, s), d->m.pgsize_bitmap);
}

/* An alignment: the smallest page, mostly a block, the largest page. */
static u64 gen_align(struct diff *d, struct src *s, bool large)
{
	u64 quarter = diff_window_size(d) / 4;

	if (large && src_chance(s, 70))
		return diff_size_upto(d, quarter);
	if (src_chance(s, 20))
		return d->sizes[0];
	if (src_chance(s, 75))
		return diff_block(d, s);
	return diff_any_size(d, s, quarter);
}

/*
 * A map of pinned pages as the address spaces make them: a first chunk,
 * then 4K pages in runs, mostly aligned to the smallest page, some of them
 * a whole THP (2M, aligned, congruent with its IOVA).
 */
static void gen_map_pages(struct diff *d, struct src *s)
{
	u64 pgsizes = gen_pgsizes(d, s), min = pgsizes & -pgsizes;
	u64 top = 1ULL << d->m.oas, iova, pa, chunk, at, run, k;
	u64 per = min > SZ_4K ? min / SZ_4K : 1;
	u64 align = src_chance(s, 50) ? min : diff_block(d, s);
	unsigned int runs = 1 + src_below(s, 6), r;
	size_t nr = 0;

	iova = gen_iova(d, s, align > min ? align : min);
	chunk = src_chance(s, 50) ? 0 : (1 + src_below(s, 8)) * min;
	pa = src_below(s, top / SZ_2M) * SZ_2M | (iova & (SZ_2M - 1));
	pa = min > SZ_2M ? src_below(s, top / min) * min : pa;
	at = iova + chunk;
	for (r = 0; r < runs; r++) {
		if (src_chance(s, 25) && !(at & (SZ_4K - 1))) {
			run = SZ_2M / SZ_4K;
			k = src_below(s, top / SZ_2M - 1) * SZ_2M |
			    (at & (SZ_2M - 1));
		} else {
			run = (1 + src_below(s, 8)) * per;
			k = src_below(s, top / SZ_4K - run - 1) * SZ_4K;
			/* Now and then across 2^oas, or past it. */
			if (src_chance(s, 3))
				k = top - src_below(s, 2 * run) * SZ_4K;
			if (src_chance(s, 90))
				k &= ~(min - 1);
			else if (src_chance(s, 50))
				run += 1;
		}
		for (; run && nr < DIFF_MAX_PAGES; run--, k += SZ_4K)
			d->pages[nr++] = k;
		at = iova + chunk + nr * SZ_4K;
	}
	if ((chunk + nr * SZ_4K) & (min - 1) && src_chance(s, 90))
		nr &= ~(per - 1);
	if (!chunk && !nr)
		chunk = min;
	diff_map_src(d, iova, pa, chunk, d->pages, nr, SZ_4K, gen_prot(d, s),
		     pgsizes);
}

static void gen_map(struct diff *d, struct src *s)
{
	u64 pgsizes, min, align, iova, pa, size, off;
	bool large;

	if (src_chance(s, 2)) {
		gen_huge_map(d, s);
		return;
	}
	if (src_chance(s, 15)) {
		gen_map_pages(d, s);
		return;
	}
	pgsizes = gen_pgsizes(d, s);
	min = pgsizes & -pgsizes;
	large = src_chance(s, 8);
	align = gen_align(d, s, large);
	iova = gen_iova(d, s, align > min ? align : min);
	/* A few pages off the alignment, either way. */
	off = src_below(s, 16) * min;
	if (src_chance(s, 15))
		iova += off;
	else if (src_chance(s, 15) && iova >= off)
		iova -= off;
	size = large ? gen_large_size(d, s, min) : gen_size(d, s, min);
	pa = gen_pa(d, s, iova, min);
	size = gen_clamp(s, iova, pa, size, pgsizes);
	if (src_chance(s, 2))
		iova += 0x200;
	if (src_chance(s, 2))
		pa += 0x200;
	diff_map(d, iova, pa, size, gen_prot(d, s), pgsizes);
}

static void gen_unmap(struct diff *d, struct src *s)
{
	u64 min = d->sizes[0], iova, size, skip;
	struct model_leaf first, last;
	unsigned int n;

	if (src_chance(s, 65) &&
	    model_next(&d->m, gen_iova(d, s, min), &first)) {
		/* From a leaf over a few more, which may not be contiguous. */
		last = first;
		n = src_chance(s, 70) ? src_below(s, 8) : src_below(s, 1024);
		for (; n; n--)
			if (!model_next(&d->m, last.iova + last.size, &last))
				break;
		iova = first.iova;
		size = last.iova + last.size - iova;
		switch (src_below(s, 10)) {
		case 0:
		case 1:		/* end inside the last leaf */
			size -= src_below(s, last.size / min) * min;
			break;
		case 2:		/* start inside the first leaf */
			skip = src_below(s, first.size / min) * min;
			iova += skip;
			size = size > skip ? size - skip : min;
			break;
		case 3:		/* go on past the last leaf */
			size += src_below(s, 16) * min;
			break;
		}
	} else {
		iova = gen_iova(d, s, src_chance(s, 50) ? min :
				diff_block(d, s));
		size = gen_size(d, s, min);
	}
	switch (src_below(s, 50)) {
	case 0:
		size = 0;
		break;
	case 1:
		iova += min / 2;
		break;
	case 2:		/* the last page, or just past it */
		iova = diff_last(d) + 1 - min * src_below(s, 2);
		break;
	}
	diff_unmap(d, iova, size);
}

static void gen_walk(struct diff *d, struct src *s)
{
	struct model_leaf leaf;
	u64 r = src_below(s, 100);

	if (r < 60 && model_next(&d->m, gen_iova(d, s, d->sizes[0]), &leaf))
		diff_walk(d, leaf.iova + src_below(s, leaf.size));
	else if (r < 97 || d->m.ias >= 64)
		diff_walk(d, gen_iova(d, s, 1));
	else
		diff_walk(d, diff_last(d) + 1 + src_below(s, SZ_1G));
}

static void gen_range(struct diff *d, struct src *s)
{
	u64 min = d->sizes[0], w = diff_window_size(d);
	u64 iova = gen_iova(d, s, src_chance(s, 50) ? 1 : min);
	u64 r = src_below(s, 100), size, back;
	struct model_leaf leaf;

	if (src_chance(s, 30) && model_next(&d->m, iova, &leaf)) {
		/* Ending on a leaf's first byte, or starting on its last. */
		back = src_below(s, 3 * min);
		if (src_chance(s, 50) && leaf.iova >= back)
			diff_range(d, leaf.iova - back, back + 1, 0);
		else
			diff_range(d, leaf.iova + leaf.size - 1,
				   1 + src_below(s, 3 * min), 0);
		return;
	}
	if (r < 50)
		size = 1 + src_below(s, w / 64);
	else if (r < 80)
		size = 1 + src_below(s, 2 * w);
	else if (r < 90)
		size = -iova;	/* up to the end of the 64-bit space */
	else if (r < 95)
		size = ~0ULL;	/* wraps around: clipped */
	else
		size = 0;
	diff_range(d, iova, size, src_chance(s, 30) ? 1 + src_below(s, 8) : 0);
}

/* One operation chosen by @s, applied to both and compared. */
void diff_step(struct diff *d, struct src *s)
{
	u64 r = src_below(s, 100);

	if (r < 40 && src_below(s, DIFF_LEAF_LIMIT) >= d->m.nr_leaves)
		gen_map(d, s);
	else if (r < 70)
		gen_unmap(d, s);
	else if (r < 95)
		gen_walk(d, s);
	else
		gen_range(d, s);
	d->st.ops++;
	if (d->m.nr_leaves > d->st.max_leaves)
		d->st.max_leaves = d->m.nr_leaves;
}

/* Sizes as 4K, 2M, 16G, ... in @buf. */
static const char *diff_sizes_text(u64 sizes, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	size_t used = 0;

	buf[0] = 0;
	for (; sizes && used < len; sizes &= sizes - 1) {
		unsigned int shift = __builtin_ctzll(sizes);

		used += snprintf(buf + used, len - used, "%s%llu%c",
				 used ? " " : "", 1ULL << (shift % 10),
				 units[shift / 10 - 1]);
	}
	return buf;
}

void diff_print_stats(const struct diff *d)
{
	const struct diff_stats *st = &d->st;
	char buf[256];

	printf("#   %lu ops\n", st->ops);
	printf("#   map: %lu ok, %lu -EADDRINUSE, %lu -EINVAL, %lu -EOPNOTSUPP\n",
	       st->map[0], st->map[1], st->map[2], st->map[3]);
	printf("#   %lu maps of page lists\n", st->map_pages);
	printf("#   unmap: %lu whole, %lu partial, %lu -ENOENT, %lu -EINVAL\n",
	       st->unmap[0], st->unmap[1], st->unmap[2], st->unmap[3]);
	printf("#   walk: %lu found, %lu -ENOENT, %lu -EINVAL\n",
	       st->walk[0], st->walk[1], st->walk[2]);
	printf("#   %lu ranges, %lu audits, %lu leaves mapped, at most %zu at once\n",
	       st->range, st->audits, st->leaves_mapped, st->max_leaves);
	printf("#   leaf sizes mapped: %s\n",
	       diff_sizes_text(d->m.sizes_mapped, buf, sizeof(buf)));
}
