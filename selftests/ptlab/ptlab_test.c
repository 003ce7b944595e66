// SPDX-License-Identifier: GPL-2.0
/*
 * Kselftests for /dev/ptlab.
 *
 * Every answer the module gives is checked against something the kernel
 * reports independently of it: physical addresses against
 * /proc/self/pagemap, pinned memory against VmPin in /proc/self/status, table
 * memory against SecPageTables in /proc/meminfo, table addresses against
 * /proc/iomem, the module's use count against /proc/modules. Each test also
 * keeps its own model of what an address space must hold (struct model),
 * built from pagemap and the mapping rules, and after every call, successful
 * or not, compares the whole address space with it: the walk of every leaf,
 * the info counters, the debugfs dump and table count. So a call that fails
 * is also seen to have changed nothing.
 *
 * Run as root through ptlab.sh, which loads and unloads the module.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/ptlab.h>

/* The 6.12 harness's SIGALRM handler leaves its ucontext argument unused. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop

#include "ptlab_lib.h"

/* --- the default fixture: one open file with one default address space --- */

FIXTURE(ptlab) {
	struct baseline base;
	struct space sp;
};

FIXTURE_SETUP(ptlab)
{
	take_baseline(_metadata, &self->base);
	space_open(_metadata, &self->sp, 0, 0);
}

FIXTURE_TEARDOWN(ptlab)
{
	space_close(&self->sp);
}

/* Nothing open: for tests of opening and closing itself. */
FIXTURE(closed) {
	struct baseline base;
};

FIXTURE_SETUP(closed)
{
	take_baseline(_metadata, &self->base);
}

FIXTURE_TEARDOWN(closed)
{
}

/* Each open is a context and holds a module reference until it is closed. */
TEST_F(closed, open_close)
{
	const struct baseline b = self->base;
	int fd1, fd2, i;

	fd1 = ptlab_open(_metadata);
	ASSERT_EQ(b.modref + 1, module_refcount());
	fd2 = ptlab_open(_metadata);
	ASSERT_EQ(b.modref + 2, module_refcount());
	ASSERT_EQ(0, close(fd2));
	ASSERT_EQ(b.modref + 1, module_refcount());
	ASSERT_EQ(0, close(fd1));
	ASSERT_EQ(b.modref, module_refcount());
	for (i = 0; i < 100; i++)
		ASSERT_EQ(0, close(ptlab_open(_metadata)));
	ASSERT_EQ(b.modref, module_refcount());
	check_counters(_metadata, &b, 0, 0);
	ASSERT_EQ(0, debugfs_nr_dirs());
}

/* The defaults and what a driver would program, from the Arm rules. */
TEST_F(ptlab, info_defaults)
{
	struct ptlab_info info;

	ASSERT_EQ(0, pt_info(self->sp.fd, self->sp.id, &info));
	/* space_create() checked the geometry; here the registers. */
	ASSERT_EQ(16ULL, info.out_tcr & 0x3f);
	ASSERT_EQ(4U, info.out_levels);
	ASSERT_EQ(MAIR_NC, (info.out_mair >> (8 * ATTR_NC)) & 0xff);
	ASSERT_EQ(MAIR_WB, (info.out_mair >> (8 * ATTR_WB)) & 0xff);
	ASSERT_EQ(MAIR_DEV, (info.out_mair >> (8 * ATTR_DEV)) & 0xff);
	/* Stage 1 expresses every prot bit. */
	ASSERT_EQ(PTLAB_PROT_ALL, info.out_prot_mask);
	ASSERT_EQ(1, debugfs_table_pages(self->sp.id));
	ASSERT_EQ(1, debugfs_nr_dirs());
	/* The root is a table page, accounted from creation. */
	check_counters(_metadata, &self->base, 0, 1);
	check_space(_metadata, &self->sp);
}

/* Every input size gives ceil((ias - 12) / 9) levels and T0SZ = 64 - ias. */
TEST_F(ptlab, create_ias_range)
{
	struct space s;
	__u32 ias;

	for (ias = 32; ias <= 48; ias++) {
		space_create(_metadata, &s, self->sp.fd, ias, 0);
		check_counters(_metadata, &self->base, 0, 2);
		ASSERT_EQ(0, pt_destroy(self->sp.fd, s.id));
		ASSERT_FALSE(debugfs_has_dir(s.id));
	}
	check_counters(_metadata, &self->base, 0, 1);
}

/*
 * Subsets of the page sizes that include 4K are taken as given, the sizes
 * of the contiguous hint (16 entries: 64K, 32M, 16G) included.
 */
TEST_F(ptlab, create_pgsize_subsets)
{
	static const __u64 sets[] = {
		SZ_4K, SZ_4K | SZ_2M, SZ_4K | SZ_1G, ARM_PGSIZES,
		SZ_4K | SZ_64K, SZ_4K | SZ_64K | SZ_32M,
		ARM_PGSIZES | SZ_64K | SZ_32M | SZ_16G,
	};
	struct space s;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sets); i++) {
		space_create(_metadata, &s, self->sp.fd, 0, sets[i]);
		ASSERT_EQ(0, pt_destroy(self->sp.fd, s.id));
	}
	check_counters(_metadata, &self->base, 0, 1);
}

struct bad_create {
	const char *what;
	struct ptlab_create c;
	int err;
};

#define LPAE	PTLAB_FMT_ARM64_LPAE_S1

static const struct bad_create bad_creates[] = {
	{ "format 0", { .format = 0 }, -EOPNOTSUPP },
	/* Listed formats may be unimplemented: take numbers never listed. */
	{ "format 0xffff", { .format = 0xffff }, -EOPNOTSUPP },
	{ "format ~0", { .format = ~0U }, -EOPNOTSUPP },
	/* Flag 1 is PTLAB_CREATE_ADOPT, 2 PTLAB_CREATE_DIRTY. */
	{ "flags 1<<20", { .format = LPAE, .flags = 1U << 20 }, -EOPNOTSUPP },
	{ "flags 1<<31", { .format = LPAE, .flags = 1U << 31 }, -EOPNOTSUPP },
	{ "reserved", { .format = LPAE, .__reserved = 1 }, -EINVAL },
	{ "granule 8K", { .format = LPAE, .granule_shift = 13 }, -EOPNOTSUPP },
	/* LPAE has 4K, 16K and 64K granules (ptlab_formats_test.c). */
	{ "granule 32K", { .format = LPAE, .granule_shift = 15 }, -EOPNOTSUPP },
	{ "granule 128K", { .format = LPAE, .granule_shift = 17 }, -EOPNOTSUPP },
	{ "granule 2K", { .format = LPAE, .granule_shift = 11 }, -EOPNOTSUPP },
	{ "granule ~0", { .format = LPAE, .granule_shift = ~0U }, -EOPNOTSUPP },
	{ "ias 31", { .format = LPAE, .ias = 31 }, -EINVAL },
	{ "ias 49", { .format = LPAE, .ias = 49 }, -EINVAL },
	{ "ias 64", { .format = LPAE, .ias = 64 }, -EINVAL },
	{ "ias 1", { .format = LPAE, .ias = 1 }, -EINVAL },
	{ "ias ~0", { .format = LPAE, .ias = ~0U }, -EINVAL },
	{ "oas 31", { .format = LPAE, .oas = 31 }, -EINVAL },
	{ "oas 33", { .format = LPAE, .oas = 33 }, -EINVAL },
	{ "oas 49", { .format = LPAE, .oas = 49 }, -EINVAL },
	{ "oas 64", { .format = LPAE, .oas = 64 }, -EINVAL },
	{ "oas ~0", { .format = LPAE, .oas = ~0U }, -EINVAL },
	{ "pgsizes 2M", { .format = LPAE, .pgsize_bitmap = SZ_2M }, -EINVAL },
	{ "pgsizes 2M|1G", { .format = LPAE, .pgsize_bitmap = SZ_2M | SZ_1G },
	  -EINVAL },
	{ "pgsizes 4K|8K", { .format = LPAE, .pgsize_bitmap = SZ_4K | SZ_8K },
	  -EINVAL },
	{ "pgsizes 4K|128K", { .format = LPAE,
	  .pgsize_bitmap = SZ_4K | 2 * SZ_64K }, -EINVAL },
	{ "pgsizes 4K|64G", { .format = LPAE,
	  .pgsize_bitmap = SZ_4K | 4 * SZ_16G }, -EINVAL },
	{ "pgsizes 4K|512G", { .format = LPAE,
	  .pgsize_bitmap = SZ_4K | SZ_512G }, -EINVAL },
	{ "pgsizes 4K|1<<63", { .format = LPAE,
	  .pgsize_bitmap = SZ_4K | 1ULL << 63 }, -EINVAL },
	{ "pgsizes ~0", { .format = LPAE, .pgsize_bitmap = ~0ULL }, -EINVAL },
	/* The 4-entry root of a 32-bit space holds no run of 16 1G blocks. */
	{ "ias 32 pgsizes 4K|16G", { .format = LPAE, .ias = 32,
	  .pgsize_bitmap = SZ_4K | SZ_16G }, -EINVAL },
	{ "ias 32 pgsizes 4K|512G", { .format = LPAE, .ias = 32,
	  .pgsize_bitmap = SZ_4K | SZ_512G }, -EINVAL },
};

