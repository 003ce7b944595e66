// SPDX-License-Identifier: GPL-2.0
/*
 * ptlab's page-table engine and Linux's own io-pgtable-arm, side by side
 * in one module, timed on the same Arm LPAE stage-1 trees (4K granule,
 * 48-bit input and output) in the same kernel: reading debugfs
 * ptlab_peer_bench/run runs the benchmark and returns its figures.
 *
 * Both sides get their tables from the same allocator (iommu-pages.h, as
 * io-pgtable-arm does by itself), walk coherently (no DMA syncs) and have
 * empty TLB callbacks, so what differs is the page-table code alone. The
 * engine frees each table an unmap empties (after the flush, here at once),
 * io-pgtable-arm keeps them until the tree goes: the "tables kept" cases
 * keep a page mapped at the end of every 2M region (every GiB for the 2M
 * case) so that neither allocates nor frees; the "no neighbour" case shows
 * what each does by default.
 *
 * Two floors are measured in the same kernel, for what no page-table code
 * can beat:
 *  - stores: the 8-byte stores of 1 GiB of 4K leaves (and the stores of 0
 *    that clear them) into tables allocated beforehand, timed in turn with
 *    both sides' map and unmap of 1 GiB of 4K pages;
 *  - pins: ptlab_peer_bench/pin takes PEER_IOCTL_PIN and PEER_IOCTL_UNPIN
 *    (peer_bench.h): pin_user_pages_fast(FOLL_LONGTERM) of a user buffer
 *    and the unpin of the same pages, no tables, so that a user program
 *    (bench/ioctl_bench) times them beside PTLAB_IOCTL_MAP_USER and UNMAP.
 *
 * Module parameters: runs (default 7), the median of which is printed;
 * passes (default 10) over every case's calls in each run. The sides
 * take turns run by run.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/io-pgtable.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>

#include "iommu-pages.h"
#include "peer_bench.h"
#include "engine/pt_engine.h"
#include "fmt/pt_formats.h"

static unsigned int runs = 7;
module_param(runs, uint, 0644);
MODULE_PARM_DESC(runs, "runs of each case; the median is printed");

static unsigned int passes = 10;
module_param(passes, uint, 0644);
MODULE_PARM_DESC(passes, "passes over each case's calls per run");

#define PEER_MAX_RUNS	51
#define PEER_REGIONS	64
#define PEER_SMALL	256
#define PEER_IAS	48

/* IOVA areas of the cases, each in its own GiB (or GiBs). */
#define WARM_BASE	(1ULL * SZ_1G)
#define BLOCK_BASE	(2ULL * SZ_1G)
#define COLD_BASE	(3ULL * SZ_1G)
#define BIG_BASE	(4ULL * SZ_1G)
#define BLOCKS_BASE	(8ULL * SZ_1G)	/* PEER_BLOCKS GiBs */
#define PEER_BLOCKS	4
#define PEER_BIG_TABLES	(SZ_1G / SZ_2M)	/* leaf tables of 1 GiB of 4K */
/* Physical addresses mapped: never touched, only written into entries. */
#define PEER_PA		(16ULL * SZ_1G)

/* The two trees under test. */
struct peer {
	/* Linux's io-pgtable-arm */
	struct io_pgtable_cfg cfg;
	struct io_pgtable *iop;
	struct io_pgtable_ops *ops;
	/* ptlab's engine */
	struct pt_space pt;
	struct pt_gather gather;
	struct list_head retired;
	u64 removed;
	u64 sum;
	/* the store floor's leaf tables, allocated beforehand */
	u64 *floor[PEER_BIG_TABLES];
};

static struct device peer_dev;
static DEFINE_MUTEX(peer_lock);

static void peer_tlb_flush_all(void *cookie)
{
}

static void peer_tlb_flush_walk(unsigned long iova, size_t size,
				size_t granule, void *cookie)
{
}

