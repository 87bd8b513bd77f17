// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-run: the ACPI PM1a event and control blocks the FADT names (acpi.c).
 *
 *   0x600-0x601  PM1a_STS: no event is ever set (writing 1s clears: no-op)
 *   0x602-0x603  PM1a_EN: stored, read back
 *   0x604-0x605  PM1a_CNT: SCI_EN (bit 0) always reads 1 (no SMI command
 *                port: always in ACPI mode); SLP_TYP (bits 10-12) stored;
 *                writing SLP_EN (bit 13) with SLP_TYP 5 (\_S5 in the DSDT)
 *                powers off: hvm-run exits 0.  Other sleep types do
 *                nothing.
 */
#include "io_bus.h"
#include "runner.h"

#define PM1A_EVT_BASE		0x600
#define PM1A_CNT_BASE		0x604
#define PM1_CNT_SCI_EN		(1U << 0)
#define PM1_CNT_SLP_TYP_SHIFT	10
#define PM1_CNT_SLP_TYP		(7U << PM1_CNT_SLP_TYP_SHIFT)
#define PM1_CNT_SLP_EN		(1U << 13)
#define SLP_TYP_S5		5

static __u16 pm1_en, pm1_cnt;

static __u32 bytes_of(__u16 reg, __u16 offset)
{
	return (__u32)reg >> (8 * (offset & 1));
}

/* A byte or word write at @offset into the 16-bit @reg. */
static __u16 merge(__u16 reg, __u16 offset, __u8 size, __u32 value)
{
	if (size >= 2 && !(offset & 1))
		return value;
	if (offset & 1)
		return (reg & 0x00ff) | (value & 0xff) << 8;
	return (reg & 0xff00) | (value & 0xff);
}

static __u32 pm1_evt_read(struct io_device *dev, __u16 offset, __u8 size)
{
	(void)dev;
	if (offset == 0 && size == 4)
		return (__u32)pm1_en << 16;
	if (offset < 2)
		return 0;				/* PM1a_STS */
	return bytes_of(pm1_en, offset);
}

static void pm1_evt_write(struct io_device *dev, __u16 offset, __u8 size, __u32 value)
{
	(void)dev;
	if (size == 4 && offset == 0) {
		pm1_en = value >> 16;
		return;
	}
	if (offset >= 2)
		pm1_en = merge(pm1_en, offset - 2, size, value);
}

static __u32 pm1_cnt_read(struct io_device *dev, __u16 offset, __u8 size)
{
	(void)dev;
	(void)size;
	return bytes_of(pm1_cnt | PM1_CNT_SCI_EN, offset);
}

static void pm1_cnt_write(struct io_device *dev, __u16 offset, __u8 size, __u32 value)
{
	__u16 v = merge(pm1_cnt, offset, size, value);

	(void)dev;
	pm1_cnt = v & ~PM1_CNT_SLP_EN;
	if ((v & PM1_CNT_SLP_EN) &&
	    (v & PM1_CNT_SLP_TYP) >> PM1_CNT_SLP_TYP_SHIFT == SLP_TYP_S5)
		runner_request_exit(RUNNER_EXIT_POWEROFF);
}

static struct io_device pm1_evt_device = {
	.name = "acpi-pm1a-evt",
	.base = PM1A_EVT_BASE,
	.nr_ports = 4,
	.read = pm1_evt_read,
	.write = pm1_evt_write,
};

static struct io_device pm1_cnt_device = {
	.name = "acpi-pm1a-cnt",
	.base = PM1A_CNT_BASE,
	.nr_ports = 2,
	.read = pm1_cnt_read,
	.write = pm1_cnt_write,
};

int acpi_pm_register(void)
{
	return io_bus_register(&pm1_evt_device) || io_bus_register(&pm1_cnt_device) ?
	       -1 : 0;
}