/* Each bad parameter gets its errno and creates nothing. */
TEST_F(ptlab, create_bad_inputs)
{
	struct ptlab_create c;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad_creates); i++) {
		c = bad_creates[i].c;
		c.size = sizeof(c);
		ASSERT_EQ(bad_creates[i].err,
			  pt_ioctl(self->sp.fd, PTLAB_IOCTL_CREATE, &c))
			TH_LOG("%s", bad_creates[i].what);
		ASSERT_EQ(1, debugfs_nr_dirs())
			TH_LOG("%s", bad_creates[i].what);
	}
	check_counters(_metadata, &self->base, 0, 1);
	check_space(_metadata, &self->sp);
}

/* Ids belong to their file: another open file cannot reach them. */
TEST_F(ptlab, ids_are_per_file)
{
	struct ptlab_info info;
	struct space other;
	__u64 mapped;
	struct buf b;

	alloc_or_die(_metadata, &b, SZ_4K, false);
	space_open(_metadata, &other, 0, 0);
	ASSERT_NE(self->sp.root_pa, other.root_pa);
	/* Ids may be numbered per file: only distinct ones show the lookup. */
	if (other.id != self->sp.id) {
		ASSERT_EQ(-ENOENT, pt_info(other.fd, self->sp.id, &info));
		ASSERT_EQ(-ENOENT, pt_info(self->sp.fd, other.id, &info));
		ASSERT_EQ(-ENOENT, pt_destroy(other.fd, self->sp.id));
	}
	map_ok(_metadata, &self->sp, 0, b.p, SZ_4K, PT_R);
	/* The other file's space of the same IOVA stays empty. */
	ASSERT_EQ(-ENOENT, pt_unmap(other.fd, other.id, 0, SZ_4K, &mapped));
	check_space(_metadata, &other);
	check_space(_metadata, &self->sp);
	check_counters(_metadata, &self->base, SZ_4K,
		       model_table_pages(&self->sp.m) + 1);
	space_close(&other);
	check_all(_metadata, &self->base, &self->sp);
}

/* Commands the module does not have. */
TEST_F(ptlab, unknown_ioctl)
{
	static const unsigned long cmds[] = {
		_IOWR(PTLAB_TYPE, PTLAB_CMD_BASE - 1, struct ptlab_info),
		/* Past the last command the uapi defines. */
		_IOWR(PTLAB_TYPE, PTLAB_CMD_READ_DIRTY + 1, struct ptlab_info),
		_IOWR(PTLAB_TYPE, 0xff, struct ptlab_info),
		_IOWR(PTLAB_TYPE, 0, struct ptlab_info),
		_IOWR('x', PTLAB_CMD_INFO, struct ptlab_info),
		_IO(PTLAB_TYPE + 1, PTLAB_CMD_CREATE),
	};
	struct ptlab_info info;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		memset(&info, 0, sizeof(info));
		info.size = sizeof(info);
		info.id = self->sp.id;
		ASSERT_EQ(-ENOTTY, pt_ioctl(self->sp.fd, cmds[i], &info))
			TH_LOG("cmd 0x%lx", cmds[i]);
	}
	check_all(_metadata, &self->base, &self->sp);
}

static const unsigned long all_cmds[] = {
	PTLAB_IOCTL_CREATE, PTLAB_IOCTL_DESTROY, PTLAB_IOCTL_INFO,
	PTLAB_IOCTL_MAP_USER, PTLAB_IOCTL_UNMAP, PTLAB_IOCTL_WALK,
	PTLAB_IOCTL_MAP_PHYS, PTLAB_IOCTL_SNAPSHOT,
};

/*
 * Pointers the kernel cannot read: NULL, a low address, an unmapped page,
 * and a struct whose declared size runs into an inaccessible page.
 */
TEST_F(ptlab, bad_struct_pointer)
{
	size_t i, sz;
	char *pages;
	__u32 *tail;

	pages = mmap(NULL, 2 * SZ_4K, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, pages);
	memset(pages, 0, 2 * SZ_4K);
	ASSERT_EQ(0, mprotect(pages + SZ_4K, SZ_4K, PROT_NONE));
	for (i = 0; i < ARRAY_SIZE(all_cmds); i++) {
		sz = cmd_struct_size(all_cmds[i]);
		ASSERT_EQ(-EFAULT, pt_ioctl(self->sp.fd, all_cmds[i], NULL));
		ASSERT_EQ(-EFAULT,
			  pt_ioctl(self->sp.fd, all_cmds[i], (void *)8));
		ASSERT_EQ(-EFAULT,
			  pt_ioctl(self->sp.fd, all_cmds[i], pages + SZ_4K));
		/* A struct whose declared extra 8 bytes are unreadable. */
		tail = (__u32 *)(pages + SZ_4K - sz);
		memset(tail, 0, sz);
		tail[0] = sz + 8;
		ASSERT_EQ(-EFAULT, pt_ioctl(self->sp.fd, all_cmds[i], tail))
			TH_LOG("cmd 0x%lx", all_cmds[i]);
	}
	/* INFO must write its answer: a read-only struct cannot take it. */
	tail = (__u32 *)pages;
	tail[0] = sizeof(struct ptlab_info);
	tail[1] = self->sp.id;
	ASSERT_EQ(0, mprotect(pages, SZ_4K, PROT_READ));
	ASSERT_EQ(-EFAULT, pt_ioctl(self->sp.fd, PTLAB_IOCTL_INFO, pages));
	ASSERT_EQ(1, debugfs_nr_dirs());
	check_all(_metadata, &self->base, &self->sp);
	munmap(pages, 2 * SZ_4K);
}

TEST_F(ptlab, size_rules_create)
{
	struct ptlab_create c = {
		.size = sizeof(c), .format = PTLAB_FMT_ARM64_LPAE_S1,
	};

	check_size_rules(_metadata, self->sp.fd, PTLAB_IOCTL_CREATE, &c);
	ASSERT_NE(self->sp.id, c.out_id);
	ASSERT_TRUE(debugfs_has_dir(c.out_id));
	/* Only the call that succeeded created a space. */
	ASSERT_EQ(2, debugfs_nr_dirs());
	check_counters(_metadata, &self->base, 0, 2);
	ASSERT_EQ(0, pt_destroy(self->sp.fd, c.out_id));
	/* The first version, without adoption, is a full create. */
	memset(&c, 0, sizeof(c));
	c.size = cmd_first_size(PTLAB_IOCTL_CREATE);
	c.format = PTLAB_FMT_ARM64_LPAE_S1;
	ASSERT_EQ(0, pt_ioctl(self->sp.fd, PTLAB_IOCTL_CREATE, &c));
	ASSERT_TRUE(debugfs_has_dir(c.out_id));
	check_counters(_metadata, &self->base, 0, 2);
	ASSERT_EQ(0, pt_destroy(self->sp.fd, c.out_id));
	check_all(_metadata, &self->base, &self->sp);
}

TEST_F(ptlab, size_rules_destroy)
{
	struct ptlab_destroy d = { .size = sizeof(d) };
	struct ptlab_info info;

	ASSERT_EQ(0, pt_create(self->sp.fd, 0, 0, &d.id));
	check_size_rules(_metadata, self->sp.fd, PTLAB_IOCTL_DESTROY, &d);
	ASSERT_EQ(-ENOENT, pt_info(self->sp.fd, d.id, &info));
	ASSERT_FALSE(debugfs_has_dir(d.id));
	check_all(_metadata, &self->base, &self->sp);
}

TEST_F(ptlab, size_rules_info)
{
	struct ptlab_info info = { .size = sizeof(info), .id = self->sp.id };

	check_size_rules(_metadata, self->sp.fd, PTLAB_IOCTL_INFO, &info);
	ASSERT_EQ(ARM_IAS, info.out_ias);
	ASSERT_EQ(self->sp.root_pa, info.out_root_pa);
	ASSERT_EQ(1ULL, info.out_table_pages);
	check_all(_metadata, &self->base, &self->sp);
}

TEST_F(ptlab, size_rules_map_user)
{
	struct ptlab_map_user req;
	struct buf b;

	alloc_or_die(_metadata, &b, SZ_64K, false);
	req = map_req(self->sp.id, SZ_1G, b.p, SZ_64K, PT_RW);
	check_size_rules(_metadata, self->sp.fd, PTLAB_IOCTL_MAP_USER, &req);
	ASSERT_EQ(SZ_64K, req.out_mapped);
	ASSERT_EQ(0, model_add(&self->sp.m, SZ_1G, b.p, SZ_64K, PT_RW, 0));
	check_all(_metadata, &self->base, &self->sp);
}

TEST_F(ptlab, size_rules_unmap)
{
	struct ptlab_unmap u = {
		.size = sizeof(u), .id = self->sp.id, .iova = SZ_1G,
		.length = SZ_64K,
	};
	struct buf b;

	alloc_or_die(_metadata, &b, SZ_64K, false);
	map_ok(_metadata, &self->sp, SZ_1G, b.p, SZ_64K, PT_RW);
	check_size_rules(_metadata, self->sp.fd, PTLAB_IOCTL_UNMAP, &u);
	ASSERT_EQ(SZ_64K, u.out_unmapped);
	model_remove(&self->sp.m, SZ_1G, SZ_64K);
	check_all(_metadata, &self->base, &self->sp);
}

