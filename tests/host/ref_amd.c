// SPDX-License-Identifier: GPL-2.0
/*
 * AMD IOMMU v1 host page tables as the tests know them: an independent
 * decoder of the leaves the hardware's walker finds, written from the AMD
 * I/O Virtualization Technology (IOMMU) Specification, publication 48882,
 * section 2.2.3 "I/O Page Tables for Host Translations" (I/O PDE and PTE
 * formats, Table 14 "Example Page Size Encodings", Table 15 "Page Table
 * Level Parameters") and section 2.2.2 (DTE Mode). AMD level N (1-6) is the engine's level
 * N - 1.
 */
#include <string.h>

#include "ref.h"
#include "hw/walk.h"

#define SZ(k)	(1ULL << (k))

/* The engine's level of a page of 2^k bytes: AMD level minus one. */
unsigned int amd_level_of(u64 size)
{
	return (fls64(size) - 1 - 12) / 9;
}

/* ---- The leaves the hardware's walker finds, from section 2.2.3. ---- */

/*
 * Decode the walk's last entry as a PTE, with the permissions of every
 * entry on the walk; false where the IOMMU faults: reserved bits set in a
 * PDE or the PTE, a PTE at level 6, or a Next Level 7 size the level
 * cannot hold.
 */
static bool amd_spec_leaf(const struct fc_ref *r, u64 iova,
			  struct amd_spec_walk *w)
{
	unsigned int amd = r->level + 1, shift = 12 + 9 * r->level, i, bit;
	u64 e = r->entries[r->nr - 1], size;
	bool ir = true, iw = true;
	u32 nl = (e >> 9) & 7;

	for (i = 0; i < r->nr; i++) {
		u64 rsvd = i + 1 < r->nr ? AMD_SPEC_PDE_RSVD : AMD_SPEC_PTE_RSVD;

		if (!(r->entries[i] & AMD_SPEC_PR) || (r->entries[i] & rsvd))
			return false;
		ir = ir && (r->entries[i] & AMD_SPEC_IR);
		iw = iw && (r->entries[i] & AMD_SPEC_IW);
	}
	if (amd == 6 || (nl != 0 && nl != 7))
		return false;
	size = SZ(shift);
	if (nl == 7) {
		/* Table 14: count the ones from bit 12 up. */
		for (bit = 12; bit < 52 && ((e >> bit) & 1); bit++)
			;
		size = SZ(bit + 1);
		/*
		 * Larger than the level's own size, at most 256 entries, and
		 * (Linux's limit) 2^51.
		 */
		if (size <= SZ(shift) || size > SZ(shift + 8) || size > SZ(51))
			return false;
	}
	w->size = size;
	w->pa = (e & AMD_SPEC_ADDR & ~(size - 1)) | (iova & (size - 1));
	w->prot = (ir ? R : 0) | (iw ? W : 0) | ((e & AMD_SPEC_FC) ? CACHE : 0);
	w->amd_level = amd;
	return true;
}

/*
 * Translate @iova through the tables at @root with DTE Mode @mode (host
 * addresses are the tables' own): the hardware's walker (src/hw/walk.c)
 * reads the tables, amd_spec_leaf() decodes what it found. Returns false
 * where the IOMMU faults: PR clear, reserved bits set, a Next Level not
 * below the current level, a PTE at level 6, a Next Level 7 size the level
 * cannot hold, or a non-zero IOVA index of a skipped level or above the
 * mode's reach.
 */
bool amd_spec_translate(u64 root, unsigned int mode, u64 iova,
			struct amd_spec_walk *w)
{
	struct pt_hw_regs regs = { .ttbr = root, .tcr = mode };
	struct ptlab_hw_xlate x;
	struct fc_ref r;
	unsigned int i;
	bool ok;

	memset(w, 0, sizeof(*w));
	ok = !fc_hw_walk(PTLAB_FMT_AMD_V1, &regs, iova, &r, &x) && !x.fault;
	w->nr = r.nr;
	for (i = 0; i < r.nr && i < ARRAY_SIZE(w->entries); i++)
		w->entries[i] = r.entries[i];
	if (!ok || !amd_spec_leaf(&r, iova, w))
		return false;
	return CHECK(w->pa == x.pa + (iova - x.iova) && w->size == x.size,
		     "amd: 0x%llx: the decoder gives pa %#llx size %#llx, the walker %#llx %#llx",
		     (unsigned long long)iova, (unsigned long long)w->pa,
		     (unsigned long long)w->size,
		     (unsigned long long)(x.pa + (iova - x.iova)),
		     (unsigned long long)x.size);
}

/* The leaf fc_ref_walk()'s walk found (-ENOENT where the IOMMU faults). */
static int amd_ref_leaf(const struct fc_tree *t, u64 iova, struct fc_ref *r)
{
	struct amd_spec_walk sw;

	if (!amd_spec_leaf(r, iova, &sw))
		return -ENOENT;
	r->pa = sw.pa;
	r->size = sw.size;
	r->prot = sw.prot;
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
	.leaf = amd_ref_leaf,
	.level_of = amd_level_of,
	.same_replicas = true,
	.prot = RW | CACHE,
};

