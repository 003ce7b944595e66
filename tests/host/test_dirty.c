// SPDX-License-Identifier: GPL-2.0
/*
 * Dirty tracking in the engine (pt_read_dirty() and the formats' dirty
 * hooks), per format with dirty bits:
 *
 * - golden encodings, worked out by hand from the specifications: leaves of
 *   a dirty-tracking space start clean (RISC-V without A and D, Privileged
 *   specification 12.3.1; Arm stage 1 writable-clean, DBM bit 51 with AP[2]
 *   bit 7, Arm ARM D8.4.6), and the registers carry the enable bits (Arm
 *   TCR.HA 39 and HD 40, VT-d SSADE bit 9 of the PASID-table entry, AMD
 *   DTE.HAD bits 8:7, RISC-V DC.tc.SADE bit 8);
 * - leaves made dirty the way the hardware's walker does it (hw/walk.c,
 *   ptlab_hw_ad_update(), which shares nothing with the format headers)
 *   are reported whole, a leaf of several entries through any one of its
 *   entries; a no-clear read changes no byte of any table; a clearing read
 *   leaves each entry as the hardware's access-only update would, and the
 *   next read finds nothing; read-only leaves never report dirty;
 * - formats without dirty bits refuse dirty tracking.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "host_ops.h"
#include "hw/walk.h"

static bool hd_read(void *ctx, u64 pa, unsigned int bytes, u64 *val)
{
	*val = *(const u64 *)(uintptr_t)pa;
	return true;
}

struct dirty_case {
	const char *what;
	const struct pt_format *fmt;
	struct pt_params p;
	u64 cont;	/* a leaf of several entries, or 0 */
	u64 block;	/* a one-entry leaf above the granule */
};

static const struct dirty_case cases[] = {
	{ "x86-64", &pt_fmt_x86_64, { .ias = 48, .dirty = true }, 0, 1ULL << 21 },
	{ "x86-64 5-level", &pt_fmt_x86_64, { .ias = 57, .dirty = true }, 0, 1ULL << 30 },
	{ "vtd-ss 39", &pt_fmt_vtd_ss, { .ias = 39, .dirty = true }, 0, 1ULL << 21 },
	{ "amd-v1", &pt_fmt_amd_v1, { .ias = 48, .dirty = true }, 1ULL << 16, 1ULL << 21 },
	{ "riscv sv39", &pt_fmt_riscv,
	  { .ias = 39, .dirty = true, .pgsize_bitmap = 0x40211000ULL }, 1ULL << 16,
	  1ULL << 21 },
	{ "arm64-lpae-s1 4K", &pt_fmt_arm64_lpae_s1,
	  { .ias = 48, .dirty = true, .pgsize_bitmap = 0x40211000ULL }, 1ULL << 16,
	  1ULL << 21 },
	{ "arm64-lpae-s1 16K", &pt_fmt_arm64_lpae_s1,
	  { .granule_shift = 14, .ias = 39, .dirty = true,
	    .pgsize_bitmap = (1ULL << 14) | (1ULL << 21) | (1ULL << 25) }, 1ULL << 21,
	  1ULL << 25 },
};

/* The spans pt_read_dirty() reported. */
struct spans {
	struct pt_dirty_visitor v;
	u64 iova[64];
	u64 size[64];
	unsigned int nr;
};

static int spans_add(struct pt_dirty_visitor *v, u64 iova, u64 size)
{
	struct spans *s = container_of(v, struct spans, v);

	if (s->nr < 64) {
		s->iova[s->nr] = iova;
		s->size[s->nr] = size;
	}
	s->nr++;
	return 0;
}

/* What the hardware does on a write through @iova: A and D, atomically. */
static void hw_write(const struct ptlab_hw_geom *g, u64 iova)
{
	struct ptlab_hw_xlate x;
	unsigned int i;

	ptlab_hw_walk(g, hd_read, NULL, iova, g->root_pa, g->levels - 1, &x);
	if (!CHECK(!x.fault && x.nr, "walk 0x%llx faulted (%u)",
		   (unsigned long long)iova, x.fault))
		return;
	for (i = 0; i < x.nr; i++)
		*(u64 *)(uintptr_t)x.entry_pa[i] =
			ptlab_hw_ad_update(g, x.entry_level[i], x.entries[i],
					   i == x.nr - 1, true);
}

/* The dirty bit of a leaf, as the hardware's update sets it (not Arm). */
static u64 hw_d_bit(const struct ptlab_hw_geom *g)
{
	return ptlab_hw_ad_update(g, 0, 0, true, true) &
	       ~ptlab_hw_ad_update(g, 0, 0, true, false);
}