static void peer_tlb_add_page(struct iommu_iotlb_gather *gather,
			      unsigned long iova, size_t granule, void *cookie)
{
}

static const struct iommu_flush_ops peer_tlb_ops = {
	.tlb_flush_all = peer_tlb_flush_all,
	.tlb_flush_walk = peer_tlb_flush_walk,
	.tlb_add_page = peer_tlb_add_page,
};

/* The engine's table services, on the allocator io-pgtable-arm uses. */
static void *peer_alloc(void *cookie, size_t bytes)
{
	int order = get_order(bytes);
	void *table = iommu_alloc_pages_node(NUMA_NO_NODE, GFP_KERNEL, order);

	if (table)
		set_page_private(virt_to_page(table), order);
	return table;
}

static void peer_free(void *cookie, void *table, size_t bytes)
{
	set_page_private(virt_to_page(table), 0);
	iommu_free_pages(table, get_order(bytes));
}

static void peer_retire(struct pt_gather *gather, void *table, size_t bytes)
{
	struct peer *p = container_of(gather, struct peer, gather);

	list_add_tail(&virt_to_page(table)->lru, &p->retired);
}

static void peer_removed(struct pt_gather *gather, const struct pt_run *run)
{
	struct peer *p = container_of(gather, struct peer, gather);

	p->removed += run->size;
}

static const struct pt_table_ops peer_table_ops = {
	.alloc = peer_alloc,
	.free = peer_free,
	.retire = peer_retire,
	.removed = peer_removed,
};

/*
 * Prune what an operation left empty (alone on the tree, at once), then,
 * the flush being done, free what the engine retired.
 */
static void peer_flush(struct peer *p)
{
	struct page *page, *next;

	while (p->gather.prune)
		pt_prune(&p->pt, p->gather.prune_start,
			 p->gather.prune_last - p->gather.prune_start + 1,
			 &p->gather);
	list_for_each_entry_safe(page, next, &p->retired, lru) {
		int order = page_private(page);

		list_del(&page->lru);
		set_page_private(page, 0);
		iommu_free_pages(page_address(page), order);
	}
}

static int peer_new(struct peer *p)
{
	struct pt_params params = { .ias = PEER_IAS, .oas = PEER_IAS };
	struct pt_cfg cfg;
	int ret;

	memset(p, 0, sizeof(*p));
	INIT_LIST_HEAD(&p->retired);
	p->cfg = (struct io_pgtable_cfg){
		.pgsize_bitmap = SZ_4K | SZ_2M | SZ_1G,
		.ias = PEER_IAS,
		.oas = PEER_IAS,
		.coherent_walk = true,
		.tlb = &peer_tlb_ops,
		.iommu_dev = &peer_dev,
	};
	p->iop = io_pgtable_arm_64_lpae_s1_init_fns.alloc(&p->cfg, p);
	if (!p->iop)
		return -ENOMEM;
	p->iop->fmt = ARM_64_LPAE_S1;
	p->iop->cookie = p;
	p->iop->cfg = p->cfg;
	p->ops = &p->iop->ops;

	ret = pt_cfg_init(&cfg, &pt_fmt_arm64_lpae_s1, &params);
	if (!ret)
		ret = pt_space_init(&p->pt, &cfg, &peer_table_ops, p);
	if (ret) {
		io_pgtable_arm_64_lpae_s1_init_fns.free(p->iop);
		return ret;
	}
	return 0;
}

static void peer_destroy(struct peer *p)
{
	unsigned int i;

	for (i = 0; i < PEER_BIG_TABLES; i++)
		if (p->floor[i])
			iommu_free_pages(p->floor[i], 0);
	pt_space_destroy(&p->pt, &p->gather);
	peer_flush(p);
	io_pgtable_arm_64_lpae_s1_init_fns.free(p->iop);
}

