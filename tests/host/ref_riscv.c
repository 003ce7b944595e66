// SPDX-License-Identifier: GPL-2.0
/*
 * RISC-V Sv39/Sv48/Sv57 as the tests know them: an independent decoder of
 * one entry following the "Virtual Address Translation Process" of the
 * RISC-V Privileged Architecture with the Svpbmt and Svnapot rules, leaf
 * entries built bit by bit, and the permission rules. The entry bits are
 * listed at the top of test_fmt_riscv.c. The walk
 * itself is the hardware walker's (fc_ref_walk()); the decoder checks the
 * leaf it finds.
 */
#include "ref.h"

#define NC	RV_SPEC_NC
#define IO	RV_SPEC_IO
#define N	RV_SPEC_N

/*
 * The independent decoder, following the steps of the "Virtual Address
 * Translation Process" with the Svpbmt and Svnapot rules.
 */
enum pt_entry_kind rv_decode(unsigned int level, u64 pte, u64 *pa,
			     u64 *size, u32 *prot)
{
	bool v = pte & 1, r = pte >> 1 & 1, w = pte >> 2 & 1, x = pte >> 3 & 1;
	u64 ppn = pte >> 10 & ((1ULL << 44) - 1);
	unsigned int pbmt = pte >> 61 & 3;
	bool n = pte >> 63;

	/* Step 3: V=0, W without R, reserved bits 60:54. */
	if (!v || (!r && w) || (pte >> 54 & 0x7f))
		return PT_ENTRY_EMPTY;
	/* Step 4: a pointer to the next level, none below level 0. */
	if (!r && !x) {
		if (level == 0 || pbmt || n)
			return PT_ENTRY_EMPTY;
		*pa = ppn << 12;
		return PT_ENTRY_TABLE;
	}
	if (pbmt == 3)
		return PT_ENTRY_EMPTY;
	if (n) {
		if (level != 0 || (ppn & 0xf) != 0x8)
			return PT_ENTRY_EMPTY;
		*size = 0x10000;
	} else {
		*size = 0x1000ULL << (9 * level);
		/* Step 5: a misaligned superpage. */
		if (ppn & ((*size >> 12) - 1))
			return PT_ENTRY_EMPTY;
	}
	*pa = (ppn << 12) & ~(*size - 1);
	*prot = (r ? R : 0) | (w ? W : 0) | (x ? X : 0) |
		(pte & 0x10 ? 0 : PRIV) |
		(pbmt == 0 ? CACHE : pbmt == 2 ? MMIO : 0);
	return PT_ENTRY_LEAF;
}

static int rv_valid(const struct pt_cfg *cfg, u32 prot)
{
	if (!(prot & R) || (prot & (CACHE | MMIO)) == (CACHE | MMIO))
		return -EINVAL;
	return 0;
}

/*
 * A leaf entry bit by bit: V|R|A|D, the PPN, N and PPN[3] for a 64K
 * (Svnapot) page, W, X, U unless PRIV, PBMT.
 */
static u64 rv_bits(unsigned int level, u64 pa, u64 size, u32 prot)
{
	return 0xc3 | pa >> 2 | (size == SZ_64K ? N | 0x8 << 10 : 0) |
	       (prot & W ? 0x4 : 0) | (prot & X ? 0x8 : 0) |
	       (prot & PRIV ? 0 : 0x10) |
	       (prot & CACHE ? 0 : prot & MMIO ? IO : NC);
}

const struct fc_fmt ref_riscv = {
	.fmt = &pt_fmt_riscv,
	.valid = rv_valid,
	.decode = rv_decode,
	.bits = rv_bits,
	.leaf = fc_decode_leaf,
	.same_replicas = true,
	.prot = R | W | CACHE,
};

/* The spaces of the golden leaves: 4K pages and Svnapot 64K ones. */
