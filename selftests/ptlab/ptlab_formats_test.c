// SPDX-License-Identifier: GPL-2.0
/*
 * Format-generic kselftests for /dev/ptlab: every page-table format the
 * module offers, at the geometries drivers use (granules, input sizes,
 * stage-2 concatenated top tables, 3/4/5 levels), through one set of tests.
 *
 * What a test knows about a format is what PTLAB_IOCTL_INFO reports (levels,
 * granule, input and output size, page sizes, protection mask) plus, in each
 * variant, the few geometry facts the architecture fixes (levels, page
 * sizes, default sizes, the largest input size), which are checked against
 * the report. No test decodes a format's entries. Every result is checked
 * against something independent of the module:
 *
 * - physical addresses of user memory against /proc/self/pagemap, and of
 *   physical mappings against the address given (ranges /proc/iomem shows
 *   not to be System RAM, so large pages need no memory);
 * - the page sizes a map must choose against the test's own model: the
 *   largest size of the address space that the IOVA, the physical address
 *   and the rest of the physically contiguous run allow;
 * - table memory against SecPageTables in /proc/meminfo (exactly, after
 *   /proc/sys/vm/stat_refresh), and against the number of tables the model's
 *   leaves need by the format's geometry; pinned memory against VmPin;
 * - the debugfs dump against the model and against the walk of every page.
 *
 * Shared helpers (ioctls, /proc, pagemap, buffers) come from ptlab_lib.c;
 * the format-generic model and checks are here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/ptlab.h>

/* The 6.12 harness's SIGALRM handler leaves its ucontext argument unused. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop

#include "ptlab_lib.h"

#define PT_W		PTLAB_PROT_WRITE
#define PT_X		PTLAB_PROT_EXEC
#define PT_P		PTLAB_PROT_PRIV
#define PT_C		PTLAB_PROT_CACHE
#define PT_M		PTLAB_PROT_MMIO

#define SZ_64M		0x4000000ULL
#define SZ_16M		0x1000000ULL
#define SZ_4T		0x40000000000ULL
#define SZ_256T		0x1000000000000ULL

#define GENMASK_ULL(h, l)	((~0ULL >> (63 - (h))) & ~((1ULL << (l)) - 1))

/* Anonymous memory the tests map: 4K pages, and 2M chunks advised to THP. */
#define SMALL_PAGES	256
#define THP_CHUNKS	8

#define RANDOM_OPS	300
#define RANDOM_SEED	20261121ULL

/* Permissions every format with @mask can express (READ always; no C+M). */
static __u32 prot_pick(const struct geom *g, unsigned int i)
{
	static const __u32 templ[] = {
		PT_R, PT_RW, PT_RW | PT_X, PT_R | PT_C, PT_RW | PT_M,
		PT_R | PT_X | PT_P, PT_RW | PT_X | PT_P | PT_C, PT_R | PT_P | PT_M,
	};

	return templ[i % ARRAY_SIZE(templ)] & g->prot_mask;
}

/* --- the fixture --- */

/* One open file with one address space, its model and memory to map. */
struct fx {
	struct baseline base;
	struct space s;		/* its model knows the geometry */
	struct buf small;	/* SMALL_PAGES pages, THP advised against */
	struct buf thp;		/* THP_CHUNKS 2M chunks, THP advised */
	bool have_small;
	int nr_thp;		/* leading chunks of @thp pagemap shows huge */
	__u32 prot_need;	/* the variant's @prot_need */
};

FIXTURE(fmt) {
	struct fx f;
};

/*
 * @c: what the test asks for at creation (format, granule, input and output
 * size, page sizes; 0 for the format's default).
 * What the architecture says that geometry is: @def_gran, @def_ias and
 * @def_oas where @c leaves them 0; @want_levels, @want_pgsizes,
 * @want_prot_mask; @want_root_pages, the top-level table in 4K pages;
 * @concat, stage-2 concatenated top tables; @ias_max, the largest input
 * size the format allows at this granule and output size.
 * @prot_need: permissions every map of the variant gets on top of what a
 * test asks (the map helpers add them, to the request and to the model):
 * a MediaTek M4U has no permission bits, and ptlab maps only what it does,
 * reads, writes and instruction fetches alike.
 */
FIXTURE_VARIANT(fmt) {
	struct ptlab_create c;
	__u32 def_gran;
	__u32 def_ias;
	__u32 def_oas;
	__u32 want_levels;
	__u64 want_pgsizes;
	__u32 want_prot_mask;
	__u32 want_root_pages;
	bool concat;
	__u32 ias_max;
	__u32 prot_need;
};

#define ARM_4K_SIZES	(SZ_4K | SZ_2M | SZ_1G)
#define ARM_4K_CONT	(ARM_4K_SIZES | SZ_64K | SZ_32M | SZ_16G)
#define ARM_16K_SIZES	(SZ_16K | SZ_32M)
#define ARM_64K_SIZES	(SZ_64K | SZ_512M)
#define X86_SIZES	(SZ_4K | SZ_2M | SZ_1G)
#define V7S_SIZES	(SZ_4K | SZ_64K | SZ_1M | SZ_16M)
#define PROT_NO_PRIV	(PTLAB_PROT_ALL & ~PT_P)

/* Arm VMSAv8-64 stage 1: granule, ias, oas, sizes asked; what they give. */
#define LPAE_S1(g, i, o, ask, lv, sz, root, mx)				\
	.c = { .format = PTLAB_FMT_ARM64_LPAE_S1, .granule_shift = (g),	\
	       .ias = (i), .oas = (o), .pgsize_bitmap = (ask) },	\
	.def_gran = 12, .def_ias = 48, .def_oas = 48,			\
	.want_levels = (lv), .want_pgsizes = (sz),			\
	.want_prot_mask = PTLAB_PROT_ALL, .want_root_pages = (root),	\
	.ias_max = (mx)

FIXTURE_VARIANT_ADD(fmt, lpae_s1_default) {
	LPAE_S1(0, 0, 0, 0, 4, ARM_4K_SIZES, 1, 48),
};

FIXTURE_VARIANT_ADD(fmt, lpae_s1_4k_32) {
	LPAE_S1(12, 32, 0, 0, 3, ARM_4K_SIZES, 1, 48),
};

FIXTURE_VARIANT_ADD(fmt, lpae_s1_4k_39) {
	LPAE_S1(12, 39, 0, 0, 3, ARM_4K_SIZES, 1, 48),
};

/* The contiguous-hint sizes too: 16 entries at every level. */
FIXTURE_VARIANT_ADD(fmt, lpae_s1_4k_48_cont) {
	LPAE_S1(12, 48, 0, ARM_4K_CONT, 4, ARM_4K_CONT, 1, 48),
};

FIXTURE_VARIANT_ADD(fmt, lpae_s1_16k_32) {
	LPAE_S1(14, 32, 0, 0, 2, ARM_16K_SIZES, 1, 48),
};

FIXTURE_VARIANT_ADD(fmt, lpae_s1_16k_39) {
	LPAE_S1(14, 39, 0, 0, 3, ARM_16K_SIZES, 1, 48),
};

/* Four levels, a top table of two entries. */
FIXTURE_VARIANT_ADD(fmt, lpae_s1_16k_48) {
	LPAE_S1(14, 48, 0, 0, 4, ARM_16K_SIZES, 1, 48),
};

FIXTURE_VARIANT_ADD(fmt, lpae_s1_64k_32) {
	LPAE_S1(16, 32, 0, 0, 2, ARM_64K_SIZES, 1, 52),
};

/* A top table of 1024 entries: 8K. */
FIXTURE_VARIANT_ADD(fmt, lpae_s1_64k_39) {
	LPAE_S1(16, 39, 0, 0, 2, ARM_64K_SIZES, 2, 52),
};

FIXTURE_VARIANT_ADD(fmt, lpae_s1_64k_48) {
	LPAE_S1(16, 48, 0, 0, 3, ARM_64K_SIZES, 1, 52),
};

/* 52-bit output (FEAT_LPA): 4T blocks at the third level from the bottom. */
FIXTURE_VARIANT_ADD(fmt, lpae_s1_64k_52) {
	LPAE_S1(16, 52, 52, 0, 3, ARM_64K_SIZES | SZ_4T, 2, 52),
};

/* Stage 2: no privileged-only permission. */
#define LPAE_S2(g, i, o, lv, sz, root, cc, mx)				\
	.c = { .format = PTLAB_FMT_ARM64_LPAE_S2, .granule_shift = (g),	\
	       .ias = (i), .oas = (o) },				\
	.def_gran = 12, .def_ias = 48, .def_oas = 48,			\
	.want_levels = (lv), .want_pgsizes = (sz),			\
	.want_prot_mask = PROT_NO_PRIV, .want_root_pages = (root),	\
	.concat = (cc), .ias_max = (mx)

FIXTURE_VARIANT_ADD(fmt, lpae_s2_4k_48) {
	LPAE_S2(12, 48, 0, 4, ARM_4K_SIZES, 1, false, 48),
};

FIXTURE_VARIANT_ADD(fmt, lpae_s2_4k_32) {
	LPAE_S2(12, 32, 0, 3, ARM_4K_SIZES, 1, false, 48),
};

/* Level 0 would hold 2 entries: two level-1 tables side by side instead. */
FIXTURE_VARIANT_ADD(fmt, lpae_s2_4k_40_concat) {
	LPAE_S2(12, 40, 0, 3, ARM_4K_SIZES, 2, true, 48),
};

FIXTURE_VARIANT_ADD(fmt, lpae_s2_4k_42_concat) {
	LPAE_S2(12, 42, 0, 3, ARM_4K_SIZES, 8, true, 48),
};

/* 16K cannot start at level 0: two level-1 tables. */
FIXTURE_VARIANT_ADD(fmt, lpae_s2_16k_48_concat) {
	LPAE_S2(14, 48, 0, 3, ARM_16K_SIZES, 8, true, 48),
};

FIXTURE_VARIANT_ADD(fmt, lpae_s2_16k_40) {
	LPAE_S2(14, 40, 0, 3, ARM_16K_SIZES, 1, false, 48),
};

FIXTURE_VARIANT_ADD(fmt, lpae_s2_64k_48) {
	LPAE_S2(16, 48, 0, 3, ARM_64K_SIZES, 1, false, 52),
};

/*
 * 64K with 40-bit output cannot start at level 1: sixteen level-2 tables
 * (1M). At ias 47 that would take 32: no valid start level.
 */
FIXTURE_VARIANT_ADD(fmt, lpae_s2_64k_46_oas40_concat) {
	LPAE_S2(16, 46, 40, 2, ARM_64K_SIZES, 256, true, 46),
};

/*
 * The Arm variants of PTLAB_CREATE_ARM_*: FEAT_LPA2 (52 bits with 4K and
 * 16K: a fifth level of 16 entries with 4K, 512G and 64G blocks), NS and
 * the outer-WBWA walker (no geometry change), S2FWB.
 */
