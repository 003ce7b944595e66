// SPDX-License-Identifier: GPL-2.0
/*
 * Kselftests of what the files of ptlab show and hold: fdinfo of
 * /dev/ptlab, and the lifetime of debugfs files against the module and
 * against the address spaces they describe.
 *
 * Every answer is checked against what the kernel says independently and
 * against the test's model (ptlab_lib.h). Run as root through ptlab.sh,
 * which loads and unloads the module.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/elf.h>
#include <linux/ptlab.h>

/* The 6.12 harness's SIGALRM handler leaves its ucontext argument unused. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop

#include "ptlab_lib.h"

/* --- fdinfo checks --- */

/*
 * fdinfo of @fd must list exactly the @nr spaces @s, with what info,
 * debugfs and the model say. Returns the sum of their table pages.
 */
static long long check_fdinfo(struct __test_metadata *_metadata, int fd,
			      struct space **s, int nr)
{
	struct fdinfo_space fi[16];
	struct ptlab_info info;
	long long sum = 0;
	int i, j, lines;
	char fmt[32];

	ASSERT_EQ(nr, read_fdinfo(fd, fi, ARRAY_SIZE(fi), &lines))
		TH_LOG("ptlab-spaces of fd %d", fd);
	ASSERT_EQ(nr, lines);
	for (i = 0; i < nr; i++) {
		for (j = 0; j < lines; j++)
			if (fi[j].id == s[i]->id)
				break;
		ASSERT_LT(j, lines) TH_LOG("space %u not listed", s[i]->id);
		ASSERT_EQ(0, pt_info(fd, s[i]->id, &info));
		ASSERT_EQ((long long)info.out_table_pages, fi[j].table_pages);
		ASSERT_EQ(debugfs_table_pages(s[i]->id), fi[j].table_pages);
		ASSERT_EQ((long long)model_table_pages(&s[i]->m),
			  fi[j].table_pages);
		ASSERT_EQ((long long)info.out_mapped_bytes, fi[j].mapped_bytes);
		ASSERT_EQ((long long)model_bytes(&s[i]->m), fi[j].mapped_bytes);
		ASSERT_EQ(0, debugfs_format(s[i]->id, fmt, sizeof(fmt)));
		ASSERT_STREQ(fmt, fi[j].fmt);
		sum += fi[j].table_pages;
	}
	return sum;
}

FIXTURE(files) {
	struct baseline base;
	struct buf b;
};

FIXTURE_SETUP(files)
{
	take_baseline(_metadata, &self->base);
	alloc_or_die(_metadata, &self->b, 16 * SZ_4K, false);
}

FIXTURE_TEARDOWN(files)
{
	buf_free(&self->b);
}

/*
 * Each file lists its own spaces; their table pages add up to exactly the
 * SecPageTables the module holds; destroy and close update it.
 */
TEST_F(files, fdinfo)
{
	struct space a[3], b1, *list[3];
	long long sum;
	int c;

	space_open(_metadata, &a[0], 0, 0);
	space_create(_metadata, &a[1], a[0].fd, 39, 0);
	space_create(_metadata, &a[2], a[0].fd, 0, 0);
	space_open(_metadata, &b1, 0, 0);
	c = ptlab_open(_metadata);
	map_ok(_metadata, &a[0], SZ_1G, self->b.p, 4 * SZ_4K, PT_RW);
	map_ok(_metadata, &a[1], 0, self->b.p + 4 * SZ_4K, SZ_4K, PT_R);
	map_ok(_metadata, &a[1], TOP(39) - SZ_4K, self->b.p + 5 * SZ_4K,
	       SZ_4K, PT_R);
	map_ok(_metadata, &b1, SZ_512G, self->b.p + 6 * SZ_4K, 8 * SZ_4K,
	       PT_RW);

	list[0] = &a[0];
	list[1] = &a[1];
	list[2] = &a[2];
	sum = check_fdinfo(_metadata, a[0].fd, list, 3);
	list[0] = &b1;
	sum += check_fdinfo(_metadata, b1.fd, list, 1);
	sum += check_fdinfo(_metadata, c, list, 0);
	ASSERT_EQ(self->base.secpt_kb + sum * 4, secpt_kb());

	ASSERT_EQ(0, pt_destroy(a[0].fd, a[1].id));
	list[0] = &a[0];
	list[1] = &a[2];
	sum = check_fdinfo(_metadata, a[0].fd, list, 2);
	list[0] = &b1;
	sum += check_fdinfo(_metadata, b1.fd, list, 1);
	ASSERT_EQ(self->base.secpt_kb + sum * 4, secpt_kb());

	space_close(&b1);
	list[0] = &a[0];
	sum = check_fdinfo(_metadata, a[0].fd, list, 2);
	ASSERT_EQ(self->base.secpt_kb + sum * 4, secpt_kb());
	ASSERT_EQ(0, check_fdinfo(_metadata, c, list, 0));
	free(a[1].m.leaves);
	free(a[2].m.leaves);
	space_close(&a[0]);
	close(c);
	check_counters(_metadata, &self->base, 0, 0);
}

