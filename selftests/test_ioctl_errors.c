// SPDX-License-Identifier: GPL-2.0
/*
 * The error paths of every ioctl: bad fds, bad pointers, bad sizes and
 * alignments, overlapping slots, huge values, unknown flags and ioctls,
 * calls in the wrong order or from a process that did not create the VM.
 */
#include <fcntl.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "child.h"
#include "guest.h"
#include "test.h"

#define PAGE		4096ULL
#define GPA_LIMIT	(1ULL << 48)
#define BAD_POINTER	((void *)16)

/* An ioctl number hvm does not define, with and without a payload. */
#define HVM_IOCTL_UNKNOWN	_IO(HVMIO, 0x7f)
struct wrong_size { __u64 x[3]; };
#define HVM_SET_MEMORY_REGION_WRONG_SIZE _IOW(HVMIO, 0x10, struct wrong_size)

GUEST_ASM(guest_done, ".code64", G_DONE);

static int set_region(int vm_fd, __u32 slot, __u32 flags, __u64 gpa, __u64 size,
		      __u64 uaddr)
{
	struct hvm_memory_region r = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = uaddr,
	};

	return ioctl(vm_fd, HVM_SET_MEMORY_REGION, &r);
}

static void *map_pages(size_t size, int prot)
{
	void *p = mmap(NULL, size, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static __u64 uaddr(void *p)
{
	return (__u64)(uintptr_t)p;
}

static enum test_result test_api_version(void)
{
	int fd = open(HVM_DEV_PATH, O_RDWR);

	TEST_ASSERT_ERRNO(fd >= 0, "open");
	TEST_ASSERT(ioctl(fd, HVM_GET_API_VERSION, 0) == 1, "API version is not 1");
	close(fd);
	return TEST_PASS;
}

static enum test_result test_mmap_size(void)
{
	int fd = open(HVM_DEV_PATH, O_RDWR), size;

	TEST_ASSERT_ERRNO(fd >= 0, "open");
	size = ioctl(fd, HVM_GET_VCPU_MMAP_SIZE, 0);
	TEST_ASSERT(size == 4096, "vCPU mmap size %d", size);
	close(fd);
	return TEST_PASS;
}

static enum test_result test_get_info(void)
{
	struct hvm_info info;
	int fd = open(HVM_DEV_PATH, O_RDWR);

	TEST_ASSERT_ERRNO(fd >= 0, "open");
	memset(&info, 0xa5, sizeof(info));
	TEST_ASSERT_ERRNO(!ioctl(fd, HVM_GET_INFO, &info), "GET_INFO");
	test_diag("backend %u npt_levels %u features 0x%llx max_vcpus %u max_slots %u nr_asids %u",
		  info.backend, info.npt_levels, (unsigned long long)info.features,
		  info.max_vcpus, info.max_slots, info.nr_asids);
	TEST_ASSERT(info.backend == HVM_BACKEND_SVM || info.backend == HVM_BACKEND_VMX,
		    "backend %u", info.backend);
	TEST_ASSERT(info.npt_levels == 4 || info.npt_levels == 5, "npt_levels %u",
		    info.npt_levels);
	TEST_ASSERT(info.max_vcpus == 16 && info.max_slots == 32,
		    "max_vcpus %u max_slots %u", info.max_vcpus, info.max_slots);
	TEST_ASSERT(info.reserved[0] == 0 && info.reserved[8] == 0,
		    "reserved fields not cleared");
	TEST_ASSERT_FAILS(ioctl(fd, HVM_GET_INFO, BAD_POINTER), EFAULT);
	close(fd);
	return TEST_PASS;
}

static enum test_result test_create_vm_bad_arg(void)
{
	int fd = open(HVM_DEV_PATH, O_RDWR);

	TEST_ASSERT_ERRNO(fd >= 0, "open");
	TEST_ASSERT_FAILS(ioctl(fd, HVM_CREATE_VM, 1UL), EINVAL);
	TEST_ASSERT_FAILS(ioctl(fd, HVM_CREATE_VM, ~0UL), EINVAL);
	close(fd);
	return TEST_PASS;
}

static enum test_result test_unknown_ioctls(void)
{
	struct hvm_vcpu *vcpu;
	struct hvm_vm *vm;
	char buf[64] = "";

	vm = hvm_vm_create();
	TEST_ASSERT_ERRNO(vm, "creating a VM");
	vcpu = hvm_vcpu_create(vm, 0);
	TEST_ASSERT_ERRNO(vcpu, "creating a vCPU");
	TEST_ASSERT_FAILS(ioctl(vm->dev_fd, HVM_IOCTL_UNKNOWN, 0), ENOTTY);
	TEST_ASSERT_FAILS(ioctl(vm->fd, HVM_IOCTL_UNKNOWN, 0), ENOTTY);
	TEST_ASSERT_FAILS(ioctl(vcpu->fd, HVM_IOCTL_UNKNOWN, 0), ENOTTY);
	TEST_ASSERT_FAILS(ioctl(vm->fd, HVM_SET_MEMORY_REGION_WRONG_SIZE, buf), ENOTTY);
	TEST_ASSERT_FAILS(ioctl(vm->dev_fd, 0x5401 /* TCGETS */, buf), ENOTTY);
	hvm_vcpu_destroy(vcpu);
	hvm_vm_destroy(vm);
	return TEST_PASS;
}

/* Each object only answers its own ioctls. */
static enum test_result test_ioctls_on_wrong_object(void)
{
	struct hvm_vcpu *vcpu;
	struct hvm_regs regs;
	struct hvm_vm *vm;

	vm = hvm_vm_create();
	TEST_ASSERT_ERRNO(vm, "creating a VM");
	vcpu = hvm_vcpu_create(vm, 0);
	TEST_ASSERT_ERRNO(vcpu, "creating a vCPU");
	TEST_ASSERT_FAILS(ioctl(vm->dev_fd, HVM_CREATE_VCPU, 1UL), ENOTTY);
	TEST_ASSERT_FAILS(ioctl(vm->dev_fd, HVM_RUN, 0), ENOTTY);
	TEST_ASSERT_FAILS(ioctl(vm->fd, HVM_RUN, 0), ENOTTY);
	TEST_ASSERT_FAILS(ioctl(vm->fd, HVM_GET_REGS, &regs), ENOTTY);
	TEST_ASSERT_FAILS(ioctl(vm->fd, HVM_CREATE_VM, 0), ENOTTY);
	TEST_ASSERT_FAILS(ioctl(vcpu->fd, HVM_CREATE_VCPU, 1UL), ENOTTY);
	TEST_ASSERT_FAILS(ioctl(vcpu->fd, HVM_CREATE_VM, 0), ENOTTY);
	hvm_vcpu_destroy(vcpu);
	hvm_vm_destroy(vm);
	return TEST_PASS;
}

static enum test_result test_bad_fds(void)
{
	struct hvm_regs regs;
	int fd;

	TEST_ASSERT_FAILS(ioctl(-1, HVM_CREATE_VM, 0), EBADF);
	TEST_ASSERT_FAILS(ioctl(1000000, HVM_RUN, 0), EBADF);
	fd = open("/dev/null", O_RDWR);
	TEST_ASSERT_ERRNO(fd >= 0, "open /dev/null");
	TEST_ASSERT_FAILS(ioctl(fd, HVM_GET_REGS, &regs), ENOTTY);
	close(fd);
	/* a closed VM fd */
	fd = open(HVM_DEV_PATH, O_RDWR);
	TEST_ASSERT_ERRNO(fd >= 0, "open");
	close(fd);
	TEST_ASSERT_FAILS(ioctl(fd, HVM_CREATE_VM, 0), EBADF);
	return TEST_PASS;
}

/* A VM with one page of user memory for region tests. */
struct region_ctx {
	struct hvm_vm *vm;
	void *page;
	__u32 max_slots;
};

static enum test_result region_ctx_init(struct region_ctx *c)
{
	struct hvm_info info;

	c->vm = hvm_vm_create();
	TEST_ASSERT_ERRNO(c->vm, "creating a VM");
	TEST_ASSERT_ERRNO(!hvm_dev_get_info(c->vm->dev_fd, &info), "GET_INFO");
	c->max_slots = info.max_slots;
	c->page = map_pages(16 * PAGE, PROT_READ | PROT_WRITE);
	TEST_ASSERT_ERRNO(c->page, "mmap");
	return TEST_PASS;
}

static void region_ctx_fini(struct region_ctx *c)
{
	hvm_vm_destroy(c->vm);
	munmap(c->page, 16 * PAGE);
}

#define REGION_CTX(c)								\
	do {									\
		enum test_result __r = region_ctx_init(c);			\
		if (__r != TEST_PASS)						\
			return __r;						\
	} while (0)

static enum test_result test_region_bad_slot(void)
{
	struct region_ctx c;

	REGION_CTX(&c);
	TEST_ASSERT_FAILS(set_region(c.vm->fd, c.max_slots, 0, 0, PAGE, uaddr(c.page)),
			  EINVAL);
	TEST_ASSERT_FAILS(set_region(c.vm->fd, 0xffffffff, 0, 0, PAGE, uaddr(c.page)),
			  EINVAL);
	TEST_ASSERT_FAILS(set_region(c.vm->fd, c.max_slots, 0, 0, 0, 0), EINVAL);
	TEST_ASSERT_ERRNO(!set_region(c.vm->fd, c.max_slots - 1, 0, 0, PAGE,
				      uaddr(c.page)), "the last slot");
	region_ctx_fini(&c);
	return TEST_PASS;
}

static enum test_result test_region_unaligned(void)
{
	struct region_ctx c;

	REGION_CTX(&c);
	TEST_ASSERT_FAILS(set_region(c.vm->fd, 0, 0, 0x800, PAGE, uaddr(c.page)), EINVAL);
	TEST_ASSERT_FAILS(set_region(c.vm->fd, 0, 0, 0, PAGE + 1, uaddr(c.page)), EINVAL);
	TEST_ASSERT_FAILS(set_region(c.vm->fd, 0, 0, 0, PAGE - 1, uaddr(c.page)), EINVAL);
	TEST_ASSERT_FAILS(set_region(c.vm->fd, 0, 0, 0, PAGE, uaddr(c.page) + 8), EINVAL);
	region_ctx_fini(&c);
	return TEST_PASS;
}

static enum test_result test_region_unknown_flags(void)
{
	struct region_ctx c;

	REGION_CTX(&c);
	TEST_ASSERT_FAILS(set_region(c.vm->fd, 0, 1U << 1, 0, PAGE, uaddr(c.page)), EINVAL);
	TEST_ASSERT_FAILS(set_region(c.vm->fd, 0, 1U << 31, 0, PAGE, uaddr(c.page)), EINVAL);
	TEST_ASSERT_ERRNO(!set_region(c.vm->fd, 0, HVM_MEM_READONLY, 0, PAGE,
				      uaddr(c.page)), "HVM_MEM_READONLY");
	region_ctx_fini(&c);
	return TEST_PASS;
}

static enum test_result test_region_huge_values(void)
{
	struct region_ctx c;

	REGION_CTX(&c);
	/* wraps around */
	TEST_ASSERT_FAILS(set_region(c.vm->fd, 0, 0, ~0ULL - PAGE + 1, 2 * PAGE,
				     uaddr(c.page)), EINVAL);
	/* beyond the guest-physical limit */
	TEST_ASSERT_FAILS(set_region(c.vm->fd, 0, 0, GPA_LIMIT, PAGE, uaddr(c.page)),
			  EINVAL);
	TEST_ASSERT_FAILS(set_region(c.vm->fd, 0, 0, GPA_LIMIT - PAGE, 2 * PAGE,
				     uaddr(c.page)), EINVAL);
	/* absurd sizes */
	TEST_ASSERT_FAILS(set_region(c.vm->fd, 0, 0, 0, 128ULL << 30, uaddr(c.page)),
			  EINVAL);
	TEST_ASSERT_FAILS(set_region(c.vm->fd, 0, 0, 0, ~0ULL & ~(PAGE - 1),
				     uaddr(c.page)), EINVAL);
	/* a user address in the kernel half */
	TEST_ASSERT_FAILS(set_region(c.vm->fd, 0, 0, 0, PAGE, 0xffff800000000000ULL),
			  EFAULT);
	/* just below the limit is fine */
	TEST_ASSERT_ERRNO(!set_region(c.vm->fd, 0, 0, GPA_LIMIT - PAGE, PAGE,
				      uaddr(c.page)), "the last guest page");
	region_ctx_fini(&c);
	return TEST_PASS;
}

static enum test_result test_region_overlap(void)
{
	struct region_ctx c;
	__u64 u = 0;

	REGION_CTX(&c);
	u = uaddr(c.page);
	TEST_ASSERT_ERRNO(!set_region(c.vm->fd, 0, 0, 4 * PAGE, 4 * PAGE, u), "slot 0");
	TEST_ASSERT_FAILS(set_region(c.vm->fd, 1, 0, 4 * PAGE, 4 * PAGE, u), EEXIST);
	TEST_ASSERT_FAILS(set_region(c.vm->fd, 1, 0, 2 * PAGE, 4 * PAGE, u), EEXIST);
	TEST_ASSERT_FAILS(set_region(c.vm->fd, 1, 0, 7 * PAGE, 4 * PAGE, u), EEXIST);
	TEST_ASSERT_FAILS(set_region(c.vm->fd, 1, 0, 5 * PAGE, PAGE, u), EEXIST);
	TEST_ASSERT_FAILS(set_region(c.vm->fd, 1, 0, 0, 16 * PAGE, u), EEXIST);
	/* touching is not overlapping */
	TEST_ASSERT_ERRNO(!set_region(c.vm->fd, 1, 0, 0, 4 * PAGE, u), "slot 1 below");
	TEST_ASSERT_ERRNO(!set_region(c.vm->fd, 2, 0, 8 * PAGE, 4 * PAGE, u), "slot 2 above");
	region_ctx_fini(&c);
	return TEST_PASS;
}

static enum test_result test_region_unmapped(void)
{
	struct region_ctx c;
	void *hole;

	REGION_CTX(&c);
	hole = map_pages(4 * PAGE, PROT_READ | PROT_WRITE);
	TEST_ASSERT_ERRNO(hole, "mmap");
	munmap(hole, 4 * PAGE);
	TEST_ASSERT_FAILS(set_region(c.vm->fd, 0, 0, 0, 4 * PAGE, uaddr(hole)), EFAULT);
	/* partly mapped */
	munmap((char *)c.page + 8 * PAGE, PAGE);
	TEST_ASSERT_FAILS(set_region(c.vm->fd, 0, 0, 0, 16 * PAGE, uaddr(c.page)), EFAULT);
	/* PROT_NONE */
	hole = map_pages(PAGE, PROT_NONE);
	TEST_ASSERT_ERRNO(hole, "mmap");
	TEST_ASSERT_FAILS(set_region(c.vm->fd, 0, 0, 0, PAGE, uaddr(hole)), EFAULT);
	munmap(hole, PAGE);
	/* the failed calls left no slot behind */
	TEST_ASSERT_ERRNO(!set_region(c.vm->fd, 1, 0, 0, PAGE, uaddr(c.page)), "slot 1");
	region_ctx_fini(&c);
	return TEST_PASS;
}

static enum test_result test_region_readonly_mapping(void)
{
	struct region_ctx c;
	void *ro;

	REGION_CTX(&c);
	ro = map_pages(PAGE, PROT_READ);
	TEST_ASSERT_ERRNO(ro, "mmap");
	TEST_ASSERT_FAILS(set_region(c.vm->fd, 0, 0, 0, PAGE, uaddr(ro)), EFAULT);
	/* but a read-only slot may use it */
	TEST_ASSERT_ERRNO(!set_region(c.vm->fd, 0, HVM_MEM_READONLY, 0, PAGE, uaddr(ro)),
			  "a read-only slot on PROT_READ memory");
	TEST_ASSERT_ERRNO(!set_region(c.vm->fd, 0, 0, 0, 0, 0), "delete");
	munmap(ro, PAGE);
	region_ctx_fini(&c);
	return TEST_PASS;
}

static enum test_result test_region_bad_pointer(void)
{
	struct region_ctx c;

	REGION_CTX(&c);
	TEST_ASSERT_FAILS(ioctl(c.vm->fd, HVM_SET_MEMORY_REGION, BAD_POINTER), EFAULT);
	TEST_ASSERT_FAILS(ioctl(c.vm->fd, HVM_SET_MEMORY_REGION, NULL), EFAULT);
	region_ctx_fini(&c);
	return TEST_PASS;
}

static enum test_result test_region_delete_and_replace(void)
{
	struct region_ctx c;
	__u64 u;

	REGION_CTX(&c);
	u = uaddr(c.page);
	TEST_ASSERT_ERRNO(!set_region(c.vm->fd, 3, 0, 0, 0, 0), "deleting an empty slot");
	TEST_ASSERT_ERRNO(!set_region(c.vm->fd, 3, 0, 0x100000, 8 * PAGE, u), "slot 3");
	/* replace with a smaller size: the rest of the range is free again */
	TEST_ASSERT_ERRNO(!set_region(c.vm->fd, 3, 0, 0x100000, 4 * PAGE, u), "replace");
	TEST_ASSERT_ERRNO(!set_region(c.vm->fd, 4, 0, 0x100000 + 4 * PAGE, 4 * PAGE, u),
			  "the freed range");
	/* move it elsewhere */
	TEST_ASSERT_ERRNO(!set_region(c.vm->fd, 3, 0, 0x200000, 4 * PAGE, u), "move");
	TEST_ASSERT_ERRNO(!set_region(c.vm->fd, 5, 0, 0x100000, 4 * PAGE, u),
			  "the old range after the move");
	TEST_ASSERT_ERRNO(!set_region(c.vm->fd, 3, 0, 0, 0, 0), "delete");
	TEST_ASSERT_ERRNO(!set_region(c.vm->fd, 3, 0, 0, 0, 0), "delete again");
	TEST_ASSERT_ERRNO(!set_region(c.vm->fd, 6, 0, 0x200000, 4 * PAGE, u),
			  "the deleted slot's range");
	region_ctx_fini(&c);
	return TEST_PASS;
}

static enum test_result memlock_child(void *arg)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	struct rlimit lim = { 64 * 1024, 64 * 1024 };
	struct hvm_vm *vm;
	void *mem;

	(void)arg;
	if (syscall(SYS_capget, &hdr, data))
		return test_fail("capget: %s", strerror(errno));
	data[0].effective &= ~(1U << CAP_IPC_LOCK);
	if (syscall(SYS_capset, &hdr, data))
		return test_fail("capset: %s", strerror(errno));
	if (setrlimit(RLIMIT_MEMLOCK, &lim))
		return test_fail("setrlimit: %s", strerror(errno));
	vm = hvm_vm_create();
	TEST_ASSERT_ERRNO(vm, "creating a VM");
	mem = map_pages(1 << 20, PROT_READ | PROT_WRITE);
	TEST_ASSERT_ERRNO(mem, "mmap");
	TEST_ASSERT_FAILS(set_region(vm->fd, 0, 0, 0, 1 << 20, uaddr(mem)), ENOMEM);
	/* within the limit it works */
	TEST_ASSERT_ERRNO(!set_region(vm->fd, 0, 0, 0, 8 * PAGE, uaddr(mem)),
			  "32 KiB under a 64 KiB limit");
	/* and the charge adds up across slots */
	TEST_ASSERT_FAILS(set_region(vm->fd, 1, 0, 1 << 20, 12 * PAGE,
				     uaddr(mem) + 16 * PAGE), ENOMEM);
	hvm_vm_destroy(vm);
	return TEST_PASS;
}

static enum test_result test_region_memlock_limit(void)
{
	return run_in_child(memlock_child, NULL);
}

static enum test_result test_vcpu_bad_ids(void)
{
	struct hvm_info info;
	struct hvm_vm *vm;
	int fd;

	vm = hvm_vm_create();
	TEST_ASSERT_ERRNO(vm, "creating a VM");
	TEST_ASSERT_ERRNO(!hvm_dev_get_info(vm->dev_fd, &info), "GET_INFO");
	TEST_ASSERT_FAILS(ioctl(vm->fd, HVM_CREATE_VCPU, (unsigned long)info.max_vcpus),
			  EINVAL);
	TEST_ASSERT_FAILS(ioctl(vm->fd, HVM_CREATE_VCPU, 1UL << 32), EINVAL);
	TEST_ASSERT_FAILS(ioctl(vm->fd, HVM_CREATE_VCPU, ~0UL), EINVAL);
	fd = ioctl(vm->fd, HVM_CREATE_VCPU, 0UL);
	TEST_ASSERT_ERRNO(fd >= 0, "vCPU 0");
	close(fd);
	hvm_vm_destroy(vm);
	return TEST_PASS;
}

static enum test_result test_vcpu_duplicate_id(void)
{
	struct hvm_vm *vm;
	int fd;

	vm = hvm_vm_create();
	TEST_ASSERT_ERRNO(vm, "creating a VM");
	fd = ioctl(vm->fd, HVM_CREATE_VCPU, 3UL);
	TEST_ASSERT_ERRNO(fd >= 0, "vCPU 3");
	TEST_ASSERT_FAILS(ioctl(vm->fd, HVM_CREATE_VCPU, 3UL), EEXIST);
	close(fd);
	hvm_vm_destroy(vm);
	return TEST_PASS;
}

static enum test_result test_vcpu_max(void)
{
	struct hvm_vcpu *vcpus[64];
	struct hvm_info info;
	struct hvm_vm *vm;
	unsigned int i;

	vm = hvm_vm_create();
	TEST_ASSERT_ERRNO(vm, "creating a VM");
	TEST_ASSERT_ERRNO(!hvm_dev_get_info(vm->dev_fd, &info), "GET_INFO");
	TEST_ASSERT(info.max_vcpus <= ARRAY_SIZE(vcpus), "max_vcpus %u", info.max_vcpus);
	for (i = 0; i < info.max_vcpus; i++) {
		vcpus[i] = hvm_vcpu_create(vm, info.max_vcpus - 1 - i);
		TEST_ASSERT_ERRNO(vcpus[i], "vCPU %u", info.max_vcpus - 1 - i);
	}
	for (i = 0; i < info.max_vcpus; i++)
		hvm_vcpu_destroy(vcpus[i]);
	hvm_vm_destroy(vm);
	return TEST_PASS;
}

static enum test_result test_vcpu_bad_pointers(void)
{
	struct hvm_vcpu *vcpu;
	struct hvm_vm *vm;

	vm = hvm_vm_create();
	TEST_ASSERT_ERRNO(vm, "creating a VM");
	vcpu = hvm_vcpu_create(vm, 0);
	TEST_ASSERT_ERRNO(vcpu, "creating a vCPU");
	TEST_ASSERT_FAILS(ioctl(vcpu->fd, HVM_GET_REGS, BAD_POINTER), EFAULT);
	TEST_ASSERT_FAILS(ioctl(vcpu->fd, HVM_SET_REGS, BAD_POINTER), EFAULT);
	TEST_ASSERT_FAILS(ioctl(vcpu->fd, HVM_GET_SREGS, BAD_POINTER), EFAULT);
	TEST_ASSERT_FAILS(ioctl(vcpu->fd, HVM_SET_SREGS, BAD_POINTER), EFAULT);
	TEST_ASSERT_FAILS(ioctl(vcpu->fd, HVM_GET_REGS, NULL), EFAULT);
	hvm_vcpu_destroy(vcpu);
	hvm_vm_destroy(vm);
	return TEST_PASS;
}

static enum test_result test_run_page_mmap_and_run_arg(void)
{
	struct hvm_vcpu *vcpu;
	struct hvm_vm *vm;
	void *p;

	vm = hvm_vm_create();
	TEST_ASSERT_ERRNO(vm, "creating a VM");
	vcpu = hvm_vcpu_create(vm, 0);
	TEST_ASSERT_ERRNO(vcpu, "creating a vCPU");
	p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd, 0);
	TEST_ASSERT(p == MAP_FAILED && errno == EINVAL, "8 KiB mapping: %p errno %d", p,
		    errno);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd, PAGE);
	TEST_ASSERT(p == MAP_FAILED && errno == EINVAL, "offset 4096: %p errno %d", p,
		    errno);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, vm->fd, 0);
	TEST_ASSERT(p == MAP_FAILED, "the VM fd can be mapped");
	TEST_ASSERT_FAILS(ioctl(vcpu->fd, HVM_RUN, 1UL), EINVAL);
	hvm_vcpu_destroy(vcpu);
	hvm_vm_destroy(vm);
	return TEST_PASS;
}

