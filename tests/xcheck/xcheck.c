// SPDX-License-Identifier: GPL-2.0
/*
 * ptlab's Arm formats against Linux's own io-pgtable code, in one kernel
 * module: io-pgtable-arm.c (ARM_64_LPAE_S1) and io-pgtable-arm-v7s.c
 * (ARM_V7S), copied from the kernel source at build time (never committed,
 * see tests/xcheck/Makefile and scripts/xcheck), beside ptlab's engine,
 * its arm64-lpae-s1 and arm-v7s formats and its hardware walker
 * (src/hw/walk.c).
 *
 * For every variant both sides get the same parameters and the same
 * pseudo-random set of mappings (IOVA, physical address, page size, count,
 * permissions), through io-pgtable's map_pages and ptlab's pt_map. Then:
 *  - registers: the TCR, MAIR, TTBR (v7s: TTBR, TTBCR, PRRR and NMRR) that
 *    io-pgtable computes, against what ptlab's format reports (the values
 *    PTLAB_IOCTL_INFO returns come from the same regs callback), and what
 *    ptlab's walker decodes from each;
 *  - leaves: both trees are walked by ptlab's hardware walker, io-pgtable's
 *    from the registers io-pgtable computed (so the walker must decode
 *    tables Linux built), every entry of every leaf: the raw leaf entries
 *    must be equal, the translation and permissions those the generator
 *    asked for; table entries must agree but for their addresses;
 *    io-pgtable's own iova_to_phys() must give the same addresses;
 *  - the whole trees: ptlab's engine iterates over both (io-pgtable's
 *    adopted read-only), and the runs of leaves must be the same, so that
 *    neither side holds a leaf the other lacks; IOVAs next to mappings
 *    must fault on both;
 *  - unmap: both unmap the same random parts at the page size they were
 *    mapped with, and must report the same bytes; then all of the above
 *    again, and once more after everything is unmapped;
 *  - an unmap that starts inside a leaf, where the two differ by design
 *    (io-pgtable splits, ptlab refuses): each must do what it documents
 *    (xc_check_split(), which also tells a defect of 6.12's v7s split).
 *
 * Where the two legitimately differ the check says so in its line, with
 * the reason (see xc_mair_expected(), XC_TABLE_SW_BITS): nothing is masked
 * silently.
 *
 * Not in Linux 6.12's io-pgtable: FEAT_LPA2 (PTLAB_CREATE_ARM_LPA2) and
 * stage-2 forced write-back (PTLAB_CREATE_ARM_S2FWB): reported as skipped.
 *
 * Reading debugfs ptlab_xcheck/run runs everything and returns one line per
 * check, "ok N ..." or "not ok N ...", and a last line "xcheck: P passed,
 * F failed, S skipped". Module parameters: seed (0: a random one, printed),
 * mappings per variant.
 */
#include <linux/debugfs.h>
#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/io-pgtable.h>
#include <linux/iommu.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/platform_device.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/utsname.h>
#include <linux/vmalloc.h>

#include "engine/pt_engine.h"
#include "fmt/pt_formats.h"
#include "hw/walk.h"

static ulong seed;
module_param(seed, ulong, 0644);
MODULE_PARM_DESC(seed, "seed of the mappings; 0 for a random one");

static uint mappings = 96;
module_param(mappings, uint, 0644);
MODULE_PARM_DESC(mappings, "mappings per variant");

#define XC_MAX_MAPS	512
#define XC_MAX_RUNS	8192
#define XC_OUT_BYTES	(256 * 1024)

/**
 * struct xc_variant - one configuration, given to both sides
 * @name: what the result lines call it
 * @fmt: PTLAB_FMT_ARM64_LPAE_S1 or PTLAB_FMT_ARM_V7S
 * @granule: log2 of the granule
 * @ias: input address bits
 * @oas: output address bits
 * @pgsizes: page sizes offered to both (io-pgtable may cut them down;
 *	the sizes each side keeps are a check)
 * @pt_quirks: ptlab's PT_QUIRK_* (the uapi's PTLAB_CREATE_ARM_*)
 * @io_quirks: io-pgtable's IO_PGTABLE_QUIRK_*, written out by hand: the
 *	correspondence is part of what is checked
 * @coherent: io-pgtable's coherent_walk (OUTER_WBWA needs it false)
 */
struct xc_variant {
	const char *name;
	u32 fmt;
	u32 granule;
	u32 ias;
	u32 oas;
	u64 pgsizes;
	u32 pt_quirks;
	unsigned long io_quirks;
	bool coherent;
};

#define LPAE_4K_SIZES	(SZ_4K | SZ_2M | SZ_1G)
#define LPAE_16K_SIZES	(SZ_16K | SZ_32M)
#define LPAE_64K_SIZES	(SZ_64K | SZ_512M)
#define LPAE_64K_52_SIZES (LPAE_64K_SIZES | BIT_ULL(42))
#define V7S_SIZES	(SZ_4K | SZ_64K | SZ_1M | SZ_16M)
/* MediaTek: MTK_EXT needs NO_PERMS; TTBR_EXT puts tables' bits 34:32 too. */
#define IO_MTK		(IO_PGTABLE_QUIRK_ARM_MTK_EXT | IO_PGTABLE_QUIRK_NO_PERMS | \
			 IO_PGTABLE_QUIRK_ARM_MTK_TTBR_EXT)

#define S1(n, g, i, o, sz, pq, iq, coh) { .name = n, \
	.fmt = PTLAB_FMT_ARM64_LPAE_S1, .granule = g, .ias = i, .oas = o, \
	.pgsizes = sz, .pt_quirks = pq, .io_quirks = iq, .coherent = coh }
#define V7S(n, o, pq, iq) { .name = n, .fmt = PTLAB_FMT_ARM_V7S, \
	.granule = 12, .ias = 32, .oas = o, .pgsizes = V7S_SIZES, \
	.pt_quirks = pq, .io_quirks = iq, .coherent = true }

