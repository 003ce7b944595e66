// SPDX-License-Identifier: GPL-2.0
/*
 * A structure-aware, multi-threaded fuzzer of /dev/ptlab, run for a time
 * budget.
 *
 * Threads and forked children share a few open files, kept at fixed fd
 * numbers that a churn thread closes and dup2()s over mid-call, and the
 * address spaces in them. Every ioctl gets valid, boundary or garbage
 * arguments and struct sizes, on ids that exist, were just destroyed or are
 * about to be returned: a destroyer thread keeps destroying the id the next
 * create will get. Beside them run debugfs and fdinfo readers, snapshots
 * into files, pipes and /dev/null, rmmod attempts, the fail_nth knob,
 * simulated firmware to adopt, and workers without privileges (uid 65534,
 * no capabilities, as threads and as a child process).
 *
 * Oracles while it runs: every result is success or an errno of its
 * command's row in cmds[]; a call refused for its size, flags or reserved
 * fields is refused with exactly the documented errno and writes nothing;
 * no call writes past its struct; the unprivileged get EPERM for
 * CAP_SYS_RAWIO calls and another process EPERM for MAP_USER; outputs are
 * consistent (bytes mapped, walk entries, snapshot files); debugfs and
 * fdinfo text parses; the kernel log gains no BUG, WARNING, Oops... line.
 * Afterwards, with every file closed: SecPageTables, VmPin (here and in the
 * children), the module's use count, the debugfs directories and the
 * simulated firmware are as they were.
 *
 * Environment: PTLAB_FUZZ_SECONDS (budget, default FUZZ_SECONDS),
 * PTLAB_SEED (printed at the start; the same seed makes the same choices,
 * though threads interleave differently), PTLAB_FUZZ_THREADS (root ioctl
 * threads, default 4). Run as root through ptlab.sh, on a test machine:
 * /dev/ptlab is mode 0666 while it runs.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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

/*
 * The default budget: `make check` runs every program on two kernels in a
 * TCG guest, so this stays well under a minute and a half there.
 */
#define FUZZ_SECONDS		60
/* Beyond the budget: joining, closing, settling, under TCG. */
#define FUZZ_SLACK		240
#define FUZZ_TIMEOUT		(FUZZ_SECONDS + FUZZ_SLACK)
/* How long the threads may take to notice the end before they count as hung. */
#define JOIN_GRACE		60

/*
 * The shared files sit at fd numbers far above what anything else opens,
 * so that closing and dup2()ing over them never hits the harness's own.
 */
#define FD_BASE			800
#define NR_SLOTS		6
#define FIRST_CHURNED		2	/* slots 0 and 1 keep their file */
/* A file of one thread or child, never churned: FD_BASE + PRIV_SLOT + k. */
#define PRIV_SLOT		16
#define NR_FDS			(PRIV_SLOT + 8)
/* Open throughout, so that rmmod must fail; ioctls may use it too. */
#define ANCHOR_SLOT		NR_FDS
#define ANCHOR_FD		(FD_BASE + ANCHOR_SLOT)
/* A file of the root child's alone, opened by the parent. */
#define CHILD_FD		(FD_BASE + PRIV_SLOT + 7)

#define MAX_WORKERS		16
#define NR_RECS			64
#define LIVE_CAP		32	/* spaces kept alive at most */
#define NHOT			8	/* IOVA slots per space everyone aims at */
#define NDEVS			4	/* simulated devices a thread keeps */
#define MAX_IDS			4096
#define NR_RECENT		16
#define NR_FW			3
#define MAX_FAILS		20	/* failures printed in full */
#define GUARD			64
#define GUARD_BYTE		0xa5
#define PG			4096UL

#define BIG_LEN			(32 * SZ_1M)	/* THP-backed buffer */
#define SMALL_LEN		(4 * SZ_1M)	/* 4K pages */
#define ODD_LEN			(16 * SZ_4K)	/* read-only, PROT_NONE, shmem */

enum {
	C_CREATE, C_DESTROY, C_INFO, C_MAP_USER, C_UNMAP, C_WALK, C_MAP_PHYS,
	C_SNAPSHOT, C_DEV_CREATE, C_DEV_DESTROY, C_DEV_DMA, C_DEV_FAULTS,
	C_READ_DIRTY,
	C_BADCMD,	/* commands the module does not have */
	NR_CMDS
};

/* A struct's fields after its size, by name, for failure messages. */
struct field {
	const char *name;
	unsigned short off;
	unsigned short size;
};

/* Every field is a __u32 or a __u64 (or __s32). */
#define F4(s, m)	{ #m, offsetof(struct s, m), 4 }
#define F8(s, m)	{ #m, offsetof(struct s, m), 8 }

static const struct field create_fields[] = {
	F4(ptlab_create, flags), F4(ptlab_create, format),
	F4(ptlab_create, granule_shift), F4(ptlab_create, ias),
	F4(ptlab_create, oas), F8(ptlab_create, pgsize_bitmap),
	F4(ptlab_create, out_id), F4(ptlab_create, __reserved),
	F8(ptlab_create, adopt_root_pa), F8(ptlab_create, fw_ranges),
	F4(ptlab_create, nr_fw_ranges), F4(ptlab_create, __reserved2),
	{ NULL },
};

static const struct field destroy_fields[] = {
	F4(ptlab_destroy, id), { NULL },
};

static const struct field info_fields[] = {
	F4(ptlab_info, id), F4(ptlab_info, out_format),
	F4(ptlab_info, out_granule_shift), F4(ptlab_info, out_ias),
	F4(ptlab_info, out_oas), F4(ptlab_info, out_levels),
	F4(ptlab_info, __reserved), F8(ptlab_info, out_pgsize_bitmap),
	F8(ptlab_info, out_root_pa), F8(ptlab_info, out_table_pages),
	F8(ptlab_info, out_mapped_bytes), F4(ptlab_info, out_prot_mask),
	F4(ptlab_info, __reserved2), { NULL },
};

static const struct field map_user_fields[] = {
	F4(ptlab_map_user, flags), F4(ptlab_map_user, id),
	F4(ptlab_map_user, prot), F8(ptlab_map_user, iova),
	F8(ptlab_map_user, uptr), F8(ptlab_map_user, length),
	F8(ptlab_map_user, pgsize), F8(ptlab_map_user, out_mapped),
	{ NULL },
};

static const struct field unmap_fields[] = {
	F4(ptlab_unmap, flags), F4(ptlab_unmap, id),
	F4(ptlab_unmap, __reserved), F8(ptlab_unmap, iova),
	F8(ptlab_unmap, length), F8(ptlab_unmap, out_unmapped), { NULL },
};

static const struct field walk_fields[] = {
	F4(ptlab_walk, id), F8(ptlab_walk, iova), F8(ptlab_walk, out_pa),
	F8(ptlab_walk, out_pgsize), F4(ptlab_walk, out_prot),
	F4(ptlab_walk, out_level), F4(ptlab_walk, out_nr_entries),
	F4(ptlab_walk, __reserved), { NULL },
};

static const struct field map_phys_fields[] = {
	F4(ptlab_map_phys, flags), F4(ptlab_map_phys, id),
	F4(ptlab_map_phys, prot), F8(ptlab_map_phys, iova),
	F8(ptlab_map_phys, paddr), F8(ptlab_map_phys, length),
	F8(ptlab_map_phys, pgsize), F8(ptlab_map_phys, out_mapped),
	F4(ptlab_map_phys, out_kind), F4(ptlab_map_phys, __reserved),
	{ NULL },
};

static const struct field snapshot_fields[] = {
	F4(ptlab_snapshot, flags), F4(ptlab_snapshot, id),
	F4(ptlab_snapshot, fd), F8(ptlab_snapshot, out_bytes), { NULL },
};

static const struct field dev_create_fields[] = {
	F4(ptlab_dev_create, flags), F4(ptlab_dev_create, id),
	F4(ptlab_dev_create, iotlb_entries), F4(ptlab_dev_create, out_dev_id),
	F4(ptlab_dev_create, __reserved), { NULL },
};

static const struct field dev_destroy_fields[] = {
	F4(ptlab_dev_destroy, dev_id), { NULL },
};

static const struct field dev_dma_fields[] = {
	F4(ptlab_dev_dma, dev_id), F4(ptlab_dev_dma, access),
	F4(ptlab_dev_dma, __reserved), F8(ptlab_dev_dma, iova),
	F8(ptlab_dev_dma, uptr), F8(ptlab_dev_dma, length),
	F8(ptlab_dev_dma, out_done), F4(ptlab_dev_dma, out_fault),
	F4(ptlab_dev_dma, __reserved2), { NULL },
};

static const struct field dev_faults_fields[] = {
	F4(ptlab_dev_faults, dev_id), F4(ptlab_dev_faults, max),
	F4(ptlab_dev_faults, __reserved), F8(ptlab_dev_faults, records),
	F4(ptlab_dev_faults, out_count), F4(ptlab_dev_faults, out_overflow),
	{ NULL },
};

static const struct field read_dirty_fields[] = {
	F4(ptlab_read_dirty, flags), F4(ptlab_read_dirty, id),
	F4(ptlab_read_dirty, __reserved), F8(ptlab_read_dirty, iova),
	F8(ptlab_read_dirty, length), F8(ptlab_read_dirty, page_size),
	F8(ptlab_read_dirty, bitmap), F8(ptlab_read_dirty, bitmap_bytes),
	F8(ptlab_read_dirty, out_dirty), { NULL },
};

/*
 * The errnos each command may return, from uapi/linux/ptlab.h and the
 * module's code, plus what the module is about to add (E2BIG for structs
 * above a page, EBUSY and EINTR in new places). A new errno must be added
 * here on purpose. EBADF for an ioctl on a churned fd is added per call.
 * SNAPSHOT passes on the target file's write errors.
 */
static const struct cmd_info {
	const char *name;
	unsigned long cmd;
	size_t size;
	const struct field *fields;
	int errs[20];		/* 0-terminated */
} cmds[NR_CMDS] = {
	[C_CREATE] = { "CREATE", PTLAB_IOCTL_CREATE,
		sizeof(struct ptlab_create), create_fields,
		{ EINVAL, E2BIG, EFAULT, EOPNOTSUPP, ENOSPC, ENOMEM, EPERM,
		  ENOENT, EBUSY, EINTR } },
	[C_DESTROY] = { "DESTROY", PTLAB_IOCTL_DESTROY,
		sizeof(struct ptlab_destroy), destroy_fields,
		{ EINVAL, E2BIG, EFAULT, ENOENT, EBUSY, EINTR } },
	[C_INFO] = { "INFO", PTLAB_IOCTL_INFO,
		sizeof(struct ptlab_info), info_fields,
		{ EINVAL, E2BIG, EFAULT, ENOENT, EBUSY, EINTR } },
	[C_MAP_USER] = { "MAP_USER", PTLAB_IOCTL_MAP_USER,
		sizeof(struct ptlab_map_user), map_user_fields,
		{ EINVAL, E2BIG, EFAULT, ENOENT, EOPNOTSUPP, EADDRINUSE,
		  EACCES, ENOMEM, EPERM, EBUSY, EINTR } },
	[C_UNMAP] = { "UNMAP", PTLAB_IOCTL_UNMAP,
		sizeof(struct ptlab_unmap), unmap_fields,
		{ EINVAL, E2BIG, EFAULT, ENOENT, EOPNOTSUPP, EACCES, EBUSY,
		  EINTR } },
	[C_WALK] = { "WALK", PTLAB_IOCTL_WALK,
		sizeof(struct ptlab_walk), walk_fields,
		{ EINVAL, E2BIG, EFAULT, ENOENT, EBUSY, EINTR } },
	[C_MAP_PHYS] = { "MAP_PHYS", PTLAB_IOCTL_MAP_PHYS,
		sizeof(struct ptlab_map_phys), map_phys_fields,
		{ EINVAL, E2BIG, EFAULT, ENOENT, EOPNOTSUPP, EADDRINUSE,
		  EACCES, ENOMEM, EPERM, EBUSY, EINTR } },
	[C_SNAPSHOT] = { "SNAPSHOT", PTLAB_IOCTL_SNAPSHOT,
		sizeof(struct ptlab_snapshot), snapshot_fields,
		{ EINVAL, E2BIG, EFAULT, ENOENT, EOPNOTSUPP, EBADF, EBUSY,
		  EINTR, EIO, EAGAIN, EPIPE, ENOSPC, EFBIG, ENOMEM } },
	[C_DEV_CREATE] = { "DEV_CREATE", PTLAB_IOCTL_DEV_CREATE,
		sizeof(struct ptlab_dev_create), dev_create_fields,
		{ EINVAL, E2BIG, EFAULT, ENOENT, EOPNOTSUPP, ENOSPC, ENOMEM } },
	[C_DEV_DESTROY] = { "DEV_DESTROY", PTLAB_IOCTL_DEV_DESTROY,
		sizeof(struct ptlab_dev_destroy), dev_destroy_fields,
		{ EINVAL, E2BIG, EFAULT, ENOENT } },
	[C_DEV_DMA] = { "DEV_DMA", PTLAB_IOCTL_DEV_DMA,
		sizeof(struct ptlab_dev_dma), dev_dma_fields,
		{ EINVAL, E2BIG, EFAULT, ENOENT, EIO, ENOMEM, EINTR } },
	[C_DEV_FAULTS] = { "DEV_FAULTS", PTLAB_IOCTL_DEV_FAULTS,
		sizeof(struct ptlab_dev_faults), dev_faults_fields,
		{ EINVAL, E2BIG, EFAULT, ENOENT, ENOMEM } },
	[C_READ_DIRTY] = { "READ_DIRTY", PTLAB_IOCTL_READ_DIRTY,
		sizeof(struct ptlab_read_dirty), read_dirty_fields,
		{ EINVAL, E2BIG, EFAULT, ENOENT, EOPNOTSUPP, ENOSPC, ENOMEM,
		  EBUSY, EINTR } },
	[C_BADCMD] = { "unknown command", 0, sizeof(struct ptlab_walk), NULL,
		{ ENOTTY } },
};

/*
 * Narrower sets for calls with exactly one documented fault: the only
 * results allowed (a subset of the command's row; -1 ends them, 0 is
 * success). ENOENT where the address space may have gone first.
 */
static const int want_einval[] = { EINVAL, -1 };
static const int want_e2big[] = { E2BIG, -1 };
static const int want_efault[] = { EFAULT, -1 };
static const int want_efault_e2big[] = { EFAULT, E2BIG, -1 };
static const int want_enotty[] = { ENOTTY, -1 };
static const int want_eperm[] = { EPERM, -1 };
static const int want_eperm_enoent[] = { EPERM, ENOENT, -1 };
static const int want_eopnotsupp[] = { EOPNOTSUPP, -1 };
static const int want_eopnotsupp_enoent[] = { EOPNOTSUPP, ENOENT, -1 };
static const int want_einval_enoent[] = { EINVAL, ENOENT, -1 };
static const int want_ok[] = { 0, -1 };
static const int want_ok_enomem[] = { 0, ENOMEM, -1 };
static const int want_enoent[] = { ENOENT, -1 };