/* The operations, on either side; a failure is counted in @p->sum. */
/*
 * io-pgtable-arm maps and unmaps at most up to the end of a table per
 * call; like the IOMMU core (iommu_map(), __iommu_unmap()), call again
 * for the rest.
 */
static int io_map(struct peer *p, u64 iova, size_t pgsize, size_t count)
{
	size_t total = pgsize * count, done = 0;
	int ret = 0;

	while (done < total && !ret) {
		size_t mapped = 0;

		ret = p->ops->map_pages(p->ops, iova + done,
					PEER_PA + iova + done, pgsize,
					(total - done) / pgsize,
					IOMMU_READ | IOMMU_WRITE, GFP_KERNEL,
					&mapped);
		if (!ret && !mapped)
			ret = -EIO;
		done += mapped;
	}
	return ret;
}

static int io_unmap(struct peer *p, u64 iova, size_t pgsize, size_t count)
{
	struct iommu_iotlb_gather gather;
	size_t total = pgsize * count, done = 0, step;

	iommu_iotlb_gather_init(&gather);
	do {
		step = p->ops->unmap_pages(p->ops, iova + done, pgsize,
					   (total - done) / pgsize, &gather);
		done += step;
	} while (step && done < total);
	return done == total ? 0 : -EIO;
}

static int pt_map_n(struct peer *p, u64 iova, size_t pgsize, size_t count)
{
	u64 mapped;
	int ret;

	ret = pt_map(&p->pt, iova, PEER_PA + iova, pgsize * count,
		     PT_PROT_READ | PT_PROT_WRITE, pgsize, &p->gather, &mapped);
	return ret ? ret : (mapped == pgsize * count ? 0 : -EIO);
}

static int pt_unmap_n(struct peer *p, u64 iova, size_t pgsize, size_t count)
{
	u64 unmapped;
	int ret;

	ret = pt_unmap(&p->pt, iova, pgsize * count, &p->gather, &unmapped);
	peer_flush(p);
	return ret ? ret : (unmapped == pgsize * count ? 0 : -EIO);
}

/* One side's map, unmap and walk. */
struct peer_side {
	const char *name;
	int (*map)(struct peer *p, u64 iova, size_t pgsize, size_t count);
	int (*unmap)(struct peer *p, u64 iova, size_t pgsize, size_t count);
	int (*walk)(struct peer *p, u64 iova);
};

static int io_walk(struct peer *p, u64 iova)
{
	phys_addr_t pa = p->ops->iova_to_phys(p->ops, iova);

	p->sum += pa;
	return pa ? 0 : -ENOENT;
}

static int pt_walk_one(struct peer *p, u64 iova)
{
	struct pt_walk_result res;
	int ret = pt_walk(&p->pt, iova, &res);

	p->sum += res.leaf.pa;
	return ret;
}

/*
 * The store floor: the entries io-pgtable-arm writes for 4K pages with
 * IOMMU_READ | IOMMU_WRITE (a page descriptor, AF, inner shareable, nG,
 * normal memory), each one 8-byte store into tables allocated beforehand;
 * the "unmap" stores 0 into each.
 */
#define FLOOR_ATTRS	(0x3ULL | BIT_ULL(10) | (0x3ULL << 8) | BIT_ULL(11) | \
			 (0x1ULL << 2))

static int floor_alloc(struct peer *p)
{
	unsigned int i;

	for (i = 0; i < PEER_BIG_TABLES; i++) {
		p->floor[i] = iommu_alloc_pages_node(NUMA_NO_NODE, GFP_KERNEL,
						     0);
		if (!p->floor[i])
			return -ENOMEM;
	}
	return 0;
}

static int floor_map(struct peer *p, u64 iova, size_t pgsize, size_t count)
{
	u64 pte = (PEER_PA + iova) | FLOOR_ATTRS;
	unsigned int t, i;

	if (pgsize != SZ_4K || count != PEER_BIG_TABLES * 512)
		return -EINVAL;
	for (t = 0; t < PEER_BIG_TABLES; t++) {
		u64 *table = p->floor[t];

		for (i = 0; i < 512; i++, pte += SZ_4K)
			WRITE_ONCE(table[i], pte);
	}
	return 0;
}

