// SPDX-License-Identifier: GPL-2.0
/*
 * Kselftests of ELF core snapshots (PTLAB_IOCTL_SNAPSHOT and debugfs
 * <id>/snapshot): contents, run boundaries, reads of every size, arguments,
 * file positions, write errors, readelf and extended numbering. Each core is
 * checked by the library's own ELF parser against the test's model.
 *
 * Every answer is checked against what the kernel says independently and
 * against the test's model (ptlab_lib.h). Run as root through ptlab.sh,
 * which loads and unloads the module.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/elf.h>
#include <linux/ptlab.h>

/* The 6.12 harness's SIGALRM handler leaves its ucontext argument unused. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop

#include "ptlab_lib.h"

/* debugfs must give exactly @want, read @chunk bytes at a time. */
static void check_debugfs_same(struct __test_metadata *_metadata, __u32 id,
			       const unsigned char *want, size_t len,
			       size_t chunk)
{
	unsigned char *got;
	size_t got_len;

	got = snapshot_debugfs(_metadata, id, chunk, &got_len);
	ASSERT_EQ(len, got_len) TH_LOG("read in chunks of %zu", chunk);
	ASSERT_EQ(0, memcmp(want, got, len)) TH_LOG("chunks of %zu", chunk);
	free(got);
}

/* `cat` of the debugfs file must give exactly @want. */
static void check_cat_same(struct __test_metadata *_metadata, __u32 id,
			   const unsigned char *want, size_t len)
{
	char path[] = CORE_TEMPLATE, cmd[256];
	unsigned char *got;
	size_t got_len;
	int fd;

	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	close(fd);
	snprintf(cmd, sizeof(cmd), "cat %s/%u/snapshot > %s", PTLAB_DEBUGFS,
		 id, path);
	ASSERT_EQ(0, system(cmd)) TH_LOG("%s", cmd);
	got = read_path(path, SZ_64K, &got_len);
	unlink(path);
	ASSERT_NE(NULL, got);
	ASSERT_EQ(len, got_len);
	ASSERT_EQ(0, memcmp(want, got, len));
	free(got);
}

FIXTURE(snap) {
	struct baseline base;
	struct space sp;
	char path[sizeof(CORE_TEMPLATE)];
	int out;		/* the file snapshots go to, at path */
	struct pa_map pm;
	struct buf a, h;
};

FIXTURE_SETUP(snap)
{
	take_baseline(_metadata, &self->base);
	space_open(_metadata, &self->sp, 0, 0);
	snprintf(self->path, sizeof(self->path), "%s", CORE_TEMPLATE);
	self->out = mkstemp(self->path);
	ASSERT_LE(0, self->out) TH_LOG("mkstemp: %s", strerror(errno));
}

FIXTURE_TEARDOWN(snap)
{
	if (self->out >= 0) {
		close(self->out);
		unlink(self->path);
	}
	pa_map_free(&self->pm);
	space_close(&self->sp);
	buf_free(&self->a);
	buf_free(&self->h);
}

/*
 * A space with runs of every kind: user pages in runs split by prot, a
 * block if THP gives one, one of the test's pages mapped by address, and
 * MMIO pages and blocks.
 */
static void snap_populate(struct __test_metadata *_metadata,
			  const struct baseline *base, struct space *s,
			  struct buf *a, struct buf *h, struct pa_map *pm)
{
	const struct iomem *io = iomem_get();
	__u64 pa;

