// SPDX-License-Identifier: GPL-2.0
/*
 * ptctl draw: an SVG picture of an address space.
 *
 * The IOVA window that holds mappings is cut into at most MAX_BINS bins of
 * a power-of-two size; each bin shows, in one lane per kind of memory (RAM:
 * user memory and physical RAM; MMIO; firmware), how many of its bytes are
 * mapped, stacked by page size. Below, one lane per table level shows where
 * the tables of that level lie and how many there are. The number of SVG
 * elements depends on the bins, never on the number of entries, so that a
 * space of a million entries draws as quickly and reads as well as one of
 * ten.
 *
 * The data: debugfs <id>/mappings for the runs (one line per run of leaves
 * contiguous in IOVA and PA), <id>/entries for the tables (one line per
 * leaf, with the raw entry of each level on its path, root first; leaves
 * come in IOVA order, so the leaves under one table are consecutive and a
 * table is counted where the entry pointing to it changes; NVIDIA GMMU's
 * pair of page tables under one PD0 entry counts as one).
 *
 * Every bar carries its numbers as data-* attributes, so that a test can
 * check the picture against the dump.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libptlab.h"
#include "ptctl.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_BINS	512
#define KINDS		3
#define LANE_H		60
#define LEFT		110
#define PLOT_W		1024
#define SVG_W		(LEFT + PLOT_W + 20)

static const char *const kind_names[KINDS] = { "RAM", "MMIO", "firmware" };
/* One colour per page size present, smallest first. */
static const char *const colors[] = {
	"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
	"#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
};

struct run {
	__u64 iova, size;
	unsigned char pgshift, kind;
};

struct picture {
	struct run *runs;
	size_t nr, cap;
	__u64 lo, hi, bin;		/* window [lo, hi), bin size */
	unsigned int nbins;
	__u64 pgsizes;			/* bitmap of page sizes present */
	/* bytes[kind][pgshift][bin] */
	__u64 *bytes;
	/* tables per level (depth from the root) and per bin */
	__u64 tables[PTLAB_MAX_LEVELS];
	__u64 *table_bins;
	unsigned int depth;
};

static FILE *open_debugfs(__u32 id, const char *name)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%u/%s", PTLAB_DEBUGFS_DIR, id, name);
	f = fopen(path, "re");
	if (!f)
		fprintf(stderr, "ptctl: draw: %s: %s (debugfs mounted, module loaded, root?)\n",
			path, strerror(errno));
	return f;
}

static int read_runs(__u32 id, struct picture *p)
{
	unsigned long long first, last, size, pa;
	char *line = NULL, prot[16], pgsize[24], kind[24];
	size_t cap = 0;
	__u64 pg;
	FILE *f;
	int n;

	f = open_debugfs(id, "mappings");
	if (!f)
		return -errno;
	while (getline(&line, &cap, f) >= 0) {
		struct run r;

		kind[0] = '\0';
		n = sscanf(line, "0x%llx-0x%llx 0x%llx 0x%llx %15s %23s %23s", &first, &last,
			   &size, &pa, prot, pgsize, kind);
		if (n < 6 || ptlab_parse_u64(pgsize, &pg) || !pg || (pg & (pg - 1)) || !size)
			continue;
		r.iova = first;
		r.size = size;
		r.pgshift = (unsigned char)__builtin_ctzll(pg);
		r.kind = !strcmp(kind, "phys-mmio") ? 1 : !strcmp(kind, "firmware") ? 2 : 0;
		if (p->nr == p->cap) {
			size_t c = p->cap ? 2 * p->cap : 1024;
			struct run *runs = realloc(p->runs, c * sizeof(*runs));

			if (!runs) {
				free(line);
				fclose(f);
				return -ENOMEM;
			}
			p->runs = runs;
			p->cap = c;
		}
		p->runs[p->nr++] = r;
		p->pgsizes |= pg;
	}
	free(line);
	fclose(f);
	return 0;
}

/* The window: the smallest power-of-two bins that cover every run. */
static void choose_bins(struct picture *p, unsigned int granule_shift)
{
	__u64 min = ~0ULL, max = 0, last;
	unsigned int shift;
	size_t i;

	for (i = 0; i < p->nr; i++) {
		last = p->runs[i].iova + p->runs[i].size - 1;
		if (p->runs[i].iova < min)
			min = p->runs[i].iova;
		if (last > max)
			max = last;
	}
	if (!p->nr) {
		min = 0;
		max = 0;
	}
	for (shift = granule_shift; shift < 63; shift++) {
		__u64 lo = min >> shift, hi = max >> shift;

		if (hi - lo < MAX_BINS)
			break;
	}
	p->bin = 1ULL << shift;
	p->lo = (min >> shift) << shift;
	p->nbins = (unsigned int)((max >> shift) - (min >> shift) + 1);
	p->hi = p->lo + (__u64)p->nbins * p->bin;	/* may wrap to 0 at 2^64 */
}

