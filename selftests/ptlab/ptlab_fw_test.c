// SPDX-License-Identifier: GPL-2.0
/*
 * Kselftests for firmware-shared top-level tables and for the IOTLB flushes
 * and table reclaim of ptlab.
 *
 * The simulated firmware (debugfs ptlab/firmware) pre-allocates a top-level
 * table, populates its own IOVA ranges with its own tables and data pages,
 * and publishes the table's physical address. Each data page holds its own
 * IOVA: word i of the page at IOVA v is v + 8 * i, so a snapshot shows
 * whether a walk reached the right page. An address space can adopt that
 * table (PTLAB_CREATE_ADOPT); it must map only outside the firmware's
 * ranges, account only the tables it allocated itself, and leave every
 * firmware table bit for bit as it found it, which the firmware's crc tells.
 *
 * As in the other ptlab tests, every answer is checked against what the
 * kernel says independently: SecPageTables for table memory, VmPin for
 * pinned memory, /proc/self/pagemap for user pages, /proc/iomem for RAM, and
 * the test's own model of the address space (ptlab_lib.h) after each call.
 *
 * Run as root through ptlab.sh, which loads and unloads the module.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
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

#define FW_FORMAT	"arm64-lpae-s1"
#define FW_MAX_BYTES	(16ULL << 20)	/* its bound on populated bytes */

/* What the firmware maps its data pages with. */
#define FW_PROT		(PTLAB_PROT_READ | PTLAB_PROT_WRITE | PTLAB_PROT_CACHE)

/*
 * The test's firmware: range A inside one last-level table (2M), range B
 * across two, in another 1G. Tables: the root, one 512G table, two 1G
 * tables, three last-level tables.
 */
#define FW_A		0x40000000ULL
#define FW_A_LEN	0x10000ULL
#define FW_B		0x801fe000ULL
#define FW_B_LEN	0x4000ULL
#define FW_RANGES	"0x40000000:0x10000,0x801fe000:0x4000"
#define FW_PAGES	((FW_A_LEN + FW_B_LEN) / SZ_4K)

/* User mappings of an adopted space, 4 pages each. */
#define U_PAGES		4
#define U_LEN		(U_PAGES * SZ_4K)
#define U_AFTER_A	(FW_A + FW_A_LEN)	/* in A's last-level table */
#define U_BEFORE_B	(FW_B - U_LEN)		/* in B's first one */
#define U_NEAR		(FW_A + SZ_4M)		/* new last-level table */
#define U_FAR		(3 * SZ_512G + 5 * SZ_1G)	/* three new tables */

/* --- the firmware's debugfs file --- */

/* The ids `cat firmware` lists, as a bit mask. */
static __u32 fw_ids(struct __test_metadata *_metadata)
{
	struct fw_inst f[FW_MAX + 1];
	__u32 mask = 0;
	int nr, i;

	nr = fw_list(f, FW_MAX + 1);
	ASSERT_LE(0, nr) TH_LOG("cat %s: %s", FW_FILE, strerror(-nr));
	for (i = 0; i < nr; i++) {
		ASSERT_TRUE(f[i].id >= 1 && f[i].id <= 31);
		ASSERT_EQ(0U, mask & (1U << f[i].id)) TH_LOG("id %u twice", f[i].id);
		mask |= 1U << f[i].id;
	}
	return mask;
}

/* The ids a test created, for its teardown to destroy. */
struct fw_owned {
	__u32 ids[FW_MAX];
	int nr;
};

static void fw_owned_destroy(struct fw_owned *o)
{
	while (o->nr > 0)
		fw_cmd("destroy %u", o->ids[--o->nr]);
}

static void fw_owned_forget(struct fw_owned *o, __u32 id)
{
	int i;

	for (i = 0; i < o->nr; i++)
		if (o->ids[i] == id)
			o->ids[i] = o->ids[--o->nr];
}

/*
 * Creates an instance in @format over @ranges and finds it in `cat
 * firmware`: a new id whose line shows @format, a RAM page-aligned root, no
 * users and exactly @ranges. SecPageTables must not move: the firmware's
 * memory is not ptlab's.
 */
static void fw_create(struct __test_metadata *_metadata, struct fw_owned *o,
		      const char *format, const char *ranges, struct fw_inst *f)
{
	__u32 before, after, id;
	long secpt = secpt_kb();
	struct fw_inst want;
	int ret;

	ASSERT_EQ(0, parse_ranges(ranges, &want));
	before = fw_ids(_metadata);
	ret = fw_cmd("create %s %s", format, ranges);
	ASSERT_EQ(0, ret) TH_LOG("create %s %s: %s", format, ranges,
				 strerror(-ret));
	after = fw_ids(_metadata);
	ASSERT_EQ(before, after & before) TH_LOG("an instance went away");
	ASSERT_NE(0U, after & ~before) TH_LOG("no new instance listed");
	ASSERT_EQ(0U, (after & ~before) & ((after & ~before) - 1))
		TH_LOG("more than one new instance");
	id = __builtin_ctz(after & ~before);
	ASSERT_LT(o->nr, FW_MAX);
	o->ids[o->nr++] = id;
	ASSERT_EQ(0, fw_get(id, f));
	ASSERT_STREQ(format, f->format);
	ASSERT_NE(0ULL, f->root);
	ASSERT_EQ(0ULL, f->root % SZ_4K);
	ASSERT_TRUE(pa_is_ram(f->root)) TH_LOG("root 0x%llx", f->root);
	ASSERT_EQ(0U, f->users);
	ASSERT_EQ(want.nr, f->nr);
	ASSERT_EQ(0, memcmp(want.r, f->r, want.nr * sizeof(want.r[0])));
	ASSERT_EQ(secpt, secpt_kb()) TH_LOG("firmware counted as ptlab's");
}

/* The instance must be listed with @crc and @users. */
static void fw_expect(struct __test_metadata *_metadata, __u32 id, __u32 crc,
		      __u32 users)
{
	struct fw_inst f;

	ASSERT_EQ(0, fw_get(id, &f)) TH_LOG("firmware %u not listed", id);
	ASSERT_EQ(crc, f.crc) TH_LOG("firmware %u: tables changed", id);
	ASSERT_EQ(users, f.users) TH_LOG("firmware %u", id);
}

static __u32 fw_crc(struct __test_metadata *_metadata, __u32 id)
{
	struct fw_inst f;

	ASSERT_EQ(0, fw_get(id, &f));
	return f.crc;
}

/* --- flush statistics, debugfs <id>/flushes --- */

static void read_flushes(struct __test_metadata *_metadata, __u32 id,
			 struct flushes *fl)
{
	unsigned char *text;
	char path[128];
	size_t len;

	debugfs_path(path, sizeof(path), id, "flushes");
	text = read_path(path, SZ_4K, &len);
	ASSERT_NE(NULL, text) TH_LOG("%s: %s", path, strerror(errno));
	text[len] = '\0';
	ASSERT_EQ(0, flushes_parse((char *)text, fl))
		TH_LOG("%s is not in the documented format: %s", path, text);
	free(text);
}

/* Nothing was flushed and no table gathered between @a and now. */
static void check_no_flush(struct __test_metadata *_metadata, __u32 id,
			   const struct flushes *a, const char *what)
{
	struct flushes b;

	read_flushes(_metadata, id, &b);
	ASSERT_EQ(a->all, b.all) TH_LOG("%s", what);
	ASSERT_EQ(a->range, b.range) TH_LOG("%s flushed", what);
	ASSERT_EQ(a->table_pages, b.table_pages) TH_LOG("%s", what);
}

/* --- /proc --- */

/* A page-aligned physical range of @size with no System RAM at any depth. */
static __u64 nonram_pa(struct __test_metadata *_metadata, __u64 size)
{
	__u64 top = iomem_ram_top(iomem_get());

	ASSERT_NE(0ULL, top) TH_LOG("/proc/iomem lists no System RAM (root?)");
	top = align_up(top + 1, SZ_1G) + SZ_1G;
	ASSERT_LE(top + size, TOP(ARM_OAS));
	return top;
}

/* --- adopted address spaces --- */

static struct ptlab_create adopt_req(__u64 root, const struct ptlab_range *r,
				     __u32 nr)
{
	struct ptlab_create c = {
		.size = sizeof(c),
		.flags = PTLAB_CREATE_ADOPT,
		.format = PTLAB_FMT_ARM64_LPAE_S1,
		.adopt_root_pa = root,
		.fw_ranges = (uintptr_t)r,
		.nr_fw_ranges = nr,
	};

	return c;
}

/* Bytes the model holds outside the firmware's leaves. */
static __u64 user_bytes(const struct model *m)
{
	__u64 sum = 0;
	size_t i;

	for (i = 0; i < m->nr; i++)
		if (m->leaves[i].kind != KIND_FW)
			sum += m->leaves[i].size;
	return sum;
}

/*
 * Table pages the space must own: those the model's leaves need, less
 * those the firmware's leaves alone need (the firmware's tables, root
 * included), which the space borrows.
 */
static __u64 owned_tables(struct __test_metadata *_metadata,
			  const struct model *m)
{
	struct model fw = *m;
	__u64 all = model_table_pages(m), theirs;
	size_t i;

	fw.leaves = calloc(m->nr + 1, sizeof(*fw.leaves));
	ASSERT_NE(NULL, fw.leaves);
	fw.nr = 0;
	for (i = 0; i < m->nr; i++)
		if (m->leaves[i].kind == KIND_FW)
			fw.leaves[fw.nr++] = m->leaves[i];
	theirs = model_table_pages(&fw);
	free(fw.leaves);
	ASSERT_LE(theirs, all);
	return all - theirs;
}

/*
 * An adopted space against its model: info (root, bytes mapped by the
 * space, tables it owns), the debugfs table count, every leaf walked, the
 * dump, and SecPageTables and VmPin exactly at the baseline plus what the
 * space owns and pins.
 */