/* RUN before any memory exists fails cleanly; the vCPU works afterwards. */
static enum test_result test_run_without_memory(void)
{
	struct hvm_vcpu *vcpu;
	struct hvm_vm *vm;
	void *mem;
	int ret;

	vm = hvm_vm_create();
	TEST_ASSERT_ERRNO(vm, "creating a VM");
	vcpu = hvm_vcpu_create(vm, 0);
	TEST_ASSERT_ERRNO(vcpu, "creating a vCPU");
	ret = hvm_vcpu_run(vcpu);
	if (ret) {
		TEST_ASSERT(errno != EINTR, "RUN did not return before the watchdog");
		test_diag("RUN without memory: errno %d (%s)", errno, strerror(errno));
	} else {
		__u32 reason = vcpu->run->exit_reason;

		test_diag("RUN without memory: exit %s", hvm_exit_reason_str(reason));
		TEST_ASSERT(reason == HVM_EXIT_MMIO || reason == HVM_EXIT_INTERNAL_ERROR ||
			    reason == HVM_EXIT_SHUTDOWN || reason == HVM_EXIT_FAIL_ENTRY,
			    "exit %s", hvm_exit_reason_str(reason));
	}
	mem = hvm_vm_add_memory(vm, 0, 0, GUEST_MEM_SIZE, 0);
	TEST_ASSERT_ERRNO(mem, "adding memory");
	memcpy((char *)mem + GUEST_CODE_GPA, guest_done_start,
	       guest_done_end - guest_done_start);
	TEST_ASSERT_ERRNO(!guest_setup_long64(vcpu, GUEST_CODE_GPA, GUEST_MEM_SIZE),
			  "long mode");
	TEST_ASSERT(ucall_run_to_done(vcpu), "the guest did not run");
	hvm_vcpu_destroy(vcpu);
	hvm_vm_destroy(vm);
	return TEST_PASS;
}

