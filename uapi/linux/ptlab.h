/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ptlab: a laboratory for IOMMU and GPU-MMU page tables.
 *
 * /dev/ptlab gives each open file its own set of address spaces. Every ioctl
 * takes a struct that starts with its own size, so that the structs can grow:
 * a size below the first version is -EINVAL, a larger size whose extra bytes
 * are not all zero is -E2BIG, and so is any size above 4096. Unknown flags
 * or protection bits are -EOPNOTSUPP; reserved fields must be zero (-EINVAL).
 *
 * Who may learn what, as for /proc/PID/pagemap: a file opened without
 * CAP_SYS_ADMIN (in the credentials it was opened with, whoever uses it
 * later) reads every physical address as zero: INFO's root and register
 * values, WALK's translation and the address bits of its raw entries,
 * snapshots' p_paddr and note; its snapshots' runs follow IOVA alone.
 * Table memory is charged to the opener's memory cgroup and, unless the
 * opener had CAP_IPC_LOCK, counts against its user's RLIMIT_MEMLOCK with
 * the rest of the user's locked memory: past it, creates and maps fail with
 * -ENOMEM. Maps and unmaps wait (killably: -EINTR) while a snapshot of the
 * address space is in progress.
 */
#ifndef _UAPI_LINUX_PTLAB_H
#define _UAPI_LINUX_PTLAB_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Free in Documentation/userspace-api/ioctl/ioctl-number.rst (6.1, 6.12). */
#define PTLAB_TYPE 0xBB
#define PTLAB_MAX_LEVELS 8

/**
 * enum ptlab_format - page-table formats an address space can use
 * @PTLAB_FMT_ARM64_LPAE_S1: Arm VMSAv8-64 stage 1 (LPAE long descriptors)
 * @PTLAB_FMT_ARM64_LPAE_S2: Arm VMSAv8-64 stage 2
 * @PTLAB_FMT_ARM_MALI_LPAE: Arm Mali GPU (Midgard/Bifrost) LPAE variant
 * @PTLAB_FMT_ARM_V7S: Armv7 short descriptor
 * @PTLAB_FMT_X86_64: x86-64 4- and 5-level (AMD IOMMU v2, VT-d first stage)
 * @PTLAB_FMT_VTD_SS: Intel VT-d second stage
 * @PTLAB_FMT_AMD_V1: AMD IOMMU v1 (host page table)
 * @PTLAB_FMT_RISCV: RISC-V Sv39, Sv48, Sv57 (by input size)
 * @PTLAB_FMT_APPLE_DART: Apple DART
 * @PTLAB_FMT_APPLE_UAT: Apple GPU (UAT)
 * @PTLAB_FMT_NVIDIA_GMMU_V2: NVIDIA GPU MMU version 2 (Pascal to Ada), 49-bit
 *	VA; granule 4K (small page tables) or 64K (big page tables), any other
 *	-EOPNOTSUPP; @ias other than 0 or the whole VA is -EINVAL
 * @PTLAB_FMT_NVIDIA_GMMU_V3: NVIDIA GPU MMU version 3 (Hopper onward), 57-bit
 *	VA; as version 2
 *
 * A format may be listed here before the running module implements it:
 * creating an address space in it then fails with -EOPNOTSUPP.
 */
enum ptlab_format {
	PTLAB_FMT_ARM64_LPAE_S1 = 1,
	PTLAB_FMT_ARM64_LPAE_S2 = 2,
	PTLAB_FMT_ARM_MALI_LPAE = 3,
	PTLAB_FMT_ARM_V7S = 4,
	PTLAB_FMT_X86_64 = 5,
	PTLAB_FMT_VTD_SS = 6,
	PTLAB_FMT_AMD_V1 = 7,
	PTLAB_FMT_RISCV = 8,
	PTLAB_FMT_APPLE_DART = 9,
	PTLAB_FMT_APPLE_UAT = 10,
	PTLAB_FMT_NVIDIA_GMMU_V2 = 11,
	PTLAB_FMT_NVIDIA_GMMU_V3 = 12,
};

/* Access permissions and memory type of a mapping. */
#define PTLAB_PROT_READ		0x01U
#define PTLAB_PROT_WRITE	0x02U
#define PTLAB_PROT_EXEC		0x04U
#define PTLAB_PROT_PRIV		0x08U	/* privileged (kernel-mode) only */
#define PTLAB_PROT_CACHE	0x10U	/* normal write-back cacheable */
#define PTLAB_PROT_MMIO		0x20U	/* device memory */
#define PTLAB_PROT_ALL		0x3fU

/**
 * struct ptlab_range - a range of IOVA
 * @iova: first IOVA
 * @length: bytes
 */
struct ptlab_range {
	__u64 iova;
	__u64 length;
};

/* Build on a top-level table that firmware pre-allocated and populated. */
#define PTLAB_CREATE_ADOPT	0x1
/*
 * Hardware access and dirty tracking (see PTLAB_IOCTL_READ_DIRTY): the
 * register values enable the hardware's updates (Arm stage 1 TCR.HA and
 * TCR.HD, VT-d SSADE, AMD DTE.HAD, RISC-V DC.tc.SADE; x86-64 has no enable
 * bit) and writable leaves start clean. Formats without dirty bits, and
 * adopted firmware tables, refuse it with -EOPNOTSUPP.
 */
