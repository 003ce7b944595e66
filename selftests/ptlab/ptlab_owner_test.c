// SPDX-License-Identifier: GPL-2.0
/*
 * Kselftests for what ptlab owns besides mapping user memory: physical
 * mappings, ELF core snapshots, allocation failures, limits, fdinfo and the
 * lifetime of the module and of debugfs files.
 *
 * As in ptlab_test.c, each answer is checked against what the kernel says
 * independently: physical ranges against /proc/iomem, pinned memory against
 * VmPin, table memory against SecPageTables, contents against the test's own
 * buffers found through /proc/self/pagemap, and snapshots against both the
 * test's own ELF parser and readelf. Every address space is also compared
 * with the test's model of it (ptlab_lib.h) after each call.
 *
 * Run as root through ptlab.sh, which loads and unloads the module.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/elf.h>
#include <linux/ptlab.h>

/* The 6.12 harness's SIGALRM handler leaves its ucontext argument unused. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop

#include "ptlab_lib.h"

#define MAX_TABLE_PAGES	"/sys/module/ptlab/parameters/max_table_pages"
#define CORE_TEMPLATE	"/tmp/ptlab-core.XXXXXX"

/* A page the test owns, pinned by a user map so that it cannot move. */
#define PINNED_IOVA	(64 * SZ_1G)
#define NR_OWN		8

FIXTURE(phys) {
	struct baseline base;
	struct space sp;
	const struct iomem *io;
	__u64 mmio;		/* a page with no System RAM */
	struct buf b;		/* NR_OWN pages mapped at PINNED_IOVA */
	__u64 pa[NR_OWN];
};

FIXTURE_SETUP(phys)
{
	take_baseline(_metadata, &self->base);
	space_open(_metadata, &self->sp, 0, 0);
	self->io = iomem_get();
	ASSERT_NE(NULL, self->io) TH_LOG("/proc/iomem needs root");
	if (!iomem_find_mmio(self->io, SZ_4K, &self->mmio))
		SKIP(return, "/proc/iomem lists no page outside System RAM");
	alloc_or_die(_metadata, &self->b, NR_OWN * SZ_4K, false);
	fill_unique(&self->b);
	map_ok(_metadata, &self->sp, PINNED_IOVA, self->b.p, NR_OWN * SZ_4K,
	       PT_RW);
	ASSERT_EQ(0, pagemap_pas(self->b.p, NR_OWN, self->pa));
	TH_LOG("MMIO page 0x%llx", self->mmio);
}

FIXTURE_TEARDOWN(phys)
{
	space_close(&self->sp);
	buf_free(&self->b);
}

/*
 * A RAM page mapped by address: RAM kind, the walk and the dump give that
 * address, the dump marks it phys-ram, and nothing is pinned for it, on map
 * or unmap (VmPin stays at what the user map pinned).
 */
TEST_F(phys, ram_page)
{
	const __u64 x = SZ_1G, y = 2 * SZ_1G;
	const size_t n = SZ_2M / SZ_4K;
	struct ptlab_walk w;
	size_t lo, hi;
	struct buf h;
	__u64 *pas;

	phys_ok(_metadata, &self->sp, x, self->pa[2], SZ_4K, PT_RW, 0,
		PTLAB_PHYS_RAM);
	ASSERT_EQ(0, pt_walk(self->sp.fd, self->sp.id, x + 0x567, &w));
	ASSERT_EQ(self->pa[2] + 0x567, w.out_pa);
	ASSERT_EQ(self->base.pin_kb + (long)(NR_OWN * 4), vmpin_kb());
	check_all(_metadata, &self->base, &self->sp);

	/*
	 * Two physically contiguous pages in one call: a THP has them, else
	 * the page allocator may. They are pinned by a user map first.
	 */
	alloc_or_die(_metadata, &h, SZ_2M, true);
	map_ok(_metadata, &self->sp, y, h.p, SZ_2M, PT_R);
	pas = calloc(n, sizeof(*pas));
	ASSERT_NE(NULL, pas);
	ASSERT_EQ(0, pagemap_pas(h.p, n, pas));
	if (find_adjacent(pas, n, SZ_4K, &lo, &hi))
		phys_ok(_metadata, &self->sp, x + SZ_2M, pas[lo], SZ_8K,
			PT_R | PTLAB_PROT_CACHE | PTLAB_PROT_EXEC, 0,
			PTLAB_PHYS_RAM);
	else
		TH_LOG("no two contiguous pages: one-page maps only");
	free(pas);
	check_all(_metadata, &self->base, &self->sp);

	/* Unmapping unpins nothing: VmPin stays. */
	unmap_check(_metadata, &self->base, &self->sp, x, SZ_4K);
	unmap_check(_metadata, &self->base, &self->sp, x + SZ_2M, SZ_8K);
	ASSERT_EQ(self->base.pin_kb + (long)(NR_OWN * 4 + 2048), vmpin_kb());
	/* The pins of the user maps are still whole. */
	unmap_check(_metadata, &self->base, &self->sp, y, SZ_2M);
	unmap_check(_metadata, &self->base, &self->sp, PINNED_IOVA,
		    NR_OWN * SZ_4K);
	ASSERT_EQ(self->base.pin_kb, vmpin_kb());
	buf_free(&h);
}

/*
 * Ranges without System RAM map as MMIO, in pages, blocks and forced page
 * sizes, marked phys-mmio in the dump, pinning nothing.
 */
TEST_F(phys, mmio)
{
	__u64 pa;

	phys_ok(_metadata, &self->sp, 2 * SZ_1G, self->mmio, SZ_4K,
		PT_RW | PTLAB_PROT_MMIO, 0, PTLAB_PHYS_MMIO);
	check_all(_metadata, &self->base, &self->sp);
	if (iomem_find_mmio(self->io, SZ_4M, &pa)) {
		TH_LOG("4M without RAM at 0x%llx", pa);
		/* A 2M block, then a page. */
		phys_ok(_metadata, &self->sp, 4 * SZ_1G, pa, SZ_2M + SZ_4K,
			PT_RW | PTLAB_PROT_MMIO, 0, PTLAB_PHYS_MMIO);
		ASSERT_EQ(1UL, model_count_size(&self->sp.m, SZ_2M));
		/* The same 2M forced into pages. */
		phys_ok(_metadata, &self->sp, 6 * SZ_1G, pa, SZ_2M, PT_R,
			SZ_4K, PTLAB_PHYS_MMIO);
		check_all(_metadata, &self->base, &self->sp);
	} else {
		TH_LOG("no 4M without RAM: no MMIO blocks");
	}
	if (iomem_find_mmio(self->io, SZ_1G, &pa)) {
		TH_LOG("1G without RAM at 0x%llx", pa);
		phys_ok(_metadata, &self->sp, 8 * SZ_1G, pa, SZ_1G,
			PT_RW | PTLAB_PROT_MMIO | PTLAB_PROT_PRIV, 0,
			PTLAB_PHYS_MMIO);
		ASSERT_EQ(1UL, model_count_size(&self->sp.m, SZ_1G));
		check_all(_metadata, &self->base, &self->sp);
	}
	while (self->sp.m.nr > NR_OWN)
		unmap_check(_metadata, &self->base, &self->sp,
			    self->sp.m.leaves[0].iova, SZ_1G);
	ASSERT_EQ(self->base.pin_kb + (long)(NR_OWN * 4), vmpin_kb());
}

/*
 * The checked borrow refuses what is neither ordinary RAM nor free of it:
 * RAM next to non-RAM, a page only partly RAM, and reserved RAM (the
 * kernel's own code).
 */
