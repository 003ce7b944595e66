// SPDX-License-Identifier: GPL-2.0
/*
 * Host benchmark of the page-table engine (src/pt_engine.c and the format
 * descriptors), built with optimisation and without sanitizers.
 *
 * For each format it times map and unmap of 256 x 4K in one call, of one
 * 4K page and of one 2M block into tables that already exist, the same
 * 256 x 4K into an empty 2M region (the leaf table is allocated by the
 * map and reclaimed by the unmap), the walk of one IOVA, and the map and
 * unmap of 1 GiB of 4K pages in one call. Tables come from a host
 * allocator that recycles freed tables, as the page allocator's per-CPU
 * lists do; every unmap is followed by its flush, which frees the tables
 * it retired.
 *
 * Times are the thread's CPU time (clock_gettime(CLOCK_THREAD_CPUTIME_ID),
 * so that other load on the machine does not count; --wall takes
 * CLOCK_MONOTONIC) over passes of many calls: the median pass of each
 * run, the median of several runs. With --callgrind the program runs
 * itself under valgrind's callgrind and reports instructions per call
 * instead, a figure that does not depend on the machine or its load.
 *
 * Usage: engine_bench [--runs N] [--format NAME] [--wall] [--callgrind]
 *
 * Every line of results starts with "engine:" and has fields separated
 * by " | ", for scripts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "fmt/pt_formats.h"

/* The Makefile sets HAVE_CALLGRIND when <valgrind/callgrind.h> exists. */
#if HAVE_CALLGRIND
#include <valgrind/callgrind.h>

static inline void cg_zero(void)
{
	CALLGRIND_ZERO_STATS;
}

static inline void cg_dump(const char *name)
{
	CALLGRIND_DUMP_STATS_AT(name);
}
#else
static inline void cg_zero(void)
{
}

static inline void cg_dump(const char *name)
{
}
#endif

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define SZ_4K		0x1000ULL
#define SZ_1M		0x100000ULL
#define SZ_2M		0x200000ULL
#define SZ_1G		0x40000000ULL
#define PAGES_1G	(SZ_1G / SZ_4K)
#define PROT		(PT_PROT_READ | PT_PROT_WRITE)

/* IOVA regions of the cases, each in its own 1 GiB. */
#define WARM_BASE	(1 * SZ_1G)	/* 4K cases: 2M regions, tables kept */
#define BLOCK_BASE	(2 * SZ_1G)	/* 2M blocks, level-1 table kept */
#define COLD_BASE	(3 * SZ_1G)	/* 256 x 4K, leaf table reclaimed */
#define BIG_BASE	(4 * SZ_1G)	/* 1 GiB in one call */
#define NR_REGIONS	64
#define NR_SMALL	256
#define MIN_RUN_NS	20000000ULL	/* time per run of a case */
#define MAX_SIZE_SHIFT	20		/* largest table the pool recycles */

/* The tables' owner: a pool that recycles freed tables by size. */
struct bench_pool {
	void *free[MAX_SIZE_SHIFT + 1];
	size_t live_bytes;
	size_t peak_bytes;
	unsigned long sys_allocs;
};

/* What one operation retired and removed, released by its flush. */
struct bench_gather {
	struct pt_gather pt;
	struct bench_pool *pool;
	struct bench_retired {
		void *table;
		size_t bytes;
	} *retired;
	size_t nr_retired;
	size_t max_retired;
	u64 leaf_bytes;
};

static unsigned int size_shift(size_t bytes)
{
	return fls64(bytes) - 1;
}

static void *pool_alloc(void *cookie, size_t bytes)
{
	struct bench_pool *pool = cookie;
	unsigned int shift = size_shift(bytes);
	void *table = NULL;

	if (shift <= MAX_SIZE_SHIFT && pool->free[shift]) {
		table = pool->free[shift];
		pool->free[shift] = *(void **)table;
	} else {
		table = aligned_alloc(bytes, bytes);
		if (!table)
			return NULL;
		pool->sys_allocs++;
	}
	memset(table, 0, bytes);
	pool->live_bytes += bytes;
	if (pool->live_bytes > pool->peak_bytes)
		pool->peak_bytes = pool->live_bytes;
	return table;
}