static const struct {
	int e;
	const char *name;
} errnames[] = {
	{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EINTR, "EINTR" },
	{ EIO, "EIO" }, { E2BIG, "E2BIG" }, { EBADF, "EBADF" },
	{ EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" }, { EACCES, "EACCES" },
	{ EFAULT, "EFAULT" }, { EBUSY, "EBUSY" }, { EINVAL, "EINVAL" },
	{ ENOTTY, "ENOTTY" }, { EFBIG, "EFBIG" }, { ENOSPC, "ENOSPC" },
	{ EPIPE, "EPIPE" }, { EOPNOTSUPP, "EOPNOTSUPP" },
	{ EADDRINUSE, "EADDRINUSE" }, { ENXIO, "ENXIO" }, { ENODEV, "ENODEV" },
};

/* Geometries drivers use, per format (see ptlab_formats_test.c). */
static const struct create_geom {
	__u32 fmt, gran, ias, oas;
	__u64 pgsizes;
} geoms[] = {
	{ PTLAB_FMT_ARM64_LPAE_S1, 0, 0, 0, 0 },
	{ PTLAB_FMT_ARM64_LPAE_S1, 12, 32, 0, 0 },
	{ PTLAB_FMT_ARM64_LPAE_S1, 12, 39, 0, 0 },
	{ PTLAB_FMT_ARM64_LPAE_S1, 12, 48, 0,
	  SZ_4K | SZ_64K | SZ_2M | SZ_32M | SZ_1G | SZ_16G },
	{ PTLAB_FMT_ARM64_LPAE_S1, 14, 39, 0, 0 },
	{ PTLAB_FMT_ARM64_LPAE_S1, 14, 48, 0, 0 },
	{ PTLAB_FMT_ARM64_LPAE_S1, 16, 48, 0, 0 },
	{ PTLAB_FMT_ARM64_LPAE_S1, 16, 52, 52, 0 },
	{ PTLAB_FMT_ARM64_LPAE_S2, 0, 0, 0, 0 },
	{ PTLAB_FMT_ARM64_LPAE_S2, 12, 40, 0, 0 },
	{ PTLAB_FMT_ARM64_LPAE_S2, 14, 48, 0, 0 },
	{ PTLAB_FMT_ARM64_LPAE_S2, 16, 46, 40, 0 },
	{ PTLAB_FMT_ARM_MALI_LPAE, 0, 0, 0, 0 },
	{ PTLAB_FMT_ARM_MALI_LPAE, 0, 32, 0, 0 },
	{ PTLAB_FMT_ARM_V7S, 0, 0, 0, 0 },
	{ PTLAB_FMT_ARM_V7S, 0, 28, 0, 0 },
	{ PTLAB_FMT_X86_64, 0, 0, 0, 0 },
	{ PTLAB_FMT_X86_64, 0, 57, 0, 0 },
	{ PTLAB_FMT_VTD_SS, 0, 39, 0, 0 },
	{ PTLAB_FMT_VTD_SS, 0, 0, 0, 0 },
	{ PTLAB_FMT_AMD_V1, 0, 21, 0, 0 },
	{ PTLAB_FMT_AMD_V1, 0, 0, 0, 0 },
	{ PTLAB_FMT_AMD_V1, 0, 64, 0, 0 },
	{ PTLAB_FMT_RISCV, 0, 0, 0, 0 },
	{ PTLAB_FMT_RISCV, 0, 57, 0, 0 },
	{ PTLAB_FMT_RISCV, 0, 39, 0, SZ_4K | SZ_64K | SZ_2M | SZ_1G },
	{ PTLAB_FMT_APPLE_DART, 0, 0, 0, 0 },
	{ PTLAB_FMT_APPLE_DART, 0, 42, 42, 0 },
	{ PTLAB_FMT_APPLE_UAT, 0, 0, 0, 0 },
	{ PTLAB_FMT_NVIDIA_GMMU_V2, 0, 0, 0, 0 },
	{ PTLAB_FMT_NVIDIA_GMMU_V2, 16, 0, 0, 0 },
	{ PTLAB_FMT_NVIDIA_GMMU_V2, 17, 0, 0, 0 },
	{ PTLAB_FMT_NVIDIA_GMMU_V2, 0, 0, 0, SZ_4K | SZ_2M | SZ_512M },
	{ PTLAB_FMT_NVIDIA_GMMU_V3, 0, 0, 0, 0 },
	{ PTLAB_FMT_NVIDIA_GMMU_V3, 16, 0, 40, 0 },
	{ PTLAB_FMT_NVIDIA_GMMU_V2, 0, 0, 0, SZ_4K | SZ_64K | SZ_2M },
	{ PTLAB_FMT_NVIDIA_GMMU_V3, 0, 0, 0,
	  SZ_4K | SZ_64K | SZ_2M | SZ_512M },
};

/* Names the simulated firmware knows, by PTLAB_FMT_* value. */
static const char *const fmt_names[] = {
	[PTLAB_FMT_ARM64_LPAE_S1] = "arm64-lpae-s1",
	[PTLAB_FMT_ARM64_LPAE_S2] = "arm64-lpae-s2",
	[PTLAB_FMT_ARM_MALI_LPAE] = "arm-mali-lpae",
	[PTLAB_FMT_ARM_V7S] = "arm-v7s",
	[PTLAB_FMT_X86_64] = "x86-64",
	[PTLAB_FMT_VTD_SS] = "vtd-ss",
	[PTLAB_FMT_AMD_V1] = "amd-v1",
	[PTLAB_FMT_RISCV] = "riscv",
	[PTLAB_FMT_APPLE_DART] = "apple-dart",
	[PTLAB_FMT_APPLE_UAT] = "apple-uat",
};

/* The firmware's range: a multiple of every granule, below the hot IOVAs. */
#define FW_IOVA			0x10000000ULL
#define FW_LEN			0x8000ULL

/* The last format number the module knows (formats 1 to it exist). */
#define FUZZ_FMT_LAST		PTLAB_FMT_NVIDIA_GMMU_V3

/* Boundary values for the geometry of a create. */
static const __u32 odd_fmts[] = { 0, FUZZ_FMT_LAST + 1, 0xff, ~0U };
static const __u32 odd_grans[] = { 0, 9, 10, 11, 12, 13, 14, 15, 16, 17,
				   21, 31, 32, 63, 64, ~0U };
static const __u32 odd_bits[] = { 0, 1, 11, 12, 20, 21, 22, 25, 28, 31,
				  32, 33, 36, 39, 40, 42, 44, 46, 47, 48,
				  49, 52, 56, 57, 58, 63, 64, 65, ~0U };
static const __u64 odd_pgsizes[] = { 0, 1, SZ_4K, SZ_8K, SZ_16K, SZ_64K,
				     SZ_4K | SZ_2M, SZ_4K | SZ_2M | SZ_1G,
				     SZ_2M, SZ_1G, SZ_16K | SZ_32M,
				     ~0ULL, BIT_ULL(63), SZ_4K | BIT_ULL(63) };

/* --- shared state: in MAP_SHARED memory, seen by the children too --- */

/*
 * An address space someone created, with what INFO said about it: a hint,
 * never the truth, since anyone may destroy it or close its file. Written
 * under @seq (odd while it changes).
 */
struct rec {
	unsigned int seq;
	int state;		/* 0 free, 1 live, 2 being written */
	int slot;
	__u32 id;
	__u32 gran;		/* log2 */
	__u32 ias;
	__u32 prot_mask;
	__u64 pgsizes;
	__u64 base;		/* first hot IOVA */
	__u64 stride;		/* between hot IOVAs */
};

/* A simulated firmware instance this run made, for adoption. */
struct fwrec {
	int live;
	__u32 id;
	__u32 fmt;
	__u64 root;
	__u32 crc;
};

struct stats {
	char name[24];
	unsigned long calls[NR_CMDS];
	unsigned long ok[NR_CMDS];
	unsigned long err[NR_CMDS][134];
	unsigned long reads;		/* debugfs and fdinfo files read */
	unsigned long other;		/* rmmod, fail_nth, firmware, churn */
};

/* Per-thread (and per child) stats slots; children after the threads. */
#define ST_CHILD		(MAX_WORKERS + 8)
#define ST_SHORT		(ST_CHILD + 2)
#define NR_ST			(ST_SHORT + 1)

struct fz {
	int stop;
	__u64 t0;		/* CLOCK_MONOTONIC ns */
	__u64 deadline;
	__u64 seed;
	int fail_nth;		/* arm debugfs fail_nth now and then */
	int hint_slot;		/* where the last create went */
	int creating;		/* creates under way */
	unsigned int creates;	/* creates started */
	__u32 last_id;
	__u32 recent[NR_RECENT];
	unsigned int recent_pos;
	__u64 ids[MAX_IDS / 64];	/* ids believed allocated */
	struct rec recs[NR_RECS];
	struct fwrec fws[NR_FW];
	int nfail;
	char first_fail[512];
	__u64 kmsg_at;		/* when the kernel log first went bad */
	struct stats st[NR_ST];
};

static struct fz *fz;

/* Buffers, inherited by the children at the same addresses. */
static struct {
	char *big;		/* 2M aligned, THP advised */
	char *small;		/* 4K pages */
	char *ro;		/* PROT_READ */
	char *none;		/* PROT_NONE */
	char *shm;		/* memfd, MAP_SHARED */
	char *hole;		/* unmapped */
	__u64 *big_pas;		/* physical addresses of big's pages */
	int pipe_rd, pipe_wr;	/* drained by the drainer */
	int npipe_rd, npipe_wr;	/* non-blocking, never drained */
	int null_fd, full_fd;	/* /dev/null, /dev/full */
	int rdonly_fd;		/* a file opened read-only */
} mem;

/* Which process opened the file at each fd: ours, or inherited. */
static pid_t opener[ANCHOR_SLOT + 1];

/* One thread, child process or short-lived child. */
struct th {
	pthread_t thread;
	int idx;
	const char *name;
	bool priv;		/* root, every capability */
	bool child;		/* a forked child: the parent's files are not its own */
	__u64 rng;
	pid_t tid;
	struct stats *st;
	/* The ioctl under way, for the watchdog: C_* or -1, since, fd, id. */
	int cur;
	__u64 cur_since;
	int cur_fd;
	__u32 cur_id;
	char *cbuf;		/* 3 pages, then a PROT_NONE one */
	char *ro_rw, *ro_view;	/* one page, writable and read-only views */
	int snap_fd;		/* its own file for snapshots */
	int priv_slot;		/* its own never-churned file, or -1 */
	void *(*fn)(void *arg);
	struct ptlab_range fw_range;	/* what adoptions declare */
	/* Its simulated devices: id and the fd's slot. */
	__u32 devs[NDEVS];
	int dev_slot[NDEVS];
	int nr_devs;
};

/* --- small things --- */

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static double secs_since(__u64 t0)
{
	return (now_ns() - t0) / 1e9;
}

static bool stopped(void)
{
	return __atomic_load_n(&fz->stop, __ATOMIC_RELAXED) ||
	       now_ns() >= fz->deadline;
}

static void stop_all(void)
{
	__atomic_store_n(&fz->stop, 1, __ATOMIC_RELAXED);
}

static __u64 rnd64(struct th *t)
{
	/* xorshift64*: cheap, and a seed replays the same choices. */
	t->rng ^= t->rng >> 12;
	t->rng ^= t->rng << 25;
	t->rng ^= t->rng >> 27;
	return t->rng * 0x2545f4914f6cdd1dULL;
}

static __u32 rnd(struct th *t, __u32 n)
{
	return n ? (__u32)((rnd64(t) >> 32) % n) : 0;
}

static bool chance(struct th *t, unsigned int pct)
{
	return rnd(t, 100) < pct;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static pid_t gettid_raw(void)
{
	return syscall(SYS_gettid);
}

static const char *errname(int e, char *buf, size_t len)
{
	size_t i;

	if (!e)
		return "success";
	for (i = 0; i < ARRAY_SIZE(errnames); i++)
		if (errnames[i].e == e)
			return errnames[i].name;
	snprintf(buf, len, "%d", e);
	return buf;
}

/* One line to stderr in one write(), so that lines from threads do not mix. */
static void say(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	n = snprintf(line, sizeof(line), "# ptlab_fuzz: ");
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, n) < 0)
		return;
}

/*
 * A wrong answer: printed with the time since the start, counted, and the
 * run stopped, since what follows a broken kernel tells little. The first
 * one is kept for the final assertion.
 */
static void fail(struct th *t, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = __atomic_add_fetch(&fz->nfail, 1, __ATOMIC_RELAXED);
	if (n == 1)
		snprintf(fz->first_fail, sizeof(fz->first_fail), "%s: %.400s",
			 t ? t->name : "main", msg);
	if (n <= MAX_FAILS)
		say("FAIL after %.1fs in %s (pid %d): %s", secs_since(fz->t0),
		    t ? t->name : "main", getpid(), msg);
	stop_all();
}

static int slot_fd(int slot)
{
	return FD_BASE + slot;
}

static bool slot_churned(int slot)
{
	return slot >= FIRST_CHURNED && slot < NR_SLOTS;
}

/*
 * Whether calls on @slot must show physical addresses: the credentials the
 * file was opened with decide (CAP_SYS_ADMIN, as for pagemap). In the
 * parent, slots 0 and 1 are root's files for good, the unprivileged
 * thread's own slot its own; a churned slot may hold either: -1. Slots 0
 * and 1 stay root's in a root child, which reopens them as root, but an
 * unprivileged child reopens them as itself (child_churn()).
 */
static int slot_shows_pa(const struct th *t, int slot)
{
	if (slot >= 0 && slot < FIRST_CHURNED)
		return t->priv || !t->child ? 1 : -1;
	if (!t->priv && slot == t->priv_slot)
		return 0;
	return -1;
}

/* --- the id bookkeeping the destroyer predicts from --- */

static void ids_set(__u32 id, bool on)
{
	__u64 bit = BIT_ULL(id % 64);

	if (id >= MAX_IDS)
		return;
	if (on)
		__atomic_or_fetch(&fz->ids[id / 64], bit, __ATOMIC_RELAXED);
	else
		__atomic_and_fetch(&fz->ids[id / 64], ~bit, __ATOMIC_RELAXED);
}

/* The id the next create gets if our bookkeeping is right: the lowest free. */
static __u32 ids_lowest_free(void)
{
	unsigned int i;
	__u64 w;

	for (i = 0; i < MAX_IDS / 64; i++) {
		w = __atomic_load_n(&fz->ids[i], __ATOMIC_RELAXED);
		if (i == 0)
			w |= 1;		/* ids start at 1 */
		if (~w)
			return i * 64 + __builtin_ctzll(~w);
	}
	return MAX_IDS;
}

static void recent_push(__u32 id)
{
	unsigned int i = __atomic_fetch_add(&fz->recent_pos, 1,
					    __ATOMIC_RELAXED);

	fz->recent[i % NR_RECENT] = id;
}

static __u32 recent_pick(struct th *t)
{
	return fz->recent[rnd(t, NR_RECENT)];
}

/* --- the records of address spaces --- */

/* Where the hot IOVAs of a space go: inside its input range, aligned. */
static void rec_hot(struct rec *r)
{
	__u64 gran = 1ULL << r->gran;
	__u64 span = r->ias >= 64 ? ~0ULL : 1ULL << r->ias;

	if (span >= 4 * SZ_1G) {
		r->base = SZ_1G;
		r->stride = SZ_2M;
	} else if (span >= SZ_32M) {
		r->base = span / 2;
		r->stride = SZ_2M;
	} else {
		r->base = 0;
		r->stride = span / NHOT > gran ? span / NHOT : gran;
	}
}

static void rec_add(int slot, __u32 id, const struct ptlab_info *info)
{
	struct rec *r;
	int i, expect;

	for (i = 0; i < NR_RECS; i++) {
		r = &fz->recs[i];
		expect = 0;
		if (!__atomic_compare_exchange_n(&r->state, &expect, 2, false,
						 __ATOMIC_ACQUIRE,
						 __ATOMIC_RELAXED))
			continue;
		__atomic_add_fetch(&r->seq, 1, __ATOMIC_RELEASE);
		r->slot = slot;
		r->id = id;
		r->gran = info->out_granule_shift;
		r->ias = info->out_ias;
		r->prot_mask = info->out_prot_mask;
		r->pgsizes = info->out_pgsize_bitmap;
		rec_hot(r);
		__atomic_add_fetch(&r->seq, 1, __ATOMIC_RELEASE);
		__atomic_store_n(&r->state, 1, __ATOMIC_RELEASE);
		return;
	}
}

