// SPDX-License-Identifier: GPL-2.0
/*
 * Several vCPUs and VMs at once on threads, shared guest memory, a vCPU
 * thread moved between CPUs while it runs, and CPU 1 going offline and
 * coming back while a VM runs.
 */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "work.h"

#define CPU1_ONLINE	"/sys/devices/system/cpu/cpu1/online"

struct vcpu_thread {
	pthread_t thread;
	struct hvm_vcpu *vcpu;
	struct work work;
	int cpu;			/* pin to this CPU first; -1: no pinning */
	atomic_bool *stop;		/* repeat the work until *stop */
	unsigned long runs, bad_results;
	int failed;
};

static void *vcpu_thread_fn(void *arg)
{
	struct vcpu_thread *vt = arg;
	__u64 expected = work_expected(&vt->work);

	if (vt->cpu >= 0 && test_pin_cpu(vt->cpu)) {
		vt->failed = 1;
		return NULL;
	}
	do {
		if (work_vcpu_reset(vt->vcpu, &vt->work) || work_run(vt->vcpu, NULL)) {
			vt->failed = 1;
			return NULL;
		}
		if (work_result(vt->vcpu->vm, &vt->work) != expected)
			vt->bad_results++;
		vt->runs++;
	} while (vt->stop && !atomic_load(vt->stop));
	return NULL;
}

static int start_vcpu_thread(struct vcpu_thread *vt)
{
	return pthread_create(&vt->thread, NULL, vcpu_thread_fn, vt);
}

static enum test_result test_vcpus_in_parallel(void)
{
	struct vcpu_thread vt[4];
	struct hvm_vm *vm;
	unsigned int i;

	vm = work_vm_create();
	TEST_ASSERT_ERRNO(vm, "creating the VM");
	memset(vt, 0, sizeof(vt));
	for (i = 0; i < ARRAY_SIZE(vt); i++) {
		vt[i].work = (struct work){ .seed = 10 + i, .chunks = 50, .iterations = 20000 };
		vt[i].cpu = -1;
		vt[i].vcpu = work_vcpu_create(vm, i, &vt[i].work);
		TEST_ASSERT_ERRNO(vt[i].vcpu, "vCPU %u", i);
	}
	for (i = 0; i < ARRAY_SIZE(vt); i++)
		TEST_ASSERT(!start_vcpu_thread(&vt[i]), "pthread_create");
	for (i = 0; i < ARRAY_SIZE(vt); i++)
		pthread_join(vt[i].thread, NULL);
	for (i = 0; i < ARRAY_SIZE(vt); i++) {
		TEST_ASSERT(!vt[i].failed, "vCPU %u failed", i);
		TEST_ASSERT(!vt[i].bad_results, "vCPU %u computed a wrong result", i);
		hvm_vcpu_destroy(vt[i].vcpu);
	}
	hvm_vm_destroy(vm);
	return TEST_PASS;
}

GUEST_ASM(guest_lock_inc, ".code64",
	"1: lock incq " STR(GUEST_DATA_GPA) "\n\t"
	"dec %rcx\n\t"
	"jnz 1b\n\t"
	G_DONE);

struct inc_thread {
	pthread_t thread;
	struct hvm_vcpu *vcpu;
	int failed;
};

static void *inc_thread_fn(void *arg)
{
	struct inc_thread *it = arg;

	it->failed = !ucall_run_to_done(it->vcpu);
	return NULL;
}

/* Two vCPUs increment one counter with LOCK INC: no update is lost. */
static enum test_result test_shared_memory_atomics(void)
{
	const __u64 count = 500000;
	struct inc_thread it[2];
	struct hvm_regs regs;
	struct hvm_vm *vm;
	unsigned char *mem;
	unsigned int i;
	__u64 total;

