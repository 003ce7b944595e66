// SPDX-License-Identifier: GPL-2.0
/*
 * Kselftests of allocation failures: debugfs fail_nth makes the Nth
 * allocation fail, for every N an operation makes, and each failure must
 * leave the file, its address space and the counters as they were.
 *
 * Every answer is checked against what the kernel says independently and
 * against the test's model (ptlab_lib.h). Run as root through ptlab.sh,
 * which loads and unloads the module.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/ptlab.h>

/* The 6.12 harness's SIGALRM handler leaves its ucontext argument unused. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop

#include "ptlab_lib.h"

enum fail_op {
	OP_OPEN,
	OP_CREATE,
	OP_MAP_4K,	/* pages needing four new tables */
	OP_MAP_2M,	/* a block, then a page needing its own table */
	OP_MAP_NO_TABLES,	/* pages in tables that exist */
	OP_MAP_STALE,	/* user pages where a physical map was */
	OP_MAP_GMMU,	/* GMMU v3 64K pages: two PD0 entries, big tables */
	OP_MAP_GMMU_MIXED,	/* GMMU v2 4K and 64K: two pairs of tables */
	OP_PHYS_RAM,
	OP_PHYS_MMIO,
	OP_SNAP_IOCTL,
	OP_SNAP_DEBUGFS,
};

/* What every attempt needs, made once. */
struct fail_env {
	struct baseline base;
	struct buf b;		/* 4K pages */
	struct buf h;		/* a THP for OP_MAP_2M */
	__u64 mmio;		/* 4M without RAM for OP_PHYS_MMIO */
	__u64 own_pa;		/* the last page of b */
	char path[sizeof(CORE_TEMPLATE)];
	int out;		/* the file snapshots go to */
};

FIXTURE(fail_nth) {
	struct fail_env env;
};

FIXTURE_VARIANT(fail_nth) {
	enum fail_op op;
};

FIXTURE_VARIANT_ADD(fail_nth, open) { .op = OP_OPEN };
FIXTURE_VARIANT_ADD(fail_nth, create) { .op = OP_CREATE };
FIXTURE_VARIANT_ADD(fail_nth, map_4k) { .op = OP_MAP_4K };
FIXTURE_VARIANT_ADD(fail_nth, map_2m) { .op = OP_MAP_2M };
FIXTURE_VARIANT_ADD(fail_nth, map_no_tables) { .op = OP_MAP_NO_TABLES };
FIXTURE_VARIANT_ADD(fail_nth, map_stale) { .op = OP_MAP_STALE };
FIXTURE_VARIANT_ADD(fail_nth, map_gmmu) { .op = OP_MAP_GMMU };
FIXTURE_VARIANT_ADD(fail_nth, map_gmmu_mixed) { .op = OP_MAP_GMMU_MIXED };
FIXTURE_VARIANT_ADD(fail_nth, phys_ram) { .op = OP_PHYS_RAM };
FIXTURE_VARIANT_ADD(fail_nth, phys_mmio) { .op = OP_PHYS_MMIO };
FIXTURE_VARIANT_ADD(fail_nth, snapshot_ioctl) { .op = OP_SNAP_IOCTL };
FIXTURE_VARIANT_ADD(fail_nth, snapshot_debugfs) { .op = OP_SNAP_DEBUGFS };

#define FAIL_B_PAGES	16
#define FAIL_MAX	64

