// SPDX-License-Identifier: GPL-2.0
/*
 * Access and dirty tracking (PTLAB_CREATE_DIRTY, PTLAB_IOCTL_READ_DIRTY),
 * for every format with dirty bits: the simulated device writes a pattern
 * through the IOTLB, and the bitmap must be exactly the set of pages it
 * wrote (the truth: the pages this test asked it to write, and the user
 * buffer, which must hold the pattern there and nothing new elsewhere);
 * read-only mappings and faulting writes never dirty; a no-clear read leaves
 * every raw entry bit for bit; after a clear the bitmap is empty and the
 * next write through the same, still mapped, IOVA sets it again; the raw
 * entries of PTLAB_IOCTL_WALK show the access and dirty bits at the places
 * the specifications give. Formats without dirty bits refuse the flag.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/ptlab.h>

/* The 6.12 harness's SIGALRM handler leaves its ucontext argument unused. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop

#include "ptlab_lib.h"

#define NR_PAGES	16
#define ARM_DBM		BIT_ULL(51)

static int read_dirty(int fd, __u32 id, __u32 flags, __u64 iova, __u64 len,
		      __u64 page, __u64 *bits, __u64 bytes, __u64 *dirty)
{
	struct ptlab_read_dirty r = {
		.size = sizeof(r), .flags = flags, .id = id, .iova = iova,
		.length = len, .page_size = page,
		.bitmap = (__u64)(uintptr_t)bits, .bitmap_bytes = bytes,
	};
	int ret = pt_ioctl(fd, PTLAB_IOCTL_READ_DIRTY, &r);

	if (dirty)
		*dirty = r.out_dirty;
	return ret;
}

FIXTURE(dirty) {
	int fd;
	__u32 id;
	__u32 dev;
	__u64 page;
	__u64 iova;
	struct buf mem;
	unsigned char *buf;
	__u64 len;
};

/*
 * @a_leaf, @a_table: the access flag in leaves and in table entries (0:
 * none the hardware sets; Arm's AF is set at map); @d: the dirty bit, or 0
 * for Arm's DBM scheme (writable-dirty = DBM with AP[2] clear); @regs: the
 * enable bits INFO's tcr must carry; @cont: a leaf of several entries to
 * test, with @pgsizes the address space's page sizes.
 */
FIXTURE_VARIANT(dirty) {
	struct ptlab_create c;
	__u64 iova;
	__u64 a_leaf;
	__u64 a_table;
	__u64 d;
	__u64 regs;
	__u64 cont;
};

#define FMT(f, ...) .c = { .format = (f), .flags = PTLAB_CREATE_DIRTY, __VA_ARGS__ }
#define X86_AD	.a_leaf = BIT_ULL(5), .a_table = BIT_ULL(5), .d = BIT_ULL(6)
#define VTD_AD	.a_leaf = BIT_ULL(8), .a_table = BIT_ULL(8), .d = BIT_ULL(9), \
		.regs = BIT_ULL(9)
#define AMD_AD	.a_leaf = BIT_ULL(5), .a_table = BIT_ULL(5), .d = BIT_ULL(6), \
		.regs = 3ULL << 7
#define RV_AD	.a_leaf = BIT_ULL(6), .d = BIT_ULL(7), .regs = BIT_ULL(8)
#define ARM_AD	.regs = BIT_ULL(39) | BIT_ULL(40)

FIXTURE_VARIANT_ADD(dirty, arm64_s1_4k) {
	FMT(PTLAB_FMT_ARM64_LPAE_S1, .pgsize_bitmap = SZ_4K | SZ_64K | SZ_2M | SZ_1G),
	.iova = 0x40000000, ARM_AD, .cont = SZ_64K };
FIXTURE_VARIANT_ADD(dirty, arm64_s1_16k) {
	FMT(PTLAB_FMT_ARM64_LPAE_S1, .granule_shift = 14, .ias = 39,
	    .pgsize_bitmap = SZ_16K | SZ_2M | SZ_32M),
	.iova = 0x4000000, ARM_AD, .cont = SZ_2M };
