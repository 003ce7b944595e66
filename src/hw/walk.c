// SPDX-License-Identifier: GPL-2.0
/*
 * The hardware's table walkers (see walk.h), one decoder of raw entries per
 * format, written from the specifications the format headers cite, not
 * from the engine: what the registers select, which descriptor types exist
 * at which level, where the output address lies, and which requests a leaf
 * lets through.
 *
 * Common rules: a privileged request reaches every page an unprivileged one
 * reaches, and pages marked privileged-only (Arm AP[1] = 0, x86 U/S = 0,
 * RISC-V U = 0, Apple UAT firmware pages); formats without an execute
 * permission let instruction fetches through wherever reads go.
 */
#include "hw/walk.h"

#define HW_R	PTLAB_ACCESS_READ
#define HW_W	PTLAB_ACCESS_WRITE
#define HW_X	PTLAB_ACCESS_EXEC
#define HW_RX	(HW_R | HW_X)

/* What one entry tells the walker. */
enum hw_step { HW_TABLE = -1, HW_LEAF = -2 };

/**
 * struct hw_entry - the decoding of one entry
 * @next_pa: HW_TABLE: the next table
 * @next_level: HW_TABLE: its engine level
 * @pa: HW_LEAF: the output address of the leaf's first byte
 * @size: HW_LEAF: bytes the leaf maps
 * @perm: HW_LEAF: as struct ptlab_hw_xlate
 * @limits: HW_TABLE: the entry limits what lies below it to @and_perm
 * @and_perm: permissions a table entry allows below it (x86, VT-d, AMD)
 */
struct hw_entry {
	u64 next_pa;
	u32 next_level;
	u64 pa;
	u64 size;
	u32 perm[2];
	bool limits;
	u32 and_perm[2];
};

static u32 hw_perm(bool r, bool w, bool x)
{
	return (r ? HW_R : 0) | (w ? HW_W : 0) | (x ? HW_X : 0);
}

/* Unprivileged access only to user pages; privileged to all of them. */
static void hw_set_perm(struct hw_entry *e, u32 perm, bool user)
{
	e->perm[0] = user ? perm : 0;
	e->perm[1] = perm;
}

/* A table entry that limits what lies below it to @and_perm. */
static int hw_limiting_table(struct hw_entry *e, u64 next_pa, u32 next_level,
			     u32 and_unpriv, u32 and_priv)
{
	e->limits = true;
	e->and_perm[0] = and_unpriv;
	e->and_perm[1] = and_priv;
	e->next_pa = next_pa;
	e->next_level = next_level;
	return HW_TABLE;
}

/* --- Arm VMSAv8-64 long descriptors (stage 1, stage 2, Mali) ------------- */

/*
 * Arm levels with block descriptors (Arm ARM D8.3): with TCR.DS = 1
 * (FEAT_LPA2) also 4K level 0 and 16K level 1.
 */
static bool arm_block_ok(const struct ptlab_hw_geom *g, int arm)
{
	switch (g->granule_shift) {
	case 12:
		return arm == 1 || arm == 2 || (arm == 0 && g->ds);
	case 14:
		return arm == 2 || (arm == 1 && g->ds);
	}
	return arm == 2 || (arm == 1 && g->oas == 52);
}

/*
 * Output address bits 47:@low, and with FEAT_LPA (64K, 52 bits) 51:48 from
 * 15:12; with DS = 1, bits 49:@low and 51:50 from 9:8 (D8.3, "OA[51:50]").
 */
static u64 arm_oa(const struct ptlab_hw_geom *g, u64 pte, u32 low)
{
	u64 pa;

	if (g->ds)
		return (pte & GENMASK_ULL(49, low)) | ((pte >> 8) & 3) << 50;
	pa = pte & GENMASK_ULL(47, low);
	if (g->oas == 52)
		pa |= ((pte >> 12) & 0xf) << 48;
	return pa;
}

/* NS (bit 5) and NSTable (bit 63) mean nothing to a Non-secure walker. */
static int arm_entry(const struct ptlab_hw_geom *g, u32 level, u64 iova,
		     u64 pte, struct hw_entry *e)
{
	int arm = 3 - (int)level;
	u32 type = pte & 3;
	bool mali = g->format == PTLAB_FMT_ARM_MALI_LPAE;
	bool ro, user, xn;

	if (!(type & 1))
		return PTLAB_FAULT_TRANSLATION;
	if (arm < 3 && type == 3) {
		e->next_pa = arm_oa(g, pte, g->granule_shift);
		e->next_level = level - 1;
		return HW_TABLE;
	}
	/* A page is 0b11 (Mali: 0b01); 0b01 above is a block where allowed. */
	if (arm == 3 && type != (mali ? 1U : 3U))
		return PTLAB_FAULT_TRANSLATION;
	if (arm < 3 && !arm_block_ok(g, arm))
		return PTLAB_FAULT_TRANSLATION;
	e->size = 1ULL << ptlab_hw_level_shift(g, level);
	e->pa = arm_oa(g, pte, ptlab_hw_level_shift(g, level));
	switch (g->format) {
	case PTLAB_FMT_ARM64_LPAE_S1:
		/*
		 * AP[2] read-only, AP[1] EL0 access, UXN 54, PXN 53. With
		 * TCR.HD, DBM (51) makes AP[2] = 1 writable-clean: the write
		 * clears AP[2] (Arm ARM D8.4.6, "Hardware management of the
		 * dirty state").
		 */
		ro = (pte & BIT_ULL(7)) && !(g->hd && (pte & BIT_ULL(51)));
		user = pte & BIT_ULL(6);
		e->perm[0] = user ? hw_perm(true, !ro, !(pte & BIT_ULL(54))) : 0;
		e->perm[1] = hw_perm(true, !ro, !(pte & BIT_ULL(53)));
		break;
	case PTLAB_FMT_ARM64_LPAE_S2:
		/* S2AP[0] read, S2AP[1] write, XN 54. */
		xn = pte & BIT_ULL(54);
		hw_set_perm(e, hw_perm(pte & BIT_ULL(6), pte & BIT_ULL(7), !xn),
			    true);
		break;
	default:
		/* Mali: RD 6, WR 7, NX 54; no access flag. */
		xn = pte & BIT_ULL(54);
		hw_set_perm(e, hw_perm(pte & BIT_ULL(6), pte & BIT_ULL(7), !xn),
			    true);
		return HW_LEAF;
	}
	/* With TCR.HA the hardware sets AF instead of faulting. */
	if (!(pte & BIT_ULL(10)) && !g->ha)
		return PTLAB_FAULT_ACCESS;
	return HW_LEAF;
}

