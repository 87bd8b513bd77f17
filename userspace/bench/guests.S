/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvm-bench guest code: one position-independent blob of 64-bit code that
 * the host copies to GUEST_CODE (bench.h) in every VM, hvm's and KVM's
 * alike.  Each entry runs its loop body RSI times (warm-up: the first
 * nested page faults, caches), says START on a port, then runs it RDI
 * times between two RDTSCs, stores the cycles in the mailbox and says
 * DONE with EAX = 0.  A wrong value exits DONE with a failure code.
 * Registers: r8 counts, r9 holds the first TSC, rbx the MMIO address.
 */
#define PORT_START		0xe0
#define PORT_DONE		0xe1
#define PORT_OUT		0xe2
#define PORT_IN			0xe3
#define OUT_VALUE		0x42
#define IN_VALUE		0x5a
#define MMIO_READ_VALUE		0x5a5a1234
#define MMIO_WRITE_VALUE	0x12345678
#define GUEST_MAILBOX		0x9000
#define GUEST_MMIO		0xc0000000
#define LAPIC			0xfee00000	/* xAPIC page (in-kernel LAPIC) */
#define LAPIC_EOI		0xb0
#define LAPIC_SVR		0xf0
#define LAPIC_LVTT		0x320
#define LAPIC_TMICT		0x380
#define LAPIC_TDCR		0x3e0
#define LAPIC_ICR_LO		0x300
#define LAPIC_ICR_HI		0x310
#define TIMER_VECTOR		0x40
#define IPI_VECTOR		0x41
#define IPI_READY		(GUEST_MAILBOX + 0x40)	/* vCPU 1: round, then HLT */
#define IPI_WOKE		(GUEST_MAILBOX + 0x48)	/* vCPU 1: round, woken */
#define IPI_SETTLE		500000	/* TSC cycles for vCPU 1 to reach HLT */
#define TIMER_COUNT		100000	/* 100 us: both APIC buses tick in 1 ns */
#define GUEST_MEM_BASE		0x40000000	/* slot 1 */
#define MEM_SUM_BYTES		(64 << 20)
#define HC_UNKNOWN		0x7ffffff0	/* no hypercall on either */
#define HC_ENOSYS		-1000		/* both answer this */

/* failure codes (DONE's EAX) */
#define FAIL_CPUID		1
#define FAIL_HYPERCALL		2
#define FAIL_IN			3
#define FAIL_MMIO_READ		4
#define FAIL_SUM		5

	.section .rodata.guest, "a"
	.code64
	.globl	guest_blob_start, guest_blob_end

/* rdtsc, ordered, into rax (64 bits) */
.macro	TSC
	lfence
	rdtsc
	shl	$32, %rdx
	or	%rdx, %rax
.endm

/* BENCH name body: the entry guest_<name> around the body macro */
.macro	BENCH name, body, setup=
	.globl	guest_\name
guest_\name:
	mov	$GUEST_MMIO, %ebx
	\setup
	mov	%rsi, %r8
	test	%r8, %r8
	jz	2f
1:	\body
	dec	%r8
	jnz	1b
2:	mov	$PORT_START, %dx
	out	%al, %dx
	mov	%rdi, %r8
	TSC
	mov	%rax, %r9
	test	%r8, %r8
	jz	4f
3:	\body
	dec	%r8
	jnz	3b
4:	TSC
	sub	%r9, %rax
	mov	%rax, GUEST_MAILBOX
	xor	%eax, %eax
	jmp	done
.endm

.macro	body_floor
.endm

.macro	body_cpuid
	xor	%eax, %eax
	cpuid
	test	%eax, %eax
	jz	fail_cpuid
.endm

.macro	body_vmmcall
	mov	$HC_UNKNOWN, %eax
	vmmcall
	cmp	$HC_ENOSYS, %rax
	jne	fail_hypercall
.endm

.macro	body_vmcall
	mov	$HC_UNKNOWN, %eax
	vmcall
	cmp	$HC_ENOSYS, %rax
	jne	fail_hypercall
.endm

.macro	body_out
	mov	$PORT_OUT, %dx
	mov	$OUT_VALUE, %al
	out	%al, %dx
.endm

.macro	body_in
	mov	$PORT_IN, %dx
	in	%dx, %al
	cmp	$IN_VALUE, %al
	jne	fail_in
.endm

.macro	body_mmio_read
	mov	(%rbx), %eax
	cmp	$MMIO_READ_VALUE, %eax
	jne	fail_mmio_read
.endm