FIXTURE_SETUP(fail_nth)
{
	const struct iomem *io;

	self->env.out = -1;
	take_baseline(_metadata, &self->env.base);
	if (set_fail_nth(0))
		SKIP(return, "no %s/fail_nth knob", PTLAB_DEBUGFS);
	alloc_or_die(_metadata, &self->env.b, FAIL_B_PAGES * SZ_4K, false);
	fill_unique(&self->env.b);
	ASSERT_EQ(0, pagemap_pas(self->env.b.p + (FAIL_B_PAGES - 1) * SZ_4K, 1,
				 &self->env.own_pa));
	if (variant->op == OP_MAP_2M || variant->op == OP_MAP_GMMU ||
	    variant->op == OP_MAP_GMMU_MIXED) {
		alloc_or_die(_metadata, &self->env.h, SZ_2M + SZ_4K, true);
		if (!is_huge_backed(self->env.h.p))
			SKIP(return, "no THP: pagemap shows no 2M block");
	}
	if (variant->op == OP_PHYS_MMIO) {
		io = iomem_get();
		ASSERT_NE(NULL, io);
		if (!iomem_find_mmio(io, SZ_4M, &self->env.mmio))
			SKIP(return, "no 4M without System RAM");
	}
	snprintf(self->env.path, sizeof(self->env.path), "%s", CORE_TEMPLATE);
	self->env.out = mkstemp(self->env.path);
	ASSERT_LE(0, self->env.out);
}

FIXTURE_TEARDOWN(fail_nth)
{
	set_fail_nth(0);
	if (self->env.out >= 0) {
		close(self->env.out);
		unlink(self->env.path);
	}
	buf_free(&self->env.b);
	buf_free(&self->env.h);
}

/* One attempt: the file, its space, and the operation's arguments. */
struct fail_try {
	int fd;
	struct space s;
	__u64 iova;
	__u64 len;
	const char *uptr;	/* user maps */
	__u64 pa;		/* physical maps */
	__u32 kind;
	__u64 done;		/* bytes the map reported */
};

/* Everything the operation needs, made before the knob is armed. */
static void fail_prepare(struct __test_metadata *_metadata,
			 struct fail_env *env, enum fail_op op,
			 struct fail_try *t)
{
	memset(t, 0, sizeof(*t));
	t->fd = -1;
	t->s.fd = -1;
	if (op == OP_OPEN)
		return;
	t->fd = ptlab_open(_metadata);
	t->s.fd = t->fd;
	if (op == OP_CREATE)
		return;
	if (op == OP_MAP_GMMU || op == OP_MAP_GMMU_MIXED) {
		struct ptlab_create c = {
			.size = sizeof(c), .format = PTLAB_FMT_NVIDIA_GMMU_V3,
			.granule_shift = 16,
		};
		struct ptlab_create mixed = {
			.size = sizeof(c), .format = PTLAB_FMT_NVIDIA_GMMU_V2,
			.pgsize_bitmap = SZ_4K | SZ_64K | SZ_2M,
		};
		struct ptlab_info info;

		ASSERT_EQ(0, pt_create_req(t->fd, op == OP_MAP_GMMU ? &c : &mixed,
					   &t->s.id));
		ASSERT_EQ(0, pt_info(t->fd, t->s.id, &info));
		space_set_info(&t->s, &info);
		/* Across a 2M boundary: PDE3..PD0 and two big page tables. */
		t->iova = SZ_1G + SZ_2M - 2 * SZ_64K;
		t->len = 4 * SZ_64K;
		t->uptr = env->h.p;
		if (op == OP_MAP_GMMU)
			return;
		/*
		 * A 4K and a 64K page on each side of a 2M boundary: two
		 * pairs of page tables, both halves of two PD0 entries.
		 */
		t->iova = SZ_1G + SZ_2M - SZ_64K - SZ_4K;
		t->len = 2 * SZ_64K + 2 * SZ_4K;
		t->uptr = env->h.p + SZ_1M - SZ_64K - SZ_4K;
		return;
	}
	space_create(_metadata, &t->s, t->fd, 0, 0);
	switch (op) {
	case OP_MAP_4K:
		/* Across a 2M boundary: L1, L2 and two last-level tables. */
		t->iova = SZ_1G + SZ_2M - SZ_8K;
		t->len = 4 * SZ_4K;
		t->uptr = env->b.p;
		break;
	case OP_MAP_2M:
		t->iova = 2 * SZ_1G;
		t->len = SZ_2M + SZ_4K;
		t->uptr = env->h.p;
		break;
	case OP_MAP_NO_TABLES:
		map_ok(_metadata, &t->s, SZ_1G, env->b.p, SZ_4K, PT_R);
		t->iova = SZ_1G + SZ_8K;
		t->len = 4 * SZ_4K;
		t->uptr = env->b.p + SZ_4K;
		break;
	case OP_MAP_STALE:
		phys_ok(_metadata, &t->s, SZ_1G, env->own_pa, SZ_4K, PT_R, 0,
			PTLAB_PHYS_RAM);
		ASSERT_EQ(0, pt_unmap(t->fd, t->s.id, SZ_1G, SZ_4K, &t->done));
		model_remove(&t->s.m, SZ_1G, SZ_4K);
		t->iova = SZ_1G;
		t->len = 4 * SZ_4K;
		t->uptr = env->b.p;
		break;
	case OP_PHYS_RAM:
		t->iova = SZ_1G;
		t->len = SZ_4K;
		t->pa = env->own_pa;
		t->kind = PTLAB_PHYS_RAM;
		break;
	case OP_PHYS_MMIO:
		t->iova = 3 * SZ_1G;
		t->len = SZ_2M + SZ_4K;
		t->pa = env->mmio;
		t->kind = PTLAB_PHYS_MMIO;
		break;
	case OP_SNAP_IOCTL:
	case OP_SNAP_DEBUGFS:
		map_ok(_metadata, &t->s, SZ_1G, env->b.p, 4 * SZ_4K, PT_RW);
		phys_ok(_metadata, &t->s, 2 * SZ_1G, env->own_pa, SZ_4K, PT_R,
			0, PTLAB_PHYS_RAM);
		break;
	default:
		break;
	}
}

