// SPDX-License-Identifier: GPL-2.0
/*
 * Adversarial kselftests: what an opener of /dev/ptlab can do to the module
 * by racing it, by pointing it at files and memory it should not trust, and
 * by being someone the kernel would refuse. Each fixture stands for holes an
 * adversarial review found (a use-after-free reachable by any opener, kernel
 * memory and physical addresses readable through snapshots and walks,
 * unbounded table memory, snapshots that were not one moment and could
 * stall the address space). The structure-aware fuzzer (ptlab_fuzz.c)
 * attacks at random; these tests attack each hole on purpose.
 *
 * What is true is taken from the kernel's own reports: /proc/meminfo
 * (SecPageTables), VmPin, /proc/self/pagemap, /dev/mem, /proc/iomem,
 * /proc/kpageflags, memory.stat of a cgroup, fdinfo and debugfs.
 *
 * Run as root through ptlab.sh, which loads and unloads the module. Some
 * tests drop to the user nobody for their own process.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/elf.h>
#include <linux/magic.h>
#include <linux/ptlab.h>

/* The 6.12 harness's SIGALRM handler leaves its ucontext argument unused. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop

#include "ptlab_lib.h"

#define DESC_TABLE_ADDR	0x0000fffffffff000ULL
#define X86_ADDR	0x000ffffffffff000ULL

/* --- small helpers --- */

static int create_fmt(int fd, __u32 format, __u32 granule, __u32 ias,
		      __u32 oas, __u32 *id)
{
	struct ptlab_create c = {
		.format = format,
		.granule_shift = granule,
		.ias = ias,
		.oas = oas,
	};

	return pt_create_req(fd, &c, id);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Waits for @pid up to @secs seconds; returns its status or -1. */
static int wait_for(pid_t pid, double secs)
{
	double end = now_s() + secs;
	int status;

	while (now_s() < end) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		usleep(10000);
	}
	return -1;
}

/* Sends @fd over the socket @sock. */
static int send_fd(int sock, int fd)
{
	char byte = 0, ctl[CMSG_SPACE(sizeof(int))] = {};
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = sizeof(ctl),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -errno;
}

static int recv_fd(int sock)
{
	char byte, ctl[CMSG_SPACE(sizeof(int))] = {};
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = sizeof(ctl),
	};
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* The table pages of every space of @fd, from INFO. */
static long long fd_table_pages(int fd, const __u32 *ids, int nr)
{
	struct ptlab_info info;
	long long sum = 0;
	int i;

	for (i = 0; i < nr; i++) {
		if (pt_info(fd, ids[i], &info))
			return -1;
		sum += info.out_table_pages;
	}
	return sum;
}

/* --- races on the lifetime of address spaces --- */

FIXTURE(race) {
	struct baseline base;
};

FIXTURE_SETUP(race)
{
	take_baseline(_metadata, &self->base);
}

FIXTURE_TEARDOWN(race)
{
}

#define RACE_CREATES	2000

struct race_ctx {
	int fd;
	__u32 last;		/* the id the last create returned */
	bool stop;
	int creates;
	int bad;
	char why[128];
};

static void race_bad(struct race_ctx *r, const char *what, int err)
{
	__atomic_add_fetch(&r->bad, 1, __ATOMIC_RELAXED);
	snprintf(r->why, sizeof(r->why), "%s: %s", what, strerror(-err));
}

static void *race_creator(void *arg)
{
	struct race_ctx *r = arg;
	__u32 id;
	int i, ret;

	for (i = 0; i < RACE_CREATES; i++) {
		ret = pt_create(r->fd, 0, 0, &id);
		if (!ret) {
			__atomic_store_n(&r->last, id, __ATOMIC_RELEASE);
			__atomic_add_fetch(&r->creates, 1, __ATOMIC_RELAXED);
		} else if (ret != -ENOSPC) {
			race_bad(r, "create", ret);
		}
	}
	return NULL;
}

/*
 * Destroys the ids a create is about to return: the lowest ones (ids are
 * the lowest free numbers) and the one after the last returned.
 */
static void *race_destroyer(void *arg)
{
	struct race_ctx *r = arg;
	__u32 id, guess = 1;
	int ret;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		id = __atomic_load_n(&r->last, __ATOMIC_ACQUIRE) + 1;
		ret = pt_destroy(r->fd, guess);
		if (ret && ret != -ENOENT)
			race_bad(r, "destroy lowest", ret);
		ret = pt_destroy(r->fd, id);
		if (ret && ret != -ENOENT)
			race_bad(r, "destroy next", ret);
		guess = guess % 4 + 1;
	}
	return NULL;
}

/* Reads the debugfs files of the ids being created and destroyed. */
static void *race_reader(void *arg)
{
	struct race_ctx *r = arg;
	char path[128];
	unsigned char *data;
	size_t len;
	__u32 id;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		id = __atomic_load_n(&r->last, __ATOMIC_ACQUIRE) + 1;
		debugfs_path(path, sizeof(path), id, "mappings");
		data = read_path(path, SZ_4K, &len);
		free(data);
		debugfs_path(path, sizeof(path), id, "snapshot");
		data = read_path(path, SZ_4K, &len);
		free(data);
	}
	return NULL;
}

/*
 * Create publishes an address space only once it is complete: threads that
 * destroy the id it is about to return, and read its debugfs files, find
 * either nothing or a whole space. (Before the fix, this freed the space
 * while create still built it: slub_debug and KFENCE stop the guest.)
 */
TEST_F_TIMEOUT(race, create_destroy_predicted, 600)
{
	struct race_ctx r = {};
	pthread_t c[2], d[2], rd;
	int i;

	r.fd = ptlab_open(_metadata);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, pthread_create(&c[i], NULL, race_creator, &r));
		ASSERT_EQ(0, pthread_create(&d[i], NULL, race_destroyer, &r));
	}
	ASSERT_EQ(0, pthread_create(&rd, NULL, race_reader, &r));
	for (i = 0; i < 2; i++)
		pthread_join(c[i], NULL);
	__atomic_store_n(&r.stop, true, __ATOMIC_RELEASE);
	for (i = 0; i < 2; i++)
		pthread_join(d[i], NULL);
	pthread_join(rd, NULL);
	TH_LOG("%d spaces created", r.creates);
	ASSERT_EQ(0, r.bad) TH_LOG("%s", r.why);
	ASSERT_LT(0, r.creates);
	close(r.fd);
	check_counters(_metadata, &self->base, 0, 0);
	ASSERT_EQ(0, debugfs_nr_dirs());
	ASSERT_EQ(self->base.modref, module_refcount());
}

/*
 * A create whose reply cannot reach the caller leaves no address space the
 * caller could not name: -EFAULT, no space in fdinfo, no debugfs directory,
 * no table memory.
 */
TEST_F(race, create_reply_unwritable)
{
	struct fdinfo_space fi[2];
	struct ptlab_create *c;
	int fd, nr;

	fd = ptlab_open(_metadata);
	c = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, c);
	*c = (struct ptlab_create){
		.size = sizeof(*c), .format = PTLAB_FMT_ARM64_LPAE_S1,
	};
	ASSERT_EQ(0, mprotect(c, SZ_4K, PROT_READ));
	ASSERT_EQ(-EFAULT, pt_ioctl(fd, PTLAB_IOCTL_CREATE, c));
	ASSERT_EQ(0, read_fdinfo(fd, fi, 2, &nr));
	ASSERT_EQ(0, nr);
	ASSERT_EQ(0, debugfs_nr_dirs());
	check_counters(_metadata, &self->base, 0, 0);
	/* The same struct, writable: the space is made and named. */
	ASSERT_EQ(0, mprotect(c, SZ_4K, PROT_READ | PROT_WRITE));
	ASSERT_EQ(0, pt_ioctl(fd, PTLAB_IOCTL_CREATE, c));
	ASSERT_EQ(1, read_fdinfo(fd, fi, 2, &nr));
	ASSERT_EQ(1, nr);
	ASSERT_EQ(c->out_id, fi[0].id);
	munmap(c, SZ_4K);
	close(fd);
	check_gone(_metadata, &self->base, fi[0].id);
}

struct same_range {
	int fd;
	__u32 id;
	__u64 iova;
	__u64 len;
	__u64 pgsize;
	struct buf *b;
	int rounds;
	int wins;
	int bad;
	char why[160];
};

/*
 * Maps its own buffer over the range everyone maps; a win must map all of
 * it to this buffer until this thread unmaps it, a loss must leave nothing.
 */
static void *same_range_fn(void *arg)
{
	struct same_range *t = arg;
	size_t n = t->len / SZ_4K, i;
	struct ptlab_walk w;
	__u64 mapped, pas[64];
	int round, ret;

	if (n > 64 || pagemap_pas(t->b->p, n, pas)) {
		t->bad++;
		snprintf(t->why, sizeof(t->why), "pagemap");
		return NULL;
	}
	for (round = 0; round < t->rounds; round++) {
		ret = pt_map_user(t->fd, t->id, t->iova, t->b->p, t->len, PT_RW,
				  t->pgsize, &mapped);
		if (ret == -EADDRINUSE) {
			if (mapped) {
				t->bad++;
				snprintf(t->why, sizeof(t->why),
					 "lost with 0x%llx mapped", mapped);
			}
			continue;
		}
		if (ret || mapped != t->len) {
			t->bad++;
			snprintf(t->why, sizeof(t->why), "map: %s, 0x%llx",
				 strerror(-ret), mapped);
			return NULL;
		}
		t->wins++;
		for (i = 0; i < n; i++) {
			if (pt_walk(t->fd, t->id, t->iova + i * SZ_4K, &w) ||
			    w.out_pa != pas[i]) {
				t->bad++;
				snprintf(t->why, sizeof(t->why),
					 "page %zu of a won map: pa 0x%llx, not 0x%llx",
					 i, w.out_pa, pas[i]);
			}
		}
		ret = pt_unmap(t->fd, t->id, t->iova, t->len, &mapped);
		if (ret || mapped != t->len) {
			t->bad++;
			snprintf(t->why, sizeof(t->why), "unmap: %s, 0x%llx",
				 strerror(-ret), mapped);
			return NULL;
		}
	}
	return NULL;
}

/*
 * Threads map their own buffers over one range, as 4K pages and as 64K
 * leaves of 16 entries (Arm contiguous hint) that a loser claims in part:
 * a winner's map is whole and stays until its owner unmaps it; a loser
 * maps nothing, and takes back what it claimed without touching the
 * winner's. Afterwards nothing stays pinned or allocated.
 */
TEST_F_TIMEOUT(race, same_range_maps, 600)
{
	static const __u64 pgsizes[] = { SZ_4K, SZ_64K };
	/* Off the stack: the harness's setjmp() state stays in registers. */
	struct same_range *t = calloc(3, sizeof(*t));
	struct buf *b = calloc(3, sizeof(*b));
	pthread_t th[3];
	unsigned int p;
	__u32 id;
	int fd, i, wins;

	ASSERT_TRUE(t && b);
	for (i = 0; i < 3; i++)
		alloc_or_die(_metadata, &b[i], SZ_2M, true);
	for (p = 0; p < ARRAY_SIZE(pgsizes); p++) {
		if (pgsizes[p] == SZ_64K && !is_huge_backed(b[0].p))
			SKIP(break, "no THP: no 64K-contiguous buffers");
		fd = ptlab_open(_metadata);
		ASSERT_EQ(0, pt_create(fd, 0, ARM_PGSIZES | SZ_64K, &id));
		wins = 0;
		for (i = 0; i < 3; i++) {
			t[i] = (struct same_range){
				.fd = fd, .id = id, .iova = SZ_1G,
				.len = 4 * SZ_64K, .pgsize = pgsizes[p],
				.b = &b[i], .rounds = 150,
			};
			ASSERT_EQ(0, pthread_create(&th[i], NULL,
						    same_range_fn, &t[i]));
		}
		for (i = 0; i < 3; i++) {
			pthread_join(th[i], NULL);
			EXPECT_EQ(0, t[i].bad) TH_LOG("%s", t[i].why);
			wins += t[i].wins;
		}
		TH_LOG("pgsize 0x%llx: %d wins of %d", pgsizes[p], wins,
		       3 * t[0].rounds);
		ASSERT_LT(0, wins);
		close(fd);
		check_counters(_metadata, &self->base, 0, 0);
	}
	for (i = 0; i < 3; i++)
		buf_free(&b[i]);
	free(b);
	free(t);
}

/* --- what an unprivileged opener may learn and take --- */

FIXTURE(unpriv) {
	struct baseline base;
	mode_t mode;
};

/* The administrator opens the device to everyone (dev_mode=0666). */
FIXTURE_SETUP(unpriv)
{
	struct stat st;

	take_baseline(_metadata, &self->base);
	ASSERT_EQ(0, stat(PTLAB_DEV, &st));
	self->mode = st.st_mode & 07777;
	ASSERT_EQ(0, chmod(PTLAB_DEV, 0666));
}

/* As root again: every file of the test is closed, nothing may remain. */
FIXTURE_TEARDOWN_PARENT(unpriv)
{
	chmod(PTLAB_DEV, self->mode);
	EXPECT_EQ(self->base.secpt_kb, secpt_kb());
}

/*
 * The walk of an arm64-lpae-s1 space as an opener without CAP_SYS_ADMIN
 * sees it: every bit but the addresses, which read as zero.
 */
static void check_walk_hidden_lpae(struct __test_metadata *_metadata, int fd,
				   __u32 id, __u64 iova, __u32 prot)
{
	struct ptlab_walk w;
	unsigned int i;

	ASSERT_EQ(0, pt_walk(fd, id, iova, &w));
	ASSERT_EQ(0ULL, w.out_pa);
	ASSERT_EQ(SZ_4K, w.out_pgsize);
	ASSERT_EQ(prot, w.out_prot);
	ASSERT_EQ(4U, w.out_nr_entries);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(DESC_TABLE, w.out_entries[i])
			TH_LOG("table entry %u: 0x%llx", i, w.out_entries[i]);
	ASSERT_EQ(0ULL, w.out_entries[3] & DESC_ADDR)
		TH_LOG("leaf 0x%llx", w.out_entries[3]);
	ASSERT_EQ(DESC_PAGE, w.out_entries[3] & DESC_TYPE_MASK);
	ASSERT_TRUE(!!(w.out_entries[3] & DESC_AF));
	ASSERT_TRUE(!!(w.out_entries[3] & DESC_NG));
	ASSERT_EQ(!(prot & PTLAB_PROT_WRITE), !!(w.out_entries[3] & DESC_AP2));
}

/* A snapshot of @id as an opener without CAP_SYS_ADMIN gets it. */
static void check_snapshot_hidden(struct __test_metadata *_metadata, int fd,
				  __u32 id, const struct buf *b, __u64 iova,
				  __u64 len)
{
	unsigned char *data;
	size_t i, loads = 0;
	struct core c;
	__u64 bytes;
	int out;

	out = memfd_create("ptlab-core", 0);
	ASSERT_LE(0, out);
	ASSERT_EQ(0, pt_snapshot(fd, id, out, 0, &bytes));
	data = malloc(bytes);
	ASSERT_NE(NULL, data);
	ASSERT_EQ((ssize_t)bytes, pread(out, data, bytes, 0));
	parse_core(_metadata, data, bytes, &c);
	ASSERT_EQ(0ULL, c.note.root_pa);
	ASSERT_EQ(0ULL, c.note.ttbr);
	for (i = 0; i < c.phnum; i++) {
		const struct elf64_phdr *ph = &c.ph[i];

		if (ph->p_type != PT_LOAD)
			continue;
		loads++;
		ASSERT_EQ(0ULL, ph->p_paddr);
		ASSERT_EQ(iova, ph->p_vaddr);
		ASSERT_EQ(len, ph->p_filesz);
		/* Its own memory, the caller may read. */
		ASSERT_EQ(0, memcmp(data + ph->p_offset, b->p, len));
	}
	ASSERT_EQ(1UL, loads);
	free(data);
	close(out);
}

/*
 * pagemap's rule: an opener without CAP_SYS_ADMIN learns no physical
 * address, in INFO, WALK (translation and raw entries) and snapshots,
 * of any format; the same process, through a file it opened as root, does.
 */
TEST_F(unpriv, no_physical_addresses)
{
	struct ptlab_info info;
	struct ptlab_walk w;
	int root_fd, fd;
	__u32 id, xid;
	struct buf b;
	unsigned int i;

	alloc_or_die(_metadata, &b, 4 * SZ_4K, false);
	root_fd = ptlab_open(_metadata);
	ASSERT_EQ(0, become_nobody());
	ASSERT_EQ(0, cap_effective(CAP_SYS_ADMIN));
	fd = ptlab_open(_metadata);

	ASSERT_EQ(0, pt_create(fd, 0, 0, &id));
	ASSERT_EQ(0, pt_info(fd, id, &info));
	ASSERT_EQ(0ULL, info.out_root_pa);
	ASSERT_EQ(0ULL, info.out_ttbr);
	ASSERT_EQ(16ULL, info.out_tcr & 0x3f);
	ASSERT_NE(0ULL, info.out_mair);
	ASSERT_EQ(0, pt_map_user(fd, id, SZ_1G, b.p, 4 * SZ_4K, PT_R, 0, NULL));
	for (i = 0; i < 4; i++)
		check_walk_hidden_lpae(_metadata, fd, id, SZ_1G + i * SZ_4K,
				       PT_R);
	check_snapshot_hidden(_metadata, fd, id, &b, SZ_1G, 4 * SZ_4K);

	/* Another format: x86-64, four levels of present entries. */
	ASSERT_EQ(0, create_fmt(fd, PTLAB_FMT_X86_64, 0, 0, 0, &xid));
	ASSERT_EQ(0, pt_map_user(fd, xid, SZ_1G, b.p, SZ_4K, PT_RW, 0, NULL));
	ASSERT_EQ(0, pt_walk(fd, xid, SZ_1G + 0x123, &w));
	ASSERT_EQ(0ULL, w.out_pa);
	ASSERT_EQ(4U, w.out_nr_entries);
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0ULL, w.out_entries[i] & X86_ADDR)
			TH_LOG("entry %u 0x%llx", i, w.out_entries[i]);
		ASSERT_EQ(1ULL, w.out_entries[i] & 1) TH_LOG("present bit");
	}

	/* The file root opened: the addresses, consistent with the entries. */
	ASSERT_EQ(0, pt_create(root_fd, 0, 0, &id));
	ASSERT_EQ(0, pt_info(root_fd, id, &info));
	ASSERT_NE(0ULL, info.out_root_pa);
	ASSERT_EQ(info.out_root_pa, info.out_ttbr);
	ASSERT_EQ(0, pt_map_user(root_fd, id, SZ_1G, b.p, SZ_4K, PT_R, 0, NULL));
	ASSERT_EQ(0, pt_walk(root_fd, id, SZ_1G + 0x10, &w));
	ASSERT_NE(0ULL, w.out_pa);
	ASSERT_EQ(w.out_pa & ~0xfffULL, w.out_entries[3] & DESC_ADDR);
	ASSERT_NE(0ULL, w.out_entries[0] & DESC_TABLE_ADDR);
	close(fd);
	close(root_fd);
	buf_free(&b);
}

/*
 * The credentials a file was opened with decide, not the caller's: root,
 * given the file of an unprivileged opener, sees no address either.
 */
TEST_F(unpriv, opener_credentials_decide)
{
	int sv[2], fd, status;
	struct ptlab_info info;
	struct ptlab_walk w;
	char done = 1;
	pid_t pid;
	__u32 id;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct buf b;
		__u32 id;
		int cfd;

		close(sv[0]);
		if (buf_alloc(&b, SZ_4K, false) || become_nobody())
			_exit(1);
		cfd = open(PTLAB_DEV, O_RDWR);
		if (cfd < 0 || pt_create(cfd, 0, 0, &id) ||
		    pt_map_user(cfd, id, SZ_1G, b.p, SZ_4K, PT_RW, 0, NULL) ||
		    write(sv[1], &id, sizeof(id)) != sizeof(id) ||
		    send_fd(sv[1], cfd))
			_exit(2);
		/* Keep the pages mapped until the parent has looked. */
		if (read(sv[1], &done, 1) != 1)
			_exit(3);
		_exit(0);
	}
	close(sv[1]);
	ASSERT_EQ((ssize_t)sizeof(id), read(sv[0], &id, sizeof(id)))
		TH_LOG("the child failed before sending its file");
	fd = recv_fd(sv[0]);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pt_info(fd, id, &info));
	ASSERT_EQ(0ULL, info.out_root_pa);
	ASSERT_EQ(0, pt_walk(fd, id, SZ_1G, &w));
	ASSERT_EQ(0ULL, w.out_pa);
	ASSERT_EQ(0ULL, w.out_entries[3] & DESC_ADDR);
	ASSERT_EQ(DESC_PAGE, w.out_entries[3] & DESC_TYPE_MASK);
	ASSERT_EQ(1, write(sv[0], &done, 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, status);
	close(fd);
	close(sv[0]);
	check_counters(_metadata, &self->base, 0, 0);
}

/* Stage 2 with 16 concatenated 64K tables: a top-level table of 1 MiB. */
#define BIG_ROOT_PAGES	256

static int create_big_root(int fd, __u32 *id)
{
	return create_fmt(fd, PTLAB_FMT_ARM64_LPAE_S2, 16, 46, 40, id);
}

/* What the unprivileged child of table_memory_bounded reports. */
struct bounded_report {
	int made;		/* spaces it got before -ENOMEM */
	int err;		/* what the next create returned */
	long long pages;	/* their table pages, from INFO */
	int again;		/* spaces it got again after closing them */
	int again_err;
};

/* As nobody: create 1 MiB roots in up to 8 files, 2 each, till refused. */
static void bounded_child(int report, int go)
{
	struct bounded_report r = {};
	int fds[8], i, j, nfds = 0, ret = 0;
	char byte;
	__u32 id;

	if (become_nobody())
		_exit(1);
	for (i = 0; i < 8 && !ret; i++) {
		fds[i] = open(PTLAB_DEV, O_RDWR);
		if (fds[i] < 0)
			_exit(2);
		nfds = i + 1;
		for (j = 0; j < 2; j++) {
			ret = create_big_root(fds[i], &id);
			if (ret)
				break;
			r.pages += fd_table_pages(fds[i], &id, 1);
			r.made++;
		}
	}
	r.err = ret;
	/* Hold them while the parent reads SecPageTables. */
	if (write(report, &r, sizeof(r)) != sizeof(r) ||
	    read(go, &byte, 1) != 1)
		_exit(3);
	for (i = 0; i < nfds; i++)
		close(fds[i]);
	/* All of it came back: the limit allows as much again. */
	fds[0] = open(PTLAB_DEV, O_RDWR);
	while (!(ret = create_big_root(fds[0], &id)) && r.again < 16)
		r.again++;
	r.again_err = ret;
	close(fds[0]);
	if (write(report, &r, sizeof(r)) != sizeof(r))
		_exit(4);
	_exit(0);
}

/*
 * Table memory counts with the user's locked memory, within its
 * RLIMIT_MEMLOCK across all its files, unless it has CAP_IPC_LOCK: root
 * goes past the limit, nobody stops at it with -ENOMEM, and what it got
 * is all SecPageTables shows.
 */