/* TG0, TCR and VTCR bits 15:14: 4K 0b00, 64K 0b01, 16K 0b10. */
static int arm_granule(u64 tcr)
{
	static const int shifts[4] = { 12, 16, 14, 0 };

	return shifts[(tcr >> 14) & 3];
}

/* TG1, TCR bits 31:30: 16K 0b01, 4K 0b10, 64K 0b11. */
static int arm_granule1(u64 tcr)
{
	static const int shifts[4] = { 0, 14, 12, 16 };

	return shifts[(tcr >> 30) & 3];
}

/* IPS (TCR 34:32) and PS (VTCR 18:16). */
static int arm_pa_bits(u64 field)
{
	static const int bits[8] = { 32, 36, 40, 42, 44, 48, 52, 0 };

	return bits[field & 7];
}

static int arm_decode(u32 format, u64 ttbr, u64 tcr, u64 mair,
		      struct ptlab_hw_geom *g)
{
	u32 stride;
	int start;

	if (format == PTLAB_FMT_ARM_MALI_LPAE) {
		/* AS_TRANSTAB: ADRMODE 0b11 is the LPAE table mode. */
		if ((ttbr & 3) != 3)
			return -EINVAL;
		g->granule_shift = 12;
		g->ias = 48;
		g->oas = 48;
		g->levels = 4;
		g->root_pa = ttbr & GENMASK_ULL(47, 12);
		return 0;
	}
	g->granule_shift = arm_granule(tcr);
	g->ias = 64 - (tcr & 0x3f);
	/*
	 * TTBR0 walks disabled (EPD0) and TTBR1 walks enabled: the registers
	 * describe the upper range, T1SZ and TG1 (the value is TTBR1's).
	 */
	if (format == PTLAB_FMT_ARM64_LPAE_S1 && (tcr & BIT_ULL(7)) &&
	    !(tcr & BIT_ULL(23))) {
		g->upper = true;
		g->granule_shift = arm_granule1(tcr);
		g->ias = 64 - ((tcr >> 16) & 0x3f);
	}
	g->oas = arm_pa_bits(format == PTLAB_FMT_ARM64_LPAE_S1 ?
			     tcr >> 32 : tcr >> 16);
	/* DS: TCR bit 59, VTCR bit 32; only the 4K and 16K granules have it. */
	g->ds = (tcr & (format == PTLAB_FMT_ARM64_LPAE_S1 ? BIT_ULL(59) :
			BIT_ULL(32))) && g->granule_shift != 16;
	g->fwb = format == PTLAB_FMT_ARM64_LPAE_S2 && (mair & BIT_ULL(46));
	if (!g->granule_shift || !g->oas || g->ias < 25 || g->ias > 52)
		return -EINVAL;
	/* 52 bits in or out: FEAT_LVA/LPA with 64K, DS with the others. */
	if ((g->ias > 48 || g->oas > 48) && g->granule_shift != 16 && !g->ds)
		return -EINVAL;
	stride = g->granule_shift - 3;
	if (format == PTLAB_FMT_ARM64_LPAE_S1) {
		g->levels = (g->ias - g->granule_shift + stride - 1) / stride;
	} else {
		/*
		 * VTCR.SL0: the start level, 4K 2 - SL0, others 3 - SL0; with
		 * DS, 16K SL0 = 0b11 is level 0 and 4K SL2 (bit 33) with SL0 =
		 * 0 level -1.
		 */
		start = (g->granule_shift == 12 ? 2 : 3) - (int)((tcr >> 6) & 3);
		if (g->ds && g->granule_shift == 12 && (tcr & BIT_ULL(33)))
			start = ((tcr >> 6) & 3) ? 4 : -1;
		if (start < (g->ds ? -1 : 0) || start > 3 ||
		    (start == 0 && g->granule_shift == 14 && !g->ds))
			return -EINVAL;
		g->levels = 4 - start;
	}
	/* TCR_EL1.HA (39) and HD (40); HD does nothing without HA. */
	if (format == PTLAB_FMT_ARM64_LPAE_S1) {
		g->ha = tcr & BIT_ULL(39);
		g->hd = g->ha && (tcr & BIT_ULL(40));
	}
	/* BADDR[51:48] in bits 5:2 with 52-bit output (LPA and LPA2). */
	g->root_pa = ttbr & GENMASK_ULL(47, 6);
	if (g->oas == 52)
		g->root_pa |= ((ttbr >> 2) & 0xf) << 48;
	return 0;
}

/* --- Armv7 short descriptors --------------------------------------------- */

static int v7s_leaf(struct hw_entry *e, bool ap0, bool ap1, bool ap2, bool xn,
		    bool pxn)
{
	e->perm[0] = ap1 ? hw_perm(true, !ap2, !xn) : 0;
	e->perm[1] = hw_perm(true, !ap2, !xn && !pxn);
	/* AP[0] is the access flag (SCTLR.AFE = 1, as the SMMU's). */
	return ap0 ? HW_LEAF : PTLAB_FAULT_ACCESS;
}

/*
 * A MediaTek M4U's address bits 34:32 in descriptor bits 9, 4, 5 (Linux
 * io-pgtable-arm-v7s.c, IO_PGTABLE_QUIRK_ARM_MTK_EXT and MTK_TTBR_EXT).
 */
static u64 v7s_mtk_hi(u32 d)
{
	return (u64)((d >> 9) & 1) << 32 | (u64)((d >> 4) & 1) << 33 |
	       (u64)((d >> 5) & 1) << 34;
}

