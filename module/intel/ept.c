// SPDX-License-Identifier: GPL-2.0
/*
 * EPT (SDM vol. 3, 29.3): the entry format for the shared walker in tdp.c,
 * the EPT pointer, and invalidation of EPT- and VPID-tagged translations.
 * Every leaf maps RAM write-back, as does the EPTP for the tables.
 */
#include <linux/bitmap.h>
#include <linux/spinlock.h>

#include "vmx.h"

#define EPT_R		BIT_ULL(0)
#define EPT_W		BIT_ULL(1)
#define EPT_X		BIT_ULL(2)
#define EPT_MT_WB	(6ULL << 3)	/* memory type, leaf entries only */

const struct hvm_tdp_format vmx_ept_format = {
	.present_mask = EPT_R | EPT_W | EPT_X,
	.table_bits = EPT_R | EPT_W | EPT_X,
	.leaf_bits_rw = EPT_R | EPT_W | EPT_X | EPT_MT_WB,
	.leaf_bits_ro = EPT_R | EPT_X | EPT_MT_WB,
};

#define EPTP_MT_WB		6ULL
#define EPTP_PWL_4		(3ULL << 3)	/* page-walk length - 1 */
#define EPTP_AD			BIT_ULL(6)

u64 vmx_eptp(struct hvm_vm *vm)
{
	return vm->tdp.root_pa | EPTP_MT_WB | EPTP_PWL_4 |
	       (vmx_cfg.ept_ad ? EPTP_AD : 0);
}

struct invept_desc {
	u64 eptp;
	u64 reserved;
};

struct invvpid_desc {
	u64 vpid;
	u64 gva;
};

static void invept(unsigned long type, u64 eptp)
{
	struct invept_desc d = { .eptp = eptp };

	asm volatile("1: invept %0, %1\n2:\n" _ASM_EXTABLE(1b, 2b)
		     : : "m" (d), "r" (type) : "cc", "memory");
}

static void invvpid(unsigned long type, u16 vpid)
{
	struct invvpid_desc d = { .vpid = vpid };

	asm volatile("1: invvpid %0, %1\n2:\n" _ASM_EXTABLE(1b, 2b)
		     : : "m" (d), "r" (type) : "cc", "memory");
}

/*
 * Drop this vCPU's guest translations on this CPU: the EPT-tagged ones
 * (guest-physical and combined) and, with VPID, the linear ones.  The
 * narrowest type the CPU supports (SDM 30.3.3.3, 30.3.3.4).
 */
void vmx_flush_guest(struct vmx_vcpu *vmx)
{
	u64 cap = vmx_cfg.ept_vpid_cap;

	if (cap & VMX_EPT_EXTENT_CONTEXT_BIT)
		invept(VMX_EPT_EXTENT_CONTEXT, vmx_eptp(vmx->vcpu.vm));
	else
		invept(VMX_EPT_EXTENT_GLOBAL, 0);

	if (!vmx->vpid)
		return;
	if (cap & ((u64)VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT << 32))
		invvpid(VMX_VPID_EXTENT_SINGLE_CONTEXT, vmx->vpid);
	else
		invvpid(VMX_VPID_EXTENT_ALL_CONTEXT, 0);
}

/* VPIDs: 16 bits, 0 is the host's. */
#define HVM_NR_VPIDS	65536
static DECLARE_BITMAP(vmx_vpids, HVM_NR_VPIDS);
static DEFINE_SPINLOCK(vmx_vpid_lock);

int vmx_vpid_alloc(void)
{
	int vpid;

	if (!vmx_cfg.vpid)
		return 0;
	spin_lock(&vmx_vpid_lock);
	vpid = find_next_zero_bit(vmx_vpids, HVM_NR_VPIDS, 1);
	if (vpid < HVM_NR_VPIDS)
		__set_bit(vpid, vmx_vpids);
	else
		vpid = 0;	/* none left: run without (flush on entry) */
	spin_unlock(&vmx_vpid_lock);
	return vpid;
}

void vmx_vpid_free(int vpid)
{
	if (!vpid)
		return;
	spin_lock(&vmx_vpid_lock);
	__clear_bit(vpid, vmx_vpids);
	spin_unlock(&vmx_vpid_lock);
}
