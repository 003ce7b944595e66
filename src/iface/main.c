// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/ptlab: a character device whose ioctls build, change and inspect
 * page tables in real hardware formats.
 *
 * Each open file is a context with its own address spaces. The ioctls are
 * table-driven: every command names its struct and the size of its first
 * version; the common code copies the struct in (extensible, size first),
 * calls the handler, and copies it back, also on failure, so that progress
 * reports reach userspace. A handler that must know its reply arrived
 * before it acts (create) replies itself with ptlab_ucmd_respond().
 *
 * What an opener may learn is fixed when it opens the file, from the
 * credentials it opens it with, as for /proc/PID/pagemap.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/memcontrol.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/sched/user.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "as/as.h"
#include "common/fail.h"
#include "fmt/pt_formats.h"
#include "fw/fw.h"
#include "hw/device.h"
#include "iface/debugfs.h"
#include "iface/snapshot.h"

static umode_t dev_mode = 0600;
module_param(dev_mode, ushort, 0444);
MODULE_PARM_DESC(dev_mode, "permissions of /dev/ptlab (default 0600)");

/* The uapi's numbers are the module's own. */
#define PTLAB_SAME(uapi, own) static_assert((int)(uapi) == (int)(own))
PTLAB_SAME(PTLAB_FMT_ARM64_LPAE_S1, PT_FMT_ARM64_LPAE_S1);
PTLAB_SAME(PTLAB_FMT_ARM64_LPAE_S2, PT_FMT_ARM64_LPAE_S2);
PTLAB_SAME(PTLAB_FMT_ARM_MALI_LPAE, PT_FMT_ARM_MALI_LPAE);
PTLAB_SAME(PTLAB_FMT_ARM_V7S, PT_FMT_ARM_V7S);
PTLAB_SAME(PTLAB_FMT_X86_64, PT_FMT_X86_64);
PTLAB_SAME(PTLAB_FMT_VTD_SS, PT_FMT_VTD_SS);
PTLAB_SAME(PTLAB_FMT_AMD_V1, PT_FMT_AMD_V1);
PTLAB_SAME(PTLAB_FMT_RISCV, PT_FMT_RISCV);
PTLAB_SAME(PTLAB_FMT_APPLE_DART, PT_FMT_APPLE_DART);
PTLAB_SAME(PTLAB_FMT_APPLE_UAT, PT_FMT_APPLE_UAT);
PTLAB_SAME(PTLAB_FMT_NVIDIA_GMMU_V2, PT_FMT_NVIDIA_GMMU_V2);
PTLAB_SAME(PTLAB_FMT_NVIDIA_GMMU_V3, PT_FMT_NVIDIA_GMMU_V3);
PTLAB_SAME(PTLAB_PROT_READ, PT_PROT_READ);
PTLAB_SAME(PTLAB_PROT_WRITE, PT_PROT_WRITE);
PTLAB_SAME(PTLAB_PROT_EXEC, PT_PROT_EXEC);
PTLAB_SAME(PTLAB_PROT_PRIV, PT_PROT_PRIV);
PTLAB_SAME(PTLAB_PROT_CACHE, PT_PROT_CACHE);
PTLAB_SAME(PTLAB_PROT_MMIO, PT_PROT_MMIO);
PTLAB_SAME(PTLAB_PROT_ALL, PT_PROT_ALL);
PTLAB_SAME(PTLAB_CREATE_ARM_LPA2, PT_QUIRK_ARM_LPA2);
PTLAB_SAME(PTLAB_CREATE_ARM_TTBR1, PT_QUIRK_ARM_TTBR1);
PTLAB_SAME(PTLAB_CREATE_ARM_NS, PT_QUIRK_ARM_NS);
PTLAB_SAME(PTLAB_CREATE_ARM_OUTER_WBWA, PT_QUIRK_ARM_OUTER_WBWA);
PTLAB_SAME(PTLAB_CREATE_ARM_S2FWB, PT_QUIRK_ARM_S2FWB);
PTLAB_SAME(PTLAB_CREATE_ARM_MTK_EXT, PT_QUIRK_ARM_MTK_EXT);
PTLAB_SAME(PTLAB_CREATE_ARM_QUIRKS, PT_QUIRK_ARM_ALL);
/* Firmware ranges are copied from the user straight into the engine's. */
static_assert(sizeof(struct ptlab_range) == sizeof(struct pt_extent));
static_assert(PTLAB_MAX_LEVELS >= PT_MAX_WALK_WORDS);
static_assert(offsetof(struct ptlab_range, iova) ==
	      offsetof(struct pt_extent, iova));
