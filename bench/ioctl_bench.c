// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark of ptlab's ioctls, run as root where the module is loaded (in
 * a VM through scripts/vmrun, or on a machine that can load it).
 *
 * In one Arm LPAE stage-1 address space it times PTLAB_IOCTL_MAP_USER
 * and PTLAB_IOCTL_UNMAP of 256 x 4K, of one 2M block (a transparent huge
 * page), of 64 MiB of 4K pages and of 64 MiB of huge pages, and
 * PTLAB_IOCTL_WALK of one IOVA. PTLAB_IOCTL_INFO, which does little more
 * than the system call itself, is the yardstick (timed first and last,
 * the mean of both): every figure is also given as a multiple of it, and
 * the per-page figures as multiples of those of the 256 x 4K map and
 * unmap. Under emulation (QEMU TCG) absolute times mean nothing: only
 * such ratios within one run do.
 *
 * A page kept mapped at the end of each 2M region keeps its table, so
 * that the 4K cases measure the map itself rather than a table
 * allocation; the 64 MiB cases allocate and free their tables.
 *
 * Against floors, each timed in turn with what it is the floor of, run by
 * run (the ratio printed is the median of the runs' ratios):
 *  - with --floor PATH (debugfs ptlab_peer_bench/pin of the peer module,
 *    bench/peer), MAP_USER of 256 x 4K against pinning the same pages
 *    (pin_user_pages_fast, FOLL_LONGTERM) and nothing else, and UNMAP
 *    against unpinning them;
 *  - two threads, each mapping and unmapping 256 x 4K in a 2M region of
 *    its own of the same address space, against one thread doing the
 *    same: operations per second, two threads over one.
 *
 * Usage: ioctl_bench [--runs N] [--iters N] [--dev PATH] [--floor PATH]
 *
 * Every line of results starts with "vm:" and has fields separated by
 * " | ", for scripts.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <linux/ptlab.h>

#include "peer/peer_bench.h"

#define SZ_4K		0x1000ULL
#define SZ_1M		0x100000ULL
#define SZ_2M		0x200000ULL
#define SZ_64M		0x4000000ULL
#define SZ_1G		0x40000000ULL
#define PROT		(PTLAB_PROT_READ | PTLAB_PROT_WRITE)
#define MAX_SAMPLES	4096
#define MAX_RUNS	101

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* IOVA areas, each in its own GiB. */
#define SMALL_IOVA	(1 * SZ_1G)
#define BLOCK_IOVA	(2 * SZ_1G)
#define THREAD_IOVA	(3 * SZ_1G)	/* one 2M region per thread */
#define BIG_IOVA	(4 * SZ_1G)
#define HUGE_IOVA	(6 * SZ_1G)
#define NR_THREADS	2

static int dev_fd = -1;
static int floor_fd = -1;
static __u32 space_id;

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "ioctl_bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void info(void)
{
	struct ptlab_info in = { .size = sizeof(in), .id = space_id };

	if (ioctl(dev_fd, PTLAB_IOCTL_INFO, &in))
		die("PTLAB_IOCTL_INFO");
}

static void map_user(__u64 iova, void *buf, __u64 length, __u64 pgsize)
{
	struct ptlab_map_user m = {
		.size = sizeof(m), .id = space_id, .prot = PROT, .iova = iova,
		.uptr = (__u64)(unsigned long)buf, .length = length,
		.pgsize = pgsize,
	};

	if (ioctl(dev_fd, PTLAB_IOCTL_MAP_USER, &m))
		die("PTLAB_IOCTL_MAP_USER");
	if (m.out_mapped != length) {
		errno = EIO;
		die("PTLAB_IOCTL_MAP_USER mapped less than asked");
	}
}

static void unmap(__u64 iova, __u64 length)
{
	struct ptlab_unmap u = {
		.size = sizeof(u), .id = space_id, .iova = iova,
		.length = length,
	};

	if (ioctl(dev_fd, PTLAB_IOCTL_UNMAP, &u))
		die("PTLAB_IOCTL_UNMAP");
	if (u.out_unmapped != length) {
		errno = EIO;
		die("PTLAB_IOCTL_UNMAP unmapped less than asked");
	}
}

static __u64 walk(__u64 iova)
{
	struct ptlab_walk w = { .size = sizeof(w), .id = space_id, .iova = iova };

	if (ioctl(dev_fd, PTLAB_IOCTL_WALK, &w))
		die("PTLAB_IOCTL_WALK");
	return w.out_pgsize;
}

/* Anonymous memory, populated, aligned to @align, with or without THP. */
static void *buffer(size_t len, size_t align, bool huge)
{
	char *p = mmap(NULL, len + align, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *a;
	size_t i;

	if (p == MAP_FAILED)
		die("mmap");
	a = (char *)(((unsigned long)p + align - 1) & ~(align - 1));
	if (madvise(a, len, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE) && huge)
		fprintf(stderr, "ioctl_bench: madvise(MADV_HUGEPAGE): %s\n",
			strerror(errno));
	for (i = 0; i < len; i += SZ_4K)
		a[i] = 1;
	return a;
}

struct bench_bufs {
	void *small;	/* 1 MiB of 4K pages */
	void *pins;	/* 4K pages that keep the 4K cases' tables */
	void *thread[NR_THREADS];	/* 1 MiB of 4K pages each */
	void *block;	/* 2 MiB, a huge page if the kernel gives one */
	void *big;	/* 64 MiB of 4K pages */
	void *huge;	/* 64 MiB of huge pages */
};

static struct bench_bufs bufs;

static void map_256(void)
{
	map_user(SMALL_IOVA, bufs.small, 256 * SZ_4K, SZ_4K);
}

static void unmap_256(void)
{
	unmap(SMALL_IOVA, 256 * SZ_4K);
}

static void map_4k(void)
{
	map_user(SMALL_IOVA, bufs.small, SZ_4K, SZ_4K);
}

static void unmap_4k(void)
{
	unmap(SMALL_IOVA, SZ_4K);
}

static void map_2m(void)
{
	map_user(BLOCK_IOVA, bufs.block, SZ_2M, 0);
}

static void unmap_2m(void)
{
	unmap(BLOCK_IOVA, SZ_2M);
}

static void map_big(void)
{
	map_user(BIG_IOVA, bufs.big, SZ_64M, SZ_4K);
}

static void unmap_big(void)
{
	unmap(BIG_IOVA, SZ_64M);
}

static void map_huge(void)
{
	map_user(HUGE_IOVA, bufs.huge, SZ_64M, 0);
}

static void unmap_huge(void)
{
	unmap(HUGE_IOVA, SZ_64M);
}

static void walk_one(void)
{
	walk(SMALL_IOVA + SZ_2M - SZ_4K + 0x123);
}

/* The pin floor: the pages map_256() pins, pinned and unpinned alone. */
static void pin_256(void)
{
	struct peer_pin pin = {
		.uptr = (__u64)(unsigned long)bufs.small, .npages = 256,
	};

	if (ioctl(floor_fd, PEER_IOCTL_PIN, &pin))
		die("PEER_IOCTL_PIN");
}

static void unpin_256(void)
{
	if (ioctl(floor_fd, PEER_IOCTL_UNPIN))
		die("PEER_IOCTL_UNPIN");
}

/* A case: @op timed, @undo (untimed if @undo_name is NULL) after each. */
struct bench_case {
	const char *name;
	const char *undo_name;
	void (*op)(void);
	void (*undo)(void);
	unsigned long pages;	/* pages per call, for the per-page figure */
	unsigned int iter_div;	/* fewer iterations for the long ones */
	double ns;
	double undo_ns;
};

#define CASE(n, un, o, u, p, d) \
	{ .name = n, .undo_name = un, .op = o, .undo = u, .pages = p, \
	  .iter_div = d }

static struct bench_case cases[] = {
	CASE("info (yardstick)", NULL, info, NULL, 1, 1),
	CASE("walk", NULL, walk_one, NULL, 1, 1),
	CASE("map 256x4K", "unmap 256x4K", map_256, unmap_256, 256, 1),
	CASE("map 4K", "unmap 4K", map_4k, unmap_4k, 1, 1),
	CASE("map 2M", "unmap 2M", map_2m, unmap_2m, 1, 1),
	CASE("map 64M of 4K", "unmap 64M of 4K", map_big, unmap_big, 16384,
	     16),
	CASE("map 64M of 2M", "unmap 64M of 2M", map_huge, unmap_huge, 32, 4),
	CASE("info, again", NULL, info, NULL, 1, 1),
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Each call is timed alone: the median call of each run, then of runs. */
static void time_case(struct bench_case *c, unsigned int runs,
		      unsigned int iters)
{
	static double op_ns[MAX_SAMPLES], undo_ns[MAX_SAMPLES];
	double run_op[MAX_RUNS], run_undo[MAX_RUNS];
	unsigned long long t0, t1, t2;
	unsigned int run, i, n = iters / c->iter_div;

	if (!n)
		n = 1;
	if (n > MAX_SAMPLES)
		n = MAX_SAMPLES;
	/* Warm up: the first calls fault in code and caches. */
	c->op();
	if (c->undo)
		c->undo();
	for (run = 0; run < runs; run++) {
		for (i = 0; i < n; i++) {
			t0 = now_ns();
			c->op();
			t1 = now_ns();
			if (c->undo)
				c->undo();
			t2 = now_ns();
			op_ns[i] = t1 - t0;
			undo_ns[i] = t2 - t1;
		}
		run_op[run] = median(op_ns, n);
		run_undo[run] = median(undo_ns, n);
	}
	c->ns = median(run_op, runs);
	c->undo_ns = median(run_undo, runs);
}

/*
 * A case against its floor, in turn run by run: the median call of each
 * run, the ratio of each run, the medians printed.
 */
static void time_floor(struct bench_case *c, struct bench_case *f,
		       unsigned int runs, unsigned int iters)
{
	double op[MAX_RUNS], undo[MAX_RUNS], fop[MAX_RUNS], fundo[MAX_RUNS];
	double r_op[MAX_RUNS], r_undo[MAX_RUNS];
	unsigned int run;

	for (run = 0; run < runs; run++) {
		time_case(c, 1, iters);
		time_case(f, 1, iters);
		op[run] = c->ns;
		undo[run] = c->undo_ns;
		fop[run] = f->ns;
		fundo[run] = f->undo_ns;
		r_op[run] = c->ns / f->ns;
		r_undo[run] = c->undo_ns / f->undo_ns;
	}
	printf("vm: floor | %-18s | %10.0f ns/call | %-20s | %10.0f ns/call | %6.3f x\n",
	       c->name, median(op, runs), f->name, median(fop, runs),
	       median(r_op, runs));
	printf("vm: floor | %-18s | %10.0f ns/call | %-20s | %10.0f ns/call | %6.3f x\n",
	       c->undo_name, median(undo, runs), f->undo_name,
	       median(fundo, runs), median(r_undo, runs));
}

/* Threads mapping and unmapping 256 x 4K, each in its own 2M region. */
struct bench_thread {
	pthread_t tid;
	pthread_barrier_t *start;
	unsigned int k;
	unsigned int iters;
	int floor_fd;	/* >= 0: pin and unpin alone, through this file */
	unsigned long long t0, t1;
};

static void *thread_main(void *arg)
{
	struct bench_thread *t = arg;
	__u64 iova = THREAD_IOVA + t->k * SZ_2M;
	unsigned int i;

	struct peer_pin pin = {
		.uptr = (__u64)(unsigned long)bufs.thread[t->k], .npages = 256,
	};

	pthread_barrier_wait(t->start);
	t->t0 = now_ns();
	for (i = 0; i < t->iters; i++) {
		if (t->floor_fd >= 0) {
			if (ioctl(t->floor_fd, PEER_IOCTL_PIN, &pin) ||
			    ioctl(t->floor_fd, PEER_IOCTL_UNPIN))
				die("PEER_IOCTL_PIN/UNPIN");
			continue;
		}
		map_user(iova, bufs.thread[t->k], 256 * SZ_4K, SZ_4K);
		unmap(iova, 256 * SZ_4K);
	}
	t->t1 = now_ns();
	return NULL;
}

/*
 * Operations (maps and unmaps, or pins and unpins with @floor_path) per
 * second of @n threads at once.
 */
static double threads_ops(unsigned int n, unsigned int iters,
			  const char *floor_path)
{
	struct bench_thread t[NR_THREADS];
	pthread_barrier_t start;
	unsigned long long t0 = ~0ULL, t1 = 0;
	unsigned int k;

	pthread_barrier_init(&start, NULL, n);
	for (k = 0; k < n; k++) {
		t[k] = (struct bench_thread){ .start = &start, .k = k,
					      .iters = iters, .floor_fd = -1 };
		if (floor_path) {
			t[k].floor_fd = open(floor_path, O_RDWR | O_CLOEXEC);
			if (t[k].floor_fd < 0)
				die(floor_path);
		}
		errno = pthread_create(&t[k].tid, NULL, thread_main, &t[k]);
		if (errno)
			die("pthread_create");
	}
	for (k = 0; k < n; k++) {
		pthread_join(t[k].tid, NULL);
		if (t[k].floor_fd >= 0)
			close(t[k].floor_fd);
		if (t[k].t0 < t0)
			t0 = t[k].t0;
		if (t[k].t1 > t1)
			t1 = t[k].t1;
	}
	pthread_barrier_destroy(&start);
	return 2.0 * n * iters * 1e9 / (t1 - t0);
}

/*
 * Two threads against one, in turn run by run. With @floor_path, the same
 * for pinning and unpinning alone: how far the machine lets two threads
 * scale at all.
 */
static void time_threads(unsigned int runs, unsigned int iters,
			 const char *floor_path)
{
	double one[MAX_RUNS], two[MAX_RUNS], ratio[MAX_RUNS];
	unsigned int run;

	threads_ops(NR_THREADS, 1, floor_path);
	for (run = 0; run < runs; run++) {
		one[run] = threads_ops(1, iters, floor_path);
		two[run] = threads_ops(NR_THREADS, iters, floor_path);
		ratio[run] = two[run] / one[run];
	}
	printf("vm: threads | %d threads, disjoint 256x4K %s | %10.0f ops/s",
	       NR_THREADS, floor_path ? "pins+unpins (floor)" : "maps+unmaps",
	       median(two, runs));
	printf(" | 1 thread | %10.0f ops/s | %6.3f x | %ld CPUs online\n",
	       median(one, runs), median(ratio, runs),
	       sysconf(_SC_NPROCESSORS_ONLN));
}

static void print_row(const char *name, double ns, unsigned long pages,
		      double yardstick, double ref_page)
{
	printf("vm: %-18s | %12.0f ns/call | %10.1f ns/page | %8.2f x info",
	       name, ns, ns / pages, ns / yardstick);
	if (ref_page > 0)
		printf(" | %6.3f x 256x4K/page", ns / pages / ref_page);
	printf("\n");
}

static int print_usage(FILE *fp, int ret)
{
	fprintf(fp, "usage: ioctl_bench [--runs N] [--iters N] [--dev PATH]\n"
		"  --runs N   runs, the median is printed (default 5)\n"
		"  --iters N  calls per run of the short cases (default 200)\n"
		"  --dev PATH the ptlab device (default /dev/ptlab)\n"
		"  --floor PATH  the peer module's pin floor (debugfs\n"
		"             ptlab_peer_bench/pin): time MAP_USER and UNMAP\n"
		"             against pinning and unpinning alone\n");
	return ret;
}

static void setup(void)
{
	struct ptlab_create cr = {
		.size = sizeof(cr), .format = PTLAB_FMT_ARM64_LPAE_S1,
	};
	unsigned int k;
	__u64 pgsize;

	if (ioctl(dev_fd, PTLAB_IOCTL_CREATE, &cr))
		die("PTLAB_IOCTL_CREATE");
	space_id = cr.out_id;
	bufs.small = buffer(SZ_1M, SZ_4K, false);
	bufs.pins = buffer((2 + NR_THREADS) * SZ_4K, SZ_4K, false);
	for (k = 0; k < NR_THREADS; k++) {
		bufs.thread[k] = buffer(SZ_1M, SZ_4K, false);
		/* Keep each thread's table: a page at the end of its 2M. */
		map_user(THREAD_IOVA + k * SZ_2M + SZ_2M - SZ_4K,
			 (char *)bufs.pins + (2 + k) * SZ_4K, SZ_4K, SZ_4K);
	}
	bufs.block = buffer(SZ_2M, SZ_2M, true);
	bufs.big = buffer(SZ_64M, SZ_4K, false);
	bufs.huge = buffer(SZ_64M, SZ_2M, true);
	/* Keep the tables of the 4K cases and of the 2M case. */
	map_user(SMALL_IOVA + SZ_2M - SZ_4K, bufs.pins, SZ_4K, SZ_4K);
	map_user(BLOCK_IOVA + SZ_1G - SZ_4K, (char *)bufs.pins + SZ_4K, SZ_4K,
		 SZ_4K);
	map_2m();
	pgsize = walk(BLOCK_IOVA);
	unmap_2m();
	if (pgsize != SZ_2M)
		printf("vm: note: the 2M buffer is not one huge page: %s %llu\n",
		       "mapped with pages of", (unsigned long long)pgsize);
}

int main(int argc, char **argv)
{
	const char *dev = "/dev/ptlab", *floor_path = NULL;
	static struct bench_case pin = CASE("pin 256x4K (floor)",
					    "unpin 256x4K (floor)", pin_256,
					    unpin_256, 256, 1);
	unsigned int runs = 5, iters = 200;
	double yardstick, ref_map = 0, ref_unmap = 0;
	size_t i;
	int a;

	for (a = 1; a < argc; a++) {
		const char *arg = argv[a];
		bool has_value = a + 1 < argc;

		if (!strcmp(arg, "-h") || !strcmp(arg, "--help"))
			return print_usage(stdout, 0);
		if (!strcmp(arg, "--runs") && has_value)
			runs = strtoul(argv[++a], NULL, 0);
		else if (!strcmp(arg, "--iters") && has_value)
			iters = strtoul(argv[++a], NULL, 0);
		else if (!strcmp(arg, "--dev") && has_value)
			dev = argv[++a];
		else if (!strcmp(arg, "--floor") && has_value)
			floor_path = argv[++a];
		else
			return print_usage(stderr, 2);
	}
	if (!runs || runs > MAX_RUNS || !iters)
		return print_usage(stderr, 2);
	dev_fd = open(dev, O_RDWR | O_CLOEXEC);
	if (dev_fd < 0)
		die(dev);
	if (floor_path) {
		floor_fd = open(floor_path, O_RDWR | O_CLOEXEC);
		if (floor_fd < 0)
			die(floor_path);
	}
	setup();
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		time_case(&cases[i], runs, iters);

	printf("vm: ioctl benchmark, arm64-lpae-s1, median of %u runs of %u calls\n",
	       runs, iters);
	printf("vm: %s\n",
	       "under emulation (QEMU TCG) absolute times mean nothing: only the ratios within one run do");
	/* INFO first and last: how much the machine's speed drifted. */
	yardstick = (cases[0].ns + cases[ARRAY_SIZE(cases) - 1].ns) / 2;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (cases[i].op != map_256)
			continue;
		ref_map = cases[i].ns / cases[i].pages;
		ref_unmap = cases[i].undo_ns / cases[i].pages;
	}
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct bench_case *c = &cases[i];

		print_row(c->name, c->ns, c->pages, yardstick,
			  c->undo ? ref_map : 0);
		if (c->undo_name)
			print_row(c->undo_name, c->undo_ns, c->pages,
				  yardstick, ref_unmap);
	}
	for (i = 0; floor_fd >= 0 && i < ARRAY_SIZE(cases); i++)
		if (cases[i].op == map_256)
			time_floor(&cases[i], &pin, runs, iters);
	time_threads(runs, iters, NULL);
	if (floor_path)
		time_threads(runs, iters, floor_path);
	if (floor_fd >= 0)
		close(floor_fd);
	close(dev_fd);
	return 0;
}
