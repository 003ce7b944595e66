/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the ptlab kselftest programs: the ioctls, what the kernel
 * reports independently of ptlab (/proc, pagemap, debugfs), the test's own
 * model of an address space, and the checks that compare the two.
 *
 * The checks take the harness's struct __test_metadata and fail the calling
 * test with ASSERT_*(), as if they were written inside it.
 */
#ifndef PTLAB_LIB_H
#define PTLAB_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/elf.h>
#include <linux/ptlab.h>

struct __test_metadata;

#define PTLAB_DEV		"/dev/ptlab"
#define PTLAB_DEBUGFS		"/sys/kernel/debug/ptlab"
#define MAX_TABLE_PAGES		"/sys/module/ptlab/parameters/max_table_pages"
#define MAX_SPACES		"/sys/module/ptlab/parameters/max_spaces"
/* mkstemp() template of the files snapshots are written to */
#define CORE_TEMPLATE		"/tmp/ptlab-core.XXXXXX"

/* The user unprivileged tests run as. */
#define NOBODY			65534

#define BIT_ULL(n)		(1ULL << (n))

#define SZ_4K			0x1000ULL
#define SZ_8K			0x2000ULL
#define SZ_16K			0x4000ULL
#define SZ_64K			0x10000ULL
#define SZ_128K			0x20000ULL
#define SZ_1M			0x100000ULL
#define SZ_2M			0x200000ULL
#define SZ_4M			0x400000ULL
#define SZ_32M			0x2000000ULL
#define SZ_512M			0x20000000ULL
#define SZ_1G			0x40000000ULL
#define SZ_16G			0x400000000ULL
#define SZ_512G			0x8000000000ULL

/*
 * The format pt_create() and space_create() make, Arm VMSAv8-64 stage 1
 * with 4K granules, as the tests that use it expect it. The library itself
 * takes every geometry from PTLAB_IOCTL_INFO (struct geom).
 */
#define ARM_PGSIZES		(SZ_4K | SZ_2M | SZ_1G)
#define ARM_IAS			48U
#define ARM_OAS			48U
#define TOP(ias)		BIT_ULL(ias)

#define PT_R			PTLAB_PROT_READ
#define PT_RW			(PTLAB_PROT_READ | PTLAB_PROT_WRITE)

/* Arm VMSAv8-64 long descriptors, read back from the walk's raw entries. */
#define DESC_TYPE_MASK		3ULL
#define DESC_TABLE		3ULL	/* also a page at the last level */
#define DESC_PAGE		3ULL
#define DESC_BLOCK		1ULL
#define DESC_ATTRIDX(d)		(((d) >> 2) & 7)
#define DESC_AP1		BIT_ULL(6)
#define DESC_AP2		BIT_ULL(7)
#define DESC_AF			BIT_ULL(10)
#define DESC_NG			BIT_ULL(11)	/* not global: matched by ASID */
#define DESC_PXN		BIT_ULL(53)
#define DESC_UXN		BIT_ULL(54)
#define DESC_ADDR		0x0000fffffffff000ULL

/* MAIR slots the format must use for each memory type. */
#define ATTR_NC			0
#define ATTR_WB			1
#define ATTR_DEV		2
#define MAIR_NC			0x44ULL
#define MAIR_WB			0xffULL
#define MAIR_DEV		0x04ULL

#define PM_PRESENT		BIT_ULL(63)
#define PM_PFN			(BIT_ULL(55) - 1)

/* An out_mapped value no correct module reports: catches missing copy-out. */
#define POISON			0xdead000ULL

/* The model's kind for leaves an adopted firmware made (not PTLAB_PHYS_*). */
#define KIND_FW		0x100

/*
 * One leaf entry an address space must hold. @kind is 0 for pinned user
 * memory, else the PTLAB_PHYS_* kind of a physical mapping, or KIND_FW.
 */
struct leaf {
	__u64 iova;
	__u64 pa;
	__u64 size;
	__u32 prot;
	__u32 kind;
};

/*
 * A run of leaves contiguous in IOVA and PA, with one prot and kind: a dump
 * line (also of one page size) or a snapshot PT_LOAD.
 */
struct run {
	__u64 iova;
	__u64 pa;
	__u64 size;
	__u64 pgsize;
	__u32 prot;
	__u32 kind;
};

/*
 * An address space's geometry, as PTLAB_IOCTL_INFO reports it (geom_init()),
 * and what it implies: the span of an entry at each level and the size of
 * the tables. Nothing here assumes a format.
 */
