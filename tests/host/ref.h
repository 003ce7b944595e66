/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the tests know of every format, independently of src/fmt/: for each
 * one a struct fc_fmt with the permission rules as its specification states
 * them and a decoder of leaf entries written from that specification. The
 * walk of the raw tables is the hardware's walker's (src/hw/walk.c, the
 * simulated device's, one copy): fc_ref_walk() walks with it from the
 * register values, then decodes the leaf it found with the format's
 * decoder, which must agree. The format tests (test_fmt_*.c, test_lpae.c,
 * test_engine.c) use them next to golden encodings worked out by hand.
 *
 * One file per family holds the decoders: arm_ref.c (the Arm
 * long-descriptor formats), ref_v7s.c, ref_x86.c (x86-64 and VT-d second
 * stage), ref_amd.c, ref_riscv.c, ref_apple.c, ref_gmmu.c. ref_spaces.c
 * lists the spaces the randomized tests (test_random, fuzz_engine) run
 * in: several of every format.
 */
#ifndef PTLAB_HOST_REF_H
#define PTLAB_HOST_REF_H

#include "arm_ref.h"

/* ---- AMD IOMMU v1 (ref_amd.c): spec 48882, section 2.2.3 ---- */

/* Entry bits, spelled out independently of the format's code. */
#define AMD_SPEC_PR		0x1ULL
#define AMD_SPEC_ADDR		0x000ffffffffff000ULL	/* bits 51:12 */
#define AMD_SPEC_PTE_RSVD	0x07f0000000000000ULL	/* bits 58:52 */
#define AMD_SPEC_PDE_RSVD	0x1ff0000000000000ULL	/* bits 60:52 */
#define AMD_SPEC_U		0x0800000000000000ULL
#define AMD_SPEC_FC		0x1000000000000000ULL
#define AMD_SPEC_IR		0x2000000000000000ULL
#define AMD_SPEC_IW		0x4000000000000000ULL

/**
 * struct amd_spec_walk - what the hardware walk of one IOVA does
 * @pa: the translated address
 * @size: the page size
 * @prot: R/W from IR/IW ANDed over the DTE (IR = IW = 1) and every entry,
 *	CACHE from the PTE's FC
 * @amd_level: AMD level (1-6) of the table holding the PTE
 * @nr: entries read, root first
 * @entries: their raw values
 */
struct amd_spec_walk {
	u64 pa;
	u64 size;
	u32 prot;
	unsigned int amd_level;
	unsigned int nr;
	u64 entries[6];
};

bool amd_spec_translate(u64 root, unsigned int mode, u64 iova,
			struct amd_spec_walk *w);
unsigned int amd_level_of(u64 size);
extern const struct fc_fmt ref_amd;

/* ---- Apple DART and UAT (ref_apple.c) ---- */

#define APPLE_SP_ALL	0x000fff0000000000ULL	/* subpage window 0..0xfff */
#define APPLE_UAT_GPU	0x0080000000000000ULL
#define APPLE_UAT_PXN	0x0020000000000000ULL
#define APPLE_UAT_UXN	0x0040000000000000ULL

extern const struct fc_fmt ref_dart, ref_uat;

/* ---- NVIDIA GPU MMU v2 and v3 (ref_gmmu.c) ---- */

extern const struct fc_fmt ref_gmmu2, ref_gmmu3;

/* ---- Armv7 short descriptor (ref_v7s.c) ---- */

extern const struct fc_fmt ref_v7s, ref_v7s_mtk;

/* ---- x86-64 and VT-d second stage (ref_x86.c) ---- */

enum pt_entry_kind x86_decode(unsigned int level, u64 pte, u64 *pa,
			      u64 *size, u32 *prot);
enum pt_entry_kind vtd_decode(unsigned int level, u64 pte, u64 *pa,
			      u64 *size, u32 *prot);
extern const struct fc_fmt ref_x86, ref_vtd;

/* ---- RISC-V Sv39/48/57 with Svnapot and Svpbmt (ref_riscv.c) ---- */

#define RV_SPEC_NC	0x2000000000000000ULL	/* PBMT 1 */
#define RV_SPEC_IO	0x4000000000000000ULL	/* PBMT 2 */
#define RV_SPEC_N	0x8000000000000000ULL	/* Svnapot */

enum pt_entry_kind rv_decode(unsigned int level, u64 pte, u64 *pa,
			     u64 *size, u32 *prot);
extern const struct fc_fmt ref_riscv;

/* ---- The spaces of the randomized tests (ref_spaces.c) ---- */

/**
 * struct ref_space - an address space the randomized tests run in
 * @name: its name in messages; NULL for @arm's
 * @f: the format and the test's knowledge of it
 * @params: what the tree is created with; for the Arm formats the granule,
 *	input and output size are @arm's
 * @arm: for the Arm formats, the geometry the reference walker takes
 * @all_sizes: the space takes every leaf size its levels hold (contiguous
 *	hint, Svnapot, Next Level 7, ...), not its default page sizes
 */
struct ref_space {
	const char *name;
	const struct fc_fmt *f;
	struct pt_params params;
	const struct arm_ref_space *arm;
	bool all_sizes;
};

extern const struct ref_space ref_spaces[];
extern const unsigned int nr_ref_spaces;

const char *ref_space_name(const struct ref_space *rs);
bool ref_space_new(struct fc_tree *t, const struct ref_space *rs);

#endif /* PTLAB_HOST_REF_H */
