// SPDX-License-Identifier: GPL-2.0
/*
 * libptlab: open /dev/ptlab (loading the module the way modprobe does), thin
 * ioctl wrappers, and the text forms ptctl and the tests share.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libkmod.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <linux/capability.h>
#include <linux/magic.h>

#include "libptlab.h"

#ifndef PTLAB_VERSION
#define PTLAB_VERSION "unknown"
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char prot_letters[] = "rwxpcm";

/*
 * Each format's name, what it is and its page sizes, and what its driver
 * calls the three register values of struct ptlab_info (NULL: nothing is
 * programmed there). See the comment at the top of each src/fmt/ header.
 */
static const struct {
	__u32 format;
	const char *name;
	const char *what;
	const char *regs[3];
} formats[] = {
	{ PTLAB_FMT_ARM64_LPAE_S1, "arm64-lpae-s1",
	  "Arm VMSAv8-64 stage 1: 4K/16K/64K granules, 32-52 bits; blocks, contiguous",
	  { "ttbr0", "tcr", "mair" } },
	{ PTLAB_FMT_ARM64_LPAE_S2, "arm64-lpae-s2",
	  "Arm stage 2, concatenated top tables: as stage 1",
	  { "vttbr", "vtcr", NULL } },
	{ PTLAB_FMT_ARM_MALI_LPAE, "arm-mali-lpae",
	  "Arm Mali GPU LPAE: 4K/2M/1G",
	  { "transtab", NULL, "memattr" } },
	{ PTLAB_FMT_ARM_V7S, "arm-v7s",
	  "Armv7 short descriptor: 4K/64K/1M/16M",
	  { "ttbr0", "ttbcr", "prrr_nmrr" } },
	{ PTLAB_FMT_X86_64, "x86-64",
	  "x86-64 4/5 levels (VT-d first stage, AMD v2): 4K/2M/1G",
	  { "cr3", "paging_mode", NULL } },
	{ PTLAB_FMT_VTD_SS, "vtd-ss",
	  "Intel VT-d second stage, 3/4/5 levels: 4K/2M/1G",
	  { "slptptr", "aw", NULL } },
	{ PTLAB_FMT_AMD_V1, "amd-v1",
	  "AMD IOMMU v1, 1-6 levels: every power of two from 4K",
	  { "dte_root", "dte_mode", NULL } },
	{ PTLAB_FMT_RISCV, "riscv",
	  "RISC-V Sv39/48/57 by input size: 4K/2M/1G/512G/256T, Svnapot 64K",
	  { "iosatp", "mode", NULL } },
	{ PTLAB_FMT_APPLE_DART, "apple-dart",
	  "Apple DART (t8020, t8110): 16K",
	  { "ttbr", "tcr", NULL } },
	{ PTLAB_FMT_APPLE_UAT, "apple-uat",
	  "Apple GPU UAT, 3 levels, 39 bits: 16K",
	  { "ttb", NULL, NULL } },
	{ PTLAB_FMT_NVIDIA_GMMU_V2, "nvidia-gmmu-v2",
	  "NVIDIA GPU MMU v2 (Pascal..Ada), 5 levels, 49 bits: 4K/2M, 64K/2M or 128K/2M (+512M if asked)",
	  { "page_dir_base", "adr_limit", NULL } },
	{ PTLAB_FMT_NVIDIA_GMMU_V3, "nvidia-gmmu-v3",
	  "NVIDIA GPU MMU v3 (Hopper+), 6 levels, 57 bits: 4K/2M/512M or 64K/2M/512M",
	  { "page_dir_base", "adr_limit", NULL } },
};

/* ---- module loading ---- */

static void quiet_kmod_log(void *data, int priority, const char *file, int line,
			   const char *fn, const char *format, va_list args)
{
	/*
	 * libkmod logs lookups it could not do to stderr; ptlab_load_module()
	 * turns the outcome into one explanation instead.
	 */
	(void)data;
	(void)priority;
	(void)file;
	(void)line;
	(void)fn;
	(void)format;
	(void)args;
}

static bool has_effective_cap(int cap)
{
	unsigned long long eff;
	char line[256];
	bool ret = true;	/* if we cannot tell, do not claim it is missing */
	FILE *f;

	f = fopen("/proc/self/status", "re");
	if (!f)
		return ret;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "CapEff: %llx", &eff) == 1) {
			ret = eff & (1ULL << cap);
			break;
		}
	}
	fclose(f);
	return ret;
}

static bool module_loading_disabled(void)
{
	int c = 0;
	FILE *f;

	f = fopen("/proc/sys/kernel/modules_disabled", "re");
	if (f) {
		c = fgetc(f);
		fclose(f);
	}
	return c == '1';
}

/*
 * A kernel built without CONFIG_MODULES has no /proc/modules and no
 * init_module syscall; nothing we could install would ever load.
 */
static bool kernel_loads_modules(void)
{
	if (access("/proc/self", F_OK))
		return true;	/* no /proc: cannot tell, so try */
	return !access("/proc/modules", F_OK);
}

static void explain_eperm(char *why, size_t why_len)
{
	const char *base = "loading the ptlab module needs root";

	if (geteuid() != 0)
		snprintf(why, why_len, "%s (run `sudo modprobe %s`, or ptctl as root)",
			 base, PTLAB_MODULE_NAME);
	else if (module_loading_disabled())
		snprintf(why, why_len,
			 "%s, and module loading is disabled (kernel.modules_disabled=1)", base);
	else if (!has_effective_cap(CAP_SYS_MODULE))
		snprintf(why, why_len,
			 "%s with CAP_SYS_MODULE, which this process lacks (a container?): load it on the host with `sudo modprobe %s`",
			 base, PTLAB_MODULE_NAME);
	else
		snprintf(why, why_len, "%s: the kernel refused it (%s; lockdown?)",
			 base, strerror(EPERM));
}