static_assert(offsetof(struct ptlab_range, length) ==
	      offsetof(struct pt_extent, length));

static int ptlab_open(struct inode *inode, struct file *file)
{
	struct ptlab_ctx *ctx;

	if (ptlab_should_fail())
		return -ENOMEM;
	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL_ACCOUNT);
	if (!ctx)
		return -ENOMEM;
	xa_init(&ctx->spaces);
	xa_init(&ctx->devices);
	/* Pinned pages are charged to the opener until they are unpinned. */
	ctx->mm = current->mm;
	mmgrab(ctx->mm);
	ctx->memcg = get_mem_cgroup_from_mm(current->mm);
	if (!capable(CAP_IPC_LOCK))
		ctx->user = get_uid(current_user());
	ctx->show_pa = file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN);
	file->private_data = ctx;
	return 0;
}

static int ptlab_release(struct inode *inode, struct file *file)
{
	struct ptlab_ctx *ctx = file->private_data;

	/* Devices first: each keeps its address space from being destroyed. */
	ptlab_dev_destroy_all(ctx);
	xa_destroy(&ctx->devices);
	ptlab_as_destroy_all(ctx);
	xa_destroy(&ctx->spaces);
	mmdrop(ctx->mm);
	mem_cgroup_put(ctx->memcg);
	if (ctx->user)
		free_uid(ctx->user);
	kfree(ctx);
	return 0;
}

static void ptlab_show_fdinfo(struct seq_file *m, struct file *file)
{
	ptlab_as_show_fdinfo(file->private_data, m);
}

/**
 * struct ptlab_ucmd - one ioctl call
 * @ctx: the open file
 * @ubuf: the user's struct
 * @user_size: its size, as the user gave it
 * @cmd: the kernel's copy, as large as the largest struct
 * @size: the size of this command's struct in the kernel
 */
struct ptlab_ucmd {
	struct ptlab_ctx *ctx;
	void __user *ubuf;
	u32 user_size;
	void *cmd;
	size_t size;
};

/* Copy the reply to the user now, as the common code would afterwards. */
static int ptlab_ucmd_respond(struct ptlab_ucmd *ucmd)
{
	if (copy_to_user(ucmd->ubuf, ucmd->cmd,
			 min_t(size_t, ucmd->size, ucmd->user_size)))
		return -EFAULT;
	return 0;
}

static int ptlab_ioctl_create(struct ptlab_ucmd *ucmd)
{
	struct ptlab_create *cmd = ucmd->cmd;
	struct ptlab_adopt adopt = {};
	const struct pt_format *fmt;
	struct pt_params params = {
		.granule_shift = cmd->granule_shift,
		.ias = cmd->ias,
		.oas = cmd->oas,
		.pgsize_bitmap = cmd->pgsize_bitmap,
		.quirks = cmd->flags & PTLAB_CREATE_ARM_QUIRKS,
		.dirty = cmd->flags & PTLAB_CREATE_DIRTY,
	};
	bool adopting = cmd->flags & PTLAB_CREATE_ADOPT;
	struct ptlab_as *as;
	int ret;

	if (cmd->flags & ~(PTLAB_CREATE_ADOPT | PTLAB_CREATE_DIRTY |
			   PTLAB_CREATE_ARM_QUIRKS))
		return -EOPNOTSUPP;
	/* The device would write the firmware's entries: not ptlab's to change. */
	if (adopting && params.dirty)
		return -EOPNOTSUPP;
	if (cmd->__reserved || cmd->__reserved2)
		return -EINVAL;
	if (!adopting &&
	    (cmd->adopt_root_pa || cmd->fw_ranges || cmd->nr_fw_ranges))
		return -EINVAL;
	fmt = pt_format_by_id(cmd->format);
	if (!fmt)
		return -EOPNOTSUPP;
	if (adopting) {
		if (!capable(CAP_SYS_RAWIO))
			return -EPERM;
		if (cmd->nr_fw_ranges > PTLAB_MAX_FW_RANGES ||
		    cmd->adopt_root_pa != (phys_addr_t)cmd->adopt_root_pa)
			return -EINVAL;
		if (copy_from_user(adopt.ranges, u64_to_user_ptr(cmd->fw_ranges),
				   cmd->nr_fw_ranges * sizeof(adopt.ranges[0])))
			return -EFAULT;
		adopt.root_pa = cmd->adopt_root_pa;
		adopt.nr_ranges = cmd->nr_fw_ranges;
	}
	as = ptlab_as_create(ucmd->ctx, fmt, &params,
			     adopting ? &adopt : NULL);
	if (IS_ERR(as))
		return PTR_ERR(as);
	/* Complete but for its id's owner: root may read it in debugfs. */
	ptlab_debugfs_add_as(as);
	/* A space the caller was never told of would be out of its reach. */
	cmd->out_id = as->id;
	ret = ptlab_ucmd_respond(ucmd);
	if (ret) {
		ptlab_as_abandon(ucmd->ctx, as);
		return ret;
	}
	ptlab_as_publish(ucmd->ctx, as);
	return 0;
}