/* The leaf of @iova with its dirty state set whatever its permissions. */
static void hw_force_dirty(const struct ptlab_hw_geom *g, u64 iova)
{
	struct ptlab_hw_xlate x;
	u64 *e;

	ptlab_hw_walk(g, hd_read, NULL, iova, g->root_pa, g->levels - 1, &x);
	if (!CHECK(!x.fault && x.nr, "walk 0x%llx", (unsigned long long)iova))
		return;
	e = (u64 *)(uintptr_t)x.entry_pa[x.nr - 1];
	if (g->format == PTLAB_FMT_ARM64_LPAE_S1)
		*e = ptlab_hw_ad_update(g, 0, *e, true, true);
	else
		*e |= hw_d_bit(g);
}

/* An entry as cleaning leaves it: Arm AP[2] set again with DBM, D clear. */
static u64 clean_of(const struct ptlab_hw_geom *g, u64 e)
{
	if (g->format == PTLAB_FMT_ARM64_LPAE_S1)
		return e & BIT_ULL(51) ? e | BIT_ULL(7) : e;
	return e & ~hw_d_bit(g);
}

/* The leaf entry of @iova, as the walker reads it. */
static u64 hw_leaf(const struct ptlab_hw_geom *g, u64 iova)
{
	struct ptlab_hw_xlate x;

	ptlab_hw_walk(g, hd_read, NULL, iova, g->root_pa, g->levels - 1, &x);
	return x.nr && !x.fault ? x.entries[x.nr - 1] : 0;
}

#define NR_PROBE 12