/* The M4U has no permission bits: AP and XN are its address bits. */
static int v7s_mtk_entry(u32 level, u32 d, struct hw_entry *e)
{
	if (level == 1) {
		if ((d & 3) == 1) {
			e->next_pa = (d & 0xfffffc00) | v7s_mtk_hi(d);
			e->next_level = 0;
			return HW_TABLE;
		}
		e->size = d & BIT(18) ? 1ULL << 24 : 1ULL << 20;
		e->pa = (d & (u32)~(e->size - 1)) | v7s_mtk_hi(d);
	} else {
		e->size = (d & 3) == 1 ? 1ULL << 16 : 1ULL << 12;
		e->pa = (d & (u32)~(e->size - 1)) | v7s_mtk_hi(d);
	}
	hw_set_perm(e, hw_perm(true, true, true), true);
	return HW_LEAF;
}

static int v7s_entry(const struct ptlab_hw_geom *g, u32 level, u64 iova,
		     u64 pte, struct hw_entry *e)
{
	u32 d = pte;

	if (!(d & 3))
		return PTLAB_FAULT_TRANSLATION;
	if (g->mtk)
		return v7s_mtk_entry(level, d, e);
	if (level == 1) {
		if ((d & 3) == 1) {
			e->next_pa = d & 0xfffffc00;
			e->next_level = 0;
			return HW_TABLE;
		}
		if (d & BIT(18)) {
			/* Supersection: PA 31:24, 35:32 in 23:20, 39:36 in 8:5. */
			e->size = 1ULL << 24;
			e->pa = (d & 0xff000000) | (u64)((d >> 20) & 0xf) << 32 |
				(u64)((d >> 5) & 0xf) << 36;
		} else {
			e->size = 1ULL << 20;
			e->pa = d & 0xfff00000;
		}
		/* 0b11: a section with PXN. */
		return v7s_leaf(e, d & BIT(10), d & BIT(11), d & BIT(15),
				d & BIT(4), (d & 3) == 3);
	}
	if ((d & 3) == 1) {
		e->size = 1ULL << 16;
		e->pa = d & 0xffff0000;
		return v7s_leaf(e, d & BIT(4), d & BIT(5), d & BIT(9),
				d & BIT(15), false);
	}
	e->size = 1ULL << 12;
	e->pa = d & 0xfffff000;
	return v7s_leaf(e, d & BIT(4), d & BIT(5), d & BIT(9), d & BIT(0),
			false);
}

/* --- x86-64 (Intel SDM 4.5) and VT-d second stage (VT-d 9.8) ------------- */

static int x86_entry(const struct ptlab_hw_geom *g, u32 level, u64 iova,
		     u64 pte, struct hw_entry *e)
{
	bool w = pte & BIT_ULL(1), user = pte & BIT_ULL(2);
	bool x = !(pte & BIT_ULL(63));

	if (!(pte & 1))
		return PTLAB_FAULT_TRANSLATION;
	/* R/W, U/S and XD of every entry on the walk count. */
	hw_set_perm(e, hw_perm(true, w, x), user);
	if (level && !(pte & BIT_ULL(7)))
		return hw_limiting_table(e, pte & GENMASK_ULL(51, 12), level - 1,
					 e->perm[0], e->perm[1]);
	/* PS is reserved in PML4 and PML5 entries. */
	if (level > 2)
		return PTLAB_FAULT_ADDR_SIZE;
	e->size = 1ULL << ptlab_hw_level_shift(g, level);
	/* Bit 12 of a large leaf is PAT, not an address bit. */
	e->pa = pte & GENMASK_ULL(51, level ? 13 : 12) & ~(e->size - 1);
	if ((pte & GENMASK_ULL(51, 12)) >> g->oas)
		return PTLAB_FAULT_ADDR_SIZE;
	return HW_LEAF;
}

static int vtss_entry(const struct ptlab_hw_geom *g, u32 level, u64 iova,
		      u64 pte, struct hw_entry *e)
{
	bool r = pte & BIT_ULL(0), w = pte & BIT_ULL(1);

	/* Not present: neither read nor write. */
	if (!r && !w)
		return PTLAB_FAULT_TRANSLATION;
	hw_set_perm(e, hw_perm(r, w, pte & BIT_ULL(2)), true);
	/* Table entries' R and W limit what lies below; X does not. */
	if (level && !(pte & BIT_ULL(7)))
		return hw_limiting_table(e, pte & GENMASK_ULL(51, 12), level - 1,
					 e->perm[0] | HW_X, e->perm[1] | HW_X);
	if (level > 2)
		return PTLAB_FAULT_ADDR_SIZE;
	e->size = 1ULL << ptlab_hw_level_shift(g, level);
	e->pa = pte & GENMASK_ULL(51, 12) & ~(e->size - 1);
	return HW_LEAF;
}

/* --- AMD IOMMU v1 (AMD IOMMU specification 2.2.3, tables 14 and 15) ------- */

static int amd_entry(const struct ptlab_hw_geom *g, u32 level, u64 iova,
		     u64 pte, struct hw_entry *e)
{
	u32 amd = level + 1, nl = (pte >> 9) & 7, l, bit;
	bool ir = pte & BIT_ULL(61), iw = pte & BIT_ULL(62);

	if (!(pte & 1))
		return PTLAB_FAULT_TRANSLATION;
	/* No execute permission: fetches go where reads go. */
	hw_set_perm(e, hw_perm(ir, iw, ir), true);
	if (nl == 0 || nl == 7) {
		e->size = 1ULL << ptlab_hw_level_shift(g, level);
		if (nl == 7) {
			/* The ones from bit 12 up tell the size. */
			for (bit = 12; bit < 52 && ((pte >> bit) & 1); bit++)
				;
			e->size = 1ULL << (bit + 1);
			if (e->size <= 1ULL << ptlab_hw_level_shift(g, level) ||
			    e->size > 1ULL << (ptlab_hw_level_shift(g, level) + 9))
				return PTLAB_FAULT_TRANSLATION;
		}
		e->pa = pte & GENMASK_ULL(51, 12) & ~(e->size - 1);
		return HW_LEAF;
	}
	if (nl >= amd)
		return PTLAB_FAULT_TRANSLATION;
	/* A skipped level translates no bits: its index must be zero. */
	for (l = nl; l < amd - 1; l++)
		if ((iova >> ptlab_hw_level_shift(g, l)) & 0x1ff)
			return PTLAB_FAULT_TRANSLATION;
	return hw_limiting_table(e, pte & GENMASK_ULL(51, 12), nl - 1, e->perm[0],
				 e->perm[1]);
}