#define SZ_64G		0x1000000000ULL
#define LPAE_F(fmt, fl, g, i, o, lv, sz, pm, root, cc, mx)		\
	.c = { .format = (fmt), .flags = (fl), .granule_shift = (g),	\
	       .ias = (i), .oas = (o) },				\
	.def_gran = 12, .def_ias = 48, .def_oas = 48,			\
	.want_levels = (lv), .want_pgsizes = (sz),			\
	.want_prot_mask = (pm), .want_root_pages = (root),		\
	.concat = (cc), .ias_max = (mx)

FIXTURE_VARIANT_ADD(fmt, lpae_s1_4k_52_lpa2) {
	LPAE_F(PTLAB_FMT_ARM64_LPAE_S1, PTLAB_CREATE_ARM_LPA2, 12, 52, 52, 5,
	       ARM_4K_SIZES | SZ_512G, PTLAB_PROT_ALL, 1, false, 52),
};

FIXTURE_VARIANT_ADD(fmt, lpae_s1_16k_52_lpa2) {
	LPAE_F(PTLAB_FMT_ARM64_LPAE_S1, PTLAB_CREATE_ARM_LPA2, 14, 52, 52, 4,
	       ARM_16K_SIZES | SZ_64G, PTLAB_PROT_ALL, 1, false, 52),
};

FIXTURE_VARIANT_ADD(fmt, lpae_s1_4k_48_ns_outer_wbwa) {
	LPAE_F(PTLAB_FMT_ARM64_LPAE_S1,
	       PTLAB_CREATE_ARM_NS | PTLAB_CREATE_ARM_OUTER_WBWA, 12, 48, 0, 4,
	       ARM_4K_SIZES, PTLAB_PROT_ALL, 1, false, 48),
};

/* Stage 2, 4K, 52 bits: sixteen level-0 tables (64K), as KVM does. */
FIXTURE_VARIANT_ADD(fmt, lpae_s2_4k_52_lpa2_concat) {
	LPAE_F(PTLAB_FMT_ARM64_LPAE_S2, PTLAB_CREATE_ARM_LPA2, 12, 52, 52, 4,
	       ARM_4K_SIZES | SZ_512G, PROT_NO_PRIV, 16, true, 52),
};

/* 16K from level 0 (VTCR.SL0 = 0b11 with DS): 32 entries. */
FIXTURE_VARIANT_ADD(fmt, lpae_s2_16k_52_lpa2) {
	LPAE_F(PTLAB_FMT_ARM64_LPAE_S2, PTLAB_CREATE_ARM_LPA2, 14, 52, 52, 4,
	       ARM_16K_SIZES | SZ_64G, PROT_NO_PRIV, 1, false, 52),
};

FIXTURE_VARIANT_ADD(fmt, lpae_s2_4k_48_s2fwb) {
	LPAE_F(PTLAB_FMT_ARM64_LPAE_S2, PTLAB_CREATE_ARM_S2FWB, 12, 48, 0, 4,
	       ARM_4K_SIZES, PROT_NO_PRIV, 1, false, 48),
};

/* Mali walks four levels from a whole table whatever the input size. */
#define MALI(i)								\
	.c = { .format = PTLAB_FMT_ARM_MALI_LPAE, .ias = (i) },		\
	.def_gran = 12, .def_ias = 48, .def_oas = 40, .want_levels = 4,	\
	.want_pgsizes = ARM_4K_SIZES, .want_prot_mask = PROT_NO_PRIV,	\
	.want_root_pages = 1, .ias_max = 48

FIXTURE_VARIANT_ADD(fmt, mali_default) {
	MALI(0),
};

FIXTURE_VARIANT_ADD(fmt, mali_32) {
	MALI(32),
};

/* Armv7: 2^(ias - 20) first-level entries of 4 bytes. */
#define V7S(i, root)							\
	.c = { .format = PTLAB_FMT_ARM_V7S, .ias = (i) },		\
	.def_gran = 12, .def_ias = 32, .def_oas = 32, .want_levels = 2,	\
	.want_pgsizes = V7S_SIZES, .want_prot_mask = PTLAB_PROT_ALL,	\
	.want_root_pages = (root), .ias_max = 32

FIXTURE_VARIANT_ADD(fmt, v7s_default) {
	V7S(0, 4),
};

/* TTBCR.N = 4: 256 first-level entries, a 1K table. */
FIXTURE_VARIANT_ADD(fmt, v7s_28) {
	V7S(28, 1),
};

/*
 * MediaTek (PTLAB_CREATE_ARM_MTK_EXT): output addresses up to 35 bits, the
 * v7s geometry; no privilege bit, and every mapping reads, writes and
 * executes.
 */
FIXTURE_VARIANT_ADD(fmt, v7s_mtk) {
	.c = { .format = PTLAB_FMT_ARM_V7S, .flags = PTLAB_CREATE_ARM_MTK_EXT },
	.def_gran = 12, .def_ias = 32, .def_oas = 35, .want_levels = 2,
	.want_pgsizes = V7S_SIZES, .want_prot_mask = PROT_NO_PRIV,
	.want_root_pages = 4, .ias_max = 32,
	.prot_need = PT_R | PT_W | PT_X,
};

#define X86(i, lv)							\
	.c = { .format = PTLAB_FMT_X86_64, .ias = (i) },		\
	.def_gran = 12, .def_ias = 48, .def_oas = 52,			\
	.want_levels = (lv), .want_pgsizes = X86_SIZES,			\
	.want_prot_mask = PTLAB_PROT_ALL, .want_root_pages = 1,		\
	.ias_max = 57

FIXTURE_VARIANT_ADD(fmt, x86_64_4level) {
	X86(0, 4),
};

FIXTURE_VARIANT_ADD(fmt, x86_64_5level) {
	X86(57, 5),
};

/* VT-d second stage: AGAW 39, 48 or 57; no user/supervisor bit. */
#define VTD(i, lv)							\
	.c = { .format = PTLAB_FMT_VTD_SS, .ias = (i) },		\
	.def_gran = 12, .def_ias = 48, .def_oas = 52,			\
	.want_levels = (lv), .want_pgsizes = X86_SIZES,			\
	.want_prot_mask = PROT_NO_PRIV, .want_root_pages = 1,		\
	.ias_max = 57

FIXTURE_VARIANT_ADD(fmt, vtd_ss_39) {
	VTD(39, 3),
};

FIXTURE_VARIANT_ADD(fmt, vtd_ss_default) {
	VTD(0, 4),
};

FIXTURE_VARIANT_ADD(fmt, vtd_ss_57) {
	VTD(57, 5),
};

/*
 * AMD v1: every power of two from 4K that a level's 512 entries can hold
 * as replicated entries (up to 256 of them), but 512G (erratum), up to 2^51;
 * read, write and force-coherent only.
 */
#define AMD(i, lv, sz)							\
	.c = { .format = PTLAB_FMT_AMD_V1, .ias = (i) },		\
	.def_gran = 12, .def_ias = 48, .def_oas = 52,			\
	.want_levels = (lv), .want_pgsizes = (sz),			\
	.want_prot_mask = PT_R | PT_W | PT_C, .want_root_pages = 1,	\
	.ias_max = 64

FIXTURE_VARIANT_ADD(fmt, amd_v1_21) {
	AMD(21, 1, GENMASK_ULL(20, 12)),
};

FIXTURE_VARIANT_ADD(fmt, amd_v1_32) {
	AMD(32, 3, GENMASK_ULL(32, 12)),
};

FIXTURE_VARIANT_ADD(fmt, amd_v1_39) {
	AMD(39, 3, GENMASK_ULL(38, 12)),
};

FIXTURE_VARIANT_ADD(fmt, amd_v1_default) {
	AMD(0, 4, GENMASK_ULL(47, 12) & ~BIT_ULL(39)),
};

FIXTURE_VARIANT_ADD(fmt, amd_v1_64) {
	AMD(64, 6, GENMASK_ULL(51, 12) & ~BIT_ULL(39)),
};

/* RISC-V: any level holds a leaf; Sv39/48/57 by input size. */
#define RISCV(i, ask, lv, sz)						\
	.c = { .format = PTLAB_FMT_RISCV, .ias = (i),			\
	       .pgsize_bitmap = (ask) },				\
	.def_gran = 12, .def_ias = 39, .def_oas = 56,			\
	.want_levels = (lv), .want_pgsizes = (sz),			\
	.want_prot_mask = PTLAB_PROT_ALL, .want_root_pages = 1,		\
	.ias_max = 57

FIXTURE_VARIANT_ADD(fmt, riscv_sv39) {
	RISCV(0, 0, 3, X86_SIZES),
};

FIXTURE_VARIANT_ADD(fmt, riscv_sv48) {
	RISCV(48, 0, 4, X86_SIZES | SZ_512G),
};

FIXTURE_VARIANT_ADD(fmt, riscv_sv57) {
	RISCV(57, 0, 5, X86_SIZES | SZ_512G | SZ_256T),
};

/* Svnapot 64K pages, asked for. */
FIXTURE_VARIANT_ADD(fmt, riscv_sv39_napot) {
	RISCV(39, X86_SIZES | SZ_64K, 3, X86_SIZES | SZ_64K),
};

/* Apple: every table one 16K page, 16K pages only. */
FIXTURE_VARIANT_ADD(fmt, apple_dart_default) {
	.c = { .format = PTLAB_FMT_APPLE_DART },
	.def_gran = 14, .def_ias = 32, .def_oas = 36, .want_levels = 2,
	.want_pgsizes = SZ_16K, .want_prot_mask = PT_R | PT_W,
	.want_root_pages = 4, .ias_max = 36,
};

FIXTURE_VARIANT_ADD(fmt, apple_dart2_42) {
	.c = { .format = PTLAB_FMT_APPLE_DART, .ias = 42, .oas = 42 },
	.def_gran = 14, .want_levels = 3,
	.want_pgsizes = SZ_16K, .want_prot_mask = PT_R | PT_W | PT_C,
	.want_root_pages = 4, .ias_max = 42,
};

FIXTURE_VARIANT_ADD(fmt, apple_uat) {
	.c = { .format = PTLAB_FMT_APPLE_UAT },
	.def_gran = 14, .def_ias = 39, .def_oas = 40, .want_levels = 3,
	.want_pgsizes = SZ_16K, .want_prot_mask = PTLAB_PROT_ALL & ~PT_X,
	.want_root_pages = 4, .ias_max = 39,
};

/*
 * NVIDIA GMMU: the whole VA only (49 bits v2, 57 v3), the root one page;
 * the 4K granule uses PD0's small-page half (4K, 2M, v3 512M pages), the
 * 64K one its big-page half (64K, 2M, v3 512M), v2's 128K one the big-page
 * half with 128K pages (Pascal's big page size); v2 512M pages only when
 * asked for (Ampere, Ada); asking for 4K and 64K pages uses both halves
 * ("mixed"); no execute permission.
 */
