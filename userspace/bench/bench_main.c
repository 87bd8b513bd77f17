// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-bench: runs every figure on hvm and on KVM in turn, round after
 * round (hvm first in even rounds, KVM first in odd ones), and prints one
 * table: median per backend, the ratio hvm/KVM, min-max.  Timing never
 * fails a run; a wrong exit or value does (exit status 1).
 *
 *   hvm-bench [--rounds N] [--csv FILE] [--scale X] [--smoke]
 *             [--require hvm|kvm]... [--only NAME] [--linux DIR]
 *             [--linux-append STRING] [--hvm-run PROGRAM] [--qemu PROGRAM]
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/time.h>
#include <sys/utsname.h>

#include "bench.h"

#define MAX_ROUNDS	99
#define NR_BACKENDS	2

static const struct backend *backends[NR_BACKENDS] = { &backend_hvm, &backend_kvm };

struct samples {
	double cycles[MAX_ROUNDS];
	double ns[MAX_ROUNDS];
	unsigned int n;
	bool failed;
	bool na;	/* the figure cannot run on this backend here */
};

/* [figure][backend] */
static struct samples (*samples)[NR_BACKENDS];
static const char *why_na[NR_BACKENDS];
/* [figure]: FIG_MEM's loops run natively by hvm-bench itself (mem.c) */
static struct samples *native;

/*
 * One round's outcome for @who (a backend, or "native") on figure @fig:
 * "FAIL who fig: err" and no more rounds for it, or its sample kept
 * ("ok who fig" in smoke mode).  Returns 1 on a failure, else 0.
 */
static int samples_take(struct samples *s, int ret, const struct result *res,
			const char *who, const char *fig, const char *err,
			bool smoke)
{
	if (ret) {
		printf("FAIL %s %s: %s\n", who, fig, err);
		s->failed = true;
		return 1;
	}
	s->cycles[s->n] = res->cycles;
	s->ns[s->n] = res->ns;
	s->n++;
	if (smoke)
		printf("ok %s %s\n", who, fig);
	return 0;
}

static void tick(int sig)
{
	(void)sig;
}

/*
 * A signal every half second: a guest that never exits still returns
 * from RUN (EINTR), so figure_run() can give up on it (FIGURE_LIMIT_S).
 */
static int start_ticker(void)
{
	struct itimerval it = {
		.it_interval = { .tv_usec = 500000 },
		.it_value = { .tv_usec = 500000 },
	};
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = tick;	/* no SA_RESTART: RUN returns EINTR */
	if (sigaction(SIGALRM, &sa, NULL) || setitimer(ITIMER_REAL, &it, NULL)) {
		perror("hvm-bench: timer");
		return -1;
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hvm-bench [--rounds N] [--csv FILE] [--scale X] [--smoke]\n"
		"                 [--require hvm|kvm] [--only FIGURE] [--linux DIR]\n"
		"                 [--linux-append STRING] [--hvm-run PROGRAM] [--qemu PROGRAM]\n"
		"  --rounds N    rounds of every figure on each backend (default 5, at least 5)\n"
		"  --csv FILE    also write the table as CSV\n"
		"  --scale X     iterations times X (default 1)\n"
		"  --smoke       each figure once with a few iterations: a functional check\n"
		"  --require B   fail when backend B (hvm, kvm) is not usable\n"
		"  --only NAME   run only the figure NAME (its CSV name)\n"
		"  --linux DIR   the Linux boot figure: DIR/vmlinux (else vmlinuz) and\n"
		"                DIR/guest.cpio.gz (tools/testvm/mkguest.sh); without it n/a\n"
		"  --linux-append S  more guest command line for it, on both sides\n"
		"                (a + stands for a space)\n"
		"  --hvm-run P   hvm's runner for it (default hvm-run, from $PATH)\n"
		"  --qemu P      KVM's: QEMU -M microvm -accel kvm (default\n"
		"                qemu-system-x86_64, from $PATH)\n");
}

