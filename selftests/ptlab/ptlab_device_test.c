// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated device: DMA through the tables of every format, checked
 * against the user buffer (what the device wrote must be there, what the
 * buffer holds must be what the device reads), faults against what was
 * unmapped or protected, the IOTLB against the flushes, and the module's
 * accounting against /proc and debugfs.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/ptlab.h>

/* The 6.12 harness's SIGALRM handler leaves its ucontext argument unused. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop

#include "ptlab_lib.h"

#define NR_PAGES	16	/* pages of the variant's smallest size */

static bool dev_dir_exists(__u32 dev_id)
{
	char path[128];

	snprintf(path, sizeof(path), PTLAB_DEBUGFS "/dev%u", dev_id);
	return !access(path, F_OK);
}

FIXTURE(dev) {
	int fd;
	__u32 id;
	__u32 dev;
	__u64 page;		/* the smallest page size */
	__u64 iova;		/* where the buffer is mapped */
	struct buf mem;
	unsigned char *buf;	/* NR_PAGES pages, mapped RW at @iova */
	size_t len;
	long secpt;
	long vmpin;
	int dirs;
};

FIXTURE_VARIANT(dev) {
	struct ptlab_create c;
	__u64 iova;
};

#define FMT(f, ...) .c = { .format = (f), __VA_ARGS__ }

FIXTURE_VARIANT_ADD(dev, arm64_s1_4k) { FMT(PTLAB_FMT_ARM64_LPAE_S1), .iova = 0x40000000 };
FIXTURE_VARIANT_ADD(dev, arm64_s1_16k) {
	FMT(PTLAB_FMT_ARM64_LPAE_S1, .granule_shift = 14, .ias = 39), .iova = 0x4000000 };
FIXTURE_VARIANT_ADD(dev, arm64_s1_64k_52) {
	FMT(PTLAB_FMT_ARM64_LPAE_S1, .granule_shift = 16, .ias = 48, .oas = 52),
	.iova = 0x20000000 };
FIXTURE_VARIANT_ADD(dev, arm64_s2_concat) {
	FMT(PTLAB_FMT_ARM64_LPAE_S2, .ias = 40), .iova = 0x8000000000ULL - 0x1000000 };
/*
 * The Arm variants (PTLAB_CREATE_ARM_*): the walker learns FEAT_LPA2 from
 * TCR.DS / VTCR.DS, the upper range from EPD0 and T1SZ, S2FWB from HCR_EL2.
 */
FIXTURE_VARIANT_ADD(dev, arm64_s1_4k_lpa2_52) {
	FMT(PTLAB_FMT_ARM64_LPAE_S1, .flags = PTLAB_CREATE_ARM_LPA2, .ias = 52,
	    .oas = 52), .iova = 0xf000000000000ULL };
FIXTURE_VARIANT_ADD(dev, arm64_s1_16k_lpa2_52) {
	FMT(PTLAB_FMT_ARM64_LPAE_S1, .flags = PTLAB_CREATE_ARM_LPA2,
	    .granule_shift = 14, .ias = 52, .oas = 52), .iova = 0x8000000000000ULL };
FIXTURE_VARIANT_ADD(dev, arm64_s1_ttbr1) {
	FMT(PTLAB_FMT_ARM64_LPAE_S1, .flags = PTLAB_CREATE_ARM_TTBR1),
	.iova = 0xffff800000000000ULL };
FIXTURE_VARIANT_ADD(dev, arm64_s1_ttbr1_lpa2_ns_outer_wbwa) {
	FMT(PTLAB_FMT_ARM64_LPAE_S1, .flags = PTLAB_CREATE_ARM_TTBR1 |
	    PTLAB_CREATE_ARM_LPA2 | PTLAB_CREATE_ARM_NS |
	    PTLAB_CREATE_ARM_OUTER_WBWA, .ias = 52, .oas = 52),
	.iova = 0xfff8000000000000ULL };
FIXTURE_VARIANT_ADD(dev, arm64_s2_4k_lpa2_52_concat) {
	FMT(PTLAB_FMT_ARM64_LPAE_S2, .flags = PTLAB_CREATE_ARM_LPA2, .ias = 52,
	    .oas = 52), .iova = 0x8000000000000ULL };
FIXTURE_VARIANT_ADD(dev, arm64_s2_16k_lpa2_52) {
	FMT(PTLAB_FMT_ARM64_LPAE_S2, .flags = PTLAB_CREATE_ARM_LPA2,
	    .granule_shift = 14, .ias = 52, .oas = 52), .iova = 0x4000000000000ULL };
FIXTURE_VARIANT_ADD(dev, arm64_s2_s2fwb) {
	FMT(PTLAB_FMT_ARM64_LPAE_S2, .flags = PTLAB_CREATE_ARM_S2FWB, .ias = 40),
	.iova = 0x1000000 };
FIXTURE_VARIANT_ADD(dev, arm_mali) { FMT(PTLAB_FMT_ARM_MALI_LPAE), .iova = 0x100000 };
FIXTURE_VARIANT_ADD(dev, arm_v7s) { FMT(PTLAB_FMT_ARM_V7S), .iova = 0x10000000 };
FIXTURE_VARIANT_ADD(dev, arm_v7s_28) { FMT(PTLAB_FMT_ARM_V7S, .ias = 28), .iova = 0x1000 };
FIXTURE_VARIANT_ADD(dev, x86_64) { FMT(PTLAB_FMT_X86_64), .iova = 0x7fff00000000ULL };
FIXTURE_VARIANT_ADD(dev, x86_64_5level) {
	FMT(PTLAB_FMT_X86_64, .ias = 57), .iova = 0x100000000000000ULL };
FIXTURE_VARIANT_ADD(dev, vtd_ss_39) { FMT(PTLAB_FMT_VTD_SS, .ias = 39), .iova = 0x200000 };
FIXTURE_VARIANT_ADD(dev, vtd_ss) { FMT(PTLAB_FMT_VTD_SS), .iova = 0x40000000 };
FIXTURE_VARIANT_ADD(dev, amd_v1) { FMT(PTLAB_FMT_AMD_V1), .iova = 0x123400000ULL };
FIXTURE_VARIANT_ADD(dev, amd_v1_64) {
	FMT(PTLAB_FMT_AMD_V1, .ias = 64), .iova = 0xfff0000000000000ULL };
