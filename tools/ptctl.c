// SPDX-License-Identifier: GPL-2.0
/*
 * ptctl: build, inspect and exercise ptlab address spaces from the shell.
 *
 * An address space lives only as long as the file descriptor that created
 * it, so everything that builds one runs on a single open /dev/ptlab: "demo"
 * takes a fixed tour, "script" runs commands from a file or from stdin.
 *
 * Output is plain "key value" lines; lines starting with '#' are comments
 * for people and can be skipped by parsers. Errors go to stderr.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "libptlab.h"
#include "ptctl.h"

#ifndef PTLAB_VERSION
#define PTLAB_VERSION "unknown"
#endif

#define DEMO_IOVA	0x40000000ULL
#define DEMO_SIZE	(4ULL << 20)
/* PMD size on x86-64 and arm64 with 4K pages: lets THP hand out 2M folios. */
#define BUF_ALIGN	(2UL << 20)
#define MAX_ARGS	32

/* Where the current command came from, for error messages in scripts. */
static const char *err_file;
static unsigned long err_line;

static void error_prefix(void)
{
	/* Keep errors next to the output they follow when both go to one file. */
	fflush(stdout);
	if (err_file)
		fprintf(stderr, "ptctl: %s:%lu: ", err_file, err_line);
	else
		fputs("ptctl: ", stderr);
}