#define PTLAB_CREATE_DIRTY	0x2

/*
 * Arm variants, the quirks of Linux's io-pgtable-arm and -v7s (in brackets
 * the IO_PGTABLE_QUIRK_ each stands for). A format that cannot have one
 * refuses it with -EOPNOTSUPP; INFO reports them in @out_flags.
 *
 * PTLAB_CREATE_ARM_LPA2: arm64-lpae-s1 and -s2 with the 4K or 16K granule
 *	use FEAT_LPA2's descriptors (TCR.DS / VTCR.DS = 1): output address
 *	bits 51:50 in descriptor bits 9:8, shareability from the TCR (SH0 or
 *	SH1) instead of the descriptor, blocks at Arm level 0 (4K, 512G) and
 *	level 1 (16K, 64G). It is what makes 52-bit @ias and @oas possible
 *	with these granules (4K with more than 48 bits of input walks from
 *	level -1, five levels; stage 2 concatenates tables at level 0
 *	instead). Without it, @ias and @oas above 48 with 4K or 16K are
 *	-EINVAL as before; with the 64K granule (which reaches 52 bits by
 *	FEAT_LPA/LVA) it is -EINVAL.
 * PTLAB_CREATE_ARM_TTBR1 [ARM_TTBR1]: arm64-lpae-s1: the upper range of a
 *	split address space. IOVAs are given as the CPU sees them, every bit
 *	above @ias set: [2^64 - 2^ias, 2^64); anything else is -EINVAL. INFO's
 *	@out_ttbr is the TTBR1 value and @out_tcr the TTBR1 half of TCR
 *	(T1SZ, IRGN1, ORGN1, SH1, TG1) with EPD0 set, as io-pgtable-arm's
 *	users program it.
 * PTLAB_CREATE_ARM_NS [ARM_NS]: arm64-lpae-s1 and arm-v7s: leaves carry NS
 *	and table entries NSTable (v7s: NS of sections, NS of tables).
 * PTLAB_CREATE_ARM_OUTER_WBWA [ARM_OUTER_WBWA]: arm64-lpae-s1: the TCR
 *	describes a walker that does not snoop: walks inner non-cacheable,
 *	outer write-back write-allocate, outer shareable (io-pgtable-arm with
 *	coherent_walk = false and the quirk).
 * PTLAB_CREATE_ARM_S2FWB [ARM_S2FWB]: arm64-lpae-s2: MemAttr in the
 *	FEAT_S2FWB encoding (cacheable is "forced write-back", 0b0110); INFO's
 *	@out_mair holds HCR_EL2 with FWB (bit 46) set.
 * PTLAB_CREATE_ARM_MTK_EXT [ARM_MTK_EXT, ARM_MTK_TTBR_EXT, NO_PERMS]:
 *	arm-v7s as MediaTek's IOMMUs walk it: output and table addresses up to
 *	35 bits, bits 32, 33, 34 in descriptor bits 9, 4, 5 and in TTBR bits
 *	2:0; no permission bits (every mapping is read, write and execute for
 *	any request: a map must ask for exactly READ | WRITE | EXEC, with or
 *	without CACHE or MMIO, else -EINVAL); @oas defaults to 35.
 */
#define PTLAB_CREATE_ARM_LPA2		0x4
#define PTLAB_CREATE_ARM_TTBR1		0x8
#define PTLAB_CREATE_ARM_NS		0x10
#define PTLAB_CREATE_ARM_OUTER_WBWA	0x20
#define PTLAB_CREATE_ARM_S2FWB		0x40
#define PTLAB_CREATE_ARM_MTK_EXT	0x80
#define PTLAB_CREATE_ARM_QUIRKS		0xfc
#define PTLAB_MAX_FW_RANGES	8

/**
 * struct ptlab_create - PTLAB_IOCTL_CREATE
 *
 * Fails with -ENOSPC when the file already has the max_spaces module
 * parameter's number of address spaces.
 *
 * With PTLAB_CREATE_ADOPT (needs CAP_SYS_RAWIO), the address space adopts
 * the top-level table at @adopt_root_pa, which must be one the simulated
 * firmware (debugfs ptlab/firmware) published, in the same format and
 * geometry, and that no other address space has adopted (-EBUSY);
 * @fw_ranges lists the IOVA ranges the firmware owns and must cover all it
 * populated. Mapping or unmapping inside them is -EACCES; the firmware's
 * tables and entries are never freed or changed, and its pages appear in
 * dumps and snapshots. The firmware's own ranges must not overlap
 * (-EADDRINUSE when it is created).
 *
 * @size: sizeof(struct ptlab_create); 40 (up to @__reserved) is the first
 *	version, without adoption
 * @flags: PTLAB_CREATE_ADOPT, PTLAB_CREATE_DIRTY and the PTLAB_CREATE_ARM_*
 *	variants; adopting a firmware's table needs the same variants as the
 *	firmware's (none)
 * @format: enum ptlab_format
 * @granule_shift: log2 of the translation granule; 0 picks the format default
 * @ias: input (IOVA) address bits; 0 picks the format default
 * @oas: output (physical) address bits; 0 picks the format default
 * @pgsize_bitmap: page sizes the address space may use, a subset of what the
 *	format allows with this granule; 0 takes the sizes a driver would use
 *	(Arm: pages and blocks, without the contiguous-hint sizes)
 * @out_id: the new address space's id, also its debugfs directory name
 * @__reserved: must be 0
 * @adopt_root_pa: physical address of the top-level table to adopt
 * @fw_ranges: user pointer to @nr_fw_ranges struct ptlab_range
 * @nr_fw_ranges: at most PTLAB_MAX_FW_RANGES
 * @__reserved2: must be 0
 */