static void check_adopted(struct __test_metadata *_metadata,
			  const struct baseline *b, const struct space *s)
{
	__u64 owned = owned_tables(_metadata, &s->m);
	struct ptlab_info info;
	const struct leaf *lf;
	size_t i;

	ASSERT_EQ(0, pt_info(s->fd, s->id, &info));
	ASSERT_EQ(s->root_pa, info.out_root_pa);
	ASSERT_EQ(user_bytes(&s->m), info.out_mapped_bytes);
	ASSERT_EQ(owned, info.out_table_pages);
	ASSERT_EQ((long long)owned, debugfs_table_pages(s->id));
	for (i = 0; i < s->m.nr; i++) {
		lf = &s->m.leaves[i];
		check_walk(_metadata, s, lf, lf->iova + (i * 0x238 & 0xff8));
	}
	check_dump(_metadata, s);
	check_counters(_metadata, b, model_pinned_bytes(&s->m), owned);
}

/*
 * Walks every page of the firmware's ranges: a 4K read-write cacheable page
 * in RAM, reached through four levels; the model learns it as the
 * firmware's. Whether it is the right page, the snapshot test tells from
 * its contents.
 */
static void walk_fw_pages(struct __test_metadata *_metadata, struct space *s,
			  const struct fw_inst *fw)
{
	struct ptlab_walk w;
	__u64 iova, off, pa;
	__u32 r;

	for (r = 0; r < fw->nr; r++) {
		for (iova = fw->r[r].iova;
		     iova < fw->r[r].iova + fw->r[r].length; iova += SZ_4K) {
			off = (iova >> 9) & 0xff8;
			ASSERT_EQ(0, pt_walk(s->fd, s->id, iova + off, &w))
				TH_LOG("firmware IOVA 0x%llx", iova);
			pa = w.out_pa - off;
			ASSERT_EQ(0ULL, pa % SZ_4K) TH_LOG("IOVA 0x%llx", iova);
			ASSERT_TRUE(pa_is_ram(pa)) TH_LOG("pa 0x%llx", pa);
			ASSERT_EQ(SZ_4K, w.out_pgsize);
			ASSERT_EQ((__u32)FW_PROT, w.out_prot);
			ASSERT_EQ(0U, w.out_level);
			ASSERT_EQ(s->m.g.levels, w.out_nr_entries);
			if (model_find(&s->m, iova) < 0) {
				ASSERT_EQ(0, model_add_phys(&s->m, iova, pa, SZ_4K,
							    FW_PROT, SZ_4K,
							    KIND_FW));
			}
			ASSERT_EQ(pa, s->m.leaves[model_find(&s->m, iova)].pa)
				TH_LOG("firmware page 0x%llx moved", iova);
		}
	}
}

/*
 * Adopts @fw's table with its exact ranges into a new space of @fd: the
 * root is the firmware's, the space owns no table, the firmware has one
 * user more, and every firmware page walks.
 */
static void space_adopt(struct __test_metadata *_metadata, struct space *s,
			int fd, const struct fw_inst *fw)
{
	struct ptlab_create c = adopt_req(fw->root, fw->r, fw->nr);
	struct ptlab_info info;
	struct fw_inst now;
	int ret;

	memset(s, 0, sizeof(*s));
	s->fd = fd;
	ASSERT_EQ(0, fw_get(fw->id, &now));
	ret = pt_ioctl(fd, PTLAB_IOCTL_CREATE, &c);
	ASSERT_EQ(0, ret) TH_LOG("adopt 0x%llx: %s", fw->root, strerror(-ret));
	s->id = c.out_id;
	ASSERT_EQ(0, pt_info(fd, s->id, &info));
	ASSERT_EQ((__u32)PTLAB_FMT_ARM64_LPAE_S1, info.out_format);
	ASSERT_EQ(12U, info.out_granule_shift);
	ASSERT_EQ(ARM_IAS, info.out_ias);
	ASSERT_EQ(ARM_OAS, info.out_oas);
	ASSERT_EQ(levels_for_ias(ARM_IAS), info.out_levels);
	ASSERT_EQ(fw->root, info.out_root_pa);
	ASSERT_EQ(fw->root, info.out_ttbr);
	ASSERT_EQ(0ULL, info.out_table_pages) TH_LOG("the root is not ours");
	ASSERT_EQ(0ULL, info.out_mapped_bytes);
	ASSERT_EQ(0LL, debugfs_table_pages(s->id));
	ASSERT_TRUE(debugfs_has_dir(s->id));
	fw_expect(_metadata, fw->id, now.crc, now.users + 1);
	space_set_info(s, &info);
	walk_fw_pages(_metadata, s, fw);
}

/* A user map of an adopted space that must succeed; the model learns it. */
static void map_adopted(struct __test_metadata *_metadata,
			const struct baseline *b, struct space *s, __u64 iova,
			const void *uptr, __u64 len)
{
	struct ptlab_map_user req = map_req(s->id, iova, uptr, len, PT_RW);
	int ret;

	ret = pt_ioctl(s->fd, PTLAB_IOCTL_MAP_USER, &req);
	ASSERT_EQ(0, ret) TH_LOG("map 0x%llx+0x%llx: %s", iova, len,
				 strerror(-ret));
	ASSERT_EQ(len, req.out_mapped);
	ASSERT_EQ(0, model_add(&s->m, iova, uptr, len, PT_RW, 0));
	check_adopted(_metadata, b, s);
}

/* An unmap of user pages of an adopted space that must remove @len. */
static void unmap_adopted(struct __test_metadata *_metadata,
			  const struct baseline *b, struct space *s,
			  __u64 iova, __u64 len)
{
	__u64 got;
	int ret;

	ret = pt_unmap(s->fd, s->id, iova, len, &got);
	ASSERT_EQ(0, ret) TH_LOG("unmap 0x%llx+0x%llx: %s", iova, len,
				 strerror(-ret));
	ASSERT_EQ(len, got);
	model_remove(&s->m, iova, len);
	check_adopted(_metadata, b, s);
}

/* --- the firmware fixture: one instance with ranges A and B --- */

struct fw_env {
	struct baseline base;
	struct fw_owned own;
	__u32 ids0;		/* instances listed before the test's */
	struct fw_inst fw;
	__u32 crc0;		/* the firmware's crc before any adoption */
	struct space sp;
	struct buf b;		/* 4 x U_PAGES pages for user maps */
};

FIXTURE(fw) {
	struct fw_env e;
};

static void fw_env_setup(struct __test_metadata *_metadata,
			 struct fw_env *env)
{
	env->sp.fd = -1;
	take_baseline(_metadata, &env->base);
	if (access(FW_FILE, W_OK))
		SKIP(return, "no %s: %s", FW_FILE, strerror(errno));
	env->ids0 = fw_ids(_metadata);
	fw_create(_metadata, &env->own, FW_FORMAT, FW_RANGES, &env->fw);
	env->crc0 = env->fw.crc;
	alloc_or_die(_metadata, &env->b, 4 * U_LEN, false);
}

static void fw_env_teardown(struct fw_env *env)
{
	space_close(&env->sp);
	fw_owned_destroy(&env->own);
	buf_free(&env->b);
}

FIXTURE_SETUP(fw)
{
	fw_env_setup(_metadata, &self->e);
}

FIXTURE_TEARDOWN(fw)
{
	fw_env_teardown(&self->e);
}

/* The four user maps of an adopted space, in the order they are made. */
static const __u64 u_iovas[] = { U_AFTER_A, U_NEAR, U_FAR, U_BEFORE_B };

/*
 * Makes the user maps and checks each: beside range A and before range B
 * in the firmware's own last-level tables (no new table), in A's 1G but a
 * new 2M (one table), and far away (a table per level below the root).
 */
static void map_user_maps(struct __test_metadata *_metadata,
			  struct fw_env *env)
{
	static const __u64 new_tables[] = { 0, 1, 3, 0 };
	struct ptlab_info info;
	__u64 before;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(u_iovas); i++) {
		ASSERT_EQ(0, pt_info(env->sp.fd, env->sp.id, &info));
		before = info.out_table_pages;
		map_adopted(_metadata, &env->base, &env->sp, u_iovas[i],
			    env->b.p + i * U_LEN, U_LEN);
		ASSERT_EQ(0, pt_info(env->sp.fd, env->sp.id, &info));
		ASSERT_EQ(before + new_tables[i], info.out_table_pages)
			TH_LOG("map at 0x%llx", u_iovas[i]);
	}
}

/* --- 1. the firmware itself --- */

/*
 * The instance is listed as created; a second one in another format is
 * listed beside it and goes away on destroy, leaving the first intact.
 * Neither moves SecPageTables.
 */
TEST_F(fw, create_listed)
{
	struct fw_inst x, f;

	fw_expect(_metadata, self->e.fw.id, self->e.crc0, 0);
	check_counters(_metadata, &self->e.base, 0, 0);
	fw_create(_metadata, &self->e.own, "x86-64", "0x7000:0x3000", &x);
	ASSERT_NE(self->e.fw.id, x.id);
	ASSERT_NE(self->e.fw.root, x.root);
	ASSERT_EQ(0, fw_cmd("destroy %u", x.id));
	fw_owned_forget(&self->e.own, x.id);
	ASSERT_EQ(-ENOENT, fw_get(x.id, &f));
	fw_expect(_metadata, self->e.fw.id, self->e.crc0, 0);
	check_counters(_metadata, &self->e.base, 0, 0);
}

/*
 * Formats whose smallest page is 16K get data pages of 16K: ranges must be
 * multiples of it, and an address space that adopts the tables finds one
 * 16K page of RAM per 16K of each range, each at its own address.
 */
TEST_F(fw, create_16k_formats)
{
	static const struct {
		const char *name;
		__u32 format;
	} fmts[] = {
		{ "apple-dart", PTLAB_FMT_APPLE_DART },
		{ "apple-uat", PTLAB_FMT_APPLE_UAT },
	};
	const __u64 iova = 0x10000000;
	struct ptlab_create c;
	struct ptlab_walk w;
	struct fw_inst x;
	__u64 pa[2];
	size_t i, k;
	int fd;

	for (i = 0; i < ARRAY_SIZE(fmts); i++) {
		ASSERT_EQ(-EINVAL, fw_cmd("create %s 0x10001000:0x4000",
					  fmts[i].name));
		ASSERT_EQ(-EINVAL, fw_cmd("create %s 0x10000000:0x1000",
					  fmts[i].name));
		fw_create(_metadata, &self->e.own, fmts[i].name,
			  "0x10000000:0x8000", &x);
		fd = ptlab_open(_metadata);
		c = adopt_req(x.root, x.r, x.nr);
		c.format = fmts[i].format;
		ASSERT_EQ(0, pt_ioctl(fd, PTLAB_IOCTL_CREATE, &c));
		for (k = 0; k < 2; k++) {
			ASSERT_EQ(0, pt_walk(fd, c.out_id, iova + k * SZ_16K + 8,
					     &w));
			ASSERT_EQ((__u64)SZ_16K, w.out_pgsize);
			pa[k] = w.out_pa - 8;
			ASSERT_EQ(0ULL, pa[k] % SZ_16K);
			ASSERT_TRUE(pa_is_ram(pa[k])) TH_LOG("pa 0x%llx", pa[k]);
		}
		ASSERT_NE(pa[0], pa[1]);
		ASSERT_EQ(-ENOENT, pt_walk(fd, c.out_id, iova + 2 * SZ_16K, &w));
		ASSERT_EQ(0, pt_destroy(fd, c.out_id));
		close(fd);
		ASSERT_EQ(0, fw_cmd("destroy %u", x.id));
		fw_owned_forget(&self->e.own, x.id);
	}
}

/*
 * NVIDIA GMMU firmware tables use PD0's small half (4K pages): an address
 * space that asks for 4K and 64K pages lays its tables out otherwise (a
 * small and a big page table under each PD0 entry) and may not adopt
 * them, though its granule is the same; one of the firmware's own layout
 * may, and translates the firmware's pages.
 */
TEST_F(fw, gmmu_layout_must_match)
{
	const __u64 iova = 0x10000000;
	struct ptlab_create c;
	struct ptlab_walk w;
	struct fw_inst x;
	int fd;

	fw_create(_metadata, &self->e.own, "nvidia-gmmu-v2", "0x10000000:0x4000",
		  &x);
	fd = ptlab_open(_metadata);
	c = adopt_req(x.root, x.r, x.nr);
	c.format = PTLAB_FMT_NVIDIA_GMMU_V2;
	c.pgsize_bitmap = SZ_4K | SZ_64K | SZ_2M;
	ASSERT_EQ(-EINVAL, pt_ioctl(fd, PTLAB_IOCTL_CREATE, &c));
	c = adopt_req(x.root, x.r, x.nr);
	c.format = PTLAB_FMT_NVIDIA_GMMU_V2;
	ASSERT_EQ(0, pt_ioctl(fd, PTLAB_IOCTL_CREATE, &c));
	ASSERT_EQ(0, pt_walk(fd, c.out_id, iova + SZ_4K + 8, &w));
	ASSERT_EQ((__u64)SZ_4K, w.out_pgsize);
	ASSERT_TRUE(pa_is_ram(w.out_pa - 8)) TH_LOG("pa 0x%llx", w.out_pa);
	ASSERT_EQ(0, pt_destroy(fd, c.out_id));
	close(fd);
	ASSERT_EQ(0, fw_cmd("destroy %u", x.id));
	fw_owned_forget(&self->e.own, x.id);
}

#define NINE_RANGES	"0x1000:0x1000,0x3000:0x1000,0x5000:0x1000,0x7000:0x1000," \
			"0x9000:0x1000,0xb000:0x1000,0xd000:0x1000,0xf000:0x1000," \
			"0x11000:0x1000"

/* Each malformed command fails with its errno and creates nothing. */
TEST_F(fw, create_errors)
{
	static const struct {
		const char *cmd;
		int err;
	} bad[] = {
		{ "create no-such-format 0x1000:0x1000", -EOPNOTSUPP },
		{ "create " FW_FORMAT " 0x1001:0x1000", -EINVAL },
		{ "create " FW_FORMAT " 0x1000:0x800", -EINVAL },
		{ "create " FW_FORMAT " 0x1000:0", -EINVAL },
		{ "create " FW_FORMAT " 0x1000", -EINVAL },
		{ "create " FW_FORMAT " zz:0x1000", -EINVAL },
		{ "create " FW_FORMAT " 0x1000:0x1000,", -EINVAL },
		{ "create " FW_FORMAT " 0x1000:0x1000,,0x3000:0x1000", -EINVAL },
		{ "create " FW_FORMAT " ,0x1000:0x1000", -EINVAL },
		{ "create " FW_FORMAT " 0x1000000000000:0x1000", -EINVAL },
		{ "create " FW_FORMAT " 0xfffffffff000:0x2000", -EINVAL },
		{ "create " FW_FORMAT " " NINE_RANGES, -EINVAL },
		{ "create " FW_FORMAT " 0x0:0x1001000", -E2BIG },
		{ "create " FW_FORMAT " 0x0:0x800000,0x1000000:0x801000", -E2BIG },
		{ "create " FW_FORMAT, -EINVAL },
		{ "create", -EINVAL },
		{ "frobnicate 1", -EINVAL },
		{ "destroy", -EINVAL },
		{ "destroy one", -EINVAL },
		{ "", -EINVAL },
	};
	__u32 ids = fw_ids(_metadata);
	struct fw_inst big;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ret = fw_cmd("%s", bad[i].cmd);
		EXPECT_EQ(bad[i].err, ret) TH_LOG("\"%s\": %s", bad[i].cmd,
						  strerror(-ret));
		/* Undo what a wrongly accepted command made, and go on. */
		while (fw_ids(_metadata) & ~ids)
			fw_cmd("destroy %d", __builtin_ctz(fw_ids(_metadata) & ~ids));
		ASSERT_EQ(ids, fw_ids(_metadata)) TH_LOG("\"%s\"", bad[i].cmd);
	}
	/* Exactly the bound is allowed. */
	fw_create(_metadata, &self->e.own, FW_FORMAT, "0x0:0x800000,0x1000000:0x800000",
		  &big);
	ASSERT_EQ(0, fw_cmd("destroy %u", big.id));
	fw_owned_forget(&self->e.own, big.id);
	ASSERT_EQ(ids, fw_ids(_metadata));
	fw_expect(_metadata, self->e.fw.id, self->e.crc0, 0);
	check_counters(_metadata, &self->e.base, 0, 0);
}

/*
 * Overlapping ranges cannot be populated: the create fails (-EINVAL, or
 * -EADDRINUSE from populating them) and leaves nothing.
 */
TEST_F(fw, create_overlapping_ranges)
{
	__u32 ids = fw_ids(_metadata);
	int ret;

	ret = fw_cmd("create %s 0x1000:0x2000,0x2000:0x1000", FW_FORMAT);
	ASSERT_TRUE(ret == -EINVAL || ret == -EADDRINUSE)
		TH_LOG("%d: %s", ret, strerror(-ret));
	ASSERT_EQ(ids, fw_ids(_metadata));
	ret = fw_cmd("create %s 0x1000:0x1000,0x1000:0x1000", FW_FORMAT);
	ASSERT_TRUE(ret == -EINVAL || ret == -EADDRINUSE)
		TH_LOG("%d: %s", ret, strerror(-ret));
	ASSERT_EQ(ids, fw_ids(_metadata));
}

/* The firmware keeps FW_MAX instances; one more is -ENOSPC. */
TEST_F(fw, create_limit)
{
	struct fw_inst f;
	int ret;

	while (__builtin_popcount(fw_ids(_metadata)) < FW_MAX)
		fw_create(_metadata, &self->e.own, FW_FORMAT, "0x1000:0x1000", &f);
	ret = fw_cmd("create %s 0x1000:0x1000", FW_FORMAT);
	ASSERT_EQ(-ENOSPC, ret) TH_LOG("%s", strerror(-ret));
	fw_owned_destroy(&self->e.own);
	ASSERT_EQ(self->e.ids0, fw_ids(_metadata))
		TH_LOG("instances left after destroying the test's");
}

/*
 * destroy: -ENOENT for an id never listed (0, unused, out of range) and for
 * one already destroyed; -EBUSY while an address space has adopted it,
 * leaving it listed and intact; fine once the space is gone.
 */
TEST_F(fw, destroy)
{
	__u32 ids = fw_ids(_metadata), unused = 1;
	struct fw_inst x;

	while (ids & (1U << unused))
		unused++;
	ASSERT_EQ(-ENOENT, fw_cmd("destroy 0"));
	ASSERT_EQ(-ENOENT, fw_cmd("destroy %u", unused));
	ASSERT_EQ(-ENOENT, fw_cmd("destroy %u", FW_MAX + 1));
	ASSERT_EQ(-ENOENT, fw_cmd("destroy 4294967295"));
	fw_create(_metadata, &self->e.own, FW_FORMAT, "0x2000:0x1000", &x);
	ASSERT_EQ(0, fw_cmd("destroy %u", x.id));
	fw_owned_forget(&self->e.own, x.id);
	ASSERT_EQ(-ENOENT, fw_cmd("destroy %u", x.id));

	space_adopt(_metadata, &self->e.sp, ptlab_open(_metadata), &self->e.fw);
	ASSERT_EQ(-EBUSY, fw_cmd("destroy %u", self->e.fw.id));
	fw_expect(_metadata, self->e.fw.id, self->e.crc0, 1);
	walk_fw_pages(_metadata, &self->e.sp, &self->e.fw);
	space_close(&self->e.sp);
	fw_expect(_metadata, self->e.fw.id, self->e.crc0, 0);
	ASSERT_EQ(0, fw_cmd("destroy %u", self->e.fw.id));
	fw_owned_forget(&self->e.own, self->e.fw.id);
	ASSERT_EQ(ids & ~(1U << self->e.fw.id), fw_ids(_metadata));
	check_counters(_metadata, &self->e.base, 0, 0);
}