TEST_F(phys, refused_ranges)
{
	struct ptlab_map_phys req;
	__u64 pa;

	if (iomem_find_mixed(self->io, &pa)) {
		TH_LOG("RAM and non-RAM at 0x%llx", pa);
		req = phys_req(self->sp.id, SZ_1G, pa, SZ_8K, PT_R);
		phys_fails(_metadata, &self->base, &self->sp, &req, -EINVAL,
			   "RAM and non-RAM");
	} else {
		TH_LOG("no page-aligned edge of System RAM");
	}
	if (iomem_find_partial(self->io, &pa)) {
		TH_LOG("page 0x%llx is partly RAM", pa);
		req = phys_req(self->sp.id, SZ_1G, pa, SZ_4K, PT_R);
		phys_fails(_metadata, &self->base, &self->sp, &req, -EINVAL,
			   "page partly RAM");
	}
	ASSERT_TRUE(iomem_find_named(self->io, "Kernel code", &pa))
		TH_LOG("no Kernel code in /proc/iomem");
	TH_LOG("kernel code at 0x%llx", pa);
	req = phys_req(self->sp.id, SZ_1G, pa, SZ_4K, PT_R);
	phys_fails(_metadata, &self->base, &self->sp, &req, -EINVAL,
		   "reserved RAM");
	req = phys_req(self->sp.id, SZ_1G, pa, SZ_64K, PT_R);
	phys_fails(_metadata, &self->base, &self->sp, &req, -EINVAL,
		   "reserved RAM, 16 pages");
	/* Ordinary RAM followed by a reserved page is still refused. */
	req = phys_req(self->sp.id, SZ_1G, pa - SZ_4K, SZ_8K, PT_R);
	if (iomem_ram_in(self->io, pa - SZ_4K, pa - 1))
		phys_fails(_metadata, &self->base, &self->sp, &req, -EINVAL,
			   "RAM then reserved RAM");
}

struct bad_phys {
	const char *what;
	__u64 iova;
	__u64 pa_off;		/* added to the MMIO page */
	__u64 length;
	__u32 prot;
	__u64 pgsize;
	__u32 flags;
	__u32 reserved;
	int err;
};

#define PFREE	(SZ_1G + SZ_2M)	/* 2M aligned; nothing mapped there */

static const struct bad_phys bad_phys[] = {
	{ "iova odd", PFREE + 1, 0, SZ_4K, PT_R, 0, 0, 0, -EINVAL },
	{ "iova not 4K aligned", PFREE + 0x800, 0, SZ_4K, PT_R, 0, 0, 0,
	  -EINVAL },
	{ "pa odd", PFREE, 1, SZ_4K, PT_R, 0, 0, 0, -EINVAL },
	{ "pa not 4K aligned", PFREE, 0x800, SZ_4K, PT_R, 0, 0, 0, -EINVAL },
	{ "length 0", PFREE, 0, 0, PT_R, 0, 0, 0, -EINVAL },
	{ "length 1", PFREE, 0, 1, PT_R, 0, 0, 0, -EINVAL },
	{ "length not 4K aligned", PFREE, 0, 0x1800, PT_R, 0, 0, 0, -EINVAL },
	{ "iova at 2^48", TOP(48), 0, SZ_4K, PT_R, 0, 0, 0, -EINVAL },
	{ "end past 2^48", TOP(48) - SZ_4K, 0, SZ_8K, PT_R, 0, 0, 0, -EINVAL },
	{ "iova + length wraps", ~0ULL - 0xfff, 0, SZ_8K, PT_R, 0, 0, 0,
	  -EINVAL },
	{ "prot 0", PFREE, 0, SZ_4K, 0, 0, 0, 0, -EINVAL },
	{ "prot write only", PFREE, 0, SZ_4K, PTLAB_PROT_WRITE, 0, 0, 0,
	  -EINVAL },
	{ "prot bit 6", PFREE, 0, SZ_4K, PT_R | 1U << 6, 0, 0, 0, -EOPNOTSUPP },
	{ "prot bit 31", PFREE, 0, SZ_4K, PT_R | 1U << 31, 0, 0, 0,
	  -EOPNOTSUPP },
	{ "prot cache and mmio", PFREE, 0, SZ_4K,
	  PT_R | PTLAB_PROT_CACHE | PTLAB_PROT_MMIO, 0, 0, 0, -EINVAL },
	{ "flags 1", PFREE, 0, SZ_4K, PT_R, 0, 1, 0, -EOPNOTSUPP },
	{ "flags 1<<31", PFREE, 0, SZ_4K, PT_R, 0, 1U << 31, 0, -EOPNOTSUPP },
	{ "reserved", PFREE, 0, SZ_4K, PT_R, 0, 0, 1, -EINVAL },
	{ "pgsize 8K", PFREE, 0, SZ_8K, PT_R, SZ_8K, 0, 0, -EINVAL },
	{ "pgsize 3", PFREE, 0, SZ_4K, PT_R, 3, 0, 0, -EINVAL },
	{ "pgsize 512G", PFREE, 0, SZ_4K, PT_R, SZ_512G, 0, 0, -EINVAL },
	{ "pgsize 2M, length 4K", PFREE, 0, SZ_4K, PT_R, SZ_2M, 0, 0,
	  -EINVAL },
	{ "pgsize 2M, iova 4K aligned", PFREE + SZ_4K, 0, SZ_2M, PT_R, SZ_2M,
	  0, 0, -EINVAL },
};

/*
 * Each bad input gets the errno map_user gives it, maps nothing, and
 * leaves no physical record behind: a user map over the same IOVAs is then
 * pinned and accounted as usual.
 */
TEST_F(phys, bad_inputs)
{
	const struct bad_phys *bp;
	struct ptlab_map_phys req;
	__u64 pa;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad_phys); i++) {
		bp = &bad_phys[i];
		req = phys_req(self->sp.id, bp->iova, self->mmio + bp->pa_off,
			       bp->length, bp->prot);
		req.pgsize = bp->pgsize;
		req.flags = bp->flags;
		req.__reserved = bp->reserved;
		phys_fails(_metadata, &self->base, &self->sp, &req, bp->err,
			   bp->what);
	}
	/* Physical addresses the output size or the address width refuse. */
	req = phys_req(self->sp.id, PFREE, TOP(ARM_OAS), SZ_4K, PT_R);
	phys_fails(_metadata, &self->base, &self->sp, &req, -EINVAL,
		   "pa at 2^oas");
	req = phys_req(self->sp.id, PFREE, TOP(ARM_OAS) - SZ_4K, SZ_8K, PT_R);
	phys_fails(_metadata, &self->base, &self->sp, &req, -EINVAL,
		   "end past 2^oas");
	req = phys_req(self->sp.id, PFREE, ~0ULL - 0xfff, SZ_8K, PT_R);
	phys_fails(_metadata, &self->base, &self->sp, &req, -EINVAL,
		   "pa + length wraps");
	/* A forced 2M page needs a 2M-aligned physical address too. */
	if (iomem_find_mmio(self->io, SZ_4M, &pa)) {
		req = phys_req(self->sp.id, PFREE, pa + SZ_4K, SZ_2M, PT_R);
		req.pgsize = SZ_2M;
		phys_fails(_metadata, &self->base, &self->sp, &req, -EINVAL,
			   "pgsize 2M, pa 4K aligned");
	}
	/* Whatever the failures recorded, user memory there is pinned. */
	map_ok(_metadata, &self->sp, PFREE, self->b.p, 2 * SZ_4K, PT_RW);
	check_all(_metadata, &self->base, &self->sp);
	unmap_check(_metadata, &self->base, &self->sp, PFREE, 2 * SZ_4K);
	map_ok(_metadata, &self->sp, TOP(48) - SZ_4K, self->b.p, SZ_4K, PT_R);
	unmap_check(_metadata, &self->base, &self->sp, TOP(48) - SZ_4K, SZ_4K);
	ASSERT_EQ(self->base.pin_kb + (long)(NR_OWN * 4), vmpin_kb());
}

/* Without CAP_SYS_RAWIO, physical maps are refused; user maps still work. */
TEST_F(phys, needs_cap_sys_rawio)
{
	struct ptlab_map_phys req;

	ASSERT_EQ(1, cap_effective(CAP_SYS_RAWIO));
	ASSERT_EQ(0, drop_cap(CAP_SYS_RAWIO));
	ASSERT_EQ(0, cap_effective(CAP_SYS_RAWIO));
	req = phys_req(self->sp.id, SZ_1G, self->mmio, SZ_4K, PT_R);
	phys_fails(_metadata, &self->base, &self->sp, &req, -EPERM,
		   "MMIO without CAP_SYS_RAWIO");
	req = phys_req(self->sp.id, SZ_1G, self->pa[0], SZ_4K, PT_R);
	phys_fails(_metadata, &self->base, &self->sp, &req, -EPERM,
		   "RAM without CAP_SYS_RAWIO");
	map_ok(_metadata, &self->sp, SZ_1G, self->b.p, SZ_4K, PT_R);
	check_all(_metadata, &self->base, &self->sp);
}

/* Physical and user maps refuse to overlap each other, either way round. */
TEST_F(phys, overlap)
{
	const __u64 x = 3 * SZ_1G;
	struct ptlab_map_user ureq;
	struct ptlab_map_phys req;

	req = phys_req(self->sp.id, PINNED_IOVA + SZ_4K, self->mmio, SZ_4K,
		       PT_R);
	phys_fails(_metadata, &self->base, &self->sp, &req, -EADDRINUSE,
		   "inside a user map");
	req = phys_req(self->sp.id, PINNED_IOVA - SZ_4K, self->pa[0], SZ_8K,
		       PT_R);
	phys_fails(_metadata, &self->base, &self->sp, &req, -EADDRINUSE,
		   "across the start of a user map");
	phys_ok(_metadata, &self->sp, x, self->mmio, SZ_4K, PT_RW, 0,
		PTLAB_PHYS_MMIO);
	phys_ok(_metadata, &self->sp, x + SZ_4K, self->pa[1], SZ_4K, PT_RW, 0,
		PTLAB_PHYS_RAM);
	req = phys_req(self->sp.id, x, self->mmio, SZ_4K, PT_R);
	phys_fails(_metadata, &self->base, &self->sp, &req, -EADDRINUSE,
		   "same IOVA again");
	req = phys_req(self->sp.id, x + SZ_4K, self->mmio, SZ_8K, PT_R);
	phys_fails(_metadata, &self->base, &self->sp, &req, -EADDRINUSE,
		   "over the end of physical maps");
	ureq = map_req(self->sp.id, x - SZ_4K, self->b.p, SZ_8K, PT_R);
	map_fails(_metadata, &self->base, &self->sp, &ureq, -EADDRINUSE,
		  "user map across a physical map");
	ureq = map_req(self->sp.id, x + SZ_4K, self->b.p, SZ_4K, PT_R);
	map_fails(_metadata, &self->base, &self->sp, &ureq, -EADDRINUSE,
		  "user map on a physical map");
	/* Right before and right after. */
	map_ok(_metadata, &self->sp, x - SZ_4K, self->b.p, SZ_4K, PT_R);
	phys_ok(_metadata, &self->sp, x + SZ_8K, self->mmio, SZ_4K, PT_R, 0,
		PTLAB_PHYS_MMIO);
	check_all(_metadata, &self->base, &self->sp);
}

/*
 * What is left of a physical mapping after unmap must never make a later
 * user map at the same IOVAs unpinned (or a physical map pinned): VmPin
 * follows the pins exactly through map and unmap, and the dump marks only
 * what is physical now.
 */
TEST_F(phys, stale_records)
{
	const __u64 x = 5 * SZ_1G;
	int i;

	phys_ok(_metadata, &self->sp, x, self->mmio, SZ_4K, PT_RW, 0,
		PTLAB_PHYS_MMIO);
	phys_ok(_metadata, &self->sp, x + SZ_4K, self->pa[1], SZ_4K, PT_RW, 0,
		PTLAB_PHYS_RAM);
	phys_ok(_metadata, &self->sp, x + SZ_8K, self->mmio, SZ_4K, PT_RW, 0,
		PTLAB_PHYS_MMIO);
	unmap_check(_metadata, &self->base, &self->sp, x, SZ_16K);
	/* Over all of them and one page more. */
	map_ok(_metadata, &self->sp, x, self->b.p + 4 * SZ_4K, 4 * SZ_4K,
	       PT_RW);
	check_all(_metadata, &self->base, &self->sp);
	unmap_check(_metadata, &self->base, &self->sp, x, SZ_16K);

	/* Half of a physical range unmapped, a user map in that half. */
	for (i = 0; i < 4; i++)
		phys_ok(_metadata, &self->sp, x + i * SZ_4K, self->mmio, SZ_4K,
			PT_R, 0, PTLAB_PHYS_MMIO);
	unmap_check(_metadata, &self->base, &self->sp, x, SZ_8K);
	map_ok(_metadata, &self->sp, x, self->b.p + 4 * SZ_4K, SZ_8K, PT_R);
	check_all(_metadata, &self->base, &self->sp);
	unmap_check(_metadata, &self->base, &self->sp, x, SZ_16K);

	/* The other way round: a user map's IOVAs later mapped by address. */
	map_ok(_metadata, &self->sp, x, self->b.p + 4 * SZ_4K, SZ_8K, PT_RW);
	unmap_check(_metadata, &self->base, &self->sp, x, SZ_8K);
	phys_ok(_metadata, &self->sp, x, self->pa[5], SZ_4K, PT_RW, 0,
		PTLAB_PHYS_RAM);
	phys_ok(_metadata, &self->sp, x + SZ_4K, self->mmio, SZ_4K, PT_RW, 0,
		PTLAB_PHYS_MMIO);
	check_all(_metadata, &self->base, &self->sp);
	unmap_check(_metadata, &self->base, &self->sp, x, SZ_8K);
	ASSERT_EQ(self->base.pin_kb + (long)(NR_OWN * 4), vmpin_kb());
}

/* The extensible-struct rules hold for MAP_PHYS too. */
TEST_F(phys, size_rules)
{
	struct ptlab_map_phys req = phys_req(self->sp.id, SZ_1G, self->mmio,
					     SZ_4K, PT_R);

	check_size_rules(_metadata, self->sp.fd, PTLAB_IOCTL_MAP_PHYS, &req);
	ASSERT_EQ(SZ_4K, req.out_mapped);
	ASSERT_EQ((__u32)PTLAB_PHYS_MMIO, req.out_kind);
	ASSERT_EQ(0, model_add_phys(&self->sp.m, SZ_1G, self->mmio, SZ_4K,
				    PT_R, 0, PTLAB_PHYS_MMIO));
	check_all(_metadata, &self->base, &self->sp);
}

/* --- snapshots --- */

/*
 * The ioctl's core, written to @out from its start: out_bytes is the file's
 * size and its new position. Returns the core (free() it).
 */
static unsigned char *snapshot_ioctl(struct __test_metadata *_metadata,
				     const struct space *s, int out,
				     size_t *len)
{
	unsigned char *data;
	struct stat st;
	__u64 bytes;

	ASSERT_EQ(0, ftruncate(out, 0));
	ASSERT_EQ(0, lseek(out, 0, SEEK_SET));
	ASSERT_EQ(0, pt_snapshot(s->fd, s->id, out, 0, &bytes))
		TH_LOG("snapshot: %s", strerror(errno));
	ASSERT_EQ(0, fstat(out, &st));
	ASSERT_EQ((__u64)st.st_size, bytes);
	ASSERT_EQ((off_t)bytes, lseek(out, 0, SEEK_CUR));
	data = malloc(bytes + 1);
	ASSERT_NE(NULL, data);
	ASSERT_EQ((ssize_t)bytes, pread(out, data, bytes, 0));
	*len = bytes;
	return data;
}

/* debugfs <id>/snapshot read with read() calls of @chunk bytes. */
static unsigned char *snapshot_debugfs(struct __test_metadata *_metadata,
				       __u32 id, size_t chunk, size_t *len)
{
	unsigned char *data;
	char path[128];

	debugfs_path(path, sizeof(path), id, "snapshot");
	data = read_path(path, chunk, len);
	ASSERT_NE(NULL, data) TH_LOG("%s: %s", path, strerror(errno));
	return data;
}

/* debugfs must give exactly @want, read @chunk bytes at a time. */
static void check_debugfs_same(struct __test_metadata *_metadata, __u32 id,
			       const unsigned char *want, size_t len,
			       size_t chunk)
{
	unsigned char *got;
	size_t got_len;

	got = snapshot_debugfs(_metadata, id, chunk, &got_len);
	ASSERT_EQ(len, got_len) TH_LOG("read in chunks of %zu", chunk);
	ASSERT_EQ(0, memcmp(want, got, len)) TH_LOG("chunks of %zu", chunk);
	free(got);
}