FIXTURE_VARIANT_ADD(dirty, x86_64) { FMT(PTLAB_FMT_X86_64), .iova = 0x7fff00000000ULL, X86_AD };
FIXTURE_VARIANT_ADD(dirty, x86_64_5level) {
	FMT(PTLAB_FMT_X86_64, .ias = 57), .iova = 0x100000000000000ULL, X86_AD };
FIXTURE_VARIANT_ADD(dirty, vtd_ss_39) {
	FMT(PTLAB_FMT_VTD_SS, .ias = 39), .iova = 0x200000, VTD_AD };
FIXTURE_VARIANT_ADD(dirty, vtd_ss) { FMT(PTLAB_FMT_VTD_SS), .iova = 0x40000000, VTD_AD };
FIXTURE_VARIANT_ADD(dirty, amd_v1) { FMT(PTLAB_FMT_AMD_V1), .iova = 0x123400000ULL, AMD_AD,
	.cont = SZ_64K };
FIXTURE_VARIANT_ADD(dirty, amd_v1_64) {
	FMT(PTLAB_FMT_AMD_V1, .ias = 64), .iova = 0xfff0000000000000ULL, AMD_AD };
FIXTURE_VARIANT_ADD(dirty, riscv_sv39) {
	FMT(PTLAB_FMT_RISCV, .pgsize_bitmap = SZ_4K | SZ_64K | SZ_2M | SZ_1G),
	.iova = 0x40000000, RV_AD, .cont = SZ_64K };
FIXTURE_VARIANT_ADD(dirty, riscv_sv48) {
	FMT(PTLAB_FMT_RISCV, .ias = 48), .iova = 0x400000000000ULL, RV_AD };

FIXTURE_SETUP(dirty)
{
	struct ptlab_create c = variant->c;
	struct ptlab_info info = { .size = sizeof(info) };

	self->fd = ptlab_open(_metadata);
	c.size = sizeof(c);
	ASSERT_EQ(0, pt_ioctl(self->fd, PTLAB_IOCTL_CREATE, &c));
	self->id = c.out_id;
	info.id = self->id;
	ASSERT_EQ(0, pt_ioctl(self->fd, PTLAB_IOCTL_INFO, &info));
	/* The registers enable the hardware's updates. */
	ASSERT_EQ(variant->regs, info.out_tcr & variant->regs);
	self->page = info.out_pgsize_bitmap & -info.out_pgsize_bitmap;
	self->iova = variant->iova;
	self->len = NR_PAGES * self->page;
	/* 2M of THP: blocks and contiguous leaves need contiguous memory. */
	ASSERT_EQ(0, buf_alloc(&self->mem, SZ_4M, true));
	self->buf = (unsigned char *)self->mem.p;
	memset(self->buf, 0x5a, SZ_4M);
	ASSERT_EQ(0, pt_dev_create(self->fd, self->id, 0, 0, &self->dev));
}

FIXTURE_TEARDOWN(dirty)
{
	struct ptlab_dev_destroy d = { .size = sizeof(d), .dev_id = self->dev };

	pt_ioctl(self->fd, PTLAB_IOCTL_DEV_DESTROY, &d);
	close(self->fd);
	buf_free(&self->mem);
}

/* The leaf entry of @iova, raw (this process has CAP_SYS_ADMIN). */
static __u64 leaf_of(struct __test_metadata *_metadata, int fd, __u32 id,
		     __u64 iova, struct ptlab_walk *w)
{
	ASSERT_EQ(0, pt_walk(fd, id, iova, w)) {
		TH_LOG("walk 0x%llx", (unsigned long long)iova);
	}
	return w->out_entries[w->out_nr_entries - 1];
}

/* The harness names the variant's struct _fixture_variant_dirty. */
static bool entry_dirty(const struct _fixture_variant_dirty *v, __u64 e)
{
	if (!v->d)
		return (e & (ARM_DBM | DESC_AP2)) == ARM_DBM;
	return e & v->d;
}

/* The bitmap of [@iova, +@len) at @page as a string of 0 and 1. */
static void bitmap_str(const __u64 *bits, __u64 n, char *out)
{
	__u64 i;

	for (i = 0; i < n; i++)
		out[i] = bits[i / 64] >> (i % 64) & 1 ? '1' : '0';
	out[n] = 0;
}

