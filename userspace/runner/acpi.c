// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-run: the ACPI tables of a Linux boot, at guest-physical 0xe0000 (in
 * the reserved BIOS area, where the RSDP scan of 0xe0000-0xfffff finds it):
 *
 *   RSDP (revision 2) -> RSDT and XSDT -> FADT, MADT
 *   FADT -> FACS, DSDT
 *
 * The FADT describes the PM1a event block at 0x600 (4 bytes), the PM1a
 * control block at 0x604 (2 bytes) and the PM timer at 0x608 (acpi_pm.c,
 * pm_timer.c), SCI on IRQ 9, no SMI command port (so the platform is
 * always in ACPI mode), no GPE blocks, the reset register (0xfe to port
 * 0x64, the i8042's reset line) and no i8042 for the OS to probe.  The DSDT
 * holds only \_S5 = Package { 5, 5, 0, 0 }: S5 is SLP_TYP 5, and writing
 * SLP_TYP 5 | SLP_EN to PM1a_CNT powers off.  The MADT lists one enabled
 * local APIC per vCPU (processor UID and APIC ID = vCPU id), the I/O APIC
 * (ID 0 as its ID register reads, 0xfec00000, GSI base 0), ISA IRQ 0 ->
 * GSI 2 and IRQ 9 (SCI) level/active high, LINT1 as NMI on every CPU, and
 * PCAT_COMPAT (a PC-style 8259 pair may be there).
 */
#include <string.h>

#include "runner.h"

#define ACPI_BASE		0xe0000ULL
#define ACPI_AREA_SIZE		0x10000ULL
#define ACPI_OEM_ID		"HVM   "
#define ACPI_OEM_TABLE_ID	"HVMRUN  "

#define PM1A_EVT_BLK		0x600
#define PM1A_CNT_BLK		0x604
#define PM_TMR_BLK		0x608
#define SCI_IRQ			9

struct acpi_header {
	char signature[4];
	__u32 length;
	__u8 revision;
	__u8 checksum;
	char oem_id[6];
	char oem_table_id[8];
	__u32 oem_revision;
	char creator_id[4];
	__u32 creator_revision;
} __attribute__((packed));

struct acpi_rsdp {
	char signature[8];
	__u8 checksum;
	char oem_id[6];
	__u8 revision;
	__u32 rsdt;
	__u32 length;
	__u64 xsdt;
	__u8 ext_checksum;
	__u8 reserved[3];
} __attribute__((packed));

struct acpi_gas {
	__u8 space_id;		/* 1: system I/O */
	__u8 bit_width;
	__u8 bit_offset;
	__u8 access_size;
	__u64 address;
} __attribute__((packed));

/*
 * ACPI 2.0 FADT, revision 3 (244 bytes).  The X_ blocks and X_FIRMWARE_CTRL
 * are left 0: the 32-bit addresses say it all below 4 GiB.
 */
struct acpi_fadt {
	struct acpi_header h;
	__u32 firmware_ctrl, dsdt;
	__u8 reserved0, preferred_pm_profile;
	__u16 sci_int;
	__u32 smi_cmd;
	__u8 acpi_enable, acpi_disable, s4bios_req, pstate_cnt;
	__u32 pm1a_evt_blk, pm1b_evt_blk, pm1a_cnt_blk, pm1b_cnt_blk;
	__u32 pm2_cnt_blk, pm_tmr_blk, gpe0_blk, gpe1_blk;
	__u8 pm1_evt_len, pm1_cnt_len, pm2_cnt_len, pm_tmr_len;
	__u8 gpe0_blk_len, gpe1_blk_len, gpe1_base, cst_cnt;
	__u16 p_lvl2_lat, p_lvl3_lat, flush_size, flush_stride;
	__u8 duty_offset, duty_width, day_alrm, mon_alrm, century;
	__u16 iapc_boot_arch;
	__u8 reserved1;
	__u32 flags;
	struct acpi_gas reset_reg;
	__u8 reset_value;
	__u8 reserved2[3];
	__u64 x_firmware_ctrl, x_dsdt;
	struct acpi_gas x_pm1a_evt_blk, x_pm1b_evt_blk, x_pm1a_cnt_blk;
	struct acpi_gas x_pm1b_cnt_blk, x_pm2_cnt_blk, x_pm_tmr_blk;
	struct acpi_gas x_gpe0_blk, x_gpe1_blk;
} __attribute__((packed));

#define FADT_WBINVD		(1U << 0)
#define FADT_PROC_C1		(1U << 2)
#define FADT_PWR_BUTTON		(1U << 4)	/* no fixed power button */
#define FADT_SLP_BUTTON		(1U << 5)	/* no fixed sleep button */
#define FADT_RESET_REG_SUP	(1U << 10)
#define BOOT_ARCH_LEGACY	(1U << 0)	/* ISA devices (UART, PIT, RTC) */
#define BOOT_ARCH_NO_VGA	(1U << 2)

struct acpi_facs {
	char signature[4];
	__u32 length;
	__u32 hw_signature, waking_vector, global_lock, flags;
	__u64 x_waking_vector;
	__u8 version;
	__u8 reserved[31];
} __attribute__((packed));

struct acpi_madt {
	struct acpi_header h;
	__u32 lapic_addr;
	__u32 flags;
} __attribute__((packed));

#define MADT_PCAT_COMPAT	1

struct madt_lapic {
	__u8 type, length;	/* 0, 8 */
	__u8 uid, apic_id;
	__u32 flags;		/* 1: enabled */
} __attribute__((packed));

struct madt_ioapic {
	__u8 type, length;	/* 1, 12 */
	__u8 id, reserved;
	__u32 address, gsi_base;
} __attribute__((packed));

struct madt_override {
	__u8 type, length;	/* 2, 10 */
	__u8 bus, source;
	__u32 gsi;
	__u16 flags;		/* polarity bits 0-1, trigger bits 2-3 */
} __attribute__((packed));

struct madt_lapic_nmi {
	__u8 type, length;	/* 4, 6 */
	__u8 uid;		/* 0xff: all processors */
	__u16 flags;
	__u8 lint;
} __attribute__((packed));

/* \_S5 = Package (4) { 5, 5, 0, 0 }: NameOp, "_S5_", PackageOp... */
static const __u8 dsdt_aml[] = {
	0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
	0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00,
};

_Static_assert(sizeof(struct acpi_fadt) == 244, "FADT revision 3 is 244 bytes");

static __u8 checksum(const void *p, size_t len)
{
	const __u8 *b = p;
	__u8 sum = 0;

	while (len--)
		sum += *b++;
	return -sum;
}

static void header(struct acpi_header *h, const char *sig, __u32 len, __u8 rev)
{
	memcpy(h->signature, sig, 4);
	h->length = len;
	h->revision = rev;
	memcpy(h->oem_id, ACPI_OEM_ID, 6);
	memcpy(h->oem_table_id, ACPI_OEM_TABLE_ID, 8);
	h->oem_revision = 1;
	memcpy(h->creator_id, "HVMR", 4);
	h->creator_revision = 1;
	h->checksum = 0;
	h->checksum = checksum(h, len);
}

/* Room for the next table, 16-byte aligned (64 for the FACS). */
static unsigned long long place(unsigned long long *next, size_t len, size_t align)
{
	unsigned long long at = (*next + align - 1) & ~(unsigned long long)(align - 1);

	*next = at + len;
	return at;
}

static void build_fadt(struct acpi_fadt *f, __u32 facs, __u32 dsdt)
{
	memset(f, 0, sizeof(*f));
	f->firmware_ctrl = facs;
	f->dsdt = dsdt;
	f->sci_int = SCI_IRQ;
	f->pm1a_evt_blk = PM1A_EVT_BLK;
	f->pm1a_cnt_blk = PM1A_CNT_BLK;
	f->pm_tmr_blk = PM_TMR_BLK;
	f->pm1_evt_len = 4;
	f->pm1_cnt_len = 2;
	f->pm_tmr_len = 4;
	f->p_lvl2_lat = 101;	/* > 100: no C2 */
	f->p_lvl3_lat = 1001;	/* > 1000: no C3 */
	f->century = 0x32;	/* CMOS register of the century */
	f->iapc_boot_arch = BOOT_ARCH_LEGACY | BOOT_ARCH_NO_VGA;
	f->flags = FADT_WBINVD | FADT_PROC_C1 | FADT_PWR_BUTTON |
		   FADT_SLP_BUTTON | FADT_RESET_REG_SUP;
	f->reset_reg = (struct acpi_gas){ .space_id = 1, .bit_width = 8,
					  .access_size = 1, .address = 0x64 };
	f->reset_value = 0xfe;
	f->x_dsdt = dsdt;
	header(&f->h, "FACP", sizeof(*f), 3);
}

static size_t build_madt(__u8 *buf, unsigned int nr_cpus)
{
	struct acpi_madt *m = (void *)buf;
	size_t len = sizeof(*m);
	struct madt_override *iso;
	struct madt_lapic_nmi *nmi;
	struct madt_ioapic *io;
	unsigned int i;

	m->lapic_addr = HVM_APIC_DEFAULT_GPA;
	m->flags = MADT_PCAT_COMPAT;
	for (i = 0; i < nr_cpus; i++) {
		struct madt_lapic *l = (void *)(buf + len);

		*l = (struct madt_lapic){ 0, sizeof(*l), i, i, 1 };
		len += sizeof(*l);
	}
	io = (void *)(buf + len);
	*io = (struct madt_ioapic){ 1, sizeof(*io), 0, 0, HVM_IOAPIC_DEFAULT_GPA, 0 };
	len += sizeof(*io);
	iso = (void *)(buf + len);
	iso[0] = (struct madt_override){ 2, sizeof(*iso), 0, 0, 2, 0 };
	/* SCI: level triggered (3 << 2), active high (1) */
	iso[1] = (struct madt_override){ 2, sizeof(*iso), 0, SCI_IRQ, SCI_IRQ, 0xd };
	len += 2 * sizeof(*iso);
	nmi = (void *)(buf + len);
	*nmi = (struct madt_lapic_nmi){ 4, sizeof(*nmi), 0xff, 0, 1 };
	len += sizeof(*nmi);
	header(&m->h, "APIC", len, 3);
	return len;
}

/* Writes the tables; returns the RSDP's address, 0 when they do not fit. */
unsigned long long runner_acpi_build(struct hvm_vm *vm, unsigned int nr_cpus)
{
	unsigned long long next = ACPI_BASE;
	unsigned long long rsdp_at, rsdt_at, xsdt_at, fadt_at, facs_at, dsdt_at, madt_at;
	struct acpi_header *rsdt, *xsdt, *dsdt;
	struct acpi_facs *facs;
	struct acpi_rsdp *rsdp;
	size_t tables_len;
	__u8 *area;
	__u32 *rsdt_entry;
	__u64 xsdt_entry[2];

	area = hvm_vm_gpa_to_hva(vm, ACPI_BASE, ACPI_AREA_SIZE);
	if (!area || nr_cpus > 255)
		return 0;
	memset(area, 0, ACPI_AREA_SIZE);
	rsdp_at = place(&next, sizeof(*rsdp), 16);
	tables_len = sizeof(struct acpi_header) + 2 * sizeof(__u32);
	rsdt_at = place(&next, tables_len, 16);
	xsdt_at = place(&next, sizeof(struct acpi_header) + 2 * sizeof(__u64), 16);
	fadt_at = place(&next, sizeof(struct acpi_fadt), 16);
	facs_at = place(&next, sizeof(*facs), 64);
	dsdt_at = place(&next, sizeof(struct acpi_header) + sizeof(dsdt_aml), 16);
	madt_at = next = (next + 15) & ~15ULL;
	if (madt_at + sizeof(struct acpi_madt) + nr_cpus * sizeof(struct madt_lapic) +
	    64 > ACPI_BASE + ACPI_AREA_SIZE)
		return 0;

	facs = (void *)(area + facs_at - ACPI_BASE);
	memcpy(facs->signature, "FACS", 4);
	facs->length = sizeof(*facs);
	facs->version = 1;

	dsdt = (void *)(area + dsdt_at - ACPI_BASE);
	memcpy(dsdt + 1, dsdt_aml, sizeof(dsdt_aml));
	header(dsdt, "DSDT", sizeof(*dsdt) + sizeof(dsdt_aml), 2);

	build_fadt((void *)(area + fadt_at - ACPI_BASE), facs_at, dsdt_at);
	build_madt(area + madt_at - ACPI_BASE, nr_cpus);

	rsdt = (void *)(area + rsdt_at - ACPI_BASE);
	rsdt_entry = (__u32 *)(rsdt + 1);
	rsdt_entry[0] = fadt_at;
	rsdt_entry[1] = madt_at;
	header(rsdt, "RSDT", tables_len, 1);

	xsdt = (void *)(area + xsdt_at - ACPI_BASE);
	xsdt_entry[0] = fadt_at;
	xsdt_entry[1] = madt_at;
	memcpy(xsdt + 1, xsdt_entry, sizeof(xsdt_entry));
	header(xsdt, "XSDT", sizeof(*xsdt) + sizeof(xsdt_entry), 1);

	rsdp = (void *)(area + rsdp_at - ACPI_BASE);
	memcpy(rsdp->signature, "RSD PTR ", 8);
	memcpy(rsdp->oem_id, ACPI_OEM_ID, 6);
	rsdp->revision = 2;
	rsdp->rsdt = rsdt_at;
	rsdp->length = sizeof(*rsdp);
	rsdp->xsdt = xsdt_at;
	rsdp->checksum = checksum(rsdp, 20);
	rsdp->ext_checksum = checksum(rsdp, sizeof(*rsdp));
	return rsdp_at;
}