struct ptlab_create {
	__u32 size;
	__u32 flags;
	__u32 format;
	__u32 granule_shift;
	__u32 ias;
	__u32 oas;
	__u64 pgsize_bitmap;
	__u32 out_id;
	__u32 __reserved;
	__u64 adopt_root_pa;
	__u64 fw_ranges;
	__u32 nr_fw_ranges;
	__u32 __reserved2;
};

/**
 * struct ptlab_destroy - PTLAB_IOCTL_DESTROY: unmap everything, free the tables
 * @size: sizeof(struct ptlab_destroy)
 * @id: address space id
 */
struct ptlab_destroy {
	__u32 size;
	__u32 id;
};

/*
 * The three register values of struct ptlab_info under each format's own
 * names: what that format's driver programs, and all the simulated device
 * starts its walk from. Each view overlays out_ttbr, out_tcr and out_mair
 * (the binary layout is that of the first version); a slot a format does
 * not use reads 0. ptctl prints these names, and so does debugfs <id>/regs.
 */

/**
 * struct ptlab_regs_arm64_s1 - Arm VMSAv8-64 stage 1 (PTLAB_FMT_ARM64_LPAE_S1)
 * @ttbr0: TTBR0_EL1: the table's base address (BADDR)
 * @tcr: TCR_EL1, the TTBR0 half: T0SZ, IRGN0, ORGN0, SH0, TG0, IPS
 * @mair: MAIR_EL1: the attribute indexes the leaves use
 */
struct ptlab_regs_arm64_s1 {
	__u64 ttbr0;
	__u64 tcr;
	__u64 mair;
};

/**
 * struct ptlab_regs_arm64_s2 - Arm stage 2 (PTLAB_FMT_ARM64_LPAE_S2)
 * @vttbr: VTTBR_EL2: the (concatenated) top table's base address
 * @vtcr: VTCR_EL2: T0SZ, SL0, IRGN0, ORGN0, SH0, TG0, PS
 * @__unused: 0
 */
struct ptlab_regs_arm64_s2 {
	__u64 vttbr;
	__u64 vtcr;
	__u64 __unused;
};

/**
 * struct ptlab_regs_mali - Arm Mali LPAE (PTLAB_FMT_ARM_MALI_LPAE)
 * @transtab: AS_TRANSTAB: the table's base address and ADRMODE
 * @__unused: 0
 * @memattr: AS_MEMATTR: the attribute indexes the leaves use
 */
struct ptlab_regs_mali {
	__u64 transtab;
	__u64 __unused;
	__u64 memattr;
};

/**
 * struct ptlab_regs_v7s - Armv7 short descriptor (PTLAB_FMT_ARM_V7S)
 * @ttbr0: TTBR0: the first-level table's base address and walk attributes
 * @ttbcr: TTBCR: N and PD1
 * @prrr_nmrr: NMRR in bits 63:32, PRRR in bits 31:0
 */
struct ptlab_regs_v7s {
	__u64 ttbr0;
	__u64 ttbcr;
	__u64 prrr_nmrr;
};

/**
 * struct ptlab_regs_x86_64 - x86-64 (PTLAB_FMT_X86_64)
 * @cr3: the top table's address as CR3 holds it, and as a VT-d scalable-mode
 *	PASID entry's first-level page-table pointer (FLPTR) or an AMD v2
 *	GCR3 table entry does
 * @paging_mode: PTLAB_X86_PAGING_4LEVEL or PTLAB_X86_PAGING_5LEVEL (the PASID
 *	entry's FLPM; CR4.LA57 on a CPU)
 * @__unused: 0
 */
struct ptlab_regs_x86_64 {
	__u64 cr3;
	__u64 paging_mode;
	__u64 __unused;
};

#define PTLAB_X86_PAGING_4LEVEL	0
#define PTLAB_X86_PAGING_5LEVEL	1

/**
 * struct ptlab_regs_vtd_ss - Intel VT-d second stage (PTLAB_FMT_VTD_SS)
 * @slptptr: the context entry's (or PASID entry's) second-level page-table
 *	pointer
 * @aw: the entry's address width field: levels - 2 (1: 39 bits, 3 levels;
 *	2: 48 bits, 4 levels; 3: 57 bits, 5 levels)
 * @__unused: 0
 */
struct ptlab_regs_vtd_ss {
	__u64 slptptr;
	__u64 aw;
	__u64 __unused;
};

/**
 * struct ptlab_regs_amd_v1 - AMD IOMMU v1 (PTLAB_FMT_AMD_V1)
 * @dte_root: the device table entry's Page Table Root Pointer
 * @dte_mode: the device table entry's Mode: the number of levels (1-6)
 * @__unused: 0
 */
struct ptlab_regs_amd_v1 {
	__u64 dte_root;
	__u64 dte_mode;
	__u64 __unused;
};

