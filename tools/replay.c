// SPDX-License-Identifier: GPL-2.0
/*
 * ptctl replay: Linux's own IOMMU trace events, replayed into address spaces
 * of other formats, to see what a device's real traffic costs in each.
 *
 * The input is the text ftrace (/sys/kernel/tracing/trace) and trace-cmd
 * report print for the iommu:map and iommu:unmap events, whose TP_printk()
 * in include/trace/events/iommu.h (the same in 6.1 and 6.12) is
 *   map:   "IOMMU: iova=0x%016llx - 0x%016llx paddr=0x%016llx size=%zu"
 *   unmap: "IOMMU: iova=0x%016llx - 0x%016llx size=%zu unmapped_size=%zu"
 * Each event is one iommu_map() or iommu_unmap() call, before Linux split it
 * into page sizes; the trace does not say which domain it was for.
 *
 * Maps are replayed with PTLAB_IOCTL_MAP_PHYS and no page size, so ptlab
 * splits each as Linux's iommu_pgsize() does: the largest page size that
 * the alignment of IOVA and physical address and the remaining length
 * allow. The physical addresses are moved into the top half of the
 * format's output range (pa mod 2^(oas-1), plus 2^(oas-1)): that keeps
 * their alignment, hence every page-size choice, while landing where no
 * RAM is on any machine ptlab runs on (so the range is MMIO to ptlab and
 * nothing is pinned or touched).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libptlab.h"
#include "ptctl.h"

enum { OP_MAP, OP_UNMAP };

struct trace_op {
	unsigned char type;
	__u64 iova;
	__u64 pa;
	__u64 size;
	__u64 unmapped;		/* unmap: what Linux unmapped */
};

struct trace {
	struct trace_op *ops;
	size_t nr, cap;
	size_t maps, unmaps, skipped;
	__u64 map_bytes;
};

#define MAX_FORMATS	32
#define MAX_ERRNO	160

struct replay_result {
	__u32 format;
	__u32 levels, ias, oas;
	__u64 pgsizes;
	int create_err;		/* the address space could not be made */
	__u64 table_pages, peak, mapped_bytes;
	__u64 leaves[64];	/* by log2 of the page size */
	__u64 map_fail[MAX_ERRNO], unmap_fail[MAX_ERRNO];
	__u64 unmap_differs;	/* unmapped another size than Linux did */
	__u64 ns;
	bool leaves_known;
};

static __u64 field(const char *line, const char *key, bool *ok)
{
	const char *p = strstr(line, key);
	char *end;
	__u64 v;

	if (!p) {
		*ok = false;
		return 0;
	}
	p += strlen(key);
	errno = 0;
	v = strtoull(p, &end, 0);
	if (end == p || errno)
		*ok = false;
	return v;
}

/* One line of the trace: an event, something else (ignored), or bad. */
static int parse_line(struct trace *t, const char *line)
{
	const char *ev = strstr(line, "IOMMU: iova=");
	struct trace_op op = { };
	bool ok = true;

	if (!ev)
		return 0;
	op.iova = field(ev, "iova=", &ok);
	if (strstr(ev, "paddr=")) {
		op.type = OP_MAP;
		op.pa = field(ev, "paddr=", &ok);
		op.size = field(ev, " size=", &ok);
	} else if (strstr(ev, "unmapped_size=")) {
		op.type = OP_UNMAP;
		op.size = field(ev, " size=", &ok);
		op.unmapped = field(ev, "unmapped_size=", &ok);
	} else {
		ok = false;
	}
	if (!ok || !op.size) {
		t->skipped++;
		return 0;
	}
	if (t->nr == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 1024;
		struct trace_op *ops = realloc(t->ops, cap * sizeof(*ops));

		if (!ops)
			return -ENOMEM;
		t->ops = ops;
		t->cap = cap;
	}
	t->ops[t->nr++] = op;
	if (op.type == OP_MAP) {
		t->maps++;
		t->map_bytes += op.size;
	} else {
		t->unmaps++;
	}
	return 0;
}

static int read_trace(const char *path, struct trace *t)
{
	char *line = NULL;
	size_t cap = 0;
	FILE *in;
	int err = 0;

	in = strcmp(path, "-") ? fopen(path, "re") : stdin;
	if (!in)
		return -errno;
	while (!err && getline(&line, &cap, in) >= 0)
		err = parse_line(t, line);
	if (!err && ferror(in))
		err = -EIO;
	free(line);
	if (in != stdin)
		fclose(in);
	return err;
}

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

static void count_errno(__u64 *counts, int err)
{
	counts[-err > 0 && -err < MAX_ERRNO ? -err : 0]++;
}

