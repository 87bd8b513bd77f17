/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Second-level ("two-dimensional") page tables: NPT on AMD, EPT on Intel.
 * One walker for both; a backend only describes its entry format.
 */
#ifndef HVM_TDP_H
#define HVM_TDP_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>

struct hvm_tdp_format {
	u64 present_mask;	/* any of these bits: the entry is present */
	u64 table_bits;		/* bits of an entry that points to a table */
	u64 leaf_bits_rw;	/* bits of a writable 4 KiB leaf */
	u64 leaf_bits_ro;	/* bits of a read-only 4 KiB leaf */
};

struct hvm_tdp {
	const struct hvm_tdp_format *fmt;
	int levels;		/* 4 or 5 */
	u64 *root;
	u64 root_pa;
	struct mutex lock;	/* serialises changes; hardware walks freely */
	unsigned long nr_tables;	/* table pages, root included */
};

int hvm_tdp_init(struct hvm_tdp *tdp, const struct hvm_tdp_format *fmt,
		 int levels);
void hvm_tdp_destroy(struct hvm_tdp *tdp);
int hvm_tdp_map(struct hvm_tdp *tdp, u64 gpa, u64 pfn, bool writable);
/*
 * Clears [gpa, gpa + size).  Tables left empty (never the root) are
 * unlinked onto @zapped; the caller flushes every vCPU's TLB, then frees
 * them with hvm_tdp_free_zapped().  Returns true when at least one present
 * leaf was cleared.
 */
bool hvm_tdp_unmap(struct hvm_tdp *tdp, u64 gpa, u64 size,
		   struct list_head *zapped);
void hvm_tdp_free_zapped(struct hvm_tdp *tdp, struct list_head *zapped);

#endif /* HVM_TDP_H */