#define GMMU_V2_ASK(g, ask, sz)						\
	.c = { .format = PTLAB_FMT_NVIDIA_GMMU_V2, .granule_shift = (g), \
	       .pgsize_bitmap = (ask) },				\
	.def_gran = 12, .def_ias = 49, .def_oas = 52,			\
	.want_levels = 5, .want_pgsizes = (sz),				\
	.want_prot_mask = PTLAB_PROT_ALL & ~PT_X, .want_root_pages = 1,	\
	.ias_max = 49
#define GMMU_V3_ASK(g, ask, sz)						\
	.c = { .format = PTLAB_FMT_NVIDIA_GMMU_V3, .granule_shift = (g), \
	       .pgsize_bitmap = (ask) },				\
	.def_gran = 12, .def_ias = 57, .def_oas = 52,			\
	.want_levels = 6, .want_pgsizes = (sz),				\
	.want_prot_mask = PTLAB_PROT_ALL & ~PT_X, .want_root_pages = 1,	\
	.ias_max = 57
#define GMMU_V2(g, sz) GMMU_V2_ASK(g, 0, sz)
#define GMMU_V3(g, sz) GMMU_V3_ASK(g, 0, sz)

FIXTURE_VARIANT_ADD(fmt, nvidia_gmmu_v2) {
	GMMU_V2(0, SZ_4K | SZ_2M),
};

FIXTURE_VARIANT_ADD(fmt, nvidia_gmmu_v2_64k) {
	GMMU_V2(16, SZ_64K | SZ_2M),
};

FIXTURE_VARIANT_ADD(fmt, nvidia_gmmu_v2_128k) {
	GMMU_V2(17, SZ_128K | SZ_2M),
};

/* v2 with 512M pages at PD1, asked for: an Ampere or an Ada. */
FIXTURE_VARIANT_ADD(fmt, nvidia_gmmu_v2_512m) {
	GMMU_V2_ASK(0, SZ_4K | SZ_2M | SZ_512M, SZ_4K | SZ_2M | SZ_512M),
};

FIXTURE_VARIANT_ADD(fmt, nvidia_gmmu_v2_64k_512m) {
	GMMU_V2_ASK(16, SZ_64K | SZ_2M | SZ_512M, SZ_64K | SZ_2M | SZ_512M),
};

FIXTURE_VARIANT_ADD(fmt, nvidia_gmmu_v3) {
	GMMU_V3(0, SZ_4K | SZ_2M | SZ_512M),
};

FIXTURE_VARIANT_ADD(fmt, nvidia_gmmu_v3_64k) {
	GMMU_V3(16, SZ_64K | SZ_2M | SZ_512M),
};

FIXTURE_VARIANT_ADD(fmt, nvidia_gmmu_v2_mixed) {
	GMMU_V2_ASK(0, SZ_4K | SZ_64K | SZ_2M, SZ_4K | SZ_64K | SZ_2M),
};

FIXTURE_VARIANT_ADD(fmt, nvidia_gmmu_v3_mixed) {
	GMMU_V3_ASK(0, SZ_4K | SZ_64K | SZ_2M | SZ_512M,
		    SZ_4K | SZ_64K | SZ_2M | SZ_512M),
};

/* An address space as @c asks, but with input size @ias. */
static int space_new(int fd, const struct ptlab_create *c, __u32 ias,
		     __u32 *id)
{
	struct ptlab_create req = *c;

	req.ias = ias;
	return pt_create_req(fd, &req, id);
}

FIXTURE_SETUP(fmt)
{
	struct fx *fx = &self->f;
	struct ptlab_info info;
	int ret;

	fx->s.fd = -1;
	fx->prot_need = variant->prot_need;
	take_baseline(_metadata, &fx->base);
	fx->s.fd = ptlab_open(_metadata);
	ret = space_new(fx->s.fd, &variant->c, variant->c.ias, &fx->s.id);
	ASSERT_EQ(0, ret) TH_LOG("create format %u granule %u ias %u oas %u: %s",
				 variant->c.format, variant->c.granule_shift,
				 variant->c.ias, variant->c.oas, strerror(-ret));
	ASSERT_EQ(0, pt_info(fx->s.fd, fx->s.id, &info));
	space_set_info(&fx->s, &info);
	ASSERT_LE(1U, fx->s.m.g.levels);
	ASSERT_GE((__u32)PTLAB_MAX_LEVELS, fx->s.m.g.levels);
	ASSERT_NE(0ULL, fx->s.m.g.pgsizes);
}

/* Closing the file frees everything: the counters are back exactly. */
FIXTURE_TEARDOWN(fmt)
{
	struct fx *fx = &self->f;

	space_close(&fx->s);
	buf_free(&fx->small);
	buf_free(&fx->thp);
	EXPECT_EQ(fx->base.secpt_kb, secpt_kb())
		TH_LOG("SecPageTables not back to its baseline after close");
	EXPECT_EQ(fx->base.pin_kb, vmpin_kb())
		TH_LOG("VmPin not back to its baseline after close");
}

/* --- memory to map --- */

static void get_small(struct __test_metadata *_metadata,
		      struct fx *self)
{
	if (self->have_small)
		return;
	ASSERT_EQ(0, buf_alloc(&self->small, SMALL_PAGES * SZ_4K, false));
	self->have_small = true;
}

/* THP chunks; how many leading ones pagemap proves huge and aligned. */
static int get_thp(struct __test_metadata *_metadata, struct fx *self)
{
	int i;

	if (self->thp.map)
		return self->nr_thp;
	ASSERT_EQ(0, buf_alloc(&self->thp, THP_CHUNKS * SZ_2M, true));
	for (i = 0; i < THP_CHUNKS; i++)
		if (!is_huge_backed(self->thp.p + i * SZ_2M))
			break;
	self->nr_thp = i;
	if (i < THP_CHUNKS)
		ksft_print_msg("only %d of %d 2M chunks are transparent huge pages\n",
			       i, THP_CHUNKS);
	return i;
}

/*
 * A user buffer of @len bytes whose physically contiguous runs are aligned
 * to the granule: 4K-granule formats take any memory; others need THP.
 * NULL if there is none.
 */
static char *user_src(struct __test_metadata *_metadata,
		      struct fx *self, __u64 len, unsigned int pick)
{
	__u64 gsz = geom_gran(&self->s.m.g), room, off;
	int nr;

	if (gsz == SZ_4K && len <= SMALL_PAGES * SZ_4K) {
		get_small(_metadata, self);
		room = SMALL_PAGES * SZ_4K - len;
		off = room ? (pick * 7 % (room / SZ_4K + 1)) * SZ_4K : 0;
		return self->small.p + off;
	}
	nr = get_thp(_metadata, self);
	if ((__u64)nr * SZ_2M < len)
		return NULL;
	room = nr * SZ_2M - len;
	off = (pick * 13 % (room / gsz + 1)) * gsz;
	return self->thp.p + off;
}

/* --- checks --- */

/*
 * The debugfs dump must list exactly the model's runs (one page size, prot
 * and kind each), in IOVA order, and every page of every run must walk to
 * what the run says.
 */
static void check_dump_fmt(struct __test_metadata *_metadata,
			   const struct fx *self)
{
	struct ptlab_walk w;
	const struct run *r;
	size_t nr_runs, k;
	struct run *runs;
	__u64 off;

	check_dump(_metadata, &self->s);
	runs = calloc(self->s.m.nr + 1, sizeof(*runs));
	ASSERT_NE(NULL, runs);
	nr_runs = model_runs(&self->s.m, runs, true);
	for (k = 0; k < nr_runs; k++) {
		r = &runs[k];
		for (off = 0; off < r->size; off += r->pgsize) {
			ASSERT_EQ(0, pt_walk(self->s.fd, self->s.id,
					     r->iova + off, &w))
				TH_LOG("page 0x%llx of run 0x%llx", off, r->iova);
			ASSERT_EQ(r->pa + off, w.out_pa)
				TH_LOG("run 0x%llx", r->iova);
			ASSERT_EQ(r->pgsize, w.out_pgsize)
				TH_LOG("run 0x%llx", r->iova);
			ASSERT_EQ(r->prot, w.out_prot)
				TH_LOG("run 0x%llx", r->iova);
		}
	}
	free(runs);
}

/*
 * The address space against the model: info's counters, and with @full the
 * system counters, the walk of every leaf (start, middle, end), the IOVAs
 * just outside each leaf that nothing else maps, and the dump.
 */
static void check_state(struct __test_metadata *_metadata,
			const struct fx *self, bool full)
{
	__u64 tables, min, max;
	const struct leaf *lf;
	struct ptlab_info info;
	size_t i;

	model_table_range(&self->s.m, &min, &max);
	ASSERT_EQ(0, pt_info(self->s.fd, self->s.id, &info));
	ASSERT_EQ(model_bytes(&self->s.m), info.out_mapped_bytes);
	tables = info.out_table_pages;
	ASSERT_LE(min, tables) TH_LOG("%zu leaves need %llu-%llu table pages",
				      self->s.m.nr, min, max);
	ASSERT_GE(max, tables) TH_LOG("%zu leaves need %llu-%llu table pages",
				      self->s.m.nr, min, max);
	ASSERT_EQ(self->s.root_pa, info.out_root_pa);
	if (!full)
		return;
	ASSERT_EQ((long long)tables, debugfs_table_pages(self->s.id));
	ASSERT_EQ(self->base.secpt_kb + (long)tables * 4, secpt_kb())
		TH_LOG("SecPageTables: %llu table pages reported", tables);
	ASSERT_EQ(self->base.pin_kb + (long)(model_pinned_bytes(&self->s.m) / 1024),
		  vmpin_kb());
	for (i = 0; i < self->s.m.nr; i++) {
		lf = &self->s.m.leaves[i];
		check_walk(_metadata, &self->s, lf,
			   lf->iova + ((i * 0x9e8) & (lf->size - 1)));
		check_walk(_metadata, &self->s, lf, lf->iova + lf->size / 2 + 7);
		check_walk(_metadata, &self->s, lf, lf->iova + lf->size - 1);
		if (lf->iova && model_find(&self->s.m, lf->iova - 1) < 0)
			check_unmapped(_metadata, &self->s, lf->iova - 1);
		if (lf->iova + lf->size - 1 < self->s.m.g.last &&
		    model_find(&self->s.m, lf->iova + lf->size) < 0)
			check_unmapped(_metadata, &self->s, lf->iova + lf->size);
	}
	check_dump_fmt(_metadata, self);
}

/* --- operations checked against the model --- */