/* `cat` of the debugfs file must give exactly @want. */
static void check_cat_same(struct __test_metadata *_metadata, __u32 id,
			   const unsigned char *want, size_t len)
{
	char path[] = CORE_TEMPLATE, cmd[256];
	unsigned char *got;
	size_t got_len;
	int fd;

	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	close(fd);
	snprintf(cmd, sizeof(cmd), "cat %s/%u/snapshot > %s", PTLAB_DEBUGFS,
		 id, path);
	ASSERT_EQ(0, system(cmd)) TH_LOG("%s", cmd);
	got = read_path(path, SZ_64K, &got_len);
	unlink(path);
	ASSERT_NE(NULL, got);
	ASSERT_EQ(len, got_len);
	ASSERT_EQ(0, memcmp(want, got, len));
	free(got);
}

FIXTURE(snap) {
	struct baseline base;
	struct space sp;
	char path[sizeof(CORE_TEMPLATE)];
	int out;		/* the file snapshots go to, at path */
	struct pa_map pm;
	struct buf a, h;
};

FIXTURE_SETUP(snap)
{
	take_baseline(_metadata, &self->base);
	space_open(_metadata, &self->sp, 0, 0);
	snprintf(self->path, sizeof(self->path), "%s", CORE_TEMPLATE);
	self->out = mkstemp(self->path);
	ASSERT_LE(0, self->out) TH_LOG("mkstemp: %s", strerror(errno));
}

FIXTURE_TEARDOWN(snap)
{
	if (self->out >= 0) {
		close(self->out);
		unlink(self->path);
	}
	pa_map_free(&self->pm);
	space_close(&self->sp);
	buf_free(&self->a);
	buf_free(&self->h);
}

/*
 * A space with runs of every kind: user pages in runs split by prot, a
 * block if THP gives one, one of the test's pages mapped by address, and
 * MMIO pages and blocks.
 */
static void snap_populate(struct __test_metadata *_metadata,
			  const struct baseline *base, struct space *s,
			  struct buf *a, struct buf *h, struct pa_map *pm)
{
	const struct iomem *io = iomem_get();
	__u64 pa;

	alloc_or_die(_metadata, a, 8 * SZ_4K, false);
	alloc_or_die(_metadata, h, SZ_2M, true);
	fill_unique(a);
	fill_unique(h);
	map_ok(_metadata, s, SZ_1G, a->p, 4 * SZ_4K, PT_RW);
	map_ok(_metadata, s, SZ_1G + SZ_16K, a->p + 4 * SZ_4K, 2 * SZ_4K,
	       PT_R | PTLAB_PROT_EXEC);
	map_ok(_metadata, s, 3 * SZ_1G, a->p + 6 * SZ_4K, SZ_4K,
	       PT_RW | PTLAB_PROT_EXEC | PTLAB_PROT_PRIV);
	map_ok(_metadata, s, 4 * SZ_1G, h->p, SZ_2M,
	       PT_RW | PTLAB_PROT_CACHE);
	ASSERT_EQ(0, pagemap_pas(a->p + 7 * SZ_4K, 1, &pa));
	/* Also mapped as user memory, so that it stays put. */
	map_ok(_metadata, s, 5 * SZ_1G, a->p + 7 * SZ_4K, SZ_4K, PT_R);
	phys_ok(_metadata, s, 5 * SZ_1G + SZ_64K, pa, SZ_4K, PT_R, 0,
		PTLAB_PHYS_RAM);
	ASSERT_NE(NULL, io);
	ASSERT_TRUE(iomem_find_mmio(io, SZ_4K, &pa));
	phys_ok(_metadata, s, 6 * SZ_1G, pa, SZ_4K, PT_RW | PTLAB_PROT_MMIO,
		0, PTLAB_PHYS_MMIO);
	if (iomem_find_mmio(io, SZ_2M, &pa))
		phys_ok(_metadata, s, 7 * SZ_1G, pa, SZ_2M,
			PT_R | PTLAB_PROT_MMIO, 0, PTLAB_PHYS_MMIO);
	check_all(_metadata, base, s);
	pa_map_add(_metadata, pm, a);
	pa_map_add(_metadata, pm, h);
}

/* An empty space: the core holds the note and nothing else. */
TEST_F(snap, empty_space)
{
	unsigned char *data;
	struct core c;
	size_t len;

	data = snapshot_ioctl(_metadata, &self->sp, self->out, &len);
	parse_core(_metadata, data, len, &c);
	ASSERT_EQ(1UL, c.phnum);
	ASSERT_EQ((__u32)PT_NOTE, c.ph[0].p_type);
	check_core_note(_metadata, &c, &self->sp);
	check_core_loads(_metadata, &c, &self->sp, &self->pm);
	check_debugfs_same(_metadata, self->sp.id, data, len, SZ_4K);
	check_cat_same(_metadata, self->sp.id, data, len);
	free(data);
}

/*
 * Runs of every kind: the loads, their contents and the note, from the
 * ioctl; debugfs (read() and cat) gives the same bytes; and the core
 * follows an unmap.
 */
TEST_F(snap, contents)
{
	unsigned char *data;
	size_t len;

	snap_populate(_metadata, &self->base, &self->sp, &self->a, &self->h,
		      &self->pm);
	data = snapshot_ioctl(_metadata, &self->sp, self->out, &len);
	check_core(_metadata, data, len, &self->sp, &self->pm);
	check_debugfs_same(_metadata, self->sp.id, data, len, SZ_64K);
	check_cat_same(_metadata, self->sp.id, data, len);
	free(data);

	/* Memory the device wrote (the test, here) is in the next core. */
	fill_unique(&self->a);
	unmap_check(_metadata, &self->base, &self->sp, SZ_1G, SZ_8K);
	data = snapshot_ioctl(_metadata, &self->sp, self->out, &len);
	check_core(_metadata, data, len, &self->sp, &self->pm);
	check_debugfs_same(_metadata, self->sp.id, data, len, SZ_1M);
	free(data);
}

/*
 * Runs join across page sizes and split on prot and kind: a 2M block and
 * the 4K pages that continue it in IOVA and PA are one PT_LOAD (two dump
 * lines); the same run with another prot, or mapped by address, is not.
 * Needs physically contiguous memory, which pagemap must show.
 */
TEST_F(snap, run_boundaries)
{
	const __u64 y = 10 * SZ_1G;
	const size_t per_thp = SZ_2M / SZ_4K, n = 8 * per_thp;
	struct ptlab_map_user req;
	struct run runs[8];
	unsigned char *data;
	size_t i, lo, hi, len;
	__u64 *pas;

	alloc_or_die(_metadata, &self->h, 8 * SZ_2M, true);
	fill_unique(&self->h);
	pas = calloc(n, sizeof(*pas));
	ASSERT_NE(NULL, pas);
	ASSERT_EQ(0, pagemap_pas(self->h.p, n, pas));
	for (i = 0; i + 2 < n; i++)
		if (pas_contiguous(pas, i, 3))
			break;
	if (i + 2 == n)
		SKIP(return, "no three physically contiguous pages");
	/* One prot, then another, then the next page by address. */
	map_ok(_metadata, &self->sp, y, self->h.p + i * SZ_4K, SZ_4K, PT_RW);
	map_ok(_metadata, &self->sp, y + SZ_4K, self->h.p + (i + 1) * SZ_4K,
	       SZ_4K, PT_R);
	phys_ok(_metadata, &self->sp, y + SZ_8K, pas[i + 2], SZ_4K, PT_R, 0,
		PTLAB_PHYS_RAM);
	/* Keep that page pinned: mapped by address it is not. */
	map_ok(_metadata, &self->sp, y + SZ_1G, self->h.p + (i + 2) * SZ_4K,
	       SZ_4K, PT_R);
	ASSERT_EQ(4UL, model_runs(&self->sp.m, runs, false));
	check_all(_metadata, &self->base, &self->sp);

	if (find_adjacent(pas, n, SZ_2M, &lo, &hi) &&
	    is_huge_backed(self->h.p + lo * SZ_4K) &&
	    is_huge_backed(self->h.p + hi * SZ_4K)) {
		map_ok(_metadata, &self->sp, y + SZ_4M, self->h.p + lo * SZ_4K,
		       SZ_2M, PT_RW);
		req = map_req(self->sp.id, y + SZ_4M + SZ_2M,
			      self->h.p + hi * SZ_4K, SZ_64K, PT_RW);
		map_ok_req(_metadata, &self->sp, &req);
		ASSERT_EQ(1UL, model_count_size(&self->sp.m, SZ_2M));
		/* One run in the core, a block line and a page line in the dump. */
		ASSERT_EQ(5UL, model_runs(&self->sp.m, runs, false));
		ASSERT_EQ(6UL, model_runs(&self->sp.m, runs, true));
		check_all(_metadata, &self->base, &self->sp);
	} else {
		TH_LOG("no two adjacent THPs: runs across page sizes untested");
	}
	pa_map_add(_metadata, &self->pm, &self->h);
	data = snapshot_ioctl(_metadata, &self->sp, self->out, &len);
	check_core(_metadata, data, len, &self->sp, &self->pm);
	check_debugfs_same(_metadata, self->sp.id, data, len, SZ_64K);
	free(data);
	free(pas);
}