FIXTURE_VARIANT_ADD(dev, amd_v1_21) { FMT(PTLAB_FMT_AMD_V1, .ias = 21), .iova = 0x10000 };
FIXTURE_VARIANT_ADD(dev, riscv_sv39) { FMT(PTLAB_FMT_RISCV), .iova = 0x40000000 };
FIXTURE_VARIANT_ADD(dev, riscv_sv57) {
	FMT(PTLAB_FMT_RISCV, .ias = 57), .iova = 0x100000000000000ULL };
FIXTURE_VARIANT_ADD(dev, apple_dart) { FMT(PTLAB_FMT_APPLE_DART), .iova = 0x80000 };
FIXTURE_VARIANT_ADD(dev, apple_dart2_42) {
	FMT(PTLAB_FMT_APPLE_DART, .ias = 42, .oas = 42), .iova = 0x20000000000ULL };
FIXTURE_VARIANT_ADD(dev, apple_uat) { FMT(PTLAB_FMT_APPLE_UAT), .iova = 0x4000000000ULL };
/* GMMU: the small-page and the big-page half of PD0, near the top of VA. */
FIXTURE_VARIANT_ADD(dev, nvidia_gmmu_v2) {
	FMT(PTLAB_FMT_NVIDIA_GMMU_V2), .iova = 0x1ffffc0000000ULL };
FIXTURE_VARIANT_ADD(dev, nvidia_gmmu_v2_64k) {
	FMT(PTLAB_FMT_NVIDIA_GMMU_V2, .granule_shift = 16), .iova = 0x20000000 };
FIXTURE_VARIANT_ADD(dev, nvidia_gmmu_v2_128k) {
	FMT(PTLAB_FMT_NVIDIA_GMMU_V2, .granule_shift = 17), .iova = 0x40000000 };
FIXTURE_VARIANT_ADD(dev, nvidia_gmmu_v2_64k_512m) {
	FMT(PTLAB_FMT_NVIDIA_GMMU_V2, .granule_shift = 16,
	    .pgsize_bitmap = SZ_64K | SZ_2M | SZ_512M), .iova = 0x1fff000000000ULL };
FIXTURE_VARIANT_ADD(dev, nvidia_gmmu_v3) {
	FMT(PTLAB_FMT_NVIDIA_GMMU_V3), .iova = 0x100000000000000ULL };
FIXTURE_VARIANT_ADD(dev, nvidia_gmmu_v3_64k) {
	FMT(PTLAB_FMT_NVIDIA_GMMU_V3, .granule_shift = 16), .iova = 0x1fffffffe000000ULL };
/* Both halves: 4K and 64K pages under one PD0 entry. */
FIXTURE_VARIANT_ADD(dev, nvidia_gmmu_v2_mixed) {
	FMT(PTLAB_FMT_NVIDIA_GMMU_V2, .pgsize_bitmap = SZ_4K | SZ_64K | SZ_2M),
	.iova = 0x40000000 };
FIXTURE_VARIANT_ADD(dev, nvidia_gmmu_v3_mixed) {
	FMT(PTLAB_FMT_NVIDIA_GMMU_V3,
	    .pgsize_bitmap = SZ_4K | SZ_64K | SZ_2M | SZ_512M),
	.iova = 0x1fffffff0000000ULL };

FIXTURE_SETUP(dev)
{
	struct ptlab_create c = variant->c;
	struct ptlab_info info = { .size = sizeof(info) };

	self->secpt = secpt_kb();
	self->vmpin = vmpin_kb();
	self->dirs = debugfs_nr_dirs();
	self->fd = ptlab_open(_metadata);
	c.size = sizeof(c);
	ASSERT_EQ(0, pt_ioctl(self->fd, PTLAB_IOCTL_CREATE, &c));
	self->id = c.out_id;
	info.id = self->id;
	ASSERT_EQ(0, pt_ioctl(self->fd, PTLAB_IOCTL_INFO, &info));
	self->page = info.out_pgsize_bitmap & -info.out_pgsize_bitmap;
	self->iova = variant->iova;
	self->len = NR_PAGES * self->page;
	/*
	 * Pages larger than the CPU's need physically contiguous memory: a
	 * transparent huge page holds all of them.
	 */
	ASSERT_EQ(0, buf_alloc(&self->mem, self->page > SZ_4K ? SZ_2M : self->len,
			       self->page > SZ_4K));
	if (self->page > SZ_4K && !is_huge_backed(self->mem.p))
		SKIP(return, "no transparent huge page for %llu-byte pages",
		     (unsigned long long)self->page);
	self->buf = (unsigned char *)self->mem.p;
	memset(self->buf, 0x5a, self->len);
	ASSERT_EQ(0, pt_map_user(self->fd, self->id, self->iova, self->buf, self->len, PT_RW,
				 self->page, NULL));
	ASSERT_EQ(0, pt_dev_create(self->fd, self->id, 0, 0, &self->dev));
	ASSERT_TRUE(dev_dir_exists(self->dev));
}

FIXTURE_TEARDOWN(dev)
{
	close(self->fd);
	buf_free(&self->mem);
	/* Everything the file owned went with it. */
	EXPECT_EQ(self->secpt, secpt_kb());
	EXPECT_EQ(self->vmpin, vmpin_kb());
	EXPECT_EQ(self->dirs, debugfs_nr_dirs());
}

static void fill(unsigned char *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(i * 131 + seed * 7 + (i >> 12));
}

/* The device writes through the tables: the bytes land in the buffer. */
TEST_F(dev, dma_write_lands_in_buffer)
{
	unsigned char *src = malloc(self->len);
	__u64 done;
	int fault;

	ASSERT_NE(NULL, src);
	fill(src, self->len, 1);
	ASSERT_EQ(0, pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_WRITE, self->iova, src, self->len,
				&done, &fault));
	EXPECT_EQ(self->len, done);
	EXPECT_EQ(0, fault);
	EXPECT_EQ(0, memcmp(src, self->buf, self->len));
	/* An unaligned piece in the middle, across a page boundary. */
	fill(src, 100, 9);
	ASSERT_EQ(0, pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_WRITE,
				self->iova + self->page - 50, src, 100, &done, &fault));
	EXPECT_EQ(0, memcmp(src, self->buf + self->page - 50, 100));
	free(src);
}