static const struct xc_variant variants[] = {
	S1("s1 4K 48/48", 12, 48, 48, LPAE_4K_SIZES, 0, 0, true),
	S1("s1 4K 48/48 NS", 12, 48, 48, LPAE_4K_SIZES, PT_QUIRK_ARM_NS,
	   IO_PGTABLE_QUIRK_ARM_NS, true),
	S1("s1 4K 39/48 TTBR1", 12, 39, 48, LPAE_4K_SIZES, PT_QUIRK_ARM_TTBR1,
	   IO_PGTABLE_QUIRK_ARM_TTBR1, true),
	S1("s1 4K 40/40 OUTER_WBWA", 12, 40, 40, LPAE_4K_SIZES,
	   PT_QUIRK_ARM_OUTER_WBWA, IO_PGTABLE_QUIRK_ARM_OUTER_WBWA, false),
	S1("s1 4K 48/44 NS TTBR1 OUTER_WBWA", 12, 48, 44, LPAE_4K_SIZES,
	   PT_QUIRK_ARM_NS | PT_QUIRK_ARM_TTBR1 | PT_QUIRK_ARM_OUTER_WBWA,
	   IO_PGTABLE_QUIRK_ARM_NS | IO_PGTABLE_QUIRK_ARM_TTBR1 |
	   IO_PGTABLE_QUIRK_ARM_OUTER_WBWA, false),
	S1("s1 16K 47/44", 14, 47, 44, LPAE_16K_SIZES, 0, 0, true),
	S1("s1 16K 36/40 NS", 14, 36, 40, LPAE_16K_SIZES, PT_QUIRK_ARM_NS,
	   IO_PGTABLE_QUIRK_ARM_NS, true),
	S1("s1 16K 48/48 TTBR1", 14, 48, 48, LPAE_16K_SIZES,
	   PT_QUIRK_ARM_TTBR1, IO_PGTABLE_QUIRK_ARM_TTBR1, true),
	S1("s1 16K 40/48 OUTER_WBWA", 14, 40, 48, LPAE_16K_SIZES,
	   PT_QUIRK_ARM_OUTER_WBWA, IO_PGTABLE_QUIRK_ARM_OUTER_WBWA, false),
	S1("s1 64K 48/52", 16, 48, 52, LPAE_64K_52_SIZES, 0, 0, true),
	S1("s1 64K 42/42 NS", 16, 42, 42, LPAE_64K_SIZES, PT_QUIRK_ARM_NS,
	   IO_PGTABLE_QUIRK_ARM_NS, true),
	S1("s1 64K 52/48 TTBR1", 16, 52, 48, LPAE_64K_SIZES,
	   PT_QUIRK_ARM_TTBR1, IO_PGTABLE_QUIRK_ARM_TTBR1, true),
	S1("s1 64K 36/36 OUTER_WBWA", 16, 36, 36, LPAE_64K_SIZES,
	   PT_QUIRK_ARM_OUTER_WBWA, IO_PGTABLE_QUIRK_ARM_OUTER_WBWA, false),
	V7S("v7s 32/32", 32, 0, 0),
	V7S("v7s 32/32 NS", 32, PT_QUIRK_ARM_NS, IO_PGTABLE_QUIRK_ARM_NS),
	V7S("v7s 32/35 MTK_EXT", 35, PT_QUIRK_ARM_MTK_EXT, IO_MTK),
	V7S("v7s 32/35 MTK_EXT NS", 35, PT_QUIRK_ARM_MTK_EXT | PT_QUIRK_ARM_NS,
	    IO_MTK | IO_PGTABLE_QUIRK_ARM_NS),
};

/* The variants ptlab has that 6.12's io-pgtable does not. */
static const char * const not_in_linux[] = {
	"LPA2 (PTLAB_CREATE_ARM_LPA2): io-pgtable-arm of Linux 6.12 has no FEAT_LPA2",
	"S2FWB (PTLAB_CREATE_ARM_S2FWB): io-pgtable-arm of Linux 6.12 has no IO_PGTABLE_QUIRK_ARM_S2FWB",
};

/* One mapping of the generated set; unmaps shrink it from its start. */
struct xc_map {
	u64 first;	/* the offset in the input range, as mapped */
	u64 iova;	/* the offset of what is still mapped */
	u64 pa;
	u64 pgsize;
	u64 count;
	u32 prot;	/* PT_PROT_* */
};

struct xc_out {
	char *buf;
	size_t len;
	unsigned int n, passed, failed, skipped;
};

/*
 * One check of one variant: @bad of @n comparisons failed; @why tells the
 * first failure, or the difference the check allows and why.
 */
struct xc_check {
	u64 n;
	u64 bad;
	char why[256];
};

/* The checks of one pass over the trees (see xc_check_all()). */
struct xc_checks {
	struct xc_check leaf, xlate, perm, table, phys, hole, trees;
};

/* Both trees of one variant. */
struct xc {
	const struct xc_variant *v;
	struct xc_out *out;
	struct rnd_state rnd;
	/* io-pgtable */
	struct io_pgtable_cfg cfg;
	struct io_pgtable *iop;
	struct io_pgtable_ops *ops;
	const struct io_pgtable_init_fns *fns;
	/* the registers a driver would program from io-pgtable's cfg */
	u64 io_ttbr, io_tcr, io_mair;
	/* ptlab */
	struct pt_space pt;
	struct pt_gather gather;
	struct pt_hw_regs regs;
	struct ptlab_hw_geom io_geom, pt_geom;
	u64 base;	/* the first IOVA: 0, or the TTBR1 range's */
	struct xc_map maps[XC_MAX_MAPS];
	unsigned int nr_maps;
	struct pt_run *runs[2];
	struct xc_checks checks;
};

static struct platform_device *xc_pdev;
static DEFINE_MUTEX(xc_lock);

static __printf(2, 3) void xc_print(struct xc_out *o, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	if (o->len < XC_OUT_BYTES)
		o->len += vscnprintf(o->buf + o->len, XC_OUT_BYTES - o->len,
				     fmt, args);
	va_end(args);
}

static __printf(2, 3) void xc_fail(struct xc_check *c, const char *fmt, ...)
{
	va_list args;

	if (!c->bad++) {
		va_start(args, fmt);
		vscnprintf(c->why, sizeof(c->why), fmt, args);
		va_end(args);
	}
}

static void xc_result(struct xc *x, const char *what, struct xc_check *c)
{
	struct xc_out *o = x->out;
	bool ok = c->n && !c->bad;

	o->n++;
	if (ok)
		o->passed++;
	else
		o->failed++;
	xc_print(o, "%s %u %s: %s (%llu compared, %llu differ)%s%s\n",
		 ok ? "ok" : "not ok", o->n, x->v->name, what, c->n, c->bad,
		 c->why[0] ? ": " : "", c->why);
}

/* --- io-pgtable's side -------------------------------------------------- */

static void xc_tlb_flush_all(void *cookie)
{
}

static void xc_tlb_flush_walk(unsigned long iova, size_t size, size_t granule,
			      void *cookie)
{
}

static void xc_tlb_add_page(struct iommu_iotlb_gather *gather,
			    unsigned long iova, size_t granule, void *cookie)
{
}

static const struct iommu_flush_ops xc_tlb_ops = {
	.tlb_flush_all = xc_tlb_flush_all,
	.tlb_flush_walk = xc_tlb_flush_walk,
	.tlb_add_page = xc_tlb_add_page,
};

/* IOMMU_* of ptlab's PT_PROT_* (the correspondence is written out here). */
static int xc_iommu_prot(u32 prot)
{
	int p = 0;

	if (prot & PT_PROT_READ)
		p |= IOMMU_READ;
	if (prot & PT_PROT_WRITE)
		p |= IOMMU_WRITE;
	if (!(prot & PT_PROT_EXEC))
		p |= IOMMU_NOEXEC;
	if (prot & PT_PROT_PRIV)
		p |= IOMMU_PRIV;
	if (prot & PT_PROT_CACHE)
		p |= IOMMU_CACHE;
	if (prot & PT_PROT_MMIO)
		p |= IOMMU_MMIO;
	return p;
}

/*
 * TCR as the Arm ARM lays out TCR_EL1 (and an SMMU context bank's TCR,
 * whose low half is the same), from io-pgtable's fields as arm-smmu's
 * arm_smmu_lpae_tcr() composes them: T0SZ 5:0, IRGN0 9:8, ORGN0 11:10,
 * SH0 13:12, TG0 15:14, EPD1 23; for TTBR1 the same fields 16 bits up and
 * EPD0 (bit 7) instead. IPS (34:32) is the SMMU's TCR2.PASIZE.
 */