/*
 * destroy frees the firmware's memory: creating and destroying the largest
 * instance (16M of data pages and their tables) over and over must not eat
 * MemAvailable.
 */
#define CYCLES 12

TEST_F_TIMEOUT(fw, destroy_frees_memory, 300)
{
	struct fw_inst f;
	long before, after;
	int i;

	fw_create(_metadata, &self->e.own, FW_FORMAT, "0x0:0x1000000", &f);
	ASSERT_EQ(0, fw_cmd("destroy %u", f.id));
	fw_owned_forget(&self->e.own, f.id);
	before = meminfo_kb("MemAvailable");
	ASSERT_LT(0, before);
	for (i = 0; i < CYCLES; i++) {
		ASSERT_EQ(0, fw_cmd("create %s 0x0:0x1000000", FW_FORMAT));
		ASSERT_EQ(0, fw_get(f.id, &f)) TH_LOG("id %u not reused", f.id);
		ASSERT_EQ(0, fw_cmd("destroy %u", f.id));
	}
	after = meminfo_kb("MemAvailable");
	TH_LOG("MemAvailable %ld kB -> %ld kB over %d x 16M", before, after,
	       CYCLES);
	/* Leaking would cost CYCLES x 16M; allow a quarter of it as noise. */
	ASSERT_GT(after, before - CYCLES * 16 * 1024 / 4);
}

/* --- 2. adoption --- */

/*
 * Adopting with the published root and the exact ranges: no table owned,
 * every firmware page walks. User maps go beside the firmware's pages in
 * its own last-level tables, into a new table under its 1G table, and far
 * away; SecPageTables follows exactly what the space owns. Unmapping them
 * takes back every entry the space wrote into the firmware's tables: the
 * crc is the original one again. Destroying the space (ioctl, then close)
 * leaves the firmware as it was and SecPageTables at the baseline, and a
 * new adoption finds none of the old space's mappings.
 */
TEST_F(fw, adopt)
{
	int fd = ptlab_open(_metadata), i;
	__u64 fw_pa[FW_PAGES];
	struct ptlab_walk w;
	__u32 id;
	size_t k;

	space_adopt(_metadata, &self->e.sp, fd, &self->e.fw);
	check_adopted(_metadata, &self->e.base, &self->e.sp);
	ASSERT_EQ((__u64)FW_PAGES, self->e.sp.m.nr);
	for (k = 0; k < FW_PAGES; k++)
		fw_pa[k] = self->e.sp.m.leaves[k].pa;
	fw_expect(_metadata, self->e.fw.id, self->e.crc0, 1);
	map_user_maps(_metadata, &self->e);
	ASSERT_NE(self->e.crc0, fw_crc(_metadata, self->e.fw.id))
		TH_LOG("user maps beside the firmware's pages changed no table");
	for (k = 0; k < ARRAY_SIZE(u_iovas); k++)
		unmap_adopted(_metadata, &self->e.base, &self->e.sp, u_iovas[k], U_LEN);
	fw_expect(_metadata, self->e.fw.id, self->e.crc0, 1);

	for (i = 0; i < 3; i++) {
		map_user_maps(_metadata, &self->e);
		id = self->e.sp.id;
		if (i == 0) {
			/* PTLAB_IOCTL_DESTROY */
			ASSERT_EQ(0, pt_destroy(fd, id));
			free(self->e.sp.m.leaves);
		} else {
			/* close */
			space_close(&self->e.sp);
			fd = ptlab_open(_metadata);
		}
		check_gone(_metadata, &self->e.base, id);
		fw_expect(_metadata, self->e.fw.id, self->e.crc0, 0);

		/* Adopted again: the same firmware pages, nothing else. */
		space_adopt(_metadata, &self->e.sp, fd, &self->e.fw);
		check_adopted(_metadata, &self->e.base, &self->e.sp);
		for (k = 0; k < ARRAY_SIZE(u_iovas); k++) {
			ASSERT_EQ(-ENOENT, pt_walk(fd, self->e.sp.id, u_iovas[k], &w))
				TH_LOG("0x%llx still mapped", u_iovas[k]);
		}
		ASSERT_EQ((__u64)FW_PAGES, self->e.sp.m.nr);
		for (k = 0; k < FW_PAGES; k++) {
			ASSERT_EQ(fw_pa[k], self->e.sp.m.leaves[k].pa)
				TH_LOG("firmware page %zu moved", k);
		}
	}
}

/*
 * Mapping, physically mapping or unmapping anything that touches the
 * firmware's ranges is -EACCES with nothing changed: not the space, not
 * the firmware's tables, no flush.
 */
TEST_F(fw, eacces)
{
	const __u64 a_end = FW_A + FW_A_LEN, b_end = FW_B + FW_B_LEN;
	static const struct {
		__u64 iova, len, pgsize;
	} maps[] = {
		{ FW_A, SZ_4K, 0 },
		{ FW_A + SZ_8K, SZ_8K, 0 },
		{ FW_A - SZ_4K, SZ_8K, 0 },
		{ FW_A - SZ_4K, FW_A_LEN + SZ_4K, 0 },
		{ FW_A + FW_A_LEN - SZ_4K, SZ_4K, 0 },
		{ FW_B + FW_B_LEN - SZ_8K, SZ_2M, SZ_2M },
		{ FW_B + FW_B_LEN - SZ_4K, SZ_8K, 0 },
		{ FW_B + SZ_8K, SZ_4K, 0 },
		{ FW_B, SZ_2M, 0 },
	};
	static const struct {
		__u64 iova, len;
	} unmaps[] = {
		{ FW_A, SZ_4K },
		{ FW_A + SZ_4K, SZ_4K },
		{ FW_A, FW_A_LEN },
		{ a_end - SZ_4K, SZ_8K },	/* into the user map after A */
		{ U_BEFORE_B, U_LEN + SZ_4K },	/* a user map, then B */
		{ FW_B, 2 * FW_B_LEN },
		{ b_end - SZ_4K, SZ_4K },
		{ 0, TOP(ARM_IAS) },
	};
	struct ptlab_map_user req;
	struct ptlab_map_phys preq;
	__u64 got, pa = nonram_pa(_metadata, SZ_4M);
	struct flushes fl;
	__u32 crc;
	size_t i;
	int ret;

	space_adopt(_metadata, &self->e.sp, ptlab_open(_metadata), &self->e.fw);
	map_user_maps(_metadata, &self->e);
	crc = fw_crc(_metadata, self->e.fw.id);
	read_flushes(_metadata, self->e.sp.id, &fl);

	for (i = 0; i < ARRAY_SIZE(maps); i++) {
		req = map_req(self->e.sp.id, maps[i].iova, self->e.b.p, maps[i].len,
			      PT_RW);
		req.pgsize = maps[i].pgsize;
		ret = pt_ioctl(self->e.sp.fd, PTLAB_IOCTL_MAP_USER, &req);
		ASSERT_EQ(-EACCES, ret) TH_LOG("map 0x%llx+0x%llx: %s",
					       maps[i].iova, maps[i].len,
					       strerror(-ret));
		ASSERT_EQ(0ULL, req.out_mapped);

		preq = phys_req(self->e.sp.id, maps[i].iova, pa, maps[i].len,
				PT_RW);
		preq.pgsize = maps[i].pgsize;
		ret = pt_ioctl(self->e.sp.fd, PTLAB_IOCTL_MAP_PHYS, &preq);
		ASSERT_EQ(-EACCES, ret) TH_LOG("map_phys 0x%llx+0x%llx: %s",
					       maps[i].iova, maps[i].len,
					       strerror(-ret));
		ASSERT_EQ(0ULL, preq.out_mapped);
		fw_expect(_metadata, self->e.fw.id, crc, 1);
	}
	for (i = 0; i < ARRAY_SIZE(unmaps); i++) {
		ret = pt_unmap(self->e.sp.fd, self->e.sp.id, unmaps[i].iova,
			       unmaps[i].len, &got);
		ASSERT_EQ(-EACCES, ret) TH_LOG("unmap 0x%llx+0x%llx: %s",
					       unmaps[i].iova, unmaps[i].len,
					       strerror(-ret));
		ASSERT_EQ(0ULL, got);
		fw_expect(_metadata, self->e.fw.id, crc, 1);
	}
	check_no_flush(_metadata, self->e.sp.id, &fl, "a refused call");
	check_adopted(_metadata, &self->e.base, &self->e.sp);
	walk_fw_pages(_metadata, &self->e.sp, &self->e.fw);
}

/*
 * An adoption that must fail with @err (or @err2, where the uapi allows
 * either): no space made, no user added to the firmware, its tables
 * intact, no table accounted.
 */
static void adopt_fails(struct __test_metadata *_metadata,
			const struct fw_env *env, int fd, struct ptlab_create c,
			int err, int err2, const char *what)
{
	int nr_dirs = debugfs_nr_dirs(), ret;

	c.out_id = 0;
	ret = pt_ioctl(fd, PTLAB_IOCTL_CREATE, &c);
	ASSERT_TRUE(ret == err || ret == err2)
		TH_LOG("%s: got %d (%s), want %d", what, ret, strerror(-ret),
		       err);
	ASSERT_EQ(0U, c.out_id) TH_LOG("%s", what);
	ASSERT_EQ(nr_dirs, debugfs_nr_dirs()) TH_LOG("%s", what);
	fw_expect(_metadata, env->fw.id, env->crc0, 0);
	check_counters(_metadata, &env->base, 0, 0);
}