static void expect_bits(struct __test_metadata *_metadata, int fd, __u32 id,
			__u32 flags, __u64 iova, __u64 n, __u64 page,
			const char *want)
{
	__u64 bits[8], dirty, i, set = 0;
	char got[512];

	memset(bits, 0xa5, sizeof(bits));
	ASSERT_LE(n, sizeof(got) - 1);
	ASSERT_EQ(0, read_dirty(fd, id, flags, iova, n * page, page, bits,
				sizeof(bits), &dirty));
	bitmap_str(bits, n, got);
	EXPECT_STREQ(want, got);
	for (i = 0; i < n; i++)
		set += want[i] == '1';
	EXPECT_EQ(set, dirty);
	/* Every word the range needs is written: no stale 0xa5 past n. */
	if (n % 64)
		EXPECT_EQ(0ULL, bits[n / 64] >> (n % 64));
}

/* Write one byte pattern into pages @which ('1') of the mapping. */
static void write_pages(struct __test_metadata *_metadata,
			struct _test_data_dirty *self,
			const char *which, unsigned char pat)
{
	unsigned char *src = malloc(self->page), was[NR_PAGES];
	size_t i;

	ASSERT_NE(NULL, src);
	memset(src, pat, self->page);
	for (i = 0; i < NR_PAGES; i++)
		was[i] = self->buf[i * self->page + self->page / 2];
	for (i = 0; which[i]; i++) {
		if (which[i] != '1')
			continue;
		ASSERT_EQ(0, pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_WRITE,
					self->iova + i * self->page, src, self->page, NULL, NULL));
	}
	/* The truth: the buffer holds the pattern exactly there. */
	for (i = 0; i < NR_PAGES; i++)
		EXPECT_EQ(which[i] == '1' ? pat : was[i],
			  self->buf[i * self->page + self->page / 2]);
	free(src);
}

TEST_F(dirty, pattern_then_clear_then_again)
{
	const char *set1 = "0101100001000001";
	struct ptlab_walk w;
	long long dupd;

	ASSERT_EQ(0, pt_map_user(self->fd, self->id, self->iova, self->buf, self->len, PT_RW,
				 self->page, NULL));
	/* Writable leaves start clean. */
	expect_bits(_metadata, self->fd, self->id, 0, self->iova, NR_PAGES,
		    self->page, "0000000000000000");
	write_pages(_metadata, self, set1, 0x11);
	expect_bits(_metadata, self->fd, self->id, PTLAB_READ_DIRTY_NO_CLEAR,
		    self->iova, NR_PAGES, self->page, set1);
	expect_bits(_metadata, self->fd, self->id, 0, self->iova, NR_PAGES,
		    self->page, set1);
	expect_bits(_metadata, self->fd, self->id, 0, self->iova, NR_PAGES,
		    self->page, "0000000000000000");
	EXPECT_FALSE(entry_dirty(variant, leaf_of(_metadata, self->fd, self->id,
						  self->iova + self->page, &w)));
	/* Still mapped, maybe still cached: the write must dirty it again. */
	dupd = pt_iotlb_stat(self->dev, "dirty_updates");
	write_pages(_metadata, self, "0100000000000001", 0x22);
	EXPECT_EQ(dupd + 2, pt_iotlb_stat(self->dev, "dirty_updates"));
	EXPECT_TRUE(entry_dirty(variant, leaf_of(_metadata, self->fd, self->id,
						 self->iova + self->page, &w)));
	expect_bits(_metadata, self->fd, self->id, 0, self->iova, NR_PAGES,
		    self->page, "0100000000000001");
	/* A sub-range and a coarser page size. */
	write_pages(_metadata, self, "0000000011000000", 0x33);
	expect_bits(_metadata, self->fd, self->id, PTLAB_READ_DIRTY_NO_CLEAR,
		    self->iova + 8 * self->page, 2, self->page, "11");
	expect_bits(_metadata, self->fd, self->id, 0, self->iova, NR_PAGES / 2,
		    self->page * 2, "00001000");
}