/* Leaves by size from the debugfs dump: each run is size / pgsize leaves. */
static int count_leaves(__u32 id, struct replay_result *r)
{
	unsigned long long first, last, size, pa;
	char *text = NULL, *line, *save, prot[16], pgsize[24], why[PTLAB_WHY_LEN];
	size_t len = 0;
	__u64 pg;
	FILE *mem;
	int err;

	mem = open_memstream(&text, &len);
	if (!mem)
		return -ENOMEM;
	err = ptlab_debugfs_copy(id, "mappings", mem, why, sizeof(why));
	if (fclose(mem) && !err)
		err = -ENOMEM;
	if (err) {
		fprintf(stderr, "ptctl: replay: %s\n", err == -ENOMEM ? strerror(ENOMEM) : why);
		free(text);
		return err;
	}
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "0x%llx-0x%llx 0x%llx 0x%llx %15s %23s", &first, &last, &size,
			   &pa, prot, pgsize) != 6 || ptlab_parse_u64(pgsize, &pg) ||
		    !pg || (pg & (pg - 1)))
			continue;
		r->leaves[__builtin_ctzll(pg)] += size / pg;
	}
	free(text);
	r->leaves_known = true;
	return 0;
}

static void replay_one(int fd, const struct trace *t, __u32 format, __u64 pgsizes,
		       struct replay_result *r)
{
	struct ptlab_create c;
	struct ptlab_info info;
	__u64 base, mask, t0;
	size_t i;
	int err;

	memset(r, 0, sizeof(*r));
	r->format = format;
	ptlab_create_init(&c);
	c.format = format;
	c.pgsize_bitmap = pgsizes;
	err = ptlab_create(fd, &c);
	if (!err)
		err = ptlab_info(fd, c.out_id, &info);
	if (err) {
		r->create_err = err;
		return;
	}
	r->levels = info.out_levels;
	r->ias = info.out_ias;
	r->oas = info.out_oas;
	r->pgsizes = info.out_pgsize_bitmap;
	/* The top half of the output range: alignment kept, no RAM there. */
	base = info.out_oas >= 64 ? 1ULL << 63 : 1ULL << (info.out_oas - 1);
	mask = base - 1;
	r->peak = info.out_table_pages;

	for (i = 0; i < t->nr; i++) {
		const struct trace_op *op = &t->ops[i];

		if (op->type == OP_MAP) {
			struct ptlab_map_phys m = {
				.id = c.out_id,
				.prot = PTLAB_PROT_READ | PTLAB_PROT_WRITE,
				.iova = op->iova,
				.paddr = (op->pa & mask) | base,
				.length = op->size,
			};

			t0 = now_ns();
			err = ptlab_map_phys(fd, &m);
			r->ns += now_ns() - t0;
			if (err)
				count_errno(r->map_fail, err);
			/* Tables only grow in a map: the peak follows one. */
			if (!ptlab_info(fd, c.out_id, &info) && info.out_table_pages > r->peak)
				r->peak = info.out_table_pages;
		} else {
			__u64 done = 0;

			t0 = now_ns();
			err = ptlab_unmap(fd, c.out_id, op->iova, op->size, &done);
			r->ns += now_ns() - t0;
			if (err)
				count_errno(r->unmap_fail, err);
			if (done != op->unmapped)
				r->unmap_differs++;
		}
	}
	if (!ptlab_info(fd, c.out_id, &info)) {
		r->table_pages = info.out_table_pages;
		r->mapped_bytes = info.out_mapped_bytes;
	}
	count_leaves(c.out_id, r);
	ptlab_destroy(fd, c.out_id);
}

static const char *errno_name(int e)
{
	const char *name = e ? strerrorname_np(e) : NULL;

	return name ? name : "other";
}

static __u64 sum(const __u64 *v, size_t n)
{
	__u64 s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += v[i];
	return s;
}