/* The device reads what the buffer holds, page by page. */
TEST_F(dev, dma_read_sees_buffer)
{
	unsigned char *dst = malloc(self->len);
	size_t i;
	__u64 done;

	ASSERT_NE(NULL, dst);
	fill(self->buf, self->len, 2);
	/* Each page distinct, so that a wrong translation shows. */
	for (i = 0; i < NR_PAGES; i++)
		self->buf[i * self->page] = i;
	ASSERT_EQ(0, pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_READ, self->iova, dst, self->len,
				&done, NULL));
	EXPECT_EQ(self->len, done);
	EXPECT_EQ(0, memcmp(dst, self->buf, self->len));
	/* Read again: the IOTLB now answers. */
	ASSERT_EQ(0, pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_READ, self->iova, dst, self->len,
				&done, NULL));
	EXPECT_LE(NR_PAGES, pt_iotlb_stat(self->dev, "hits"));
	EXPECT_LE(1, pt_iotlb_stat(self->dev, "misses"));
	EXPECT_LE(1, pt_iotlb_stat(self->dev, "walks"));
	free(dst);
}

/* After an unmap: a translation fault at the IOVA, queued and counted. */
TEST_F(dev, unmapped_faults)
{
	struct ptlab_fault f[PTLAB_DEV_MAX_FAULTS];
	unsigned char b[64];
	struct ptlab_unmap u = {
		.size = sizeof(u), .id = self->id,
		.iova = self->iova + 2 * self->page, .length = self->page,
	};
	int fault, n;
	__u64 done;

	ASSERT_EQ(0, pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_READ, self->iova, b, sizeof(b),
				&done, NULL));
	ASSERT_EQ(0, pt_ioctl(self->fd, PTLAB_IOCTL_UNMAP, &u));
	EXPECT_LE(1, pt_iotlb_stat(self->dev, "invalidations"));
	/* From two pages before: stops at the hole with the bytes before it. */
	EXPECT_EQ(-EIO, pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_READ, self->iova + self->page,
				   self->buf, 2 * self->page, &done, &fault));
	EXPECT_EQ(self->page, done);
	EXPECT_EQ(PTLAB_FAULT_TRANSLATION, fault);
	ASSERT_EQ(0, pt_dev_faults(self->fd, self->dev, f, PTLAB_DEV_MAX_FAULTS, &n, NULL));
	ASSERT_EQ(1, n);
	EXPECT_EQ(PTLAB_FAULT_TRANSLATION, (int)f[0].kind);
	EXPECT_EQ(self->iova + 2 * self->page, f[0].iova);
	EXPECT_EQ(PTLAB_ACCESS_READ, f[0].access);
	EXPECT_EQ(0ULL, f[0].entry);	/* the entry the walk stopped at is empty */
	/* Drained. */
	ASSERT_EQ(0, pt_dev_faults(self->fd, self->dev, f, PTLAB_DEV_MAX_FAULTS, &n, NULL));
	EXPECT_EQ(0, n);
	EXPECT_EQ(1, pt_iotlb_stat(self->dev, "faults"));
}

/* A read-only mapping: writes fault and change nothing, reads work. */
TEST_F(dev, readonly_refuses_writes)
{
	unsigned char src[256], dst[256];
	__u64 ro = self->iova + 2 * self->len;
	int fault, n;
	struct ptlab_fault f[4];
	__u64 done;

	ASSERT_EQ(0, pt_map_user(self->fd, self->id, ro, self->buf, self->page, PT_R, self->page,
				 NULL));
	memset(self->buf, 0x11, self->page);
	memset(src, 0xee, sizeof(src));
	EXPECT_EQ(-EIO, pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_WRITE, ro, src, sizeof(src),
				   &done, &fault));
	EXPECT_EQ(0ULL, done);
	EXPECT_EQ(PTLAB_FAULT_PERMISSION, fault);
	EXPECT_EQ(0x11, self->buf[0]);
	EXPECT_EQ(0x11, self->buf[sizeof(src) - 1]);
	ASSERT_EQ(0, pt_dev_faults(self->fd, self->dev, f, 4, &n, NULL));
	ASSERT_EQ(1, n);
	EXPECT_EQ(PTLAB_FAULT_PERMISSION, (int)f[0].kind);
	EXPECT_EQ(ro, f[0].iova);
	EXPECT_NE(0ULL, f[0].entry);	/* the leaf, as root reads it */
	EXPECT_EQ(0, pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_READ, ro, dst, sizeof(dst), &done,
				NULL));
	EXPECT_EQ(0x11, dst[0]);
}

/*
 * Flushes ignored: the IOTLB keeps the unmapped translation; the device
 * would use it, and the lab reports it (stale) instead of touching memory
 * that was unpinned. The checking mode reports it at the flush already.
 */
