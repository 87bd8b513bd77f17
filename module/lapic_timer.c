// SPDX-License-Identifier: GPL-2.0
/*
 * The local APIC timer (SDM 10.5.4) on a host hrtimer: one-shot and
 * periodic modes count APIC bus ticks (HVM_APIC_BUS_KHZ), divided by
 * TDCR; TSC-deadline mode (10.5.4.1) fires when the guest's TSC reaches
 * IA32_TSC_DEADLINE.  The hrtimer runs in hard interrupt context, also
 * under PREEMPT_RT (HRTIMER_MODE_ABS_HARD, for the wake-up latency): it
 * only sets IRR with atomic bit operations and wakes the vCPU, whose
 * rcuwait takes no lock that sleeps there (events.c).
 */
#include <linux/hrtimer.h>
#include <linux/math64.h>
#include <asm/apicdef.h>
#include <asm/tsc.h>

#include "hvm.h"
#include "events.h"
#include "lapic.h"

/* Periodic timers faster than this would swamp the host (KVM: 200 us). */
#define APIC_MIN_PERIOD_NS	100000ULL

static u32 timer_mode(struct hvm_lapic *l)
{
	return hvm_lapic_reg(l, APIC_LVTT) & HVM_APIC_TIMER_MODE;
}

/* Bus ticks per timer count (TDCR, SDM figure 10-10); 1 ns per tick. */
static u64 ns_per_count(struct hvm_lapic *l)
{
	u32 tdcr = hvm_lapic_reg(l, APIC_TDCR);
	u32 v = (tdcr & 3) | ((tdcr & 8) >> 1);

	return v == 7 ? 1 : 2ULL << v;
}

static enum hrtimer_restart timer_fired(struct hrtimer *t)
{
	struct hvm_lapic *l = container_of(t, struct hvm_lapic, timer);
	u32 lvt = hvm_lapic_reg(l, APIC_LVTT);

	if (!(lvt & APIC_LVT_MASKED)) {
		hvm_lapic_set_irr(l, lvt & HVM_APIC_VECTOR_MASK, false);
		hvm_vcpu_wake(l->vcpu);
	}
	if ((lvt & HVM_APIC_TIMER_MODE) == APIC_LVT_TIMER_TSCDEADLINE) {
		WRITE_ONCE(l->tsc_deadline, 0);	/* disarms itself */
		return HRTIMER_NORESTART;
	}
	if (l->period_ns) {
		hrtimer_forward_now(t, ns_to_ktime(l->period_ns));
		l->expires = hrtimer_get_expires(t);
		return HRTIMER_RESTART;
	}
	return HRTIMER_NORESTART;
}

void hvm_lapic_timer_init(struct hvm_lapic *l)
{
	hrtimer_init(&l->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_HARD);
	l->timer.function = timer_fired;
}

void hvm_lapic_timer_stop(struct hvm_lapic *l)
{
	hrtimer_cancel(&l->timer);
	l->period_ns = 0;
}

static void timer_start(struct hvm_lapic *l, ktime_t at)
{
	l->expires = at;
	hrtimer_start(&l->timer, at, HRTIMER_MODE_ABS_HARD);
}

void hvm_lapic_timer_write_tmict(struct hvm_lapic *l, u32 count)
{
	u64 ns;

	hvm_lapic_set_reg(l, APIC_TMICT, count);
	if (timer_mode(l) == APIC_LVT_TIMER_TSCDEADLINE)
		return;		/* TMICT is ignored there */
	hvm_lapic_timer_stop(l);
	if (!count)
		return;
	ns = count * ns_per_count(l);
	if (timer_mode(l) == APIC_LVT_TIMER_PERIODIC)
		l->period_ns = ns = max(ns, APIC_MIN_PERIOD_NS);
	timer_start(l, ktime_add_ns(ktime_get(), ns));
}

void hvm_lapic_timer_write_lvt(struct hvm_lapic *l, u32 val)
{
	u32 old = timer_mode(l);

	hvm_lapic_set_reg(l, APIC_LVTT, val);
	if ((val & HVM_APIC_TIMER_MODE) == old)
		return;
	/* A mode change disarms the timer (SDM 10.5.4.1). */
	hvm_lapic_timer_stop(l);
	hvm_lapic_set_reg(l, APIC_TMICT, 0);
	WRITE_ONCE(l->tsc_deadline, 0);
}

u32 hvm_lapic_timer_read_tmcct(struct hvm_lapic *l)
{
	s64 left;

	if (timer_mode(l) == APIC_LVT_TIMER_TSCDEADLINE ||
	    !hvm_lapic_reg(l, APIC_TMICT) || !hrtimer_active(&l->timer))
		return 0;
	left = ktime_to_ns(ktime_sub(l->expires, ktime_get()));
	if (left < 0)
		left = 0;	/* periodic: expires is always the next one */
	return div64_u64(left, ns_per_count(l));
}

/*
 * Guest TSC cycles to nanoseconds, at the host's TSC rate; false when the
 * rate is unknown.  hvm does not load without one (main.c), but tsc_khz
 * is the kernel's and may be rewritten (cpufreq on a host without a
 * constant TSC): read once, never divided by when 0.
 */
static bool tsc_to_ns(u64 cycles, u64 *ns)
{
	u32 khz = READ_ONCE(tsc_khz);

	if (unlikely(!khz))
		return false;
	*ns = mul_u64_u32_div(cycles, 1000000, khz);
	return true;
}

void hvm_lapic_timer_write_deadline(struct hvm_lapic *l, u64 deadline)
{
	u64 now, ns;

	if (timer_mode(l) != APIC_LVT_TIMER_TSCDEADLINE)
		return;		/* writes are ignored outside the mode */
	hvm_lapic_timer_stop(l);
	WRITE_ONCE(l->tsc_deadline, deadline);
	if (!deadline)
		return;
	now = rdtsc() + l->vcpu->tsc_offset;
	ns = 0;
	/* No rate: the deadline is never reached, as KVM's timer stays
	 * unarmed when its guest TSC rate is 0. */
	if (deadline > now && !tsc_to_ns(deadline - now, &ns))
		return;
	timer_start(l, ktime_add_ns(ktime_get(), ns));
}
