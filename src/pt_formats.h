/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every format descriptor the engine knows; src/pt_fmt_*.c define them.
 */
#ifndef PTLAB_PT_FORMATS_H
#define PTLAB_PT_FORMATS_H

#include "pt_engine.h"

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

#endif /* PTLAB_PT_FORMATS_H */