static int ptlab_ioctl_destroy(struct ptlab_ucmd *ucmd)
{
	struct ptlab_destroy *cmd = ucmd->cmd;

	return ptlab_as_destroy(ucmd->ctx, cmd->id);
}

static int ptlab_ioctl_info(struct ptlab_ucmd *ucmd, struct ptlab_as *as)
{
	const struct pt_cfg *cfg = &as->pt.cfg;
	struct ptlab_info *cmd = ucmd->cmd;
	struct pt_hw_regs regs;
	u64 root_pa;

	if (cmd->__reserved || cmd->__reserved2 || cmd->__reserved3)
		return -EINVAL;
	ptlab_as_regs(as, ucmd->ctx->show_pa, &root_pa, &regs);
	cmd->out_format = cfg->fmt->id;
	cmd->out_granule_shift = cfg->granule_shift;
	cmd->out_ias = cfg->ias;
	cmd->out_oas = cfg->oas;
	cmd->out_levels = cfg->levels;
	cmd->out_pgsize_bitmap = cfg->pgsize_bitmap;
	cmd->out_root_pa = root_pa;
	cmd->out_ttbr = regs.ttbr;
	cmd->out_tcr = regs.tcr;
	cmd->out_mair = regs.mair;
	cmd->out_table_pages = atomic_long_read(&as->table_pages);
	cmd->out_mapped_bytes = atomic64_read(&as->mapped_bytes);
	cmd->out_prot_mask = cfg->prot_mask;
	cmd->out_flags = cfg->quirks & PTLAB_CREATE_ARM_QUIRKS;
	return 0;
}

static int ptlab_ioctl_map_user(struct ptlab_ucmd *ucmd, struct ptlab_as *as)
{
	struct ptlab_map_user *cmd = ucmd->cmd;

	cmd->out_mapped = 0;
	if (cmd->flags || cmd->prot & ~PTLAB_PROT_ALL)
		return -EOPNOTSUPP;
	if (cmd->uptr != (unsigned long)cmd->uptr)
		return -EINVAL;
	return ptlab_as_map_user(as, cmd->iova, cmd->uptr, cmd->length,
				 cmd->prot, cmd->pgsize, &cmd->out_mapped);
}

static int ptlab_ioctl_map_phys(struct ptlab_ucmd *ucmd, struct ptlab_as *as)
{
	struct ptlab_map_phys *cmd = ucmd->cmd;
	int ret;

	cmd->out_mapped = 0;
	cmd->out_kind = 0;
	if (cmd->flags || cmd->prot & ~PTLAB_PROT_ALL)
		return -EOPNOTSUPP;
	if (cmd->__reserved || cmd->paddr != (phys_addr_t)cmd->paddr)
		return -EINVAL;
	/* Who may open /dev/mem (drivers/char/mem.c open_port()). */
	if (!capable(CAP_SYS_RAWIO))
		return -EPERM;
	ret = security_locked_down(LOCKDOWN_DEV_MEM);
	if (ret)
		return ret;
	return ptlab_as_map_phys(as, cmd->iova, cmd->paddr, cmd->length,
				 cmd->prot, cmd->pgsize, &cmd->out_mapped,
				 &cmd->out_kind);
}