	vm = hvm_vm_create();
	TEST_ASSERT_ERRNO(vm, "creating the VM");
	mem = hvm_vm_add_memory(vm, 0, 0, GUEST_MEM_SIZE, 0);
	TEST_ASSERT_ERRNO(mem, "memory");
	memcpy(mem + GUEST_CODE_GPA, guest_lock_inc_start,
	       guest_lock_inc_end - guest_lock_inc_start);
	for (i = 0; i < 2; i++) {
		it[i].vcpu = hvm_vcpu_create(vm, i);
		TEST_ASSERT_ERRNO(it[i].vcpu, "vCPU %u", i);
		TEST_ASSERT_ERRNO(!guest_setup_long64(it[i].vcpu, GUEST_CODE_GPA,
						      GUEST_MEM_SIZE - i * 0x1000), "setup");
		TEST_ASSERT_ERRNO(!hvm_vcpu_get_regs(it[i].vcpu, &regs), "GET_REGS");
		regs.rcx = count;
		TEST_ASSERT_ERRNO(!hvm_vcpu_set_regs(it[i].vcpu, &regs), "SET_REGS");
	}
	for (i = 0; i < 2; i++)
		TEST_ASSERT(!pthread_create(&it[i].thread, NULL, inc_thread_fn, &it[i]),
			    "pthread_create");
	for (i = 0; i < 2; i++)
		pthread_join(it[i].thread, NULL);
	memcpy(&total, mem + GUEST_DATA_GPA, 8);
	for (i = 0; i < 2; i++) {
		TEST_ASSERT(!it[i].failed, "vCPU %u failed", i);
		hvm_vcpu_destroy(it[i].vcpu);
	}
	TEST_ASSERT(total == 2 * count, "counter %llu, expected %llu",
		    (unsigned long long)total, (unsigned long long)(2 * count));
	hvm_vm_destroy(vm);
	return TEST_PASS;
}

/* Two VMs run at once with the same guest addresses; each keeps its own memory. */
static enum test_result test_two_vms_at_once(void)
{
	struct vcpu_thread vt[2];
	struct hvm_vm *vm[2];
	unsigned int i;

	memset(vt, 0, sizeof(vt));
	for (i = 0; i < 2; i++) {
		vm[i] = work_vm_create();
		TEST_ASSERT_ERRNO(vm[i], "VM %u", i);
		vt[i].work = (struct work){ .seed = 5, .chunks = 40 + 20 * i,
					    .iterations = 30000 };
		vt[i].cpu = -1;
		vt[i].vcpu = work_vcpu_create(vm[i], 0, &vt[i].work);
		TEST_ASSERT_ERRNO(vt[i].vcpu, "vCPU of VM %u", i);
	}
	for (i = 0; i < 2; i++)
		TEST_ASSERT(!start_vcpu_thread(&vt[i]), "pthread_create");
	for (i = 0; i < 2; i++)
		pthread_join(vt[i].thread, NULL);
	for (i = 0; i < 2; i++) {
		TEST_ASSERT(!vt[i].failed && !vt[i].bad_results,
			    "VM %u: failed %d, result 0x%llx expected 0x%llx", i,
			    vt[i].failed,
			    (unsigned long long)work_result(vm[i], &vt[i].work),
			    (unsigned long long)work_expected(&vt[i].work));
		hvm_vcpu_destroy(vt[i].vcpu);
		hvm_vm_destroy(vm[i]);
	}
	return TEST_PASS;
}

/* Moves the vCPU thread between CPU 0 and CPU 1 while it runs guests. */
static enum test_result test_migration(void)
{
	const unsigned int flips = 1000;
	struct vcpu_thread vt;
	atomic_bool stop = false;
	struct hvm_vm *vm;
	cpu_set_t set;
	unsigned int i;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return test_skip("needs 2 online CPUs");
	vm = work_vm_create();
	TEST_ASSERT_ERRNO(vm, "creating the VM");
	memset(&vt, 0, sizeof(vt));
	vt.work = (struct work){ .seed = 77, .chunks = 20, .iterations = 50000 };
	vt.cpu = 0;
	vt.stop = &stop;
	vt.vcpu = work_vcpu_create(vm, 0, &vt.work);
	TEST_ASSERT_ERRNO(vt.vcpu, "vCPU");
	TEST_ASSERT(!start_vcpu_thread(&vt), "pthread_create");
	for (i = 0; i < flips && !vt.failed; i++) {
		CPU_ZERO(&set);
		CPU_SET(i & 1, &set);
		if (pthread_setaffinity_np(vt.thread, sizeof(set), &set))
			break;
		usleep(500);
	}
	atomic_store(&stop, true);
	pthread_join(vt.thread, NULL);
	test_diag("%u affinity changes, %lu guest runs", i, vt.runs);
	TEST_ASSERT(i == flips, "pthread_setaffinity_np failed after %u changes", i);
	TEST_ASSERT(!vt.failed, "the vCPU failed");
	TEST_ASSERT(!vt.bad_results, "%lu of %lu runs computed a wrong result",
		    vt.bad_results, vt.runs);
	hvm_vcpu_destroy(vt.vcpu);
	hvm_vm_destroy(vm);
	return TEST_PASS;
}