TEST_F(unpriv, table_memory_bounded)
{
	struct rlimit rl = { .rlim_cur = 4 << 20, .rlim_max = 4 << 20 };
	long limit_pages = rl.rlim_cur / SZ_4K;
	struct bounded_report r;
	int rep[2], go[2], fd, i, status;
	char byte = 1;
	pid_t pid;
	__u32 id;

	ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &rl));
	/* Root, with CAP_IPC_LOCK: twice the limit. */
	fd = ptlab_open(_metadata);
	for (i = 0; i < 8; i++)
		ASSERT_EQ(0, create_big_root(fd, &id));
	ASSERT_EQ(2 * limit_pages * 4, secpt_kb() - self->base.secpt_kb);
	close(fd);
	check_counters(_metadata, &self->base, 0, 0);

	ASSERT_EQ(0, pipe(rep));
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		bounded_child(rep[1], go[0]);
	ASSERT_EQ((ssize_t)sizeof(r), read(rep[0], &r, sizeof(r)))
		TH_LOG("the child failed");
	TH_LOG("nobody got %d spaces, %lld table pages, limit %ld", r.made,
	       r.pages, limit_pages);
	ASSERT_EQ(-ENOMEM, r.err);
	ASSERT_LE(r.pages, limit_pages);
	ASSERT_EQ(limit_pages / BIG_ROOT_PAGES, r.made);
	ASSERT_EQ(r.pages * 4, secpt_kb() - self->base.secpt_kb);
	ASSERT_EQ(1, write(go[1], &byte, 1));
	ASSERT_EQ((ssize_t)sizeof(r), read(rep[0], &r, sizeof(r)));
	ASSERT_EQ(limit_pages / BIG_ROOT_PAGES, r.again);
	ASSERT_EQ(-ENOMEM, r.again_err);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, status);
	check_counters(_metadata, &self->base, 0, 0);
}

/* --- memory cgroups --- */

#define CGROUP_ROOT	"/sys/fs/cgroup"

/* cgroup v2 with the memory controller for children, or a reason. */
static const char *cgroup_ready(void)
{
	struct statfs sf;
	char ctl[256] = "";
	FILE *f;

	if (statfs(CGROUP_ROOT, &sf) || sf.f_type != CGROUP2_SUPER_MAGIC) {
		if (mount("none", CGROUP_ROOT, "cgroup2", 0, NULL))
			return "cannot mount cgroup2";
	}
	f = fopen(CGROUP_ROOT "/cgroup.subtree_control", "r+");
	if (!f)
		return "no cgroup.subtree_control";
	if (!fgets(ctl, sizeof(ctl), f) || !strstr(ctl, "memory")) {
		rewind(f);
		fputs("+memory", f);
	}
	if (fclose(f))
		return "cannot enable the memory controller";
	return NULL;
}

/* sec_pagetables of a cgroup's memory.stat, in bytes, or -1. */
static long long cgroup_secpt(const char *cg)
{
	char path[256], line[256];
	long long val = -1, v;
	FILE *f;

	snprintf(path, sizeof(path), "%s/memory.stat", cg);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "sec_pagetables %lld", &v) == 1)
			val = v;
	fclose(f);
	return val;
}

static int cgroup_enter(const char *cg, pid_t pid)
{
	char path[256];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "%s/cgroup.procs", cg);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	ret = fprintf(f, "%d\n", pid) > 0 ? 0 : -EIO;
	return fclose(f) ? -errno : ret;
}

/*
 * Tables are charged to the memory cgroup of the file's opener, whoever
 * makes them: a process in another cgroup mapping through an inherited
 * file charges the opener's. (memory.stat is exact but for per-CPU
 * batches of at most 64 pages each.)
 */
TEST_F_TIMEOUT(unpriv, tables_charged_to_opener_cgroup, 120)
{
	const long long slack = 2 * 64 * SZ_4K;
	char a[64], b[64];
	struct ptlab_map_phys req;
	const struct iomem *io;
	long long a0, b0, a1, b1, tables;
	const char *why;
	int fd, status;
	__u64 mmio;
	pid_t pid;
	__u32 id;

	why = cgroup_ready();
	if (why)
		SKIP(return, "%s", why);
	io = iomem_get();
	ASSERT_NE(NULL, io);
	/* 512 MiB of 4K pages of non-RAM: 256 tables, twice the slack. */
	if (!iomem_find_mmio(io, 512 * SZ_1M, &mmio))
		SKIP(return, "no 512 MiB without RAM in /proc/iomem");
	snprintf(a, sizeof(a), CGROUP_ROOT "/ptlab-a-%d", getpid());
	snprintf(b, sizeof(b), CGROUP_ROOT "/ptlab-b-%d", getpid());
	ASSERT_EQ(0, mkdir(a, 0755));
	ASSERT_EQ(0, mkdir(b, 0755));
	/* The opener, in cgroup a. */
	ASSERT_EQ(0, cgroup_enter(a, getpid()));
	fd = ptlab_open(_metadata);
	ASSERT_EQ(0, pt_create(fd, 0, 0, &id));
	a0 = cgroup_secpt(a);
	b0 = cgroup_secpt(b);
	ASSERT_LE(0, a0);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (cgroup_enter(b, getpid()))
			_exit(1);
		req = phys_req(id, SZ_1G, mmio, 512 * SZ_1M, PT_RW);
		req.pgsize = SZ_4K;
		_exit(pt_ioctl(fd, PTLAB_IOCTL_MAP_PHYS, &req) ? 2 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, status);
	tables = fd_table_pages(fd, &id, 1) * SZ_4K;
	a1 = cgroup_secpt(a);
	b1 = cgroup_secpt(b);
	TH_LOG("tables %lld bytes; opener's cgroup +%lld, mapper's +%lld",
	       tables, a1 - a0, b1 - b0);
	ASSERT_LT(2 * slack, tables);
	ASSERT_LE(tables - slack, a1 - a0);
	ASSERT_GE(tables + slack, a1 - a0);
	ASSERT_GE(slack, b1 - b0);
	close(fd);
	ASSERT_EQ(0, cgroup_enter(CGROUP_ROOT, getpid()));
	rmdir(a);
	rmdir(b);
	check_counters(_metadata, &self->base, 0, 0);
}

/* --- snapshots under attack --- */

#define SLOTS		32
#define SLOT		SZ_64K
#define SLOT_IOVA	SZ_1G

FIXTURE(snapx) {
	struct baseline base;
	int fd;
	__u32 id;
	struct buf b;
	char path[32];
	int out;
};

FIXTURE_SETUP(snapx)
{
	size_t i;

	take_baseline(_metadata, &self->base);
	self->fd = ptlab_open(_metadata);
	ASSERT_EQ(0, pt_create(self->fd, 0, 0, &self->id));
	alloc_or_die(_metadata, &self->b, SLOTS * SLOT, false);
	/* Every page says which slot and page it is. */
	for (i = 0; i < SLOTS * SLOT / SZ_4K; i++)
		memset(self->b.p + i * SZ_4K, (int)(i % 251) + 1, SZ_4K);
	snprintf(self->path, sizeof(self->path), "/tmp/ptlab-snapx.XXXXXX");
	self->out = mkstemp(self->path);
	ASSERT_LE(0, self->out);
}

FIXTURE_TEARDOWN(snapx)
{
	close(self->out);
	unlink(self->path);
	close(self->fd);
	buf_free(&self->b);
}

struct mapper {
	int fd;
	__u32 id;
	struct buf *b;
	bool *stop;
	unsigned int seed;
	int first, nr;		/* its slots */
	int ops;
	int bad;
};

/* Maps and unmaps its own slots, each always to the same buffer pages. */
static void *mapper_fn(void *arg)
{
	struct mapper *m = arg;
	__u64 iova, done;
	int slot, ret;

	while (!__atomic_load_n(m->stop, __ATOMIC_ACQUIRE)) {
		slot = m->first + rand_r(&m->seed) % m->nr;
		iova = SLOT_IOVA + (__u64)slot * SLOT;
		ret = pt_map_user(m->fd, m->id, iova, m->b->p + slot * SLOT, SLOT,
				  PT_RW, 0, NULL);
		if (ret == -EADDRINUSE)
			ret = pt_unmap(m->fd, m->id, iova, SLOT, &done);
		if (ret && ret != -EINTR)
			m->bad++;
		m->ops++;
	}
	return NULL;
}