static void pool_free(void *cookie, void *table, size_t bytes)
{
	struct bench_pool *pool = cookie;
	unsigned int shift = size_shift(bytes);

	pool->live_bytes -= bytes;
	if (shift > MAX_SIZE_SHIFT) {
		free(table);
		return;
	}
	*(void **)table = pool->free[shift];
	pool->free[shift] = table;
}

static void pool_fini(struct bench_pool *pool)
{
	unsigned int i;

	for (i = 0; i <= MAX_SIZE_SHIFT; i++) {
		while (pool->free[i]) {
			void *table = pool->free[i];

			pool->free[i] = *(void **)table;
			free(table);
		}
	}
}

static void gather_retire(struct pt_gather *gather, void *table, size_t bytes)
{
	struct bench_gather *g = container_of(gather, struct bench_gather, pt);

	if (g->nr_retired == g->max_retired) {
		g->max_retired = g->max_retired ? 2 * g->max_retired : 1024;
		g->retired = realloc(g->retired,
				     g->max_retired * sizeof(*g->retired));
		if (!g->retired) {
			perror("engine_bench: realloc");
			exit(1);
		}
	}
	g->retired[g->nr_retired].table = table;
	g->retired[g->nr_retired].bytes = bytes;
	g->nr_retired++;
}

static void gather_run(struct pt_gather *gather, const struct pt_run *run)
{
	struct bench_gather *g = container_of(gather, struct bench_gather, pt);

	g->leaf_bytes += run->size;
}

/*
 * The owner's part after an operation: prune what it left empty, as a
 * single-threaded owner may at once; then the IOTLB is flushed and the
 * retired tables can go.
 */
static void gather_flush(struct bench_gather *g, struct pt_space *pt)
{
	size_t i;

	while (g->pt.prune)
		pt_prune(pt, g->pt.prune_start,
			 g->pt.prune_last - g->pt.prune_start + 1, &g->pt);
	for (i = 0; i < g->nr_retired; i++)
		pool_free(g->pool, g->retired[i].table, g->retired[i].bytes);
	g->nr_retired = 0;
	g->leaf_bytes = 0;
}

static const struct pt_table_ops bench_table_ops = {
	.alloc = pool_alloc,
	.free = pool_free,
	.retire = gather_retire,
	.removed = gather_run,
};

struct bench_format {
	const char *name;
	const struct pt_format *fmt;
	struct pt_params params;
};

/* 48-bit input everywhere: four levels of 4K tables in every format. */
static const struct bench_format formats[] = {
	{ "arm64-lpae-s1", &pt_fmt_arm64_lpae_s1, { .ias = 48 } },
	{ "x86-64", &pt_fmt_x86_64, { .ias = 48 } },
	{ "amd-v1", &pt_fmt_amd_v1, { .ias = 48 } },
	{ "riscv-sv48", &pt_fmt_riscv, { .ias = 48 } },
};

/* One tree and its owner. */
struct bench_space {
	struct pt_space pt;
	struct bench_pool pool;
	struct bench_gather g;
	const char *fmt_name;
};

static void bench_fail(struct bench_space *b, const char *what, u64 iova,
		       int ret)
{
	fprintf(stderr, "engine_bench: %s: %s at 0x%llx failed: %s\n",
		b->fmt_name, what, (unsigned long long)iova, strerror(-ret));
	exit(1);
}

static void do_map(struct bench_space *b, u64 iova, u64 size, u64 pgsize)
{
	u64 mapped;
	int ret;

	ret = pt_map(&b->pt, iova, iova, size, PROT, pgsize, &b->g.pt, &mapped);
	if (ret || mapped != size)
		bench_fail(b, "map", iova, ret ? ret : -EIO);
}

static void do_unmap(struct bench_space *b, u64 iova, u64 size)
{
	u64 unmapped;
	int ret;

	ret = pt_unmap(&b->pt, iova, size, &b->g.pt, &unmapped);
	if (ret || unmapped != size)
		bench_fail(b, "unmap", iova, ret ? ret : -EIO);
	gather_flush(&b->g, &b->pt);
}