static u64 xc_io_tcr(const struct io_pgtable_cfg *cfg)
{
	u64 tcr = (u64)cfg->arm_lpae_s1_cfg.tcr.tsz |
		  (u64)cfg->arm_lpae_s1_cfg.tcr.irgn << 8 |
		  (u64)cfg->arm_lpae_s1_cfg.tcr.orgn << 10 |
		  (u64)cfg->arm_lpae_s1_cfg.tcr.sh << 12 |
		  (u64)cfg->arm_lpae_s1_cfg.tcr.tg << 14;

	if (cfg->quirks & IO_PGTABLE_QUIRK_ARM_TTBR1)
		tcr = tcr << 16 | BIT_ULL(7);
	else
		tcr |= BIT_ULL(23);
	return tcr | (u64)cfg->arm_lpae_s1_cfg.tcr.ips << 32;
}

static int xc_io_new(struct xc *x)
{
	const struct xc_variant *v = x->v;
	enum io_pgtable_fmt fmt;

	x->cfg = (struct io_pgtable_cfg){
		.quirks = v->io_quirks,
		.pgsize_bitmap = v->pgsizes,
		.ias = v->ias,
		.oas = v->oas,
		.coherent_walk = v->coherent,
		.tlb = &xc_tlb_ops,
		.iommu_dev = &xc_pdev->dev,
	};
	if (v->fmt == PTLAB_FMT_ARM_V7S) {
		x->fns = &io_pgtable_arm_v7s_init_fns;
		fmt = ARM_V7S;
	} else {
		x->fns = &io_pgtable_arm_64_lpae_s1_init_fns;
		fmt = ARM_64_LPAE_S1;
	}
	/* What alloc_io_pgtable_ops() (io-pgtable.c, not built here) does. */
	x->iop = x->fns->alloc(&x->cfg, x);
	if (!x->iop)
		return -ENOMEM;
	x->iop->fmt = fmt;
	x->iop->cookie = x;
	x->iop->cfg = x->cfg;
	x->ops = &x->iop->ops;

	if (v->fmt == PTLAB_FMT_ARM_V7S) {
		x->io_ttbr = x->cfg.arm_v7s_cfg.ttbr;
		x->io_tcr = x->cfg.arm_v7s_cfg.tcr;
		/*
		 * ptlab's layout: PRRR in 31:0, NMRR in 63:32. A MediaTek M4U
		 * has no TEX remap registers: mtk_iommu.c programs only
		 * REG_MMU_PT_BASE_ADDR (arm_v7s_cfg.ttbr), whatever io-pgtable
		 * put in prrr and nmrr.
		 */
		x->io_mair = v->io_quirks & IO_PGTABLE_QUIRK_ARM_MTK_EXT ? 0 :
			     (u64)x->cfg.arm_v7s_cfg.nmrr << 32 |
			     x->cfg.arm_v7s_cfg.prrr;
	} else {
		x->io_ttbr = x->cfg.arm_lpae_s1_cfg.ttbr;
		x->io_tcr = xc_io_tcr(&x->cfg);
		x->io_mair = x->cfg.arm_lpae_s1_cfg.mair;
	}
	return 0;
}

/*
 * io-pgtable maps and unmaps at most up to the end of a table per call;
 * like the IOMMU core (iommu_map(), __iommu_unmap()), call again for the
 * rest.
 */
static int xc_io_map(struct xc *x, const struct xc_map *m)
{
	size_t total = m->pgsize * m->count, done = 0;
	int ret = 0;

	while (done < total && !ret) {
		size_t mapped = 0;

		ret = x->ops->map_pages(x->ops, x->base + m->iova + done,
					m->pa + done, m->pgsize,
					(total - done) / m->pgsize,
					xc_iommu_prot(m->prot), GFP_KERNEL,
					&mapped);
		if (!ret && !mapped)
			ret = -EIO;
		done += mapped;
	}
	return ret;
}

static u64 xc_io_unmap(struct xc *x, u64 iova, u64 pgsize, u64 count)
{
	struct iommu_iotlb_gather gather;
	u64 total = pgsize * count, done = 0, step;

	iommu_iotlb_gather_init(&gather);
	do {
		step = x->ops->unmap_pages(x->ops, iova + done, pgsize,
					   (total - done) / pgsize, &gather);
		done += step;
	} while (step && done < total);
	return done;
}

/* --- ptlab's side ------------------------------------------------------- */

/* Tables below 4 GiB where the format's table entries hold 32 bits. */
static void *xc_pt_alloc(void *cookie, size_t bytes)
{
	struct xc *x = cookie;
	u32 bits = x->pt.cfg.table_oas ? x->pt.cfg.table_oas : x->v->oas;
	gfp_t gfp = GFP_KERNEL | __GFP_ZERO | (bits <= 32 ? GFP_DMA32 : 0);

	return (void *)__get_free_pages(gfp, get_order(bytes));
}

static void xc_pt_free(void *cookie, void *table, size_t bytes)
{
	free_pages((unsigned long)table, get_order(bytes));
}

/* Nothing walks these tables but this module: free at once. */
static void xc_pt_retire(struct pt_gather *gather, void *table, size_t bytes)
{
	free_pages((unsigned long)table, get_order(bytes));
}

static void xc_pt_removed(struct pt_gather *gather, const struct pt_run *run)
{
}

static const struct pt_table_ops xc_pt_ops = {
	.alloc = xc_pt_alloc,
	.free = xc_pt_free,
	.retire = xc_pt_retire,
	.removed = xc_pt_removed,
};

static void xc_pt_flush(struct xc *x)
{
	while (x->gather.prune)
		pt_prune(&x->pt, x->gather.prune_start,
			 x->gather.prune_last - x->gather.prune_start + 1,
			 &x->gather);
}

static int xc_pt_new(struct xc *x)
{
	const struct xc_variant *v = x->v;
	struct pt_params params = {
		.granule_shift = v->granule, .ias = v->ias, .oas = v->oas,
		.pgsize_bitmap = v->pgsizes, .quirks = v->pt_quirks,
	};
	const struct pt_format *fmt = v->fmt == PTLAB_FMT_ARM_V7S ?
				      &pt_fmt_arm_v7s : &pt_fmt_arm64_lpae_s1;
	struct pt_cfg cfg;
	int ret;

	ret = pt_cfg_init(&cfg, fmt, &params);
	if (ret)
		return ret;
	/* xc_pt_alloc() reads the geometry from x->pt. */
	x->pt.cfg = cfg;
	ret = pt_space_init(&x->pt, &cfg, &xc_pt_ops, x);
	if (ret)
		return ret;
	x->base = cfg.iova_base;
	/* What PTLAB_IOCTL_INFO reports (ptlab_as_regs()). */
	cfg.fmt->regs(&x->pt.cfg, pt_root_pa(&x->pt), &x->regs);
	return 0;
}

/* --- the walks ---------------------------------------------------------- */