/* A macro so the compiler checks the format against the arguments. */
#define error_msg(fmt, ...)						\
	do {								\
		error_prefix();						\
		fprintf(stderr, fmt "\n", ##__VA_ARGS__);		\
	} while (0)

/* ---- JSON (--json) ---- */

/* A JSON string: quotes, backslashes and control characters escaped. */
static void json_str(const char *str)
{
	const unsigned char *c;

	putchar('"');
	for (c = (const unsigned char *)str; *c; c++) {
		if (*c == '"' || *c == '\\')
			printf("\\%c", *c);
		else if (*c < 0x20)
			printf("\\u%04x", *c);
		else
			putchar(*c);
	}
	putchar('"');
}

void ptctl_json_str(const char *str)
{
	json_str(str);
}

/*
 * The start of a command's object, {"command": "map"; the caller adds its
 * fields (each starting with ", ") and json_end() closes it.
 */
static void json_begin(const char *cmd)
{
	printf("{\"command\": ");
	json_str(cmd);
}

/* A failed command's errno, under the names strerror() and errno.h give. */
static void json_error(int err)
{
	if (err) {
		printf(", \"errno\": %d, \"error\": ", -err);
		json_str(strerror(-err));
	}
}

static void json_end(void)
{
	printf("}\n");
}

/* Comments for people: '#' lines in text, nothing in JSON. */
#define note(fmt, ...)							\
	do {								\
		if (!json)						\
			printf(fmt, ##__VA_ARGS__);			\
	} while (0)

enum {
	OPT_NO_LOAD = 0x100,
	OPT_FORMAT,
	OPT_IAS,
	OPT_OAS,
	OPT_GRANULE,
	OPT_PGSIZES,
	OPT_SIZE,
	OPT_IOVA,
	OPT_ECHO,
	OPT_JSON,
	OPT_CREATE_FLAG,
};

/* create --dirty, dirty --no-clear */
enum { OPT_DIRTY = 0x200, OPT_NO_CLEAR };

static bool no_load;
/* --json: info and walk print one JSON object each (addresses as "0x..."). */
static bool json;

/*
 * Memory that ptctl allocated for map commands, by the IOVA range it is
 * mapped at; freed when that range is unmapped or its address space goes.
 */
struct buffer {
	struct buffer *next;
	__u32 id;
	__u64 iova;
	__u64 len;
	char *mem;
};

struct session {
	int fd;
	struct buffer *buffers;
	__u32 *ids;		/* address spaces created, in order, for $N */
	size_t nr_ids;
	__u32 *devs;		/* devices attached, in order, for @N */
	size_t nr_devs;
};

static void print_usage(FILE *f)
{
	unsigned int reg;
	__u32 format;
	size_t i;

	fprintf(f,
		"Usage: ptctl [--no-load] [--json] COMMAND [ARGS]\n"
		"\n"
		"Build, inspect and exercise page tables through /dev/ptlab. If the device\n"
		"is missing, ptctl loads the ptlab module first (as root), unless --no-load.\n"
		"An address space lives as long as ptctl's open file, so work on one is done\n"
		"by a single demo or script run.\n"
		"\n"
		"Commands:\n"
		"  demo [--size BYTES] [--iova IOVA]\n"
		"      Create an ARM64 LPAE stage-1 address space, map a THP-hinted buffer\n"
		"      (default 4M at 0x40000000) read/write, print its info, walks and the\n"
		"      debugfs dump, unmap it and exit.\n"
		"  create [--format NAME] [--ias BITS] [--oas BITS] [--granule SIZE]\n"
		"         [--pgsizes LIST] [--dirty] [--lpa2] [--ttbr1] [--ns]\n"
		"         [--outer-wbwa] [--s2fwb] [--mtk]\n"
		"      Create an address space and print its info (it is freed on exit:\n"
		"      use it to check parameters and register values).\n"
		"  script [--echo] FILE|-\n"
		"      Run commands from FILE (or stdin for '-' or none) on one open device:\n"
		"        create [OPTIONS]                 prints \"id N\"\n"
		"        map ID IOVA SIZE [PROT] [PGSIZE] map a new buffer\n"
		"        mapphys ID IOVA PA SIZE [PROT] [PGSIZE]\n"
		"                                         map physical memory (root)\n"
		"        unmap ID IOVA SIZE\n"
		"        walk ID IOVA\n"
		"        info ID\n"
		"        dump ID [mappings|table_pages|regs]\n"
		"                                         print the debugfs files (regs: the\n"
		"                                         register values, named per format)\n"
		"        snapshot ID FILE                 write an ELF core of the space\n"
		"        draw ID FILE.svg                 a picture: the mapped IOVA in bins by\n"
		"                                         kind (RAM, MMIO, firmware) and page\n"
		"                                         size, and the tables of each level\n"
		"        destroy ID\n"
		"        attach ID [check] [noinval] [iotlb N]\n"
		"                                         attach a simulated device: \"dev N\";\n"
		"                                         DEV is N, @ (the last) or @N (the Nth)\n"
		"        dma DEV read|write|fetch IOVA SIZE [priv] [byte=B|file=PATH]\n"
		"                                         the device reads (into FILE, or a\n"
		"                                         checksum) or writes (byte B or FILE)\n"
		"        faults DEV                       print and drain its fault queue\n"
		"        iotlb DEV                        its IOTLB counters (debugfs)\n"
		"        detach DEV\n"
		"        dirty ID IOVA LENGTH [--no-clear] [--page SIZE]\n"
		"                                         the pages written since the last\n"
		"                                         read (create --dirty), as \"dirty N\"\n"
		"                                         and one line per run; then clean\n"
		"        # comment\n"
		"      ID is a number, '$' for the last address space created, or '$N' for\n"
		"      the Nth. A script stops at its first error unless stdin is a terminal.\n"
		"  replay TRACE|- [--format F[,F...]] [--pgsizes LIST]\n"
		"      Replay Linux's iommu:map and iommu:unmap trace events, as ftrace\n"
		"      (/sys/kernel/tracing/trace) or trace-cmd report print them, into a\n"
		"      new address space of each format (default: all), and print side by\n"
		"      side: table pages at the end and at the peak, leaves by page size,\n"
		"      failed maps and unmaps by errno, unmaps that removed another size\n"
		"      than Linux did, and the time spent in the map and unmap ioctls.\n"
		"      Maps go through MAP_PHYS (root: CAP_SYS_RAWIO) with the trace's\n"
		"      physical address moved into the top half of the format's output\n"
		"      range (pa mod 2^(oas-1), plus 2^(oas-1)): the alignment, hence the\n"
		"      page sizes chosen, stay those of the trace, and no RAM is touched.\n"
		"      The trace names no domain: all events go into one address space,\n"
		"      so two domains' maps of one IOVA fail with EADDRINUSE.\n"
		"\n"
		"Options:\n"
		"  --no-load    never load the module: fail if /dev/ptlab does not exist\n"
		"  --json       (before the command) every command prints one JSON object on\n"
		"               one line, {\"command\": NAME, ...}, with the text output's\n"
		"               keys (create: id; map: mapped; unmap: unmapped; mapphys:\n"
		"               mapped, kind; info; walk: entries; dump: mappings, each run\n"
		"               with iova_first iova_last size pa prot pgsize kind, and\n"
		"               table_pages; snapshot: bytes; attach: dev; dma: done fault\n"
		"               first checksum; faults: records; iotlb: the counters;\n"
		"               destroy, detach; replay: formats; draw: file, bins).\n"
		"               Addresses and raw entries are \"0x...\" strings, sizes numbers\n"
		"               of bytes; a failed map, unmap or device command adds\n"
		"               \"errno\" and \"error\"; an unmapped IOVA is \"mapped\": false,\n"
		"               not an error; no '#' comments except from --echo\n"
		"  --echo       print each script command as a '#' comment before its output\n"
		"  -h, --help   this text\n"
		"  -V, --version\n"
		"\n"
		"Numbers: decimal or 0x hex, with an optional K, M, G or T suffix (2M, 0x1000).\n"
		"PROT: letters r w x p c m (read write exec priv cache mmio), '-' ignored;\n"
		"printed as rwxpcm with '-' for each absent bit, e.g. rw--c-. Default rw.\n"
		"Page sizes print as 4K, 2M, 1G; LIST is comma-separated: 4K,2M,1G.\n"
		"Exit status: 0 on success, 1 on an error, 2 on a usage error.\n"
		"\n"
		"Formats (--format NAME; info names each register as its driver does):\n");
	for (i = 0; (format = ptlab_format_at(i)); i++) {
		fprintf(f, "  %-14s %s\n", ptlab_format_name(format), ptlab_format_what(format));
		fprintf(f, "  %-14s registers:", "");
		for (reg = 0; reg < 3; reg++)
			if (ptlab_format_reg_name(format, reg))
				fprintf(f, " %s", ptlab_format_reg_name(format, reg));
		fprintf(f, "\n");
	}
}

/* ---- parsing ---- */

static int parse_num(const char *what, const char *str, __u64 *val)
{
	int err = ptlab_parse_u64(str, val);

	if (err)
		error_msg("bad %s '%s': %s", what, str, strerror(-err));
	return err;
}

static int parse_pow2(const char *what, const char *str, __u64 *val)
{
	if (parse_num(what, str, val))
		return -EINVAL;
	if (!*val || (*val & (*val - 1))) {
		error_msg("bad %s '%s': not a power of two", what, str);
		return -EINVAL;
	}
	return 0;
}

/* A device: a number, "@" for the last one attached, "@N" for the Nth. */
static int parse_dev(struct session *s, const char *str, __u32 *dev)
{
	__u64 val;

	if (str[0] == '@') {
		if (!s->nr_devs) {
			error_msg("'%s': no device attached yet", str);
			return -EINVAL;
		}
		if (!str[1]) {
			*dev = s->devs[s->nr_devs - 1];
			return 0;
		}
		if (ptlab_parse_u64(str + 1, &val) || !val || val > s->nr_devs) {
			error_msg("'%s': only %zu device(s) attached", str, s->nr_devs);
			return -EINVAL;
		}
		*dev = s->devs[val - 1];
		return 0;
	}
	if (parse_num("device", str, &val))
		return -EINVAL;
	if (val > UINT32_MAX) {
		error_msg("bad device '%s': too large", str);
		return -EINVAL;
	}
	*dev = (__u32)val;
	return 0;
}

static int parse_id(struct session *s, const char *str, __u32 *id)
{
	__u64 val;

	if (str[0] == '$') {
		if (!s->nr_ids) {
			error_msg("'%s': no address space created yet", str);
			return -EINVAL;
		}
		if (!str[1]) {
			*id = s->ids[s->nr_ids - 1];
			return 0;
		}
		if (ptlab_parse_u64(str + 1, &val) || !val || val > s->nr_ids) {
			error_msg("'%s': only %zu address space(s) created", str, s->nr_ids);
			return -EINVAL;
		}
		*id = s->ids[val - 1];
		return 0;
	}
	if (parse_num("id", str, &val))
		return -EINVAL;
	if (val > UINT32_MAX) {
		error_msg("bad id '%s': too large", str);
		return -EINVAL;
	}
	*id = (__u32)val;
	return 0;
}

/*
 * Options of "create", shared by the command line and scripts. Returns 0,
 * or 2 for a usage error (already reported).
 */
static int parse_create(int argc, char **argv, struct ptlab_create *c)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "ias", required_argument, NULL, OPT_IAS },
		{ "oas", required_argument, NULL, OPT_OAS },
		{ "granule", required_argument, NULL, OPT_GRANULE },
		{ "pgsizes", required_argument, NULL, OPT_PGSIZES },
		{ "no-load", no_argument, NULL, OPT_NO_LOAD },
		{ "dirty", no_argument, NULL, OPT_DIRTY },
		/* The PTLAB_CREATE_ARM_* variants, by their library names. */
		{ "lpa2", no_argument, NULL, OPT_CREATE_FLAG },
		{ "ttbr1", no_argument, NULL, OPT_CREATE_FLAG },
		{ "ns", no_argument, NULL, OPT_CREATE_FLAG },
		{ "outer-wbwa", no_argument, NULL, OPT_CREATE_FLAG },
		{ "s2fwb", no_argument, NULL, OPT_CREATE_FLAG },
		{ "mtk", no_argument, NULL, OPT_CREATE_FLAG },
		{ }
	};
	__u32 flag;
	__u64 val;
	int opt, idx;

	ptlab_create_init(c);
	optind = 0;	/* glibc: also resets its internal state between calls */
	while ((opt = getopt_long(argc, argv, "", opts, &idx)) != -1) {
		switch (opt) {
		case OPT_CREATE_FLAG:
			if (ptlab_create_flag_parse(opts[idx].name, &flag))
				return 2;
			c->flags |= flag;
			break;
		case OPT_FORMAT:
			if (ptlab_format_parse(optarg, &c->format)) {
				error_msg("unknown format '%s'", optarg);
				return 2;
			}
			break;
		case OPT_IAS:
		case OPT_OAS:
			if (parse_num(opt == OPT_IAS ? "ias" : "oas", optarg, &val))
				return 2;
			if (val > 64) {
				error_msg("bad address bits '%s': more than 64", optarg);
				return 2;
			}
			if (opt == OPT_IAS)
				c->ias = (__u32)val;
			else
				c->oas = (__u32)val;
			break;
		case OPT_GRANULE:
			if (parse_pow2("granule", optarg, &val))
				return 2;
			c->granule_shift = __builtin_ctzll(val);
			break;
		case OPT_PGSIZES:
			if (ptlab_pgsizes_parse(optarg, &c->pgsize_bitmap)) {
				error_msg("bad page-size list '%s' (want e.g. 4K,2M,1G)", optarg);
				return 2;
			}
			break;
		case OPT_NO_LOAD:
			no_load = true;
			break;
		case OPT_DIRTY:
			c->flags |= PTLAB_CREATE_DIRTY;
			break;
		default:
			return 2;
		}
	}
	if (optind < argc) {
		error_msg("create: unexpected argument '%s'", argv[optind]);
		return 2;
	}
	return 0;
}

