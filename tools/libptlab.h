/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libptlab: a small userspace library for /dev/ptlab.
 *
 * Every function that can fail returns 0 (or a file descriptor) on success
 * and a negative errno value on failure, never -1 with errno set: callers
 * (ptctl, the selftests, programs prototyping a driver) can pass the value on
 * unchanged or print it with strerror(-err).
 *
 * Failures that depend on the system rather than on the caller (no module,
 * no privilege, no debugfs) also fill a one-line explanation when the caller
 * passes a buffer, because the errno alone does not tell a user what to do.
 */
#ifndef _LIBPTLAB_H
#define _LIBPTLAB_H

#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>
#include <linux/ptlab.h>

#define PTLAB_DEV_PATH		"/dev/ptlab"
#define PTLAB_MODULE_NAME	"ptlab"
#define PTLAB_DEBUGFS_ROOT	"/sys/kernel/debug"
#define PTLAB_DEBUGFS_DIR	PTLAB_DEBUGFS_ROOT "/ptlab"

/* ptlab_open() flags */
#define PTLAB_OPEN_NO_LOAD	0x1	/* fail rather than load the module */

/* How long ptlab_load_module() waits for udev or devtmpfs to add the node. */
#define PTLAB_DEV_WAIT_MS	3000

/* Buffer sizes for the formatting helpers, terminating NUL included. */
#define PTLAB_PROT_STRLEN	24	/* "rwxpcm" and "+0x" with 8 hex digits */
#define PTLAB_SIZE_STRLEN	24	/* "4K", "1G", or up to 20 decimal digits */
#define PTLAB_WHY_LEN		512	/* explanations from open/load/debugfs */

/* Device and module */
int ptlab_open(unsigned int flags, char *why, size_t why_len);
int ptlab_load_module(char *why, size_t why_len);

/* One wrapper per ioctl; each fills in the size field itself. */
void ptlab_create_init(struct ptlab_create *create);
int ptlab_create(int fd, struct ptlab_create *create);
int ptlab_destroy(int fd, __u32 id);
int ptlab_info(int fd, __u32 id, struct ptlab_info *info);
int ptlab_map_user(int fd, struct ptlab_map_user *map);
int ptlab_map_phys(int fd, struct ptlab_map_phys *map);
int ptlab_snapshot(int fd, __u32 id, int out_fd, __u64 *bytes);
int ptlab_unmap(int fd, __u32 id, __u64 iova, __u64 length, __u64 *unmapped);
int ptlab_walk(int fd, __u32 id, __u64 iova, struct ptlab_walk *walk);
int ptlab_dev_create(int fd, __u32 id, __u32 flags, __u32 iotlb_entries, __u32 *dev_id);
int ptlab_dev_destroy(int fd, __u32 dev_id);
int ptlab_dev_dma(int fd, struct ptlab_dev_dma *dma);
int ptlab_dev_faults(int fd, __u32 dev_id, struct ptlab_fault *records, __u32 max,
		     __u32 *count, __u32 *overflow);
const char *ptlab_fault_name(__u32 kind);
int ptlab_read_dirty(int fd, __u32 id, __u32 flags, __u64 iova, __u64 length,
		     __u64 page_size, __u64 *bitmap, __u64 bitmap_bytes, __u64 *dirty);

/* Memory to map: anonymous, aligned, hinted for THP and faulted in. */
int ptlab_alloc_buffer(size_t size, size_t align, void **bufp);
void ptlab_free_buffer(void *buf, size_t size);

/* debugfs: copy /sys/kernel/debug/ptlab/<id>/<name> verbatim to @out. */
int ptlab_debugfs_copy(__u32 id, const char *name, FILE *out, char *why, size_t why_len);
/* The same for a device's /sys/kernel/debug/ptlab/dev<id>/<name>. */
int ptlab_dev_debugfs_copy(__u32 dev_id, const char *name, FILE *out, char *why,
			   size_t why_len);

/* Text forms: protections "rw--c-", sizes "4K", page-size sets "4K,2M,1G". */
int ptlab_prot_parse(const char *str, __u32 *prot);
char *ptlab_prot_format(__u32 prot, char *buf, size_t len);
int ptlab_parse_u64(const char *str, __u64 *val);
char *ptlab_size_format(__u64 size, char *buf, size_t len);
int ptlab_pgsizes_parse(const char *str, __u64 *bitmap);
char *ptlab_pgsizes_format(__u64 bitmap, char *buf, size_t len);
int ptlab_format_parse(const char *str, __u32 *format);
const char *ptlab_format_name(__u32 format);
const char *ptlab_format_what(__u32 format);
const char *ptlab_format_reg_name(__u32 format, unsigned int reg);
const char *ptlab_info_reg_name(const struct ptlab_info *info, unsigned int reg);
int ptlab_create_flag_parse(const char *name, __u32 *flag);
char *ptlab_create_flags_format(__u32 flags, char *buf, size_t len);
__u32 ptlab_format_at(size_t i);
char *ptlab_walk_word_name(__u32 format, unsigned int levels,
			   const struct ptlab_walk *walk, unsigned int i,
			   char *buf, size_t len);
char *ptlab_level_name(__u32 format, unsigned int levels, unsigned int level,
		       char *buf, size_t len);

#endif /* _LIBPTLAB_H */