struct geom {
	__u32 format;
	__u32 gran;		/* log2 of the granule */
	__u32 ias;
	__u32 oas;
	__u32 levels;
	__u32 prot_mask;
	__u64 pgsizes;
	__u64 last;		/* last IOVA of the input range */
	__u64 root_bytes;	/* the top-level table (all concatenated ones) */
	__u64 table_bytes;	/* a table below the top level */
	__u64 pt_bytes;		/* a last-level table, if not table_bytes */
	unsigned int shift[PTLAB_MAX_LEVELS];	/* log2 of an entry's span */
};

/* What an address space must hold, kept by the test, not by the module. */
struct model {
	struct leaf *leaves;	/* sorted by IOVA, never overlapping */
	size_t nr;
	size_t cap;
	struct geom g;
};

/* An address space, what it must hold and what it reported at creation. */
struct space {
	int fd;
	__u32 id;
	__u64 root_pa;
	__u64 mair;
	struct model m;
};

/* System counters taken before /dev/ptlab is opened. */
struct baseline {
	long pin_kb;
	long secpt_kb;
	int modref;
};

/* Anonymous memory; @p is 2M aligned when THP was asked for. */
struct buf {
	void *map;
	size_t map_len;
	char *p;
	size_t len;
};

/* @a is a power of two. */
static inline __u64 align_up(__u64 x, __u64 a)
{
	return (x + a - 1) & ~(a - 1);
}

/* ioctls, returning 0 or -errno */
int pt_ioctl(int fd, unsigned long cmd, void *arg);
int pt_create_req(int fd, const struct ptlab_create *c, __u32 *id);
int pt_create(int fd, __u32 ias, __u64 pgsizes, __u32 *id);
int pt_destroy(int fd, __u32 id);
int pt_info(int fd, __u32 id, struct ptlab_info *info);
struct ptlab_map_user map_req(__u32 id, __u64 iova, const void *uptr,
			      __u64 len, __u32 prot);
struct ptlab_map_phys phys_req(__u32 id, __u64 iova, __u64 pa, __u64 len,
			       __u32 prot);
int pt_map_user(int fd, __u32 id, __u64 iova, const void *uptr, __u64 len,
		__u32 prot, __u64 pgsize, __u64 *mapped);
int pt_map_phys(int fd, __u32 id, __u64 iova, __u64 pa, __u64 len,
		__u32 prot, __u64 pgsize, __u64 *mapped, __u32 *kind);
int pt_unmap(int fd, __u32 id, __u64 iova, __u64 len, __u64 *unmapped);
int pt_walk(int fd, __u32 id, __u64 iova, struct ptlab_walk *w);
int pt_dev_create(int fd, __u32 id, __u32 flags, __u32 entries,
		  __u32 *dev_id);
int pt_dev_destroy(int fd, __u32 dev_id);
int pt_dev_dma(int fd, __u32 dev_id, __u32 access, __u64 iova, void *buf,
	       __u64 len, __u64 *done, int *fault);
int pt_dev_faults(int fd, __u32 dev_id, struct ptlab_fault *f, __u32 max,
		  int *count, int *overflow);
long long pt_iotlb_stat(__u32 dev_id, const char *name);
size_t cmd_struct_size(unsigned long cmd);
size_t cmd_first_size(unsigned long cmd);

/* what the kernel says independently */
long status_kb(const char *key);
long meminfo_kb(const char *key);
long vmpin_kb(void);
long secpt_kb(void);
int module_refcount(void);
bool pa_is_ram(__u64 pa);
int devmem_read(__u64 pa, void *buf);
int pagemap_pas(const void *va, size_t n, __u64 *pas);

/* debugfs */
void debugfs_path(char *path, size_t len, __u32 id, const char *file);
bool debugfs_has_dir(__u32 id);
int debugfs_nr_dirs(void);
long long debugfs_table_pages(__u32 id);

/* debugfs <id>/flushes: IOTLB flushes issued */
struct flushes {
	long long all;
	long long range;
	__u64 start;
	__u64 end;
	__u64 granule;
	long long table_pages;
};

int flushes_parse(const char *text, struct flushes *fl);
int debugfs_format(__u32 id, char *fmt, size_t len);
int set_fail_nth(int n);
int get_fail_nth(void);
void prot_str(__u32 prot, char str[7]);
void size_str(__u64 size, char str[24]);

