// SPDX-License-Identifier: GPL-2.0
/*
 * AMD IOMMU v1 host page tables as the tests know them: an independent
 * walker of the raw tables written from the AMD I/O Virtualization
 * Technology (IOMMU) Specification, publication 48882, section 2.2.3 "I/O
 * Page Tables for Host Translations" (I/O PDE and PTE formats, Table 14
 * "Example Page Size Encodings", Table 15 "Page Table Level Parameters")
 * and section 2.2.2 (DTE Mode). AMD level N (1-6) is the engine's level
 * N - 1.
 */
#include <string.h>

#include "ref.h"

#define SZ(k)	(1ULL << (k))

/* The engine's level of a page of 2^k bytes: AMD level minus one. */
unsigned int amd_level_of(u64 size)
{
	return (fls64(size) - 1 - 12) / 9;
}

/* ---- An independent walker of the raw tables, from section 2.2.3. ---- */

/*
 * Translate @iova through the tables at @root with DTE Mode @mode (host
 * addresses are the tables' own). Returns false where the IOMMU faults:
 * PR clear, reserved bits set, a Next Level not below the current level,
 * a PTE at level 6, a Next Level 7 size the level cannot hold, or a
 * non-zero IOVA index of a skipped level or above the mode's reach.
 */
bool amd_spec_translate(u64 root, unsigned int mode, u64 iova,
			struct amd_spec_walk *w)
{
	unsigned int level = mode, l, nl, bit;
	bool ir = true, iw = true;
	u64 table = root, e, size;

	memset(w, 0, sizeof(*w));
	if (mode < 6 && (iova >> (12 + 9 * mode)))
		return false;
	for (;;) {
		unsigned int shift = 12 + 9 * (level - 1);

		e = ((const u64 *)(uintptr_t)table)[(iova >> shift) & 0x1ff];
		w->entries[w->nr++] = e;
		if (!(e & AMD_SPEC_PR))
			return false;
		ir = ir && (e & AMD_SPEC_IR);
		iw = iw && (e & AMD_SPEC_IW);
		nl = (e >> 9) & 7;
		if (nl == 0 || nl == 7) {
			if (level == 6 || (e & AMD_SPEC_PTE_RSVD))
				return false;
			if (nl == 0) {
				size = SZ(shift);
			} else {
				/* Table 14: count the ones from bit 12 up. */
				for (bit = 12; bit < 52 && ((e >> bit) & 1); bit++)
					;
				size = SZ(bit + 1);
				/*
				 * Larger than the level's own size, at most
				 * 256 entries, and (Linux's limit) 2^51.
				 */
				if (size <= SZ(shift) || size > SZ(shift + 8) ||
				    size > SZ(51))
					return false;
			}
			w->size = size;
			w->pa = (e & AMD_SPEC_ADDR & ~(size - 1)) |
				(iova & (size - 1));
			w->prot = (ir ? R : 0) | (iw ? W : 0) |
				  ((e & AMD_SPEC_FC) ? CACHE : 0);
			w->amd_level = level;
			return true;
		}
		if (nl >= level || (e & AMD_SPEC_PDE_RSVD))
			return false;
		/* Skipped levels translate no bits: theirs must be zero. */
		for (l = nl + 1; l < level; l++)
			if ((iova >> (12 + 9 * (l - 1))) & 0x1ff)
				return false;
		table = e & AMD_SPEC_ADDR;
		level = nl;
	}
}

/* 0; -EINVAL past the reach of the DTE Mode; -ENOENT where it faults. */
static int amd_ref_walk(const struct fc_tree *t, u64 iova, struct fc_ref *r)
{
	unsigned int mode = t->pt.cfg.levels, i;
	struct amd_spec_walk sw;
	bool ok;

	*r = (struct fc_ref){};
	/* The input range, then what the mode reaches (the same or more). */
	if (t->pt.cfg.ias < 64 && iova >> t->pt.cfg.ias)
		return -EINVAL;
	if (mode < 6 && (iova >> (12 + 9 * mode)))
		return -EINVAL;
	ok = amd_spec_translate(pt_root_pa(&t->pt), mode, iova, &sw);
	r->nr = sw.nr;
	for (i = 0; i < sw.nr; i++)
		r->entries[i] = sw.entries[i];
	if (!ok)
		return -ENOENT;
	r->pa = sw.pa;
	r->size = sw.size;
	r->prot = sw.prot;
	r->level = sw.amd_level - 1;
	return 0;
}

/* Read and write apart, and FC; no EXEC, PRIV or MMIO. */
static int amd_valid(const struct pt_cfg *cfg, u32 prot)
{
	if (prot & ~(R | W | CACHE))
		return -EOPNOTSUPP;
	return prot & RW ? 0 : -EINVAL;
}

/* Every entry of a Next Level 7 page is the same (Table 14). */
const struct fc_fmt ref_amd = {
	.fmt = &pt_fmt_amd_v1,
	.valid = amd_valid,
	.ref_walk = amd_ref_walk,
	.level_of = amd_level_of,
	.same_replicas = true,
	.prot = RW | CACHE,
};