static void map_user_ok(struct __test_metadata *_metadata,
			struct fx *self, __u64 iova, const void *uptr,
			__u64 len, __u32 prot, __u64 pgsize)
{
	__u64 mapped;
	int ret;

	prot |= self->prot_need;
	ret = pt_map_user(self->s.fd, self->s.id, iova, uptr, len, prot, pgsize, &mapped);
	ASSERT_EQ(0, ret) TH_LOG("map user 0x%llx+0x%llx prot 0x%x pgsize 0x%llx: %s",
				 iova, len, prot, pgsize, strerror(-ret));
	ASSERT_EQ(len, mapped);
	ASSERT_EQ(0, model_add(&self->s.m, iova, uptr, len, prot, pgsize))
		TH_LOG("pagemap cannot back the map of 0x%llx+0x%llx pgsize 0x%llx",
		       iova, len, pgsize);
}

static void map_phys_ok(struct __test_metadata *_metadata,
			struct fx *self, __u64 iova, __u64 pa,
			__u64 len, __u32 prot, __u64 pgsize)
{
	__u64 mapped;
	__u32 kind;
	int ret;

	prot |= self->prot_need;
	ret = pt_map_phys(self->s.fd, self->s.id, iova, pa, len, prot, pgsize, &mapped, &kind);
	ASSERT_EQ(0, ret) TH_LOG("map phys 0x%llx+0x%llx -> 0x%llx prot 0x%x pgsize 0x%llx: %s",
				 iova, len, pa, prot, pgsize, strerror(-ret));
	ASSERT_EQ(len, mapped);
	ASSERT_EQ((__u32)PTLAB_PHYS_MMIO, kind) TH_LOG("pa 0x%llx", pa);
	ASSERT_EQ(0, model_add_phys(&self->s.m, iova, pa, len, prot, pgsize,
				    PTLAB_PHYS_MMIO))
		TH_LOG("no page size fits 0x%llx -> 0x%llx", iova, pa);
}

/* A map that must be refused with @err, having changed nothing. */
static void map_user_fails(struct __test_metadata *_metadata,
			   struct fx *self, __u64 iova,
			   const void *uptr, __u64 len, __u32 prot,
			   __u64 pgsize, int err)
{
	__u64 mapped;
	int ret;

	prot |= self->prot_need;
	ret = pt_map_user(self->s.fd, self->s.id, iova, uptr, len, prot, pgsize, &mapped);
	ASSERT_EQ(err, ret) TH_LOG("map user 0x%llx+0x%llx prot 0x%x pgsize 0x%llx",
				   iova, len, prot, pgsize);
	ASSERT_EQ(0ULL, mapped);
}

static void map_phys_fails(struct __test_metadata *_metadata,
			   struct fx *self, __u64 iova, __u64 pa,
			   __u64 len, __u32 prot, __u64 pgsize, int err)
{
	__u64 mapped;
	__u32 kind;
	int ret;

	prot |= self->prot_need;
	ret = pt_map_phys(self->s.fd, self->s.id, iova, pa, len, prot, pgsize, &mapped, &kind);
	ASSERT_EQ(err, ret) TH_LOG("map phys 0x%llx+0x%llx -> 0x%llx prot 0x%x pgsize 0x%llx",
				   iova, len, pa, prot, pgsize);
	ASSERT_EQ(0ULL, mapped);
}

/* An unmap whose result the model predicts; returns the bytes unmapped. */
static __u64 unmap_model(struct __test_metadata *_metadata,
			 struct fx *self, __u64 iova, __u64 len)
{
	__u64 want, got;
	int err, ret;

	err = model_unmap_expect(&self->s.m, iova, len, &want);
	ret = pt_unmap(self->s.fd, self->s.id, iova, len, &got);
	EXPECT_EQ(err, ret) TH_LOG("unmap 0x%llx+0x%llx", iova, len);
	EXPECT_EQ(want, got) TH_LOG("unmap 0x%llx+0x%llx", iova, len);
	if (ret != err || want != got)
		ASSERT_TRUE(false);
	model_remove(&self->s.m, iova, want);
	return got;
}

/*
 * Bytes from @iova to the end of the input range; with 64 bits from 0 that
 * is all but the last granule.
 */
static __u64 to_end(const struct geom *g, __u64 iova)
{
	__u64 len = g->last - iova + 1;

	return len ? len : len - geom_gran(g);
}

static void unmap_all(struct __test_metadata *_metadata,
		      struct fx *self)
{
	while (self->s.m.nr)
		unmap_model(_metadata, self, self->s.m.leaves[0].iova,
			    to_end(&self->s.m.g, self->s.m.leaves[0].iova));
	check_state(_metadata, self, true);
}

/* A non-RAM physical range, or the test fails: the VM always has them. */
static __u64 hole(struct __test_metadata *_metadata,
		  const struct fx *self, __u64 align, __u64 len,
		  __u64 lead)
{
	__u64 pa = 0;

	ASSERT_EQ(0, iomem_find_hole(iomem_get(), self->s.m.g.oas, align, len, lead, &pa))
		TH_LOG("no non-RAM range of 0x%llx aligned to 0x%llx below 2^%u",
		       len, align, self->s.m.g.oas);
	return pa;
}

/* Up to three distinct slots of @n: the first, one past the middle, the last. */
static int pick_slots(__u64 n, __u64 *slot)
{
	__u64 cand[3] = { 0, n / 2 + (n > 4), n - 1 };
	int nr = 0, i, j;

	for (i = 0; i < 3; i++) {
		bool dup = cand[i] >= n;

		for (j = 0; j < nr; j++)
			dup |= slot[j] == cand[i];
		if (!dup)
			slot[nr++] = cand[i];
	}
	return nr;
}

/* Slots of @bytes in the input range. */
static __u64 nr_slots(const struct geom *g, __u64 bytes)
{
	return g->last / bytes + 1;
}

/* --- tests --- */

/*
 * The geometry info reports is the architecture's; a new space has its
 * top-level table and nothing else (SecPageTables agrees), and translates
 * nothing anywhere in the input range.
 */
TEST_F(fmt, empty)
{
	struct fx *fx = &self->f;
	const struct geom *g = &fx->s.m.g;
	__u64 iovas[32], root_align, got;
	struct ptlab_info info;
	struct ptlab_walk w;
	char path[128], *line = NULL;
	size_t cap = 0;
	unsigned int l, i, n = 0;
	FILE *f;

	ASSERT_EQ(0, pt_info(fx->s.fd, fx->s.id, &info));
	ASSERT_EQ(variant->c.format, info.out_format);
	ASSERT_EQ(variant->c.granule_shift ? variant->c.granule_shift :
		  variant->def_gran,
		  info.out_granule_shift);
	ASSERT_EQ(variant->c.ias ? variant->c.ias : variant->def_ias, info.out_ias);
	ASSERT_EQ(variant->c.oas ? variant->c.oas : variant->def_oas, info.out_oas);
	ASSERT_EQ(variant->c.flags & PTLAB_CREATE_ARM_QUIRKS, info.out_flags);
	ASSERT_EQ(variant->want_levels, info.out_levels);
	ASSERT_EQ(variant->want_pgsizes, info.out_pgsize_bitmap);
	ASSERT_EQ(variant->want_prot_mask, info.out_prot_mask);
	ASSERT_EQ(0ULL, info.out_mapped_bytes);
	/* The granule is the smallest page. */
	ASSERT_EQ(geom_gran(g), geom_min_pgsize(g));

	/* The top-level table, by the architecture, and by the kernel. */
	ASSERT_EQ(variant->want_root_pages, bytes_pages(g->root_bytes))
		TH_LOG("the test's geometry: top table of 0x%llx bytes",
		       g->root_bytes);
	ASSERT_EQ(variant->want_root_pages, info.out_table_pages);
	ASSERT_EQ(fx->base.secpt_kb + (long)info.out_table_pages * 4,
		  secpt_kb());
	ASSERT_EQ((long long)info.out_table_pages, debugfs_table_pages(fx->s.id));
	ASSERT_EQ(variant->concat,
		  variant->c.format == PTLAB_FMT_ARM64_LPAE_S2 &&
		  g->root_bytes > geom_gran(g));
	/* Hardware finds a table by its address: aligned to its size, RAM. */
	root_align = g->root_bytes > SZ_4K ? g->root_bytes : SZ_4K;
	ASSERT_EQ(0ULL, fx->s.root_pa % root_align)
		TH_LOG("root 0x%llx", fx->s.root_pa);
	ASSERT_TRUE(pa_is_ram(fx->s.root_pa));
	ASSERT_TRUE(pa_is_ram(fx->s.root_pa + bytes_pages(g->root_bytes) * SZ_4K -
			      SZ_4K));

	/* Nothing translates: the root entry read is empty. */
	iovas[n++] = 0;
	iovas[n++] = 0x123;
	iovas[n++] = geom_gran(g);
	for (l = 0; l < g->levels; l++) {
		if (g->shift[l] < 64 && BIT_ULL(g->shift[l]) <= g->last)
			iovas[n++] = BIT_ULL(g->shift[l]) + 0x10;
	}
	iovas[n++] = (g->last >> 1) + 1;
	iovas[n++] = (g->last >> 1) - 0xfff;
	iovas[n++] = 0x123456789abcdefULL & g->last;
	iovas[n++] = g->last & ~(geom_gran(g) - 1);
	iovas[n++] = g->last;
	for (i = 0; i < n; i++) {
		check_unmapped(_metadata, &fx->s, iovas[i]);
		ASSERT_EQ(-ENOENT, pt_walk(fx->s.fd, fx->s.id, iovas[i], &w));
		ASSERT_EQ(1U, w.out_nr_entries) TH_LOG("walk 0x%llx", iovas[i]);
		ASSERT_EQ(0ULL, w.out_entries[0]) TH_LOG("walk 0x%llx", iovas[i]);
	}
	/* Past the input range. */
	if (g->ias < 64) {
		check_unmapped(_metadata, &fx->s, g->last + 1);
		check_unmapped(_metadata, &fx->s, g->last + 1 + geom_gran(g));
		check_unmapped(_metadata, &fx->s, ~0ULL);
	}
	ASSERT_EQ(-ENOENT, pt_unmap(fx->s.fd, fx->s.id, 0, geom_gran(g), &got));
	ASSERT_EQ(0ULL, got);
	ASSERT_EQ(-ENOENT, pt_unmap(fx->s.fd, fx->s.id,
				    g->last - geom_gran(g) + 1, geom_gran(g),
				    &got));
	ASSERT_EQ(0ULL, got);

	/* The dump: a header, no mappings. */
	debugfs_path(path, sizeof(path), fx->s.id, "mappings");
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	n = 0;
	while (getline(&line, &cap, f) > 0) {
		ASSERT_EQ('#', line[0]) TH_LOG("line in an empty dump: %s", line);
		n++;
	}
	fclose(f);
	free(line);
	ASSERT_LE(1U, n);
	check_state(_metadata, fx, true);
}

/*
 * Each page size, with an explicit pgsize, at the first, a middle and the
 * last slot of the input range, from non-RAM physical addresses (so the
 * largest pages need no memory), each with its own permissions; the walk,
 * counters and dump agree. Then each unmap returns the page and the walk
 * fails.
 */