/* --- RISC-V Sv39/48/57 (Privileged specification 12.3-12.5, Svnapot) ------ */

static int rv_entry(const struct ptlab_hw_geom *g, u32 level, u64 iova,
		    u64 pte, struct hw_entry *e)
{
	bool r = pte & BIT_ULL(1), w = pte & BIT_ULL(2), x = pte & BIT_ULL(3);
	u64 ppn = (pte >> 10) & GENMASK_ULL(43, 0);

	if (!(pte & 1) || (w && !r) || (pte & GENMASK_ULL(60, 54)))
		return PTLAB_FAULT_TRANSLATION;
	if (!r && !x) {
		/* A, D, U and N are reserved in a pointer to the next level. */
		if (!level || (pte & (BIT_ULL(4) | BIT_ULL(6) | BIT_ULL(7) |
				      BIT_ULL(63))))
			return PTLAB_FAULT_TRANSLATION;
		e->next_pa = ppn << 12;
		e->next_level = level - 1;
		return HW_TABLE;
	}
	e->size = 1ULL << ptlab_hw_level_shift(g, level);
	if (pte & BIT_ULL(63)) {
		/* Svnapot: only 64K, PPN[3:0] = 0b1000, in a last-level PTE. */
		if (level || (ppn & 0xf) != 0x8)
			return PTLAB_FAULT_TRANSLATION;
		e->size = 1ULL << 16;
		ppn &= ~0xfULL;
	} else if (ppn & ((e->size >> 12) - 1)) {
		/* A misaligned superpage. */
		return PTLAB_FAULT_TRANSLATION;
	}
	e->pa = ppn << 12;
	hw_set_perm(e, hw_perm(r, w, x), pte & BIT_ULL(4));
	/*
	 * Without hardware A/D updating, A = 0 faults (Svade); with
	 * DC.tc.SADE the IOMMU sets A and D instead.
	 */
	if (!g->ha && (!(pte & BIT_ULL(6)) || (w && !(pte & BIT_ULL(7)))))
		return PTLAB_FAULT_ACCESS;
	return HW_LEAF;
}

/* --- Apple DART and UAT (what the Linux and Asahi drivers rely on) ------- */

static int dart_entry(const struct ptlab_hw_geom *g, u32 level, u64 iova,
		      u64 pte, struct hw_entry *e)
{
	u64 pa, off;
	bool nr, nw;

	if (!(pte & 1))
		return PTLAB_FAULT_TRANSLATION;
	if (g->dart2) {
		pa = (pte & GENMASK_ULL(37, 10)) << 4;
		nr = pte & BIT_ULL(3);
		nw = pte & BIT_ULL(2);
	} else {
		pa = pte & GENMASK_ULL(35, 14);
		nr = pte & BIT_ULL(8);
		nw = pte & BIT_ULL(7);
	}
	if (level) {
		e->next_pa = pa;
		e->next_level = level - 1;
		return HW_TABLE;
	}
	e->size = 1ULL << 14;
	e->pa = pa;
	hw_set_perm(e, hw_perm(!nr, !nw, !nr), true);
	/* The subpage window, in 4-byte units: start 63:52, end 51:40. */
	off = (iova & (e->size - 1)) >> 2;
	if ((g->dart2 || !(pte & BIT_ULL(1))) &&
	    (off < pte >> 52 || off > ((pte >> 40) & 0xfff))) {
		e->perm[0] = 0;
		e->perm[1] = 0;
	}
	return HW_LEAF;
}

static int uat_entry(const struct ptlab_hw_geom *g, u32 level, u64 iova,
		     u64 pte, struct hw_entry *e)
{
	bool pxn = pte & BIT_ULL(53), uxn = pte & BIT_ULL(54);
	u32 fw = 0, gpu = 0;

	/* Only 0b11 descriptors: tables above, pages at the last level. */
	if ((pte & 3) != 3)
		return PTLAB_FAULT_TRANSLATION;
	if (level) {
		e->next_pa = pte & GENMASK_ULL(47, 14);
		e->next_level = level - 1;
		return HW_TABLE;
	}
	e->size = 1ULL << 14;
	e->pa = pte & GENMASK_ULL(47, 14);
	/* AP (7:6) with UXN and PXN (see src/fmt/apple.h's table). */
	switch ((pte >> 6) & 3) {
	case 0:
		fw = hw_perm(pxn, uxn, pxn);
		gpu = fw;
		break;
	case 1:
		if (!uxn && pxn)
			break;
		fw = hw_perm(true, uxn, true);
		gpu = uxn && pxn ? HW_RX : 0;
		break;
	case 2:
		if (!uxn && !pxn)
			gpu = HW_RX;
		else if (!uxn)
			gpu = HW_W;
		else if (!pxn)
			gpu = HW_RX | HW_W;
		break;
	}
	/* Firmware requests are the privileged ones. */
	e->perm[0] = gpu;
	e->perm[1] = fw;
	if (!(pte & BIT_ULL(10)))
		return PTLAB_FAULT_ACCESS;
	return HW_LEAF;
}

/* --- the walk ------------------------------------------------------------ */

typedef int (*hw_entry_fn)(const struct ptlab_hw_geom *g, u32 level,
			   u64 iova, u64 pte, struct hw_entry *e);

static hw_entry_fn hw_entry_of(u32 format)
{
	switch (format) {
	case PTLAB_FMT_ARM64_LPAE_S1:
	case PTLAB_FMT_ARM64_LPAE_S2:
	case PTLAB_FMT_ARM_MALI_LPAE:
		return arm_entry;
	case PTLAB_FMT_ARM_V7S:
		return v7s_entry;
	case PTLAB_FMT_X86_64:
		return x86_entry;
	case PTLAB_FMT_VTD_SS:
		return vtss_entry;
	case PTLAB_FMT_AMD_V1:
		return amd_entry;
	case PTLAB_FMT_RISCV:
		return rv_entry;
	case PTLAB_FMT_APPLE_DART:
		return dart_entry;
	case PTLAB_FMT_APPLE_UAT:
		return uat_entry;
	}
	return NULL;
}