/* The VM and vCPU hold on to the device: closing /dev/hvm first is fine. */
static enum test_result test_vm_outlives_dev_fd(void)
{
	struct tvm t;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_done);
	close(t.vm->dev_fd);
	t.vm->dev_fd = -1;
	TEST_ASSERT(ucall_run_to_done(t.vcpu), "the guest did not run");
	tvm_destroy(&t);
	return TEST_PASS;
}

struct foreign_ctx {
	struct tvm *t;
	void *page;
};

static enum test_result foreign_child(void *arg)
{
	struct foreign_ctx *c = arg;
	struct hvm_sregs sregs;
	struct hvm_regs regs;
	int fd = c->t->vm->fd, vcpu_fd = c->t->vcpu->fd;

	TEST_ASSERT_FAILS(ioctl(fd, HVM_CREATE_VCPU, 1UL), EIO);
	TEST_ASSERT_FAILS(set_region(fd, 1, 0, 0x10000000, PAGE, uaddr(c->page)), EIO);
	TEST_ASSERT_FAILS(set_region(fd, 0, 0, 0, 0, 0), EIO);
	TEST_ASSERT_FAILS(ioctl(vcpu_fd, HVM_RUN, 0), EIO);
	TEST_ASSERT_FAILS(ioctl(vcpu_fd, HVM_GET_REGS, &regs), EIO);
	TEST_ASSERT_FAILS(ioctl(vcpu_fd, HVM_SET_REGS, &regs), EIO);
	TEST_ASSERT_FAILS(ioctl(vcpu_fd, HVM_GET_SREGS, &sregs), EIO);
	TEST_ASSERT_FAILS(ioctl(vcpu_fd, HVM_SET_SREGS, &sregs), EIO);
	return TEST_PASS;
}

