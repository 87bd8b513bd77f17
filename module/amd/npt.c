// SPDX-License-Identifier: GPL-2.0
/*
 * Nested page table entry format (APM vol. 2, 15.25.5): ordinary long-mode
 * page table entries.  Every level needs P, RW and US: the guest's own page
 * walks are user-level accesses as far as NPT is concerned, and they set
 * accessed/dirty bits, so guest page tables must be writable.  NPT uses the
 * host's paging mode: five levels when the host runs with CR4.LA57.
 */
#include <asm/pgtable.h>

#include "svm.h"

#define NPT_P	BIT_ULL(0)
#define NPT_RW	BIT_ULL(1)
#define NPT_US	BIT_ULL(2)

const struct hvm_tdp_format svm_npt_format = {
	.present_mask = NPT_P,
	.table_bits = NPT_P | NPT_RW | NPT_US,
	.leaf_bits_rw = NPT_P | NPT_RW | NPT_US,
	.leaf_bits_ro = NPT_P | NPT_US,
};

int svm_npt_levels(void)
{
	return pgtable_l5_enabled() ? 5 : 4;
}