static int floor_unmap(struct peer *p, u64 iova, size_t pgsize, size_t count)
{
	unsigned int t, i;

	if (pgsize != SZ_4K || count != PEER_BIG_TABLES * 512)
		return -EINVAL;
	for (t = 0; t < PEER_BIG_TABLES; t++) {
		u64 *table = p->floor[t];

		for (i = 0; i < 512; i++)
			WRITE_ONCE(table[i], 0);
	}
	return 0;
}

enum { SIDE_IO, SIDE_PT, SIDE_FLOOR, NR_SIDES };

static const struct peer_side sides[NR_SIDES] = {
	[SIDE_IO] = { "io-pgtable-arm", io_map, io_unmap, io_walk },
	[SIDE_PT] = { "ptlab engine", pt_map_n, pt_unmap_n, pt_walk_one },
	[SIDE_FLOOR] = { "store floor", floor_map, floor_unmap, NULL },
};

/* A case: @count calls of map (or walk), then as many of unmap. */
struct peer_case {
	const char *name;
	u64 (*iova)(unsigned int i);
	size_t pgsize;
	size_t pgcount;
	unsigned int count;
	u64 pin;		/* the first page to keep mapped */
	u64 pin_stride;		/* ... and the distance to the next */
	unsigned int nr_pins;	/* how many, 0 for none */
	unsigned int passes;	/* passes per run, 0 for the parameter */
	bool walk;
	bool floor;		/* also time the store floor */
};

static u64 warm_region(unsigned int i)
{
	return WARM_BASE + (u64)(i % PEER_REGIONS) * SZ_2M;
}

static u64 warm_page(unsigned int i)
{
	return warm_region(i) + (u64)(i / PEER_REGIONS) * SZ_4K;
}

static u64 block(unsigned int i)
{
	return BLOCK_BASE + (u64)i * SZ_2M;
}

static u64 cold_region(unsigned int i)
{
	return COLD_BASE + (u64)(i % PEER_REGIONS) * SZ_2M;
}

static u64 blocks(unsigned int i)
{
	return BLOCKS_BASE + (u64)i * SZ_1G;
}

static u64 big(unsigned int i)
{
	return BIG_BASE;
}

/* Kept: a page at the end of each 2M region, or of the GiB of the blocks. */
#define WARM_PIN	(WARM_BASE + SZ_2M - SZ_4K)
#define BLOCK_PIN	(BLOCK_BASE + SZ_1G - SZ_4K)
#define BLOCKS_PIN	(BLOCKS_BASE + SZ_1G - SZ_4K)