TEST_F(dev, missing_flush_is_observed)
{
	struct ptlab_unmap u = {
		.size = sizeof(u), .id = self->id, .iova = self->iova,
		.length = self->page,
	};
	struct ptlab_fault f[8];
	unsigned char b[16];
	__u32 dev2;
	int fault, n;
	__u64 done;

	ASSERT_EQ(0, pt_dev_create(self->fd, self->id, PTLAB_DEV_NO_INVALIDATE | PTLAB_DEV_CHECK, 0,
				   &dev2));
	ASSERT_EQ(0, pt_dev_dma(self->fd, dev2, PTLAB_ACCESS_READ, self->iova, b, sizeof(b), &done,
				NULL));
	ASSERT_EQ(0, pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_READ, self->iova, b, sizeof(b),
				&done, NULL));
	ASSERT_EQ(0, pt_ioctl(self->fd, PTLAB_IOCTL_UNMAP, &u));
	/* The check after the flush found the entry the flush left. */
	ASSERT_EQ(0, pt_dev_faults(self->fd, dev2, f, 8, &n, NULL));
	ASSERT_EQ(1, n);
	EXPECT_EQ(PTLAB_FAULT_STALE, (int)f[0].kind);
	EXPECT_EQ(self->iova, f[0].iova);
	EXPECT_EQ(0U, f[0].access);
	EXPECT_NE(0ULL, f[0].cached_pa);
	EXPECT_EQ(0ULL, f[0].table_pa);
	/* The device that obeyed the flush: a translation fault. */
	EXPECT_EQ(-EIO, pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_READ, self->iova, b, sizeof(b),
				   &done, &fault));
	EXPECT_EQ(PTLAB_FAULT_TRANSLATION, fault);
	/* The one that did not: a hit on a stale entry. */
	EXPECT_EQ(-EIO, pt_dev_dma(self->fd, dev2, PTLAB_ACCESS_READ, self->iova, b, sizeof(b),
				   &done, &fault));
	EXPECT_EQ(PTLAB_FAULT_STALE, fault);
	EXPECT_EQ(0ULL, done);
	EXPECT_LE(2, pt_iotlb_stat(dev2, "stale"));
	EXPECT_EQ(0, pt_iotlb_stat(self->dev, "stale"));
	/* Mapped again elsewhere in memory: still stale, never the old page. */
	ASSERT_EQ(0, pt_map_user(self->fd, self->id, self->iova, self->buf + self->page, self->page,
				 PT_RW, self->page, NULL));
	EXPECT_EQ(-EIO, pt_dev_dma(self->fd, dev2, PTLAB_ACCESS_WRITE, self->iova, b, sizeof(b),
				   &done, &fault));
	EXPECT_EQ(PTLAB_FAULT_STALE, fault);
	EXPECT_EQ(0, pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_READ, self->iova, b, sizeof(b),
				&done, NULL));
	EXPECT_EQ(self->buf[self->page], b[0]);
	EXPECT_EQ(0, pt_dev_destroy(self->fd, dev2));
}

/* A seeded random sequence: with flushes obeyed, nothing is ever stale. */
TEST_F(dev, random_never_stale)
{
	unsigned int seed = 12345 + variant->c.format, i;
	bool mapped[NR_PAGES];
	unsigned char b[32];
	__u64 done;
	int fault;

	for (i = 0; i < NR_PAGES; i++)
		mapped[i] = true;
	for (i = 0; i < 400; i++) {
		unsigned int pg = rand_r(&seed) % NR_PAGES;
		unsigned int op = rand_r(&seed) % 4;
		__u64 iova = self->iova + pg * self->page;
		int ret;

		if (op == 0 && mapped[pg]) {
			struct ptlab_unmap u = {
				.size = sizeof(u), .id = self->id,
				.iova = iova, .length = self->page,
			};

			ASSERT_EQ(0, pt_ioctl(self->fd, PTLAB_IOCTL_UNMAP, &u));
			mapped[pg] = false;
		} else if (op == 1 && !mapped[pg]) {
			ASSERT_EQ(0, pt_map_user(self->fd, self->id, iova,
						 self->buf + pg * self->page, self->page, PT_RW,
						 self->page, NULL));
			mapped[pg] = true;
		} else {
			self->buf[pg * self->page + 7] = i;
			ret = pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_READ, iova, b, sizeof(b),
					 &done, &fault);
			if (mapped[pg]) {
				ASSERT_EQ(0, ret) TH_LOG("step %u page %u", i, pg);
				ASSERT_EQ((unsigned char)i, b[7]);
			} else {
				ASSERT_EQ(-EIO, ret);
				ASSERT_EQ(PTLAB_FAULT_TRANSLATION, fault);
			}
		}
	}
	EXPECT_EQ(0, pt_iotlb_stat(self->dev, "stale"));
}

/*
 * debugfs <id>/entries: a line per leaf with the raw entry of every level
 * on its path, each as PTLAB_IOCTL_WALK reads it; nothing else listed.
 */
TEST_F(dev, entries_file_matches_walks)
{
	char path[128], line[512];
	unsigned int n = 0, i;
	FILE *f;

	snprintf(path, sizeof(path), PTLAB_DEBUGFS "/%u/entries", self->id);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(line, sizeof(line), f));
	EXPECT_EQ('#', line[0]);
	while (fgets(line, sizeof(line), f)) {
		struct ptlab_walk w = { .size = sizeof(w), .id = self->id };
		unsigned long long iova, size, e;
		char *p = line, *end;

		iova = strtoull(p, &p, 16);
		size = strtoull(p, &end, 16);
		ASSERT_NE(p, end) TH_LOG("line %u: %s", n, line);
		p = end;
		ASSERT_EQ(self->iova + n * self->page, iova) TH_LOG("line %u", n);
		EXPECT_EQ(self->page, size);
		w.iova = iova;
		ASSERT_EQ(0, pt_ioctl(self->fd, PTLAB_IOCTL_WALK, &w));
		for (i = 0;; i++, p = end) {
			e = strtoull(p, &end, 16);
			if (end == p)
				break;
			ASSERT_GT(w.out_nr_entries, i);
			EXPECT_EQ(w.out_entries[i], e) TH_LOG("0x%llx entry %u", iova, i);
		}
		EXPECT_EQ(w.out_nr_entries, i);
		n++;
	}
	fclose(f);
	EXPECT_EQ(NR_PAGES, (int)n);
}

/* A line of debugfs dev<id>/faults, or "" if there is none. */
static void faults_line(__u32 dev_id, char *line, size_t len)
{
	char path[128];
	FILE *f;

	line[0] = '\0';
	snprintf(path, sizeof(path), PTLAB_DEBUGFS "/dev%u/faults", dev_id);
	f = fopen(path, "r");
	if (!f)
		return;
	/* The "#" line, then the first record. */
	if (!fgets(line, len, f) || !fgets(line, len, f))
		line[0] = '\0';
	fclose(f);
}