/* The walker reads kernel memory, but only where there is some. */
static bool xc_read(void *ctx, u64 pa, unsigned int bytes, u64 *val)
{
	void *p;

	if (!pfn_valid(PHYS_PFN(pa)))
		return false;
	p = phys_to_virt(pa);
	*val = bytes == 4 ? READ_ONCE(*(u32 *)p) : READ_ONCE(*(u64 *)p);
	return true;
}

static void xc_walk(const struct ptlab_hw_geom *g, u64 iova,
		    struct ptlab_hw_xlate *t)
{
	ptlab_hw_walk(g, xc_read, NULL, iova, g->root_pa, g->levels - 1, t);
}

/*
 * Bytes one entry of a leaf of @pgsize spans: v7s large pages and
 * supersections are 16 entries alike; LPAE leaves here are one entry each
 * (neither side uses the contiguous hint for the sizes given).
 */
static u64 xc_entry_span(const struct xc *x, u64 pgsize)
{
	if (x->v->fmt == PTLAB_FMT_ARM_V7S &&
	    (pgsize == SZ_64K || pgsize == SZ_16M))
		return pgsize / 16;
	return pgsize;
}

/* The walker's permissions that @prot asks for: [0] unprivileged. */
static void xc_expected_perm(const struct xc *x, u32 prot, u32 perm[2])
{
	u32 p = PTLAB_ACCESS_READ;

	/* The M4U checks nothing (NO_PERMS). */
	if (x->v->pt_quirks & PT_QUIRK_ARM_MTK_EXT) {
		perm[1] = PTLAB_ACCESS_READ | PTLAB_ACCESS_WRITE |
			  PTLAB_ACCESS_EXEC;
		perm[0] = perm[1];
		return;
	}
	if (prot & PT_PROT_WRITE)
		p |= PTLAB_ACCESS_WRITE;
	if (prot & PT_PROT_EXEC)
		p |= PTLAB_ACCESS_EXEC;
	perm[1] = p;
	perm[0] = prot & PT_PROT_PRIV ? 0 : p;
}

/*
 * Table entries: the bits that hold the next table's address, which differ
 * between two trees by nature.
 */
static u64 xc_table_addr_bits(const struct xc *x)
{
	if (x->v->fmt == PTLAB_FMT_ARM_V7S)
		/* 31:10, and with MTK_TTBR_EXT 34:32 in bits 9, 5, 4. */
		return GENMASK_ULL(31, 10) |
		       (x->v->pt_quirks & PT_QUIRK_ARM_MTK_EXT ?
			BIT_ULL(9) | BIT_ULL(5) | BIT_ULL(4) : 0);
	/* 47:granule; with FEAT_LPA (64K, 52-bit output) 51:48 in 15:12. */
	return GENMASK_ULL(47, x->v->granule) |
	       (x->v->oas == 52 ? GENMASK_ULL(15, 12) : 0);
}

/*
 * io-pgtable-arm marks the table entries it has made visible to a walker
 * that does not snoop (coherent_walk false) with ARM_LPAE_PTE_SW_SYNC, bit
 * 55, one of the bits the architecture leaves to software (58:55 of a
 * table descriptor are ignored by the walk). ptlab needs no such mark.
 */
#define XC_TABLE_SW_BITS	BIT_ULL(55)

/* Where no mapping is: the ends of the mappings, unless another is there. */
static bool xc_mapped(const struct xc *x, u64 off)
{
	unsigned int i;

	for (i = 0; i < x->nr_maps; i++) {
		const struct xc_map *m = &x->maps[i];

		if (off >= m->iova && off - m->iova < m->pgsize * m->count)
			return true;
	}
	return false;
}

static void xc_check_entry(struct xc *x, struct xc_checks *c,
			   const struct xc_map *m, u64 off)
{
	u64 iova = x->base + m->iova + off, want = m->pa + off, swmask;
	struct ptlab_hw_xlate a, b;
	phys_addr_t phys;
	u32 perm[2];
	unsigned int i;

	xc_walk(&x->io_geom, iova, &a);
	xc_walk(&x->pt_geom, iova, &b);

	/* The raw leaf entries, one per entry of each leaf. */
	c->leaf.n++;
	if (a.fault || b.fault || !a.nr || !b.nr)
		xc_fail(&c->leaf, "iova 0x%llx: fault %u (io-pgtable) and %u (ptlab)",
			iova, a.fault, b.fault);
	else if (a.entries[a.nr - 1] != b.entries[b.nr - 1] ||
		 a.level != b.level)
		xc_fail(&c->leaf,
			"iova 0x%llx: io-pgtable 0x%llx at level %u, ptlab 0x%llx at level %u",
			iova, a.entries[a.nr - 1], a.level,
			b.entries[b.nr - 1], b.level);

	/* What the walker makes of each: what the mapping asked for. */
	c->xlate.n += 2;
	if (a.fault || a.size != m->pgsize || a.pa + (iova - a.iova) != want)
		xc_fail(&c->xlate,
			"io-pgtable iova 0x%llx: pa 0x%llx size 0x%llx fault %u, asked 0x%llx size 0x%llx",
			iova, a.pa + (iova - a.iova), a.size, a.fault, want,
			m->pgsize);
	if (b.fault || b.size != m->pgsize || b.pa + (iova - b.iova) != want)
		xc_fail(&c->xlate,
			"ptlab iova 0x%llx: pa 0x%llx size 0x%llx fault %u, asked 0x%llx size 0x%llx",
			iova, b.pa + (iova - b.iova), b.size, b.fault, want,
			m->pgsize);

	xc_expected_perm(x, m->prot, perm);
	c->perm.n += 2;
	if (a.perm[0] != perm[0] || a.perm[1] != perm[1])
		xc_fail(&c->perm, "io-pgtable iova 0x%llx prot 0x%x: %x/%x, asked %x/%x",
			iova, m->prot, a.perm[0], a.perm[1], perm[0], perm[1]);
	if (b.perm[0] != perm[0] || b.perm[1] != perm[1])
		xc_fail(&c->perm, "ptlab iova 0x%llx prot 0x%x: %x/%x, asked %x/%x",
			iova, m->prot, b.perm[0], b.perm[1], perm[0], perm[1]);

	/* Table entries on the way: the same but for their addresses. */
	swmask = x->v->coherent || x->v->fmt == PTLAB_FMT_ARM_V7S ? 0 :
		 XC_TABLE_SW_BITS;
	if (a.nr != b.nr) {
		c->table.n++;
		xc_fail(&c->table, "iova 0x%llx: %u entries read (io-pgtable), %u (ptlab)",
			iova, a.nr, b.nr);
	}
	for (i = 0; i + 1 < a.nr && i + 1 < b.nr; i++) {
		u64 keep = ~xc_table_addr_bits(x);

		c->table.n++;
		if ((a.entries[i] & keep & ~swmask) != (b.entries[i] & keep))
			xc_fail(&c->table,
				"iova 0x%llx level %u: io-pgtable 0x%llx, ptlab 0x%llx (address bits 0x%llx aside)",
				iova, a.entry_level[i], a.entries[i],
				b.entries[i], ~keep);
	}

	/* io-pgtable's own walk. */
	c->phys.n++;
	phys = x->ops->iova_to_phys(x->ops, iova);
	if (phys != want)
		xc_fail(&c->phys, "iova 0x%llx: iova_to_phys 0x%llx, asked 0x%llx",
			iova, (u64)phys, want);
}

