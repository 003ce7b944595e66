// SPDX-License-Identifier: GPL-2.0
/*
 * The differential driver: apply each operation to the engine and to the
 * model and compare everything the engine reports; and the generator that
 * turns a source of choices into operations that collide often.
 */
#include <stdio.h>
#include <stdlib.h>

#include "diff.h"
#include "harness.h"

/*
 * The more leaves are mapped, the more often the generator unmaps instead
 * of mapping, never mapping past this many.
 */
#define DIFF_LEAF_LIMIT		40000
/* Largest maps that fall back to 4K pages throughout: usual, at most. */
#define DIFF_SMALL_PAGES	(32 * SZ_4K)
#define DIFF_SMALL_PAGES_MAX	(SZ_2M + 16 * SZ_4K)
#define DIFF_LPAE_PGSIZES	(SZ_4K | SZ_2M | SZ_1G)
#define DIFF_LPAE_OAS		48

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
	if (d->nr_list == d->max_list) {
		d->max_list = d->max_list ? 2 * d->max_list : 256;
		d->list = realloc(d->list, d->max_list * sizeof(*d->list));
		if (!d->list)
			abort();
	}
	d->list[d->nr_list++] = *leaf;
}

/*
 * Windows of a quarter of the space at most, 4G at most: at the bottom,
 * across the middle (a top-level index boundary) and at the top.
 */
bool diff_init(struct diff *d, u32 ias)
{
	struct pt_params params = { .ias = ias };
	u64 span = 1ULL << ias, w = span / 4 < 4 * SZ_1G ? span / 4 : 4 * SZ_1G;
	int ret;

	*d = (struct diff){};
	ret = host_space_new(&d->pt, &d->ctx, &params);
	if (!CHECK(!ret, "creating a tree with ias %u: %s", ias,
		   th_errname(ret))) {
		host_ctx_fini(&d->ctx);
		return false;
	}
	host_gather_init(&d->g, &d->ctx);
	model_init(&d->m, ias, DIFF_LPAE_OAS, DIFF_LPAE_PGSIZES);
	d->win[0] = (struct diff_window){ 0, w };
	d->win[1] = (struct diff_window){ span / 2 - w / 2, w };
	d->win[2] = (struct diff_window){ span - w, w };
	d->nr_win = 3;
	return true;
}

static bool diff_same_leaf(const struct pt_leaf *e, const struct model_leaf *m)
{
	return e->iova == m->iova && e->pa == m->pa && e->size == m->size &&
	       e->prot == m->prot && e->level == model_level(m->size);
}

/* Compare leaves the engine reported with those the model expects. */
static bool diff_leaves(const char *what, const struct pt_leaf *e, size_t ne,
			const struct model_leaf *m, size_t nm)
{
	size_t i;

	for (i = 0; i < ne && i < nm; i++) {
		if (diff_same_leaf(&e[i], &m[i]))
			continue;
		return CHECK(false,
			     "%s: leaf %zu is iova %#llx pa %#llx size %#llx prot %#x level %u, model iova %#llx pa %#llx size %#llx prot %#x",
			     what, i, (unsigned long long)e[i].iova,
			     (unsigned long long)e[i].pa,
			     (unsigned long long)e[i].size, e[i].prot,
			     e[i].level, (unsigned long long)m[i].iova,
			     (unsigned long long)m[i].pa,
			     (unsigned long long)m[i].size, m[i].prot);
	}
	return CHECK(ne == nm, "%s: %zu leaves, model %zu", what, ne, nm);
}

void diff_map(struct diff *d, u64 iova, u64 pa, u64 size, u32 prot,
	      u64 pgsizes)
{
	size_t before = d->m.nr_leaves;
	u64 mapped, model_mapped;
	int ret, model_ret;

	ret = pt_map(&d->pt, iova, pa, size, prot, pgsizes, &d->g.pt, &mapped);
	model_ret = model_map(&d->m, iova, pa, size, prot, pgsizes,
			      &model_mapped);
	CHECK(ret == model_ret && mapped == model_mapped,
	      "map(iova %#llx, pa %#llx, size %#llx, prot %#x, pgsizes %#llx) is %s with %#llx mapped, model %s with %#llx",
	      (unsigned long long)iova, (unsigned long long)pa,
	      (unsigned long long)size, prot, (unsigned long long)pgsizes,
	      th_errname(ret), (unsigned long long)mapped,
	      th_errname(model_ret), (unsigned long long)model_mapped);
	CHECK(!d->g.nr_leaves, "map removed %zu leaves", d->g.nr_leaves);
	host_flush(&d->g, &d->pt);
	d->st.map[model_ret == 0 ? 0 : model_ret == -EADDRINUSE ? 1 : 2]++;
	d->st.leaves_mapped += d->m.nr_leaves - before;
}