static u64 region(u64 base, unsigned int i)
{
	return base + (u64)(i % NR_REGIONS) * SZ_2M;
}

/* 4K cases: one page at the end of each 2M region keeps its table. */
static void setup_warm(struct bench_space *b)
{
	unsigned int i;

	for (i = 0; i < NR_REGIONS; i++)
		do_map(b, region(WARM_BASE, i) + SZ_2M - SZ_4K, SZ_4K, SZ_4K);
}

static void map_256(struct bench_space *b, unsigned int i)
{
	do_map(b, region(WARM_BASE, i), 256 * SZ_4K, SZ_4K);
}

static void unmap_256(struct bench_space *b, unsigned int i)
{
	do_unmap(b, region(WARM_BASE, i), 256 * SZ_4K);
}

static u64 small_iova(unsigned int i)
{
	return region(WARM_BASE, i) + (u64)(i / NR_REGIONS) * SZ_4K;
}

static void map_4k(struct bench_space *b, unsigned int i)
{
	do_map(b, small_iova(i), SZ_4K, SZ_4K);
}

static void unmap_4k(struct bench_space *b, unsigned int i)
{
	do_unmap(b, small_iova(i), SZ_4K);
}

/* A 4K page in the last 2M of a GiB keeps the tables above its leaves. */
static void setup_block(struct bench_space *b)
{
	do_map(b, BLOCK_BASE + SZ_1G - SZ_4K, SZ_4K, SZ_4K);
}

static void setup_cold(struct bench_space *b)
{
	do_map(b, COLD_BASE + SZ_1G - SZ_4K, SZ_4K, SZ_4K);
}

static void map_2m(struct bench_space *b, unsigned int i)
{
	do_map(b, BLOCK_BASE + (u64)i * SZ_2M, SZ_2M, SZ_2M);
}

static void unmap_2m(struct bench_space *b, unsigned int i)
{
	do_unmap(b, BLOCK_BASE + (u64)i * SZ_2M, SZ_2M);
}

static void map_cold(struct bench_space *b, unsigned int i)
{
	do_map(b, region(COLD_BASE, i), 256 * SZ_4K, SZ_4K);
}

static void unmap_cold(struct bench_space *b, unsigned int i)
{
	do_unmap(b, region(COLD_BASE, i), 256 * SZ_4K);
}

static void map_1g(struct bench_space *b, unsigned int i)
{
	do_map(b, BIG_BASE, SZ_1G, SZ_4K);
}

static void unmap_1g(struct bench_space *b, unsigned int i)
{
	do_unmap(b, BIG_BASE, SZ_1G);
}

/* Walks of the pages map_256() maps in region 0. */
static void setup_walk(struct bench_space *b)
{
	map_256(b, 0);
}

/* Where the walks' results go, so that they are not optimised away. */
u64 bench_walk_sum;

static void walk_one(struct bench_space *b, unsigned int i)
{
	u64 iova = region(WARM_BASE, 0) + (u64)(i % 256) * SZ_4K + 0x123;
	struct pt_walk_result res;
	int ret = pt_walk(&b->pt, iova, &res);

	if (ret)
		bench_fail(b, "walk", iova, ret);
	bench_walk_sum += res.leaf.pa;
}

/*
 * A case: @op_a is timed over @count calls, then @op_b (which undoes it,
 * or NULL) over as many.
 */
struct bench_case {
	const char *name_a;
	const char *name_b;
	void (*setup)(struct bench_space *b);
	void (*op_a)(struct bench_space *b, unsigned int i);
	void (*op_b)(struct bench_space *b, unsigned int i);
	unsigned int count;
	unsigned long pages;	/* 4K pages (or 2M blocks) per call */
};

