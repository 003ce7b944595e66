/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernel versions ptlab supports (6.1 to 6.12)
 * live here and nowhere else.
 */
#ifndef PTLAB_COMPAT_H
#define PTLAB_COMPAT_H

#include <linux/backing-dev.h>
#include <linux/fs.h>
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 5, 0)
/* Does writing to pages of @vma need the filesystem to know (6.5 mm/)? */
static inline bool ptlab_vma_needs_dirty_tracking(struct vm_area_struct *vma)
{
	const struct vm_operations_struct *ops = vma->vm_ops;

	if ((vma->vm_flags & (VM_WRITE | VM_SHARED)) != (VM_WRITE | VM_SHARED))
		return false;
	if (ops && (ops->page_mkwrite || ops->pfn_mkwrite))
		return true;
	return !(vma->vm_flags & VM_PFNMAP) && vma->vm_file &&
	       vma->vm_file->f_mapping &&
	       mapping_can_writeback(vma->vm_file->f_mapping);
}

/**
 * ptlab_longterm_write_refused() - would this kernel's GUP pin it safely?
 * @uaddr: first user address
 * @npages: pages
 * @write: the pin is for writing
 *
 * Since 6.5, a long-term pin for writing of a shared file mapping that
 * needs dirty tracking (ext4, xfs, ...) fails with -EFAULT: the filesystem
 * cannot write back pages a device may dirty at any time. 6.1 pins them;
 * refuse them here the same way. (The mappings may change between this
 * check and the pin; 6.5 checks under the same lock as the pin.)
 *
 * Return: 0 or -EFAULT.
 */
static inline long ptlab_longterm_write_refused(unsigned long uaddr,
						unsigned long npages,
						bool write)
{
	unsigned long end = uaddr + npages * PAGE_SIZE;
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	long ret = 0;

	if (!write)
		return 0;
	mmap_read_lock(mm);
	for (vma = find_vma(mm, uaddr); vma && vma->vm_start < end;
	     vma = find_vma(mm, vma->vm_end)) {
		if (ptlab_vma_needs_dirty_tracking(vma)) {
			ret = -EFAULT;
			break;
		}
	}
	mmap_read_unlock(mm);
	return ret;
}
#else
/* GUP refuses them itself. */
static inline long ptlab_longterm_write_refused(unsigned long uaddr,
						unsigned long npages,
						bool write)
{
	return 0;
}
#endif

/**
 * ptlab_file_pos_lock() - hold a file's position for a write at it
 * @file: the file
 *
 * What write(2) does through fdget_pos(), which modules cannot call: files
 * with an atomic position take their f_pos_lock (on 6.12 it shares a union
 * with pipe data, so only such files may touch it).
 *
 * Return: 0, or -EINTR on a fatal signal.
 */
static inline int ptlab_file_pos_lock(struct file *file)
{
	if (!(file->f_mode & FMODE_ATOMIC_POS))
		return 0;
	return mutex_lock_killable(&file->f_pos_lock);
}

/**
 * ptlab_file_pos_unlock() - end a ptlab_file_pos_lock()
 * @file: the file
 */
static inline void ptlab_file_pos_unlock(struct file *file)
{
	if (file->f_mode & FMODE_ATOMIC_POS)
		mutex_unlock(&file->f_pos_lock);
}

#endif /* PTLAB_COMPAT_H */