TEST_F(ptlab, size_rules_walk)
{
	struct ptlab_walk w = {
		.size = sizeof(w), .id = self->sp.id, .iova = SZ_1G + 0x123,
	}, old;
	unsigned int i;
	__u64 pa;
	struct buf b;

	alloc_or_die(_metadata, &b, SZ_4K, false);
	map_ok(_metadata, &self->sp, SZ_1G, b.p, SZ_4K, PT_R);
	check_size_rules(_metadata, self->sp.fd, PTLAB_IOCTL_WALK, &w);
	ASSERT_EQ(0, pagemap_pas(b.p, 1, &pa));
	ASSERT_EQ(pa + 0x123, w.out_pa);
	ASSERT_EQ(SZ_4K, w.out_pgsize);
	ASSERT_EQ(4U, w.out_nr_entries);
	for (i = 0; i < 4; i++)
		ASSERT_EQ(3 - i, w.out_entry_levels[i]);
	/* The first version's struct: the same walk, nothing written past. */
	memset(&old, 0xa5, sizeof(old));
	old.size = offsetof(struct ptlab_walk, out_entry_levels);
	old.id = self->sp.id;
	old.iova = w.iova;
	old.__reserved = 0;
	ASSERT_EQ(0, pt_ioctl(self->sp.fd, PTLAB_IOCTL_WALK, &old));
	ASSERT_EQ(w.out_pa, old.out_pa);
	ASSERT_EQ(0, memcmp(w.out_entries, old.out_entries,
			    sizeof(w.out_entries)));
	for (i = 0; i < PTLAB_MAX_LEVELS; i++)
		ASSERT_EQ(0xa5, old.out_entry_levels[i]);
	check_all(_metadata, &self->base, &self->sp);
}

/* Reserved fields must be zero in every struct that has them. */
TEST_F(ptlab, reserved_fields)
{
	struct ptlab_info info;
	struct ptlab_walk w;
	struct ptlab_unmap u = {
		.size = sizeof(u), .id = self->sp.id, .iova = 0,
		.length = SZ_4K, .__reserved = 1,
	};
	struct buf b;

	alloc_or_die(_metadata, &b, SZ_4K, false);
	map_ok(_metadata, &self->sp, 0, b.p, SZ_4K, PT_R);
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.id = self->sp.id;
	info.__reserved = 1;
	ASSERT_EQ(-EINVAL, pt_ioctl(self->sp.fd, PTLAB_IOCTL_INFO, &info));
	info.__reserved = 0;
	info.__reserved2 = 1;
	ASSERT_EQ(-EINVAL, pt_ioctl(self->sp.fd, PTLAB_IOCTL_INFO, &info));
	memset(&w, 0, sizeof(w));
	w.size = sizeof(w);
	w.id = self->sp.id;
	w.__reserved = 1;
	ASSERT_EQ(-EINVAL, pt_ioctl(self->sp.fd, PTLAB_IOCTL_WALK, &w));
	/* The unmap must not have happened. */
	ASSERT_EQ(-EINVAL, pt_ioctl(self->sp.fd, PTLAB_IOCTL_UNMAP, &u));
	u.__reserved = 0;
	u.flags = 1;
	ASSERT_EQ(-EOPNOTSUPP, pt_ioctl(self->sp.fd, PTLAB_IOCTL_UNMAP, &u));
	check_all(_metadata, &self->base, &self->sp);
}

/* Ids that do not exist, or no longer do. */
TEST_F(ptlab, unknown_id)
{
	struct ptlab_map_user req;
	struct ptlab_info info;
	struct ptlab_walk w;
	__u32 ids[3], gone;
	__u64 out;
	struct buf b;
	size_t i;

	alloc_or_die(_metadata, &b, SZ_4K, false);
	ASSERT_EQ(0, pt_create(self->sp.fd, 0, 0, &gone));
	ASSERT_EQ(0, pt_destroy(self->sp.fd, gone));
	ids[0] = gone;
	ids[1] = self->sp.id + 1000;
	ids[2] = ~0U;
	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		ASSERT_EQ(-ENOENT, pt_info(self->sp.fd, ids[i], &info));
		ASSERT_EQ(-ENOENT, pt_destroy(self->sp.fd, ids[i]));
		ASSERT_EQ(-ENOENT, pt_walk(self->sp.fd, ids[i], 0, &w));
		ASSERT_EQ(-ENOENT,
			  pt_unmap(self->sp.fd, ids[i], 0, SZ_4K, &out));
		req = map_req(ids[i], 0, b.p, SZ_4K, PT_R);
		ASSERT_EQ(-ENOENT, pt_ioctl(self->sp.fd, PTLAB_IOCTL_MAP_USER,
					    &req));
	}
	check_all(_metadata, &self->base, &self->sp);
}

/* --- map: bad inputs --- */

struct bad_map {
	const char *what;
	__u64 iova;
	__u64 uptr_off;		/* added to the buffer address */
	__u64 length;
	__u32 prot;
	__u64 pgsize;
	__u32 flags;
	int err;
};

#define FREE_IOVA	(SZ_1G + SZ_2M)	/* 2M aligned; nothing mapped there */

static const struct bad_map bad_maps[] = {
	{ "iova not 4K aligned", FREE_IOVA + 0x800, 0, SZ_4K, PT_R, 0, 0,
	  -EINVAL },
	{ "iova odd", FREE_IOVA + 1, 0, SZ_4K, PT_R, 0, 0, -EINVAL },
	{ "length not 4K aligned", FREE_IOVA, 0, 0x1800, PT_R, 0, 0, -EINVAL },
	{ "length 1", FREE_IOVA, 0, 1, PT_R, 0, 0, -EINVAL },
	{ "length 0", FREE_IOVA, 0, 0, PT_R, 0, 0, -EINVAL },
	{ "uptr not page aligned", FREE_IOVA, 0x10, SZ_4K, PT_R, 0, 0,
	  -EINVAL },
	{ "iova at 2^48", TOP(48), 0, SZ_4K, PT_R, 0, 0, -EINVAL },
	{ "end past 2^48", TOP(48) - SZ_4K, 0, SZ_8K, PT_R, 0, 0, -EINVAL },
	{ "iova at 2^63", 1ULL << 63, 0, SZ_4K, PT_R, 0, 0, -EINVAL },
	{ "iova + length wraps", ~0ULL - 0xfff, 0, SZ_8K, PT_R, 0, 0, -EINVAL },
	{ "length wraps", SZ_4K, 0, ~0ULL - 0xfff, PT_R, 0, 0, -EINVAL },
	{ "prot 0", FREE_IOVA, 0, SZ_4K, 0, 0, 0, -EINVAL },
	{ "prot write only", FREE_IOVA, 0, SZ_4K, PTLAB_PROT_WRITE, 0, 0,
	  -EINVAL },
	{ "prot exec only", FREE_IOVA, 0, SZ_4K, PTLAB_PROT_EXEC, 0, 0,
	  -EINVAL },
	{ "prot bit 6", FREE_IOVA, 0, SZ_4K, PT_R | 1U << 6, 0, 0,
	  -EOPNOTSUPP },
	{ "prot bit 31", FREE_IOVA, 0, SZ_4K, PT_R | 1U << 31, 0, 0,
	  -EOPNOTSUPP },
	{ "prot cache and mmio", FREE_IOVA, 0, SZ_4K,
	  PT_R | PTLAB_PROT_CACHE | PTLAB_PROT_MMIO, 0, 0, -EINVAL },
	{ "flags 1", FREE_IOVA, 0, SZ_4K, PT_R, 0, 1, -EOPNOTSUPP },
	{ "flags 1<<31", FREE_IOVA, 0, SZ_4K, PT_R, 0, 1U << 31, -EOPNOTSUPP },
	{ "pgsize 8K", FREE_IOVA, 0, SZ_8K, PT_R, SZ_8K, 0, -EINVAL },
	{ "pgsize 3", FREE_IOVA, 0, SZ_4K, PT_R, 3, 0, -EINVAL },
	{ "pgsize 4K|2M", FREE_IOVA, 0, SZ_2M, PT_R, SZ_4K | SZ_2M, 0,
	  -EINVAL },
	{ "pgsize 512G", FREE_IOVA, 0, SZ_4K, PT_R, SZ_512G, 0, -EINVAL },
	{ "pgsize 2M, length 4K", FREE_IOVA, 0, SZ_4K, PT_R, SZ_2M, 0,
	  -EINVAL },
	{ "pgsize 2M, iova 4K aligned", FREE_IOVA + SZ_4K, 0, SZ_2M, PT_R,
	  SZ_2M, 0, -EINVAL },
	{ "pgsize 2M, length 2M+4K", FREE_IOVA, 0, SZ_2M + SZ_4K, PT_R, SZ_2M,
	  0, -EINVAL },
	{ "pgsize 1G, length 2M", FREE_IOVA, 0, SZ_2M, PT_R, SZ_1G, 0,
	  -EINVAL },
};

/*
 * Each bad input gets its errno, reports nothing mapped and leaves the
 * existing mappings, tables and pins exactly as they were.
 */
TEST_F(ptlab, map_bad_inputs)
{
	struct ptlab_map_user req;
	const struct bad_map *bm;
	struct buf keep, b;
	size_t i;

	alloc_or_die(_metadata, &keep, SZ_64K, false);
	alloc_or_die(_metadata, &b, SZ_2M + 2 * SZ_4K, false);
	map_ok(_metadata, &self->sp, SZ_1G, keep.p, SZ_64K, PT_RW);
	check_all(_metadata, &self->base, &self->sp);
	for (i = 0; i < ARRAY_SIZE(bad_maps); i++) {
		bm = &bad_maps[i];
		req = map_req(self->sp.id, bm->iova, b.p + bm->uptr_off,
			      bm->length, bm->prot);
		req.pgsize = bm->pgsize;
		req.flags = bm->flags;
		map_fails(_metadata, &self->base, &self->sp, &req, bm->err,
			  bm->what);
	}
}