void diff_unmap(struct diff *d, u64 iova, u64 size)
{
	u64 unmapped, model_unmapped;
	int ret, model_ret;

	ret = pt_unmap(&d->pt, iova, size, &d->g.pt, &unmapped);
	model_ret = model_unmap(&d->m, iova, size, &model_unmapped);
	CHECK(ret == model_ret && unmapped == model_unmapped,
	      "unmap(iova %#llx, size %#llx) is %s with %#llx unmapped, model %s with %#llx",
	      (unsigned long long)iova, (unsigned long long)size,
	      th_errname(ret), (unsigned long long)unmapped,
	      th_errname(model_ret), (unsigned long long)model_unmapped);
	diff_leaves("leaves removed by unmap", d->g.leaves, d->g.nr_leaves,
		    d->m.removed.leaf, d->m.removed.nr);
	host_flush(&d->g, &d->pt);
	if (model_ret)
		d->st.unmap[model_ret == -ENOENT ? 2 : 3]++;
	else
		d->st.unmap[model_unmapped < size ? 1 : 0]++;
}

/* The entries a walk read: tables down to a leaf or an empty entry. */
static void diff_walk_entries(struct diff *d, u64 iova,
			      const struct pt_walk_result *res,
			      enum pt_entry_kind last)
{
	const struct pt_cfg *cfg = &d->pt.cfg;
	unsigned int i, top = cfg->levels - 1;

	if (!CHECK(res->nr_entries >= 1 && res->nr_entries <= cfg->levels,
		   "walk(%#llx) read %u entries", (unsigned long long)iova,
		   res->nr_entries))
		return;
	for (i = 0; i < res->nr_entries; i++) {
		enum pt_entry_kind want = i + 1 < res->nr_entries ?
					  PT_ENTRY_TABLE : last;

		CHECK(cfg->fmt->kind(cfg, top - i, res->entries[i]) == want,
		      "walk(%#llx): entry %u (%#llx) is not of kind %d",
		      (unsigned long long)iova, i,
		      (unsigned long long)res->entries[i], want);
	}
}

void diff_walk(struct diff *d, u64 iova)
{
	const struct pt_cfg *cfg = &d->pt.cfg;
	struct pt_walk_result res;
	struct model_leaf m;
	int ret, want = -ENOENT;
	unsigned int level;

	ret = pt_walk(&d->pt, iova, &res);
	if (iova >> d->m.ias)
		want = -EINVAL;
	else if (model_lookup(&d->m, iova, &m))
		want = 0;
	d->st.walk[want == 0 ? 0 : want == -ENOENT ? 1 : 2]++;
	if (!CHECK(ret == want, "walk(%#llx) is %s, model %s",
		   (unsigned long long)iova, th_errname(ret),
		   th_errname(want)))
		return;
	if (want == -EINVAL) {
		CHECK(!res.nr_entries, "walk(%#llx) out of range read %u",
		      (unsigned long long)iova, res.nr_entries);
		return;
	}
	if (want == -ENOENT) {
		diff_walk_entries(d, iova, &res, PT_ENTRY_EMPTY);
		return;
	}
	level = model_level(m.size);
	CHECK(res.leaf.iova == m.iova && res.leaf.size == m.size &&
	      res.leaf.pa == m.pa + (iova - m.iova) &&
	      res.leaf.prot == m.prot && res.leaf.level == level,
	      "walk(%#llx) found iova %#llx pa %#llx size %#llx prot %#x level %u, model iova %#llx pa %#llx size %#llx prot %#x",
	      (unsigned long long)iova, (unsigned long long)res.leaf.iova,
	      (unsigned long long)res.leaf.pa,
	      (unsigned long long)res.leaf.size, res.leaf.prot,
	      res.leaf.level, (unsigned long long)m.iova,
	      (unsigned long long)m.pa, (unsigned long long)m.size, m.prot);
	CHECK(res.nr_entries == d->m.levels - level,
	      "walk(%#llx) read %u entries, expected %u",
	      (unsigned long long)iova, res.nr_entries, d->m.levels - level);
	diff_walk_entries(d, iova, &res, PT_ENTRY_LEAF);
	if (res.nr_entries)
		CHECK_EQ(res.entries[res.nr_entries - 1],
			 cfg->fmt->mk_leaf(cfg, level, m.pa, m.size, m.prot),
			 "leaf entry read by the walk");
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
	ret = pt_iterate(&d->pt, iova, size, &d->visitor);
	d->mlist.nr = 0;
	model_collect(&d->m, iova, size, &d->mlist);
	stopped = stop_after && d->mlist.nr >= stop_after;
	want_nr = stopped ? stop_after : d->mlist.nr;
	CHECK(ret == stopped, "iterate(%#llx, %#llx) returned %d, expected %d",
	      (unsigned long long)iova, (unsigned long long)size, ret,
	      stopped);
	if (!diff_leaves("iterate", d->list, d->nr_list, d->mlist.leaf,
			 want_nr))
		printf("#   iterate(iova %#llx, size %#llx, stop after %zu)\n",
		       (unsigned long long)iova, (unsigned long long)size,
		       stop_after);
	mapped = pt_range_mapped(&d->pt, iova, size);
	CHECK(mapped == (d->mlist.nr > 0),
	      "range_mapped(%#llx, %#llx) is %d, model has %zu leaves",
	      (unsigned long long)iova, (unsigned long long)size, mapped,
	      d->mlist.nr);
	d->st.range++;
}