/*
 * The LAPIC timer: the xAPIC on (SVR), one-shot, divide by 1, and IF=1
 * once and for all, before any timer is armed: no STI right before a HLT
 * (under QEMU's TCG the STI shadow over a HLT can lose the wake-up,
 * Documentation/performance.rst).  A timer that fires before its HLT is
 * not lost either: guest_irq_handler steps over that HLT.
 */
.macro	setup_timer
	mov	$LAPIC, %r10d
	movl	$0x1ff, LAPIC_SVR(%r10)		/* APIC on, spurious vector 0xff */
	movl	$0xb, LAPIC_TDCR(%r10)		/* divide by 1 */
	movl	$TIMER_VECTOR, LAPIC_LVTT(%r10)	/* one-shot, unmasked */
	sti
	nop
.endm

/* Arm the timer (an exit to the in-kernel LAPIC), halt until it fires. */
.macro	body_timer
	movl	$TIMER_COUNT, LAPIC_TMICT(%r10)
	hlt
.endm

.macro	body_mmio_write
	mov	$MMIO_WRITE_VALUE, %eax
	mov	%eax, (%rbx)
.endm

guest_blob_start:
	BENCH	floor, body_floor
	BENCH	cpuid, body_cpuid
	BENCH	vmmcall, body_vmmcall
	BENCH	vmcall, body_vmcall
	BENCH	out, body_out
	BENCH	in, body_in
	BENCH	mmio_read, body_mmio_read
	BENCH	mmio_write, body_mmio_write
	BENCH	timer, body_timer, setup_timer

/*
 * HLT woken by an IPI, two vCPUs of one VM.  vCPU 1 (guest_ipi_wait, RDI
 * rounds, its own stack) writes the round's number to IPI_READY, halts,
 * and once woken writes it to IPI_WOKE.  vCPU 0 (guest_ipi_send, as the
 * BENCH loops: RSI warm-up rounds, START, RDI rounds) waits for READY,
 * gives vCPU 1 IPI_SETTLE cycles to get into its HLT, reads the TSC,
 * sends the fixed IPI (ICR high: APIC ID 1, then low: the vector) and
 * spins until WOKE says the round: the cycles from the ICR write to that
 * are summed into the mailbox; the whole measured loop's cycles go next
 * to them (the guest TSC's rate against the host's clock).
 * Registers of vCPU 0: r8 counts, r12 the round, r13 the TSC at the IPI,
 * r14 the sum, r15 the TSC at START.
 */
.macro	ipi_round
	inc	%r12
1:	pause
	cmp	%r12, IPI_READY
	jne	1b
	TSC
	mov	%rax, %r13
2:	pause
	TSC
	sub	%r13, %rax
	cmp	$IPI_SETTLE, %rax
	jb	2b
	TSC
	mov	%rax, %r13
	movl	$(1 << 24), LAPIC_ICR_HI(%r10)
	movl	$(IPI_VECTOR | 1 << 14), LAPIC_ICR_LO(%r10)	/* fixed, assert */
3:	pause
	cmp	%r12, IPI_WOKE
	jne	3b
	TSC
	sub	%r13, %rax
	add	%rax, %r14
.endm

	.globl	guest_ipi_send
guest_ipi_send:
	mov	$LAPIC, %r10d
	movl	$0x1ff, LAPIC_SVR(%r10)
	xor	%r12d, %r12d
	mov	%rsi, %r8		/* labels 5-8: ipi_round has 1-3 */
	test	%r8, %r8
	jz	6f
5:	ipi_round
	dec	%r8
	jnz	5b
6:	mov	$PORT_START, %dx
	out	%al, %dx
	xor	%r14d, %r14d
	TSC
	mov	%rax, %r15
	mov	%rdi, %r8
	test	%r8, %r8
	jz	8f
7:	ipi_round
	dec	%r8
	jnz	7b
8:	TSC
	sub	%r15, %rax
	mov	%r14, GUEST_MAILBOX
	mov	%rax, GUEST_MAILBOX + 8
	xor	%eax, %eax
	jmp	done

/* vCPU 1: IF=1 once, before any round (no STI next to the HLT). */
	.globl	guest_ipi_wait
guest_ipi_wait:
	mov	$LAPIC, %r10d
	movl	$0x1ff, LAPIC_SVR(%r10)
	sti
	nop
	xor	%r12d, %r12d
	mov	%rdi, %r8
	test	%r8, %r8
	jz	2f
1:	inc	%r12
	mov	%r12, IPI_READY
	hlt
	mov	%r12, IPI_WOKE
	dec	%r8
	jnz	1b
2:	xor	%eax, %eax
	jmp	done

