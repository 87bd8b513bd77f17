// SPDX-License-Identifier: GPL-2.0
/*
 * hvm and KVM (kvm_amd or kvm_intel) in the same boot: only one of them can own the
 * virtualization hardware at a time, the other is refused with EBUSY (or
 * similar) and works again once the first lets go.  Loads KVM with
 * enable_virt_at_load=0 so that KVM takes SVM only while it has VMs, and
 * unloads it at the end.  Everything is skipped when /dev/kvm cannot appear.
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "test.h"
#include "guest.h"

#define KVM_PARAM_VIRT_AT_LOAD	"/sys/module/kvm/parameters/enable_virt_at_load"

GUEST_ASM(guest_done, ".code64", G_DONE);

static bool kvm_loaded;
static bool kvm_virt_at_load;	/* KVM holds SVM from load on: order tests differ */

static bool hvm_vm_runs(void)
{
	struct tvm t;
	bool ok;

	if (tvm_create(&t, HVM_MODE_LONG64, guest_done_start, guest_done_end)) {
		test_diag("creating an hvm VM: %s", strerror(errno));
		return false;
	}
	ok = ucall_run_to_done(t.vcpu);
	tvm_destroy(&t);
	return ok;
}

static bool param_is_yes(const char *path)
{
	char c = 'N';
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return false;
	if (read(fd, &c, 1) != 1)
		c = 'N';
	close(fd);
	return c == 'Y' || c == 'y' || c == '1';
}

/* KVM's vendor module for the hardware hvm is using. */
static const char *kvm_vendor_module(void)
{
	struct hvm_info info;
	int fd = open("/dev/hvm", O_RDWR);
	const char *name = "kvm_amd";

	if (fd >= 0) {
		if (!ioctl(fd, HVM_GET_INFO, &info) && info.backend == HVM_BACKEND_VMX)
			name = "kvm_intel";
		close(fd);
	}
	return name;
}

static int run_modprobe(const char *args)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "modprobe %s >/dev/null 2>&1", args);
	return system(cmd);
}

static enum test_result test_load_kvm(void)
{
	int i;

	if (access("/dev/kvm", F_OK)) {
		if (system("modprobe kvm enable_virt_at_load=0 >/dev/null 2>&1") != 0)
			system("modprobe kvm >/dev/null 2>&1");
		if (run_modprobe(kvm_vendor_module()) != 0)
			test_diag("modprobe %s failed", kvm_vendor_module());
		for (i = 0; i < 50 && access("/dev/kvm", F_OK); i++)
			usleep(20000);
	}
	if (access("/dev/kvm", F_OK))
		return test_skip("/dev/kvm did not appear (no KVM vendor module?)");
	kvm_loaded = true;
	kvm_virt_at_load = param_is_yes(KVM_PARAM_VIRT_AT_LOAD);
	if (kvm_virt_at_load)
		test_diag("kvm enable_virt_at_load=Y: KVM owns SVM while loaded");
	return TEST_PASS;
}

static enum test_result test_hvm_runs_with_kvm_loaded(void)
{
	if (!kvm_loaded)
		return test_skip("no /dev/kvm");
	if (kvm_virt_at_load)
		return test_skip("KVM holds SVM from load on");
	TEST_ASSERT(hvm_vm_runs(), "hvm does not run while KVM is loaded and idle");
	return TEST_PASS;
}

static int kvm_create_vm(int *kvm_fd)
{
	*kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (*kvm_fd < 0)
		return -1;
	return ioctl(*kvm_fd, KVM_CREATE_VM, 0);
}

static enum test_result test_kvm_refused_while_hvm_vm_open(void)
{
	int kvm_fd, vm_fd, err;
	struct tvm t;

	if (!kvm_loaded || kvm_virt_at_load)
		return test_skip(!kvm_loaded ? "no /dev/kvm" : "KVM holds SVM from load on");
	TVM_CREATE(&t, HVM_MODE_LONG64, guest_done);
	vm_fd = kvm_create_vm(&kvm_fd);
	err = errno;
	if (vm_fd >= 0)
		close(vm_fd);
	if (kvm_fd >= 0)
		close(kvm_fd);
	TEST_ASSERT(ucall_run_to_done(t.vcpu), "the hvm VM broke");
	tvm_destroy(&t);
	TEST_ASSERT(vm_fd < 0, "KVM_CREATE_VM succeeded while an hvm VM was open");
	test_diag("KVM_CREATE_VM: %s", strerror(err));
	TEST_ASSERT(err == EBUSY || err == EIO || err == EEXIST,
		    "KVM_CREATE_VM failed with errno %d (%s)", err, strerror(err));
	return TEST_PASS;
}

