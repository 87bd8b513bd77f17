// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-run: the 8254's three counters, computed from the host time.
 *
 * A channel that counts remembers when it started (start_tick, on the
 * PIT_HZ grid of CLOCK_MONOTONIC) and how much it had counted before a
 * GATE pause (done_ticks); its count and OUT at any time follow from the
 * elapsed ticks and the mode (8254 data sheet, modes 0-5):
 *
 *   0  OUT low from the control word; counts N down, OUT high at 0
 *   1  a GATE rising edge loads N: OUT low until the count reaches 0
 *   2  rate generator: period N, OUT low for the last tick of each
 *   3  square wave: count -2 per tick, OUT high for ceil(N/2) ticks,
 *      low for floor(N/2)
 *   4  counts N down, OUT low for the one tick at 0
 *   5  as 4, started by a GATE rising edge
 *
 * GATE low pauses modes 0 and 4 and stops modes 2 and 3 with OUT high (a
 * rising edge restarts them from N).  After reaching 0, modes 0, 1, 4 and
 * 5 go on counting down from 0xffff (9999 in BCD).  Simplifications: the
 * count is loaded at once, not on the next clock edge; a new count in
 * modes 2 and 3 restarts the period at once instead of at its end, as in
 * the PC emulators.  A written count of 0 means 0x10000 (10000 in BCD);
 * a count of 1 is taken as 2 in modes 2 and 3.
 */
#include <string.h>

#include "pit8254.h"
#include "tick_clock.h"

static __u32 modulus(const struct pit_channel *c)
{
	return c->bcd ? 10000 : 0x10000;
}

static bool periodic(const struct pit_channel *c)
{
	return c->mode == 2 || c->mode == 3;
}

/* GATE pauses or stops modes 0, 2, 3, 4; it triggers modes 1 and 5. */
static bool gate_triggers(const struct pit_channel *c)
{
	return c->mode == 1 || c->mode == 5;
}

static __u32 period(const struct pit_channel *c)
{
	return c->count < 2 ? 2 : c->count;
}

static __u64 ticks_at(__u64 now)
{
	return clock_ns_to_ticks(now, PIT_HZ);
}

static __u64 elapsed(const struct pit_channel *c, __u64 now)
{
	__u64 t, e = c->done_ticks;

	if (c->running) {
		t = ticks_at(now);
		if (t > c->start_tick)
			e += t - c->start_tick;
	}
	return e;
}

static __u32 from_bcd(__u32 v)
{
	return (v >> 12 & 0xf) * 1000 + (v >> 8 & 0xf) * 100 +
	       (v >> 4 & 0xf) * 10 + (v & 0xf);
}

static __u16 to_bcd(__u32 v)
{
	return (v / 1000 % 10) << 12 | (v / 100 % 10) << 8 |
	       (v / 10 % 10) << 4 | v % 10;
}

/* The counting element now, 0 .. modulus-1 (0 stands for the modulus). */
static __u32 channel_count(const struct pit_channel *c, __u64 now)
{
	__u32 m = modulus(c), n, p, h;
	__u64 e;

	if (!c->loaded)
		return c->reload % m;
	e = elapsed(c, now);
	switch (c->mode) {
	case 2:
		n = period(c);
		return (n - e % n) % m;
	case 3:
		n = period(c);
		p = e % n;
		h = p < (n + 1) / 2 ? p : p - (n + 1) / 2;
		return ((n & ~1U) - 2 * h) % m;
	default:
		return (c->count + m - e % m) % m;
	}
}

/* What the counter port reads: binary or BCD. */
static __u16 channel_display(const struct pit_channel *c, __u64 now)
{
	__u32 v = channel_count(c, now);

	return c->bcd ? to_bcd(v) : v;
}

static bool channel_out(const struct pit_channel *c, __u64 now)
{
	__u64 e;
	__u32 n;

	if (!c->loaded)
		return c->mode != 0;
	e = elapsed(c, now);
	n = period(c);
	switch (c->mode) {
	case 0:
	case 1:
		return e >= c->count;
	case 2:
		return !c->gate || e % n != n - 1;
	case 3:
		return !c->gate || e % n < (n + 1) / 2;
	default:
		return e != c->count;
	}
}

/* The counting element takes the count register: a new run begins. */
static void start_run(struct pit_channel *c, __u64 now)
{
	c->loaded = true;
	c->null_count = false;
	c->count = c->reload;
	c->done_ticks = 0;
	c->start_tick = ticks_at(now);
	c->running = gate_triggers(c) || c->gate;
	c->irq_next = periodic(c) ? period(c) : c->count;
}

static void load_count(struct pit_channel *c, __u32 raw, __u64 now)
{
	__u32 m = modulus(c), value = c->bcd ? from_bcd(raw) : raw;

	value %= m;
	c->reload = value ? value : m;
	c->written = true;
	c->null_count = true;
	if (!gate_triggers(c))
		start_run(c, now);
}

static void latch_count(struct pit_channel *c, __u64 now)
{
	if (c->count_latched)
		return;		/* a second latch before the read is ignored */
	c->latched_count = channel_display(c, now);
	c->count_latched = true;
}

static void latch_status(struct pit_channel *c, __u64 now)
{
	if (c->status_latched)
		return;
	c->latched_status = (channel_out(c, now) ? PIT_STATUS_OUT : 0) |
			    (c->null_count ? PIT_STATUS_NULL_COUNT : 0) |
			    c->rw << 4 | c->mode << 1 | c->bcd;
	c->status_latched = true;
}