/**
 * ptlab_hw_level_shift() - log2 of the span of one entry at a level
 * @geom: the geometry
 * @level: engine level (0 = the smallest pages)
 *
 * Return: the shift.
 */
u64 ptlab_hw_level_shift(const struct ptlab_hw_geom *geom, u32 level)
{
	/* GMMU: 4K PTEs (or big ones), 2M PD0, then 9 bits from 29. */
	if (geom->format == PTLAB_FMT_NVIDIA_GMMU_V2 ||
	    geom->format == PTLAB_FMT_NVIDIA_GMMU_V3)
		return level ? (level == 1 ? 21 : 29 + 9 * (level - 2)) : 12;
	if (geom->format == PTLAB_FMT_ARM_V7S)
		return level ? 20 : 12;
	return geom->granule_shift + level * (geom->granule_shift - 3);
}

static u32 hw_index_bits(const struct ptlab_hw_geom *geom, u32 level)
{
	if (level == geom->levels - 1)
		return geom->top_bits;
	if (geom->format == PTLAB_FMT_NVIDIA_GMMU_V2 ||
	    geom->format == PTLAB_FMT_NVIDIA_GMMU_V3)
		return level == 1 ? 8 : 9;
	return geom->format == PTLAB_FMT_ARM_V7S ? 8 : geom->granule_shift - 3;
}

/* --- NVIDIA GPU MMU v2 and v3 (gp100 and gh100 dev_mmu.h) ------------------ */

/*
 * The GMMU walk reads PD0's 16-byte dual entries and picks a half, which a
 * one-entry-at-a-time decoder cannot: it has a walk of its own. Levels:
 * 0 PTE (small 4K or big 64K/128K table), 1 PD0 (2M), 2 PD1 (512M), 3 PD2,
 * 4 PD3, 5 PD4 (v3).
 *
 * Which GPU the walker is: the instance block names no generation, so it
 * is the newest one the registers allow. v3: Hopper on. v2 with 64K big
 * pages: Ampere or Ada, which decode a 512M PTE at PD1 (open-gpu-kernel-
 * modules' kgmmuFmtInitLevels_GA10X); v2 with 128K big pages: Pascal, the
 * only generation that takes them, which does not (kgmmuFmtInitLevels_GP10X).
 */
static bool gmmu_v3(const struct ptlab_hw_geom *g)
{
	return g->format == PTLAB_FMT_NVIDIA_GMMU_V3;
}

/* APERTURE 2:1 of a PDE or a dual entry's half: 0 invalid, 1 video. */
static u32 gmmu_apt(u64 pde)
{
	return (pde >> 1) & 3;
}

/* Where a PDE (or a dual entry's small half) points. */
static u64 gmmu_pde_pa(const struct ptlab_hw_geom *g, u64 pde)
{
	/* v2 ADDRESS_SYS 53:8 holds pa >> 12; v3 ADDRESS 51:12 in place. */
	if (gmmu_v3(g))
		return pde & GENMASK_ULL(51, 12);
	return ((pde >> 8) & GENMASK_ULL(45, 0)) << 12;
}

/* A dual entry's big half: v2 ADDRESS_BIG_SYS 53:4 = pa >> 8, v3 51:8. */
static u64 gmmu_big_pa(const struct ptlab_hw_geom *g, u64 w0)
{
	if (gmmu_v3(g))
		return w0 & GENMASK_ULL(51, 8);
	return ((w0 >> 4) & GENMASK_ULL(49, 0)) << 8;
}

static bool gmmu_read(const struct ptlab_hw_geom *g, ptlab_hw_read_fn read,
		      void *ctx, struct ptlab_hw_xlate *x, u64 table_pa,
		      u64 offset, u32 level, u64 *val)
{
	if (x->nr == PTLAB_HW_MAX_LEVELS ||
	    !read(ctx, table_pa + offset, 8, val)) {
		x->fault = PTLAB_FAULT_EXTERNAL;
		return false;
	}
	x->level = level;
	x->entry_pa[x->nr] = table_pa + offset;
	x->table_pa[x->nr] = table_pa;
	x->entry_level[x->nr] = level;
	x->entries[x->nr++] = *val;
	return true;
}

/* Does PD1 decode a 512M PTE? See above. */
static bool gmmu_pd1_pte(const struct ptlab_hw_geom *g)
{
	return gmmu_v3(g) || g->gmmu_big_shift == 16;
}

/* A PTE with VALID = 1 maps @shift bits of VA. */
static void gmmu_leaf(const struct ptlab_hw_geom *g, u64 iova, u64 pte,
		      u32 shift, struct ptlab_hw_xlate *x)
{
	bool ro, priv;
	struct hw_entry e = {};

	if (gmmu_v3(g)) {
		/* PCF 7:3: bit 1 privilege, bit 2 read-only. */
		priv = pte & BIT_ULL(4);
		ro = pte & BIT_ULL(5);
		e.pa = pte & GENMASK_ULL(51, 12);
	} else {
		priv = pte & BIT_ULL(5);
		ro = pte & BIT_ULL(6);
		e.pa = ((pte >> 8) & GENMASK_ULL(45, 0)) << 12;
	}
	/* Video (0) and peer (1) memory: the device has neither. */
	if (gmmu_apt(pte) < 2) {
		x->fault = PTLAB_FAULT_EXTERNAL;
		return;
	}
	e.size = 1ULL << shift;
	if ((e.pa & (e.size - 1)) ||
	    (g->oas < 64 && (e.pa + e.size - 1) >> g->oas)) {
		x->fault = PTLAB_FAULT_ADDR_SIZE;
		return;
	}
	/* No execute permission: fetches go where reads go. */
	hw_set_perm(&e, hw_perm(true, !ro, true), !priv);
	x->iova = iova & ~(e.size - 1);
	x->pa = e.pa;
	x->size = e.size;
	x->perm[0] = e.perm[0];
	x->perm[1] = e.perm[1];
}