static int ptlab_ioctl_snapshot(struct ptlab_ucmd *ucmd, struct ptlab_as *as)
{
	struct ptlab_snapshot *cmd = ucmd->cmd;
	struct file *file;
	int ret;

	cmd->out_bytes = 0;
	if (cmd->flags)
		return -EOPNOTSUPP;
	file = fget(cmd->fd);
	if (!file)
		return -EBADF;
	ret = ptlab_snapshot_to_file(as, file, ucmd->ctx->show_pa,
				     &cmd->out_bytes);
	fput(file);
	return ret;
}

static int ptlab_ioctl_unmap(struct ptlab_ucmd *ucmd, struct ptlab_as *as)
{
	struct ptlab_unmap *cmd = ucmd->cmd;

	cmd->out_unmapped = 0;
	if (cmd->flags)
		return -EOPNOTSUPP;
	if (cmd->__reserved)
		return -EINVAL;
	return ptlab_as_unmap(as, cmd->iova, cmd->length, &cmd->out_unmapped);
}

static int ptlab_ioctl_walk(struct ptlab_ucmd *ucmd, struct ptlab_as *as)
{
	struct ptlab_walk *cmd = ucmd->cmd;
	struct pt_walk_result res;
	unsigned int i;
	int ret;

	if (cmd->__reserved)
		return -EINVAL;
	ret = ptlab_as_walk(as, cmd->iova, ucmd->ctx->show_pa, &res);
	cmd->out_pa = res.leaf.pa;
	cmd->out_pgsize = res.leaf.size;
	cmd->out_prot = res.leaf.prot;
	cmd->out_level = res.leaf.level;
	cmd->out_nr_entries = res.nr_entries;
	for (i = 0; i < PTLAB_MAX_LEVELS; i++) {
		cmd->out_entries[i] = i < res.nr_entries ? res.entries[i] : 0;
		cmd->out_entry_levels[i] = i < res.nr_entries ?
					   res.entry_levels[i] : 0;
	}
	return ret;
}

static int ptlab_ioctl_dev_create(struct ptlab_ucmd *ucmd)
{
	struct ptlab_dev_create *cmd = ucmd->cmd;
	struct ptlab_dev *dev;

	if (cmd->__reserved)
		return -EINVAL;
	dev = ptlab_dev_create(ucmd->ctx, cmd->id, cmd->flags,
			       cmd->iotlb_entries, ptlab_debugfs_root);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	/* Nobody can name it before the caller knows its id. */
	cmd->out_dev_id = ptlab_dev_id(dev);
	if (ptlab_ucmd_respond(ucmd)) {
		ptlab_dev_abandon(ucmd->ctx, dev);
		return -EFAULT;
	}
	ptlab_dev_publish(ucmd->ctx, dev);
	return 0;
}

static int ptlab_ioctl_dev_destroy(struct ptlab_ucmd *ucmd)
{
	struct ptlab_dev_destroy *cmd = ucmd->cmd;

	return ptlab_dev_destroy(ucmd->ctx, cmd->dev_id);
}

static int ptlab_ioctl_dev_dma(struct ptlab_ucmd *ucmd)
{
	struct ptlab_dev_dma *cmd = ucmd->cmd;

	if (cmd->__reserved || cmd->__reserved2)
		return -EINVAL;
	return ptlab_dev_dma(ucmd->ctx, cmd->dev_id, cmd->access, cmd->iova,
			     u64_to_user_ptr(cmd->uptr), cmd->length,
			     &cmd->out_done, &cmd->out_fault);
}

static int ptlab_ioctl_dev_faults(struct ptlab_ucmd *ucmd)
{
	struct ptlab_dev_faults *cmd = ucmd->cmd;

	if (cmd->__reserved)
		return -EINVAL;
	return ptlab_dev_faults(ucmd->ctx, cmd->dev_id,
				u64_to_user_ptr(cmd->records), cmd->max,
				&cmd->out_count, &cmd->out_overflow);
}

static int ptlab_ioctl_read_dirty(struct ptlab_ucmd *ucmd,
				  struct ptlab_as *as)
{
	struct ptlab_read_dirty *cmd = ucmd->cmd;

	cmd->out_dirty = 0;
	if (cmd->flags & ~PTLAB_READ_DIRTY_NO_CLEAR)
		return -EOPNOTSUPP;
	if (cmd->__reserved)
		return -EINVAL;
	return ptlab_as_read_dirty(as, cmd->iova, cmd->length, cmd->page_size,
				   !(cmd->flags & PTLAB_READ_DIRTY_NO_CLEAR),
				   u64_to_user_ptr(cmd->bitmap),
				   cmd->bitmap_bytes, &cmd->out_dirty);
}

