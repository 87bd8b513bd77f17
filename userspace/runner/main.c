// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-run: runs an image as an hvm guest with an in-kernel irqchip, a PIT,
 * a PM timer, a UART and a debug-exit port.  See Documentation/hvm-run.rst.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_bus.h"
#include "irq.h"
#include "pm_timer.h"
#include "runner.h"

#define SIG_KICK	SIGUSR1		/* out of HVM_RUN: the run is over */

/*
 * The end of the run: the first runner_request_exit() sets the status
 * and wakes main(), which stops every vCPU (immediate_exit, then a signal
 * for one inside HVM_RUN: it returns EINTR) and joins their threads.
 */
static pthread_mutex_t exit_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile sig_atomic_t exit_requested;
static int exit_status;
static sem_t exit_sem;

struct vcpu_thread {
	struct hvm_vcpu *vcpu;
	pthread_t thread;
	bool started;
};

static struct vcpu_thread vcpus[RUNNER_MAX_CPUS];
static unsigned int nr_vcpus;

void runner_request_exit(int status)
{
	pthread_mutex_lock(&exit_lock);
	if (!exit_requested) {
		exit_requested = 1;
		exit_status = status;
		sem_post(&exit_sem);
	}
	pthread_mutex_unlock(&exit_lock);
}

static void signal_exit(int sig)
{
	/* async-signal-safe: no lock; the first status may be lost to a race */
	if (!exit_requested) {
		exit_status = RUNNER_EXIT_SIGNAL + sig;
		exit_requested = 1;
	}
	sem_post(&exit_sem);
}

static void kick(int sig)
{
	(void)sig;
}

static int setup_signals(void)
{
	static const int term_signals[] = { SIGHUP, SIGINT, SIGTERM };
	struct sigaction sa;
	unsigned int i;

	if (sem_init(&exit_sem, 0, 0))
		return -1;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = kick;		/* no SA_RESTART: HVM_RUN returns EINTR */
	if (sigaction(SIG_KICK, &sa, NULL))
		return -1;
	sa.sa_handler = signal_exit;
	for (i = 0; i < sizeof(term_signals) / sizeof(term_signals[0]); i++)
		if (sigaction(term_signals[i], &sa, NULL))
			return -1;
	return 0;
}

static int check_layout(const struct runner_options *o, const struct runner_image *img)
{
	if (img->mode == HVM_MODE_REAL) {
		if (img->entry >= 0x100000) {
			fprintf(stderr, "hvm-run: real mode entry must be below 1 MiB\n");
			return -1;
		}
		return 0;
	}
	if (o->mem_size < HVM_SYS_END) {
		fprintf(stderr, "hvm-run: %s needs at least 0x%llx bytes of RAM\n",
			hvm_mode_name(img->mode), HVM_SYS_END);
		return -1;
	}
	if (img->low < HVM_SYS_END && img->end > HVM_SYS_BASE) {
		fprintf(stderr, "hvm-run: image overlaps the system area 0x%llx-0x%llx\n",
			HVM_SYS_BASE, HVM_SYS_END - 1);
		return -1;
	}
	if (img->entry > (img->mode == HVM_MODE_PROT32 ? 0xffffffffULL :
			  HVM_SYS_IDENTITY_MAP - 1)) {
		fprintf(stderr, "hvm-run: entry 0x%llx is out of reach in %s mode\n",
			img->entry, hvm_mode_name(img->mode));
		return -1;
	}
	return 0;
}

static __u64 initial_stack(const struct runner_options *o, const struct runner_image *img)
{
	if (img->mode == HVM_MODE_REAL)
		return 0;		/* top of the 64 KiB stack segment */
	if (o->mem_size >= HVM_SYS_IDENTITY_MAP)
		return HVM_SYS_IDENTITY_MAP - 16;
	return o->mem_size;
}

static int unexpected_exit(struct hvm_vcpu *vcpu, int status)
{
	uart16550_flush();
	fprintf(stderr, "hvm-run: unexpected exit\n");
	hvm_vcpu_dump(vcpu, stderr);
	return status;
}

static bool verbose;