/* --- lifetimes --- */

static const char *const debugfs_files[] = {
	"mappings", "table_pages", "flushes", "snapshot",
};

/* Opens each debugfs file of @id and reads it once: all must work. */
static void open_debugfs_files(struct __test_metadata *_metadata, __u32 id,
			       int *fds)
{
	char path[128], buf[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(debugfs_files); i++) {
		debugfs_path(path, sizeof(path), id, debugfs_files[i]);
		fds[i] = open(path, O_RDONLY);
		ASSERT_LE(0, fds[i]) TH_LOG("%s: %s", path, strerror(errno));
		ASSERT_LT(0, read(fds[i], buf, sizeof(buf))) TH_LOG("%s", path);
	}
}

/* Each file, its address space gone, fails to read: no data, an error. */
static void check_debugfs_dead(struct __test_metadata *_metadata, int *fds)
{
	char buf[256];
	ssize_t n;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(debugfs_files); i++) {
		n = pread(fds[i], buf, sizeof(buf), 0);
		ASSERT_EQ(-1, n) TH_LOG("%s gave %zd bytes", debugfs_files[i], n);
		ASSERT_TRUE(errno == EIO || errno == ENOENT)
			TH_LOG("%s: %s", debugfs_files[i], strerror(errno));
		n = read(fds[i], buf, sizeof(buf));
		ASSERT_EQ(-1, n) TH_LOG("%s gave %zd bytes", debugfs_files[i], n);
	}
}

/*
 * An open debugfs file keeps the module loaded after /dev/ptlab is closed,
 * while its address space is gone: it reads as an error, and the module
 * cannot be removed until it is closed.
 */
TEST_F(files, debugfs_file_holds_module)
{
	int fds[ARRAY_SIZE(debugfs_files)], ret;
	struct space s;
	size_t i;

	space_open(_metadata, &s, 0, 0);
	map_ok(_metadata, &s, SZ_1G, self->b.p, SZ_4K, PT_R);
	open_debugfs_files(_metadata, s.id, fds);
	space_close(&s);
	check_gone(_metadata, &self->base, s.id);
	ASSERT_LT(self->base.modref, module_refcount());
	ret = syscall(__NR_delete_module, "ptlab", O_NONBLOCK);
	ASSERT_EQ(-1, ret);
	ASSERT_TRUE(errno == EWOULDBLOCK || errno == EAGAIN)
		TH_LOG("delete_module: %s", strerror(errno));
	check_debugfs_dead(_metadata, fds);
	for (i = 0; i < ARRAY_SIZE(fds); i++)
		close(fds[i]);
	ASSERT_EQ(self->base.modref, module_refcount());
}

/*
 * A space destroyed under open debugfs files: its directory goes, the files
 * fail to read, and never show a space created after it, even one that got
 * its id back.
 */