/**
 * struct ptlab_regs_riscv - RISC-V (PTLAB_FMT_RISCV)
 * @iosatp: iosatp (satp's layout): MODE in bits 63:60, PPN of the root below
 * @mode: the MODE field alone: 8 Sv39, 9 Sv48, 10 Sv57
 * @__unused: 0
 */
struct ptlab_regs_riscv {
	__u64 iosatp;
	__u64 mode;
	__u64 __unused;
};

/**
 * struct ptlab_regs_dart - Apple DART (PTLAB_FMT_APPLE_DART)
 * @ttbr: the stream's TTBR: valid bit and the table's address, encoded as
 *	t8020 or t8110 expects it
 * @tcr: the stream's TCR: translation enabled (t8110: and 4-level)
 * @__unused: 0
 */
struct ptlab_regs_dart {
	__u64 ttbr;
	__u64 tcr;
	__u64 __unused;
};

/**
 * struct ptlab_regs_uat - Apple GPU UAT (PTLAB_FMT_APPLE_UAT)
 * @ttb: the TTB as the firmware's context expects it: the top table's
 *	address and the valid bit
 * @__unused: 0
 * @__unused2: 0
 */
struct ptlab_regs_uat {
	__u64 ttb;
	__u64 __unused;
	__u64 __unused2;
};

/**
 * struct ptlab_info - PTLAB_IOCTL_INFO: geometry and what a driver would program
 * @size: sizeof(struct ptlab_info)
 * @id: address space id
 * @out_format: enum ptlab_format
 * @out_granule_shift: log2 of the translation granule
 * @out_ias: input address bits
 * @out_oas: output address bits
 * @out_levels: number of table levels
 * @__reserved: must be 0
 * @out_pgsize_bitmap: page sizes in use
 * @out_root_pa: physical address of the top-level table
 * @out_ttbr: translation table base register value (Arm: TTBR0, or TTBR1
 *	with PTLAB_CREATE_ARM_TTBR1)
 * @out_tcr: translation control register value (Arm: TCR, the TTBR0 half
 *	or with PTLAB_CREATE_ARM_TTBR1 the TTBR1 half)
 * @out_mair: memory attribute indirection register value (Arm: MAIR)
 * @out_regs: the same three values as an array
 * @arm64_s1: the three values under stage 1's names
 * @arm64_s2: under stage 2's
 * @mali: under Mali's
 * @v7s: under the Armv7 short descriptor's
 * @x86: under x86-64's (CR3 or PASID FLPTR, paging mode)
 * @vtd_ss: under VT-d second stage's (SLPTPTR, AW)
 * @amd_v1: under AMD v1's (DTE root pointer and mode)
 * @riscv: under RISC-V's (iosatp, MODE)
 * @dart: under DART's (TTBR, TCR)
 * @uat: under UAT's (TTB)
 * @out_table_pages: pages of table memory the address space owns
 * @out_mapped_bytes: bytes currently mapped
 * @out_prot_mask: PTLAB_PROT_* bits the format can express; others are
 *	refused with -EOPNOTSUPP
 * @__reserved2: must be 0
 * @out_flags: the PTLAB_CREATE_ARM_* variants of the address space (from
 *	the second version of the struct, 104 bytes)
 * @__reserved3: 0
 *
 * With PTLAB_CREATE_DIRTY the register values carry the enable bits: Arm
 * stage 1 @out_tcr bits 39 (HA) and 40 (HD) as in TCR_EL1; VT-d @out_tcr
 * bit 9, SSADE at its place in the PASID-table entry; AMD @out_tcr bits
 * 8:7, DTE.HAD = 0b11; RISC-V @out_tcr bit 8, DC.tc.SADE. x86-64 has no
 * enable bit (first-stage hardware always updates A and D): nothing shows.
 */
struct ptlab_info {
	__u32 size;
	__u32 id;
	__u32 out_format;
	__u32 out_granule_shift;
	__u32 out_ias;
	__u32 out_oas;
	__u32 out_levels;
	__u32 __reserved;
	__u64 out_pgsize_bitmap;
	__u64 out_root_pa;
	union {
		struct {
			__u64 out_ttbr;
			__u64 out_tcr;
			__u64 out_mair;
		};
		__u64 out_regs[3];
		struct ptlab_regs_arm64_s1 arm64_s1;
		struct ptlab_regs_arm64_s2 arm64_s2;
		struct ptlab_regs_mali mali;
		struct ptlab_regs_v7s v7s;
		struct ptlab_regs_x86_64 x86;
		struct ptlab_regs_vtd_ss vtd_ss;
		struct ptlab_regs_amd_v1 amd_v1;
		struct ptlab_regs_riscv riscv;
		struct ptlab_regs_dart dart;
		struct ptlab_regs_uat uat;
	};
	__u64 out_table_pages;
	__u64 out_mapped_bytes;
	__u32 out_prot_mask;
	__u32 __reserved2;
	__u32 out_flags;
	__u32 __reserved3;
};