TEST_F(fmt, pgsize_phys)
{
	struct fx *fx = &self->f;
	const struct geom *g = &fx->s.m.g;
	__u64 sizes[64], slot[3], base, s, step, nslots;
	int nr = geom_sizes(g, sizes), i, k, ns;

	for (i = 0; i < nr; i++) {
		s = sizes[i];
		nslots = nr_slots(g, s);
		ns = pick_slots(nslots, slot);
		/* Distinct addresses if there is room, else one for all. */
		if (iomem_find_hole(iomem_get(), g->oas, s, ns * s, 0, &base)) {
			base = hole(_metadata, fx, s, s, 0);
			step = 0;
		} else {
			step = s;
		}
		for (k = 0; k < ns; k++)
			map_phys_ok(_metadata, fx, slot[k] * s,
				    base + (ns - 1 - k) * step, s,
				    prot_pick(g, i + k), s);
		check_state(_metadata, fx, true);
		ASSERT_EQ((size_t)ns, model_count_size(&fx->s.m, s));
		for (k = 0; k < ns; k++) {
			ASSERT_EQ(s, unmap_model(_metadata, fx, slot[k] * s, s));
			check_unmapped(_metadata, &fx->s, slot[k] * s);
			check_unmapped(_metadata, &fx->s, slot[k] * s + s - 1);
		}
		check_state(_metadata, fx, true);
	}
}

/*
 * Each page size up to 2M from user memory, with an explicit pgsize: the
 * granule from any memory (4K granule), larger ones from THP chunks that
 * pagemap proves contiguous and aligned. Physical addresses come from
 * pagemap; VmPin counts the pins until the unmap.
 */
TEST_F(fmt, pgsize_user)
{
	struct fx *fx = &self->f;
	const struct geom *g = &fx->s.m.g;
	__u64 sizes[64], slot[3], s, len, nslots;
	int nr = geom_sizes(g, sizes), i, k, ns, nthp, checked = 0;
	char *src;

	nthp = get_thp(_metadata, fx);
	for (i = 0; i < nr && sizes[i] <= SZ_2M; i++) {
		s = sizes[i];
		len = s == SZ_2M ? s : 2 * s;
		nslots = nr_slots(g, len);
		ns = pick_slots(nslots, slot);
		for (k = 0; k < ns; k++) {
			if (s == SZ_4K) {
				get_small(_metadata, fx);
				src = fx->small.p + k * 16 * SZ_4K;
			} else if (k < nthp) {
				src = fx->thp.p + k * SZ_2M +
				      (s == SZ_2M ? 0 : (k + 1) * len % SZ_2M);
			} else {
				ksft_print_msg("no THP: user pages of 0x%llx not checked\n",
					       s);
				continue;
			}
			map_user_ok(_metadata, fx, slot[k] * len, src, len,
				    prot_pick(g, i + k), s);
			checked++;
		}
		check_state(_metadata, fx, true);
		for (k = 0; k < ns; k++) {
			if (model_find(&fx->s.m, slot[k] * len) < 0)
				continue;
			ASSERT_EQ(len, unmap_model(_metadata, fx,
						   slot[k] * len, len));
			check_unmapped(_metadata, &fx->s, slot[k] * len);
		}
		check_state(_metadata, fx, true);
	}
	if (!checked)
		SKIP(return, "no user memory fits this granule (THP unavailable)");
}

/*
 * Maps overlapping an existing one, user or physical, from either side,
 * inside, covering, or as a larger page around it, are refused with
 * -EADDRINUSE and change nothing (walks, counters, pins, dump); maps that
 * only touch it succeed.
 */
TEST_F(fmt, overlap)
{
	struct fx *fx = &self->f;
	const struct geom *g = &fx->s.m.g;
	__u64 gs = geom_gran(g), sizes[64], big, x, len, pa, p2;
	struct {
		__u64 iova, len, pgsize;
	} tries[8];
	int nr = geom_sizes(g, sizes), i, nt = 0;
	char *src;

	/* The second-smallest page if any, two of them, on a page boundary. */
	big = nr > 1 && sizes[1] <= g->last / 16 ? sizes[1] : gs * 4;
	x = 4 * big;
	len = 2 * big;
	pa = hole(_metadata, fx, big, len + 4 * gs, 0);
	map_phys_ok(_metadata, fx, x, pa, len, prot_pick(g, 1), 0);
	check_state(_metadata, fx, true);

	tries[nt].iova = x;			/* the same range */
	tries[nt].len = len;
	tries[nt++].pgsize = 0;
	tries[nt].iova = x - gs;		/* ends inside */
	tries[nt].len = 2 * gs;
	tries[nt++].pgsize = 0;
	tries[nt].iova = x + len - gs;		/* starts inside */
	tries[nt].len = 2 * gs;
	tries[nt++].pgsize = 0;
	tries[nt].iova = x - 2 * gs;		/* covers it */
	tries[nt].len = len + 4 * gs;
	tries[nt++].pgsize = 0;
	tries[nt].iova = x + gs;		/* strictly inside a page */
	tries[nt].len = gs;
	tries[nt++].pgsize = gs;
	for (i = 0; i < nr; i++) {		/* a larger page around it */
		if (sizes[i] >= 2 * len) {
			tries[nt].iova = x & ~(sizes[i] - 1);
			tries[nt].len = sizes[i];
			tries[nt++].pgsize = sizes[i];
			break;
		}
	}
	for (i = 0; i < nt; i++) {
		p2 = hole(_metadata, fx, tries[i].pgsize ? tries[i].pgsize : big,
			  tries[i].len, 0);
		map_phys_fails(_metadata, fx, tries[i].iova, p2, tries[i].len,
			       PT_R, tries[i].pgsize, -EADDRINUSE);
		check_state(_metadata, fx, true);
		if (tries[i].len > 4 * SZ_2M)
			continue;
		src = user_src(_metadata, fx, tries[i].len, i);
		if (!src)
			continue;
		map_user_fails(_metadata, fx, tries[i].iova, src, tries[i].len,
			       PT_RW, tries[i].pgsize, -EADDRINUSE);
		check_state(_metadata, fx, true);
	}

	/* Touching is not overlapping. */
	src = user_src(_metadata, fx, gs, 3);
	if (src)
		map_user_ok(_metadata, fx, x - gs, src, gs, PT_RW, 0);
	else
		map_phys_ok(_metadata, fx, x - gs, pa + len, gs, PT_RW, 0);
	map_phys_ok(_metadata, fx, x + len, pa + len + gs, gs, PT_R, 0);
	check_state(_metadata, fx, true);
	/* And the one in between now overlaps both neighbours. */
	map_phys_fails(_metadata, fx, x - gs, pa, len + 2 * gs, PT_R, 0,
		       -EADDRINUSE);
	check_state(_metadata, fx, true);
	unmap_all(_metadata, fx);
}

/*
 * A full unmap returns the whole size; every page then fails to walk and
 * every table is gone; the same IOVAs map again, from user memory and from
 * physical addresses. Unmap never splits a page: from inside one it is
 * -EINVAL with nothing changed, a range ending inside one removes it whole,
 * and a hole stops it.
 */
TEST_F(fmt, unmap_remap)
{
	struct fx *fx = &self->f;
	const struct geom *g = &fx->s.m.g;
	__u64 gs = geom_gran(g), iova, len, off, big, pa, got;
	unsigned int round;
	char *src;

	iova = (g->last >> 2) + 1 - 8 * gs;
	len = 24 * gs;
	pa = hole(_metadata, fx, SZ_2M, len + 4 * gs, 0);
	for (round = 0; round < 4; round++) {
		src = round & 1 ? NULL : user_src(_metadata, fx, len, round);
		if (src)
			map_user_ok(_metadata, fx, iova, src, len,
				    prot_pick(g, round), 0);
		else
			map_phys_ok(_metadata, fx, iova, pa + round * gs, len,
				    prot_pick(g, round), 0);
		check_state(_metadata, fx, true);
		ASSERT_EQ(len, unmap_model(_metadata, fx, iova, len));
		ASSERT_EQ(0U, fx->s.m.nr);
		for (off = 0; off < len; off += gs)
			check_unmapped(_metadata, &fx->s, iova + off + (off & 0xfff));
		check_state(_metadata, fx, true);
	}

	/* A large page: never split. */
	big = geom_largest_upto(g, g->last / 4);
	ASSERT_NE(0ULL, big);
	iova = big;
	pa = hole(_metadata, fx, big, big, 0);
	map_phys_ok(_metadata, fx, iova, pa, big, PT_RW, big);
	if (big > gs) {
		ASSERT_EQ(-EINVAL, pt_unmap(fx->s.fd, fx->s.id, iova + gs, gs, &got));
		ASSERT_EQ(0ULL, got);
		check_state(_metadata, fx, true);
	}
	ASSERT_EQ(big, unmap_model(_metadata, fx, iova, gs));
	check_unmapped(_metadata, &fx->s, iova);
	check_unmapped(_metadata, &fx->s, iova + big - 1);
	check_state(_metadata, fx, true);

	/* Stops at a hole, having unmapped what came before it. */
	pa = hole(_metadata, fx, gs, 4 * gs, 0);
	map_phys_ok(_metadata, fx, 0, pa, gs, PT_R, 0);
	map_phys_ok(_metadata, fx, 2 * gs, pa + 2 * gs, gs, PT_R, 0);
	ASSERT_EQ(gs, unmap_model(_metadata, fx, 0, 3 * gs));
	ASSERT_EQ(-ENOENT, pt_unmap(fx->s.fd, fx->s.id, gs, 2 * gs, &got));
	ASSERT_EQ(0ULL, got);
	check_state(_metadata, fx, true);
	ASSERT_EQ(gs, unmap_model(_metadata, fx, 2 * gs, gs));
	check_state(_metadata, fx, true);
}

/*
 * The top of the input range: the largest page that fits there, the
 * granule at the very top from user memory, the pages either side of the
 * middle (where a stage-2 concatenated top table switches tables); a range
 * past the top is refused.
 */
