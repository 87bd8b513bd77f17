// SPDX-License-Identifier: GPL-2.0
/*
 * Lifetimes: closing fds while a vCPU runs, killing a process inside
 * RUN, guest memory unmapped under a VM, module unload refused while fds
 * are open, many VMs at once, and 1000 create/run/destroy cycles that leak
 * neither memory, pinned pages nor fds.
 */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "work.h"

GUEST_ASM(guest_spin, ".code64",
	"1: jmp 1b\n");
GUEST_ASM(guest_done, ".code64", G_DONE);

static void noop_handler(int sig)
{
	(void)sig;
}

static void install_sigusr1(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = noop_handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
}

struct run_thread {
	pthread_t thread;
	struct hvm_vcpu *vcpu;
	atomic_int state;	/* 0 starting, 1 in RUN, 2 returned */
	int ret, err;
};

static void *run_thread_fn(void *arg)
{
	struct run_thread *rt = arg;

	atomic_store(&rt->state, 1);
	rt->ret = hvm_vcpu_run(rt->vcpu);
	rt->err = errno;
	atomic_store(&rt->state, 2);
	return NULL;
}

/* Starts a thread spinning in the guest of t; waits until it is in RUN. */
static int start_spinner(struct run_thread *rt, struct hvm_vcpu *vcpu)
{
	memset(rt, 0, sizeof(*rt));
	rt->vcpu = vcpu;
	if (pthread_create(&rt->thread, NULL, run_thread_fn, rt))
		return -1;
	while (atomic_load(&rt->state) == 0)
		usleep(1000);
	usleep(100000);
	return 0;
}

/* Kicks the spinner out with SIGUSR1; false when it does not return. */
static bool stop_spinner(struct run_thread *rt)
{
	int i;

	pthread_kill(rt->thread, SIGUSR1);
	for (i = 0; i < 500 && atomic_load(&rt->state) != 2; i++)
		usleep(10000);
	if (atomic_load(&rt->state) != 2)
		return false;
	pthread_join(rt->thread, NULL);
	return true;
}

static enum test_result test_close_vm_fd_while_running(void)
{
	struct run_thread rt;
	struct tvm t;