/* A copy of @n ranges that outlives the call. */
static __u64 ranges_copy(const struct ptlab_range *r, size_t n)
{
	return (uintptr_t)memcpy(malloc(n * sizeof(*r)), r, n * sizeof(*r));
}

/*
 * Adoptions that must fail, each leaving no space, no user of the
 * firmware, its tables intact and SecPageTables at the baseline: a root no
 * firmware published, a misaligned one, ranges that miss part of the
 * firmware's, too many ranges, an unreadable range array, a geometry other
 * than the firmware's, unknown flags, a reserved field, adoption fields
 * without the flag. Adopting works afterwards.
 */
TEST_F(fw, adopt_bad)
{
	const struct fw_env *env = &self->e;
	const struct ptlab_range *r = env->fw.r;
	struct ptlab_range many[PTLAB_MAX_FW_RANGES + 1], two[2];
	const struct ptlab_create ok = adopt_req(env->fw.root, r, 2);
	int fd = ptlab_open(_metadata);
	struct ptlab_range *edge;
	struct ptlab_create c;
	__u64 user_pa;
	size_t i;
	char *pg;

	ASSERT_EQ(2U, env->fw.nr);
	ASSERT_EQ(0, pagemap_pas(env->b.p, 1, &user_pa));

	/* Roots no firmware published: the uapi allows either errno. */
	c = ok;
	c.adopt_root_pa += SZ_4K;
	adopt_fails(_metadata, env, fd, c, -ENOENT, -EINVAL, "root + 4K");
	c.adopt_root_pa = user_pa;
	adopt_fails(_metadata, env, fd, c, -ENOENT, -EINVAL, "a user page");
	c.adopt_root_pa = 0;
	adopt_fails(_metadata, env, fd, c, -ENOENT, -EINVAL, "root 0");
	c.adopt_root_pa = nonram_pa(_metadata, SZ_4K);
	adopt_fails(_metadata, env, fd, c, -EINVAL, -ENOENT, "not RAM");
	/* Not a table's alignment. */
	c.adopt_root_pa = ok.adopt_root_pa + 8;
	adopt_fails(_metadata, env, fd, c, -EINVAL, -EINVAL, "root + 8");
	c.adopt_root_pa = ok.adopt_root_pa + SZ_4K / 2;
	adopt_fails(_metadata, env, fd, c, -EINVAL, -EINVAL, "root + 2K");
	c.adopt_root_pa = ok.adopt_root_pa | 1ULL << 63;
	adopt_fails(_metadata, env, fd, c, -EINVAL, -EINVAL, "root | 1 << 63");

	/* Ranges that miss part of what the firmware populated. */
	c = ok;
	c.nr_fw_ranges = 0;
	adopt_fails(_metadata, env, fd, c, -EINVAL, -EINVAL, "no ranges");
	c.nr_fw_ranges = 1;
	adopt_fails(_metadata, env, fd, c, -EINVAL, -EINVAL, "only A");
	c.fw_ranges = (uintptr_t)&r[1];
	adopt_fails(_metadata, env, fd, c, -EINVAL, -EINVAL, "only B");
	c = ok;
	two[0] = r[0];
	two[1] = r[1];
	two[0].length -= SZ_4K;
	c.fw_ranges = ranges_copy(two, 2);
	adopt_fails(_metadata, env, fd, c, -EINVAL, -EINVAL, "A short by 4K");
	two[0] = r[0];
	two[1].iova += SZ_4K;
	c.fw_ranges = ranges_copy(two, 2);
	adopt_fails(_metadata, env, fd, c, -EINVAL, -EINVAL, "B moved by 4K");
	two[1] = r[1];
	two[1].length = FW_B_LEN / 2;
	c.fw_ranges = ranges_copy(two, 2);
	adopt_fails(_metadata, env, fd, c, -EINVAL, -EINVAL, "half of B");

	/* The bound on ranges, and the array's readability. */
	for (i = 0; i < ARRAY_SIZE(many); i++)
		many[i] = r[i % 2];
	c = ok;
	c.fw_ranges = (uintptr_t)many;
	c.nr_fw_ranges = PTLAB_MAX_FW_RANGES + 1;
	adopt_fails(_metadata, env, fd, c, -EINVAL, -EINVAL, "9 ranges");
	c.nr_fw_ranges = ~0U;
	adopt_fails(_metadata, env, fd, c, -EINVAL, -EINVAL, "~0 ranges");
	c = ok;
	c.fw_ranges = 0;
	adopt_fails(_metadata, env, fd, c, -EFAULT, -EFAULT, "NULL ranges");
	c.fw_ranges = 0x10;
	adopt_fails(_metadata, env, fd, c, -EFAULT, -EFAULT, "ranges at 0x10");
	c.fw_ranges = 0xffffffff81000000ULL;
	adopt_fails(_metadata, env, fd, c, -EFAULT, -EFAULT, "kernel pointer");
	/* The second entry lies in an inaccessible page. */
	pg = mmap(NULL, 2 * SZ_4K, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, pg);
	ASSERT_EQ(0, mprotect(pg + SZ_4K, SZ_4K, PROT_NONE));
	edge = (struct ptlab_range *)(pg + SZ_4K) - 1;
	*edge = r[0];
	c.fw_ranges = (uintptr_t)edge;
	adopt_fails(_metadata, env, fd, c, -EFAULT, -EFAULT,
		    "ranges running into PROT_NONE");
	munmap(pg, 2 * SZ_4K);

	/* A geometry other than the firmware's. */
	c = ok;
	c.format = PTLAB_FMT_ARM64_LPAE_S2;
	adopt_fails(_metadata, env, fd, c, -EINVAL, -EINVAL, "stage 2");
	c.format = PTLAB_FMT_X86_64;
	adopt_fails(_metadata, env, fd, c, -EINVAL, -EINVAL, "x86-64");
	c.format = 99;
	adopt_fails(_metadata, env, fd, c, -EOPNOTSUPP, -EOPNOTSUPP,
		    "unknown format");
	c = ok;
	c.ias = 40;
	adopt_fails(_metadata, env, fd, c, -EINVAL, -EINVAL, "ias 40");
	c.ias = 39;
	adopt_fails(_metadata, env, fd, c, -EINVAL, -EINVAL, "ias 39");
	c = ok;
	c.oas = 40;
	adopt_fails(_metadata, env, fd, c, -EINVAL, -EINVAL, "oas 40");
	c = ok;
	c.granule_shift = 14;
	adopt_fails(_metadata, env, fd, c, -EINVAL, -EINVAL, "16K granule");

	/* Flags and reserved fields. */
	c = ok;
	c.flags |= 0x2;
	adopt_fails(_metadata, env, fd, c, -EOPNOTSUPP, -EOPNOTSUPP,
		    "unknown flag");
	c = ok;
	c.__reserved = 1;
	adopt_fails(_metadata, env, fd, c, -EINVAL, -EINVAL, "__reserved");
	c = ok;
	c.__reserved2 = 1;
	adopt_fails(_metadata, env, fd, c, -EINVAL, -EINVAL, "__reserved2");

	/* Adoption fields without the flag. */
	c = ok;
	c.flags = 0;
	c.fw_ranges = 0;
	c.nr_fw_ranges = 0;
	adopt_fails(_metadata, env, fd, c, -EINVAL, -EINVAL,
		    "root without the flag");
	c.adopt_root_pa = 0;
	c.fw_ranges = ok.fw_ranges;
	adopt_fails(_metadata, env, fd, c, -EINVAL, -EINVAL,
		    "ranges without the flag");
	c.fw_ranges = 0;
	c.nr_fw_ranges = 2;
	adopt_fails(_metadata, env, fd, c, -EINVAL, -EINVAL,
		    "count without the flag");

	space_adopt(_metadata, &self->e.sp, fd, &env->fw);
	check_adopted(_metadata, &env->base, &self->e.sp);
}

/*
 * Adoption needs CAP_SYS_RAWIO: a child without it gets -EPERM, though it
 * may still create a plain address space.
 */
TEST_F(fw, adopt_needs_cap_sys_rawio)
{
	struct ptlab_create c = adopt_req(self->e.fw.root, self->e.fw.r,
					  self->e.fw.nr);
	int status, fd, ret;
	pid_t pid;
	__u32 id;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (drop_cap(CAP_SYS_RAWIO))
			_exit(10);
		fd = open(PTLAB_DEV, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			_exit(11);
		ret = pt_ioctl(fd, PTLAB_IOCTL_CREATE, &c);
		if (ret != -EPERM)
			_exit(ret ? 12 : 13);
		if (pt_create(fd, 0, 0, &id))
			_exit(14);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status))
		TH_LOG("child: 10 no drop, 11 no open, 12 not -EPERM, 13 adopted, %s",
		       "14 no plain create");
	fw_expect(_metadata, self->e.fw.id, self->e.crc0, 0);
	check_counters(_metadata, &self->e.base, 0, 0);
}

/*
 * Sizes of struct ptlab_create from the end of __reserved (the first
 * version, without adoption) up to the current one create a plain address
 * space, and the kernel writes nothing past the size given. 48 bytes, which
 * the uapi names as the first version, is among them. Below the first
 * version is -EINVAL, and a struct too short to carry the range array
 * cannot adopt.
 */
TEST_F(fw, create_old_struct_sizes)
{
	const size_t v1 = offsetof(struct ptlab_create, adopt_root_pa);
	static const size_t sizes[] = { 40, 48, 56, 60 };
	unsigned char buf[sizeof(struct ptlab_create) + 16];
	int fd = ptlab_open(_metadata), ret;
	struct ptlab_create c;
	struct ptlab_info info;
	size_t i, k;

	ASSERT_EQ(40UL, v1);
	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		memset(buf, 0xa5, sizeof(buf));
		c = (struct ptlab_create){ .size = sizes[k],
					   .format = PTLAB_FMT_ARM64_LPAE_S1 };
		memcpy(buf, &c, sizes[k]);
		ret = pt_ioctl(fd, PTLAB_IOCTL_CREATE, buf);
		ASSERT_EQ(0, ret) TH_LOG("%zu-byte create: %s", sizes[k],
					 strerror(-ret));
		memcpy(&c, buf, v1);
		ASSERT_NE(0U, c.out_id);
		for (i = sizes[k]; i < sizeof(buf); i++) {
			ASSERT_EQ(0xa5, buf[i]) TH_LOG("size %zu: byte %zu written",
						       sizes[k], i);
		}
		ASSERT_EQ(0, pt_info(fd, c.out_id, &info));
		ASSERT_EQ(1ULL, info.out_table_pages);
		check_counters(_metadata, &self->e.base, 0, 1);
		ASSERT_EQ(0, pt_destroy(fd, c.out_id));
	}

	/* Without the range array (zero-filled), an adoption cannot be. */
	c = adopt_req(self->e.fw.root, self->e.fw.r, self->e.fw.nr);
	for (k = 0; k < 2; k++) {
		c.size = sizes[k];
		ASSERT_EQ(-EINVAL, pt_ioctl(fd, PTLAB_IOCTL_CREATE, &c))
			TH_LOG("%zu-byte adoption", sizes[k]);
	}

	c = (struct ptlab_create){ .size = v1 - 1,
				   .format = PTLAB_FMT_ARM64_LPAE_S1 };
	ASSERT_EQ(-EINVAL, pt_ioctl(fd, PTLAB_IOCTL_CREATE, &c));
	c.size = v1 - 8;
	ASSERT_EQ(-EINVAL, pt_ioctl(fd, PTLAB_IOCTL_CREATE, &c));
	close(fd);
	check_counters(_metadata, &self->e.base, 0, 0);
	fw_expect(_metadata, self->e.fw.id, self->e.crc0, 0);
}

/*
 * Allocation N = 1, 2, ... of an adoption fails in turn: -ENOMEM, no space,
 * no user left on the firmware, its tables intact, SecPageTables at the
 * baseline; until it succeeds.
 */
TEST_F_TIMEOUT(fw, adopt_alloc_failures, 120)
{
	struct ptlab_create c = adopt_req(self->e.fw.root, self->e.fw.r,
					  self->e.fw.nr);
	int fd = ptlab_open(_metadata), n, ret, left;

	if (set_fail_nth(0))
		SKIP(return, "no %s/fail_nth knob", PTLAB_DEBUGFS);
	for (n = 1; n <= 32; n++) {
		c.out_id = 0;
		ASSERT_EQ(0, set_fail_nth(n));
		ret = pt_ioctl(fd, PTLAB_IOCTL_CREATE, &c);
		left = get_fail_nth();
		ASSERT_EQ(0, set_fail_nth(0));
		if (!ret) {
			ASSERT_NE(0, left);
			break;
		}
		ASSERT_EQ(-ENOMEM, ret) TH_LOG("allocation %d", n);
		ASSERT_EQ(0, left);
		ASSERT_EQ(0, debugfs_nr_dirs());
		fw_expect(_metadata, self->e.fw.id, self->e.crc0, 0);
		check_counters(_metadata, &self->e.base, 0, 0);
	}
	ASSERT_GE(32, n);
	TH_LOG("adopted after %d failed allocation(s)", n - 1);
	fw_expect(_metadata, self->e.fw.id, self->e.crc0, 1);
	ASSERT_EQ(0, pt_destroy(fd, c.out_id));
	fw_expect(_metadata, self->e.fw.id, self->e.crc0, 0);
	close(fd);
}

/* --- 3. snapshots of an adopted space --- */

/* The IOVA pattern the firmware wrote into the page at @iova. */
static bool fw_pattern_ok(const unsigned char *p, __u64 iova)
{
	__u64 w;
	size_t i;

	for (i = 0; i < SZ_4K / 8; i++) {
		memcpy(&w, p + 8 * i, 8);
		if (w != iova + 8 * i)
			return false;
	}
	return true;
}

/*
 * The core of an adopted space: a PTLAB note naming the firmware's root,
 * and one PT_LOAD per run of the model (firmware runs included), in IOVA
 * order, with the firmware's pages holding their IOVA pattern and the user
 * pages the test's bytes.
 */
static void check_fw_core(struct __test_metadata *_metadata,
			  const unsigned char *d, size_t len,
			  const struct space *s, const struct buf *b)
{
	size_t nr, i, k = 0, nr_fw = 0, nr_user = 0;
	struct pa_map pm = {};
	const struct elf64_phdr *ph;
	const char *own;
	struct run *runs;
	struct core c;
	__u64 pg;

	parse_core(_metadata, d, len, &c);
	runs = calloc(s->m.nr + 1, sizeof(*runs));
	ASSERT_NE(NULL, runs);
	pa_map_add(_metadata, &pm, b);
	nr = model_runs(&s->m, runs, false);
	for (i = 0; i < c.phnum; i++) {
		ph = &c.ph[i];
		if (ph->p_type == PT_NOTE)
			continue;
		ASSERT_EQ((__u32)PT_LOAD, ph->p_type);
		ASSERT_LT(k, nr) TH_LOG("PT_LOAD at 0x%llx beyond the runs",
					(unsigned long long)ph->p_vaddr);
		ASSERT_EQ(runs[k].iova, ph->p_vaddr) TH_LOG("run %zu", k);
		ASSERT_EQ(runs[k].pa, ph->p_paddr) TH_LOG("run %zu", k);
		ASSERT_EQ(runs[k].size, ph->p_memsz) TH_LOG("run %zu", k);
		ASSERT_EQ(runs[k].size, ph->p_filesz) TH_LOG("run %zu", k);
		ASSERT_EQ((__u32)(PF_R | PF_W), ph->p_flags) TH_LOG("run %zu", k);
		ASSERT_LE(ph->p_offset + ph->p_filesz, len);
		for (pg = 0; pg < ph->p_filesz; pg += SZ_4K) {
			if (runs[k].kind == KIND_FW) {
				ASSERT_TRUE(fw_pattern_ok(d + ph->p_offset + pg,
							  ph->p_vaddr + pg))
					TH_LOG("firmware IOVA 0x%llx: not its page",
					       (unsigned long long)ph->p_vaddr + pg);
				nr_fw++;
				continue;
			}
			own = pa_lookup(&pm, ph->p_paddr + pg);
			ASSERT_NE(NULL, own)
				TH_LOG("pa 0x%llx is not the test's",
				       (unsigned long long)ph->p_paddr + pg);
			ASSERT_EQ(0, memcmp(d + ph->p_offset + pg, own, SZ_4K))
				TH_LOG("IOVA 0x%llx: contents differ",
				       (unsigned long long)ph->p_vaddr + pg);
			nr_user++;
		}
		k++;
	}
	ASSERT_EQ(nr, k) TH_LOG("the core lacks runs");
	ASSERT_EQ((size_t)FW_PAGES, nr_fw);
	ASSERT_EQ((size_t)(ARRAY_SIZE(u_iovas) * U_PAGES), nr_user);
	ASSERT_EQ(s->root_pa, c.note.root_pa);
	ASSERT_EQ(s->root_pa, c.note.ttbr);
	pa_map_free(&pm);
	free(runs);
}

/*
 * The snapshot of an adopted space holds the firmware's pages at their
 * IOVAs with their contents, and the user pages; debugfs gives the same
 * core, and readelf lists the firmware's IOVAs.
 */
TEST_F(fw, snapshot)
{
	char path[] = CORE_TEMPLATE, dpath[128], cmd[256], line[256];
	struct ptlab_snapshot sn = { .size = sizeof(sn) };
	unsigned char *core, *dcore;
	size_t len, dlen, i;
	int out, dfd, nr_fw = 0;
	__u64 *w;
	FILE *p;

	/* Bytes unlike any the firmware writes. */
	for (i = 0, w = (__u64 *)self->e.b.p; i < self->e.b.len / 8; i++)
		w[i] = 0x5054fa1100000000ULL ^ (i * 0x9e3779b97f4a7c15ULL);
	space_adopt(_metadata, &self->e.sp, ptlab_open(_metadata), &self->e.fw);
	map_user_maps(_metadata, &self->e);

	out = mkstemp(path);
	ASSERT_LE(0, out);
	sn.id = self->e.sp.id;
	sn.fd = out;
	ASSERT_EQ(0, pt_ioctl(self->e.sp.fd, PTLAB_IOCTL_SNAPSHOT, &sn));
	ASSERT_EQ(0, lseek(out, 0, SEEK_SET));
	core = read_fd(out, SZ_64K, &len);
	ASSERT_NE(NULL, core);
	ASSERT_EQ(sn.out_bytes, len);
	check_fw_core(_metadata, core, len, &self->e.sp, &self->e.b);

	debugfs_path(dpath, sizeof(dpath), self->e.sp.id, "snapshot");
	dfd = open(dpath, O_RDONLY);
	ASSERT_LE(0, dfd) TH_LOG("%s: %s", dpath, strerror(errno));
	dcore = read_fd(dfd, SZ_64K, &dlen);
	close(dfd);
	ASSERT_NE(NULL, dcore);
	ASSERT_EQ(len, dlen);
	ASSERT_EQ(0, memcmp(core, dcore, len));

	snprintf(cmd, sizeof(cmd), "readelf -lW %s 2>&1", path);
	p = access("/usr/bin/readelf", X_OK) ? NULL : popen(cmd, "r");
	if (p) {
		char a[24], b[24];

		snprintf(a, sizeof(a), "0x%016llx", FW_A);
		snprintf(b, sizeof(b), "0x%016llx", FW_B);
		while (fgets(line, sizeof(line), p))
			if (strstr(line, "LOAD") &&
			    (strstr(line, a) || strstr(line, b)))
				nr_fw++;
		ASSERT_EQ(0, pclose(p));
		ASSERT_LE(2, nr_fw) TH_LOG("readelf shows no firmware LOAD");
	} else {
		TH_LOG("no readelf: the test's own parser only");
	}
	free(dcore);
	free(core);
	close(out);
	unlink(path);
	fw_expect(_metadata, self->e.fw.id, fw_crc(_metadata, self->e.fw.id), 1);
}

