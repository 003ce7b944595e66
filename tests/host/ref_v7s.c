// SPDX-License-Identifier: GPL-2.0
/*
 * The Armv7 short-descriptor format as the tests know it: an independent
 * decoder of the leaves the hardware's walker finds, from the Arm
 * Architecture Reference Manual, ARMv7-A/R edition (B3.5 descriptor
 * formats, B3.7.1 access permissions with SCTLR.AFE = 1, B3.8.3 TEX remap
 * with PRRR and NMRR), and the permission rules. The descriptor bits are listed at the
 * top of test_fmt_v7s.c.
 */
#include "ref.h"

static int v7s_valid(const struct pt_cfg *cfg, u32 prot)
{
	return (prot & R) && (prot & (CACHE | MMIO)) != (CACHE | MMIO) ?
	       0 : -EINVAL;
}

/*
 * A MediaTek M4U (MTK_EXT) has no permission bits: anything it maps is read,
 * write and execute, for any request; PRIV is not its.
 */
static int v7s_mtk_valid(const struct pt_cfg *cfg, u32 prot)
{
	if (prot & PRIV)
		return -EOPNOTSUPP;
	return (prot & (R | W | X)) == (R | W | X) &&
	       (prot & (CACHE | MMIO)) != (CACHE | MMIO) ? 0 : -EINVAL;
}

/*
 * MediaTek's bits 34:32 of an address, in descriptor bits 9, 4 and 5
 * (Linux io-pgtable-arm-v7s.c, ARM_V7S_ATTR_MTK_PA_BIT32/33/34).
 */
static u64 ref_mtk_hi(u32 d)
{
	return (u64)((d >> 9) & 1) << 32 | (u64)((d >> 4) & 1) << 33 |
	       (u64)((d >> 5) & 1) << 34;
}

/*
 * The M4U's leaf: TEX[0]:C:B read plainly, as it has no TEX remap
 * registers (0b111 write-back, 0b100 non-cacheable, else device), and
 * the address with MediaTek's bits.
 */
static int v7s_mtk_ref_leaf(const struct fc_tree *t, u64 iova,
			    struct fc_ref *r)
{
	u32 e = r->entries[r->nr - 1], idx;

	if (!(e & 3) || r->nr != 2 - r->level || (r->level && (e & 3) == 1))
		return -ENOENT;
	if (!r->level) {
		r->size = (e & 3) == 1 ? SZ_64K : SZ_4K;
		idx = ((e >> ((e & 3) == 1 ? 12 : 6)) & 1) << 2 | ((e >> 2) & 3);
	} else {
		r->size = e & 0x40000 ? SZ_16M : SZ_1M;
		idx = ((e >> 12) & 1) << 2 | ((e >> 2) & 3);
	}
	r->pa = (e & ~(u32)(r->size - 1)) | ref_mtk_hi(e) |
		(iova & (r->size - 1));
	r->prot = R | W | X | (idx == 7 ? CACHE : idx == 4 ? 0 : MMIO);
	return 0;
}

/* Sections and supersections in the first-level table, pages below. */
static unsigned int v7s_level_of(u64 size)
{
	return size >= SZ_1M;
}

/* PRRR (low word) and NMRR give the memory type of TEX[0]:C:B. */
static u32 ref_memtype(u64 mair, u32 idx)
{
	u32 prrr = (u32)mair, nmrr = (u32)(mair >> 32);
	u32 tr = (prrr >> (2 * idx)) & 3;
	u32 ir = (nmrr >> (2 * idx)) & 3, orgn = (nmrr >> (2 * idx + 16)) & 3;

	/* TR 0b00 strongly-ordered, 0b01 device, 0b10 normal. */
	if (tr != 2)
		return MMIO;
	/* IR/OR 0b01 write-back write-allocate, 0b11 write-back. */
	return (ir & 1) && (orgn & 1) ? CACHE : 0;
}

/*
 * The leaf the hardware's walker found (fc_ref_walk()), decoded from the
 * ARM ARM alone: 0; -ENOENT for a descriptor that is not a leaf at its
 * level; -EACCES on an access flag fault; -EPERM for a leaf not shareable
 * and not global, as every leaf written here is.
 */
static int v7s_ref_leaf(const struct fc_tree *t, u64 iova, struct fc_ref *r)
{
	u32 ap0, ap1, ap2, c, b, tex0, xn, e = r->entries[r->nr - 1];
	struct pt_hw_regs regs;
	bool s_ng;

	pt_fmt_arm_v7s.regs(&t->pt.cfg, pt_root_pa(&t->pt), &regs);
	/* A section is the first entry read, a page the second. */
	if (!(e & 3) || r->nr != 2 - r->level || (r->level && (e & 3) == 1))
		return -ENOENT;
	if (!r->level) {
		ap0 = e & 0x10;
		ap1 = e & 0x20;
		ap2 = e & 0x200;
		s_ng = (e & 0xc00) == 0xc00;
		if ((e & 3) == 1) {
			r->size = SZ_64K;
			r->pa = (e & 0xffff0000) | (iova & 0xffff);
			tex0 = (e >> 12) & 1;
			xn = e & 0x8000;
		} else {
			r->size = SZ_4K;
			r->pa = (e & 0xfffff000) | (iova & 0xfff);
			tex0 = (e >> 6) & 1;
			xn = e & 1;
		}
	} else {
		ap0 = e & 0x400;
		ap1 = e & 0x800;
		ap2 = e & 0x8000;
		s_ng = (e & 0x30000) == 0x30000;
		tex0 = (e >> 12) & 1;
		xn = e & 0x11;	/* XN, or PXN in bit 0 */
		if (e & 0x40000) {
			r->size = SZ_16M;
			r->pa = (e & 0xff000000) |
				(u64)((e >> 20) & 0xf) << 32 |
				(u64)((e >> 5) & 0xf) << 36 | (iova & 0xffffff);
		} else {
			r->size = SZ_1M;
			r->pa = (e & 0xfff00000) | (iova & 0xfffff);
		}
	}
	c = e & 8;
	b = e & 4;
	if (!ap0)
		return -EACCES;	/* access flag fault */
	r->prot = R | (ap2 ? 0 : W) | (ap1 ? 0 : PRIV) | (xn ? 0 : X) |
		  ref_memtype(regs.mair, tex0 << 2 | (c ? 2 : 0) | (b ? 1 : 0));
	return s_ng ? 0 : -EPERM;
}

/* 64K large pages and 16M supersections are 16 entries of one value. */
const struct fc_fmt ref_v7s = {
	.fmt = &pt_fmt_arm_v7s,
	.valid = v7s_valid,
	.leaf = v7s_ref_leaf,
	.level_of = v7s_level_of,
	.same_replicas = true,
	.low_tables = true,
	.prot = RW | CACHE,
};

/* The MediaTek variant: read, write and execute always. */
const struct fc_fmt ref_v7s_mtk = {
	.fmt = &pt_fmt_arm_v7s,
	.valid = v7s_mtk_valid,
	.leaf = v7s_mtk_ref_leaf,
	.level_of = v7s_level_of,
	.same_replicas = true,
	.low_tables = true,
	.prot = R | W | X | CACHE,
};