/* ---- output ---- */

/* The per-format views of the uapi overlay the three register values. */
#define INFO_AT(field) offsetof(struct ptlab_info, field)
static_assert(INFO_AT(x86.cr3) == INFO_AT(out_ttbr) &&
	      INFO_AT(riscv.mode) == INFO_AT(out_tcr) &&
	      INFO_AT(arm64_s1.mair) == INFO_AT(out_mair) &&
	      INFO_AT(out_table_pages) == INFO_AT(out_ttbr) + 3 * sizeof(__u64),
	      "struct ptlab_info's register views");

static void print_info_json(const struct ptlab_info *info, const __u64 regs[3])
{
	const char *name = ptlab_format_name(info->out_format), *sep = "";
	unsigned int i;

	json_begin("info");
	printf(", \"id\": %u, \"format\": ", info->id);
	if (name)
		printf("\"%s\"", name);
	else
		printf("%u", info->out_format);
	printf(", \"granule\": %llu, \"ias\": %u, \"oas\": %u, \"levels\": %u, \"pgsizes\": [",
	       info->out_granule_shift < 64 ? 1ULL << info->out_granule_shift : 0ULL,
	       info->out_ias, info->out_oas, info->out_levels);
	for (i = 0; i < 64; i++) {
		if (info->out_pgsize_bitmap & (1ULL << i)) {
			printf("%s%llu", sep, 1ULL << i);
			sep = ", ";
		}
	}
	printf("], \"root_pa\": \"0x%llx\", \"regs\": {", (unsigned long long)info->out_root_pa);
	sep = "";
	for (i = 0; i < 3; i++) {
		const char *reg = ptlab_info_reg_name(info, i);

		if (reg) {
			printf("%s\"%s\": \"0x%llx\"", sep, reg, (unsigned long long)regs[i]);
			sep = ", ";
		}
	}
	if (info->out_flags) {
		char flags[128];

		printf("}, \"flags\": \"%s\"",
		       ptlab_create_flags_format(info->out_flags, flags, sizeof(flags)));
		printf(", \"table_pages\": %llu, \"mapped_bytes\": %llu}\n",
		       (unsigned long long)info->out_table_pages,
		       (unsigned long long)info->out_mapped_bytes);
		return;
	}
	printf("}, \"table_pages\": %llu, \"mapped_bytes\": %llu}\n",
	       (unsigned long long)info->out_table_pages,
	       (unsigned long long)info->out_mapped_bytes);
}

static int print_info(int fd, __u32 id)
{
	char pgsizes[64 * PTLAB_SIZE_STRLEN], granule[PTLAB_SIZE_STRLEN];
	struct ptlab_info info;
	const char *name;
	unsigned int i;
	__u64 regs[3];
	int err;

	err = ptlab_info(fd, id, &info);
	if (err) {
		error_msg("info %u: %s", id, strerror(-err));
		return err;
	}
	/* The uapi's views name them per format; the order is the same. */
	memcpy(regs, info.out_regs, sizeof(regs));
	if (json) {
		print_info_json(&info, regs);
		return 0;
	}
	name = ptlab_format_name(info.out_format);
	printf("id %u\n", info.id);
	if (name)
		printf("format %s\n", name);
	else
		printf("format %u\n", info.out_format);
	printf("granule %s\n",
	       ptlab_size_format(info.out_granule_shift < 64 ? 1ULL << info.out_granule_shift : 0,
				 granule, sizeof(granule)));
	printf("ias %u\n", info.out_ias);
	printf("oas %u\n", info.out_oas);
	printf("levels %u\n", info.out_levels);
	printf("pgsizes %s\n",
	       ptlab_pgsizes_format(info.out_pgsize_bitmap, pgsizes, sizeof(pgsizes)));
	printf("root_pa 0x%llx\n", info.out_root_pa);
	/* Under the names the format's driver uses (x86-64: cr3, riscv: iosatp). */
	for (i = 0; i < 3; i++) {
		const char *reg = ptlab_info_reg_name(&info, i);

		if (reg)
			printf("%s 0x%016llx\n", reg, (unsigned long long)regs[i]);
	}
	/* The PTLAB_CREATE_ARM_* variants, only where there are some. */
	if (info.out_flags) {
		char flags[128];

		printf("flags %s\n",
		       ptlab_create_flags_format(info.out_flags, flags, sizeof(flags)));
	}
	printf("table_pages %llu\n", info.out_table_pages);
	printf("mapped_bytes %llu\n", info.out_mapped_bytes);
	return 0;
}

/*
 * Entries are reported root first; label each with its level, counted like
 * out_level from the last-level table (0), so the leaf's label matches it
 * (NVIDIA GMMU: two words at a level, each with its half).
 */
static void print_walk_json(const struct ptlab_info *info, unsigned int levels, __u64 iova,
			    const struct ptlab_walk *walk, bool mapped)
{
	char prot[PTLAB_PROT_STRLEN], name[16];
	unsigned int i, n = walk->out_nr_entries;

	json_begin("walk");
	printf(", \"iova\": \"0x%llx\", \"mapped\": %s", (unsigned long long)iova,
	       mapped ? "true" : "false");
	if (mapped) {
		printf(", \"pa\": \"0x%llx\", \"pgsize\": %llu, \"level\": %u",
		       (unsigned long long)walk->out_pa, (unsigned long long)walk->out_pgsize,
		       walk->out_level);
		printf(", \"level_name\": \"%s\", \"prot\": \"%s\"",
		       ptlab_level_name(info->out_format, levels, walk->out_level, name,
					sizeof(name)),
		       ptlab_prot_format(walk->out_prot, prot, sizeof(prot)));
	}
	printf(", \"entries\": [");
	if (n > PTLAB_MAX_LEVELS)
		n = PTLAB_MAX_LEVELS;
	for (i = 0; i < n; i++)
		printf("%s{\"level\": %u, \"name\": \"%s\", \"value\": \"0x%016llx\"}",
		       i ? ", " : "", walk->out_entry_levels[i],
		       ptlab_walk_word_name(info->out_format, levels, walk, i, name,
					    sizeof(name)),
		       (unsigned long long)walk->out_entries[i]);
	printf("]}\n");
}

static int print_walk(int fd, __u32 id, __u64 iova)
{
	char prot[PTLAB_PROT_STRLEN], pgsize[PTLAB_SIZE_STRLEN], name[16];
	struct ptlab_walk walk;
	struct ptlab_info info = { };
	unsigned int levels = 0, i, n;
	int err;

	if (!ptlab_info(fd, id, &info))
		levels = info.out_levels;

	err = ptlab_walk(fd, id, iova, &walk);
	/* In JSON an unmapped IOVA is a result ("mapped": false), not an error. */
	if (json && (!err || err == -ENOENT)) {
		print_walk_json(&info, levels, iova, &walk, !err);
		return 0;
	}
	printf("iova 0x%llx\n", iova);
	if (!err) {
		printf("pa 0x%llx\n", walk.out_pa);
		printf("pgsize %s\n", ptlab_size_format(walk.out_pgsize, pgsize, sizeof(pgsize)));
		/* ptlab's number, then the architecture's name for the level. */
		printf("level %u %s\n", walk.out_level,
		       ptlab_level_name(info.out_format, levels, walk.out_level, name,
					sizeof(name)));
		printf("prot %s\n", ptlab_prot_format(walk.out_prot, prot, sizeof(prot)));
	} else if (err != -ENOENT) {
		error_msg("walk %u 0x%llx: %s", id, iova, strerror(-err));
		return err;
	}

	n = walk.out_nr_entries;
	if (n > PTLAB_MAX_LEVELS)
		n = PTLAB_MAX_LEVELS;
	for (i = 0; i < n; i++)
		printf("entry %u %s 0x%016llx\n", walk.out_entry_levels[i],
		       ptlab_walk_word_name(info.out_format, levels, &walk, i, name,
					    sizeof(name)),
		       walk.out_entries[i]);
	if (err)
		error_msg("walk %u 0x%llx: not mapped (%s)", id, iova, strerror(-err));
	return err;
}