/*
 * A command either works on the file (create, destroy) or on one of its
 * address spaces, named by the struct's id field. @min_size is the size of
 * the struct's first version: create, info and walk have grown since.
 */
struct ptlab_ioctl_op {
	size_t size;
	size_t min_size;
	size_t id_offset;
	int (*ctx_fn)(struct ptlab_ucmd *ucmd);
	int (*as_fn)(struct ptlab_ucmd *ucmd, struct ptlab_as *as);
};

static const struct ptlab_ioctl_op ptlab_ioctl_ops[] = {
	[PTLAB_CMD_CREATE - PTLAB_CMD_BASE] = {
		.size = sizeof(struct ptlab_create),
		.min_size = offsetofend(struct ptlab_create, __reserved),
		.ctx_fn = ptlab_ioctl_create,
	},
	[PTLAB_CMD_DESTROY - PTLAB_CMD_BASE] = {
		.size = sizeof(struct ptlab_destroy),
		.min_size = sizeof(struct ptlab_destroy),
		.ctx_fn = ptlab_ioctl_destroy,
	},
	[PTLAB_CMD_INFO - PTLAB_CMD_BASE] = {
		.size = sizeof(struct ptlab_info),
		.min_size = offsetofend(struct ptlab_info, __reserved2),
		.id_offset = offsetof(struct ptlab_info, id),
		.as_fn = ptlab_ioctl_info,
	},
	[PTLAB_CMD_MAP_USER - PTLAB_CMD_BASE] = {
		.size = sizeof(struct ptlab_map_user),
		.min_size = sizeof(struct ptlab_map_user),
		.id_offset = offsetof(struct ptlab_map_user, id),
		.as_fn = ptlab_ioctl_map_user,
	},
	[PTLAB_CMD_UNMAP - PTLAB_CMD_BASE] = {
		.size = sizeof(struct ptlab_unmap),
		.min_size = sizeof(struct ptlab_unmap),
		.id_offset = offsetof(struct ptlab_unmap, id),
		.as_fn = ptlab_ioctl_unmap,
	},
	[PTLAB_CMD_MAP_PHYS - PTLAB_CMD_BASE] = {
		.size = sizeof(struct ptlab_map_phys),
		.min_size = sizeof(struct ptlab_map_phys),
		.id_offset = offsetof(struct ptlab_map_phys, id),
		.as_fn = ptlab_ioctl_map_phys,
	},
	[PTLAB_CMD_SNAPSHOT - PTLAB_CMD_BASE] = {
		.size = sizeof(struct ptlab_snapshot),
		.min_size = sizeof(struct ptlab_snapshot),
		.id_offset = offsetof(struct ptlab_snapshot, id),
		.as_fn = ptlab_ioctl_snapshot,
	},
	[PTLAB_CMD_WALK - PTLAB_CMD_BASE] = {
		.size = sizeof(struct ptlab_walk),
		.min_size = offsetofend(struct ptlab_walk, out_entries),
		.id_offset = offsetof(struct ptlab_walk, id),
		.as_fn = ptlab_ioctl_walk,
	},
	[PTLAB_CMD_DEV_CREATE - PTLAB_CMD_BASE] = {
		.size = sizeof(struct ptlab_dev_create),
		.min_size = sizeof(struct ptlab_dev_create),
		.ctx_fn = ptlab_ioctl_dev_create,
	},
	[PTLAB_CMD_DEV_DESTROY - PTLAB_CMD_BASE] = {
		.size = sizeof(struct ptlab_dev_destroy),
		.min_size = sizeof(struct ptlab_dev_destroy),
		.ctx_fn = ptlab_ioctl_dev_destroy,
	},
	[PTLAB_CMD_DEV_DMA - PTLAB_CMD_BASE] = {
		.size = sizeof(struct ptlab_dev_dma),
		.min_size = sizeof(struct ptlab_dev_dma),
		.ctx_fn = ptlab_ioctl_dev_dma,
	},
	[PTLAB_CMD_DEV_FAULTS - PTLAB_CMD_BASE] = {
		.size = sizeof(struct ptlab_dev_faults),
		.min_size = sizeof(struct ptlab_dev_faults),
		.ctx_fn = ptlab_ioctl_dev_faults,
	},
	[PTLAB_CMD_READ_DIRTY - PTLAB_CMD_BASE] = {
		.size = sizeof(struct ptlab_read_dirty),
		.min_size = sizeof(struct ptlab_read_dirty),
		.id_offset = offsetof(struct ptlab_read_dirty, id),
		.as_fn = ptlab_ioctl_read_dirty,
	},
};