/* A consistent copy of a random live record; false if there is none. */
static bool rec_pick(struct th *t, struct rec *out)
{
	unsigned int start = rnd(t, NR_RECS), i, s1;
	struct rec *r;

	for (i = 0; i < NR_RECS; i++) {
		r = &fz->recs[(start + i) % NR_RECS];
		if (__atomic_load_n(&r->state, __ATOMIC_ACQUIRE) != 1)
			continue;
		s1 = __atomic_load_n(&r->seq, __ATOMIC_ACQUIRE);
		if (s1 & 1)
			continue;
		*out = *r;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&r->seq, __ATOMIC_RELAXED) != s1 ||
		    out->state != 1)
			continue;
		return true;
	}
	return false;
}

/* Forget the records of one id in a slot, or (@all) of every id there. */
static void rec_forget(int slot, __u32 id, bool all)
{
	struct rec *r;
	int i, expect;

	for (i = 0; i < NR_RECS; i++) {
		r = &fz->recs[i];
		if (__atomic_load_n(&r->state, __ATOMIC_ACQUIRE) != 1 ||
		    r->slot != slot || (!all && r->id != id))
			continue;
		expect = 1;
		__atomic_compare_exchange_n(&r->state, &expect, 0, false,
					    __ATOMIC_RELEASE, __ATOMIC_RELAXED);
	}
}

static void rec_drop(int slot, __u32 id)
{
	rec_forget(slot, id, false);
}

static void rec_drop_slot(int slot)
{
	rec_forget(slot, 0, true);
}

static int rec_count(void)
{
	int i, n = 0;

	for (i = 0; i < NR_RECS; i++)
		n += __atomic_load_n(&fz->recs[i].state, __ATOMIC_RELAXED) == 1;
	return n;
}

/* --- one ioctl, its placement in memory, and the oracles on its result --- */

union args {
	struct ptlab_create create;
	struct ptlab_destroy destroy;
	struct ptlab_info info;
	struct ptlab_map_user map_user;
	struct ptlab_unmap unmap;
	struct ptlab_walk walk;
	struct ptlab_map_phys map_phys;
	struct ptlab_snapshot snapshot;
	struct ptlab_dev_create dev_create;
	struct ptlab_dev_destroy dev_destroy;
	struct ptlab_dev_dma dev_dma;
	struct ptlab_dev_faults dev_faults;
	struct ptlab_read_dirty read_dirty;
	__u8 raw[sizeof(struct ptlab_walk)];
};

/* Where the struct goes: its buffer, a bad pointer, read-only memory, or
 * across into a PROT_NONE page.
 */
enum { AT_NORMAL, AT_BAD, AT_RO, AT_STRADDLE };

struct call {
	int c;			/* C_* */
	unsigned long cmd;	/* 0: the command's own */
	int slot;		/* the fd's slot, or -1 for @fd */
	int fd;
	__u32 size;		/* the struct's size field, if @size_set */
	bool size_set;		/* else sizeof */
	bool dirty_tail;	/* a non-zero byte between sizeof and @size */
	bool refused;		/* must be refused before any effect */
	int at;
	const int *want;	/* the only results allowed, or NULL */
	int ret;		/* 0 or the errno */
	union args a;
};

static const char *cmd_name(const struct call *c)
{
	return cmds[c->c].name;
}

/* The arguments, every field of the struct by name, for a failure message. */
static void fmt_args(const struct call *c, char *buf, size_t len)
{
	const struct field *f;
	size_t n;
	__u64 v;

	n = snprintf(buf, len, "fd %d size %u%s, placed %d:", c->fd, c->size,
		     c->dirty_tail ? " (dirty tail)" : "", c->at);
	if (c->cmd)
		n += snprintf(buf + n, len - n, " cmd 0x%lx", c->cmd);
	for (f = cmds[c->c].fields; f && f->name && n < len; f++) {
		v = 0;
		memcpy(&v, c->a.raw + f->off, f->size);
		n += snprintf(buf + n, len - n, " %s 0x%llx", f->name, v);
	}
}

static bool in_set(const int *set, int end, int e)
{
	for (; *set != end; set++)
		if (*set == e)
			return true;
	return false;
}

static void call_fail(struct th *t, const struct call *c, const char *what)
{
	char args[400], allowed[160], e[16];
	const int *set;
	int n = 0;

	fmt_args(c, args, sizeof(args));
	allowed[0] = '\0';
	for (set = c->want; set && *set != -1 && n < 140; set++)
		n += snprintf(allowed + n, sizeof(allowed) - n, " %s",
			      errname(*set, e, sizeof(e)));
	fail(t, "%s: %s (%s%s%s); %s", cmd_name(c), what,
	     errname(c->ret, e, sizeof(e)), n ? ", allowed:" : "", allowed,
	     args);
}

/*
 * The result must be in the command's row; a call with one documented
 * fault must get exactly its errno. EBADF is allowed whenever the churn
 * thread may have closed the fd.
 */
static bool check_errno(struct th *t, const struct call *c)
{
	/* The churn may have closed it; a child never had the later ones. */
	if (c->ret == EBADF && c->slot >= 0 &&
	    (slot_churned(c->slot) || t->child))
		return true;
	if (c->want && !in_set(c->want, -1, c->ret)) {
		call_fail(t, c, c->ret ? "wrong errno for this fault" :
			  "succeeded where it must fail");
		return false;
	}
	if (c->ret && !in_set(cmds[c->c].errs, 0, c->ret)) {
		call_fail(t, c, "errno not in the command's table");
		return false;
	}
	return true;
}

/*
 * Issues the call as @c describes it and checks that the kernel wrote
 * nothing it must not: past min(size, sizeof) never, and nothing at all
 * when the call is refused for its size or its fd.
 */
static int do_call(struct th *t, struct call *c)
{
	size_t ssz = cmds[c->c].size, keep, lo, i;
	unsigned long cmd = c->cmd ? c->cmd : cmds[c->c].cmd;
	__u8 sent[sizeof(union args)];
	unsigned int dpos = 0;
	__u8 dval = 0;
	char *p = NULL;
	int r;

	if (c->slot >= 0)
		c->fd = slot_fd(c->slot);
	if (!c->size_set)
		c->size = ssz;
	keep = c->size < ssz ? c->size : ssz;
	/* The size field goes whatever the size says. */
	lo = keep > sizeof(c->size) ? keep : sizeof(c->size);
	switch (c->at) {
	case AT_NORMAL:
		p = t->cbuf + GUARD;
		memset(p + lo, GUARD_BYTE, (c->size > ssz ? c->size : ssz) -
		       lo + GUARD);
		memcpy(p, &c->a, lo);
		memcpy(p, &c->size, sizeof(c->size));
		if (c->size > ssz) {
			memset(p + ssz, 0, c->size - ssz);
			if (c->dirty_tail) {
				dpos = ssz + rnd(t, c->size - ssz);
				dval = 1 + rnd(t, 255);
				p[dpos] = dval;
			}
		}
		memcpy(sent, p, lo);
		break;
	case AT_RO:
		memcpy(t->ro_rw, &c->a, ssz);
		memcpy(t->ro_rw, &c->size, sizeof(c->size));
		p = t->ro_view;
		break;
	case AT_STRADDLE:
		/* Crosses into the PROT_NONE page after 4 to size - 1 bytes. */
		i = 4 + rnd(t, (c->size < 3 * PG ? c->size : 3 * PG) - 4);
		p = t->cbuf + 3 * PG - i;
		memset(p, 0, i);
		memcpy(p, &c->a, i < ssz ? i : ssz);
		memcpy(p, &c->size, sizeof(c->size));
		break;
	case AT_BAD: {
		static const uintptr_t bad[] = { 0, 1, 0xffff888000000000UL,
						 0x7ffffffff000UL };

		p = (char *)bad[rnd(t, ARRAY_SIZE(bad))];
		if (chance(t, 50))
			p = t->cbuf + 3 * PG;	/* PROT_NONE */
		break;
	}
	}

	__atomic_store_n(&t->cur_fd, c->fd, __ATOMIC_RELAXED);
	__atomic_store_n(&t->cur_id, c->a.destroy.id, __ATOMIC_RELAXED);
	__atomic_store_n(&t->cur_since, now_ns(), __ATOMIC_RELAXED);
	__atomic_store_n(&t->cur, c->c, __ATOMIC_RELAXED);
	r = ioctl(c->fd, cmd, p);
	c->ret = r ? errno : 0;
	__atomic_store_n(&t->cur, -1, __ATOMIC_RELAXED);

	__atomic_fetch_add(&t->st->calls[c->c], 1, __ATOMIC_RELAXED);
	if (!c->ret)
		__atomic_fetch_add(&t->st->ok[c->c], 1, __ATOMIC_RELAXED);
	else if (c->ret < 134)
		__atomic_fetch_add(&t->st->err[c->c][c->ret], 1,
				   __ATOMIC_RELAXED);
	if (r != 0 && r != -1) {
		call_fail(t, c, "ioctl returned neither 0 nor -1");
		return -1;
	}
	if (c->at != AT_NORMAL)
		return check_errno(t, c) ? c->ret : -1;

	/* Past the struct: the tail as sent, then the guard. */
	for (i = lo; i < c->size + GUARD; i++) {
		__u8 want = i >= c->size ? GUARD_BYTE :
			    i == dpos && dval ? dval : 0;

		if ((__u8)p[i] != want) {
			char what[96];

			snprintf(what, sizeof(what),
				 "wrote past its struct: byte %zu is 0x%02x, was 0x%02x",
				 i, (__u8)p[i], want);
			call_fail(t, c, what);
			return -1;
		}
	}
	/* Refused before any effect, or not run at all: nothing written. */
	if ((c->refused || c->ret == EBADF || c->ret == ENOTTY) &&
	    memcmp(sent, p, lo)) {
		call_fail(t, c, "refused, yet wrote into its struct");
		return -1;
	}
	memcpy(&c->a, p, keep);
	return check_errno(t, c) ? c->ret : -1;
}

/*
 * The size field: mostly sizeof; else the first version, too small, bigger
 * with a zero or a dirty tail, above a page, or so big that the struct runs
 * into unmapped memory. Sets what the call then must give.
 */
static void pick_size(struct th *t, struct call *c)
{
	static const __u32 small[] = { 0, 1, 4, 8 };
	size_t ssz = cmds[c->c].size;
	size_t first = cmd_first_size(cmds[c->c].cmd);
	unsigned int k = rnd(t, 100);

	if (k < 80)
		return;
	if (k >= 98) {
		c->at = chance(t, 50) ? AT_BAD : AT_RO;
		c->want = want_efault;
		return;
	}
	c->size_set = true;
	if (k >= 96) {
		c->at = AT_STRADDLE;
		c->size = chance(t, 50) ? ssz : chance(t, 50) ? 0xffffffffU :
			  PG + 8;
		c->want = want_efault_e2big;
		return;
	}
	if (k < 84) {
		c->size = first;
	} else if (k < 88) {
		c->size = small[rnd(t, ARRAY_SIZE(small))];
		if (c->size >= first || chance(t, 50))
			c->size = first - 1 - rnd(t, 4);
		c->want = want_einval;
		c->refused = true;
	} else if (k < 92) {
		c->size = ssz + 8 * (1 + rnd(t, 4));
		c->dirty_tail = chance(t, 50);
	} else {
		c->size = chance(t, 90) ? PG + 8 * (1 + rnd(t, 4)) : 2 * PG + 16;
		c->dirty_tail = chance(t, 30);
	}
	if (c->dirty_tail) {
		c->want = want_e2big;
		c->refused = true;
	}
}

/* A churned slot mostly, this thread's own file sometimes. */
static int pick_slot(struct th *t)
{
	if (t->priv_slot >= 0 && chance(t, 25))
		return t->priv_slot;
	return rnd(t, NR_SLOTS);
}

static void default_rec(struct rec *r);

/*
 * An id to aim at: a live space mostly, else recent, predicted or random.
 * @r receives its record, or what to assume of an id no record describes.
 */
static __u32 pick_id(struct th *t, struct rec *r, int *slot)
{
	unsigned int k = rnd(t, 100);

	default_rec(r);
	*slot = pick_slot(t);
	if (k < 85 && rec_pick(t, r)) {
		*slot = r->slot;
		return r->id;
	}
	if (k < 90)
		return recent_pick(t);
	if (k < 94)
		return ids_lowest_free();
	if (k < 97)
		return fz->last_id + rnd(t, 3);
	return chance(t, 50) ? rnd(t, 64) : (__u32)rnd64(t);
}

/* --- the operations: valid mostly, then boundary, then one fault --- */

/* What to assume of an id no record describes: Arm stage 1 defaults. */
static void default_rec(struct rec *r)
{
	memset(r, 0, sizeof(*r));
	r->gran = 12;
	r->ias = 48;
	r->prot_mask = PTLAB_PROT_ALL;
	r->pgsizes = SZ_4K | SZ_2M | SZ_1G;
	rec_hot(r);
}

static __u64 top_of(const struct rec *r)
{
	return r->ias >= 64 ? 0 : 1ULL << r->ias;	/* 0: 2^64 */
}

static __u64 pick_iova(struct th *t, const struct rec *r)
{
	__u64 gran = 1ULL << r->gran;
	__u64 iova = r->base + rnd(t, NHOT) * r->stride;

	if (chance(t, 25))
		iova += rnd(t, r->stride / gran) * gran;
	return iova;
}

static __u64 pick_len(struct th *t, const struct rec *r)
{
	__u64 gran = 1ULL << r->gran;
	const __u64 lens[] = { gran, 2 * gran, 4 * gran, 16 * gran, SZ_64K,
			       SZ_2M, SZ_2M, SZ_4M, r->stride * NHOT };
	__u64 len = lens[rnd(t, ARRAY_SIZE(lens))];

	if (len % gran || len > 8 * SZ_1M)
		len = gran;
	return len;
}

static __u32 pick_prot(struct th *t, const struct rec *r)
{
	unsigned int k = rnd(t, 100);
	__u32 prot;

	if (k < 55)
		prot = PTLAB_PROT_READ | PTLAB_PROT_WRITE;
	else if (k < 70)
		prot = PTLAB_PROT_READ;
	else if (k < 80)
		prot = PTLAB_PROT_READ | PTLAB_PROT_WRITE | PTLAB_PROT_CACHE;
	else if (k < 94)
		prot = ((__u32)rnd64(t) & r->prot_mask) | PTLAB_PROT_READ;
	else if (k < 96)
		prot = PTLAB_PROT_WRITE;
	else if (k < 98)
		prot = 0;
	else
		prot = PTLAB_PROT_READ | PTLAB_PROT_CACHE | PTLAB_PROT_MMIO;
	return prot & r->prot_mask;
}

/* One page size of the space mostly; else one it cannot have. */
static __u64 pick_pgsize(struct th *t, const struct rec *r)
{
	static const __u64 odd[] = { 1, SZ_8K, 3 * SZ_4K, ~0ULL, BIT_ULL(63),
				     SZ_16G };
	__u64 set = r->pgsizes, bit;
	int n = __builtin_popcountll(set), k;

	if (!n || chance(t, 15))
		return odd[rnd(t, ARRAY_SIZE(odd))];
	for (k = rnd(t, n); ; k--) {
		bit = set & -set;
		if (!k)
			return bit;
		set &= set - 1;
	}
}

/*
 * User memory for a map of @len at @iova: from the THP buffer with the same
 * offset into 2M as the IOVA, so that blocks are possible; sometimes from
 * the buffer of 4K pages.
 */