/* Reads set the access flag where the hardware keeps one, never dirty. */
TEST_F(dirty, access_bits_after_read)
{
	unsigned char tmp[64];
	struct ptlab_walk w;
	__u64 e;
	__u32 i;

	ASSERT_EQ(0, pt_map_user(self->fd, self->id, self->iova, self->buf, self->len, PT_RW,
				 self->page, NULL));
	e = leaf_of(_metadata, self->fd, self->id, self->iova, &w);
	if (variant->a_leaf)
		EXPECT_EQ(0ULL, e & variant->a_leaf);
	if (!variant->d)
		EXPECT_EQ(ARM_DBM | DESC_AP2 | DESC_AF,
			  e & (ARM_DBM | DESC_AP2 | DESC_AF));
	ASSERT_EQ(0, pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_READ, self->iova, tmp,
				sizeof(tmp), NULL, NULL));
	EXPECT_EQ(0, memcmp(tmp, self->buf, sizeof(tmp)));
	e = leaf_of(_metadata, self->fd, self->id, self->iova, &w);
	if (variant->a_leaf)
		EXPECT_EQ(variant->a_leaf, e & variant->a_leaf);
	for (i = 0; variant->a_table && i + 1 < w.out_nr_entries; i++)
		EXPECT_EQ(variant->a_table, w.out_entries[i] & variant->a_table)
			TH_LOG("table entry %u 0x%llx", i,
			       (unsigned long long)w.out_entries[i]);
	EXPECT_FALSE(entry_dirty(variant, e));
	/* The page next to it was not touched. */
	e = leaf_of(_metadata, self->fd, self->id, self->iova + self->page, &w);
	if (variant->a_leaf)
		EXPECT_EQ(0ULL, e & variant->a_leaf);
	expect_bits(_metadata, self->fd, self->id, 0, self->iova, NR_PAGES,
		    self->page, "0000000000000000");
	/* A write sets the dirty state at the specification's place. */
	ASSERT_EQ(0, pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_WRITE, self->iova, tmp,
				sizeof(tmp), NULL, NULL));
	e = leaf_of(_metadata, self->fd, self->id, self->iova, &w);
	EXPECT_TRUE(entry_dirty(variant, e));
	if (!variant->d)
		EXPECT_EQ(ARM_DBM, e & (ARM_DBM | DESC_AP2));
}

/* Read-only mappings never dirty; writes that fault change nothing. */
TEST_F(dirty, read_only_and_faults_never_dirty)
{
	__u64 before[NR_PAGES], after, half = self->len / 2;
	unsigned char *src = malloc(self->page);
	struct ptlab_walk w;
	int fault, i;

	ASSERT_NE(NULL, src);
	memset(src, 0x77, self->page);
	ASSERT_EQ(0, pt_map_user(self->fd, self->id, self->iova, self->buf, half, PT_R, self->page,
				 NULL));
	ASSERT_EQ(0, pt_map_user(self->fd, self->id, self->iova + half, self->buf + half, half,
				 PT_RW, self->page, NULL));
	for (i = 0; i < NR_PAGES; i++)
		before[i] = leaf_of(_metadata, self->fd, self->id,
				    self->iova + i * self->page, &w);
	/* A permission fault on every read-only page. */
	for (i = 0; i < NR_PAGES / 2; i++) {
		EXPECT_EQ(-EIO, pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_WRITE,
					   self->iova + i * self->page, src, self->page, NULL,
					   &fault));
		EXPECT_EQ(PTLAB_FAULT_PERMISSION, fault);
		after = leaf_of(_metadata, self->fd, self->id,
				self->iova + i * self->page, &w);
		EXPECT_EQ(before[i], after);
		EXPECT_EQ(0x5a, self->buf[i * self->page]);
	}
	/* A write that runs from a writable page into an unmapped one. */
	ASSERT_EQ(0, pt_unmap(self->fd, self->id,
			      self->iova + (NR_PAGES - 1) * self->page,
			      self->page, &after));
	EXPECT_EQ(-EIO, pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_WRITE,
				   self->iova + (NR_PAGES - 2) * self->page, src, self->page + 64,
				   NULL, &fault));
	EXPECT_EQ(PTLAB_FAULT_TRANSLATION, fault);
	/* Reads of read-only pages are fine and do not dirty either. */
	EXPECT_EQ(0, pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_READ, self->iova, src, self->page,
				NULL, NULL));
	expect_bits(_metadata, self->fd, self->id, 0, self->iova,
		    NR_PAGES - 1, self->page, "000000000000001");
	free(src);
}

