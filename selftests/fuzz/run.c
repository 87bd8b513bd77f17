// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzer's rounds: each round builds a world from the seed and the
 * round number alone, runs its threads on it (each with its own random
 * stream and a timer that interrupts a running vCPU every 2 ms, so no
 * guest holds a thread forever), joins them and tears the world down.
 * A round can be replayed by itself: --seed S --round R.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id	_sigev_un._tid
#endif

#define FZ_TIMER_SIGNAL	SIGUSR2
#define FZ_TIMER_NS	2000000L

static void timer_handler(int sig)
{
	(void)sig;	/* its only job: HVM_RUN returns EINTR */
}

int fz_timer_start(void **timer)
{
	struct itimerspec its = {
		.it_interval = { 0, FZ_TIMER_NS }, .it_value = { 0, FZ_TIMER_NS },
	};
	struct sigevent sev;
	timer_t id;

	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = FZ_TIMER_SIGNAL;
	sev.sigev_notify_thread_id = syscall(SYS_gettid);
	if (timer_create(CLOCK_MONOTONIC, &sev, &id))
		return -1;
	*timer = id;
	return timer_settime(id, 0, &its, NULL);
}

void fz_timer_stop(void *timer)
{
	if (timer)
		timer_delete((timer_t)timer);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct thread_ctx {
	struct fz_thread t;
	__u64 calls;		/* this thread's share of the round */
	double deadline;	/* 0: none */
	volatile int *stop;
	pthread_t tid;
};

static void *thread_main(void *arg)
{
	struct thread_ctx *c = arg;
	void *timer = NULL;

	if (fz_timer_start(&timer))
		perror("# timer_create");
	while (c->t.where.call < c->calls && !*c->stop) {
		fz_op(&c->t);
		if ((c->t.where.call & 63) == 0 && c->deadline && now() > c->deadline)
			break;
	}
	fz_timer_stop(timer);
	return NULL;
}

__u64 fz_run(const struct fz_config *cfg, struct fz_stats *st, volatile int *stop)
{
	struct thread_ctx ctx[16];
	double start = now(), deadline = cfg->seconds ? start + cfg->seconds : 0;
	__u64 before = fz_total_calls(st), round = cfg->first_round;
	unsigned int nt = cfg->threads < 1 ? 1 : cfg->threads > 16 ? 16 : cfg->threads;
	struct sigaction sa;
	unsigned int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = timer_handler;
	sa.sa_flags = SA_RESTART;	/* RUN returns EINTR all the same */
	sigemptyset(&sa.sa_mask);
	sigaction(FZ_TIMER_SIGNAL, &sa, NULL);

	while (fz_total_calls(st) - before < cfg->calls && !*stop &&
	       (!deadline || now() < deadline)) {
		__u64 round_seed = fz_mix(cfg->seed, round);
		struct fz_world world;
		struct fz_rng rng;

		if (cfg->trace) {
			printf("# round %llu (seed %llu, %u threads)\n",
			       (unsigned long long)round, (unsigned long long)cfg->seed, nt);
			fflush(stdout);
		}
		fz_rng_seed(&rng, round_seed);
		if (fz_world_create(&world, &rng, cfg->tame)) {
			printf("# round %llu: setting up the world failed: %s\n",
			       (unsigned long long)round, strerror(errno));
			fz_world_destroy(&world);
			return fz_total_calls(st) - before;
		}
		for (i = 0; i < nt; i++) {
			struct thread_ctx *c = &ctx[i];

			memset(c, 0, sizeof(*c));
			c->t.world = &world;
			c->t.stats = st;
			c->t.nr_threads = nt;
			fz_rng_seed(&c->t.rng, fz_mix(round_seed, i + 1));
			c->t.where.round = round;
			c->t.where.thread = i;
			c->t.where.racing = nt > 1;
			c->calls = cfg->calls_per_round / nt;
			c->deadline = deadline;
			c->stop = stop;
			if (fz_args_create(&c->t.args) ||
			    pthread_create(&c->tid, NULL, thread_main, c)) {
				printf("# round %llu: no thread %u\n", (unsigned long long)round, i);
				nt = i;
				break;
			}
		}
		for (i = 0; i < nt; i++) {
			pthread_join(ctx[i].tid, NULL);
			fz_args_destroy(&ctx[i].t.args);
		}
		fz_world_destroy(&world);
		round++;
		if (!nt)
			break;
	}
	return fz_total_calls(st) - before;
}
