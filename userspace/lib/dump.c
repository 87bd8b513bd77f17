// SPDX-License-Identifier: GPL-2.0
/* libhvm: a human-readable dump of a vCPU's last exit and its registers. */
#include <inttypes.h>

#include "libhvm.h"

static void dump_exit(const struct hvm_run *run, FILE *out)
{
	unsigned int i;

	fprintf(out, "exit reason %u (%s)\n", run->exit_reason,
		hvm_exit_reason_str(run->exit_reason));
	switch (run->exit_reason) {
	case HVM_EXIT_IO:
		fprintf(out, "  io: %s port 0x%x size %u count %u\n",
			run->io.direction == HVM_EXIT_IO_OUT ? "out" : "in",
			run->io.port, run->io.size, run->io.count);
		break;
	case HVM_EXIT_MMIO:
		fprintf(out, "  mmio: %s gpa 0x%" PRIx64 " len %u data",
			run->mmio.is_write ? "write" : "read",
			(uint64_t)run->mmio.phys_addr, run->mmio.len);
		for (i = 0; i < 8; i++)
			fprintf(out, " %02x", run->mmio.data[i]);
		fprintf(out, "\n");
		break;
	case HVM_EXIT_FAIL_ENTRY:
		fprintf(out, "  hardware entry failure reason 0x%" PRIx64 " on cpu %u\n",
			(uint64_t)run->fail_entry.hardware_entry_failure_reason,
			run->fail_entry.cpu);
		break;
	case HVM_EXIT_INTERNAL_ERROR:
		fprintf(out, "  suberror %u, %u data:", run->internal.suberror,
			run->internal.ndata);
		for (i = 0; i < run->internal.ndata && i < 8; i++)
			fprintf(out, " 0x%" PRIx64, (uint64_t)run->internal.data[i]);
		fprintf(out, "\n");
		break;
	}
}

static void dump_segment(const char *name, const struct hvm_segment *s, FILE *out)
{
	fprintf(out, "%-3s sel %04x base %016" PRIx64 " limit %08x type %x "
		"s %u dpl %u p %u db %u l %u g %u avl %u unusable %u\n",
		name, s->selector, (uint64_t)s->base, s->limit, s->type, s->s,
		s->dpl, s->present, s->db, s->l, s->g, s->avl, s->unusable);
}

static void dump_sregs(const struct hvm_sregs *s, FILE *out)
{
	dump_segment("cs", &s->cs, out);
	dump_segment("ds", &s->ds, out);
	dump_segment("es", &s->es, out);
	dump_segment("fs", &s->fs, out);
	dump_segment("gs", &s->gs, out);
	dump_segment("ss", &s->ss, out);
	dump_segment("tr", &s->tr, out);
	dump_segment("ldt", &s->ldt, out);
	fprintf(out, "gdt base %016" PRIx64 " limit %04x  idt base %016" PRIx64
		" limit %04x\n", (uint64_t)s->gdt.base, s->gdt.limit,
		(uint64_t)s->idt.base, s->idt.limit);
	fprintf(out, "cr0 %016" PRIx64 " cr2 %016" PRIx64 " cr3 %016" PRIx64 "\n",
		(uint64_t)s->cr0, (uint64_t)s->cr2, (uint64_t)s->cr3);
	fprintf(out, "cr4 %016" PRIx64 " cr8 %016" PRIx64 " efer %016" PRIx64 "\n",
		(uint64_t)s->cr4, (uint64_t)s->cr8, (uint64_t)s->efer);
}

static void dump_regs(const struct hvm_regs *r, FILE *out)
{
	fprintf(out, "rax %016" PRIx64 " rbx %016" PRIx64 " rcx %016" PRIx64
		" rdx %016" PRIx64 "\n", (uint64_t)r->rax, (uint64_t)r->rbx,
		(uint64_t)r->rcx, (uint64_t)r->rdx);
	fprintf(out, "rsi %016" PRIx64 " rdi %016" PRIx64 " rsp %016" PRIx64
		" rbp %016" PRIx64 "\n", (uint64_t)r->rsi, (uint64_t)r->rdi,
		(uint64_t)r->rsp, (uint64_t)r->rbp);
	fprintf(out, "r8  %016" PRIx64 " r9  %016" PRIx64 " r10 %016" PRIx64
		" r11 %016" PRIx64 "\n", (uint64_t)r->r8, (uint64_t)r->r9,
		(uint64_t)r->r10, (uint64_t)r->r11);
	fprintf(out, "r12 %016" PRIx64 " r13 %016" PRIx64 " r14 %016" PRIx64
		" r15 %016" PRIx64 "\n", (uint64_t)r->r12, (uint64_t)r->r13,
		(uint64_t)r->r14, (uint64_t)r->r15);
	fprintf(out, "rip %016" PRIx64 " rflags %016" PRIx64 "\n",
		(uint64_t)r->rip, (uint64_t)r->rflags);
}

void hvm_vcpu_dump(struct hvm_vcpu *vcpu, FILE *out)
{
	struct hvm_sregs sregs;
	struct hvm_regs regs;

	fprintf(out, "vcpu %u: ", vcpu->id);
	dump_exit(vcpu->run, out);
	if (hvm_vcpu_get_regs(vcpu, &regs))
		fprintf(out, "(HVM_GET_REGS failed: %m)\n");
	else
		dump_regs(&regs, out);
	if (hvm_vcpu_get_sregs(vcpu, &sregs))
		fprintf(out, "(HVM_GET_SREGS failed: %m)\n");
	else
		dump_sregs(&sregs, out);
}