/* A no-clear read leaves every entry bit for bit; so does a failed one. */
TEST_F(dirty, no_clear_keeps_tables)
{
	__u64 before[NR_PAGES][PTLAB_MAX_LEVELS], bits[1];
	struct ptlab_walk w;
	int i, k;

	ASSERT_EQ(0, pt_map_user(self->fd, self->id, self->iova, self->buf, self->len, PT_RW,
				 self->page, NULL));
	write_pages(_metadata, self, "1110000000000111", 0x44);
	for (i = 0; i < NR_PAGES; i++) {
		leaf_of(_metadata, self->fd, self->id,
			self->iova + i * self->page, &w);
		memcpy(before[i], w.out_entries, sizeof(before[i]));
	}
	for (k = 0; k < 3; k++)
		expect_bits(_metadata, self->fd, self->id,
			    PTLAB_READ_DIRTY_NO_CLEAR, self->iova, NR_PAGES,
			    self->page, "1110000000000111");
	/* A bitmap the kernel cannot write: nothing is cleaned either. */
	EXPECT_EQ(-EFAULT, read_dirty(self->fd, self->id,
				      PTLAB_READ_DIRTY_NO_CLEAR, self->iova,
				      self->len, self->page, (__u64 *)8, 8,
				      NULL));
	for (i = 0; i < NR_PAGES; i++) {
		leaf_of(_metadata, self->fd, self->id,
			self->iova + i * self->page, &w);
		EXPECT_EQ(0, memcmp(before[i], w.out_entries,
				    sizeof(before[i])))
			TH_LOG("page %d", i);
	}
	ASSERT_EQ(0, read_dirty(self->fd, self->id, 0, self->iova, self->len,
				self->page, bits, sizeof(bits), NULL));
	EXPECT_EQ(0xe007ULL, bits[0]);
}

/* A block and a leaf of several entries report their whole span. */
TEST_F(dirty, blocks_and_contiguous_report_whole)
{
	unsigned char src[256];
	__u64 n, dirty, i, bits[8];

	if (!is_huge_backed(self->buf))
		SKIP(return, "no 2M transparent huge page");
	memset(src, 0x66, sizeof(src));
	if (self->page == SZ_4K) {
		ASSERT_EQ(0, pt_map_user(self->fd, self->id, SZ_1G, self->buf, SZ_2M, PT_RW, SZ_2M,
					 NULL));
		ASSERT_EQ(0, pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_WRITE, SZ_1G + 0x3000,
					src, sizeof(src), NULL, NULL));
		EXPECT_EQ(0x66, self->buf[0x3000]);
		/* At 2M per bit: one bit; at 64K per bit: all 32. */
		expect_bits(_metadata, self->fd, self->id,
			    PTLAB_READ_DIRTY_NO_CLEAR, SZ_1G, 1, SZ_2M, "1");
		ASSERT_EQ(0, read_dirty(self->fd, self->id, 0, SZ_1G, SZ_2M,
					SZ_64K, bits, sizeof(bits), &dirty));
		EXPECT_EQ(32ULL, dirty);
		for (i = 0; i < 32; i++)
			EXPECT_EQ(1ULL, bits[i / 64] >> (i % 64) & 1);
		expect_bits(_metadata, self->fd, self->id, 0, SZ_1G, 1, SZ_2M,
			    "0");
	}
	if (!variant->cont)
		return;
	/* A leaf of several entries, dirty through its last one. */
	ASSERT_EQ(0, pt_map_user(self->fd, self->id, 2 * SZ_1G, self->buf, variant->cont, PT_RW,
				 variant->cont, NULL));
	ASSERT_EQ(0, pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_WRITE,
				2 * SZ_1G + variant->cont - self->page, src, sizeof(src), NULL,
				NULL));
	n = variant->cont / self->page;
	ASSERT_EQ(0, read_dirty(self->fd, self->id, PTLAB_READ_DIRTY_NO_CLEAR,
				2 * SZ_1G, variant->cont, self->page, bits,
				sizeof(bits), &dirty));
	EXPECT_EQ(n, dirty);
	for (i = 0; i < n; i++)
		EXPECT_EQ(1ULL, bits[i / 64] >> (i % 64) & 1);
	expect_bits(_metadata, self->fd, self->id, 0, 2 * SZ_1G, 1,
		    variant->cont, "1");
	expect_bits(_metadata, self->fd, self->id, 0, 2 * SZ_1G, 1,
		    variant->cont, "0");
}