static void read_back(struct pit8254 *pit, __u8 value, __u64 now)
{
	unsigned int n;

	for (n = 0; n < PIT_CHANNELS; n++) {
		if (!(value & PIT_RB_CHANNEL(n)))
			continue;
		if (!(value & PIT_RB_NO_STATUS))
			latch_status(&pit->ch[n], now);
		if (!(value & PIT_RB_NO_COUNT))
			latch_count(&pit->ch[n], now);
	}
}

static void control_word(struct pit8254 *pit, __u8 value, __u64 now)
{
	unsigned int sc = value >> 6, rw = value >> 4 & 3;
	struct pit_channel *c;

	if (sc == PIT_SC_READBACK) {
		read_back(pit, value, now);
		return;
	}
	c = &pit->ch[sc];
	if (rw == PIT_RW_LATCH) {
		latch_count(c, now);
		return;
	}
	/* A new mode stops the channel until a count is written. */
	c->rw = rw;
	c->mode = value >> 1 & 7;
	if (c->mode > 5)
		c->mode -= 4;		/* 6, 7: modes 2, 3 */
	c->bcd = value & 1;
	c->written = false;
	c->loaded = false;
	c->running = false;
	c->null_count = true;
	c->write_msb_next = false;
	c->read_msb_next = false;
	c->count_latched = false;
	c->status_latched = false;
	c->irq_next = PIT_NO_IRQ;
}

static void counter_write(struct pit_channel *c, __u8 value, __u64 now)
{
	switch (c->rw) {
	case PIT_RW_LSB:
		load_count(c, value, now);
		break;
	case PIT_RW_MSB:
		load_count(c, value << 8, now);
		break;
	default:
		if (!c->write_msb_next) {
			c->write_lsb = value;
			c->write_msb_next = true;
			/* mode 0: the first byte stops the count, OUT low */
			if (c->mode == 0) {
				c->loaded = false;
				c->running = false;
				c->irq_next = PIT_NO_IRQ;
			}
			break;
		}
		c->write_msb_next = false;
		load_count(c, c->write_lsb | value << 8, now);
		break;
	}
}

static __u8 counter_read(struct pit_channel *c, __u64 now)
{
	__u16 v;

	if (c->status_latched) {
		c->status_latched = false;
		return c->latched_status;
	}
	v = c->count_latched ? c->latched_count : channel_display(c, now);
	switch (c->rw) {
	case PIT_RW_LSB:
		c->count_latched = false;
		return v & 0xff;
	case PIT_RW_MSB:
		c->count_latched = false;
		return v >> 8;
	default:
		if (!c->read_msb_next) {
			c->read_msb_next = true;
			return v & 0xff;
		}
		c->read_msb_next = false;
		c->count_latched = false;
		return v >> 8;
	}
}

void pit8254_reset(struct pit8254 *pit)
{
	unsigned int n;

	memset(pit, 0, sizeof(*pit));
	for (n = 0; n < PIT_CHANNELS; n++) {
		pit->ch[n].rw = PIT_RW_LOHI;
		pit->ch[n].reload = 0x10000;
		pit->ch[n].gate = n != 2;	/* GATE2: port 0x61 bit 0 */
		pit->ch[n].irq_next = PIT_NO_IRQ;
	}
}

void pit8254_write(struct pit8254 *pit, unsigned int port, __u8 value, __u64 now)
{
	if (port == PIT_PORT_CONTROL)
		control_word(pit, value, now);
	else if (port < PIT_CHANNELS)
		counter_write(&pit->ch[port], value, now);
}

/* The control port reads 0xff (the 8254 does not drive the bus). */
__u8 pit8254_read(struct pit8254 *pit, unsigned int port, __u64 now)
{
	if (port >= PIT_CHANNELS)
		return 0xff;
	return counter_read(&pit->ch[port], now);
}

void pit8254_set_gate(struct pit8254 *pit, unsigned int n, bool gate, __u64 now)
{
	struct pit_channel *c = &pit->ch[n];
	bool rising = gate && !c->gate;

	if (gate == c->gate)
		return;
	c->gate = gate;
	if (gate_triggers(c)) {
		if (rising && c->written)
			start_run(c, now);	/* (re)triggered */
		return;
	}
	if (!gate) {
		c->done_ticks = elapsed(c, now);
		c->running = false;
	} else if (periodic(c) && c->written) {
		start_run(c, now);		/* modes 2, 3 restart at N */
	} else if (c->loaded) {
		c->start_tick = ticks_at(now);	/* modes 0, 4 go on */
		c->running = true;
	}
}

bool pit8254_out(struct pit8254 *pit, unsigned int n, __u64 now)
{
	return channel_out(&pit->ch[n], now);
}

__u16 pit8254_count(struct pit8254 *pit, unsigned int n, __u64 now)
{
	return channel_count(&pit->ch[n], now);
}

__u64 pit8254_irq_due(struct pit8254 *pit, unsigned int n)
{
	const struct pit_channel *c = &pit->ch[n];

	if (!c->loaded || c->irq_next == PIT_NO_IRQ)
		return PIT_NO_IRQ;
	if (c->irq_next <= c->done_ticks)
		return 0;			/* passed before a pause */
	if (!c->running)
		return PIT_NO_IRQ;
	return clock_ticks_to_ns(c->start_tick + c->irq_next - c->done_ticks, PIT_HZ);
}

bool pit8254_irq_fire(struct pit8254 *pit, unsigned int n, __u64 now)
{
	struct pit_channel *c = &pit->ch[n];
	__u64 e;

	if (!c->loaded || c->irq_next == PIT_NO_IRQ)
		return false;
	e = elapsed(c, now);
	if (e < c->irq_next)
		return false;
	if (periodic(c))
		c->irq_next = (e / period(c) + 1) * period(c);
	else
		c->irq_next = PIT_NO_IRQ;
	return true;
}