static void print_json(const char *path, const struct trace *t,
		       const struct replay_result *r, size_t nr)
{
	char sz[PTLAB_SIZE_STRLEN];
	size_t i, k;
	const char *sep;

	printf("{\"command\": \"replay\", \"trace\": ");
	ptctl_json_str(path);
	printf(", \"maps\": %zu, \"unmaps\": %zu, \"map_bytes\": %llu", t->maps, t->unmaps,
	       (unsigned long long)t->map_bytes);
	printf(", \"skipped\": %zu, \"formats\": [", t->skipped);
	for (i = 0; i < nr; i++) {
		printf("%s{\"format\": ", i ? ", " : "");
		ptctl_json_str(ptlab_format_name(r[i].format));
		if (r[i].create_err) {
			printf(", \"errno\": %d, \"error\": ", -r[i].create_err);
			ptctl_json_str(strerror(-r[i].create_err));
			printf("}");
			continue;
		}
		printf(", \"levels\": %u, \"ias\": %u, \"oas\": %u, \"pgsizes\": [", r[i].levels,
		       r[i].ias, r[i].oas);
		for (k = 0, sep = ""; k < 64; k++) {
			if (r[i].pgsizes & (1ULL << k)) {
				printf("%s%llu", sep, 1ULL << k);
				sep = ", ";
			}
		}
		printf("], \"table_pages\": %llu, \"table_pages_peak\": %llu",
		       (unsigned long long)r[i].table_pages, (unsigned long long)r[i].peak);
		printf(", \"mapped_bytes\": %llu", (unsigned long long)r[i].mapped_bytes);
		printf(", \"leaves\": {");
		for (k = 0, sep = ""; k < 64 && r[i].leaves_known; k++) {
			if (!r[i].leaves[k])
				continue;
			printf("%s\"%s\": %llu", sep, ptlab_size_format(1ULL << k, sz, sizeof(sz)),
			       (unsigned long long)r[i].leaves[k]);
			sep = ", ";
		}
		printf("}, \"map_failures\": {");
		for (k = 0, sep = ""; k < MAX_ERRNO; k++) {
			if (!r[i].map_fail[k])
				continue;
			printf("%s\"%s\": %llu", sep, errno_name((int)k),
			       (unsigned long long)r[i].map_fail[k]);
			sep = ", ";
		}
		printf("}, \"unmap_failures\": {");
		for (k = 0, sep = ""; k < MAX_ERRNO; k++) {
			if (!r[i].unmap_fail[k])
				continue;
			printf("%s\"%s\": %llu", sep, errno_name((int)k),
			       (unsigned long long)r[i].unmap_fail[k]);
			sep = ", ";
		}
		printf("}, \"unmapped_differs\": %llu, \"time_ns\": %llu}",
		       (unsigned long long)r[i].unmap_differs, (unsigned long long)r[i].ns);
	}
	printf("]}\n");
}

/* One row of the side-by-side table; NULL values print as "-". */
static void row(const char *name, const struct replay_result *r, size_t nr,
		const __u64 *(*get)(const struct replay_result *, const void *),
		const void *arg)
{
	size_t i;

	printf("%-24s", name);
	for (i = 0; i < nr; i++) {
		const __u64 *v = get(&r[i], arg);

		if (v)
			printf(" %15llu", (unsigned long long)*v);
		else
			printf(" %15s", "-");
	}
	printf("\n");
}

static const __u64 *get_off(const struct replay_result *r, const void *arg)
{
	return r->create_err ? NULL : (const __u64 *)((const char *)r + (size_t)arg);
}

static const __u64 *get_leaves(const struct replay_result *r, const void *arg)
{
	return r->create_err || !r->leaves_known ? NULL : &r->leaves[(size_t)arg];
}

static const __u64 *get_map_fail(const struct replay_result *r, const void *arg)
{
	return r->create_err ? NULL : &r->map_fail[(size_t)arg];
}

static const __u64 *get_unmap_fail(const struct replay_result *r, const void *arg)
{
	return r->create_err ? NULL : &r->unmap_fail[(size_t)arg];
}

static void print_text(const char *path, const struct trace *t,
		       const struct replay_result *r, size_t nr)
{
	char name[64], sz[PTLAB_SIZE_STRLEN];
	__u64 any;
	size_t i, k;

	printf("# replay %s: %zu maps (%llu bytes), %zu unmaps, %zu unreadable events\n",
	       path, t->maps, (unsigned long long)t->map_bytes, t->unmaps, t->skipped);
	printf("%-24s", "format");
	for (i = 0; i < nr; i++)
		printf(" %15s", ptlab_format_name(r[i].format));
	printf("\n");
	for (i = 0; i < nr; i++)
		if (r[i].create_err)
			printf("# %s: create: %s\n", ptlab_format_name(r[i].format),
			       strerror(-r[i].create_err));
	row("table_pages", r, nr, get_off,
	    (const void *)offsetof(struct replay_result, table_pages));
	row("table_pages_peak", r, nr, get_off, (const void *)offsetof(struct replay_result, peak));
	row("mapped_bytes", r, nr, get_off,
	    (const void *)offsetof(struct replay_result, mapped_bytes));
	for (k = 0; k < 64; k++) {
		for (i = 0, any = 0; i < nr; i++)
			any |= r[i].leaves[k];
		if (!any)
			continue;
		snprintf(name, sizeof(name), "leaves_%s",
			 ptlab_size_format(1ULL << k, sz, sizeof(sz)));
		row(name, r, nr, get_leaves, (const void *)k);
	}
	for (k = 0; k < MAX_ERRNO; k++) {
		for (i = 0, any = 0; i < nr; i++)
			any |= r[i].map_fail[k];
		if (!any)
			continue;
		snprintf(name, sizeof(name), "map_failed_%s", errno_name((int)k));
		row(name, r, nr, get_map_fail, (const void *)k);
	}
	for (k = 0; k < MAX_ERRNO; k++) {
		for (i = 0, any = 0; i < nr; i++)
			any |= r[i].unmap_fail[k];
		if (!any)
			continue;
		snprintf(name, sizeof(name), "unmap_failed_%s", errno_name((int)k));
		row(name, r, nr, get_unmap_fail, (const void *)k);
	}
	row("unmapped_differs", r, nr, get_off,
	    (const void *)offsetof(struct replay_result, unmap_differs));
	row("time_ns", r, nr, get_off, (const void *)offsetof(struct replay_result, ns));
	for (i = 0; i < nr; i++)
		if (!r[i].create_err && sum(r[i].map_fail, MAX_ERRNO) == t->maps)
			printf("# %s: every map failed\n", ptlab_format_name(r[i].format));
}

