// SPDX-License-Identifier: GPL-2.0
/*
 * Kselftests of limits: RLIMIT_MEMLOCK for pinned memory and the
 * max_table_pages module parameter.
 *
 * Every answer is checked against what the kernel says independently and
 * against the test's model (ptlab_lib.h). Run as root through ptlab.sh,
 * which loads and unloads the module.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <linux/capability.h>
#include <linux/ptlab.h>

/* The 6.12 harness's SIGALRM handler leaves its ucontext argument unused. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop

#include "ptlab_lib.h"

FIXTURE(limits) {
	struct baseline base;
	struct space sp;
	long old_max;		/* max_table_pages to restore, or -1 */
	struct buf b;
};

FIXTURE_SETUP(limits)
{
	self->old_max = -1;
	take_baseline(_metadata, &self->base);
	space_open(_metadata, &self->sp, 0, 0);
}

/* In the parent, so that it runs however the test ended. */
FIXTURE_TEARDOWN_PARENT(limits)
{
	if (self->old_max < 0)
		return;
	EXPECT_EQ(0, write_param(MAX_TABLE_PAGES, self->old_max));
	EXPECT_EQ(self->old_max, read_param(MAX_TABLE_PAGES));
}

/*
 * Without CAP_IPC_LOCK, pins are bounded by RLIMIT_MEMLOCK: a map that
 * would pass it fails with -ENOMEM, pinning and mapping nothing; up to it
 * works; CAP_IPC_LOCK lifts it.
 */
TEST_F(limits, memlock)
{
	const long limit = self->base.pin_kb * 1024 + SZ_64K;
	struct ptlab_map_user req;
	struct rlimit rl;

	alloc_or_die(_metadata, &self->b, SZ_4M, false);
	ASSERT_EQ(0, getrlimit(RLIMIT_MEMLOCK, &rl));
	ASSERT_LE((rlim_t)limit, rl.rlim_max);
	rl.rlim_cur = limit;
	ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &rl));

	ASSERT_EQ(1, cap_effective(CAP_IPC_LOCK));
	map_ok(_metadata, &self->sp, SZ_1G, self->b.p, 2 * SZ_64K, PT_RW);
	check_all(_metadata, &self->base, &self->sp);
	unmap_check(_metadata, &self->base, &self->sp, SZ_1G, 2 * SZ_64K);

	ASSERT_EQ(0, drop_cap(CAP_IPC_LOCK));
	ASSERT_EQ(0, cap_effective(CAP_IPC_LOCK));
	req = map_req(self->sp.id, SZ_1G, self->b.p, SZ_64K + SZ_4K, PT_RW);
	map_fails(_metadata, &self->base, &self->sp, &req, -ENOMEM,
		  "one page past RLIMIT_MEMLOCK");
	map_ok(_metadata, &self->sp, SZ_1G, self->b.p, SZ_64K, PT_RW);
	check_all(_metadata, &self->base, &self->sp);
	req = map_req(self->sp.id, 2 * SZ_1G, self->b.p + SZ_64K, SZ_4K, PT_R);
	map_fails(_metadata, &self->base, &self->sp, &req, -ENOMEM,
		  "at RLIMIT_MEMLOCK");
	/* What an unmap unpins can be pinned again. */
	unmap_check(_metadata, &self->base, &self->sp, SZ_1G, SZ_4K);
	map_ok(_metadata, &self->sp, 2 * SZ_1G, self->b.p + SZ_64K, SZ_4K,
	       PT_R);
	check_all(_metadata, &self->base, &self->sp);
	unmap_check(_metadata, &self->base, &self->sp, SZ_1G + SZ_4K, SZ_1G);
	unmap_check(_metadata, &self->base, &self->sp, 2 * SZ_1G, SZ_4K);

	/*
	 * A map that passes the limit after pinning more than one batch may
	 * keep a prefix, which must be exactly what is mapped and pinned.
	 */
	rl.rlim_cur = self->base.pin_kb * 1024 + SZ_2M + SZ_64K;
	ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &rl));
	req = map_req(self->sp.id, 3 * SZ_1G, self->b.p, SZ_4M, PT_RW);
	ASSERT_EQ(-ENOMEM, pt_ioctl(self->sp.fd, PTLAB_IOCTL_MAP_USER, &req));
	TH_LOG("4M past a limit of 2M + 64K: 0x%llx mapped", req.out_mapped);
	ASSERT_EQ(0ULL, req.out_mapped % SZ_4K);
	ASSERT_LE(req.out_mapped, SZ_2M + SZ_64K);
	if (req.out_mapped)
		ASSERT_EQ(0, model_add(&self->sp.m, 3 * SZ_1G, self->b.p,
				       req.out_mapped, PT_RW, 0));
	check_all(_metadata, &self->base, &self->sp);
}