static __u64 *cell(struct picture *p, unsigned int kind, unsigned int pgshift,
		   unsigned int bin)
{
	return &p->bytes[((size_t)kind * 64 + pgshift) * p->nbins + bin];
}

static void bin_runs(struct picture *p)
{
	size_t i;

	for (i = 0; i < p->nr; i++) {
		const struct run *r = &p->runs[i];
		__u64 pos = r->iova, end = r->iova + r->size - 1;

		/* Split the run at bin edges: at most the bins it covers. */
		for (;;) {
			unsigned int b = (unsigned int)((pos - p->lo) / p->bin);
			__u64 bin_last = p->lo + (__u64)(b + 1) * p->bin - 1;
			__u64 stop = end < bin_last ? end : bin_last;

			*cell(p, r->kind, r->pgshift, b) += stop - pos + 1;
			if (stop == end)
				break;
			pos = stop + 1;
		}
	}
}

/*
 * The tables a line's words pass through, root first: the key of each is
 * the word that points at it (0 for the root). Returns how many. NVIDIA
 * GMMU reads two words of PD0 and may read two page table entries after
 * them: the tables under PD0, one or a pair, are keyed by word 1 (the
 * small table's pointer) or else word 0.
 */
static unsigned int table_keys(__u32 format, unsigned int levels,
			       const unsigned long long *words, unsigned int n,
			       unsigned long long *keys)
{
	unsigned int d, depth = n;

	if ((format == PTLAB_FMT_NVIDIA_GMMU_V2 ||
	     format == PTLAB_FMT_NVIDIA_GMMU_V3) && levels >= 2 && n >= levels) {
		depth = levels - 1 + (n > levels);
		if (n > levels)
			keys[levels - 1] = words[levels - 1] ? words[levels - 1] :
				words[levels - 2];
		n = levels - 1;
	}
	for (d = 0; d < n; d++)
		keys[d] = d ? words[d - 1] : 0;
	return depth;
}

/* Tables per level from the entries file (see the top of this file). */
static int count_tables(__u32 id, const struct ptlab_info *info, struct picture *p)
{
	unsigned long long keys[PTLAB_MAX_LEVELS + 2];
	unsigned long long vals[PTLAB_MAX_LEVELS + 2], prev[PTLAB_MAX_LEVELS + 2];
	bool seen[PTLAB_MAX_LEVELS + 2] = { };
	char *line = NULL, *pos, *end;
	size_t cap = 0;
	unsigned int n, d;
	FILE *f;

	f = open_debugfs(id, "entries");
	if (!f)
		return -errno;
	while (getline(&line, &cap, f) >= 0) {
		if (line[0] == '#')
			continue;
		/* IOVA, size, then the entries root first. */
		pos = line;
		for (n = 0; n < PTLAB_MAX_LEVELS + 2; n++) {
			vals[n] = strtoull(pos, &end, 16);
			if (end == pos)
				break;
			pos = end;
		}
		if (n < 3)
			continue;
		n = table_keys(info->out_format, info->out_levels, vals + 2, n - 2, keys);
		if (n > p->depth)
			p->depth = n;
		/* The root, then each table the entry above it points to. */
		for (d = 0; d < n; d++) {
			unsigned long long key = keys[d];
			unsigned int b;

			if (seen[d] && prev[d] == key)
				continue;
			seen[d] = true;
			prev[d] = key;
			p->tables[d]++;
			if (vals[0] >= p->lo && vals[0] - p->lo < (__u64)p->nbins * p->bin) {
				b = (unsigned int)((vals[0] - p->lo) / p->bin);
				p->table_bins[(size_t)d * p->nbins + b]++;
			}
		}
	}
	free(line);
	fclose(f);
	return 0;
}

static void svg_text(FILE *out, int x, int y, const char *anchor, const char *text)
{
	fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\">%s</text>\n", x, y, anchor,
		text);
}

static void lane_box(FILE *out, unsigned int y)
{
	fprintf(out, "<rect x=\"%d\" y=\"%u\" width=\"%d\" height=\"%d\"", LEFT, y, PLOT_W,
		LANE_H);
	fprintf(out, " fill=\"#f4f4f4\" stroke=\"#ccc\"/>\n");
}

