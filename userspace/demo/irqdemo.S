/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A Multiboot (v1) kernel for hvm-run's interrupts; it needs the in-kernel
 * irqchip (without it, its first local APIC access is an MMIO exit: status
 * 104).  In 32-bit protected mode it loads its own GDT and IDT, then:
 *
 *   - local APIC (xAPIC MMIO at 0xfee00000): software-enabled (spurious
 *     vector 0xff), timer periodic at vector 0x30, divide by 1;
 *   - I/O APIC (0xfec00000): pin 4 (COM1) to vector 0x31 and pin 2 (the
 *     PIT's IRQ 0) to vector 0x32, fixed, edge, active high, physical
 *     destination APIC ID 0, unmasked;
 *   - PIT channel 0 in mode 2 at 100 Hz;
 *   - UART: received-data interrupts (IER bit 0), MCR.OUT2.
 *
 * It prints "irqdemo: ready", then waits in STI; HLT.  The timer handlers
 * count ticks; the UART handler reads RBR while LSR.DR and echoes each
 * byte upper-cased.  With at least 20 APIC timer ticks, 10 PIT ticks and
 * a newline received it prints
 *
 *	ticks=T pit=P echoed=E pm_ms=M
 *
 * (M: milliseconds counted by the ACPI PM timer at port 0x608 since just
 * before the PIT started) and exits with status 0 through port 0xf4.  An
 * unexpected vector exits with 0x71, a bad boot magic with 0x70.
 *
 *	printf 'hello\n' | hvm-run irqdemo.elf
 */
#define MB_MAGIC		0x1badb002
#define MB_FLAGS		0x0

#define LAPIC_BASE		0xfee00000
#define LAPIC_EOI		0xb0
#define LAPIC_SVR		0xf0
#define LAPIC_LVT_TIMER		0x320
#define LAPIC_TIMER_ICR		0x380
#define LAPIC_TIMER_DCR		0x3e0
#define LAPIC_SVR_ENABLE	0x100
#define LAPIC_LVT_PERIODIC	0x20000
#define LAPIC_LVT_MASKED	0x10000
#define LAPIC_DIVIDE_1		0xb
/* 5 ms at a 1 GHz APIC bus, 50 ms at 100 MHz */
#define LAPIC_TIMER_COUNT	5000000

#define IOAPIC_BASE		0xfec00000
#define IOAPIC_WIN		0x10
#define IOAPIC_REDTBL(pin)	(0x10 + 2 * (pin))

#define VEC_LAPIC_TIMER		0x30
#define VEC_UART		0x31
#define VEC_PIT			0x32
#define VEC_SPURIOUS		0xff

#define PIT_CH0			0x40
#define PIT_MODE		0x43
#define PIT_LATCH		11932		/* 1193182 Hz / 100 */
#define PM_TMR			0x608
#define PM_TMR_HZ		3579545

#define UART_RBR		0x3f8
#define UART_THR		0x3f8
#define UART_IER		0x3f9
#define UART_MCR		0x3fc
#define UART_LSR		0x3fd
#define DEBUG_EXIT_PORT		0xf4

#define WANT_TICKS		20
#define WANT_PIT		10

	.code32
	.text
	.globl	_start
	.align	4
mb_header:
	.long	MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

_start:
	mov	$stack_top, %esp
	mov	$0x70, %bl
	cmp	$0x2badb002, %eax
	jne	fail
	lgdt	gdt_desc
	ljmp	$0x08, $1f
1:	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %fs
	mov	%ax, %gs
	mov	%ax, %ss

	xor	%ecx, %ecx			/* every vector: unexpected */
2:	mov	$unexpected, %eax
	call	set_gate
	inc	%ecx
	cmp	$256, %ecx
	jb	2b
	mov	$VEC_LAPIC_TIMER, %ecx
	mov	$lapic_timer_isr, %eax
	call	set_gate
	mov	$VEC_UART, %ecx
	mov	$uart_isr, %eax
	call	set_gate
	mov	$VEC_PIT, %ecx
	mov	$pit_isr, %eax
	call	set_gate
	mov	$VEC_SPURIOUS, %ecx
	mov	$spurious_isr, %eax
	call	set_gate
	lidt	idt_desc

	/* I/O APIC: high dword (destination APIC ID 0) first, then unmask */
	mov	$IOAPIC_REDTBL(4) + 1, %eax
	xor	%edx, %edx
	call	ioapic_write
	mov	$IOAPIC_REDTBL(4), %eax
	mov	$VEC_UART, %edx
	call	ioapic_write
	mov	$IOAPIC_REDTBL(2) + 1, %eax
	xor	%edx, %edx
	call	ioapic_write
	mov	$IOAPIC_REDTBL(2), %eax
	mov	$VEC_PIT, %edx
	call	ioapic_write

	/* local APIC */
	movl	$(LAPIC_SVR_ENABLE | VEC_SPURIOUS), LAPIC_BASE + LAPIC_SVR
	movl	$LAPIC_DIVIDE_1, LAPIC_BASE + LAPIC_TIMER_DCR
	movl	$(LAPIC_LVT_PERIODIC | VEC_LAPIC_TIMER), LAPIC_BASE + LAPIC_LVT_TIMER
	movl	$LAPIC_TIMER_COUNT, LAPIC_BASE + LAPIC_TIMER_ICR

	/* the PM timer's start, then PIT channel 0: mode 2, LSB/MSB, binary */
	mov	$PM_TMR, %dx
	in	%dx, %eax
	mov	%eax, pm_last
	mov	$0x34, %al
	out	%al, $PIT_MODE
	mov	$(PIT_LATCH & 0xff), %al
	out	%al, $PIT_CH0
	mov	$(PIT_LATCH >> 8), %al
	out	%al, $PIT_CH0

	/* UART: received-data interrupts; OUT2 lets the IRQ out, DTR, RTS */
	mov	$UART_IER, %dx
	mov	$0x01, %al
	out	%al, %dx
	mov	$UART_MCR, %dx
	mov	$0x0b, %al
	out	%al, %dx

	mov	$msg_ready, %esi
	call	puts

	/* Check with IF=0; STI's shadow keeps a wakeup from slipping in
	 * between the check and HLT. */
wait:
	cli
	cmpl	$WANT_TICKS, ticks
	jb	3f
	cmpl	$WANT_PIT, pit_ticks
	jb	3f
	cmpb	$0, newline
	jne	done
3:	sti
	hlt
	jmp	wait

done:
	movl	$(LAPIC_LVT_MASKED | VEC_LAPIC_TIMER), LAPIC_BASE + LAPIC_LVT_TIMER
	mov	$0x30, %al			/* a control word stops channel 0 */
	out	%al, $PIT_MODE
	mov	$UART_IER, %dx
	xor	%al, %al
	out	%al, %dx
	call	pm_account

	mov	$msg_ticks, %esi
	call	puts
	mov	ticks, %eax
	call	putdec
	mov	$msg_pit, %esi
	call	puts
	mov	pit_ticks, %eax
	call	putdec
	mov	$msg_echoed, %esi
	call	puts
	mov	echoed, %eax
	call	putdec
	mov	$msg_pm, %esi
	call	puts
	mov	pm_total, %eax			/* ticks * 1000 / PM_TMR_HZ */
	mov	$1000, %ecx
	mul	%ecx
	mov	$PM_TMR_HZ, %ecx
	div	%ecx
	call	putdec
	mov	$'\n', %al
	call	putc

	xor	%eax, %eax
	out	%al, $DEBUG_EXIT_PORT
	hlt

fail:
	mov	%bl, %al
	out	%al, $DEBUG_EXIT_PORT
	hlt

/* set_gate: IDT entry ECX -> handler EAX, 32-bit interrupt gate, CS 0x08;
 * clobbers EAX. */
set_gate:
	push	%edx
	lea	idt(, %ecx, 8), %edx
	mov	%ax, (%edx)
	movw	$0x08, 2(%edx)
	movw	$0x8e00, 4(%edx)
	shr	$16, %eax
	mov	%ax, 6(%edx)
	pop	%edx
	ret

/* ioapic_write: register EAX = EDX. */
ioapic_write:
	mov	%eax, IOAPIC_BASE
	mov	%edx, IOAPIC_BASE + IOAPIC_WIN
	ret

/* pm_account: pm_total += PM timer ticks since pm_last (24-bit wrap);
 * clobbers EAX, EDX. */
pm_account:
	mov	$PM_TMR, %dx
	in	%dx, %eax
	mov	%eax, %edx
	sub	pm_last, %eax
	and	$0xffffff, %eax
	add	%eax, pm_total
	mov	%edx, pm_last
	ret

lapic_timer_isr:
	incl	ticks
	movl	$0, LAPIC_BASE + LAPIC_EOI
	iret

pit_isr:
	push	%eax
	push	%edx
	incl	pit_ticks
	call	pm_account
	movl	$0, LAPIC_BASE + LAPIC_EOI
	pop	%edx
	pop	%eax
	iret

uart_isr:
	pusha
4:	mov	$UART_LSR, %dx
	in	%dx, %al
	test	$0x01, %al
	jz	6f
	mov	$UART_RBR, %dx
	in	%dx, %al
	cmp	$'\n', %al
	jne	5f
	movb	$1, newline
5:	cmp	$'a', %al
	jb	7f
	cmp	$'z', %al
	ja	7f
	sub	$0x20, %al
7:	call	putc
	incl	echoed
	jmp	4b
6:	movl	$0, LAPIC_BASE + LAPIC_EOI
	popa
	iret

spurious_isr:					/* no EOI for the spurious vector */
	iret

unexpected:
	mov	$0x71, %al
	out	%al, $DEBUG_EXIT_PORT
	hlt

/* putc: AL to the UART, polling LSR.THRE; keeps every register. */
putc:
	push	%edx
	push	%eax
	mov	$UART_LSR, %dx
8:	in	%dx, %al
	test	$0x20, %al
	jz	8b
	pop	%eax
	mov	$UART_THR, %dx
	out	%al, %dx
	pop	%edx
	ret

/* puts: the NUL-terminated string at ESI; clobbers ESI. */
puts:
	push	%eax
9:	lodsb
	test	%al, %al
	jz	10f
	call	putc
	jmp	9b
10:	pop	%eax
	ret

/* putdec: EAX in decimal; keeps every register but EAX. */
putdec:
	push	%ebx
	push	%ecx
	push	%edx
	mov	$10, %ebx
	xor	%ecx, %ecx
11:	xor	%edx, %edx
	div	%ebx
	push	%edx
	inc	%ecx
	test	%eax, %eax
	jnz	11b
12:	pop	%eax
	add	$'0', %al
	call	putc
	dec	%ecx
	jnz	12b
	pop	%edx
	pop	%ecx
	pop	%ebx
	ret

	.data
	.align	8
gdt:
	.quad	0
	.quad	0x00cf9a000000ffff		/* 0x08: flat 32-bit code */
	.quad	0x00cf92000000ffff		/* 0x10: flat data */
gdt_end:
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	gdt
idt_desc:
	.word	256 * 8 - 1
	.long	idt

	.align	4
ticks:		.long	0
pit_ticks:	.long	0
echoed:		.long	0
pm_last:	.long	0
pm_total:	.long	0
newline:	.byte	0

msg_ready:	.asciz	"irqdemo: ready\n"
msg_ticks:	.asciz	"ticks="
msg_pit:	.asciz	" pit="
msg_echoed:	.asciz	" echoed="
msg_pm:		.asciz	" pm_ms="

	.bss
	.align	16
idt:
	.space	256 * 8
	.space	4096
stack_top:
