/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fault injection for every allocation ptlab makes (debugfs ptlab/fail_nth):
 * the Debian kernels have no CONFIG_FAULT_INJECTION, and the tests must
 * reach every allocation failure path.
 */
#ifndef PTLAB_FAIL_H
#define PTLAB_FAIL_H

#include <linux/atomic.h>
#include <linux/types.h>

extern atomic_t ptlab_fail_nth;
bool ptlab_should_fail(void);

#endif /* PTLAB_FAIL_H */