/*
 * An IOVA beyond 2^ias translates to nothing, whatever its low bits: a
 * module that dropped the high bits would find the page at the same offset
 * below 2^ias. The uapi names only -ENOENT for walks; -EINVAL for a range
 * error is as good.
 */
static void walk_outside(struct __test_metadata *_metadata,
			 const struct space *s, __u64 iova)
{
	struct ptlab_walk w;
	int ret = pt_walk(s->fd, s->id, iova, &w);

	ASSERT_TRUE(ret == -EINVAL || ret == -ENOENT)
		TH_LOG("walk 0x%llx: %d, pa 0x%llx", iova, ret, w.out_pa);
}

/* The end of the input address space, for 3- and 4-level tables. */
TEST_F(ptlab, map_beyond_ias)
{
	static const __u32 iases[] = { 32, 36, 39, 40, 48 };
	struct ptlab_map_user req;
	struct space s;
	struct buf b;
	size_t i;

	alloc_or_die(_metadata, &b, SZ_8K, false);
	/* One space at a time, so the counters are its own. */
	ASSERT_EQ(0, pt_destroy(self->sp.fd, self->sp.id));
	for (i = 0; i < ARRAY_SIZE(iases); i++) {
		space_create(_metadata, &s, self->sp.fd, iases[i], 0);
		req = map_req(s.id, TOP(iases[i]), b.p, SZ_4K, PT_R);
		map_fails(_metadata, &self->base, &s, &req, -EINVAL,
			  "at 2^ias");
		req = map_req(s.id, TOP(iases[i]) - SZ_4K, b.p, SZ_8K, PT_R);
		map_fails(_metadata, &self->base, &s, &req, -EINVAL,
			  "across 2^ias");
		map_ok(_metadata, &s, TOP(iases[i]) - SZ_4K, b.p, SZ_4K, PT_R);
		check_all(_metadata, &self->base, &s);
		walk_outside(_metadata, &s, 2 * TOP(iases[i]) - SZ_4K);
		walk_outside(_metadata, &s, ~0ULL - 0xfff);
		ASSERT_EQ(0, pt_destroy(self->sp.fd, s.id));
		free(s.m.leaves);
		check_counters(_metadata, &self->base, 0, 0);
	}
}

/*
 * Every valid protection: READ with any of WRITE, EXEC, PRIV and at most one
 * of CACHE and MMIO, each checked in the raw descriptor, the MAIR slot it
 * selects, the decoded prot, and the dump's prot string.
 */
TEST_F(ptlab, map_prot_encoding)
{
	static const __u32 types[] = {
		0, PTLAB_PROT_CACHE, PTLAB_PROT_MMIO,
	};
	__u32 perm, prot;
	size_t t, n = 0;
	struct buf b;

	alloc_or_die(_metadata, &b, 24 * SZ_4K, false);
	for (t = 0; t < ARRAY_SIZE(types); t++) {
		for (perm = 0; perm < 8; perm++) {
			prot = PT_R | perm << 1 | types[t];
			/* Gaps between them keep each mapping its own run. */
			map_ok(_metadata, &self->sp, SZ_2M + n * SZ_8K,
			       b.p + n * SZ_4K, SZ_4K, prot);
			n++;
		}
	}
	check_all(_metadata, &self->base, &self->sp);
	/* Each unmap stops at the hole after its page. */
	while (n--)
		unmap_check(_metadata, &self->base, &self->sp,
			    SZ_2M + n * SZ_8K, SZ_8K);
	ASSERT_EQ(0UL, self->sp.m.nr);
}

/* --- map: progress on -EFAULT --- */

/*
 * A map over 16 pages whose 9th cannot be pinned fails with -EFAULT. What it
 * reports mapped must be a page-aligned prefix before the bad page, exactly
 * what the walk, info, dump, VmPin and SecPageTables show; then it all goes.
 */
static void check_map_efault(struct __test_metadata *_metadata,
			     const struct baseline *b, struct space *s,
			     const char *p, __u64 iova)
{
	struct ptlab_map_user req = map_req(s->id, iova, p, 16 * SZ_4K, PT_RW);
	__u64 got;

	ASSERT_EQ(-EFAULT, pt_ioctl(s->fd, PTLAB_IOCTL_MAP_USER, &req));
	TH_LOG("mapped 0x%llx before the fault", req.out_mapped);
	ASSERT_EQ(0ULL, req.out_mapped % SZ_4K);
	ASSERT_LE(req.out_mapped, 8 * SZ_4K);
	if (req.out_mapped)
		ASSERT_EQ(0, model_add(&s->m, iova, p, req.out_mapped, PT_RW,
				       0));
	check_all(_metadata, b, s);
	if (req.out_mapped) {
		ASSERT_EQ(0, pt_unmap(s->fd, s->id, iova, 16 * SZ_4K, &got));
		ASSERT_EQ(req.out_mapped, got);
		model_remove(&s->m, iova, got);
	}
	check_all(_metadata, b, s);
}

TEST_F(ptlab, map_efault_hole)
{
	struct buf b;

	alloc_or_die(_metadata, &b, 16 * SZ_4K, false);
	ASSERT_EQ(0, munmap(b.p + 8 * SZ_4K, SZ_4K));
	check_map_efault(_metadata, &self->base, &self->sp, b.p, SZ_1G);
}

TEST_F(ptlab, map_efault_prot_none)
{
	struct buf b;

	alloc_or_die(_metadata, &b, 16 * SZ_4K, false);
	ASSERT_EQ(0, mprotect(b.p + 8 * SZ_4K, SZ_4K, PROT_NONE));
	check_map_efault(_metadata, &self->base, &self->sp, b.p, SZ_1G);
}

/* Nothing at the user address at all: nothing can be mapped. */
TEST_F(ptlab, map_efault_unmapped)
{
	struct ptlab_map_user req;
	struct buf b;

	alloc_or_die(_metadata, &b, 16 * SZ_4K, false);
	ASSERT_EQ(0, munmap(b.p, 16 * SZ_4K));
	req = map_req(self->sp.id, SZ_1G, b.p, 16 * SZ_4K, PT_R);
	map_fails(_metadata, &self->base, &self->sp, &req, -EFAULT,
		  "unmapped uptr");
	b.map = NULL;
}

/*
 * Read-only user memory can be mapped for the device to read, never to
 * write: a writable mapping would let DMA change memory the process itself
 * cannot.
 */
TEST_F(ptlab, map_readonly_memory)
{
	struct ptlab_map_user req;
	struct buf b;

	alloc_or_die(_metadata, &b, 4 * SZ_4K, false);
	ASSERT_EQ(0, mprotect(b.p, 4 * SZ_4K, PROT_READ));
	req = map_req(self->sp.id, SZ_1G, b.p, 4 * SZ_4K, PT_RW);
	map_fails(_metadata, &self->base, &self->sp, &req, -EFAULT,
		  "writable map of read-only memory");
	map_ok(_metadata, &self->sp, SZ_1G, b.p, 4 * SZ_4K, PT_R);
	check_all(_metadata, &self->base, &self->sp);
}

/* --- overlap --- */

/*
 * Overlapping an existing mapping in any way is -EADDRINUSE with nothing
 * mapped, no table left behind, nothing pinned; touching it is fine.
 */
TEST_F(ptlab, map_overlap)
{
	const __u64 x = 4 * SZ_1G + SZ_2M + SZ_64K;
	const struct { __u64 iova, len; } over[] = {
		{ x, SZ_64K },
		{ x - SZ_4K, SZ_8K },
		{ x + SZ_64K - SZ_4K, SZ_8K },
		{ x + SZ_16K, SZ_4K },
		{ x - SZ_64K, 3 * SZ_64K },
		/* From an empty leaf table, through the mapping, to another. */
		{ x - SZ_2M - SZ_64K, SZ_4M },
		/* From the previous, empty, 1G region. */
		{ 4 * SZ_1G - SZ_64K, SZ_2M + 2 * SZ_64K + SZ_4K },
	};
	struct ptlab_map_user req;
	struct buf a, b, c;
	size_t i;

	alloc_or_die(_metadata, &a, SZ_64K, false);
	alloc_or_die(_metadata, &c, 2 * SZ_4K, false);
	map_ok(_metadata, &self->sp, x, a.p, SZ_64K, PT_RW);
	for (i = 0; i < ARRAY_SIZE(over); i++) {
		alloc_or_die(_metadata, &b, over[i].len, false);
		req = map_req(self->sp.id, over[i].iova, b.p, over[i].len,
			      PT_RW);
		map_fails(_metadata, &self->base, &self->sp, &req, -EADDRINUSE,
			  "overlap");
		buf_free(&b);
	}
	/* Right before and right after: no overlap, no off-by-one. */
	map_ok(_metadata, &self->sp, x - SZ_4K, c.p, SZ_4K, PT_R);
	map_ok(_metadata, &self->sp, x + SZ_64K, c.p + SZ_4K, SZ_4K, PT_R);
	check_all(_metadata, &self->base, &self->sp);
}

/* Overlapping a 2M block, when the kernel gave us a huge page to make one. */
TEST_F(ptlab, map_overlap_block)
{
	const __u64 y = 8 * SZ_1G;
	struct ptlab_map_user req;
	struct buf h, b;

	alloc_or_die(_metadata, &h, SZ_2M, true);
	alloc_or_die(_metadata, &b, SZ_4K, false);
	map_ok(_metadata, &self->sp, y, h.p, SZ_2M, PT_RW);
	if (model_count_size(&self->sp.m, SZ_2M) != 1)
		SKIP(return, "no THP: pagemap shows no 2M block to overlap");
	req = map_req(self->sp.id, y + SZ_1M, b.p, SZ_4K, PT_RW);
	map_fails(_metadata, &self->base, &self->sp, &req, -EADDRINUSE,
		  "inside the block");
	req = map_req(self->sp.id, y + SZ_2M - SZ_4K, b.p, SZ_4K, PT_RW);
	map_fails(_metadata, &self->base, &self->sp, &req, -EADDRINUSE,
		  "last page of the block");
}