static int write_cpu1_online(const char *value)
{
	int fd = open(CPU1_ONLINE, O_WRONLY), ret = 0;

	if (fd < 0)
		return -1;
	if (write(fd, value, 1) != 1)
		ret = -1;
	close(fd);
	return ret;
}

static bool cpu1_online(void)
{
	char c = '0';
	int fd = open(CPU1_ONLINE, O_RDONLY);

	if (fd < 0)
		return false;
	if (read(fd, &c, 1) != 1)
		c = '0';
	close(fd);
	return c == '1';
}

/* CPU 1 goes offline and comes back three times under a running vCPU. */
static enum test_result test_cpu_hotplug(void)
{
	struct vcpu_thread vt;
	atomic_bool stop = false;
	struct hvm_vm *vm;
	unsigned int i;
	int err = 0;

	if (access(CPU1_ONLINE, W_OK) || !cpu1_online())
		return test_skip("%s is not writable or CPU 1 is offline", CPU1_ONLINE);
	vm = work_vm_create();
	TEST_ASSERT_ERRNO(vm, "creating the VM");
	memset(&vt, 0, sizeof(vt));
	vt.work = (struct work){ .seed = 99, .chunks = 20, .iterations = 50000 };
	vt.cpu = 1;
	vt.stop = &stop;
	vt.vcpu = work_vcpu_create(vm, 0, &vt.work);
	TEST_ASSERT_ERRNO(vt.vcpu, "vCPU");
	TEST_ASSERT(!start_vcpu_thread(&vt), "pthread_create");
	usleep(50000);
	for (i = 0; i < 3 && !vt.failed; i++) {
		cpu_set_t set;

		/* back onto CPU 1 (the previous offline moved it away) */
		CPU_ZERO(&set);
		CPU_SET(1, &set);
		pthread_setaffinity_np(vt.thread, sizeof(set), &set);
		usleep(20000);
		if (write_cpu1_online("0")) {
			err = errno;
			break;
		}
		usleep(100000);
		if (write_cpu1_online("1")) {
			err = errno;
			test_diag("CPU 1 did not come back online: %s", strerror(err));
			break;
		}
		usleep(100000);
	}
	atomic_store(&stop, true);
	pthread_join(vt.thread, NULL);
	hvm_vcpu_destroy(vt.vcpu);
	hvm_vm_destroy(vm);
	if (i == 0 && err && cpu1_online())
		return test_skip("CPU 1 cannot go offline: %s", strerror(err));
	TEST_ASSERT(cpu1_online(), "CPU 1 is still offline");
	TEST_ASSERT(i == 3, "hotplug cycle %u failed: %s", i, strerror(err));
	test_diag("%lu guest runs", vt.runs);
	TEST_ASSERT(!vt.failed, "the vCPU failed");
	TEST_ASSERT(!vt.bad_results, "%lu wrong results", vt.bad_results);
	return TEST_PASS;
}

/* After the hotplug cycles, a new VM runs on CPU 1. */
static enum test_result test_runs_on_cpu1_after_hotplug(void)
{
	struct vcpu_thread vt;
	struct hvm_vm *vm;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2 || !cpu1_online())
		return test_skip("CPU 1 is not online");
	vm = work_vm_create();
	TEST_ASSERT_ERRNO(vm, "creating the VM");
	memset(&vt, 0, sizeof(vt));
	vt.work = (struct work){ .seed = 3, .chunks = 10, .iterations = 1000 };
	vt.cpu = 1;
	vt.vcpu = work_vcpu_create(vm, 0, &vt.work);
	TEST_ASSERT_ERRNO(vt.vcpu, "vCPU");
	TEST_ASSERT(!start_vcpu_thread(&vt), "pthread_create");
	pthread_join(vt.thread, NULL);
	TEST_ASSERT(!vt.failed && !vt.bad_results, "the vCPU failed on CPU 1");
	hvm_vcpu_destroy(vt.vcpu);
	hvm_vm_destroy(vm);
	return TEST_PASS;
}

static const struct test_case cases[] = {
	{ "4 vCPUs of one VM run in parallel on threads, results correct",
	  test_vcpus_in_parallel },
	{ "2 vCPUs share guest memory: LOCK INC loses no update",
	  test_shared_memory_atomics },
	{ "2 VMs run at once with the same addresses, memory kept apart",
	  test_two_vms_at_once },
	{ "a vCPU thread moved between CPU 0 and 1 1000 times stays correct",
	  test_migration },
	{ "CPU 1 offline and back 3 times under a running vCPU", test_cpu_hotplug },
	{ "a vCPU runs on CPU 1 after it came back online",
	  test_runs_on_cpu1_after_hotplug },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), true);
}
