/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Range locks: operations on an address space hold the IOVA range they
 * work on, alone (changes) or shared (walks, dumps); operations on
 * disjoint ranges proceed together. See range_lock.c.
 */
#ifndef PTLAB_RANGE_LOCK_H
#define PTLAB_RANGE_LOCK_H

#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

/**
 * struct ptlab_range_lock - the ranges held in one address space
 * @lock: protects @held
 * @held: the struct ptlab_range_hold of every holder
 * @wait: where those that overlap a holder wait
 */
struct ptlab_range_lock {
	spinlock_t lock;	/* @held */
	struct list_head held;
	wait_queue_head_t wait;
};

/**
 * struct ptlab_range_hold - one holder's range
 * @node: in @held of its lock
 * @first: first IOVA
 * @last: last IOVA
 * @shared: held for reading: other shared holders may overlap it
 */
struct ptlab_range_hold {
	struct list_head node;
	u64 first;
	u64 last;
	bool shared;
};

void ptlab_range_lock_init(struct ptlab_range_lock *rl);
int ptlab_range_lock(struct ptlab_range_lock *rl, struct ptlab_range_hold *h,
		     u64 first, u64 last, bool shared);
void ptlab_range_unlock(struct ptlab_range_lock *rl,
			struct ptlab_range_hold *h);

#endif /* PTLAB_RANGE_LOCK_H */
