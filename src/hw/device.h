/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Simulated devices: each translates through one address space with its
 * own walker (hw/walk.h) and IOTLB, as hardware would. See device.c.
 */
#ifndef PTLAB_HW_DEVICE_H
#define PTLAB_HW_DEVICE_H

#include <linux/debugfs.h>
#include <linux/types.h>

#include "as/as.h"

struct ptlab_dev;

struct ptlab_dev *ptlab_dev_create(struct ptlab_ctx *ctx, u32 as_id,
				   u32 flags, u32 iotlb_entries,
				   struct dentry *debugfs_parent);
u32 ptlab_dev_id(const struct ptlab_dev *dev);
void ptlab_dev_publish(struct ptlab_ctx *ctx, struct ptlab_dev *dev);
void ptlab_dev_abandon(struct ptlab_ctx *ctx, struct ptlab_dev *dev);
int ptlab_dev_destroy(struct ptlab_ctx *ctx, u32 dev_id);
void ptlab_dev_destroy_all(struct ptlab_ctx *ctx);
int ptlab_dev_dma(struct ptlab_ctx *ctx, u32 dev_id, u32 access, u64 iova,
		  void __user *uptr, u64 length, u64 *done, u32 *fault);
int ptlab_dev_faults(struct ptlab_ctx *ctx, u32 dev_id,
		     struct ptlab_fault __user *records, u32 max, u32 *count,
		     u32 *overflow);

#endif /* PTLAB_HW_DEVICE_H */