TEST_F(fmt, top_corner)
{
	struct fx *fx = &self->f;
	const struct geom *g = &fx->s.m.g;
	__u64 gs = geom_gran(g), big, top, mid, pa, got;
	char *src;

	big = geom_largest_upto(g, g->last);
	top = g->last - big + 1;
	pa = hole(_metadata, fx, big, big, 0);
	map_phys_ok(_metadata, fx, top, pa, big, PT_RW, 0);
	ASSERT_EQ(1U, fx->s.m.nr);
	ASSERT_EQ(big, fx->s.m.leaves[0].size);
	check_state(_metadata, fx, true);
	check_walk(_metadata, &fx->s, &fx->s.m.leaves[0], g->last);
	ASSERT_EQ(big, unmap_model(_metadata, fx, top, big));
	check_state(_metadata, fx, true);

	/* The last granule, and the first: both ends of the top table. */
	src = user_src(_metadata, fx, gs, 1);
	top = g->last - gs + 1;
	pa = hole(_metadata, fx, gs, 4 * gs, 0);
	if (src)
		map_user_ok(_metadata, fx, top, src, gs, PT_RW, gs);
	else
		map_phys_ok(_metadata, fx, top, pa, gs, PT_RW, gs);
	map_phys_ok(_metadata, fx, 0, pa + gs, gs, PT_R, gs);
	/* Either side of the middle of the input range. */
	mid = (g->last >> 1) + 1;
	map_phys_ok(_metadata, fx, mid - gs, pa + 2 * gs, gs,
		    (PT_R | PT_C) & g->prot_mask, gs);
	map_phys_ok(_metadata, fx, mid, pa + 3 * gs, gs, PT_RW, gs);
	check_state(_metadata, fx, true);

	/* Past the top: nothing. */
	map_phys_fails(_metadata, fx, top, pa, 2 * gs, PT_R, 0, -EINVAL);
	if (g->ias < 64)
		map_phys_fails(_metadata, fx, g->last + 1, pa, gs, PT_R, 0,
			       -EINVAL);
	ASSERT_EQ(-EINVAL, pt_unmap(fx->s.fd, fx->s.id, top, 2 * gs, &got));
	ASSERT_EQ(0ULL, got);
	check_state(_metadata, fx, true);
	unmap_all(_metadata, fx);
}

/*
 * One map of a physical range that starts below a large page boundary and
 * ends above it: a staircase of every smaller size up, the large page, and
 * every size down; the model picks the largest size IOVA, address and
 * length allow. Then a physical address misaligned with the IOVA: only the
 * granule fits.
 */
TEST_F(fmt, mixed_phys)
{
	struct fx *fx = &self->f;
	const struct geom *g = &fx->s.m.g;
	__u64 sizes[64], big = 0, head = 0, iova, pa = 0, len = 0;
	int nr = geom_sizes(g, sizes), i, j;

	/* The largest page with room for it and its staircases. */
	for (j = nr - 1; j >= 0 && !big; j--) {
		if (sizes[j] - 1 > g->last / 4)
			continue;
		for (head = 0, i = 0; i < j; i++)
			head += sizes[i];
		len = 2 * head + sizes[j];
		if (!iomem_find_hole(iomem_get(), g->oas, sizes[j], len, head, &pa))
			big = sizes[j];
	}
	ASSERT_NE(0ULL, big) TH_LOG("no room for a mixed physical map");
	iova = big - head;
	map_phys_ok(_metadata, fx, iova, pa - head, len,
		    (PT_RW | PT_X) & g->prot_mask, 0);
	/* Every size once on each side, the large page once. */
	for (i = 0; i < nr && sizes[i] <= big; i++)
		ASSERT_EQ(sizes[i] == big ? 1U : 2U,
			  model_count_size(&fx->s.m, sizes[i]))
			TH_LOG("size 0x%llx", sizes[i]);
	check_state(_metadata, fx, true);
	ASSERT_EQ(len, unmap_model(_metadata, fx, iova, len));
	check_state(_metadata, fx, true);

	/* The physical address one granule off the IOVA's alignment. */
	if (nr > 1 && sizes[1] / sizes[0] <= 8192) {
		len = sizes[1] + sizes[0];
		iova = 4 * sizes[1];
		pa = hole(_metadata, fx, sizes[1], len + sizes[0], 0);
		map_phys_ok(_metadata, fx, iova, pa + sizes[0], len, PT_R, 0);
		ASSERT_EQ(len / sizes[0], model_count_size(&fx->s.m, sizes[0]));
		check_state(_metadata, fx, true);
		unmap_all(_metadata, fx);
	}
}

/*
 * One map of user memory across THP chunks, starting below a chunk
 * boundary: small pages up to the boundary, the largest size a 2M chunk
 * holds, small pages after; and (4K granule) 4K-page memory, whose pages
 * pagemap shows scattered. The model, fed by pagemap, gives each leaf.
 */
TEST_F(fmt, mixed_user)
{
	struct fx *fx = &self->f;
	const struct geom *g = &fx->s.m.g;
	__u64 sizes[64], big = 0, head = 0, len, iova = 0;
	int nr = geom_sizes(g, sizes), i, j, nthp;

	nthp = get_thp(_metadata, fx);
	/* The largest size up to 2M whose staircases fit the input range. */
	for (j = nr - 1; j >= 0 && !big; j--) {
		if (sizes[j] > SZ_2M)
			continue;
		for (head = 0, i = 0; i < j; i++)
			head += sizes[i];
		iova = align_up(head, sizes[j]) - head;
		if (iova + 2 * head + sizes[j] - 1 <= g->last)
			big = sizes[j];
	}
	ASSERT_NE(0ULL, big);
	if (nthp >= 3) {
		len = 2 * head + big;
		/* The IOVA and the chunk boundary alike aligned. */
		map_user_ok(_metadata, fx, iova, fx->thp.p + SZ_2M - head,
			    len, PT_RW, 0);
		for (i = 0; i < nr && sizes[i] <= big; i++)
			ASSERT_EQ(sizes[i] == big ? 1U : 2U,
				  model_count_size(&fx->s.m, sizes[i]))
				TH_LOG("size 0x%llx", sizes[i]);
		check_state(_metadata, fx, true);
		unmap_all(_metadata, fx);
	} else {
		ksft_print_msg("no THP: mixed sizes from user memory not checked\n");
	}
	if (geom_gran(g) == SZ_4K) {
		get_small(_metadata, fx);
		len = SMALL_PAGES * SZ_4K;
		if (len - 1 > g->last / 2)
			len = (g->last / 2 + 1) & ~(SZ_4K - 1);
		map_user_ok(_metadata, fx, g->last - len + 1, fx->small.p,
			    len, PT_R, 0);
		check_state(_metadata, fx, true);
		unmap_all(_metadata, fx);
	} else if (nthp < 3) {
		SKIP(return, "no user memory fits this granule (THP unavailable)");
	}
}

/* --- a random sequence against the model --- */

