// SPDX-License-Identifier: GPL-2.0
/*
 * Range locks, as the callers of Linux's generic page table use them: an
 * operation holds the IOVA range it works on, and waits only for those
 * whose ranges overlap its own (two shared holders never wait for each
 * other). The engine's rule that a table is freed only within a range held
 * alone then keeps every table an operation walks alive (engine/pt_engine.h).
 *
 * A list under a spinlock: an address space has as many holders as threads
 * working on it, a handful. Waiting is killable; a holder that gives up
 * wakes everyone, and each waiter looks again.
 */
#include <linux/sched/signal.h>

#include "as/range_lock.h"

/**
 * ptlab_range_lock_init() - a lock with no range held
 * @rl: the lock
 */
void ptlab_range_lock_init(struct ptlab_range_lock *rl)
{
	spin_lock_init(&rl->lock);
	INIT_LIST_HEAD(&rl->held);
	init_waitqueue_head(&rl->wait);
}

/* Take @h if no holder is in its way. */
static bool ptlab_range_try(struct ptlab_range_lock *rl,
			    struct ptlab_range_hold *h)
{
	struct ptlab_range_hold *o;
	bool free = true;

	spin_lock(&rl->lock);
	list_for_each_entry(o, &rl->held, node) {
		if (o->first <= h->last && h->first <= o->last &&
		    !(o->shared && h->shared)) {
			free = false;
			break;
		}
	}
	if (free)
		list_add(&h->node, &rl->held);
	spin_unlock(&rl->lock);
	return free;
}

/**
 * ptlab_range_lock() - hold [@first, @last], waiting for overlapping holders
 * @rl: the lock
 * @h: the caller's hold, until ptlab_range_unlock()
 * @first: first IOVA
 * @last: last IOVA
 * @shared: for reading: other shared holders may overlap
 *
 * Return: 0, or -EINTR on a fatal signal (nothing held).
 */
int ptlab_range_lock(struct ptlab_range_lock *rl, struct ptlab_range_hold *h,
		     u64 first, u64 last, bool shared)
{
	h->first = first;
	h->last = last;
	h->shared = shared;
	if (ptlab_range_try(rl, h))
		return 0;
	return wait_event_killable(rl->wait, ptlab_range_try(rl, h)) ?
	       -EINTR : 0;
}

/**
 * ptlab_range_unlock() - end a hold
 * @rl: the lock
 * @h: the hold
 */
void ptlab_range_unlock(struct ptlab_range_lock *rl,
			struct ptlab_range_hold *h)
{
	spin_lock(&rl->lock);
	list_del(&h->node);
	spin_unlock(&rl->lock);
	if (wq_has_sleeper(&rl->wait))
		wake_up_all(&rl->wait);
}
