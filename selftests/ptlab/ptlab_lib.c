// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the ptlab kselftest programs; see ptlab_lib.h.
 */
#define _GNU_SOURCE
#include <dirent.h>
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
#include <unistd.h>

#include <linux/capability.h>
#include <linux/elf.h>

/*
 * The harness header is written for the test program's own translation unit:
 * it defines a few global symbols that the program defines too. This one
 * only needs its macros, so its copies of those are renamed, and the parts
 * it leaves unused may stay unused.
 */
#define __active_test		ptlab_lib_active_test
#define __wait_for_test		ptlab_lib_wait_for_test
#define __run_test		ptlab_lib_run_test
#define _fixture_global		ptlab_lib_fixture_global
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-variable"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop

#include "ptlab_lib.h"

/* --- ioctls, returning 0 or -errno --- */

int pt_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

/* Creates the address space @c asks for (its size is set here). */
int pt_create_req(int fd, const struct ptlab_create *c, __u32 *id)
{
	struct ptlab_create req = *c;
	int ret;

	req.size = sizeof(req);
	ret = pt_ioctl(fd, PTLAB_IOCTL_CREATE, &req);
	if (!ret)
		*id = req.out_id;
	return ret;
}

/* An Arm stage-1 space with 4K granules (0: the default ias, sizes). */
int pt_create(int fd, __u32 ias, __u64 pgsizes, __u32 *id)
{
	struct ptlab_create c = {
		.format = PTLAB_FMT_ARM64_LPAE_S1,
		.ias = ias,
		.pgsize_bitmap = pgsizes,
	};

	return pt_create_req(fd, &c, id);
}

int pt_destroy(int fd, __u32 id)
{
	struct ptlab_destroy d = { .size = sizeof(d), .id = id };

	return pt_ioctl(fd, PTLAB_IOCTL_DESTROY, &d);
}

int pt_info(int fd, __u32 id, struct ptlab_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	info->id = id;
	return pt_ioctl(fd, PTLAB_IOCTL_INFO, info);
}

struct ptlab_map_user map_req(__u32 id, __u64 iova, const void *uptr,
			      __u64 len, __u32 prot)
{
	struct ptlab_map_user req = {
		.size = sizeof(req),
		.id = id,
		.prot = prot,
		.iova = iova,
		.uptr = (uintptr_t)uptr,
		.length = len,
		.out_mapped = POISON,
	};

	return req;
}

struct ptlab_map_phys phys_req(__u32 id, __u64 iova, __u64 pa, __u64 len,
			       __u32 prot)
{
	struct ptlab_map_phys req = {
		.size = sizeof(req),
		.id = id,
		.prot = prot,
		.iova = iova,
		.paddr = pa,
		.length = len,
		.out_mapped = POISON,
		.out_kind = ~0U,
	};

	return req;
}

/* A user map of @pgsize (0: any); @mapped may be NULL. */
int pt_map_user(int fd, __u32 id, __u64 iova, const void *uptr, __u64 len,
		__u32 prot, __u64 pgsize, __u64 *mapped)
{
	struct ptlab_map_user req = map_req(id, iova, uptr, len, prot);
	int ret;

	req.pgsize = pgsize;
	ret = pt_ioctl(fd, PTLAB_IOCTL_MAP_USER, &req);
	if (mapped)
		*mapped = req.out_mapped;
	return ret;
}

/* The simulated device (struct ptlab_dev_*): @done and @fault may be NULL. */
int pt_dev_create(int fd, __u32 id, __u32 flags, __u32 entries,
		  __u32 *dev_id)
{
	struct ptlab_dev_create c = {
		.size = sizeof(c), .flags = flags, .id = id,
		.iotlb_entries = entries,
	};
	int ret = pt_ioctl(fd, PTLAB_IOCTL_DEV_CREATE, &c);

	*dev_id = c.out_dev_id;
	return ret;
}

int pt_dev_destroy(int fd, __u32 dev_id)
{
	struct ptlab_dev_destroy d = { .size = sizeof(d), .dev_id = dev_id };

	return pt_ioctl(fd, PTLAB_IOCTL_DEV_DESTROY, &d);
}

int pt_dev_dma(int fd, __u32 dev_id, __u32 access, __u64 iova, void *buf,
	       __u64 len, __u64 *done, int *fault)
{
	struct ptlab_dev_dma d = {
		.size = sizeof(d), .dev_id = dev_id, .access = access,
		.iova = iova, .uptr = (__u64)(uintptr_t)buf, .length = len,
	};
	int ret = pt_ioctl(fd, PTLAB_IOCTL_DEV_DMA, &d);

	if (done)
		*done = d.out_done;
	if (fault)
		*fault = (int)d.out_fault;
	return ret;
}

int pt_dev_faults(int fd, __u32 dev_id, struct ptlab_fault *f, __u32 max,
		  int *count, int *overflow)
{
	struct ptlab_dev_faults q = {
		.size = sizeof(q), .dev_id = dev_id, .max = max,
		.records = (__u64)(uintptr_t)f,
	};
	int ret = pt_ioctl(fd, PTLAB_IOCTL_DEV_FAULTS, &q);

	*count = (int)q.out_count;
	if (overflow)
		*overflow = (int)q.out_overflow;
	return ret;
}

/* A counter of debugfs ptlab/dev<id>/iotlb, or -1. */
long long pt_iotlb_stat(__u32 dev_id, const char *name)
{
	char path[128], key[32];
	long long val, found = -1;
	FILE *f;

	snprintf(path, sizeof(path), PTLAB_DEBUGFS "/dev%u/iotlb", dev_id);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fscanf(f, "%31s %lld%*[^\n]", key, &val) == 2)
		if (!strcmp(key, name))
			found = val;
	fclose(f);
	return found;
}

/* A physical map of @pgsize (0: any); @mapped and @kind may be NULL. */
int pt_map_phys(int fd, __u32 id, __u64 iova, __u64 pa, __u64 len,
		__u32 prot, __u64 pgsize, __u64 *mapped, __u32 *kind)
{
	struct ptlab_map_phys req = phys_req(id, iova, pa, len, prot);
	int ret;

	req.pgsize = pgsize;
	ret = pt_ioctl(fd, PTLAB_IOCTL_MAP_PHYS, &req);
	if (mapped)
		*mapped = req.out_mapped;
	if (kind)
		*kind = req.out_kind;
	return ret;
}

int pt_unmap(int fd, __u32 id, __u64 iova, __u64 len, __u64 *unmapped)
{
	struct ptlab_unmap u = {
		.size = sizeof(u),
		.id = id,
		.iova = iova,
		.length = len,
		.out_unmapped = POISON,
	};
	int ret = pt_ioctl(fd, PTLAB_IOCTL_UNMAP, &u);

	*unmapped = u.out_unmapped;
	return ret;
}

int pt_walk(int fd, __u32 id, __u64 iova, struct ptlab_walk *w)
{
	memset(w, 0, sizeof(*w));
	w->size = sizeof(*w);
	w->id = id;
	w->iova = iova;
	return pt_ioctl(fd, PTLAB_IOCTL_WALK, w);
}

/* --- what the kernel says independently --- */

/* The number after "@key:" in a /proc file, or -1. */
static long proc_field(const char *path, const char *key)
{
	size_t klen = strlen(key);
	char line[256];
	long val = -1;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			val = strtol(line + klen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return val;
}

/* A field of /proc/self/status in kB (VmPin, VmLck, ...), or -1. */
long status_kb(const char *key)
{
	return proc_field("/proc/self/status", key);
}

/* A field of /proc/meminfo in kB (MemAvailable, ...), or -1. */
long meminfo_kb(const char *key)
{
	return proc_field("/proc/meminfo", key);
}

long vmpin_kb(void)
{
	return status_kb("VmPin");
}

/* SecPageTables in kB, or -1. */
long secpt_kb(void)
{
	int fd = open("/proc/sys/vm/stat_refresh", O_WRONLY);
	ssize_t n;

	/* Fold the per-CPU vmstat deltas, or the counter lags behind. */
	if (fd < 0)
		return -1;
	n = write(fd, "1", 1);
	close(fd);
	if (n != 1)
		return -1;
	return meminfo_kb("SecPageTables");
}

/* ptlab's use count in /proc/modules, or -1 if it is not listed. */
int module_refcount(void)
{
	char line[512], name[64];
	int ref = -1, r;
	long size;
	FILE *f;

	f = fopen("/proc/modules", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %ld %d", name, &size, &r) == 3 &&
		    !strcmp(name, "ptlab")) {
			ref = r;
			break;
		}
	}
	fclose(f);
	return ref;
}

/* Whether [pa, pa + 4K) is ordinary RAM, as /proc/iomem tells root. */
bool pa_is_ram(__u64 pa)
{
	const struct iomem *io = iomem_get();
	int i;

	for (i = 0; io && i < io->nr; i++)
		if (!io->r[i].depth && res_is_ram(&io->r[i]) &&
		    pa >= io->r[i].start && pa + SZ_4K - 1 <= io->r[i].end)
			return true;
	return false;
}

/*
 * The page at @pa as /dev/mem gives it to this process: 0 with @buf filled,
 * or -errno (EPERM where STRICT_DEVMEM or lockdown refuse RAM). The module
 * must copy physical RAM into snapshots exactly where this works.
 */
int devmem_read(__u64 pa, void *buf)
{
	ssize_t got;
	int fd;

	fd = open("/dev/mem", O_RDONLY);
	if (fd < 0)
		return -errno;
	got = pread(fd, buf, SZ_4K, pa);
	if (got < 0)
		got = -errno;
	close(fd);
	if (got < 0)
		return got;
	return got == SZ_4K ? 0 : -EIO;
}

/*
 * Physical addresses of the @n pages from @va, from /proc/self/pagemap (root
 * sees the PFNs). 0, or -ENODATA if a page is not present.
 */
int pagemap_pas(const void *va, size_t n, __u64 *pas)
{
	ssize_t want = n * sizeof(*pas), got;
	size_t i;
	int fd;

	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0)
		return -errno;
	got = pread(fd, pas, want, (uintptr_t)va / SZ_4K * sizeof(*pas));
	close(fd);
	if (got != want)
		return -EIO;
	for (i = 0; i < n; i++) {
		if (!(pas[i] & PM_PRESENT) || !(pas[i] & PM_PFN))
			return -ENODATA;
		pas[i] = (pas[i] & PM_PFN) * SZ_4K;
	}
	return 0;
}

/* --- debugfs --- */

void debugfs_path(char *path, size_t len, __u32 id, const char *file)
{
	snprintf(path, len, "%s/%u%s%s", PTLAB_DEBUGFS, id, file ? "/" : "",
		 file ? file : "");
}