/*
 * A core of one moment: well formed, its loads in order and apart, each
 * slot wholly in it or not at all, each page's contents the page of the
 * buffer its slot maps.
 */
static void check_slot_core(struct __test_metadata *_metadata,
			    const unsigned char *data, size_t len,
			    const struct buf *b)
{
	__u64 prev_end = 0, page, off, data_end = 0;
	unsigned int pages[SLOTS] = {};
	const struct elf64_phdr *ph;
	struct core c;
	size_t i;

	parse_core(_metadata, data, len, &c);
	for (i = 0; i < c.phnum; i++) {
		ph = &c.ph[i];
		if (ph->p_type != PT_LOAD)
			continue;
		ASSERT_LE(prev_end, ph->p_vaddr) TH_LOG("loads out of order");
		ASSERT_LE(SLOT_IOVA, ph->p_vaddr);
		ASSERT_EQ(ph->p_memsz, ph->p_filesz);
		ASSERT_LE(c.hdr_end, ph->p_offset);
		ASSERT_LE(ph->p_offset + ph->p_filesz, len);
		ASSERT_LE(data_end, ph->p_offset) TH_LOG("overlapping data");
		for (off = 0; off < ph->p_filesz; off += SZ_4K) {
			page = (ph->p_vaddr + off - SLOT_IOVA) / SZ_4K;
			ASSERT_LT(page, (__u64)SLOTS * SLOT / SZ_4K);
			ASSERT_EQ(0, memcmp(data + ph->p_offset + off,
					    b->p + page * SZ_4K, SZ_4K))
				TH_LOG("IOVA 0x%llx", ph->p_vaddr + off);
			pages[page / (SLOT / SZ_4K)]++;
		}
		prev_end = ph->p_vaddr + ph->p_memsz;
		data_end = ph->p_offset + ph->p_filesz;
	}
	for (i = 0; i < SLOTS; i++) {
		unsigned int n = pages[i];

		ASSERT_TRUE(!n || n == SLOT / SZ_4K)
			TH_LOG("slot %zu: %u pages of a map", i, n);
	}
	if (data_end)
		ASSERT_EQ(len, data_end) TH_LOG("bytes past the data");
}

/*
 * Snapshots taken while other threads map and unmap: each core, by ioctl
 * and read from debugfs in small pieces, is one moment of the space.
 */
TEST_F_TIMEOUT(snapx, consistent_during_maps, 600)
{
	struct mapper m[2];
	unsigned char *data;
	pthread_t th[2];
	bool stop = false;
	char path[128];
	__u64 bytes;
	size_t len;
	int i;

	for (i = 0; i < 2; i++) {
		m[i] = (struct mapper){
			.fd = self->fd, .id = self->id, .b = &self->b,
			.stop = &stop, .seed = i + 1, .first = i * SLOTS / 2,
			.nr = SLOTS / 2,
		};
		ASSERT_EQ(0, pthread_create(&th[i], NULL, mapper_fn, &m[i]));
	}
	debugfs_path(path, sizeof(path), self->id, "snapshot");
	for (i = 0; i < 24; i++) {
		if (i % 2) {
			data = read_path(path, 200, &len);
			ASSERT_NE(NULL, data);
		} else {
			ASSERT_EQ(0, ftruncate(self->out, 0));
			ASSERT_EQ(0, lseek(self->out, 0, SEEK_SET));
			ASSERT_EQ(0, pt_snapshot(self->fd, self->id, self->out,
						 0, &bytes));
			len = bytes;
			data = malloc(len);
			ASSERT_NE(NULL, data);
			ASSERT_EQ((ssize_t)len, pread(self->out, data, len, 0));
		}
		check_slot_core(_metadata, data, len, &self->b);
		free(data);
	}
	__atomic_store_n(&stop, true, __ATOMIC_RELEASE);
	for (i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		ASSERT_EQ(0, m[i].bad);
		TH_LOG("mapper %d: %d operations", i, m[i].ops);
	}
}

struct bg_map {
	int fd;
	__u32 id;
	void *p;
	int ret;
	bool done;
};

