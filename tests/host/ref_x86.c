// SPDX-License-Identifier: GPL-2.0
/*
 * x86-64 paging (AMD IOMMU v2, VT-d first stage) and VT-d second-stage
 * paging as the tests know them: independent decoders of one entry and
 * leaf entries built bit by bit, written from the Intel SDM Vol. 3A
 * ("4-Level Paging and 5-Level Paging") and the VT-d specification
 * (sections 9.7 and 9.8), and the permission rules. The entry bits are
 * listed at the top of test_fmt_x86.c and test_fmt_vtd.c. The walk
 * itself is the hardware walker's (fc_ref_walk()); the decoder checks the
 * leaf it finds.
 */
#include "ref.h"

/*
 * The independent decoder, written from the SDM tables: P clear is not
 * present; PS picks a page in a PDE/PDPTE and is reserved above; the
 * reserved bits between the PAT bit and a large page's address fault.
 */
enum pt_entry_kind x86_decode(unsigned int level, u64 pte, u64 *pa,
			      u64 *size, u32 *prot)
{
	static const u64 page_size[] = { 0x1000, 0x200000, 0x40000000 };
	const u64 addr = 0x000ffffffffff000ULL;
	unsigned int pat_index;

	if (!(pte & 0x1))
		return PT_ENTRY_EMPTY;
	if (level > 0 && !(pte & 0x80)) {
		*pa = pte & addr;
		return PT_ENTRY_TABLE;
	}
	if (level > 2)
		return PT_ENTRY_EMPTY;
	*size = page_size[level];
	if (level > 0 && (pte & (*size - 1) & ~0x1fffULL))
		return PT_ENTRY_EMPTY;
	*pa = pte & addr & ~(*size - 1);
	*prot = R;
	if (pte & 0x2)
		*prot |= W;
	if (!(pte >> 63))
		*prot |= X;
	if (!(pte & 0x4))
		*prot |= PRIV;
	pat_index = (pte >> 3) & 3;	/* PCD:PWT */
	if (pat_index == 0)
		*prot |= CACHE;
	else if (pat_index == 3)
		*prot |= MMIO;
	return PT_ENTRY_LEAF;
}

static int x86_valid(const struct pt_cfg *cfg, u32 prot)
{
	if (!(prot & R) || (prot & (CACHE | MMIO)) == (CACHE | MMIO))
		return -EINVAL;
	return 0;
}

/*
 * A leaf entry built bit by bit from the SDM: P, PS above level 0, R/W for
 * WRITE, U/S without PRIV, XD without EXEC, PCD|PWT for MMIO, PCD for
 * neither.
 */
static u64 x86_bits(unsigned int level, u64 pa, u64 size, u32 prot)
{
	return pa | 0x1 | (level ? 0x80 : 0) | (prot & W ? 0x2 : 0) |
	       (prot & PRIV ? 0 : 0x4) | (prot & X ? 0 : 1ULL << 63) |
	       (prot & MMIO ? 0x18 : prot & CACHE ? 0 : 0x10);
}

const struct fc_fmt ref_x86 = {
	.fmt = &pt_fmt_x86_64,
	.valid = x86_valid,
	.decode = x86_decode,
	.bits = x86_bits,
	.leaf = fc_decode_leaf,
	.prot = R | W | CACHE,
};

/*
 * The independent decoder, from tables 41-47: not present without R or W;
 * IW reserved; PS makes a page at SS-PDE/SS-PDPE and is reserved above;
 * bit 11 is reserved where an entry points to a table.
 */
enum pt_entry_kind vtd_decode(unsigned int level, u64 pte, u64 *pa,
			      u64 *size, u32 *prot)
{
	const u64 addr = 0x000ffffffffff000ULL;
	bool page = level == 0 || (pte & 0x80);
	unsigned int emt;

	if (!(pte & 0x3) || (pte >> 62 & 1))
		return PT_ENTRY_EMPTY;
	if (!page) {
		if (pte & 0x800)
			return PT_ENTRY_EMPTY;
		*pa = pte & addr;
		return PT_ENTRY_TABLE;
	}
	if (level > 2)
		return PT_ENTRY_EMPTY;
	*size = 0x1000ULL << (9 * level);
	if (pte & (*size - 1) & addr)
		return PT_ENTRY_EMPTY;
	*pa = pte & addr;
	*prot = (pte & 0x1 ? R : 0) | (pte & 0x2 ? W : 0) | (pte & 0x4 ? X : 0);
	emt = (pte >> 3) & 7;
	if (emt == 6)
		*prot |= CACHE;
	else if (emt == 0)
		*prot |= MMIO;
	return PT_ENTRY_LEAF;
}

static int vtd_valid(const struct pt_cfg *cfg, u32 prot)
{
	if (prot & PRIV)
		return -EOPNOTSUPP;
	if (!(prot & (R | W)) || (prot & (CACHE | MMIO)) == (CACHE | MMIO))
		return -EINVAL;
	return 0;
}

/* A leaf entry bit by bit: R, W, X, EMT WB, UC or WC, PS above level 0. */
static u64 vtd_bits(unsigned int level, u64 pa, u64 size, u32 prot)
{
	return pa | (level ? 0x80 : 0) | (prot & R ? 0x1 : 0) |
	       (prot & W ? 0x2 : 0) | (prot & X ? 0x4 : 0) |
	       (prot & CACHE ? 6 << 3 : prot & MMIO ? 0 : 1 << 3);
}

const struct fc_fmt ref_vtd = {
	.fmt = &pt_fmt_vtd_ss,
	.valid = vtd_valid,
	.decode = vtd_decode,
	.bits = vtd_bits,
	.leaf = fc_decode_leaf,
	.prot = R | W | CACHE,
};