static __u64 rng_next(__u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static __u64 rng_below(__u64 *s, __u64 n)
{
	return n ? rng_next(s) % n : 0;
}

/* Walks @iova and compares with what the model says is there. */
static void walk_model(struct __test_metadata *_metadata,
		       const struct fx *self, __u64 iova)
{
	long i = model_find(&self->s.m, iova);

	if (i < 0)
		check_unmapped(_metadata, &self->s, iova);
	else
		check_walk(_metadata, &self->s, &self->s.m.leaves[i], iova);
}

/*
 * Maps (user and physical, automatic and explicit page sizes, at aligned
 * and misaligned addresses), unmaps (at leaf starts, inside leaves, in
 * holes, of any length) and walks at random in three windows of the input
 * range (bottom, middle, top), each predicted by the model; info after
 * every step, everything every 25 steps. The seed is printed; PTLAB_SEED
 * replays a run.
 */
TEST_F_TIMEOUT(fmt, random, 300)
{
	struct fx *fx = &self->f;
	const struct geom *g = &fx->s.m.g;
	__u64 gs = geom_gran(g), win, wbase[3], sizes[64], seed, st, phys;
	__u64 iova, len, pgsize, pa, mapped, want, poff, src_room;
	int nr = geom_sizes(g, sizes), op, nthp, err, ret;
	const char *env = getenv("PTLAB_SEED");
	unsigned int maps = 0, busy = 0, unmaps = 0, refused = 0, walks = 0;
	__u32 prot;
	bool explicit;
	long li;
	char *src;

	seed = env ? strtoull(env, NULL, 0) : RANDOM_SEED;
	ksft_print_msg("random: seed %llu (PTLAB_SEED=%llu replays it)\n",
		       seed, seed);
	st = seed * 0x9e3779b97f4a7c15ULL + variant->c.format * 1000003ULL +
	     g->ias * 131 + g->gran;
	if (!st)
		st = 1;
	win = g->last / 4 + 1;
	if (win > SZ_64M)
		win = SZ_64M;
	wbase[0] = 0;
	wbase[1] = ((g->last >> 1) + 1) - win / 2;
	wbase[2] = g->last - win + 1;
	phys = hole(_metadata, fx, geom_largest_upto(g, win), 2 * win, 0);
	nthp = get_thp(_metadata, fx);
	if (gs == SZ_4K)
		get_small(_metadata, fx);

	for (op = 0; op < RANDOM_OPS; op++) {
		int w = rng_below(&st, 3), what = rng_below(&st, 100);
		__u64 align = sizes[rng_below(&st, nr)];

		if (align > win / 2)
			align = gs;
		iova = wbase[w] + (rng_below(&st, win / align) * align);
		len = rng_below(&st, 3) ? align * (1 + rng_below(&st, 2)) : 0;
		len += gs * rng_below(&st, 8);
		if (!len)
			len = gs;
		if (iova - wbase[w] + len > win)
			len = wbase[w] + win - iova;
		prot = prot_pick(g, rng_next(&st));
		explicit = !rng_below(&st, 3);

		if (what < 30) {
			/* physical */
			poff = rng_below(&st, 4) ? 0 : gs;
			pa = phys + (iova - wbase[w]) + poff;
			pgsize = explicit ? align : 0;
			if (pgsize && ((iova | len | poff) & (pgsize - 1)))
				pgsize = 0;
			if (model_overlaps(&fx->s.m, iova, len)) {
				map_phys_fails(_metadata, fx, iova, pa, len,
					       prot, pgsize, -EADDRINUSE);
				busy++;
			} else {
				map_phys_ok(_metadata, fx, iova, pa, len,
					    prot, pgsize);
				maps++;
			}
		} else if (what < 55) {
			/* user memory: THP chunks, or 4K pages */
			pgsize = explicit && align <= SZ_2M ? align : 0;
			if (len > SZ_2M)
				len = SZ_2M;
			if ((pgsize > SZ_4K || gs > SZ_4K) && nthp) {
				src_room = (__u64)nthp * SZ_2M - len;
				src = fx->thp.p +
				      rng_below(&st, src_room /
						(pgsize ? pgsize : gs) + 1) *
				      (pgsize ? pgsize : gs);
			} else if (gs == SZ_4K && len <= SMALL_PAGES * SZ_4K) {
				if (pgsize > SZ_4K)
					pgsize = 0;
				src = fx->small.p +
				      rng_below(&st, SMALL_PAGES - len / SZ_4K + 1) *
				      SZ_4K;
			} else {
				continue;
			}
			if (pgsize && ((iova | len) & (pgsize - 1)))
				pgsize = 0;
			if (model_overlaps(&fx->s.m, iova, len)) {
				map_user_fails(_metadata, fx, iova, src, len,
					       prot, pgsize, -EADDRINUSE);
				busy++;
			} else {
				map_user_ok(_metadata, fx, iova, src, len,
					    prot, pgsize);
				maps++;
			}
		} else if (what < 80) {
			/* unmap at a leaf, inside one, or anywhere */
			if (fx->s.m.nr && what < 72) {
				li = rng_below(&st, fx->s.m.nr);
				iova = fx->s.m.leaves[li].iova;
				if (what >= 68 && fx->s.m.leaves[li].size > gs)
					iova += gs * (1 + rng_below(&st,
						fx->s.m.leaves[li].size / gs - 1));
				len = gs * (1 + rng_below(&st, 64));
				if (len - 1 > g->last - iova)
					len = to_end(g, iova);
			}
			if (unmap_model(_metadata, fx, iova, len))
				unmaps++;
			else
				refused++;
		} else {
			walk_model(_metadata, fx, iova + rng_below(&st, len));
			walks++;
		}
		check_state(_metadata, fx, op % 25 == 24);
	}
	check_state(_metadata, fx, true);
	ksft_print_msg("random: maps %u (%u in use), unmaps %u (%u refused), walks %u\n",
		       maps, busy, unmaps, refused, walks);
	ASSERT_LT(0U, maps);
	ASSERT_LT(0U, unmaps);
	unmap_all(_metadata, fx);

	/* Nothing is left. */
	err = model_unmap_expect(&fx->s.m, 0, gs, &want);
	ret = pt_unmap(fx->s.fd, fx->s.id, 0, gs, &mapped);
	ASSERT_EQ(-ENOENT, err);
	ASSERT_EQ(-ENOENT, ret);
}

/* --- bad input --- */

/*
 * Permission bits outside the format's mask are -EOPNOTSUPP, for user and
 * physical maps alike, and change nothing.
 */
TEST_F(fmt, bad_prot)
{
	struct fx *fx = &self->f;
	const struct geom *g = &fx->s.m.g;
	__u64 gs = geom_gran(g), pa;
	__u32 bits[8], bit;
	int nb = 0, i;
	char *src;

	for (bit = 1; bit & PTLAB_PROT_ALL; bit <<= 1)
		if (!(bit & g->prot_mask))
			bits[nb++] = bit;
	bits[nb++] = 0x40;
	bits[nb++] = 0x80000000U;
	ASSERT_NE(0U, g->prot_mask & PT_R);
	ASSERT_EQ(0U, g->prot_mask & ~PTLAB_PROT_ALL);

	pa = hole(_metadata, fx, gs, gs, 0);
	src = user_src(_metadata, fx, gs, 0);
	for (i = 0; i < nb; i++) {
		map_phys_fails(_metadata, fx, gs, pa, gs, PT_R | bits[i], 0,
			       -EOPNOTSUPP);
		map_phys_fails(_metadata, fx, gs, pa, gs, PT_R | bits[i], gs,
			       -EOPNOTSUPP);
		if (src)
			map_user_fails(_metadata, fx, gs, src, gs,
				       PT_R | bits[i], 0, -EOPNOTSUPP);
		check_state(_metadata, fx, true);
	}
	/* Everything in the mask that is a valid combination maps. */
	for (i = 0; i < 8; i++) {
		map_phys_ok(_metadata, fx, gs * (i + 1), pa, gs, prot_pick(g, i),
			    0);
		ASSERT_EQ(gs, unmap_model(_metadata, fx, gs * (i + 1), gs));
	}
	if (src)
		map_user_ok(_metadata, fx, gs, src, gs, g->prot_mask & ~PT_M, 0);
	check_state(_metadata, fx, true);
	unmap_all(_metadata, fx);
}

/*
 * Page sizes the address space does not use are -EINVAL with nothing
 * changed: powers of two outside the bitmap (below the granule, between
 * and above its sizes), sizes that are not a power of two, two sizes at once.
 */
TEST_F(fmt, bad_pgsize)
{
	struct fx *fx = &self->f;
	const struct geom *g = &fx->s.m.g;
	__u64 gs = geom_gran(g), bad[80], p, pa, len, rest;
	int nb = 0, i;
	char *src;

	for (p = SZ_4K; p && p - 1 <= g->last && nb < 70; p <<= 1)
		if (!(g->pgsizes & p))
			bad[nb++] = p;
	bad[nb++] = 3 * gs;
	rest = g->pgsizes & ~gs;
	bad[nb++] = gs | (rest ? rest & -rest : 2 * gs);
	if (rest)
		bad[nb++] = g->pgsizes;
	for (i = 0; i < nb; i++) {
		p = bad[i];
		if (!(p & (p - 1))) {
			/* Everything else right for a page of @p. */
			len = p > gs ? p : gs;
			if (!iomem_find_hole(iomem_get(), g->oas, p, len, 0, &pa)) {
				map_phys_fails(_metadata, fx, 0, pa, len, PT_R,
					       p, -EINVAL);
				if (len - 1 <= g->last / 2)
					map_phys_fails(_metadata, fx, len, pa,
						       len, PT_R, p, -EINVAL);
			}
		} else {
			len = 4 * gs;
			pa = hole(_metadata, fx, SZ_2M, len, 0);
			map_phys_fails(_metadata, fx, 0, pa, len, PT_R, p,
				       -EINVAL);
		}
		if (len > SZ_2M)
			continue;
		src = user_src(_metadata, fx, len, i);
		if (src)
			map_user_fails(_metadata, fx, 0, src, len, PT_RW, p,
				       -EINVAL);
	}
	check_state(_metadata, fx, true);
}

/*
 * An input size the format cannot have at this granule and output size is
 * -EINVAL at creation and leaves no address space, table or debugfs
 * directory behind; the largest valid one works.
 */
TEST_F(fmt, bad_ias)
{
	struct fx *fx = &self->f;
	__u32 bad[] = { variant->ias_max + 1, 65, 200, 0 }, id, id2;
	struct ptlab_info info;
	int dirs = debugfs_nr_dirs(), i;
	long secpt = secpt_kb();

	if (variant->c.format == PTLAB_FMT_APPLE_UAT)
		bad[3] = 38;
	for (i = 0; i < 4; i++) {
		if (!bad[i])
			continue;
		ASSERT_EQ(-EINVAL, space_new(fx->s.fd, &variant->c, bad[i], &id))
			TH_LOG("ias %u", bad[i]);
	}
	ASSERT_EQ(dirs, debugfs_nr_dirs());
	ASSERT_EQ(secpt, secpt_kb());

	ASSERT_EQ(0, space_new(fx->s.fd, &variant->c, variant->ias_max, &id2));
	ASSERT_EQ(0, pt_info(fx->s.fd, id2, &info));
	ASSERT_EQ(variant->ias_max, info.out_ias);
	ASSERT_EQ(0, pt_destroy(fx->s.fd, id2));
	ASSERT_EQ(secpt, secpt_kb());
	check_state(_metadata, fx, true);
}

/* --- the Arm variants beyond one geometry (PTLAB_CREATE_ARM_*) --- */

#define ARM_LPA2	PTLAB_CREATE_ARM_LPA2
#define ARM_TTBR1	PTLAB_CREATE_ARM_TTBR1
#define ARM_MTK		PTLAB_CREATE_ARM_MTK_EXT

static int create_flags(int fd, __u32 format, __u32 flags, __u32 gran,
			__u32 ias, __u32 oas, __u32 *id)
{
	struct ptlab_create c = {
		.format = format, .flags = flags, .granule_shift = gran,
		.ias = ias, .oas = oas,
	};

	return pt_create_req(fd, &c, id);
}

/* The tests below make their own spaces. */
FIXTURE(armv) {
	int unused;
};

FIXTURE_SETUP(armv)
{
	self->unused = 0;
}

FIXTURE_TEARDOWN(armv)
{
}

/* Does the debugfs dump of @id hold a line with @str (at its start)? */
static bool dump_has(__u32 id, const char *str, bool start)
{
	char path[128], line[256];
	bool found = false;
	FILE *f;

	debugfs_path(path, sizeof(path), id, "mappings");
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = start ? !strncmp(line, str, strlen(str)) :
			!!strstr(line, str);
	fclose(f);
	return found;
}

/*
 * A TTBR1 space takes IOVAs as the CPU sees them, every bit above ias set:
 * its first and last pages map, walk to what pagemap says and show in the
 * dump under those IOVAs; anything below the range is refused. INFO
 * reports the TTBR1 half of TCR: T1SZ, TG1 (4K is 0b10) and EPD0.
 */
TEST_F(armv, arm_ttbr1_upper_range)
{
	const __u64 base = 0xffff000000000000ULL, top = ~0ULL - 4 * SZ_4K + 1;
	long secpt = secpt_kb();
	struct ptlab_info info;
	struct ptlab_walk w;
	__u64 pas[8], done;
	char line[64];
	struct buf b;
	__u32 id;
	int fd, i;

	fd = ptlab_open(_metadata);
	ASSERT_EQ(0, create_flags(fd, PTLAB_FMT_ARM64_LPAE_S1, ARM_TTBR1, 12,
				  48, 0, &id));
	ASSERT_EQ(0, pt_info(fd, id, &info));
	EXPECT_EQ((__u32)ARM_TTBR1, info.out_flags);
	EXPECT_EQ(info.out_root_pa, info.out_ttbr);
	EXPECT_EQ(0x80ULL, info.out_tcr & 0xffffULL) TH_LOG("EPD0 alone in the TTBR0 half");
	EXPECT_EQ(16ULL, (info.out_tcr >> 16) & 0x3f) TH_LOG("T1SZ");
	EXPECT_EQ(2ULL, (info.out_tcr >> 30) & 3) TH_LOG("TG1 4K");
	EXPECT_EQ(0ULL, info.out_tcr & (1ULL << 23)) TH_LOG("EPD1 clear");
	ASSERT_EQ(0, buf_alloc(&b, 8 * SZ_4K, false));
	ASSERT_EQ(0, pagemap_pas(b.p, 8, pas));
	ASSERT_EQ(0, pt_map_user(fd, id, base, b.p, 4 * SZ_4K, PT_RW, 0, &done));
	ASSERT_EQ(0, pt_map_user(fd, id, top, b.p + 4 * SZ_4K, 4 * SZ_4K, PT_R,
				 0, &done));
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, pt_walk(fd, id, base + i * SZ_4K + 0x123, &w));
		EXPECT_EQ(pas[i] + 0x123, w.out_pa);
		EXPECT_EQ(4U, w.out_nr_entries);
		ASSERT_EQ(0, pt_walk(fd, id, top + i * SZ_4K + 0xfff, &w));
		EXPECT_EQ(pas[4 + i] + 0xfff, w.out_pa);
		EXPECT_EQ(PT_R, w.out_prot);
	}
	EXPECT_EQ(-EINVAL, pt_walk(fd, id, base - SZ_4K, &w));
	EXPECT_EQ(-EINVAL, pt_walk(fd, id, 0x1000, &w));
	EXPECT_EQ(-ENOENT, pt_walk(fd, id, base + 4 * SZ_4K, &w));
	EXPECT_EQ(-EINVAL, pt_map_user(fd, id, 0x1000, b.p, SZ_4K, PT_RW, 0,
				       &done));
	EXPECT_EQ(-EINVAL, pt_map_user(fd, id, base - SZ_4K, b.p, 2 * SZ_4K,
				       PT_RW, 0, &done));
	/* Runs of physically contiguous pages: the first starts at base. */
	snprintf(line, sizeof(line), "0x%016llx-", base);
	EXPECT_TRUE(dump_has(id, line, true)) TH_LOG("no '%s' in the dump", line);
	snprintf(line, sizeof(line), "-0x%016llx ", ~0ULL);
	EXPECT_TRUE(dump_has(id, line, false)) TH_LOG("no '%s' in the dump", line);
	ASSERT_EQ(0, pt_unmap(fd, id, top, 4 * SZ_4K, &done));
	EXPECT_EQ(4 * SZ_4K, done);
	ASSERT_EQ(0, pt_unmap(fd, id, base, 4 * SZ_4K, &done));
	EXPECT_EQ(4 * SZ_4K, done);
	ASSERT_EQ(0, pt_info(fd, id, &info));
	EXPECT_EQ(0ULL, info.out_mapped_bytes);
	close(fd);
	buf_free(&b);
	EXPECT_EQ(secpt, secpt_kb());
}