	alloc_or_die(_metadata, a, 8 * SZ_4K, false);
	alloc_or_die(_metadata, h, SZ_2M, true);
	fill_unique(a);
	fill_unique(h);
	map_ok(_metadata, s, SZ_1G, a->p, 4 * SZ_4K, PT_RW);
	map_ok(_metadata, s, SZ_1G + SZ_16K, a->p + 4 * SZ_4K, 2 * SZ_4K,
	       PT_R | PTLAB_PROT_EXEC);
	map_ok(_metadata, s, 3 * SZ_1G, a->p + 6 * SZ_4K, SZ_4K,
	       PT_RW | PTLAB_PROT_EXEC | PTLAB_PROT_PRIV);
	map_ok(_metadata, s, 4 * SZ_1G, h->p, SZ_2M,
	       PT_RW | PTLAB_PROT_CACHE);
	ASSERT_EQ(0, pagemap_pas(a->p + 7 * SZ_4K, 1, &pa));
	/* Also mapped as user memory, so that it stays put. */
	map_ok(_metadata, s, 5 * SZ_1G, a->p + 7 * SZ_4K, SZ_4K, PT_R);
	phys_ok(_metadata, s, 5 * SZ_1G + SZ_64K, pa, SZ_4K, PT_R, 0,
		PTLAB_PHYS_RAM);
	ASSERT_NE(NULL, io);
	ASSERT_TRUE(iomem_find_mmio(io, SZ_4K, &pa));
	phys_ok(_metadata, s, 6 * SZ_1G, pa, SZ_4K, PT_RW | PTLAB_PROT_MMIO,
		0, PTLAB_PHYS_MMIO);
	if (iomem_find_mmio(io, SZ_2M, &pa))
		phys_ok(_metadata, s, 7 * SZ_1G, pa, SZ_2M,
			PT_R | PTLAB_PROT_MMIO, 0, PTLAB_PHYS_MMIO);
	check_all(_metadata, base, s);
	pa_map_add(_metadata, pm, a);
	pa_map_add(_metadata, pm, h);
}

/* An empty space: the core holds the note and nothing else. */
TEST_F(snap, empty_space)
{
	unsigned char *data;
	struct core c;
	size_t len;

	data = snapshot_ioctl(_metadata, &self->sp, self->out, &len);
	parse_core(_metadata, data, len, &c);
	ASSERT_EQ(1UL, c.phnum);
	ASSERT_EQ((__u32)PT_NOTE, c.ph[0].p_type);
	check_core_note(_metadata, &c, &self->sp);
	check_core_loads(_metadata, &c, &self->sp, &self->pm);
	check_debugfs_same(_metadata, self->sp.id, data, len, SZ_4K);
	check_cat_same(_metadata, self->sp.id, data, len);
	free(data);
}

/*
 * Runs of every kind: the loads, their contents and the note, from the
 * ioctl; debugfs (read() and cat) gives the same bytes; and the core
 * follows an unmap.
 */
TEST_F(snap, contents)
{
	unsigned char *data;
	size_t len;

	snap_populate(_metadata, &self->base, &self->sp, &self->a, &self->h,
		      &self->pm);
	data = snapshot_ioctl(_metadata, &self->sp, self->out, &len);
	check_core(_metadata, data, len, &self->sp, &self->pm);
	check_debugfs_same(_metadata, self->sp.id, data, len, SZ_64K);
	check_cat_same(_metadata, self->sp.id, data, len);
	free(data);

	/* Memory the device wrote (the test, here) is in the next core. */
	fill_unique(&self->a);
	unmap_check(_metadata, &self->base, &self->sp, SZ_1G, SZ_8K);
	data = snapshot_ioctl(_metadata, &self->sp, self->out, &len);
	check_core(_metadata, data, len, &self->sp, &self->pm);
	check_debugfs_same(_metadata, self->sp.id, data, len, SZ_1M);
	free(data);
}

/*
 * Runs join across page sizes and split on prot and kind: a 2M block and
 * the 4K pages that continue it in IOVA and PA are one PT_LOAD (two dump
 * lines); the same run with another prot, or mapped by address, is not.
 * Needs physically contiguous memory, which pagemap must show.
 */