/* --- unmap --- */

TEST_F(ptlab, unmap_bad_inputs)
{
	const struct { __u64 iova, len; int err; } bad[] = {
		{ SZ_1G + 1, SZ_4K, -EINVAL },
		{ SZ_1G + 0x800, SZ_4K, -EINVAL },
		{ SZ_1G, 0, -EINVAL },
		{ SZ_1G, 0x800, -EINVAL },
		{ SZ_1G, SZ_4K + 1, -EINVAL },
		/* Outside the input address space, as for map. */
		{ TOP(48), SZ_4K, -EINVAL },
		{ TOP(48) - SZ_4K, SZ_8K, -EINVAL },
		{ ~0ULL - 0xfff, SZ_8K, -EINVAL },
		{ SZ_1G, ~0ULL - 0xfff, -EINVAL },
		/* Nothing there: before, after, far away. */
		{ SZ_1G - SZ_4K, SZ_8K, -ENOENT },
		{ SZ_1G + SZ_64K, SZ_4K, -ENOENT },
		{ 0, SZ_4K, -ENOENT },
		{ TOP(48) - SZ_4K, SZ_4K, -ENOENT },
	};
	__u64 got;
	struct buf b;
	size_t i;

	alloc_or_die(_metadata, &b, SZ_64K, false);
	map_ok(_metadata, &self->sp, SZ_1G, b.p, SZ_64K, PT_RW);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ASSERT_EQ(bad[i].err, pt_unmap(self->sp.fd, self->sp.id,
					       bad[i].iova, bad[i].len, &got))
			TH_LOG("unmap 0x%llx+0x%llx", bad[i].iova, bad[i].len);
		ASSERT_EQ(0ULL, got);
		check_all(_metadata, &self->base, &self->sp);
	}
}

/*
 * Unmap spans consecutive mappings made by separate calls, stops at the
 * first hole reporting less than asked, and splits 4K-page mappings at any
 * page.
 */
TEST_F(ptlab, unmap_spans_and_holes)
{
	const __u64 x = 3 * SZ_1G;
	__u64 got;
	struct buf b;

	alloc_or_die(_metadata, &b, 16 * SZ_4K, false);
	map_ok(_metadata, &self->sp, x, b.p, 4 * SZ_4K, PT_RW);
	map_ok(_metadata, &self->sp, x + 4 * SZ_4K, b.p + 4 * SZ_4K, 4 * SZ_4K,
	       PT_R);
	map_ok(_metadata, &self->sp, x + 12 * SZ_4K, b.p + 8 * SZ_4K,
	       8 * SZ_4K, PT_RW);
	check_all(_metadata, &self->base, &self->sp);
	/* Two mappings, then the hole at page 8: stops after 8 pages. */
	ASSERT_EQ(0, pt_unmap(self->sp.fd, self->sp.id, x + SZ_4K,
			      16 * SZ_4K, &got));
	ASSERT_EQ(7 * SZ_4K, got);
	model_remove(&self->sp.m, x + SZ_4K, got);
	check_all(_metadata, &self->base, &self->sp);
	/* Starting in the hole. */
	unmap_check(_metadata, &self->base, &self->sp, x + 8 * SZ_4K, SZ_64K);
	/* Pages from the middle of a mapping. */
	unmap_check(_metadata, &self->base, &self->sp, x + 14 * SZ_4K,
		    2 * SZ_4K);
	unmap_check(_metadata, &self->base, &self->sp, x, SZ_4K);
	unmap_check(_metadata, &self->base, &self->sp, x + 12 * SZ_4K, SZ_1G);
	unmap_check(_metadata, &self->base, &self->sp, x + 16 * SZ_4K, SZ_1G);
	ASSERT_EQ(0UL, self->sp.m.nr);
}

/*
 * Unmap never splits a large page. With a 2M block at y + 2M after 1M of 4K
 * pages: unmap from inside the block is refused with nothing changed; a
 * range ending inside it takes all of it. Without THP the same calls run
 * over 4K pages, where each is a valid split (pagemap decides which case
 * this is; the model knows both).
 */
TEST_F(ptlab, unmap_large_page)
{
	const __u64 y = 5 * SZ_1G;
	bool block;
	__u64 got;
	int err;
	struct buf h;

	alloc_or_die(_metadata, &h, SZ_4M, true);
	map_ok(_metadata, &self->sp, y + SZ_1M, h.p + SZ_1M, 3 * SZ_1M, PT_RW);
	block = model_count_size(&self->sp.m, SZ_2M) == 1;
	TH_LOG("%s", block ? "2M block at y + 2M" :
	       "no THP: only 4K pages, large-page rules not exercised");
	check_all(_metadata, &self->base, &self->sp);

	err = pt_unmap(self->sp.fd, self->sp.id, y + SZ_2M + SZ_4K, SZ_4K,
		       &got);
	if (block) {
		ASSERT_EQ(-EINVAL, err);
		ASSERT_EQ(0ULL, got);
	} else {
		ASSERT_EQ(0, err);
		ASSERT_EQ(SZ_4K, got);
		model_remove(&self->sp.m, y + SZ_2M + SZ_4K, SZ_4K);
	}
	check_all(_metadata, &self->base, &self->sp);

	/* 1M of 4K pages and the first page of the block: all 3M go. */
	ASSERT_EQ(0, pt_unmap(self->sp.fd, self->sp.id, y + SZ_1M,
			      SZ_1M + SZ_4K, &got));
	ASSERT_EQ(block ? 3 * SZ_1M : SZ_1M + SZ_4K, got);
	model_remove(&self->sp.m, y + SZ_1M, got);
	check_all(_metadata, &self->base, &self->sp);
	/* The rest: nothing with a block, the other pages without. */
	unmap_check(_metadata, &self->base, &self->sp, y + SZ_2M + SZ_8K,
		    SZ_4M);
	ASSERT_EQ(0UL, self->sp.m.nr);
	ASSERT_EQ(1ULL, model_table_pages(&self->sp.m));
}

/* --- walk --- */

/* An unmapped IOVA is -ENOENT, still reporting the entries read to the hole. */
TEST_F(ptlab, walk_unmapped_reports_entries)
{
	const __u64 x = 7 * SZ_1G + 5 * SZ_2M;
	struct ptlab_walk w, hit;
	struct buf b;
	unsigned int i;

	ASSERT_EQ(-ENOENT, pt_walk(self->sp.fd, self->sp.id, x, &w));
	ASSERT_EQ(1U, w.out_nr_entries);
	ASSERT_EQ(0ULL, w.out_entries[0]);

	alloc_or_die(_metadata, &b, SZ_4K, false);
	map_ok(_metadata, &self->sp, x, b.p, SZ_4K, PT_R);
	ASSERT_EQ(0, pt_walk(self->sp.fd, self->sp.id, x, &hit));
	ASSERT_EQ(4U, hit.out_nr_entries);

	/* Same last-level table: all four read, the last one empty. */
	ASSERT_EQ(-ENOENT, pt_walk(self->sp.fd, self->sp.id, x + SZ_4K, &w));
	ASSERT_EQ(4U, w.out_nr_entries);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(hit.out_entries[i], w.out_entries[i]);
	ASSERT_EQ(0ULL, w.out_entries[3]);
	/* Another 2M span of the same 1G: three entries. */
	ASSERT_EQ(-ENOENT, pt_walk(self->sp.fd, self->sp.id, x + SZ_2M, &w));
	ASSERT_EQ(3U, w.out_nr_entries);
	ASSERT_EQ(hit.out_entries[1], w.out_entries[1]);
	ASSERT_EQ(0ULL, w.out_entries[2]);
	/* Another 1G of the same 512G: two. */
	ASSERT_EQ(-ENOENT, pt_walk(self->sp.fd, self->sp.id, x + SZ_1G, &w));
	ASSERT_EQ(2U, w.out_nr_entries);
	ASSERT_EQ(hit.out_entries[0], w.out_entries[0]);
	ASSERT_EQ(0ULL, w.out_entries[1]);
	check_all(_metadata, &self->base, &self->sp);
}

/* --- accounting --- */

/*
 * Table pages, counted by hand: a 4K page in each of 16 separate 512G
 * regions needs three tables below the root each; they are in
 * SecPageTables while mapped and all freed, but the root, once unmapped.
 */
TEST_F(ptlab, table_pages_accounting)
{
	struct ptlab_info info;
	struct buf b;
	__u64 i;

	alloc_or_die(_metadata, &b, 16 * SZ_4K, false);
	for (i = 0; i < 16; i++)
		map_ok(_metadata, &self->sp, (2 * i + 1) * SZ_512G + i * SZ_4K,
		       b.p + i * SZ_4K, SZ_4K, PT_R);
	ASSERT_EQ(0, pt_info(self->sp.fd, self->sp.id, &info));
	ASSERT_EQ(1ULL + 16 * 3, info.out_table_pages);
	check_counters(_metadata, &self->base, 16 * SZ_4K, 1 + 16 * 3);
	check_all(_metadata, &self->base, &self->sp);
	for (i = 0; i < 16; i++)
		unmap_check(_metadata, &self->base, &self->sp,
			    (2 * i + 1) * SZ_512G + i * SZ_4K, SZ_4K);
	ASSERT_EQ(0, pt_info(self->sp.fd, self->sp.id, &info));
	ASSERT_EQ(1ULL, info.out_table_pages);
	check_counters(_metadata, &self->base, 0, 1);
}