static void explain_no_module(char *why, size_t why_len, const char *release)
{
	snprintf(why, why_len,
		 "no ptlab module for kernel %s: build and install it with `make dkms-install` (or `sudo dkms install %s/%s`)",
		 release, PTLAB_MODULE_NAME, PTLAB_VERSION);
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (long)(ms % 1000) * 1000000L,
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/*
 * devtmpfs creates the node when the module registers its misc device, but a
 * system without devtmpfs waits for udev, which runs asynchronously.
 */
static int wait_for_device(unsigned int timeout_ms)
{
	unsigned int waited = 0;

	for (;;) {
		if (!access(PTLAB_DEV_PATH, F_OK))
			return 0;
		if (waited >= timeout_ms)
			return -ETIMEDOUT;
		sleep_ms(10);
		waited += 10;
	}
}

static int insert_module(struct kmod_module *mod, const char *release,
			 char *why, size_t why_len)
{
	const char *path = kmod_module_get_path(mod);
	int err;

	err = kmod_module_probe_insert_module(mod, 0, NULL, NULL, NULL, NULL);
	if (err > 0) {
		/* Only returned for blacklist flags we do not pass, but be clear. */
		snprintf(why, why_len, "the ptlab module is blacklisted in modprobe.d");
		return -EPERM;
	}
	switch (err) {
	case 0:
	case -EEXIST:
		return 0;
	case -EPERM:
	case -EACCES:
		explain_eperm(why, why_len);
		return err;
	case -ENOENT:
		/* modules.dep names a file that is gone: as good as none. */
		explain_no_module(why, why_len, release);
		return -ENOPKG;
	case -ENOEXEC:
		snprintf(why, why_len,
			 "the ptlab module %s was not built for kernel %s: rebuild it with `make dkms-install`",
			 path ? path : "", release);
		return err;
	case -EKEYREJECTED:
	case -ENOKEY:
		snprintf(why, why_len,
			 "kernel %s rejected the ptlab module's signature (%s): sign it with a key the kernel trusts (DKMS's MOK key under Secure Boot)",
			 release, strerror(-err));
		return err;
	default:
		snprintf(why, why_len, "cannot load the ptlab module %s: %s",
			 path ? path : "", strerror(-err));
		return err;
	}
}

/**
 * ptlab_load_module() - load the ptlab module as modprobe would
 * @why: filled with a one-line explanation on failure (may be NULL)
 * @why_len: size of @why
 *
 * Return: 0 once /dev/ptlab exists; -EOPNOTSUPP when the kernel cannot load
 * modules at all; -ENOPKG when no module is installed for the running kernel;
 * -EPERM or -EACCES without the privilege to load it;
 * -ETIMEDOUT when the module loaded but the device node never appeared;
 * another negative errno for anything else.
 */
int ptlab_load_module(char *why, size_t why_len)
{
	struct kmod_list *list = NULL, *entry;
	struct kmod_ctx *ctx;
	struct utsname uts;
	int err;

	if (!why)
		why_len = 0;	/* snprintf(NULL, 0, ...) is allowed */
	if (uname(&uts))
		snprintf(uts.release, sizeof(uts.release), "(unknown)");

	if (!kernel_loads_modules()) {
		snprintf(why, why_len,
			 "kernel %s cannot load modules (no /proc/modules): ptlab needs a kernel with module support, in a VM if need be",
			 uts.release);
		return -EOPNOTSUPP;
	}

	ctx = kmod_new(NULL, NULL);
	if (!ctx) {
		snprintf(why, why_len, "cannot initialise libkmod for kernel %s", uts.release);
		return -ENOMEM;
	}
	kmod_set_log_fn(ctx, quiet_kmod_log, NULL);

	/* A missing /lib/modules/<release> also gives an empty list. */
	err = kmod_module_new_from_lookup(ctx, PTLAB_MODULE_NAME, &list);
	if (err < 0) {
		snprintf(why, why_len, "cannot look up the ptlab module for kernel %s: %s",
			 uts.release, strerror(-err));
		goto out;
	}
	if (!list) {
		explain_no_module(why, why_len, uts.release);
		err = -ENOPKG;
		goto out;
	}

	/* A name can resolve to several modules through aliases: try each. */
	err = -ENOPKG;
	kmod_list_foreach(entry, list) {
		struct kmod_module *mod = kmod_module_get_module(entry);

		err = insert_module(mod, uts.release, why, why_len);
		kmod_module_unref(mod);
		if (!err)
			break;
	}
	if (err)
		goto out;

	err = wait_for_device(PTLAB_DEV_WAIT_MS);
	if (err)
		snprintf(why, why_len,
			 "the ptlab module is loaded but %s did not appear within %u ms (is devtmpfs mounted, or udev running?)",
			 PTLAB_DEV_PATH, PTLAB_DEV_WAIT_MS);
out:
	kmod_module_unref_list(list);
	kmod_unref(ctx);
	return err;
}

/**
 * ptlab_open() - open /dev/ptlab, loading the module first if it is missing
 * @flags: PTLAB_OPEN_NO_LOAD to fail instead of loading the module
 * @why: filled with a one-line explanation on failure (may be NULL)
 * @why_len: size of @why
 *
 * Return: a file descriptor, or a negative errno (see ptlab_load_module()).
 * Each descriptor has its own address spaces, freed when it is closed.
 */
int ptlab_open(unsigned int flags, char *why, size_t why_len)
{
	int fd, err;

	if (!why)
		why_len = 0;
	if (access(PTLAB_DEV_PATH, F_OK) && errno == ENOENT) {
		if (flags & PTLAB_OPEN_NO_LOAD) {
			snprintf(why, why_len,
				 "%s does not exist: the ptlab module is not loaded (`sudo modprobe %s`)",
				 PTLAB_DEV_PATH, PTLAB_MODULE_NAME);
			return -ENOENT;
		}
		err = ptlab_load_module(why, why_len);
		if (err)
			return err;
	}

	fd = open(PTLAB_DEV_PATH, O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	err = -errno;
	if (err == -EACCES || err == -EPERM)
		snprintf(why, why_len, "cannot open %s: %s (run as root?)",
			 PTLAB_DEV_PATH, strerror(-err));
	else if (err == -ENXIO || err == -ENODEV)
		snprintf(why, why_len, "cannot open %s: %s (is the ptlab module loaded?)",
			 PTLAB_DEV_PATH, strerror(-err));
	else
		snprintf(why, why_len, "cannot open %s: %s", PTLAB_DEV_PATH, strerror(-err));
	return err;
}

/* ---- ioctl wrappers ---- */

static int ptlab_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

/**
 * ptlab_create_init() - default creation parameters
 * @create: filled for an ARM64 LPAE stage-1 space with the format's defaults
 */
void ptlab_create_init(struct ptlab_create *create)
{
	memset(create, 0, sizeof(*create));
	create->size = sizeof(*create);
	create->format = PTLAB_FMT_ARM64_LPAE_S1;
}

/**
 * ptlab_create() - PTLAB_IOCTL_CREATE
 * @fd: from ptlab_open()
 * @create: parameters; the new id is returned in @create->out_id
 *
 * Return: 0 or a negative errno.
 */
int ptlab_create(int fd, struct ptlab_create *create)
{
	create->size = sizeof(*create);
	return ptlab_ioctl(fd, PTLAB_IOCTL_CREATE, create);
}

/**
 * ptlab_destroy() - PTLAB_IOCTL_DESTROY
 * @fd: from ptlab_open()
 * @id: address space to unmap and free
 *
 * Return: 0 or a negative errno.
 */
int ptlab_destroy(int fd, __u32 id)
{
	struct ptlab_destroy destroy = {
		.size = sizeof(destroy),
		.id = id,
	};

	return ptlab_ioctl(fd, PTLAB_IOCTL_DESTROY, &destroy);
}

/**
 * ptlab_info() - PTLAB_IOCTL_INFO
 * @fd: from ptlab_open()
 * @id: address space
 * @info: filled by the kernel
 *
 * Return: 0 or a negative errno.
 */
int ptlab_info(int fd, __u32 id, struct ptlab_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	info->id = id;
	return ptlab_ioctl(fd, PTLAB_IOCTL_INFO, info);
}

/**
 * ptlab_map_user() - PTLAB_IOCTL_MAP_USER
 * @fd: from ptlab_open()
 * @map: request; @map->out_mapped is valid on failure too
 *
 * Return: 0 or a negative errno; a failure may still have mapped a prefix.
 */
int ptlab_map_user(int fd, struct ptlab_map_user *map)
{
	map->size = sizeof(*map);
	map->out_mapped = 0;
	return ptlab_ioctl(fd, PTLAB_IOCTL_MAP_USER, map);
}

/**
 * ptlab_map_phys() - PTLAB_IOCTL_MAP_PHYS (needs CAP_SYS_RAWIO)
 * @fd: from ptlab_open()
 * @map: request; size is filled in, out_mapped and out_kind are reported
 *
 * Return: 0 or a negative errno; a failure may still have mapped a prefix.
 */
int ptlab_map_phys(int fd, struct ptlab_map_phys *map)
{
	map->size = sizeof(*map);
	map->out_mapped = 0;
	return ptlab_ioctl(fd, PTLAB_IOCTL_MAP_PHYS, map);
}

/**
 * ptlab_snapshot() - PTLAB_IOCTL_SNAPSHOT: write an ELF core to a file
 * @fd: from ptlab_open()
 * @id: address space
 * @out_fd: file open for writing, written from its position
 * @bytes: bytes written, on failure too (may be NULL)
 *
 * Return: 0 or a negative errno.
 */
int ptlab_snapshot(int fd, __u32 id, int out_fd, __u64 *bytes)
{
	struct ptlab_snapshot snap = {
		.size = sizeof(snap),
		.id = id,
		.fd = out_fd,
	};
	int err;

	err = ptlab_ioctl(fd, PTLAB_IOCTL_SNAPSHOT, &snap);
	if (bytes)
		*bytes = snap.out_bytes;
	return err;
}

/**
 * ptlab_unmap() - PTLAB_IOCTL_UNMAP
 * @fd: from ptlab_open()
 * @id: address space
 * @iova: start of a mapped page
 * @length: bytes to unmap
 * @unmapped: bytes actually unmapped, on failure too (may be NULL)
 *
 * Return: 0 or a negative errno.
 */
int ptlab_unmap(int fd, __u32 id, __u64 iova, __u64 length, __u64 *unmapped)
{
	struct ptlab_unmap unmap = {
		.size = sizeof(unmap),
		.id = id,
		.iova = iova,
		.length = length,
	};
	int err;

	err = ptlab_ioctl(fd, PTLAB_IOCTL_UNMAP, &unmap);
	if (unmapped)
		*unmapped = unmap.out_unmapped;
	return err;
}

/**
 * ptlab_walk() - PTLAB_IOCTL_WALK
 * @fd: from ptlab_open()
 * @id: address space
 * @iova: address to translate
 * @walk: result; on -ENOENT the entries read so far are still valid
 *
 * Return: 0 or a negative errno.
 */
int ptlab_walk(int fd, __u32 id, __u64 iova, struct ptlab_walk *walk)
{
	memset(walk, 0, sizeof(*walk));
	walk->size = sizeof(*walk);
	walk->id = id;
	walk->iova = iova;
	return ptlab_ioctl(fd, PTLAB_IOCTL_WALK, walk);
}

/**
 * ptlab_dev_create() - attach a simulated device to an address space
 * @fd: open /dev/ptlab
 * @id: address space
 * @flags: PTLAB_DEV_*
 * @iotlb_entries: leaf cache entries, 0 for the default
 * @dev_id: receives the device's id
 *
 * Return: 0 or a negative errno.
 */
int ptlab_dev_create(int fd, __u32 id, __u32 flags, __u32 iotlb_entries, __u32 *dev_id)
{
	struct ptlab_dev_create c = {
		.size = sizeof(c), .flags = flags, .id = id,
		.iotlb_entries = iotlb_entries,
	};
	int err = ptlab_ioctl(fd, PTLAB_IOCTL_DEV_CREATE, &c);

	*dev_id = c.out_dev_id;
	return err;
}

/**
 * ptlab_dev_destroy() - destroy a simulated device
 * @fd: open /dev/ptlab
 * @dev_id: the device
 *
 * Return: 0 or a negative errno.
 */
int ptlab_dev_destroy(int fd, __u32 dev_id)
{
	struct ptlab_dev_destroy d = { .size = sizeof(d), .dev_id = dev_id };

	return ptlab_ioctl(fd, PTLAB_IOCTL_DEV_DESTROY, &d);
}

/**
 * ptlab_dev_dma() - make a device read or write memory through its IOVAs
 * @fd: open /dev/ptlab
 * @dma: the request; the size field is filled in here
 *
 * Return: 0, -EIO on a device fault (@dma->out_fault), or a negative errno.
 */
int ptlab_dev_dma(int fd, struct ptlab_dev_dma *dma)
{
	dma->size = sizeof(*dma);
	return ptlab_ioctl(fd, PTLAB_IOCTL_DEV_DMA, dma);
}

/**
 * ptlab_dev_faults() - read and drain a device's fault queue
 * @fd: open /dev/ptlab
 * @dev_id: the device
 * @records: room for @max records
 * @max: how many
 * @count: receives the records read
 * @overflow: receives the faults lost since the last read (may be NULL)
 *
 * Return: 0 or a negative errno.
 */
int ptlab_dev_faults(int fd, __u32 dev_id, struct ptlab_fault *records, __u32 max,
		     __u32 *count, __u32 *overflow)
{
	struct ptlab_dev_faults q = {
		.size = sizeof(q), .dev_id = dev_id, .max = max,
		.records = (__u64)(uintptr_t)records,
	};
	int err = ptlab_ioctl(fd, PTLAB_IOCTL_DEV_FAULTS, &q);

	*count = q.out_count;
	if (overflow)
		*overflow = q.out_overflow;
	return err;
}

/**
 * ptlab_read_dirty() - the dirty bitmap of a range (PTLAB_IOCTL_READ_DIRTY)
 * @fd: open /dev/ptlab
 * @id: an address space created with PTLAB_CREATE_DIRTY
 * @flags: 0 (read and clear) or PTLAB_READ_DIRTY_NO_CLEAR
 * @iova: first IOVA, aligned to @page_size
 * @length: bytes, a multiple of @page_size
 * @page_size: bytes per bit
 * @bitmap: receives one bit per page, 64 to a word
 * @bitmap_bytes: room at @bitmap
 * @dirty: receives the bits set (may be NULL)
 *
 * Return: 0 or a negative errno.
 */
int ptlab_read_dirty(int fd, __u32 id, __u32 flags, __u64 iova, __u64 length,
		     __u64 page_size, __u64 *bitmap, __u64 bitmap_bytes, __u64 *dirty)
{
	struct ptlab_read_dirty r = {
		.size = sizeof(r), .flags = flags, .id = id, .iova = iova,
		.length = length, .page_size = page_size,
		.bitmap = (__u64)(uintptr_t)bitmap, .bitmap_bytes = bitmap_bytes,
	};
	int err = ptlab_ioctl(fd, PTLAB_IOCTL_READ_DIRTY, &r);

	if (dirty)
		*dirty = r.out_dirty;
	return err;
}

/**
 * ptlab_fault_name() - a fault kind's name
 * @kind: enum ptlab_fault_kind
 *
 * Return: "translation", "permission", ... or "unknown".
 */
const char *ptlab_fault_name(__u32 kind)
{
	static const char *const names[] = {
		[PTLAB_FAULT_TRANSLATION] = "translation",
		[PTLAB_FAULT_PERMISSION] = "permission",
		[PTLAB_FAULT_ADDR_SIZE] = "address-size",
		[PTLAB_FAULT_ACCESS] = "access-flag",
		[PTLAB_FAULT_EXTERNAL] = "external",
		[PTLAB_FAULT_STALE] = "stale",
	};

	return kind < ARRAY_SIZE(names) && names[kind] ? names[kind] : "unknown";
}

/* ---- buffers ---- */

static size_t page_round_up(size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return (size + page - 1) & ~(page - 1);
}

/**
 * ptlab_alloc_buffer() - anonymous memory suitable for ptlab_map_user()
 * @size: bytes, rounded up to the CPU page size
 * @align: alignment, a power of two; 2M lets THP back it with PMD pages,
 *	which the kernel can then map with 2M blocks
 * @bufp: the buffer, to be freed with ptlab_free_buffer()
 *
 * The memory is faulted in (written) so that pinning it finds real pages
 * rather than the shared zero page.
 *
 * Return: 0 or a negative errno.
 */
int ptlab_alloc_buffer(size_t size, size_t align, void **bufp)
{
	size_t len = page_round_up(size);
	uintptr_t start, aligned;
	void *p;

	if (!size || (align & (align - 1)))
		return -EINVAL;
	if (align < (size_t)sysconf(_SC_PAGESIZE))
		align = (size_t)sysconf(_SC_PAGESIZE);
	if (len + align < len)
		return -ENOMEM;

	/* Over-allocate, then trim both ends to leave an aligned window. */
	p = mmap(NULL, len + align, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	start = (uintptr_t)p;
	aligned = (start + align - 1) & ~(uintptr_t)(align - 1);
	if (aligned > start)
		munmap(p, aligned - start);
	if (start + align > aligned)
		munmap((void *)(aligned + len), start + align - aligned);

	/* Only a hint: kernels without THP say EINVAL and use small pages. */
	madvise((void *)aligned, len, MADV_HUGEPAGE);
	memset((void *)aligned, 0, len);
	*bufp = (void *)aligned;
	return 0;
}

/**
 * ptlab_free_buffer() - free memory from ptlab_alloc_buffer()
 * @buf: the buffer
 * @size: the size it was allocated with
 */
void ptlab_free_buffer(void *buf, size_t size)
{
	if (buf)
		munmap(buf, page_round_up(size));
}

/* ---- debugfs ---- */

/* Copy /sys/kernel/debug/ptlab/<@dir>/<@name>; @what names @dir for users. */
static int debugfs_copy(const char *dir, const char *what, const char *name, FILE *out,
			char *why, size_t why_len)
{
	char path[256], buf[8192];
	struct statfs sfs;
	ssize_t n;
	int fd, err = 0;

	if (!why)
		why_len = 0;
	snprintf(path, sizeof(path), "%s/%s/%s", PTLAB_DEBUGFS_DIR, dir, name);

	if (statfs(PTLAB_DEBUGFS_ROOT, &sfs) || sfs.f_type != DEBUGFS_MAGIC) {
		snprintf(why, why_len,
			 "debugfs is not mounted on %s (mount it with `mount -t debugfs none %s`)",
			 PTLAB_DEBUGFS_ROOT, PTLAB_DEBUGFS_ROOT);
		return -ENODEV;
	}

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		if (err == -ENOENT && access(PTLAB_DEBUGFS_DIR, F_OK))
			snprintf(why, why_len, "%s does not exist (is the ptlab module loaded?)",
				 PTLAB_DEBUGFS_DIR);
		else if (err == -ENOENT)
			snprintf(why, why_len, "%s does not exist (no %s?)", path, what);
		else if (err == -EACCES || err == -EPERM)
			snprintf(why, why_len, "cannot read %s: %s (debugfs needs root)",
				 path, strerror(-err));
		else
			snprintf(why, why_len, "cannot read %s: %s", path, strerror(-err));
		return err;
	}

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (fwrite(buf, 1, (size_t)n, out) != (size_t)n) {
			err = -EIO;
			snprintf(why, why_len, "cannot write %s: %s", path, strerror(EIO));
			break;
		}
	}
	if (n < 0) {
		err = -errno;
		snprintf(why, why_len, "cannot read %s: %s", path, strerror(-err));
	}
	close(fd);
	return err;
}

/**
 * ptlab_debugfs_copy() - copy one of an address space's debugfs files
 * @id: address space
 * @name: file in /sys/kernel/debug/ptlab/<id>/, such as "mappings"
 * @out: where to write the contents, unchanged
 * @why: filled with a one-line explanation on failure (may be NULL)
 * @why_len: size of @why
 *
 * Return: 0; -ENODEV when debugfs is not mounted; -ENOENT when the file does
 * not exist; another negative errno for anything else.
 */
int ptlab_debugfs_copy(__u32 id, const char *name, FILE *out, char *why, size_t why_len)
{
	char dir[16], what[32];

	snprintf(dir, sizeof(dir), "%u", id);
	snprintf(what, sizeof(what), "address space %u", id);
	return debugfs_copy(dir, what, name, out, why, why_len);
}

/**
 * ptlab_dev_debugfs_copy() - copy one of a device's debugfs files
 * @dev_id: device
 * @name: file in /sys/kernel/debug/ptlab/dev<id>/: "iotlb" or "faults"
 * @out: where to write the contents, unchanged
 * @why: filled with a one-line explanation on failure (may be NULL)
 * @why_len: size of @why
 *
 * Return: as ptlab_debugfs_copy().
 */
int ptlab_dev_debugfs_copy(__u32 dev_id, const char *name, FILE *out, char *why,
			   size_t why_len)
{
	char dir[16], what[32];

	snprintf(dir, sizeof(dir), "dev%u", dev_id);
	snprintf(what, sizeof(what), "device %u", dev_id);
	return debugfs_copy(dir, what, name, out, why, why_len);
}

/* ---- text forms ---- */

/**
 * ptlab_prot_parse() - parse a protection string
 * @str: letters r w x p c m (READ WRITE EXEC PRIV CACHE MMIO) in any order;
 *	'-' is ignored so that the output of ptlab_prot_format() parses back
 * @prot: PTLAB_PROT_* bits
 *
 * Return: 0, or -EINVAL for an empty string or an unknown letter.
 */
int ptlab_prot_parse(const char *str, __u32 *prot)
{
	const char *p;
	__u32 bits = 0;
	bool any = false;

	for (; *str; str++) {
		if (*str == '-') {
			any = true;
			continue;
		}
		p = strchr(prot_letters, *str);
		if (!p)
			return -EINVAL;
		bits |= 1U << (p - prot_letters);
		any = true;
	}
	if (!any)
		return -EINVAL;
	*prot = bits;
	return 0;
}

/**
 * ptlab_prot_format() - format protection bits as "rw--c-"
 * @prot: PTLAB_PROT_* bits
 * @buf: at least PTLAB_PROT_STRLEN bytes
 * @len: size of @buf
 *
 * Bits this library does not know are appended in hex ("rw----+0x40") rather
 * than hidden, so that a newer module's output is never misread.
 *
 * Return: @buf.
 */
char *ptlab_prot_format(__u32 prot, char *buf, size_t len)
{
	char letters[sizeof(prot_letters)];
	size_t i;

	for (i = 0; i < sizeof(prot_letters) - 1; i++)
		letters[i] = prot & (1U << i) ? prot_letters[i] : '-';
	letters[i] = '\0';
	if (prot & ~PTLAB_PROT_ALL)
		snprintf(buf, len, "%s+0x%x", letters, prot & ~PTLAB_PROT_ALL);
	else
		snprintf(buf, len, "%s", letters);
	return buf;
}

static int unit_shift(char c)
{
	switch (c) {
	case 'K': case 'k':
		return 10;
	case 'M': case 'm':
		return 20;
	case 'G': case 'g':
		return 30;
	case 'T': case 't':
		return 40;
	default:
		return -1;
	}
}

/**
 * ptlab_parse_u64() - parse a number
 * @str: decimal, or hex with a 0x prefix, optionally followed by one of the
 *	binary suffixes K, M, G, T ("0x40000000", "1G", "4k", "4096")
 * @val: the value
 *
 * A leading 0 does not mean octal: "010" is ten, as a user would expect.
 *
 * Return: 0, -EINVAL for anything else, -ERANGE when it does not fit.
 */
int ptlab_parse_u64(const char *str, __u64 *val)
{
	unsigned int base = 10, digit;
	unsigned long long v = 0;
	const char *p = str;
	int shift = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!isxdigit((unsigned char)*p) || (base == 10 && !isdigit((unsigned char)*p)))
		return -EINVAL;
	for (; *p; p++) {
		if (isdigit((unsigned char)*p))
			digit = *p - '0';
		else if (base == 16 && isxdigit((unsigned char)*p))
			digit = tolower((unsigned char)*p) - 'a' + 10;
		else
			break;
		if (v > (~0ULL - digit) / base)
			return -ERANGE;
		v = v * base + digit;
	}
	if (*p) {
		shift = unit_shift(*p);
		if (shift < 0 || p[1])
			return -EINVAL;
		if (v > (~0ULL >> shift))
			return -ERANGE;
	}
	*val = v << shift;
	return 0;
}