TEST_F(snap, run_boundaries)
{
	const __u64 y = 10 * SZ_1G;
	const size_t per_thp = SZ_2M / SZ_4K, n = 8 * per_thp;
	struct ptlab_map_user req;
	struct run runs[8];
	unsigned char *data;
	size_t i, lo, hi, len;
	__u64 *pas;

	alloc_or_die(_metadata, &self->h, 8 * SZ_2M, true);
	fill_unique(&self->h);
	pas = calloc(n, sizeof(*pas));
	ASSERT_NE(NULL, pas);
	ASSERT_EQ(0, pagemap_pas(self->h.p, n, pas));
	for (i = 0; i + 2 < n; i++)
		if (pas_contiguous(pas, i, 3))
			break;
	if (i + 2 == n)
		SKIP(return, "no three physically contiguous pages");
	/* One prot, then another, then the next page by address. */
	map_ok(_metadata, &self->sp, y, self->h.p + i * SZ_4K, SZ_4K, PT_RW);
	map_ok(_metadata, &self->sp, y + SZ_4K, self->h.p + (i + 1) * SZ_4K,
	       SZ_4K, PT_R);
	phys_ok(_metadata, &self->sp, y + SZ_8K, pas[i + 2], SZ_4K, PT_R, 0,
		PTLAB_PHYS_RAM);
	/* Keep that page pinned: mapped by address it is not. */
	map_ok(_metadata, &self->sp, y + SZ_1G, self->h.p + (i + 2) * SZ_4K,
	       SZ_4K, PT_R);
	ASSERT_EQ(4UL, model_runs(&self->sp.m, runs, false));
	check_all(_metadata, &self->base, &self->sp);

	if (find_adjacent(pas, n, SZ_2M, &lo, &hi) &&
	    is_huge_backed(self->h.p + lo * SZ_4K) &&
	    is_huge_backed(self->h.p + hi * SZ_4K)) {
		map_ok(_metadata, &self->sp, y + SZ_4M, self->h.p + lo * SZ_4K,
		       SZ_2M, PT_RW);
		req = map_req(self->sp.id, y + SZ_4M + SZ_2M,
			      self->h.p + hi * SZ_4K, SZ_64K, PT_RW);
		map_ok_req(_metadata, &self->sp, &req);
		ASSERT_EQ(1UL, model_count_size(&self->sp.m, SZ_2M));
		/* One run in the core, a block line and a page line in the dump. */
		ASSERT_EQ(5UL, model_runs(&self->sp.m, runs, false));
		ASSERT_EQ(6UL, model_runs(&self->sp.m, runs, true));
		check_all(_metadata, &self->base, &self->sp);
	} else {
		TH_LOG("no two adjacent THPs: runs across page sizes untested");
	}
	pa_map_add(_metadata, &self->pm, &self->h);
	data = snapshot_ioctl(_metadata, &self->sp, self->out, &len);
	check_core(_metadata, data, len, &self->sp, &self->pm);
	check_debugfs_same(_metadata, self->sp.id, data, len, SZ_64K);
	free(data);
	free(pas);
}

/*
 * More runs than a read() window holds: debugfs gives the same bytes
 * whatever the read sizes and offsets, and nothing past the end.
 */
TEST_F_TIMEOUT(snap, small_reads, 300)
{
	const size_t nr = 150, sizes[] = { 7, 4093, SZ_4K, SZ_1M };
	unsigned char *want, *got, byte;
	size_t i, len, off, n;
	unsigned int seed = 1;
	char path[128];
	ssize_t r;
	int fd;

	alloc_or_die(_metadata, &self->a, nr * SZ_4K, false);
	fill_unique(&self->a);
	for (i = 0; i < nr; i++)
		map_ok(_metadata, &self->sp, SZ_1G + 2 * i * SZ_4K,
		       self->a.p + i * SZ_4K, SZ_4K, PT_R);
	pa_map_add(_metadata, &self->pm, &self->a);
	want = snapshot_ioctl(_metadata, &self->sp, self->out, &len);
	check_core(_metadata, want, len, &self->sp, &self->pm);
	ASSERT_LT(2 * SZ_4K, nr * sizeof(struct elf64_phdr));

	debugfs_path(path, sizeof(path), self->sp.id, "snapshot");
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd);
	/* Byte by byte through the headers and into the data. */
	for (off = 0; off < 4 * SZ_4K; off++) {
		ASSERT_EQ(1, read(fd, &byte, 1)) TH_LOG("offset %zu", off);
		ASSERT_EQ(want[off], byte) TH_LOG("offset %zu", off);
	}
	close(fd);
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		check_debugfs_same(_metadata, self->sp.id, want, len, sizes[i]);

	/* pread at odd offsets and lengths, across and past the end. */
	got = malloc(3 * SZ_4K);
	ASSERT_NE(NULL, got);
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd);
	for (i = 0; i < 400; i++) {
		off = rand_r(&seed) % (len + SZ_8K);
		n = 1 + rand_r(&seed) % (3 * SZ_4K);
		if (i % 4 == 0)
			off = len - rand_r(&seed) % SZ_4K;
		r = pread(fd, got, n, off);
		ASSERT_EQ((ssize_t)(off >= len ? 0 : n < len - off ? n :
				    len - off), r)
			TH_LOG("pread %zu at %zu", n, off);
		if (r > 0)
			ASSERT_EQ(0, memcmp(want + off, got, r))
				TH_LOG("pread %zu at %zu", n, off);
	}
	/* A stream of unknown size: at and past the end, nothing. */
	ASSERT_EQ((off_t)len, lseek(fd, len, SEEK_SET));
	ASSERT_EQ(0, read(fd, got, 1));
	ASSERT_EQ((off_t)len + 5, lseek(fd, len + 5, SEEK_SET));
	ASSERT_EQ(0, read(fd, got, SZ_4K));
	ASSERT_EQ(0, pread(fd, got, SZ_4K, 1LL << 62));
	close(fd);
	free(got);
	free(want);
}