/*
 * More runs than a read() window holds: debugfs gives the same bytes
 * whatever the read sizes and offsets, and nothing past the end.
 */
TEST_F_TIMEOUT(snap, small_reads, 300)
{
	const size_t nr = 150, sizes[] = { 7, 4093, SZ_4K, SZ_1M };
	unsigned char *want, *got, byte;
	size_t i, len, off, n;
	unsigned int seed = 1;
	char path[128];
	ssize_t r;
	int fd;

	alloc_or_die(_metadata, &self->a, nr * SZ_4K, false);
	fill_unique(&self->a);
	for (i = 0; i < nr; i++)
		map_ok(_metadata, &self->sp, SZ_1G + 2 * i * SZ_4K,
		       self->a.p + i * SZ_4K, SZ_4K, PT_R);
	pa_map_add(_metadata, &self->pm, &self->a);
	want = snapshot_ioctl(_metadata, &self->sp, self->out, &len);
	check_core(_metadata, want, len, &self->sp, &self->pm);
	ASSERT_LT(2 * SZ_4K, nr * sizeof(struct elf64_phdr));

	debugfs_path(path, sizeof(path), self->sp.id, "snapshot");
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd);
	/* Byte by byte through the headers and into the data. */
	for (off = 0; off < 4 * SZ_4K; off++) {
		ASSERT_EQ(1, read(fd, &byte, 1)) TH_LOG("offset %zu", off);
		ASSERT_EQ(want[off], byte) TH_LOG("offset %zu", off);
	}
	close(fd);
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		check_debugfs_same(_metadata, self->sp.id, want, len, sizes[i]);

	/* pread at odd offsets and lengths, across and past the end. */
	got = malloc(3 * SZ_4K);
	ASSERT_NE(NULL, got);
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd);
	for (i = 0; i < 400; i++) {
		off = rand_r(&seed) % (len + SZ_8K);
		n = 1 + rand_r(&seed) % (3 * SZ_4K);
		if (i % 4 == 0)
			off = len - rand_r(&seed) % SZ_4K;
		r = pread(fd, got, n, off);
		ASSERT_EQ((ssize_t)(off >= len ? 0 : n < len - off ? n :
				    len - off), r)
			TH_LOG("pread %zu at %zu", n, off);
		if (r > 0)
			ASSERT_EQ(0, memcmp(want + off, got, r))
				TH_LOG("pread %zu at %zu", n, off);
	}
	/* A stream of unknown size: at and past the end, nothing. */
	ASSERT_EQ((off_t)len, lseek(fd, len, SEEK_SET));
	ASSERT_EQ(0, read(fd, got, 1));
	ASSERT_EQ((off_t)len + 5, lseek(fd, len + 5, SEEK_SET));
	ASSERT_EQ(0, read(fd, got, SZ_4K));
	ASSERT_EQ(0, pread(fd, got, SZ_4K, 1LL << 62));
	close(fd);
	free(got);
	free(want);
}

/* Files the core cannot go to, bad flags, and unknown ids. */
TEST_F(snap, bad_args)
{
	int ro, path_fd, closed, pipefd[2];
	struct stat st;
	__u64 bytes;

	alloc_or_die(_metadata, &self->a, SZ_4K, false);
	map_ok(_metadata, &self->sp, SZ_1G, self->a.p, SZ_4K, PT_R);
	ro = open(self->path, O_RDONLY);
	ASSERT_LE(0, ro);
	ASSERT_EQ(-EBADF, pt_snapshot(self->sp.fd, self->sp.id, ro, 0,
				      &bytes));
	ASSERT_EQ(0ULL, bytes);
	path_fd = open(self->path, O_PATH);
	ASSERT_LE(0, path_fd);
	ASSERT_EQ(-EBADF, pt_snapshot(self->sp.fd, self->sp.id, path_fd, 0,
				      &bytes));
	ASSERT_EQ(0, pipe(pipefd));
	ASSERT_EQ(-EBADF, pt_snapshot(self->sp.fd, self->sp.id, pipefd[0], 0,
				      &bytes));
	closed = dup(self->out);
	ASSERT_LE(0, closed);
	close(closed);
	ASSERT_EQ(-EBADF, pt_snapshot(self->sp.fd, self->sp.id, closed, 0,
				      &bytes));
	ASSERT_EQ(-EBADF, pt_snapshot(self->sp.fd, self->sp.id, -1, 0,
				      &bytes));
	ASSERT_EQ(-EBADF, pt_snapshot(self->sp.fd, self->sp.id, 0x7fffffff, 0,
				      &bytes));
	ASSERT_EQ(0ULL, bytes);
	ASSERT_EQ(-EOPNOTSUPP, pt_snapshot(self->sp.fd, self->sp.id,
					   self->out, 1, &bytes));
	ASSERT_EQ(-EOPNOTSUPP, pt_snapshot(self->sp.fd, self->sp.id,
					   self->out, 1U << 31, &bytes));
	ASSERT_EQ(0ULL, bytes);
	ASSERT_EQ(-ENOENT, pt_snapshot(self->sp.fd, self->sp.id + 1000,
				       self->out, 0, &bytes));
	/* None of them wrote anything. */
	ASSERT_EQ(0, fstat(self->out, &st));
	ASSERT_EQ(0, st.st_size);
	ASSERT_EQ(0, lseek(self->out, 0, SEEK_CUR));
	close(ro);
	close(path_fd);
	close(pipefd[0]);
	close(pipefd[1]);
	check_all(_metadata, &self->base, &self->sp);
}

/*
 * The extensible-struct rules: the calls refused write nothing, so the file
 * holds exactly the one core of the call that succeeded.
 */
TEST_F(snap, size_rules)
{
	struct ptlab_snapshot sn = {
		.size = sizeof(sn), .id = self->sp.id, .fd = self->out,
	};
	unsigned char *data;
	struct stat st;

	alloc_or_die(_metadata, &self->a, SZ_4K, false);
	fill_unique(&self->a);
	map_ok(_metadata, &self->sp, SZ_1G, self->a.p, SZ_4K, PT_R);
	pa_map_add(_metadata, &self->pm, &self->a);
	check_size_rules(_metadata, self->sp.fd, PTLAB_IOCTL_SNAPSHOT, &sn);
	ASSERT_EQ(0, fstat(self->out, &st));
	ASSERT_EQ((__u64)st.st_size, sn.out_bytes);
	data = malloc(sn.out_bytes);
	ASSERT_NE(NULL, data);
	ASSERT_EQ((ssize_t)sn.out_bytes, pread(self->out, data, sn.out_bytes,
					       0));
	check_core(_metadata, data, sn.out_bytes, &self->sp, &self->pm);
	free(data);
}

