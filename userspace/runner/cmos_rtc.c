// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-run: the CMOS RTC at 0x70 (index; bit 7 is the NMI mask, ignored)
 * and 0x71 (data).  Registers 0-9 read the host's time (UTC) on every
 * read, in BCD or binary and 12- or 24-hour format as register B says
 * (default BCD, 24-hour); register A reads UIP clear, register C no
 * interrupt flags, register D "valid RAM and time"; 0x32 is the century.
 * Writes to the time registers are ignored (the guest cannot set the host's
 * clock); the rest of the 128 bytes is RAM.  No alarm, periodic or
 * update interrupts (IRQ 8 is never raised).
 */
#include <time.h>

#include "io_bus.h"

#define CMOS_INDEX		0x70
#define REG_SECONDS		0x00
#define REG_MINUTES		0x02
#define REG_HOURS		0x04
#define REG_WEEKDAY		0x06
#define REG_DAY			0x07
#define REG_MONTH		0x08
#define REG_YEAR		0x09
#define REG_A			0x0a
#define REG_B			0x0b
#define REG_C			0x0c
#define REG_D			0x0d
#define REG_CENTURY		0x32
#define REG_B_24H		0x02
#define REG_B_BINARY		0x04

static __u8 cmos_index;
static __u8 cmos_ram[128] = {
	[REG_A] = 0x26,			/* 32.768 kHz, 1024 Hz rate, UIP 0 */
	[REG_B] = REG_B_24H,
	[REG_D] = 0x80,			/* VRT */
};

static __u8 to_bcd(unsigned int v)
{
	return (v / 10) << 4 | v % 10;
}

static __u8 rtc_time_reg(__u8 reg)
{
	bool binary = cmos_ram[REG_B] & REG_B_BINARY;
	unsigned int v, pm = 0;
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	switch (reg) {
	case REG_SECONDS:
		v = tm.tm_sec > 59 ? 59 : tm.tm_sec;
		break;
	case REG_MINUTES:
		v = tm.tm_min;
		break;
	case REG_HOURS:
		v = tm.tm_hour;
		if (!(cmos_ram[REG_B] & REG_B_24H)) {
			pm = v >= 12 ? 0x80 : 0;
			v = v % 12 ? v % 12 : 12;
		}
		break;
	case REG_WEEKDAY:
		v = tm.tm_wday + 1;
		break;
	case REG_DAY:
		v = tm.tm_mday;
		break;
	case REG_MONTH:
		v = tm.tm_mon + 1;
		break;
	case REG_YEAR:
		v = tm.tm_year % 100;
		break;
	case REG_CENTURY:
		v = (tm.tm_year + 1900) / 100;
		break;
	default:		/* alarm registers */
		return cmos_ram[reg];
	}
	return (binary ? v : to_bcd(v)) | pm;
}

static __u32 cmos_read(struct io_device *dev, __u16 offset, __u8 size)
{
	__u8 reg = cmos_index;

	(void)dev;
	(void)size;
	if (offset == 0)
		return 0xff;
	if (reg <= REG_YEAR || reg == REG_CENTURY)
		return rtc_time_reg(reg);
	return cmos_ram[reg];
}

static void cmos_write(struct io_device *dev, __u16 offset, __u8 size, __u32 value)
{
	__u8 reg = cmos_index;

	(void)dev;
	(void)size;
	if (offset == 0) {
		cmos_index = value & 0x7f;
		return;
	}
	switch (reg) {
	case REG_SECONDS:
	case REG_MINUTES:
	case REG_HOURS:
	case REG_WEEKDAY ... REG_YEAR:
	case REG_C:
	case REG_D:
	case REG_CENTURY:
		break;
	case REG_A:
		cmos_ram[REG_A] = value & 0x7f;		/* UIP is read-only */
		break;
	default:
		cmos_ram[reg] = value;
	}
}

static struct io_device cmos_device = {
	.name = "cmos-rtc",
	.base = CMOS_INDEX,
	.nr_ports = 2,
	.read = cmos_read,
	.write = cmos_write,
};

int cmos_rtc_register(void)
{
	return io_bus_register(&cmos_device);
}