static int run_loop(struct hvm_vcpu *vcpu)
{
	struct hvm_run *run = vcpu->run;

	for (;;) {
		if (exit_requested)
			return exit_status;
		if (hvm_vcpu_run(vcpu)) {
			if (errno == EINTR)
				continue;
			uart16550_flush();
			fprintf(stderr, "hvm-run: HVM_RUN: %m\n");
			hvm_vcpu_dump(vcpu, stderr);
			return RUNNER_EXIT_RUN_FAILED;
		}
		switch (run->exit_reason) {
		case HVM_EXIT_IO:
			if (io_bus_handle(run))
				return unexpected_exit(vcpu, RUNNER_EXIT_UNEXPECTED_IO);
			break;
		case HVM_EXIT_HLT:
			uart16550_flush();
			return RUNNER_EXIT_HLT;
		case HVM_EXIT_INTR:
			break;
		case HVM_EXIT_RDMSR:
		case HVM_EXIT_WRMSR:
			runner_msr_exit(run, verbose);
			break;
		case HVM_EXIT_MMIO:
			return unexpected_exit(vcpu, RUNNER_EXIT_MMIO);
		case HVM_EXIT_SHUTDOWN:
			return unexpected_exit(vcpu, RUNNER_EXIT_SHUTDOWN);
		case HVM_EXIT_FAIL_ENTRY:
			return unexpected_exit(vcpu, RUNNER_EXIT_FAIL_ENTRY);
		case HVM_EXIT_INTERNAL_ERROR:
			return unexpected_exit(vcpu, RUNNER_EXIT_INTERNAL_ERROR);
		default:
			return unexpected_exit(vcpu, RUNNER_EXIT_UNKNOWN_EXIT);
		}
	}
}

static void *vcpu_thread(void *arg)
{
	struct vcpu_thread *t = arg;
	sigset_t set;
	int status;

	/* Terminating signals go to main(); SIG_KICK to us. */
	sigemptyset(&set);
	sigaddset(&set, SIG_KICK);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	status = run_loop(t->vcpu);
	runner_request_exit(status);
	return NULL;
}