/**
 * ptlab_size_format() - format a size with the largest exact binary unit
 * @size: bytes
 * @buf: at least PTLAB_SIZE_STRLEN bytes
 * @len: size of @buf
 *
 * Return: @buf, holding "4K", "2M", "1G", "1536K" or a plain byte count.
 */
char *ptlab_size_format(__u64 size, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	int i;

	for (i = (int)sizeof(units) - 2; size && i >= 0; i--) {
		unsigned int shift = 10 * (i + 1);

		if (!(size & ((1ULL << shift) - 1))) {
			snprintf(buf, len, "%llu%c", size >> shift, units[i]);
			return buf;
		}
	}
	snprintf(buf, len, "%llu", size);
	return buf;
}

/**
 * ptlab_pgsizes_parse() - parse a page-size set
 * @str: sizes separated by commas, each a power of two ("4K,2M,1G")
 * @bitmap: one bit per page size, as in struct ptlab_create
 *
 * Return: 0 or -EINVAL.
 */
int ptlab_pgsizes_parse(const char *str, __u64 *bitmap)
{
	char item[PTLAB_SIZE_STRLEN];
	__u64 bits = 0, size;
	const char *end;
	size_t n;

	for (;;) {
		end = strchr(str, ',');
		n = end ? (size_t)(end - str) : strlen(str);
		if (!n || n >= sizeof(item))
			return -EINVAL;
		memcpy(item, str, n);
		item[n] = '\0';
		if (ptlab_parse_u64(item, &size) || !size || (size & (size - 1)))
			return -EINVAL;
		bits |= size;
		if (!end)
			break;
		str = end + 1;
	}
	*bitmap = bits;
	return 0;
}