/* Files the core cannot go to, bad flags, and unknown ids. */
TEST_F(snap, bad_args)
{
	int ro, path_fd, closed, pipefd[2];
	struct stat st;
	__u64 bytes;

	alloc_or_die(_metadata, &self->a, SZ_4K, false);
	map_ok(_metadata, &self->sp, SZ_1G, self->a.p, SZ_4K, PT_R);
	ro = open(self->path, O_RDONLY);
	ASSERT_LE(0, ro);
	ASSERT_EQ(-EBADF, pt_snapshot(self->sp.fd, self->sp.id, ro, 0,
				      &bytes));
	ASSERT_EQ(0ULL, bytes);
	path_fd = open(self->path, O_PATH);
	ASSERT_LE(0, path_fd);
	ASSERT_EQ(-EBADF, pt_snapshot(self->sp.fd, self->sp.id, path_fd, 0,
				      &bytes));
	ASSERT_EQ(0, pipe(pipefd));
	ASSERT_EQ(-EBADF, pt_snapshot(self->sp.fd, self->sp.id, pipefd[0], 0,
				      &bytes));
	closed = dup(self->out);
	ASSERT_LE(0, closed);
	close(closed);
	ASSERT_EQ(-EBADF, pt_snapshot(self->sp.fd, self->sp.id, closed, 0,
				      &bytes));
	ASSERT_EQ(-EBADF, pt_snapshot(self->sp.fd, self->sp.id, -1, 0,
				      &bytes));
	ASSERT_EQ(-EBADF, pt_snapshot(self->sp.fd, self->sp.id, 0x7fffffff, 0,
				      &bytes));
	ASSERT_EQ(0ULL, bytes);
	ASSERT_EQ(-EOPNOTSUPP, pt_snapshot(self->sp.fd, self->sp.id,
					   self->out, 1, &bytes));
	ASSERT_EQ(-EOPNOTSUPP, pt_snapshot(self->sp.fd, self->sp.id,
					   self->out, 1U << 31, &bytes));
	ASSERT_EQ(0ULL, bytes);
	ASSERT_EQ(-ENOENT, pt_snapshot(self->sp.fd, self->sp.id + 1000,
				       self->out, 0, &bytes));
	/* None of them wrote anything. */
	ASSERT_EQ(0, fstat(self->out, &st));
	ASSERT_EQ(0, st.st_size);
	ASSERT_EQ(0, lseek(self->out, 0, SEEK_CUR));
	close(ro);
	close(path_fd);
	close(pipefd[0]);
	close(pipefd[1]);
	check_all(_metadata, &self->base, &self->sp);
}

/*
 * The extensible-struct rules: the calls refused write nothing, so the file
 * holds exactly the one core of the call that succeeded.
 */
TEST_F(snap, size_rules)
{
	struct ptlab_snapshot sn = {
		.size = sizeof(sn), .id = self->sp.id, .fd = self->out,
	};
	unsigned char *data;
	struct stat st;

	alloc_or_die(_metadata, &self->a, SZ_4K, false);
	fill_unique(&self->a);
	map_ok(_metadata, &self->sp, SZ_1G, self->a.p, SZ_4K, PT_R);
	pa_map_add(_metadata, &self->pm, &self->a);
	check_size_rules(_metadata, self->sp.fd, PTLAB_IOCTL_SNAPSHOT, &sn);
	ASSERT_EQ(0, fstat(self->out, &st));
	ASSERT_EQ((__u64)st.st_size, sn.out_bytes);
	data = malloc(sn.out_bytes);
	ASSERT_NE(NULL, data);
	ASSERT_EQ((ssize_t)sn.out_bytes, pread(self->out, data, sn.out_bytes,
					       0));
	check_core(_metadata, data, sn.out_bytes, &self->sp, &self->pm);
	free(data);
}

