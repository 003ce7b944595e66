/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulated firmware: pre-allocated top-level tables that address
 * spaces adopt (see firmware.c).
 */
#ifndef PTLAB_FW_H
#define PTLAB_FW_H

#include <linux/fs.h>

#include "engine/pt_engine.h"
#include "uapi/linux/ptlab.h"

extern const struct file_operations ptlab_fw_fops;
void *ptlab_fw_adopt(phys_addr_t root_pa, const struct pt_cfg *cfg,
		     const struct pt_extent *ranges, unsigned int nr_ranges,
		     struct pt_extent *owned, unsigned int *nr_owned);
void ptlab_fw_release(void *handle);
void ptlab_fw_exit(void);

#endif /* PTLAB_FW_H */