/* Every leaf of the tree and every table, against the model. */
void diff_audit(struct diff *d)
{
	diff_range(d, 0, 1ULL << d->m.ias, 0);
	host_check_tree(&d->pt, &d->ctx);
	d->st.audits++;
}

/* Destroy the tree: it reports every leaf the model has and frees all. */
void diff_fini(struct diff *d)
{
	pt_space_destroy(&d->pt, &d->g.pt);
	d->mlist.nr = 0;
	model_collect(&d->m, 0, 1ULL << d->m.ias, &d->mlist);
	diff_leaves("leaves removed by destroy", d->g.leaves, d->g.nr_leaves,
		    d->mlist.leaf, d->mlist.nr);
	host_space_free(&d->pt, &d->g);
	host_gather_fini(&d->g);
	model_fini(&d->m);
	model_list_fini(&d->mlist);
	free(d->list);
	d->list = NULL;
}

static u64 gen_iova(struct diff *d, struct src *s, u64 align)
{
	const struct diff_window *w = &d->win[src_below(s, d->nr_win)];

	return w->base + src_below(s, w->size / align) * align;
}

/* Mostly every page size; else a subset; rarely one the tree lacks. */
static u64 gen_pgsizes(struct src *s)
{
	u64 r = src_below(s, 100), pick;

	if (r < 60)
		return DIFF_LPAE_PGSIZES;
	if (r < 97) {
		pick = 1 + src_below(s, 7);
		return (pick & 1 ? SZ_4K : 0) | (pick & 2 ? SZ_2M : 0) |
		       (pick & 4 ? SZ_1G : 0);
	}
	return DIFF_LPAE_PGSIZES | (src_chance(s, 50) ? 2 * SZ_4K : 512 * SZ_1G);
}

/* A few pages, or a few 2M blocks give or take a few pages. */
static u64 gen_size(struct src *s, u64 min)
{
	u64 size;

	if (src_chance(s, 60))
		return (1 + src_below(s, 16)) * min;
	size = (1 + src_below(s, 4)) * SZ_2M;
	/* A few pages more, or (costly: a block's worth of pages) fewer. */
	if (src_chance(s, 90))
		size += src_below(s, 17) * SZ_4K;
	else
		size -= src_below(s, 17) * SZ_4K;
	size &= ~(min - 1);
	return size ? size : min;
}

/* About 1G, or anything up to 4G. */
static u64 gen_large_size(struct src *s, u64 min)
{
	u64 size;

	if (src_chance(s, 10))
		return src_below(s, 4) * SZ_1G + src_below(s, 512) * SZ_2M +
		       src_below(s, 512) * SZ_4K;
	size = SZ_1G + (src_below(s, 9) - 4) * SZ_2M + src_below(s, 4) * SZ_4K;
	return size & ~(min - 1);
}

/* Often what a THP or hugetlb mapping gives: pa and iova congruent. */
static u64 gen_pa(struct diff *d, struct src *s, u64 iova, u64 min)
{
	u64 top = 1ULL << d->m.oas, r = src_below(s, 100);

	if (r < 50)
		return src_below(s, top / SZ_1G) * SZ_1G | (iova & (SZ_1G - 1));
	if (r < 75)
		return src_below(s, top / SZ_2M) * SZ_2M | (iova & (SZ_2M - 1));
	if (r < 97)
		return src_below(s, top / min) * min;
	return top - (1 + src_below(s, 4)) * min;
}

static u32 gen_prot(struct src *s)
{
	static const u32 type[] = { 0, PT_PROT_CACHE, PT_PROT_MMIO };

	if (src_chance(s, 4))
		return src_below(s, PT_PROT_ALL + 1);
	return PT_PROT_READ | src_below(s, 8) << 1 | type[src_below(s, 3)];
}