static void gmmu_walk(const struct ptlab_hw_geom *g, ptlab_hw_read_fn read,
		      void *ctx, u64 iova, u64 table_pa, u32 level,
		      struct ptlab_hw_xlate *x)
{
	u32 big = g->gmmu_big_shift;
	u64 pte, w0, w1, off;

	/* PD4..PD1: 8-byte PDEs; a PTE at PD1 is a 512M page (see above). */
	for (; level >= 2; level--) {
		off = ((iova >> ptlab_hw_level_shift(g, level)) &
		       ((1ULL << hw_index_bits(g, level)) - 1)) * 8;
		if (!gmmu_read(g, read, ctx, x, table_pa, off, level, &pte))
			return;
		if (pte & 1) {
			if (!gmmu_pd1_pte(g) || level != 2)
				x->fault = PTLAB_FAULT_TRANSLATION;
			else
				gmmu_leaf(g, iova, pte, 29, x);
			return;
		}
		if (!gmmu_apt(pte) || gmmu_apt(pte) == 1) {
			x->fault = gmmu_apt(pte) ? PTLAB_FAULT_EXTERNAL :
				   PTLAB_FAULT_TRANSLATION;
			return;
		}
		table_pa = gmmu_pde_pa(g, pte);
		if (g->oas < 64 && table_pa >> g->oas) {
			x->fault = PTLAB_FAULT_ADDR_SIZE;
			return;
		}
	}
	if (level != 1) {
		x->fault = PTLAB_FAULT_EXTERNAL;
		return;
	}
	/* PD0: both words of the dual entry, VA bits 28:21. */
	off = ((iova >> 21) & 255) * 16;
	if (!gmmu_read(g, read, ctx, x, table_pa, off, 1, &w0) ||
	    !gmmu_read(g, read, ctx, x, table_pa, off + 8, 1, &w1))
		return;
	if (w0 & 1) {
		gmmu_leaf(g, iova, w0, 21, x);
		return;
	}
	/*
	 * The big page table first. A big PTE with VALID = 0 sends the walk
	 * to the small table, unless it says there is nothing there: v2
	 * PRIV = 1 (nouveau's gp100_vmm_lpt_invalid), v3 PCF 3
	 * (NO_VALID_4KB_PAGE).
	 */
	if (gmmu_apt(w0) >= 2) {
		off = ((iova >> big) & ((1ULL << (21 - big)) - 1)) * 8;
		if (!gmmu_read(g, read, ctx, x, gmmu_big_pa(g, w0), off, 0,
			       &pte))
			return;
		if (pte & 1) {
			gmmu_leaf(g, iova, pte, big, x);
			return;
		}
		if (gmmu_v3(g) ? ((pte >> 3) & 0x1f) == 3 : pte & BIT_ULL(5)) {
			x->fault = PTLAB_FAULT_TRANSLATION;
			return;
		}
	} else if (gmmu_apt(w0) == 1) {
		x->fault = PTLAB_FAULT_EXTERNAL;
		return;
	}
	if (gmmu_apt(w1) < 2) {
		x->fault = gmmu_apt(w1) ? PTLAB_FAULT_EXTERNAL :
			   PTLAB_FAULT_TRANSLATION;
		return;
	}
	off = ((iova >> 12) & 511) * 8;
	if (!gmmu_read(g, read, ctx, x, gmmu_pde_pa(g, w1), off, 0, &pte))
		return;
	if (!(pte & 1)) {
		x->fault = PTLAB_FAULT_TRANSLATION;
		return;
	}
	gmmu_leaf(g, iova, pte, 12, x);
}

/**
 * ptlab_hw_table_span() - bytes of IOVA space one table translates
 * @geom: the geometry
 * @level: engine level of the table
 *
 * Return: the span; a walk cache keys a table by its span's first IOVA.
 * 0 for a GMMU page table: whether it is a big or a small one is the PD0
 * entry's to say, so a walk never starts from it.
 */
u64 ptlab_hw_table_span(const struct ptlab_hw_geom *geom, u32 level)
{
	u64 bits;

	if (!level && (geom->format == PTLAB_FMT_NVIDIA_GMMU_V2 ||
		       geom->format == PTLAB_FMT_NVIDIA_GMMU_V3))
		return 0;
	bits = ptlab_hw_level_shift(geom, level) +
		   hw_index_bits(geom, level);

	return bits >= 64 ? ~0ULL : 1ULL << bits;
}

/**
 * ptlab_hw_decode() - learn the geometry from register values
 * @format: enum ptlab_format
 * @ttbr: the table base register (see struct ptlab_info)
 * @tcr: the translation control register or mode field
 * @mair: the memory attribute register (unused by the walk)
 * @geom: receives the geometry
 *
 * Return: 0, or -EINVAL for register values the hardware would not take.
 */
int ptlab_hw_decode(u32 format, u64 ttbr, u64 tcr, u64 mair,
		    struct ptlab_hw_geom *geom)
{
	struct ptlab_hw_geom *g = geom;
	int ret = 0;

