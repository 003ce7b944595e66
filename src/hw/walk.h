/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hardware's table walkers: for every format, a walk of raw table
 * memory written from the format's specification, sharing nothing with the
 * engine or the format code (scripts/lint checks that this folder's walker
 * includes neither). The simulated device walks with them, and the host
 * tests check the engine with them (every reference walk of tests/host is
 * one of these, see fc_ref_walk()); both give the memory reads.
 */
#ifndef PTLAB_HW_WALK_H
#define PTLAB_HW_WALK_H

#include "common/pt_env.h"
#include "uapi/linux/ptlab.h"

/* More than any format's levels; the engine's limit is the uapi's. */
#define PTLAB_HW_MAX_LEVELS	PTLAB_MAX_LEVELS

/**
 * struct ptlab_hw_geom - what the hardware learns from its registers
 * @format: enum ptlab_format
 * @levels: tables on a walk from the root
 * @granule_shift: log2 of the smallest page
 * @ias: input address bits the registers select
 * @oas: output address bits
 * @top_bits: index bits of the root table
 * @root_pa: physical address of the root table
 * @dart2: Apple DART: the t8110 ("DART2") entry encoding
 * @upper: Arm stage 1: the TTBR1 range, IOVAs with every bit above @ias set
 * @ds: Arm: TCR.DS / VTCR.DS, FEAT_LPA2's descriptors
 * @fwb: Arm stage 2: HCR_EL2.FWB, FEAT_S2FWB's memory attributes (the
 *	walker reports no memory types: it changes no translation)
 * @mtk: Armv7 short descriptors as a MediaTek M4U walks them
 * @ha: the hardware sets access flags (Arm TCR.HA, VT-d SSADE, AMD
 *	DTE.HAD, RISC-V DC.tc.SADE; x86-64: set by the device's owner)
 * @hd: the hardware sets the dirty state of leaves it writes through
 * @gmmu_big_shift: NVIDIA GMMU: log2 of the big page size (16, or 17 on
 *	version 2: NV_RAMIN_BIG_PAGE_SIZE = 0); 0 for every other format
 */
struct ptlab_hw_geom {
	u32 format;
	u32 levels;
	u32 granule_shift;
	u32 ias;
	u32 oas;
	u32 top_bits;
	u64 root_pa;
	bool dart2;
	bool upper;
	bool ds;
	bool fwb;
	bool mtk;
	bool ha;
	bool hd;
	u32 gmmu_big_shift;
};

/*
 * Reads @bytes (4 or 8) of table memory at @pa into *@val; false if @pa
 * is not memory the walker may read.
 */
typedef bool (*ptlab_hw_read_fn)(void *ctx, u64 pa, unsigned int bytes,
				 u64 *val);

/**
 * struct ptlab_hw_xlate - what one walk found
 * @iova: first IOVA of the leaf
 * @pa: first physical address of the leaf
 * @size: bytes of the leaf (one entry's span; contiguous hints are not
 *	used, as hardware is allowed)
 * @perm: PTLAB_ACCESS_READ, _WRITE and _EXEC the leaf allows, [0] to
 *	unprivileged and [1] to privileged requests
 * @fault: 0, or the enum ptlab_fault_kind the walk ended with
 * @level: engine level (0 = the smallest pages) of the last entry read
 * @nr: entries read, root first
 * @entries: their raw values
 * @entry_pa: where each was read
 * @table_pa: the table each was read from
 * @entry_level: the engine level of each
 *
 * An NVIDIA GMMU walk lists both words of the dual PD0 entry it reads (the
 * big and the small page table's pointers), each at level 1.
 */
struct ptlab_hw_xlate {
	u64 iova;
	u64 pa;
	u64 size;
	u32 perm[2];
	u32 fault;
	u32 level;
	u32 nr;
	u64 entries[PTLAB_HW_MAX_LEVELS];
	u64 entry_pa[PTLAB_HW_MAX_LEVELS];
	u64 table_pa[PTLAB_HW_MAX_LEVELS];
	u32 entry_level[PTLAB_HW_MAX_LEVELS];
};

int ptlab_hw_decode(u32 format, u64 ttbr, u64 tcr, u64 mair,
		    struct ptlab_hw_geom *geom);
void ptlab_hw_walk(const struct ptlab_hw_geom *geom, ptlab_hw_read_fn read,
		   void *ctx, u64 iova, u64 table_pa, u32 level,
		   struct ptlab_hw_xlate *x);
u64 ptlab_hw_level_shift(const struct ptlab_hw_geom *geom, u32 level);
u64 ptlab_hw_table_span(const struct ptlab_hw_geom *geom, u32 level);
u32 ptlab_hw_access_fault(const struct ptlab_hw_xlate *x, u32 access);
u64 ptlab_hw_ad_update(const struct ptlab_hw_geom *geom, u32 level, u64 pte,
		       bool leaf, bool write);
bool ptlab_hw_write_dirty(const struct ptlab_hw_geom *geom, u64 pte);

#endif /* PTLAB_HW_WALK_H */
