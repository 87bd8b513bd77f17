// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-bench: Linux boot to /init (FIG_BOOT).  Each hypervisor's runner
 * boots the same kernel and initramfs with the same command line, 1 vCPU
 * and the same RAM: hvm-run on hvm, QEMU with -accel kvm on KVM (its
 * microvm machine: qboot and no PCI, the closest QEMU has to hvm-run's
 * direct boot).  The guest's /init (tools/testvm/guest-init.sh) prints
 * "@@@ INIT uptime=SECONDS" on the serial console, which is the runner's
 * stdout here.  The figure: the wall time from fork() to that line (the
 * runner's own start included), and the guest's uptime in it.
 *
 * Then, with hvmguest=demo, the guest powers off: hvm-run must end with
 * status 0 (a functional check); QEMU's microvm does not act on a
 * power-off, so it gets SIGTERM once the guest said POWEROFF.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define BOOT_MEM	"256M"
#define BOOT_CMDLINE	"console=ttyS0 loglevel=5 panic=-1 hvmguest=demo"
#define BOOT_ARGS_MAX	32
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static struct {
	char kernel[512], initrd[512], cmdline[512];
	const char *hvm_run, *qemu;
	bool configured;
} boot;

/* The executable @name would run as (a path, or found in $PATH), or NULL. */
static const char *find_program(const char *name, char *buf, size_t len)
{
	const char *path = getenv("PATH");
	const char *p, *end;

	if (strchr(name, '/'))
		return access(name, X_OK) ? NULL : name;
	for (p = path ? path : "/bin:/usr/bin"; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ':');
		snprintf(buf, len, "%.*s/%s", (int)(end - p), p, name);
		if (end > p && !access(buf, X_OK))
			return buf;
	}
	return NULL;
}

int boot_configure(const char *linux_dir, const char *append,
		   const char *hvm_run, const char *qemu)
{
	struct stat st;
	char *p;

	/* The uncompressed vmlinux (PVH entry) when there is one. */
	snprintf(boot.kernel, sizeof(boot.kernel), "%s/vmlinux", linux_dir);
	if (stat(boot.kernel, &st))
		snprintf(boot.kernel, sizeof(boot.kernel), "%s/vmlinuz", linux_dir);
	snprintf(boot.initrd, sizeof(boot.initrd), "%s/guest.cpio.gz", linux_dir);
	if (stat(boot.kernel, &st) || stat(boot.initrd, &st)) {
		fprintf(stderr, "hvm-bench: --linux %s: no vmlinux or vmlinuz, or no guest.cpio.gz\n",
			linux_dir);
		return -1;
	}
	snprintf(boot.cmdline, sizeof(boot.cmdline), "%s%s%s", BOOT_CMDLINE,
		 append ? " " : "", append ? append : "");
	for (p = boot.cmdline; (p = strchr(p, '+')); )	/* + for a space */
		*p = ' ';
	boot.hvm_run = hvm_run;
	boot.qemu = qemu;
	boot.configured = true;
	printf("# linux_boot: %s, %s, \"%s\", 1 vCPU, %s\n", boot.kernel,
	       boot.initrd, boot.cmdline, BOOT_MEM);
	return 0;
}

/*
 * Each runner's options, with NULL where the kernel, the initramfs and the
 * command line go (in that order).  The same guest: 1 vCPU, BOOT_MEM.
 */
static const char *const hvm_run_args[] = {
	"--mem", BOOT_MEM, "--cpus", "1", "--kernel", NULL, "--initrd", NULL,
	"--cmdline", NULL,
};
static const char *const qemu_args[] = {
	"-M", "microvm", "-accel", "kvm", "-cpu", "host", "-m", BOOT_MEM,
	"-smp", "1", "-nodefaults", "-no-user-config", "-display", "none",
	"-monitor", "none", "-serial", "stdio", "-no-reboot",
	"-kernel", NULL, "-initrd", NULL, "-append", NULL,
};