static __u64 pick_uptr(struct th *t, const struct rec *r, __u64 iova,
		       __u64 len)
{
	__u64 gran = 1ULL << r->gran, off, n;

	if (len > BIG_LEN / 2)
		len = BIG_LEN / 2;
	if (r->gran == 12 && len <= SMALL_LEN && chance(t, 25))
		return (uintptr_t)mem.small +
		       rnd(t, (SMALL_LEN - len) / PG + 1) * PG;
	off = iova % SZ_2M;
	n = (BIG_LEN - len - off) / SZ_2M;
	off += rnd(t, n + 1) * SZ_2M;
	if (chance(t, 20))	/* any granule: no block */
		off = rnd(t, (BIG_LEN - len) / gran + 1) * gran;
	return (uintptr_t)mem.big + off;
}

/* User memory that is not plain: read-only, inaccessible, shared, gone. */
static __u64 odd_uptr(struct th *t)
{
	switch (rnd(t, 8)) {
	case 0:
		return (uintptr_t)mem.ro;
	case 1:
		return (uintptr_t)mem.none;
	case 2:
		return (uintptr_t)mem.shm;
	case 3:
		return (uintptr_t)mem.hole;
	case 4:
		return (uintptr_t)mem.big + 0x800;	/* not page aligned */
	case 5:
		return 0xffff888000000000ULL;		/* kernel */
	case 6:
		return 0x7ffffffff000ULL;		/* the top of user space */
	default:
		return 0;
	}
}

/* One of the first-level faults every command documents, or none. */
static void one_fault(struct th *t, struct call *c, __u32 *flags,
		      __u32 *reserved, bool enoent)
{
	if (flags && (!reserved || chance(t, 50))) {
		*flags |= 1U << (1 + rnd(t, 31)) | (chance(t, 50) ? 1U : 0);
		c->want = enoent ? want_eopnotsupp_enoent : want_eopnotsupp;
	} else {
		*reserved = 1 + rnd(t, 0xffff);
		c->want = enoent ? want_einval_enoent : want_einval;
	}
	c->refused = true;
}

static void got_id(int slot, __u32 id)
{
	ids_set(id, true);
	fz->last_id = id;
	recent_push(id);
	(void)slot;
}

static void lost_id(int slot, __u32 id)
{
	ids_set(id, false);
	rec_drop(slot, id);
	recent_push(id);
}

/* What INFO reports must hold for any address space. */
static void check_info(struct th *t, const struct call *c)
{
	const struct ptlab_info *i = &c->a.info;
	const char *what = NULL;

	if (!i->out_format || i->out_format > FUZZ_FMT_LAST)
		what = "unknown format";
	else if (i->out_granule_shift < 10 ||
		 i->out_granule_shift > (i->out_format ==
					 PTLAB_FMT_NVIDIA_GMMU_V2 ? 17 : 16))
		what = "granule out of range";	/* GMMU v2: 128K big pages */
	else if (i->out_ias < 12 || i->out_ias > 64 || !i->out_oas ||
		 i->out_oas > 64)
		what = "address size out of range";
	else if (!i->out_levels || i->out_levels > PTLAB_MAX_LEVELS)
		what = "levels out of range";
	else if (!i->out_pgsize_bitmap)
		what = "no page size";
	else if (!i->out_prot_mask || i->out_prot_mask & ~PTLAB_PROT_ALL)
		what = "bad protection mask";
	else if (i->__reserved || i->__reserved2)
		what = "reserved fields not zero";
	else if (!i->out_root_pa && slot_shows_pa(t, c->slot) == 1)
		what = "no root table";
	else if (i->out_root_pa && !slot_shows_pa(t, c->slot))
		what = "a physical address for an opener without CAP_SYS_ADMIN";
	else if (i->out_mapped_bytes % (1ULL << i->out_granule_shift))
		what = "mapped bytes not a multiple of the granule";
	if (what)
		call_fail(t, c, what);
}

static void do_info(struct th *t, struct call *c, int slot, __u32 id)
{
	memset(c, 0, sizeof(*c));
	c->c = C_INFO;
	c->slot = slot;
	c->a.info.id = id;
	if (!do_call(t, c))
		check_info(t, c);
}

static void op_destroy_id(struct th *t, int slot, __u32 id)
{
	struct call c = { .c = C_DESTROY, .slot = slot };

	c.a.destroy.id = id;
	if (do_call(t, &c) == 0)
		lost_id(slot, id);
	else if (c.ret == ENOENT)
		rec_drop(slot, id);
}

static void op_destroy(struct th *t)
{
	struct call c = { .c = C_DESTROY };
	struct rec r;

	/* Children see the records, but leave the work to the threads. */
	if (t->child && chance(t, 80))
		return;
	c.a.destroy.id = pick_id(t, &r, &c.slot);
	pick_size(t, &c);
	if (do_call(t, &c) == 0)
		lost_id(c.slot, c.a.destroy.id);
	else if (c.ret == ENOENT)
		rec_drop(c.slot, c.a.destroy.id);
}

/* A published firmware instance, or false. */
static bool fw_pick(struct th *t, struct fwrec *out)
{
	unsigned int start = rnd(t, NR_FW), i;

	for (i = 0; i < NR_FW; i++) {
		*out = fz->fws[(start + i) % NR_FW];
		if (out->live)
			return true;
	}
	return false;
}

/*
 * Adoption: root builds on a firmware table (may be taken already, or
 * gone); the unprivileged must get EPERM whatever the table.
 */
static void fill_adopt(struct th *t, struct call *c)
{
	struct ptlab_create *a = &c->a.create;
	struct fwrec fw;

	t->fw_range.iova = FW_IOVA;
	t->fw_range.length = FW_LEN;
	a->flags = PTLAB_CREATE_ADOPT;
	a->fw_ranges = (uintptr_t)&t->fw_range;
	a->nr_fw_ranges = 1;
	a->granule_shift = 0;
	a->ias = 0;
	a->oas = 0;
	a->pgsize_bitmap = 0;
	if (fw_pick(t, &fw)) {
		a->format = fw.fmt;
		a->adopt_root_pa = fw.root;
	} else {
		a->format = 1 + rnd(t, PTLAB_FMT_APPLE_UAT);
		a->adopt_root_pa = mem.big_pas[0];
	}
	if (!t->priv) {
		c->want = want_eperm;
		c->refused = true;
		return;
	}
	switch (rnd(t, 10)) {
	case 0:
		a->nr_fw_ranges = PTLAB_MAX_FW_RANGES + 1 + rnd(t, 100);
		c->want = want_einval;
		c->refused = true;
		break;
	case 1:
		a->fw_ranges = (uintptr_t)mem.none;
		c->want = want_efault;
		c->refused = true;
		break;
	case 2:
		a->nr_fw_ranges = 0;	/* misses what the firmware made */
		break;
	}
}

static void op_create(struct th *t)
{
	/* Half in the file that stays, where spaces live long enough. */
	struct call c = { .c = C_CREATE,
			  .slot = chance(t, 50) ? (int)rnd(t, FIRST_CHURNED) :
						  pick_slot(t) };
	struct ptlab_create *a = &c.a.create;
	const struct create_geom *g = &geoms[rnd(t, ARRAY_SIZE(geoms))];
	unsigned int k = rnd(t, 100);
	__u32 id;

	if (rec_count() >= LIVE_CAP) {
		op_destroy(t);
		return;
	}
	a->format = g->fmt;
	a->granule_shift = g->gran;
	a->ias = g->ias;
	a->oas = g->oas;
	a->pgsize_bitmap = g->pgsizes;
	if (k < 70) {
		/* Dirty tracking where the format has it (else EOPNOTSUPP). */
		if (chance(t, 50))
			a->flags |= PTLAB_CREATE_DIRTY;
		pick_size(t, &c);
	} else if (k < 84) {
		/* Every format with boundary geometry. */
		a->format = chance(t, 85) ? 1 + rnd(t, FUZZ_FMT_LAST) :
			    odd_fmts[rnd(t, ARRAY_SIZE(odd_fmts))];
		if (chance(t, 50))
			a->granule_shift = odd_grans[rnd(t, ARRAY_SIZE(odd_grans))];
		if (chance(t, 50))
			a->ias = odd_bits[rnd(t, ARRAY_SIZE(odd_bits))];
		if (chance(t, 30))
			a->oas = odd_bits[rnd(t, ARRAY_SIZE(odd_bits))];
		if (chance(t, 40))
			a->pgsize_bitmap = chance(t, 80) ?
				odd_pgsizes[rnd(t, ARRAY_SIZE(odd_pgsizes))] :
				rnd64(t);
		pick_size(t, &c);
	} else if (k < 90) {
		fill_adopt(t, &c);
	} else {
		switch (rnd(t, 4)) {
		case 0:
			one_fault(t, &c, &a->flags, NULL, false);
			/* DIRTY and the Arm variants are known: keep one unknown. */
			if (!(a->flags & ~(PTLAB_CREATE_ADOPT | PTLAB_CREATE_DIRTY |
					   PTLAB_CREATE_ARM_QUIRKS)))
				a->flags |= 1U << (8 + rnd(t, 24));
			break;
		case 1:
			one_fault(t, &c, NULL, chance(t, 50) ?
				  &a->__reserved : &a->__reserved2, false);
			break;
		case 2:
			/* Adoption's fields without adoption. */
			if (chance(t, 50))
				a->adopt_root_pa = rnd64(t) | 1;
			else
				a->nr_fw_ranges = 1 + rnd(t, 8);
			c.want = want_einval;
			c.refused = true;
			break;
		default:
			a->format = odd_fmts[rnd(t, ARRAY_SIZE(odd_fmts))];
			c.want = want_eopnotsupp;
			c.refused = true;
			break;
		}
	}

	/* The destroyer aims at this file and at the id this will get. */
	__atomic_store_n(&fz->hint_slot, c.slot, __ATOMIC_RELAXED);
	__atomic_add_fetch(&fz->creating, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&fz->creates, 1, __ATOMIC_RELAXED);
	do_call(t, &c);
	__atomic_sub_fetch(&fz->creating, 1, __ATOMIC_RELAXED);
	if (c.ret || c.at != AT_NORMAL)
		return;
	id = a->out_id;
	if (!id) {
		call_fail(t, &c, "returned id 0");
		return;
	}
	got_id(c.slot, id);
	do_info(t, &c, c.slot, id);
	/* A child's slots may hold other files than the parent's. */
	if (!c.ret && rec_count() < LIVE_CAP && !t->child)
		rec_add(c.slot, id, &c.a.info);
	else if (c.ret != EBADF)
		op_destroy_id(t, c.slot, id);
}

static void op_info(struct th *t)
{
	struct call c = { .c = C_INFO };
	struct rec r;

	c.a.info.id = pick_id(t, &r, &c.slot);
	if (chance(t, 8))
		one_fault(t, &c, NULL, chance(t, 50) ? &c.a.info.__reserved :
			  &c.a.info.__reserved2, true);
	else
		pick_size(t, &c);
	if (!do_call(t, &c) && c.at == AT_NORMAL)
		check_info(t, &c);
}

/* Boundary ranges: the ends of the input range, wrapping, empty, unaligned. */
static void odd_range(struct th *t, const struct rec *r, __u64 *iova,
		      __u64 *len)
{
	__u64 gran = 1ULL << r->gran, top = top_of(r);

	switch (rnd(t, 8)) {
	case 0:
		*iova = 0;
		break;
	case 1:
		*iova = top - gran;	/* the last granule */
		*len = gran;
		break;
	case 2:
		*iova = top;		/* just past the end */
		break;
	case 3:
		*iova = ~0ULL & ~(gran - 1);
		*len = 2 * gran;	/* wraps */
		break;
	case 4:
		*len = 0;
		break;
	case 5:
		*len += 1 + rnd(t, gran - 1);
		break;
	case 6:
		*iova += 1 + rnd(t, gran - 1);
		break;
	default:
		*iova = FW_IOVA;	/* the firmware's, if adopted */
		*len = FW_LEN;
		break;
	}
}

static void op_map_user(struct th *t)
{
	struct call c = { .c = C_MAP_USER };
	struct ptlab_map_user *a = &c.a.map_user;
	unsigned int k = rnd(t, 100);
	struct rec r;

	a->id = pick_id(t, &r, &c.slot);
	a->iova = pick_iova(t, &r);
	a->length = pick_len(t, &r);
	a->uptr = pick_uptr(t, &r, a->iova, a->length);
	a->prot = pick_prot(t, &r);
	if (chance(t, 8))
		a->pgsize = pick_pgsize(t, &r);
	if (k < 75) {
		pick_size(t, &c);
	} else if (k < 90) {
		switch (rnd(t, 5)) {
		case 0:
			odd_range(t, &r, &a->iova, &a->length);
			break;
		case 1:
			a->uptr = odd_uptr(t);
			break;
		case 2:
			/* Far longer than the buffer, which ends in PROT_NONE. */
			a->length = (1ULL << (24 + rnd(t, 40))) & ~(PG - 1);
			a->uptr = (uintptr_t)mem.big + BIG_LEN - 2 * PG;
			break;
		case 3:
			a->pgsize = pick_pgsize(t, &r);
			break;
		default:
			a->prot = chance(t, 50) ? PTLAB_PROT_ALL : 0;
			break;
		}
	} else if (chance(t, 50)) {
		one_fault(t, &c, &a->flags, NULL, true);
	} else {
		a->prot |= 1U << (6 + rnd(t, 26));
		c.want = want_eopnotsupp_enoent;
		c.refused = true;
	}
	if (do_call(t, &c) < 0 || c.at != AT_NORMAL || c.refused)
		return;
	/* Only the opener's process may map its memory. */
	if (!c.ret && opener[c.fd - FD_BASE] != getpid())
		call_fail(t, &c, "MAP_USER through another process's file");
	else if (!c.ret && a->out_mapped != a->length)
		call_fail(t, &c, "success without mapping it all");
	else if (c.ret == EADDRINUSE && a->out_mapped)
		call_fail(t, &c, "EADDRINUSE left a part mapped");
	else if (a->out_mapped > a->length)
		call_fail(t, &c, "mapped more than asked");
}

static void op_unmap(struct th *t)
{
	struct call c = { .c = C_UNMAP };
	struct ptlab_unmap *a = &c.a.unmap;
	unsigned int k = rnd(t, 100);
	struct rec r;

	a->id = pick_id(t, &r, &c.slot);
	a->iova = r.base + rnd(t, NHOT) * r.stride;
	if (chance(t, 15))
		a->iova = pick_iova(t, &r);
	a->length = chance(t, 20) ? r.stride * NHOT : pick_len(t, &r);
	if (k < 82)
		pick_size(t, &c);
	else if (k < 92)
		odd_range(t, &r, &a->iova, &a->length);
	else
		one_fault(t, &c, &a->flags, &a->__reserved, true);
	if (do_call(t, &c) < 0 || c.at != AT_NORMAL || c.refused)
		return;
	if (!c.ret && !a->out_unmapped)
		call_fail(t, &c, "success without unmapping anything");
	else if (c.ret && a->out_unmapped)
		call_fail(t, &c, "failed, yet reports bytes unmapped");
}