/* The start of a bar's element; the caller adds its data and closes it. */
static void bar(FILE *out, double x, double y, double w, double h, const char *fill,
		unsigned int bin)
{
	fprintf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"", x, y,
		w > 1 ? w : 1, h);
	fprintf(out, " fill=\"%s\" data-bin=\"%u\"", fill, bin);
}

static void write_svg(FILE *out, const struct picture *p, const struct ptlab_info *info)
{
	char s1[PTLAB_SIZE_STRLEN], s2[PTLAB_SIZE_STRLEN], buf[512], name[16];
	const char *fmt = ptlab_format_name(info->out_format);
	unsigned int k, b, d, ci, lanes = KINDS + p->depth, y, t;
	int height = 90 + (int)lanes * (LANE_H + 20) + 60;
	double bw = (double)PLOT_W / p->nbins;
	__u64 max_tables[PTLAB_MAX_LEVELS] = { };

	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\"",
		SVG_W, height);
	fprintf(out, " font-family=\"sans-serif\" font-size=\"12\" data-format=\"%s\"",
		fmt ? fmt : "?");
	fprintf(out, " data-lo=\"0x%llx\" data-bin=\"0x%llx\" data-bins=\"%u\"",
		(unsigned long long)p->lo, (unsigned long long)p->bin, p->nbins);
	fprintf(out, " data-table-pages=\"%llu\">\n", (unsigned long long)info->out_table_pages);
	fprintf(out, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	snprintf(buf, sizeof(buf),
		 "address space %u: %s, %u-bit IOVA, %u levels, %llu table pages, %s mapped",
		 info->id, fmt ? fmt : "?", info->out_ias, info->out_levels,
		 (unsigned long long)info->out_table_pages,
		 ptlab_size_format(info->out_mapped_bytes, s1, sizeof(s1)));
	fprintf(out, "<text x=\"10\" y=\"20\" font-size=\"15\">%s</text>\n", buf);
	snprintf(buf, sizeof(buf),
		 "IOVA 0x%llx-0x%llx in %u bins of %s; %s",
		 (unsigned long long)p->lo, (unsigned long long)(p->hi - 1), p->nbins,
		 ptlab_size_format(p->bin, s2, sizeof(s2)),
		 "bar height: share of the bin mapped (2 pixels at least)");
	fprintf(out, "<text x=\"10\" y=\"38\">%s</text>\n", buf);

	/* Legend: a colour per page size. */
	for (k = 0, ci = 0; k < 64; k++) {
		if (!(p->pgsizes & (1ULL << k)))
			continue;
		fprintf(out, "<rect x=\"%u\" y=\"48\" width=\"12\" height=\"12\" fill=\"%s\"/>\n",
			LEFT + ci * 90, colors[ci % ARRAY_SIZE(colors)]);
		fprintf(out, "<text x=\"%u\" y=\"59\">%s pages</text>\n", LEFT + ci * 90 + 16,
			ptlab_size_format(1ULL << k, s1, sizeof(s1)));
		ci++;
	}

	y = 80;
	for (k = 0; k < KINDS; k++, y += LANE_H + 20) {
		fprintf(out, "<g data-lane=\"%s\">\n", kind_names[k]);
		svg_text(out, LEFT - 8, (int)(y + LANE_H / 2), "end", kind_names[k]);
		lane_box(out, y);
		for (b = 0; b < p->nbins; b++) {
			double base = 0;
			unsigned int pg;

			for (pg = 0, ci = 0; pg < 64; pg++) {
				__u64 v;
				double h;

				if (!(p->pgsizes & (1ULL << pg)))
					continue;
				v = p->bytes[((size_t)k * 64 + pg) * p->nbins + b];
				ci++;
				if (!v)
					continue;
				/* At least 2 pixels: a 4K page in a 16G bin still shows. */
				h = (double)LANE_H * (double)v / (double)p->bin;
				if (h < 2)
					h = 2;
				if (base + h > LANE_H)
					h = LANE_H - base > 0 ? LANE_H - base : 0;
				bar(out, LEFT + b * bw, y + LANE_H - base - h, bw, h,
				    colors[(ci - 1) % ARRAY_SIZE(colors)], b);
				fprintf(out, " data-kind=\"%s\"", kind_names[k]);
				fprintf(out, " data-pgsize=\"%llu\"", 1ULL << pg);
				fprintf(out, " data-bytes=\"%llu\"/>\n", (unsigned long long)v);
				base += h;
			}
		}
		fprintf(out, "</g>\n");
	}

	/* The tables: per level, where they lie (shade) and how many. */
	for (d = 0; d < p->depth; d++)
		for (b = 0; b < p->nbins; b++)
			if (p->table_bins[(size_t)d * p->nbins + b] > max_tables[d])
				max_tables[d] = p->table_bins[(size_t)d * p->nbins + b];
	for (d = 0; d < p->depth; d++, y += LANE_H + 20) {
		unsigned int level = info->out_levels > d ? info->out_levels - 1 - d : 0;

		ptlab_level_name(info->out_format, info->out_levels, level, name, sizeof(name));
		fprintf(out, "<g data-level=\"%u\" data-level-name=\"%s\" data-tables=\"%llu\">\n",
			level, name, (unsigned long long)p->tables[d]);
		snprintf(buf, sizeof(buf), "%s tables", name);
		svg_text(out, LEFT - 8, (int)(y + LANE_H / 2 - 6), "end", buf);
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)p->tables[d]);
		svg_text(out, LEFT - 8, (int)(y + LANE_H / 2 + 10), "end", buf);
		lane_box(out, y);
		for (b = 0; b < p->nbins; b++) {
			__u64 v = p->table_bins[(size_t)d * p->nbins + b];
			double h;

			if (!v)
				continue;
			h = (double)LANE_H * (double)v / (double)max_tables[d];
			bar(out, LEFT + b * bw, y + LANE_H - h, bw, h, "#555", b);
			fprintf(out, " data-tables=\"%llu\"/>\n", (unsigned long long)v);
		}
		fprintf(out, "</g>\n");
	}

	/* The IOVA axis: five ticks. */
	for (t = 0; t <= 4; t++) {
		__u64 at = p->lo + (__u64)((double)(p->hi - p->lo) * t / 4);

		if (t == 4)
			at = p->hi - 1;
		snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)at);
		fprintf(out, "<line x1=\"%d\" y1=\"%u\" x2=\"%d\" y2=\"%u\" stroke=\"#888\"/>\n",
			LEFT + (int)(PLOT_W * t / 4), y - 15, LEFT + (int)(PLOT_W * t / 4), y - 8);
		svg_text(out, LEFT + (int)(PLOT_W * t / 4), (int)y + 6,
			 t == 0 ? "start" : t == 4 ? "end" : "middle", buf);
	}
	fprintf(out, "</svg>\n");
}