static const struct bench_case cases[] = {
	{ "map 256x4K", "unmap 256x4K", setup_warm, map_256, unmap_256,
	  NR_REGIONS, 256 },
	{ "map 4K", "unmap 4K", setup_warm, map_4k, unmap_4k, NR_SMALL, 1 },
	{ "map 2M", "unmap 2M", setup_block, map_2m, unmap_2m, NR_REGIONS, 1 },
	{ "map 256x4K cold", "unmap 256x4K cold", setup_cold, map_cold,
	  unmap_cold,
	  NR_REGIONS, 256 },
	{ "walk 4K", NULL, setup_walk, walk_one, NULL, NR_SMALL, 1 },
	{ "map 1G of 4K", "unmap 1G of 4K", NULL, map_1g, unmap_1g, 1,
	  PAGES_1G },
};

static void space_new(struct bench_space *b, const struct bench_format *f)
{
	struct pt_cfg cfg;
	int ret;

	*b = (struct bench_space){ .fmt_name = f->name };
	b->g.pool = &b->pool;
	ret = pt_cfg_init(&cfg, f->fmt, &f->params);
	if (!ret)
		ret = pt_space_init(&b->pt, &cfg, &bench_table_ops, &b->pool);
	if (ret)
		bench_fail(b, "create", 0, ret);
}

static void space_free(struct bench_space *b)
{
	pt_space_destroy(&b->pt, &b->g.pt);
	gather_flush(&b->g, &b->pt);
	free(b->g.retired);
	pool_fini(&b->pool);
}