static void op_walk(struct th *t)
{
	struct call c = { .c = C_WALK };
	struct ptlab_walk *w = &c.a.walk;
	__u64 top, len = 0;
	struct rec r;
	unsigned int i;

	w->id = pick_id(t, &r, &c.slot);
	w->iova = r.base + rnd(t, NHOT) * r.stride + rnd64(t) % r.stride;
	top = top_of(&r);
	if (chance(t, 10)) {
		odd_range(t, &r, &w->iova, &len);
		if (chance(t, 30))
			w->iova = top - 1;
	}
	if (chance(t, 5))
		one_fault(t, &c, NULL, &w->__reserved, true);
	else
		pick_size(t, &c);
	if (do_call(t, &c) < 0 || c.at != AT_NORMAL || c.refused)
		return;
	if (c.ret && c.ret != ENOENT)
		return;
	if (w->out_nr_entries > PTLAB_MAX_LEVELS) {
		call_fail(t, &c, "more entries than levels");
		return;
	}
	for (i = w->out_nr_entries; i < PTLAB_MAX_LEVELS; i++) {
		if (w->out_entries[i]) {
			call_fail(t, &c, "an entry past those read is not zero");
			return;
		}
	}
	if (c.ret)
		return;
	if (!w->out_nr_entries)
		call_fail(t, &c, "a leaf without entries");
	else if (w->out_pgsize < SZ_4K || w->out_pgsize & (w->out_pgsize - 1))
		call_fail(t, &c, "page size not a power of two from 4K");
	else if (w->out_pa && !slot_shows_pa(t, c.slot))
		call_fail(t, &c, "a physical address for an opener without CAP_SYS_ADMIN");
	else if ((w->out_pa || slot_shows_pa(t, c.slot) == 1) &&
		 (w->out_pa ^ w->iova) & (w->out_pgsize - 1))
		call_fail(t, &c, "physical address not at the IOVA's offset in its page");
	else if (w->out_prot & ~PTLAB_PROT_ALL)
		call_fail(t, &c, "unknown protection bits");
	else if (w->out_level >= PTLAB_MAX_LEVELS)
		call_fail(t, &c, "level out of range");
}

/* Physical memory: our own RAM pages, MMIO, or addresses that are neither. */
static __u64 pick_pa(struct th *t, const struct rec *r, __u64 len)
{
	__u64 gran = 1ULL << r->gran, off, pa;

	switch (rnd(t, 8)) {
	case 0:
	case 1:
	case 5:
		off = rnd(t, (BIG_LEN - len) / gran + 1) * gran;
		pa = mem.big_pas[off / PG];
		if (pa && chance(t, 90))
			return pa;
		return (1ULL << 40) + rnd(t, 64) * SZ_2M;	/* no RAM here */
	case 6:
		return (1ULL << 40) + rnd(t, 64) * SZ_2M;
	case 2:
		return chance(t, 50) ? 0xfee00000ULL : 0xfec00000ULL;
	case 3:
		return mem.big_pas[0] + 0x800;			/* unaligned */
	case 4:
		return ~0ULL & ~(gran - 1);			/* wraps */
	default:
		return 0;
	}
}

static void op_map_phys(struct th *t)
{
	struct call c = { .c = C_MAP_PHYS };
	struct ptlab_map_phys *a = &c.a.map_phys;
	unsigned int k = rnd(t, 100);
	struct rec r;

	a->id = pick_id(t, &r, &c.slot);
	a->iova = pick_iova(t, &r);
	a->length = pick_len(t, &r);
	if (a->length > SZ_4M)
		a->length = SZ_2M;
	a->paddr = pick_pa(t, &r, a->length);
	a->prot = pick_prot(t, &r);
	if (chance(t, 10))
		a->pgsize = pick_pgsize(t, &r);
	if (!t->priv) {
		/* Valid up to the capability: nothing but EPERM (or gone). */
		c.want = want_eperm_enoent;
		c.refused = true;
	} else if (k < 80) {
		pick_size(t, &c);
	} else if (k < 90) {
		odd_range(t, &r, &a->iova, &a->length);
	} else if (chance(t, 60)) {
		one_fault(t, &c, &a->flags, &a->__reserved, true);
	} else {
		a->prot |= 1U << (6 + rnd(t, 26));
		c.want = want_eopnotsupp_enoent;
		c.refused = true;
	}
	if (do_call(t, &c) < 0 || c.at != AT_NORMAL || c.refused)
		return;
	if (!c.ret && (a->out_mapped != a->length ||
		       (a->out_kind != PTLAB_PHYS_RAM &&
			a->out_kind != PTLAB_PHYS_MMIO)))
		call_fail(t, &c, "success without all mapped or without a kind");
	else if (c.ret == EADDRINUSE && a->out_mapped)
		call_fail(t, &c, "EADDRINUSE left a part mapped");
	else if (a->out_mapped > a->length)
		call_fail(t, &c, "mapped more than asked");
}

/* The snapshot landed whole in our own file: its size, an ELF core. */
static void check_snap_file(struct th *t, const struct call *c)
{
	unsigned char hdr[18];
	struct stat st;

	if (fstat(t->snap_fd, &st) || st.st_size != (off_t)c->a.snapshot.out_bytes) {
		call_fail(t, c, "the file's size is not the bytes reported");
		return;
	}
	if (pread(t->snap_fd, hdr, sizeof(hdr), 0) != sizeof(hdr) ||
	    memcmp(hdr, "\177ELF", 4) || hdr[16] != 4 /* ET_CORE */)
		call_fail(t, c, "the file is not an ELF core");
}

static void op_snapshot(struct th *t)
{
	struct call c = { .c = C_SNAPSHOT };
	struct ptlab_snapshot *a = &c.a.snapshot;
	unsigned int k = rnd(t, 100);
	bool own = false;
	struct rec r;

	a->id = pick_id(t, &r, &c.slot);
	if (k < 35) {
		own = !ftruncate(t->snap_fd, 0) &&
		      !lseek(t->snap_fd, 0, SEEK_SET);
		a->fd = t->snap_fd;
	} else if (k < 55) {
		a->fd = mem.null_fd;
	} else if (k < 70) {
		a->fd = mem.pipe_wr;
	} else if (k < 74) {
		a->fd = mem.npipe_wr;
	} else if (k < 78) {
		a->fd = mem.full_fd;
	} else if (k < 83) {
		a->fd = mem.rdonly_fd;		/* not open for writing */
	} else if (k < 88) {
		a->fd = slot_fd(rnd(t, NR_SLOTS));	/* cannot be written */
	} else if (k < 94) {
		a->fd = chance(t, 50) ? -1 : 1 << 20;
	} else {
		a->fd = mem.null_fd;
		one_fault(t, &c, &a->flags, NULL, true);
	}
	if (!c.want)
		pick_size(t, &c);
	if (do_call(t, &c) < 0 || c.at != AT_NORMAL || c.refused)
		return;
	if (!c.ret && own)
		check_snap_file(t, &c);
	else if (!c.ret && a->out_bytes < 64)
		call_fail(t, &c, "success with less than an ELF header");
}

/*
 * Commands the module does not have: ptlab's type with another number, or
 * another type (but none that the VFS answers itself: 0x00, 0x15, 'T', 'X',
 * 'f', 0x94). Also ptlab's numbers with other direction and size bits,
 * which the module ignores: those are the real commands.
 */
static void op_badcmd(struct th *t)
{
	static const __u8 vfs_types[] = { 0x00, 0x15, 'T', 'X', 'f', 0x94,
					  PTLAB_TYPE };
	struct call c = { .c = C_BADCMD, .slot = pick_slot(t) };
	unsigned int k = rnd(t, 100), i, nr, type;
	struct rec r;

	for (i = 0; i < sizeof(c.a.raw); i++)
		c.a.raw[i] = rnd64(t);
	if (k < 40) {
		nr = rnd(t, 256);
		if (nr >= PTLAB_CMD_BASE && nr <= PTLAB_CMD_READ_DIRTY)
			nr = PTLAB_CMD_READ_DIRTY + 1 + rnd(t, 100);
		c.cmd = _IOC(rnd(t, 4), PTLAB_TYPE, nr, rnd(t, 1 << 14));
	} else if (k < 70) {
		do {
			type = rnd(t, 256);
		} while (memchr(vfs_types, type, sizeof(vfs_types)));
		c.cmd = _IOC(rnd(t, 4), type, rnd(t, 256), rnd(t, 1 << 14));
	} else {
		/* A real command in disguise, with random contents. */
		c.c = C_DESTROY + rnd(t, C_SNAPSHOT - C_DESTROY + 1);
		if (c.c == C_MAP_PHYS)		/* no random physical memory */
			c.c = C_WALK;
		c.cmd = _IOC(rnd(t, 4), PTLAB_TYPE,
			     _IOC_NR(cmds[c.c].cmd), rnd(t, 1 << 14));
		c.size = chance(t, 70) ? cmds[c.c].size :
			 (__u32)rnd64(t) % (2 * PG);
		c.size_set = true;
		if (c.size < cmd_first_size(cmds[c.c].cmd)) {
			c.want = want_einval;
			c.refused = true;
		}
		/* Any id, but never a file of ours to write into. */
		c.a.destroy.id = pick_id(t, &r, &c.slot);
		if (c.c == C_SNAPSHOT)
			c.a.snapshot.fd = mem.null_fd;
		do_call(t, &c);
		return;
	}
	c.want = want_enotty;
	c.refused = true;
	do_call(t, &c);
}

/* Any command, every field random but the id (and no random target file). */
static void op_random(struct th *t)
{
	struct call c = { .c = rnd(t, C_SNAPSHOT + 1) };
	unsigned int i;
	struct rec r;

	if (c.c == C_MAP_PHYS)
		c.c = C_UNMAP;
	for (i = 0; i < sizeof(c.a.raw); i++)
		c.a.raw[i] = chance(t, 60) ? 0 : rnd64(t);
	c.slot = pick_slot(t);
	if (c.c != C_CREATE)
		c.a.destroy.id = pick_id(t, &r, &c.slot);
	if (c.c == C_SNAPSHOT)
		c.a.snapshot.fd = mem.null_fd;
	if (c.c == C_CREATE && c.a.create.flags & PTLAB_CREATE_ADOPT &&
	    !t->priv) {
		c.a.create.flags = PTLAB_CREATE_ADOPT;
		c.a.create.__reserved = 0;
		c.a.create.__reserved2 = 0;
	}
	pick_size(t, &c);
	do_call(t, &c);
	/* An unprivileged adoption can only be refused. */
	if (c.c == C_CREATE && !t->priv && !c.ret &&
	    c.a.create.flags & PTLAB_CREATE_ADOPT)
		call_fail(t, &c, "adopted without CAP_SYS_RAWIO");
	if (c.c == C_CREATE && !c.ret && c.at == AT_NORMAL)
		op_destroy_id(t, c.slot, c.a.create.out_id);
}

/* --- simulated devices --- */

/* One of the thread's devices, or a made-up id now and then. */
static __u32 pick_dev(struct th *t, int *slot)
{
	int i;

	if (!t->nr_devs || chance(t, 5)) {
		*slot = pick_slot(t);
		return rnd(t, 200);
	}
	i = rnd(t, t->nr_devs);
	*slot = t->dev_slot[i];
	return t->devs[i];
}

static void dev_forget(struct th *t, int i)
{
	t->devs[i] = t->devs[--t->nr_devs];
	t->dev_slot[i] = t->dev_slot[t->nr_devs];
}

static void op_dev_create(struct th *t)
{
	struct call c = { .c = C_DEV_CREATE };
	struct ptlab_dev_create *a = &c.a.dev_create;
	struct call d = { .c = C_DEV_DESTROY };
	struct rec r;

	a->id = pick_id(t, &r, &c.slot);
	a->flags = chance(t, 80) ? rnd(t, PTLAB_DEV_FLAGS + 1) : rnd64(t);
	a->iotlb_entries = chance(t, 50) ? 0 : chance(t, 90) ? 1 + rnd(t, 64) :
			   rnd64(t);
	if (chance(t, 10))
		one_fault(t, &c, NULL, &a->__reserved, true);
	else
		pick_size(t, &c);
	if (do_call(t, &c) || c.at != AT_NORMAL)
		return;
	if (t->nr_devs < NDEVS) {
		t->devs[t->nr_devs] = a->out_dev_id;
		t->dev_slot[t->nr_devs++] = c.slot;
		return;
	}
	d.slot = c.slot;
	d.a.dev_destroy.dev_id = a->out_dev_id;
	if (do_call(t, &d))
		call_fail(t, &d, "cannot destroy the device just created");
}

static void op_dev_destroy(struct th *t)
{
	struct call c = { .c = C_DEV_DESTROY };
	int i;

	c.a.dev_destroy.dev_id = pick_dev(t, &c.slot);
	pick_size(t, &c);
	do_call(t, &c);
	for (i = 0; i < t->nr_devs; i++)
		if (t->devs[i] == c.a.dev_destroy.dev_id &&
		    t->dev_slot[i] == c.slot &&
		    (!c.ret || c.ret == ENOENT || c.ret == EBADF))
			dev_forget(t, i);
}

static void op_dev_dma(struct th *t)
{
	static __thread char dma_buf[2 * PG];
	static const __u32 access[] = {
		PTLAB_ACCESS_READ, PTLAB_ACCESS_WRITE,
		PTLAB_ACCESS_READ | PTLAB_ACCESS_PRIV,
		PTLAB_ACCESS_READ | PTLAB_ACCESS_EXEC,
		PTLAB_ACCESS_WRITE | PTLAB_ACCESS_PRIV,
	};
	struct call c = { .c = C_DEV_DMA };
	struct ptlab_dev_dma *a = &c.a.dev_dma;
	struct rec r;
	int slot;

	a->dev_id = pick_dev(t, &c.slot);
	/* The IOVAs of some space: the device's own, or another's. */
	pick_id(t, &r, &slot);
	a->iova = pick_iova(t, &r) + (chance(t, 20) ? rnd(t, PG) : 0);
	a->access = chance(t, 90) ? access[rnd(t, ARRAY_SIZE(access))] :
		    rnd64(t);
	a->length = chance(t, 90) ? 1 + rnd(t, 2 * PG) : rnd64(t);
	/* Not cbuf: the struct itself lives there. */
	a->uptr = (__u64)(uintptr_t)dma_buf;
	if (chance(t, 5))
		a->uptr = (__u64)(uintptr_t)(t->cbuf + 3 * PG);	/* PROT_NONE */
	if (chance(t, 10))
		one_fault(t, &c, NULL, chance(t, 50) ? &a->__reserved :
			  &a->__reserved2, true);
	else
		pick_size(t, &c);
	if (do_call(t, &c) < 0 || c.at != AT_NORMAL || c.refused)
		return;
	if (a->out_done > a->length)
		call_fail(t, &c, "more bytes done than asked");
	else if (!c.ret && a->out_done != a->length)
		call_fail(t, &c, "success, yet not every byte done");
	else if (c.ret == EIO &&
		 (!a->out_fault || a->out_fault > PTLAB_FAULT_STALE))
		call_fail(t, &c, "EIO without a fault kind");
	else if (c.ret != EIO && a->out_fault)
		call_fail(t, &c, "a fault kind without EIO");
}

static void op_dev_faults(struct th *t)
{
	struct ptlab_fault recs[8];
	struct call c = { .c = C_DEV_FAULTS };
	struct ptlab_dev_faults *a = &c.a.dev_faults;
	__u32 i;

	memset(recs, 0, sizeof(recs));
	a->dev_id = pick_dev(t, &c.slot);
	a->max = chance(t, 90) ? rnd(t, ARRAY_SIZE(recs) + 1) : 0;
	a->records = (__u64)(uintptr_t)recs;
	if (chance(t, 5))
		a->records = (__u64)(uintptr_t)(t->cbuf + 3 * PG);
	pick_size(t, &c);
	if (do_call(t, &c) < 0 || c.at != AT_NORMAL || c.refused || c.ret)
		return;
	if (a->out_count > a->max) {
		call_fail(t, &c, "more records than room");
		return;
	}
	for (i = 0; i < a->out_count; i++)
		if (!recs[i].kind || recs[i].kind > PTLAB_FAULT_STALE ||
		    recs[i].__reserved)
			call_fail(t, &c, "a record of no known kind");
}

/*
 * Read-and-clear-dirty over a hot range, racing maps, unmaps and DMA: on
 * spaces without dirty tracking EOPNOTSUPP; the count never exceeds the
 * bits asked for, and no bit past them is written.
 */