bool debugfs_has_dir(__u32 id)
{
	char path[128];
	struct stat st;

	debugfs_path(path, sizeof(path), id, NULL);
	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* Address-space directories under ptlab/, or -1. */
int debugfs_nr_dirs(void)
{
	struct dirent *de;
	int nr = 0;
	DIR *d;

	d = opendir(PTLAB_DEBUGFS);
	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_type == DT_DIR && de->d_name[0] != '.')
			nr++;
	closedir(d);
	return nr;
}

/* The format name in the first line of debugfs <id>/mappings. */
int debugfs_format(__u32 id, char *fmt, size_t len)
{
	char path[128], line[256];
	unsigned int got;
	int ret = -1;
	FILE *f;

	debugfs_path(path, sizeof(path), id, "mappings");
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fgets(line, sizeof(line), f) &&
	    sscanf(line, "# ptlab address space %u: %31s", &got, fmt) == 2 &&
	    got == id && len >= 32)
		ret = 0;
	fclose(f);
	return ret;
}

/* The text of debugfs <id>/flushes: 0, or -1 if not in its format. */
int flushes_parse(const char *text, struct flushes *fl)
{
	int end = 0;

	if (sscanf(text,
		   "all %lld range %lld last_range 0x%llx-0x%llx granule 0x%llx table_pages %lld%n",
		   &fl->all, &fl->range, &fl->start, &fl->end, &fl->granule,
		   &fl->table_pages, &end) != 6 || !end || fl->all < 0 ||
	    fl->range < 0 || fl->table_pages < 0)
		return -1;
	return 0;
}

long long debugfs_table_pages(__u32 id)
{
	char path[128], line[64];
	long long val = -1;
	FILE *f;

	debugfs_path(path, sizeof(path), id, "table_pages");
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fgets(line, sizeof(line), f))
		val = strtoll(line, NULL, 10);
	fclose(f);
	return val;
}

void prot_str(__u32 prot, char str[7])
{
	static const char letters[] = "rwxpcm";
	int i;

	for (i = 0; i < 6; i++)
		str[i] = prot & (1U << i) ? letters[i] : '-';
	str[6] = '\0';
}

/* A page size as the dump writes it: in the largest unit that divides it. */
void size_str(__u64 size, char str[24])
{
	static const char units[] = "KMGTP";
	unsigned int u = 0;

	size >>= 10;
	while (u + 1 < sizeof(units) - 1 && size >= 1024 && !(size % 1024)) {
		size /= 1024;
		u++;
	}
	snprintf(str, 24, "%llu%c", size, units[u]);
}

/* --- memory --- */

/*
 * Anonymous memory, written so that every page is present and its own.
 * @huge asks for transparent huge pages (2M aligned and advised); whether the
 * kernel gave one is for pagemap to tell, never assumed. Other buffers are
 * advised against THP so that they usually get 4K pages.
 */
int buf_alloc(struct buf *b, size_t len, bool huge)
{
	size_t i;

	b->map_len = huge ? len + SZ_2M : len;
	b->map = mmap(NULL, b->map_len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b->map == MAP_FAILED)
		return -errno;
	b->p = huge ? (char *)align_up((uintptr_t)b->map, SZ_2M) : b->map;
	b->len = len;
	/* Fails where THP is not built in; pagemap tells what we got. */
	madvise(b->p, len, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	for (i = 0; i < len; i += SZ_4K)
		memset(b->p + i, (int)(i / SZ_4K) | 1, SZ_4K);
	return 0;
}

void buf_free(struct buf *b)
{
	if (b->map && b->map != MAP_FAILED)
		munmap(b->map, b->map_len);
	memset(b, 0, sizeof(*b));
}

/* Whether the @n pages from @i in @pas are physically contiguous. */
bool pas_contiguous(const __u64 *pas, size_t i, size_t n)
{
	size_t k;

	for (k = 1; k < n; k++)
		if (pas[i + k] != pas[i] + k * SZ_4K)
			return false;
	return true;
}

/* Whether the 2M at @p (2M aligned) is one aligned, contiguous block of RAM. */
bool is_huge_backed(const void *p)
{
	__u64 pas[SZ_2M / SZ_4K];

	return !pagemap_pas(p, SZ_2M / SZ_4K, pas) && !(pas[0] % SZ_2M) &&
	       pas_contiguous(pas, 0, SZ_2M / SZ_4K);
}

/* --- geometry --- */

/*
 * The architectural layout of the levels: 8-byte entries, so a table of one
 * granule resolves gran - 3 bits and level l spans 2^(gran + l * (gran - 3));
 * Armv7 short descriptors are the exception (4K pages under 1M sections).
 * The top-level table holds what the input size leaves: Arm LPAE (stage-2
 * concatenation included) and AMD v1 size it by the input size, Armv7 too
 * (TTBCR.N); the other formats always walk a whole table.
 */
void geom_init(struct geom *g, const struct ptlab_info *info)
{
	unsigned int l, top_bits;

	memset(g, 0, sizeof(*g));
	g->format = info->out_format;
	g->gran = info->out_granule_shift;
	g->ias = info->out_ias;
	g->oas = info->out_oas;
	g->levels = info->out_levels;
	g->prot_mask = info->out_prot_mask;
	g->pgsizes = info->out_pgsize_bitmap;
	g->last = g->ias >= 64 ? ~0ULL : BIT_ULL(g->ias) - 1;
	for (l = 0; l < g->levels && l < PTLAB_MAX_LEVELS; l++)
		g->shift[l] = g->format == PTLAB_FMT_ARM_V7S ? 12 + 8 * l :
			      g->gran + l * (g->gran - 3);
	if (!g->levels || g->levels > PTLAB_MAX_LEVELS)
		return;
	/*
	 * NVIDIA GMMU: 4K, 64K or 128K pages (the granule), PD0 with 256
	 * dual entries of 2M, then 9 bits a level from 29; the root a whole
	 * page. A big page table is 32 entries of 64K, 256 bytes, or 16 of
	 * 128K in 256 bytes too (its PD0 pointer's alignment). With both 4K
	 * and 64K pages, the small and big page tables under a PD0 entry
	 * come together in 8K.
	 */
	if (g->format == PTLAB_FMT_NVIDIA_GMMU_V2 ||
	    g->format == PTLAB_FMT_NVIDIA_GMMU_V3) {
		for (l = 1; l < g->levels; l++)
			g->shift[l] = l == 1 ? 21 : 29 + 9 * (l - 2);
		g->root_bytes = SZ_4K;
		g->table_bytes = SZ_4K;
		g->pt_bytes = 8ULL << (21 - g->gran);
		if (g->pt_bytes < 256)
			g->pt_bytes = 256;
		if (geom_gmmu_mixed(g))
			g->pt_bytes = SZ_8K;
		return;
	}
	top_bits = g->ias - g->shift[g->levels - 1];
	switch (g->format) {
	case PTLAB_FMT_ARM_V7S:
		g->root_bytes = 4ULL << top_bits;
		g->table_bytes = 1024;
		return;
	case PTLAB_FMT_ARM64_LPAE_S1:
	case PTLAB_FMT_ARM64_LPAE_S2:
	case PTLAB_FMT_AMD_V1:
		g->root_bytes = 8ULL << top_bits;
		break;
	default:
		g->root_bytes = geom_gran(g);
		break;
	}
	g->table_bytes = geom_gran(g);
}

/* NVIDIA GMMU with 4K and 64K pages: both page tables under PD0 entries. */
bool geom_gmmu_mixed(const struct geom *g)
{
	return geom_gmmu(g) && g->gran == 12 && (g->pgsizes & SZ_64K);
}

bool geom_gmmu(const struct geom *g)
{
	return g->format == PTLAB_FMT_NVIDIA_GMMU_V2 ||
	       g->format == PTLAB_FMT_NVIDIA_GMMU_V3;
}

/*
 * Words a walk reads to a leaf at @lvl: one per level; NVIDIA GMMU reads
 * both words of PD0 and, in a mixed space, the big PTE before a small one.
 */
unsigned int geom_walk_words(const struct geom *g, unsigned int lvl,
			     __u64 size)
{
	unsigned int n = g->levels - lvl;

	if (!geom_gmmu(g) || lvl > 1)
		return n;
	return n + 1 + (!lvl && size == SZ_4K && geom_gmmu_mixed(g));
}

/* Levels of Arm LPAE with 4K granules for @ias input bits. */
unsigned int levels_for_ias(unsigned int ias)
{
	return (ias - 12 + 8) / 9;
}

/* Level of a leaf of @size, counted from the last level (0). */
unsigned int geom_level(const struct geom *g, __u64 size)
{
	unsigned int l = g->levels, s = __builtin_ctzll(size);

	while (l-- > 1)
		if (g->shift[l] <= s)
			return l;
	return 0;
}

__u64 geom_gran(const struct geom *g)
{
	return 1ULL << g->gran;
}

/* Page sizes of the address space, smallest first. */
int geom_sizes(const struct geom *g, __u64 *sizes)
{
	__u64 b = g->pgsizes;
	int n = 0;

	while (b) {
		sizes[n++] = b & -b;
		b &= b - 1;
	}
	return n;
}

__u64 geom_min_pgsize(const struct geom *g)
{
	return g->pgsizes & -g->pgsizes;
}

/* The largest page size of at most @max_last + 1 bytes, or 0. */
__u64 geom_largest_upto(const struct geom *g, __u64 max_last)
{
	__u64 b = g->pgsizes, best = 0;

	while (b) {
		__u64 s = b & -b;

		if (s - 1 <= max_last)
			best = s;
		b &= b - 1;
	}
	return best;
}

/* --- the model --- */

/* qsort() order of leaves: by IOVA. */
int leaf_cmp(const void *a, const void *b)
{
	const struct leaf *x = a, *y = b;

	return x->iova < y->iova ? -1 : x->iova > y->iova;
}

/* Appends @lf to @m, growing it; -ENOMEM if it cannot. */
int model_push(struct model *m, const struct leaf *lf)
{
	if (m->nr == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 64;
		struct leaf *l = realloc(m->leaves, cap * sizeof(*l));

		if (!l)
			return -ENOMEM;
		m->leaves = l;
		m->cap = cap;
	}
	m->leaves[m->nr++] = *lf;
	return 0;
}

/*
 * The leaves a correct map of one physically contiguous run makes: at each
 * step the largest of @sizes that the IOVA, the physical address and the
 * bytes left are all aligned to. -EINVAL if none fits. The caller sorts.
 */
int model_add_run(struct model *m, __u64 iova, __u64 pa, __u64 len,
		  __u32 prot, __u32 kind, __u64 sizes)
{
	struct leaf lf = { .prot = prot, .kind = kind };
	__u64 b, s;
	int ret;

	while (len) {
		lf.size = 0;
		for (b = sizes; b; b &= b - 1) {
			s = b & -b;
			if (s <= len && !((iova | pa) & (s - 1)))
				lf.size = s;
		}
		if (!lf.size)
			return -EINVAL;
		lf.iova = iova;
		lf.pa = pa;
		ret = model_push(m, &lf);
		if (ret)
			return ret;
		iova += lf.size;
		pa += lf.size;
		len -= lf.size;
	}
	return 0;
}

/*
 * Adds the leaves that mapping the @n 4K pages at @pas from @iova must make:
 * each physically contiguous run mapped as model_add_run() says, with the
 * page sizes of the address space or only @forced.
 */
static int model_add_pas(struct model *m, __u64 iova, const __u64 *pas,
			 size_t n, __u32 prot, __u64 forced, __u32 kind)
{
	__u64 sizes = forced ? forced : m->g.pgsizes;
	size_t i, j;
	int ret = 0;

	for (i = 0; !ret && i < n; i = j) {
		for (j = i + 1; j < n && pas[j] == pas[i] + (j - i) * SZ_4K; j++)
			;
		ret = model_add_run(m, iova + i * SZ_4K, pas[i],
				    (j - i) * SZ_4K, prot | PTLAB_PROT_READ,
				    kind, sizes);
	}
	qsort(m->leaves, m->nr, sizeof(*m->leaves), leaf_cmp);
	return ret;
}

/*
 * Adds the leaves that mapping [@iova, @iova + @len) from @uptr must have
 * made. It reads pagemap, so call it once the map has pinned the pages: a
 * long-term pin may have migrated them.
 */
int model_add(struct model *m, __u64 iova, const void *uptr, __u64 len,
	      __u32 prot, __u64 forced)
{
	size_t n = len / SZ_4K;
	__u64 *pas;
	int ret;

	pas = calloc(n ? n : 1, sizeof(*pas));
	if (!pas)
		return -ENOMEM;
	ret = pagemap_pas(uptr, n, pas);
	if (!ret)
		ret = model_add_pas(m, iova, pas, n, prot, forced, 0);
	free(pas);
	return ret;
}

/*
 * Adds the leaves of a physical mapping of [@pa, @pa + @len) at @iova, of
 * PTLAB_PHYS_* @kind.
 */
int model_add_phys(struct model *m, __u64 iova, __u64 pa, __u64 len,
		   __u32 prot, __u64 forced, __u32 kind)
{
	int ret = model_add_run(m, iova, pa, len, prot | PTLAB_PROT_READ, kind,
				forced ? forced : m->g.pgsizes);

	qsort(m->leaves, m->nr, sizeof(*m->leaves), leaf_cmp);
	return ret;
}

/* Index of the leaf that maps @iova, or -1. */
long model_find(const struct model *m, __u64 iova)
{
	size_t lo = 0, hi = m->nr;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct leaf *lf = &m->leaves[mid];

		if (iova < lf->iova)
			hi = mid;
		else if (iova - lf->iova >= lf->size)
			lo = mid + 1;
		else
			return mid;
	}
	return -1;
}