/*
 * Read a debugfs file whole, for the JSON forms that reshape it. Returns 0
 * with *textp to free, or a negative errno (reported).
 */
static int read_debugfs(__u32 dev, __u32 id, const char *name, char **textp)
{
	char why[PTLAB_WHY_LEN];
	size_t len = 0;
	FILE *mem;
	int err;

	*textp = NULL;
	mem = open_memstream(textp, &len);
	if (!mem) {
		error_msg("%s: %s", name, strerror(errno));
		return -errno;
	}
	if (dev)
		err = ptlab_dev_debugfs_copy(id, name, mem, why, sizeof(why));
	else
		err = ptlab_debugfs_copy(id, name, mem, why, sizeof(why));
	if (fclose(mem) && !err)
		err = -ENOMEM;
	if (err) {
		error_msg("%s", err == -ENOMEM ? strerror(ENOMEM) : why);
		free(*textp);
		*textp = NULL;
	}
	return err;
}

/*
 * One line of the mappings file as a JSON object: the columns under the
 * names of its header, numbers as numbers and addresses as "0x..." strings.
 * Returns false for a line that is not a run (the '#' header lines).
 */
static bool json_mapping(const char *line, const char *sep)
{
	unsigned long long first, last, size, pa;
	char prot[16], pgsize[24], kind[24] = "";
	__u64 pgbytes;

	if (sscanf(line, "0x%llx-0x%llx 0x%llx 0x%llx %15s %23s %23s", &first, &last,
		   &size, &pa, prot, pgsize, kind) < 6 || ptlab_parse_u64(pgsize, &pgbytes))
		return false;
	printf("%s{\"iova_first\": \"0x%llx\", \"iova_last\": \"0x%llx\", \"size\": %llu",
	       sep, first, last, size);
	printf(", \"pa\": \"0x%llx\", \"prot\": ", pa);
	json_str(prot);
	printf(", \"pgsize\": %llu, \"kind\": ", (unsigned long long)pgbytes);
	/* User memory has no kind column: name it as draw does. */
	json_str(kind[0] ? kind : "user");
	printf("}");
	return true;
}

/* dump ID [mappings|table_pages] as one object; @name NULL for both. */
static int print_dump_json(__u32 id, const char *name)
{
	char *text = NULL, *line, *save;
	const char *sep = "";
	int err;

	json_begin("dump");
	printf(", \"id\": %u", id);
	if (!name || !strcmp(name, "mappings")) {
		err = read_debugfs(0, id, "mappings", &text);
		if (err)
			goto out;
		printf(", \"header\": ");
		line = strtok_r(text, "\n", &save);
		json_str(line && line[0] == '#' ? line + 2 : "");
		printf(", \"mappings\": [");
		for (; line; line = strtok_r(NULL, "\n", &save))
			if (json_mapping(line, sep))
				sep = ", ";
		printf("]");
		free(text);
		text = NULL;
	}
	if (name && !strcmp(name, "regs")) {
		const char *rsep = "";
		char reg[32];
		unsigned long long val;

		err = read_debugfs(0, id, "regs", &text);
		if (err)
			goto out;
		printf(", \"regs\": {");
		for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			if (sscanf(line, "%31s 0x%llx", reg, &val) != 2)
				continue;
			printf("%s", rsep);
			json_str(reg);
			printf(": \"0x%llx\"", val);
			rsep = ", ";
		}
		printf("}");
		free(text);
		text = NULL;
	}
	if (!name || !strcmp(name, "table_pages")) {
		err = read_debugfs(0, id, "table_pages", &text);
		if (err)
			goto out;
		printf(", \"table_pages\": %llu", strtoull(text, NULL, 10));
		free(text);
	}
	err = 0;
out:
	json_error(err);
	json_end();
	return err;
}

static int print_debugfs(__u32 id, const char *name)
{
	char why[PTLAB_WHY_LEN];
	int err;

	if (json)
		return print_dump_json(id, name);
	printf("# debugfs %s/%u/%s\n", PTLAB_DEBUGFS_DIR, id, name);
	fflush(stdout);
	err = ptlab_debugfs_copy(id, name, stdout, why, sizeof(why));
	if (err)
		error_msg("%s", why);
	return err;
}

/* ---- buffers ---- */

static void buffer_release(struct session *s, __u32 id, __u64 start, __u64 len)
{
	struct buffer **pp = &s->buffers, *b, *tail;
	__u64 last, b_last, lo, hi;

	if (!len)
		return;
	/* Inclusive last bytes, so a range that ends at 2^64 does not wrap. */
	last = start + len - 1 < start ? ~0ULL : start + len - 1;
	while ((b = *pp)) {
		b_last = b->iova + b->len - 1;
		if (b->id != id || b->iova > last || b_last < start) {
			pp = &b->next;
			continue;
		}
		lo = b->iova > start ? b->iova : start;
		hi = b_last < last ? b_last : last;
		munmap(b->mem + (lo - b->iova), hi - lo + 1);

		if (lo == b->iova && hi == b_last) {
			*pp = b->next;
			free(b);
			continue;
		}
		if (lo > b->iova && hi < b_last) {
			/* A hole in the middle: keep the tail as its own buffer. */
			tail = malloc(sizeof(*tail));
			if (tail) {
				*tail = *b;
				tail->iova = hi + 1;
				tail->mem = b->mem + (hi + 1 - b->iova);
				tail->len = b_last - hi;
				b->next = tail;
			}
			b->len = lo - b->iova;
		} else if (lo == b->iova) {
			b->mem += hi + 1 - b->iova;
			b->len = b_last - hi;
			b->iova = hi + 1;
		} else {
			b->len = lo - b->iova;
		}
		pp = &b->next;
	}
}

/* ---- commands on an open device ---- */