static void op_read_dirty(struct th *t)
{
	__u64 bits[9], pages, i;
	struct call c = { .c = C_READ_DIRTY };
	struct ptlab_read_dirty *a = &c.a.read_dirty;
	struct rec r;

	memset(bits, 0xa5, sizeof(bits));
	a->id = pick_id(t, &r, &c.slot);
	a->flags = chance(t, 30) ? PTLAB_READ_DIRTY_NO_CLEAR : 0;
	a->page_size = r.pgsizes & -r.pgsizes;
	if (!a->page_size)
		a->page_size = PG;
	if (chance(t, 20))
		a->page_size <<= rnd(t, 10);
	pages = 1 + rnd(t, 8 * 64);
	a->iova = r.base + rnd(t, NHOT) * r.stride;
	a->iova &= ~(a->page_size - 1);
	a->length = pages * a->page_size;
	a->bitmap = (__u64)(uintptr_t)bits;
	/* The last word stays out of reach: it must come back untouched. */
	a->bitmap_bytes = sizeof(bits) - sizeof(bits[0]);
	if (chance(t, 10))
		odd_range(t, &r, &a->iova, &a->length);
	else if (chance(t, 5))
		a->bitmap = (__u64)(uintptr_t)(t->cbuf + 3 * PG);	/* PROT_NONE */
	else if (chance(t, 5))
		a->bitmap_bytes = rnd(t, a->bitmap_bytes);	/* maybe ENOSPC */
	if (chance(t, 5))
		one_fault(t, &c, &a->flags, &a->__reserved, true);
	else
		pick_size(t, &c);
	if (do_call(t, &c) < 0 || c.at != AT_NORMAL || c.refused || c.ret)
		return;
	pages = a->length / a->page_size;
	if (a->bitmap != (__u64)(uintptr_t)bits)
		return;
	if (a->out_dirty > pages) {
		call_fail(t, &c, "more dirty pages than asked for");
		return;
	}
	for (i = (pages + 63) / 64; i < ARRAY_SIZE(bits); i++)
		if (bits[i] != 0xa5a5a5a5a5a5a5a5ULL)
			call_fail(t, &c, "a bitmap word past the range written");
}

/* The mix: most calls do real work on live ids, racing on the same IOVAs. */
static void run_op(struct th *t)
{
	unsigned int k = rnd(t, 1000);

	if (k < 60)
		op_create(t);
	else if (k < 80)
		op_destroy(t);
	else if (k < 130)
		op_info(t);
	else if (k < 420)
		op_map_user(t);
	else if (k < 630)
		op_unmap(t);
	else if (k < 780)
		op_walk(t);
	else if (k < 840)
		op_map_phys(t);
	else if (k < 890)
		op_snapshot(t);
	else if (k < 900)
		op_dev_create(t);
	else if (k < 906)
		op_dev_destroy(t);
	else if (k < 928)
		op_dev_dma(t);
	else if (k < 936)
		op_dev_faults(t);
	else if (k < 948)
		op_read_dirty(t);
	else if (k < 960)
		op_badcmd(t);
	else
		op_random(t);
}

static void try_rmmod(struct th *t)
{
	long r = syscall(SYS_delete_module, "ptlab", O_NONBLOCK);
	int e = errno;
	char b[16];

	__atomic_fetch_add(&t->st->other, 1, __ATOMIC_RELAXED);
	if (!r) {
		fail(t, "rmmod ptlab succeeded while its files are open");
		return;
	}
	/* In use: refused at once; without CAP_SYS_MODULE: EPERM. */
	if (t->priv ? e != EWOULDBLOCK && e != EBUSY : e != EPERM)
		fail(t, "rmmod ptlab while in use: %s", errname(e, b, sizeof(b)));
}

/* What the unprivileged try beside ioctls: all of it must be refused. */
static void unpriv_extra(struct th *t)
{
	char path[128], b[16];
	int fd, e, s;

	switch (rnd(t, 3)) {
	case 0:
		try_rmmod(t);
		break;
	case 1:
		debugfs_path(path, sizeof(path), ids_lowest_free() - 1,
			     chance(t, 50) ? "mappings" : "snapshot");
		if (chance(t, 30))
			snprintf(path, sizeof(path), "%s/fail_nth", PTLAB_DEBUGFS);
		fd = open(path, chance(t, 50) ? O_RDONLY : O_WRONLY);
		e = errno;
		if (fd >= 0) {
			fail(t, "uid %d opened %s", NOBODY, path);
			close(fd);
		} else if (e != EACCES && e != ENOENT) {
			fail(t, "uid %d opening %s: %s", NOBODY, path,
			     errname(e, b, sizeof(b)));
		}
		break;
	default:
		/* Its own file under a shared number, for root to use. */
		s = FIRST_CHURNED + rnd(t, NR_SLOTS - FIRST_CHURNED);
		if (t->priv_slot < 0 ||
		    dup2(slot_fd(t->priv_slot), slot_fd(s)) < 0)
			break;
		__atomic_fetch_add(&t->st->other, 1, __ATOMIC_RELAXED);
		rec_drop_slot(s);
		break;
	}
}

/* --- threads beside the ioctl workers --- */

static void *worker_fn(void *arg)
{
	struct th *t = arg;

	while (!stopped())
		run_op(t);
	return NULL;
}

static void *unpriv_fn(void *arg)
{
	struct th *t = arg;
	int fd, r;

	r = become_nobody();
	if (r) {
		fail(t, "cannot drop privileges: %s", strerror(-r));
		return NULL;
	}
	fd = open(PTLAB_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0 && errno != ENOMEM) {
		fail(t, "uid %d cannot open %s (mode 0666): %s", NOBODY,
		     PTLAB_DEV, strerror(errno));
		return NULL;
	}
	if (fd >= 0) {
		dup2(fd, slot_fd(t->priv_slot));
		close(fd);
		opener[t->priv_slot] = getpid();
	} else {
		t->priv_slot = -1;	/* fail_nth had its way */
	}
	while (!stopped()) {
		if (chance(t, 2))
			unpriv_extra(t);
		else
			run_op(t);
	}
	return NULL;
}

/* The ids every live space has, from debugfs's directory names. */
static void ids_refresh(void)
{
	__u64 ids[MAX_IDS / 64] = { 0 };
	struct dirent *de;
	unsigned long id;
	unsigned int i;
	char *end;
	DIR *d;

	d = opendir(PTLAB_DEBUGFS);
	if (!d)
		return;
	while ((de = readdir(d))) {
		id = strtoul(de->d_name, &end, 10);
		if (!*end && id && id < MAX_IDS)
			ids[id / 64] |= BIT_ULL(id % 64);
	}
	closedir(d);
	for (i = 0; i < ARRAY_SIZE(ids); i++)
		__atomic_store_n(&fz->ids[i], ids[i], __ATOMIC_RELAXED);
}

/* Destroys per create started, at most: the rest of the calls do work. */
#define DESTROYS_PER_CREATE	8

/*
 * Destroys the id the next create will get (the lowest free one), on the
 * file the last create used, while a create is under way; now and then the
 * last id returned, a recent one, or any.
 */
/*
 * Spaces that no record names pile up, in the files that outlive their
 * slots (slot 0's, the anchor's, the unprivileged thread's), to the
 * max_spaces limit: their record went when the churn replaced a slot that
 * held one of those files under another number, or a create never had
 * its id copied out. Destroy them through those files.
 */
static void sweep(struct th *t)
{
	__u64 ids[MAX_IDS / 64];
	unsigned int i;
	__u32 id;

	for (i = 0; i < ARRAY_SIZE(ids); i++)
		ids[i] = __atomic_load_n(&fz->ids[i], __ATOMIC_RELAXED);
	for (i = 0; i < NR_RECS; i++)
		if (__atomic_load_n(&fz->recs[i].state, __ATOMIC_ACQUIRE) == 1)
			ids[fz->recs[i].id / 64 % ARRAY_SIZE(ids)] &=
				~BIT_ULL(fz->recs[i].id % 64);
	for (id = 1; id < MAX_IDS && !stopped(); id++) {
		if (!(ids[id / 64] & BIT_ULL(id % 64)))
			continue;
		op_destroy_id(t, 0, id);
		op_destroy_id(t, ANCHOR_SLOT, id);
		if (opener[PRIV_SLOT])
			op_destroy_id(t, PRIV_SLOT, id);
	}
}

static void *destroyer_fn(void *arg)
{
	unsigned int seen = 0, creates, tries = 0;
	__u64 refresh = 0, swept = now_ns();
	struct th *t = arg;
	__u32 id;
	int slot;

	while (!stopped()) {
		if (now_ns() > refresh) {
			ids_refresh();
			refresh = now_ns() + 50000000ULL;
		}
		if (now_ns() > swept + 2000000000ULL) {
			sweep(t);
			swept = now_ns();
		}
		creates = __atomic_load_n(&fz->creates, __ATOMIC_RELAXED);
		if (creates != seen) {
			seen = creates;
			tries = 0;
		}
		/* Between creates, leave the CPUs to the others. */
		if (!__atomic_load_n(&fz->creating, __ATOMIC_RELAXED) ||
		    tries++ >= DESTROYS_PER_CREATE) {
			sched_yield();
			continue;
		}
		slot = __atomic_load_n(&fz->hint_slot, __ATOMIC_RELAXED);
		id = ids_lowest_free();
		op_destroy_id(t, slot, id);
		if (chance(t, 30))
			op_destroy_id(t, slot, id + 1);
		if (chance(t, 3))
			op_destroy_id(t, rnd(t, NR_SLOTS), fz->last_id);
		if (chance(t, 2))
			op_destroy_id(t, rnd(t, NR_SLOTS), recent_pick(t));
		if (chance(t, 1))
			op_destroy_id(t, rnd(t, NR_SLOTS), 1 + rnd(t, 64));
	}
	return NULL;
}

/* --- the churn thread: files, rmmod, fail_nth, firmware, forks --- */

/*
 * Slots 0 and 1 (one file under two numbers) stay, so that address spaces
 * there live long enough for work; the others are closed, opened anew or
 * made copies of another slot or of the anchor's file, while calls are
 * under way.
 */
static void churn_slot(struct th *t)
{
	int s = FIRST_CHURNED + rnd(t, NR_SLOTS - FIRST_CHURNED);
	int k = rnd(t, 100), from, fd;
	char b[16];

	/* Closed ones are opened again at once: EBADF is not the point. */
	for (from = FIRST_CHURNED; from < NR_SLOTS; from++) {
		if (fcntl(slot_fd(from), F_GETFD) < 0) {
			s = from;
			k = 20;
		}
	}
	switch (k < 10 ? 0 : k < 50 ? 1 : k < 80 ? 2 : 3) {
	case 0:
		close(slot_fd(s));
		break;
	case 1:
		fd = open(PTLAB_DEV, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			if (errno != ENOMEM)
				fail(t, "open %s: %s", PTLAB_DEV,
				     errname(errno, b, sizeof(b)));
			return;
		}
		dup2(fd, slot_fd(s));
		close(fd);
		opener[s] = getpid();
		break;
	case 2:
		from = rnd(t, NR_SLOTS);
		if (from == s || dup2(slot_fd(from), slot_fd(s)) < 0)
			return;
		opener[s] = opener[from];
		break;
	default:
		dup2(ANCHOR_FD, slot_fd(s));
		opener[s] = getpid();
		break;
	}
	__atomic_fetch_add(&t->st->other, 1, __ATOMIC_RELAXED);
	rec_drop_slot(s);
}

/*
 * Every instance of ours that no space has adopted must be as it was made:
 * an adopter changes nothing of the firmware's for good.
 */
static void fw_check(struct th *t)
{
	struct fw_inst l[32];
	int n = fw_list(l, ARRAY_SIZE(l)), i, k;

	for (k = 0; k < NR_FW; k++) {
		if (!fz->fws[k].live)
			continue;
		for (i = 0; i < n && l[i].id != fz->fws[k].id; i++)
			;
		if (i == n)
			fail(t, "firmware %u vanished", fz->fws[k].id);
		else if (!l[i].users && l[i].crc != fz->fws[k].crc)
			fail(t, "firmware %u: crc 0x%08x, was 0x%08x, with no user",
			     l[i].id, l[i].crc, fz->fws[k].crc);
	}
}

static void churn_fw(struct th *t)
{
	struct fw_inst l[32];
	struct fwrec *fw = &fz->fws[rnd(t, NR_FW)];
	char cmd[128], b[16];
	int r, n, i, k;
	__u32 fmt;

	__atomic_fetch_add(&t->st->other, 1, __ATOMIC_RELAXED);
	fw_check(t);
	if (fw->live) {
		snprintf(cmd, sizeof(cmd), "destroy %u", fw->id);
		r = fw_cmd("%s", cmd);
		if (!r)
			fw->live = 0;
		else if (r != -EBUSY)	/* adopted */
			fail(t, "firmware %s: %s", cmd, errname(-r, b, sizeof(b)));
		return;
	}
	/* FW_LEN is a multiple of every format's data page (16K for Apple). */
	fmt = 1 + rnd(t, PTLAB_FMT_APPLE_UAT);
	snprintf(cmd, sizeof(cmd), "create %s 0x%llx:0x%llx", fmt_names[fmt],
		 FW_IOVA, FW_LEN);
	r = fw_cmd("%s", cmd);
	if (r == -ENOMEM || r == -ENOSPC)
		return;
	if (r) {
		fail(t, "firmware %s: %s", cmd, errname(-r, b, sizeof(b)));
		return;
	}
	/* Ours is the one no record of ours names yet (churn alone makes them). */
	n = fw_list(l, ARRAY_SIZE(l));
	for (i = n - 1; i >= 0; i--) {
		for (k = 0; k < NR_FW; k++)
			if (fz->fws[k].live && fz->fws[k].id == l[i].id)
				break;
		if (k == NR_FW && !strcmp(l[i].format, fmt_names[fmt]) &&
		    !l[i].users)
			break;
	}
	if (i < 0) {
		fail(t, "firmware %s: not listed", cmd);
		return;
	}
	fw->id = l[i].id;
	fw->fmt = fmt;
	fw->root = l[i].root;
	fw->crc = l[i].crc;
	fw->live = 1;
}

static pid_t shorts[256];
static int nr_shorts;

static void reap_shorts(struct th *t, bool wait)
{
	int i, st;
	pid_t r;

	for (i = 0; i < nr_shorts; i++) {
		r = waitpid(shorts[i], &st, wait ? 0 : WNOHANG);
		if (r == 0)
			continue;
		if (r == shorts[i] && (!WIFEXITED(st) || WEXITSTATUS(st)))
			fail(t, "short-lived child %d ended with status 0x%x",
			     shorts[i], st);
		shorts[i--] = shorts[--nr_shorts];
	}
}

/*
 * Close the debugfs snapshots a reader of the parent had open at the fork.
 * An open snapshot freezes its address space until closed: holding one,
 * the child's own maps would wait for itself.
 */
static void close_inherited_snapshots(void)
{
	char link[64], target[256];
	struct dirent *d;
	ssize_t n;
	DIR *dir;
	int fd;

	dir = opendir("/proc/self/fd");
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		fd = atoi(d->d_name);
		if (fd <= 2 || fd == dirfd(dir))
			continue;
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (!strncmp(target, PTLAB_DEBUGFS "/", strlen(PTLAB_DEBUGFS) + 1) &&
		    n > 9 && !strcmp(target + n - 9, "/snapshot"))
			close(fd);
	}
	closedir(dir);
}

/*
 * A child that uses the files it inherited for a few calls and exits with
 * them open: it may hold the last reference, and then the parent's address
 * spaces go away in its exit.
 */