static const struct peer_case cases[] = {
	{ .name = "256x4K, tables kept", .iova = warm_region, .pgsize = SZ_4K,
	  .pgcount = 256, .count = PEER_REGIONS, .pin = WARM_PIN,
	  .pin_stride = SZ_2M, .nr_pins = PEER_REGIONS },
	{ .name = "4K, tables kept", .iova = warm_page, .pgsize = SZ_4K,
	  .pgcount = 1, .count = PEER_SMALL, .pin = WARM_PIN,
	  .pin_stride = SZ_2M, .nr_pins = PEER_REGIONS },
	/* Between one page and 256: time per page against the batch size. */
	{ .name = "16x4K, tables kept", .iova = warm_region, .pgsize = SZ_4K,
	  .pgcount = 16, .count = PEER_REGIONS, .pin = WARM_PIN,
	  .pin_stride = SZ_2M, .nr_pins = PEER_REGIONS },
	{ .name = "64x4K, tables kept", .iova = warm_region, .pgsize = SZ_4K,
	  .pgcount = 64, .count = PEER_REGIONS, .pin = WARM_PIN,
	  .pin_stride = SZ_2M, .nr_pins = PEER_REGIONS },
	{ .name = "2M, tables kept", .iova = block, .pgsize = SZ_2M,
	  .pgcount = 1, .count = PEER_REGIONS, .pin = BLOCK_PIN,
	  .nr_pins = 1 },
	{ .name = "256x4K, no neighbour", .iova = cold_region,
	  .pgsize = SZ_4K, .pgcount = 256, .count = PEER_REGIONS },
	{ .name = "4K", .iova = warm_page, .pgsize = SZ_4K, .pgcount = 1,
	  .count = PEER_SMALL, .pin = WARM_PIN, .pin_stride = SZ_2M,
	  .nr_pins = PEER_REGIONS, .walk = true },
	{ .name = "256x2M, tables kept", .iova = blocks, .pgsize = SZ_2M,
	  .pgcount = 256, .count = PEER_BLOCKS, .pin = BLOCKS_PIN,
	  .pin_stride = SZ_1G, .nr_pins = PEER_BLOCKS },
	{ .name = "1G of 4K", .iova = big, .pgsize = SZ_4K,
	  .pgcount = PEER_BIG_TABLES * 512, .count = 1, .passes = 2,
	  .floor = true },
};

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static u64 median(u64 *v, unsigned int n)
{
	sort(v, n, sizeof(*v), cmp_u64, NULL);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int pin_pages(struct peer *p, const struct peer_side *s,
		     const struct peer_case *c)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < c->nr_pins && !ret; i++)
		ret = s->map(p, c->pin + i * c->pin_stride, SZ_4K, 1);
	return ret;
}

/*
 * One run of a case on one side: @passes passes of its calls. Picoseconds
 * per call of the map (or walk) and of the unmap in @ps.
 */
static int run_case(struct peer *p, const struct peer_side *s,
		    const struct peer_case *c, u64 ps[2])
{
	unsigned int pass, i, n = c->passes ? c->passes : passes;
	u64 t0, t1, t2, op = 0, undo = 0;
	int ret = 0;

	for (pass = 0; pass < n && !ret; pass++) {
		t0 = ktime_get_ns();
		for (i = 0; i < c->count && !ret; i++)
			ret = c->walk ? s->walk(p, c->iova(i)) :
			      s->map(p, c->iova(i), c->pgsize, c->pgcount);
		t1 = ktime_get_ns();
		for (i = 0; i < c->count && !ret && !c->walk; i++)
			ret = s->unmap(p, c->iova(i), c->pgsize, c->pgcount);
		t2 = ktime_get_ns();
		op += t1 - t0;
		undo += t2 - t1;
		cond_resched();
	}
	ps[0] = div_u64(op * 1000, n * c->count);
	ps[1] = div_u64(undo * 1000, n * c->count);
	return ret;
}

/* Medians over the runs of a case: picoseconds per call, and ratios. */
struct peer_result {
	u64 ps[NR_SIDES][2];	/* map (or walk), unmap, per side */
	u64 ratio_milli[2];	/* ptlab / io-pgtable-arm, per run, x 1000 */
	u64 floor_milli[2];	/* ptlab / store floor, per run, x 1000 */
};

static int peer_setup(struct peer *p, const struct peer_side *s,
		      const struct peer_case *c)
{
	unsigned int i;
	u64 one[2];
	int ret;

	ret = peer_new(p);
	if (ret)
		return ret;
	if (s->map == floor_map)
		ret = floor_alloc(p);
	if (!ret)
		ret = pin_pages(p, s, c);
	/* Walks need something to walk. */
	for (i = 0; !ret && c->walk && i < c->count; i++)
		ret = s->map(p, c->iova(i), SZ_4K, 1);
	/* A first run warms the caches and the allocator. */
	if (!ret)
		ret = run_case(p, s, c, one);
	if (ret)
		peer_destroy(p);
	return ret;
}