/**
 * ptlab_pgsizes_format() - format a page-size set as "4K,2M,1G"
 * @bitmap: one bit per page size
 * @buf: output
 * @len: size of @buf; 64 * PTLAB_SIZE_STRLEN always suffices
 *
 * Return: @buf; "none" for an empty set.
 */
char *ptlab_pgsizes_format(__u64 bitmap, char *buf, size_t len)
{
	char size[PTLAB_SIZE_STRLEN];
	size_t used = 0;
	int bit;

	if (!len)
		return buf;
	buf[0] = '\0';
	if (!bitmap) {
		snprintf(buf, len, "none");
		return buf;
	}
	for (bit = 0; bit < 64; bit++) {
		if (!(bitmap & (1ULL << bit)))
			continue;
		ptlab_size_format(1ULL << bit, size, sizeof(size));
		used += snprintf(buf + used, len - used, "%s%s", used ? "," : "", size);
		if (used >= len)
			break;	/* truncated, but still terminated */
	}
	return buf;
}

/**
 * ptlab_format_parse() - parse a page-table format name
 * @str: a name such as "arm64-lpae-s1", or the enum ptlab_format number
 * @format: enum ptlab_format
 *
 * Numbers pass through unchecked so that a newer module's formats can be
 * used before this library learns their names.
 *
 * Return: 0 or -EINVAL.
 */
