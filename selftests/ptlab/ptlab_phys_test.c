// SPDX-License-Identifier: GPL-2.0
/*
 * Kselftests of physical mappings (PTLAB_IOCTL_MAP_PHYS): RAM and MMIO
 * ranges classified as /proc/iomem says, the ranges refused, the inputs
 * checked, CAP_SYS_RAWIO, overlaps and the records of what was mapped.
 *
 * Every answer is checked against what the kernel says independently and
 * against the test's model (ptlab_lib.h). Run as root through ptlab.sh,
 * which loads and unloads the module.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <linux/capability.h>
#include <linux/ptlab.h>

/* The 6.12 harness's SIGALRM handler leaves its ucontext argument unused. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop

#include "ptlab_lib.h"

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

TEST_HARNESS_MAIN
