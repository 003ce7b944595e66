// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: /sys/kernel/debug/ptlab/<id>/ for each address space, with a text
 * dump of its mappings, and the fault-injection knob at the top.
 *
 * Files are created with debugfs_create_file(), whose removal waits for
 * readers inside a callback and fails later ones, so an address space is
 * freed only after its directory is gone (see ptlab_as_release()). An open
 * snapshot file keeps its address space frozen, not alive.
 *
 * As in /proc/PID/pagemap, physical addresses read as zero for a reader
 * that opened the file without CAP_SYS_ADMIN.
 */
#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "common/fail.h"
#include "iface/debugfs.h"
#include "iface/snapshot.h"

struct dentry *ptlab_debugfs_root;

static void ptlab_prot_str(u32 prot, char str[7])
{
	static const char letters[] = "rwxpcm";
	unsigned int i;

	for (i = 0; i < 6; i++)
		str[i] = prot & BIT(i) ? letters[i] : '-';
	str[6] = '\0';
}

static void ptlab_size_str(u64 size, char *str, size_t len)
{
	static const char units[] = "KMGTP";
	unsigned int unit = 0;

	size >>= 10;
	while (size >= 1024 && !(size & 1023) && unit < sizeof(units) - 2) {
		size >>= 10;
		unit++;
	}
	snprintf(str, len, "%llu%c", size, units[unit]);
}

struct ptlab_dump_state {
	struct ptlab_span_walker walker;
	struct seq_file *m;
	bool show_pa;
};

static bool ptlab_file_shows_pa(const struct file *file)
{
	return file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN);
}

static int ptlab_dump_span(struct ptlab_span_walker *walker,
			   const struct ptlab_span *span)
{
	struct ptlab_dump_state *st =
		container_of(walker, struct ptlab_dump_state, walker);
	char prot[7], pgsize[24];

	ptlab_prot_str(span->prot, prot);
	ptlab_size_str(span->pgsize, pgsize, sizeof(pgsize));
	seq_printf(st->m, "0x%016llx-0x%016llx 0x%llx 0x%016llx %s %s%s\n",
		   span->iova, span->iova + span->size - 1, span->size,
		   st->show_pa ? span->pa : 0, prot, pgsize,
		   span->kind == PTLAB_PHYS_RAM ? " phys-ram" :
		   span->kind == PTLAB_PHYS_MMIO ? " phys-mmio" :
		   span->kind == PTLAB_KIND_FIRMWARE ? " firmware" : "");
	return 0;
}

static int ptlab_mappings_show(struct seq_file *m, void *unused)
{
	struct ptlab_as *as = m->private;
	const struct pt_cfg *cfg = &as->pt.cfg;
	bool show_pa = ptlab_file_shows_pa(m->file);
	struct ptlab_dump_state st = {
		.walker.span = ptlab_dump_span,
		.walker.by_pgsize = true,
		.walker.by_iova = !show_pa,
		.m = m,
		.show_pa = show_pa,
	};
	struct pt_hw_regs regs;
	char granule[24];
	u64 root_pa;

	ptlab_size_str(1ULL << cfg->granule_shift, granule, sizeof(granule));
	ptlab_as_regs(as, st.show_pa, &root_pa, &regs);
	seq_printf(m, "# ptlab address space %u: %s granule %s ias %u oas %u levels %u root 0x%llx\n",
		   as->id, cfg->fmt->name, granule, cfg->ias, cfg->oas,
		   cfg->levels, root_pa);
	seq_puts(m, "# iova_first-iova_last size pa prot pgsize [phys-ram|phys-mmio|firmware]\n");
	return ptlab_as_spans(as, 0, &st.walker);
}
DEFINE_SHOW_ATTRIBUTE(ptlab_mappings);

/*
 * regs: the three values of PTLAB_IOCTL_INFO under the names the format's
 * driver uses (the views of struct ptlab_info in the uapi), one per line;
 * a format without names here shows the uapi's own.
 */