TEST_F(files, debugfs_of_destroyed_space)
{
	int fds[ARRAY_SIZE(debugfs_files)];
	struct space s, t;
	size_t i;

	space_open(_metadata, &s, 0, 0);
	map_ok(_metadata, &s, SZ_1G, self->b.p, SZ_4K, PT_R);
	open_debugfs_files(_metadata, s.id, fds);
	ASSERT_EQ(0, pt_destroy(s.fd, s.id));
	ASSERT_FALSE(debugfs_has_dir(s.id));
	check_counters(_metadata, &self->base, 0, 0);
	check_debugfs_dead(_metadata, fds);

	space_create(_metadata, &t, s.fd, 0, 0);
	TH_LOG("destroyed %u, created %u", s.id, t.id);
	map_ok(_metadata, &t, 2 * SZ_1G, self->b.p + SZ_4K, SZ_8K, PT_RW);
	check_space(_metadata, &t);
	check_debugfs_dead(_metadata, fds);
	for (i = 0; i < ARRAY_SIZE(fds); i++)
		close(fds[i]);
	free(s.m.leaves);
	s.m.leaves = NULL;
	space_close(&t);
	close(s.fd);
	check_gone(_metadata, &self->base, t.id);
	ASSERT_EQ(self->base.modref, module_refcount());
}

struct reader {
	pthread_t thread;
	__u32 *id;		/* the space to read, 0 for none */
	bool *stop;
	const char *file;
	int reads;		/* that gave data */
	int bad;
	char why[160];
};

/*
 * Opens and reads the current space's file until told to stop. Any read
 * may fail (the space went); what it returns must be the start of a
 * well-formed file of that space. No ASSERT in a thread.
 */
static void *reader_fn(void *arg)
{
	struct reader *r = arg;
	unsigned char *data;
	char path[128], head[64];
	size_t len;
	__u32 id;

	while (!__atomic_load_n(r->stop, __ATOMIC_ACQUIRE)) {
		id = __atomic_load_n(r->id, __ATOMIC_ACQUIRE);
		if (!id)
			continue;
		debugfs_path(path, sizeof(path), id, r->file);
		data = read_path(path, SZ_4K, &len);
		if (!data) {
			if (errno != ENOENT && errno != EIO) {
				r->bad++;
				snprintf(r->why, sizeof(r->why), "%s: %s",
					 path, strerror(errno));
			}
			continue;
		}
		snprintf(head, sizeof(head), "# ptlab address space %u:", id);
		if (!strcmp(r->file, "snapshot") ?
		    len < SELFMAG || memcmp(data, ELFMAG, SELFMAG) :
		    len < strlen(head) || memcmp(data, head, strlen(head))) {
			r->bad++;
			snprintf(r->why, sizeof(r->why), "%s: %zu bytes", path,
				 len);
		}
		r->reads++;
		free(data);
	}
	return NULL;
}

/* Readers of debugfs race with spaces being created, filled and destroyed. */
TEST_F_TIMEOUT(files, debugfs_readers_race_destroy, 180)
{
	struct reader r[2] = {
		{ .file = "mappings" }, { .file = "snapshot" },
	};
	bool stop = false;
	__u32 cur = 0;
	struct space s;
	int round, i;

	for (i = 0; i < 2; i++) {
		r[i].id = &cur;
		r[i].stop = &stop;
		ASSERT_EQ(0, pthread_create(&r[i].thread, NULL, reader_fn,
					    &r[i]));
	}
	for (round = 0; round < 40; round++) {
		space_open(_metadata, &s, 0, 0);
		map_ok(_metadata, &s, SZ_1G, self->b.p, 16 * SZ_4K, PT_R);
		__atomic_store_n(&cur, s.id, __ATOMIC_RELEASE);
		usleep(2000 + round * 500);
		/* Destroy, or close with the space still in the file. */
		if (round & 1)
			ASSERT_EQ(0, pt_destroy(s.fd, s.id));
		space_close(&s);
	}
	__atomic_store_n(&stop, true, __ATOMIC_RELEASE);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, pthread_join(r[i].thread, NULL));
		TH_LOG("%s: %d reads with data", r[i].file, r[i].reads);
		EXPECT_EQ(0, r[i].bad) TH_LOG("%s", r[i].why);
	}
	check_counters(_metadata, &self->base, 0, 0);
	ASSERT_EQ(0, debugfs_nr_dirs());
	ASSERT_EQ(self->base.modref, module_refcount());
}

TEST_HARNESS_MAIN