static void cpu_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];

	snprintf(buf, len, "unknown CPU");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *p = strchr(line, ':');

		if (strncmp(line, "model name", 10) || !p)
			continue;
		p += 1 + strspn(p + 1, " \t");
		p[strcspn(p, "\n")] = 0;
		snprintf(buf, len, "%s", p);
		break;
	}
	fclose(f);
}

/* A number in 9 characters or fewer, with sensible precision. */
static void fmt_num(char *buf, size_t len, double v)
{
	if (v >= 100)
		snprintf(buf, len, "%.0f", v);
	else if (v >= 10)
		snprintf(buf, len, "%.1f", v);
	else
		snprintf(buf, len, "%.2f", v);
}

static void fmt_cell(char *buf, size_t len, const struct samples *s,
		     const struct stats *st, bool spread)
{
	char a[32], b[32];

	if (s->failed) {
		snprintf(buf, len, "FAIL");
	} else if (!st->n) {
		snprintf(buf, len, "n/a");
	} else if (spread) {
		fmt_num(a, sizeof(a), st->min);
		fmt_num(b, sizeof(b), st->max);
		snprintf(buf, len, "%s-%s", a, b);
	} else {
		fmt_num(buf, len, st->median);
	}
}

/* One line of the table (and of the CSV) for one metric of one figure. */
static void emit(FILE *csv, const struct figure *f, const char *metric,
		 const char *unit, bool use_ns, double scale, bool invert)
{
	struct samples *s = samples[f - figures];
	struct stats st[NR_BACKENDS];
	char cell[4][80], ratio[32], label[96];
	double v[MAX_ROUNDS];
	unsigned int b, i;

	for (b = 0; b < NR_BACKENDS; b++) {
		for (i = 0; i < s[b].n; i++)
			v[i] = (use_ns ? s[b].ns[i] : s[b].cycles[i]) * scale;
		if (invert)	/* a rate: scale / time */
			for (i = 0; i < s[b].n; i++)
				v[i] = s[b].ns[i] > 0 ? scale / s[b].ns[i] : 0;
		stats_compute(v, s[b].failed ? 0 : s[b].n, &st[b]);
	}
	fmt_cell(cell[0], sizeof(cell[0]), &s[0], &st[0], false);
	fmt_cell(cell[1], sizeof(cell[1]), &s[1], &st[1], false);
	fmt_cell(cell[2], sizeof(cell[2]), &s[0], &st[0], true);
	fmt_cell(cell[3], sizeof(cell[3]), &s[1], &st[1], true);
	if (st[0].n && st[1].n && st[1].median > 0)
		snprintf(ratio, sizeof(ratio), "%.2f", st[0].median / st[1].median);
	else
		snprintf(ratio, sizeof(ratio), "n/a");
	snprintf(label, sizeof(label), "%s%s", f->title, metric);
	printf("%-48s %-11s %10s %10s %8s %19s %19s\n", label, unit, cell[0],
	       cell[1], ratio, cell[2], cell[3]);
	if (!csv)
		return;
	fprintf(csv, "%s%s,%s", f->name,
		f->kind == FIG_LIFECYCLE || f->kind == FIG_SCALE ? "" :
		use_ns ? "_host" : "_guest", unit);
	for (b = 0; b < NR_BACKENDS; b++) {
		if (st[b].n)
			fprintf(csv, ",%.6g", st[b].median);
		else
			fprintf(csv, ",n/a");
	}
	fprintf(csv, ",%s", ratio);
	for (b = 0; b < NR_BACKENDS; b++) {
		if (st[b].n)
			fprintf(csv, ",%.6g,%.6g", st[b].min, st[b].max);
		else
			fprintf(csv, ",n/a,n/a");
	}
	/* the title last: it has no comma, but may get one */
	fprintf(csv, ",%u,%u,%s%s\n", st[0].n, st[1].n, f->title, metric);
}

