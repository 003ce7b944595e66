// SPDX-License-Identifier: GPL-2.0
/*
 * ELF core snapshots of an address space, for crash dumps and offline
 * inspection: one PT_LOAD per run of mappings (p_vaddr = IOVA, p_paddr =
 * physical address), RAM contents copied through the checked borrow, MMIO
 * and anything else left out (p_filesz = 0), and a note with the format and
 * the register values.
 *
 * The core is generated in passes over the tree, in file order, into a
 * sink: a file (the ioctl) or a window of a user buffer (debugfs read()).
 * Nothing is buffered in proportion to the address space.
 */
#include <linux/elf.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/uaccess.h>

#include "ptlab.h"

#define PTLAB_NOTE_NAME "PTLAB"

struct ptlab_snap_sink {
	/* Write @len bytes of the core at @off, zeros if @buf is NULL. */
	int (*emit)(struct ptlab_snap_sink *sink, u64 off, const void *buf,
		    size_t len);
	/* Does the sink want any of [@off, @off + @len)? */
	bool (*wants)(struct ptlab_snap_sink *sink, u64 off, u64 len);
};

/* The note: header, name padded to 4 bytes, descriptor right after. */
struct ptlab_snap_note {
	struct elf64_note nhdr;
	char name[ALIGN(sizeof(PTLAB_NOTE_NAME), 4)];
	struct ptlab_snapshot_note desc;
} __packed;

enum ptlab_snap_pass { PTLAB_SNAP_COUNT, PTLAB_SNAP_PHDRS, PTLAB_SNAP_DATA };

struct ptlab_snap {
	struct ptlab_span_walker walker;
	struct ptlab_snap_sink *sink;
	enum ptlab_snap_pass pass;
	u64 nr_spans;
	u64 data_bytes;
	u64 phdr_off;
	u64 data_off;
};

static u32 ptlab_snap_pflags(u32 prot)
{
	return PF_R | (prot & PT_PROT_WRITE ? PF_W : 0) |
	       (prot & PT_PROT_EXEC ? PF_X : 0);
}

static int ptlab_snap_data(struct ptlab_snap *snap,
			   const struct ptlab_span *span)
{
	u64 done;
	int ret;

	for (done = 0; done < span->size; done += PAGE_SIZE) {
		void *page;

		if (!snap->sink->wants(snap->sink, snap->data_off + done,
				       PAGE_SIZE))
			continue;
		/* A RAM run was RAM when mapped; check it still is. */
		page = ptlab_borrow_checked(span->pa + done);
		ret = snap->sink->emit(snap->sink, snap->data_off + done, page,
				       PAGE_SIZE);
		if (page)
			ptlab_borrow_end(page);
		if (ret)
			return ret;
		cond_resched();
	}
	return 0;
}

static int ptlab_snap_span(struct ptlab_span_walker *walker,
			   const struct ptlab_span *span)
{
	struct ptlab_snap *snap = container_of(walker, struct ptlab_snap, walker);
	bool ram = span->kind != PTLAB_PHYS_MMIO;
	struct elf64_phdr phdr = {
		.p_type = PT_LOAD,
		.p_flags = ptlab_snap_pflags(span->prot),
		.p_offset = ram ? snap->data_off : 0,
		.p_vaddr = span->iova,
		.p_paddr = span->pa,
		.p_filesz = ram ? span->size : 0,
		.p_memsz = span->size,
		.p_align = PAGE_SIZE,
	};
	int ret = 0;

	switch (snap->pass) {
	case PTLAB_SNAP_COUNT:
		snap->nr_spans++;
		snap->data_bytes += phdr.p_filesz;
		return 0;
	case PTLAB_SNAP_PHDRS:
		ret = snap->sink->emit(snap->sink, snap->phdr_off, &phdr,
				       sizeof(phdr));
		snap->phdr_off += sizeof(phdr);
		break;
	case PTLAB_SNAP_DATA:
		if (ram)
			ret = ptlab_snap_data(snap, span);
		break;
	}
	snap->data_off += phdr.p_filesz;
	return ret;
}