static clockid_t bench_clock = CLOCK_THREAD_CPUTIME_ID;

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(bench_clock, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* One pass of a case: the nanoseconds of each half. */
static void run_pass(struct bench_space *b, const struct bench_case *c,
		     u64 *ns_a, u64 *ns_b)
{
	unsigned int i;
	u64 t0, t1, t2;

	t0 = now_ns();
	for (i = 0; i < c->count; i++)
		c->op_a(b, i);
	t1 = now_ns();
	if (c->op_b)
		for (i = 0; i < c->count; i++)
			c->op_b(b, i);
	t2 = now_ns();
	*ns_a = t1 - t0;
	*ns_b = t2 - t1;
}

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

#define MAX_RUNS	101
#define MAX_PASSES	4096

static void print_row(const char *fmt, const char *op, double ns,
		      unsigned long pages)
{
	printf("engine: %-13s | %-18s | %10.1f ns/call | %8.2f ns/page\n",
	       fmt, op, ns, ns / pages);
}

/*
 * Each run times passes of the case until they add up to MIN_RUN_NS and
 * takes the median pass (a pass that a preemption or an interrupt hit is
 * an outlier); the figure printed is the median of the runs.
 */
static void time_case(const struct bench_format *f, const struct bench_case *c,
		      unsigned int runs)
{
	static double pass_a[MAX_PASSES], pass_b[MAX_PASSES];
	double per_a[MAX_RUNS], per_b[MAX_RUNS];
	struct bench_space b;
	unsigned int run, n;
	u64 ns_a, ns_b, total;

	space_new(&b, f);
	if (c->setup)
		c->setup(&b);
	/* The first pass warms the caches and the pool. */
	run_pass(&b, c, &ns_a, &ns_b);
	for (run = 0; run < runs; run++) {
		total = 0;
		for (n = 0; n < MAX_PASSES && total < MIN_RUN_NS; n++) {
			run_pass(&b, c, &ns_a, &ns_b);
			pass_a[n] = (double)ns_a / c->count;
			pass_b[n] = (double)ns_b / c->count;
			total += ns_a + ns_b;
		}
		per_a[run] = median(pass_a, n);
		per_b[run] = median(pass_b, n);
	}
	print_row(f->name, c->name_a, median(per_a, runs), c->pages);
	if (c->op_b)
		print_row(f->name, c->name_b, median(per_b, runs), c->pages);
	space_free(&b);
}

/*
 * Table bytes a tree gains by mapping 1 GiB with @pgsize in an empty GiB
 * (the tables above that GiB's own already exist).
 */
static size_t table_bytes_per_gib(const struct bench_format *f, u64 pgsize)
{
	struct bench_space b;
	size_t before, after;

	space_new(&b, f);
	do_map(&b, 0, SZ_4K, SZ_4K);
	before = b.pool.live_bytes;
	do_map(&b, BIG_BASE, SZ_1G, pgsize);
	after = b.pool.live_bytes;
	space_free(&b);
	return after - before;
}

static void print_memory(const struct bench_format *f)
{
	size_t small = table_bytes_per_gib(f, SZ_4K);
	size_t block = table_bytes_per_gib(f, SZ_2M);

	printf("engine: %-13s | %-18s | %10zu bytes/GiB | %7.3f%% of mapped\n",
	       f->name, "tables for 4K", small, 100.0 * small / SZ_1G);
	printf("engine: %-13s | %-18s | %10zu bytes/GiB | %7.3f%% of mapped\n",
	       f->name, "tables for 2M", block, 100.0 * block / SZ_1G);
}

/* The dump's name carries what the report needs: format, op, calls, pages. */
static void cg_name(char *buf, size_t len, const struct bench_format *f,
		    const char *op, const struct bench_case *c)
{
	snprintf(buf, len, "%s/%s/%u/%lu", f->name, op, c->count, c->pages);
}

/* Under callgrind: one counted pass of each half of each case. */
static void cg_case(const struct bench_format *f, const struct bench_case *c)
{
	struct bench_space b;
	unsigned int i;
	char name[128];
	u64 ns_a = 0, ns_b = 0;

	space_new(&b, f);
	if (c->setup)
		c->setup(&b);
	run_pass(&b, c, &ns_a, &ns_b);
	cg_name(name, sizeof(name), f, c->name_a, c);
	cg_zero();
	for (i = 0; i < c->count; i++)
		c->op_a(&b, i);
	cg_dump(name);
	if (c->op_b) {
		cg_name(name, sizeof(name), f, c->name_b, c);
		cg_zero();
		for (i = 0; i < c->count; i++)
			c->op_b(&b, i);
		cg_dump(name);
	}
	space_free(&b);
}

/* Read the totals of every dump callgrind wrote as @out.N. */
static int cg_report(const char *out)
{
	char path[128], line[512], name[256];
	unsigned int n, found = 0;

	for (n = 1; ; n++) {
		unsigned long long total = 0;
		unsigned long pages = 0;
		unsigned int count = 0;
		char fmt[64], op[64];
		FILE *fp;

		snprintf(path, sizeof(path), "%s.%u", out, n);
		fp = fopen(path, "r");
		if (!fp)
			break;
		name[0] = '\0';
		while (fgets(line, sizeof(line), fp)) {
			if (sscanf(line, "desc: Trigger: Client Request: %255[^\n]",
				   name) == 1)
				continue;
			if (sscanf(line, "totals: %llu", &total) == 1)
				continue;
		}
		fclose(fp);
		unlink(path);
		if (sscanf(name, "%63[^/]/%63[^/]/%u/%lu", fmt, op, &count,
			   &pages) != 4 || !count || !pages)
			continue;
		printf("engine: %-13s | %-18s | %10.0f instr/call | %8.1f instr/page\n",
		       fmt, op, (double)total / count,
		       (double)total / count / pages);
		found++;
	}
	snprintf(path, sizeof(path), "%s", out);
	unlink(path);
	return found ? 0 : -1;
}

static int run_callgrind(const char *only)
{
	char dir[] = "/tmp/engine_bench.XXXXXX", out[64], self[4096];
	int status, ret;
	ssize_t len;
	pid_t pid;

	if (!HAVE_CALLGRIND) {
		printf("engine: callgrind: SKIP (built without valgrind/callgrind.h)\n");
		return 0;
	}
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0) {
		perror("engine_bench: readlink /proc/self/exe");
		return 1;
	}
	self[len] = '\0';
	if (!mkdtemp(dir)) {
		perror("engine_bench: mkdtemp");
		return 1;
	}
	snprintf(out, sizeof(out), "%s/cg.out", dir);
	pid = fork();
	if (pid < 0) {
		perror("engine_bench: fork");
		return 1;
	}
	if (!pid) {
		char arg[128];

		snprintf(arg, sizeof(arg), "--callgrind-out-file=%s", out);
		execlp("valgrind", "valgrind", "--tool=callgrind", "-q", arg,
		       self, "--callgrind-child", "--format",
		       only ? only : "all", (char *)NULL);
		perror("engine_bench: cannot run valgrind");
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("engine_bench: waitpid");
		return 1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		printf("engine: callgrind: SKIP (valgrind not found)\n");
		rmdir(dir);
		return 0;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "engine_bench: valgrind failed (status 0x%x)\n",
			status);
		return 1;
	}
	printf("engine: callgrind: instructions per call, the same on every run\n");
	ret = cg_report(out);
	rmdir(dir);
	if (ret)
		fprintf(stderr, "engine_bench: no callgrind dumps found\n");
	return ret ? 1 : 0;
}