/* The core goes where the file position is, and moves it. */
TEST_F(snap, file_position)
{
	static const char prefix[] = "ptlab!";
	const size_t plen = sizeof(prefix) - 1;
	unsigned char *want, *got;
	__u64 bytes, bytes2;
	size_t len;

	alloc_or_die(_metadata, &self->a, 2 * SZ_4K, false);
	fill_unique(&self->a);
	map_ok(_metadata, &self->sp, SZ_1G, self->a.p, 2 * SZ_4K, PT_RW);
	want = snapshot_ioctl(_metadata, &self->sp, self->out, &len);
	ASSERT_EQ(0, ftruncate(self->out, 0));
	ASSERT_EQ((ssize_t)plen, pwrite(self->out, prefix, plen, 0));
	ASSERT_EQ((off_t)plen, lseek(self->out, plen, SEEK_SET));
	ASSERT_EQ(0, pt_snapshot(self->sp.fd, self->sp.id, self->out, 0,
				 &bytes));
	ASSERT_EQ(len, bytes);
	ASSERT_EQ((off_t)(plen + len), lseek(self->out, 0, SEEK_CUR));
	ASSERT_EQ(0, pt_snapshot(self->sp.fd, self->sp.id, self->out, 0,
				 &bytes2));
	ASSERT_EQ(len, bytes2);
	ASSERT_EQ((off_t)(plen + 2 * len), lseek(self->out, 0, SEEK_END));
	got = malloc(plen + 2 * len);
	ASSERT_NE(NULL, got);
	ASSERT_EQ((ssize_t)(plen + 2 * len),
		  pread(self->out, got, plen + 2 * len, 0));
	ASSERT_EQ(0, memcmp(prefix, got, plen));
	ASSERT_EQ(0, memcmp(want, got + plen, len));
	ASSERT_EQ(0, memcmp(want, got + plen + len, len));
	free(got);
	free(want);
}

/*
 * A file that stops taking bytes (RLIMIT_FSIZE): the snapshot fails with
 * the write's error and reports the bytes it wrote, a prefix of the core.
 */
TEST_F(snap, write_error)
{
	unsigned char *want, *got;
	struct rlimit rl;
	struct stat st;
	__u64 bytes;
	size_t len;

	alloc_or_die(_metadata, &self->a, 8 * SZ_4K, false);
	fill_unique(&self->a);
	map_ok(_metadata, &self->sp, SZ_1G, self->a.p, 8 * SZ_4K, PT_RW);
	want = snapshot_ioctl(_metadata, &self->sp, self->out, &len);
	ASSERT_LT(3 * SZ_4K, len);
	ASSERT_EQ(0, ftruncate(self->out, 0));
	ASSERT_EQ(0, lseek(self->out, 0, SEEK_SET));
	ASSERT_NE(SIG_ERR, signal(SIGXFSZ, SIG_IGN));
	ASSERT_EQ(0, getrlimit(RLIMIT_FSIZE, &rl));
	rl.rlim_cur = 3 * SZ_4K;
	ASSERT_EQ(0, setrlimit(RLIMIT_FSIZE, &rl));
	ASSERT_EQ(-EFBIG, pt_snapshot(self->sp.fd, self->sp.id, self->out, 0,
				      &bytes));
	ASSERT_EQ(3 * SZ_4K, bytes);
	ASSERT_EQ(0, fstat(self->out, &st));
	ASSERT_EQ((off_t)bytes, st.st_size);
	ASSERT_EQ((off_t)bytes, lseek(self->out, 0, SEEK_CUR));
	got = malloc(bytes);
	ASSERT_NE(NULL, got);
	ASSERT_EQ((ssize_t)bytes, pread(self->out, got, bytes, 0));
	ASSERT_EQ(0, memcmp(want, got, bytes));
	free(got);
	free(want);
	check_all(_metadata, &self->base, &self->sp);
}

/* Is readelf on the PATH? */
static bool have_readelf(void)
{
	return !system("readelf --version >/dev/null 2>&1");
}

static const char *readelf_flags(__u32 f)
{
	static char s[4];

	s[0] = f & PF_R ? 'R' : ' ';
	s[1] = f & PF_W ? 'W' : ' ';
	s[2] = f & PF_X ? 'E' : ' ';
	return s;
}

/*
 * readelf -l -n must read @path as the core @c: a core file, the same
 * program headers in order, and the PTLAB note with the same bytes.
 */
static void check_readelf(struct __test_metadata *_metadata,
			  const char *path, const struct core *c)
{
	unsigned long long off, va, pa, fsz, msz;
	char cmd[256], *line = NULL, type[16], *p;
	bool is_core = false, in_note = false;
	size_t cap = 0, k = 0, nb = 0;
	unsigned int byte;
	long nr_ph = -1;
	const struct elf64_phdr *ph;
	int n, status;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "readelf -l -n -W %s 2>&1", path);
	f = popen(cmd, "r");
	ASSERT_NE(NULL, f);
	while (getline(&line, &cap, f) > 0) {
		if (strstr(line, "Elf file type is CORE"))
			is_core = true;
		if (sscanf(line, "There are %ld program headers", &nr_ph) == 1)
			continue;
		if (strstr(line, "There is 1 program header")) {
			nr_ph = 1;
			continue;
		}
		/* Then " %c%c%c " for R, W, E, spaces where clear. */
		if (sscanf(line, " %15s 0x%llx 0x%llx 0x%llx 0x%llx 0x%llx%n",
			   type, &off, &va, &pa, &fsz, &msz, &n) == 6 &&
		    (!strcmp(type, "LOAD") || !strcmp(type, "NOTE"))) {
			ASSERT_LT(k, c->phnum) TH_LOG("%s", line);
			ph = &c->ph[k++];
			ASSERT_STREQ(ph->p_type == PT_LOAD ? "LOAD" : "NOTE",
				     type);
			ASSERT_EQ(ph->p_offset, off) TH_LOG("%s", line);
			ASSERT_EQ(ph->p_vaddr, va) TH_LOG("%s", line);
			ASSERT_EQ(ph->p_paddr, pa) TH_LOG("%s", line);
			ASSERT_EQ(ph->p_filesz, fsz) TH_LOG("%s", line);
			ASSERT_EQ(ph->p_memsz, msz) TH_LOG("%s", line);
			ASSERT_EQ(' ', line[n]) TH_LOG("%s", line);
			ASSERT_EQ(0, strncmp(readelf_flags(ph->p_flags),
					     line + n + 1, 3)) TH_LOG("%s", line);
			continue;
		}
		if (strstr(line, "PTLAB") && strstr(line, "0x50544c01")) {
			ASSERT_NE(NULL, strstr(line, "0x00000040"))
				TH_LOG("%s", line);
			in_note = true;
			continue;
		}
		/* Its bytes, as readelf shows a note it does not know. */
		p = strstr(line, "description data:");
		if (in_note && p) {
			p += strlen("description data:");
			while (sscanf(p, " %2x%n", &byte, &n) == 1) {
				ASSERT_LT(nb, sizeof(c->note));
				ASSERT_EQ(c->note_raw[nb], byte)
					TH_LOG("note byte %zu", nb);
				nb++;
				p += n;
			}
		}
	}
	free(line);
	status = pclose(f);
	ASSERT_EQ(0, status) TH_LOG("%s", cmd);
	ASSERT_TRUE(is_core);
	ASSERT_EQ((long)c->phnum, nr_ph);
	ASSERT_EQ(c->phnum, k) TH_LOG("readelf listed %zu headers", k);
	ASSERT_TRUE(in_note) TH_LOG("readelf shows no PTLAB note");
	/* Older readelf prints no bytes of unknown notes; newer all of them. */
	ASSERT_TRUE(nb == 0 || nb == sizeof(c->note)) TH_LOG("%zu bytes", nb);
	TH_LOG("readelf: %zu program headers, %zu note bytes compared", k, nb);
}

/* readelf reads the cores as the test does, empty and full. */
TEST_F(snap, readelf)
{
	unsigned char *data;
	struct core c;
	size_t len;

	if (!have_readelf())
		SKIP(return, "no readelf (binutils)");
	data = snapshot_ioctl(_metadata, &self->sp, self->out, &len);
	parse_core(_metadata, data, len, &c);
	check_readelf(_metadata, self->path, &c);
	free(data);
	snap_populate(_metadata, &self->base, &self->sp, &self->a, &self->h,
		      &self->pm);
	data = snapshot_ioctl(_metadata, &self->sp, self->out, &len);
	check_core(_metadata, data, len, &self->sp, &self->pm);
	parse_core(_metadata, data, len, &c);
	check_readelf(_metadata, self->path, &c);
	free(data);
}