/*
 * A device that ignores flushes keeps the leaf cached as dirty after a
 * clean: its next write goes unrecorded, as on hardware, and the checking
 * mode reports the stale entry after the flush that followed the clean.
 */
TEST_F(dirty, missed_flush_after_clean_is_visible)
{
	struct ptlab_dev_faults q = { .size = sizeof(q), .max = 8 };
	struct ptlab_dev_destroy d = { .size = sizeof(d) };
	struct ptlab_fault f[8];
	unsigned char src[64];
	__u32 dev2;

	memset(src, 0x12, sizeof(src));
	ASSERT_EQ(0, pt_map_user(self->fd, self->id, self->iova, self->buf, self->len, PT_RW,
				 self->page, NULL));
	ASSERT_EQ(0, pt_dev_create(self->fd, self->id, PTLAB_DEV_NO_INVALIDATE | PTLAB_DEV_CHECK, 0,
				   &dev2));
	ASSERT_EQ(0, pt_dev_dma(self->fd, dev2, PTLAB_ACCESS_WRITE, self->iova, src, sizeof(src),
				NULL, NULL));
	expect_bits(_metadata, self->fd, self->id, 0, self->iova, 2, self->page,
		    "10");
	q.dev_id = dev2;
	q.records = (__u64)(uintptr_t)f;
	ASSERT_EQ(0, pt_ioctl(self->fd, PTLAB_IOCTL_DEV_FAULTS, &q));
	ASSERT_EQ(1U, q.out_count);
	EXPECT_EQ((__u32)PTLAB_FAULT_STALE, f[0].kind);
	EXPECT_EQ(self->iova, f[0].iova);
	ASSERT_EQ(0, pt_dev_dma(self->fd, dev2, PTLAB_ACCESS_WRITE, self->iova, src, sizeof(src),
				NULL, NULL));
	expect_bits(_metadata, self->fd, self->id, 0, self->iova, 2, self->page,
		    "00");
	/* The obedient device's write is recorded. */
	ASSERT_EQ(0, pt_dev_dma(self->fd, self->dev, PTLAB_ACCESS_WRITE, self->iova, src,
				sizeof(src), NULL, NULL));
	expect_bits(_metadata, self->fd, self->id, 0, self->iova, 2, self->page,
		    "10");
	d.dev_id = dev2;
	ASSERT_EQ(0, pt_ioctl(self->fd, PTLAB_IOCTL_DEV_DESTROY, &d));
}

