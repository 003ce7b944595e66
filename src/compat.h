/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernel versions ptlab supports (6.1 to 6.12)
 * live here and nowhere else.
 */
#ifndef PTLAB_COMPAT_H
#define PTLAB_COMPAT_H

#include <linux/version.h>

#endif /* PTLAB_COMPAT_H */