/* Whether any leaf intersects [@iova, @iova + @len). */
bool model_overlaps(const struct model *m, __u64 iova, __u64 len)
{
	__u64 end = iova + len - 1;
	size_t i;

	for (i = 0; i < m->nr; i++)
		if (m->leaves[i].iova <= end &&
		    iova <= m->leaves[i].iova + m->leaves[i].size - 1)
			return true;
	return false;
}

/* Drops the leaves that start in [@iova, @iova + @len). */
void model_remove(struct model *m, __u64 iova, __u64 len)
{
	size_t i, j = 0;

	for (i = 0; i < m->nr; i++)
		if (m->leaves[i].iova < iova || m->leaves[i].iova - iova >= len)
			m->leaves[j++] = m->leaves[i];
	m->nr = j;
}

__u64 model_bytes(const struct model *m)
{
	__u64 sum = 0;
	size_t i;

	for (i = 0; i < m->nr; i++)
		sum += m->leaves[i].size;
	return sum;
}

/* The bytes of pinned user memory: physical mappings pin nothing. */
__u64 model_pinned_bytes(const struct model *m)
{
	__u64 sum = 0;
	size_t i;

	for (i = 0; i < m->nr; i++)
		if (!m->leaves[i].kind)
			sum += m->leaves[i].size;
	return sum;
}

/* 4K pages that @bytes of table take: at least one. */
__u64 bytes_pages(__u64 bytes)
{
	return bytes <= SZ_4K ? 1 : bytes / SZ_4K;
}

/*
 * Table pages the leaves need when empty tables are freed: the top-level
 * table, and at each lower level one table per distinct span of the entry
 * above that holds a leaf of this level or below (the leaves are sorted, so
 * the spans come in order). Tables smaller than a page (Armv7's 1K ones)
 * may share pages: then the count lies between the pages their bytes fill
 * and one page per table.
 */
void model_table_range(const struct model *m, __u64 *min, __u64 *max)
{
	const struct geom *g = &m->g;
	__u64 root = g->root_bytes, tb = g->table_bytes, key, last = 0;
	__u64 n = 0, n0 = 0, whole = 0, sub = 0;
	unsigned int l;
	bool any;
	size_t i;

	for (l = 0; l + 1 < g->levels; l++) {
		any = false;
		for (i = 0; i < m->nr; i++) {
			if (geom_level(g, m->leaves[i].size) > l)
				continue;
			key = m->leaves[i].iova >> g->shift[l + 1];
			n += !any || key != last;
			any = true;
			last = key;
		}
		/* Last-level tables of their own size (GMMU's big ones). */
		if (!l && g->pt_bytes && g->pt_bytes != tb) {
			n0 = n;
			n = 0;
		}
	}
	/* Whole pages, then the pages sub-page tables of one size share. */
	if (root >= SZ_4K)
		whole += bytes_pages(root);
	if (tb >= SZ_4K)
		whole += n * bytes_pages(tb);
	*min = whole;
	*max = whole;
	if (root < SZ_4K && root == tb) {
		sub = (n + 1) * tb;
		*max += n + 1;
	} else {
		if (root < SZ_4K) {
			*min += 1;
			*max += 1;
		}
		if (tb < SZ_4K) {
			sub = n * tb;
			*max += n;
		}
	}
	*min += (sub + SZ_4K - 1) / SZ_4K;
	if (n0 && g->pt_bytes >= SZ_4K) {
		/* GMMU's pair of page tables, in one 8K block. */
		*min += n0 * bytes_pages(g->pt_bytes);
		*max += n0 * bytes_pages(g->pt_bytes);
	} else if (n0) {
		*min += (n0 * g->pt_bytes + SZ_4K - 1) / SZ_4K;
		*max += n0;
	}
}

/* The table pages, where tables fill whole pages (all but Armv7's). */
__u64 model_table_pages(const struct model *m)
{
	__u64 min, max;

	model_table_range(m, &min, &max);
	return min;
}

/*
 * What a correct unmap of [@iova, @iova + @len) does to the model: -EINVAL
 * for a range that is empty, not aligned to the smallest page size or not
 * inside the input range (as for map); -ENOENT if nothing maps @iova;
 * -EINVAL if @iova is inside a leaf; else the bytes of the consecutive
 * leaves from @iova that start before the end, whole.
 */
int model_unmap_expect(const struct model *m, __u64 iova, __u64 len,
		       __u64 *bytes)
{
	__u64 minpg = geom_min_pgsize(&m->g);
	long found;
	size_t i;

	*bytes = 0;
	if (!len || (iova | len) & (minpg - 1) || iova > m->g.last ||
	    len - 1 > m->g.last - iova)
		return -EINVAL;
	found = model_find(m, iova);
	if (found < 0)
		return -ENOENT;
	if (m->leaves[found].iova != iova)
		return -EINVAL;
	for (i = found; i < m->nr && *bytes < len; i++) {
		if (m->leaves[i].iova != iova + *bytes)
			break;
		*bytes += m->leaves[i].size;
	}
	return 0;
}

/* --- checks --- */

static unsigned int attridx_for(__u32 prot)
{
	if (prot & PTLAB_PROT_CACHE)
		return ATTR_WB;
	if (prot & PTLAB_PROT_MMIO)
		return ATTR_DEV;
	return ATTR_NC;
}

static __u64 mair_for(__u32 prot)
{
	if (prot & PTLAB_PROT_CACHE)
		return MAIR_WB;
	if (prot & PTLAB_PROT_MMIO)
		return MAIR_DEV;
	return MAIR_NC;
}

/*
 * The leaf descriptor of Arm stage 1 with 4K granules, decoded by the Arm
 * rules rather than by the module. @pa is the address the entry holds: the
 * start of its own span, in a leaf made of contiguous entries.
 */
static void check_leaf_desc(struct __test_metadata *_metadata, __u64 mair,
			    __u64 desc, const struct leaf *lf,
			    unsigned int lvl, __u64 pa)
{
	bool exec = lf->prot & PTLAB_PROT_EXEC;
	unsigned int idx = DESC_ATTRIDX(desc);

	ASSERT_EQ(lvl ? DESC_BLOCK : DESC_PAGE, desc & DESC_TYPE_MASK)
		TH_LOG("desc 0x%llx", desc);
	ASSERT_EQ(pa, desc & DESC_ADDR) TH_LOG("desc 0x%llx", desc);
	ASSERT_TRUE(!!(desc & DESC_AF)) TH_LOG("AF clear: 0x%llx", desc);
	/* An SMMU context has an ASID: a global entry would match them all. */
	ASSERT_TRUE(!!(desc & DESC_NG)) TH_LOG("nG clear: 0x%llx", desc);
	ASSERT_EQ(!(lf->prot & PTLAB_PROT_WRITE), !!(desc & DESC_AP2))
		TH_LOG("AP[2] wrong: 0x%llx", desc);
	ASSERT_EQ(!(lf->prot & PTLAB_PROT_PRIV), !!(desc & DESC_AP1))
		TH_LOG("AP[1] wrong: 0x%llx", desc);
	ASSERT_EQ(!exec, !!(desc & DESC_UXN)) TH_LOG("UXN wrong: 0x%llx", desc);
	ASSERT_EQ(!exec, !!(desc & DESC_PXN)) TH_LOG("PXN wrong: 0x%llx", desc);
	ASSERT_EQ(attridx_for(lf->prot), idx) TH_LOG("desc 0x%llx", desc);
	ASSERT_EQ(mair_for(lf->prot), (mair >> (8 * idx)) & 0xff)
		TH_LOG("mair 0x%llx", mair);
}

/*
 * The raw entries of an Arm stage-1 walk with 4K granules: tables in RAM,
 * never the root, and the leaf as the architecture encodes it.
 */
