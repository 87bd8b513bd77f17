// SPDX-License-Identifier: GPL-2.0
/*
 * Selftests: host NMIs that arrive while a guest runs are the host's.
 * The helper module kmod/hvm_test_nmi.ko sends NMIs to the CPU the guest
 * spins on and counts what the host's NMI handlers receive.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "guest.h"

#define NMI_PARAMS	"/sys/module/hvm_test_nmi/parameters/"
#define NR_NMIS		200

/* Counts at DATA until DATA+8 is set, then DONE; an NMI delivered to the
 * guest would run the vector-2 stub (an EXCEPTION ucall) instead.  Host
 * interrupts exit before the guest would see them (IF=1 is harmless). */
GUEST_ASM(guest_spin, ".code64",
	"1: incq " STR(GUEST_DATA_GPA) "\n\t"
	"cmpq $0, " STR(GUEST_DATA_GPA) " + 8\n\t"
	"je 1b\n\t"
	G_DONE);

static void unload_helper(void)
{
	if (system("rmmod hvm_test_nmi"))
		fprintf(stderr, "rmmod hvm_test_nmi failed\n");
}

/* Loads the helper module from kmod/ beside this binary; false: not built. */
static bool load_helper(void)
{
	char exe[PATH_MAX], cmd[PATH_MAX + 64];

	if (access(NMI_PARAMS "fire", W_OK) == 0)
		return true;	/* loaded by someone else: leave it loaded */
	if (test_exe_dir(exe, sizeof(exe)))
		return false;
	snprintf(cmd, sizeof(cmd), "insmod %s/kmod/hvm_test_nmi.ko", exe);
	if (system(cmd) || access(NMI_PARAMS "fire", W_OK))
		return false;
	atexit(unload_helper);
	return true;
}

static int write_param(const char *name, unsigned int val)
{
	char path[128], buf[32];
	int fd, len, r;

	snprintf(path, sizeof(path), NMI_PARAMS "%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	len = snprintf(buf, sizeof(buf), "%u", val);
	r = write(fd, buf, len) == len ? 0 : -1;
	close(fd);
	return r;
}

static int read_param(const char *name, unsigned int *val)
{
	char path[128];
	FILE *f;
	int r;

	snprintf(path, sizeof(path), NMI_PARAMS "%s", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	r = fscanf(f, "%u", val) == 1 ? 0 : -1;
	fclose(f);
	return r;
}

struct spinner {
	struct tvm t;
	atomic_int state;	/* 0 starting, 1 done, -1 failed */
};

static void *spinner_fn(void *arg)
{
	struct spinner *s = arg;

	if (test_pin_cpu(1)) {
		atomic_store(&s->state, -1);
		return NULL;
	}
	atomic_store(&s->state, ucall_run_to_done(s->t.vcpu) ? 1 : -1);
	return NULL;
}

static volatile __u64 *guest_word(struct tvm *t, unsigned int i)
{
	return (volatile __u64 *)(t->mem + GUEST_DATA_GPA) + i;
}

/* Waits up to 2 s for the guest's counter to pass @above. */
static bool guest_progresses(struct spinner *s, __u64 above)
{
	int i;

	for (i = 0; i < 2000 && !atomic_load(&s->state); i++) {
		if (*guest_word(&s->t, 0) > above)
			return true;
		usleep(1000);
	}
	return false;
}

/* Sends the NMIs while the guest spins; the caller stops the guest. */
static enum test_result fire_at_spinning_guest(struct spinner *s, unsigned int *before)
{
	__u64 progress;

	TEST_ASSERT(guest_progresses(s, 1000), "the guest did not start spinning (state %d)",
		    atomic_load(&s->state));
	TEST_ASSERT(!read_param("sent", &before[0]) && !read_param("hits", &before[1]) &&
		    !read_param("hits_in_hvm", &before[2]), "reading the helper's counters");
	TEST_ASSERT_ERRNO(!write_param("target", 1), "setting the target CPU");
	TEST_ASSERT_ERRNO(!write_param("fire", NR_NMIS), "sending %d NMIs", NR_NMIS);
	progress = *guest_word(&s->t, 0);
	TEST_ASSERT(guest_progresses(s, progress), "the guest stopped after the NMIs");
	TEST_ASSERT(!atomic_load(&s->state), "RUN returned while the guest spun (state %d)",
		    atomic_load(&s->state));
	return TEST_PASS;
}

/* NMIs sent to the CPU a guest spins on all reach the host, none the guest. */
static enum test_result test_host_nmis_during_guest(void)
{
	unsigned int before[3], sent, hits, in_hvm, lost;
	struct spinner s = { .state = 0 };
	struct hvm_regs regs;
	enum test_result r;
	pthread_t thread;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return test_skip("needs 2 online CPUs");
	if (!load_helper())
		return test_skip("helper module kmod/hvm_test_nmi.ko not available");
	TEST_ASSERT(!test_pin_cpu(0), "cannot run on CPU 0");
	TVM_CREATE(&s.t, HVM_MODE_LONG64, guest_spin);
	/* IF=1: host interrupts still make it exit where an emulator takes
	 * no interrupt exit from a guest with IF=0 (HVM_TEST_QUIRKS). */
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_regs(s.t.vcpu, &regs), "GET_REGS");
	regs.rflags |= 0x200;
	TEST_ASSERT_ERRNO(!hvm_vcpu_set_regs(s.t.vcpu, &regs), "SET_REGS");
	TEST_ASSERT(!pthread_create(&thread, NULL, spinner_fn, &s), "pthread_create");

	r = fire_at_spinning_guest(&s, before);
	*guest_word(&s.t, 1) = 1;	/* stop the guest whatever happened */
	pthread_join(thread, NULL);
	if (r != TEST_PASS) {
		tvm_destroy(&s.t);
		return r;
	}
	TEST_ASSERT(atomic_load(&s.state) == 1, "the guest did not finish with DONE "
		    "(an NMI delivered to it runs its vector-2 stub)");
	tvm_destroy(&s.t);

	TEST_ASSERT(!read_param("sent", &sent) && !read_param("hits", &hits) &&
		    !read_param("hits_in_hvm", &in_hvm) && !read_param("lost", &lost),
		    "reading the helper's counters");
	sent -= before[0];
	hits -= before[1];
	in_hvm -= before[2];
	test_diag("%u NMIs sent, %u reached the host, %u of them in hvm.ko, %u lost",
		  sent, hits, in_hvm, lost);
	TEST_ASSERT(sent == NR_NMIS && hits == NR_NMIS,
		    "only %u of %u NMIs reached the host's handler", hits, sent);
	/* The guest spins on CPU 1 all along: most NMIs hit it and are handled
	 * on hvm's exit path. */
	TEST_ASSERT(in_hvm * 2 >= hits, "only %u of %u NMIs arrived in hvm.ko (guest mode)",
		    in_hvm, hits);
	return TEST_PASS;
}

static const struct test_case cases[] = {
	{ "host NMIs during guest execution reach the host, never the guest",
	  test_host_nmis_during_guest },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), true);
}