TEST_F(dirty, bad_requests)
{
	struct ptlab_info info = { .size = sizeof(info), .id = self->id };
	__u64 bits[4], ias_top;
	struct ptlab_read_dirty r;

	ASSERT_EQ(0, pt_ioctl(self->fd, PTLAB_IOCTL_INFO, &info));
	ASSERT_EQ(0, pt_map_user(self->fd, self->id, self->iova, self->buf, self->len, PT_RW,
				 self->page, NULL));
#define RD(fl, io, ln, pg, b, bb) \
	read_dirty(self->fd, self->id, fl, io, ln, pg, b, bb, NULL)
	EXPECT_EQ(-EOPNOTSUPP, RD(2, self->iova, self->len, self->page, bits, 32));
	EXPECT_EQ(-EOPNOTSUPP, RD(1U << 31, self->iova, self->len, self->page, bits, 32));
	EXPECT_EQ(-EINVAL, RD(0, self->iova + 8, self->len, self->page, bits, 32));
	EXPECT_EQ(-EINVAL, RD(0, self->iova, 0, self->page, bits, 32));
	EXPECT_EQ(-EINVAL, RD(0, self->iova, self->len + 8, self->page, bits, 32));
	EXPECT_EQ(-EINVAL, RD(0, self->iova, self->len, 0, bits, 32));
	EXPECT_EQ(-EINVAL, RD(0, self->iova, self->len, 3 * self->page, bits, 32));
	EXPECT_EQ(-EINVAL, RD(0, self->iova, self->len, self->page / 2, bits, 32));
	/* More than PTLAB_DIRTY_MAX_BITS pages. */
	EXPECT_EQ(-EINVAL, RD(0, 0, ((__u64)PTLAB_DIRTY_MAX_BITS + 1) * self->page,
			      self->page, bits, ~0ULL));
	/* Beyond the input size, and wrapping. */
	ias_top = info.out_ias >= 64 ? 0 : 1ULL << info.out_ias;
	if (ias_top)
		EXPECT_EQ(-EINVAL, RD(0, ias_top - self->page, 2 * self->page,
				      self->page, bits, 32));
	EXPECT_EQ(-EINVAL, RD(0, -self->page, 2 * self->page, self->page, bits, 32));
	/* Room for 16 bits is one word; 7 bytes is not. */
	EXPECT_EQ(-ENOSPC, RD(0, self->iova, self->len, self->page, bits, 7));
	EXPECT_EQ(0, RD(0, self->iova, self->len, self->page, bits, 8));
	EXPECT_EQ(-EFAULT, RD(0, self->iova, self->len, self->page, NULL, 8));
	memset(&r, 0, sizeof(r));
	r = (struct ptlab_read_dirty){
		.size = sizeof(r), .id = self->id, .__reserved = 1,
		.iova = self->iova, .length = self->len, .page_size = self->page,
		.bitmap = (__u64)(uintptr_t)bits, .bitmap_bytes = 32,
	};
	EXPECT_EQ(-EINVAL, pt_ioctl(self->fd, PTLAB_IOCTL_READ_DIRTY, &r));
	r.__reserved = 0;
	r.id = 0xfffffff;
	EXPECT_EQ(-ENOENT, pt_ioctl(self->fd, PTLAB_IOCTL_READ_DIRTY, &r));
	r.id = self->id;
	check_size_rules(_metadata, self->fd, PTLAB_IOCTL_READ_DIRTY, &r);
#undef RD
}

/* Every allocation of the ioctl fails once; the retry is exact. */
TEST_F(dirty, fail_nth)
{
	__u64 bits[1], dirty = 0;
	int nth, ret = -ENOMEM;

	ASSERT_EQ(0, pt_map_user(self->fd, self->id, self->iova, self->buf, self->len, PT_RW,
				 self->page, NULL));
	write_pages(_metadata, self, "1000000000000001", 0x55);
	for (nth = 1; nth < 16 && ret == -ENOMEM; nth++) {
		ASSERT_EQ(0, set_fail_nth(nth));
		ret = read_dirty(self->fd, self->id, 0, self->iova, self->len,
				 self->page, bits, sizeof(bits), &dirty);
		set_fail_nth(0);
		if (ret == -ENOMEM)
			/* Failed before reading: nothing was cleaned. */
			expect_bits(_metadata, self->fd, self->id,
				    PTLAB_READ_DIRTY_NO_CLEAR, self->iova,
				    NR_PAGES, self->page, "1000000000000001");
	}
	ASSERT_EQ(0, ret);
	EXPECT_GT(nth, 2);
	EXPECT_EQ(2ULL, dirty);
	EXPECT_EQ(0x8001ULL, bits[0]);
}