static void check_walk_lpae(struct __test_metadata *_metadata,
			    const struct space *s, const struct leaf *lf,
			    __u64 iova, const struct ptlab_walk *w)
{
	unsigned int lvl = w->out_level, i;
	__u64 span = BIT_ULL(s->m.g.shift[lvl]), tpa;

	for (i = 0; i + 1 < w->out_nr_entries; i++) {
		ASSERT_EQ(DESC_TABLE, w->out_entries[i] & DESC_TYPE_MASK)
			TH_LOG("entry %u: 0x%llx", i, w->out_entries[i]);
		/* A table the hardware walks must be RAM, and not the root. */
		tpa = w->out_entries[i] & DESC_ADDR;
		ASSERT_TRUE(tpa && pa_is_ram(tpa))
			TH_LOG("table at 0x%llx", tpa);
		ASSERT_NE(s->root_pa, tpa);
	}
	check_leaf_desc(_metadata, s->mair,
			w->out_entries[w->out_nr_entries - 1], lf, lvl,
			(lf->pa + (iova - lf->iova)) & ~(span - 1));
}

/*
 * The words of an NVIDIA GMMU walk, from the manuals (dev_mmu.h): PD0's
 * word 0 is the 2M PTE (VALID) or the big page table's pointer, word 1 the
 * small one's; a space of one page size uses one of them, a mixed space
 * both. The leaf is VALID, and a small page of a mixed space comes after
 * its big PTE, which is 0.
 */
static void check_walk_gmmu(struct __test_metadata *_metadata,
			    const struct space *s, const struct leaf *lf,
			    __u64 iova, const struct ptlab_walk *w)
{
	const struct geom *g = &s->m.g;
	unsigned int pd0 = g->levels - 2, n = w->out_nr_entries;
	__u64 w0 = w->out_entries[pd0], w1 = w->out_entries[pd0 + 1];
	bool big_half;

	/* A 512M PTE at PD1 (v3): the walk ends above PD0. */
	if (lf->size > SZ_2M) {
		ASSERT_EQ(1ULL, w->out_entries[n - 1] & 1);
		return;
	}
	ASSERT_EQ(1, w->out_entry_levels[pd0]);
	ASSERT_EQ(1, w->out_entry_levels[pd0 + 1]);
	/* A 2M PTE is PD0's word 0, the word 1 after it is 0. */
	if (lf->size == SZ_2M) {
		ASSERT_EQ(pd0 + 2, n);
		ASSERT_EQ(1ULL, w0 & 1) TH_LOG("walk 0x%llx: 0x%llx", iova, w0);
		ASSERT_EQ(0ULL, w1);
		return;
	}
	ASSERT_EQ(1ULL, w->out_entries[n - 1] & 1)
		TH_LOG("walk 0x%llx: leaf 0x%llx", iova, w->out_entries[n - 1]);
	/* A table pointer: VALID 0, aperture system memory (2). */
	/* Big pages alone: 64K or 128K granules. */
	big_half = g->gran > 12;
	ASSERT_EQ(geom_gmmu_mixed(g) || big_half ? 4ULL : 0ULL, w0 & 7)
		TH_LOG("PD0 word 0 0x%llx", w0);
	ASSERT_EQ(big_half ? 0ULL : 4ULL, w1 & 7)
		TH_LOG("PD0 word 1 0x%llx", w1);
	if (!geom_gmmu_mixed(g) && !big_half)
		ASSERT_EQ(0ULL, w0);
	if (big_half)
		ASSERT_EQ(0ULL, w1);
	if (geom_gmmu_mixed(g) && lf->size == SZ_4K)
		ASSERT_EQ(0ULL, w->out_entries[n - 2]);
}

/*
 * Walks @iova inside @lf and checks all the walk reports against the
 * geometry; the raw entries too where the library knows the format's
 * encoding (Arm stage 1, 4K granules).
 */
void check_walk(struct __test_metadata *_metadata, const struct space *s,
		const struct leaf *lf, __u64 iova)
{
	const struct geom *g = &s->m.g;
	unsigned int lvl = geom_level(g, lf->size), i;
	struct ptlab_walk w;
	int ret;

	ret = pt_walk(s->fd, s->id, iova, &w);
	ASSERT_EQ(0, ret) TH_LOG("walk 0x%llx in leaf 0x%llx+0x%llx: %s", iova,
				 lf->iova, lf->size, strerror(-ret));
	ASSERT_EQ(lf->pa + (iova - lf->iova), w.out_pa)
		TH_LOG("walk 0x%llx: leaf 0x%llx+0x%llx -> 0x%llx", iova,
		       lf->iova, lf->size, lf->pa);
	ASSERT_EQ(lf->size, w.out_pgsize) TH_LOG("walk 0x%llx", iova);
	ASSERT_EQ(lf->prot, w.out_prot)
		TH_LOG("walk 0x%llx: prot 0x%x of mask 0x%x", iova, lf->prot,
		       g->prot_mask);
	ASSERT_EQ(lvl, w.out_level) TH_LOG("walk 0x%llx size 0x%llx", iova,
					   lf->size);
	ASSERT_EQ(geom_walk_words(g, lvl, lf->size), w.out_nr_entries)
		TH_LOG("walk 0x%llx", iova);
	for (i = 0; i < w.out_nr_entries && i < PTLAB_MAX_LEVELS; i++) {
		unsigned int want = i ? w.out_entry_levels[i - 1] - 1U :
				    g->levels - 1;

		/* Root first, a level a word; GMMU reads two at some. */
		if (geom_gmmu(g) && i &&
		    w.out_entry_levels[i] == w.out_entry_levels[i - 1])
			want++;
		ASSERT_EQ(want, w.out_entry_levels[i])
			TH_LOG("walk 0x%llx: entry %u at level %u", iova, i,
			       w.out_entry_levels[i]);
		/* GMMU: the half a space does not use is 0. */
		if (geom_gmmu(g) && w.out_entry_levels[i] <= 1)
			continue;
		ASSERT_NE(0ULL, w.out_entries[i])
			TH_LOG("walk 0x%llx: entry %u of a present path is 0",
			       iova, i);
	}
	ASSERT_EQ(lvl, w.out_entry_levels[w.out_nr_entries - 1]);
	if (geom_gmmu(g))
		check_walk_gmmu(_metadata, s, lf, iova, &w);
	/* Nothing past the entries read, so no stale kernel bytes either. */
	for (; i < PTLAB_MAX_LEVELS; i++)
		ASSERT_EQ(0ULL, w.out_entries[i] | w.out_entry_levels[i])
			TH_LOG("walk 0x%llx: entry %u past the walk", iova, i);
	if (g->format == PTLAB_FMT_ARM64_LPAE_S1 && g->gran == 12 &&
	    g->oas <= 48)
		check_walk_lpae(_metadata, s, lf, iova, &w);
}

/* Nothing maps @iova: -ENOENT (or -EINVAL past the input range). */
void check_unmapped(struct __test_metadata *_metadata, const struct space *s,
		    __u64 iova)
{
	struct ptlab_walk w;
	unsigned int i;
	int ret;

	ret = pt_walk(s->fd, s->id, iova, &w);
	if (iova > s->m.g.last) {
		ASSERT_EQ(-EINVAL, ret) TH_LOG("walk 0x%llx past 2^%u", iova,
					       s->m.g.ias);
		return;
	}
	ASSERT_EQ(-ENOENT, ret) TH_LOG("walk 0x%llx: pa 0x%llx size 0x%llx",
				       iova, w.out_pa, w.out_pgsize);
	ASSERT_LE(1U, w.out_nr_entries) TH_LOG("walk 0x%llx", iova);
	ASSERT_GE(geom_walk_words(&s->m.g, 0, SZ_4K), w.out_nr_entries)
		TH_LOG("walk 0x%llx", iova);
	for (i = w.out_nr_entries; i < PTLAB_MAX_LEVELS; i++)
		ASSERT_EQ(0ULL, w.out_entries[i] | w.out_entry_levels[i]);
}

/*
 * The leaves coalesced into runs of one prot and kind, as the snapshot's
 * PT_LOADs must show them; @by_pgsize also splits where the page size
 * changes, as the dump does. @runs has room for m->nr.
 */
size_t model_runs(const struct model *m, struct run *runs, bool by_pgsize)
{
	const struct leaf *lf;
	struct run *r = NULL;
	size_t i, nr = 0;

	for (i = 0; i < m->nr; i++) {
		lf = &m->leaves[i];
		if (r && r->iova + r->size == lf->iova &&
		    r->pa + r->size == lf->pa && r->prot == lf->prot &&
		    r->kind == lf->kind &&
		    (!by_pgsize || r->pgsize == lf->size)) {
			r->size += lf->size;
			continue;
		}
		r = &runs[nr++];
		r->iova = lf->iova;
		r->pa = lf->pa;
		r->size = lf->size;
		r->pgsize = lf->size;
		r->prot = lf->prot;
		r->kind = lf->kind;
	}
	return nr;
}

/* Compares one dump line with the expected run, format and all. */
static void check_dump_line(struct __test_metadata *_metadata,
			    const char *line, const struct run *run)
{
	char want[160], prot[8], pgsize[24];

	prot_str(run->prot, prot);
	size_str(run->pgsize, pgsize);
	snprintf(want, sizeof(want),
		 "0x%016llx-0x%016llx 0x%llx 0x%016llx %s %s%s", run->iova,
		 run->iova + run->size - 1, run->size, run->pa, prot, pgsize,
		 run->kind == PTLAB_PHYS_RAM ? " phys-ram" :
		 run->kind == PTLAB_PHYS_MMIO ? " phys-mmio" :
		 run->kind == KIND_FW ? " firmware" : "");
	ASSERT_STREQ(want, line);
}

/* debugfs mappings must list exactly the model's runs, in IOVA order. */
void check_dump(struct __test_metadata *_metadata, const struct space *s)
{
	char path[128], *line = NULL;
	size_t cap = 0, nr_runs, k = 0;
	struct run *runs;
	ssize_t n;
	FILE *f;

	runs = calloc(s->m.nr + 1, sizeof(*runs));
	ASSERT_NE(NULL, runs);
	nr_runs = model_runs(&s->m, runs, true);
	debugfs_path(path, sizeof(path), s->id, "mappings");
	f = fopen(path, "r");
	ASSERT_NE(NULL, f) TH_LOG("%s: %s", path, strerror(errno));
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (line[0] == '#')
			continue;
		ASSERT_LT(k, nr_runs) TH_LOG("unexpected line: %s", line);
		check_dump_line(_metadata, line, &runs[k]);
		k++;
	}
	fclose(f);
	free(line);
	ASSERT_EQ(nr_runs, k) TH_LOG("dump of %u lacks runs", s->id);
	free(runs);
}

/*
 * The whole address space against the model: counters, the table count in
 * info and debugfs, the walk of every leaf (large ones at their ends and
 * middle), and the dump.
 */