int ptlab_format_parse(const char *str, __u32 *format)
{
	__u64 val;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(formats); i++) {
		if (!strcmp(str, formats[i].name)) {
			*format = formats[i].format;
			return 0;
		}
	}
	if (ptlab_parse_u64(str, &val) || val > UINT32_MAX)
		return -EINVAL;
	*format = (__u32)val;
	return 0;
}

/**
 * ptlab_format_name() - name of a page-table format
 * @format: enum ptlab_format
 *
 * Return: its name, or NULL when this library does not know it.
 */
const char *ptlab_format_name(__u32 format)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(formats); i++)
		if (formats[i].format == format)
			return formats[i].name;
	return NULL;
}

/**
 * ptlab_format_what() - one line on a format: what it is, its page sizes
 * @format: enum ptlab_format
 *
 * Return: the line, or NULL when this library does not know the format.
 */
const char *ptlab_format_what(__u32 format)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(formats); i++)
		if (formats[i].format == format)
			return formats[i].what;
	return NULL;
}

/**
 * ptlab_format_reg_name() - what a format's driver calls a register value
 * @format: enum ptlab_format
 * @reg: 0 for struct ptlab_info's out_ttbr, 1 for out_tcr, 2 for out_mair
 *
 * Return: the name ("cr3", "vtcr", "iosatp", ...), the uapi's own name for
 * a format this library does not know, or NULL where the format programs
 * nothing.
 */
