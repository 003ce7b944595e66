/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The environment the page-table engine needs: integer types, atomic entry
 * access, physical/virtual conversion of table memory and a scheduling
 * point. The engine compiles against the kernel or against plain C on the
 * host (unit tests, fuzzing, profiling); this header is the only place that
 * knows which.
 */
#ifndef PTLAB_PT_ENV_H
#define PTLAB_PT_ENV_H

#ifdef __KERNEL__

#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/io.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/string.h>
#include <linux/types.h>

static inline u64 pt_virt_to_phys(const void *table)
{
	return virt_to_phys((void *)table);
}

static inline void *pt_phys_to_virt(u64 pa)
{
	return phys_to_virt(pa);
}

static inline u32 pt_cmpxchg_u32(u32 *ptr, u32 old, u32 new)
{
	return cmpxchg(ptr, old, new);
}

static inline u64 pt_cmpxchg_u64(u64 *ptr, u64 old, u64 new)
{
	return cmpxchg64(ptr, old, new);
}

#define pt_cond_resched() cond_resched()
#define pt_fatal_signal_pending() fatal_signal_pending(current)

#else /* host build */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/cdefs.h>	/* __always_inline */
#include <linux/types.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;

#define BIT(n)		(1UL << (n))
#define BIT_ULL(n)	(1ULL << (n))
#define GENMASK_ULL(h, l) \
	((~0ULL << (l)) & (~0ULL >> (63 - (h))))
#define READ_ONCE(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define dma_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define likely(x)	__builtin_expect(!!(x), 1)
#define min(a, b) ({ __typeof__(a) a_ = (a); __typeof__(b) b_ = (b); \
		     a_ < b_ ? a_ : b_; })
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

static inline int fls64(u64 x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

static inline u32 pt_cmpxchg_u32(u32 *ptr, u32 old, u32 new)
{
	__atomic_compare_exchange_n(ptr, &old, new, false, __ATOMIC_SEQ_CST,
				    __ATOMIC_SEQ_CST);
	return old;
}

static inline u64 pt_cmpxchg_u64(u64 *ptr, u64 old, u64 new)
{
	__atomic_compare_exchange_n(ptr, &old, new, false, __ATOMIC_SEQ_CST,
				    __ATOMIC_SEQ_CST);
	return old;
}

/* Host "physical" addresses are the table's own user address. */
static inline u64 pt_virt_to_phys(const void *table)
{
	return (u64)(uintptr_t)table;
}

static inline void *pt_phys_to_virt(u64 pa)
{
	return (void *)(uintptr_t)pa;
}

#define pt_cond_resched() do { } while (0)
#define pt_fatal_signal_pending() false

#endif /* __KERNEL__ */

#endif /* PTLAB_PT_ENV_H */