void check_space(struct __test_metadata *_metadata, const struct space *s)
{
	struct ptlab_info info;
	const struct leaf *lf;
	size_t i;

	ASSERT_EQ(0, pt_info(s->fd, s->id, &info));
	ASSERT_EQ(model_bytes(&s->m), info.out_mapped_bytes);
	ASSERT_EQ(model_table_pages(&s->m), info.out_table_pages);
	ASSERT_EQ(s->root_pa, info.out_root_pa);
	ASSERT_EQ((long long)info.out_table_pages, debugfs_table_pages(s->id));
	for (i = 0; i < s->m.nr; i++) {
		lf = &s->m.leaves[i];
		check_walk(_metadata, s, lf, lf->iova + (i * 0x238 & 0xff8));
		if (lf->size == SZ_4K)
			continue;
		check_walk(_metadata, s, lf, lf->iova + lf->size / 2 + 0x123);
		check_walk(_metadata, s, lf, lf->iova + lf->size - 1);
	}
	check_dump(_metadata, s);
}

/* VmPin and SecPageTables must be exactly the baseline plus what is held. */
void check_counters(struct __test_metadata *_metadata,
		    const struct baseline *b, __u64 pinned, __u64 table_pages)
{
	ASSERT_EQ(b->pin_kb + (long)(pinned / 1024), vmpin_kb());
	ASSERT_EQ(b->secpt_kb + (long)table_pages * 4, secpt_kb());
}

/* check_space() and check_counters() for a file with one address space. */
void check_all(struct __test_metadata *_metadata, const struct baseline *b,
	       const struct space *s)
{
	check_space(_metadata, s);
	check_counters(_metadata, b, model_pinned_bytes(&s->m),
		       model_table_pages(&s->m));
}

/* After the file closed or the space went: nothing of it may remain. */
void check_gone(struct __test_metadata *_metadata, const struct baseline *b,
		__u32 id)
{
	ASSERT_FALSE(debugfs_has_dir(id)) TH_LOG("debugfs dir %u remains", id);
	check_counters(_metadata, b, 0, 0);
}

/* --- set-up helpers --- */

void take_baseline(struct __test_metadata *_metadata, struct baseline *b)
{
	b->pin_kb = vmpin_kb();
	b->secpt_kb = secpt_kb();
	b->modref = module_refcount();
	ASSERT_LE(0, b->pin_kb) TH_LOG("no VmPin in /proc/self/status");
	ASSERT_LE(0, b->secpt_kb)
		TH_LOG("no SecPageTables (stat_refresh needs root)");
	ASSERT_LE(0, b->modref) TH_LOG("ptlab is not in /proc/modules");
	ASSERT_LE(0, debugfs_nr_dirs())
		TH_LOG("no %s: is debugfs mounted?", PTLAB_DEBUGFS);
}

int ptlab_open(struct __test_metadata *_metadata)
{
	int fd = open(PTLAB_DEV, O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, fd) TH_LOG("open %s: %s (is ptlab loaded?)", PTLAB_DEV,
				strerror(errno));
	return fd;
}

/*
 * Creates an Arm stage-1 address space in @fd and checks what info reports
 * about it against the format's rules; its model takes the geometry info
 * reports (space_set_info()), as for any format.
 */
void space_create(struct __test_metadata *_metadata, struct space *s, int fd,
		  __u32 ias, __u64 pgsizes)
{
	unsigned int want_ias = ias ? ias : ARM_IAS;
	struct ptlab_info info;

	memset(s, 0, sizeof(*s));
	s->fd = fd;
	ASSERT_EQ(0, pt_create(fd, ias, pgsizes, &s->id));
	ASSERT_EQ(0, pt_info(fd, s->id, &info));
	ASSERT_EQ((__u32)PTLAB_FMT_ARM64_LPAE_S1, info.out_format);
	ASSERT_EQ(12U, info.out_granule_shift);
	ASSERT_EQ(want_ias, info.out_ias);
	ASSERT_EQ(ARM_OAS, info.out_oas);
	ASSERT_EQ(levels_for_ias(want_ias), info.out_levels);
	ASSERT_EQ(pgsizes ? pgsizes : ARM_PGSIZES, info.out_pgsize_bitmap);
	ASSERT_NE(0ULL, info.out_root_pa);
	ASSERT_EQ(0ULL, info.out_root_pa % SZ_4K);
	ASSERT_TRUE(pa_is_ram(info.out_root_pa));
	ASSERT_EQ(info.out_root_pa, info.out_ttbr);
	ASSERT_EQ(64 - want_ias, info.out_tcr & 0x3f);
	ASSERT_EQ(1ULL, info.out_table_pages);
	ASSERT_EQ(0ULL, info.out_mapped_bytes);
	ASSERT_TRUE(debugfs_has_dir(s->id));
	space_set_info(s, &info);
}

/* What a space keeps of its INFO: the root, MAIR and the geometry. */
void space_set_info(struct space *s, const struct ptlab_info *info)
{
	s->root_pa = info->out_root_pa;
	s->mair = info->out_mair;
	geom_init(&s->m.g, info);
}

void space_open(struct __test_metadata *_metadata, struct space *s,
		__u32 ias, __u64 pgsizes)
{
	space_create(_metadata, s, ptlab_open(_metadata), ias, pgsizes);
}

void space_close(struct space *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	free(s->m.leaves);
	memset(&s->m, 0, sizeof(s->m));
}

void alloc_or_die(struct __test_metadata *_metadata, struct buf *b,
		  size_t len, bool huge)
{
	ASSERT_EQ(0, buf_alloc(b, len, huge));
}

/* A map that must succeed in full; the model learns what it must have made. */
void map_ok_req(struct __test_metadata *_metadata, struct space *s,
		struct ptlab_map_user *req)
{
	req->id = s->id;
	ASSERT_EQ(0, pt_ioctl(s->fd, PTLAB_IOCTL_MAP_USER, req))
		TH_LOG("map 0x%llx+0x%llx", req->iova, req->length);
	ASSERT_EQ(req->length, req->out_mapped);
	ASSERT_EQ(0, model_add(&s->m, req->iova, (void *)(uintptr_t)req->uptr,
			       req->length, req->prot, req->pgsize))
		TH_LOG("pagemap cannot back the map of 0x%llx", req->iova);
}

void map_ok(struct __test_metadata *_metadata, struct space *s, __u64 iova,
	    const void *uptr, __u64 len, __u32 prot)
{
	struct ptlab_map_user req = map_req(s->id, iova, uptr, len, prot);

	map_ok_req(_metadata, s, &req);
}

/* A map that must fail with @err having mapped nothing. */
void map_fails(struct __test_metadata *_metadata, const struct baseline *b,
	       struct space *s, struct ptlab_map_user *req, int err,
	       const char *what)
{
	ASSERT_EQ(err, pt_ioctl(s->fd, PTLAB_IOCTL_MAP_USER, req))
		TH_LOG("%s: map 0x%llx+0x%llx prot 0x%x pgsize 0x%llx", what,
		       req->iova, req->length, req->prot, req->pgsize);
	ASSERT_EQ(0ULL, req->out_mapped) TH_LOG("%s", what);
	check_all(_metadata, b, s);
}

/* An unmap whose outcome the model predicts, then the whole space checked. */
void unmap_check(struct __test_metadata *_metadata, const struct baseline *b,
		 struct space *s, __u64 iova, __u64 len)
{
	__u64 want, got;
	int err;

	err = model_unmap_expect(&s->m, iova, len, &want);
	ASSERT_EQ(err, pt_unmap(s->fd, s->id, iova, len, &got))
		TH_LOG("unmap 0x%llx+0x%llx", iova, len);
	ASSERT_EQ(want, got) TH_LOG("unmap 0x%llx+0x%llx", iova, len);
	model_remove(&s->m, iova, want);
	check_all(_metadata, b, s);
}

/*
 * Every page of [@iova, @iova + @len) must translate to the PFN pagemap
 * gives for the same page of @uptr, at a varying offset into the page.
 */
void check_pages_pagemap(struct __test_metadata *_metadata,
			 const struct space *s, __u64 iova, const void *uptr,
			 __u64 len)
{
	size_t i, n = len / SZ_4K;
	struct ptlab_walk w;
	__u64 *pas, off;

	pas = calloc(n, sizeof(*pas));
	ASSERT_NE(NULL, pas);
	ASSERT_EQ(0, pagemap_pas(uptr, n, pas));
	for (i = 0; i < n; i++) {
		off = (i * 0x1d8) & 0xfff;
		ASSERT_EQ(0, pt_walk(s->fd, s->id, iova + i * SZ_4K + off, &w));
		ASSERT_EQ(pas[i] + off, w.out_pa)
			TH_LOG("page %zu of 0x%llx", i, iova);
	}
	free(pas);
}

size_t model_count_size(const struct model *m, __u64 size)
{
	size_t i, nr = 0;

	for (i = 0; i < m->nr; i++)
		nr += m->leaves[i].size == size;
	return nr;
}

/* --- ioctl struct rules --- */

size_t cmd_struct_size(unsigned long cmd)
{
	return _IOC_SIZE(cmd);
}

/* The size of a command's struct in its first version: below is -EINVAL. */
size_t cmd_first_size(unsigned long cmd)
{
	if (cmd == PTLAB_IOCTL_CREATE)
		return offsetof(struct ptlab_create, adopt_root_pa);
	/* The second version added out_flags (the Arm variants). */
	if (cmd == PTLAB_IOCTL_INFO)
		return offsetof(struct ptlab_info, out_flags);
	/* The second version added each entry's level. */
	if (cmd == PTLAB_IOCTL_WALK)
		return offsetof(struct ptlab_walk, out_entry_levels);
	return _IOC_SIZE(cmd);
}

/*
 * The size rules of the extensible structs: below the first version is
 * -EINVAL; bigger with any non-zero extra byte is -E2BIG; neither may have
 * an effect. The call then succeeds with zeroed extra bytes, which the
 * caller checks for the command's full effect, so a failing variant that did
 * act shows up as an error there (mapped twice, destroyed twice...).
 */
void check_size_rules(struct __test_metadata *_metadata, int fd,
		      unsigned long cmd, void *arg)
{
	size_t base = cmd_struct_size(cmd), extra = 64, i;
	size_t first = cmd_first_size(cmd);
	const size_t small[] = { 0, 4, first - 8, first - 1 };
	const size_t nonzero[] = { 0, 7, 63 };
	__u64 buf[(sizeof(struct ptlab_walk) + 64) / 8];
	char *p = (char *)buf;
	__u32 size;

	ASSERT_LE(base + extra, sizeof(buf));
	for (i = 0; i < ARRAY_SIZE(small); i++) {
		memset(buf, 0, sizeof(buf));
		memcpy(buf, arg, base);
		size = small[i];
		memcpy(buf, &size, sizeof(size));
		ASSERT_EQ(-EINVAL, pt_ioctl(fd, cmd, buf))
			TH_LOG("size %zu", small[i]);
	}
	for (i = 0; i < ARRAY_SIZE(nonzero); i++) {
		memset(buf, 0, sizeof(buf));
		memcpy(buf, arg, base);
		size = base + extra;
		memcpy(buf, &size, sizeof(size));
		p[base + nonzero[i]] = 1;
		ASSERT_EQ(-E2BIG, pt_ioctl(fd, cmd, buf))
			TH_LOG("non-zero byte %zu past the struct", nonzero[i]);
	}
	memset(buf, 0, sizeof(buf));
	memcpy(buf, arg, base);
	size = base + extra;
	memcpy(buf, &size, sizeof(size));
	ASSERT_EQ(0, pt_ioctl(fd, cmd, buf));
	memcpy(arg, buf, base);
	/* Nothing past the struct is ours: the kernel must leave it zero. */
	for (i = base; i < base + extra; i++)
		ASSERT_EQ(0, p[i]);
}