/* --- 4. flushes in an adopted space --- */

/*
 * The last flush @z covered the unmap of [@iova, @iova + @len): exactly,
 * or, when tables were freed, the spans they translated too, for the walk
 * caches that may hold them.
 */
static void flush_covers(struct __test_metadata *_metadata,
			 const struct flushes *z, __u64 iova, __u64 len,
			 __u64 freed)
{
	if (!freed) {
		ASSERT_EQ(iova, z->start);
		ASSERT_EQ(iova + len, z->end);
		return;
	}
	ASSERT_LE(z->start, iova);
	ASSERT_GE(z->end, iova + len);
}

/*
 * Unmapping user pages that share the firmware's last-level table flushes
 * their range and frees no table (the table is the firmware's); unmapping
 * the far map frees its three tables after one flush. The firmware's
 * tables end as they began.
 */
TEST_F(fw, flush_shared_tables)
{
	static const __u64 freed[] = { 0, 1, 3, 0 };
	struct flushes a, z;
	size_t i;

	space_adopt(_metadata, &self->e.sp, ptlab_open(_metadata), &self->e.fw);
	map_user_maps(_metadata, &self->e);
	for (i = 0; i < ARRAY_SIZE(u_iovas); i++) {
		read_flushes(_metadata, self->e.sp.id, &a);
		unmap_adopted(_metadata, &self->e.base, &self->e.sp, u_iovas[i],
			      U_LEN);
		read_flushes(_metadata, self->e.sp.id, &z);
		ASSERT_EQ(a.all, z.all);
		ASSERT_EQ(a.range + 1, z.range) TH_LOG("unmap 0x%llx", u_iovas[i]);
		flush_covers(_metadata, &z, u_iovas[i], U_LEN, freed[i]);
		ASSERT_EQ(SZ_4K, z.granule);
		ASSERT_EQ(a.table_pages + (long long)freed[i], z.table_pages)
			TH_LOG("unmap 0x%llx", u_iovas[i]);
	}
	fw_expect(_metadata, self->e.fw.id, self->e.crc0, 1);
}

/*
 * Two address spaces must not own one firmware table at once: each would
 * clear and free the other's entries and tables when destroyed. While one
 * space has adopted the table, a second adoption is refused (-EBUSY).
 */
TEST_F(fw, adopt_twice_refused)
{
	struct ptlab_create c = adopt_req(self->e.fw.root, self->e.fw.r,
					  self->e.fw.nr);
	int fd2, ret;

	space_adopt(_metadata, &self->e.sp, ptlab_open(_metadata), &self->e.fw);
	fd2 = ptlab_open(_metadata);
	ret = pt_ioctl(fd2, PTLAB_IOCTL_CREATE, &c);
	if (!ret)	/* Undo at once, before anything is mapped. */
		close(fd2);
	ASSERT_EQ(-EBUSY, ret) TH_LOG("second adoption: %s", strerror(-ret));
	ret = pt_ioctl(self->e.sp.fd, PTLAB_IOCTL_CREATE, &c);
	if (!ret)
		pt_destroy(self->e.sp.fd, c.out_id);
	ASSERT_EQ(-EBUSY, ret) TH_LOG("same file: %s", strerror(-ret));
	close(fd2);
	fw_expect(_metadata, self->e.fw.id, self->e.crc0, 1);
}

/* --- 4. flushes and reclaim in a plain address space --- */

FIXTURE(flush) {
	struct baseline base;
	struct space sp;
	struct buf b;
};

FIXTURE_SETUP(flush)
{
	self->sp.fd = -1;
	take_baseline(_metadata, &self->base);
	space_open(_metadata, &self->sp, 0, 0);
	alloc_or_die(_metadata, &self->b, 16 * SZ_4K, false);
}

FIXTURE_TEARDOWN(flush)
{
	set_fail_nth(0);
	space_close(&self->sp);
	buf_free(&self->b);
}

static __u64 info_tables(struct __test_metadata *_metadata,
			 const struct space *s)
{
	struct ptlab_info info;

	ASSERT_EQ(0, pt_info(s->fd, s->id, &info));
	return info.out_table_pages;
}

/*
 * An unmap checked by the model (unmap_check()), and its flush: exactly
 * one range flush of [@iova, @iova + @len) with granule @granule, and as
 * many table pages gathered as the space's table count dropped.
 */
static void unmap_flush(struct __test_metadata *_metadata,
			const struct baseline *b, struct space *s, __u64 iova,
			__u64 len, __u64 granule)
{
	__u64 t0 = info_tables(_metadata, s), t1;
	struct flushes a, z;

	read_flushes(_metadata, s->id, &a);
	unmap_check(_metadata, b, s, iova, len);
	read_flushes(_metadata, s->id, &z);
	t1 = info_tables(_metadata, s);
	ASSERT_EQ(a.all, z.all);
	ASSERT_EQ(a.range + 1, z.range) TH_LOG("unmap 0x%llx+0x%llx", iova, len);
	flush_covers(_metadata, &z, iova, len, t0 - t1);
	ASSERT_EQ(granule, z.granule);
	ASSERT_EQ(a.table_pages + (long long)(t0 - t1), z.table_pages)
		TH_LOG("unmap 0x%llx+0x%llx freed %llu tables", iova, len,
		       t0 - t1);
}

/*
 * Unmaps: all of a map freeing its three tables; part of one freeing
 * none; and one that empties only the last-level table. Each is one range
 * flush of exactly the unmapped IOVAs with the 4K granule, gathering
 * exactly the tables freed.
 */
TEST_F(flush, unmap_user)
{
	const __u64 x = 5 * SZ_1G, y = SZ_512G + SZ_2M;
	struct ptlab_map_user req;
	struct flushes a;

	read_flushes(_metadata, self->sp.id, &a);
	ASSERT_EQ(0LL, a.all);
	ASSERT_EQ(0LL, a.range);
	ASSERT_EQ(0LL, a.table_pages);

	map_ok(_metadata, &self->sp, x, self->b.p, 8 * SZ_4K, PT_RW);
	ASSERT_EQ(4ULL, info_tables(_metadata, &self->sp));
	unmap_flush(_metadata, &self->base, &self->sp, x, 8 * SZ_4K, SZ_4K);
	ASSERT_EQ(1ULL, info_tables(_metadata, &self->sp));

	map_ok(_metadata, &self->sp, x, self->b.p, 8 * SZ_4K, PT_RW);
	unmap_flush(_metadata, &self->base, &self->sp, x + SZ_8K, SZ_8K, SZ_4K);
	ASSERT_EQ(4ULL, info_tables(_metadata, &self->sp));

	/* Another 2M in the same 1G: only its last-level table goes. */
	req = map_req(self->sp.id, x + SZ_2M, self->b.p + 8 * SZ_4K, SZ_8K,
		      PT_R);
	map_ok_req(_metadata, &self->sp, &req);
	ASSERT_EQ(5ULL, info_tables(_metadata, &self->sp));
	unmap_flush(_metadata, &self->base, &self->sp, x + SZ_2M, SZ_8K, SZ_4K);
	ASSERT_EQ(4ULL, info_tables(_metadata, &self->sp));

	/* Pages in two last-level tables of another 512G. */
	map_ok(_metadata, &self->sp, y - SZ_8K, self->b.p + 8 * SZ_4K,
	       4 * SZ_4K, PT_RW);
	ASSERT_EQ(8ULL, info_tables(_metadata, &self->sp));
	unmap_flush(_metadata, &self->base, &self->sp, y - SZ_8K, 4 * SZ_4K, SZ_4K);
	ASSERT_EQ(4ULL, info_tables(_metadata, &self->sp));
}

/*
 * Physical mappings of a range without RAM (root only): a 2M block and a
 * page after it unmapped together are one range flush whose granule is
 * the page; a block alone flushes with the 2M granule. Tables freed are
 * gathered.
 */
TEST_F(flush, unmap_phys)
{
	const __u64 x = 6 * SZ_1G;
	struct ptlab_map_phys req;
	__u64 pa = nonram_pa(_metadata, SZ_4M);
	int ret;

	req = phys_req(self->sp.id, x, pa, SZ_2M + SZ_4K, PT_RW);
	ret = pt_ioctl(self->sp.fd, PTLAB_IOCTL_MAP_PHYS, &req);
	ASSERT_EQ(0, ret) TH_LOG("map_phys 0x%llx: %s", pa, strerror(-ret));
	ASSERT_EQ((__u32)PTLAB_PHYS_MMIO, req.out_kind);
	ASSERT_EQ(0, model_add_phys(&self->sp.m, x, pa, SZ_2M + SZ_4K, PT_RW,
				    0, PTLAB_PHYS_MMIO));
	ASSERT_EQ(1UL, model_count_size(&self->sp.m, SZ_2M));
	check_all(_metadata, &self->base, &self->sp);
	unmap_flush(_metadata, &self->base, &self->sp, x, SZ_2M + SZ_4K, SZ_4K);
	ASSERT_EQ(1ULL, info_tables(_metadata, &self->sp));

	req = phys_req(self->sp.id, x, pa, SZ_2M, PT_RW);
	ASSERT_EQ(0, pt_ioctl(self->sp.fd, PTLAB_IOCTL_MAP_PHYS, &req));
	ASSERT_EQ(0, model_add_phys(&self->sp.m, x, pa, SZ_2M, PT_RW, 0,
				    PTLAB_PHYS_MMIO));
	check_all(_metadata, &self->base, &self->sp);
	unmap_flush(_metadata, &self->base, &self->sp, x, SZ_2M, SZ_2M);
	ASSERT_EQ(1ULL, info_tables(_metadata, &self->sp));
}

/*
 * Maps that succeed, with new tables or in existing ones, user or
 * physical, flush nothing; nor does a map refused for overlap.
 */