static void xc_check_hole(struct xc *x, struct xc_check *c, u64 off)
{
	struct ptlab_hw_xlate a, b;
	u64 iova = x->base + off;

	if (off >> x->v->ias || xc_mapped(x, off))
		return;
	xc_walk(&x->io_geom, iova, &a);
	xc_walk(&x->pt_geom, iova, &b);
	c->n++;
	if (a.fault != PTLAB_FAULT_TRANSLATION ||
	    b.fault != PTLAB_FAULT_TRANSLATION)
		xc_fail(c, "iova 0x%llx, unmapped: fault %u (io-pgtable), %u (ptlab)",
			iova, a.fault, b.fault);
	c->n++;
	if (x->ops->iova_to_phys(x->ops, iova))
		xc_fail(c, "iova 0x%llx, unmapped: iova_to_phys gives 0x%llx",
			iova, (u64)x->ops->iova_to_phys(x->ops, iova));
}

/* --- the whole trees, through the engine's iteration ---------------------- */

struct xc_collect {
	struct pt_run_visitor visitor;
	struct pt_run *runs;
	unsigned int nr;
};

static int xc_collect_run(struct pt_run_visitor *visitor,
			  const struct pt_run *run)
{
	struct xc_collect *c = container_of(visitor, struct xc_collect,
					    visitor);

	if (c->nr == XC_MAX_RUNS)
		return -ENOSPC;
	c->runs[c->nr++] = *run;
	return 0;
}

/*
 * Iterate over both trees: io-pgtable's adopted by the engine (read-only:
 * never unmapped through or destroyed), from the root the walker decoded
 * from io-pgtable's TTBR.
 */
static void xc_check_trees(struct xc *x, struct xc_check *c)
{
	struct xc_collect a = { .visitor.run = xc_collect_run,
				.runs = x->runs[0] };
	struct xc_collect b = { .visitor.run = xc_collect_run,
				.runs = x->runs[1] };
	u64 size = 1ULL << x->v->ias;
	struct pt_space linux_tree;
	unsigned int i;
	int ra, rb;

	pt_space_adopt(&linux_tree, &x->pt.cfg, &xc_pt_ops, x,
		       phys_to_virt(x->io_geom.root_pa), NULL, 0);
	ra = pt_iterate(&linux_tree, x->base, size, &a.visitor);
	rb = pt_iterate(&x->pt, x->base, size, &b.visitor);
	c->n++;
	if (ra || rb || a.nr != b.nr) {
		xc_fail(c, "io-pgtable's tree: %u runs of leaves (%d), ptlab's %u (%d)",
			a.nr, ra, b.nr, rb);
		return;
	}
	for (i = 0; i < a.nr; i++) {
		const struct pt_run *p = &a.runs[i], *q = &b.runs[i];

		c->n++;
		if (p->iova != q->iova || p->pa != q->pa ||
		    p->size != q->size || p->pgsize != q->pgsize ||
		    p->prot != q->prot || p->level != q->level)
			xc_fail(c,
				"run %u: io-pgtable 0x%llx->0x%llx 0x%llx x 0x%llx prot 0x%x, ptlab 0x%llx->0x%llx 0x%llx x 0x%llx prot 0x%x",
				i, p->iova, p->pa, p->size, p->pgsize, p->prot,
				q->iova, q->pa, q->size, q->pgsize, q->prot);
	}
}

/*
 * Every entry of every live mapping, the holes beside them and where
 * unmapped parts were, the trees. @empty: nothing is mapped any more, only
 * the holes and the trees are checked.
 */
static void xc_check_all(struct xc *x, const char *when, bool empty)
{
	struct xc_checks *c = &x->checks;
	char what[192];
	unsigned int i;
	u64 off;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < x->nr_maps; i++) {
		const struct xc_map *m = &x->maps[i];
		u64 span = xc_entry_span(x, m->pgsize), size;

		size = m->pgsize * m->count;
		for (off = 0; off < size; off += span)
			xc_check_entry(x, c, m, off);
		xc_check_hole(x, &c->hole, m->iova + size);
		if (m->iova >= m->pgsize)
			xc_check_hole(x, &c->hole, m->iova - m->pgsize);
		xc_check_hole(x, &c->hole, m->first);
	}
	xc_check_trees(x, &c->trees);

	if (!empty) {
		snprintf(what, sizeof(what), "%s: leaf entries equal", when);
		xc_result(x, what, &c->leaf);
		snprintf(what, sizeof(what),
			 "%s: walker's translations as mapped (both)", when);
		xc_result(x, what, &c->xlate);
		snprintf(what, sizeof(what),
			 "%s: walker's permissions as asked (both)", when);
		xc_result(x, what, &c->perm);
		if (x->v->coherent || x->v->fmt == PTLAB_FMT_ARM_V7S)
			snprintf(what, sizeof(what),
				 "%s: table entries equal but for addresses",
				 when);
		else
			snprintf(what, sizeof(what),
				 "%s: table entries equal but for addresses and io-pgtable's SW_SYNC (bit 55, for software: its mark of a table synced for a walk that does not snoop)",
				 when);
		xc_result(x, what, &c->table);
		snprintf(what, sizeof(what),
			 "%s: io-pgtable's iova_to_phys as mapped", when);
		xc_result(x, what, &c->phys);
	}
	snprintf(what, sizeof(what), "%s: unmapped IOVAs fault on both", when);
	xc_result(x, what, &c->hole);
	snprintf(what, sizeof(what),
		 "%s: whole trees: the engine's runs of leaves equal", when);
	xc_result(x, what, &c->trees);
}

/* --- registers ------------------------------------------------------------ */

/*
 * The MAIR io-pgtable-arm computes has a fourth attribute, index 3
 * (ARM_LPAE_MAIR_ATTR_IDX_INC_OCACHE, 0xf4: inner non-cacheable, outer
 * write-back) that no prot of 6.12's map_pages selects (no leaf of its
 * has AttrIndx 3: the leaf checks find its leaves equal to ptlab's, which
 * use indices 0-2 only). And 0xf4 << 24 is computed in int: it is negative
 * and sign-extends into bits 63:32 of the u64, so attributes 4-7 read 0xff
 * (arm-smmu programs them into MAIR1); no leaf selects those either.
 * ptlab defines the three indices its leaves use and leaves the rest 0.
 * So: bytes 0-2 equal; io-pgtable's bytes 3-7 exactly these, ptlab's 0.
 */
#define XC_IO_MAIR_UNUSED	0xfffffffff4000000ULL

