/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A reference model of an address space of any format for differential
 * testing. It knows nothing of tables: it keeps the leaves in an ordered
 * map (iova -> pa, size, prot) and applies the documented rules of map,
 * unmap and lookup to it, given the space's input and output sizes, its
 * page sizes and which permissions its format takes. It never calls the
 * engine.
 */
#ifndef PTLAB_HOST_MODEL_H
#define PTLAB_HOST_MODEL_H

#include "engine/pt_engine.h"

/**
 * struct model_leaf - one leaf of the model
 * @iova: first IOVA, aligned to @size
 * @pa: first physical address, aligned to @size
 * @size: one of the space's page sizes
 * @prot: PT_PROT_* bits as given to map
 */
struct model_leaf {
	u64 iova;
	u64 pa;
	u64 size;
	u32 prot;
};

/**
 * struct model_list - a growable array of leaves
 * @leaf: the leaves
 * @nr: entries used
 * @max: entries allocated
 */
struct model_list {
	struct model_leaf *leaf;
	size_t nr;
	size_t max;
};

struct model_node;

/**
 * struct model - the address space
 * @ias: input address bits, up to 64
 * @oas: output address bits, up to 64
 * @pgsize_bitmap: page sizes of the address space
 * @prot_err: what map answers for each permission: 0, -EINVAL or
 *	-EOPNOTSUPP (model_init() makes all valid; the caller fills it in)
 * @root: the ordered map, a treap keyed by IOVA
 * @nr_leaves: leaves in the map
 * @mapped: bytes mapped
 * @sizes_mapped: the sizes of every leaf ever mapped, ORed
 * @rng: priorities for the treap
 * @removed: the leaves the last model_unmap() removed, in IOVA order
 */
struct model {
	u32 ias;
	u32 oas;
	u64 pgsize_bitmap;
	int prot_err[PT_PROT_ALL + 1];
	struct model_node *root;
	size_t nr_leaves;
	u64 mapped;
	u64 sizes_mapped;
	u64 rng;
	struct model_list removed;
};

void model_init(struct model *m, u32 ias, u32 oas, u64 pgsize_bitmap);
void model_fini(struct model *m);
int model_map(struct model *m, u64 iova, u64 pa, u64 size, u32 prot,
	      u64 pgsizes, u64 *mapped);
int model_map_src(struct model *m, u64 iova, u64 pa, u64 chunk,
		  const u64 *pages, size_t nr_pages, u64 page_size, u32 prot,
		  u64 pgsizes, u64 *mapped);
int model_unmap(struct model *m, u64 iova, u64 size, u64 *unmapped);
bool model_lookup(const struct model *m, u64 iova, struct model_leaf *leaf);
bool model_next(const struct model *m, u64 iova, struct model_leaf *leaf);
void model_collect(const struct model *m, u64 iova, u64 size,
		   struct model_list *out);
u64 model_last_iova(const struct model *m);

void model_list_add(struct model_list *l, const struct model_leaf *leaf);
void model_list_fini(struct model_list *l);

#endif /* PTLAB_HOST_MODEL_H */