static void *bg_map_fn(void *arg)
{
	struct bg_map *t = arg;

	t->ret = pt_map_user(t->fd, t->id, 2 * SZ_1G, t->p, SZ_4K, PT_R, 0,
			     NULL);
	__atomic_store_n(&t->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * An open debugfs snapshot is one moment too, however slowly it is read:
 * a map waits until it is closed, and the bytes are those of a core taken
 * just before.
 */
TEST_F_TIMEOUT(snapx, debugfs_open_is_one_moment, 120)
{
	unsigned char *want, *got;
	struct bg_map t = {};
	pthread_t th;
	char path[128];
	__u64 bytes;
	size_t have = 0;
	ssize_t n;
	int dfd;

	ASSERT_EQ(0, pt_map_user(self->fd, self->id, SLOT_IOVA, self->b.p,
				 4 * SLOT, PT_RW, 0, NULL));
	ASSERT_EQ(0, pt_snapshot(self->fd, self->id, self->out, 0, &bytes));
	want = malloc(bytes);
	got = malloc(bytes + 1);
	ASSERT_TRUE(want && got);
	ASSERT_EQ((ssize_t)bytes, pread(self->out, want, bytes, 0));

	debugfs_path(path, sizeof(path), self->id, "snapshot");
	dfd = open(path, O_RDONLY);
	ASSERT_LE(0, dfd);
	n = read(dfd, got, 1000);
	ASSERT_EQ(1000, n);
	have = n;
	t = (struct bg_map){ .fd = self->fd, .id = self->id, .p = self->b.p };
	ASSERT_EQ(0, pthread_create(&th, NULL, bg_map_fn, &t));
	usleep(300000);
	while ((n = read(dfd, got + have, 777)) > 0)
		have += n;
	ASSERT_EQ(0, n);
	ASSERT_FALSE(__atomic_load_n(&t.done, __ATOMIC_ACQUIRE))
		TH_LOG("a map went through an open snapshot");
	ASSERT_EQ(bytes, have);
	ASSERT_EQ(0, memcmp(want, got, bytes));
	close(dfd);
	pthread_join(th, NULL);
	ASSERT_EQ(0, t.ret);
	free(want);
	free(got);
}

struct bg_snap {
	int fd;
	__u32 id;
	int out;
	int ret;
	__u64 bytes;
	bool done;
};

static void *bg_snap_fn(void *arg)
{
	struct bg_snap *t = arg;

	t->ret = pt_snapshot(t->fd, t->id, t->out, 0, &t->bytes);
	__atomic_store_n(&t->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * Waits until the snapshot @t writing into @rfd's pipe has filled it and
 * waits for room; false if it ended first, or after 60 s.
 */
static bool pipe_fills(int rfd, const struct bg_snap *t)
{
	double end = now_s() + 60;
	int avail = 0, last = -1;

	while (now_s() < end && !__atomic_load_n(&t->done, __ATOMIC_ACQUIRE)) {
		if (ioctl(rfd, FIONREAD, &avail))
			return false;
		/* Full: the same count twice, 100 ms apart. */
		if (avail && avail == last)
			return true;
		last = avail;
		usleep(100000);
	}
	return false;
}

/* Drains a pipe to its end; returns the bytes (free() them). */
static unsigned char *drain(int rfd, size_t *len)
{
	return read_fd(rfd, SZ_64K, len);
}

/*
 * Reads what the snapshot @t writes into @rfd's pipe until it is done and
 * the pipe is empty; returns the bytes (free() them), or NULL.
 */
static unsigned char *drain_snapshot(int rfd, const struct bg_snap *t,
				     size_t *len)
{
	size_t cap = SZ_4M, have = 0;
	unsigned char *p = malloc(cap), *q;
	bool done;
	ssize_t n;

	if (!p || fcntl(rfd, F_SETFL, O_NONBLOCK))
		goto fail;
	for (;;) {
		done = __atomic_load_n(&t->done, __ATOMIC_ACQUIRE);
		if (cap - have < SZ_64K) {
			cap *= 2;
			q = realloc(p, cap);
			if (!q)
				goto fail;
			p = q;
		}
		n = read(rfd, p + have, SZ_64K);
		if (n > 0) {
			have += n;
			continue;
		}
		if (n < 0 && errno != EAGAIN)
			goto fail;
		/* Empty after it was done: nothing more will come. */
		if (done)
			break;
		usleep(1000);
	}
	*len = have;
	return p;
fail:
	free(p);
	return NULL;
}

/*
 * A snapshot stuck writing into a pipe nobody reads holds no lock: walks go
 * on, a process waiting to unmap can be killed, the file can be closed;
 * once the pipe drains, the core is whole.
 */
TEST_F_TIMEOUT(snapx, stalled_pipe, 180)
{
	struct bg_snap t = {};
	struct ptlab_walk w;
	unsigned char *data;
	int p[2], status;
	pthread_t th;
	size_t len;
	pid_t pid;

	ASSERT_EQ(0, pt_map_user(self->fd, self->id, SLOT_IOVA, self->b.p,
				 SLOTS * SLOT, PT_RW, 0, NULL));
	ASSERT_EQ(0, pipe(p));
	t = (struct bg_snap){ .fd = self->fd, .id = self->id, .out = p[1] };
	ASSERT_EQ(0, pthread_create(&th, NULL, bg_snap_fn, &t));
	ASSERT_TRUE(pipe_fills(p[0], &t)) TH_LOG("done %d ret %d", t.done, t.ret);
	ASSERT_FALSE(__atomic_load_n(&t.done, __ATOMIC_ACQUIRE));

	ASSERT_EQ(0, pt_walk(self->fd, self->id, SLOT_IOVA, &w));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		__u64 done;

		/* Waits for the snapshot: it must die when killed. */
		pt_unmap(self->fd, self->id, SLOT_IOVA, SLOT, &done);
		_exit(0);
	}
	usleep(300000);
	ASSERT_EQ(-1, wait_for(pid, 0.1)) TH_LOG("unmapped during a snapshot");
	ASSERT_EQ(0, kill(pid, SIGKILL));
	status = wait_for(pid, 60);
	ASSERT_NE(-1, status) TH_LOG("a killed unmap did not die");
	ASSERT_TRUE(WIFSIGNALED(status));
	ASSERT_EQ(0, pt_walk(self->fd, self->id, SLOT_IOVA, &w));

	data = drain_snapshot(p[0], &t, &len);
	pthread_join(th, NULL);
	ASSERT_NE(NULL, data);
	ASSERT_EQ(0, t.ret);
	ASSERT_EQ(t.bytes, len);
	check_slot_core(_metadata, data, len, &self->b);
	free(data);
	close(p[0]);
	close(p[1]);
}

static void on_usr1(int sig)
{
	(void)sig;
}

/*
 * A signal stops a snapshot with -EINTR and what it wrote; the call is not
 * restarted (SA_RESTART), which would append a second core.
 */
TEST_F_TIMEOUT(snapx, signal_no_second_core, 180)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
	struct bg_snap t = {};
	unsigned char *data;
	pthread_t th;
	size_t len, i, magics = 0;
	int p[2];

	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	ASSERT_EQ(0, pt_map_user(self->fd, self->id, SLOT_IOVA, self->b.p,
				 SLOTS * SLOT, PT_RW, 0, NULL));
	ASSERT_EQ(0, pipe(p));
	t = (struct bg_snap){ .fd = self->fd, .id = self->id, .out = p[1] };
	ASSERT_EQ(0, pthread_create(&th, NULL, bg_snap_fn, &t));
	ASSERT_TRUE(pipe_fills(p[0], &t)) TH_LOG("done %d ret %d", t.done, t.ret);
	ASSERT_EQ(0, pthread_kill(th, SIGUSR1));
	for (i = 0; i < 3000 && !__atomic_load_n(&t.done, __ATOMIC_ACQUIRE);
	     i++)
		usleep(10000);
	if (!__atomic_load_n(&t.done, __ATOMIC_ACQUIRE)) {
		/* Restarted: let it finish, to fail with what it wrote. */
		ASSERT_EQ(0, fcntl(p[0], F_SETFL, O_NONBLOCK));
		while (!__atomic_load_n(&t.done, __ATOMIC_ACQUIRE))
			free(drain(p[0], &len));
	}
	pthread_join(th, NULL);
	ASSERT_EQ(-EINTR, t.ret);
	ASSERT_EQ(0, fcntl(p[0], F_SETFL, O_NONBLOCK));
	close(p[1]);
	data = drain(p[0], &len);
	ASSERT_NE(NULL, data);
	ASSERT_EQ(t.bytes, len);
	for (i = 0; i + SELFMAG <= len; i += SZ_4K)
		magics += !memcmp(data + i, ELFMAG, SELFMAG);
	ASSERT_EQ(1UL, magics);
	free(data);
	close(p[0]);
}

struct shared_snap {
	int fd;
	__u32 id;
	int out;
	int ret;
	__u64 bytes;
};

static void *shared_snap_fn(void *arg)
{
	struct shared_snap *t = arg;

	t->ret = pt_snapshot(t->fd, t->id, t->out, 0, &t->bytes);
	return NULL;
}

/*
 * Two snapshots into one file description share its position, as two
 * write() calls do: the file holds both cores, one after the other.
 */
TEST_F(snapx, shared_position)
{
	struct shared_snap t[2];
	unsigned char *data;
	pthread_t th[2];
	struct stat st;
	int i;

	ASSERT_EQ(0, pt_map_user(self->fd, self->id, SLOT_IOVA, self->b.p,
				 SLOTS * SLOT, PT_RW, 0, NULL));
	for (i = 0; i < 2; i++) {
		t[i] = (struct shared_snap){
			.fd = self->fd, .id = self->id, .out = self->out,
		};
		ASSERT_EQ(0, pthread_create(&th[i], NULL, shared_snap_fn,
					    &t[i]));
	}
	for (i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		ASSERT_EQ(0, t[i].ret);
	}
	ASSERT_EQ(t[0].bytes, t[1].bytes);
	ASSERT_EQ(0, fstat(self->out, &st));
	ASSERT_EQ(2 * t[0].bytes, (__u64)st.st_size);
	ASSERT_EQ((off_t)st.st_size, lseek(self->out, 0, SEEK_CUR));
	data = malloc(st.st_size);
	ASSERT_NE(NULL, data);
	ASSERT_EQ(st.st_size, pread(self->out, data, st.st_size, 0));
	check_slot_core(_metadata, data, t[0].bytes, &self->b);
	check_slot_core(_metadata, data + t[0].bytes, t[0].bytes, &self->b);
	free(data);
}

/* --- physical memory the module must not trust --- */

FIXTURE(physx) {
	struct baseline base;
	int fd;
	__u32 id;
	int out;
	char path[32];
};

FIXTURE_SETUP(physx)
{
	take_baseline(_metadata, &self->base);
	self->fd = ptlab_open(_metadata);
	ASSERT_EQ(0, pt_create(self->fd, 0, 0, &self->id));
	snprintf(self->path, sizeof(self->path), "/tmp/ptlab-physx.XXXXXX");
	self->out = mkstemp(self->path);
	ASSERT_LE(0, self->out);
}

FIXTURE_TEARDOWN(physx)
{
	close(self->out);
	unlink(self->path);
	close(self->fd);
}

static int map_phys_page(int fd, __u32 id, __u64 iova, __u64 pa, __u32 *kind)
{
	struct ptlab_map_phys req = phys_req(id, iova, pa, SZ_4K, PT_R);
	int ret = pt_ioctl(fd, PTLAB_IOCTL_MAP_PHYS, &req);

	*kind = req.out_kind;
	return ret;
}

/* memfd_secret(2): memory the kernel took out of its own direct map. */
TEST_F(physx, secretmem_refused)
{
	__u64 pa, mapped;
	__u32 kind;
	char *p;
	int sfd;

	sfd = syscall(__NR_memfd_secret, 0);
	if (sfd < 0)
		SKIP(return, "memfd_secret: %s (6.1 needs secretmem.enable=1)",
		     strerror(errno));
	ASSERT_EQ(0, ftruncate(sfd, SZ_4K));
	p = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE, MAP_SHARED, sfd, 0);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 0x5a, SZ_4K);
	ASSERT_EQ(0, pagemap_pas(p, 1, &pa));
	ASSERT_TRUE(pa_is_ram(pa));
	ASSERT_EQ(-EINVAL, map_phys_page(self->fd, self->id, SZ_1G, pa,
					 &kind));
	/* Nor can it be pinned. */
	ASSERT_NE(0, pt_map_user(self->fd, self->id, SZ_1G, p, SZ_4K, PT_R, 0,
				 &mapped));
	ASSERT_EQ(0ULL, mapped);
	munmap(p, SZ_4K);
	close(sfd);
	check_counters(_metadata, &self->base, 0, 1);
}