/* The operation, with the knob armed: 0 or -errno. */
static int fail_run(struct fail_env *env, enum fail_op op,
		    struct fail_try *t)
{
	struct ptlab_map_user req;
	struct ptlab_map_phys preq;
	unsigned char *data;
	char path[128];
	size_t len;
	__u64 bytes;
	int ret;

	switch (op) {
	case OP_OPEN:
		t->fd = open(PTLAB_DEV, O_RDWR | O_CLOEXEC);
		return t->fd < 0 ? -errno : 0;
	case OP_CREATE:
		return pt_create(t->fd, 0, 0, &t->s.id);
	case OP_PHYS_RAM:
	case OP_PHYS_MMIO:
		preq = phys_req(t->s.id, t->iova, t->pa, t->len, PT_RW);
		ret = pt_ioctl(t->fd, PTLAB_IOCTL_MAP_PHYS, &preq);
		t->done = preq.out_mapped;
		return ret;
	case OP_SNAP_IOCTL:
		if (ftruncate(env->out, 0) || lseek(env->out, 0, SEEK_SET))
			return -EIO;
		return pt_snapshot(t->fd, t->s.id, env->out, 0, &bytes);
	case OP_SNAP_DEBUGFS:
		if (ftruncate(env->out, 0))
			return -EIO;
		debugfs_path(path, sizeof(path), t->s.id, "snapshot");
		data = read_path(path, SZ_64K, &len);
		if (!data)
			return -errno;
		ret = pwrite(env->out, data, len, 0) == (ssize_t)len &&
		      !ftruncate(env->out, len) ? 0 : -EIO;
		free(data);
		return ret;
	default:
		req = map_req(t->s.id, t->iova, t->uptr, t->len, PT_RW);
		ret = pt_ioctl(t->fd, PTLAB_IOCTL_MAP_USER, &req);
		t->done = req.out_mapped;
		return ret;
	}
}

static bool op_maps(enum fail_op op)
{
	return op >= OP_MAP_4K && op <= OP_PHYS_MMIO;
}

static bool op_phys(enum fail_op op)
{
	return op == OP_PHYS_RAM || op == OP_PHYS_MMIO;
}

/* What the operation must have left, failed or not: checked in full. */
static void fail_check(struct __test_metadata *_metadata,
		       struct fail_env *env, enum fail_op op,
		       struct fail_try *t, int ret)
{
	struct fdinfo_space fi;
	struct pa_map pm = {};
	unsigned char *data;
	struct stat st;
	int lines;