	TEST_SKIP_ON_QUIRK("no-intr-exit-if0", "a spinning guest cannot be kicked");
	install_sigusr1();
	TVM_CREATE(&t, HVM_MODE_LONG64, guest_spin);
	TEST_ASSERT(!start_spinner(&rt, t.vcpu), "pthread_create");
	TEST_ASSERT(atomic_load(&rt.state) == 1, "RUN returned early");
	close(t.vm->fd);
	close(t.vm->dev_fd);
	t.vm->fd = t.vm->dev_fd = -1;
	usleep(50000);
	TEST_ASSERT(atomic_load(&rt.state) == 1, "RUN returned when the VM fd was closed");
	TEST_ASSERT(stop_spinner(&rt), "RUN did not return after the signal");
	TEST_ASSERT(rt.ret == -1 && rt.err == EINTR, "RUN returned %d errno %d",
		    rt.ret, rt.err);
	/* the vCPU keeps its VM alive: it still runs */
	memcpy(t.mem + GUEST_CODE_GPA, guest_done_start, guest_done_end - guest_done_start);
	TEST_ASSERT_ERRNO(!guest_setup_long64(t.vcpu, GUEST_CODE_GPA, GUEST_MEM_SIZE),
			  "setup after the VM fd was closed");
	TEST_ASSERT(ucall_run_to_done(t.vcpu), "the vCPU did not run after its VM fd closed");
	tvm_destroy(&t);
	/* and everything is gone cleanly: a new VM works */
	TVM_CREATE(&t, HVM_MODE_LONG64, guest_done);
	TEST_ASSERT(ucall_run_to_done(t.vcpu), "a new VM did not run");
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_close_vcpu_fd_while_running(void)
{
	struct run_thread rt;
	struct tvm t;

	TEST_SKIP_ON_QUIRK("no-intr-exit-if0", "a spinning guest cannot be kicked");
	install_sigusr1();
	TVM_CREATE(&t, HVM_MODE_LONG64, guest_spin);
	TEST_ASSERT(!start_spinner(&rt, t.vcpu), "pthread_create");
	/* the RUN in progress holds its own reference to the file */
	close(t.vcpu->fd);
	t.vcpu->fd = -1;
	hvm_vm_destroy(t.vm);
	t.vm = NULL;
	usleep(50000);
	TEST_ASSERT(stop_spinner(&rt), "RUN did not return after the signal");
	TEST_ASSERT(rt.ret == -1 && rt.err == EINTR, "RUN returned %d errno %d",
		    rt.ret, rt.err);
	hvm_vcpu_destroy(t.vcpu);
	TVM_CREATE(&t, HVM_MODE_LONG64, guest_done);
	TEST_ASSERT(ucall_run_to_done(t.vcpu), "a new VM did not run");
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_sigkill_inside_run(void)
{
	struct timespec start, end;
	int status;
	pid_t pid;
	struct tvm t;

	TEST_SKIP_ON_QUIRK("no-intr-exit-if0", "a spinning guest cannot be kicked");
	fflush(stdout);
	pid = fork();
	TEST_ASSERT_ERRNO(pid >= 0, "fork");
	if (!pid) {
		if (tvm_create(&t, HVM_MODE_LONG64, guest_spin_start, guest_spin_end))
			_exit(2);
		for (;;)
			hvm_vcpu_run(t.vcpu);
	}
	usleep(300000);
	clock_gettime(CLOCK_MONOTONIC, &start);
	kill(pid, SIGKILL);
	TEST_ASSERT_ERRNO(waitpid(pid, &status, 0) == pid, "waitpid");
	clock_gettime(CLOCK_MONOTONIC, &end);
	TEST_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		    "the child did not die of SIGKILL (status 0x%x)", status);
	TEST_ASSERT(end.tv_sec - start.tv_sec < 5, "the child took %ld s to die",
		    (long)(end.tv_sec - start.tv_sec));
	TVM_CREATE(&t, HVM_MODE_LONG64, guest_done);
	TEST_ASSERT(ucall_run_to_done(t.vcpu), "a new VM did not run");
	tvm_destroy(&t);
	return TEST_PASS;
}

/* The backing memory is unmapped while the VM lives: no crash either way. */
static enum test_result test_munmap_guest_memory(void)
{
	struct tvm t;
	int i;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_done);
	TEST_ASSERT(ucall_run_to_done(t.vcpu), "first run");
	TEST_ASSERT_ERRNO(!munmap(t.mem + GUEST_DATA_GPA, GUEST_MEM_SIZE - GUEST_DATA_GPA),
			  "munmap");
	/* reuse the range for something else */
	TEST_ASSERT(mmap(t.mem + GUEST_DATA_GPA, GUEST_MEM_SIZE - GUEST_DATA_GPA,
			 PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
			 -1, 0) != MAP_FAILED, "mmap");
	for (i = 0; i < 3; i++) {
		TEST_ASSERT_ERRNO(!guest_setup_long64(t.vcpu, GUEST_CODE_GPA, GUEST_MEM_SIZE),
				  "setup");
		TEST_ASSERT(ucall_run_to_done(t.vcpu), "run %d after munmap", i);
	}
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_vcpu_outlives_vm_fd(void)
{
	struct tvm t;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_done);
	close(t.vm->fd);
	close(t.vm->dev_fd);
	t.vm->fd = t.vm->dev_fd = -1;
	TEST_ASSERT(ucall_run_to_done(t.vcpu), "the vCPU did not run without its VM fd");
	tvm_destroy(&t);
	return TEST_PASS;
}