	*g = (struct ptlab_hw_geom){ .format = format, .granule_shift = 12 };
	switch (format) {
	case PTLAB_FMT_ARM64_LPAE_S1:
	case PTLAB_FMT_ARM64_LPAE_S2:
	case PTLAB_FMT_ARM_MALI_LPAE:
		ret = arm_decode(format, ttbr, tcr, mair, g);
		break;
	case PTLAB_FMT_ARM_V7S:
		/* TTBCR.N shortens TTBR0's range and its table. */
		g->levels = 2;
		g->ias = 32 - (tcr & 7);
		g->oas = 40;
		g->root_pa = ttbr & GENMASK_ULL(31, 14 - (tcr & 7));
		/*
		 * A MediaTek M4U has no TEX remap registers (mair 0); its base
		 * register holds table address bits 34:32 in bits 2:0.
		 */
		if (!mair) {
			g->mtk = true;
			g->oas = 35;
			g->root_pa |= (ttbr & 7) << 32;
		}
		break;
	case PTLAB_FMT_X86_64:
		/* The paging mode: 0 four levels, 1 five. */
		if (tcr > 1)
			return -EINVAL;
		g->levels = 4 + tcr;
		g->oas = 52;
		g->root_pa = ttbr & GENMASK_ULL(51, 12);
		break;
	case PTLAB_FMT_VTD_SS:
		/* AW: 1 = 39 bits, 2 = 48, 3 = 57; SSADE in bit 9. */
		g->ha = tcr & BIT_ULL(9);
		g->hd = g->ha;
		tcr &= ~BIT_ULL(9);
		if (tcr < 1 || tcr > 3)
			return -EINVAL;
		g->levels = tcr + 2;
		g->oas = 52;
		g->root_pa = ttbr & GENMASK_ULL(51, 12);
		break;
	case PTLAB_FMT_AMD_V1:
		/* DTE Mode: the number of levels; HAD (bits 8:7) 0b11: A and D. */
		g->ha = ((tcr >> 7) & 3) == 3;
		g->hd = g->ha;
		tcr &= ~(3ULL << 7);
		if (tcr < 1 || tcr > 6)
			return -EINVAL;
		g->levels = tcr;
		g->oas = 52;
		g->root_pa = ttbr & GENMASK_ULL(51, 12);
		break;
	case PTLAB_FMT_RISCV:
		/* satp MODE 8, 9, 10: Sv39, Sv48, Sv57; PPN in 43:0. */
		if (ttbr >> 60 < 8 || ttbr >> 60 > 10)
			return -EINVAL;
		/* DC.tc.SADE (bit 8 of tc). */
		g->ha = tcr & BIT_ULL(8);
		g->hd = g->ha;
		g->levels = (ttbr >> 60) - 5;
		g->oas = 56;
		g->root_pa = (ttbr & GENMASK_ULL(43, 0)) << 12;
		break;
	case PTLAB_FMT_APPLE_DART:
		g->granule_shift = 14;
		if (tcr & BIT_ULL(7)) {
			/* t8020: TTBR valid bit 31, the root >> 12. */
			if (!(ttbr & BIT_ULL(31)))
				return -EINVAL;
			g->levels = 2;
			g->oas = 36;
			g->root_pa = (ttbr & GENMASK_ULL(30, 0)) << 12;
		} else if (tcr & BIT_ULL(0)) {
			/* t8110: valid bit 0, root >> 14 from bit 2. */
			if (!(ttbr & 1))
				return -EINVAL;
			g->dart2 = true;
			g->levels = tcr & BIT_ULL(3) ? 3 : 2;
			g->oas = 42;
			g->root_pa = (ttbr >> 2) << 14;
		} else {
			return -EINVAL;
		}
		break;
	case PTLAB_FMT_NVIDIA_GMMU_V2:
	case PTLAB_FMT_NVIDIA_GMMU_V3:
		/*
		 * NV_RAMIN_PAGE_DIR_BASE: target 1:0 system memory (2, 3),
		 * VER2 tables bit 10, big pages bit 11 (1 = 64K, 0 = 128K),
		 * the root in 63:12. NV_RAMIN_ADR_LIMIT: the last VA; the
		 * walker models the whole VA only. 128K big pages are
		 * Pascal's (gp100 dev_ram.h): from Volta on the big page
		 * size is 64K (gv100's NV_RAMIN_SC_BIG_PAGE_SIZE has no
		 * other value), so a v3 MMU takes no 128K. Bit 10 selects
		 * version 2 over version 1 tables; a v3 MMU has neither and
		 * the two drivers differ: nouveau sets it (gv100_vmm_join),
		 * NVIDIA's RM clears it for version 3 tables
		 * (kgmmuInstBlkPageDirBaseGet_GP100), so v3 takes both.
		 */
		if ((ttbr & 3) < 2 ||
		    (format == PTLAB_FMT_NVIDIA_GMMU_V2 && !(ttbr & BIT_ULL(10))) ||
		    (format == PTLAB_FMT_NVIDIA_GMMU_V3 && !(ttbr & BIT_ULL(11))))
			return -EINVAL;
		g->levels = format == PTLAB_FMT_NVIDIA_GMMU_V3 ? 6 : 5;
		g->ias = format == PTLAB_FMT_NVIDIA_GMMU_V3 ? 57 : 49;
		if (tcr != (1ULL << g->ias) - 1)
			return -EINVAL;
		g->oas = format == PTLAB_FMT_NVIDIA_GMMU_V3 ? 52 : 58;
		g->gmmu_big_shift = ttbr & BIT_ULL(11) ? 16 : 17;
		g->root_pa = ttbr & GENMASK_ULL(63, 12);
		break;
	case PTLAB_FMT_APPLE_UAT:
		if (!(ttbr & 1))
			return -EINVAL;
		g->granule_shift = 14;
		g->levels = 3;
		g->ias = 39;
		g->oas = 42;
		g->root_pa = ttbr & GENMASK_ULL(47, 14);
		break;
	default:
		return -EINVAL;
	}
	if (ret)
		return ret;
	if (!g->ias) {
		g->ias = ptlab_hw_level_shift(g, g->levels - 1) +
			 (format == PTLAB_FMT_AMD_V1 && g->levels == 6 ? 7 :
			  g->granule_shift - 3);
	}
	if (g->ias > 64 || g->ias <= ptlab_hw_level_shift(g, g->levels - 1))
		return -EINVAL;
	g->top_bits = g->ias - ptlab_hw_level_shift(g, g->levels - 1);
	return 0;
}

/**
 * ptlab_hw_walk() - translate one IOVA as the hardware's walker would
 * @geom: the geometry the registers gave
 * @read: reads table memory
 * @ctx: for @read
 * @iova: the address the device issued
 * @table_pa: the table to start from: the root, or one a walk cache holds
 * @level: engine level of that table
 * @x: receives the translation or the fault, and the entries read
 */
void ptlab_hw_walk(const struct ptlab_hw_geom *geom, ptlab_hw_read_fn read,
		   void *ctx, u64 iova, u64 table_pa, u32 level,
		   struct ptlab_hw_xlate *x)
{
	hw_entry_fn entry = hw_entry_of(geom->format);
	unsigned int bytes = geom->format == PTLAB_FMT_ARM_V7S ? 4 : 8;
	u32 and_perm[2] = { ~0U, ~0U };
	struct hw_entry e;
	u64 pte;
	int ret;

