// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-bench: vCPUs on host threads of their own (bench.h, struct
 * vcpu_thread), with the ticker signal passed on to each.
 */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "bench.h"

static void *vcpu_thread_fn(void *arg)
{
	struct vcpu_thread *v = arg;

	v->r = run_to_done(v->be, v->vcpu, v->f, &v->t0, &v->t1, &v->nexits,
			   v->err, sizeof(v->err));
	__atomic_store_n(&v->finished, true, __ATOMIC_RELEASE);
	return NULL;
}

int vcpu_thread_start(struct vcpu_thread *v)
{
	if (pthread_create(&v->thread, NULL, vcpu_thread_fn, v))
		return -1;
	v->started = true;
	return 0;
}

int vcpu_threads_join(struct vcpu_thread *v, unsigned int n, char *err,
		      size_t errlen)
{
	unsigned int i;
	bool running;
	int r = 0;

	do {
		usleep(100000);
		running = false;
		for (i = 0; i < n; i++) {
			if (!v[i].started ||
			    __atomic_load_n(&v[i].finished, __ATOMIC_ACQUIRE))
				continue;
			running = true;
			pthread_kill(v[i].thread, SIGALRM);
		}
	} while (running);
	for (i = 0; i < n; i++) {
		if (!v[i].started)
			continue;
		pthread_join(v[i].thread, NULL);
		if (v[i].r && !r)
			snprintf(err, errlen, "vCPU thread %u: %s", i, v[i].err);
		if (v[i].r)
			r = FIG_FAILED;
	}
	return r;
}