/* delete_module("hvm") must be refused while VM and vCPU fds are open. */
static enum test_result test_unload_refused(void)
{
	struct tvm t;
	long ret;
	int err;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_done);
	/* only the VM and vCPU fds keep the module busy */
	close(t.vm->dev_fd);
	t.vm->dev_fd = -1;
	ret = syscall(SYS_delete_module, "hvm", O_NONBLOCK);
	err = errno;
	if (ret == 0) {
		tvm_destroy(&t);
		return test_fail("hvm was unloaded with fds open");
	}
	if (err == ENOENT || err == EPERM) {
		tvm_destroy(&t);
		return test_skip("delete_module: %s", strerror(err));
	}
	TEST_ASSERT(err == EBUSY || err == EAGAIN, "delete_module: errno %d (%s)", err,
		    strerror(err));
	TEST_ASSERT(ucall_run_to_done(t.vcpu), "the VM broke after the unload attempt");
	tvm_destroy(&t);
	return TEST_PASS;
}

/* Real mode, HLT at 0: the smallest VM that runs (long mode, HLT past the
 * system area, where real mode needs what the backend lacks). */
static int one_cycle(void)
{
	bool real = tvm_mode_supported(HVM_MODE_REAL);
	__u64 entry = real ? 0 : 0xa000;
	struct hvm_vcpu *vcpu;
	struct hvm_vm *vm;
	unsigned char *mem;
	int ok = 0;

	vm = hvm_vm_create();
	if (!vm)
		return -1;
	mem = hvm_vm_add_memory(vm, 0, 0, 0x10000, 0);
	if (mem) {
		mem[entry] = 0xf4;	/* hlt */
		vcpu = hvm_vcpu_create(vm, 0);
		if (vcpu) {
			ok = !(real ? hvm_vcpu_setup_real(vcpu, 0, 0x1000) :
				      hvm_vcpu_setup_mode(vcpu, HVM_MODE_LONG64, entry, 0x10000)) &&
			     !hvm_vcpu_run(vcpu) && vcpu->run->exit_reason == HVM_EXIT_HLT;
			hvm_vcpu_destroy(vcpu);
		}
	}
	hvm_vm_destroy(vm);
	return ok ? 0 : -1;
}

static long meminfo_kb(const char *key)
{
	char line[256];
	long value = -1;
	size_t len = strlen(key);
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ':')
			value = strtol(line + len + 1, NULL, 10);
	fclose(f);
	return value;
}

static long status_kb(const char *key)
{
	char line[256];
	long value = 0;
	size_t len = strlen(key);
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ':')
			value = strtol(line + len + 1, NULL, 10);
	fclose(f);
	return value;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/*
 * hvm charges a slot's pinned pages to RLIMIT_MEMLOCK with
 * account_locked_vm(), which /proc/self/status shows as VmLck; VmPin
 * (pinned_vm) and Mlocked never see them, so they would compare equal
 * whatever hvm leaks and are only shown.  So that the VmLck comparison
 * below can fail, first check that a live slot does show there.
 */
static enum test_result check_vmlck_counts_slots(void)
{
	struct hvm_vm *vm;
	long before, during, after;

	before = status_kb("VmLck");
	vm = hvm_vm_create();
	TEST_ASSERT_ERRNO(vm, "creating a VM");
	TEST_ASSERT_ERRNO(hvm_vm_add_memory(vm, 0, 0, 0x100000, 0), "a 1 MiB slot");
	during = status_kb("VmLck");
	hvm_vm_destroy(vm);
	after = status_kb("VmLck");
	test_diag("VmLck %ld kB, with a 1 MiB slot %ld kB, after %ld kB", before, during, after);
	TEST_ASSERT(during - before == 1024, "a 1 MiB slot changed VmLck by %ld kB, not 1024",
		    during - before);
	TEST_ASSERT(after == before, "VmLck %ld kB after the VM, %ld kB before", after, before);
	return TEST_PASS;
}

static enum test_result test_create_destroy_cycles(void)
{
	long avail0, avail1, mlocked0, mlocked1, pin0, pin1, lck0, lck1;
	enum test_result r;
	int fds0, fds1, i;