/* VmPin follows the pins exactly: map, partial unmap, close. */
TEST_F(ptlab, vmpin_follows_pins)
{
	struct buf b, h;

	alloc_or_die(_metadata, &b, SZ_64K, false);
	alloc_or_die(_metadata, &h, SZ_2M, true);
	map_ok(_metadata, &self->sp, SZ_1G, b.p, SZ_64K, PT_RW);
	ASSERT_EQ(self->base.pin_kb + 64, vmpin_kb());
	map_ok(_metadata, &self->sp, 2 * SZ_1G, h.p, SZ_2M, PT_RW);
	ASSERT_EQ(self->base.pin_kb + 64 + 2048, vmpin_kb());
	unmap_check(_metadata, &self->base, &self->sp, SZ_1G + SZ_16K, SZ_16K);
	ASSERT_EQ(self->base.pin_kb + 48 + 2048, vmpin_kb());
	space_close(&self->sp);
	ASSERT_EQ(self->base.pin_kb, vmpin_kb());
}

/* Closing the file with mappings in several spaces releases everything. */
TEST_F(ptlab, close_with_mappings)
{
	struct space s2;
	struct buf b, h;
	__u32 id2;

	alloc_or_die(_metadata, &b, SZ_64K, false);
	alloc_or_die(_metadata, &h, SZ_4M, true);
	space_create(_metadata, &s2, self->sp.fd, 39, 0);
	id2 = s2.id;
	map_ok(_metadata, &self->sp, TOP(48) - SZ_4M, h.p, SZ_4M, PT_RW);
	map_ok(_metadata, &self->sp, 0, b.p, SZ_16K, PT_R);
	map_ok(_metadata, &s2, SZ_1G - SZ_16K, b.p + SZ_16K, 12 * SZ_4K, PT_R);
	check_space(_metadata, &self->sp);
	check_space(_metadata, &s2);
	check_counters(_metadata, &self->base,
		       model_bytes(&self->sp.m) + model_bytes(&s2.m),
		       model_table_pages(&self->sp.m) +
		       model_table_pages(&s2.m));
	free(s2.m.leaves);
	ASSERT_EQ(self->base.modref + 1, module_refcount());
	space_close(&self->sp);
	check_gone(_metadata, &self->base, id2);
	ASSERT_EQ(0, debugfs_nr_dirs());
	ASSERT_EQ(self->base.modref, module_refcount());
}

/* DESTROY releases one space now, and its id and debugfs directory go. */
TEST_F(ptlab, destroy_with_mappings)
{
	struct ptlab_info info;
	struct space s2;
	struct buf b;

	alloc_or_die(_metadata, &b, SZ_64K, false);
	space_create(_metadata, &s2, self->sp.fd, 0, 0);
	map_ok(_metadata, &s2, SZ_1G, b.p, SZ_64K, PT_RW);
	map_ok(_metadata, &self->sp, SZ_1G, b.p, SZ_4K, PT_R);
	check_space(_metadata, &s2);
	ASSERT_EQ(0, pt_destroy(self->sp.fd, s2.id));
	ASSERT_FALSE(debugfs_has_dir(s2.id));
	ASSERT_EQ(-ENOENT, pt_info(self->sp.fd, s2.id, &info));
	ASSERT_EQ(-ENOENT, pt_destroy(self->sp.fd, s2.id));
	free(s2.m.leaves);
	/* The survivor is intact and alone in the counters. */
	check_all(_metadata, &self->base, &self->sp);
}

/* The max_spaces module parameter (spaces per open file), or 0 if none. */
static long spaces_limit(void)
{
	long val = read_param(MAX_SPACES);

	return val < 0 ? 0 : val;
}

/*
 * At the per-file limit a create is -ENOSPC and creates nothing; another
 * file has its own limit; destroying a space frees its slot.
 */
static void check_space_limit(struct __test_metadata *_metadata,
			      const struct space *sp, int nr_dirs)
{
	struct space other;
	__u32 id;

	ASSERT_EQ(-ENOSPC, pt_create(sp->fd, 0, 0, &id));
	ASSERT_EQ(nr_dirs, debugfs_nr_dirs());
	space_open(_metadata, &other, 0, 0);
	space_close(&other);
	ASSERT_EQ(0, pt_destroy(sp->fd, sp->id));
	ASSERT_EQ(0, pt_create(sp->fd, 0, 0, &id));
	ASSERT_EQ(0, pt_destroy(sp->fd, id));
}

/*
 * Many spaces in one file, as many as it may hold: separate ids, roots,
 * contents and directories.
 */
TEST_F_TIMEOUT(ptlab, many_spaces, 120)
{
	static const __u32 iases[] = { 48, 32, 39, 44 };
	long limit = spaces_limit();
	size_t nr = limit > 0 && limit <= 65 ? limit - 1 : 64, i, j;
	__u64 pinned = 0, tables = 0;
	struct ptlab_walk w;
	struct space *s;
	struct buf b;

	TH_LOG("max_spaces %ld: %zu spaces besides the fixture's", limit, nr);
	ASSERT_LT(1UL, nr);
	s = calloc(nr, sizeof(*s));
	ASSERT_NE(NULL, s);
	alloc_or_die(_metadata, &b, nr * SZ_4K, false);
	for (i = 0; i < nr; i++) {
		space_create(_metadata, &s[i], self->sp.fd,
			     iases[i % ARRAY_SIZE(iases)], 0);
		for (j = 0; j < i; j++) {
			ASSERT_NE(s[j].id, s[i].id);
			ASSERT_NE(s[j].root_pa, s[i].root_pa);
		}
		map_ok(_metadata, &s[i], i * SZ_2M, b.p + i * SZ_4K, SZ_4K,
		       PT_R);
	}
	ASSERT_EQ((int)nr + 1, debugfs_nr_dirs());
	/* Each space holds its own page and nobody else's. */
	for (i = 0; i < nr; i++) {
		check_space(_metadata, &s[i]);
		ASSERT_EQ(-ENOENT, pt_walk(self->sp.fd, s[i].id,
					   ((i + 1) % nr) * SZ_2M, &w));
	}
	/* Frees the fixture's own space, so nr_dirs is one less after. */
	if (limit > 0 && (size_t)limit == nr + 1)
		check_space_limit(_metadata, &self->sp, nr + 1);
	else
		ASSERT_EQ(0, pt_destroy(self->sp.fd, self->sp.id));
	for (i = 0; i < nr; i += 2) {
		ASSERT_EQ(0, pt_destroy(self->sp.fd, s[i].id));
		ASSERT_FALSE(debugfs_has_dir(s[i].id));
	}
	for (i = 1; i < nr; i += 2) {
		check_space(_metadata, &s[i]);
		pinned += model_bytes(&s[i].m);
		tables += model_table_pages(&s[i].m);
	}
	check_counters(_metadata, &self->base, pinned, tables);
	for (i = 0; i < nr; i++)
		free(s[i].m.leaves);
	free(s);
	space_close(&self->sp);
	check_counters(_metadata, &self->base, 0, 0);
	ASSERT_EQ(0, debugfs_nr_dirs());
}

/* The module cannot go while a file is open; the reference goes with it. */
TEST_F(ptlab, rmmod_refused_while_open)
{
	int ret;

	ASSERT_EQ(self->base.modref + 1, module_refcount());
	ret = syscall(__NR_delete_module, "ptlab", O_NONBLOCK);
	ASSERT_EQ(-1, ret);
	ASSERT_EQ(EWOULDBLOCK, errno);
	ASSERT_EQ(self->base.modref + 1, module_refcount());
	ASSERT_EQ(0, pt_destroy(self->sp.fd, self->sp.id));
	/* Even with no address space, the open file holds the module. */
	ret = syscall(__NR_delete_module, "ptlab", O_NONBLOCK);
	ASSERT_EQ(-1, ret);
	ASSERT_EQ(EWOULDBLOCK, errno);
	space_close(&self->sp);
	ASSERT_EQ(self->base.modref, module_refcount());
}

/* --- debugfs --- */

/*
 * The dump coalesces what is contiguous in IOVA and PA with one prot and
 * page size, even across separate map calls, and splits on any difference.
 */
TEST_F(ptlab, debugfs_dump_runs)
{
	__u32 id = self->sp.id;
	struct buf b;

	alloc_or_die(_metadata, &b, 32 * SZ_4K, false);
	/* Two calls, adjacent IOVAs, adjacent pages of one buffer. */
	map_ok(_metadata, &self->sp, SZ_1G, b.p, 8 * SZ_4K, PT_RW);
	map_ok(_metadata, &self->sp, SZ_1G + 8 * SZ_4K, b.p + 8 * SZ_4K,
	       8 * SZ_4K, PT_RW);
	/* Adjacent IOVA, other prot. */
	map_ok(_metadata, &self->sp, SZ_1G + 16 * SZ_4K, b.p + 16 * SZ_4K,
	       4 * SZ_4K, PT_RW | PTLAB_PROT_CACHE);
	/* Adjacent IOVA and prot, pages out of order. */
	map_ok(_metadata, &self->sp, SZ_1G + 20 * SZ_4K, b.p + 28 * SZ_4K,
	       SZ_4K, PT_RW | PTLAB_PROT_CACHE);
	map_ok(_metadata, &self->sp, SZ_1G + 21 * SZ_4K, b.p + 24 * SZ_4K,
	       SZ_4K, PT_RW | PTLAB_PROT_CACHE);
	map_ok(_metadata, &self->sp, TOP(48) - SZ_4K, b.p + 31 * SZ_4K, SZ_4K,
	       PT_R | PTLAB_PROT_MMIO | PTLAB_PROT_PRIV | PTLAB_PROT_EXEC);
	check_all(_metadata, &self->base, &self->sp);
	/* The lines of what goes must go, the others stay as they were. */
	unmap_check(_metadata, &self->base, &self->sp, SZ_1G + 4 * SZ_4K,
		    8 * SZ_4K);
	unmap_check(_metadata, &self->base, &self->sp, SZ_1G + 16 * SZ_4K,
		    SZ_64K);
	ASSERT_EQ(0, pt_destroy(self->sp.fd, id));
	ASSERT_FALSE(debugfs_has_dir(id));
	/* An open file holds nothing once its only space is gone. */
	check_counters(_metadata, &self->base, 0, 0);
}