/* The debugfs fault list shows addresses only to a CAP_SYS_ADMIN reader. */
TEST_F(dev, debugfs_faults_hide_addresses)
{
	struct ptlab_unmap u = {
		.size = sizeof(u), .id = self->id, .iova = self->iova,
		.length = self->page,
	};
	char line[256];
	unsigned char b[8];
	__u32 dev2;

	ASSERT_EQ(0, pt_dev_create(self->fd, self->id, PTLAB_DEV_NO_INVALIDATE, 0, &dev2));
	ASSERT_EQ(0, pt_dev_dma(self->fd, dev2, PTLAB_ACCESS_READ, self->iova, b, sizeof(b), NULL,
				NULL));
	ASSERT_EQ(0, pt_ioctl(self->fd, PTLAB_IOCTL_UNMAP, &u));
	ASSERT_EQ(-EIO, pt_dev_dma(self->fd, dev2, PTLAB_ACCESS_READ, self->iova, b, sizeof(b),
				   NULL, NULL));
	faults_line(dev2, line, sizeof(line));
	ASSERT_EQ(0, strncmp(line, "stale ", 6)) TH_LOG("%s", line);
	EXPECT_EQ(NULL, strstr(line, "cached_pa 0x0 ")) TH_LOG("%s", line);
	ASSERT_EQ(0, drop_cap(CAP_SYS_ADMIN));
	faults_line(dev2, line, sizeof(line));
	ASSERT_EQ(0, strncmp(line, "stale ", 6)) TH_LOG("%s", line);
	EXPECT_NE(NULL, strstr(line, "cached_pa 0x0 ")) TH_LOG("%s", line);
}

/* A space with a device cannot be destroyed; without one it can. */
TEST_F(dev, space_busy_while_attached)
{
	struct ptlab_destroy d = { .size = sizeof(d), .id = self->id };

	EXPECT_EQ(-EBUSY, pt_ioctl(self->fd, PTLAB_IOCTL_DESTROY, &d));
	ASSERT_EQ(0, pt_dev_destroy(self->fd, self->dev));
	EXPECT_FALSE(dev_dir_exists(self->dev));
	EXPECT_EQ(-ENOENT, pt_dev_destroy(self->fd, self->dev));
	EXPECT_EQ(0, pt_ioctl(self->fd, PTLAB_IOCTL_DESTROY, &d));
}

/* Bad requests: a clear errno each, and nothing transferred. */
TEST_F(dev, bad_requests)
{
	struct ptlab_dev_dma d = {
		.size = sizeof(d), .dev_id = self->dev,
		.access = PTLAB_ACCESS_READ, .iova = self->iova,
		.uptr = (__u64)(uintptr_t)self->buf, .length = 8,
	};
	struct ptlab_dev_create c = { .size = sizeof(c), .id = self->id };
	unsigned char b[8];
	__u32 id;

	EXPECT_EQ(-EINVAL, pt_dev_dma(self->fd, self->dev, 0, self->iova, b, 8, NULL, NULL));
	EXPECT_EQ(-EINVAL, pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_READ | PTLAB_ACCESS_WRITE,
				      self->iova, b, 8, NULL, NULL));
	EXPECT_EQ(-EINVAL, pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_WRITE | PTLAB_ACCESS_EXEC,
				      self->iova, b, 8, NULL, NULL));
	EXPECT_EQ(-EINVAL, pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_READ, self->iova, b, 0,
				      NULL, NULL));
	EXPECT_EQ(-EINVAL, pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_READ, self->iova, b,
				      PTLAB_DEV_MAX_DMA + 1ULL, NULL, NULL));
	EXPECT_EQ(-EINVAL, pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_READ, ~0ULL - 3, b, 8, NULL,
				      NULL));
	EXPECT_EQ(-ENOENT, pt_dev_dma(self->fd, self->dev + 1000, PTLAB_ACCESS_READ, self->iova, b,
				      8, NULL, NULL));
	EXPECT_EQ(-EFAULT, pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_READ, self->iova, (void *)8,
				      8, NULL, NULL));
	d.__reserved = 1;
	EXPECT_EQ(-EINVAL, pt_ioctl(self->fd, PTLAB_IOCTL_DEV_DMA, &d));
	c.flags = 0x80;
	EXPECT_EQ(-EOPNOTSUPP, pt_ioctl(self->fd, PTLAB_IOCTL_DEV_CREATE, &c));
	c.flags = 0;
	c.iotlb_entries = PTLAB_DEV_IOTLB_MAX + 1;
	EXPECT_EQ(-EINVAL, pt_ioctl(self->fd, PTLAB_IOCTL_DEV_CREATE, &c));
	EXPECT_EQ(-ENOENT, pt_dev_create(self->fd, self->id + 1000, 0, 0, &id));
	/* An IOVA past the input size: an address-size fault. */
	if (variant->c.format != PTLAB_FMT_AMD_V1 || variant->c.ias != 64) {
		int fault;

		EXPECT_EQ(-EIO, pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_READ, 1ULL << 62, b, 8,
					   NULL, &fault));
		EXPECT_TRUE(fault == PTLAB_FAULT_ADDR_SIZE ||
			    fault == PTLAB_FAULT_TRANSLATION);
	}
}

/* A one-entry IOTLB: every other access replaces it; results still right. */
TEST_F(dev, tiny_iotlb)
{
	unsigned char b[8];
	__u32 dev2;
	__u64 done;
	unsigned int i;

	ASSERT_EQ(0, pt_dev_create(self->fd, self->id, 0, 1, &dev2));
	for (i = 0; i < 2 * NR_PAGES; i++) {
		unsigned int pg = (i * 7) % NR_PAGES;

		self->buf[pg * self->page] = i;
		ASSERT_EQ(0, pt_dev_dma(self->fd, dev2, PTLAB_ACCESS_READ,
					self->iova + pg * self->page, b, 1, &done, NULL));
		ASSERT_EQ((unsigned char)i, b[0]);
	}
	EXPECT_LE(NR_PAGES, pt_iotlb_stat(dev2, "misses"));
}

