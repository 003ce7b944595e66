/* SPDX-License-Identifier: GPL-2.0 */
/*
 * debugfs: /sys/kernel/debug/ptlab (see debugfs.c).
 */
#ifndef PTLAB_DEBUGFS_H
#define PTLAB_DEBUGFS_H

#include <linux/debugfs.h>

#include "as/as.h"

extern struct dentry *ptlab_debugfs_root;
void ptlab_debugfs_init(void);
void ptlab_debugfs_add_as(struct ptlab_as *as);

#endif /* PTLAB_DEBUGFS_H */