static u64 ratio_milli(u64 num, u64 den)
{
	return den ? div64_u64(num * 1000, den) : 0;
}

/*
 * The sides take turns, run by run, so that a change in the machine's
 * speed (a busy host under emulation) hits them alike; each run gives a
 * ratio, and the ratio printed is the median of those.
 */
static int time_case(const struct peer_case *c, struct peer_result *r)
{
	unsigned int run, k, side, nr = c->floor ? NR_SIDES : SIDE_FLOOR;
	u64 *v, ps[NR_SIDES][2];
	struct peer *p;
	int ret = 0;

	/* Per side and half, then the two ratios per half: runs each. */
	p = kcalloc(NR_SIDES, sizeof(*p), GFP_KERNEL);
	v = kcalloc((2 * NR_SIDES + 4) * runs, sizeof(*v), GFP_KERNEL);
	if (!p || !v) {
		ret = -ENOMEM;
		goto out_free;
	}
	for (side = 0; side < nr && !ret; side++) {
		ret = peer_setup(&p[side], &sides[side], c);
		if (ret)
			nr = side;
	}
	for (run = 0; run < runs && !ret; run++) {
		for (side = 0; side < nr && !ret; side++)
			ret = run_case(&p[side], &sides[side], c, ps[side]);
		for (k = 0; k < 2 && !ret; k++) {
			for (side = 0; side < nr; side++)
				v[(2 * side + k) * runs + run] = ps[side][k];
			v[(2 * NR_SIDES + k) * runs + run] =
				ratio_milli(ps[SIDE_PT][k], ps[SIDE_IO][k]);
			if (c->floor)
				v[(2 * NR_SIDES + 2 + k) * runs + run] =
				ratio_milli(ps[SIDE_PT][k], ps[SIDE_FLOOR][k]);
		}
	}
	for (k = 0; k < 2 && !ret; k++) {
		for (side = 0; side < nr; side++)
			r->ps[side][k] = median(v + (2 * side + k) * runs,
						runs);
		r->ratio_milli[k] = median(v + (2 * NR_SIDES + k) * runs, runs);
		if (c->floor)
			r->floor_milli[k] =
				median(v + (2 * NR_SIDES + 2 + k) * runs, runs);
	}
	while (nr--)
		peer_destroy(&p[nr]);
out_free:
	kfree(v);
	kfree(p);
	return ret;
}

static void print_ratio(struct seq_file *m, const char *op, const char *what,
			const struct peer_result *r, int k)
{
	u64 io = r->ps[SIDE_IO][k], ours = r->ps[SIDE_PT][k];
	u64 milli = r->ratio_milli[k];

	seq_printf(m,
		   "peer: %-5s %-20s | %9llu.%03llu ns io-pgtable-arm | %9llu.%03llu ns ptlab | %llu.%03llu x\n",
		   op, what, io / 1000, io % 1000, ours / 1000, ours % 1000,
		   milli / 1000, milli % 1000);
}

/* ptlab against the store floor, per entry (4K page). */
static void print_floor(struct seq_file *m, const char *op,
			const struct peer_case *c, const struct peer_result *r,
			int k)
{
	u64 fl = div64_u64(r->ps[SIDE_FLOOR][k], c->pgcount);
	u64 ours = div64_u64(r->ps[SIDE_PT][k], c->pgcount);
	u64 milli = r->floor_milli[k];

	seq_printf(m,
		   "floor: %-5s %-18s | %6llu.%03llu ns/entry stores | %6llu.%03llu ns/entry ptlab | %llu.%03llu x\n",
		   op, c->name, fl / 1000, fl % 1000, ours / 1000, ours % 1000,
		   milli / 1000, milli % 1000);
}