static int do_create(struct session *s, struct ptlab_create *c)
{
	__u32 *ids;
	int err;

	err = ptlab_create(s->fd, c);
	if (err) {
		error_msg("create: %s", strerror(-err));
		return err;
	}
	ids = realloc(s->ids, (s->nr_ids + 1) * sizeof(*ids));
	if (!ids) {
		error_msg("create: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	ids[s->nr_ids++] = c->out_id;
	s->ids = ids;
	return 0;
}

static int do_map(struct session *s, __u32 id, __u64 iova, __u64 size,
		  __u32 prot, __u64 pgsize)
{
	char protstr[PTLAB_PROT_STRLEN];
	struct ptlab_map_user map = {
		.id = id,
		.prot = prot,
		.iova = iova,
		.length = size,
		.pgsize = pgsize,
	};
	struct buffer *b;
	void *mem;
	int err;

	b = calloc(1, sizeof(*b));
	if (!b) {
		error_msg("map: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	err = ptlab_alloc_buffer(size, BUF_ALIGN, &mem);
	if (err) {
		error_msg("map: cannot allocate %llu bytes: %s", size, strerror(-err));
		free(b);
		return err;
	}
	map.uptr = (__u64)(unsigned long)mem;

	err = ptlab_map_user(s->fd, &map);
	if (json) {
		json_begin("map");
		printf(", \"id\": %u, \"iova\": \"0x%llx\", \"size\": %llu, \"prot\": ",
		       id, iova, size);
		json_str(ptlab_prot_format(prot, protstr, sizeof(protstr)));
		printf(", \"mapped\": %llu", map.out_mapped);
		json_error(err);
		json_end();
	} else {
		printf("mapped %llu\n", map.out_mapped);
	}

	/* Keep what the kernel pinned; give back the rest now. */
	if (map.out_mapped < size)
		ptlab_free_buffer((char *)mem + map.out_mapped, size - map.out_mapped);
	if (map.out_mapped) {
		b->id = id;
		b->iova = iova;
		b->len = map.out_mapped;
		b->mem = mem;
		b->next = s->buffers;
		s->buffers = b;
	} else {
		free(b);
	}

	if (err)
		error_msg("map %u 0x%llx 0x%llx %s: %s (mapped %llu of %llu bytes)",
			  id, iova, size, ptlab_prot_format(prot, protstr, sizeof(protstr)),
			  strerror(-err), map.out_mapped, size);
	return err;
}

static int do_unmap(struct session *s, __u32 id, __u64 iova, __u64 size)
{
	__u64 done = 0;
	int err;

	err = ptlab_unmap(s->fd, id, iova, size, &done);
	if (json) {
		json_begin("unmap");
		printf(", \"id\": %u, \"iova\": \"0x%llx\", \"size\": %llu, \"unmapped\": %llu",
		       id, iova, size, done);
		json_error(err);
		json_end();
	} else {
		printf("unmapped %llu\n", done);
	}
	buffer_release(s, id, iova, done);
	if (err)
		error_msg("unmap %u 0x%llx 0x%llx: %s (unmapped %llu bytes)",
			  id, iova, size, strerror(-err), done);
	return err;
}

static int do_destroy(struct session *s, __u32 id)
{
	int err;

	err = ptlab_destroy(s->fd, id);
	if (json) {
		json_begin("destroy");
		printf(", \"id\": %u", id);
		json_error(err);
		json_end();
	}
	if (err) {
		error_msg("destroy %u: %s", id, strerror(-err));
		return err;
	}
	buffer_release(s, id, 0, ~0ULL);
	return 0;
}

static int open_session(struct session *s)
{
	char why[PTLAB_WHY_LEN];
	int fd;

	memset(s, 0, sizeof(*s));
	fd = ptlab_open(no_load ? PTLAB_OPEN_NO_LOAD : 0, why, sizeof(why));
	if (fd < 0) {
		error_msg("%s", why);
		return fd;
	}
	s->fd = fd;
	return 0;
}

static void close_session(struct session *s)
{
	struct buffer *b;

	/* Closing the device unmaps and unpins everything it still holds. */
	close(s->fd);
	while ((b = s->buffers)) {
		s->buffers = b->next;
		munmap(b->mem, b->len);
		free(b);
	}
	free(s->ids);
	free(s->devs);
}

/* ---- ptctl create ---- */

static int cmd_create(int argc, char **argv)
{
	struct ptlab_create c;
	struct session s;
	int ret;

	ret = parse_create(argc, argv, &c);
	if (ret)
		return ret;
	if (open_session(&s))
		return 1;
	ret = 1;
	if (!do_create(&s, &c) && !print_info(s.fd, c.out_id))
		ret = 0;
	close_session(&s);
	return ret;
}

/* ---- ptctl demo ---- */

static int cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "size", required_argument, NULL, OPT_SIZE },
		{ "iova", required_argument, NULL, OPT_IOVA },
		{ "no-load", no_argument, NULL, OPT_NO_LOAD },
		{ }
	};
	__u64 size = DEMO_SIZE, iova = DEMO_IOVA, min_page, probes[3];
	char prot[PTLAB_PROT_STRLEN], sz[PTLAB_SIZE_STRLEN];
	struct ptlab_create c;
	struct ptlab_info info;
	const char *name;
	struct session s;
	int opt, ret = 1, err;
	__u32 id;
	size_t i;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_SIZE:
			if (parse_num("size", optarg, &size))
				return 2;
			break;
		case OPT_IOVA:
			if (parse_num("iova", optarg, &iova))
				return 2;
			break;
		case OPT_NO_LOAD:
			no_load = true;
			break;
		default:
			return 2;
		}
	}
	if (optind < argc) {
		error_msg("demo: unexpected argument '%s'", argv[optind]);
		return 2;
	}
	if (!size || iova + size - 1 < iova) {
		error_msg("demo: bad size %llu at 0x%llx", size, iova);
		return 2;
	}

	if (open_session(&s))
		return 1;

	ptlab_create_init(&c);
	if (do_create(&s, &c))
		goto out;
	id = c.out_id;
	err = ptlab_info(s.fd, id, &info);
	if (err || !info.out_pgsize_bitmap) {
		error_msg("demo: info %u: %s", id, err ? strerror(-err) : "no page sizes");
		goto out_destroy;
	}
	min_page = info.out_pgsize_bitmap & -info.out_pgsize_bitmap;
	if ((size | iova) & (min_page - 1)) {
		error_msg("demo: size and iova must be multiples of %s",
			  ptlab_size_format(min_page, sz, sizeof(sz)));
		goto out_destroy;
	}

	name = ptlab_format_name(info.out_format) ? ptlab_format_name(info.out_format) : "?";
	note("# ptlab demo: %s buffer at iova 0x%llx in a new %s address space\n",
	     ptlab_size_format(size, sz, sizeof(sz)), iova, name);
	if (json) {
		json_begin("create");
		printf(", \"id\": %u, \"format\": ", id);
		json_str(name);
		json_end();
	} else {
		printf("id %u\n", id);
	}

	note("# map %u 0x%llx 0x%llx %s\n", id, iova, size,
	     ptlab_prot_format(PTLAB_PROT_READ | PTLAB_PROT_WRITE, prot, sizeof(prot)));
	if (do_map(&s, id, iova, size, PTLAB_PROT_READ | PTLAB_PROT_WRITE, 0))
		goto out_destroy;

	note("# info %u\n", id);
	if (print_info(s.fd, id))
		goto out_destroy;

	/* The first byte, one just inside the second 4K page, the last byte. */
	probes[0] = iova;
	probes[1] = iova + 4096 + 123;
	probes[2] = iova + size - 1;
	for (i = 0; i < 3; i++) {
		if (probes[i] > iova + size - 1 || (i && probes[i] <= probes[i - 1]))
			continue;
		note("# walk %u 0x%llx\n", id, probes[i]);
		if (print_walk(s.fd, id, probes[i]))
			goto out_destroy;
	}

	/* debugfs is optional for the tour: say why it is missing, go on. */
	if (print_debugfs(id, "mappings") != -ENODEV)
		print_debugfs(id, "table_pages");

	note("# unmap %u 0x%llx 0x%llx\n", id, iova, size);
	if (do_unmap(&s, id, iova, size))
		goto out_destroy;
	note("# info %u after unmap\n", id);
	if (print_info(s.fd, id))
		goto out_destroy;
	ret = 0;

out_destroy:
	note("# destroy %u\n", id);
	err = do_destroy(&s, id);
	if (err)
		ret = 1;
out:
	close_session(&s);
	return ret;
}

/* ---- ptctl script ---- */

/*
 * dirty ID IOVA LENGTH [--no-clear] [--page SIZE]: read (and clean) the
 * dirty bitmap, one bit per SIZE (default the space's smallest page), and
 * print its runs: "dirty N" then "0xFIRST-0xLAST PAGES".
 */
