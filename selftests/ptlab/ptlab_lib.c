// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the ptlab kselftest programs; see ptlab_lib.h.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

int pt_create(int fd, __u32 ias, __u64 pgsizes, __u32 *id)
{
	struct ptlab_create c = {
		.size = sizeof(c),
		.format = PTLAB_FMT_ARM64_LPAE_S1,
		.ias = ias,
		.pgsize_bitmap = pgsizes,
	};
	int ret = pt_ioctl(fd, PTLAB_IOCTL_CREATE, &c);

	if (!ret)
		*id = c.out_id;
	return ret;
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

long vmpin_kb(void)
{
	return proc_field("/proc/self/status", "VmPin");
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
	return proc_field("/proc/meminfo", "SecPageTables");
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

/* Top-level "System RAM" ranges of /proc/iomem, read once per process. */
static struct {
	unsigned long long start[64], end[64];
	int nr;
	bool read;
} ram;

static void read_ram_ranges(void)
{
	unsigned long long start, end;
	char line[256];
	int n;
	FILE *f;

	ram.read = true;
	f = fopen("/proc/iomem", "r");
	if (!f)
		return;
	while (ram.nr < 64 && fgets(line, sizeof(line), f)) {
		n = 0;
		if (line[0] == ' ' ||
		    sscanf(line, "%llx-%llx : %n", &start, &end, &n) != 2)
			continue;
		if (!n || strncmp(line + n, "System RAM", 10))
			continue;
		ram.start[ram.nr] = start;
		ram.end[ram.nr++] = end;
	}
	fclose(f);
}

/* Whether [pa, pa + 4K) is ordinary RAM, as /proc/iomem tells root. */
bool pa_is_ram(__u64 pa)
{
	int i;

	if (!ram.read)
		read_ram_ranges();
	for (i = 0; i < ram.nr; i++)
		if (pa >= ram.start[i] && pa + SZ_4K - 1 <= ram.end[i])
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

const char *pgsize_str(__u64 size)
{
	return size == SZ_4K ? "4K" : size == SZ_2M ? "2M" :
	       size == SZ_1G ? "1G" : "?";
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

/* --- the model --- */

unsigned int levels_for_ias(unsigned int ias)
{
	return (ias - 12 + 8) / 9;
}

/* Level of a leaf of @size, counted from the last-level table (0). */
unsigned int pgsize_level(__u64 size)
{
	return (__builtin_ctzll(size) - 12) / 9;
}

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
 * The page size a correct map uses at page @i of a range: the largest size
 * allowed that the IOVA, the physical address and what is left of the range
 * are aligned to, over physically contiguous pages. @forced restricts it to
 * one size; 0 means it cannot be mapped.
 */
static __u64 pick_pgsize(const struct model *m, __u64 iova, const __u64 *pas,
			 size_t i, size_t n, __u64 forced)
{
	static const __u64 sizes[] = { SZ_1G, SZ_2M, SZ_4K };
	size_t k, np;
	__u64 s;

	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		s = sizes[k];
		np = s / SZ_4K;
		if (!(m->pgsizes & s) || (forced && forced != s))
			continue;
		if (iova % s || pas[i] % s || n - i < np)
			continue;
		if (pas_contiguous(pas, i, np))
			return s;
	}
	return 0;
}

/* Adds the leaves that mapping the @n pages at @pas from @iova must make. */
static int model_add_pas(struct model *m, __u64 iova, const __u64 *pas,
			 size_t n, __u32 prot, __u64 forced, __u32 kind)
{
	struct leaf lf = { .kind = kind };
	size_t i = 0;
	int ret = 0;

	while (!ret && i < n) {
		lf.iova = iova + i * SZ_4K;
		lf.pa = pas[i];
		lf.prot = prot | PTLAB_PROT_READ;
		lf.size = pick_pgsize(m, lf.iova, pas, i, n, forced);
		ret = lf.size ? model_push(m, &lf) : -EINVAL;
		i += lf.size / SZ_4K;
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
	size_t n = len / SZ_4K, i;
	__u64 *pas;
	int ret;

	pas = calloc(n ? n : 1, sizeof(*pas));
	if (!pas)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		pas[i] = pa + i * SZ_4K;
	ret = model_add_pas(m, iova, pas, n, prot, forced, kind);
	free(pas);
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

/*
 * Table pages the leaves need when empty tables are freed: the root, and
 * for every level below it one table per distinct span that holds a leaf of
 * that level or lower.
 */
__u64 model_table_pages(const struct model *m)
{
	unsigned int l, shift;
	__u64 pages = 1, key, last;
	bool any;
	size_t i;

	for (l = 0; l + 1 < m->levels; l++) {
		shift = 12 + 9 * (l + 1);
		any = false;
		last = 0;
		for (i = 0; i < m->nr; i++) {
			if (pgsize_level(m->leaves[i].size) > l)
				continue;
			key = m->leaves[i].iova >> shift;
			if (!any || key != last)
				pages++;
			any = true;
			last = key;
		}
	}
	return pages;
}

/*
 * What a correct unmap of [@iova, @iova + @len) does to the model: -EINVAL
 * for a range that is not 4K aligned, empty, or not inside 2^ias (as for
 * map); -ENOENT if nothing maps @iova; -EINVAL if @iova is inside a leaf;
 * else the bytes of the consecutive leaves from @iova that start before the
 * end, whole.
 */
int model_unmap_expect(const struct model *m, __u64 iova, __u64 len,
		       __u64 *bytes)
{
	long found = model_find(m, iova);
	size_t i;

	*bytes = 0;
	if (!len || (iova | len) % SZ_4K || iova >= TOP(m->ias) ||
	    len > TOP(m->ias) - iova)
		return -EINVAL;
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

/* The leaf descriptor, decoded by the Arm rules rather than by the module. */
static void check_leaf_desc(struct __test_metadata *_metadata, __u64 mair,
			    __u64 desc, const struct leaf *lf)
{
	bool exec = lf->prot & PTLAB_PROT_EXEC;
	unsigned int idx = DESC_ATTRIDX(desc);

	ASSERT_EQ(lf->size == SZ_4K ? DESC_PAGE : DESC_BLOCK,
		  desc & DESC_TYPE_MASK) TH_LOG("desc 0x%llx", desc);
	ASSERT_EQ(lf->pa, desc & DESC_ADDR) TH_LOG("desc 0x%llx", desc);
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

/* Walks @iova inside @lf and checks all the walk reports. */
void check_walk(struct __test_metadata *_metadata, const struct space *s,
		const struct leaf *lf, __u64 iova)
{
	unsigned int lvl = pgsize_level(lf->size), i;
	struct ptlab_walk w;
	__u64 tpa;

	ASSERT_EQ(0, pt_walk(s->fd, s->id, iova, &w))
		TH_LOG("walk 0x%llx", iova);
	ASSERT_EQ(lf->pa + (iova - lf->iova), w.out_pa)
		TH_LOG("walk 0x%llx", iova);
	ASSERT_EQ(lf->size, w.out_pgsize) TH_LOG("walk 0x%llx", iova);
	ASSERT_EQ(lvl, w.out_level) TH_LOG("walk 0x%llx", iova);
	ASSERT_EQ(s->m.levels - lvl, w.out_nr_entries)
		TH_LOG("walk 0x%llx", iova);
	ASSERT_EQ(lf->prot, w.out_prot) TH_LOG("walk 0x%llx", iova);
	for (i = 0; i + 1 < w.out_nr_entries; i++) {
		ASSERT_EQ(DESC_TABLE, w.out_entries[i] & DESC_TYPE_MASK)
			TH_LOG("entry %u: 0x%llx", i, w.out_entries[i]);
		/* A table the hardware walks must be RAM, and not the root. */
		tpa = w.out_entries[i] & DESC_ADDR;
		ASSERT_TRUE(tpa && pa_is_ram(tpa))
			TH_LOG("table at 0x%llx", tpa);
		ASSERT_NE(s->root_pa, tpa);
	}
	/* Nothing past the entries read, so no stale kernel bytes either. */
	for (i = w.out_nr_entries; i < PTLAB_MAX_LEVELS; i++)
		ASSERT_EQ(0ULL, w.out_entries[i]);
	check_leaf_desc(_metadata, s->mair, w.out_entries[w.out_nr_entries - 1],
			lf);
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
	char want[160], prot[8];

	prot_str(run->prot, prot);
	snprintf(want, sizeof(want),
		 "0x%016llx-0x%016llx 0x%llx 0x%016llx %s %s%s", run->iova,
		 run->iova + run->size - 1, run->size, run->pa, prot,
		 pgsize_str(run->pgsize),
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
 * Creates an address space in @fd and checks what info reports about it
 * against the format's rules.
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
	s->root_pa = info.out_root_pa;
	s->mair = info.out_mair;
	s->m.ias = want_ias;
	s->m.levels = levels_for_ias(want_ias);
	s->m.pgsizes = pgsizes ? pgsizes : ARM_PGSIZES;
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

/* --- fdinfo --- */

/*
 * The ptlab lines of /proc/self/fdinfo/@fd, each in its exact format.
 * Returns the ptlab-spaces count, or -1.
 */
int read_fdinfo(int fd, struct fdinfo_space *sp, int max, int *nr)
{
	char path[64], line[256];
	int count = -1, end;
	FILE *f;

	*nr = 0;
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		end = 0;
		if (sscanf(line, "ptlab-spaces:\t%d\n%n", &count, &end) == 1 &&
		    end)
			continue;
		if (strncmp(line, "ptlab-space", 11))
			continue;
		end = 0;
		if (*nr >= max ||
		    sscanf(line, "ptlab-space:\t%u %31s table_pages %lld mapped_bytes %lld\n%n",
			   &sp[*nr].id, sp[*nr].fmt, &sp[*nr].table_pages,
			   &sp[*nr].mapped_bytes, &end) != 4 || !end) {
			count = -1;
			break;
		}
		(*nr)++;
	}
	fclose(f);
	return count;
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