TEST_F(flush, map_no_flush)
{
	const __u64 x = 7 * SZ_1G;
	struct ptlab_map_user req;
	struct ptlab_map_phys preq;
	struct flushes a;

	read_flushes(_metadata, self->sp.id, &a);
	map_ok(_metadata, &self->sp, x, self->b.p, 4 * SZ_4K, PT_RW);
	check_no_flush(_metadata, self->sp.id, &a, "a map with new tables");
	map_ok(_metadata, &self->sp, x + 4 * SZ_4K, self->b.p + 4 * SZ_4K,
	       4 * SZ_4K, PT_R);
	check_no_flush(_metadata, self->sp.id, &a, "a map in its tables");
	preq = phys_req(self->sp.id, x + SZ_2M, nonram_pa(_metadata, SZ_2M),
			SZ_2M, PT_RW);
	ASSERT_EQ(0, pt_ioctl(self->sp.fd, PTLAB_IOCTL_MAP_PHYS, &preq));
	ASSERT_EQ(0, model_add_phys(&self->sp.m, x + SZ_2M, preq.paddr, SZ_2M,
				    PT_RW, 0, PTLAB_PHYS_MMIO));
	check_no_flush(_metadata, self->sp.id, &a, "a physical map");
	req = map_req(self->sp.id, x + SZ_2M - SZ_4K, self->b.p + 8 * SZ_4K,
		      SZ_8K, PT_RW);
	map_fails(_metadata, &self->base, &self->sp, &req, -EADDRINUSE,
		  "overlap");
	check_no_flush(_metadata, self->sp.id, &a, "a map refused for overlap");
	check_all(_metadata, &self->base, &self->sp);
}

/*
 * A map that fails after installing tables must take them back: it
 * flushes once, gathers exactly the tables it pruned, and the flush covers
 * the IOVA those tables translated. Allocation N = 1, 2, ... fails in
 * turn for a map that needs three new tables, user or physical; one that
 * failed before installing any table flushes nothing.
 */
FIXTURE(failed_map) {
	struct baseline base;
	struct space sp;
	struct buf b;
};

FIXTURE_VARIANT(failed_map) {
	bool phys;
};

FIXTURE_VARIANT_ADD(failed_map, user) { .phys = false };
FIXTURE_VARIANT_ADD(failed_map, phys) { .phys = true };

FIXTURE_SETUP(failed_map)
{
	self->sp.fd = -1;
	take_baseline(_metadata, &self->base);
	if (set_fail_nth(0))
		SKIP(return, "no %s/fail_nth knob", PTLAB_DEBUGFS);
	space_open(_metadata, &self->sp, 0, 0);
	alloc_or_die(_metadata, &self->b, 4 * SZ_4K, false);
}

FIXTURE_TEARDOWN(failed_map)
{
	set_fail_nth(0);
	space_close(&self->sp);
	buf_free(&self->b);
}

TEST_F_TIMEOUT(failed_map, prunes_and_flushes, 120)
{
	const __u64 z = 3 * SZ_512G + 7 * SZ_1G + 5 * SZ_2M, len = 4 * SZ_4K;
	const bool phys = variant->phys;
	__u64 pa = phys ? nonram_pa(_metadata, len) : 0, pruned, prev = 0;
	struct ptlab_map_user req;
	struct ptlab_map_phys preq;
	struct flushes a, f;
	bool seen_one = false;
	int n, ret, left;
	__u64 mapped;

	for (n = 1; n <= 32; n++) {
		read_flushes(_metadata, self->sp.id, &a);
		req = map_req(self->sp.id, z, self->b.p, len, PT_RW);
		preq = phys_req(self->sp.id, z, pa, len, PT_RW);
		ASSERT_EQ(0, set_fail_nth(n));
		if (phys)
			ret = pt_ioctl(self->sp.fd, PTLAB_IOCTL_MAP_PHYS, &preq);
		else
			ret = pt_ioctl(self->sp.fd, PTLAB_IOCTL_MAP_USER, &req);
		left = get_fail_nth();
		ASSERT_EQ(0, set_fail_nth(0));
		mapped = phys ? preq.out_mapped : req.out_mapped;
		read_flushes(_metadata, self->sp.id, &f);
		if (!ret) {
			ASSERT_NE(0, left);
			ASSERT_EQ(len, mapped);
			if (phys) {
				ASSERT_EQ(0, model_add_phys(&self->sp.m, z, pa, len,
							    PT_RW, 0,
							    PTLAB_PHYS_MMIO));
			} else {
				ASSERT_EQ(0, model_add(&self->sp.m, z, self->b.p,
						       len, PT_RW, 0));
			}
			check_no_flush(_metadata, self->sp.id, &a,
				       "the map that succeeded");
			break;
		}
		ASSERT_EQ(-ENOMEM, ret) TH_LOG("allocation %d", n);
		ASSERT_EQ(0, left);
		ASSERT_EQ(0ULL, mapped) TH_LOG("allocation %d", n);
		pruned = f.table_pages - a.table_pages;
		TH_LOG("allocation %d failed: %llu table(s) pruned; %s 0x%llx-0x%llx/0x%llx",
		       n, pruned, pruned ? "flush" : "last flush", f.start,
		       f.end, f.granule);
		ASSERT_EQ(a.all, f.all);
		ASSERT_GE(2ULL, pruned) TH_LOG("more tables than the map needs");
		ASSERT_LE(prev, pruned) TH_LOG("allocation %d", n);
		prev = pruned;
		seen_one |= pruned == 1;
		ASSERT_EQ(a.range + !!pruned, f.range) TH_LOG("allocation %d", n);
		if (pruned) {
			EXPECT_TRUE(f.start <= z && z < f.end && f.granule)
				TH_LOG("allocation %d: %s 0x%llx-0x%llx granule 0x%llx %s 0x%llx",
				       n, "the flush of the pruned tables,", f.start,
				       f.end, f.granule, "does not cover IOVA", z);
		}
		check_all(_metadata, &self->base, &self->sp);
	}
	ASSERT_GE(32, n);
	ASSERT_EQ(2ULL, prev) TH_LOG("no failure after two tables were installed");
	ASSERT_TRUE(seen_one) TH_LOG("no failure after one table was installed");
	check_all(_metadata, &self->base, &self->sp);
}

/* --- declared ranges larger than what the firmware populated --- */

/*
 * The uapi lets an adopter declare ranges that cover more than the
 * firmware populated (the IOVA the firmware owns). Inside them: -EACCES.
 * Beside them, in a 2M the declaration reaches into but where the firmware
 * has no table, the space allocates its own last-level table: it is the
 * space's, counted, freed when emptied, and the firmware ends intact.
 * (Last: a module that leaks the table warns when the space goes.)
 */
FIXTURE(fw_declared) {
	struct fw_env e;
};

FIXTURE_SETUP(fw_declared)
{
	fw_env_setup(_metadata, &self->e);
}

FIXTURE_TEARDOWN(fw_declared)
{
	fw_env_teardown(&self->e);
}

TEST_F(fw_declared, adopt_larger_ranges)
{
	struct fw_env *f = &self->e;
	struct ptlab_range big[2] = {
		{ FW_A, SZ_2M + SZ_4K },	/* A, and 4K of the next 2M */
		{ FW_B - SZ_1M, SZ_2M },
	};
	struct ptlab_create c = adopt_req(f->fw.root, big, 2);
	const __u64 x = FW_A + SZ_2M + SZ_8K;
	struct ptlab_map_user req;
	struct ptlab_info info;
	struct flushes a, z;
	int fd = ptlab_open(_metadata);
	__u64 got;

	ASSERT_EQ(0, pt_ioctl(fd, PTLAB_IOCTL_CREATE, &c));
	memset(&f->sp, 0, sizeof(f->sp));
	f->sp.fd = fd;
	f->sp.id = c.out_id;
	ASSERT_EQ(0, pt_info(fd, c.out_id, &info));
	ASSERT_EQ(f->fw.root, info.out_root_pa);
	ASSERT_EQ(0ULL, info.out_table_pages);
	space_set_info(&f->sp, &info);
	walk_fw_pages(_metadata, &f->sp, &f->fw);
	check_adopted(_metadata, &f->base, &f->sp);

	/* Declared but not populated: still the firmware's. */
	req = map_req(c.out_id, FW_A + SZ_2M, f->b.p, SZ_4K, PT_RW);
	ASSERT_EQ(-EACCES, pt_ioctl(fd, PTLAB_IOCTL_MAP_USER, &req));
	req = map_req(c.out_id, FW_B - SZ_1M, f->b.p, SZ_4K, PT_RW);
	ASSERT_EQ(-EACCES, pt_ioctl(fd, PTLAB_IOCTL_MAP_USER, &req));
	check_adopted(_metadata, &f->base, &f->sp);

	/* Beside the declaration: a table of the space's own. */
	map_adopted(_metadata, &f->base, &f->sp, x, f->b.p, SZ_8K);
	ASSERT_EQ(1ULL, info_tables(_metadata, &f->sp));
	read_flushes(_metadata, f->sp.id, &a);
	ASSERT_EQ(0, pt_unmap(fd, c.out_id, x, SZ_8K, &got));
	ASSERT_EQ(SZ_8K, got);
	model_remove(&f->sp.m, x, SZ_8K);
	read_flushes(_metadata, f->sp.id, &z);
	ASSERT_EQ(a.range + 1, z.range);
	ASSERT_EQ(a.table_pages + 1, z.table_pages)
		TH_LOG("the emptied table of the space's own was not freed");
	check_adopted(_metadata, &f->base, &f->sp);
	fw_expect(_metadata, f->fw.id, f->crc0, 1);
	space_close(&f->sp);
	fw_expect(_metadata, f->fw.id, f->crc0, 0);
	check_counters(_metadata, &f->base, 0, 0);
}

TEST_HARNESS_MAIN