/* The core goes where the file position is, and moves it. */
TEST_F(snap, file_position)
{
	static const char prefix[] = "ptlab!";
	const size_t plen = sizeof(prefix) - 1;
	unsigned char *want, *got;
	__u64 bytes, bytes2;
	size_t len;

	alloc_or_die(_metadata, &self->a, 2 * SZ_4K, false);
	fill_unique(&self->a);
	map_ok(_metadata, &self->sp, SZ_1G, self->a.p, 2 * SZ_4K, PT_RW);
	want = snapshot_ioctl(_metadata, &self->sp, self->out, &len);
	ASSERT_EQ(0, ftruncate(self->out, 0));
	ASSERT_EQ((ssize_t)plen, pwrite(self->out, prefix, plen, 0));
	ASSERT_EQ((off_t)plen, lseek(self->out, plen, SEEK_SET));
	ASSERT_EQ(0, pt_snapshot(self->sp.fd, self->sp.id, self->out, 0,
				 &bytes));
	ASSERT_EQ(len, bytes);
	ASSERT_EQ((off_t)(plen + len), lseek(self->out, 0, SEEK_CUR));
	ASSERT_EQ(0, pt_snapshot(self->sp.fd, self->sp.id, self->out, 0,
				 &bytes2));
	ASSERT_EQ(len, bytes2);
	ASSERT_EQ((off_t)(plen + 2 * len), lseek(self->out, 0, SEEK_END));
	got = malloc(plen + 2 * len);
	ASSERT_NE(NULL, got);
	ASSERT_EQ((ssize_t)(plen + 2 * len),
		  pread(self->out, got, plen + 2 * len, 0));
	ASSERT_EQ(0, memcmp(prefix, got, plen));
	ASSERT_EQ(0, memcmp(want, got + plen, len));
	ASSERT_EQ(0, memcmp(want, got + plen + len, len));
	free(got);
	free(want);
}

/*
 * A file that stops taking bytes (RLIMIT_FSIZE): the snapshot fails with
 * the write's error and reports the bytes it wrote, a prefix of the core.
 */
TEST_F(snap, write_error)
{
	unsigned char *want, *got;
	struct rlimit rl;
	struct stat st;
	__u64 bytes;
	size_t len;

	alloc_or_die(_metadata, &self->a, 8 * SZ_4K, false);
	fill_unique(&self->a);
	map_ok(_metadata, &self->sp, SZ_1G, self->a.p, 8 * SZ_4K, PT_RW);
	want = snapshot_ioctl(_metadata, &self->sp, self->out, &len);
	ASSERT_LT(3 * SZ_4K, len);
	ASSERT_EQ(0, ftruncate(self->out, 0));
	ASSERT_EQ(0, lseek(self->out, 0, SEEK_SET));
	ASSERT_NE(SIG_ERR, signal(SIGXFSZ, SIG_IGN));
	ASSERT_EQ(0, getrlimit(RLIMIT_FSIZE, &rl));
	rl.rlim_cur = 3 * SZ_4K;
	ASSERT_EQ(0, setrlimit(RLIMIT_FSIZE, &rl));
	ASSERT_EQ(-EFBIG, pt_snapshot(self->sp.fd, self->sp.id, self->out, 0,
				      &bytes));
	ASSERT_EQ(3 * SZ_4K, bytes);
	ASSERT_EQ(0, fstat(self->out, &st));
	ASSERT_EQ((off_t)bytes, st.st_size);
	ASSERT_EQ((off_t)bytes, lseek(self->out, 0, SEEK_CUR));
	got = malloc(bytes);
	ASSERT_NE(NULL, got);
	ASSERT_EQ((ssize_t)bytes, pread(self->out, got, bytes, 0));
	ASSERT_EQ(0, memcmp(want, got, bytes));
	free(got);
	free(want);
	check_all(_metadata, &self->base, &self->sp);
}

/* Is readelf on the PATH? */
static bool have_readelf(void)
{
	return !system("readelf --version >/dev/null 2>&1");
}