/**
 * struct ptlab_map_user - PTLAB_IOCTL_MAP_USER: map the caller's memory
 * @size: sizeof(struct ptlab_map_user)
 * @flags: must be 0
 * @id: address space id
 * @prot: PTLAB_PROT_* bits, within the format's (see struct ptlab_info);
 *	READ or WRITE at least, and READ where the format cannot express
 *	write-only (Arm stage 1, v7s, x86-64, RISC-V, Apple UAT): -EINVAL
 *	otherwise
 * @iova: first IOVA, aligned to the smallest page size
 * @uptr: user address of the buffer, page aligned
 * @length: bytes to map, a multiple of the smallest page size
 * @pgsize: 0 to use the largest page sizes that alignment allows, or one page
 *	size of the address space to use for every entry
 * @out_mapped: bytes mapped, also when the call fails
 *
 * The pages are pinned (FOLL_LONGTERM, counted in VmPin, within
 * RLIMIT_MEMLOCK unless CAP_IPC_LOCK) until they are unmapped or the address
 * space is destroyed. Only the process that opened the file may map its
 * memory: another one (a forked child with the inherited file) gets -EPERM,
 * though it may unmap, walk, take snapshots and, with CAP_SYS_RAWIO, map
 * physical ranges. A writable shared mapping of a file the filesystem
 * writes back (ext4, xfs, ...) cannot be pinned for writing: -EFAULT, on
 * every kernel. A range that overlaps an existing mapping is refused with
 * -EADDRINUSE and nothing changes, also when another thread's map of the
 * same range wins a race. Any other failure (-ENOMEM, -EFAULT, -EINTR) may
 * leave a prefix mapped, reported in @out_mapped; so does -EINVAL for a page
 * the format cannot address (above 4 GiB for arm-v7s, above 2^oas for the
 * other narrow formats), found as the pages are pinned.
 */
struct ptlab_map_user {
	__u32 size;
	__u32 flags;
	__u32 id;
	__u32 prot;
	__u64 iova;
	__u64 uptr;
	__u64 length;
	__u64 pgsize;
	__u64 out_mapped;
};

/**
 * struct ptlab_map_phys - PTLAB_IOCTL_MAP_PHYS: map physical addresses
 * @size: sizeof(struct ptlab_map_phys)
 * @flags: must be 0
 * @id: address space id
 * @prot: PTLAB_PROT_* bits, as for PTLAB_IOCTL_MAP_USER
 * @iova: first IOVA, aligned to the smallest page size
 * @paddr: first physical address, aligned like @iova
 * @length: bytes to map
 * @pgsize: 0 or one page size to use, as for PTLAB_IOCTL_MAP_USER
 * @out_mapped: bytes mapped, also when the call fails
 * @out_kind: PTLAB_PHYS_RAM or PTLAB_PHYS_MMIO
 * @__reserved: must be 0
 *
 * For prototyping MMIO and carve-out mappings; needs what opening /dev/mem
 * needs: CAP_SYS_RAWIO, and no kernel lockdown (-EPERM). Nothing is pinned:
 * the range must be either ordinary RAM (every page "System RAM" in
 * /proc/iomem, online, not reserved, not poisoned, in the kernel's direct
 * map, which memfd_secret(2) memory is not) or not System RAM at all (MMIO,
 * holes); anything else (a mix, reserved or offline memory) is -EINVAL.
 * Overlap with an existing mapping is -EADDRINUSE with nothing changed. A
 * fatal signal stops a long map with -EINTR after @out_mapped bytes.
 */
struct ptlab_map_phys {
	__u32 size;
	__u32 flags;
	__u32 id;
	__u32 prot;
	__u64 iova;
	__u64 paddr;
	__u64 length;
	__u64 pgsize;
	__u64 out_mapped;
	__u32 out_kind;
	__u32 __reserved;
};

/* What a mapping points at, as PTLAB_IOCTL_MAP_PHYS reports it. */
#define PTLAB_PHYS_RAM	1
#define PTLAB_PHYS_MMIO	2

/**
 * struct ptlab_unmap - PTLAB_IOCTL_UNMAP
 * @size: sizeof(struct ptlab_unmap)
 * @flags: must be 0
 * @id: address space id
 * @__reserved: must be 0
 * @iova: first IOVA, aligned to the smallest page size of the address
 *	space and the start of a mapped page (-EINVAL if it is inside a
 *	larger page, -ENOENT if nothing is mapped there)
 * @length: bytes to unmap, a multiple of the smallest page size (-EINVAL)
 * @out_unmapped: bytes unmapped. It stops at the first hole (less than
 *	@length) and never splits a page: a range ending inside a large page
 *	removes all of it (more than @length). A fatal signal stops it with
 *	-EINTR after these bytes.
 */
struct ptlab_unmap {
	__u32 size;
	__u32 flags;
	__u32 id;
	__u32 __reserved;
	__u64 iova;
	__u64 length;
	__u64 out_unmapped;
};

/**
 * struct ptlab_walk - PTLAB_IOCTL_WALK: translate one IOVA as hardware would
 * @size: sizeof(struct ptlab_walk)
 * @id: address space id
 * @iova: address to translate
 * @out_pa: physical address @iova translates to
 * @out_pgsize: size of the page that maps @iova
 * @out_prot: PTLAB_PROT_* decoded from the leaf entry
 * @out_level: level of the leaf, counted from the last-level table (0)
 * @out_nr_entries: how many entries the walk read, root first
 * @__reserved: must be 0
 * @out_entries: raw value of each entry read, root first: the words the
 *	hardware reads, in its order. An NVIDIA GMMU PD0 entry is two words,
 *	word 0 (the 2M PTE or big page table pointer) then word 1 (the small
 *	page table pointer); under a PD0 entry with both tables the big PTE
 *	comes first, then the small one if the big one is invalid.
 * @out_entry_levels: the level of each of @out_entries (added later: a
 *	caller whose struct ends at @out_entries gets the rest)
 *
 * Fails with -ENOENT when @iova is not mapped; the entries read up to the
 * empty one are still reported. An @iova beyond the input size is -EINVAL.
 * A leaf made of several entries (contiguous hint) reports its whole size.
 */
