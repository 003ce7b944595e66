// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection for every allocation ptlab makes.
 */
#include "common/fail.h"

/* Counts allocations down to a forced failure; 0 disarms. */
atomic_t ptlab_fail_nth = ATOMIC_INIT(0);

/**
 * ptlab_should_fail() - fault injection for every allocation ptlab makes
 *
 * Writing N to debugfs ptlab/fail_nth makes the Nth allocation from then on
 * fail, once. The Debian kernels have no CONFIG_FAULT_INJECTION, and tests
 * need to reach every allocation failure path.
 *
 * Return: true if the caller must behave as if its allocation failed.
 */
bool ptlab_should_fail(void)
{
	int old = atomic_read(&ptlab_fail_nth);

	while (old > 0) {
		if (atomic_try_cmpxchg(&ptlab_fail_nth, &old, old - 1))
			return old == 1;
	}
	return false;
}