static int peer_run_show(struct seq_file *m, void *unused)
{
	struct peer_result r;
	unsigned int i;
	int ret = 0;

	if (!runs || runs > PEER_MAX_RUNS || !passes)
		return -EINVAL;
	mutex_lock(&peer_lock);
	seq_printf(m,
		   "peer: arm64-lpae-s1, 4K granule, %u-bit; ns per call, median of %u runs of %u passes; ratio = ptlab / io-pgtable-arm, median of the runs' ratios\n",
		   PEER_IAS, runs, passes);
	for (i = 0; i < ARRAY_SIZE(cases) && !ret; i++) {
		const struct peer_case *c = &cases[i];

		memset(&r, 0, sizeof(r));
		ret = time_case(c, &r);
		if (ret) {
			seq_printf(m, "peer: %s failed: %d\n", c->name, ret);
			break;
		}
		print_ratio(m, c->walk ? "walk" : "map", c->name, &r, 0);
		if (!c->walk)
			print_ratio(m, "unmap", c->name, &r, 1);
		if (c->floor) {
			print_floor(m, "map", c, &r, 0);
			print_floor(m, "unmap", c, &r, 1);
		}
	}
	mutex_unlock(&peer_lock);
	return ret;
}
DEFINE_SHOW_ATTRIBUTE(peer_run);

/*
 * The pin floor: what MAP_USER and UNMAP cannot avoid, pinning the pages
 * and unpinning them, with nothing else (no tables, no accounting).
 */
struct peer_pins {
	struct page *pages[PEER_PIN_MAX];
	long nr;
};

static int peer_pin_open(struct inode *inode, struct file *file)
{
	struct peer_pins *pins = kvzalloc(sizeof(*pins), GFP_KERNEL);

	if (!pins)
		return -ENOMEM;
	file->private_data = pins;
	return 0;
}

static void peer_unpin(struct peer_pins *pins)
{
	if (pins->nr > 0)
		unpin_user_pages_dirty_lock(pins->pages, pins->nr, true);
	pins->nr = 0;
}

static int peer_pin_release(struct inode *inode, struct file *file)
{
	struct peer_pins *pins = file->private_data;

	peer_unpin(pins);
	kvfree(pins);
	return 0;
}

static long peer_pin_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	struct peer_pins *pins = file->private_data;
	struct peer_pin pin;
	long n;

	switch (cmd) {
	case PEER_IOCTL_PIN:
		if (copy_from_user(&pin, (void __user *)arg, sizeof(pin)))
			return -EFAULT;
		if (pins->nr || !pin.npages || pin.npages > PEER_PIN_MAX)
			return -EINVAL;
		n = pin_user_pages_fast(pin.uptr, pin.npages,
					FOLL_WRITE | FOLL_LONGTERM,
					pins->pages);
		if (n <= 0)
			return n ? n : -EFAULT;
		pins->nr = n;
		if (n != pin.npages) {
			peer_unpin(pins);
			return -EFAULT;
		}
		return 0;
	case PEER_IOCTL_UNPIN:
		if (!pins->nr)
			return -EINVAL;
		peer_unpin(pins);
		return 0;
	default:
		return -ENOTTY;
	}
}

static const struct file_operations peer_pin_fops = {
	.owner = THIS_MODULE,
	.open = peer_pin_open,
	.release = peer_pin_release,
	.unlocked_ioctl = peer_pin_ioctl,
};

static struct dentry *peer_dir;

static int __init peer_init(void)
{
	set_dev_node(&peer_dev, NUMA_NO_NODE);
	peer_dir = debugfs_create_dir("ptlab_peer_bench", NULL);
	debugfs_create_file("run", 0400, peer_dir, NULL, &peer_run_fops);
	debugfs_create_file("pin", 0600, peer_dir, NULL, &peer_pin_fops);
	return 0;
}

static void __exit peer_exit(void)
{
	debugfs_remove_recursive(peer_dir);
}

module_init(peer_init);
module_exit(peer_exit);
MODULE_DESCRIPTION("ptlab's page-table engine against io-pgtable-arm");
MODULE_LICENSE("GPL");