struct ptlab_walk {
	__u32 size;
	__u32 id;
	__u64 iova;
	__u64 out_pa;
	__u64 out_pgsize;
	__u32 out_prot;
	__u32 out_level;
	__u32 out_nr_entries;
	__u32 __reserved;
	__u64 out_entries[PTLAB_MAX_LEVELS];
	__u8 out_entry_levels[PTLAB_MAX_LEVELS];
};

/**
 * struct ptlab_snapshot - PTLAB_IOCTL_SNAPSHOT: write an ELF core of a space
 * @size: sizeof(struct ptlab_snapshot)
 * @flags: must be 0
 * @id: address space id
 * @fd: file to write to: a regular file at its current position, which
 *	advances as with write(2) (two snapshots into one file description go
 *	one after the other), or a pipe or socket
 * @out_bytes: bytes written, also when the call fails
 *
 * The core (ET_CORE) is an image of one moment: maps and unmaps wait until
 * it is written. It has one PT_LOAD per run of mappings contiguous in IOVA
 * and physical address with the same permissions and kind: p_vaddr is the
 * IOVA, p_paddr the physical address, p_flags the permissions exactly (a
 * write-only mapping is PF_W alone). Contents are copied for pinned user
 * memory and an adopted firmware's pages; for the RAM of physical mappings
 * only where /dev/mem would let the caller read it (CAP_SYS_RAWIO, a kernel
 * without CONFIG_STRICT_DEVMEM, no lockdown), else p_filesz is 0, as for
 * MMIO. A PT_NOTE named "PTLAB" of type PTLAB_NOTE_SPACE holds a struct
 * ptlab_snapshot_note. The same core can be read from debugfs
 * ptlab/<id>/snapshot.
 *
 * -EBADF for a file not open for writing; -EINVAL for files the kernel
 * cannot write to from inside (character devices with their own write
 * method, such as /dev/null); -EINTR when a signal arrives, with the bytes
 * written so far, never restarted (that would append a second core).
 */
struct ptlab_snapshot {
	__u32 size;
	__u32 flags;
	__u32 id;
	__s32 fd;
	__u64 out_bytes;
};

/* Note type: not one of the core note types readers know (NT_PRSTATUS...). */
#define PTLAB_NOTE_SPACE 0x50544c01

/**
 * struct ptlab_snapshot_note - the PT_NOTE descriptor of a snapshot
 * @format: enum ptlab_format
 * @granule_shift: log2 of the granule
 * @ias: input address bits
 * @oas: output address bits
 * @levels: table levels
 * @__reserved: 0
 * @root_pa: physical address of the top-level table
 * @ttbr: as struct ptlab_info
 * @tcr: as struct ptlab_info
 * @mair: as struct ptlab_info
 * @pgsize_bitmap: page sizes in use
 */
struct ptlab_snapshot_note {
	__u32 format;
	__u32 granule_shift;
	__u32 ias;
	__u32 oas;
	__u32 levels;
	__u32 __reserved;
	__u64 root_pa;
	__u64 ttbr;
	__u64 tcr;
	__u64 mair;
	__u64 pgsize_bitmap;
};

/* What a device request does (struct ptlab_dev_dma, struct ptlab_fault). */
#define PTLAB_ACCESS_READ	0x1U	/* the device reads memory */
#define PTLAB_ACCESS_WRITE	0x2U	/* the device writes memory */
#define PTLAB_ACCESS_EXEC	0x4U	/* an instruction fetch (with READ) */
#define PTLAB_ACCESS_PRIV	0x8U	/* a privileged request */

/**
 * enum ptlab_fault_kind - why a device request stopped
 * @PTLAB_FAULT_TRANSLATION: no valid entry translates the IOVA
 * @PTLAB_FAULT_PERMISSION: the leaf does not allow the access
 * @PTLAB_FAULT_ADDR_SIZE: the IOVA is beyond the input size the registers
 *	select, or an entry's output address beyond the output size
 * @PTLAB_FAULT_ACCESS: the leaf's access flag is clear (Arm AF, v7s AP[0],
 *	RISC-V A, or D for a writable page, without hardware updating)
 * @PTLAB_FAULT_EXTERNAL: a table is not readable RAM, or the leaf points
 *	at memory the device may not touch (physical mappings: RAM that is
 *	not ptlab's, MMIO)
 * @PTLAB_FAULT_STALE: the IOTLB used (or, in checking mode, still holds
 *	after a flush) a translation the tables no longer give; the lab
 *	reports it instead of touching the memory, which may be freed
 */
enum ptlab_fault_kind {
	PTLAB_FAULT_TRANSLATION = 1,
	PTLAB_FAULT_PERMISSION = 2,
	PTLAB_FAULT_ADDR_SIZE = 3,
	PTLAB_FAULT_ACCESS = 4,
	PTLAB_FAULT_EXTERNAL = 5,
	PTLAB_FAULT_STALE = 6,
};

