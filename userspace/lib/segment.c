// SPDX-License-Identifier: GPL-2.0
/* libhvm: the hidden (descriptor cache) part of the usual segments. */
#include <string.h>

#include "libhvm.h"

/* A real-mode segment: base = selector * 16, 64 KiB limit. */
void hvm_segment_real(struct hvm_segment *seg, __u16 selector, bool code)
{
	memset(seg, 0, sizeof(*seg));
	seg->selector = selector;
	seg->base = (__u64)selector << 4;
	seg->limit = 0xffff;
	seg->type = code ? 0xb : 0x3;	/* execute/read or read/write, accessed */
	seg->s = 1;
	seg->present = 1;
}

/* A flat 4 GiB code or data segment described by the GDT at HVM_SYS_GDT. */
void hvm_segment_flat(struct hvm_segment *seg, __u16 selector, __u8 type,
		      bool db, bool l)
{
	memset(seg, 0, sizeof(*seg));
	seg->selector = selector;
	seg->base = 0;
	seg->limit = 0xffffffff;
	seg->type = type;
	seg->s = 1;
	seg->present = 1;
	seg->db = db;
	seg->l = l;
	seg->g = 1;
}

/* A system segment (TSS, LDT): s = 0, byte-granular limit. */
void hvm_segment_system(struct hvm_segment *seg, __u16 selector, __u8 type,
			__u64 base, __u32 limit)
{
	memset(seg, 0, sizeof(*seg));
	seg->selector = selector;
	seg->base = base;
	seg->limit = limit;
	seg->type = type;
	seg->present = 1;
}