/*
 * Memory (slot 1 at GUEST_MEM_BASE, fresh).  guest_mem_touch: START, then
 * one byte written per 4 KiB page, RDI pages (nested page faults and the
 * host's own page faults).  guest_mem_sum: every qword of MEM_SUM_BYTES
 * set to 1 and summed once (warm-up), START, then RDI sums, each checked.
 * The loops are functions with the C calling convention (rdi, rsi; rax,
 * rcx, rdx, r10, r11 clobbered), which hvm-bench also calls natively.
 */
	.globl	guest_mem_touch
guest_mem_touch:
	mov	%rdi, %r12
	mov	$PORT_START, %dx
	out	%al, %dx
	TSC
	mov	%rax, %r9
	mov	$GUEST_MEM_BASE, %edi
	mov	%r12, %rsi
	call	guest_mem_touch_fn
	TSC
	sub	%r9, %rax
	mov	%rax, GUEST_MAILBOX
	xor	%eax, %eax
	jmp	done

	.globl	guest_mem_sum
guest_mem_sum:
	mov	%rdi, %r12
	mov	$GUEST_MEM_BASE, %edi
	mov	$MEM_SUM_BYTES, %esi
	call	guest_mem_fill_fn
	mov	$GUEST_MEM_BASE, %edi
	mov	$MEM_SUM_BYTES, %esi
	call	guest_mem_sum_fn
	mov	$PORT_START, %dx
	out	%al, %dx
	TSC
	mov	%rax, %r9
1:	mov	$GUEST_MEM_BASE, %edi
	mov	$MEM_SUM_BYTES, %esi
	call	guest_mem_sum_fn
	cmp	$(MEM_SUM_BYTES / 8), %rax
	jne	fail_sum
	dec	%r12
	jnz	1b
	TSC
	sub	%r9, %rax
	mov	%rax, GUEST_MAILBOX
	xor	%eax, %eax
	jmp	done

/* guest_mem_touch_fn(base, pages): a byte written in each 4 KiB page */
	.globl	guest_mem_touch_fn
guest_mem_touch_fn:
	test	%rsi, %rsi
	jz	2f
1:	movb	$1, (%rdi)
	add	$4096, %rdi
	dec	%rsi
	jnz	1b
2:	ret

/* guest_mem_fill_fn(base, bytes): every qword 1 (bytes: a multiple of 32) */
	.globl	guest_mem_fill_fn
guest_mem_fill_fn:
	shr	$3, %rsi
	jz	2f
	mov	$1, %eax
1:	mov	%rax, (%rdi)
	add	$8, %rdi
	dec	%rsi
	jnz	1b
2:	ret

/* guest_mem_sum_fn(base, bytes) -> the sum of the qwords, 4 per step */
	.globl	guest_mem_sum_fn
guest_mem_sum_fn:
	xor	%eax, %eax
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%r11d, %r11d
	shr	$5, %rsi
	jz	2f
1:	add	(%rdi), %rax
	add	8(%rdi), %rcx
	add	16(%rdi), %rdx
	add	24(%rdi), %r11
	add	$32, %rdi
	dec	%rsi
	jnz	1b
2:	add	%rcx, %rax
	add	%rdx, %rax
	add	%r11, %rax
	ret

/*
 * The LAPIC's interrupts (IDT gates, layout.c): EOI, and if the
 * interrupt came right before a HLT (the saved RIP points at one), return
 * after that HLT, which would otherwise wait for an interrupt that came.
 */
	.globl	guest_irq_handler
guest_irq_handler:
	push	%rax
	mov	8(%rsp), %rax
	cmpb	$0xf4, (%rax)
	jne	1f
	incq	8(%rsp)
1:	mov	$LAPIC, %eax
	movl	$0, LAPIC_EOI(%rax)
	pop	%rax
	iretq

/* The VM lifecycle figure: the first instruction exits. */
	.globl	guest_first_exit
guest_first_exit:
	xor	%eax, %eax
	jmp	done

fail_cpuid:
	mov	$FAIL_CPUID, %eax
	jmp	done
fail_hypercall:
	mov	$FAIL_HYPERCALL, %eax
	jmp	done
fail_in:
	mov	$FAIL_IN, %eax
	jmp	done
fail_mmio_read:
	mov	$FAIL_MMIO_READ, %eax
	jmp	done
fail_sum:
	mov	$FAIL_SUM, %eax
	jmp	done

/* DONE with eax; the host does not run the guest again. */
done:
	mov	$PORT_DONE, %dx
	out	%eax, %dx
1:	hlt
	jmp	1b
guest_blob_end:

	.section .note.GNU-stack, "", @progbits
