// SPDX-License-Identifier: GPL-2.0
/*
 * Selftests: hvm-run loading ELF64 and Multiboot images (the demo guests
 * userspace/build/hello.elf and multiboot.elf, in /demo in the test VMs),
 * run as a separate program with its output captured.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"
#include "test.h"

static char runner[PATH_MAX + 64], demo_dir[PATH_MAX + 64];

/* /bin/hvm-run and /demo in the test VMs; the build tree elsewhere. */
static bool find_runner(void)
{
	char exe[PATH_MAX];

	if (!access("/bin/hvm-run", X_OK) && !access("/demo/multiboot.elf", R_OK)) {
		strcpy(runner, "/bin/hvm-run");
		strcpy(demo_dir, "/demo");
		return true;
	}
	if (test_exe_dir(exe, sizeof(exe)))	/* selftests/build */
		return false;
	snprintf(runner, sizeof(runner), "%s/../../userspace/build/hvm-run", exe);
	snprintf(demo_dir, sizeof(demo_dir), "%s/../../userspace/build", exe);
	return !access(runner, X_OK);
}

/* How long hvm-run may take before it is killed (exit status 137). */
#define RUNNER_TIMEOUT_MS	15000

/* Runs hvm-run with argv[1..] and @input on its stdin (NULL: none); its
 * stdout in out (NUL-terminated). */
static int run_runner_input(char *const argv[], const char *input, char *out,
			    size_t size)
{
	int pipefd[2], infd[2], status, left = RUNNER_TIMEOUT_MS;
	struct pollfd p;
	size_t len = 0;
	struct timespec t0, t1;
	ssize_t n;
	pid_t pid;

	if (pipe(pipefd) || pipe(infd))
		return -1;
	if (input && write(infd[1], input, strlen(input)) != (ssize_t)strlen(input))
		return -1;
	close(infd[1]);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		dup2(infd[0], 0);
		dup2(pipefd[1], 1);
		close(pipefd[0]);
		execv(runner, argv);
		_exit(127);
	}
	close(infd[0]);
	close(pipefd[1]);
	p.fd = pipefd[0];
	p.events = POLLIN;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (len < size - 1) {
		if (poll(&p, 1, left) <= 0) {	/* timeout, or the watchdog */
			kill(pid, SIGKILL);
			break;
		}
		n = read(pipefd[0], out + len, size - 1 - len);
		if (n <= 0)
			break;
		len += n;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		left = RUNNER_TIMEOUT_MS - (t1.tv_sec - t0.tv_sec) * 1000 -
		       (t1.tv_nsec - t0.tv_nsec) / 1000000;
		if (left < 0)
			left = 0;
	}
	out[len] = '\0';
	close(pipefd[0]);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int run_runner(char *const argv[], char *out, size_t size)
{
	return run_runner_input(argv, NULL, out, size);
}

static enum test_result test_elf64(void)
{
	char image[PATH_MAX + 96], out[4096];
	char *argv[] = { runner, image, NULL };
	int st;

	if (!find_runner())
		return test_skip("hvm-run not found");
	snprintf(image, sizeof(image), "%s/hello.elf", demo_dir);
	st = run_runner(argv, out, sizeof(out));
	TEST_ASSERT(st == 0, "hvm-run hello.elf exited %d; output: %s", st, out);
	TEST_ASSERT(strstr(out, "Hello from an hvm guest!"), "output: %s", out);
	return TEST_PASS;
}

static enum test_result test_multiboot(void)
{
	char image[PATH_MAX + 96], mod[64] = "/tmp/hvm-mb-module.XXXXXX";
	char modarg[128], out[4096], want[512];
	char *argv[] = { runner, "--cmdline", "console=hvm x=1", "--module", modarg,
			 image, NULL };
	int fd, st;

	if (!find_runner())
		return test_skip("hvm-run not found");
	if (!tvm_mode_supported(HVM_MODE_PROT32))
		return test_skip("Multiboot starts in prot32 mode: needs VMX unrestricted guest");
	snprintf(image, sizeof(image), "%s/multiboot.elf", demo_dir);
	fd = mkstemp(mod);
	TEST_ASSERT_ERRNO(fd >= 0 && write(fd, "module text\n", 12) == 12, "module file");
	close(fd);
	snprintf(modarg, sizeof(modarg), "%s modarg", mod);
	st = run_runner(argv, out, sizeof(out));
	unlink(mod);
	TEST_ASSERT(st == 0, "hvm-run multiboot.elf exited %d; output: %s", st, out);
	/* 16M of RAM: (16M - 1M) / 1K = 0x3c00 KB above 1 MiB; 3 map entries */
	TEST_ASSERT(strstr(out, "Multiboot from hvm-run, cmdline 'console=hvm x=1', "
			   "mem_upper 0x00003c00 KB, mmap entries 0x00000003, modules 0x00000001"),
		    "output: %s", out);
	snprintf(want, sizeof(want), "module 0 '%s modarg': module text", mod);
	TEST_ASSERT(strstr(out, want), "no '%s' in: %s", want, out);
	return TEST_PASS;
}