/* The runner's command line for @be in @argv; its program, or NULL. */
static const char *boot_argv(const struct backend *be, const char **argv,
			     char *prog, size_t len)
{
	bool is_hvm = be == &backend_hvm;
	const char *const *args = is_hvm ? hvm_run_args : qemu_args;
	size_t nargs = is_hvm ? ARRAY_SIZE(hvm_run_args) : ARRAY_SIZE(qemu_args);
	const char *fill[] = { boot.kernel, boot.initrd, boot.cmdline };
	unsigned int n = 0, filled = 0;
	size_t i;

	argv[n++] = is_hvm ? boot.hvm_run : boot.qemu;
	for (i = 0; i < nargs && n < BOOT_ARGS_MAX - 1; i++)
		argv[n++] = args[i] ? args[i] : fill[filled++];
	argv[n] = NULL;
	return find_program(argv[0], prog, len);
}

static pid_t spawn(const char *exe, const char **argv, int *out)
{
	int p[2], null;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (!pid) {
		null = open("/dev/null", O_RDONLY);
		if (null < 0 || dup2(null, 0) < 0 || dup2(p[1], 1) < 0 ||
		    dup2(p[1], 2) < 0)
			_exit(127);
		execv(exe, (char **)argv);
		fprintf(stderr, "exec %s: %s\n", exe, strerror(errno));
		_exit(127);
	}
	close(p[1]);
	*out = p[0];
	return pid;
}

/*
 * Lines of the runner's output until @want (then *line_out is the line),
 * EOF or @limit_ns of now_ns().  @last keeps the last line, for errors.
 * 1 when found, 0 on EOF, -1 on the time limit.
 */
struct line_reader {
	int fd;
	char buf[4096];
	size_t len;
	char last[160];
};

static int read_until(struct line_reader *lr, const char *want,
		      double limit_ns, char *line_out, size_t outlen)
{
	for (;;) {
		char *nl, *hit;
		struct pollfd pfd = { .fd = lr->fd, .events = POLLIN };
		ssize_t got;

		while ((nl = memchr(lr->buf, '\n', lr->len))) {
			size_t n = nl - lr->buf;

			*nl = 0;
			if (n && nl[-1] == '\r')
				nl[-1] = 0;
			if (lr->buf[0])
				snprintf(lr->last, sizeof(lr->last), "%.*s",
					 (int)sizeof(lr->last) - 1, lr->buf);
			hit = strstr(lr->buf, want);
			if (hit)
				snprintf(line_out, outlen, "%.*s", (int)outlen - 1, hit);
			memmove(lr->buf, nl + 1, lr->len - n - 1);
			lr->len -= n + 1;
			if (hit)
				return 1;
		}
		if (lr->len == sizeof(lr->buf) - 1)
			lr->len = 0;	/* a line too long to be ours */
		if (now_ns() > limit_ns)
			return -1;
		if (poll(&pfd, 1, 1000) <= 0)
			continue;	/* the ticker, or a second gone */
		got = read(lr->fd, lr->buf + lr->len, sizeof(lr->buf) - 1 - lr->len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return 0;
		lr->len += got;
	}
}

/*
 * The runner's end: its wait status, after SIGKILL if it takes @secs;
 * -1 (*killed set) if even that does not end it within a minute.
 */
static int reap(pid_t pid, double secs, bool *killed)
{
	double limit = now_ns() + secs * 1e9;
	int status = -1;

	*killed = false;
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (now_ns() > limit) {
			if (*killed)
				return -1;
			kill(pid, SIGKILL);
			*killed = true;
			limit = now_ns() + 60e9;
		}
		usleep(20000);
	}
	return status;
}

/* boot_once(): the guest did not reach /init in time */
#define BOOT_HUNG	(-4)

