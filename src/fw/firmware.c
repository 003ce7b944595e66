// SPDX-License-Identifier: GPL-2.0
/*
 * A simulated firmware that pre-allocates a top-level table, maps its own
 * ranges with its own tables and data pages, and publishes the table's
 * physical address, as a bootloader does in a device tree. Address spaces
 * can then adopt the table (PTLAB_CREATE_ADOPT) and must leave everything
 * the firmware made as it was.
 *
 * Driven from debugfs ptlab/firmware (root only):
 *   echo "create FORMAT IOVA:LEN[,IOVA:LEN...]" > firmware
 *   echo "destroy ID" > firmware
 *   cat firmware    # one line per instance: id, format, root, crc, ranges
 * The crc covers every firmware table, so tests can see it is intact.
 *
 * The firmware's memory is its own: plain pages, not accounted as ptlab's
 * secondary page tables, recorded in its own list.
 */
#include <linux/crc32.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "common/fail.h"
#include "fmt/pt_formats.h"
#include "fw/fw.h"

/* Bounds the memory a debugfs write can make the firmware allocate. */
#define PTLAB_FW_MAX_BYTES	(16UL << 20)
#define PTLAB_FW_MAX		16

struct ptlab_fw_page {
	void *va;
	unsigned int order;
	bool table;
};

/**
 * struct ptlab_fw - one simulated firmware instance
 * @id: its number in debugfs
 * @pt: its page-table tree
 * @pages: every page it allocated, tables and data
 * @nr_pages: entries used in @pages
 * @max_pages: entries allocated in @pages
 * @ranges: IOVA ranges it populated
 * @nr_ranges: entries in @ranges
 * @users: address spaces that adopted it; destroy waits for none
 */
struct ptlab_fw {
	u32 id;
	struct pt_space pt;
	struct ptlab_fw_page *pages;
	unsigned int nr_pages;
	unsigned int max_pages;
	struct pt_extent ranges[PTLAB_MAX_FW_RANGES];
	unsigned int nr_ranges;
	unsigned int users;
};

static DEFINE_MUTEX(ptlab_fw_lock);
static struct ptlab_fw *ptlab_fws[PTLAB_FW_MAX];

static void *ptlab_fw_page(struct ptlab_fw *fw, size_t bytes, bool table)
{
	unsigned int order = get_order(bytes);
	void *va;

	if (fw->nr_pages == fw->max_pages)
		return NULL;
	if (ptlab_should_fail())
		return NULL;
	va = (void *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, order);
	if (!va)
		return NULL;
	fw->pages[fw->nr_pages++] = (struct ptlab_fw_page){ va, order, table };
	return va;
}

static void *ptlab_fw_table_alloc(void *cookie, size_t bytes)
{
	return ptlab_fw_page(cookie, bytes, true);
}

/* The firmware frees nothing before it is destroyed. */
static void ptlab_fw_table_keep(void *cookie, void *table, size_t bytes)
{
}

static void ptlab_fw_retire_keep(struct pt_gather *gather, void *table,
				 size_t bytes)
{
}

static void ptlab_fw_run_keep(struct pt_gather *gather,
			      const struct pt_run *run)
{
}

static const struct pt_table_ops ptlab_fw_ops = {
	.alloc = ptlab_fw_table_alloc,
	.free = ptlab_fw_table_keep,
	.retire = ptlab_fw_retire_keep,
	.removed = ptlab_fw_run_keep,
};

static void ptlab_fw_free(struct ptlab_fw *fw)
{
	unsigned int i;

	for (i = 0; i < fw->nr_pages; i++)
		free_pages((unsigned long)fw->pages[i].va, fw->pages[i].order);
	kvfree(fw->pages);
	kfree(fw);
}

static u32 ptlab_fw_crc(struct ptlab_fw *fw)
{
	u32 crc = ~0U;
	unsigned int i;

	for (i = 0; i < fw->nr_pages; i++)
		if (fw->pages[i].table)
			crc = crc32_le(crc, fw->pages[i].va,
				       PAGE_SIZE << fw->pages[i].order);
	return ~crc;
}

/* Fill a data page with its own IOVA, so snapshots can be checked. */
static void ptlab_fw_fill(u64 *data, u64 bytes, u64 iova)
{
	u64 i;

	for (i = 0; i < bytes / sizeof(*data); i++)
		data[i] = iova + i * sizeof(*data);
}

/* The data page: the format's smallest page, a CPU page at least. */
static u64 ptlab_fw_data_size(const struct ptlab_fw *fw)
{
	u64 sizes = fw->pt.cfg.pgsize_bitmap;

	return max_t(u64, sizes & -sizes, PAGE_SIZE);
}