static int ptlab_snap_pass(struct ptlab_as *as, struct ptlab_snap *snap,
			   enum ptlab_snap_pass pass, u64 data_off)
{
	snap->pass = pass;
	snap->data_off = data_off;
	return ptlab_as_spans(as, &snap->walker);
}

/* Generate the whole core into @sink; @as->lock held. */
static int ptlab_snap_generate(struct ptlab_as *as,
			       struct ptlab_snap_sink *sink, u64 *total)
{
	const struct pt_cfg *cfg = &as->pt.cfg;
	struct ptlab_snap snap = {
		.walker.span = ptlab_snap_span,
		.sink = sink,
	};
	struct ptlab_snap_note note = {
		.nhdr.n_namesz = sizeof(PTLAB_NOTE_NAME),
		.nhdr.n_descsz = sizeof(note.desc),
		.nhdr.n_type = PTLAB_NOTE_SPACE,
		.name = PTLAB_NOTE_NAME,
		.desc.format = cfg->fmt->id,
		.desc.granule_shift = cfg->granule_shift,
		.desc.ias = cfg->ias,
		.desc.oas = cfg->oas,
		.desc.levels = cfg->levels,
		.desc.root_pa = pt_root_pa(&as->pt),
		.desc.pgsize_bitmap = cfg->pgsize_bitmap,
	};
	struct elf64_hdr ehdr = {
		.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64,
			     ELFDATA2LSB, EV_CURRENT, ELFOSABI_NONE },
		.e_type = ET_CORE,
		.e_machine = cfg->fmt->elf_machine,
		.e_version = EV_CURRENT,
		.e_phoff = sizeof(struct elf64_hdr),
		.e_ehsize = sizeof(struct elf64_hdr),
		.e_phentsize = sizeof(struct elf64_phdr),
		.e_shentsize = sizeof(struct elf64_shdr),
	};
	struct elf64_phdr note_phdr = {
		.p_type = PT_NOTE,
		.p_filesz = sizeof(note),
	};
	/* Past 0xfffe headers, the count moves to section header 0. */
	struct elf64_shdr shdr = {};
	struct pt_hw_regs regs;
	u64 off, data_off;
	int ret;

	cfg->fmt->regs(cfg, note.desc.root_pa, &regs);
	note.desc.ttbr = regs.ttbr;
	note.desc.tcr = regs.tcr;
	note.desc.mair = regs.mair;

	ret = ptlab_snap_pass(as, &snap, PTLAB_SNAP_COUNT, 0);
	if (ret)
		return ret;
	off = sizeof(ehdr) + (snap.nr_spans + 1) * sizeof(struct elf64_phdr);
	note_phdr.p_offset = off;
	off += sizeof(note);
	if (snap.nr_spans + 1 >= PN_XNUM) {
		ehdr.e_phnum = PN_XNUM;
		ehdr.e_shnum = 1;
		ehdr.e_shoff = off;
		shdr.sh_info = snap.nr_spans + 1;
		off += sizeof(shdr);
	} else {
		ehdr.e_phnum = snap.nr_spans + 1;
	}
	data_off = ALIGN(off, PAGE_SIZE);

	ret = sink->emit(sink, 0, &ehdr, sizeof(ehdr)) ?:
	      sink->emit(sink, sizeof(ehdr), &note_phdr, sizeof(note_phdr));
	if (ret)
		return ret;
	snap.phdr_off = sizeof(ehdr) + sizeof(note_phdr);
	ret = ptlab_snap_pass(as, &snap, PTLAB_SNAP_PHDRS, data_off) ?:
	      sink->emit(sink, note_phdr.p_offset, &note, sizeof(note));
	if (!ret && ehdr.e_shnum)
		ret = sink->emit(sink, ehdr.e_shoff, &shdr, sizeof(shdr));
	if (!ret)
		ret = sink->emit(sink, off, NULL, data_off - off);
	if (!ret)
		ret = ptlab_snap_pass(as, &snap, PTLAB_SNAP_DATA, data_off);
	*total = data_off + snap.data_bytes;
	return ret;
}