const char *ptlab_format_reg_name(__u32 format, unsigned int reg)
{
	static const char *const uapi[3] = { "ttbr", "tcr", "mair" };
	size_t i;

	if (reg >= 3)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(formats); i++)
		if (formats[i].format == format)
			return formats[i].regs[reg];
	return uapi[reg];
}

/* The PTLAB_CREATE_ARM_* variants by the names ptctl takes. */
static const struct {
	const char *name;
	__u32 flag;
} create_flags[] = {
	{ "lpa2", PTLAB_CREATE_ARM_LPA2 },
	{ "ttbr1", PTLAB_CREATE_ARM_TTBR1 },
	{ "ns", PTLAB_CREATE_ARM_NS },
	{ "outer-wbwa", PTLAB_CREATE_ARM_OUTER_WBWA },
	{ "s2fwb", PTLAB_CREATE_ARM_S2FWB },
	{ "mtk", PTLAB_CREATE_ARM_MTK_EXT },
};

/**
 * ptlab_create_flag_parse() - a PTLAB_CREATE_ARM_* variant by its name
 * @name: "lpa2", "ttbr1", "ns", "outer-wbwa", "s2fwb" or "mtk"
 * @flag: receives the flag
 *
 * Return: 0, or -EINVAL for a name this library does not know.
 */