union ptlab_ioctl_buf {
	struct ptlab_create create;
	struct ptlab_destroy destroy;
	struct ptlab_info info;
	struct ptlab_map_user map_user;
	struct ptlab_map_phys map_phys;
	struct ptlab_snapshot snapshot;
	struct ptlab_unmap unmap;
	struct ptlab_walk walk;
	struct ptlab_dev_create dev_create;
	struct ptlab_dev_destroy dev_destroy;
	struct ptlab_dev_dma dev_dma;
	struct ptlab_dev_faults dev_faults;
	struct ptlab_read_dirty read_dirty;
};

static int ptlab_call(const struct ptlab_ioctl_op *op, struct ptlab_ucmd *ucmd)
{
	struct ptlab_as *as;
	int ret;

	if (op->ctx_fn)
		return op->ctx_fn(ucmd);
	as = ptlab_as_get(ucmd->ctx, *(u32 *)(ucmd->cmd + op->id_offset));
	if (!as)
		return -ENOENT;
	ret = op->as_fn(ucmd, as);
	ptlab_as_put(as);
	return ret;
}

static long ptlab_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	union ptlab_ioctl_buf buf;
	struct ptlab_ucmd ucmd = {
		.ctx = file->private_data,
		.ubuf = (void __user *)arg,
		.cmd = &buf,
	};
	const struct ptlab_ioctl_op *op;
	unsigned int nr = _IOC_NR(cmd);
	int ret;

	/* The size bits of @cmd are ignored: the struct's size field rules. */
	if (_IOC_TYPE(cmd) != PTLAB_TYPE || nr < PTLAB_CMD_BASE ||
	    nr - PTLAB_CMD_BASE >= ARRAY_SIZE(ptlab_ioctl_ops))
		return -ENOTTY;
	op = &ptlab_ioctl_ops[nr - PTLAB_CMD_BASE];
	if (get_user(ucmd.user_size, (u32 __user *)ucmd.ubuf))
		return -EFAULT;
	if (ucmd.user_size < op->min_size)
		return -EINVAL;
	/* As openat2 and clone3: no scanning of huge tails for zeros. */
	if (ucmd.user_size > PAGE_SIZE)
		return -E2BIG;
	ucmd.size = op->size;
	ret = copy_struct_from_user(&buf, op->size, ucmd.ubuf, ucmd.user_size);
	if (ret)
		return ret;

	ret = ptlab_call(op, &ucmd);

	/* Report outputs and progress even when the command failed. */
	if (ptlab_ucmd_respond(&ucmd))
		return -EFAULT;
	return ret;
}

static const struct file_operations ptlab_fops = {
	.owner = THIS_MODULE,
	.open = ptlab_open,
	.release = ptlab_release,
	.unlocked_ioctl = ptlab_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.show_fdinfo = ptlab_show_fdinfo,
};

static struct miscdevice ptlab_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "ptlab",
	.fops = &ptlab_fops,
};

static int __init ptlab_init(void)
{
	int ret;

	ret = ptlab_pages_init();
	if (ret)
		return ret;
	ptlab_debugfs_init();
	debugfs_create_file("firmware", 0600, ptlab_debugfs_root, NULL,
			    &ptlab_fw_fops);
	ptlab_misc.mode = dev_mode;
	ret = misc_register(&ptlab_misc);
	if (ret) {
		debugfs_remove(ptlab_debugfs_root);
		ptlab_pages_exit();
	}
	return ret;
}

static void __exit ptlab_exit(void)
{
	misc_deregister(&ptlab_misc);
	debugfs_remove(ptlab_debugfs_root);
	ptlab_fw_exit();
	ptlab_pages_exit();
}

module_init(ptlab_init);
module_exit(ptlab_exit);

MODULE_DESCRIPTION("Page-table laboratory for IOMMU and GPU-MMU formats");
MODULE_LICENSE("GPL");
MODULE_VERSION(PTLAB_VERSION);