static int ptlab_fw_populate(struct ptlab_fw *fw)
{
	u64 size = ptlab_fw_data_size(fw), off, mapped;
	unsigned int r;
	int ret;

	for (r = 0; r < fw->nr_ranges; r++) {
		const struct pt_extent *range = &fw->ranges[r];

		for (off = 0; off < range->length; off += size) {
			void *data = ptlab_fw_page(fw, size, false);

			if (!data)
				return -ENOMEM;
			ptlab_fw_fill(data, size, range->iova + off);
			ret = pt_map(&fw->pt, range->iova + off,
				     virt_to_phys(data), size,
				     (PT_PROT_READ | PT_PROT_WRITE | PT_PROT_CACHE) &
				     fw->pt.cfg.prot_mask, size, NULL, &mapped);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int ptlab_fw_parse_ranges(struct ptlab_fw *fw, char *list)
{
	u64 total = 0;
	char *item;

	while ((item = strsep(&list, ","))) {
		struct pt_extent *range = &fw->ranges[fw->nr_ranges];
		char *len = strchr(item, ':');

		if (!len || fw->nr_ranges == PTLAB_MAX_FW_RANGES)
			return -EINVAL;
		*len++ = '\0';
		if (kstrtou64(item, 0, &range->iova) ||
		    kstrtou64(len, 0, &range->length))
			return -EINVAL;
		if (!range->length ||
		    (range->iova | range->length) & (ptlab_fw_data_size(fw) - 1) ||
		    pt_check_range(&fw->pt.cfg, range->iova, range->length,
				   ptlab_fw_data_size(fw)))
			return -EINVAL;
		total += range->length;
		if (total > PTLAB_FW_MAX_BYTES)
			return -E2BIG;
		fw->nr_ranges++;
	}
	return fw->nr_ranges ? 0 : -EINVAL;
}

static int ptlab_fw_create(const char *format, char *ranges)
{
	struct pt_params params = {};
	const struct pt_format *fmt;
	struct ptlab_fw *fw;
	unsigned int slot;
	u64 total = 0;
	int ret, i;

	fmt = pt_format_by_name(format);
	if (!fmt)
		return -EOPNOTSUPP;
	for (slot = 0; slot < PTLAB_FW_MAX && ptlab_fws[slot]; slot++)
		;
	if (slot == PTLAB_FW_MAX)
		return -ENOSPC;
	fw = ptlab_should_fail() ? NULL : kzalloc(sizeof(*fw), GFP_KERNEL);
	if (!fw)
		return -ENOMEM;
	fw->id = slot + 1;
	ret = pt_cfg_init(&fw->pt.cfg, fmt, &params);
	if (!ret)
		ret = ptlab_fw_parse_ranges(fw, ranges);
	if (ret)
		goto err;
	for (i = 0; i < fw->nr_ranges; i++)
		total += div64_u64(fw->ranges[i].length, ptlab_fw_data_size(fw));
	/* Data pages, plus at most one table per level per data page. */
	fw->max_pages = total * (fw->pt.cfg.levels + 1) + 1;
	fw->pages = ptlab_should_fail() ? NULL :
		    kvcalloc(fw->max_pages, sizeof(*fw->pages), GFP_KERNEL);
	ret = -ENOMEM;
	if (!fw->pages)
		goto err;
	ret = pt_space_init(&fw->pt, &fw->pt.cfg, &ptlab_fw_ops, fw);
	if (!ret)
		ret = ptlab_fw_populate(fw);
	if (ret)
		goto err;
	ptlab_fws[slot] = fw;
	return 0;
err:
	ptlab_fw_free(fw);
	return ret;
}

static int ptlab_fw_destroy(u32 id)
{
	struct ptlab_fw *fw;

	if (!id || id > PTLAB_FW_MAX || !ptlab_fws[id - 1])
		return -ENOENT;
	fw = ptlab_fws[id - 1];
	if (fw->users)
		return -EBUSY;
	ptlab_fws[id - 1] = NULL;
	ptlab_fw_free(fw);
	return 0;
}

/**
 * ptlab_fw_adopt() - take a reference on the firmware that published a root
 * @root_pa: physical address of the top-level table
 * @cfg: the geometry the adopting address space asks for
 * @ranges: IOVA ranges the adopter was told the firmware owns
 * @nr_ranges: entries in @ranges
 * @owned: receives the ranges the firmware populated
 * @nr_owned: receives their number
 *
 * Return: an opaque handle for ptlab_fw_release(), or an ERR_PTR: -ENOENT
 * if no firmware published @root_pa, -EINVAL if the geometry differs or
 * @ranges miss part of what the firmware populated, -EBUSY if another
 * address space builds on the table already.
 */
void *ptlab_fw_adopt(phys_addr_t root_pa, const struct pt_cfg *cfg,
		     const struct pt_extent *ranges, unsigned int nr_ranges,
		     struct pt_extent *owned, unsigned int *nr_owned)
{
	struct ptlab_fw *fw = NULL;
	unsigned int i, j;

	mutex_lock(&ptlab_fw_lock);
	for (i = 0; i < PTLAB_FW_MAX && !fw; i++)
		if (ptlab_fws[i] && pt_root_pa(&ptlab_fws[i]->pt) == root_pa)
			fw = ptlab_fws[i];
	if (!fw) {
		fw = ERR_PTR(-ENOENT);
		goto out;
	}
	/* One driver owns the hardware's table: two would see each other. */
	if (fw->users) {
		fw = ERR_PTR(-EBUSY);
		goto out;
	}
	/*
	 * The same tables level by level: one granule may still lay them out
	 * otherwise (NVIDIA GMMU's small half and its pairs of tables).
	 */
	if (fw->pt.cfg.fmt != cfg->fmt || fw->pt.cfg.ias != cfg->ias ||
	    fw->pt.cfg.oas != cfg->oas ||
	    fw->pt.cfg.granule_shift != cfg->granule_shift ||
	    fw->pt.cfg.quirks != cfg->quirks ||
	    fw->pt.cfg.levels != cfg->levels ||
	    memcmp(fw->pt.cfg.lvl, cfg->lvl, sizeof(cfg->lvl))) {
		fw = ERR_PTR(-EINVAL);
		goto out;
	}
	for (i = 0; i < fw->nr_ranges; i++) {
		const struct pt_extent *own = &fw->ranges[i];

		for (j = 0; j < nr_ranges; j++)
			if (ranges[j].iova <= own->iova &&
			    own->iova + own->length <=
			    ranges[j].iova + ranges[j].length)
				break;
		if (j == nr_ranges) {
			fw = ERR_PTR(-EINVAL);
			goto out;
		}
	}
	fw->users++;
	memcpy(owned, fw->ranges, sizeof(fw->ranges));
	*nr_owned = fw->nr_ranges;
out:
	mutex_unlock(&ptlab_fw_lock);
	return fw;
}

/**
 * ptlab_fw_release() - drop a reference from ptlab_fw_adopt()
 * @handle: what it returned
 */
void ptlab_fw_release(void *handle)
{
	struct ptlab_fw *fw = handle;

	mutex_lock(&ptlab_fw_lock);
	fw->users--;
	mutex_unlock(&ptlab_fw_lock);
}

static ssize_t ptlab_fw_write(struct file *file, const char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	char buf[256], *args, *cmd;
	u32 id;
	int ret;

	if (len >= sizeof(buf))
		return -E2BIG;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	args = strim(buf);
	cmd = strsep(&args, " ");
	args = args ? skip_spaces(args) : NULL;

	mutex_lock(&ptlab_fw_lock);
	if (!strcmp(cmd, "create") && args) {
		char *format = strsep(&args, " ");

		ret = args ? ptlab_fw_create(format, strim(args)) : -EINVAL;
	} else if (!strcmp(cmd, "destroy") && args && !kstrtou32(args, 0, &id)) {
		ret = ptlab_fw_destroy(id);
	} else {
		ret = -EINVAL;
	}
	mutex_unlock(&ptlab_fw_lock);
	return ret ? ret : len;
}

static int ptlab_fw_show(struct seq_file *m, void *unused)
{
	unsigned int i, r;

	mutex_lock(&ptlab_fw_lock);
	for (i = 0; i < PTLAB_FW_MAX; i++) {
		struct ptlab_fw *fw = ptlab_fws[i];

		if (!fw)
			continue;
		seq_printf(m, "%u %s root 0x%llx crc 0x%08x users %u ranges",
			   fw->id, fw->pt.cfg.fmt->name, pt_root_pa(&fw->pt),
			   ptlab_fw_crc(fw), fw->users);
		for (r = 0; r < fw->nr_ranges; r++)
			seq_printf(m, "%c0x%llx:0x%llx", r ? ',' : ' ',
				   fw->ranges[r].iova, fw->ranges[r].length);
		seq_putc(m, '\n');
	}
	mutex_unlock(&ptlab_fw_lock);
	return 0;
}

static int ptlab_fw_open(struct inode *inode, struct file *file)
{
	return single_open(file, ptlab_fw_show, NULL);
}

const struct file_operations ptlab_fw_fops = {
	.owner = THIS_MODULE,
	.open = ptlab_fw_open,
	.read = seq_read,
	.write = ptlab_fw_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/**
 * ptlab_fw_exit() - free every firmware instance at module exit
 *
 * No address space exists any more, so none has adopted one.
 */
void ptlab_fw_exit(void)
{
	unsigned int i;

	for (i = 0; i < PTLAB_FW_MAX; i++)
		if (ptlab_fws[i])
			ptlab_fw_free(ptlab_fws[i]);
}