static enum test_result test_forked_child_eio(void)
{
	struct foreign_ctx c;
	enum test_result r;
	struct tvm t;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_done);
	c.t = &t;
	c.page = map_pages(PAGE, PROT_READ | PROT_WRITE);
	TEST_ASSERT_ERRNO(c.page, "mmap");
	r = run_in_child(foreign_child, &c);
	if (r != TEST_PASS)
		return r;
	/* the parent still owns a working VM */
	TEST_ASSERT(ucall_run_to_done(t.vcpu), "the guest did not run in the parent");
	munmap(c.page, PAGE);
	tvm_destroy(&t);
	return TEST_PASS;
}

static const struct test_case cases[] = {
	{ "GET_API_VERSION returns 1", test_api_version },
	{ "GET_VCPU_MMAP_SIZE returns 4096", test_mmap_size },
	{ "GET_INFO reports sane limits; bad pointer -> EFAULT", test_get_info },
	{ "CREATE_VM with a nonzero argument -> EINVAL", test_create_vm_bad_arg },
	{ "unknown ioctls and wrong-size numbers -> ENOTTY on every fd", test_unknown_ioctls },
	{ "ioctls of another object type -> ENOTTY", test_ioctls_on_wrong_object },
	{ "bad, closed and foreign fds -> EBADF/ENOTTY", test_bad_fds },
	{ "SET_MEMORY_REGION: slot >= max_slots -> EINVAL", test_region_bad_slot },
	{ "SET_MEMORY_REGION: unaligned gpa, size or address -> EINVAL",
	  test_region_unaligned },
	{ "SET_MEMORY_REGION: unknown flags -> EINVAL", test_region_unknown_flags },
	{ "SET_MEMORY_REGION: wrapping, > 2^48, > 64 GiB -> EINVAL; kernel address -> EFAULT",
	  test_region_huge_values },
	{ "SET_MEMORY_REGION: overlapping slots -> EEXIST, adjacent ok", test_region_overlap },
	{ "SET_MEMORY_REGION: unmapped or PROT_NONE memory -> EFAULT", test_region_unmapped },
	{ "SET_MEMORY_REGION: read-only user memory -> EFAULT unless HVM_MEM_READONLY",
	  test_region_readonly_mapping },
	{ "SET_MEMORY_REGION: bad struct pointer -> EFAULT", test_region_bad_pointer },
	{ "SET_MEMORY_REGION: delete empty slot, shrink, move, delete twice",
	  test_region_delete_and_replace },
	{ "SET_MEMORY_REGION over RLIMIT_MEMLOCK -> ENOMEM", test_region_memlock_limit },
	{ "CREATE_VCPU: id >= max_vcpus or > 32 bits -> EINVAL", test_vcpu_bad_ids },
	{ "CREATE_VCPU: duplicate id -> EEXIST", test_vcpu_duplicate_id },
	{ "CREATE_VCPU: all max_vcpus ids can be created", test_vcpu_max },
	{ "GET/SET_REGS/SREGS with bad pointers -> EFAULT", test_vcpu_bad_pointers },
	{ "run page mmap with another size or offset -> EINVAL; RUN arg != 0 -> EINVAL",
	  test_run_page_mmap_and_run_arg },
	{ "RUN with no memory fails cleanly; the vCPU runs once memory exists",
	  test_run_without_memory },
	{ "a VM keeps working after /dev/hvm's fd is closed", test_vm_outlives_dev_fd },
	{ "VM and vCPU ioctls from a forked child -> EIO", test_forked_child_eio },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), true);
}