/* struct ptlab_dev_create flags */
#define PTLAB_DEV_CHECK		0x1U	/* compare the IOTLB with the tables after every flush */
#define PTLAB_DEV_NO_INVALIDATE	0x2U	/* ignore the flushes: a missing flush made visible */
#define PTLAB_DEV_FLAGS		0x3U

#define PTLAB_DEV_IOTLB_DEFAULT	256
#define PTLAB_DEV_IOTLB_MAX	4096
#define PTLAB_DEV_MAX_DMA	(16U << 20)
#define PTLAB_DEV_MAX_FAULTS	64

/**
 * struct ptlab_dev_create - PTLAB_IOCTL_DEV_CREATE: attach a simulated device
 * @size: sizeof(struct ptlab_dev_create)
 * @flags: PTLAB_DEV_* (also switchable in debugfs ptlab/dev<id>/); others
 *	are refused with -EOPNOTSUPP
 * @id: the address space it translates through
 * @iotlb_entries: leaf cache entries, 0 for PTLAB_DEV_IOTLB_DEFAULT, at most
 *	PTLAB_DEV_IOTLB_MAX; the walk cache has a quarter as many
 * @out_dev_id: the device's id, also its debugfs directory dev<id>
 * @__reserved: must be 0
 *
 * The device learns what hardware learns: the register values of
 * PTLAB_IOCTL_INFO, from which its own walker decodes the geometry; it
 * caches translations in an IOTLB that only the address space's flushes
 * empty. While a device is attached its address space cannot be destroyed
 * (-EBUSY); closing the file destroys the devices first.
 */
struct ptlab_dev_create {
	__u32 size;
	__u32 flags;
	__u32 id;
	__u32 iotlb_entries;
	__u32 out_dev_id;
	__u32 __reserved;
};

/**
 * struct ptlab_dev_destroy - PTLAB_IOCTL_DEV_DESTROY
 * @size: sizeof(struct ptlab_dev_destroy)
 * @dev_id: the device
 */
struct ptlab_dev_destroy {
	__u32 size;
	__u32 dev_id;
};

/**
 * struct ptlab_dev_dma - PTLAB_IOCTL_DEV_DMA: the device reads or writes
 * @size: sizeof(struct ptlab_dev_dma)
 * @dev_id: the device
 * @access: PTLAB_ACCESS_READ (memory to @uptr) or PTLAB_ACCESS_WRITE
 *	(@uptr to memory), with PTLAB_ACCESS_PRIV and, for reads,
 *	PTLAB_ACCESS_EXEC
 * @__reserved: must be 0
 * @iova: first IOVA
 * @uptr: the caller's buffer, the device's side of the transfer
 * @length: bytes, at most PTLAB_DEV_MAX_DMA
 * @out_done: bytes transferred, also when the call fails
 * @out_fault: 0, or the enum ptlab_fault_kind the transfer stopped at
 *	(also queued, see PTLAB_IOCTL_DEV_FAULTS)
 * @__reserved2: must be 0
 *
 * Each page-sized piece is translated through the IOTLB, walking the tables
 * on a miss. -EIO when the device faulted; -EFAULT for @uptr; -EINTR.
 */
struct ptlab_dev_dma {
	__u32 size;
	__u32 dev_id;
	__u32 access;
	__u32 __reserved;
	__u64 iova;
	__u64 uptr;
	__u64 length;
	__u64 out_done;
	__u32 out_fault;
	__u32 __reserved2;
};

/**
 * struct ptlab_fault - one fault record
 * @iova: the IOVA of the request
 * @entry: the raw entry the walk stopped at (0 if none was read)
 * @cached_pa: PTLAB_FAULT_STALE: the physical address the IOTLB holds
 * @table_pa: PTLAB_FAULT_STALE: the one the tables give, 0 if unmapped
 * @kind: enum ptlab_fault_kind
 * @access: PTLAB_ACCESS_* of the request (0 for a check after a flush)
 * @level: engine level of @entry (0 = the smallest pages)
 * @__reserved: 0
 *
 * For openers without CAP_SYS_ADMIN @entry, @cached_pa and @table_pa read
 * as zero: they are made of physical addresses.
 */
struct ptlab_fault {
	__u64 iova;
	__u64 entry;
	__u64 cached_pa;
	__u64 table_pa;
	__u32 kind;
	__u32 access;
	__u32 level;
	__u32 __reserved;
};

/**
 * struct ptlab_dev_faults - PTLAB_IOCTL_DEV_FAULTS: read and drain the queue
 * @size: sizeof(struct ptlab_dev_faults)
 * @dev_id: the device
 * @max: room in @records
 * @__reserved: must be 0
 * @records: user pointer to @max struct ptlab_fault
 * @out_count: records copied, oldest first, and removed from the queue
 * @out_overflow: faults lost since the last read because the queue
 *	(PTLAB_DEV_MAX_FAULTS) was full; reset by the read
 */
struct ptlab_dev_faults {
	__u32 size;
	__u32 dev_id;
	__u32 max;
	__u32 __reserved;
	__u64 records;
	__u32 out_count;
	__u32 out_overflow;
};

/* struct ptlab_read_dirty flags */
#define PTLAB_READ_DIRTY_NO_CLEAR	0x1U	/* report, leave the tables as they are */
/* Bits one PTLAB_IOCTL_READ_DIRTY reports at most (a 2 MiB bitmap). */
#define PTLAB_DIRTY_MAX_BITS	0x1000000U