static const char *readelf_flags(__u32 f)
{
	static char s[4];

	s[0] = f & PF_R ? 'R' : ' ';
	s[1] = f & PF_W ? 'W' : ' ';
	s[2] = f & PF_X ? 'E' : ' ';
	return s;
}

/*
 * readelf -l -n must read @path as the core @c: a core file, the same
 * program headers in order, and the PTLAB note with the same bytes.
 */
static void check_readelf(struct __test_metadata *_metadata,
			  const char *path, const struct core *c)
{
	unsigned long long off, va, pa, fsz, msz;
	char cmd[256], *line = NULL, type[16], *p;
	bool is_core = false, in_note = false;
	size_t cap = 0, k = 0, nb = 0;
	unsigned int byte;
	long nr_ph = -1;
	const struct elf64_phdr *ph;
	int n, status;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "readelf -l -n -W %s 2>&1", path);
	f = popen(cmd, "r");
	ASSERT_NE(NULL, f);
	while (getline(&line, &cap, f) > 0) {
		if (strstr(line, "Elf file type is CORE"))
			is_core = true;
		if (sscanf(line, "There are %ld program headers", &nr_ph) == 1)
			continue;
		if (strstr(line, "There is 1 program header")) {
			nr_ph = 1;
			continue;
		}
		/* Then " %c%c%c " for R, W, E, spaces where clear. */
		if (sscanf(line, " %15s 0x%llx 0x%llx 0x%llx 0x%llx 0x%llx%n",
			   type, &off, &va, &pa, &fsz, &msz, &n) == 6 &&
		    (!strcmp(type, "LOAD") || !strcmp(type, "NOTE"))) {
			ASSERT_LT(k, c->phnum) TH_LOG("%s", line);
			ph = &c->ph[k++];
			ASSERT_STREQ(ph->p_type == PT_LOAD ? "LOAD" : "NOTE",
				     type);
			ASSERT_EQ(ph->p_offset, off) TH_LOG("%s", line);
			ASSERT_EQ(ph->p_vaddr, va) TH_LOG("%s", line);
			ASSERT_EQ(ph->p_paddr, pa) TH_LOG("%s", line);
			ASSERT_EQ(ph->p_filesz, fsz) TH_LOG("%s", line);
			ASSERT_EQ(ph->p_memsz, msz) TH_LOG("%s", line);
			ASSERT_EQ(' ', line[n]) TH_LOG("%s", line);
			ASSERT_EQ(0, strncmp(readelf_flags(ph->p_flags),
					     line + n + 1, 3)) TH_LOG("%s", line);
			continue;
		}
		if (strstr(line, "PTLAB") && strstr(line, "0x50544c01")) {
			ASSERT_NE(NULL, strstr(line, "0x00000040"))
				TH_LOG("%s", line);
			in_note = true;
			continue;
		}
		/* Its bytes, as readelf shows a note it does not know. */
		p = strstr(line, "description data:");
		if (in_note && p) {
			p += strlen("description data:");
			while (sscanf(p, " %2x%n", &byte, &n) == 1) {
				ASSERT_LT(nb, sizeof(c->note));
				ASSERT_EQ(c->note_raw[nb], byte)
					TH_LOG("note byte %zu", nb);
				nb++;
				p += n;
			}
		}
	}
	free(line);
	status = pclose(f);
	ASSERT_EQ(0, status) TH_LOG("%s", cmd);
	ASSERT_TRUE(is_core);
	ASSERT_EQ((long)c->phnum, nr_ph);
	ASSERT_EQ(c->phnum, k) TH_LOG("readelf listed %zu headers", k);
	ASSERT_TRUE(in_note) TH_LOG("readelf shows no PTLAB note");
	/* Older readelf prints no bytes of unknown notes; newer all of them. */
	ASSERT_TRUE(nb == 0 || nb == sizeof(c->note)) TH_LOG("%zu bytes", nb);
	TH_LOG("readelf: %zu program headers, %zu note bytes compared", k, nb);
}