/*
 * Runs must also split where the prot or the page size changes while IOVA
 * and PA go on. That needs physically contiguous pages, so they come from a
 * THP buffer and pagemap proves the contiguity; a part whose precondition
 * pagemap does not show is logged and left out, never assumed.
 */
TEST_F(ptlab, debugfs_dump_splits_runs)
{
	const __u64 y = 10 * SZ_1G;
	const size_t n = 4 * SZ_2M / SZ_4K, per_thp = SZ_2M / SZ_4K;
	struct ptlab_map_user req;
	struct run *runs;
	__u64 *pas;
	struct buf h;
	size_t i, k;

	alloc_or_die(_metadata, &h, 4 * SZ_2M, true);
	pas = calloc(n, sizeof(*pas));
	runs = calloc(n + 3, sizeof(*runs));
	ASSERT_TRUE(pas && runs);
	ASSERT_EQ(0, pagemap_pas(h.p, n, pas));
	for (i = 0; i + 1 < n; i++)
		if (pas[i + 1] == pas[i] + SZ_4K)
			break;
	if (i + 1 == n)
		SKIP(return, "no two physically contiguous pages to split");
	/* Same IOVA and PA run, other prot: two lines. */
	map_ok(_metadata, &self->sp, y, h.p + i * SZ_4K, SZ_4K, PT_RW);
	map_ok(_metadata, &self->sp, y + SZ_4K, h.p + (i + 1) * SZ_4K, SZ_4K,
	       PT_RW | PTLAB_PROT_CACHE);
	/* The model must expect the split too, or this tests nothing. */
	ASSERT_EQ(2UL, model_runs(&self->sp.m, runs, true));
	check_all(_metadata, &self->base, &self->sp);

	/* A 2M block, then 4K pages that go on in IOVA and PA: two lines. */
	for (k = 0; k + 1 < n / per_thp; k++)
		if (is_huge_backed(h.p + k * SZ_2M) &&
		    is_huge_backed(h.p + (k + 1) * SZ_2M) &&
		    pas[(k + 1) * per_thp] == pas[k * per_thp] + SZ_2M)
			break;
	if (k + 1 == n / per_thp) {
		TH_LOG("no two adjacent THPs: page-size split not tested");
		return;
	}
	map_ok(_metadata, &self->sp, y + SZ_2M, h.p + k * SZ_2M, SZ_2M, PT_RW);
	req = map_req(self->sp.id, y + SZ_4M, h.p + (k + 1) * SZ_2M, SZ_2M,
		      PT_RW);
	req.pgsize = SZ_4K;
	map_ok_req(_metadata, &self->sp, &req);
	ASSERT_EQ(4UL, model_runs(&self->sp.m, runs, true));
	check_all(_metadata, &self->base, &self->sp);
	free(runs);
	free(pas);
}

/* --- threads --- */

struct worker {
	pthread_t thread;
	int fd;
	__u32 id;
	__u64 iova[2];
	struct buf b;
	int iters;
	bool until_error;	/* run until an ioctl fails (the file closed) */
	int bad;		/* wrong answers seen */
	char why[128];
};

/*
 * Maps, checks against pagemap and unmaps its own ranges: one in a
 * last-level table all workers share, one in its own 2M span, so tables
 * are installed and freed under each other's feet. No ASSERT here: the
 * harness unwinds with longjmp, which a thread must not do.
 */
static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	struct ptlab_map_user req;
	struct ptlab_walk walk;
	__u64 pas[4], iova, got;
	int i, k;

	for (i = 0; w->until_error || i < w->iters; i++) {
		iova = w->iova[i & 1];
		req = map_req(w->id, iova, w->b.p, 4 * SZ_4K, PT_RW);
		if (pt_ioctl(w->fd, PTLAB_IOCTL_MAP_USER, &req)) {
			if (!w->until_error)
				snprintf(w->why, sizeof(w->why),
					 "map 0x%llx: %s", iova,
					 strerror(errno));
			w->bad += !w->until_error;
			break;
		}
		if (pagemap_pas(w->b.p, 4, pas))
			w->bad++;
		for (k = 0; k < 4; k++) {
			if (pt_walk(w->fd, w->id, iova + k * SZ_4K, &walk) ||
			    walk.out_pa != pas[k]) {
				if (w->until_error)
					break;
				snprintf(w->why, sizeof(w->why),
					 "walk 0x%llx", iova + k * SZ_4K);
				w->bad++;
			}
		}
		if (pt_unmap(w->fd, w->id, iova, 4 * SZ_4K, &got) ||
		    got != 4 * SZ_4K) {
			if (!w->until_error)
				snprintf(w->why, sizeof(w->why),
					 "unmap 0x%llx", iova);
			w->bad += !w->until_error;
			break;
		}
	}
	return NULL;
}

static void start_workers(struct __test_metadata *_metadata,
			  struct worker *w, int nr, const struct space *s,
			  int iters)
{
	const __u64 x = 6 * SZ_1G;
	int i;

	for (i = 0; i < nr; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].fd = s->fd;
		w[i].id = s->id;
		w[i].iova[0] = x + i * SZ_64K;
		w[i].iova[1] = x + (i + 1) * SZ_2M + i * SZ_64K;
		w[i].iters = iters;
		w[i].until_error = !iters;
		alloc_or_die(_metadata, &w[i].b, 4 * SZ_4K, false);
		ASSERT_EQ(0, pthread_create(&w[i].thread, NULL, worker_fn,
					    &w[i]));
	}
}

static void join_workers(struct __test_metadata *_metadata,
			 struct worker *w, int nr)
{
	int i;

	for (i = 0; i < nr; i++)
		ASSERT_EQ(0, pthread_join(w[i].thread, NULL));
	for (i = 0; i < nr; i++)
		EXPECT_EQ(0, w[i].bad) TH_LOG("worker %d: %s", i, w[i].why);
}

/* Disjoint ranges from several threads, sharing and freeing tables. */
TEST_F_TIMEOUT(ptlab, threads_disjoint_ranges, 180)
{
	struct worker w[4];

	start_workers(_metadata, w, ARRAY_SIZE(w), &self->sp, 200);
	join_workers(_metadata, w, ARRAY_SIZE(w));
	check_all(_metadata, &self->base, &self->sp);
}

/*
 * Closing the file while threads map and unmap: whatever they left mapped
 * is released with the file (it can only go after their ioctls return).
 */
TEST_F_TIMEOUT(ptlab, close_races_with_map, 120)
{
	struct worker w[2];
	int round;
	__u32 id;

	space_close(&self->sp);
	for (round = 0; round < 5; round++) {
		space_open(_metadata, &self->sp, 0, 0);
		id = self->sp.id;
		start_workers(_metadata, w, ARRAY_SIZE(w), &self->sp, 0);
		usleep(20000 + round * 10000);
		space_close(&self->sp);
		join_workers(_metadata, w, ARRAY_SIZE(w));
		check_gone(_metadata, &self->base, id);
		ASSERT_EQ(self->base.modref, module_refcount());
	}
}

/* --- fault injection --- */

/*
 * Every allocation of a map that needs new tables fails in turn: the map
 * reports -ENOMEM with a consistent prefix mapped and nothing leaked, until
 * the map needs no more allocations than the count and succeeds.
 */
TEST_F_TIMEOUT(ptlab, map_alloc_failures, 120)
{
	const __u64 x = 9 * SZ_1G - SZ_64K;
	struct ptlab_map_user req;
	struct buf b;
	int n, ret;

	if (set_fail_nth(0))
		SKIP(return, "no %s/fail_nth knob", PTLAB_DEBUGFS);
	alloc_or_die(_metadata, &b, SZ_4M, false);
	for (n = 1; n < 64; n++) {
		req = map_req(self->sp.id, x, b.p, SZ_4M, PT_RW);
		ASSERT_EQ(0, set_fail_nth(n));
		ret = pt_ioctl(self->sp.fd, PTLAB_IOCTL_MAP_USER, &req);
		ASSERT_EQ(0, set_fail_nth(0));
		if (!ret) {
			ASSERT_EQ(SZ_4M, req.out_mapped);
			break;
		}
		ASSERT_EQ(-ENOMEM, ret) TH_LOG("allocation %d", n);
		ASSERT_EQ(0ULL, req.out_mapped % SZ_4K);
		ASSERT_LT(req.out_mapped, SZ_4M);
		if (req.out_mapped)
			ASSERT_EQ(0, model_add(&self->sp.m, x, b.p,
					       req.out_mapped, PT_RW, 0));
		check_all(_metadata, &self->base, &self->sp);
		if (req.out_mapped)
			unmap_check(_metadata, &self->base, &self->sp, x,
				    SZ_4M);
	}
	TH_LOG("map succeeded once %d allocations could fail", n);
	ASSERT_LT(n, 64);
	ASSERT_EQ(0, model_add(&self->sp.m, x, b.p, SZ_4M, PT_RW, 0));
	check_all(_metadata, &self->base, &self->sp);
}