/* memory */
int buf_alloc(struct buf *b, size_t len, bool huge);
void buf_free(struct buf *b);
__u64 bytes_pages(__u64 bytes);
bool pas_contiguous(const __u64 *pas, size_t i, size_t n);
bool is_huge_backed(const void *p);

/* geometry */
void geom_init(struct geom *g, const struct ptlab_info *info);
unsigned int levels_for_ias(unsigned int ias);
unsigned int geom_level(const struct geom *g, __u64 size);
bool geom_gmmu(const struct geom *g);
bool geom_gmmu_mixed(const struct geom *g);
unsigned int geom_walk_words(const struct geom *g, unsigned int lvl,
			     __u64 size);
__u64 geom_gran(const struct geom *g);
int geom_sizes(const struct geom *g, __u64 *sizes);
__u64 geom_min_pgsize(const struct geom *g);
__u64 geom_largest_upto(const struct geom *g, __u64 max_last);

/* the model */
int model_add_run(struct model *m, __u64 iova, __u64 pa, __u64 len,
		  __u32 prot, __u32 kind, __u64 sizes);
int model_add(struct model *m, __u64 iova, const void *uptr, __u64 len,
	      __u32 prot, __u64 forced);
int model_add_phys(struct model *m, __u64 iova, __u64 pa, __u64 len,
		   __u32 prot, __u64 forced, __u32 kind);
bool model_overlaps(const struct model *m, __u64 iova, __u64 len);
void model_table_range(const struct model *m, __u64 *min, __u64 *max);
long model_find(const struct model *m, __u64 iova);
void model_remove(struct model *m, __u64 iova, __u64 len);
__u64 model_bytes(const struct model *m);
__u64 model_pinned_bytes(const struct model *m);
__u64 model_table_pages(const struct model *m);
int model_unmap_expect(const struct model *m, __u64 iova, __u64 len,
		       __u64 *bytes);
size_t model_runs(const struct model *m, struct run *runs, bool by_pgsize);
size_t model_count_size(const struct model *m, __u64 size);

/* checks */
void check_walk(struct __test_metadata *_metadata, const struct space *s,
		const struct leaf *lf, __u64 iova);
void check_unmapped(struct __test_metadata *_metadata, const struct space *s,
		    __u64 iova);
void check_dump(struct __test_metadata *_metadata, const struct space *s);
void check_space(struct __test_metadata *_metadata, const struct space *s);
void check_counters(struct __test_metadata *_metadata,
		    const struct baseline *b, __u64 pinned, __u64 table_pages);
void check_all(struct __test_metadata *_metadata, const struct baseline *b,
	       const struct space *s);
void check_gone(struct __test_metadata *_metadata, const struct baseline *b,
		__u32 id);
void check_pages_pagemap(struct __test_metadata *_metadata,
			 const struct space *s, __u64 iova, const void *uptr,
			 __u64 len);
void check_size_rules(struct __test_metadata *_metadata, int fd,
		      unsigned long cmd, void *arg);

/* set-up */
void take_baseline(struct __test_metadata *_metadata, struct baseline *b);
int ptlab_open(struct __test_metadata *_metadata);
void space_create(struct __test_metadata *_metadata, struct space *s, int fd,
		  __u32 ias, __u64 pgsizes);
void space_set_info(struct space *s, const struct ptlab_info *info);
void space_open(struct __test_metadata *_metadata, struct space *s,
		__u32 ias, __u64 pgsizes);
void space_close(struct space *s);
void alloc_or_die(struct __test_metadata *_metadata, struct buf *b,
		  size_t len, bool huge);
void map_ok_req(struct __test_metadata *_metadata, struct space *s,
		struct ptlab_map_user *req);
void map_ok(struct __test_metadata *_metadata, struct space *s, __u64 iova,
	    const void *uptr, __u64 len, __u32 prot);
void map_fails(struct __test_metadata *_metadata, const struct baseline *b,
	       struct space *s, struct ptlab_map_user *req, int err,
	       const char *what);
void unmap_check(struct __test_metadata *_metadata, const struct baseline *b,
		 struct space *s, __u64 iova, __u64 len);

int leaf_cmp(const void *a, const void *b);
int model_push(struct model *m, const struct leaf *lf);
int drop_cap(int cap);
int become_nobody(void);