/* Every allocation of create, DMA and the fault read can fail cleanly. */
TEST_F(dev, fail_nth)
{
	struct ptlab_fault f[4];
	unsigned char b[8];
	__u32 dev2;
	int n;
	int nth, ret;

	for (nth = 1; nth < 20; nth++) {
		ASSERT_EQ(0, set_fail_nth(nth));
		ret = pt_dev_create(self->fd, self->id, 0, 0, &dev2);
		set_fail_nth(0);
		if (!ret)
			break;
		ASSERT_EQ(-ENOMEM, ret);
	}
	ASSERT_LT(1, nth);
	ASSERT_EQ(0, pt_dev_destroy(self->fd, dev2));
	ASSERT_EQ(0, set_fail_nth(1));
	ret = pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_READ, self->iova, b, 8, NULL, NULL);
	set_fail_nth(0);
	EXPECT_EQ(-ENOMEM, ret);
	ASSERT_EQ(0, set_fail_nth(1));
	ret = pt_dev_faults(self->fd, self->dev, f, 4, &n, NULL);
	set_fail_nth(0);
	EXPECT_EQ(-ENOMEM, ret);
}

/* The fault queue is bounded: the rest is counted as overflow. */
TEST_F(dev, fault_queue_overflow)
{
	struct ptlab_fault f[PTLAB_DEV_MAX_FAULTS];
	unsigned char b[8];
	int n, overflow;
	int i;

	for (i = 0; i < PTLAB_DEV_MAX_FAULTS + 5; i++)
		ASSERT_EQ(-EIO, pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_READ,
					   self->iova + 2 * self->len, b, 8, NULL, NULL));
	ASSERT_EQ(0, pt_dev_faults(self->fd, self->dev, f, PTLAB_DEV_MAX_FAULTS, &n, &overflow));
	EXPECT_EQ(PTLAB_DEV_MAX_FAULTS, n);
	EXPECT_EQ(5, overflow);
	ASSERT_EQ(0, pt_dev_faults(self->fd, self->dev, f, PTLAB_DEV_MAX_FAULTS, &n, &overflow));
	EXPECT_EQ(0, n);
	EXPECT_EQ(0, overflow);
}

struct dma_loop {
	int fd;
	__u32 dev;
	__u64 iova;
	__u64 len;
	void *buf;
	bool stop;
	int errors;
};

static void *dma_thread(void *arg)
{
	struct dma_loop *l = arg;
	int ret;

	while (!__atomic_load_n(&l->stop, __ATOMIC_ACQUIRE)) {
		ret = pt_dev_dma(l->fd, l->dev, PTLAB_ACCESS_READ, l->iova, l->buf, l->len, NULL,
				 NULL);
		/* The device or the file goes away under it. */
		if (ret && ret != -ENOENT && ret != -EBADF && ret != -EIO)
			l->errors++;
		if (ret == -EBADF)
			break;
	}
	return NULL;
}