/* readelf reads the cores as the test does, empty and full. */
TEST_F(snap, readelf)
{
	unsigned char *data;
	struct core c;
	size_t len;

	if (!have_readelf())
		SKIP(return, "no readelf (binutils)");
	data = snapshot_ioctl(_metadata, &self->sp, self->out, &len);
	parse_core(_metadata, data, len, &c);
	check_readelf(_metadata, self->path, &c);
	free(data);
	snap_populate(_metadata, &self->base, &self->sp, &self->a, &self->h,
		      &self->pm);
	data = snapshot_ioctl(_metadata, &self->sp, self->out, &len);
	check_core(_metadata, data, len, &self->sp, &self->pm);
	parse_core(_metadata, data, len, &c);
	check_readelf(_metadata, self->path, &c);
	free(data);
}

/*
 * @nr one-page MMIO runs from @iova, 8K apart: the program headers after
 * the note, checked without the model (too slow at this size).
 */
static void check_mmio_runs(struct __test_metadata *_metadata,
			    const struct core *c, __u64 iova, __u64 pa,
			    size_t nr)
{
	const struct elf64_phdr *ph;
	size_t i;

	ASSERT_EQ(nr + 1, c->phnum);
	ASSERT_EQ((__u32)PT_NOTE, c->ph[0].p_type);
	for (i = 0; i < nr; i++) {
		ph = &c->ph[i + 1];
		ASSERT_EQ((__u32)PT_LOAD, ph->p_type);
		ASSERT_EQ(iova + i * SZ_8K, ph->p_vaddr) TH_LOG("load %zu", i);
		ASSERT_EQ(pa, ph->p_paddr);
		ASSERT_EQ(SZ_4K, ph->p_memsz);
		ASSERT_EQ(0ULL, ph->p_filesz);
		ASSERT_EQ((__u32)(PF_R | PF_W), ph->p_flags);
	}
}

/* Maps @pa at @nr IOVAs 8K apart from @iova: one run each. */
static void map_mmio_runs(struct __test_metadata *_metadata,
			  const struct space *s, __u64 iova, __u64 pa, size_t nr)
{
	struct ptlab_map_phys req;
	size_t i;

	for (i = 0; i < nr; i++) {
		req = phys_req(s->id, iova + i * SZ_8K, pa, SZ_4K, PT_RW);
		ASSERT_EQ(0, pt_ioctl(s->fd, PTLAB_IOCTL_MAP_PHYS, &req))
			TH_LOG("run %zu: %s", i, strerror(errno));
	}
}

/*
 * 65534 runs and the note make PN_XNUM program headers: the count moves to
 * section header 0 (ELF extended numbering); one run fewer and it does not.
 */
TEST_F_TIMEOUT(snap, extended_numbering, 600)
{
	const size_t nr = PN_XNUM - 1;
	const __u64 x = SZ_512G;
	const struct iomem *io = iomem_get();
	struct ptlab_info info;
	unsigned char *data;
	struct core c;
	__u64 mmio, got;
	size_t len;

	ASSERT_NE(NULL, io);
	if (!iomem_find_mmio(io, SZ_4K, &mmio))
		SKIP(return, "no page outside System RAM");
	map_mmio_runs(_metadata, &self->sp, x, mmio, nr);
	ASSERT_EQ(0, pt_info(self->sp.fd, self->sp.id, &info));
	ASSERT_EQ(nr * SZ_4K, info.out_mapped_bytes);
	data = snapshot_ioctl(_metadata, &self->sp, self->out, &len);
	parse_core(_metadata, data, len, &c);
	ASSERT_EQ(PN_XNUM, c.eh->e_phnum);
	check_core_note(_metadata, &c, &self->sp);
	check_mmio_runs(_metadata, &c, x, mmio, nr);
	check_debugfs_same(_metadata, self->sp.id, data, len, SZ_1M);
	if (have_readelf())
		check_readelf(_metadata, self->path, &c);
	else
		TH_LOG("no readelf: only the test's parser read the core");
	free(data);

	ASSERT_EQ(0, pt_unmap(self->sp.fd, self->sp.id, x, SZ_4K, &got));
	ASSERT_EQ(SZ_4K, got);
	data = snapshot_ioctl(_metadata, &self->sp, self->out, &len);
	parse_core(_metadata, data, len, &c);
	ASSERT_EQ(PN_XNUM - 1, c.eh->e_phnum);
	check_mmio_runs(_metadata, &c, x + SZ_8K, mmio, nr - 1);
	free(data);
	check_counters(_metadata, &self->base, 0, info.out_table_pages);
}

TEST_HARNESS_MAIN