/**
 * ptctl_draw() - the script command "draw ID FILE.svg"
 * @fd: open /dev/ptlab
 * @id: the address space
 * @path: where to write the SVG
 * @json: print the result as a JSON object
 *
 * Return: 0 or a negative errno (reported on stderr).
 */
int ptctl_draw(int fd, __u32 id, const char *path, bool json)
{
	struct picture p = { };
	struct ptlab_info info;
	unsigned int d;
	FILE *out;
	int err;

	err = ptlab_info(fd, id, &info);
	if (err) {
		fprintf(stderr, "ptctl: draw: info %u: %s\n", id, strerror(-err));
		return err;
	}
	err = read_runs(id, &p);
	if (err)
		goto out;
	choose_bins(&p, info.out_granule_shift);
	p.bytes = calloc((size_t)KINDS * 64 * p.nbins, sizeof(*p.bytes));
	p.table_bins = calloc((size_t)PTLAB_MAX_LEVELS * p.nbins, sizeof(*p.table_bins));
	err = -ENOMEM;
	if (!p.bytes || !p.table_bins)
		goto out;
	bin_runs(&p);
	err = count_tables(id, &info, &p);
	if (err)
		goto out;
	out = fopen(path, "we");
	if (!out) {
		err = -errno;
		fprintf(stderr, "ptctl: draw: %s: %s\n", path, strerror(errno));
		goto out;
	}
	write_svg(out, &p, &info);
	if (fclose(out)) {
		err = -errno;
		fprintf(stderr, "ptctl: draw: %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (json) {
		printf("{\"command\": \"draw\", \"id\": %u, \"file\": ", id);
		ptctl_json_str(path);
		printf(", \"runs\": %zu, \"lo\": \"0x%llx\", \"bin\": %llu", p.nr,
		       (unsigned long long)p.lo, (unsigned long long)p.bin);
		printf(", \"bins\": %u, \"tables\": [", p.nbins);
		for (d = 0; d < p.depth; d++)
			printf("%s%llu", d ? ", " : "", (unsigned long long)p.tables[d]);
		printf("]}\n");
	} else {
		printf("draw %s runs %zu bins %u\n", path, p.nr, p.nbins);
	}
	err = 0;
out:
	free(p.runs);
	free(p.bytes);
	free(p.table_bins);
	return err;
}