/* The ioctl's sink: write everything to a file, in order. */
struct ptlab_file_sink {
	struct ptlab_snap_sink sink;
	struct file *file;
	loff_t pos;
	u64 written;
};

static bool ptlab_file_wants(struct ptlab_snap_sink *sink, u64 off, u64 len)
{
	return true;
}

static int ptlab_file_emit(struct ptlab_snap_sink *sink, u64 off,
			   const void *buf, size_t len)
{
	struct ptlab_file_sink *fs = container_of(sink, struct ptlab_file_sink,
						  sink);
	static const u8 zeros[256];
	ssize_t ret;

	while (len) {
		size_t chunk = buf ? len : min(len, sizeof(zeros));

		if (fatal_signal_pending(current))
			return -EINTR;
		ret = kernel_write(fs->file, buf ? buf : zeros, chunk, &fs->pos);
		if (ret < 0)
			return ret;
		if (!ret)
			return -EIO;
		fs->written += ret;
		len -= ret;
		if (buf)
			buf += ret;
	}
	return 0;
}

/**
 * ptlab_snapshot_to_file() - write the ELF core of an address space
 * @as: the address space
 * @file: opened for writing; written from its current position
 * @written: bytes written, also on failure
 *
 * The tree is read-locked throughout, so the core is consistent.
 *
 * Return: 0, -EBADF for a file not open for writing, or the write's error.
 */
int ptlab_snapshot_to_file(struct ptlab_as *as, struct file *file,
			   u64 *written)
{
	struct ptlab_file_sink fs = {
		.sink.emit = ptlab_file_emit,
		.sink.wants = ptlab_file_wants,
		.file = file,
		.pos = file->f_pos,
	};
	u64 total;
	int ret;

	*written = 0;
	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	down_read(&as->lock);
	ret = ptlab_snap_generate(as, &fs.sink, &total);
	up_read(&as->lock);
	file->f_pos = fs.pos;
	*written = fs.written;
	return ret;
}

/* debugfs's sink: the part of the core inside one read() window. */
struct ptlab_user_sink {
	struct ptlab_snap_sink sink;
	char __user *buf;
	u64 start;
	u64 len;
};

static bool ptlab_user_wants(struct ptlab_snap_sink *sink, u64 off, u64 len)
{
	struct ptlab_user_sink *us = container_of(sink, struct ptlab_user_sink,
						  sink);

	return off < us->start + us->len && off + len > us->start;
}

static int ptlab_user_emit(struct ptlab_snap_sink *sink, u64 off,
			   const void *buf, size_t len)
{
	struct ptlab_user_sink *us = container_of(sink, struct ptlab_user_sink,
						  sink);
	u64 first = max(off, us->start);
	u64 end = min(off + len, us->start + us->len);
	char __user *to = us->buf + (first - us->start);
	unsigned long left;

	if (first >= end)
		return 0;
	if (buf)
		left = copy_to_user(to, buf + (first - off), end - first);
	else
		left = clear_user(to, end - first);
	return left ? -EFAULT : 0;
}

/**
 * ptlab_snapshot_read() - read() of the debugfs snapshot file
 * @as: the address space
 * @buf: user buffer
 * @len: its size
 * @ppos: file position, advanced
 *
 * Each call generates the core and keeps the window [*@ppos, *@ppos + @len);
 * a reader racing with map or unmap may see them between two calls.
 *
 * Return: bytes read, 0 at the end, or a negative errno.
 */
ssize_t ptlab_snapshot_read(struct ptlab_as *as, char __user *buf,
			    size_t len, loff_t *ppos)
{
	struct ptlab_user_sink us = {
		.sink.emit = ptlab_user_emit,
		.sink.wants = ptlab_user_wants,
		.buf = buf,
		.start = *ppos,
		.len = len,
	};
	u64 total;
	int ret;

	if (*ppos < 0)
		return -EINVAL;
	down_read(&as->lock);
	ret = ptlab_snap_generate(as, &us.sink, &total);
	up_read(&as->lock);
	if (ret)
		return ret;
	if (us.start >= total)
		return 0;
	len = min_t(u64, len, total - us.start);
	*ppos += len;
	return len;
}