static void churn_fork(struct th *t)
{
	struct th c = *t;
	pid_t pid;
	int i;

	if (nr_shorts == ARRAY_SIZE(shorts))
		return;
	pid = fork();
	if (pid < 0)
		return;
	if (pid) {
		shorts[nr_shorts++] = pid;
		return;
	}
	close_inherited_snapshots();
	c.child = true;
	c.name = "short-lived child";
	c.st = &fz->st[ST_SHORT];
	c.rng ^= getpid();
	/* Its own snapshot file: another one may run beside it. */
	c.snap_fd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (c.snap_fd < 0)
		c.snap_fd = mem.null_fd;
	for (i = 0; i < 40 && !stopped(); i++)
		run_op(&c);
	_exit(0);
}

static void *churn_fn(void *arg)
{
	struct th *t = arg;
	unsigned int k;
	char b[16];
	int r;

	while (!stopped()) {
		k = rnd(t, 100);
		if (k < 30) {
			churn_slot(t);
		} else if (k < 60) {
			try_rmmod(t);
		} else if (k < 75) {
			if (fz->fail_nth) {
				r = set_fail_nth(1 + rnd(t, 40));
				if (r)
					fail(t, "arming fail_nth: %s",
					     errname(-r, b, sizeof(b)));
			}
		} else if (k < 82) {
			churn_fw(t);
		} else if (k < 87) {
			churn_fork(t);
		} else if (k < 92) {
			/* Pages under pins and maps go; the pins keep theirs. */
			madvise(mem.small + rnd(t, SMALL_LEN / SZ_64K) * SZ_64K,
				SZ_64K, MADV_DONTNEED);
		}
		reap_shorts(t, false);
		sleep_ms(5 + rnd(t, 20));
	}
	reap_shorts(t, true);
	return NULL;
}

/* --- readers of debugfs and fdinfo --- */

static const char *const space_files[] = { "mappings", "flushes",
					   "table_pages", "snapshot" };

static bool check_mapping_line(const char *line)
{
	unsigned long long first, last, size, pa;
	char prot[8], pgs[16], kind[16];
	int n, i;

	n = sscanf(line, "0x%llx-0x%llx 0x%llx 0x%llx %7s %15s %15s", &first,
		   &last, &size, &pa, prot, pgs, kind);
	if (n < 6 || last < first || size != last - first + 1 ||
	    strlen(prot) != 6)
		return false;
	for (i = 0; i < 6; i++)
		if (prot[i] != '-' && prot[i] != "rwxpcm"[i])
			return false;
	if (!strchr("KMGTP", pgs[strlen(pgs) - 1]))
		return false;
	return n == 6 || !strcmp(kind, "phys-ram") ||
	       !strcmp(kind, "phys-mmio") || !strcmp(kind, "firmware");
}

/* The text of a space's debugfs file must be what its format says. */
static void check_space_text(struct th *t, __u32 id, const char *file,
			     char *text)
{
	char *line, *save = NULL, *end;
	struct flushes fl;
	unsigned int hid;
	long long tp;

	if (!strcmp(file, "table_pages")) {
		tp = strtoll(text, &end, 10);
		if (end == text || *end != '\n' || tp < 0)
			fail(t, "debugfs %u/table_pages: '%s'", id, text);
		return;
	}
	if (!strcmp(file, "flushes")) {
		if (flushes_parse(text, &fl))
			fail(t, "debugfs %u/flushes: '%.200s'", id, text);
		return;
	}
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "# ptlab address space ", 23)) {
			if (sscanf(line + 23, "%u:", &hid) != 1 || hid != id)
				fail(t, "debugfs %u/mappings describes another space: '%s'",
				     id, line);
		} else if (line[0] != '#' && !check_mapping_line(line)) {
			fail(t, "debugfs %u/mappings: bad line '%s'", id, line);
			return;
		}
	}
}

static void read_space_file(struct th *t, char *buf, size_t len)
{
	const char *file = space_files[rnd(t, ARRAY_SIZE(space_files))];
	size_t got = 0, cap;
	char path[128], b[16];
	struct rec r;
	ssize_t n;
	__u32 id;
	int fd;

	id = chance(t, 80) ? pick_id(t, &r, &fd) : 1 + rnd(t, 64);
	debugfs_path(path, sizeof(path), id, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	/* A snapshot's open allocates its moment (fail_nth may refuse it). */
	if (fd < 0) {
		if (errno != ENOENT && errno != ENOMEM)
			fail(t, "open %s: %s", path, errname(errno, b, sizeof(b)));
		return;
	}
	__atomic_fetch_add(&t->st->reads, 1, __ATOMIC_RELAXED);
	/* A snapshot: its header, then a few windows of it. */
	cap = strcmp(file, "snapshot") ? len - 1 : 64;
	while (got < cap && (n = read(fd, buf + got, cap - got)) > 0)
		got += n;
	if (!strcmp(file, "snapshot")) {
		if (got >= 18 && (memcmp(buf, "\177ELF", 4) || buf[16] != 4))
			fail(t, "debugfs %s is not an ELF core", path);
		while (chance(t, 80) && (n = read(fd, buf, len)) > 0)
			;
	} else {
		buf[got] = '\0';
		n = 0;
	}
	/* Removed under the reader: EIO from then on. */
	if (n < 0 && errno != EIO)
		fail(t, "read %s: %s", path, errname(errno, b, sizeof(b)));
	else if (n >= 0 && got && strcmp(file, "snapshot"))
		check_space_text(t, id, file, buf);
	close(fd);
}

static void fuzz_read_fdinfo(struct th *t, char *buf, size_t len)
{
	int s = rnd(t, NR_SLOTS), fd, nr;
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", slot_fd(s));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;		/* closed by the churn */
	n = read(fd, buf, len - 1);
	close(fd);
	__atomic_fetch_add(&t->st->reads, 1, __ATOMIC_RELAXED);
	if (n <= 0)
		return;
	buf[n] = '\0';
	if (fdinfo_parse(buf, NULL, 0, &nr) < 0)
		fail(t, "%s: no ptlab-spaces line, or a bad ptlab line: '%.300s'",
		     path, buf);
}

static void *reader_fn(void *arg)
{
	struct th *t = arg;
	size_t len = 256 * 1024;
	char *buf = malloc(len);

	if (!buf)
		return NULL;
	while (!stopped()) {
		if (chance(t, 75))
			read_space_file(t, buf, len);
		else
			fuzz_read_fdinfo(t, buf, len);
	}
	free(buf);
	return NULL;
}

/* Drains the snapshot pipe, stalling now and then so that writers wait. */
static int drain_stop;

static void *drainer_fn(void *arg)
{
	struct pollfd p = { .fd = mem.pipe_rd, .events = POLLIN };
	struct th *t = arg;
	static char buf[65536];

	while (!__atomic_load_n(&drain_stop, __ATOMIC_RELAXED)) {
		if (chance(t, 1))
			sleep_ms(100 + rnd(t, 200));
		if (poll(&p, 1, 50) > 0 && read(mem.pipe_rd, buf, sizeof(buf)) < 0)
			break;
	}
	return NULL;
}

/* --- the kernel log --- */

static int kmsg_stop;

static bool kmsg_bad(const char *msg)
{
	static const char *const bad[] = {
		"BUG:", "WARNING:", "Oops", "KFENCE", "general protection",
		"UBSAN", "list_del corruption", "Call Trace", "Kernel panic",
		"soft lockup", "hard LOCKUP", "blocked for more than",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (strstr(msg, bad[i]))
			return true;
	/* slub_debug: "BUG kmalloc-1k (Not tainted): Poison overwritten" */
	if (!strncmp(msg, "BUG ", 4) && strstr(msg, "ainted"))
		return true;
	/* A directory or file of a space that should have gone before. */
	return strstr(msg, "debugfs: ") && strstr(msg, "already present");
}

/*
 * Watches the kernel log from the start of the run, so that a corruption
 * slub_debug or KFENCE reports fails the test at once, with the time.
 */
static void *kmsg_fn(void *arg)
{
	struct th *t = arg;
	char rec[2048], *msg, *nl;
	ssize_t n;
	int fd;

	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		say("cannot read /dev/kmsg (%s): the kernel log is not watched",
		    strerror(errno));
		return NULL;
	}
	lseek(fd, 0, SEEK_END);
	while (!__atomic_load_n(&kmsg_stop, __ATOMIC_RELAXED)) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0) {
			if (errno == EAGAIN)
				sleep_ms(50);
			else if (errno != EPIPE)	/* overwritten: go on */
				break;
			continue;
		}
		rec[n] = '\0';
		msg = strchr(rec, ';');
		if (!msg)
			continue;
		msg++;
		nl = strchr(msg, '\n');
		if (nl)
			*nl = '\0';
		if (!kmsg_bad(msg))
			continue;
		if (!fz->kmsg_at)
			fz->kmsg_at = now_ns();
		fail(t, "kernel log: %s", msg);
	}
	close(fd);
	return NULL;
}

/* --- forked children --- */

/*
 * A root child with a file only it holds, opened by the parent: every
 * ioctl works from here but MAP_USER, which must be EPERM exactly.
 */
static void child_strict_root(struct th *t)
{
	struct call c = { .c = C_CREATE, .slot = -1, .fd = CHILD_FD };
	__u32 id;

	c.a.create.format = PTLAB_FMT_X86_64;
	c.want = want_ok_enomem;
	if (do_call(t, &c))
		return;
	id = c.a.create.out_id;

	memset(&c, 0, sizeof(c));
	c.c = C_INFO;
	c.slot = -1;
	c.fd = CHILD_FD;
	c.a.info.id = id;
	c.want = want_ok;
	if (!do_call(t, &c))
		check_info(t, &c);

	memset(&c, 0, sizeof(c));
	c.c = C_MAP_USER;
	c.slot = -1;
	c.fd = CHILD_FD;
	c.a.map_user = map_req(id, SZ_1G, mem.big, SZ_64K, PT_RW);
	c.a.map_user.out_mapped = 0;
	c.want = want_eperm;
	c.refused = true;
	do_call(t, &c);

	memset(&c, 0, sizeof(c));
	c.c = C_WALK;
	c.slot = -1;
	c.fd = CHILD_FD;
	c.a.walk.id = id;
	c.a.walk.iova = SZ_1G;
	c.want = want_enoent;
	do_call(t, &c);

	memset(&c, 0, sizeof(c));
	c.c = C_SNAPSHOT;
	c.slot = -1;
	c.fd = CHILD_FD;
	c.a.snapshot.id = id;
	c.a.snapshot.fd = t->snap_fd;
	c.want = want_ok_enomem;	/* its moment is allocated */
	if (!ftruncate(t->snap_fd, 0) && !lseek(t->snap_fd, 0, SEEK_SET) &&
	    !do_call(t, &c))
		check_snap_file(t, &c);

	memset(&c, 0, sizeof(c));
	c.c = C_DESTROY;
	c.slot = -1;
	c.fd = CHILD_FD;
	c.a.destroy.id = id;
	c.want = want_ok;
	do_call(t, &c);
}

/*
 * An unprivileged child with its own file: create, map and unmap work and
 * show in its VmPin exactly; adoption and MAP_PHYS are EPERM.
 */
static void child_strict_unpriv(struct th *t)
{
	struct call c = { .c = C_CREATE, .slot = -1 };
	long pin;
	__u32 id;
	int fd;

	fd = open(PTLAB_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOMEM)
			fail(t, "uid %d cannot open %s: %s", NOBODY, PTLAB_DEV,
			     strerror(errno));
		return;
	}
	c.fd = fd;
	c.a.create.format = PTLAB_FMT_X86_64;
	c.want = want_ok_enomem;
	if (do_call(t, &c))
		goto out;
	id = c.a.create.out_id;

	memset(&c, 0, sizeof(c));
	c.c = C_CREATE;
	c.slot = -1;
	c.fd = fd;
	fill_adopt(t, &c);
	do_call(t, &c);

	memset(&c, 0, sizeof(c));
	c.c = C_MAP_PHYS;
	c.slot = -1;
	c.fd = fd;
	c.a.map_phys = phys_req(id, SZ_1G, 1ULL << 40, SZ_64K, PT_RW);
	c.a.map_phys.out_mapped = 0;
	c.a.map_phys.out_kind = 0;
	c.want = want_eperm;
	c.refused = true;
	do_call(t, &c);

	pin = vmpin_kb();
	memset(&c, 0, sizeof(c));
	c.c = C_MAP_USER;
	c.slot = -1;
	c.fd = fd;
	c.a.map_user = map_req(id, SZ_1G, mem.small, SZ_64K, PT_RW);
	c.a.map_user.out_mapped = 0;
	c.want = want_ok_enomem;
	if (!do_call(t, &c)) {
		if (vmpin_kb() != pin + 64)
			fail(t, "VmPin %ld kB after pinning 64 kB, was %ld",
			     vmpin_kb(), pin);
		memset(&c, 0, sizeof(c));
		c.c = C_UNMAP;
		c.slot = -1;
		c.fd = fd;
		c.a.unmap.id = id;
		c.a.unmap.iova = SZ_1G;
		c.a.unmap.length = SZ_64K;
		c.want = want_ok;
		if (!do_call(t, &c) && c.a.unmap.out_unmapped != SZ_64K)
			call_fail(t, &c, "unmapped another length");
		if (vmpin_kb() != pin)
			fail(t, "VmPin %ld kB after unmapping, was %ld",
			     vmpin_kb(), pin);
	}

	memset(&c, 0, sizeof(c));
	c.c = C_DESTROY;
	c.slot = -1;
	c.fd = fd;
	c.a.destroy.id = id;
	c.want = want_ok;
	do_call(t, &c);
out:
	close(fd);
}

/* A child's own file in one of its slots: the MAP_USER oracle follows. */
static void child_churn(struct th *t)
{
	int s = rnd(t, NR_SLOTS), fd;

	fd = open(PTLAB_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return;
	dup2(fd, slot_fd(s));
	close(fd);
	opener[s] = getpid();
}

static void close_ours(void)
{
	int i;

	for (i = 0; i <= NR_FDS; i++)
		close(FD_BASE + i);
}

static void child_main(struct th *t, bool unpriv)
{
	struct rlimit rl = { 64 * SZ_1M, 64 * SZ_1M };
	int r;

	if (unpriv) {
		close(CHILD_FD);
		setrlimit(RLIMIT_MEMLOCK, &rl);
		r = become_nobody();
		if (r) {
			fail(t, "cannot drop privileges: %s", strerror(-r));
			_exit(1);
		}
	}
	while (!stopped()) {
		if (chance(t, 1)) {
			if (unpriv)
				child_strict_unpriv(t);
			else
				child_strict_root(t);
		} else if (chance(t, 1)) {
			child_churn(t);
		} else if (unpriv && chance(t, 1)) {
			unpriv_extra(t);
		} else {
			run_op(t);
		}
		/* A process of its own would outrun the threads' real work. */
		sleep_ms(8);
	}
	/* Every file of ours closed: nothing of this process stays pinned. */
	close_ours();
	if (vmpin_kb() != 0)
		fail(t, "VmPin %ld kB with every file closed", vmpin_kb());
	_exit(0);
}

/* --- set-up --- */

static unsigned int budget_seconds(void)
{
	const char *s = getenv("PTLAB_FUZZ_SECONDS");
	unsigned long v;
	char *end;

	if (!s || !*s)
		return FUZZ_SECONDS;
	v = strtoul(s, &end, 0);
	return *end || !v || v > 30 * 86400 ? FUZZ_SECONDS : v;
}

static __u64 pick_seed(void)
{
	const char *s = getenv("PTLAB_SEED");

	if (s && *s)
		return strtoull(s, NULL, 0);
	return now_ns() ^ ((__u64)getpid() << 32);
}

static unsigned int nr_workers(void)
{
	const char *s = getenv("PTLAB_FUZZ_THREADS");
	unsigned long v = s ? strtoul(s, NULL, 0) : 0;

	return v && v <= MAX_WORKERS ? v : 4;
}

static int open_at(const char *path, int flags, int fd)
{
	int f = open(path, flags | O_CLOEXEC, 0600);

	if (f < 0 || fd < 0 || f == fd)
		return f;
	if (dup2(f, fd) < 0) {
		close(f);
		return -1;
	}
	close(f);
	return fd;
}

static void setup_mem(struct __test_metadata *_metadata)
{
	int p[2], fd;
	struct buf b;
	char *m;

	ASSERT_EQ(0, buf_alloc(&b, BIG_LEN, true));
	mem.big = b.p;
	/* The big buffer ends in PROT_NONE, where huge lengths stop. */
	ASSERT_EQ(0, mprotect(b.p + BIG_LEN, (char *)b.map + b.map_len -
			      (b.p + BIG_LEN), PROT_NONE));
	mem.big_pas = calloc(BIG_LEN / PG, sizeof(*mem.big_pas));
	ASSERT_NE(NULL, mem.big_pas);
	if (pagemap_pas(mem.big, BIG_LEN / PG, mem.big_pas))
		memset(mem.big_pas, 0, BIG_LEN / PG * sizeof(*mem.big_pas));
	ASSERT_EQ(0, buf_alloc(&b, SMALL_LEN, false));
	mem.small = b.p;

	m = mmap(NULL, 4 * ODD_LEN, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	ASSERT_NE(MAP_FAILED, m);
	mem.ro = m;
	mem.none = m + ODD_LEN;
	ASSERT_EQ(0, mprotect(mem.none, ODD_LEN, PROT_NONE));
	mem.hole = m + 2 * ODD_LEN;
	ASSERT_EQ(0, munmap(mem.hole, 2 * ODD_LEN));
	fd = memfd_create("ptlab-fuzz-shm", MFD_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, ODD_LEN));
	mem.shm = mmap(NULL, ODD_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       0);
	ASSERT_NE(MAP_FAILED, mem.shm);
	memset(mem.shm, 1, ODD_LEN);
	close(fd);

	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	mem.pipe_rd = p[0];
	mem.pipe_wr = p[1];
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC | O_NONBLOCK));
	mem.npipe_rd = p[0];
	mem.npipe_wr = p[1];
	mem.null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	mem.full_fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
	mem.rdonly_fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, mem.null_fd);
	ASSERT_LE(0, mem.full_fd);
	ASSERT_LE(0, mem.rdonly_fd);
}