static enum test_result test_kvm_works_after_hvm(void)
{
	int kvm_fd, vm_fd, vcpu_fd;

	if (!kvm_loaded)
		return test_skip("no /dev/kvm");
	vm_fd = kvm_create_vm(&kvm_fd);
	TEST_ASSERT_ERRNO(vm_fd >= 0, "KVM_CREATE_VM with no hvm VM open");
	vcpu_fd = ioctl(vm_fd, KVM_CREATE_VCPU, 0);
	TEST_ASSERT_ERRNO(vcpu_fd >= 0, "KVM_CREATE_VCPU");
	close(vcpu_fd);
	close(vm_fd);
	close(kvm_fd);
	return TEST_PASS;
}

static enum test_result test_hvm_refused_while_kvm_vm_open(void)
{
	int kvm_fd, vm_fd, dev_fd, hvm_vm_fd, err;

	if (!kvm_loaded)
		return test_skip("no /dev/kvm");
	vm_fd = kvm_create_vm(&kvm_fd);
	TEST_ASSERT_ERRNO(vm_fd >= 0, "KVM_CREATE_VM");
	dev_fd = hvm_dev_open();
	TEST_ASSERT_ERRNO(dev_fd >= 0, "opening /dev/hvm");
	hvm_vm_fd = ioctl(dev_fd, HVM_CREATE_VM, 0);
	err = errno;
	if (hvm_vm_fd >= 0)
		close(hvm_vm_fd);
	close(dev_fd);
	close(vm_fd);
	close(kvm_fd);
	TEST_ASSERT(hvm_vm_fd < 0, "HVM_CREATE_VM succeeded while a KVM VM was open");
	TEST_ASSERT(err == EBUSY, "HVM_CREATE_VM failed with errno %d (%s), expected EBUSY",
		    err, strerror(err));
	return TEST_PASS;
}

static enum test_result test_hvm_works_after_kvm(void)
{
	if (!kvm_loaded)
		return test_skip("no /dev/kvm");
	if (kvm_virt_at_load)
		return test_skip("KVM holds SVM from load on");
	/* KVM drops SVM when its last VM is destroyed, maybe a little later */
	usleep(100000);
	TEST_ASSERT(hvm_vm_runs(), "hvm does not work after the KVM VM was closed");
	return TEST_PASS;
}

static enum test_result test_unload_kvm(void)
{
	char args[64];
	int i;

	if (!kvm_loaded)
		return test_skip("no /dev/kvm");
	snprintf(args, sizeof(args), "-r %s kvm", kvm_vendor_module());
	TEST_ASSERT(run_modprobe(args) == 0, "modprobe %s failed", args);
	for (i = 0; i < 50 && !access("/dev/kvm", F_OK); i++)
		usleep(20000);
	TEST_ASSERT(access("/dev/kvm", F_OK), "/dev/kvm is still there");
	TEST_ASSERT(hvm_vm_runs(), "hvm does not work after KVM was unloaded");
	return TEST_PASS;
}

static const struct test_case cases[] = {
	{ "kvm_amd/kvm_intel loads next to hvm and /dev/kvm appears", test_load_kvm },
	{ "hvm runs a guest while an idle KVM is loaded", test_hvm_runs_with_kvm_loaded },
	{ "KVM_CREATE_VM is refused while an hvm VM is open",
	  test_kvm_refused_while_hvm_vm_open },
	{ "KVM creates a VM and vCPU once the hvm VM is closed", test_kvm_works_after_hvm },
	{ "HVM_CREATE_VM fails with EBUSY while a KVM VM is open",
	  test_hvm_refused_while_kvm_vm_open },
	{ "hvm runs a guest again once the KVM VM is closed", test_hvm_works_after_kvm },
	{ "KVM unloaded again; hvm still runs", test_unload_kvm },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), true);
}