/*
 * A poisoned page (MADV_HWPOISON) is RAM no one may read again. A child
 * poisons a page of its own (and may be killed for it).
 */
TEST_F(physx, hwpoison_refused)
{
	int p[2], status;
	__u32 kind;
	pid_t pid;
	__u64 pa;

	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		char *q = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (q == MAP_FAILED)
			_exit(1);
		memset(q, 0x77, SZ_4K);
		if (pagemap_pas(q, 1, &pa) ||
		    write(p[1], &pa, sizeof(pa)) != sizeof(pa))
			_exit(2);
		_exit(madvise(q, SZ_4K, MADV_HWPOISON) ? 3 : 0);
	}
	ASSERT_EQ((ssize_t)sizeof(pa), read(p[0], &pa, sizeof(pa)));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 3)
		SKIP(return, "MADV_HWPOISON failed (CONFIG_MEMORY_FAILURE?)");
	ASSERT_TRUE(pa_is_ram(pa));
	ASSERT_EQ(-EINVAL, map_phys_page(self->fd, self->id, SZ_1G, pa,
					 &kind));
	close(p[0]);
	close(p[1]);
}

#define KPF_SLAB	7
#define KPF_RESERVED	32

/* The first PFN in /proc/kpageflags with @flag and none of @not. */
static __u64 kpage_find(__u64 flag, __u64 not)
{
	__u64 flags[512], pfn;
	ssize_t n;
	int fd, i;

	fd = open("/proc/kpageflags", O_RDONLY);
	if (fd < 0)
		return 0;
	for (pfn = 256; ; pfn += 512) {
		n = pread(fd, flags, sizeof(flags), pfn * sizeof(__u64));
		if (n <= 0)
			break;
		for (i = 0; i < n / 8; i++)
			if ((flags[i] & (1ULL << flag)) && !(flags[i] & not) &&
			    pa_is_ram((pfn + i) * SZ_4K)) {
				close(fd);
				return pfn + i;
			}
	}
	close(fd);
	return 0;
}

/*
 * /dev/mem's policy for what snapshots copy: a kernel page (slab) that
 * /dev/mem refuses to this process may be mapped by CAP_SYS_RAWIO, but its
 * contents stay out of the core (p_filesz 0, as for MMIO); pinned user
 * memory in the same core is copied.
 */
TEST_F(physx, kernel_page_not_copied)
{
	static unsigned char page[SZ_4K];
	__u64 pfn, bytes, pa;
	unsigned char *data;
	const struct elf64_phdr *ph;
	struct core c;
	struct buf b;
	__u32 kind;
	size_t i, loads = 0;
	int ret;

	pfn = kpage_find(KPF_SLAB, 1ULL << KPF_RESERVED);
	ASSERT_NE(0ULL, pfn) TH_LOG("no slab page in /proc/kpageflags");
	pa = pfn * SZ_4K;
	ret = devmem_read(pa, page);
	TH_LOG("slab page 0x%llx: /dev/mem says %s", pa,
	       ret ? strerror(-ret) : "readable");
	ASSERT_EQ(0, map_phys_page(self->fd, self->id, SZ_1G, pa, &kind));
	ASSERT_EQ((__u32)PTLAB_PHYS_RAM, kind);
	alloc_or_die(_metadata, &b, SZ_4K, false);
	ASSERT_EQ(0, pt_map_user(self->fd, self->id, 2 * SZ_1G, b.p, SZ_4K,
				 PT_R, 0, NULL));
	ASSERT_EQ(0, pt_snapshot(self->fd, self->id, self->out, 0, &bytes));
	data = malloc(bytes);
	ASSERT_NE(NULL, data);
	ASSERT_EQ((ssize_t)bytes, pread(self->out, data, bytes, 0));
	parse_core(_metadata, data, bytes, &c);
	for (i = 0; i < c.phnum; i++) {
		ph = &c.ph[i];
		if (ph->p_type != PT_LOAD)
			continue;
		loads++;
		if (ph->p_vaddr == SZ_1G) {
			ASSERT_EQ(pa, ph->p_paddr);
			/* Slab changes under us: what matters is whether. */
			ASSERT_EQ(ret ? 0ULL : SZ_4K, ph->p_filesz);
		} else {
			ASSERT_EQ(SZ_4K, ph->p_filesz);
			ASSERT_EQ(0, memcmp(data + ph->p_offset, b.p, SZ_4K));
		}
	}
	ASSERT_EQ(2UL, loads);
	free(data);
	buf_free(&b);
}

/*
 * A map of many 4K entries of non-RAM is interruptible: killed half-way,
 * the process dies with part of the range mapped, and its file's close
 * frees every table.
 */
TEST_F_TIMEOUT(physx, map_is_killable, 300)
{
	const __u64 len = 64 * SZ_1G;	/* 16M entries, 32K tables */
	const struct iomem *io;
	struct ptlab_info info;
	__u64 mmio = 0;
	int status, i;
	pid_t pid;

	/* Above every resource of /proc/iomem: no RAM, so MMIO. */
	io = iomem_get();
	ASSERT_NE(NULL, io);
	for (i = 0; i < io->nr; i++)
		if (io->r[i].end >= mmio)
			mmio = io->r[i].end + 1;
	mmio = align_up(mmio, len);
	ASSERT_GE(TOP(ARM_OAS), mmio + len);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct ptlab_map_phys req;

		req = phys_req(self->id, SZ_1G, mmio, len, PT_R);
		req.pgsize = SZ_4K;
		pt_ioctl(self->fd, PTLAB_IOCTL_MAP_PHYS, &req);
		_exit(0);
	}
	/* Kill it once it has made some tables, long before the end. */
	do {
		ASSERT_EQ(0, pt_info(self->fd, self->id, &info));
		ASSERT_EQ(-1, wait_for(pid, 0.01))
			TH_LOG("the map ended before it was killed");
	} while (info.out_table_pages < 64);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status));
	ASSERT_EQ(0, pt_info(self->fd, self->id, &info));
	TH_LOG("killed with 0x%llx of 0x%llx mapped, %llu table pages",
	       info.out_mapped_bytes, len, info.out_table_pages);
	ASSERT_LT(info.out_mapped_bytes, len);
	ASSERT_LT(info.out_table_pages, len / SZ_2M);
	close(self->fd);
	self->fd = -1;
	check_counters(_metadata, &self->base, 0, 0);
}

/*
 * Around every boundary of System RAM in /proc/iomem (at any depth), a
 * range is RAM, MMIO or refused exactly as /proc/iomem says: the answer
 * must be the same on every kernel.
 */