/* An opener without CAP_SYS_ADMIN reads the bitmap of its own space. */
TEST_F(dirty, unprivileged_opener)
{
	pid_t pid = fork();
	int status;

	ASSERT_LE(0, pid);
	if (!pid) {
		struct ptlab_create c = variant->c;
		__u64 bits[1] = { 0 }, dirty = 0;
		unsigned char src[32] = { 1 };
		struct buf mem;
		__u32 dev;
		int fd;

		if (drop_cap(CAP_SYS_ADMIN) || drop_cap(CAP_SYS_RAWIO))
			_exit(10);
		/* Its own memory: the parent's is copied on write now. */
		if (buf_alloc(&mem, SZ_2M, true))
			_exit(16);
		if (self->page > SZ_4K && !is_huge_backed(mem.p))
			_exit(KSFT_SKIP);
		fd = open(PTLAB_DEV, O_RDWR);
		c.size = sizeof(c);
		if (fd < 0 || pt_ioctl(fd, PTLAB_IOCTL_CREATE, &c))
			_exit(11);
		if (pt_map_user(fd, c.out_id, self->iova, mem.p, self->len, PT_RW, self->page,
				NULL) ||
		    pt_dev_create(fd, c.out_id, 0, 0, &dev))
			_exit(12);
		if (pt_dev_dma(fd, dev, PTLAB_ACCESS_WRITE, self->iova + 3 * self->page, src,
			       sizeof(src), NULL, NULL))
			_exit(13);
		if (read_dirty(fd, c.out_id, 0, self->iova, self->len,
			       self->page, bits, sizeof(bits), &dirty) ||
		    dirty != 1 || bits[0] != 8)
			_exit(14);
		/* Another file's space is not its to read. */
		if (read_dirty(fd, self->id, 0, self->iova, self->len,
			       self->page, bits, sizeof(bits), NULL) != -ENOENT)
			_exit(15);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	if (WEXITSTATUS(status) == KSFT_SKIP)
		SKIP(return, "no transparent huge page for the child");
	EXPECT_EQ(0, WEXITSTATUS(status));
}

FIXTURE(nodirty) {
	int fd;
};

FIXTURE_SETUP(nodirty)
{
	self->fd = ptlab_open(_metadata);
}

FIXTURE_TEARDOWN(nodirty)
{
	close(self->fd);
}

/* Formats without dirty bits refuse the flag; so do spaces without it. */
TEST_F(nodirty, refused)
{
	static const struct ptlab_create refused[] = {
		{ .format = PTLAB_FMT_ARM64_LPAE_S2 },
		{ .format = PTLAB_FMT_ARM_MALI_LPAE },
		{ .format = PTLAB_FMT_ARM_V7S },
		{ .format = PTLAB_FMT_APPLE_DART },
		{ .format = PTLAB_FMT_APPLE_UAT },
	};
	static const struct {
		__u32 format;
		__u64 bits;
	} regs[] = {
		{ PTLAB_FMT_ARM64_LPAE_S1, BIT_ULL(39) | BIT_ULL(40) },
		{ PTLAB_FMT_VTD_SS, BIT_ULL(9) },
		{ PTLAB_FMT_AMD_V1, 3ULL << 7 },
		{ PTLAB_FMT_RISCV, BIT_ULL(8) },
	};
	int fd = self->fd, dirs = debugfs_nr_dirs();
	struct ptlab_info info = { .size = sizeof(info) };
	struct ptlab_create c;
	__u64 bits[1];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(refused); i++) {
		c = refused[i];
		c.size = sizeof(c);
		c.flags = PTLAB_CREATE_DIRTY;
		EXPECT_EQ(-EOPNOTSUPP, pt_ioctl(fd, PTLAB_IOCTL_CREATE, &c))
			TH_LOG("format %u", c.format);
		/* Without the flag: no dirty bitmap to read. */
		c.flags = 0;
		ASSERT_EQ(0, pt_ioctl(fd, PTLAB_IOCTL_CREATE, &c));
		EXPECT_EQ(-EOPNOTSUPP, read_dirty(fd, c.out_id, 0, 0, SZ_1M,
						  SZ_16K, bits, sizeof(bits),
						  NULL));
		ASSERT_EQ(0, pt_destroy(fd, c.out_id));
	}
	/* Without the flag, the registers enable nothing. */
	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		c = (struct ptlab_create){ .size = sizeof(c), .format = regs[i].format };
		ASSERT_EQ(0, pt_ioctl(fd, PTLAB_IOCTL_CREATE, &c));
		info.id = c.out_id;
		ASSERT_EQ(0, pt_ioctl(fd, PTLAB_IOCTL_INFO, &info));
		EXPECT_EQ(0ULL, info.out_tcr & regs[i].bits);
		EXPECT_EQ(-EOPNOTSUPP, read_dirty(fd, c.out_id, 0, 0, SZ_1M,
						  SZ_4K, bits, sizeof(bits),
						  NULL));
		ASSERT_EQ(0, pt_destroy(fd, c.out_id));
	}
	EXPECT_EQ(dirs, debugfs_nr_dirs());
}

TEST_HARNESS_MAIN