/* --- fault injection --- */

/* Arms debugfs ptlab/fail_nth: the @n-th allocation from now fails; 0 disarms. */
int set_fail_nth(int n)
{
	char val[16];
	int fd, len;
	ssize_t w;

	fd = open(PTLAB_DEBUGFS "/fail_nth", O_WRONLY);
	if (fd < 0)
		return -errno;
	len = snprintf(val, sizeof(val), "%d", n);
	w = write(fd, val, len);
	close(fd);
	return w == len ? 0 : -EIO;
}

/* What is left of the fail_nth count: 0 once it fired (or was never armed). */
int get_fail_nth(void)
{
	char val[16] = "";
	ssize_t n;
	int fd;

	fd = open(PTLAB_DEBUGFS "/fail_nth", O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, val, sizeof(val) - 1);
	close(fd);
	return n > 0 ? atoi(val) : -EIO;
}

/* Drops @cap from the bounding, permitted, effective and inheritable sets. */
int drop_cap(int cap)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0))
		return -errno;
	if (syscall(SYS_capget, &h, d))
		return -errno;
	d[CAP_TO_INDEX(cap)].effective &= ~CAP_TO_MASK(cap);
	d[CAP_TO_INDEX(cap)].permitted &= ~CAP_TO_MASK(cap);
	d[CAP_TO_INDEX(cap)].inheritable &= ~CAP_TO_MASK(cap);
	if (syscall(SYS_capset, &h, d))
		return -errno;
	return 0;
}

/*
 * Become the user nobody (uid and gid NOBODY) with no capability and no
 * supplementary group, and check that it took. Raw system calls: in a
 * thread they change only that thread, which is what puts unprivileged
 * threads beside root ones in one process; in a process of one thread
 * (the usual test, or a child) the whole process.
 */
int become_nobody(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = {};

	if (syscall(SYS_setgroups, 0, NULL) ||
	    syscall(SYS_setresgid, NOBODY, NOBODY, NOBODY) ||
	    syscall(SYS_setresuid, NOBODY, NOBODY, NOBODY) ||
	    syscall(SYS_capset, &h, d))
		return -errno;
	if (syscall(SYS_capget, &h, d))
		return -errno;
	if (d[0].effective || d[1].effective || d[0].permitted ||
	    d[1].permitted || syscall(SYS_getuid) != NOBODY)
		return -EPERM;
	return 0;
}

/* --- snapshots: ELF cores --- */

static size_t align4(size_t x)
{
	return (x + 3) & ~(size_t)3;
}

static void parse_notes(struct __test_metadata *_metadata, struct core *c,
			const struct elf64_phdr *ph)
{
	size_t off = ph->p_offset, end = ph->p_offset + ph->p_filesz, next;
	const unsigned char *name;
	struct elf64_note nh;

	ASSERT_LE(ph->p_offset, c->len);
	ASSERT_LE(ph->p_filesz, c->len - ph->p_offset);
	while (off < end) {
		ASSERT_LE(off + sizeof(nh), end);
		memcpy(&nh, c->data + off, sizeof(nh));
		name = c->data + off + sizeof(nh);
		next = off + sizeof(nh) + align4(nh.n_namesz) +
		       align4(nh.n_descsz);
		ASSERT_LE(next, end) TH_LOG("note overruns its segment");
		if (nh.n_namesz == sizeof("PTLAB") &&
		    !memcmp(name, "PTLAB", sizeof("PTLAB")) &&
		    nh.n_type == PTLAB_NOTE_SPACE) {
			ASSERT_EQ(NULL, c->note_raw) TH_LOG("two PTLAB notes");
			ASSERT_EQ(sizeof(c->note), nh.n_descsz);
			c->note_raw = name + align4(nh.n_namesz);
			memcpy(&c->note, c->note_raw, sizeof(c->note));
		}
		off = next;
	}
	if (end > c->hdr_end)
		c->hdr_end = end;
}

/* The ELF header, the program headers and the note, checked as ELF. */
void parse_core(struct __test_metadata *_metadata,
		const unsigned char *data, size_t len, struct core *c)
{
	const struct elf64_shdr *sh;
	size_t i, nr_notes = 0;

	memset(c, 0, sizeof(*c));
	c->data = data;
	c->len = len;
	ASSERT_LE(sizeof(struct elf64_hdr), len);
	c->eh = (const struct elf64_hdr *)data;
	ASSERT_EQ(0, memcmp(c->eh->e_ident, ELFMAG, SELFMAG));
	ASSERT_EQ(ELFCLASS64, c->eh->e_ident[EI_CLASS]);
	ASSERT_EQ(ELFDATA2LSB, c->eh->e_ident[EI_DATA]);
	ASSERT_EQ(EV_CURRENT, c->eh->e_ident[EI_VERSION]);
	ASSERT_EQ(ET_CORE, c->eh->e_type);
	ASSERT_EQ((__u32)EV_CURRENT, c->eh->e_version);
	ASSERT_EQ(sizeof(struct elf64_hdr), c->eh->e_ehsize);
	ASSERT_EQ(sizeof(struct elf64_phdr), c->eh->e_phentsize);
	ASSERT_EQ(0ULL, c->eh->e_phoff % 8);
	c->phnum = c->eh->e_phnum;
	c->hdr_end = sizeof(struct elf64_hdr);
	if (c->phnum == PN_XNUM) {
		/* Extended numbering: the count is in section header 0. */
		ASSERT_EQ(sizeof(struct elf64_shdr), c->eh->e_shentsize);
		ASSERT_LE(1, c->eh->e_shnum);
		ASSERT_LE(c->eh->e_shoff + sizeof(*sh), len);
		sh = (const struct elf64_shdr *)(data + c->eh->e_shoff);
		c->phnum = sh->sh_info;
		ASSERT_LE((size_t)PN_XNUM, c->phnum);
		c->hdr_end = c->eh->e_shoff + sizeof(*sh);
	} else {
		ASSERT_EQ(0, c->eh->e_shnum);
	}
	ASSERT_LE(c->eh->e_phoff + c->phnum * sizeof(struct elf64_phdr), len);
	c->ph = (const struct elf64_phdr *)(data + c->eh->e_phoff);
	if (c->eh->e_phoff + c->phnum * sizeof(struct elf64_phdr) > c->hdr_end)
		c->hdr_end = c->eh->e_phoff + c->phnum * sizeof(struct elf64_phdr);
	for (i = 0; i < c->phnum; i++) {
		if (c->ph[i].p_type != PT_NOTE)
			continue;
		nr_notes++;
		parse_notes(_metadata, c, &c->ph[i]);
	}
	ASSERT_EQ(1UL, nr_notes) TH_LOG("PT_NOTE segments");
	ASSERT_NE(NULL, c->note_raw) TH_LOG("no PTLAB note");
}

/* The note must say what info says about the address space. */
void check_core_note(struct __test_metadata *_metadata,
		     const struct core *c, const struct space *s)
{
	const struct ptlab_snapshot_note *n = &c->note;
	struct ptlab_info info;

	ASSERT_EQ(0, pt_info(s->fd, s->id, &info));
	ASSERT_EQ(info.out_format, n->format);
	ASSERT_EQ(info.out_granule_shift, n->granule_shift);
	ASSERT_EQ(info.out_ias, n->ias);
	ASSERT_EQ(info.out_oas, n->oas);
	ASSERT_EQ(info.out_levels, n->levels);
	ASSERT_EQ(0U, n->__reserved);
	ASSERT_EQ(info.out_root_pa, n->root_pa);
	ASSERT_EQ(info.out_ttbr, n->ttbr);
	ASSERT_EQ(info.out_tcr, n->tcr);
	ASSERT_EQ(info.out_mair, n->mair);
	ASSERT_EQ(info.out_pgsize_bitmap, n->pgsize_bitmap);
}

void pa_map_add(struct __test_metadata *_metadata, struct pa_map *pm,
		const struct buf *b)
{
	size_t n = b->len / SZ_4K, i;
	const char **va;
	__u64 *pa;

	pa = realloc(pm->pa, (pm->nr + n) * sizeof(*pa));
	ASSERT_NE(NULL, pa);
	pm->pa = pa;
	va = realloc(pm->va, (pm->nr + n) * sizeof(*va));
	ASSERT_NE(NULL, va);
	pm->va = va;
	ASSERT_EQ(0, pagemap_pas(b->p, n, pm->pa + pm->nr));
	for (i = 0; i < n; i++)
		pm->va[pm->nr + i] = b->p + i * SZ_4K;
	pm->nr += n;
}

const char *pa_lookup(const struct pa_map *pm, __u64 pa)
{
	size_t i;

	for (i = 0; i < pm->nr; i++)
		if (pm->pa[i] == pa)
			return pm->va[i];
	return NULL;
}

void pa_map_free(struct pa_map *pm)
{
	free(pm->pa);
	free(pm->va);
	memset(pm, 0, sizeof(*pm));
}

/* The permissions exactly: a write-only mapping is PF_W alone. */
__u32 pflags(__u32 prot)
{
	return (prot & PTLAB_PROT_READ ? PF_R : 0) |
	       (prot & PTLAB_PROT_WRITE ? PF_W : 0) |
	       (prot & PTLAB_PROT_EXEC ? PF_X : 0);
}

/*
 * Contents of a physical RAM run are in the core exactly where /dev/mem
 * lets this process read them, and equal to what it reads there.
 */