static void gen_map(struct diff *d, struct src *s)
{
	static const u64 aligns[] = { SZ_4K, SZ_2M, SZ_2M, SZ_2M, SZ_1G };
	u64 pgsizes = gen_pgsizes(s), min = pgsizes & -pgsizes;
	bool large = src_chance(s, 8);
	u64 align = aligns[src_below(s, TH_ARRAY_SIZE(aligns))];
	u64 iova, pa, size, off;

	if (large && src_chance(s, 70))
		align = SZ_1G;
	iova = gen_iova(d, s, align > min ? align : min);
	/* A few pages off the alignment, either way. */
	off = src_below(s, 16) * min;
	if (src_chance(s, 15))
		iova += off;
	else if (src_chance(s, 15) && iova >= off)
		iova -= off;
	size = large ? gen_large_size(s, min) : gen_size(s, min);
	pa = gen_pa(d, s, iova, min);
	/* Keep the number of leaves of one map reasonable. */
	if (size > DIFF_SMALL_PAGES && min == SZ_4K &&
	    (!(pgsizes & SZ_2M) || ((iova ^ pa) & (SZ_2M - 1))))
		size = src_chance(s, 10) && size > DIFF_SMALL_PAGES_MAX ?
		       DIFF_SMALL_PAGES_MAX : DIFF_SMALL_PAGES;
	if (src_chance(s, 2))
		iova += 0x200;
	if (src_chance(s, 2))
		pa += 0x200;
	diff_map(d, iova, pa, size, gen_prot(s), pgsizes);
}

static void gen_unmap(struct diff *d, struct src *s)
{
	struct model_leaf first, last;
	u64 iova, size, skip;
	unsigned int n;

	if (src_chance(s, 65) &&
	    model_next(&d->m, gen_iova(d, s, SZ_4K), &first)) {
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
			size -= src_below(s, last.size / SZ_4K) * SZ_4K;
			break;
		case 2:		/* start inside the first leaf */
			skip = src_below(s, first.size / SZ_4K) * SZ_4K;
			iova += skip;
			size = size > skip ? size - skip : SZ_4K;
			break;
		case 3:		/* go on past the last leaf */
			size += src_below(s, 16) * SZ_4K;
			break;
		}
	} else {
		iova = gen_iova(d, s, src_chance(s, 50) ? SZ_4K : SZ_2M);
		size = gen_size(s, SZ_4K);
	}
	switch (src_below(s, 50)) {
	case 0:
		size = 0;
		break;
	case 1:
		iova += 0x800;
		break;
	case 2:
		iova = (1ULL << d->m.ias) - SZ_4K * src_below(s, 2);
		break;
	}
	diff_unmap(d, iova, size);
}

static void gen_walk(struct diff *d, struct src *s)
{
	struct model_leaf leaf;
	u64 r = src_below(s, 100);

	if (r < 60 && model_next(&d->m, gen_iova(d, s, SZ_4K), &leaf))
		diff_walk(d, leaf.iova + src_below(s, leaf.size));
	else if (r < 97)
		diff_walk(d, gen_iova(d, s, 1));
	else
		diff_walk(d, (1ULL << d->m.ias) + src_below(s, SZ_1G));
}

static void gen_range(struct diff *d, struct src *s)
{
	u64 iova = gen_iova(d, s, src_chance(s, 50) ? 1 : SZ_4K);
	u64 r = src_below(s, 100), size, back;
	struct model_leaf leaf;

	if (src_chance(s, 30) && model_next(&d->m, iova, &leaf)) {
		/* Ending on a leaf's first byte, or starting on its last. */
		back = src_below(s, 3 * SZ_4K);
		if (src_chance(s, 50) && leaf.iova >= back)
			diff_range(d, leaf.iova - back, back + 1, 0);
		else
			diff_range(d, leaf.iova + leaf.size - 1,
				   1 + src_below(s, 3 * SZ_4K), 0);
		return;
	}
	if (r < 50)
		size = 1 + src_below(s, 32 * SZ_2M);
	else if (r < 80)
		size = 1 + src_below(s, 8 * SZ_1G);
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

void diff_print_stats(const struct diff *d)
{
	const struct diff_stats *st = &d->st;

	printf("#   %lu ops\n", st->ops);
	printf("#   map: %lu ok, %lu -EADDRINUSE, %lu -EINVAL\n",
	       st->map[0], st->map[1], st->map[2]);
	printf("#   unmap: %lu whole, %lu partial, %lu -ENOENT, %lu -EINVAL\n",
	       st->unmap[0], st->unmap[1], st->unmap[2], st->unmap[3]);
	printf("#   walk: %lu found, %lu -ENOENT, %lu -EINVAL\n",
	       st->walk[0], st->walk[1], st->walk[2]);
	printf("#   %lu ranges, %lu audits, %lu leaves mapped, at most %zu at once\n",
	       st->range, st->audits, st->leaves_mapped, st->max_leaves);
}