/*
 * @nr one-page MMIO runs from @iova, 8K apart: the program headers after
 * the note, checked without the model (too slow at this size).
 */
static void check_mmio_runs(struct __test_metadata *_metadata,
			    const struct core *c, __u64 iova, __u64 pa,
			    size_t nr)
{
	const struct elf64_phdr *ph;
	size_t i;

	ASSERT_EQ(nr + 1, c->phnum);
	ASSERT_EQ((__u32)PT_NOTE, c->ph[0].p_type);
	for (i = 0; i < nr; i++) {
		ph = &c->ph[i + 1];
		ASSERT_EQ((__u32)PT_LOAD, ph->p_type);
		ASSERT_EQ(iova + i * SZ_8K, ph->p_vaddr) TH_LOG("load %zu", i);
		ASSERT_EQ(pa, ph->p_paddr);
		ASSERT_EQ(SZ_4K, ph->p_memsz);
		ASSERT_EQ(0ULL, ph->p_filesz);
		ASSERT_EQ((__u32)(PF_R | PF_W), ph->p_flags);
	}
}

/* Maps @pa at @nr IOVAs 8K apart from @iova: one run each. */
static void map_mmio_runs(struct __test_metadata *_metadata,
			  const struct space *s, __u64 iova, __u64 pa, size_t nr)
{
	struct ptlab_map_phys req;
	size_t i;

	for (i = 0; i < nr; i++) {
		req = phys_req(s->id, iova + i * SZ_8K, pa, SZ_4K, PT_RW);
		ASSERT_EQ(0, pt_ioctl(s->fd, PTLAB_IOCTL_MAP_PHYS, &req))
			TH_LOG("run %zu: %s", i, strerror(errno));
	}
}

/*
 * 65534 runs and the note make PN_XNUM program headers: the count moves to
 * section header 0 (ELF extended numbering); one run fewer and it does not.
 */
TEST_F_TIMEOUT(snap, extended_numbering, 600)
{
	const size_t nr = PN_XNUM - 1;
	const __u64 x = SZ_512G;
	const struct iomem *io = iomem_get();
	struct ptlab_info info;
	unsigned char *data;
	struct core c;
	__u64 mmio, got;
	size_t len;

	ASSERT_NE(NULL, io);
	if (!iomem_find_mmio(io, SZ_4K, &mmio))
		SKIP(return, "no page outside System RAM");
	map_mmio_runs(_metadata, &self->sp, x, mmio, nr);
	ASSERT_EQ(0, pt_info(self->sp.fd, self->sp.id, &info));
	ASSERT_EQ(nr * SZ_4K, info.out_mapped_bytes);
	data = snapshot_ioctl(_metadata, &self->sp, self->out, &len);
	parse_core(_metadata, data, len, &c);
	ASSERT_EQ(PN_XNUM, c.eh->e_phnum);
	check_core_note(_metadata, &c, &self->sp);
	check_mmio_runs(_metadata, &c, x, mmio, nr);
	check_debugfs_same(_metadata, self->sp.id, data, len, SZ_1M);
	if (have_readelf())
		check_readelf(_metadata, self->path, &c);
	else
		TH_LOG("no readelf: only the test's parser read the core");
	free(data);

	ASSERT_EQ(0, pt_unmap(self->sp.fd, self->sp.id, x, SZ_4K, &got));
	ASSERT_EQ(SZ_4K, got);
	data = snapshot_ioctl(_metadata, &self->sp, self->out, &len);
	parse_core(_metadata, data, len, &c);
	ASSERT_EQ(PN_XNUM - 1, c.eh->e_phnum);
	check_mmio_runs(_metadata, &c, x + SZ_8K, mmio, nr - 1);
	free(data);
	check_counters(_metadata, &self->base, 0, info.out_table_pages);
}

/* --- fdinfo --- */

/* --- fault injection --- */

enum fail_op {
	OP_OPEN,
	OP_CREATE,
	OP_MAP_4K,	/* pages needing four new tables */
	OP_MAP_2M,	/* a block, then a page needing its own table */
	OP_MAP_NO_TABLES,	/* pages in tables that exist */
	OP_MAP_STALE,	/* user pages where a physical map was */
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
	if (variant->op == OP_MAP_2M) {
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

/* --- limits --- */

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

/* --- fdinfo checks --- */

/* The format name in the first line of debugfs <id>/mappings. */
static int debugfs_format(__u32 id, char *fmt, size_t len)
{
	char path[128], line[256];
	unsigned int got;
	int ret = -1;
	FILE *f;

	debugfs_path(path, sizeof(path), id, "mappings");
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fgets(line, sizeof(line), f) &&
	    sscanf(line, "# ptlab address space %u: %31s", &got, fmt) == 2 &&
	    got == id && len >= 32)
		ret = 0;
	fclose(f);
	return ret;
}

/*
 * fdinfo of @fd must list exactly the @nr spaces @s, with what info,
 * debugfs and the model say. Returns the sum of their table pages.
 */
static long long check_fdinfo(struct __test_metadata *_metadata, int fd,
			      struct space **s, int nr)
{
	struct fdinfo_space fi[16];
	struct ptlab_info info;
	long long sum = 0;
	int i, j, lines;
	char fmt[32];

	ASSERT_EQ(nr, read_fdinfo(fd, fi, ARRAY_SIZE(fi), &lines))
		TH_LOG("ptlab-spaces of fd %d", fd);
	ASSERT_EQ(nr, lines);
	for (i = 0; i < nr; i++) {
		for (j = 0; j < lines; j++)
			if (fi[j].id == s[i]->id)
				break;
		ASSERT_LT(j, lines) TH_LOG("space %u not listed", s[i]->id);
		ASSERT_EQ(0, pt_info(fd, s[i]->id, &info));
		ASSERT_EQ((long long)info.out_table_pages, fi[j].table_pages);
		ASSERT_EQ(debugfs_table_pages(s[i]->id), fi[j].table_pages);
		ASSERT_EQ((long long)model_table_pages(&s[i]->m),
			  fi[j].table_pages);
		ASSERT_EQ((long long)info.out_mapped_bytes, fi[j].mapped_bytes);
		ASSERT_EQ((long long)model_bytes(&s[i]->m), fi[j].mapped_bytes);
		ASSERT_EQ(0, debugfs_format(s[i]->id, fmt, sizeof(fmt)));
		ASSERT_STREQ(fmt, fi[j].fmt);
		sum += fi[j].table_pages;
	}
	return sum;
}

FIXTURE(files) {
	struct baseline base;
	struct buf b;
};

FIXTURE_SETUP(files)
{
	take_baseline(_metadata, &self->base);
	alloc_or_die(_metadata, &self->b, 16 * SZ_4K, false);
}

FIXTURE_TEARDOWN(files)
{
	buf_free(&self->b);
}

/*
 * Each file lists its own spaces; their table pages add up to exactly the
 * SecPageTables the module holds; destroy and close update it.
 */
TEST_F(files, fdinfo)
{
	struct space a[3], b1, *list[3];
	long long sum;
	int c;

	space_open(_metadata, &a[0], 0, 0);
	space_create(_metadata, &a[1], a[0].fd, 39, 0);
	space_create(_metadata, &a[2], a[0].fd, 0, 0);
	space_open(_metadata, &b1, 0, 0);
	c = ptlab_open(_metadata);
	map_ok(_metadata, &a[0], SZ_1G, self->b.p, 4 * SZ_4K, PT_RW);
	map_ok(_metadata, &a[1], 0, self->b.p + 4 * SZ_4K, SZ_4K, PT_R);
	map_ok(_metadata, &a[1], TOP(39) - SZ_4K, self->b.p + 5 * SZ_4K,
	       SZ_4K, PT_R);
	map_ok(_metadata, &b1, SZ_512G, self->b.p + 6 * SZ_4K, 8 * SZ_4K,
	       PT_RW);

	list[0] = &a[0];
	list[1] = &a[1];
	list[2] = &a[2];
	sum = check_fdinfo(_metadata, a[0].fd, list, 3);
	list[0] = &b1;
	sum += check_fdinfo(_metadata, b1.fd, list, 1);
	sum += check_fdinfo(_metadata, c, list, 0);
	ASSERT_EQ(self->base.secpt_kb + sum * 4, secpt_kb());

	ASSERT_EQ(0, pt_destroy(a[0].fd, a[1].id));
	list[0] = &a[0];
	list[1] = &a[2];
	sum = check_fdinfo(_metadata, a[0].fd, list, 2);
	list[0] = &b1;
	sum += check_fdinfo(_metadata, b1.fd, list, 1);
	ASSERT_EQ(self->base.secpt_kb + sum * 4, secpt_kb());

	space_close(&b1);
	list[0] = &a[0];
	sum = check_fdinfo(_metadata, a[0].fd, list, 2);
	ASSERT_EQ(self->base.secpt_kb + sum * 4, secpt_kb());
	ASSERT_EQ(0, check_fdinfo(_metadata, c, list, 0));
	free(a[1].m.leaves);
	free(a[2].m.leaves);
	space_close(&a[0]);
	close(c);
	check_counters(_metadata, &self->base, 0, 0);
}

/* --- lifetimes --- */

static const char *const debugfs_files[] = {
	"mappings", "table_pages", "flushes", "snapshot",
};

/* Opens each debugfs file of @id and reads it once: all must work. */
static void open_debugfs_files(struct __test_metadata *_metadata, __u32 id,
			       int *fds)
{
	char path[128], buf[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(debugfs_files); i++) {
		debugfs_path(path, sizeof(path), id, debugfs_files[i]);
		fds[i] = open(path, O_RDONLY);
		ASSERT_LE(0, fds[i]) TH_LOG("%s: %s", path, strerror(errno));
		ASSERT_LT(0, read(fds[i], buf, sizeof(buf))) TH_LOG("%s", path);
	}
}

/* Each file, its address space gone, fails to read: no data, an error. */
static void check_debugfs_dead(struct __test_metadata *_metadata, int *fds)
{
	char buf[256];
	ssize_t n;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(debugfs_files); i++) {
		n = pread(fds[i], buf, sizeof(buf), 0);
		ASSERT_EQ(-1, n) TH_LOG("%s gave %zd bytes", debugfs_files[i], n);
		ASSERT_TRUE(errno == EIO || errno == ENOENT)
			TH_LOG("%s: %s", debugfs_files[i], strerror(errno));
		n = read(fds[i], buf, sizeof(buf));
		ASSERT_EQ(-1, n) TH_LOG("%s gave %zd bytes", debugfs_files[i], n);
	}
}