enum { OPT_R_FORMAT = 0x200, OPT_R_PGSIZES, OPT_R_NO_LOAD };

/**
 * ptctl_replay() - the replay command
 * @argc: arguments, "replay" first
 * @argv: the arguments
 * @json: print one JSON object rather than a table
 * @no_load: never load the module
 *
 * Return: 0, 1 on an error, 2 on a usage error.
 */
int ptctl_replay(int argc, char **argv, bool json, bool no_load)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, OPT_R_FORMAT },
		{ "pgsizes", required_argument, NULL, OPT_R_PGSIZES },
		{ "pgsize", required_argument, NULL, OPT_R_PGSIZES },
		{ "no-load", no_argument, NULL, OPT_R_NO_LOAD },
		{ }
	};
	struct replay_result *res = NULL;
	__u32 formats[MAX_FORMATS];
	struct trace t = { };
	char *list = NULL, *tok, *save, why[PTLAB_WHY_LEN];
	__u64 pgsizes = 0;
	size_t nr = 0, i;
	int opt, fd, err, ret = 1;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_R_FORMAT:
			free(list);
			list = strdup(optarg);
			if (!list)
				return 1;
			break;
		case OPT_R_PGSIZES:
			if (ptlab_pgsizes_parse(optarg, &pgsizes)) {
				fprintf(stderr, "ptctl: replay: bad page-size list '%s'\n", optarg);
				free(list);
				return 2;
			}
			break;
		case OPT_R_NO_LOAD:
			no_load = true;
			break;
		default:
			free(list);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "ptctl: replay: usage: %s\n",
			"replay TRACE [--format F[,F...]] [--pgsizes LIST]");
		free(list);
		return 2;
	}
	if (list) {
		for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			if (nr == MAX_FORMATS || ptlab_format_parse(tok, &formats[nr])) {
				fprintf(stderr, "ptctl: replay: unknown format '%s'\n", tok);
				free(list);
				return 2;
			}
			nr++;
		}
		free(list);
	} else {
		/* Every format, side by side. */
		while (nr < MAX_FORMATS && ptlab_format_at(nr)) {
			formats[nr] = ptlab_format_at(nr);
			nr++;
		}
	}
	if (!nr) {
		fprintf(stderr, "ptctl: replay: no format\n");
		return 2;
	}

	err = read_trace(argv[optind], &t);
	if (err) {
		fprintf(stderr, "ptctl: replay: %s: %s\n", argv[optind], strerror(-err));
		goto out;
	}
	if (!t.nr) {
		fprintf(stderr, "ptctl: replay: %s: no iommu:map or iommu:unmap event\n",
			argv[optind]);
		goto out;
	}
	res = calloc(nr, sizeof(*res));
	if (!res)
		goto out;
	fd = ptlab_open(no_load ? PTLAB_OPEN_NO_LOAD : 0, why, sizeof(why));
	if (fd < 0) {
		fprintf(stderr, "ptctl: %s\n", why);
		goto out;
	}
	for (i = 0; i < nr; i++)
		replay_one(fd, &t, formats[i], pgsizes, &res[i]);
	close(fd);
	if (json)
		print_json(argv[optind], &t, res, nr);
	else
		print_text(argv[optind], &t, res, nr);
	ret = 0;
	for (i = 0; i < nr; i++)
		if (res[i].create_err || !res[i].leaves_known)
			ret = 1;
out:
	free(res);
	free(t.ops);
	return ret;
}