/*
 * FEAT_LPA2: a physical address above 2^50 (no RAM is there) walks back
 * whole, and its leaf holds bits 51:50 in entry bits 9:8 and 49:12 in
 * place (uapi); a 512G block sits at the fourth of five levels. INFO sets
 * TCR.DS (bit 59) and IPS 52 bits.
 */
TEST_F(armv, arm_lpa2_high_addresses)
{
	const __u64 pa = 0xf000000001000ULL, blk = 0x8000000000000ULL;
	long secpt = secpt_kb();
	struct ptlab_info info;
	struct ptlab_walk w;
	__u64 done, e;
	__u32 id, kind;
	int fd;

	fd = ptlab_open(_metadata);
	ASSERT_EQ(0, create_flags(fd, PTLAB_FMT_ARM64_LPAE_S1, ARM_LPA2, 12,
				  52, 52, &id));
	ASSERT_EQ(0, pt_info(fd, id, &info));
	EXPECT_EQ(5U, info.out_levels);
	EXPECT_EQ(1ULL << 59, info.out_tcr & (1ULL << 59)) TH_LOG("TCR.DS");
	EXPECT_EQ(6ULL, (info.out_tcr >> 32) & 7) TH_LOG("IPS 52 bits");
	ASSERT_EQ(0, pt_map_phys(fd, id, 0x1000, pa, SZ_4K, PT_RW | PT_M, 0,
				 &done, &kind));
	ASSERT_EQ(0, pt_walk(fd, id, 0x1abc, &w));
	EXPECT_EQ(pa + 0xabc, w.out_pa);
	ASSERT_EQ(5U, w.out_nr_entries);
	e = w.out_entries[4];
	EXPECT_EQ(3ULL, (e >> 8) & 3) TH_LOG("OA[51:50] in bits 9:8: 0x%llx", e);
	EXPECT_EQ(pa & GENMASK_ULL(49, 12), e & GENMASK_ULL(49, 12));
	ASSERT_EQ(0, pt_map_phys(fd, id, SZ_512G, blk, SZ_512G, PT_R | PT_M,
				 SZ_512G, &done, &kind));
	ASSERT_EQ(0, pt_walk(fd, id, SZ_512G + 0x12345678, &w));
	EXPECT_EQ(blk + 0x12345678, w.out_pa);
	EXPECT_EQ(SZ_512G, w.out_pgsize);
	EXPECT_EQ(3U, w.out_level);
	EXPECT_EQ(2U, w.out_nr_entries);
	EXPECT_EQ(2ULL, (w.out_entries[1] >> 8) & 3);
	close(fd);
	EXPECT_EQ(secpt, secpt_kb());
}

/*
 * MediaTek v7s: output addresses up to 35 bits, bits 32, 33, 34 in entry
 * bits 9, 4, 5; no permissions, so only READ | WRITE | EXEC maps; INFO
 * reports the M4U's base register and no TEX remap registers.
 */
TEST_F(armv, arm_v7s_mtk)
{
	const __u32 rwx = PT_RW | PT_X;
	long secpt = secpt_kb();
	struct ptlab_info info;
	struct ptlab_walk w;
	__u64 done;
	__u32 id, id2, kind;
	int fd;

	fd = ptlab_open(_metadata);
	ASSERT_EQ(0, create_flags(fd, PTLAB_FMT_ARM_V7S, ARM_MTK, 0, 0, 0, &id));
	ASSERT_EQ(0, pt_info(fd, id, &info));
	EXPECT_EQ(35U, info.out_oas);
	EXPECT_EQ((__u32)ARM_MTK, info.out_flags);
	EXPECT_EQ(rwx | PT_C | PT_M, info.out_prot_mask);
	EXPECT_EQ(0ULL, info.out_mair);
	EXPECT_EQ((info.out_root_pa & 0xffffffffULL) | (info.out_root_pa >> 32),
		  info.out_ttbr) TH_LOG("PT_BASE_ADDR: bits 34:32 in 2:0");
	/* A section at 0x7_0010_0000: every extended bit. */
	ASSERT_EQ(0, pt_map_phys(fd, id, 0x100000, 0x700100000ULL, SZ_1M,
				 rwx | PT_M, 0, &done, &kind));
	ASSERT_EQ(0, pt_walk(fd, id, 0x123456, &w));
	EXPECT_EQ(0x700123456ULL, w.out_pa);
	EXPECT_EQ(SZ_1M, w.out_pgsize);
	EXPECT_EQ(rwx | PT_M, w.out_prot);
	EXPECT_EQ(0x00100000ULL, w.out_entries[0] & 0xfff00000ULL);
	EXPECT_EQ(0x230ULL, w.out_entries[0] & 0x230ULL)
		TH_LOG("0x%llx", w.out_entries[0]);
	/* A small page at 0x2_0000_3000: bit 33 alone, in bit 4. */
	ASSERT_EQ(0, pt_map_phys(fd, id, 0x400000, 0x200003000ULL, SZ_4K,
				 rwx, 0, &done, &kind));
	ASSERT_EQ(0, pt_walk(fd, id, 0x400010, &w));
	EXPECT_EQ(0x200003010ULL, w.out_pa);
	ASSERT_EQ(2U, w.out_nr_entries);
	EXPECT_EQ(0x10ULL, w.out_entries[1] & 0x230ULL)
		TH_LOG("0x%llx", w.out_entries[1]);
	EXPECT_EQ(-EINVAL, pt_map_phys(fd, id, 0x500000, 0x200000000ULL, SZ_4K,
				       PT_RW, 0, &done, &kind));
	EXPECT_EQ(-EOPNOTSUPP, pt_map_phys(fd, id, 0x500000, 0x200000000ULL,
					   SZ_4K, rwx | PT_P, 0, &done, &kind));
	EXPECT_EQ(-EINVAL, pt_map_phys(fd, id, 0x500000, 1ULL << 35, SZ_4K,
				       rwx, 0, &done, &kind));
	/* Without the variant, 32 bits. */
	ASSERT_EQ(0, create_flags(fd, PTLAB_FMT_ARM_V7S, 0, 0, 0, 0, &id2));
	EXPECT_EQ(-EINVAL, pt_map_phys(fd, id2, 0x500000, 0x200000000ULL, SZ_4K,
				       rwx, 0, &done, &kind));
	close(fd);
	EXPECT_EQ(secpt, secpt_kb());
}

/*
 * Each variant belongs to some formats only (-EOPNOTSUPP elsewhere); LPA2
 * is meaningless with 64K (-EINVAL), and 52-bit inputs or outputs with 4K
 * and 16K need it. INFO of the first size (96 bytes) leaves out_flags to
 * the caller.
 */
TEST_F(armv, arm_variants_refused)
{
	static const struct {
		__u32 format, flags, gran, ias, oas;
		int err;
	} cases[] = {
		{ PTLAB_FMT_ARM64_LPAE_S2, ARM_TTBR1, 0, 0, 0, -EOPNOTSUPP },
		{ PTLAB_FMT_ARM64_LPAE_S2, PTLAB_CREATE_ARM_NS, 0, 0, 0, -EOPNOTSUPP },
		{ PTLAB_FMT_ARM64_LPAE_S2, PTLAB_CREATE_ARM_OUTER_WBWA, 0, 0, 0,
		  -EOPNOTSUPP },
		{ PTLAB_FMT_ARM64_LPAE_S1, PTLAB_CREATE_ARM_S2FWB, 0, 0, 0, -EOPNOTSUPP },
		{ PTLAB_FMT_ARM_MALI_LPAE, ARM_LPA2, 0, 0, 0, -EOPNOTSUPP },
		{ PTLAB_FMT_ARM_V7S, ARM_TTBR1, 0, 0, 0, -EOPNOTSUPP },
		{ PTLAB_FMT_X86_64, PTLAB_CREATE_ARM_NS, 0, 0, 0, -EOPNOTSUPP },
		{ PTLAB_FMT_AMD_V1, ARM_MTK, 0, 0, 0, -EOPNOTSUPP },
		{ PTLAB_FMT_ARM64_LPAE_S1, 0x100, 0, 0, 0, -EOPNOTSUPP },
		{ PTLAB_FMT_ARM64_LPAE_S1, ARM_LPA2, 16, 0, 0, -EINVAL },
		{ PTLAB_FMT_ARM64_LPAE_S1, 0, 12, 52, 0, -EINVAL },
		{ PTLAB_FMT_ARM64_LPAE_S1, 0, 14, 0, 52, -EINVAL },
		{ PTLAB_FMT_ARM_V7S, ARM_MTK, 0, 0, 36, -EINVAL },
	};
	int dirs = debugfs_nr_dirs(), fd;
	struct ptlab_info info;
	unsigned int i;
	__u32 id;

	fd = ptlab_open(_metadata);
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		EXPECT_EQ(cases[i].err,
			  create_flags(fd, cases[i].format, cases[i].flags,
				       cases[i].gran, cases[i].ias, cases[i].oas,
				       &id)) TH_LOG("case %u", i);
	EXPECT_EQ(dirs, debugfs_nr_dirs());
	ASSERT_EQ(0, create_flags(fd, PTLAB_FMT_ARM64_LPAE_S1, ARM_LPA2, 0, 0,
				  0, &id));
	memset(&info, 0, sizeof(info));
	info.size = offsetof(struct ptlab_info, out_flags);
	info.id = id;
	info.out_flags = 0xdead;
	ASSERT_EQ(0, pt_ioctl(fd, PTLAB_IOCTL_INFO, &info));
	EXPECT_EQ(0xdeadU, info.out_flags);
	EXPECT_EQ(48U, info.out_ias);
	close(fd);
}

TEST_HARNESS_MAIN