static void cpu_model(char *buf, size_t len)
{
	char line[256];
	FILE *fp = fopen("/proc/cpuinfo", "r");

	snprintf(buf, len, "unknown CPU");
	if (!fp)
		return;
	while (fgets(line, sizeof(line), fp)) {
		char *p = strchr(line, ':');

		if (strncmp(line, "model name", 10) || !p)
			continue;
		p += 2;
		p[strcspn(p, "\n")] = '\0';
		snprintf(buf, len, "%s", p);
		break;
	}
	fclose(fp);
}

static int print_usage(FILE *fp, int ret)
{
	size_t i;

	fprintf(fp, "usage: engine_bench [--runs N] [--format NAME] [--wall] [--callgrind]\n"
		"  --runs N       runs of each case, the median is printed (default 7)\n"
		"  --wall         time with CLOCK_MONOTONIC rather than the thread's\n"
		"                 CPU time (CLOCK_THREAD_CPUTIME_ID)\n"
		"  --format NAME  one of:");
	for (i = 0; i < ARRAY_SIZE(formats); i++)
		fprintf(fp, " %s", formats[i].name);
	fprintf(fp, " (default: all)\n"
		"  --callgrind    instructions per call, counted by callgrind\n");
	return ret;
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	unsigned int runs = 7;
	bool callgrind = false, child = false;
	char cpu[128];
	size_t i, j;
	int a;

	for (a = 1; a < argc; a++) {
		const char *arg = argv[a];
		bool has_value = a + 1 < argc;

		if (!strcmp(arg, "-h") || !strcmp(arg, "--help"))
			return print_usage(stdout, 0);
		if (!strcmp(arg, "--runs") && has_value)
			runs = strtoul(argv[++a], NULL, 0);
		else if (!strcmp(arg, "--format") && has_value)
			only = strcmp(argv[++a], "all") ? argv[a] : NULL;
		else if (!strcmp(arg, "--wall"))
			bench_clock = CLOCK_MONOTONIC;
		else if (!strcmp(arg, "--callgrind"))
			callgrind = true;
		else if (!strcmp(arg, "--callgrind-child"))
			child = true;
		else
			return print_usage(stderr, 2);
	}
	if (!runs || runs > MAX_RUNS) {
		fprintf(stderr, "engine_bench: --runs must be 1 to %d\n",
			MAX_RUNS);
		return 2;
	}
	for (i = 0; only && i < ARRAY_SIZE(formats); i++)
		if (!strcmp(only, formats[i].name))
			break;
	if (only && i == ARRAY_SIZE(formats))
		return print_usage(stderr, 2);
	if (callgrind)
		return run_callgrind(only);

	if (!child) {
		cpu_model(cpu, sizeof(cpu));
		printf("engine: host benchmark of src/pt_engine.c (median of %u runs, %s) on %s\n",
		       runs, bench_clock == CLOCK_MONOTONIC ?
		       "wall-clock time" : "thread CPU time", cpu);
		printf("engine: published for upstream generic_pt on an i7-12700: %s\n",
		       "map 256x4K 386 ns/call (1.5 ns/page), map 4K 53 ns/call");
	}
	for (i = 0; i < ARRAY_SIZE(formats); i++) {
		const struct bench_format *f = &formats[i];

		if (only && strcmp(only, f->name))
			continue;
		for (j = 0; j < ARRAY_SIZE(cases); j++) {
			if (child)
				cg_case(f, &cases[j]);
			else
				time_case(f, &cases[j], runs);
		}
		if (!child)
			print_memory(f);
	}
	return 0;
}
