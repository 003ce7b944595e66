// SPDX-License-Identifier: GPL-2.0
/*
 * The reference model: an ordered map of leaves (a treap) and the rules of
 * the engine's operations, written from their documentation.
 */
#include <stdlib.h>

#include "model.h"

struct model_node {
	struct model_leaf leaf;
	u64 prio;
	struct model_node *left;
	struct model_node *right;
};

static u64 model_random(struct model *m)
{
	/* splitmix64 */
	u64 z = (m->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void model_list_add(struct model_list *l, const struct model_leaf *leaf)
{
	if (l->nr == l->max) {
		l->max = l->max ? 2 * l->max : 256;
		l->leaf = realloc(l->leaf, l->max * sizeof(*l->leaf));
		if (!l->leaf)
			abort();
	}
	l->leaf[l->nr++] = *leaf;
}

void model_list_fini(struct model_list *l)
{
	free(l->leaf);
	*l = (struct model_list){};
}

/* Split @t into the nodes below @key and those at or above it. */
static void model_split(struct model_node *t, u64 key,
			struct model_node **lo, struct model_node **hi)
{
	if (!t) {
		*lo = NULL;
		*hi = NULL;
	} else if (t->leaf.iova < key) {
		model_split(t->right, key, &t->right, hi);
		*lo = t;
	} else {
		model_split(t->left, key, lo, &t->left);
		*hi = t;
	}
}

/* Join two treaps, every key of @lo below every key of @hi. */
static struct model_node *model_merge(struct model_node *lo,
				      struct model_node *hi)
{
	if (!lo)
		return hi;
	if (!hi)
		return lo;
	if (lo->prio > hi->prio) {
		lo->right = model_merge(lo->right, hi);
		return lo;
	}
	hi->left = model_merge(lo, hi->left);
	return hi;
}

static void model_free_nodes(struct model_node *t)
{
	if (!t)
		return;
	model_free_nodes(t->left);
	model_free_nodes(t->right);
	free(t);
}

/* The node with the greatest IOVA at or below @key. */
static const struct model_node *model_floor(const struct model *m, u64 key)
{
	const struct model_node *t = m->root, *best = NULL;

	while (t) {
		if (t->leaf.iova <= key) {
			best = t;
			t = t->right;
		} else {
			t = t->left;
		}
	}
	return best;
}

/* The node with the smallest IOVA above @key. */
static const struct model_node *model_above(const struct model *m, u64 key)
{
	const struct model_node *t = m->root, *best = NULL;

	while (t) {
		if (t->leaf.iova > key) {
			best = t;
			t = t->left;
		} else {
			t = t->right;
		}
	}
	return best;
}

static u64 model_last(const struct model_leaf *leaf)
{
	return leaf->iova + leaf->size - 1;
}

void model_init(struct model *m, u32 ias, u32 oas, u64 pgsize_bitmap)
{
	*m = (struct model){
		.ias = ias, .oas = oas, .pgsize_bitmap = pgsize_bitmap,
		.rng = 0x5eed,
	};
}

/* The last IOVA of the input range. */
u64 model_last_iova(const struct model *m)
{
	return m->ias >= 64 ? ~0ULL : (1ULL << m->ias) - 1;
}

void model_fini(struct model *m)
{
	model_free_nodes(m->root);
	model_list_fini(&m->removed);
	*m = (struct model){};
}

bool model_lookup(const struct model *m, u64 iova, struct model_leaf *leaf)
{
	const struct model_node *n = model_floor(m, iova);

	if (!n || model_last(&n->leaf) < iova)
		return false;
	*leaf = n->leaf;
	return true;
}

/* The leaf holding @iova, or else the first one above it. */
bool model_next(const struct model *m, u64 iova, struct model_leaf *leaf)
{
	const struct model_node *n;

	if (model_lookup(m, iova, leaf))
		return true;
	n = model_above(m, iova);
	if (!n)
		return false;
	*leaf = n->leaf;
	return true;
}

/* Does any leaf overlap [iova, last]? */
static bool model_overlaps(const struct model *m, u64 iova, u64 last)
{
	const struct model_node *n = model_floor(m, last);

	return n && model_last(&n->leaf) >= iova;
}

static void model_insert(struct model *m, const struct model_leaf *leaf)
{
	struct model_node *n = malloc(sizeof(*n)), *lo, *hi;

	if (!n)
		abort();
	*n = (struct model_node){ .leaf = *leaf, .prio = model_random(m) };
	model_split(m->root, leaf->iova, &lo, &hi);
	m->root = model_merge(model_merge(lo, n), hi);
	m->nr_leaves++;
	m->mapped += leaf->size;
	m->sizes_mapped |= leaf->size;
}

static void model_erase(struct model *m, u64 iova)
{
	struct model_node *lo, *mid, *hi;

	model_split(m->root, iova, &lo, &mid);
	model_split(mid, iova + 1, &mid, &hi);
	if (mid) {
		m->nr_leaves--;
		m->mapped -= mid->leaf.size;
	}
	model_free_nodes(mid);
	m->root = model_merge(lo, hi);
}

static bool model_range_ok(u64 start, u64 size, u32 bits)
{
	u64 limit = bits >= 64 ? ~0ULL : (1ULL << bits) - 1;

	return size && start <= limit && size - 1 <= limit - start;
}

/* The largest page of @pgsizes that fits at @iova/@pa in @left bytes. */
static u64 model_pick(u64 pgsizes, u64 iova, u64 pa, u64 left)
{
	u64 best = 0, size;

	for (size = pgsizes & -pgsizes; size && size <= left; size <<= 1)
		if ((pgsizes & size) && !((iova | pa) & (size - 1)))
			best = size;
	return best;
}

/*
 * Map [@iova, @iova + @size) to [@pa, @pa + @size) with the largest pages
 * alignment allows, in IOVA order, stopping at the first page that would
 * overlap an existing leaf.
 */
static int model_map_run(struct model *m, u64 *iova, u64 pa, u64 size,
			 u32 prot, u64 pgsizes, u64 *mapped)
{
	u64 left = size;

	while (left) {
		struct model_leaf leaf = {
			.iova = *iova, .pa = pa, .prot = prot,
			.size = model_pick(pgsizes, *iova, pa, left),
		};

		if (model_overlaps(m, *iova, *iova + leaf.size - 1))
			return -EADDRINUSE;
		model_insert(m, &leaf);
		*iova += leaf.size;
		pa += leaf.size;
		left -= leaf.size;
		*mapped += leaf.size;
	}
	return 0;
}

/*
 * Map @chunk bytes from @pa and then the @nr_pages pages of @page_size at
 * @pages, pages that follow each other physically making one run, each run
 * with the largest pages alignment allows: where the engine's map of a
 * page list (pt_map_src()) has a run start, the model starts one too. The
 * arguments are checked in the order the engine documents: page sizes,
 * the IOVA range, the first chunk, the permissions; a later run not
 * aligned to the smallest page, or not below 2^oas, stops the map with
 * -EINVAL.
 */
int model_map_src(struct model *m, u64 iova, u64 pa, u64 chunk,
		  const u64 *pages, size_t nr_pages, u64 page_size, u32 prot,
		  u64 pgsizes, u64 *mapped)
{
	u64 min = pgsizes & -pgsizes, size = chunk + nr_pages * page_size;
	u64 limit = m->oas >= 64 ? ~0ULL : (1ULL << m->oas) - 1, len;
	size_t i = 0;
	int ret;

	*mapped = 0;
	if (!pgsizes || (pgsizes & ~m->pgsize_bitmap))
		return -EINVAL;
	if ((iova | size) & (min - 1) || !model_range_ok(iova, size, m->ias))
		return -EINVAL;
	if ((pa | chunk) & (min - 1) || pa > limit ||
	    (chunk && chunk - 1 > limit - pa))
		return -EINVAL;
	if (prot > PT_PROT_ALL)
		return -EOPNOTSUPP;
	if (m->prot_err[prot])
		return m->prot_err[prot];
	ret = model_map_run(m, &iova, pa, chunk, prot, pgsizes, mapped);
	while (!ret && i < nr_pages) {
		pa = pages[i++];
		for (len = page_size; i < nr_pages && pages[i] == pa + len; i++)
			len += page_size;
		if ((pa | len) & (min - 1) || pa > limit || len - 1 > limit - pa)
			return -EINVAL;
		ret = model_map_run(m, &iova, pa, len, prot, pgsizes, mapped);
	}
	return ret;
}

/* Map a physically contiguous range (pt_map()). */
int model_map(struct model *m, u64 iova, u64 pa, u64 size, u32 prot,
	      u64 pgsizes, u64 *mapped)
{
	return model_map_src(m, iova, pa, size, NULL, 0, 0, prot, pgsizes,
			     mapped);
}

/*
 * Remove whole leaves from @iova on until @size bytes are covered or a hole
 * is reached; refuse to start inside a leaf. The range is aligned to the
 * smallest page of the space.
 */
int model_unmap(struct model *m, u64 iova, u64 size, u64 *unmapped)
{
	u64 min = m->pgsize_bitmap & -m->pgsize_bitmap;
	struct model_leaf leaf;

	*unmapped = 0;
	m->removed.nr = 0;
	if ((iova | size) & (min - 1) || !model_range_ok(iova, size, m->ias))
		return -EINVAL;
	while (*unmapped < size && model_lookup(m, iova, &leaf)) {
		if (leaf.iova != iova)
			return -EINVAL;
		model_list_add(&m->removed, &leaf);
		model_erase(m, iova);
		iova += leaf.size;
		*unmapped += leaf.size;
	}
	return *unmapped ? 0 : -ENOENT;
}

static void model_collect_node(const struct model_node *t, u64 lo, u64 hi,
			       struct model_list *out)
{
	if (!t)
		return;
	if (t->leaf.iova > lo)
		model_collect_node(t->left, lo, hi, out);
	if (t->leaf.iova >= lo && t->leaf.iova <= hi)
		model_list_add(out, &t->leaf);
	if (t->leaf.iova < hi)
		model_collect_node(t->right, lo, hi, out);
}

/*
 * The leaves overlapping [iova, iova + size), in order, after @out's
 * current contents. The range is clipped to the input address space.
 */
void model_collect(const struct model *m, u64 iova, u64 size,
		   struct model_list *out)
{
	u64 limit = model_last_iova(m);
	u64 last = iova + size - 1 < iova ? ~0ULL : iova + size - 1;
	struct model_leaf first;

	if (!size || iova > limit)
		return;
	if (last > limit)
		last = limit;
	if (model_lookup(m, iova, &first))
		iova = first.iova;
	model_collect_node(m->root, iova, last, out);
}
