// SPDX-License-Identifier: GPL-2.0
/*
 * The list of formats, for looking one up by number or by name.
 */
#include "fmt/pt_formats.h"

static const struct pt_format *const pt_formats[] = {
	&pt_fmt_arm64_lpae_s1,
	&pt_fmt_arm64_lpae_s2,
	&pt_fmt_arm_mali_lpae,
	&pt_fmt_arm_v7s,
	&pt_fmt_x86_64,
	&pt_fmt_vtd_ss,
	&pt_fmt_amd_v1,
	&pt_fmt_riscv,
	&pt_fmt_apple_dart,
	&pt_fmt_apple_uat,
	&pt_fmt_nvidia_gmmu_v2,
	&pt_fmt_nvidia_gmmu_v3,
};

/**
 * pt_format_by_id() - the descriptor of a format by its number
 * @id: enum pt_format_id value
 *
 * Return: the descriptor, or NULL if there is no such format.
 */
const struct pt_format *pt_format_by_id(u32 id)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pt_formats); i++)
		if (pt_formats[i]->id == id)
			return pt_formats[i];
	return NULL;
}

/**
 * pt_format_by_name() - the descriptor of a format by its short name
 * @name: e.g. "arm64-lpae-s1"
 *
 * Return: the descriptor, or NULL.
 */
const struct pt_format *pt_format_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pt_formats); i++)
		if (!strcmp(pt_formats[i]->name, name))
			return pt_formats[i];
	return NULL;
}