static const char *const ptlab_reg_names[][3] = {
	[PTLAB_FMT_ARM64_LPAE_S1] = { "ttbr0", "tcr", "mair" },
	[PTLAB_FMT_ARM64_LPAE_S2] = { "vttbr", "vtcr", NULL },
	[PTLAB_FMT_ARM_MALI_LPAE] = { "transtab", NULL, "memattr" },
	[PTLAB_FMT_ARM_V7S] = { "ttbr0", "ttbcr", "prrr_nmrr" },
	[PTLAB_FMT_X86_64] = { "cr3", "paging_mode", NULL },
	[PTLAB_FMT_VTD_SS] = { "slptptr", "aw", NULL },
	[PTLAB_FMT_AMD_V1] = { "dte_root", "dte_mode", NULL },
	[PTLAB_FMT_RISCV] = { "iosatp", "mode", NULL },
	[PTLAB_FMT_APPLE_DART] = { "ttbr", "tcr", NULL },
	[PTLAB_FMT_APPLE_UAT] = { "ttb", NULL, NULL },
};

static int ptlab_regs_show(struct seq_file *m, void *unused)
{
	static const char *const uapi_names[3] = { "ttbr", "tcr", "mair" };
	struct ptlab_as *as = m->private;
	unsigned int id = as->pt.cfg.fmt->id, i;
	const char *const *names = uapi_names;
	struct pt_hw_regs regs;
	u64 root_pa, val[3];

	if (id < ARRAY_SIZE(ptlab_reg_names) && ptlab_reg_names[id][0])
		names = ptlab_reg_names[id];
	ptlab_as_regs(as, ptlab_file_shows_pa(m->file), &root_pa, &regs);
	val[0] = regs.ttbr;
	val[1] = regs.tcr;
	val[2] = regs.mair;
	for (i = 0; i < 3; i++)
		if (names[i])
			seq_printf(m, "%s 0x%016llx\n", names[i], val[i]);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ptlab_regs);

static int ptlab_table_pages_show(struct seq_file *m, void *unused)
{
	struct ptlab_as *as = m->private;

	seq_printf(m, "%ld\n", atomic_long_read(&as->table_pages));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ptlab_table_pages);

static int ptlab_flushes_show(struct seq_file *m, void *unused)
{
	struct ptlab_as *as = m->private;
	struct ptlab_flush_stats *stats = &as->flushes;
	u64 start, end, granule;

	spin_lock(&stats->lock);
	start = stats->last_start;
	end = stats->last_end;
	granule = stats->last_granule;
	spin_unlock(&stats->lock);
	seq_printf(m, "all %lld\nrange %lld\nlast_range 0x%llx-0x%llx granule 0x%llx\ntable_pages %lld\n",
		   atomic64_read(&stats->all), atomic64_read(&stats->range),
		   start, end, granule, atomic64_read(&stats->table_pages));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ptlab_flushes);

/*
 * entries: one line per leaf, its first IOVA, its size and the raw entry of
 * every level on its path, root first (the layout of Intel's VT-d debugfs
 * domain_translation_struct). Generated a leaf at a time as it is read, so
 * that spaces of millions of entries stream; it is not one moment (maps and
 * unmaps go on between two leaves).
 */
struct ptlab_entries_state {
	struct ptlab_as *as;
	bool show_pa;
	bool done;
	u64 next;		/* where the search for the next leaf starts */
	struct pt_walk_result res;
};

/* The leaf at or after @st->next, or NULL at the end. */
static void *ptlab_entries_find(struct ptlab_entries_state *st)
{
	int ret;

	if (st->done)
		return NULL;
	ret = ptlab_as_next_leaf(st->as, st->next, st->show_pa, &st->res);
	if (ret) {
		st->done = true;
		return ret == -ENOENT ? NULL : ERR_PTR(ret);
	}
	return st;
}

static void *ptlab_entries_start(struct seq_file *m, loff_t *pos)
{
	struct ptlab_entries_state *st = m->private;

	if (!*pos) {
		st->next = 0;
		st->done = false;
		seq_puts(m, "# iova pgsize entries, root first\n");
	}
	return ptlab_entries_find(st);
}