int ptlab_create_flag_parse(const char *name, __u32 *flag)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(create_flags); i++) {
		if (!strcmp(create_flags[i].name, name)) {
			*flag = create_flags[i].flag;
			return 0;
		}
	}
	return -EINVAL;
}

/**
 * ptlab_create_flags_format() - the variants of struct ptlab_info's out_flags
 * @flags: PTLAB_CREATE_ARM_* bits
 * @buf: receives their names separated by commas ("lpa2,ttbr1"), "none"
 *	for 0, and any unknown bits in hex
 * @len: size of @buf
 *
 * Return: @buf.
 */
char *ptlab_create_flags_format(__u32 flags, char *buf, size_t len)
{
	size_t i, used = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(create_flags); i++) {
		if (!(flags & create_flags[i].flag))
			continue;
		used += snprintf(buf + used, used < len ? len - used : 0, "%s%s",
				 used ? "," : "", create_flags[i].name);
		flags &= ~create_flags[i].flag;
	}
	if (flags)
		used += snprintf(buf + used, used < len ? len - used : 0, "%s0x%x",
				 used ? "," : "", flags);
	if (!used)
		snprintf(buf, len, "none");
	return buf;
}

/**
 * ptlab_info_reg_name() - what the driver calls a register of this space
 * @info: a PTLAB_IOCTL_INFO reply
 * @reg: as for ptlab_format_reg_name()
 *
 * The variants change some: TTBR1 spaces report "ttbr1", stage 2 with
 * S2FWB "hcr" (HCR_EL2 with FWB) where it has no MAIR, and a MediaTek
 * v7s space its M4U's "pt_base" and no TEX remap registers.
 *
 * Return: as ptlab_format_reg_name().
 */
const char *ptlab_info_reg_name(const struct ptlab_info *info, unsigned int reg)
{
	__u32 flags = info->out_flags;

	if (info->out_format == PTLAB_FMT_ARM64_LPAE_S1 && reg == 0 &&
	    (flags & PTLAB_CREATE_ARM_TTBR1))
		return "ttbr1";
	if (info->out_format == PTLAB_FMT_ARM64_LPAE_S2 && reg == 2 &&
	    (flags & PTLAB_CREATE_ARM_S2FWB))
		return "hcr";
	if (info->out_format == PTLAB_FMT_ARM_V7S &&
	    (flags & PTLAB_CREATE_ARM_MTK_EXT))
		return reg == 0 ? "pt_base" : reg == 1 ? "ttbcr" : NULL;
	return ptlab_format_reg_name(info->out_format, reg);
}

