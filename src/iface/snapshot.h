/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ELF core snapshots of an address space (see snapshot.c).
 */
#ifndef PTLAB_SNAPSHOT_H
#define PTLAB_SNAPSHOT_H

#include <linux/fs.h>

#include "as/as.h"

struct ptlab_snap;
int ptlab_snapshot_to_file(struct ptlab_as *as, struct file *file,
			   bool show_pa, u64 *written);
struct ptlab_snap *ptlab_snapshot_open(struct ptlab_as *as, bool show_pa);
ssize_t ptlab_snapshot_read(struct ptlab_snap *snap, char __user *buf,
			    size_t len, loff_t *ppos);
void ptlab_snapshot_close(struct ptlab_snap *snap);

#endif /* PTLAB_SNAPSHOT_H */