/* --- map round trips over sizes, alignments and geometries --- */

/* One mapping to make, in a space of its own. */
struct map_case {
	__u32 ias;		/* 0: the default, 48 */
	__u64 pgsizes;		/* 0: every size of the format */
	__u64 iova;
	__u64 offset;		/* of the mapped part in the buffer */
	__u64 length;
	__u64 pgsize;		/* one page size forced, 0: the largest fit */
	__u32 prot;
	bool huge;		/* THP-backed buffer, 2M aligned */
};

FIXTURE(map) {
	struct baseline base;
	struct space sp;
	struct buf b;
};

FIXTURE_VARIANT(map) {
	struct map_case c;
};

FIXTURE_VARIANT_ADD(map, sz_4k) {
	.c = {
		.iova = 0, .length = SZ_4K, .prot = PT_R,
	},
};

FIXTURE_VARIANT_ADD(map, sz_8k_odd_iova) {
	.c = {
		.iova = 0x7000, .length = SZ_8K, .prot = PT_RW,
	},
};

FIXTURE_VARIANT_ADD(map, sz_64k) {
	.c = {
		.iova = 0x12345000, .length = SZ_64K,
		.prot = PT_RW | PTLAB_PROT_CACHE,
	},
};

FIXTURE_VARIANT_ADD(map, sz_2m) {
	.c = {
		.iova = SZ_1G, .length = SZ_2M, .huge = true,
		.prot = PT_RW | PTLAB_PROT_EXEC | PTLAB_PROT_CACHE,
	},
};

FIXTURE_VARIANT_ADD(map, sz_2m_4k) {
	.c = {
		.iova = 3 * SZ_2M, .length = SZ_2M + SZ_4K, .huge = true,
		.prot = PT_R | PTLAB_PROT_EXEC,
	},
};

/* The IOVA is 4K aligned, the THP 2M aligned: no block can line up. */
FIXTURE_VARIANT_ADD(map, sz_3m_odd_iova) {
	.c = {
		.iova = 0x7ff000, .length = 3 * SZ_1M, .huge = true,
		.prot = PT_RW,
	},
};

/* 1M of pages, then a block where IOVA and PA line up at 2M. */
FIXTURE_VARIANT_ADD(map, sz_3m_block_inside) {
	.c = {
		.iova = 2 * SZ_1G + SZ_1M, .offset = SZ_1M, .length = 3 * SZ_1M,
		.huge = true, .prot = PT_RW,
	},
};

FIXTURE_VARIANT_ADD(map, sz_2m_forced_4k) {
	.c = {
		.iova = SZ_1G, .length = SZ_2M, .huge = true, .pgsize = SZ_4K,
		.prot = PT_RW,
	},
};

FIXTURE_VARIANT_ADD(map, sz_4m_forced_2m) {
	.c = {
		.iova = SZ_1G, .length = SZ_4M, .huge = true, .pgsize = SZ_2M,
		.prot = PT_RW,
	},
};

FIXTURE_VARIANT_ADD(map, sz_2m_4k_only_space) {
	.c = {
		.pgsizes = SZ_4K, .iova = SZ_1G, .length = SZ_2M, .huge = true,
		.prot = PT_RW,
	},
};

FIXTURE_VARIANT_ADD(map, top_4k) {
	.c = {
		.iova = TOP(48) - SZ_4K, .length = SZ_4K, .prot = PT_RW,
	},
};

FIXTURE_VARIANT_ADD(map, top_4m) {
	.c = {
		.iova = TOP(48) - SZ_4M, .length = SZ_4M, .huge = true,
		.prot = PT_RW | PTLAB_PROT_PRIV,
	},
};

/* Across a root entry: two separate subtrees. */
FIXTURE_VARIANT_ADD(map, across_512g) {
	.c = {
		.iova = SZ_512G - SZ_8K, .length = SZ_16K, .prot = PT_RW,
	},
};

FIXTURE_VARIANT_ADD(map, ias32_64k) {
	.c = {
		.ias = 32, .iova = TOP(32) - SZ_64K, .length = SZ_64K,
		.prot = PT_RW,
	},
};

FIXTURE_VARIANT_ADD(map, ias32_2m) {
	.c = {
		.ias = 32, .iova = TOP(32) - SZ_2M, .length = SZ_2M,
		.huge = true,
		.prot = PT_RW | PTLAB_PROT_MMIO,
	},
};

/* A 3-level space across one of its 1G root entries. */
FIXTURE_VARIANT_ADD(map, ias36_across_1g) {
	.c = {
		.ias = 36, .iova = SZ_1G - SZ_8K, .length = SZ_16K,
		.prot = PT_R,
	},
};

FIXTURE_VARIANT_ADD(map, ias39_2m_8k) {
	.c = {
		.ias = 39, .iova = TOP(39) - SZ_2M - SZ_8K,
		.offset = SZ_2M - SZ_8K,
		.length = SZ_2M + SZ_8K, .huge = true, .prot = PT_RW,
	},
};

FIXTURE_VARIANT_ADD(map, ias40_8k) {
	.c = {
		.ias = 40, .iova = TOP(40) - SZ_8K, .length = SZ_8K,
		.prot = PT_RW,
	},
};

FIXTURE_SETUP(map)
{
	const struct map_case *c = &variant->c;
	size_t len = c->offset + c->length;

	take_baseline(_metadata, &self->base);
	space_open(_metadata, &self->sp, c->ias, c->pgsizes);
	alloc_or_die(_metadata, &self->b,
		     c->huge ? align_up(len, SZ_2M) : len, c->huge);
	if (c->pgsize == SZ_2M && !is_huge_backed(self->b.p))
		SKIP(return, "no THP: pagemap shows no 2M block to force");
}

FIXTURE_TEARDOWN(map)
{
	space_close(&self->sp);
	buf_free(&self->b);
}

/* Makes the case's mapping from @b, which must succeed in full. */
static void map_case(struct __test_metadata *_metadata, struct space *s,
		     const struct buf *b, const struct map_case *c)
{
	struct ptlab_map_user req;

	req = map_req(s->id, c->iova, b->p + c->offset, c->length, c->prot);
	req.pgsize = c->pgsize;
	map_ok_req(_metadata, s, &req);
	TH_LOG("%zu leaves, %zu of them 2M", s->m.nr,
	       model_count_size(&s->m, SZ_2M));
	/* A forced or only page size leaves the model no choice either. */
	if (c->pgsize || c->pgsizes == SZ_4K)
		ASSERT_EQ(c->length / (c->pgsize ? c->pgsize : SZ_4K), s->m.nr);
}

/*
 * Map, check every page against pagemap and the whole space against the
 * model, check the neighbours are unmapped, unmap it all in one call, and
 * do it again over tables the first unmap freed.
 */
TEST_F(map, round_trip)
{
	const struct map_case *c = &variant->c;
	__u64 end = c->iova + c->length, got;
	unsigned int ias = c->ias ? c->ias : ARM_IAS;
	struct ptlab_walk w;
	int round;

	for (round = 0; round < 2; round++) {
		map_case(_metadata, &self->sp, &self->b, c);
		check_pages_pagemap(_metadata, &self->sp, c->iova,
				    self->b.p + c->offset, c->length);
		check_all(_metadata, &self->base, &self->sp);
		if (c->iova)
			ASSERT_EQ(-ENOENT, pt_walk(self->sp.fd, self->sp.id,
						   c->iova - 1, &w));
		if (end < TOP(ias))
			ASSERT_EQ(-ENOENT, pt_walk(self->sp.fd, self->sp.id,
						   end, &w));
		ASSERT_EQ(0, pt_unmap(self->sp.fd, self->sp.id, c->iova,
				      c->length, &got));
		ASSERT_EQ(c->length, got);
		model_remove(&self->sp.m, c->iova, got);
		ASSERT_EQ(0UL, self->sp.m.nr);
		check_all(_metadata, &self->base, &self->sp);
	}
}

/*
 * Unmap in three pieces, as the model predicts: a piece ending inside a
 * block takes the block whole, and the next piece starts after it.
 */
TEST_F(map, unmap_in_pieces)
{
	const struct map_case *c = &variant->c;
	__u64 piece = align_up(c->length / 3, SZ_4K), from, len;

	map_case(_metadata, &self->sp, &self->b, c);
	check_all(_metadata, &self->base, &self->sp);
	while (self->sp.m.nr) {
		from = self->sp.m.leaves[0].iova;
		/* Within the mapping: past 2^ias is a bad range, not a hole. */
		len = c->iova + c->length - from;
		unmap_check(_metadata, &self->base, &self->sp, from,
			    len < piece ? len : piece);
	}
}

/* The same pages mapped again on top are refused; the mapping stays. */
TEST_F(map, remap_refused)
{
	const struct map_case *c = &variant->c;
	struct ptlab_map_user req;

	map_case(_metadata, &self->sp, &self->b, c);
	req = map_req(self->sp.id, c->iova, self->b.p + c->offset, c->length,
		      c->prot);
	map_fails(_metadata, &self->base, &self->sp, &req, -EADDRINUSE,
		  "same range again");
}

TEST_HARNESS_MAIN