static int boot_once(const struct backend *be, const char *exe,
		     const char **argv, double limit_s, struct result *res,
		     char *err, size_t errlen)
{
	struct line_reader lr = { .fd = -1 };
	bool killed, is_hvm = be == &backend_hvm;
	double t0, t_init = 0;
	char line[160];
	int found, status;
	pid_t pid;

	t0 = now_ns();
	pid = spawn(exe, argv, &lr.fd);
	if (pid < 0) {
		snprintf(err, errlen, "%s: %s", argv[0], strerror(errno));
		return FIG_FAILED;
	}
	found = read_until(&lr, "@@@ INIT uptime=", t0 + limit_s * 1e9,
			   line, sizeof(line));
	if (found == 1) {
		t_init = now_ns();
		res->ns = t_init - t0;
		res->cycles = strtod(line + strlen("@@@ INIT uptime="), NULL);
		found = read_until(&lr, "@@@ POWEROFF", t_init + limit_s * 1e9,
				   line, sizeof(line));
	}
	/* hvm-run ends by itself after the power-off; QEMU's microvm does not */
	if (!is_hvm || found != 1)
		kill(pid, SIGTERM);
	status = reap(pid, is_hvm && found == 1 ? 30 : 10, &killed);
	close(lr.fd);
	if (!t_init) {
		snprintf(err, errlen, "%s: no \"@@@ INIT\" from the guest %s %.0f s (last line: %s)",
			 argv[0], found < 0 ? "in" : "before the runner ended, in",
			 limit_s, lr.last);
		return found < 0 ? BOOT_HUNG : FIG_FAILED;
	}
	if (found != 1) {
		snprintf(err, errlen, "%s: no \"@@@ POWEROFF\" after /init (last line: %s)",
			 argv[0], lr.last);
		return FIG_FAILED;
	}
	if (is_hvm && (killed || !WIFEXITED(status) || WEXITSTATUS(status))) {
		snprintf(err, errlen, "%s: %s after the guest's power-off (last line: %s)",
			 argv[0], killed ? "did not end" : "failed", lr.last);
		return FIG_FAILED;
	}
	return 0;
}

/*
 * A boot that does not reach /init in BOOT_FIRST_LIMIT_S (before any
 * boot succeeded), or in 6 times the slowest successful boot of either
 * side (at least BOOT_MIN_LIMIT_S), has hung.  On hvm that fails the
 * figure.  KVM's is tried again, then called n/a, saying why: under QEMU's
 * TCG a Linux guest of KVM stops early in its boot nearly every time
 * (Documentation/performance.rst), which is the emulator's doing, not a
 * figure of KVM's.
 */
#define BOOT_FIRST_LIMIT_S	180
#define BOOT_MIN_LIMIT_S	60
#define BOOT_KVM_TRIES		2

int boot_run(const struct backend *be, const struct figure *f,
	     struct result *res, char *err, size_t errlen)
{
	static double slowest;	/* ns, of every successful boot */
	const char *argv[BOOT_ARGS_MAX], *exe;
	bool is_hvm = be == &backend_hvm;
	unsigned int tries = is_hvm ? 1 : BOOT_KVM_TRIES, i;
	double limit;
	char prog[512];
	int r = FIG_FAILED;

	(void)f;
	if (!boot.configured) {
		snprintf(err, errlen, "no Linux guest (hvm-bench --linux DIR)");
		return FIG_NA;
	}
	exe = boot_argv(be, argv, prog, sizeof(prog));
	if (!exe) {
		snprintf(err, errlen, "no %s", argv[0]);
		return FIG_NA;
	}
	limit = slowest ? 6 * slowest / 1e9 : BOOT_FIRST_LIMIT_S;
	if (limit < BOOT_MIN_LIMIT_S)
		limit = BOOT_MIN_LIMIT_S;
	for (i = 0; i < tries; i++) {
		r = boot_once(be, exe, argv, limit, res, err, errlen);
		if (r != BOOT_HUNG)
			break;
		printf("# %s linux_boot: %s%s\n", be->name, err,
		       i + 1 < tries ? ": killed, booting again" : ": killed");
	}
	if (r == BOOT_HUNG) {
		if (is_hvm)
			return FIG_FAILED;
		snprintf(err, errlen, "its Linux guest did not reach /init in %u tries",
			 tries);
		return FIG_NA;
	}
	if (!r && res->ns > slowest)
		slowest = res->ns;
	return r;
}