static void th_init(struct __test_metadata *_metadata, struct th *t, int idx,
		    const char *name, void *(*fn)(void *), bool priv)
{
	int fd;

	memset(t, 0, sizeof(*t));
	t->idx = idx;
	t->name = name;
	t->fn = fn;
	t->priv = priv;
	t->rng = fz->seed ^ (0x9e3779b97f4a7c15ULL * (idx + 1));
	t->st = &fz->st[idx];
	snprintf(t->st->name, sizeof(t->st->name), "%s", name);
	t->cur = -1;
	t->priv_slot = -1;
	t->cbuf = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, t->cbuf);
	ASSERT_EQ(0, mprotect(t->cbuf + 3 * PG, PG, PROT_NONE));
	fd = memfd_create("ptlab-fuzz-ro", MFD_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, PG));
	t->ro_rw = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	t->ro_view = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	ASSERT_NE(MAP_FAILED, t->ro_rw);
	ASSERT_NE(MAP_FAILED, t->ro_view);
	/* A regular file of its own for snapshots, gone when closed. */
	t->snap_fd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	ASSERT_LE(0, t->snap_fd) TH_LOG("O_TMPFILE in /tmp: %s", strerror(errno));
}

static void th_fini(struct th *t)
{
	munmap(t->cbuf, 4 * PG);
	munmap(t->ro_rw, PG);
	munmap(t->ro_view, PG);
	close(t->snap_fd);
}

/* The shared files: one open file per slot, but slot 1 is slot 0's too. */
static void open_slots(struct __test_metadata *_metadata)
{
	int s, fd;

	ASSERT_EQ(ANCHOR_FD, open_at(PTLAB_DEV, O_RDWR, ANCHOR_FD));
	opener[ANCHOR_SLOT] = getpid();
	for (s = 0; s < NR_SLOTS; s++) {
		fd = s == 1 ? dup2(slot_fd(0), slot_fd(1)) :
		     open_at(PTLAB_DEV, O_RDWR, slot_fd(s));
		ASSERT_EQ(slot_fd(s), fd);
		opener[s] = getpid();
	}
}

/* The kernel stack of a task that does not come back, for the report. */
static void show_stack(pid_t tid)
{
	char path[64], buf[2048];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stack", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0) {
		buf[n] = '\0';
		say("kernel stack of %d:\n%s", tid, buf);
	}
}

static void *th_start(void *arg)
{
	struct th *t = arg;

	t->tid = gettid_raw();
	return t->fn(t);
}

/* Joins @t by @deadline (CLOCK_MONOTONIC ns); a thread that hangs fails. */
static bool th_join(struct th *t, __u64 deadline)
{
	__u64 left = deadline > now_ns() ? deadline - now_ns() : 0;
	struct timespec ts;
	int cur;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += left / 1000000000ULL + 1;
	if (!pthread_timedjoin_np(t->thread, NULL, &ts))
		return true;
	cur = __atomic_load_n(&t->cur, __ATOMIC_RELAXED);
	if (cur >= 0)
		fail(t, "hangs in %s on fd %d (id %u) for %.0f s",
		     cmds[cur].name, __atomic_load_n(&t->cur_fd, __ATOMIC_RELAXED),
		     __atomic_load_n(&t->cur_id, __ATOMIC_RELAXED),
		     (now_ns() - __atomic_load_n(&t->cur_since,
						 __ATOMIC_RELAXED)) / 1e9);
	else
		fail(t, "does not stop, though not in an ioctl");
	show_stack(t->tid);
	return false;
}

static void wait_child(struct th *t, pid_t pid, __u64 deadline)
{
	int st;

	while (waitpid(pid, &st, WNOHANG) == 0) {
		if (now_ns() > deadline) {
			fail(t, "child %d does not end", pid);
			show_stack(pid);
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return;
		}
		sleep_ms(50);
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		fail(t, "child %d ended with status 0x%x", pid, st);
}

static unsigned long total_calls(void)
{
	unsigned long n = 0;
	int i, c;

	for (i = 0; i < NR_ST; i++)
		for (c = 0; c < NR_CMDS; c++)
			n += fz->st[i].calls[c];
	return n;
}

/* Per command: calls, successes, and the errnos seen, most frequent first. */
static void print_stats(double secs)
{
	unsigned long calls, ok, err[134], reads = 0, other = 0, best;
	char line[512], e[16];
	int i, c, k, n, pick;

	for (c = 0; c < NR_CMDS; c++) {
		calls = 0;
		ok = 0;
		memset(err, 0, sizeof(err));
		for (i = 0; i < NR_ST; i++) {
			calls += fz->st[i].calls[c];
			ok += fz->st[i].ok[c];
			for (k = 0; k < 134; k++)
				err[k] += fz->st[i].err[c][k];
		}
		n = snprintf(line, sizeof(line), "%-15s %8lu calls %5.1f%% ok",
			     cmds[c].name, calls, calls ? 100.0 * ok / calls : 0);
		for (;;) {
			best = 0;
			pick = 0;
			for (k = 1; k < 134; k++)
				if (err[k] > best) {
					best = err[k];
					pick = k;
				}
			if (!best || n > 400)
				break;
			n += snprintf(line + n, sizeof(line) - n, " %s:%lu",
				      errname(pick, e, sizeof(e)), best);
			err[pick] = 0;
		}
		say("%s", line);
	}
	for (i = 0; i < NR_ST; i++) {
		reads += fz->st[i].reads;
		other += fz->st[i].other;
		calls = 0;
		ok = 0;
		for (c = 0; c < NR_CMDS; c++) {
			calls += fz->st[i].calls[c];
			ok += fz->st[i].ok[c];
		}
		if (calls)
			say("%-20s %8lu calls %5.1f%% ok", fz->st[i].name
			    [0] ? fz->st[i].name : "short-lived children",
			    calls, 100.0 * ok / calls);
	}
	say("%lu debugfs and fdinfo reads, %lu file churns, rmmods, fail_nth and firmware calls",
	    reads, other);
	say("%lu ioctls in %.1f s: %.0f ioctls/s (seed 0x%llx)", total_calls(),
	    secs, total_calls() / secs, fz->seed);
}

/* Destroys what the run left of the firmware; none may have a user. */
static void fw_cleanup(struct __test_metadata *_metadata)
{
	char cmd[64];
	int k;

	fw_check(NULL);
	for (k = 0; k < NR_FW; k++) {
		if (!fz->fws[k].live)
			continue;
		snprintf(cmd, sizeof(cmd), "destroy %u", fz->fws[k].id);
		EXPECT_EQ(0, fw_cmd("%s", cmd)) TH_LOG("firmware %s", cmd);
		fz->fws[k].live = 0;
	}
}

FIXTURE(fuzz) {
	struct baseline base;
	int dirs;
	mode_t dev_mode;
};

FIXTURE_SETUP(fuzz)
{
	struct stat st;

	take_baseline(_metadata, &self->base);
	self->dirs = debugfs_nr_dirs();
	ASSERT_EQ(0, stat(PTLAB_DEV, &st));
	self->dev_mode = st.st_mode & 07777;
	/* Unprivileged workers open the device themselves. */
	ASSERT_EQ(0, chmod(PTLAB_DEV, 0666));
}

FIXTURE_TEARDOWN(fuzz)
{
	chmod(PTLAB_DEV, self->dev_mode);
}

/*
 * Threads (root workers, an unprivileged one, the destroyer, churn,
 * readers, the drainer, the kernel log watcher) and two children (root, and
 * uid 65534) for the budget; then, with everything closed, the counters.
 */
static const struct {
	const char *name;
	void *(*fn)(void *arg);
	bool priv;
} helpers[] = {
	{ "unprivileged thread", unpriv_fn, false },
	{ "destroyer", destroyer_fn, true },
	{ "churn", churn_fn, true },
	{ "reader", reader_fn, true },
	{ "drainer", drainer_fn, true },	/* these two stop last */
	{ "kernel log", kmsg_fn, true },
};

/*
 * The harness's wrapper calls setjmp(); with this body inlined into it, GCC
 * fears for the wrapper's own variables, which this body never touches.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wclobbered"
TEST_F_TIMEOUT(fuzz, race, FUZZ_TIMEOUT)
{
	unsigned int budget = budget_seconds(), nw = nr_workers(), nt = 0, i;
	struct th th[MAX_WORKERS + 8], kids[2], *kmsg, *drain;
	__u64 next_report, end;
	struct timespec boot;
	pid_t pids[2];
	long secpt, pin;
	int refs, dirs;
	double secs;

	fz = mmap(NULL, sizeof(*fz), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, fz);
	fz->seed = pick_seed();
	fz->fail_nth = 1;
	say("seed 0x%llx (PTLAB_SEED), %u s (PTLAB_FUZZ_SECONDS), %u root ioctl threads",
	    fz->seed, budget, nw);
	signal(SIGPIPE, SIG_IGN);
	setup_mem(_metadata);
	open_slots(_metadata);
	ids_refresh();

	for (i = 0; i < nw + ARRAY_SIZE(helpers); i++, nt++) {
		if (i < nw)
			th_init(_metadata, &th[nt], nt, "root worker",
				worker_fn, true);
		else
			th_init(_metadata, &th[nt], nt, helpers[i - nw].name,
				helpers[i - nw].fn, helpers[i - nw].priv);
	}
	th[nw].priv_slot = PRIV_SLOT;
	drain = &th[nt - 2];
	kmsg = &th[nt - 1];
	th_init(_metadata, &kids[0], ST_CHILD, "root child", NULL, true);
	th_init(_metadata, &kids[1], ST_CHILD + 1, "unprivileged child", NULL,
		false);
	kids[0].child = true;
	kids[1].child = true;

	fz->t0 = now_ns();
	fz->deadline = fz->t0 + budget * 1000000000ULL;
	/* Kernel log times count from boot: this says where the run began. */
	clock_gettime(CLOCK_BOOTTIME, &boot);
	say("started %ld.%03ld s after boot", (long)boot.tv_sec,
	    boot.tv_nsec / 1000000);
	/* The children first: a fork takes only the thread that calls it. */
	ASSERT_EQ(CHILD_FD, open_at(PTLAB_DEV, O_RDWR, CHILD_FD));
	for (i = 0; i < 2; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (!pids[i])
			child_main(&kids[i], i == 1);
	}
	close(CHILD_FD);
	for (i = 0; i < nt; i++)
		ASSERT_EQ(0, pthread_create(&th[i].thread, NULL, th_start,
					    &th[i]));

	next_report = fz->t0 + 10000000000ULL;
	while (!stopped()) {
		sleep_ms(100);
		if (now_ns() < next_report)
			continue;
		next_report += 10000000000ULL;
		say("%.0f s: %lu ioctls (%.0f/s), %d spaces in the records",
		    secs_since(fz->t0), total_calls(),
		    total_calls() / secs_since(fz->t0), rec_count());
	}
	stop_all();
	secs = secs_since(fz->t0);

	/* Everyone stops; the drainer and the log watcher last. */
	end = now_ns() + JOIN_GRACE * 1000000000ULL;
	for (i = 0; i < nt; i++)
		if (&th[i] != drain && &th[i] != kmsg)
			th_join(&th[i], end);
	for (i = 0; i < 2; i++)
		wait_child(&kids[i], pids[i], end);
	__atomic_store_n(&drain_stop, 1, __ATOMIC_RELAXED);
	th_join(drain, end);
	set_fail_nth(0);

	/* Every file closed: nothing may remain of any address space. */
	close_ours();
	fw_cleanup(_metadata);
	for (i = 0; i < 50; i++) {
		secpt = secpt_kb();
		pin = vmpin_kb();
		refs = module_refcount();
		dirs = debugfs_nr_dirs();
		if (secpt == self->base.secpt_kb && pin == self->base.pin_kb &&
		    refs == self->base.modref && dirs == self->dirs)
			break;
		sleep_ms(100);
	}
	__atomic_store_n(&kmsg_stop, 1, __ATOMIC_RELAXED);
	th_join(kmsg, end);
	for (i = 0; i < nt; i++)
		th_fini(&th[i]);

	print_stats(secs);
	if (fz->kmsg_at)
		say("the kernel log went bad %.1f s into the run",
		    (fz->kmsg_at - fz->t0) / 1e9);
	ASSERT_EQ(0, fz->nfail) TH_LOG("first failure: %s (seed 0x%llx)",
				       fz->first_fail, fz->seed);
	EXPECT_EQ(self->base.secpt_kb, secpt) TH_LOG("SecPageTables, kB");
	EXPECT_EQ(self->base.pin_kb, pin) TH_LOG("VmPin, kB");
	EXPECT_EQ(self->base.modref, refs) TH_LOG("ptlab's use count");
	EXPECT_EQ(self->dirs, dirs) TH_LOG("debugfs directories of spaces");
	/* A fuzzer that did no real work would pass on anything. */
	for (i = 0; budget >= 10 && i < C_BADCMD; i++) {
		unsigned long ok = 0;
		int k;

		for (k = 0; k < NR_ST; k++)
			ok += fz->st[k].ok[i];
		EXPECT_LT(0UL, ok) TH_LOG("no %s ever succeeded", cmds[i].name);
	}
}

#pragma GCC diagnostic pop

/*
 * The harness fixes a test's timeout when it is built, the budget comes
 * from the environment: the registered test follows it (harness constructors
 * run first, having a priority).
 */
static void __attribute__((constructor)) fuzz_set_timeout(void)
{
	_fuzz_race_object->timeout = budget_seconds() + FUZZ_SLACK;
}

TEST_HARNESS_MAIN