static void xc_check_regs(struct xc *x)
{
	bool v7s = x->v->fmt == PTLAB_FMT_ARM_V7S;
	struct pt_hw_regs at_linux_root;
	struct xc_check c = {};

	/* TCR (v7s: TTBCR): exact. */
	c.n++;
	if (x->io_tcr != x->regs.tcr)
		xc_fail(&c, "io-pgtable 0x%llx, ptlab 0x%llx", x->io_tcr,
			x->regs.tcr);
	xc_result(x, v7s ? "registers: TTBCR equal" : "registers: TCR equal",
		  &c);

	c = (struct xc_check){ .n = 1 };
	if (v7s && (x->v->pt_quirks & PT_QUIRK_ARM_MTK_EXT)) {
		if (x->regs.mair)
			xc_fail(&c, "ptlab 0x%llx, want 0", x->regs.mair);
		snprintf(c.why + strlen(c.why), sizeof(c.why) - strlen(c.why),
			 "%sthe M4U has no TEX remap: ptlab reports 0; io-pgtable computes PRRR 0x%x NMRR 0x%x, which mtk_iommu never programs",
			 c.bad ? "; " : "", x->cfg.arm_v7s_cfg.prrr,
			 x->cfg.arm_v7s_cfg.nmrr);
		xc_result(x, "registers: PRRR/NMRR (MediaTek)", &c);
	} else if (v7s) {
		if (x->io_mair != x->regs.mair)
			xc_fail(&c, "io-pgtable NMRR:PRRR 0x%llx, ptlab 0x%llx",
				x->io_mair, x->regs.mair);
		xc_result(x, "registers: PRRR and NMRR equal", &c);
	} else {
		u64 low = GENMASK_ULL(23, 0);

		if ((x->io_mair & low) != (x->regs.mair & low) ||
		    (x->io_mair & ~low) != XC_IO_MAIR_UNUSED ||
		    (x->regs.mair & ~low))
			xc_fail(&c, "io-pgtable 0x%llx, ptlab 0x%llx",
				x->io_mair, x->regs.mair);
		else
			snprintf(c.why, sizeof(c.why),
				 "attributes 0-2 equal (0x%llx); 3-7 unused by leaves: io-pgtable's INC_OCACHE 0xf4 and 0xff from a sign extension, ptlab's 0",
				 x->regs.mair & low);
		xc_result(x, "registers: MAIR", &c);
	}

	/*
	 * TTBR: ptlab's value for io-pgtable's own root (the one the walker
	 * decodes from io-pgtable's TTBR) must be io-pgtable's, bit for bit,
	 * and ptlab's INFO value must decode to ptlab's root.
	 */
	c = (struct xc_check){ .n = 2 };
	x->pt.cfg.fmt->regs(&x->pt.cfg, x->io_geom.root_pa, &at_linux_root);
	if (at_linux_root.ttbr != x->io_ttbr)
		xc_fail(&c, "for io-pgtable's root 0x%llx: io-pgtable 0x%llx, ptlab 0x%llx",
			x->io_geom.root_pa, x->io_ttbr, at_linux_root.ttbr);
	if (x->pt_geom.root_pa != pt_root_pa(&x->pt))
		xc_fail(&c, "ptlab's TTBR 0x%llx decodes to 0x%llx, its root is 0x%llx",
			x->regs.ttbr, x->pt_geom.root_pa, pt_root_pa(&x->pt));
	xc_result(x, "registers: TTBR equal for the same root", &c);

	/* What the hardware learns from each. */
	c = (struct xc_check){ .n = 1 };
	if (x->io_geom.levels != x->pt_geom.levels ||
	    x->io_geom.granule_shift != x->pt_geom.granule_shift ||
	    x->io_geom.ias != x->pt_geom.ias ||
	    x->io_geom.oas != x->pt_geom.oas ||
	    x->io_geom.top_bits != x->pt_geom.top_bits ||
	    x->io_geom.upper != x->pt_geom.upper ||
	    x->io_geom.mtk != x->pt_geom.mtk ||
	    x->io_geom.ds != x->pt_geom.ds || x->io_geom.ha != x->pt_geom.ha ||
	    x->io_geom.hd != x->pt_geom.hd)
		xc_fail(&c,
			"io-pgtable: %u levels, granule %u, ias %u, oas %u, top %u bits, upper %d; ptlab: %u, %u, %u, %u, %u, %d",
			x->io_geom.levels, x->io_geom.granule_shift,
			x->io_geom.ias, x->io_geom.oas, x->io_geom.top_bits,
			x->io_geom.upper, x->pt_geom.levels,
			x->pt_geom.granule_shift, x->pt_geom.ias,
			x->pt_geom.oas, x->pt_geom.top_bits, x->pt_geom.upper);
	else if (x->io_geom.levels != x->pt.cfg.levels ||
		 x->io_geom.ias != x->v->ias ||
		 x->io_geom.upper != !!(x->v->pt_quirks & PT_QUIRK_ARM_TTBR1))
		xc_fail(&c, "decoded %u levels, ias %u, upper %d; the tree has %u levels, ias %u",
			x->io_geom.levels, x->io_geom.ias, x->io_geom.upper,
			x->pt.cfg.levels, x->v->ias);
	xc_result(x, "registers: the walker decodes the same geometry from both",
		  &c);

	c = (struct xc_check){ .n = 1 };
	if (x->cfg.pgsize_bitmap != x->pt.cfg.pgsize_bitmap)
		xc_fail(&c, "io-pgtable 0x%lx, ptlab 0x%llx",
			x->cfg.pgsize_bitmap, x->pt.cfg.pgsize_bitmap);
	xc_result(x, "page sizes equal", &c);
}

/* --- the mappings ------------------------------------------------------- */

static u64 xc_rand(struct xc *x, u64 n)
{
	u64 r = (u64)prandom_u32_state(&x->rnd) << 32 |
		prandom_u32_state(&x->rnd);

	return n ? r % n : r;
}

/*
 * Mappings one after the other in IOVA: page sizes from the variant's,
 * small ones more often; neighbours, gaps of a few pages and jumps, so
 * that tables are shared and new ones made; physical addresses anywhere
 * below the output size; every permission the variant can express.
 */
static void xc_generate(struct xc *x, unsigned int want)
{
	u64 sizes[8], space = 1ULL << x->v->ias, off = 0, bits;
	unsigned int nr = 0, i;

	for (bits = x->pt.cfg.pgsize_bitmap; bits; bits &= bits - 1)
		sizes[nr++] = bits & -bits;
	x->nr_maps = 0;
	for (i = 0; i < want && x->nr_maps < XC_MAX_MAPS; i++) {
		struct xc_map *m = &x->maps[x->nr_maps];
		u64 r = xc_rand(x, 100), pgsize, count, gap;
		u32 prot = PT_PROT_READ;

		/* 55% the smallest, then less and less. */
		pgsize = sizes[r < 55 || nr == 1 ? 0 :
			       r < 85 || nr == 2 ? 1 : r < 97 || nr == 3 ? 2 : 3];
		count = 1 + xc_rand(x, pgsize == sizes[0] ? 24 : 4);
		switch (xc_rand(x, 4)) {
		case 0:
			gap = 0;
			break;
		case 1:
			gap = sizes[0] * xc_rand(x, 8);
			break;
		default:
			gap = xc_rand(x, space / (4 * want + 1));
			break;
		}
		off = ALIGN(off + gap, pgsize);
		if (off >= space || space - off < pgsize * count)
			break;
		if (xc_rand(x, 2))
			prot |= PT_PROT_WRITE;
		if (xc_rand(x, 2))
			prot |= PT_PROT_EXEC;
		if (!xc_rand(x, 4))
			prot |= PT_PROT_PRIV;
		r = xc_rand(x, 3);
		prot |= r == 1 ? PT_PROT_CACHE : r == 2 ? PT_PROT_MMIO : 0;
		/* The M4U reads, writes and executes whatever it is told. */
		if (x->v->pt_quirks & PT_QUIRK_ARM_MTK_EXT)
			prot = PT_PROT_READ | PT_PROT_WRITE | PT_PROT_EXEC |
			       (prot & (PT_PROT_CACHE | PT_PROT_MMIO));
		*m = (struct xc_map){
			.first = off, .iova = off, .pgsize = pgsize,
			.count = count,
			.pa = xc_rand(x, 1ULL << x->v->oas) & ~(pgsize - 1),
			.prot = prot,
		};
		/* Keep the leaf inside the output size. */
		if (m->pa + pgsize * count > 1ULL << x->v->oas)
			m->pa = (1ULL << x->v->oas) - pgsize * count;
		off += pgsize * count;
		x->nr_maps++;
	}
}