	*x = (struct ptlab_hw_xlate){ .level = level };
	/* The bits above the input size: all clear, or all set (TTBR1). */
	if ((!entry && !geom->gmmu_big_shift) ||
	    (geom->ias < 64 &&
	     (iova >> geom->ias) != (geom->upper ? ~0ULL >> geom->ias : 0))) {
		x->fault = PTLAB_FAULT_ADDR_SIZE;
		return;
	}
	if (geom->gmmu_big_shift) {
		gmmu_walk(geom, read, ctx, iova, table_pa, level, x);
		return;
	}
	for (;;) {
		u64 shift = ptlab_hw_level_shift(geom, level);
		u64 index = (iova >> shift) &
			    ((1ULL << hw_index_bits(geom, level)) - 1);

		x->level = level;
		if (x->nr == PTLAB_HW_MAX_LEVELS ||
		    !read(ctx, table_pa + index * bytes, bytes, &pte)) {
			x->fault = PTLAB_FAULT_EXTERNAL;
			return;
		}
		x->entry_pa[x->nr] = table_pa + index * bytes;
		x->table_pa[x->nr] = table_pa;
		x->entry_level[x->nr] = level;
		x->entries[x->nr++] = pte;
		e = (struct hw_entry){};
		ret = entry(geom, level, iova, pte, &e);
		if (ret == HW_TABLE) {
			if (geom->oas < 64 && e.next_pa >> geom->oas) {
				x->fault = PTLAB_FAULT_ADDR_SIZE;
				return;
			}
			if (e.limits) {
				and_perm[0] &= e.and_perm[0];
				and_perm[1] &= e.and_perm[1];
			}
			table_pa = e.next_pa;
			level = e.next_level;
			continue;
		}
		if (ret != HW_LEAF) {
			x->fault = ret;
			return;
		}
		if (geom->oas < 64 && (e.pa + e.size - 1) >> geom->oas) {
			x->fault = PTLAB_FAULT_ADDR_SIZE;
			return;
		}
		x->iova = iova & ~(e.size - 1);
		x->pa = e.pa & ~(e.size - 1);
		x->size = e.size;
		x->perm[0] = e.perm[0] & and_perm[0];
		x->perm[1] = e.perm[1] & and_perm[1];
		return;
	}
}

/**
 * ptlab_hw_access_fault() - whether a translated leaf lets a request through
 * @x: a walk that found a leaf
 * @access: PTLAB_ACCESS_* of the request
 *
 * Return: 0, or PTLAB_FAULT_PERMISSION.
 */
u32 ptlab_hw_access_fault(const struct ptlab_hw_xlate *x, u32 access)
{
	u32 perm = x->perm[!!(access & PTLAB_ACCESS_PRIV)];
	u32 need = access & (HW_R | HW_W | HW_X);

	return (perm & need) == need ? 0 : PTLAB_FAULT_PERMISSION;
}

/**
 * ptlab_hw_ad_update() - an entry as the hardware writes it back after use
 * @geom: the geometry, with what the registers enable (@ha, @hd)
 * @level: engine level of the entry
 * @pte: the entry as read
 * @leaf: it is the walk's leaf
 * @write: the request writes through it (leaves)
 *
 * The bits, per format: x86-64 A 5 in every entry, D 6 in leaves (Intel
 * SDM 4.8); VT-d second stage A 8 in every entry, D 9 in leaves (VT-d
 * 3.7.2, 9.8); AMD v1 A 5 in PDEs and PTEs, D 6 in PTEs (AMD IOMMU 2.2.3,
 * Linux's IOMMU_PTE_HD); RISC-V A 6 and D 7 in leaves only, reserved in
 * pointers (Privileged specification 12.3.1); Arm stage 1 AF 10 in leaves,
 * and for a write to a DBM (51) leaf AP[2] (7) cleared. Formats without
 * such bits, and registers that enable nothing, leave @pte as it is.
 *
 * Return: the new entry, @pte itself if nothing changes.
 */
u64 ptlab_hw_ad_update(const struct ptlab_hw_geom *geom, u32 level, u64 pte,
		       bool leaf, bool write)
{
	bool d = leaf && write && geom->hd;

	if (!geom->ha)
		return pte;
	switch (geom->format) {
	case PTLAB_FMT_X86_64:
	case PTLAB_FMT_AMD_V1:
		return pte | BIT_ULL(5) | (d ? BIT_ULL(6) : 0);
	case PTLAB_FMT_VTD_SS:
		return pte | BIT_ULL(8) | (d ? BIT_ULL(9) : 0);
	case PTLAB_FMT_RISCV:
		if (!leaf)
			return pte;
		return pte | BIT_ULL(6) | (d ? BIT_ULL(7) : 0);
	case PTLAB_FMT_ARM64_LPAE_S1:
		if (!leaf)
			return pte;
		pte |= BIT_ULL(10);
		if (d && (pte & BIT_ULL(51)))
			pte &= ~BIT_ULL(7);
		return pte;
	}
	return pte;
}

/**
 * ptlab_hw_write_dirty() - may the hardware write through a leaf without
 *	updating it?
 * @geom: the geometry
 * @pte: the leaf entry
 *
 * What an IOTLB remembers of a leaf: a write through a cached translation
 * that was clean goes to the table to set the dirty state (as hardware
 * does, and as a later write after a clean and its flush must do again).
 *
 * Return: true if the leaf is dirty already, or has no dirty state the
 * hardware keeps.
 */
bool ptlab_hw_write_dirty(const struct ptlab_hw_geom *geom, u64 pte)
{
	if (!geom->hd)
		return true;
	switch (geom->format) {
	case PTLAB_FMT_X86_64:
	case PTLAB_FMT_AMD_V1:
		return pte & BIT_ULL(6);
	case PTLAB_FMT_VTD_SS:
		return pte & BIT_ULL(9);
	case PTLAB_FMT_RISCV:
		return pte & BIT_ULL(7);
	case PTLAB_FMT_ARM64_LPAE_S1:
		return !(pte & BIT_ULL(7));
	}
	return true;
}