/*
 * The max_table_pages bound, per address space: a map that needs more
 * tables than it leaves fails with -ENOMEM, keeping only what it mapped
 * before it ran out; exactly at the bound works; other spaces have their
 * own.
 */
TEST_F(limits, max_table_pages)
{
	struct ptlab_map_user req;
	struct ptlab_info info;
	struct space other;
	__u64 tables;

	self->old_max = read_param(MAX_TABLE_PAGES);
	ASSERT_LT(0, self->old_max) TH_LOG("no %s", MAX_TABLE_PAGES);
	alloc_or_die(_metadata, &self->b, SZ_2M + 3 * SZ_4K, false);
	map_ok(_metadata, &self->sp, 0, self->b.p, SZ_4K, PT_R);
	ASSERT_EQ(0, pt_info(self->sp.fd, self->sp.id, &info));
	tables = info.out_table_pages;
	ASSERT_EQ(4ULL, tables);

	ASSERT_EQ(0, write_param(MAX_TABLE_PAGES, tables + 1));
	/* A new 1G region needs two tables. */
	req = map_req(self->sp.id, SZ_1G, self->b.p + SZ_4K, SZ_4K, PT_R);
	map_fails(_metadata, &self->base, &self->sp, &req, -ENOMEM,
		  "two tables past max_table_pages");
	/* One is fine: the bound itself is allowed. */
	map_ok(_metadata, &self->sp, SZ_2M, self->b.p + SZ_4K, SZ_4K, PT_R);
	check_all(_metadata, &self->base, &self->sp);
	unmap_check(_metadata, &self->base, &self->sp, SZ_2M, SZ_4K);

	/* A table's worth of pages fits, the next table does not. */
	req = map_req(self->sp.id, SZ_2M - SZ_4K, self->b.p + SZ_4K,
		      SZ_2M + SZ_8K, PT_RW);
	ASSERT_EQ(-ENOMEM, pt_ioctl(self->sp.fd, PTLAB_IOCTL_MAP_USER, &req));
	TH_LOG("0x%llx mapped before the bound", req.out_mapped);
	ASSERT_EQ(0ULL, req.out_mapped % SZ_4K);
	ASSERT_LE(req.out_mapped, SZ_2M + SZ_4K);
	if (req.out_mapped)
		ASSERT_EQ(0, model_add(&self->sp.m, SZ_2M - SZ_4K,
				       self->b.p + SZ_4K, req.out_mapped, PT_RW,
				       0));
	check_all(_metadata, &self->base, &self->sp);

	/* No room even for a root table: create fails, leaving nothing. */
	ASSERT_EQ(0, write_param(MAX_TABLE_PAGES, 0));
	ASSERT_EQ(-ENOMEM, pt_create(self->sp.fd, 0, 0, &other.id));
	ASSERT_EQ(1, debugfs_nr_dirs());
	check_all(_metadata, &self->base, &self->sp);
	ASSERT_EQ(0, write_param(MAX_TABLE_PAGES, tables + 1));

	/* Another space has a bound of its own. */
	space_create(_metadata, &other, self->sp.fd, 0, 0);
	map_ok(_metadata, &other, 0, self->b.p, SZ_4K, PT_R);
	check_space(_metadata, &other);
	ASSERT_EQ(0, pt_destroy(self->sp.fd, other.id));
	free(other.m.leaves);

	/* Raised by two, the map that needed two tables works. */
	ASSERT_EQ(0, pt_info(self->sp.fd, self->sp.id, &info));
	ASSERT_EQ(0, write_param(MAX_TABLE_PAGES, info.out_table_pages + 2));
	map_ok(_metadata, &self->sp, SZ_1G, self->b.p + SZ_4K, SZ_4K, PT_R);
	check_all(_metadata, &self->base, &self->sp);

	ASSERT_EQ(0, write_param(MAX_TABLE_PAGES, self->old_max));
	while (self->sp.m.nr)
		unmap_check(_metadata, &self->base, &self->sp,
			    self->sp.m.leaves[0].iova, SZ_1G);
	ASSERT_EQ(1ULL, model_table_pages(&self->sp.m));
}

TEST_HARNESS_MAIN