/* Every vCPU out of HVM_RUN for good. */
static void stop_vcpus(void)
{
	unsigned int i;

	for (i = 0; i < nr_vcpus; i++) {
		if (!vcpus[i].started)
			continue;
		__atomic_store_n(&vcpus[i].vcpu->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
		pthread_kill(vcpus[i].thread, SIG_KICK);
	}
	for (i = 0; i < nr_vcpus; i++)
		if (vcpus[i].started)
			pthread_join(vcpus[i].thread, NULL);
}

/* vCPU 0 at the image's entry; the others wait for INIT and SIPI. */
static int setup_vcpu(struct hvm_vcpu *vcpu, const struct runner_options *o,
		      const struct runner_image *img)
{
	if (vcpu->id)
		return hvm_vcpu_set_mp_state(vcpu, HVM_MP_STATE_UNINITIALIZED);
	switch (img->linux_boot) {
	case RUNNER_LINUX_BZIMAGE:
		return runner_linux_regs(vcpu, img);
	case RUNNER_LINUX_PVH:
		return runner_pvh_regs(vcpu, img);
	default:
		break;
	}
	if (hvm_vcpu_setup_mode(vcpu, img->mode, img->entry, initial_stack(o, img)))
		return -1;
	return img->multiboot ? runner_multiboot_regs(vcpu, img) : 0;
}

static int register_devices(const struct runner_options *o)
{
	if (uart16550_register() || debug_exit_register() ||
	    pit8254_register() || port61_register() || pm_timer_register())
		return -1;
	if (o->linux_boot && (acpi_pm_register() || i8042_register() ||
			      cmos_rtc_register() || legacy_ports_register()))
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct runner_options opts;
	struct runner_image img;
	struct hvm_vm *vm;
	sigset_t set;
	unsigned int i;
	int err;

	if (runner_parse_options(argc, argv, &opts))
		return RUNNER_EXIT_USAGE;
	if (runner_read_image(&opts))
		return opts.image ? RUNNER_EXIT_SETUP : RUNNER_EXIT_USAGE;
	if (opts.linux_boot && opts.no_irqchip) {
		fprintf(stderr, "hvm-run: a Linux boot needs the irqchip (no --no-irqchip)\n");
		return RUNNER_EXIT_USAGE;
	}
	verbose = opts.verbose;
	if (opts.unknown_io == RUNNER_UNKNOWN_IO_IGNORE ||
	    (opts.unknown_io == RUNNER_UNKNOWN_IO_DEFAULT && opts.linux_boot))
		io_bus_ignore_unknown(opts.verbose);
	if (setup_signals()) {
		fprintf(stderr, "hvm-run: signals: %m\n");
		return RUNNER_EXIT_SETUP;
	}

	vm = hvm_vm_create();
	if (!vm) {
		fprintf(stderr, "hvm-run: creating a VM on %s: %m\n", HVM_DEV_PATH);
		return RUNNER_EXIT_SETUP;
	}
	if (!hvm_vm_add_memory(vm, 0, 0, opts.mem_size, 0)) {
		fprintf(stderr, "hvm-run: adding %llu bytes of guest RAM: %m\n",
			opts.mem_size);
		return RUNNER_EXIT_SETUP;
	}
	if (runner_load_image(vm, &opts, &img) ||
	    (!img.linux_boot && check_layout(&opts, &img)))
		return RUNNER_EXIT_SETUP;
	/* The PM timer in the kernel when it can (reads cost no trip to user
	 * space, so guests calibrate against it); else ours answers. */
	if (hvm_vm_set_pm_timer(vm, PM_TIMER_PORT) && opts.verbose)
		fprintf(stderr, "hvm-run: HVM_SET_PM_TIMER: %m: the PM timer stays in hvm-run\n");
	if (opts.no_irqchip) {
		if (opts.verbose)
			fprintf(stderr, "hvm-run: --no-irqchip: running without interrupts\n");
	} else if ((err = irq_create_irqchip(vm, opts.verbose))) {
		if (err < 0)
			fprintf(stderr, "hvm-run: HVM_CREATE_IRQCHIP: %m\n");
		else if (opts.nr_cpus > 1 || opts.linux_boot)
			fprintf(stderr, "hvm-run: a Linux boot needs the in-kernel irqchip\n");
		if (err < 0 || opts.nr_cpus > 1 || opts.linux_boot)
			return RUNNER_EXIT_SETUP;
	}
	for (i = 0; i < opts.nr_cpus; i++) {
		struct hvm_vcpu *vcpu = hvm_vcpu_create(vm, i);

		if (!vcpu) {
			fprintf(stderr, "hvm-run: creating vCPU %u: %m\n", i);
			return RUNNER_EXIT_SETUP;
		}
		vcpus[nr_vcpus++].vcpu = vcpu;
		if (setup_vcpu(vcpu, &opts, &img)) {
			fprintf(stderr, "hvm-run: setting up vCPU %u (%s mode): %m\n", i,
				hvm_mode_name(img.mode));
			return RUNNER_EXIT_SETUP;
		}
	}
	if (opts.linux_boot && hvm_vm_enable_user_msr_exits(vm, HVM_MSR_EXIT_UNKNOWN)) {
		fprintf(stderr, "hvm-run: HVM_ENABLE_USER_MSR_EXITS: %m\n");
		return RUNNER_EXIT_SETUP;
	}
	if (register_devices(&opts)) {
		fprintf(stderr, "hvm-run: registering devices: %m\n");
		return RUNNER_EXIT_SETUP;
	}
	if (console_setup()) {
		fprintf(stderr, "hvm-run: the terminal: %m\n");
		return RUNNER_EXIT_SETUP;
	}

	/* Threads start with the kick blocked: only vCPU threads take it. */
	sigemptyset(&set);
	sigaddset(&set, SIG_KICK);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	for (i = 0; i < nr_vcpus; i++) {
		err = pthread_create(&vcpus[i].thread, NULL, vcpu_thread, &vcpus[i]);
		if (err) {
			errno = err;
			fprintf(stderr, "hvm-run: vCPU %u thread: %m\n", i);
			runner_request_exit(RUNNER_EXIT_SETUP);
			break;
		}
		vcpus[i].started = true;
	}
	while (sem_wait(&exit_sem) && errno == EINTR)
		;
	stop_vcpus();
	uart16550_flush();
	console_restore();
	if (verbose && exit_status > RUNNER_EXIT_SIGNAL) {
		for (i = 0; i < nr_vcpus; i++) {
			__u32 mp = 0;

			hvm_vcpu_get_mp_state(vcpus[i].vcpu, &mp);
			fprintf(stderr, "hvm-run: vCPU %u (MP state %u) at the signal:\n", i, mp);
			hvm_vcpu_dump(vcpus[i].vcpu, stderr);
		}
	}
	irq_stop();
	for (i = 0; i < nr_vcpus; i++)
		hvm_vcpu_destroy(vcpus[i].vcpu);
	hvm_vm_destroy(vm);
	return exit_status;
}