/* The native run of a FIG_MEM figure: a line of its own, not in the CSV. */
static void emit_native(const struct figure *f)
{
	const struct samples *s = &native[f - figures];
	struct stats c, n;
	char cc[32], nn[32], ci[32], cx[32];

	if (s->failed || !s->n) {
		printf("#   native (hvm-bench itself): %s\n",
		       s->failed ? "FAIL" : "n/a");
		return;
	}
	stats_compute(s->cycles, s->n, &c);
	stats_compute(s->ns, s->n, &n);
	fmt_num(cc, sizeof(cc), c.median);
	fmt_num(nn, sizeof(nn), n.median);
	fmt_num(ci, sizeof(ci), c.min);
	fmt_num(cx, sizeof(cx), c.max);
	printf("#   native (hvm-bench itself): %s cycles/4KiB (%s-%s), %s ns/4KiB, %.2f GB/s\n",
	       cc, ci, cx, nn, n.median > 0 ? 4096 / n.median : 0);
}

static void print_table(const char *csv_path, unsigned int rounds, bool smoke)
{
	FILE *csv = NULL;
	unsigned int i;

	if (csv_path) {
		csv = fopen(csv_path, "w");
		if (!csv)
			fprintf(stderr, "hvm-bench: %s: %s\n", csv_path,
				strerror(errno));
		else
			fprintf(csv, "figure,unit,hvm_median,kvm_median,"
				"hvm_over_kvm,hvm_min,hvm_max,kvm_min,kvm_max,"
				"hvm_runs,kvm_runs,title\n");
	}
	printf("\n# %s: median of %u rounds; guest = guest TSC cycles per iteration, "
	       "host = wall time per iteration (clock_gettime)\n",
	       smoke ? "SMOKE (timing meaningless)" : "hvm-bench", rounds);
	printf("%-48s %-11s %10s %10s %8s %19s %19s\n", "figure", "unit",
	       "hvm", "KVM", "hvm/KVM", "hvm min-max", "KVM min-max");
	for (i = 0; i < nr_figures; i++) {
		const struct figure *f = &figures[i];

		if (f->kind == FIG_MEM) {
			emit(csv, f, " (guest)", "cycles/4KiB", false, 1, false);
			emit(csv, f, " (host)", "ns/4KiB", true, 1, false);
			emit_native(f);
		} else if (f->kind == FIG_LOOP || f->kind == FIG_IPI) {
			emit(csv, f, " (guest)", "cycles/iter", false, 1, false);
			emit(csv, f, " (host)", "ns/iter", true, 1, false);
		} else if (f->kind == FIG_BOOT) {
			emit(csv, f, " (guest)", "s (uptime)", false, 1, false);
			emit(csv, f, " (host)", "s", true, 1e-9, false);
		} else if (f->kind == FIG_SCALE) {
			emit(csv, f, "", "kexits/s", true, 1e6, true);
		} else {
			emit(csv, f, "", "us/VM", true, 1e-3, false);
		}
	}
	if (csv)
		fclose(csv);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rounds", required_argument, NULL, 'r' },
		{ "csv", required_argument, NULL, 'c' },
		{ "scale", required_argument, NULL, 's' },
		{ "smoke", no_argument, NULL, 'S' },
		{ "require", required_argument, NULL, 'R' },
		{ "only", required_argument, NULL, 'o' },
		{ "linux", required_argument, NULL, 'L' },
		{ "linux-append", required_argument, NULL, 'A' },
		{ "hvm-run", required_argument, NULL, 'H' },
		{ "qemu", required_argument, NULL, 'Q' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	bool smoke = false, require[NR_BACKENDS] = { false, false };
	unsigned int rounds = 5, r, i, k;
	const char *csv_path = NULL, *only = NULL, *linux_dir = NULL;
	const char *hvm_run = "hvm-run", *qemu = "qemu-system-x86_64";
	const char *linux_append = NULL;
	double scale = 1;
	char model[128];
	struct utsname un;
	int c, failures = 0;

	while ((c = getopt_long(argc, argv, "r:c:s:SR:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			rounds = strtoul(optarg, NULL, 0);
			break;
		case 'c':
			csv_path = optarg;
			break;
		case 's':
			scale = strtod(optarg, NULL);
			break;
		case 'S':
			smoke = true;
			break;
		case 'o':
			only = optarg;
			break;
		case 'L':
			linux_dir = optarg;
			break;
		case 'A':
			linux_append = optarg;
			break;
		case 'H':
			hvm_run = optarg;
			break;
		case 'Q':
			qemu = optarg;
			break;
		case 'R':
			if (!strcmp(optarg, "hvm"))
				require[0] = true;
			else if (!strcmp(optarg, "kvm"))
				require[1] = true;
			else {
				usage(stderr);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (smoke)
		rounds = 1;
	else if (rounds < 5)
		rounds = 5;
	if (rounds > MAX_ROUNDS || scale <= 0) {
		usage(stderr);
		return 2;
	}
	samples = calloc(nr_figures, sizeof(*samples));
	native = calloc(nr_figures, sizeof(*native));
	if (!samples || !native)
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (start_ticker())
		return 1;
	figures_pick_hypercall();
	cpu_model(model, sizeof(model));
	uname(&un);
	printf("# hvm-bench: %s, kernel %s, %u rounds%s\n", model, un.release,
	       rounds, smoke ? " (smoke)" : "");

	if (linux_dir && boot_configure(linux_dir, linux_append, hvm_run, qemu))
		return 2;
	for (k = 0; k < NR_BACKENDS; k++) {
		why_na[k] = backends[k]->unavailable();
		if (why_na[k])
			printf("# %s: n/a (%s)\n", backends[k]->name, why_na[k]);
	}

	for (r = 0; r < rounds; r++) {
		for (i = 0; i < nr_figures; i++) {
			const struct figure *f = &figures[i];
			uint64_t iters = smoke ? f->smoke_iters : f->iters * scale;

			if (only && strcmp(only, f->name))
				continue;

			for (k = 0; k < NR_BACKENDS; k++) {
				/* hvm first in even rounds, KVM first in odd */
				unsigned int b = (k + r) % NR_BACKENDS;
				struct samples *s = &samples[i][b];
				struct result res;
				char err[256];
				int ret;

				if (why_na[b] || s->failed || s->na)
					continue;
				ret = figure_run(backends[b], f, iters, &res,
						 err, sizeof(err));
				if (ret == FIG_REFUSED && !r && !i) {
					/* e.g. KVM cannot get SVM: n/a, not a failure */
					printf("# %s: n/a (%s)\n", backends[b]->name, err);
					why_na[b] = "refused to create a VM";
					continue;
				}
				if (ret == FIG_NA) {
					/* this figure only, e.g. no runner for it;
					 * fewer rounds than asked make no median */
					printf("# %s %s: n/a (%s)%s\n", backends[b]->name,
					       f->name, err, s->n ?
					       "; the rounds before are left out" : "");
					s->na = true;
					s->n = 0;
					continue;
				}
				failures += samples_take(s, ret, &res, backends[b]->name,
							 f->name, err, smoke);
			}
			if (f->kind == FIG_MEM && !native[i].failed) {
				struct samples *s = &native[i];
				struct result res;
				char err[256];

				failures += samples_take(s, mem_native(f, iters, &res, err,
								       sizeof(err)),
							 &res, "native", f->name, err, smoke);
			}
		}
	}
	if (smoke) {
		for (k = 0; k < NR_BACKENDS; k++)
			if (why_na[k])
				printf("skip %s: %s\n", backends[k]->name, why_na[k]);
	}
	print_table(csv_path, rounds, smoke);
	for (k = 0; k < NR_BACKENDS; k++) {
		if (require[k] && why_na[k]) {
			printf("# FAIL: %s required but n/a (%s)\n",
			       backends[k]->name, why_na[k]);
			failures++;
		}
	}
	if (failures)
		printf("# %d failure(s)\n", failures);
	return failures ? 1 : 0;
}