	test_watchdog_arm(50);
	for (i = 0; i < 20; i++)	/* warm up caches and slabs */
		TEST_ASSERT(!one_cycle(), "warm-up cycle %d failed: %s", i, strerror(errno));
	r = check_vmlck_counts_slots();
	if (r != TEST_PASS)
		return r;
	avail0 = meminfo_kb("MemAvailable");
	mlocked0 = meminfo_kb("Mlocked");
	pin0 = status_kb("VmPin");
	lck0 = status_kb("VmLck");
	fds0 = count_fds();
	for (i = 0; i < 1000; i++)
		TEST_ASSERT(!one_cycle(), "cycle %d failed: %s", i, strerror(errno));
	avail1 = meminfo_kb("MemAvailable");
	mlocked1 = meminfo_kb("Mlocked");
	pin1 = status_kb("VmPin");
	lck1 = status_kb("VmLck");
	fds1 = count_fds();
	test_diag("MemAvailable %ld -> %ld kB, Mlocked %ld -> %ld kB, VmPin %ld -> %ld kB, "
		  "VmLck %ld -> %ld kB, fds %d -> %d", avail0, avail1, mlocked0, mlocked1,
		  pin0, pin1, lck0, lck1, fds0, fds1);
	TEST_ASSERT(fds1 == fds0, "fds leaked");
	/* VmPin and Mlocked: shown only (hvm's pins are not counted there). */
	TEST_ASSERT(lck1 == lck0, "pinned slot memory not released (VmLck)");
	/* 1000 leaked VMs would be >= 64 MiB of guest memory alone */
	TEST_ASSERT(avail0 - avail1 < 16 * 1024, "MemAvailable dropped by %ld kB",
		    avail0 - avail1);
	return TEST_PASS;
}

/* 32 VMs alive at once, each run twice (ASIDs are shared out and reused). */
static enum test_result test_many_vms_at_once(void)
{
	struct work w = { .seed = 17, .chunks = 2, .iterations = 1000 };
	struct hvm_vcpu *vcpu[32];
	struct hvm_vm *vm[32];
	unsigned int i, round;

	for (i = 0; i < 32; i++) {
		w.seed = 17 + i;
		vm[i] = work_vm_create();
		TEST_ASSERT_ERRNO(vm[i], "VM %u", i);
		vcpu[i] = work_vcpu_create(vm[i], 0, &w);
		TEST_ASSERT_ERRNO(vcpu[i], "vCPU of VM %u", i);
	}
	for (round = 0; round < 2; round++) {
		for (i = 0; i < 32; i++) {
			w.seed = 17 + i;
			TEST_ASSERT_ERRNO(!work_vcpu_reset(vcpu[i], &w), "reset");
			TEST_ASSERT(!work_run(vcpu[i], NULL), "VM %u round %u", i, round);
			TEST_ASSERT(work_result(vm[i], &w) == work_expected(&w),
				    "VM %u round %u: wrong result", i, round);
		}
	}
	for (i = 0; i < 32; i++) {
		hvm_vcpu_destroy(vcpu[i]);
		hvm_vm_destroy(vm[i]);
	}
	return TEST_PASS;
}

static const struct test_case cases[] = {
	{ "closing the VM fd while a vCPU thread runs is safe", test_close_vm_fd_while_running },
	{ "closing the vCPU fd while its RUN is in progress is safe",
	  test_close_vcpu_fd_while_running },
	{ "SIGKILL ends a process spinning inside RUN promptly", test_sigkill_inside_run },
	{ "guest memory unmapped under a live VM: no crash, VM still runs",
	  test_munmap_guest_memory },
	{ "a vCPU fd keeps working after the VM and /dev/hvm fds are closed",
	  test_vcpu_outlives_vm_fd },
	{ "delete_module(hvm) with VM fds open is refused (EBUSY/EAGAIN)",
	  test_unload_refused },
	{ "32 VMs alive at once, each run twice", test_many_vms_at_once },
	{ "1000 create/run/destroy cycles leak no memory, pins or fds",
	  test_create_destroy_cycles },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), true);
}