static void xc_map_all(struct xc *x)
{
	struct xc_check c = {};
	unsigned int i;

	for (i = 0; i < x->nr_maps; i++) {
		const struct xc_map *m = &x->maps[i];
		u64 size = m->pgsize * m->count, mapped = 0;
		int a, b;

		a = xc_io_map(x, m);
		b = pt_map(&x->pt, x->base + m->iova, m->pa, size, m->prot,
			   m->pgsize, &x->gather, &mapped);
		c.n++;
		if (a || b || mapped != size)
			xc_fail(&c,
				"iova 0x%llx 0x%llx x 0x%llx prot 0x%x: io-pgtable %d, ptlab %d (0x%llx bytes)",
				x->base + m->iova, m->count, m->pgsize, m->prot,
				a, b, mapped);
	}
	xc_result(x, "map: both map every mapping whole", &c);
}

/*
 * Unmap the first pages of about half the mappings (all of some), at the
 * page size they were mapped with; @all: every page of every mapping.
 * Both must report the bytes asked.
 */
static void xc_unmap_some(struct xc *x, bool all)
{
	struct xc_check c = {};
	unsigned int i;

	for (i = 0; i < x->nr_maps; i++) {
		struct xc_map *m = &x->maps[i];
		u64 k, a, b = 0, iova = x->base + m->iova;
		int ret;

		if (!m->count || (!all && xc_rand(x, 2)))
			continue;
		k = all ? m->count : 1 + xc_rand(x, m->count);
		a = xc_io_unmap(x, iova, m->pgsize, k);
		ret = pt_unmap(&x->pt, iova, k * m->pgsize, &x->gather, &b);
		xc_pt_flush(x);
		c.n++;
		if (a != k * m->pgsize || b != a || ret)
			xc_fail(&c,
				"iova 0x%llx %llu x 0x%llx: io-pgtable 0x%llx bytes, ptlab 0x%llx (%d)",
				iova, k, m->pgsize, a, b, ret);
		m->iova += k * m->pgsize;
		m->pa += k * m->pgsize;
		m->count -= k;
	}
	xc_result(x, all ? "unmap of the rest: same bytes on both" :
		  "unmap of parts: same bytes on both", &c);
}

/*
 * Where the two differ by design: an unmap that starts inside a leaf.
 * io-pgtable (6.12) splits the block (or the v7s large page or
 * supersection) into smaller leaves and unmaps the one page asked for;
 * ptlab's engine never splits (pt_unmap(): -EINVAL for a range that
 * starts inside a page, nothing changed). For every page size above the
 * granule, on an empty tree: one leaf, then an unmap of its second
 * granule on both; each side must do what it documents, and walks must
 * show it: on io-pgtable's tree the first granule still translates as
 * mapped and the second faults; ptlab's leaf is whole. (Linux 6.13 removed
 * the splitting, "Remove split on unmap behavior" for io-pgtable-arm and
 * -v7s: there such an unmap warns and returns 0, which vmrun's
 * panic_on_warn would turn into a crash. This check is 6.12's.)
 */
static void xc_check_split(struct xc *x)
{
	u64 bits = x->pt.cfg.pgsize_bitmap, g = bits & -bits;
	struct xc_check c = {};
	unsigned int lost = 0;

	for (bits &= bits - 1; bits; bits &= bits - 1) {
		u64 size = bits & -bits, off = size, iova = x->base + off;
		struct xc_map m = {
			.first = off, .iova = off, .pgsize = size, .count = 1,
			.pa = xc_rand(x, 1ULL << x->v->oas) & ~(size - 1),
			.prot = PT_PROT_READ | PT_PROT_WRITE | PT_PROT_EXEC,
		};
		struct ptlab_hw_xlate a0, a1, b1;
		u64 io_done, pt_done = 0, mapped = 0;
		int ret;

		if ((off + size - 1) >> x->v->ias)
			continue;
		c.n++;
		ret = xc_io_map(x, &m) ?:
		      pt_map(&x->pt, iova, m.pa, size, m.prot, size,
			     &x->gather, &mapped);
		if (ret || mapped != size) {
			xc_fail(&c, "map of 0x%llx at 0x%llx: %d", size, iova,
				ret);
			continue;
		}
		io_done = xc_io_unmap(x, iova + g, g, 1);
		ret = pt_unmap(&x->pt, iova + g, g, &x->gather, &pt_done);
		xc_walk(&x->io_geom, iova, &a0);
		xc_walk(&x->io_geom, iova + g, &a1);
		xc_walk(&x->pt_geom, iova + g, &b1);
		c.n += 5;
		if (io_done != g)
			xc_fail(&c,
				"0x%llx leaf: io-pgtable unmapped 0x%llx inside it, want 0x%llx",
				size, io_done, g);
		if (ret != -EINVAL || pt_done)
			xc_fail(&c,
				"0x%llx leaf: ptlab's unmap inside it: %d, 0x%llx bytes; want -EINVAL, 0",
				size, ret, pt_done);
		/*
		 * A defect of io-pgtable-arm-v7s in 6.12, not a difference of
		 * design: arm_v7s_split_blk_unmap() builds the section's
		 * pages from arm_v7s_prot_to_pte() alone, without the
		 * section's address, so the rest of a split section (and of
		 * a split supersection's section) maps from physical address
		 * 0. Seen, it is counted and said; anything else fails.
		 */
		if (x->v->fmt == PTLAB_FMT_ARM_V7S && size >= SZ_1M &&
		    !a0.fault && a0.size == g && a0.pa == 0 && m.pa)
			lost++;
		else if (a0.fault || a0.size >= size || a0.pa != m.pa)
			xc_fail(&c,
				"0x%llx leaf split by io-pgtable: its first granule gives fault %u pa 0x%llx size 0x%llx, want pa 0x%llx in a smaller leaf",
				size, a0.fault, a0.pa, a0.size, m.pa);
		if (a1.fault != PTLAB_FAULT_TRANSLATION)
			xc_fail(&c,
				"0x%llx leaf split by io-pgtable: the unmapped granule gives fault %u",
				size, a1.fault);
		if (b1.fault || b1.size != size || b1.pa != m.pa)
			xc_fail(&c,
				"0x%llx leaf: ptlab's after a refused unmap: fault %u pa 0x%llx size 0x%llx",
				size, b1.fault, b1.pa, b1.size);

		/*
		 * Clean up. A v7s large page splits into 16 pages of the same
		 * table: unmap the 15 left one by one (io-pgtable warns on an
		 * unmap that meets an empty entry); any other split leaf is a
		 * table now, which an unmap of the whole leaf frees.
		 */
		if (x->v->fmt == PTLAB_FMT_ARM_V7S && size == SZ_64K)
			io_done = xc_io_unmap(x, iova, g, 1) +
				  xc_io_unmap(x, iova + 2 * g, g,
					      size / g - 2) + g;
		else
			io_done = xc_io_unmap(x, iova, size, 1);
		ret = pt_unmap(&x->pt, iova, size, &x->gather, &pt_done);
		xc_pt_flush(x);
		c.n++;
		if (io_done != size || ret || pt_done != size)
			xc_fail(&c,
				"0x%llx leaf: unmapping the rest: io-pgtable 0x%llx, ptlab %d 0x%llx",
				size, io_done, ret, pt_done);
	}
	if (lost && !c.bad)
		snprintf(c.why, sizeof(c.why),
			 "Linux 6.12 defect seen %u times: io-pgtable-arm-v7s's split of a section maps its other pages from physical address 0 (arm_v7s_split_blk_unmap() drops the address)",
			 lost);
	xc_result(x,
		  "unmap inside a leaf (a difference by design): io-pgtable splits and unmaps the granule, ptlab refuses with -EINVAL",
		  &c);
}