/* Destroying the device and closing the file while DMA runs is safe. */
TEST_F(dev, teardown_during_dma)
{
	struct dma_loop l = {
		.fd = self->fd, .dev = self->dev, .iova = self->iova,
		.len = self->len, .buf = malloc(self->len),
	};
	struct ptlab_unmap u = {
		.size = sizeof(u), .id = self->id, .iova = self->iova,
		.length = self->len,
	};
	long long stale;
	pthread_t t;

	ASSERT_NE(NULL, l.buf);
	ASSERT_EQ(0, pthread_create(&t, NULL, dma_thread, &l));
	usleep(20000);
	/*
	 * Unmap under it: faults, never a crash or a copy through a stale
	 * entry (one used between the unmap and its flush is reported, as
	 * hardware may use it then). Once the unmap returned, none is left.
	 */
	ASSERT_EQ(0, pt_ioctl(self->fd, PTLAB_IOCTL_UNMAP, &u));
	stale = pt_iotlb_stat(self->dev, "stale");
	usleep(20000);
	EXPECT_EQ(stale, pt_iotlb_stat(self->dev, "stale"));
	EXPECT_EQ(0, pt_dev_destroy(self->fd, self->dev));
	usleep(20000);
	__atomic_store_n(&l.stop, true, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	EXPECT_EQ(0, l.errors);
	free(l.buf);
}

/* Closing the file with a DMA in flight in another thread. */
TEST_F(dev, close_during_dma)
{
	struct dma_loop l = {
		.fd = self->fd, .dev = self->dev, .iova = self->iova,
		.len = self->len, .buf = malloc(self->len),
	};
	pthread_t t;

	ASSERT_NE(NULL, l.buf);
	ASSERT_EQ(0, pthread_create(&t, NULL, dma_thread, &l));
	usleep(20000);
	close(self->fd);
	usleep(20000);
	__atomic_store_n(&l.stop, true, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	/* The teardown checks what the close released; reopen for it. */
	self->fd = open("/dev/null", O_RDONLY);
	free(l.buf);
}

/* Physical mappings: the device touches neither borrowed RAM nor MMIO. */
TEST_F(dev, phys_mappings_are_external)
{
	const struct iomem *io = iomem_get();
	struct ptlab_map_phys p = {
		.size = sizeof(p), .id = self->id, .prot = PT_R,
		.iova = self->iova + 2 * self->len, .length = self->page,
	};
	unsigned char b[8];
	int fault;

	if (!io || !iomem_find_mmio(io, self->page, &p.paddr))
		SKIP(return, "no MMIO range of a page in /proc/iomem");
	ASSERT_EQ(0, pt_ioctl(self->fd, PTLAB_IOCTL_MAP_PHYS, &p));
	EXPECT_EQ(-EIO, pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_READ, p.iova, b, 8, NULL,
				   &fault));
	EXPECT_EQ(PTLAB_FAULT_EXTERNAL, fault);
}

/* Without CAP_SYS_ADMIN, fault records carry no physical address. */
TEST_F(dev, unprivileged_records_hide_addresses)
{
	struct ptlab_fault f[4];
	unsigned char src[8] = { 1 };
	__u64 ro = self->iova + 2 * self->len;
	int fd2;
	struct ptlab_create c = variant->c;
	__u32 id2, d2;
	int n;

	ASSERT_EQ(0, drop_cap(CAP_SYS_ADMIN));
	fd2 = open(PTLAB_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd2);
	c.size = sizeof(c);
	ASSERT_EQ(0, pt_ioctl(fd2, PTLAB_IOCTL_CREATE, &c));
	id2 = c.out_id;
	ASSERT_EQ(0, pt_map_user(fd2, id2, ro, self->buf, self->page, PT_R, self->page, NULL));
	ASSERT_EQ(0, pt_dev_create(fd2, id2, 0, 0, &d2));
	EXPECT_EQ(-EIO, pt_dev_dma(fd2, d2, PTLAB_ACCESS_WRITE, ro, src, 8, NULL, NULL));
	ASSERT_EQ(0, pt_dev_faults(fd2, d2, f, 4, &n, NULL));
	ASSERT_EQ(1, n);
	EXPECT_EQ(PTLAB_FAULT_PERMISSION, (int)f[0].kind);
	EXPECT_EQ(0ULL, f[0].entry);
	close(fd2);
}

/*
 * MediaTek v7s (PTLAB_CREATE_ARM_MTK_EXT): the device decodes the M4U from
 * its registers (no TEX remap, table address bits 34:32 in the base
 * register) and finds output address bits 32-34 in entry bits 9, 4, 5.
 * With memory above 4 GiB (a guest of more than about 3G), the pages the
 * allocator gives are there, and the DMA goes through them; the test
 * reports whether any was.
 */
FIXTURE(mtk) {
	int fd;
	__u32 id;
	__u32 dev;
	struct buf mem;
};

FIXTURE_SETUP(mtk)
{
	struct ptlab_create c = {
		.size = sizeof(c), .format = PTLAB_FMT_ARM_V7S,
		.flags = PTLAB_CREATE_ARM_MTK_EXT,
	};

	self->fd = ptlab_open(_metadata);
	ASSERT_EQ(0, pt_ioctl(self->fd, PTLAB_IOCTL_CREATE, &c));
	self->id = c.out_id;
	ASSERT_EQ(0, buf_alloc(&self->mem, 64 * SZ_4K, false));
}

FIXTURE_TEARDOWN(mtk)
{
	close(self->fd);
	buf_free(&self->mem);
}

TEST_F(mtk, dma_through_m4u)
{
	const __u32 rwx = PT_RW | PTLAB_PROT_EXEC;
	unsigned char *src = malloc(64 * SZ_4K), *dst = malloc(64 * SZ_4K);
	const __u64 iova = 0x20000000;
	struct ptlab_walk w;
	__u64 pas[64], done;
	int fault, i, high = 0;

	ASSERT_NE(NULL, src);
	ASSERT_NE(NULL, dst);
	memset(self->mem.p, 0, 64 * SZ_4K);
	ASSERT_EQ(0, pagemap_pas(self->mem.p, 64, pas));
	EXPECT_EQ(-EINVAL, pt_map_user(self->fd, self->id, iova, self->mem.p, 64 * SZ_4K, PT_RW,
				       SZ_4K, NULL));
	ASSERT_EQ(0, pt_map_user(self->fd, self->id, iova, self->mem.p, 64 * SZ_4K, rwx, SZ_4K,
				 NULL));
	for (i = 0; i < 64; i++) {
		__u64 e, hi;

		ASSERT_EQ(0, pt_walk(self->fd, self->id, iova + i * SZ_4K, &w));
		ASSERT_EQ(pas[i], w.out_pa);
		e = w.out_entries[1];
		hi = ((e >> 9) & 1) << 32 | ((e >> 4) & 1) << 33 |
		     ((e >> 5) & 1) << 34;
		EXPECT_EQ(pas[i] >> 32 << 32, hi) TH_LOG("page %d entry 0x%llx", i, e);
		high += pas[i] >> 32 != 0;
	}
	ksft_print_msg("%d of 64 pages above 4 GiB\n", high);
	ASSERT_EQ(0, pt_dev_create(self->fd, self->id, PTLAB_DEV_CHECK, 0, &self->dev));
	fill(src, 64 * SZ_4K, 3);
	ASSERT_EQ(0, pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_WRITE, iova, src, 64 * SZ_4K,
				&done, &fault));
	EXPECT_EQ(64 * SZ_4K, done);
	EXPECT_EQ(0, memcmp(src, self->mem.p, 64 * SZ_4K));
	/* No permission bits: privileged fetches go through too. */
	ASSERT_EQ(0, pt_dev_dma(self->fd, self->dev,
				PTLAB_ACCESS_READ | PTLAB_ACCESS_EXEC | PTLAB_ACCESS_PRIV, iova,
				dst, 64 * SZ_4K, &done, &fault));
	EXPECT_EQ(0, memcmp(src, dst, 64 * SZ_4K));
	free(src);
	free(dst);
}

/*
 * NVIDIA GMMU with 4K and 64K pages under one PD0 entry: word 0 points at
 * the big page table, word 1 at the small one, and the device's walker
 * (src/hw/walk.c) reads the big PTE first, falling through to the small
 * table where it is invalid. The engine's WALK reports the same words.
 */
FIXTURE(gmmu_mixed) {
	int fd;
	__u32 id;
	__u32 dev;
	__u32 levels;
	struct buf mem;
	long secpt;
};

FIXTURE_VARIANT(gmmu_mixed) {
	__u32 format;
	__u64 pgsizes;
};

FIXTURE_VARIANT_ADD(gmmu_mixed, v2) {
	.format = PTLAB_FMT_NVIDIA_GMMU_V2, .pgsizes = SZ_4K | SZ_64K | SZ_2M,
};

FIXTURE_VARIANT_ADD(gmmu_mixed, v3) {
	.format = PTLAB_FMT_NVIDIA_GMMU_V3,
	.pgsizes = SZ_4K | SZ_64K | SZ_2M | SZ_512M,
};