static int script_dirty(struct session *s, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "no-clear", no_argument, NULL, OPT_NO_CLEAR },
		{ "page", required_argument, NULL, OPT_SIZE },
		{ }
	};
	__u64 iova, length, page = 0, nbits, words, dirty, i, run;
	__u32 id, flags = 0;
	struct ptlab_info info;
	__u64 *bits;
	bool first;
	int opt, err;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == OPT_NO_CLEAR)
			flags |= PTLAB_READ_DIRTY_NO_CLEAR;
		else if (opt != OPT_SIZE || parse_pow2("page size", optarg, &page))
			return -1;
	}
	if (argc - optind != 3) {
		error_msg("dirty: usage: dirty ID IOVA LENGTH [--no-clear] [--page SIZE]");
		return -1;
	}
	if (parse_id(s, argv[optind], &id) ||
	    parse_num("iova", argv[optind + 1], &iova) ||
	    parse_num("length", argv[optind + 2], &length))
		return -1;
	if (!page) {
		err = ptlab_info(s->fd, id, &info);
		if (err) {
			error_msg("dirty: info %u: %s", id, strerror(-err));
			return -1;
		}
		page = info.out_pgsize_bitmap & -info.out_pgsize_bitmap;
	}
	nbits = length / page;
	if (!nbits || nbits > PTLAB_DIRTY_MAX_BITS) {
		error_msg("dirty: %llu pages: want 1 to %u",
			  (unsigned long long)nbits, PTLAB_DIRTY_MAX_BITS);
		return -1;
	}
	words = (nbits + 63) / 64;
	bits = calloc(words, sizeof(*bits));
	if (!bits) {
		error_msg("dirty: %s", strerror(ENOMEM));
		return -1;
	}
	err = ptlab_read_dirty(s->fd, id, flags, iova, length, page, bits,
			       words * sizeof(*bits), &dirty);
	if (err) {
		error_msg("dirty: %s", strerror(-err));
		free(bits);
		return -1;
	}
	if (json) {
		json_begin("dirty");
		printf(", \"id\": %u, \"page\": %llu, \"cleared\": %s",
		       id, (unsigned long long)page,
		       flags & PTLAB_READ_DIRTY_NO_CLEAR ? "false" : "true");
		printf(", \"dirty\": %llu, \"runs\": [", (unsigned long long)dirty);
	} else {
		printf("dirty %llu\n", (unsigned long long)dirty);
	}
	for (i = 0, first = true; i < nbits; i += run ? run : 1) {
		for (run = 0; i + run < nbits &&
		     (bits[(i + run) / 64] >> ((i + run) % 64) & 1); run++)
			;
		if (!run)
			continue;
		if (json)
			printf("%s{\"first\": \"0x%llx\", \"last\": \"0x%llx\", \"pages\": %llu}",
			       first ? "" : ", ",
			       (unsigned long long)(iova + i * page),
			       (unsigned long long)(iova + (i + run) * page - 1),
			       (unsigned long long)run);
		else
			printf("0x%llx-0x%llx %llu\n",
			       (unsigned long long)(iova + i * page),
			       (unsigned long long)(iova + (i + run) * page - 1),
			       (unsigned long long)run);
		first = false;
	}
	if (json) {
		printf("]");
		json_end();
	}
	free(bits);
	return 0;
}

static int script_attach(struct session *s, int argc, char **argv)
{
	__u32 id, dev, flags = 0, *devs;
	__u64 entries = 0;
	int i, err;

	if (argc < 2 || parse_id(s, argv[1], &id))
		return -1;
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "check")) {
			flags |= PTLAB_DEV_CHECK;
		} else if (!strcmp(argv[i], "noinval")) {
			flags |= PTLAB_DEV_NO_INVALIDATE;
		} else if (!strcmp(argv[i], "iotlb") && i + 1 < argc) {
			if (parse_num("iotlb entries", argv[++i], &entries))
				return -1;
		} else {
			error_msg("attach: unknown option '%s' (check, noinval, iotlb N)", argv[i]);
			return -1;
		}
	}
	devs = realloc(s->devs, (s->nr_devs + 1) * sizeof(*devs));
	if (!devs) {
		error_msg("attach: %s", strerror(ENOMEM));
		return -1;
	}
	s->devs = devs;
	err = ptlab_dev_create(s->fd, id, flags, (__u32)entries, &dev);
	if (err) {
		error_msg("attach %u: %s", id, strerror(-err));
		return -1;
	}
	s->devs[s->nr_devs++] = dev;
	if (json) {
		json_begin("attach");
		printf(", \"id\": %u, \"dev\": %u, \"check\": %s, \"noinval\": %s", id, dev,
		       flags & PTLAB_DEV_CHECK ? "true" : "false",
		       flags & PTLAB_DEV_NO_INVALIDATE ? "true" : "false");
		json_end();
		return 0;
	}
	printf("dev %u\n", dev);
	return 0;
}

static int print_faults(int fd, __u32 dev)
{
	struct ptlab_fault f[PTLAB_DEV_MAX_FAULTS];
	__u32 n, overflow, i;
	int err;

	err = ptlab_dev_faults(fd, dev, f, PTLAB_DEV_MAX_FAULTS, &n, &overflow);
	if (err) {
		error_msg("faults %u: %s", dev, strerror(-err));
		return -1;
	}
	if (json) {
		json_begin("faults");
		printf(", \"dev\": %u, \"faults\": %u, \"overflow\": %u, \"records\": [",
		       dev, n, overflow);
		for (i = 0; i < n; i++) {
			printf("%s{\"kind\": ", i ? ", " : "");
			json_str(ptlab_fault_name(f[i].kind));
			printf(", \"iova\": \"0x%llx\", \"access\": %u, \"level\": %u",
			       (unsigned long long)f[i].iova, f[i].access, f[i].level);
			printf(", \"entry\": \"0x%016llx\", \"cached_pa\": \"0x%llx\"",
			       (unsigned long long)f[i].entry,
			       (unsigned long long)f[i].cached_pa);
			printf(", \"table_pa\": \"0x%llx\"}", (unsigned long long)f[i].table_pa);
		}
		printf("]");
		json_end();
		return 0;
	}
	printf("faults %u overflow %u\n", n, overflow);
	for (i = 0; i < n; i++) {
		printf("fault %s iova 0x%llx access 0x%x level %u entry 0x%016llx",
		       ptlab_fault_name(f[i].kind), (unsigned long long)f[i].iova, f[i].access,
		       f[i].level, (unsigned long long)f[i].entry);
		printf(" cached_pa 0x%llx table_pa 0x%llx\n", (unsigned long long)f[i].cached_pa,
		       (unsigned long long)f[i].table_pa);
	}
	return 0;
}

/*
 * The device's iotlb file ("key value" lines) as one object: plain numbers
 * as numbers, "used/size" as {"used": N, "size": N}.
 */
static int print_iotlb_json(__u32 dev)
{
	char *text, *line, *save, key[32];
	unsigned long long a, b;
	const char *sep = ", ";
	int err;

	err = read_debugfs(1, dev, "iotlb", &text);
	json_begin("iotlb");
	printf(", \"dev\": %u", dev);
	for (line = err ? NULL : strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		int n = sscanf(line, "%31s %llu/%llu", key, &a, &b);

		if (n < 2)
			continue;
		printf("%s", sep);
		json_str(key);
		if (n == 3)
			printf(": {\"used\": %llu, \"size\": %llu}", a, b);
		else
			printf(": %llu", a);
	}
	json_error(err);
	json_end();
	free(text);
	return err ? -1 : 0;
}