static enum test_result test_bad_combinations(void)
{
	char image[PATH_MAX + 96], flat[PATH_MAX + 96], out[4096];
	char *elf_mode[] = { runner, "--mode", "prot32", image, NULL };
	char *small[] = { runner, "--mem", "1M", image, NULL };
	char *flat_cmdline[] = { runner, "--cmdline", "x", flat, NULL };
	int st;

	if (!find_runner())
		return test_skip("hvm-run not found");
	snprintf(image, sizeof(image), "%s/multiboot.elf", demo_dir);
	snprintf(flat, sizeof(flat), "%s/hello.bin", demo_dir);
	st = run_runner(elf_mode, out, sizeof(out));
	TEST_ASSERT(st == 101, "--mode with an ELF image: exit %d", st);
	st = run_runner(small, out, sizeof(out));
	TEST_ASSERT(st == 101, "Multiboot in 1M of RAM: exit %d", st);
	st = run_runner(flat_cmdline, out, sizeof(out));
	TEST_ASSERT(st == 101, "--cmdline with a flat binary: exit %d", st);
	return TEST_PASS;
}

/* The UART's receive side: stdin reaches RBR/LSR.DR; loopback works. */
static enum test_result test_uart_input(void)
{
	char image[PATH_MAX + 96], out[4096];
	char *argv[] = { runner, "--mode", "long64", "--load-addr", "0x10000", image, NULL };
	int st;

	if (!find_runner())
		return test_skip("hvm-run not found");
	snprintf(image, sizeof(image), "%s/echo.bin", demo_dir);
	st = run_runner_input(argv, "hello, uart 16550\n", out, sizeof(out));
	TEST_ASSERT(st == 0, "hvm-run echo.bin exited %d (0x61/0x62: loopback); output: %s",
		    st, out);
	TEST_ASSERT(!strcmp(out, "ready\nHELLO, UART 16550\n"), "output: '%s'", out);
	return TEST_PASS;
}

/* Whether hvm.ko has an in-kernel irqchip (HVM_CREATE_IRQCHIP). */
static bool have_irqchip(void)
{
	struct hvm_vm *vm = hvm_vm_create();
	bool ok;

	if (!vm)
		return false;
	ok = !ioctl(vm->fd, HVM_CREATE_IRQCHIP, 0) || errno != ENOTTY;
	hvm_vm_destroy(vm);
	return ok;
}

/*
 * The interrupt demo (irqdemo.elf): the local APIC timer, the PIT's IRQ 0
 * on GSI 2 and the UART's receive IRQ on GSI 4 through the I/O APIC, with
 * HLT waiting in the kernel.  NEEDS THE IN-KERNEL IRQCHIP: skipped while
 * HVM_CREATE_IRQCHIP fails with ENOTTY; it runs by itself once it lands.
 */
static enum test_result test_irq_demo(void)
{
	char image[PATH_MAX + 96], out[4096];
	char *argv[] = { runner, image, NULL };
	unsigned int ticks, pit, echoed, pm_ms;
	const char *line;
	int st;

	if (!find_runner())
		return test_skip("hvm-run not found");
	if (!tvm_mode_supported(HVM_MODE_PROT32))
		return test_skip("Multiboot starts in prot32 mode: needs VMX unrestricted guest");
	if (!have_irqchip())
		return test_skip("no in-kernel irqchip yet (HVM_CREATE_IRQCHIP: ENOTTY)");
	snprintf(image, sizeof(image), "%s/irqdemo.elf", demo_dir);
	st = run_runner_input(argv, "hello\n", out, sizeof(out));
	TEST_ASSERT(st == 0, "hvm-run irqdemo.elf exited %d (104: MMIO to the APICs, "
		    "0x71: unexpected vector, 137: killed after %d ms); output: %s",
		    st, RUNNER_TIMEOUT_MS, out);
	TEST_ASSERT(strstr(out, "irqdemo: ready\n"), "output: %s", out);
	TEST_ASSERT(strstr(out, "HELLO\n"), "no echo in: %s", out);
	line = strstr(out, "ticks=");
	TEST_ASSERT(line && sscanf(line, "ticks=%u pit=%u echoed=%u pm_ms=%u",
				   &ticks, &pit, &echoed, &pm_ms) == 4,
		    "no summary line in: %s", out);
	TEST_ASSERT(ticks >= 20 && pit >= 10 && echoed == 6, "%s", line);
	/* 100 Hz: the PIT cannot tick faster than the PM timer's time */
	TEST_ASSERT(pit * 10 <= pm_ms + 20, "PIT faster than the PM timer: %s", line);
	return TEST_PASS;
}

static const struct test_case cases[] = {
	{ "hvm-run loads an ELF64 image by its program headers, starts it in long mode",
	  test_elf64 },
	{ "hvm-run boots a Multiboot kernel: magic, cmdline, memory, map, module",
	  test_multiboot },
	{ "hvm-run refuses --mode with ELF, Multiboot in 1M, --cmdline with flat (101)",
	  test_bad_combinations },
	{ "the UART passes stdin to a polling guest and loops back in MCR loopback mode",
	  test_uart_input },
	{ "irqchip: APIC timer, PIT IRQ 0 (GSI 2), UART RX IRQ (GSI 4) wake HLT (irqdemo)",
	  test_irq_demo },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), true);
}