static void dirty_case_run(const struct dirty_case *c)
{
	const u64 base = 1ULL << 30, pa = 1ULL << 32;
	u64 page, probe[NR_PROBE], before[NR_PROBE], done, ro;
	struct ptlab_hw_geom g;
	struct host_gather gather;
	struct pt_hw_regs regs;
	struct host_ctx ctx;
	struct spans sp = { .v.dirty = spans_add };
	struct pt_space pt;
	unsigned int i;
	int ret;

	if (!host_space_new(&pt, &ctx, &gather, c->fmt, &c->p, false, c->what))
		return;
	page = pt.cfg.pgsize_bitmap & -pt.cfg.pgsize_bitmap;
	c->fmt->regs(&pt.cfg, pt_root_pa(&pt), &regs);
	ret = ptlab_hw_decode(c->fmt->id, regs.ttbr, regs.tcr, regs.mair, &g);
	CHECK(!ret, "%s: registers refused", c->what);
	/* x86-64 has no enable bit: the owner tells the device. */
	if (c->fmt->id == PT_FMT_X86_64) {
		g.ha = true;
		g.hd = true;
	}
	CHECK(g.ha && g.hd, "%s: the registers enable no updates", c->what);

	/* 8 pages RW, a block RW, a read-only page, a contiguous leaf. */
	CHECK_INT(pt_map(&pt, base, pa, 8 * page, PT_PROT_READ | PT_PROT_WRITE,
			 page, &gather.pt, &done), 0, "map pages");
	CHECK_INT(pt_map(&pt, 2 * base, pa, c->block, PT_PROT_READ | PT_PROT_WRITE,
			 c->block, &gather.pt, &done), 0, "map block");
	ro = base + 16 * page;
	CHECK_INT(pt_map(&pt, ro, pa, page, PT_PROT_READ, page, &gather.pt, &done),
		  0, "map read-only");
	if (c->cont)
		CHECK_INT(pt_map(&pt, 3 * base, pa, c->cont,
				 PT_PROT_READ | PT_PROT_WRITE, c->cont,
				 &gather.pt, &done), 0, "map contiguous");
	host_flush(&gather, &pt);

	/* Nothing is dirty at first. */
	CHECK_INT(pt_read_dirty(&pt, 0, 4 * base, false, &sp.v), 0, "read");
	CHECK_EQ(sp.nr, 0, "clean at map");

	/* The device writes pages 1 and 6, the block, the last entry of cont. */
	hw_write(&g, base + page);
	hw_write(&g, base + 6 * page + 8);
	hw_write(&g, 2 * base + c->block / 2);
	if (c->cont)
		hw_write(&g, 3 * base + c->cont - page);
	/*
	 * The read-only page: the hardware's write update (Arm: nothing, no
	 * DBM), or software setting D on it (the others): never reported.
	 */
	hw_force_dirty(&g, ro);
	for (i = 0; i < NR_PROBE; i++) {
		probe[i] = i < 8 ? base + i * page : i == 8 ? 2 * base :
			   i == 9 ? ro : 3 * base + (i - 10) * page;
		before[i] = hw_leaf(&g, probe[i]);
	}
	sp.nr = 0;
	CHECK_INT(pt_read_dirty(&pt, 0, 4 * base, false, &sp.v), 0, "no-clear");
	CHECK_EQ(sp.nr, c->cont ? 4 : 3, "dirty leaves");
	CHECK_EQ(sp.iova[0], base + page, "page 1");
	CHECK_EQ(sp.size[0], page, "page 1 size");
	CHECK_EQ(sp.iova[1], base + 6 * page, "page 6");
	CHECK_EQ(sp.iova[2], 2 * base, "block");
	CHECK_EQ(sp.size[2], c->block, "block size");
	if (c->cont) {
		CHECK_EQ(sp.iova[3], 3 * base, "contiguous leaf");
		CHECK_EQ(sp.size[3], c->cont, "contiguous leaf size");
	}
	for (i = 0; i < NR_PROBE; i++)
		CHECK_EQ(hw_leaf(&g, probe[i]), before[i], "no-clear changed an entry");

	/* A range that starts inside the block reports it whole. */
	sp.nr = 0;
	CHECK_INT(pt_read_dirty(&pt, 2 * base + c->block - page, page, false,
				&sp.v), 0, "sub-range");
	CHECK(sp.nr == 1 && sp.iova[0] == 2 * base && sp.size[0] == c->block,
	      "%s: the block from inside", c->what);

	sp.nr = 0;
	CHECK_INT(pt_read_dirty(&pt, 0, 4 * base, true, &sp.v), 0, "clear");
	CHECK_EQ(sp.nr, c->cont ? 4 : 3, "dirty leaves cleared");
	/* Cleaned entries are clean again; the read-only one is untouched. */
	for (i = 0; i < NR_PROBE; i++)
		CHECK_EQ(hw_leaf(&g, probe[i]),
			 i == 9 ? before[i] : clean_of(&g, before[i]),
			 "a cleaned entry");
	for (i = 0; i < NR_PROBE; i++)
		CHECK(ptlab_hw_write_dirty(&g, hw_leaf(&g, probe[i])) ==
		      (i == 9 && g.format != PTLAB_FMT_ARM64_LPAE_S1),
		      "%s: probe %u: dirty as the hardware sees it", c->what, i);
	sp.nr = 0;
	CHECK_INT(pt_read_dirty(&pt, 0, 4 * base, true, &sp.v), 0, "again");
	CHECK_EQ(sp.nr, 0, "nothing after the clear");
	/* And a write after the clear dirties again. */
	hw_write(&g, base + 6 * page);
	sp.nr = 0;
	CHECK_INT(pt_read_dirty(&pt, base, 8 * page, false, &sp.v), 0, "after");
	CHECK(sp.nr == 1 && sp.iova[0] == base + 6 * page,
	      "%s: the write after the clear", c->what);
	/* Bad ranges. */
	CHECK_INT(pt_read_dirty(&pt, base + 1, page, false, &sp.v), -EINVAL,
		  "misaligned");
	CHECK_INT(pt_read_dirty(&pt, base, 0, false, &sp.v), -EINVAL, "empty");

	host_space_free(&pt, &gather);
	host_gather_fini(&gather);
}

static void dirty_formats(void)
{
	size_t i;

	for (i = 0; i < TH_ARRAY_SIZE(cases); i++)
		dirty_case_run(&cases[i]);
}