static void check_core_phys_ram(struct __test_metadata *_metadata,
				const struct core *c, const struct run *r,
				const struct elf64_phdr *ph)
{
	char page[SZ_4K];
	__u64 pg;
	int ret;

	for (pg = 0; pg < r->size; pg += SZ_4K) {
		ret = devmem_read(r->pa + pg, page);
		if (ret) {
			ASSERT_EQ(0ULL, ph->p_filesz)
				TH_LOG("pa 0x%llx: /dev/mem refuses it (%s), the core has it",
				       r->pa + pg, strerror(-ret));
			continue;
		}
		ASSERT_EQ(r->size, ph->p_filesz)
			TH_LOG("pa 0x%llx: /dev/mem reads it", r->pa + pg);
		ASSERT_EQ(0, memcmp(c->data + ph->p_offset + pg, page, SZ_4K))
			TH_LOG("pa 0x%llx: contents differ from /dev/mem",
			       r->pa + pg);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	const __u64 *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

/*
 * The loads must be the model's runs (split by prot and kind, not by page
 * size), in order, with the contents of pinned memory equal to the test's
 * own memory at those physical addresses, physical RAM as /dev/mem has it,
 * and MMIO left out; file ranges in the file, after the headers, never
 * overlapping.
 */
void check_core_loads(struct __test_metadata *_metadata,
		      const struct core *c, const struct space *s,
			     const struct pa_map *pm)
{
	size_t nr, i, k = 0, nr_data = 0;
	const struct elf64_phdr *ph;
	__u64 *spans, pg;
	struct run *runs;
	const char *src;

	runs = calloc(s->m.nr + 1, sizeof(*runs));
	spans = calloc(2 * (s->m.nr + 1), sizeof(*spans));
	ASSERT_TRUE(runs && spans);
	nr = model_runs(&s->m, runs, false);
	for (i = 0; i < c->phnum; i++) {
		ph = &c->ph[i];
		if (ph->p_type == PT_NOTE)
			continue;
		ASSERT_EQ((__u32)PT_LOAD, ph->p_type);
		ASSERT_LT(k, nr) TH_LOG("PT_LOAD at 0x%llx past the %zu runs",
					(unsigned long long)ph->p_vaddr, nr);
		ASSERT_EQ(runs[k].iova, ph->p_vaddr) TH_LOG("run %zu", k);
		ASSERT_EQ(runs[k].pa, ph->p_paddr) TH_LOG("run %zu", k);
		ASSERT_EQ(runs[k].size, ph->p_memsz) TH_LOG("run %zu", k);
		ASSERT_EQ(pflags(runs[k].prot), ph->p_flags)
			TH_LOG("run %zu, prot 0x%x", k, runs[k].prot);
		if (runs[k].kind == PTLAB_PHYS_MMIO) {
			ASSERT_EQ(0ULL, ph->p_filesz) TH_LOG("MMIO run %zu", k);
			k++;
			continue;
		}
		if (runs[k].kind == PTLAB_PHYS_RAM) {
			check_core_phys_ram(_metadata, c, &runs[k], ph);
			if (!ph->p_filesz) {
				k++;
				continue;
			}
		}
		ASSERT_EQ(runs[k].size, ph->p_filesz) TH_LOG("run %zu", k);
		ASSERT_LE(c->hdr_end, ph->p_offset) TH_LOG("run %zu", k);
		ASSERT_LE(ph->p_offset, c->len);
		ASSERT_LE(ph->p_filesz, c->len - ph->p_offset);
		spans[2 * nr_data] = ph->p_offset;
		spans[2 * nr_data + 1] = ph->p_offset + ph->p_filesz;
		nr_data++;
		for (pg = 0; pg < ph->p_filesz; pg += SZ_4K) {
			src = pa_lookup(pm, ph->p_paddr + pg);
			ASSERT_NE(NULL, src) TH_LOG("pa 0x%llx is not the test's",
						    ph->p_paddr + pg);
			ASSERT_EQ(0, memcmp(c->data + ph->p_offset + pg, src,
					    SZ_4K))
				TH_LOG("IOVA 0x%llx: contents differ",
				       ph->p_vaddr + pg);
		}
		k++;
	}
	ASSERT_EQ(nr, k) TH_LOG("the core lacks runs");
	/* Sorted by start, each range must end before the next starts. */
	qsort(spans, nr_data, 2 * sizeof(*spans), cmp_u64);
	for (i = 1; i < nr_data; i++)
		ASSERT_LE(spans[2 * i - 1], spans[2 * i]);
	free(spans);
	free(runs);
}

/* The whole core against the space, its model and the test's memory. */
void check_core(struct __test_metadata *_metadata,
		const unsigned char *data, size_t len,
		       const struct space *s, const struct pa_map *pm)
{
	struct core c;

	parse_core(_metadata, data, len, &c);
	check_core_note(_metadata, &c, s);
	check_core_loads(_metadata, &c, s, pm);
}

int pt_snapshot(int fd, __u32 id, int out, __u32 flags, __u64 *bytes)
{
	struct ptlab_snapshot sn = {
		.size = sizeof(sn),
		.flags = flags,
		.id = id,
		.fd = out,
		.out_bytes = POISON,
	};
	int ret = pt_ioctl(fd, PTLAB_IOCTL_SNAPSHOT, &sn);

	*bytes = sn.out_bytes;
	return ret;
}

/*
 * The ioctl's core, written to @out from its start: out_bytes is the file's
 * size and its new position. Returns the core (free() it).
 */
unsigned char *snapshot_ioctl(struct __test_metadata *_metadata,
			      const struct space *s, int out, size_t *len)
{
	unsigned char *data;
	struct stat st;
	__u64 bytes;

	ASSERT_EQ(0, ftruncate(out, 0));
	ASSERT_EQ(0, lseek(out, 0, SEEK_SET));
	ASSERT_EQ(0, pt_snapshot(s->fd, s->id, out, 0, &bytes))
		TH_LOG("snapshot: %s", strerror(errno));
	ASSERT_EQ(0, fstat(out, &st));
	ASSERT_EQ((__u64)st.st_size, bytes);
	ASSERT_EQ((off_t)bytes, lseek(out, 0, SEEK_CUR));
	data = malloc(bytes + 1);
	ASSERT_NE(NULL, data);
	ASSERT_EQ((ssize_t)bytes, pread(out, data, bytes, 0));
	*len = bytes;
	return data;
}

/* debugfs <id>/snapshot read with read() calls of @chunk bytes. */
unsigned char *snapshot_debugfs(struct __test_metadata *_metadata, __u32 id,
				size_t chunk, size_t *len)
{
	unsigned char *data;
	char path[128];

	debugfs_path(path, sizeof(path), id, "snapshot");
	data = read_path(path, chunk, len);
	ASSERT_NE(NULL, data) TH_LOG("%s: %s", path, strerror(errno));
	return data;
}

/* --- fdinfo --- */

/*
 * The ptlab lines of fdinfo text, each in its exact format: up to @max
 * spaces into @sp (only counted into @nr if @sp is NULL). Returns the
 * ptlab-spaces count, or -1 if it is missing, a line is malformed or there
 * are more than @max.
 */
int fdinfo_parse(const char *text, struct fdinfo_space *sp, int max, int *nr)
{
	const char *p = text, *eol;
	struct fdinfo_space one;
	int count = -1, end;
	char line[256];
	size_t n;

	*nr = 0;
	for (; *p; p = *eol ? eol + 1 : eol) {
		eol = strchrnul(p, '\n');
		n = eol - p;
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		end = 0;
		if (sscanf(line, "ptlab-spaces:\t%d%n", &count, &end) == 1 &&
		    end)
			continue;
		if (strncmp(line, "ptlab-space", 11))
			continue;
		end = 0;
		if ((sp && *nr >= max) ||
		    sscanf(line, "ptlab-space:\t%u %31s table_pages %lld mapped_bytes %lld%n",
			   &one.id, one.fmt, &one.table_pages,
			   &one.mapped_bytes, &end) != 4 || !end ||
		    one.table_pages < 0 || one.mapped_bytes < 0)
			return -1;
		if (sp)
			sp[*nr] = one;
		(*nr)++;
	}
	return count;
}

/* fdinfo_parse() of /proc/self/fdinfo/@fd. */
int read_fdinfo(int fd, struct fdinfo_space *sp, int max, int *nr)
{
	unsigned char *text;
	char path[64];
	size_t len;
	int ret;

	*nr = 0;
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	text = read_path(path, SZ_4K, &len);
	if (!text)
		return -1;
	text[len] = '\0';
	ret = fdinfo_parse((char *)text, sp, max, nr);
	free(text);
	return ret;
}

/* --- /proc/iomem --- */

/*
 * /proc/iomem, read once per process (each test is one), or NULL. Static
 * rather than on the stack: a large frame keeps GCC from inlining a test
 * into the harness's wrapper, whose setjmp() state it then may clobber.
 */
const struct iomem *iomem_get(void)
{
	static struct iomem iomem, *io;
	char line[256];
	struct res *r;
	bool real = false;
	int n, sp;
	FILE *f;

	if (io)
		return io;
	iomem.nr = 0;
	f = fopen("/proc/iomem", "r");
	if (!f)
		return NULL;
	while (iomem.nr < (int)ARRAY_SIZE(iomem.r) &&
	       fgets(line, sizeof(line), f)) {
		r = &iomem.r[iomem.nr];
		sp = strspn(line, " ");
		n = 0;
		if (sscanf(line + sp, "%llx-%llx : %n", &r->start, &r->end,
			   &n) != 2 || !n)
			continue;
		r->depth = sp / 2;
		snprintf(r->name, sizeof(r->name), "%s", line + sp + n);
		r->name[strcspn(r->name, "\n")] = '\0';
		real |= r->end != 0;
		iomem.nr++;
	}
	fclose(f);
	/* Without CAP_SYS_ADMIN every range reads as 0-0. */
	if (real)
		io = &iomem;
	return io;
}

bool res_is_ram(const struct res *r)
{
	return !strcmp(r->name, "System RAM");
}

/* Whether any System RAM, at any depth, intersects [@start, @end]. */
bool iomem_ram_in(const struct iomem *io, __u64 start, __u64 end)
{
	int i;

	for (i = 0; i < io->nr; i++)
		if (res_is_ram(&io->r[i]) && io->r[i].start <= end &&
		    io->r[i].end >= start)
			return true;
	return false;
}

/*
 * A @size-aligned range of @size bytes that holds no System RAM and starts
 * in a top-level resource that is not RAM (inside it, unless @size is one
 * page), device windows first: what the module must call MMIO.
 */
bool iomem_find_mmio(const struct iomem *io, __u64 size, __u64 *pa)
{
	static const char *const prefer[] = {
		"PCI Bus", "APIC", "HPET", "",
	};
	const struct res *r;
	size_t p;
	__u64 a;
	int i;

	for (p = 0; p < ARRAY_SIZE(prefer); p++) {
		for (i = 0; i < io->nr; i++) {
			r = &io->r[i];
			if (r->depth || res_is_ram(r) ||
			    !strstr(r->name, prefer[p]))
				continue;
			for (a = align_up(r->start, size);
			     a >= r->start && a <= r->end &&
			     a + size <= TOP(ARM_OAS); a += size) {
				if (size > SZ_4K && a + size - 1 > r->end)
					break;
				if (!iomem_ram_in(io, a, a + size - 1)) {
					*pa = a;
					return true;
				}
			}
		}
	}
	return false;
}

/*
 * Two pages, one System RAM and one without any: a page-aligned edge of a
 * System RAM range next to a page that holds none.
 */
bool iomem_find_mixed(const struct iomem *io, __u64 *pa)
{
	const struct res *r;
	int i;

	for (i = 0; i < io->nr; i++) {
		r = &io->r[i];
		if (!res_is_ram(r))
			continue;
		if (!(r->start % SZ_4K) && r->start >= SZ_4K &&
		    !iomem_ram_in(io, r->start - SZ_4K, r->start - 1)) {
			*pa = r->start - SZ_4K;
			return true;
		}
		if (!((r->end + 1) % SZ_4K) && r->end + 1 - r->start >= SZ_4K &&
		    !iomem_ram_in(io, r->end + 1, r->end + SZ_4K)) {
			*pa = r->end + 1 - SZ_4K;
			return true;
		}
	}
	return false;
}

/* A page only partly System RAM: a RAM range that ends inside a page. */
bool iomem_find_partial(const struct iomem *io, __u64 *pa)
{
	int i;

	for (i = 0; i < io->nr; i++) {
		if (res_is_ram(&io->r[i]) && (io->r[i].end + 1) % SZ_4K) {
			*pa = io->r[i].end & ~(SZ_4K - 1);
			return true;
		}
	}
	return false;
}

/* The first whole page of the first resource called @name. */
bool iomem_find_named(const struct iomem *io, const char *name,
		      __u64 *pa)
{
	__u64 a;
	int i;

	for (i = 0; i < io->nr; i++) {
		if (strcmp(io->r[i].name, name))
			continue;
		a = align_up(io->r[i].start, SZ_4K);
		if (a + SZ_4K - 1 <= io->r[i].end) {
			*pa = a;
			return true;
		}
	}
	return false;
}

static int u64_pair_cmp(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * A physical address @pa, a multiple of @align, such that [@pa - @lead,
 * @pa - @lead + @len) holds no System RAM at any depth and ends below
 * 2^@oas: the checked borrow must classify it PTLAB_PHYS_MMIO. Gaps are
 * tried from the highest, where the large aligned ones are. 0 or -ENOSPC.
 */
int iomem_find_hole(const struct iomem *io, unsigned int oas, __u64 align,
		    __u64 len, __u64 lead, __u64 *pa)
{
	__u64 limit = oas >= 64 ? ~0ULL : BIT_ULL(oas) - 1;
	__u64 ram[ARRAY_SIZE(io->r)][2], lo, hi, cand;
	int i, nr = 0;

	for (i = 0; io && i < io->nr; i++) {
		if (!res_is_ram(&io->r[i]))
			continue;
		ram[nr][0] = io->r[i].start;
		ram[nr++][1] = io->r[i].end;
	}
	if (!nr)
		return -ENOSPC;
	qsort(ram, nr, sizeof(ram[0]), u64_pair_cmp);
	for (i = nr; i >= 0; i--) {
		/* The gap above RAM range i - 1 and below range i. */
		if (i < nr && !ram[i][0])
			continue;
		lo = i ? ram[i - 1][1] + 1 : 0;
		hi = i < nr ? ram[i][0] - 1 : limit;
		if (hi > limit)
			hi = limit;
		if (lo > hi || lo + lead < lo)
			continue;
		cand = align_up(lo + lead, align);
		if (cand < lo + lead || cand - lead > hi ||
		    len - 1 > hi - (cand - lead))
			continue;
		*pa = cand;
		return 0;
	}
	return -ENOSPC;
}

/* The end of the highest System RAM range, at any depth; 0 if none. */
__u64 iomem_ram_top(const struct iomem *io)
{
	__u64 top = 0;
	int i;

	for (i = 0; io && i < io->nr; i++)
		if (res_is_ram(&io->r[i]) && io->r[i].end > top)
			top = io->r[i].end;
	return top;
}

/* --- the simulated firmware: debugfs ptlab/firmware --- */

/* Writes one command to the firmware file: 0 or -errno. */
int fw_cmd(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	ssize_t n;
	int fd, len;

	va_start(ap, fmt);
	len = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	fd = open(FW_FILE, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, cmd, len);
	if (n < 0)
		n = -errno;
	close(fd);
	return n < 0 ? (int)n : n == len ? 0 : -EIO;
}

/* Parses "0xIOVA:0xLEN[,...]" into @f: 0, or -EINVAL. */
int parse_ranges(const char *s, struct fw_inst *f)
{
	char *end;

	f->nr = 0;
	while (*s && *s != '\n') {
		if (f->nr == PTLAB_MAX_FW_RANGES)
			return -EINVAL;
		f->r[f->nr].iova = strtoull(s, &end, 16);
		if (*end != ':')
			return -EINVAL;
		f->r[f->nr].length = strtoull(end + 1, &end, 16);
		f->nr++;
		if (*end == ',')
			end++;
		else if (*end && *end != '\n')
			return -EINVAL;
		s = end;
	}
	return 0;
}

/*
 * Every instance `cat firmware` lists, up to @max into @f: the number, or
 * -errno; -EPROTO for a line not in the documented format.
 */
int fw_list(struct fw_inst *f, int max)
{
	char line[512];
	int nr = 0, n;
	FILE *file;

	file = fopen(FW_FILE, "r");
	if (!file)
		return -errno;
	while (fgets(line, sizeof(line), file)) {
		if (nr >= max)
			break;
		memset(&f[nr], 0, sizeof(f[nr]));
		n = 0;
		if (sscanf(line, "%u %31s root 0x%llx crc 0x%x users %u ranges %n",
			   &f[nr].id, f[nr].format, &f[nr].root, &f[nr].crc,
			   &f[nr].users, &n) != 5 || !n ||
		    parse_ranges(line + n, &f[nr])) {
			nr = -EPROTO;
			break;
		}
		nr++;
	}
	fclose(file);
	return nr;
}

/* The instance @id as `cat firmware` shows it: 0, -ENOENT, or -errno. */
int fw_get(__u32 id, struct fw_inst *out)
{
	struct fw_inst f[FW_MAX + 1];
	int nr, i;

	nr = fw_list(f, FW_MAX + 1);
	if (nr < 0)
		return nr;
	for (i = 0; i < nr; i++) {
		if (f[i].id == id) {
			*out = f[i];
			return 0;
		}
	}
	return -ENOENT;
}

/* --- capabilities, without libcap --- */

/* Whether @cap is effective, as /proc/self/status says; -1 if unreadable. */
int cap_effective(int cap)
{
	unsigned long long eff;
	char line[128];
	int ret = -1;
	FILE *f;

	f = fopen("/proc/self/status", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			ret = (eff >> cap) & 1;
	fclose(f);
	return ret;
}

/* --- small files --- */

long read_param(const char *path)
{
	char val[32] = "";
	long ret = -1;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fgets(val, sizeof(val), f))
		ret = strtol(val, NULL, 10);
	fclose(f);
	return ret;
}

int write_param(const char *path, long val)
{
	char s[32];
	int fd, len;
	ssize_t n;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	len = snprintf(s, sizeof(s), "%ld", val);
	n = write(fd, s, len);
	close(fd);
	return n == len ? 0 : -EIO;
}

/*
 * Reads @fd to its end with read() calls of @chunk bytes, none of which may
 * return more. Returns the bytes (free() them) or NULL with errno set.
 */
unsigned char *read_fd(int fd, size_t chunk, size_t *len)
{
	size_t cap = 1 << 16, have = 0;
	unsigned char *p = malloc(cap), *q;
	ssize_t n;

	while (p) {
		if (cap - have < chunk) {
			cap = 2 * cap + chunk;
			q = realloc(p, cap);
			if (!q)
				break;
			p = q;
		}
		n = read(fd, p + have, chunk);
		if (n < 0 || (size_t)n > chunk) {
			if (n > 0)
				errno = EOVERFLOW;
			break;
		}
		if (!n) {
			*len = have;
			return p;
		}
		have += n;
	}
	free(p);
	return NULL;
}

unsigned char *read_path(const char *path, size_t chunk, size_t *len)
{
	unsigned char *p;
	int fd, err;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	p = read_fd(fd, chunk, len);
	err = errno;
	close(fd);
	errno = err;
	return p;
}

/* Fills @b with bytes no other buffer and no other page of @b holds. */
void fill_unique(struct buf *b)
{
	static __u64 salt = 0x5054000000000000ULL;
	__u64 *w = (__u64 *)b->p;
	size_t i;

	salt += 0x100000000ULL;
	for (i = 0; i < b->len / sizeof(*w); i++)
		w[i] = salt ^ (i * 0x9e3779b97f4a7c15ULL);
}

/*
 * Two of the @n blocks of @size at @pas (physical addresses of 4K pages,
 * @size apart) that are physically adjacent, in either order: *@lo is the
 * lower, *@hi the one right above it. The page allocator hands out
 * neighbours in descending order as often as ascending.
 */
bool find_adjacent(const __u64 *pas, size_t n, __u64 size, size_t *lo,
		   size_t *hi)
{
	size_t step = size / SZ_4K, i, j;

	for (i = 0; i < n; i += step)
		for (j = 0; j < n; j += step)
			if (pas[j] == pas[i] + size) {
				*lo = i;
				*hi = j;
				return true;
			}
	return false;
}

/* --- physical mappings --- */

/* A physical map that must succeed in full as @kind; the model learns it. */
void phys_ok(struct __test_metadata *_metadata, struct space *s,
	     __u64 iova, __u64 pa, __u64 len, __u32 prot, __u64 pgsize,
		    __u32 kind)
{
	struct ptlab_map_phys req = phys_req(s->id, iova, pa, len, prot);

	req.pgsize = pgsize;
	ASSERT_EQ(0, pt_ioctl(s->fd, PTLAB_IOCTL_MAP_PHYS, &req))
		TH_LOG("map_phys 0x%llx+0x%llx pa 0x%llx: %s", iova, len, pa,
		       strerror(errno));
	ASSERT_EQ(len, req.out_mapped);
	ASSERT_EQ(kind, req.out_kind)
		TH_LOG("pa 0x%llx+0x%llx: kind %u", pa, len, req.out_kind);
	ASSERT_EQ(0, model_add_phys(&s->m, iova, pa, len, prot, pgsize, kind));
}

/* A physical map that must fail with @err having mapped nothing. */
void phys_fails(struct __test_metadata *_metadata,
		const struct baseline *b, struct space *s,
		       struct ptlab_map_phys *req, int err, const char *what)
{
	req->id = s->id;
	ASSERT_EQ(err, pt_ioctl(s->fd, PTLAB_IOCTL_MAP_PHYS, req))
		TH_LOG("%s: map_phys 0x%llx+0x%llx pa 0x%llx prot 0x%x", what,
		       req->iova, req->length, req->paddr, req->prot);
	ASSERT_EQ(0ULL, req->out_mapped) TH_LOG("%s", what);
	check_all(_metadata, b, s);
}