static void xc_run_variant(struct xc_out *out, const struct xc_variant *v,
			   u64 vseed, struct pt_run **runs)
{
	struct xc *x;
	struct xc_check c = { .n = 1 };
	int ra = 0, rb = 0, rc = 0;

	x = kvzalloc(sizeof(*x), GFP_KERNEL);
	if (!x) {
		out->n++;
		out->failed++;
		xc_print(out, "not ok %u %s: no memory\n", out->n, v->name);
		return;
	}
	x->v = v;
	x->out = out;
	x->runs[0] = runs[0];
	x->runs[1] = runs[1];
	prandom_seed_state(&x->rnd, vseed);

	ra = xc_io_new(x);
	rb = xc_pt_new(x);
	if (!ra && !rb) {
		rc = ptlab_hw_decode(v->fmt, x->io_ttbr, x->io_tcr, x->io_mair,
				     &x->io_geom);
		if (!rc)
			rc = ptlab_hw_decode(v->fmt, x->regs.ttbr, x->regs.tcr,
					     x->regs.mair, &x->pt_geom);
	}
	if (ra || rb || rc)
		xc_fail(&c, "io-pgtable alloc %d, ptlab %d, walker's decode %d",
			ra, rb, rc);
	xc_result(x, "both create the tree; the walker takes both registers",
		  &c);
	if (c.bad)
		goto out;

	xc_check_regs(x);
	xc_generate(x, min_t(uint, mappings, XC_MAX_MAPS));
	xc_map_all(x);
	xc_check_all(x, "mapped", false);
	xc_unmap_some(x, false);
	xc_check_all(x, "after unmapping parts", false);
	xc_unmap_some(x, true);
	xc_check_all(x, "after unmapping the rest", true);
	xc_check_split(x);
out:
	if (!rb) {
		pt_space_destroy(&x->pt, &x->gather);
		xc_pt_flush(x);
	}
	if (!ra)
		x->fns->free(x->iop);
	kvfree(x);
}

static int xc_run(struct xc_out *out)
{
	struct pt_run *runs[2];
	unsigned int i;
	u64 s = seed ? seed : get_random_u64();

	runs[0] = kvcalloc(XC_MAX_RUNS, sizeof(struct pt_run), GFP_KERNEL);
	runs[1] = kvcalloc(XC_MAX_RUNS, sizeof(struct pt_run), GFP_KERNEL);
	if (!runs[0] || !runs[1]) {
		kvfree(runs[0]);
		kvfree(runs[1]);
		return -ENOMEM;
	}
	xc_print(out,
		 "xcheck: ptlab against Linux %s io-pgtable-arm and io-pgtable-arm-v7s; seed 0x%llx, %u mappings per variant\n",
		 init_utsname()->release, s, mappings);
	for (i = 0; i < ARRAY_SIZE(variants); i++)
		xc_run_variant(out, &variants[i], s + i, runs);
	for (i = 0; i < ARRAY_SIZE(not_in_linux); i++) {
		out->skipped++;
		xc_print(out, "skip %s\n", not_in_linux[i]);
	}
	xc_print(out, "xcheck: %u passed, %u failed, %u skipped\n",
		 out->passed, out->failed, out->skipped);
	kvfree(runs[0]);
	kvfree(runs[1]);
	return 0;
}

static int xc_open(struct inode *inode, struct file *file)
{
	struct xc_out *out;
	int ret;

	out = kzalloc(sizeof(*out), GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	out->buf = kvzalloc(XC_OUT_BYTES, GFP_KERNEL);
	if (!out->buf) {
		kfree(out);
		return -ENOMEM;
	}
	mutex_lock(&xc_lock);
	ret = xc_run(out);
	mutex_unlock(&xc_lock);
	if (ret) {
		kvfree(out->buf);
		kfree(out);
		return ret;
	}
	file->private_data = out;
	return 0;
}

static ssize_t xc_read_out(struct file *file, char __user *ubuf, size_t len,
			   loff_t *pos)
{
	struct xc_out *out = file->private_data;

	return simple_read_from_buffer(ubuf, len, pos, out->buf, out->len);
}

static int xc_release(struct inode *inode, struct file *file)
{
	struct xc_out *out = file->private_data;

	kvfree(out->buf);
	kfree(out);
	return 0;
}

static const struct file_operations xc_fops = {
	.owner = THIS_MODULE,
	.open = xc_open,
	.read = xc_read_out,
	.release = xc_release,
	.llseek = default_llseek,
};

static struct dentry *xc_dir;

static int __init xc_init(void)
{
	int ret;

	/*
	 * A device for io-pgtable's DMA API calls: OUTER_WBWA needs a walk
	 * that does not snoop, for which io-pgtable maps every table and
	 * checks that the DMA address is the physical one.
	 */
	xc_pdev = platform_device_register_simple("ptlab_xcheck", -1, NULL, 0);
	if (IS_ERR(xc_pdev))
		return PTR_ERR(xc_pdev);
	ret = dma_coerce_mask_and_coherent(&xc_pdev->dev, DMA_BIT_MASK(64));
	if (ret) {
		platform_device_unregister(xc_pdev);
		return ret;
	}
	xc_dir = debugfs_create_dir("ptlab_xcheck", NULL);
	debugfs_create_file("run", 0400, xc_dir, NULL, &xc_fops);
	return 0;
}

static void __exit xc_exit(void)
{
	debugfs_remove_recursive(xc_dir);
	platform_device_unregister(xc_pdev);
}

module_init(xc_init);
module_exit(xc_exit);
MODULE_DESCRIPTION("ptlab's Arm formats against Linux's io-pgtable");
MODULE_LICENSE("GPL");