/* Hand-worked encodings of dirty-tracking leaves and registers. */
static void dirty_golden(void)
{
	struct pt_params p = { .ias = 39, .dirty = true };
	struct pt_hw_regs regs;
	struct pt_cfg cfg;

	/*
	 * RISC-V RW 4K at 0x1000: V|R|W|U = 0x17, PPN 1 << 10 = 0x400, PBMT
	 * NC (1 << 61); without dirty tracking A|D (0xc0) too.
	 */
	CHECK_INT(pt_cfg_init(&cfg, &pt_fmt_riscv, &p), 0, "riscv");
	CHECK_EQ(pt_fmt_riscv.mk_leaf(&cfg, 0, 0x1000, 0x1000,
				      PT_PROT_READ | PT_PROT_WRITE),
		 0x2000000000000417ULL, "riscv RW clean");
	pt_fmt_riscv.regs(&cfg, 0x80000000ULL, &regs);
	/* Sv39 MODE 8, SADE bit 8. */
	CHECK_EQ(regs.tcr, 0x108, "riscv tcr with SADE");
	p.dirty = false;
	CHECK_INT(pt_cfg_init(&cfg, &pt_fmt_riscv, &p), 0, "riscv");
	CHECK_EQ(pt_fmt_riscv.mk_leaf(&cfg, 0, 0x1000, 0x1000,
				      PT_PROT_READ | PT_PROT_WRITE),
		 0x20000000000004d7ULL, "riscv RW, A and D preset");
	pt_fmt_riscv.regs(&cfg, 0x80000000ULL, &regs);
	CHECK_EQ(regs.tcr, 0x8, "riscv tcr");

	/*
	 * Arm stage 1, 4K, RW at 0x1000: page 0b11, AttrIndx 0 (NC), AP[1]
	 * 0x40, AP[2] 0x80 with DBM (1 << 51): writable-clean; SH outer
	 * 0x200, AF 0x400, nG 0x800; PXN|UXN (1 << 53 | 1 << 54).
	 */
	p = (struct pt_params){ .ias = 48, .dirty = true };
	CHECK_INT(pt_cfg_init(&cfg, &pt_fmt_arm64_lpae_s1, &p), 0, "arm");
	CHECK_EQ(pt_fmt_arm64_lpae_s1.mk_leaf(&cfg, 0, 0x1000, 0x1000,
					      PT_PROT_READ | PT_PROT_WRITE),
		 0x0068000000001ec3ULL, "arm RW writable-clean");
	CHECK_EQ(pt_fmt_arm64_lpae_s1.leaf_prot(&cfg, 0, 0x0068000000001ec3ULL) &
		 PT_PROT_WRITE, PT_PROT_WRITE, "writable-clean is writable");
	/* Read-only: AP[2] without DBM. */
	CHECK_EQ(pt_fmt_arm64_lpae_s1.mk_leaf(&cfg, 0, 0x1000, 0x1000,
					      PT_PROT_READ),
		 0x0060000000001ec3ULL, "arm RO");
	pt_fmt_arm64_lpae_s1.regs(&cfg, 0x80000000ULL, &regs);
	CHECK_EQ(regs.tcr & (3ULL << 39), 3ULL << 39, "TCR.HA and HD");

	/* VT-d 48 bits: AW 2 | SSADE 0x200; AMD 4 levels: Mode 4 | HAD 0x180. */
	CHECK_INT(pt_cfg_init(&cfg, &pt_fmt_vtd_ss, &p), 0, "vtd");
	pt_fmt_vtd_ss.regs(&cfg, 0x80000000ULL, &regs);
	CHECK_EQ(regs.tcr, 0x202, "VT-d AW with SSADE");
	CHECK_INT(pt_cfg_init(&cfg, &pt_fmt_amd_v1, &p), 0, "amd");
	pt_fmt_amd_v1.regs(&cfg, 0x80000000ULL, &regs);
	CHECK_EQ(regs.tcr, 0x184, "AMD Mode with HAD");
}

/* Formats without dirty bits refuse it; spaces without it cannot read. */
static void dirty_refused(void)
{
	static const struct pt_format *const none[] = {
		&pt_fmt_arm64_lpae_s2, &pt_fmt_arm_mali_lpae, &pt_fmt_arm_v7s,
		&pt_fmt_apple_dart, &pt_fmt_apple_uat,
	};
	struct pt_params p = { .dirty = true };
	struct spans sp = { .v.dirty = spans_add };
	struct host_gather gather;
	struct host_ctx ctx;
	struct pt_space pt;
	struct pt_cfg cfg;
	size_t i;

	for (i = 0; i < TH_ARRAY_SIZE(none); i++)
		CHECK_INT(pt_cfg_init(&cfg, none[i], &p), -EOPNOTSUPP,
			  none[i]->name);
	host_ctx_init(&ctx);
	p.dirty = false;
	CHECK_INT(pt_cfg_init(&cfg, &pt_fmt_x86_64, &p), 0, "x86");
	if (!CHECK_INT(pt_space_init(&pt, &cfg, &host_table_ops, &ctx), 0, "x86"))
		return;
	host_gather_init(&gather, &ctx);
	CHECK_INT(pt_read_dirty(&pt, 0, 1ULL << 21, false, &sp.v), -EOPNOTSUPP,
		  "no dirty tracking");
	host_space_free(&pt, &gather);
	host_gather_fini(&gather);
}

static const struct th_test dirty_tests[] = {
	TH_TEST(dirty_golden),
	TH_TEST(dirty_formats),
	TH_TEST(dirty_refused),
};

int main(int argc, char **argv)
{
	return th_main("test_dirty", dirty_tests, TH_ARRAY_SIZE(dirty_tests),
		       argc, argv);
}
