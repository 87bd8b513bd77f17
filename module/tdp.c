// SPDX-License-Identifier: GPL-2.0
/*
 * The shared second-level page table walker.  Entries are 8 bytes, 512 per
 * table, 9 address bits per level above the 12-bit page offset, for NPT
 * (APM vol. 2, 15.25) and EPT (SDM vol. 3, 29.3) alike.
 */
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <asm/page.h>
#include <asm/io.h>

#include "tdp.h"

#define TDP_ADDR_MASK	GENMASK_ULL(51, 12)

static inline int tdp_index(u64 gpa, int level)
{
	return (gpa >> (12 + 9 * (level - 1))) & 511;
}

static u64 *tdp_alloc_table(struct hvm_tdp *tdp, u64 *pa)
{
	struct page *page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);

	if (!page)
		return NULL;
	tdp->nr_tables++;
	*pa = page_to_phys(page);
	return page_address(page);
}

int hvm_tdp_init(struct hvm_tdp *tdp, const struct hvm_tdp_format *fmt,
		 int levels)
{
	mutex_init(&tdp->lock);
	tdp->fmt = fmt;
	tdp->levels = levels;
	tdp->nr_tables = 0;
	tdp->root = tdp_alloc_table(tdp, &tdp->root_pa);
	return tdp->root ? 0 : -ENOMEM;
}

static void tdp_free_table(u64 *table, int level,
			   const struct hvm_tdp_format *fmt)
{
	int i;

	if (level > 1) {
		for (i = 0; i < 512; i++) {
			u64 e = table[i];

			if (e & fmt->present_mask)
				tdp_free_table(__va(e & TDP_ADDR_MASK),
					       level - 1, fmt);
		}
	}
	free_page((unsigned long)table);
}

/* The VM is gone: no vCPU runs, nothing else holds a table. */
void hvm_tdp_destroy(struct hvm_tdp *tdp)
{
	if (tdp->root)
		tdp_free_table(tdp->root, tdp->levels, tdp->fmt);
	tdp->root = NULL;
}

int hvm_tdp_map(struct hvm_tdp *tdp, u64 gpa, u64 pfn, bool writable)
{
	const struct hvm_tdp_format *fmt = tdp->fmt;
	u64 *table = tdp->root;
	int level;

	mutex_lock(&tdp->lock);
	for (level = tdp->levels; level > 1; level--) {
		u64 *e = &table[tdp_index(gpa, level)];

		if (!(READ_ONCE(*e) & fmt->present_mask)) {
			u64 pa;
			u64 *next = tdp_alloc_table(tdp, &pa);

			if (!next) {
				mutex_unlock(&tdp->lock);
				return -ENOMEM;
			}
			/* The zeroed table is visible before the link (x86 TSO). */
			WRITE_ONCE(*e, pa | fmt->table_bits);
		}
		table = __va(READ_ONCE(*e) & TDP_ADDR_MASK);
	}
	WRITE_ONCE(table[tdp_index(gpa, 1)], (pfn << PAGE_SHIFT) |
		   (writable ? fmt->leaf_bits_rw : fmt->leaf_bits_ro));
	mutex_unlock(&tdp->lock);
	return 0;
}

static bool tdp_table_empty(const struct hvm_tdp_format *fmt, const u64 *table)
{
	int i;

	for (i = 0; i < 512; i++)
		if (READ_ONCE(table[i]) & fmt->present_mask)
			return false;
	return true;
}

/*
 * Clears the leaves in [start, end) under @table.  A table below it left
 * with no present entry is unlinked and put on @zapped: the hardware may
 * still be walking it or hold it in its paging-structure caches (SDM
 * vol. 3, 29.4; APM vol. 2, 15.16), so it is freed only after the
 * caller's remote TLB flush (hvm_tdp_free_zapped()).
 */
static bool tdp_unmap_level(const struct hvm_tdp_format *fmt, u64 *table,
			    int level, u64 base, u64 start, u64 end,
			    struct list_head *zapped)
{
	u64 span = 1ULL << (12 + 9 * (level - 1));
	bool zapped_leaf = false;
	u64 *child;
	int i;

	for (i = 0; i < 512; i++) {
		u64 lo = base + i * span, hi = lo + span;
		u64 e = READ_ONCE(table[i]);

		if (hi <= start || lo >= end || !(e & fmt->present_mask))
			continue;
		if (level == 1) {
			WRITE_ONCE(table[i], 0);
			zapped_leaf = true;
			continue;
		}
		child = __va(e & TDP_ADDR_MASK);
		zapped_leaf |= tdp_unmap_level(fmt, child, level - 1, lo,
					       start, end, zapped);
		if (tdp_table_empty(fmt, child)) {
			WRITE_ONCE(table[i], 0);
			list_add_tail(&virt_to_page(child)->lru, zapped);
		}
	}
	return zapped_leaf;
}

bool hvm_tdp_unmap(struct hvm_tdp *tdp, u64 gpa, u64 size,
		   struct list_head *zapped)
{
	bool r;

	mutex_lock(&tdp->lock);
	r = tdp_unmap_level(tdp->fmt, tdp->root, tdp->levels, 0,
			    gpa, gpa + size, zapped);
	mutex_unlock(&tdp->lock);
	return r;
}

/* After the remote TLB flush: nothing can reach these tables any more. */
void hvm_tdp_free_zapped(struct hvm_tdp *tdp, struct list_head *zapped)
{
	struct page *page, *next;
	unsigned long n = 0;

	list_for_each_entry_safe(page, next, zapped, lru) {
		list_del(&page->lru);
		__free_page(page);
		n++;
	}
	mutex_lock(&tdp->lock);
	tdp->nr_tables -= n;
	mutex_unlock(&tdp->lock);
}