/* snapshots: the test's own ELF parser and the checks of a core */
/* A snapshot's headers and the PTLAB note, parsed by the test. */
struct core {
	const unsigned char *data;
	size_t len;
	const struct elf64_hdr *eh;
	const struct elf64_phdr *ph;
	size_t phnum;
	size_t hdr_end;		/* end of headers and notes */
	struct ptlab_snapshot_note note;
	const unsigned char *note_raw;
};

/* Where each page of the test's buffers is, to find RAM contents by PA. */
struct pa_map {
	__u64 *pa;
	const char **va;
	size_t nr;
};

void parse_core(struct __test_metadata *_metadata,
		const unsigned char *data, size_t len, struct core *c);
void check_core_note(struct __test_metadata *_metadata,
		     const struct core *c, const struct space *s);
void pa_map_add(struct __test_metadata *_metadata, struct pa_map *pm,
		const struct buf *b);
const char *pa_lookup(const struct pa_map *pm, __u64 pa);
void pa_map_free(struct pa_map *pm);
__u32 pflags(__u32 prot);
void check_core_loads(struct __test_metadata *_metadata,
		      const struct core *c, const struct space *s,
		      const struct pa_map *pm);
void check_core(struct __test_metadata *_metadata,
		const unsigned char *data, size_t len,
		const struct space *s, const struct pa_map *pm);
int pt_snapshot(int fd, __u32 id, int out, __u32 flags, __u64 *bytes);
unsigned char *snapshot_ioctl(struct __test_metadata *_metadata,
			      const struct space *s, int out, size_t *len);
unsigned char *snapshot_debugfs(struct __test_metadata *_metadata, __u32 id,
				size_t chunk, size_t *len);

/* fdinfo */
struct fdinfo_space {
	__u32 id;
	char fmt[32];
	long long table_pages;
	long long mapped_bytes;
};

int fdinfo_parse(const char *text, struct fdinfo_space *sp, int max, int *nr);
int read_fdinfo(int fd, struct fdinfo_space *sp, int max, int *nr);

/* /proc/iomem, capabilities, small files, physical mappings */
struct res {
	unsigned long long start, end;
	int depth;
	char name[48];
};

/* /proc/iomem as root sees it, in file order. */
struct iomem {
	struct res r[256];
	int nr;
};

const struct iomem *iomem_get(void);
bool res_is_ram(const struct res *r);
bool iomem_ram_in(const struct iomem *io, __u64 start, __u64 end);
bool iomem_find_mmio(const struct iomem *io, __u64 size, __u64 *pa);
bool iomem_find_mixed(const struct iomem *io, __u64 *pa);
bool iomem_find_partial(const struct iomem *io, __u64 *pa);
bool iomem_find_named(const struct iomem *io, const char *name,
		      __u64 *pa);
int iomem_find_hole(const struct iomem *io, unsigned int oas, __u64 align,
		    __u64 len, __u64 lead, __u64 *pa);
__u64 iomem_ram_top(const struct iomem *io);
int cap_effective(int cap);
long read_param(const char *path);
int write_param(const char *path, long val);
unsigned char *read_fd(int fd, size_t chunk, size_t *len);
unsigned char *read_path(const char *path, size_t chunk, size_t *len);
void fill_unique(struct buf *b);
bool find_adjacent(const __u64 *pas, size_t n, __u64 size, size_t *lo,
		   size_t *hi);
void phys_ok(struct __test_metadata *_metadata, struct space *s,
	     __u64 iova, __u64 pa, __u64 len, __u32 prot, __u64 pgsize,
		    __u32 kind);
void phys_fails(struct __test_metadata *_metadata,
		const struct baseline *b, struct space *s,
		       struct ptlab_map_phys *req, int err, const char *what);

/* the simulated firmware: debugfs ptlab/firmware */
#define FW_FILE			PTLAB_DEBUGFS "/firmware"
#define FW_MAX			16	/* instances the firmware keeps */

/* One line of `cat firmware`. */
struct fw_inst {
	__u32 id;
	char format[32];
	__u64 root;
	__u32 crc;
	__u32 users;
	__u32 nr;
	struct ptlab_range r[PTLAB_MAX_FW_RANGES];
};

int fw_cmd(const char *fmt, ...);
int parse_ranges(const char *s, struct fw_inst *f);
int fw_list(struct fw_inst *f, int max);
int fw_get(__u32 id, struct fw_inst *out);

#endif /* PTLAB_LIB_H */