TEST_F(physx, classify_like_iomem)
{
	const struct iomem *io = iomem_get();
	__u64 pa, edges[2];
	int i, e, checked = 0, want, ret;
	__u32 kind;

	ASSERT_NE(NULL, io);
	for (i = 0; i < io->nr; i++) {
		const struct res *r = &io->r[i];

		if (!res_is_ram(r) || r->start % SZ_4K ||
		    (r->end + 1) % SZ_4K)
			continue;
		edges[0] = r->start;
		edges[1] = r->end + 1;
		for (e = 0; e < 2; e++) {
			/* Two pages: below the edge and above it. */
			if (edges[e] < SZ_4K)
				continue;
			pa = edges[e] - SZ_4K;
			ret = map_phys_page(self->fd, self->id, SZ_1G, pa,
					    &kind);
			want = iomem_ram_in(io, pa, pa + SZ_4K - 1);
			if (!ret) {
				ASSERT_EQ(want ? PTLAB_PHYS_RAM :
					  PTLAB_PHYS_MMIO, (int)kind)
					TH_LOG("pa 0x%llx", pa);
				ASSERT_EQ(0, pt_unmap(self->fd, self->id,
						      SZ_1G, SZ_4K, &pa));
			} else {
				/* RAM the kernel reserved, never MMIO. */
				ASSERT_EQ(-EINVAL, ret);
				ASSERT_TRUE(want) TH_LOG("pa 0x%llx", pa);
			}
			pa = edges[e] - SZ_4K;
			{
				struct ptlab_map_phys req =
					phys_req(self->id, SZ_1G, pa, 2 * SZ_4K,
						 PT_R);
				bool lo = iomem_ram_in(io, pa, pa + SZ_4K - 1);
				bool hi = iomem_ram_in(io, pa + SZ_4K,
						       pa + 2 * SZ_4K - 1);

				ret = pt_ioctl(self->fd, PTLAB_IOCTL_MAP_PHYS,
					       &req);
				if (lo != hi) {
					ASSERT_EQ(-EINVAL, ret)
						TH_LOG("mixed at 0x%llx", pa);
				} else if (!ret) {
					ASSERT_EQ(lo ? PTLAB_PHYS_RAM :
						  PTLAB_PHYS_MMIO,
						  (int)req.out_kind);
					ASSERT_EQ(0, pt_unmap(self->fd,
							      self->id, SZ_1G,
							      2 * SZ_4K, &pa));
				}
			}
			checked++;
		}
	}
	TH_LOG("%d edges of System RAM", checked);
	ASSERT_LT(0, checked);
}

/* --- ioctl arguments --- */

FIXTURE(ioctlx) {
	int fd;
};

FIXTURE_SETUP(ioctlx)
{
	self->fd = ptlab_open(_metadata);
}

FIXTURE_TEARDOWN(ioctlx)
{
	close(self->fd);
}

/*
 * A size above one page is -E2BIG at once, as for openat2 and clone3, even
 * with an all-zero tail of a gigabyte that would take long to scan; one
 * page is still a size like any other.
 */
TEST_F(ioctlx, huge_size)
{
	static const unsigned long cmds[] = {
		PTLAB_IOCTL_CREATE, PTLAB_IOCTL_DESTROY, PTLAB_IOCTL_INFO,
		PTLAB_IOCTL_MAP_USER, PTLAB_IOCTL_UNMAP, PTLAB_IOCTL_WALK,
		PTLAB_IOCTL_MAP_PHYS, PTLAB_IOCTL_SNAPSHOT,
	};
	__u32 *p;
	size_t i;

	/* Zero pages but for the size: untouched, they cost nothing. */
	p = mmap(NULL, SZ_1G, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		*p = SZ_1G;
		ASSERT_EQ(-E2BIG, pt_ioctl(self->fd, cmds[i], p))
			TH_LOG("command %zu, size 1G", i);
		*p = SZ_4K + 8;
		ASSERT_EQ(-E2BIG, pt_ioctl(self->fd, cmds[i], p))
			TH_LOG("command %zu, size 4K + 8", i);
		*p = SZ_4K;
		ASSERT_NE(-E2BIG, pt_ioctl(self->fd, cmds[i], p))
			TH_LOG("command %zu, size 4K", i);
	}
	munmap(p, SZ_1G);
}

/* The ioctl type is ptlab's own: 0xB7 belongs to other drivers. */
TEST_F(ioctlx, type_number)
{
	struct ptlab_create c = { .size = sizeof(c),
				  .format = PTLAB_FMT_ARM64_LPAE_S1 };

	ASSERT_NE(0xB7, PTLAB_TYPE);
	ASSERT_EQ(-ENOTTY, pt_ioctl(self->fd, _IOWR(0xB7, PTLAB_CMD_CREATE,
						    struct ptlab_create), &c));
	ASSERT_EQ(0, pt_ioctl(self->fd, PTLAB_IOCTL_CREATE, &c));
}

/* --- long-term pins of file memory --- */

FIXTURE(filepin) {
	struct baseline base;
	char dir[64];
	char img[80];
	bool mounted;
	int fd;
	__u32 id;
};

/* A small ext4 on a loop device: a filesystem that writes pages back. */
FIXTURE_SETUP(filepin)
{
	static const char *const steps[] = {
		"modprobe -q loop && modprobe -q ext4",
		"truncate -s 16M %1$s",
		"mkfs.ext4 -q -F %1$s",
		"mount -o loop %1$s %2$s",
	};
	char cmd[256];
	size_t i;

	take_baseline(_metadata, &self->base);
	snprintf(self->dir, sizeof(self->dir), "/tmp/ptlab-ext4.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->img, sizeof(self->img), "%s.img", self->dir);
	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		snprintf(cmd, sizeof(cmd), steps[i], self->img, self->dir);
		if (system(cmd))
			SKIP(return, "cannot mount an ext4 image: %s", cmd);
	}
	self->mounted = true;
	self->fd = ptlab_open(_metadata);
	ASSERT_EQ(0, pt_create(self->fd, 0, 0, &self->id));
}

FIXTURE_TEARDOWN(filepin)
{
	char cmd[256];

	if (self->fd > 0)
		close(self->fd);
	if (self->mounted) {
		snprintf(cmd, sizeof(cmd), "umount %s", self->dir);
		if (system(cmd))
			TH_LOG("%s failed", cmd);
	}
	unlink(self->img);
	rmdir(self->dir);
}

/*
 * A writable shared mapping of a file the filesystem writes back cannot be
 * pinned for writing long term (6.5+ GUP refuses, ptlab refuses on 6.1
 * too): -EFAULT with nothing pinned. Read-only, and private copies, can.
 * mkfs and mount run in the setup, which shares the test's timeout.
 */
TEST_F_TIMEOUT(filepin, shared_write_refused, 180)
{
	char path[128];
	__u64 mapped;
	char *p, *q;
	int ffd;

	snprintf(path, sizeof(path), "%s/data", self->dir);
	ffd = open(path, O_RDWR | O_CREAT, 0600);
	ASSERT_LE(0, ffd);
	ASSERT_EQ(0, ftruncate(ffd, 4 * SZ_4K));
	p = mmap(NULL, 4 * SZ_4K, PROT_READ | PROT_WRITE, MAP_SHARED, ffd, 0);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 1, 4 * SZ_4K);
	ASSERT_EQ(-EFAULT, pt_map_user(self->fd, self->id, SZ_1G, p, 4 * SZ_4K,
				       PT_RW, 0, &mapped));
	ASSERT_EQ(0ULL, mapped);
	check_counters(_metadata, &self->base, 0, 1);
	ASSERT_EQ(0, pt_map_user(self->fd, self->id, SZ_1G, p, 4 * SZ_4K, PT_R,
				 0, &mapped));
	ASSERT_EQ(0, pt_unmap(self->fd, self->id, SZ_1G, 4 * SZ_4K, &mapped));
	q = mmap(NULL, 4 * SZ_4K, PROT_READ | PROT_WRITE, MAP_PRIVATE, ffd, 0);
	ASSERT_NE(MAP_FAILED, q);
	ASSERT_EQ(0, pt_map_user(self->fd, self->id, SZ_1G, q, 4 * SZ_4K, PT_RW,
				 0, &mapped));
	ASSERT_EQ(0, pt_unmap(self->fd, self->id, SZ_1G, 4 * SZ_4K, &mapped));
	munmap(q, 4 * SZ_4K);
	munmap(p, 4 * SZ_4K);
	close(ffd);
	close(self->fd);
	self->fd = -1;
	check_counters(_metadata, &self->base, 0, 0);
}

TEST_HARNESS_MAIN