FIXTURE_SETUP(gmmu_mixed)
{
	struct ptlab_create c = {
		.size = sizeof(c), .format = variant->format,
		.pgsize_bitmap = variant->pgsizes,
	};
	struct ptlab_info info = { .size = sizeof(info) };

	self->secpt = secpt_kb();
	self->fd = ptlab_open(_metadata);
	ASSERT_EQ(0, pt_ioctl(self->fd, PTLAB_IOCTL_CREATE, &c));
	self->id = c.out_id;
	info.id = self->id;
	ASSERT_EQ(0, pt_ioctl(self->fd, PTLAB_IOCTL_INFO, &info));
	ASSERT_EQ(variant->pgsizes, info.out_pgsize_bitmap);
	ASSERT_EQ(12U, info.out_granule_shift);
	self->levels = info.out_levels;
	/* 64K pages need physically contiguous memory: a huge page. */
	ASSERT_EQ(0, buf_alloc(&self->mem, SZ_2M, true));
	if (!is_huge_backed(self->mem.p))
		SKIP(return, "no transparent huge page for 64K pages");
}

FIXTURE_TEARDOWN(gmmu_mixed)
{
	close(self->fd);
	buf_free(&self->mem);
	EXPECT_EQ(self->secpt, secpt_kb());
}

/* The words a walk of @iova reads must be those the device's fault shows. */
static void gmmu_fault_matches_walk(struct __test_metadata *_metadata, int fd,
				    __u32 id, __u32 dev, __u64 iova)
{
	struct ptlab_fault f[PTLAB_DEV_MAX_FAULTS];
	struct ptlab_walk w;
	unsigned char b[16];
	int fault, n;
	__u64 done;

	ASSERT_EQ(-ENOENT, pt_walk(fd, id, iova, &w));
	ASSERT_EQ(-EIO, pt_dev_dma(fd, dev, PTLAB_ACCESS_READ, iova, b, sizeof(b), &done, &fault));
	EXPECT_EQ(PTLAB_FAULT_TRANSLATION, fault);
	ASSERT_EQ(0, pt_dev_faults(fd, dev, f, PTLAB_DEV_MAX_FAULTS, &n, NULL));
	ASSERT_EQ(1, n);
	EXPECT_EQ(iova, f[0].iova);
	EXPECT_EQ(w.out_entries[w.out_nr_entries - 1], f[0].entry);
	EXPECT_EQ(w.out_entry_levels[w.out_nr_entries - 1], f[0].level);
}

TEST_F(gmmu_mixed, big_and_small_pages_under_one_pd0)
{
	const __u64 iova = 0x40000000, len = 4 * SZ_64K;
	unsigned char *buf = (unsigned char *)self->mem.p;
	unsigned char *src = malloc(len), *dst = malloc(len);
	unsigned int lv = self->levels, i;
	struct ptlab_walk w;
	__u64 pas[64], done;
	int fault;

	ASSERT_NE(NULL, src);
	ASSERT_NE(NULL, dst);
	memset(buf, 0, len);
	ASSERT_EQ(0, pagemap_pas(buf, len / SZ_4K, pas));
	/* 64K, then 64K of 4K pages, then 64K, then 4K pages again. */
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, pt_map_user(self->fd, self->id, iova + i * SZ_64K,
					 buf + i * SZ_64K, SZ_64K, PT_RW,
					 i & 1 ? SZ_4K : SZ_64K, NULL));
	for (i = 0; i < len / SZ_4K; i++) {
		bool big = !((i / 16) & 1);

		ASSERT_EQ(0, pt_walk(self->fd, self->id, iova + i * SZ_4K, &w));
		EXPECT_EQ(pas[i], w.out_pa);
		EXPECT_EQ(big ? SZ_64K : SZ_4K, w.out_pgsize);
		/* PD0's two words, then the big PTE and, if 0, the small. */
		ASSERT_EQ(big ? lv + 1 : lv + 2, w.out_nr_entries);
		EXPECT_EQ(4ULL, w.out_entries[lv - 2] & 7);
		EXPECT_EQ(4ULL, w.out_entries[lv - 1] & 7);
		EXPECT_EQ(big, w.out_entries[lv] & 1);
		if (!big)
			EXPECT_EQ(1ULL, w.out_entries[lv + 1] & 1);
	}
	/* The device translates both halves, in checking mode. */
	ASSERT_EQ(0, pt_dev_create(self->fd, self->id, PTLAB_DEV_CHECK, 0, &self->dev));
	fill(src, len, 5);
	ASSERT_EQ(0, pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_WRITE, iova, src, len,
				&done, &fault));
	EXPECT_EQ(len, done);
	EXPECT_EQ(0, memcmp(src, buf, len));
	ASSERT_EQ(0, pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_READ, iova, dst, len,
				&done, NULL));
	EXPECT_EQ(0, memcmp(dst, buf, len));
	/* A hole among small pages, and a big page gone: the same words. */
	ASSERT_EQ(0, pt_unmap(self->fd, self->id, iova + SZ_64K + 2 * SZ_4K, SZ_4K, &done));
	EXPECT_EQ(SZ_4K, done);
	gmmu_fault_matches_walk(_metadata, self->fd, self->id, self->dev,
				iova + SZ_64K + 2 * SZ_4K);
	ASSERT_EQ(0, pt_unmap(self->fd, self->id, iova + 2 * SZ_64K, SZ_64K, &done));
	EXPECT_EQ(SZ_64K, done);
	gmmu_fault_matches_walk(_metadata, self->fd, self->id, self->dev,
				iova + 2 * SZ_64K + SZ_4K);
	/* The big page's range as small pages now: the big PTE must go. */
	ASSERT_EQ(0, pt_map_user(self->fd, self->id, iova + 2 * SZ_64K, buf + 2 * SZ_64K,
				 SZ_64K, PT_RW, SZ_4K, NULL));
	fill(src, len, 6);
	ASSERT_EQ(0, pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_WRITE, iova + 2 * SZ_64K, src,
				SZ_64K, &done, &fault));
	EXPECT_EQ(SZ_64K, done);
	EXPECT_EQ(0, memcmp(src, buf + 2 * SZ_64K, SZ_64K));
	EXPECT_EQ(0, pt_iotlb_stat(self->dev, "stale"));
	ASSERT_EQ(0, pt_walk(self->fd, self->id, iova + 2 * SZ_64K, &w));
	EXPECT_EQ(SZ_4K, w.out_pgsize);
	EXPECT_EQ(0ULL, w.out_entries[lv]);
	free(src);
	free(dst);
}

TEST_HARNESS_MAIN