/**
 * struct ptlab_read_dirty - PTLAB_IOCTL_READ_DIRTY: which pages were written
 * @size: sizeof(struct ptlab_read_dirty)
 * @flags: 0 or PTLAB_READ_DIRTY_NO_CLEAR; others -EOPNOTSUPP
 * @id: address space id, created with PTLAB_CREATE_DIRTY (else -EOPNOTSUPP)
 * @__reserved: must be 0
 * @iova: first IOVA, aligned to @page_size
 * @length: bytes, a multiple of @page_size, at most PTLAB_DIRTY_MAX_BITS
 *	pages of @page_size, within the input size
 * @page_size: bytes each bit stands for: a power of two, at least the
 *	address space's smallest page size
 * @bitmap: user pointer to an array of __u64: bit n % 64 of word n / 64
 *	is the page at @iova + n * @page_size. Every word the range needs is
 *	written, clean pages as 0.
 * @bitmap_bytes: room at @bitmap: at least 8 * ceil(pages / 64), else
 *	-ENOSPC
 * @out_dirty: bits set
 *
 * As Linux's IOMMU dirty tracking (read_and_clear_dirty): a page is dirty
 * if a leaf that maps any of it is writable-dirty; a leaf of several
 * entries or a block reports its whole span; read-only mappings never
 * become dirty. Unless @flags has PTLAB_READ_DIRTY_NO_CLEAR, the dirty
 * leaves are made clean again (whole leaves, also where they reach beyond
 * the range) and the IOTLB flush Linux issues after it follows, so that
 * the next write through a device sets the dirty state again. With
 * PTLAB_READ_DIRTY_NO_CLEAR the tables stay bit for bit as they were.
 *
 * -EINVAL for a bad range or @page_size, -ENOSPC for a small bitmap,
 * -EFAULT for @bitmap (earlier parts may have been read and cleared),
 * -EINTR.
 */
struct ptlab_read_dirty {
	__u32 size;
	__u32 flags;
	__u32 id;
	__u32 __reserved;
	__u64 iova;
	__u64 length;
	__u64 page_size;
	__u64 bitmap;
	__u64 bitmap_bytes;
	__u64 out_dirty;
};

enum {
	PTLAB_CMD_BASE = 0x80,
	PTLAB_CMD_CREATE = PTLAB_CMD_BASE,
	PTLAB_CMD_DESTROY,
	PTLAB_CMD_INFO,
	PTLAB_CMD_MAP_USER,
	PTLAB_CMD_UNMAP,
	PTLAB_CMD_WALK,
	PTLAB_CMD_MAP_PHYS,
	PTLAB_CMD_SNAPSHOT,
	PTLAB_CMD_DEV_CREATE,
	PTLAB_CMD_DEV_DESTROY,
	PTLAB_CMD_DEV_DMA,
	PTLAB_CMD_DEV_FAULTS,
	PTLAB_CMD_READ_DIRTY,
};

#define PTLAB_IOCTL_CREATE	_IOWR(PTLAB_TYPE, PTLAB_CMD_CREATE, struct ptlab_create)
#define PTLAB_IOCTL_DESTROY	_IOWR(PTLAB_TYPE, PTLAB_CMD_DESTROY, struct ptlab_destroy)
#define PTLAB_IOCTL_INFO	_IOWR(PTLAB_TYPE, PTLAB_CMD_INFO, struct ptlab_info)
#define PTLAB_IOCTL_MAP_USER	_IOWR(PTLAB_TYPE, PTLAB_CMD_MAP_USER, struct ptlab_map_user)
#define PTLAB_IOCTL_UNMAP	_IOWR(PTLAB_TYPE, PTLAB_CMD_UNMAP, struct ptlab_unmap)
#define PTLAB_IOCTL_WALK	_IOWR(PTLAB_TYPE, PTLAB_CMD_WALK, struct ptlab_walk)
#define PTLAB_IOCTL_MAP_PHYS	_IOWR(PTLAB_TYPE, PTLAB_CMD_MAP_PHYS, struct ptlab_map_phys)
#define PTLAB_IOCTL_SNAPSHOT	_IOWR(PTLAB_TYPE, PTLAB_CMD_SNAPSHOT, struct ptlab_snapshot)
#define PTLAB_IOCTL_DEV_CREATE	_IOWR(PTLAB_TYPE, PTLAB_CMD_DEV_CREATE, struct ptlab_dev_create)
#define PTLAB_IOCTL_DEV_DESTROY	_IOWR(PTLAB_TYPE, PTLAB_CMD_DEV_DESTROY, struct ptlab_dev_destroy)
#define PTLAB_IOCTL_DEV_DMA	_IOWR(PTLAB_TYPE, PTLAB_CMD_DEV_DMA, struct ptlab_dev_dma)
#define PTLAB_IOCTL_DEV_FAULTS	_IOWR(PTLAB_TYPE, PTLAB_CMD_DEV_FAULTS, struct ptlab_dev_faults)
#define PTLAB_IOCTL_READ_DIRTY	_IOWR(PTLAB_TYPE, PTLAB_CMD_READ_DIRTY, struct ptlab_read_dirty)

#endif /* _UAPI_LINUX_PTLAB_H */