	if (op == OP_OPEN) {
		if (!ret)
			ASSERT_EQ(env->base.modref + 1, module_refcount());
		return;
	}
	if (op == OP_CREATE) {
		ASSERT_EQ(!ret, debugfs_nr_dirs());
		ASSERT_EQ(!ret, read_fdinfo(t->fd, &fi, 1, &lines));
		ASSERT_EQ(!ret, lines);
		if (!ret) {
			ASSERT_TRUE(debugfs_has_dir(t->s.id));
			check_counters(_metadata, &env->base, 0, 1);
		} else {
			check_counters(_metadata, &env->base, 0, 0);
		}
		return;
	}
	if (op_maps(op)) {
		ASSERT_EQ(0ULL, t->done % SZ_4K);
		/* All of it, or less with the failure. */
		ASSERT_TRUE(ret ? t->done < t->len : t->done == t->len)
			TH_LOG("ret %d, 0x%llx of 0x%llx", ret, t->done, t->len);
		if (t->done && op_phys(op)) {
			ASSERT_EQ(0, model_add_phys(&t->s.m, t->iova, t->pa,
						    t->done, PT_RW, 0,
						    t->kind));
		} else if (t->done) {
			ASSERT_EQ(0, model_add(&t->s.m, t->iova, t->uptr,
					       t->done, PT_RW, 0));
		}
		check_all(_metadata, &env->base, &t->s);
		return;
	}
	/* Snapshots allocate before they write: a failure writes nothing. */
	ASSERT_EQ(0, fstat(env->out, &st));
	if (ret) {
		ASSERT_EQ(0, st.st_size);
		check_all(_metadata, &env->base, &t->s);
		return;
	}
	data = malloc(st.st_size);
	ASSERT_NE(NULL, data);
	ASSERT_EQ(st.st_size, pread(env->out, data, st.st_size, 0));
	pa_map_add(_metadata, &pm, &env->b);
	check_core(_metadata, data, st.st_size, &t->s, &pm);
	pa_map_free(&pm);
	free(data);
	check_all(_metadata, &env->base, &t->s);
}

/*
 * Allocation N = 1, 2, ... of the operation fails in turn: each time the
 * operation fails with -ENOMEM having fired the knob, reports what it did,
 * and after close nothing is left: SecPageTables and VmPin at the baseline,
 * no debugfs directory, no module reference. It ends when the operation
 * succeeds without the knob firing (all its allocations were tried).
 */
TEST_F_TIMEOUT(fail_nth, walk, 300)
{
	enum fail_op op = variant->op;
	struct fail_try t;
	int n, ret, left;

	for (n = 1; n <= FAIL_MAX; n++) {
		fail_prepare(_metadata, &self->env, op, &t);
		ASSERT_EQ(0, set_fail_nth(n));
		ret = fail_run(&self->env, op, &t);
		left = get_fail_nth();
		ASSERT_EQ(0, set_fail_nth(0));
		ASSERT_LE(0, left);
		if (ret) {
			ASSERT_EQ(-ENOMEM, ret) TH_LOG("allocation %d", n);
			ASSERT_EQ(0, left)
				TH_LOG("allocation %d: failed, knob unfired", n);
		} else {
			ASSERT_NE(0, left)
				TH_LOG("allocation %d failed unreported", n);
		}
		fail_check(_metadata, &self->env, op, &t, ret);
		space_close(&t.s);
		if (op == OP_OPEN && !ret)
			close(t.fd);
		check_counters(_metadata, &self->env.base, 0, 0);
		ASSERT_EQ(0, debugfs_nr_dirs());
		ASSERT_EQ(self->env.base.modref, module_refcount());
		if (!ret)
			break;
		TH_LOG("allocation %d failed: %llu bytes mapped", n, t.done);
	}
	ASSERT_GE(FAIL_MAX, n);
	TH_LOG("succeeded with %d allocation(s) left to fail", n - 1);
}

TEST_HARNESS_MAIN