/* dma DEV read|write|fetch IOVA SIZE [priv] [byte=B|file=PATH] */
static int script_dma(struct session *s, int argc, char **argv)
{
	struct { const char *file; __u64 byte; bool have_byte; } a = { };
	struct ptlab_dev_dma d = { };
	unsigned long long sum = 0;
	unsigned char *buf;
	__u64 i;
	int err, out, ai;

	if (argc < 5)
		goto usage;
	if (parse_dev(s, argv[1], &d.dev_id))
		return -1;
	if (!strcmp(argv[2], "read"))
		d.access = PTLAB_ACCESS_READ;
	else if (!strcmp(argv[2], "write"))
		d.access = PTLAB_ACCESS_WRITE;
	else if (!strcmp(argv[2], "fetch"))
		d.access = PTLAB_ACCESS_READ | PTLAB_ACCESS_EXEC;
	else
		goto usage;
	if (parse_num("iova", argv[3], &d.iova) || parse_num("size", argv[4], &d.length))
		return -1;
	for (ai = 5; ai < argc; ai++) {
		if (!strcmp(argv[ai], "priv"))
			d.access |= PTLAB_ACCESS_PRIV;
		else if (!strncmp(argv[ai], "byte=", 5) &&
			 !parse_num("byte", argv[ai] + 5, &a.byte))
			a.have_byte = true;
		else if (!strncmp(argv[ai], "file=", 5))
			a.file = argv[ai] + 5;
		else
			goto usage;
	}
	if (!d.length || d.length > PTLAB_DEV_MAX_DMA) {
		error_msg("dma: size must be 1 to %u bytes", PTLAB_DEV_MAX_DMA);
		return -1;
	}
	buf = calloc(1, d.length);
	if (!buf) {
		error_msg("dma: %s", strerror(ENOMEM));
		return -1;
	}
	if (d.access & PTLAB_ACCESS_WRITE) {
		if (a.file) {
			int in = open(a.file, O_RDONLY | O_CLOEXEC);

			if (in < 0 || read(in, buf, d.length) < 0) {
				error_msg("dma: %s: %s", a.file, strerror(errno));
				if (in >= 0)
					close(in);
				free(buf);
				return -1;
			}
			close(in);
		} else {
			memset(buf, a.have_byte ? (int)a.byte : 0, d.length);
		}
	}
	d.uptr = (__u64)(uintptr_t)buf;
	err = ptlab_dev_dma(s->fd, &d);
	if (json) {
		json_begin("dma");
		printf(", \"dev\": %u, \"access\": ", d.dev_id);
		json_str(argv[2]);
		printf(", \"priv\": %s, \"iova\": \"0x%llx\", \"size\": %llu",
		       d.access & PTLAB_ACCESS_PRIV ? "true" : "false",
		       (unsigned long long)d.iova, (unsigned long long)d.length);
		printf(", \"done\": %llu, \"fault\": ", (unsigned long long)d.out_done);
		if (d.out_fault)
			json_str(ptlab_fault_name(d.out_fault));
		else
			printf("null");
	} else {
		printf("done %llu\n", (unsigned long long)d.out_done);
		if (d.out_fault)
			printf("fault %s\n", ptlab_fault_name(d.out_fault));
	}
	if (!(d.access & PTLAB_ACCESS_WRITE) && d.out_done) {
		if (a.file) {
			out = open(a.file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
			if (out < 0 || write(out, buf, d.out_done) != (ssize_t)d.out_done)
				error_msg("dma: %s: %s", a.file, strerror(errno));
			if (out >= 0)
				close(out);
		}
		for (i = 0; i < d.out_done; i++)
			sum = sum * 31 + buf[i];
		if (json)
			printf(", \"first\": \"0x%02x\", \"checksum\": \"0x%016llx\"",
			       buf[0], sum);
		else
			printf("first 0x%02x checksum 0x%016llx\n", buf[0], sum);
	}
	if (json) {
		json_error(err == -EIO ? 0 : err);
		json_end();
	}
	free(buf);
	/* A device fault is a result, printed above, not a failed command. */
	if (err && err != -EIO) {
		error_msg("dma: %s", strerror(-err));
		return -1;
	}
	return 0;

usage:
	error_msg("dma: usage: dma DEV read|write|fetch IOVA SIZE [priv] [byte=B|file=PATH]");
	return -1;
}

static int script_line(struct session *s, int argc, char **argv)
{
	const char *cmd = argv[0];
	__u64 iova, size, pgsize = 0;
	__u32 id, prot = PTLAB_PROT_READ | PTLAB_PROT_WRITE;
	int i;

	if (!strcmp(cmd, "create")) {
		struct ptlab_create c;

		if (parse_create(argc, argv, &c) || do_create(s, &c))
			return -1;
		if (json) {
			json_begin("create");
			printf(", \"id\": %u, \"format\": ", c.out_id);
			json_str(ptlab_format_name(c.format) ? ptlab_format_name(c.format) : "?");
			json_end();
			return 0;
		}
		printf("id %u\n", c.out_id);
		return 0;
	}

	if (!strcmp(cmd, "map")) {
		if (argc < 4 || argc > 6)
			goto usage;
		if (parse_id(s, argv[1], &id) || parse_num("iova", argv[2], &iova) ||
		    parse_num("size", argv[3], &size))
			return -1;
		/* PROT and PGSIZE are both optional: a page size starts with a digit. */
		for (i = 4; i < argc; i++) {
			if (argv[i][0] >= '0' && argv[i][0] <= '9') {
				if (parse_pow2("page size", argv[i], &pgsize))
					return -1;
			} else if (ptlab_prot_parse(argv[i], &prot)) {
				error_msg("bad prot '%s' (want letters of rwxpcm)", argv[i]);
				return -1;
			}
		}
		if (!size) {
			error_msg("map: size must not be 0");
			return -1;
		}
		return do_map(s, id, iova, size, prot, pgsize);
	}

	if (!strcmp(cmd, "mapphys")) {
		struct ptlab_map_phys m = { .prot = PTLAB_PROT_READ };
		__u64 pa;
		int err;

		if (argc < 5 || argc > 7)
			goto usage;
		if (parse_id(s, argv[1], &id) || parse_num("iova", argv[2], &iova) ||
		    parse_num("pa", argv[3], &pa) || parse_num("size", argv[4], &size))
			return -1;
		/* PROT and PGSIZE are optional, as for map. */
		for (i = 5; i < argc; i++) {
			if (argv[i][0] >= '0' && argv[i][0] <= '9') {
				if (parse_pow2("page size", argv[i], &m.pgsize))
					return -1;
			} else if (ptlab_prot_parse(argv[i], &m.prot)) {
				error_msg("bad prot '%s' (want letters of rwxpcm)", argv[i]);
				return -1;
			}
		}
		m.id = id;
		m.iova = iova;
		m.paddr = pa;
		m.length = size;
		err = ptlab_map_phys(s->fd, &m);
		if (json) {
			json_begin("mapphys");
			printf(", \"id\": %u, \"iova\": \"0x%llx\", \"pa\": \"0x%llx\"",
			       id, iova, pa);
			printf(", \"size\": %llu, \"mapped\": %llu, \"kind\": ", size,
			       (unsigned long long)m.out_mapped);
			if (err)
				printf("null");
			else
				json_str(m.out_kind == PTLAB_PHYS_RAM ? "ram" : "mmio");
			json_error(err);
			json_end();
		} else {
			printf("mapped %llu\n", (unsigned long long)m.out_mapped);
		}
		if (err) {
			error_msg("mapphys: %s", strerror(-err));
			return -1;
		}
		if (!json)
			printf("kind %s\n", m.out_kind == PTLAB_PHYS_RAM ? "ram" : "mmio");
		return 0;
	}

	if (!strcmp(cmd, "snapshot")) {
		__u64 bytes = 0;
		int out, err;

		if (argc != 3)
			goto usage;
		if (parse_id(s, argv[1], &id))
			return -1;
		out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (out < 0) {
			error_msg("snapshot: %s: %s", argv[2], strerror(errno));
			return -1;
		}
		err = ptlab_snapshot(s->fd, id, out, &bytes);
		close(out);
		if (json) {
			json_begin("snapshot");
			printf(", \"id\": %u, \"file\": ", id);
			json_str(argv[2]);
			printf(", \"bytes\": %llu", (unsigned long long)bytes);
			json_error(err);
			json_end();
		}
		if (err) {
			error_msg("snapshot: %s", strerror(-err));
			return -1;
		}
		if (!json)
			printf("snapshot %llu bytes\n", (unsigned long long)bytes);
		return 0;
	}

	if (!strcmp(cmd, "unmap")) {
		if (argc != 4)
			goto usage;
		if (parse_id(s, argv[1], &id) || parse_num("iova", argv[2], &iova) ||
		    parse_num("size", argv[3], &size))
			return -1;
		return do_unmap(s, id, iova, size);
	}

	if (!strcmp(cmd, "walk")) {
		if (argc != 3)
			goto usage;
		if (parse_id(s, argv[1], &id) || parse_num("iova", argv[2], &iova))
			return -1;
		return print_walk(s->fd, id, iova);
	}

	if (!strcmp(cmd, "info")) {
		if (argc != 2)
			goto usage;
		if (parse_id(s, argv[1], &id))
			return -1;
		return print_info(s->fd, id);
	}

	if (!strcmp(cmd, "dump")) {
		if (argc < 2 || argc > 3)
			goto usage;
		if (parse_id(s, argv[1], &id))
			return -1;
		if (argc == 3) {
			if (strcmp(argv[2], "mappings") && strcmp(argv[2], "table_pages") &&
			    strcmp(argv[2], "regs")) {
				error_msg("dump: unknown file '%s' (mappings, table_pages, regs)",
					  argv[2]);
				return -1;
			}
			return print_debugfs(id, argv[2]);
		}
		if (json)
			return print_dump_json(id, NULL);
		if (print_debugfs(id, "mappings"))
			return -1;
		return print_debugfs(id, "table_pages");
	}

	if (!strcmp(cmd, "destroy")) {
		if (argc != 2)
			goto usage;
		if (parse_id(s, argv[1], &id))
			return -1;
		return do_destroy(s, id);
	}

	if (!strcmp(cmd, "dirty"))
		return script_dirty(s, argc, argv);
	if (!strcmp(cmd, "draw")) {
		if (argc != 3)
			goto usage;
		if (parse_id(s, argv[1], &id))
			return -1;
		return ptctl_draw(s->fd, id, argv[2], json) ? -1 : 0;
	}

	if (!strcmp(cmd, "attach"))
		return script_attach(s, argc, argv);
	if (!strcmp(cmd, "dma"))
		return script_dma(s, argc, argv);
	if (!strcmp(cmd, "faults") || !strcmp(cmd, "iotlb") || !strcmp(cmd, "detach")) {
		__u32 dev;
		int err;

		if (argc != 2)
			goto usage;
		if (parse_dev(s, argv[1], &dev))
			return -1;
		if (!strcmp(cmd, "faults"))
			return print_faults(s->fd, dev);
		if (!strcmp(cmd, "iotlb")) {
			char why[PTLAB_WHY_LEN];

			if (json)
				return print_iotlb_json(dev);
			if (ptlab_dev_debugfs_copy(dev, "iotlb", stdout, why, sizeof(why))) {
				error_msg("%s", why);
				return -1;
			}
			return 0;
		}
		err = ptlab_dev_destroy(s->fd, dev);
		if (json) {
			json_begin("detach");
			printf(", \"dev\": %u", dev);
			json_error(err);
			json_end();
		}
		if (err) {
			error_msg("detach %u: %s", dev, strerror(-err));
			return -1;
		}
		return 0;
	}

	if (!strcmp(cmd, "help")) {
		print_usage(stdout);
		return 0;
	}

	error_msg("unknown command '%s' (try 'help')", cmd);
	return -1;

usage:
	error_msg("%s: wrong number of arguments (try 'help')", cmd);
	return -1;
}

static void echo_command(int argc, char **argv)
{
	int i;

	printf("#");
	for (i = 0; i < argc; i++)
		printf(" %s", argv[i]);
	printf("\n");
}

static int cmd_script(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "echo", no_argument, NULL, OPT_ECHO },
		{ "no-load", no_argument, NULL, OPT_NO_LOAD },
		{ }
	};
	const char *path = "-", *sep = " \t\r\n\v\f";
	char *line = NULL, *args[MAX_ARGS], *tok, *hash, *save;
	bool echo = false, interactive;
	size_t cap = 0;
	struct session s;
	int opt, nargs, ret = 0;
	FILE *in;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_ECHO:
			echo = true;
			break;
		case OPT_NO_LOAD:
			no_load = true;
			break;
		default:
			return 2;
		}
	}
	if (argc - optind > 1) {
		error_msg("script: one FILE at most");
		return 2;
	}
	if (optind < argc)
		path = argv[optind];

	if (!strcmp(path, "-")) {
		in = stdin;
		path = "<stdin>";
	} else {
		in = fopen(path, "re");
		if (!in) {
			error_msg("cannot open %s: %s", path, strerror(errno));
			return 1;
		}
	}
	/* At a terminal, report mistakes and carry on, as a shell does. */
	interactive = isatty(fileno(in));

	if (open_session(&s)) {
		if (in != stdin)
			fclose(in);
		return 1;
	}

	err_file = path;
	for (err_line = 1; ; err_line++) {
		if (interactive) {
			fputs("ptlab> ", stderr);
			fflush(stderr);
		}
		if (getline(&line, &cap, in) < 0)
			break;
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		nargs = 0;
		for (tok = strtok_r(line, sep, &save); tok; tok = strtok_r(NULL, sep, &save)) {
			if (nargs == MAX_ARGS - 1)
				break;
			args[nargs++] = tok;
		}
		if (!nargs)
			continue;
		args[nargs] = NULL;
		if (!strcmp(args[0], "quit") || !strcmp(args[0], "exit"))
			break;
		if (echo)
			echo_command(nargs, args);
		if (tok) {
			error_msg("too many arguments");
			ret = 1;
		} else if (script_line(&s, nargs, args)) {
			ret = 1;
		}
		fflush(stdout);
		if (ret && !interactive)
			break;
	}
	if (interactive)
		fputc('\n', stderr);
	if (ferror(in)) {
		error_msg("read error: %s", strerror(errno));
		ret = 1;
	}
	err_file = NULL;

	free(line);
	if (in != stdin)
		fclose(in);
	close_session(&s);
	return ret;
}

/* ---- main ---- */

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "no-load", no_argument, NULL, OPT_NO_LOAD },
		{ "json", no_argument, NULL, OPT_JSON },
		{ }
	};
	const char *cmd;
	int opt;

	/* '+': stop at the command, whose own options are parsed later. */
	while ((opt = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			print_usage(stdout);
			return 0;
		case 'V':
			printf("ptctl %s\n", PTLAB_VERSION);
			return 0;
		case OPT_NO_LOAD:
			no_load = true;
			break;
		case OPT_JSON:
			json = true;
			break;
		default:
			print_usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		print_usage(stderr);
		return 2;
	}

	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	if (!strcmp(cmd, "demo"))
		return cmd_demo(argc, argv);
	if (!strcmp(cmd, "create"))
		return cmd_create(argc, argv);
	if (!strcmp(cmd, "script"))
		return cmd_script(argc, argv);
	if (!strcmp(cmd, "replay"))
		return ptctl_replay(argc, argv, json, no_load);
	if (!strcmp(cmd, "help")) {
		print_usage(stdout);
		return 0;
	}
	error_msg("unknown command '%s' (see ptctl --help)", cmd);
	return 2;
}