/**
 * ptlab_walk_word_name() - a word a walk read, as the architecture names it
 * @format: enum ptlab_format
 * @levels: levels of the address space (struct ptlab_info's out_levels)
 * @walk: the walk's result
 * @i: which of its @walk->out_entries
 * @buf: receives the name of the word's level (ptlab_level_name()); for
 *	NVIDIA GMMU the half too: "PD0.big" and "PD0.small" for the two words
 *	of a dual entry, "PTE.big" or "PTE.small" for the page table read
 *	(the big one when PD0's word 0 points at one: the MMU reads it first)
 * @len: size of @buf
 *
 * Return: @buf.
 */
char *ptlab_walk_word_name(__u32 format, unsigned int levels,
			   const struct ptlab_walk *walk, unsigned int i,
			   char *buf, size_t len)
{
	unsigned int level = walk->out_entry_levels[i], j, first = i;
	bool big = false;
	size_t n;

	ptlab_level_name(format, levels, level, buf, len);
	if (format != PTLAB_FMT_NVIDIA_GMMU_V2 &&
	    format != PTLAB_FMT_NVIDIA_GMMU_V3)
		return buf;
	while (first && walk->out_entry_levels[first - 1] == level)
		first--;
	if (level == 1) {
		big = i == first;
	} else if (!level) {
		/* PD0's word 0, the walk's first word at level 1. */
		for (j = 0; j < i; j++)
			if (walk->out_entry_levels[j] == 1)
				break;
		/* VALID = 0 and an aperture: a big page table pointer. */
		big = i == first && j < i && !(walk->out_entries[j] & 1) &&
		      (walk->out_entries[j] & 6);
	} else {
		return buf;
	}
	n = strlen(buf);
	snprintf(buf + n, len > n ? len - n : 0, "%s", big ? ".big" : ".small");
	return buf;
}

/**
 * ptlab_level_name() - a level as the architecture names it
 * @format: enum ptlab_format
 * @levels: levels of the address space (struct ptlab_info's out_levels)
 * @level: the uapi's level, counted from the last-level table (0)
 * @buf: receives the name: "L2" (Arm, counted from the start of the
 *	architecture's walk), "PDPT" (x86-64), "SL-PDE" (VT-d), "L3" (AMD,
 *	from the leaf table as 1), "VPN[1]" (RISC-V), ...
 * @len: size of @buf
 *
 * Return: @buf; the uapi's number for a format this library does not know.
 */
char *ptlab_level_name(__u32 format, unsigned int levels, unsigned int level,
		       char *buf, size_t len)
{
	static const char *const x86[] = { "PT", "PD", "PDPT", "PML4", "PML5" };
	static const char *const vtd[] = { "SL-PTE", "SL-PDE", "SL-PDPE", "SL-PML4E",
					   "SL-PML5E" };
	/* PD0's entries are dual: big and small page table pointers. */
	static const char *const gmmu[] = { "PTE", "PD0", "PDE1", "PDE2", "PDE3",
					    "PDE4" };

	switch (format) {
	case PTLAB_FMT_ARM64_LPAE_S1:
	case PTLAB_FMT_ARM64_LPAE_S2:
	case PTLAB_FMT_ARM_MALI_LPAE:
	case PTLAB_FMT_APPLE_UAT:
		/* The last level is level 3, whatever the granule. */
		if (level <= 3) {
			snprintf(buf, len, "L%u", 3 - level);
			return buf;
		}
		/* FEAT_LPA2's fifth level, above level 0. */
		if (level == 4 && format != PTLAB_FMT_APPLE_UAT) {
			snprintf(buf, len, "L-1");
			return buf;
		}
		break;
	case PTLAB_FMT_ARM_V7S:
		if (level <= 1) {
			snprintf(buf, len, "L%u", 2 - level);
			return buf;
		}
		break;
	case PTLAB_FMT_X86_64:
		if (level < ARRAY_SIZE(x86)) {
			snprintf(buf, len, "%s", x86[level]);
			return buf;
		}
		break;
	case PTLAB_FMT_VTD_SS:
		if (level < ARRAY_SIZE(vtd)) {
			snprintf(buf, len, "%s", vtd[level]);
			return buf;
		}
		break;
	case PTLAB_FMT_AMD_V1:
		snprintf(buf, len, "L%u", level + 1);
		return buf;
	case PTLAB_FMT_NVIDIA_GMMU_V2:
	case PTLAB_FMT_NVIDIA_GMMU_V3:
		if (level < ARRAY_SIZE(gmmu)) {
			snprintf(buf, len, "%s", gmmu[level]);
			return buf;
		}
		break;
	case PTLAB_FMT_RISCV:
		snprintf(buf, len, "VPN[%u]", level);
		return buf;
	case PTLAB_FMT_APPLE_DART:
		if (level < levels) {
			snprintf(buf, len, "L%u", levels - level);
			return buf;
		}
		break;
	}
	snprintf(buf, len, "%u", level);
	return buf;
}

/**
 * ptlab_format_at() - the formats this library knows, one by one
 * @i: 0, 1, ...
 *
 * Return: the @i-th format's number, or 0 past the last.
 */
__u32 ptlab_format_at(size_t i)
{
	return i < ARRAY_SIZE(formats) ? formats[i].format : 0;
}