/*
 * An open debugfs file keeps the module loaded after /dev/ptlab is closed,
 * while its address space is gone: it reads as an error, and the module
 * cannot be removed until it is closed.
 */
TEST_F(files, debugfs_file_holds_module)
{
	int fds[ARRAY_SIZE(debugfs_files)], ret;
	struct space s;
	size_t i;

	space_open(_metadata, &s, 0, 0);
	map_ok(_metadata, &s, SZ_1G, self->b.p, SZ_4K, PT_R);
	open_debugfs_files(_metadata, s.id, fds);
	space_close(&s);
	check_gone(_metadata, &self->base, s.id);
	ASSERT_LT(self->base.modref, module_refcount());
	ret = syscall(__NR_delete_module, "ptlab", O_NONBLOCK);
	ASSERT_EQ(-1, ret);
	ASSERT_TRUE(errno == EWOULDBLOCK || errno == EAGAIN)
		TH_LOG("delete_module: %s", strerror(errno));
	check_debugfs_dead(_metadata, fds);
	for (i = 0; i < ARRAY_SIZE(fds); i++)
		close(fds[i]);
	ASSERT_EQ(self->base.modref, module_refcount());
}

/*
 * A space destroyed under open debugfs files: its directory goes, the files
 * fail to read, and never show a space created after it, even one that got
 * its id back.
 */
TEST_F(files, debugfs_of_destroyed_space)
{
	int fds[ARRAY_SIZE(debugfs_files)];
	struct space s, t;
	size_t i;

	space_open(_metadata, &s, 0, 0);
	map_ok(_metadata, &s, SZ_1G, self->b.p, SZ_4K, PT_R);
	open_debugfs_files(_metadata, s.id, fds);
	ASSERT_EQ(0, pt_destroy(s.fd, s.id));
	ASSERT_FALSE(debugfs_has_dir(s.id));
	check_counters(_metadata, &self->base, 0, 0);
	check_debugfs_dead(_metadata, fds);

	space_create(_metadata, &t, s.fd, 0, 0);
	TH_LOG("destroyed %u, created %u", s.id, t.id);
	map_ok(_metadata, &t, 2 * SZ_1G, self->b.p + SZ_4K, SZ_8K, PT_RW);
	check_space(_metadata, &t);
	check_debugfs_dead(_metadata, fds);
	for (i = 0; i < ARRAY_SIZE(fds); i++)
		close(fds[i]);
	free(s.m.leaves);
	s.m.leaves = NULL;
	space_close(&t);
	close(s.fd);
	check_gone(_metadata, &self->base, t.id);
	ASSERT_EQ(self->base.modref, module_refcount());
}

struct reader {
	pthread_t thread;
	__u32 *id;		/* the space to read, 0 for none */
	bool *stop;
	const char *file;
	int reads;		/* that gave data */
	int bad;
	char why[160];
};

/*
 * Opens and reads the current space's file until told to stop. Any read
 * may fail (the space went); what it returns must be the start of a
 * well-formed file of that space. No ASSERT in a thread.
 */
static void *reader_fn(void *arg)
{
	struct reader *r = arg;
	unsigned char *data;
	char path[128], head[64];
	size_t len;
	__u32 id;

	while (!__atomic_load_n(r->stop, __ATOMIC_ACQUIRE)) {
		id = __atomic_load_n(r->id, __ATOMIC_ACQUIRE);
		if (!id)
			continue;
		debugfs_path(path, sizeof(path), id, r->file);
		data = read_path(path, SZ_4K, &len);
		if (!data) {
			if (errno != ENOENT && errno != EIO) {
				r->bad++;
				snprintf(r->why, sizeof(r->why), "%s: %s",
					 path, strerror(errno));
			}
			continue;
		}
		snprintf(head, sizeof(head), "# ptlab address space %u:", id);
		if (!strcmp(r->file, "snapshot") ?
		    len < SELFMAG || memcmp(data, ELFMAG, SELFMAG) :
		    len < strlen(head) || memcmp(data, head, strlen(head))) {
			r->bad++;
			snprintf(r->why, sizeof(r->why), "%s: %zu bytes", path,
				 len);
		}
		r->reads++;
		free(data);
	}
	return NULL;
}

/* Readers of debugfs race with spaces being created, filled and destroyed. */
TEST_F_TIMEOUT(files, debugfs_readers_race_destroy, 180)
{
	struct reader r[2] = {
		{ .file = "mappings" }, { .file = "snapshot" },
	};
	bool stop = false;
	__u32 cur = 0;
	struct space s;
	int round, i;

	for (i = 0; i < 2; i++) {
		r[i].id = &cur;
		r[i].stop = &stop;
		ASSERT_EQ(0, pthread_create(&r[i].thread, NULL, reader_fn,
					    &r[i]));
	}
	for (round = 0; round < 40; round++) {
		space_open(_metadata, &s, 0, 0);
		map_ok(_metadata, &s, SZ_1G, self->b.p, 16 * SZ_4K, PT_R);
		__atomic_store_n(&cur, s.id, __ATOMIC_RELEASE);
		usleep(2000 + round * 500);
		/* Destroy, or close with the space still in the file. */
		if (round & 1)
			ASSERT_EQ(0, pt_destroy(s.fd, s.id));
		space_close(&s);
	}
	__atomic_store_n(&stop, true, __ATOMIC_RELEASE);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, pthread_join(r[i].thread, NULL));
		TH_LOG("%s: %d reads with data", r[i].file, r[i].reads);
		EXPECT_EQ(0, r[i].bad) TH_LOG("%s", r[i].why);
	}
	check_counters(_metadata, &self->base, 0, 0);
	ASSERT_EQ(0, debugfs_nr_dirs());
	ASSERT_EQ(self->base.modref, module_refcount());
}

TEST_HARNESS_MAIN
