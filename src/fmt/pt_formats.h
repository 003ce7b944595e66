/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every format descriptor the engine knows; src/fmt/pt_fmt_*.c define them,
 * src/fmt/formats.c lists them.
 */
#ifndef PTLAB_PT_FORMATS_H
#define PTLAB_PT_FORMATS_H

#include "engine/pt_engine.h"

/*
 * The formats' numbers. The uapi's enum ptlab_format has the same values
 * (the ioctl layer checks it at build time); formats do not see the uapi.
 */
enum pt_format_id {
	PT_FMT_ARM64_LPAE_S1 = 1,
	PT_FMT_ARM64_LPAE_S2 = 2,
	PT_FMT_ARM_MALI_LPAE = 3,
	PT_FMT_ARM_V7S = 4,
	PT_FMT_X86_64 = 5,
	PT_FMT_VTD_SS = 6,
	PT_FMT_AMD_V1 = 7,
	PT_FMT_RISCV = 8,
	PT_FMT_APPLE_DART = 9,
	PT_FMT_APPLE_UAT = 10,
	PT_FMT_NVIDIA_GMMU_V2 = 11,
	PT_FMT_NVIDIA_GMMU_V3 = 12,
};

extern const struct pt_format pt_fmt_arm64_lpae_s1;
extern const struct pt_format pt_fmt_arm64_lpae_s2;
extern const struct pt_format pt_fmt_arm_mali_lpae;
extern const struct pt_format pt_fmt_arm_v7s;
extern const struct pt_format pt_fmt_x86_64;
extern const struct pt_format pt_fmt_vtd_ss;
extern const struct pt_format pt_fmt_amd_v1;
extern const struct pt_format pt_fmt_riscv;
extern const struct pt_format pt_fmt_apple_dart;
extern const struct pt_format pt_fmt_apple_uat;
extern const struct pt_format pt_fmt_nvidia_gmmu_v2;
extern const struct pt_format pt_fmt_nvidia_gmmu_v3;

const struct pt_format *pt_format_by_id(u32 id);
const struct pt_format *pt_format_by_name(const char *name);

#endif /* PTLAB_PT_FORMATS_H */