static void *ptlab_entries_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct ptlab_entries_state *st = m->private;
	const struct pt_leaf *leaf = &st->res.leaf;

	++*pos;
	st->next = leaf->iova + leaf->size;
	/* The last leaf of a 64-bit space. */
	if (!st->next)
		st->done = true;
	return ptlab_entries_find(st);
}

static void ptlab_entries_stop(struct seq_file *m, void *v)
{
}

static int ptlab_entries_show(struct seq_file *m, void *v)
{
	struct ptlab_entries_state *st = v;
	unsigned int i;

	seq_printf(m, "0x%016llx 0x%llx", st->res.leaf.iova, st->res.leaf.size);
	for (i = 0; i < st->res.nr_entries; i++)
		seq_printf(m, " 0x%016llx", st->res.entries[i]);
	seq_putc(m, '\n');
	return 0;
}

static const struct seq_operations ptlab_entries_sops = {
	.start = ptlab_entries_start,
	.next = ptlab_entries_next,
	.stop = ptlab_entries_stop,
	.show = ptlab_entries_show,
};

static int ptlab_entries_open(struct inode *inode, struct file *file)
{
	struct ptlab_entries_state *st;

	st = __seq_open_private(file, &ptlab_entries_sops, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->as = inode->i_private;
	st->show_pa = ptlab_file_shows_pa(file);
	return 0;
}

static const struct file_operations ptlab_entries_fops = {
	.owner = THIS_MODULE,
	.open = ptlab_entries_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = seq_release_private,
};

/*
 * The core of one moment: the address space stays frozen while the file is
 * open, or until it is destroyed, after which reads fail (-EIO).
 */
static int ptlab_snapshot_file_open(struct inode *inode, struct file *file)
{
	struct ptlab_snap *snap;

	snap = ptlab_snapshot_open(inode->i_private, ptlab_file_shows_pa(file));
	if (IS_ERR(snap))
		return PTR_ERR(snap);
	file->private_data = snap;
	return 0;
}

static ssize_t ptlab_snapshot_file_read(struct file *file, char __user *buf,
					size_t len, loff_t *ppos)
{
	return ptlab_snapshot_read(file->private_data, buf, len, ppos);
}

static int ptlab_snapshot_file_release(struct inode *inode, struct file *file)
{
	ptlab_snapshot_close(file->private_data);
	return 0;
}

static const struct file_operations ptlab_snapshot_fops = {
	.owner = THIS_MODULE,
	.open = ptlab_snapshot_file_open,
	.read = ptlab_snapshot_file_read,
	.release = ptlab_snapshot_file_release,
	.llseek = default_llseek,
};

/**
 * ptlab_debugfs_add_as() - create the debugfs directory of an address space
 * @as: the address space; ptlab_as_release() removes the directory
 *
 * debugfs is best effort: failures leave the address space working.
 */
void ptlab_debugfs_add_as(struct ptlab_as *as)
{
	char name[16];

	snprintf(name, sizeof(name), "%u", as->id);
	as->dir = debugfs_create_dir(name, ptlab_debugfs_root);
	debugfs_create_file("mappings", 0400, as->dir, as, &ptlab_mappings_fops);
	debugfs_create_file("table_pages", 0400, as->dir, as,
			    &ptlab_table_pages_fops);
	debugfs_create_file("flushes", 0400, as->dir, as, &ptlab_flushes_fops);
	debugfs_create_file("entries", 0400, as->dir, as, &ptlab_entries_fops);
	debugfs_create_file("regs", 0400, as->dir, as, &ptlab_regs_fops);
	debugfs_create_file("snapshot", 0400, as->dir, as, &ptlab_snapshot_fops);
}

/**
 * ptlab_debugfs_init() - create /sys/kernel/debug/ptlab
 */
void ptlab_debugfs_init(void)
{
	ptlab_debugfs_root = debugfs_create_dir("ptlab", NULL);
	debugfs_create_atomic_t("fail_nth", 0600, ptlab_debugfs_root,
				&ptlab_fail_nth);
}
